/* SPDX-License-Identifier: Apache-2.0 */
/* worker_fallback.c -- an output that cannot be produced: nothing stops a partition.
 *
 * Errors are classified librdkafka's way and the caller branches on the class:
 * - fatal (rd_kafka_fatal_error() is set, or RD_KAFKA_RESP_ERR__FATAL): the client is unusable;
 *   the worker stops and slpcoderd exits EX_UNAVAILABLE, so a supervisor restarts it. The input
 *   is not completed: its offset is not stored or committed, and the next run codes it.
 * - permanent: the error is about this one message (too large, a record the broker refuses);
 *   producing the same bytes again can never succeed. The output is replaced by the next
 *   stage: a coding result by the input as a dead letter (slpcoder.error says why); a dead
 *   letter by a small Rejection with output.undeliverable (ids only if at most SLP_MAX_ID_LEN
 *   bytes, no patient data). Only when even that cannot be written does the worker stop, as
 *   for a fatal error. Either way the input's offset moves on once the replacement is acked.
 * - retriable: anything else (timeouts, leaders moving, brokers down, a topic not there yet,
 *   authorization). These are not about the message: at-least-once produces the same bytes
 *   again and the offset waits; dead-lettering on them would turn a broker or ACL outage into
 *   a DLQ full of good sessions.
 * Exactly-once: a delivery error makes the transaction abortable; the batch is aborted and
 * rewound as before. A permanent one also puts (partition, offset) on the poison list, so when
 * the rewound input comes back it goes straight to its next stage instead of failing again
 * (no abort-rewind loop). A refusal by producev itself leaves the transaction usable, and the
 * next stage is produced at once in both modes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <librdkafka/rdkafka.h>

#include "io/log.h"
#include "io/worker_internal.h"
#include "slpcoder/codec.h"

int slp__err_class(slp_worker_t *w, rd_kafka_resp_err_t err) {
  if (err == RD_KAFKA_RESP_ERR__FATAL || rd_kafka_fatal_error(w->producer, NULL, 0))
    return SLP__ERR_FATAL;
  switch (err) {
  case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:    /* producev's size check, or the broker's */
  case RD_KAFKA_RESP_ERR_INVALID_MSG:           /* CRC */
  case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:      /* negative or too large size */
  case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE: /* the batch it alone fills */
  case RD_KAFKA_RESP_ERR_INVALID_RECORD:        /* the broker's validation */
  case RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP:
  case RD_KAFKA_RESP_ERR__BAD_MSG:
  case RD_KAFKA_RESP_ERR__INVALID_ARG: /* producev: e.g. a header it cannot take */
    return SLP__ERR_PERMANENT;
  default:
    return SLP__ERR_RETRIABLE;
  }
}

void slp__fatal_stop(slp_worker_t *w, const char *why) {
  SLP_ERROR("%s: stopping; inputs not yet written are coded again on restart", why);
  w->exit_rc = EX_UNAVAILABLE;
  slp_worker_stop(w, why);
}

void slp__rec_free(slp__rec_t *rec) {
  if (!rec)
    return;
  free(rec->in_key);
  free(rec->in_val);
  free(rec);
}

void slp__fallback_free(slp_worker_t *w) {
  slp_decoder_free(w->fb_dec);
  free(w->fb_res);
  free(w->poison);
  w->fb_dec = NULL;
  w->fb_res = NULL;
  w->poison = NULL;
  w->n_poison = w->cap_poison = 0;
}

static const char *topic_of(slp_worker_t *w, int out) {
  return out == SLP__OUT_CODED      ? w->cfg->topic_coded
         : out == SLP__OUT_REJECTED ? w->cfg->topic_rejected
                                    : w->cfg->topic_dlq;
}

/* The output.undeliverable Rejection for an input, packed into a malloc'd buffer. The ids come
 * from decoding the input again (empty when it does not decode); the encoder leaves out any
 * longer than SLP_MAX_ID_LEN. Returns the length, or -1 out of memory. */
