/* SPDX-License-Identifier: Apache-2.0 */
/* report.c -- the demo's claims and the run summary on stdout (report.h). */
#include "daemon/report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "io/log.h"
#include "slpcoder/codec.h"
#include "slpcoder/engine.h"

static void on_output(slp_worker_t *w, const slp_worker_output_t *o, void *arg) {
  slpd_claims_t *c = arg;
  if (o->topic != SLP_WORKER_OUT_CODED || c->printed >= c->limit)
    return;
  if (++c->printed == c->limit) /* the last one: exactly-once stops copying outputs for us */
    slp_worker_on_output(w, NULL, NULL);
  char *json = slp_packed_result_json(o->value, o->vlen, false);
  if (!json) {
    SLP_WARN("print.claims: the claim at partition=%" PRId32 " offset=%" PRId64
             " does not unpack",
             o->partition, o->offset);
    return;
  }
  fputs(json, c->out);
  fflush(c->out);
  free(json);
}

void slpd_claims_watch(slpd_claims_t *c, slp_worker_t *w, int64_t limit, FILE *out) {
  c->out = out;
  c->limit = limit;
  c->printed = 0;
  if (limit > 0)
    slp_worker_on_output(w, on_output, c);
}

void slpd_print_summary(const slp_worker_t *w, FILE *out, double seconds) {
  const slp_worker_counters_t *n = slp_worker_counters(w);
  slp_worker_perf_t p;
  slp_worker_perf(w, &p);
  fprintf(out,
          "summary: consumed=%" PRIu64 " coded=%" PRIu64 " rejected=%" PRIu64
          " dead_lettered=%" PRIu64 " delivered=%" PRIu64 " retried=%" PRIu64
          " run_seconds=%.2f busy_seconds=%.3f rate=%.0f/s mode=%s\n",
          n->consumed, n->coded, n->rejected, n->dead_lettered, n->delivered, n->retried,
          seconds, p.busy_seconds, p.busy_seconds > 0 ? (double)n->delivered / p.busy_seconds : 0.0,
          p.eos ? "exactly-once" : "at-least-once");
  for (size_t i = 0; slp_rule_ids[i] != NULL; i++)
    if (slp_worker_rejections(w, i) > 0)
      fprintf(out, "  rejected rule=%s count=%" PRIu64 "\n", slp_rule_ids[i],
              slp_worker_rejections(w, i));
  /* CPU beside the wall clock: on a shared box the rate moves with the load, the CPU cost
   * per input much less. The summary is printed on the loop thread after the run. */
  struct rusage ru;
  struct timespec lt;
  getrusage(RUSAGE_SELF, &ru);
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &lt);
  double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
  double loop_cpu = (double)lt.tv_sec + (double)lt.tv_nsec / 1e9;
  if (p.acked)
    fprintf(out,
            "  latency: acked=%" PRIu64 " p50_ms=%" PRId64 " p99_ms=%" PRId64 " p999_ms=%" PRId64
            " max_ms=%" PRId64 " (input timestamp to %s)\n",
            p.acked, p.p50_ms, p.p99_ms, p.p999_ms, p.max_ms,
            p.eos ? "transaction commit" : "delivery report");
  fprintf(out, "  cpu: process_seconds=%.2f loop_thread_seconds=%.2f us_per_input=%.1f\n", cpu,
          loop_cpu, n->consumed ? cpu * 1e6 / (double)n->consumed : 0.0);
  fprintf(out,
          "  waits: consumer_wakeups=%" PRIu64 " producer_wakeups=%" PRIu64 " ticks=%" PRIu64
          " inputs_served_by_tick=%" PRIu64 " capped_drains=%" PRIu64 " dr_events=%" PRIu64
          " drs=%" PRIu64 " coder_batches=%" PRIu64 " read_during_commit=%" PRIu64 "\n",
          p.consumer_wakeups, p.producer_wakeups, p.ticks, p.inputs_served_by_tick,
          p.capped_drains, p.dr_events, p.drs, p.coder_batches, p.read_during_commit);
  fflush(out);
}
