/* SPDX-License-Identifier: Apache-2.0 */
/* notify.h -- systemd's notification protocol through Debian's libsystemd (sd_notify).
 *
 * Without NOTIFY_SOCKET in the environment every call is a no-op (and
 * slp_notify_enabled is false, so callers start no timers). WATCHDOG_USEC (for
 * this pid) gives the watchdog period; pings go at half of it.
 *
 * Thread: the loop thread.
 */
#ifndef SLPCODER_IO_NOTIFY_H
#define SLPCODER_IO_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

typedef struct slp_notify {
  bool enabled;
  uint64_t watchdog_usec; /* 0: no watchdog */
  char last_status[256];
} slp_notify_t;

void slp_notify_init(slp_notify_t *n);

/* Send "READY=1", "RELOADING=1" ... (several lines allowed). Returns 0 or a negative errno. */
int slp_notify_send(slp_notify_t *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* STATUS=line, sent only when it changed. */
void slp_notify_status(slp_notify_t *n, const char *line);

#endif /* SLPCODER_IO_NOTIFY_H */
