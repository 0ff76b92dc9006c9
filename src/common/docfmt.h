/* SPDX-License-Identifier: Apache-2.0 */
/* docfmt.h -- escaping for generated documentation: man(7) roff and Markdown text.
 *
 * The man pages and docs/CONFIGURATION.md are printed by the programs themselves from the
 * tables that drive --help, so they cannot drift; these helpers keep arbitrary help text
 * (backslashes, leading dots, '|') from breaking the markup. libc only; any thread.
 */
#ifndef SLPCODER_COMMON_DOCFMT_H
#define SLPCODER_COMMON_DOCFMT_H

#include <stdio.h>

/* Text inside a roff line: '\' -> "\e", '-' -> "\-" (a real minus, so options can be
 * searched and copied), a leading '.' or '\'' guarded with "\&". */
void slp_roff_puts(FILE *out, const char *text);

/* A pre-formatted block (.nf ... .fi), every line escaped as above. */
void slp_roff_block(FILE *out, const char *text);

/* Text for one Markdown table cell: '|' escaped, '<' '>' as entities (not HTML tags),
 * newlines as spaces. */
void slp_md_cell(FILE *out, const char *text);

#endif /* SLPCODER_COMMON_DOCFMT_H */
