/* src/basic/resparse.c: cpu power, period, weights, policies, cpu masks,
 * cpu_set and io limit maps. Every printer must round-trip. */
#include <sched.h>

#include "unit.h"

#include "basic/parse.h"
#include "basic/resparse.h"

#define NS RES_NSEC_PER_SEC

/* ---- cpu power ------------------------------------------------------------ */

static void test_cpu_power_cores(void **state)
{
        uint64_t v = 7;

        (void) state;
        assert_int_equal(res_parse_cpu_power("2.5c", 8, &v), 0);
        assert_true(v == 2500000000ULL);
        assert_int_equal(res_parse_cpu_power("0c", 8, &v), 0);
        assert_true(v == 0);
        assert_int_equal(res_parse_cpu_power("8c", 8, &v), 0);
        assert_true(v == 8 * NS);
        assert_int_equal(res_parse_cpu_power(".5c", 8, &v), 0);
        assert_true(v == NS / 2);
        assert_int_equal(res_parse_cpu_power("1.c", 8, &v), 0);
        assert_true(v == NS);
        assert_int_equal(res_parse_cpu_power("0.000000001c", 8, &v), 0);
        assert_true(v == 1);
        /* The 10th decimal rounds. */
        assert_int_equal(res_parse_cpu_power("0.0000000015c", 8, &v), 0);
        assert_true(v == 2);
        assert_int_equal(res_parse_cpu_power("0.9999999999c", 8, &v), 0);
        assert_true(v == NS);
        v = 7;
        assert_int_equal(res_parse_cpu_power("8.000000001c", 8, &v), -ERANGE);
        assert_int_equal(res_parse_cpu_power("9c", 8, &v), -ERANGE);
        assert_int_equal(res_parse_cpu_power("99999999999999999999999c", 8, &v), -ERANGE);
        assert_true(v == 7);
}

static void test_cpu_power_percent(void **state)
{
        uint64_t v = 0;

        (void) state;
        /* A plain number is a percentage of the host. */
        assert_int_equal(res_parse_cpu_power("50", 4, &v), 0);
        assert_true(v == 2 * NS);
        assert_int_equal(res_parse_cpu_power("100", 4, &v), 0);
        assert_true(v == 4 * NS);
        assert_int_equal(res_parse_cpu_power("0", 4, &v), 0);
        assert_true(v == 0);
        assert_int_equal(res_parse_cpu_power("12.5", 8, &v), 0);
        assert_true(v == NS);
        assert_int_equal(res_parse_cpu_power("0.5", 2, &v), 0);
        assert_true(v == NS / 100);
        assert_int_equal(res_parse_cpu_power("100.0", 1, &v), 0);
        assert_true(v == NS);
        assert_int_equal(res_parse_cpu_power("100.000001", 4, &v), -ERANGE);
        assert_int_equal(res_parse_cpu_power("150", 4, &v), -ERANGE);
        /* Raw nanoseconds per second, as the original accepts. */
        assert_int_equal(res_parse_cpu_power("1500000000ns", 4, &v), 0);
        assert_true(v == 1500000000ULL);
        assert_int_equal(res_parse_cpu_power("1.5ns", 4, &v), -EINVAL);
        assert_int_equal(res_parse_cpu_power("5000000000ns", 4, &v), -ERANGE);
}

static void test_cpu_power_garbage(void **state)
{
        static const char *const bad[] = {
                "", "c", "-1c", "+1c", " 1c", "1c ", "1 c", "1C", "1cc", "1e3", "1e3c", "0x10", "inf",
                "nan", "1,5c", "1..5c", ".", ".c", "1%", "abc", "1.5.2c", "ns", "1 ns",
        };
        uint64_t v = 42;

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                int r = res_parse_cpu_power(bad[i], 4, &v);

                if (r != -EINVAL)
                        fail_msg("\"%s\" gave %d", bad[i], r);
        }
        assert_int_equal(res_parse_cpu_power(NULL, 4, &v), -EINVAL);
        assert_int_equal(res_parse_cpu_power("1c", 0, &v), -EINVAL);
        assert_true(v == 42);
}

