/* SPDX-License-Identifier: Apache-2.0 */
/* assign.c -- code assignment: activities -> procedure codes through the bundle's code table, then
 * units by each code's scheme (untimed, 8-minute rule, hour codes with add-ons, base-plus-add-on
 * timed chains per area or pooled). */
#include <string.h>

#include "common/date.h"
#include "engine/internal.h"

static const slp__code_row_t *effective(const slp__code_row_t *rows, size_t n, int32_t dos) {
  for (size_t i = 0; i < n; i++)
    if (dos >= rows[i].from && dos <= rows[i].to)
      return &rows[i];
  return NULL;
}

static slp__wline_t *line_for(slp__ctx_t *c, const char *code, bool *created) {
  *created = false;
  for (size_t i = 0; i < c->n_lines; i++)
    if (slp__code_cmp(c->lines[i].code, code) == 0)
      return &c->lines[i];
  if (c->n_lines == SLP_MAX_LINES)
    return NULL;
  slp__wline_t *l = &c->lines[c->n_lines++];
  memset(l, 0, sizeof *l);
  memcpy(l->code, code, SLP__CODE);
  *created = true;
  return l;
}

static void sort_lines(slp__ctx_t *c) {
  for (size_t i = 1; i < c->n_lines; i++) {
    slp__wline_t tmp = c->lines[i];
    size_t j = i;
    while (j > 0 && slp__code_cmp(c->lines[j - 1].code, tmp.code) > 0) {
      c->lines[j] = c->lines[j - 1];
      j--;
    }
    c->lines[j] = tmp;
  }
}

/* Move units beyond the first onto the row's add-on code (its own line), with their minutes. */
static void split_addon(slp__ctx_t *c, size_t i, uint32_t addon_units, uint32_t base_minutes) {
  slp__wline_t *base = &c->lines[i];
  if (addon_units == 0)
    return;
  if (slp__code_cmp(base->row->addon, base->code) == 0) {
    base->units += addon_units; /* hour codes billed per hour: same code, more units */
    return;
  }
  bool created;
  slp__wline_t *a = line_for(c, base->row->addon, &created);
  base = &c->lines[i]; /* line_for may not move lines, but keep the pointer honest */
  if (a == NULL)
    return;
  if (created) {
    a->row = base->row;
    a->scheme = base->scheme;
    a->addon = true;
    a->first_activity = base->first_activity;
  }
  a->families |= base->families;
  a->areas |= base->areas;
  a->distinct |= base->distinct;
  a->not_covered |= base->not_covered;
  a->units += addon_units;
  a->minutes += base->minutes - base_minutes;
  base->minutes = base_minutes;
}

/* The Medicare 8-minute rule over the day's total timed minutes: units = (T + 7) / 15 from 8
 * minutes on; each code first gets its whole 15s, the rest go to the largest remainders. */
static void timed_units(slp__ctx_t *c) {
  uint32_t total = 0, assigned = 0;
  bool given[SLP_MAX_LINES] = {false};
  size_t n = c->n_lines;
  for (size_t i = 0; i < n; i++) {
    slp__wline_t *l = &c->lines[i];
    if (l->scheme != SLP__TIMED15 || l->addon)
      continue;
    total += l->minutes;
    l->units = l->minutes / 15;
    assigned += l->units;
  }
  uint32_t units = total < 8 ? 0 : (total + 7) / 15;
  for (uint32_t extra = units > assigned ? units - assigned : 0; extra > 0; extra--) {
    size_t best = SLP_MAX_LINES;
    for (size_t i = 0; i < n; i++) {
      const slp__wline_t *l = &c->lines[i];
      if (l->scheme != SLP__TIMED15 || l->addon || given[i])
        continue;
      if (best == SLP_MAX_LINES || l->minutes % 15 > c->lines[best].minutes % 15)
        best = i;
    }
    if (best == SLP_MAX_LINES)
      break;
    given[best] = true;
    c->lines[best].units++;
  }
  for (size_t i = 0; i < n; i++) {
    slp__wline_t *l = &c->lines[i];
    if (l->scheme != SLP__TIMED15 || l->addon || l->units <= 1 || l->row->addon[0] == '\0')
      continue;
    uint32_t extra_units = l->units - 1;
    l->units = 1;
    split_addon(c, i, extra_units, 15);
  }
}

