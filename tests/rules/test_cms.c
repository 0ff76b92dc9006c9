/* SPDX-License-Identifier: Apache-2.0 */
/* test_cms.c -- the CMS file parsers (cms.h) on sample files in CMS's published
 * layouts (tests/data/cms/), their malformed copies, CRLF/BOM variants, and a
 * small deterministic fuzz loop over mutated copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slpcoder/cms.h"

/* ---- helpers ------------------------------------------------------------------ */

static char g_tmpdir[512]; /* per-run scratch directory */

static const char *data_path(const char *rel, char *buf, size_t len) {
  const char *src = getenv("SLPCODER_SOURCE_DIR");
  snprintf(buf, len, "%s/tests/data/cms/%s", src != NULL ? src : ".", rel);
  return buf;
}

static char *slurp(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  char *buf;
  long n;
  assert_non_null(fp);
  assert_int_equal(fseek(fp, 0, SEEK_END), 0);
  n = ftell(fp);
  assert_true(n >= 0);
  rewind(fp);
  buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
  buf[n] = '\0';
  fclose(fp);
  *len = (size_t)n;
  return buf;
}

static const char *tmp_write(const char *name, const char *bytes, size_t len, char *buf,
                             size_t buflen) {
  FILE *fp;
  snprintf(buf, buflen, "%s/%s", g_tmpdir, name);
  fp = fopen(buf, "wb");
  assert_non_null(fp);
  assert_int_equal(fwrite(bytes, 1, len, fp), len);
  fclose(fp);
  return buf;
}

/* A copy of a sample with LF line ends turned into CRLF (or CRLF into LF), and
 * a UTF-8 BOM put in front when bom. Caller frees. */
static char *convert(const char *in, size_t len, int to_crlf, int bom, size_t *out_len) {
  char *out = malloc(len * 2 + 4);
  size_t o = 0;
  assert_non_null(out);
  if (bom) {
    memcpy(out, "\xEF\xBB\xBF", 3);
    o = 3;
  }
  for (size_t i = 0; i < len; i++) {
    if (in[i] == '\r')
      continue;
    if (in[i] == '\n' && to_crlf)
      out[o++] = '\r';
    out[o++] = in[i];
  }
  *out_len = o;
  return out;
}

static void assert_errors(const slp_rules_errors_t *errs, const char *const *want, size_t n) {
  for (size_t i = 0; i < n && i < errs->n; i++)
    assert_string_equal(errs->lines[i], want[i]);
  assert_int_equal(errs->n, n);
  assert_int_equal(errs->n_total, n);
}

/* Row collectors. */
#define ROWS_MAX 64
static slp_cms_ptp_row_t g_ptp[ROWS_MAX];
static slp_cms_mue_row_t g_mue[ROWS_MAX];
static slp_cms_icd10_row_t g_icd[ROWS_MAX];
static char g_icd_short[ROWS_MAX][64];
static slp_cms_pfs_row_t g_pfs[ROWS_MAX];
static int g_n;

static int ptp_cb(void *ctx, const slp_cms_ptp_row_t *row) {
  (void)ctx;
  if (g_n < ROWS_MAX)
    g_ptp[g_n] = *row;
  g_n++;
  return 0;
}
static int mue_cb(void *ctx, const slp_cms_mue_row_t *row) {
  (void)ctx;
  if (g_n < ROWS_MAX)
    g_mue[g_n] = *row;
  g_n++;
  return 0;
}
static int icd_cb(void *ctx, const slp_cms_icd10_row_t *row) {
  (void)ctx;
  if (g_n < ROWS_MAX) {
    g_icd[g_n] = *row;
    snprintf(g_icd_short[g_n], sizeof g_icd_short[g_n], "%s", row->short_desc);
    g_icd[g_n].short_desc = g_icd_short[g_n];
  }
  g_n++;
  return 0;
}
static int pfs_cb(void *ctx, const slp_cms_pfs_row_t *row) {
  (void)ctx;
  if (g_n < ROWS_MAX)
    g_pfs[g_n] = *row;
  g_n++;
  return 0;
}
static int stop_cb(void *ctx, const void *row) {
  (void)row;
  return ++*(int *)ctx >= 2;
}
static int stop_ptp(void *ctx, const slp_cms_ptp_row_t *row) {
  return stop_cb(ctx, row);
}

static const slp_cms_icd10_row_t *icd_find(const char *code) {
  for (int i = 0; i < g_n && i < ROWS_MAX; i++)
    if (strcmp(g_icd[i].code, code) == 0)
      return &g_icd[i];
  return NULL;
}
static const slp_cms_mue_row_t *mue_find(const char *code) {
  for (int i = 0; i < g_n && i < ROWS_MAX; i++)
    if (strcmp(g_mue[i].code, code) == 0)
      return &g_mue[i];
  return NULL;
}
static const slp_cms_pfs_row_t *pfs_find(const char *code, const char *mod) {
  for (int i = 0; i < g_n && i < ROWS_MAX; i++)
    if (strcmp(g_pfs[i].code, code) == 0 && strcmp(g_pfs[i].modifier, mod) == 0)
      return &g_pfs[i];
  return NULL;
}

