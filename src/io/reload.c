/* SPDX-License-Identifier: Apache-2.0 */
/* reload.c -- rules bundle (re)loading off the loop thread, with file:line errors logged. */
#include "io/reload.h"

#include <stdlib.h>
#include <string.h>

#include "io/log.h"

static void log_errors(const char *dir, const slp_rules_errors_t *errs) {
  for (size_t i = 0; i < errs->n; i++)
    SLP_ERROR("rules %s: %s", dir, errs->lines[i]);
  if (errs->n_total > errs->n)
    SLP_ERROR("rules %s: %zu more errors", dir, errs->n_total - errs->n);
}

slp_rules_t *slp_reload_load_logged(const char *dir) {
  slp_rules_errors_t *errs = calloc(1, sizeof *errs);
  slp_rules_t *rules = NULL;
  if (!errs)
    return NULL;
  if (slp_rules_load(dir, &rules, errs) != 0) {
    log_errors(dir, errs);
    rules = NULL;
  }
  free(errs);
  return rules;
}

static void load_thread(void *arg) {
  slp_reload_t *r = arg;
  r->result = NULL;
  memset(r->errs, 0, sizeof *r->errs);
  if (slp_rules_load(r->dir, &r->result, r->errs) != 0)
    r->result = NULL;
  uv_async_send(&r->async);
}

static void start(slp_reload_t *r) {
  r->running = true;
  if (uv_thread_create(&r->thread, load_thread, r) != 0) {
    r->running = false;
    SLP_ERROR("rules reload: cannot start a thread");
    return;
  }
  r->thread_live = true;
}

static void on_async(uv_async_t *a) {
  slp_reload_t *r = a->data;
  if (!r->running)
    return;
  uv_thread_join(&r->thread);
  r->thread_live = false;
  r->running = false;
  if (r->result) {
    SLP_INFO("rules reloaded from %s version=%s", r->dir, slp_rules_version(r->result));
  } else {
    log_errors(r->dir, r->errs);
    SLP_ERROR("rules reload failed; the previous bundle keeps serving");
  }
  slp_rules_t *res = r->result;
  r->result = NULL;
  r->cb(res, r->arg);
  if (r->again) {
    r->again = false;
    start(r);
  }
}

int slp_reload_init(slp_reload_t *r, uv_loop_t *loop, const char *dir, slp_reload_cb cb,
                    void *arg) {
  memset(r, 0, sizeof *r);
  r->dir = strdup(dir);
  r->errs = calloc(1, sizeof *r->errs);
  r->cb = cb;
  r->arg = arg;
  if (!r->dir || !r->errs)
    return -1;
  int rc = uv_async_init(loop, &r->async, on_async);
  r->async.data = r;
  return rc;
}

void slp_reload_request(slp_reload_t *r) {
  if (r->running) {
    r->again = true;
    return;
  }
  SLP_INFO("rules reload requested dir=%s", r->dir);
  start(r);
}

void slp_reload_close(slp_reload_t *r) {
  if (r->thread_live) {
    uv_thread_join(&r->thread);
    r->thread_live = false;
    if (r->result)
      slp_rules_unref(r->result);
    r->result = NULL;
  }
  r->running = false;
  uv_close((uv_handle_t *)&r->async, NULL);
  free(r->dir);
  free(r->errs);
  r->dir = NULL;
  r->errs = NULL;
}
