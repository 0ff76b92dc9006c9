/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_replay.c -- `slpcoder replay`: dead letters and rejections back into the pipeline, once.
 *
 * Reads a range of the DLQ (or claims.rejected) and re-produces the original input bytes, with
 * the original key, to the input topic, adding slpcoder.replay.* headers (what was replayed,
 * from where, when, under which ticket, by which replay group). Progress is the committed
 * offset of the replay's own consumer group, committed after each batch is delivered
 * (idempotent producer, acks=all). A run killed between a delivery and the commit is repaired
 * by the next run: replay_ledger.c reads back what the group delivered after its last commit
 * and those records are passed over, so a re-run neither loses nor repeats a record.
 *
 * For a Rejection (no slpcoder.error header) the original session is fetched from the
 * topic/partition/offset its slpcoder.source header names (replay_fetch.c).
 *
 * Thread: one; librdkafka's own threads only.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/diff_input.h"
#include "cli/kafka_conf.h"
#include "cli/replay_fetch.h"
#include "cli/replay_ledger.h"

#define BATCH_MAX 200     /* records per commit */
#define BATCH_MS 1000     /* or this long, whichever first */
#define FLUSH_TIMEOUT_MS 60000

static const char replay_usage[] =
    "usage: slpcoder replay --brokers LIST --from-topic T [--to TOPIC] [--since TIME] [--until TIME]\n"
    "                       [--filter reason=TEXT] [--rate N] [--ticket ID] [--group G]\n"
    "                       [--dry-run] [-X kafka.prop=value ...]\n"
    "  re-produces each record of T (the DLQ: its bytes; claims.rejected: the session named by\n"
    "  its slpcoder.source header) with its key to TOPIC (default slp.sessions), adding headers\n"
    "  slpcoder.replay.source/.of/.at/.ticket/.group. Once across re-runs: progress is the\n"
    "  committed offset of consumer group G (default slpcoder-replay.<T>.<ticket>), committed\n"
    "  after delivery; a re-run goes on where the last one stopped, passing over what a killed\n"
    "  run delivered but had not committed.\n"
    "  --since, --until  record timestamps: @MS or an ISO UTC time (until is exclusive)\n"
    "  --filter reason=TEXT  only records whose slpcoder.errors.reason is TEXT or whose\n"
    "                    error message contains it (others are passed over, and counted)\n"
    "  --rate N          at most N records a second\n"
    "  --dry-run         print what would be replayed; produce and commit nothing\n"
    "exit status: 0 done, 64 usage, 69 Kafka unavailable or a delivery failed (run again:\n"
    "             nothing is repeated), 78 a bad -X setting\n";

typedef struct replay_opts {
  const char *brokers, *from, *to, *ticket, *group, *filter_reason;
  diff_pos_t since, until;
  double rate;
  bool dry_run;
  const char *xprops[64];
  int n_x;
} replay_opts_t;

typedef struct replay_counts {
  uint64_t read, replayed, filtered, missing;
  uint64_t before;    /* older than --since */
  uint64_t recovered; /* delivered by an interrupted run, passed over */
} replay_counts_t;

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Header value as a NUL-terminated string in buf ("" when absent). */
static const char *header(const rd_kafka_message_t *m, const char *name, char *buf, size_t len) {
  rd_kafka_headers_t *h = NULL;
  const void *v = NULL;
  size_t n = 0;
  buf[0] = '\0';
  if (rd_kafka_message_headers(m, &h) == RD_KAFKA_RESP_ERR_NO_ERROR &&
      rd_kafka_header_get_last(h, name, &v, &n) == RD_KAFKA_RESP_ERR_NO_ERROR && v) {
    if (n >= len)
      n = len - 1;
    memcpy(buf, v, n);
    buf[n] = '\0';
  }
  return buf;
}

static bool passes_filter(const replay_opts_t *o, const rd_kafka_message_t *m) {
  if (!o->filter_reason)
    return true;
  char reason[256], msg[512], legacy[512];
  header(m, "slpcoder.errors.reason", reason, sizeof reason);
  header(m, "slpcoder.errors.message", msg, sizeof msg);
  header(m, "slpcoder.error", legacy, sizeof legacy);
  return strcmp(reason, o->filter_reason) == 0 || strstr(msg, o->filter_reason) ||
         strstr(legacy, o->filter_reason);
}

