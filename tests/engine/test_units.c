/* SPDX-License-Identifier: Apache-2.0 */
/* test_units.c -- units (8-minute rule, hour codes and add-ons, untimed, payer timed15 override),
 * evaluation code choice, modifier order, diagnosis pointers, money, ordering and determinism. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include "engine/fixture.h"

static void code(const slp_rules_t *r, const fx_t *f, slp_result_t *res) {
  assert_int_equal(slp_engine_code(r, &f->s, res), 0);
}

static uint32_t units_of(const slp_result_t *res, const char *code) {
  const slp_line_t *l = fx_line(res, code);
  return l ? l->units : 0;
}

static void one_activity(fx_t *f, int32_t kind, int32_t area, uint32_t minutes, const char *dx) {
  fx_base(f);
  f->acts[0] = (slp_activity_t){kind, area, minutes, 0, false};
  f->dx[0] = dx;
  f->s.n_diagnoses = 1;
}

static void test_eight_minute_rule(void **state) {
  (void)state;
  static const struct {
    uint32_t minutes, units;
  } rows[] = {{7, 0},  {8, 1},  {22, 1}, {23, 2}, {37, 2},
              {38, 3}, {52, 3}, {53, 4}, {67, 4}, {68, 5}};
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    fx_t f;
    one_activity(&f, SLP_TREATMENT, SLP_AREA_COGNITION, rows[i].minutes, "R41.841");
    slp_result_t res;
    code(g_default, &f, &res);
    uint32_t total = units_of(&res, "97129") + units_of(&res, "97130");
    if (total != rows[i].units)
      fx_dump(&res);
    assert_int_equal(total, rows[i].units);
    if (rows[i].units == 0) {
      assert_true(res.rejected);
      assert_non_null(fx_find(&res, "activity.insufficient_time"));
    } else {
      assert_int_equal(units_of(&res, "97129"), 1);
      assert_int_equal(units_of(&res, "97130"), rows[i].units - 1);
    }
  }
}

static void test_hour_codes(void **state) {
  (void)state;
  static const struct {
    int32_t area;
    uint32_t minutes;
    const char *base, *addon;
    uint32_t base_units, addon_units;
  } rows[] = {
      {SLP_AREA_SPEECH_GENERATING_DEVICE, 30, "92607", "92608", 0, 0},
      {SLP_AREA_SPEECH_GENERATING_DEVICE, 31, "92607", "92608", 1, 0},
      {SLP_AREA_SPEECH_GENERATING_DEVICE, 75, "92607", "92608", 1, 0},  /* +15 */
      {SLP_AREA_SPEECH_GENERATING_DEVICE, 76, "92607", "92608", 1, 1},  /* +16 */
      {SLP_AREA_SPEECH_GENERATING_DEVICE, 106, "92607", "92608", 1, 2}, /* +30 +16 */
      {SLP_AREA_AURAL_REHAB, 67, "92626", "92627", 1, 0},               /* +7 */
      {SLP_AREA_AURAL_REHAB, 68, "92626", "92627", 1, 1},               /* +8 */
      {SLP_AREA_AURAL_REHAB, 83, "92626", "92627", 1, 2},               /* +15 +8 */
      {SLP_AREA_COGNITION, 90, "96125", "96125", 1, 0},
      {SLP_AREA_COGNITION, 91, "96125", "96125", 2, 0},
  };
  static const char *const dx[] = {[SLP_AREA_SPEECH_GENERATING_DEVICE] = "R47.1",
                                   [SLP_AREA_AURAL_REHAB] = "H90.3",
                                   [SLP_AREA_COGNITION] = "R41.841"};
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    fx_t f;
    one_activity(&f, SLP_EVALUATION, rows[i].area, rows[i].minutes, dx[rows[i].area]);
    slp_result_t res;
    code(g_default, &f, &res);
    if (units_of(&res, rows[i].base) != rows[i].base_units)
      fx_dump(&res);
    assert_int_equal(units_of(&res, rows[i].base), rows[i].base_units);
    if (strcmp(rows[i].base, rows[i].addon) != 0)
      assert_int_equal(units_of(&res, rows[i].addon), rows[i].addon_units);
    if (rows[i].base_units == 0)
      assert_non_null(fx_find(&res, "activity.insufficient_time"));
  }
}

