/* SPDX-License-Identifier: Apache-2.0 */
/* reload.h -- SIGHUP: load a rules bundle on a thread of its own, hand it to the loop.
 *
 * The loop keeps serving with the old bundle while the new one loads; a bad
 * bundle is logged line by line (file:line) and the old one stays.
 * Thread: loop thread (the load itself runs on a short-lived thread).
 */
#ifndef SLPCODER_IO_RELOAD_H
#define SLPCODER_IO_RELOAD_H

#include <stdbool.h>
#include <uv.h>

#include "slpcoder/rules.h"

/* Called on the loop thread with a new bundle (one reference, now the
 * callee's), or NULL when loading failed (errors already logged). */
typedef void (*slp_reload_cb)(slp_rules_t *rules, void *arg);

typedef struct slp_reload {
  uv_async_t async;
  uv_thread_t thread;
  bool running, again, thread_live;
  char *dir;
  slp_rules_t *result;
  slp_rules_errors_t *errs;
  slp_reload_cb cb;
  void *arg;
} slp_reload_t;

int slp_reload_init(slp_reload_t *r, uv_loop_t *loop, const char *dir, slp_reload_cb cb, void *arg);
/* Start a reload; a request while one runs is queued once. */
void slp_reload_request(slp_reload_t *r);
/* Join a running load and close the async handle. */
void slp_reload_close(slp_reload_t *r);

/* Load synchronously and log errors (startup). Returns NULL on failure. */
slp_rules_t *slp_reload_load_logged(const char *dir);

#endif /* SLPCODER_IO_RELOAD_H */
