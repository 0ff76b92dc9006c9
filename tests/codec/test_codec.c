/* SPDX-License-Identifier: Apache-2.0 */
/* test_codec.c -- codec without the engine: framing, protobuf decode and its errors,
 * encode, the proto3 JSON mapping both ways, and a deterministic fuzz loop. */
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
#include "slpcoder/v1/claim.pb-c.h"
#include "slpcoder/v1/session.pb-c.h"

/* ---- a full SessionEvent, packed -------------------------------------- */

static size_t pack_sample(uint8_t *buf, size_t cap) {
  Slpcoder__V1__Patient pt = SLPCODER__V1__PATIENT__INIT;
  pt.patient_id = "P-1";
  pt.birth_date = "1950-02-03";
  pt.member_id = "M-9";
  Slpcoder__V1__Coverage cov = SLPCODER__V1__COVERAGE__INIT;
  cov.payer_kind = SLPCODER__V1__PAYER_KIND__MEDICARE_PART_B;
  cov.payer_id = "MCR-JH";
  cov.ytd_therapy_allowed_cents = 123456789012LL;
  cov.visits_this_year = 7;
  Slpcoder__V1__Provider rp = SLPCODER__V1__PROVIDER__INIT;
  rp.npi = "1234567893";
  rp.credential = SLPCODER__V1__CREDENTIAL__SLP;
  rp.taxonomy = "235Z00000X";
  Slpcoder__V1__Activity a0 = SLPCODER__V1__ACTIVITY__INIT, a1 = SLPCODER__V1__ACTIVITY__INIT;
  a0.kind = SLPCODER__V1__ACTIVITY_KIND__TREATMENT;
  a0.area = SLPCODER__V1__SERVICE_AREA__LANGUAGE;
  a0.minutes = 30;
  a1.kind = SLPCODER__V1__ACTIVITY_KIND__EVALUATION;
  a1.area = (Slpcoder__V1__ServiceArea)42; /* unknown enum number survives */
  a1.minutes = 15;
  a1.group_size = 3;
  a1.distinct_encounter = 1;
  Slpcoder__V1__Activity *acts[] = {&a0, &a1};
  char *dx[] = {"F80.0", "r47.01"};
  Slpcoder__V1__PlanOfCare poc = SLPCODER__V1__PLAN_OF_CARE__INIT;
  poc.start_date = "2026-01-05";
  poc.certified_date = "2026-01-07";
  poc.end_date = "2026-03-31";
  poc.referral_on_file = 1;
  poc.treatment_days_since_progress_report = 4;
  Slpcoder__V1__Documentation doc = SLPCODER__V1__DOCUMENTATION__INIT;
  doc.goals = doc.techniques = doc.progress = 1;
  Slpcoder__V1__SessionEvent ev = SLPCODER__V1__SESSION_EVENT__INIT;
  ev.event_id = "ev-1";
  ev.encounter_id = "enc-1";
  ev.organization_id = "org-1";
  ev.reported_at_ms = 1770000000000LL;
  ev.patient = &pt;
  ev.coverage = &cov;
  ev.rendering_provider = &rp;
  ev.billing_npi = "1245319599";
  ev.date_of_service = "2026-02-01";
  ev.place_of_service = "11";
  ev.delivery = SLPCODER__V1__DELIVERY__IN_PERSON;
  ev.n_activities = 2;
  ev.activities = acts;
  ev.n_diagnoses = 2;
  ev.diagnoses = dx;
  ev.plan_of_care = &poc;
  ev.documentation = &doc;
  ev.prior_authorization = "PA-77";
  size_t n = slpcoder__v1__session_event__get_packed_size(&ev);
  assert_true(n <= cap);
  return slpcoder__v1__session_event__pack(&ev, buf);
}

