/* SPDX-License-Identifier: Apache-2.0 */
/* offsets.c -- per-partition in-order completion tracker: a ring of slots. */
#include "io/offsets.h"

#include <errno.h>
#include <stdlib.h>

int slp_offsets_init(slp_offsets_t *o, size_t cap) {
  *o = (slp_offsets_t){.cap = cap, .last_tracked = -1, .committable = -1};
  o->slots = calloc(cap ? cap : 1, sizeof *o->slots);
  return o->slots ? 0 : -ENOMEM;
}

void slp_offsets_free(slp_offsets_t *o) {
  free(o->slots);
  o->slots = NULL;
}

int slp_offsets_track(slp_offsets_t *o, int64_t offset, uint64_t *ticket) {
  if (offset < 0 || offset <= o->last_tracked)
    return -EINVAL;
  if (o->tail - o->head >= o->cap)
    return -ENOSPC;
  slp_offsets_slot_t *s = &o->slots[o->tail % o->cap];
  s->offset = offset;
  s->done = false;
  o->last_tracked = offset;
  *ticket = o->tail++;
  return 0;
}

int slp_offsets_complete(slp_offsets_t *o, uint64_t ticket) {
  if (ticket < o->head || ticket >= o->tail)
    return -ESTALE;
  slp_offsets_slot_t *s = &o->slots[ticket % o->cap];
  if (s->done)
    return -ESTALE;
  s->done = true;
  /* Retire the contiguous completed prefix. */
  while (o->head < o->tail && o->slots[o->head % o->cap].done) {
    o->committable = o->slots[o->head % o->cap].offset + 1;
    o->dirty = true;
    o->head++;
  }
  return 0;
}

size_t slp_offsets_in_flight(const slp_offsets_t *o) {
  return (size_t)(o->tail - o->head);
}

bool slp_offsets_take(slp_offsets_t *o, int64_t *offset) {
  if (!o->dirty)
    return false;
  o->dirty = false;
  *offset = o->committable;
  return true;
}

int64_t slp_offsets_committable(const slp_offsets_t *o) {
  return o->committable;
}

void slp_offsets_reset(slp_offsets_t *o) {
  o->head = o->tail;
  o->last_tracked = -1;
  o->committable = -1;
  o->dirty = false;
}
