/* SPDX-License-Identifier: Apache-2.0 */
/* test_golden.c -- the tests/golden cases through the library: protoc-made bytes -> decode ->
 * engine -> encode -> unpack, compared field by field with the expected CodingResult (also encoded
 * by protoc). Env: SLPCODER_SOURCE_DIR, SLPCODER_RULES, PROTOC (default "protoc" on PATH). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "slpcoder/codec.h"
#include "slpcoder/v1/claim.pb-c.h"

/* Paths built here are short; the truncation analysis cannot know that. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define MAX_BYTES (1 << 16)

static const char *env_or(const char *name, const char *dflt) {
  const char *v = getenv(name);
  return v && v[0] ? v : dflt;
}

/* Run protoc --encode=TYPE on a text file; returns bytes read or -1. */
static long protoc_encode(const char *type, const char *proto, const char *path, uint8_t *buf,
                          size_t cap) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "'%s' -I'%s/proto' --encode=%s %s < '%s'", env_or("PROTOC", "protoc"),
           env_or("SLPCODER_SOURCE_DIR", "."), type, proto, path);
  FILE *p = popen(cmd, "r");
  if (!p)
    return -1;
  size_t n = fread(buf, 1, cap, p);
  int st = pclose(p);
  return st == 0 ? (long)n : -1;
}

static int n_problems;
static char problems[16384];

static void problem(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(const char *name, const char *fmt, ...) {
  size_t used = strlen(problems);
  va_list ap;
  n_problems++;
  if (used + 300 > sizeof problems)
    return;
  used += (size_t)snprintf(problems + used, sizeof problems - used, "  %s: ", name);
  va_start(ap, fmt);
  used += (size_t)vsnprintf(problems + used, sizeof problems - used, fmt, ap);
  va_end(ap);
  snprintf(problems + used, sizeof problems - used, "\n");
}

static void cmp_str(const char *name, const char *what, const char *a, const char *b) {
  if (strcmp(a ? a : "", b ? b : ""))
    problem(name, "%s: expected \"%s\", got \"%s\"", what, a ? a : "", b ? b : "");
}
#define CMP_STR(what, a, b) cmp_str(name, what, a, b)
#define CMP_INT(what, a, b)                                                                        \
  do {                                                                                             \
    if ((long long)(a) != (long long)(b))                                                          \
      problem(name, "%s: expected %lld, got %lld", what, (long long)(a), (long long)(b));          \
  } while (0)

static void cmp_findings(const char *name, const char *rv, size_t ne, Slpcoder__V1__Finding **e,
                         size_t na, Slpcoder__V1__Finding **a) {
  (void)rv;
  CMP_INT("number of findings", ne, na);
  for (size_t i = 0; i < ne && i < na; i++) {
    char w[64];
    snprintf(w, sizeof w, "findings[%zu].rule_id", i);
    CMP_STR(w, e[i]->rule_id, a[i]->rule_id);
    snprintf(w, sizeof w, "findings[%zu].severity", i);
    CMP_INT(w, e[i]->severity, a[i]->severity);
    snprintf(w, sizeof w, "findings[%zu].group_code", i);
    CMP_STR(w, e[i]->group_code, a[i]->group_code);
    snprintf(w, sizeof w, "findings[%zu].carc", i);
    CMP_STR(w, e[i]->carc, a[i]->carc);
    snprintf(w, sizeof w, "findings[%zu].rarc", i);
    CMP_STR(w, e[i]->rarc, a[i]->rarc);
    if (e[i]->field[0]) { /* only where the expectation names one (see tests/golden/README.md) */
      snprintf(w, sizeof w, "findings[%zu].field", i);
      CMP_STR(w, e[i]->field, a[i]->field);
    }
  }
}

static void cmp_claim(const char *name, const char *rv, const Slpcoder__V1__CodedClaim *e,
                      const Slpcoder__V1__CodedClaim *a) {
  CMP_STR("event_id", e->event_id, a->event_id);
  CMP_STR("encounter_id", e->encounter_id, a->encounter_id);
  CMP_STR("organization_id", e->organization_id, a->organization_id);
  CMP_STR("patient_id", e->patient_id, a->patient_id);
  CMP_INT("payer_kind", e->payer_kind, a->payer_kind);
  CMP_STR("payer_id", e->payer_id, a->payer_id);
  CMP_STR("rendering_npi", e->rendering_npi, a->rendering_npi);
  CMP_STR("billing_npi", e->billing_npi, a->billing_npi);
  CMP_STR("date_of_service", e->date_of_service, a->date_of_service);
  CMP_STR("place_of_service", e->place_of_service, a->place_of_service);
  CMP_INT("number of diagnoses", e->n_diagnoses, a->n_diagnoses);
  for (size_t i = 0; i < e->n_diagnoses && i < a->n_diagnoses; i++)
    CMP_STR("diagnoses[]", e->diagnoses[i], a->diagnoses[i]);
  CMP_INT("number of lines", e->n_lines, a->n_lines);
  for (size_t i = 0; i < e->n_lines && i < a->n_lines; i++) {
    const Slpcoder__V1__ClaimLine *el = e->lines[i], *al = a->lines[i];
    char w[64];
    snprintf(w, sizeof w, "lines[%zu].line_number", i);
    CMP_INT(w, el->line_number, al->line_number);
    snprintf(w, sizeof w, "lines[%zu].procedure_code", i);
    CMP_STR(w, el->procedure_code, al->procedure_code);
    char em[64] = "", am[64] = "";
    for (size_t k = 0; k < el->n_modifiers; k++)
      strcat(strcat(em, " "), el->modifiers[k]);
    for (size_t k = 0; k < al->n_modifiers && k < 8; k++)
      strcat(strcat(am, " "), al->modifiers[k]);
    snprintf(w, sizeof w, "lines[%zu].modifiers", i);
    CMP_STR(w, em, am);
    snprintf(w, sizeof w, "lines[%zu].units", i);
    CMP_INT(w, el->units, al->units);
    char ep[64] = "", ap_[64] = "";
    for (size_t k = 0; k < el->n_diagnosis_pointers; k++)
      snprintf(ep + strlen(ep), 8, " %u", el->diagnosis_pointers[k]);
    for (size_t k = 0; k < al->n_diagnosis_pointers && k < 8; k++)
      snprintf(ap_ + strlen(ap_), 8, " %u", al->diagnosis_pointers[k]);
    snprintf(w, sizeof w, "lines[%zu].diagnosis_pointers", i);
    CMP_STR(w, ep, ap_);
    snprintf(w, sizeof w, "lines[%zu].charge_cents", i);
    CMP_INT(w, el->charge_cents, al->charge_cents);
    snprintf(w, sizeof w, "lines[%zu].minutes", i);
    CMP_INT(w, el->minutes, al->minutes);
    snprintf(w, sizeof w, "lines[%zu].allowed_cents", i);
    CMP_INT(w, el->allowed_cents, al->allowed_cents);
  }
  CMP_INT("total_charge_cents", e->total_charge_cents, a->total_charge_cents);
  CMP_INT("expected_allowed_cents", e->expected_allowed_cents, a->expected_allowed_cents);
  cmp_findings(name, rv, e->n_findings, e->findings, a->n_findings, a->findings);
  CMP_STR("rules_version", strcmp(e->rules_version, "RULES_VERSION") ? e->rules_version : rv,
          a->rules_version);
  CMP_STR("prior_authorization", e->prior_authorization, a->prior_authorization);
}

/* A copy of the default bundle with NAME.bundle.tsv's rows appended; returns the dir in buf. */
static int patched_bundle(const char *rules, const char *patch, char *dir, size_t len) {
  char tmpl[] = "/tmp/slpgolden.XXXXXX";
  if (!mkdtemp(tmpl))
    return -1;
  snprintf(dir, len, "%s/rules", tmpl);
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "cp -r '%s' '%s'", rules, dir);
  if (system(cmd) != 0)
    return -1;
  FILE *p = fopen(patch, "r");
  if (!p)
    return -1;
  char line[512];
  while (fgets(line, sizeof line, p)) {
    char *tab = strchr(line, '\t');
    if (!tab)
      continue;
    *tab = '\0';
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, line);
    FILE *f = fopen(path, "a");
    if (!f)
      break;
    fputs(tab + 1, f);
    fclose(f);
  }
  fclose(p);
  return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b) {
  return strcmp((*a)->d_name, (*b)->d_name);
}

