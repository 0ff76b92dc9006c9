/* SPDX-License-Identifier: Apache-2.0 */
/* test_config.c -- settings table, the three sources and their precedence, errors naming keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/config.h"

static char err[512];

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void test_defaults(void **state) {
  (void)state;
  slp_config_t c;
  slp_config_init(&c);
  assert_string_equal(c.topic_input, "slp.sessions");
  assert_string_equal(c.topic_coded, "claims.coded");
  assert_string_equal(c.topic_rejected, "claims.rejected");
  assert_string_equal(c.topic_dlq, "slp.sessions.dlq");
  assert_int_equal(c.delivery, SLP_AT_LEAST_ONCE);
  assert_int_equal(c.max_in_flight, 20000);
  assert_false(c.embedded_kafka);
  slp_config_free(&c);
}

/* One row per bad setting: key, value, a substring the error must contain. */
static const struct {
  const char *key, *value, *want;
} bad_rows[] = {
    {"no.such.key", "1", "no.such.key: unknown key"},
    {"max.in.flight", "0", "max.in.flight: bad value \"0\""},
    {"max.in.flight", "12x", "max.in.flight: bad value"},
    {"max.in.flight", "", "max.in.flight: bad value"},
    {"delivery", "twice", "delivery: bad value \"twice\" (one of at-least-once|exactly-once)"},
    {"embedded.kafka", "maybe", "embedded.kafka: bad value"},
    {"log.level", "loud", "log.level: bad value"},
    {"kafka.", "x", "empty librdkafka property"},
    {"max.in.flight", " 5", "max.in.flight: bad value \" 5\""}, /* strtoll would take these */
    {"max.in.flight", "5 ", "max.in.flight: bad value \"5 \""},
    {"max.in.flight", "\t5", "max.in.flight: bad value"},
    {"max.in.flight", "+5", "max.in.flight: bad value \"+5\""},
    {"batch.ms", "- 5", "batch.ms: bad value"},
};

static void test_bad_values_name_key_and_source(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad_rows / sizeof bad_rows[0]; i++) {
    slp_config_t c;
    slp_config_init(&c);
    assert_int_equal(slp_config_set(&c, bad_rows[i].key, bad_rows[i].value, "-X", err, sizeof err),
                     -1);
    if (!strstr(err, bad_rows[i].want) || strncmp(err, "-X: ", 4) != 0)
      fail_msg("row %zu: error \"%s\" lacks \"%s\"", i, err, bad_rows[i].want);
    slp_config_free(&c);
  }
}

static void test_good_values(void **state) {
  (void)state;
  slp_config_t c;
  slp_config_init(&c);
  assert_int_equal(slp_config_set(&c, "delivery", "exactly-once", "-X", err, sizeof err), 0);
  assert_int_equal(c.delivery, SLP_EXACTLY_ONCE);
  assert_int_equal(slp_config_set(&c, "embedded.kafka", "yes", "-X", err, sizeof err), 0);
  assert_true(c.embedded_kafka);
  assert_int_equal(slp_config_set(&c, "max.in.flight", "5", "-X", err, sizeof err), 0);
  assert_int_equal(c.max_in_flight, 5);
  assert_int_equal(slp_config_set(&c, "kafka.linger.ms", "5", "-X", err, sizeof err), 0);
  assert_int_equal(slp_config_set(&c, "kafka.linger.ms", "7", "-X", err, sizeof err), 0);
  assert_int_equal(c.n_kafka, 1);
  assert_string_equal(slp_config_kafka_get(&c, "linger.ms"), "7");
  slp_config_free(&c);
}

