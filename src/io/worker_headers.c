/* SPDX-License-Identifier: Apache-2.0 */
/* worker_headers.c -- the headers every output carries, each value at a fixed maximum size.
 *
 * Header values come from the input (event_id), the bundle (rules_version), the config (the
 * input topic in slpcoder.source) and the codec or librdkafka (slpcoder.error). None may make
 * an output larger than the producer takes, so each has a cap (SLP__HDR_MAX in
 * worker_internal.h):
 * - slpcoder.event_id: the value is omitted (the header stays, empty) when the id is longer
 *   than SLP_MAX_ID_LEN. Such a session is rejected with event.invalid on event_id; a truncated
 *   id could equal another event's, which an empty one cannot.
 * - slpcoder.rules_version, slpcoder.source, slpcoder.error: truncated to SLP__HDR_MAX bytes
 *   (at a UTF-8 character boundary); they are for people and dashboards, and a prefix is still
 *   informative.
 */
#include <inttypes.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "io/worker_internal.h"
#include "slpcoder/engine.h"

/* Length of s cut to at most max bytes, not splitting a UTF-8 sequence. */
static size_t cut_utf8(const char *s, size_t max) {
  size_t n = strnlen(s, max + 1);
  if (n <= max)
    return n;
  n = max;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
    n--; /* s[n] is a continuation byte: the cut would split a character */
  return n;
}

const char *slp__hdr_event_id(const char *event_id) {
  if (event_id == NULL || strnlen(event_id, SLP_MAX_ID_LEN + 1) > SLP_MAX_ID_LEN)
    return "";
  return event_id;
}

void slp__hdr_set(rd_kafka_headers_t *h, const char *name, const char *value) {
  rd_kafka_header_remove(h, name);
  if (value == NULL)
    value = "";
  rd_kafka_header_add(h, name, -1, value, (ssize_t)cut_utf8(value, SLP__HDR_MAX));
}

rd_kafka_headers_t *slp__hdrs_new(const char *event_id, const char *rules_version,
                                  const char *source) {
  rd_kafka_headers_t *h = rd_kafka_headers_new(4);
  rd_kafka_header_add(h, "slpcoder.event_id", -1, slp__hdr_event_id(event_id), -1);
  rd_kafka_header_add(h, "slpcoder.rules_version", -1, rules_version ? rules_version : "",
                      (ssize_t)cut_utf8(rules_version ? rules_version : "", SLP__HDR_MAX));
  rd_kafka_header_add(h, "slpcoder.source", -1, source, (ssize_t)cut_utf8(source, SLP__HDR_MAX));
  return h;
}

void slp__hdr_add(rd_kafka_headers_t *h, const char *name, const char *value) {
  if (value == NULL)
    value = "";
  rd_kafka_header_add(h, name, -1, value, (ssize_t)cut_utf8(value, SLP__HDR_MAX));
}

/* Decimal digits of v, backwards from end; returns the first. */
static char *u64_digits(char *end, uint64_t v) {
  do
    *--end = (char)('0' + v % 10);
  while ((v /= 10) != 0);
  return end;
}

void slp__hdr_source(char *buf, size_t cap, const char *topic, int32_t partition, int64_t offset) {
  char nums[48], *e = nums + sizeof nums, *p = e;
  p = u64_digits(p, offset < 0 ? (uint64_t)0 - (uint64_t)offset : (uint64_t)offset);
  if (offset < 0)
    *--p = '-';
  *--p = '/';
  p = u64_digits(p, partition < 0 ? (uint64_t)0 - (uint64_t)(int64_t)partition : (uint64_t)partition);
  if (partition < 0)
    *--p = '-';
  *--p = '/';
  size_t tl = strlen(topic), nl = (size_t)(e - p);
  if (cap == 0)
    return;
  if (tl > cap - 1)
    tl = cap - 1;
  memcpy(buf, topic, tl);
  if (nl > cap - 1 - tl)
    nl = cap - 1 - tl;
  memcpy(buf + tl, p, nl);
  buf[tl + nl] = '\0';
}
