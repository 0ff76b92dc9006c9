/* SPDX-License-Identifier: Apache-2.0 */
/* cms_pfs.c -- the physician fee schedule national relative value file (PPRRVU),
 * read as CMS publishes it in the RVUyyX zip (PPRRVU25_JAN.csv, PPRRVU2025_Oct.csv).
 *
 * Format, as verified (2026-07) on the CMS file itself: alex-bea/cms_api
 * sample_data/rvu25a/PPRRVU25_JAN.csv (2025 January release, RVU25A), read with
 * the code search tool; the fact sheet's source C1 is the October release (RVU25D,
 * PPRRVU2025_Oct.csv) of the same layout:
 * - CSV, 31 columns. Five title records with text in the third cell only
 *   (",,2025 National Physician Fee Schedule Relative Value File January Release,...",
 *   the AMA and ADA copyright lines, a blank one, "RELEASED 12/23/2024"), then the
 *   column headings spread over five records and read top to bottom per column
 *   ("NON-FACILITY" over "TOTAL", "CONV" over "FACTOR", "STATUS" over "CODE"); the
 *   last heading record starts "HCPCS,MOD,DESCRIPTION,CODE,PAYMENT,RVU,...".
 * - Positions (0-based) in that file: HCPCS 0, MOD 1, DESCRIPTION 2 (AMA short
 *   descriptors, some quoted with commas), STATUS CODE 3, NON-FACILITY TOTAL 11,
 *   FACILITY TOTAL 12, CONV FACTOR 24 (32.3465 on every 2025 row). RVUs carry 2
 *   decimals, the CF 4. The components are WORK RVU 5, NON-FAC PE RVU 6, FACILITY PE
 *   RVU 8, MP RVU 10, and MULT PROC 18 (5 on the "always therapy" codes: MPPR).
 * - The 2026 files (RVU26x, PPRRVU2026_Jul_nonQPP.csv and _QPP.csv) add a pricing
 *   indicator column before CONV FACTOR (facts-2026-12 section 1), so CONV FACTOR moves
 *   one place: another reason the columns are found by heading.
 * Columns are located from the file's own headings: each column's heading cells of
 * every record before the first data row are joined top to bottom, and the record
 * whose first cell is "HCPCS" closes the heading block; the columns wanted are the
 * ones whose joined heading ends with MOD, STATUS CODE, NON-FACILITY TOTAL,
 * FACILITY TOTAL (as a whole word) and CONV FACTOR. A heading block without one of
 * them is reported and the file refused. A file with no "HCPCS" heading record
 * at all falls back to the published positions above.
 * Data rows are recognised by a 5-character HCPCS/CPT code in the HCPCS column;
 * from the first one on, every non-blank record must be a valid row or it is
 * reported. RVUs are kept in exact thousandths and the CF in 1/10000 dollar,
 * parsed digit by digit (no floating point). Thread: any.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "rules/cms_util.h"

#define PFS_COLS_MAX 64    /* CMS's file has 31 */
#define PFS_HEADING_MAX 96 /* joined heading text kept per column (its tail) */

enum {
  COL_HCPCS,
  COL_MOD,
  COL_STATUS,
  COL_NONFAC,
  COL_FAC,
  COL_CF,
  COL_WORK,
  COL_PE_NF,
  COL_PE_FAC,
  COL_MP,
  COL_MULT,
  COL_N
};

static const char *const col_heading[COL_N] = {
    "HCPCS",    "MOD",            "STATUS CODE",     "NON-FACILITY TOTAL",
    "FACILITY TOTAL", "CONV FACTOR", "WORK RVU", "NON-FAC PE RVU",
    "FACILITY PE RVU", "MP RVU",     "MULT PROC"};
/* Published positions (RVU25A/RVU25D), used when the file has no heading row. */
static const int col_published[COL_N] = {0, 1, 3, 11, 12, 24, 5, 6, 8, 10, 18};

typedef struct pfs_state {
  char heading[PFS_COLS_MAX][PFS_HEADING_MAX + 1]; /* joined heading text per column */
  int col[COL_N];
  int need; /* fields a data row must have: max(col) + 1 */
} pfs_state_t;

/* Append one heading cell to a column's joined text, keeping the tail. */
static void heading_add(char *h, const char *cell) {
  char tmp[PFS_HEADING_MAX * 2 + 2];
  size_t hl = strlen(h);
  size_t cl = strlen(cell);
  if (cl > PFS_HEADING_MAX)
    cell += cl - PFS_HEADING_MAX, cl = PFS_HEADING_MAX;
  memcpy(tmp, h, hl);
  if (hl > 0)
    tmp[hl++] = ' ';
  memcpy(tmp + hl, cell, cl);
  hl += cl;
  tmp[hl] = '\0';
  if (hl > PFS_HEADING_MAX)
    memmove(tmp, tmp + hl - PFS_HEADING_MAX, PFS_HEADING_MAX + 1);
  memcpy(h, tmp, strlen(tmp) + 1);
}

