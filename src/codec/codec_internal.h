/* SPDX-License-Identifier: Apache-2.0 */
/* codec_internal.h -- state shared by the codec's files (not installed). */
#ifndef SLPCODER_CODEC_INTERNAL_H
#define SLPCODER_CODEC_INTERNAL_H

#include <stddef.h>

#include "codec/arena.h"
#include "slpcoder/codec.h"
#include "slpcoder/v1/claim.pb-c.h"
#include "slpcoder/v1/session.pb-c.h"

struct slp_decoder {
  slp_arena_t arena;                 /* every message and string of the last decode */
  Slpcoder__V1__SessionEvent *event; /* last decoded message, in the arena */
  slp_activity_t *activities;        /* converted activities, owned (malloc) */
  size_t activities_cap;
};

/* Point *session at the fields of ev (borrowing); activities go into dec's array.
 * Returns 0 or -ENOMEM. */
int slp_codec_session_from_event(slp_decoder_t *dec, const Slpcoder__V1__SessionEvent *ev,
                                 slp_session_t *session, char *err, size_t errlen);

/* Explain why protobuf-c refused buf: a walk of the wire format against the
 * descriptor that names the field and byte offset of the first problem.
 * Always writes err (falls back to "protobuf: invalid wire data"). */
void slp_codec_explain_wire(const ProtobufCMessageDescriptor *desc, const uint8_t *buf, size_t len,
                            size_t base, char *err, size_t errlen);

#endif
