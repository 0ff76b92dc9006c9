/* SPDX-License-Identifier: Apache-2.0 */
/* feed.c -- generated sessions onto the embedded cluster's input topic (the demo's input). */
#include "harness/feed.h"

#include <librdkafka/rdkafka.h>
#include <string.h>

#include "io/log.h"

slp_gen_opts_t slp_feed_gen_opts(const slp_config_t *cfg) {
  return (slp_gen_opts_t){
      .seed = (uint64_t)cfg->embedded_seed, .defects = 0.2, .garbage = 0.01, .framed = 0.1};
}

int slp_feed_generate(slp_mock_t *mock, const slp_config_t *cfg) {
  char errstr[256];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", slp_mock_bootstraps(mock), errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "linger.ms", "5", errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "queue.buffering.max.messages", "1000000", errstr, sizeof errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    rd_kafka_conf_destroy(conf); /* on failure conf stays ours */
    SLP_ERROR("embedded generator: %s", errstr);
    return -1;
  }
  slp_gen_opts_t opts = slp_feed_gen_opts(cfg);
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

static void feed_run(slp_job_t *job) {
  slp_feed_t *feed = job->arg;
  job->rc = slp_feed_generate(feed->mock, feed->cfg);
}

static void feed_done(slp_job_t *job) {
  (void)job; /* feed_run logged the outcome */
}

void slp_feed_start(slp_feed_t *feed, slp_jobs_t *jobs, slp_mock_t *mock, const slp_config_t *cfg) {
  *feed = (slp_feed_t){.mock = mock, .cfg = cfg};
  feed->job = (slp_job_t){.run = feed_run, .done = feed_done, .arg = feed};
  slp_jobs_submit(jobs, &feed->job);
}
