/* src/basic/parse.c: strict number, bool, size, mode and signal parsers. */
#include <signal.h>

#include "unit.h"

#include "basic/parse.h"

static void test_u64(void **state)
{
        uint64_t v = 7;

        (void) state;
        assert_int_equal(parse_u64("0", &v), 0);
        assert_int_equal(v, 0);
        assert_int_equal(parse_u64("18446744073709551615", &v), 0);
        assert_true(v == UINT64_MAX);
        assert_int_equal(parse_u64("18446744073709551616", &v), -ERANGE);
        assert_int_equal(parse_u64("99999999999999999999999", &v), -ERANGE);
        v = 7;
        static const char *const bad[] = { "", " 1", "1 ", "-1", "+1", "1x", "0x10", "1.0", "abc" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                assert_int_equal(parse_u64(bad[i], &v), -EINVAL);
        assert_int_equal(parse_u64(NULL, &v), -EINVAL);
        assert_int_equal(v, 7); /* untouched on failure */
        assert_int_equal(parse_u64("007", &v), 0);
        assert_int_equal(v, 7);
}

static void test_i64(void **state)
{
        int64_t v = 0;

        (void) state;
        assert_int_equal(parse_i64("-9223372036854775808", &v), 0);
        assert_true(v == INT64_MIN);
        assert_int_equal(parse_i64("9223372036854775807", &v), 0);
        assert_true(v == INT64_MAX);
        assert_int_equal(parse_i64("9223372036854775808", &v), -ERANGE);
        assert_int_equal(parse_i64("-9223372036854775809", &v), -ERANGE);
        assert_int_equal(parse_i64("-5", &v), 0);
        assert_int_equal(v, -5);
        assert_int_equal(parse_i64("-", &v), -EINVAL);
        assert_int_equal(parse_i64("--1", &v), -EINVAL);
        assert_int_equal(parse_i64("", &v), -EINVAL);
        assert_int_equal(parse_i64("1-", &v), -EINVAL);
}

static void test_u32_int(void **state)
{
        uint32_t u = 0;
        int i = 0;

        (void) state;
        assert_int_equal(parse_u32("4294967295", &u), 0);
        assert_true(u == UINT32_MAX);
        assert_int_equal(parse_u32("4294967296", &u), -ERANGE);
        assert_int_equal(parse_u32("-1", &u), -EINVAL);
        assert_int_equal(parse_int("2147483647", &i), 0);
        assert_int_equal(i, 2147483647);
        assert_int_equal(parse_int("-2147483648", &i), 0);
        assert_int_equal(i, -2147483647 - 1);
        assert_int_equal(parse_int("2147483648", &i), -ERANGE);
        assert_int_equal(parse_int("-2147483649", &i), -ERANGE);
        assert_int_equal(parse_int("1e3", &i), -EINVAL);
}

static void test_bool(void **state)
{
        static const struct {
                const char *s;
                int r;
                bool v;
        } cases[] = {
                { "true", 0, true },      { "false", 0, false }, { "1", 0, true },
                { "0", 0, false },        { "yes", 0, true },    { "no", 0, false },
                { "on", 0, true },        { "off", 0, false },   { "", -EINVAL, false },
                { "TRUE", -EINVAL, false }, { "true ", -EINVAL, false }, { "2", -EINVAL, false },
                { "tru", -EINVAL, false },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                bool v = !cases[i].v;

                assert_int_equal(parse_bool(cases[i].s, &v), cases[i].r);
                if (cases[i].r == 0)
                        assert_int_equal(v, cases[i].v);
        }
}

static void test_size(void **state)
{
        static const struct {
                const char *s;
                int r;
                uint64_t v;
        } cases[] = {
                { "0", 0, 0 },
                { "1024", 0, 1024 },
                { "64M", 0, 67108864 },
                { "64m", 0, 67108864 },
                { "64 M", 0, 67108864 },
                { "64\tM", 0, 67108864 },
                { "1.5G", 0, 1610612736 },
                { "1.5g", 0, 1610612736 },
                { "8K", 0, 8192 },
                { "8k", 0, 8192 },
                { "100B", 0, 100 },
                { "100b", 0, 100 },
                { "1T", 0, UINT64_C(1) << 40 },
                { "1P", 0, UINT64_C(1) << 50 },
                { "1E", 0, UINT64_C(1) << 60 },
                { "15E", 0, UINT64_C(15) << 60 },
                { "0.5K", 0, 512 },
                { ".5K", 0, 512 },
                { "0.1K", 0, 102 },
                { "2.", 0, 2 },
                { "18446744073709551615", 0, UINT64_MAX },
                { "18446744073709551616", -ERANGE, 0 },
                { "16E", -ERANGE, 0 },
                { "16.0E", -ERANGE, 0 },
                { "15.5E", 0, (UINT64_C(31) << 59) },
                { "17179869184G", -ERANGE, 0 },
                { "", -EINVAL, 0 },
                { "-1", -EINVAL, 0 },
                { "-1M", -EINVAL, 0 },
                { "M", -EINVAL, 0 },
                { ".", -EINVAL, 0 },
                { ".K", -EINVAL, 0 },
                { "1e3", -EINVAL, 0 },
                { "64Mb", -EINVAL, 0 },
                { "64MB", -EINVAL, 0 },
                { "64X", -EINVAL, 0 },
                { " 64M", -EINVAL, 0 },
                { "64M ", -EINVAL, 0 },
                { "64 ", -EINVAL, 0 },
                { "1.2.3", -EINVAL, 0 },
                { "0x10", -EINVAL, 0 },
                { "1,5G", -EINVAL, 0 },
                { "+1", -EINVAL, 0 },
                { "99999999999999999999999X", -EINVAL, 0 },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                uint64_t v = 12345;
                int r = parse_size(cases[i].s, &v);

                if (r != cases[i].r)
                        fail_msg("parse_size(\"%s\") = %d, expected %d", cases[i].s, r, cases[i].r);
                if (r == 0 && v != cases[i].v)
                        fail_msg("parse_size(\"%s\") -> %llu, expected %llu", cases[i].s,
                                 (unsigned long long) v, (unsigned long long) cases[i].v);
                if (r < 0)
                        assert_int_equal(v, 12345);
        }
        assert_int_equal(parse_size(NULL, &(uint64_t){ 0 }), -EINVAL);
}

static void test_format_size(void **state)
{
        static const struct {
                uint64_t v;
                const char *s;
        } cases[] = {
                { 0, "0" },
                { 512, "512" },
                { 1023, "1023" },
                { 1024, "1K" },
                { 1536, "1.5K" },
                { 67108864, "64M" },
                { 1610612736, "1.5G" },
                { 1048575, "1.0M" },
                { UINT64_C(1) << 60, "1E" },
                { UINT64_MAX, "16.0E" },
        };
        char buf[32];

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                assert_string_equal(format_size(buf, sizeof(buf), cases[i].v), cases[i].s);
        /* Round trip of what portoctl prints for exact values. */
        for (unsigned s = 0; s < 63; s++) {
                uint64_t v = UINT64_C(1) << s, back;

                format_size(buf, sizeof(buf), v);
                assert_int_equal(parse_size(buf, &back), 0);
                assert_true(back == v);
        }
}

static void test_mode(void **state)
{
        unsigned m = 1;

        (void) state;
        assert_int_equal(parse_mode("0002", &m), 0);
        assert_int_equal(m, 02);
        assert_int_equal(parse_mode("022", &m), 0);
        assert_int_equal(m, 022);
        assert_int_equal(parse_mode("7777", &m), 0);
        assert_int_equal(m, 07777);
        assert_int_equal(parse_mode("0", &m), 0);
        assert_int_equal(m, 0);
        assert_int_equal(parse_mode("17777", &m), -ERANGE);
        assert_int_equal(parse_mode("0008", &m), -EINVAL);
        assert_int_equal(parse_mode("", &m), -EINVAL);
        assert_int_equal(parse_mode("-1", &m), -EINVAL);
        assert_int_equal(parse_mode("0x1", &m), -EINVAL);
        assert_int_equal(parse_mode("00000000000000000000000000000755", &m), 0);
        assert_int_equal(m, 0755);
}

static void test_signal(void **state)
{
        static const struct {
                const char *s;
                int r;
                int v;
        } cases[] = {
                { "9", 0, SIGKILL },       { "SIGKILL", 0, SIGKILL }, { "KILL", 0, SIGKILL },
                { "TERM", 0, SIGTERM },     { "SIGTERM", 0, SIGTERM }, { "SIGHUP", 0, SIGHUP },
                { "15", 0, SIGTERM },       { "1", 0, 1 },             { "64", 0, 64 },
                { "SIGUSR1", 0, SIGUSR1 },  { "CHLD", 0, SIGCHLD },    { "0", -EINVAL, 0 },
                { "65", -EINVAL, 0 },       { "-9", -EINVAL, 0 },      { "", -EINVAL, 0 },
                { "SIG", -EINVAL, 0 },      { "SIGFOO", -EINVAL, 0 },  { "kill", -EINVAL, 0 },
                { "9x", -EINVAL, 0 },       { "SIG9", -EINVAL, 0 },    { "RTMIN+100", -EINVAL, 0 },
                { "RTMIN-1", -EINVAL, 0 },
        };
        int v;

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                v = -1;
                if (parse_signal(cases[i].s, &v) != cases[i].r)
                        fail_msg("parse_signal(\"%s\") != %d", cases[i].s, cases[i].r);
                if (cases[i].r == 0)
                        assert_int_equal(v, cases[i].v);
        }
        assert_int_equal(parse_signal("SIGRTMIN", &v), 0);
        assert_int_equal(v, SIGRTMIN);
        assert_int_equal(parse_signal("RTMIN+2", &v), 0);
        assert_int_equal(v, SIGRTMIN + 2);
        assert_int_equal(parse_signal("SIGRTMAX-1", &v), 0);
        assert_int_equal(v, SIGRTMAX - 1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_u64),         cmocka_unit_test(test_i64),
                cmocka_unit_test(test_u32_int),     cmocka_unit_test(test_bool),
                cmocka_unit_test(test_size),        cmocka_unit_test(test_format_size),
                cmocka_unit_test(test_mode),        cmocka_unit_test(test_signal),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
