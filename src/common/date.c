/* SPDX-License-Identifier: Apache-2.0 */
/* date.c -- civil date arithmetic without the C library's time zone machinery.
 * Hand-written because libc's mktime/timegm consult the process time zone and
 * normalise out-of-range fields; the engine needs exact, clock-free, allocation-free
 * conversions. Algorithms after H. Hinnant, "chrono-Compatible Low-Level Date Algorithms". */
#include "common/date.h"

#include <stddef.h>

int32_t slp_days_from_civil(int32_t y, int32_t m, int32_t d) {
  y -= m <= 2;
  const int32_t era = (y >= 0 ? y : y - 399) / 400;
  const int32_t yoe = y - era * 400;                                  /* [0, 399] */
  const int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1; /* [0, 365] */
  const int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
  return era * 146097 + doe - 719468;
}

void slp_civil_from_days(int32_t z, int32_t *y, int32_t *m, int32_t *d) {
  z += 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int32_t doe = z - era * 146097;
  const int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int32_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp + (mp < 10 ? 3 : -9);
  *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int32_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int32_t month_days(int32_t y, int32_t m) {
  static const int8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static int check_civil(int32_t y, int32_t m, int32_t d, int32_t *days) {
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
    return -1;
  *days = slp_days_from_civil(y, m, d);
  return 0;
}

int slp_date_parse(const char *s, int32_t *days) {
  if (s == NULL)
    return -1;
  int32_t v[3] = {0, 0, 0};
  static const int widths[3] = {4, 2, 2};
  const char *p = s;
  for (int f = 0; f < 3; f++) {
    for (int i = 0; i < widths[f]; i++, p++) {
      if (*p < '0' || *p > '9')
        return -1;
      v[f] = v[f] * 10 + (*p - '0');
    }
    if (f < 2 && *p++ != '-')
      return -1;
  }
  if (*p != '\0')
    return -1;
  return check_civil(v[0], v[1], v[2], days);
}

int slp_date_from_yyyymmdd(int32_t ymd, int32_t *days) {
  if (ymd < 0)
    return -1;
  return check_civil(ymd / 10000, ymd / 100 % 100, ymd % 100, days);
}

int32_t slp_date_to_yyyymmdd(int32_t days) {
  int32_t y, m, d;
  slp_civil_from_days(days, &y, &m, &d);
  return y * 10000 + m * 100 + d;
}

int32_t slp_days_from_unix_ms(int64_t ms) {
  const int64_t day_ms = 86400000;
  int64_t q = ms / day_ms;
  if (ms % day_ms != 0 && ms < 0)
    q--;
  return (int32_t)q;
}

int32_t slp_date_year(int32_t days) {
  int32_t y, m, d;
  slp_civil_from_days(days, &y, &m, &d);
  return y;
}

static char *put_digits(char *p, int32_t v, int width) {
  for (int i = width - 1; i >= 0; i--, v /= 10)
    p[i] = (char)('0' + v % 10);
  return p + width;
}

void slp_date_format(int32_t days, char buf[11]) {
  int32_t y, m, d;
  slp_civil_from_days(days, &y, &m, &d);
  if (y < 0 || y > 9999)
    y = 0;
  char *p = put_digits(buf, y, 4);
  *p++ = '-';
  p = put_digits(p, m, 2);
  *p++ = '-';
  p = put_digits(p, d, 2);
  *p = '\0';
}
