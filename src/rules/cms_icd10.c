/* SPDX-License-Identifier: Apache-2.0 */
/* cms_icd10.c -- the ICD-10-CM order file, read as CMS publishes it
 * (icd10cm_order_2025.txt in the "Code Descriptions" zip).
 *
 * Format, as verified (2026-07, public samples read with the code search tool; the
 * line "00001 A00     0 Cholera" + padding + "Cholera" appears verbatim in several
 * public parsers' tests, one of them stating it is copied from the FY2026 order file
 * with its column positions; a public PHP reader and a TypeScript converter slice the
 * same offsets 0/5, 6/7, 14/1, 16/60, 77-):
 *   columns 1-5    order number, 5 digits, zero-padded
 *   column  6      space
 *   columns 7-13   code without the dot, left-justified, space-padded
 *   column  14     space
 *   column  15     1 = valid for HIPAA-covered transactions (billable), 0 = header
 *   column  16     space
 *   columns 17-76  short description, space-padded to 60
 *   column  77     space
 *   columns 78-    long description
 * No heading lines; lines are still recognised as data (5 digits then a space)
 * rather than counted, and from the first one on every non-blank line must be a
 * valid row or it is reported. Thread: any.
 */
#include <string.h>

#include "rules/cms_util.h"

#define ICD_CODE_AT 6
#define ICD_CODE_LEN 7
#define ICD_FLAG_AT 14
#define ICD_SHORT_AT 16
#define ICD_SHORT_LEN 60
#define ICD_LONG_AT 77

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

static bool is_alnum_upper(char c) {
  return is_digit(c) || (c >= 'A' && c <= 'Z');
}

static bool looks_like_data(const char *s, size_t len) {
  if (len < 6 || s[5] != ' ')
    return false;
  for (int i = 0; i < 5; i++)
    if (!is_digit(s[i]))
      return false;
  return true;
}

/* Code shape (coding rules section 1): a letter, a digit, an alphanumeric, then
 * 0-4 alphanumerics; upper case, no dot. */
static bool is_icd10cm(const char *c) {
  size_t len = strlen(c);
  if (len < 3 || len > 7)
    return false;
  if (!(c[0] >= 'A' && c[0] <= 'Z') || !is_digit(c[1]))
    return false;
  for (size_t i = 2; i < len; i++)
    if (!is_alnum_upper(c[i]))
      return false;
  return true;
}

static int icd_row(slp__cms_reader_t *r, slp_cms_icd10_row_t *row, char *short_desc) {
  char show[48];
  char field[ICD_SHORT_LEN + 1];
  const char *s = r->line;
  size_t len = r->len;
  long ln = r->lineno;

  if (!looks_like_data(s, len)) {
    memcpy(field, s, len < 5 ? len : 5);
    field[len < 5 ? len : 5] = '\0';
    slp__cms_error(r, ln, "order number \"%s\" (columns 1-5) is not 5 digits followed by a space",
                   slp__cms_show(field, show, sizeof show));
    return -1;
  }
  if (len <= ICD_LONG_AT) {
    slp__cms_error(r, ln, "line is %zu bytes; the long description starts at column %d", len,
                   ICD_LONG_AT + 1);
    return -1;
  }
  static const int spaces[] = {ICD_CODE_AT + ICD_CODE_LEN, ICD_FLAG_AT + 1, ICD_LONG_AT - 1};
  for (size_t i = 0; i < sizeof spaces / sizeof spaces[0]; i++) {
    if (s[spaces[i]] != ' ') {
      slp__cms_error(r, ln, "column %d is not a space", spaces[i] + 1);
      return -1;
    }
  }
  memcpy(field, s + ICD_CODE_AT, ICD_CODE_LEN);
  field[ICD_CODE_LEN] = '\0';
  /* left-justified: the code, then only spaces */
  size_t clen = strcspn(field, " ");
  bool padded = true;
  for (size_t i = clen; i < ICD_CODE_LEN; i++)
    if (field[i] != ' ')
      padded = false;
  field[clen] = '\0';
  if (!padded || !is_icd10cm(field)) {
    memcpy(field, s + ICD_CODE_AT, ICD_CODE_LEN);
    field[ICD_CODE_LEN] = '\0';
    slp__cms_error(r, ln, "code \"%s\" (columns 7-13) is not a left-justified ICD-10-CM code",
                   slp__cms_show(slp__cms_trim(field), show, sizeof show));
    return -1;
  }
  memcpy(row->code, field, clen + 1);
  if (s[ICD_FLAG_AT] != '0' && s[ICD_FLAG_AT] != '1') {
    field[0] = s[ICD_FLAG_AT];
    field[1] = '\0';
    slp__cms_error(r, ln, "billable flag \"%s\" (column 15) is not 0 or 1",
                   slp__cms_show(field, show, sizeof show));
    return -1;
  }
  row->billable = s[ICD_FLAG_AT] - '0';
  memcpy(short_desc, s + ICD_SHORT_AT, ICD_SHORT_LEN);
  short_desc[ICD_SHORT_LEN] = '\0';
  char *sd = slp__cms_trim(short_desc);
  if (sd[0] == '\0') {
    slp__cms_error(r, ln, "short description (columns 17-76) is empty");
    return -1;
  }
  if (slp__cms_blank(s + ICD_LONG_AT)) {
    slp__cms_error(r, ln, "long description (from column 78) is empty");
    return -1;
  }
  row->short_desc = sd;
  return 0;
}

typedef struct icd_ctx {
  slp_cms_icd10_cb cb;
  void *ctx;
  char short_desc[ICD_SHORT_LEN + 1]; /* the row's short description, borrowed by cb */
} icd_ctx_t;

static int icd_is_data(void *self, slp__cms_reader_t *r, char **f, int nf) {
  (void)self, (void)f, (void)nf;
  return looks_like_data(r->line, r->len);
}

static int icd_parse(void *self, slp__cms_reader_t *r, char **f, int nf, void *row) {
  icd_ctx_t *c = self;
  (void)f, (void)nf;
  return icd_row(r, row, c->short_desc);
}

static int icd_emit(void *self, const void *row) {
  icd_ctx_t *c = self;
  return c->cb != NULL ? c->cb(c->ctx, row) : 0;
}

static const slp__cms_rows_t icd_rows = {
    .records = SLP__CMS_LINES,
    .max_fields = 0,
    .is_data = icd_is_data,
    .parse = icd_parse,
    .emit = icd_emit,
    .no_data = "no data rows (lines starting with a 5-digit order number)",
};

long slp_cms_icd10_parse(const char *fullpath, const char *path, slp_cms_icd10_cb cb, void *ctx,
                         slp_rules_errors_t *errs) {
  slp__cms_reader_t *r = slp__cms_open(fullpath, path, errs);
  icd_ctx_t c = {cb, ctx, {0}};
  slp_cms_icd10_row_t row;
  if (r == NULL)
    return -1;
  return slp__cms_read_rows(r, &icd_rows, &c, &row, sizeof row);
}
