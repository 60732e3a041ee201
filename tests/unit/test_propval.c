/* src/portod/propval.c: parsers and printers of property values. */
#include "unit.h"

#include <sys/resource.h>
#include <time.h>
#include "portod/propval.h"

/* The printed text of a strbuf, for assertions; resets the buffer. */
static const char *text(struct strbuf *b)
{
        static char last[4096];

        snprintf(last, sizeof(last), "%s", b->s ? b->s : "");
        b->len = 0;
        if (b->s)
                b->s[0] = 0;
        return last;
}

static void expect_invalid(int r, const struct perror *e, const char *needle)
{
        assert_true(r < 0);
        assert_int_equal(e->code, EERROR_INVALID_VALUE);
        if (!strstr(e->msg, needle))
                fail_msg("error \"%s\" lacks \"%s\"", e->msg, needle);
}

/* ---- scalars ---- */

static void test_bool(void **state)
{
        struct strbuf b = STRBUF_INIT;
        struct perror e = { 0 };
        bool v = false;

        (void) state;
        assert_int_equal(pv_parse_bool("isolate", "true", &v, &e), 0);
        assert_true(v);
        assert_int_equal(pv_parse_bool("isolate", "false", &v, &e), 0);
        assert_false(v);
        v = true;
        expect_invalid(pv_parse_bool("isolate", "", &v, &e), &e, "isolate: \"\" is not a boolean");
        assert_true(v);         /* untouched on failure */
        e = (struct perror) { 0 };
        expect_invalid(pv_parse_bool("weak", "truex", &v, &e), &e, "weak");
        for (int i = 0; i < 2; i++) {
                bool back;
                struct perror e2 = { 0 };

                assert_int_equal(pv_format_bool(&b, i), 0);
                assert_int_equal(pv_parse_bool("x", text(&b), &back, &e2), 0);
                assert_int_equal(back, i);
        }
        strbuf_free(&b);
}

static void test_integers(void **state)
{
        struct strbuf b = STRBUF_INIT;
        struct perror e = { 0 };
        uint64_t u = 7;
        int64_t i = 7;

        (void) state;
        assert_int_equal(pv_parse_uint("respawn_count", "0", &u, &e), 0);
        assert_int_equal(u, 0);
        assert_int_equal(pv_parse_uint("respawn_count", "18446744073709551615", &u, &e), 0);
        assert_true(u == UINT64_MAX);
        assert_int_equal(pv_format_u64(&b, u), 0);
        assert_string_equal(text(&b), "18446744073709551615");
        u = 7;
        expect_invalid(pv_parse_uint("respawn_count", "18446744073709551616", &u, &e), &e, "non-negative");
        expect_invalid(pv_parse_uint("respawn_count", "-1", &u, &e), &e, "non-negative");
        expect_invalid(pv_parse_uint("respawn_count", "", &u, &e), &e, "respawn_count");
        expect_invalid(pv_parse_uint("respawn_count", "12abc", &u, &e), &e, "respawn_count");
        assert_int_equal(u, 7);

        assert_int_equal(pv_parse_int_min("max_respawns", "-1", -1, &i, &e), 0);
        assert_int_equal(i, -1);
        assert_int_equal(pv_format_i64(&b, i), 0);
        assert_string_equal(text(&b), "-1");
        expect_invalid(pv_parse_int_min("max_respawns", "-2", -1, &i, &e), &e, "-1 = unlimited");
        expect_invalid(pv_parse_int_min("x", "5", 10, &i, &e), &e, ">= 10");
        expect_invalid(pv_parse_int_min("x", "9223372036854775808", -1, &i, &e), &e, "x");
        assert_int_equal(pv_parse_int_min("x", "-9223372036854775808", INT64_MIN, &i, &e), 0);
        assert_true(i == INT64_MIN);
        assert_int_equal(pv_format_i64(&b, i), 0);
        assert_string_equal(text(&b), "-9223372036854775808");
        strbuf_free(&b);
}

