/* SPDX-License-Identifier: Apache-2.0 */
/* health.h -- what /healthz (liveness) and /readyz (readiness) answer, as pure functions.
 *
 * Liveness: 200 while the loop turns (it answers at all) and the consumer was polled
 * within max.poll.interval.ms; 503 when wedged, the case a watchdog or kubelet
 * restarts. Readiness: 200 only in the group with an assignment (or with none to
 * get), the rules loaded, and no fatal error; 503 while starting, rebalancing,
 * draining, with no broker reachable, or after a fatal error. The reason is one line.
 *
 * Thread: any (no state).
 */
#ifndef SLPCODER_IO_HEALTH_H
#define SLPCODER_IO_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/worker.h"

/* Returns 200 or 503 and writes the one-line reason into why. now_ms: loop time. */
int slp_health_live(const slp_worker_status_t *st, uint64_t now_ms, int64_t max_poll_ms, char *why,
                    size_t whylen);
int slp_health_ready(const slp_worker_status_t *st, bool rules_loaded, char *why, size_t whylen);

#endif /* SLPCODER_IO_HEALTH_H */