static int setup(void **state) {
  const char *base = getenv("TMPDIR");
  (void)state;
  snprintf(g_tmpdir, sizeof g_tmpdir, "%s/slp_cms_XXXXXX", base != NULL ? base : "/tmp");
  return mkdtemp(g_tmpdir) != NULL ? 0 : -1;
}

static int teardown(void **state) {
  static const char *const names[] = {"ptp.txt",  "mue.csv",  "icd.txt",  "pfs.csv",
                                      "fuzz.bin", "long.txt", "empty.txt"};
  char buf[600];
  (void)state;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(buf, sizeof buf, "%s/%s", g_tmpdir, names[i]);
    unlink(buf);
  }
  rmdir(g_tmpdir);
  return 0;
}

/* ---- NCCI PTP ------------------------------------------------------------------ */

static void test_ptp_sample(void **state) {
  char path[600];
  slp_rules_errors_t errs = {0};
  (void)state;
  g_n = 0;
  long n = slp_cms_ptp_parse(data_path("ncci/ccipra-v321r0-f1.txt", path, sizeof path),
                             "ncci/ccipra-v321r0-f1.txt", ptp_cb, NULL, &errs);
  assert_int_equal(errs.n, 0);
  assert_int_equal(n, 7);
  assert_int_equal(g_n, 7);
  /* the six heading lines are skipped; the first row is line 7 */
  assert_string_equal(g_ptp[0].column1, "92523");
  assert_string_equal(g_ptp[0].column2, "92522");
  assert_int_equal(g_ptp[0].effective, 20140101);
  assert_int_equal(g_ptp[0].deletion, SLP_CMS_NO_DATE);
  assert_int_equal(g_ptp[0].modifier_indicator, 0);
  assert_int_equal(g_ptp[1].modifier_indicator, 1);
  /* a deleted edit that existed before 1996 */
  assert_string_equal(g_ptp[4].column2, "97532");
  assert_int_equal(g_ptp[4].effective, 19960101);
  assert_int_equal(g_ptp[4].deletion, 20180101);
  assert_int_equal(g_ptp[5].modifier_indicator, 9);
  assert_int_equal(g_ptp[5].deletion, 20150101);
  assert_string_equal(g_ptp[6].column2, "G0515");
}

static void test_ptp_errors(void **state) {
  char path[600];
  slp_rules_errors_t errs = {0};
  static const char *const want[] = {
      "ncci/ccipra-v321r0-f1.txt:8: deletion date \"2025133\" is not YYYYMMDD or *",
      "ncci/ccipra-v321r0-f1.txt:9: effective date \"20041301\" is not YYYYMMDD",
      "ncci/ccipra-v321r0-f1.txt:10: modifier indicator \"2\" is not 0, 1 or 9",
      "ncci/ccipra-v321r0-f1.txt:11: column 2 code \"9250\" is not a 5-character HCPCS/CPT code",
      "ncci/ccipra-v321r0-f1.txt:12: prior-to-1996 flag \"Y\" is not * or empty",
      "ncci/ccipra-v321r0-f1.txt:13: expected 7 tab-separated fields, found 4",
      "ncci/ccipra-v321r0-f1.txt:14: column 1 code \"Notes: see the policy manual\" is not a "
      "5-character HCPCS/CPT code",
      "ncci/ccipra-v321r0-f1.txt:15: expected 7 tab-separated fields, found 8",
  };
  (void)state;
  g_n = 0;
  long n = slp_cms_ptp_parse(data_path("bad/ccipra-v321r0-f1.txt", path, sizeof path),
                             "ncci/ccipra-v321r0-f1.txt", ptp_cb, NULL, &errs);
  assert_int_equal(n, 2); /* lines 7 and 16; the parse goes on after each error */
  assert_string_equal(g_ptp[1].column1, "92610");
  assert_errors(&errs, want, sizeof want / sizeof want[0]);
}

static void test_ptp_headings_only(void **state) {
  char path[600];
  slp_rules_errors_t errs = {0};
  static const char *const want[] = {
      "ncci/ccipra-v321r0-f2.txt:0: no data rows (lines starting with a 5-character HCPCS/CPT "
      "code)"};
  (void)state;
  long n = slp_cms_ptp_parse(data_path("bad/ccipra-v321r0-f2.txt", path, sizeof path),
                             "ncci/ccipra-v321r0-f2.txt", NULL, NULL, &errs);
  assert_int_equal(n, -1);
  assert_errors(&errs, want, 1);
}

