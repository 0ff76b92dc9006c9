/* SPDX-License-Identifier: Apache-2.0 */
/* test_bundle_files.c -- the loader's file handling: a FIFO, a directory or an over-large file in
 * the bundle is refused by name without blocking or reading it; the real errno text is reported;
 * a NUL byte is "file:line: NUL byte"; duplicate and overlapping rows name both lines; a bad date
 * is reported once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/fixture.h"
#include "slpcoder/cms.h"

/* Load dir, expect a refusal, and return the errors. */
static void load_refused(const char *dir, slp_rules_errors_t *errs) {
  slp_rules_t *r = (slp_rules_t *)0x1;
  assert_int_equal(slp_rules_load(dir, &r, errs), -1);
  assert_null(r);
}

static void replace_with(const char *dir, const char *file, int (*make)(const char *path)) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  assert_int_equal(unlink(path), 0);
  assert_int_equal(make(path), 0);
}

static int make_fifo(const char *path) {
  return mkfifo(path, 0600);
}
static int make_dir(const char *path) {
  return mkdir(path, 0700);
}
static int make_loop(const char *path) {
  return symlink(path, path); /* a link to itself: ELOOP on open */
}
static int make_huge(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0)
    return -1;
  /* sparse: 2 GiB + 1 byte of size, no disk blocks */
  int rc = ftruncate(fd, ((off_t)2 << 30) + 1);
  close(fd);
  return rc;
}

static void test_non_regular_files_are_refused(void **state) {
  (void)state;
  char dir[256];
  fx_copy_default(dir, sizeof dir);
  replace_with(dir, "codes.tsv", make_fifo); /* would block an fopen until a writer came */
  replace_with(dir, "kx.tsv", make_dir);
  replace_with(dir, "manifest.ini", make_fifo);
  slp_rules_errors_t errs;
  load_refused(dir, &errs);
  assert_true(fx_has_error(&errs, "codes.tsv:0: not a regular file"));
  assert_true(fx_has_error(&errs, "kx.tsv:0: not a regular file"));
  assert_true(fx_has_error(&errs, "manifest.ini:0: not a regular file"));
  fx_remove(dir);
}