static void pace(uint64_t i, double rate, double t0) {
  if (rate <= 0)
    return;
  double wait = (double)i / rate - (now_s() - t0);
  if (wait > 0) {
    struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
    nanosleep(&ts, NULL);
  }
}

static rd_kafka_conf_t *base_conf(const replay_opts_t *o, char *err, size_t errlen) {
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  char errstr[256];
  if (rd_kafka_conf_set(conf, "bootstrap.servers", o->brokers, errstr, sizeof errstr) ||
      rd_kafka_conf_set(conf, "log.connection.close", "false", errstr, sizeof errstr)) {
    snprintf(err, errlen, "kafka: %s", errstr);
    rd_kafka_conf_destroy(conf);
    return NULL;
  }
  if (cli_kafka_conf_apply(conf, o->xprops, o->n_x, err, errlen) < 0) {
    rd_kafka_conf_destroy(conf);
    return NULL;
  }
  return conf;
}

static int conf_set(rd_kafka_conf_t *conf, const char *k, const char *v, char *err, size_t errlen) {
  char errstr[256];
  if (rd_kafka_conf_set(conf, k, v, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    snprintf(err, errlen, "kafka: %s: %s", k, errstr);
    return -1;
  }
  return 0;
}

typedef struct replay {
  const replay_opts_t *o;
  rd_kafka_t *consumer, *producer;
  replay_fetch_t *fetch;                 /* claims.rejected: the originals' reader */
  rd_kafka_topic_partition_list_t *next; /* per partition of the source topic: next offset */
  int64_t *end;                          /* per partition: stop here (exclusive) */
  bool *done;
  replay_ledger_t *ledger; /* what an interrupted run delivered after its last commit */
  uint64_t batch;          /* records read since the last commit */
  double batch_t0;
  replay_counts_t n;
  uint64_t delivery_failed;
  char err[512];
} replay_t;

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk;
  replay_t *r = opaque;
  if (m->err) {
    if (r->delivery_failed++ == 0)
      snprintf(r->err, sizeof r->err, "delivery to %s failed: %s", rd_kafka_topic_name(m->rkt),
               rd_kafka_err2str(m->err));
  }
}

/* Wait for every record of the batch to be delivered, then commit the source offsets with the
 * ledger's mark (the target's end now) as the commit metadata. */
static int commit_progress(replay_t *r, bool force) {
  if (r->o->dry_run || (!force && r->batch == 0))
    return 0;
  if (rd_kafka_flush(r->producer, FLUSH_TIMEOUT_MS) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    fprintf(stderr, "slpcoder replay: %d records not delivered within %d ms; run again to go on\n",
            rd_kafka_outq_len(r->producer), FLUSH_TIMEOUT_MS);
    return -1;
  }
  if (r->delivery_failed) {
    fprintf(stderr, "slpcoder replay: %s; run again to go on\n", r->err);
    return -1;
  }
  char mark[4000], err[512];
  if (replay_ledger_mark(r->ledger, r->consumer, mark, sizeof mark, err, sizeof err) < 0) {
    fprintf(stderr, "slpcoder replay: %s\n", err);
    return -1;
  }
  for (int i = 0; i < r->next->cnt; i++) {
    rd_kafka_topic_partition_t *p = &r->next->elems[i];
    free(p->metadata);
    p->metadata = strdup(mark);
    p->metadata_size = p->metadata ? strlen(mark) : 0;
  }
  rd_kafka_resp_err_t e = rd_kafka_commit(r->consumer, r->next, 0 /* sync */);
  if (e) {
    fprintf(stderr, "slpcoder replay: committing the replay's progress (group %s): %s\n",
            r->o->group, rd_kafka_err2str(e));
    return -1;
  }
  printf("committed read=%" PRIu64 " replayed=%" PRIu64 " filtered=%" PRIu64 " missing=%" PRIu64
         " recovered=%" PRIu64 "\n",
         r->n.read, r->n.replayed, r->n.filtered, r->n.missing, r->n.recovered);
  fflush(stdout);
  r->batch = 0;
  r->batch_t0 = now_s();
  return 0;
}

