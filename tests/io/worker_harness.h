/* SPDX-License-Identifier: Apache-2.0 */
/* worker_harness.h -- in-process worker tests: librdkafka's mock cluster (the one
 * --embedded-kafka hosts, harness/mock.h) and a real libuv loop driving slp_worker_t, with a
 * plain producer for inputs and a read_committed consumer for outputs.
 *
 * Waits are on conditions (wh_run_until), each with a deadline that fails the test, never a
 * sleep. Everything runs on the test's thread except the worker's jobs thread.
 *
 *   wh_t *h = wh_new((const char *[]){"delivery=exactly-once", NULL});
 *   wh_produce(h, key, klen, val, vlen);
 *   wh_worker_start(h);
 *   wh_run_until_caught_up(h, 20000);        // every input answered (or fail)
 *   assert_int_equal(wh_worker_stop(h), 0);  // drains, closes; the exit status
 *   wh_read(h, h->cfg.topic_coded, &msgs);    // every output
 *   wh_destroy(h);
 *
 * The mock does not emulate read_committed (aborted records are visible) nor store offsets
 * sent in a transaction (design/kafka-notes.md): exactly-once restarts are proven on the real
 * broker (tests/broker/).
 */
#ifndef SLPCODER_TESTS_IO_WORKER_HARNESS_H
#define SLPCODER_TESTS_IO_WORKER_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "harness/mock.h"
#include "io/config.h"
#include "io/jobs.h"
#include "io/worker.h"

typedef struct wh {
  uv_loop_t loop;
  slp_config_t cfg;
  slp_jobs_t jobs;
  slp_mock_t *emb;             /* the cluster (src/harness) */
  rd_kafka_mock_cluster_t *mc; /* for fault injection; owned by emb */
  const char *bootstraps;
  rd_kafka_t *in; /* the input producer */
  slp_rules_t *rules;
  slp_worker_t *worker;
  bool worker_closed;
  int worker_rc;
  slp_worker_counters_t last; /* the counters of the last worker stopped */
} wh_t;

typedef struct wh_msg {
  void *key, *val; /* val NULL: a null value */
  size_t klen, vlen;
  int32_t partition;
  int64_t offset;
  char hdr_event_id[512], hdr_error[512], hdr_source[512];
  bool has_event_id, has_error;
  size_t hdr_total; /* bytes of every header value */
} wh_msg_t;

typedef struct wh_msgs {
  wh_msg_t *v;
  size_t n;
} wh_msgs_t;

/* A cluster (1 broker, 1 partition unless the settings say otherwise) with the four topics,
 * the default rules, test timings, then settings ("key=value", NULL-terminated, may be NULL).
 * Fails the test on error. On the heap: a test that fails half-way leaks it, and the threads
 * still running (cluster, clients) never point into a dead stack frame. */
wh_t *wh_new(const char *const *settings);
void wh_destroy(wh_t *h); /* and free */

/* Produce one input and wait for its acknowledgement. val NULL produces a null value. */
void wh_produce(wh_t *h, const void *key, size_t klen, const void *val, size_t vlen);

/* A new worker on the same cluster and group, started. */
void wh_worker_start(wh_t *h);
/* Run the loop until pred(h, arg) is true; false when timeout_ms passed first. */
bool wh_run_until(wh_t *h, bool (*pred)(wh_t *h, void *arg), void *arg, int timeout_ms);
/* Until the worker has processed every input up to topic.input's high watermark (partition 0,
 * taken when the wait begins), nothing is in flight, and in exactly-once mode the transaction
 * is committed; fails the test after timeout_ms or when the worker stops first. */
void wh_run_until_caught_up(wh_t *h, int timeout_ms);
/* Until the worker stopped by itself (closed callback); fails the test after timeout_ms. */
void wh_run_until_closed(wh_t *h, int timeout_ms);
/* Graceful stop, run until closed, free. Returns the worker's exit status; its counters are
 * kept in h->last. */
int wh_worker_stop(wh_t *h);

/* Every committed message of topic (partition 0..n-1), read_committed, from the beginning up
 * to the high watermark. Free with wh_msgs_free. */
void wh_read(wh_t *h, const char *topic, wh_msgs_t *out);
void wh_msgs_free(wh_msgs_t *m);

/* The worker group's committed offset for (topic.input, partition), -1 if none; and the
 * partition's high watermark. */
int64_t wh_committed(wh_t *h, int32_t partition);
int64_t wh_high_watermark(wh_t *h, const char *topic, int32_t partition);

/* A SessionEvent that codes to a CodedClaim under the default rules (a Medicare Part B
 * language treatment), with the given event id (and, when not NULL, encounter and patient
 * ids), packed into a malloc'd buffer. */
uint8_t *wh_session(const char *event_id, const char *encounter_id, const char *patient_id,
                    size_t *len);
/* A string of n copies of c (malloc'd, NUL-terminated). */
char *wh_repeat(char c, size_t n);

#endif /* SLPCODER_TESTS_IO_WORKER_HARNESS_H */
