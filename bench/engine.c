/* SPDX-License-Identifier: Apache-2.0 */
/* engine.c -- benchmark: the engine alone, decode+code+encode, and a bare protobuf-c round trip.
 *
 * usage: bench_engine [N sessions (default 20000)] [repetitions (default 7)]
 * Rules: $SLPCODER_RULES, else <exe>/../share/slpcoder/rules/default (the build tree's bundle).
 * A deterministic mix (seeded PRNG): 2-3 activities, 2-3 diagnoses, every payer kind, about a
 * fifth made to fail one check. Prints the median of the repetitions; one core, one thread.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "slpcoder/codec.h"
#include "slpcoder/v1/session.pb-c.h"

#define MAX_ACTS 3
#define MAX_DX 3

/* One generated session: its engine form (a) and the storage its strings live in. */
typedef struct gen {
  char event_id[24], encounter_id[24], patient_id[16], member_id[16], npi[12], pos[3], pa[12],
      payer_id[12];
  const char *dx[MAX_DX];
  slp_activity_t acts[MAX_ACTS];
  slp_session_t s;
} gen_t;

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint32_t rnd(uint32_t n) { /* xorshift64*, uniform enough for a mix */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32) % n;
}

static const char *const dx_speech[] = {"F80.0",  "F80.1", "F80.2",  "R47.01",
                                        "F80.81", "R49.0", "I69.320"};
static const char *const dx_swallow[] = {"R13.12", "R13.11", "I69.391"};
static const char *const dx_cog[] = {"R41.841", "I69.310", "G30.9"};

static void generate(gen_t *g, unsigned i) {
  memset(g, 0, sizeof *g);
  slp_session_t *s = &g->s;
  snprintf(g->event_id, sizeof g->event_id, "ev-%08u", i);
  snprintf(g->encounter_id, sizeof g->encounter_id, "enc-%08u", i);
  snprintf(g->patient_id, sizeof g->patient_id, "P-%06u", rnd(500000));
  snprintf(g->member_id, sizeof g->member_id, "M-%06u", rnd(999999));
  strcpy(g->npi, "1234567893");
  strcpy(g->pos, "11");
  s->event_id = g->event_id;
  s->encounter_id = g->encounter_id;
  s->organization_id = rnd(4) ? "ORG-1" : "ORG-EXAMPLE";
  s->reported_at_ms = 1773162000000LL + (int64_t)rnd(3600) * 1000;
  s->patient.patient_id = g->patient_id;
  s->patient.birth_date = "1951-07-04";
  s->patient.member_id = g->member_id;
  uint32_t p = rnd(100);
  int32_t kind = p < 40   ? SLP_MEDICARE_PART_B
                 : p < 50 ? SLP_MEDICARE_ADVANTAGE
                 : p < 65 ? SLP_MEDICAID
                 : p < 95 ? SLP_COMMERCIAL
                          : SLP_SELF_PAY;
  s->coverage.payer_kind = kind;
  s->coverage.payer_id = (kind == SLP_MEDICAID && rnd(3) == 0) ? "TXMCD" : "";
  s->coverage.ytd_therapy_allowed_cents = kind == SLP_MEDICARE_PART_B ? (int64_t)rnd(260000) : 0;
  s->coverage.visits_this_year = rnd(20);
  s->rendering_provider.npi = g->npi;
  s->rendering_provider.credential = SLP_CREDENTIAL_SLP;
  s->rendering_provider.taxonomy = "235Z00000X";
  s->billing_npi = "1245319599";
  s->date_of_service = "2026-03-10";
  s->place_of_service = g->pos;
  s->delivery = SLP_IN_PERSON;
  if (rnd(6) == 0) {
    s->delivery = SLP_TELEHEALTH_VIDEO;
    strcpy(g->pos, "10");
  }
  size_t na = 2 + rnd(2), nd = 2 + rnd(2);
  bool cognition = rnd(5) == 0, swallow = !cognition && rnd(4) == 0;
  static const int32_t speech_areas[] = {SLP_AREA_FLUENCY, SLP_AREA_SPEECH_SOUND, SLP_AREA_LANGUAGE,
                                         SLP_AREA_VOICE};
  for (size_t k = 0; k < na; k++) {
    slp_activity_t *a = &g->acts[k];
    a->kind = rnd(8) == 0 ? SLP_EVALUATION : SLP_TREATMENT;
    a->area = cognition && k == 0 ? SLP_AREA_COGNITION
              : swallow && k == 0 ? SLP_AREA_SWALLOWING
                                  : speech_areas[rnd(4)];
    if (a->area == SLP_AREA_COGNITION)
      a->kind = SLP_TREATMENT;
    a->minutes = 10 + rnd(40);
  }
  for (size_t k = 0; k < nd; k++) {
    const char *const *pool = k == 0 && cognition ? dx_cog
                              : k == 0 && swallow ? dx_swallow
                                                  : dx_speech;
    size_t pn = k == 0 && cognition ? 3 : k == 0 && swallow ? 3 : 7;
    g->dx[k] = pool[rnd((uint32_t)pn)];
  }
  s->activities = g->acts;
  s->n_activities = na;
  s->diagnoses = g->dx;
  s->n_diagnoses = nd;
  s->has_plan_of_care = true;
  s->plan_of_care.start_date = "2026-02-02";
  s->plan_of_care.certified_date = "2026-02-04";
  s->plan_of_care.end_date = "2026-04-30";
  s->plan_of_care.treatment_days_since_progress_report = rnd(7);
  s->documentation.goals = s->documentation.techniques = s->documentation.progress = true;
  s->documentation.medical_necessity = rnd(10) != 0;
  if (kind == SLP_MEDICARE_ADVANTAGE || kind == SLP_MEDICAID) {
    snprintf(g->pa, sizeof g->pa, "PA-%05u", rnd(99999));
    s->prior_authorization = g->pa;
  } else {
    s->prior_authorization = "";
  }
  /* About a fifth carry one mistake a biller would make. */
  switch (rnd(22)) {
  case 0:
    strcpy(g->npi, "1234567890");
    break; /* provider.npi */
  case 1:
    strcpy(g->pos, "02");
    s->delivery = SLP_IN_PERSON;
    break; /* pos.inconsistent */
  case 2:
    s->has_plan_of_care = false;
    s->coverage.payer_kind = SLP_MEDICARE_PART_B;
    break; /* poc.missing */
  case 3:
    s->documentation.techniques = false;
    break; /* documentation.incomplete */
  default:
    break;
  }
  if (!s->has_plan_of_care)
    memset(&s->plan_of_care, 0, sizeof s->plan_of_care);
}

