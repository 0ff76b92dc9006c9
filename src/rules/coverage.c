/* SPDX-License-Identifier: Apache-2.0 */
/* coverage.c -- which service area x kind x setting has a code on each date-of-service year of a
 * bundle's span, for `slpcoder rules check`: a gap (the 2027 language treatment code the bundle does
 * not have) shows before January rather than as rejections after it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/date.h"
#include "rules/load.h"

typedef struct out {
  char *buf;
  size_t len, used; /* used counts every byte asked for, as snprintf does */
} out_t;

static void put(out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out_t *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t room = o->used < o->len ? o->len - o->used : 0;
  int n = vsnprintf(room ? o->buf + o->used : NULL, room, fmt, ap);
  va_end(ap);
  if (n > 0)
    o->used += (size_t)n;
}

/* The codes of rows effective some day in [from, to], "base+addon" each, "/" between rows, and
 * whether some day of the year has no row. */
static void cell(const slp__code_row_t *rows, size_t n, int32_t from, int32_t to, char *dst,
                 size_t len, bool *partial) {
  dst[0] = '\0';
  int32_t covered = 0;
  for (size_t i = 0; i < n; i++) {
    int32_t a = rows[i].from > from ? rows[i].from : from;
    int32_t b = rows[i].to < to ? rows[i].to : to;
    if (a > b)
      continue;
    covered += b - a + 1; /* rows of one kind never overlap (the loader checks) */
    size_t l = strlen(dst);
    snprintf(dst + l, len - l, "%s%s%s%s", l ? "/" : "", rows[i].code,
             rows[i].addon[0] && slp__code_cmp(rows[i].addon, rows[i].code) ? "+" : "",
             rows[i].addon[0] && slp__code_cmp(rows[i].addon, rows[i].code) ? rows[i].addon : "");
  }
  *partial = covered > 0 && covered < to - from + 1;
  if (dst[0] == '\0')
    snprintf(dst, len, "-");
}

size_t slp_rules_coverage(const slp_rules_t *r, char *buf, size_t len) {
  static const char *const kinds[2] = {"EVAL", "TREAT"};
  static const char *const settings[2] = {"IND", "GROUP"};
  out_t o = {buf, len, 0};
  if (len > 0)
    buf[0] = '\0';
  if (r == NULL)
    return 0;
  int32_t y0 = slp_date_year(r->manifest.effective_from);
  int32_t y1 = slp_date_year(r->manifest.effective_to);
  if (y1 - y0 > 20)
    y1 = y0 + 20; /* a table, not a century */
  put(&o, "coverage by date-of-service year (codes in effect; - none; * part of the year only):\n");
  put(&o, "%-26s %-5s %-5s", "area", "kind", "set");
  for (int32_t y = y0; y <= y1; y++)
    put(&o, y < y1 ? " %-16d" : " %d", (int)y);
  put(&o, "\n");
  char gaps[41][1024]; /* per year: the kinds with no code */
  memset(gaps, 0, sizeof gaps);
  for (int area = 1; area < 9; area++)
    for (int cls = 0; cls < 2; cls++)
      for (int g = 0; g < 2; g++) {
        size_t n;
        const slp__code_row_t *rows = slp__rules_code_rows(r, area, cls, g, &n);
        if (n == 0)
          continue; /* no row in any year: by design (a group the spec does not bill) */
        put(&o, "%-26s %-5s %-5s", slp__area_names[area], kinds[cls], settings[g]);
        for (int32_t y = y0; y <= y1; y++) {
          int32_t from = slp_days_from_civil(y, 1, 1), to = slp_days_from_civil(y, 12, 31);
          /* only the part of the year the bundle covers */
          from = from < r->manifest.effective_from ? r->manifest.effective_from : from;
          to = to > r->manifest.effective_to ? r->manifest.effective_to : to;
          char c[96];
          bool partial;
          cell(rows, n, from, to, c, sizeof c, &partial);
          put(&o, y < y1 ? " %-16s" : " %s", partial ? strcat(c, "*") : c);
          if (c[0] == '-' || partial) {
            char *gp = gaps[y - y0];
            size_t l = strlen(gp);
            snprintf(gp + l, sizeof gaps[0] - l, "%s%s %s %s%s", l ? ", " : "",
                     slp__area_names[area], kinds[cls], settings[g], partial ? " (part)" : "");
          }
        }
        put(&o, "\n");
      }
  for (int32_t y = y0; y <= y1; y++)
    put(&o, "gaps %d: %s\n", (int)y, gaps[y - y0][0] ? gaps[y - y0] : "none");
  return o.used;
}
