/* SPDX-License-Identifier: Apache-2.0 */
/* cms_util.h -- line, tab and CSV reading shared by the CMS file parsers (cms_*.c).
 *
 * Hand-written rather than a CSV library on purpose:
 * - CMS's files have quirks a generic reader handles badly or not at all: notice
 *   lines before the data, a quoted copyright preamble and a heading cell with line
 *   breaks inside the quotes (MUE), heading text spread over several rows (PFS),
 *   CRLF endings, a UTF-8 BOM in re-saved copies; and a tab file and a fixed-width
 *   file beside the CSVs.
 * - Streaming with fixed buffers: one allocation per file, none per row, and every
 *   over-long line or record is reported by its line number instead of growing a
 *   buffer on operator-supplied bytes.
 * - Debian's libcsv (libcsv-dev 3.0.3) is callback-driven, does not track physical
 *   line numbers for "file:line:" messages, ships no pkg-config file and has had no
 *   release since 2013; the engine library is libc-only.
 * Internal to src/rules (double underscore: cross-file internals). Thread: any; a
 * reader belongs to one thread.
 */
#ifndef SLPCODER_RULES_CMS_UTIL_H
#define SLPCODER_RULES_CMS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "slpcoder/cms.h"

#define SLP__CMS_LINE_MAX 4096   /* longest physical line, bytes without CR LF */
#define SLP__CMS_RECORD_MAX 8192 /* longest CSV record (quoted fields may span lines) */
#define SLP__CMS_BUF_SIZE 65536  /* read block */
#define SLP__CMS_SHOW_MAX 40     /* longest untrusted value quoted in a message */

typedef struct slp__cms_reader {
  FILE *fp;
  const char *path;         /* what messages name */
  slp_rules_errors_t *errs; /* may be NULL */
  long lineno;              /* physical line last read, 1-based */
  long record_line;         /* first physical line of the last CSV record */
  size_t len;               /* bytes in line */
  bool eof;
  size_t bpos, blen;            /* unread bytes of buf: buf[bpos..blen) */
  bool bnul;                    /* buf holds a NUL byte (lines are searched for one only then) */
  char buf[SLP__CMS_BUF_SIZE];  /* read in blocks, lines found with memchr (a full-size PTP
                                   file is 1.8 M lines: getc per byte was a fifth of the load) */
  char line[SLP__CMS_LINE_MAX + 2];
  char rec[SLP__CMS_RECORD_MAX + 1];
} slp__cms_reader_t;

/* Open fullpath for reading. On failure reports "path:0: cannot open ..." and
 * returns NULL. The reader is one heap block, freed by slp__cms_close. */
slp__cms_reader_t *slp__cms_open(const char *fullpath, const char *path, slp_rules_errors_t *errs);
void slp__cms_close(slp__cms_reader_t *r);

