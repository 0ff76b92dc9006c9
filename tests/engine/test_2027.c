/* SPDX-License-Identifier: Apache-2.0 */
/* test_2027.c -- the 2027 code set as data: the base-plus-add-on timed chain through the test-only
 * bundle (tests/data/bundle-2027.tsv, fictitious codes) at its minute edges, per area and pooled,
 * with its MUE and PTP rows and group 92508 beside it; the default bundle's 2027 gap (92507 deleted,
 * no replacement) and provisional KX year; the ABN (GA) and never-covered (GY) modifiers in order;
 * rules check coverage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/fixture.h"

static void code(const slp_rules_t *r, const fx_t *f, slp_result_t *res) {
  assert_int_equal(slp_engine_code(r, &f->s, res), 0);
}

static uint32_t units_of(const slp_result_t *res, const char *code) {
  const slp_line_t *l = fx_line(res, code);
  return l ? l->units : 0;
}

/* The fixture's clean session moved to 2027-03-10 (plan around it), no activities yet. */
static void base_2027(fx_t *f) {
  fx_base(f);
  int32_t d = fx_day("2027-03-10");
  fx_set_dos(f, d);
  slp_date_format(d - 9, f->start);
  slp_date_format(d - 7, f->cert);
  slp_date_format(d + 79, f->end);
  f->s.n_activities = 0;
  f->dx[0] = "F80.2";
  f->dx[1] = "F80.81";
  f->s.n_diagnoses = 2;
}

static void add(fx_t *f, int32_t area, uint32_t minutes, uint32_t group, bool distinct) {
  f->acts[f->s.n_activities++] = (slp_activity_t){SLP_TREATMENT, area, minutes, group, distinct};
}

static void test_base_and_addon_edges(void **state) {
  (void)state;
  /* base XLB01: first 30 minutes, from 16; add-on XLA01 per further 15, from 8 (MUE XLA01 = 2). */
  static const struct {
    uint32_t minutes, base, addon;
  } rows[] = {{15, 0, 0}, {16, 1, 0}, {30, 1, 0}, {37, 1, 0}, {38, 1, 1},
              {45, 1, 1}, {52, 1, 1}, {53, 1, 2}, {60, 1, 2}};
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    fx_t f;
    base_2027(&f);
    add(&f, SLP_AREA_LANGUAGE, rows[i].minutes, 0, false);
    slp_result_t res;
    code(g_2027, &f, &res);
    if (units_of(&res, "XLB01") != rows[i].base || units_of(&res, "XLA01") != rows[i].addon) {
      fprintf(stderr, "%u minutes:\n", rows[i].minutes);
      fx_dump(&res);
    }
    assert_int_equal(units_of(&res, "XLB01"), rows[i].base);
    assert_int_equal(units_of(&res, "XLA01"), rows[i].addon);
    if (rows[i].base == 0) {
      assert_true(res.rejected);
      assert_non_null(fx_find(&res, "activity.insufficient_time"));
    } else {
      assert_false(res.rejected);
      /* the base line keeps its 30 minutes at most, the add-on the rest */
      const slp_line_t *b = fx_line(&res, "XLB01");
      assert_int_equal(b->minutes, rows[i].minutes < 30 || rows[i].addon == 0 ? rows[i].minutes
                                                                              : 30);
      assert_null(fx_find(&res, "mue.units_capped"));
    }
  }
}

static void test_mue_on_addon(void **state) {
  (void)state;
  fx_t f;
  base_2027(&f);
  add(&f, SLP_AREA_LANGUAGE, 90, 0, false); /* 60 minutes past the base: 4 add-ons, MUE 2 */
  slp_result_t res;
  code(g_2027, &f, &res);
  assert_false(res.rejected);
  assert_int_equal(units_of(&res, "XLA01"), 2);
  const slp_finding_t *m = fx_find(&res, "mue.units_capped");
  assert_non_null(m);
  assert_non_null(strstr(m->message, "XLA01"));
}

static void test_two_areas_two_bases(void **state) {
  (void)state;
  fx_t f;
  base_2027(&f);
  add(&f, SLP_AREA_LANGUAGE, 30, 0, false);
  add(&f, SLP_AREA_FLUENCY, 20, 0, false);
  slp_result_t res;
  code(g_2027, &f, &res);
  assert_false(res.rejected);
  assert_int_equal(res.n_lines, 2);
  assert_int_equal(units_of(&res, "XFB01"), 1);
  assert_int_equal(units_of(&res, "XLB01"), 1);
  /* pointers per area: the fluency line points first at F80.81, the language line at F80.2 */
  const slp_line_t *fl = fx_line(&res, "XFB01"), *la = fx_line(&res, "XLB01");
  assert_int_equal(fl->diagnosis_pointers[0], 2);
  assert_int_equal(fl->diagnosis_pointers[1], 1);
  assert_int_equal(la->diagnosis_pointers[0], 1);
  assert_int_equal(la->diagnosis_pointers[1], 2);

  /* per area, 15 fluency minutes do not make a base even beside 30 language minutes */
  f.acts[1].minutes = 15;
  code(g_2027, &f, &res);
  assert_false(res.rejected);
  assert_null(fx_line(&res, "XFB01"));
  const slp_finding_t *w = fx_find(&res, "activity.insufficient_time");
  assert_non_null(w);
  assert_int_equal(w->severity, SLP_WARNING);
  assert_string_equal(w->field, "activities[1].minutes");
}

