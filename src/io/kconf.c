/* SPDX-License-Identifier: Apache-2.0 */
/* kconf.c -- every librdkafka property the worker imposes, each with its reason, and the log
 * bridge. */
#include "io/kconf.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io/log.h"
#include "io/worker_internal.h"

void slp__kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
  int lvl = level <= 3   ? SLP_LOG_ERROR
            : level == 4 ? SLP_LOG_WARN
            : level <= 6 ? SLP_LOG_INFO
                         : SLP_LOG_DEBUG;
  /* Every kafka.* key goes to both clients, so "consumer property ignored by
   * this producer" notes are expected, not warnings. */
  if (strcmp(fac, "CONFWARN") == 0 && strstr(buf, "will be ignored by this"))
    lvl = SLP_LOG_DEBUG;
  SLP_LOG(lvl, "librdkafka %s %s: %s", rd_kafka_name(rk), fac, buf);
}

/* The consumer's statistics: served by rd_kafka_consumer_poll, so on the loop thread,
 * except during consumer_close, when they are ignored. */
static int stats_cb(rd_kafka_t *rk, char *json, size_t len, void *opaque) {
  slp_worker_t *w = opaque;
  (void)rk;
  if (!atomic_load(&w->closing) && slp_kstats_update(&w->kstats, json, len, w->cfg->topic_input))
    SLP_DEBUG("librdkafka statistics: not the JSON expected; ignored");
  return 0; /* json is librdkafka's to free */
}

static int conf_set(rd_kafka_conf_t *conf, const char *k, const char *v, char *err, size_t errlen) {
  char e[256];
  if (rd_kafka_conf_set(conf, k, v, e, sizeof e) != RD_KAFKA_CONF_OK) {
    snprintf(err, errlen, "kafka.%s: librdkafka refused \"%s\": %s", k, v, e);
    return -1;
  }
  return 0;
}

enum { K_CONSUMER = 1, K_PRODUCER = 2, K_EOS_ONLY = 4 };

typedef struct kprop {
  const char *key, *value; /* value NULL: computed in kconf_value */
  int when;                /* K_* */
  const char *why;         /* the reason, for the reader (and a debug line) */
} kprop_t;

/* Defaults: set before the user's kafka.* keys, which may override them. */
static const kprop_t k_defaults[] = {
    {"client.id", NULL, K_CONSUMER | K_PRODUCER, "names each client in broker logs and quotas"},
    {"group.id", "slpcoder", K_CONSUMER, "one group for every slpcoderd on these topics"},
    {"auto.offset.reset", "earliest", K_CONSUMER, "a new group codes the backlog, skips nothing"},
    {"partition.assignment.strategy", "cooperative-sticky", K_CONSUMER,
     "a rebalance moves only the partitions that change owner; the rest keep flowing"},
    {"queued.max.messages.kbytes", "16384", K_CONSUMER,
     "the prefetch queue is the only buffer that could grow with a backlog: bound it"},
    {"statistics.interval.ms", "5000", K_CONSUMER,
     "consumer lag and broker states for /metrics and /readyz (stats_cb)"},
    {"isolation.level", "read_committed", K_CONSUMER | K_EOS_ONLY,
     "inputs of aborted upstream transactions are never coded"},
    {"acks", "all", K_PRODUCER, "an acknowledged output is on every in-sync replica"},
    {"enable.idempotence", "true", K_PRODUCER, "retries neither duplicate nor reorder outputs"},
    {"linger.ms", "5", K_PRODUCER, "batches outputs at a few ms of latency"},
    {"queue.buffering.max.messages", NULL, K_PRODUCER,
     "room for max.in.flight outputs and their replacements (dead letter, rejection)"},
    {"transaction.timeout.ms", "60000", K_PRODUCER | K_EOS_ONLY,
     "a transaction outlives a batch commit with retries (worker_txn.c)"},
    {"message.timeout.ms", "50000", K_PRODUCER | K_EOS_ONLY,
     "below transaction.timeout.ms: an output stuck fails its transaction before the "
     "coordinator aborts it"},
};

