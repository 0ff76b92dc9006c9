/* SPDX-License-Identifier: Apache-2.0 */
/* reload.h -- SIGHUP: load a rules bundle off the loop thread, hand it to the loop.
 *
 * The loop keeps serving with the old bundle while the new one loads (on libuv's thread pool,
 * uv_queue_work: no librdkafka call is involved); a bad bundle is logged line by line
 * (file:line) and the old one stays.
 * Thread: loop thread.
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
  uv_loop_t *loop;
  uv_work_t req;
  bool running, again, closing;
  char *dir;
  slp_rules_t *result;
  slp_rules_errors_t *errs;
  slp_reload_cb cb;
  void *arg;
} slp_reload_t;

/* Returns 0, or UV_ENOMEM. */
int slp_reload_init(slp_reload_t *r, uv_loop_t *loop, const char *dir, slp_reload_cb cb, void *arg);
/* Start a reload; a request while one runs is queued once. */
void slp_reload_request(slp_reload_t *r);
/* No more reloads; a load under way is cancelled or, when already running, finishes on the pool
 * and its result is dropped (the loop runs until then). */
void slp_reload_close(slp_reload_t *r);

/* Load synchronously and log errors (startup). Returns NULL on failure. */
slp_rules_t *slp_reload_load_logged(const char *dir);

#endif /* SLPCODER_IO_RELOAD_H */
