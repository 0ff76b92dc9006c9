/* SPDX-License-Identifier: Apache-2.0 */
/* expo.h -- the Prometheus text exposition format 0.0.4, written by hand.
 *
 * Why by hand: the C client (prometheus-client-c / libprom) is not packaged in
 * Debian, and the format is a few lines of text. This writer does the parts
 * that are easy to get wrong: "# HELP" and "# TYPE" once per family, label
 * values escaped (backslash, double quote, newline), HELP text escaped
 * (backslash, newline), floats as Go's strconv would accept them (+Inf, NaN).
 *
 * The buffer grows on the heap; after an allocation failure every call is a
 * no-op and oom is set (the caller answers 500).
 *
 * Thread: whichever owns the buffer.
 */
#ifndef SLPCODER_IO_EXPO_H
#define SLPCODER_IO_EXPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct slp_expo {
  char *buf;
  size_t len, cap;
  bool oom;
} slp_expo_t;

void slp_expo_init(slp_expo_t *e);
void slp_expo_free(slp_expo_t *e);
void slp_expo_reset(slp_expo_t *e);

/* Raw text, printf style. */
void slp_expo_printf(slp_expo_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "# HELP name help" and "# TYPE name type" (type: counter, gauge, histogram, info ...). */
void slp_expo_family(slp_expo_t *e, const char *name, const char *type, const char *help);

/* One sample. labels: NULL, or a NULL-terminated array of name, value, name, value ...
 * Values are escaped here. */
void slp_expo_u64(slp_expo_t *e, const char *name, const char *const *labels, uint64_t v);
void slp_expo_i64(slp_expo_t *e, const char *name, const char *const *labels, int64_t v);
void slp_expo_f64(slp_expo_t *e, const char *name, const char *const *labels, double v);

/* A histogram's samples (the family line is the caller's): name_bucket{le=...} cumulative,
 * name_sum, name_count. bounds: n upper bounds, ascending; counts: n + 1 (the last is +Inf),
 * not cumulative. */
void slp_expo_histogram(slp_expo_t *e, const char *name, const char *const *labels,
                        const double *bounds, const uint64_t *counts, size_t n, double sum);

#endif /* SLPCODER_IO_EXPO_H */
