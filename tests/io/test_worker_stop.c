/* SPDX-License-Identifier: Apache-2.0 */
/* test_worker_stop.c -- a SIGTERM-style stop (slp_worker_stop) in each state the worker can be
 * in (issue 10 §3), in both delivery modes: before the first assignment, while running with
 * outputs in flight, while held by back-pressure, and during a transaction commit
 * (exactly-once).
 *
 * Each time the worker must close by itself with exit status 0 (worker.h: 0 on a clean stop),
 * answer what it consumed, and leave nothing behind: a second worker run after it answers
 * every input. At-least-once may answer an input twice across the two runs; on the mock
 * exactly-once does too (no transactional offsets stored, aborted records visible:
 * design/kafka-notes.md); every copy must be identical. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/worker_harness.h"

typedef struct mode {
  const char *name;
  const char *settings[4];
} mode_t_;

static const mode_t_ modes[] = {
    {"at-least-once", {NULL}},
    {"exactly-once", {"delivery=exactly-once", "transactional.id=stop-tx", NULL}},
};

static const char *const two_parts[] = {"embedded.partitions=2", NULL};

static const char *const *settings(const mode_t_ *m, const char *const *extra) {
  return wh_settings_join(m->settings, two_parts, extra);
}

/* Slow Produce answers: the worker's next cnt Produce requests are answered after ms. */
static void slow_produce(wh_t *h, int cnt, int ms) {
  for (int i = 0; i < cnt; i++)
    assert_int_equal(rd_kafka_mock_broker_push_request_error_rtts(h->mc, 1, WH_API_PRODUCE, 1,
                                                                  RD_KAFKA_RESP_ERR_NO_ERROR, ms),
                     0);
}

/* After the stopped worker: the first worker's counters add up (what it consumed it answered
 * or, exactly-once, left to a transaction not committed), then a second worker answers every
 * input, and both runs' outputs are checked. */
static void rerun_and_check(wh_t *h, wh_outs_t *outs, wh_inputs_t *in, const char *what,
                            int timeout_ms) {
  slp_worker_counters_t first = h->last;
  assert_int_equal(first.refused, 0);
  if (h->cfg.delivery != SLP_EXACTLY_ONCE)
    assert_int_equal(first.delivered, first.consumed); /* drained before closing */
  wh_worker_start(h);
  wh_run_until_answered(h, outs, in, NULL, timeout_ms);
  assert_int_equal(wh_worker_stop(h), 0);
  wh_outs_poll(outs, in);
  size_t dups = wh_check_outputs(in, outs, true);
  print_message("%s: %zu inputs, first run consumed %" PRIu64 " (txn commits %" PRIu64
                "), second %" PRIu64 ", %zu duplicates\n",
                what, in->n, first.consumed, first.txn_commits, h->last.consumed, dups);
}

/* ---- before the first assignment ----------------------------------------------------------- */

/* librdkafka 2.0 cannot close a cooperative-sticky consumer before its first assignment
 * (#4312): the worker leaves it to the process exit (worker.c, consumer_unsafe_to_close). In
 * one process it stays a live member of the group, heartbeating, and is assigned partitions it
 * never serves; a process exit would take it away after session.timeout.ms. A short
 * max.poll.interval.ms was meant to stand for that exit here, but does not evict it either:
 * at-least-once, the second worker gets one partition of two and half the inputs stay
 * unanswered. A real defect of the worker as a library (reported on branch ctests); the test
 * says what should hold. (Exactly-once stops during init_transactions, before subscribing.) */
static void stop_before_assign(const mode_t_ *m) {
  /* The stopped worker waits for its first assignment (up to shutdown.deadline.ms) so that it
   * can leave the group; the harness's 5 s was once too short for the mock's first join (3 s)
   * beside the rest of the suite at -j4, and the member it then left behind kept a partition
   * (50 of 100 inputs unanswered). It waits only until the assignment comes. */
  wh_t *h = wh_new(settings(m, (const char *[]){"kafka.max.poll.interval.ms=6000",
                                                "shutdown.deadline.ms=20000", NULL}));
  wh_inputs_t in = {0};
  wh_produce_gen(h, &in, 41, 0, 100, NULL);
  wh_outs_t outs;
  wh_outs_init(h, &outs);
  wh_worker_start(h);
  slp_worker_status_t st;
  slp_worker_status(h->worker, &st);
  assert_false(st.has_assignment); /* the mock's group waits 3 s before the first one */
  assert_int_equal(wh_worker_stop(h), 0);
  assert_int_equal(h->last.consumed, 0);
  assert_int_equal(h->last.txn_commits + h->last.txn_aborts, 0);
  rerun_and_check(h, &outs, &in, "stop before the first assignment", 30000);
  wh_outs_free(&outs);
  wh_inputs_free(&in);
  wh_destroy(h);
}

/* ---- running, outputs in flight ------------------------------------------------------------- */