/* One record of the source topic: locate the original bytes and re-produce them. */
static int replay_one(replay_t *r, const rd_kafka_message_t *m) {
  const replay_opts_t *o = r->o;
  char source[320], of[320], at[32], errbuf[512];
  header(m, "slpcoder.source", source, sizeof source);
  snprintf(of, sizeof of, "%s/%" PRId32 "/%" PRId64, rd_kafka_topic_name(m->rkt), m->partition,
           m->offset);
  if (replay_ledger_take(r->ledger, of)) { /* delivered by a killed run before its commit */
    r->n.recovered++;
    return 0;
  }
  const void *val = m->payload, *key = m->key;
  size_t vlen = m->len, klen = m->key_len;
  rd_kafka_message_t *orig = NULL;
  /* A dead letter carries slpcoder.error and is the input itself; anything else (a Rejection)
   * points at its input through slpcoder.source. */
  rd_kafka_headers_t *mh = NULL;
  const void *hv;
  size_t hn;
  bool dead_letter = rd_kafka_message_headers(m, &mh) == RD_KAFKA_RESP_ERR_NO_ERROR &&
                     rd_kafka_header_get_last(mh, "slpcoder.error", &hv, &hn) == RD_KAFKA_RESP_ERR_NO_ERROR;
  if (!dead_letter) {
    int rc = r->fetch ? 0 : replay_fetch_new(base_conf(o, errbuf, sizeof errbuf), &r->fetch, errbuf, sizeof errbuf);
    if (rc == 0)
      rc = replay_fetch_source(r->fetch, source, &orig, errbuf, sizeof errbuf);
    if (rc < 0) {
      r->n.missing++;
      fprintf(stderr, "slpcoder replay: %s: the original session cannot be fetched: %s\n", of,
              errbuf);
      return 0;
    }
    val = orig->payload;
    vlen = orig->len;
    key = orig->key;
    klen = orig->key_len;
  }
  if (o->dry_run) {
    printf("would replay %s (source %s, %zu bytes) to %s\n", of, source[0] ? source : "?", vlen,
           o->to);
    r->n.replayed++;
    if (orig)
      rd_kafka_message_destroy(orig);
    return 0;
  }
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
  rd_kafka_headers_t *h = rd_kafka_headers_new(4);
  rd_kafka_header_add(h, "slpcoder.replay.source", -1, source, -1);
  rd_kafka_header_add(h, "slpcoder.replay.of", -1, of, -1);
  rd_kafka_header_add(h, "slpcoder.replay.at", -1, at, -1);
  rd_kafka_header_add(h, "slpcoder.replay.ticket", -1, o->ticket ? o->ticket : "", -1);
  rd_kafka_header_add(h, "slpcoder.replay.group", -1, o->group, -1);
  rd_kafka_resp_err_t e;
  for (;;) {
    e = rd_kafka_producev(r->producer, RD_KAFKA_V_TOPIC(o->to), RD_KAFKA_V_KEY(key, klen),
                          RD_KAFKA_V_VALUE((void *)val, vlen), RD_KAFKA_V_HEADERS(h),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL)
      break;
    rd_kafka_poll(r->producer, 50);
  }
  if (orig)
    rd_kafka_message_destroy(orig);
  if (e) {
    rd_kafka_headers_destroy(h); /* not taken over on failure */
    fprintf(stderr, "slpcoder replay: producing %s to %s: %s\n", of, o->to, rd_kafka_err2str(e));
    return -1;
  }
  /* h is now owned by the message */
  r->n.replayed++;
  rd_kafka_poll(r->producer, 0);
  return 0;
}

/* The source topic's partitions with their start (committed, else --since, else the beginning)
 * and end (--until, else the high watermark now). */
