/* SPDX-License-Identifier: Apache-2.0 */
/* log.h -- one level-gated logging macro for the daemon, logfmt-ish, to stderr.
 *
 * SLP_LOG(level, fmt, ...) does not evaluate its arguments when the level is
 * off. Never pass a patient's identifiers, birth date or member id: log
 * event_id, topic/partition/offset and rule ids only.
 *
 * Thread safety: any thread; one line is written with one write(2).
 */
#ifndef SLPCODER_IO_LOG_H
#define SLPCODER_IO_LOG_H

#include <stdatomic.h>

typedef enum slp_log_level {
  SLP_LOG_ERROR = 0,
  SLP_LOG_WARN = 1,
  SLP_LOG_INFO = 2,
  SLP_LOG_DEBUG = 3,
} slp_log_level_t;

/* The current threshold; written at start and by the config, read on any thread (librdkafka's
 * log callbacks too): atomic, read relaxed (TSan found the volatile int racing a client's log
 * callback). */
extern atomic_int slp_log_threshold;

/* Parse "error|warn|info|debug"; returns the level or -1. */
int slp_log_level_parse(const char *name);
const char *slp_log_level_name(int level);

void slp_log_write(int level, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define SLP_LOG(lvl, ...)                                                                          \
  do {                                                                                             \
    if ((int)(lvl) <= atomic_load_explicit(&slp_log_threshold, memory_order_relaxed))              \
      slp_log_write((int)(lvl), __FILE__, __LINE__, __VA_ARGS__);                                  \
  } while (0)

#define SLP_ERROR(...) SLP_LOG(SLP_LOG_ERROR, __VA_ARGS__)
#define SLP_WARN(...) SLP_LOG(SLP_LOG_WARN, __VA_ARGS__)
#define SLP_INFO(...) SLP_LOG(SLP_LOG_INFO, __VA_ARGS__)
#define SLP_DEBUG(...) SLP_LOG(SLP_LOG_DEBUG, __VA_ARGS__)

#endif /* SLPCODER_IO_LOG_H */