static void test_size(void **state)
{
        struct perror e = { 0 };
        uint64_t v = 1;

        (void) state;
        assert_int_equal(pv_parse_size("stdout_limit", "8M", UINT64_MAX, &v, &e), 0);
        assert_int_equal(v, 8 << 20);
        assert_int_equal(pv_parse_size("stdout_limit", "1.5G", UINT64_MAX, &v, &e), 0);
        assert_true(v == 1610612736ULL);
        assert_int_equal(pv_parse_size("stdout_limit", "0", UINT64_MAX, &v, &e), 0);
        assert_int_equal(v, 0);
        assert_int_equal(pv_parse_size("stdout_limit", "1G", 1ULL << 30, &v, &e), 0);
        v = 5;
        expect_invalid(pv_parse_size("stdout_limit", "1025M", 1ULL << 30, &v, &e), &e,
                       "above the maximum 1073741824");
        expect_invalid(pv_parse_size("stdout_limit", "", 100, &v, &e), &e, "is not a size");
        expect_invalid(pv_parse_size("stdout_limit", "-1", 100, &v, &e), &e, "is not a size");
        expect_invalid(pv_parse_size("stdout_limit", "1Q", 100, &v, &e), &e, "is not a size");
        expect_invalid(pv_parse_size("stdout_limit", "100000000E", UINT64_MAX, &v, &e), &e, "is not a size");
        assert_int_equal(v, 5);
}

static void test_umask(void **state)
{
        struct strbuf b = STRBUF_INIT;
        struct perror e = { 0 };
        unsigned m = 1;

        (void) state;
        assert_int_equal(pv_parse_umask("umask", "0022", &m, &e), 0);
        assert_int_equal(m, 022);
        assert_int_equal(pv_format_umask(&b, m), 0);
        assert_string_equal(text(&b), "0022");
        assert_int_equal(pv_parse_umask("umask", "2", &m, &e), 0);
        assert_int_equal(pv_format_umask(&b, m), 0);
        assert_string_equal(text(&b), "0002");
        assert_int_equal(pv_parse_umask("umask", "0777", &m, &e), 0);
        expect_invalid(pv_parse_umask("umask", "01000", &m, &e), &e, "octal");
        expect_invalid(pv_parse_umask("umask", "8", &m, &e), &e, "octal");
        expect_invalid(pv_parse_umask("umask", "", &m, &e), &e, "octal");
        assert_int_equal(m, 0777);
        strbuf_free(&b);
}

static void test_duration(void **state)
{
        uint64_t v = 3;

        (void) state;
        assert_int_equal(pv_parse_duration_ns("100", 1, &v), 0);
        assert_int_equal(v, 100);
        assert_int_equal(pv_parse_duration_ns("100", 1000000000ULL, &v), 0);
        assert_true(v == 100000000000ULL);
        assert_int_equal(pv_parse_duration_ns("500ms", 1, &v), 0);
        assert_int_equal(v, 500000000);
        assert_int_equal(pv_parse_duration_ns("2 s", 1, &v), 0);
        assert_true(v == 2000000000ULL);
        assert_int_equal(pv_parse_duration_ns("1d", 1, &v), 0);
        assert_true(v == 86400000000000ULL);
        assert_int_equal(pv_parse_duration_ns("7us", 1, &v), 0);
        assert_int_equal(v, 7000);
        v = 3;
        assert_int_equal(pv_parse_duration_ns("", 1, &v), -EINVAL);
        assert_int_equal(pv_parse_duration_ns("s", 1, &v), -EINVAL);
        assert_int_equal(pv_parse_duration_ns("-1", 1, &v), -EINVAL);
        assert_int_equal(pv_parse_duration_ns("1x", 1, &v), -EINVAL);
        assert_int_equal(pv_parse_duration_ns("1.5s", 1, &v), -EINVAL);
        assert_int_equal(pv_parse_duration_ns("1 s x", 1, &v), -EINVAL);
        assert_int_equal(pv_parse_duration_ns("213503d", 1, &v), 0);
        assert_int_equal(pv_parse_duration_ns("213504d", 1, &v), -ERANGE);
        assert_int_equal(pv_parse_duration_ns("18446744073709551616", 1, &v), -ERANGE);
        assert_int_equal(pv_parse_duration_ns("000000000000000000000000000000000001", 1, &v), -ERANGE);
        assert_int_equal(pv_parse_duration_ns("18446744073709551615", 2, &v), -ERANGE);
}

