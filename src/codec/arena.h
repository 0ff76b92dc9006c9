/* SPDX-License-Identifier: Apache-2.0 */
/* arena.h -- a bump allocator behind protobuf-c's ProtobufCAllocator, reset per decode.
 *
 * unpack allocates many small blocks (the message, each submessage, each
 * string, each repeated array); a per-decoder arena turns them into pointer
 * bumps and makes "free the last message" a reset. Blocks that do not fit
 * spill into malloc'd chunks; the next reset grows the main block so that a
 * steady workload ends up with no malloc at all. Single-threaded.
 */
#ifndef SLPCODER_CODEC_ARENA_H
#define SLPCODER_CODEC_ARENA_H

#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

typedef struct slp_arena_chunk slp_arena_chunk_t;

typedef struct slp_arena {
  unsigned char *base;      /* main block */
  size_t cap;               /* its size */
  size_t used;              /* bytes handed out from it */
  slp_arena_chunk_t *spill; /* overflow chunks since the last reset */
  size_t spill_total;       /* their sizes, to grow base at reset */
  ProtobufCAllocator pa;    /* points back at this arena */
} slp_arena_t;

int slp_arena_init(slp_arena_t *arena, size_t cap);
void slp_arena_destroy(slp_arena_t *arena);
/* Forget everything handed out; grow the main block if the last round spilled. */
void slp_arena_reset(slp_arena_t *arena);
/* 16-byte aligned; NULL only when malloc fails. */
void *slp_arena_alloc(slp_arena_t *arena, size_t size);
/* Copy n bytes plus a NUL. */
char *slp_arena_strndup(slp_arena_t *arena, const char *s, size_t n);

#endif
