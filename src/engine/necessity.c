/* SPDX-License-Identifier: Apache-2.0 */
/* necessity.c -- medical necessity: each line needs a supporting diagnosis from the bundle's
 * crosswalk (necessity.diagnosis); its pointers are those diagnoses, at most 4: first the ones
 * pointers.tsv ranks as best supporting the line's service areas, then the rest, each group in
 * claim order. */
#include "engine/internal.h"

void slp__check_necessity(slp__ctx_t *c) {
  const slp_result_t *out = c->out;
  if (out->n_diagnoses == 0)
    return; /* diagnosis.invalid already says there is nothing to point at */
  for (size_t i = 0; i < c->n_lines; i++) {
    slp__wline_t *l = &c->lines[i];
    if (l->removed)
      continue;
    bool supported = false;
    for (size_t d = 0; d < out->n_diagnoses && !supported; d++)
      supported = (l->families & c->dx_families[d]) != 0;
    if (!supported)
      slp__field(slp__emit(c, SLP__R_NECESSITY_DIAGNOSIS, SLP_ERROR,
                           "No diagnosis on the claim supports %s.", l->code),
                 "diagnoses");
  }
}

void slp__line_pointers(const slp__ctx_t *c, const slp__wline_t *l, slp_line_t *ol) {
  const slp_result_t *out = c->out;
  ol->n_diagnosis_pointers = 0;
  for (int ranked = 1; ranked >= 0; ranked--)
    for (size_t d = 0; d < out->n_diagnoses && ol->n_diagnosis_pointers < SLP_MAX_POINTERS; d++) {
      if ((l->families & c->dx_families[d]) && ((l->areas & c->dx_rank[d]) != 0) == ranked)
        ol->diagnosis_pointers[ol->n_diagnosis_pointers++] = (uint32_t)(d + 1);
    }
}