static void test_untimed_one_unit(void **state) {
  (void)state;
  fx_t f;
  fx_base(&f);
  f.acts[0].minutes = 240;
  f.acts[1] = (slp_activity_t){SLP_TREATMENT, SLP_AREA_VOICE, 30, 0, false};
  f.s.n_activities = 2;
  slp_result_t res;
  code(g_default, &f, &res);
  assert_false(res.rejected);
  assert_int_equal(res.n_lines, 1);
  assert_int_equal(res.lines[0].units, 1);
  assert_int_equal(res.lines[0].minutes, 270);
}

static void test_timed15_payer_override(void **state) {
  (void)state;
  static const struct {
    uint32_t minutes, units;
    bool capped;
  } rows[] = {{22, 1, false}, {23, 2, false}, {60, 4, false},
              {67, 4, false}, {75, 4, true},  {200, 4, true}};
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    fx_t f;
    fx_base(&f);
    f.s.coverage.payer_kind = SLP_MEDICAID;
    f.s.coverage.payer_id = "TXMCD";
    f.s.prior_authorization = "PA-77";
    f.acts[0].minutes = rows[i].minutes;
    slp_result_t res;
    code(g_default, &f, &res);
    assert_false(res.rejected);
    assert_int_equal(units_of(&res, "92507"), rows[i].units);
    assert_true((fx_find(&res, "mue.units_capped") != NULL) == rows[i].capped);
  }
  /* the same session under the kind's defaults: one untimed unit */
  fx_t f;
  fx_base(&f);
  f.s.coverage.payer_kind = SLP_MEDICAID;
  f.s.prior_authorization = "PA-77";
  f.acts[0].minutes = 75;
  slp_result_t res;
  code(g_default, &f, &res);
  assert_int_equal(units_of(&res, "92507"), 1);
}

static void test_evaluation_codes(void **state) {
  (void)state;
  fx_t f;
  slp_result_t res;
  one_activity(&f, SLP_EVALUATION, SLP_AREA_SPEECH_SOUND, 45, "F80.0");
  code(g_default, &f, &res);
  assert_int_equal(res.n_lines, 1);
  assert_string_equal(res.lines[0].procedure_code, "92522");

  one_activity(&f, SLP_EVALUATION, SLP_AREA_LANGUAGE, 45, "F80.2");
  code(g_default, &f, &res);
  assert_int_equal(res.n_lines, 1);
  assert_string_equal(res.lines[0].procedure_code, "92523");
  assert_int_equal(res.lines[0].n_modifiers, 2);
  assert_string_equal(res.lines[0].modifiers[0], "52");
  assert_string_equal(res.lines[0].modifiers[1], "GN");

  f.acts[1] = (slp_activity_t){SLP_RE_EVALUATION, SLP_AREA_SPEECH_SOUND, 30, 0, false};
  f.s.n_activities = 2;
  code(g_default, &f, &res);
  assert_int_equal(res.n_lines, 1); /* never 92522 beside 92523 */
  assert_string_equal(res.lines[0].procedure_code, "92523");
  assert_int_equal(res.lines[0].n_modifiers, 1);
  assert_string_equal(res.lines[0].modifiers[0], "GN");
  assert_int_equal(res.lines[0].minutes, 75);
}

static void telehealth_kx_ptp(fx_t *f) {
  fx_base(f);
  f->s.delivery = SLP_TELEHEALTH_VIDEO;
  f->s.place_of_service = "10";
  f->acts[1] = (slp_activity_t){SLP_TREATMENT, SLP_AREA_SWALLOWING, 25, 0, true};
  f->s.n_activities = 2;
  f->dx[2] = "R13.12";
  f->s.n_diagnoses = 3;
  f->s.coverage.ytd_therapy_allowed_cents = 240000;
  f->s.documentation.medical_necessity = true;
}

