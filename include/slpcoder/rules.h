/* SPDX-License-Identifier: Apache-2.0 */
/* rules.h -- the rules bundle: a directory of tables loaded once, validated
 * whole, and shared read-only by every coding call.
 *
 * Layout (see README "The rules bundle"): manifest.ini naming the version and
 * the effective span, the project's own tables (*.tsv), and folders where
 * CMS's files drop in unchanged: ncci/ (practitioner PTP), mue/ (practitioner
 * MUE), icd10cm/ (ICD-10-CM order file), pfs/ (PFS relative value file).
 *
 * A loaded bundle is immutable and reference counted: a reload builds a new
 * one and swaps a pointer; work in flight keeps the bundle it started with.
 */
#ifndef SLPCODER_RULES_H
#define SLPCODER_RULES_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct slp_rules slp_rules_t;

/* Load diagnostics: every problem found, each one line "file:line: what is
 * wrong" (file relative to the bundle directory; line 0 when the problem is
 * the file as a whole). The loader goes on after an error so that one run
 * reports them all, up to SLP_RULES_MAX_ERRORS. */
#define SLP_RULES_MAX_ERRORS 64
#define SLP_RULES_ERROR_LEN 256
typedef struct slp_rules_errors {
  char lines[SLP_RULES_MAX_ERRORS][SLP_RULES_ERROR_LEN];
  size_t n;       /* lines filled */
  size_t n_total; /* errors found, including those past SLP_RULES_MAX_ERRORS */
} slp_rules_errors_t;

/* Load and validate the bundle in dir. On success returns 0 and *out holds a
 * bundle with one reference. On failure returns -1, *out is NULL and errs
 * (which may be NULL) says why. Thread: any; does file I/O. */
int slp_rules_load(const char *dir, slp_rules_t **out, slp_rules_errors_t *errs);

/* Reference counting (atomic; any thread). unref frees at zero. */
slp_rules_t *slp_rules_ref(slp_rules_t *rules);
void slp_rules_unref(slp_rules_t *rules);

/* "<manifest version>+<12 hex digits of a hash over every file's name and
 * bytes>", e.g. "2026.11+3f2a9c0d81b4". Two bundles that differ in any byte
 * never share a version. Borrowed; valid while the bundle is referenced. */
const char *slp_rules_version(const slp_rules_t *rules);

/* A one-line summary for `slpcoder rules check`: counts of codes, PTP and
 * MUE rows, ICD-10-CM codes, fee rows. Writes at most len bytes. */
void slp_rules_describe(const slp_rules_t *rules, char *buf, size_t len);

/* The bundle's code coverage per date-of-service year of its span, for `slpcoder rules check`:
 * one line per service area x kind x setting that has a code row, the codes in effect each year
 * ("-" none, "*" part of the year), then one "gaps YEAR: ..." line per year. Writes at most len
 * bytes (NUL-terminated when len > 0) and returns the length the whole text needs, as snprintf. */
size_t slp_rules_coverage(const slp_rules_t *rules, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* SLPCODER_RULES_H */
