/* SPDX-License-Identifier: Apache-2.0 */
/* wire.c -- explain a protobuf decode failure: which field, which byte, what is wrong.
 *
 * protobuf-c's unpack only says "no". This walks the wire format against the
 * message descriptor (recursing into known submessages) and reports the first
 * problem. It runs only after unpack failed, so it favours clarity over speed.
 */
#include <stdio.h>
#include <string.h>

#include "codec/codec_internal.h"

#define PATH_LEN 192

typedef struct wire_walk {
  const uint8_t *buf; /* the whole payload */
  size_t base;        /* offset of buf within the caller's input (framing) */
  char *err;
  size_t errlen;
} wire_walk_t;

/* 0 and *v, or -1 when the varint is truncated (or longer than 10 bytes). */
static int read_varint(const uint8_t *buf, size_t end, size_t *pos, uint64_t *v) {
  uint64_t out = 0;
  for (unsigned shift = 0; shift < 70; shift += 7) {
    if (*pos >= end)
      return -1;
    uint8_t b = buf[(*pos)++];
    out |= (uint64_t)(b & 0x7f) << (shift < 64 ? shift : 63);
    if (!(b & 0x80)) {
      *v = out;
      return 0;
    }
  }
  return -1;
}

static const char *type_name(ProtobufCType t) {
  static const char *const names[] = {
      "int32",   "sint32", "sfixed32", "int64", "sint64", "sfixed64", "uint32", "fixed32", "uint64",
      "fixed64", "float",  "double",   "bool",  "enum",   "string",   "bytes",  "message"};
  return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

static int wire_type_of(ProtobufCType t) {
  switch (t) {
  case PROTOBUF_C_TYPE_SFIXED32:
  case PROTOBUF_C_TYPE_FIXED32:
  case PROTOBUF_C_TYPE_FLOAT:
    return 5;
  case PROTOBUF_C_TYPE_SFIXED64:
  case PROTOBUF_C_TYPE_FIXED64:
  case PROTOBUF_C_TYPE_DOUBLE:
    return 1;
  case PROTOBUF_C_TYPE_STRING:
  case PROTOBUF_C_TYPE_BYTES:
  case PROTOBUF_C_TYPE_MESSAGE:
    return 2;
  default:
    return 0;
  }
}

static int walk(wire_walk_t *w, const ProtobufCMessageDescriptor *desc, size_t start, size_t end,
                const char *prefix, int depth) {
  unsigned counts[64] = {0}; /* occurrences per field index, for "activities[1]" */
  size_t pos = start;
  if (depth > 32) {
    snprintf(w->err, w->errlen, "protobuf: %s nested too deeply at byte %zu",
             prefix[0] ? prefix : "message", w->base + start);
    return -1;
  }
  while (pos < end) {
    size_t at = pos;
    uint64_t tag;
    if (read_varint(w->buf, end, &pos, &tag) < 0) {
      snprintf(w->err, w->errlen, "protobuf: truncated field tag at byte %zu%s%s", w->base + at,
               prefix[0] ? " in " : "", prefix);
      return -1;
    }
    uint64_t number = tag >> 3;
    int wt = (int)(tag & 7);
    if (number == 0 || number > 536870911u) {
      snprintf(w->err, w->errlen, "protobuf: invalid field number %llu at byte %zu%s%s",
               (unsigned long long)number, w->base + at, prefix[0] ? " in " : "", prefix);
      return -1;
    }
    const ProtobufCFieldDescriptor *f =
        desc ? protobuf_c_message_descriptor_get_field(desc, (unsigned)number) : NULL;
    char path[PATH_LEN];
    if (f) {
      unsigned fi = (unsigned)(f - desc->fields);
      if (f->label == PROTOBUF_C_LABEL_REPEATED && wire_type_of(f->type) == 2)
        snprintf(path, sizeof path, "%s%s%s[%u]", prefix, prefix[0] ? "." : "", f->name,
                 fi < 64 ? counts[fi]++ : 0);
      else
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", f->name);
    } else {
      snprintf(path, sizeof path, "%s%s#%llu", prefix, prefix[0] ? "." : "",
               (unsigned long long)number);
    }
    if (f) {
      int want = wire_type_of(f->type);
      bool packed_ok = f->label == PROTOBUF_C_LABEL_REPEATED && want != 2 && wt == 2;
      if (wt != want && !packed_ok) {
        snprintf(w->err, w->errlen,
                 "protobuf: field \"%s\" (%s) has wire type %d, expected %d, at byte %zu", path,
                 type_name(f->type), wt, want, w->base + at);
        return -1;
      }
    }
    uint64_t v;
    size_t vat = pos;
    switch (wt) {
    case 0:
      if (read_varint(w->buf, end, &pos, &v) < 0) {
        snprintf(w->err, w->errlen, "protobuf: field \"%s\": truncated varint at byte %zu", path,
                 w->base + vat);
        return -1;
      }
      break;
    case 1:
    case 5: {
      size_t n = wt == 1 ? 8 : 4;
      if (end - pos < n) {
        snprintf(w->err, w->errlen, "protobuf: field \"%s\": truncated %s at byte %zu", path,
                 wt == 1 ? "fixed64" : "fixed32", w->base + vat);
        return -1;
      }
      pos += n;
      break;
    }
    case 2:
      if (read_varint(w->buf, end, &pos, &v) < 0) {
        snprintf(w->err, w->errlen, "protobuf: field \"%s\": truncated length at byte %zu", path,
                 w->base + vat);
        return -1;
      }
      if (v > end - pos) {
        snprintf(
            w->err, w->errlen,
            "protobuf: field \"%s\": length %llu at byte %zu runs past the end (%zu bytes left)",
            path, (unsigned long long)v, w->base + vat, end - pos);
        return -1;
      }
      if (f && f->type == PROTOBUF_C_TYPE_MESSAGE) {
        if (walk(w, f->descriptor, pos, pos + (size_t)v, path, depth + 1) < 0)
          return -1;
      } else if (f && wire_type_of(f->type) != 2) { /* packed scalars */
        size_t p = pos, pend = pos + (size_t)v;
        while (p < pend) {
          size_t eat = p;
          uint64_t x;
          int ew = wire_type_of(f->type);
          if (ew == 0 ? read_varint(w->buf, pend, &p, &x) < 0 : (pend - p < (ew == 1 ? 8u : 4u))) {
            snprintf(w->err, w->errlen,
                     "protobuf: field \"%s\": truncated packed element at byte %zu", path,
                     w->base + eat);
            return -1;
          }
          if (ew != 0)
            p += ew == 1 ? 8 : 4;
        }
      }
      pos += (size_t)v;
      break;
    default:
      snprintf(w->err, w->errlen, "protobuf: field \"%s\": unsupported wire type %d at byte %zu",
               path, wt, w->base + at);
      return -1;
    }
  }
  return 0;
}

void slp_codec_explain_wire(const ProtobufCMessageDescriptor *desc, const uint8_t *buf, size_t len,
                            size_t base, char *err, size_t errlen) {
  wire_walk_t w = {buf, base, err, errlen};
  if (walk(&w, desc, 0, len, "", 0) == 0)
    snprintf(err, errlen, "protobuf: invalid wire data (%zu bytes at byte %zu)", len, base);
}