static void assert_mods(const slp_line_t *l, const char *const *want, uint32_t n) {
  assert_non_null(l);
  assert_int_equal(l->n_modifiers, n);
  for (uint32_t i = 0; i < n; i++)
    assert_string_equal(l->modifiers[i], want[i]);
}

static void test_modifier_order(void **state) {
  (void)state;
  fx_t f;
  slp_result_t res;
  telehealth_kx_ptp(&f);
  code(g_test, &f, &res);
  if (res.rejected)
    fx_dump(&res);
  assert_false(res.rejected);
  static const char *const col2[] = {"GN", "XE", "KX", "95"};
  static const char *const col1[] = {"GN", "KX", "95"};
  assert_mods(fx_line(&res, "92526"), col2, 4);
  assert_mods(fx_line(&res, "92507"), col1, 3);
  assert_non_null(fx_find(&res, "medicare.kx_applied"));
  assert_non_null(fx_find(&res, "ncci.ptp_bypassed"));

  f.s.delivery = SLP_TELEHEALTH_AUDIO_ONLY;
  f.s.coverage.payer_kind = SLP_MEDICAID;
  f.s.prior_authorization = "PA-1";
  code(g_test, &f, &res);
  static const char *const medicaid[] = {"GN", "59", "93"};
  assert_mods(fx_line(&res, "92526"), medicaid, 3);

  f.s.coverage.payer_kind = SLP_SELF_PAY;
  code(g_test, &f, &res);
  assert_null(fx_line(&res, "92526")); /* no NCCI modifier for this payer: no bypass */
  assert_int_equal(fx_line(&res, "92507")->n_modifiers, 0);
}

static void test_pointers(void **state) {
  (void)state;
  fx_t f;
  fx_base(&f);
  static const char *const dx[] = {"F80.2", "R13.12", "R47.01", "F80.1", "F80.0", "F80.9", "r4701"};
  for (size_t i = 0; i < 7; i++)
    f.dx[i] = dx[i];
  f.s.n_diagnoses = 7;
  f.acts[1] = (slp_activity_t){SLP_TREATMENT, SLP_AREA_SWALLOWING, 25, 0, false};
  f.s.n_activities = 2;
  slp_result_t res;
  code(g_default, &f, &res);
  assert_false(res.rejected);
  assert_int_equal(res.n_diagnoses, 6); /* r4701 is R47.01 again */
  assert_string_equal(res.diagnoses[2], "R4701");
  const slp_line_t *speech = fx_line(&res, "92507");
  assert_int_equal(speech->n_diagnosis_pointers, 4);
  /* pointers.tsv ranks F80.1 and F80.2 first for a LANGUAGE line, then claim order: R47.01, F80.0 */
  static const uint32_t want[] = {1, 4, 3, 5};
  for (int i = 0; i < 4; i++)
    assert_int_equal(speech->diagnosis_pointers[i], want[i]);
  const slp_line_t *swallow = fx_line(&res, "92526");
  assert_int_equal(swallow->n_diagnosis_pointers, 1);
  assert_int_equal(swallow->diagnosis_pointers[0], 2);
  assert_int_equal(speech->line_number, 1);
  assert_int_equal(swallow->line_number, 2);
}

/* CMS's arithmetic, written independently of the engine's fixed point: one unit is
 * [(work x wGPCI) + (PE x peGPCI x (1 - reduction)) + (MP x mpGPCI)] x CF, rounded to cents. */
static int64_t cms_unit(double work, double pe, double mp, const double gpci[3], double reduce,
                        double cf) {
  long double rvu = (long double)work * gpci[0] + (long double)pe * gpci[1] * (1.0L - reduce) +
                    (long double)mp * gpci[2];
  return (int64_t)(rvu * cf * 100.0L + 0.5L); /* amounts are positive: half up */
}