static void test_cpu_power_format(void **state)
{
        static const uint64_t values[] = {
                0, 1, 10, NS / 2, NS, 2500000000ULL, 333333333ULL, 1000000001ULL, 64 * NS, 8191 * NS + 999999999ULL,
        };
        char buf[RES_CPU_POWER_STRLEN];

        (void) state;
        assert_string_equal(res_format_cpu_power(buf, sizeof(buf), 2500000000ULL), "2.5c");
        assert_string_equal(res_format_cpu_power(buf, sizeof(buf), 0), "0c");
        assert_string_equal(res_format_cpu_power(buf, sizeof(buf), 4 * NS), "4c");
        assert_string_equal(res_format_cpu_power(buf, sizeof(buf), 1), "0.000000001c");
        assert_string_equal(res_format_cpu_power(buf, sizeof(buf), 333333333ULL), "0.333333333c");
        for (size_t i = 0; i < ELEMENTSOF(values); i++) {
                uint64_t v;

                res_format_cpu_power(buf, sizeof(buf), values[i]);
                assert_int_equal(res_parse_cpu_power(buf, RES_CPUS_MAX, &v), 0);
                assert_true(v == values[i]);
        }
}

/* ---- period, weight ------------------------------------------------------------ */

static void test_cpu_period(void **state)
{
        static const struct {
                const char *s;
                int r;
                uint64_t ns;
        } cases[] = {
                { "100ms", 0, 100000000 },   { "1ms", 0, 1000000 },      { "1s", 0, 1000000000 },
                { "0.5s", 0, 500000000 },    { "1000us", 0, 1000000 },   { "1000000", 0, 1000000 },
                { "50000000ns", 0, 50000000 }, { "2.5ms", 0, 2500000 },  { "999us", -ERANGE, 0 },
                { "1.1s", -ERANGE, 0 },      { "0", -ERANGE, 0 },        { "2s", -ERANGE, 0 },
                { "999999", -ERANGE, 0 },    { "", -EINVAL, 0 },         { "ms", -EINVAL, 0 },
                { "100 ms", -EINVAL, 0 },    { "100m", -EINVAL, 0 },     { "-1ms", -EINVAL, 0 },
                { "1min", -EINVAL, 0 },      { "1e6", -EINVAL, 0 },
                { "99999999999999999999999s", -ERANGE, 0 },
        };

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                uint64_t v = 7;
                int r = res_parse_cpu_period(cases[i].s, &v);

                if (r != cases[i].r)
                        fail_msg("\"%s\": got %d, want %d", cases[i].s, r, cases[i].r);
                if (r == 0 && v != cases[i].ns)
                        fail_msg("\"%s\": got %llu", cases[i].s, (unsigned long long) v);
                if (r < 0 && v != 7)
                        fail_msg("\"%s\": output written on failure", cases[i].s);
        }
        assert_int_equal(res_parse_cpu_period(NULL, &(uint64_t) { 0 }), -EINVAL);
}

static void test_weight(void **state)
{
        static const char *const good[] = { "1", "0.01", "100", "2.5", "0.123456789", "99.99", "100.000" };
        static const char *const bad[] = { "", "-1", "1e2", " 1", "1 ", "abc", "1x", "0x1", "." };
        static const char *const range[] = { "0", "0.009", "100.01", "1000", "99999999999999999999999" };
        char buf[RES_WEIGHT_STRLEN];
        double w = 7;

        (void) state;
        assert_int_equal(res_parse_weight("2.5", &w), 0);
        assert_true(w == 2.5);
        assert_string_equal(res_format_weight(buf, sizeof(buf), 1.0), "1");
        assert_string_equal(res_format_weight(buf, sizeof(buf), 0.5), "0.5");
        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                double a, b;

                assert_int_equal(res_parse_weight(good[i], &a), 0);
                res_format_weight(buf, sizeof(buf), a);
                assert_int_equal(res_parse_weight(buf, &b), 0);
                if (a != b)
                        fail_msg("\"%s\" -> \"%s\" does not round-trip", good[i], buf);
        }
        w = 7;
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (res_parse_weight(bad[i], &w) != -EINVAL)
                        fail_msg("\"%s\" accepted", bad[i]);
        for (size_t i = 0; i < ELEMENTSOF(range); i++)
                if (res_parse_weight(range[i], &w) != -ERANGE)
                        fail_msg("\"%s\" not -ERANGE", range[i]);
        assert_true(w == 7);
}