/* ---- ulimit ---- */

static void test_rlimit_names(void **state)
{
        int res = -1;

        (void) state;
        assert_int_equal(pv_rlimit_from_name("nofile", &res), 0);
        assert_int_equal(res, RLIMIT_NOFILE);
        assert_string_equal(pv_rlimit_name(RLIMIT_CORE), "core");
        assert_null(pv_rlimit_name(12345));
        res = -1;
        assert_int_equal(pv_rlimit_from_name("nofiles", &res), -EINVAL);
        assert_int_equal(pv_rlimit_from_name("", &res), -EINVAL);
        assert_int_equal(pv_rlimit_from_name("NOFILE", &res), -EINVAL);
        assert_int_equal(res, -1);
        /* in name order, every one round-trips */
        for (size_t i = 0; i < PV_RLIMIT_COUNT; i++) {
                int r = pv_rlimit_at(i), back;
                const char *name = pv_rlimit_name(r);

                assert_non_null(name);
                assert_int_equal(pv_rlimit_from_name(name, &back), 0);
                assert_int_equal(back, r);
                if (i > 0)
                        assert_true(strcmp(pv_rlimit_name(pv_rlimit_at(i - 1)), name) < 0);
        }
        assert_int_equal(pv_rlimit_at(PV_RLIMIT_COUNT), -1);
}

static void test_rlim_value(void **state)
{
        static const char *const unlimited[] = { "unlimited", "unlim", "inf", "infinity", "-1" };
        struct strbuf b = STRBUF_INIT;
        uint64_t v = 1;

        (void) state;
        for (size_t i = 0; i < sizeof(unlimited) / sizeof(unlimited[0]); i++) {
                v = 1;
                assert_int_equal(pv_parse_rlim(unlimited[i], &v), 0);
                assert_true(v == RLIM_INFINITY);
        }
        assert_int_equal(pv_format_rlim(&b, RLIM_INFINITY), 0);
        assert_string_equal(text(&b), "unlimited");
        assert_int_equal(pv_parse_rlim("8K", &v), 0);
        assert_int_equal(v, 8192);
        assert_int_equal(pv_format_rlim(&b, v), 0);
        assert_string_equal(text(&b), "8192");
        assert_int_equal(pv_parse_rlim("0", &v), 0);
        assert_int_equal(v, 0);
        assert_true(pv_parse_rlim("-2", &v) < 0);
        assert_true(pv_parse_rlim("Unlimited", &v) < 0);
        assert_true(pv_parse_rlim("", &v) < 0);
        assert_true(pv_parse_rlim("99999999999999999999", &v) < 0);
        assert_int_equal(v, 0);
        strbuf_free(&b);
}

static void check_ulimits(const char *value, const char *want)
{
        _cleanup_free_ struct ct_ulimit *u = NULL, *u2 = NULL;
        struct strbuf b = STRBUF_INIT;
        struct perror e = { 0 };
        size_t n = 99, n2 = 99;

        if (pv_parse_ulimits(value, &u, &n, &e) < 0)
                fail_msg("ulimit \"%s\": %s", value, e.msg);
        assert_non_null(u);
        assert_int_equal(pv_format_ulimits(&b, u, n), 0);
        assert_string_equal(b.s ? b.s : "", want);
        /* parse(format(x)) == x */
        assert_int_equal(pv_parse_ulimits(b.s ? b.s : "", &u2, &n2, &e), 0);
        assert_int_equal(n2, n);
        assert_memory_equal(u, u2, n * sizeof(*u));
        strbuf_free(&b);
}

static void test_ulimits(void **state)
{
        (void) state;
        check_ulimits("", "");
        check_ulimits(" ;; ", "");
        check_ulimits("core: 0 unlimited; nofile: 8K 1M", "core: 0 unlimited; nofile: 8192 1048576");
        check_ulimits("nofile: 100", "nofile: 100 100");
        check_ulimits("nofile:100 200;", "nofile: 100 200");
        check_ulimits("stack: unlim inf; memlock: -1", "stack: unlimited unlimited; memlock: unlimited unlimited");
        /* repeated: keeps the first place, takes the last value */
        check_ulimits("nofile: 1 2; core: 0; nofile: 3 4", "nofile: 3 4; core: 0 0");
        check_ulimits("nproc: 0 0", "nproc: 0 0");
}

