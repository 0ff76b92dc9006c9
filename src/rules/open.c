/* SPDX-License-Identifier: Apache-2.0 */
/* open.c -- the default bundle's location and loading with the errors reported (rules/open.h). */
#include "rules/open.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *slp_rules_default_dir(const char *datadir, char *buf, size_t len) {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) {
      *slash = '\0'; /* <prefix>/bin */
      int w = snprintf(buf, len, "%s/../share/slpcoder/rules/default", exe);
      if (w > 0 && (size_t)w < len && access(buf, R_OK | X_OK) == 0)
        return buf;
    }
  }
  int w = snprintf(buf, len, "%s/rules/default", datadir);
  return w < 0 || (size_t)w >= len ? NULL : buf;
}

void slp_rules_report_errors(const char *dir, const slp_rules_errors_t *errs,
                             slp_rules_report_fn report, void *arg) {
  char line[64];
  for (size_t i = 0; i < errs->n; i++)
    report(arg, dir, errs->lines[i]);
  if (errs->n_total > errs->n) {
    snprintf(line, sizeof line, "... and %zu more errors", errs->n_total - errs->n);
    report(arg, dir, line);
  }
  if (errs->n_total == 0)
    report(arg, dir, "(no details)");
}

slp_rules_t *slp_rules_open(const char *dir, slp_rules_report_fn report, void *arg) {
  slp_rules_errors_t *errs = calloc(1, sizeof *errs); /* SLP_RULES_MAX_ERRORS lines: heap */
  slp_rules_t *rules = NULL;
  if (!errs) {
    report(arg, dir, "out of memory");
    return NULL;
  }
  if (slp_rules_load(dir, &rules, errs) != 0) {
    slp_rules_report_errors(dir, errs, report, arg);
    rules = NULL;
  }
  free(errs);
  return rules;
}
