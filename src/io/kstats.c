/* SPDX-License-Identifier: Apache-2.0 */
/* kstats.c -- librdkafka statistics JSON to consumer lag per partition and brokers UP. */
#include "io/kstats.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int cmp_part(const void *a, const void *b) {
  const slp_kstats_part_t *x = a, *y = b;
  return (x->partition > y->partition) - (x->partition < y->partition);
}

static int64_t int_of(json_t *o, const char *key) {
  json_t *v = json_object_get(o, key);
  return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

int slp_kstats_update(slp_kstats_t *ks, const char *json, size_t len, const char *topic) {
  json_error_t jerr;
  json_t *root = json_loadb(json, len, 0, &jerr);
  if (!json_is_object(root)) {
    json_decref(root);
    return -1;
  }
  int up = 0, known = 0;
  const char *name;
  json_t *b;
  json_object_foreach(json_object_get(root, "brokers"), name, b) {
    if (int_of(b, "nodeid") < 0 || !strchr(name, '/'))
      continue; /* bootstrap placeholders, the internal broker, the GroupCoordinator alias */
    known++;
    json_t *st = json_object_get(b, "state");
    if (json_is_string(st) && strcmp(json_string_value(st), "UP") == 0)
      up++;
  }
  ks->brokers_up = up;
  ks->brokers = known;
  ks->n = 0;
  json_t *parts = json_object_get(json_object_get(json_object_get(root, "topics"), topic),
                                  "partitions");
  json_t *p;
  json_object_foreach(parts, name, p) {
    int64_t id = int_of(p, "partition");
    json_t *desired = json_object_get(p, "desired");
    if (id < 0 || !json_is_true(desired))
      continue; /* the unassigned placeholder (-1) and partitions not ours */
    int64_t lag = int_of(p, "consumer_lag");
    if (lag < 0) {
      int64_t hi = int_of(p, "hi_offset"), pos = int_of(p, "app_offset");
      lag = hi >= 0 && pos >= 0 ? (hi > pos ? hi - pos : 0) : -1;
    }
    if (lag < 0)
      continue; /* not known yet */
    if (ks->n == ks->cap) {
      size_t cap = ks->cap ? ks->cap * 2 : 16;
      slp_kstats_part_t *np = realloc(ks->parts, cap * sizeof *np);
      if (!np)
        break;
      ks->parts = np;
      ks->cap = cap;
    }
    ks->parts[ks->n++] = (slp_kstats_part_t){.partition = (int32_t)id, .lag = lag};
  }
  if (ks->n > 1)
    qsort(ks->parts, ks->n, sizeof *ks->parts, cmp_part);
  ks->updates++;
  json_decref(root);
  return 0;
}

void slp_kstats_free(slp_kstats_t *ks) {
  free(ks->parts);
  memset(ks, 0, sizeof *ks);
}
