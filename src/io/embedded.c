/* SPDX-License-Identifier: Apache-2.0 */
/* embedded.c -- the in-process mock Kafka cluster, its fault plan and demo input. */
#include "io/embedded.h"

#include <errno.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gen/gen.h"
#include "io/log.h"

#define MAX_FAULTS 32

/* librdkafka's mock (rdkafka_mock.c, rd_kafka_mock_partition_init in 2.0.2) keeps at most 5 MiB
 * and 100000 message sets per partition and deletes the oldest beyond that, with no API to raise
 * either. Generated input is sized to fill at most SIZING_BUDGET of a partition. */
#define MOCK_PARTITION_BYTES (5 * 1024 * 1024)
#define SIZING_BUDGET (MOCK_PARTITION_BYTES / 2) /* key-hash skew and output records */
#define RECORD_OVERHEAD 80 /* v2 record framing plus a share of its batch (measured ~70) */
#define SIZING_SAMPLE 2000

typedef struct fault {
  uv_timer_t timer;
  slp_embedded_t *emb;
  int action; /* 0 produce, 1 fetch, 2 commit, 3 down, 4 up, 5 leader, 6 slowproduce */
  int64_t at, a, b, c, d;
  bool armed;
} fault_t;

struct slp_embedded {
  const slp_config_t *cfg;
  uv_loop_t *loop;
  rd_kafka_t *rk; /* hosts the cluster */
  rd_kafka_mock_cluster_t *mc;
  char *bootstraps;
  int partitions; /* per topic, after sizing */
  fault_t faults[MAX_FAULTS];
  int n_faults;
  int faults_fired; /* fault plan entries that have run (the stats file reports it) */
};

static slp_gen_opts_t gen_opts(const slp_config_t *cfg) {
  return (slp_gen_opts_t){
      .seed = (uint64_t)cfg->embedded_seed, .defects = 0.2, .garbage = 0.01, .framed = 0.1};
}

/* Partitions per topic: embedded.partitions, raised (embedded.autosize) until the mock's log
 * keeps every generated session. The bytes per record come from the generator's first items
 * (each item depends only on seed and index, so this is the stream slp_embedded_generate
 * produces). */
static int sized_partitions(const slp_config_t *cfg, double *per_record) {
  int64_t parts = cfg->embedded_partitions;
  *per_record = 0;
  if (!cfg->embedded_autosize || cfg->embedded_generate <= 0)
    return (int)parts;
  slp_gen_opts_t opts = gen_opts(cfg);
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
  *per_record = bytes / (double)n;
  double need = *per_record * (double)cfg->embedded_generate / SIZING_BUDGET;
  int64_t want = (int64_t)need + 1;
  if (want > 1000) /* embedded.partitions' own bound; the drop check reports the rest */
    want = 1000;
  return (int)(want > parts ? want : parts);
}

slp_embedded_t *slp_embedded_start(uv_loop_t *loop, const slp_config_t *cfg, char *err,
                                   size_t errlen) {
  slp_embedded_t *emb = calloc(1, sizeof *emb);
  if (!emb)
    return snprintf(err, errlen, "out of memory"), NULL;
  emb->cfg = cfg;
  emb->loop = loop;
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", NULL, 0);
  emb->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, errlen);
  if (!emb->rk) { /* on failure conf stays ours */
    rd_kafka_conf_destroy(conf);
    free(emb);
    return NULL;
  }
  conf = NULL; /* now owned by rk */
  emb->mc = rd_kafka_mock_cluster_new(emb->rk, (int)cfg->embedded_brokers);
  if (!emb->mc) {
    snprintf(err, errlen, "cannot create the mock cluster");
    rd_kafka_destroy(emb->rk);
    free(emb);
    return NULL;
  }
  emb->bootstraps = strdup(rd_kafka_mock_cluster_bootstraps(emb->mc));
  double per_record = 0;
  emb->partitions = sized_partitions(cfg, &per_record);
  if (emb->partitions > cfg->embedded_partitions)
    SLP_INFO("embedded: %d partitions per topic instead of embedded.partitions=%d, for %lld "
             "generated sessions of ~%.0f bytes (the mock keeps about 5 MiB per partition)",
             emb->partitions, (int)cfg->embedded_partitions, (long long)cfg->embedded_generate,
             per_record);
  const char *topics[] = {cfg->topic_input, cfg->topic_coded, cfg->topic_rejected, cfg->topic_dlq};
  for (int i = 0; i < 4; i++) {
    int repl = cfg->embedded_brokers >= 3 ? 3 : (int)cfg->embedded_brokers;
    rd_kafka_resp_err_t e =
        rd_kafka_mock_topic_create(emb->mc, topics[i], emb->partitions, repl);
    if (e) {
      snprintf(err, errlen, "mock topic %s: %s", topics[i], rd_kafka_err2str(e));
      slp_embedded_destroy(emb);
      return NULL;
    }
  }
  SLP_INFO("embedded mock cluster up brokers=%d partitions=%d", (int)cfg->embedded_brokers,
           emb->partitions);
  return emb;
}

