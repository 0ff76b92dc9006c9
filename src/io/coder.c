/* SPDX-License-Identifier: Apache-2.0 */
/* coder.c -- a batch coded on the loop thread and one helper (fork-join). */
#include "io/coder.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

enum { CHUNK = 16 }; /* inputs claimed at a time */

struct slp_coder {
  uv_thread_t thread;
  uv_mutex_t mu;
  uv_cond_t cv;          /* the helper waits for a job; the caller for the last chunk */
  slp_processor_t *proc; /* the helper's own */
  /* the current job, under mu */
  uint64_t gen; /* bumped per job: a helper that wakes late never touches a newer one */
  const slp_rules_t *rules;
  const slp_coder_in_t *in;
  slp_coded_t *out;
  size_t n, next, done;
  bool stopping;
};

static char *dupstr(const char *s) {
  return s ? strdup(s) : NULL;
}

static void code_one(slp_processor_t *p, const slp_rules_t *rules, const slp_coder_in_t *in,
                     slp_coded_t *o) {
  slp_processed_t pr;
  memset(o, 0, sizeof *o);
  o->rc = slp_process_payload(p, rules, in->payload ? in->payload : (const void *)"", in->len,
                              &pr);
  if (o->rc != 0)
    return;
  o->kind = pr.kind;
  o->event_id = dupstr(pr.event_id ? pr.event_id : "");
  o->rules_version = dupstr(pr.rules_version);
  if (pr.kind == SLP_OUTPUT_CLAIM || pr.kind == SLP_OUTPUT_REJECTION) {
    o->bytes = malloc(pr.len ? pr.len : 1);
    if (o->bytes && pr.len)
      memcpy(o->bytes, pr.bytes, pr.len);
    o->len = pr.len;
    if (pr.kind == SLP_OUTPUT_REJECTION) {
      const slp_result_t *res = slp_processor_result(p);
      o->rule_id = res && res->n_findings ? res->findings[0].rule_id : NULL;
    }
  } else {
    memcpy(o->error, pr.error, sizeof o->error);
  }
  if (!o->event_id || ((pr.kind == SLP_OUTPUT_CLAIM || pr.kind == SLP_OUTPUT_REJECTION) &&
                       !o->bytes))
    o->rc = -12; /* -ENOMEM, as slp_process_payload reports it */
}

/* Claim and code chunks of job `gen` with processor p until none is left. mu held on entry
 * and on return. */
static void work(slp_coder_t *c, slp_processor_t *p, uint64_t gen) {
  while (c->gen == gen && c->next < c->n) {
    size_t i = c->next, end = i + CHUNK < c->n ? i + CHUNK : c->n;
    c->next = end;
    const slp_rules_t *rules = c->rules;
    const slp_coder_in_t *in = c->in;
    slp_coded_t *out = c->out;
    uv_mutex_unlock(&c->mu);
    for (size_t k = i; k < end; k++)
      code_one(p, rules, &in[k], &out[k]);
    uv_mutex_lock(&c->mu);
    c->done += end - i; /* the job cannot end (nor gen move) before this chunk is counted */
    if (c->done == c->n)
      uv_cond_broadcast(&c->cv);
  }
}

static void helper(void *arg) {
  slp_coder_t *c = arg;
  uint64_t seen = 0;
  uv_mutex_lock(&c->mu);
  for (;;) {
    while (c->gen == seen && !c->stopping)
      uv_cond_wait(&c->cv, &c->mu);
    if (c->stopping)
      break;
    seen = c->gen;
    work(c, c->proc, seen);
  }
  uv_mutex_unlock(&c->mu);
}

slp_coder_t *slp_coder_new(void) {
  slp_coder_t *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->proc = slp_processor_new();
  if (!c->proc) {
    free(c);
    return NULL;
  }
  uv_mutex_init(&c->mu);
  uv_cond_init(&c->cv);
  if (uv_thread_create(&c->thread, helper, c) != 0) {
    uv_cond_destroy(&c->cv);
    uv_mutex_destroy(&c->mu);
    slp_processor_free(c->proc);
    free(c);
    return NULL;
  }
  return c;
}

void slp_coder_free(slp_coder_t *c) {
  if (!c)
    return;
  uv_mutex_lock(&c->mu);
  c->stopping = true;
  uv_cond_broadcast(&c->cv);
  uv_mutex_unlock(&c->mu);
  uv_thread_join(&c->thread);
  uv_cond_destroy(&c->cv);
  uv_mutex_destroy(&c->mu);
  slp_processor_free(c->proc);
  free(c);
}

void slp_coder_run(slp_coder_t *c, slp_processor_t *own, const slp_rules_t *rules,
                   const slp_coder_in_t *in, slp_coded_t *out, size_t n) {
  if (!c) { /* no helper: all on the caller's thread */
    for (size_t k = 0; k < n; k++)
      code_one(own, rules, &in[k], &out[k]);
    return;
  }
  /* Both threads claim chunks; the caller never waits for a helper that has not started
   * (on a loaded box it may not get a core for a while): only for chunks already taken. */
  uv_mutex_lock(&c->mu);
  c->gen++;
  c->rules = rules;
  c->in = in;
  c->out = out;
  c->n = n;
  c->next = c->done = 0;
  uv_cond_broadcast(&c->cv);
  work(c, own, c->gen);
  while (c->done < c->n)
    uv_cond_wait(&c->cv, &c->mu);
  uv_mutex_unlock(&c->mu);
}

void slp_coded_release(slp_coded_t *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(out[i].bytes);
    free(out[i].event_id);
    free(out[i].rules_version);
    out[i] = (slp_coded_t){0};
  }
}
