/* src/shared/cgroup_fmt.c: knob text formats of cgroup v1 and v2, with
 * samples as the kernel prints them (v2 ones cannot be seen on a v1 host). */
#include <sys/sysmacros.h>

#include "unit.h"

#include "shared/cgroup_fmt.h"

static void test_keyed(void **state)
{
        const char *stat = "cache 4096\nrss 8192\ntotal_rss 12288\nrss_huge 0\ntotal_pgfault 77\n";
        uint64_t v = 5;

        (void) state;
        assert_int_equal(cgf_keyed(stat, "rss", &v), 0);
        assert_true(v == 8192);
        assert_int_equal(cgf_keyed(stat, "total_rss", &v), 0);
        assert_true(v == 12288);
        assert_int_equal(cgf_keyed(stat, "total_pgfault", &v), 0);
        assert_true(v == 77);
        v = 5;
        assert_int_equal(cgf_keyed(stat, "rs", &v), -ENODATA);
        assert_int_equal(cgf_keyed(stat, "swap", &v), -ENODATA);
        assert_int_equal(cgf_keyed("", "x", &v), -ENODATA);
        assert_int_equal(cgf_keyed("x abc\n", "x", &v), -EBADMSG);
        assert_int_equal(cgf_keyed("x \n", "x", &v), -EBADMSG);
        assert_int_equal(cgf_keyed("x 123456789012345678901234567890123\n", "x", &v), -EBADMSG);
        assert_true(v == 5);
        /* No trailing newline; oom_control style. */
        assert_int_equal(cgf_keyed("oom_kill_disable 0\nunder_oom 0\noom_kill 3", "oom_kill", &v), 0);
        assert_true(v == 3);
}

static void test_limit(void **state)
{
        uint64_t v = 5;

        (void) state;
        assert_int_equal(cgf_parse_limit("9223372036854771712\n", &v), 0);
        assert_true(v == 0);
        v = 5;
        assert_int_equal(cgf_parse_limit("max\n", &v), 0);
        assert_true(v == 0);
        v = 5;
        assert_int_equal(cgf_parse_limit("-1", &v), 0);
        assert_true(v == 0);
        assert_int_equal(cgf_parse_limit("67108864\n", &v), 0);
        assert_true(v == 67108864);
        assert_int_equal(cgf_parse_limit("0", &v), 0);
        assert_true(v == 0);
        v = 5;
        assert_int_equal(cgf_parse_limit("", &v), -EBADMSG);
        assert_int_equal(cgf_parse_limit("maximum", &v), -EBADMSG);
        assert_int_equal(cgf_parse_limit("-2", &v), -EBADMSG);
        assert_true(v == 5);
}

static void test_devnum(void **state)
{
        const char *p = "8:16 rest";
        dev_t d;

        (void) state;
        assert_int_equal(cgf_parse_devnum(&p, &d), 0);
        assert_int_equal(major(d), 8);
        assert_int_equal(minor(d), 16);
        assert_string_equal(p, " rest");
        p = "259:0";
        assert_int_equal(cgf_parse_devnum(&p, &d), 0);
        assert_int_equal(major(d), 259);
        static const char *const bad[] = { "", "8", "8:", ":1", "a:b", "8-1", "99999999999:0" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                p = bad[i];
                assert_int_equal(cgf_parse_devnum(&p, &d), -EBADMSG);
                assert_ptr_equal(p, bad[i]);
        }
}

static struct cg_io_stat *find_stat(struct cg_io_stat *v, size_t n, unsigned maj, unsigned min)
{
        for (size_t i = 0; i < n; i++)
                if (v[i].dev == makedev(maj, min))
                        return &v[i];
        fail_msg("no %u:%u", maj, min);
        return NULL;
}