static ptrdiff_t build_undeliverable(slp_worker_t *w, const void *val, size_t vlen,
                                     const char *failed_topic, rd_kafka_resp_err_t err,
                                     uint8_t **out) {
  if (!w->fb_dec)
    w->fb_dec = slp_decoder_new();
  if (!w->fb_res)
    w->fb_res = calloc(1, sizeof *w->fb_res);
  if (!w->fb_dec || !w->fb_res)
    return -1;
  slp_session_t s;
  char derr[SLP_CODEC_ERR_LEN];
  if (!val || slp_decode_session(w->fb_dec, val, vlen, &s, derr, sizeof derr) != 0)
    memset(&s, 0, sizeof s);
  slp_result_t *r = w->fb_res;
  r->rejected = true;
  r->n_diagnoses = r->n_lines = 0;
  r->total_charge_cents = r->expected_allowed_cents = 0;
  r->n_findings = 1;
  r->n_findings_omitted = 0;
  r->rules_version = slp_rules_version(w->rules);
  slp_finding_t *f = &r->findings[0];
  *f = (slp_finding_t){.rule_id = "output.undeliverable",
                       .severity = SLP_ERROR,
                       .group_code = "",
                       .carc = "",
                       .rarc = ""};
  snprintf(f->message, sizeof f->message,
           "Not coded: no output for this input could be written, the last refused on %.40s "
           "(%s).",
           failed_topic, rd_kafka_err2name(err));
  size_t needed = 0;
  ptrdiff_t n = slp_encode_result(&s, r, NULL, 0, &needed);
  if (n == -ENOSPC) {
    *out = malloc(needed ? needed : 1);
    if (!*out)
      return -1;
    n = slp_encode_result(&s, r, *out, needed, NULL);
  } else if (n >= 0) {
    *out = malloc(1);
  }
  if (n < 0 || !*out) {
    free(*out);
    *out = NULL;
    return -1;
  }
  return n;
}

void slp__produce_stage(slp_worker_t *w, slp__rec_t *rec, int stage, int failed_out,
                        rd_kafka_resp_err_t err, rd_kafka_headers_t *hdrs, const void *key,
                        size_t klen, const void *val, size_t vlen) {
  char why[SLP__HDR_MAX];
  snprintf(why, sizeof why, "output to %s not produced: %s (%s)", topic_of(w, failed_out),
           rd_kafka_err2str(err), rd_kafka_err2name(err));
  slp__hdr_set(hdrs, "slpcoder.error", why);
  rec->stage = stage;
  SLP_WARN("%s/%" PRId32 "/%" PRId64 ": %s; %s instead", w->cfg->topic_input,
           rec->part ? rec->part->id : -1, rec->offset, why,
           stage == SLP__STAGE_DLQ ? "dead-lettering the input" : "rejecting it as undeliverable");
  if (stage == SLP__STAGE_DLQ) {
    w->n.fallback_dlq++;
    rec->out = SLP__OUT_DLQ;
    slp__produce_out(w, SLP__OUT_DLQ, key, klen, val, vlen, hdrs, rec);
    return;
  }
  w->n.fallback_rejected++;
  if (klen > SLP__FALLBACK_KEY_MAX) {
    /* The key alone may be what no output can carry: the last resort goes without it (a
     * partition of the producer's choosing) rather than stop the partition. */
    snprintf(why + strlen(why), sizeof why - strlen(why), "; key of %zu bytes omitted", klen);
    slp__hdr_set(hdrs, "slpcoder.error", why);
    key = NULL;
    klen = 0;
  }
  uint8_t *buf = NULL;
  ptrdiff_t n = build_undeliverable(w, val, vlen, topic_of(w, failed_out), err, &buf);
  if (n < 0) {
    SLP_ERROR("out of memory building a rejection; stopping");
    abort(); /* as elsewhere: the supervisor restarts us, nothing is stored */
  }
  rec->out = SLP__OUT_REJECTED;
  slp__produce_out(w, SLP__OUT_REJECTED, key, klen, buf, (size_t)n, hdrs, rec);
  free(buf);
}

static void poison_add(slp_worker_t *w, const slp__rec_t *rec, int stage,
                       rd_kafka_resp_err_t err) {
  if (!rec->part)
    return;
  for (size_t i = 0; i < w->n_poison; i++)
    if (w->poison[i].partition == rec->part->id && w->poison[i].offset == rec->offset) {
      w->poison[i].stage = stage;
      w->poison[i].failed_out = rec->out;
      w->poison[i].err = err;
      return;
    }
  if (w->n_poison == w->cap_poison) {
    size_t cap = w->cap_poison ? w->cap_poison * 2 : 16;
    slp__poison_t *p = realloc(w->poison, cap * sizeof *p);
    if (!p) {
      SLP_ERROR("out of memory growing the poison list; stopping");
      abort();
    }
    w->poison = p;
    w->cap_poison = cap;
  }
  w->poison[w->n_poison++] = (slp__poison_t){.partition = rec->part->id,
                                             .offset = rec->offset,
                                             .stage = stage,
                                             .failed_out = rec->out,
                                             .err = err};
}

