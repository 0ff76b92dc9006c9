/* SPDX-License-Identifier: Apache-2.0 */
/* diff_report.c -- counting what a rules change alters, and writing it as text, JSON or CSV. */
#include "cli/diff_report.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* The change kinds a biller asks about first, in report order; any other field that changes
 * is reported under its own name after these (so a field added to the schema shows up). */
static const char *const kind_order[] = {"code",         "units",    "modifiers", "pointers",
                                         "charge",       "allowed",  "diagnoses", "findings",
                                         "finding text", "audit trail"};
#define N_KIND_ORDER (sizeof kind_order / sizeof kind_order[0])

static int row_init(diff_row_t *row, const char *name, uint32_t max_samples) {
  memset(row, 0, sizeof *row);
  snprintf(row->name, sizeof row->name, "%s", name);
  if (max_samples) {
    row->samples = calloc(max_samples, sizeof *row->samples);
    if (!row->samples)
      return -1;
  }
  return 0;
}

static void row_add(const diff_report_t *r, diff_row_t *row, const char *event_id, int64_t delta) {
  row->inputs++;
  row->delta_cents += delta;
  if (row->n_samples < r->max_samples)
    snprintf(row->samples[row->n_samples++], DIFF_EVENT_ID_LEN, "%s", event_id ? event_id : "");
}

int diff_report_init(diff_report_t *r, uint32_t max_samples) {
  memset(r, 0, sizeof *r);
  r->max_samples = max_samples > DIFF_MAX_SAMPLES ? DIFF_MAX_SAMPLES : max_samples;
  if (row_init(&r->changed, "changed", r->max_samples) < 0 ||
      row_init(&r->newly_rejected, "newly rejected", r->max_samples) < 0 ||
      row_init(&r->newly_coded, "newly coded", r->max_samples) < 0 ||
      row_init(&r->claim_changed, "claim changed", r->max_samples) < 0 ||
      row_init(&r->rejection_changed, "rejection changed", r->max_samples) < 0)
    return -1;
  return 0;
}

void diff_report_free(diff_report_t *r) {
  free(r->changed.samples);
  free(r->newly_rejected.samples);
  free(r->newly_coded.samples);
  free(r->claim_changed.samples);
  free(r->rejection_changed.samples);
  for (uint32_t i = 0; i < r->n_kinds; i++)
    free(r->kinds[i].samples);
  for (uint32_t i = 0; i < r->n_rules; i++) {
    free(r->rules[i].starts.samples);
    free(r->rules[i].stops.samples);
  }
}

static int64_t allowed(const slp_result_t *x) {
  return x->rejected ? 0 : x->expected_allowed_cents;
}

/* Every rule id in a result (findings and line audit trails), deduplicated. */
static size_t rule_set(const slp_result_t *x, const char **ids, size_t cap) {
  size_t n = 0;
#define ADD(id)                                                                                    \
  do {                                                                                             \
    const char *id_ = (id);                                                                        \
    if (!id_ || !*id_)                                                                             \
      break;                                                                                       \
    size_t k_ = 0;                                                                                 \
    while (k_ < n && strcmp(ids[k_], id_) != 0)                                                    \
      k_++;                                                                                        \
    if (k_ == n && n < cap)                                                                        \
      ids[n++] = id_;                                                                              \
  } while (0)
  for (size_t i = 0; i < x->n_findings && i < SLP_MAX_FINDINGS; i++)
    ADD(x->findings[i].rule_id);
  for (size_t i = 0; i < x->n_lines && i < SLP_MAX_LINES; i++)
    for (uint32_t k = 0; k < x->lines[i].n_rule_ids && k < SLP_MAX_LINE_RULES; k++)
      ADD(x->lines[i].rule_ids[k]);
#undef ADD
  return n;
}

static bool in_set(const char *const *ids, size_t n, const char *id) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(ids[i], id) == 0)
      return true;
  return false;
}

static diff_rule_row_t *rule_row(diff_report_t *r, const char *id) {
  for (uint32_t i = 0; i < r->n_rules; i++)
    if (strcmp(r->rules[i].rule_id, id) == 0)
      return &r->rules[i];
  if (r->n_rules == DIFF_MAX_RULES)
    return NULL;
  diff_rule_row_t *row = &r->rules[r->n_rules];
  if (row_init(&row->starts, "starts", r->max_samples) < 0 ||
      row_init(&row->stops, "stops", r->max_samples) < 0) {
    free(row->starts.samples);
    return NULL;
  }
  row->rule_id = id;
  r->n_rules++;
  return row;
}

