/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_session_pb.c -- libFuzzer target: the input bytes as a Kafka payload, plain and again in
 * Confluent Schema Registry framing, through slp_process_payload (decode, code, encode) exactly as
 * the daemon calls it, then the CLI's JSON encoder.
 *
 * Invariants: an undecodable input is passed on unchanged (the DLQ record is the input's bytes)
 * with a one-line reason that says what and where; a coded input packs to a CodedClaim or a
 * Rejection that protobuf-c unpacks again, and coding the same bytes twice gives the same bytes
 * (deterministic); no crash, leak or undefined behaviour (ASan + UBSan). */
#include <errno.h>

#include "fuzz_common.h"
#include "slpcoder/v1/claim.pb-c.h"
#include "slpcoder/codec.h"

static slp_processor_t *proc;

static bool known_prefix(const char *e) {
  static const char *const prefixes[] = {"protobuf: ", "schema registry frame: ", "out of memory",
                                         "engine refused"};
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (strncmp(e, prefixes[i], strlen(prefixes[i])) == 0)
      return true;
  return false;
}

static void one(const uint8_t *payload, size_t len) {
  uint8_t *copy = malloc(len + 1); /* what the input was, to prove nothing wrote into it */
  FUZZ_ASSERT(copy != NULL, "malloc");
  if (len)
    memcpy(copy, payload, len);
  slp_processed_t out;
  int rc = slp_process_payload(proc, fuzz_rules(), payload, len, &out);
  FUZZ_ASSERT(rc == 0, "slp_process_payload rc %d", rc);
  FUZZ_ASSERT(len == 0 || memcmp(copy, payload, len) == 0, "the input was modified");
  if (out.kind == SLP_OUTPUT_UNDECODABLE) {
    FUZZ_ASSERT(out.bytes == payload && out.len == len, "the DLQ record is not the input");
    fuzz_check_message(out.error, sizeof out.error);
    FUZZ_ASSERT(known_prefix(out.error), "reason names no layer: %s", out.error);
    FUZZ_ASSERT(out.event_id != NULL && out.event_id[0] == '\0', "an undecodable input has an id");
    free(copy);
    return;
  }
  FUZZ_ASSERT(out.kind == SLP_OUTPUT_CLAIM || out.kind == SLP_OUTPUT_REJECTION, "kind %d",
              (int)out.kind);
  FUZZ_ASSERT(out.event_id != NULL && out.rules_version != NULL && out.rules_version[0] != '\0',
              "no event id or rules version");
  ProtobufCMessage *m =
      out.kind == SLP_OUTPUT_CLAIM
          ? (ProtobufCMessage *)slpcoder__v1__coded_claim__unpack(NULL, out.len, out.bytes)
          : (ProtobufCMessage *)slpcoder__v1__rejection__unpack(NULL, out.len, out.bytes);
  FUZZ_ASSERT(m != NULL || out.len == 0, "the output does not unpack");
  if (m != NULL)
    protobuf_c_message_free_unpacked(m, NULL);

  /* the CLI's view of the same result */
  char *json = slp_encode_coding_result_json(slp_processor_session(proc),
                                             slp_processor_result(proc));
  FUZZ_ASSERT(json != NULL && json[0] == '{', "JSON encoding failed");
  free(json);

  /* deterministic: the same bytes code to the same bytes */
  uint8_t *first = malloc(out.len + 1);
  FUZZ_ASSERT(first != NULL, "malloc");
  memcpy(first, out.bytes, out.len);
  size_t first_len = out.len;
  slp_output_kind_t first_kind = out.kind;
  rc = slp_process_payload(proc, fuzz_rules(), payload, len, &out);
  FUZZ_ASSERT(rc == 0 && out.kind == first_kind && out.len == first_len &&
                  memcmp(out.bytes, first, first_len) == 0,
              "coding is not deterministic");
  free(first);
  free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (proc == NULL) {
    proc = slp_processor_new();
    FUZZ_ASSERT(proc != NULL, "slp_processor_new");
  }
  one(data, size);
  /* The same bytes framed: magic 0, schema id, message index [0]. */
  uint8_t *framed = malloc(size + 6);
  FUZZ_ASSERT(framed != NULL, "malloc");
  size_t h = slp_sr_frame_write(42, framed);
  if (size)
    memcpy(framed + h, data, size);
  one(framed, h + size);
  free(framed);
  return 0;
}
