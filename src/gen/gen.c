/* SPDX-License-Identifier: Apache-2.0 */
/* gen.c -- realistic synthetic speech-therapy sessions, built with protobuf-c and packed. */
#include "gen/gen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "slpcoder/codec.h"
#include "slpcoder/v1/session.pb-c.h"

struct slp_gen {
  slp_gen_opts_t opts;
  uint8_t *buf;
  size_t cap;
  char key[32];
};

static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static uint32_t rnd(uint64_t *s, uint32_t n) {
  return (uint32_t)(splitmix(s) % n);
}
static double unit(uint64_t *s) {
  return (double)(splitmix(s) >> 11) / 9007199254740992.0;
}

void slp_gen_npi(uint32_t base9, char out[11]) {
  char digits[16];
  snprintf(digits, sizeof digits, "80840%09u", base9 % 1000000000u);
  int sum = 0;
  /* Luhn over prefix+9 digits, the check digit to be appended on the right:
   * double every other digit starting with the rightmost. */
  for (int i = 13, dbl = 1; i >= 0; i--, dbl = !dbl) {
    int d = digits[i] - '0';
    if (dbl)
      d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  snprintf(out, 11, "%09u%d", base9 % 1000000000u, (10 - sum % 10) % 10);
}

const char *slp_gen_kind_name(slp_gen_kind_t kind) {
  static const char *const names[] = {"clean",
                                      "provider.npi",
                                      "pos.inconsistent",
                                      "poc.missing",
                                      "diagnosis.manifestation_first",
                                      "medicare.kx_threshold",
                                      "activity.insufficient_time",
                                      "prior_auth.missing",
                                      "poc.expired",
                                      "progress_report.overdue",
                                      "documentation.incomplete",
                                      "timely_filing",
                                      "benefit.visit_limit",
                                      "necessity.diagnosis",
                                      "diagnosis.invalid",
                                      "activity.group_unsupported",
                                      "provider.credential",
                                      "event.invalid",
                                      "dlq"};
  _Static_assert(sizeof names / sizeof names[0] == SLP_GEN_KIND_COUNT, "a name for every kind");
  return (unsigned)kind < SLP_GEN_KIND_COUNT ? names[kind] : "?";
}

slp_gen_t *slp_gen_new(const slp_gen_opts_t *opts) {
  slp_gen_t *g = calloc(1, sizeof *g);
  if (!g)
    return NULL;
  g->opts = *opts;
  g->cap = 4096;
  g->buf = malloc(g->cap);
  if (!g->buf)
    return free(g), NULL;
  return g;
}

void slp_gen_free(slp_gen_t *g) {
  if (!g)
    return;
  free(g->buf);
  free(g);
}

typedef struct area_dx {
  int area;
  const char *dx[3];
} area_dx_t;
static const area_dx_t area_dx[] = {
    {SLPCODER__V1__SERVICE_AREA__LANGUAGE, {"F80.1", "F80.2", "R47.01"}},
    {SLPCODER__V1__SERVICE_AREA__SPEECH_SOUND, {"F80.0", "F80.0", "R48.2"}},
    {SLPCODER__V1__SERVICE_AREA__FLUENCY, {"F80.81", "F98.5", "F80.81"}},
    {SLPCODER__V1__SERVICE_AREA__VOICE, {"R49.0", "R49.8", "R49.0"}},
    {SLPCODER__V1__SERVICE_AREA__SWALLOWING, {"R13.12", "R13.11", "R13.10"}},
};
#define N_AREAS (sizeof area_dx / sizeof area_dx[0])

int slp_gen_item(slp_gen_t *g, uint64_t index, slp_gen_item_t *out) {
  uint64_t s = g->opts.seed * 0x100000001B3ull ^ (index + 1) * 0xD6E8FEB86659FD93ull;
  memset(out, 0, sizeof *out);
  snprintf(out->event_id, sizeof out->event_id, "ev-%016llx-%llu", (unsigned long long)g->opts.seed,
           (unsigned long long)index);
  double r = unit(&s);
  if (r < g->opts.garbage) {
    /* 0xFF opens field 31 with wire type 7, which no protobuf parser accepts. */
    size_t len = 8 + rnd(&s, 120);
    g->buf[0] = 0xFF;
    for (size_t i = 1; i < len; i++)
      g->buf[i] = (uint8_t)splitmix(&s);
    out->bytes = g->buf;
    out->len = len;
    out->key = "";
    out->kind = SLP_GEN_GARBAGE;
    return 0;
  }
  slp_gen_kind_t kind = SLP_GEN_CLEAN;
  if (unit(&s) < g->opts.defects)
    kind = (slp_gen_kind_t)(1 + rnd(&s, SLP_GEN_GARBAGE - 1));
  out->kind = kind;

  /* Payer mix: Medicare Part B 40 %, commercial 25 %, Medicaid 15 %, MA 12 %, self-pay 8 %. */
  uint32_t pr = rnd(&s, 100);
  int payer = pr < 40 ? 1 : pr < 65 ? 4 : pr < 80 ? 3 : pr < 92 ? 2 : 5;
  /* Defects of Medicare Part B policy (plan of care, KX, who may render) need that payer;
   * the others need a payer whose policy checks them at all (not self-pay). */
  if (kind == SLP_GEN_KX_NO_NECESSITY || kind == SLP_GEN_MISSING_POC ||
      kind == SLP_GEN_POC_EXPIRED || kind == SLP_GEN_PROGRESS_OVERDUE ||
      kind == SLP_GEN_ASSISTANT_MEDICARE)
    payer = 1;
  if ((kind == SLP_GEN_DOC_INCOMPLETE || kind == SLP_GEN_LATE_FILING) && payer == 5)
    payer = 4;
  if (kind == SLP_GEN_VISIT_LIMIT)
    payer = 4;
  if (kind == SLP_GEN_NO_PRIOR_AUTH)
    payer = 3;

  const int32_t dos_day =
      slp_days_from_civil(2026, 1 + (int32_t)rnd(&s, 10), 1 + (int32_t)rnd(&s, 28));
  const int32_t start_day =
      dos_day - (kind == SLP_GEN_POC_EXPIRED ? 70 : 1 + (int32_t)rnd(&s, 40));
  char dos[11], start[11], cert[11], end[11];
  slp_date_format(dos_day, dos);
  slp_date_format(start_day, start);
  slp_date_format(start_day + 2 + (int32_t)rnd(&s, 10), cert);
  slp_date_format(kind == SLP_GEN_POC_EXPIRED ? dos_day - 1 - (int32_t)rnd(&s, 5) : start_day + 89,
                  end);
  const int32_t reported_day = dos_day + (kind == SLP_GEN_LATE_FILING ? 400 + (int32_t)rnd(&s, 60) : 0);
  int64_t reported = ((int64_t)reported_day * 86400 + 17 * 3600 + (int64_t)rnd(&s, 3600)) * 1000;

  snprintf(g->key, sizeof g->key, "pt-%07u", rnd(&s, 5000000));
  char encounter[40], org[16], member[20], birth[11], rnpi[11], bnpi[11], pa[16];
  snprintf(encounter, sizeof encounter, "enc-%llx", (unsigned long long)splitmix(&s));
  snprintf(org, sizeof org, "org-%02u", rnd(&s, 20));
  snprintf(member, sizeof member, "M%09u", rnd(&s, 1000000000));
  snprintf(birth, sizeof birth, "%04u-%02u-%02u", 1935 + rnd(&s, 85), 1 + rnd(&s, 12),
           1 + rnd(&s, 28));
  slp_gen_npi(100000000u + rnd(&s, 899999999u), rnpi);
  slp_gen_npi(100000000u + rnd(&s, 899999999u), bnpi);
  if (kind == SLP_GEN_BAD_NPI)
    rnpi[9] = (char)('0' + (rnpi[9] - '0' + 1) % 10);
  snprintf(pa, sizeof pa, "PA%08u", rnd(&s, 100000000));

  Slpcoder__V1__SessionEvent ev = SLPCODER__V1__SESSION_EVENT__INIT;
  Slpcoder__V1__Patient pt = SLPCODER__V1__PATIENT__INIT;
  Slpcoder__V1__Coverage cov = SLPCODER__V1__COVERAGE__INIT;
  Slpcoder__V1__Provider prov = SLPCODER__V1__PROVIDER__INIT;
  Slpcoder__V1__PlanOfCare poc = SLPCODER__V1__PLAN_OF_CARE__INIT;
  Slpcoder__V1__Documentation doc = SLPCODER__V1__DOCUMENTATION__INIT;
  Slpcoder__V1__Activity act[3] = {SLPCODER__V1__ACTIVITY__INIT, SLPCODER__V1__ACTIVITY__INIT,
                                   SLPCODER__V1__ACTIVITY__INIT};
  Slpcoder__V1__Activity *acts[3] = {&act[0], &act[1], &act[2]};
  char *dx[4];

  ev.event_id = out->event_id;
  ev.encounter_id = kind == SLP_GEN_NO_ENCOUNTER ? "" : encounter;
  ev.organization_id = org;
  ev.reported_at_ms = reported;
  pt.patient_id = g->key;
  pt.birth_date = birth;
  pt.member_id = member;
  ev.patient = &pt;
  cov.payer_kind = (Slpcoder__V1__PayerKind)payer;
  cov.payer_id = payer == 3 && rnd(&s, 2)        ? "TXMCD"
                 : payer == 4 && rnd(&s, 3) == 0 ? "BCBS-COMM"
                                                 : "";
  if (kind == SLP_GEN_NO_PRIOR_AUTH)
    cov.payer_id = "TXMCD";
  cov.ytd_therapy_allowed_cents = (int64_t)rnd(&s, 150000);
  cov.visits_this_year = rnd(&s, 15);
  if (kind == SLP_GEN_VISIT_LIMIT)
    cov.visits_this_year = 30 + rnd(&s, 10);
  if (kind == SLP_GEN_KX_NO_NECESSITY)
    cov.ytd_therapy_allowed_cents = 260000 + (int64_t)rnd(&s, 20000);
  ev.coverage = &cov;
  prov.npi = rnpi;
  prov.credential = kind == SLP_GEN_ASSISTANT_MEDICARE ? SLPCODER__V1__CREDENTIAL__SLP_ASSISTANT
                                                       : SLPCODER__V1__CREDENTIAL__SLP;
  prov.taxonomy = "235Z00000X";
  ev.rendering_provider = &prov;
  ev.billing_npi = bnpi;
  ev.date_of_service = dos;

  bool tele = rnd(&s, 100) < 15;
  ev.delivery = tele ? SLPCODER__V1__DELIVERY__TELEHEALTH_VIDEO : SLPCODER__V1__DELIVERY__IN_PERSON;
  ev.place_of_service = tele ? (rnd(&s, 2) ? "02" : "10") : (rnd(&s, 5) ? "11" : "12");
  if (kind == SLP_GEN_POS_MISMATCH)
    ev.place_of_service = tele ? "11" : "02";

  /* One evaluation, or one or two treatments in different areas. */
  const area_dx_t *a1 = &area_dx[rnd(&s, N_AREAS)];
  const area_dx_t *a2 = &area_dx[rnd(&s, N_AREAS)];
  bool eval = rnd(&s, 100) < 15 && kind != SLP_GEN_MISSING_POC && kind != SLP_GEN_POC_EXPIRED &&
              kind != SLP_GEN_PROGRESS_OVERDUE && kind != SLP_GEN_GROUP_SWALLOWING;
  size_t n_act = 1;
  act[0].kind =
      eval ? SLPCODER__V1__ACTIVITY_KIND__EVALUATION : SLPCODER__V1__ACTIVITY_KIND__TREATMENT;
  act[0].area = (Slpcoder__V1__ServiceArea)a1->area;
  act[0].minutes = 25 + rnd(&s, 36);
  act[0].group_size = 1;
  if (!eval && a2 != a1 && a1->area != SLPCODER__V1__SERVICE_AREA__SWALLOWING &&
      a2->area != SLPCODER__V1__SERVICE_AREA__SWALLOWING && rnd(&s, 3) == 0) {
    act[1] = act[0];
    act[1].area = (Slpcoder__V1__ServiceArea)a2->area;
    act[1].minutes = 10 + rnd(&s, 20);
    n_act = 2;
  }
  if (kind == SLP_GEN_GROUP_SWALLOWING) {
    n_act = 1;
    a1 = &area_dx[N_AREAS - 1]; /* SWALLOWING */
    act[0].area = (Slpcoder__V1__ServiceArea)a1->area;
    act[0].group_size = 2 + rnd(&s, 3);
  }
  if (kind == SLP_GEN_INSUFFICIENT_TIME) {
    n_act = 1;
    act[0].kind = SLPCODER__V1__ACTIVITY_KIND__EVALUATION;
    act[0].area = SLPCODER__V1__SERVICE_AREA__COGNITION;
    act[0].minutes = 10 + rnd(&s, 15);
    a1 = NULL;
  }
  if (g->opts.multi > 0 && !eval && n_act == 1 && kind == SLP_GEN_CLEAN &&
      unit(&s) < g->opts.multi) {
    /* Two lines of different codes (92507 and 92526), one in two documented as a distinct
     * encounter. Drawn only when multi > 0, so the other streams keep their bytes. */
    bool swallowing = a1->area == SLPCODER__V1__SERVICE_AREA__SWALLOWING;
    a2 = &area_dx[swallowing ? 0 : N_AREAS - 1];
    act[1] = act[0];
    act[1].area = (Slpcoder__V1__ServiceArea)a2->area;
    act[1].minutes = 15 + rnd(&s, 16);
    act[1].distinct_encounter = rnd(&s, 2) == 0;
    n_act = 2;
  }
  ev.activities = acts;
  ev.n_activities = n_act;

  size_t n_dx = 0;
  if (kind == SLP_GEN_MANIFESTATION_FIRST)
    dx[n_dx++] = "F02.80";
  if (a1) {
    dx[n_dx++] = (char *)a1->dx[rnd(&s, 3)];
  } else {
    dx[n_dx++] = "R41.840";
  }
  if (n_act > 1)
    dx[n_dx++] = (char *)a2->dx[0];
  if (n_dx < 3 && rnd(&s, 2))
    dx[n_dx++] = "Z91.81";
  if (kind == SLP_GEN_NO_SUPPORTING_DX) { /* a history code alone supports no SLP service */
    dx[0] = "Z91.81";
    n_dx = 1;
  }
  if (kind == SLP_GEN_INVALID_DX)
    dx[n_dx - 1] = rnd(&s, 2) ? "R13.1" /* a non-billable header */ : "8F0.2" /* bad shape */;
  ev.diagnoses = dx;
  ev.n_diagnoses = n_dx;

  poc.start_date = start;
  poc.certified_date = cert;
  poc.end_date = end;
  poc.referral_on_file = true;
  poc.treatment_days_since_progress_report = rnd(&s, 7);
  if (kind == SLP_GEN_PROGRESS_OVERDUE)
    poc.treatment_days_since_progress_report = 9 + rnd(&s, 6);
  if (kind != SLP_GEN_MISSING_POC)
    ev.plan_of_care = &poc;
  doc.goals = doc.techniques = doc.progress = kind != SLP_GEN_DOC_INCOMPLETE;
  doc.medical_necessity = kind != SLP_GEN_KX_NO_NECESSITY;
  ev.documentation = &doc;
  if (payer == 3 || payer == 2)
    ev.prior_authorization = pa;
  if (kind == SLP_GEN_NO_PRIOR_AUTH)
    ev.prior_authorization = "";

  bool framed = unit(&s) < g->opts.framed;
  size_t need = slpcoder__v1__session_event__get_packed_size(&ev) + 16;
  if (need > g->cap) {
    uint8_t *nb = realloc(g->buf, need);
    if (!nb)
      return -ENOMEM;
    g->buf = nb;
    g->cap = need;
  }
  size_t hdr = framed ? slp_sr_frame_write(100 + rnd(&s, 3), g->buf) : 0;
  out->len = hdr + slpcoder__v1__session_event__pack(&ev, g->buf + hdr);
  out->bytes = g->buf;
  out->key = g->key;
  return 0;
}