static void test_pooled_vs_per_area(void **state) {
  (void)state;
  fx_t f;
  base_2027(&f);
  f.dx[0] = "R49.0";
  f.dx[1] = "H90.3";
  /* pooled rows (VOICE, AURAL_REHAB): 10 + 10 = 20 pooled minutes make one base, on the row with
   * the most minutes, code order breaking the tie: XRB01 before XVB01 */
  add(&f, SLP_AREA_VOICE, 10, 0, false);
  add(&f, SLP_AREA_AURAL_REHAB, 10, 0, false);
  slp_result_t res;
  code(g_2027, &f, &res);
  if (res.rejected || res.n_lines != 1)
    fx_dump(&res);
  assert_false(res.rejected);
  assert_int_equal(res.n_lines, 1);
  assert_int_equal(units_of(&res, "XRB01"), 1);
  assert_int_equal(res.lines[0].minutes, 20);
  assert_int_equal(res.lines[0].n_diagnosis_pointers, 2); /* both areas' diagnoses support it */
  assert_null(fx_find(&res, "activity.insufficient_time"));

  /* more voice minutes: the pool bills on the voice row, add-ons from the pooled rest */
  f.acts[0].minutes = 30;
  code(g_2027, &f, &res); /* 40 pooled: base + 1 add-on (10 >= 8) */
  assert_int_equal(units_of(&res, "XVB01"), 1);
  assert_int_equal(units_of(&res, "XVA01"), 1);
  assert_null(fx_line(&res, "XRB01"));

  /* per-area rows (FLUENCY, LANGUAGE): 10 + 10 minutes make nothing */
  base_2027(&f);
  add(&f, SLP_AREA_FLUENCY, 10, 0, false);
  add(&f, SLP_AREA_LANGUAGE, 10, 0, false);
  code(g_2027, &f, &res);
  assert_true(res.rejected);
  assert_non_null(fx_find(&res, "activity.insufficient_time"));
}

static void test_ptp_on_new_codes(void **state) {
  (void)state;
  fx_t f;
  base_2027(&f);
  add(&f, SLP_AREA_LANGUAGE, 20, 0, false);
  add(&f, SLP_AREA_SPEECH_SOUND, 20, 0, false);
  slp_result_t res;
  code(g_2027, &f, &res);
  assert_false(res.rejected);
  assert_null(fx_line(&res, "XSB01")); /* XLB01/XSB01 indicator 1, not distinct */
  assert_non_null(fx_find(&res, "ncci.ptp"));
  f.acts[1].distinct_encounter = true;
  code(g_2027, &f, &res);
  const slp_line_t *ss = fx_line(&res, "XSB01");
  assert_non_null(ss);
  assert_int_equal(ss->n_modifiers, 2);
  assert_string_equal(ss->modifiers[0], "GN");
  assert_string_equal(ss->modifiers[1], "XE");
}

static void test_group_92508_alongside(void **state) {
  (void)state;
  fx_t f;
  base_2027(&f);
  add(&f, SLP_AREA_LANGUAGE, 30, 3, false);
  add(&f, SLP_AREA_LANGUAGE, 30, 0, false);
  slp_result_t res;
  code(g_2027, &f, &res);
  assert_false(res.rejected);
  assert_int_equal(res.n_lines, 2);
  assert_int_equal(units_of(&res, "92508"), 1);
  assert_int_equal(units_of(&res, "XLB01"), 1);
  assert_int_equal(fx_line(&res, "92508")->minutes, 30);
  /* the same group session on the default bundle codes too: 92508 continues into 2027 */
  f.s.n_activities = 1;
  code(g_default, &f, &res);
  assert_false(res.rejected);
  assert_int_equal(units_of(&res, "92508"), 1);
}

static void test_default_bundle_2027(void **state) {
  (void)state;
  fx_t f;
  base_2027(&f);
  add(&f, SLP_AREA_LANGUAGE, 45, 0, false);
  slp_result_t res;
  code(g_default, &f, &res);
  assert_true(res.rejected);
  const slp_finding_t *e = fx_find(&res, "code.not_effective");
  assert_non_null(e);
  assert_string_equal(e->carc, "181");
  assert_string_equal(e->message,
                      "92507 is deleted from 2027-01-01; this bundle has no 2027 LANGUAGE "
                      "treatment code.");
  const slp_finding_t *p = fx_find(&res, "rules.provisional");
  assert_non_null(p);
  assert_string_equal(p->field, "date_of_service");
  assert_non_null(strstr(p->message, "kx.tsv"));
  assert_non_null(strstr(p->message, "$2,480"));

  /* an evaluation continues into 2027 */
  base_2027(&f);
  f.acts[0] = (slp_activity_t){SLP_EVALUATION, SLP_AREA_LANGUAGE, 60, 0, false};
  f.s.n_activities = 1;
  code(g_default, &f, &res);
  assert_false(res.rejected);
  assert_int_equal(units_of(&res, "92523"), 1);
  assert_non_null(fx_find(&res, "rules.provisional"));

  /* the provisional KX year still checks: past $2,480 without necessity is rejected */
  f.s.coverage.ytd_therapy_allowed_cents = 248000;
  code(g_default, &f, &res);
  assert_true(res.rejected);
  assert_non_null(fx_find(&res, "medicare.kx_threshold"));
}

