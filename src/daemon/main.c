/* SPDX-License-Identifier: Apache-2.0 */
/* main.c -- slpcoderd: wires config, rules, the embedded cluster and the worker into one libuv
 * loop. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <uv.h>

#include <librdkafka/rdkafka.h>

#include "daemon/help.h"
#include "daemon/report.h"
#include "cli/gen_kafka.h"
#include "daemon/stats_file.h"
#include "harness/faults.h"
#include "harness/feed.h"
#include "harness/mock.h"
#include "io/config.h"
#include "io/http.h"
#include "io/jobs.h"
#include "io/log.h"
#include "io/ops.h"
#include "io/probe.h"
#include "io/reload.h"
#include "io/worker.h"
#include "rules/open.h"

#ifndef SLPCODER_VERSION
#define SLPCODER_VERSION "0.1.0" /* TODO: from CMake project(VERSION) */
#endif

extern char **environ;

typedef struct app {
  uv_loop_t loop;
  slp_config_t cfg;
  slp_jobs_t jobs;
  slp_mock_t *mock;      /* --embedded-kafka: the demo and test harness (src/harness) */
  slp_fault_plan_t plan; /* embedded.faults, checked before anything starts */
  slp_faults_t *faults;  /* the plan, armed on the mock */
  slp_feed_t feed;       /* embedded.generate */
  slp_worker_t *worker;
  slp_reload_t reload;
  slp_ops_t ops; /* /metrics /healthz /readyz, sd_notify */
  slpd_stats_t stats; /* stats.file */
  slpd_claims_t claims; /* print.claims */
  int64_t dropped[4]; /* what the embedded mock deleted (report_mock_drops) */
  bool dropped_known;
  uv_signal_t sigterm, sigint, sighup;
  uv_timer_t hard;
  int exit_rc;
  const char *stop_signal; /* "SIGTERM" or "SIGINT" once one came: the stats file's reason */
  uint64_t t_start;
} app_t;

static void usage_options(FILE *out) {
  fprintf(out,
          "usage: slpcoderd [-c FILE] [-X key=value ...] [--embedded-kafka] [--demo]\n"
          "                 [--check-config [--connect[=MS]]] [--help] [--version]\n"
          "       slpcoderd gen ...   (the synthetic session generator, see slpcoderd gen --help)\n"
          "\n"
          "Consumes SessionEvents, codes them, produces CodedClaims / Rejections / DLQ records.\n"
          "  -c, --config FILE   key = value file ([section] prefixes keys; [kafka] = kafka.*)\n"
          "  -X key=value        set a key (beats the environment, which beats the file)\n"
          "  --check-config      validate everything (including librdkafka's view), print the\n"
          "                      effective settings and exit 0, or exit 78\n"
          "  --connect[=MS]      with --check-config: also ask the brokers for metadata (within\n"
          "                      MS ms, default 10000) and check the four topics exist; exit 69\n"
          "                      when no broker answers or a topic is missing\n"
          "  --help-config=FMT   the settings as text, man (slpcoderd.8) or markdown\n"
          "                      (docs/CONFIGURATION.md)\n"
          "Signals: SIGTERM/SIGINT drain and exit 0; SIGHUP reloads the rules bundle.\n"
          "Exit 69 (EX_UNAVAILABLE): a fatal Kafka client error, or no output can be written.\n"
          "\n"
          "For demos and tests (librdkafka's experimental mock cluster; not durable, not for\n"
          "production):\n"
          "  --embedded-kafka    host librdkafka's mock cluster in-process, create the topics and\n"
          "                      print bootstrap.servers=<list> on stdout once ready\n"
          "  --embedded-kafka-only  host the mock cluster only (for other workers, kcat ...)\n"
          "  --demo              embedded cluster, 10000 generated sessions, code them, print a\n"
          "                      summary and 3 claims as JSON, exit when idle\n");
}

static void usage(FILE *out) {
  usage_options(out);
  fputc('\n', out);
  slp_config_usage(out);
}

#ifndef SLPCODER_DATADIR
#define SLPCODER_DATADIR "/usr/local/share/slpcoder" /* CMake passes the install's */
#endif

/* ---- loop callbacks ---------------------------------------------------------------- */

static void on_worker_closed(slp_worker_t *w, int rc, void *arg);

static void on_hard_deadline(uv_timer_t *t) {
  (void)t;
  SLP_ERROR("shutdown hard deadline passed (a Kafka call ignored its timeout); exiting");
  _exit(EX_SOFTWARE);
}

