/* SPDX-License-Identifier: Apache-2.0 */
/* worker_close.c -- the close pipeline: consumer close (jobs thread), the last delivery
 * reports, destroy (jobs thread), the loop handles. */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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

/* librdkafka < 2.3 asserts in rd_kafka_sticky_assignor_state_destroy when a
 * cooperative-sticky consumer is closed or destroyed before its first
 * assignment (librdkafka #4312). Such a consumer has consumed nothing and has
 * nothing to commit: it is left to the process exit, and the group notices
 * the member gone after session.timeout.ms. */
static bool consumer_unsafe_to_close(const slp_worker_t *w) {
  return !w->has_assignment && rd_kafka_version() < 0x020300ff;
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
  if (w->consumer && !consumer_unsafe_to_close(w))
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

static void close_run(slp_job_t *job) {
  slp_worker_t *w = job->arg;
  if (consumer_unsafe_to_close(w)) {
    job->rc = 0;
    return;
  }
  rd_kafka_resp_err_t e = rd_kafka_consumer_close(w->consumer);
  job->rc = (int)e;
}

static void close_done(slp_job_t *job) {
  slp_worker_t *w = job->arg;
  if (job->rc)
    SLP_WARN("consumer close: %s", rd_kafka_err2str((rd_kafka_resp_err_t)job->rc));
  /* Serve the last delivery reports, then detach the queues from the fds. */
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

void slp__begin_close(slp_worker_t *w) {
  if (w->run >= SLP__RUN_CLOSING)
    return;
  slp__set_run(w, SLP__RUN_CLOSING);
  slp__store_offsets(w);
  SLP_INFO("closing consumer consumed=%" PRIu64 " delivered=%" PRIu64 " in_flight=%" PRId64,
           w->n.consumed, w->n.delivered, w->in_flight);
  w->close_job = (slp_job_t){.run = close_run, .done = close_done, .arg = w};
  slp_jobs_submit(w->jobs, &w->close_job);
}

