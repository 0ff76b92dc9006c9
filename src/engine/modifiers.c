/* SPDX-License-Identifier: Apache-2.0 */
/* modifiers.c -- the KX threshold check (with the ABN path), services a payer never covers, and
 * each line's modifiers in billing order: 52, GN, XE/59, KX or GA/GY, 95/93 (at most 4), then the
 * output lines themselves. */
#include <string.h>

#include "engine/internal.h"

static void dollars(char *buf, size_t len, int64_t cents);

void slp__check_kx(slp__ctx_t *c) {
  if (!c->policy->kx)
    return;
  char limit[24];
  const slp__kx_row_t *kx = slp__rules_kx(c->rules, c->year);
  if (kx == NULL) {
    /* A year the bundle has no threshold for (2027: the MEI-raised amount is not published):
     * say so, and check against the latest earlier year rather than not at all. */
    kx = slp__rules_kx_before(c->rules, c->year);
    if (kx == NULL)
      return;
    dollars(limit, sizeof limit, kx->kx_cents);
    slp__field(slp__provisional(c, "kx.tsv",
                                "no %d KX threshold; checked against %d's %s until the bundle "
                                "has it.",
                                (int)c->year, (int)kx->year, limit),
               "date_of_service");
  }
  int64_t total = c->s->coverage.ytd_therapy_allowed_cents + c->out->expected_allowed_cents;
  if (total > kx->kx_cents) {
    dollars(limit, sizeof limit, kx->kx_cents);
    if (c->s->documentation.medical_necessity) {
      for (size_t i = 0; i < c->n_lines; i++) {
        c->lines[i].kx = true;
        slp__line_rule(&c->lines[i], SLP__R_KX_APPLIED);
      }
      slp__field(slp__emit(c, SLP__R_KX_APPLIED, SLP_INFO,
                           "Therapy allowed amounts pass the %s KX threshold; KX added with "
                           "documented medical necessity.",
                           limit),
                 "coverage.ytd_therapy_allowed_cents");
    } else if (c->s->documentation.abn_on_file) {
      for (size_t i = 0; i < c->n_lines; i++) {
        c->lines[i].ga = true;
        slp__line_rule(&c->lines[i], SLP__R_ABN_LIABILITY);
      }
      slp__field(slp__emit(c, SLP__R_ABN_LIABILITY, SLP_WARNING,
                           "Therapy allowed amounts pass the %s KX threshold without documented "
                           "medical necessity; billed with GA under the ABN on file (patient "
                           "liable).",
                           limit),
                 "documentation.abn_on_file");
    } else {
      slp__field(slp__emit(c, SLP__R_KX_THRESHOLD, SLP_ERROR,
                           "Therapy allowed amounts pass the %s KX threshold without documented "
                           "medical necessity.",
                           limit),
                 "documentation.medical_necessity");
    }
  }
  if (total > kx->review_cents) {
    dollars(limit, sizeof limit, kx->review_cents);
    slp__field(slp__emit(c, SLP__R_TARGETED_REVIEW, SLP_WARNING,
                         "Therapy allowed amounts pass the %s targeted medical review threshold.",
                         limit),
               "coverage.ytd_therapy_allowed_cents");
  }
}

static void dollars(char *buf, size_t len, int64_t cents) {
  /* "$2,410" style without locale: whole dollars with thousands separators. */
  char tmp[24];
  int n = 0;
  int64_t d = cents / 100;
  do {
    if (n > 0 && n % 4 == 3)
      tmp[n++] = ',';
    tmp[n++] = (char)('0' + d % 10);
    d /= 10;
  } while (d > 0 && n < 22);
  size_t w = 0;
  if (len > 1)
    buf[w++] = '$';
  while (n > 0 && w + 1 < len)
    buf[w++] = tmp[--n];
  buf[w] = '\0';
}

void slp__check_not_covered(slp__ctx_t *c) {
  for (size_t i = 0; i < c->n_lines; i++) {
    slp__wline_t *l = &c->lines[i];
    if (l->removed || !l->not_covered)
      continue;
    slp__line_rule(l, SLP__R_PAYER_NOT_COVERED);
    slp__field(slp__emit(c, SLP__R_PAYER_NOT_COVERED, SLP_WARNING,
                         "This payer never covers %s: billed with GY (patient liable).", l->code),
               "activities[%d]", l->first_activity);
  }
}

static void add_mod(slp_line_t *ol, const char *mod) {
  if (ol->n_modifiers < SLP_MAX_MODIFIERS)
    ol->modifiers[ol->n_modifiers++] = mod;
}

void slp__finish_lines(slp__ctx_t *c) {
  slp_result_t *out = c->out;
  const slp_session_t *s = c->s;
  const char *tele = s->delivery == SLP_TELEHEALTH_VIDEO        ? "95"
                     : s->delivery == SLP_TELEHEALTH_AUDIO_ONLY ? "93"
                                                                : NULL;
  out->n_lines = 0;
  for (size_t i = 0; i < c->n_lines; i++) {
    const slp__wline_t *l = &c->lines[i];
    if (l->removed)
      continue;
    slp_line_t *ol = &out->lines[out->n_lines++];
    memset(ol, 0, sizeof *ol);
    ol->line_number = (uint32_t)out->n_lines;
    memcpy(ol->procedure_code, l->code, SLP_CODE_LEN);
    /* Billing order; past four the later ones are left off (52, GN, XE and KX outrank 95/93). */
    if (!l->addon && l->row->modifier[0] != '\0' && !l->full)
      add_mod(ol, "52");
    if (c->policy->gn)
      add_mod(ol, "GN");
    if (l->ncci_modifier != NULL)
      add_mod(ol, l->ncci_modifier);
    /* One slot: GY (never covered) outranks GA (ABN, no necessity), which replaces KX. */
    if (l->not_covered)
      add_mod(ol, "GY");
    else if (l->ga)
      add_mod(ol, "GA");
    else if (l->kx)
      add_mod(ol, "KX");
    if (tele != NULL && c->policy->telehealth_modifier)
      add_mod(ol, tele);
    ol->units = l->units;
    ol->minutes = l->minutes;
    ol->charge_cents = l->charge_cents;
    ol->allowed_cents = l->allowed_cents;
    slp__line_pointers(c, l, ol);
    for (uint32_t r = 0; r < l->n_rule_ids; r++)
      ol->rule_ids[r] = l->rule_ids[r];
    ol->n_rule_ids = l->n_rule_ids;
  }
}
