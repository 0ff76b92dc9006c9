/* SPDX-License-Identifier: Apache-2.0 */
/* reload.c -- rules bundle (re)loading off the loop thread, with file:line errors logged. */
#include "io/reload.h"

#include <stdlib.h>
#include <string.h>

#include "io/log.h"
#include "rules/open.h"

static void log_error(void *arg, const char *dir, const char *line) {
  (void)arg;
  SLP_ERROR("rules %s: %s", dir, line);
}

slp_rules_t *slp_reload_load_logged(const char *dir) {
  return slp_rules_open(dir, log_error, NULL);
}

/* The load runs on libuv's thread pool (uv_queue_work): it is file I/O and parsing, no
 * librdkafka call (those stay on the worker's own jobs thread, never in the shared pool). */
static void load_work(uv_work_t *req) {
  slp_reload_t *r = req->data;
  r->result = NULL;
  memset(r->errs, 0, sizeof *r->errs);
  if (slp_rules_load(r->dir, &r->result, r->errs) != 0)
    r->result = NULL;
}

static void release(slp_reload_t *r) {
  free(r->dir);
  free(r->errs);
  r->dir = NULL;
  r->errs = NULL;
}

static void start(slp_reload_t *r);

static void load_done(uv_work_t *req, int status) {
  slp_reload_t *r = req->data;
  r->running = false;
  slp_rules_t *res = r->result;
  r->result = NULL;
  if (r->closing) { /* closed while loading (or cancelled before it began) */
    if (res)
      slp_rules_unref(res);
    release(r);
    return;
  }
  if (status != 0) {
    SLP_ERROR("rules reload: %s", uv_strerror(status));
  } else if (res) {
    SLP_INFO("rules reloaded from %s version=%s", r->dir, slp_rules_version(res));
  } else {
    slp_rules_report_errors(r->dir, r->errs, log_error, NULL);
    SLP_ERROR("rules reload failed; the previous bundle keeps serving");
  }
  r->cb(status == 0 ? res : NULL, r->arg);
  if (r->again) {
    r->again = false;
    start(r);
  }
}

static void start(slp_reload_t *r) {
  r->running = true;
  r->req.data = r;
  int rc = uv_queue_work(r->loop, &r->req, load_work, load_done);
  if (rc != 0) {
    r->running = false;
    SLP_ERROR("rules reload: cannot queue the load: %s", uv_strerror(rc));
  }
}

int slp_reload_init(slp_reload_t *r, uv_loop_t *loop, const char *dir, slp_reload_cb cb,
                    void *arg) {
  memset(r, 0, sizeof *r);
  r->loop = loop;
  r->dir = strdup(dir);
  r->errs = calloc(1, sizeof *r->errs);
  r->cb = cb;
  r->arg = arg;
  if (!r->dir || !r->errs) {
    release(r);
    return UV_ENOMEM;
  }
  return 0;
}

void slp_reload_request(slp_reload_t *r) {
  if (r->closing)
    return;
  if (r->running) {
    r->again = true;
    return;
  }
  SLP_INFO("rules reload requested dir=%s", r->dir);
  start(r);
}

void slp_reload_close(slp_reload_t *r) {
  if (r->closing)
    return;
  r->closing = true;
  r->again = false;
  if (r->running)
    uv_cancel((uv_req_t *)&r->req); /* load_done runs either way and releases */
  else
    release(r);
}
