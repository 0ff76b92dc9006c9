/* SPDX-License-Identifier: Apache-2.0 */
/* date.h -- calendar dates as days since 1970-01-01 (proleptic Gregorian, UTC).
 * Shared by the engine and the rules loader; pure functions, libc only. */
#ifndef SLPCODER_COMMON_DATE_H
#define SLPCODER_COMMON_DATE_H

#include <stdbool.h>
#include <stdint.h>

/* Days since 1970-01-01 for a civil date; m 1-12, d 1-31 (not validated). */
int32_t slp_days_from_civil(int32_t y, int32_t m, int32_t d);
/* The civil date of a day number. */
void slp_civil_from_days(int32_t days, int32_t *y, int32_t *m, int32_t *d);

/* Parse exactly "YYYY-MM-DD" naming a real calendar date (year 1900-9999).
 * Returns 0 and sets *days, or -1. s may be NULL (-1). */
int slp_date_parse(const char *s, int32_t *days);

/* Parse a yyyymmdd integer (20250101) the same way. */
int slp_date_from_yyyymmdd(int32_t yyyymmdd, int32_t *days);
int32_t slp_date_to_yyyymmdd(int32_t days);

/* The UTC day of a Unix time in milliseconds (floor, so negative times work). */
int32_t slp_days_from_unix_ms(int64_t ms);

/* Calendar year of a day number. */
int32_t slp_date_year(int32_t days);

/* Format as "YYYY-MM-DD" into buf (at least 11 bytes). */
void slp_date_format(int32_t days, char buf[11]);

#endif
