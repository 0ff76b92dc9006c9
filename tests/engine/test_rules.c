/* SPDX-License-Identifier: Apache-2.0 */
/* test_rules.c -- one row per case: every rule id fires in at least one case and stays silent in a
 * near miss that differs minimally; a meta test fails when an id lacks either; the spec's ids must
 * all be known to the engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/fixture.h"

#define M(name) static void name(fx_t *f)

/* Move the date of service (and the note, and the plan around it) to another day. */
static void move_to(fx_t *f, const char *dos) {
  int32_t d = fx_day(dos);
  fx_set_dos(f, d);
  slp_date_format(d - 9, f->start);
  slp_date_format(d - 7, f->cert);
  slp_date_format(d + 79, f->end);
}

static void set_date(char *dst, const char *src) {
  memcpy(dst, src, 11);
}

static void activity(fx_t *f, size_t i, int32_t kind, int32_t area, uint32_t minutes,
                     uint32_t group, bool distinct) {
  f->acts[i] = (slp_activity_t){kind, area, minutes, group, distinct};
  if (f->s.n_activities < i + 1)
    f->s.n_activities = i + 1;
}

static void add_dx(fx_t *f, const char *dx) {
  f->dx[f->s.n_diagnoses++] = dx;
}

/* ---- mutators: each makes the base session differ in one way ---------------- */
M(m_none) {
  (void)f;
}
M(m_no_event_id) {
  f->s.event_id = "";
}
M(m_bad_birth_date) {
  f->s.patient.birth_date = "1950-02-30";
}
M(m_unknown_credential) {
  f->s.rendering_provider.credential = 9;
}
M(m_unknown_delivery) {
  f->s.delivery = 7;
}
M(m_dos_after_note) {
  f->s.reported_at_ms -= 86400000LL;
}
M(m_dx_bad_shape) {
  f->dx[0] = "F8";
}
M(m_dx_header) {
  f->dx[0] = "R13.1";
}
M(m_dx_billable) {
  f->dx[0] = "R13.12";
}
M(m_no_dx) {
  f->s.n_diagnoses = 0;
}
M(m_manifest_first) {
  f->dx[0] = "F02.80";
  f->dx[1] = "F80.2";
}
M(m_manifest_second) {
  f->dx[0] = "F80.2";
  f->dx[1] = "F02.80";
}
M(m_swallow_group) {
  activity(f, 0, SLP_TREATMENT, SLP_AREA_SWALLOWING, 30, 2, false);
  add_dx(f, "R13.12");
}
M(m_swallow_ind) {
  activity(f, 0, SLP_TREATMENT, SLP_AREA_SWALLOWING, 30, 1, false);
  add_dx(f, "R13.12");
}
M(m_cog_7_beside) {
  activity(f, 1, SLP_TREATMENT, SLP_AREA_COGNITION, 7, 0, false);
  add_dx(f, "R41.841");
}
M(m_cog_8_beside) {
  activity(f, 1, SLP_TREATMENT, SLP_AREA_COGNITION, 8, 0, false);
  add_dx(f, "R41.841");
}
M(m_cog_7_alone) {
  activity(f, 0, SLP_TREATMENT, SLP_AREA_COGNITION, 7, 0, false);
  add_dx(f, "R41.841");
}
M(m_dos_before_span) {
  move_to(f, "2024-12-31");
}
M(m_dos_span_start) {
  move_to(f, "2025-01-01");
}
M(m_sgd_group_2025) {
  move_to(f, "2025-12-31");
  activity(f, 0, SLP_TREATMENT, SLP_AREA_SPEECH_GENERATING_DEVICE, 30, 3, false);
  add_dx(f, "R47.1");
}
M(m_sgd_group_2026) {
  move_to(f, "2026-01-01");
  activity(f, 0, SLP_TREATMENT, SLP_AREA_SPEECH_GENERATING_DEVICE, 30, 3, false);
  add_dx(f, "R47.1");
}
/* 92507 2025 national non-facility: $75.04 */
M(m_kx_over) {
  f->s.coverage.ytd_therapy_allowed_cents = 241000 - 7504 + 1;
}
M(m_kx_at) {
  f->s.coverage.ytd_therapy_allowed_cents = 241000 - 7504;
}
M(m_kx_over_mn) {
  m_kx_over(f);
  f->s.documentation.medical_necessity = true;
}
M(m_kx_at_mn) {
  m_kx_at(f);
  f->s.documentation.medical_necessity = true;
}
M(m_review_over) {
  f->s.coverage.ytd_therapy_allowed_cents = 300000 - 7504 + 1;
  f->s.documentation.medical_necessity = true;
}
M(m_review_at) {
  f->s.coverage.ytd_therapy_allowed_cents = 300000 - 7504;
  f->s.documentation.medical_necessity = true;
}
M(m_ptp1_plain) {
  activity(f, 1, SLP_TREATMENT, SLP_AREA_SWALLOWING, 20, 0, false);
  add_dx(f, "R13.12");
}
M(m_ptp1_distinct) {
  activity(f, 1, SLP_TREATMENT, SLP_AREA_SWALLOWING, 20, 0, true);
  add_dx(f, "R13.12");
}
M(m_ptp1_distinct_selfpay) {
  m_ptp1_distinct(f);
  f->s.coverage.payer_kind = SLP_SELF_PAY;
}
M(m_ptp0_evals) {
  activity(f, 0, SLP_EVALUATION, SLP_AREA_FLUENCY, 60, 0, true);
  activity(f, 1, SLP_EVALUATION, SLP_AREA_VOICE, 30, 0, true);
  add_dx(f, "R49.0");
}
M(m_cog_60) {
  activity(f, 0, SLP_TREATMENT, SLP_AREA_COGNITION, 60, 0, false);
  add_dx(f, "R41.841");
}
M(m_cog_45) {
  activity(f, 0, SLP_TREATMENT, SLP_AREA_COGNITION, 45, 0, false);
  add_dx(f, "R41.841");
}
static void txmcd(fx_t *f, uint32_t minutes) {
  f->s.coverage.payer_kind = SLP_MEDICAID;
  f->s.coverage.payer_id = "TXMCD";
  f->s.prior_authorization = "PA-1";
  f->acts[0].minutes = minutes;
}
M(m_tx_75) {
  txmcd(f, 75);
}
M(m_tx_67) {
  txmcd(f, 67);
}
M(m_dx_unrelated) {
  f->dx[0] = "J06.9";
  f->s.n_diagnoses = 1;
}
M(m_dx_related) {
  f->dx[0] = "F80.2";
  f->s.n_diagnoses = 1;
}
M(m_npi_bad) {
  f->s.rendering_provider.npi = "1234567890";
}
M(m_billing_npi_bad) {
  f->s.billing_npi = "123456789";
}
M(m_assistant) {
  f->s.rendering_provider.credential = SLP_CREDENTIAL_SLP_ASSISTANT;
}
M(m_fellow) {
  f->s.rendering_provider.credential = SLP_CREDENTIAL_SLP_CLINICAL_FELLOW;
}
M(m_student_medicaid) {
  f->s.rendering_provider.credential = SLP_CREDENTIAL_STUDENT;
  f->s.coverage.payer_kind = SLP_MEDICAID;
  f->s.prior_authorization = "PA-1";
}
M(m_video_pos11) {
  f->s.delivery = SLP_TELEHEALTH_VIDEO;
}
M(m_video_pos10) {
  f->s.delivery = SLP_TELEHEALTH_VIDEO;
  f->s.place_of_service = "10";
}
M(m_inperson_pos02) {
  f->s.place_of_service = "02";
}
M(m_tele_2028) {
  m_video_pos10(f);
  move_to(f, "2028-01-03");
}
M(m_tele_2027) {
  m_video_pos10(f);
  move_to(f, "2027-12-31");
}
M(m_no_poc) {
  f->s.has_plan_of_care = false;
}
M(m_uncert_31) {
  set_date(f->start, "2025-05-10");
  f->s.plan_of_care.certified_date = "";
}
M(m_uncert_30) {
  set_date(f->start, "2025-05-11");
  f->s.plan_of_care.certified_date = "";
}
M(m_uncert_referral) {
  m_uncert_31(f);
  f->s.plan_of_care.referral_on_file = true;
}
M(m_uncert_fresh) {
  f->s.plan_of_care.certified_date = "";
}
M(m_end_before) {
  set_date(f->end, "2025-06-09");
}
M(m_end_on) {
  set_date(f->end, "2025-06-10");
}
M(m_long_91) {
  set_date(f->end, "2025-08-31");
}
M(m_long_90) {
  set_date(f->end, "2025-08-30");
}
M(m_cert_late_31) {
  set_date(f->cert, "2025-07-02");
}
M(m_cert_late_30) {
  set_date(f->cert, "2025-07-01");
}
M(m_pr_9) {
  f->s.plan_of_care.treatment_days_since_progress_report = 9;
}
M(m_pr_9_done) {
  m_pr_9(f);
  f->s.plan_of_care.progress_report_this_visit = true;
}
M(m_pr_8) {
  f->s.plan_of_care.treatment_days_since_progress_report = 8;
}
M(m_pr_7) {
  f->s.plan_of_care.treatment_days_since_progress_report = 7;
}
M(m_pr_6) {
  f->s.plan_of_care.treatment_days_since_progress_report = 6;
}
M(m_no_techniques) {
  f->s.documentation.techniques = false;
}
M(m_no_goals_treatment) {
  f->s.documentation.goals = false;
}
M(m_late_366) {
  f->s.reported_at_ms += 366LL * 86400000LL;
}
M(m_late_365) {
  f->s.reported_at_ms += 365LL * 86400000LL;
}
M(m_medicaid_no_pa) {
  f->s.coverage.payer_kind = SLP_MEDICAID;
}
M(m_medicaid_pa) {
  f->s.coverage.payer_kind = SLP_MEDICAID;
  f->s.prior_authorization = "PA-1";
}
M(m_commercial_30) {
  f->s.coverage.payer_kind = SLP_COMMERCIAL;
  f->s.coverage.visits_this_year = 30;
}
M(m_commercial_29) {
  f->s.coverage.payer_kind = SLP_COMMERCIAL;
  f->s.coverage.visits_this_year = 29;
}
M(m_group_5) {
  f->acts[0].group_size = 5;
}
M(m_group_4) {
  f->acts[0].group_size = 4;
}
M(m_group_5_commercial) {
  m_group_5(f);
  f->s.coverage.payer_kind = SLP_COMMERCIAL;
}

