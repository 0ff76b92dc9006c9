/* SPDX-License-Identifier: Apache-2.0 */
/* mock.c -- the in-process mock Kafka cluster: brokers, topics sized for the demo's input, and
 * what the mock's retention deleted. */
#include "harness/mock.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "gen/gen.h"
#include "harness/feed.h"
#include "io/log.h"

/* librdkafka's mock (rdkafka_mock.c, rd_kafka_mock_partition_init in 2.0.2) keeps at most 5 MiB
 * and 100000 message sets per partition and deletes the oldest beyond that, with no API to raise
 * either. Generated input is sized to fill at most SIZING_BUDGET of a partition. */
#define MOCK_PARTITION_BYTES (5 * 1024 * 1024)
#define SIZING_BUDGET (MOCK_PARTITION_BYTES / 2) /* key-hash skew and output records */
#define RECORD_OVERHEAD 80 /* v2 record framing plus a share of its batch (measured ~70) */
#define SIZING_SAMPLE 2000

struct slp_mock {
  const slp_config_t *cfg;
  rd_kafka_t *rk; /* hosts the cluster */
  rd_kafka_mock_cluster_t *mc;
  char *bootstraps;
  int partitions; /* per topic, after sizing */
};

/* The bytes per record come from the generator's first items (each item depends only on seed
 * and index, so this is the stream the feed produces). */
int slp_mock_sized_partitions(const slp_config_t *cfg, double *per_record) {
  int64_t parts = cfg->embedded_partitions;
  double per = 0;
  if (per_record)
    *per_record = 0;
  if (!cfg->embedded_autosize || cfg->embedded_generate <= 0)
    return (int)parts;
  slp_gen_opts_t opts = slp_feed_gen_opts(cfg);
  slp_gen_t *gen = slp_gen_new(&opts);
  if (!gen)
    return (int)parts;
  int64_t n = cfg->embedded_generate < SIZING_SAMPLE ? cfg->embedded_generate : SIZING_SAMPLE;
  double bytes = 0;
  for (int64_t i = 0; i < n; i++) {
    slp_gen_item_t it;
    if (slp_gen_item(gen, (uint64_t)i, &it) != 0)
      break;
    bytes += (double)(it.len + strlen(it.key) + RECORD_OVERHEAD);
  }
  slp_gen_free(gen);
  per = bytes / (double)n;
  if (per_record)
    *per_record = per;
  double need = per * (double)cfg->embedded_generate / SIZING_BUDGET;
  int64_t want = (int64_t)need + 1;
  if (want > 1000) /* embedded.partitions' own bound; the drop check reports the rest */
    want = 1000;
  return (int)(want > parts ? want : parts);
}

slp_mock_t *slp_mock_start(const slp_config_t *cfg, char *err, size_t errlen) {
  slp_mock_t *mock = calloc(1, sizeof *mock);
  if (!mock)
    return snprintf(err, errlen, "out of memory"), NULL;
  mock->cfg = cfg;
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", NULL, 0);
  mock->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, errlen);
  if (!mock->rk) { /* on failure conf stays ours */
    rd_kafka_conf_destroy(conf);
    free(mock);
    return NULL;
  }
  conf = NULL; /* now owned by rk */
  mock->mc = rd_kafka_mock_cluster_new(mock->rk, (int)cfg->embedded_brokers);
  if (!mock->mc) {
    snprintf(err, errlen, "cannot create the mock cluster");
    slp_mock_destroy(mock);
    return NULL;
  }
  mock->bootstraps = strdup(rd_kafka_mock_cluster_bootstraps(mock->mc));
  if (!mock->bootstraps) {
    snprintf(err, errlen, "out of memory");
    slp_mock_destroy(mock);
    return NULL;
  }
  double per_record = 0;
  mock->partitions = slp_mock_sized_partitions(cfg, &per_record);
  if (mock->partitions > cfg->embedded_partitions)
    SLP_INFO("embedded: %d partitions per topic instead of embedded.partitions=%d, for %lld "
             "generated sessions of ~%.0f bytes (the mock keeps about 5 MiB per partition)",
             mock->partitions, (int)cfg->embedded_partitions, (long long)cfg->embedded_generate,
             per_record);
  const char *topics[] = {cfg->topic_input, cfg->topic_coded, cfg->topic_rejected, cfg->topic_dlq};
  int repl = cfg->embedded_brokers >= 3 ? 3 : (int)cfg->embedded_brokers;
  for (int i = 0; i < 4; i++) {
    rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mock->mc, topics[i], mock->partitions, repl);
    if (e) {
      snprintf(err, errlen, "mock topic %s: %s", topics[i], rd_kafka_err2str(e));
      slp_mock_destroy(mock);
      return NULL;
    }
  }
  SLP_INFO("embedded mock cluster up brokers=%d partitions=%d", (int)cfg->embedded_brokers,
           mock->partitions);
  return mock;
}