/* ---- policies ------------------------------------------------------------------ */

static void test_cpu_policy(void **state)
{
        enum res_cpu_policy p = RES_CPU_POLICY_MAX;

        (void) state;
        for (unsigned i = 0; i < RES_CPU_POLICY_MAX; i++) {
                const char *name = res_cpu_policy_to_string(i);

                assert_non_null(name);
                assert_int_equal(res_cpu_policy_from_string(name, &p), 0);
                assert_int_equal(p, i);
        }
        assert_int_equal(res_parse_cpu_policy("rt", &p), 0);
        assert_int_equal(p, RES_CPU_POLICY_RT);
        assert_int_equal(res_cpu_policy_info(p)->sched_policy, SCHED_RR);
        assert_int_equal(res_cpu_policy_info(p)->sched_priority, 10);
        assert_int_equal(res_cpu_policy_info(p)->nice, -20);
        assert_int_equal(res_cpu_policy_info(RES_CPU_POLICY_HIGH)->nice, -10);
        assert_int_equal(res_cpu_policy_info(RES_CPU_POLICY_IDLE)->sched_policy, SCHED_IDLE);
        assert_int_equal(res_cpu_policy_info(RES_CPU_POLICY_BATCH)->sched_policy, SCHED_BATCH);
        /* iso is a known name but no mainline kernel has SCHED_ISO. */
        assert_int_equal(res_cpu_policy_from_string("iso", &p), 0);
        assert_int_equal(p, RES_CPU_POLICY_ISO);
        p = RES_CPU_POLICY_NORMAL;
        assert_int_equal(res_parse_cpu_policy("iso", &p), -EOPNOTSUPP);
        assert_int_equal(p, RES_CPU_POLICY_NORMAL);
        assert_int_equal(res_parse_cpu_policy("", &p), -EINVAL);
        assert_int_equal(res_parse_cpu_policy("Normal", &p), -EINVAL);
        assert_int_equal(res_parse_cpu_policy(" rt", &p), -EINVAL);
        assert_int_equal(res_parse_cpu_policy(NULL, &p), -EINVAL);
        assert_null(res_cpu_policy_to_string(RES_CPU_POLICY_MAX));
        assert_null(res_cpu_policy_info(RES_CPU_POLICY_MAX));
}

static void test_cpu_shares(void **state)
{
        (void) state;
        assert_true(res_cpu_shares(RES_CPU_POLICY_NORMAL, 1, 0) == 1024);
        assert_true(res_cpu_shares(RES_CPU_POLICY_HIGH, 1, 0) == 16384);
        assert_true(res_cpu_shares(RES_CPU_POLICY_IDLE, 1, 0) == 64);
        assert_true(res_cpu_shares(RES_CPU_POLICY_NORMAL, 2, 0) == 2048);
        assert_true(res_cpu_shares(RES_CPU_POLICY_NORMAL, 1, 2 * NS) == 3072);
        assert_true(res_cpu_shares(RES_CPU_POLICY_NORMAL, 0.01, 0) == 10);
        assert_true(res_cpu_shares(RES_CPU_POLICY_IDLE, 0.01, 0) == 1);
        assert_true(res_cpu_shares(RES_CPU_POLICY_HIGH, 100, 64 * NS) == 1024ULL * 65 * 100 * 16);
}

