/* SPDX-License-Identifier: Apache-2.0 */
/* worker_internal.h -- the worker's state and the internals shared by src/io/worker*.c.
 *
 * worker.c: construction, the loop glue and wake-ups, the consume/process path.
 * worker_state.c: the three state machines' setters and the step (below).
 * worker_close.c: the close pipeline (consumer close, destroy, handles). kconf.c: the
 * librdkafka properties the worker imposes and the log bridge. worker_observe.c: the output
 * observer (slp_worker_on_output).
 * worker_delivery.c: producing, delivery reports, in-order offset store, pause/resume.
 * worker_rebalance.c: the partition table and cooperative-sticky assign/revoke/lost.
 * worker_txn.c: exactly-once init, batch commit and abort. worker_fallback.c: an output
 * that cannot be produced (error classes, dead letter, output.undeliverable, the
 * exactly-once poison list). worker_headers.c: the output headers and their size caps.
 *
 * Thread: the loop thread, unless a function says otherwise.
 *
 * ---- The state machines ------------------------------------------------------------------
 *
 * Handlers (the consumer and producer eventfd wake-ups, the tick, delivery reports, the
 * rebalance callback, job done callbacks, slp_worker_stop) do their local work and record
 * what happened: a state change through a setter, or an event (drain_wanted: a consumer
 * wake-up left unserved; abort_needed: the open transaction must abort; stop_requested;
 * the revoking list). One step function, slp__step, run by a uv_check_t once per loop
 * iteration after the I/O callbacks, reads all of it and decides what happens next. No
 * handler calls another's progress function.
 *
 * Run state (slp__set_run):
 *
 *            slp_worker_start (at-least-once) or init_txn_done (exactly-once): subscribe
 *   INIT ---------------------------------------------------------------------> RUNNING
 *    |                                                                             |
 *    | init_transactions failed, or stopped while initialising (init_txn_done)     |
 *    |                       slp_worker_stop (signal, fatal error, step:           |
 *    |                       max.messages, exit.when.idle.ms)                      v
 *    |                                                                          DRAINING
 *    |                       step: drained (nothing in flight or pending)          |
 *    |                       or shutdown.deadline.ms passed                        |
 *    |                 exactly-once, a transaction open |  otherwise               |
 *    v                                                  v                          |
 *  FINAL_COMMIT <------ (abort if not drained) ---------+                          |
 *    |   also: a batch commit that was running when the stop came (txn_done)       |
 *    | step: transaction NONE (committed or aborted)                               |
 *    +------------------------------------------> CLOSING <------------------------+
 *                                                    | consumer close (jobs thread),
 *                                                    | producer/consumer destroy, the
 *                                                    v four loop handles closed
 *                                                  DONE: closed_cb(w, exit_rc)
 *
 * Back-pressure (slp__set_bp); only RUNNING engages or releases it:
 *
 *   NONE --in_flight reaches max.in.flight (handle_message)--> HELD: queue not served
 *   HELD --step: held 1 s--> PAUSED: partitions paused, queue served (rebalances, polls)
 *   NONE/HELD --an output waits for room in the producer queue (pend_queue)--> PAUSED
 *   HELD/PAUSED --step: nothing pending, in_flight <= max.in.flight / 2--> NONE (resume,
 *                 and the step serves the queue again)
 *   slp_worker_stop: HELD -> NONE (every partition is paused for the drain instead)
 *
 * Transaction, exactly-once (slp__set_txn):
 *
 *   NONE --the first input of a batch (handle_message: begin_transaction)--> OPEN
 *   OPEN --step: batch.messages, batch.ms, abort_needed, a revoke, FINAL_COMMIT;
 *          slp__txn_start_commit, the job on the jobs thread--> COMMITTING
 *   COMMITTING --txn_done: committed, or aborted and rewound (or fatal)--> NONE
 *   While COMMITTING the consumer queue is not served (positions must not move).
 *
 * SIGTERM in exactly-once mode, step by step:
 *   1. main.c on_signal -> slp_worker_stop: RUNNING -> DRAINING, drain_deadline = now +
 *      shutdown.deadline.ms, HELD -> NONE, every active partition paused. The tick keeps
 *      polling the consumer; what it still fetches is dropped (not handled, not committed).
 *   2. Delivery reports (on_ppoll -> slp__drain_producer) bring in_flight down.
 *   3. step: if a batch commit is running (COMMITTING), wait: its txn_done moves DRAINING
 *      -> FINAL_COMMIT, and step 6 follows.
 *   4. step: drained, or the deadline passed: a transaction OPEN -> FINAL_COMMIT (past the
 *      deadline abort_needed is set: what is in flight is aborted and read again by the
 *      next owner); none open -> CLOSING (step 7).
 *   5. step, FINAL_COMMIT: slp__txn_start_commit: OPEN -> COMMITTING, the offsets after the
 *      last input handled per partition, the txn job: send_offsets_to_transaction,
 *      commit_transaction (or abort_transaction and rewind).
 *   6. txn_done: COMMITTING -> NONE, commits/aborts counted; step: FINAL_COMMIT with no
 *      transaction -> slp__begin_close.
 *   7. slp__begin_close: -> CLOSING, offsets stored, rd_kafka_consumer_close_queue: the
 *      close runs in librdkafka's threads; its events (the revoke: slp__rebalance_cb
 *      unassigns, `closing` is set) come on closeq, which wakes the loop through the
 *      consumer's eventfd and which the step serves (slp__close_serve).
 *   8. step: rd_kafka_consumer_closed, or the drain deadline + SLP__CLOSE_GRACE_MS passed
 *      (no coordinator: the consumer is left to the process exit, exit_rc EX_UNAVAILABLE):
 *      the last delivery reports, polls, tick and check stopped, queues detached, pending
 *      outputs dropped; the destroy job: producer and consumer destroyed (jobs thread).
 *   9. destroy_done: the four handles closed; the last close callback: CLOSING -> DONE,
 *      closed_cb(w, exit_rc); main.c exits with it.
 */
