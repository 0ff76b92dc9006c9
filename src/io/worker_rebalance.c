/* SPDX-License-Identifier: Apache-2.0 */
/* worker_rebalance.c -- partition table; cooperative-sticky assign/revoke/lost, drain first. */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "io/log.h"
#include "io/worker_internal.h"

/* ---- partitions -------------------------------------------------------------- */

static slp__part_t *part_get(slp_worker_t *w, int32_t id) {
  if (id < 0)
    return NULL;
  if (id >= w->n_parts) {
    int32_t n = id + 1 > 2 * w->n_parts ? id + 1 : 2 * w->n_parts;
    slp__part_t **np = realloc(w->parts, (size_t)n * sizeof *np);
    if (!np)
      return NULL;
    memset(np + w->n_parts, 0, (size_t)(n - w->n_parts) * sizeof *np);
    w->parts = np;
    w->n_parts = n;
  }
  if (!w->parts[id]) {
    slp__part_t *p = calloc(1, sizeof *p);
    if (!p || slp_offsets_init(&p->trk, (size_t)w->cfg->max_in_flight + 64) != 0) {
      free(p);
      return NULL;
    }
    p->id = id;
    p->next_offset = -1;
    w->parts[id] = p;
  }
  return w->parts[id];
}

slp__part_t *slp__part_find(slp_worker_t *w, int32_t id) {
  return id >= 0 && id < w->n_parts ? w->parts[id] : NULL;
}

/* ---- rebalance -------------------------------------------------------------------------- */

static void unassign(slp_worker_t *w, rd_kafka_topic_partition_list_t *l) {
  rd_kafka_error_t *err = rd_kafka_incremental_unassign(w->consumer, l);
  if (err) {
    SLP_WARN("incremental_unassign: %s", rd_kafka_error_string(err));
    rd_kafka_error_destroy(err);
  }
}

/* The revoked partitions' work is done (or the deadline passed): give them up. */
void slp__finish_revoke(slp_worker_t *w) {
  rd_kafka_topic_partition_list_t *l = w->revoking;
  w->revoking = NULL;
  slp__store_offsets(w);
  for (int i = 0; i < l->cnt; i++) {
    slp__part_t *p = slp__part_find(w, l->elems[i].partition);
    if (p) {
      p->state = SLP__P_NONE;
      p->paused = false;
      slp_offsets_reset(&p->trk);
      p->next_offset = -1;
    }
  }
  SLP_INFO("revoked %d partitions after drain", l->cnt);
  /* librdkafka 2.0 keeps an application pause on the partition across unassign: one
   * that came back to us later would never be fetched again. Anything fetched between
   * here and the unassign is dropped (not stored), for the next owner to read. */
  rd_kafka_resume_partitions(w->consumer, l);
  unassign(w, l);
  rd_kafka_topic_partition_list_destroy(l);
}

void slp__check_revoke(slp_worker_t *w) {
  if (!w->revoking)
    return;
  if (w->eos) {
    if (w->txn != SLP__TXN_NONE) {
      if (w->txn == SLP__TXN_OPEN)
        slp__txn_start_commit(w);
      return;
    }
    slp__finish_revoke(w);
    return;
  }
  bool drained = true;
  for (int i = 0; i < w->revoking->cnt && drained; i++) {
    slp__part_t *p = slp__part_find(w, w->revoking->elems[i].partition);
    if (p && slp_offsets_in_flight(&p->trk) > 0)
      drained = false;
  }
  if (drained || slp__now_ms(w) >= w->revoke_deadline) {
    if (!drained)
      SLP_WARN("revoke drain deadline passed; giving partitions up with work in flight");
    slp__finish_revoke(w);
  }
}

