/* SPDX-License-Identifier: Apache-2.0 */
/* jobs.h -- a dedicated thread for librdkafka's blocking calls (transaction
 * commit/abort, send_offsets_to_transaction, committed, flush, destroy),
 * reporting back to the libuv loop through uv_async.
 *
 * Not libuv's shared thread pool: a blocking Kafka call there starves DNS and
 * file work (node-rdkafka's lesson). Jobs run one at a time, in order.
 *
 * Ownership: the caller owns the slp_jobs_t; it must outlive the loop's close
 * of its async handle (slp_jobs_close' callback).
 */
#ifndef SLPCODER_IO_JOBS_H
#define SLPCODER_IO_JOBS_H

#include <stdbool.h>
#include <uv.h>

typedef struct slp_job slp_job_t;
/* run: on the jobs thread. done: on the loop thread, after run returned. */
typedef void (*slp_job_fn)(slp_job_t *job);

struct slp_job {
  slp_job_fn run;
  slp_job_fn done;
  void *arg;
  int rc;          /* for run to report to done */
  slp_job_t *next; /* internal */
};

typedef struct slp_jobs {
  uv_thread_t thread;
  uv_mutex_t mu;
  uv_cond_t cv;
  uv_async_t async;
  slp_job_t *todo_head, *todo_tail;
  slp_job_t *done_head, *done_tail;
  bool stopping;
  bool started;
  int busy; /* submitted and not yet done (loop thread) */
} slp_jobs_t;

/* Loop thread. Returns 0 or a negative libuv error. */
int slp_jobs_init(slp_jobs_t *jobs, uv_loop_t *loop);
/* Loop thread. The job memory stays the caller's until done runs. */
void slp_jobs_submit(slp_jobs_t *jobs, slp_job_t *job);
/* Loop thread: join the thread (after queued jobs ran) and close the async handle. */
void slp_jobs_close(slp_jobs_t *jobs);

#endif /* SLPCODER_IO_JOBS_H */
