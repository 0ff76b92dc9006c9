/* SPDX-License-Identifier: Apache-2.0 */
/* worker_harness.c -- the in-process worker test harness (see worker_harness.h). */
#include "io/worker_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen/gen.h"
#include "io/expo.h"
#include "io/log.h"
#include "io/metrics.h"
#include "io/worker_internal.h"
#include "slpcoder/codec.h"
#include "slpcoder/rules.h"
#include "slpcoder/v1/session.pb-c.h"

static const char *const wh_defaults[] = {
    "embedded.kafka=true",
    "embedded.brokers=1",
    "embedded.partitions=1",
    "kafka.session.timeout.ms=6000",
    "kafka.heartbeat.interval.ms=500",
    "kafka.fetch.wait.max.ms=10",
    "batch.ms=100",
    "shutdown.deadline.ms=5000",
    "log.level=warn",
    NULL,
};

static void set_all_cfg(slp_config_t *cfg, const char *const *kvs, const char *source) {
  for (size_t i = 0; kvs && kvs[i]; i++) {
    char key[128], err[600];
    const char *eq = strchr(kvs[i], '=');
    if (!eq)
      fail_msg("harness setting %s: expected key=value", kvs[i]);
    snprintf(key, sizeof key, "%.*s", (int)(eq - kvs[i]), kvs[i]);
    if (slp_config_set(cfg, key, eq + 1, source, err, sizeof err) != 0)
      fail_msg("harness setting: %s", err);
  }
}

static void set_all(wh_t *h, const char *const *kvs, const char *source) {
  set_all_cfg(&h->cfg, kvs, source);
}

static void in_dr(rd_kafka_t *rk, const rd_kafka_message_t *rkm, void *opaque) {
  (void)rk;
  *(rd_kafka_resp_err_t *)rkm->_private = rkm->err;
  (void)opaque;
}

const char *const *wh_settings_join(const char *const *a, const char *const *b,
                                    const char *const *c) {
  static const char *s[64];
  const char *const *lists[] = {a, b, c};
  size_t n = 0;
  for (size_t l = 0; l < 3; l++)
    for (size_t i = 0; lists[l] && lists[l][i]; i++) {
      if (n == 63)
        fail_msg("wh_settings_join: more than 63 settings");
      s[n++] = lists[l][i];
    }
  s[n] = NULL;
  return s;
}

wh_t *wh_new(const char *const *settings) {
  wh_t *h = calloc(1, sizeof *h);
  assert_non_null(h);
  char err[700];
  assert_int_equal(uv_loop_init(&h->loop), 0);
  slp_config_init(&h->cfg);
  set_all(h, wh_defaults, "harness");
  set_all(h, settings, "test");
  if (slp_config_validate(&h->cfg, err, sizeof err) != 0)
    fail_msg("harness config: %s", err);
  slp_log_threshold = h->cfg.log_level;
  const char *dir = getenv("SLPCODER_RULES");
  slp_rules_errors_t errs;
  if (slp_rules_load(dir ? dir : "rules/default", &h->rules, &errs) != 0)
    fail_msg("rules %s: %s", dir ? dir : "rules/default", errs.n ? errs.lines[0] : "?");
  h->emb = slp_mock_start(&h->cfg, err, sizeof err);
  if (!h->emb)
    fail_msg("mock cluster: %s", err);
  h->mc = slp_mock_cluster(h->emb);
  h->bootstraps = slp_mock_bootstraps(h->emb);
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  char e[256];
  if (rd_kafka_conf_set(conf, "bootstrap.servers", h->bootstraps, e, sizeof e) ||
      rd_kafka_conf_set(conf, "message.max.bytes", "4000000", e, sizeof e) ||
      rd_kafka_conf_set(conf, "linger.ms", "0", e, sizeof e))
    fail_msg("input producer: %s", e);
  rd_kafka_conf_set_dr_msg_cb(conf, in_dr);
  h->in = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, sizeof e);
  if (!h->in)
    fail_msg("input producer: %s", e);
  assert_int_equal(slp_jobs_init(&h->jobs, &h->loop), 0);
  return h;
}

