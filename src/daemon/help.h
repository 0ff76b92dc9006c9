/* SPDX-License-Identifier: Apache-2.0 */
/* help.h -- slpcoderd's generated documentation: `--help-config=text|man|markdown`.
 *
 * The man page slpcoderd(8) and docs/CONFIGURATION.md are this output, made at build time
 * (CMake) and checked by a test, so they say what the binary does. Main thread, before the loop.
 */
#ifndef SLPCODER_DAEMON_HELP_H
#define SLPCODER_DAEMON_HELP_H

#include <stdio.h>

/* options(out) prints the command-line part of --help (the settings table comes from
 * src/io/config.c). Returns 0, or 64 when format is not text, man or markdown. */
int slpd_help_config(FILE *out, const char *format, void (*options)(FILE *out));

#endif /* SLPCODER_DAEMON_HELP_H */
