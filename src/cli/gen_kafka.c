/* SPDX-License-Identifier: Apache-2.0 */
/* gen_kafka.c -- the Kafka producer of `slpcoder gen --brokers`: every session it reports as
 * written has a successful delivery report and is on the topic.
 *
 * Why one request in flight (max.in.flight.requests.per.connection=1): librdkafka 2.0.2 (and
 * later, to 2.15 at least) treats the success of a later ProduceRequest for a partition as proof
 * that the earlier messages of that partition were persisted, and reports them delivered without
 * sending them again (rd_kafka_dr_implicit_ack). A broker accepts any sequence number from a
 * producer id it holds no state for on that partition (Kafka's ProducerAppendInfo.checkSequence),
 * which is the case for the first batch a new producer sends to each partition. So when that
 * first batch is refused with a retriable error (NOT_LEADER_OR_FOLLOWER right after the topic is
 * created or while a leader moves, NOT_ENOUGH_REPLICAS while the ISR is short) and a second batch
 * already in flight behind it is accepted, the first batch is acknowledged but never written.
 * With one request in flight there is no second batch to be accepted first: the refused batch
 * is sent again before anything after it. The generator starts a new producer per run (the
 * broker3 streams one per second), so it meets that window often. */
#include "cli/gen_kafka.h"

#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

struct slp_gen_sink {
  rd_kafka_t *rk;
  const char *topic; /* borrowed from argv */
  uint64_t put;      /* items handed to librdkafka */
  uint64_t acked;    /* successful delivery reports */
  uint64_t failed;   /* failed delivery reports */
};

/* Delivery reports, served by rd_kafka_poll/flush on the generator's thread. */
static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *rkm, void *opaque) {
  (void)rk;
  slp_gen_sink_t *s = opaque;
  if (rkm->err) {
    if (s->failed == 0)
      fprintf(stderr, "slpcoder gen: delivery failed: %s\n", rd_kafka_err2str(rkm->err));
    s->failed++;
  } else {
    s->acked++;
  }
}

static slp_gen_sink_t *sink_open(const char *brokers, const char *topic, const char *const *props,
                                 int n_props, int *rc) {
  char errstr[512];
  slp_gen_sink_t *s = calloc(1, sizeof *s);
  if (!s) {
    *rc = EX_OSERR;
    return NULL;
  }
  s->topic = topic;
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  const char *kv[][2] = {{"bootstrap.servers", brokers},
                         {"acks", "all"},
                         {"enable.idempotence", "true"},
                         {"max.in.flight.requests.per.connection", "1"}, /* see the top */
                         {"linger.ms", "5"},
                         {"queue.buffering.max.messages", "500000"}};
  for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
    rd_kafka_conf_set(conf, kv[i][0], kv[i][1], errstr, sizeof errstr);
  for (int i = 0; i < n_props; i++) {
    char key[256];
    const char *eq = strchr(props[i], '=');
    const char *k = strncmp(props[i], "kafka.", 6) == 0 ? props[i] + 6 : props[i];
    if (!eq || eq < k || (size_t)(eq - k) >= sizeof key) {
      fprintf(stderr, "slpcoder gen: -X %s: expected kafka.property=value\n", props[i]);
      *rc = EX_USAGE;
      goto fail;
    }
    snprintf(key, sizeof key, "%.*s", (int)(eq - k), k);
    if (rd_kafka_conf_set(conf, key, eq + 1, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      fprintf(stderr, "slpcoder gen: -X %s: %s\n", key, errstr);
      *rc = EX_CONFIG;
      goto fail;
    }
  }
  rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
  rd_kafka_conf_set_opaque(conf, s);
  s->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!s->rk) {
    fprintf(stderr, "slpcoder gen: %s\n", errstr);
    *rc = EX_UNAVAILABLE;
    goto fail;
  }
  conf = NULL; /* now owned by rk */
  return s;
fail:
  rd_kafka_conf_destroy(conf);
  free(s);
  return NULL;
}

static int sink_put(slp_gen_sink_t *s, const slp_gen_item_t *it) {
  for (;;) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        s->rk, RD_KAFKA_V_TOPIC(s->topic), RD_KAFKA_V_KEY(it->key, strlen(it->key)),
        RD_KAFKA_V_VALUE((void *)it->bytes, it->len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(s->rk, 10);
      continue;
    }
    if (err) {
      fprintf(stderr, "slpcoder gen: produce: %s\n", rd_kafka_err2str(err));
      return EX_UNAVAILABLE;
    }
    s->put++;
    rd_kafka_poll(s->rk, 0);
    return 0;
  }
}

static int sink_close(slp_gen_sink_t *s, uint64_t *acked) {
  int rc = 0;
  if (rd_kafka_flush(s->rk, 60000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    fprintf(stderr, "slpcoder gen: flush timed out with %d messages undelivered\n",
            rd_kafka_outq_len(s->rk));
    rc = EX_UNAVAILABLE;
  }
  /* Counted, not inferred from an empty queue: a session is acknowledged only by its own
   * successful delivery report. */
  if (s->failed || s->acked != s->put) {
    if (!rc)
      fprintf(stderr, "slpcoder gen: %llu of %llu sessions acknowledged, %llu failed\n",
              (unsigned long long)s->acked, (unsigned long long)s->put,
              (unsigned long long)s->failed);
    rc = EX_UNAVAILABLE;
  }
  *acked = s->acked;
  rd_kafka_destroy(s->rk);
  free(s);
  return rc;
}

const slp_gen_sink_ops_t cli_gen_kafka_sink = {sink_open, sink_put, sink_close};
