/* SPDX-License-Identifier: Apache-2.0 */
/* pbjson.c -- proto3 canonical JSON <-> protobuf-c messages, generic over descriptors. */
#include "codec/pbjson.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_LEN 128
#define PATH_LEN 256

/* ---- shared ------------------------------------------------------------- */

void slp_pbjson_field_name(const char *proto_name, char *buf, size_t len) {
  size_t o = 0;
  bool upper = false;
  for (const char *p = proto_name; *p && o + 1 < len; p++) {
    if (*p == '_') {
      upper = true;
      continue;
    }
    buf[o++] = upper ? (char)toupper((unsigned char)*p) : *p;
    upper = false;
  }
  if (len)
    buf[o] = '\0';
}

static size_t elem_size(ProtobufCType t) {
  switch (t) {
  case PROTOBUF_C_TYPE_INT64:
  case PROTOBUF_C_TYPE_SINT64:
  case PROTOBUF_C_TYPE_SFIXED64:
  case PROTOBUF_C_TYPE_UINT64:
  case PROTOBUF_C_TYPE_FIXED64:
    return 8;
  case PROTOBUF_C_TYPE_DOUBLE:
    return sizeof(double);
  case PROTOBUF_C_TYPE_FLOAT:
    return sizeof(float);
  case PROTOBUF_C_TYPE_BOOL:
    return sizeof(protobuf_c_boolean);
  case PROTOBUF_C_TYPE_STRING:
    return sizeof(char *);
  case PROTOBUF_C_TYPE_BYTES:
    return sizeof(ProtobufCBinaryData);
  case PROTOBUF_C_TYPE_MESSAGE:
    return sizeof(ProtobufCMessage *);
  default:
    return 4; /* int32, sint32, sfixed32, uint32, fixed32, enum */
  }
}

int slp_utf8_valid(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t k;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      k = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      k = 2;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      k = 3;
      cp = c & 0x07;
    } else {
      return 0;
    }
    if (n - i <= k)
      return 0;
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xc0) != 0x80)
        return 0;
      cp = cp << 6 | (s[i + j] & 0x3f);
    }
    if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return 0;
    i += k + 1;
  }
  return 1;
}

/* ---- output -------------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static json_t *bytes_to_json(const ProtobufCBinaryData *bd) {
  size_t n = (bd->len + 2) / 3 * 4;
  char *s = malloc(n + 1);
  if (!s)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; i < bd->len; i += 3) {
    uint32_t v = (uint32_t)bd->data[i] << 16;
    if (i + 1 < bd->len)
      v |= (uint32_t)bd->data[i + 1] << 8;
    if (i + 2 < bd->len)
      v |= bd->data[i + 2];
    s[o++] = b64[v >> 18 & 63];
    s[o++] = b64[v >> 12 & 63];
    s[o++] = i + 1 < bd->len ? b64[v >> 6 & 63] : '=';
    s[o++] = i + 2 < bd->len ? b64[v & 63] : '=';
  }
  json_t *j = json_stringn(s, o);
  free(s);
  return j;
}

/* A JSON string for s; invalid UTF-8 bytes become U+FFFD so output stays JSON. */
static json_t *string_to_json(const char *s) {
  if (!s)
    s = "";
  size_t n = strlen(s);
  if (slp_utf8_valid(s, n))
    return json_stringn(s, n);
  char *fixed = malloc(n * 3 + 1);
  if (!fixed)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    size_t k = 1;
    while (k <= 4 && i + k <= n && !slp_utf8_valid(s + i, k))
      k++;
    if (k <= 4 && i + k <= n && ((unsigned char)s[i] >= 0xc2 || (unsigned char)s[i] < 0x80)) {
      memcpy(fixed + o, s + i, k);
      o += k;
      i += k;
    } else {
      memcpy(fixed + o, "\xef\xbf\xbd", 3);
      o += 3;
      i++;
    }
  }
  json_t *j = json_stringn(fixed, o);
  free(fixed);
  return j;
}

static json_t *float_to_json(double d) {
  if (isnan(d))
    return json_string("NaN");
  if (isinf(d))
    return json_string(d > 0 ? "Infinity" : "-Infinity");
  return json_real(d);
}

