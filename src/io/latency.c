/* latency.c -- a millisecond histogram and its quantiles. */
#include "io/latency.h"

#include <stdlib.h>
#include <time.h>

void slp_latency_add(slp_latency_t *l, int64_t ms) {
  if (!l->buckets && !(l->buckets = calloc(SLP_LATENCY_MAX_MS + 2, sizeof *l->buckets)))
    return;
  if (ms < 0)
    ms = 0;
  if (ms > l->max_ms)
    l->max_ms = ms;
  l->buckets[ms > SLP_LATENCY_MAX_MS ? SLP_LATENCY_MAX_MS + 1 : ms]++;
  l->n++;
}

int64_t slp_latency_quantile(const slp_latency_t *l, double q) {
  if (!l->n)
    return -1;
  /* the smallest value with at least ceil(q * n) samples at or below it */
  uint64_t rank = (uint64_t)(q * (double)l->n);
  if ((double)rank < q * (double)l->n)
    rank++;
  if (rank < 1)
    rank = 1;
  uint64_t seen = 0;
  for (int64_t ms = 0; ms <= SLP_LATENCY_MAX_MS; ms++) {
    seen += l->buckets[ms];
    if (seen >= rank)
      return ms;
  }
  return l->max_ms;
}

void slp_latency_free(slp_latency_t *l) {
  free(l->buckets);
  *l = (slp_latency_t){0};
}

int64_t slp_latency_now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}