void slp__rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                       rd_kafka_topic_partition_list_t *parts, void *opaque) {
  slp_worker_t *w = opaque;
  if (atomic_load(&w->closing)) {
    /* The consumer close (slp__close_serve): the work is drained and stored already. */
    rd_kafka_error_t *e = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS
                              ? rd_kafka_incremental_assign(rk, parts)
                              : rd_kafka_incremental_unassign(rk, parts);
    if (e)
      rd_kafka_error_destroy(e);
    return;
  }
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    w->rebalances[SLP__REB_ASSIGN]++;
    for (int i = 0; i < parts->cnt; i++) {
      slp__part_t *p = part_get(w, parts->elems[i].partition);
      if (!p)
        abort();
      p->state = SLP__P_ACTIVE;
      p->paused = false;
      slp_offsets_reset(&p->trk);
      p->next_offset = -1;
    }
    rd_kafka_error_t *e = rd_kafka_incremental_assign(rk, parts);
    if (e) {
      SLP_ERROR("incremental_assign: %s", rd_kafka_error_string(e));
      rd_kafka_error_destroy(e);
    }
    w->has_assignment = true;
    w->last_input = slp__now_ms(w); /* idle counts from the assignment */
    SLP_INFO("assigned %d partitions (%s)", parts->cnt, rd_kafka_rebalance_protocol(rk));
    if (w->bp == SLP__BP_PAUSED || w->run != SLP__RUN_RUNNING) {
      slp__set_paused_all(w, true);
    } else {
      /* librdkafka keeps a partition's pause flag across unassign and assign (#1849): one this
       * worker paused on an earlier revoke comes back paused and would never be fetched. */
      rd_kafka_resp_err_t re = rd_kafka_resume_partitions(rk, parts);
      if (re)
        SLP_WARN("resume assigned partitions: %s", rd_kafka_err2str(re));
    }
    return;
  }
  if (err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    SLP_ERROR("rebalance error: %s", rd_kafka_err2str(err));
    return;
  }
  w->rebalances[rd_kafka_assignment_lost(rk) ? SLP__REB_LOST : SLP__REB_REVOKE]++;
  if (rd_kafka_assignment_lost(rk)) {
    SLP_WARN("lost %d partitions: dropping their work without storing offsets", parts->cnt);
    for (int i = 0; i < parts->cnt; i++) {
      slp__part_t *p = slp__part_find(w, parts->elems[i].partition);
      if (p) {
        p->state = SLP__P_NONE;
        slp_offsets_reset(&p->trk);
        p->next_offset = -1;
      }
    }
    if (w->eos && w->txn != SLP__TXN_NONE)
      w->abort_needed = true;
    rd_kafka_resume_partitions(rk, parts); /* a back-pressure pause would outlive them */
    unassign(w, parts);
    return;
  }
  /* Revoke: pause, drain (at-least-once) or commit (exactly-once), then unassign. */
  rd_kafka_pause_partitions(rk, parts);
  for (int i = 0; i < parts->cnt; i++) {
    slp__part_t *p = slp__part_find(w, parts->elems[i].partition);
    if (p)
      p->state = SLP__P_REVOKING;
  }
  if (!w->revoking) {
    w->revoking = rd_kafka_topic_partition_list_copy(parts);
    w->revoke_deadline = slp__now_ms(w) + (uint64_t)w->cfg->shutdown_deadline_ms;
  } else {
    for (int i = 0; i < parts->cnt; i++)
      rd_kafka_topic_partition_list_add(w->revoking, parts->elems[i].topic,
                                        parts->elems[i].partition);
  }
  int64_t unstored = 0; /* what the drain waits for (slp__check_revoke) */
  for (int i = 0; i < parts->cnt; i++) {
    slp__part_t *p = slp__part_find(w, parts->elems[i].partition);
    if (p)
      unstored += (int64_t)slp_offsets_in_flight(&p->trk);
  }
  SLP_INFO("revoking %d partitions: draining first (%" PRId64
           " of their inputs not yet stored; %" PRId64 " outputs in flight in all)",
           parts->cnt, unstored, w->in_flight);
  /* the step gives them up once drained (slp__check_revoke) */
}
