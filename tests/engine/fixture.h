/* SPDX-License-Identifier: Apache-2.0 */
/* fixture.h -- shared test scaffolding for the engine tests: a clean baseline session, the default
 * bundle, and a test bundle (the default plus a few rows only tests need) built in a temp dir. */
#ifndef SLPCODER_TESTS_ENGINE_FIXTURE_H
#define SLPCODER_TESTS_ENGINE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/date.h"
#include "slpcoder/engine.h"
#include "slpcoder/rules.h"

typedef struct fx {
  slp_session_t s;
  slp_activity_t acts[8];
  const char *dx[16];
  char dos[11], start[11], cert[11], end[11];
} fx_t;

static inline int32_t fx_day(const char *s) {
  int32_t d = 0;
  if (slp_date_parse(s, &d) != 0)
    abort();
  return d;
}

/* 18:00 UTC on the given day number. */
static inline int64_t fx_ms(int32_t day) {
  return (int64_t)day * 86400000LL + 64800000LL;
}

static inline void fx_set_dos(fx_t *f, int32_t day) {
  slp_date_format(day, f->dos);
  f->s.reported_at_ms = fx_ms(day);
}

/* Medicare Part B, in person at the office, one 45-minute language treatment, a certified plan:
 * codes to 92507-GN with no finding at all. */
static inline void fx_base(fx_t *f) {
  memset(f, 0, sizeof *f);
  slp_session_t *s = &f->s;
  s->event_id = "ev-1";
  s->encounter_id = "enc-1";
  s->organization_id = "ORG-X";
  s->patient.patient_id = "PAT-SECRET-7";
  s->patient.birth_date = "1950-02-03";
  s->patient.member_id = "MBR-SECRET-9";
  s->coverage.payer_kind = SLP_MEDICARE_PART_B;
  s->coverage.payer_id = "";
  s->rendering_provider.npi = "1234567893";
  s->rendering_provider.credential = SLP_CREDENTIAL_SLP;
  s->rendering_provider.taxonomy = "235Z00000X";
  s->billing_npi = "1234567893";
  fx_set_dos(f, fx_day("2025-06-10"));
  s->date_of_service = f->dos;
  s->place_of_service = "11";
  s->delivery = SLP_IN_PERSON;
  f->acts[0] = (slp_activity_t){SLP_TREATMENT, SLP_AREA_LANGUAGE, 45, 0, false};
  s->activities = f->acts;
  s->n_activities = 1;
  f->dx[0] = "F80.2";
  f->dx[1] = "r47.01";
  s->diagnoses = f->dx;
  s->n_diagnoses = 2;
  s->has_plan_of_care = true;
  memcpy(f->start, "2025-06-01", 11);
  memcpy(f->cert, "2025-06-03", 11);
  memcpy(f->end, "2025-08-29", 11);
  s->plan_of_care.start_date = f->start;
  s->plan_of_care.certified_date = f->cert;
  s->plan_of_care.end_date = f->end;
  s->plan_of_care.treatment_days_since_progress_report = 3;
  s->documentation.goals = true;
  s->documentation.techniques = true;
  s->documentation.progress = true;
  s->documentation.medical_necessity = false;
  s->prior_authorization = "";
}

static inline slp_rules_t *fx_load(const char *dir) {
  slp_rules_t *r = NULL;
  slp_rules_errors_t errs;
  if (slp_rules_load(dir, &r, &errs) != 0) {
    for (size_t i = 0; i < errs.n; i++)
      fprintf(stderr, "bundle error: %s\n", errs.lines[i]);
    return NULL;
  }
  return r;
}

static inline const char *fx_default_dir(void) {
  const char *d = getenv("SLPCODER_RULES");
  return d ? d : "rules/default";
}

static inline void fx_append(const char *dir, const char *file, const char *text) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  FILE *fp = fopen(path, "a");
  if (fp == NULL)
    abort();
  fputs(text, fp);
  fclose(fp);
}

