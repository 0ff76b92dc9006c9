/* SPDX-License-Identifier: Apache-2.0 */
/* test_id_bounds.c -- identifier size bounds (coding-rules §1): each bounded field at its
 * limit is not event.invalid, one byte over is, naming the field and never echoing the value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/fixture.h"

typedef struct bound_case {
  const char *field; /* the finding's field path */
  size_t max;        /* bytes allowed */
} bound_case_t;

static const char **locate(fx_t *f, const char *field) {
  slp_session_t *s = &f->s;
  if (!strcmp(field, "event_id"))
    return &s->event_id;
  if (!strcmp(field, "encounter_id"))
    return &s->encounter_id;
  if (!strcmp(field, "organization_id"))
    return &s->organization_id;
  if (!strcmp(field, "patient.patient_id"))
    return &s->patient.patient_id;
  if (!strcmp(field, "coverage.payer_id"))
    return &s->coverage.payer_id;
  if (!strcmp(field, "prior_authorization"))
    return &s->prior_authorization;
  if (!strcmp(field, "rendering_provider.npi"))
    return &s->rendering_provider.npi;
  if (!strcmp(field, "billing_npi"))
    return &s->billing_npi;
  if (!strcmp(field, "date_of_service"))
    return &s->date_of_service;
  if (!strcmp(field, "place_of_service"))
    return &s->place_of_service;
  if (!strcmp(field, "patient.birth_date"))
    return &s->patient.birth_date;
  fail_msg("no slot for %s", field);
  return NULL;
}

static const bound_case_t cases[] = {
    {"event_id", SLP_MAX_ID_LEN},
    {"encounter_id", SLP_MAX_ID_LEN},
    {"organization_id", SLP_MAX_ID_LEN},
    {"patient.patient_id", SLP_MAX_ID_LEN},
    {"coverage.payer_id", SLP_MAX_ID_LEN},
    {"prior_authorization", SLP_MAX_ID_LEN},
    {"rendering_provider.npi", SLP_NPI_LEN},
    {"billing_npi", SLP_NPI_LEN},
};

static size_t invalid_on(const slp_result_t *res, const char *field) {
  size_t n = 0;
  for (size_t i = 0; i < res->n_findings; i++)
    if (!strcmp(res->findings[i].rule_id, "event.invalid") &&
        !strcmp(res->findings[i].field, field))
      n++;
  return n;
}

/* A value of n bytes: for NPIs digits (a valid NPI at 10), else a letter repeated. */
static char *value(const char *field, size_t n) {
  char *v = malloc(n + 1);
  assert_non_null(v);
  bool npi = strstr(field, "npi") != NULL;
  for (size_t i = 0; i < n; i++)
    v[i] = npi ? "1234567893"[i % 10] : 'Q';
  v[n] = 0;
  return v;
}

static void test_at_and_over_the_bound(void **state) {
  (void)state;
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    for (int over = 0; over <= 1; over++) {
      fx_t f;
      fx_base(&f);
      char *v = value(cases[c].field, cases[c].max + (size_t)over);
      *locate(&f, cases[c].field) = v;
      slp_result_t res;
      assert_int_equal(slp_engine_code(g_default, &f.s, &res), 0);
      size_t n = invalid_on(&res, cases[c].field);
      if (n != (size_t)over) {
        fprintf(stderr, "%s at %zu bytes: %zu event.invalid findings\n", cases[c].field,
                cases[c].max + (size_t)over, n);
        fx_dump(&res);
      }
      assert_int_equal(n, (size_t)over);
      if (over) {
        assert_true(res.rejected);
        for (size_t i = 0; i < res.n_findings; i++) /* the value is never echoed */
          assert_null(strstr(res.findings[i].message, "QQQQ"));
      }
      free(v);
    }
  }
}

/* The 600,000-byte event id of the hostile test: one finding, on event_id. */
static void test_huge_event_id(void **state) {
  (void)state;
  fx_t f;
  fx_base(&f);
  char *v = value("event_id", 600000);
  f.s.event_id = v;
  slp_result_t res;
  assert_int_equal(slp_engine_code(g_default, &f.s, &res), 0);
  assert_true(res.rejected);
  assert_int_equal(invalid_on(&res, "event_id"), 1);
  free(v);
}

/* Ten characters that are no NPI stay provider.npi (checked as before), not a size error. */
static void test_npi_ten_chars_is_provider_npi(void **state) {
  (void)state;
  fx_t f;
  fx_base(&f);
  f.s.billing_npi = "12345678AB";
  slp_result_t res;
  assert_int_equal(slp_engine_code(g_default, &f.s, &res), 0);
  assert_int_equal(invalid_on(&res, "billing_npi"), 0);
  assert_non_null(fx_find(&res, "provider.npi"));
}

/* Dates and the POS are bounded by their own checks: longer is event.invalid there. */
static void test_dates_and_pos_longer(void **state) {
  (void)state;
  static const char *const fields[] = {"date_of_service", "patient.birth_date",
                                       "place_of_service"};
  static const char *const values[] = {"2025-06-10T00", "1950-02-03 ", "111"};
  for (size_t i = 0; i < 3; i++) {
    fx_t f;
    fx_base(&f);
    *locate(&f, fields[i]) = values[i];
    slp_result_t res;
    assert_int_equal(slp_engine_code(g_default, &f.s, &res), 0);
    assert_int_equal(invalid_on(&res, fields[i]), 1);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_at_and_over_the_bound),
      cmocka_unit_test(test_huge_event_id),
      cmocka_unit_test(test_npi_ten_chars_is_provider_npi),
      cmocka_unit_test(test_dates_and_pos_longer),
  };
  return cmocka_run_group_tests(tests, fx_setup_bundles, fx_teardown_bundles);
}