static json_t *value_to_json(const ProtobufCFieldDescriptor *f, const void *p) {
  char buf[32];
  switch (f->type) {
  case PROTOBUF_C_TYPE_INT32:
  case PROTOBUF_C_TYPE_SINT32:
  case PROTOBUF_C_TYPE_SFIXED32:
    return json_integer(*(const int32_t *)p);
  case PROTOBUF_C_TYPE_UINT32:
  case PROTOBUF_C_TYPE_FIXED32:
    return json_integer(*(const uint32_t *)p);
  case PROTOBUF_C_TYPE_INT64:
  case PROTOBUF_C_TYPE_SINT64:
  case PROTOBUF_C_TYPE_SFIXED64:
    snprintf(buf, sizeof buf, "%" PRId64, *(const int64_t *)p);
    return json_string(buf);
  case PROTOBUF_C_TYPE_UINT64:
  case PROTOBUF_C_TYPE_FIXED64:
    snprintf(buf, sizeof buf, "%" PRIu64, *(const uint64_t *)p);
    return json_string(buf);
  case PROTOBUF_C_TYPE_FLOAT:
    return float_to_json(*(const float *)p);
  case PROTOBUF_C_TYPE_DOUBLE:
    return float_to_json(*(const double *)p);
  case PROTOBUF_C_TYPE_BOOL:
    return json_boolean(*(const protobuf_c_boolean *)p);
  case PROTOBUF_C_TYPE_ENUM: {
    int v = *(const int *)p;
    const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(f->descriptor, v);
    return ev ? json_string(ev->name) : json_integer(v);
  }
  case PROTOBUF_C_TYPE_STRING:
    return string_to_json(*(char *const *)p);
  case PROTOBUF_C_TYPE_BYTES:
    return bytes_to_json(p);
  case PROTOBUF_C_TYPE_MESSAGE: {
    const ProtobufCMessage *m = *(ProtobufCMessage *const *)p;
    return m ? slp_pbjson_from_message(m) : json_null();
  }
  }
  return NULL;
}

static bool is_zero(const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++)
    if (b[i])
      return false;
  return true;
}

/* Whether a singular field is present in the proto3 JSON sense. */
static bool field_present(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                          const void *member) {
  const char *base = (const char *)msg;
  if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
    return *(const uint32_t *)(base + f->quantifier_offset) == f->id;
  switch (f->type) {
  case PROTOBUF_C_TYPE_STRING: {
    const char *s = *(char *const *)member;
    if (f->label == PROTOBUF_C_LABEL_NONE)
      return s && s[0];
    return s != NULL && (f->label == PROTOBUF_C_LABEL_REQUIRED || s != f->default_value);
  }
  case PROTOBUF_C_TYPE_MESSAGE:
    return *(ProtobufCMessage *const *)member != NULL;
  case PROTOBUF_C_TYPE_BYTES:
    if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset)
      return *(const protobuf_c_boolean *)(base + f->quantifier_offset);
    return f->label == PROTOBUF_C_LABEL_REQUIRED || ((const ProtobufCBinaryData *)member)->len > 0;
  default:
    if (f->label == PROTOBUF_C_LABEL_REQUIRED)
      return true;
    if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset)
      return *(const protobuf_c_boolean *)(base + f->quantifier_offset);
    return !is_zero(member, elem_size(f->type));
  }
}

json_t *slp_pbjson_from_message(const ProtobufCMessage *msg) {
  const ProtobufCMessageDescriptor *desc = msg->descriptor;
  json_t *obj = json_object();
  if (!obj)
    return NULL;
  for (unsigned i = 0; i < desc->n_fields; i++) {
    const ProtobufCFieldDescriptor *f = &desc->fields[i];
    const char *member = (const char *)msg + f->offset;
    char name[NAME_LEN];
    json_t *v;
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *(const size_t *)((const char *)msg + f->quantifier_offset);
      if (n == 0)
        continue;
      const char *arr = *(char *const *)member;
      size_t es = elem_size(f->type);
      v = json_array();
      for (size_t k = 0; v && k < n; k++) {
        if (json_array_append_new(v, value_to_json(f, arr + k * es)) < 0) {
          json_decref(v);
          v = NULL;
        }
      }
    } else {
      if (!field_present(msg, f, member))
        continue;
      v = value_to_json(f, member);
    }
    slp_pbjson_field_name(f->name, name, sizeof name);
    if (!v || json_object_set_new(obj, name, v) < 0) {
      json_decref(obj);
      return NULL;
    }
  }
  return obj;
}

