/* SPDX-License-Identifier: Apache-2.0 */
/* json_session.c -- a SessionEvent from its proto3 JSON mapping. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "codec/codec_internal.h"
#include "codec/pbjson.h"

/* Error text quotes the input (keys, values): keep it one printable line. */
static int one_line(char *err, int rc) {
  for (unsigned char *p = (unsigned char *)err; *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      *p = '?';
  return rc;
}

int slp_decode_session_json(slp_decoder_t *dec, const char *text, size_t len,
                            slp_session_t *session, char *err, size_t errlen) {
  memset(session, 0, sizeof *session);
  if (errlen)
    err[0] = '\0';
  dec->event = NULL;
  slp_arena_reset(&dec->arena);

  json_error_t jerr;
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
  if (!root) {
    /* jansson ends most messages with " near '<the offending token>'": cut that off, the
     * token may be a patient identifier; line and column say where. */
    char *near = strstr(jerr.text, " near '");
    if (near)
      *near = '\0';
    snprintf(err, errlen, "JSON: line %d column %d: %s", jerr.line, jerr.column, jerr.text);
    return one_line(err, -EBADMSG);
  }
  ProtobufCMessage *msg;
  int rc = slp_pbjson_to_message(&slpcoder__v1__session_event__descriptor, root, &dec->arena, &msg,
                                 err, errlen);
  json_decref(root);
  if (rc < 0)
    return one_line(err, -EBADMSG);
  dec->event = (Slpcoder__V1__SessionEvent *)msg;
  rc = slp_codec_session_from_event(dec, dec->event, session, err, errlen);
  if (rc < 0)
    memset(session, 0, sizeof *session);
  return rc;
}
