/* money.c -- charges from the chargemaster and the expected allowed amount from the national fee
 * schedule (non-facility for POS 03, 10, 11, 12; facility otherwise). */
#include <string.h>

#include "engine/internal.h"

/* POS codes paid at the non-facility rate (42 CFR 414.22; POS 10 per CMS telehealth guidance). */
static bool non_facility(const char *pos) {
  static const char nf[][3] = {"03", "10", "11", "12"};
  for (size_t i = 0; i < sizeof nf / sizeof nf[0]; i++)
    if (pos[0] == nf[i][0] && pos[1] == nf[i][1] && pos[2] == '\0')
      return true;
  return false;
}

void slp__compute_money(slp__ctx_t *c) {
  bool facility = !non_facility(c->s->place_of_service);
  int64_t charge = 0, allowed = 0;
  for (size_t i = 0; i < c->n_lines; i++) {
    slp__wline_t *l = &c->lines[i];
    if (l->removed)
      continue;
    int64_t price = slp__rules_charge_cents(c->rules, c->s->organization_id, l->code);
    int64_t fee = slp__rules_fee_cents(c->rules, l->code, c->year, facility);
    /* A code without a fee row (e.g. one Medicare does not pay) adds nothing to the allowed amount.
     */
    l->charge_cents = price > 0 ? price * l->units : 0;
    l->allowed_cents = fee > 0 ? fee * l->units : 0;
    charge += l->charge_cents;
    allowed += l->allowed_cents;
  }
  c->out->total_charge_cents = charge;
  c->out->expected_allowed_cents = allowed;
}
