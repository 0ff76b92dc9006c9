/* SPDX-License-Identifier: Apache-2.0 */
/* tables_pricing.c -- the pricing tables beside fees.tsv: pos.tsv (facility or non-facility
 * price by place of service), mppr.tsv (the therapy multiple procedure payment reduction,
 * effective-dated), orgs.tsv (an organization's Medicare locality) and the manifest's
 * [pricing] section (which conversion factor the bundle prices with). */
#include <ctype.h>
#include <string.h>

#include "rules/load.h"
#include "slpcoder/cms.h"
#include "rules/tsv.h"

void slp__load_pos(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"pos", "name", "pricing", "source"};
  static const char *const pricing[] = {"nonfacility", "facility"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "pos.tsv", cols, 4, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    slp__pos_row_t p;
    memset(&p, 0, sizeof p);
    const char *pos = t.cell[0];
    int fac = 0;
    int bad = slp__tsv_enum(&t, 2, pricing, 2, &fac);
    if (strlen(pos) != 2 || !isdigit((unsigned char)pos[0]) || !isdigit((unsigned char)pos[1])) {
      slp__tsv_error(&t, "column pos: \"%.8s\" is not a two-digit place of service code", pos);
      bad = -1;
    }
    if (t.cell[1][0] == '\0' || t.cell[3][0] == '\0') {
      slp__tsv_error(&t, "name and source must not be empty");
      bad = -1;
    }
    if (bad)
      continue;
    memcpy(p.pos, pos, 3);
    p.facility = fac == 1;
    slp__pos_row_t *q = SLP__PUSH(r->pos);
    if (q == NULL)
      break;
    *q = p;
    q->line = (uint32_t)t.line;
  }
  slp__tsv_close(&t);
}

void slp__load_mppr(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"effective_from", "effective_to", "mult_proc",
                                     "pe_reduction_percent"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "mppr.tsv", cols, 4, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    slp__mppr_row_t m;
    memset(&m, 0, sizeof m);
    uint32_t ind;
    int bad = slp__tsv_date(&t, 0, false, &m.from);
    bad |= slp__tsv_date(&t, 1, true, &m.to);
    bad |= slp__tsv_uint(&t, 2, 9, &ind);
    bad |= slp__tsv_uint(&t, 3, 100, &m.pe_reduce_pct);
    if (bad)
      continue;
    if (m.to < m.from) {
      slp__tsv_error(&t, "effective_to is before effective_from");
      continue;
    }
    m.mult_proc = (uint8_t)ind;
    slp__mppr_row_t *q = SLP__PUSH(r->mppr);
    if (q == NULL)
      break;
    *q = m;
    q->line = (uint32_t)t.line;
  }
  slp__tsv_close(&t);
}

/* Digits only, 1..width of them; written zero-padded to width (CMS's locality file drops the
 * leading zeros its GPCI file keeps: "1182" / "01182", "0" / "00"). */
int slp__digits_pad(const char *s, size_t width, char *out) {
  size_t n = strlen(s);
  if (n == 0 || n > width)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (!isdigit((unsigned char)s[i]))
      return -1;
  memset(out, '0', width - n);
  memcpy(out + width - n, s, n + 1);
  return 0;
}

void slp__load_orgs(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"organization_id", "mac", "locality"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "orgs.tsv", cols, 3, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    slp__org_row_t o;
    memset(&o, 0, sizeof o);
    int bad = slp__tsv_id(&t, 0, o.org, sizeof o.org);
    if (slp__digits_pad(t.cell[1], 5, o.mac) != 0) {
      slp__tsv_error(&t, "column mac: \"%.12s\" is not a Medicare contractor number (digits)",
                     t.cell[1]);
      bad = -1;
    }
    if (slp__digits_pad(t.cell[2], 2, o.locality) != 0) {
      slp__tsv_error(&t, "column locality: \"%.12s\" is not a locality number (1-2 digits)",
                     t.cell[2]);
      bad = -1;
    }
    if (bad)
      continue;
    slp__org_row_t *q = SLP__PUSH(r->orgs);
    if (q == NULL)
      break;
    *q = o;
    q->line = (uint32_t)t.line;
  }
  slp__tsv_close(&t);
}

int slp__manifest_pricing(slp_rules_t *r, const char *name, const char *value, long line,
                          slp_rules_errors_t *errs) {
  if (strcmp(name, "qpp_status") == 0) {
    if (strcmp(value, "nonQPP") == 0)
      r->qpp = SLP__NON_QPP;
    else if (strcmp(value, "QPP") == 0)
      r->qpp = SLP__QPP;
    else
      slp_rules_errorf(errs, "manifest.ini", line, "qpp_status: \"%.40s\" is not nonQPP or QPP",
                       value);
    return 1;
  }
  slp_rules_errorf(errs, "manifest.ini", line, "unknown key %s in [pricing]", name);
  return 1;
}
