/* SPDX-License-Identifier: Apache-2.0 */
/* help.c -- slpcoderd(8) and docs/CONFIGURATION.md, printed from the tables behind --help. */
#include "daemon/help.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "common/docfmt.h"
#include "io/config.h"

#ifndef SLPCODER_VERSION
#define SLPCODER_VERSION "0.1.0"
#endif
#ifndef SLPCODER_DATADIR
#define SLPCODER_DATADIR "/usr/local/share/slpcoder"
#endif
#ifndef SLPCODER_SYSCONFDIR
#define SLPCODER_SYSCONFDIR "/usr/local/etc/slpcoder"
#endif

static const char man_description[] =
    ".SH DESCRIPTION\n"
    ".B slpcoderd\n"
    "consumes documented speech therapy sessions (protobuf\n"
    ".BR slpcoder.v1.SessionEvent )\n"
    "from Kafka, codes each one with the rules bundle and produces exactly one result per input:\n"
    "a coded claim, a rejection naming every failed check, or a dead-letter record holding the\n"
    "input bytes unchanged. Many instances share the input as one consumer group.\n"
    ".PP\n"
    "Settings come from the file given with\n"
    ".BR \\-c ,\n"
    "then the environment, then\n"
    ".BR \\-X ;\n"
    "a later source wins. In the file, a\n"
    ".BI [ section ]\n"
    "line prefixes the keys after it, so\n"
    ".B [kafka]\n"
    "holds librdkafka properties. An unknown key, a bad value or a property librdkafka refuses\n"
    "is named with its source (file:line, environment variable or -X) and the program exits 78.\n"
    ".SH DELIVERY\n"
    "At-least-once (the default): the offset of an input is stored, in input order, only once\n"
    "every output of that input is acknowledged by the brokers (idempotent producer, acks=all).\n"
    "Coding is deterministic, so a redelivered input produces a byte-identical duplicate.\n"
    ".PP\n"
    "Exactly-once: consume, code and produce inside Kafka transactions; each instance needs its own\n"
    "stable\n"
    ".BR transactional.id ,\n"
    "and consumers of the outputs read with isolation.level=read_committed.\n";

static const char man_tail[] =
    ".SH SIGNALS\n"
    ".TP\n"
    ".BR SIGTERM \", \" SIGINT\n"
    "Stop fetching, finish the work in flight within\n"
    ".BR shutdown.deadline.ms ,\n"
    "store or commit its offsets, close the clients and exit 0.\n"
    ".TP\n"
    ".B SIGHUP\n"
    "Load the rules bundle again from\n"
    ".BR rules.dir .\n"
    "Work in flight finishes on the bundle it started with; a bundle that does not load is\n"
    "logged with its file:line errors and the previous one keeps serving.\n"
    ".SH EXIT STATUS\n"
    ".TP\n"
    ".B 0\n"
    "Stopped on a signal (or an exit condition) after draining.\n"
    ".TP\n"
    ".B 64\n"
    "Usage error on the command line.\n"
    ".TP\n"
    ".B 69\n"
    "EX_UNAVAILABLE: a fatal Kafka client error (fenced, unrecoverable producer), or an input\n"
    "none of whose outputs (result, dead letter, last-resort rejection) can be written, or a\n"
    "consumer close that no broker answered within shutdown.deadline.ms + 1 s.\n"
    ".TP\n"
    ".B 70\n"
    "EX_SOFTWARE: internal error; the shutdown deadline passed.\n"
    ".TP\n"
    ".B 78\n"
    "Configuration error, or the rules bundle cannot be loaded.\n"
    ".SH LOGGING\n"
    "Logfmt lines on standard error (the journal under systemd): a level, a message, and event\n"
    "ids, topic/partition/offset and rule ids where they apply. A patient id, birth date or\n"
    "member id never appears in a log line.\n";

/* The harness's keys, apart: an operator reads the SETTINGS above; these are what --demo,
 * --embedded-kafka, the tests and the benchmarks set. */
static const char man_harness[] =
    "For demos and tests only (set by\n"
    ".BR \\-\\-demo ,\n"
    ".BR \\-\\-embedded\\-kafka ,\n"
    "the tests and the benchmarks): librdkafka's experimental mock cluster hosted in the process,\n"
    "its fault plan and generated input, and what the demo prints. The mock is not durable and\n"
    "keeps about 5 MiB per partition; none of these is for production.\n";