static bool pred_in_flight(wh_t *h, void *arg) {
  (void)arg;
  if (h->worker_closed)
    return true;
  slp_worker_status_t st;
  slp_worker_status(h->worker, &st);
  return st.phase == SLP_PHASE_RUNNING && st.in_flight > 0;
}

static void stop_in_flight(const mode_t_ *m) {
  wh_t *h = wh_new(settings(m, NULL));
  wh_inputs_t in = {0};
  wh_produce_gen(h, &in, 42, 0, 200, NULL);
  wh_outs_t outs;
  wh_outs_init(h, &outs);
  slow_produce(h, 3, 1000);
  wh_worker_start(h);
  if (!wh_run_until(h, pred_in_flight, NULL, 60000) || h->worker_closed)
    fail_msg("the worker never had outputs in flight");
  slp_worker_stop(h->worker, "test");
  slp_worker_status_t st;
  slp_worker_status(h->worker, &st);
  assert_int_equal(st.phase, SLP_PHASE_DRAINING);
  assert_true(st.in_flight > 0);
  assert_int_equal(wh_worker_stop(h), 0);
  if (h->cfg.delivery == SLP_EXACTLY_ONCE)
    assert_true(h->last.txn_commits >= 1); /* the drained transaction was committed */
  rerun_and_check(h, &outs, &in, "stop with outputs in flight", 90000);
  wh_outs_free(&outs);
  wh_inputs_free(&in);
  wh_destroy(h);
}

/* ---- held by back-pressure ------------------------------------------------------------------ */

static bool pred_held(wh_t *h, void *arg) {
  (void)arg;
  return h->worker_closed || wh_metric(h->worker, "slpcoder_backpressure_held") == 1;
}

static void stop_held(const mode_t_ *m) {
  wh_t *h = wh_new(settings(m, (const char *[]){"max.in.flight=4", NULL}));
  wh_inputs_t in = {0};
  wh_produce_gen(h, &in, 43, 0, 150, NULL);
  wh_outs_t outs;
  wh_outs_init(h, &outs);
  slow_produce(h, 3, 1500);
  wh_worker_start(h);
  if (!wh_run_until(h, pred_held, NULL, 60000) || h->worker_closed)
    fail_msg("the worker was never held by back-pressure");
  assert_int_equal(wh_worker_stop(h), 0);
  assert_true(h->last.pauses >= 1);
  rerun_and_check(h, &outs, &in, "stop while held", 90000);
  wh_outs_free(&outs);
  wh_inputs_free(&in);
  wh_destroy(h);
}

/* ---- exactly-once: during a commit ---------------------------------------------------------- */

static bool pred_committing(wh_t *h, void *arg) {
  (void)arg;
  if (h->worker_closed)
    return true;
  slp_worker_status_t st;
  slp_worker_status(h->worker, &st);
  return st.committing;
}

/* EndTxn answered after 1.5 s: the stop lands while the commit runs on the jobs thread; the
 * worker lets it finish and closes without another transaction. */
static void stop_committing(const mode_t_ *m) {
  wh_t *h = wh_new(settings(m, NULL));
  wh_inputs_t in = {0};
  wh_produce_gen(h, &in, 44, 0, 150, NULL);
  wh_outs_t outs;
  wh_outs_init(h, &outs);
  assert_int_equal(rd_kafka_mock_broker_push_request_error_rtts(h->mc, 1, WH_API_END_TXN, 1,
                                                                RD_KAFKA_RESP_ERR_NO_ERROR, 1500),
                   0);
  wh_worker_start(h);
  if (!wh_run_until(h, pred_committing, NULL, 60000) || h->worker_closed)
    fail_msg("the worker never committed");
  slp_worker_stop(h->worker, "test");
  assert_int_equal(wh_worker_stop(h), 0);
  assert_true(h->last.txn_commits >= 1);
  assert_int_equal(h->last.txn_aborts, 0);
  rerun_and_check(h, &outs, &in, "stop during a commit", 90000);
  wh_outs_free(&outs);
  wh_inputs_free(&in);
  wh_destroy(h);
}

/* ---- one cmocka test per case and mode ----------------------------------------------------- */

#define BOTH(fn) WH_BOTH(fn, modes)

BOTH(stop_before_assign)
BOTH(stop_in_flight)
BOTH(stop_held)

static void stop_committing_eos(void **state) {
  (void)state;
  stop_committing(&modes[1]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(stop_in_flight_alo),     cmocka_unit_test(stop_in_flight_eos),
      cmocka_unit_test(stop_held_alo),          cmocka_unit_test(stop_held_eos),
      cmocka_unit_test(stop_committing_eos),
      /* last: at-least-once, it fails and leaves a live consumer behind (see above) */
      cmocka_unit_test(stop_before_assign_alo), cmocka_unit_test(stop_before_assign_eos),
  };
  /* ctest runs the two delivery modes as two entries (CMakeLists.txt): *_alo and *_eos. */
  const char *filter = getenv("SLPCODER_TEST_FILTER");
  if (filter && *filter)
    cmocka_set_test_filter(filter);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
