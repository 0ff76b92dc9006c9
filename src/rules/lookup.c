/* SPDX-License-Identifier: Apache-2.0 */
/* lookup.c -- the engine's read-only queries over a loaded bundle: binary searches over sorted
 * tables. */
#include <string.h>

#include "rules/bundle.h"

#define D36_ROW(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
const int8_t slp__digit36[256] = {
    D36_ROW(-1), D36_ROW(-1), D36_ROW(-1),
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1,                    /* 0x30 */
    -1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,         /* 0x40 */
    25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, -1, -1, -1, -1, -1,         /* 0x50 */
    D36_ROW(-1), D36_ROW(-1), D36_ROW(-1), D36_ROW(-1), D36_ROW(-1), D36_ROW(-1),
    D36_ROW(-1), D36_ROW(-1), D36_ROW(-1), D36_ROW(-1)};
#undef D36_ROW

void slp__key(char *dst, size_t len, const char *s) {
  memset(dst, 0, len);
  if (s != NULL)
    for (size_t i = 0; i + 1 < len && s[i]; i++)
      dst[i] = s[i];
}

/* Lower bound over an array of n elements of size sz whose key is compared by cmp(key, elem). */
static size_t lower_bound(const void *base, size_t n, size_t sz, const void *key,
                          int (*cmp)(const void *, const void *)) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cmp(key, (const char *)base + mid * sz) > 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

const slp__code_row_t *slp__rules_code_rows(const slp_rules_t *r, int area, int cls, int group,
                                            size_t *n) {
  *n = 0;
  if (area < 0 || area > 8 || cls < 0 || cls > 1 || group < 0 || group > 1)
    return NULL;
  const uint16_t *ix = r->code_index[area][cls][group];
  *n = ix[1];
  return ix[1] ? &r->codes.v[ix[0]] : NULL;
}

static int cmp_payer_key(const void *key, const void *e) {
  return strcmp(key, ((const slp__payer_row_t *)e)->payer_id);
}

const slp__policy_t *slp__rules_policy(const slp_rules_t *r, int kind, const char *payer_id) {
  if (payer_id != NULL && payer_id[0] != '\0') {
    size_t i = lower_bound(r->payers.v, r->payers.n, sizeof *r->payers.v, payer_id, cmp_payer_key);
    if (i < r->payers.n && strcmp(r->payers.v[i].payer_id, payer_id) == 0)
      return &r->payers.v[i].policy;
  }
  if (kind < 1 || kind > 5)
    return NULL;
  return &r->kind_policy[kind];
}

typedef struct unit_key {
  const char *payer;
  char code[SLP__CODE];
} unit_key_t;

static int cmp_unit_key(const void *key, const void *e) {
  const unit_key_t *k = key;
  const slp__unit_override_t *u = e;
  int c = strcmp(k->payer, u->payer_id);
  return c ? c : slp__code_cmp(k->code, u->code);
}

const slp__unit_override_t *slp__rules_unit_override(const slp_rules_t *r, const char *payer_id,
                                                     const char *code) {
  if (payer_id == NULL || payer_id[0] == '\0' || r->units.n == 0)
    return NULL;
  unit_key_t k = {payer_id, {0}};
  slp__key(k.code, SLP__CODE, code);
  size_t i = lower_bound(r->units.v, r->units.n, sizeof *r->units.v, &k, cmp_unit_key);
  return i < r->units.n && cmp_unit_key(&k, &r->units.v[i]) == 0 ? &r->units.v[i] : NULL;
}

bool slp__rules_telehealth_covered(const slp_rules_t *r, const slp__policy_t *p, int32_t dos) {
  if (p->telehealth == -1)
    return true;
  if (p->telehealth < 0)
    return false;
  /* A window is every row sharing the name of the row the policy points at. */
  const char *name = r->windows[p->telehealth].name;
  for (size_t i = 0; i < r->n_windows; i++)
    if (strcmp(r->windows[i].name, name) == 0 && dos >= r->windows[i].from &&
        dos <= r->windows[i].to)
      return true;
  return false;
}

const slp__kx_row_t *slp__rules_kx(const slp_rules_t *r, int32_t year) {
  for (size_t i = 0; i < r->kx.n; i++)
    if (r->kx.v[i].year == year)
      return &r->kx.v[i];
  return NULL;
}

const slp__kx_row_t *slp__rules_kx_before(const slp_rules_t *r, int32_t year) {
  const slp__kx_row_t *best = NULL;
  for (size_t i = 0; i < r->kx.n; i++) /* sorted by year */
    if (r->kx.v[i].year < year)
      best = &r->kx.v[i];
  return best;
}

