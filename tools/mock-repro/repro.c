/* SPDX-License-Identifier: Apache-2.0 */
/* repro.c -- does librdkafka's mock cluster lose acknowledged messages under injected
 * Produce errors? No slpcoder code: one producer, one mock cluster, one checking consumer.
 *
 *   cc -O2 -o repro repro.c -lrdkafka
 *   ./repro MODE ERR [COUNT]
 *     MODE: idempotent   enable.idempotence=true, max.in.flight=5 (librdkafka's default cap)
 *           inflight1    enable.idempotence=true, max.in.flight.requests.per.connection=1
 *           plain        enable.idempotence=false (retries on, max.in.flight=5)
 *           txn          transactional.id set (one transaction around everything)
 *     ERR:  the Kafka error code pushed for Produce (e.g. 6, 7, 19)
 * Prints one line: acked (successful delivery reports), failed, stored records, and
 * lost = acknowledged but not in the log. Exit 1 when lost > 0.
 * REPRO_DEBUG=eos,msg,protocol adds librdkafka debug logs on stderr. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *acked, *seen;
static long n_ok, n_fail;

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk, (void)opaque;
  long idx = (long)(intptr_t)m->_private;
  if (m->err) n_fail++;
  else { n_ok++; acked[idx] = 1; }
}

static void set(rd_kafka_conf_t *c, const char *k, const char *v) {
  char e[256];
  if (rd_kafka_conf_set(c, k, v, e, sizeof e) != RD_KAFKA_CONF_OK) { fprintf(stderr, "%s: %s\n", k, e); exit(2); }
}

static void txn_ok(rd_kafka_error_t *e, const char *what) {
  if (e) { fprintf(stderr, "%s: %s\n", what, rd_kafka_error_string(e)); exit(2); }
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s idempotent|inflight1|plain|txn ERR [COUNT]\n", argv[0]); return 2; }
  const char *mode = argv[1];
  int errcode = atoi(argv[2]);
  long count = argc > 3 ? atol(argv[3]) : 12000;
  const int parts = 6;
  char e[512];
  acked = calloc((size_t)count, 1);
  seen = calloc((size_t)count, 1);

  rd_kafka_conf_t *hc = rd_kafka_conf_new();
  set(hc, "log_level", "3");
  rd_kafka_t *host = rd_kafka_new(RD_KAFKA_PRODUCER, hc, e, sizeof e);
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(host, 3);
  const char *bs = rd_kafka_mock_cluster_bootstraps(mc);
  rd_kafka_mock_topic_create(mc, "t", parts, 3);

  rd_kafka_conf_t *pc = rd_kafka_conf_new();
  set(pc, "bootstrap.servers", bs);
  set(pc, "linger.ms", "5");
  set(pc, "acks", "all");
  set(pc, "enable.idempotence", strcmp(mode, "plain") ? "true" : "false");
  if (!strcmp(mode, "inflight1")) set(pc, "max.in.flight.requests.per.connection", "1");
  if (!strcmp(mode, "plain")) set(pc, "max.in.flight.requests.per.connection", "5");
  if (!strcmp(mode, "txn")) set(pc, "transactional.id", "repro-tx");
  if (getenv("REPRO_DEBUG")) set(pc, "debug", getenv("REPRO_DEBUG"));
  rd_kafka_conf_set_dr_msg_cb(pc, dr_cb);
  rd_kafka_t *p = rd_kafka_new(RD_KAFKA_PRODUCER, pc, e, sizeof e);
  if (!p) { fprintf(stderr, "%s\n", e); return 2; }
  if (!strcmp(mode, "txn")) {
    txn_ok(rd_kafka_init_transactions(p, 30000), "init_transactions");
    txn_ok(rd_kafka_begin_transaction(p), "begin_transaction");
  }

  /* ~2000 msg/s in bursts of 20; push 4 Produce errors every 1500 messages. */
  long pushes = 0;
  for (long i = 0; i < count; i++) {
    char val[32];
    int n = snprintf(val, sizeof val, "%ld", i);
    char key[16];
    snprintf(key, sizeof key, "k%ld", i % 97);
    while (rd_kafka_producev(p, RD_KAFKA_V_TOPIC("t"), RD_KAFKA_V_KEY(key, strlen(key)), RD_KAFKA_V_VALUE(val, (size_t)n),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE((void *)(intptr_t)i),
                             RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
      rd_kafka_poll(p, 10);
    if (i % 1500 == 750) {
      rd_kafka_resp_err_t errs[4] = {errcode, errcode, errcode, errcode};
      rd_kafka_mock_push_request_errors_array(mc, 0 /* Produce */, 4, errs);
      pushes++;
    }
    if (i % 20 == 19) rd_kafka_poll(p, 10);
  }
  if (!strcmp(mode, "txn")) txn_ok(rd_kafka_commit_transaction(p, 60000), "commit_transaction");
  if (rd_kafka_flush(p, 60000)) fprintf(stderr, "flush timed out\n");
  rd_kafka_destroy(p);

  /* Read the log back (read_uncommitted: the mock has no other isolation). */
  rd_kafka_conf_t *cc = rd_kafka_conf_new();
  set(cc, "bootstrap.servers", bs);
  set(cc, "group.id", "repro-check");
  set(cc, "enable.partition.eof", "true");
  rd_kafka_t *c = rd_kafka_new(RD_KAFKA_CONSUMER, cc, e, sizeof e);
  rd_kafka_topic_partition_list_t *tp = rd_kafka_topic_partition_list_new(parts);
  for (int i = 0; i < parts; i++) rd_kafka_topic_partition_list_add(tp, "t", i)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(c, tp);
  rd_kafka_topic_partition_list_destroy(tp);
  long stored = 0, eofs = 0, dups = 0;
  while (eofs < parts) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 1000);
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) eofs++;
    else if (!m->err) {
      char v[32] = {0};
      memcpy(v, m->payload, m->len < 31 ? m->len : 31);
      long idx = atol(v);
      stored++;
      if (idx >= 0 && idx < count) { if (seen[idx]) dups++; seen[idx] = 1; }
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(c);
  rd_kafka_destroy(c);
  long lost = 0, first_lost = -1;
  for (long i = 0; i < count; i++)
    if (acked[i] && !seen[i]) { if (first_lost < 0) first_lost = i; lost++; }
  printf("mode=%s err=%d(%s) pushes=%ld count=%ld acked=%ld failed=%ld stored=%ld duplicates=%ld lost=%ld%s\n", mode,
         errcode, rd_kafka_err2name((rd_kafka_resp_err_t)errcode), pushes, count, n_ok, n_fail, stored, dups, lost,
         lost ? " <- acknowledged but not in the log" : "");
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(host);
  return lost ? 1 : 0;
}
