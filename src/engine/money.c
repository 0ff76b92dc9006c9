/* SPDX-License-Identifier: Apache-2.0 */
/* money.c -- charges from the chargemaster and each line's expected allowed amount from the
 * physician fee schedule: the DOS year's RVU components, facility or non-facility PE by the
 * place of service (pos.tsv), the organization's locality GPCIs (orgs.tsv + the CMS GPCI file;
 * national = 1.0), the conversion factor the bundle prices with, and the therapy multiple
 * procedure payment reduction (mppr.tsv).
 *
 * Arithmetic is exact integers: RVUs and GPCIs in thousandths, the CF in 1/10000 dollar, the
 * MPPR in whole percent, so one unit is [(W x wG) + (PE x peG x (100 - reduction) / 100) +
 * (MP x mpG)] x CF held in 10^-12 dollars and rounded once, half up, to cents -- no rounding
 * of the GPCI-adjusted RVUs before the CF, as CMS's published worked examples do (CGS,
 * "MPFS: How Are Fees Calculated?": 1.956576 x 35.7547 = $69.9633668, "round to $69.96").
 * A line's amount is its full units at the full unit amount plus its reduced units at the
 * reduced unit amount. Decisions where the spec is silent:
 * - the highest-PE unit is the one with the highest PE x peGPCI; on a tie the first line in
 *   line order keeps it;
 * - a code whose fee row has totals only (no components) is priced at its national total
 *   and takes no MPPR (the reduction needs the PE component);
 * - a code without a fee row adds nothing. */
#include <stdio.h>
#include <string.h>

#include "engine/internal.h"

#define MPPR_ID "money.mppr" /* audit-trail id on a reduced line; not a finding */

static int64_t to_cents(int64_t e12_dollars_over_cf, int64_t cf_e4) {
  /* x (RVU x 10^-8) times CF (10^-4 dollar) = 10^-12 dollar = 10^-10 cent. */
  return (e12_dollars_over_cf * cf_e4 + 5000000000LL) / 10000000000LL;
}

static void line_audit(slp__wline_t *l, const char *id) {
  for (uint32_t i = 0; i < l->n_rule_ids; i++)
    if (l->rule_ids[i] == id)
      return;
  if (l->n_rule_ids < SLP_MAX_LINE_RULES)
    l->rule_ids[l->n_rule_ids++] = id;
}

void slp__compute_money(slp__ctx_t *c) {
  const slp_rules_t *r = c->rules;
  const slp__pos_row_t *pos = slp__rules_pos(r, c->s->place_of_service);
  bool facility = pos != NULL && pos->facility; /* unknown POS is event.invalid before this */
  const slp__org_row_t *org = slp__rules_org(r, c->s->organization_id);
  const slp__gpci_row_t *g = org != NULL ? slp__rules_gpci(r, org->mac, org->locality, c->year)
                                         : NULL;
  int64_t gw = g ? g->work_milli : 1000, gpe = g ? g->pe_milli : 1000, gmp = g ? g->mp_milli : 1000;
  const slp__cf_row_t *cf = slp__rules_cf(r, c->year);
  c->money.org = org;
  c->money.gpci = g;
  c->money.cf = cf;
  c->money.totals_only = NULL;
  c->money.n_provisional = 0;
  c->money.n_no_fee = 0;

  int64_t full[SLP_MAX_LINES], reduced[SLP_MAX_LINES], pe_rank[SLP_MAX_LINES];
  bool eligible[SLP_MAX_LINES];
  uint32_t eligible_units = 0;
  size_t top = SLP_MAX_LINES;
  int64_t charge = 0;
  for (size_t i = 0; i < c->n_lines; i++) {
    slp__wline_t *l = &c->lines[i];
    full[i] = reduced[i] = 0;
    eligible[i] = false;
    if (l->removed)
      continue;
    int64_t price = slp__rules_charge_cents(r, c->s->organization_id, l->code);
    l->charge_cents = price > 0 ? price * l->units : 0;
    charge += l->charge_cents;
    const slp__fee_row_t *f = slp__rules_fee(r, l->code, c->year);
    if (f == NULL && cf != NULL && c->money.n_no_fee < SLP__MAX_PROVISIONAL)
      c->money.no_fee[c->money.n_no_fee++] = l->code;
    if (f == NULL || cf == NULL)
      continue;
    /* A row carried forward from an earlier year is as uncertain as a proposed one. */
    if ((f->provisional || f->year < c->year) && c->money.n_provisional < SLP__MAX_PROVISIONAL)
      c->money.provisional[c->money.n_provisional++] = f;
    if (!f->has_components) {
      int64_t total = facility ? f->fac_milli : f->nf_milli;
      full[i] = reduced[i] = to_cents(total * 1000 * 100, cf->cf_e4);
      if (g != NULL && c->money.totals_only == NULL)
        c->money.totals_only = f;
      continue;
    }
    int64_t pe = facility ? f->pe_fac_milli : f->pe_nf_milli;
    int64_t base = f->work_milli * gw * 100 + f->mp_milli * gmp * 100;
    full[i] = to_cents(base + pe * gpe * 100, cf->cf_e4);
    const slp__mppr_row_t *m = slp__rules_mppr(r, c->dos, f->mult_proc);
    reduced[i] = full[i];
    if (m != NULL && l->units > 0) {
      reduced[i] = to_cents(base + pe * gpe * (int64_t)(100 - m->pe_reduce_pct), cf->cf_e4);
      eligible[i] = true;
      eligible_units += l->units;
      pe_rank[i] = pe * gpe;
      if (top == SLP_MAX_LINES || pe_rank[i] > pe_rank[top])
        top = i;
    }
  }

  int64_t allowed = 0;
  for (size_t i = 0; i < c->n_lines; i++) {
    slp__wline_t *l = &c->lines[i];
    if (l->removed)
      continue;
    uint32_t n_reduced = 0;
    if (eligible[i] && eligible_units > 1)
      n_reduced = i == top ? l->units - 1 : l->units;
    l->allowed_cents = (int64_t)(l->units - n_reduced) * full[i] + (int64_t)n_reduced * reduced[i];
    if (n_reduced > 0 && reduced[i] != full[i])
      line_audit(l, MPPR_ID);
    allowed += l->allowed_cents;
  }
  c->out->total_charge_cents = charge;
  c->out->expected_allowed_cents = allowed;
}

