/* SPDX-License-Identifier: Apache-2.0 */
/* lookup_pricing.c -- the engine's read-only pricing queries: the fee row and conversion factor
 * for a DOS year, the POS row, the MPPR in force, an organization's locality and its GPCIs. */
#include <string.h>

#include "rules/bundle.h"

const slp__fee_row_t *slp__rules_fee(const slp_rules_t *r, const char *code, int32_t year) {
  char k[SLP__CODE];
  slp__key(k, SLP__CODE, code);
  size_t lo = 0, hi = r->fees.n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (slp__code_cmp(r->fees.v[mid].code, k) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  const slp__fee_row_t *best = NULL;
  for (size_t i = lo; i < r->fees.n && slp__code_cmp(r->fees.v[i].code, k) == 0; i++)
    if (r->fees.v[i].year <= year)
      best = &r->fees.v[i]; /* rows ascend by year: the last one at or before the DOS year */
  return best;
}

const slp__cf_row_t *slp__rules_cf(const slp_rules_t *r, int32_t year) {
  const slp__cf_row_t *best = NULL;
  for (size_t j = 0; j < r->cfs.n; j++)
    if (r->cfs.v[j].year <= year && r->cfs.v[j].qpp == r->qpp)
      best = &r->cfs.v[j];
  return best;
}

const slp__pos_row_t *slp__rules_pos(const slp_rules_t *r, const char *pos) {
  size_t lo = 0, hi = r->pos.n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(r->pos.v[mid].pos, pos);
    if (c == 0)
      return &r->pos.v[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

const slp__mppr_row_t *slp__rules_mppr(const slp_rules_t *r, int32_t dos, int mult_proc) {
  for (size_t i = 0; i < r->mppr.n; i++) {
    const slp__mppr_row_t *m = &r->mppr.v[i];
    if (m->mult_proc == mult_proc && dos >= m->from && dos <= m->to)
      return m;
  }
  return NULL;
}

const slp__org_row_t *slp__rules_org(const slp_rules_t *r, const char *org) {
  if (org == NULL || org[0] == '\0')
    return NULL;
  size_t lo = 0, hi = r->orgs.n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(r->orgs.v[mid].org, org);
    if (c == 0)
      return &r->orgs.v[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

const slp__gpci_row_t *slp__rules_gpci(const slp_rules_t *r, const char *mac, const char *locality,
                                       int32_t year) {
  for (size_t i = 0; i < r->gpcis.n; i++) {
    const slp__gpci_row_t *g = &r->gpcis.v[i];
    if (g->year == year && strcmp(g->mac, mac) == 0 && strcmp(g->locality, locality) == 0)
      return g;
  }
  return NULL;
}
