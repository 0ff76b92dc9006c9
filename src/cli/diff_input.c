/* SPDX-License-Identifier: Apache-2.0 */
/* diff_input.c -- stream the inputs of `slpcoder diff` one record at a time (flat memory). */
#include "cli/diff_input.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/kafka_conf.h"
#include "common/date.h"

#define RECORD_MAX ((size_t)64 << 20) /* a session is a few hundred bytes; refuse absurd lengths */

struct diff_input {
  /* file */
  FILE *f;
  const char *name;
  diff_in_fmt_t fmt;
  uint64_t n; /* records (delimited) or lines (text) read */
  uint64_t pos;
  char *line; /* getline buffer */
  size_t line_cap;
  uint8_t *buf;
  size_t cap;
  /* kafka */
  rd_kafka_t *rk;
  char topic[256];
  int32_t *parts;
  int64_t *start, *end; /* per partition: [start, end) */
  int n_parts, cur;     /* cur: the partition being read, -1 before the first */
  rd_kafka_message_t *rkm; /* the last message, destroyed on the next call */
  int64_t from_ms, to_ms;  /* record timestamp bounds, -1 = none */
};

static int grow(diff_input_t *in, size_t need) {
  if (need <= in->cap)
    return 0;
  size_t cap = in->cap ? in->cap : 4096;
  while (cap < need)
    cap *= 2;
  uint8_t *b = realloc(in->buf, cap);
  if (!b)
    return -1;
  in->buf = b;
  in->cap = cap;
  return 0;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The format of a file given without one: its name (.jsonl/.json, .hex/.tsv), else its first
 * byte ('{' is JSON; a delimited file starts with a varint, which cannot be told from a hex
 * line's key by one byte, hence the name test first). */
static diff_in_fmt_t sniff(const char *path, FILE *f) {
  if (ends_with(path, ".jsonl") || ends_with(path, ".json"))
    return DIFF_IN_JSONL;
  if (ends_with(path, ".hex") || ends_with(path, ".tsv"))
    return DIFF_IN_HEX;
  int c = getc(f);
  if (c == EOF)
    return DIFF_IN_DELIMITED;
  ungetc(c, f);
  return c == '{' ? DIFF_IN_JSONL : DIFF_IN_DELIMITED;
}

int diff_input_open_file(const char *path, diff_in_fmt_t fmt, diff_input_t **out, char *err,
                         size_t errlen) {
  diff_input_t *in = calloc(1, sizeof *in);
  if (!in) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  bool is_stdin = strcmp(path, "-") == 0;
  in->name = is_stdin ? "<stdin>" : path;
  in->f = is_stdin ? stdin : fopen(path, "rb");
  if (!in->f) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    free(in);
    return -1;
  }
  in->fmt = fmt == DIFF_IN_AUTO ? sniff(path, in->f) : fmt;
  in->cur = -1;
  *out = in;
  return 0;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = tolower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int next_file(diff_input_t *in, diff_record_t *rec, char *err, size_t errlen) {
  if (in->fmt == DIFF_IN_DELIMITED) {
    uint64_t len = 0;
    int shift = 0, c;
    uint64_t at = in->pos;
    for (;;) {
      c = getc(in->f);
      if (c == EOF) {
        if (shift == 0 && !ferror(in->f))
          return 0;
        snprintf(err, errlen, "%s: record %" PRIu64 " (byte %" PRIu64 "): %s", in->name, in->n + 1,
                 at, ferror(in->f) ? strerror(errno) : "truncated length varint");
        return -1;
      }
      in->pos++;
      len |= (uint64_t)(c & 0x7f) << shift;
      if (!(c & 0x80))
        break;
      shift += 7;
      if (shift > 63) {
        snprintf(err, errlen, "%s: record %" PRIu64 " (byte %" PRIu64 "): length varint too long",
                 in->name, in->n + 1, at);
        return -1;
      }
    }
    if (len > RECORD_MAX || grow(in, len ? len : 1) < 0) {
      snprintf(err, errlen, "%s: record %" PRIu64 " (byte %" PRIu64 "): length %" PRIu64
               " is not a session (limit %zu)", in->name, in->n + 1, at, len, RECORD_MAX);
      return -1;
    }
    if (len && fread(in->buf, 1, len, in->f) != len) {
      snprintf(err, errlen, "%s: record %" PRIu64 " (byte %" PRIu64 "): truncated: %" PRIu64
               " bytes announced", in->name, in->n + 1, at, len);
      return -1;
    }
    in->pos += len;
    in->n++;
    rec->bytes = in->buf;
    rec->len = len;
    rec->json = false;
    snprintf(rec->where, sizeof rec->where, "%s: record %" PRIu64 " (byte %" PRIu64 ")", in->name,
             in->n, at);
    return 1;
  }
  for (;;) {
    errno = 0;
    ssize_t n = getline(&in->line, &in->line_cap, in->f);
    if (n < 0) {
      if (ferror(in->f)) {
        snprintf(err, errlen, "%s:%" PRIu64 ": %s", in->name, in->n + 1, strerror(errno));
        return -1;
      }
      return 0;
    }
    in->n++;
    while (n > 0 && (in->line[n - 1] == '\n' || in->line[n - 1] == '\r'))
      in->line[--n] = '\0';
    if (n == 0)
      continue; /* blank lines separate nothing; skip them */
    snprintf(rec->where, sizeof rec->where, "%s:%" PRIu64, in->name, in->n);
    if (in->fmt == DIFF_IN_JSONL) {
      rec->bytes = (const uint8_t *)in->line;
      rec->len = (size_t)n;
      rec->json = true;
      return 1;
    }
    const char *tab = memchr(in->line, '\t', (size_t)n);
    const char *hex = tab ? tab + 1 : in->line;
    size_t hlen = (size_t)n - (size_t)(hex - in->line);
    if (hlen % 2 || grow(in, hlen / 2 + 1) < 0) {
      snprintf(err, errlen, "%s:%" PRIu64 ": expected \"key<TAB>hex\" with an even number of hex "
               "digits", in->name, in->n);
      return -1;
    }
    for (size_t i = 0; i < hlen / 2; i++) {
      int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
      if (hi < 0 || lo < 0) {
        snprintf(err, errlen, "%s:%" PRIu64 ": column %zu: not a hex digit", in->name, in->n,
                 (size_t)(hex - in->line) + 2 * i + (hi < 0 ? 1 : 2));
        return -1;
      }
      in->buf[i] = (uint8_t)(hi << 4 | lo);
    }
    rec->bytes = in->buf;
    rec->len = hlen / 2;
    rec->json = false;
    return 1;
  }
}

/* ---- Kafka ------------------------------------------------------------------------------ */

int diff_input_open_kafka(const char *brokers, const char *topic, diff_pos_t from, diff_pos_t to,
                          const char *const *xprops, int n_xprops, diff_input_t **out, char *err,
                          size_t errlen) {
  char errstr[256];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  const char *kv[][2] = {{"bootstrap.servers", brokers},
                         {"enable.auto.commit", "false"},
                         /* librdkafka's assign needs a group.id; nothing is ever committed to it and
                          * assign does not join, so the broker never sees this group */
                         {"group.id", "slpcoder-diff"},
                         {"enable.auto.offset.store", "false"},
                         {"enable.partition.eof", "false"},
                         /* the range exists at the start: no reason to wait long for more */
                         {"fetch.wait.max.ms", "50"},
                         {"log.connection.close", "false"}};
  for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
    rd_kafka_conf_set(conf, kv[i][0], kv[i][1], errstr, sizeof errstr);
  if (cli_kafka_conf_apply(conf, xprops, n_xprops, err, errlen) < 0) {
    rd_kafka_conf_destroy(conf);
    return -2;
  }
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!rk) {
    snprintf(err, errlen, "kafka: %s", errstr);
    rd_kafka_conf_destroy(conf);
    return -1;
  }
  /* conf is now owned by rk */
  diff_input_t *in = calloc(1, sizeof *in);
  if (!in) {
    rd_kafka_destroy(rk);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  in->rk = rk;
  in->cur = -1;
  snprintf(in->topic, sizeof in->topic, "%s", topic);
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  const rd_kafka_metadata_t *md = NULL;
  rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, 15000);
  rd_kafka_topic_destroy(rkt);
  if (e || md->topic_cnt != 1 || md->topics[0].err) {
    snprintf(err, errlen, "%s: cannot read the topic's metadata from %s: %s", topic, brokers,
             rd_kafka_err2str(e ? e : md->topic_cnt ? md->topics[0].err : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC));
    if (md)
      rd_kafka_metadata_destroy(md);
    diff_input_close(in);
    return -1;
  }
  int n = md->topics[0].partition_cnt;
  in->parts = calloc((size_t)n + 1, sizeof *in->parts);
  in->start = calloc((size_t)n + 1, sizeof *in->start);
  in->end = calloc((size_t)n + 1, sizeof *in->end);
  if (!in->parts || !in->start || !in->end) {
    rd_kafka_metadata_destroy(md);
    diff_input_close(in);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (int i = 0; i < n; i++)
    in->parts[i] = md->topics[0].partitions[i].id;
  rd_kafka_metadata_destroy(md);
  /* Partition order, so the report's samples do not depend on which broker answers first. */
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && in->parts[j - 1] > in->parts[j]; j--) {
      int32_t t = in->parts[j];
      in->parts[j] = in->parts[j - 1];
      in->parts[j - 1] = t;
    }
  in->n_parts = n;
  /* Time bounds are applied to each record's timestamp rather than through ListOffsets by time:
   * librdkafka's mock cluster answers those with the end offset. */
  in->from_ms = from.kind == DIFF_POS_TIME ? from.v : -1;
  in->to_ms = to.kind == DIFF_POS_TIME ? to.v : -1;
  for (int i = 0; i < n; i++) {
    int64_t lo = 0, hi = 0;
    e = rd_kafka_query_watermark_offsets(rk, topic, in->parts[i], &lo, &hi, 15000);
    if (e) {
      snprintf(err, errlen, "%s/%" PRId32 ": cannot read the watermarks: %s", topic, in->parts[i],
               rd_kafka_err2str(e));
      diff_input_close(in);
      return -1;
    }
    int64_t s = lo, t = hi;
    if (from.kind == DIFF_POS_OFFSET)
      s = from.v < lo ? lo : from.v > hi ? hi : from.v;
    if (to.kind == DIFF_POS_OFFSET)
      t = to.v < s ? s : to.v > hi ? hi : to.v;
    in->start[i] = s;
    in->end[i] = t < s ? s : t;
  }
  *out = in;
  return 0;
}

static int assign_one(diff_input_t *in, int i, char *err, size_t errlen) {
  rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
  if (i < in->n_parts)
    rd_kafka_topic_partition_list_add(l, in->topic, in->parts[i])->offset = in->start[i];
  rd_kafka_resp_err_t e = rd_kafka_assign(in->rk, l);
  rd_kafka_topic_partition_list_destroy(l);
  if (e) {
    snprintf(err, errlen, "%s/%" PRId32 ": assign: %s", in->topic, in->parts[i], rd_kafka_err2str(e));
    return -1;
  }
  return 0;
}

static int next_kafka(diff_input_t *in, diff_record_t *rec, char *err, size_t errlen) {
  for (;;) {
    if (in->cur < 0 || in->cur >= in->n_parts || in->start[in->cur] >= in->end[in->cur]) {
      /* the current partition is done: the next non-empty one */
      do
        in->cur++;
      while (in->cur < in->n_parts && in->start[in->cur] >= in->end[in->cur]);
      if (in->cur >= in->n_parts)
        return 0;
      if (assign_one(in, in->cur, err, errlen) < 0)
        return -1;
    }
    rd_kafka_message_t *m = rd_kafka_consumer_poll(in->rk, 500);
    if (!m) {
      /* Control records (transaction markers) and aborted records are never delivered: the
       * range may be over without a last message. Ask where the consumer is. */
      rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
      rd_kafka_topic_partition_list_add(l, in->topic, in->parts[in->cur]);
      if (!rd_kafka_position(in->rk, l) && l->elems[0].offset >= in->end[in->cur])
        in->start[in->cur] = in->end[in->cur];
      rd_kafka_topic_partition_list_destroy(l);
      continue;
    }
    if (m->err) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        rd_kafka_message_destroy(m);
        continue;
      }
      snprintf(err, errlen, "%s/%" PRId32 ": %s", in->topic, m->partition, rd_kafka_message_errstr(m));
      bool fatal = m->err == RD_KAFKA_RESP_ERR__FATAL || m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE ||
                   m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC || m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
      rd_kafka_message_destroy(m);
      if (fatal)
        return -1;
      continue;
    }
    if (m->partition != in->parts[in->cur] || m->offset < in->start[in->cur]) {
      rd_kafka_message_destroy(m);
      continue;
    }
    if (m->offset >= in->end[in->cur]) { /* past the range (compaction or aborted txn markers) */
      in->start[in->cur] = in->end[in->cur];
      rd_kafka_message_destroy(m);
      continue;
    }
    int64_t ts = rd_kafka_message_timestamp(m, NULL);
    if (in->to_ms >= 0 && ts >= in->to_ms) { /* the first record at or after --to ends the range */
      in->start[in->cur] = in->end[in->cur];
      rd_kafka_message_destroy(m);
      continue;
    }
    in->start[in->cur] = m->offset + 1;
    if (in->from_ms >= 0 && ts >= 0 && ts < in->from_ms) {
      rd_kafka_message_destroy(m);
      continue;
    }
    in->rkm = m;
    rec->bytes = m->payload ? m->payload : (const void *)"";
    rec->len = m->len;
    rec->json = false;
    snprintf(rec->where, sizeof rec->where, "%s/%" PRId32 "/%" PRId64, in->topic, m->partition,
             m->offset);
    return 1;
  }
}

