/* SPDX-License-Identifier: Apache-2.0 */
/* worker_close.c -- the close pipeline: consumer close (on the loop), the last delivery
 * reports, destroy (jobs thread), the loop handles. */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <librdkafka/rdkafka.h>

#include "io/log.h"
#include "io/worker_internal.h"

static void on_handle_closed(uv_handle_t *h) {
  slp_worker_t *w = h->data;
  if (--w->open_handles == 0) {
    slp__set_run(w, SLP__RUN_DONE);
    if (w->closed_cb)
      w->closed_cb(w, w->exit_rc, w->closed_arg);
  }
}

static void destroy_run(slp_job_t *job) {
  slp_worker_t *w = job->arg;
  if (w->producer) {
    if (!w->eos)
      rd_kafka_flush(w->producer, 5000);
    for (int i = 0; i < 3; i++)
      if (w->rkt_out[i])
        rd_kafka_topic_destroy(w->rkt_out[i]);
    rd_kafka_destroy(w->producer);
  }
  if (w->consumer && !slp__consumer_unsafe_to_close(w) && !w->consumer_abandoned)
    rd_kafka_destroy(w->consumer);
}

static void destroy_done(slp_job_t *job) {
  slp_worker_t *w = job->arg;
  w->producer = w->consumer = NULL;
  memset(w->rkt_out, 0, sizeof w->rkt_out);
  w->open_handles = 4;
  uv_close((uv_handle_t *)&w->cpoll, on_handle_closed);
  uv_close((uv_handle_t *)&w->ppoll, on_handle_closed);
  uv_close((uv_handle_t *)&w->tick, on_handle_closed);
  uv_close((uv_handle_t *)&w->check, on_handle_closed);
}

/* The consumer is closed (or given up on): serve the last delivery reports, detach the queues
 * from the fds, drop what still waits for queue room, destroy on the jobs thread. */
static void close_finish(slp_worker_t *w) {
  slp__drain_producer(w);
  uv_poll_stop(&w->cpoll);
  uv_poll_stop(&w->ppoll);
  uv_timer_stop(&w->tick);
  uv_check_stop(&w->check);
  rd_kafka_queue_io_event_enable(w->cq, -1, NULL, 0);
  rd_kafka_queue_io_event_enable(w->pq, -1, NULL, 0);
  rd_kafka_queue_destroy(w->cq);
  rd_kafka_queue_destroy(w->pq);
  w->cq = w->pq = NULL;
  /* Outputs still queued for room (deadline passed) are dropped: not stored. */
  while (w->pend_head) {
    slp__pend_t *pd = w->pend_head;
    w->pend_head = pd->next;
    rd_kafka_headers_destroy(pd->hdrs);
    free(pd->key);
    free(pd->val);
    slp__rec_free(pd->rec);
    free(pd);
  }
  w->pend_tail = NULL;
  w->close_job = (slp_job_t){.run = destroy_run, .done = destroy_done, .arg = w};
  slp_jobs_submit(w->jobs, &w->close_job);
}

static void closeq_release(slp_worker_t *w) {
  rd_kafka_queue_io_event_enable(w->closeq, -1, NULL, 0);
  rd_kafka_queue_destroy(w->closeq);
  w->closeq = NULL;
}

void slp__close_serve(slp_worker_t *w) {
  if (!w->closeq)
    return;
  /* Rebalance callbacks (slp__rebalance_cb unassigns: `closing` is set) are served inside;
   * anything still fetched is for partitions being given up: not stored. */
  rd_kafka_message_t *rkm;
  while ((rkm = rd_kafka_consume_queue(w->closeq, 0)))
    rd_kafka_message_destroy(rkm);
  if (rd_kafka_consumer_closed(w->consumer)) {
    closeq_release(w);
    close_finish(w);
    return;
  }
  if (slp__now_ms(w) < w->close_deadline)
    return;
  /* The group coordinator cannot be reached (no broker): librdkafka would wait for the
   * offset commit and the leave to time out (session.timeout.ms and more). The offsets stored
   * since the last auto commit are not committed (their inputs are read again by the next
   * owner); the consumer is left to the process exit, as destroying it would wait the same. */
  SLP_WARN("consumer close not finished %" PRIu64
           " ms past the shutdown deadline (group coordinator unreachable?); leaving it",
           (uint64_t)SLP__CLOSE_GRACE_MS);
  w->consumer_abandoned = true;
  if (!w->exit_rc)
    w->exit_rc = EX_UNAVAILABLE;
  closeq_release(w);
  close_finish(w);
}

/* The consumer is closed on the loop (rd_kafka_consumer_close_queue, librdkafka >= 2.0): the
 * step serves the close queue until rd_kafka_consumer_closed, at most until the shutdown
 * deadline plus SLP__CLOSE_GRACE_MS, so that a cluster gone cannot hold the process. */
void slp__begin_close(slp_worker_t *w) {
  if (w->run >= SLP__RUN_CLOSING)
    return;
  slp__set_run(w, SLP__RUN_CLOSING);
  slp__held_drop(w); /* read ahead during a commit, never handled: the next owner reads them */
  slp__store_offsets(w);
  SLP_INFO("closing consumer consumed=%" PRIu64 " delivered=%" PRIu64 " in_flight=%" PRId64,
           w->n.consumed, w->n.delivered, w->in_flight);
  uint64_t now = slp__now_ms(w);
  w->close_deadline = (w->drain_deadline > now ? w->drain_deadline : now) + SLP__CLOSE_GRACE_MS;
  if (slp__consumer_unsafe_to_close(w)) {
    close_finish(w);
    return;
  }
  w->closeq = rd_kafka_queue_new(w->consumer);
  rd_kafka_error_t *e = rd_kafka_consumer_close_queue(w->consumer, w->closeq);
  if (e) {
    SLP_WARN("consumer close: %s", rd_kafka_error_string(e));
    rd_kafka_error_destroy(e);
    closeq_release(w);
    close_finish(w);
    return;
  }
  static const uint64_t one = 1; /* the consumer's eventfd wakes the loop for close events */
  rd_kafka_queue_io_event_enable(w->closeq, w->cfd, &one, sizeof one);
  slp__close_serve(w);
}
