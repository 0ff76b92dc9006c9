/* SPDX-License-Identifier: Apache-2.0 */
/* stats_file.c -- stats.file: the counters, state and exit of slpcoderd as one JSON object,
 * replaced whole (temporary file + rename) so a reader never sees half of one. */
#include "daemon/stats_file.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io/log.h"

static const char *phase_name(slp_worker_phase_t p) {
  switch (p) {
  case SLP_PHASE_STARTING:
    return "starting";
  case SLP_PHASE_RUNNING:
    return "running";
  case SLP_PHASE_DRAINING:
    return "draining";
  case SLP_PHASE_CLOSING:
    return "closing";
  case SLP_PHASE_DONE:
    break;
  }
  return "done";
}

static json_t *u64(uint64_t v) {
  return json_integer((json_int_t)v); /* counters stay far below 2^63 */
}

static json_t *counters_json(const slp_worker_counters_t *n) {
  return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "consumed",
                   u64(n->consumed), "coded", u64(n->coded), "rejected", u64(n->rejected),
                   "dead_lettered", u64(n->dead_lettered), "delivered", u64(n->delivered),
                   "retried", u64(n->retried), "dropped", u64(n->dropped), "pauses",
                   u64(n->pauses), "txn_commits", u64(n->txn_commits), "txn_aborts",
                   u64(n->txn_aborts), "refused", u64(n->refused), "fallback_dlq",
                   u64(n->fallback_dlq), "fallback_rejected", u64(n->fallback_rejected));
}

static json_t *worker_json(slp_worker_t *w) {
  slp_worker_status_t st;
  slp_worker_status(w, &st);
  return json_pack("{s:s,s:b,s:i,s:i,s:I,s:b,s:{s:o,s:o,s:o},s:s?}", "phase",
                   phase_name(st.phase), "has_assignment", st.has_assignment, "assigned",
                   (int)st.assigned, "revoking", (int)st.revoking, "in_flight",
                   (json_int_t)st.in_flight, "fatal", st.fatal, "rebalances", "assign",
                   u64(st.assigns), "revoke", u64(st.revokes), "lost", u64(st.losts),
                   "stop_reason", st.stop_reason);
}

/* final: the exit object and the mock's deletions, which are only known after the loop. */
static json_t *build(const slpd_stats_t *s, bool final, int exit_code, const char *reason,
                     const int64_t *dropped) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  json_t *o = json_pack(
      "{s:s,s:s,s:I,s:b,s:f,s:f,s:{s:s,s:s,s:I,s:I}}", "program", "slpcoderd", "version",
      s->version, "pid", (json_int_t)getpid(), "final", final, "written_at",
      (double)now.tv_sec + (double)now.tv_nsec / 1e9, "uptime_seconds",
      (double)(uv_hrtime() - s->t_start) / 1e9, "rules", "dir", s->cfg->rules_dir, "version",
      s->rules_version, "reloads_ok", (json_int_t)(s->ops ? s->ops->reloads_ok : 0),
      "reloads_failed", (json_int_t)(s->ops ? s->ops->reloads_failed : 0));
  if (!o)
    return NULL;
  const char *why = reason;
  slp_worker_status_t st;
  if (s->worker) {
    json_object_set_new(o, "worker", worker_json(s->worker));
    json_object_set_new(o, "counters", counters_json(slp_worker_counters(s->worker)));
    slp_worker_status(s->worker, &st);
    if (!why)
      why = st.stop_reason;
  } else {
    json_object_set_new(o, "worker", json_null());
    json_object_set_new(o, "counters", json_null());
  }
  json_object_set_new(o, "exit",
                      final ? json_pack("{s:i,s:s}", "code", exit_code, "reason", why ? why : "")
                            : json_null());
  /* http.listen with port 0 binds any free port: this is where a script finds which */
  json_object_set_new(o, "http",
                      s->ops && s->ops->http_on ? json_pack("{s:s}", "listen", s->ops->http.bound)
                                                : json_null());
  if (s->mock) {
    json_t *e = json_pack("{s:I,s:i,s:I,s:I}", "brokers", (json_int_t)s->cfg->embedded_brokers,
                          "partitions", slp_mock_partitions(s->mock), "generated",
                          (json_int_t)s->cfg->embedded_generate, "faults_fired",
                          (json_int_t)(s->faults ? slp_faults_fired(s->faults) : 0));
    /* null until known: asking the mock takes a client of its own, after the loop */
    json_object_set_new(e, "mock_dropped_inputs", dropped ? json_integer(dropped[0]) : json_null());
    json_object_set_new(e, "mock_dropped_outputs",
                        dropped ? json_integer(dropped[1] + dropped[2] + dropped[3])
                                : json_null());
    json_object_set_new(o, "embedded", e);
  } else {
    json_object_set_new(o, "embedded", json_null());
  }
  return o;
}

