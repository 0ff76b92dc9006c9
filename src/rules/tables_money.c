/* SPDX-License-Identifier: Apache-2.0 */
/* tables_money.c -- loading the edit and money tables: mue.tsv, ptp.tsv, fees.tsv, conversion.tsv,
 * charges.tsv (pos.tsv, mppr.tsv and orgs.tsv are in tables_pricing.c). */
#include <stdio.h>
#include <string.h>

#include "rules/load.h"
#include "rules/tsv.h"

void slp__load_mue(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"code", "max_units", "mai"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "mue.tsv", cols, 3, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    slp__mue_row_t m;
    memset(&m, 0, sizeof m);
    uint32_t mai;
    int bad = slp__tsv_code(&t, 0, false, m.code);
    bad |= slp__tsv_uint(&t, 1, 10000, &m.max_units);
    bad |= slp__tsv_uint(&t, 2, 3, &mai);
    if (bad)
      continue;
    if (mai < 1) {
      slp__tsv_error(&t, "column mai: must be 1, 2 or 3");
      continue;
    }
    m.mai = (uint8_t)mai;
    m.seq = r->seq++;
    slp__mue_row_t *p = SLP__PUSH(r->mue);
    if (p == NULL)
      break;
    *p = m;
  }
  slp__tsv_close(&t);
}

void slp__load_ptp(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"column1", "column2", "effective_from", "deletion_date",
                                     "modifier_indicator"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "ptp.tsv", cols, 5, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    slp__ptp_row_t p;
    memset(&p, 0, sizeof p);
    uint32_t ind, c1 = 0, c2 = 0;
    char col1[SLP__CODE], col2[SLP__CODE];
    int bad = slp__tsv_code(&t, 0, false, col1);
    bad |= slp__tsv_code(&t, 1, false, col2);
    bad |= bad ? 0 : slp__code36(col1, &c1) | slp__code36(col2, &c2); /* cannot fail once valid */
    bad |= slp__tsv_date(&t, 2, false, &p.from);
    bad |= slp__tsv_date(&t, 3, true, &p.to);
    bad |= slp__tsv_uint(&t, 4, 9, &ind);
    if (bad)
      continue;
    if (ind != 0 && ind != 1 && ind != 9) {
      slp__tsv_error(&t, "column modifier_indicator: must be 0, 1 or 9");
      continue;
    }
    if (p.to < p.from) {
      slp__tsv_error(&t, "deletion_date is before effective_from");
      continue;
    }
    p.col1 = c1;
    p.col2 = c2;
    p.indicator = ind;
    slp__ptp_row_t *q = SLP__PUSH(r->ptp);
    if (q == NULL)
      break;
    *q = p;
  }
  slp__tsv_close(&t);
}

/* A milli-RVU as the table writes it (2 decimals shown), for messages and the provisional
 * warning. */
static void show_rvu(char *buf, size_t len, int64_t milli) {
  snprintf(buf, len, "%lld.%02lld", (long long)(milli / 1000), (long long)(milli % 1000 / 10));
}

/* fees.tsv: per code and year the RVU components (work, PE non-facility, PE facility, MP), the
 * totals, the MULT PROC indicator and whether the row is provisional. Components may be "-"
 * (all four) where the source gives totals only; the totals must then stand alone, and when
 * components are given the totals must be their sums (CMS's totals are). */