static void test_cpu_nice(void **state)
{
        (void) state;
        assert_int_equal(res_cpu_nice(RES_CPU_POLICY_NORMAL, 1), 0);
        assert_int_equal(res_cpu_nice(RES_CPU_POLICY_NORMAL, 1.1), -1);
        assert_int_equal(res_cpu_nice(RES_CPU_POLICY_NORMAL, 1.04), 0);
        assert_int_equal(res_cpu_nice(RES_CPU_POLICY_NORMAL, 1.06), -1);
        assert_int_equal(res_cpu_nice(RES_CPU_POLICY_NORMAL, 2), -7);      /* log 2 / log 1.1 = 7.27 */
        assert_int_equal(res_cpu_nice(RES_CPU_POLICY_NORMAL, 0.5), 7);
        assert_int_equal(res_cpu_nice(RES_CPU_POLICY_NORMAL, 100), -20);
        assert_int_equal(res_cpu_nice(RES_CPU_POLICY_NORMAL, 0.01), 19);
        assert_int_equal(res_cpu_nice(RES_CPU_POLICY_HIGH, 1), -10);
        assert_int_equal(res_cpu_nice(RES_CPU_POLICY_HIGH, 2), -17);
        assert_int_equal(res_cpu_nice(RES_CPU_POLICY_HIGH, 10), -20);     /* 24 steps, clamped */
        assert_int_equal(res_cpu_nice(RES_CPU_POLICY_RT, 0.5), -13);
        assert_int_equal(res_cpu_nice(RES_CPU_POLICY_BATCH, 1.5), -4);    /* 4.25 */
        assert_int_equal(res_cpu_nice(RES_CPU_POLICY_NORMAL, 0), 0);
}

static void test_io_policy(void **state)
{
        static const struct {
                const char *name;
                int prio;
                unsigned weight;
        } table[] = {
                { "none", 0, 500 },
                { "rt", RES_IOPRIO_VALUE(RES_IOPRIO_CLASS_RT, 4), 1000 },
                { "high", RES_IOPRIO_VALUE(RES_IOPRIO_CLASS_BE, 0), 1000 },
                { "normal", RES_IOPRIO_VALUE(RES_IOPRIO_CLASS_BE, 4), 500 },
                { "batch", RES_IOPRIO_VALUE(RES_IOPRIO_CLASS_BE, 7), 10 },
                { "idle", RES_IOPRIO_VALUE(RES_IOPRIO_CLASS_IDLE, 0), 10 },
        };
        enum res_io_policy p;

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                assert_int_equal(res_io_policy_from_string(table[i].name, &p), 0);
                assert_string_equal(res_io_policy_to_string(p), table[i].name);
                assert_int_equal(res_io_policy_ioprio(p), table[i].prio);
                assert_int_equal(res_io_policy_info(p)->blkio_weight, table[i].weight);
                assert_true(res_blkio_weight(p, 1) == table[i].weight);
        }
        assert_int_equal(RES_IO_POLICY_MAX, ELEMENTSOF(table));
        assert_true(res_blkio_weight(RES_IO_POLICY_NORMAL, 0.5) == 250);
        assert_true(res_blkio_weight(RES_IO_POLICY_IDLE, 0.01) == 1);
        assert_true(res_blkio_weight(RES_IO_POLICY_RT, 100) == 100000);
        assert_int_equal(res_io_policy_from_string("iso", &p), -EINVAL);
        assert_int_equal(res_io_policy_from_string("", &p), -EINVAL);
        assert_int_equal(res_io_policy_from_string(NULL, &p), -EINVAL);
        assert_null(res_io_policy_to_string(RES_IO_POLICY_MAX));
}

/* ---- cpu masks, cpu_set --------------------------------------------------------- */

static void roundtrip_mask(const char *in, const char *canonical, unsigned count)
{
        struct res_cpumask m, m2;
        char *s;

        if (res_cpumask_parse(in, &m) != 0)
                fail_msg("\"%s\" refused", in);
        assert_int_equal(res_cpumask_count(&m), count);
        s = res_cpumask_format(&m);
        assert_non_null(s);
        if (strcmp(s, canonical))
                fail_msg("\"%s\" -> \"%s\", want \"%s\"", in, s, canonical);
        assert_int_equal(res_cpumask_parse(s, &m2), 0);
        assert_true(res_cpumask_equal(&m, &m2));
        free(s);
}

