/* SPDX-License-Identifier: Apache-2.0 */
/* offsets.h -- per-partition in-order completion tracker (pure, no Kafka).
 *
 * Inputs of one partition are tracked in the order they are consumed; each
 * gets a ticket. Outputs complete in any order; the committable offset is the
 * offset after the last input of the contiguous completed prefix. Offsets
 * need not be contiguous (transaction markers leave gaps): the tracker never
 * assumes offset+1 is the next record.
 *
 * Tickets are monotonic sequence numbers: after slp_offsets_reset() (a
 * partition lost or re-seeked), completions of older tickets are ignored.
 *
 * Thread: single-threaded (the loop thread).
 */
#ifndef SLPCODER_IO_OFFSETS_H
#define SLPCODER_IO_OFFSETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct slp_offsets_slot {
  int64_t offset;
  bool done;
} slp_offsets_slot_t;

typedef struct slp_offsets {
  slp_offsets_slot_t *slots; /* ring of cap slots, indexed by ticket % cap */
  size_t cap;
  uint64_t head;        /* ticket of the oldest tracked input */
  uint64_t tail;        /* next ticket to hand out */
  int64_t last_tracked; /* highest offset tracked (-1 none) */
  int64_t committable;  /* offset after the completed prefix, -1 none yet */
  bool dirty;           /* committable moved since slp_offsets_take() */
} slp_offsets_t;

/* Returns 0 or -ENOMEM. cap bounds inputs in flight on this partition. */
int slp_offsets_init(slp_offsets_t *o, size_t cap);
void slp_offsets_free(slp_offsets_t *o);

/* Track a consumed input. Returns 0 and *ticket, -ENOSPC when cap inputs are
 * in flight, -EINVAL when offset is not above the last tracked one. */
int slp_offsets_track(slp_offsets_t *o, int64_t offset, uint64_t *ticket);

/* Mark a ticket's input complete (all its outputs acknowledged). Returns 0,
 * or -ESTALE for a ticket from before a reset or already retired. */
int slp_offsets_complete(slp_offsets_t *o, uint64_t ticket);

/* Inputs tracked and not yet retired. */
size_t slp_offsets_in_flight(const slp_offsets_t *o);

/* If the committable offset moved since the last call, returns true and sets
 * *offset to it (the next offset to consume, i.e. last completed + 1). */
bool slp_offsets_take(slp_offsets_t *o, int64_t *offset);

/* Current committable offset (-1 when nothing completed since init/reset). */
int64_t slp_offsets_committable(const slp_offsets_t *o);

/* Forget everything in flight (partition lost or seeked back). Tickets handed
 * out so far become stale. The last tracked offset is forgotten too. */
void slp_offsets_reset(slp_offsets_t *o);

#endif /* SLPCODER_IO_OFFSETS_H */
