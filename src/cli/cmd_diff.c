/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_diff.c -- `slpcoder diff`: code every input under two bundles and report what changes.
 *
 * Streaming: one input in memory at a time, the report's counters and samples beside it. Each
 * input is decoded once and coded twice; the two CodingResults are packed with the same
 * rules_version and compared byte for byte (coding is deterministic, so equal bytes are the
 * common case and cost one memcmp); only differing pairs are unpacked and walked field by
 * field (slp_coding_result_compare).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/diff_input.h"
#include "cli/diff_report.h"
#include "slpcoder/codec.h"
#include "slpcoder/diff.h"

static const char diff_usage[] =
    "usage: slpcoder diff --rules A --rules B\n"
    "                     (--in FILE [--input-format auto|delimited|hex|jsonl]\n"
    "                      | --brokers LIST --topic T [--from POS] [--to POS] [-X kafka.k=v ...])\n"
    "                     [--format text|json|csv] [--samples N] [--full FILE]\n"
    "  codes every input under bundle A (before) and bundle B (after) and reports the inputs\n"
    "  whose result changes: totals, expected allowed dollars before/after, counts and dollars\n"
    "  per change kind and per rule id that starts or stops firing, N sample event ids a row.\n"
    "  --in FILE     `slpcoder gen` output (delimited or hex) or proto3 JSON sessions, one a\n"
    "                line (JSONL); - = stdin; the format is taken from the name (.jsonl, .hex)\n"
    "                or the first byte unless --input-format says\n"
    "  --topic T     read a topic range without a consumer group, committing nothing;\n"
    "                POS is an offset (per partition), @MS a timestamp or an ISO UTC time;\n"
    "                --to is exclusive; default the whole topic as it is at the start\n"
    "  --full FILE   every changed pair as JSONL {eventId, before, after} (claims carry\n"
    "                patient ids: treat the file like claims.coded)\n"
    "  The report goes to standard output, the throughput to standard error.\n";

typedef struct cbctx {
  diff_report_t *rep;
  const char *event_id;
  int64_t delta;
} cbctx_t;

static void on_change(void *opaque, const slp_field_change_t *ch) {
  cbctx_t *c = opaque;
  diff_report_field_change(c->rep, ch->path, ch->field, ch->before, ch->after, c->event_id,
                           c->delta);
}

typedef struct encbuf {
  uint8_t *p;
  size_t cap;
} encbuf_t;

/* Pack (session, result) as a CodingResult into b. Returns the length or -ENOMEM. */
static ptrdiff_t encode(encbuf_t *b, const slp_session_t *s, const slp_result_t *r) {
  size_t needed = 0;
  ptrdiff_t n = slp_encode_coding_result(s, r, b->p, b->cap, &needed);
  if (n != -ENOSPC)
    return n;
  uint8_t *p = realloc(b->p, needed);
  if (!p)
    return -ENOMEM;
  b->p = p;
  b->cap = needed;
  return slp_encode_coding_result(s, r, b->p, b->cap, NULL);
}

/* The JSON result on one line: the encoder's newlines are all structural (a newline inside a
 * string is written as \n), so dropping each with its indent keeps the value. */
static void write_compact(FILE *f, const char *json) {
  for (const char *p = json; *p; p++) {
    if (*p == '\n') {
      while (p[1] == ' ')
        p++;
      continue;
    }
    fputc(*p, f);
  }
}

