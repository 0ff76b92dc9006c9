/* SPDX-License-Identifier: Apache-2.0 */
/* cms_mue.c -- the practitioner medically unlikely edits (MUE) file, read as CMS
 * publishes it (MCR_MUE_PractitionerServices_Eff_01-01-2025.csv).
 *
 * Format, as verified (2026-07, public samples read with the code search tool):
 * - CSV, CRLF line ends. First a notice record whose quoted field holds line breaks:
 *   "Current Procedural Terminology (CPT) codes, descriptions and other data only are
 *   copyright the American Medical Association.<CRLF><CRLF>Applicable FARS/DFARS
 *   Restrictions Apply.",,,  (a public node test reproducing the CMS CSV layout);
 *   then the heading row, whose first cell is "HCPCS/<CRLF>CPT Code" inside quotes:
 *   "HCPCS/\r\nCPT Code",Practitioner Services MUE Values,MUE Adjudication
 *   Indicator,MUE Rationale (same test; a public Python MUE parser documents the same
 *   heading and finds the header by "CPT Code").
 * - Rows: HCPCS/CPT code, MUE value (whole number, 0 allowed), MAI as CMS's text
 *   "1 Line Edit" / "2 Date of Service Edit: Policy" / "3 Date of Service Edit:
 *   Clinical" (the leading digit is the indicator; public R and Python loaders take
 *   substr(.., 1, 1)), rationale ("Nature of Service/Procedure", "Clinical: Data",
 *   "CMS Policy" ...). Any field may be quoted.
 *
 * Notice and heading records are skipped by recognising data rows (first field a
 * 5-character HCPCS/CPT code). From the first data row on, every non-blank record
 * must be a valid row or it is reported. Thread: any.
 */
#include <string.h>

#include "rules/cms_util.h"

#define MUE_FIELDS 4
#define MUE_FIELDS_MAX 16

static int mue_row(void *self, slp__cms_reader_t *r, char **f, int nf, void *out) {
  slp_cms_mue_row_t *row = out;
  char show[48];
  long ln = r->record_line;
  char *code;
  char *value;
  char *mai;
  uint64_t units = 0;
  (void)self;

  if (nf < MUE_FIELDS - 1 || nf > MUE_FIELDS_MAX) {
    slp__cms_error(r, ln,
                   "expected %d fields (code, MUE value, adjudication indicator, "
                   "rationale), found %d",
                   MUE_FIELDS, nf);
    return -1;
  }
  for (int i = MUE_FIELDS; i < nf; i++) {
    if (!slp__cms_blank(f[i])) {
      slp__cms_error(r, ln,
                     "expected %d fields (code, MUE value, adjudication indicator, "
                     "rationale), found %d",
                     MUE_FIELDS, nf);
      return -1;
    }
  }
  code = slp__cms_trim(f[0]);
  value = slp__cms_trim(f[1]);
  mai = slp__cms_trim(f[2]);
  if (!slp__cms_is_hcpcs(code)) {
    slp__cms_error(r, ln, "code \"%s\" is not a 5-character HCPCS/CPT code",
                   slp__cms_show(code, show, sizeof show));
    return -1;
  }
  size_t vlen = strlen(value);
  bool digits = vlen > 0 && vlen <= 9;
  for (size_t i = 0; digits && i < vlen; i++) {
    if (value[i] < '0' || value[i] > '9')
      digits = false;
    else
      units = units * 10 + (uint64_t)(value[i] - '0');
  }
  if (!digits) {
    slp__cms_error(r, ln, "MUE value \"%s\" is not a whole number",
                   slp__cms_show(value, show, sizeof show));
    return -1;
  }
  if (mai[0] < '1' || mai[0] > '3' || (mai[1] != '\0' && mai[1] != ' ')) {
    slp__cms_error(r, ln, "adjudication indicator \"%s\" does not start with 1, 2 or 3",
                   slp__cms_show(mai, show, sizeof show));
    return -1;
  }
  memcpy(row->code, code, 6);
  row->max_units = (uint32_t)units;
  row->adjudication = mai[0] - '0';
  return 0;
}

typedef struct mue_ctx {
  slp_cms_mue_cb cb;
  void *ctx;
} mue_ctx_t;

static int mue_emit(void *self, const void *row) {
  mue_ctx_t *c = self;
  return c->cb != NULL ? c->cb(c->ctx, row) : 0;
}

static const slp__cms_rows_t mue_rows = {
    .records = SLP__CMS_CSV_RECORDS,
    .max_fields = MUE_FIELDS_MAX,
    .is_data = slp__cms_first_is_hcpcs, /* else the notice or the heading row */
    .parse = mue_row,
    .emit = mue_emit,
    .no_data = "no data rows (records starting with a 5-character HCPCS/CPT code)",
};

long slp_cms_mue_parse(const char *fullpath, const char *path, slp_cms_mue_cb cb, void *ctx,
                       slp_rules_errors_t *errs) {
  slp__cms_reader_t *r = slp__cms_open(fullpath, path, errs);
  mue_ctx_t c = {cb, ctx};
  slp_cms_mue_row_t row;
  if (r == NULL)
    return -1;
  return slp__cms_read_rows(r, &mue_rows, &c, &row, sizeof row);
}