static void assert_sample(const slp_session_t *s) {
  assert_string_equal(s->event_id, "ev-1");
  assert_string_equal(s->encounter_id, "enc-1");
  assert_string_equal(s->organization_id, "org-1");
  assert_int_equal(s->reported_at_ms, 1770000000000LL);
  assert_string_equal(s->patient.patient_id, "P-1");
  assert_string_equal(s->patient.birth_date, "1950-02-03");
  assert_string_equal(s->patient.member_id, "M-9");
  assert_int_equal(s->coverage.payer_kind, SLP_MEDICARE_PART_B);
  assert_string_equal(s->coverage.payer_id, "MCR-JH");
  assert_int_equal(s->coverage.ytd_therapy_allowed_cents, 123456789012LL);
  assert_int_equal(s->coverage.visits_this_year, 7);
  assert_string_equal(s->rendering_provider.npi, "1234567893");
  assert_int_equal(s->rendering_provider.credential, SLP_CREDENTIAL_SLP);
  assert_string_equal(s->rendering_provider.taxonomy, "235Z00000X");
  assert_string_equal(s->billing_npi, "1245319599");
  assert_string_equal(s->date_of_service, "2026-02-01");
  assert_string_equal(s->place_of_service, "11");
  assert_int_equal(s->delivery, SLP_IN_PERSON);
  assert_int_equal(s->n_activities, 2);
  assert_int_equal(s->activities[0].kind, SLP_TREATMENT);
  assert_int_equal(s->activities[0].area, SLP_AREA_LANGUAGE);
  assert_int_equal(s->activities[0].minutes, 30);
  assert_int_equal(s->activities[0].group_size, 0);
  assert_false(s->activities[0].distinct_encounter);
  assert_int_equal(s->activities[1].kind, SLP_EVALUATION);
  assert_int_equal(s->activities[1].area, 42);
  assert_int_equal(s->activities[1].group_size, 3);
  assert_true(s->activities[1].distinct_encounter);
  assert_int_equal(s->n_diagnoses, 2);
  assert_string_equal(s->diagnoses[0], "F80.0");
  assert_string_equal(s->diagnoses[1], "r47.01");
  assert_true(s->has_plan_of_care);
  assert_string_equal(s->plan_of_care.start_date, "2026-01-05");
  assert_string_equal(s->plan_of_care.certified_date, "2026-01-07");
  assert_string_equal(s->plan_of_care.end_date, "2026-03-31");
  assert_true(s->plan_of_care.referral_on_file);
  assert_int_equal(s->plan_of_care.treatment_days_since_progress_report, 4);
  assert_false(s->plan_of_care.progress_report_this_visit);
  assert_true(s->documentation.goals && s->documentation.techniques && s->documentation.progress);
  assert_false(s->documentation.medical_necessity);
  assert_string_equal(s->prior_authorization, "PA-77");
}

/* ---- framing ---------------------------------------------------------------- */

static void test_frame_plain(void **state) {
  (void)state;
  uint8_t buf[] = {0x0a, 0x01, 'x'};
  slp_sr_frame_t fr;
  char err[SLP_CODEC_ERR_LEN];
  assert_int_equal(slp_sr_frame_parse(buf, sizeof buf, &fr, err, sizeof err), 0);
  assert_false(fr.framed);
  assert_int_equal(fr.payload_offset, 0);
  assert_int_equal(slp_sr_frame_parse(buf, 0, &fr, err, sizeof err), 0);
  assert_false(fr.framed);
}

static const struct frame_case {
  const char *name;
  uint8_t bytes[16];
  size_t len;
  int rc;
  uint32_t schema_id;
  uint32_t n_indexes;
  int32_t idx0, idx1;
  size_t payload_offset;
  const char *err; /* substring */
} frame_cases[] = {
    {"abbreviated [0]", {0, 0, 0, 0, 7, 0}, 6, 0, 7, 1, 0, 0, 6, NULL},
    {"explicit [0]", {0, 0, 0, 1, 0, 2, 0}, 7, 0, 256, 1, 0, 0, 7, NULL},
    {"path [1,2]", {0, 1, 2, 3, 4, 4, 2, 4}, 8, 0, 0x01020304, 2, 1, 2, 8, NULL},
    {"only the magic", {0}, 1, -EBADMSG, 0, 0, 0, 0, 0, "truncated header (1 bytes"},
    {"schema id cut", {0, 0, 0, 1}, 4, -EBADMSG, 0, 0, 0, 0, 0, "truncated header (4 bytes"},
    {"no index count",
     {0, 0, 0, 0, 1},
     5,
     -EBADMSG,
     0,
     0,
     0,
     0,
     0,
     "truncated message-index varint at byte 5"},
    {"index varint cut",
     {0, 0, 0, 0, 1, 2, 0x80},
     7,
     -EBADMSG,
     0,
     0,
     0,
     0,
     0,
     "truncated message-index varint at byte 6"},
    {"index missing",
     {0, 0, 0, 0, 1, 4, 2},
     7,
     -EBADMSG,
     0,
     0,
     0,
     0,
     0,
     "truncated message-index varint at byte 7"},
    {"negative count",
     {0, 0, 0, 0, 1, 1},
     6,
     -EBADMSG,
     0,
     0,
     0,
     0,
     0,
     "count -1 at byte 5 is out of range"},
    {"huge count", {0, 0, 0, 0, 1, 0x80, 0x02}, 7, -EBADMSG, 0, 0, 0, 0, 0, "count 128 at byte 5"},
    {"negative index",
     {0, 0, 0, 0, 1, 2, 1},
     7,
     -EBADMSG,
     0,
     0,
     0,
     0,
     0,
     "negative message index -1 at byte 6"},
    {"overlong varint",
     {0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
     11,
     -EBADMSG,
     0,
     0,
     0,
     0,
     0,
     "message-index varint too long at byte 5"},
};

static void test_frame_cases(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof frame_cases / sizeof frame_cases[0]; i++) {
    const struct frame_case *c = &frame_cases[i];
    slp_sr_frame_t fr;
    char err[SLP_CODEC_ERR_LEN] = "";
    int rc = slp_sr_frame_parse(c->bytes, c->len, &fr, err, sizeof err);
    if (rc != c->rc)
      fail_msg("%s: rc %d, want %d (%s)", c->name, rc, c->rc, err);
    assert_true(fr.framed);
    if (rc == 0) {
      assert_int_equal(fr.schema_id, c->schema_id);
      assert_int_equal(fr.n_indexes, c->n_indexes);
      assert_int_equal(fr.indexes[0], c->idx0);
      if (c->n_indexes > 1)
        assert_int_equal(fr.indexes[1], c->idx1);
      assert_int_equal(fr.payload_offset, c->payload_offset);
    } else if (!strstr(err, c->err)) {
      fail_msg("%s: error \"%s\" lacks \"%s\"", c->name, err, c->err);
    }
  }
}

