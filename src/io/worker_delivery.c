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

/* Try to hand one pending output to librdkafka. 0 = taken, 1 = queue full. */
static int pend_try(slp_worker_t *w, slp__pend_t *pd) {
  rd_kafka_resp_err_t e = rd_kafka_producev(
      w->producer, RD_KAFKA_V_RKT(w->rkt_out[pd->out]), RD_KAFKA_V_KEY(pd->key, pd->klen),
      RD_KAFKA_V_VALUE(pd->val, pd->vlen), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_FREE),
      RD_KAFKA_V_HEADERS(pd->hdrs), RD_KAFKA_V_OPAQUE(pd->rec), RD_KAFKA_V_END);
  if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL)
    return 1;
  if (e) {
    /* Not retriable here (e.g. fatal or a purged transaction): the input is not
     * completed, so its offset is never stored. */
    SLP_ERROR("produce to %s: %s", out_name(pd->out), rd_kafka_err2str(e));
    rd_kafka_headers_destroy(pd->hdrs);
    free(pd->val);
    if (!w->eos)
      slp_worker_stop(w, "produce failed");
    else
      w->abort_needed = true;
    w->in_flight--;
    free(pd->rec);
  }
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
  while (w->pend_head) {
    slp__pend_t *pd = w->pend_head, *next = pd->next;
    if (pend_try(w, pd) == 1)
      return;
    w->pend_head = next;
    if (!next)
      w->pend_tail = NULL;
  }
}

static void *memdup(const void *p, size_t n) {
  void *q = malloc(n ? n : 1);
  if (q && n)
    memcpy(q, p, n);
  return q;
}

/* Produce an output; copies what it needs. Takes ownership of hdrs and rec. */
void slp__produce_out(slp_worker_t *w, int out, const void *key, size_t klen, const void *val,
                      size_t vlen, rd_kafka_headers_t *hdrs, slp__rec_t *rec) {
  if (!w->pend_head) {
    rd_kafka_resp_err_t e = rd_kafka_producev(
        w->producer, RD_KAFKA_V_RKT(w->rkt_out[out]), RD_KAFKA_V_KEY(key, klen),
        RD_KAFKA_V_VALUE((void *)val, vlen), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(rec), RD_KAFKA_V_END);
    if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      if (e) {
        SLP_ERROR("produce to %s: %s", out_name(out), rd_kafka_err2str(e));
        rd_kafka_headers_destroy(hdrs);
        free(rec);
        w->in_flight--;
        if (!w->eos)
          slp_worker_stop(w, "produce failed");
        else
          w->abort_needed = true;
      }
      return;
    }
  }
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
  if (!pd || !pd->key || !pd->val) {
    SLP_ERROR("out of memory queueing an output; stopping");
    abort();
  }
  pend_push(w, pd);
  if (!w->bp_paused) {
    w->bp_paused = true;
    w->n.pauses++;
    slp__set_paused_all(w, true);
  }
}

/* ---- delivery reports -------------------------------------------------------------------- */

static void handle_dr(slp_worker_t *w, const rd_kafka_message_t *rkm) {
  slp__rec_t *rec = rkm->_private;
  if (!rec)
    return;
  if (rkm->err && !w->eos && w->state < SLP__W_CLOSING &&
      !rd_kafka_fatal_error(w->producer, NULL, 0)) {
    /* At-least-once: produce the same bytes again; the offset waits. */
    w->n.retried++;
    SLP_WARN("delivery failed (%s); producing again", rd_kafka_err2str(rkm->err));
    int out = rkm->rkt == w->rkt_out[SLP__OUT_CODED]      ? SLP__OUT_CODED
              : rkm->rkt == w->rkt_out[SLP__OUT_REJECTED] ? SLP__OUT_REJECTED
                                                          : SLP__OUT_DLQ;
    rd_kafka_headers_t *h = NULL;
    rd_kafka_message_detach_headers((rd_kafka_message_t *)rkm, &h);
    slp__produce_out(w, out, rkm->key, rkm->key_len, rkm->payload ? rkm->payload : "", rkm->len, h,
                     rec);
    return;
  }
  if (rkm->err) {
    if (w->eos)
      w->abort_needed = true;
    SLP_WARN("delivery failed: %s", rd_kafka_err2str(rkm->err));
  } else {
    w->n.delivered++;
    w->t_last_delivery = uv_hrtime();
    if (!w->eos && rec->in_ts_ms >= 0)
      slp_latency_add(&w->lat, slp_latency_now_ms() - rec->in_ts_ms);
    if (rec->part)
      slp_offsets_complete(&rec->part->trk, rec->ticket);
  }
  w->in_flight--;
  free(rec);
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
        w->exit_rc = 1;
        slp_worker_stop(w, "fatal producer error");
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
  slp__after_progress(w);
}