static void test_ptp_lf_and_bom(void **state) {
  char path[600];
  char tmp[600];
  size_t len;
  size_t clen;
  slp_rules_errors_t errs = {0};
  (void)state;
  char *in = slurp(data_path("ncci/ccipra-v321r0-f1.txt", path, sizeof path), &len);
  char *lf = convert(in, len, 0, 1, &clen);
  g_n = 0;
  long n = slp_cms_ptp_parse(tmp_write("ptp.txt", lf, clen, tmp, sizeof tmp), "p.txt", ptp_cb, NULL,
                             &errs);
  assert_int_equal(errs.n, 0);
  assert_int_equal(n, 7);
  assert_string_equal(g_ptp[6].column2, "G0515");
  free(lf);
  free(in);
}

static void test_ptp_callback_stops(void **state) {
  char path[600];
  slp_rules_errors_t errs = {0};
  int calls = 0;
  (void)state;
  long n = slp_cms_ptp_parse(data_path("ncci/ccipra-v321r0-f1.txt", path, sizeof path), "p",
                             stop_ptp, &calls, &errs);
  assert_int_equal(n, -1);
  assert_int_equal(calls, 2);
  assert_int_equal(errs.n, 0);
}

/* ---- MUE ----------------------------------------------------------------------- */

static void test_mue_sample(void **state) {
  char path[600];
  slp_rules_errors_t errs = {0};
  (void)state;
  g_n = 0;
  long n = slp_cms_mue_parse(
      data_path("mue/MCR_MUE_PractitionerServices_Eff_01-01-2025.csv", path, sizeof path),
      "mue/MCR_MUE_PractitionerServices_Eff_01-01-2025.csv", mue_cb, NULL, &errs);
  assert_int_equal(errs.n, 0);
  assert_int_equal(n, 12);
  assert_string_equal(g_mue[0].code, "92507"); /* notice and heading records skipped */
  assert_int_equal(mue_find("92507")->max_units, 1);
  assert_int_equal(mue_find("92507")->adjudication, 3);
  assert_int_equal(mue_find("92526")->max_units, 1);
  assert_int_equal(mue_find("92526")->adjudication, 2);
  assert_int_equal(mue_find("92610")->max_units, 1);
  assert_int_equal(mue_find("92610")->adjudication, 2);
  assert_int_equal(mue_find("92609")->adjudication, 3); /* every field quoted */
  assert_int_equal(mue_find("97130")->max_units, 5);
  assert_int_equal(mue_find("96125")->adjudication, 1);
  assert_int_equal(mue_find("G0515")->max_units, 0);
}

static void test_mue_errors(void **state) {
  char path[600];
  slp_rules_errors_t errs = {0};
  static const char *const want[] = {
      "mue/x.csv:7: MUE value \"one\" is not a whole number",
      "mue/x.csv:8: adjudication indicator \"4 Date of Service Edit: Policy\" does not start with "
      "1, 2 or 3",
      "mue/x.csv:9: code \"925X6\" is not a 5-character HCPCS/CPT code",
      "mue/x.csv:10: expected 4 fields (code, MUE value, adjudication indicator, rationale), "
      "found 2",
      "mue/x.csv:11: field 2 has characters after its closing quote",
      "mue/x.csv:12: expected 4 fields (code, MUE value, adjudication indicator, rationale), "
      "found 5",
      "mue/x.csv:15: quoted field 3 is not closed before the end of the file",
  };
  (void)state;
  g_n = 0;
  long n = slp_cms_mue_parse(
      data_path("bad/MCR_MUE_PractitionerServices_Eff_01-01-2025.csv", path, sizeof path),
      "mue/x.csv", mue_cb, NULL, &errs);
  assert_int_equal(n, 2);
  assert_string_equal(g_mue[1].code, "92610");
  assert_errors(&errs, want, sizeof want / sizeof want[0]);
}

static void test_mue_lf_and_bom(void **state) {
  char path[600];
  char tmp[600];
  size_t len;
  size_t clen;
  slp_rules_errors_t errs = {0};
  (void)state;
  char *in = slurp(
      data_path("mue/MCR_MUE_PractitionerServices_Eff_01-01-2025.csv", path, sizeof path), &len);
  char *lf = convert(in, len, 0, 1, &clen); /* the BOM sits before the opening quote */
  g_n = 0;
  long n = slp_cms_mue_parse(tmp_write("mue.csv", lf, clen, tmp, sizeof tmp), "m.csv", mue_cb, NULL,
                             &errs);
  assert_int_equal(errs.n, 0);
  assert_int_equal(n, 12);
  free(lf);
  free(in);
}

/* ---- ICD-10-CM order file ---------------------------------------------------------- */