void wh_produce(wh_t *h, const void *key, size_t klen, const void *val, size_t vlen) {
  rd_kafka_resp_err_t dr = RD_KAFKA_RESP_ERR__IN_PROGRESS;
  rd_kafka_resp_err_t e = rd_kafka_producev(
      h->in, RD_KAFKA_V_TOPIC(h->cfg.topic_input), RD_KAFKA_V_PARTITION(0),
      RD_KAFKA_V_KEY((void *)key, klen), RD_KAFKA_V_VALUE((void *)val, vlen),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(&dr), RD_KAFKA_V_END);
  if (e)
    fail_msg("produce input: %s", rd_kafka_err2str(e));
  if (rd_kafka_flush(h->in, 15000) != 0 || dr != RD_KAFKA_RESP_ERR_NO_ERROR)
    fail_msg("input not acknowledged: %s", rd_kafka_err2str(dr));
}

static void on_closed(slp_worker_t *w, int rc, void *arg) {
  wh_t *h = arg;
  (void)w;
  h->worker_closed = true;
  h->worker_rc = rc;
}

void wh_worker_start(wh_t *h) {
  char err[700];
  assert_null(h->worker);
  h->worker_closed = false;
  h->worker_rc = -1;
  if (slp_worker_new(&h->loop, &h->jobs, &h->cfg, h->bootstraps, h->rules, &h->worker, err,
                     sizeof err) != 0)
    fail_msg("worker: %s", err);
  assert_int_equal(slp_worker_start(h->worker, on_closed, h), 0);
}

static void on_deadline(uv_timer_t *t) {
  *(bool *)t->data = true;
}

bool wh_run_until(wh_t *h, bool (*pred)(wh_t *h, void *arg), void *arg, int timeout_ms) {
  bool expired = false;
  uv_timer_t t;
  uv_timer_init(&h->loop, &t);
  t.data = &expired;
  uv_timer_start(&t, on_deadline, (uint64_t)timeout_ms, 0);
  bool ok;
  while (!(ok = pred(h, arg)) && !expired)
    uv_run(&h->loop, UV_RUN_ONCE);
  uv_close((uv_handle_t *)&t, NULL);
  uv_run(&h->loop, UV_RUN_NOWAIT); /* let the close callback run: t is on this stack */
  return ok;
}

typedef struct caught_up {
  int64_t hw; /* input partition 0's high watermark when the wait began */
} caught_up_t;

/* Every input up to the high watermark processed, nothing in flight or queued, and in
 * exactly-once mode no transaction open (committed) and none to abort. An abort rewinds
 * next_offset to -1, so this stays false until the inputs are read again and committed. */
static bool pred_caught_up(wh_t *h, void *arg) {
  const caught_up_t *c = arg;
  const slp_worker_t *w = h->worker;
  if (!w || h->worker_closed)
    return true; /* checked by the caller */
  slp__part_t *p = w->n_parts > 0 ? w->parts[0] : NULL;
  return p && p->state == SLP__P_ACTIVE && p->next_offset >= c->hw && w->in_flight == 0 &&
         !w->pend_head && w->txn == SLP__TXN_NONE && !w->abort_needed;
}

void wh_run_until_caught_up(wh_t *h, int timeout_ms) {
  caught_up_t c = {.hw = wh_high_watermark(h, h->cfg.topic_input, 0)};
  bool ok = wh_run_until(h, pred_caught_up, &c, timeout_ms);
  if (h->worker_closed)
    fail_msg("the worker stopped (rc %d) before it caught up with offset %" PRId64, h->worker_rc,
             c.hw);
  if (!ok) {
    const slp_worker_counters_t *n = slp_worker_counters(h->worker);
    fail_msg("worker not caught up with offset %" PRId64 " after %d ms: consumed=%" PRIu64
             " delivered=%" PRIu64 " in_flight=%" PRId64 " aborts=%" PRIu64,
             c.hw, timeout_ms, n->consumed, n->delivered, h->worker->in_flight, n->txn_aborts);
  }
}

static bool pred_closed(wh_t *h, void *arg) {
  (void)arg;
  return h->worker_closed;
}

void wh_run_until_closed(wh_t *h, int timeout_ms) {
  if (!wh_run_until(h, pred_closed, NULL, timeout_ms))
    fail_msg("worker not closed after %d ms", timeout_ms);
}

int wh_worker_stop(wh_t *h) {
  assert_non_null(h->worker);
  if (!h->worker_closed)
    slp_worker_stop(h->worker, "test");
  wh_run_until_closed(h, 30000);
  h->last = *slp_worker_counters(h->worker);
  slp_worker_free(h->worker);
  h->worker = NULL;
  return h->worker_rc;
}