int diff_input_next(diff_input_t *in, diff_record_t *rec, char *err, size_t errlen) {
  if (in->rkm) {
    rd_kafka_message_destroy(in->rkm);
    in->rkm = NULL;
  }
  return in->rk ? next_kafka(in, rec, err, errlen) : next_file(in, rec, err, errlen);
}

void diff_input_close(diff_input_t *in) {
  if (!in)
    return;
  if (in->rkm)
    rd_kafka_message_destroy(in->rkm);
  if (in->rk) {
    rd_kafka_consumer_close(in->rk);
    rd_kafka_destroy(in->rk);
  }
  if (in->f && in->f != stdin)
    fclose(in->f);
  free(in->parts);
  free(in->start);
  free(in->end);
  free(in->line);
  free(in->buf);
  free(in);
}

int diff_pos_parse(const char *s, diff_pos_t *out) {
  char *end;
  if (!s || !*s)
    return -1;
  if (s[0] == '@') {
    errno = 0;
    long long v = strtoll(s + 1, &end, 10);
    if (errno || end == s + 1 || *end || v < 0)
      return -1;
    out->kind = DIFF_POS_TIME;
    out->v = v;
    return 0;
  }
  if (isdigit((unsigned char)s[0]) && !strchr(s, '-')) {
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
      return -1;
    out->kind = DIFF_POS_OFFSET;
    out->v = v;
    return 0;
  }
  char date[11];
  int32_t days;
  if (strlen(s) < 10)
    return -1;
  memcpy(date, s, 10);
  date[10] = '\0';
  if (slp_date_parse(date, &days) < 0)
    return -1;
  int hh = 0, mm = 0, ss = 0;
  const char *t = s + 10;
  if (*t == 'T' || *t == ' ') {
    int n = 0;
    if (sscanf(t + 1, "%2d:%2d%n", &hh, &mm, &n) != 2)
      return -1;
    t += 1 + n;
    if (*t == ':') {
      if (sscanf(t + 1, "%2d%n", &ss, &n) != 1)
        return -1;
      t += 1 + n;
    }
    if (*t == 'Z')
      t++;
    if (hh > 23 || mm > 59 || ss > 60)
      return -1;
  }
  if (*t)
    return -1;
  out->kind = DIFF_POS_TIME;
  out->v = ((int64_t)days * 86400 + hh * 3600 + mm * 60 + ss) * 1000;
  return 0;
}
