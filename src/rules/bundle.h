/* SPDX-License-Identifier: Apache-2.0 */
/* bundle.h -- the loaded rules bundle's tables and the read-only lookups the engine uses.
 *
 * Everything here is built once by slp_rules_load() and never written again, so
 * any number of coding threads may call the lookups at once without locks. Codes
 * are kept as NUL-padded char[8] so a comparison is one 8-byte memcmp. Dates are
 * day numbers (common/date.h). Names with a double underscore are internal to
 * the engine and rules layers. */
#ifndef SLPCODER_RULES_BUNDLE_H
#define SLPCODER_RULES_BUNDLE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slpcoder/rules.h"

#define SLP__CODE 8 /* HCPCS code, NUL padded */
#define SLP__ID 32  /* payer_id / organization_id / names, NUL padded */
#define SLP__MAX_FAMILIES 16
#define SLP__MAX_WINDOWS 16
#define SLP__NO_END INT32_MAX /* an open-ended "to" date */

typedef enum slp__scheme {
  SLP__UNTIMED = 0, /* 1 unit a day however long */
  SLP__TIMED15 = 1, /* 8-minute rule over the day's total timed minutes */
  SLP__HOUR = 2,    /* first block needs min minutes; add-on blocks need addon_min each */
  SLP__CHAIN_AREA = 3,   /* base for the first block_minutes from min_minutes, then add-ons per
                          * addon_block from addon_min, counted per area (two areas: two bases) */
  SLP__CHAIN_POOLED = 4, /* the same chain over the pooled minutes of every such row of the day */
} slp__scheme_t;

typedef enum slp__class { SLP__EVAL = 0, SLP__TREAT = 1 } slp__class_t;

/* codes.tsv: (area, class, setting) -> code and unit scheme, effective-dated. */
typedef struct slp__code_row {
  uint8_t area;    /* slp_area_t */
  uint8_t cls;     /* slp__class_t */
  uint8_t group;   /* 0 individual, 1 group */
  uint8_t scheme;  /* slp__scheme_t */
  uint8_t family;  /* index into families[] (medical-necessity crosswalk) */
  uint8_t combine; /* area whose row this activity joins when that area is also present; 0 none */
  char code[SLP__CODE];
  char modifier[4];       /* "52" or "" */
  uint16_t min_minutes;   /* minutes the first unit needs */
  uint16_t block_minutes; /* minutes the first unit covers (hour codes: 60) */
  char addon[SLP__CODE];  /* add-on code for further blocks ("" none; may equal code) */
  uint16_t addon_block;   /* minutes per further block */
  uint16_t addon_min;     /* minutes a further block needs */
  int32_t from, to;       /* effective [from, to] in days */
  uint32_t order;         /* row order in the file */
  uint32_t line;          /* line in codes.tsv, for messages */
} slp__code_row_t;

/* Payer policy: the section-7 table, per payer kind, overridden per payer_id. */
typedef struct slp__policy {
  bool gn;                  /* therapy modifier GN */
  bool kx;                  /* KX threshold applies */
  bool poc;                 /* plan of care and progress reports */
  bool assistant_ok;        /* SLP assistant / student may render */
  bool prior_auth;          /* prior authorization required */
  bool doc_check;           /* documentation completeness */
  bool telehealth_modifier; /* 95/93 on telehealth lines */
  uint32_t visit_limit;     /* 0 = none */
  int32_t timely_days;      /* -1 = none */
  int8_t telehealth;        /* -1 always covered, -2 never, else window index */
  char ncci_modifier[4];    /* "XE", "59" or "" (none) */
  uint16_t timely_months;   /* > 0: the limit is calendar months after the DOS (12 = 1 year) */
} slp__policy_t;

typedef struct slp__payer_row {
  char payer_id[SLP__ID];
  int32_t kind; /* payer kind this row is written for (its defaults fill "=" cells) */
  slp__policy_t policy;
  uint32_t line; /* line in payers.tsv, for messages */
} slp__payer_row_t;

typedef struct slp__unit_override {
  char payer_id[SLP__ID];
  char code[SLP__CODE];
  uint8_t scheme;       /* slp__scheme_t */
  uint32_t max_per_day; /* 0 = no cap; when set it replaces the MUE for this payer and code */
  bool not_covered;     /* scheme not_covered: the payer never covers the code (GY) */
  uint32_t line;        /* line in payer_units.tsv, for messages */
} slp__unit_override_t;

typedef struct slp__window {
  char name[SLP__ID];
  int32_t from, to;
} slp__window_t;

