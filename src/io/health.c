/* SPDX-License-Identifier: Apache-2.0 */
/* health.c -- the liveness and readiness decisions, from a worker status snapshot. */
#include "io/health.h"

#include <inttypes.h>
#include <stdio.h>

int slp_health_live(const slp_worker_status_t *st, uint64_t now_ms, int64_t max_poll_ms, char *why,
                    size_t whylen) {
  if (st->phase >= SLP_PHASE_CLOSING) {
    /* The consumer is being closed on the jobs thread; the hard shutdown deadline
     * bounds that, not the probe. */
    snprintf(why, whylen, "alive: stopping");
    return 200;
  }
  uint64_t since = now_ms > st->last_poll_ms ? now_ms - st->last_poll_ms : 0;
  if (max_poll_ms > 0 && since > (uint64_t)max_poll_ms) {
    snprintf(why, whylen,
             "wedged: the consumer was last polled %" PRIu64 " ms ago (max.poll.interval.ms %" PRId64
             ")%s",
             since, max_poll_ms, st->committing ? " while a transaction commits" : "");
    return 503;
  }
  snprintf(why, whylen, "alive: consumer polled %" PRIu64 " ms ago", since);
  return 200;
}

int slp_health_ready(const slp_worker_status_t *st, bool rules_loaded, char *why, size_t whylen) {
  if (st->fatal) {
    snprintf(why, whylen, "not ready: fatal error, stopping (see the log)");
    return 503;
  }
  switch (st->phase) {
  case SLP_PHASE_STARTING:
    snprintf(why, whylen, "not ready: starting (initialising the producer)");
    return 503;
  case SLP_PHASE_DRAINING:
    snprintf(why, whylen, "not ready: draining %" PRId64 " inputs in flight before stopping",
             st->in_flight);
    return 503;
  case SLP_PHASE_CLOSING:
  case SLP_PHASE_DONE:
    snprintf(why, whylen, "not ready: stopping");
    return 503;
  case SLP_PHASE_RUNNING:
    break;
  }
  if (!rules_loaded) {
    snprintf(why, whylen, "not ready: no rules bundle loaded");
    return 503;
  }
  if (!st->has_assignment) {
    snprintf(why, whylen, "not ready: starting (joining the consumer group)");
    return 503;
  }
  if (st->revoking > 0) {
    snprintf(why, whylen, "not ready: rebalancing (draining %d revoked partitions)", st->revoking);
    return 503;
  }
  if (st->brokers_up == 0 && st->brokers > 0) {
    snprintf(why, whylen, "not ready: no broker reachable (0 of %d up)", st->brokers);
    return 503;
  }
  if (st->assigned == 0)
    snprintf(why, whylen, "ready: in the group, no partitions to get");
  else
    snprintf(why, whylen, "ready: %d partitions assigned", st->assigned);
  return 200;
}
