/* SPDX-License-Identifier: Apache-2.0 */
/* encode.c -- (session, result) into CodedClaim, Rejection or CodingResult, packed or JSON.
 *
 * The protobuf-c structs are built on the stack and point straight into the
 * session and the result (no copies, no heap); packing walks them once for
 * the size and once to write.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "codec/codec_internal.h"
#include "codec/pbjson.h"

typedef struct out_msgs {
  Slpcoder__V1__CodedClaim claim;
  Slpcoder__V1__Rejection rejection;
  Slpcoder__V1__CodingResult wrapper;
  Slpcoder__V1__ClaimLine lines[SLP_MAX_LINES];
  Slpcoder__V1__ClaimLine *line_ptrs[SLP_MAX_LINES];
  Slpcoder__V1__Finding findings[SLP_MAX_FINDINGS];
  Slpcoder__V1__Finding *finding_ptrs[SLP_MAX_FINDINGS];
  char *diagnoses[SLP_MAX_DIAGNOSES];
} out_msgs_t;

/* protobuf-c's structs hold char *; we only ever read through them. */
static char *s_(const char *s) {
  return (char *)(s ? s : "");
}

static void build_findings(out_msgs_t *m, const slp_result_t *r, size_t *n_out) {
  size_t n = r->n_findings < SLP_MAX_FINDINGS ? r->n_findings : SLP_MAX_FINDINGS;
  for (size_t i = 0; i < n; i++) {
    const slp_finding_t *in = &r->findings[i];
    Slpcoder__V1__Finding *f = &m->findings[i];
    slpcoder__v1__finding__init(f);
    f->rule_id = s_(in->rule_id);
    f->severity = (Slpcoder__V1__Severity)in->severity;
    f->group_code = s_(in->group_code);
    f->carc = s_(in->carc);
    f->rarc = s_(in->rarc);
    f->field = s_(in->field);
    f->message = s_(in->message);
    m->finding_ptrs[i] = f;
  }
  *n_out = n;
}

/* A Rejection's identifier, or "" when it is longer than SLP_MAX_ID_LEN: such a session is
 * rejected with event.invalid for that very field, and echoing the value would let one input
 * make a Rejection larger than the output topic takes. Omitted rather than truncated: a cut id
 * could match another event's. A CodedClaim never needs this (the engine rejects first). */
static char *id_(const char *s) {
  return s && strnlen(s, SLP_MAX_ID_LEN + 1) <= SLP_MAX_ID_LEN ? (char *)s : (char *)"";
}

/* Fill m and return the message result becomes (claim or rejection). */
static ProtobufCMessage *build(out_msgs_t *m, const slp_session_t *s, const slp_result_t *r) {
  if (r->rejected) {
    Slpcoder__V1__Rejection *rej = &m->rejection;
    slpcoder__v1__rejection__init(rej);
    rej->event_id = id_(s->event_id);
    rej->encounter_id = id_(s->encounter_id);
    rej->organization_id = id_(s->organization_id);
    build_findings(m, r, &rej->n_findings);
    rej->findings = m->finding_ptrs;
    rej->rules_version = s_(r->rules_version);
    return &rej->base;
  }
  Slpcoder__V1__CodedClaim *c = &m->claim;
  slpcoder__v1__coded_claim__init(c);
  c->event_id = s_(s->event_id);
  c->encounter_id = s_(s->encounter_id);
  c->organization_id = s_(s->organization_id);
  c->patient_id = s_(s->patient.patient_id);
  c->payer_kind = (Slpcoder__V1__PayerKind)s->coverage.payer_kind;
  c->payer_id = s_(s->coverage.payer_id);
  c->rendering_npi = s_(s->rendering_provider.npi);
  c->billing_npi = s_(s->billing_npi);
  c->date_of_service = s_(s->date_of_service);
  c->place_of_service = s_(s->place_of_service);
  size_t nd = r->n_diagnoses < SLP_MAX_DIAGNOSES ? r->n_diagnoses : SLP_MAX_DIAGNOSES;
  for (size_t i = 0; i < nd; i++)
    m->diagnoses[i] = (char *)r->diagnoses[i];
  c->n_diagnoses = nd;
  c->diagnoses = m->diagnoses;
  size_t nl = r->n_lines < SLP_MAX_LINES ? r->n_lines : SLP_MAX_LINES;
  for (size_t i = 0; i < nl; i++) {
    const slp_line_t *in = &r->lines[i];
    Slpcoder__V1__ClaimLine *l = &m->lines[i];
    slpcoder__v1__claim_line__init(l);
    l->line_number = in->line_number;
    l->procedure_code = (char *)in->procedure_code;
    l->n_modifiers = in->n_modifiers < SLP_MAX_MODIFIERS ? in->n_modifiers : SLP_MAX_MODIFIERS;
    l->modifiers = (char **)in->modifiers;
    l->units = in->units;
    l->n_diagnosis_pointers =
        in->n_diagnosis_pointers < SLP_MAX_POINTERS ? in->n_diagnosis_pointers : SLP_MAX_POINTERS;
    l->diagnosis_pointers = (uint32_t *)in->diagnosis_pointers;
    l->charge_cents = in->charge_cents;
    l->allowed_cents = in->allowed_cents;
    l->minutes = in->minutes;
    l->n_rule_ids = in->n_rule_ids < SLP_MAX_LINE_RULES ? in->n_rule_ids : SLP_MAX_LINE_RULES;
    l->rule_ids = (char **)in->rule_ids;
    m->line_ptrs[i] = l;
  }
  c->n_lines = nl;
  c->lines = m->line_ptrs;
  c->total_charge_cents = r->total_charge_cents;
  c->expected_allowed_cents = r->expected_allowed_cents;
  build_findings(m, r, &c->n_findings);
  c->findings = m->finding_ptrs;
  c->rules_version = s_(r->rules_version);
  c->prior_authorization = s_(s->prior_authorization);
  return &c->base;
}

