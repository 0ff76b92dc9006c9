/* SPDX-License-Identifier: Apache-2.0 */
/* test_worker_faults.c -- the worker under injected broker errors and a broker outage (issue 10
 * §3), in both delivery modes, on librdkafka's mock cluster with a real uv loop.
 *
 * Retriable errors on Produce, Fetch, OffsetCommit (at-least-once) and AddOffsetsToTxn,
 * TxnOffsetCommit, EndTxn (exactly-once), injected with rd_kafka_mock_push_request_errors, and
 * the broker going down and coming back mid-stream: the worker recovers, exits 0, and every
 * input is answered in its own topic with its key, headers and exact bytes. Retried requests
 * must not duplicate anything (the producer is idempotent) except where a transaction was
 * aborted, whose records the mock still shows (design/kafka-notes.md), and at-least-once
 * across the outage. */
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
    {"exactly-once", {"delivery=exactly-once", "transactional.id=faults-tx", NULL}},
};

static const char *const two_parts[] = {"embedded.partitions=2", NULL};

static const char *const *settings(const mode_t_ *m, const char *const *extra) {
  return wh_settings_join(m->settings, two_parts, extra);
}

typedef struct consumed_at_least {
  uint64_t n;
} consumed_at_least_t;

static bool pred_consumed(wh_t *h, void *arg) {
  return h->worker_closed ||
         slp_worker_counters(h->worker)->consumed >= ((consumed_at_least_t *)arg)->n;
}

static void run_until_consumed(wh_t *h, uint64_t n) {
  consumed_at_least_t c = {n};
  if (!wh_run_until(h, pred_consumed, &c, 60000) || h->worker_closed)
    fail_msg("the worker did not consume %" PRIu64 " inputs", n);
}

/* Stop (exit 0), check the outputs: exactly once, unless a transaction was aborted or
 * (at-least-once's contract) redelivery is allowed. Returns the duplicates. */
static size_t stop_and_check(wh_t *h, wh_outs_t *outs, wh_inputs_t *in, const char *what,
                             bool redelivery) {
  assert_int_equal(wh_worker_stop(h), 0);
  wh_outs_poll(outs, in);
  bool aborted = h->last.txn_aborts > 0;
  size_t dups = wh_check_outputs(in, outs, aborted || redelivery);
  print_message("%s: %zu inputs, consumed %" PRIu64 ", %zu duplicates, txn commits %" PRIu64
                " aborts %" PRIu64 "\n",
                what, in->n, h->last.consumed, dups, h->last.txn_commits, h->last.txn_aborts);
  assert_int_equal(h->last.refused, 0); /* retriable: nothing was given up on */
  assert_int_equal(h->last.fallback_dlq + h->last.fallback_rejected, 0);
  if (h->cfg.delivery == SLP_EXACTLY_ONCE)
    assert_true(h->last.txn_commits >= 1);
  return dups;
}

/* At-least-once: a restart finds nothing to redo (every offset committed). */
static void assert_restart_idle(wh_t *h) {
  if (h->cfg.delivery == SLP_EXACTLY_ONCE)
    return; /* the mock does not store transactional offsets */
  for (int32_t p = 0; p < (int32_t)h->cfg.embedded_partitions; p++)
    assert_int_equal(wh_committed(h, p), wh_high_watermark(h, h->cfg.topic_input, p));
  char err[256];
  assert_int_equal(slp_config_set(&h->cfg, "exit.when.idle.ms", "1000", "test", err, sizeof err),
                   0);
  wh_worker_start(h);
  wh_run_until_closed(h, 60000);
  assert_int_equal(wh_worker_stop(h), 0);
  assert_int_equal(h->last.consumed, 0);
}

/* ---- Produce ----------------------------------------------------------------------------- */

/* One Produce request in flight per connection. With librdkafka's 5, at-least-once lost the
 * first outputs of a partition now and then on the mock (4 runs in 13 under load; 1 to 4
 * outputs, every delivery report a success, delivered == consumed): most likely the mock takes
 * a later request while an earlier one for the same partition failed (a broker would refuse
 * it, OUT_OF_ORDER_SEQUENCE_NUMBER) and the earlier one's retry as a duplicate. The worker
 * cannot see that (it has the acknowledgement); it is for the real broker tier to rule out. */
