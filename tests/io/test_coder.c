/* SPDX-License-Identifier: Apache-2.0 */
/* test_coder.c -- a batch coded on two threads gives, input by input, what one processor gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "gen/gen.h"
#include "io/coder.h"
#include "slpcoder/rules.h"

#define N 700 /* not a multiple of the chunk size */

static slp_rules_t *load_rules(void) {
  const char *dir = getenv("SLPCODER_RULES");
  assert_non_null(dir);
  slp_rules_t *rules = NULL;
  slp_rules_errors_t *errs = calloc(1, sizeof *errs);
  assert_non_null(errs);
  if (slp_rules_load(dir, &rules, errs) < 0)
    fail_msg("bundle %s: %s", dir, errs->n ? errs->lines[0] : "?");
  free(errs);
  return rules;
}

static void test_same_as_one_processor(void **state) {
  (void)state;
  slp_rules_t *rules = load_rules();
  slp_gen_opts_t opts = {.seed = 5, .defects = 0.3, .garbage = 0.05};
  slp_gen_t *gen = slp_gen_new(&opts);
  assert_non_null(gen);
  static uint8_t *bytes[N];
  static slp_coder_in_t in[N];
  for (int i = 0; i < N; i++) {
    slp_gen_item_t it;
    assert_int_equal(slp_gen_item(gen, (uint64_t)i, &it), 0);
    bytes[i] = malloc(it.len ? it.len : 1);
    assert_non_null(bytes[i]);
    memcpy(bytes[i], it.bytes, it.len);
    in[i] = (slp_coder_in_t){bytes[i], it.len};
  }
  slp_gen_free(gen);

  slp_coder_t *c = slp_coder_new();
  assert_non_null(c);
  slp_processor_t *own = slp_processor_new(), *ref = slp_processor_new();
  static slp_coded_t out[N];
  int kinds[3] = {0};
  for (int round = 0; round < 3; round++) { /* the helper thread is reused across batches */
    slp_coder_run(c, own, rules, in, out, N);
    for (int i = 0; i < N; i++) {
      slp_processed_t pr;
      assert_int_equal(slp_process_payload(ref, rules, in[i].payload, in[i].len, &pr), 0);
      assert_int_equal(out[i].rc, 0);
      assert_int_equal(out[i].kind, pr.kind);
      assert_string_equal(out[i].event_id, pr.event_id ? pr.event_id : "");
      if (pr.kind == SLP_OUTPUT_CLAIM || pr.kind == SLP_OUTPUT_REJECTION) {
        assert_int_equal(out[i].len, pr.len);
        assert_memory_equal(out[i].bytes, pr.bytes, pr.len);
      } else {
        assert_null(out[i].bytes);
        assert_string_equal(out[i].error, pr.error);
      }
      if (round == 0)
        kinds[pr.kind == SLP_OUTPUT_CLAIM ? 0 : pr.kind == SLP_OUTPUT_REJECTION ? 1 : 2]++;
    }
    slp_coded_release(out, N);
  }
  /* the batch exercised every kind of output */
  assert_true(kinds[0] > 0 && kinds[1] > 0 && kinds[2] > 0);
  slp_coder_run(c, own, rules, in, out, 0); /* an empty batch returns */
  slp_coder_free(c);
  slp_processor_free(own);
  slp_processor_free(ref);
  for (int i = 0; i < N; i++)
    free(bytes[i]);
  slp_rules_unref(rules);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_as_one_processor),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