/* Write o to PATH.tmp.PID and rename it over PATH. Small and local: fine on the loop thread. */
static int write_atomic(const char *path, json_t *o, char *err, size_t errlen) {
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
    return snprintf(err, errlen, "stats.file: path too long"), -1;
  FILE *f = fopen(tmp, "w");
  if (!f)
    return snprintf(err, errlen, "stats.file: cannot write %s: %s", tmp, strerror(errno)), -1;
  size_t flags = JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(12);
  int rc = json_dumpf(o, f, flags) == 0 && fputc('\n', f) != EOF ? 0 : -1;
  int e = errno;
  if (fclose(f) != 0 && rc == 0) {
    rc = -1;
    e = errno;
  }
  if (rc == 0 && rename(tmp, path) != 0) {
    rc = -1;
    e = errno;
  }
  if (rc != 0) {
    unlink(tmp);
    snprintf(err, errlen, "stats.file: cannot write %s: %s", path, strerror(e));
  }
  return rc;
}

static int write_now(slpd_stats_t *s, bool final, int exit_code, const char *reason,
                     const int64_t *dropped, char *err, size_t errlen) {
  json_t *o = build(s, final, exit_code, reason, dropped);
  if (!o)
    return snprintf(err, errlen, "stats.file: out of memory"), -1;
  int rc = write_atomic(s->cfg->stats_file, o, err, errlen);
  json_decref(o);
  return rc;
}

static void on_timer(uv_timer_t *t) {
  slpd_stats_t *s = t->data;
  char err[600];
  if (write_now(s, false, 0, NULL, NULL, err, sizeof err) == 0) {
    s->warned = false;
    return;
  }
  if (!s->warned) /* once a failing run: a full disk would fill the log next */
    SLP_WARN("%s", err);
  s->warned = true;
}

int slpd_stats_start(slpd_stats_t *s, uv_loop_t *loop, const slp_config_t *cfg,
                     const char *version, slp_worker_t *w, slp_mock_t *mock,
                     const slp_faults_t *faults, const slp_ops_t *ops, const slp_rules_t *rules, char *err, size_t errlen) {
  memset(s, 0, sizeof *s);
  s->cfg = cfg;
  if (!cfg->stats_file || !cfg->stats_file[0])
    return 0;
  s->on = true;
  s->version = version;
  s->worker = w;
  s->mock = mock;
  s->faults = faults;
  s->ops = ops;
  s->t_start = uv_hrtime();
  slpd_stats_rules(s, rules);
  if (write_now(s, false, 0, NULL, NULL, err, errlen) != 0)
    return -1;
  if (cfg->stats_interval_ms > 0) {
    int urc = uv_timer_init(loop, &s->timer);
    if (urc == 0) {
      s->timer.data = s;
      s->timer_on = true;
      urc = uv_timer_start(&s->timer, on_timer, (uint64_t)cfg->stats_interval_ms,
                           (uint64_t)cfg->stats_interval_ms);
    }
    if (urc != 0)
      return snprintf(err, errlen, "stats.file: timer: %s", uv_strerror(urc)), -1;
  }
  return 0;
}

void slpd_stats_rules(slpd_stats_t *s, const slp_rules_t *rules) {
  if (s->on && rules)
    snprintf(s->rules_version, sizeof s->rules_version, "%s", slp_rules_version(rules));
}

void slpd_stats_close(slpd_stats_t *s) {
  if (s->timer_on && !uv_is_closing((uv_handle_t *)&s->timer))
    uv_close((uv_handle_t *)&s->timer, NULL);
}

void slpd_stats_final(slpd_stats_t *s, int exit_code, const char *reason,
                      const int64_t *dropped) {
  char err[600];
  if (s->on && write_now(s, true, exit_code, reason, dropped, err, sizeof err) != 0)
    SLP_WARN("%s", err);
}