static void produce_errors(const mode_t_ *m) {
  wh_t *h = wh_new(settings(m, (const char *[]){"kafka.max.in.flight.requests.per.connection=1",
                                                 NULL}));
  wh_inputs_t in = {0};
  wh_produce_gen(h, &in, 31, 0, 200, NULL);
  wh_outs_t outs;
  wh_outs_init(h, &outs);
  /* The worker's first Produce requests fail with errors the producer retries by itself. */
  rd_kafka_mock_push_request_errors(h->mc, WH_API_PRODUCE, 6, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
                                    RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
                                    RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                    RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
                                    RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
                                    RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
  wh_worker_start(h);
  wh_run_until_answered(h, &outs, &in, NULL, 90000);
  stop_and_check(h, &outs, &in, "produce errors", false);
  assert_restart_idle(h);
  wh_outs_free(&outs);
  wh_inputs_free(&in);
  wh_destroy(h);
}

/* ---- Fetch ------------------------------------------------------------------------------- */

static void fetch_errors(const mode_t_ *m) {
  wh_t *h = wh_new(settings(m, NULL));
  wh_inputs_t in = {0};
  wh_produce_gen(h, &in, 32, 0, 100, NULL);
  wh_outs_t outs;
  wh_outs_init(h, &outs);
  wh_worker_start(h);
  run_until_consumed(h, 1);
  wh_produce_gen(h, &in, 32, 100, 100, NULL);
  /* Mid-stream: the fetches for the second half fail first (the output reader fetches from the
   * same broker and may take some of them: it retries as well). */
  rd_kafka_mock_push_request_errors(h->mc, WH_API_FETCH, 4,
                                    RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                    RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
                                    RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
                                    RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
  wh_run_until_answered(h, &outs, &in, NULL, 90000);
  stop_and_check(h, &outs, &in, "fetch errors", false);
  assert_restart_idle(h);
  wh_outs_free(&outs);
  wh_inputs_free(&in);
  wh_destroy(h);
}

/* ---- committing: OffsetCommit (at-least-once), the transaction's requests (exactly-once) -- */

typedef struct committed_all {
  uint64_t next_check; /* loop ms: the group is asked at most every 200 ms */
} committed_all_t;

static bool pred_committed_all(wh_t *h, void *arg) {
  committed_all_t *c = arg;
  if (h->worker_closed)
    return true;
  if (uv_now(&h->loop) < c->next_check)
    return false;
  c->next_check = uv_now(&h->loop) + 200;
  for (int32_t p = 0; p < (int32_t)h->cfg.embedded_partitions; p++)
    if (wh_committed(h, p) != wh_high_watermark(h, h->cfg.topic_input, p))
      return false;
  return true;
}

/* Exactly-once: transactions committed reach a number (the mock shows outputs before their
 * commit, so being answered is not being committed). */
static bool pred_commits(wh_t *h, void *arg) {
  return h->worker_closed ||
         slp_worker_counters(h->worker)->txn_commits >= ((consumed_at_least_t *)arg)->n;
}

/* At-least-once: until the group holds every partition's offset at its end, or fail naming why. */
static void run_until_committed_all(wh_t *h, const char *after) {
  committed_all_t c = {0};
  if (!wh_run_until(h, pred_committed_all, &c, 60000) || h->worker_closed)
    fail_msg("offsets not committed within 60 s of %s", after);
}

static void commit_errors(const mode_t_ *m) {
  bool eos = m == &modes[1];
  /* Commits often: at-least-once's auto commit every 100 ms, exactly-once's batches of 100 ms */
  wh_t *h = wh_new(settings(m, (const char *[]){"kafka.auto.commit.interval.ms=100", NULL}));
  wh_inputs_t in = {0};
  wh_produce_gen(h, &in, 33, 0, 100, NULL);
  wh_outs_t outs;
  wh_outs_init(h, &outs);
  wh_worker_start(h);
  run_until_consumed(h, 1);
  if (eos) {
    rd_kafka_mock_push_request_errors(h->mc, WH_API_ADD_OFFSETS_TO_TXN, 2,
                                      RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
                                      RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS);
    rd_kafka_mock_push_request_errors(h->mc, WH_API_TXN_OFFSET_COMMIT, 2,
                                      RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
                                      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
    rd_kafka_mock_push_request_errors(h->mc, WH_API_END_TXN, 3,
                                      RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
                                      RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
                                      RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS);
  } else {
    rd_kafka_mock_push_request_errors(h->mc, WH_API_OFFSET_COMMIT, 3,
                                      RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
                                      RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
                                      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
  }
  wh_produce_gen(h, &in, 33, 100, 100, NULL);
  wh_run_until_answered(h, &outs, &in, NULL, 90000);
  uint64_t commits_before = slp_worker_counters(h->worker)->txn_commits;
  if (eos) {
    /* The next transaction carries the errors' requests: wait for it to commit. */
    wh_produce_gen(h, &in, 33, 200, 50, NULL);
    wh_run_until_answered(h, &outs, &in, NULL, 90000);
    consumed_at_least_t c = {commits_before + 1};
    if (!wh_run_until(h, pred_commits, &c, 60000) || h->worker_closed)
      fail_msg("no transaction committed within 60 s after the errors");
  } else {
    /* While running, auto commit gets past the refusals by itself. */
    run_until_committed_all(h, "three OffsetCommit errors");
  }
  stop_and_check(h, &outs, &in, eos ? "transaction request errors" : "offset commit errors",
                 false);
  assert_restart_idle(h);
  wh_outs_free(&outs);
  wh_inputs_free(&in);
  wh_destroy(h);
}

/* ---- the broker down and up mid-stream ----------------------------------------------------- */

static void broker_down_up(const mode_t_ *m) {
  wh_t *h = wh_new(settings(m, NULL));
  wh_inputs_t in = {0};
  wh_produce_gen(h, &in, 34, 0, 150, NULL);
  wh_outs_t outs;
  wh_outs_init(h, &outs);
  wh_worker_start(h);
  run_until_consumed(h, 1);
  assert_int_equal(rd_kafka_mock_broker_set_down(h->mc, 1), 0);
  wh_run_for(h, 2000); /* the outage */
  assert_int_equal(rd_kafka_mock_broker_set_up(h->mc, 1), 0);
  wh_produce_gen(h, &in, 34, 150, 150, NULL);
  wh_run_until_answered(h, &outs, &in, NULL, 120000);
  if (h->cfg.delivery != SLP_EXACTLY_ONCE) {
    /* While running, every offset gets committed after the outage. The session may expire
     * after everything was answered (its heartbeats failed during the outage): the lost
     * partitions' stored offsets are dropped, not committed, and their inputs are read again
     * once assigned back (seen in 2 of 5 clean-clone runs: a partition still at -1 when the
     * test stopped the worker right after the answers). */
    run_until_committed_all(h, "the broker coming back");
  }
  /* At-least-once may answer twice here: a request cut by the outage may have been written
   * (seen on the mock once in four runs: one input answered twice). Exactly-once may too
   * when the outage outlasted the session: the mock does not store the offsets a committed
   * transaction sent (kafka-notes.md), so a partition lost and assigned again is read from
   * its start (seen once the first batch committed before the outage). */
  slp_worker_status_t st;
  slp_worker_status(h->worker, &st);
  stop_and_check(h, &outs, &in, "broker down and up",
                 h->cfg.delivery != SLP_EXACTLY_ONCE || st.losts > 0);
  assert_restart_idle(h);
  wh_outs_free(&outs);
  wh_inputs_free(&in);
  wh_destroy(h);
}

/* ---- exactly-once: reading ahead while a batch commits --------------------------------------- */

/* A backlog in small batches: the next inputs are read and coded while each batch commits
 * (read_during_commit counts them), and handled exactly once after it. Then a commit refused
 * with an abortable error (TxnOffsetCommit ILLEGAL_GENERATION) while inputs are read ahead:
 * those are dropped and read again after the rewind, none lost. Inputs read ahead were never
 * produced, so a lost one has no output at all, even on the mock, which shows the aborted
 * transaction's records. */
static void read_ahead_eos(void **state) {
  (void)state;
  const mode_t_ *m = &modes[1];
  wh_t *h = wh_new(settings(m, (const char *[]){"batch.messages=200", NULL}));
  wh_inputs_t in = {0};
  wh_produce_gen(h, &in, 35, 0, 3000, NULL);
  wh_outs_t outs;
  wh_outs_init(h, &outs);
  wh_worker_start(h);
  wh_run_until_answered(h, &outs, &in, NULL, 90000);
  slp_worker_perf_t perf;
  slp_worker_perf(h->worker, &perf);
  print_message("read ahead: %" PRIu64 " of 3000 inputs read during a commit\n",
                perf.read_during_commit);
  assert_true(perf.read_during_commit > 0);
  assert_int_equal(slp_worker_counters(h->worker)->txn_aborts, 0);
  wh_outs_poll(&outs, &in);
  assert_int_equal(wh_check_outputs(&in, &outs, false), 0); /* no abort: exactly once */

  uint64_t before = perf.read_during_commit;
  rd_kafka_mock_push_request_errors(h->mc, WH_API_TXN_OFFSET_COMMIT, 1,
                                    RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION);
  wh_produce_gen(h, &in, 35, 3000, 3000, NULL);
  wh_run_until_answered(h, &outs, &in, NULL, 90000);
  slp_worker_perf(h->worker, &perf);
  const slp_worker_counters_t *n = slp_worker_counters(h->worker);
  print_message("after the refused commit: %" PRIu64 " more read ahead, aborts %" PRIu64 "\n",
                perf.read_during_commit - before, n->txn_aborts);
  assert_true(perf.read_during_commit > before);
  assert_true(n->txn_aborts >= 1);
  stop_and_check(h, &outs, &in, "read ahead, one commit refused", true);
  wh_outs_free(&outs);
  wh_inputs_free(&in);
  wh_destroy(h);
}

/* ---- one cmocka test per case and mode ----------------------------------------------------- */

#define BOTH(fn) WH_BOTH(fn, modes)

BOTH(produce_errors)
BOTH(fetch_errors)
BOTH(commit_errors)
BOTH(broker_down_up)

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(produce_errors_alo), cmocka_unit_test(produce_errors_eos),
      cmocka_unit_test(fetch_errors_alo),   cmocka_unit_test(fetch_errors_eos),
      cmocka_unit_test(commit_errors_alo),  cmocka_unit_test(commit_errors_eos),
      cmocka_unit_test(broker_down_up_alo), cmocka_unit_test(broker_down_up_eos),
      cmocka_unit_test(read_ahead_eos),
  };
  /* ctest runs the two delivery modes as two entries (CMakeLists.txt): *_alo and *_eos. */
  const char *filter = getenv("SLPCODER_TEST_FILTER");
  if (filter && *filter)
    cmocka_set_test_filter(filter);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