/* ---- the 2027 code set and the December 2026 corrections ---------------------- */
M(m_2027_language) {
  move_to(f, "2027-03-10");
}
M(m_2026_last_day) {
  move_to(f, "2026-12-31");
}
M(m_kx_over_abn) {
  m_kx_over(f);
  f->s.documentation.abn_on_file = true;
}
M(m_kx_at_abn) {
  m_kx_at(f);
  f->s.documentation.abn_on_file = true;
}
M(m_ma_plan_a) {
  f->s.coverage.payer_kind = SLP_MEDICARE_ADVANTAGE;
  f->s.coverage.payer_id = "MA-PLAN-A";
}
M(m_ma_plan_a_swallow) {
  m_ma_plan_a(f);
  activity(f, 0, SLP_TREATMENT, SLP_AREA_SWALLOWING, 30, 0, false);
  add_dx(f, "R13.12");
}
M(m_audio_pos02) {
  f->s.delivery = SLP_TELEHEALTH_AUDIO_ONLY;
  f->s.place_of_service = "02";
}
M(m_audio_pos10) {
  f->s.delivery = SLP_TELEHEALTH_AUDIO_ONLY;
  f->s.place_of_service = "10";
}
M(m_audio_pos02_medicaid) {
  m_audio_pos02(f);
  m_medicaid_pa(f);
}
/* Medicare: one calendar year. DOS 2027-03-10: the last day is 2028-03-10, 366 days later. */
M(m_late_1y_366) {
  move_to(f, "2027-03-10");
  f->s.reported_at_ms += 366LL * 86400000LL;
}
M(m_late_1y_367) {
  move_to(f, "2027-03-10");
  f->s.reported_at_ms += 367LL * 86400000LL;
}
M(m_commercial_late_181) {
  f->s.coverage.payer_kind = SLP_COMMERCIAL;
  f->s.reported_at_ms += 181LL * 86400000LL;
}
M(m_commercial_late_180) {
  f->s.coverage.payer_kind = SLP_COMMERCIAL;
  f->s.reported_at_ms += 180LL * 86400000LL;
}
M(m_dx_not_in_order_file) {
  f->dx[0] = "F80.7";
}
M(m_dx_r638) {
  f->dx[1] = "R63.8";
}
M(m_ptp_deleted_on) {
  move_to(f, "2025-06-30");
  activity(f, 1, SLP_TREATMENT, SLP_AREA_SPEECH_GENERATING_DEVICE, 30, 0, false);
}
M(m_ptp_deleted_after) {
  move_to(f, "2025-07-01");
  activity(f, 1, SLP_TREATMENT, SLP_AREA_SPEECH_GENERATING_DEVICE, 30, 0, false);
}
M(m_cognition_g3184) {
  activity(f, 0, SLP_TREATMENT, SLP_AREA_COGNITION, 30, 0, false);
  f->dx[0] = "G31.84";
  f->s.n_diagnoses = 1;
}
M(m_feeding_p929) {
  activity(f, 0, SLP_TREATMENT, SLP_AREA_SWALLOWING, 30, 0, false);
  f->dx[0] = "P92.9";
  f->s.n_diagnoses = 1;
}
M(m_voice_j383) {
  activity(f, 0, SLP_TREATMENT, SLP_AREA_VOICE, 30, 0, false);
  f->dx[0] = "J38.3";
  f->s.n_diagnoses = 1;
}

