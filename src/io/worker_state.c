/* SPDX-License-Identifier: Apache-2.0 */
/* worker_state.c -- the worker's three state machines (run, back-pressure, transaction): the
 * one setter of each, which logs every transition, and the step that decides what happens
 * next (diagram in worker_internal.h). */
#include <stdatomic.h>

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