/* Correctness: set after the user's keys, which cannot override them. */
static const kprop_t k_forced[] = {
    {"enable.auto.offset.store", "false", K_CONSUMER,
     "an offset is stored only once every output before it is acknowledged (offsets.h)"},
    {"enable.auto.commit", "false", K_CONSUMER | K_EOS_ONLY,
     "offsets are committed inside the transaction, with the outputs"},
    {"transactional.id", NULL, K_PRODUCER | K_EOS_ONLY,
     "stable per group and host (or transactional.id): a restart fences its predecessor"},
    /* librdkafka 2.0.2 (and up to 2.15): when a new producer's first batch to a partition is
     * refused (NOT_LEADER right after a leader move or topic creation) while a later batch in
     * flight behind it is accepted (the broker has no sequence state for a new producer id),
     * the later success implicitly acknowledges the refused batch, which is never sent again:
     * an output reported delivered that is not on the topic (tools/gen-loss-repro). */
    {"max.in.flight.requests.per.connection", "1", K_PRODUCER,
     "a refused batch is the next one sent, never implicitly acknowledged by a later one"},
};

static const char *kconf_value(const slp_worker_t *w, const kprop_t *kp, bool consumer, char *buf,
                               size_t len) {
  if (kp->value)
    return kp->value;
  if (strcmp(kp->key, "client.id") == 0)
    return consumer ? "slpcoderd-consumer" : "slpcoderd-producer";
  if (strcmp(kp->key, "queue.buffering.max.messages") == 0) {
    snprintf(buf, len, "%lld", (long long)(w->cfg->max_in_flight * 2 + 10000));
    return buf;
  }
  /* transactional.id */
  if (*w->cfg->transactional_id) {
    snprintf(buf, len, "%s", w->cfg->transactional_id);
  } else {
    char host[128] = "localhost";
    gethostname(host, sizeof host - 1);
    const char *group = slp_config_kafka_get(w->cfg, "group.id");
    snprintf(buf, len, "slpcoderd-%s-%s", group ? group : "slpcoder", host);
  }
  return buf;
}

static int kconf_apply(const slp_worker_t *w, rd_kafka_conf_t *conf, const kprop_t *props, size_t n,
                       bool consumer, char *err, size_t errlen) {
  for (size_t i = 0; i < n; i++) {
    const kprop_t *kp = &props[i];
    if (!(kp->when & (consumer ? K_CONSUMER : K_PRODUCER)) || ((kp->when & K_EOS_ONLY) && !w->eos))
      continue;
    char buf[400];
    if (conf_set(conf, kp->key, kconf_value(w, kp, consumer, buf, sizeof buf), err, errlen))
      return -1;
  }
  return 0;
}

rd_kafka_conf_t *slp__kconf_build(slp_worker_t *w, bool consumer, const char *bootstrap, char *err,
                                  size_t errlen) {
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (kconf_apply(w, conf, k_defaults, sizeof k_defaults / sizeof k_defaults[0], consumer, err,
                  errlen) ||
      slp_config_apply_kafka(w->cfg, conf, err, errlen) != 0)
    goto fail;
  /* The embedded cluster's address beats any kafka.bootstrap.servers. */
  if (bootstrap && conf_set(conf, "bootstrap.servers", bootstrap, err, errlen))
    goto fail;
  if (kconf_apply(w, conf, k_forced, sizeof k_forced / sizeof k_forced[0], consumer, err, errlen))
    goto fail;
  if (consumer) {
    rd_kafka_conf_set_rebalance_cb(conf, slp__rebalance_cb);
    rd_kafka_conf_set_stats_cb(conf, stats_cb);
  } else {
    /* Delivery reports and errors as events on the main queue, which the loop serves. */
    rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR);
  }
  rd_kafka_conf_set_log_cb(conf, slp__kafka_log_cb);
  rd_kafka_conf_set_opaque(conf, w);
  return conf;
fail:
  rd_kafka_conf_destroy(conf);
  return NULL;
}