/* ---- protobuf decode ------------------------------------------------------------ */

static void test_decode_plain_and_framed(void **state) {
  (void)state;
  uint8_t buf[1024];
  size_t hdr = slp_sr_frame_write(42, buf);
  assert_int_equal(hdr, 6);
  size_t n = pack_sample(buf + hdr, sizeof buf - hdr);
  slp_decoder_t *dec = slp_decoder_new();
  slp_session_t s;
  char err[SLP_CODEC_ERR_LEN];
  for (int round = 0; round < 3; round++) { /* the arena is reused */
    assert_int_equal(slp_decode_session(dec, buf + hdr, n, &s, err, sizeof err), 0);
    assert_sample(&s);
    assert_int_equal(slp_decode_session(dec, buf, hdr + n, &s, err, sizeof err), 0);
    assert_sample(&s);
  }
  /* An empty message is valid: every field at its default, strings "". */
  assert_int_equal(slp_decode_session(dec, buf, 0, &s, err, sizeof err), 0);
  assert_string_equal(s.event_id, "");
  assert_string_equal(s.patient.patient_id, "");
  assert_false(s.has_plan_of_care);
  assert_int_equal(s.n_activities, 0);
  /* A frame naming another message of the schema. */
  uint8_t other[] = {0, 0, 0, 0, 1, 2, 2, 0x0a, 0x01, 'x'};
  assert_int_equal(slp_decode_session(dec, other, sizeof other, &s, err, sizeof err), -EBADMSG);
  assert_non_null(strstr(err, "not slpcoder.v1.SessionEvent"));
  slp_decoder_free(dec);
}

static const struct wire_case {
  const char *name;
  uint8_t bytes[16];
  size_t len;
  const char *err;
} wire_cases[] = {
    {"truncated string",
     {0x0a, 0x05, 'a', 'b'},
     4,
     "field \"event_id\": length 5 at byte 1 runs past the end (2 bytes left)"},
    {"wrong wire type",
     {0x08, 0x01},
     2,
     "field \"event_id\" (string) has wire type 0, expected 2, at byte 0"},
    {"field zero", {0x02, 0x00}, 2, "invalid field number 0 at byte 0"},
    {"truncated varint",
     {0x20, 0x80, 0x80},
     3,
     "field \"reported_at_ms\": truncated varint at byte 1"},
    {"nested truncated",
     {0x62, 0x04, 0x18, 0x80, 0x80, 0x80},
     6,
     "field \"activities[0].minutes\": truncated varint at byte 3"},
    {"group wire type", {0x0b}, 1, "field \"event_id\" (string) has wire type 3"},
    {"unknown group", {0xfb, 0x01}, 2, "field \"#31\": unsupported wire type 3 at byte 0"},
    {"truncated tag", {0x80}, 1, "truncated field tag at byte 0"},
    {"bad utf-8", {0x0a, 0x02, 0xc3, 0x28}, 4, "field \"event_id\": invalid UTF-8"},
    {"nested bad utf-8",
     {0x2a, 0x03, 0x0a, 0x01, 0xff},
     5,
     "field \"patient.patient_id\": invalid UTF-8"},
};

