/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_rules.c -- `slpcoder rules check DIR`, and the bundle lookup shared by subcommands. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

#ifndef SLPCODER_DATADIR
#define SLPCODER_DATADIR "/usr/local/share/slpcoder" /* CMake passes the install's */
#endif

const char *cli_default_rules_dir(char *buf, size_t len) {
  const char *env = getenv("SLPCODER_RULES");
  if (env && env[0])
    return env;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0)
    return NULL;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash)
    return NULL;
  *slash = '\0'; /* <prefix>/bin */
  int w = snprintf(buf, len, "%s/../share/slpcoder/rules/default", exe);
  if (w > 0 && (size_t)w < len && access(buf, R_OK | X_OK) == 0)
    return buf;
  /* Not beside the binary: the data dir this build installs into. */
  w = snprintf(buf, len, "%s/rules/default", SLPCODER_DATADIR);
  if (w < 0 || (size_t)w >= len)
    return NULL;
  return buf;
}

slp_rules_t *cli_load_rules(const char *dir) {
  slp_rules_errors_t *errs = calloc(1, sizeof *errs);
  slp_rules_t *rules = NULL;
  if (!errs) {
    fprintf(stderr, "slpcoder: out of memory\n");
    return NULL;
  }
  if (slp_rules_load(dir, &rules, errs) < 0) {
    fprintf(stderr, "slpcoder: cannot load rules bundle %s:\n", dir);
    for (size_t i = 0; i < errs->n; i++)
      fprintf(stderr, "%s\n", errs->lines[i]);
    if (errs->n_total > errs->n)
      fprintf(stderr, "... and %zu more errors\n", errs->n_total - errs->n);
    if (errs->n_total == 0)
      fprintf(stderr, "(no details)\n");
    rules = NULL;
  }
  free(errs);
  return rules;
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
    return CLI_EX_CONFIG;
  char summary[512];
  slp_rules_describe(rules, summary, sizeof summary);
  printf("rules_version: %s\n%s\n", slp_rules_version(rules), summary);
  size_t need = slp_rules_coverage(rules, NULL, 0) + 1;
  char *coverage = malloc(need);
  if (coverage == NULL) {
    fprintf(stderr, "slpcoder: out of memory\n");
    slp_rules_unref(rules);
    return CLI_EX_SOFTWARE;
  }
  slp_rules_coverage(rules, coverage, need);
  fputs(coverage, stdout);
  free(coverage);
  slp_rules_unref(rules);
  return fflush(stdout) == 0 ? CLI_EX_OK : CLI_EX_IOERR;
}
