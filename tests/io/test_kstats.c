/* SPDX-License-Identifier: Apache-2.0 */
/* test_kstats.c -- consumer lag and broker states from librdkafka's statistics JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "io/kstats.h"

/* Trimmed from a real librdkafka 2.0.2 consumer emission (the fields kstats reads). */
static const char stats[] =
    "{\"name\":\"slpcoderd-consumer#consumer-1\",\"type\":\"consumer\",\"brokers\":{"
    "\"127.0.0.1:1/bootstrap\":{\"nodeid\":-1,\"state\":\"UP\"},"
    "\"127.0.0.1:2/1\":{\"nodeid\":1,\"state\":\"UP\"},"
    "\"127.0.0.1:3/2\":{\"nodeid\":2,\"state\":\"DOWN\"},"
    "\"GroupCoordinator\":{\"nodeid\":1,\"state\":\"UP\"},"
    "\":0/internal\":{\"nodeid\":-1,\"state\":\"UP\"}},"
    "\"topics\":{\"other\":{\"partitions\":{\"0\":{\"partition\":0,\"desired\":true,"
    "\"consumer_lag\":99}}},"
    "\"in\":{\"partitions\":{"
    "\"3\":{\"partition\":3,\"desired\":true,\"consumer_lag\":-1,\"hi_offset\":50,"
    "\"app_offset\":40},"
    "\"1\":{\"partition\":1,\"desired\":true,\"consumer_lag\":7,\"hi_offset\":10},"
    "\"2\":{\"partition\":2,\"desired\":false,\"consumer_lag\":5},"
    "\"4\":{\"partition\":4,\"desired\":true,\"consumer_lag\":-1,\"hi_offset\":-1,"
    "\"app_offset\":-1001},"
    "\"-1\":{\"partition\":-1,\"desired\":false,\"consumer_lag\":-1}}}}}";

static void test_lag_and_brokers(void **state) {
  (void)state;
  slp_kstats_t ks;
  memset(&ks, 0, sizeof ks);
  assert_int_equal(slp_kstats_update(&ks, stats, sizeof stats - 1, "in"), 0);
  assert_int_equal(ks.brokers, 2); /* bootstrap, internal and the coordinator alias left out */
  assert_int_equal(ks.brokers_up, 1);
  assert_int_equal(ks.n, 2); /* not desired, unknown and the -1 placeholder left out */
  assert_int_equal(ks.parts[0].partition, 1);
  assert_int_equal(ks.parts[0].lag, 7);
  assert_int_equal(ks.parts[1].partition, 3); /* nothing committed: from the position */
  assert_int_equal(ks.parts[1].lag, 10);
  assert_int_equal(ks.updates, 1);
  /* Garbage leaves the table as it was. */
  assert_int_equal(slp_kstats_update(&ks, "[1,2", 4, "in"), -1);
  assert_int_equal(ks.n, 2);
  /* A new emission replaces it. */
  static const char none[] = "{\"brokers\":{},\"topics\":{}}";
  assert_int_equal(slp_kstats_update(&ks, none, sizeof none - 1, "in"), 0);
  assert_int_equal(ks.n, 0);
  assert_int_equal(ks.brokers, 0);
  slp_kstats_free(&ks);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lag_and_brokers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
