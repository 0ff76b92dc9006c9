/* SPDX-License-Identifier: Apache-2.0 */
/* http.c -- HTTP/1.1 on the loop: accept, parse with http-parser, answer, bound everything. */
#include "io/http.h"

#include <http_parser.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/log.h"

struct slp__http_conn {
  slp__http_conn_t *prev, *next; /* in the server's activity list */
  slp_http_t *h;
  uv_tcp_t tcp;
  uv_timer_t idle;
  uv_write_t wr;
  uv_shutdown_t shut;
  http_parser parser;
  size_t head_bytes; /* the current request's target and header bytes so far */
  bool too_large;    /* head_bytes passed SLP_HTTP_MAX_HEAD */
  bool headers_done, complete, writing, closing, keep_alive;
  bool discarding; /* answered and shut down for writing: reading to EOF (lingering close) */
  int handles;      /* 2 until both tcp and idle are closed */
  char url[512];
  size_t url_len;
  bool url_too_long;
  char *out; /* the response being written */
};

static const char *reason(int status) {
  switch (status) {
  case 200:
    return "OK";
  case 400:
    return "Bad Request";
  case 404:
    return "Not Found";
  case 405:
    return "Method Not Allowed";
  case 408:
    return "Request Timeout";
  case 414:
    return "URI Too Long";
  case 431:
    return "Request Header Fields Too Large";
  case 500:
    return "Internal Server Error";
  case 503:
    return "Service Unavailable";
  default:
    return "Unknown";
  }
}

/* ---- the activity list ----------------------------------------------------------- */

static void list_remove(slp_http_t *h, slp__http_conn_t *c) {
  if (c->prev)
    c->prev->next = c->next;
  else if (h->head == c)
    h->head = c->next;
  if (c->next)
    c->next->prev = c->prev;
  else if (h->tail == c)
    h->tail = c->prev;
  c->prev = c->next = NULL;
}

static void list_append(slp_http_t *h, slp__http_conn_t *c) {
  c->prev = h->tail;
  c->next = NULL;
  if (h->tail)
    h->tail->next = c;
  else
    h->head = c;
  h->tail = c;
}

static void touch(slp__http_conn_t *c) {
  list_remove(c->h, c);
  list_append(c->h, c);
  uv_timer_again(&c->idle);
}

/* ---- closing ------------------------------------------------------------------------- */

static void server_handle_gone(slp_http_t *h) {
  if (--h->open == 0 && h->closed_cb)
    h->closed_cb(h);
}

static void on_conn_handle_closed(uv_handle_t *hd) {
  slp__http_conn_t *c = hd->data;
  if (--c->handles > 0)
    return;
  slp_http_t *h = c->h;
  free(c->out);
  free(c);
  server_handle_gone(h);
}

static void conn_close(slp__http_conn_t *c) {
  if (c->closing)
    return;
  c->closing = true;
  list_remove(c->h, c);
  c->h->n_conns--;
  uv_close((uv_handle_t *)&c->tcp, on_conn_handle_closed);
  uv_close((uv_handle_t *)&c->idle, on_conn_handle_closed);
}

/* ---- answering --------------------------------------------------------------------- */

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
static void on_alloc(uv_handle_t *hd, size_t suggested, uv_buf_t *buf);

static void reset_request(slp__http_conn_t *c) {
  http_parser_init(&c->parser, HTTP_REQUEST);
  c->parser.data = c;
  c->head_bytes = 0;
  c->too_large = false;
  c->headers_done = c->complete = false;
  c->url_len = 0;
  c->url_too_long = false;
  c->url[0] = 0;
}

static void on_shutdown(uv_shutdown_t *req, int status) {
  (void)req;
  (void)status; /* the read side ends it: EOF, an error or the idle timer */
}

