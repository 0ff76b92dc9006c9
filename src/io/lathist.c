/* SPDX-License-Identifier: Apache-2.0 */
/* lathist.c -- a millisecond histogram and its quantiles. */
#include "io/lathist.h"

#include <stdlib.h>
#include <time.h>

void slp_lathist_add(slp_lathist_t *l, int64_t ms) {
  if (!l->buckets && !(l->buckets = calloc(SLP_LATHIST_MAX_MS + 2, sizeof *l->buckets)))
    return;
  if (ms < 0)
    ms = 0;
  if (ms > l->max_ms)
    l->max_ms = ms;
  l->buckets[ms > SLP_LATHIST_MAX_MS ? SLP_LATHIST_MAX_MS + 1 : ms]++;
  l->n++;
}

int64_t slp_lathist_quantile(const slp_lathist_t *l, double q) {
  if (!l->n)
    return -1;
  /* the smallest value with at least ceil(q * n) samples at or below it */
  uint64_t rank = (uint64_t)(q * (double)l->n);
  if ((double)rank < q * (double)l->n)
    rank++;
  if (rank < 1)
    rank = 1;
  uint64_t seen = 0;
  for (int64_t ms = 0; ms <= SLP_LATHIST_MAX_MS; ms++) {
    seen += l->buckets[ms];
    if (seen >= rank)
      return ms;
  }
  return l->max_ms;
}

void slp_lathist_free(slp_lathist_t *l) {
  free(l->buckets);
  *l = (slp_lathist_t){0};
}

int64_t slp_lathist_now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}