#ifndef SLPCODER_IO_WORKER_INTERNAL_H
#define SLPCODER_IO_WORKER_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "io/coder.h"
#include "io/jobs.h"
#include "io/kstats.h"
#include "io/latency.h"
#include "io/lathist.h"
#include "io/offsets.h"
#include "io/worker.h"
#include "slpcoder/codec.h"

enum { SLP__P_NONE = 0, SLP__P_ACTIVE, SLP__P_REVOKING };
/* The worker's lifecycle: three small state machines, each changed only through its setter
 * (worker_state.c), which logs `from -> to` at debug level. */
typedef enum slp__run {
  SLP__RUN_INIT = 0,     /* built; exactly-once: init_transactions on the jobs thread */
  SLP__RUN_RUNNING,      /* subscribed, consuming */
  SLP__RUN_DRAINING,     /* stop requested: partitions paused, outputs in flight finishing */
  SLP__RUN_FINAL_COMMIT, /* exactly-once: drained (or past the deadline), the last commit/abort */
  SLP__RUN_CLOSING,      /* consumer close, flush, destroy, handles closing */
  SLP__RUN_DONE,         /* every handle closed, closed_cb called */
} slp__run_t;
typedef enum slp__bp { /* back-pressure */
  SLP__BP_NONE = 0,
  SLP__BP_HELD,   /* max.in.flight reached: the consumer queue is not served */
  SLP__BP_PAUSED, /* held too long, or the producer queue is full: input partitions paused */
} slp__bp_t;
typedef enum slp__txn { /* exactly-once: the producer's transaction */
  SLP__TXN_NONE = 0,
  SLP__TXN_OPEN,       /* begun, outputs being produced into it */
  SLP__TXN_COMMITTING, /* the commit (or abort) job is running on the jobs thread */
} slp__txn_t;
enum { SLP__OUT_CODED = 0, SLP__OUT_REJECTED, SLP__OUT_DLQ };
/* What an output in flight is, in the order they replace one another when one cannot be
 * produced: the coding result, the input as a dead letter, a small output.undeliverable
 * Rejection. */
