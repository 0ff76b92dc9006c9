/* SPDX-License-Identifier: Apache-2.0 */
/* test_bundle_cms.c -- CMS files dropped unchanged into ncci/, mue/, icd10cm/, pfs/ change the
 * bundle's lookups and the engine's answers; a malformed CMS file fails the load with file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/fixture.h"
#include "rules/bundle.h"

static void copy_cms(const char *dir, const char *from) {
  const char *src = getenv("SLPCODER_SOURCE_DIR");
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "set -e; s='%s/tests/data/cms'; for d in ncci mue icd10cm pfs; do "
           "for f in \"$s/%s\"/*; do case \"$f\" in *ccipra*) t=ncci;; *MUE*) t=mue;; "
           "*icd10cm_order*) t=icd10cm;; *PPRRVU*|*GPCI*|*LOCCO*) t=pfs;; *) continue;; esac; "
           "[ \"$t\" = \"$d\" ] && cp \"$f\" '%s'/$t/; done; done; true",
           src ? src : ".", from, dir);
  assert_int_equal(system(cmd), 0);
}

static void test_cms_files_change_lookups(void **state) {
  (void)state;
  char dir[256];
  fx_copy_default(dir, sizeof dir);
  copy_cms(dir, "ncci");
  copy_cms(dir, "mue");
  copy_cms(dir, "icd10cm");
  copy_cms(dir, "pfs");
  slp_rules_t *def = fx_load(fx_default_dir());
  slp_rules_t *r = fx_load(dir);
  assert_non_null(def);
  assert_non_null(r);
  assert_string_not_equal(slp_rules_version(def), slp_rules_version(r));
  int32_t d = fx_day("2025-06-10");
  /* PTP: a pair only the CMS file has */
  assert_int_equal(slp__rules_ptp(def, "92610", "92526", d), -1);
  assert_int_equal(slp__rules_ptp(r, "92610", "92526", d), 1);
  assert_int_equal(slp__rules_ptp(r, "92507", "92508", d), 0);
  assert_int_equal(slp__rules_ptp(r, "92507", "97532", d), -1); /* deleted 2018-01-01 */
  /* MUE: a CMS row for a code the project table lacks */
  assert_null(slp__rules_mue(def, "97130"));
  assert_int_equal(slp__rules_mue(r, "97130")->max_units, 5);
  /* ICD-10-CM: headers from the order file (billable flag 0) */
  assert_false(slp__rules_icd_header(def, "F02"));
  assert_true(slp__rules_icd_header(r, "F02"));
  /* PFS: 2025 amounts from the CMS file equal the project's */
  assert_int_equal(slp__rules_fee_cents(r, "92507", 2025, false), 7504);
  assert_int_equal(slp__rules_fee_cents(def, "92507", 2025, false), 7504);
  for (size_t i = 0; i < def->fees.n; i++) { /* every project row the CMS 2025 file also has */
    const slp__fee_row_t *p = &def->fees.v[i], *c = slp__rules_fee(r, p->code, p->year);
    assert_non_null(c);
    if (!c->from_cms || c->year != p->year)
      continue;
    assert_int_equal(c->work_milli, p->work_milli);
    assert_int_equal(c->pe_nf_milli, p->pe_nf_milli);
    assert_int_equal(c->pe_fac_milli, p->pe_fac_milli);
    assert_int_equal(c->mp_milli, p->mp_milli);
    assert_int_equal(c->mult_proc, p->mult_proc);
  }
  /* 2026 from the nonQPP file (the bundle's choice), CONV FACTOR one column further right */
  assert_int_equal(slp__rules_cf(r, 2026)->cf_e4, 334009);
  assert_true(slp__rules_cf(r, 2026)->from_cms);
  assert_int_equal(slp__rules_fee_cents(r, "92507", 2026, false), 7615);
  /* the GPCI file: Manhattan */
  assert_int_equal(slp__rules_gpci(r, "13202", "01", 2025)->pe_milli, 1166);
  assert_null(slp__rules_gpci(r, "13202", "01", 2026));
  assert_int_equal(slp__rules_fee_cents(r, "92605", 2025, false), -1); /* status B: not paid */
  char buf[512];
  slp_rules_describe(r, buf, sizeof buf);
  assert_null(strstr(buf, " 0 ICD-10-CM codes read"));

  /* The engine: a swallowing evaluation and treatment the same day now meet the CMS edit. */
  fx_t f;
  fx_base(&f);
  f.acts[0] = (slp_activity_t){SLP_EVALUATION, SLP_AREA_SWALLOWING, 40, 0, false};
  f.acts[1] = (slp_activity_t){SLP_TREATMENT, SLP_AREA_SWALLOWING, 20, 0, false};
  f.s.n_activities = 2;
  f.dx[0] = "R13.12";
  f.s.n_diagnoses = 1;
  slp_result_t a, b;
  assert_int_equal(slp_engine_code(def, &f.s, &a), 0);
  assert_int_equal(slp_engine_code(r, &f.s, &b), 0);
  assert_null(fx_find(&a, "ncci.ptp"));
  assert_int_equal(a.n_lines, 2);
  assert_non_null(fx_find(&b, "ncci.ptp"));
  assert_int_equal(b.n_lines, 1);
  assert_string_equal(b.lines[0].procedure_code, "92610");
  slp_rules_unref(def);
  slp_rules_unref(r);
  fx_remove(dir);
}