static void test_icd10_sample(void **state) {
  char path[600];
  slp_rules_errors_t errs = {0};
  int billable = 0;
  (void)state;
  g_n = 0;
  long n = slp_cms_icd10_parse(data_path("icd10cm/icd10cm_order_2025.txt", path, sizeof path),
                               "icd10cm/icd10cm_order_2025.txt", icd_cb, NULL, &errs);
  assert_int_equal(errs.n, 0);
  assert_int_equal(n, 26);
  for (int i = 0; i < g_n; i++)
    billable += g_icd[i].billable;
  assert_int_equal(billable, 20); /* 6 headers: F02 F80 F808 R13 R131 R633 */
  assert_int_equal(icd_find("F800")->billable, 1);
  assert_string_equal(icd_find("F800")->short_desc, "Phonological disorder");
  assert_int_equal(icd_find("R131")->billable, 0);
  assert_int_equal(icd_find("R1310")->billable, 1);
  assert_int_equal(icd_find("R1319")->billable, 1);
  assert_int_equal(icd_find("F808")->billable, 0);
  assert_int_equal(icd_find("F8081")->billable, 1);
  assert_int_equal(icd_find("R633")->billable, 0);
  assert_int_equal(icd_find("R6331")->billable, 1);
  assert_int_equal(icd_find("I69391")->billable, 1);
  assert_int_equal(icd_find("R4701")->billable, 1);
  assert_int_equal(icd_find("F0280")->billable, 1);
  assert_string_equal(icd_find("F0280")->short_desc,
                      "Dementia in oth diseases classd elswhr, unsp sev, w/o behav");
}

static void test_icd10_errors(void **state) {
  char path[600];
  slp_rules_errors_t errs = {0};
  static const char *const want[] = {
      "icd10cm/o.txt:2: billable flag \"2\" (column 15) is not 0 or 1",
      "icd10cm/o.txt:3: code \"F8.0\" (columns 7-13) is not a left-justified ICD-10-CM code",
      "icd10cm/o.txt:4: order number \"0010x\" (columns 1-5) is not 5 digits followed by a space",
      "icd10cm/o.txt:5: line is 40 bytes; the long description starts at column 78",
      "icd10cm/o.txt:6: code \"F800\" (columns 7-13) is not a left-justified ICD-10-CM code",
      "icd10cm/o.txt:7: short description (columns 17-76) is empty",
      "icd10cm/o.txt:8: column 16 is not a space",
  };
  (void)state;
  g_n = 0;
  long n = slp_cms_icd10_parse(data_path("bad/icd10cm_order_2025.txt", path, sizeof path),
                               "icd10cm/o.txt", icd_cb, NULL, &errs);
  assert_int_equal(n, 2); /* lines 1 and 9; the trailing empty lines are fine */
  assert_errors(&errs, want, sizeof want / sizeof want[0]);
}

static void test_icd10_crlf_and_bom(void **state) {
  char path[600];
  char tmp[600];
  size_t len;
  size_t clen;
  slp_rules_errors_t errs = {0};
  (void)state;
  char *in = slurp(data_path("icd10cm/icd10cm_order_2025.txt", path, sizeof path), &len);
  char *crlf = convert(in, len, 1, 1, &clen);
  g_n = 0;
  long n = slp_cms_icd10_parse(tmp_write("icd.txt", crlf, clen, tmp, sizeof tmp), "o.txt", icd_cb,
                               NULL, &errs);
  assert_int_equal(errs.n, 0);
  assert_int_equal(n, 26);
  assert_string_equal(g_icd[0].code, "F02");
  free(crlf);
  free(in);
}

/* ---- PFS relative value file --------------------------------------------------------- */