/* Does the joined heading end with `want` as whole words (case-insensitive)? */
static bool heading_ends_with(const char *h, const char *want) {
  size_t hl = strlen(h);
  size_t wl = strlen(want);
  if (hl < wl || strcasecmp(h + hl - wl, want) != 0)
    return false;
  return hl == wl || h[hl - wl - 1] == ' ';
}

static void heading_row(pfs_state_t *st, char **f, int nf) {
  for (int i = 0; i < nf && i < PFS_COLS_MAX; i++) {
    char *cell = slp__cms_trim(f[i]);
    if (cell[0] != '\0')
      heading_add(st->heading[i], cell);
  }
}

static void set_need(pfs_state_t *st) {
  st->need = 0;
  for (int k = 0; k < COL_N; k++)
    if (st->col[k] + 1 > st->need)
      st->need = st->col[k] + 1;
}

/* Resolve columns from the headings; 0, or -1 with each missing one reported. */
static int resolve_columns(slp__cms_reader_t *r, pfs_state_t *st, int hcpcs_col) {
  int rc = 0;
  st->col[COL_HCPCS] = hcpcs_col;
  for (int k = COL_MOD; k < COL_N; k++) {
    st->col[k] = -1;
    for (int i = 0; i < PFS_COLS_MAX; i++) {
      if (heading_ends_with(st->heading[i], col_heading[k])) {
        st->col[k] = i;
        break;
      }
    }
    if (st->col[k] < 0) {
      slp__cms_error(r, r->record_line, "no column headed \"%s\" in the heading rows",
                     col_heading[k]);
      rc = -1;
    }
  }
  set_need(st);
  return rc;
}

static int pfs_row(slp__cms_reader_t *r, const pfs_state_t *st, char **f, int nf,
                   slp_cms_pfs_row_t *row) {
  char show[48];
  long ln = r->record_line;
  if (nf < st->need || nf > PFS_COLS_MAX) {
    if (nf > PFS_COLS_MAX)
      slp__cms_error(r, ln, "expected at most %d fields, found %d", PFS_COLS_MAX, nf);
    else
      slp__cms_error(r, ln, "expected at least %d fields, found %d", st->need, nf);
    return -1;
  }
  char *code = slp__cms_trim(f[st->col[COL_HCPCS]]);
  char *mod = slp__cms_trim(f[st->col[COL_MOD]]);
  char *status = slp__cms_trim(f[st->col[COL_STATUS]]);
  char *nonfac = slp__cms_trim(f[st->col[COL_NONFAC]]);
  char *fac = slp__cms_trim(f[st->col[COL_FAC]]);
  char *cf = slp__cms_trim(f[st->col[COL_CF]]);
  char *mult = slp__cms_trim(f[st->col[COL_MULT]]);
  static const struct {
    int col;
    const char *name;
    size_t off;
  } parts[] = {{COL_WORK, "WORK RVU", offsetof(slp_cms_pfs_row_t, work_milli)},
               {COL_PE_NF, "NON-FAC PE RVU", offsetof(slp_cms_pfs_row_t, pe_nf_milli)},
               {COL_PE_FAC, "FACILITY PE RVU", offsetof(slp_cms_pfs_row_t, pe_fac_milli)},
               {COL_MP, "MP RVU", offsetof(slp_cms_pfs_row_t, mp_milli)}};
  if (!slp__cms_is_hcpcs(code)) {
    slp__cms_error(r, ln, "HCPCS \"%s\" is not a 5-character HCPCS/CPT code",
                   slp__cms_show(code, show, sizeof show));
    return -1;
  }
  if (mod[0] != '\0' &&
      (strlen(mod) != 2 || !isalnum((unsigned char)mod[0]) || !isalnum((unsigned char)mod[1]))) {
    slp__cms_error(r, ln, "MOD \"%s\" is not empty or a 2-character modifier",
                   slp__cms_show(mod, show, sizeof show));
    return -1;
  }
  if (strlen(status) != 1 || status[0] < 'A' || status[0] > 'Z') {
    slp__cms_error(r, ln, "STATUS CODE \"%s\" is not one capital letter",
                   slp__cms_show(status, show, sizeof show));
    return -1;
  }
  if (slp__cms_parse_fixed(nonfac, 3, &row->nonfac_total_milli) != 0) {
    slp__cms_error(r, ln, "NON-FACILITY TOTAL \"%s\" is not a decimal with at most 3 places",
                   slp__cms_show(nonfac, show, sizeof show));
    return -1;
  }
  if (slp__cms_parse_fixed(fac, 3, &row->fac_total_milli) != 0) {
    slp__cms_error(r, ln, "FACILITY TOTAL \"%s\" is not a decimal with at most 3 places",
                   slp__cms_show(fac, show, sizeof show));
    return -1;
  }
  if (slp__cms_parse_fixed(cf, 4, &row->conv_factor_e4) != 0) {
    slp__cms_error(r, ln, "CONV FACTOR \"%s\" is not a decimal with at most 4 places",
                   slp__cms_show(cf, show, sizeof show));
    return -1;
  }
  for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
    char *cell = slp__cms_trim(f[st->col[parts[k].col]]);
    if (slp__cms_parse_fixed(cell, 3, (int64_t *)(void *)((char *)row + parts[k].off)) != 0) {
      slp__cms_error(r, ln, "%s \"%s\" is not a decimal with at most 3 places", parts[k].name,
                     slp__cms_show(cell, show, sizeof show));
      return -1;
    }
  }
  if (strlen(mult) != 1 || !isdigit((unsigned char)mult[0])) {
    slp__cms_error(r, ln, "MULT PROC \"%s\" is not one digit",
                   slp__cms_show(mult, show, sizeof show));
    return -1;
  }
  row->mult_proc = mult[0] - '0';
  memcpy(row->code, code, 6);
  memcpy(row->modifier, mod, strlen(mod) + 1);
  for (char *m = row->modifier; *m != '\0'; m++)
    *m = (char)toupper((unsigned char)*m);
  row->status = status[0];
  return 0;
}