static rd_kafka_t *new_consumer(wh_t *h, const char *group, bool eof) {
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  char e[256];
  if (rd_kafka_conf_set(conf, "bootstrap.servers", h->bootstraps, e, sizeof e) ||
      rd_kafka_conf_set(conf, "group.id", group, e, sizeof e) ||
      rd_kafka_conf_set(conf, "isolation.level", "read_committed", e, sizeof e) ||
      rd_kafka_conf_set(conf, "enable.auto.commit", "false", e, sizeof e) ||
      rd_kafka_conf_set(conf, "fetch.wait.max.ms", "10", e, sizeof e) ||
      rd_kafka_conf_set(conf, "enable.partition.eof", eof ? "true" : "false", e, sizeof e))
    fail_msg("consumer: %s", e);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, e, sizeof e);
  if (!rk)
    fail_msg("consumer: %s", e);
  return rk;
}

static void copy_header(rd_kafka_headers_t *hdrs, const char *name, char *dst, size_t cap,
                        bool *has) {
  const void *v = NULL;
  size_t sz = 0;
  *has = hdrs && rd_kafka_header_get_last(hdrs, name, &v, &sz) == RD_KAFKA_RESP_ERR_NO_ERROR;
  if (!*has)
    return;
  if (sz >= cap)
    sz = cap - 1;
  if (v && sz)
    memcpy(dst, v, sz);
  dst[sz] = 0;
}