static const double national[3] = {1.0, 1.0, 1.0};
static const double manhattan[3] = {1.065, 1.166, 1.656}; /* GPCI2025.csv 13202 / 01 */
static const double alabama[3] = {1.0, 0.869, 0.575};     /* GPCI2025.csv 10112 / 00 */
#define CF25 32.3465
#define CF26 33.4009

static void dated(fx_t *f, const char *dos) {
  int32_t d = fx_day(dos);
  fx_set_dos(f, d);
  slp_date_format(d - 9, f->start);
  slp_date_format(d - 7, f->cert);
  slp_date_format(d + 79, f->end);
}

static void test_money(void **state) {
  (void)state;
  fx_t f;
  slp_result_t res;
  fx_base(&f);
  code(g_default, &f, &res);
  /* RVU25D 92507: work 1.30, PE 0.99, MP 0.03 */
  assert_int_equal(res.expected_allowed_cents, cms_unit(1.30, 0.99, 0.03, national, 0, CF25));
  assert_int_equal(res.expected_allowed_cents, 7504); /* the check: $75.04 */
  assert_int_equal(res.lines[0].allowed_cents, res.expected_allowed_cents);
  assert_int_equal(res.total_charge_cents, 15000);
  assert_int_equal(res.lines[0].charge_cents, 15000);
  f.s.organization_id = "ORG-EXAMPLE";
  code(g_default, &f, &res);
  assert_int_equal(res.total_charge_cents, 13500);

  /* 92610 (RVU25D work 1.30, PE 1.24 / 0.79, MP 0.04) by place of service */
  static const struct {
    const char *pos;
    bool facility;
  } places[] = {{"11", false}, {"12", false}, {"32", false}, {"22", true}, {"21", true},
                {"31", true},  {"03", false}, {"13", false}, {"62", false}};
  for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
    one_activity(&f, SLP_EVALUATION, SLP_AREA_SWALLOWING, 40, "R13.12");
    f.s.place_of_service = places[i].pos;
    code(g_default, &f, &res);
    assert_false(res.rejected);
    assert_int_equal(res.expected_allowed_cents,
                     cms_unit(1.30, places[i].facility ? 0.79 : 1.24, 0.04, national, 0, CF25));
  }
  /* the POS 32 figure: $83.45, not the facility $68.90 */
  f.s.place_of_service = "32";
  code(g_default, &f, &res);
  assert_int_equal(res.expected_allowed_cents, 8345);

  /* 2026: the 2026 RVUs (facts section 1), not 2025's: 92610 at POS 22 = $57.78 */
  one_activity(&f, SLP_EVALUATION, SLP_AREA_SWALLOWING, 40, "R13.12");
  dated(&f, "2026-03-02");
  f.s.place_of_service = "22";
  code(g_default, &f, &res);
  assert_int_equal(res.expected_allowed_cents, cms_unit(1.30, 0.42, 0.01, national, 0, CF26));
  assert_int_equal(res.expected_allowed_cents, 5778);
  f.s.place_of_service = "12";
  code(g_default, &f, &res);
  assert_int_equal(res.expected_allowed_cents, cms_unit(1.30, 1.23, 0.01, national, 0, CF26));

  /* 97130 2026 has totals only (0.63, M derived): national total x CF, flagged provisional */
  one_activity(&f, SLP_TREATMENT, SLP_AREA_COGNITION, 38, "R41.841");
  dated(&f, "2026-03-02");
  code(g_default, &f, &res);
  int64_t u97129 = cms_unit(0.50, 0.16, 0.01, national, 0, CF26);
  int64_t u97130 = (int64_t)(0.63L * CF26 * 100.0L + 0.5L);
  assert_int_equal(fx_line(&res, "97129")->allowed_cents, u97129);
  assert_int_equal(fx_line(&res, "97130")->allowed_cents, 2 * u97130);
  assert_int_equal(res.expected_allowed_cents, u97129 + 2 * u97130);
  assert_int_equal(res.total_charge_cents, 4500 + 2 * 4200);
  const slp_finding_t *pv = fx_find(&res, "rules.provisional");
  assert_non_null(pv);
  assert_non_null(strstr(pv->message, "fees.tsv 2026 97130"));
  assert_non_null(strstr(pv->message, "0.63"));
}

