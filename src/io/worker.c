/* SPDX-License-Identifier: Apache-2.0 */
/* worker.c -- consume, code, produce; at-least-once by stored offsets or exactly-once by
 * transactions. */
#include "io/worker.h"

#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sysexits.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "io/kconf.h"
#include "io/log.h"
#include "io/worker_internal.h"
#include "slpcoder/codec.h"

/* ---- consuming ------------------------------------------------------------------- */

/* Rejections by their first ERROR's rule id, counted by position in the engine's own
 * slp_rule_ids list, so the summary prints them in spec order whatever the consume order. */
static void count_rule(slp_worker_t *w, const char *rule_id) {
  for (size_t i = 0; i < SLP__MAX_RULE_IDS && slp_rule_ids[i] != NULL; i++)
    if (strcmp(slp_rule_ids[i], rule_id) == 0) {
      w->rule_counts[i]++;
      return;
    }
}

/* One input: track it, code it (or take pre, coded by slp__drain_consumer's batch), produce
 * its output. */
static void handle_message(slp_worker_t *w, rd_kafka_message_t *rkm, const slp_coded_t *pre) {
  if (rkm->err) {
    if (rkm->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
      SLP_WARN("consumer: %s", rd_kafka_message_errstr(rkm));
    return;
  }
  slp__part_t *p = slp__part_find(w, rkm->partition);
  if (w->run != SLP__RUN_RUNNING || !p || p->state != SLP__P_ACTIVE) {
    w->n.dropped++; /* not stored: whoever owns the partition next reads it again */
    return;
  }
  if (w->eos && w->txn == SLP__TXN_NONE) {
    rd_kafka_error_t *err = rd_kafka_begin_transaction(w->producer);
    if (err) {
      SLP_ERROR("begin_transaction: %s", rd_kafka_error_string(err));
      rd_kafka_error_destroy(err);
      w->exit_rc = EX_UNAVAILABLE;
      slp_worker_stop(w, "transaction error");
      return;
    }
    slp__set_txn(w, SLP__TXN_OPEN);
    w->txn_started = slp__now_ms(w);
    w->batch_count = 0;
  }
  slp__rec_t *rec = calloc(1, sizeof *rec);
  if (!rec)
    abort();
  rec->part = p;
  rec->offset = rkm->offset;
  rec->ts_ms = rd_kafka_message_timestamp(rkm, NULL);
  if (w->eos && rec->ts_ms >= 0) { /* acknowledged when the transaction commits */
    if (w->txn_ts_n == w->txn_ts_cap) {
      size_t cap = w->txn_ts_cap ? w->txn_ts_cap * 2 : 1024;
      int64_t *ts = realloc(w->txn_ts, cap * sizeof *ts);
      if (ts) {
        w->txn_ts = ts;
        w->txn_ts_cap = cap;
      }
    }
    if (w->txn_ts_n < w->txn_ts_cap)
      w->txn_ts[w->txn_ts_n++] = rec->ts_ms;
  }
  if (slp_offsets_track(&p->trk, rkm->offset, &rec->ticket) != 0) {
    /* ENOSPC cannot happen (the ring holds max.in.flight + slack and we pause
     * at max.in.flight); EINVAL would be a broker going backwards: reset. */
    SLP_WARN("offset tracker refused offset=%" PRId64 " partition=%d; resetting", rkm->offset,
             p->id);
    slp_offsets_reset(&p->trk);
    if (slp_offsets_track(&p->trk, rkm->offset, &rec->ticket) != 0)
      abort();
  }
  w->in_flight++;
  if (w->n.consumed++ == 0)
    w->t_first_input = uv_hrtime();
  w->last_input = slp__now_ms(w);
  p->next_offset = rkm->offset + 1;

  slp_processed_t pr;
  int rc = 0;
  if (!rkm->payload && w->cfg->mode == SLP_MODE_CODE) { /* a null value (tombstone) */
    memset(&pr, 0, sizeof pr);
    pr.kind = SLP_OUTPUT_UNDECODABLE;
    pr.event_id = "";
    snprintf(pr.error, sizeof pr.error, "null value (tombstone): not a SessionEvent");
  } else if (w->cfg->mode == SLP_MODE_RELAY) { /* the same bytes and client settings, no coding */
    memset(&pr, 0, sizeof pr);
    pr.kind = SLP_OUTPUT_CLAIM;
    pr.bytes = rkm->payload;
    pr.len = rkm->len;
    pr.event_id = "";
  } else if (pre) {
    memset(&pr, 0, sizeof pr);
    rc = pre->rc;
    pr.kind = pre->kind;
    pr.bytes = pre->bytes;
    pr.len = pre->len;
    pr.event_id = pre->event_id;
    pr.rules_version = pre->rules_version;
    memcpy(pr.error, pre->error, sizeof pr.error);
  } else {
    rc = slp_process_payload(w->proc, w->rules, rkm->payload, rkm->len, &pr);
  }
  if (rc != 0) {
    SLP_ERROR("processing failed (%s) partition=%d offset=%" PRId64, strerror(-rc), p->id,
              rkm->offset);
    abort(); /* out of memory: let the supervisor restart us; nothing is stored */
  }
  char source[300];
  slp__hdr_source(source, sizeof source, w->cfg->topic_input, rkm->partition, rkm->offset);
  const char *event_id = slp__hdr_event_id(pr.event_id); /* bounded, for headers and logs */
  rd_kafka_headers_t *h = slp__hdrs_new(
      event_id, pr.rules_version ? pr.rules_version : slp_rules_version(w->rules), source);
  int stage = SLP__STAGE_RESULT, failed_out = 0;
  rd_kafka_resp_err_t failed_err = RD_KAFKA_RESP_ERR_NO_ERROR;
  if (w->eos && w->n_poison &&
      slp__poison_find(w, rkm->partition, rkm->offset, &stage, &failed_out, &failed_err)) {
    /* Its output failed for good before the last abort: the next stage straight away. */
    slp__produce_stage(w, rec, stage, failed_out, failed_err, h, rkm->key, rkm->key_len,
                       rkm->payload, rkm->len);
    goto produced;
  }
  int out;
  switch (pr.kind) {
  case SLP_OUTPUT_CLAIM:
    out = SLP__OUT_CODED;
    w->n.coded++;
    break;
  case SLP_OUTPUT_REJECTION: {
    out = SLP__OUT_REJECTED;
    w->n.rejected++;
    const slp_result_t *res = pre ? NULL : slp_processor_result(w->proc);
    const char *rule = pre                      ? pre->rule_id
                       : res && res->n_findings ? res->findings[0].rule_id
                                                : NULL;
    if (rule)
      count_rule(w, rule);
    slp__add_error_headers(w, h, rkm, "code", rule ? rule : "", NULL, pr.rules_version);
    SLP_DEBUG("rejected event_id=%s rule=%s source=%s", event_id, rule ? rule : "?", source);
    break;
  }
  default:
    out = SLP__OUT_DLQ;
    w->n.dead_lettered++;
    w->dlq_reasons[slp_dlq_reason(pr.error)]++;
    slp__hdr_add(h, "slpcoder.error", pr.error);
    slp__add_error_headers(w, h, rkm, "decode", "undecodable", pr.error,
                           slp_rules_version(w->rules));
    SLP_DEBUG("dead-letter source=%s error=%s", source, pr.error);
    break;
  }
  if (out == SLP__OUT_DLQ) {
    rec->stage = SLP__STAGE_DLQ;
    slp__produce_out(w, out, rkm->key, rkm->key_len, rkm->payload, rkm->len, h, rec);
  } else {
    /* Keep the input: if the result cannot be produced, the input is dead-lettered instead. */
    rec->stage = SLP__STAGE_RESULT;
    rec->in_null = rkm->payload == NULL;
    if ((rkm->key && !(rec->in_key = malloc(rkm->key_len ? rkm->key_len : 1))) ||
        (rkm->payload && !(rec->in_val = malloc(rkm->len ? rkm->len : 1)))) {
      SLP_ERROR("out of memory keeping an input; stopping");
      abort();
    }
    if (rkm->key_len)
      memcpy(rec->in_key, rkm->key, rkm->key_len);
    if (rkm->len)
      memcpy(rec->in_val, rkm->payload, rkm->len);
    rec->in_klen = rkm->key_len;
    rec->in_vlen = rkm->len;
    slp__produce_out(w, out, rkm->key, rkm->key_len, pr.bytes ? (const void *)pr.bytes : "", pr.len,
                     h, rec);
  }

produced:
  if (w->in_flight >= w->cfg->max_in_flight && w->bp == SLP__BP_NONE) {
    /* Back-pressure, first step: stop serving the consumer queue. librdkafka's
     * prefetch (queued.max.messages.kbytes) then fills and fetching stops by
     * itself. Pausing the partitions right away would cost about a second per
     * resume in librdkafka 2.0; that happens only if the hold lasts (on_tick). */
    slp__set_bp(w, SLP__BP_HELD);
    w->n.pauses++;
  }
  if (w->eos)
    ++w->batch_count; /* a full batch is committed by the step (worker_state.c) */
}

/* ---- queue wake-ups --------------------------------------------------------------------- */

enum {
  SLP__DRAIN_MAX = 1000, /* inputs per consumer wake-up before DRs get a turn */
  SLP__CODER_MIN = 32,   /* smaller batches are coded on the loop thread alone */
  SLP__HELD_MAX = 4000,  /* exactly-once: inputs read ahead while a batch commits */
};

static void read_eventfd(int fd) {
  uint64_t v;
  ssize_t r = read(fd, &v, sizeof v);
  (void)r;
}

/* How many inputs the next drain may take so that no stop condition (the in-flight limit,
 * the end of a transaction batch, max.messages) falls inside it: a batch is polled before it
 * is coded, and what is polled cannot go back. */
static int drain_room(const slp_worker_t *w) {
  int64_t room = SLP__DRAIN_MAX;
  int64_t free_slots = w->cfg->max_in_flight - w->in_flight;
  if (free_slots < room)
    room = free_slots;
  if (w->eos) {
    int64_t left = w->cfg->batch_messages - (w->txn != SLP__TXN_NONE ? w->batch_count : 0);
    if (left < room)
      room = left;
  }
  if (w->cfg->max_messages) {
    int64_t left = w->cfg->max_messages - (int64_t)w->n.consumed;
    if (left < room)
      room = left;
  }
  return room < 1 ? 1 : (int)room;
}

static void rearm_consumer(slp_worker_t *w) {
  static const uint64_t one = 1;
  ssize_t r = write(w->cfd, &one, sizeof one);
  (void)r; /* EAGAIN: the counter is already non-zero, a wake-up is pending anyway */
}

/* Code in[0..n) into out (the helper thread too when there is one and it is worth it). */
static void code_batch(slp_worker_t *w, rd_kafka_message_t *const *batch, int n,
                       slp_coded_t *out) {
  slp_coder_in_t in[SLP__DRAIN_MAX];
  for (int i = 0; i < n; i++)
    in[i] = batch[i]->err ? (slp_coder_in_t){NULL, 0}
                          : (slp_coder_in_t){batch[i]->payload, batch[i]->len};
  slp_coder_t *c = n >= SLP__CODER_MIN ? w->coder : NULL;
  slp_coder_run(c, w->proc, w->rules, in, out, (size_t)n);
  if (c)
    w->wk.coder_runs++; /* batches shared with the helper thread */
}

void slp__held_drop(slp_worker_t *w) {
  for (size_t i = w->held_pos; i < w->held_n; i++)
    rd_kafka_message_destroy(w->held[i]);
  if (w->held_n > w->held_pos)
    slp_coded_release(w->held_coded + w->held_pos, w->held_n - w->held_pos);
  w->held_pos = w->held_n = 0;
}

/* Exactly-once, a batch committing: the commit (offsets, EndTxn: tens of ms on a real broker)
 * no longer stops the pipeline. The next inputs are polled and coded meanwhile, within what
 * the next batch could take, and handled (tracked, produced) once the commit is done; an abort
 * drops them, and its rewind reads them again. Positions the commit sends were taken when it
 * started (slp__txn_start_commit), so reading on does not change what it commits. */
static int read_ahead(slp_worker_t *w) {
  int64_t room = SLP__HELD_MAX - (int64_t)w->held_n;
  if (room > SLP__DRAIN_MAX)
    room = SLP__DRAIN_MAX;
  int64_t pending = (int64_t)(w->held_n - w->held_pos);
  int64_t limit = w->cfg->batch_messages; /* all of it goes into the next transaction */
  if (w->cfg->max_in_flight < limit)
    limit = w->cfg->max_in_flight;
  if (w->cfg->max_messages && w->cfg->max_messages - (int64_t)w->n.consumed < limit)
    limit = w->cfg->max_messages - (int64_t)w->n.consumed;
  if (limit - pending < room)
    room = limit - pending;
  if (w->run != SLP__RUN_RUNNING || w->bp != SLP__BP_NONE || w->abort_needed || room <= 0 ||
      !w->held) {
    w->drain_wanted = true; /* served when the commit is done */
    return -1;
  }
  w->drain_wanted = false;
  w->last_poll = slp__now_ms(w);
  rd_kafka_message_t **batch = w->held + w->held_n;
  int n = 0;
  uv_mutex_lock(&w->txn_mu);
  if (!w->txn_rewinding)
    while (n < room && (batch[n] = rd_kafka_consumer_poll(w->consumer, 0)))
      n++;
  else
    w->drain_wanted = true;
  uv_mutex_unlock(&w->txn_mu);
  if (n && w->cfg->mode == SLP_MODE_CODE)
    code_batch(w, batch, n, w->held_coded + w->held_n);
  w->held_n += (size_t)n;
  w->wk.held += (uint64_t)n;
  if (n == room) { /* not stopped by an empty queue: come back (or after the commit) */
    if (w->held_n < SLP__HELD_MAX && n == SLP__DRAIN_MAX)
      rearm_consumer(w);
    else
      w->drain_wanted = true;
  }
  return n;
}

/* Inputs read ahead during the last commit, in order, as many as the next drain may take. */
static int handle_held(slp_worker_t *w) {
  int room = drain_room(w);
  size_t k = w->held_n - w->held_pos;
  if (k > (size_t)room)
    k = (size_t)room;
  w->drain_wanted = false;
  for (size_t i = w->held_pos; i < w->held_pos + k; i++) {
    if (!(w->eos && w->abort_needed))
      handle_message(w, w->held[i], w->cfg->mode == SLP_MODE_CODE ? &w->held_coded[i] : NULL);
    rd_kafka_message_destroy(w->held[i]);
  }
  if (k)
    slp_coded_release(w->held_coded + w->held_pos, k);
  w->held_pos += k;
  if (w->held_pos == w->held_n)
    w->held_pos = w->held_n = 0;
  w->wk.last_drain = (int)k;
  rearm_consumer(w); /* the queue was not looked at: whatever is there is served next */
  return (int)k;
}

int slp__drain_consumer(slp_worker_t *w) {
  if (w->run >= SLP__RUN_CLOSING)
    return -1;
  if (w->txn == SLP__TXN_COMMITTING)
    return read_ahead(w);
  /* Not served while held, or while an abort is pending (it rewinds): the wake-up is
   * recorded and the step serves the queue when that ends, as no new wake-up may come (the
   * eventfd was read). */
  if (w->bp == SLP__BP_HELD || (w->eos && w->abort_needed)) {
    w->drain_wanted = true;
    return -1;
  }
  if (w->held_n > w->held_pos)
    return handle_held(w);
  w->drain_wanted = false;
  w->last_poll = slp__now_ms(w); /* /healthz and the watchdog: the consumer is served */
  rd_kafka_message_t *batch[SLP__DRAIN_MAX];
  int room = drain_room(w), n = 0;
  while (n < room && (batch[n] = rd_kafka_consumer_poll(w->consumer, 0)))
    n++;
  /* Code the batch on two threads when it is worth a hand-off. */
  slp_coded_t *coded = w->coded;
  bool pre = w->coder && coded && w->cfg->mode == SLP_MODE_CODE && n >= SLP__CODER_MIN;
  if (pre)
    code_batch(w, batch, n, coded);
  for (int i = 0; i < n; i++) {
    /* An output failed for good: the abort rewinds to the committed offsets, so the rest of
     * the batch is read again after it (not handled, not stored). */
    if (!(w->eos && w->abort_needed))
      handle_message(w, batch[i], pre ? &coded[i] : NULL);
    rd_kafka_message_destroy(batch[i]);
  }
  if (pre)
    slp_coded_release(coded, (size_t)n);
  w->wk.last_drain = n;
  if (n == room) {
    /* Stopped at the cap or at a stop condition (a transaction's batch end, the in-flight
     * limit), not at an empty queue: librdkafka writes the fd only when the queue goes from
     * empty to non-empty (rd_kafka_q_io_event, 2.0.2), so no wake-up would come and the rest
     * would wait for the tick (exactly-once: after every batch that ended inside a drain,
     * a quarter of the inputs waited for it). Re-arm ourselves: the loop serves the delivery
     * reports and anything else ready first, then comes back here (a refusal, say while the
     * batch commits, keeps drain_wanted for the step). */
    w->wk.capped++;
    rearm_consumer(w);
  }
  return n;
}

static void on_cpoll(uv_poll_t *h, int status, int events) {
  (void)status;
  (void)events;
  slp_worker_t *w = h->data;
  read_eventfd(w->cfd);
  w->wk.cwake++;
  slp__drain_consumer(w);
}

static void on_ppoll(uv_poll_t *h, int status, int events) {
  (void)status;
  (void)events;
  slp_worker_t *w = h->data;
  read_eventfd(w->pfd);
  w->wk.pwake++;
  slp__drain_producer(w);
}

/* The tick: keeps the consumer polled while idle (max.poll.interval.ms) and the producer
 * served; the time-based decisions (batch.ms, back-pressure escalation, deadlines, idle) are
 * the step's, which runs right after it. */
static void on_tick(uv_timer_t *t) {
  slp_worker_t *w = t->data;
  slp__drain_producer(w);
  w->wk.ticks++;
  w->wk.last_drain = 0;
  slp__drain_consumer(w);
  w->wk.tick_msgs += (uint64_t)w->wk.last_drain;
  uint64_t now = slp__now_ms(w);
  if (w->bp != SLP__BP_NONE) /* back-pressure seconds, to the tick */
    w->bp_ms += now - w->last_tick;
  w->last_tick = now;
  if (w->cfg->stats_interval_ms && now - w->last_stats >= (uint64_t)w->cfg->stats_interval_ms) {
    w->last_stats = now;
    SLP_INFO("stats consumed=%" PRIu64 " coded=%" PRIu64 " rejected=%" PRIu64 " dlq=%" PRIu64
             " delivered=%" PRIu64 " in_flight=%" PRId64 " retried=%" PRIu64 " pauses=%" PRIu64
             " txn_commits=%" PRIu64 " txn_aborts=%" PRIu64,
             w->n.consumed, w->n.coded, w->n.rejected, w->n.dead_lettered, w->n.delivered,
             w->in_flight, w->n.retried, w->n.pauses, w->n.txn_commits, w->n.txn_aborts);
  }
}

static void on_check(uv_check_t *c) {
  slp__step(c->data);
}

void slp_worker_stop(slp_worker_t *w, const char *why) {
  if (!w->stop_reason[0])
    snprintf(w->stop_reason, sizeof w->stop_reason, "%s", why ? why : "stop");
  if (w->run == SLP__RUN_INIT) {
    w->stop_requested = true; /* the init job's done callback turns it into DRAINING */
    return;
  }
  if (w->run != SLP__RUN_RUNNING)
    return;
  SLP_INFO("stopping (%s): draining %" PRId64 " outputs in flight, deadline %" PRId64 " ms", why,
           w->in_flight, w->cfg->shutdown_deadline_ms);
  slp__set_run(w, SLP__RUN_DRAINING);
  w->drain_deadline = slp__now_ms(w) + (uint64_t)w->cfg->shutdown_deadline_ms;
  if (w->bp == SLP__BP_HELD) /* paused below; what is still polled is dropped, not stored */
    slp__set_bp(w, SLP__BP_NONE);
  slp__set_paused_all(w, true);
  /* the step, at the end of this loop iteration, closes once drained or past the deadline */
}

/* ---- construction ------------------------------------------------------------------------ */

int slp_worker_new(uv_loop_t *loop, slp_jobs_t *jobs, const slp_config_t *cfg,
                   const char *bootstrap, slp_rules_t *rules, slp_worker_t **out, char *err,
                   size_t errlen) {
  slp_worker_t *w = calloc(1, sizeof *w);
  if (!w)
    return snprintf(err, errlen, "out of memory"), -1;
  w->loop = loop;
  w->jobs = jobs;
  w->cfg = cfg;
  w->eos = cfg->delivery == SLP_EXACTLY_ONCE;
  w->cfd = w->pfd = -1;
  w->rules = slp_rules_ref(rules);
  w->proc = slp_processor_new();
  /* NULL: everything is coded on the loop thread */
  w->coder = cfg->code_helper ? slp_coder_new() : NULL;
  w->coded = calloc(SLP__DRAIN_MAX, sizeof *w->coded);
  uv_mutex_init(&w->txn_mu);
  if (w->eos) { /* read ahead while a batch commits (read_ahead); without them it waits */
    w->held = calloc(SLP__HELD_MAX, sizeof *w->held);
    w->held_coded = calloc(SLP__HELD_MAX, sizeof *w->held_coded);
    if (!w->held || !w->held_coded) {
      free(w->held);
      free(w->held_coded);
      w->held = NULL;
      w->held_coded = NULL;
    }
  }
  char e[512];
  rd_kafka_conf_t *cconf = slp__kconf_build(w, true, bootstrap, err, errlen);
  if (!cconf)
    goto fail;
  w->consumer = rd_kafka_new(RD_KAFKA_CONSUMER, cconf, e, sizeof e);
  if (!w->consumer) {
    snprintf(err, errlen, "kafka consumer: %s", e);
    rd_kafka_conf_destroy(cconf);
    goto fail;
  }
  cconf = NULL; /* now owned by the consumer */
  rd_kafka_conf_t *pconf = slp__kconf_build(w, false, bootstrap, err, errlen);
  if (!pconf)
    goto fail;
  w->producer = rd_kafka_new(RD_KAFKA_PRODUCER, pconf, e, sizeof e);
  if (!w->producer) {
    snprintf(err, errlen, "kafka producer: %s", e);
    rd_kafka_conf_destroy(pconf);
    goto fail;
  }
  pconf = NULL; /* now owned by the producer */
  const char *topics[3] = {cfg->topic_coded, cfg->topic_rejected, cfg->topic_dlq};
  for (int i = 0; i < 3; i++)
    w->rkt_out[i] = rd_kafka_topic_new(w->producer, topics[i], NULL);
  if (!w->proc) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  *out = w;
  return 0;
fail:
  slp_worker_discard(w);
  return -1;
}

void slp_worker_discard(slp_worker_t *w) {
  if (!w)
    return;
  for (int i = 0; i < 3; i++)
    if (w->rkt_out[i])
      rd_kafka_topic_destroy(w->rkt_out[i]);
  if (w->producer)
    rd_kafka_destroy(w->producer);
  if (w->consumer)
    rd_kafka_destroy(w->consumer);
  slp_coder_free(w->coder);
  free(w->coded);
  free(w->held);
  free(w->held_coded);
  uv_mutex_destroy(&w->txn_mu);
  slp_processor_free(w->proc);
  slp_rules_unref(w->rules);
  free(w);
}

void slp__subscribe_and_run(slp_worker_t *w) {
  rd_kafka_topic_partition_list_t *sub = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(sub, w->cfg->topic_input, RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t e = rd_kafka_subscribe(w->consumer, sub);
  rd_kafka_topic_partition_list_destroy(sub);
  if (e) {
    SLP_ERROR("subscribe %s: %s", w->cfg->topic_input, rd_kafka_err2str(e));
    w->exit_rc = EX_UNAVAILABLE;
    slp__set_run(w, SLP__RUN_RUNNING);
    slp_worker_stop(w, "subscribe failed");
    return;
  }
  slp__set_run(w, SLP__RUN_RUNNING);
  w->subscribed = true;
  w->last_input = slp__now_ms(w);
  SLP_INFO("running: %s -> %s | %s | %s, %s", w->cfg->topic_input, w->cfg->topic_coded,
           w->cfg->topic_rejected, w->cfg->topic_dlq, w->eos ? "exactly-once" : "at-least-once");
  w->drain_wanted = true; /* the step serves the consumer queue first thing */
  if (w->stop_requested)
    slp_worker_stop(w, "stopped while starting");
}

int slp_worker_start(slp_worker_t *w, slp_worker_closed_cb cb, void *arg) {
  w->closed_cb = cb;
  w->closed_arg = arg;
  rd_kafka_poll_set_consumer(w->consumer);
  w->cq = rd_kafka_queue_get_consumer(w->consumer);
  w->pq = rd_kafka_queue_get_main(w->producer);
  w->cfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  w->pfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (w->cfd < 0 || w->pfd < 0)
    return -errno;
  static const uint64_t one = 1; /* eventfd takes 8-byte counters */
  rd_kafka_queue_io_event_enable(w->cq, w->cfd, &one, sizeof one);
  rd_kafka_queue_io_event_enable(w->pq, w->pfd, &one, sizeof one);
  uv_poll_init(w->loop, &w->cpoll, w->cfd);
  uv_poll_init(w->loop, &w->ppoll, w->pfd);
  uv_timer_init(w->loop, &w->tick);
  uv_check_init(w->loop, &w->check);
  w->cpoll.data = w->ppoll.data = w->tick.data = w->check.data = w;
  uv_poll_start(&w->cpoll, UV_READABLE, on_cpoll);
  uv_poll_start(&w->ppoll, UV_READABLE, on_ppoll);
  uv_check_start(&w->check, on_check);
  /* poll.interval.ms (default 100); exactly-once: at most a tenth of batch.ms (at least 5 ms),
   * so a batch ends close to batch.ms. */
  uint64_t period = (uint64_t)w->cfg->poll_interval_ms;
  if (w->eos) {
    uint64_t tenth = (uint64_t)w->cfg->batch_ms / 10;
    tenth = tenth < 5 ? 5 : tenth;
    period = tenth < period ? tenth : period;
  }
  uv_timer_start(&w->tick, on_tick, period, period);
  w->last_stats = w->last_poll = w->last_tick = slp__now_ms(w);
  if (w->eos) {
    w->close_job = (slp_job_t){.run = slp__init_txn_run, .done = slp__init_txn_done, .arg = w};
    slp_jobs_submit(w->jobs, &w->close_job);
  } else {
    slp__subscribe_and_run(w);
  }
  return 0;
}

void slp_worker_set_rules(slp_worker_t *w, slp_rules_t *rules) {
  slp_rules_t *old = w->rules;
  w->rules = slp_rules_ref(rules);
  slp_rules_unref(old);
}

const slp_worker_counters_t *slp_worker_counters(const slp_worker_t *w) {
  return &w->n;
}

void slp_worker_free(slp_worker_t *w) {
  if (!w)
    return;
  for (int32_t i = 0; i < w->n_parts; i++)
    if (w->parts[i]) {
      slp_offsets_free(&w->parts[i]->trk);
      free(w->parts[i]);
    }
  free(w->parts);
  if (w->revoking)
    rd_kafka_topic_partition_list_destroy(w->revoking);
  if (w->cfd >= 0)
    close(w->cfd);
  if (w->pfd >= 0)
    close(w->pfd);
  slp_coder_free(w->coder);
  free(w->coded);
  free(w->held); /* empty: dropped at close (slp__begin_close), before the consumer went */
  free(w->held_coded);
  uv_mutex_destroy(&w->txn_mu);
  slp_lathist_free(&w->lat);
  free(w->txn_ts);
  slp_processor_free(w->proc);
  slp__fallback_free(w);
  slp__observe_free(w);
  slp_rules_unref(w->rules);
  slp_kstats_free(&w->kstats);
  free(w);
}