typedef struct pfs_ctx {
  slp_cms_pfs_cb cb;
  void *ctx;
  pfs_state_t *st;
  bool headed; /* the "HCPCS" heading record was seen */
} pfs_ctx_t;

/* Before the first data row: take in heading records; -1 if the headings lack a
 * wanted column. */
static int pfs_is_data(void *self, slp__cms_reader_t *r, char **f, int nf) {
  pfs_ctx_t *c = self;
  pfs_state_t *st = c->st;
  int hc = st->col[COL_HCPCS];
  char *first = hc < nf && hc < PFS_COLS_MAX ? slp__cms_trim(f[hc]) : "";
  if (!c->headed && nf > 0 && strcasecmp(slp__cms_trim(f[0]), "HCPCS") == 0) {
    heading_row(st, f, nf);
    c->headed = true;
    return resolve_columns(r, st, 0) != 0 ? -1 : 0;
  }
  if (!slp__cms_is_hcpcs(first)) {
    if (!c->headed)
      heading_row(st, f, nf);
    return 0; /* a title or heading record */
  }
  return 1;
}

static int pfs_parse(void *self, slp__cms_reader_t *r, char **f, int nf, void *row) {
  pfs_ctx_t *c = self;
  return pfs_row(r, c->st, f, nf, row);
}

static int pfs_emit(void *self, const void *row) {
  pfs_ctx_t *c = self;
  return c->cb != NULL ? c->cb(c->ctx, row) : 0;
}

static const slp__cms_rows_t pfs_rows = {
    .records = SLP__CMS_CSV_RECORDS,
    .max_fields = PFS_COLS_MAX,
    .is_data = pfs_is_data,
    .parse = pfs_parse,
    .emit = pfs_emit,
    .no_data = "no data rows (records with a 5-character HCPCS/CPT code)",
};

long slp_cms_pfs_parse(const char *fullpath, const char *path, slp_cms_pfs_cb cb, void *ctx,
                       slp_rules_errors_t *errs) {
  slp__cms_reader_t *r;
  pfs_ctx_t c = {cb, ctx, NULL, false};
  slp_cms_pfs_row_t row;
  long rows;
  r = slp__cms_open(fullpath, path, errs);
  if (r == NULL)
    return -1;
  c.st = calloc(1, sizeof *c.st);
  if (c.st == NULL) {
    slp__cms_error(r, 0, "out of memory");
    slp__cms_close(r);
    return -1;
  }
  memcpy(c.st->col, col_published, sizeof c.st->col);
  set_need(c.st);
  rows = slp__cms_read_rows(r, &pfs_rows, &c, &row, sizeof row);
  free(c.st);
  return rows;
}

int slp_cms_pfs_year_from_name(const char *filename) {
  const char *base;
  const char *p;
  int digits = 0;
  int year = 0;
  if (filename == NULL)
    return -1;
  base = strrchr(filename, '/');
  base = base != NULL ? base + 1 : filename;
  if (strncasecmp(base, "PPRRVU", 6) != 0)
    return -1;
  for (p = base + 6; *p >= '0' && *p <= '9'; p++) {
    if (++digits > 4)
      return -1;
    year = year * 10 + (*p - '0');
  }
  if (digits == 2)
    return 2000 + year;
  if (digits == 4 && year >= 1990 && year <= 2099)
    return year;
  return -1;
}