static int plan(replay_t *r) {
  const replay_opts_t *o = r->o;
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(r->consumer, o->from, NULL);
  const rd_kafka_metadata_t *md = NULL;
  rd_kafka_resp_err_t e = rd_kafka_metadata(r->consumer, 0, rkt, &md, 15000);
  rd_kafka_topic_destroy(rkt);
  if (e || md->topic_cnt != 1 || md->topics[0].err) {
    fprintf(stderr, "slpcoder replay: %s: cannot read the topic's metadata from %s: %s\n", o->from,
            o->brokers,
            rd_kafka_err2str(e ? e : md->topic_cnt ? md->topics[0].err : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC));
    if (md)
      rd_kafka_metadata_destroy(md);
    return -1;
  }
  int n = md->topics[0].partition_cnt;
  r->next = rd_kafka_topic_partition_list_new(n);
  for (int i = 0; i < n; i++)
    rd_kafka_topic_partition_list_add(r->next, o->from, md->topics[0].partitions[i].id);
  rd_kafka_metadata_destroy(md);
  r->end = calloc((size_t)n + 1, sizeof *r->end);
  r->done = calloc((size_t)n + 1, sizeof *r->done);
  if (!r->end || !r->done)
    return -1;
  e = rd_kafka_committed(r->consumer, r->next, 15000);
  if (e) {
    fprintf(stderr, "slpcoder replay: reading the committed offsets of group %s: %s\n", o->group,
            rd_kafka_err2str(e));
    return -1;
  }
  for (int i = 0; i < n; i++) {
    rd_kafka_topic_partition_t *p = &r->next->elems[i];
    int64_t lo = 0, hi = 0;
    e = rd_kafka_query_watermark_offsets(r->consumer, o->from, p->partition, &lo, &hi, 15000);
    if (e) {
      fprintf(stderr, "slpcoder replay: %s/%" PRId32 ": watermarks: %s\n", o->from, p->partition,
              rd_kafka_err2str(e));
      return -1;
    }
    int64_t start = p->offset >= 0 ? p->offset : lo;
    int64_t end = hi;
    if (start < lo)
      start = lo;
    p->offset = start;
    r->end[i] = end;
    r->done[i] = start >= end;
  }
  return 0;
}

static int part_index(const replay_t *r, int32_t partition) {
  for (int i = 0; i < r->next->cnt; i++)
    if (r->next->elems[i].partition == partition)
      return i;
  return -1;
}

static bool all_done(replay_t *r) {
  for (int i = 0; i < r->next->cnt; i++) {
    if (r->done[i])
      continue;
    /* Control records (other producers' transaction markers) are never delivered: ask where
     * the consumer is. */
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, r->o->from, r->next->elems[i].partition);
    if (!rd_kafka_position(r->consumer, l) && l->elems[0].offset >= r->end[i]) {
      r->done[i] = true;
      if (r->next->elems[i].offset < r->end[i])
        r->next->elems[i].offset = r->end[i];
    }
    rd_kafka_topic_partition_list_destroy(l);
    if (!r->done[i])
      return false;
  }
  return true;
}

