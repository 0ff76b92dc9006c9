/* SPDX-License-Identifier: Apache-2.0 */
/* tables_policy.c -- loading the payer tables: kind defaults, payer_id rows, unit-scheme overrides,
 * telehealth windows and the KX thresholds. */
#include <stdlib.h>
#include <string.h>

#include "rules/load.h"
#include "rules/tsv.h"
#include "slpcoder/cms.h"

void slp__load_kx(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"year", "kx_threshold", "review_threshold"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "kx.tsv", cols, 3, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    int32_t year;
    int64_t kx, review;
    int bad = slp__tsv_int(&t, 0, 1900, 9999, &year);
    bad |= slp__tsv_decimal(&t, 1, 2, &kx);
    bad |= slp__tsv_decimal(&t, 2, 2, &review);
    if (bad)
      continue;
    slp__kx_row_t *k = SLP__PUSH(r->kx);
    if (k == NULL)
      break;
    k->year = year;
    k->kx_cents = kx;
    k->review_cents = review;
    k->line = (uint32_t)t.line;
  }
  slp__tsv_close(&t);
}

void slp__load_telehealth(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"window", "from", "to"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "telehealth.tsv", cols, 3, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    slp__window_t w;
    int bad = slp__tsv_id(&t, 0, w.name, sizeof w.name);
    int bad_date = slp__tsv_date(&t, 1, false, &w.from);
    bad_date |= slp__tsv_date(&t, 2, true, &w.to);
    if (bad)
      continue;
    if (bad_date) {
      /* Reported, and the bundle is refused; keep the name so a payer row naming the window
       * does not add a misleading "not a window" on top. */
      w.from = 0;
      w.to = SLP__NO_END;
    }
    if (strcmp(w.name, "always") == 0 || strcmp(w.name, "never") == 0) {
      slp__tsv_error(&t, "column window: \"%s\" is reserved", w.name);
      continue;
    }
    if (w.to < w.from) {
      slp__tsv_error(&t, "to is before from");
      continue;
    }
    if (r->n_windows == SLP__MAX_WINDOWS) {
      slp__tsv_error(&t, "more than %d telehealth rows", SLP__MAX_WINDOWS);
      continue;
    }
    r->windows[r->n_windows++] = w;
  }
  slp__tsv_close(&t);
}

static int window_index(const slp_rules_t *r, const char *name) {
  for (size_t i = 0; i < r->n_windows; i++)
    if (strcmp(r->windows[i].name, name) == 0)
      return (int)i;
  return -3;
}

/* A timely-filing cell: "none", days ("365"), or calendar months or years after the DOS ("12m",
 * "1y": Medicare's one calendar year, which 365 days gets wrong across a leap day). */
static int timely_cell(slp__tsv_t *t, size_t c, slp__policy_t *p) {
  const char *s = t->cell[c];
  size_t l = strlen(s);
  p->timely_months = 0;
  if (strcmp(s, "none") == 0) {
    p->timely_days = -1;
    return 0;
  }
  char unit = l > 1 ? s[l - 1] : '\0';
  bool calendar = unit == 'm' || unit == 'y';
  bool digits = l > 0 && l <= (calendar ? 4u : 6u);
  for (size_t i = 0; digits && i < l - calendar; i++)
    digits = s[i] >= '0' && s[i] <= '9';
  uint32_t n = calendar && digits ? (uint32_t)strtoul(s, NULL, 10) : 1;
  if (!digits || n == 0) {
    slp__tsv_error(t, "column %s: \"%.40s\" is not none, days, Nm (months) or Ny (years)",
                   t->cols[c], s);
    return -1;
  }
  if (calendar) {
    p->timely_months = (uint16_t)(unit == 'y' ? n * 12 : n);
    p->timely_days = 0;
    return 0;
  }
  uint32_t v = 0;
  if (slp__tsv_uint(t, c, 100000, &v) != 0)
    return -1;
  p->timely_days = (int32_t)v;
  return 0;
}

