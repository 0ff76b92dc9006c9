/* SPDX-License-Identifier: Apache-2.0 */
/* test_result_diff.c -- slp_coding_result_compare: one table row per kind of difference between
 * two CodingResults (equal, a scalar, a modifier added, an order change, a line removed or
 * added, claim <-> rejection, a finding's wording). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slpcoder/codec.h"
#include "slpcoder/diff.h"

typedef struct seen {
  int n;
  char text[8][200]; /* "path|field|before|after" */
} seen_t;

static void on_change(void *opaque, const slp_field_change_t *ch) {
  seen_t *s = opaque;
  if (s->n < 8)
    snprintf(s->text[s->n], sizeof s->text[0], "%s|%s|%s|%s", ch->path, ch->field,
             ch->before ? ch->before : "(none)", ch->after ? ch->after : "(none)");
  s->n++;
}

static void base_claim(slp_result_t *r) {
  memset(r, 0, sizeof *r);
  snprintf(r->diagnoses[0], SLP_DIAG_LEN, "F802");
  snprintf(r->diagnoses[1], SLP_DIAG_LEN, "R1312");
  r->n_diagnoses = 2;
  slp_line_t *l = &r->lines[0];
  l->line_number = 1;
  snprintf(l->procedure_code, SLP_CODE_LEN, "92507");
  l->modifiers[0] = "GN";
  l->n_modifiers = 1;
  l->units = 1;
  l->diagnosis_pointers[0] = 1;
  l->n_diagnosis_pointers = 1;
  l->charge_cents = 15000;
  l->minutes = 30;
  l = &r->lines[1];
  l->line_number = 2;
  snprintf(l->procedure_code, SLP_CODE_LEN, "92526");
  l->modifiers[0] = "GN";
  l->n_modifiers = 1;
  l->units = 1;
  l->diagnosis_pointers[0] = 2;
  l->n_diagnosis_pointers = 1;
  l->charge_cents = 16000;
  l->minutes = 20;
  r->n_lines = 2;
  r->total_charge_cents = 31000;
  r->expected_allowed_cents = 16300;
  r->rules_version = "test";
}

static void edit_none(slp_result_t *r) {
  (void)r;
}
static void edit_units(slp_result_t *r) {
  r->lines[0].units = 2;
}
static void edit_kx(slp_result_t *r) {
  r->lines[0].modifiers[1] = "KX";
  r->lines[0].n_modifiers = 2;
}
static void edit_order(slp_result_t *r) {
  r->lines[1].modifiers[0] = "XE";
  r->lines[1].modifiers[1] = "GN";
  r->lines[1].n_modifiers = 2;
}
static void edit_order_base(slp_result_t *r) {
  r->lines[1].modifiers[1] = "XE";
  r->lines[1].n_modifiers = 2;
}
static void edit_drop_line(slp_result_t *r) {
  r->n_lines = 1; /* 92526 removed (a PTP column 2) */
  r->total_charge_cents = 15000;
}
static void edit_reject(slp_result_t *r) {
  r->rejected = true;
  r->n_lines = 0;
  r->findings[0] = (slp_finding_t){.rule_id = "benefit.visit_limit", .severity = SLP_ERROR,
                                   .group_code = "PR", .carc = "119", .rarc = ""};
  r->n_findings = 1;
}
static void edit_finding(slp_result_t *r) {
  r->findings[0] = (slp_finding_t){.rule_id = "medicare.kx_applied", .severity = SLP_INFO,
                                   .group_code = "", .carc = "", .rarc = "",
                                   .message = "threshold $2,410"};
  r->n_findings = 1;
}
static void edit_finding_base(slp_result_t *r) {
  edit_finding(r);
  snprintf(r->findings[0].message, SLP_MESSAGE_LEN, "threshold $2,480");
}

typedef struct row {
  const char *name;
  void (*before)(slp_result_t *);
  void (*after)(slp_result_t *);
  int n;
  const char *first; /* "path|field|before|after" of the first change, NULL if none */
  const char *second;
} row_t;

static const row_t rows[] = {
    {"equal", edit_none, edit_none, 0, NULL, NULL},
    {"units", edit_none, edit_units, 1, "claim.lines[92507].units|units|1|2", NULL},
    {"modifier added", edit_none, edit_kx, 1, "claim.lines[92507].modifiers|modifiers|(none)|KX",
     NULL},
    {"modifier order", edit_order_base, edit_order, 1,
     "claim.lines[92526].modifiers|modifiers|order|order", NULL},
    {"line removed", edit_none, edit_drop_line, 2, "claim.lines[92526]|lines|92526|(none)",
     "claim.total_charge_cents|total_charge_cents|31000|15000"},
    {"line added", edit_drop_line, edit_none, 2, "claim.lines[92526]|lines|(none)|92526", NULL},
    {"newly rejected", edit_none, edit_reject, 2, "claim|claim|present|(none)",
     "rejection|rejection|(none)|present"},
    {"finding wording", edit_finding_base, edit_finding, 1,
     "claim.findings[medicare.kx_applied].message|message|threshold $2,480|threshold $2,410", NULL},
};

static size_t encode(const slp_result_t *r, uint8_t *buf, size_t cap) {
  slp_session_t s = {.event_id = "ev-1", .encounter_id = "enc-1", .organization_id = "ORG-1"};
  ptrdiff_t n = slp_encode_coding_result(&s, r, buf, cap, NULL);
  assert_true(n > 0);
  return (size_t)n;
}

static void test_rows(void **state) {
  (void)state;
  static slp_result_t a, b;
  uint8_t ba[8192], bb[8192];
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    const row_t *row = &rows[i];
    base_claim(&a);
    base_claim(&b);
    row->before(&a);
    row->after(&b);
    size_t na = encode(&a, ba, sizeof ba), nb = encode(&b, bb, sizeof bb);
    seen_t seen = {0};
    int n = slp_coding_result_compare(ba, na, bb, nb, on_change, &seen);
    if (n != row->n || (row->first && strcmp(seen.text[0], row->first)) ||
        (row->second && strcmp(seen.text[1], row->second)))
      fail_msg("%s: %d changes (want %d): first \"%s\" second \"%s\"", row->name, n, row->n,
               n > 0 ? seen.text[0] : "", n > 1 ? seen.text[1] : "");
  }
}

static void test_not_a_result(void **state) {
  (void)state;
  const uint8_t junk[] = {0xff, 0x01, 0x02};
  uint8_t ok[8192];
  static slp_result_t a;
  base_claim(&a);
  size_t n = encode(&a, ok, sizeof ok);
  assert_int_equal(slp_coding_result_compare(junk, sizeof junk, ok, n, NULL, NULL), -EBADMSG);
  assert_int_equal(slp_coding_result_compare(ok, n, junk, sizeof junk, NULL, NULL), -EBADMSG);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rows),
      cmocka_unit_test(test_not_a_result),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
