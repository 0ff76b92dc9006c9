/* SPDX-License-Identifier: Apache-2.0 */
/* diff_input.h -- the inputs `slpcoder diff` streams: generator files, JSONL, a Kafka topic range. */
#ifndef SLPCODER_CLI_DIFF_INPUT_H
#define SLPCODER_CLI_DIFF_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum diff_in_fmt {
  DIFF_IN_AUTO = 0,  /* from the first bytes: '{' JSONL, "key<TAB>hex" lines, else delimited */
  DIFF_IN_DELIMITED, /* `slpcoder gen --format delimited`: varint length + protobuf */
  DIFF_IN_HEX,       /* `slpcoder gen --format hex`: "key<TAB>hex" per line */
  DIFF_IN_JSONL,     /* one proto3 JSON SessionEvent per line */
} diff_in_fmt_t;

/* Where a Kafka range starts or ends: an offset, a timestamp (ms), or the default. */
typedef struct diff_pos {
  enum { DIFF_POS_DEFAULT, DIFF_POS_OFFSET, DIFF_POS_TIME } kind;
  int64_t v;
} diff_pos_t;

typedef struct diff_input diff_input_t;

/* One input record: bytes valid until the next call. */
typedef struct diff_record {
  const uint8_t *bytes;
  size_t len;
  bool json;       /* proto3 JSON text rather than protobuf */
  char where[320]; /* "file:line", "file: record N (byte B)" or "topic/partition/offset" */
} diff_record_t;

/* Open a file ("-" = stdin). 0, or -1 with err set. */
int diff_input_open_file(const char *path, diff_in_fmt_t fmt, diff_input_t **out, char *err,
                         size_t errlen);

/* Open a read-only range of a topic: no consumer group, nothing committed; partitions are
 * read one after another in partition order so the report does not depend on timing.
 * xprops: "kafka.prop=value" or "prop=value" strings. 0, -2 a bad setting, or -1 (Kafka
 * unreachable, no such topic), with err set. */
int diff_input_open_kafka(const char *brokers, const char *topic, diff_pos_t from, diff_pos_t to,
                          const char *const *xprops, int n_xprops, diff_input_t **out, char *err,
                          size_t errlen);

/* 1 a record, 0 the end, -1 an error (err says what and where; the stream cannot go on). */
int diff_input_next(diff_input_t *in, diff_record_t *rec, char *err, size_t errlen);

void diff_input_close(diff_input_t *in);

/* "123" an offset, "@1767225600000" a timestamp in ms, "2026-01-01" or "2026-01-01T08:00:00Z" a
 * UTC time. 0, or -1. */
int diff_pos_parse(const char *s, diff_pos_t *out);

#endif
