/* SPDX-License-Identifier: Apache-2.0 */
/* gen_cli.h -- `slpcoder gen`: write synthetic sessions to a Kafka topic or a file. */
#ifndef SLPCODER_GEN_GEN_CLI_H
#define SLPCODER_GEN_GEN_CLI_H

#include <stdio.h>

/* argv[0] is "gen". Returns a process exit code (0, 64 usage, 69/74 I/O). */
int slp_gen_cli_main(int argc, char **argv);

/* The --help text of `slpcoder gen` (also printed into the slpcoder(1) man page). */
void slp_gen_cli_usage(FILE *out);

#endif /* SLPCODER_GEN_GEN_CLI_H */
