/* SPDX-License-Identifier: Apache-2.0 */
/* config.c -- the slpcoderd settings table and its three sources (file, env, -X). */
#include "io/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/docfmt.h"
#include "io/log.h"

typedef enum cfg_type { CFG_STR, CFG_INT, CFG_BOOL, CFG_ENUM } cfg_type_t;

typedef struct cfg_row {
  const char *name;
  cfg_type_t type;
  const char *def;    /* default, as text */
  int64_t min, max;   /* CFG_INT bounds */
  const char *values; /* CFG_ENUM: "a|b|c" (index is stored) */
  size_t off;         /* offset into slp_config_t */
  const char *doc;
} cfg_row_t;

#define OFF(f) offsetof(slp_config_t, f)
/* CFG_ENUM fields are written and read through an int (row_apply, the dump and docs). */
_Static_assert(sizeof(slp_delivery_mode_t) == sizeof(int), "enum stored as int");
_Static_assert(sizeof(slp_worker_mode_t) == sizeof(int), "enum stored as int");
_Static_assert(sizeof(slp_log_level_t) == sizeof(int), "enum stored as int");
static const cfg_row_t rows[] = {
    {"topic.input", CFG_STR, "slp.sessions", 0, 0, NULL, OFF(topic_input),
     "input topic (SessionEvent)"},
    {"topic.coded", CFG_STR, "claims.coded", 0, 0, NULL, OFF(topic_coded),
     "CodedClaim output topic"},
    {"topic.rejected", CFG_STR, "claims.rejected", 0, 0, NULL, OFF(topic_rejected),
     "Rejection output topic"},
    {"topic.dlq", CFG_STR, "slp.sessions.dlq", 0, 0, NULL, OFF(topic_dlq),
     "dead-letter topic (input bytes unchanged)"},
    {"rules.dir", CFG_STR, "", 0, 0, NULL, OFF(rules_dir),
     "rules bundle directory (default: the bundle installed with the binary)"},
    {"delivery", CFG_ENUM, "at-least-once", 0, 0, "at-least-once|exactly-once", OFF(delivery),
     "delivery guarantee"},
    {"mode", CFG_ENUM, "code", 0, 0, "code|relay", OFF(mode),
     "relay: produce each input's bytes unchanged to topic.coded (a baseline for benchmarks)"},
    {"transactional.id", CFG_STR, "", 0, 0, NULL, OFF(transactional_id),
     "exactly-once: stable id of this instance (default slpcoderd-<group.id>-<hostname>)"},
    {"max.in.flight", CFG_INT, "20000", 1, 10000000, NULL, OFF(max_in_flight),
     "inputs in flight before input partitions pause"},
    {"batch.messages", CFG_INT, "5000", 1, 10000000, NULL, OFF(batch_messages),
     "exactly-once: inputs per transaction"},
    {"batch.ms", CFG_INT, "500", 1, 600000, NULL, OFF(batch_ms),
     "exactly-once: longest a transaction stays open"},
    {"shutdown.deadline.ms", CFG_INT, "10000", 0, 3600000, NULL, OFF(shutdown_deadline_ms),
     "SIGTERM: how long to drain in-flight work"},
    {"poll.interval.ms", CFG_INT, "100", 10, 600000, NULL, OFF(poll_interval_ms),
     "the worker's tick: both clients' queues served, back-pressure, exit.when.idle.ms and "
     "exactly-once batch.ms checked this often (must stay below max.poll.interval.ms)"},
    {"stats.interval.ms", CFG_INT, "0", 0, 3600000, NULL, OFF(stats_interval_ms),
     "log counters this often, and rewrite stats.file (0 = off)"},
    {"stats.file", CFG_STR, "", 0, 0, NULL, OFF(stats_file),
     "a JSON summary (counters, exit code and reason, rules version, rebalances, the embedded "
     "mock's dropped inputs) written at start, every stats.interval.ms and at exit, each time to "
     "a temporary file renamed over this path so a reader never sees half of one (empty = off)"},
    {"log.level", CFG_ENUM, "info", 0, 0, "error|warn|info|debug", OFF(log_level), "log threshold"},
    {"embedded.kafka", CFG_BOOL, "false", 0, 0, NULL, OFF(embedded_kafka),
     "host librdkafka's mock cluster in-process"},
    {"embedded.brokers", CFG_INT, "3", 1, 16, NULL, OFF(embedded_brokers),
     "embedded: number of mock brokers"},
    {"embedded.partitions", CFG_INT, "6", 1, 1000, NULL, OFF(embedded_partitions),
     "embedded: partitions per topic"},
    {"embedded.faults", CFG_STR, "", 0, 0, NULL, OFF(embedded_faults),
     "embedded: fault plan of AT_MS:produce|fetch|commit|endtxn:N:ERR, AT_MS:down|up:BROKER, "
     "AT_MS:leader:PART:BROKER, AT_MS:slowproduce:BROKER:N:ERR:RTT_MS; e.g. "
     "\"2000:produce:6:5;3000:down:1;5000:up:1\". AT_MS counts from the cluster's start, +AT_MS "
     "from the first assignment of this process's worker; ERR is a Kafka error code or name "
     "(NOT_LEADER_FOR_PARTITION); every entry is checked at start (src/harness/faults.h)"},
    {"exit.when.idle.ms", CFG_INT, "0", 0, 86400000, NULL, OFF(exit_when_idle_ms),
     "stop gracefully after this long without input (0 = never)"},
    {"embedded.worker", CFG_BOOL, "true", 0, 0, NULL, OFF(embedded_worker),
     "embedded: also run the worker (false: only host the cluster until signalled)"},
    {"embedded.generate", CFG_INT, "0", 0, 100000000, NULL, OFF(embedded_generate),
     "embedded: synthetic sessions to put on topic.input at start"},
    {"embedded.seed", CFG_INT, "1", 0, INT64_MAX, NULL, OFF(embedded_seed),
     "embedded: generator seed"},
    {"print.claims", CFG_INT, "0", 0, 1000, NULL, OFF(print_claims),
     "print the first N coded claims as JSON on stdout, each once acknowledged"},
    {"summary", CFG_BOOL, "false", 0, 0, NULL, OFF(summary),
     "print a summary (coded, rejected by rule id, dead-lettered) on stdout at exit"},
    {"max.messages", CFG_INT, "0", 0, INT64_MAX, NULL, OFF(max_messages),
     "stop gracefully after this many inputs (0 = no limit)"},
    {"http.listen", CFG_STR, "127.0.0.1:9464", 0, 0, NULL, OFF(http_listen),
     "HTTP /metrics /healthz /readyz on host:port, [v6]:port or 0.0.0.0:port (port 0: any; "
     "empty = off)"},
    {"code.helper", CFG_BOOL, "false", 0, 0, NULL, OFF(code_helper),
     "code each input batch on a second thread too (worth it where a core is free)"},
    {"embedded.autosize", CFG_BOOL, "true", 0, 0, NULL, OFF(embedded_autosize),
     "embedded: raise the partitions per topic until embedded.generate fits the mock's log "
     "(about 5 MiB per partition; false: keep embedded.partitions, the demo reports the loss)"},
};
#define N_ROWS (sizeof rows / sizeof rows[0])