/* Pack the engine form into SessionEvent bytes, as a producer would. */
static size_t pack(const slp_session_t *s, uint8_t *buf, size_t cap) {
  Slpcoder__V1__Patient pt = SLPCODER__V1__PATIENT__INIT;
  Slpcoder__V1__Coverage cov = SLPCODER__V1__COVERAGE__INIT;
  Slpcoder__V1__Provider rp = SLPCODER__V1__PROVIDER__INIT;
  Slpcoder__V1__PlanOfCare poc = SLPCODER__V1__PLAN_OF_CARE__INIT;
  Slpcoder__V1__Documentation doc = SLPCODER__V1__DOCUMENTATION__INIT;
  Slpcoder__V1__Activity acts[MAX_ACTS], *actp[MAX_ACTS];
  Slpcoder__V1__SessionEvent ev = SLPCODER__V1__SESSION_EVENT__INIT;
  ev.event_id = (char *)s->event_id;
  ev.encounter_id = (char *)s->encounter_id;
  ev.organization_id = (char *)s->organization_id;
  ev.reported_at_ms = s->reported_at_ms;
  pt.patient_id = (char *)s->patient.patient_id;
  pt.birth_date = (char *)s->patient.birth_date;
  pt.member_id = (char *)s->patient.member_id;
  ev.patient = &pt;
  cov.payer_kind = (Slpcoder__V1__PayerKind)s->coverage.payer_kind;
  cov.payer_id = (char *)s->coverage.payer_id;
  cov.ytd_therapy_allowed_cents = s->coverage.ytd_therapy_allowed_cents;
  cov.visits_this_year = s->coverage.visits_this_year;
  ev.coverage = &cov;
  rp.npi = (char *)s->rendering_provider.npi;
  rp.credential = (Slpcoder__V1__Credential)s->rendering_provider.credential;
  rp.taxonomy = (char *)s->rendering_provider.taxonomy;
  ev.rendering_provider = &rp;
  ev.billing_npi = (char *)s->billing_npi;
  ev.date_of_service = (char *)s->date_of_service;
  ev.place_of_service = (char *)s->place_of_service;
  ev.delivery = (Slpcoder__V1__Delivery)s->delivery;
  for (size_t k = 0; k < s->n_activities; k++) {
    slpcoder__v1__activity__init(&acts[k]);
    acts[k].kind = (Slpcoder__V1__ActivityKind)s->activities[k].kind;
    acts[k].area = (Slpcoder__V1__ServiceArea)s->activities[k].area;
    acts[k].minutes = s->activities[k].minutes;
    acts[k].group_size = s->activities[k].group_size;
    acts[k].distinct_encounter = s->activities[k].distinct_encounter;
    actp[k] = &acts[k];
  }
  ev.n_activities = s->n_activities;
  ev.activities = actp;
  ev.n_diagnoses = s->n_diagnoses;
  ev.diagnoses = (char **)s->diagnoses;
  if (s->has_plan_of_care) {
    poc.start_date = (char *)s->plan_of_care.start_date;
    poc.certified_date = (char *)s->plan_of_care.certified_date;
    poc.end_date = (char *)s->plan_of_care.end_date;
    poc.treatment_days_since_progress_report = s->plan_of_care.treatment_days_since_progress_report;
    ev.plan_of_care = &poc;
  }
  doc.goals = s->documentation.goals;
  doc.techniques = s->documentation.techniques;
  doc.progress = s->documentation.progress;
  doc.medical_necessity = s->documentation.medical_necessity;
  ev.documentation = &doc;
  ev.prior_authorization = (char *)s->prior_authorization;
  if (slpcoder__v1__session_event__get_packed_size(&ev) > cap)
    return 0;
  return slpcoder__v1__session_event__pack(&ev, buf);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static volatile size_t sink; /* keeps the optimiser from dropping work */

int main(int argc, char **argv) {
  unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 20000;
  int reps = argc > 2 ? atoi(argv[2]) : 7;
  if (n == 0 || reps <= 0 || reps > 101) {
    fprintf(stderr, "usage: bench_engine [N sessions] [repetitions]\n");
    return 64;
  }
  char dirbuf[PATH_MAX + 64];
  const char *dir = getenv("SLPCODER_RULES");
  if (!dir || !dir[0]) {
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0)
      return 78;
    exe[k] = '\0';
    *strrchr(exe, '/') = '\0';
    snprintf(dirbuf, sizeof dirbuf, "%s/../share/slpcoder/rules/default", exe);
    dir = dirbuf;
  }
  slp_rules_t *rules = NULL;
  slp_rules_errors_t *errs = calloc(1, sizeof *errs);
  if (slp_rules_load(dir, &rules, errs) < 0) {
    fprintf(stderr, "bench_engine: cannot load %s: %s\n", dir, errs->n ? errs->lines[0] : "?");
    return 78;
  }
  free(errs);

  gen_t *gens = malloc(n * sizeof *gens);
  size_t *off = malloc((n + 1) * sizeof *off);
  size_t cap = (size_t)n * 512;
  uint8_t *bytes = malloc(cap);
  slp_result_t *res = malloc(sizeof *res);
  off[0] = 0;
  for (unsigned i = 0; i < n; i++) {
    generate(&gens[i], i);
    size_t w = pack(&gens[i].s, bytes + off[i], cap - off[i]);
    if (!w)
      return 70;
    off[i + 1] = off[i] + w;
  }
  printf("bench_engine: %u sessions (%.0f bytes avg), %d repetitions, rules %s\n", n,
         (double)off[n] / n, reps, slp_rules_version(rules));

  double ta[101], tb[101], tc[101];
  size_t rejected_a = 0, rejected_b = 0, undecodable = 0;
  slp_processor_t *proc = slp_processor_new();
  for (int r = 0; r < reps; r++) {
    /* (a) the engine alone on sessions already in engine form */
    size_t rej = 0;
    double t0 = now_s();
    for (unsigned i = 0; i < n; i++) {
      slp_engine_code(rules, &gens[i].s, res);
      rej += res->rejected;
    }
    ta[r] = now_s() - t0;
    rejected_a = rej;

    /* (b) decode + code + encode, as the daemon does per record */
    rej = 0;
    size_t und = 0, outb = 0;
    t0 = now_s();
    for (unsigned i = 0; i < n; i++) {
      slp_processed_t out;
      slp_process_payload(proc, rules, bytes + off[i], off[i + 1] - off[i], &out);
      rej += out.kind == SLP_OUTPUT_REJECTION;
      und += out.kind == SLP_OUTPUT_UNDECODABLE;
      outb += out.len;
    }
    tb[r] = now_s() - t0;
    rejected_b = rej;
    undecodable = und;
    sink += outb;

    /* (c) bare protobuf-c: unpack and pack the same SessionEvent (default allocator) */
    uint8_t outbuf[4096];
    t0 = now_s();
    for (unsigned i = 0; i < n; i++) {
      Slpcoder__V1__SessionEvent *ev =
          slpcoder__v1__session_event__unpack(NULL, off[i + 1] - off[i], bytes + off[i]);
      if (!ev)
        return 70;
      sink += slpcoder__v1__session_event__pack(ev, outbuf);
      slpcoder__v1__session_event__free_unpacked(ev, NULL);
    }
    tc[r] = now_s() - t0;
  }
  double a = n / median(ta, reps), b = n / median(tb, reps), c = n / median(tc, reps);
  printf("(a) engine alone              %12.0f sessions/s  (%.0f ns each)  goal 1,000,000/s: %s "
         "(%.2fx)\n",
         a, 1e9 / a, a >= 1e6 ? "met" : "MISSED", a / 1e6);
  printf("(b) decode + code + encode    %12.0f sessions/s  (%.0f ns each)\n", b, 1e9 / b);
  printf("(c) bare protobuf-c unpack+pack %10.0f sessions/s  (%.0f ns each)\n", c, 1e9 / c);
  printf("(b) takes %.2fx the time of (c): goal <= 2x: %s\n", c / b,
         c / b <= 2.0 ? "met" : "MISSED");
  printf("rejected: %.1f%% (engine alone %.1f%%), undecodable: %zu\n", 100.0 * rejected_b / n,
         100.0 * rejected_a / n, undecodable);
  slp_processor_free(proc);
  slp_rules_unref(rules);
  free(gens);
  free(off);
  free(bytes);
  free(res);
  return 0;
}
