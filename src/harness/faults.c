/* SPDX-License-Identifier: Apache-2.0 */
/* faults.c -- the fault plan: a validating parser, and timers that inject each entry into the
 * mock cluster, from the cluster's start or from the worker's first assignment. */
#include "harness/faults.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/log.h"

#define MAX_AT_MS 86400000
#define MAX_COUNT 10000
#define MAX_RTT_MS 60000
#define MAX_FIELDS 6 /* AT_MS, the action, and at most 4 arguments */
#define WATCH_MS 10  /* how often the worker's status is looked at, until its first assignment */

typedef enum field_kind { F_COUNT, F_ERR, F_BROKER, F_PARTITION, F_RTT } field_kind_t;

/* One row per action: its name, its arguments, and the request it fails (ApiKey, or -1). */
static const struct {
  const char *name;
  const char *usage;
  int nargs;
  field_kind_t args[4];
  int16_t apikey;
  const char *request; /* Kafka's name of the request, for the log */
} actions[SLP_FAULT_ACTIONS] = {
    [SLP_FAULT_PRODUCE] = {"produce", "COUNT:ERR", 2, {F_COUNT, F_ERR}, 0, "Produce"},
    [SLP_FAULT_FETCH] = {"fetch", "COUNT:ERR", 2, {F_COUNT, F_ERR}, 1, "Fetch"},
    [SLP_FAULT_COMMIT] = {"commit", "COUNT:ERR", 2, {F_COUNT, F_ERR}, 8, "OffsetCommit"},
    [SLP_FAULT_ENDTXN] = {"endtxn", "COUNT:ERR", 2, {F_COUNT, F_ERR}, 26, "EndTxn"},
    [SLP_FAULT_DOWN] = {"down", "BROKER", 1, {F_BROKER}, -1, NULL},
    [SLP_FAULT_UP] = {"up", "BROKER", 1, {F_BROKER}, -1, NULL},
    [SLP_FAULT_LEADER] = {"leader", "PARTITION:BROKER", 2, {F_PARTITION, F_BROKER}, -1, NULL},
    [SLP_FAULT_SLOWPRODUCE] = {"slowproduce",
                               "BROKER:COUNT:ERR:RTT_MS",
                               4,
                               {F_BROKER, F_COUNT, F_ERR, F_RTT},
                               0,
                               "Produce"},
};

const char *slp_fault_action_name(slp_fault_action_t action) {
  return action < SLP_FAULT_ACTIONS ? actions[action].name : "?";
}

/* ---- the parser ----------------------------------------------------------------------- */

/* Digits only (no sign, no blank: "5 " or "+5" in an argument is a typo, not a 5). Returns 0,
 * -1 not a number, -2 outside lo..hi. */
static int parse_num(const char *s, int64_t lo, int64_t hi, int64_t *out) {
  if (!*s)
    return -1;
  for (const char *p = s; *p; p++)
    if (!isdigit((unsigned char)*p))
      return -1;
  errno = 0;
  long long v = strtoll(s, NULL, 10);
  if (errno == ERANGE || v < lo || v > hi)
    return -2;
  *out = v;
  return 0;
}

/* A broker error librdkafka knows: local errors (negative) cannot come from a broker, and an
 * unknown code would test nothing the client handles. */
static bool known_broker_err(int64_t code) {
  if (code <= 0 || code >= RD_KAFKA_RESP_ERR_END_ALL)
    return false;
  const char *name = rd_kafka_err2name((rd_kafka_resp_err_t)code);
  size_t n = strlen(name);
  return n > 0 && name[n - 1] != '?'; /* librdkafka's "ERR_98?" for a code it does not know */
}

static bool err_by_name(const char *s, rd_kafka_resp_err_t *out) {
  const struct rd_kafka_err_desc *descs;
  size_t n;
  rd_kafka_get_err_descs(&descs, &n);
  for (size_t i = 0; i < n; i++)
    if (descs[i].code > 0 && descs[i].name && strcasecmp(descs[i].name, s) == 0) {
      *out = descs[i].code;
      return true;
    }
  return false;
}

typedef struct entry_ctx {
  size_t index;     /* 1-based */
  const char *text; /* the entry as written (trimmed) */
  char *err;
  size_t errlen;
} entry_ctx_t;