/* Therapy MPPR: the highest-PE unit in full, every other unit of an indicator-5 code at half
 * its PE; indicator-0 codes untouched; rule_ids on a reduced line name money.mppr. */
static bool has_rule_id(const slp_line_t *l, const char *id) {
  for (uint32_t i = 0; i < l->n_rule_ids; i++)
    if (strcmp(l->rule_ids[i], id) == 0)
      return true;
  return false;
}

static void test_mppr(void **state) {
  (void)state;
  fx_t f;
  slp_result_t res;
  /* 92523 (PE 2.97) + 92507 (PE 0.99), 2025: $16.01 off the sum (facts section 3) */
  fx_base(&f);
  f.acts[1] = (slp_activity_t){SLP_EVALUATION, SLP_AREA_LANGUAGE, 60, 0, false};
  f.s.n_activities = 2;
  code(g_default, &f, &res);
  assert_false(res.rejected);
  const slp_line_t *eval = fx_line(&res, "92523"), *tx = fx_line(&res, "92507");
  assert_non_null(eval);
  assert_non_null(tx);
  int64_t e_full = cms_unit(3.84, 2.97, 0.10, national, 0, CF25);
  int64_t t_full = cms_unit(1.30, 0.99, 0.03, national, 0, CF25);
  int64_t t_half = cms_unit(1.30, 0.99, 0.03, national, 0.5, CF25);
  assert_int_equal(eval->allowed_cents, e_full);
  assert_int_equal(tx->allowed_cents, t_half);
  assert_int_equal(res.expected_allowed_cents, e_full + t_half);
  assert_int_equal(e_full + t_full - res.expected_allowed_cents, 1601);
  assert_true(has_rule_id(tx, "money.mppr"));
  assert_false(has_rule_id(eval, "money.mppr"));

  /* three codes: + 92526 (PE 1.19); only 92523 keeps its full PE */
  f.acts[2] = (slp_activity_t){SLP_TREATMENT, SLP_AREA_SWALLOWING, 30, 0, false};
  f.s.n_activities = 3;
  f.dx[2] = "R13.12";
  f.s.n_diagnoses = 3;
  code(g_default, &f, &res);
  assert_false(res.rejected);
  int64_t s_half = cms_unit(1.34, 1.19, 0.03, national, 0.5, CF25);
  assert_int_equal(fx_line(&res, "92526")->allowed_cents, s_half);
  assert_int_equal(res.expected_allowed_cents, e_full + t_half + s_half);

  /* one indicator-5 code alone is never reduced */
  fx_base(&f);
  code(g_default, &f, &res);
  assert_false(has_rule_id(&res.lines[0], "money.mppr"));

  /* a multi-unit indicator-5 line: 96125 x 2 (PE 1.33) beside 92507: one 96125 unit in full */
  fx_base(&f);
  f.acts[1] = (slp_activity_t){SLP_EVALUATION, SLP_AREA_COGNITION, 120, 0, false};
  f.s.n_activities = 2;
  f.dx[1] = "R41.841";
  code(g_default, &f, &res);
  assert_false(res.rejected);
  const slp_line_t *cog = fx_line(&res, "96125");
  assert_int_equal(cog->units, 2);
  int64_t c_full = cms_unit(1.70, 1.33, 0.05, national, 0, CF25);
  int64_t c_half = cms_unit(1.70, 1.33, 0.05, national, 0.5, CF25);
  assert_int_equal(cog->allowed_cents, c_full + c_half);
  assert_int_equal(fx_line(&res, "92507")->allowed_cents, t_half);
  assert_true(has_rule_id(cog, "money.mppr"));

  /* 97129 + 97130 (MULT PROC 0 in RVU25D) beside 92507: nothing reduced */
  fx_base(&f);
  f.acts[1] = (slp_activity_t){SLP_TREATMENT, SLP_AREA_COGNITION, 38, 0, false};
  f.s.n_activities = 2;
  f.dx[1] = "R41.841";
  code(g_default, &f, &res);
  assert_int_equal(res.expected_allowed_cents,
                   t_full + cms_unit(0.50, 0.16, 0.01, national, 0, CF25) +
                       2 * cms_unit(0.48, 0.15, 0.01, national, 0, CF25));
  for (size_t i = 0; i < res.n_lines; i++)
    assert_false(has_rule_id(&res.lines[i], "money.mppr"));
}

