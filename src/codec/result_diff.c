/* SPDX-License-Identifier: Apache-2.0 */
/* result_diff.c -- two CodingResults compared field by field through protobuf-c's descriptors.
 *
 * Written by hand because protobuf-c has no message comparison (only pack and
 * unpack); the reflection it does offer (field descriptors with offsets) is
 * enough to walk any message, so nothing here names a field of claim.proto
 * except the two key fields repeated messages are matched by.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "codec/codec_internal.h"
#include "slpcoder/diff.h"

#define PATH_LEN 256
#define VALUE_LEN 64

typedef struct walk {
  slp_field_change_cb cb;
  void *opaque;
  int n; /* differences so far */
} walk_t;

/* Fields that identify an element of a repeated message (first match wins). */
static const char *const key_fields[] = {"procedure_code", "rule_id"};

static void emit(walk_t *w, const char *path, const char *field, const char *before,
                 const char *after) {
  slp_field_change_t ch = {.path = path, .field = field, .before = before, .after = after};
  w->n++;
  if (w->cb)
    w->cb(w->opaque, &ch);
}

/* The address of field f in message m, or NULL when m is absent. */
static const void *field_ptr(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f) {
  return m ? (const char *)m + f->offset : NULL;
}

/* Is the (singular) field f set in m? proto3 plain fields are always "set" (defaults compare
 * equal to absent); a oneof member only when it is the active case. */
static bool field_present(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f) {
  if (!m)
    return false;
  if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
    return *(const uint32_t *)((const char *)m + f->quantifier_offset) == f->id;
  if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset &&
      f->type != PROTOBUF_C_TYPE_MESSAGE && f->type != PROTOBUF_C_TYPE_STRING)
    return *(const protobuf_c_boolean *)((const char *)m + f->quantifier_offset) != 0;
  return true;
}

static size_t scalar_size(ProtobufCType t) {
  switch (t) {
  case PROTOBUF_C_TYPE_INT32:
  case PROTOBUF_C_TYPE_SINT32:
  case PROTOBUF_C_TYPE_SFIXED32:
  case PROTOBUF_C_TYPE_UINT32:
  case PROTOBUF_C_TYPE_FIXED32:
  case PROTOBUF_C_TYPE_ENUM:
    return 4;
  case PROTOBUF_C_TYPE_FLOAT:
    return sizeof(float);
  case PROTOBUF_C_TYPE_BOOL:
    return sizeof(protobuf_c_boolean);
  case PROTOBUF_C_TYPE_STRING:
  case PROTOBUF_C_TYPE_MESSAGE:
    return sizeof(void *);
  case PROTOBUF_C_TYPE_BYTES:
    return sizeof(ProtobufCBinaryData);
  default:
    return 8;
  }
}

/* The text of one scalar at p (NULL p: the field's proto3 default). Strings are returned as
 * they are; everything else is formatted into buf. */
static const char *scalar_text(const ProtobufCFieldDescriptor *f, const void *p, char *buf,
                               size_t len) {
  static const uint64_t zero[2];
  if (!p)
    p = zero;
  switch (f->type) {
  case PROTOBUF_C_TYPE_INT32:
  case PROTOBUF_C_TYPE_SINT32:
  case PROTOBUF_C_TYPE_SFIXED32:
    snprintf(buf, len, "%" PRId32, *(const int32_t *)p);
    break;
  case PROTOBUF_C_TYPE_UINT32:
  case PROTOBUF_C_TYPE_FIXED32:
    snprintf(buf, len, "%" PRIu32, *(const uint32_t *)p);
    break;
  case PROTOBUF_C_TYPE_INT64:
  case PROTOBUF_C_TYPE_SINT64:
  case PROTOBUF_C_TYPE_SFIXED64:
    snprintf(buf, len, "%" PRId64, *(const int64_t *)p);
    break;
  case PROTOBUF_C_TYPE_UINT64:
  case PROTOBUF_C_TYPE_FIXED64:
    snprintf(buf, len, "%" PRIu64, *(const uint64_t *)p);
    break;
  case PROTOBUF_C_TYPE_FLOAT:
    snprintf(buf, len, "%.9g", (double)*(const float *)p);
    break;
  case PROTOBUF_C_TYPE_DOUBLE:
    snprintf(buf, len, "%.17g", *(const double *)p);
    break;
  case PROTOBUF_C_TYPE_BOOL:
    snprintf(buf, len, "%s", *(const protobuf_c_boolean *)p ? "true" : "false");
    break;
  case PROTOBUF_C_TYPE_ENUM: {
    int32_t v = *(const int32_t *)p;
    const ProtobufCEnumValue *ev =
        protobuf_c_enum_descriptor_get_value((const ProtobufCEnumDescriptor *)f->descriptor, v);
    if (ev)
      snprintf(buf, len, "%s", ev->name);
    else
      snprintf(buf, len, "%" PRId32, v);
    break;
  }
  case PROTOBUF_C_TYPE_STRING: {
    const char *s = *(const char *const *)p;
    return s ? s : "";
  }
  case PROTOBUF_C_TYPE_BYTES: {
    const ProtobufCBinaryData *b = p;
    snprintf(buf, len, "<%zu bytes>", b->len);
    break;
  }
  default:
    snprintf(buf, len, "?");
  }
  return buf;
}

