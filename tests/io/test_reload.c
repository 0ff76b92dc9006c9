/* SPDX-License-Identifier: Apache-2.0 */
/* test_reload.c -- SIGHUP's rules reload on libuv's thread pool (io/reload.h): a good bundle
 * reaches the callback, a bad one gives NULL (the old bundle stays with the caller), a request
 * while one runs is queued once, and closing with a load under way leaves nothing on the loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "io/log.h"
#include "io/reload.h"

typedef struct seen {
  int calls, good;
} seen_t;

static void on_reloaded(slp_rules_t *rules, void *arg) {
  seen_t *s = arg;
  s->calls++;
  if (rules) {
    s->good++;
    assert_non_null(slp_rules_version(rules));
    slp_rules_unref(rules);
  }
}

static const char *good_dir(void) {
  const char *d = getenv("SLPCODER_RULES"); /* ctest sets it to the build tree's bundle */
  assert_non_null(d);
  return d;
}

/* Run the loop until s->calls reaches n (the load's completion keeps the loop alive). */
static void run_until_calls(uv_loop_t *loop, seen_t *s, int n) {
  while (s->calls < n)
    assert_true(uv_run(loop, UV_RUN_ONCE) != 0 || s->calls >= n);
}

static void test_good_then_bad(void **state) {
  (void)state;
  uv_loop_t loop;
  assert_int_equal(uv_loop_init(&loop), 0);
  seen_t s = {0};
  slp_reload_t r;
  assert_int_equal(slp_reload_init(&r, &loop, good_dir(), on_reloaded, &s), 0);
  slp_reload_request(&r);
  slp_reload_request(&r); /* while the first runs: queued once */
  slp_reload_request(&r);
  run_until_calls(&loop, &s, 2);
  assert_int_equal(s.good, 2);
  slp_reload_close(&r);
  assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
  assert_int_equal(s.calls, 2); /* the third request folded into the second */

  slp_log_threshold = -1; /* the bad bundle's errors are expected */
  s = (seen_t){0};
  assert_int_equal(slp_reload_init(&r, &loop, "/nonexistent/slpcoder-bundle", on_reloaded, &s),
                   0);
  slp_reload_request(&r);
  run_until_calls(&loop, &s, 1);
  assert_int_equal(s.good, 0);
  slp_reload_close(&r);
  assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
  slp_log_threshold = SLP_LOG_WARN;
  assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_close_while_loading(void **state) {
  (void)state;
  uv_loop_t loop;
  assert_int_equal(uv_loop_init(&loop), 0);
  seen_t s = {0};
  slp_reload_t r;
  assert_int_equal(slp_reload_init(&r, &loop, good_dir(), on_reloaded, &s), 0);
  slp_reload_request(&r);
  slp_reload_close(&r); /* cancelled, or finishes on the pool and is dropped */
  slp_reload_request(&r); /* ignored after close */
  assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
  assert_int_equal(s.calls, 0);
  assert_null(r.dir); /* released */
  assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_then_bad),
      cmocka_unit_test(test_close_while_loading),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
