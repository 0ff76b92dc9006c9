/* SPDX-License-Identifier: Apache-2.0 */
/* internal.h -- the coding engine's working state, shared by the files of src/engine/.
 * One slp__ctx_t lives on the stack of each slp_engine_code() call: no globals, no allocation. */
#ifndef SLPCODER_ENGINE_INTERNAL_H
#define SLPCODER_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "rules/bundle.h"
#include "slpcoder/engine.h"

/* Every rule the engine can apply, in spec order; slp_rule_ids[] lists their ids in this order. */
typedef enum slp__rule {
  SLP__R_EVENT_INVALID,
  SLP__R_DIAGNOSIS_INVALID,
  SLP__R_DIAGNOSIS_MANIFESTATION_FIRST,
  SLP__R_GROUP_UNSUPPORTED,
  SLP__R_INSUFFICIENT_TIME,
  SLP__R_CODE_NOT_EFFECTIVE,
  SLP__R_KX_APPLIED,
  SLP__R_KX_THRESHOLD,
  SLP__R_TARGETED_REVIEW,
  SLP__R_NCCI_PTP,
  SLP__R_NCCI_PTP_BYPASSED,
  SLP__R_MUE_UNITS_CAPPED,
  SLP__R_NECESSITY_DIAGNOSIS,
  SLP__R_PROVIDER_NPI,
  SLP__R_PROVIDER_CREDENTIAL,
  SLP__R_POS_INCONSISTENT,
  SLP__R_TELEHEALTH_NOT_COVERED,
  SLP__R_POC_MISSING,
  SLP__R_POC_UNCERTIFIED,
  SLP__R_POC_CERTIFICATION_PENDING,
  SLP__R_POC_EXPIRED,
  SLP__R_POC_DURATION,
  SLP__R_POC_DELAYED_CERTIFICATION,
  SLP__R_PROGRESS_REPORT_OVERDUE,
  SLP__R_PROGRESS_REPORT_DUE,
  SLP__R_DOCUMENTATION_INCOMPLETE,
  SLP__R_TIMELY_FILING,
  SLP__R_PRIOR_AUTH_MISSING,
  SLP__R_BENEFIT_VISIT_LIMIT,
  SLP__R_GROUP_SIZE,
  SLP__R_RULES_PROVISIONAL,
  SLP__R_ABN_LIABILITY,
  SLP__R_PAYER_NOT_COVERED,
  SLP__R_MONEY_NATIONAL,
  SLP__R_COUNT
} slp__rule_t;

typedef struct slp__rule_info {
  const char *id;
  const char *group_code; /* "" when the spec lists none */
  const char *carc;
  const char *rarc;
} slp__rule_info_t;

extern const slp__rule_info_t slp__rules_info[SLP__R_COUNT];

/* A line while it is being built: one per distinct procedure code. */
typedef struct slp__wline {
  char code[SLP__CODE];
  const slp__code_row_t *row; /* the row that produced it (add-on lines: the base row) */
  uint32_t families;          /* bit per crosswalk family of every activity mapped here */
  uint32_t minutes;
  uint32_t units;
  uint32_t max_per_day; /* payer unit override cap, 0 none */
  uint8_t scheme;
  bool addon;    /* an add-on line split off a base code */
  bool full;     /* a combining area joined (92522 into 92523): no 52 */
  bool distinct; /* an activity here was documented as a distinct encounter */
  bool removed;  /* dropped by an edit or for too little time */
  bool kx;
  bool ga;          /* above KX without necessity, ABN on file: the patient is liable */
  bool not_covered; /* the payer never covers the code: GY */
  uint32_t areas;   /* bit per service area of every activity mapped here */
  uint32_t area_minutes[SLP_AREA_COUNT]; /* chain_area: minutes per service area */
  int64_t charge_cents;      /* chargemaster price x units */
  int64_t allowed_cents;     /* fee-schedule amount of all units, after MPPR */
  const char *ncci_modifier; /* bypass modifier, or NULL */
  int first_activity;        /* the input activity the line's findings point at */
  const char *rule_ids[SLP_MAX_LINE_RULES];
  uint32_t n_rule_ids;
} slp__wline_t;