int slp__rules_ptp(const slp_rules_t *r, const char *col1, const char *col2, int32_t dos) {
  uint32_t c1, c2;
  if (r->ptp.n == 0 || col1 == NULL || col2 == NULL)
    return -1;
  /* Rows hold 5-character codes only: any other string (cut to 7 bytes by slp__key as it was,
   * or not) matches none. */
  if (slp__code36(col1, &c1) != 0 || slp__code36(col2, &c2) != 0)
    return -1;
  uint64_t key = (uint64_t)c1 << 32 | c2;
  size_t lo = 0, hi = r->ptp.n; /* lower bound of (c1, c2), inlined: the engine asks per pair */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const slp__ptp_row_t *p = &r->ptp.v[mid];
    if (((uint64_t)p->col1 << 32 | p->col2) < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  int found = -1;
  for (size_t i = lo; i < r->ptp.n && r->ptp.v[i].col1 == c1 && r->ptp.v[i].col2 == c2; i++) {
    const slp__ptp_row_t *p = &r->ptp.v[i];
    if (dos < p->from || dos > p->to) /* inclusive: CMS's deletion date is the last day */
      continue;
    /* Overlapping rows for one pair: the strictest indicator wins (0 before 1 before 9). */
    if (found < 0 || p->indicator < found)
      found = p->indicator;
  }
  return found;
}

static int cmp_code_key(const void *key, const void *e) {
  return slp__code_cmp(key, e); /* every keyed row starts with its code */
}

const slp__mue_row_t *slp__rules_mue(const slp_rules_t *r, const char *code) {
  char k[SLP__CODE];
  slp__key(k, SLP__CODE, code);
  size_t i = lower_bound(r->mue.v, r->mue.n, sizeof *r->mue.v, k, cmp_code_key);
  return i < r->mue.n && slp__code_cmp(r->mue.v[i].code, k) == 0 ? &r->mue.v[i] : NULL;
}

bool slp__rules_icd_header(const slp_rules_t *r, const char *dx) {
  char k[SLP__CODE];
  slp__key(k, SLP__CODE, dx);
  size_t i =
      lower_bound(r->icd_headers.v, r->icd_headers.n, sizeof *r->icd_headers.v, k, cmp_code_key);
  return i < r->icd_headers.n && slp__code_cmp(r->icd_headers.v[i].code, k) == 0;
}

bool slp__rules_icd_known(const slp_rules_t *r, const char *dx) {
  if (r->icd_codes.n == 0)
    return true; /* no order file in the bundle: only the shape and headers are checked */
  char k[SLP__CODE];
  slp__key(k, SLP__CODE, dx);
  size_t i = lower_bound(r->icd_codes.v, r->icd_codes.n, sizeof *r->icd_codes.v, k, cmp_code_key);
  return i < r->icd_codes.n && slp__code_cmp(r->icd_codes.v[i].code, k) == 0;
}

uint32_t slp__rules_dx_rank_areas(const slp_rules_t *r, const char *dx) {
  uint32_t areas = 0;
  for (size_t i = 0; i < r->ranks.n; i++) /* a few dozen rows, once per diagnosis */
    if (slp__prefix_match(r->ranks.v[i].prefix, dx))
      areas |= 1u << r->ranks.v[i].area;
  return areas;
}

bool slp__prefix_match(const char *pattern, const char *dx) {
  for (; *pattern; pattern++, dx++) {
    if (*dx == '\0' || (*pattern != '?' && *pattern != *dx))
      return false;
  }
  return true;
}

bool slp__rules_icd_manifestation(const slp_rules_t *r, const char *dx) {
  for (size_t i = 0; i < r->icd_manifest.n; i++)
    if (slp__prefix_match(r->icd_manifest.v[i].code, dx))
      return true;
  return false;
}

bool slp__rules_supports(const slp_rules_t *r, int family, const char *dx) {
  if (family < 0 || (size_t)family >= r->n_families)
    return false;
  const slp__xwalk_row_t *x = r->xwalk.v + r->xwalk_index[family][0];
  for (size_t i = 0; i < r->xwalk_index[family][1]; i++)
    if (slp__prefix_match(x[i].prefix, dx))
      return true;
  return false;
}

uint32_t slp__rules_dx_families(const slp_rules_t *r, const char *dx) {
  unsigned letter = (unsigned char)dx[0] - 'A';
  if (letter >= 26)
    return 0;
  const slp__xwalk_row_t *x = r->xwalk_alpha.v + r->xwalk_letter[letter][0];
  uint32_t fam = 0;
  for (size_t i = 0; i < r->xwalk_letter[letter][1]; i++)
    if (slp__prefix_match(x[i].prefix, dx))
      fam |= 1u << x[i].family;
  return fam;
}

int64_t slp__rules_fee_cents(const slp_rules_t *r, const char *code, int32_t year, bool facility) {
  const slp__fee_row_t *best = slp__rules_fee(r, code, year);
  const slp__cf_row_t *cf = slp__rules_cf(r, year);
  if (best == NULL || cf == NULL)
    return -1;
  int64_t milli = facility ? best->fac_milli : best->nf_milli;
  /* RVU x 1000 times CF x 10000 = dollars x 10^7 = cents x 10^5; round half up. */
  return (milli * cf->cf_e4 + 50000) / 100000;
}

typedef struct charge_key {
  const char *org;
  char code[SLP__CODE];
} charge_key_t;

static int cmp_charge_key(const void *key, const void *e) {
  const charge_key_t *k = key;
  const slp__charge_row_t *c = e;
  int d = strcmp(k->org, c->org);
  return d ? d : slp__code_cmp(k->code, c->code);
}

int64_t slp__rules_charge_cents(const slp_rules_t *r, const char *org, const char *code) {
  charge_key_t k = {org && org[0] ? org : "*", {0}};
  slp__key(k.code, SLP__CODE, code);
  for (int pass = 0; pass < 2; pass++) {
    size_t i = lower_bound(r->charges.v, r->charges.n, sizeof *r->charges.v, &k, cmp_charge_key);
    if (i < r->charges.n && cmp_charge_key(&k, &r->charges.v[i]) == 0)
      return r->charges.v[i].cents;
    k.org = "*";
  }
  return -1;
}