static ProtobufCMessage *wrap(out_msgs_t *m, ProtobufCMessage *inner, bool rejected) {
  slpcoder__v1__coding_result__init(&m->wrapper);
  if (rejected) {
    m->wrapper.result_case = SLPCODER__V1__CODING_RESULT__RESULT_REJECTION;
    m->wrapper.rejection = (Slpcoder__V1__Rejection *)inner;
  } else {
    m->wrapper.result_case = SLPCODER__V1__CODING_RESULT__RESULT_CLAIM;
    m->wrapper.claim = (Slpcoder__V1__CodedClaim *)inner;
  }
  return &m->wrapper.base;
}

static ptrdiff_t pack(const ProtobufCMessage *msg, uint8_t *buf, size_t cap, size_t *needed) {
  size_t n = protobuf_c_message_get_packed_size(msg);
  if (needed)
    *needed = n;
  if (n > cap)
    return -ENOSPC;
  return (ptrdiff_t)protobuf_c_message_pack(msg, buf);
}

ptrdiff_t slp_encode_result(const slp_session_t *session, const slp_result_t *result, uint8_t *buf,
                            size_t cap, size_t *needed) {
  out_msgs_t m;
  return pack(build(&m, session, result), buf, cap, needed);
}

ptrdiff_t slp_encode_coding_result(const slp_session_t *session, const slp_result_t *result,
                                   uint8_t *buf, size_t cap, size_t *needed) {
  out_msgs_t m;
  return pack(wrap(&m, build(&m, session, result), result->rejected), buf, cap, needed);
}

static char *json_text(json_t *j) {
  if (!j)
    return NULL;
  char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(j);
  if (!text)
    return NULL;
  size_t n = strlen(text);
  char *out = realloc(text, n + 2);
  if (!out) {
    free(text);
    return NULL;
  }
  out[n] = '\n';
  out[n + 1] = '\0';
  return out;
}

char *slp_encode_coding_result_json(const slp_session_t *session, const slp_result_t *result) {
  out_msgs_t m;
  return json_text(slp_pbjson_from_message(wrap(&m, build(&m, session, result), result->rejected)));
}

char *slp_packed_result_json(const uint8_t *bytes, size_t len, bool rejected) {
  const ProtobufCMessageDescriptor *d =
      rejected ? &slpcoder__v1__rejection__descriptor : &slpcoder__v1__coded_claim__descriptor;
  ProtobufCMessage *inner = protobuf_c_message_unpack(d, NULL, len, bytes);
  if (!inner)
    return NULL;
  out_msgs_t m;
  char *text = json_text(slp_pbjson_from_message(wrap(&m, inner, rejected)));
  protobuf_c_message_free_unpacked(inner, NULL);
  return text;
}