#define SLP__MAX_PROVISIONAL 4 /* provisional fee rows named on one claim */

typedef struct slp__ctx {
  const slp_rules_t *rules;
  const slp_session_t *s;
  slp_result_t *out;
  const slp__policy_t *policy;
  int32_t dos; /* day number of the date of service */
  int32_t now; /* day of reported_at_ms */
  int32_t year;
  int32_t poc_start, poc_cert, poc_end; /* plan dates, valid when the has_ flag is set */
  bool has_start, has_cert, has_end;
  bool telehealth;
  bool any_treatment;
  bool any_evaluation;
  bool dx_ok;                              /* diagnoses present and every one valid */
  uint32_t dx_families[SLP_MAX_DIAGNOSES]; /* per kept diagnosis: the families it supports */
  uint32_t dx_rank[SLP_MAX_DIAGNOSES];     /* per kept diagnosis: areas it best supports */
  slp__wline_t lines[SLP_MAX_LINES];
  size_t n_lines;
  struct { /* what pricing used, for the claim's findings (money.c) */
    const slp__org_row_t *org;            /* NULL: no locality */
    const slp__gpci_row_t *gpci;          /* NULL: national GPCIs (1.0) */
    const slp__cf_row_t *cf;              /* the conversion factor priced with */
    const slp__fee_row_t *totals_only;    /* a line priced nationally for want of components */
    const slp__fee_row_t *provisional[SLP__MAX_PROVISIONAL];
    size_t n_provisional;
    const char *no_fee[SLP__MAX_PROVISIONAL]; /* codes the bundle has no RVUs for */
    size_t n_no_fee;
  } money;
} slp__ctx_t;

/* findings.c: add a finding; returns it for the field, or NULL when it had to be left out. */
slp_finding_t *slp__emit(slp__ctx_t *c, slp__rule_t rule, slp_severity_t sev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Set a finding's field path (no-op on NULL). */
void slp__field(slp_finding_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Errors first, then warnings, then info, each in the order they were found. */
void slp__findings_order(slp_result_t *out);
void slp__line_rule(slp__wline_t *l, slp__rule_t rule);
/* WARNING rules.provisional: a value the bundle lacks or marks provisional was used. The message
 * names the table and the value ("kx.tsv: no 2027 KX threshold; ..."); the caller sets the field.
 * Any pass may call it (the KX check, pricing). */
slp_finding_t *slp__provisional(slp__ctx_t *c, const char *table, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The passes, in the order engine.c runs them. */
int slp__validate_event(slp__ctx_t *c);       /* event.invalid; -1 when coding cannot go on */
void slp__check_npis(slp__ctx_t *c);          /* provider.npi */
void slp__normalize_diagnoses(slp__ctx_t *c); /* diagnosis.* */
void slp__assign_codes(slp__ctx_t *c);        /* activity.*, code.not_effective, units */
void slp__apply_edits(slp__ctx_t *c);         /* ncci.*, mue.units_capped */
void slp__check_necessity(slp__ctx_t *c);     /* necessity.diagnosis and pointers */
void slp__compute_money(slp__ctx_t *c);       /* charges, expected allowed */
void slp__money_findings(slp__ctx_t *c);      /* a claim's rules.provisional, money.national */
void slp__check_kx(slp__ctx_t *c);            /* medicare.kx_*, abn_liability, targeted review */
void slp__check_not_covered(slp__ctx_t *c);   /* payer.not_covered (GY) */
void slp__check_payer(slp__ctx_t *c);         /* the rest of section 7 */
void slp__finish_lines(slp__ctx_t *c);        /* modifiers, output lines */

/* necessity.c: the diagnosis pointers of one output line, claim order, at most 4. */
void slp__line_pointers(const slp__ctx_t *c, const slp__wline_t *l, slp_line_t *ol);

/* A valid NPI: 10 digits passing Luhn with the 80840 prefix. */
bool slp__npi_valid(const char *npi);

#endif