static void test_file_sections_and_lines(void **state) {
  (void)state;
  char path[] = "/tmp/slpcfgXXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  write_file(
      path, "# comment\ntopic.input = in.x\nmax.in.flight = 100\n[kafka]\nbootstrap.servers = h:1\n"
            "[topic]\ncoded = out.y\n");
  slp_config_t c;
  slp_config_init(&c);
  assert_int_equal(slp_config_load_file(&c, path, err, sizeof err), 0);
  assert_string_equal(c.topic_input, "in.x");
  assert_string_equal(c.topic_coded, "out.y");
  assert_int_equal(c.max_in_flight, 100);
  assert_string_equal(slp_config_kafka_get(&c, "bootstrap.servers"), "h:1");
  slp_config_free(&c);

  write_file(path, "topic.input = a\n\nmax.in.flight = -3\n");
  slp_config_init(&c);
  assert_int_equal(slp_config_load_file(&c, path, err, sizeof err), -1);
  char want[256];
  snprintf(want, sizeof want, "%s:3: max.in.flight: bad value", path);
  if (strncmp(err, want, strlen(want)) != 0)
    fail_msg("got \"%s\"", err);
  slp_config_free(&c);

  write_file(path, "[broken\n");
  slp_config_init(&c);
  assert_int_equal(slp_config_load_file(&c, path, err, sizeof err), -1);
  snprintf(want, sizeof want, "%s:1: syntax error", path);
  if (strncmp(err, want, strlen(want)) != 0)
    fail_msg("got \"%s\"", err);
  slp_config_free(&c);

  unlink(path);
  slp_config_init(&c);
  assert_int_equal(slp_config_load_file(&c, path, err, sizeof err), -1);
  assert_non_null(strstr(err, "cannot open"));
  slp_config_free(&c);
}

static void test_file_that_is_not_a_config_file(void **state) {
  (void)state;
  slp_config_t c;
  char want[256];
  /* /dev/zero would feed inih NUL lines for ever; a FIFO would block the open */
  slp_config_init(&c);
  assert_int_equal(slp_config_load_file(&c, "/dev/zero", err, sizeof err), -1);
  assert_string_equal(err, "/dev/zero: not a regular file");
  slp_config_free(&c);
  char dir[] = "/tmp/slpcfgdXXXXXX";
  assert_non_null(mkdtemp(dir));
  char fifo[64];
  snprintf(fifo, sizeof fifo, "%s/fifo", dir);
  assert_int_equal(mkfifo(fifo, 0600), 0);
  slp_config_init(&c);
  assert_int_equal(slp_config_load_file(&c, fifo, err, sizeof err), -1);
  snprintf(want, sizeof want, "%s: not a regular file", fifo);
  assert_string_equal(err, want);
  slp_config_free(&c);
  unlink(fifo);
  /* a NUL byte cuts a line short: refused with its line, not read as a shorter value */
  char path[64];
  snprintf(path, sizeof path, "%s/nul.conf", dir);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fwrite("topic.input = a\nmax.in.flight = 10\0000\n", 1, 37, f);
  fclose(f);
  slp_config_init(&c);
  assert_int_equal(slp_config_load_file(&c, path, err, sizeof err), -1);
  snprintf(want, sizeof want, "%s:2: NUL byte", path);
  assert_string_equal(err, want);
  assert_int_equal(c.max_in_flight, 20000);
  slp_config_free(&c);
  unlink(path);
  rmdir(dir);
}

static void test_env_and_precedence(void **state) {
  (void)state;
  char path[] = "/tmp/slpcfgXXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  write_file(path,
             "max.in.flight = 100\nbatch.ms = 50\nstats.interval.ms = 9\n[kafka]\nlinger.ms = 1\n");
  char *envp[] = {"SLPCODER_MAX_IN_FLIGHT=200",
                  "SLPCODER_BATCH_MS=60",
                  "SLPCODER_KAFKA_LINGER_MS=2",
                  "SLPCODER_KAFKA_SOCKET_KEEPALIVE_ENABLE=true",
                  "SLPCODER_BIN=/ignored",
                  "SLPCODER_RULES=/r",
                  "OTHER=1",
                  "SLPCODER_BROKER_DIR=/tmp/k",
                  "SLPCODER_BROKER_HEAP=-Xmx1g",
                  NULL};
  slp_config_t c;
  slp_config_init(&c);
  assert_int_equal(slp_config_load_file(&c, path, err, sizeof err), 0);
  assert_int_equal(slp_config_load_env(&c, envp, err, sizeof err), 0);
  assert_int_equal(slp_config_set(&c, "max.in.flight", "300", "-X", err, sizeof err), 0);
  assert_int_equal(c.max_in_flight, 300);   /* -X beats env beats file */
  assert_int_equal(c.batch_ms, 60);         /* env beats file */
  assert_int_equal(c.stats_interval_ms, 9); /* file only */
  assert_string_equal(c.rules_dir, "/r");
  assert_string_equal(slp_config_kafka_get(&c, "linger.ms"), "2");
  assert_string_equal(slp_config_kafka_get(&c, "socket.keepalive.enable"), "true");
  assert_null(slp_config_kafka_get(&c, "dir")); /* scripts/kafka-broker's, not librdkafka's */
  assert_null(slp_config_kafka_get(&c, "heap"));
  slp_config_free(&c);

  char *bad[] = {"SLPCODER_DELIVERY=sometimes", NULL};
  slp_config_init(&c);
  assert_int_equal(slp_config_load_env(&c, bad, err, sizeof err), -1);
  assert_non_null(strstr(err, "env SLPCODER_DELIVERY: delivery: bad value"));
  slp_config_free(&c);
  unlink(path);
}

