/* SPDX-License-Identifier: Apache-2.0 */
/* engine.h -- the coding engine: one documented session in, a coded claim or a rejection out.
 *
 * The engine links libc only: no I/O, no clock, no globals, no logging, no
 * allocation. Everything arrives as arguments (the session, an immutable rules
 * bundle) and everything leaves in a caller-owned slp_result_t. "Now" is the
 * session's reported_at_ms. The result is a pure function of (session, bundle):
 * same input, same output, byte for byte.
 *
 * Thread safety: slp_engine_code() may run on any number of threads at once
 * over one shared bundle; each call needs its own slp_result_t.
 *
 * The structs below mirror proto/slpcoder/v1/session.proto and claim.proto
 * field for field but carry no protobuf-c types (codec/ converts).
 */
#ifndef SLPCODER_ENGINE_H
#define SLPCODER_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slpcoder/rules.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Enum values equal the proto enum numbers. Fields holding them are int32_t
 * because proto3 enums are open: an unknown number must reach the engine and
 * be reported, not silently mapped. */
typedef enum slp_payer_kind {
  SLP_PAYER_KIND_UNSPECIFIED = 0,
  SLP_MEDICARE_PART_B = 1,
  SLP_MEDICARE_ADVANTAGE = 2,
  SLP_MEDICAID = 3,
  SLP_COMMERCIAL = 4,
  SLP_SELF_PAY = 5,
} slp_payer_kind_t;
#define SLP_PAYER_KIND_COUNT 6

typedef enum slp_credential {
  SLP_CREDENTIAL_UNSPECIFIED = 0,
  SLP_CREDENTIAL_SLP = 1,
  SLP_CREDENTIAL_SLP_CLINICAL_FELLOW = 2,
  SLP_CREDENTIAL_SLP_ASSISTANT = 3,
  SLP_CREDENTIAL_STUDENT = 4,
} slp_credential_t;

typedef enum slp_delivery {
  SLP_DELIVERY_UNSPECIFIED = 0,
  SLP_IN_PERSON = 1,
  SLP_TELEHEALTH_VIDEO = 2,
  SLP_TELEHEALTH_AUDIO_ONLY = 3,
} slp_delivery_t;

typedef enum slp_area {
  SLP_AREA_UNSPECIFIED = 0,
  SLP_AREA_FLUENCY = 1,
  SLP_AREA_SPEECH_SOUND = 2,
  SLP_AREA_LANGUAGE = 3,
  SLP_AREA_VOICE = 4,
  SLP_AREA_SWALLOWING = 5,
  SLP_AREA_SPEECH_GENERATING_DEVICE = 6,
  SLP_AREA_COGNITION = 7,
  SLP_AREA_AURAL_REHAB = 8,
} slp_area_t;
#define SLP_AREA_COUNT 9

typedef enum slp_activity_kind {
  SLP_ACTIVITY_KIND_UNSPECIFIED = 0,
  SLP_EVALUATION = 1,
  SLP_RE_EVALUATION = 2,
  SLP_TREATMENT = 3,
} slp_activity_kind_t;

typedef enum slp_severity {
  SLP_SEVERITY_UNSPECIFIED = 0,
  SLP_INFO = 1,
  SLP_WARNING = 2,
  SLP_ERROR = 3,
} slp_severity_t;

/* ---- input: a SessionEvent -------------------------------------------- */

typedef struct slp_activity {
  int32_t kind;        /* slp_activity_kind_t, possibly unknown */
  int32_t area;        /* slp_area_t, possibly unknown */
  uint32_t minutes;    /* face-to-face minutes */
  uint32_t group_size; /* 0 or 1 = individual */
  bool distinct_encounter;
} slp_activity_t;

/* Every string is NUL-terminated; NULL reads as "" (proto3 default).
 * Nothing is copied: the session borrows the caller's memory for the call. */
typedef struct slp_session {
  const char *event_id;
  const char *encounter_id;
  const char *organization_id;
  int64_t reported_at_ms;

  struct {
    const char *patient_id;
    const char *birth_date;
    const char *member_id;
  } patient;

  struct {
    int32_t payer_kind; /* slp_payer_kind_t, possibly unknown */
    const char *payer_id;
    int64_t ytd_therapy_allowed_cents;
    uint32_t visits_this_year;
  } coverage;

  struct {
    const char *npi;
    int32_t credential; /* slp_credential_t, possibly unknown */
    const char *taxonomy;
  } rendering_provider;

  const char *billing_npi;
  const char *date_of_service;
  const char *place_of_service;
  int32_t delivery; /* slp_delivery_t, possibly unknown */

  const slp_activity_t *activities;
  size_t n_activities;

  const char *const *diagnoses;
  size_t n_diagnoses;

  bool has_plan_of_care; /* message present on the wire */
  struct {
    const char *start_date;
    const char *certified_date;
    const char *end_date;
    bool referral_on_file;
    uint32_t treatment_days_since_progress_report;
    bool progress_report_this_visit;
  } plan_of_care;

  struct {
    bool goals;
    bool techniques;
    bool progress;
    bool medical_necessity;
    bool abn_on_file; /* an Advance Beneficiary Notice on file: above KX without necessity, GA */
  } documentation;

  const char *prior_authorization;
} slp_session_t;

