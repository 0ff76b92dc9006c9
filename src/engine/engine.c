/* SPDX-License-Identifier: Apache-2.0 */
/* engine.c -- slp_engine_code: runs the coding passes over one session in a fixed order and
 * decides between a coded claim and a rejection.
 *
 * Decisions where the spec is silent:
 * - event.invalid stops coding: the other passes need a real DOS, known kinds and areas.
 * - A rejection keeps every finding, INFO included, ordered ERROR, WARNING, INFO and within a
 *   severity in evaluation order (the pass order below); it carries no lines or amounts.
 * - A DOS outside the bundle manifest's span is code.not_effective on date_of_service.
 * - Lines are in procedure-code order; line numbers follow that order. */
#include <errno.h>
#include <string.h>

#include "common/date.h"
#include "engine/internal.h"

static const char *nz(const char *s) {
  return s ? s : "";
}

int slp_engine_code(const slp_rules_t *rules, const slp_session_t *session, slp_result_t *out) {
  if (rules == NULL || session == NULL || out == NULL)
    return -EINVAL;
  /* Reset only what the passes read or the caller sees; the big arrays are written as used. */
  out->rejected = false;
  out->n_diagnoses = 0;
  out->n_lines = 0;
  out->total_charge_cents = 0;
  out->expected_allowed_cents = 0;
  out->n_findings = 0;
  out->n_findings_omitted = 0;
  out->rules_version = slp_rules_version(rules);

  /* NULL strings read as "" (proto3 default): work on a copy with them filled in. */
  slp_session_t s = *session;
  s.event_id = nz(s.event_id);
  s.encounter_id = nz(s.encounter_id);
  s.organization_id = nz(s.organization_id);
  s.coverage.payer_id = nz(s.coverage.payer_id);
  s.rendering_provider.npi = nz(s.rendering_provider.npi);
  s.billing_npi = nz(s.billing_npi);
  s.date_of_service = nz(s.date_of_service);
  s.place_of_service = nz(s.place_of_service);
  s.plan_of_care.start_date = nz(s.plan_of_care.start_date);
  s.plan_of_care.certified_date = nz(s.plan_of_care.certified_date);
  s.plan_of_care.end_date = nz(s.plan_of_care.end_date);
  s.prior_authorization = nz(s.prior_authorization);
  if (s.activities == NULL)
    s.n_activities = 0;
  if (s.diagnoses == NULL)
    s.n_diagnoses = 0;

  slp__ctx_t c;
  c.rules = rules;
  c.s = &s;
  c.out = out;
  c.n_lines = 0;
  c.any_treatment = c.any_evaluation = false;
  c.dx_ok = false;
  c.dos = 0;
  c.now = 0;

  bool coded = false;
  if (slp__validate_event(&c) == 0) {
    coded = true;
    c.year = slp_date_year(c.dos);
    c.telehealth = s.delivery == SLP_TELEHEALTH_VIDEO || s.delivery == SLP_TELEHEALTH_AUDIO_ONLY;
    c.policy = slp__rules_policy(rules, s.coverage.payer_kind, s.coverage.payer_id);
    slp__check_npis(&c);
    slp__normalize_diagnoses(&c);
    slp__assign_codes(&c);
    slp__apply_edits(&c);
    slp__check_necessity(&c);
    slp__compute_money(&c);
    slp__check_kx(&c);
    slp__check_not_covered(&c);
    slp__check_payer(&c);
    slp__finish_lines(&c);
  }

  slp__findings_order(out);
  out->rejected = out->n_findings > 0 && out->findings[0].severity == SLP_ERROR;
  if (out->rejected) {
    out->n_lines = 0; /* a rejection carries findings only */
    out->total_charge_cents = 0;
    out->expected_allowed_cents = 0;
  } else if (coded) {
    /* How the claim was priced is said on claims only: a rejection carries no amounts. */
    slp__money_findings(&c);
    slp__findings_order(out);
  }
  return 0;
}
