/* SPDX-License-Identifier: Apache-2.0 */
/* metrics.h -- the /metrics families: the worker's counters in Prometheus' text format.
 *
 * Names follow Prometheus' naming guide (slpcoder_ prefix, _total counters, base units
 * _seconds/_bytes). Label sets are bounded: rule_id by the engine's slp_rule_ids,
 * reason by slp_dlq_reason, kind by fixed lists, partition by the assignment.
 *
 * Thread: the loop thread (reads the worker's state directly).
 */
#ifndef SLPCODER_IO_METRICS_H
#define SLPCODER_IO_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "io/expo.h"
#include "io/worker.h"

typedef struct slp_metrics_app {
  const char *version;         /* slpcoderd's */
  double start_time;           /* seconds since the epoch */
  uint64_t reloads_ok, reloads_failed;
  uint64_t http_requests, http_rejected;
  int ready, live;             /* the probes' answers now (1/0) */
} slp_metrics_app_t;

void slp_metrics_render(slp_expo_t *e, slp_worker_t *w, const slp_metrics_app_t *app);

#endif /* SLPCODER_IO_METRICS_H */
