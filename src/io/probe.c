/* SPDX-License-Identifier: Apache-2.0 */
/* probe.c -- slpcoderd --check-config --connect: do the brokers answer, and do the four topics
 * exist? One metadata request, bounded by a timeout, with the user's kafka.* settings. */
#include "io/probe.h"

#include <stdio.h>
#include <string.h>

#include "io/log.h"

/* librdkafka's log lines (any thread): to the daemon's log at debug; a failed connection is
 * reported once, by the metadata call's error, not line by line. */
static void probe_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
  (void)rk, (void)level;
  SLP_DEBUG("probe librdkafka %s: %s", fac, buf);
}

static const rd_kafka_metadata_topic_t *find_topic(const rd_kafka_metadata_t *md,
                                                   const char *name) {
  for (int i = 0; i < md->topic_cnt; i++)
    if (strcmp(md->topics[i].topic, name) == 0)
      return &md->topics[i];
  return NULL;
}

int slp_probe_cluster(const slp_config_t *cfg, const char *bootstrap, int timeout_ms, char *err,
                      size_t errlen) {
  char e[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (slp_config_apply_kafka(cfg, conf, err, errlen) != 0) {
    rd_kafka_conf_destroy(conf);
    return -1;
  }
  if (bootstrap &&
      rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, e, sizeof e) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return snprintf(err, errlen, "bootstrap.servers: %s", e), -1;
  }
  rd_kafka_conf_set_log_cb(conf, probe_log_cb);
  /* A producer: it needs no group and joins none, so the probe disturbs no running worker. */
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, sizeof e);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return snprintf(err, errlen, "cannot create a Kafka client: %s", e), -1;
  }
  conf = NULL; /* now owned by rk */
  const rd_kafka_metadata_t *md = NULL;
  /* all_topics = 1: asking for the four by name could make a broker with
   * auto.create.topics.enable create them, and the check would then pass by side effect. */
  rd_kafka_resp_err_t rc = rd_kafka_metadata(rk, 1, NULL, &md, timeout_ms);
  int ret = 0;
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
    snprintf(err, errlen,
             "kafka.bootstrap.servers: no broker answered a metadata request within %d ms (%s)",
             timeout_ms, rd_kafka_err2str(rc));
    ret = -1;
  } else {
    const char *topics[] = {cfg->topic_input, cfg->topic_coded, cfg->topic_rejected,
                            cfg->topic_dlq};
    const char *names[] = {"topic.input", "topic.coded", "topic.rejected", "topic.dlq"};
    for (int i = 0; i < 4 && ret == 0; i++) {
      const rd_kafka_metadata_topic_t *t = find_topic(md, topics[i]);
      if (!t) {
        snprintf(err, errlen, "%s: topic \"%s\" does not exist on the cluster (%d brokers)",
                 names[i], topics[i], md->broker_cnt);
        ret = -1;
      } else if (t->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        snprintf(err, errlen, "%s: topic \"%s\": %s", names[i], topics[i],
                 rd_kafka_err2str(t->err));
        ret = -1;
      } else if (t->partition_cnt == 0) {
        snprintf(err, errlen, "%s: topic \"%s\" has no partitions", names[i], topics[i]);
        ret = -1;
      }
    }
  }
  if (md)
    rd_kafka_metadata_destroy(md);
  rd_kafka_destroy(rk);
  return ret;
}