enum { SLP__STAGE_RESULT = 0, SLP__STAGE_DLQ, SLP__STAGE_FALLBACK };
/* How a produce or delivery error is handled (librdkafka's classes, see worker_fallback.c). */
enum { SLP__ERR_RETRIABLE = 0, SLP__ERR_PERMANENT, SLP__ERR_FATAL };

#define SLP__HDR_MAX 256 /* bytes of any header value the worker writes (worker_headers.c) */
#define SLP__FALLBACK_KEY_MAX 4096 /* a longer input key is left off an output.undeliverable */
enum { SLP__REB_ASSIGN = 0, SLP__REB_REVOKE, SLP__REB_LOST, SLP__REB_KINDS };

typedef struct slp__part {
  int32_t id;
  int state;
  bool paused;
  slp_offsets_t trk;
  int64_t next_offset; /* offset after the last input processed (exactly-once), -1 none */
} slp__part_t;

typedef struct slp__rec { /* one output in flight; the producer's opaque */
  slp__part_t *part;
  uint64_t ticket;
  int64_t offset; /* the input's */
  int stage;      /* SLP__STAGE_* */
  int out;        /* SLP__OUT_*: the topic this output goes to */
  /* STAGE_RESULT only: a copy of the input, for the dead letter should the result not be
   * produced (a DLQ output is the input itself). in_null: the input value was null. */
  void *in_key, *in_val;
  size_t in_klen, in_vlen;
  bool in_null;
  int64_t ts_ms; /* the input's timestamp (ms since the epoch), -1 none: for the latency */
} slp__rec_t;

/* Exactly-once: an input whose output failed for good in a transaction that had to be
 * aborted; after the rewind it goes straight to `stage` (worker_fallback.c). */
typedef struct slp__poison {
  int32_t partition;
  int64_t offset;
  int stage;      /* SLP__STAGE_DLQ or SLP__STAGE_FALLBACK */
  int failed_out; /* the topic index whose output was refused */
  rd_kafka_resp_err_t err;
} slp__poison_t;

typedef struct slp__pend { /* an output waiting for room in the producer queue */
  struct slp__pend *next;
  int out;
  void *key;
  size_t klen;
  void *val;
  size_t vlen;
  rd_kafka_headers_t *hdrs;
  slp__rec_t *rec;
} slp__pend_t;

#define SLP__MAX_RULE_IDS 64 /* room past the engine's 30 ids */

struct slp_worker {
  uv_loop_t *loop;
  slp_jobs_t *jobs;
  const slp_config_t *cfg;
  bool eos;
  slp__run_t run; /* slp__set_run */
  slp__bp_t bp;   /* slp__set_bp */
  slp__txn_t txn; /* slp__set_txn */
  int exit_rc;
  char stop_reason[96]; /* the first slp_worker_stop's why, for the stats file ("" running) */
  char worker_id[300]; /* "host:pid", slpcoder.errors.worker (worker_errors.c) */
  slp_worker_closed_cb closed_cb;
  void *closed_arg;

  rd_kafka_t *consumer, *producer;
  rd_kafka_queue_t *cq, *pq;
  rd_kafka_topic_t *rkt_out[3];
  int cfd, pfd;
  uv_poll_t cpoll, ppoll;
  uv_timer_t tick;
  uv_check_t check; /* runs slp__step once per loop iteration, after the I/O callbacks */
  int open_handles;

  slp_processor_t *proc;
  slp_coder_t *coder; /* a helper thread for coding batches; NULL without one */
  slp_coded_t *coded; /* SLP__DRAIN_MAX results of the batch being handled */
  slp_rules_t *rules;

