/* SPDX-License-Identifier: Apache-2.0 */
/* embedded.h -- librdkafka's mock cluster hosted in-process (--embedded-kafka),
 * its topics, a fault plan for tests, and optional synthetic input.
 *
 * Fault plan (embedded.faults), entries "AT_MS:ACTION[:ARG...]" separated by ';', AT_MS
 * counted from when the plan is armed (just after the cluster starts, before the loop runs):
 *   produce:N:ERR   the next N Produce requests fail with Kafka error code ERR
 *   fetch:N:ERR     the same for Fetch
 *   commit:N:ERR    the same for OffsetCommit
 *   down:ID / up:ID broker ID (1-based) goes down / comes back
 *   leader:P:ID     partition P of every topic moves its leader to broker ID
 *   slowproduce:ID:N:ERR:RTT_MS  broker ID: the next N Produce requests fail with ERR, each
 *                   answered after RTT_MS
 *
 * The mock keeps about 5 MiB per partition and silently deletes the oldest records beyond that;
 * embedded.autosize sizes the partitions for embedded.generate, and slp_embedded_dropped says
 * what was deleted all the same.
 *
 * Thread: loop thread, except slp_embedded_generate (jobs thread), slp_embedded_dropped and
 * slp_embedded_destroy (blocking: after the loop ended).
 */
#ifndef SLPCODER_IO_EMBEDDED_H
#define SLPCODER_IO_EMBEDDED_H

#include <uv.h>

#include "io/config.h"

typedef struct slp_embedded slp_embedded_t;

/* Start the cluster and create the four topics. Returns NULL with err set. */
slp_embedded_t *slp_embedded_start(uv_loop_t *loop, const slp_config_t *cfg, char *err,
                                   size_t errlen);

/* "127.0.0.1:port,..." owned by the cluster. */
const char *slp_embedded_bootstraps(const slp_embedded_t *emb);

/* The mock cluster itself, for in-process tests that inject faults directly. */
struct rd_kafka_mock_cluster_s;
struct rd_kafka_mock_cluster_s *slp_embedded_mock(slp_embedded_t *emb);

/* Parse and arm the fault plan (timers on loop). Returns 0 or -1 with err. */
int slp_embedded_arm_faults(slp_embedded_t *emb, const char *plan, char *err, size_t errlen);

/* Produce cfg->embedded_generate sessions to topic.input and wait for them
 * (blocking: call from the jobs thread). Returns 0 or -1. */
int slp_embedded_generate(slp_embedded_t *emb);

/* Partitions per topic: embedded.partitions, or more when embedded.autosize sized them for
 * embedded.generate (the mock keeps about 5 MiB per partition, then deletes the oldest). */
int slp_embedded_partitions(const slp_embedded_t *emb);

/* Records the mock deleted from the start of each topic's log (the sum of the partitions' log
 * start offsets) for topic.input, .coded, .rejected, .dlq in that order. Blocking (a client of
 * its own; after the loop ended). Returns 0 or -1 with err. */
int slp_embedded_dropped(slp_embedded_t *emb, int64_t dropped[4], char *err, size_t errlen);

/* Fault plan entries run so far (loop thread). */
int slp_embedded_faults_fired(const slp_embedded_t *emb);

/* Close the fault timers (loop thread) before the loop ends. */
void slp_embedded_close_timers(slp_embedded_t *emb);

/* Destroy the cluster (blocking: after the loop ended, or from the jobs thread). */
void slp_embedded_destroy(slp_embedded_t *emb);

#endif /* SLPCODER_IO_EMBEDDED_H */