static bool scalar_equal(const ProtobufCFieldDescriptor *f, const void *a, const void *b) {
  char ba[VALUE_LEN], bb[VALUE_LEN];
  if (f->type == PROTOBUF_C_TYPE_BYTES) {
    static const ProtobufCBinaryData none;
    const ProtobufCBinaryData *x = a ? a : &none, *y = b ? b : &none;
    return x->len == y->len && (x->len == 0 || memcmp(x->data, y->data, x->len) == 0);
  }
  return strcmp(scalar_text(f, a, ba, sizeof ba), scalar_text(f, b, bb, sizeof bb)) == 0;
}

static void walk_message(walk_t *w, const ProtobufCMessageDescriptor *d, const ProtobufCMessage *a,
                         const ProtobufCMessage *b, char *path, size_t plen);

/* "prefix.name" (or "name" at the top) into path, truncated to fit; returns the old length. */
static size_t path_push(char *path, const char *name) {
  size_t old = strlen(path);
  snprintf(path + old, PATH_LEN - old, "%s%s", old ? "." : "", name);
  return old;
}

/* The key field of a message type, or NULL to match elements by position. */
static const ProtobufCFieldDescriptor *key_field(const ProtobufCMessageDescriptor *d) {
  for (size_t k = 0; k < sizeof key_fields / sizeof key_fields[0]; k++) {
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, key_fields[k]);
    if (f && f->type == PROTOBUF_C_TYPE_STRING && f->label != PROTOBUF_C_LABEL_REPEATED)
      return f;
  }
  return NULL;
}

static const char *key_of(const ProtobufCFieldDescriptor *kf, const ProtobufCMessage *m) {
  const char *s = *(const char *const *)((const char *)m + kf->offset);
  return s ? s : "";
}

static void walk_repeated_messages(walk_t *w, const ProtobufCFieldDescriptor *f,
                                   ProtobufCMessage *const *ea, size_t na,
                                   ProtobufCMessage *const *eb, size_t nb, char *path) {
  const ProtobufCMessageDescriptor *d = f->descriptor;
  const ProtobufCFieldDescriptor *kf = key_field(d);
  char idx[24];
  if (!kf) {
    size_t n = na > nb ? na : nb;
    for (size_t i = 0; i < n; i++) {
      snprintf(idx, sizeof idx, "%zu", i);
      size_t old = strlen(path);
      snprintf(path + old, PATH_LEN - old, "%s%s[%s]", old ? "." : "", f->name, idx);
      if (i >= na)
        emit(w, path, f->name, NULL, idx);
      else if (i >= nb)
        emit(w, path, f->name, idx, NULL);
      else
        walk_message(w, d, ea[i], eb[i], path, PATH_LEN);
      path[old] = '\0';
    }
    return;
  }
  /* Keyed: the k-th element with a key in a pairs with the k-th with that key in b. Lists are
   * short (at most SLP_MAX_LINES or SLP_MAX_FINDINGS), so quadratic matching is fine. */
  bool used_b[SLP_MAX_FINDINGS > SLP_MAX_LINES ? SLP_MAX_FINDINGS * 2 : SLP_MAX_LINES * 2] = {0};
  const size_t cap_b = sizeof used_b / sizeof used_b[0];
  for (size_t i = 0; i < na; i++) {
    const char *k = key_of(kf, ea[i]);
    size_t j = 0;
    for (; j < nb && j < cap_b; j++)
      if (!used_b[j] && strcmp(key_of(kf, eb[j]), k) == 0)
        break;
    size_t old = strlen(path);
    snprintf(path + old, PATH_LEN - old, "%s%s[%s]", old ? "." : "", f->name, k);
    if (j < nb && j < cap_b) {
      used_b[j] = true;
      walk_message(w, d, ea[i], eb[j], path, PATH_LEN);
    } else {
      emit(w, path, f->name, k, NULL);
    }
    path[old] = '\0';
  }
  for (size_t j = 0; j < nb; j++) {
    if (j < cap_b && used_b[j])
      continue;
    const char *k = key_of(kf, eb[j]);
    size_t old = strlen(path);
    snprintf(path + old, PATH_LEN - old, "%s%s[%s]", old ? "." : "", f->name, k);
    emit(w, path, f->name, NULL, k);
    path[old] = '\0';
  }
}

