/* SPDX-License-Identifier: Apache-2.0 */
/* edits.c -- NCCI edits on the built lines: procedure-to-procedure pairs (ncci.ptp,
 * ncci.ptp_bypassed) and medically unlikely edits (mue.units_capped). */
#include <string.h>

#include "engine/internal.h"

static void ptp_edits(slp__ctx_t *c) {
  for (size_t i = 0; i < c->n_lines; i++) {
    slp__wline_t *col1 = &c->lines[i];
    if (col1->removed)
      continue;
    for (size_t j = 0; j < c->n_lines; j++) {
      slp__wline_t *col2 = &c->lines[j];
      if (i == j || col2->removed)
        continue;
      int ind = slp__rules_ptp(c->rules, col1->code, col2->code, c->dos);
      if (ind < 0 || ind == 9)
        continue;
      const char *mod = c->policy->ncci_modifier;
      if (ind == 1 && col2->distinct && mod[0] != '\0') {
        col2->ncci_modifier = strcmp(mod, "XE") == 0 ? "XE" : "59"; /* static, not the bundle's */
        slp__line_rule(col2, SLP__R_NCCI_PTP_BYPASSED);
        slp__field(slp__emit(c, SLP__R_NCCI_PTP_BYPASSED, SLP_INFO,
                             "%s is billed with %s beside %s as a distinct encounter.", col2->code,
                             mod, col1->code),
                   "activities[%d].distinct_encounter", col2->first_activity);
        continue;
      }
      col2->removed = true;
      slp__field(
          slp__emit(c, SLP__R_NCCI_PTP, SLP_WARNING,
                    ind == 0 ? "%s is not payable beside %s on the same day (NCCI, not bypassable)."
                             : "%s is not payable beside %s on the same day without a "
                               "documented distinct encounter.",
                    col2->code, col1->code),
          ind == 0 ? "activities[%d]" : "activities[%d].distinct_encounter", col2->first_activity);
    }
  }
}

static void mue_edits(slp__ctx_t *c) {
  for (size_t i = 0; i < c->n_lines; i++) {
    slp__wline_t *l = &c->lines[i];
    if (l->removed)
      continue;
    uint32_t max = l->max_per_day;
    if (max == 0) {
      const slp__mue_row_t *m = slp__rules_mue(c->rules, l->code);
      if (m == NULL)
        continue;
      max = m->max_units;
    }
    if (l->units <= max)
      continue;
    slp__field(slp__emit(c, SLP__R_MUE_UNITS_CAPPED, SLP_WARNING,
                         "%s units capped from %u to the daily maximum of %u.", l->code, l->units,
                         max),
               "activities[%d].minutes", l->first_activity);
    l->units = max;
    slp__line_rule(l, SLP__R_MUE_UNITS_CAPPED);
    if (max == 0)
      l->removed = true;
  }
}

void slp__apply_edits(slp__ctx_t *c) {
  ptp_edits(c);
  mue_edits(c);
}
