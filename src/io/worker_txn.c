/* SPDX-License-Identifier: Apache-2.0 */
/* worker_txn.c -- exactly-once: init, batch commits on the jobs thread, abort and rewind. */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include <librdkafka/rdkafka.h>

#include "io/log.h"
#include "io/worker_internal.h"

enum { TXN_OK = 0, TXN_ABORTED, TXN_FATAL };

/* ---- exactly-once batches ---------------------------------------------------------------- */

/* The transaction job runs while the consumer queue is not served (positions must not move),
 * so all of it, retries included, must end well inside max.poll.interval.ms or the member is
 * thrown out of the group. Each step below gets what is left of that budget; a retriable
 * error is retried (as librdkafka's examples/transactions.c does) until it runs out. */
enum {
  TXN_BUDGET_PCT = 60,      /* of max.poll.interval.ms, for the whole job */
  TXN_SEND_MS = 30000,      /* per call, at most */
  TXN_COMMIT_MS = 60000,    /* per call, at most */
  TXN_RETRY_PAUSE_MS = 100, /* between two tries of a retriable error */
};

static int budget_left(const slp_worker_t *w) { /* ms, jobs thread */
  uint64_t now = uv_hrtime();
  return now >= w->txn_deadline_ns ? 0 : (int)((w->txn_deadline_ns - now) / 1000000);
}

static int capped(int ms, int left) {
  return ms < left ? ms : left;
}

/* One call, retried while its error is retriable and the budget lasts. */
static rd_kafka_error_t *txn_retry(slp_worker_t *w, const char *what,
                                   rd_kafka_error_t *(*call)(slp_worker_t *w, int timeout_ms),
                                   int per_call_ms) {
  rd_kafka_error_t *err;
  for (int tries = 1;; tries++) {
    err = call(w, capped(per_call_ms, budget_left(w)));
    if (!err || !rd_kafka_error_is_retriable(err) || budget_left(w) <= TXN_RETRY_PAUSE_MS)
      return err; /* a retriable error past the budget is a failure (txn_run classifies it) */
    SLP_DEBUG("%s: %s; trying again (try %d, %d ms of the budget left)", what,
              rd_kafka_error_string(err), tries, budget_left(w));
    rd_kafka_error_destroy(err);
    uv_sleep(TXN_RETRY_PAUSE_MS);
  }
}

static rd_kafka_error_t *call_send_offsets(slp_worker_t *w, int timeout_ms) {
  return rd_kafka_send_offsets_to_transaction(w->producer, w->txn_offsets, w->txn_gmd, timeout_ms);
}

static rd_kafka_error_t *call_commit(slp_worker_t *w, int timeout_ms) {
  return rd_kafka_commit_transaction(w->producer, timeout_ms);
}

static rd_kafka_error_t *call_abort(slp_worker_t *w, int timeout_ms) {
  return rd_kafka_abort_transaction(w->producer, timeout_ms);
}

/* Abort, then rewind every partition held to its committed offset, so that the transaction's
 * inputs are read again. TXN_ABORTED, or TXN_FATAL with txn_err set. */