/* ---- input ----------------------------------------------------------------- */

typedef struct json_in {
  slp_arena_t *arena;
  char *err;
  size_t errlen;
} json_in_t;

static int fail(json_in_t *in, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(json_in_t *in, const char *path, const char *fmt, ...) {
  char what[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  snprintf(in->err, in->errlen, "field \"%s\": %s", path, what);
  return -1;
}

static const char *json_kind(const json_t *j) {
  switch (json_typeof(j)) {
  case JSON_OBJECT:
    return "an object";
  case JSON_ARRAY:
    return "an array";
  case JSON_STRING:
    return "a string";
  case JSON_INTEGER:
  case JSON_REAL:
    return "a number";
  case JSON_TRUE:
  case JSON_FALSE:
    return "a boolean";
  case JSON_NULL:
    return "null";
  }
  return "?";
}

/* An integer from a JSON number or string, checked against [min, max]
 * (signed) or [0, umax] (is_unsigned). tname is the proto type, for messages.
 * Messages name the field and the expected type, never the value: a wrong-typed
 * value may well be a patient identifier pasted into the wrong field. */
static int json_to_integer(json_in_t *in, const char *path, const json_t *j, bool is_unsigned,
                           int64_t min, int64_t max, uint64_t umax, const char *tname,
                           uint64_t *out) {
  if (json_is_integer(j)) {
    json_int_t v = json_integer_value(j);
    if (is_unsigned ? (v < 0 || (uint64_t)v > umax) : (v < min || v > max))
      return fail(in, path, "expected an integer (%s), got a number out of its range", tname);
    *out = (uint64_t)v;
    return 0;
  }
  if (json_is_real(j)) {
    double d = json_real_value(j);
    if (d != floor(d))
      return fail(in, path, "expected an integer (%s), got a fractional number", tname);
    if (is_unsigned ? (d < 0 || d > (double)umax) : (d < (double)min || d > (double)max))
      return fail(in, path, "expected an integer (%s), got a number out of its range", tname);
    *out = is_unsigned ? (uint64_t)d : (uint64_t)(int64_t)d;
    return 0;
  }
  if (json_is_string(j)) {
    const char *s = json_string_value(j);
    char *end;
    errno = 0;
    if (!s[0] || isspace((unsigned char)s[0]))
      return fail(in, path, "expected an integer (%s), got a string that is not an integer", tname);
    if (is_unsigned) {
      if (s[0] == '-')
        return fail(in, path, "expected an integer (%s), got a negative number", tname);
      unsigned long long v = strtoull(s, &end, 10);
      if (*end)
        return fail(in, path, "expected an integer (%s), got a string that is not an integer",
                    tname);
      if (errno == ERANGE || v > umax)
        return fail(in, path, "expected an integer (%s), got a number out of its range", tname);
      *out = v;
    } else {
      long long v = strtoll(s, &end, 10);
      if (*end)
        return fail(in, path, "expected an integer (%s), got a string that is not an integer",
                    tname);
      if (errno == ERANGE || v < min || v > max)
        return fail(in, path, "expected an integer (%s), got a number out of its range", tname);
      *out = (uint64_t)v;
    }
    return 0;
  }
  return fail(in, path, "expected an integer (%s), got %s", tname, json_kind(j));
}

static int b64val(int c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+' || c == '-')
    return 62;
  if (c == '/' || c == '_')
    return 63;
  return -1;
}

static int json_to_bytes(json_in_t *in, const char *path, const json_t *j,
                         ProtobufCBinaryData *out) {
  if (!json_is_string(j))
    return fail(in, path, "expected a base64 string, got %s", json_kind(j));
  const char *s = json_string_value(j);
  size_t n = json_string_length(j);
  while (n && s[n - 1] == '=')
    n--;
  uint8_t *d = slp_arena_alloc(in->arena, n * 3 / 4 + 1);
  if (!d)
    return fail(in, path, "out of memory");
  size_t o = 0;
  uint32_t acc = 0;
  unsigned bits = 0;
  for (size_t i = 0; i < n; i++) {
    int v = b64val((unsigned char)s[i]);
    if (v < 0)
      return fail(in, path, "invalid base64 at character %zu", i);
    acc = acc << 6 | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      d[o++] = (uint8_t)(acc >> bits);
    }
  }
  out->data = d;
  out->len = o;
  return 0;
}

static int json_to_float(json_in_t *in, const char *path, const json_t *j, const char *tname,
                         double *out) {
  if (json_is_number(j)) {
    *out = json_number_value(j);
    return 0;
  }
  if (json_is_string(j)) {
    const char *s = json_string_value(j);
    if (!strcmp(s, "NaN"))
      *out = NAN;
    else if (!strcmp(s, "Infinity"))
      *out = INFINITY;
    else if (!strcmp(s, "-Infinity"))
      *out = -INFINITY;
    else {
      char *end;
      *out = strtod(s, &end);
      if (!s[0] || *end)
        return fail(in, path, "expected a number (%s), got a string that is not a number", tname);
    }
    return 0;
  }
  return fail(in, path, "expected a number (%s), got %s", tname, json_kind(j));
}

static int message_from_json(json_in_t *in, const ProtobufCMessageDescriptor *desc,
                             const json_t *obj, const char *path, int depth,
                             ProtobufCMessage **out);

/* Parse one value of field f from j into dst (one element). */
static int value_from_json(json_in_t *in, const ProtobufCFieldDescriptor *f, const json_t *j,
                           const char *path, int depth, void *dst) {
  uint64_t u;
  switch (f->type) {
  case PROTOBUF_C_TYPE_INT32:
  case PROTOBUF_C_TYPE_SINT32:
  case PROTOBUF_C_TYPE_SFIXED32:
    if (json_to_integer(in, path, j, false, INT32_MIN, INT32_MAX, 0, "int32", &u) < 0)
      return -1;
    *(int32_t *)dst = (int32_t)(int64_t)u;
    return 0;
  case PROTOBUF_C_TYPE_UINT32:
  case PROTOBUF_C_TYPE_FIXED32:
    if (json_to_integer(in, path, j, true, 0, 0, UINT32_MAX, "uint32", &u) < 0)
      return -1;
    *(uint32_t *)dst = (uint32_t)u;
    return 0;
  case PROTOBUF_C_TYPE_INT64:
  case PROTOBUF_C_TYPE_SINT64:
  case PROTOBUF_C_TYPE_SFIXED64:
    if (json_to_integer(in, path, j, false, INT64_MIN, INT64_MAX, 0, "int64", &u) < 0)
      return -1;
    *(int64_t *)dst = (int64_t)u;
    return 0;
  case PROTOBUF_C_TYPE_UINT64:
  case PROTOBUF_C_TYPE_FIXED64:
    if (json_to_integer(in, path, j, true, 0, 0, UINT64_MAX, "uint64", &u) < 0)
      return -1;
    *(uint64_t *)dst = u;
    return 0;
  case PROTOBUF_C_TYPE_FLOAT:
  case PROTOBUF_C_TYPE_DOUBLE: {
    double d = 0;
    if (json_to_float(in, path, j, f->type == PROTOBUF_C_TYPE_FLOAT ? "float" : "double", &d) < 0)
      return -1;
    if (f->type == PROTOBUF_C_TYPE_FLOAT)
      *(float *)dst = (float)d;
    else
      *(double *)dst = d;
    return 0;
  }
  case PROTOBUF_C_TYPE_BOOL:
    if (!json_is_boolean(j))
      return fail(in, path, "expected true or false (bool), got %s", json_kind(j));
    *(protobuf_c_boolean *)dst = json_is_true(j);
    return 0;
  case PROTOBUF_C_TYPE_ENUM: {
    const ProtobufCEnumDescriptor *ed = f->descriptor;
    if (json_is_string(j)) {
      const ProtobufCEnumValue *ev =
          protobuf_c_enum_descriptor_get_value_by_name(ed, json_string_value(j));
      if (!ev)
        return fail(in, path, "expected a %s name, got a name it does not have", ed->name);
      *(int *)dst = ev->value;
      return 0;
    }
    if (json_is_integer(j)) { /* proto3 enums are open: any int32 */
      if (json_to_integer(in, path, j, false, INT32_MIN, INT32_MAX, 0, ed->name, &u) < 0)
        return -1;
      *(int *)dst = (int)(int64_t)u;
      return 0;
    }
    return fail(in, path, "expected a %s name, got %s", ed->name, json_kind(j));
  }
  case PROTOBUF_C_TYPE_STRING: {
    if (!json_is_string(j))
      return fail(in, path, "expected a string, got %s", json_kind(j));
    size_t n = json_string_length(j);
    const char *s = json_string_value(j);
    if (memchr(s, '\0', n))
      return fail(in, path, "contains a NUL character");
    char *copy = slp_arena_strndup(in->arena, s, n);
    if (!copy)
      return fail(in, path, "out of memory");
    *(char **)dst = copy;
    return 0;
  }
  case PROTOBUF_C_TYPE_BYTES:
    return json_to_bytes(in, path, j, dst);
  case PROTOBUF_C_TYPE_MESSAGE:
    return message_from_json(in, f->descriptor, j, path, depth + 1, dst);
  }
  return fail(in, path, "unsupported field type");
}

static const ProtobufCFieldDescriptor *find_field(const ProtobufCMessageDescriptor *desc,
                                                  const char *key) {
  for (unsigned i = 0; i < desc->n_fields; i++) {
    const ProtobufCFieldDescriptor *f = &desc->fields[i];
    if (!strcmp(f->name, key))
      return f;
    char name[NAME_LEN];
    slp_pbjson_field_name(f->name, name, sizeof name);
    if (!strcmp(name, key))
      return f;
  }
  return NULL;
}

static int message_from_json(json_in_t *in, const ProtobufCMessageDescriptor *desc,
                             const json_t *obj, const char *path, int depth,
                             ProtobufCMessage **out) {
  if (depth > 32)
    return fail(in, path, "nested too deeply");
  if (!json_is_object(obj)) {
    if (!path[0]) {
      snprintf(in->err, in->errlen, "expected a JSON object for %s, got %s", desc->name,
               json_kind(obj));
      return -1;
    }
    return fail(in, path, "expected an object, got %s", json_kind(obj));
  }
  ProtobufCMessage *msg = slp_arena_alloc(in->arena, desc->sizeof_message);
  if (!msg)
    return fail(in, path, "out of memory");
  desc->message_init(msg);
  uint64_t seen = 0; /* bit per field index (first 64) */

  const char *key;
  json_t *val;
  json_object_foreach((json_t *)obj, key, val) {
    char sub[PATH_LEN];
    snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", key);
    const ProtobufCFieldDescriptor *f = find_field(desc, key);
    if (!f)
      return fail(in, sub, "no such field in %s", desc->name);
    unsigned fi = (unsigned)(f - desc->fields);
    if (fi < 64) {
      if (seen & (UINT64_C(1) << fi))
        return fail(in, sub, "given twice (as \"%s\" and its other name)", f->name);
      seen |= UINT64_C(1) << fi;
    }
    if (json_is_null(val))
      continue; /* null: the default */
    char *member = (char *)msg + f->offset;
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
      if (!json_is_array(val))
        return fail(in, sub, "expected an array, got %s", json_kind(val));
      size_t n = json_array_size(val);
      size_t es = elem_size(f->type);
      char *arr = n ? slp_arena_alloc(in->arena, n * es) : NULL;
      if (n && !arr)
        return fail(in, sub, "out of memory");
      for (size_t k = 0; k < n; k++) {
        char el[PATH_LEN + 32];
        snprintf(el, sizeof el, "%s[%zu]", sub, k);
        const json_t *item = json_array_get(val, k);
        if (json_is_null(item))
          return fail(in, el, "null is not allowed in a list");
        if (value_from_json(in, f, item, el, depth, arr + k * es) < 0)
          return -1;
      }
      *(size_t *)((char *)msg + f->quantifier_offset) = n;
      *(char **)member = arr;
      continue;
    }
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      uint32_t *which = (uint32_t *)((char *)msg + f->quantifier_offset);
      if (*which && *which != f->id)
        return fail(in, sub, "another member of its oneof is already set");
      *which = f->id;
    } else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset &&
               f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE) {
      *(protobuf_c_boolean *)((char *)msg + f->quantifier_offset) = 1;
    }
    if (value_from_json(in, f, val, sub, depth, member) < 0)
      return -1;
  }
  *out = msg;
  return 0;
}

int slp_pbjson_to_message(const ProtobufCMessageDescriptor *desc, const json_t *obj,
                          slp_arena_t *arena, ProtobufCMessage **out, char *err, size_t errlen) {
  json_in_t in = {arena, err, errlen};
  *out = NULL;
  return message_from_json(&in, desc, obj, "", 0, out);
}
