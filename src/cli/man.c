/* SPDX-License-Identifier: Apache-2.0 */
/* man.c -- `slpcoder --help=man`: the slpcoder(1) page, printed around the --help text itself. */
#include <stdio.h>

#include "cli/cli.h"
#include "common/docfmt.h"

#ifdef SLPCODER_HAVE_GEN
#include "gen/gen_cli.h"
#include <stdlib.h>
#endif

#ifndef SLPCODER_VERSION
#define SLPCODER_VERSION "0.1.0"
#endif
#ifndef SLPCODER_DATADIR
#define SLPCODER_DATADIR "/usr/local/share/slpcoder"
#endif

int cli_man_page(FILE *out, const char *usage) {
  fputs(".TH SLPCODER 1 \"\" \"slpcoder " SLPCODER_VERSION "\" \"User Commands\"\n"
        ".SH NAME\n"
        "slpcoder \\- code one speech therapy session, check a rules bundle, generate sessions\n"
        ".SH SYNOPSIS\n",
        out);
  slp_roff_block(out, usage);
  fputs(".SH DESCRIPTION\n"
        ".B slpcoder code\n"
        "reads one\n"
        ".B SessionEvent\n"
        "(proto3 JSON or binary protobuf, plain or Schema Registry framed) and writes one\n"
        ".BR CodingResult :\n"
        "a coded claim or a rejection naming each failed check with its rule id. The result is a\n"
        "pure function of the input and the rules bundle: the same bytes give the same output.\n"
        ".PP\n"
        ".B slpcoder rules check\n"
        ".I DIR\n"
        "loads a bundle the way the daemon does, prints every malformed line as\n"
        ".I file:line: problem\n"
        "and exits 78, or prints the bundle's rules_version.\n",
        out);
#ifdef SLPCODER_HAVE_GEN
  fputs(".SS slpcoder gen\n", out);
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  if (mem) {
    slp_gen_cli_usage(mem);
    fclose(mem);
    slp_roff_block(out, buf ? buf : "");
    free(buf);
  }
#endif
  fputs(".SH ENVIRONMENT\n"
        ".TP\n"
        ".B SLPCODER_RULES\n"
        "The rules bundle when\n"
        ".B \\-\\-rules\n"
        "is not given.\n"
        ".SH FILES\n"
        ".TP\n"
        ".I " SLPCODER_DATADIR "/rules/default\n"
        "The default rules bundle, used when neither\n"
        ".B \\-\\-rules\n"
        "nor SLPCODER_RULES is given and no bundle sits at\n"
        ".IR <exe>/../share/slpcoder/rules/default .\n"
        ".SH EXIT STATUS\n"
        "0 a result was written (a rejection is a result), 64 usage, 65 the input is not a\n"
        "SessionEvent, 74 output error, 78 the rules bundle cannot be loaded.\n"
        ".SH SEE ALSO\n"
        ".BR slpcoderd (8)\n",
        out);
  return 0;
}