static bool mods_are(const slp_line_t *l, const char *const *want, uint32_t n) {
  if (l == NULL || l->n_modifiers != n)
    return false;
  for (uint32_t i = 0; i < n; i++)
    if (strcmp(l->modifiers[i], want[i]) != 0)
      return false;
  return true;
}

static void test_ga_gy_order(void **state) {
  (void)state;
  fx_t f;
  fx_base(&f);
  f.s.coverage.ytd_therapy_allowed_cents = 240000; /* + $75.04 > $2,410 */
  f.s.documentation.abn_on_file = true;
  f.s.delivery = SLP_TELEHEALTH_VIDEO;
  f.s.place_of_service = "10";
  slp_result_t res;
  code(g_default, &f, &res);
  static const char *const ga[] = {"GN", "GA", "95"};
  if (!mods_are(fx_line(&res, "92507"), ga, 3))
    fx_dump(&res);
  assert_false(res.rejected);
  assert_true(mods_are(fx_line(&res, "92507"), ga, 3));
  const slp_finding_t *w = fx_find(&res, "medicare.abn_liability");
  assert_non_null(w);
  assert_string_equal(w->group_code, "PR");
  assert_string_equal(w->carc, "50");
  assert_null(fx_find(&res, "medicare.kx_applied"));

  /* with medical necessity documented KX goes on, not GA */
  f.s.documentation.medical_necessity = true;
  code(g_default, &f, &res);
  static const char *const kx[] = {"GN", "KX", "95"};
  assert_true(mods_are(fx_line(&res, "92507"), kx, 3));
  assert_null(fx_find(&res, "medicare.abn_liability"));

  /* a code the payer never covers: GY in that slot, WARNING payer.not_covered PR 96 */
  fx_base(&f);
  f.s.coverage.payer_kind = SLP_MEDICARE_ADVANTAGE;
  f.s.coverage.payer_id = "MA-PLAN-A";
  f.s.delivery = SLP_TELEHEALTH_AUDIO_ONLY;
  f.s.place_of_service = "10";
  code(g_test, &f, &res);
  static const char *const gy[] = {"GN", "GY", "93"};
  if (!mods_are(fx_line(&res, "92507"), gy, 3))
    fx_dump(&res);
  assert_true(mods_are(fx_line(&res, "92507"), gy, 3));
  const slp_finding_t *n = fx_find(&res, "payer.not_covered");
  assert_non_null(n);
  assert_string_equal(n->group_code, "PR");
  assert_string_equal(n->carc, "96");
}

static void test_rules_coverage(void **state) {
  (void)state;
  size_t need = slp_rules_coverage(g_default, NULL, 0);
  assert_true(need > 100);
  char *text = malloc(need + 1);
  assert_int_equal(slp_rules_coverage(g_default, text, need + 1), need);
  assert_int_equal(strlen(text), need);
  assert_non_null(strstr(text, "gaps 2026: none\n"));
  assert_non_null(strstr(text, "gaps 2027: FLUENCY TREAT IND, SPEECH_SOUND TREAT IND, LANGUAGE "
                               "TREAT IND, VOICE TREAT IND, AURAL_REHAB TREAT IND\n"));
  free(text);
  need = slp_rules_coverage(g_2027, NULL, 0);
  text = malloc(need + 1);
  slp_rules_coverage(g_2027, text, need + 1);
  assert_non_null(strstr(text, "gaps 2027: none\n"));
  assert_non_null(strstr(text, "XLB01+XLA01"));
  /* a short buffer is truncated, NUL-terminated, and the full length still returned */
  char small[16];
  assert_int_equal(slp_rules_coverage(g_2027, small, sizeof small), need);
  assert_int_equal(strlen(small), sizeof small - 1);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_base_and_addon_edges), cmocka_unit_test(test_mue_on_addon),
      cmocka_unit_test(test_two_areas_two_bases),  cmocka_unit_test(test_pooled_vs_per_area),
      cmocka_unit_test(test_ptp_on_new_codes),     cmocka_unit_test(test_group_92508_alongside),
      cmocka_unit_test(test_default_bundle_2027),  cmocka_unit_test(test_ga_gy_order),
      cmocka_unit_test(test_rules_coverage),
  };
  return cmocka_run_group_tests(tests, fx_setup_bundles, fx_teardown_bundles);
}
