/* SPDX-License-Identifier: Apache-2.0 */
/* worker_observe.c -- the output observer (slp_worker_on_output): each output reported once it
 * is acknowledged, so that counting and printing outputs can live outside the worker. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "io/worker_internal.h"

_Static_assert((int)SLP__OUT_CODED == (int)SLP_WORKER_OUT_CODED &&
                   (int)SLP__OUT_REJECTED == (int)SLP_WORKER_OUT_REJECTED &&
                   (int)SLP__OUT_DLQ == (int)SLP_WORKER_OUT_DLQ,
               "the observer's topic index is the worker's");

/* Exactly-once: a copy of an output delivered into the open transaction. */
struct slp__obs {
  slp_worker_output_t out;
  void *key, *value;
};

void slp_worker_on_output(slp_worker_t *w, slp_worker_output_cb cb, void *arg) {
  w->out_cb = cb;
  w->out_arg = arg;
}

static void *dup_or_null(const void *p, size_t n) {
  if (!p)
    return NULL;
  void *q = malloc(n ? n : 1);
  if (!q)
    abort(); /* out of memory: as elsewhere in the worker, the supervisor restarts us */
  if (n)
    memcpy(q, p, n);
  return q;
}

void slp__observe_dr(slp_worker_t *w, const slp__rec_t *rec, const rd_kafka_message_t *rkm) {
  slp_worker_output_t out = {.topic = rec->out,
                             .key = rkm->key,
                             .klen = rkm->key_len,
                             .value = rkm->payload,
                             .vlen = rkm->len,
                             .partition = rec->part ? rec->part->id : -1,
                             .offset = rec->offset};
  if (!w->eos) {
    w->out_cb(w, &out, w->out_arg);
    return;
  }
  if (w->obs_n == w->obs_cap) {
    size_t cap = w->obs_cap ? w->obs_cap * 2 : 256;
    struct slp__obs *v = realloc(w->obs, cap * sizeof *v);
    if (!v)
      abort();
    w->obs = v;
    w->obs_cap = cap;
  }
  struct slp__obs *o = &w->obs[w->obs_n++];
  o->key = dup_or_null(rkm->key, rkm->key_len);
  o->value = dup_or_null(rkm->payload, rkm->len);
  o->out = out;
  o->out.key = o->key;
  o->out.value = o->value;
}

void slp__observe_txn_end(slp_worker_t *w, bool committed) {
  for (size_t i = 0; i < w->obs_n; i++) {
    if (committed && w->out_cb)
      w->out_cb(w, &w->obs[i].out, w->out_arg);
    free(w->obs[i].key);
    free(w->obs[i].value);
  }
  w->obs_n = 0;
}

void slp__observe_free(slp_worker_t *w) {
  slp__observe_txn_end(w, false);
  free(w->obs);
  w->obs = NULL;
  w->obs_cap = 0;
}