static void test_decode_errors(void **state) {
  (void)state;
  slp_decoder_t *dec = slp_decoder_new();
  for (size_t i = 0; i < sizeof wire_cases / sizeof wire_cases[0]; i++) {
    const struct wire_case *c = &wire_cases[i];
    slp_session_t s;
    char err[SLP_CODEC_ERR_LEN] = "";
    int rc = slp_decode_session(dec, c->bytes, c->len, &s, err, sizeof err);
    if (rc != -EBADMSG)
      fail_msg("%s: rc %d", c->name, rc);
    if (!strstr(err, c->err))
      fail_msg("%s: error \"%s\" lacks \"%s\"", c->name, err, c->err);
    assert_null(s.event_id);
  }
  /* Framed: offsets count from the start of the record. */
  uint8_t framed[] = {0, 0, 0, 0, 9, 0, 0x0a, 0x05, 'a'};
  slp_session_t s;
  char err[SLP_CODEC_ERR_LEN];
  assert_int_equal(slp_decode_session(dec, framed, sizeof framed, &s, err, sizeof err), -EBADMSG);
  assert_non_null(strstr(err, "length 5 at byte 7"));
  slp_decoder_free(dec);
}

/* xorshift64*: deterministic across runs and platforms. */
static uint64_t rng_next(uint64_t *x) {
  *x ^= *x >> 12;
  *x ^= *x << 25;
  *x ^= *x >> 27;
  return *x * 0x2545F4914F6CDD1DULL;
}

static void test_decode_fuzz(void **state) {
  (void)state;
  uint8_t sample[1024], buf[1100];
  size_t n = pack_sample(sample, sizeof sample);
  slp_decoder_t *dec = slp_decoder_new();
  uint64_t seed = 0x5eed1234abcdULL;
  unsigned ok = 0, bad = 0;
  for (int i = 0; i < 20000; i++) {
    size_t len;
    uint64_t r = rng_next(&seed);
    if (r % 3 == 0) { /* pure noise, sometimes with the magic byte */
      len = rng_next(&seed) % 64;
      for (size_t k = 0; k < len; k++)
        buf[k] = (uint8_t)rng_next(&seed);
    } else { /* mutations of a valid message: flips, truncation, framing */
      size_t off = r % 2 ? slp_sr_frame_write((uint32_t)r, buf) : 0;
      memcpy(buf + off, sample, n);
      len = off + n;
      for (int m = (int)(rng_next(&seed) % 4); m >= 0; m--)
        buf[rng_next(&seed) % len] ^= (uint8_t)(1u << (rng_next(&seed) % 8));
      if (rng_next(&seed) % 4 == 0)
        len = rng_next(&seed) % (len + 1);
    }
    slp_session_t s;
    char err[SLP_CODEC_ERR_LEN];
    char *json = NULL;
    if (slp_decode_session(dec, buf, len, &s, err, sizeof err) == 0) {
      ok++;
      for (size_t a = 0; a < s.n_activities; a++)
        (void)s.activities[a].minutes;
      for (size_t d = 0; d < s.n_diagnoses; d++)
        assert_non_null(s.diagnoses[d]);
    } else {
      bad++;
      assert_true(strlen(err) > 0);
      assert_null(strchr(err, '\n'));
    }
    /* The JSON decoder gets the same bytes. */
    if (slp_decode_session_json(dec, (const char *)buf, len, &s, err, sizeof err) != 0)
      assert_true(strlen(err) > 0);
    free(json);
  }
  assert_true(ok > 100 && bad > 100);
  slp_decoder_free(dec);
}

/* ---- JSON in ---------------------------------------------------------------------- */