/* The demo and test harness's keys, which --help and the docs list apart (config.h): what
 * --demo, --embedded-kafka, the tests and the benchmarks set. A trailing '*' is a prefix, so a
 * new embedded.* key goes there by itself. Not a column of rows[]: a row then states only what
 * the key is. */
static const char *const harness_keys[] = {"embedded.*", "print.claims", "summary", "mode"};

static slp_config_group_t row_group(const cfg_row_t *r) {
  for (size_t i = 0; i < sizeof harness_keys / sizeof harness_keys[0]; i++) {
    const char *k = harness_keys[i];
    size_t n = strlen(k);
    if (k[n - 1] == '*' ? strncmp(r->name, k, n - 1) == 0 : strcmp(r->name, k) == 0)
      return SLP_CONFIG_HARNESS;
  }
  return SLP_CONFIG_PRODUCTION;
}

static const cfg_row_t *row_find(const char *name) {
  for (size_t i = 0; i < N_ROWS; i++)
    if (strcmp(rows[i].name, name) == 0)
      return &rows[i];
  return NULL;
}

static int enum_index(const char *values, const char *v) {
  int idx = 0;
  size_t vl = strlen(v);
  for (const char *p = values;; idx++) {
    const char *bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (len == vl && strncmp(p, v, len) == 0)
      return idx;
    if (!bar)
      return -1;
    p = bar + 1;
  }
}

