/* SPDX-License-Identifier: Apache-2.0 */
/* decode.c -- SessionEvent bytes (plain or Schema Registry framed) into an slp_session_t. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec_internal.h"
#include "codec/pbjson.h"

#define DECODER_ARENA_START 4096

slp_decoder_t *slp_decoder_new(void) {
  slp_decoder_t *dec = calloc(1, sizeof *dec);
  if (!dec)
    return NULL;
  if (slp_arena_init(&dec->arena, DECODER_ARENA_START) < 0) {
    free(dec);
    return NULL;
  }
  return dec;
}

void slp_decoder_free(slp_decoder_t *dec) {
  if (!dec)
    return;
  slp_arena_destroy(&dec->arena);
  free(dec->activities);
  free(dec);
}

static const char *str_or_empty(const char *s) {
  return s ? s : "";
}

int slp_codec_session_from_event(slp_decoder_t *dec, const Slpcoder__V1__SessionEvent *ev,
                                 slp_session_t *s, char *err, size_t errlen) {
  memset(s, 0, sizeof *s);
  s->event_id = str_or_empty(ev->event_id);
  s->encounter_id = str_or_empty(ev->encounter_id);
  s->organization_id = str_or_empty(ev->organization_id);
  s->reported_at_ms = ev->reported_at_ms;

  const Slpcoder__V1__Patient *pt = ev->patient;
  s->patient.patient_id = pt ? str_or_empty(pt->patient_id) : "";
  s->patient.birth_date = pt ? str_or_empty(pt->birth_date) : "";
  s->patient.member_id = pt ? str_or_empty(pt->member_id) : "";

  const Slpcoder__V1__Coverage *cov = ev->coverage;
  s->coverage.payer_kind = cov ? (int32_t)cov->payer_kind : 0;
  s->coverage.payer_id = cov ? str_or_empty(cov->payer_id) : "";
  s->coverage.ytd_therapy_allowed_cents = cov ? cov->ytd_therapy_allowed_cents : 0;
  s->coverage.visits_this_year = cov ? cov->visits_this_year : 0;

  const Slpcoder__V1__Provider *rp = ev->rendering_provider;
  s->rendering_provider.npi = rp ? str_or_empty(rp->npi) : "";
  s->rendering_provider.credential = rp ? (int32_t)rp->credential : 0;
  s->rendering_provider.taxonomy = rp ? str_or_empty(rp->taxonomy) : "";

  s->billing_npi = str_or_empty(ev->billing_npi);
  s->date_of_service = str_or_empty(ev->date_of_service);
  s->place_of_service = str_or_empty(ev->place_of_service);
  s->delivery = (int32_t)ev->delivery;

  if (ev->n_activities > dec->activities_cap) {
    size_t cap = dec->activities_cap ? dec->activities_cap : 8;
    while (cap < ev->n_activities)
      cap *= 2;
    slp_activity_t *a = realloc(dec->activities, cap * sizeof *a);
    if (!a) {
      snprintf(err, errlen, "out of memory for %zu activities", ev->n_activities);
      return -ENOMEM;
    }
    dec->activities = a;
    dec->activities_cap = cap;
  }
  for (size_t i = 0; i < ev->n_activities; i++) {
    const Slpcoder__V1__Activity *in = ev->activities[i];
    slp_activity_t *out = &dec->activities[i];
    out->kind = (int32_t)in->kind;
    out->area = (int32_t)in->area;
    out->minutes = in->minutes;
    out->group_size = in->group_size;
    out->distinct_encounter = in->distinct_encounter != 0;
  }
  s->activities = dec->activities;
  s->n_activities = ev->n_activities;

  s->diagnoses = (const char *const *)ev->diagnoses;
  s->n_diagnoses = ev->n_diagnoses;

  const Slpcoder__V1__PlanOfCare *poc = ev->plan_of_care;
  s->has_plan_of_care = poc != NULL;
  s->plan_of_care.start_date = poc ? str_or_empty(poc->start_date) : "";
  s->plan_of_care.certified_date = poc ? str_or_empty(poc->certified_date) : "";
  s->plan_of_care.end_date = poc ? str_or_empty(poc->end_date) : "";
  s->plan_of_care.referral_on_file = poc && poc->referral_on_file;
  s->plan_of_care.treatment_days_since_progress_report =
      poc ? poc->treatment_days_since_progress_report : 0;
  s->plan_of_care.progress_report_this_visit = poc && poc->progress_report_this_visit;

  const Slpcoder__V1__Documentation *doc = ev->documentation;
  s->documentation.goals = doc && doc->goals;
  s->documentation.techniques = doc && doc->techniques;
  s->documentation.progress = doc && doc->progress;
  s->documentation.medical_necessity = doc && doc->medical_necessity;
  s->documentation.abn_on_file = doc && doc->abn_on_file;

  s->prior_authorization = str_or_empty(ev->prior_authorization);
  return 0;
}

/* proto3 strings must be UTF-8; protobuf-c does not check. On the hot path this
 * only scans bytes; the field path is spelled out only for the error message. */