int slp__poison_find(slp_worker_t *w, int32_t partition, int64_t offset, int *stage,
                     int *failed_out, rd_kafka_resp_err_t *err) {
  for (size_t i = 0; i < w->n_poison; i++)
    if (w->poison[i].partition == partition && w->poison[i].offset == offset) {
      *stage = w->poison[i].stage;
      *failed_out = w->poison[i].failed_out;
      *err = w->poison[i].err;
      return 1;
    }
  return 0;
}

void slp__poison_prune(slp_worker_t *w, const rd_kafka_topic_partition_list_t *committed) {
  size_t k = 0;
  for (size_t i = 0; i < w->n_poison; i++) {
    bool passed = false;
    for (int j = 0; committed && j < committed->cnt && !passed; j++)
      passed = committed->elems[j].partition == w->poison[i].partition &&
               committed->elems[j].offset > w->poison[i].offset;
    if (!passed)
      w->poison[k++] = w->poison[i];
  }
  w->n_poison = k;
}

void slp__output_failed(slp_worker_t *w, slp__rec_t *rec, rd_kafka_resp_err_t err, bool async,
                        rd_kafka_headers_t *hdrs, const void *key, size_t klen, const void *val,
                        size_t vlen) {
  int cls = slp__err_class(w, err);
  int32_t part = rec->part ? rec->part->id : -1;
  if (cls == SLP__ERR_PERMANENT)
    w->n.refused++;
  if (cls == SLP__ERR_FATAL || (cls == SLP__ERR_PERMANENT && rec->stage == SLP__STAGE_FALLBACK)) {
    char buf[512] = "";
    if (cls == SLP__ERR_FATAL)
      rd_kafka_fatal_error(w->producer, buf, sizeof buf);
    SLP_ERROR("%s/%" PRId32 "/%" PRId64 ": output to %s not produced: %s%s%s", w->cfg->topic_input,
              part, rec->offset, topic_of(w, rec->out), rd_kafka_err2str(err), *buf ? ": " : "",
              buf);
    rd_kafka_headers_destroy(hdrs);
    w->in_flight--;
    slp__rec_free(rec);
    slp__fatal_stop(w, cls == SLP__ERR_FATAL ? "fatal producer error"
                                             : "not even a rejection can be written");
    return;
  }
  if (w->eos && async) {
    /* The transaction is abortable now: its outputs are discarded and its inputs read again. */
    w->abort_needed = true;
    if (cls == SLP__ERR_PERMANENT) {
      poison_add(w, rec, rec->stage + 1, err);
      SLP_WARN("%s/%" PRId32 "/%" PRId64 ": output to %s refused (%s); aborting the transaction, "
               "the input goes to %s when read again",
               w->cfg->topic_input, part, rec->offset, topic_of(w, rec->out),
               rd_kafka_err2name(err), rec->stage == SLP__STAGE_RESULT ? "the DLQ" : "a rejection");
    }
    rd_kafka_headers_destroy(hdrs);
    w->in_flight--;
    slp__rec_free(rec);
    return;
  }
  if (cls == SLP__ERR_RETRIABLE) { /* at-least-once delivery report: the same bytes again */
    w->n.retried++;
    SLP_WARN("delivery failed (%s); producing again", rd_kafka_err2str(err));
    slp__produce_out(w, rec->out, key, klen, val, vlen, hdrs, rec);
    return;
  }
  int failed_out = rec->out;
  if (rec->stage == SLP__STAGE_RESULT) {
    /* Take the input copy out of rec first: producing may free rec. */
    void *ik = rec->in_key, *iv = rec->in_val;
    size_t ikl = rec->in_klen, ivl = rec->in_vlen;
    bool inull = rec->in_null;
    rec->in_key = rec->in_val = NULL;
    slp__produce_stage(w, rec, SLP__STAGE_DLQ, failed_out, err, hdrs, ik, ikl,
                       inull ? NULL : (iv ? iv : (void *)""), ivl);
    free(ik);
    free(iv);
    return;
  }
  /* A dead letter's value is the input. */
  slp__produce_stage(w, rec, SLP__STAGE_FALLBACK, failed_out, err, hdrs, key, klen, val, vlen);
}