/* Repeated scalars as multisets: each element of a missing from b is removed, each element of
 * b missing from a added; equal multisets in another order are one change of the whole list. */
static void walk_repeated_scalars(walk_t *w, const ProtobufCFieldDescriptor *f, const char *pa,
                                  size_t na, const char *pb, size_t nb, char *path) {
  const size_t sz = scalar_size(f->type);
  bool used[64] = {0};
  bool changed = false;
  size_t old = path_push(path, f->name);
  for (size_t i = 0; i < na; i++) {
    size_t j = 0;
    for (; j < nb && j < 64; j++)
      if (!used[j] && scalar_equal(f, pa + i * sz, pb + j * sz))
        break;
    if (j < nb && j < 64) {
      used[j] = true;
      continue;
    }
    char buf[VALUE_LEN];
    emit(w, path, f->name, scalar_text(f, pa + i * sz, buf, sizeof buf), NULL);
    changed = true;
  }
  for (size_t j = 0; j < nb; j++) {
    if (j < 64 && used[j])
      continue;
    char buf[VALUE_LEN];
    emit(w, path, f->name, NULL, scalar_text(f, pb + j * sz, buf, sizeof buf));
    changed = true;
  }
  if (!changed && na == nb) {
    for (size_t i = 0; i < na; i++) {
      if (!scalar_equal(f, pa + i * sz, pb + i * sz)) {
        emit(w, path, f->name, "order", "order");
        break;
      }
    }
  }
  path[old] = '\0';
}

static void walk_message(walk_t *w, const ProtobufCMessageDescriptor *d, const ProtobufCMessage *a,
                         const ProtobufCMessage *b, char *path, size_t plen) {
  (void)plen;
  for (unsigned i = 0; i < d->n_fields; i++) {
    const ProtobufCFieldDescriptor *f = &d->fields[i];
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
      size_t na = a ? *(const size_t *)((const char *)a + f->quantifier_offset) : 0;
      size_t nb = b ? *(const size_t *)((const char *)b + f->quantifier_offset) : 0;
      const void *va = na ? *(void *const *)field_ptr(a, f) : NULL;
      const void *vb = nb ? *(void *const *)field_ptr(b, f) : NULL;
      if (f->type == PROTOBUF_C_TYPE_MESSAGE)
        walk_repeated_messages(w, f, va, na, vb, nb, path);
      else
        walk_repeated_scalars(w, f, va, na, vb, nb, path);
      continue;
    }
    bool ha = field_present(a, f), hb = field_present(b, f);
    if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
      const ProtobufCMessage *ma = ha ? *(ProtobufCMessage *const *)field_ptr(a, f) : NULL;
      const ProtobufCMessage *mb = hb ? *(ProtobufCMessage *const *)field_ptr(b, f) : NULL;
      if (!ma && !mb)
        continue;
      size_t old = path_push(path, f->name);
      if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF && (!ma || !mb))
        emit(w, path, f->name, ma ? "present" : NULL, mb ? "present" : NULL);
      else
        walk_message(w, f->descriptor, ma, mb, path, PATH_LEN);
      path[old] = '\0';
      continue;
    }
    const void *pa = ha ? field_ptr(a, f) : NULL, *pb = hb ? field_ptr(b, f) : NULL;
    if (scalar_equal(f, pa, pb))
      continue;
    char ba[VALUE_LEN], bb[VALUE_LEN];
    size_t old = path_push(path, f->name);
    emit(w, path, f->name, scalar_text(f, pa, ba, sizeof ba), scalar_text(f, pb, bb, sizeof bb));
    path[old] = '\0';
  }
}

int slp_coding_result_compare(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                              slp_field_change_cb cb, void *opaque) {
  ProtobufCMessage *ma = protobuf_c_message_unpack(&slpcoder__v1__coding_result__descriptor, NULL,
                                                   alen, a);
  if (!ma)
    return -EBADMSG;
  ProtobufCMessage *mb = protobuf_c_message_unpack(&slpcoder__v1__coding_result__descriptor, NULL,
                                                   blen, b);
  if (!mb) {
    protobuf_c_message_free_unpacked(ma, NULL);
    return -EBADMSG;
  }
  walk_t w = {.cb = cb, .opaque = opaque};
  char path[PATH_LEN] = "";
  walk_message(&w, &slpcoder__v1__coding_result__descriptor, ma, mb, path, sizeof path);
  protobuf_c_message_free_unpacked(ma, NULL);
  protobuf_c_message_free_unpacked(mb, NULL);
  return w.n;
}