/* ---- output ------------------------------------------------------------ */

#define SLP_MAX_DIAGNOSES 12 /* an 837P carries 12 */
#define SLP_MAX_LINES 24     /* one line per distinct code; the code table has fewer */
#define SLP_MAX_FINDINGS 48
#define SLP_MAX_MODIFIERS 4
#define SLP_MAX_POINTERS 4
#define SLP_MAX_LINE_RULES 8
#define SLP_CODE_LEN 8   /* 5-character HCPCS plus NUL, with room */
#define SLP_DIAG_LEN 8   /* ICD-10-CM without dot: at most 7 characters plus NUL */
#define SLP_FIELD_LEN 64 /* fits "plan_of_care.treatment_days_since_progress_report" */
#define SLP_MESSAGE_LEN 160
#define SLP_MAX_ID_LEN 128 /* event_id, encounter_id, organization_id, patient_id, payer_id,
                              prior_authorization: longer is event.invalid (coding-rules §1) */
#define SLP_NPI_LEN 10     /* an NPI: longer is event.invalid, otherwise provider.npi judges it */

typedef struct slp_finding {
  const char *rule_id; /* static string from the rule table, e.g. "medicare.kx_threshold" */
  slp_severity_t severity;
  const char *group_code;        /* "CO", "PR", "OA", "PI" or "" */
  const char *carc;              /* "" when none */
  const char *rarc;              /* "" when none */
  char field[SLP_FIELD_LEN];     /* input field path, e.g. "activities[1].minutes" */
  char message[SLP_MESSAGE_LEN]; /* one sentence for a biller, no patient data */
} slp_finding_t;

typedef struct slp_line {
  uint32_t line_number; /* 1-based */
  char procedure_code[SLP_CODE_LEN];
  const char *modifiers[SLP_MAX_MODIFIERS]; /* static strings, billing order */
  uint32_t n_modifiers;
  uint32_t units;
  uint32_t diagnosis_pointers[SLP_MAX_POINTERS]; /* 1-based into slp_result_t.diagnoses */
  uint32_t n_diagnosis_pointers;
  int64_t charge_cents;
  uint32_t minutes;
  const char *rule_ids[SLP_MAX_LINE_RULES]; /* audit trail, static strings */
  uint32_t n_rule_ids;
  int64_t allowed_cents; /* this line's expected allowed amount (all units, after MPPR) */
} slp_line_t;

typedef struct slp_result {
  bool rejected; /* true: a Rejection (findings hold >= 1 ERROR, errors first) */

  char diagnoses[SLP_MAX_DIAGNOSES][SLP_DIAG_LEN]; /* normalised: upper case, no dot */
  size_t n_diagnoses;

  slp_line_t lines[SLP_MAX_LINES];
  size_t n_lines;

  int64_t total_charge_cents;
  int64_t expected_allowed_cents;

  /* Rejection: every finding, ERRORs first. CodedClaim: INFO and WARNING only.
   * When more than SLP_MAX_FINDINGS arise, the lowest-severity ones are the
   * ones left out (deterministically) and n_findings_omitted counts them. */
  slp_finding_t findings[SLP_MAX_FINDINGS];
  size_t n_findings;
  size_t n_findings_omitted;

  const char *rules_version; /* borrowed from the bundle */
} slp_result_t;

/* Code one session against a loaded bundle. Always fills *out (a malformed
 * session is a Rejection with event.invalid, not an error). Returns 0, or
 * -EINVAL only for internal misuse (NULL arguments). Any thread. */
int slp_engine_code(const slp_rules_t *rules, const slp_session_t *session, slp_result_t *out);

/* Stable names for logs, JSON and tests. Unknown values give NULL. */
const char *slp_area_name(int32_t area);
const char *slp_activity_kind_name(int32_t kind);
const char *slp_payer_kind_name(int32_t kind);
const char *slp_severity_name(int32_t severity);

/* Every rule id the engine can emit, NULL-terminated, in spec order. Tests use
 * it to prove each id has a firing and a non-firing case. */
extern const char *const slp_rule_ids[];

#ifdef __cplusplus
}
#endif

#endif /* SLPCODER_ENGINE_H */
