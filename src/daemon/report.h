/* SPDX-License-Identifier: Apache-2.0 */
/* report.h -- what slpcoderd prints on stdout for a person watching a run (the demo): the
 * first print.claims coded claims as JSON, and the summary at the end (summary=true).
 *
 * Both read the worker from outside: the claims through its output observer
 * (slp_worker_on_output), so a claim is printed once it is acknowledged (at-least-once: its
 * delivery report; exactly-once: its transaction's commit), in that order; the summary
 * through slp_worker_counters, slp_worker_perf and slp_worker_rejections.
 *
 * Thread: the loop thread.
 */
#ifndef SLPCODER_DAEMON_REPORT_H
#define SLPCODER_DAEMON_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "io/worker.h"

typedef struct slpd_claims {
  FILE *out;
  int64_t limit, printed;
} slpd_claims_t;

/* Print the first limit coded claims w acknowledges on out (limit 0: nothing to watch). */
void slpd_claims_watch(slpd_claims_t *c, slp_worker_t *w, int64_t limit, FILE *out);

/* Counters, rejections by rule id, latency, CPU and wake-ups, a few lines. */
void slpd_print_summary(const slp_worker_t *w, FILE *out, double seconds);

#endif /* SLPCODER_DAEMON_REPORT_H */