static void test_cpumask(void **state)
{
        static const char *const bad[] = { "a", "0-", "-1", "0 - 1", "3-1", "0,,1", ",0", "0,", "0-1-2", "1 2", "0x1", "0:2", "0-3:2" };
        struct res_cpumask m, a, b;

        (void) state;
        roundtrip_mask("0-3,5", "0-3,5", 5);
        roundtrip_mask("5,0-3", "0-3,5", 5);
        roundtrip_mask("0,1,2,3", "0-3", 4);
        roundtrip_mask("0-1\n", "0-1", 2);
        roundtrip_mask(" 0-1 , 7 ", "0-1,7", 3);
        roundtrip_mask("", "", 0);
        roundtrip_mask("\n", "", 0);
        roundtrip_mask("1-1", "1", 1);
        roundtrip_mask("0-8191", "0-8191", RES_CPUS_MAX);
        roundtrip_mask("63,64,127-128", "63-64,127-128", 4);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (res_cpumask_parse(bad[i], &m) != -EINVAL)
                        fail_msg("\"%s\" accepted", bad[i]);
        assert_int_equal(res_cpumask_parse("8192", &m), -ERANGE);
        assert_int_equal(res_cpumask_parse("0-99999999999999999999", &m), -ERANGE);
        assert_int_equal(res_cpumask_parse(NULL, &m), -EINVAL);

        assert_int_equal(res_cpumask_parse("0-7", &a), 0);
        assert_int_equal(res_cpumask_parse("2-3,10", &b), 0);
        assert_false(res_cpumask_subset(&b, &a));
        res_cpumask_and(&b, &a);
        assert_true(res_cpumask_subset(&b, &a));
        assert_int_equal(res_cpumask_count(&b), 2);
        res_cpumask_andnot(&a, &b);
        assert_int_equal(res_cpumask_count(&a), 6);
        assert_false(res_cpumask_test(&a, 2));
        res_cpumask_or(&a, &b);
        assert_int_equal(res_cpumask_count(&a), 8);
        res_cpumask_clear(&a, 0);
        res_cpumask_set(&a, RES_CPUS_MAX); /* ignored */
        assert_int_equal(res_cpumask_count(&a), 7);
        res_cpumask_zero(&a);
        assert_true(res_cpumask_is_empty(&a));
}

static void roundtrip_cpuset(const char *in, enum res_cpuset_policy policy, uint32_t arg, const char *out)
{
        struct res_cpuset cs, cs2;
        char *s;

        if (res_parse_cpuset(in, &cs) != 0)
                fail_msg("\"%s\" refused", in);
        assert_int_equal(cs.policy, policy);
        if (policy != RES_CPUSET_SET && policy != RES_CPUSET_INHERIT)
                assert_int_equal(cs.arg, arg);
        s = res_format_cpuset(&cs);
        assert_non_null(s);
        if (strcmp(s, out))
                fail_msg("\"%s\" -> \"%s\", want \"%s\"", in, s, out);
        assert_int_equal(res_parse_cpuset(s, &cs2), 0);
        assert_int_equal(cs2.policy, cs.policy);
        assert_int_equal(cs2.arg, cs.arg);
        assert_true(res_cpumask_equal(&cs2.cpus, &cs.cpus));
        free(s);
}

static void test_cpuset(void **state)
{
        static const struct {
                const char *s;
                int r;
        } bad[] = {
                { "node", -EINVAL },        { "node x", -EINVAL },      { "node -1", -EINVAL },
                { "node 1 2", -EINVAL },    { "nodes 1", -EINVAL },     { "node1", -EINVAL },
                { "threads 0", -ERANGE },   { "cores 0", -ERANGE },     { "reserve 0", -ERANGE },
                { "node 1024", -ERANGE },   { "threads 8192", -ERANGE }, { "set 0-3", -EINVAL },
                { "all", -EINVAL },         { "0-3 node", -EINVAL },    { "3-1", -EINVAL },
                { "8192", -ERANGE },        { "threads 99999999999", -ERANGE }, { "Node 1", -EINVAL },
                { ",", -EINVAL },
        };
        enum res_cpuset_policy p;
        struct res_cpuset cs;

        (void) state;
        roundtrip_cpuset("", RES_CPUSET_INHERIT, 0, "");
        roundtrip_cpuset("inherit", RES_CPUSET_INHERIT, 0, "");
        roundtrip_cpuset("  ", RES_CPUSET_INHERIT, 0, "");
        roundtrip_cpuset("0-3,5", RES_CPUSET_SET, 0, "0-3,5");
        roundtrip_cpuset(" 2 ", RES_CPUSET_SET, 0, "2");
        roundtrip_cpuset("node 1", RES_CPUSET_NODE, 1, "node 1");
        roundtrip_cpuset("node 0", RES_CPUSET_NODE, 0, "node 0");
        roundtrip_cpuset("reserve 2", RES_CPUSET_RESERVE, 2, "reserve 2");
        roundtrip_cpuset("threads  4", RES_CPUSET_THREADS, 4, "threads 4");
        roundtrip_cpuset("cores\t3", RES_CPUSET_CORES, 3, "cores 3");
        roundtrip_cpuset(" threads 1 ", RES_CPUSET_THREADS, 1, "threads 1");
        cs.policy = RES_CPUSET_NODE;
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                int r = res_parse_cpuset(bad[i].s, &cs);

                if (r != bad[i].r)
                        fail_msg("\"%s\": got %d, want %d", bad[i].s, r, bad[i].r);
        }
        assert_int_equal(cs.policy, RES_CPUSET_NODE);
        assert_int_equal(res_parse_cpuset(NULL, &cs), -EINVAL);
        for (unsigned i = 0; i < RES_CPUSET_POLICY_MAX; i++) {
                assert_int_equal(res_cpuset_policy_from_string(res_cpuset_policy_to_string(i), &p), 0);
                assert_int_equal(p, i);
        }
        assert_int_equal(res_cpuset_policy_from_string("", &p), -EINVAL);
        cs.policy = RES_CPUSET_POLICY_MAX;
        assert_null(res_format_cpuset(&cs));
}