static void check_ulimit_bad(const char *value, const char *needle)
{
        _cleanup_free_ struct ct_ulimit *u = NULL;
        struct perror e = { 0 };
        size_t n = 99;

        expect_invalid(pv_parse_ulimits(value, &u, &n, &e), &e, needle);
        assert_null(u);
        assert_int_equal(n, 99);
}

static void test_ulimits_bad(void **state)
{
        (void) state;
        check_ulimit_bad("nofiles: 1 2", "known type");
        check_ulimit_bad("nofile 1 2", "known type");
        check_ulimit_bad(": 1 2", "known type");
        check_ulimit_bad("nofile:", "limits must be numbers");
        check_ulimit_bad("nofile: 1 2 3", "limits must be numbers");
        check_ulimit_bad("nofile: x", "limits must be numbers");
        check_ulimit_bad("nofile: 1 99999999999999999999", "limits must be numbers");
        check_ulimit_bad("nofile: 10 5", "soft limit is above the hard limit");
        check_ulimit_bad("nofile: unlimited 5", "soft limit is above the hard limit");
        check_ulimit_bad("core: 0; bogus: 1", "bogus");
}

static void test_ulimit_value(void **state)
{
        struct strbuf b = STRBUF_INIT;
        struct ct_ulimit u = { .resource = RLIMIT_NOFILE, .soft = 5, .hard = RLIM_INFINITY };
        struct ct_ulimit odd = { .resource = 12345, .soft = 1, .hard = 2 };

        (void) state;
        assert_int_equal(pv_format_ulimit_value(&b, &u), 0);
        assert_string_equal(text(&b), "5 unlimited");
        assert_int_equal(pv_format_ulimits(&b, &odd, 1), 0);
        assert_string_equal(text(&b), "?: 1 2");
        strbuf_free(&b);
}

/* ---- env ---- */

static void check_env(const char *value, const char *const *want, const char *formatted)
{
        _cleanup_strv_free_ char **env = NULL, **again = NULL;
        struct strbuf b = STRBUF_INIT;
        struct perror e = { 0 };
        size_t n = 0;

        if (pv_parse_env("env", value, &env, &e) < 0)
                fail_msg("env \"%s\": %s", value, e.msg);
        while (want[n])
                n++;
        assert_int_equal(strv_length(env), n);
        for (size_t i = 0; i < n; i++)
                assert_string_equal(env[i], want[i]);
        assert_int_equal(pv_format_env(&b, env), 0);
        assert_string_equal(b.s ? b.s : "", formatted);
        assert_int_equal(pv_parse_env("env", b.s ? b.s : "", &again, &e), 0);
        assert_int_equal(strv_length(again), n);
        for (size_t i = 0; i < n; i++)
                assert_string_equal(again[i], want[i]);
        strbuf_free(&b);
}

static void test_env(void **state)
{
        (void) state;
        check_env("", (const char *const[]) { NULL }, "");
        check_env("A=1; B=2", (const char *const[]) { "A=1", "B=2", NULL }, "A=1; B=2");
        check_env("A=1; B=2\\; x", (const char *const[]) { "A=1", "B=2; x", NULL }, "A=1; B=2\\; x");
        check_env("P=a\\\\b;Q=", (const char *const[]) { "P=a\\b", "Q=", NULL }, "P=a\\\\b; Q=");
        check_env("X==y;;", (const char *const[]) { "X==y", NULL }, "X==y");
        check_env("  S = v ", (const char *const[]) { "S = v", NULL }, "S = v");
}

static void test_env_bad(void **state)
{
        _cleanup_strv_free_ char **env = NULL;
        struct perror e = { 0 };

        (void) state;
        expect_invalid(pv_parse_env("env", "A=1; B", &env, &e), &e, "env: \"B\" is not NAME=value");
        expect_invalid(pv_parse_env("env_secret", "=x", &env, &e), &e, "env_secret");
        expect_invalid(pv_parse_env("env", "garbage", &env, &e), &e, "NAME=value");
        assert_null(env);
}