static int entry_error(const entry_ctx_t *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int entry_error(const entry_ctx_t *e, const char *fmt, ...) {
  char why[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  snprintf(e->err, e->errlen, "embedded.faults: entry %zu \"%.80s\": %s", e->index, e->text, why);
  return -1;
}

static int parse_arg(const entry_ctx_t *e, field_kind_t kind, const char *s,
                     const slp_fault_limits_t *lim, slp_fault_t *f) {
  int64_t v = 0;
  int rc;
  switch (kind) {
  case F_COUNT:
    if ((rc = parse_num(s, 1, MAX_COUNT, &v)) != 0)
      return rc == -1 ? entry_error(e, "count \"%s\" is not a number", s)
                      : entry_error(e, "count %s is out of range (1..%d)", s, MAX_COUNT);
    f->count = (int32_t)v;
    return 0;
  case F_BROKER:
    if ((rc = parse_num(s, 1, lim->brokers, &v)) != 0)
      return rc == -1 ? entry_error(e, "broker \"%s\" is not a number", s)
                      : entry_error(e, "broker %s is out of range (1..%d, embedded.brokers)", s,
                                    lim->brokers);
    f->broker = (int32_t)v;
    return 0;
  case F_PARTITION:
    if ((rc = parse_num(s, 0, lim->partitions - 1, &v)) != 0)
      return rc == -1
                 ? entry_error(e, "partition \"%s\" is not a number", s)
                 : entry_error(e, "partition %s is out of range (0..%d)", s, lim->partitions - 1);
    f->partition = (int32_t)v;
    return 0;
  case F_RTT:
    if ((rc = parse_num(s, 0, MAX_RTT_MS, &v)) != 0)
      return rc == -1 ? entry_error(e, "rtt \"%s\" is not a number", s)
                      : entry_error(e, "rtt %s is out of range (0..%d ms)", s, MAX_RTT_MS);
    f->rtt_ms = (int32_t)v;
    return 0;
  case F_ERR:
    if (isdigit((unsigned char)s[0]) || s[0] == '-') {
      const char *digits = s[0] == '-' ? s + 1 : s;
      if (parse_num(digits, 0, INT32_MAX, &v) == -1)
        return entry_error(e, "error \"%s\" is not a number or a Kafka error name", s);
      if (s[0] == '-' || !known_broker_err(v))
        return entry_error(e, "error %s is not a Kafka broker error code (%s)", s,
                           s[0] == '-' ? "negative codes are librdkafka's local errors"
                                       : "rd_kafka_err2name does not know it");
      f->err = (rd_kafka_resp_err_t)v;
      return 0;
    }
    if (!err_by_name(s, &f->err))
      return entry_error(e,
                         "error \"%s\" is not a Kafka broker error name (e.g. "
                         "NOT_LEADER_FOR_PARTITION, or its code 6)",
                         s);
    return 0;
  }
  return -1;
}

static int parse_entry(const entry_ctx_t *e, char *buf, const slp_fault_limits_t *lim,
                       slp_fault_t *f) {
  char *fld[MAX_FIELDS + 1];
  int n = 0;
  /* Split on every ':' (strtok would merge "1::2" into two fields and hide the typo). */
  for (char *p = buf;; n++) {
    if (n == MAX_FIELDS + 1)
      return entry_error(e, "too many fields (at most %d)", MAX_FIELDS);
    fld[n] = p;
    char *colon = strchr(p, ':');
    if (!colon) {
      n++;
      break;
    }
    *colon = '\0';
    p = colon + 1;
  }
  *f = (slp_fault_t){0};
  const char *at = fld[0];
  if (at[0] == '+') {
    f->from_assign = true;
    at++;
  }
  int64_t v = 0;
  int rc = parse_num(at, 0, MAX_AT_MS, &v);
  if (rc != 0)
    return rc == -1 ? entry_error(e,
                                  "time \"%s\" is not a number (AT_MS, or +AT_MS from the "
                                  "first assignment)",
                                  fld[0])
                    : entry_error(e, "time %s is out of range (0..%d ms)", fld[0], MAX_AT_MS);
  f->at_ms = v;
  if (n < 2 || !fld[1][0])
    return entry_error(e, "no action (expected AT_MS:ACTION:...)");
  int action = -1;
  for (int i = 0; i < SLP_FAULT_ACTIONS; i++)
    if (strcmp(fld[1], actions[i].name) == 0)
      action = i;
  if (action < 0)
    return entry_error(e,
                       "unknown action \"%s\" (produce, fetch, commit, endtxn, down, up, leader "
                       "or slowproduce)",
                       fld[1]);
  f->action = (slp_fault_action_t)action;
  if (n - 2 != actions[action].nargs)
    return entry_error(e, "%s takes %d argument%s (%s), got %d", actions[action].name,
                       actions[action].nargs, actions[action].nargs == 1 ? "" : "s",
                       actions[action].usage, n - 2);
  for (int i = 0; i < actions[action].nargs; i++)
    if (parse_arg(e, actions[action].args[i], fld[2 + i], lim, f) != 0)
      return -1;
  return 0;
}

static void trim(char **s) {
  while (isspace((unsigned char)**s))
    (*s)++;
  size_t n = strlen(*s);
  while (n > 0 && isspace((unsigned char)(*s)[n - 1]))
    (*s)[--n] = '\0';
}

int slp_fault_plan_parse(const char *text, const slp_fault_limits_t *lim, slp_fault_plan_t *plan,
                         char *err, size_t errlen) {
  *plan = (slp_fault_plan_t){0};
  size_t cap = 1; /* entries: at most one more than the separators */
  for (const char *p = text; *p; p++)
    cap += *p == ';';
  char *copy = strdup(text);
  plan->v = calloc(cap, sizeof *plan->v);
  if (!copy || !plan->v) {
    free(copy);
    slp_fault_plan_free(plan);
    return snprintf(err, errlen, "embedded.faults: out of memory"), -1;
  }
  size_t index = 0;
  for (char *ent = copy, *next; ent; ent = next) {
    next = strchr(ent, ';');
    if (next)
      *next++ = '\0';
    trim(&ent);
    if (!*ent)
      continue;
    index++;
    char shown[96], buf[256];
    snprintf(shown, sizeof shown, "%s", ent);
    entry_ctx_t e = {.index = index, .text = shown, .err = err, .errlen = errlen};
    if (strlen(ent) >= sizeof buf) {
      entry_error(&e, "longer than %zu characters", sizeof buf - 1);
      free(copy);
      slp_fault_plan_free(plan);
      return -1;
    }
    snprintf(buf, sizeof buf, "%s", ent);
    if (parse_entry(&e, buf, lim, &plan->v[plan->n]) != 0) {
      free(copy);
      slp_fault_plan_free(plan);
      return -1;
    }
    plan->n++;
  }
  free(copy);
  return 0;
}

void slp_fault_plan_free(slp_fault_plan_t *plan) {
  free(plan->v);
  *plan = (slp_fault_plan_t){0};
}

size_t slp_fault_plan_from_assign(const slp_fault_plan_t *plan) {
  size_t n = 0;
  for (size_t i = 0; i < plan->n; i++)
    n += plan->v[i].from_assign;
  return n;
}

/* ---- the timers ----------------------------------------------------------------------- */

typedef struct fault_timer {
  uv_timer_t timer;
  slp_faults_t *owner;
  const slp_fault_t *fault;
} fault_timer_t;

struct slp_faults {
  rd_kafka_mock_cluster_t *mc;
  const slp_config_t *cfg;
  slp_fault_plan_t plan;
  fault_timer_t *timers; /* one per entry, all initialised at arm */
  uv_timer_t watch;      /* the worker's status, until its first assignment */
  slp_worker_t *worker;
  bool assigned; /* the '+' entries are started */
  bool closed;
  size_t fired;
};

static void fault_fire(uv_timer_t *t) {
  fault_timer_t *ft = t->data;
  const slp_fault_t *f = ft->fault;
  slp_faults_t *faults = ft->owner;
  const char *req = actions[f->action].request;
  rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
  faults->fired++;
  switch (f->action) {
  case SLP_FAULT_PRODUCE:
  case SLP_FAULT_FETCH:
  case SLP_FAULT_COMMIT:
  case SLP_FAULT_ENDTXN: {
    rd_kafka_resp_err_t *errs = malloc((size_t)f->count * sizeof *errs);
    if (!errs) {
      SLP_ERROR("fault action failed: out of memory");
      return;
    }
    for (int32_t i = 0; i < f->count; i++)
      errs[i] = f->err;
    rd_kafka_mock_push_request_errors_array(faults->mc, actions[f->action].apikey, (size_t)f->count,
                                            errs);
    free(errs);
    SLP_WARN("fault injected: %d %s requests fail with %s", (int)f->count, req,
             rd_kafka_err2name(f->err));
    break;
  }
  case SLP_FAULT_DOWN:
    e = rd_kafka_mock_broker_set_down(faults->mc, f->broker);
    SLP_WARN("fault injected: broker %d down", (int)f->broker);
    break;
  case SLP_FAULT_UP:
    e = rd_kafka_mock_broker_set_up(faults->mc, f->broker);
    SLP_WARN("fault injected: broker %d up", (int)f->broker);
    break;
  case SLP_FAULT_LEADER: {
    const slp_config_t *cfg = faults->cfg;
    const char *topics[] = {cfg->topic_input, cfg->topic_coded, cfg->topic_rejected,
                            cfg->topic_dlq};
    for (int i = 0; i < 4 && !e; i++)
      e = rd_kafka_mock_partition_set_leader(faults->mc, topics[i], f->partition, f->broker);
    SLP_WARN("fault injected: partition %d leader -> broker %d", (int)f->partition, (int)f->broker);
    break;
  }
  case SLP_FAULT_SLOWPRODUCE:
    for (int32_t i = 0; i < f->count && !e; i++)
      e = rd_kafka_mock_broker_push_request_error_rtts(
          faults->mc, f->broker, actions[f->action].apikey, 1, f->err, (int)f->rtt_ms);
    SLP_WARN("fault injected: broker %d: %d %s requests fail with %s after %d ms each",
             (int)f->broker, (int)f->count, req, rd_kafka_err2name(f->err), (int)f->rtt_ms);
    break;
  case SLP_FAULT_ACTIONS:
    break;
  }
  if (e)
    SLP_ERROR("fault action failed: %s", rd_kafka_err2str(e));
}

slp_faults_t *slp_faults_arm(uv_loop_t *loop, slp_mock_t *mock, const slp_config_t *cfg,
                             slp_fault_plan_t *plan) {
  slp_faults_t *faults = calloc(1, sizeof *faults);
  fault_timer_t *timers = calloc(plan->n ? plan->n : 1, sizeof *timers);
  if (!faults || !timers) {
    free(faults);
    free(timers);
    return NULL;
  }
  faults->mc = slp_mock_cluster(mock);
  faults->cfg = cfg;
  faults->plan = *plan;
  *plan = (slp_fault_plan_t){0}; /* the entries are now the faults' */
  faults->timers = timers;
  uv_timer_init(loop, &faults->watch);
  faults->watch.data = faults;
  for (size_t i = 0; i < faults->plan.n; i++) {
    fault_timer_t *ft = &timers[i];
    *ft = (fault_timer_t){.owner = faults, .fault = &faults->plan.v[i]};
    uv_timer_init(loop, &ft->timer);
    ft->timer.data = ft;
    if (!ft->fault->from_assign)
      uv_timer_start(&ft->timer, fault_fire, (uint64_t)ft->fault->at_ms, 0);
  }
  return faults;
}

void slp_faults_assigned(slp_faults_t *faults) {
  if (faults->assigned || faults->closed)
    return;
  faults->assigned = true;
  size_t n = slp_fault_plan_from_assign(&faults->plan);
  if (n)
    SLP_INFO("faults: the worker holds its first partitions; %zu entries timed from now", n);
  for (size_t i = 0; i < faults->plan.n; i++)
    if (faults->plan.v[i].from_assign)
      uv_timer_start(&faults->timers[i].timer, fault_fire, (uint64_t)faults->plan.v[i].at_ms, 0);
}

static void on_watch(uv_timer_t *t) {
  slp_faults_t *faults = t->data;
  slp_worker_status_t st;
  slp_worker_status(faults->worker, &st);
  if (st.assigned > 0) {
    uv_timer_stop(&faults->watch);
    slp_faults_assigned(faults);
  }
}

void slp_faults_watch(slp_faults_t *faults, slp_worker_t *w) {
  if (faults->closed || faults->assigned || slp_fault_plan_from_assign(&faults->plan) == 0)
    return;
  faults->worker = w;
  uv_timer_start(&faults->watch, on_watch, WATCH_MS, WATCH_MS);
}

size_t slp_faults_fired(const slp_faults_t *faults) {
  return faults->fired;
}

void slp_faults_print_summary(const slp_faults_t *faults, FILE *out) {
  fprintf(out, "summary: faults planned=%zu fired=%zu from_assign=%zu\n", faults->plan.n,
          faults->fired, slp_fault_plan_from_assign(&faults->plan));
}

void slp_faults_close(slp_faults_t *faults) {
  if (faults->closed)
    return;
  faults->closed = true;
  uv_close((uv_handle_t *)&faults->watch, NULL);
  for (size_t i = 0; i < faults->plan.n; i++)
    uv_close((uv_handle_t *)&faults->timers[i].timer, NULL);
}

void slp_faults_free(slp_faults_t *faults) {
  if (!faults)
    return;
  slp_fault_plan_free(&faults->plan);
  free(faults->timers);
  free(faults);
}
