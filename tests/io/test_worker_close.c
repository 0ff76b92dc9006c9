/* SPDX-License-Identifier: Apache-2.0 */
/* test_worker_close.c -- the consumer close runs on the loop (rd_kafka_consumer_close_queue):
 * with the cluster reachable the worker closes at once and exits 0; with every broker down it
 * gives the close up at shutdown.deadline.ms + SLP__CLOSE_GRACE_MS and exits EX_UNAVAILABLE,
 * where a blocking rd_kafka_consumer_close waits for session.timeout.ms (15 s here). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "io/worker_harness.h"
#include "io/worker_internal.h"

enum { N_INPUTS = 20, DEADLINE_MS = 1000 };

static const char *const settings[] = {
    "kafka.session.timeout.ms=15000", /* what a blocking close waits for: well past the deadline */
    "shutdown.deadline.ms=1000",
    /* the mock's down broker takes connections and never answers: retry soon once it is up,
     * so that the test's own destroy of the abandoned consumer ends quickly */
    "kafka.socket.connection.setup.timeout.ms=1000",
    NULL,
};

static void produce_inputs(wh_t *h) {
  for (int i = 0; i < N_INPUTS; i++) {
    char key[32], id[32];
    snprintf(key, sizeof key, "k-%d", i);
    snprintf(id, sizeof id, "ev-%d", i);
    size_t len;
    uint8_t *b = wh_session(id, NULL, NULL, &len);
    wh_produce(h, key, strlen(key), b, len);
    free(b);
  }
}

static void test_close_reachable(void **state) {
  (void)state;
  wh_t *h = wh_new(settings);
  produce_inputs(h);
  wh_worker_start(h);
  wh_run_until_caught_up(h, 30000);
  uint64_t t0 = uv_hrtime();
  assert_int_equal(wh_worker_stop(h), 0);
  uint64_t ms = (uv_hrtime() - t0) / 1000000;
  print_message("close with the cluster up: %llu ms\n", (unsigned long long)ms);
  assert_true(ms < DEADLINE_MS); /* drained already: nothing waits for the deadline */
  assert_int_equal(h->last.delivered, N_INPUTS);
  assert_int_equal(wh_committed(h, 0), N_INPUTS); /* the close committed the stored offsets */
  wh_destroy(h);
}

static void test_close_cluster_down(void **state) {
  (void)state;
  wh_t *h = wh_new(settings);
  produce_inputs(h);
  wh_worker_start(h);
  wh_run_until_caught_up(h, 30000);
  rd_kafka_t *consumer = h->worker->consumer; /* left to us if its close is given up */
  assert_int_equal(rd_kafka_mock_broker_set_down(h->mc, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  uint64_t t0 = uv_hrtime();
  int rc = wh_worker_stop(h);
  uint64_t ms = (uv_hrtime() - t0) / 1000000;
  print_message("close with the cluster down: %llu ms rc %d\n", (unsigned long long)ms, rc);
  assert_int_equal(rc, EX_UNAVAILABLE);
  assert_true(ms >= DEADLINE_MS);
  assert_true(ms < DEADLINE_MS + SLP__CLOSE_GRACE_MS + 2000);
  assert_int_equal(h->last.delivered, N_INPUTS);
  /* The process would exit here; the test destroys the consumer once it can finish. */
  assert_int_equal(rd_kafka_mock_broker_set_up(h->mc, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_destroy_flags(consumer, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE); /* close begun */
  wh_destroy(h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_close_reachable),
      cmocka_unit_test(test_close_cluster_down),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