/* Add-on blocks after a base: each further addon_block minutes, the last one from addon_min. */
static uint32_t addon_blocks(const slp__code_row_t *row, uint32_t minutes) {
  if (row->addon[0] == '\0' || minutes <= row->block_minutes)
    return 0;
  uint32_t rest = minutes - row->block_minutes;
  return rest / row->addon_block + (rest % row->addon_block >= row->addon_min ? 1 : 0);
}

/* A base-plus-add-on chain counted per service area: each area's minutes make their own base
 * (from min_minutes) and add-ons, so two areas on one code bill two base units. */
static void chain_area_units(slp__ctx_t *c, size_t i) {
  slp__wline_t *l = &c->lines[i];
  const slp__code_row_t *row = l->row;
  uint32_t base = 0, more = 0, addon_minutes = 0;
  for (int a = 0; a < SLP_AREA_COUNT; a++) {
    uint32_t m = l->area_minutes[a];
    if (m == 0 || m < row->min_minutes)
      continue;
    base++;
    uint32_t n = addon_blocks(row, m);
    more += n;
    if (n > 0)
      addon_minutes += m - row->block_minutes;
  }
  l->units = base;
  if (more > 0)
    split_addon(c, i, more, l->minutes - addon_minutes);
}

/* chain_pooled: every pooled-chain line of the day joins the one with the most minutes (code order
 * breaks ties), whose row then bills one chain over the pooled minutes. Returns the lines left. */
static size_t pool_chains(slp__ctx_t *c) {
  size_t lead = SLP_MAX_LINES;
  for (size_t i = 0; i < c->n_lines; i++)
    if (c->lines[i].scheme == SLP__CHAIN_POOLED &&
        (lead == SLP_MAX_LINES || c->lines[i].minutes > c->lines[lead].minutes))
      lead = i;
  if (lead == SLP_MAX_LINES)
    return c->n_lines;
  slp__wline_t *ld = &c->lines[lead];
  size_t w = 0;
  for (size_t i = 0; i < c->n_lines; i++) {
    slp__wline_t *l = &c->lines[i];
    if (i != lead && l->scheme == SLP__CHAIN_POOLED) {
      ld->minutes += l->minutes;
      ld->families |= l->families;
      ld->areas |= l->areas;
      ld->distinct |= l->distinct;
      continue;
    }
    if (i == lead)
      lead = w;
    c->lines[w++] = *l;
    ld = &c->lines[lead];
  }
  c->n_lines = w;
  return w;
}

static void hour_units(slp__ctx_t *c, size_t i) {
  slp__wline_t *l = &c->lines[i];
  const slp__code_row_t *row = l->row;
  l->units = l->minutes >= row->min_minutes ? 1 : 0;
  if (l->units == 0 || row->addon[0] == '\0' || l->minutes <= row->block_minutes)
    return;
  uint32_t rest = l->minutes - row->block_minutes;
  uint32_t more = rest / row->addon_block + (rest % row->addon_block >= row->addon_min ? 1 : 0);
  if (more > 0)
    split_addon(c, i, more, row->block_minutes);
}

