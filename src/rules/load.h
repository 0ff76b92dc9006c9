/* SPDX-License-Identifier: Apache-2.0 */
/* load.h -- internals shared by the bundle loader's files: load.c (the order), folders.c,
 * tables_codes.c, tables_money.c, tables_policy.c, tables_pricing.c, coverage.c, cms_gpci.c,
 * finalize.c and finalize_pricing.c. */
#ifndef SLPCODER_RULES_LOAD_H
#define SLPCODER_RULES_LOAD_H

#include <stdlib.h>

#include "rules/bundle.h"
#include "rules/tsv.h"

/* Append one zeroed element to a SLP__VEC; evaluates to a pointer to it or NULL. */
#define SLP__PUSH(vec)                                                                             \
  ((__typeof__((vec).v))slp__vec_push((void **)&(vec).v, &(vec).n, &(vec).cap, sizeof *(vec).v))
void *slp__vec_push(void **v, size_t *n, size_t *cap, size_t size);

extern const char *const slp__area_names[9];
extern const char *const slp__kind_names[6];

/* A payer_units.tsv scheme cell: untimed, timed15 or not_covered (index 2). */
int slp__scheme_parse(slp__tsv_t *t, size_t col, uint8_t *out);

/* Project tables (dir = the bundle directory). Each reports its own errors. */
void slp__load_codes(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);
void slp__load_necessity(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);
void slp__load_icd(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);
void slp__load_kx(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);
void slp__load_telehealth(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);
void slp__load_payer_kinds(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);
void slp__load_payers(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);
void slp__load_payer_units(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);
void slp__load_mue(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);
void slp__load_ptp(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);
void slp__load_fees(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);
void slp__load_conversion(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);
void slp__load_charges(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);
void slp__load_pointers(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);

/* tables_pricing.c: pos.tsv, mppr.tsv, orgs.tsv and the manifest's [pricing] keys. */
void slp__load_pos(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);
void slp__load_mppr(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);
void slp__load_orgs(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);
int slp__manifest_pricing(slp_rules_t *r, const char *name, const char *value, long line,
                          slp_rules_errors_t *errs);
/* finalize_pricing.c: sort and cross-check pos.tsv, mppr.tsv, orgs.tsv and the GPCI rows. */
void slp__finalize_pricing(slp_rules_t *r, slp_rules_errors_t *errs);
/* s as 1..width digits, zero-padded to width into out (width + 1 bytes); -1 when not. */
int slp__digits_pad(const char *s, size_t width, char *out);

/* A sorted list of bundle-relative file names. */
typedef struct slp__names {
  char **v;
  size_t n, cap;
} slp__names_t;
/* Append the regular files of dir/sub (sub "" = the top) as bundle-relative paths. */
void slp__list_files(const char *dir, const char *sub, slp__names_t *ns);
void slp__names_free(slp__names_t *ns);
int slp__cmp_str(const void *a, const void *b); /* for qsort over char * */
extern const char *const slp__cms_dirs[4];      /* ncci, mue, icd10cm, pfs */
/* Report every entry of dir/sub that is not a regular file (nor, with dirs_ok, a directory) as
 * "sub/name:0: not a regular file" (or "cannot read: <errno>" when stat fails, e.g. a dangling
 * symlink); names in skip[] are left to their own loader. */
void slp__report_irregular(const char *dir, const char *sub, const char *const *skip, size_t nskip,
                           bool dirs_ok, slp_rules_errors_t *errs);

/* CMS folders: every file of ncci/, mue/, icd10cm/, pfs/ CMS's way, in name order. */
void slp__load_cms(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs);

/* Sort every table, drop rows superseded by CMS files, build indexes, cross-check. */
void slp__finalize(slp_rules_t *r, slp_rules_errors_t *errs);

#endif