void slp__load_fees(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {
      "year",    "code",           "work_rvu",     "pe_nonfacility_rvu", "pe_facility_rvu",
      "mp_rvu",  "nonfacility_rvu", "facility_rvu", "mult_proc",          "provisional"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "fees.tsv", cols, 10, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    slp__fee_row_t f;
    memset(&f, 0, sizeof f);
    uint32_t mp_ind;
    int bad = slp__tsv_int(&t, 0, 1900, 9999, &f.year);
    bad |= slp__tsv_code(&t, 1, false, f.code);
    int dashes = 0;
    for (size_t k = 2; k <= 5; k++)
      dashes += strcmp(t.cell[k], "-") == 0;
    if (dashes == 0) {
      bad |= slp__tsv_decimal(&t, 2, 3, &f.work_milli);
      bad |= slp__tsv_decimal(&t, 3, 3, &f.pe_nf_milli);
      bad |= slp__tsv_decimal(&t, 4, 3, &f.pe_fac_milli);
      bad |= slp__tsv_decimal(&t, 5, 3, &f.mp_milli);
      f.has_components = true;
    } else if (dashes != 4) {
      slp__tsv_error(&t, "work_rvu, pe_nonfacility_rvu, pe_facility_rvu and mp_rvu are all "
                         "values or all \"-\"");
      bad = -1;
    }
    bad |= slp__tsv_decimal(&t, 6, 3, &f.nf_milli);
    bad |= slp__tsv_decimal(&t, 7, 3, &f.fac_milli);
    bad |= slp__tsv_uint(&t, 8, 9, &mp_ind);
    bad |= slp__tsv_bool(&t, 9, &f.provisional);
    if (bad)
      continue;
    if (f.has_components) {
      int64_t nf = f.work_milli + f.pe_nf_milli + f.mp_milli;
      int64_t fac = f.work_milli + f.pe_fac_milli + f.mp_milli;
      char want[24];
      if (nf != f.nf_milli) {
        show_rvu(want, sizeof want, nf);
        slp__tsv_error(&t, "nonfacility_rvu %s is not work + PE non-facility + MP (%s)",
                       t.cell[6], want);
        continue;
      }
      if (fac != f.fac_milli) {
        show_rvu(want, sizeof want, fac);
        slp__tsv_error(&t, "facility_rvu %s is not work + PE facility + MP (%s)", t.cell[7], want);
        continue;
      }
    }
    f.mult_proc = (uint8_t)mp_ind;
    snprintf(f.shown, sizeof f.shown, "%s", t.cell[6]);
    f.seq = r->seq++;
    slp__fee_row_t *p = SLP__PUSH(r->fees);
    if (p == NULL)
      break;
    *p = f;
  }
  slp__tsv_close(&t);
}

/* conversion.tsv: the conversion factor per year and QPP status (CMS publishes one for
 * clinicians who are qualifying APM participants and one for everyone else from 2026). */
void slp__load_conversion(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"year", "qpp_status", "conversion_factor", "provisional"};
  static const char *const status[] = {"nonQPP", "QPP"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "conversion.tsv", cols, 4, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    slp__cf_row_t c;
    memset(&c, 0, sizeof c);
    int qpp = 0;
    int bad = slp__tsv_int(&t, 0, 1900, 9999, &c.year);
    bad |= slp__tsv_enum(&t, 1, status, 2, &qpp);
    bad |= slp__tsv_decimal(&t, 2, 4, &c.cf_e4);
    bad |= slp__tsv_bool(&t, 3, &c.provisional);
    if (bad)
      continue;
    c.qpp = (uint8_t)qpp;
    c.seq = r->seq++;
    slp__cf_row_t *p = SLP__PUSH(r->cfs);
    if (p == NULL)
      break;
    *p = c;
  }
  slp__tsv_close(&t);
}

void slp__load_charges(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"organization_id", "code", "price"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "charges.tsv", cols, 3, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    slp__charge_row_t c;
    memset(&c, 0, sizeof c);
    int bad = slp__tsv_id(&t, 0, c.org, sizeof c.org);
    bad |= slp__tsv_code(&t, 1, false, c.code);
    bad |= slp__tsv_decimal(&t, 2, 2, &c.cents);
    if (bad)
      continue;
    slp__charge_row_t *p = SLP__PUSH(r->charges);
    if (p == NULL)
      break;
    *p = c;
    p->line = (uint32_t)t.line;
  }
  slp__tsv_close(&t);
}
