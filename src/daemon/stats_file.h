/* SPDX-License-Identifier: Apache-2.0 */
/* stats_file.h -- slpcoderd's machine-readable summary (stats.file): one JSON object that
 * tests and scripts read instead of the log.
 *
 * Written once at start (so a bad path is a configuration error, exit 78), every
 * stats.interval.ms while the loop runs, and a last time after the loop ended with the exit
 * code and reason ("final": true). Each write goes to PATH.tmp.PID and is renamed over PATH, so
 * a reader sees the previous object or the next one, never half of one. The fields are listed
 * under stats.file in docs/OPERATIONS.md.
 *
 * Ownership: the caller owns slpd_stats_t; the worker, the embedded cluster and the ops
 * surface it reads outlive it. slpd_stats_close before the loop ends.
 *
 * Thread: the loop thread (slpd_stats_final: after the loop ended).
 */
#ifndef SLPCODER_DAEMON_STATS_FILE_H
#define SLPCODER_DAEMON_STATS_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "harness/faults.h"
#include "harness/mock.h"
#include "io/config.h"
#include "io/ops.h"
#include "io/worker.h"
#include "slpcoder/rules.h"

typedef struct slpd_stats {
  const slp_config_t *cfg;
  const char *version; /* slpcoderd's */
  slp_worker_t *worker; /* NULL: hosting the cluster only */
  slp_mock_t *mock;     /* NULL: a real cluster */
  const slp_faults_t *faults; /* NULL: no fault plan */
  const slp_ops_t *ops; /* the reload counts */
  uv_timer_t timer;
  bool on, timer_on, warned;
  uint64_t t_start;       /* uv_hrtime at start */
  char rules_version[96]; /* the bundle serving new inputs */
} slpd_stats_t;

/* Nothing to do when stats.file is empty (then every other call is a no-op too). Otherwise
 * write the first object and start the timer (when stats.interval.ms > 0). Returns 0, or -1
 * with err naming stats.file and the reason. */
int slpd_stats_start(slpd_stats_t *s, uv_loop_t *loop, const slp_config_t *cfg,
                     const char *version, slp_worker_t *w, slp_mock_t *mock,
                     const slp_faults_t *faults, const slp_ops_t *ops, const slp_rules_t *rules, char *err, size_t errlen);

/* A reload swapped in rules (its version is copied). */
void slpd_stats_rules(slpd_stats_t *s, const slp_rules_t *rules);

/* Stop the timer (its handle closes on the next loop turn). */
void slpd_stats_close(slpd_stats_t *s);

/* The last object: exit_code, reason (NULL: the worker's stop reason), and for the embedded
 * cluster the records the mock deleted (dropped: topic.input, .coded, .rejected, .dlq as
 * slp_mock_dropped gives them; NULL when not known). A failed write is logged. */
void slpd_stats_final(slpd_stats_t *s, int exit_code, const char *reason,
                      const int64_t *dropped);

#endif /* SLPCODER_DAEMON_STATS_FILE_H */