static void test_env_edit(void **state)
{
        _cleanup_strv_free_ char **env = NULL;
        struct strbuf b = STRBUF_INIT;

        (void) state;
        assert_null(pv_env_find(env, "A"));
        assert_int_equal(pv_env_set(&env, "A", "1"), 0);
        assert_int_equal(pv_env_set(&env, "AB", "2"), 0);
        assert_int_equal(pv_env_set(&env, "A", "3; x"), 0);
        assert_int_equal(strv_length(env), 2);
        assert_string_equal(*pv_env_find(env, "A"), "A=3; x");
        assert_string_equal(*pv_env_find(env, "AB"), "AB=2");
        assert_null(pv_env_find(env, "B"));
        assert_int_equal(pv_format_env(&b, env), 0);
        assert_string_equal(text(&b), "A=3\\; x; AB=2");
        assert_int_equal(pv_format_env_secret(&b, env), 0);
        assert_string_equal(text(&b), "A=<secret>; AB=<secret>");
        assert_int_equal(pv_format_env_secret(&b, NULL), 0);
        assert_string_equal(text(&b), "");
        assert_true(pv_env_name_valid("PATH"));
        assert_false(pv_env_name_valid(""));
        assert_false(pv_env_name_valid(NULL));
        assert_false(pv_env_name_valid("A=B"));
        assert_false(pv_env_name_valid("A;B"));
        strbuf_free(&b);
}

/* ---- command_argv ---- */

static void test_argv(void **state)
{
        _cleanup_strv_free_ char **argv = NULL, **again = NULL;
        _cleanup_free_ char *quoted = NULL;
        struct strbuf b = STRBUF_INIT;
        size_t i = 9;

        (void) state;
        assert_int_equal(pv_parse_argv("", &argv), 0);
        assert_null(argv);
        assert_int_equal(pv_format_argv(&b, argv), 0);
        assert_string_equal(text(&b), "");

        assert_int_equal(pv_parse_argv("sh\t-c\techo 'a b'\t\t", &argv), 0);
        assert_int_equal(strv_length(argv), 5);
        assert_string_equal(argv[2], "echo 'a b'");
        assert_string_equal(argv[3], "");
        assert_string_equal(argv[4], "");
        assert_int_equal(pv_format_argv(&b, argv), 0);
        assert_string_equal(b.s, "sh\t-c\techo 'a b'\t\t");
        assert_int_equal(pv_parse_argv(b.s, &again), 0);
        assert_int_equal(strv_length(again), 5);
        for (size_t k = 0; k < 5; k++)
                assert_string_equal(again[k], argv[k]);
        text(&b);

        quoted = pv_quote_argv(argv);
        assert_string_equal(quoted, "'sh' '-c' 'echo '\\''a b'\\''' '' ''");

        assert_int_equal(pv_parse_argv_index("0", &i), 0);
        assert_int_equal(i, 0);
        assert_int_equal(pv_parse_argv_index("4096", &i), 0);
        assert_int_equal(i, 4096);
        assert_int_equal(pv_parse_argv_index("4097", &i), -ERANGE);
        assert_int_equal(pv_parse_argv_index("99999999999999999999", &i), -ERANGE);
        assert_int_equal(pv_parse_argv_index("-1", &i), -EINVAL);
        assert_int_equal(pv_parse_argv_index("", &i), -EINVAL);
        assert_int_equal(pv_parse_argv_index("1a", &i), -EINVAL);
        assert_int_equal(i, 4096);

        strv_free(again);
        again = NULL;
        assert_int_equal(pv_argv_set(&again, 2, "x"), 0);
        assert_int_equal(strv_length(again), 3);
        assert_string_equal(again[0], "");
        assert_string_equal(again[2], "x");
        assert_int_equal(pv_argv_set(&again, 0, "true"), 0);
        assert_string_equal(again[0], "true");
        assert_int_equal(strv_length(again), 3);
        assert_int_equal(pv_argv_set(&again, PV_ARGV_INDEX_MAX + 1, "x"), -ERANGE);
        assert_int_equal(strv_length(again), 3);
        strbuf_free(&b);
}