static int txn_abort_and_rewind(slp_worker_t *w) {
  rd_kafka_error_t *err = txn_retry(w, "abort_transaction", call_abort, TXN_COMMIT_MS);
  if (err) {
    snprintf(w->txn_err, sizeof w->txn_err, "abort: %s", rd_kafka_error_string(err));
    rd_kafka_error_destroy(err);
    return TXN_FATAL;
  }
  int rc = TXN_ABORTED;
  /* The rewind is what makes the abort lose nothing: it gets a second at least, and a
   * failure stops the worker (a restart reads from the committed offsets). */
  int t = capped(TXN_SEND_MS, budget_left(w));
  t = t < 1000 ? 1000 : t;
  rd_kafka_topic_partition_list_t *asg = NULL;
  rd_kafka_resp_err_t e2 = RD_KAFKA_RESP_ERR_NO_ERROR;
  if (!rd_kafka_assignment(w->consumer, &asg) && asg->cnt > 0 &&
      (e2 = rd_kafka_committed(w->consumer, asg, t)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    snprintf(w->txn_err, sizeof w->txn_err, "committed offsets after abort: %s",
             rd_kafka_err2str(e2));
    rc = TXN_FATAL;
  } else if (asg && asg->cnt > 0) {
    for (int i = 0; i < asg->cnt; i++)
      if (asg->elems[i].offset < 0)
        asg->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_error_t *e3 = rd_kafka_seek_partitions(w->consumer, asg, t);
    if (e3) {
      snprintf(w->txn_err, sizeof w->txn_err, "seek after abort: %s", rd_kafka_error_string(e3));
      rc = TXN_FATAL;
      rd_kafka_error_destroy(e3);
    }
  }
  if (asg)
    rd_kafka_topic_partition_list_destroy(asg);
  return rc;
}

/* Send the offsets, commit; on an abortable error (or abort_needed) abort and rewind; a fatal
 * error, or one still retriable when the budget is spent, stops the worker. */
static void txn_run(slp_job_t *job) { /* jobs thread */
  slp_worker_t *w = job->arg;
  rd_kafka_error_t *err = NULL;
  uint64_t t0 = uv_hrtime();
  job->rc = TXN_OK;
  w->txn_err[0] = 0;
  if (!w->abort_needed && w->txn_offsets->cnt > 0)
    err = txn_retry(w, "send_offsets_to_transaction", call_send_offsets, TXN_SEND_MS);
  uint64_t t1 = uv_hrtime();
  if (!err && !w->abort_needed)
    err = txn_retry(w, "commit_transaction", call_commit, TXN_COMMIT_MS);
  w->txn_run_ns = uv_hrtime() - t0;
  SLP_DEBUG("transaction send_offsets_ms=%.1f commit_ms=%.1f", (double)(t1 - t0) / 1e6,
            (double)(uv_hrtime() - t1) / 1e6);
  if (err || w->abort_needed) {
    if (err)
      snprintf(w->txn_err, sizeof w->txn_err, "%s", rd_kafka_error_string(err));
    else
      snprintf(w->txn_err, sizeof w->txn_err, "abort requested");
    if (err && (rd_kafka_error_is_fatal(err) || !rd_kafka_error_txn_requires_abort(err))) {
      job->rc = TXN_FATAL;
    } else {
      /* The loop thread reads ahead while we commit (worker.c, read_ahead): from here on it
       * polls nothing more, so that all it holds was polled before the seek. */
      uv_mutex_lock(&w->txn_mu);
      w->txn_rewinding = true;
      uv_mutex_unlock(&w->txn_mu);
      job->rc = txn_abort_and_rewind(w);
    }
  }
  if (err)
    rd_kafka_error_destroy(err);
}

static void txn_done(slp_job_t *job) { /* loop thread */
  slp_worker_t *w = job->arg;
  /* The observer reports what this transaction holds: its delivery reports, queued before
   * the commit (or abort) returned, are served first, not counted into the next one. */
  if (w->out_cb)
    slp__drain_producer(w);
  slp__set_txn(w, SLP__TXN_NONE);
  w->batch_count = 0;
  uv_mutex_lock(&w->txn_mu);
  w->txn_rewinding = false;
  uv_mutex_unlock(&w->txn_mu);
  if (job->rc != TXN_OK)
    slp__held_drop(w); /* beyond the committed offsets: read again after the rewind */
  w->drain_wanted = true; /* what was read ahead, and the queue, are served next */
  if (job->rc == TXN_OK && w->n_poison)
    slp__poison_prune(w, w->txn_offsets); /* committed: those inputs are never read again */
  rd_kafka_topic_partition_list_destroy(w->txn_offsets);
  w->txn_offsets = NULL;
  rd_kafka_consumer_group_metadata_destroy(w->txn_gmd);
  w->txn_gmd = NULL;
  if (job->rc == TXN_OK) {
    uint64_t ms = w->txn_run_ns / 1000000;
    w->txn_avg_ms = w->txn_avg_ms ? (w->txn_avg_ms * 7 + ms) / 8 : ms;
    w->n.txn_commits++;
    int64_t now = slp_lathist_now_ms();
    for (size_t i = 0; i < w->txn_ts_n; i++)
      slp_lathist_add(&w->lat, now - w->txn_ts[i]);
  } else {
    w->n.txn_aborts++;
    SLP_WARN("transaction aborted: %s", w->txn_err);
    for (int32_t i = 0; i < w->n_parts; i++)
      if (w->parts[i]) {
        slp_offsets_reset(&w->parts[i]->trk);
        w->parts[i]->next_offset = -1;
      }
  }
  slp__observe_txn_end(w, job->rc == TXN_OK);
  w->txn_ts_n = 0; /* aborted inputs are read again and counted then, from the same timestamp */
  w->abort_needed = false;
  if (job->rc == TXN_FATAL) {
    SLP_ERROR("fatal transaction error: %s", w->txn_err);
    slp__fatal_stop(w, "fatal transaction error");
  }
  /* A stop that came while this commit ran: it was the last one (the step closes). What
   * comes next otherwise (a revoke given up, the consumer queue served again) is the step's. */
  if (w->run == SLP__RUN_DRAINING)
    slp__set_run(w, SLP__RUN_FINAL_COMMIT);
}

int slp__txn_budget_ms(const slp_worker_t *w) {
  const char *mpi = slp_config_kafka_get(w->cfg, "max.poll.interval.ms");
  long long ms = mpi ? strtoll(mpi, NULL, 10) : 0;
  if (ms <= 0)
    ms = 300000; /* librdkafka's default */
  return (int)(ms * TXN_BUDGET_PCT / 100);
}

void slp__txn_start_commit(slp_worker_t *w) {
  if (!w->eos || w->txn != SLP__TXN_OPEN)
    return;
  if (w->pend_head && !w->abort_needed)
    return; /* outputs not yet handed to librdkafka: committing now would pass their inputs
               (tried again from on_tick and after the queue drains) */
  /* The consumer queue is simply not served until the commit is done (see
   * slp__drain_consumer): positions cannot move, and fetching goes on meanwhile.
   * Pausing the partitions instead costs about a second per batch on resume. */
  slp__set_txn(w, SLP__TXN_COMMITTING);
  w->txn_offsets = rd_kafka_topic_partition_list_new(8);
  for (int32_t i = 0; i < w->n_parts; i++) {
    slp__part_t *p = w->parts[i];
    if (p && p->state != SLP__P_NONE && p->next_offset >= 0)
      rd_kafka_topic_partition_list_add(w->txn_offsets, w->cfg->topic_input, p->id)->offset =
          p->next_offset;
  }
  w->txn_gmd = rd_kafka_consumer_group_metadata(w->consumer);
  w->txn_deadline_ns = uv_hrtime() + (uint64_t)slp__txn_budget_ms(w) * 1000000;
  w->txn_job = (slp_job_t){.run = txn_run, .done = txn_done, .arg = w};
  slp_jobs_submit(w->jobs, &w->txn_job);
}

void slp__init_txn_run(slp_job_t *job) {
  slp_worker_t *w = job->arg;
  rd_kafka_error_t *err = rd_kafka_init_transactions(w->producer, 60000);
  job->rc = 0;
  if (err) {
    snprintf(w->txn_err, sizeof w->txn_err, "%s", rd_kafka_error_string(err));
    job->rc = -1;
    rd_kafka_error_destroy(err);
  }
}

void slp__init_txn_done(slp_job_t *job) {
  slp_worker_t *w = job->arg;
  if (job->rc) {
    SLP_ERROR("init_transactions: %s", w->txn_err);
    w->exit_rc = EX_UNAVAILABLE;
  }
  if (job->rc || w->stop_requested) { /* nothing consumed: the step closes straight away */
    slp__set_run(w, SLP__RUN_FINAL_COMMIT);
    return;
  }
  slp__subscribe_and_run(w);
}
