/* SPDX-License-Identifier: Apache-2.0 */
/* jobs.c -- the blocking-call thread and its uv_async hand-back. */
#include "io/jobs.h"

static void jobs_thread(void *arg) {
  slp_jobs_t *jobs = arg;
  uv_mutex_lock(&jobs->mu);
  for (;;) {
    while (!jobs->todo_head && !jobs->stopping)
      uv_cond_wait(&jobs->cv, &jobs->mu);
    slp_job_t *job = jobs->todo_head;
    if (!job)
      break; /* stopping and nothing left */
    jobs->todo_head = job->next;
    if (!jobs->todo_head)
      jobs->todo_tail = NULL;
    uv_mutex_unlock(&jobs->mu);
    job->run(job);
    uv_mutex_lock(&jobs->mu);
    job->next = NULL;
    if (jobs->done_tail)
      jobs->done_tail->next = job;
    else
      jobs->done_head = job;
    jobs->done_tail = job;
    uv_async_send(&jobs->async);
  }
  uv_mutex_unlock(&jobs->mu);
}

static void on_async(uv_async_t *a) {
  slp_jobs_t *jobs = a->data;
  uv_mutex_lock(&jobs->mu);
  slp_job_t *list = jobs->done_head;
  jobs->done_head = jobs->done_tail = NULL;
  uv_mutex_unlock(&jobs->mu);
  while (list) {
    slp_job_t *next = list->next;
    jobs->busy--;
    if (list->done)
      list->done(list); /* may free list */
    list = next;
  }
}

int slp_jobs_init(slp_jobs_t *jobs, uv_loop_t *loop) {
  *jobs = (slp_jobs_t){0};
  int rc = uv_async_init(loop, &jobs->async, on_async);
  if (rc)
    return rc;
  jobs->async.data = jobs;
  uv_mutex_init(&jobs->mu);
  uv_cond_init(&jobs->cv);
  rc = uv_thread_create(&jobs->thread, jobs_thread, jobs);
  if (rc)
    return rc;
  jobs->started = true;
  return 0;
}

void slp_jobs_submit(slp_jobs_t *jobs, slp_job_t *job) {
  job->next = NULL;
  jobs->busy++;
  uv_mutex_lock(&jobs->mu);
  if (jobs->todo_tail)
    jobs->todo_tail->next = job;
  else
    jobs->todo_head = job;
  jobs->todo_tail = job;
  uv_cond_signal(&jobs->cv);
  uv_mutex_unlock(&jobs->mu);
}

void slp_jobs_close(slp_jobs_t *jobs) {
  if (jobs->started) {
    uv_mutex_lock(&jobs->mu);
    jobs->stopping = true;
    uv_cond_signal(&jobs->cv);
    uv_mutex_unlock(&jobs->mu);
    uv_thread_join(&jobs->thread);
    jobs->started = false;
    on_async(&jobs->async); /* deliver what finished last */
  }
  if (!uv_is_closing((uv_handle_t *)&jobs->async))
    uv_close((uv_handle_t *)&jobs->async, NULL);
}
