/* SPDX-License-Identifier: Apache-2.0 */
/* cms_gpci.c -- the PFS locality files as CMS publishes them in the RVU zip: the GPCI file
 * (GPCI2025.csv) and the county-to-locality file (25LOCCO.csv).
 *
 * Layouts, as read from the RVU25D copies in alex-bea/cms_api sample_data/rvu25d_0/:
 * - GPCI2025.csv: a title record ("ADDENDUM E. FINAL CY 2025 GEOGRAPHIC PRACTICE COST
 *   INDICES ..."), a blank one, the heading record "Medicare Administrative Contractor
 *   (MAC),State,Locality Number,Locality Name,2025 PW GPCI (with 1.0 Floor),2025 PE GPCI,
 *   2025 MP GPCI", one record per locality ("01112,CA,05,SAN FRANCISCO-...,1.088,1.419,0.445";
 *   GPCIs with up to 3 decimals, "1" for 1.000), then notes ("MAC Assignments as of ...",
 *   "*Work GPCI reflects a 1.5 floor in Alaska ...").
 * - 25LOCCO.csv: a title record, a blank one, the heading record "Medicare Adminstrative
 *   Contractor,Locality Number,State ,Fee Schedule Area ,Counties" (CMS's spelling), then
 *   locality records with blank records between them; the MAC and locality lose their leading
 *   zeros ("1182,18,..." is 01182 locality 18), the state is only on a state's first record,
 *   and a note record ends the file.
 * Columns are found by their headings (the year is part of the GPCI headings). Data records
 * are the ones whose first field is all digits, from the heading record on; the first record
 * after the data whose first field is not blank and not digits starts the notes, and the
 * rest of the file is not read. GPCIs are parsed digit by digit (no floating point). Thread:
 * any. Hand-written for the reasons in cms_util.h. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "rules/cms_util.h"
#include "rules/load.h"

#define LOC_FIELDS 16

static bool all_digits(const char *s) {
  if (*s == '\0')
    return false;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s))
      return false;
  return true;
}

/* Case-insensitive substring. */
static bool has_ci(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (; *hay; hay++)
    if (strncasecmp(hay, needle, n) == 0)
      return true;
  return false;
}

typedef struct loc_cols {
  const char *want[8];
  int col[8];
  int n;
} loc_cols_t;

/* Locate every wanted heading in the heading record; -1 (reported) when one is missing. */
static int find_cols(slp__cms_reader_t *r, char **f, int nf, loc_cols_t *c) {
  int rc = 0;
  for (int k = 0; k < c->n; k++) {
    c->col[k] = -1;
    for (int i = 0; i < nf && i < LOC_FIELDS && c->col[k] < 0; i++)
      if (has_ci(f[i], c->want[k]))
        c->col[k] = i;
    if (c->col[k] < 0) {
      slp__cms_error(r, r->record_line, "no column headed \"%s\" in the heading record",
                     c->want[k]);
      rc = -1;
    }
  }
  return rc;
}

static bool blank_record(char **f, int nf) {
  for (int i = 0; i < nf && i < LOC_FIELDS; i++)
    if (!slp__cms_blank(f[i]))
      return false;
  return true;
}

/* The record loop both files share. row_fn parses and emits one data record. */
typedef int (*row_fn)(slp__cms_reader_t *r, const loc_cols_t *c, char **f, int nf,
                      const void *cb, void *ctx);

static long read_locality_file(slp__cms_reader_t *r, const char *heading, loc_cols_t *c,
                               row_fn fn, const void *cb, void *ctx) {
  char *f[LOC_FIELDS];
  int nf, got;
  bool headed = false, in_data = false;
  long rows = 0, bad = 0;
  while ((got = slp__cms_next_csv(r, f, LOC_FIELDS, &nf)) != 0) {
    if (got < 0) {
      bad++;
      continue;
    }
    if (blank_record(f, nf))
      continue;
    char *first = slp__cms_trim(f[0]);
    if (!headed) {
      if (strncasecmp(first, heading, strlen(heading)) == 0) {
        headed = true;
        if (find_cols(r, f, nf, c) != 0) {
          slp__cms_close(r);
          return -1;
        }
      }
      continue;
    }
    if (!all_digits(first)) {
      if (in_data)
        break; /* the notes after the table */
      slp__cms_error(r, r->record_line, "expected a contractor number in the first field");
      bad++;
      continue;
    }
    in_data = true;
    int rc = fn(r, c, f, nf, cb, ctx);
    if (rc > 0) {
      slp__cms_close(r);
      return -1;
    }
    if (rc < 0)
      bad++;
    else
      rows++;
  }
  if (!headed)
    slp__cms_error(r, 0, "no heading record starting \"%s\"", heading);
  else if (rows == 0 && bad == 0)
    slp__cms_error(r, 0, "no locality records");
  slp__cms_close(r);
  return headed && (rows > 0 || bad > 0) ? rows : -1;
}

static int field(char **f, int nf, int col, char **out) {
  if (col >= nf || col >= LOC_FIELDS)
    return -1;
  *out = slp__cms_trim(f[col]);
  return 0;
}

enum { G_MAC, G_STATE, G_LOC, G_NAME, G_PW, G_PE, G_MP, G_N };