/* ---- io limits ------------------------------------------------------------------ */

static void test_io_key(void **state)
{
        static const struct {
                const char *in, *key, *target;
                enum res_io_target type;
                enum res_io_dir dir;
        } good[] = {
                { "fs", "fs", "fs", RES_IO_TARGET_FS, RES_IO_RW },
                { "fs r", "fs r", "fs", RES_IO_TARGET_FS, RES_IO_READ },
                { "sda", "sda", "sda", RES_IO_TARGET_DISK, RES_IO_RW },
                { "sda w", "sda w", "sda", RES_IO_TARGET_DISK, RES_IO_WRITE },
                { " md0   r ", "md0 r", "md0", RES_IO_TARGET_DISK, RES_IO_READ },
                { "nvme0n1", "nvme0n1", "nvme0n1", RES_IO_TARGET_DISK, RES_IO_RW },
                { "dm-0", "dm-0", "dm-0", RES_IO_TARGET_DISK, RES_IO_RW },
                { "8:0", "8:0", "8:0", RES_IO_TARGET_DISK, RES_IO_RW },
                { "/dev/sda", "/dev/sda", "/dev/sda", RES_IO_TARGET_PATH, RES_IO_RW },
                { "/place r", "/place r", "/place", RES_IO_TARGET_PATH, RES_IO_READ },
                { "/my dir w", "/my dir w", "/my dir", RES_IO_TARGET_PATH, RES_IO_WRITE },
                { "/a:b", "/a:b", "/a:b", RES_IO_TARGET_PATH, RES_IO_RW },
                { ".", ".", ".", RES_IO_TARGET_PATH, RES_IO_RW },
                { "./data w", "./data w", "./data", RES_IO_TARGET_PATH, RES_IO_WRITE },
                { "r", "r", "r", RES_IO_TARGET_DISK, RES_IO_RW },
                { "/", "/", "/", RES_IO_TARGET_PATH, RES_IO_RW },
        };
        static const char *const bad[] = { "", " ", "sda x", "sd a", "8:", ":0", "8:0:1", "a:b", "s/da", "fs rw",
                                           "sda;", "disk\xff", "sda\tr\tw" };
        struct res_io_limit e = {};

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                if (res_parse_io_key(good[i].in, &e) != 0)
                        fail_msg("\"%s\" refused", good[i].in);
                assert_string_equal(e.key, good[i].key);
                assert_string_equal(e.target, good[i].target);
                assert_int_equal(e.type, good[i].type);
                assert_int_equal(e.dir, good[i].dir);
                res_io_limit_done(&e);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (res_parse_io_key(bad[i], &e) != -EINVAL)
                        fail_msg("\"%s\" accepted", bad[i]);
        assert_null(e.key);
        assert_int_equal(res_parse_io_key(NULL, &e), -EINVAL);
        res_io_limit_done(NULL);
}