static void test_pfs_sample(void **state) {
  char path[600];
  slp_rules_errors_t errs = {0};
  (void)state;
  g_n = 0;
  long n = slp_cms_pfs_parse(data_path("pfs/PPRRVU2025_Oct.csv", path, sizeof path),
                             "pfs/PPRRVU2025_Oct.csv", pfs_cb, NULL, &errs);
  assert_int_equal(errs.n, 0);
  assert_int_equal(n, 19);
  assert_string_equal(g_pfs[0].code, "92507"); /* ten title/heading records skipped */
  assert_int_equal(pfs_find("92507", "")->nonfac_total_milli, 2320);
  assert_int_equal(pfs_find("92507", "")->fac_total_milli, 2320);
  assert_int_equal(pfs_find("92507", "")->conv_factor_e4, 323465);
  assert_int_equal(pfs_find("92507", "")->status, 'A');
  assert_int_equal(pfs_find("92508", "")->nonfac_total_milli, 730); /* quoted description */
  assert_int_equal(pfs_find("92610", "")->nonfac_total_milli, 2580);
  assert_int_equal(pfs_find("92610", "")->fac_total_milli, 2130);
  assert_int_equal(pfs_find("92523", "")->nonfac_total_milli, 6910);
  assert_int_equal(pfs_find("92612", "")->nonfac_total_milli, 5980);
  assert_int_equal(pfs_find("92612", "26")->nonfac_total_milli, 1980);
  assert_int_equal(pfs_find("97129", "")->fac_total_milli, 660);
  assert_int_equal(pfs_find("92605", "")->status, 'B');
  assert_int_equal(pfs_find("92605", "")->nonfac_total_milli, 2720);
  /* 92507: 2.32 x 32.3465 = 75.04388, exactly, in integers: $75.04 */
  assert_int_equal(pfs_find("92507", "")->nonfac_total_milli * 323465, 750438800);
  /* the components and MULT PROC, as RVU25D prints them */
  const slp_cms_pfs_row_t *t = pfs_find("92507", "");
  assert_int_equal(t->work_milli, 1300);
  assert_int_equal(t->pe_nf_milli, 990);
  assert_int_equal(t->pe_fac_milli, 990);
  assert_int_equal(t->mp_milli, 30);
  assert_int_equal(t->mult_proc, 5);
  t = pfs_find("92610", "");
  assert_int_equal(t->pe_nf_milli, 1240);
  assert_int_equal(t->pe_fac_milli, 790);
  assert_int_equal(t->mult_proc, 0);
  for (int i = 0; i < g_n && i < ROWS_MAX; i++) {
    const slp_cms_pfs_row_t *x = &g_pfs[i];
    assert_int_equal(x->work_milli + x->pe_nf_milli + x->mp_milli, x->nonfac_total_milli);
    assert_int_equal(x->work_milli + x->pe_fac_milli + x->mp_milli, x->fac_total_milli);
  }
}

/* The 2026 layout: a pricing-indicator column before CONV FACTOR moves it one place right. */
static void test_pfs_2026_layout(void **state) {
  char path[600];
  slp_rules_errors_t errs = {0};
  (void)state;
  static const struct {
    const char *file;
    int64_t cf;
  } files[] = {{"pfs/PPRRVU2026_Jul_nonQPP.csv", 334009}, {"pfs/PPRRVU2026_Jul_QPP.csv", 335675}};
  for (size_t k = 0; k < 2; k++) {
    g_n = 0;
    long n = slp_cms_pfs_parse(data_path(files[k].file, path, sizeof path), files[k].file, pfs_cb,
                               NULL, &errs);
    assert_int_equal(errs.n, 0);
    assert_int_equal(n, 15);
    const slp_cms_pfs_row_t *t = pfs_find("92507", "");
    assert_int_equal(t->conv_factor_e4, files[k].cf);
    assert_int_equal(t->nonfac_total_milli, 2280);
    assert_int_equal(t->pe_nf_milli, 970);
    assert_int_equal(t->mp_milli, 10);
    t = pfs_find("92610", "");
    assert_int_equal(t->fac_total_milli, 1730);
    assert_int_equal(t->pe_fac_milli, 420);
    assert_null(pfs_find("97130", "")); /* no 2026 components in the facts: not in the excerpt */
  }
}

/* ---- GPCI and county-to-locality files ------------------------------------------------ */

static slp_cms_gpci_row_t g_gpci[ROWS_MAX];
static slp_cms_locality_row_t g_loc[ROWS_MAX];
static int gpci_cb(void *ctx, const slp_cms_gpci_row_t *row) {
  (void)ctx;
  if (g_n < ROWS_MAX)
    g_gpci[g_n] = *row;
  g_n++;
  return 0;
}
static int loc_cb(void *ctx, const slp_cms_locality_row_t *row) {
  (void)ctx;
  if (g_n < ROWS_MAX)
    g_loc[g_n] = *row;
  g_n++;
  return 0;
}

static void test_gpci_sample(void **state) {
  char path[600];
  slp_rules_errors_t errs = {0};
  (void)state;
  g_n = 0;
  long n = slp_cms_gpci_parse(data_path("pfs/GPCI2025.csv", path, sizeof path),
                              "pfs/GPCI2025.csv", gpci_cb, NULL, &errs);
  assert_int_equal(errs.n, 0);
  assert_int_equal(n, 7); /* the notes after the table are not rows */
  assert_string_equal(g_gpci[0].mac, "10112");
  assert_string_equal(g_gpci[0].locality, "00");
  assert_int_equal(g_gpci[0].work_milli, 1000); /* "1" */
  assert_int_equal(g_gpci[0].pe_milli, 869);
  assert_int_equal(g_gpci[0].mp_milli, 575);
  assert_string_equal(g_gpci[1].mac, "02102");
  assert_int_equal(g_gpci[1].work_milli, 1500); /* Alaska's 1.5 floor */
  assert_string_equal(g_gpci[3].name, "MANHATTAN");
  assert_string_equal(g_gpci[3].state, "NY");
  assert_int_equal(g_gpci[3].mp_milli, 1656);
  assert_int_equal(slp_cms_gpci_year_from_name("pfs/GPCI2025.csv"), 2025);
  assert_int_equal(slp_cms_gpci_year_from_name("GPCI25.csv"), -1);
}

