/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_bundle.c -- libFuzzer target: every file of a rules bundle through slp_rules_load. The
 * first input byte picks the file (each project table, manifest.ini, or a CMS file in ncci/, mue/,
 * icd10cm/ or pfs/), the rest replaces it in a copy of the default bundle, and the whole bundle
 * is loaded as the daemon loads it.
 *
 * Invariants: a refused bundle reports every problem as "path:line: what" (bounded count, each
 * line terminated); a loaded one has a version and describes itself; no crash, leak, hang or
 * undefined behaviour. */
#include "fuzz_common.h"

static const char *const files[] = {
    /* the project's files, in the default bundle */
    "codes.tsv", "necessity.tsv", "icd10cm.tsv", "kx.tsv", "telehealth.tsv", "payer_kinds.tsv",
    "payers.tsv", "payer_units.tsv", "mue.tsv", "ptp.tsv", "fees.tsv", "conversion.tsv",
    "charges.tsv", "pointers.tsv", "pos.tsv", "mppr.tsv", "orgs.tsv", "manifest.ini",
    /* CMS files, added to the copy for one run */
    "ncci/ccipra-v321r0-f1.txt", "mue/MCR_MUE_PractitionerServices_Eff_01-01-2025.csv",
    "icd10cm/icd10cm_order_2025.txt", "pfs/PPRRVU2025_Oct.csv", "pfs/GPCI2025.csv",
    "pfs/25LOCCO.csv"};
#define N_FILES (sizeof files / sizeof files[0])
#define N_PROJECT 18 /* files[0..17] are in the default bundle; the CMS ones are added */

static char bundle[600];
static uint8_t *original[N_PROJECT];
static size_t original_len[N_PROJECT];

static void setup(void) {
  char cmd[1400];
  snprintf(bundle, sizeof bundle, "%s/bundle", fuzz_dir());
  snprintf(cmd, sizeof cmd, "cp -R '%s' '%s'", fuzz_rules_dir(), bundle);
  FUZZ_ASSERT(system(cmd) == 0, "%s", cmd);
  for (size_t i = 0; i < N_PROJECT; i++) {
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", bundle, files[i]);
    FILE *fp = fopen(path, "rb");
    FUZZ_ASSERT(fp != NULL, "%s", path);
    original[i] = malloc(1 << 16);
    FUZZ_ASSERT(original[i] != NULL, "malloc");
    original_len[i] = fread(original[i], 1, 1 << 16, fp);
    fclose(fp);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (bundle[0] == '\0')
    setup();
  if (size == 0)
    return 0;
  size_t which = data[0] % N_FILES;
  char path[1200];
  snprintf(path, sizeof path, "%s/%s", bundle, files[which]);
  fuzz_write(path, data + 1, size - 1);

  slp_rules_t *r = NULL;
  slp_rules_errors_t errs;
  int rc = slp_rules_load(bundle, &r, &errs);
  if (rc != 0) {
    FUZZ_ASSERT(r == NULL && errs.n_total > 0 && errs.n > 0, "refused without a reason");
    fuzz_check_rules_errors(&errs);
  } else {
    FUZZ_ASSERT(r != NULL && errs.n_total == 0, "loaded with errors");
    FUZZ_ASSERT(slp_rules_version(r)[0] != '\0', "no version");
    char text[512];
    slp_rules_describe(r, text, sizeof text);
    FUZZ_ASSERT(strncmp(text, "rules ", 6) == 0, "%s", text);
    slp_rules_unref(r);
  }

  if (which < N_PROJECT)
    fuzz_write(path, original[which], original_len[which]);
  else
    FUZZ_ASSERT(unlink(path) == 0, "%s", path);
  return 0;
}
