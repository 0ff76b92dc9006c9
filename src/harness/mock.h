/* SPDX-License-Identifier: Apache-2.0 */
/* mock.h -- librdkafka's mock cluster hosted in-process (--embedded-kafka, --demo, the
 * in-process tests): embedded.brokers brokers and the four topics.
 *
 * The mock is an experimental librdkafka API and not durable; nothing in the production worker
 * (src/io) uses it. It keeps about 5 MiB per partition and silently deletes the oldest records
 * beyond that: embedded.autosize sizes the partitions for embedded.generate
 * (slp_mock_sized_partitions), and slp_mock_dropped / slp_mock_report_drops say what was
 * deleted all the same.
 *
 * Thread: start and the getters on the loop thread before the loop runs (they do not touch the
 * loop); slp_mock_dropped, slp_mock_report_drops and slp_mock_destroy block (after the loop
 * ended, or on the jobs thread).
 */
#ifndef SLPCODER_HARNESS_MOCK_H
#define SLPCODER_HARNESS_MOCK_H

#include <stdint.h>

#include "io/config.h"
#include "io/worker.h"

typedef struct slp_mock slp_mock_t;

/* Start the cluster and create the four topics with slp_mock_sized_partitions(cfg) partitions
 * each. cfg must outlive the mock. Returns NULL with err set. */
slp_mock_t *slp_mock_start(const slp_config_t *cfg, char *err, size_t errlen);

/* "127.0.0.1:port,..." owned by the mock. */
const char *slp_mock_bootstraps(const slp_mock_t *mock);

/* The mock cluster itself, for fault injection (faults.h, in-process tests). */
struct rd_kafka_mock_cluster_s;
struct rd_kafka_mock_cluster_s *slp_mock_cluster(slp_mock_t *mock);

/* Partitions per topic: embedded.partitions, or more when embedded.autosize sizes them for
 * embedded.generate. Pure (samples the generator; no cluster needed), so the fault plan can be
 * checked against it before the cluster starts. per_record (may be NULL): the sampled bytes per
 * record, 0 when no sizing was done. */
int slp_mock_sized_partitions(const slp_config_t *cfg, double *per_record);
int slp_mock_partitions(const slp_mock_t *mock);

/* Records the mock deleted from the start of each topic's log (the sum of the partitions' log
 * start offsets) for topic.input, .coded, .rejected, .dlq in that order. Blocking (a client of
 * its own). Returns 0 or -1 with err. */
int slp_mock_dropped(slp_mock_t *mock, int64_t dropped[4], char *err, size_t errlen);

/* An input deleted before the worker read it was never coded: say so, and how many, rather than
 * let a run look complete (with cfg->summary also the "summary: embedded ..." line on stdout).
 * n: the worker's counters, NULL when hosting the cluster only. dropped (may be NULL): gets
 * slp_mock_dropped's four counts, each -1 when the mock could not be asked. Returns 0, or
 * EX_SOFTWARE when the mock dropped inputs. Blocking: after the loop ended. */
int slp_mock_report_drops(slp_mock_t *mock, const slp_worker_counters_t *n, int64_t dropped[4]);

/* Destroy the cluster (NULL is a no-op). Blocking. */
void slp_mock_destroy(slp_mock_t *mock);

#endif /* SLPCODER_HARNESS_MOCK_H */