/* ---- stdout range ---- */

static void check_range(const char *index, bool has_off, uint64_t off, bool has_len, uint64_t len,
                        const char *formatted)
{
        struct pv_range r, back;
        struct strbuf b = STRBUF_INIT;

        assert_int_equal(pv_parse_range(index, &r), 0);
        assert_int_equal(r.has_off, has_off);
        assert_int_equal(r.has_len, has_len);
        if (has_off)
                assert_true(r.off == off);
        if (has_len)
                assert_true(r.len == len);
        assert_int_equal(pv_format_range(&b, &r), 0);
        assert_string_equal(b.s ? b.s : "", formatted);
        assert_int_equal(pv_parse_range(b.s ? b.s : "", &back), 0);
        assert_int_equal(back.has_off, r.has_off);
        assert_int_equal(back.has_len, r.has_len);
        assert_true(back.off == r.off && back.len == r.len);
        strbuf_free(&b);
}

static void test_range(void **state)
{
        struct pv_range r = { .has_off = true, .off = 77 };

        (void) state;
        check_range(NULL, false, 0, false, 0, "");
        check_range("", false, 0, false, 0, "");
        check_range(":", false, 0, false, 0, "");
        check_range("100", true, 100, false, 0, "100");
        check_range("100:", true, 100, false, 0, "100");
        check_range(":50", false, 0, true, 50, ":50");
        check_range("0:0", true, 0, true, 0, "0:0");
        check_range("18446744073709551615:18446744073709551615", true, UINT64_MAX, true, UINT64_MAX,
                    "18446744073709551615:18446744073709551615");
        assert_int_equal(pv_parse_range("18446744073709551616", &r), -EINVAL);
        assert_int_equal(pv_parse_range(":18446744073709551616", &r), -EINVAL);
        assert_int_equal(pv_parse_range("-1", &r), -EINVAL);
        assert_int_equal(pv_parse_range("1:2:3", &r), -EINVAL);
        assert_int_equal(pv_parse_range("a:b", &r), -EINVAL);
        assert_int_equal(pv_parse_range("00000000000000000000000000000000001", &r), -EINVAL);
        assert_int_equal(pv_parse_range(" 1", &r), -EINVAL);
        assert_true(r.has_off && r.off == 77);  /* untouched on failure */
}

/* ---- times ---- */

static void test_time(void **state)
{
        struct strbuf b = STRBUF_INIT;
        struct tm tm = { 0 };
        const char *s, *end;
        uint64_t ms = 1700000000123ULL;

        (void) state;
        assert_int_equal(pv_format_time(&b, ms, "raw"), 0);
        assert_string_equal(text(&b), "1700000000");
        assert_int_equal(pv_format_time(&b, 999, "raw"), 0);
        assert_string_equal(text(&b), "0");
        assert_int_equal(pv_format_time(&b, ms, "dead"), -EINVAL);
        assert_int_equal(pv_format_time(&b, ms, ""), -EINVAL);
        assert_int_equal(b.len, 0);
        /* formatted: local "YYYY-MM-DD hh:mm:ss" that reads back as the same second */
        assert_int_equal(pv_format_time(&b, ms, NULL), 0);
        s = text(&b);
        assert_int_equal(strlen(s), 19);
        end = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
        assert_non_null(end);
        assert_int_equal(*end, 0);
        tm.tm_isdst = -1;
        assert_true((uint64_t) mktime(&tm) == ms / 1000);
        strbuf_free(&b);
}

/* ---- labels ---- */

