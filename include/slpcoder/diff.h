/* SPDX-License-Identifier: Apache-2.0 */
/* diff.h -- structural comparison of two packed CodingResult messages (for `slpcoder diff`).
 *
 * The walk is driven by the protobuf descriptor, not by a list of fields: a field
 * added to claim.proto (a per-line allowed amount, a new modifier) is compared
 * without a change here. Repeated messages are matched by a key field when the
 * element has one (ClaimLine by procedure_code, Finding by rule_id), else by
 * position; repeated scalars are compared as multisets (an element added or
 * removed), then by order.
 *
 * Thread safety: no state; any thread.
 */
#ifndef SLPCODER_DIFF_H
#define SLPCODER_DIFF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct slp_field_change {
  const char *path;   /* e.g. "claim.lines[92507].modifiers" */
  const char *field;  /* the last field's name, e.g. "modifiers" ("lines" for a line added) */
  const char *before; /* the value as text; NULL: the element is absent before (added) */
  const char *after;  /* NULL: the element is absent after (removed) */
} slp_field_change_t;

/* Called once per difference, in field-number order; the strings live for the call only. */
typedef void (*slp_field_change_cb)(void *opaque, const slp_field_change_t *change);

/* Compare two packed CodingResult messages. Returns the number of differences
 * (0 = structurally equal), or -EBADMSG when either buffer is not a
 * CodingResult, -ENOMEM when unpacking runs out of memory. */
int slp_coding_result_compare(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                              slp_field_change_cb cb, void *opaque);

#ifdef __cplusplus
}
#endif

#endif /* SLPCODER_DIFF_H */
