/* SPDX-License-Identifier: Apache-2.0 */
/* test_worker_steady.c -- the worker in steady state and under back-pressure (issue 10 §3), in
 * both delivery modes, on librdkafka's mock cluster with a real uv loop, through the public
 * worker API and /metrics only.
 *
 * Generated input (clean sessions, defects, undecodable bytes) over two partitions; every input
 * must be answered exactly once in its own topic with its key, headers and exact bytes, and the
 * counters must add up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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
    {"exactly-once", {"delivery=exactly-once", "transactional.id=steady-tx", NULL}},
};

/* The mode's settings, then extra (NULL-terminated), in a static array. */
static const char *const *settings(const mode_t_ *m, const char *const *extra) {
  return wh_settings_join(m->settings, extra, NULL);
}

static size_t expected(const wh_inputs_t *in, int out) {
  size_t n = 0;
  for (size_t i = 0; i < in->n; i++)
    n += in->v[i].out == out;
  return n;
}

/* Counters that must add up after a run in which every input was processed exactly once. */
static void assert_counters_once(const wh_t *h, const slp_worker_counters_t *n,
                                 const wh_inputs_t *in) {
  assert_int_equal(n->consumed, in->n);
  assert_int_equal(n->coded, expected(in, WH_OUT_CODED));
  assert_int_equal(n->rejected, expected(in, WH_OUT_REJECTED));
  assert_int_equal(n->dead_lettered, expected(in, WH_OUT_DLQ));
  assert_int_equal(n->coded + n->rejected + n->dead_lettered, n->consumed);
  assert_int_equal(n->delivered, n->consumed);
  assert_int_equal(n->refused, 0);
  assert_int_equal(n->fallback_dlq, 0);
  assert_int_equal(n->fallback_rejected, 0);
  assert_int_equal(n->dropped, 0);
  if (h->cfg.delivery == SLP_EXACTLY_ONCE) {
    assert_true(n->txn_commits >= 1);
    assert_int_equal(n->txn_aborts, 0);
  } else {
    assert_int_equal(n->txn_commits, 0);
  }
}

/* At-least-once: the group's committed offset is each partition's high watermark (the mock
 * does not store offsets sent in a transaction, so exactly-once is not checked here). */
static void assert_committed_all(wh_t *h) {
  if (h->cfg.delivery == SLP_EXACTLY_ONCE)
    return;
  for (int32_t p = 0; p < (int32_t)h->cfg.embedded_partitions; p++)
    assert_int_equal(wh_committed(h, p), wh_high_watermark(h, h->cfg.topic_input, p));
}

/* ---- steady state ------------------------------------------------------------------------ */

static void steady(const mode_t_ *m) {
  wh_t *h = wh_new(settings(m, (const char *[]){"embedded.partitions=2", NULL}));
  wh_inputs_t in = {0};
  wh_produce_gen(h, &in, 11, 0, 300, NULL);
  assert_true(expected(&in, WH_OUT_CODED) > 0 && expected(&in, WH_OUT_REJECTED) > 0 &&
              expected(&in, WH_OUT_DLQ) > 0);
  wh_outs_t outs;
  wh_outs_init(h, &outs);
  wh_worker_start(h);
  wh_run_until_answered(h, &outs, &in, NULL, 60000);
  /* /metrics says what the counters say */
  const slp_worker_counters_t *n = slp_worker_counters(h->worker);
  assert_int_equal((uint64_t)wh_metric(h->worker, "slpcoder_inputs_consumed_total"), n->consumed);
  assert_int_equal((uint64_t)wh_metric(h->worker, "slpcoder_outputs_total{kind=\"coded\"}"),
                   n->coded);
  assert_int_equal((uint64_t)wh_metric(h->worker, "slpcoder_outputs_total{kind=\"dlq\"}"),
                   n->dead_lettered);
  assert_int_equal((int64_t)wh_metric(h->worker, "slpcoder_inputs_in_flight"), 0);
  assert_int_equal((int64_t)wh_metric(h->worker, "slpcoder_assigned_partitions"), 2);
  assert_int_equal(wh_worker_stop(h), 0);
  assert_counters_once(h, &h->last, &in);
  wh_outs_poll(&outs, &in);
  assert_int_equal(wh_check_outputs(&in, &outs, false), 0);
  assert_committed_all(h);
  wh_outs_free(&outs);
  wh_inputs_free(&in);
  wh_destroy(h);
}

