/* SPDX-License-Identifier: Apache-2.0 */
/* test_bundle.c -- the default rules bundle loads, its version is well formed, its lookups answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/date.h"
#include "rules/bundle.h"

static const char *bundle_dir(void) {
  const char *d = getenv("SLPCODER_RULES");
  return d ? d : "rules/default";
}

static slp_rules_t *load_default(void) {
  slp_rules_t *r = NULL;
  slp_rules_errors_t errs;
  int rc = slp_rules_load(bundle_dir(), &r, &errs);
  for (size_t i = 0; i < errs.n; i++)
    fprintf(stderr, "%s\n", errs.lines[i]);
  assert_int_equal(rc, 0);
  assert_non_null(r);
  return r;
}

static int32_t day(const char *s) {
  int32_t d = 0;
  assert_int_equal(slp_date_parse(s, &d), 0);
  return d;
}

static void test_default_loads(void **state) {
  (void)state;
  slp_rules_t *r = load_default();
  const char *v = slp_rules_version(r);
  /* "<version>+<12 hex>" */
  const char *plus = strchr(v, '+');
  assert_non_null(plus);
  assert_int_equal(strlen(plus + 1), 12);
  for (const char *p = plus + 1; *p; p++)
    assert_non_null(strchr("0123456789abcdef", *p));
  assert_memory_equal(v, "2026.12+", 8);
  char buf[512];
  slp_rules_describe(r, buf, sizeof buf);
  assert_non_null(strstr(buf, "code rows"));
  slp_rules_unref(r);
}

static void test_default_lookups(void **state) {
  (void)state;
  slp_rules_t *r = load_default();
  size_t n;
  const slp__code_row_t *c = slp__rules_code_rows(r, 3, SLP__EVAL, 0, &n);
  assert_int_equal(n, 1);
  assert_string_equal(c->code, "92523");
  assert_string_equal(c->modifier, "52");
  c = slp__rules_code_rows(r, 5, SLP__TREAT, 1, &n);
  assert_int_equal(n, 0);
  assert_int_equal(slp__rules_ptp(r, "92523", "92522", day("2025-06-01")), 0);
  assert_int_equal(slp__rules_ptp(r, "92522", "92523", day("2025-06-01")), -1);
  assert_non_null(slp__rules_mue(r, "92507"));
  assert_null(slp__rules_mue(r, "92508"));
  assert_true(slp__rules_icd_header(r, "R131"));
  assert_false(slp__rules_icd_header(r, "R1312"));
  assert_true(slp__rules_icd_manifestation(r, "F0280"));
  assert_false(slp__rules_icd_manifestation(r, "G309"));
  assert_int_equal(slp__rules_fee_cents(r, "92507", 2025, false), 7504);
  assert_int_equal(slp__rules_fee_cents(r, "92610", 2025, true), 6890);
  assert_int_equal(slp__rules_fee_cents(r, "92610", 2025, false), 8345);
  /* 2026: the 2026 RVUs (facts-2026-12 section 1) x the nonQPP CF: 2.28 x 33.4009 = 76.15 */
  assert_int_equal(slp__rules_fee_cents(r, "92507", 2026, false), 7615);
  assert_int_equal(slp__rules_fee_cents(r, "92610", 2026, true), 5778); /* 1.73 x 33.4009 */
  const slp__fee_row_t *fee = slp__rules_fee(r, "92507", 2026);
  assert_non_null(fee);
  assert_true(fee->has_components);
  assert_int_equal(fee->work_milli + fee->pe_nf_milli + fee->mp_milli, fee->nf_milli);
  assert_int_equal(fee->mult_proc, 5);
  fee = slp__rules_fee(r, "97130", 2026); /* totals only, marked provisional */
  assert_false(fee->has_components);
  assert_true(fee->provisional);
  assert_int_equal(slp__rules_cf(r, 2026)->cf_e4, 334009); /* nonQPP, not the QPP 33.5675 */
  assert_true(slp__rules_cf(r, 2027)->provisional);
  /* POS: facility only where CMS says so; POS 32 (nursing facility) is non-facility */
  assert_false(slp__rules_pos(r, "32")->facility);
  assert_false(slp__rules_pos(r, "11")->facility);
  assert_true(slp__rules_pos(r, "22")->facility);
  assert_true(slp__rules_pos(r, "02")->facility);
  assert_false(slp__rules_pos(r, "10")->facility);
  assert_null(slp__rules_pos(r, "30")); /* unassigned by CMS */
  assert_int_equal(slp__rules_mppr(r, day("2025-06-01"), 5)->pe_reduce_pct, 50);
  assert_null(slp__rules_mppr(r, day("2025-06-01"), 0));
  assert_null(slp__rules_mppr(r, day("2013-03-31"), 5));
  assert_null(slp__rules_org(r, "ORG-1")); /* the default bundle prices nationally */
  assert_int_equal(slp__rules_fee_cents(r, "92507", 2024, false), -1);
  assert_int_equal(slp__rules_charge_cents(r, "ORG-EXAMPLE", "92507"), 13500);
  assert_int_equal(slp__rules_charge_cents(r, "ORG-EXAMPLE", "92508"), 6000);
  assert_int_equal(slp__rules_charge_cents(r, "", "92508"), 6000);
  const slp__policy_t *p = slp__rules_policy(r, 3, "TXMCD");
  assert_true(p->prior_auth);
  assert_int_equal(p->timely_days, 95);
  assert_string_equal(p->ncci_modifier, "59");
  p = slp__rules_policy(r, 1, "");
  assert_true(p->kx);
  assert_string_equal(p->ncci_modifier, "XE");
  assert_true(slp__rules_telehealth_covered(r, p, day("2027-12-31")));
  assert_false(slp__rules_telehealth_covered(r, p, day("2028-01-01")));
  const slp__unit_override_t *u = slp__rules_unit_override(r, "TXMCD", "92507");
  assert_non_null(u);
  assert_int_equal(u->max_per_day, 4);
  assert_null(slp__rules_unit_override(r, "TXMCD", "92610"));
  assert_int_equal(slp__rules_kx(r, 2025)->kx_cents, 241000);
  assert_int_equal(slp__rules_kx(r, 2026)->kx_cents, 248000);
  int fam = slp__rules_code_rows(r, 5, SLP__TREAT, 0, &n)->family;
  assert_true(slp__rules_supports(r, fam, "I69391"));
  assert_true(slp__rules_supports(r, fam, "R1312"));
  assert_false(slp__rules_supports(r, fam, "F801"));
  slp_rules_unref(r);
}

static void test_refcount(void **state) {
  (void)state;
  slp_rules_t *r = load_default();
  assert_ptr_equal(slp_rules_ref(r), r);
  slp_rules_unref(r);
  slp_rules_unref(r);
  slp_rules_unref(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_loads),
      cmocka_unit_test(test_default_lookups),
      cmocka_unit_test(test_refcount),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
