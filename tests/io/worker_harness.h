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

/* Settings lists (each NULL-terminated, any may be NULL) joined in that order, for wh_new: a
 * static array, valid until the next call. Fails the test past 63 entries. */
const char *const *wh_settings_join(const char *const *a, const char *const *b,
                                    const char *const *c);

/* One cmocka test per delivery mode, fn_alo and fn_eos, calling fn(&modes[0]) and
 * fn(&modes[1]) with the file's own modes table. */
#define WH_BOTH(fn, modes)                                                                         \
  static void fn##_alo(void **state) {                                                             \
    (void)state;                                                                                   \
    fn(&(modes)[0]);                                                                               \
  }                                                                                                \
  static void fn##_eos(void **state) {                                                             \
    (void)state;                                                                                   \
    fn(&(modes)[1]);                                                                               \
  }
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


/* ---- generated inputs, outputs matched to their inputs, a second worker ------------------
 *
 * Inputs come from the generator (src/gen: clean sessions, defects the rules catch, undecodable
 * bytes), input i on partition i % partitions; what each must give is computed beforehand with
 * slp_process_payload under a given bundle: its topic and its exact bytes (coding is
 * deterministic). Outputs are read as they arrive by a plain consumer (wh_outs_t) and matched
 * to their input by the slpcoder.source header ("topic/partition/offset"). Only the public
 * worker API is used (slp_worker_status, slp_worker_counters). */

enum { WH_OUT_CODED = 0, WH_OUT_REJECTED, WH_OUT_DLQ, WH_OUTS };

typedef struct wh_input {
  int32_t partition;
  int64_t offset;  /* from the delivery report */
  char key[64];    /* the patient id ("" for undecodable bytes) */
  size_t klen;
  char event_id[40]; /* "" when undecodable */
  int out;           /* WH_OUT_*: the topic its one output belongs in */
  uint8_t *expect;   /* the output's value: the result, or the input itself for a dead letter */
  size_t expect_len;
  char rules_version[64]; /* the slpcoder.rules_version header expected */
  uint32_t answers;       /* outputs seen for it (wh_outs_poll) */
} wh_input_t;

typedef struct wh_inputs {
  wh_input_t *v;
  size_t n, cap;
} wh_inputs_t;

/* Generate items first .. first+n-1 of the seeded stream (a fifth with a defect, 5 % garbage),
 * compute their expected outputs under rules (NULL: h->rules), produce them (one flush) and
 * append them to in. */
void wh_produce_gen(wh_t *h, wh_inputs_t *in, uint64_t seed, uint64_t first, size_t n,
                    const slp_rules_t *rules);
void wh_inputs_free(wh_inputs_t *in);

typedef struct wh_out {
  int out; /* WH_OUT_* */
  int32_t src_partition;
  int64_t src_offset;
  wh_msg_t m;
  char hdr_rules_version[128];
} wh_out_t;

typedef struct wh_outs {
  rd_kafka_t *rk;
  wh_out_t *v;
  size_t n, cap;
  size_t stray; /* outputs matching no input */
} wh_outs_t;

/* A reader of the three output topics from the beginning (every partition). */
void wh_outs_init(wh_t *h, wh_outs_t *o);
/* Take what has arrived (never blocks); counts answers on in. */
void wh_outs_poll(wh_outs_t *o, wh_inputs_t *in);
void wh_outs_free(wh_outs_t *o);
/* Inputs with no output yet. */
size_t wh_unanswered(const wh_inputs_t *in);

/* Run the loop until every input of in has an output and no worker (h's, and each peer given,
 * NULL-terminated) has outputs in flight or a commit running; fails the test after timeout_ms
 * or when a worker stops first. */
typedef struct wh_peer wh_peer_t;
void wh_run_until_answered(wh_t *h, wh_outs_t *o, wh_inputs_t *in, wh_peer_t *const *peers,
                           int timeout_ms);

/* Every input answered in its own topic with its key, its event id and rules version headers
 * and its exact expected bytes; no stray output. dups_allowed: an input may be answered more
 * than once, every copy identical (at-least-once redelivery; exactly-once on the mock, which
 * neither hides aborted records nor stores transactional offsets); else exactly once. Returns
 * the number of duplicates. */
size_t wh_check_outputs(const wh_inputs_t *in, const wh_outs_t *o, bool dups_allowed);

/* A second worker in the same process, loop and group, with its own configuration (the
 * harness defaults, then settings) and its own jobs thread, as a second slpcoderd would. */
struct wh_peer {
  slp_config_t cfg;
  slp_jobs_t jobs;
  slp_worker_t *worker;
  bool closed;
  int rc;
  slp_worker_counters_t last; /* its counters when stopped */
};
wh_peer_t *wh_peer_start(wh_t *h, const char *const *settings);
/* Graceful stop, run until closed, free (the counters are returned in *last when not NULL).
 * Returns its exit status. */
int wh_peer_stop(wh_t *h, wh_peer_t *p, slp_worker_counters_t *last);

/* Run the loop for ms of loop time (how long a fault lasts: a broker down, not a wait for
 * something to happen). */
void wh_run_for(wh_t *h, int ms);

/* One sample of the worker's /metrics exposition (slp_metrics_render), named as it is written
 * there: "slpcoder_inputs_consumed_total" or "slpcoder_outputs_total{kind=\"coded\"}". Fails the
 * test when the exposition has no such sample. */
double wh_metric(slp_worker_t *w, const char *sample);

/* Kafka request types for rd_kafka_mock_push_request_errors (the protocol's ApiKeys). */
enum {
  WH_API_PRODUCE = 0,
  WH_API_FETCH = 1,
  WH_API_OFFSET_COMMIT = 8,
  WH_API_ADD_PARTITIONS_TO_TXN = 24,
  WH_API_ADD_OFFSETS_TO_TXN = 25,
  WH_API_END_TXN = 26,
  WH_API_TXN_OFFSET_COMMIT = 28,
};

#endif /* SLPCODER_TESTS_IO_WORKER_HARNESS_H */
