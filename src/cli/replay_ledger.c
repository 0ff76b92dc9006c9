/* SPDX-License-Identifier: Apache-2.0 */
/* replay_ledger.c -- recover what an interrupted replay delivered but did not commit. */
#include "cli/replay_ledger.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCAN_TIMEOUT_MS 120000
#define MARK_PREFIX "slpcoder-replay-mark/v1;"

struct replay_ledger {
  char target[256];
  char mark[4000]; /* the mark the scan started from */
  char **of;       /* recovered coordinates, sorted */
  bool *taken;     /* of[i] met again in this run */
  size_t n, pending;
};

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int header_str(const rd_kafka_message_t *m, const char *name, const char **v, size_t *n) {
  rd_kafka_headers_t *h = NULL;
  const void *p = NULL;
  if (rd_kafka_message_headers(m, &h) || rd_kafka_header_get_last(h, name, &p, n) || !p)
    return -1;
  *v = p;
  return 0;
}

/* "p:off" pairs of a mark: the offset for partition part, or -1 when the mark has none. */
static int64_t mark_offset(const char *mark, int32_t part) {
  const char *s = mark + strlen(MARK_PREFIX);
  while (*s) {
    char *end;
    long p = strtol(s, &end, 10);
    if (*end != ':')
      return -1;
    long long o = strtoll(end + 1, &end, 10);
    if (p == part)
      return o;
    if (*end != ',')
      return -1;
    s = end + 1;
  }
  return -1;
}

static int add(replay_ledger_t *l, const char *v, size_t n, size_t *cap) {
  if (l->n == *cap) {
    size_t nc = *cap ? *cap * 2 : 64;
    char **p = realloc(l->of, nc * sizeof *p);
    if (!p)
      return -1;
    l->of = p;
    *cap = nc;
  }
  char *s = malloc(n + 1);
  if (!s)
    return -1;
  memcpy(s, v, n);
  s[n] = '\0';
  l->of[l->n++] = s;
  return 0;
}

int replay_ledger_recover(rd_kafka_conf_t *conf, const char *group, const char *target,
                          const char *mark, replay_ledger_t **out, char *err, size_t errlen) {
  replay_ledger_t *l = calloc(1, sizeof *l);
  if (!l) {
    rd_kafka_conf_destroy(conf);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  snprintf(l->target, sizeof l->target, "%s", target);
  bool have_mark = mark && !strncmp(mark, MARK_PREFIX, strlen(MARK_PREFIX));
  snprintf(l->mark, sizeof l->mark, "%s", have_mark ? mark : "");
  if (!have_mark) { /* a fresh replay: it has produced nothing yet */
    rd_kafka_conf_destroy(conf);
    *out = l;
    return 0;
  }
  char errstr[256];
  const char *kv[][2] = {{"group.id", "slpcoder-replay-ledger"}, /* assign only; never committed */
                         {"enable.auto.commit", "false"},
                         {"enable.auto.offset.store", "false"},
                         {"isolation.level", "read_committed"}};
  for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
    rd_kafka_conf_set(conf, kv[i][0], kv[i][1], errstr, sizeof errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    replay_ledger_free(l);
    snprintf(err, errlen, "kafka: %s", errstr);
    return -1;
  }
  /* conf is now owned by rk */
  int rc = -1;
  const rd_kafka_metadata_t *md = NULL;
  rd_kafka_topic_partition_list_t *parts = NULL;
  int64_t *hi = NULL;
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, target, NULL);
  rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, 15000);
  rd_kafka_topic_destroy(rkt);
  if (e || md->topic_cnt != 1 || md->topics[0].err) {
    snprintf(err, errlen, "%s: metadata: %s", target,
             rd_kafka_err2str(e ? e : md->topic_cnt ? md->topics[0].err : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC));
    goto done;
  }
  int n = md->topics[0].partition_cnt;
  parts = rd_kafka_topic_partition_list_new(n);
  hi = calloc((size_t)n + 1, sizeof *hi);
  if (!hi)
    goto done;
  int live = 0;
  for (int i = 0; i < n; i++) {
    int32_t p = md->topics[0].partitions[i].id;
    int64_t lo = 0, h = 0;
    if ((e = rd_kafka_query_watermark_offsets(rk, target, p, &lo, &h, 15000))) {
      snprintf(err, errlen, "%s/%" PRId32 ": watermarks: %s", target, p, rd_kafka_err2str(e));
      goto done;
    }
    int64_t from = mark_offset(l->mark, p);
    if (from < lo)
      from = lo;
    if (from >= h)
      continue;
    rd_kafka_topic_partition_list_add(parts, target, p)->offset = from;
    hi[live++] = h;
  }
  size_t cap = 0;
  if (live && (e = rd_kafka_assign(rk, parts))) {
    snprintf(err, errlen, "%s: assign: %s", target, rd_kafka_err2str(e));
    goto done;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  size_t glen = strlen(group);
  while (live > 0) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);
    if (m && !m->err) {
      const char *v;
      size_t vn;
      if (!header_str(m, "slpcoder.replay.group", &v, &vn) && vn == glen && !memcmp(v, group, vn) &&
          !header_str(m, "slpcoder.replay.of", &v, &vn) && add(l, v, vn, &cap) < 0) {
        rd_kafka_message_destroy(m);
        snprintf(err, errlen, "out of memory");
        goto done;
      }
    }
    if (m)
      rd_kafka_message_destroy(m);
    /* Done when every partition's position reached the end seen at the start. */
    if (rd_kafka_position(rk, parts) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      live = 0;
      for (int i = 0; i < parts->cnt; i++)
        if (parts->elems[i].offset < hi[i])
          live++;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (live && (t1.tv_sec - t0.tv_sec) * 1000 > SCAN_TIMEOUT_MS) {
      snprintf(err, errlen, "%s: reading back what the interrupted replay produced timed out",
               target);
      goto done;
    }
  }
  if (l->n)
    qsort(l->of, l->n, sizeof *l->of, cmp_str);
  l->taken = calloc(l->n + 1, sizeof *l->taken);
  if (!l->taken)
    goto done;
  l->pending = l->n;
  rc = 0;
