/* SPDX-License-Identifier: Apache-2.0 */
/* test_bundle_2027.c -- the loader's December 2026 additions: the chain schemes of codes.tsv,
 * pointers.tsv, payer_units.tsv's not_covered, timely filing in days or calendar months/years, a
 * one-day PTP edit (deletion date inclusive), each malformed line reported as "file:line: what". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/fixture.h"

static const struct {
  const char *file, *row, *expected;
} broken[] = {
    {"codes.tsv",
     "LANGUAGE\tTREAT\tIND\tXLB01\tchain_area\t16\t0\tXLA01\t15\t8\t-\t-\tspeech\t2027-01-01\t*",
     "a timed code needs block_minutes > 0 and min_minutes <= block_minutes"},
    {"codes.tsv",
     "LANGUAGE\tTREAT\tIND\tXLB01\tchain_pooled\t16\t30\tXLA01\t15\t16\t-\t-\tspeech\t2027-01-01\t*",
     "an add-on needs addon_block > 0 and addon_min <= addon_block"},
    {"codes.tsv",
     "LANGUAGE\tTREAT\tIND\tXLB01\tchain\t16\t30\tXLA01\t15\t8\t-\t-\tspeech\t2027-01-01\t*",
     "column scheme: \"chain\" is not one of untimed timed15 hour chain_area chain_pooled"},
    {"pointers.tsv", "TALKING\tF801",
     "column area: \"TALKING\" is not one of FLUENCY SPEECH_SOUND LANGUAGE VOICE SWALLOWING "
     "SPEECH_GENERATING_DEVICE COGNITION AURAL_REHAB"},
    {"pointers.tsv", "LANGUAGE\tF80.1",
     "column prefix: \"F80.1\" is not an ICD-10-CM code or prefix without the dot"},
    {"payers.tsv", "LATE\tCOMMERCIAL\t=\t=\t=\t=\t=\t=\t2w\t=\t=\t=\t=",
     "column timely_filing_days: \"2w\" is not none, days, Nm (months) or Ny (years)"},
    {"payers.tsv", "LATE0\tCOMMERCIAL\t=\t=\t=\t=\t=\t=\t0y\t=\t=\t=\t=",
     "column timely_filing_days: \"0y\" is not none, days, Nm (months) or Ny (years)"},
    {"ptp.tsv", "92507\t92508\t2026-07-01\t2026-06-30\t0", "deletion_date is before effective_from"},
};
#define N_BROKEN (sizeof broken / sizeof broken[0])

static void test_malformed_rows(void **state) {
  (void)state;
  char dir[256];
  fx_copy_default(dir, sizeof dir);
  char want[N_BROKEN][SLP_RULES_ERROR_LEN];
  for (size_t i = 0; i < N_BROKEN; i++) {
    long line = fx_count_lines(dir, broken[i].file) + 1;
    char row[512];
    snprintf(row, sizeof row, "%s\n", broken[i].row);
    fx_append(dir, broken[i].file, row);
    snprintf(want[i], sizeof want[i], "%s:%ld: %s", broken[i].file, line, broken[i].expected);
  }
  slp_rules_t *r = NULL;
  slp_rules_errors_t errs;
  assert_int_equal(slp_rules_load(dir, &r, &errs), -1);
  int missing = 0;
  for (size_t i = 0; i < N_BROKEN; i++)
    if (!fx_has_error(&errs, want[i])) {
      fprintf(stderr, "missing: %s\n", want[i]);
      missing++;
    }
  if (missing)
    for (size_t i = 0; i < errs.n; i++)
      fprintf(stderr, "got: %s\n", errs.lines[i]);
  assert_int_equal(missing, 0);
  assert_int_equal(errs.n_total, N_BROKEN);
  fx_remove(dir);
}

/* The rows the engine tests rely on load, and mean what they say. */
static void test_well_formed_rows(void **state) {
  (void)state;
  char dir[256];
  fx_copy_default(dir, sizeof dir);
  fx_append(dir, "ptp.tsv", "92526\t92507\t2026-06-30\t2026-06-30\t0\n"); /* one day in effect */
  fx_append(dir, "payers.tsv", "MCD-6M\tMEDICAID\t=\t=\t=\t=\tno\t=\t6m\t=\t=\t=\t=\n");
  fx_append(dir, "payer_units.tsv", "MCD-6M\t92526\tnot_covered\t0\n");
  slp_rules_t *r = fx_load(dir);
  assert_non_null(r);
  fx_remove(dir);

  fx_t f;
  fx_base(&f);
  f.acts[1] = (slp_activity_t){SLP_TREATMENT, SLP_AREA_SWALLOWING, 20, 0, false};
  f.s.n_activities = 2;
  f.dx[2] = "R13.12";
  f.s.n_diagnoses = 3;
  int32_t day = fx_day("2026-06-30");
  fx_set_dos(&f, day);
  slp_date_format(day - 9, f.start);
  slp_date_format(day - 7, f.cert);
  slp_date_format(day + 79, f.end);
  slp_result_t res;
  assert_int_equal(slp_engine_code(r, &f.s, &res), 0);
  assert_non_null(fx_find(&res, "ncci.ptp")); /* on its deletion date */
  fx_set_dos(&f, day + 1);
  assert_int_equal(slp_engine_code(r, &f.s, &res), 0);
  assert_null(fx_find(&res, "ncci.ptp")); /* the day after */

  /* six calendar months: DOS 2026-06-30 may be filed through 2026-12-30 */
  f.s.coverage.payer_kind = SLP_MEDICAID;
  f.s.coverage.payer_id = "MCD-6M";
  fx_set_dos(&f, day);
  f.s.reported_at_ms = fx_ms(fx_day("2026-12-30"));
  assert_int_equal(slp_engine_code(r, &f.s, &res), 0);
  assert_null(fx_find(&res, "timely_filing"));
  assert_non_null(fx_find(&res, "payer.not_covered")); /* 92526 for this payer */
  f.s.reported_at_ms = fx_ms(fx_day("2026-12-31"));
  assert_int_equal(slp_engine_code(r, &f.s, &res), 0);
  assert_non_null(fx_find(&res, "timely_filing"));
  slp_rules_unref(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_malformed_rows),
      cmocka_unit_test(test_well_formed_rows),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
