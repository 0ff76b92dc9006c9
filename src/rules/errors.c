/* SPDX-License-Identifier: Apache-2.0 */
/* errors.c -- the loader's "file:line: what is wrong" diagnostics, shared by every table parser. */
#include <stdarg.h>
#include <stdio.h>

#include "slpcoder/cms.h"

void slp_rules_errorf(slp_rules_errors_t *errs, const char *path, long line, const char *fmt, ...) {
  if (errs == NULL)
    return;
  errs->n_total++;
  if (errs->n >= SLP_RULES_MAX_ERRORS)
    return;
  char *dst = errs->lines[errs->n++];
  int k = snprintf(dst, SLP_RULES_ERROR_LEN, "%s:%ld: ", path ? path : "?", line);
  if (k < 0 || k >= SLP_RULES_ERROR_LEN)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(dst + k, (size_t)(SLP_RULES_ERROR_LEN - k), fmt, ap);
  va_end(ap);
}
