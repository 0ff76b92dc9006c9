/* SPDX-License-Identifier: Apache-2.0 */
/* faults.h -- the fault plan (embedded.faults): errors, broker outages and leader moves
 * injected into the embedded mock cluster at planned times, for the fault tests.
 *
 * A plan is entries separated by ';' (blanks around an entry and empty entries are ignored):
 *
 *   [+]AT_MS:produce:COUNT:ERR      the next COUNT Produce requests fail with ERR
 *   [+]AT_MS:fetch:COUNT:ERR        ... Fetch requests
 *   [+]AT_MS:commit:COUNT:ERR       ... OffsetCommit requests
 *   [+]AT_MS:endtxn:COUNT:ERR       ... EndTxn requests (exactly-once commits and aborts)
 *   [+]AT_MS:down:BROKER            broker BROKER goes down
 *   [+]AT_MS:up:BROKER              ... comes back
 *   [+]AT_MS:leader:PARTITION:BROKER  partition PARTITION of every topic moves its leader
 *   [+]AT_MS:slowproduce:BROKER:COUNT:ERR:RTT_MS  broker BROKER: the next COUNT Produce
 *                                   requests fail with ERR, each answered after RTT_MS
 *
 * AT_MS counts from when the plan is armed (just after the cluster starts); with a leading '+'
 * it counts from the worker's first assignment (the first time the worker in this process holds
 * a partition), which is when a stream starts flowing however long the group took to form.
 * BROKER is 1..embedded.brokers, PARTITION 0..partitions-1, COUNT 1..10000, RTT_MS 0..60000,
 * AT_MS 0..86400000; ERR is a Kafka broker error code, as a number (6) or librdkafka's name
 * (NOT_LEADER_FOR_PARTITION). Errors name the entry and the field:
 *   embedded.faults: entry 2 "+100:fetch:x:6": count "x" is not a number
 *
 * Thread: the loop thread (the parser: any thread).
 */
#ifndef SLPCODER_HARNESS_FAULTS_H
#define SLPCODER_HARNESS_FAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <uv.h>

#include <librdkafka/rdkafka.h>

#include "harness/mock.h"
#include "io/config.h"
#include "io/worker.h"

typedef enum slp_fault_action {
  SLP_FAULT_PRODUCE = 0,
  SLP_FAULT_FETCH,
  SLP_FAULT_COMMIT,
  SLP_FAULT_ENDTXN,
  SLP_FAULT_DOWN,
  SLP_FAULT_UP,
  SLP_FAULT_LEADER,
  SLP_FAULT_SLOWPRODUCE,
  SLP_FAULT_ACTIONS
} slp_fault_action_t;

typedef struct slp_fault {
  slp_fault_action_t action;
  bool from_assign; /* '+': AT_MS counts from the worker's first assignment */
  int64_t at_ms;
  int32_t broker;          /* down, up, leader (the new leader), slowproduce */
  int32_t partition;       /* leader */
  int32_t count;           /* produce, fetch, commit, endtxn, slowproduce */
  rd_kafka_resp_err_t err; /* produce, fetch, commit, endtxn, slowproduce */
  int32_t rtt_ms;          /* slowproduce */
} slp_fault_t;

typedef struct slp_fault_plan {
  slp_fault_t *v;
  size_t n;
} slp_fault_plan_t;

/* What the numbers are checked against. */
typedef struct slp_fault_limits {
  int brokers;    /* embedded.brokers */
  int partitions; /* per topic (slp_mock_sized_partitions) */
} slp_fault_limits_t;

/* The action's name in a plan ("produce", ...). */
const char *slp_fault_action_name(slp_fault_action_t action);

/* Parse text into plan (an empty text is an empty plan). Returns 0, or -1 with err naming the
 * entry (1-based), its text and the field at fault; plan is then empty. Free with
 * slp_fault_plan_free. */
int slp_fault_plan_parse(const char *text, const slp_fault_limits_t *lim, slp_fault_plan_t *plan,
                         char *err, size_t errlen);
void slp_fault_plan_free(slp_fault_plan_t *plan);
/* Entries timed from the worker's first assignment ('+'). */
size_t slp_fault_plan_from_assign(const slp_fault_plan_t *plan);

typedef struct slp_faults slp_faults_t;

/* Arm the plan on mock's cluster: a timer per entry, the absolute ones started now. Takes the
 * plan's entries (plan is left empty). cfg (the topics) must outlive the faults. Returns NULL
 * when out of memory. */
slp_faults_t *slp_faults_arm(uv_loop_t *loop, slp_mock_t *mock, const slp_config_t *cfg,
                             slp_fault_plan_t *plan);

/* Start the '+' entries once w first holds a partition (w's status, polled every 10 ms). w must
 * stay valid until slp_faults_close. */
void slp_faults_watch(slp_faults_t *faults, slp_worker_t *w);

/* Start the '+' entries now (what the watch does; for a caller that knows). Idempotent. */
void slp_faults_assigned(slp_faults_t *faults);

/* Entries that have fired. */
size_t slp_faults_fired(const slp_faults_t *faults);

/* One line for the run's summary (summary=true): "summary: faults planned=N fired=M
 * from_assign=K" (K: the '+' entries among the N). */
void slp_faults_print_summary(const slp_faults_t *faults, FILE *out);

/* Close the timers (entries not yet fired never fire); before the loop ends. */
void slp_faults_close(slp_faults_t *faults);

/* After the loop ended (the close callbacks ran). NULL is a no-op. */
void slp_faults_free(slp_faults_t *faults);

#endif /* SLPCODER_HARNESS_FAULTS_H */
