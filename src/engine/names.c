/* SPDX-License-Identifier: Apache-2.0 */
/* names.c -- the rule table (id, group code, CARC, RARC from coding-rules.md) and stable enum
 * names. */
#include "engine/internal.h"

#include <stddef.h>

const slp__rule_info_t slp__rules_info[SLP__R_COUNT] = {
    [SLP__R_EVENT_INVALID] = {"event.invalid", "CO", "16", "MA130"},
    [SLP__R_DIAGNOSIS_INVALID] = {"diagnosis.invalid", "CO", "16", "M76"},
    [SLP__R_DIAGNOSIS_MANIFESTATION_FIRST] = {"diagnosis.manifestation_first", "CO", "16", "M76"},
    [SLP__R_GROUP_UNSUPPORTED] = {"activity.group_unsupported", "CO", "16", ""},
    [SLP__R_INSUFFICIENT_TIME] = {"activity.insufficient_time", "CO", "16", ""},
    [SLP__R_CODE_NOT_EFFECTIVE] = {"code.not_effective", "CO", "181", ""},
    [SLP__R_KX_APPLIED] = {"medicare.kx_applied", "", "", ""},
    [SLP__R_KX_THRESHOLD] = {"medicare.kx_threshold", "PR", "119", ""},
    [SLP__R_TARGETED_REVIEW] = {"medicare.targeted_review", "", "", ""},
    [SLP__R_NCCI_PTP] = {"ncci.ptp", "CO", "236", ""},
    [SLP__R_NCCI_PTP_BYPASSED] = {"ncci.ptp_bypassed", "", "", ""},
    [SLP__R_MUE_UNITS_CAPPED] = {"mue.units_capped", "CO", "151", ""},
    [SLP__R_NECESSITY_DIAGNOSIS] = {"necessity.diagnosis", "CO", "11", ""},
    [SLP__R_PROVIDER_NPI] = {"provider.npi", "CO", "16", "N290"},
    [SLP__R_PROVIDER_CREDENTIAL] = {"provider.credential", "CO", "170", ""},
    [SLP__R_POS_INCONSISTENT] = {"pos.inconsistent", "CO", "5", ""},
    [SLP__R_TELEHEALTH_NOT_COVERED] = {"telehealth.not_covered", "CO", "96", ""},
    [SLP__R_POC_MISSING] = {"poc.missing", "CO", "16", ""},
    [SLP__R_POC_UNCERTIFIED] = {"poc.uncertified", "CO", "16", ""},
    [SLP__R_POC_CERTIFICATION_PENDING] = {"poc.certification_pending", "CO", "16", ""},
    [SLP__R_POC_EXPIRED] = {"poc.expired", "CO", "16", ""},
    [SLP__R_POC_DURATION] = {"poc.duration", "CO", "16", ""},
    [SLP__R_POC_DELAYED_CERTIFICATION] = {"poc.delayed_certification", "CO", "16", ""},
    [SLP__R_PROGRESS_REPORT_OVERDUE] = {"progress_report.overdue", "CO", "16", ""},
    [SLP__R_PROGRESS_REPORT_DUE] = {"progress_report.due", "CO", "16", ""},
    [SLP__R_DOCUMENTATION_INCOMPLETE] = {"documentation.incomplete", "CO", "16", ""},
    [SLP__R_TIMELY_FILING] = {"timely_filing", "CO", "29", ""},
    [SLP__R_PRIOR_AUTH_MISSING] = {"prior_auth.missing", "CO", "197", ""},
    [SLP__R_BENEFIT_VISIT_LIMIT] = {"benefit.visit_limit", "CO", "119", ""},
    [SLP__R_GROUP_SIZE] = {"group.size", "", "", ""},
    [SLP__R_RULES_PROVISIONAL] = {"rules.provisional", "", "", ""},
    [SLP__R_ABN_LIABILITY] = {"medicare.abn_liability", "PR", "50", ""},
    [SLP__R_PAYER_NOT_COVERED] = {"payer.not_covered", "PR", "96", ""},
    [SLP__R_MONEY_NATIONAL] = {"money.national", "", "", ""},
};

const char *const slp_rule_ids[] = {
    "event.invalid",
    "diagnosis.invalid",
    "diagnosis.manifestation_first",
    "activity.group_unsupported",
    "activity.insufficient_time",
    "code.not_effective",
    "medicare.kx_applied",
    "medicare.kx_threshold",
    "medicare.targeted_review",
    "ncci.ptp",
    "ncci.ptp_bypassed",
    "mue.units_capped",
    "necessity.diagnosis",
    "provider.npi",
    "provider.credential",
    "pos.inconsistent",
    "telehealth.not_covered",
    "poc.missing",
    "poc.uncertified",
    "poc.certification_pending",
    "poc.expired",
    "poc.duration",
    "poc.delayed_certification",
    "progress_report.overdue",
    "progress_report.due",
    "documentation.incomplete",
    "timely_filing",
    "prior_auth.missing",
    "benefit.visit_limit",
    "group.size",
    "rules.provisional",
    "medicare.abn_liability",
    "payer.not_covered",
    "money.national",
    NULL,
};

_Static_assert(sizeof slp_rule_ids / sizeof slp_rule_ids[0] == SLP__R_COUNT + 1,
               "slp_rule_ids must list every rule");

const char *slp_area_name(int32_t area) {
  static const char *const names[] = {
      "SERVICE_AREA_UNSPECIFIED", "FLUENCY",   "SPEECH_SOUND", "LANGUAGE", "VOICE", "SWALLOWING",
      "SPEECH_GENERATING_DEVICE", "COGNITION", "AURAL_REHAB"};
  return area >= 0 && area < 9 ? names[area] : NULL;
}

const char *slp_activity_kind_name(int32_t kind) {
  static const char *const names[] = {"ACTIVITY_KIND_UNSPECIFIED", "EVALUATION", "RE_EVALUATION",
                                      "TREATMENT"};
  return kind >= 0 && kind < 4 ? names[kind] : NULL;
}

const char *slp_payer_kind_name(int32_t kind) {
  static const char *const names[] = {"PAYER_KIND_UNSPECIFIED",
                                      "MEDICARE_PART_B",
                                      "MEDICARE_ADVANTAGE",
                                      "MEDICAID",
                                      "COMMERCIAL",
                                      "SELF_PAY"};
  return kind >= 0 && kind < 6 ? names[kind] : NULL;
}

const char *slp_severity_name(int32_t severity) {
  static const char *const names[] = {"SEVERITY_UNSPECIFIED", "INFO", "WARNING", "ERROR"};
  return severity >= 0 && severity < 4 ? names[severity] : NULL;
}