const char *slp_mock_bootstraps(const slp_mock_t *mock) {
  return mock->bootstraps;
}

struct rd_kafka_mock_cluster_s *slp_mock_cluster(slp_mock_t *mock) {
  return mock->mc;
}

int slp_mock_partitions(const slp_mock_t *mock) {
  return mock->partitions;
}

int slp_mock_dropped(slp_mock_t *mock, int64_t dropped[4], char *err, size_t errlen) {
  const slp_config_t *cfg = mock->cfg;
  const char *topics[] = {cfg->topic_input, cfg->topic_coded, cfg->topic_rejected, cfg->topic_dlq};
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", mock->bootstraps, NULL, 0);
  rd_kafka_conf_set(conf, "log_level", "3", NULL, 0);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, errlen);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return -1;
  }
  int rc = 0;
  for (int t = 0; t < 4 && rc == 0; t++) {
    dropped[t] = 0;
    for (int32_t p = 0; p < mock->partitions; p++) {
      int64_t lo = 0, hi = 0;
      rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(rk, topics[t], p, &lo, &hi, 5000);
      if (e) {
        snprintf(err, errlen, "%s [%d]: watermarks: %s", topics[t], (int)p, rd_kafka_err2str(e));
        rc = -1;
        break;
      }
      dropped[t] += lo; /* nothing else moves a mock log's start above 0 */
    }
  }
  rd_kafka_destroy(rk);
  return rc;
}

int slp_mock_report_drops(slp_mock_t *mock, const slp_worker_counters_t *n, int64_t dropped[4]) {
  const slp_config_t *cfg = mock->cfg;
  int64_t d[4];
  char err[512];
  int rc = slp_mock_dropped(mock, d, err, sizeof err);
  for (int i = 0; dropped && i < 4; i++)
    dropped[i] = rc == 0 ? d[i] : -1;
  if (rc != 0) {
    SLP_WARN("embedded: cannot tell whether the mock dropped records: %s", err);
    return 0;
  }
  if (cfg->summary)
    printf("summary: embedded generated=%lld partitions=%d mock_dropped_inputs=%lld "
           "mock_dropped_outputs=%lld\n",
           (long long)cfg->embedded_generate, mock->partitions, (long long)d[0],
           (long long)(d[1] + d[2] + d[3]));
  if (d[1] + d[2] + d[3] > 0)
    SLP_WARN("embedded: the mock deleted %lld output records from the start of its logs (it keeps "
             "about 5 MiB per partition); they were delivered, but a reader starting now misses "
             "them",
             (long long)(d[1] + d[2] + d[3]));
  if (d[0] == 0)
    return 0;
  SLP_ERROR("embedded: the mock deleted %lld records from the start of %s (it keeps about 5 MiB "
            "per partition): inputs not read before that were lost (consumed %llu of %lld "
            "generated); raise embedded.partitions or keep embedded.autosize=true",
            (long long)d[0], cfg->topic_input, n ? (unsigned long long)n->consumed : 0ULL,
            (long long)cfg->embedded_generate);
  return EX_SOFTWARE;
}

void slp_mock_destroy(slp_mock_t *mock) {
  if (!mock)
    return;
  if (mock->mc)
    rd_kafka_mock_cluster_destroy(mock->mc);
  if (mock->rk)
    rd_kafka_destroy(mock->rk);
  free(mock->bootstraps);
  free(mock);
}