/* ---- pricing: locality, provisional values, POS ---------------------------- */
M(m_org_nyc) {
  f->s.organization_id = "ORG-NYC"; /* the test bundle maps it to Manhattan (GPCI2025 excerpt) */
}
M(m_org_nyc_2026) {
  m_org_nyc(f);
  move_to(f, "2026-03-10"); /* the bundle has no 2026 GPCI file */
}
M(m_cognition_2026) {
  activity(f, 0, SLP_TREATMENT, SLP_AREA_COGNITION, 38, 0, false); /* 97129 + 97130 x 2 */
  add_dx(f, "R41.841");
  move_to(f, "2026-03-10"); /* 97130's 2026 RVUs are provisional (M, derived) */
}
M(m_cognition_2025) {
  activity(f, 0, SLP_TREATMENT, SLP_AREA_COGNITION, 38, 0, false);
  add_dx(f, "R41.841");
}
M(m_dos_2027) {
  move_to(f, "2027-03-10"); /* the test bundle spans 2028: the 2027 CF is a proposed value */
}
M(m_pos_unassigned) {
  f->s.place_of_service = "30"; /* two digits, but not a CMS place of service */
}

typedef struct rule_case {
  const char *rule_id;
  bool fires;
  int bundle; /* 0 default, 1 test bundle, 2 test-only 2027 bundle, 3 default + ICD order file */
  void (*mutate)(fx_t *f);
  slp_severity_t severity; /* when it fires */
  const char *field;       /* when it fires; NULL = not checked */
} rule_case_t;