const char *slp_embedded_bootstraps(const slp_embedded_t *emb) {
  return emb->bootstraps;
}

struct rd_kafka_mock_cluster_s *slp_embedded_mock(slp_embedded_t *emb) {
  return emb->mc;
}

static void fault_fire(uv_timer_t *t) {
  fault_t *f = t->data;
  slp_embedded_t *emb = f->emb;
  static const int16_t apikeys[] = {0 /* Produce */, 1 /* Fetch */, 8 /* OffsetCommit */};
  rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
  switch (f->action) {
  case 0:
  case 1:
  case 2: {
    rd_kafka_resp_err_t errs[64];
    int n = f->a > 64 ? 64 : (int)f->a;
    for (int i = 0; i < n; i++)
      errs[i] = (rd_kafka_resp_err_t)f->b;
    rd_kafka_mock_push_request_errors_array(emb->mc, apikeys[f->action], (size_t)n, errs);
    SLP_WARN("fault injected: %d %s requests fail with %s", n,
             f->action == 0   ? "Produce"
             : f->action == 1 ? "Fetch"
                              : "OffsetCommit",
             rd_kafka_err2name((rd_kafka_resp_err_t)f->b));
    break;
  }
  case 3:
    e = rd_kafka_mock_broker_set_down(emb->mc, (int32_t)f->a);
    SLP_WARN("fault injected: broker %d down", (int)f->a);
    break;
  case 4:
    e = rd_kafka_mock_broker_set_up(emb->mc, (int32_t)f->a);
    SLP_WARN("fault injected: broker %d up", (int)f->a);
    break;
  case 5: {
    const char *topics[] = {emb->cfg->topic_input, emb->cfg->topic_coded, emb->cfg->topic_rejected,
                            emb->cfg->topic_dlq};
    for (int i = 0; i < 4; i++)
      e = rd_kafka_mock_partition_set_leader(emb->mc, topics[i], (int32_t)f->a, (int32_t)f->b);
    SLP_WARN("fault injected: partition %d leader -> broker %d", (int)f->a, (int)f->b);
    break;
  }
  case 6: { /* broker a: the next b Produce requests fail with c, each answered after d ms */
    int n = f->b > 64 ? 64 : (int)f->b;
    for (int i = 0; i < n; i++)
      e = rd_kafka_mock_broker_push_request_error_rtts(emb->mc, (int32_t)f->a, 0 /* Produce */, 1,
                                                       (rd_kafka_resp_err_t)f->c, (int)f->d);
    SLP_WARN("fault injected: broker %d: %d Produce requests fail with %s after %d ms each",
             (int)f->a, n, rd_kafka_err2name((rd_kafka_resp_err_t)f->c), (int)f->d);
    break;
  }
  }
  if (e)
    SLP_ERROR("fault action failed: %s", rd_kafka_err2str(e));
  emb->faults_fired++;
}

int slp_embedded_faults_fired(const slp_embedded_t *emb) {
  return emb->faults_fired;
}