void wh_read(wh_t *h, const char *topic, wh_msgs_t *out) {
  memset(out, 0, sizeof *out);
  rd_kafka_t *rk = new_consumer(h, "wh-reader", true);
  int32_t nparts = (int32_t)h->cfg.embedded_partitions;
  rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(nparts);
  for (int32_t p = 0; p < nparts; p++)
    rd_kafka_topic_partition_list_add(l, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  assert_int_equal(rd_kafka_assign(rk, l), 0);
  rd_kafka_topic_partition_list_destroy(l);
  int32_t eofs = 0;
  uint64_t deadline = uv_hrtime() + 20000000000ULL;
  while (eofs < nparts) {
    if (uv_hrtime() > deadline)
      fail_msg("reading %s: no end of partition after 20 s", topic);
    rd_kafka_message_t *rkm = rd_kafka_consumer_poll(rk, 100);
    if (!rkm)
      continue;
    if (rkm->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      eofs++;
    } else if (rkm->err) {
      fail_msg("reading %s: %s", topic, rd_kafka_message_errstr(rkm));
    } else {
      out->v = realloc(out->v, (out->n + 1) * sizeof *out->v);
      assert_non_null(out->v);
      wh_msg_t *m = &out->v[out->n++];
      memset(m, 0, sizeof *m);
      m->partition = rkm->partition;
      m->offset = rkm->offset;
      if (rkm->key) {
        m->key = malloc(rkm->key_len + 1);
        memcpy(m->key, rkm->key, rkm->key_len);
        m->klen = rkm->key_len;
      }
      if (rkm->payload) {
        m->val = malloc(rkm->len + 1);
        memcpy(m->val, rkm->payload, rkm->len);
        m->vlen = rkm->len;
      }
      rd_kafka_headers_t *hdrs = NULL;
      if (rd_kafka_message_headers(rkm, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR)
        hdrs = NULL;
      bool has_src;
      copy_header(hdrs, "slpcoder.event_id", m->hdr_event_id, sizeof m->hdr_event_id,
                  &m->has_event_id);
      copy_header(hdrs, "slpcoder.error", m->hdr_error, sizeof m->hdr_error, &m->has_error);
      copy_header(hdrs, "slpcoder.source", m->hdr_source, sizeof m->hdr_source, &has_src);
      const char *name;
      const void *v;
      size_t sz;
      for (size_t i = 0; hdrs && rd_kafka_header_get_all(hdrs, i, &name, &v, &sz) == 0; i++)
        m->hdr_total += sz;
    }
    rd_kafka_message_destroy(rkm);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
}

void wh_msgs_free(wh_msgs_t *m) {
  for (size_t i = 0; i < m->n; i++) {
    free(m->v[i].key);
    free(m->v[i].val);
  }
  free(m->v);
  memset(m, 0, sizeof *m);
}

int64_t wh_committed(wh_t *h, int32_t partition) {
  const char *group = slp_config_kafka_get(&h->cfg, "group.id");
  rd_kafka_t *rk = new_consumer(h, group ? group : "slpcoder", false);
  rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(l, h->cfg.topic_input, partition);
  rd_kafka_resp_err_t e = rd_kafka_committed(rk, l, 10000);
  if (e)
    fail_msg("committed: %s", rd_kafka_err2str(e));
  int64_t off = l->elems[0].err ? -1 : l->elems[0].offset;
  rd_kafka_topic_partition_list_destroy(l);
  rd_kafka_destroy(rk);
  return off < 0 ? -1 : off;
}

int64_t wh_high_watermark(wh_t *h, const char *topic, int32_t partition) {
  int64_t lo = 0, hi = 0;
  rd_kafka_resp_err_t e =
      rd_kafka_query_watermark_offsets(h->in, topic, partition, &lo, &hi, 10000);
  if (e)
    fail_msg("watermarks %s/%d: %s", topic, (int)partition, rd_kafka_err2str(e));
  return hi;
}

uint8_t *wh_session(const char *event_id, const char *encounter_id, const char *patient_id,
                    size_t *len) {
  Slpcoder__V1__Patient pt = SLPCODER__V1__PATIENT__INIT;
  pt.patient_id = (char *)(patient_id ? patient_id : "P-01");
  pt.birth_date = "1948-05-17";
  pt.member_id = "M-01";
  Slpcoder__V1__Coverage cov = SLPCODER__V1__COVERAGE__INIT;
  cov.payer_kind = SLPCODER__V1__PAYER_KIND__MEDICARE_PART_B;
  Slpcoder__V1__Provider rp = SLPCODER__V1__PROVIDER__INIT;
  rp.npi = "1234567893";
  rp.credential = SLPCODER__V1__CREDENTIAL__SLP;
  rp.taxonomy = "235Z00000X";
  Slpcoder__V1__Activity a0 = SLPCODER__V1__ACTIVITY__INIT;
  a0.kind = SLPCODER__V1__ACTIVITY_KIND__TREATMENT;
  a0.area = SLPCODER__V1__SERVICE_AREA__LANGUAGE;
  a0.minutes = 30;
  Slpcoder__V1__Activity *acts[] = {&a0};
  char *dx[] = {"F80.2"};
  Slpcoder__V1__PlanOfCare poc = SLPCODER__V1__PLAN_OF_CARE__INIT;
  poc.start_date = "2026-02-02";
  poc.certified_date = "2026-02-04";
  poc.end_date = "2026-04-30";
  poc.treatment_days_since_progress_report = 3;
  Slpcoder__V1__Documentation doc = SLPCODER__V1__DOCUMENTATION__INIT;
  doc.goals = doc.techniques = doc.progress = 1;
  Slpcoder__V1__SessionEvent ev = SLPCODER__V1__SESSION_EVENT__INIT;
  ev.event_id = (char *)event_id;
  ev.encounter_id = (char *)(encounter_id ? encounter_id : "enc-01");
  ev.organization_id = "ORG-1";
  ev.reported_at_ms = 1773162000000LL;
  ev.patient = &pt;
  ev.coverage = &cov;
  ev.rendering_provider = &rp;
  ev.billing_npi = "1245319599";
  ev.date_of_service = "2026-03-10";
  ev.place_of_service = "11";
  ev.delivery = SLPCODER__V1__DELIVERY__IN_PERSON;
  ev.n_activities = 1;
  ev.activities = acts;
  ev.n_diagnoses = 1;
  ev.diagnoses = dx;
  ev.plan_of_care = &poc;
  ev.documentation = &doc;
  *len = slpcoder__v1__session_event__get_packed_size(&ev);
  uint8_t *buf = malloc(*len);
  assert_non_null(buf);
  assert_int_equal(slpcoder__v1__session_event__pack(&ev, buf), *len);
  return buf;
}

char *wh_repeat(char c, size_t n) {
  char *s = malloc(n + 1);
  assert_non_null(s);
  memset(s, c, n);
  s[n] = 0;
  return s;
}

void wh_destroy(wh_t *h) {
  if (h->worker)
    wh_worker_stop(h);
  slp_jobs_close(&h->jobs);
  uv_run(&h->loop, UV_RUN_DEFAULT); /* the jobs' async handle closes */
  rd_kafka_destroy(h->in);
  slp_mock_destroy(h->emb);
  slp_rules_unref(h->rules);
  assert_int_equal(uv_loop_close(&h->loop), 0); /* every handle closed */
  slp_config_free(&h->cfg);
  free(h);
}

/* ---- generated inputs, outputs matched to their inputs, a second worker ------------------ */

typedef struct gen_dr {
  rd_kafka_resp_err_t err;
  int64_t offset;
} gen_dr_t;

static void gen_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *rkm, void *opaque) {
  (void)rk;
  (void)opaque;
  gen_dr_t *d = rkm->_private;
  d->err = rkm->err;
  d->offset = rkm->offset;
}

void wh_produce_gen(wh_t *h, wh_inputs_t *in, uint64_t seed, uint64_t first, size_t n,
                    const slp_rules_t *rules) {
  if (!rules)
    rules = h->rules;
  /* A producer of its own: the delivery reports give each input's offset, which the outputs'
   * slpcoder.source header names. Idempotent, so a partition keeps the production order. One
   * message per message set: the mock answers a Fetch with one set per partition, so the
   * worker then sees the partitions interleaved, as with a busy topic, rather than one whole
   * partition after another. */
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  char e[256];
  if (rd_kafka_conf_set(conf, "bootstrap.servers", h->bootstraps, e, sizeof e) ||
      rd_kafka_conf_set(conf, "enable.idempotence", "true", e, sizeof e) ||
      rd_kafka_conf_set(conf, "linger.ms", "5", e, sizeof e) ||
      rd_kafka_conf_set(conf, "batch.num.messages", "1", e, sizeof e))
    fail_msg("generator producer: %s", e);
  rd_kafka_conf_set_dr_msg_cb(conf, gen_dr_cb);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, sizeof e);
  if (!rk)
    fail_msg("generator producer: %s", e);
  slp_gen_opts_t opts = {.seed = seed, .defects = 0.2, .garbage = 0.05};
  slp_gen_t *gen = slp_gen_new(&opts);
  slp_processor_t *proc = slp_processor_new();
  assert_non_null(gen);
  assert_non_null(proc);
  if (in->n + n > in->cap) {
    in->cap = in->n + n;
    in->v = realloc(in->v, in->cap * sizeof *in->v);
    assert_non_null(in->v);
  }
  gen_dr_t *drs = calloc(n, sizeof *drs);
  assert_non_null(drs);
  int32_t nparts = (int32_t)h->cfg.embedded_partitions;
  for (size_t i = 0; i < n; i++) {
    slp_gen_item_t it;
    assert_int_equal(slp_gen_item(gen, first + i, &it), 0);
    wh_input_t *x = &in->v[in->n + i];
    memset(x, 0, sizeof *x);
    x->partition = (int32_t)((first + i) % (uint64_t)nparts);
    x->offset = -1;
    snprintf(x->key, sizeof x->key, "%s", it.key);
    x->klen = strlen(x->key);
    slp_processed_t pr;
    assert_int_equal(slp_process_payload(proc, rules, it.bytes, it.len, &pr), 0);
    x->out = pr.kind == SLP_OUTPUT_CLAIM        ? WH_OUT_CODED
             : pr.kind == SLP_OUTPUT_REJECTION ? WH_OUT_REJECTED
                                               : WH_OUT_DLQ;
    const uint8_t *b = x->out == WH_OUT_DLQ ? it.bytes : pr.bytes;
    x->expect_len = x->out == WH_OUT_DLQ ? it.len : pr.len;
    x->expect = malloc(x->expect_len ? x->expect_len : 1);
    assert_non_null(x->expect);
    if (x->expect_len)
      memcpy(x->expect, b, x->expect_len);
    snprintf(x->event_id, sizeof x->event_id, "%s",
             x->out == WH_OUT_DLQ || !pr.event_id ? "" : pr.event_id);
    const char *rv = pr.rules_version ? pr.rules_version : slp_rules_version(rules);
    snprintf(x->rules_version, sizeof x->rules_version, "%s", rv ? rv : "");
    drs[i].err = RD_KAFKA_RESP_ERR__IN_PROGRESS;
    rd_kafka_resp_err_t pe;
    while ((pe = rd_kafka_producev(
                rk, RD_KAFKA_V_TOPIC(h->cfg.topic_input), RD_KAFKA_V_PARTITION(x->partition),
                RD_KAFKA_V_KEY(x->klen ? x->key : NULL, x->klen),
                RD_KAFKA_V_VALUE((void *)it.bytes, it.len),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_OPAQUE(&drs[i]), RD_KAFKA_V_END)) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
      rd_kafka_poll(rk, 10);
    if (pe)
      fail_msg("produce input: %s", rd_kafka_err2str(pe));
  }
  if (rd_kafka_flush(rk, 30000) != 0)
    fail_msg("generated inputs not acknowledged after 30 s");
  for (size_t i = 0; i < n; i++) {
    if (drs[i].err)
      fail_msg("input %zu: %s", (size_t)(first + i), rd_kafka_err2str(drs[i].err));
    in->v[in->n + i].offset = drs[i].offset;
  }
  in->n += n;
  free(drs);
  slp_processor_free(proc);
  slp_gen_free(gen);
  rd_kafka_destroy(rk);
}

void wh_inputs_free(wh_inputs_t *in) {
  for (size_t i = 0; i < in->n; i++)
    free(in->v[i].expect);
  free(in->v);
  memset(in, 0, sizeof *in);
}

static const char *out_topic(const wh_t *h, int out) {
  return out == WH_OUT_CODED ? h->cfg.topic_coded
         : out == WH_OUT_REJECTED ? h->cfg.topic_rejected
                                  : h->cfg.topic_dlq;
}

static wh_t *outs_h; /* the harness of the one reader in use (a test has one cluster) */

void wh_outs_init(wh_t *h, wh_outs_t *o) {
  memset(o, 0, sizeof *o);
  outs_h = h;
  o->rk = new_consumer(h, "wh-outs", false);
  int32_t nparts = (int32_t)h->cfg.embedded_partitions;
  rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(3 * nparts);
  for (int t = 0; t < WH_OUTS; t++)
    for (int32_t p = 0; p < nparts; p++)
      rd_kafka_topic_partition_list_add(l, out_topic(h, t), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  assert_int_equal(rd_kafka_assign(o->rk, l), 0);
  rd_kafka_topic_partition_list_destroy(l);
}

static wh_input_t *input_at(wh_inputs_t *in, int32_t partition, int64_t offset) {
  for (size_t i = 0; i < in->n; i++)
    if (in->v[i].partition == partition && in->v[i].offset == offset)
      return &in->v[i];
  return NULL;
}

void wh_outs_poll(wh_outs_t *o, wh_inputs_t *in) {
  rd_kafka_message_t *rkm;
  while ((rkm = rd_kafka_consumer_poll(o->rk, 0))) {
    if (rkm->err) { /* the reader's own fetch errors (faults injected for the worker): retried */
      rd_kafka_message_destroy(rkm);
      continue;
    }
    if (o->n == o->cap) {
      o->cap = o->cap ? o->cap * 2 : 256;
      o->v = realloc(o->v, o->cap * sizeof *o->v);
      assert_non_null(o->v);
    }
    wh_out_t *x = &o->v[o->n++];
    memset(x, 0, sizeof *x);
    const char *topic = rd_kafka_topic_name(rkm->rkt);
    x->out = -1;
    for (int t = 0; t < WH_OUTS; t++)
      if (strcmp(topic, out_topic(outs_h, t)) == 0)
        x->out = t;
    x->m.partition = rkm->partition;
    x->m.offset = rkm->offset;
    if (rkm->key) {
      x->m.key = malloc(rkm->key_len + 1);
      memcpy(x->m.key, rkm->key, rkm->key_len);
      x->m.klen = rkm->key_len;
    }
    if (rkm->payload) {
      x->m.val = malloc(rkm->len + 1);
      memcpy(x->m.val, rkm->payload, rkm->len);
      x->m.vlen = rkm->len;
    }
    rd_kafka_headers_t *hdrs = NULL;
    if (rd_kafka_message_headers(rkm, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR)
      hdrs = NULL;
    bool has_src, has_rv;
    copy_header(hdrs, "slpcoder.event_id", x->m.hdr_event_id, sizeof x->m.hdr_event_id,
                &x->m.has_event_id);
    copy_header(hdrs, "slpcoder.error", x->m.hdr_error, sizeof x->m.hdr_error, &x->m.has_error);
    copy_header(hdrs, "slpcoder.source", x->m.hdr_source, sizeof x->m.hdr_source, &has_src);
    copy_header(hdrs, "slpcoder.rules_version", x->hdr_rules_version, sizeof x->hdr_rules_version,
                &has_rv);
    rd_kafka_message_destroy(rkm);
    /* slpcoder.source is topic/partition/offset (a topic name has no '/') */
    x->src_partition = -1;
    x->src_offset = -1;
    char *s2 = has_src ? strrchr(x->m.hdr_source, '/') : NULL;
    if (s2 && s2 > x->m.hdr_source) {
      char *s1 = s2 - 1;
      while (s1 > x->m.hdr_source && *s1 != '/')
        s1--;
      x->src_partition = (int32_t)strtol(s1 + 1, NULL, 10);
      x->src_offset = strtoll(s2 + 1, NULL, 10);
    }
    wh_input_t *i = input_at(in, x->src_partition, x->src_offset);
    if (i)
      i->answers++;
    else
      o->stray++;
  }
}

void wh_outs_free(wh_outs_t *o) {
  for (size_t i = 0; i < o->n; i++) {
    free(o->v[i].m.key);
    free(o->v[i].m.val);
  }
  free(o->v);
  if (o->rk) {
    rd_kafka_consumer_close(o->rk);
    rd_kafka_destroy(o->rk);
  }
  memset(o, 0, sizeof *o);
}

size_t wh_unanswered(const wh_inputs_t *in) {
  size_t n = 0;
  for (size_t i = 0; i < in->n; i++)
    n += in->v[i].answers == 0;
  return n;
}

typedef struct answered {
  wh_outs_t *o;
  wh_inputs_t *in;
  wh_peer_t *const *peers;
  bool stopped; /* a worker closed */
} answered_t;

static bool worker_idle(slp_worker_t *w) {
  slp_worker_status_t st;
  slp_worker_status(w, &st);
  return st.in_flight == 0 && !st.committing;
}

static bool pred_answered(wh_t *h, void *arg) {
  answered_t *a = arg;
  wh_outs_poll(a->o, a->in);
  bool idle = true;
  if (h->worker) {
    a->stopped |= h->worker_closed;
    idle = idle && worker_idle(h->worker);
  }
  for (size_t i = 0; a->peers && a->peers[i]; i++) {
    a->stopped |= a->peers[i]->closed;
    idle = idle && worker_idle(a->peers[i]->worker);
  }
  return a->stopped || (idle && wh_unanswered(a->in) == 0);
}

void wh_run_until_answered(wh_t *h, wh_outs_t *o, wh_inputs_t *in, wh_peer_t *const *peers,
                           int timeout_ms) {
  answered_t a = {.o = o, .in = in, .peers = peers};
  bool ok = wh_run_until(h, pred_answered, &a, timeout_ms);
  if (a.stopped)
    fail_msg("a worker stopped before every input was answered (%zu of %zu unanswered)",
             wh_unanswered(in), in->n);
  if (!ok) {
    slp_worker_status_t st = {0};
    const slp_worker_counters_t *n = h->worker ? slp_worker_counters(h->worker) : &h->last;
    if (h->worker)
      slp_worker_status(h->worker, &st);
    const wh_input_t *first = NULL;
    for (size_t i = 0; i < in->n && !first; i++)
      if (in->v[i].answers == 0)
        first = &in->v[i];
    /* Is the missing output in the log (the reader missed it) or not there at all? */
    int in_log = -1;
    if (first) {
      char src[300];
      snprintf(src, sizeof src, "%s/%d/%" PRId64, h->cfg.topic_input, (int)first->partition,
               first->offset);
      wh_msgs_t all;
      wh_read(h, out_topic(h, first->out), &all);
      in_log = 0;
      for (size_t i = 0; i < all.n; i++)
        in_log |= strcmp(all.v[i].hdr_source, src) == 0;
      wh_msgs_free(&all);
    }
    fail_msg("%zu of %zu inputs unanswered after %d ms (the first: partition %d offset %" PRId64
             ", for topic %d, %s): consumed=%" PRIu64 " delivered=%" PRIu64 " in_flight=%" PRId64
             " committing=%d aborts=%" PRIu64 " outputs=%zu",
             wh_unanswered(in), in->n, timeout_ms, first ? (int)first->partition : -1,
             first ? first->offset : -1, first ? first->out : -1,
             in_log == 1   ? "in the log: the reader missed it"
             : in_log == 0 ? "not in the output topic at all"
                           : "?",
             n->consumed, n->delivered, st.in_flight, (int)st.committing, n->txn_aborts, o->n);
  }
}

size_t wh_check_outputs(const wh_inputs_t *in, const wh_outs_t *o, bool dups_allowed) {
  if (o->stray)
    fail_msg("%zu outputs name no input in their slpcoder.source header", o->stray);
  size_t dups = 0;
  for (size_t k = 0; k < o->n; k++) {
    const wh_out_t *x = &o->v[k];
    const wh_input_t *i = NULL;
    for (size_t j = 0; j < in->n && !i; j++)
      if (in->v[j].partition == x->src_partition && in->v[j].offset == x->src_offset)
        i = &in->v[j];
    if (!i)
      fail_msg("output %s not from an input", x->m.hdr_source);
    if (x->out != i->out)
      fail_msg("input %s: output in topic %d, expected %d", x->m.hdr_source, x->out, i->out);
    if (x->m.klen != i->klen || (i->klen && memcmp(x->m.key, i->key, i->klen) != 0))
      fail_msg("input %s: output key differs from the input's", x->m.hdr_source);
    if (!x->m.has_event_id || strcmp(x->m.hdr_event_id, i->event_id) != 0)
      fail_msg("input %s: slpcoder.event_id \"%s\", expected \"%s\"", x->m.hdr_source,
               x->m.hdr_event_id, i->event_id);
    if (strcmp(x->hdr_rules_version, i->rules_version) != 0)
      fail_msg("input %s: slpcoder.rules_version \"%s\", expected \"%s\"", x->m.hdr_source,
               x->hdr_rules_version, i->rules_version);
    if (i->out == WH_OUT_DLQ && !x->m.has_error)
      fail_msg("input %s: a dead letter without slpcoder.error", x->m.hdr_source);
    if (x->m.vlen != i->expect_len || (i->expect_len && memcmp(x->m.val, i->expect, i->expect_len)))
      fail_msg("input %s: output value (%zu bytes) is not the expected one (%zu bytes)",
               x->m.hdr_source, x->m.vlen, i->expect_len);
  }
  for (size_t j = 0; j < in->n; j++) {
    const wh_input_t *i = &in->v[j];
    if (i->answers == 0)
      fail_msg("input %d/%" PRId64 " (item %zu) has no output", (int)i->partition, i->offset, j);
    if (i->answers > 1 && !dups_allowed)
      fail_msg("input %d/%" PRId64 " answered %u times", (int)i->partition, i->offset,
               (unsigned)i->answers);
    dups += i->answers - 1;
  }
  return dups;
}

static void on_peer_closed(slp_worker_t *w, int rc, void *arg) {
  wh_peer_t *p = arg;
  (void)w;
  p->closed = true;
  p->rc = rc;
}

wh_peer_t *wh_peer_start(wh_t *h, const char *const *settings) {
  wh_peer_t *p = calloc(1, sizeof *p);
  assert_non_null(p);
  char err[700];
  slp_config_init(&p->cfg);
  set_all_cfg(&p->cfg, wh_defaults, "harness");
  set_all_cfg(&p->cfg, settings, "test");
  if (slp_config_validate(&p->cfg, err, sizeof err) != 0)
    fail_msg("peer config: %s", err);
  assert_int_equal(slp_jobs_init(&p->jobs, &h->loop), 0);
  p->rc = -1;
  if (slp_worker_new(&h->loop, &p->jobs, &p->cfg, h->bootstraps, h->rules, &p->worker, err,
                     sizeof err) != 0)
    fail_msg("peer worker: %s", err);
  assert_int_equal(slp_worker_start(p->worker, on_peer_closed, p), 0);
  return p;
}

static bool pred_peer_closed(wh_t *h, void *arg) {
  (void)h;
  return ((wh_peer_t *)arg)->closed;
}

int wh_peer_stop(wh_t *h, wh_peer_t *p, slp_worker_counters_t *last) {
  if (!p->closed)
    slp_worker_stop(p->worker, "test");
  if (!wh_run_until(h, pred_peer_closed, p, 30000))
    fail_msg("peer worker not closed after 30 s");
  p->last = *slp_worker_counters(p->worker);
  if (last)
    *last = p->last;
  slp_worker_free(p->worker);
  slp_jobs_close(&p->jobs);
  uv_run(&h->loop, UV_RUN_NOWAIT); /* the jobs' async handle closes: it is in p */
  int rc = p->rc;
  slp_config_free(&p->cfg);
  free(p);
  return rc;
}

static bool pred_never(wh_t *h, void *arg) {
  (void)h;
  (void)arg;
  return false;
}

void wh_run_for(wh_t *h, int ms) {
  wh_run_until(h, pred_never, NULL, ms);
}

double wh_metric(slp_worker_t *w, const char *sample) {
  slp_expo_t e;
  slp_expo_init(&e);
  slp_metrics_app_t app = {.version = "test"};
  slp_metrics_render(&e, w, &app);
  assert_false(e.oom);
  size_t n = strlen(sample);
  double v = 0;
  bool found = false;
  for (const char *line = e.buf; line && *line && !found;) {
    const char *nl = strchr(line, '\n');
    if (strncmp(line, sample, n) == 0 && line[n] == ' ') {
      v = strtod(line + n + 1, NULL);
      found = true;
    }
    line = nl ? nl + 1 : NULL;
  }
  slp_expo_free(&e);
  if (!found)
    fail_msg("/metrics has no sample %s", sample);
  return v;
}
