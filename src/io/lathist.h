/* SPDX-License-Identifier: Apache-2.0 */
/* lathist.h -- a histogram of milliseconds for the summary's quantiles (p50/p99/p999), from an
 * input's timestamp to its output's acknowledgement (at-least-once: the delivery report;
 * exactly-once: the commit of its transaction). latency.h is /metrics' bucketed histogram.
 *
 * One bucket per millisecond up to SLP_LATHIST_MAX_MS, one more above. Kafka timestamps are
 * milliseconds, so a finer grain would measure nothing. Thread: the loop thread.
 */
#ifndef SLPCODER_IO_LATHIST_H
#define SLPCODER_IO_LATHIST_H

#include <stdint.h>
#include <stdio.h>

#define SLP_LATHIST_MAX_MS 60000

typedef struct slp_lathist {
  uint64_t *buckets; /* SLP_LATHIST_MAX_MS + 2; NULL until the first sample */
  uint64_t n;
  int64_t max_ms;
} slp_lathist_t;

/* Add one sample (negative ones, a clock step, count as 0). Out of memory: not counted. */
void slp_lathist_add(slp_lathist_t *l, int64_t ms);
/* The q-quantile (0 < q <= 1) in ms, -1 with no samples; above the range: the max. */
int64_t slp_lathist_quantile(const slp_lathist_t *l, double q);
void slp_lathist_free(slp_lathist_t *l);

/* Wall-clock milliseconds (CLOCK_REALTIME), the clock of Kafka's CreateTime timestamps. */
int64_t slp_lathist_now_ms(void);

#endif /* SLPCODER_IO_LATHIST_H */
