/* SPDX-License-Identifier: Apache-2.0 */
/* worker_delivery.c -- producing, delivery reports, the in-order offset store, pause/resume. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "io/log.h"
#include "io/worker_internal.h"

/* Pause (or resume) every ACTIVE partition whose paused flag differs. */
void slp__set_paused_all(slp_worker_t *w, bool pause) {
  rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(8);
  for (int32_t i = 0; i < w->n_parts; i++) {
    slp__part_t *p = w->parts[i];
    if (p && p->state == SLP__P_ACTIVE && p->paused != pause) {
      rd_kafka_topic_partition_list_add(l, w->cfg->topic_input, p->id);
      p->paused = pause;
    }
  }
  if (l->cnt) {
    rd_kafka_resp_err_t e = pause ? rd_kafka_pause_partitions(w->consumer, l)
                                  : rd_kafka_resume_partitions(w->consumer, l);
    if (e)
      SLP_WARN("%s partitions: %s", pause ? "pause" : "resume", rd_kafka_err2str(e));
    SLP_DEBUG("%s %d partitions in_flight=%" PRId64, pause ? "paused" : "resumed", l->cnt,
              w->in_flight);
  }
  rd_kafka_topic_partition_list_destroy(l);
}

/* At-least-once: store the committable offset of every partition that moved. */
void slp__store_offsets(slp_worker_t *w) {
  if (w->eos)
    return;
  rd_kafka_topic_partition_list_t *l = NULL;
  for (int32_t i = 0; i < w->n_parts; i++) {
    slp__part_t *p = w->parts[i];
    int64_t off;
    if (!p || p->state == SLP__P_NONE || !slp_offsets_take(&p->trk, &off))
      continue;
    if (!l)
      l = rd_kafka_topic_partition_list_new(8);
    rd_kafka_topic_partition_list_add(l, w->cfg->topic_input, p->id)->offset = off;
  }
  if (!l)
    return;
  rd_kafka_resp_err_t e = rd_kafka_offsets_store(w->consumer, l);
  if (e && e != RD_KAFKA_RESP_ERR__STATE)
    SLP_WARN("offsets_store: %s", rd_kafka_err2str(e));
  rd_kafka_topic_partition_list_destroy(l);
}

/* ---- producing ---------------------------------------------------------------- */

static const char *out_name(int out) {
  return out == SLP__OUT_CODED ? "coded" : out == SLP__OUT_REJECTED ? "rejected" : "dlq";
}

/* producev refused an output (not QUEUE_FULL). Returns 1 when the error is retriable and the
 * output should wait in the pending queue (at-least-once, or a transaction still usable), else
 * 0 with hdrs and rec handed on (worker_fallback.c). */
static int produce_refused(slp_worker_t *w, rd_kafka_resp_err_t e, int out,
                           rd_kafka_headers_t *hdrs, const void *key, size_t klen, const void *val,
                           size_t vlen, slp__rec_t *rec) {
  int cls = slp__err_class(w, e);
  if (cls == SLP__ERR_RETRIABLE && !(w->eos && e == RD_KAFKA_RESP_ERR__STATE)) {
    if (!w->pend_warned) {
      SLP_WARN("produce to %s: %s; holding the output and trying again", out_name(out),
               rd_kafka_err2str(e));
      w->pend_warned = true;
    }
    return 1;
  }
  if (cls == SLP__ERR_RETRIABLE) {
    /* Exactly-once, the transaction is in an error state: abort it; the input is read again. */
    SLP_WARN("produce to %s: %s; aborting the transaction", out_name(out), rd_kafka_err2str(e));
    w->abort_needed = true;
    rd_kafka_headers_destroy(hdrs);
    w->in_flight--;
    slp__rec_free(rec);
    return 0;
  }
  slp__output_failed(w, rec, e, false, hdrs, key, klen, val, vlen);
  return 0;
}

/* Try to hand one pending output to librdkafka. 0 = taken (or handed on), 1 = not yet. */
static int pend_try(slp_worker_t *w, slp__pend_t *pd) {
  rd_kafka_resp_err_t e = rd_kafka_producev(
      w->producer, RD_KAFKA_V_RKT(w->rkt_out[pd->out]), RD_KAFKA_V_KEY(pd->key, pd->klen),
      RD_KAFKA_V_VALUE(pd->val, pd->vlen), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_FREE),
      RD_KAFKA_V_HEADERS(pd->hdrs), RD_KAFKA_V_OPAQUE(pd->rec), RD_KAFKA_V_END);
  if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL)
    return 1;
  if (e &&
      produce_refused(w, e, pd->out, pd->hdrs, pd->key, pd->klen, pd->val, pd->vlen, pd->rec) == 1)
    return 1; /* retriable: stays queued, tried again on the next drain */
  if (e)
    free(pd->val); /* on failure librdkafka did not take it */
  free(pd->key);
  free(pd);
  return 0;
}

static void pend_push(slp_worker_t *w, slp__pend_t *pd) {
  pd->next = NULL;
  if (w->pend_tail)
    w->pend_tail->next = pd;
  else
    w->pend_head = pd;
  w->pend_tail = pd;
}