static const char sample_json[] =
    "{\"eventId\": \"ev-1\", \"encounter_id\": \"enc-1\", \"organizationId\": \"org-1\",\n"
    " \"reportedAtMs\": \"1770000000000\",\n"
    " \"patient\": {\"patientId\": \"P-1\", \"birthDate\": \"1950-02-03\", \"member_id\": "
    "\"M-9\"},\n"
    " \"coverage\": {\"payerKind\": \"MEDICARE_PART_B\", \"payerId\": \"MCR-JH\",\n"
    "              \"ytdTherapyAllowedCents\": 123456789012, \"visitsThisYear\": \"7\"},\n"
    " \"renderingProvider\": {\"npi\": \"1234567893\", \"credential\": 1, \"taxonomy\": "
    "\"235Z00000X\"},\n"
    " \"billingNpi\": \"1245319599\", \"dateOfService\": \"2026-02-01\", \"placeOfService\": "
    "\"11\",\n"
    " \"delivery\": \"IN_PERSON\",\n"
    " \"activities\": [{\"kind\": \"TREATMENT\", \"area\": \"LANGUAGE\", \"minutes\": 30, "
    "\"groupSize\": null},\n"
    "                {\"kind\": \"EVALUATION\", \"area\": 42, \"minutes\": 15.0, \"group_size\": "
    "3,\n"
    "                 \"distinctEncounter\": true}],\n"
    " \"diagnoses\": [\"F80.0\", \"r47.01\"],\n"
    " \"planOfCare\": {\"startDate\": \"2026-01-05\", \"certifiedDate\": \"2026-01-07\", "
    "\"endDate\": \"2026-03-31\",\n"
    "                \"referralOnFile\": true, \"treatmentDaysSinceProgressReport\": 4,\n"
    "                \"progressReportThisVisit\": false},\n"
    " \"documentation\": {\"goals\": true, \"techniques\": true, \"progress\": true},\n"
    " \"priorAuthorization\": \"PA-77\"}\n";

static void test_json_decode(void **state) {
  (void)state;
  slp_decoder_t *dec = slp_decoder_new();
  slp_session_t s;
  char err[SLP_CODEC_ERR_LEN] = "";
  int rc = slp_decode_session_json(dec, sample_json, strlen(sample_json), &s, err, sizeof err);
  if (rc)
    fail_msg("%s", err);
  assert_sample(&s);
  slp_decoder_free(dec);
}

static const struct json_err_case {
  const char *json;
  const char *err;
} json_err_cases[] = {
    {"{\"activities\": [{\"minutes\": \"ten\"}]}",
     "field \"activities[0].minutes\": expected an integer (uint32), got a string that is not an "
     "integer"},
    {"{\"activities\": [{}, {\"minutes\": true}]}",
     "field \"activities[1].minutes\": expected an integer (uint32), got a boolean"},
    {"{\"activities\": [{\"minutes\": -1}]}",
     "field \"activities[0].minutes\": expected an integer (uint32), got a number out of its "
     "range"},
    {"{\"activities\": [{\"minutes\": 4294967296}]}", "(uint32), got a number out of its range"},
    {"{\"activities\": [{\"minutes\": 1.5}]}",
     "field \"activities[0].minutes\": expected an integer (uint32), got a fractional number"},
    {"{\"activities\": {\"minutes\": 1}}",
     "field \"activities\": expected an array, got an object"},
    {"{\"activities\": [null]}", "field \"activities[0]\": null is not allowed in a list"},
    {"{\"eventID\": \"x\"}", "field \"eventID\": no such field in slpcoder.v1.SessionEvent"},
    {"{\"patient\": {\"name\": \"x\"}}",
     "field \"patient.name\": no such field in slpcoder.v1.Patient"},
    {"{\"eventId\": 5}", "field \"eventId\": expected a string, got a number"},
    {"{\"eventId\": \"a\", \"event_id\": \"b\"}", "field \"event_id\": given twice"},
    {"{\"delivery\": \"VIDEO\"}",
     "field \"delivery\": expected a slpcoder.v1.Delivery name, got a name it does not have"},
    {"{\"delivery\": true}",
     "field \"delivery\": expected a slpcoder.v1.Delivery name, got a boolean"},
    {"{\"reportedAtMs\": \"12x\"}",
     "field \"reportedAtMs\": expected an integer (int64), got a string that is not an integer"},
    {"{\"reportedAtMs\": \"99999999999999999999\"}", "(int64), got a number out of its range"},
    {"{\"documentation\": {\"goals\": 1}}",
     "field \"documentation.goals\": expected true or false (bool), got a number"},
    {"{\"patient\": []}", "field \"patient\": expected an object, got an array"},
    {"[]", "expected a JSON object for slpcoder.v1.SessionEvent, got an array"},
    {"{\"eventId\": \"a\",}", "JSON: line 1 column 17"},
    {"", "JSON: line 1 column 0"},
    {"{\"eventId\": \"a\"} x", "JSON: line 1"},
    {"{\"eventId\": \"a\\u0000b\"}", "field \"eventId\": contains a NUL character"},
    {"{\"a\": 1, \"a\": 2}", "JSON: line 1"},
};

