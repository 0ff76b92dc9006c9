/* SPDX-License-Identifier: Apache-2.0 */
/* worker_state.c -- the worker's three state machines (run, back-pressure, transaction): the
 * one setter of each, which logs every transition, and the step that decides what happens
 * next (diagram in worker_internal.h). */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "io/log.h"
#include "io/worker_internal.h"

const char *slp__run_name(slp__run_t s) {
  static const char *const names[] = {"INIT",         "RUNNING", "DRAINING",
                                      "FINAL_COMMIT", "CLOSING", "DONE"};
  return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static const char *bp_name(slp__bp_t s) {
  static const char *const names[] = {"NONE", "HELD", "PAUSED"};
  return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static const char *txn_name(slp__txn_t s) {
  static const char *const names[] = {"NONE", "OPEN", "COMMITTING"};
  return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* Modelled on librdkafka's rd_kafka_cgrp_set_join_state: every change goes through here, so
 * a debug log shows the whole lifecycle in order. */
void slp__set_run(slp_worker_t *w, slp__run_t to) {
  if (w->run == to)
    return;
  SLP_DEBUG("worker run state %s -> %s", slp__run_name(w->run), slp__run_name(to));
  w->run = to;
  if (to >= SLP__RUN_CLOSING)
    atomic_store(&w->closing, 1);
}

void slp__set_bp(slp_worker_t *w, slp__bp_t to) {
  if (w->bp == to)
    return;
  SLP_DEBUG("worker back-pressure %s -> %s in_flight=%lld", bp_name(w->bp), bp_name(to),
            (long long)w->in_flight);
  if (to == SLP__BP_HELD)
    w->held_since = slp__now_ms(w);
  w->bp = to;
}

void slp__set_txn(slp_worker_t *w, slp__txn_t to) {
  if (w->txn == to)
    return;
  SLP_DEBUG("worker transaction %s -> %s", txn_name(w->txn), txn_name(to));
  w->txn = to;
}

/* ---- the step --------------------------------------------------------------------------- */

/* Back-pressure: released once the outputs in flight are down to half the limit and nothing
 * waits for room in the producer queue; escalated from HELD to PAUSED after a second. */
static void step_backpressure(slp_worker_t *w, uint64_t now) {
  if (w->bp == SLP__BP_NONE || w->run != SLP__RUN_RUNNING)
    return;
  if (!w->pend_head && w->in_flight <= w->cfg->max_in_flight / 2) {
    bool was_paused = w->bp == SLP__BP_PAUSED;
    slp__set_bp(w, SLP__BP_NONE);
    if (was_paused)
      slp__set_paused_all(w, false);
    w->drain_wanted = true;
    return;
  }
  if (w->bp == SLP__BP_HELD && now - w->held_since >= 1000) {
    /* Outputs are not being acknowledged: pause the inputs for real, and keep serving the
     * consumer queue (rebalances, max.poll.interval.ms). Pausing right away would cost about
     * a second per resume in librdkafka 2.0. */
    SLP_WARN("back-pressure: %" PRId64 " outputs unacknowledged for 1 s; pausing input partitions",
             w->in_flight);
    slp__set_bp(w, SLP__BP_PAUSED);
    slp__set_paused_all(w, true);
  }
}

/* Exactly-once, RUNNING: end the open transaction when it is doomed (abort now: inputs read
 * into it are wasted), full (batch.messages), or old (batch.ms, started early by what a
 * commit has been taking, at most half the batch, so its outputs are visible by then). */
static void step_batch(slp_worker_t *w, uint64_t now) {
  if (!w->eos || w->txn != SLP__TXN_OPEN || w->run != SLP__RUN_RUNNING)
    return;
  uint64_t batch_ms = (uint64_t)w->cfg->batch_ms;
  uint64_t lead = w->txn_avg_ms < batch_ms / 2 ? w->txn_avg_ms : batch_ms / 2;
  if (w->abort_needed || w->batch_count >= w->cfg->batch_messages ||
      now - w->txn_started + lead >= batch_ms)
    slp__txn_start_commit(w); /* may wait for the pending outputs: tried again next step */
}

/* RUNNING -> DRAINING by the worker's own stop conditions. */
static void step_stop_conditions(slp_worker_t *w, uint64_t now) {
  if (w->run != SLP__RUN_RUNNING)
    return;
  if (w->cfg->max_messages && (int64_t)w->n.consumed >= w->cfg->max_messages)
    slp_worker_stop(w, "max.messages reached");
  else if (w->cfg->exit_when_idle_ms && w->has_assignment && w->in_flight == 0 &&
           now - w->last_input >= (uint64_t)w->cfg->exit_when_idle_ms)
    slp_worker_stop(w, "idle");
}

/* DRAINING -> FINAL_COMMIT (exactly-once, a transaction open) or CLOSING, once drained or
 * past shutdown.deadline.ms; FINAL_COMMIT -> CLOSING once that transaction is done. */
static void step_shutdown(slp_worker_t *w, uint64_t now) {
  if (w->run == SLP__RUN_DRAINING && w->txn != SLP__TXN_COMMITTING) {
    bool drained = w->in_flight == 0 && !w->pend_head;
    if (!drained && now < w->drain_deadline)
      return;
    /* Stopped before the first assignment: a consumer that cannot be closed yet (#4312, see
     * slp__consumer_unsafe_to_close) would stay in the group, heartbeating, holding partitions
     * it never serves. Keep serving the consumer queue (an assignment in DRAINING is paused
     * at once) until it comes, then close and leave; at the deadline, give up as before. */
    if (drained && w->subscribed && slp__consumer_unsafe_to_close(w) && now < w->drain_deadline) {
      w->drain_wanted = true;
      return;
    }
    if (!drained)
      SLP_WARN("shutdown deadline passed with %" PRId64
               " outputs in flight; they will be redelivered",
               w->in_flight);
    if (w->eos && w->txn == SLP__TXN_OPEN) {
      if (!drained)
        w->abort_needed = true; /* the outputs in flight are given up: abort, not commit */
      slp__set_run(w, SLP__RUN_FINAL_COMMIT);
    } else {
      slp__begin_close(w);
      return;
    }
  }
  if (w->run == SLP__RUN_FINAL_COMMIT) {
    if (w->txn == SLP__TXN_OPEN)
      slp__txn_start_commit(w);
    else if (w->txn == SLP__TXN_NONE)
      slp__begin_close(w);
  }
}

/* One pass; true when it served inputs, which may call for another decision at once (a batch
 * now full, max.messages reached). */
static bool step_once(slp_worker_t *w) {
  if (w->run == SLP__RUN_INIT || w->run >= SLP__RUN_CLOSING)
    return false;
  uint64_t now = slp__now_ms(w);
  step_backpressure(w, now);
  step_batch(w, now);
  slp__check_revoke(w);
  step_stop_conditions(w, now);
  step_shutdown(w, now);
  if (w->run >= SLP__RUN_CLOSING || !w->drain_wanted)
    return false;
  return slp__drain_consumer(w) > 0;
}

void slp__step(slp_worker_t *w) {
  if (w->run == SLP__RUN_CLOSING) {
    slp__close_serve(w);
    return;
  }
  /* Bounded: a pass drains only when a wake-up was left unserved, at most one batch. */
  for (int pass = 0; pass < 4 && step_once(w); pass++)
    ;
}
