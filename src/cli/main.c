/* SPDX-License-Identifier: Apache-2.0 */
/* main.c -- slpcoder: the one-shot command line (code, rules check, gen; later replay). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* `slpcoder gen` lives in src/gen (its Kafka producer in gen_kafka.c here); CMake defines
 * SLPCODER_HAVE_GEN when it links slpcoder_gen into this executable. */
#ifdef SLPCODER_HAVE_GEN
#include "cli/gen_kafka.h"
#endif

#ifndef SLPCODER_VERSION
#define SLPCODER_VERSION "0.1.0"
#endif

static const char usage_text[] =
    "usage: slpcoder code [--in=json|pb] [--out=json|pb] [--rules=DIR] [FILE]\n"
    "       slpcoder rules check DIR\n"
    "       slpcoder health [--timeout=MS] URL\n"
#ifdef SLPCODER_HAVE_GEN
    "       slpcoder gen ...   (synthetic sessions; slpcoder gen --help)\n"
#endif
    "       slpcoder diff --rules A --rules B ...   (what a rules change alters; --help)\n"
    "       slpcoder replay --brokers L --from-topic T ...   (dead letters back in; --help)\n"
    "       slpcoder --help | --version\n"
    "\n"
    "  code         read one SessionEvent (FILE or standard input), write one CodingResult\n"
    "               --in, --out   json (proto3 JSON mapping, default) or pb (binary protobuf;\n"
    "                             Schema Registry framed input is accepted)\n"
    "               --rules=DIR   rules bundle; default $SLPCODER_RULES, else the installed one\n"
    "  rules check  load and validate a bundle, print its rules_version and a summary\n"
    "  health       GET an http:// URL (e.g. slpcoderd's /healthz): exit 0 on status 200,\n"
    "               1 otherwise (for container health checks; --timeout default 2000 ms)\n"
    "\n"
    "exit status: 0 result written, 64 usage, 65 input is not a SessionEvent,\n"
    "             74 output error, 78 rules cannot be loaded\n";

int cli_usage_error(const char *fmt, ...) {
  va_list ap;
  fputs("slpcoder: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\n", stderr);
  fputs(usage_text, stderr);
  return EX_USAGE;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return cli_usage_error("missing command");
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(usage_text, stdout);
    return EX_OK;
  }
  if (!strcmp(cmd, "--help=man"))
    return cli_man_page(stdout, usage_text);
  if (!strcmp(cmd, "--version")) {
    printf("slpcoder %s\n", SLPCODER_VERSION);
    return EX_OK;
  }
  if (!strcmp(cmd, "code"))
    return cli_cmd_code(argc - 1, argv + 1);
  if (!strcmp(cmd, "rules"))
    return cli_cmd_rules(argc - 1, argv + 1);
  if (!strcmp(cmd, "diff"))
    return cli_cmd_diff(argc - 1, argv + 1);
  if (!strcmp(cmd, "replay"))
    return cli_cmd_replay(argc - 1, argv + 1);
  if (!strcmp(cmd, "health"))
    return cli_cmd_health(argc - 1, argv + 1);
#ifdef SLPCODER_HAVE_GEN
  if (!strcmp(cmd, "gen"))
    return slp_gen_cli_main(argc - 1, argv + 1, &cli_gen_kafka_sink);
#endif
  return cli_usage_error("unknown command \"%s\"", cmd);
}
