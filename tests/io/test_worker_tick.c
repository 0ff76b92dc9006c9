/* SPDX-License-Identifier: Apache-2.0 */
/* test_worker_tick.c -- poll.interval.ms is the worker's tick (it was parsed and never read:
 * the tick was a fixed 100 ms). Two consecutive ticks, seen through the worker's last_tick, are
 * at least the configured period apart, and a short period is honoured as well as a long one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "io/worker_harness.h"
#include "io/worker_internal.h"

static bool pred_ticked(wh_t *h, void *arg) {
  return h->worker->last_tick != *(const uint64_t *)arg;
}

/* The loop ms that n consecutive tick gaps of a worker started with poll.interval.ms take. */
static uint64_t tick_gaps(const char *interval, int n) {
  char setting[64];
  snprintf(setting, sizeof setting, "poll.interval.ms=%s", interval);
  wh_t *h = wh_new((const char *[]){setting, NULL});
  wh_worker_start(h);
  uint64_t seen = h->worker->last_tick; /* set at start */
  assert_true(wh_run_until(h, pred_ticked, &seen, 20000));
  uint64_t t1 = h->worker->last_tick;
  for (int i = 0; i < n; i++) {
    seen = h->worker->last_tick;
    assert_true(wh_run_until(h, pred_ticked, &seen, 20000));
  }
  uint64_t gap = h->worker->last_tick - t1;
  assert_int_equal(wh_worker_stop(h), 0);
  wh_destroy(h);
  return gap;
}

static void test_long_interval(void **state) {
  (void)state;
  uint64_t gap = tick_gaps("1500", 1);
  assert_true(gap >= 1500); /* a 100 ms tick would show ~100 */
  assert_true(gap < 6000);
}

static void test_short_interval(void **state) {
  (void)state;
  uint64_t total = tick_gaps("20", 10);
  assert_true(total >= 200);
  assert_true(total < 900); /* the old fixed 100 ms tick takes 1000 */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_long_interval),
      cmocka_unit_test(test_short_interval),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