static void check_limits(const char *in, const char *out)
{
        _cleanup_io_limits_ struct res_io_limits l = {}, l2 = {};
        char *s, *s2;

        if (res_parse_io_limits(in, &l) != 0)
                fail_msg("\"%s\" refused", in);
        s = res_format_io_limits(&l);
        assert_non_null(s);
        if (strcmp(s, out))
                fail_msg("\"%s\" -> \"%s\", want \"%s\"", in, s, out);
        assert_int_equal(res_parse_io_limits(s, &l2), 0);
        s2 = res_format_io_limits(&l2);
        assert_string_equal(s, s2);
        free(s);
        free(s2);
}

static void test_io_limits(void **state)
{
        static const char *const bad[] = {
                "sda", "sda:", ": 1", "sda: x", "sda: -1", "sda: 1Q", "sda: 1; sdb", "sd a: 1", "sda x: 1",
                "sda: 99999999999999999999",
        };
        _cleanup_io_limits_ struct res_io_limits l = {};

        (void) state;
        check_limits("", "");
        check_limits(" ; ", "");
        check_limits("fs: 10M", "fs: 10485760");
        check_limits("fs: 10M; /dev/sda: 20M; /path r: 1M",
                     "fs: 10485760; /dev/sda: 20971520; /path r: 1048576");
        check_limits("sda r: 1K;sda w: 2K;sda: 0", "sda r: 1024; sda w: 2048; sda: 0");
        /* A later duplicate replaces the earlier value, in place. */
        check_limits("sda: 1; sdb: 2; sda: 3", "sda: 3; sdb: 2");
        check_limits("sda  r : 5", "sda r: 5");
        /* ':' inside a path: the value is after the last one. */
        check_limits("/mnt/a:b w: 1G", "/mnt/a:b w: 1073741824");
        /* ';' inside a path is escaped, and printed escaped. */
        check_limits("/a\\;b: 1", "/a\\;b: 1");
        check_limits("8:16: 100", "8:16: 100");

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                int r = res_parse_io_limits(bad[i], &l);

                if (r >= 0)
                        fail_msg("\"%s\" accepted", bad[i]);
        }
        assert_int_equal(res_parse_io_limits("sda: 99999999999999999999", &l), -ERANGE);
        assert_int_equal(res_parse_io_limits(NULL, &l), -EINVAL);
        assert_int_equal(l.n, 0);
}

static void test_io_limits_edit(void **state)
{
        _cleanup_io_limits_ struct res_io_limits l = {};
        struct res_io_limit e;
        char *s;

        (void) state;
        assert_int_equal(res_parse_io_limits("sda: 1; fs r: 2", &l), 0);
        assert_int_equal(res_parse_io_key("fs r", &e), 0);
        e.value = 7;
        assert_int_equal(res_io_limits_put(&l, &e), 0);
        assert_null(e.key);
        assert_int_equal(res_parse_io_key("/x", &e), 0);
        e.value = 9;
        assert_int_equal(res_io_limits_put(&l, &e), 0);
        s = res_format_io_limits(&l);
        assert_string_equal(s, "sda: 1; fs r: 7; /x: 9");
        free(s);
        assert_int_equal(res_io_limits_remove(&l, "sda"), 0);
        assert_int_equal(res_io_limits_remove(&l, "sda"), -ENOENT);
        s = res_format_io_limits(&l);
        assert_string_equal(s, "fs r: 7; /x: 9");
        free(s);
        assert_int_equal(l.v[0].type, RES_IO_TARGET_FS);
        assert_int_equal(l.v[0].dir, RES_IO_READ);
        assert_int_equal(l.v[1].type, RES_IO_TARGET_PATH);
}

/* Sizes for memory_limit & co. come from parse_size: the forms the
 * manual's examples use. */
