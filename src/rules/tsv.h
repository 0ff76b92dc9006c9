/* SPDX-License-Identifier: Apache-2.0 */
/* tsv.h -- reading the project's tab-separated tables: header check, rows, typed cells.
 * Every problem is reported as "file:line: what is wrong" and the reader goes on. */
#ifndef SLPCODER_RULES_TSV_H
#define SLPCODER_RULES_TSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "slpcoder/rules.h"

#define SLP__TSV_MAX_COLS 16

typedef struct slp__tsv {
  const char *path; /* bundle-relative, for messages */
  char *buf;        /* the whole file, owned */
  size_t len;
  size_t pos;
  long line; /* 1-based line of the current row */
  slp_rules_errors_t *errs;
  const char *const *cols;
  size_t ncols;
  char *cell[SLP__TSV_MAX_COLS];
  int bad; /* errors reported for the current row */
} slp__tsv_t;

/* Bundle files are read whole (project tables) or streamed (CMS files); either way a file
 * larger than this is refused up front. 2 GiB: CMS's largest file (the NCCI practitioner
 * PTP table) is a few hundred MB, so real data has room and /dev/zero-style input is stopped. */
#define SLP__FILE_MAX ((off_t)2 << 30)
#define SLP__FILE_NOT_REGULAR (-1) /* a FIFO, device, socket or directory */
#define SLP__FILE_TOO_LARGE (-2)   /* over SLP__FILE_MAX */

/* Open a bundle file for reading without ever blocking (a FIFO is refused, not waited on):
 * 0 and *fd (and *size when not NULL), else an errno value (> 0) or SLP__FILE_NOT_REGULAR or
 * SLP__FILE_TOO_LARGE. */
int slp__file_open(const char *fullpath, int *fd, off_t *size);
/* The message for a slp__file_open / slp__read_file code. */
const char *slp__file_strerror(int rc);
/* Report a failed open/read as "path:0: not a regular file" (or "...: larger than ...") or,
 * for an errno, "path:0: <what>: <strerror>". */
void slp__file_report(slp_rules_errors_t *errs, const char *path, const char *what, int rc);
/* Read a whole file through slp__file_open; returns 0 or its code (read errors keep their
 * errno). *buf is NUL-terminated, caller frees. */
int slp__read_file(const char *fullpath, char **buf, size_t *len);
/* The 1-based line of the first NUL byte in buf, or 0 when there is none. */
long slp__nul_line(const char *buf, size_t len);

/* Open dir/rel and check its header names cols exactly. -1 (reported) when the file is
 * missing or the header is wrong: the table is then skipped. */
int slp__tsv_open(slp__tsv_t *t, const char *dir, const char *rel, const char *const *cols,
                  size_t ncols, slp_rules_errors_t *errs);
/* Next data row with the right number of cells: 1, or 0 at the end. Blank lines and
 * lines starting with '#' are skipped; rows with the wrong cell count are reported. */
int slp__tsv_next(slp__tsv_t *t);
void slp__tsv_close(slp__tsv_t *t);

/* Typed cells: 0 on success, else -1 after reporting "column <name>: ...". */
int slp__tsv_uint(slp__tsv_t *t, size_t col, uint32_t max, uint32_t *out);
int slp__tsv_int(slp__tsv_t *t, size_t col, int32_t min, int32_t max, int32_t *out);
/* Fixed-point decimal with at most `places` fraction digits, scaled by 10^places. */
int slp__tsv_decimal(slp__tsv_t *t, size_t col, int places, int64_t *out);
/* YYYY-MM-DD; with open_end, "*" gives SLP__NO_END. */
int slp__tsv_date(slp__tsv_t *t, size_t col, bool open_end, int32_t *days);
/* A 5-character HCPCS code (letters/digits), or "-" (empty) when allow_none. */
int slp__tsv_code(slp__tsv_t *t, size_t col, bool allow_none, char out[8]);
/* One of names[] (index into *out). */
int slp__tsv_enum(slp__tsv_t *t, size_t col, const char *const *names, size_t n, int *out);
/* "yes" / "no". */
int slp__tsv_bool(slp__tsv_t *t, size_t col, bool *out);
/* A non-empty identifier (no spaces) shorter than len. */
int slp__tsv_id(slp__tsv_t *t, size_t col, char *out, size_t len);
/* Report a row-level problem on the current line. */
void slp__tsv_error(slp__tsv_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
