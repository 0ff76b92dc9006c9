/* SPDX-License-Identifier: Apache-2.0 */
/* codec.h -- bytes <-> engine structs: protobuf (plain or Schema Registry
 * framed), the proto3 JSON mapping, and one-call payload processing.
 *
 * The only layer that touches protobuf-c; nothing here exposes a ProtobufC
 * type, so callers (CLI, daemon) and the engine stay free of it.
 *
 * Errors: functions return 0 or a negative errno-style code and write a
 * one-line reason naming what and where into a caller buffer (err, errlen),
 * e.g. "schema registry frame: truncated message-index varint at byte 6".
 *
 * Thread safety: a decoder is single-threaded state (its arena and the last
 * decoded message); use one per thread. Encoding functions keep no state.
 */
#ifndef SLPCODER_CODEC_H
#define SLPCODER_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slpcoder/engine.h"
#include "slpcoder/rules.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SLP_CODEC_ERR_LEN 256

/* ---- Confluent Schema Registry framing ----------------------------------- */

#define SLP_SR_MAX_INDEXES 16

typedef struct slp_sr_frame {
  bool framed;        /* the buffer started with the magic byte 0x00 */
  uint32_t schema_id; /* big-endian 4 bytes after the magic */
  uint32_t n_indexes; /* message-index path; a single 0 byte means [0] */
  int32_t indexes[SLP_SR_MAX_INDEXES];
  size_t payload_offset; /* where the protobuf message starts (0 when not framed) */
} slp_sr_frame_t;

/* Parse the framing, if any, at the start of buf. A buffer not starting with
 * 0x00 is plain protobuf (framed = false, payload_offset = 0): a valid
 * protobuf message can never start with 0x00 (field number 0 is illegal).
 * Returns 0, or -EBADMSG with err set. */
int slp_sr_frame_parse(const uint8_t *buf, size_t len, slp_sr_frame_t *frame, char *err,
                       size_t errlen);

/* Write a frame header (magic, schema id, indexes) for a message at index path
 * [0] into buf (at least 6 bytes). Returns the header length. For tests and
 * producers. */
size_t slp_sr_frame_write(uint32_t schema_id, uint8_t *buf);

/* ---- decoding a SessionEvent --------------------------------------------- */

/* A decoder owns an arena that every decode reuses (reset, not freed), the
 * last unpacked message and the activity array of the last session. */
typedef struct slp_decoder slp_decoder_t;

slp_decoder_t *slp_decoder_new(void);
void slp_decoder_free(slp_decoder_t *dec);

/* Decode a SessionEvent from protobuf bytes, plain or Schema Registry framed.
 * On success returns 0 and fills *session, which borrows the decoder's memory
 * until the next decode on dec or slp_decoder_free(). On failure returns
 * -EBADMSG and err says what and where; *session is zeroed. Never crashes on
 * any bytes. */
int slp_decode_session(slp_decoder_t *dec, const uint8_t *buf, size_t len, slp_session_t *session,
                       char *err, size_t errlen);

/* Decode a SessionEvent from its proto3 JSON mapping (lowerCamelCase or
 * original field names, enums by name or number, 64-bit integers as strings
 * or numbers; unknown fields are an error). Same ownership and errors as
 * slp_decode_session, e.g. field "activities[0].minutes": expected a number. */
int slp_decode_session_json(slp_decoder_t *dec, const char *text, size_t len,
                            slp_session_t *session, char *err, size_t errlen);

/* ---- encoding results ------------------------------------------------------ */

/* Which message a result becomes. */
typedef enum slp_output_kind {
  SLP_OUTPUT_CLAIM = 1,       /* CodedClaim, topic claims.coded */
  SLP_OUTPUT_REJECTION = 2,   /* Rejection, topic claims.rejected */
  SLP_OUTPUT_UNDECODABLE = 3, /* the input bytes go to the DLQ unchanged */
} slp_output_kind_t;

/* Pack the CodedClaim (result->rejected false) or the Rejection (true) built
 * from (session, result) into buf. Returns the packed length (> 0 or 0 for an
 * all-default message), or -ENOSPC when cap is too small, in which case
 * *needed (if not NULL) holds the size required. No heap allocation. */
ptrdiff_t slp_encode_result(const slp_session_t *session, const slp_result_t *result, uint8_t *buf,
                            size_t cap, size_t *needed);

/* The same wrapped in a CodingResult (the CLI's output): oneof claim/rejection. */
ptrdiff_t slp_encode_coding_result(const slp_session_t *session, const slp_result_t *result,
                                   uint8_t *buf, size_t cap, size_t *needed);

/* The CodingResult as canonical proto3 JSON (2-space indent, field-number
 * order, defaults omitted, trailing newline). Returns a malloc'd string the
 * caller frees, or NULL on allocation failure. */
char *slp_encode_coding_result_json(const slp_session_t *session, const slp_result_t *result);

/* The same JSON from a packed CodedClaim (rejected false) or Rejection (true), as the daemon
 * produced it: what an output observer prints. NULL when the bytes do not unpack or when out
 * of memory. */
char *slp_packed_result_json(const uint8_t *bytes, size_t len, bool rejected);

/* ---- one Kafka payload in, one output out (for the daemon) ---------------- */

typedef struct slp_processor slp_processor_t;

typedef struct slp_processed {
  slp_output_kind_t kind;
  const uint8_t *bytes; /* CLAIM/REJECTION: the packed message (borrowed from the
                           processor until its next call); UNDECODABLE: the input */
  size_t len;
  const char *event_id; /* "" when undecodable; borrowed like bytes */
  const char *rules_version;
  char error[SLP_CODEC_ERR_LEN]; /* UNDECODABLE: why, for the slpcoder.error header */
} slp_processed_t;

slp_processor_t *slp_processor_new(void);
void slp_processor_free(slp_processor_t *proc);

/* Decode, code under rules, encode. Returns 0 with *out filled (kind says
 * which); -ENOMEM when an output buffer cannot grow. One thread per processor. */
int slp_process_payload(slp_processor_t *proc, const slp_rules_t *rules, const uint8_t *payload,
                        size_t len, slp_processed_t *out);

/* The processor's last coding result (valid after a CLAIM/REJECTION). */
const slp_result_t *slp_processor_result(const slp_processor_t *proc);
/* The session the last slp_process_payload decoded (valid until the next call). */
const slp_session_t *slp_processor_session(const slp_processor_t *proc);

#ifdef __cplusplus
}
#endif

#endif /* SLPCODER_CODEC_H */
