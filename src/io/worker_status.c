/* SPDX-License-Identifier: Apache-2.0 */
/* worker_status.c -- the worker's state as the probes, sd_notify and /metrics see it. */
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "io/worker_internal.h"

/* slpcoder.error texts by prefix (src/codec): a bounded label set, whatever the text. */
static const struct {
  const char *prefix;
  int reason;
} dlq_prefixes[] = {
    {"schema registry frame", SLP_DLQ_BAD_FRAME},
    {"protobuf: field", SLP_DLQ_INVALID_UTF8}, /* the only field-level decode error */
    {"engine refused", SLP_DLQ_ENGINE},
};

int slp_dlq_reason(const char *error) {
  for (size_t i = 0; error && i < sizeof dlq_prefixes / sizeof dlq_prefixes[0]; i++)
    if (strncmp(error, dlq_prefixes[i].prefix, strlen(dlq_prefixes[i].prefix)) == 0)
      return dlq_prefixes[i].reason;
  return SLP_DLQ_UNDECODABLE;
}

const char *slp_dlq_reason_name(int reason) {
  static const char *const names[SLP_DLQ_REASONS] = {"undecodable", "bad_frame", "invalid_utf8",
                                                     "engine_error"};
  return reason >= 0 && reason < SLP_DLQ_REASONS ? names[reason] : "undecodable";
}

void slp_worker_status(slp_worker_t *w, slp_worker_status_t *st) {
  memset(st, 0, sizeof *st);
  switch (w->run) {
  case SLP__RUN_INIT:
    st->phase = SLP_PHASE_STARTING;
    break;
  case SLP__RUN_RUNNING:
    st->phase = SLP_PHASE_RUNNING;
    break;
  case SLP__RUN_DRAINING:
  case SLP__RUN_FINAL_COMMIT:
    st->phase = SLP_PHASE_DRAINING;
    break;
  case SLP__RUN_CLOSING:
    st->phase = SLP_PHASE_CLOSING;
    break;
  default:
    st->phase = SLP_PHASE_DONE;
  }
  st->has_assignment = w->has_assignment;
  for (int32_t i = 0; i < w->n_parts; i++)
    if (w->parts[i] && w->parts[i]->state == SLP__P_ACTIVE)
      st->assigned++;
  st->revoking = w->revoking ? w->revoking->cnt : 0;
  st->fatal =
      w->exit_rc != 0 || (w->producer && w->run < SLP__RUN_CLOSING &&
                          rd_kafka_fatal_error(w->producer, NULL, 0) != RD_KAFKA_RESP_ERR_NO_ERROR);
  st->committing = w->txn == SLP__TXN_COMMITTING;
  st->last_poll_ms = w->last_poll;
  st->in_flight = w->in_flight;
  st->brokers_up = w->kstats.updates ? w->kstats.brokers_up : -1;
  st->brokers = w->kstats.updates ? w->kstats.brokers : -1;
  st->assigns = w->rebalances[SLP__REB_ASSIGN];
  st->revokes = w->rebalances[SLP__REB_REVOKE];
  st->losts = w->rebalances[SLP__REB_LOST];
  st->stop_reason = w->stop_reason[0] ? w->stop_reason : NULL;
}

void slp_worker_perf(const slp_worker_t *w, slp_worker_perf_t *p) {
  memset(p, 0, sizeof *p);
  p->eos = w->eos;
  p->busy_seconds = w->t_last_delivery > w->t_first_input
                        ? (double)(w->t_last_delivery - w->t_first_input) / 1e9
                        : 0;
  p->acked = w->lat.n;
  if (w->lat.n) {
    p->p50_ms = slp_lathist_quantile(&w->lat, 0.5);
    p->p99_ms = slp_lathist_quantile(&w->lat, 0.99);
    p->p999_ms = slp_lathist_quantile(&w->lat, 0.999);
    p->max_ms = w->lat.max_ms;
  }
  p->consumer_wakeups = w->wk.cwake;
  p->producer_wakeups = w->wk.pwake;
  p->ticks = w->wk.ticks;
  p->inputs_served_by_tick = w->wk.tick_msgs;
  p->capped_drains = w->wk.capped;
  p->dr_events = w->wk.dr_events;
  p->drs = w->wk.drs;
  p->coder_batches = w->wk.coder_runs;
  p->read_during_commit = w->wk.held;
}

uint64_t slp_worker_rejections(const slp_worker_t *w, size_t i) {
  return i < SLP__MAX_RULE_IDS ? w->rule_counts[i] : 0;
}
