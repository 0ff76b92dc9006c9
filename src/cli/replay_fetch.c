/* replay_fetch.c -- read back the exact input message a rejection's slpcoder.source names. */
#include "cli/replay_fetch.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FETCH_TIMEOUT_MS 15000

struct replay_fetch {
  rd_kafka_t *rk;
};

int replay_fetch_new(rd_kafka_conf_t *conf, replay_fetch_t **out, char *err, size_t errlen) {
  if (!conf)
    return -1;
  char errstr[256];
  const char *kv[][2] = {{"enable.auto.commit", "false"},
                         /* librdkafka's assign needs a group.id; nothing is ever committed to it and
                          * assign does not join, so the broker never sees this group */
                         {"group.id", "slpcoder-replay-fetch"},
                         {"enable.auto.offset.store", "false"},
                         {"isolation.level", "read_committed"},
                         {"enable.partition.eof", "true"}};
  for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
    rd_kafka_conf_set(conf, kv[i][0], kv[i][1], errstr, sizeof errstr);
  replay_fetch_t *f = calloc(1, sizeof *f);
  if (!f) {
    rd_kafka_conf_destroy(conf);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  f->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!f->rk) {
    rd_kafka_conf_destroy(conf);
    free(f);
    snprintf(err, errlen, "kafka: %s", errstr);
    return -1;
  }
  /* conf is now owned by f->rk */
  *out = f;
  return 0;
}

void replay_fetch_free(replay_fetch_t *f) {
  if (!f)
    return;
  rd_kafka_destroy(f->rk);
  free(f);
}

/* Split "topic/partition/offset" (topic names cannot hold '/'). */
static int parse_source(const char *s, char *topic, size_t tlen, int32_t *part, int64_t *off) {
  const char *b = strrchr(s, '/');
  if (!b || b == s)
    return -1;
  const char *a = b - 1;
  while (a > s && *a != '/')
    a--;
  if (*a != '/' || a == s || (size_t)(a - s) >= tlen)
    return -1;
  char *end;
  errno = 0;
  long p = strtol(a + 1, &end, 10);
  if (errno || end != b || p < 0 || p > INT32_MAX)
    return -1;
  long long o = strtoll(b + 1, &end, 10);
  if (errno || end == b + 1 || *end || o < 0)
    return -1;
  memcpy(topic, s, (size_t)(a - s));
  topic[a - s] = '\0';
  *part = (int32_t)p;
  *off = o;
  return 0;
}

int replay_fetch_source(replay_fetch_t *f, const char *source, rd_kafka_message_t **out, char *err,
                        size_t errlen) {
  char topic[256];
  int32_t part;
  int64_t off;
  if (!source[0]) {
    snprintf(err, errlen, "no slpcoder.source header");
    return -1;
  }
  if (parse_source(source, topic, sizeof topic, &part, &off) < 0) {
    snprintf(err, errlen, "slpcoder.source \"%.200s\" is not topic/partition/offset", source);
    return -1;
  }
  rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(l, topic, part)->offset = off;
  rd_kafka_resp_err_t e = rd_kafka_assign(f->rk, l);
  rd_kafka_topic_partition_list_destroy(l);
  if (e) {
    snprintf(err, errlen, "%s: assign: %s", source, rd_kafka_err2str(e));
    return -1;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = -1;
  snprintf(err, errlen, "%s: not fetched within %d ms", source, FETCH_TIMEOUT_MS);
  for (;;) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(f->rk, 200);
    if (m) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        snprintf(err, errlen, "%s: no such offset (the partition ends at %" PRId64 ")", source,
                 m->offset);
        rd_kafka_message_destroy(m);
        break;
      }
      if (m->err) {
        snprintf(err, errlen, "%s: %s", source, rd_kafka_message_errstr(m));
        bool transient = m->err == RD_KAFKA_RESP_ERR__TRANSPORT;
        rd_kafka_message_destroy(m);
        if (!transient)
          break;
      } else if (m->partition == part && m->offset == off &&
                 strcmp(rd_kafka_topic_name(m->rkt), topic) == 0) {
        *out = m;
        rc = 0;
        break;
      } else if (m->partition == part && m->offset > off) {
        snprintf(err, errlen, "%s: gone (compacted or deleted; the next is %" PRId64 ")", source,
                 m->offset);
        rd_kafka_message_destroy(m);
        break;
      } else {
        rd_kafka_message_destroy(m);
      }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 > FETCH_TIMEOUT_MS)
      break;
  }
  rd_kafka_assign(f->rk, NULL);
  return rc;
}
