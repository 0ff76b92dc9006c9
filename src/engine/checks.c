/* SPDX-License-Identifier: Apache-2.0 */
/* checks.c -- the payer and Medicare checks of coding-rules section 7 that look at the session
 * rather than the lines: credential, POS, telehealth, plan of care, progress reports,
 * documentation, timely filing, prior authorization, visit limits, group size. */
#include <string.h>

#include "common/date.h"
#include "engine/internal.h"

static bool empty(const char *s) {
  return s == NULL || s[0] == '\0';
}

static void check_delivery(slp__ctx_t *c) {
  const slp_session_t *s = c->s;
  const slp__policy_t *p = c->policy;
  int32_t cred = s->rendering_provider.credential;
  if (!p->assistant_ok && (cred == SLP_CREDENTIAL_SLP_ASSISTANT || cred == SLP_CREDENTIAL_STUDENT))
    slp__field(slp__emit(c, SLP__R_PROVIDER_CREDENTIAL, SLP_ERROR,
                         "This payer does not pay for services rendered by an SLP %s.",
                         cred == SLP_CREDENTIAL_STUDENT ? "student" : "assistant"),
               "rendering_provider.credential");
  bool tele_pos = strcmp(s->place_of_service, "02") == 0 || strcmp(s->place_of_service, "10") == 0;
  if (c->telehealth != tele_pos)
    slp__field(slp__emit(c, SLP__R_POS_INCONSISTENT, SLP_ERROR,
                         c->telehealth
                             ? "A telehealth session needs place of service 02 or 10, not %s."
                             : "Place of service %s is for telehealth but the session "
                               "was in person.",
                         s->place_of_service),
               "place_of_service");
  if (c->telehealth && !slp__rules_telehealth_covered(c->rules, p, c->dos))
    slp__field(slp__emit(c, SLP__R_TELEHEALTH_NOT_COVERED, SLP_ERROR,
                         "This payer does not cover telehealth on the date of service."),
               "delivery");
  /* Medicare pays audio-only telehealth only with the patient at home (CY2025 PFS final rule). */
  if (s->delivery == SLP_TELEHEALTH_AUDIO_ONLY && s->coverage.payer_kind == SLP_MEDICARE_PART_B &&
      strcmp(s->place_of_service, "10") != 0)
    slp__field(slp__emit(c, SLP__R_TELEHEALTH_NOT_COVERED, SLP_ERROR,
                         "Medicare covers audio-only telehealth only with the patient at home "
                         "(place of service 10), not %s.",
                         s->place_of_service),
               "place_of_service");
}

/* The last day a claim may be filed: DOS + n calendar months, clamped to the month's end (a claim
 * for 2024-02-29 filed by one calendar year may go until 2025-02-28). */
static int32_t months_after(int32_t dos, uint32_t months) {
  int32_t y, m, d;
  slp_civil_from_days(dos, &y, &m, &d);
  int32_t total = m - 1 + (int32_t)months;
  y += total / 12;
  m = total % 12 + 1;
  int32_t last = slp_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) -
                 slp_days_from_civil(y, m, 1);
  return slp_days_from_civil(y, m, d > last ? last : d);
}

static void check_plan(slp__ctx_t *c) {
  const slp_session_t *s = c->s;
  const slp__manifest_t *m = &c->rules->manifest;
  if (!c->policy->poc || !c->any_treatment)
    return;
  int32_t start = c->poc_start, end = c->poc_end, cert = c->poc_cert;
  if (!s->has_plan_of_care || !c->has_start) {
    slp__field(slp__emit(c, SLP__R_POC_MISSING, SLP_ERROR, "Treatment needs a plan of care."),
               s->has_plan_of_care ? "plan_of_care.start_date" : "plan_of_care");
  } else {
    bool certified = c->has_cert;
    bool exception = s->plan_of_care.referral_on_file && c->dos >= m->poc_referral_exception_from;
    if (!certified && !exception) {
      if (c->dos - start > m->poc_cert_days)
        slp__field(slp__emit(c, SLP__R_POC_UNCERTIFIED, SLP_ERROR,
                             "The plan of care is not certified %d days after its start.",
                             (int)m->poc_cert_days),
                   "plan_of_care.certified_date");
      else
        slp__field(
            slp__emit(c, SLP__R_POC_CERTIFICATION_PENDING, SLP_WARNING,
                      "The plan of care still needs certification within %d days of its start.",
                      (int)m->poc_cert_days),
            "plan_of_care.certified_date");
    }
    if (certified && cert - start > m->poc_cert_days)
      slp__field(slp__emit(c, SLP__R_POC_DELAYED_CERTIFICATION, SLP_WARNING,
                           "The plan of care was certified more than %d days after its start.",
                           (int)m->poc_cert_days),
                 "plan_of_care.certified_date");
    if (!c->has_end) {
      slp__field(slp__emit(c, SLP__R_POC_MISSING, SLP_ERROR, "The plan of care has no end date."),
                 "plan_of_care.end_date");
    } else {
      if (c->dos > end)
        slp__field(slp__emit(c, SLP__R_POC_EXPIRED, SLP_ERROR,
                             "The date of service is after the plan of care ends."),
                   "plan_of_care.end_date");
      if (end - start > m->poc_max_days)
        slp__field(slp__emit(c, SLP__R_POC_DURATION, SLP_ERROR,
                             "The plan of care runs more than %d days.", (int)m->poc_max_days),
                   "plan_of_care.end_date");
    }
  }
  if (s->plan_of_care.progress_report_this_visit)
    return;
  uint64_t days = (uint64_t)s->plan_of_care.treatment_days_since_progress_report + 1;
  if (days >= m->progress_report_days)
    slp__field(slp__emit(c, SLP__R_PROGRESS_REPORT_OVERDUE, SLP_ERROR,
                         "A progress report is due at least every %u treatment days.",
                         m->progress_report_days),
               "plan_of_care.treatment_days_since_progress_report");
  else if (days >= m->progress_warn_from)
    slp__field(slp__emit(c, SLP__R_PROGRESS_REPORT_DUE, SLP_WARNING,
                         "A progress report is due within %u more treatment day%s.",
                         (unsigned)(m->progress_report_days - days),
                         m->progress_report_days - days == 1 ? "" : "s"),
               "plan_of_care.treatment_days_since_progress_report");
}

