/* SPDX-License-Identifier: Apache-2.0 */
/* kafka_raw.c -- benchmark: the raw librdkafka ceilings on this box, with the worker's own
 * client settings: a group consumer that reads COUNT inputs from TOPIC, then an idempotent
 * acks=all producer that writes those same bytes (key and value) to OUT.
 *
 * usage: bench_kafka_raw BOOTSTRAP TOPIC OUT COUNT [-X kafka.key=value ...] (other -X: skipped)
 * Prints two lines, "raw-consume rate=N/s" and "raw-produce rate=N/s", each counted like
 * slpcoderd's summary: from the first message in hand to the last one read (consume) or
 * acknowledged (produce). No processing between the two: these are the ceilings of any
 * consume+produce path through one process here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

typedef struct msg {
  void *key, *val;
  size_t klen, vlen;
} msg_t;

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, const char *why) {
  fprintf(stderr, "bench_kafka_raw: %s: %s\n", what, why);
  exit(1);
}

static void set(rd_kafka_conf_t *c, const char *k, const char *v) {
  char e[256];
  if (rd_kafka_conf_set(c, k, v, e, sizeof e) != RD_KAFKA_CONF_OK)
    die(k, e);
}

/* -X kafka.k=v: the caller's client settings, applied after the defaults, as slpcoderd does;
 * other -X keys are slpcoderd's own (log.level, ...) and are skipped, so the same list serves. */
static void apply_x(rd_kafka_conf_t *c, int argc, char **argv) {
  for (int i = 0; i + 1 < argc; i++) {
    if (strcmp(argv[i], "-X") != 0)
      continue;
    const char *kv = argv[++i];
    if (strncmp(kv, "kafka.", 6) != 0)
      continue;
    kv += 6;
    const char *eq = strchr(kv, '=');
    if (!eq)
      die(kv, "expected key=value");
    char k[256], e[256];
    snprintf(k, sizeof k, "%.*s", (int)(eq - kv), kv);
    /* librdkafka takes the other client type's keys with a warning: one list for both. */
    if (rd_kafka_conf_set(c, k, eq + 1, e, sizeof e) != RD_KAFKA_CONF_OK)
      die(k, e);
  }
}

static uint64_t acked, failed;
static double t_last_ack;

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk;
  (void)opaque;
  if (m->err)
    failed++;
  else
    acked++;
  t_last_ack = now_s();
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: bench_kafka_raw BOOTSTRAP TOPIC OUT COUNT [-X kafka.key=value ...]\n");
    return 64;
  }
  const char *bs = argv[1], *topic = argv[2], *out = argv[3];
  uint64_t count = strtoull(argv[4], NULL, 10);
  msg_t *msgs = calloc(count ? count : 1, sizeof *msgs);
  if (!msgs)
    die("calloc", "out of memory");
  char e[512], grp[64];

  /* ---- consume: the worker's consumer defaults (build_conf in src/io/worker.c) ---- */
  rd_kafka_conf_t *cc = rd_kafka_conf_new();
  snprintf(grp, sizeof grp, "bench-raw-%ld", (long)time(NULL) ^ (long)clock());
  set(cc, "bootstrap.servers", bs);
  set(cc, "group.id", grp);
  set(cc, "auto.offset.reset", "earliest");
  set(cc, "partition.assignment.strategy", "cooperative-sticky");
  set(cc, "queued.max.messages.kbytes", "16384");
  set(cc, "enable.auto.offset.store", "false");
  apply_x(cc, argc - 5, argv + 5);
  set(cc, "bootstrap.servers", bs);
  set(cc, "group.id", grp);
  rd_kafka_t *c = rd_kafka_new(RD_KAFKA_CONSUMER, cc, e, sizeof e);
  if (!c)
    die("consumer", e);
  rd_kafka_poll_set_consumer(c);
  rd_kafka_topic_partition_list_t *sub = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(sub, topic, RD_KAFKA_PARTITION_UA);
  if (rd_kafka_subscribe(c, sub))
    die("subscribe", topic);
  rd_kafka_topic_partition_list_destroy(sub);
  uint64_t n = 0;
  double t0 = 0, t1 = 0, idle_since = now_s();
  while (n < count) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 100);
    if (!m) {
      if (now_s() - idle_since > 30)
        die("consume", "no message for 30 s");
      continue;
    }
    idle_since = now_s();
    if (!m->err) {
      if (n == 0)
        t0 = now_s();
      msg_t *x = &msgs[n++];
      x->klen = m->key_len;
      x->vlen = m->len;
      x->key = malloc(m->key_len + 1);
      x->val = malloc(m->len + 1);
      if (!x->key || !x->val)
        die("malloc", "out of memory");
      if (m->key_len)
        memcpy(x->key, m->key, m->key_len);
      if (m->len)
        memcpy(x->val, m->payload, m->len);
      t1 = now_s();
    }
    rd_kafka_message_destroy(m);
  }
  printf("raw-consume inputs=%llu rate=%.0f/s\n", (unsigned long long)n,
         t1 > t0 ? (double)n / (t1 - t0) : 0.0);
  fflush(stdout);
  rd_kafka_consumer_close(c);
  rd_kafka_destroy(c);

  /* ---- produce: the worker's producer defaults ---- */
  rd_kafka_conf_t *pc = rd_kafka_conf_new();
  set(pc, "bootstrap.servers", bs);
  set(pc, "acks", "all");
  set(pc, "enable.idempotence", "true");
  set(pc, "linger.ms", "5");
  set(pc, "queue.buffering.max.messages", "110000");
  apply_x(pc, argc - 5, argv + 5);
  set(pc, "bootstrap.servers", bs);
  rd_kafka_conf_set_dr_msg_cb(pc, dr_cb);
  rd_kafka_t *p = rd_kafka_new(RD_KAFKA_PRODUCER, pc, e, sizeof e);
  if (!p)
    die("producer", e);
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(p, out, NULL);
  /* Connect and learn the partitions before the clock starts, as the worker has done by the
   * time its first input arrives. */
  const struct rd_kafka_metadata *md = NULL;
  if (rd_kafka_metadata(p, 0, rkt, &md, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR)
    rd_kafka_metadata_destroy(md);
  t0 = now_s();
  for (uint64_t i = 0; i < n; i++) {
    msg_t *x = &msgs[i];
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          p, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_KEY(x->key, x->klen),
          RD_KAFKA_V_VALUE(x->val, x->vlen), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(p, 1);
        continue;
      }
      if (err)
        die("produce", rd_kafka_err2str(err));
      break;
    }
    rd_kafka_poll(p, 0);
  }
  if (rd_kafka_flush(p, 60000))
    die("flush", "timed out");
  printf("raw-produce outputs=%llu failed=%llu rate=%.0f/s\n", (unsigned long long)acked,
         (unsigned long long)failed, t_last_ack > t0 ? (double)acked / (t_last_ack - t0) : 0.0);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(p);
  for (uint64_t i = 0; i < n; i++) {
    free(msgs[i].key);
    free(msgs[i].val);
  }
  free(msgs);
  return failed ? 1 : 0;
}