void slp__assign_codes(slp__ctx_t *c) {
  const slp_session_t *s = c->s;
  const slp__manifest_t *m = &c->rules->manifest;
  if (c->dos < m->effective_from || c->dos > m->effective_to) {
    slp__field(slp__emit(c, SLP__R_CODE_NOT_EFFECTIVE, SLP_ERROR,
                         "The rules bundle does not cover this date of service."),
               "date_of_service");
    return;
  }
  const char *cls_name[2] = {"evaluation", "treatment"};
  uint32_t present[2] = {0, 0}; /* areas seen per class */
  for (size_t i = 0; i < s->n_activities; i++)
    present[s->activities[i].kind == SLP_TREATMENT] |= 1u << s->activities[i].area;

  for (size_t i = 0; i < s->n_activities; i++) {
    const slp_activity_t *a = &s->activities[i];
    int cls = a->kind == SLP_TREATMENT ? SLP__TREAT : SLP__EVAL;
    int group = a->group_size >= 2;
    if (cls == SLP__TREAT)
      c->any_treatment = true;
    else
      c->any_evaluation = true;
    size_t n;
    const slp__code_row_t *rows = slp__rules_code_rows(c->rules, a->area, cls, group, &n);
    if (n == 0) {
      if (group)
        slp__field(slp__emit(c, SLP__R_GROUP_UNSUPPORTED, SLP_ERROR,
                             "Group sessions are not billable for %s %s.", slp_area_name(a->area),
                             cls ? "treatment" : "evaluation"),
                   "activities[%zu].group_size", i);
      else
        slp__field(slp__emit(c, SLP__R_EVENT_INVALID, SLP_ERROR,
                             "The rules bundle has no code for this activity."),
                   "activities[%zu].area", i);
      continue;
    }
    const slp__code_row_t *row = effective(rows, n, c->dos);
    if (row == NULL) {
      /* Name the code that ended (the latest row before the DOS) or the one not yet in effect. */
      const slp__code_row_t *ended = NULL;
      for (size_t k = 0; k < n; k++)
        if (rows[k].to < c->dos && (ended == NULL || rows[k].to > ended->to))
          ended = &rows[k];
      char day[11];
      if (ended != NULL) {
        slp_date_format(ended->to + 1, day);
        slp__field(slp__emit(c, SLP__R_CODE_NOT_EFFECTIVE, SLP_ERROR,
                             "%s is deleted from %s; this bundle has no %d %s %s code.",
                             ended->code, day, (int)c->year, slp_area_name(a->area),
                             cls_name[cls]),
                   "activities[%zu]", i);
      } else {
        slp_date_format(rows[0].from, day);
        slp__field(slp__emit(c, SLP__R_CODE_NOT_EFFECTIVE, SLP_ERROR,
                             "%s is effective only from %s; this bundle has no earlier %s %s code.",
                             rows[0].code, day, slp_area_name(a->area), cls_name[cls]),
                   "activities[%zu]", i);
      }
      continue;
    }
    bool full = false;
    if (row->combine != 0 && (present[cls] & (1u << row->combine))) {
      size_t n2;
      const slp__code_row_t *rows2 = slp__rules_code_rows(c->rules, row->combine, cls, group, &n2);
      const slp__code_row_t *row2 = effective(rows2, n2, c->dos);
      if (row2 != NULL) {
        row = row2;
        full = true;
      }
    }
    bool created;
    slp__wline_t *l = line_for(c, row->code, &created);
    if (l == NULL)
      continue;
    if (created) {
      const slp__unit_override_t *ov =
          slp__rules_unit_override(c->rules, s->coverage.payer_id, row->code);
      bool scheme_ov = ov != NULL && !ov->not_covered;
      l->row = row;
      l->scheme = scheme_ov ? ov->scheme : row->scheme;
      l->max_per_day = scheme_ov ? ov->max_per_day : 0;
      l->not_covered = ov != NULL && ov->not_covered;
      l->first_activity = (int)i;
    }
    l->minutes += a->minutes;
    l->area_minutes[a->area] += a->minutes;
    l->areas |= 1u << a->area;
    l->families |= 1u << row->family;
    l->full |= full;
    l->distinct |= a->distinct_encounter;
  }

  sort_lines(c); /* code order first, so unit distribution ties break the same way every time */
  size_t n_base = pool_chains(c);
  for (size_t i = 0; i < n_base; i++) {
    slp__wline_t *l = &c->lines[i];
    if (l->scheme == SLP__UNTIMED)
      l->units = l->minutes >= l->row->min_minutes ? 1 : 0;
    else if (l->scheme == SLP__HOUR || l->scheme == SLP__CHAIN_POOLED)
      hour_units(c, i); /* one chain over the line's (pooled) minutes */
    else if (l->scheme == SLP__CHAIN_AREA)
      chain_area_units(c, i);
  }
  timed_units(c);
  sort_lines(c);

  size_t live = 0;
  for (size_t i = 0; i < c->n_lines; i++)
    live += c->lines[i].units > 0;
  for (size_t i = 0; i < c->n_lines; i++) {
    slp__wline_t *l = &c->lines[i];
    if (l->units > 0)
      continue;
    l->removed = true;
    slp__field(slp__emit(c, SLP__R_INSUFFICIENT_TIME, live == 0 ? SLP_ERROR : SLP_WARNING,
                         "%u minutes are too few to bill %s.", l->minutes, l->code),
               "activities[%d].minutes", l->first_activity);
  }
}