  slp__part_t **parts;
  int32_t n_parts;
  int64_t in_flight;
  uint64_t held_since; /* loop ms the back-pressure became HELD */
  bool has_assignment; /* a first assignment came (worker_rebalance.c; the #4312 guard) */
  bool subscribed;     /* the subscription was made (slp__subscribe_and_run) */
  bool stop_requested; /* slp_worker_stop during INIT (init_transactions running) */
  bool drain_wanted;   /* a consumer wake-up was not served: the step serves the queue */
  slp__pend_t *pend_head, *pend_tail;
  bool pend_warned; /* a retriable producev refusal was logged (once per episode) */
  rd_kafka_topic_partition_list_t *revoking; /* waiting to drain before incremental_unassign */
  uint64_t revoke_deadline;

  /* exactly-once */
  /* Set on the loop thread (a failed delivery, a lost partition), read by the transaction job
   * on the jobs thread while it runs, so that a late failure still turns the commit into an
   * abort: atomic (seq_cst loads and stores, no other change to the code using it). */
  atomic_bool abort_needed;
  int64_t batch_count;
  uint64_t txn_started;
  uint64_t txn_deadline_ns; /* uv_hrtime by which the txn job ends (slp__txn_budget_ms) */
  uint64_t txn_run_ns;    /* the last commit's duration (jobs thread writes, txn_done reads) */
  uint64_t txn_avg_ms;    /* its moving average: a batch starts committing that much early */
  slp_job_t txn_job;
  /* Read ahead while a batch commits (worker.c, slp__drain_consumer): inputs polled and coded
   * but not yet handled, held[held_pos..held_n), SLP__HELD_MAX at most; handled in order once
   * the commit is done, dropped (read again after the rewind) when it aborts. txn_mu orders
   * those polls against the abort's rewind on the jobs thread: once txn_rewinding is set (under
   * txn_mu, before the seek), nothing more is polled until the transaction job is done, so
   * every held input was polled before the seek and is read again after it. */
  rd_kafka_message_t **held;
  slp_coded_t *held_coded; /* mode=code: their outputs */
  size_t held_pos, held_n;
  uv_mutex_t txn_mu;
  bool txn_rewinding; /* under txn_mu */
  rd_kafka_topic_partition_list_t *txn_offsets;
  rd_kafka_consumer_group_metadata_t *txn_gmd;
  char txn_err[256];

  /* exactly-once poison list (worker_fallback.c) */
  slp__poison_t *poison;
  size_t n_poison, cap_poison;
  /* building output.undeliverable Rejections (worker_fallback.c), allocated on first use */
  slp_decoder_t *fb_dec;
  slp_result_t *fb_res;

  slp_job_t close_job;
  uint64_t drain_deadline;
  rd_kafka_queue_t *closeq; /* CLOSING: rd_kafka_consumer_close_queue's, served by the step */
  uint64_t close_deadline;  /* loop ms: the consumer close is given up after it */
  bool consumer_abandoned;  /* its close did not finish: left to the process exit */
  uint64_t last_input;
  uint64_t last_stats;
  uint64_t t_first_input, t_last_delivery; /* uv_hrtime ns, for the throughput figure */
  /* run >= CLOSING, for the callbacks served on the jobs thread during consumer_close
   * (rebalance, statistics); written only by slp__set_run. */
  _Atomic int closing;

  slp_worker_counters_t n;
  /* the output observer (worker_observe.c); exactly-once: outputs of the open transaction
   * acknowledged by their delivery reports, reported when it commits */
  slp_worker_output_cb out_cb;
  void *out_arg;
  struct slp__obs *obs;
  size_t obs_n, obs_cap;
  slp_lathist_t lat;  /* input timestamp to acknowledgement (DR, or commit when exactly-once) */
  int64_t *txn_ts;    /* exactly-once: input timestamps of the open transaction */
  size_t txn_ts_n, txn_ts_cap;
  struct { /* where the loop waits: wake-ups and drains, for the summary (bench/README.md) */
    uint64_t cwake, pwake, ticks, tick_msgs, capped, dr_events, drs, coder_runs, held;
    int last_drain;
  } wk;
  uint64_t rule_counts[SLP__MAX_RULE_IDS]; /* indexed like slp_rule_ids */