static const char *enum_name(const char *values, int idx, char *buf, size_t len) {
  const char *p = values;
  for (int i = 0; i < idx && p; i++) {
    p = strchr(p, '|');
    if (p)
      p++;
  }
  if (!p)
    return "?";
  const char *bar = strchr(p, '|');
  size_t n = bar ? (size_t)(bar - p) : strlen(p);
  if (n >= len)
    n = len - 1;
  memcpy(buf, p, n);
  buf[n] = 0;
  return buf;
}

static int parse_bool(const char *v, bool *out) {
  static const char *const yes[] = {"true", "1", "yes", "on"}, *const no[] = {"false", "0", "no",
                                                                              "off"};
  for (int i = 0; i < 4; i++) {
    if (strcasecmp(v, yes[i]) == 0)
      return *out = true, 0;
    if (strcasecmp(v, no[i]) == 0)
      return *out = false, 0;
  }
  return -1;
}

static int row_apply(slp_config_t *cfg, const cfg_row_t *r, const char *value, const char *source,
                     char *err, size_t errlen) {
  char *base = (char *)cfg + r->off;
  switch (r->type) {
  case CFG_STR: {
    char *dup = strdup(value);
    if (!dup)
      return snprintf(err, errlen, "%s: %s: out of memory", source, r->name), -1;
    free(*(char **)base);
    *(char **)base = dup;
    return 0;
  }
  case CFG_INT: {
    char *end;
    errno = 0;
    long long v = strtoll(value, &end, 10);
    /* strtoll skips leading blanks (and takes "+"); a number is its digits and nothing else, so
     * " 5" from an env var or -X is refused like "5 " is. */
    bool digits = isdigit((unsigned char)value[0]) ||
                  (value[0] == '-' && isdigit((unsigned char)value[1]));
    if (!digits || errno || end == value || *end || v < r->min || v > r->max) {
      snprintf(err, errlen, "%s: %s: bad value \"%s\" (an integer from %lld to %lld)", source,
               r->name, value, (long long)r->min, (long long)r->max);
      return -1;
    }
    *(int64_t *)base = v;
    return 0;
  }
  case CFG_BOOL:
    if (parse_bool(value, (bool *)base) != 0) {
      snprintf(err, errlen, "%s: %s: bad value \"%s\" (true or false)", source, r->name, value);
      return -1;
    }
    return 0;
  case CFG_ENUM: {
    int idx = enum_index(r->values, value);
    if (idx < 0) {
      snprintf(err, errlen, "%s: %s: bad value \"%s\" (one of %s)", source, r->name, value,
               r->values);
      return -1;
    }
    *(int *)base = idx;
    return 0;
  }
  }
  return -1;
}

void slp_config_init(slp_config_t *cfg) {
  char err[256];
  *cfg = (slp_config_t){0};
  for (size_t i = 0; i < N_ROWS; i++) {
    int rc = row_apply(cfg, &rows[i], rows[i].def, "default", err, sizeof err);
    (void)rc;
  }
}

void slp_config_free(slp_config_t *cfg) {
  for (size_t i = 0; i < N_ROWS; i++)
    if (rows[i].type == CFG_STR)
      free(*(char **)((char *)cfg + rows[i].off));
  for (size_t i = 0; i < cfg->n_kafka; i++) {
    free(cfg->kafka[i].key);
    free(cfg->kafka[i].value);
  }
  free(cfg->kafka);
  *cfg = (slp_config_t){0};
}

static int kafka_set(slp_config_t *cfg, const char *key, const char *value, const char *source,
                     char *err, size_t errlen) {
  if (!*key)
    return snprintf(err, errlen, "%s: kafka.: empty librdkafka property name", source), -1;
  slp_config_kv_t *kv = NULL;
  for (size_t i = 0; i < cfg->n_kafka; i++)
    if (strcmp(cfg->kafka[i].key, key) == 0)
      kv = &cfg->kafka[i];
  if (!kv) {
    if (cfg->n_kafka == cfg->cap_kafka) {
      size_t cap = cfg->cap_kafka ? 2 * cfg->cap_kafka : 16;
      slp_config_kv_t *n = realloc(cfg->kafka, cap * sizeof *n);
      if (!n)
        return snprintf(err, errlen, "%s: out of memory", source), -1;
      cfg->kafka = n;
      cfg->cap_kafka = cap;
    }
    kv = &cfg->kafka[cfg->n_kafka++];
    *kv = (slp_config_kv_t){.key = strdup(key)};
  }
  free(kv->value);
  kv->value = strdup(value);
  snprintf(kv->source, sizeof kv->source, "%s", source);
  if (!kv->key || !kv->value)
    return snprintf(err, errlen, "%s: out of memory", source), -1;
  return 0;
}