/* The default bundle copied to a fresh temp dir; the caller appends rows and removes it. */
static inline void fx_copy_default(char *dir, size_t len) {
  snprintf(dir, len, "/tmp/slpcoder-test-XXXXXX");
  if (mkdtemp(dir) == NULL)
    abort();
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "cp -R '%s'/. '%s'/", fx_default_dir(), dir);
  if (system(cmd) != 0)
    abort();
}

/* The number of lines in dir/file: the line number the next appended row will have, less one. */
static inline long fx_count_lines(const char *dir, const char *file) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  FILE *fp = fopen(path, "r");
  if (fp == NULL)
    abort();
  long n = 0;
  int ch;
  while ((ch = fgetc(fp)) != EOF)
    n += ch == '\n';
  fclose(fp);
  return n;
}

/* Whether the loader reported exactly this line; on a miss, what it did report (stderr). */
static inline bool fx_has_error(const slp_rules_errors_t *errs, const char *want) {
  for (size_t i = 0; i < errs->n; i++)
    if (strcmp(errs->lines[i], want) == 0)
      return true;
  for (size_t i = 0; i < errs->n; i++)
    fprintf(stderr, "got: %s\n", errs->lines[i]);
  fprintf(stderr, "wanted: %s\n", want);
  return false;
}

static inline void fx_remove(const char *dir) {
  char cmd[1100];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
}

/* The test bundle: rows the default bundle lacks on purpose, so that rules the default data
 * cannot reach (a bypassable PTP pair, an MUE on an add-on, a not-yet-effective code, a
 * telehealth window end inside the span) have firing cases. These rows are test data only. */
static inline slp_rules_t *fx_load_test_bundle(void) {
  char dir[256];
  fx_copy_default(dir, sizeof dir);
  fx_append(dir, "ptp.tsv", "92507\t92526\t2020-01-01\t*\t1\n92521\t92524\t2020-01-01\t*\t0\n");
  /* a pair deleted at a quarter end: in effect through 2025-06-30 inclusive */
  fx_append(dir, "ptp.tsv", "92609\t92507\t2020-01-01\t2025-06-30\t0\n");
  /* a payer that never covers 92507 (GY) */
  fx_append(dir, "payer_units.tsv", "MA-PLAN-A\t92507\tnot_covered\t0\n");
  fx_append(dir, "mue.tsv", "97130\t2\t3\n");
  /* two organizations with a locality, and excerpts of CMS's 2025 GPCI and locality files */
  fx_append(dir, "orgs.tsv", "ORG-NYC\t13202\t01\nORG-AL\t10112\t0\n");
  {
    const char *src = getenv("SLPCODER_SOURCE_DIR");
    char cmd[2048];
    const char *s = src ? src : ".";
    snprintf(cmd, sizeof cmd, "cp '%s/tests/data/cms/pfs/GPCI2025.csv' '%s/%s' '%s/pfs/'", s, s,
             "tests/data/cms/pfs/25LOCCO.csv", dir);
    if (system(cmd) != 0)
      abort();
  }
  fx_append(dir, "codes.tsv",
            "SPEECH_GENERATING_DEVICE\tTREAT\tGROUP\t92508\tuntimed\t1\t0\t-\t0\t0\t-\t-\tdevice\t"
            "2026-01-01\t*\n");
  /* widen the span to 2028 so the Medicare telehealth window's end can be crossed */
  char path[512];
  snprintf(path, sizeof path, "%s/manifest.ini", dir);
  FILE *fp = fopen(path, "r");
  char text[4096];
  size_t n = fp ? fread(text, 1, sizeof text - 1, fp) : 0;
  if (fp)
    fclose(fp);
  text[n] = '\0';
  char *p = strstr(text, "effective_to = 2027-12-31");
  if (p == NULL)
    abort();
  memcpy(p + strlen("effective_to = "), "2028", 4);
  fp = fopen(path, "w");
  fputs(text, fp);
  fclose(fp);
  slp_rules_t *r = fx_load(dir);
  fx_remove(dir);
  return r;
}