static void show_e4(char *buf, size_t len, int64_t v) {
  snprintf(buf, len, "%lld.%04lld", (long long)(v / 10000), (long long)(v % 10000));
}

void slp__money_findings(slp__ctx_t *c) {
  const slp__cf_row_t *cf = c->money.cf;
  char v[24];
  if (cf != NULL && cf->year < c->year) {
    show_e4(v, sizeof v, cf->cf_e4);
    slp__emit(c, SLP__R_RULES_PROVISIONAL, SLP_WARNING,
              "conversion.tsv has no %d conversion factor: priced with %d's %s until the bundle "
              "has it.",
              (int)c->year, (int)cf->year, v);
  } else if (cf != NULL && cf->provisional) {
    show_e4(v, sizeof v, cf->cf_e4);
    slp__emit(c, SLP__R_RULES_PROVISIONAL, SLP_WARNING,
              "Priced with a provisional value: conversion.tsv %d %s conversion factor %s.",
              (int)cf->year, cf->qpp == SLP__QPP ? "QPP" : "nonQPP", v);
  }
  for (size_t i = 0; i < c->money.n_provisional; i++) {
    const slp__fee_row_t *f = c->money.provisional[i];
    if (f->year < c->year) {
      slp__emit(c, SLP__R_RULES_PROVISIONAL, SLP_WARNING,
                "fees.tsv has no %d RVUs for %s: priced with %d's until the bundle has them.",
                (int)c->year, f->code, (int)f->year);
      continue;
    }
    slp__emit(c, SLP__R_RULES_PROVISIONAL, SLP_WARNING,
              "Priced with a provisional value: fees.tsv %d %s total RVU %s.", (int)f->year,
              f->code, f->shown);
  }
  for (size_t i = 0; i < c->money.n_no_fee; i++)
    slp__emit(c, SLP__R_RULES_PROVISIONAL, SLP_WARNING,
              "fees.tsv has no RVUs for %s in %d or before: its allowed amount is unknown and "
              "counted as 0 (KX accrual included).",
              c->money.no_fee[i], (int)c->year);
  const slp__org_row_t *org = c->money.org;
  if (org == NULL)
    slp__field(slp__emit(c, SLP__R_MONEY_NATIONAL, SLP_INFO,
                         "Priced at national rates (GPCI 1.0): the organization has no locality "
                         "in orgs.tsv."),
               "organization_id");
  else if (c->money.gpci == NULL)
    slp__field(slp__emit(c, SLP__R_MONEY_NATIONAL, SLP_INFO,
                         "Priced at national rates (GPCI 1.0): the bundle has no %d GPCIs for "
                         "MAC %s locality %s.",
                         (int)c->year, org->mac, org->locality),
               "date_of_service");
  else if (c->money.totals_only != NULL)
    slp__emit(c, SLP__R_MONEY_NATIONAL, SLP_INFO,
              "%s priced at its national total RVUs: the bundle has no %d RVU components for "
              "it to adjust by locality.",
              c->money.totals_only->code, (int)c->money.totals_only->year);
}