int slp_config_set(slp_config_t *cfg, const char *key, const char *value, const char *source,
                   char *err, size_t errlen) {
  if (strncmp(key, "kafka.", 6) == 0)
    return kafka_set(cfg, key + 6, value, source, err, errlen);
  const cfg_row_t *r = row_find(key);
  if (!r) {
    snprintf(err, errlen,
             "%s: %s: unknown key (see --help; librdkafka properties take the kafka. prefix)",
             source, key);
    return -1;
  }
  return row_apply(cfg, r, value, source, err, errlen);
}

/* ---- file ------------------------------------------------------------------ */

/* A configuration file is a few dozen lines; this bounds what is read from a wrong -c. */
#define CFG_FILE_MAX (1 << 20)

typedef struct file_ctx {
  slp_config_t *cfg;
  const char *path;
  const char *buf; /* the whole file, NUL-terminated (it holds no other NUL) */
  size_t pos, len;
  int line;      /* the line inih is parsing: it reads one, then calls the handler */
  char err[512]; /* first error, source included */
} file_ctx_t;

/* fgets over the buffer, for ini_parse_stream: at most num - 1 bytes, up to a newline. */
static char *cfg_ini_reader(char *str, int num, void *stream) {
  file_ctx_t *fc = stream;
  if (fc->pos >= fc->len || num < 2)
    return NULL;
  size_t max = (size_t)num - 1, n = 0;
  while (n < max && fc->pos < fc->len) {
    char c = fc->buf[fc->pos++];
    str[n++] = c;
    if (c == '\n')
      break;
  }
  str[n] = '\0';
  if (n > 0 && str[n - 1] == '\n')
    fc->line++;
  else if (fc->pos >= fc->len)
    fc->line++; /* the last line, without a newline */
  return str;
}

/* Read path whole: a regular file (a FIFO or device is refused, never waited on) of at most
 * CFG_FILE_MAX bytes without a NUL byte. Returns a malloc'd, NUL-terminated copy or NULL with
 * err set. */
static char *cfg_read_file(const char *path, size_t *len, char *err, size_t errlen) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno)), NULL;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return snprintf(err, errlen, "%s: cannot open: %s", path, strerror(e)), NULL;
  }
  if (!S_ISREG(st.st_mode) || st.st_size > CFG_FILE_MAX) {
    close(fd);
    if (!S_ISREG(st.st_mode))
      return snprintf(err, errlen, "%s: not a regular file", path), NULL;
    return snprintf(err, errlen, "%s: larger than %d bytes", path, CFG_FILE_MAX), NULL;
  }
  char *buf = malloc((size_t)st.st_size + 1);
  size_t n = 0;
  while (buf && n < (size_t)st.st_size) {
    ssize_t got = read(fd, buf + n, (size_t)st.st_size - n);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0) {
      if (got < 0)
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
      else
        break; /* shorter than fstat said: it shrank */
      free(buf);
      close(fd);
      return NULL;
    }
    n += (size_t)got;
  }
  close(fd);
  if (!buf)
    return snprintf(err, errlen, "%s: out of memory", path), NULL;
  buf[n] = '\0';
  const char *nul = memchr(buf, '\0', n);
  if (nul) { /* inih would read the line only up to it, and take a different value */
    int line = 1;
    for (const char *p = buf; p < nul; p++)
      line += *p == '\n';
    free(buf);
    return snprintf(err, errlen, "%s:%d: NUL byte", path, line), NULL;
  }
  *len = n;
  return buf;
}

static int cfg_ini_handler(void *user, const char *section, const char *name, const char *value) {
  file_ctx_t *fc = user;
  if (fc->err[0])
    return 0;
  char key[256];
  if (section && *section)
    snprintf(key, sizeof key, "%s.%s", section, name);
  else
    snprintf(key, sizeof key, "%s", name);
  char source[200];
  snprintf(source, sizeof source, "%s:%d", fc->path, fc->line);
  if (slp_config_set(fc->cfg, key, value, source, fc->err, sizeof fc->err) != 0)
    return 0;
  return 1;
}

