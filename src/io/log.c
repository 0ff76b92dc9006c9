/* SPDX-License-Identifier: Apache-2.0 */
/* log.c -- logfmt-ish lines on stderr: ts=... level=... msg="..." src=file:line */
#include "io/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

atomic_int slp_log_threshold = SLP_LOG_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

int slp_log_level_parse(const char *name) {
  for (int i = 0; i < 4; i++)
    if (strcmp(name, level_names[i]) == 0)
      return i;
  return -1;
}

const char *slp_log_level_name(int level) {
  return level >= 0 && level < 4 ? level_names[level] : "?";
}

void slp_log_write(int level, const char *file, int line, const char *fmt, ...) {
  char buf[1024]; /* one line; longer messages are cut */
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  int n =
      snprintf(buf, sizeof buf, "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s src=%s:%d msg=\"",
               tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
               ts.tv_nsec / 1000000L, slp_log_level_name(level), base, line);
  if (n < 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  int m = vsnprintf(buf + n, sizeof buf - (size_t)n - 2, fmt, ap);
  va_end(ap);
  size_t len =
      (size_t)n +
      (m < 0 ? 0
             : ((size_t)m < sizeof buf - (size_t)n - 2 ? (size_t)m : sizeof buf - (size_t)n - 3));
  buf[len++] = '"';
  buf[len++] = '\n';
  ssize_t w = write(STDERR_FILENO, buf, len);
  (void)w;
}
