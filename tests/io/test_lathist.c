/* SPDX-License-Identifier: Apache-2.0 */
/* test_lathist.c -- the millisecond histogram behind the summary's latency line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "io/lathist.h"

static void test_empty(void **state) {
  (void)state;
  slp_lathist_t l = {0};
  assert_int_equal(slp_lathist_quantile(&l, 0.5), -1);
  slp_lathist_free(&l);
}

static void test_quantiles_of_1_to_1000(void **state) {
  (void)state;
  slp_lathist_t l = {0};
  for (int64_t ms = 1000; ms >= 1; ms--) /* order does not matter */
    slp_lathist_add(&l, ms);
  assert_int_equal(l.n, 1000);
  assert_int_equal(slp_lathist_quantile(&l, 0.5), 500);
  assert_int_equal(slp_lathist_quantile(&l, 0.99), 990);
  assert_int_equal(slp_lathist_quantile(&l, 0.999), 999);
  assert_int_equal(slp_lathist_quantile(&l, 1.0), 1000);
  assert_int_equal(l.max_ms, 1000);
  slp_lathist_free(&l);
}

static void test_clock_step_and_overflow(void **state) {
  (void)state;
  slp_lathist_t l = {0};
  slp_lathist_add(&l, -5); /* the wall clock stepped back: counted as 0 */
  slp_lathist_add(&l, SLP_LATHIST_MAX_MS + 12345);
  assert_int_equal(slp_lathist_quantile(&l, 0.5), 0);
  assert_int_equal(slp_lathist_quantile(&l, 1.0), SLP_LATHIST_MAX_MS + 12345);
  slp_lathist_free(&l);
}

static void test_one_slow_in_a_thousand(void **state) {
  (void)state;
  slp_lathist_t l = {0};
  for (int i = 0; i < 999; i++)
    slp_lathist_add(&l, 7);
  slp_lathist_add(&l, 400);
  assert_int_equal(slp_lathist_quantile(&l, 0.99), 7);
  assert_int_equal(slp_lathist_quantile(&l, 0.999), 7);
  assert_int_equal(slp_lathist_quantile(&l, 1.0), 400);
  slp_lathist_free(&l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty),
      cmocka_unit_test(test_quantiles_of_1_to_1000),
      cmocka_unit_test(test_clock_step_and_overflow),
      cmocka_unit_test(test_one_slow_in_a_thousand),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