#define FIRE(id, b, m, sev, field)                                                                 \
  { id, true, b, m, sev, field }
#define MISS(id, b, m)                                                                             \
  { id, false, b, m, SLP_SEVERITY_UNSPECIFIED, NULL }

static const rule_case_t cases[] = {
    MISS("event.invalid", 0, m_none),
    FIRE("event.invalid", 0, m_pos_unassigned, SLP_ERROR, "place_of_service"),
    FIRE("money.national", 0, m_none, SLP_INFO, "organization_id"),
    FIRE("money.national", 1, m_org_nyc_2026, SLP_INFO, "date_of_service"),
    MISS("money.national", 1, m_org_nyc),
    FIRE("rules.provisional", 0, m_cognition_2026, SLP_WARNING, NULL),
    FIRE("rules.provisional", 1, m_dos_2027, SLP_WARNING, NULL),
    MISS("rules.provisional", 0, m_cognition_2025),
    FIRE("event.invalid", 0, m_no_event_id, SLP_ERROR, "event_id"),
    FIRE("event.invalid", 0, m_dos_after_note, SLP_ERROR, "date_of_service"),
    FIRE("event.invalid", 0, m_bad_birth_date, SLP_ERROR, "patient.birth_date"),
    FIRE("event.invalid", 0, m_unknown_credential, SLP_ERROR, "rendering_provider.credential"),
    FIRE("event.invalid", 0, m_unknown_delivery, SLP_ERROR, "delivery"),
    FIRE("diagnosis.invalid", 0, m_dx_bad_shape, SLP_ERROR, "diagnoses[0]"),
    FIRE("diagnosis.invalid", 0, m_dx_header, SLP_ERROR, "diagnoses[0]"),
    FIRE("diagnosis.invalid", 0, m_no_dx, SLP_ERROR, "diagnoses"),
    MISS("diagnosis.invalid", 0, m_dx_billable),
    FIRE("diagnosis.manifestation_first", 0, m_manifest_first, SLP_ERROR, "diagnoses[0]"),
    MISS("diagnosis.manifestation_first", 0, m_manifest_second),
    FIRE("activity.group_unsupported", 0, m_swallow_group, SLP_ERROR, "activities[0].group_size"),
    MISS("activity.group_unsupported", 0, m_swallow_ind),
    FIRE("activity.insufficient_time", 0, m_cog_7_beside, SLP_WARNING, "activities[1].minutes"),
    FIRE("activity.insufficient_time", 0, m_cog_7_alone, SLP_ERROR, "activities[0].minutes"),
    MISS("activity.insufficient_time", 0, m_cog_8_beside),
    FIRE("code.not_effective", 0, m_dos_before_span, SLP_ERROR, "date_of_service"),
    MISS("code.not_effective", 0, m_dos_span_start),
    FIRE("code.not_effective", 1, m_sgd_group_2025, SLP_ERROR, "activities[0]"),
    MISS("code.not_effective", 1, m_sgd_group_2026),
    FIRE("medicare.kx_applied", 0, m_kx_over_mn, SLP_INFO, "coverage.ytd_therapy_allowed_cents"),
    MISS("medicare.kx_applied", 0, m_kx_at_mn),
    FIRE("medicare.kx_threshold", 0, m_kx_over, SLP_ERROR, "documentation.medical_necessity"),
    MISS("medicare.kx_threshold", 0, m_kx_at),
    MISS("medicare.kx_threshold", 0, m_kx_over_mn),
    FIRE("medicare.targeted_review", 0, m_review_over, SLP_WARNING,
         "coverage.ytd_therapy_allowed_cents"),
    MISS("medicare.targeted_review", 0, m_review_at),
    FIRE("ncci.ptp", 1, m_ptp1_plain, SLP_WARNING, "activities[1].distinct_encounter"),
    FIRE("ncci.ptp", 1, m_ptp0_evals, SLP_WARNING, "activities[1]"),
    FIRE("ncci.ptp", 1, m_ptp1_distinct_selfpay, SLP_WARNING, NULL),
    MISS("ncci.ptp", 1, m_ptp1_distinct),
    FIRE("ncci.ptp_bypassed", 1, m_ptp1_distinct, SLP_INFO, "activities[1].distinct_encounter"),
    MISS("ncci.ptp_bypassed", 1, m_ptp1_plain),
    MISS("ncci.ptp_bypassed", 1, m_ptp0_evals),
    FIRE("mue.units_capped", 1, m_cog_60, SLP_WARNING, "activities[0].minutes"),
    MISS("mue.units_capped", 1, m_cog_45),
    FIRE("mue.units_capped", 0, m_tx_75, SLP_WARNING, "activities[0].minutes"),
    MISS("mue.units_capped", 0, m_tx_67),
    FIRE("necessity.diagnosis", 0, m_dx_unrelated, SLP_ERROR, "diagnoses"),
    MISS("necessity.diagnosis", 0, m_dx_related),
    FIRE("provider.npi", 0, m_npi_bad, SLP_ERROR, "rendering_provider.npi"),
    FIRE("provider.npi", 0, m_billing_npi_bad, SLP_ERROR, "billing_npi"),
    MISS("provider.npi", 0, m_none),
    FIRE("provider.credential", 0, m_assistant, SLP_ERROR, "rendering_provider.credential"),
    MISS("provider.credential", 0, m_fellow),
    MISS("provider.credential", 0, m_student_medicaid),
    FIRE("pos.inconsistent", 0, m_video_pos11, SLP_ERROR, "place_of_service"),
    FIRE("pos.inconsistent", 0, m_inperson_pos02, SLP_ERROR, "place_of_service"),
    MISS("pos.inconsistent", 0, m_video_pos10),
    FIRE("telehealth.not_covered", 1, m_tele_2028, SLP_ERROR, "delivery"),
    MISS("telehealth.not_covered", 1, m_tele_2027),
    FIRE("poc.missing", 0, m_no_poc, SLP_ERROR, "plan_of_care"),
    MISS("poc.missing", 0, m_none),
    FIRE("poc.uncertified", 0, m_uncert_31, SLP_ERROR, "plan_of_care.certified_date"),
    MISS("poc.uncertified", 0, m_uncert_30),
    MISS("poc.uncertified", 0, m_uncert_referral),
    FIRE("poc.certification_pending", 0, m_uncert_fresh, SLP_WARNING,
         "plan_of_care.certified_date"),
    MISS("poc.certification_pending", 0, m_none),
    FIRE("poc.expired", 0, m_end_before, SLP_ERROR, "plan_of_care.end_date"),
    MISS("poc.expired", 0, m_end_on),
    FIRE("poc.duration", 0, m_long_91, SLP_ERROR, "plan_of_care.end_date"),
    MISS("poc.duration", 0, m_long_90),
    FIRE("poc.delayed_certification", 0, m_cert_late_31, SLP_WARNING,
         "plan_of_care.certified_date"),
    MISS("poc.delayed_certification", 0, m_cert_late_30),
    FIRE("progress_report.overdue", 0, m_pr_9, SLP_ERROR,
         "plan_of_care.treatment_days_since_progress_report"),
    MISS("progress_report.overdue", 0, m_pr_8),
    MISS("progress_report.overdue", 0, m_pr_9_done),
    FIRE("progress_report.due", 0, m_pr_7, SLP_WARNING,
         "plan_of_care.treatment_days_since_progress_report"),
    MISS("progress_report.due", 0, m_pr_6),
    FIRE("documentation.incomplete", 0, m_no_techniques, SLP_ERROR, "documentation.techniques"),
    MISS("documentation.incomplete", 0, m_no_goals_treatment),
    FIRE("timely_filing", 0, m_late_366, SLP_ERROR, "reported_at_ms"),
    MISS("timely_filing", 0, m_late_365),
    FIRE("prior_auth.missing", 0, m_medicaid_no_pa, SLP_ERROR, "prior_authorization"),
    MISS("prior_auth.missing", 0, m_medicaid_pa),
    FIRE("benefit.visit_limit", 0, m_commercial_30, SLP_ERROR, "coverage.visits_this_year"),
    MISS("benefit.visit_limit", 0, m_commercial_29),
    FIRE("group.size", 0, m_group_5, SLP_WARNING, "activities[0].group_size"),
    MISS("group.size", 0, m_group_4),
    MISS("group.size", 0, m_group_5_commercial),
    /* 2027 and the December 2026 corrections */
    FIRE("code.not_effective", 0, m_2027_language, SLP_ERROR, "activities[0]"),
    MISS("code.not_effective", 0, m_2026_last_day),
    MISS("code.not_effective", 2, m_2027_language),
    FIRE("rules.provisional", 0, m_2027_language, SLP_WARNING, "date_of_service"),
    FIRE("rules.provisional", 2, m_2027_language, SLP_WARNING, "date_of_service"),
    MISS("rules.provisional", 0, m_2026_last_day),
    FIRE("medicare.abn_liability", 0, m_kx_over_abn, SLP_WARNING, "documentation.abn_on_file"),
    MISS("medicare.abn_liability", 0, m_kx_over),
    MISS("medicare.abn_liability", 0, m_kx_at_abn),
    MISS("medicare.kx_threshold", 0, m_kx_over_abn),
    FIRE("payer.not_covered", 1, m_ma_plan_a, SLP_WARNING, "activities[0]"),
    MISS("payer.not_covered", 1, m_ma_plan_a_swallow),
    MISS("payer.not_covered", 0, m_ma_plan_a),
    FIRE("telehealth.not_covered", 0, m_audio_pos02, SLP_ERROR, "place_of_service"),
    MISS("telehealth.not_covered", 0, m_audio_pos10),
    MISS("telehealth.not_covered", 0, m_audio_pos02_medicaid),
    FIRE("timely_filing", 0, m_late_1y_367, SLP_ERROR, "reported_at_ms"),
    MISS("timely_filing", 0, m_late_1y_366),
    FIRE("timely_filing", 0, m_commercial_late_181, SLP_ERROR, "reported_at_ms"),
    MISS("timely_filing", 0, m_commercial_late_180),
    FIRE("diagnosis.invalid", 3, m_dx_not_in_order_file, SLP_ERROR, "diagnoses[0]"),
    MISS("diagnosis.invalid", 3, m_none),
    MISS("diagnosis.invalid", 0, m_dx_not_in_order_file),
    MISS("diagnosis.invalid", 0, m_dx_r638),
    FIRE("ncci.ptp", 1, m_ptp_deleted_on, SLP_WARNING, "activities[0]"),
    MISS("ncci.ptp", 1, m_ptp_deleted_after),
    MISS("necessity.diagnosis", 0, m_cognition_g3184),
    MISS("necessity.diagnosis", 0, m_feeding_p929),
    MISS("necessity.diagnosis", 0, m_voice_j383),
};
#define N_CASES (sizeof cases / sizeof cases[0])

