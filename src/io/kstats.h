/* SPDX-License-Identifier: Apache-2.0 */
/* kstats.h -- what slpcoderd reads from librdkafka's statistics JSON: lag and broker states.
 *
 * The consumer emits statistics every statistics.interval.ms (stats_cb, served by
 * rd_kafka_consumer_poll on the loop thread). Each emission replaces the table:
 * consumer lag per assigned partition of the input topic (committed offset to high
 * watermark; the position instead when nothing is committed, as with exactly-once),
 * and how many brokers are UP. Parsed with jansson.
 *
 * Thread: the loop thread.
 */
#ifndef SLPCODER_IO_KSTATS_H
#define SLPCODER_IO_KSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct slp_kstats_part {
  int32_t partition;
  int64_t lag; /* messages */
} slp_kstats_part_t;

typedef struct slp_kstats {
  slp_kstats_part_t *parts; /* ascending partition */
  size_t n, cap;
  int brokers_up, brokers; /* learned brokers (nodeid >= 0) */
  uint64_t updates;        /* emissions parsed */
} slp_kstats_t;

/* Parse one emission; topic: the input topic. Returns 0, or -1 when the JSON is not
 * librdkafka's statistics (the table is left as it was). */
int slp_kstats_update(slp_kstats_t *ks, const char *json, size_t len, const char *topic);
void slp_kstats_free(slp_kstats_t *ks);

#endif /* SLPCODER_IO_KSTATS_H */