int slp_config_load_file(slp_config_t *cfg, const char *path, char *err, size_t errlen) {
  file_ctx_t fc = {.cfg = cfg, .path = path};
  char *text = cfg_read_file(path, &fc.len, err, errlen);
  if (!text)
    return -1;
  fc.buf = text;
  int rc = ini_parse_stream(cfg_ini_reader, &fc, cfg_ini_handler, &fc);
  free(text);
  if (rc == 0)
    return 0;
  if (rc < 0)
    snprintf(err, errlen, "%s: out of memory", path);
  else if (fc.err[0])
    snprintf(err, errlen, "%s", fc.err);
  else
    snprintf(err, errlen, "%s:%d: syntax error (expected key = value or [section])", path, rc);
  return -1;
}

/* ---- environment ------------------------------------------------------------ */

static void env_name(const char *key, char *buf, size_t len) {
  size_t n = snprintf(buf, len, "SLPCODER_");
  for (const char *p = key; *p && n + 1 < len; p++)
    buf[n++] = *p == '.' ? '_' : (char)toupper((unsigned char)*p);
  buf[n] = 0;
}

static const char *env_lookup(char *const *envp, const char *name) {
  size_t nl = strlen(name);
  for (char *const *e = envp; e && *e; e++)
    if (strncmp(*e, name, nl) == 0 && (*e)[nl] == '=')
      return *e + nl + 1;
  return NULL;
}

/* SLPCODER_* variables that are not settings: the build and test harness's (CMakeLists.txt's
 * SLPCODER_TEST_ENV, the tests, scripts/kafka-broker, bench/). Any other SLPCODER_* name that is
 * not a key is an error, not ignored: a misspelt SLPCODER_DELIVERY would otherwise run a worker
 * at-least-once that was meant to be exactly-once, and nobody would know. An allow-list rather
 * than a warning because a warning is lost in a log; a new harness variable must be added here
 * (or use one of the prefixes), which the daemon tests catch at once. */
static const char *const env_not_settings[] = {"SLPCODER_SOURCE_DIR", "SLPCODER_BUILD_DIR",
                                               "SLPCODER_BIN", "SLPCODER_RULES"};
static const char *const env_not_setting_prefixes[] = {"SLPCODER_BROKER_", "SLPCODER_BENCH_",
                                                       "SLPCODER_TEST_", "SLPCODER_FUZZ_"};

static bool env_known(const char *var, size_t nl) {
  char name[128];
  for (size_t i = 0; i < sizeof env_not_settings / sizeof env_not_settings[0]; i++)
    if (strlen(env_not_settings[i]) == nl && strncmp(var, env_not_settings[i], nl) == 0)
      return true;
  for (size_t i = 0; i < sizeof env_not_setting_prefixes / sizeof env_not_setting_prefixes[0]; i++)
    if (strncmp(var, env_not_setting_prefixes[i], strlen(env_not_setting_prefixes[i])) == 0)
      return true;
  if (strncmp(var, "SLPCODER_KAFKA_", 15) == 0)
    return true;
  for (size_t i = 0; i < N_ROWS; i++) {
    env_name(rows[i].name, name, sizeof name);
    if (strlen(name) == nl && strncmp(var, name, nl) == 0)
      return true;
  }
  return false;
}

int slp_config_load_env(slp_config_t *cfg, char *const *envp, char *err, size_t errlen) {
  for (char *const *e = envp; e && *e; e++) {
    if (strncmp(*e, "SLPCODER_", 9) != 0)
      continue;
    const char *eq = strchr(*e, '=');
    size_t nl = eq ? (size_t)(eq - *e) : strlen(*e);
    if (!env_known(*e, nl))
      return snprintf(err, errlen,
                      "env %.*s: unknown setting (see --help; librdkafka properties are "
                      "SLPCODER_KAFKA_*)",
                      (int)nl, *e),
             -1;
  }
  char name[128], source[160];
  const char *alias = env_lookup(envp, "SLPCODER_RULES");
  if (alias && slp_config_set(cfg, "rules.dir", alias, "env SLPCODER_RULES", err, errlen) != 0)
    return -1;
  for (size_t i = 0; i < N_ROWS; i++) {
    env_name(rows[i].name, name, sizeof name);
    const char *v = env_lookup(envp, name);
    if (!v)
      continue;
    snprintf(source, sizeof source, "env %s", name);
    if (slp_config_set(cfg, rows[i].name, v, source, err, errlen) != 0)
      return -1;
  }
  for (char *const *e = envp; e && *e; e++) {
    if (strncmp(*e, "SLPCODER_KAFKA_", 15) != 0)
      continue;
    const char *eq = strchr(*e, '=');
    if (!eq)
      continue;
    char key[256];
    size_t n = 0;
    for (const char *p = *e + 15; p < eq && n + 1 < sizeof key; p++)
      key[n++] = *p == '_' ? '.' : (char)tolower((unsigned char)*p);
    key[n] = 0;
    snprintf(source, sizeof source, "env %.*s", (int)(eq - *e), *e);
    if (kafka_set(cfg, key, eq + 1, source, err, errlen) != 0)
      return -1;
  }
  return 0;
}

