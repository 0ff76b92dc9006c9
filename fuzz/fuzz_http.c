/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_http.c -- libFuzzer target: the input as the bytes a client sends to slpcoderd's HTTP
 * server (src/io/http.c, libhttp-parser), over a real loopback connection on a libuv loop.
 *
 * Each input: connect, write the bytes, half-close (EOF), read whatever comes back until the
 * server closes. Invariants: no crash, leak or undefined behaviour; the server closes the
 * connection (no hang: libFuzzer's -timeout catches one, the server's idle limit is 5 s);
 * whatever it answered starts with an HTTP/1.1 status line whose code is one the server
 * documents; the server holds no connection once the client is gone. */
#include <stdbool.h>

#include <uv.h>

#include "fuzz_common.h"
#include "io/expo.h"
#include "io/http.h"
#include "io/log.h"

typedef struct client {
  uv_tcp_t tcp;
  uv_connect_t conn;
  uv_write_t wr;
  uv_shutdown_t sh;
  uv_buf_t out;
  char in[512]; /* the start of the answer: enough for the status line */
  size_t n_in;
  bool closed;
} client_t;

static uv_loop_t loop;
static slp_http_t srv;
static struct sockaddr_in srv_addr;

static int handler(void *arg, const char *path, slp_expo_t *body, const char **ctype) {
  (void)arg;
  *ctype = "text/plain; charset=utf-8";
  if (strcmp(path, "/healthz") == 0 || strcmp(path, "/metrics") == 0) {
    slp_expo_printf(body, "ok\n");
    return 200;
  }
  if (strcmp(path, "/readyz") == 0) {
    slp_expo_printf(body, "not ready: fuzzing\n");
    return 503;
  }
  return 404;
}

static void on_client_closed(uv_handle_t *h) {
  ((client_t *)h->data)->closed = true;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  (void)h;
  (void)suggested;
  static char slab[65536];
  *buf = uv_buf_init(slab, sizeof slab);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  client_t *c = s->data;
  if (n < 0) {
    if (!uv_is_closing((uv_handle_t *)s))
      uv_close((uv_handle_t *)s, on_client_closed);
    return;
  }
  size_t room = sizeof c->in - c->n_in;
  size_t take = (size_t)n < room ? (size_t)n : room;
  memcpy(c->in + c->n_in, buf->base, take);
  c->n_in += take;
}

static void on_shutdown(uv_shutdown_t *req, int status) {
  (void)req;
  (void)status; /* the server may have closed first: reading ends either way */
}

static void on_written(uv_write_t *wr, int status) {
  client_t *c = wr->data;
  if (status == 0 && uv_shutdown(&c->sh, (uv_stream_t *)&c->tcp, on_shutdown) == 0)
    return;
  if (!uv_is_closing((uv_handle_t *)&c->tcp))
    uv_close((uv_handle_t *)&c->tcp, on_client_closed);
}

static void on_connect(uv_connect_t *req, int status) {
  client_t *c = req->data;
  FUZZ_ASSERT(status == 0, "connect to %s: %s", srv.bound, uv_strerror(status));
  FUZZ_ASSERT(uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0, "read_start");
  FUZZ_ASSERT(uv_write(&c->wr, (uv_stream_t *)&c->tcp, &c->out, 1, on_written) == 0, "write");
}

static void setup(void) {
  char err[256];
  slp_log_threshold = SLP_LOG_ERROR;
  FUZZ_ASSERT(uv_loop_init(&loop) == 0, "uv_loop_init");
  FUZZ_ASSERT(slp_http_start(&srv, &loop, "127.0.0.1:0", handler, NULL, err, sizeof err) == 0,
              "http start: %s", err);
  const char *colon = strrchr(srv.bound, ':');
  FUZZ_ASSERT(colon != NULL, "bound address %s", srv.bound);
  FUZZ_ASSERT(uv_ip4_addr("127.0.0.1", atoi(colon + 1), &srv_addr) == 0, "address");
}

/* The status codes src/io/http.c and the handler answer with. */
static bool known_status(int code) {
  static const int codes[] = {200, 400, 404, 405, 414, 431, 503};
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
    if (code == codes[i])
      return true;
  return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (srv.loop == NULL)
    setup();
  client_t c;
  memset(&c, 0, sizeof c);
  c.tcp.data = c.conn.data = c.wr.data = &c;
  c.out = uv_buf_init((char *)data, (unsigned)size);
  FUZZ_ASSERT(uv_tcp_init(&loop, &c.tcp) == 0, "tcp_init");
  FUZZ_ASSERT(uv_tcp_connect(&c.conn, &c.tcp, (const struct sockaddr *)&srv_addr, on_connect) == 0,
              "tcp_connect");
  /* Until the client is closed and the server has let go of its side too. */
  while (!c.closed || srv.n_conns > 0)
    uv_run(&loop, UV_RUN_ONCE);
  if (c.n_in > 0) {
    static const char line[] = "HTTP/1.1 ";
    size_t cmp = c.n_in < sizeof line - 1 ? c.n_in : sizeof line - 1;
    FUZZ_ASSERT(memcmp(c.in, line, cmp) == 0, "the answer does not start with a status line");
    if (c.n_in >= sizeof line - 1 + 3)
      FUZZ_ASSERT(known_status(atoi(c.in + sizeof line - 1)), "unexpected status %.3s",
                  c.in + sizeof line - 1);
  }
  return 0;
}
