/* tables_money.c -- loading the edit and money tables: mue.tsv, ptp.tsv, fees.tsv, conversion.tsv,
 * charges.tsv. */
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
    uint32_t ind;
    int bad = slp__tsv_code(&t, 0, false, p.col1);
    bad |= slp__tsv_code(&t, 1, false, p.col2);
    bad |= slp__tsv_date(&t, 2, false, &p.from);
    bad |= slp__tsv_date(&t, 3, true, &p.to);
    bad |= slp__tsv_uint(&t, 4, 9, &ind);
    if (bad)
      continue;
    if (ind != 0 && ind != 1 && ind != 9) {
      slp__tsv_error(&t, "column modifier_indicator: must be 0, 1 or 9");
      continue;
    }
    if (p.to <= p.from) {
      slp__tsv_error(&t, "deletion_date is not after effective_from");
      continue;
    }
    p.indicator = (int8_t)ind;
    slp__ptp_row_t *q = SLP__PUSH(r->ptp);
    if (q == NULL)
      break;
    *q = p;
  }
  slp__tsv_close(&t);
}

void slp__load_fees(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"year", "code", "nonfacility_rvu", "facility_rvu"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "fees.tsv", cols, 4, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    slp__fee_row_t f;
    memset(&f, 0, sizeof f);
    int bad = slp__tsv_int(&t, 0, 1900, 9999, &f.year);
    bad |= slp__tsv_code(&t, 1, false, f.code);
    bad |= slp__tsv_decimal(&t, 2, 3, &f.nf_milli);
    bad |= slp__tsv_decimal(&t, 3, 3, &f.fac_milli);
    if (bad)
      continue;
    f.seq = r->seq++;
    slp__fee_row_t *p = SLP__PUSH(r->fees);
    if (p == NULL)
      break;
    *p = f;
  }
  slp__tsv_close(&t);
}

void slp__load_conversion(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"year", "conversion_factor"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "conversion.tsv", cols, 2, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    slp__cf_row_t c;
    memset(&c, 0, sizeof c);
    int bad = slp__tsv_int(&t, 0, 1900, 9999, &c.year);
    bad |= slp__tsv_decimal(&t, 1, 4, &c.cf_e4);
    if (bad)
      continue;
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