static void test_kafka_refusal_names_key(void **state) {
  (void)state;
  slp_config_t c;
  slp_config_init(&c);
  assert_int_equal(slp_config_set(&c, "kafka.bootstrap.servers", "h:1", "-X", err, sizeof err), 0);
  assert_int_equal(slp_config_set(&c, "kafka.no.such.property", "1", "a.conf:4", err, sizeof err),
                   0);
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  assert_int_equal(slp_config_apply_kafka(&c, conf, err, sizeof err), -1);
  assert_non_null(strstr(err, "a.conf:4: kafka.no.such.property: librdkafka refused it"));
  rd_kafka_conf_destroy(conf);
  slp_config_free(&c);

  slp_config_init(&c);
  assert_int_equal(slp_config_set(&c, "kafka.acks", "lots", "-X", err, sizeof err), 0);
  conf = rd_kafka_conf_new();
  assert_int_equal(slp_config_apply_kafka(&c, conf, err, sizeof err), -1);
  assert_non_null(strstr(err, "kafka.acks"));
  rd_kafka_conf_destroy(conf);
  slp_config_free(&c);
}

static void test_validate(void **state) {
  (void)state;
  slp_config_t c;
  slp_config_init(&c);
  assert_int_equal(slp_config_validate(&c, err, sizeof err), -1);
  assert_non_null(strstr(err, "kafka.bootstrap.servers"));
  assert_int_equal(slp_config_set(&c, "embedded.kafka", "true", "-X", err, sizeof err), 0);
  assert_int_equal(slp_config_validate(&c, err, sizeof err), 0);
  assert_int_equal(slp_config_set(&c, "topic.dlq", "claims.coded", "-X", err, sizeof err), 0);
  assert_int_equal(slp_config_validate(&c, err, sizeof err), -1);
  assert_non_null(strstr(err, "topic.dlq: same topic as topic.coded"));
  slp_config_free(&c);
}

static void test_unknown_env_is_an_error(void **state) {
  (void)state;
  slp_config_t c;
  /* a misspelt key must not leave the worker at-least-once without a word */
  char *typo[] = {"SLPCODER_BIN=/x", "SLPCODER_DELIVERY_MODE=exactly-once", NULL};
  slp_config_init(&c);
  assert_int_equal(slp_config_load_env(&c, typo, err, sizeof err), -1);
  if (!strstr(err, "env SLPCODER_DELIVERY_MODE: unknown setting"))
    fail_msg("got \"%s\"", err);
  assert_int_equal(c.delivery, SLP_AT_LEAST_ONCE);
  slp_config_free(&c);
  /* every SLPCODER_* variable the harness sets is not a setting, and is let through */
  char *harness[] = {"SLPCODER_SOURCE_DIR=/s", "SLPCODER_BUILD_DIR=/b", "SLPCODER_BIN=/b/bin",
                     "SLPCODER_RULES=/r", "SLPCODER_BROKER_DIR=/k", "SLPCODER_BROKER_CACHE=/c",
                     "SLPCODER_BENCH_COUNT=5", "SLPCODER_TEST_KEEP=1",
                     "SLPCODER_DELIVERY=exactly-once", NULL};
  slp_config_init(&c);
  assert_int_equal(slp_config_load_env(&c, harness, err, sizeof err), 0);
  assert_int_equal(c.delivery, SLP_EXACTLY_ONCE);
  slp_config_free(&c);
}

