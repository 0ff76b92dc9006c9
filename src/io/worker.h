/* SPDX-License-Identifier: Apache-2.0 */
/* worker.h -- the consume-code-produce worker: librdkafka wired into one libuv loop.
 *
 * The consumer queue and the producer's main (delivery report) queue each
 * signal an eventfd through rd_kafka_queue_io_event_enable; uv_poll watches
 * them and every wake-up drains the queue until empty. A uv_timer keeps the
 * consumer polled while idle and drives batch and drain deadlines. Calls that
 * block (transactions, close, destroy) run on the jobs thread (jobs.h).
 *
 * At-least-once (default): offsets are stored per partition for the
 * contiguous prefix of inputs whose output has a successful delivery report
 * (offsets.h); auto commit commits them. Exactly-once: a transactional
 * producer, batches closed with send_offsets_to_transaction + commit.
 *
 * Thread: every function here runs on the loop thread.
 */
#ifndef SLPCODER_IO_WORKER_H
#define SLPCODER_IO_WORKER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#include "io/config.h"
#include "io/jobs.h"
#include "slpcoder/rules.h"

typedef struct slp_worker slp_worker_t;

typedef struct slp_worker_counters {
  uint64_t consumed; /* inputs processed */
  uint64_t coded;
  uint64_t rejected;
  uint64_t dead_lettered;
  uint64_t delivered; /* outputs acknowledged */
  uint64_t retried;   /* outputs produced again after a failed delivery */
  uint64_t dropped;   /* inputs fetched for partitions being given up (re-read by the next owner) */
  uint64_t pauses;
  uint64_t txn_commits;
  uint64_t txn_aborts;
  uint64_t refused;          /* outputs refused for good (producer or broker): replaced, below */
  uint64_t fallback_dlq;     /* results that could not be produced, dead-lettered instead */
  uint64_t fallback_rejected; /* dead letters that could not be produced: output.undeliverable */
} slp_worker_counters_t;

/* Dead-letter reasons, a bounded label set for /metrics (worker_status.c). */
enum { SLP_DLQ_UNDECODABLE = 0, SLP_DLQ_BAD_FRAME, SLP_DLQ_INVALID_UTF8, SLP_DLQ_ENGINE,
       SLP_DLQ_REASONS };
/* Classify a DLQ record's slpcoder.error text. */
int slp_dlq_reason(const char *error);
const char *slp_dlq_reason_name(int reason);

/* What the probes and sd_notify look at (worker_status.c). */
typedef enum slp_worker_phase {
  SLP_PHASE_STARTING = 0, /* built, initialising transactions or subscribing */
  SLP_PHASE_RUNNING,
  SLP_PHASE_DRAINING, /* stop requested: finishing work in flight */
  SLP_PHASE_CLOSING,  /* closing the consumer, flushing, destroying */
  SLP_PHASE_DONE,
} slp_worker_phase_t;

typedef struct slp_worker_status {
  slp_worker_phase_t phase;
  bool has_assignment; /* a first assignment (possibly empty) came from the group */
  int32_t assigned;    /* partitions held */
  int32_t revoking;    /* partitions being drained before they are given up */
  bool fatal;          /* a fatal error: the worker stops (exit non-zero) */
  bool committing;     /* exactly-once: a transaction commit is running */
  uint64_t last_poll_ms; /* loop time of the last consumer poll round */
  int64_t in_flight;
  int brokers_up, brokers; /* from librdkafka's statistics (-1: none seen yet) */
  uint64_t assigns, revokes, losts; /* rebalance callbacks by kind (as /metrics counts them) */
  const char *stop_reason; /* the first slp_worker_stop's why ("idle", ...); NULL until then */
} slp_worker_status_t;

void slp_worker_status(slp_worker_t *w, slp_worker_status_t *st);

/* Called once when the worker has fully stopped (Kafka handles destroyed).
 * rc is 0 on a clean stop, else a <sysexits.h> status: EX_UNAVAILABLE after a fatal client
 * error, when no output at all could be written, or when the consumer close was given up
 * (no broker answered within the shutdown deadline + 1 s); the process should exit with it. */
typedef void (*slp_worker_closed_cb)(slp_worker_t *w, int rc, void *arg);

/* Build the consumer and producer from cfg (+ bootstrap override for the
 * embedded cluster). rules: a reference is taken. Returns 0, or -1 with err
 * naming the offending key (the caller exits 78). */
int slp_worker_new(uv_loop_t *loop, slp_jobs_t *jobs, const slp_config_t *cfg,
                   const char *bootstrap, slp_rules_t *rules, slp_worker_t **out, char *err,
                   size_t errlen);

/* Subscribe and start consuming (exactly-once: after init_transactions). */
int slp_worker_start(slp_worker_t *w, slp_worker_closed_cb cb, void *arg);

/* Graceful stop: stop fetching, drain within shutdown.deadline.ms, commit,
 * close. Idempotent. */
void slp_worker_stop(slp_worker_t *w, const char *why);

/* Swap the rules bundle (takes a reference; the old one is released). */
void slp_worker_set_rules(slp_worker_t *w, slp_rules_t *rules);

const slp_worker_counters_t *slp_worker_counters(const slp_worker_t *w);

/* Where the run's time went, for slpcoderd's summary (worker_status.c). */
typedef struct slp_worker_perf {
  bool eos;
  double busy_seconds; /* first input to last acknowledgement */
  uint64_t acked;      /* outputs with a latency figure (input timestamp to acknowledgement) */
  int64_t p50_ms, p99_ms, p999_ms, max_ms;
  uint64_t consumer_wakeups, producer_wakeups, ticks, inputs_served_by_tick, capped_drains,
      dr_events, drs, coder_batches;
  uint64_t read_during_commit; /* exactly-once: inputs read and coded while a batch committed */
} slp_worker_perf_t;

void slp_worker_perf(const slp_worker_t *w, slp_worker_perf_t *p);

/* Rejections counted by their first ERROR's rule id; i indexes slp_rule_ids. */
uint64_t slp_worker_rejections(const slp_worker_t *w, size_t i);

/* The topic an output went to (slp_worker_output_t.topic). */
enum { SLP_WORKER_OUT_CODED = 0, SLP_WORKER_OUT_REJECTED, SLP_WORKER_OUT_DLQ };

/* One output, acknowledged. The pointers are valid during the callback only. */
typedef struct slp_worker_output {
  int topic;                  /* SLP_WORKER_OUT_* */
  const void *key, *value;    /* NULL: a null key or value */
  size_t klen, vlen;
  int32_t partition;          /* the input's */
  int64_t offset;
} slp_worker_output_t;

typedef void (*slp_worker_output_cb)(slp_worker_t *w, const slp_worker_output_t *out, void *arg);

/* Call cb for each output once it is acknowledged: at-least-once, at its delivery report;
 * exactly-once, when its transaction commits (the outputs of an aborted transaction are not
 * reported; their inputs' outputs are, when read again and committed). NULL cb: none. The
 * coding result itself is not passed: the worker no longer has it then. cb may call
 * slp_worker_on_output(w, NULL, NULL) to be called no more (exactly-once then stops keeping
 * copies of the outputs of open transactions). */
void slp_worker_on_output(slp_worker_t *w, slp_worker_output_cb cb, void *arg);

/* After the closed callback. */
void slp_worker_free(slp_worker_t *w);

/* A worker never started (the daemon refusing to run after building it): its clients
 * destroyed, on this thread, and everything freed. */
void slp_worker_discard(slp_worker_t *w);

#endif /* SLPCODER_IO_WORKER_H */
