/* fuzz_cms.c -- libFuzzer target: the input bytes as a file, read by all four CMS
 * file parsers (cms.h). Not part of ctest; build and run by hand:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc fuzz/fuzz_cms.c \
 *     src/rules/cms_*.c src/rules/errors.c src/common/date.c -o /tmp/fuzz_cms
 *   /tmp/fuzz_cms -max_total_time=60 -max_len=16384 tests/data/cms/ncci tests/data/cms/mue \
 *     tests/data/cms/icd10cm tests/data/cms/pfs
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slpcoder/cms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char g_path[256]; /* one scratch file per fuzzing process, rewritten each run */

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

static void cleanup(void) {
  if (g_path[0] != '\0')
    unlink(g_path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  slp_rules_errors_t errs;
  long rows = 0;
  FILE *fp;
  if (g_path[0] == '\0') {
    const char *tmp = getenv("TMPDIR");
    snprintf(g_path, sizeof g_path, "%s/fuzz_cms_XXXXXX", tmp != NULL ? tmp : "/tmp");
    int fd = mkstemp(g_path);
    if (fd < 0)
      abort();
    close(fd);
    atexit(cleanup);
  }
  fp = fopen(g_path, "wb");
  if (fp == NULL)
    abort();
  if (size > 0 && fwrite(data, 1, size, fp) != size)
    abort();
  fclose(fp);

  memset(&errs, 0, sizeof errs);
  slp_cms_ptp_parse(g_path, "ncci/f.txt", count_ptp, &rows, &errs);
  slp_cms_mue_parse(g_path, "mue/f.csv", count_mue, &rows, &errs);
  slp_cms_icd10_parse(g_path, "icd10cm/f.txt", check_icd, NULL, &errs);
  slp_cms_pfs_parse(g_path, "pfs/f.csv", check_pfs, NULL, &errs);
  if (errs.n > SLP_RULES_MAX_ERRORS)
    abort();
  for (size_t i = 0; i < errs.n; i++)
    if (memchr(errs.lines[i], '\0', SLP_RULES_ERROR_LEN) == NULL)
      abort();
  char name[64]; /* the input's head as a file name, NUL-terminated */
  size_t n = size < sizeof name - 1 ? size : sizeof name - 1;
  memcpy(name, data, n);
  name[n] = '\0';
  int year = slp_cms_pfs_year_from_name(name);
  if (year != -1 && (year < 1990 || year > 2099))
    abort();
  return 0;
}
