/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_rules.c -- `slpcoder rules check DIR`, and the bundle lookup shared by subcommands. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "rules/open.h"

#ifndef SLPCODER_DATADIR
#define SLPCODER_DATADIR "/usr/local/share/slpcoder" /* CMake passes the install's */
#endif

const char *cli_default_rules_dir(char *buf, size_t len) {
  const char *env = getenv("SLPCODER_RULES");
  if (env && env[0])
    return env;
  return slp_rules_default_dir(SLPCODER_DATADIR, buf, len);
}

/* stderr, under one "cannot load" line naming the bundle. */
static void print_error(void *arg, const char *dir, const char *line) {
  bool *headed = arg;
  if (!*headed)
    fprintf(stderr, "slpcoder: cannot load rules bundle %s:\n", dir);
  *headed = true;
  fprintf(stderr, "%s\n", line);
}

slp_rules_t *cli_load_rules(const char *dir) {
  bool headed = false;
  return slp_rules_open(dir, print_error, &headed);
}

int cli_cmd_rules(int argc, char **argv) {
  if (argc < 2)
    return cli_usage_error("rules: missing subcommand (check)");
  if (strcmp(argv[1], "check") != 0)
    return cli_usage_error("rules: unknown subcommand \"%s\"", argv[1]);
  if (argc != 3)
    return cli_usage_error("rules check: expected exactly one DIR");
  slp_rules_t *rules = cli_load_rules(argv[2]);
  if (!rules)
    return EX_CONFIG;
  char summary[512];
  slp_rules_describe(rules, summary, sizeof summary);
  printf("rules_version: %s\n%s\n", slp_rules_version(rules), summary);
  size_t need = slp_rules_coverage(rules, NULL, 0) + 1;
  char *coverage = malloc(need);
  if (coverage == NULL) {
    fprintf(stderr, "slpcoder: out of memory\n");
    slp_rules_unref(rules);
    return EX_SOFTWARE;
  }
  slp_rules_coverage(rules, coverage, need);
  fputs(coverage, stdout);
  free(coverage);
  slp_rules_unref(rules);
  return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}
