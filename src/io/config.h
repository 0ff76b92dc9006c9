/* SPDX-License-Identifier: Apache-2.0 */
/* config.h -- slpcoderd configuration: one declarative table drives parsing,
 * validation and --help.
 *
 * Sources, in increasing precedence: a key=value file (sections allowed:
 * "[kafka]\nbootstrap.servers = x" is "kafka.bootstrap.servers = x"), the
 * environment (SLPCODER_<KEY>, upper case, dots as underscores; for kafka.*
 * SLPCODER_KAFKA_FOO_BAR is kafka.foo.bar), and -X key=value. Every kafka.*
 * key goes to librdkafka verbatim (consumer and producer alike).
 *
 * Errors name the key and where it came from ("file.conf:12", "env
 * SLPCODER_MAX_IN_FLIGHT", "-X") in the caller's buffer; the daemon exits 78.
 *
 * Thread: the loop thread, before the loop runs; the result is read-only after.
 */
#ifndef SLPCODER_IO_CONFIG_H
#define SLPCODER_IO_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <librdkafka/rdkafka.h>

#include "io/log.h"

/* The CFG_ENUM keys: each value is its index in the table's "a|b|c" list (config.c checks that
 * these types are int-sized, as the table stores them through an int). */
typedef enum slp_delivery_mode {
  SLP_AT_LEAST_ONCE = 0,
  SLP_EXACTLY_ONCE = 1,
} slp_delivery_mode_t;

typedef enum slp_worker_mode {
  SLP_MODE_CODE = 0,  /* decode, code, produce the claim / rejection / DLQ record */
  SLP_MODE_RELAY = 1, /* pass-through baseline for benchmarks: the input bytes to topic.coded */
} slp_worker_mode_t;

typedef struct slp_config_kv {
  char *key; /* without the "kafka." prefix, as librdkafka spells it */
  char *value;
  char source[160];
} slp_config_kv_t;

typedef struct slp_config {
  char *topic_input;
  char *topic_coded;
  char *topic_rejected;
  char *topic_dlq;
  char *rules_dir;        /* "" = the bundle next to the binary */
  slp_delivery_mode_t delivery;
  slp_worker_mode_t mode;
  char *transactional_id; /* "" = slpcoderd-<group.id>-<hostname> */
  int64_t max_in_flight;
  int64_t batch_messages;
  int64_t batch_ms;
  int64_t shutdown_deadline_ms;
  int64_t poll_interval_ms;
  int64_t stats_interval_ms;
  char *stats_file; /* JSON summary path (src/daemon/stats_file.c), "" = off */
  slp_log_level_t log_level;
  bool embedded_kafka;
  int64_t embedded_brokers;
  int64_t embedded_partitions;
  char *embedded_faults;     /* fault plan for tests, see harness/faults.h */
  int64_t exit_when_idle_ms; /* 0 = run until signalled */
  int64_t max_messages;      /* stop after this many inputs are done (0 = no limit) */
  bool embedded_worker;      /* embedded: also run the worker (false: only host the cluster) */
  int64_t embedded_generate; /* embedded: sessions generated into topic.input at start */
  int64_t embedded_seed;
  int64_t print_claims; /* print the first N claims as JSON on stdout */
  bool summary;         /* print a summary on stdout at exit */
  char *http_listen;    /* /metrics /healthz /readyz: host:port or [v6]:port, "" = off */
  bool code_helper;     /* a helper thread codes batches with the loop thread (src/io/coder.c) */
  bool embedded_autosize; /* embedded: size partitions from embedded.generate */

  slp_config_kv_t *kafka; /* kafka.* in order of first appearance, last value wins */
  size_t n_kafka;
  size_t cap_kafka;
} slp_config_t;

void slp_config_init(slp_config_t *cfg);
void slp_config_free(slp_config_t *cfg);

/* Set one key from a source (e.g. "-X", "env SLPCODER_X", "a.conf:3").
 * Returns 0, or -1 with err naming key, source and reason. */
int slp_config_set(slp_config_t *cfg, const char *key, const char *value, const char *source,
                   char *err, size_t errlen);

/* Load a key=value file (libinih). Returns 0 or -1 with err "path:line: ...". */
int slp_config_load_file(slp_config_t *cfg, const char *path, char *err, size_t errlen);

/* Apply SLPCODER_* variables from envp (NULL-terminated "K=V" strings).
 * A SLPCODER_* variable that names no key is an error, except the harness's own
 * (SLPCODER_SOURCE_DIR, _BUILD_DIR, _BIN, SLPCODER_BROKER_*, _BENCH_*, _TEST_*, _FUZZ_*).
 * SLPCODER_RULES is accepted as an alias of rules.dir (SLPCODER_RULES_DIR wins). */
int slp_config_load_env(slp_config_t *cfg, char *const *envp, char *err, size_t errlen);

/* Cross-key checks: topic names as Kafka allows them, a non-empty group.id, no kafka.*
 * setting that breaks a delivery guarantee (enable.idempotence=false, acks other than all,
 * read_uncommitted with exactly-once). Returns 0 or -1. Logs a warning when kafka.debug would
 * dump payloads (see slp_config_payload_debug). */
int slp_config_validate(const slp_config_t *cfg, char *err, size_t errlen);

/* The kafka.debug context that dumps message payloads (msg, protocol, all), or NULL. */
const char *slp_config_payload_debug(const slp_config_t *cfg);

/* Look up a kafka.* value (key without prefix), NULL when unset. */
const char *slp_config_kafka_get(const slp_config_t *cfg, const char *key);

/* Apply every kafka.* key to conf with rd_kafka_conf_set. Returns 0, or -1
 * with err naming the key, its source and librdkafka's reason. */
int slp_config_apply_kafka(const slp_config_t *cfg, rd_kafka_conf_t *conf, char *err,
                           size_t errlen);

/* Where --help and the generated docs list a key: with the production settings, or apart,
 * under slp_config_harness_heading, for the demo and test harness's keys (embedded.*,
 * print.claims, summary, mode: what --demo, --embedded-kafka, the tests and the benchmarks set;
 * config.c's harness_keys). The key names, their environment variables and their parsing are
 * the same either way. */
typedef enum slp_config_group {
  SLP_CONFIG_PRODUCTION = 0,
  SLP_CONFIG_HARNESS = 1,
} slp_config_group_t;
extern const char slp_config_harness_heading[]; /* "Demo and test settings" */
extern const char slp_config_harness_scope[];   /* who sets them, and "not for production" */

/* --help text generated from the table: the production settings, then the harness's. */
void slp_config_usage(FILE *out);

/* The effective settings, one "key = value" a line (secrets redacted). */
void slp_config_dump(const slp_config_t *cfg, FILE *out);

/* The same table as man(7) ".TP" entries (slpcoderd(8)'s SETTINGS section) and as a Markdown
 * table (docs/CONFIGURATION.md), one group's keys (kafka.<property> with the production
 * group); `slpcoderd --help-config=man|markdown` prints them. */
void slp_config_doc_man(FILE *out, slp_config_group_t group);
void slp_config_doc_markdown(FILE *out, slp_config_group_t group);

#endif /* SLPCODER_IO_CONFIG_H */
