/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_code.c -- `slpcoder code`: one SessionEvent in, one CodingResult out. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "slpcoder/codec.h"

#define INPUT_MAX ((size_t)64 << 20) /* a session is a few hundred bytes; refuse absurd input */

typedef enum { FMT_JSON, FMT_PB } fmt_t;

static int parse_fmt(const char *v, fmt_t *out) {
  if (!strcmp(v, "json"))
    *out = FMT_JSON;
  else if (!strcmp(v, "pb"))
    *out = FMT_PB;
  else
    return -1;
  return 0;
}

/* Read all of f into a malloc'd buffer. 0, or -errno. */
static int read_all(FILE *f, char **out, size_t *len) {
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap + 1);
  if (!buf)
    return -ENOMEM;
  for (;;) {
    if (n == cap) {
      if (cap >= INPUT_MAX) {
        free(buf);
        return -EFBIG;
      }
      char *bigger = realloc(buf, cap * 2 + 1);
      if (!bigger) {
        free(buf);
        return -ENOMEM;
      }
      buf = bigger;
      cap *= 2;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  if (ferror(f)) {
    int e = errno ? errno : EIO;
    free(buf);
    return -e;
  }
  buf[n] = '\0';
  *out = buf;
  *len = n;
  return 0;
}

static int write_out(const void *p, size_t n) {
  if (fwrite(p, 1, n, stdout) != n || fflush(stdout) != 0) {
    fprintf(stderr, "slpcoder: writing the result: %s\n", strerror(errno));
    return EX_IOERR;
  }
  return EX_OK;
}

int cli_cmd_code(int argc, char **argv) {
  fmt_t in_fmt = FMT_JSON, out_fmt = FMT_JSON;
  const char *rules_dir = NULL, *path = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strncmp(a, "--in=", 5)) {
      if (parse_fmt(a + 5, &in_fmt) < 0)
        return cli_usage_error("code: --in must be json or pb, not \"%s\"", a + 5);
    } else if (!strncmp(a, "--out=", 6)) {
      if (parse_fmt(a + 6, &out_fmt) < 0)
        return cli_usage_error("code: --out must be json or pb, not \"%s\"", a + 6);
    } else if (!strncmp(a, "--rules=", 8)) {
      rules_dir = a + 8;
      if (!rules_dir[0])
        return cli_usage_error("code: --rules needs a directory");
    } else if (!strcmp(a, "--")) {
      if (i + 1 < argc)
        path = argv[++i];
      if (i + 1 < argc)
        return cli_usage_error("code: more than one input file");
    } else if (a[0] == '-' && a[1] != '\0') {
      return cli_usage_error("code: unknown option \"%s\"", a);
    } else {
      if (path)
        return cli_usage_error("code: more than one input file");
      path = a;
    }
  }
  char dirbuf[PATH_MAX];
  if (!rules_dir)
    rules_dir = cli_default_rules_dir(dirbuf, sizeof dirbuf);
  if (!rules_dir) {
    fprintf(stderr, "slpcoder: cannot locate the default rules bundle; pass --rules=DIR or set "
                    "SLPCODER_RULES\n");
    return EX_CONFIG;
  }

  /* Input first: a bad input is reported the same whatever the rules. */
  const char *name = path && strcmp(path, "-") ? path : "<stdin>";
  FILE *f = path && strcmp(path, "-") ? fopen(path, "rb") : stdin;
  if (!f) {
    fprintf(stderr, "slpcoder: %s: cannot open: %s\n", name, strerror(errno));
    return EX_DATAERR;
  }
  char *data = NULL;
  size_t len = 0;
  int rc = read_all(f, &data, &len);
  if (f != stdin)
    fclose(f);
  if (rc < 0) {
    fprintf(stderr, "slpcoder: %s: cannot read: %s\n", name, strerror(-rc));
    return EX_DATAERR;
  }

  int status = EX_OK;
  slp_decoder_t *dec = slp_decoder_new();
  slp_result_t *result = malloc(sizeof *result);
  slp_rules_t *rules = NULL;
  char err[SLP_CODEC_ERR_LEN];
  slp_session_t session;
  if (!dec || !result) {
    fprintf(stderr, "slpcoder: out of memory\n");
    status = EX_SOFTWARE;
    goto done;
  }
  rc = in_fmt == FMT_PB
           ? slp_decode_session(dec, (const uint8_t *)data, len, &session, err, sizeof err)
           : slp_decode_session_json(dec, data, len, &session, err, sizeof err);
  if (rc < 0) {
    fprintf(stderr, "slpcoder: %s: %s\n", name, err);
    status = EX_DATAERR;
    goto done;
  }
  rules = cli_load_rules(rules_dir);
  if (!rules) {
    status = EX_CONFIG;
    goto done;
  }
  if (slp_engine_code(rules, &session, result) < 0) {
    fprintf(stderr, "slpcoder: %s: the engine refused the session (internal error)\n", name);
    status = EX_SOFTWARE;
    goto done;
  }
  if (out_fmt == FMT_JSON) {
    char *text = slp_encode_coding_result_json(&session, result);
    if (!text) {
      fprintf(stderr, "slpcoder: out of memory writing JSON\n");
      status = EX_SOFTWARE;
      goto done;
    }
    status = write_out(text, strlen(text));
    free(text);
  } else {
    size_t needed = 0;
    (void)slp_encode_coding_result(&session, result, NULL, 0, &needed);
    uint8_t *buf = malloc(needed ? needed : 1);
    ptrdiff_t n = buf ? slp_encode_coding_result(&session, result, buf, needed, NULL) : -ENOMEM;
    if (n < 0) {
      fprintf(stderr, "slpcoder: cannot encode the result: %s\n", strerror((int)-n));
      status = EX_SOFTWARE;
    } else {
      status = write_out(buf, (size_t)n);
    }
    free(buf);
  }
done:
  if (rules)
    slp_rules_unref(rules);
  free(result);
  slp_decoder_free(dec);
  free(data);
  return status;
}
