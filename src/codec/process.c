/* SPDX-License-Identifier: Apache-2.0 */
/* process.c -- one Kafka payload in: decode, code, encode; one output out (for the daemon). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec_internal.h"

struct slp_processor {
  slp_decoder_t *dec;
  slp_session_t session;
  slp_result_t result;
  uint8_t *buf; /* packed output, grown on demand */
  size_t cap;
};

slp_processor_t *slp_processor_new(void) {
  slp_processor_t *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->dec = slp_decoder_new();
  p->cap = 4096;
  p->buf = malloc(p->cap);
  if (!p->dec || !p->buf) {
    slp_processor_free(p);
    return NULL;
  }
  return p;
}

void slp_processor_free(slp_processor_t *p) {
  if (!p)
    return;
  slp_decoder_free(p->dec);
  free(p->buf);
  free(p);
}

const slp_result_t *slp_processor_result(const slp_processor_t *p) {
  return &p->result;
}

const slp_session_t *slp_processor_session(const slp_processor_t *p) {
  return &p->session;
}

int slp_process_payload(slp_processor_t *p, const slp_rules_t *rules, const uint8_t *payload,
                        size_t len, slp_processed_t *out) {
  memset(out, 0, offsetof(slp_processed_t, error));
  out->error[0] = '\0';
  out->event_id = "";
  out->rules_version = slp_rules_version(rules);
  int rc = slp_decode_session(p->dec, payload, len, &p->session, out->error, sizeof out->error);
  if (rc == -ENOMEM)
    return rc;
  if (rc < 0) {
    out->kind = SLP_OUTPUT_UNDECODABLE;
    out->bytes = payload;
    out->len = len;
    return 0;
  }
  out->event_id = p->session.event_id;
  if (slp_engine_code(rules, &p->session, &p->result) < 0) {
    snprintf(out->error, sizeof out->error, "engine refused the session (internal error)");
    out->kind = SLP_OUTPUT_UNDECODABLE;
    out->bytes = payload;
    out->len = len;
    return 0;
  }
  size_t needed;
  ptrdiff_t n = slp_encode_result(&p->session, &p->result, p->buf, p->cap, &needed);
  if (n == -ENOSPC) {
    uint8_t *bigger = realloc(p->buf, needed);
    if (!bigger)
      return -ENOMEM;
    p->buf = bigger;
    p->cap = needed;
    n = slp_encode_result(&p->session, &p->result, p->buf, p->cap, NULL);
  }
  if (n < 0)
    return (int)n;
  out->kind = p->result.rejected ? SLP_OUTPUT_REJECTION : SLP_OUTPUT_CLAIM;
  out->bytes = p->buf;
  out->len = (size_t)n;
  out->rules_version = p->result.rules_version;
  return 0;
}
