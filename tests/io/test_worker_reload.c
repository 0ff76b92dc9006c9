/* SPDX-License-Identifier: Apache-2.0 */
/* test_worker_reload.c -- a SIGHUP-style rules reload under a running worker (issue 10 §3), in
 * both delivery modes: wired as slpcoderd wires it (io/reload.h loads on libuv's pool, the
 * callback hands the bundle to slp_worker_set_rules and counts the result in slp_ops_t), first
 * with a good bundle of another version, then with a bad one.
 *
 * The inputs after the good reload are coded under the new bundle (the bytes and the
 * slpcoder.rules_version header say so); the bad bundle is counted as a failed reload and the
 * worker keeps coding under the good one. Every input is answered once either way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/log.h"
#include "io/ops.h"
#include "io/reload.h"
#include "io/worker_harness.h"

typedef struct mode {
  const char *name;
  const char *settings[4];
} mode_t_;

static const mode_t_ modes[] = {
    {"at-least-once", {NULL}},
    {"exactly-once", {"delivery=exactly-once", "transactional.id=reload-tx", NULL}},
};

static const char *const *settings(const mode_t_ *m) {
  /* http.listen empty: slp_ops_t without its HTTP server */
  static const char *const more[] = {"embedded.partitions=2", "http.listen=", NULL};
  return wh_settings_join(m->settings, more, NULL);
}

typedef struct app {
  slp_worker_t *worker;
  slp_ops_t ops;
  int calls;
  slp_rules_t *latest; /* the last good bundle (a reference of ours, for the expected outputs) */
} app_t;

/* slpcoderd's on_reloaded (src/daemon/main.c), plus a reference kept for the test. */
static void on_reloaded(slp_rules_t *rules, void *arg) {
  app_t *a = arg;
  a->calls++;
  slp_ops_reloaded(&a->ops, rules != NULL);
  if (!rules)
    return;
  slp_worker_set_rules(a->worker, rules);
  if (a->latest)
    slp_rules_unref(a->latest);
  a->latest = rules; /* the callback's reference, now the test's */
}

typedef struct want {
  app_t *a;
  int calls;
} want_t;

static bool pred_reloaded(wh_t *h, void *arg) {
  const want_t *w = arg;
  return h->worker_closed || w->a->calls >= w->calls;
}

/* A copy of the build tree's bundle in a fresh directory, its manifest's version changed. */
static void make_bundle(char *dir, const char *version) {
  const char *src = getenv("SLPCODER_RULES");
  assert_non_null(src);
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "cp -R '%s/.' '%s/'", src, dir);
  assert_int_equal(system(cmd), 0);
  char path[1200];
  snprintf(path, sizeof path, "%s/manifest.ini", dir);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char *text = calloc(1, 1 << 20);
  assert_non_null(text);
  size_t n = fread(text, 1, (1 << 20) - 1, f);
  fclose(f);
  text[n] = 0;
  char *v = strstr(text, "\nversion = ");
  assert_non_null(v);
  char *eol = strchr(v + 1, '\n');
  assert_non_null(eol);
  f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "%.*s\nversion = %s%s", (int)(v - text), text, version, eol);
  fclose(f);
  free(text);
}

static void reload(const mode_t_ *m) {
  wh_t *h = wh_new(settings(m));
  char err[512];
  wh_inputs_t in = {0};
  wh_outs_t outs;
  wh_outs_init(h, &outs);
  wh_produce_gen(h, &in, 51, 0, 100, NULL);
  wh_worker_start(h);
  app_t a = {.worker = h->worker};
  assert_int_equal(slp_ops_start(&a.ops, &h->loop, &h->cfg, h->worker, "test", err, sizeof err),
                   0);
  wh_run_until_answered(h, &outs, &in, NULL, 60000);

  /* SIGHUP with a good bundle of another version */
  char dir[] = "/tmp/slpcoder-reload-XXXXXX";
  assert_non_null(mkdtemp(dir));
  make_bundle(dir, "2026.12-reloaded");
  slp_reload_t r;
  assert_int_equal(slp_reload_init(&r, &h->loop, dir, on_reloaded, &a), 0);
  slp_ops_reloading(&a.ops);
  slp_reload_request(&r);
  want_t w1 = {&a, 1};
  if (!wh_run_until(h, pred_reloaded, &w1, 60000) || h->worker_closed)
    fail_msg("the good bundle did not load within 60 s");
  assert_int_equal(a.ops.reloads_ok, 1);
  assert_non_null(a.latest);
  /* the manifest's version, then the bundle's content hash */
  assert_int_equal(strncmp(slp_rules_version(a.latest), "2026.12-reloaded+", 17), 0);
  assert_int_not_equal(strncmp(slp_rules_version(h->rules), "2026.12-reloaded+", 17), 0);
  wh_produce_gen(h, &in, 51, 100, 100, a.latest);
  wh_run_until_answered(h, &outs, &in, NULL, 60000);

  /* SIGHUP with a bad bundle: a file the loader needs is gone */
  char path[1200];
  snprintf(path, sizeof path, "%s/codes.tsv", dir);
  assert_int_equal(unlink(path), 0);
  int threshold = slp_log_threshold;
  slp_log_threshold = -1; /* the bundle's errors are expected */
  slp_ops_reloading(&a.ops);
  slp_reload_request(&r);
  want_t w2 = {&a, 2};
  if (!wh_run_until(h, pred_reloaded, &w2, 60000) || h->worker_closed)
    fail_msg("the bad bundle's reload did not finish within 60 s");
  slp_log_threshold = threshold;
  assert_int_equal(a.ops.reloads_ok, 1);
  assert_int_equal(a.ops.reloads_failed, 1);
  assert_int_equal(strncmp(slp_rules_version(a.latest), "2026.12-reloaded+", 17), 0);
  wh_produce_gen(h, &in, 51, 200, 100, a.latest); /* still coded under the good bundle */
  wh_run_until_answered(h, &outs, &in, NULL, 60000);

  slp_reload_close(&r);
  slp_ops_close(&a.ops);
  assert_int_equal(wh_worker_stop(h), 0);
  assert_int_equal(h->last.consumed, in.n);
  assert_int_equal(h->last.txn_aborts, 0);
  wh_outs_poll(&outs, &in);
  assert_int_equal(wh_check_outputs(&in, &outs, false), 0);
  slp_rules_unref(a.latest);
  snprintf(path, sizeof path, "rm -rf '%s'", dir);
  assert_int_equal(system(path), 0);
  wh_outs_free(&outs);
  wh_inputs_free(&in);
  wh_destroy(h);
}

static void reload_alo(void **state) {
  (void)state;
  reload(&modes[0]);
}
static void reload_eos(void **state) {
  (void)state;
  reload(&modes[1]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reload_alo),
      cmocka_unit_test(reload_eos),
  };
  /* ctest runs the two delivery modes as two entries (CMakeLists.txt): *_alo and *_eos. */
  const char *filter = getenv("SLPCODER_TEST_FILTER");
  if (filter && *filter)
    cmocka_set_test_filter(filter);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
