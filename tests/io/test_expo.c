/* SPDX-License-Identifier: Apache-2.0 */
/* test_expo.c -- the Prometheus text writer: HELP/TYPE, escaping, numbers, histograms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "io/expo.h"
#include "io/latency.h"

static void test_family_and_escapes(void **state) {
  (void)state;
  slp_expo_t e;
  slp_expo_init(&e);
  slp_expo_family(&e, "x_total", "counter", "a \\ back\nslash \"q\"");
  slp_expo_u64(&e, "x_total", (const char *const[]){"a", "q\"\\\nz", "b", "", NULL}, 18446744073709551615u);
  slp_expo_i64(&e, "x_total", NULL, -3);
  assert_string_equal(e.buf, "# HELP x_total a \\\\ back\\nslash \"q\"\n"
                             "# TYPE x_total counter\n"
                             "x_total{a=\"q\\\"\\\\\\nz\",b=\"\"} 18446744073709551615\n"
                             "x_total -3\n");
  slp_expo_reset(&e);
  slp_expo_f64(&e, "g", NULL, INFINITY);
  slp_expo_f64(&e, "g", NULL, NAN);
  slp_expo_f64(&e, "g", NULL, 0.25);
  assert_string_equal(e.buf, "g +Inf\ng NaN\ng 0.25\n");
  assert_false(e.oom);
  slp_expo_free(&e);
}

static void test_histogram_cumulative(void **state) {
  (void)state;
  slp_latency_t l;
  memset(&l, 0, sizeof l);
  slp_latency_observe(&l, 3);      /* 0.003 s: first bucket */
  slp_latency_observe(&l, 10);     /* exactly 0.01: le is inclusive */
  slp_latency_observe(&l, -50);    /* clock skew: 0 */
  slp_latency_observe(&l, 900000); /* past the last bound: +Inf */
  slp_expo_t e;
  slp_expo_init(&e);
  slp_expo_histogram(&e, "h", (const char *const[]){"k", "v", NULL}, slp_latency_bounds, l.counts,
                     SLP_LATENCY_BUCKETS, l.sum);
  assert_non_null(strstr(e.buf, "h_bucket{k=\"v\",le=\"0.005\"} 2\n"));
  assert_non_null(strstr(e.buf, "h_bucket{k=\"v\",le=\"0.01\"} 3\n"));
  assert_non_null(strstr(e.buf, "h_bucket{k=\"v\",le=\"300\"} 3\n"));
  assert_non_null(strstr(e.buf, "h_bucket{k=\"v\",le=\"+Inf\"} 4\n"));
  assert_non_null(strstr(e.buf, "h_count{k=\"v\"} 4\n"));
  assert_non_null(strstr(e.buf, "h_sum{k=\"v\"} 900.01"));
  slp_expo_free(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_family_and_escapes),
      cmocka_unit_test(test_histogram_cumulative),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