void diff_report_input(diff_report_t *r, const char *event_id, const slp_result_t *a,
                       const slp_result_t *b, bool changed) {
  r->inputs++;
  r->allowed_before += allowed(a);
  r->allowed_after += allowed(b);
  if (!changed) {
    r->unchanged++;
    return;
  }
  int64_t delta = allowed(b) - allowed(a);
  row_add(r, &r->changed, event_id, delta);
  if (!a->rejected && b->rejected)
    row_add(r, &r->newly_rejected, event_id, delta);
  else if (a->rejected && !b->rejected)
    row_add(r, &r->newly_coded, event_id, delta);
  else if (!a->rejected)
    row_add(r, &r->claim_changed, event_id, delta);
  else
    row_add(r, &r->rejection_changed, event_id, delta);

  const char *ra[SLP_MAX_FINDINGS + SLP_MAX_LINES], *rb[SLP_MAX_FINDINGS + SLP_MAX_LINES];
  size_t na = rule_set(a, ra, sizeof ra / sizeof ra[0]);
  size_t nb = rule_set(b, rb, sizeof rb / sizeof rb[0]);
  for (size_t i = 0; i < nb; i++)
    if (!in_set(ra, na, rb[i])) {
      diff_rule_row_t *row = rule_row(r, rb[i]);
      if (row)
        row_add(r, &row->starts, event_id, delta);
    }
  for (size_t i = 0; i < na; i++)
    if (!in_set(rb, nb, ra[i])) {
      diff_rule_row_t *row = rule_row(r, ra[i]);
      if (row)
        row_add(r, &row->stops, event_id, delta);
    }
}

void diff_report_begin_kinds(diff_report_t *r) {
  memset(r->seen, 0, sizeof r->seen);
}

void diff_report_kind(diff_report_t *r, const char *kind, const char *event_id, int64_t delta) {
  uint32_t i = 0;
  while (i < r->n_kinds && strcmp(r->kinds[i].name, kind) != 0)
    i++;
  if (i == r->n_kinds) {
    if (r->n_kinds == DIFF_MAX_KINDS || row_init(&r->kinds[i], kind, r->max_samples) < 0) {
      r->kinds_overflow = true;
      return;
    }
    r->n_kinds++;
  }
  if (r->seen[i])
    return; /* an input counts once per kind, however many of its lines changed */
  r->seen[i] = true;
  row_add(r, &r->kinds[i], event_id, delta);
}

static bool has(const char *s, const char *sub) {
  return strstr(s, sub) != NULL;
}

void diff_report_field_change(diff_report_t *r, const char *path, const char *field,
                              const char *before, const char *after, const char *event_id,
                              int64_t delta) {
  char sub[64];
  if (!strcmp(path, "claim") || !strcmp(path, "rejection"))
    return; /* claim <-> rejection: counted as newly rejected or newly coded */
  if (has(path, ".findings") && !strcmp(field, "message"))
    diff_report_kind(r, "finding text", event_id, delta); /* wording only, e.g. a threshold quoted */
  else if (has(path, ".findings"))
    diff_report_kind(r, "findings", event_id, delta);
  else if (!strcmp(field, "procedure_code") || !strcmp(field, "lines"))
    diff_report_kind(r, "code", event_id, delta);
  else if (!strcmp(field, "units"))
    diff_report_kind(r, "units", event_id, delta);
  else if (!strcmp(field, "modifiers")) {
    diff_report_kind(r, "modifiers", event_id, delta);
    if (!before || !after) { /* one modifier added or removed: its own row, e.g. "modifier KX added" */
      snprintf(sub, sizeof sub, "modifier %s %s", before ? before : after, before ? "removed" : "added");
      diff_report_kind(r, sub, event_id, delta);
    }
  } else if (!strcmp(field, "diagnosis_pointers"))
    diff_report_kind(r, "pointers", event_id, delta);
  else if (has(field, "charge"))
    diff_report_kind(r, "charge", event_id, delta);
  else if (has(field, "allowed"))
    diff_report_kind(r, "allowed", event_id, delta);
  else if (!strcmp(field, "diagnoses"))
    diff_report_kind(r, "diagnoses", event_id, delta);
  else if (!strcmp(field, "rule_ids"))
    diff_report_kind(r, "audit trail", event_id, delta);
  else if (!strcmp(field, "rules_version"))
    return; /* normalised before comparing; never a change */
  else
    diff_report_kind(r, field, event_id, delta);
}

/* ---- writing ---------------------------------------------------------------------------- */

static uint32_t kind_rank(const char *name) {
  for (uint32_t i = 0; i < N_KIND_ORDER; i++)
    if (!strcmp(kind_order[i], name))
      return i * 2;
  if (!strncmp(name, "modifier ", 9))
    return 2 * 2 + 1; /* right after "modifiers" */
  return 1000;
}

