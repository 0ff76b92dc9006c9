/* SPDX-License-Identifier: Apache-2.0 */
/* gen_cli.c -- `slpcoder gen`: seeded synthetic sessions to Kafka or to a file, at a rate or flat
 * out. */
#include "gen/gen_cli.h"

#include <errno.h>
#include <getopt.h>
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
      "  --brokers L   produce to Kafka (key = patient id, acks=all, idempotent, one request\n"
      "                in flight per broker; -X kafka.prop=value for librdkafka settings)\n"
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

int slp_gen_cli_main(int argc, char **argv, const slp_gen_sink_ops_t *kafka) {
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
  if (brokers && !kafka) {
    fprintf(stderr, "slpcoder gen: --brokers: this program has no Kafka producer\n");
    slp_gen_free(gen);
    return EX_USAGE;
  }
  uint64_t per_kind[SLP_GEN_KIND_COUNT] = {0}, acked = 0;
  int rc = 0;
  slp_gen_sink_t *sink = NULL;
  FILE *out = NULL;
  if (brokers) {
    sink = kafka->open(brokers, topic, xprops, n_x, &rc);
    if (!sink) {
      slp_gen_free(gen);
      return rc;
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
    if (sink) {
      rc = kafka->put(sink, &it);
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
  if (sink) {
    /* Closed after a failed put too: the items queued before it still get their reports. */
    int crc = kafka->close(sink, &acked);
    if (rc == 0)
      rc = crc;
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
  if (brokers)
    fprintf(stderr, " acknowledged=%llu%s", (unsigned long long)acked,
            rc ? " (not every session was acknowledged)" : "");
  fputc('\n', stderr);
  slp_gen_free(gen);
  return rc;
}
