/* SPDX-License-Identifier: Apache-2.0 */
/* findings.c -- recording findings: bounded, deterministic when there are too many, errors first.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/internal.h"

/* vsnprintf, or a plain copy for a format without a conversion (most messages, and the
 * money.national one every claim of an organization without a locality carries): the same
 * bytes, without printf's parsing per finding. */
__attribute__((format(printf, 3, 0))) static void format_into(char *dst, size_t cap,
                                                             const char *fmt, va_list ap) {
  if (strchr(fmt, '%') != NULL) {
    vsnprintf(dst, cap, fmt, ap);
    return;
  }
  size_t n = strlen(fmt);
  if (n >= cap)
    n = cap - 1;
  memcpy(dst, fmt, n);
  dst[n] = '\0';
}

slp_finding_t *slp__emit(slp__ctx_t *c, slp__rule_t rule, slp_severity_t sev, const char *fmt,
                         ...) {
  slp_result_t *out = c->out;
  if (out->n_findings == SLP_MAX_FINDINGS) {
    /* Full: the latest finding of the lowest severity makes room, if it ranks below this one. */
    size_t victim = SLP_MAX_FINDINGS;
    for (size_t i = 0; i < out->n_findings; i++)
      if (victim == SLP_MAX_FINDINGS || out->findings[i].severity <= out->findings[victim].severity)
        victim = i;
    out->n_findings_omitted++;
    if (out->findings[victim].severity >= sev)
      return NULL;
    memmove(&out->findings[victim], &out->findings[victim + 1],
            (out->n_findings - victim - 1) * sizeof out->findings[0]);
    out->n_findings--;
  }
  slp_finding_t *f = &out->findings[out->n_findings++];
  const slp__rule_info_t *info = &slp__rules_info[rule];
  f->rule_id = info->id;
  f->severity = sev;
  f->group_code = info->group_code;
  f->carc = info->carc;
  f->rarc = info->rarc;
  memset(f->field, 0, sizeof f->field);
  memset(f->message, 0, sizeof f->message);
  va_list ap;
  va_start(ap, fmt);
  format_into(f->message, sizeof f->message, fmt, ap);
  va_end(ap);
  return f;
}

slp_finding_t *slp__provisional(slp__ctx_t *c, const char *table, const char *fmt, ...) {
  char what[SLP_MESSAGE_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return slp__emit(c, SLP__R_RULES_PROVISIONAL, SLP_WARNING, "%s: %s", table, what);
}

void slp__field(slp_finding_t *f, const char *fmt, ...) {
  if (f == NULL)
    return;
  va_list ap;
  va_start(ap, fmt);
  format_into(f->field, sizeof f->field, fmt, ap);
  va_end(ap);
}

void slp__findings_order(slp_result_t *out) {
  /* Stable insertion sort by severity, highest first: at most SLP_MAX_FINDINGS elements. */
  for (size_t i = 1; i < out->n_findings; i++) {
    if (out->findings[i].severity <= out->findings[i - 1].severity)
      continue;
    slp_finding_t tmp = out->findings[i];
    size_t j = i;
    while (j > 0 && out->findings[j - 1].severity < tmp.severity) {
      out->findings[j] = out->findings[j - 1];
      j--;
    }
    out->findings[j] = tmp;
  }
}

void slp__line_rule(slp__wline_t *l, slp__rule_t rule) {
  const char *id = slp__rules_info[rule].id;
  for (uint32_t i = 0; i < l->n_rule_ids; i++)
    if (l->rule_ids[i] == id)
      return;
  if (l->n_rule_ids < SLP_MAX_LINE_RULES)
    l->rule_ids[l->n_rule_ids++] = id;
}
