/* SPDX-License-Identifier: Apache-2.0 */
/* cms_ptp.c -- the NCCI practitioner procedure-to-procedure (PTP) file, read as
 * CMS publishes it (ccipra-v321r0-f1.txt ... -f4.txt).
 *
 * Format, as verified (2026-07, public samples read with the code search tool):
 * - Tab-delimited text. Notice/heading lines come first: "CPT only copyright <year>
 *   American Medical Association. All rights reserved.", "Column1/Column2 Edits",
 *   then the column headings, which CMS splits over several lines ("Column 1 / Column 2 /
 *   *=in existence / Effective / Deletion / Modifier / PTP Edit Rationale", then
 *   "prior to 1996 / Date / Date / 0=not allowed", "*=no data / 1=allowed",
 *   "9=not applicable"); some editions print them on one line. Sources: the loader
 *   comment in a public "PolicyForge" NCCI loader (4 preamble lines, 7 columns), the
 *   6-row heading block mirrored by a public pytest fixture of the CMS xlsx edition,
 *   and public test fixtures built from ccioph-v322r0-f1.txt / ccipra files
 *   (CRLF line ends, one-line heading variant).
 * - Data rows: column 1 code, column 2 code, "*" if in existence prior to 1996 else
 *   empty, effective date YYYYMMDD, deletion date YYYYMMDD or "*", modifier
 *   indicator 0/1/9, rationale text (CMS's words, e.g. "Mutually exclusive
 *   procedures"). A quarter is split over files f1-f4 only for size.
 *
 * Headings are skipped by recognising data rows (first field a 5-character
 * HCPCS/CPT code), never by a line count. From the first data row on, every
 * non-blank line must be a valid row or it is reported. Thread: any.
 */
#include <string.h>

#include "rules/cms_util.h"

#define PTP_FIELDS 7

/* Validate one data line; 0 and *row filled, or -1 (reported). */
static int ptp_row(void *self, slp__cms_reader_t *r, char **f, int nf, void *out) {
  slp_cms_ptp_row_t *row = out;
  char show[48];
  long ln = r->lineno;
  char *c1 = slp__cms_trim(f[0]);
  char *c2 = nf > 1 ? slp__cms_trim(f[1]) : NULL;
  char *prior = nf > 2 ? slp__cms_trim(f[2]) : NULL;
  char *eff = nf > 3 ? slp__cms_trim(f[3]) : NULL;
  char *del = nf > 4 ? slp__cms_trim(f[4]) : NULL;
  char *mod = nf > 5 ? slp__cms_trim(f[5]) : NULL;
  (void)self;

  if (!slp__cms_is_hcpcs(c1)) {
    slp__cms_error(r, ln, "column 1 code \"%s\" is not a 5-character HCPCS/CPT code",
                   slp__cms_show(c1, show, sizeof show));
    return -1;
  }
  bool extra = nf > 16; /* a non-blank field past the rationale */
  for (int i = PTP_FIELDS; i < nf && i < 16; i++)
    extra = extra || !slp__cms_blank(f[i]);
  if (nf < PTP_FIELDS - 1 || extra) { /* the rationale may be missing */
    slp__cms_error(r, ln, "expected %d tab-separated fields, found %d", PTP_FIELDS, nf);
    return -1;
  }
  if (!slp__cms_is_hcpcs(c2)) {
    slp__cms_error(r, ln, "column 2 code \"%s\" is not a 5-character HCPCS/CPT code",
                   slp__cms_show(c2, show, sizeof show));
    return -1;
  }
  if (prior[0] != '\0' && strcmp(prior, "*") != 0) {
    slp__cms_error(r, ln, "prior-to-1996 flag \"%s\" is not * or empty",
                   slp__cms_show(prior, show, sizeof show));
    return -1;
  }
  if (slp__cms_parse_yyyymmdd(eff, &row->effective) != 0) {
    slp__cms_error(r, ln, "effective date \"%s\" is not YYYYMMDD",
                   slp__cms_show(eff, show, sizeof show));
    return -1;
  }
  if (strcmp(del, "*") == 0) {
    row->deletion = SLP_CMS_NO_DATE;
  } else if (slp__cms_parse_yyyymmdd(del, &row->deletion) != 0) {
    slp__cms_error(r, ln, "deletion date \"%s\" is not YYYYMMDD or *",
                   slp__cms_show(del, show, sizeof show));
    return -1;
  }
  if (strcmp(mod, "0") != 0 && strcmp(mod, "1") != 0 && strcmp(mod, "9") != 0) {
    slp__cms_error(r, ln, "modifier indicator \"%s\" is not 0, 1 or 9",
                   slp__cms_show(mod, show, sizeof show));
    return -1;
  }
  /* A deletion date before the effective date is left alone: it only makes an
   * empty interval, and CMS's own files are not to be refused for it. */
  memcpy(row->column1, c1, 6);
  memcpy(row->column2, c2, 6);
  row->modifier_indicator = mod[0] - '0';
  return 0;
}

