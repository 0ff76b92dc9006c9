/* SPDX-License-Identifier: Apache-2.0 */
/* metrics.c -- /metrics: every family with HELP and TYPE, from the worker's own counters. */
#include "io/metrics.h"

#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <uv.h>

#include "io/latency.h"
#include "io/worker_internal.h"
#include "slpcoder/engine.h"
#include "slpcoder/rules.h"

const double slp_latency_bounds[SLP_LATENCY_BUCKETS] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                        1,     2.5,  5,     10,   30,  60,  300};

void slp_latency_observe(slp_latency_t *l, int64_t ms) {
  double s = ms > 0 ? (double)ms / 1000.0 : 0.0;
  size_t i = 0;
  while (i < SLP_LATENCY_BUCKETS && s > slp_latency_bounds[i])
    i++;
  l->counts[i]++;
  l->sum += s;
}

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

static void counter(slp_expo_t *e, const char *name, const char *help, uint64_t v) {
  slp_expo_family(e, name, "counter", help);
  slp_expo_u64(e, name, NULL, v);
}

static void gauge(slp_expo_t *e, const char *name, const char *help, int64_t v) {
  slp_expo_family(e, name, "gauge", help);
  slp_expo_i64(e, name, NULL, v);
}

void slp_metrics_render(slp_expo_t *e, slp_worker_t *w, const slp_metrics_app_t *app) {
  const slp_worker_counters_t *n = &w->n;

  slp_expo_family(e, "slpcoder_build_info", "gauge",
                  "Build of this slpcoderd: its version and the libraries it runs on (always 1).");
  slp_expo_u64(e, "slpcoder_build_info",
               L("version", app->version, "librdkafka", rd_kafka_version_str(), "libuv",
                 uv_version_string()),
               1);
  slp_expo_family(e, "slpcoder_start_time_seconds", "gauge",
                  "When the process started, in seconds since the Unix epoch.");
  slp_expo_f64(e, "slpcoder_start_time_seconds", NULL, app->start_time);
  slp_expo_family(e, "slpcoder_rules_info", "gauge",
                  "The rules bundle serving new inputs, by rules_version (always 1).");
  slp_expo_u64(e, "slpcoder_rules_info", L("rules_version", slp_rules_version(w->rules)), 1);
  slp_expo_family(e, "slpcoder_rules_reloads_total", "counter",
                  "Rules bundle reloads (SIGHUP) by result; a failed one keeps the old bundle.");
  slp_expo_u64(e, "slpcoder_rules_reloads_total", L("result", "ok"), app->reloads_ok);
  slp_expo_u64(e, "slpcoder_rules_reloads_total", L("result", "failed"), app->reloads_failed);

  counter(e, "slpcoder_inputs_consumed_total", "Inputs consumed and processed.", n->consumed);
  slp_expo_family(e, "slpcoder_outputs_total", "counter",
                  "Outputs produced, by topic kind: coded (claims), rejected, dlq.");
  slp_expo_u64(e, "slpcoder_outputs_total", L("kind", "coded"), n->coded);
  slp_expo_u64(e, "slpcoder_outputs_total", L("kind", "rejected"), n->rejected);
  slp_expo_u64(e, "slpcoder_outputs_total", L("kind", "dlq"), n->dead_lettered);
  counter(e, "slpcoder_outputs_delivered_total", "Outputs acknowledged by the brokers.",
          n->delivered);

  slp_expo_family(e, "slpcoder_rejections_total", "counter",
                  "Rejections by the rule id of their first error (the engine's rule ids).");
  for (size_t i = 0; i < SLP__MAX_RULE_IDS && slp_rule_ids[i] != NULL; i++)
    slp_expo_u64(e, "slpcoder_rejections_total", L("rule_id", slp_rule_ids[i]), w->rule_counts[i]);
  slp_expo_family(e, "slpcoder_dead_letters_total", "counter",
                  "Inputs sent to the dead-letter topic, by reason.");
  for (int i = 0; i < SLP_DLQ_REASONS; i++)
    slp_expo_u64(e, "slpcoder_dead_letters_total", L("reason", slp_dlq_reason_name(i)),
                 w->dlq_reasons[i]);

  counter(e, "slpcoder_output_retries_total",
          "Outputs produced again after a failed delivery report (at-least-once).", n->retried);
  counter(e, "slpcoder_redeliveries_total",
          "Inputs fetched for partitions being given up; the next owner reads them again.",
          n->dropped);
  gauge(e, "slpcoder_inputs_in_flight", "Inputs whose outputs are not acknowledged yet.",
        w->in_flight);

  gauge(e, "slpcoder_backpressure_held",
        "1 while max.in.flight is reached and the consumer queue is not served.",
        w->bp == SLP__BP_HELD);
  gauge(e, "slpcoder_backpressure_paused", "1 while the input partitions are paused.",
        w->bp == SLP__BP_PAUSED);
  slp_expo_family(e, "slpcoder_backpressure_seconds_total", "counter",
                  "Time spent held or paused by back-pressure (summed at the 100 ms tick).");
  slp_expo_f64(e, "slpcoder_backpressure_seconds_total", NULL, (double)w->bp_ms / 1000.0);
  counter(e, "slpcoder_backpressure_events_total", "Times back-pressure engaged.", n->pauses);

  slp_worker_status_t st;
  slp_worker_status(w, &st);
  gauge(e, "slpcoder_assigned_partitions", "Input partitions assigned to this instance.",
        st.assigned);
  slp_expo_family(e, "slpcoder_rebalances_total", "counter",
                  "Consumer group rebalance events, by kind: assign, revoke, lost.");
  slp_expo_u64(e, "slpcoder_rebalances_total", L("kind", "assign"),
               w->rebalances[SLP__REB_ASSIGN]);
  slp_expo_u64(e, "slpcoder_rebalances_total", L("kind", "revoke"),
               w->rebalances[SLP__REB_REVOKE]);
  slp_expo_u64(e, "slpcoder_rebalances_total", L("kind", "lost"), w->rebalances[SLP__REB_LOST]);
  slp_expo_family(e, "slpcoder_transactions_total", "counter",
                  "Exactly-once transactions, by result: committed, aborted.");
  slp_expo_u64(e, "slpcoder_transactions_total", L("result", "committed"), n->txn_commits);
  slp_expo_u64(e, "slpcoder_transactions_total", L("result", "aborted"), n->txn_aborts);

  slp_expo_family(e, "slpcoder_consumer_lag_messages", "gauge",
                  "Messages between the committed offset and the high watermark, per assigned "
                  "input partition (librdkafka statistics, statistics.interval.ms).");
  for (size_t i = 0; i < w->kstats.n; i++) {
    char part[16];
    snprintf(part, sizeof part, "%" PRId32, w->kstats.parts[i].partition);
    slp_expo_i64(e, "slpcoder_consumer_lag_messages",
                 L("topic", w->cfg->topic_input, "partition", part), w->kstats.parts[i].lag);
  }
  gauge(e, "slpcoder_kafka_brokers_up",
        "Brokers the consumer is connected to (librdkafka statistics; -1 before the first).",
        st.brokers_up);
  counter(e, "slpcoder_kafka_statistics_total", "librdkafka statistics emissions parsed.",
          w->kstats.updates);

  slp_expo_family(e, "slpcoder_end_to_end_latency_seconds", "histogram",
                  "From the input's Kafka timestamp to its output's delivery acknowledgement.");
  slp_expo_histogram(e, "slpcoder_end_to_end_latency_seconds", NULL, slp_latency_bounds,
                     w->e2e.counts, SLP_LATENCY_BUCKETS, w->e2e.sum);

  gauge(e, "slpcoder_ready", "1 when /readyz answers 200.", app->ready);
  gauge(e, "slpcoder_live", "1 when /healthz answers 200.", app->live);
  counter(e, "slpcoder_http_requests_total", "HTTP requests answered by the handler.",
          app->http_requests);
  counter(e, "slpcoder_http_rejected_total",
          "HTTP connections refused: bad requests, oversize heads, timeouts, evictions.",
          app->http_rejected);
}