static void test_baseline_is_clean(void **state) {
  (void)state;
  fx_t f;
  fx_base(&f);
  slp_result_t res;
  assert_int_equal(slp_engine_code(g_default, &f.s, &res), 0);
  if (res.n_findings != 1 || res.n_lines != 1)
    fx_dump(&res);
  assert_false(res.rejected);
  /* the one finding says how the claim was priced: ORG-X has no locality */
  assert_int_equal(res.n_findings, 1);
  assert_string_equal(res.findings[0].rule_id, "money.national");
  assert_int_equal(res.findings[0].severity, SLP_INFO);
  assert_int_equal(res.n_lines, 1);
  assert_string_equal(res.lines[0].procedure_code, "92507");
}

static void test_cases(void **state) {
  (void)state;
  int failures = 0;
  for (size_t i = 0; i < N_CASES; i++) {
    const rule_case_t *rc = &cases[i];
    fx_t f;
    fx_base(&f);
    rc->mutate(&f);
    slp_result_t res;
    slp_rules_t *const bundles[] = {g_default, g_test, g_2027, g_icd};
    assert_int_equal(slp_engine_code(bundles[rc->bundle], &f.s, &res), 0);
    const slp_finding_t *hit = fx_find(&res, rc->rule_id);
    bool ok = rc->fires ? hit != NULL : hit == NULL;
    if (ok && rc->fires) {
      ok = hit->severity == rc->severity &&
           (rc->field == NULL || strcmp(hit->field, rc->field) == 0);
      /* a message never carries patient data */
      ok = ok && strstr(hit->message, "SECRET") == NULL && strstr(hit->message, "1950") == NULL;
      ok = ok && (res.rejected == (res.findings[0].severity == SLP_ERROR));
    }
    if (!ok) {
      fprintf(stderr, "case %zu: %s should %sfire\n", i, rc->rule_id, rc->fires ? "" : "not ");
      fx_dump(&res);
      failures++;
    }
  }
  assert_int_equal(failures, 0);
}