static void on_signal(uv_signal_t *s, int signum) {
  app_t *app = s->data;
  if (signum == SIGHUP) {
    slp_ops_reloading(&app->ops);
    slp_reload_request(&app->reload);
    return;
  }
  app->stop_signal = signum == SIGTERM ? "SIGTERM" : "SIGINT";
  SLP_INFO("signal %s: graceful stop", app->stop_signal);
  slp_ops_stopping(&app->ops);
  if (!app->worker) { /* hosting the cluster only */
    if (!uv_is_closing((uv_handle_t *)&app->sigterm))
      on_worker_closed(NULL, 0, app);
    return;
  }
  if (!uv_is_active((uv_handle_t *)&app->hard))
    uv_timer_start(&app->hard, on_hard_deadline, (uint64_t)app->cfg.shutdown_deadline_ms + 60000,
                   0);
  slp_worker_stop(app->worker, app->stop_signal);
}

static void on_reloaded(slp_rules_t *rules, void *arg) {
  app_t *app = arg;
  slp_ops_reloaded(&app->ops, rules != NULL);
  if (!rules)
    return;
  if (app->worker)
    slp_worker_set_rules(app->worker, rules);
  slpd_stats_rules(&app->stats, rules);
  slp_rules_unref(rules); /* the worker holds its own reference */
}

static void on_worker_closed(slp_worker_t *w, int rc, void *arg) {
  app_t *app = arg;
  (void)w;
  /* The worker's status is already a <sysexits.h> one (EX_UNAVAILABLE after a fatal client
   * error); anything else non-zero is ours. Non-zero so that a supervisor restarts us. */
  app->exit_rc = rc == 0 ? 0 : rc >= EX__BASE && rc <= EX__MAX ? rc : EX_SOFTWARE;
  uv_close((uv_handle_t *)&app->sigterm, NULL);
  uv_close((uv_handle_t *)&app->sigint, NULL);
  uv_close((uv_handle_t *)&app->sighup, NULL);
  uv_close((uv_handle_t *)&app->hard, NULL);
  slp_ops_close(&app->ops);
  slpd_stats_close(&app->stats);
  slp_reload_close(&app->reload);
  if (app->faults)
    slp_faults_close(app->faults);
  slp_jobs_close(&app->jobs);
}

/* ---- main ------------------------------------------------------------------------------- */