  /* operations (/metrics, /healthz, /readyz; metrics.c, worker_status.c) */
  uint64_t last_poll;    /* loop ms of the last rd_kafka_consumer_poll round */
  uint64_t last_tick;    /* loop ms of the last on_tick */
  uint64_t bp_ms;        /* back-pressure (held or paused) time, summed at each tick */
  uint64_t rebalances[SLP__REB_KINDS];
  uint64_t dlq_reasons[SLP_DLQ_REASONS]; /* indexed by slp_dlq_reason() */
  slp_latency_t e2e;                     /* input timestamp to output acknowledged */
  slp_kstats_t kstats;                   /* from the consumer's statistics */
};

/* librdkafka < 2.3 asserts in rd_kafka_sticky_assignor_state_destroy when a
 * cooperative-sticky consumer is closed or destroyed before its first
 * assignment (librdkafka #4312). A stop before it waits for that assignment (up to the
 * drain deadline, worker_state.c) so that the consumer leaves the group; a consumer that
 * still has none is left to the process exit, and the group notices the member gone after
 * session.timeout.ms. */
static inline bool slp__consumer_unsafe_to_close(const slp_worker_t *w) {
  return !w->has_assignment && rd_kafka_version() < 0x020300ff;
}

static inline uint64_t slp__now_ms(slp_worker_t *w) {
  return uv_now(w->loop);
}

/* worker_state.c: the setters (loop thread), and names for the logs */
void slp__set_run(slp_worker_t *w, slp__run_t to);
void slp__set_bp(slp_worker_t *w, slp__bp_t to);
void slp__set_txn(slp_worker_t *w, slp__txn_t to);
const char *slp__run_name(slp__run_t s);
/* Decide what happens next from the states and what the handlers recorded: release or
 * escalate back-pressure, end a batch, give up revoked partitions, stop, commit last, close,
 * serve the consumer queue again. Run from the uv_check_t; never from a handler. */
void slp__step(slp_worker_t *w);

/* worker.c */
/* Poll and handle up to one batch of inputs; the number polled, -1 when the queue may not be
 * served now (drain_wanted is set instead). */
int slp__drain_consumer(slp_worker_t *w);
/* Exactly-once: drop the inputs read ahead during a commit (an abort, the close). */
void slp__held_drop(slp_worker_t *w);
void slp__subscribe_and_run(slp_worker_t *w);

/* worker_delivery.c */
void slp__set_paused_all(slp_worker_t *w, bool pause);
void slp__store_offsets(slp_worker_t *w);
void slp__produce_out(slp_worker_t *w, int out, const void *key, size_t klen, const void *val,
                      size_t vlen, rd_kafka_headers_t *hdrs, slp__rec_t *rec);
void slp__drain_producer(slp_worker_t *w);

/* worker_fallback.c */
int slp__err_class(slp_worker_t *w, rd_kafka_resp_err_t err);
void slp__fatal_stop(slp_worker_t *w, const char *why);
/* An output could not be produced: err from producev (async false) or a delivery report
 * (async true). The output: rec (its stage and topic), headers hdrs, key, value val/vlen
 * (NULL: a null value). Takes hdrs and rec; key and val are only read. */
void slp__output_failed(slp_worker_t *w, slp__rec_t *rec, rd_kafka_resp_err_t err, bool async,
                        rd_kafka_headers_t *hdrs, const void *key, size_t klen, const void *val,
                        size_t vlen);