/* One row per setting slp_config_validate refuses (embedded.kafka on, so only the row counts). */
static const struct {
  const char *key, *value, *want;
} invalid_rows[] = {
    {"topic.input", "slp sessions", "topic.input: a topic name is letters, digits"},
    {"topic.coded", "claims/coded", "topic.coded: a topic name is letters, digits"},
    {"topic.rejected", ".", "topic.rejected: \".\" and \"..\" are not topic names"},
    {"topic.dlq", "..", "topic.dlq: \".\" and \"..\" are not topic names"},
    {"topic.dlq", "", "topic.dlq: must not be empty"},
    {"topic.input", "caf\xc3\xa9", "topic.input: a topic name is letters, digits"},
    {"kafka.group.id", "", "kafka.group.id: must not be empty"},
    {"kafka.enable.idempotence", "false", "kafka.enable.idempotence: must stay true"},
    {"kafka.enable.idempotence", "0", "kafka.enable.idempotence: must stay true"},
    {"kafka.acks", "1", "kafka.acks: must be all"},
    {"kafka.acks", "0", "kafka.acks: must be all"},
    {"kafka.request.required.acks", "1", "kafka.request.required.acks: must be all"},
};

static void test_validate_refuses(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof invalid_rows / sizeof invalid_rows[0]; i++) {
    slp_config_t c;
    slp_config_init(&c);
    assert_int_equal(slp_config_set(&c, "embedded.kafka", "true", "-X", err, sizeof err), 0);
    assert_int_equal(slp_config_validate(&c, err, sizeof err), 0);
    assert_int_equal(
        slp_config_set(&c, invalid_rows[i].key, invalid_rows[i].value, "-X", err, sizeof err), 0);
    assert_int_equal(slp_config_validate(&c, err, sizeof err), -1);
    if (!strstr(err, invalid_rows[i].want))
      fail_msg("row %zu: error \"%s\" lacks \"%s\"", i, err, invalid_rows[i].want);
    slp_config_free(&c);
  }
}

static void test_validate_accepts(void **state) {
  (void)state;
  char longest[250], too_long[251];
  memset(longest, 'a', 249);
  longest[249] = '\0';
  memset(too_long, 'b', 250);
  too_long[250] = '\0';
  slp_config_t c;
  slp_config_init(&c);
  assert_int_equal(slp_config_set(&c, "embedded.kafka", "true", "-X", err, sizeof err), 0);
  assert_int_equal(slp_config_set(&c, "topic.input", "Slp_sessions-v1.2", "-X", err, sizeof err),
                   0);
  assert_int_equal(slp_config_set(&c, "topic.coded", longest, "-X", err, sizeof err), 0);
  assert_int_equal(slp_config_set(&c, "kafka.acks", "-1", "-X", err, sizeof err), 0);
  assert_int_equal(slp_config_set(&c, "kafka.enable.idempotence", "true", "-X", err, sizeof err),
                   0);
  /* read_uncommitted is harmless at-least-once: only aborted outputs of others are seen */
  assert_int_equal(
      slp_config_set(&c, "kafka.isolation.level", "read_uncommitted", "-X", err, sizeof err), 0);
  assert_int_equal(slp_config_validate(&c, err, sizeof err), 0);
  assert_int_equal(slp_config_set(&c, "delivery", "exactly-once", "-X", err, sizeof err), 0);
  assert_int_equal(slp_config_validate(&c, err, sizeof err), -1);
  assert_non_null(strstr(err, "kafka.isolation.level: must be read_committed"));
  assert_int_equal(
      slp_config_set(&c, "kafka.isolation.level", "read_committed", "-X", err, sizeof err), 0);
  assert_int_equal(slp_config_validate(&c, err, sizeof err), 0);
  assert_int_equal(slp_config_set(&c, "topic.coded", too_long, "-X", err, sizeof err), 0);
  assert_int_equal(slp_config_validate(&c, err, sizeof err), -1);
  assert_non_null(strstr(err, "topic.coded: longer than Kafka's 249-character limit"));
  slp_config_free(&c);
}