static void test_locality_sample(void **state) {
  char path[600];
  slp_rules_errors_t errs = {0};
  (void)state;
  g_n = 0;
  long n = slp_cms_locality_parse(data_path("pfs/25LOCCO.csv", path, sizeof path),
                                  "pfs/25LOCCO.csv", loc_cb, NULL, &errs);
  assert_int_equal(errs.n, 0);
  assert_int_equal(n, 13);
  assert_string_equal(g_loc[1].mac, "02102"); /* "2102" in the file */
  assert_string_equal(g_loc[1].locality, "01");
  assert_string_equal(g_loc[6].mac, "13202"); /* the record with quoted counties */
  assert_string_equal(g_loc[6].locality, "02");
}

static void test_gpci_errors(void **state) {
  slp_rules_errors_t errs = {0};
  (void)state;
  char path[600];
  snprintf(path, sizeof path, "%s/pfs.csv", g_tmpdir);
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs("TITLE,,,,,,\n"
        "Medicare Administrative Contractor (MAC),State,Locality Number,Locality Name,"
        "2025 PW GPCI (with 1.0 Floor),2025 PE GPCI,2025 MP GPCI\n"
        "10112,AL,00,ALABAMA,1,0.8695,0.575\n"
        "10112,al,01,X,1,0.869,0.575\n"
        "10112,AL,001,X,1,0.869,0.575\n"
        "10112,AL,02,X,1,0.869,0.575\n",
        fp);
  fclose(fp);
  static const char *const want[] = {
      "pfs/g.csv:3: PE GPCI \"0.8695\" is not a positive decimal with at most 3 places",
      "pfs/g.csv:4: state \"al\" is not two capital letters",
      "pfs/g.csv:5: locality number \"001\" is not 1-2 digits"};
  g_n = 0;
  long n = slp_cms_gpci_parse(path, "pfs/g.csv", gpci_cb, NULL, &errs);
  assert_int_equal(n, 1);
  assert_errors(&errs, want, 3);
  unlink(path);
}

static void test_pfs_errors(void **state) {
  char path[600];
  slp_rules_errors_t errs = {0};
  static const char *const want[] = {
      "pfs/r.csv:12: NON-FACILITY TOTAL \"2.3x\" is not a decimal with at most 3 places",
      "pfs/r.csv:13: FACILITY TOTAL \"2.3215\" is not a decimal with at most 3 places",
      "pfs/r.csv:14: CONV FACTOR \"32.34655\" is not a decimal with at most 4 places",
      "pfs/r.csv:15: STATUS CODE \"AB\" is not one capital letter",
      "pfs/r.csv:16: MOD \"XYZ\" is not empty or a 2-character modifier",
      "pfs/r.csv:17: expected at least 25 fields, found 4",
      "pfs/r.csv:18: HCPCS \"Totals\" is not a 5-character HCPCS/CPT code",
  };
  (void)state;
  g_n = 0;
  long n = slp_cms_pfs_parse(data_path("bad/PPRRVU2025_Oct.csv", path, sizeof path), "pfs/r.csv",
                             pfs_cb, NULL, &errs);
  assert_int_equal(n, 2);
  assert_string_equal(g_pfs[1].code, "92610");
  assert_errors(&errs, want, sizeof want / sizeof want[0]);
}

static void test_pfs_heading_missing(void **state) {
  char path[600];
  slp_rules_errors_t errs = {0};
  static const char *const want[] = {
      "pfs/PPRRVU25_OCT.csv:10: no column headed \"FACILITY TOTAL\" in the heading rows"};
  (void)state;
  long n = slp_cms_pfs_parse(data_path("bad/PPRRVU25_OCT.csv", path, sizeof path),
                             "pfs/PPRRVU25_OCT.csv", pfs_cb, NULL, &errs);
  assert_int_equal(n, -1);
  assert_errors(&errs, want, 1);
}

static void test_pfs_published_positions(void **state) {
  char path[600];
  slp_rules_errors_t errs = {0};
  (void)state;
  g_n = 0;
  /* no heading records at all: the published column positions are used */
  long n = slp_cms_pfs_parse(data_path("bad/PPRRVU2025_Jul.csv", path, sizeof path), "pfs/j.csv",
                             pfs_cb, NULL, &errs);
  assert_int_equal(errs.n, 0);
  assert_int_equal(n, 3);
  assert_int_equal(pfs_find("92521", "")->nonfac_total_milli, 4040);
  assert_int_equal(pfs_find("92521", "")->conv_factor_e4, 323465);
}