typedef struct ptp_ctx {
  slp_cms_ptp_cb cb;
  void *ctx;
  slp__cms_days_cache_t days; /* dates validated so far */
} ptp_ctx_t;

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/* 5 bytes that slp__cms_is_hcpcs accepts, followed by a tab. */
static bool hcpcs_tab(const char *s) {
  bool upper0 = s[0] >= 'A' && s[0] <= 'Z';
  bool last = is_digit(s[4]) || (!upper0 && s[4] >= 'A' && s[4] <= 'Z');
  return (upper0 || is_digit(s[0])) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) &&
         last && s[5] == '\t';
}

/* 8 digits naming a real date -> 0 and *ymd, else -1. */
static int ymd8(ptp_ctx_t *c, const char *s, int32_t *ymd) {
  int32_t v = 0;
  int32_t days; /* unused: validation only */
  for (int i = 0; i < 8; i++) {
    if (!is_digit(s[i]))
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  if (slp__cms_days(&c->days, v, &days) != 0)
    return -1;
  *ymd = v;
  return 0;
}

/* The shape of nearly every row, exactly as CMS prints it: "C1\tC2\t[*]\tYYYYMMDD\t(YYYYMMDD|*)
 * \t(0|1|9)[\trationale]" with no blanks around the fields and no tab in the rationale. Such a
 * line is one ptp_row accepts, and gives the same row; any other line goes to ptp_row. */
static int ptp_fast(void *self, const char *s, size_t len, void *out) {
  ptp_ctx_t *c = self;
  slp_cms_ptp_row_t *row = out;
  const char *end = s + len;
  if (len < 25 || !hcpcs_tab(s) || !hcpcs_tab(s + 6)) /* 25: the shortest such line */
    return 0;
  const char *p = s + 12;
  if (*p == '*')
    p++;
  if (*p++ != '\t' || end - p < 11 || ymd8(c, p, &row->effective) != 0 || p[8] != '\t')
    return 0;
  p += 9;
  if (*p == '*') {
    row->deletion = SLP_CMS_NO_DATE;
    p++;
  } else if (end - p < 9 || ymd8(c, p, &row->deletion) != 0) {
    return 0;
  } else {
    p += 8;
  }
  if (end - p < 2 || *p++ != '\t' || (*p != '0' && *p != '1' && *p != '9'))
    return 0;
  row->modifier_indicator = *p++ - '0';
  if (p < end && (*p != '\t' || memchr(p + 1, '\t', (size_t)(end - p - 1)) != NULL))
    return 0;
  memcpy(row->column1, s, 5);
  memcpy(row->column2, s + 6, 5);
  return 1;
}

static int ptp_emit(void *self, const void *row) {
  ptp_ctx_t *c = self;
  return c->cb != NULL ? c->cb(c->ctx, row) : 0;
}

static const slp__cms_rows_t ptp_rows = {
    .records = SLP__CMS_TAB_LINES,
    .max_fields = 16,
    .is_data = slp__cms_first_is_hcpcs,
    .parse = ptp_row,
    .fast = ptp_fast,
    .emit = ptp_emit,
    .no_data = "no data rows (lines starting with a 5-character HCPCS/CPT code)",
};

long slp_cms_ptp_parse(const char *fullpath, const char *path, slp_cms_ptp_cb cb, void *ctx,
                       slp_rules_errors_t *errs) {
  slp__cms_reader_t *r = slp__cms_open(fullpath, path, errs);
  ptp_ctx_t c = {cb, ctx, {{0}, {0}}};
  slp_cms_ptp_row_t row;
  if (r == NULL)
    return -1;
  return slp__cms_read_rows(r, &ptp_rows, &c, &row, sizeof row);
}
