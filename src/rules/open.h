/* SPDX-License-Identifier: Apache-2.0 */
/* open.h -- the rules bundle a program uses when none is named, and loading a bundle with every
 * error handed to the caller's reporter. Shared by slpcoder and slpcoderd (both link the engine).
 *
 * Thread: any (no shared state).
 */
#ifndef SLPCODER_RULES_OPEN_H
#define SLPCODER_RULES_OPEN_H

#include <stddef.h>

#include "slpcoder/rules.h"

/* The default bundle into buf: <exe>/../share/slpcoder/rules/default when it is there (the build
 * tree, a relocated or unpacked install), else <datadir>/rules/default (the data dir the program
 * was configured to install into, SLPCODER_DATADIR). Returns buf, or NULL when it does not fit. */
const char *slp_rules_default_dir(const char *datadir, char *buf, size_t len);

/* One line of a failed load: "file:line: what is wrong", "... and N more errors", "(no details)"
 * or "out of memory". */
typedef void (*slp_rules_report_fn)(void *arg, const char *dir, const char *line);

/* Every line of errs, then the count past SLP_RULES_MAX_ERRORS, or "(no details)" if none. */
void slp_rules_report_errors(const char *dir, const slp_rules_errors_t *errs,
                             slp_rules_report_fn report, void *arg);

/* Load the bundle in dir; on failure report every error and return NULL. */
slp_rules_t *slp_rules_open(const char *dir, slp_rules_report_fn report, void *arg);

#endif /* SLPCODER_RULES_OPEN_H */