static void test_cms_folders_and_top_say_what_they_skip(void **state) {
  (void)state;
  char dir[256], path[512];
  fx_copy_default(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/ncci/ccipra-v321r0-f1.txt", dir);
  assert_int_equal(mkfifo(path, 0600), 0);
  snprintf(path, sizeof path, "%s/mue/MCR_MUE.csv", dir);
  assert_int_equal(symlink("/nonexistent/MCR_MUE.csv", path), 0);
  snprintf(path, sizeof path, "%s/pfs/PPRRVU2025_Oct.csv", dir);
  assert_int_equal(mkdir(path, 0700), 0);
  snprintf(path, sizeof path, "%s/notes.fifo", dir);
  assert_int_equal(mkfifo(path, 0600), 0);
  snprintf(path, sizeof path, "%s/archive", dir); /* a directory at the top is let be */
  assert_int_equal(mkdir(path, 0700), 0);
  slp_rules_errors_t errs;
  load_refused(dir, &errs);
  assert_true(fx_has_error(&errs, "ncci/ccipra-v321r0-f1.txt:0: not a regular file"));
  assert_true(fx_has_error(&errs, "mue/MCR_MUE.csv:0: cannot read: No such file or directory"));
  assert_true(fx_has_error(&errs, "pfs/PPRRVU2025_Oct.csv:0: not a regular file"));
  assert_true(fx_has_error(&errs, "notes.fifo:0: not a regular file"));
  assert_int_equal(errs.n_total, 4);
  fx_remove(dir);
}

static void test_size_cap_and_real_errno(void **state) {
  (void)state;
  char dir[256];
  fx_copy_default(dir, sizeof dir);
  replace_with(dir, "charges.tsv", make_huge);
  replace_with(dir, "fees.tsv", make_loop);
  slp_rules_errors_t errs;
  load_refused(dir, &errs);
  assert_true(fx_has_error(&errs, "charges.tsv:0: larger than the 2 GiB limit for a bundle file"));
  assert_true(
      fx_has_error(&errs, "fees.tsv:0: cannot read the table: Too many levels of symbolic links"));
  fx_remove(dir);
}

static void test_cms_reader_refuses_a_fifo_and_dev_zero(void **state) {
  (void)state;
  char dir[256];
  fx_copy_default(dir, sizeof dir);
  char path[512];
  snprintf(path, sizeof path, "%s/ptp.fifo", dir);
  assert_int_equal(mkfifo(path, 0600), 0);
  slp_rules_errors_t errs;
  memset(&errs, 0, sizeof errs);
  assert_int_equal(slp_cms_ptp_parse(path, "ncci/a.txt", NULL, NULL, &errs), -1);
  assert_int_equal(slp_cms_mue_parse("/dev/zero", "mue/z.csv", NULL, NULL, &errs), -1);
  assert_int_equal(errs.n, 2);
  assert_string_equal(errs.lines[0], "ncci/a.txt:0: not a regular file");
  assert_string_equal(errs.lines[1], "mue/z.csv:0: not a regular file");
  fx_remove(dir);
}

static void test_nul_byte_names_the_line(void **state) {
  (void)state;
  char dir[256];
  fx_copy_default(dir, sizeof dir);
  long line = fx_count_lines(dir, "charges.tsv") + 1;
  char path[512];
  snprintf(path, sizeof path, "%s/charges.tsv", dir);
  FILE *fp = fopen(path, "ab");
  assert_non_null(fp);
  /* Cut at the NUL, the row would read as a second, valid-looking price for 92507. */
  fwrite("*\t92507\t1.00\0garbage\n", 1, 21, fp);
  fclose(fp);
  long mline = fx_count_lines(dir, "manifest.ini") + 1;
  snprintf(path, sizeof path, "%s/manifest.ini", dir);
  fp = fopen(path, "ab");
  assert_non_null(fp);
  fwrite("; x\0y\n", 1, 6, fp);
  fclose(fp);
  slp_rules_errors_t errs;
  load_refused(dir, &errs);
  char want[128];
  snprintf(want, sizeof want, "charges.tsv:%ld: NUL byte", line);
  assert_true(fx_has_error(&errs, want));
  snprintf(want, sizeof want, "manifest.ini:%ld: NUL byte", mline);
  assert_true(fx_has_error(&errs, want));
  fx_remove(dir);
}

static void test_duplicates_name_both_lines(void **state) {
  (void)state;
  char dir[256];
  fx_copy_default(dir, sizeof dir);
  const struct {
    const char *file, *row;
    const char *msg, *end; /* "file:<later>: <msg><earlier><end>" */
    const char *key;       /* the first cells of the earlier row */
  } cases[] = {
      {"payers.tsv", "TXMCD\tMEDICAID\t=\t=\t=\t=\tyes\t=\t95\t=\t=\t=\t=",
       "payer_id TXMCD is listed twice (also on line ", ")", "TXMCD\t"},
      {"payer_units.tsv", "TXMCD\t92507\ttimed15\t4",
       "payer_id TXMCD code 92507 is listed twice (also on line ", ")", "TXMCD\t92507\t"},
      {"kx.tsv", "2018\t2010.00\t3000.00", "year 2018 is listed twice (also on line ", ")",
       "2018\t"},
      {"charges.tsv", "*\t92507\t150.00",
       "organization * code 92507 is listed twice (also on line ", ")", "*\t92507\t"},
      {"codes.tsv",
       "LANGUAGE\tTREAT\tIND\t92507\tuntimed\t1\t0\t-\t0\t0\t-\t-\tspeech\t2010-01-01\t*",
       "row for LANGUAGE TREAT IND overlaps the effective dates of the row on line ", "",
       "LANGUAGE\tTREAT\tIND\t"},
      {"pos.tsv", "01\tPharmacy again\tnonfacility\tO",
       "place of service 01 is listed twice (also on line ", ")", "01\t"},
      {"mppr.tsv", "2020-01-01\t*\t5\t40", "two rows for MULT PROC 5 overlap (lines ", "",
       "2013-04-01\t*\t5\t"},
  };
  enum { N_DUP = sizeof cases / sizeof cases[0] };
  char want[N_DUP][SLP_RULES_ERROR_LEN];
  for (size_t i = 0; i < N_DUP; i++) {
    char path[512], text[512];
    snprintf(path, sizeof path, "%s/%s", dir, cases[i].file);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    long earlier = 0, n = 0;
    while (fgets(text, sizeof text, fp) != NULL) {
      n++;
      if (earlier == 0 && strncmp(text, cases[i].key, strlen(cases[i].key)) == 0)
        earlier = n;
    }
    fclose(fp);
    assert_true(earlier > 0);
    snprintf(text, sizeof text, "%s\n", cases[i].row);
    fx_append(dir, cases[i].file, text);
    if (strcmp(cases[i].file, "mppr.tsv") == 0) /* "(lines E and L)" */
      snprintf(want[i], sizeof want[i], "%s:%ld: %s%ld and %ld)", cases[i].file, n + 1,
               cases[i].msg, earlier, n + 1);
    else
      snprintf(want[i], sizeof want[i], "%s:%ld: %s%ld%s", cases[i].file, n + 1, cases[i].msg,
               earlier, cases[i].end);
  }
  slp_rules_errors_t errs;
  load_refused(dir, &errs);
  for (size_t i = 0; i < N_DUP; i++)
    assert_true(fx_has_error(&errs, want[i]));
  assert_int_equal(errs.n_total, N_DUP);
  fx_remove(dir);
}

static void test_bad_date_is_reported_once(void **state) {
  (void)state;
  char dir[256];
  fx_copy_default(dir, sizeof dir);
  char path[512];
  snprintf(path, sizeof path, "%s/manifest.ini", dir);
  FILE *fp = fopen(path, "r");
  assert_non_null(fp);
  char text[8192];
  size_t n = fread(text, 1, sizeof text - 1, fp);
  fclose(fp);
  text[n] = '\0';
  char *p = strstr(text, "effective_from = 2025-01-01");
  assert_non_null(p);
  memcpy(p + strlen("effective_from = "), "2025-02-30", 10);
  long line = 1;
  for (char *q = text; q < p; q++)
    line += *q == '\n';
  fp = fopen(path, "w");
  fputs(text, fp);
  fclose(fp);
  /* and a telehealth window whose date is bad, named by a payer row */
  fx_append(dir, "telehealth.tsv", "ODDWIN\t2025-13-01\t*\n");
  long tline = fx_count_lines(dir, "telehealth.tsv");
  fx_append(dir, "payers.tsv", "ODD\tCOMMERCIAL\t=\t=\t=\t=\t=\t=\t=\tODDWIN\t=\t=\t=\n");
  /* and the LANGUAGE EVAL row, which SPEECH_SOUND EVAL combines with */
  snprintf(path, sizeof path, "%s/codes.tsv", dir);
  fp = fopen(path, "r");
  assert_non_null(fp);
  n = fread(text, 1, sizeof text - 1, fp);
  fclose(fp);
  text[n] = '\0';
  p = strstr(text, "\nLANGUAGE\tEVAL\t");
  assert_non_null(p);
  long cline = 2;
  for (char *q = text; q < p; q++)
    cline += *q == '\n';
  char *d = strstr(p, "\t2014-01-01\t");
  assert_non_null(d);
  memcpy(d + 1, "2014-13-01", 10);
  fp = fopen(path, "w");
  fputs(text, fp);
  fclose(fp);
  slp_rules_errors_t errs;
  load_refused(dir, &errs);
  char want[128];
  snprintf(want, sizeof want,
           "codes.tsv:%ld: column effective_from: \"2014-13-01\" is not a YYYY-MM-DD date", cline);
  assert_true(fx_has_error(&errs, want));
  snprintf(want, sizeof want,
           "manifest.ini:%ld: effective_from: \"2025-02-30\" is not a YYYY-MM-DD date", line);
  assert_true(fx_has_error(&errs, want));
  snprintf(want, sizeof want,
           "telehealth.tsv:%ld: column from: \"2025-13-01\" is not a YYYY-MM-DD date", tline);
  assert_true(fx_has_error(&errs, want));
  /* no "is required", no "not a window", no "combines with LANGUAGE, which has no row" on top */
  assert_int_equal(errs.n_total, 3);
  fx_remove(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_non_regular_files_are_refused),
      cmocka_unit_test(test_cms_folders_and_top_say_what_they_skip),
      cmocka_unit_test(test_size_cap_and_real_errno),
      cmocka_unit_test(test_cms_reader_refuses_a_fifo_and_dev_zero),
      cmocka_unit_test(test_nul_byte_names_the_line),
      cmocka_unit_test(test_duplicates_name_both_lines),
      cmocka_unit_test(test_bad_date_is_reported_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
