/* SPDX-License-Identifier: Apache-2.0 */
/* gen_cli.c -- `slpcoder gen`: seeded synthetic sessions to Kafka or to a file, at a rate or flat
 * out. */
#include "gen/gen_cli.h"

#include <errno.h>
#include <getopt.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "gen/gen.h"

static void usage(FILE *out) {
  fprintf(
      out,
      "usage: slpcoder gen [--count N] [--seed S] [--rate R] [--defects F] [--garbage F]\n"
      "                    [--framed F] [--start I]\n"
      "                    (--brokers LIST --topic T [-X kafka.prop=value ...] | --out FILE|-)\n"
      "                    [--format delimited|hex|manifest]\n"
      "  --count N     sessions to write (default 1000)\n"
      "  --seed S      stream seed; item i depends only on (S, i) (default 1)\n"
      "  --start I     first item index (default 0), to continue a stream\n"
      "  --rate R      sessions per second, 0 = flat out (default 0)\n"
      "  --defects F   share of sessions with one defect the rules catch (default 0.2)\n"
      "  --garbage F   share of undecodable byte strings (default 0.01)\n"
      "  --framed F    share in Confluent Schema Registry framing (default 0)\n"
      "  --multi F     share of clean treatments with a second one of another code (default 0)\n"
      "  --brokers L   produce to Kafka (key = patient id, acks=all, idempotent)\n"
      "  --out FILE    write to FILE (- = stdout): delimited = varint length + bytes\n"
      "                (protobuf writeDelimited), hex = \"key<TAB>hex\" lines, manifest =\n"
      "                \"event_id<TAB>expected outcome<TAB>key\" lines (no payloads)\n"
      "A summary (count per kind, i.e. the rule id each defect should trigger) goes to stderr.\n");
}

void slp_gen_cli_usage(FILE *out) {
  usage(out);
}

static double parse_share(const char *s, const char *what, int *bad) {
  char *end;
  double v = strtod(s, &end);
  if (end == s || *end || v < 0 || v > 1) {
    fprintf(stderr, "slpcoder gen: %s: expected a number from 0 to 1, got \"%s\"\n", what, s);
    *bad = 1;
  }
  return v;
}

static uint64_t parse_u64(const char *s, const char *what, int *bad) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || *end || *s == '-') {
    fprintf(stderr, "slpcoder gen: %s: expected a non-negative integer, got \"%s\"\n", what, s);
    *bad = 1;
  }
  return v;
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *rkm, void *opaque) {
  (void)rk;
  uint64_t *failed = opaque;
  if (rkm->err) {
    if (*failed == 0)
      fprintf(stderr, "slpcoder gen: delivery failed: %s\n", rd_kafka_err2str(rkm->err));
    (*failed)++;
  }
}