static void test_every_rule_has_both_cases(void **state) {
  (void)state;
  int missing = 0;
  for (size_t r = 0; slp_rule_ids[r] != NULL; r++) {
    bool fire = false, miss = false;
    for (size_t i = 0; i < N_CASES; i++)
      if (strcmp(cases[i].rule_id, slp_rule_ids[r]) == 0) {
        fire |= cases[i].fires;
        miss |= !cases[i].fires;
      }
    if (!fire || !miss) {
      fprintf(stderr, "rule %s lacks a %s case\n", slp_rule_ids[r], fire ? "non-firing" : "firing");
      missing++;
    }
  }
  for (size_t i = 0; i < N_CASES; i++) {
    bool known = false;
    for (size_t r = 0; slp_rule_ids[r] != NULL && !known; r++)
      known = strcmp(cases[i].rule_id, slp_rule_ids[r]) == 0;
    if (!known) {
      fprintf(stderr, "case %zu names unknown rule %s\n", i, cases[i].rule_id);
      missing++;
    }
  }
  assert_int_equal(missing, 0);
}

static bool known_id(const char *id, size_t len) {
  for (size_t r = 0; slp_rule_ids[r] != NULL; r++)
    if (strlen(slp_rule_ids[r]) == len && memcmp(slp_rule_ids[r], id, len) == 0)
      return true;
  return false;
}