static void test_pfs_crlf_and_bom(void **state) {
  char path[600];
  char tmp[600];
  size_t len;
  size_t clen;
  slp_rules_errors_t errs = {0};
  (void)state;
  char *in = slurp(data_path("pfs/PPRRVU2025_Oct.csv", path, sizeof path), &len);
  char *crlf = convert(in, len, 1, 1, &clen);
  g_n = 0;
  long n = slp_cms_pfs_parse(tmp_write("pfs.csv", crlf, clen, tmp, sizeof tmp), "r.csv", pfs_cb,
                             NULL, &errs);
  assert_int_equal(errs.n, 0);
  assert_int_equal(n, 19);
  assert_int_equal(pfs_find("92610", "")->fac_total_milli, 2130);
  free(crlf);
  free(in);
}

static void test_pfs_year_from_name(void **state) {
  static const struct {
    const char *name;
    int year;
  } cases[] = {
      {"PPRRVU25_OCT.csv", 2025},
      {"PPRRVU2025_Oct.csv", 2025},
      {"pprrvu2026_jan_nonQPP.csv", 2026},
      {"pfs/PPRRVU24_JUL.csv", 2024},
      {"PPRRVU2025.csv", 2025},
      {"PPRRVU_2025.csv", -1},
      {"PPRRVU251_OCT.csv", -1},
      {"PPRRVU20255.csv", -1},
      {"RVU25D.pdf", -1},
      {"", -1},
      {"PPRRVU", -1},
      {"GPCI2025.csv", -1},
  };
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    if (slp_cms_pfs_year_from_name(cases[i].name) != cases[i].year)
      fail_msg("%s -> %d, want %d", cases[i].name, slp_cms_pfs_year_from_name(cases[i].name),
               cases[i].year);
  }
  assert_int_equal(slp_cms_pfs_year_from_name(NULL), -1);
}

/* ---- every parser: files that cannot be read or hold nothing ----------------------------- */

static void test_nonexistent_file(void **state) {
  slp_rules_errors_t errs = {0};
  (void)state;
  assert_int_equal(slp_cms_ptp_parse("/nonexistent/a.txt", "ncci/a.txt", NULL, NULL, &errs), -1);
  assert_int_equal(slp_cms_mue_parse("/nonexistent/b.csv", "mue/b.csv", NULL, NULL, &errs), -1);
  assert_int_equal(slp_cms_icd10_parse("/nonexistent/c.txt", "c.txt", NULL, NULL, &errs), -1);
  assert_int_equal(slp_cms_pfs_parse("/nonexistent/d.csv", "d.csv", NULL, NULL, &errs), -1);
  assert_int_equal(errs.n, 4);
  assert_string_equal(errs.lines[0], "ncci/a.txt:0: cannot open: No such file or directory");
  assert_string_equal(errs.lines[3], "d.csv:0: cannot open: No such file or directory");
  /* errs may be NULL */
  assert_int_equal(slp_cms_ptp_parse("/nonexistent/a.txt", "a", NULL, NULL, NULL), -1);
}

static void test_empty_file(void **state) {
  char tmp[600];
  slp_rules_errors_t errs = {0};
  (void)state;
  tmp_write("empty.txt", "", 0, tmp, sizeof tmp);
  assert_int_equal(slp_cms_ptp_parse(tmp, "e", NULL, NULL, &errs), -1);
  assert_int_equal(slp_cms_mue_parse(tmp, "e", NULL, NULL, &errs), -1);
  assert_int_equal(slp_cms_icd10_parse(tmp, "e", NULL, NULL, &errs), -1);
  assert_int_equal(slp_cms_pfs_parse(tmp, "e", NULL, NULL, &errs), -1);
  assert_int_equal(errs.n, 4);
  assert_string_equal(errs.lines[2],
                      "e:0: no data rows (lines starting with a 5-digit order number)");
}

static void test_overlong_line(void **state) {
  char tmp[600];
  char path[600];
  size_t len;
  slp_rules_errors_t errs = {0};
  (void)state;
  char *in = slurp(data_path("ncci/ccipra-v321r0-f1.txt", path, sizeof path), &len);
  size_t big = 10000;
  char *buf = malloc(len + big + 2);
  assert_non_null(buf);
  memcpy(buf, in, len);
  memset(buf + len, 'A', big);
  memcpy(buf + len + big, "\n", 1);
  g_n = 0;
  long n = slp_cms_ptp_parse(tmp_write("long.txt", buf, len + big + 1, tmp, sizeof tmp), "l.txt",
                             ptp_cb, NULL, &errs);
  assert_int_equal(n, 7);
  assert_int_equal(errs.n, 1);
  assert_string_equal(errs.lines[0], "l.txt:14: line is longer than 4096 bytes");
  /* the same bytes as a CSV record and as an order-file line */
  errs = (slp_rules_errors_t){0};
  assert_int_equal(slp_cms_mue_parse(tmp, "l.txt", NULL, NULL, &errs), -1);
  assert_string_equal(errs.lines[errs.n - 1], "l.txt:0: no data rows (records starting with a "
                                              "5-character HCPCS/CPT code)");
  free(buf);
  free(in);
}