static void on_written(uv_write_t *wr, int status) {
  slp__http_conn_t *c = wr->data;
  c->writing = false;
  free(c->out);
  c->out = NULL;
  if (c->closing)
    return;
  if (status < 0) {
    conn_close(c);
    return;
  }
  if (!c->keep_alive) {
    /* Lingering close: closing with unread request bytes (a 200 kB head we stopped at
     * 8 kB) would make the kernel send RST and the client could lose our answer. Shut
     * down our side, then read and drop until the client closes, within the idle time. */
    c->discarding = true;
    if (uv_shutdown(&c->shut, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
      conn_close(c);
      return;
    }
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    return;
  }
  reset_request(c);
  touch(c);
  uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

/* Write the status line, headers and body; head: HEAD request (no body). */
static void respond(slp__http_conn_t *c, int status, const char *ctype, const char *body,
                    size_t blen, bool head, const char *extra) {
  uv_read_stop((uv_stream_t *)&c->tcp); /* one request at a time: no pipelining */
  char hdr[512];
  int n = snprintf(hdr, sizeof hdr,
                   "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                   "Cache-Control: no-store\r\n%sConnection: %s\r\n\r\n",
                   status, reason(status), ctype, blen, extra ? extra : "",
                   c->keep_alive ? "keep-alive" : "close");
  size_t total = (size_t)n + (head ? 0 : blen);
  c->out = malloc(total ? total : 1);
  if (!c->out) {
    conn_close(c);
    return;
  }
  memcpy(c->out, hdr, (size_t)n);
  if (!head && blen)
    memcpy(c->out + n, body, blen);
  uv_buf_t b = uv_buf_init(c->out, (unsigned)total);
  c->wr.data = c;
  c->writing = true;
  if (uv_write(&c->wr, (uv_stream_t *)&c->tcp, &b, 1, on_written) != 0) {
    c->writing = false;
    free(c->out);
    c->out = NULL;
    conn_close(c);
  }
}

static void respond_error(slp__http_conn_t *c, int status, const char *why) {
  char body[160];
  int n = snprintf(body, sizeof body, "%s\n", why);
  c->keep_alive = false;
  c->h->rejected++;
  respond(c, status, "text/plain; charset=utf-8", body, (size_t)n, false,
          status == 405 ? "Allow: GET, HEAD\r\n" : NULL);
}

/* force_close: bytes followed the request (pipelining): answer it, then close. */
static void answer(slp__http_conn_t *c, bool force_close) {
  http_parser *p = &c->parser;
  bool head = p->method == HTTP_HEAD;
  c->keep_alive = !force_close && http_should_keep_alive(p) != 0;
  if (p->method != HTTP_GET && !head) {
    respond_error(c, 405, "only GET and HEAD are served");
    return;
  }
  char *q = strchr(c->url, '?');
  if (q)
    *q = 0;
  slp_expo_t body;
  slp_expo_init(&body);
  const char *ctype = "text/plain; charset=utf-8";
  int status = c->h->handler(c->h->arg, c->url, &body, &ctype);
  if (body.oom) {
    slp_expo_free(&body);
    respond_error(c, 500, "out of memory");
    return;
  }
  c->h->requests++;
  respond(c, status, ctype, body.buf ? body.buf : "", body.len, head, NULL);
  slp_expo_free(&body);
}

/* ---- http-parser callbacks ---------------------------------------------------------- */

/* Target and header bytes count against SLP_HTTP_MAX_HEAD; past it the parser stops. */
static int count_head(slp__http_conn_t *c, size_t len) {
  c->head_bytes += len;
  if (c->head_bytes > SLP_HTTP_MAX_HEAD) {
    c->too_large = true;
    return 1;
  }
  return 0;
}

static int on_header_bytes(http_parser *p, const char *at, size_t len) {
  (void)at;
  return count_head(p->data, len);
}

static int on_url(http_parser *p, const char *at, size_t len) {
  slp__http_conn_t *c = p->data;
  if (count_head(c, len))
    return 1;
  if (c->url_len + len >= sizeof c->url) {
    c->url_too_long = true;
    return 0;
  }
  memcpy(c->url + c->url_len, at, len);
  c->url_len += len;
  c->url[c->url_len] = 0;
  return 0;
}

static int on_headers_complete(http_parser *p) {
  slp__http_conn_t *c = p->data;
  c->headers_done = true;
  return 0;
}

static int on_message_complete(http_parser *p) {
  slp__http_conn_t *c = p->data;
  c->complete = true;
  http_parser_pause(p, 1); /* stop here: what follows is a pipelined request, dropped */
  return 0;
}

static const http_parser_settings settings = {
    .on_url = on_url,
    .on_header_field = on_header_bytes,
    .on_header_value = on_header_bytes,
    .on_headers_complete = on_headers_complete,
    .on_message_complete = on_message_complete,
};

/* ---- reading ---------------------------------------------------------------------------- */

static void on_alloc(uv_handle_t *hd, size_t suggested, uv_buf_t *buf) {
  (void)hd;
  (void)suggested;
  /* One read at a time per connection and the loop is single-threaded: a static
   * buffer is enough and a client cannot make us allocate. */
  static char slab[16384];
  *buf = uv_buf_init(slab, sizeof slab);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  slp__http_conn_t *c = s->data;
  if (nread == 0)
    return;
  if (nread < 0) { /* EOF or error */
    conn_close(c);
    return;
  }
  if (c->closing || c->writing || c->discarding)
    return; /* discarding: the idle timer is not reset, so this ends within it */
  touch(c);
  size_t len = (size_t)nread;
  size_t used = http_parser_execute(&c->parser, &settings, buf->base, len);
  enum http_errno he = HTTP_PARSER_ERRNO(&c->parser);
  if (c->complete) {
    if (c->url_too_long) {
      respond_error(c, 414, "request target too long");
      return;
    }
    answer(c, used < len);
    return;
  }
  if (he == HPE_HEADER_OVERFLOW || c->too_large) {
    respond_error(c, 431, "request head too large");
    return;
  }
  if (he != HPE_OK) {
    char why[128];
    snprintf(why, sizeof why, "bad request: %s", http_errno_description(he));
    respond_error(c, 400, why);
    return;
  }
  if (c->headers_done && c->parser.content_length > 0 &&
      c->parser.content_length != ULLONG_MAX) {
    /* A body: nothing we serve takes one. Answer now rather than read it. */
    respond_error(c, c->parser.method == HTTP_GET ? 400 : 405,
                  c->parser.method == HTTP_GET ? "a GET takes no body"
                                                : "only GET and HEAD are served");
  }
}

static void on_idle(uv_timer_t *t) {
  slp__http_conn_t *c = t->data;
  if (!c->discarding && (c->writing || c->head_bytes)) {
    /* Mid-request or not reading its answer: no 408, just close. */
    c->h->rejected++;
  }
  conn_close(c);
}

static void on_connection(uv_stream_t *server, int status) {
  slp_http_t *h = server->data;
  if (status < 0) {
    SLP_WARN("http: accept: %s", uv_strerror(status));
    return;
  }
  slp__http_conn_t *c = calloc(1, sizeof *c);
  if (!c) {
    /* libuv would stop listening until this one is accepted: the worker's rule for
     * out of memory applies (let the supervisor restart us). */
    SLP_ERROR("http: out of memory accepting a connection");
    abort();
  }
  c->h = h;
  uv_tcp_init(h->loop, &c->tcp);
  uv_timer_init(h->loop, &c->idle);
  c->tcp.data = c->idle.data = c;
  c->handles = 2;
  h->open++;
  h->n_conns++;
  list_append(h, c);
  if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
    conn_close(c);
    return;
  }
  if (h->n_conns > SLP_HTTP_MAX_CONNS && h->head != c) {
    h->rejected++;
    conn_close(h->head); /* the longest idle one makes room */
  }
  uv_tcp_nodelay(&c->tcp, 1);
  reset_request(c);
  uv_timer_start(&c->idle, on_idle, SLP_HTTP_IDLE_MS, SLP_HTTP_IDLE_MS);
  uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

/* ---- listening ---------------------------------------------------------------------------- */

static int parse_listen(const char *listen, struct sockaddr_storage *ss, char *err,
                        size_t errlen) {
  memset(ss, 0, sizeof *ss);
  char host[64];
  const char *port;
  if (listen[0] == '[') {
    const char *rb = strchr(listen, ']');
    if (!rb || rb[1] != ':' || (size_t)(rb - listen - 1) >= sizeof host)
      return snprintf(err, errlen, "http.listen: \"%s\": expected [v6-address]:port", listen),
             -1;
    snprintf(host, sizeof host, "%.*s", (int)(rb - listen - 1), listen + 1);
    port = rb + 2;
  } else {
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host || strchr(listen, ':') != colon)
      return snprintf(err, errlen, "http.listen: \"%s\": expected host:port or [v6-address]:port",
                      listen),
             -1;
    snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    port = colon + 1;
  }
  char *end;
  long p = strtol(port, &end, 10);
  if (!*port || *end || p < 0 || p > 65535)
    return snprintf(err, errlen, "http.listen: \"%s\": port must be 0..65535", listen), -1;
  int rc = listen[0] == '['
               ? uv_ip6_addr(host, (int)p, (struct sockaddr_in6 *)ss)
               : uv_ip4_addr(host, (int)p, (struct sockaddr_in *)ss);
  if (rc != 0)
    return snprintf(err, errlen, "http.listen: \"%s\": \"%s\" is not a numeric IP address", listen,
                    host),
           -1;
  return 0;
}

int slp_http_check_listen(const char *listen, char *err, size_t errlen) {
  struct sockaddr_storage ss;
  return parse_listen(listen, &ss, err, errlen);
}

int slp_http_start(slp_http_t *h, uv_loop_t *loop, const char *listen, slp_http_handler_cb cb,
                   void *arg, char *err, size_t errlen) {
  memset(h, 0, sizeof *h);
  h->loop = loop;
  h->handler = cb;
  h->arg = arg;
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  if (parse_listen(listen, &ss, err, errlen) != 0)
    return -1;
  uv_tcp_init(loop, &h->server);
  h->server.data = h;
  h->open = 1;
  int rc = uv_tcp_bind(&h->server, (const struct sockaddr *)&ss, 0);
  if (rc == 0)
    rc = uv_listen((uv_stream_t *)&h->server, 128, on_connection);
  if (rc != 0) {
    snprintf(err, errlen, "http.listen: cannot listen on %s: %s", listen, uv_strerror(rc));
    uv_close((uv_handle_t *)&h->server, NULL);
    h->open = 0;
    return -1;
  }
  struct sockaddr_storage got;
  int glen = sizeof got;
  char ip[64] = "?";
  int port = 0;
  if (uv_tcp_getsockname(&h->server, (struct sockaddr *)&got, &glen) == 0) {
    if (got.ss_family == AF_INET6) {
      uv_ip6_name((struct sockaddr_in6 *)&got, ip, sizeof ip);
      port = ntohs(((struct sockaddr_in6 *)&got)->sin6_port);
      snprintf(h->bound, sizeof h->bound, "[%s]:%d", ip, port);
    } else {
      uv_ip4_name((struct sockaddr_in *)&got, ip, sizeof ip);
      port = ntohs(((struct sockaddr_in *)&got)->sin_port);
      snprintf(h->bound, sizeof h->bound, "%s:%d", ip, port);
    }
  }
  return 0;
}

static void on_server_closed(uv_handle_t *hd) {
  server_handle_gone(hd->data);
}

void slp_http_close(slp_http_t *h, void (*closed_cb)(slp_http_t *)) {
  if (h->open == 0) {
    if (closed_cb)
      closed_cb(h);
    return;
  }
  h->closed_cb = closed_cb;
  while (h->head)
    conn_close(h->head);
  if (!uv_is_closing((uv_handle_t *)&h->server))
    uv_close((uv_handle_t *)&h->server, on_server_closed);
}