static void test_spec_ids_are_known(void **state) {
  (void)state;
  const char *src = getenv("SLPCODER_SOURCE_DIR");
  char path[1024];
  snprintf(path, sizeof path, "%s/docs/spec/coding-rules.md", src ? src : ".");
  FILE *fp = fopen(path, "r");
  if (fp == NULL)
    fail_msg("%s not found: the project's copy of the spec must be in the tree", path);
  static char text[65536];
  size_t n = fread(text, 1, sizeof text - 1, fp);
  fclose(fp);
  text[n] = '\0';
  static const char *const marks[] = {"ERROR `", "WARNING `", "INFO `", "- `"};
  int found = 0, unknown = 0;
  for (size_t k = 0; k < 4; k++) {
    for (const char *p = strstr(text, marks[k]); p != NULL; p = strstr(p + 1, marks[k])) {
      const char *id = p + strlen(marks[k]);
      const char *end = strchr(id, '`');
      if (end == NULL)
        break;
      if (k == 3 && strncmp(end, "` (", 3) != 0)
        continue; /* list items only when "- `id` (" */
      found++;
      if (!known_id(id, (size_t)(end - id))) {
        fprintf(stderr, "spec rule id %.*s is not in slp_rule_ids\n", (int)(end - id), id);
        unknown++;
      }
    }
  }
  assert_true(found >= 20);
  assert_int_equal(unknown, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_baseline_is_clean),
      cmocka_unit_test(test_cases),
      cmocka_unit_test(test_every_rule_has_both_cases),
      cmocka_unit_test(test_spec_ids_are_known),
  };
  return cmocka_run_group_tests(tests, fx_setup_bundles, fx_teardown_bundles);
}
