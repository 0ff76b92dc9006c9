/* SPDX-License-Identifier: Apache-2.0 */
/* http.h -- a small HTTP/1.1 server on the daemon's libuv loop, for /metrics and the probes.
 *
 * Requests are parsed by Debian's libhttp-parser (2.9), not by hand. The server
 * never blocks the loop and bounds what a client can hold: the request head
 * (SLP_HTTP_MAX_HEAD bytes, else 431), the connections open at once
 * (SLP_HTTP_MAX_CONNS; a new one closes the longest-idle one), and the time a
 * connection may sit without finishing a request or reading its answer
 * (SLP_HTTP_IDLE_MS). Garbage gets 400, a method other than GET or HEAD 405,
 * and the handler decides 200/404/503.
 *
 * Ownership: the caller owns slp_http_t; it may be freed only after the
 * closed callback of slp_http_close.
 *
 * Thread: the loop thread.
 */
#ifndef SLPCODER_IO_HTTP_H
#define SLPCODER_IO_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "io/expo.h"

#define SLP_HTTP_MAX_HEAD 8192
#define SLP_HTTP_MAX_CONNS 64
#define SLP_HTTP_IDLE_MS 5000

/* Answer one GET: write the body into body, set *ctype (a static string), return the
 * status (200, 404, 503 ...). path has no query string. */
typedef int (*slp_http_handler_cb)(void *arg, const char *path, slp_expo_t *body,
                                   const char **ctype);

typedef struct slp__http_conn slp__http_conn_t;

typedef struct slp_http {
  uv_loop_t *loop;
  uv_tcp_t server;
  slp_http_handler_cb handler;
  void *arg;
  slp__http_conn_t *head, *tail; /* open connections, least recently active first */
  int n_conns;
  int open; /* handles not yet closed: the server plus each connection */
  void (*closed_cb)(struct slp_http *);
  char bound[80]; /* the address actually bound, e.g. 127.0.0.1:9464 */
  uint64_t requests, rejected; /* answered; refused (4xx for bad requests, evictions) */
} slp_http_t;

/* Parse "host:port" / "[v6]:port" and listen. Returns 0, or -1 with err naming the
 * address and the reason. */
int slp_http_start(slp_http_t *h, uv_loop_t *loop, const char *listen, slp_http_handler_cb cb,
                   void *arg, char *err, size_t errlen);

/* The same parse without listening (--check-config, startup). */
int slp_http_check_listen(const char *listen, char *err, size_t errlen);

/* Close the listener and every connection; closed_cb (may be NULL) once all are closed. */
void slp_http_close(slp_http_t *h, void (*closed_cb)(slp_http_t *));

#endif /* SLPCODER_IO_HTTP_H */
