/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_health.c -- `slpcoder health URL`: one plain HTTP/1.0 GET, exit 0 on status 200.
 *
 * For container HEALTHCHECKs against slpcoderd's /healthz without curl in the image. Written
 * by hand rather than with libcurl: one GET to a loopback port is ~100 lines, and libcurl
 * would pull TLS and a dozen libraries into the runtime image for it. http:// only, numeric
 * or resolvable host, no redirects, no body read past the status line.
 *
 * Exit status: 0 status 200; 1 anything else (refused, timeout, another status, a malformed
 * answer: Docker reads 1 as "unhealthy"); 64 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

#define HEALTH_BAD 1

typedef struct health_url {
  char host[256];
  char port[8];
  char path[1024];
} health_url_t;

/* "http://HOST[:PORT][/PATH]", HOST may be "[v6]". Returns 0 or -1. */
static int url_parse(const char *url, health_url_t *u) {
  if (strncmp(url, "http://", 7) != 0)
    return -1;
  const char *h = url + 7, *end;
  const char *slash = strchr(h, '/');
  const char *stop = slash ? slash : h + strlen(h);
  const char *colon;
  if (*h == '[') {
    end = memchr(h, ']', (size_t)(stop - h));
    if (!end)
      return -1;
    h++;
    colon = end + 1 < stop && end[1] == ':' ? end + 1 : NULL;
  } else {
    colon = memchr(h, ':', (size_t)(stop - h));
    end = colon ? colon : stop;
  }
  size_t hl = (size_t)(end - h);
  if (hl == 0 || hl >= sizeof u->host)
    return -1;
  memcpy(u->host, h, hl);
  u->host[hl] = 0;
  if (colon) {
    size_t pl = (size_t)(stop - colon - 1);
    if (pl == 0 || pl >= sizeof u->port || strspn(colon + 1, "0123456789") < pl)
      return -1;
    memcpy(u->port, colon + 1, pl);
    u->port[pl] = 0;
  } else {
    snprintf(u->port, sizeof u->port, "80");
  }
  int n = snprintf(u->path, sizeof u->path, "%s", slash ? slash : "/");
  if (n < 0 || (size_t)n >= sizeof u->path || strpbrk(u->path, " \r\n"))
    return -1;
  return 0;
}

static long ms_left(const struct timespec *deadline) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long ms = (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
  return ms > 0 ? ms : 0;
}

/* Wait for events on fd until the deadline. Returns 1 ready, 0 timeout, -1 error. */
static int wait_fd(int fd, short events, const struct timespec *deadline) {
  struct pollfd p = {.fd = fd, .events = events};
  for (;;) {
    int r = poll(&p, 1, (int)ms_left(deadline));
    if (r < 0 && errno == EINTR)
      continue;
    return r < 0 ? -1 : r > 0;
  }
}

static int connect_any(const health_url_t *u, const struct timespec *deadline, char *why,
                       size_t wlen) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                           .ai_flags = AI_NUMERICSERV};
  struct addrinfo *res = NULL;
  int gai = getaddrinfo(u->host, u->port, &hints, &res);
  if (gai != 0) {
    snprintf(why, wlen, "%s: %s", u->host, gai_strerror(gai));
    return -1;
  }
  int fd = -1;
  for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
      continue;
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      int err = 0;
      socklen_t el = sizeof err;
      int w = wait_fd(fd, POLLOUT, deadline);
      if (w == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0)
        rc = 0;
      else
        errno = w == 0 ? ETIMEDOUT : err ? err : errno;
    }
    if (rc != 0) {
      snprintf(why, wlen, "connect %s:%s: %s", u->host, u->port, strerror(errno));
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  return fd;
}

int cli_cmd_health(int argc, char **argv) {
  const char *url = NULL;
  long timeout_ms = 2000;
  for (int i = 1; i < argc; i++) {
    if (!strncmp(argv[i], "--timeout=", 10)) {
      char *end;
      timeout_ms = strtol(argv[i] + 10, &end, 10);
      if (*end || end == argv[i] + 10 || timeout_ms <= 0 || timeout_ms > 600000)
        return cli_usage_error("health: --timeout: expected milliseconds from 1 to 600000");
    } else if (!url && argv[i][0] != '-') {
      url = argv[i];
    } else {
      return cli_usage_error("health: unexpected argument \"%s\"", argv[i]);
    }
  }
  health_url_t u;
  if (!url)
    return cli_usage_error("health: missing URL");
  if (url_parse(url, &u) != 0)
    return cli_usage_error("health: \"%s\": expected http://HOST[:PORT][/PATH]", url);

  struct timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += timeout_ms / 1000;
  deadline.tv_nsec += (timeout_ms % 1000) * 1000000;
  if (deadline.tv_nsec >= 1000000000) {
    deadline.tv_sec++;
    deadline.tv_nsec -= 1000000000;
  }
  char why[512] = "";
  int fd = connect_any(&u, &deadline, why, sizeof why);
  if (fd < 0) {
    fprintf(stderr, "slpcoder health: %s: %s\n", url, why);
    return HEALTH_BAD;
  }
  char req[1400];
  int rl = snprintf(req, sizeof req,
                    "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: slpcoder-health\r\n\r\n", u.path,
                    u.host);
  for (int off = 0; off < rl;) {
    if (wait_fd(fd, POLLOUT, &deadline) != 1) {
      fprintf(stderr, "slpcoder health: %s: timed out sending the request\n", url);
      close(fd);
      return HEALTH_BAD;
    }
    ssize_t w = send(fd, req + off, (size_t)(rl - off), MSG_NOSIGNAL);
    if (w < 0 && (errno == EAGAIN || errno == EINTR))
      continue;
    if (w < 0) {
      fprintf(stderr, "slpcoder health: %s: send: %s\n", url, strerror(errno));
      close(fd);
      return HEALTH_BAD;
    }
    off += (int)w;
  }
  char buf[256];
  size_t n = 0;
  while (n < sizeof buf - 1 && !memchr(buf, '\n', n)) {
    int r = wait_fd(fd, POLLIN, &deadline);
    if (r != 1) {
      fprintf(stderr, "slpcoder health: %s: %s waiting for the answer\n", url,
              r == 0 ? "timed out" : strerror(errno));
      close(fd);
      return HEALTH_BAD;
    }
    ssize_t got = recv(fd, buf + n, sizeof buf - 1 - n, 0);
    if (got < 0 && (errno == EAGAIN || errno == EINTR))
      continue;
    if (got <= 0)
      break;
    n += (size_t)got;
  }
  close(fd);
  buf[n] = 0;
  char *eol = strpbrk(buf, "\r\n");
  if (eol)
    *eol = 0;
  int status = 0;
  if (sscanf(buf, "HTTP/%*d.%*d %3d", &status) != 1) {
    fprintf(stderr, "slpcoder health: %s: not an HTTP answer: \"%.80s\"\n", url, buf);
    return HEALTH_BAD;
  }
  if (status != 200) {
    fprintf(stderr, "slpcoder health: %s: %s\n", url, buf);
    return HEALTH_BAD;
  }
  printf("%s: %s\n", url, buf);
  return EX_OK;
}
