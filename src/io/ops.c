/* SPDX-License-Identifier: Apache-2.0 */
/* ops.c -- routes /metrics, /healthz, /readyz and speaks sd_notify, all on the loop. */
#include "io/ops.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/health.h"
#include "io/log.h"
#include "io/metrics.h"
#include "slpcoder/rules.h"

#define STATUS_PERIOD_MS 250 /* how soon READY=1 follows the subscription */

static int live_now(slp_ops_t *ops, const slp_worker_status_t *st, char *why, size_t len) {
  return slp_health_live(st, uv_now(ops->loop), ops->max_poll_ms, why, len);
}

static int handler(void *arg, const char *path, slp_expo_t *body, const char **ctype) {
  slp_ops_t *ops = arg;
  char why[256];
  slp_worker_status_t st;
  slp_worker_status(ops->worker, &st);
  if (strcmp(path, "/healthz") == 0) {
    int code = live_now(ops, &st, why, sizeof why);
    slp_expo_printf(body, "%s\n", why);
    return code;
  }
  if (strcmp(path, "/readyz") == 0) {
    int code = slp_health_ready(&st, true, why, sizeof why);
    slp_expo_printf(body, "%s\n", why);
    return code;
  }
  if (strcmp(path, "/metrics") == 0) {
    slp_metrics_app_t app = {
        .version = ops->version,
        .start_time = ops->start_time,
        .reloads_ok = ops->reloads_ok,
        .reloads_failed = ops->reloads_failed,
        .http_requests = ops->http.requests + 1, /* this one */
        .http_rejected = ops->http.rejected,
        .ready = slp_health_ready(&st, true, why, sizeof why) == 200,
        .live = live_now(ops, &st, why, sizeof why) == 200,
    };
    slp_metrics_render(body, ops->worker, &app);
    *ctype = "text/plain; version=0.0.4; charset=utf-8";
    return 200;
  }
  slp_expo_printf(body, "not found: %s (try /metrics, /healthz, /readyz)\n",
                  strlen(path) < 100 ? path : "?");
  return 404;
}

/* ---- sd_notify ---------------------------------------------------------------------- */

static void status_line(slp_ops_t *ops, const slp_worker_status_t *st, char *buf, size_t len) {
  const slp_worker_counters_t *n = slp_worker_counters(ops->worker);
  char why[200];
  slp_health_ready(st, true, why, sizeof why);
  snprintf(buf, len,
           "%s; consumed %" PRIu64 " (coded %" PRIu64 ", rejected %" PRIu64 ", dlq %" PRIu64
           "), in flight %" PRId64,
           why, n->consumed, n->coded, n->rejected, n->dead_lettered, st->in_flight);
}

static void on_status_timer(uv_timer_t *t) {
  slp_ops_t *ops = t->data;
  slp_worker_status_t st;
  slp_worker_status(ops->worker, &st);
  char line[256];
  status_line(ops, &st, line, sizeof line);
  if (!ops->ready_sent && st.phase == SLP_PHASE_RUNNING && !ops->stopping) {
    ops->ready_sent = true; /* subscribed, and the rules were loaded before the worker */
    slp_notify_send(&ops->notify, "READY=1\nSTATUS=%s", line);
    snprintf(ops->notify.last_status, sizeof ops->notify.last_status, "%s", line);
    return;
  }
  uint64_t now = uv_now(ops->loop);
  if (ops->ready_sent && !ops->reloading && now - ops->last_status_ms >= 5000) {
    ops->last_status_ms = now;
    slp_notify_status(&ops->notify, line);
  }
}

/* Pings only while the loop turns (this timer fires) and the consumer is being served
 * within the watchdog period: a wedged consumer stops them and systemd restarts us. */
static void on_watchdog_timer(uv_timer_t *t) {
  slp_ops_t *ops = t->data;
  slp_worker_status_t st;
  slp_worker_status(ops->worker, &st);
  char why[200];
  uint64_t period_ms = ops->notify.watchdog_usec / 1000;
  uint64_t now = uv_now(ops->loop);
  bool polled = st.phase >= SLP_PHASE_CLOSING || now - st.last_poll_ms <= period_ms;
  if (polled && live_now(ops, &st, why, sizeof why) == 200) {
    ops->watchdog_pings++;
    slp_notify_send(&ops->notify, "WATCHDOG=1");
  } else {
    SLP_WARN("watchdog: not pinging systemd: the consumer was last polled %" PRIu64 " ms ago",
             now - st.last_poll_ms);
  }
}

static uint64_t monotonic_usec(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void slp_ops_reloading(slp_ops_t *ops) {
  ops->reloading = true;
  slp_notify_send(&ops->notify, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64 "\nSTATUS=reloading rules",
                  monotonic_usec());
}

void slp_ops_reloaded(slp_ops_t *ops, bool ok) {
  if (ok)
    ops->reloads_ok++;
  else
    ops->reloads_failed++;
  if (!ops->reloading)
    return;
  ops->reloading = false;
  slp_notify_send(&ops->notify, "READY=1\nSTATUS=%s",
                  ok ? "rules reloaded" : "rules reload failed; the previous bundle keeps serving");
  snprintf(ops->notify.last_status, sizeof ops->notify.last_status, "reload");
}

void slp_ops_stopping(slp_ops_t *ops) {
  if (ops->stopping)
    return;
  ops->stopping = true;
  slp_notify_send(&ops->notify, "STOPPING=1\nSTATUS=draining before stopping");
}

/* ---- life cycle ----------------------------------------------------------------------- */

int slp_ops_start(slp_ops_t *ops, uv_loop_t *loop, const slp_config_t *cfg, slp_worker_t *w,
                  const char *version, char *err, size_t errlen) {
  memset(ops, 0, sizeof *ops);
  ops->loop = loop;
  ops->cfg = cfg;
  ops->worker = w;
  ops->version = version;
  uv_timeval64_t tv;
  if (uv_gettimeofday(&tv) == 0)
    ops->start_time = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
  const char *mpi = slp_config_kafka_get(cfg, "max.poll.interval.ms");
  ops->max_poll_ms = mpi ? strtoll(mpi, NULL, 10) : 300000;
  if (cfg->http_listen && cfg->http_listen[0]) {
    if (slp_http_start(&ops->http, loop, cfg->http_listen, handler, ops, err, errlen) != 0)
      return -1;
    ops->http_on = true;
    SLP_INFO("http: listening on %s (/metrics /healthz /readyz)", ops->http.bound);
  }
  slp_notify_init(&ops->notify);
  if (ops->notify.enabled) {
    ops->timers_on = true;
    uv_timer_init(loop, &ops->status_timer);
    uv_timer_init(loop, &ops->watchdog_timer);
    ops->status_timer.data = ops->watchdog_timer.data = ops;
    uv_timer_start(&ops->status_timer, on_status_timer, STATUS_PERIOD_MS, STATUS_PERIOD_MS);
    if (ops->notify.watchdog_usec) {
      uint64_t half = ops->notify.watchdog_usec / 2000;
      if (half == 0)
        half = 1;
      uv_timer_start(&ops->watchdog_timer, on_watchdog_timer, half, half);
      SLP_INFO("systemd watchdog: pinging every %" PRIu64 " ms", half);
    }
  }
  return 0;
}

void slp_ops_close(slp_ops_t *ops) {
  if (ops->http_on) {
    ops->http_on = false;
    slp_http_close(&ops->http, NULL);
  }
  if (ops->timers_on) {
    ops->timers_on = false;
    uv_close((uv_handle_t *)&ops->status_timer, NULL);
    uv_close((uv_handle_t *)&ops->watchdog_timer, NULL);
  }
}