/* Report "path:line: message" (printf-style). Tolerates r->errs == NULL. */
void slp__cms_error(slp__cms_reader_t *r, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Read the next physical line into r->line (NUL-terminated, LF or CR LF removed,
 * a UTF-8 BOM removed from line 1). Returns 1 for a line, 0 at end of file, -1 for
 * a line that was reported and skipped (longer than SLP__CMS_LINE_MAX, or holding
 * a NUL byte). */
int slp__cms_next_line(slp__cms_reader_t *r);

/* Read the next CSV record (RFC 4180 quoting: a field that starts with '"' may
 * hold commas, doubled quotes and line breaks; a '"' inside an unquoted field is
 * kept as it is). Fields are NUL-terminated copies in r->rec, not trimmed; at most
 * max pointers are stored but *n counts every field. r->record_line is the line
 * the record starts on. Returns 1, 0 at end of file, or -1 for a record that was
 * reported and skipped. */
int slp__cms_next_csv(slp__cms_reader_t *r, char **fields, int max, int *n);

/* How slp__cms_read_rows reads a file: whole lines (fixed width), lines split on
 * tabs, or CSV records. */
typedef enum slp__cms_records {
  SLP__CMS_LINES,
  SLP__CMS_TAB_LINES,
  SLP__CMS_CSV_RECORDS
} slp__cms_records_t;

#define SLP__CMS_FIELDS_MAX 64 /* largest max_fields a parser may ask for */

/* One CMS file format for slp__cms_read_rows. f and nf are the record's fields
 * (nf 0 for SLP__CMS_LINES: r->line and r->len hold the line). */
typedef struct slp__cms_rows {
  slp__cms_records_t records;
  int max_fields; /* field pointers stored; a record with more is not blank */
  /* Before the first data row: 1 if this record is one, 0 to skip it (a notice or
   * heading), -1 to refuse the file (reported). */
  int (*is_data)(void *self, slp__cms_reader_t *r, char **f, int nf);
  /* Fill *row (zeroed first); 0, or -1 for a row that was reported and skipped. */
  int (*parse)(void *self, slp__cms_reader_t *r, char **f, int nf, void *row);
  /* Optional, after the first data row: parse a line of the common well-formed shape straight
   * from r->line (left untouched) into *row (zeroed first) and return 1; 0 leaves the line to
   * the general path (split, trim, parse), which reports whatever is wrong with it. A 1.8 M-row
   * PTP file spent a third of its load splitting on strchr and trimming with strlen. */
  int (*fast)(void *self, const char *line, size_t len, void *row);
  /* Pass a valid row on; non-zero stops the file. */
  int (*emit)(void *self, const void *row);
  const char *no_data; /* reported at line 0 when the file holds no data row */
} slp__cms_rows_t;

/* The record loop every CMS parser shares: skips blank records and, until the
 * first data row, whatever is_data skips; from then on parses and emits every
 * non-blank record. row points to row_size bytes the caller owns. Closes r.
 * Returns the rows emitted, or -1 (stopped by emit, refused, or no data rows). */
long slp__cms_read_rows(slp__cms_reader_t *r, const slp__cms_rows_t *spec, void *self, void *row,
                        size_t row_size);

/* An is_data for files whose data rows start with a 5-character HCPCS/CPT code
 * in the first field (trimmed in place). */
int slp__cms_first_is_hcpcs(void *self, slp__cms_reader_t *r, char **f, int nf);

/* Split s on tabs in place; stores at most max pointers, returns the field count. */
int slp__cms_split_tabs(char *s, char **fields, int max);

/* Trim ASCII blanks (space, tab, CR, LF) at both ends, in place. */
char *slp__cms_trim(char *s);
bool slp__cms_blank(const char *s);

/* A 5-character HCPCS/CPT code as CMS prints it: 5 digits; 4 digits and an
 * upper-case letter (category II/III, PLA); or an upper-case letter and 4 digits
 * (HCPCS level II). */
bool slp__cms_is_hcpcs(const char *s);

/* "YYYYMMDD" naming a real calendar date -> 0 and *out = yyyymmdd, else -1. */
int slp__cms_parse_yyyymmdd(const char *s, int32_t *out);

/* An unsigned decimal ("2.32", "32.3465", "7", ".5") with at most `scale`
 * fractional digits, read digit by digit into value x 10^scale exactly.
 * Returns 0, or -1 (empty, other characters, too many decimals, too large). */
int slp__cms_parse_fixed(const char *s, int scale, int64_t *out);

/* yyyymmdd -> day number, remembering the last few answers: CMS's tables repeat a handful of
 * dates over millions of rows. Zero-initialise; 0 and *days, or -1 for no real date. */
typedef struct slp__cms_days_cache {
  int32_t ymd[64];
  int32_t days[64];
} slp__cms_days_cache_t;
int slp__cms_days(slp__cms_days_cache_t *c, int32_t ymd, int32_t *days);

/* A printable, bounded copy of an untrusted value for a message: bytes outside
 * 0x20-0x7e become '?', longer values are cut with "...". Returns buf. */
const char *slp__cms_show(const char *s, char *buf, size_t len);

#endif /* SLPCODER_RULES_CMS_UTIL_H */