/* ---- fuzz: mutated copies of the samples through all four parsers -------------------------- */

static uint32_t g_rng = 0x9e3779b9u;
static uint32_t rnd(void) {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 17;
  g_rng ^= g_rng << 5;
  return g_rng;
}

static void run_all(const char *path) {
  slp_rules_errors_t errs = {0};
  slp_cms_ptp_parse(path, "f", NULL, NULL, &errs);
  slp_cms_mue_parse(path, "f", NULL, NULL, &errs);
  slp_cms_icd10_parse(path, "f", NULL, NULL, &errs);
  slp_cms_pfs_parse(path, "f", NULL, NULL, &errs);
  assert_true(errs.n <= SLP_RULES_MAX_ERRORS);
  for (size_t i = 0; i < errs.n; i++)
    assert_non_null(memchr(errs.lines[i], '\0', SLP_RULES_ERROR_LEN));
}

static void test_fuzz_mutations(void **state) {
  static const char *const samples[] = {"ncci/ccipra-v321r0-f1.txt",
                                        "mue/MCR_MUE_PractitionerServices_Eff_01-01-2025.csv",
                                        "icd10cm/icd10cm_order_2025.txt", "pfs/PPRRVU2025_Oct.csv"};
  static const char special[] = {',', '"', '\t', '\n', '\r',       '\0',
                                 ' ', '*', '.',  '9',  (char)0xFF, (char)0xEF};
  char path[600];
  char tmp[600];
  (void)state;
  for (size_t s = 0; s < sizeof samples / sizeof samples[0]; s++) {
    size_t len;
    char *in = slurp(data_path(samples[s], path, sizeof path), &len);
    char *buf = malloc(len + 64);
    assert_non_null(buf);
    for (int iter = 0; iter < 150; iter++) {
      size_t n = len;
      memcpy(buf, in, len);
      int edits = 1 + (int)(rnd() % 8);
      for (int e = 0; e < edits; e++) {
        size_t at = rnd() % n;
        switch (rnd() % 4) {
        case 0:
          buf[at] = special[rnd() % sizeof special];
          break;
        case 1:
          buf[at] = (char)(rnd() & 0xFF);
          break;
        case 2: /* delete a byte */
          memmove(buf + at, buf + at + 1, n - at - 1);
          n--;
          break;
        default: /* truncate */
          n = at + 1;
          break;
        }
        if (n < 2)
          break;
      }
      run_all(tmp_write("fuzz.bin", buf, n, tmp, sizeof tmp));
    }
    free(buf);
    free(in);
  }
  /* plain garbage */
  char junk[2048];
  for (int iter = 0; iter < 50; iter++) {
    size_t n = rnd() % sizeof junk;
    for (size_t i = 0; i < n; i++)
      junk[i] = (char)(rnd() & 0xFF);
    run_all(tmp_write("fuzz.bin", junk, n, tmp, sizeof tmp));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ptp_sample),
      cmocka_unit_test(test_ptp_errors),
      cmocka_unit_test(test_ptp_headings_only),
      cmocka_unit_test(test_ptp_lf_and_bom),
      cmocka_unit_test(test_ptp_callback_stops),
      cmocka_unit_test(test_mue_sample),
      cmocka_unit_test(test_mue_errors),
      cmocka_unit_test(test_mue_lf_and_bom),
      cmocka_unit_test(test_icd10_sample),
      cmocka_unit_test(test_icd10_errors),
      cmocka_unit_test(test_icd10_crlf_and_bom),
      cmocka_unit_test(test_pfs_sample),
      cmocka_unit_test(test_pfs_errors),
      cmocka_unit_test(test_pfs_heading_missing),
      cmocka_unit_test(test_pfs_published_positions),
      cmocka_unit_test(test_pfs_crlf_and_bom),
      cmocka_unit_test(test_pfs_year_from_name),
      cmocka_unit_test(test_pfs_2026_layout),
      cmocka_unit_test(test_gpci_sample),
      cmocka_unit_test(test_locality_sample),
      cmocka_unit_test(test_gpci_errors),
      cmocka_unit_test(test_nonexistent_file),
      cmocka_unit_test(test_empty_file),
      cmocka_unit_test(test_overlong_line),
      cmocka_unit_test(test_fuzz_mutations),
  };
  return cmocka_run_group_tests_name("rules/cms", tests, setup, teardown);
}
