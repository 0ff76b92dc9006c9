/* SPDX-License-Identifier: Apache-2.0 */
/* ops.h -- slpcoderd's operations surface: /metrics, /healthz, /readyz and sd_notify.
 *
 * Wires the HTTP server (http.h) to the probes (health.h) and the exposition
 * (metrics.h), and drives systemd's protocol (notify.h): READY=1 once the worker is
 * subscribed with its rules loaded, STATUS= a one-line summary, WATCHDOG=1 at half
 * of WATCHDOG_USEC while the consumer is being polled, RELOADING=1 ... READY=1
 * around a SIGHUP reload, STOPPING=1 on SIGTERM.
 *
 * Ownership: the caller owns slp_ops_t and the worker; slp_ops_close before the
 * loop ends, and the worker outlives it.
 *
 * Thread: the loop thread.
 */
#ifndef SLPCODER_IO_OPS_H
#define SLPCODER_IO_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "io/config.h"
#include "io/http.h"
#include "io/notify.h"
#include "io/worker.h"

typedef struct slp_ops {
  uv_loop_t *loop;
  const slp_config_t *cfg;
  slp_worker_t *worker;
  const char *version;
  double start_time;
  int64_t max_poll_ms; /* kafka.max.poll.interval.ms (librdkafka's default 300000) */
  bool http_on;
  slp_http_t http;
  slp_notify_t notify;
  uv_timer_t status_timer, watchdog_timer;
  bool timers_on, ready_sent, reloading, stopping;
  uint64_t reloads_ok, reloads_failed;
  uint64_t watchdog_pings;
  uint64_t last_status_ms; /* STATUS= at most every 5 s */
} slp_ops_t;

/* Listen on cfg->http_listen (none when empty) and start the sd_notify timers (only
 * under systemd). Returns 0, or -1 with err naming http.listen and the reason. */
int slp_ops_start(slp_ops_t *ops, uv_loop_t *loop, const slp_config_t *cfg, slp_worker_t *w,
                  const char *version, char *err, size_t errlen);

void slp_ops_reloading(slp_ops_t *ops);         /* SIGHUP received */
void slp_ops_reloaded(slp_ops_t *ops, bool ok); /* the reload finished */
void slp_ops_stopping(slp_ops_t *ops);          /* SIGTERM/SIGINT received */

/* Close the server and the timers (their handles close on the next loop turn). */
void slp_ops_close(slp_ops_t *ops);

#endif /* SLPCODER_IO_OPS_H */