static int run(replay_t *r) {
  const replay_opts_t *o = r->o;
  if (plan(r) < 0)
    return EX_UNAVAILABLE;
  uint64_t pending = 0;
  for (int i = 0; i < r->next->cnt; i++)
    pending += (uint64_t)(r->end[i] - r->next->elems[i].offset);
  /* What a killed earlier run delivered after its last commit: the mark is in that commit's
   * metadata (the same on every partition). */
  char mark[4000] = "", err[512] = "";
  for (int i = 0; i < r->next->cnt && !mark[0]; i++) {
    const rd_kafka_topic_partition_t *p = &r->next->elems[i];
    if (p->metadata && p->metadata_size && p->metadata_size < sizeof mark) {
      memcpy(mark, p->metadata, p->metadata_size);
      mark[p->metadata_size] = '\0';
    }
  }
  if (replay_ledger_recover(base_conf(o, err, sizeof err), o->group, o->to, mark, &r->ledger, err,
                            sizeof err) < 0) {
    fprintf(stderr, "slpcoder replay: %s\n", err);
    return EX_UNAVAILABLE;
  }
  printf("replay %s -> %s group=%s%s%s: %" PRIu64 " records at most to read", o->from, o->to, o->group,
         o->ticket ? " ticket=" : "", o->ticket ? o->ticket : "", pending);
  if (replay_ledger_recovered(r->ledger))
    printf(", %zu delivered by an interrupted run (passed over)", replay_ledger_recovered(r->ledger));
  printf("\n");
  fflush(stdout);
  /* A fresh replay commits its start at once, so that a run killed before its first batch's
   * commit leaves a mark to recover from. */
  if (commit_progress(r, true) < 0)
    return EX_UNAVAILABLE;
  rd_kafka_resp_err_t e = rd_kafka_assign(r->consumer, r->next);
  if (e) {
    fprintf(stderr, "slpcoder replay: assign: %s\n", rd_kafka_err2str(e));
    return EX_UNAVAILABLE;
  }
  double t0 = now_s();
  while (!stop_requested && !all_done(r)) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(r->consumer, 200);
    if (!m) {
      if (r->batch && now_s() - r->batch_t0 >= BATCH_MS / 1000.0 && commit_progress(r, false) < 0)
        return EX_UNAVAILABLE;
      continue;
    }
    if (m->err) {
      bool fatal = m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && m->err != RD_KAFKA_RESP_ERR__TRANSPORT &&
                   m->err != RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN;
      if (fatal)
        fprintf(stderr, "slpcoder replay: %s: %s\n", o->from, rd_kafka_message_errstr(m));
      rd_kafka_message_destroy(m);
      if (fatal)
        return EX_UNAVAILABLE;
      continue;
    }
    int i = part_index(r, m->partition);
    if (i < 0 || r->done[i] || m->offset < r->next->elems[i].offset) {
      rd_kafka_message_destroy(m);
      continue;
    }
    if (m->offset >= r->end[i]) {
      r->done[i] = true;
      rd_kafka_message_destroy(m);
      continue;
    }
    /* Time bounds on each record's timestamp (not ListOffsets by time: librdkafka's mock
     * cluster answers those with the end offset). The first record at or after --until ends
     * its partition's range, uncommitted, so the same replay run later stops at the same place. */
    int64_t ts = rd_kafka_message_timestamp(m, NULL);
    if (o->until.kind == DIFF_POS_TIME && ts >= o->until.v) {
      r->done[i] = true;
      rd_kafka_message_destroy(m);
      continue;
    }
    r->n.read++;
    int rc = 0;
    if (o->since.kind == DIFF_POS_TIME && ts >= 0 && ts < o->since.v) {
      r->n.before++;
    } else if (passes_filter(o, m)) {
      pace(r->n.replayed, o->rate, t0);
      rc = replay_one(r, m);
    } else {
      r->n.filtered++;
    }
    r->next->elems[i].offset = m->offset + 1;
    if (m->offset + 1 >= r->end[i])
      r->done[i] = true;
    rd_kafka_message_destroy(m);
    if (rc < 0)
      return EX_UNAVAILABLE;
    r->batch++;
    if ((r->batch >= BATCH_MAX || now_s() - r->batch_t0 >= BATCH_MS / 1000.0) &&
        commit_progress(r, false) < 0)
      return EX_UNAVAILABLE;
  }
  if (commit_progress(r, false) < 0)
    return EX_UNAVAILABLE;
  printf("replay done: read=%" PRIu64 " replayed=%" PRIu64 " filtered=%" PRIu64 " missing=%" PRIu64
         " before_since=%" PRIu64 " recovered=%" PRIu64 "%s%s\n",
         r->n.read, r->n.replayed, r->n.filtered, r->n.missing, r->n.before, r->n.recovered, o->dry_run ? " (dry run: nothing produced or committed)" : "",
         stop_requested ? " (stopped by a signal; run again to go on)" : "");
  fflush(stdout);
  return 0;
}

static int setup(replay_t *r, char *err, size_t errlen) {
  const replay_opts_t *o = r->o;
  rd_kafka_conf_t *conf = base_conf(o, err, errlen);
  if (!conf)
    return EX_CONFIG;
  if (conf_set(conf, "group.id", o->group, err, errlen) ||
      conf_set(conf, "enable.auto.commit", "false", err, errlen) ||
      conf_set(conf, "enable.auto.offset.store", "false", err, errlen) ||
      conf_set(conf, "isolation.level", "read_committed", err, errlen) ||
      conf_set(conf, "auto.offset.reset", "earliest", err, errlen) ||
      /* the range exists when the replay starts: no reason to wait long for more data */
      conf_set(conf, "fetch.wait.max.ms", "50", err, errlen)) {
    rd_kafka_conf_destroy(conf);
    return EX_CONFIG;
  }
  char errstr[256];
  r->consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!r->consumer) {
    snprintf(err, errlen, "kafka: %s", errstr);
    rd_kafka_conf_destroy(conf);
    return EX_CONFIG;
  }
  /* conf is now owned by the consumer */
  if (!o->dry_run) {
    conf = base_conf(o, err, errlen);
    if (!conf)
      return EX_CONFIG;
    if (conf_set(conf, "enable.idempotence", "true", err, errlen) ||
        conf_set(conf, "acks", "all", err, errlen) || conf_set(conf, "linger.ms", "5", err, errlen)) {
      rd_kafka_conf_destroy(conf);
      return EX_CONFIG;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    rd_kafka_conf_set_opaque(conf, r);
    r->producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!r->producer) {
      snprintf(err, errlen, "kafka: %s", errstr);
      rd_kafka_conf_destroy(conf);
      return EX_CONFIG;
    }
  }
  return 0;
}

