/* SPDX-License-Identifier: Apache-2.0 */
/* test_offsets.c -- the in-order completion tracker, one case per row of behaviour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "io/offsets.h"

static void take_expect(slp_offsets_t *o, bool moved, int64_t want) {
  int64_t off = -99;
  assert_int_equal(slp_offsets_take(o, &off), moved);
  if (moved)
    assert_int_equal(off, want);
}

static void test_in_order(void **state) {
  (void)state;
  slp_offsets_t o;
  assert_int_equal(slp_offsets_init(&o, 8), 0);
  uint64_t t[3];
  for (int i = 0; i < 3; i++)
    assert_int_equal(slp_offsets_track(&o, 10 + i, &t[i]), 0);
  take_expect(&o, false, 0);
  assert_int_equal(slp_offsets_complete(&o, t[0]), 0);
  take_expect(&o, true, 11);
  take_expect(&o, false, 0);
  assert_int_equal(slp_offsets_complete(&o, t[1]), 0);
  assert_int_equal(slp_offsets_complete(&o, t[2]), 0);
  take_expect(&o, true, 13);
  assert_int_equal(slp_offsets_in_flight(&o), 0);
  slp_offsets_free(&o);
}

static void test_out_of_order_waits_for_prefix(void **state) {
  (void)state;
  slp_offsets_t o;
  assert_int_equal(slp_offsets_init(&o, 8), 0);
  uint64_t t[4];
  for (int i = 0; i < 4; i++)
    assert_int_equal(slp_offsets_track(&o, i, &t[i]), 0);
  assert_int_equal(slp_offsets_complete(&o, t[3]), 0);
  assert_int_equal(slp_offsets_complete(&o, t[1]), 0);
  take_expect(&o, false, 0);
  assert_int_equal(slp_offsets_committable(&o), -1);
  assert_int_equal(slp_offsets_complete(&o, t[0]), 0);
  take_expect(&o, true, 2); /* 0 and 1 done, 2 still in flight */
  assert_int_equal(slp_offsets_in_flight(&o), 2);
  assert_int_equal(slp_offsets_complete(&o, t[2]), 0);
  take_expect(&o, true, 4);
  slp_offsets_free(&o);
}

static void test_gaps_in_offsets(void **state) {
  (void)state; /* transaction markers: 5, 7, 20 are consecutive records */
  slp_offsets_t o;
  assert_int_equal(slp_offsets_init(&o, 4), 0);
  uint64_t a, b, c;
  assert_int_equal(slp_offsets_track(&o, 5, &a), 0);
  assert_int_equal(slp_offsets_track(&o, 7, &b), 0);
  assert_int_equal(slp_offsets_track(&o, 20, &c), 0);
  assert_int_equal(slp_offsets_complete(&o, a), 0);
  assert_int_equal(slp_offsets_complete(&o, c), 0);
  take_expect(&o, true, 6); /* not 8, not 21: 7 is still in flight */
  assert_int_equal(slp_offsets_complete(&o, b), 0);
  take_expect(&o, true, 21);
  slp_offsets_free(&o);
}

static void test_capacity_and_order_checks(void **state) {
  (void)state;
  slp_offsets_t o;
  assert_int_equal(slp_offsets_init(&o, 2), 0);
  uint64_t a, b, c;
  assert_int_equal(slp_offsets_track(&o, 1, &a), 0);
  assert_int_equal(slp_offsets_track(&o, 1, &c), -EINVAL); /* not above last */
  assert_int_equal(slp_offsets_track(&o, 0, &c), -EINVAL);
  assert_int_equal(slp_offsets_track(&o, -1, &c), -EINVAL);
  assert_int_equal(slp_offsets_track(&o, 2, &b), 0);
  assert_int_equal(slp_offsets_track(&o, 3, &c), -ENOSPC);
  assert_int_equal(slp_offsets_complete(&o, a), 0);
  assert_int_equal(slp_offsets_track(&o, 3, &c), 0); /* the ring wraps */
  assert_int_equal(slp_offsets_complete(&o, c), 0);
  assert_int_equal(slp_offsets_complete(&o, b), 0);
  take_expect(&o, true, 4);
  slp_offsets_free(&o);
}

static void test_stale_and_double_completion(void **state) {
  (void)state;
  slp_offsets_t o;
  assert_int_equal(slp_offsets_init(&o, 4), 0);
  uint64_t a, b;
  assert_int_equal(slp_offsets_track(&o, 100, &a), 0);
  assert_int_equal(slp_offsets_track(&o, 101, &b), 0);
  assert_int_equal(slp_offsets_complete(&o, b), 0);
  assert_int_equal(slp_offsets_complete(&o, b), -ESTALE); /* twice */
  assert_int_equal(slp_offsets_complete(&o, a), 0);
  assert_int_equal(slp_offsets_complete(&o, a), -ESTALE);   /* retired */
  assert_int_equal(slp_offsets_complete(&o, 999), -ESTALE); /* never handed out */
  slp_offsets_free(&o);
}

static void test_reset_makes_tickets_stale(void **state) {
  (void)state; /* partition lost: in-flight deliveries must not move the offset */
  slp_offsets_t o;
  assert_int_equal(slp_offsets_init(&o, 4), 0);
  uint64_t a, b;
  assert_int_equal(slp_offsets_track(&o, 50, &a), 0);
  slp_offsets_reset(&o);
  assert_int_equal(slp_offsets_in_flight(&o), 0);
  assert_int_equal(slp_offsets_complete(&o, a), -ESTALE);
  take_expect(&o, false, 0);
  /* After a seek back, a lower offset may be tracked again. */
  assert_int_equal(slp_offsets_track(&o, 40, &b), 0);
  assert_true(b > a);
  assert_int_equal(slp_offsets_complete(&o, b), 0);
  take_expect(&o, true, 41);
  slp_offsets_free(&o);
}

static void test_many_wraps_random_order(void **state) {
  (void)state;
  slp_offsets_t o;
  assert_int_equal(slp_offsets_init(&o, 16), 0);
  uint64_t tk[16];
  int64_t next = 0;
  unsigned seed = 7;
  for (int round = 0; round < 200; round++) {
    int n = 1 + (int)(seed % 16);
    seed = seed * 1103515245u + 12345u;
    for (int i = 0; i < n; i++)
      assert_int_equal(slp_offsets_track(&o, next + 2 * i, &tk[i]), 0);
    /* complete in reverse: nothing moves until the first completes */
    for (int i = n - 1; i >= 1; i--)
      assert_int_equal(slp_offsets_complete(&o, tk[i]), 0);
    int64_t off;
    assert_false(slp_offsets_take(&o, &off));
    assert_int_equal(slp_offsets_complete(&o, tk[0]), 0);
    assert_true(slp_offsets_take(&o, &off));
    assert_int_equal(off, next + 2 * (n - 1) + 1);
    next += 2 * n;
  }
  slp_offsets_free(&o);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_in_order),
      cmocka_unit_test(test_out_of_order_waits_for_prefix),
      cmocka_unit_test(test_gaps_in_offsets),
      cmocka_unit_test(test_capacity_and_order_checks),
      cmocka_unit_test(test_stale_and_double_completion),
      cmocka_unit_test(test_reset_makes_tickets_stale),
      cmocka_unit_test(test_many_wraps_random_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