/* The KX decision flips because MPPR lowers the accrual: the same session, with and without the
 * reduction in the bundle. */
static void test_kx_flips_with_mppr(void **state) {
  (void)state;
  char dir[256];
  fx_copy_default(dir, sizeof dir);
  char path[512];
  snprintf(path, sizeof path, "%s/mppr.tsv", dir);
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs("effective_from\teffective_to\tmult_proc\tpe_reduction_percent\n", fp);
  fclose(fp);
  slp_rules_t *no_mppr = fx_load(dir);
  fx_remove(dir);
  assert_non_null(no_mppr);
  fx_t f;
  fx_base(&f);
  dated(&f, "2026-03-10");
  f.acts[1] = (slp_activity_t){SLP_EVALUATION, SLP_AREA_LANGUAGE, 60, 0, false};
  f.s.n_activities = 2;
  int64_t e = cms_unit(3.84, 2.93, 0.01, national, 0, CF26);
  int64_t t_half = cms_unit(1.30, 0.97, 0.01, national, 0.5, CF26);
  f.s.coverage.ytd_therapy_allowed_cents = 248000 - (e + t_half); /* lands on $2,480 exactly */
  slp_result_t res;
  code(g_default, &f, &res);
  assert_false(res.rejected);
  assert_null(fx_find(&res, "medicare.kx_threshold"));
  assert_int_equal(res.expected_allowed_cents, e + t_half);
  code(no_mppr, &f, &res);
  assert_true(res.rejected); /* past $2,480 without documented medical necessity */
  assert_non_null(fx_find(&res, "medicare.kx_threshold"));
  f.s.documentation.medical_necessity = true;
  code(no_mppr, &f, &res);
  assert_non_null(fx_find(&res, "medicare.kx_applied"));
  code(g_default, &f, &res);
  assert_null(fx_find(&res, "medicare.kx_applied"));
  slp_rules_unref(no_mppr);
}

/* Locality: GPCIs from the CMS GPCI file for the organization's MAC + locality. */
static void test_locality(void **state) {
  (void)state;
  fx_t f;
  slp_result_t res;
  static const struct {
    const char *org;
    const double *gpci;
  } orgs[] = {{"ORG-NYC", manhattan}, {"ORG-AL", alabama}, {"ORG-X", national}};
  for (size_t i = 0; i < 3; i++) {
    fx_base(&f);
    f.s.organization_id = orgs[i].org;
    code(g_test, &f, &res);
    assert_false(res.rejected);
    assert_int_equal(res.expected_allowed_cents, cms_unit(1.30, 0.99, 0.03, orgs[i].gpci, 0, CF25));
    assert_int_equal(fx_find(&res, "money.national") != NULL, orgs[i].gpci == national);
    /* with MPPR: 92523 + 92507 in the locality */
    f.acts[1] = (slp_activity_t){SLP_EVALUATION, SLP_AREA_LANGUAGE, 60, 0, false};
    f.s.n_activities = 2;
    code(g_test, &f, &res);
    assert_int_equal(res.expected_allowed_cents,
                     cms_unit(3.84, 2.97, 0.10, orgs[i].gpci, 0, CF25) +
                         cms_unit(1.30, 0.99, 0.03, orgs[i].gpci, 0.5, CF25));
  }
  /* Manhattan 92507 2025: (1.30 x 1.065 + 0.99 x 1.166 + 0.03 x 1.656) x 32.3465 = $83.73 */
  fx_base(&f);
  f.s.organization_id = "ORG-NYC";
  code(g_test, &f, &res);
  assert_int_equal(res.expected_allowed_cents, 8373);
}

