/* SPDX-License-Identifier: Apache-2.0 */
/* diff_report.h -- the counters of `slpcoder diff` and its text, JSON and CSV reports.
 *
 * Memory is fixed after diff_report_init: counters, a bounded table of change kinds and rule
 * ids, and at most max_samples event ids per row. Nothing of a session is kept.
 */
#ifndef SLPCODER_CLI_DIFF_REPORT_H
#define SLPCODER_CLI_DIFF_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "slpcoder/engine.h"

#define DIFF_MAX_SAMPLES 1000
#define DIFF_MAX_KINDS 64
#define DIFF_MAX_RULES 256
#define DIFF_EVENT_ID_LEN 48

typedef struct diff_row {
  char name[64];
  uint64_t inputs;
  int64_t delta_cents; /* sum over these inputs of (allowed after - allowed before) */
  uint32_t n_samples;
  char (*samples)[DIFF_EVENT_ID_LEN];
} diff_row_t;

typedef struct diff_rule_row {
  const char *rule_id; /* static string from the engine */
  diff_row_t starts;   /* fires after, not before */
  diff_row_t stops;    /* fired before, not after */
} diff_rule_row_t;

typedef struct diff_report {
  const char *dir_a, *dir_b, *version_a, *version_b;
  uint32_t max_samples;
  uint64_t inputs, undecodable, unchanged;
  int64_t allowed_before, allowed_after; /* cents; a rejection allows nothing */
  diff_row_t changed, newly_rejected, newly_coded, claim_changed, rejection_changed;
  diff_row_t kinds[DIFF_MAX_KINDS];
  uint32_t n_kinds;
  bool kinds_overflow;
  diff_rule_row_t rules[DIFF_MAX_RULES];
  uint32_t n_rules;
  /* the input being accounted: which kind rows it already counted in */
  bool seen[DIFF_MAX_KINDS];
} diff_report_t;

/* 0, or -1 out of memory. */
int diff_report_init(diff_report_t *r, uint32_t max_samples);
void diff_report_free(diff_report_t *r);

/* One input coded under both bundles; changed says whether the outputs differ. For a changed
 * claim pair, call diff_report_begin_kinds, diff_report_kind per field change, then
 * diff_report_end_kinds. */
void diff_report_input(diff_report_t *r, const char *event_id, const slp_result_t *a,
                       const slp_result_t *b, bool changed);
void diff_report_begin_kinds(diff_report_t *r);
void diff_report_kind(diff_report_t *r, const char *kind, const char *event_id, int64_t delta);

/* Map one field change (diff.h) to its kind name(s) and count it. */
void diff_report_field_change(diff_report_t *r, const char *path, const char *field,
                              const char *before, const char *after, const char *event_id,
                              int64_t delta);

typedef enum diff_format { DIFF_FMT_TEXT, DIFF_FMT_JSON, DIFF_FMT_CSV } diff_format_t;

/* Write the report (rows sorted, so the same inputs give the same bytes). 0, or -1. */
int diff_report_write(const diff_report_t *r, diff_format_t fmt, FILE *out);

#endif