static int gpci_row(slp__cms_reader_t *r, const loc_cols_t *c, char **f, int nf, const void *cb,
                    void *ctx) {
  char show[48];
  char *v[G_N];
  slp_cms_gpci_row_t row;
  memset(&row, 0, sizeof row);
  for (int k = 0; k < G_N; k++)
    if (field(f, nf, c->col[k], &v[k]) != 0) {
      slp__cms_error(r, r->record_line, "expected at least %d fields, found %d", c->col[k] + 1,
                     nf);
      return -1;
    }
  if (slp__digits_pad(v[G_MAC], 5, row.mac) != 0) {
    slp__cms_error(r, r->record_line, "MAC \"%s\" is not a contractor number of 1-5 digits",
                   slp__cms_show(v[G_MAC], show, sizeof show));
    return -1;
  }
  if (slp__digits_pad(v[G_LOC], 2, row.locality) != 0) {
    slp__cms_error(r, r->record_line, "locality number \"%s\" is not 1-2 digits",
                   slp__cms_show(v[G_LOC], show, sizeof show));
    return -1;
  }
  if (strlen(v[G_STATE]) != 2 || !isupper((unsigned char)v[G_STATE][0]) ||
      !isupper((unsigned char)v[G_STATE][1])) {
    slp__cms_error(r, r->record_line, "state \"%s\" is not two capital letters",
                   slp__cms_show(v[G_STATE], show, sizeof show));
    return -1;
  }
  memcpy(row.state, v[G_STATE], 3);
  snprintf(row.name, sizeof row.name, "%s", v[G_NAME]);
  static const char *const what[3] = {"PW GPCI", "PE GPCI", "MP GPCI"};
  int64_t *dst[3] = {&row.work_milli, &row.pe_milli, &row.mp_milli};
  for (int k = 0; k < 3; k++)
    if (slp__cms_parse_fixed(v[G_PW + k], 3, dst[k]) != 0 || *dst[k] == 0) {
      slp__cms_error(r, r->record_line, "%s \"%s\" is not a positive decimal with at most 3 places",
                     what[k], slp__cms_show(v[G_PW + k], show, sizeof show));
      return -1;
    }
  slp_cms_gpci_cb fn = *(const slp_cms_gpci_cb *)cb; /* cb points at the callback */
  return fn != NULL && fn(ctx, &row) != 0 ? 1 : 0;
}

long slp_cms_gpci_parse(const char *fullpath, const char *path, slp_cms_gpci_cb cb, void *ctx,
                        slp_rules_errors_t *errs) {
  slp__cms_reader_t *r = slp__cms_open(fullpath, path, errs);
  if (r == NULL)
    return -1;
  loc_cols_t c = {{"Medicare Administrative Contractor", "State", "Locality Number",
                   "Locality Name", "PW GPCI", "PE GPCI", "MP GPCI"},
                  {0},
                  G_N};
  return read_locality_file(r, "Medicare Administrative Contractor", &c, gpci_row, &cb, ctx);
}

static int locality_row(slp__cms_reader_t *r, const loc_cols_t *c, char **f, int nf,
                        const void *cb, void *ctx) {
  char show[48], show2[48];
  char *mac, *loc;
  slp_cms_locality_row_t row;
  memset(&row, 0, sizeof row);
  if (field(f, nf, c->col[0], &mac) != 0 || field(f, nf, c->col[1], &loc) != 0) {
    slp__cms_error(r, r->record_line, "expected a contractor and a locality number");
    return -1;
  }
  if (slp__digits_pad(mac, 5, row.mac) != 0 || slp__digits_pad(loc, 2, row.locality) != 0) {
    slp__cms_error(r, r->record_line, "contractor \"%s\" or locality \"%s\" is not digits",
                   slp__cms_show(mac, show, sizeof show), slp__cms_show(loc, show2, sizeof show2));
    return -1;
  }
  slp_cms_locality_cb fn = *(const slp_cms_locality_cb *)cb;
  return fn != NULL && fn(ctx, &row) != 0 ? 1 : 0;
}

long slp_cms_locality_parse(const char *fullpath, const char *path, slp_cms_locality_cb cb,
                            void *ctx, slp_rules_errors_t *errs) {
  slp__cms_reader_t *r = slp__cms_open(fullpath, path, errs);
  if (r == NULL)
    return -1;
  /* "Adminstrative": CMS's own spelling in 25LOCCO.csv; match the part both spellings share. */
  loc_cols_t c = {{"Medicare Adm", "Locality Number"}, {0}, 2};
  return read_locality_file(r, "Medicare Adm", &c, locality_row, &cb, ctx);
}

int slp_cms_gpci_year_from_name(const char *filename) {
  const char *base = strrchr(filename, '/');
  base = base != NULL ? base + 1 : filename;
  if (strncasecmp(base, "GPCI", 4) != 0)
    return -1;
  int year = 0;
  for (int i = 4; i < 8; i++) {
    if (!isdigit((unsigned char)base[i]))
      return -1;
    year = year * 10 + (base[i] - '0');
  }
  return year >= 1990 && year <= 2099 && !isdigit((unsigned char)base[8]) ? year : -1;
}