/* A value in the wrong place may be a patient identifier: an error names the field and the
 * type it wanted, and never echoes the value (jansson's own "near '...'" included). */
static const char *const json_secret_cases[] = {
    "{\"activities\": [{\"minutes\": \"PAT-SECRET-7\"}]}",
    "{\"reportedAtMs\": \"PAT-SECRET-7\"}",
    "{\"reportedAtMs\": \"-99999999999999999999PAT-SECRET-7\"}",
    "{\"activities\": [{\"minutes\": \"-7\"}], \"x\": \"PAT-SECRET-7\"}",
    "{\"delivery\": \"PAT-SECRET-7\"}",
    "{\"activities\": [{\"area\": \"PAT-SECRET-7\"}]}",
    "{\"eventId\": PAT-SECRET-7}",
    "{\"eventId\": \"a\", \"encounterId\": \"PAT-SECRET-7\" \"x\"}",
    "{\"activities\": [{\"minutes\": 1.25e2}], \"x\": 1}",
};

static void test_json_errors_never_echo_values(void **state) {
  (void)state;
  slp_decoder_t *dec = slp_decoder_new();
  for (size_t i = 0; i < sizeof json_secret_cases / sizeof json_secret_cases[0]; i++) {
    const char *json = json_secret_cases[i];
    slp_session_t s;
    char err[SLP_CODEC_ERR_LEN] = "";
    int rc = slp_decode_session_json(dec, json, strlen(json), &s, err, sizeof err);
    if (rc != -EBADMSG)
      fail_msg("%s: rc %d", json, rc);
    if (strstr(err, "SECRET") || strstr(err, "1.25") || strstr(err, "125"))
      fail_msg("%s: error \"%s\" echoes the value", json, err);
    if (!strstr(err, "field \"") && !strstr(err, "JSON: line 1 column"))
      fail_msg("%s: error \"%s\" says neither which field nor where", json, err);
  }
  slp_decoder_free(dec);
}

static void test_json_decode_errors(void **state) {
  (void)state;
  slp_decoder_t *dec = slp_decoder_new();
  for (size_t i = 0; i < sizeof json_err_cases / sizeof json_err_cases[0]; i++) {
    const struct json_err_case *c = &json_err_cases[i];
    slp_session_t s;
    char err[SLP_CODEC_ERR_LEN] = "";
    int rc = slp_decode_session_json(dec, c->json, strlen(c->json), &s, err, sizeof err);
    if (rc != -EBADMSG)
      fail_msg("%s: rc %d", c->json, rc);
    if (!strstr(err, c->err))
      fail_msg("%s: error \"%s\" lacks \"%s\"", c->json, err, c->err);
  }
  slp_decoder_free(dec);
}

static void test_json_fuzz(void **state) {
  (void)state;
  size_t n = strlen(sample_json);
  char *buf = malloc(n + 1);
  slp_decoder_t *dec = slp_decoder_new();
  uint64_t seed = 0xfeedfacecafeULL;
  static const char alphabet[] = "{}[]\",:0123456789-.eEtruefalsn \\";
  unsigned ok = 0;
  for (int i = 0; i < 5000; i++) {
    memcpy(buf, sample_json, n + 1);
    for (int m = (int)(rng_next(&seed) % 3); m >= 0; m--)
      buf[rng_next(&seed) % n] = alphabet[rng_next(&seed) % (sizeof alphabet - 1)];
    size_t len = rng_next(&seed) % 8 == 0 ? rng_next(&seed) % (n + 1) : n;
    slp_session_t s;
    char err[SLP_CODEC_ERR_LEN];
    if (slp_decode_session_json(dec, buf, len, &s, err, sizeof err) == 0)
      ok++;
    else if (!(strlen(err) > 0 && !strchr(err, '\n')))
      fail_msg("bad error text: [%s]", err);
  }
  assert_true(ok > 0);
  free(buf);
  slp_decoder_free(dec);
}

/* ---- encode + JSON out ------------------------------------------------------------- */