static void test_payload_debug_warns(void **state) {
  (void)state;
  const struct {
    const char *debug, *want; /* want NULL: no warning */
  } rows[] = {
      {"broker,topic", NULL}, {"broker,msg", "msg"}, {"all", "all"},
      {"protocol, cgrp", "protocol"}, {"msgx,eos", NULL},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    slp_config_t c;
    slp_config_init(&c);
    assert_int_equal(slp_config_set(&c, "embedded.kafka", "true", "-X", err, sizeof err), 0);
    assert_int_equal(slp_config_set(&c, "kafka.debug", rows[i].debug, "-X", err, sizeof err), 0);
    const char *got = slp_config_payload_debug(&c);
    if (rows[i].want == NULL ? got != NULL : got == NULL || strcmp(got, rows[i].want) != 0)
      fail_msg("row %zu: %s gave %s", i, rows[i].debug, got ? got : "(none)");
    /* the warning reaches the log (stderr) and names the risk */
    char path[] = "/tmp/slplogXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    int saved = dup(2);
    dup2(fd, 2);
    assert_int_equal(slp_config_validate(&c, err, sizeof err), 0);
    dup2(saved, 2);
    close(saved);
    char text[1024] = "";
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    close(fd);
    unlink(path);
    text[n > 0 ? n : 0] = '\0';
    assert_int_equal(strstr(text, "patient data") != NULL, rows[i].want != NULL);
    slp_config_free(&c);
  }
}

static void test_usage_lists_every_key(void **state) {
  (void)state;
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  slp_config_usage(f);
  fclose(f);
  const char *keys[] = {
      "topic.input",          "delivery",  "transactional.id",       "max.in.flight", "batch.ms",
      "shutdown.deadline.ms", "log.level", "SLPCODER_MAX_IN_FLIGHT", "kafka."};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (!strstr(buf, keys[i]))
      fail_msg("usage lacks %s", keys[i]);
  free(buf);
}

/* --help lists the demo and test harness's keys apart, after every production key, under their
 * own heading; the names themselves are unchanged. */
static void test_usage_groups_harness_keys(void **state) {
  (void)state;
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  slp_config_usage(f);
  fclose(f);
  const char *heading = strstr(buf, slp_config_harness_heading);
  assert_non_null(heading);
  const char *production[] = {"\n  topic.input ",   "\n  delivery ",
                              "\n  max.in.flight ", "\n  exit.when.idle.ms ",
                              "\n  http.listen ",   "\n  kafka.<property> "};
  const char *harness[] = {"\n  embedded.kafka ", "\n  embedded.faults ", "\n  embedded.autosize ",
                           "\n  print.claims ",   "\n  summary ",         "\n  mode "};
  for (size_t i = 0; i < sizeof production / sizeof production[0]; i++) {
    const char *at = strstr(buf, production[i]);
    if (!at || at > heading)
      fail_msg("%s not listed before \"%s\"", production[i] + 1, slp_config_harness_heading);
  }
  for (size_t i = 0; i < sizeof harness / sizeof harness[0]; i++) {
    const char *at = strstr(buf, harness[i]);
    if (!at || at < heading)
      fail_msg("%s not listed under \"%s\"", harness[i] + 1, slp_config_harness_heading);
  }
  free(buf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_bad_values_name_key_and_source),
      cmocka_unit_test(test_good_values),
      cmocka_unit_test(test_file_sections_and_lines),
      cmocka_unit_test(test_file_that_is_not_a_config_file),
      cmocka_unit_test(test_env_and_precedence),
      cmocka_unit_test(test_kafka_refusal_names_key),
      cmocka_unit_test(test_validate),
      cmocka_unit_test(test_unknown_env_is_an_error),
      cmocka_unit_test(test_validate_refuses),
      cmocka_unit_test(test_validate_accepts),
      cmocka_unit_test(test_payload_debug_warns),
      cmocka_unit_test(test_usage_lists_every_key),
      cmocka_unit_test(test_usage_groups_harness_keys),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