typedef struct slp__kx_row {
  int32_t year;
  int64_t kx_cents;
  int64_t review_cents;
  uint32_t line; /* line in kx.tsv, for messages */
} slp__kx_row_t;

/* 16 bytes (it was 28): a full-size NCCI table is 1.8 M rows, the bundle's largest by far. Both
 * loaders take only 5-character codes of 0-9 and A-Z, so a code is packed base 36
 * (slp__code36), which keeps their order. */
typedef struct slp__ptp_row {
  uint32_t col1;          /* slp__code36 */
  uint32_t col2 : 26;     /* slp__code36 (36^5 < 2^26) */
  uint32_t indicator : 4; /* 0, 1, 9 */
  uint32_t from_cms : 1;  /* 1 when read from ncci/ */
  int32_t from, to;       /* [from, to] in days, inclusive (CMS: the deletion date is the last
                           * day in effect); to = SLP__NO_END when none */
} slp__ptp_row_t;

typedef struct slp__mue_row {
  char code[SLP__CODE];
  uint32_t max_units;
  uint8_t mai;
  uint8_t from_cms;
  uint32_t seq; /* load order: a later file wins */
} slp__mue_row_t;

typedef struct slp__icd_row {
  char code[SLP__CODE]; /* no dot; as a prefix pattern for manifestations ('?' any char) */
} slp__icd_row_t;

/* pointers.tsv: diagnoses that best support a line of a service area (ranked first). */
typedef struct slp__rank_row {
  uint8_t area;           /* slp_area_t */
  char prefix[SLP__CODE]; /* no dot; '?' matches any one character */
} slp__rank_row_t;

typedef struct slp__xwalk_row {
  uint8_t family;
  char prefix[SLP__CODE]; /* no dot; '?' matches any one character */
} slp__xwalk_row_t;

typedef struct slp__fee_row {
  char code[SLP__CODE];
  int32_t year;
  int64_t nf_milli;  /* total RVU x 1000, non-facility */
  int64_t fac_milli; /* facility */
  uint8_t from_cms;
  uint32_t seq;
  /* Components (RVU x 1000); has_components false when the source gives totals only. */
  bool has_components;
  bool provisional;  /* the row is marked provisional (a proposed or derived value) */
  uint8_t mult_proc; /* MULT PROC indicator (5: therapy MPPR) */
  int64_t work_milli, pe_nf_milli, pe_fac_milli, mp_milli;
  char shown[24]; /* the provisional value as the table wrote it, for the warning */
} slp__fee_row_t;

typedef enum slp__qpp { SLP__NON_QPP = 0, SLP__QPP = 1 } slp__qpp_t;

typedef struct slp__cf_row {
  int32_t year;
  int64_t cf_e4; /* conversion factor in 1/10000 dollar */
  uint8_t from_cms;
  uint32_t seq;
  uint8_t qpp;      /* slp__qpp_t */
  bool provisional; /* e.g. a proposed-rule conversion factor */
} slp__cf_row_t;

/* pos.tsv: a CMS place of service and which PFS price it takes. */
typedef struct slp__pos_row {
  char pos[4];
  bool facility;
  uint32_t line; /* line in pos.tsv, for messages */
} slp__pos_row_t;

/* mppr.tsv: the multiple procedure payment reduction in force for a MULT PROC indicator. */
typedef struct slp__mppr_row {
  int32_t from, to;         /* effective [from, to] in days */
  uint8_t mult_proc;        /* indicator the reduction applies to */
  uint32_t pe_reduce_pct;   /* percent of the PE component taken off reduced units */
  uint32_t line;            /* line in mppr.tsv, for messages */
} slp__mppr_row_t;

/* orgs.tsv: an organization's Medicare locality (MAC + locality number). */
typedef struct slp__org_row {
  char org[SLP__ID];
  char mac[8];      /* 5 digits */
  char locality[4]; /* 2 digits */
  uint32_t line;    /* line in orgs.tsv, for messages */
} slp__org_row_t;

/* pfs/GPCI*.csv: one locality's GPCIs for a year (x 1000, CMS gives 3 decimals). */
typedef struct slp__gpci_row {
  int32_t year;
  char mac[8];
  char locality[4];
  int64_t work_milli, pe_milli, mp_milli;
  char name[48];
} slp__gpci_row_t;

typedef struct slp__charge_row {
  char org[SLP__ID];
  char code[SLP__CODE];
  int64_t cents;
  uint32_t line; /* line in charges.tsv, for messages */
} slp__charge_row_t;

