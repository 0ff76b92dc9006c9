/* SPDX-License-Identifier: Apache-2.0 */
/* test_health.c -- /healthz and /readyz decisions, one row per worker state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "io/health.h"

/* Rows start from a ready worker and override one field: that is the point. */
#pragma GCC diagnostic ignored "-Woverride-init"

typedef struct row {
  const char *name;
  slp_worker_status_t st;
  bool rules;
  int ready;           /* expected /readyz status */
  const char *why;     /* a word the one-line reason must hold */
} row_t;

#define RUNNING(...)                                                                               \
  {.phase = SLP_PHASE_RUNNING, .has_assignment = true, .assigned = 6, .brokers_up = 3,            \
   .brokers = 3, __VA_ARGS__}

static const row_t rows[] = {
    {"ready", RUNNING(.in_flight = 0), true, 200, "6 partitions"},
    {"ready, nothing to get", RUNNING(.assigned = 0), true, 200, "no partitions to get"},
    {"stats not seen yet", RUNNING(.brokers_up = -1, .brokers = -1), true, 200, "ready"},
    {"starting: producer", {.phase = SLP_PHASE_STARTING}, true, 503, "starting"},
    {"starting: joining", RUNNING(.has_assignment = false, .assigned = 0), true, 503, "joining"},
    {"rebalancing", RUNNING(.revoking = 2), true, 503, "rebalancing"},
    {"draining", {.phase = SLP_PHASE_DRAINING, .in_flight = 5}, true, 503, "draining 5"},
    {"closing", {.phase = SLP_PHASE_CLOSING}, true, 503, "stopping"},
    {"fatal", RUNNING(.fatal = true), true, 503, "fatal"},
    {"broker down", RUNNING(.brokers_up = 0), true, 503, "no broker"},
    {"no rules", RUNNING(.in_flight = 0), false, 503, "rules"},
};

static void test_ready_rows(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    char why[256] = "";
    int got = slp_health_ready(&rows[i].st, rows[i].rules, why, sizeof why);
    if (got != rows[i].ready || !strstr(why, rows[i].why))
      fail_msg("row \"%s\": got %d \"%s\", want %d with \"%s\"", rows[i].name, got, why,
               rows[i].ready, rows[i].why);
    assert_null(strchr(why, '\n')); /* one line */
  }
}

static void test_live(void **state) {
  (void)state;
  char why[256];
  slp_worker_status_t st = RUNNING(.last_poll_ms = 1000);
  assert_int_equal(slp_health_live(&st, 1100, 300000, why, sizeof why), 200);
  assert_int_equal(slp_health_live(&st, 1000 + 300000, 300000, why, sizeof why), 200);
  assert_int_equal(slp_health_live(&st, 1000 + 300001, 300000, why, sizeof why), 503);
  assert_non_null(strstr(why, "wedged"));
  st.committing = true;
  assert_int_equal(slp_health_live(&st, 1000 + 400000, 300000, why, sizeof why), 503);
  assert_non_null(strstr(why, "transaction"));
  st.phase = SLP_PHASE_CLOSING; /* the hard shutdown deadline covers this, not the probe */
  assert_int_equal(slp_health_live(&st, 1000 + 400000, 300000, why, sizeof why), 200);
  st = (slp_worker_status_t){.phase = SLP_PHASE_STARTING, .last_poll_ms = 50};
  assert_int_equal(slp_health_live(&st, 10, 300000, why, sizeof why), 200); /* clock before */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ready_rows),
      cmocka_unit_test(test_live),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