int slp_embedded_arm_faults(slp_embedded_t *emb, const char *plan, char *err, size_t errlen) {
  static const char *const names[] = {"produce", "fetch",  "commit",     "down",
                                      "up",      "leader", "slowproduce"};
  static const int nargs[] = {2, 2, 2, 1, 1, 2, 4};
  char *copy = strdup(plan), *save = NULL;
  if (!copy)
    return snprintf(err, errlen, "out of memory"), -1;
  for (char *ent = strtok_r(copy, ";", &save); ent; ent = strtok_r(NULL, ";", &save)) {
    char *f[6] = {0}, *s2 = NULL;
    int n = 0, action = -1;
    char shown[64];
    snprintf(shown, sizeof shown, "%s", ent);
    for (char *tok = strtok_r(ent, ":", &s2); tok && n < 6; tok = strtok_r(NULL, ":", &s2))
      f[n++] = tok;
    for (int i = 0; i < 7 && n >= 2; i++)
      if (strcmp(f[1], names[i]) == 0)
        action = i;
    if (emb->n_faults == MAX_FAULTS || action < 0 || n != 2 + nargs[action]) {
      snprintf(err, errlen,
               "embedded.faults: bad entry \"%s\" (at most %d of AT_MS:produce|fetch|commit:N:ERR, "
               "AT_MS:down|up:ID, AT_MS:leader:P:ID, AT_MS:slowproduce:ID:N:ERR:RTT_MS)",
               shown, MAX_FAULTS);
      free(copy);
      return -1;
    }
    fault_t *ft = &emb->faults[emb->n_faults++];
    ft->emb = emb;
    ft->action = action;
    ft->at = strtoll(f[0], NULL, 10);
    ft->a = strtoll(f[2], NULL, 10);
    ft->b = n > 3 ? strtoll(f[3], NULL, 10) : 0;
    ft->c = n > 4 ? strtoll(f[4], NULL, 10) : 0;
    ft->d = n > 5 ? strtoll(f[5], NULL, 10) : 0;
  }
  free(copy);
  for (int i = 0; i < emb->n_faults; i++) {
    fault_t *ft = &emb->faults[i];
    uv_timer_init(emb->loop, &ft->timer);
    ft->timer.data = ft;
    ft->armed = true;
    uv_timer_start(&ft->timer, fault_fire, (uint64_t)ft->at, 0);
  }
  return 0;
}

void slp_embedded_close_timers(slp_embedded_t *emb) {
  for (int i = 0; i < emb->n_faults; i++)
    if (emb->faults[i].armed && !uv_is_closing((uv_handle_t *)&emb->faults[i].timer))
      uv_close((uv_handle_t *)&emb->faults[i].timer, NULL);
}

int slp_embedded_generate(slp_embedded_t *emb) {
  const slp_config_t *cfg = emb->cfg;
  char errstr[256];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", emb->bootstraps, errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "linger.ms", "5", errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "queue.buffering.max.messages", "1000000", errstr, sizeof errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    SLP_ERROR("embedded generator: %s", errstr);
    return -1;
  }
  slp_gen_opts_t opts = gen_opts(cfg);
  slp_gen_t *gen = slp_gen_new(&opts);
  uint64_t per_kind[SLP_GEN_KIND_COUNT] = {0};
  int rc = gen ? 0 : -1;
  for (int64_t i = 0; gen && i < cfg->embedded_generate; i++) {
    slp_gen_item_t it;
    if (slp_gen_item(gen, (uint64_t)i, &it) != 0) {
      rc = -1;
      break;
    }
    per_kind[it.kind]++;
    rd_kafka_resp_err_t e;
    while ((e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(cfg->topic_input),
                                  RD_KAFKA_V_KEY(it.key, strlen(it.key)),
                                  RD_KAFKA_V_VALUE((void *)it.bytes, it.len),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
           RD_KAFKA_RESP_ERR__QUEUE_FULL)
      rd_kafka_poll(rk, 10);
    if (e) {
      SLP_ERROR("embedded generator: %s", rd_kafka_err2str(e));
      rc = -1;
      break;
    }
  }
  if (rd_kafka_flush(rk, 30000))
    rc = -1;
  rd_kafka_destroy(rk);
  slp_gen_free(gen);
  SLP_INFO("embedded generator wrote %lld sessions to %s (clean=%llu defects=%llu garbage=%llu)",
           (long long)cfg->embedded_generate, cfg->topic_input, (unsigned long long)per_kind[0],
           (unsigned long long)(cfg->embedded_generate - (int64_t)per_kind[0] -
                                (int64_t)per_kind[SLP_GEN_GARBAGE]),
           (unsigned long long)per_kind[SLP_GEN_GARBAGE]);
  return rc;
}

int slp_embedded_partitions(const slp_embedded_t *emb) {
  return emb->partitions;
}

int slp_embedded_dropped(slp_embedded_t *emb, int64_t dropped[4], char *err, size_t errlen) {
  const slp_config_t *cfg = emb->cfg;
  const char *topics[] = {cfg->topic_input, cfg->topic_coded, cfg->topic_rejected, cfg->topic_dlq};
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", emb->bootstraps, NULL, 0);
  rd_kafka_conf_set(conf, "log_level", "3", NULL, 0);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, errlen);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return -1;
  }
  int rc = 0;
  for (int t = 0; t < 4 && rc == 0; t++) {
    dropped[t] = 0;
    for (int32_t p = 0; p < emb->partitions; p++) {
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

void slp_embedded_destroy(slp_embedded_t *emb) {
  if (!emb)
    return;
  if (emb->mc)
    rd_kafka_mock_cluster_destroy(emb->mc);
  if (emb->rk)
    rd_kafka_destroy(emb->rk);
  free(emb->bootstraps);
  free(emb);
}