int cli_cmd_replay(int argc, char **argv) {
  static const struct option longopts[] = {{"brokers", required_argument, 0, 'b'},
                                           {"from-topic", required_argument, 0, 'f'},
                                           {"to", required_argument, 0, 't'},
                                           {"since", required_argument, 0, 's'},
                                           {"until", required_argument, 0, 'u'},
                                           {"filter", required_argument, 0, 'F'},
                                           {"rate", required_argument, 0, 'r'},
                                           {"ticket", required_argument, 0, 'T'},
                                           {"group", required_argument, 0, 'g'},
                                           {"dry-run", no_argument, 0, 'n'},
                                           {"help", no_argument, 0, 'h'},
                                           {0, 0, 0, 0}};
  replay_opts_t o = {.to = "slp.sessions"};
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "X:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'b':
      o.brokers = optarg;
      break;
    case 'f':
      o.from = optarg;
      break;
    case 't':
      o.to = optarg;
      break;
    case 's':
    case 'u': {
      diff_pos_t *p = c == 's' ? &o.since : &o.until;
      if (diff_pos_parse(optarg, p) < 0 || p->kind != DIFF_POS_TIME)
        return cli_usage_error("replay: --%s: expected @milliseconds or an ISO UTC time, not \"%s\"",
                               c == 's' ? "since" : "until", optarg);
      break;
    }
    case 'F':
      if (strncmp(optarg, "reason=", 7) != 0 || !optarg[7])
        return cli_usage_error("replay: --filter: expected reason=TEXT, not \"%s\"", optarg);
      o.filter_reason = optarg + 7;
      break;
    case 'r': {
      char *end;
      o.rate = strtod(optarg, &end);
      if (end == optarg || *end || o.rate <= 0)
        return cli_usage_error("replay: --rate: expected records a second (> 0), not \"%s\"", optarg);
      break;
    }
    case 'T':
      o.ticket = optarg;
      break;
    case 'g':
      o.group = optarg;
      break;
    case 'n':
      o.dry_run = true;
      break;
    case 'X':
      if (o.n_x == 64)
        return cli_usage_error("replay: more than 64 -X settings");
      o.xprops[o.n_x++] = optarg;
      break;
    case 'h':
      fputs(replay_usage, stdout);
      return EX_OK;
    default:
      fputs(replay_usage, stderr);
      return cli_usage_error("replay: unknown or incomplete option \"%s\"", argv[optind - 1]);
    }
  }
  if (optind != argc)
    return cli_usage_error("replay: unexpected argument \"%s\"", argv[optind]);
  if (!o.brokers || !o.from)
    return cli_usage_error("replay: --brokers and --from-topic are required");
  if (!strcmp(o.from, o.to))
    return cli_usage_error("replay: --to must differ from --from-topic");
  char group[400];
  if (!o.group) {
    snprintf(group, sizeof group, "slpcoder-replay.%s.%s", o.from, o.ticket ? o.ticket : "default");
    o.group = group;
  }

  replay_t r = {.o = &o};
  char err[512] = "";
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  int status = setup(&r, err, sizeof err);
  if (status) {
    fprintf(stderr, "slpcoder replay: %s\n", err);
  } else {
    status = run(&r);
  }
  replay_ledger_free(r.ledger);
  if (r.producer) {
    rd_kafka_flush(r.producer, 10000);
    rd_kafka_destroy(r.producer);
  }
  replay_fetch_free(r.fetch);
  if (r.consumer) {
    rd_kafka_consumer_close(r.consumer);
    rd_kafka_destroy(r.consumer);
  }
  if (r.next)
    rd_kafka_topic_partition_list_destroy(r.next);
  free(r.end);
  free(r.done);
  return status;
}