static void test_blkio_rwstat(void **state)
{
        const char *bytes = "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 8192\n8:0 Async 4096\n8:0 Discard 0\n"
                            "8:0 Total 12288\n254:0 Read 1\n254:0 Write 2\n254:0 Sync 0\n254:0 Async 3\n"
                            "254:0 Discard 0\n254:0 Total 3\nTotal 12291\n";
        const char *ops = "8:0 Read 1\n8:0 Write 2\n8:0 Total 3\n253:1 Read 9\n253:1 Write 0\nTotal 12\n";
        struct cg_io_stat *v = NULL, *e;
        size_t n = 0;

        (void) state;
        assert_int_equal(cgf_parse_blkio_rwstat(bytes, false, &v, &n), 0);
        assert_int_equal(cgf_parse_blkio_rwstat(ops, true, &v, &n), 0);
        assert_int_equal(n, 3);
        e = find_stat(v, n, 8, 0);
        assert_true(e->read_bytes == 4096 && e->write_bytes == 8192 && e->read_ops == 1 && e->write_ops == 2);
        e = find_stat(v, n, 254, 0);
        assert_true(e->read_bytes == 1 && e->write_bytes == 2 && e->read_ops == 0 && e->write_ops == 0);
        e = find_stat(v, n, 253, 1);
        assert_true(e->read_ops == 9 && e->read_bytes == 0);
        free(v);

        /* The root cgroup of a fresh host prints only the total. */
        v = NULL;
        n = 0;
        assert_int_equal(cgf_parse_blkio_rwstat("Total 0\n", false, &v, &n), 0);
        assert_int_equal(n, 0);
        assert_int_equal(cgf_parse_blkio_rwstat("", false, &v, &n), 0);
        assert_int_equal(cgf_parse_blkio_rwstat("8:0 Read\n", false, &v, &n), -EBADMSG);
        assert_int_equal(cgf_parse_blkio_rwstat("8:0 Read x\n", false, &v, &n), -EBADMSG);
        assert_int_equal(cgf_parse_blkio_rwstat("garbage\n", false, &v, &n), -EBADMSG);
        free(v);
}

static void test_blkio_time(void **state)
{
        const char *s = "8:0 Read 100\n8:0 Write 200\n8:0 Total 300\n8:16 Total 5\nTotal 305\n";
        struct cg_io_time *v = NULL;
        size_t n = 0;

        (void) state;
        assert_int_equal(cgf_parse_blkio_time(s, &v, &n), 0);
        assert_int_equal(n, 2);
        assert_true(v[0].dev == makedev(8, 0) && v[0].ns == 300);
        assert_true(v[1].dev == makedev(8, 16) && v[1].ns == 5);
        free(v);
}

static void test_io_stat_v2(void **state)
{
        const char *s = "8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0\n"
                        "8:0 rbytes=90430464 wbytes=299008000 rios=8950 wios=1252 dbytes=50331648 dios=3021 "
                        "cost.vrate=135.00 cost.usage=8103\n"
                        "253:0\n";
        struct cg_io_stat *v = NULL, *e;
        size_t n = 0;

        (void) state;
        assert_int_equal(cgf_parse_io_stat(s, &v, &n), 0);
        assert_int_equal(n, 3);
        e = find_stat(v, n, 8, 16);
        assert_true(e->read_bytes == 1459200 && e->write_bytes == 314773504 && e->read_ops == 192 &&
                    e->write_ops == 353);
        e = find_stat(v, n, 8, 0);
        assert_true(e->read_bytes == 90430464 && e->write_ops == 1252);
        e = find_stat(v, n, 253, 0);
        assert_true(e->read_bytes == 0);
        free(v);
        v = NULL;
        n = 0;
        assert_int_equal(cgf_parse_io_stat("8:0 rbytes=x\n", &v, &n), -EBADMSG);
        free(v);
        v = NULL;
        n = 0;
        assert_int_equal(cgf_parse_io_stat("8:0 rbytes\n", &v, &n), -EBADMSG);
        free(v);
        v = NULL;
        n = 0;
        assert_int_equal(cgf_parse_io_stat("8:0x rbytes=1\n", &v, &n), -EBADMSG);
        free(v);
}