static void pace(uint64_t i, double rate, const struct timespec *t0) {
  if (rate <= 0)
    return;
  double due = (double)i / rate;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double el = (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
  if (due > el) {
    double w = due - el;
    struct timespec ts = {(time_t)w, (long)((w - (double)(time_t)w) * 1e9)};
    nanosleep(&ts, NULL);
  }
}

int slp_gen_cli_main(int argc, char **argv) {
  static const struct option longopts[] = {{"count", required_argument, 0, 'n'},
                                           {"seed", required_argument, 0, 's'},
                                           {"rate", required_argument, 0, 'r'},
                                           {"defects", required_argument, 0, 'd'},
                                           {"garbage", required_argument, 0, 'g'},
                                           {"framed", required_argument, 0, 'f'},
                                           {"brokers", required_argument, 0, 'b'},
                                           {"topic", required_argument, 0, 't'},
                                           {"out", required_argument, 0, 'o'},
                                           {"format", required_argument, 0, 'F'},
                                           {"start", required_argument, 0, 'S'},
                                           {"multi", required_argument, 0, 'm'},
                                           {"help", no_argument, 0, 'h'},
                                           {0, 0, 0, 0}};
  slp_gen_opts_t opts = {.seed = 1, .defects = 0.2, .garbage = 0.01};
  uint64_t count = 1000, start = 0;
  double rate = 0;
  const char *brokers = NULL, *topic = NULL, *outpath = NULL, *format = "delimited";
  const char *xprops[64];
  int n_x = 0, bad = 0, c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "n:s:r:d:g:f:b:t:o:F:S:m:X:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'n':
      count = parse_u64(optarg, "--count", &bad);
      break;
    case 's':
      opts.seed = parse_u64(optarg, "--seed", &bad);
      break;
    case 'S':
      start = parse_u64(optarg, "--start", &bad);
      break;
    case 'r':
      rate = (double)parse_u64(optarg, "--rate", &bad);
      break;
    case 'd':
      opts.defects = parse_share(optarg, "--defects", &bad);
      break;
    case 'g':
      opts.garbage = parse_share(optarg, "--garbage", &bad);
      break;
    case 'f':
      opts.framed = parse_share(optarg, "--framed", &bad);
      break;
    case 'm':
      opts.multi = parse_share(optarg, "--multi", &bad);
      break;
    case 'b':
      brokers = optarg;
      break;
    case 't':
      topic = optarg;
      break;
    case 'o':
      outpath = optarg;
      break;
    case 'F':
      format = optarg;
      break;
    case 'X':
      if (n_x == (int)(sizeof xprops / sizeof xprops[0])) {
        fprintf(stderr, "slpcoder gen: -X %s: at most %d -X settings\n", optarg, n_x);
        return EX_USAGE;
      }
      xprops[n_x++] = optarg;
      break;
    case 'h':
      usage(stdout);
      return 0;
    default:
      usage(stderr);
      return EX_USAGE;
    }
  }
  if (bad || optind != argc || (!brokers == !outpath) || (brokers && !topic) ||
      (strcmp(format, "delimited") != 0 && strcmp(format, "hex") != 0 &&
       strcmp(format, "manifest") != 0)) {
    usage(stderr);
    return EX_USAGE;
  }

  slp_gen_t *gen = slp_gen_new(&opts);
  if (!gen)
    return EX_OSERR;
  uint64_t per_kind[SLP_GEN_KIND_COUNT] = {0}, failed = 0;
  int rc = 0;
  rd_kafka_t *rk = NULL;
  FILE *out = NULL;
  char errstr[512];
  if (brokers) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    const char *kv[][2] = {{"bootstrap.servers", brokers},
                           {"acks", "all"},
                           {"enable.idempotence", "true"},
                           {"linger.ms", "5"},
                           {"queue.buffering.max.messages", "500000"}};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
      rd_kafka_conf_set(conf, kv[i][0], kv[i][1], errstr, sizeof errstr);
    for (int i = 0; i < n_x; i++) {
      char key[256];
      const char *eq = strchr(xprops[i], '=');
      const char *k = strncmp(xprops[i], "kafka.", 6) == 0 ? xprops[i] + 6 : xprops[i];
      if (!eq || eq < k || (size_t)(eq - k) >= sizeof key) {
        fprintf(stderr, "slpcoder gen: -X %s: expected kafka.property=value\n", xprops[i]);
        rd_kafka_conf_destroy(conf);
        slp_gen_free(gen);
        return EX_USAGE;
      }
      snprintf(key, sizeof key, "%.*s", (int)(eq - k), k);
      if (rd_kafka_conf_set(conf, key, eq + 1, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "slpcoder gen: -X %s: %s\n", key, errstr);
        rd_kafka_conf_destroy(conf);
        slp_gen_free(gen);
        return EX_CONFIG;
      }
    }
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    rd_kafka_conf_set_opaque(conf, &failed);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
      fprintf(stderr, "slpcoder gen: %s\n", errstr);
      slp_gen_free(gen);
      return EX_UNAVAILABLE;
    }
  } else {
    out = strcmp(outpath, "-") == 0 ? stdout : fopen(outpath, "wb");
    if (!out) {
      fprintf(stderr, "slpcoder gen: %s: %s\n", outpath, strerror(errno));
      slp_gen_free(gen);
      return EX_CANTCREAT;
    }
  }

  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (uint64_t i = 0; i < count && rc == 0; i++) {
    slp_gen_item_t it;
    if (slp_gen_item(gen, start + i, &it) != 0) {
      rc = EX_OSERR;
      break;
    }
    per_kind[it.kind]++;
    pace(i, rate, &t0);
    if (rk) {
      for (;;) {
        rd_kafka_resp_err_t err =
            rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(it.key, strlen(it.key)),
                              RD_KAFKA_V_VALUE((void *)it.bytes, it.len),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
          rd_kafka_poll(rk, 10);
          continue;
        }
        if (err) {
          fprintf(stderr, "slpcoder gen: produce: %s\n", rd_kafka_err2str(err));
          rc = EX_UNAVAILABLE;
        }
        break;
      }
      rd_kafka_poll(rk, 0);
    } else if (strcmp(format, "manifest") == 0) {
      fprintf(out, "%s\t%s\t%s\n", it.event_id, slp_gen_kind_name(it.kind), it.key);
    } else if (strcmp(format, "hex") == 0) {
      fprintf(out, "%s\t", it.key);
      for (size_t k = 0; k < it.len; k++)
        fprintf(out, "%02x", it.bytes[k]);
      fputc('\n', out);
    } else {
      uint8_t v[10];
      size_t n = 0;
      for (uint64_t l = it.len;; l >>= 7) {
        v[n++] = (uint8_t)((l & 0x7f) | (l >= 0x80 ? 0x80 : 0));
        if (l < 0x80)
          break;
      }
      if (fwrite(v, 1, n, out) != n || fwrite(it.bytes, 1, it.len, out) != it.len)
        rc = EX_IOERR;
    }
  }
  if (rk) {
    if (rd_kafka_flush(rk, 60000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      fprintf(stderr, "slpcoder gen: flush timed out with %d messages undelivered\n",
              rd_kafka_outq_len(rk));
      rc = EX_UNAVAILABLE;
    }
    if (failed)
      rc = EX_UNAVAILABLE;
    rd_kafka_destroy(rk);
  } else if (out && out != stdout) {
    if (fclose(out) != 0)
      rc = EX_IOERR;
  } else if (out) {
    fflush(out);
  }
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double el = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  fprintf(stderr,
          "slpcoder gen: wrote %llu sessions in %.2f s (seed %llu):", (unsigned long long)count, el,
          (unsigned long long)opts.seed);
  for (int k = 0; k < SLP_GEN_KIND_COUNT; k++)
    if (per_kind[k])
      fprintf(stderr, " %s=%llu", slp_gen_kind_name((slp_gen_kind_t)k),
              (unsigned long long)per_kind[k]);
  fprintf(stderr, "%s\n", failed ? " (some deliveries failed)" : "");
  slp_gen_free(gen);
  return rc;
}
