/* SPDX-License-Identifier: Apache-2.0 */
/* pbjson.h -- proto3 canonical JSON for any protobuf-c message, by reflection.
 *
 * Output: lowerCamelCase names, field-number order, enums by name (number when
 * unknown), 64-bit integers as strings, default values omitted, oneof members
 * only when set. Input: lowerCamelCase or original names, enums by name or
 * number, integers as numbers or strings, null as the default; an unknown
 * field or a wrong type is an error naming the field path.
 */
#ifndef SLPCODER_CODEC_PBJSON_H
#define SLPCODER_CODEC_PBJSON_H

#include <stddef.h>

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

#include "codec/arena.h"

/* The proto3 JSON name of a field: underscores dropped, the following letter
 * upper-cased ("date_of_service" -> "dateOfService"). */
void slp_pbjson_field_name(const char *proto_name, char *buf, size_t len);

/* A new JSON object for msg (a new reference), or NULL when out of memory. */
json_t *slp_pbjson_from_message(const ProtobufCMessage *msg);

/* Build a message of type desc from a JSON object, allocating from arena.
 * Returns 0 and *out, or -1 with err naming the field, e.g.
 * field "activities[0].minutes": expected a number. */
int slp_pbjson_to_message(const ProtobufCMessageDescriptor *desc, const json_t *obj,
                          slp_arena_t *arena, ProtobufCMessage **out, char *err, size_t errlen);

/* True when the NUL-terminated s is valid UTF-8. */
int slp_utf8_valid(const char *s, size_t n);

#endif