done:
  if (md)
    rd_kafka_metadata_destroy(md);
  if (parts)
    rd_kafka_topic_partition_list_destroy(parts);
  free(hi);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  if (rc < 0) {
    if (!err[0])
      snprintf(err, errlen, "out of memory");
    replay_ledger_free(l);
    return -1;
  }
  *out = l;
  return 0;
}

bool replay_ledger_take(replay_ledger_t *l, const char *of) {
  if (!l || l->pending == 0)
    return false;
  char **hit = bsearch(&of, l->of, l->n, sizeof *l->of, cmp_str);
  if (!hit || l->taken[hit - l->of])
    return false;
  l->taken[hit - l->of] = true;
  l->pending--;
  return true;
}

size_t replay_ledger_pending(const replay_ledger_t *l) {
  return l ? l->pending : 0;
}

size_t replay_ledger_recovered(const replay_ledger_t *l) {
  return l ? l->n : 0;
}

int replay_ledger_mark(replay_ledger_t *l, rd_kafka_t *rk, char *buf, size_t len, char *err,
                       size_t errlen) {
  if (l->pending > 0 && l->mark[0]) {
    snprintf(buf, len, "%s", l->mark);
    return 0;
  }
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, l->target, NULL);
  const rd_kafka_metadata_t *md = NULL;
  rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, 15000);
  rd_kafka_topic_destroy(rkt);
  if (e || md->topic_cnt != 1 || md->topics[0].err) {
    snprintf(err, errlen, "%s: metadata: %s", l->target,
             rd_kafka_err2str(e ? e : md->topic_cnt ? md->topics[0].err : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC));
    if (md)
      rd_kafka_metadata_destroy(md);
    return -1;
  }
  size_t off = (size_t)snprintf(buf, len, "%s", MARK_PREFIX);
  for (int i = 0; i < md->topics[0].partition_cnt; i++) {
    int32_t p = md->topics[0].partitions[i].id;
    int64_t lo = 0, hi = 0;
    if ((e = rd_kafka_query_watermark_offsets(rk, l->target, p, &lo, &hi, 15000))) {
      snprintf(err, errlen, "%s/%" PRId32 ": watermarks: %s", l->target, p, rd_kafka_err2str(e));
      rd_kafka_metadata_destroy(md);
      return -1;
    }
    int w = snprintf(buf + off, len - off, "%s%" PRId32 ":%" PRId64, i ? "," : "", p, hi);
    if (w < 0 || (size_t)w >= len - off) {
      snprintf(err, errlen, "%s: too many partitions for the progress mark", l->target);
      rd_kafka_metadata_destroy(md);
      return -1;
    }
    off += (size_t)w;
  }
  rd_kafka_metadata_destroy(md);
  return 0;
}

void replay_ledger_free(replay_ledger_t *l) {
  if (!l)
    return;
  for (size_t i = 0; i < l->n; i++)
    free(l->of[i]);
  free(l->of);
  free(l->taken);
  free(l);
}
