/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_cms.c -- libFuzzer target: the input bytes as a file, read by every CMS file parser
 * (cms.h) directly (PTP, MUE, ICD-10-CM order, PPRRVU, GPCI, county-to-locality), and the
 * input's head as a PFS and a GPCI file name.
 *
 * Invariants: every row passed on is bounded and readable; every problem is "path:line: what";
 * no crash, leak or undefined behaviour. Built and run by ctest under -DSLPCODER_FUZZ=ON (the
 * fuzz preset; fuzz/README.md), seeds in fuzz/corpus/cms/.
 */
#include "fuzz_common.h"
#include "slpcoder/cms.h"

static int count_ptp(void *ctx, const slp_cms_ptp_row_t *row) {
  (void)row;
  return ++*(long *)ctx > 1000000;
}
static int count_mue(void *ctx, const slp_cms_mue_row_t *row) {
  (void)row;
  return ++*(long *)ctx > 1000000;
}
static int check_icd(void *ctx, const slp_cms_icd10_row_t *row) {
  (void)ctx;
  if (strlen(row->short_desc) > 60 || strlen(row->code) > 7) /* borrowed text: readable, bounded */
    abort();
  return 0;
}
static int check_pfs(void *ctx, const slp_cms_pfs_row_t *row) {
  (void)ctx;
  if (row->nonfac_total_milli < 0 || row->fac_total_milli < 0 || row->conv_factor_e4 < 0 ||
      strlen(row->code) != 5 || strlen(row->modifier) > 2)
    abort();
  return 0;
}

static int check_gpci(void *ctx, const slp_cms_gpci_row_t *row) {
  (void)ctx;
  FUZZ_ASSERT(strlen(row->mac) == 5 && strlen(row->locality) == 2 && strlen(row->state) <= 2 &&
                  strlen(row->name) < sizeof row->name && row->work_milli >= 0 &&
                  row->pe_milli >= 0 && row->mp_milli >= 0,
              "GPCI row out of bounds");
  return 0;
}
static int check_locality(void *ctx, const slp_cms_locality_row_t *row) {
  (void)ctx;
  FUZZ_ASSERT(strlen(row->mac) == 5 && strlen(row->locality) == 2, "locality row out of bounds");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char path[700];
  slp_rules_errors_t errs;
  long rows = 0;
  if (path[0] == '\0')
    snprintf(path, sizeof path, "%s/cms-input", fuzz_dir());
  fuzz_write(path, data, size);

  memset(&errs, 0, sizeof errs);
  slp_cms_ptp_parse(path, "ncci/f.txt", count_ptp, &rows, &errs);
  slp_cms_mue_parse(path, "mue/f.csv", count_mue, &rows, &errs);
  slp_cms_icd10_parse(path, "icd10cm/f.txt", check_icd, NULL, &errs);
  slp_cms_pfs_parse(path, "pfs/f.csv", check_pfs, NULL, &errs);
  fuzz_check_rules_errors(&errs);
  memset(&errs, 0, sizeof errs);
  slp_cms_gpci_parse(path, "pfs/GPCI2025.csv", check_gpci, NULL, &errs);
  slp_cms_locality_parse(path, "pfs/25LOCCO.csv", check_locality, NULL, &errs);
  fuzz_check_rules_errors(&errs);
  char name[64]; /* the input's head as a file name, NUL-terminated */
  size_t n = size < sizeof name - 1 ? size : sizeof name - 1;
  memcpy(name, data, n);
  name[n] = '\0';
  int year = slp_cms_pfs_year_from_name(name);
  FUZZ_ASSERT(year == -1 || (year >= 1990 && year <= 2099), "year %d", year);
  year = slp_cms_gpci_year_from_name(name);
  FUZZ_ASSERT(year == -1 || (year >= 1990 && year <= 2099), "GPCI year %d", year);
  return 0;
}
