/* SPDX-License-Identifier: Apache-2.0 */
/* frame.c -- Confluent Schema Registry wire framing: magic 0x00, schema id, message indexes.
 *
 * The Protobuf serializer writes: 0x00, the schema id as 4 bytes big-endian,
 * then the message-index path as zigzag varints: a count, then that many
 * indexes; the common path [0] is abbreviated to a single 0 (count 0).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "slpcoder/codec.h"

/* Read one zigzag varint of at most 32 bits at buf[*pos]. 0, or -1 with err. */
static int read_zigzag32(const uint8_t *buf, size_t len, size_t *pos, int64_t *out,
                         const char *what, char *err, size_t errlen) {
  uint64_t v = 0;
  size_t start = *pos;
  for (unsigned shift = 0; shift < 35; shift += 7) {
    if (*pos >= len) {
      snprintf(err, errlen, "schema registry frame: truncated %s varint at byte %zu", what, start);
      return -1;
    }
    uint8_t b = buf[(*pos)++];
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      if (v > UINT32_MAX)
        break;
      uint32_t u = (uint32_t)v;
      *out = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
      return 0;
    }
  }
  snprintf(err, errlen, "schema registry frame: %s varint too long at byte %zu", what, start);
  return -1;
}

int slp_sr_frame_parse(const uint8_t *buf, size_t len, slp_sr_frame_t *frame, char *err,
                       size_t errlen) {
  memset(frame, 0, sizeof *frame);
  if (len == 0 || buf[0] != 0x00)
    return 0; /* plain protobuf (or empty: all defaults) */
  frame->framed = true;
  if (len < 5) {
    snprintf(err, errlen,
             "schema registry frame: truncated header (%zu bytes, need 5 for magic and schema id)",
             len);
    return -EBADMSG;
  }
  frame->schema_id =
      (uint32_t)buf[1] << 24 | (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 8 | buf[4];
  size_t pos = 5;
  int64_t count;
  if (read_zigzag32(buf, len, &pos, &count, "message-index", err, errlen) < 0)
    return -EBADMSG;
  if (count == 0) {
    frame->n_indexes = 1; /* abbreviation of [0] */
    frame->indexes[0] = 0;
  } else {
    if (count < 0 || count > SLP_SR_MAX_INDEXES) {
      snprintf(err, errlen,
               "schema registry frame: message-index count %lld at byte 5 is out of range (1-%d)",
               (long long)count, SLP_SR_MAX_INDEXES);
      return -EBADMSG;
    }
    for (int64_t i = 0; i < count; i++) {
      size_t at = pos;
      int64_t idx;
      if (read_zigzag32(buf, len, &pos, &idx, "message-index", err, errlen) < 0)
        return -EBADMSG;
      if (idx < 0) {
        snprintf(err, errlen, "schema registry frame: negative message index %lld at byte %zu",
                 (long long)idx, at);
        return -EBADMSG;
      }
      frame->indexes[frame->n_indexes++] = (int32_t)idx;
    }
  }
  frame->payload_offset = pos;
  return 0;
}

size_t slp_sr_frame_write(uint32_t schema_id, uint8_t *buf) {
  buf[0] = 0x00;
  buf[1] = (uint8_t)(schema_id >> 24);
  buf[2] = (uint8_t)(schema_id >> 16);
  buf[3] = (uint8_t)(schema_id >> 8);
  buf[4] = (uint8_t)schema_id;
  buf[5] = 0x00; /* message indexes [0] */
  return 6;
}