/* The bundle names the conversion factor it prices with; the file that sorts last does not win. */
static void test_qpp_status_is_the_bundles_choice(void **state) {
  (void)state;
  char dir[256];
  fx_copy_default(dir, sizeof dir);
  copy_cms(dir, "pfs");
  char cmd[600];
  snprintf(cmd, sizeof cmd, "sed -i 's/^qpp_status = nonQPP/qpp_status = QPP/' '%s/manifest.ini'",
           dir);
  assert_int_equal(system(cmd), 0);
  slp_rules_t *r = fx_load(dir);
  assert_non_null(r);
  /* PPRRVU2026_Jul_nonQPP.csv sorts after _QPP.csv, yet the QPP factor prices */
  assert_int_equal(slp__rules_cf(r, 2026)->cf_e4, 335675);
  assert_int_equal(slp__rules_fee_cents(r, "92507", 2026, false), 7653); /* 2.28 x 33.5675 */
  assert_int_equal(slp__rules_cf(r, 2025)->cf_e4, 323465); /* one 2025 factor for both */
  slp_rules_unref(r);
  /* an organization whose locality is not in the GPCI file is refused */
  fx_append(dir, "orgs.tsv", "ORG-Z\t99999\t01\n");
  slp_rules_errors_t errs;
  assert_int_equal(slp_rules_load(dir, &r, &errs), -1);
  bool named = false;
  for (size_t i = 0; i < errs.n; i++)
    named |= strstr(errs.lines[i], "orgs.tsv") != NULL && strstr(errs.lines[i], "ORG-Z") != NULL;
  assert_true(named);
  fx_remove(dir);
}

static void test_bad_cms_file_fails_the_load(void **state) {
  (void)state;
  char dir[256];
  fx_copy_default(dir, sizeof dir);
  copy_cms(dir, "bad");
  slp_rules_t *r = NULL;
  slp_rules_errors_t errs;
  assert_int_equal(slp_rules_load(dir, &r, &errs), -1);
  assert_null(r);
  bool ncci = false, mue = false;
  for (size_t i = 0; i < errs.n; i++) {
    ncci |= strncmp(errs.lines[i], "ncci/ccipra-v321r0-f1.txt:", 26) == 0;
    mue |= strncmp(errs.lines[i], "mue/MCR_MUE_PractitionerServices_Eff_01-01-2025.csv:", 52) == 0;
  }
  if (!ncci || !mue)
    for (size_t i = 0; i < errs.n; i++)
      fprintf(stderr, "got: %s\n", errs.lines[i]);
  assert_true(ncci);
  assert_true(mue);
  fx_remove(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cms_files_change_lookups),
      cmocka_unit_test(test_qpp_status_is_the_bundles_choice),
      cmocka_unit_test(test_bad_cms_file_fails_the_load),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
