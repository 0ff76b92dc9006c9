/* SPDX-License-Identifier: Apache-2.0 */
/* finalize_pricing.c -- after loading: sort the pricing tables for the engine's binary searches
 * and cross-check them: one row per place of service, per organization and per locality and
 * year; every organization's locality is one CMS's GPCI file (and locality file, when present)
 * lists; a conversion factor for every fee year in the status the bundle prices with. */
#include <stdio.h>
#include <string.h>

#include "rules/load.h"
#include "slpcoder/cms.h"

static int cmp_pos(const void *a, const void *b) {
  return strcmp(((const slp__pos_row_t *)a)->pos, ((const slp__pos_row_t *)b)->pos);
}

static int cmp_org(const void *a, const void *b) {
  return strcmp(((const slp__org_row_t *)a)->org, ((const slp__org_row_t *)b)->org);
}

static int cmp_gpci(const void *a, const void *b) {
  const slp__gpci_row_t *x = a, *y = b;
  int c = strcmp(x->mac, y->mac);
  if (c == 0)
    c = strcmp(x->locality, y->locality);
  return c ? c : (x->year > y->year) - (x->year < y->year);
}

static int cmp_mppr(const void *a, const void *b) {
  const slp__mppr_row_t *x = a, *y = b;
  int c = x->mult_proc - y->mult_proc;
  return c ? c : (x->from > y->from) - (x->from < y->from);
}

/* Two rows with one key: the message goes on the later line and names the earlier one (qsort is
 * not stable, so either may come first). */
#define LATER(a, b) ((long)((a) > (b) ? (a) : (b)))
#define EARLIER(a, b) ((a) < (b) ? (a) : (b))

#define SORT_VEC(vec, cmp)                                                                         \
  do {                                                                                             \
    if ((vec).n > 1)                                                                               \
      qsort((vec).v, (vec).n, sizeof *(vec).v, cmp);                                               \
  } while (0)

void slp__finalize_pricing(slp_rules_t *r, slp_rules_errors_t *errs) {
  SORT_VEC(r->pos, cmp_pos);
  for (size_t i = 1; i < r->pos.n; i++)
    if (cmp_pos(&r->pos.v[i - 1], &r->pos.v[i]) == 0)
      slp_rules_errorf(errs, "pos.tsv", LATER(r->pos.v[i].line, r->pos.v[i - 1].line),
                       "place of service %s is listed twice (also on line %lu)", r->pos.v[i].pos,
                       (unsigned long)EARLIER(r->pos.v[i].line, r->pos.v[i - 1].line));
  SORT_VEC(r->orgs, cmp_org);
  for (size_t i = 1; i < r->orgs.n; i++)
    if (cmp_org(&r->orgs.v[i - 1], &r->orgs.v[i]) == 0)
      slp_rules_errorf(errs, "orgs.tsv", LATER(r->orgs.v[i].line, r->orgs.v[i - 1].line),
                       "organization_id %s is listed twice (also on line %lu)", r->orgs.v[i].org,
                       (unsigned long)EARLIER(r->orgs.v[i].line, r->orgs.v[i - 1].line));
  SORT_VEC(r->gpcis, cmp_gpci);
  for (size_t i = 1; i < r->gpcis.n; i++)
    if (cmp_gpci(&r->gpcis.v[i - 1], &r->gpcis.v[i]) == 0)
      slp_rules_errorf(errs, "pfs/", 0, "GPCIs for MAC %s locality %s year %d are given twice",
                       r->gpcis.v[i].mac, r->gpcis.v[i].locality, (int)r->gpcis.v[i].year);
  SORT_VEC(r->mppr, cmp_mppr);
  for (size_t i = 1; i < r->mppr.n; i++)
    if (r->mppr.v[i - 1].mult_proc == r->mppr.v[i].mult_proc &&
        r->mppr.v[i].from <= r->mppr.v[i - 1].to)
      slp_rules_errorf(errs, "mppr.tsv", LATER(r->mppr.v[i].line, r->mppr.v[i - 1].line),
                       "two rows for MULT PROC %d overlap (lines %lu and %lu)",
                       (int)r->mppr.v[i].mult_proc,
                       (unsigned long)EARLIER(r->mppr.v[i].line, r->mppr.v[i - 1].line),
                       (unsigned long)LATER(r->mppr.v[i].line, r->mppr.v[i - 1].line));

  for (size_t i = 0; i < r->orgs.n; i++) {
    const slp__org_row_t *o = &r->orgs.v[i];
    bool in_gpci = false, in_locco = r->localities.n == 0;
    for (size_t k = 0; k < r->gpcis.n && !in_gpci; k++)
      in_gpci = strcmp(r->gpcis.v[k].mac, o->mac) == 0 &&
                strcmp(r->gpcis.v[k].locality, o->locality) == 0;
    for (size_t k = 0; k < r->localities.n && !in_locco; k++)
      in_locco = strcmp(r->localities.v[k].mac, o->mac) == 0 &&
                 strcmp(r->localities.v[k].locality, o->locality) == 0;
    if (!in_gpci || !in_locco)
      slp_rules_errorf(errs, "orgs.tsv", 0,
                       "organization_id %s: MAC %s locality %s is not in the CMS %s file in pfs/",
                       o->org, o->mac, o->locality, in_gpci ? "locality" : "GPCI");
  }

  /* Every fee year must have a conversion factor in the status the bundle prices with. */
  int32_t done[64];
  size_t n_done = 0;
  for (size_t i = 0; i < r->fees.n; i++) {
    int32_t y = r->fees.v[i].year;
    bool seen = false;
    for (size_t k = 0; k < n_done && !seen; k++)
      seen = done[k] == y;
    if (seen)
      continue;
    if (n_done < 64)
      done[n_done++] = y;
    bool found = false;
    for (size_t k = 0; k < r->cfs.n && !found; k++)
      found = r->cfs.v[k].year == y && r->cfs.v[k].qpp == r->qpp;
    if (!found)
      slp_rules_errorf(errs, "conversion.tsv", 0, "no %s conversion factor for %d, a fee year",
                       r->qpp == SLP__QPP ? "QPP" : "nonQPP", (int)y);
  }
}