static void test_golden_cases(void **state) {
  (void)state;
  const char *src = env_or("SLPCODER_SOURCE_DIR", ".");
  const char *rules_dir = getenv("SLPCODER_RULES");
  assert_non_null(rules_dir);
  char gdir[4096];
  snprintf(gdir, sizeof gdir, "%s/tests/golden", src);
  struct dirent **ents;
  int n = scandir(gdir, &ents, NULL, by_name);
  assert_true(n > 0);
  slp_decoder_t *dec = slp_decoder_new();
  slp_result_t *res = malloc(sizeof *res);
  uint8_t *in = malloc(MAX_BYTES), *want = malloc(MAX_BYTES), *got = malloc(MAX_BYTES);
  int cases = 0;
  for (int i = 0; i < n; i++) {
    const char *fn = ents[i]->d_name;
    size_t fl = strlen(fn);
    const char *suffix = ".session.txtpb";
    if (fl <= strlen(suffix) || strcmp(fn + fl - strlen(suffix), suffix))
      continue;
    char name[256], path[4096], bundle[4096];
    snprintf(name, sizeof name, "%.*s", (int)(fl - strlen(suffix)), fn);
    cases++;
    snprintf(path, sizeof path, "%s/%s.bundle.tsv", gdir, name);
    const char *dir = rules_dir;
    struct stat st;
    if (stat(path, &st) == 0) {
      assert_int_equal(patched_bundle(rules_dir, path, bundle, sizeof bundle), 0);
      dir = bundle;
    }
    slp_rules_t *rules = NULL;
    slp_rules_errors_t *errs = calloc(1, sizeof *errs);
    if (slp_rules_load(dir, &rules, errs) < 0)
      fail_msg("%s: bundle %s: %s", name, dir, errs->n ? errs->lines[0] : "?");
    free(errs);

    snprintf(path, sizeof path, "%s/%s", gdir, fn);
    long nin =
        protoc_encode("slpcoder.v1.SessionEvent", "slpcoder/v1/session.proto", path, in, MAX_BYTES);
    if (nin < 0)
      fail_msg("%s: protoc cannot encode %s", name, path);
    snprintf(path, sizeof path, "%s/%s.expected.txtpb", gdir, name);
    long nwant =
        protoc_encode("slpcoder.v1.CodingResult", "slpcoder/v1/claim.proto", path, want, MAX_BYTES);
    if (nwant < 0)
      fail_msg("%s: protoc cannot encode %s", name, path);

    slp_session_t s;
    char err[SLP_CODEC_ERR_LEN];
    if (slp_decode_session(dec, in, (size_t)nin, &s, err, sizeof err))
      fail_msg("%s: %s", name, err);
    assert_int_equal(slp_engine_code(rules, &s, res), 0);
    ptrdiff_t ngot = slp_encode_coding_result(&s, res, got, MAX_BYTES, NULL);
    assert_true(ngot > 0);

    Slpcoder__V1__CodingResult *e = slpcoder__v1__coding_result__unpack(NULL, (size_t)nwant, want);
    Slpcoder__V1__CodingResult *a = slpcoder__v1__coding_result__unpack(NULL, (size_t)ngot, got);
    assert_non_null(e);
    assert_non_null(a);
    const char *rv = slp_rules_version(rules);
    if (e->result_case != a->result_case) {
      problem(name, "expected a %s, got a %s",
              e->result_case == SLPCODER__V1__CODING_RESULT__RESULT_CLAIM ? "claim" : "rejection",
              a->result_case == SLPCODER__V1__CODING_RESULT__RESULT_CLAIM ? "claim" : "rejection");
      Slpcoder__V1__Finding **f = a->result_case == SLPCODER__V1__CODING_RESULT__RESULT_CLAIM
                                      ? a->claim->findings
                                      : a->rejection->findings;
      size_t nf = a->result_case == SLPCODER__V1__CODING_RESULT__RESULT_CLAIM
                      ? a->claim->n_findings
                      : a->rejection->n_findings;
      for (size_t k = 0; k < nf; k++)
        problem(name, "  got finding %s %s: %s", f[k]->rule_id, f[k]->field, f[k]->message);
    } else if (e->result_case == SLPCODER__V1__CODING_RESULT__RESULT_CLAIM) {
      cmp_claim(name, rv, e->claim, a->claim);
    } else {
      const Slpcoder__V1__Rejection *er = e->rejection, *ar = a->rejection;
      CMP_STR("event_id", er->event_id, ar->event_id);
      CMP_STR("encounter_id", er->encounter_id, ar->encounter_id);
      CMP_STR("organization_id", er->organization_id, ar->organization_id);
      cmp_findings(name, rv, er->n_findings, er->findings, ar->n_findings, ar->findings);
      CMP_STR("rules_version", strcmp(er->rules_version, "RULES_VERSION") ? er->rules_version : rv,
              ar->rules_version);
    }
    /* The JSON rendering of every golden result must be producible. */
    char *json = slp_encode_coding_result_json(&s, res);
    assert_non_null(json);
    /* What the daemon's print.claims observer prints from the packed output: the same text. */
    size_t need = 0;
    (void)slp_encode_result(&s, res, NULL, 0, &need);
    uint8_t *packed = malloc(need ? need : 1);
    assert_non_null(packed);
    assert_int_equal(slp_encode_result(&s, res, packed, need, NULL), (ptrdiff_t)need);
    char *again = slp_packed_result_json(packed, need, res->rejected);
    assert_non_null(again);
    assert_string_equal(again, json);
    free(again);
    free(packed);
    free(json);
    slpcoder__v1__coding_result__free_unpacked(e, NULL);
    slpcoder__v1__coding_result__free_unpacked(a, NULL);
    slp_rules_unref(rules);
    if (dir == bundle) {
      char cmd[4200];
      snprintf(cmd, sizeof cmd, "rm -rf '%.*s'", (int)(strrchr(bundle, '/') - bundle), bundle);
      if (system(cmd) != 0)
        print_message("could not remove %s\n", bundle);
    }
  }
  for (int i = 0; i < n; i++)
    free(ents[i]);
  free(ents);
  free(in);
  free(want);
  free(got);
  free(res);
  slp_decoder_free(dec);
  assert_true(cases >= 10);
  if (n_problems)
    fail_msg("%d golden mismatches:\n%s", n_problems, problems);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_golden_cases)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
