/* SPDX-License-Identifier: Apache-2.0 */
/* cms.h -- parsers for CMS's published files, read exactly as CMS ships them:
 * the NCCI practitioner PTP file, the practitioner MUE file, the ICD-10-CM
 * order file and the PFS relative value file (PPRRVU).
 *
 * Each parser streams rows to a callback and reports every malformed line as
 * "file:line: what is wrong" through slp_rules_errors_t, going on after an
 * error. Header and notice lines CMS puts before the data are skipped by
 * recognising the data rows, never by a fixed line count. libc only.
 */
#ifndef SLPCODER_CMS_H
#define SLPCODER_CMS_H

#include <stdint.h>

#include "slpcoder/rules.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Dates are yyyymmdd integers (20250101); SLP_CMS_NO_DATE for "*" / none. */
#define SLP_CMS_NO_DATE 99991231

typedef struct slp_cms_ptp_row {
  char column1[8]; /* HCPCS/CPT, e.g. "92522" */
  char column2[8];
  int32_t effective;      /* yyyymmdd */
  int32_t deletion;       /* yyyymmdd, SLP_CMS_NO_DATE when "*" */
  int modifier_indicator; /* 0, 1 or 9 */
} slp_cms_ptp_row_t;

typedef struct slp_cms_mue_row {
  char code[8];
  uint32_t max_units; /* practitioner MUE value */
  int adjudication;   /* MAI: 1 line, 2 date of service (policy), 3 date of service (clinical) */
} slp_cms_mue_row_t;

typedef struct slp_cms_icd10_row {
  char code[8];           /* no dot, upper case */
  int billable;           /* 1 valid for HIPAA transactions, 0 header */
  const char *short_desc; /* borrowed for the callback only, trimmed */
} slp_cms_icd10_row_t;

typedef struct slp_cms_pfs_row {
  char code[8];
  char modifier[4];           /* "" when none */
  char status;                /* status code, e.g. 'A', 'B', 'I' */
  int64_t nonfac_total_milli; /* non-facility total RVU x 1000 (exact: CMS gives 2 decimals) */
  int64_t fac_total_milli;    /* facility total RVU x 1000 */
  int64_t conv_factor_e4; /* CONV FACTOR in 1/10000 dollar (32.3465 -> 323465), CMS's precision */
  int64_t work_milli;     /* WORK RVU x 1000 */
  int64_t pe_nf_milli;    /* NON-FAC PE RVU x 1000 */
  int64_t pe_fac_milli;   /* FACILITY PE RVU x 1000 */
  int64_t mp_milli;       /* MP RVU x 1000 */
  int mult_proc;          /* MULT PROC indicator, 0-9 */
} slp_cms_pfs_row_t;

/* One row of CMS's GPCI file (GPCI2025.csv: Addendum E of the PFS final rule). */
typedef struct slp_cms_gpci_row {
  char mac[8];      /* Medicare administrative contractor, 5 digits */
  char state[4];    /* two letters */
  char locality[4]; /* 2 digits */
  char name[48];    /* locality name, cut to fit */
  int64_t work_milli, pe_milli, mp_milli; /* GPCIs x 1000 (CMS gives 3 decimals) */
} slp_cms_gpci_row_t;

/* One locality of CMS's county-to-locality file (25LOCCO.csv). */
typedef struct slp_cms_locality_row {
  char mac[8];      /* zero-padded to 5 digits (the file drops leading zeros) */
  char locality[4]; /* zero-padded to 2 digits */
} slp_cms_locality_row_t;

/* Each returns the number of data rows parsed, or -1 when the file cannot be
 * opened or holds no data row at all (reported in errs). path is what the
 * messages name (give the bundle-relative path); fullpath is opened. A callback
 * that returns non-zero stops the parse (returned as -1 without a message). */
typedef int (*slp_cms_ptp_cb)(void *ctx, const slp_cms_ptp_row_t *row);
typedef int (*slp_cms_mue_cb)(void *ctx, const slp_cms_mue_row_t *row);
typedef int (*slp_cms_icd10_cb)(void *ctx, const slp_cms_icd10_row_t *row);
typedef int (*slp_cms_pfs_cb)(void *ctx, const slp_cms_pfs_row_t *row);

long slp_cms_ptp_parse(const char *fullpath, const char *path, slp_cms_ptp_cb cb, void *ctx,
                       slp_rules_errors_t *errs);
long slp_cms_mue_parse(const char *fullpath, const char *path, slp_cms_mue_cb cb, void *ctx,
                       slp_rules_errors_t *errs);
long slp_cms_icd10_parse(const char *fullpath, const char *path, slp_cms_icd10_cb cb, void *ctx,
                         slp_rules_errors_t *errs);
long slp_cms_pfs_parse(const char *fullpath, const char *path, slp_cms_pfs_cb cb, void *ctx,
                       slp_rules_errors_t *errs);

typedef int (*slp_cms_gpci_cb)(void *ctx, const slp_cms_gpci_row_t *row);
typedef int (*slp_cms_locality_cb)(void *ctx, const slp_cms_locality_row_t *row);
long slp_cms_gpci_parse(const char *fullpath, const char *path, slp_cms_gpci_cb cb, void *ctx,
                        slp_rules_errors_t *errs);
long slp_cms_locality_parse(const char *fullpath, const char *path, slp_cms_locality_cb cb,
                            void *ctx, slp_rules_errors_t *errs);
/* The year of a GPCI file from its name (GPCI2025.csv -> 2025), or -1. */
int slp_cms_gpci_year_from_name(const char *filename);

/* The year a PFS file covers, from CMS's file name (PPRRVU25_OCT.csv,
 * PPRRVU2025_Oct.csv -> 2025). -1 when the name does not say. */
int slp_cms_pfs_year_from_name(const char *filename);

/* Append one "path:line: message" to errs (printf-style). Shared by every loader. */
void slp_rules_errorf(slp_rules_errors_t *errs, const char *path, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#ifdef __cplusplus
}
#endif

#endif /* SLPCODER_CMS_H */
