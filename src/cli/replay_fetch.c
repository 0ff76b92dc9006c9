/* SPDX-License-Identifier: Apache-2.0 */
/* replay_fetch.c -- read back the exact input message a rejection's slpcoder.source names.
 *
 * librdkafka's per-partition (legacy) consumer: each partition is started once and read
 * forward, so rejections whose sources ascend within a partition (the usual case: a worker
 * writes them in input order) cost one fetch stream, not one seek each. No consumer group.
 */
#include "cli/replay_fetch.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FETCH_TIMEOUT_MS 15000
#define MAX_GAP 10000 /* read forward over at most this many records, else restart there */
#define MAX_STREAMS 256

typedef struct stream {
  rd_kafka_topic_t *rkt;
  int32_t partition;
  int64_t next; /* the offset the stream delivers next */
} stream_t;

struct replay_fetch {
  rd_kafka_t *rk;
  stream_t streams[MAX_STREAMS];
  int n;
};

int replay_fetch_new(rd_kafka_conf_t *conf, replay_fetch_t **out, char *err, size_t errlen) {
  if (!conf)
    return -1;
  char errstr[256];
  rd_kafka_conf_set(conf, "enable.partition.eof", "true", errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "isolation.level", "read_committed", errstr, sizeof errstr);
  /* every offset asked for exists already: no reason to wait long for more data */
  rd_kafka_conf_set(conf, "fetch.wait.max.ms", "50", errstr, sizeof errstr);
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
  for (int i = 0; i < f->n; i++) {
    rd_kafka_consume_stop(f->streams[i].rkt, f->streams[i].partition);
    rd_kafka_topic_destroy(f->streams[i].rkt);
  }
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

static stream_t *stream_for(replay_fetch_t *f, const char *topic, int32_t part, int64_t off,
                            char *err, size_t errlen) {
  stream_t *st = NULL;
  for (int i = 0; i < f->n; i++)
    if (f->streams[i].partition == part && !strcmp(rd_kafka_topic_name(f->streams[i].rkt), topic))
      st = &f->streams[i];
  if (st && st->next >= 0 && off >= st->next && off - st->next <= MAX_GAP)
    return st; /* read forward */
  if (st) {
    rd_kafka_consume_stop(st->rkt, part);
  } else {
    if (f->n == MAX_STREAMS) {
      snprintf(err, errlen, "more than %d source partitions", MAX_STREAMS);
      return NULL;
    }
    rd_kafka_topic_conf_t *tc = rd_kafka_topic_conf_new();
    char errstr[256];
    /* a source gone by retention is reported, not silently replaced by another offset */
    rd_kafka_topic_conf_set(tc, "auto.offset.reset", "error", errstr, sizeof errstr);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(f->rk, topic, tc);
    if (!rkt) {
      snprintf(err, errlen, "%s: %s", topic, rd_kafka_err2str(rd_kafka_last_error()));
      return NULL;
    }
    /* tc is now owned by rkt */
    st = &f->streams[f->n++];
    st->rkt = rkt;
    st->partition = part;
  }
  if (rd_kafka_consume_start(st->rkt, part, off) < 0) {
    snprintf(err, errlen, "%s/%" PRId32 ": %s", topic, part, rd_kafka_err2str(rd_kafka_last_error()));
    st->next = -1;
    return NULL;
  }
  st->next = off;
  return st;
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
  stream_t *st = stream_for(f, topic, part, off, err, errlen);
  if (!st)
    return -1;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    rd_kafka_message_t *m = rd_kafka_consume(st->rkt, part, 500);
    if (m && m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      int64_t end = m->offset;
      rd_kafka_message_destroy(m);
      if (end <= off) {
        snprintf(err, errlen, "%s: no such offset (the partition ends at %" PRId64 ")", source, end);
        st->next = end;
        return -1;
      }
    } else if (m && m->err) {
      snprintf(err, errlen, "%s: %s", source, rd_kafka_message_errstr(m));
      bool transient = m->err == RD_KAFKA_RESP_ERR__TRANSPORT;
      rd_kafka_message_destroy(m);
      if (!transient) {
        st->next = -1; /* restart on the next request */
        return -1;
      }
    } else if (m) {
      st->next = m->offset + 1;
      if (m->offset == off) {
        *out = m;
        return 0;
      }
      rd_kafka_message_destroy(m);
      if (st->next > off) {
        snprintf(err, errlen, "%s: gone (compacted or deleted; the next is %" PRId64 ")", source,
                 st->next - 1);
        return -1;
      }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 > FETCH_TIMEOUT_MS) {
      snprintf(err, errlen, "%s: not fetched within %d ms", source, FETCH_TIMEOUT_MS);
      st->next = -1;
      return -1;
    }
  }
}