static int cmp_kind(const void *x, const void *y) {
  const diff_row_t *a = *(const diff_row_t *const *)x, *b = *(const diff_row_t *const *)y;
  uint32_t ra = kind_rank(a->name), rb = kind_rank(b->name);
  if (ra != rb)
    return ra < rb ? -1 : 1;
  return strcmp(a->name, b->name);
}

static int cmp_rule(const void *x, const void *y) {
  const diff_rule_row_t *a = *(const diff_rule_row_t *const *)x, *b = *(const diff_rule_row_t *const *)y;
  return strcmp(a->rule_id, b->rule_id);
}

static void dollars(int64_t cents, char *buf, size_t len) {
  uint64_t m = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
  snprintf(buf, len, "%s%" PRIu64 ".%02" PRIu64, cents < 0 ? "-" : "", m / 100, m % 100);
}

static json_t *row_json(const diff_row_t *row) {
  char d[32];
  dollars(row->delta_cents, d, sizeof d);
  json_t *s = json_array();
  for (uint32_t i = 0; i < row->n_samples; i++)
    json_array_append_new(s, json_string(row->samples[i]));
  return json_pack("{s:I, s:I, s:s, s:o}", "inputs", (json_int_t)row->inputs, "allowedDeltaCents",
                   (json_int_t)row->delta_cents, "allowedDelta", d, "samples", s);
}

static void samples_text(const diff_row_t *row, char sep, FILE *out) {
  for (uint32_t i = 0; i < row->n_samples; i++)
    fprintf(out, "%s%s", i ? (sep == ' ' ? " " : ";") : "", row->samples[i]);
}

static void text_row(const char *label, const diff_row_t *row, FILE *out) {
  char d[32];
  dollars(row->delta_cents, d, sizeof d);
  fprintf(out, "  %-28s %10" PRIu64 " %16s", label, row->inputs, d);
  if (row->n_samples)
    fputs("  ", out);
  samples_text(row, ' ', out);
  fputc('\n', out);
}

static void csv_field(const char *s, FILE *out) {
  bool quote = strpbrk(s, ",\"\n") != NULL;
  if (!quote) {
    fputs(s, out);
    return;
  }
  fputc('"', out);
  for (; *s; s++) {
    if (*s == '"')
      fputc('"', out);
    fputc(*s, out);
  }
  fputc('"', out);
}

static void csv_row(const char *section, const char *name, const diff_row_t *row, FILE *out) {
  char d[32];
  dollars(row->delta_cents, d, sizeof d);
  csv_field(section, out);
  fputc(',', out);
  csv_field(name, out);
  fprintf(out, ",%" PRIu64 ",%" PRId64 ",%s,", row->inputs, row->delta_cents, d);
  samples_text(row, ';', out);
  fputc('\n', out);
}

