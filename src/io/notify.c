/* SPDX-License-Identifier: Apache-2.0 */
/* notify.c -- sd_notify: READY, STATUS, WATCHDOG, RELOADING, STOPPING; a no-op outside systemd. */
#include "io/notify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "io/log.h"

void slp_notify_init(slp_notify_t *n) {
  memset(n, 0, sizeof *n);
  const char *sock = getenv("NOTIFY_SOCKET");
  n->enabled = sock && *sock;
  uint64_t usec = 0;
  if (n->enabled && sd_watchdog_enabled(0, &usec) > 0)
    n->watchdog_usec = usec;
}

int slp_notify_send(slp_notify_t *n, const char *fmt, ...) {
  if (!n->enabled)
    return 0;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  /* One datagram to the manager's socket; it waits only if systemd stops reading. */
  int rc = sd_notify(0, msg);
  if (rc < 0)
    SLP_WARN("sd_notify: %s", strerror(-rc));
  return rc < 0 ? rc : 0;
}

void slp_notify_status(slp_notify_t *n, const char *line) {
  if (!n->enabled || strcmp(n->last_status, line) == 0)
    return;
  snprintf(n->last_status, sizeof n->last_status, "%s", line);
  slp_notify_send(n, "STATUS=%s", line);
}