static void sample_result(slp_result_t *r, bool rejected) {
  memset(r, 0, sizeof *r);
  r->rejected = rejected;
  r->rules_version = "2026.1+abcdef012345";
  if (rejected) {
    r->n_findings = 2;
    r->findings[0] = (slp_finding_t){"provider.npi",
                                     SLP_ERROR,
                                     "CO",
                                     "16",
                                     "N290",
                                     "rendering_provider.npi",
                                     "The rendering NPI fails the check digit."};
    r->findings[1] = (slp_finding_t){"progress_report.due", SLP_WARNING,    "", "", "",
                                     "plan_of_care",        "Due \"soon\"."};
    return;
  }
  strcpy(r->diagnoses[0], "F800");
  strcpy(r->diagnoses[1], "R4701");
  r->n_diagnoses = 2;
  slp_line_t *l = &r->lines[0];
  l->line_number = 1;
  strcpy(l->procedure_code, "92507");
  l->modifiers[0] = "GN";
  l->modifiers[1] = "KX";
  l->n_modifiers = 2;
  l->units = 1;
  l->diagnosis_pointers[0] = 1;
  l->diagnosis_pointers[1] = 2;
  l->n_diagnosis_pointers = 2;
  l->charge_cents = 15000;
  l->minutes = 30;
  l->rule_ids[0] = "code.assign";
  l->n_rule_ids = 1;
  r->n_lines = 1;
  r->total_charge_cents = 15000;
  r->expected_allowed_cents = 9876543210LL;
  r->n_findings = 1;
  r->findings[0] =
      (slp_finding_t){"medicare.kx_applied", SLP_INFO, "", "", "", "coverage", "KX applied."};
}

static const char claim_json[] = "{\n"
                                 "  \"claim\": {\n"
                                 "    \"eventId\": \"ev-1\",\n"
                                 "    \"encounterId\": \"enc-1\",\n"
                                 "    \"organizationId\": \"org-1\",\n"
                                 "    \"patientId\": \"P-1\",\n"
                                 "    \"payerKind\": \"MEDICARE_PART_B\",\n"
                                 "    \"payerId\": \"MCR-JH\",\n"
                                 "    \"renderingNpi\": \"1234567893\",\n"
                                 "    \"billingNpi\": \"1245319599\",\n"
                                 "    \"dateOfService\": \"2026-02-01\",\n"
                                 "    \"placeOfService\": \"11\",\n"
                                 "    \"diagnoses\": [\n"
                                 "      \"F800\",\n"
                                 "      \"R4701\"\n"
                                 "    ],\n"
                                 "    \"lines\": [\n"
                                 "      {\n"
                                 "        \"lineNumber\": 1,\n"
                                 "        \"procedureCode\": \"92507\",\n"
                                 "        \"modifiers\": [\n"
                                 "          \"GN\",\n"
                                 "          \"KX\"\n"
                                 "        ],\n"
                                 "        \"units\": 1,\n"
                                 "        \"diagnosisPointers\": [\n"
                                 "          1,\n"
                                 "          2\n"
                                 "        ],\n"
                                 "        \"chargeCents\": \"15000\",\n"
                                 "        \"minutes\": 30,\n"
                                 "        \"ruleIds\": [\n"
                                 "          \"code.assign\"\n"
                                 "        ]\n"
                                 "      }\n"
                                 "    ],\n"
                                 "    \"totalChargeCents\": \"15000\",\n"
                                 "    \"expectedAllowedCents\": \"9876543210\",\n"
                                 "    \"findings\": [\n"
                                 "      {\n"
                                 "        \"ruleId\": \"medicare.kx_applied\",\n"
                                 "        \"severity\": \"INFO\",\n"
                                 "        \"field\": \"coverage\",\n"
                                 "        \"message\": \"KX applied.\"\n"
                                 "      }\n"
                                 "    ],\n"
                                 "    \"rulesVersion\": \"2026.1+abcdef012345\",\n"
                                 "    \"priorAuthorization\": \"PA-77\"\n"
                                 "  }\n"
                                 "}\n";

static const char rejection_json[] =
    "{\n"
    "  \"rejection\": {\n"
    "    \"eventId\": \"ev-1\",\n"
    "    \"encounterId\": \"enc-1\",\n"
    "    \"organizationId\": \"org-1\",\n"
    "    \"findings\": [\n"
    "      {\n"
    "        \"ruleId\": \"provider.npi\",\n"
    "        \"severity\": \"ERROR\",\n"
    "        \"groupCode\": \"CO\",\n"
    "        \"carc\": \"16\",\n"
    "        \"rarc\": \"N290\",\n"
    "        \"field\": \"rendering_provider.npi\",\n"
    "        \"message\": \"The rendering NPI fails the check digit.\"\n"
    "      },\n"
    "      {\n"
    "        \"ruleId\": \"progress_report.due\",\n"
    "        \"severity\": \"WARNING\",\n"
    "        \"field\": \"plan_of_care\",\n"
    "        \"message\": \"Due \\\"soon\\\".\"\n"
    "      }\n"
    "    ],\n"
    "    \"rulesVersion\": \"2026.1+abcdef012345\"\n"
    "  }\n"
    "}\n";