static int write_full(FILE *f, const slp_session_t *s, const slp_result_t *a,
                      const slp_result_t *b) {
  char *ja = slp_encode_coding_result_json(s, a), *jb = slp_encode_coding_result_json(s, b);
  if (!ja || !jb) {
    free(ja);
    free(jb);
    return -1;
  }
  fputs("{\"eventId\":\"", f);
  for (const char *p = s->event_id ? s->event_id : ""; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c < 0x20)
      fprintf(f, "\\u%04x", c);
    else
      fputc(c, f);
  }
  fputs("\",\"before\":", f);
  write_compact(f, ja);
  fputs(",\"after\":", f);
  write_compact(f, jb);
  fputs("}\n", f);
  free(ja);
  free(jb);
  return ferror(f) ? -1 : 0;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cli_cmd_diff(int argc, char **argv) {
  static const struct option longopts[] = {{"rules", required_argument, 0, 'r'},
                                           {"in", required_argument, 0, 'i'},
                                           {"input-format", required_argument, 0, 'I'},
                                           {"brokers", required_argument, 0, 'b'},
                                           {"topic", required_argument, 0, 't'},
                                           {"from", required_argument, 0, 'f'},
                                           {"to", required_argument, 0, 'T'},
                                           {"format", required_argument, 0, 'F'},
                                           {"samples", required_argument, 0, 'n'},
                                           {"full", required_argument, 0, 'u'},
                                           {"help", no_argument, 0, 'h'},
                                           {0, 0, 0, 0}};
  const char *dirs[2] = {NULL, NULL}, *in_path = NULL, *brokers = NULL, *topic = NULL;
  const char *full_path = NULL;
  const char *xprops[64];
  int n_dirs = 0, n_x = 0, c;
  diff_in_fmt_t in_fmt = DIFF_IN_AUTO;
  diff_format_t fmt = DIFF_FMT_TEXT;
  diff_pos_t from = {DIFF_POS_DEFAULT, 0}, to = {DIFF_POS_DEFAULT, 0};
  unsigned long samples = 5;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "X:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'r':
      if (n_dirs == 2)
        return cli_usage_error("diff: --rules is given exactly twice (before, after)");
      dirs[n_dirs++] = optarg;
      break;
    case 'i':
      in_path = optarg;
      break;
    case 'I':
      if (!strcmp(optarg, "auto"))
        in_fmt = DIFF_IN_AUTO;
      else if (!strcmp(optarg, "delimited"))
        in_fmt = DIFF_IN_DELIMITED;
      else if (!strcmp(optarg, "hex"))
        in_fmt = DIFF_IN_HEX;
      else if (!strcmp(optarg, "jsonl"))
        in_fmt = DIFF_IN_JSONL;
      else
        return cli_usage_error("diff: --input-format must be auto, delimited, hex or jsonl, not \"%s\"",
                               optarg);
      break;
    case 'b':
      brokers = optarg;
      break;
    case 't':
      topic = optarg;
      break;
    case 'f':
    case 'T':
      if (diff_pos_parse(optarg, c == 'f' ? &from : &to) < 0)
        return cli_usage_error("diff: --%s: expected an offset, @milliseconds or an ISO UTC time, "
                               "not \"%s\"", c == 'f' ? "from" : "to", optarg);
      break;
    case 'F':
      if (!strcmp(optarg, "text"))
        fmt = DIFF_FMT_TEXT;
      else if (!strcmp(optarg, "json"))
        fmt = DIFF_FMT_JSON;
      else if (!strcmp(optarg, "csv"))
        fmt = DIFF_FMT_CSV;
      else
        return cli_usage_error("diff: --format must be text, json or csv, not \"%s\"", optarg);
      break;
    case 'n': {
      char *end;
      errno = 0;
      samples = strtoul(optarg, &end, 10);
      if (errno || end == optarg || *end || optarg[0] == '-' || samples > DIFF_MAX_SAMPLES)
        return cli_usage_error("diff: --samples: expected 0 to %d, not \"%s\"", DIFF_MAX_SAMPLES,
                               optarg);
      break;
    }
    case 'u':
      full_path = optarg;
      break;
    case 'X':
      if (n_x == 64)
        return cli_usage_error("diff: more than 64 -X settings");
      xprops[n_x++] = optarg;
      break;
    case 'h':
      fputs(diff_usage, stdout);
      return EX_OK;
    default:
      fputs(diff_usage, stderr);
      return cli_usage_error("diff: unknown or incomplete option \"%s\"", argv[optind - 1]);
    }
  }
  if (optind != argc)
    return cli_usage_error("diff: unexpected argument \"%s\"", argv[optind]);
  if (n_dirs != 2)
    return cli_usage_error("diff: give --rules twice: the bundle before and the bundle after");
  if (!in_path == !brokers)
    return cli_usage_error("diff: give either --in FILE or --brokers LIST --topic T");
  if (brokers && !topic)
    return cli_usage_error("diff: --brokers needs --topic");
  if (in_path && (topic || from.kind || to.kind))
    return cli_usage_error("diff: --topic, --from and --to go with --brokers, not --in");

  int status = EX_OK;
  slp_rules_t *ra = NULL, *rb = NULL;
  diff_input_t *in = NULL;
  slp_decoder_t *dec = NULL;
  slp_result_t *res = NULL;
  FILE *full = NULL;
  encbuf_t ea = {0}, eb = {0};
  diff_report_t rep;
  char err[512];
  if (diff_report_init(&rep, (uint32_t)samples) < 0) {
    fprintf(stderr, "slpcoder: out of memory\n");
    return EX_SOFTWARE;
  }
  ra = cli_load_rules(dirs[0]);
  rb = ra ? cli_load_rules(dirs[1]) : NULL;
  if (!ra || !rb) {
    status = EX_CONFIG;
    goto done;
  }
  rep.dir_a = dirs[0];
  rep.dir_b = dirs[1];
  rep.version_a = slp_rules_version(ra);
  rep.version_b = slp_rules_version(rb);
  int orc = in_path ? diff_input_open_file(in_path, in_fmt, &in, err, sizeof err)
                    : diff_input_open_kafka(brokers, topic, from, to, xprops, n_x, &in, err,
                                            sizeof err);
  if (orc < 0) {
    fprintf(stderr, "slpcoder: %s\n", err);
    status = in_path ? EX_DATAERR : orc == -2 ? EX_CONFIG : 69 /* EX_UNAVAILABLE */;
    goto done;
  }
  if (full_path && !(full = fopen(full_path, "w"))) {
    fprintf(stderr, "slpcoder: %s: cannot create: %s\n", full_path, strerror(errno));
    status = EX_IOERR;
    goto done;
  }
  dec = slp_decoder_new();
  res = malloc(2 * sizeof *res);
  if (!dec || !res) {
    fprintf(stderr, "slpcoder: out of memory\n");
    status = EX_SOFTWARE;
    goto done;
  }
  slp_result_t *a = &res[0], *b = &res[1];
  double t0 = now_s();
  diff_record_t rec;
  int got;
  while ((got = diff_input_next(in, &rec, err, sizeof err)) == 1) {
    slp_session_t s;
    char derr[SLP_CODEC_ERR_LEN];
    int rc = rec.json ? slp_decode_session_json(dec, (const char *)rec.bytes, rec.len, &s, derr,
                                                sizeof derr)
                      : slp_decode_session(dec, rec.bytes, rec.len, &s, derr, sizeof derr);
    if (rc < 0) { /* not a SessionEvent under either bundle: counted, not compared */
      rep.inputs++;
      if (rep.undecodable++ < 3)
        fprintf(stderr, "slpcoder diff: %s: not a SessionEvent (counted as undecodable): %s\n",
                rec.where, derr);
      continue;
    }
    if (slp_engine_code(ra, &s, a) < 0 || slp_engine_code(rb, &s, b) < 0) {
      fprintf(stderr, "slpcoder: %s: the engine refused the session (internal error)\n", rec.where);
      status = EX_SOFTWARE;
      goto done;
    }
    /* The same rules_version on both, or no pair would ever compare equal. */
    const char *vb = b->rules_version;
    b->rules_version = a->rules_version;
    ptrdiff_t na = encode(&ea, &s, a), nb = encode(&eb, &s, b);
    if (na < 0 || nb < 0) {
      fprintf(stderr, "slpcoder: %s: cannot encode a result: %s\n", rec.where,
              strerror((int)-(na < 0 ? na : nb)));
      status = EX_SOFTWARE;
      goto done;
    }
    bool changed = na != nb || memcmp(ea.p, eb.p, (size_t)na) != 0;
    const char *eid = s.event_id ? s.event_id : "";
    diff_report_input(&rep, eid, a, b, changed);
    if (!changed)
      continue;
    cbctx_t cx = {.rep = &rep,
                  .event_id = eid,
                  .delta = (b->rejected ? 0 : b->expected_allowed_cents) -
                           (a->rejected ? 0 : a->expected_allowed_cents)};
    diff_report_begin_kinds(&rep);
    if (slp_coding_result_compare(ea.p, (size_t)na, eb.p, (size_t)nb, on_change, &cx) < 0) {
      fprintf(stderr, "slpcoder: %s: cannot unpack a result to compare it\n", rec.where);
      status = EX_SOFTWARE;
      goto done;
    }
    b->rules_version = vb;
    if (full && write_full(full, &s, a, b) < 0) {
      fprintf(stderr, "slpcoder: %s: writing: %s\n", full_path, strerror(errno));
      status = EX_IOERR;
      goto done;
    }
  }
  if (got < 0) {
    fprintf(stderr, "slpcoder: %s\n", err);
    status = EX_DATAERR;
    goto done;
  }
  double el = now_s() - t0;
  if (diff_report_write(&rep, fmt, stdout) < 0 || fflush(stdout) != 0) {
    fprintf(stderr, "slpcoder: writing the report: %s\n", strerror(errno));
    status = EX_IOERR;
    goto done;
  }
  fprintf(stderr, "slpcoder diff: %" PRIu64 " inputs in %.2f s: %.0f inputs/s (two codings each)\n",
          rep.inputs, el, el > 0 ? (double)rep.inputs / el : 0.0);
done:
  if (full && fclose(full) != 0 && status == EX_OK) {
    fprintf(stderr, "slpcoder: %s: %s\n", full_path, strerror(errno));
    status = EX_IOERR;
  }
  diff_input_close(in);
  free(ea.p);
  free(eb.p);
  free(res);
  slp_decoder_free(dec);
  if (ra)
    slp_rules_unref(ra);
  if (rb)
    slp_rules_unref(rb);
  diff_report_free(&rep);
  return status;
}