/* Produce, for the input (key, val/vlen, NULL: null value), the output of `stage` in place of
 * an output to topic index failed_out refused with err: the input as a dead letter
 * (SLP__STAGE_DLQ) or an output.undeliverable Rejection (SLP__STAGE_FALLBACK). Takes hdrs and
 * rec. */
void slp__produce_stage(slp_worker_t *w, slp__rec_t *rec, int stage, int failed_out,
                        rd_kafka_resp_err_t err, rd_kafka_headers_t *hdrs, const void *key,
                        size_t klen, const void *val, size_t vlen);
/* Exactly-once: 1 and the stage, failed output and error to resume with when this input's
 * output failed for good in an aborted transaction, else 0. */
int slp__poison_find(slp_worker_t *w, int32_t partition, int64_t offset, int *stage,
                     int *failed_out, rd_kafka_resp_err_t *err);
/* Forget the entries the committed offsets have passed. */
void slp__poison_prune(slp_worker_t *w, const rd_kafka_topic_partition_list_t *committed);
void slp__rec_free(slp__rec_t *rec);
void slp__fallback_free(slp_worker_t *w);

/* worker_observe.c */
void slp__observe_dr(slp_worker_t *w, const slp__rec_t *rec, const rd_kafka_message_t *rkm);
void slp__observe_txn_end(slp_worker_t *w, bool committed);
void slp__observe_free(slp_worker_t *w);

/* worker_close.c */
#define SLP__CLOSE_GRACE_MS 1000 /* the consumer close may run this long past the drain deadline */
/* -> CLOSING: store offsets, start the consumer close on the loop. */
void slp__begin_close(slp_worker_t *w);
/* CLOSING (the step): serve the close queue; once closed, or past close_deadline, go on to
 * destroy. */
void slp__close_serve(slp_worker_t *w);

/* worker_headers.c */
const char *slp__hdr_event_id(const char *event_id); /* "" when over SLP_MAX_ID_LEN */
void slp__hdr_set(rd_kafka_headers_t *h, const char *name, const char *value);
/* Add a header known not to be there yet, cut like slp__hdr_set (no search for an old one). */
void slp__hdr_add(rd_kafka_headers_t *h, const char *name, const char *value);
/* "topic/partition/offset" (slpcoder.source) into buf, without printf's parsing per input;
 * cut to cap - 1 bytes like snprintf. */
void slp__hdr_source(char *buf, size_t cap, const char *topic, int32_t partition, int64_t offset);
rd_kafka_headers_t *slp__hdrs_new(const char *event_id, const char *rules_version,
                                  const char *source);

/* worker_rebalance.c */
slp__part_t *slp__part_find(slp_worker_t *w, int32_t id);
void slp__finish_revoke(slp_worker_t *w);
void slp__check_revoke(slp_worker_t *w);
/* librdkafka's rebalance callback: the loop thread (consumer_poll, or the close queue
 * served by slp__close_serve while CLOSING). */
void slp__rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                       rd_kafka_topic_partition_list_t *parts, void *opaque);

/* worker_txn.c */
void slp__txn_start_commit(slp_worker_t *w);
/* The time the whole transaction job (retries included) may take: 60 % of
 * max.poll.interval.ms, as the consumer queue is not served meanwhile. */
int slp__txn_budget_ms(const slp_worker_t *w);
void slp__init_txn_run(slp_job_t *job); /* jobs thread */
void slp__init_txn_done(slp_job_t *job);

/* worker_errors.c: the slpcoder.errors.* headers (topic, partition, offset, stage, reason,
 * message, rules_version, worker) of a dead letter or a rejection; message may be NULL. */
void slp__add_error_headers(slp_worker_t *w, rd_kafka_headers_t *h, const rd_kafka_message_t *rkm,
                            const char *stage, const char *reason, const char *message,
                            const char *rules_version);

#endif /* SLPCODER_IO_WORKER_INTERNAL_H */
