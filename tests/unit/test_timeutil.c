/* src/basic/timeutil.c: clocks and the manual's time format. */
#include "unit.h"

#include "basic/timeutil.h"

static void test_clocks(void **state)
{
        uint64_t m1 = now_monotonic_ms(), m2, r = now_realtime_ms();
        struct timespec ts = { 0, 20 * 1000 * 1000 };

        (void) state;
        nanosleep(&ts, NULL);
        m2 = now_monotonic_ms();
        assert_true(m2 >= m1 + 19);
        assert_true(m2 < m1 + 5000);
        /* later than 2020-01-01 */
        assert_true(r > UINT64_C(1577836800000));
        assert_true(r / 1000 <= (uint64_t) time(NULL) + 1);
}

static void test_format_time(void **state)
{
        char buf[64], small[4];

        (void) state;
        setenv("TZ", "UTC", 1);
        tzset();
        assert_string_equal(format_time(buf, sizeof(buf), 0), "1970-01-01 00:00:00");
        assert_string_equal(format_time(buf, sizeof(buf), 1700000000), "2023-11-14 22:13:20");
        setenv("TZ", "Europe/Moscow", 1);
        tzset();
        assert_string_equal(format_time(buf, sizeof(buf), 1700000000), "2023-11-15 01:13:20");
        /* too small: empty, not truncated garbage */
        assert_string_equal(format_time(small, sizeof(small), 0), "");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_clocks),
                cmocka_unit_test(test_format_time),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