static void test_labels(void **state)
{
        _cleanup_strv_free_ char **names = NULL, **values = NULL, **n2 = NULL, **v2 = NULL;
        struct strbuf b = STRBUF_INIT;
        struct perror e = { 0 };
        struct ct_label l[3];

        (void) state;
        assert_int_equal(pv_parse_labels("", &names, &values, &e), 0);
        assert_null(names);
        assert_null(values);
        assert_int_equal(pv_format_labels(&b, NULL, 0), 0);
        assert_string_equal(text(&b), "");

        assert_int_equal(pv_parse_labels("AA.b: 1; CC.d:2;  EE.x:  ", &names, &values, &e), 0);
        assert_int_equal(strv_length(names), 3);
        assert_int_equal(strv_length(values), 3);
        assert_string_equal(names[0], "AA.b");
        assert_string_equal(values[0], "1");
        assert_string_equal(names[1], "CC.d");
        assert_string_equal(values[1], "2");
        assert_string_equal(names[2], "EE.x");
        assert_string_equal(values[2], "");     /* remove */
        for (size_t i = 0; i < 3; i++)
                l[i] = (struct ct_label) { names[i], values[i] };
        assert_int_equal(pv_format_labels(&b, l, 2), 0);
        assert_string_equal(b.s, "AA.b: 1; CC.d: 2");
        assert_int_equal(pv_parse_labels(b.s, &n2, &v2, &e), 0);
        assert_int_equal(strv_length(n2), 2);
        assert_string_equal(n2[1], "CC.d");
        assert_string_equal(v2[1], "2");
        strbuf_free(&b);
}

/* ':' is allowed in label names and values: the text form round-trips. */
static void test_labels_colon(void **state)
{
        _cleanup_strv_free_ char **names = NULL, **values = NULL;
        struct strbuf b = STRBUF_INIT;
        struct perror e = { 0 };
        struct ct_label l[3] = { { "AA.b:c", "x:y" }, { "AA.d", "e:" }, { "AA.f::", ":g" } };

        (void) state;
        assert_int_equal(pv_format_labels(&b, l, 3), 0);
        assert_string_equal(b.s, "AA.b:c: x:y; AA.d: e:; AA.f::: :g");
        assert_int_equal(pv_parse_labels(b.s, &names, &values, &e), 0);
        assert_int_equal(strv_length(names), 3);
        for (size_t i = 0; i < 3; i++) {
                assert_string_equal(names[i], l[i].name);
                assert_string_equal(values[i], l[i].value);
        }
        strv_free(names);
        strv_free(values);
        /* no blank after any ':': the first one separates, as before */
        assert_int_equal(pv_parse_labels("AA.b:1:2; AA.c:d:", &names, &values, &e), 0);
        assert_string_equal(names[0], "AA.b");
        assert_string_equal(values[0], "1:2");
        assert_string_equal(names[1], "AA.c:d");       /* trailing ':': empty value */
        assert_string_equal(values[1], "");
        strbuf_free(&b);
}

static void test_labels_bad(void **state)
{
        _cleanup_strv_free_ char **names = NULL, **values = NULL;
        struct perror e = { 0 };

        (void) state;
        expect_invalid(pv_parse_labels("AA.b", &names, &values, &e), &e, "is not \"NAME: value\"");
        expect_invalid(pv_parse_labels("AA.b: 1; : 2", &names, &values, &e), &e, "NAME: value");
        e = (struct perror) { 0 };
        assert_true(pv_parse_labels("lower.case: 1", &names, &values, &e) < 0);
        assert_int_equal(e.code, EERROR_INVALID_LABEL);
        e = (struct perror) { 0 };
        assert_true(pv_parse_labels("AA.b: bad value!", &names, &values, &e) < 0);
        assert_int_not_equal(e.code, EERROR_SUCCESS);
        assert_null(names);
        assert_null(values);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_bool),         cmocka_unit_test(test_integers),
                cmocka_unit_test(test_size),         cmocka_unit_test(test_umask),
                cmocka_unit_test(test_duration),     cmocka_unit_test(test_rlimit_names),
                cmocka_unit_test(test_rlim_value),   cmocka_unit_test(test_ulimits),
                cmocka_unit_test(test_ulimits_bad),  cmocka_unit_test(test_ulimit_value),
                cmocka_unit_test(test_env),          cmocka_unit_test(test_env_bad),
                cmocka_unit_test(test_env_edit),     cmocka_unit_test(test_argv),
                cmocka_unit_test(test_range),        cmocka_unit_test(test_time),
                cmocka_unit_test(test_labels),       cmocka_unit_test(test_labels_colon),
                cmocka_unit_test(test_labels_bad),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
