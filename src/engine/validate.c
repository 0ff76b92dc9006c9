/* SPDX-License-Identifier: Apache-2.0 */
/* validate.c -- event.invalid (required fields, identifier sizes, real dates, DOS not after the
 * note) and provider.npi. */
#include <string.h>

#include "common/date.h"
#include "engine/internal.h"

static bool empty(const char *s) {
  return s == NULL || s[0] == '\0';
}

/* A plan-of-care date: empty is allowed here (the plan checks judge it), malformed is not.
 * Parsed once; the plan checks read the day number from the context. */
static bool bad_optional_date(const char *s, int32_t *day, bool *has) {
  *has = !empty(s) && slp_date_parse(s, day) == 0;
  return !empty(s) && !*has;
}

/* Identifier size bounds (coding-rules §1): outputs and headers echo these fields, so an
 * unbounded one could make a result too large to produce. The value itself is never echoed
 * in the finding. NULL reads as "" (the engine fills it in before validating). */
static void check_size(slp__ctx_t *c, const char *v, size_t max, const char *what,
                       const char *field) {
  if (v != NULL && strnlen(v, max + 1) > max)
    slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR, "The %s is longer than %zu bytes.",
                         what, max),
               "%s", field);
}

int slp__validate_event(slp__ctx_t *c) {
  const slp_session_t *s = c->s;
  size_t before = c->out->n_findings;
  check_size(c, s->event_id, SLP_MAX_ID_LEN, "event id", "event_id");
  check_size(c, s->encounter_id, SLP_MAX_ID_LEN, "encounter id", "encounter_id");
  check_size(c, s->organization_id, SLP_MAX_ID_LEN, "organization id", "organization_id");
  check_size(c, s->patient.patient_id, SLP_MAX_ID_LEN, "patient id", "patient.patient_id");
  check_size(c, s->coverage.payer_id, SLP_MAX_ID_LEN, "payer id", "coverage.payer_id");
  check_size(c, s->prior_authorization, SLP_MAX_ID_LEN, "prior authorization number",
             "prior_authorization");
  /* Longer than 10 is a size error here; 10 characters that are not a valid NPI stay
   * provider.npi (digits and check digit). */
  check_size(c, s->rendering_provider.npi, SLP_NPI_LEN, "rendering NPI", "rendering_provider.npi");
  check_size(c, s->billing_npi, SLP_NPI_LEN, "billing NPI", "billing_npi");
  /* Dates (10 characters) and the POS (2 digits) are bounded by their own checks below. */
  if (empty(s->event_id))
    slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR, "The event id is missing."),
               "event_id");
  if (empty(s->encounter_id))
    slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR, "The encounter id is missing."),
               "encounter_id");
  if (s->reported_at_ms <= 0)
    slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR,
                         "The signing time must be a positive Unix time in milliseconds."),
               "reported_at_ms");
  c->now = slp_days_from_unix_ms(s->reported_at_ms);
  if (slp_date_parse(s->date_of_service, &c->dos) != 0)
    slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR,
                         "The date of service is not a real YYYY-MM-DD date."),
               "date_of_service");
  else if (s->reported_at_ms > 0 && c->dos > c->now)
    slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR,
                         "The date of service is after the day the note was signed."),
               "date_of_service");
  if (s->n_activities == 0 || s->activities == NULL)
    slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR, "The session has no activity."),
               "activities");
  for (size_t i = 0; s->activities != NULL && i < s->n_activities; i++) {
    const slp_activity_t *a = &s->activities[i];
    if (a->kind < SLP_EVALUATION || a->kind > SLP_TREATMENT)
      slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR, "An activity has no known kind."),
                 "activities[%zu].kind", i);
    if (a->area < SLP_AREA_FLUENCY || a->area > SLP_AREA_AURAL_REHAB)
      slp__field(
          slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR, "An activity has no known service area."),
          "activities[%zu].area", i);
  }
  if (empty(s->rendering_provider.npi))
    slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR, "The rendering NPI is missing."),
               "rendering_provider.npi");
  if (empty(s->billing_npi))
    slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR, "The billing NPI is missing."),
               "billing_npi");
  if (s->coverage.payer_kind < SLP_MEDICARE_PART_B || s->coverage.payer_kind > SLP_SELF_PAY)
    slp__field(
        slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR, "The payer kind is missing or unknown."),
        "coverage.payer_kind");
  const char *pos = s->place_of_service;
  if (empty(pos) || strlen(pos) != 2 || pos[0] < '0' || pos[0] > '9' || pos[1] < '0' ||
      pos[1] > '9')
    slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR,
                         "The place of service is not a two-digit CMS code."),
               "place_of_service");
  else if (slp__rules_pos(c->rules, pos) == NULL)
    slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR,
                         "Place of service %s is not a CMS place of service code (pos.tsv).", pos),
               "place_of_service");
  if (s->rendering_provider.credential < SLP_CREDENTIAL_UNSPECIFIED ||
      s->rendering_provider.credential > SLP_CREDENTIAL_STUDENT)
    slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR,
                         "The rendering provider's credential is unknown."),
               "rendering_provider.credential");
  if (s->delivery < SLP_DELIVERY_UNSPECIFIED || s->delivery > SLP_TELEHEALTH_AUDIO_ONLY)
    slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR, "The delivery mode is unknown."),
               "delivery");
  int32_t birth;
  if (!empty(s->patient.birth_date) && slp_date_parse(s->patient.birth_date, &birth) != 0)
    slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR,
                         "The patient's birth date is not a real YYYY-MM-DD date."),
               "patient.birth_date");
  c->has_start = c->has_cert = c->has_end = false;
  if (s->has_plan_of_care) {
    if (bad_optional_date(s->plan_of_care.start_date, &c->poc_start, &c->has_start))
      slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR,
                           "The plan of care start date is not a real YYYY-MM-DD date."),
                 "plan_of_care.start_date");
    if (bad_optional_date(s->plan_of_care.certified_date, &c->poc_cert, &c->has_cert))
      slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR,
                           "The plan of care certification date is not a real YYYY-MM-DD date."),
                 "plan_of_care.certified_date");
    if (bad_optional_date(s->plan_of_care.end_date, &c->poc_end, &c->has_end))
      slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR,
                           "The plan of care end date is not a real YYYY-MM-DD date."),
                 "plan_of_care.end_date");
  }
  return c->out->n_findings > before || c->out->n_findings_omitted > 0 ? -1 : 0;
}

bool slp__npi_valid(const char *npi) {
  if (npi == NULL || strlen(npi) != 10)
    return false;
  /* Luhn over "80840" + the 10 digits; the prefix's contribution is the constant 24. */
  int sum = 24;
  for (int i = 9; i >= 0; i--) {
    if (npi[i] < '0' || npi[i] > '9')
      return false;
    int d = npi[i] - '0';
    if ((9 - i) % 2 == 1) {
      d *= 2;
      if (d > 9)
        d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

void slp__check_npis(slp__ctx_t *c) {
  if (!slp__npi_valid(c->s->rendering_provider.npi))
    slp__field(slp__emit(c, SLP__R_PROVIDER_NPI, SLP_ERROR,
                         "The rendering NPI is not 10 digits with a valid check digit."),
               "rendering_provider.npi");
  if (!slp__npi_valid(c->s->billing_npi)) {
    slp_finding_t *f = slp__emit(c, SLP__R_PROVIDER_NPI, SLP_ERROR,
                                 "The billing NPI is not 10 digits with a valid check digit.");
    slp__field(f, "billing_npi");
    if (f != NULL)
      f->rarc = "N257";
  }
}
