/* SPDX-License-Identifier: Apache-2.0 */
/* finalize.c -- after every file is read: sort each table for binary search, let CMS rows replace
 * the project's, build the small indexes, and cross-check tables against each other. */
#include <stdlib.h>
#include <string.h>

#include "rules/load.h"
#include "slpcoder/cms.h"

static int cmp_code_row(const void *a, const void *b) {
  const slp__code_row_t *x = a, *y = b;
  if (x->area != y->area)
    return x->area - y->area;
  if (x->cls != y->cls)
    return x->cls - y->cls;
  if (x->group != y->group)
    return x->group - y->group;
  if (x->from != y->from)
    return x->from < y->from ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_payer(const void *a, const void *b) {
  return strcmp(((const slp__payer_row_t *)a)->payer_id, ((const slp__payer_row_t *)b)->payer_id);
}

static int cmp_unit(const void *a, const void *b) {
  const slp__unit_override_t *x = a, *y = b;
  int c = strcmp(x->payer_id, y->payer_id);
  return c ? c : slp__code_cmp(x->code, y->code);
}

static int cmp_kx(const void *a, const void *b) {
  return ((const slp__kx_row_t *)a)->year - ((const slp__kx_row_t *)b)->year;
}

static int cmp_ptp(const void *a, const void *b) {
  const slp__ptp_row_t *x = a, *y = b;
  int c = x->col1 < y->col1 ? -1 : x->col1 > y->col1;
  if (c == 0)
    c = x->col2 < y->col2 ? -1 : x->col2 > y->col2;
  if (c == 0)
    c = x->from < y->from ? -1 : x->from > y->from;
  if (c == 0)
    c = x->to < y->to ? -1 : x->to > y->to;
  return c ? c : (int)x->indicator - (int)y->indicator;
}

static int cmp_mue(const void *a, const void *b) {
  const slp__mue_row_t *x = a, *y = b;
  int c = slp__code_cmp(x->code, y->code);
  if (c == 0)
    c = x->from_cms - y->from_cms;
  return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

static int cmp_icd(const void *a, const void *b) {
  return slp__code_cmp(a, b);
}

static int cmp_fee(const void *a, const void *b) {
  const slp__fee_row_t *x = a, *y = b;
  int c = slp__code_cmp(x->code, y->code);
  if (c == 0)
    c = x->year - y->year;
  if (c == 0)
    c = x->from_cms - y->from_cms;
  return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

static int cmp_cf(const void *a, const void *b) {
  const slp__cf_row_t *x = a, *y = b;
  int c = x->year - y->year;
  if (c == 0)
    c = x->qpp - y->qpp;
  if (c == 0)
    c = x->from_cms - y->from_cms;
  return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

static int cmp_charge(const void *a, const void *b) {
  const slp__charge_row_t *x = a, *y = b;
  int c = strcmp(x->org, y->org);
  return c ? c : slp__code_cmp(x->code, y->code);
}

/* Two rows with one key: the message goes on the later line and names the earlier one (qsort is
 * not stable, so either may come first). */
#define LATER(a, b) ((long)((a) > (b) ? (a) : (b)))
#define EARLIER(a, b) ((a) < (b) ? (a) : (b))

/* A stable sort (glibc's qsort is a merge sort: KEEP_LAST relies on rows of equal keys keeping
 * their load order) that takes the tail already in order for free: the CMS files arrive sorted
 * after a few project rows, and a full-size PTP table is 1.8 M rows, whose qsort was a sixth of
 * the load. The unsorted head is sorted, then merged with the tail, head first on ties, which
 * is what a stable sort of the whole would give. Out of memory for the merge: plain qsort. */
static void sort_rows(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
  char *v = base;
  if (n < 2)
    return;
  size_t k = n - 1; /* v[k..n) is in order */
  while (k > 0 && cmp(v + (k - 1) * size, v + k * size) <= 0)
    k--;
  if (k == 0)
    return;
  if (n - k < 1024) { /* no tail worth the copy */
    qsort(v, n, size, cmp);
    return;
  }
  qsort(v, k, size, cmp);
  if (cmp(v + (k - 1) * size, v + k * size) <= 0)
    return; /* the head ends below the tail */
  char *head = malloc(k * size);
  if (!head) {
    qsort(v, n, size, cmp);
    return;
  }
  memcpy(head, v, k * size);
  size_t i = 0, j = k, o = 0; /* head[i], v[j] -> v[o]; o <= j always */
  while (i < k && j < n) {
    if (cmp(head + i * size, v + j * size) <= 0)
      memcpy(v + o++ * size, head + i++ * size, size);
    else
      memcpy(v + o++ * size, v + j++ * size, size);
  }
  if (i < k)
    memcpy(v + o * size, head + i * size, (k - i) * size);
  free(head);
}

#define SORT(vec, cmp) sort_rows((vec).v, (vec).n, sizeof *(vec).v, cmp)

/* After sorting, keep only the last row of each run of equal keys (same_key). */
#define KEEP_LAST(vec, same_key)                                                                   \
  do {                                                                                             \
    size_t w_ = 0;                                                                                 \
    for (size_t i_ = 0; i_ < (vec).n; i_++) {                                                      \
      if (i_ + 1 < (vec).n && same_key(&(vec).v[i_], &(vec).v[i_ + 1]))                            \
        continue;                                                                                  \
      (vec).v[w_++] = (vec).v[i_];                                                                 \
    }                                                                                              \
    (vec).n = w_;                                                                                  \
  } while (0)

static bool same_code(const slp__mue_row_t *a, const slp__mue_row_t *b) {
  return slp__code_cmp(a->code, b->code) == 0;
}
static bool same_icd(const slp__icd_row_t *a, const slp__icd_row_t *b) {
  return slp__code_cmp(a->code, b->code) == 0;
}
static bool same_fee(const slp__fee_row_t *a, const slp__fee_row_t *b) {
  return slp__code_cmp(a->code, b->code) == 0 && a->year == b->year;
}
static bool same_cf(const slp__cf_row_t *a, const slp__cf_row_t *b) {
  return a->year == b->year && a->qpp == b->qpp;
}

static bool same_pair(const slp__ptp_row_t *a, const slp__ptp_row_t *b) {
  return a->col1 == b->col1 && a->col2 == b->col2;
}

/* A CMS PTP file replaces the project's rows for every pair it lists. */
static void ptp_prefer_cms(slp_rules_t *r) {
  size_t w = 0;
  for (size_t i = 0; i < r->ptp.n; i++) {
    slp__ptp_row_t *p = &r->ptp.v[i];
    bool superseded = false;
    if (!p->from_cms) {
      for (size_t j = i; j > 0 && same_pair(&r->ptp.v[j - 1], p) && !superseded; j--)
        superseded = r->ptp.v[j - 1].from_cms;
      for (size_t j = i + 1; j < r->ptp.n && same_pair(&r->ptp.v[j], p) && !superseded; j++)
        superseded = r->ptp.v[j].from_cms;
    }
    if (!superseded)
      r->ptp.v[w++] = *p;
  }
  r->ptp.n = w;
}

static void index_codes(slp_rules_t *r, slp_rules_errors_t *errs) {
  memset(r->code_index, 0, sizeof r->code_index);
  for (size_t i = 0; i < r->codes.n; i++) {
    const slp__code_row_t *c = &r->codes.v[i];
    uint16_t *ix = r->code_index[c->area][c->cls][c->group];
    if (ix[1] == 0)
      ix[0] = (uint16_t)i;
    ix[1]++;
    if (i > 0) {
      const slp__code_row_t *p = c - 1;
      if (p->area == c->area && p->cls == c->cls && p->group == c->group && p->to >= c->from)
        slp_rules_errorf(errs, "codes.tsv", (long)c->line,
                         "row for %s %s %s overlaps the effective dates of the row on line %lu",
                         slp__area_names[c->area], c->cls ? "TREAT" : "EVAL",
                         c->group ? "GROUP" : "IND", (unsigned long)p->line);
    }
    if (c->combine != 0 && r->code_index[c->combine][c->cls][c->group][1] == 0) {
      bool found = false;
      for (size_t j = 0; j < r->codes.n && !found; j++)
        found = r->codes.v[j].area == c->combine && r->codes.v[j].cls == c->cls &&
                r->codes.v[j].group == c->group;
      if (!found)
        slp_rules_errorf(errs, "codes.tsv", (long)c->line,
                         "%s %s %s combines with %s, which has no %s %s row",
                         slp__area_names[c->area], c->cls ? "TREAT" : "EVAL",
                         c->group ? "GROUP" : "IND", slp__area_names[c->combine],
                         c->cls ? "TREAT" : "EVAL", c->group ? "GROUP" : "IND");
    }
  }
}

/* Report a code without a default price once, however many rows name it. */
static void need_default_charge(const slp_rules_t *r, const char *code, slp_rules_errors_t *errs,
                                char (*seen)[SLP__CODE], size_t *n_seen, size_t cap) {
  if (code[0] == '\0' || slp__rules_charge_cents(r, "*", code) >= 0)
    return;
  for (size_t i = 0; i < *n_seen; i++)
    if (slp__code_cmp(seen[i], code) == 0)
      return;
  if (*n_seen < cap)
    memcpy(seen[(*n_seen)++], code, SLP__CODE);
  slp_rules_errorf(errs, "charges.tsv", 0, "no default (*) price for %s", code);
}

void slp__finalize(slp_rules_t *r, slp_rules_errors_t *errs) {
  SORT(r->codes, cmp_code_row);
  index_codes(r, errs);

  SORT(r->payers, cmp_payer);
  for (size_t i = 1; i < r->payers.n; i++)
    if (strcmp(r->payers.v[i - 1].payer_id, r->payers.v[i].payer_id) == 0)
      slp_rules_errorf(errs, "payers.tsv", LATER(r->payers.v[i].line, r->payers.v[i - 1].line),
                       "payer_id %s is listed twice (also on line %lu)", r->payers.v[i].payer_id,
                       (unsigned long)EARLIER(r->payers.v[i].line, r->payers.v[i - 1].line));
  SORT(r->units, cmp_unit);
  for (size_t i = 1; i < r->units.n; i++)
    if (cmp_unit(&r->units.v[i - 1], &r->units.v[i]) == 0)
      slp_rules_errorf(errs, "payer_units.tsv", LATER(r->units.v[i].line, r->units.v[i - 1].line),
                       "payer_id %s code %s is listed twice (also on line %lu)",
                       r->units.v[i].payer_id, r->units.v[i].code,
                       (unsigned long)EARLIER(r->units.v[i].line, r->units.v[i - 1].line));
  SORT(r->kx, cmp_kx);
  for (size_t i = 1; i < r->kx.n; i++)
    if (r->kx.v[i - 1].year == r->kx.v[i].year)
      slp_rules_errorf(errs, "kx.tsv", LATER(r->kx.v[i].line, r->kx.v[i - 1].line),
                       "year %d is listed twice (also on line %lu)", (int)r->kx.v[i].year,
                       (unsigned long)EARLIER(r->kx.v[i].line, r->kx.v[i - 1].line));

  SORT(r->ptp, cmp_ptp);
  ptp_prefer_cms(r);
  SORT(r->mue, cmp_mue);
  KEEP_LAST(r->mue, same_code);
  SORT(r->icd_headers, cmp_icd);
  KEEP_LAST(r->icd_headers, same_icd);
  SORT(r->icd_codes, cmp_icd);
  KEEP_LAST(r->icd_codes, same_icd);
  SORT(r->fees, cmp_fee);
  KEEP_LAST(r->fees, same_fee);
  SORT(r->cfs, cmp_cf);
  KEEP_LAST(r->cfs, same_cf);
  SORT(r->charges, cmp_charge);
  for (size_t i = 1; i < r->charges.n; i++)
    if (cmp_charge(&r->charges.v[i - 1], &r->charges.v[i]) == 0)
      slp_rules_errorf(errs, "charges.tsv", LATER(r->charges.v[i].line, r->charges.v[i - 1].line),
                       "organization %s code %s is listed twice (also on line %lu)",
                       r->charges.v[i].org, r->charges.v[i].code,
                       (unsigned long)EARLIER(r->charges.v[i].line, r->charges.v[i - 1].line));

  /* The crosswalk: stable counting sort by family keeps each family's rows in file order. */
  size_t n = r->xwalk.n;
  slp__xwalk_row_t *sorted = n ? malloc(n * sizeof *sorted) : NULL;
  if (sorted != NULL) {
    size_t w = 0;
    for (size_t f = 0; f < r->n_families; f++) {
      r->xwalk_index[f][0] = (uint16_t)w;
      for (size_t i = 0; i < n; i++)
        if (r->xwalk.v[i].family == f)
          sorted[w++] = r->xwalk.v[i];
      r->xwalk_index[f][1] = (uint16_t)(w - r->xwalk_index[f][0]);
    }
    memcpy(r->xwalk.v, sorted, n * sizeof *sorted);
    free(sorted);
  }

  /* The same rows bucketed by first letter, for one pass per diagnosis in the engine. */
  for (unsigned letter = 0; letter < 26; letter++) {
    r->xwalk_letter[letter][0] = (uint16_t)r->xwalk_alpha.n;
    for (size_t i = 0; i < r->xwalk.n; i++) {
      if ((unsigned char)r->xwalk.v[i].prefix[0] != 'A' + letter)
        continue;
      slp__xwalk_row_t *x = SLP__PUSH(r->xwalk_alpha);
      if (x != NULL)
        *x = r->xwalk.v[i];
    }
    r->xwalk_letter[letter][1] = (uint16_t)(r->xwalk_alpha.n - r->xwalk_letter[letter][0]);
  }

  /* Every billable code needs a default price: a claim line must never go out at $0. */
  char seen[64][SLP__CODE];
  size_t n_seen = 0;
  for (size_t i = 0; i < r->codes.n; i++) {
    need_default_charge(r, r->codes.v[i].code, errs, seen, &n_seen, 64);
    need_default_charge(r, r->codes.v[i].addon, errs, seen, &n_seen, 64);
  }
  for (size_t i = 0; i < r->units.n; i++)
    need_default_charge(r, r->units.v[i].code, errs, seen, &n_seen, 64);
  slp__finalize_pricing(r, errs);
}
