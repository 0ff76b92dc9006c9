/* SPDX-License-Identifier: Apache-2.0 */
/* expo.c -- Prometheus text exposition 0.0.4: families, escaped labels, histograms. */
#include "io/expo.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void slp_expo_init(slp_expo_t *e) {
  memset(e, 0, sizeof *e);
}

void slp_expo_free(slp_expo_t *e) {
  free(e->buf);
  memset(e, 0, sizeof *e);
}

void slp_expo_reset(slp_expo_t *e) {
  e->len = 0;
  e->oom = false;
  if (e->buf)
    e->buf[0] = 0;
}

static bool reserve(slp_expo_t *e, size_t more) {
  if (e->oom)
    return false;
  if (e->len + more + 1 <= e->cap)
    return true;
  size_t cap = e->cap ? e->cap : 4096;
  while (cap < e->len + more + 1)
    cap *= 2;
  char *nb = realloc(e->buf, cap);
  if (!nb) {
    e->oom = true;
    return false;
  }
  e->buf = nb;
  e->cap = cap;
  return true;
}

static void put(slp_expo_t *e, const char *s, size_t n) {
  if (!reserve(e, n))
    return;
  memcpy(e->buf + e->len, s, n);
  e->len += n;
  e->buf[e->len] = 0;
}

static void puts_(slp_expo_t *e, const char *s) {
  put(e, s, strlen(s));
}

void slp_expo_printf(slp_expo_t *e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || !reserve(e, (size_t)n))
    return;
  va_start(ap, fmt);
  vsnprintf(e->buf + e->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  e->len += (size_t)n;
}

/* label values escape \ " and newline; HELP text escapes \ and newline only */
static void put_escaped(slp_expo_t *e, const char *s, bool quote) {
  for (const char *p = s; *p; p++) {
    switch (*p) {
    case '\\':
      puts_(e, "\\\\");
      break;
    case '\n':
      puts_(e, "\\n");
      break;
    case '"':
      if (quote) {
        puts_(e, "\\\"");
        break;
      }
      /* fall through */
    default:
      put(e, p, 1);
    }
  }
}

void slp_expo_family(slp_expo_t *e, const char *name, const char *type, const char *help) {
  slp_expo_printf(e, "# HELP %s ", name);
  put_escaped(e, help, false);
  slp_expo_printf(e, "\n# TYPE %s %s\n", name, type);
}

static void put_labels(slp_expo_t *e, const char *const *labels, const char *extra_name,
                       const char *extra_value) {
  bool any = (labels && labels[0]) || extra_name;
  if (!any)
    return;
  puts_(e, "{");
  bool first = true;
  for (size_t i = 0; labels && labels[i] && labels[i + 1]; i += 2) {
    slp_expo_printf(e, "%s%s=\"", first ? "" : ",", labels[i]);
    put_escaped(e, labels[i + 1], true);
    puts_(e, "\"");
    first = false;
  }
  if (extra_name) {
    slp_expo_printf(e, "%s%s=\"", first ? "" : ",", extra_name);
    put_escaped(e, extra_value, true);
    puts_(e, "\"");
  }
  puts_(e, "}");
}

static void fmt_f64(char *buf, size_t len, double v) {
  if (isnan(v))
    snprintf(buf, len, "NaN");
  else if (isinf(v))
    snprintf(buf, len, v > 0 ? "+Inf" : "-Inf");
  else {
    /* the shortest of %.15g / %.17g that reads back as v: le="0.005", not 0.0050000000000000001 */
    snprintf(buf, len, "%.15g", v);
    if (strtod(buf, NULL) != v)
      snprintf(buf, len, "%.17g", v);
  }
}

void slp_expo_u64(slp_expo_t *e, const char *name, const char *const *labels, uint64_t v) {
  puts_(e, name);
  put_labels(e, labels, NULL, NULL);
  slp_expo_printf(e, " %" PRIu64 "\n", v);
}

void slp_expo_i64(slp_expo_t *e, const char *name, const char *const *labels, int64_t v) {
  puts_(e, name);
  put_labels(e, labels, NULL, NULL);
  slp_expo_printf(e, " %" PRId64 "\n", v);
}

void slp_expo_f64(slp_expo_t *e, const char *name, const char *const *labels, double v) {
  char num[40];
  fmt_f64(num, sizeof num, v);
  puts_(e, name);
  put_labels(e, labels, NULL, NULL);
  slp_expo_printf(e, " %s\n", num);
}

void slp_expo_histogram(slp_expo_t *e, const char *name, const char *const *labels,
                        const double *bounds, const uint64_t *counts, size_t n, double sum) {
  uint64_t cum = 0;
  char le[40];
  for (size_t i = 0; i <= n; i++) {
    cum += counts[i];
    if (i < n)
      fmt_f64(le, sizeof le, bounds[i]);
    else
      snprintf(le, sizeof le, "+Inf");
    slp_expo_printf(e, "%s_bucket", name);
    put_labels(e, labels, "le", le);
    slp_expo_printf(e, " %" PRIu64 "\n", cum);
  }
  char num[40];
  fmt_f64(num, sizeof num, sum);
  slp_expo_printf(e, "%s_sum", name);
  put_labels(e, labels, NULL, NULL);
  slp_expo_printf(e, " %s\n", num);
  slp_expo_printf(e, "%s_count", name);
  put_labels(e, labels, NULL, NULL);
  slp_expo_printf(e, " %" PRIu64 "\n", cum);
}
