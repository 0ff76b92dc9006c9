/* SPDX-License-Identifier: Apache-2.0 */
/* cli.h -- the slpcoder command's subcommands and shared helpers. */
#ifndef SLPCODER_CLI_H
#define SLPCODER_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "slpcoder/rules.h"

/* Exit statuses are <sysexits.h>'s (EX_OK, EX_USAGE 64, EX_DATAERR 65, EX_UNAVAILABLE 69,
 * EX_SOFTWARE 70, EX_IOERR 74, EX_CONFIG 78): they are part of the CLI contract. */
#include <sysexits.h>

/* Each subcommand gets argv from its own name on (argv[0] = "code", ...). */
int cli_cmd_code(int argc, char **argv);
int cli_cmd_rules(int argc, char **argv);
int cli_cmd_diff(int argc, char **argv);
int cli_cmd_replay(int argc, char **argv);
int cli_cmd_health(int argc, char **argv);

/* The bundle to use when --rules is not given: $SLPCODER_RULES, else the one
 * installed beside the executable (<exe>/../share/slpcoder/rules/default), else
 * the compiled-in data dir (SLPCODER_DATADIR/rules/default). */
const char *cli_default_rules_dir(char *buf, size_t len);

/* Load the bundle in dir; on failure print every "file:line: ..." error to
 * stderr and return NULL. */
slp_rules_t *cli_load_rules(const char *dir);

/* The slpcoder(1) man page, built around usage (the --help text), on out. Returns 0. */
int cli_man_page(FILE *out, const char *usage);

/* Usage message on stderr plus the exit code for usage errors. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