static void test_io_limits(void **state)
{
        struct cg_io_limit *v = NULL;
        size_t n = 0;

        (void) state;
        assert_int_equal(cgf_parse_blkio_throttle("8:0 1048576\n254:0 5\n", CGF_READ_BPS, &v, &n), 0);
        assert_int_equal(cgf_parse_blkio_throttle("8:0 100\n", CGF_WRITE_IOPS, &v, &n), 0);
        assert_int_equal(cgf_parse_blkio_throttle("", CGF_WRITE_BPS, &v, &n), 0);
        assert_int_equal(n, 2);
        assert_true(v[0].dev == makedev(8, 0) && v[0].read_bps == 1048576 && v[0].write_iops == 100 &&
                    v[0].write_bps == 0);
        assert_true(v[1].dev == makedev(254, 0) && v[1].read_bps == 5);
        assert_int_equal(cgf_parse_blkio_throttle("8:0\n", CGF_READ_BPS, &v, &n), -EBADMSG);
        assert_int_equal(cgf_parse_blkio_throttle("8:0 1\n", CGF_IO_LIMIT_FIELD_MAX, &v, &n), -EINVAL);
        free(v);

        v = NULL;
        n = 0;
        assert_int_equal(cgf_parse_io_max("8:16 rbps=2097152 wbps=max riops=max wiops=120\n"
                                          "8:0 rbps=max wbps=1 riops=2 wiops=max\n",
                                          &v, &n),
                         0);
        assert_int_equal(n, 2);
        assert_true(v[0].dev == makedev(8, 16) && v[0].read_bps == 2097152 && v[0].write_bps == 0 &&
                    v[0].read_iops == 0 && v[0].write_iops == 120);
        assert_true(v[1].write_bps == 1 && v[1].read_iops == 2);
        free(v);
        v = NULL;
        n = 0;
        assert_int_equal(cgf_parse_io_max("8:0 xbps=1\n", &v, &n), -EBADMSG);
        free(v);
        v = NULL;
        n = 0;
        assert_int_equal(cgf_parse_io_max("8:0 rbps=maxi\n", &v, &n), -EBADMSG);
        free(v);
}

static void test_cpu_max(void **state)
{
        uint64_t q = 5, p = 5;

        (void) state;
        assert_int_equal(cgf_parse_cpu_max("max 100000\n", &q, &p), 0);
        assert_true(q == 0 && p == 100000);
        assert_int_equal(cgf_parse_cpu_max("50000 100000\n", &q, &p), 0);
        assert_true(q == 50000 && p == 100000);
        q = p = 5;
        static const char *const bad[] = { "", "max", "max max", "0 100000", "1 0", "x 1", "1 2 3" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (cgf_parse_cpu_max(bad[i], &q, &p) != -EBADMSG)
                        fail_msg("\"%s\" accepted", bad[i]);
        assert_true(q == 5 && p == 5);
}

static void test_weight(void **state)
{
        uint64_t w = 5;

        (void) state;
        assert_int_equal(cgf_parse_weight("500\n", &w), 0);
        assert_true(w == 500);
        assert_int_equal(cgf_parse_weight("default 100\n8:0 200\n", &w), 0);
        assert_true(w == 100);
        assert_int_equal(cgf_parse_weight("8:0 200\ndefault 300\n", &w), 0);
        assert_true(w == 300);
        w = 5;
        assert_int_equal(cgf_parse_weight("", &w), -ENODATA);
        assert_int_equal(cgf_parse_weight("default x\n", &w), -EBADMSG);
        assert_true(w == 5);
}

static void test_shares_weight(void **state)
{
        (void) state;
        assert_true(cgf_shares_to_weight(1024) == 39);
        assert_true(cgf_shares_to_weight(2) == 1);
        assert_true(cgf_shares_to_weight(0) == 1);
        assert_true(cgf_shares_to_weight(262144) == 10000);
        assert_true(cgf_shares_to_weight(UINT64_MAX) == 10000);
        assert_true(cgf_weight_to_shares(1) == 2);
        assert_true(cgf_weight_to_shares(10000) == 262144);
        assert_true(cgf_weight_to_shares(0) == 2);
        /* Back and forth stays within one weight step. */
        for (uint64_t s = 2; s <= 262144; s = s * 3 + 1) {
                uint64_t back = cgf_weight_to_shares(cgf_shares_to_weight(s));

                assert_true(back <= s && s - back <= 27);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_keyed),      cmocka_unit_test(test_limit),
                cmocka_unit_test(test_devnum),     cmocka_unit_test(test_blkio_rwstat),
                cmocka_unit_test(test_blkio_time), cmocka_unit_test(test_io_stat_v2),
                cmocka_unit_test(test_io_limits),  cmocka_unit_test(test_cpu_max),
                cmocka_unit_test(test_weight),     cmocka_unit_test(test_shares_weight),
        };

        return cmocka_run_group_tests_name("cgroup_fmt", tests, NULL, NULL);
}
