/* SPDX-License-Identifier: Apache-2.0 */
/* normalize.c -- diagnoses as an 837P carries them: upper case, no dot, no duplicates, at most 12;
 * shape and bundle checks (diagnosis.invalid, diagnosis.manifestation_first). */
#include <string.h>

#include "engine/internal.h"

static bool is_alpha(char ch) {
  return (ch >= 'A' && ch <= 'Z');
}
static bool is_digit(char ch) {
  return ch >= '0' && ch <= '9';
}

/* Normalise src into dst (SLP_DIAG_LEN); false when it cannot be an ICD-10-CM code. */
static bool normalise(const char *src, char dst[SLP_DIAG_LEN]) {
  memset(dst, 0, SLP_DIAG_LEN);
  size_t n = 0;
  for (const char *p = src ? src : ""; *p; p++) {
    if (*p == '.')
      continue;
    if (n == SLP_DIAG_LEN - 1)
      return false; /* longer than 7 characters */
    char ch = *p;
    if (ch >= 'a' && ch <= 'z')
      ch = (char)(ch - 'a' + 'A');
    dst[n++] = ch;
  }
  /* A letter, a digit, an alphanumeric, then 0-4 alphanumerics. */
  if (n < 3 || !is_alpha(dst[0]) || !is_digit(dst[1]))
    return false;
  for (size_t i = 2; i < n; i++)
    if (!is_alpha(dst[i]) && !is_digit(dst[i]))
      return false;
  return true;
}

void slp__normalize_diagnoses(slp__ctx_t *c) {
  const slp_session_t *s = c->s;
  slp_result_t *out = c->out;
  c->dx_ok = true;
  int first_index = -1; /* input index of the first kept diagnosis */
  for (size_t i = 0; i < s->n_diagnoses && s->diagnoses != NULL; i++) {
    char dx[SLP_DIAG_LEN];
    if (!normalise(s->diagnoses[i], dx)) {
      slp__field(slp__emit(c, SLP__R_DIAGNOSIS_INVALID, SLP_ERROR,
                           "A diagnosis is not a well-formed ICD-10-CM code."),
                 "diagnoses[%zu]", i);
      c->dx_ok = false;
      continue;
    }
    if (slp__rules_icd_header(c->rules, dx)) {
      slp__field(slp__emit(c, SLP__R_DIAGNOSIS_INVALID, SLP_ERROR,
                           "Diagnosis %s is a category header, not a billable code.", dx),
                 "diagnoses[%zu]", i);
      c->dx_ok = false;
      continue;
    }
    if (!slp__rules_icd_known(c->rules, dx)) {
      slp__field(slp__emit(c, SLP__R_DIAGNOSIS_INVALID, SLP_ERROR,
                           "Diagnosis %s is not in the bundle's ICD-10-CM code set.", dx),
                 "diagnoses[%zu]", i);
      c->dx_ok = false;
      continue;
    }
    bool dup = false;
    for (size_t j = 0; j < out->n_diagnoses && !dup; j++)
      dup = slp__code_cmp(out->diagnoses[j], dx) == 0;
    if (dup || out->n_diagnoses == SLP_MAX_DIAGNOSES)
      continue;
    if (out->n_diagnoses == 0)
      first_index = (int)i;
    /* Which line families this diagnosis supports, once, so lines only AND bit masks. */
    c->dx_families[out->n_diagnoses] = slp__rules_dx_families(c->rules, dx);
    c->dx_rank[out->n_diagnoses] = slp__rules_dx_rank_areas(c->rules, dx);
    memcpy(out->diagnoses[out->n_diagnoses++], dx, SLP_DIAG_LEN);
  }
  if (s->n_diagnoses == 0) {
    slp__field(slp__emit(c, SLP__R_DIAGNOSIS_INVALID, SLP_ERROR, "The session has no diagnosis."),
               "diagnoses");
    c->dx_ok = false;
  }
  if (out->n_diagnoses > 0 && slp__rules_icd_manifestation(c->rules, out->diagnoses[0]))
    slp__field(slp__emit(c, SLP__R_DIAGNOSIS_MANIFESTATION_FIRST, SLP_ERROR,
                         "Diagnosis %s is a manifestation code and cannot be listed first.",
                         out->diagnoses[0]),
               "diagnoses[%d]", first_index);
}