static void check_documentation(slp__ctx_t *c) {
  const slp_session_t *s = c->s;
  if (!c->policy->doc_check)
    return;
  if (c->any_treatment && !s->documentation.techniques)
    slp__field(slp__emit(c, SLP__R_DOCUMENTATION_INCOMPLETE, SLP_ERROR,
                         "Treatment notes must describe the techniques used."),
               "documentation.techniques");
  if (c->any_treatment && !s->documentation.progress)
    slp__field(slp__emit(c, SLP__R_DOCUMENTATION_INCOMPLETE, SLP_ERROR,
                         "Treatment notes must record the patient's response or progress."),
               "documentation.progress");
  if (c->any_evaluation && !s->documentation.goals)
    slp__field(slp__emit(c, SLP__R_DOCUMENTATION_INCOMPLETE, SLP_ERROR,
                         "An evaluation must state measurable goals."),
               "documentation.goals");
}

static void check_coverage(slp__ctx_t *c) {
  const slp_session_t *s = c->s;
  const slp__policy_t *p = c->policy;
  if (p->timely_months > 0) {
    if (c->now > months_after(c->dos, p->timely_months)) {
      bool years = p->timely_months % 12 == 0;
      unsigned n = years ? p->timely_months / 12u : p->timely_months;
      slp__field(slp__emit(c, SLP__R_TIMELY_FILING, SLP_ERROR,
                           "The claim is past this payer's filing limit of %u calendar %s%s after "
                           "the date of service.",
                           n, years ? "year" : "month", n == 1 ? "" : "s"),
                 "reported_at_ms");
    }
  } else if (p->timely_days >= 0 && c->now - c->dos > p->timely_days) {
    slp__field(slp__emit(c, SLP__R_TIMELY_FILING, SLP_ERROR,
                         "The claim is past this payer's %d-day filing limit.",
                         (int)p->timely_days),
               "reported_at_ms");
  }
  if (p->prior_auth && empty(s->prior_authorization))
    slp__field(slp__emit(c, SLP__R_PRIOR_AUTH_MISSING, SLP_ERROR,
                         "This payer requires a prior authorization number."),
               "prior_authorization");
  if (p->visit_limit > 0 && s->coverage.visits_this_year >= p->visit_limit)
    slp__field(slp__emit(c, SLP__R_BENEFIT_VISIT_LIMIT, SLP_ERROR,
                         "The plan's %u visits a year are used up.", p->visit_limit),
               "coverage.visits_this_year");
  int32_t kind = s->coverage.payer_kind;
  if (kind == SLP_MEDICARE_PART_B || kind == SLP_MEDICARE_ADVANTAGE)
    for (size_t i = 0; i < s->n_activities; i++)
      if (s->activities[i].group_size > c->rules->manifest.medicare_group_max)
        slp__field(slp__emit(c, SLP__R_GROUP_SIZE, SLP_WARNING,
                             "Medicare contractors limit a therapy group to %u patients.",
                             c->rules->manifest.medicare_group_max),
                   "activities[%zu].group_size", i);
}

void slp__check_payer(slp__ctx_t *c) {
  check_delivery(c);
  check_plan(c);
  check_documentation(c);
  check_coverage(c);
}
