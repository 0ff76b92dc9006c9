/* SPDX-License-Identifier: Apache-2.0 */
/* test_headers.c -- slpcoder.source without printf: the bytes snprintf("%s/%d/%lld") gives,
 * cut the way snprintf cuts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "io/worker_internal.h"

static void check(const char *topic, int32_t part, int64_t off, size_t cap) {
  char want[400], got[400];
  memset(got, 'x', sizeof got);
  snprintf(want, cap, "%s/%" PRId32 "/%" PRId64, topic, part, off);
  slp__hdr_source(got, cap, topic, part, off);
  assert_string_equal(got, want);
}

static void test_source_like_snprintf(void **state) {
  (void)state;
  const int64_t offs[] = {0, 1, 9, 10, 12345, INT64_MAX, -1, INT64_MIN};
  const int32_t parts[] = {0, 7, 10, INT32_MAX, -1, INT32_MIN};
  const char *topics[] = {"slp.sessions", "", "t"};
  for (size_t t = 0; t < 3; t++)
    for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++)
      for (size_t o = 0; o < sizeof offs / sizeof offs[0]; o++)
        for (size_t cap = 1; cap <= 64; cap++)
          check(topics[t], parts[p], offs[o], cap);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_source_like_snprintf)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