/* manifest.ini: [bundle] and [policy] (time limits that are data, not C). */
typedef struct slp__manifest {
  char version[64];
  char description[128];
  int32_t effective_from, effective_to; /* days, inclusive */
  int32_t poc_cert_days;                /* 30: certification due after the start */
  int32_t poc_max_days;                 /* 90: longest plan */
  int32_t poc_referral_exception_from;  /* 2025-01-01 */
  uint32_t progress_report_days;        /* 10 */
  uint32_t progress_warn_from;          /* 8 */
  uint32_t medicare_group_max;          /* 4 */
} slp__manifest_t;

/* The CMS county-to-locality file (pfs/ 25LOCCO.csv): a MAC + locality it lists. */
typedef struct slp__locality {
  char mac[8];
  char locality[4];
} slp__locality_t;

#define SLP__VEC(T)                                                                                \
  struct {                                                                                         \
    T *v;                                                                                          \
    size_t n, cap;                                                                                 \
  }

struct slp_rules {
  atomic_int refs;
  char version[96];
  slp__manifest_t manifest;
  char families[SLP__MAX_FAMILIES][SLP__ID];
  size_t n_families;
  slp__window_t windows[SLP__MAX_WINDOWS];
  size_t n_windows;
  slp__policy_t kind_policy[6];
  bool kind_policy_set[6];
  SLP__VEC(slp__code_row_t) codes;       /* sorted (area, cls, group, from) */
  uint16_t code_index[9][2][2][2];       /* [area][cls][group] -> {first, count} into codes */
  SLP__VEC(slp__payer_row_t) payers;     /* sorted payer_id */
  SLP__VEC(slp__unit_override_t) units;  /* sorted (payer_id, code) */
  SLP__VEC(slp__kx_row_t) kx;            /* sorted year */
  SLP__VEC(slp__ptp_row_t) ptp;          /* sorted (col1, col2, from) */
  SLP__VEC(slp__mue_row_t) mue;          /* sorted code, one row a code */
  SLP__VEC(slp__icd_row_t) icd_headers;  /* sorted code */
  SLP__VEC(slp__icd_row_t) icd_manifest; /* prefix patterns */
  SLP__VEC(slp__xwalk_row_t) xwalk;      /* sorted family, file order */
  uint16_t xwalk_index[SLP__MAX_FAMILIES][2];
  SLP__VEC(slp__xwalk_row_t)
  xwalk_alpha;                         /* the same rows by first letter (patterns start with one) */
  uint16_t xwalk_letter[26][2];        /* [letter] -> {first, count} into xwalk_alpha */
  SLP__VEC(slp__fee_row_t) fees;       /* sorted (code, year), one row per pair */
  SLP__VEC(slp__cf_row_t) cfs;         /* sorted year */
  SLP__VEC(slp__charge_row_t) charges; /* sorted (org, code) */
  size_t n_icd_cms;                    /* ICD-10-CM rows read from icd10cm/ */
  SLP__VEC(slp__icd_row_t) icd_codes;  /* sorted: every code of the CMS order file (any flag) */
  SLP__VEC(slp__rank_row_t) ranks;     /* pointers.tsv, file order */
  uint32_t seq;                        /* next load-order number */
  uint8_t qpp;                         /* manifest [pricing] qpp_status: the CF priced with */
  SLP__VEC(slp__pos_row_t) pos;        /* sorted pos */
  SLP__VEC(slp__mppr_row_t) mppr;      /* sorted from */
  SLP__VEC(slp__org_row_t) orgs;       /* sorted org */
  SLP__VEC(slp__gpci_row_t) gpcis;     /* sorted (mac, locality, year) */
  SLP__VEC(slp__locality_t) localities; /* MAC + locality pairs of the CMS locality file */
};