/* ---- back-pressure ------------------------------------------------------------------------ */

typedef struct bp {
  wh_outs_t *o;
  wh_inputs_t *in;
  int64_t max_in_flight;    /* the most seen */
  bool saw_held, saw_paused; /* /metrics' gauges were 1 at some point */
} bp_t;

static bool pred_bp(wh_t *h, void *arg) {
  bp_t *b = arg;
  if (h->worker_closed)
    return true;
  slp_worker_status_t st;
  slp_worker_status(h->worker, &st);
  if (st.in_flight > b->max_in_flight)
    b->max_in_flight = st.in_flight;
  b->saw_held |= wh_metric(h->worker, "slpcoder_backpressure_held") == 1;
  b->saw_paused |= wh_metric(h->worker, "slpcoder_backpressure_paused") == 1;
  wh_outs_poll(b->o, b->in);
  return wh_unanswered(b->in) == 0 && st.in_flight == 0 && !st.committing;
}

/* max.in.flight=4 and Produce answers that take 1.2 s: the worker stops serving the consumer
 * queue at 4 outputs in flight (held), pauses the partitions when that lasts a second (paused),
 * never has more than 4 in flight, and loses nothing. */
static void backpressure(const mode_t_ *m) {
  wh_t *h = wh_new(settings(
      m, (const char *[]){"embedded.partitions=2", "max.in.flight=4", "batch.messages=50", NULL}));
  wh_inputs_t in = {0};
  wh_produce_gen(h, &in, 12, 0, 200, NULL);
  for (int i = 0; i < 3; i++) /* the worker's first three Produce requests are slow */
    assert_int_equal(rd_kafka_mock_broker_push_request_error_rtts(h->mc, 1, WH_API_PRODUCE, 1,
                                                                  RD_KAFKA_RESP_ERR_NO_ERROR, 1200),
                     0);
  wh_outs_t outs;
  wh_outs_init(h, &outs);
  wh_worker_start(h);
  bp_t b = {.o = &outs, .in = &in};
  bool ok = wh_run_until(h, pred_bp, &b, 90000);
  if (!ok || h->worker_closed)
    fail_msg("back-pressure run: %zu of %zu unanswered (closed %d)", wh_unanswered(&in), in.n,
             (int)h->worker_closed);
  double bp_seconds = wh_metric(h->worker, "slpcoder_backpressure_seconds_total");
  assert_int_equal(wh_worker_stop(h), 0);
  assert_true(b.max_in_flight <= 4);
  assert_true(b.saw_held);
  assert_true(b.saw_paused);
  assert_true(bp_seconds >= 1.0);
  assert_true(h->last.pauses >= 1);
  assert_counters_once(h, &h->last, &in);
  wh_outs_poll(&outs, &in);
  assert_int_equal(wh_check_outputs(&in, &outs, false), 0);
  assert_committed_all(h);
  wh_outs_free(&outs);
  wh_inputs_free(&in);
  wh_destroy(h);
}

/* ---- one cmocka test per case and mode ----------------------------------------------------- */

#define BOTH(fn) WH_BOTH(fn, modes)

BOTH(steady)
BOTH(backpressure)

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(steady_alo),       cmocka_unit_test(steady_eos),
      cmocka_unit_test(backpressure_alo), cmocka_unit_test(backpressure_eos),
  };
  /* ctest runs the two delivery modes as two entries (CMakeLists.txt): *_alo and *_eos. */
  const char *filter = getenv("SLPCODER_TEST_FILTER");
  if (filter && *filter)
    cmocka_set_test_filter(filter);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
