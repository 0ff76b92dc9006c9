/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_session_json.c -- libFuzzer target: the input as a SessionEvent in the proto3 JSON mapping
 * (slpcoder code's input), through slp_decode_session_json, the engine and both encoders.
 *
 * Invariants: a refused input gets one line that says where ("field \"path\": ..." or "JSON: line
 * L column C: ...") and never repeats a string value of the input (it may be a patient
 * identifier); an accepted one codes, packs and prints; coding is deterministic; no crash, leak
 * or undefined behaviour. */
#include <errno.h>
#include <jansson.h>

#include "fuzz_common.h"
#include "slpcoder/codec.h"
#include "slpcoder/engine.h"

static slp_decoder_t *dec;

static bool says_where(const char *e) {
  return strncmp(e, "field \"", 7) == 0 || strncmp(e, "JSON: line ", 11) == 0 ||
         strncmp(e, "expected a JSON object for ", 27) == 0 || strncmp(e, "out of memory", 13) == 0;
}

/* Keys of the input, end to end: a key is echoed by design (it names the field). */
static void collect_keys(const json_t *j, char *buf, size_t cap) {
  size_t i;
  const char *key;
  json_t *v;
  if (json_is_object(j)) {
    json_object_foreach((json_t *)j, key, v) {
      strncat(buf, key, cap - strlen(buf) - 1);
      strncat(buf, "\x01", cap - strlen(buf) - 1);
      collect_keys(v, buf, cap);
    }
  } else if (json_is_array(j)) {
    json_array_foreach(j, i, v) collect_keys(v, buf, cap);
  }
}

/* String values holding a character no message text or type name has (the marker set) and that
 * are no key's text must not appear in the message. Plain words and digits are left out: "int32"
 * or "activities" as a value would match the message's own words by chance. */
static void check_no_value_echoed(const json_t *j, const char *msg, const char *keys) {
  size_t i;
  const char *key;
  json_t *v;
  switch (json_typeof(j)) {
  case JSON_OBJECT:
    json_object_foreach((json_t *)j, key, v) check_no_value_echoed(v, msg, keys);
    break;
  case JSON_ARRAY:
    json_array_foreach(j, i, v) check_no_value_echoed(v, msg, keys);
    break;
  case JSON_STRING: {
    const char *sv = json_string_value(j);
    size_t n = json_string_length(j);
    if (n >= 4 && memchr(sv, '\0', n) == NULL && strpbrk(sv, "#@~^|`!%&*+=<>?$") != NULL &&
        strstr(keys, sv) == NULL)
      FUZZ_ASSERT(strstr(msg, sv) == NULL, "the error echoes a value: %s", msg);
    break;
  }
  default:
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (dec == NULL) {
    dec = slp_decoder_new();
    FUZZ_ASSERT(dec != NULL, "slp_decoder_new");
  }
  slp_session_t s;
  char err[SLP_CODEC_ERR_LEN];
  int rc = slp_decode_session_json(dec, (const char *)data, size, &s, err, sizeof err);
  if (rc != 0) {
    FUZZ_ASSERT(rc == -EBADMSG, "rc %d", rc);
    fuzz_check_message(err, sizeof err);
    FUZZ_ASSERT(says_where(err), "the error says neither field nor line: %s", err);
    json_t *root = json_loadb((const char *)data, size, JSON_ALLOW_NUL, NULL);
    if (root != NULL) {
      static char keys[1 << 16];
      keys[0] = '\0';
      collect_keys(root, keys, sizeof keys);
      check_no_value_echoed(root, err, keys);
      json_decref(root);
    }
    return 0;
  }
  slp_result_t res, again;
  FUZZ_ASSERT(slp_engine_code(fuzz_rules(), &s, &res) == 0, "the engine refused a session");
  FUZZ_ASSERT(slp_engine_code(fuzz_rules(), &s, &again) == 0, "the engine refused a session");
  size_t needed = 0;
  ptrdiff_t n = slp_encode_result(&s, &res, NULL, 0, &needed);
  FUZZ_ASSERT(n >= 0 || n == -ENOSPC, "slp_encode_result %td", n);
  uint8_t *a = malloc(needed + 1), *b = malloc(needed + 1);
  FUZZ_ASSERT(a != NULL && b != NULL, "malloc");
  ptrdiff_t na = slp_encode_result(&s, &res, a, needed + 1, NULL);
  ptrdiff_t nb = slp_encode_result(&s, &again, b, needed + 1, NULL);
  FUZZ_ASSERT(na >= 0 && na == nb && memcmp(a, b, (size_t)na) == 0, "coding is not deterministic");
  free(a);
  free(b);
  char *json = slp_encode_coding_result_json(&s, &res);
  FUZZ_ASSERT(json != NULL, "JSON encoding failed");
  json_error_t jerr;
  json_t *back = json_loads(json, 0, &jerr);
  FUZZ_ASSERT(back != NULL, "the CLI's JSON does not parse: %s", jerr.text);
  json_decref(back);
  free(json);
  return 0;
}
