/* SPDX-License-Identifier: Apache-2.0 */
/* test_bundle_errors.c -- every project table reports a malformed line as exactly "file:line:
 * what", the loader goes on and reports them all in one run, and a broken bundle is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/fixture.h"

typedef struct broken {
  const char *file;
  const char *row;      /* appended as the file's next line */
  const char *expected; /* message after "file:line: " */
} broken_t;

static const broken_t broken[] = {
    {"codes.tsv", "TALKING\tTREAT\tIND\t92507\tuntimed\t1\t0\t-\t0\t0\t-\t-\tspeech\t2000-01-01\t*",
     "column area: \"TALKING\" is not one of FLUENCY SPEECH_SOUND LANGUAGE VOICE SWALLOWING "
     "SPEECH_GENERATING_DEVICE COGNITION AURAL_REHAB"},
    {"codes.tsv", "VOICE\tTREAT\tIND", "expected 15 tab-separated columns, found 3"},
    {"codes.tsv", "VOICE\tTREAT\tGROUP\t92508\tuntimed\t1\t0\t-\t0\t0\t-\t-\tvoicey\t2000-01-01\t*",
     "column family: \"voicey\" is not a family named in necessity.tsv"},
    {"necessity.tsv", "speech\tF8.0",
     "column prefix: \"F8.0\" is not an ICD-10-CM code or prefix without the dot"},
    {"icd10cm.tsv", "R131\tbillable",
     "column status: \"billable\" is not one of header manifestation"},
    {"kx.tsv", "2027\tlots\t3000.00", "column kx_threshold: \"lots\" is not a decimal number"},
    {"telehealth.tsv", "MEDICARE\t2028-02-30\t*",
     "column from: \"2028-02-30\" is not a YYYY-MM-DD date"},
    {"payer_kinds.tsv", "MEDICAID\tyes\tno\tno\tyes\tyes\tnone\t365\talways\tyes\t59\tyes",
     "payer kind MEDICAID listed twice"},
    {"payers.tsv", "ODD\tCOMMERCIAL\t=\t=\t=\t=\t=\t=\t=\tsometimes\t=\t=\t=",
     "column telehealth: \"sometimes\" is not always, never or a window in telehealth.tsv"},
    {"payer_units.tsv", "ODD\t92507\thour\t4",
     "column scheme: \"hour\" is not one of untimed timed15 not_covered"},
    {"mue.tsv", "92508\t-1\t3", "column max_units: \"-1\" is not a whole number in range"},
    {"ptp.tsv", "92507\t92508\t2020-01-01\t*\t5", "column modifier_indicator: must be 0, 1 or 9"},
    {"fees.tsv", "2025\t9250\t1.30\t0.99\t0.99\t0.03\t2.32\t2.32\t5\tno",
     "column code: \"9250\" is not a 5-character procedure code"},
    {"fees.tsv", "2024\t92507\t1.30\t0.99\t0.99\t0.03\t2.33\t2.32\t5\tno",
     "nonfacility_rvu 2.33 is not work + PE non-facility + MP (2.32)"},
    {"fees.tsv", "2024\t92508\t-\t0.99\t0.99\t0.03\t2.32\t2.32\t5\tno",
     "work_rvu, pe_nonfacility_rvu, pe_facility_rvu and mp_rvu are all values or all \"-\""},
    {"conversion.tsv", "2027\tnonQPP\t33.40091\tno",
     "column conversion_factor: \"33.40091\" is not a decimal number with few enough decimals"},
    {"conversion.tsv", "2027\tAPM\t33.4009\tno",
     "column qpp_status: \"APM\" is not one of nonQPP QPP"},
    {"pos.tsv", "1\tOffice\tnonfacility\tO",
     "column pos: \"1\" is not a two-digit place of service code"},
    {"pos.tsv", "98\tSomewhere\tboth\tO",
     "column pricing: \"both\" is not one of nonfacility facility"},
    {"mppr.tsv", "2013-04-01\t*\t5\t150",
     "column pe_reduction_percent: \"150\" is not a whole number in range"},
    {"orgs.tsv", "ORG-9\tJ15\t01",
     "column mac: \"J15\" is not a Medicare contractor number (digits)"},
    {"charges.tsv", "*\t92599\tfree", "column price: \"free\" is not a decimal number"},
    {"manifest.ini", "bogus = 1", "unknown key bogus in [policy]"},
};
#define N_BROKEN (sizeof broken / sizeof broken[0])

static void test_every_table_reports_file_and_line(void **state) {
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
  slp_rules_t *r = (slp_rules_t *)0x1;
  slp_rules_errors_t errs;
  assert_int_equal(slp_rules_load(dir, &r, &errs), -1);
  assert_null(r);
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

static void test_bad_header_and_missing_table(void **state) {
  (void)state;
  char dir[256];
  fx_copy_default(dir, sizeof dir);
  char path[512];
  snprintf(path, sizeof path, "%s/kx.tsv", dir);
  FILE *fp = fopen(path, "w");
  fputs("# thresholds\nyear\tkx\n2025\t2410.00\n", fp);
  fclose(fp);
  snprintf(path, sizeof path, "%s/mue.tsv", dir);
  remove(path);
  fx_append(dir, "payer_unit.tsv", "payer_id\tcode\tscheme\tmax_per_day\n");
  slp_rules_t *r = NULL;
  slp_rules_errors_t errs;
  assert_int_equal(slp_rules_load(dir, &r, &errs), -1);
  assert_true(fx_has_error(&errs, "kx.tsv:2: header must name the tab-separated columns year, "
                              "kx_threshold, review_threshold"));
  assert_true(fx_has_error(&errs, "mue.tsv:0: cannot read the table: No such file or directory"));
  assert_true(fx_has_error(&errs, "payer_unit.tsv:0: not a table this bundle format knows"));
  fx_remove(dir);
}

static void test_version_tracks_content(void **state) {
  (void)state;
  char dir[256];
  fx_copy_default(dir, sizeof dir);
  slp_rules_t *a = fx_load(fx_default_dir());
  slp_rules_t *b = fx_load(dir);
  assert_non_null(a);
  assert_non_null(b);
  assert_string_equal(slp_rules_version(a), slp_rules_version(b)); /* same bytes, same version */
  fx_append(dir, "charges.tsv", "# a comment changes the bytes\n");
  slp_rules_t *c = fx_load(dir);
  assert_non_null(c);
  assert_string_not_equal(slp_rules_version(a), slp_rules_version(c));
  slp_rules_unref(a);
  slp_rules_unref(b);
  slp_rules_unref(c);
  fx_remove(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_table_reports_file_and_line),
      cmocka_unit_test(test_bad_header_and_missing_table),
      cmocka_unit_test(test_version_tracks_content),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