static void man_page(FILE *out, void (*options)(FILE *out)) {
  fputs(".TH SLPCODERD 8 \"\" \"slpcoder " SLPCODER_VERSION "\" \"System Administration\"\n"
        ".SH NAME\n"
        "slpcoderd \\- code speech therapy sessions from Kafka into claims\n"
        ".SH SYNOPSIS\n",
        out);
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  if (mem) {
    options(mem);
    fclose(mem);
    slp_roff_block(out, buf ? buf : "");
    free(buf);
  }
  fputs(man_description, out);
  fputs(".SH SETTINGS\n"
        "Each key can be set in the file, as the environment variable named, or with\n"
        ".BR \"\\-X key=value\" .\n",
        out);
  slp_config_doc_man(out, SLP_CONFIG_PRODUCTION);
  fprintf(out, ".SS %s\n", slp_config_harness_heading);
  fputs(man_harness, out);
  slp_config_doc_man(out, SLP_CONFIG_HARNESS);
  fputs(man_tail, out);
  fputs(".SH FILES\n"
        ".TP\n"
        ".I " SLPCODER_DATADIR "/rules/default\n"
        "The default rules bundle (used when\n"
        ".B rules.dir\n"
        "is empty and no bundle sits at\n"
        ".IR <exe>/../share/slpcoder/rules/default ).\n"
        ".TP\n"
        ".I " SLPCODER_SYSCONFDIR "/slpcoderd.conf.example\n"
        "Every setting with its default, commented.\n"
        ".SH SEE ALSO\n"
        ".BR slpcoder (1),\n"
        ".BR systemd.service (5);\n"
        "docs/OPERATIONS.md and docs/CONFIGURATION.md in the source tree.\n",
        out);
}

static const char md_head[] =
    "# slpcoderd configuration\n"
    "\n"
    "<!-- Generated by `slpcoderd --help-config=markdown` from the settings table in\n"
    "     src/io/config.c. Do not edit: the docs/configuration test fails when this file\n"
    "     differs from the program's output. Regenerate with\n"
    "     build/bin/slpcoderd --help-config=markdown > docs/CONFIGURATION.md -->\n"
    "\n"
    "## Where settings come from\n"
    "\n"
    "In increasing precedence (a later source wins):\n"
    "\n"
    "1. the file given with `-c FILE`: `key = value` lines, `;` or `#` comments; a `[section]`\n"
    "   line prefixes the keys after it (`[kafka]` then `linger.ms = 5` is `kafka.linger.ms`);\n"
    "2. the environment: `SLPCODER_<KEY>`, upper case, dots as underscores\n"
    "   (`max.in.flight` is `SLPCODER_MAX_IN_FLIGHT`; `SLPCODER_RULES` is an alias of\n"
    "   `rules.dir`); variables that name no key are ignored;\n"
    "3. `-X key=value` on the command line.\n"
    "\n"
    "An unknown key, a bad value or a `kafka.*` property librdkafka refuses is reported with\n"
    "the key and its source (`file:line`, `env NAME` or `-X`) and `slpcoderd` exits 78.\n"
    "`slpcoderd --check-config [-c FILE] [-X ...]` checks everything, librdkafka's view of both\n"
    "clients included, prints the effective settings (secrets redacted) and exits 0 or 78.\n"
    "\n"
    "## Settings\n"
    "\n";

static const char md_harness[] =
    "\n"
    "## Demo and test settings\n"
    "\n"
    "For demos and tests only: `--demo`, `--embedded-kafka`, the tests and the benchmarks set\n"
    "these. They host librdkafka's experimental mock cluster in the process (not durable; about\n"
    "5 MiB per partition), inject its fault plan, generate input and print what the demo shows.\n"
    "None of them is for production. They are set like any other key.\n"
    "\n";

static const char md_tail[] =
    "\n"
    "## librdkafka properties set by slpcoderd\n"
    "\n"
    "Before yours (yours win): `partition.assignment.strategy=cooperative-sticky`,\n"
    "`auto.offset.reset=earliest`, `acks=all`, `enable.idempotence=true`, `linger.ms=5`,\n"
    "`group.id=slpcoder`, `queued.max.messages.kbytes=16384`,\n"
    "`queue.buffering.max.messages` = 2 x `max.in.flight` + 10000; with `delivery = exactly-once`\n"
    "also `isolation.level=read_committed`, `transaction.timeout.ms=60000`,\n"
    "`message.timeout.ms=50000`. After yours (always): `enable.auto.offset.store=false`; with\n"
    "exactly-once `enable.auto.commit=false`. `kafka.enable.auto.offset.store` is refused, and\n"
    "with exactly-once so is `kafka.transactional.id` (set `transactional.id`).\n";

int slpd_help_config(FILE *out, const char *format, void (*options)(FILE *out)) {
  if (!strcmp(format, "text")) {
    slp_config_usage(out);
    return 0;
  }
  if (!strcmp(format, "man")) {
    man_page(out, options);
    return 0;
  }
  if (!strcmp(format, "markdown")) {
    fputs(md_head, out);
    slp_config_doc_markdown(out, SLP_CONFIG_PRODUCTION);
    fputs(md_tail, out);
    fputs(md_harness, out);
    slp_config_doc_markdown(out, SLP_CONFIG_HARNESS);
    return 0;
  }
  fprintf(stderr, "slpcoderd: --help-config=%s: expected text, man or markdown\n", format);
  return EX_USAGE;
}