/* The 11 policy cells starting at column c0; with base, "=" keeps base's value. */
static int parse_policy(const slp_rules_t *r, slp__tsv_t *t, size_t c0, const slp__policy_t *base,
                        slp__policy_t *p) {
  enum { GN, KX, POC, ASSIST, PA, VISITS, TIMELY, TELE, TELEMOD, NCCI, DOC };
  if (base != NULL)
    *p = *base;
  else
    memset(p, 0, sizeof *p);
  bool *flags[] = {[GN] = &p->gn,         [KX] = &p->kx,
                   [POC] = &p->poc,       [ASSIST] = &p->assistant_ok,
                   [PA] = &p->prior_auth, [TELEMOD] = &p->telehealth_modifier,
                   [DOC] = &p->doc_check};
  int bad = 0;
  for (size_t i = GN; i <= DOC; i++) {
    size_t c = c0 + i;
    if (base != NULL && strcmp(t->cell[c], "=") == 0)
      continue;
    switch (i) {
    case TIMELY:
      if (timely_cell(t, c, p) != 0)
        bad = -1;
      break;
    case VISITS: {
      uint32_t v = 0;
      bool none = strcmp(t->cell[c], "none") == 0;
      if (!none && slp__tsv_uint(t, c, 100000, &v) != 0) {
        bad = -1;
        break;
      }
      p->visit_limit = none ? 0 : v;
      break;
    }
    case TELE: {
      const char *s = t->cell[c];
      int w = strcmp(s, "always") == 0 ? -1 : strcmp(s, "never") == 0 ? -2 : window_index(r, s);
      if (w == -3) {
        slp__tsv_error(t, "column %s: \"%.40s\" is not always, never or a window in telehealth.tsv",
                       t->cols[c], s);
        bad = -1;
      }
      p->telehealth = (int8_t)w;
      break;
    }
    case NCCI: {
      static const char *const mods[] = {"none", "XE", "59"};
      int m;
      if (slp__tsv_enum(t, c, mods, 3, &m) != 0) {
        bad = -1;
        break;
      }
      memset(p->ncci_modifier, 0, sizeof p->ncci_modifier);
      if (m > 0)
        memcpy(p->ncci_modifier, mods[m], 2);
      break;
    }
    default:
      bad |= slp__tsv_bool(t, c, flags[i]);
    }
  }
  return bad;
}

#define POLICY_COLS                                                                                \
  "gn", "kx", "poc", "assistant_may_render", "prior_auth", "visit_limit", "timely_filing_days",    \
      "telehealth", "telehealth_modifier", "ncci_modifier", "documentation"

void slp__load_payer_kinds(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"payer_kind", POLICY_COLS};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "payer_kinds.tsv", cols, 12, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    int kind;
    slp__policy_t p;
    int bad = slp__tsv_enum(&t, 0, slp__kind_names, 6, &kind);
    bad |= parse_policy(r, &t, 1, NULL, &p);
    if (bad)
      continue;
    if (r->kind_policy_set[kind]) {
      slp__tsv_error(&t, "payer kind %s listed twice", slp__kind_names[kind]);
      continue;
    }
    r->kind_policy[kind] = p;
    r->kind_policy_set[kind] = true;
  }
  long last = t.line;
  slp__tsv_close(&t);
  for (int k = 1; k < 6; k++)
    if (!r->kind_policy_set[k])
      slp_rules_errorf(errs, "payer_kinds.tsv", last, "payer kind %s has no row",
                       slp__kind_names[k]);
}

void slp__load_payers(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"payer_id", "payer_kind", POLICY_COLS};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "payers.tsv", cols, 13, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    char id[SLP__ID];
    int kind;
    int bad = slp__tsv_id(&t, 0, id, sizeof id);
    bad |= slp__tsv_enum(&t, 1, slp__kind_names, 6, &kind);
    if (bad)
      continue;
    slp__policy_t p;
    if (parse_policy(r, &t, 2, &r->kind_policy[kind], &p) != 0)
      continue;
    slp__payer_row_t *row = SLP__PUSH(r->payers);
    if (row == NULL)
      break;
    memcpy(row->payer_id, id, SLP__ID);
    row->kind = kind;
    row->policy = p;
    row->line = (uint32_t)t.line;
  }
  slp__tsv_close(&t);
}

void slp__load_payer_units(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"payer_id", "code", "scheme", "max_per_day"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "payer_units.tsv", cols, 4, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    slp__unit_override_t u;
    int bad = slp__tsv_id(&t, 0, u.payer_id, sizeof u.payer_id);
    bad |= slp__tsv_code(&t, 1, false, u.code);
    bad |= slp__scheme_parse(&t, 2, &u.scheme);
    bad |= slp__tsv_uint(&t, 3, 1000, &u.max_per_day);
    if (bad)
      continue;
    u.not_covered = u.scheme == 2; /* not_covered: the code keeps its own scheme */
    if (u.not_covered)
      u.scheme = SLP__UNTIMED;
    slp__unit_override_t *p = SLP__PUSH(r->units);
    if (p == NULL)
      break;
    *p = u;
    p->line = (uint32_t)t.line;
  }
  slp__tsv_close(&t);
}
