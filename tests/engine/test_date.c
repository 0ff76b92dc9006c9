/* SPDX-License-Identifier: Apache-2.0 */
/* test_date.c -- civil date parsing and arithmetic (src/common/date.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/date.h"

static void test_parse_valid(void **state) {
  (void)state;
  int32_t d = -1;
  assert_int_equal(slp_date_parse("1970-01-01", &d), 0);
  assert_int_equal(d, 0);
  assert_int_equal(slp_date_parse("2024-02-29", &d), 0);
  assert_int_equal(slp_date_to_yyyymmdd(d), 20240229);
  assert_int_equal(slp_date_parse("2000-02-29", &d), 0);
}

static void test_parse_rejects(void **state) {
  (void)state;
  int32_t d;
  const char *bad[] = {"2025-02-29", "1900-02-29", "2025-13-01",  "2025-00-10",
                       "2025-04-31", "2025-4-01",  "2025-04-01x", "20250401",
                       "",           "1899-12-31", "2025/04/01",  " 2025-04-01"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(slp_date_parse(bad[i], &d), -1);
  assert_int_equal(slp_date_parse(NULL, &d), -1);
  assert_int_equal(slp_date_from_yyyymmdd(20250230, &d), -1);
}

static void test_roundtrip_and_ms(void **state) {
  (void)state;
  for (int32_t day = -25567; day < 40000; day += 37) {
    char buf[11];
    int32_t back;
    slp_date_format(day, buf);
    assert_int_equal(slp_date_parse(buf, &back), 0);
    assert_int_equal(back, day);
  }
  assert_int_equal(slp_days_from_unix_ms(0), 0);
  assert_int_equal(slp_days_from_unix_ms(86399999), 0);
  assert_int_equal(slp_days_from_unix_ms(86400000), 1);
  assert_int_equal(slp_days_from_unix_ms(-1), -1);
  int32_t d;
  assert_int_equal(slp_date_parse("2026-11-27", &d), 0);
  assert_int_equal(slp_days_from_unix_ms(1795737600000LL), d); /* 2026-11-27T00:00:00Z */
  assert_int_equal(slp_date_year(d), 2026);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_valid),
      cmocka_unit_test(test_parse_rejects),
      cmocka_unit_test(test_roundtrip_and_ms),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