/* ---- checks, kafka, help ---------------------------------------------------- */

const char *slp_config_kafka_get(const slp_config_t *cfg, const char *key) {
  for (size_t i = 0; i < cfg->n_kafka; i++)
    if (strcmp(cfg->kafka[i].key, key) == 0)
      return cfg->kafka[i].value;
  return NULL;
}

/* Kafka's own rule (Topic.validate in the broker): 1..249 characters of [a-zA-Z0-9._-], and
 * not "." or "..". Checked here so a bad name fails at start with the key named, not as an
 * UNKNOWN_TOPIC error from the broker minutes later. */
static const char *topic_problem(const char *t) {
  size_t n = strlen(t);
  if (n == 0)
    return "must not be empty";
  if (n > 249)
    return "longer than Kafka's 249-character limit for a topic name";
  if (strcmp(t, ".") == 0 || strcmp(t, "..") == 0)
    return "\".\" and \"..\" are not topic names";
  if (strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
    return "a topic name is letters, digits, '.', '_' and '-' only";
  return NULL;
}

static bool conf_false(const char *v) {
  bool b = true;
  return v && parse_bool(v, &b) == 0 && !b;
}

/* kafka.* settings that would quietly give up a guarantee slpcoderd makes (no loss, no
 * duplicate in exactly-once); NULL when none. The worker sets the safe values itself, but the
 * user's kafka.* are applied after them, so they have to be refused here. */
static const char *guarantee_problem(const slp_config_t *cfg, char *buf, size_t len) {
  const char *idem = slp_config_kafka_get(cfg, "enable.idempotence");
  if (conf_false(idem))
    return snprintf(buf, len,
                    "kafka.enable.idempotence: must stay true (a retried produce could write an "
                    "output twice or out of order)"),
           buf;
  const char *keys[] = {"acks", "request.required.acks"};
  for (int i = 0; i < 2; i++) {
    const char *acks = slp_config_kafka_get(cfg, keys[i]);
    if (acks && strcmp(acks, "all") != 0 && strcmp(acks, "-1") != 0)
      return snprintf(buf, len,
                      "kafka.%s: must be all (or -1): with fewer acknowledgements a broker "
                      "failure can lose an output whose input offset was already committed",
                      keys[i]),
             buf;
  }
  const char *iso = slp_config_kafka_get(cfg, "isolation.level");
  if (cfg->delivery == SLP_EXACTLY_ONCE && iso && strcmp(iso, "read_committed") != 0)
    return snprintf(buf, len,
                    "kafka.isolation.level: must be read_committed with delivery = exactly-once "
                    "(read_uncommitted would code inputs of aborted transactions)"),
           buf;
  return NULL;
}

const char *slp_config_payload_debug(const slp_config_t *cfg) {
  static const char *const dumps[] = {"all", "msg", "protocol"};
  const char *dbg = slp_config_kafka_get(cfg, "debug");
  if (!dbg)
    return NULL;
  for (const char *p = dbg; *p;) {
    size_t n = strcspn(p, ", ");
    for (int i = 0; i < 3; i++)
      if (strlen(dumps[i]) == n && strncmp(p, dumps[i], n) == 0)
        return dumps[i];
    p += n;
    p += strspn(p, ", ");
  }
  return NULL;
}

int slp_config_validate(const slp_config_t *cfg, char *err, size_t errlen) {
  const char *topics[] = {cfg->topic_input, cfg->topic_coded, cfg->topic_rejected, cfg->topic_dlq};
  const char *names[] = {"topic.input", "topic.coded", "topic.rejected", "topic.dlq"};
  for (int i = 0; i < 4; i++) {
    const char *why = topic_problem(topics[i]);
    if (why)
      return snprintf(err, errlen, "%s: %s", names[i], why), -1;
    for (int j = 0; j < i; j++)
      if (strcmp(topics[i], topics[j]) == 0)
        return snprintf(err, errlen, "%s: same topic as %s (\"%s\")", names[i], names[j],
                        topics[i]),
               -1;
  }
  if (!cfg->embedded_kafka && !slp_config_kafka_get(cfg, "bootstrap.servers"))
    return snprintf(err, errlen, "kafka.bootstrap.servers: not set (or use --embedded-kafka)"), -1;
  if (slp_config_kafka_get(cfg, "enable.auto.offset.store"))
    return snprintf(err, errlen,
                    "kafka.enable.auto.offset.store: managed by slpcoderd, do not set"),
           -1;
  if (cfg->delivery == SLP_EXACTLY_ONCE && slp_config_kafka_get(cfg, "transactional.id"))
    return snprintf(err, errlen, "kafka.transactional.id: use transactional.id (without kafka.)"),
           -1;
  const char *group = slp_config_kafka_get(cfg, "group.id");
  if (group && !*group)
    return snprintf(err, errlen, "kafka.group.id: must not be empty"), -1;
  if (guarantee_problem(cfg, err, errlen))
    return -1;
  const char *dump = slp_config_payload_debug(cfg);
  if (dump)
    SLP_WARN("kafka.debug: context \"%s\" dumps message payloads into the log, and payloads may "
             "carry patient data (identifiers, birth dates): use it only on test data",
             dump);
  return 0;
}

int slp_config_apply_kafka(const slp_config_t *cfg, rd_kafka_conf_t *conf, char *err,
                           size_t errlen) {
  char e[512];
  for (size_t i = 0; i < cfg->n_kafka; i++) {
    const slp_config_kv_t *kv = &cfg->kafka[i];
    if (rd_kafka_conf_set(conf, kv->key, kv->value, e, sizeof e) != RD_KAFKA_CONF_OK) {
      snprintf(err, errlen, "%s: kafka.%s: librdkafka refused it: %s", kv->source, kv->key, e);
      return -1;
    }
  }
  return 0;
}

static void usage_rows(FILE *out, slp_config_group_t group) {
  char env[128], dflt[64];
  for (size_t i = 0; i < N_ROWS; i++) {
    const cfg_row_t *r = &rows[i];
    if (row_group(r) != group)
      continue;
    env_name(r->name, env, sizeof env);
    snprintf(dflt, sizeof dflt, "%s", r->def);
    fprintf(out, "  %-22s %s\n  %-22s   default \"%s\"", r->name, r->doc, "", dflt);
    if (r->type == CFG_INT)
      fprintf(out, ", %lld..%lld", (long long)r->min, (long long)r->max);
    if (r->type == CFG_ENUM)
      fprintf(out, ", one of %s", r->values);
    fprintf(out, "; env %s\n", env);
  }
}

void slp_config_usage(FILE *out) {
  fprintf(out, "Settings (file key = value, env SLPCODER_<KEY>, or -X key=value; later wins):\n");
  usage_rows(out, SLP_CONFIG_PRODUCTION);
  fprintf(out,
          "  %-22s any librdkafka property, passed verbatim (e.g. kafka.bootstrap.servers);\n"
          "  %-22s   env SLPCODER_KAFKA_FOO_BAR is kafka.foo.bar; file section [kafka]\n"
          "Any other SLPCODER_* environment variable is an error (a misspelt key must not\n"
          "go unnoticed), except the test harness's SLPCODER_SOURCE_DIR, _BUILD_DIR, _BIN,\n"
          "_RULES and SLPCODER_BROKER_*, _BENCH_*, _TEST_*, _FUZZ_*.\n",
          "kafka.<property>", "");
  fprintf(out, "\n%s (%s):\n", slp_config_harness_heading, slp_config_harness_scope);
  usage_rows(out, SLP_CONFIG_HARNESS);
}

static bool secret(const char *key) {
  return strstr(key, "password") || strstr(key, "secret") || strstr(key, "sasl.oauthbearer.config");
}

void slp_config_dump(const slp_config_t *cfg, FILE *out) {
  char buf[64];
  for (size_t i = 0; i < N_ROWS; i++) {
    const cfg_row_t *r = &rows[i];
    const char *base = (const char *)cfg + r->off;
    switch (r->type) {
    case CFG_STR:
      fprintf(out, "%s = %s\n", r->name, *(char *const *)base);
      break;
    case CFG_INT:
      fprintf(out, "%s = %lld\n", r->name, (long long)*(const int64_t *)base);
      break;
    case CFG_BOOL:
      fprintf(out, "%s = %s\n", r->name, *(const bool *)base ? "true" : "false");
      break;
    case CFG_ENUM:
      fprintf(out, "%s = %s\n", r->name, enum_name(r->values, *(const int *)base, buf, sizeof buf));
      break;
    }
  }
  for (size_t i = 0; i < cfg->n_kafka; i++)
    fprintf(out, "kafka.%s = %s\n", cfg->kafka[i].key,
            secret(cfg->kafka[i].key) ? "[redacted]" : cfg->kafka[i].value);
}

/* ---- generated docs (man page, docs/CONFIGURATION.md) ---------------------------- */

static const char *type_name(cfg_type_t t) {
  switch (t) {
  case CFG_STR:
    return "string";
  case CFG_INT:
    return "integer";
  case CFG_BOOL:
    return "boolean";
  case CFG_ENUM:
    return "enum";
  }
  return "?";
}

const char slp_config_harness_heading[] = "Demo and test settings";
const char slp_config_harness_scope[] =
    "--demo, --embedded-kafka, tests, benchmarks; not for production";

void slp_config_doc_man(FILE *out, slp_config_group_t group) {
  char env[128], range[96];
  for (size_t i = 0; i < N_ROWS; i++) {
    const cfg_row_t *r = &rows[i];
    if (row_group(r) != group)
      continue;
    env_name(r->name, env, sizeof env);
    fputs(".TP\n.B ", out);
    slp_roff_puts(out, r->name);
    fputs("\n", out);
    slp_roff_puts(out, r->doc);
    fputs(".\n.br\nDefault \\(lq", out);
    slp_roff_puts(out, r->def);
    fprintf(out, "\\(rq, %s", type_name(r->type));
    if (r->type == CFG_INT) {
      snprintf(range, sizeof range, " from %lld to %lld", (long long)r->min, (long long)r->max);
      slp_roff_puts(out, range);
    }
    if (r->type == CFG_ENUM) {
      fputs(", one of ", out);
      slp_roff_puts(out, r->values);
    }
    fputs("; environment \n.BR ", out);
    slp_roff_puts(out, env);
    fputs(" .\n", out);
  }
  if (group != SLP_CONFIG_PRODUCTION)
    return;
  fputs(".TP\n.BI kafka. property\n"
        "Any librdkafka property, passed verbatim to the consumer and the producer "
        "(e.g.\n.BR kafka.bootstrap.servers );\n"
        "environment SLPCODER_KAFKA_FOO_BAR is kafka.foo.bar; file section\n.BR [kafka] .\n",
        out);
}

void slp_config_doc_markdown(FILE *out, slp_config_group_t group) {
  char env[128];
  fputs("| key | type | default | allowed | environment | meaning |\n"
        "|---|---|---|---|---|---|\n",
        out);
  for (size_t i = 0; i < N_ROWS; i++) {
    const cfg_row_t *r = &rows[i];
    if (row_group(r) != group)
      continue;
    env_name(r->name, env, sizeof env);
    fprintf(out, "| `%s` | %s | ", r->name, type_name(r->type));
    if (r->def[0]) {
      fputs("`", out);
      slp_md_cell(out, r->def);
      fputs("`", out);
    } else {
      fputs("(empty)", out);
    }
    fputs(" | ", out);
    if (r->type == CFG_INT)
      fprintf(out, "%lld..%lld", (long long)r->min, (long long)r->max);
    else if (r->type == CFG_ENUM) {
      for (const char *p = r->values; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        fprintf(out, "%s`%.*s`", p == r->values ? "" : ", ", (int)len, p);
        p += len + (bar ? 1 : 0);
      }
    } else if (r->type == CFG_BOOL)
      fputs("`true`, `false`", out);
    fprintf(out, " | `%s` | ", env);
    slp_md_cell(out, r->doc);
    fputs(" |\n", out);
  }
  if (group != SLP_CONFIG_PRODUCTION)
    return;
  fputs("| `kafka.<property>` | string | | any librdkafka property | `SLPCODER_KAFKA_<PROPERTY>` "
        "(dots as `_`) | passed verbatim to the consumer and the producer; file section "
        "`[kafka]` |\n",
        out);
}