static void test_encode_json(void **state) {
  (void)state;
  slp_decoder_t *dec = slp_decoder_new();
  slp_session_t s;
  char err[SLP_CODEC_ERR_LEN];
  assert_int_equal(
      slp_decode_session_json(dec, sample_json, strlen(sample_json), &s, err, sizeof err), 0);
  slp_result_t *r = malloc(sizeof *r);
  sample_result(r, false);
  char *j = slp_encode_coding_result_json(&s, r);
  assert_string_equal(j, claim_json);
  free(j);
  sample_result(r, true);
  j = slp_encode_coding_result_json(&s, r);
  assert_string_equal(j, rejection_json);
  free(j);
  free(r);
  slp_decoder_free(dec);
}

static void test_encode_pb(void **state) {
  (void)state;
  slp_decoder_t *dec = slp_decoder_new();
  slp_session_t s;
  char err[SLP_CODEC_ERR_LEN];
  assert_int_equal(
      slp_decode_session_json(dec, sample_json, strlen(sample_json), &s, err, sizeof err), 0);
  slp_result_t *r = malloc(sizeof *r);
  sample_result(r, false);
  uint8_t buf[2048];
  size_t needed = 0;
  assert_int_equal(slp_encode_result(&s, r, buf, 10, &needed), -ENOSPC);
  assert_true(needed > 10);
  ptrdiff_t n = slp_encode_result(&s, r, buf, sizeof buf, NULL);
  assert_int_equal((size_t)n, needed);
  Slpcoder__V1__CodedClaim *c = slpcoder__v1__coded_claim__unpack(NULL, (size_t)n, buf);
  assert_non_null(c);
  assert_string_equal(c->event_id, "ev-1");
  assert_string_equal(c->patient_id, "P-1");
  assert_int_equal(c->payer_kind, SLPCODER__V1__PAYER_KIND__MEDICARE_PART_B);
  assert_string_equal(c->rendering_npi, "1234567893");
  assert_string_equal(c->prior_authorization, "PA-77");
  assert_int_equal(c->n_lines, 1);
  assert_string_equal(c->lines[0]->modifiers[1], "KX");
  assert_int_equal(c->lines[0]->diagnosis_pointers[1], 2);
  assert_int_equal(c->expected_allowed_cents, 9876543210LL);
  assert_string_equal(c->rules_version, "2026.1+abcdef012345");
  slpcoder__v1__coded_claim__free_unpacked(c, NULL);

  n = slp_encode_coding_result(&s, r, buf, sizeof buf, NULL);
  Slpcoder__V1__CodingResult *w = slpcoder__v1__coding_result__unpack(NULL, (size_t)n, buf);
  assert_non_null(w);
  assert_int_equal(w->result_case, SLPCODER__V1__CODING_RESULT__RESULT_CLAIM);
  assert_string_equal(w->claim->diagnoses[1], "R4701");
  slpcoder__v1__coding_result__free_unpacked(w, NULL);

  sample_result(r, true);
  n = slp_encode_result(&s, r, buf, sizeof buf, NULL);
  Slpcoder__V1__Rejection *rej = slpcoder__v1__rejection__unpack(NULL, (size_t)n, buf);
  assert_non_null(rej);
  assert_int_equal(rej->n_findings, 2);
  assert_string_equal(rej->findings[0]->rarc, "N290");
  assert_int_equal(rej->findings[0]->severity, SLPCODER__V1__SEVERITY__ERROR);
  slpcoder__v1__rejection__free_unpacked(rej, NULL);
  free(r);
  slp_decoder_free(dec);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_frame_plain),
      cmocka_unit_test(test_frame_cases),
      cmocka_unit_test(test_decode_plain_and_framed),
      cmocka_unit_test(test_decode_errors),
      cmocka_unit_test(test_decode_fuzz),
      cmocka_unit_test(test_json_decode),
      cmocka_unit_test(test_json_decode_errors),
      cmocka_unit_test(test_json_errors_never_echo_values),
      cmocka_unit_test(test_encode_json),
      cmocka_unit_test(test_encode_pb),
      cmocka_unit_test(test_json_fuzz),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