typedef struct utf8_frame {
  const char *name; /* field name */
  long index;       /* element index, -1 for a singular field */
} utf8_frame_t;

static int check_utf8(const ProtobufCMessage *msg, utf8_frame_t *stack, int depth, char *err,
                      size_t errlen) {
  const ProtobufCMessageDescriptor *desc = msg->descriptor;
  if (depth >= 32)
    return 0; /* unpack already bounds nesting */
  for (unsigned i = 0; i < desc->n_fields; i++) {
    const ProtobufCFieldDescriptor *f = &desc->fields[i];
    if (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)
      continue;
    const char *member = (const char *)msg + f->offset;
    size_t n = 1;
    void *const *items = (void *const *)member;
    bool repeated = f->label == PROTOBUF_C_LABEL_REPEATED;
    if (repeated) {
      n = *(const size_t *)((const char *)msg + f->quantifier_offset);
      items = *(void *const *const *)member;
    } else if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
               *(const uint32_t *)((const char *)msg + f->quantifier_offset) != f->id) {
      continue;
    }
    for (size_t k = 0; k < n; k++) {
      const void *item = items[k];
      if (!item)
        continue;
      stack[depth].name = f->name;
      stack[depth].index = repeated ? (long)k : -1;
      if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
        if (check_utf8(item, stack, depth + 1, err, errlen) < 0)
          return -1;
        continue;
      }
      const unsigned char *p = item;
      while (*p && *p < 0x80)
        p++; /* ASCII fast path */
      if (!*p || slp_utf8_valid((const char *)p, strlen((const char *)p)))
        continue;
      char path[192];
      size_t used = 0;
      path[0] = '\0';
      for (int d = 0; d <= depth && used < sizeof path; d++) {
        int w = stack[d].index < 0
                    ? snprintf(path + used, sizeof path - used, "%s%s", d ? "." : "", stack[d].name)
                    : snprintf(path + used, sizeof path - used, "%s%s[%ld]", d ? "." : "",
                               stack[d].name, stack[d].index);
        if (w < 0)
          break;
        used += (size_t)w;
      }
      snprintf(err, errlen, "protobuf: field \"%s\": invalid UTF-8", path);
      return -1;
    }
  }
  return 0;
}

int slp_decode_session(slp_decoder_t *dec, const uint8_t *buf, size_t len, slp_session_t *session,
                       char *err, size_t errlen) {
  memset(session, 0, sizeof *session);
  if (errlen)
    err[0] = '\0';
  dec->event = NULL;
  slp_arena_reset(&dec->arena);

  slp_sr_frame_t frame;
  int rc = slp_sr_frame_parse(buf, len, &frame, err, errlen);
  if (rc < 0)
    return rc;
  if (frame.framed && !(frame.n_indexes == 1 && frame.indexes[0] == 0)) {
    snprintf(err, errlen,
             "schema registry frame: message index path names message %d (depth %u) of the schema, "
             "not slpcoder.v1.SessionEvent (index 0)",
             frame.indexes[0], frame.n_indexes);
    return -EBADMSG;
  }
  const uint8_t *payload = buf + frame.payload_offset;
  size_t plen = len - frame.payload_offset;

  Slpcoder__V1__SessionEvent *ev =
      slpcoder__v1__session_event__unpack(&dec->arena.pa, plen, payload);
  if (!ev) {
    slp_codec_explain_wire(&slpcoder__v1__session_event__descriptor, payload, plen,
                           frame.payload_offset, err, errlen);
    return -EBADMSG;
  }
  utf8_frame_t stack[32];
  if (check_utf8(&ev->base, stack, 0, err, errlen) < 0)
    return -EBADMSG;
  dec->event = ev;
  rc = slp_codec_session_from_event(dec, ev, session, err, errlen);
  if (rc < 0)
    memset(session, 0, sizeof *session);
  return rc;
}
