/* SPDX-License-Identifier: Apache-2.0 */
/* docfmt.c -- roff and Markdown escaping for the generated man pages and docs. */
#include "common/docfmt.h"

#include <string.h>

void slp_roff_puts(FILE *out, const char *text) {
  int bol = 1; /* at the beginning of an output line */
  for (const char *p = text; *p; p++) {
    if (bol && (*p == '.' || *p == '\''))
      fputs("\\&", out);
    bol = *p == '\n';
    if (*p == '\\')
      fputs("\\e", out);
    else if (*p == '-')
      fputs("\\-", out);
    else
      fputc(*p, out);
  }
}

void slp_roff_block(FILE *out, const char *text) {
  size_t n = strlen(text);
  fputs(".nf\n", out);
  slp_roff_puts(out, text);
  if (n == 0 || text[n - 1] != '\n')
    fputc('\n', out);
  fputs(".fi\n", out);
}

void slp_md_cell(FILE *out, const char *text) {
  for (const char *p = text; *p; p++) {
    if (*p == '|')
      fputs("\\|", out);
    else if (*p == '<')
      fputs("&lt;", out);
    else if (*p == '>')
      fputs("&gt;", out);
    else if (*p == '\n')
      fputc(' ', out);
    else
      fputc(*p, out);
  }
}
