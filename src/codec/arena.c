/* SPDX-License-Identifier: Apache-2.0 */
/* arena.c -- bump allocator for protobuf-c unpack (see arena.h). */
#include "codec/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct slp_arena_chunk {
  slp_arena_chunk_t *next;
  size_t size;
  max_align_t align[]; /* payload */
};

#define ARENA_ALIGN 16

static void *arena_pa_alloc(void *data, size_t size) {
  return slp_arena_alloc(data, size);
}

static void arena_pa_free(void *data, void *ptr) {
  (void)data; /* released wholesale at reset */
  (void)ptr;
}

int slp_arena_init(slp_arena_t *arena, size_t cap) {
  memset(arena, 0, sizeof *arena);
  arena->base = malloc(cap);
  if (!arena->base)
    return -1;
  arena->cap = cap;
  arena->pa.alloc = arena_pa_alloc;
  arena->pa.free = arena_pa_free;
  arena->pa.allocator_data = arena;
  return 0;
}

static void arena_free_spill(slp_arena_t *arena) {
  slp_arena_chunk_t *c = arena->spill;
  while (c) {
    slp_arena_chunk_t *next = c->next;
    free(c);
    c = next;
  }
  arena->spill = NULL;
}

void slp_arena_destroy(slp_arena_t *arena) {
  arena_free_spill(arena);
  free(arena->base);
  memset(arena, 0, sizeof *arena);
}

void slp_arena_reset(slp_arena_t *arena) {
  if (arena->spill) {
    size_t want = arena->cap + arena->spill_total; /* what the last round needed */
    arena_free_spill(arena);
    /* Cap the growth so one huge message does not pin a huge block forever. */
    if (want <= ((size_t)1 << 22)) {
      unsigned char *bigger = malloc(want);
      if (bigger) {
        free(arena->base);
        arena->base = bigger;
        arena->cap = want;
      }
    }
  }
  arena->spill_total = 0;
  arena->used = 0;
}

void *slp_arena_alloc(slp_arena_t *arena, size_t size) {
  size_t start = (arena->used + (ARENA_ALIGN - 1)) & ~(size_t)(ARENA_ALIGN - 1);
  if (size == 0)
    size = 1;
  if (start <= arena->cap && size <= arena->cap - start) {
    arena->used = start + size;
    return arena->base + start;
  }
  if (size > SIZE_MAX - sizeof(slp_arena_chunk_t))
    return NULL;
  slp_arena_chunk_t *c = malloc(sizeof *c + size);
  if (!c)
    return NULL;
  c->next = arena->spill;
  c->size = size;
  arena->spill = c;
  arena->spill_total += size + ARENA_ALIGN;
  return c->align;
}

char *slp_arena_strndup(slp_arena_t *arena, const char *s, size_t n) {
  if (n == SIZE_MAX)
    return NULL;
  char *p = slp_arena_alloc(arena, n + 1);
  if (!p)
    return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}