static int set_or_die(slp_config_t *cfg, const char *kv, const char *source) {
  char err[600];
  const char *eq = strchr(kv, '=');
  if (!eq) {
    fprintf(stderr, "slpcoderd: %s %s: expected key=value\n", source, kv);
    return -1;
  }
  char key[256];
  snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
  if (slp_config_set(cfg, key, eq + 1, source, err, sizeof err) != 0) {
    fprintf(stderr, "slpcoderd: %s\n", err);
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "gen") == 0)
    return slp_gen_cli_main(argc - 1, argv + 1, &cli_gen_kafka_sink);

  static app_t app;
  const char *file = NULL;
  /* Every -X in order; there are at most argc of them, so no limit to enforce (static: still
   * reachable, not a leak, on the early returns below). */
  static const char **xs;
  xs = calloc((size_t)argc, sizeof *xs);
  int n_x = 0;
  if (!xs) {
    fprintf(stderr, "slpcoderd: out of memory\n");
    return EX_OSERR;
  }
  bool check = false, embedded = false, demo = false, xs_only = false;
  int connect_ms = 0; /* --connect: > 0 */
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return 0;
    }
    if (!strncmp(a, "--help-config=", 14))
      return slpd_help_config(stdout, a + 14, usage_options);
    if (!strcmp(a, "--version")) {
      printf("slpcoderd %s (librdkafka %s, libuv %s)\n", SLPCODER_VERSION, rd_kafka_version_str(),
             uv_version_string());
      return 0;
    }
    if (!strcmp(a, "--check-config")) {
      check = true;
      continue;
    }
    if (!strcmp(a, "--connect") || !strncmp(a, "--connect=", 10)) {
      char *end = NULL;
      long ms = a[9] ? strtol(a + 10, &end, 10) : 10000;
      if ((end && (*end || end == a + 10)) || ms < 1 || ms > 600000) {
        fprintf(stderr, "slpcoderd: %s: expected --connect=MS with MS from 1 to 600000\n", a);
        return EX_USAGE;
      }
      connect_ms = (int)ms;
      continue;
    }
    if (!strcmp(a, "--embedded-kafka")) {
      embedded = true;
      continue;
    }
    if (!strcmp(a, "--demo")) {
      demo = embedded = true;
      continue;
    }
    if (!strcmp(a, "--embedded-kafka-only")) {
      embedded = true;
      xs_only = true;
      continue;
    }
    if ((!strcmp(a, "-c") || !strcmp(a, "--config")) && i + 1 < argc) {
      file = argv[++i];
      continue;
    }
    if (!strncmp(a, "--config=", 9)) {
      file = a + 9;
      continue;
    }
    if (!strcmp(a, "-X") && i + 1 < argc) {
      xs[n_x++] = argv[++i];
      continue;
    }
    if (!strncmp(a, "-X", 2) && a[2]) {
      xs[n_x++] = a + 2;
      continue;
    }
    fprintf(stderr, "slpcoderd: unknown argument \"%s\" (see --help)\n", a);
    return EX_USAGE;
  }

  char err[700];
  slp_config_t *cfg = &app.cfg;
  slp_config_init(cfg);
  if (embedded &&
      slp_config_set(cfg, "embedded.kafka", "true", "--embedded-kafka", err, sizeof err))
    return EX_CONFIG;
  if (xs_only &&
      slp_config_set(cfg, "embedded.worker", "false", "--embedded-kafka-only", err, sizeof err))
    return EX_CONFIG;
  if (demo) {
    const char *d[] = {"embedded.generate=10000",
                       "exit.when.idle.ms=1500",
                       "print.claims=3",
                       "summary=true",
                       "kafka.session.timeout.ms=6000",
                       "kafka.heartbeat.interval.ms=500",
                       "kafka.fetch.wait.max.ms=10"};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
      if (set_or_die(cfg, d[i], "--demo"))
        return EX_CONFIG;
  }
  if (file && slp_config_load_file(cfg, file, err, sizeof err) != 0) {
    fprintf(stderr, "slpcoderd: %s\n", err);
    return EX_CONFIG;
  }
  if (slp_config_load_env(cfg, environ, err, sizeof err) != 0) {
    fprintf(stderr, "slpcoderd: %s\n", err);
    return EX_CONFIG;
  }
  for (int i = 0; i < n_x; i++)
    if (set_or_die(cfg, xs[i], "-X"))
      return EX_CONFIG;
  free(xs);
  xs = NULL;
  if (connect_ms > 0 && !check) {
    fprintf(stderr, "slpcoderd: --connect: only with --check-config\n");
    return EX_USAGE;
  }
  if (slp_config_validate(cfg, err, sizeof err) != 0) {
    fprintf(stderr, "slpcoderd: %s\n", err);
    return EX_CONFIG;
  }
  if (cfg->http_listen[0] && slp_http_check_listen(cfg->http_listen, err, sizeof err) != 0) {
    fprintf(stderr, "slpcoderd: %s\n", err);
    return EX_CONFIG;
  }
  rd_kafka_conf_t *probe = rd_kafka_conf_new();
  int prc = slp_config_apply_kafka(cfg, probe, err, sizeof err);
  rd_kafka_conf_destroy(probe);
  if (prc != 0) {
    fprintf(stderr, "slpcoderd: %s\n", err);
    return EX_CONFIG;
  }
  if (cfg->embedded_faults[0] && !cfg->embedded_kafka) {
    fprintf(stderr, "slpcoderd: embedded.faults: needs embedded.kafka\n");
    return EX_CONFIG;
  }
  if (cfg->embedded_faults[0]) { /* checked now, so --check-config and a typo fail at once */
    slp_fault_limits_t lim = {.brokers = (int)cfg->embedded_brokers,
                              .partitions = slp_mock_sized_partitions(cfg, NULL)};
    if (slp_fault_plan_parse(cfg->embedded_faults, &lim, &app.plan, err, sizeof err) != 0) {
      fprintf(stderr, "slpcoderd: %s\n", err);
      return EX_CONFIG;
    }
    if (!cfg->embedded_worker && slp_fault_plan_from_assign(&app.plan) > 0) {
      fprintf(stderr, "slpcoderd: embedded.faults: +AT_MS counts from the first assignment of "
                      "the worker in this process, and embedded.worker=false runs none\n");
      return EX_CONFIG;
    }
  }
  slp_log_threshold = cfg->log_level;
  if (!cfg->rules_dir[0]) {
    char d[PATH_MAX];
    if (!slp_rules_default_dir(SLPCODER_DATADIR, d, sizeof d) ||
        slp_config_set(cfg, "rules.dir", d, "default", err, sizeof err)) {
      fprintf(stderr, "slpcoderd: rules.dir: cannot name the default bundle\n");
      return EX_CONFIG;
    }
  }
  slp_rules_t *rules = slp_reload_load_logged(cfg->rules_dir);
  if (!rules) {
    fprintf(stderr, "slpcoderd: rules.dir: cannot load the bundle in %s (errors above)\n",
            cfg->rules_dir);
    return EX_CONFIG;
  }

  signal(SIGPIPE, SIG_IGN);
  int urc = uv_loop_init(&app.loop);
  if (urc != 0) {
    fprintf(stderr, "slpcoderd: event loop: %s\n", uv_strerror(urc));
    return EX_OSERR;
  }
  if (check) {
    /* First, before the worker's clients exist: their topic handles would ask for the four
     * topics by name, and a broker that auto-creates topics would then make the check pass. */
    int crc = 0;
    if (connect_ms > 0 && cfg->embedded_kafka) {
      fprintf(stderr, "slpcoderd: --connect: nothing to connect to with embedded.kafka\n");
      crc = EX_USAGE;
    } else if (connect_ms > 0 && slp_probe_cluster(cfg, NULL, connect_ms, err, sizeof err) != 0) {
      fprintf(stderr, "slpcoderd: --connect: %s\n", err);
      crc = EX_UNAVAILABLE;
    }
    if (crc != 0) {
      slp_rules_unref(rules);
      uv_loop_close(&app.loop);
      slp_config_free(cfg);
      return crc;
    }
    /* librdkafka's own view: build both clients' configurations for real. */
    slp_jobs_t jobs;
    slp_worker_t *w = NULL;
    if ((urc = slp_jobs_init(&jobs, &app.loop)) != 0) {
      fprintf(stderr, "slpcoderd: jobs thread: %s\n", uv_strerror(urc));
      return EX_OSERR;
    }
    int rc = slp_worker_new(&app.loop, &jobs, cfg, cfg->embedded_kafka ? "127.0.0.1:9" : NULL,
                            rules, &w, err, sizeof err);
    if (rc != 0) {
      fprintf(stderr, "slpcoderd: %s\n", err);
      return EX_CONFIG;
    }
    printf("configuration ok; rules %s version=%s\n", cfg->rules_dir, slp_rules_version(rules));
    slp_config_dump(cfg, stdout);
    fflush(stdout);
    _exit(0); /* the clients never connected; skip their teardown */
  }

  app.t_start = uv_hrtime();
  if ((urc = slp_jobs_init(&app.jobs, &app.loop)) != 0) {
    fprintf(stderr, "slpcoderd: jobs thread: %s\n", uv_strerror(urc));
    return EX_OSERR;
  }
  const char *bootstrap = NULL;
  if (cfg->embedded_kafka) {
    app.mock = slp_mock_start(cfg, err, sizeof err);
    if (!app.mock) {
      fprintf(stderr, "slpcoderd: embedded kafka: %s\n", err);
      return EX_SOFTWARE;
    }
    bootstrap = slp_mock_bootstraps(app.mock);
    if (app.plan.n > 0 && !(app.faults = slp_faults_arm(&app.loop, app.mock, cfg, &app.plan))) {
      fprintf(stderr, "slpcoderd: embedded.faults: out of memory\n");
      return EX_OSERR;
    }
  }
  if (cfg->embedded_worker && slp_worker_new(&app.loop, &app.jobs, cfg, bootstrap, rules,
                                             &app.worker, err, sizeof err) != 0) {
    fprintf(stderr, "slpcoderd: %s\n", err);
    return EX_CONFIG;
  }
  if (app.faults && app.worker)
    slp_faults_watch(app.faults, app.worker);
  if (app.worker && cfg->mode == SLP_MODE_CODE)
    slpd_claims_watch(&app.claims, app.worker, cfg->print_claims, stdout);
  if (app.worker &&
      slp_ops_start(&app.ops, &app.loop, cfg, app.worker, SLPCODER_VERSION, err, sizeof err)) {
    fprintf(stderr, "slpcoderd: %s\n", err); /* e.g. http.listen taken */
    slp_worker_discard(app.worker); /* the clients' threads are stopped before the exit */
    if (!app.faults)
      slp_mock_destroy(app.mock);
    slp_rules_unref(rules);
    return EX_CONFIG;
  }
  if ((urc = slp_reload_init(&app.reload, &app.loop, cfg->rules_dir, on_reloaded, &app)) != 0) {
    fprintf(stderr, "slpcoderd: rules reload: %s\n", uv_strerror(urc));
    return EX_OSERR;
  }
  if (slpd_stats_start(&app.stats, &app.loop, cfg, SLPCODER_VERSION, app.worker, app.mock,
                       app.faults, &app.ops, rules, err, sizeof err) != 0) {
    fprintf(stderr, "slpcoderd: %s\n", err);
    return EX_CONFIG;
  }
  SLP_INFO("rules %s version=%s", cfg->rules_dir, slp_rules_version(rules));
  slp_rules_unref(rules); /* the worker holds its reference */

  urc = uv_signal_init(&app.loop, &app.sigterm);
  urc = urc ? urc : uv_signal_init(&app.loop, &app.sigint);
  urc = urc ? urc : uv_signal_init(&app.loop, &app.sighup);
  urc = urc ? urc : uv_timer_init(&app.loop, &app.hard);
  app.sigterm.data = app.sigint.data = app.sighup.data = &app;
  urc = urc ? urc : uv_signal_start(&app.sigterm, on_signal, SIGTERM);
  urc = urc ? urc : uv_signal_start(&app.sigint, on_signal, SIGINT);
  urc = urc ? urc : uv_signal_start(&app.sighup, on_signal, SIGHUP);
  if (urc != 0) {
    fprintf(stderr, "slpcoderd: signal handlers: %s\n", uv_strerror(urc));
    return EX_OSERR;
  }

  if (app.mock) {
    printf("bootstrap.servers=%s\n", bootstrap);
    fflush(stdout);
    if (cfg->embedded_generate > 0)
      slp_feed_start(&app.feed, &app.jobs, app.mock, cfg);
  }
  if (app.worker && slp_worker_start(app.worker, on_worker_closed, &app) != 0) {
    SLP_ERROR("cannot start the worker: %s", strerror(errno));
    return EX_SOFTWARE;
  }
  uv_run(&app.loop, UV_RUN_DEFAULT);

  double seconds = (double)(uv_hrtime() - app.t_start) / 1e9;
  if (!app.worker) {
    if (uv_loop_close(&app.loop) != 0)
      SLP_WARN("loop closed with handles open");
    if (app.faults && cfg->summary)
      slp_faults_print_summary(app.faults, stdout);
    int drc = app.mock ? slp_mock_report_drops(app.mock, NULL, app.dropped) : 0;
    app.dropped_known = app.mock && app.dropped[0] >= 0;
    slpd_stats_final(&app.stats, drc, app.stop_signal, app.dropped_known ? app.dropped : NULL);
    slp_faults_free(app.faults);
    slp_mock_destroy(app.mock);
    slp_config_free(cfg);
    return drc;
  }
  const slp_worker_counters_t *n = slp_worker_counters(app.worker);
  SLP_INFO("stopped consumed=%llu coded=%llu rejected=%llu dlq=%llu delivered=%llu retried=%llu "
           "dropped=%llu "
           "txn_commits=%llu txn_aborts=%llu refused=%llu fallback_dlq=%llu "
           "fallback_rejected=%llu",
           (unsigned long long)n->consumed, (unsigned long long)n->coded,
           (unsigned long long)n->rejected, (unsigned long long)n->dead_lettered,
           (unsigned long long)n->delivered, (unsigned long long)n->retried,
           (unsigned long long)n->dropped, (unsigned long long)n->txn_commits,
           (unsigned long long)n->txn_aborts, (unsigned long long)n->refused,
           (unsigned long long)n->fallback_dlq, (unsigned long long)n->fallback_rejected);
  if (cfg->summary)
    slpd_print_summary(app.worker, stdout, seconds);
  if (app.faults && cfg->summary)
    slp_faults_print_summary(app.faults, stdout);
  if (app.mock) {
    int drc = slp_mock_report_drops(app.mock, n, app.dropped);
    app.dropped_known = app.dropped[0] >= 0;
    if (drc != 0 && app.exit_rc == 0)
      app.exit_rc = drc;
  }
  slpd_stats_final(&app.stats, app.exit_rc, NULL, app.dropped_known ? app.dropped : NULL);
  slp_worker_free(app.worker);
  if (uv_loop_close(&app.loop) != 0)
    SLP_WARN("loop closed with handles open");
  slp_faults_free(app.faults);
  slp_mock_destroy(app.mock); /* the loop has ended: blocking is fine here */
  slp_config_free(cfg);
  return app.exit_rc;
}