static void pend_flush(slp_worker_t *w) {
  if (!w->pend_head)
    w->pend_warned = false;
  while (w->pend_head) {
    /* Off the queue while it is tried: a replacement (next stage) it turns into is produced
     * straight away, or queued behind the rest. */
    slp__pend_t *pd = w->pend_head;
    w->pend_head = pd->next;
    if (!w->pend_head)
      w->pend_tail = NULL;
    if (pend_try(w, pd) == 1) {
      pd->next = w->pend_head;
      w->pend_head = pd;
      if (!w->pend_tail)
        w->pend_tail = pd;
      return;
    }
  }
}

static void *memdup(const void *p, size_t n) { /* NULL stays NULL: a null key or value */
  if (!p)
    return NULL;
  void *q = malloc(n ? n : 1);
  if (q && n)
    memcpy(q, p, n);
  return q;
}

static void pend_queue(slp_worker_t *w, int out, const void *key, size_t klen, const void *val,
                       size_t vlen, rd_kafka_headers_t *hdrs, slp__rec_t *rec) {
  slp__pend_t *pd = calloc(1, sizeof *pd);
  if (pd) {
    *pd = (slp__pend_t){.out = out,
                        .key = memdup(key, klen),
                        .klen = klen,
                        .val = memdup(val, vlen),
                        .vlen = vlen,
                        .hdrs = hdrs,
                        .rec = rec};
  }
  if (!pd || (key && !pd->key) || (val && !pd->val)) {
    SLP_ERROR("out of memory queueing an output; stopping");
    abort();
  }
  pend_push(w, pd);
  if (w->bp != SLP__BP_PAUSED) {
    slp__set_bp(w, SLP__BP_PAUSED);
    w->n.pauses++;
    slp__set_paused_all(w, true);
  }
}

/* Produce an output; copies what it needs. Takes ownership of hdrs and rec. val NULL produces
 * a null value (a tombstone's dead letter), key NULL a null key. */
void slp__produce_out(slp_worker_t *w, int out, const void *key, size_t klen, const void *val,
                      size_t vlen, rd_kafka_headers_t *hdrs, slp__rec_t *rec) {
  rec->out = out;
  if (!w->pend_head) {
    rd_kafka_resp_err_t e = rd_kafka_producev(
        w->producer, RD_KAFKA_V_RKT(w->rkt_out[out]), RD_KAFKA_V_KEY(key, klen),
        RD_KAFKA_V_VALUE((void *)val, vlen), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(rec), RD_KAFKA_V_END);
    if (!e)
      return;
    if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL &&
        produce_refused(w, e, out, hdrs, key, klen, val, vlen, rec) == 0)
      return;
  }
  pend_queue(w, out, key, klen, val, vlen, hdrs, rec);
}

/* ---- delivery reports -------------------------------------------------------------------- */

static void handle_dr(slp_worker_t *w, const rd_kafka_message_t *rkm) {
  slp__rec_t *rec = rkm->_private;
  if (!rec)
    return;
  if (rkm->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE || rkm->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT ||
      (rkm->err && w->run >= SLP__RUN_CLOSING)) {
    /* Purged by our own abort, or closing: not completed, read again by the next owner. */
    SLP_DEBUG("delivery not completed: %s", rd_kafka_err2str(rkm->err));
    w->in_flight--;
    slp__rec_free(rec);
    return;
  }
  if (rkm->err) {
    rd_kafka_headers_t *h = NULL;
    rd_kafka_message_detach_headers((rd_kafka_message_t *)rkm, &h);
    if (!h)
      h = rd_kafka_headers_new(4);
    slp__output_failed(w, rec, rkm->err, true, h, rkm->key, rkm->key_len, rkm->payload, rkm->len);
    return;
  }
  w->n.delivered++;
  w->t_last_delivery = uv_hrtime();
  if (rec->ts_ms >= 0) {
    uv_timeval64_t tv;
    if (uv_gettimeofday(&tv) == 0)
      slp_latency_observe(&w->e2e, tv.tv_sec * 1000 + tv.tv_usec / 1000 - rec->ts_ms);
  }
  if (!w->eos && rec->ts_ms >= 0)
    slp_lathist_add(&w->lat, slp_lathist_now_ms() - rec->ts_ms);
  if (rec->part)
    slp_offsets_complete(&rec->part->trk, rec->ticket);
  if (w->out_cb)
    slp__observe_dr(w, rec, rkm);
  w->in_flight--;
  slp__rec_free(rec);
}

void slp__drain_producer(slp_worker_t *w) {
  if (!w->pq)
    return;
  rd_kafka_event_t *ev;
  while ((ev = rd_kafka_queue_poll(w->pq, 0))) {
    switch (rd_kafka_event_type(ev)) {
    case RD_KAFKA_EVENT_DR: {
      const rd_kafka_message_t *rkm;
      w->wk.dr_events++;
      while ((rkm = rd_kafka_event_message_next(ev))) {
        w->wk.drs++;
        handle_dr(w, rkm);
      }
      break;
    }
    case RD_KAFKA_EVENT_ERROR:
      if (rd_kafka_event_error_is_fatal(ev)) {
        char buf[512];
        rd_kafka_fatal_error(w->producer, buf, sizeof buf);
        SLP_ERROR("fatal producer error: %s", buf);
        slp__fatal_stop(w, "fatal producer error");
      } else {
        SLP_WARN("producer: %s", rd_kafka_event_error_string(ev));
      }
      break;
    default:
      break;
    }
    rd_kafka_event_destroy(ev);
  }
  pend_flush(w);
  slp__store_offsets(w);
}
