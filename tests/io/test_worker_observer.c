/* SPDX-License-Identifier: Apache-2.0 */
/* test_worker_observer.c -- slp_worker_on_output: every output is reported once, after it is
 * acknowledged (exactly-once: committed), with the topic it went to and its key, matching what
 * a reader of the output topics sees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/worker_harness.h"
#include "io/worker_internal.h"

enum { N_CODED = 40, N_JUNK = 7 };

typedef struct seen {
  int per_topic[3];
  int total;
  int bad_key; /* a key not of the inputs' form */
  int early;   /* reported before acknowledgement (exactly-once: while a transaction open) */
  int dup;     /* an input offset reported twice */
  char got[N_CODED + N_JUNK];
} seen_t;

static void on_output(slp_worker_t *w, const slp_worker_output_t *out, void *arg) {
  seen_t *s = arg;
  assert_true(out->topic >= 0 && out->topic < 3);
  s->per_topic[out->topic]++;
  s->total++;
  if (!out->key || out->klen < 2 || memcmp(out->key, "k-", 2) != 0)
    s->bad_key++;
  if (w->eos && w->txn == SLP__TXN_OPEN)
    s->early++;
  if (out->offset >= 0 && out->offset < N_CODED + N_JUNK) {
    if (s->got[out->offset])
      s->dup++;
    s->got[out->offset] = 1;
  }
}

static void run(const char *delivery) {
  char setting[64];
  snprintf(setting, sizeof setting, "delivery=%s", delivery);
  wh_t *h = wh_new((const char *[]){setting, NULL});
  for (int i = 0; i < N_CODED + N_JUNK; i++) {
    char key[32], id[32];
    snprintf(key, sizeof key, "k-%d", i);
    if (i % 7 == 3) { /* not a SessionEvent: a dead letter */
      wh_produce(h, key, strlen(key), "junk", 4);
      continue;
    }
    snprintf(id, sizeof id, "ev-%d", i);
    size_t len;
    uint8_t *b = wh_session(id, NULL, NULL, &len);
    wh_produce(h, key, strlen(key), b, len);
    free(b);
  }
  seen_t s;
  memset(&s, 0, sizeof s);
  wh_worker_start(h);
  slp_worker_on_output(h->worker, on_output, &s);
  wh_run_until_caught_up(h, 60000);
  assert_int_equal(wh_worker_stop(h), 0);
  assert_int_equal(s.total, (int)h->last.delivered);
  assert_int_equal(s.total, N_CODED + N_JUNK);
  assert_int_equal(s.bad_key, 0);
  assert_int_equal(s.early, 0);
  assert_int_equal(s.dup, 0);
  wh_msgs_t m;
  const char *topics[3] = {h->cfg.topic_coded, h->cfg.topic_rejected, h->cfg.topic_dlq};
  for (int t = 0; t < 3; t++) {
    wh_read(h, topics[t], &m);
    assert_int_equal(s.per_topic[t], (int)m.n);
    wh_msgs_free(&m);
  }
  assert_true(s.per_topic[SLP_WORKER_OUT_DLQ] >= N_JUNK);
  wh_destroy(h);
}

static void test_observer_alo(void **state) {
  (void)state;
  run("at-least-once");
}

static void test_observer_eos(void **state) {
  (void)state;
  run("exactly-once");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_observer_alo),
      cmocka_unit_test(test_observer_eos),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
