/* SPDX-License-Identifier: Apache-2.0 */
/* latency.h -- the end-to-end latency histogram: input timestamp to output acknowledged.
 *
 * Fixed buckets (seconds), counted on the loop thread, read by /metrics.
 */
#ifndef SLPCODER_IO_LATENCY_H
#define SLPCODER_IO_LATENCY_H

#include <stddef.h>
#include <stdint.h>

#define SLP_LATENCY_BUCKETS 14

extern const double slp_latency_bounds[SLP_LATENCY_BUCKETS];

typedef struct slp_latency {
  uint64_t counts[SLP_LATENCY_BUCKETS + 1]; /* the last is +Inf */
  double sum;                               /* seconds */
} slp_latency_t;

/* ms: milliseconds; negative (clock skew between producer and us) counts as 0. */
void slp_latency_observe(slp_latency_t *l, int64_t ms);

#endif /* SLPCODER_IO_LATENCY_H */