static void test_rejection_order_and_determinism(void **state) {
  (void)state;
  fx_t f;
  fx_base(&f);
  f.s.plan_of_care.certified_date = "";                      /* WARNING poc.certification_pending */
  f.s.rendering_provider.npi = "1234567890";                 /* ERROR provider.npi */
  f.s.plan_of_care.treatment_days_since_progress_report = 7; /* WARNING */
  f.s.documentation.techniques = false;                      /* ERROR */
  static slp_result_t a, b;
  memset(&a, 0xab, sizeof a);
  memset(&b, 0xab, sizeof b);
  code(g_default, &f, &a);
  code(g_default, &f, &b);
  assert_memory_equal(&a, &b, sizeof a);
  assert_true(a.rejected);
  bool seen_warning = false;
  for (size_t i = 0; i < a.n_findings; i++) {
    if (a.findings[i].severity == SLP_WARNING)
      seen_warning = true;
    else
      assert_false(seen_warning && a.findings[i].severity == SLP_ERROR);
  }
  assert_true(seen_warning);
  assert_string_equal(a.findings[0].rule_id, "provider.npi");
  assert_ptr_equal(a.rules_version, slp_rules_version(g_default));

  /* a coded claim twice, also byte for byte */
  telehealth_kx_ptp(&f);
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  code(g_test, &f, &a);
  code(g_test, &f, &b);
  assert_false(a.rejected);
  assert_memory_equal(&a, &b, sizeof a);
}

static void test_too_many_findings(void **state) {
  (void)state;
  fx_t f;
  fx_base(&f);
  static const char *bad[50];
  for (int i = 0; i < 50; i++)
    bad[i] = "9X";
  f.s.diagnoses = bad;
  f.s.n_diagnoses = 50;
  f.s.plan_of_care.treatment_days_since_progress_report = 7; /* one WARNING after the errors */
  static slp_result_t res;
  code(g_default, &f, &res);
  assert_true(res.rejected);
  assert_int_equal(res.n_findings, SLP_MAX_FINDINGS);
  assert_int_equal(res.n_findings_omitted, 51 - SLP_MAX_FINDINGS);
  for (size_t i = 0; i < res.n_findings; i++)
    assert_int_equal(res.findings[i].severity, SLP_ERROR); /* the lowest severity made room */
  assert_string_equal(res.findings[47].field, "diagnoses[47]");
}

static void test_throughput(void **state) {
  (void)state;
  fx_t f;
  fx_base(&f);
  f.acts[1] = (slp_activity_t){SLP_EVALUATION, SLP_AREA_SWALLOWING, 30, 0, false};
  f.acts[2] = (slp_activity_t){SLP_TREATMENT, SLP_AREA_SWALLOWING, 20, 0, false};
  f.s.n_activities = 3;
  f.dx[2] = "R13.12";
  f.s.n_diagnoses = 3;
  static slp_result_t res;
  const int n = 200000;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < n; i++)
    slp_engine_code(g_default, &f.s, &res);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  fprintf(stderr, "engine: %.0f sessions/s (3 activities, 3 diagnoses, %zu lines)\n", n / s,
          res.n_lines);
  assert_false(res.rejected);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_eight_minute_rule),
      cmocka_unit_test(test_hour_codes),
      cmocka_unit_test(test_untimed_one_unit),
      cmocka_unit_test(test_timed15_payer_override),
      cmocka_unit_test(test_evaluation_codes),
      cmocka_unit_test(test_modifier_order),
      cmocka_unit_test(test_pointers),
      cmocka_unit_test(test_money),
      cmocka_unit_test(test_mppr),
      cmocka_unit_test(test_locality),
      cmocka_unit_test(test_kx_flips_with_mppr),
      cmocka_unit_test(test_rejection_order_and_determinism),
      cmocka_unit_test(test_too_many_findings),
      cmocka_unit_test(test_throughput),
  };
  return cmocka_run_group_tests(tests, fx_setup_bundles, fx_teardown_bundles);
}