static inline const char *fx_source_dir(void) {
  const char *d = getenv("SLPCODER_SOURCE_DIR");
  return d ? d : ".";
}

/* The test-only 2027 bundle: the default plus tests/data/bundle-2027.tsv (FILE<TAB>row lines, the
 * same format as a golden case's NAME.bundle.tsv), whose codes are fictitious. */
static inline slp_rules_t *fx_load_2027_bundle(void) {
  char dir[256], path[1024], line[600];
  fx_copy_default(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/tests/data/bundle-2027.tsv", fx_source_dir());
  FILE *fp = fopen(path, "r");
  if (fp == NULL)
    abort();
  while (fgets(line, sizeof line, fp) != NULL) {
    char *tab = strchr(line, '\t');
    if (tab == NULL)
      continue;
    *tab = '\0';
    fx_append(dir, line, tab + 1);
  }
  fclose(fp);
  slp_rules_t *r = fx_load(dir);
  fx_remove(dir);
  return r;
}

/* The default bundle with the test CMS ICD-10-CM order file in icd10cm/ (tests/data/cms). */
static inline slp_rules_t *fx_load_icd_bundle(void) {
  char dir[256], cmd[2048];
  fx_copy_default(dir, sizeof dir);
  snprintf(cmd, sizeof cmd, "cp '%s/tests/data/cms/icd10cm/icd10cm_order_2025.txt' '%s/icd10cm/'",
           fx_source_dir(), dir);
  if (system(cmd) != 0)
    abort();
  slp_rules_t *r = fx_load(dir);
  fx_remove(dir);
  return r;
}

/* The bundles for a test group: fx_setup_bundles loads them (cmocka group setup),
 * fx_teardown_bundles frees them. */
static slp_rules_t *g_default, *g_test, *g_2027, *g_icd;

static inline int fx_setup_bundles(void **state) {
  (void)state;
  g_default = fx_load(fx_default_dir());
  g_test = fx_load_test_bundle();
  g_2027 = fx_load_2027_bundle();
  g_icd = fx_load_icd_bundle();
  return g_default && g_test && g_2027 && g_icd ? 0 : -1;
}

static inline int fx_teardown_bundles(void **state) {
  (void)state;
  slp_rules_unref(g_default);
  slp_rules_unref(g_test);
  slp_rules_unref(g_2027);
  slp_rules_unref(g_icd);
  return 0;
}

static inline const slp_finding_t *fx_find(const slp_result_t *res, const char *rule_id) {
  for (size_t i = 0; i < res->n_findings; i++)
    if (strcmp(res->findings[i].rule_id, rule_id) == 0)
      return &res->findings[i];
  return NULL;
}

static inline const slp_line_t *fx_line(const slp_result_t *res, const char *code) {
  for (size_t i = 0; i < res->n_lines; i++)
    if (strcmp(res->lines[i].procedure_code, code) == 0)
      return &res->lines[i];
  return NULL;
}

static inline void fx_dump(const slp_result_t *res) {
  fprintf(stderr, "rejected=%d lines=%zu findings=%zu\n", res->rejected, res->n_lines,
          res->n_findings);
  for (size_t i = 0; i < res->n_lines; i++) {
    const slp_line_t *l = &res->lines[i];
    fprintf(stderr, "  line %s units=%u min=%u mods=", l->procedure_code, l->units, l->minutes);
    for (uint32_t m = 0; m < l->n_modifiers; m++)
      fprintf(stderr, "%s%s", m ? "," : "", l->modifiers[m]);
    fprintf(stderr, " ptrs=%u\n", l->n_diagnosis_pointers);
  }
  for (size_t i = 0; i < res->n_findings; i++)
    fprintf(stderr, "  %s %s [%s] %s\n", slp_severity_name(res->findings[i].severity),
            res->findings[i].rule_id, res->findings[i].field, res->findings[i].message);
}

#endif