int diff_report_write(const diff_report_t *r, diff_format_t fmt, FILE *out) {
  const diff_row_t *kinds[DIFF_MAX_KINDS];
  const diff_rule_row_t *rules[DIFF_MAX_RULES];
  for (uint32_t i = 0; i < r->n_kinds; i++)
    kinds[i] = &r->kinds[i];
  for (uint32_t i = 0; i < r->n_rules; i++)
    rules[i] = &r->rules[i];
  qsort(kinds, r->n_kinds, sizeof kinds[0], cmp_kind);
  qsort(rules, r->n_rules, sizeof rules[0], cmp_rule);
  const int64_t delta = r->allowed_after - r->allowed_before;
  char b[32], a[32], d[32];
  dollars(r->allowed_before, b, sizeof b);
  dollars(r->allowed_after, a, sizeof a);
  dollars(delta, d, sizeof d);

  if (fmt == DIFF_FMT_JSON) {
    json_t *jk = json_array(), *jr = json_array();
    for (uint32_t i = 0; i < r->n_kinds; i++) {
      json_t *o = row_json(kinds[i]);
      json_object_set_new(o, "kind", json_string(kinds[i]->name));
      json_array_append_new(jk, o);
    }
    for (uint32_t i = 0; i < r->n_rules; i++)
      json_array_append_new(jr, json_pack("{s:s, s:o, s:o}", "ruleId", rules[i]->rule_id, "starts",
                                          row_json(&rules[i]->starts), "stops",
                                          row_json(&rules[i]->stops)));
    json_t *root = json_pack(
        "{s:{s:s, s:s}, s:{s:s, s:s}, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
        "s:s, s:s, s:s}, s:{s:o, s:o, s:o, s:o, s:o}, s:o, s:b, s:o}",
        "before", "rules", r->dir_a, "rulesVersion", r->version_a, "after", "rules", r->dir_b,
        "rulesVersion", r->version_b, "totals", "inputs", (json_int_t)r->inputs, "undecodable",
        (json_int_t)r->undecodable, "unchanged", (json_int_t)r->unchanged, "changed",
        (json_int_t)r->changed.inputs, "newlyRejected", (json_int_t)r->newly_rejected.inputs,
        "newlyCoded", (json_int_t)r->newly_coded.inputs, "claimChanged",
        (json_int_t)r->claim_changed.inputs, "rejectionChanged",
        (json_int_t)r->rejection_changed.inputs, "allowedBeforeCents",
        (json_int_t)r->allowed_before, "allowedAfterCents", (json_int_t)r->allowed_after,
        "allowedDeltaCents", (json_int_t)delta, "allowedBefore", b, "allowedAfter", a,
        "allowedDelta", d, "outcomes", "changed", row_json(&r->changed), "newlyRejected",
        row_json(&r->newly_rejected), "newlyCoded", row_json(&r->newly_coded), "claimChanged",
        row_json(&r->claim_changed), "rejectionChanged", row_json(&r->rejection_changed), "kinds",
        jk, "kindsTruncated", r->kinds_overflow, "rules", jr);
    if (!root)
      return -1;
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(root);
    return rc == 0 && !ferror(out) ? 0 : -1;
  }
  if (fmt == DIFF_FMT_CSV) {
    fputs("section,name,inputs,allowed_delta_cents,allowed_delta,samples\n", out);
    fprintf(out, "totals,inputs,%" PRIu64 ",,,\n", r->inputs);
    fprintf(out, "totals,undecodable,%" PRIu64 ",,,\n", r->undecodable);
    fprintf(out, "totals,unchanged,%" PRIu64 ",,,\n", r->unchanged);
    fprintf(out, "totals,allowed_before,,%" PRId64 ",%s,\n", r->allowed_before, b);
    fprintf(out, "totals,allowed_after,,%" PRId64 ",%s,\n", r->allowed_after, a);
    fprintf(out, "totals,allowed_delta,,%" PRId64 ",%s,\n", delta, d);
    csv_row("outcome", "changed", &r->changed, out);
    csv_row("outcome", "newly rejected", &r->newly_rejected, out);
    csv_row("outcome", "newly coded", &r->newly_coded, out);
    csv_row("outcome", "claim changed", &r->claim_changed, out);
    csv_row("outcome", "rejection changed", &r->rejection_changed, out);
    for (uint32_t i = 0; i < r->n_kinds; i++)
      csv_row("kind", kinds[i]->name, kinds[i], out);
    for (uint32_t i = 0; i < r->n_rules; i++) {
      csv_row("rule starts", rules[i]->rule_id, &rules[i]->starts, out);
      csv_row("rule stops", rules[i]->rule_id, &rules[i]->stops, out);
    }
    return ferror(out) ? -1 : 0;
  }
  fprintf(out, "before  %s  (rules_version %s)\n", r->dir_a, r->version_a);
  fprintf(out, "after   %s  (rules_version %s)\n\n", r->dir_b, r->version_b);
  fprintf(out, "inputs %" PRIu64 ": unchanged %" PRIu64 ", changed %" PRIu64 ", undecodable %" PRIu64
               " (the same under both)\n",
          r->inputs, r->unchanged, r->changed.inputs, r->undecodable);
  fprintf(out, "expected allowed: before $%s, after $%s, delta %s$%s\n\n", b, a,
          delta < 0 ? "-" : "+", d[0] == '-' ? d + 1 : d);
  fprintf(out, "  %-28s %10s %16s  %s\n", "outcome", "inputs", "allowed delta $", "samples");
  text_row("changed", &r->changed, out);
  text_row("newly rejected", &r->newly_rejected, out);
  text_row("newly coded", &r->newly_coded, out);
  text_row("claim changed", &r->claim_changed, out);
  text_row("rejection changed", &r->rejection_changed, out);
  if (r->n_kinds) {
    fprintf(out, "\n  %-28s %10s %16s  %s\n", "change kind", "inputs", "allowed delta $", "samples");
    for (uint32_t i = 0; i < r->n_kinds; i++)
      text_row(kinds[i]->name, kinds[i], out);
    if (r->kinds_overflow)
      fprintf(out, "  (more than %d kinds; the rest are not listed)\n", DIFF_MAX_KINDS);
  }
  if (r->n_rules) {
    fprintf(out, "\n  %-28s %10s %16s  %s\n", "rule id", "inputs", "allowed delta $", "samples");
    for (uint32_t i = 0; i < r->n_rules; i++) {
      char label[96];
      if (rules[i]->starts.inputs) {
        snprintf(label, sizeof label, "%s starts", rules[i]->rule_id);
        text_row(label, &rules[i]->starts, out);
      }
      if (rules[i]->stops.inputs) {
        snprintf(label, sizeof label, "%s stops", rules[i]->rule_id);
        text_row(label, &rules[i]->stops, out);
      }
    }
  }
  return ferror(out) ? -1 : 0;
}