static void test_sizes(void **state)
{
        uint64_t v;

        (void) state;
        assert_int_equal(parse_size("1G", &v), 0);
        assert_true(v == 1ULL << 30);
        assert_int_equal(parse_size("1.5G", &v), 0);
        assert_true(v == 3ULL << 29);
        assert_int_equal(parse_size("64M", &v), 0);
        assert_true(v == 64ULL << 20);
        assert_int_equal(parse_size("2097152", &v), 0);
        assert_true(v == 2097152);
        assert_int_equal(parse_size("1Q", &v), -EINVAL);
        assert_int_equal(parse_size("", &v), -EINVAL);
        assert_int_equal(parse_size("-1", &v), -EINVAL);
        assert_int_equal(parse_size("16E", &v), -ERANGE);
}

/* ---- cpu picking for cpu_set threads/reserve/cores ------------------------ */

static void mask_of(const char *list, struct res_cpumask *m)
{
        assert_int_equal(res_cpumask_parse(list, m), 0);
}

static void assert_mask(const struct res_cpumask *m, const char *list)
{
        char *s = res_cpumask_format(m);

        assert_non_null(s);
        assert_string_equal(s, list);
        free(s);
}

/* 4 cores with 2 threads each, numbered as Intel does: (0,4) (1,5) (2,6) (3,7). */
static uint16_t *smt_topology(void)
{
        uint16_t *first = calloc(RES_CPUS_MAX, sizeof(*first));

        assert_non_null(first);
        for (unsigned c = 0; c < RES_CPUS_MAX; c++)
                first[c] = c < 8 ? c % 4 : c;
        return first;
}

static void test_cpus_pick(void **state)
{
        uint16_t *first = smt_topology();
        struct res_cpumask online, vacant, got, use;

        (void) state;
        mask_of("0-7", &online);
        /* a whole core first */
        assert_int_equal(res_cpus_pick_threads(&online, &online, first, 2, &got), 0);
        assert_mask(&got, "0,4");
        /* then single threads, lowest first */
        assert_int_equal(res_cpus_pick_threads(&online, &online, first, 3, &got), 0);
        assert_mask(&got, "0-1,4");
        /* a split core is skipped while a whole one fits */
        mask_of("1-2,4-6", &vacant);
        assert_int_equal(res_cpus_pick_threads(&vacant, &online, first, 2, &got), 0);
        assert_mask(&got, "1,5");
        assert_int_equal(res_cpus_pick_threads(&vacant, &online, first, 5, &got), 0);
        assert_mask(&got, "1-2,4-6");
        assert_int_equal(res_cpus_pick_threads(&vacant, &online, first, 6, &got), -ENOSPC);
        /* cores: only whole vacant ones, one thread of each to use */
        mask_of("0-2,4-7", &vacant);
        assert_int_equal(res_cpus_pick_cores(&vacant, &online, first, 2, &got, &use), 0);
        assert_mask(&got, "0-1,4-5");
        assert_mask(&use, "0-1");
        assert_int_equal(res_cpus_pick_cores(&vacant, &online, first, 3, &got, &use), 0);
        assert_mask(&got, "0-2,4-6");
        assert_mask(&use, "0-2");
        assert_int_equal(res_cpus_pick_cores(&vacant, &online, first, 4, &got, &use), -ENOSPC);
        /* no SMT: every cpu is a core */
        for (unsigned c = 0; c < 8; c++)
                first[c] = c;
        assert_int_equal(res_cpus_pick_cores(&online, &online, first, 3, &got, &use), 0);
        assert_mask(&got, "0-2");
        assert_mask(&use, "0-2");
        free(first);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cpu_power_cores),
                cmocka_unit_test(test_cpu_power_percent),
                cmocka_unit_test(test_cpu_power_garbage),
                cmocka_unit_test(test_cpu_power_format),
                cmocka_unit_test(test_cpu_period),
                cmocka_unit_test(test_weight),
                cmocka_unit_test(test_cpu_policy),
                cmocka_unit_test(test_cpu_shares),
                cmocka_unit_test(test_cpu_nice),
                cmocka_unit_test(test_io_policy),
                cmocka_unit_test(test_cpumask),
                cmocka_unit_test(test_cpuset),
                cmocka_unit_test(test_io_key),
                cmocka_unit_test(test_io_limits),
                cmocka_unit_test(test_io_limits_edit),
                cmocka_unit_test(test_sizes),
                cmocka_unit_test(test_cpus_pick),
        };

        return cmocka_run_group_tests_name("resparse", tests, NULL, NULL);
}
