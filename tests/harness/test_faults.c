/* SPDX-License-Identifier: Apache-2.0 */
/* test_faults.c -- the fault plan (embedded.faults): the parser, one row per good plan and per
 * kind of bad entry, and the timers on a real mock cluster and loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "harness/faults.h"
#include "harness/mock.h"
#include "io/log.h"

static const slp_fault_limits_t lim = {.brokers = 3, .partitions = 6};

static void parse_ok(const char *text, slp_fault_plan_t *plan) {
  char err[512] = "";
  if (slp_fault_plan_parse(text, &lim, plan, err, sizeof err) != 0)
    fail_msg("\"%s\" refused: %s", text, err);
}

static void test_empty_plans(void **state) {
  (void)state;
  const char *empty[] = {"", " ", ";", " ; ;; "};
  for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
    slp_fault_plan_t plan;
    parse_ok(empty[i], &plan);
    assert_int_equal(plan.n, 0);
    slp_fault_plan_free(&plan);
  }
}

/* The plans the daemon tier runs (tests/daemon/faults.sh, produce_errors.sh): every field. */
static void test_daemon_tier_plans(void **state) {
  (void)state;
  slp_fault_plan_t plan;
  parse_ok("4200:down:2;4500:commit:10:15;5000:leader:1:3;7500:up:2;8000:fetch:30:6;"
           "8500:fetch:20:7;9000:commit:5:16",
           &plan);
  assert_int_equal(plan.n, 7);
  const slp_fault_t *f = plan.v;
  assert_int_equal(f[0].action, SLP_FAULT_DOWN);
  assert_int_equal(f[0].at_ms, 4200);
  assert_int_equal(f[0].broker, 2);
  assert_false(f[0].from_assign);
  assert_int_equal(f[1].action, SLP_FAULT_COMMIT);
  assert_int_equal(f[1].count, 10);
  assert_int_equal(f[1].err, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE);
  assert_int_equal(f[2].action, SLP_FAULT_LEADER);
  assert_int_equal(f[2].partition, 1);
  assert_int_equal(f[2].broker, 3);
  assert_int_equal(f[3].action, SLP_FAULT_UP);
  assert_int_equal(f[4].action, SLP_FAULT_FETCH);
  assert_int_equal(f[4].count, 30);
  assert_int_equal(f[4].err, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
  assert_int_equal(slp_fault_plan_from_assign(&plan), 0);
  slp_fault_plan_free(&plan);

  parse_ok("4500:produce:64:19;6000:slowproduce:1:10:19:250", &plan);
  assert_int_equal(plan.n, 2);
  assert_int_equal(plan.v[0].action, SLP_FAULT_PRODUCE);
  assert_int_equal(plan.v[0].count, 64);
  assert_int_equal(plan.v[0].err, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  assert_int_equal(plan.v[1].action, SLP_FAULT_SLOWPRODUCE);
  assert_int_equal(plan.v[1].broker, 1);
  assert_int_equal(plan.v[1].count, 10);
  assert_int_equal(plan.v[1].err, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  assert_int_equal(plan.v[1].rtt_ms, 250);
  slp_fault_plan_free(&plan);
}

/* '+' times, error names in any case, blanks around entries, a trailing ';'. */
static void test_relative_and_named(void **state) {
  (void)state;
  slp_fault_plan_t plan;
  parse_ok(" +0:produce:5:NOT_LEADER_FOR_PARTITION ; 100:down:1; +250:endtxn:1:"
           "concurrent_transactions;",
           &plan);
  assert_int_equal(plan.n, 3);
  assert_true(plan.v[0].from_assign);
  assert_int_equal(plan.v[0].at_ms, 0);
  assert_int_equal(plan.v[0].err, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
  assert_false(plan.v[1].from_assign);
  assert_true(plan.v[2].from_assign);
  assert_int_equal(plan.v[2].at_ms, 250);
  assert_int_equal(plan.v[2].action, SLP_FAULT_ENDTXN);
  assert_int_equal(plan.v[2].err, RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS);
  assert_int_equal(slp_fault_plan_from_assign(&plan), 2);
  assert_string_equal(slp_fault_action_name(plan.v[2].action), "endtxn");
  slp_fault_plan_free(&plan);
}

/* One row per kind of bad entry: the plan, and the whole message expected. */
static const struct {
  const char *plan;
  const char *err;
} bad[] = {
    {"100:fetch:x:6", "embedded.faults: entry 1 \"100:fetch:x:6\": count \"x\" is not a number"},
    {"1:up:1;100:fetch:x:6", "embedded.faults: entry 2 \"100:fetch:x:6\": count \"x\" is not a "
                             "number"},
    {"1:up:1;;100:fetch:x:6", "embedded.faults: entry 2 \"100:fetch:x:6\": count \"x\" is not a "
                              "number"}, /* empty entries are not counted */
    {"abc:down:1", "embedded.faults: entry 1 \"abc:down:1\": time \"abc\" is not a number (AT_MS, "
                   "or +AT_MS from the first assignment)"},
    {"-5:down:1", "embedded.faults: entry 1 \"-5:down:1\": time \"-5\" is not a number (AT_MS, or "
                  "+AT_MS from the first assignment)"},
    {"++5:down:1", "embedded.faults: entry 1 \"++5:down:1\": time \"++5\" is not a number (AT_MS, "
                   "or +AT_MS from the first assignment)"},
    {"86400001:down:1", "embedded.faults: entry 1 \"86400001:down:1\": time 86400001 is out of "
                        "range (0..86400000 ms)"},
    {"99999999999999999999:down:1", "embedded.faults: entry 1 \"99999999999999999999:down:1\": "
                                    "time 99999999999999999999 is out of range (0..86400000 ms)"},
    {"100", "embedded.faults: entry 1 \"100\": no action (expected AT_MS:ACTION:...)"},
    {"100:", "embedded.faults: entry 1 \"100:\": no action (expected AT_MS:ACTION:...)"},
    {"100:explode:1", "embedded.faults: entry 1 \"100:explode:1\": unknown action \"explode\" "
                      "(produce, fetch, commit, endtxn, down, up, leader or slowproduce)"},
    {"100:Down:1", "embedded.faults: entry 1 \"100:Down:1\": unknown action \"Down\" (produce, "
                   "fetch, commit, endtxn, down, up, leader or slowproduce)"},
    {"100:down", "embedded.faults: entry 1 \"100:down\": down takes 1 argument (BROKER), got 0"},
    {"100:down:1:2", "embedded.faults: entry 1 \"100:down:1:2\": down takes 1 argument (BROKER), "
                     "got 2"},
    {"100:produce:5", "embedded.faults: entry 1 \"100:produce:5\": produce takes 2 arguments "
                      "(COUNT:ERR), got 1"},
    {"100:slowproduce:1:5:6", "embedded.faults: entry 1 \"100:slowproduce:1:5:6\": slowproduce "
                              "takes 4 arguments (BROKER:COUNT:ERR:RTT_MS), got 3"},
    {"1:2:3:4:5:6:7:8", "embedded.faults: entry 1 \"1:2:3:4:5:6:7:8\": too many fields (at most "
                        "6)"},
    {"100:down:0", "embedded.faults: entry 1 \"100:down:0\": broker 0 is out of range (1..3, "
                   "embedded.brokers)"},
    {"100:up:4", "embedded.faults: entry 1 \"100:up:4\": broker 4 is out of range (1..3, "
                 "embedded.brokers)"},
    {"100:down: 1", "embedded.faults: entry 1 \"100:down: 1\": broker \" 1\" is not a number"},
    {"100:leader:6:1", "embedded.faults: entry 1 \"100:leader:6:1\": partition 6 is out of range "
                       "(0..5)"},
    {"100:leader:p:1", "embedded.faults: entry 1 \"100:leader:p:1\": partition \"p\" is not a "
                       "number"},
    {"100:produce:0:6", "embedded.faults: entry 1 \"100:produce:0:6\": count 0 is out of range "
                        "(1..10000)"},
    {"100:commit:10001:6", "embedded.faults: entry 1 \"100:commit:10001:6\": count 10001 is out "
                           "of range (1..10000)"},
    {"100:fetch::6", "embedded.faults: entry 1 \"100:fetch::6\": count \"\" is not a number"},
    {"100:produce:5:98", "embedded.faults: entry 1 \"100:produce:5:98\": error 98 is not a Kafka "
                         "broker error code (rd_kafka_err2name does not know it)"},
    {"100:produce:5:0", "embedded.faults: entry 1 \"100:produce:5:0\": error 0 is not a Kafka "
                        "broker error code (rd_kafka_err2name does not know it)"},
    {"100:produce:5:-1", "embedded.faults: entry 1 \"100:produce:5:-1\": error -1 is not a Kafka "
                         "broker error code (negative codes are librdkafka's local errors)"},
    {"100:produce:5:6x", "embedded.faults: entry 1 \"100:produce:5:6x\": error \"6x\" is not a "
                         "number or a Kafka error name"},
    {"100:produce:5:NOPE", "embedded.faults: entry 1 \"100:produce:5:NOPE\": error \"NOPE\" is "
                           "not a Kafka broker error name (e.g. NOT_LEADER_FOR_PARTITION, or its "
                           "code 6)"},
    {"100:produce:5:_TIMED_OUT", "embedded.faults: entry 1 \"100:produce:5:_TIMED_OUT\": error "
                                 "\"_TIMED_OUT\" is not a Kafka broker error name (e.g. "
                                 "NOT_LEADER_FOR_PARTITION, or its code 6)"},
    {"100:slowproduce:1:5:6:60001", "embedded.faults: entry 1 \"100:slowproduce:1:5:6:60001\": "
                                    "rtt 60001 is out of range (0..60000 ms)"},
    {"100:slowproduce:4:5:6:10", "embedded.faults: entry 1 \"100:slowproduce:4:5:6:10\": broker "
                                 "4 is out of range (1..3, embedded.brokers)"},
};

static void test_bad_entries(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    slp_fault_plan_t plan = {.n = 99};
    char err[512] = "";
    if (slp_fault_plan_parse(bad[i].plan, &lim, &plan, err, sizeof err) == 0)
      fail_msg("\"%s\" accepted", bad[i].plan);
    if (strcmp(err, bad[i].err) != 0)
      fail_msg("\"%s\":\n  got  %s\n  want %s", bad[i].plan, err, bad[i].err);
    assert_int_equal(plan.n, 0); /* nothing half-parsed is left behind */
    assert_null(plan.v);
  }
}

/* A long entry is shown shortened, never overflowing the caller's buffer. */
static void test_long_entry(void **state) {
  (void)state;
  char text[600];
  memset(text, '9', sizeof text - 1);
  text[sizeof text - 1] = '\0';
  slp_fault_plan_t plan;
  char err[128];
  assert_int_equal(slp_fault_plan_parse(text, &lim, &plan, err, sizeof err), -1);
  assert_non_null(strstr(err, "embedded.faults: entry 1 \"999"));
  assert_true(strlen(err) < sizeof err);
}

/* ---- the timers, on a real mock cluster ---------------------------------------------- */

static bool run_until_fired(uv_loop_t *loop, slp_faults_t *faults, size_t want, int timeout_ms) {
  uint64_t deadline = uv_hrtime() + (uint64_t)timeout_ms * 1000000u;
  while (slp_faults_fired(faults) < want && uv_hrtime() < deadline)
    uv_run(loop, UV_RUN_ONCE);
  return slp_faults_fired(faults) >= want;
}

static void test_timers(void **state) {
  (void)state;
  slp_config_t cfg;
  char err[512];
  slp_config_init(&cfg);
  assert_int_equal(slp_config_set(&cfg, "embedded.brokers", "2", "test", err, sizeof err), 0);
  assert_int_equal(slp_config_set(&cfg, "log.level", "error", "test", err, sizeof err), 0);
  slp_log_threshold = cfg.log_level;
  slp_mock_t *mock = slp_mock_start(&cfg, err, sizeof err);
  if (!mock)
    fail_msg("mock: %s", err);
  slp_fault_limits_t l = {.brokers = 2, .partitions = slp_mock_partitions(mock)};
  slp_fault_plan_t plan;
  assert_int_equal(slp_fault_plan_parse("0:down:2;10:up:2;20:fetch:3:6;30:leader:0:1;"
                                        "40:slowproduce:1:2:7:1;+0:commit:1:15;+5:endtxn:1:51",
                                        &l, &plan, err, sizeof err),
                   0);
  uv_loop_t loop;
  assert_int_equal(uv_loop_init(&loop), 0);
  slp_faults_t *faults = slp_faults_arm(&loop, mock, &cfg, &plan);
  assert_non_null(faults);
  assert_int_equal(plan.n, 0); /* the entries are the faults' now */
  /* The five absolute entries fire; the two '+' ones wait for the first assignment. */
  assert_true(run_until_fired(&loop, faults, 5, 5000));
  uv_run(&loop, UV_RUN_NOWAIT);
  assert_int_equal(slp_faults_fired(faults), 5);
  slp_faults_assigned(faults);
  slp_faults_assigned(faults); /* idempotent: each entry fires once */
  assert_true(run_until_fired(&loop, faults, 7, 5000));
  slp_faults_close(faults);
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_int_equal(slp_faults_fired(faults), 7);
  assert_int_equal(uv_loop_close(&loop), 0); /* every timer closed */
  slp_faults_free(faults);
  slp_mock_destroy(mock);
  slp_config_free(&cfg);
}

/* Closed before anything fired: nothing fires, and the loop closes clean. */
static void test_close_before_firing(void **state) {
  (void)state;
  slp_config_t cfg;
  char err[512];
  slp_config_init(&cfg);
  slp_mock_t *mock = slp_mock_start(&cfg, err, sizeof err);
  if (!mock)
    fail_msg("mock: %s", err);
  slp_fault_plan_t plan;
  assert_int_equal(slp_fault_plan_parse("60000:down:1;+0:up:1", &lim, &plan, err, sizeof err), 0);
  uv_loop_t loop;
  assert_int_equal(uv_loop_init(&loop), 0);
  slp_faults_t *faults = slp_faults_arm(&loop, mock, &cfg, &plan);
  slp_faults_close(faults);
  slp_faults_assigned(faults); /* after close: ignored */
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_int_equal(slp_faults_fired(faults), 0);
  assert_int_equal(uv_loop_close(&loop), 0);
  slp_faults_free(faults);
  slp_mock_destroy(mock);
  slp_config_free(&cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty_plans),         cmocka_unit_test(test_daemon_tier_plans),
      cmocka_unit_test(test_relative_and_named),  cmocka_unit_test(test_bad_entries),
      cmocka_unit_test(test_long_entry),          cmocka_unit_test(test_timers),
      cmocka_unit_test(test_close_before_firing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