/* Order two NUL-padded 8-byte codes as memcmp would, without a libc call (the hot comparison). */
static inline int slp__code_cmp(const char *a, const char *b) {
  uint64_t x, y;
  __builtin_memcpy(&x, a, 8);
  __builtin_memcpy(&y, b, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  x = __builtin_bswap64(x);
  y = __builtin_bswap64(y);
#endif
  return (x > y) - (x < y);
}

/* A code of exactly 5 characters 0-9/A-Z (NUL after them) as a base-36 number: 0 and *out, or
 * -1 for any other string (which no PTP row can hold). Orders as strcmp does. */
extern const int8_t slp__digit36[256]; /* '0'-'9' -> 0-9, 'A'-'Z' -> 10-35, else -1 */
static inline int slp__code36(const char *s, uint32_t *out) {
  uint32_t v = 0;
  for (int i = 0; i < 5; i++) {
    int d = slp__digit36[(unsigned char)s[i]]; /* -1 for NUL too: stops before s ends */
    if (d < 0)
      return -1;
    v = v * 36 + (uint32_t)d;
  }
  if (s[5] != '\0')
    return -1;
  *out = v;
  return 0;
}

/* ---- lookups (all pure, all O(log n) or over a handful of rows) ---------- */

/* Copy s into a NUL-padded fixed key (truncating). */
void slp__key(char *dst, size_t len, const char *s);

/* Rows for (area, class, group) in effective-date order; *n = 0 when none. */
const slp__code_row_t *slp__rules_code_rows(const slp_rules_t *r, int area, int cls, int group,
                                            size_t *n);
/* The policy for a payer kind and optional payer_id (NULL/"" = kind defaults). */
const slp__policy_t *slp__rules_policy(const slp_rules_t *r, int kind, const char *payer_id);
/* A payer's unit-scheme override for a code, or NULL. */
const slp__unit_override_t *slp__rules_unit_override(const slp_rules_t *r, const char *payer_id,
                                                     const char *code);
/* Whether telehealth on day dos is covered under policy p. */
bool slp__rules_telehealth_covered(const slp_rules_t *r, const slp__policy_t *p, int32_t dos);
/* KX thresholds for a calendar year, or NULL. */
const slp__kx_row_t *slp__rules_kx(const slp_rules_t *r, int32_t year);
/* The latest KX row of a year before `year`, or NULL (the provisional fallback). */
const slp__kx_row_t *slp__rules_kx_before(const slp_rules_t *r, int32_t year);
/* With the CMS order file loaded: whether dx (normalised) is in it. Without it: true. */
bool slp__rules_icd_known(const slp_rules_t *r, const char *dx);
/* Bit a set when dx best supports a line of area a (pointers.tsv). */
uint32_t slp__rules_dx_rank_areas(const slp_rules_t *r, const char *dx);
/* The PTP edit for (col1, col2) in force on dos: its indicator, or -1 when none. */
int slp__rules_ptp(const slp_rules_t *r, const char *col1, const char *col2, int32_t dos);
/* The MUE row for a code, or NULL. */
const slp__mue_row_t *slp__rules_mue(const slp_rules_t *r, const char *code);
/* ICD-10-CM: a non-billable header / a manifestation code (normalised, no dot). */
bool slp__rules_icd_header(const slp_rules_t *r, const char *dx);
bool slp__rules_icd_manifestation(const slp_rules_t *r, const char *dx);
/* Bit f set when diagnosis dx supports a line of family f (one pass over its letter's rows). */
uint32_t slp__rules_dx_families(const slp_rules_t *r, const char *dx);
/* Whether diagnosis dx supports a line of the given family. */
bool slp__rules_supports(const slp_rules_t *r, int family, const char *dx);
/* The national fee for one unit of code in a DOS year, in cents (RVU x CF rounded
 * half up); -1 when the bundle has none. RVUs and CF fall back to the latest year
 * at or before the DOS year. */
int64_t slp__rules_fee_cents(const slp_rules_t *r, const char *code, int32_t year, bool facility);
/* Pricing lookups (lookup_pricing.c). The fee row for code in a DOS year (the latest year at
 * or before it), or NULL. */
const slp__fee_row_t *slp__rules_fee(const slp_rules_t *r, const char *code, int32_t year);
/* The conversion factor the bundle prices with for a DOS year (latest year at or before), or
 * NULL. */
const slp__cf_row_t *slp__rules_cf(const slp_rules_t *r, int32_t year);
/* The pos.tsv row for a place of service, or NULL (unknown). */
const slp__pos_row_t *slp__rules_pos(const slp_rules_t *r, const char *pos);
/* The MPPR row in force on dos for a MULT PROC indicator, or NULL. */
const slp__mppr_row_t *slp__rules_mppr(const slp_rules_t *r, int32_t dos, int mult_proc);
/* An organization's locality row, or NULL (priced nationally). */
const slp__org_row_t *slp__rules_org(const slp_rules_t *r, const char *org);
/* The GPCIs of (mac, locality) for exactly this year, or NULL. */
const slp__gpci_row_t *slp__rules_gpci(const slp_rules_t *r, const char *mac, const char *locality,
                                       int32_t year);
/* The chargemaster price of one unit (organization row, else the "*" row), or -1. */
int64_t slp__rules_charge_cents(const slp_rules_t *r, const char *org, const char *code);
/* True when pattern (with '?' wildcards) is a prefix of dx. */
bool slp__prefix_match(const char *pattern, const char *dx);

#endif
