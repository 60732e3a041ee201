/* src/basic/fileio.c: whole-file reads and writes, atomic replace, mkdir -p. */
#include <fcntl.h>
#include <sys/stat.h>

#include "unit.h"

#include "basic/fileio.h"
#include "basic/strutil.h"

static char *dir;

static int setup(void **state)
{
        (void) state;
        dir = unit_mkdtemp();
        return 0;
}

static int teardown(void **state)
{
        (void) state;
        unit_rm_rf(dir);
        free(dir);
        return 0;
}

static char *path_of(const char *name)
{
        char *p = strdup_printf("%s/%s", dir, name);

        assert_non_null(p);
        return p;
}

static void put(const char *path, const char *s)
{
        FILE *f = fopen(path, "w");

        assert_non_null(f);
        fputs(s, f);
        fclose(f);
}

static void test_read_file(void **state)
{
        _cleanup_free_ char *p = path_of("r"), *s = NULL, *e = NULL;
        size_t len = 0;

        (void) state;
        put(p, "hello\nworld\n");
        assert_int_equal(read_file(p, 1024, &s, &len), 0);
        assert_string_equal(s, "hello\nworld\n");
        assert_int_equal(len, 12);
        free(s);
        s = NULL;
        assert_int_equal(read_file(p, 12, &s, NULL), 0);
        free(s);
        s = NULL;
        assert_int_equal(read_file(p, 11, &s, NULL), -EFBIG);
        assert_null(s);
        assert_int_equal(read_file(p, 0, &s, NULL), -EFBIG);
        assert_int_equal(read_file(p, SIZE_MAX, &s, NULL), 0);
        free(s);
        s = NULL;

        put(p, "");
        assert_int_equal(read_file(p, 0, &e, &len), 0);
        assert_string_equal(e, "");
        assert_int_equal(len, 0);

        assert_int_equal(read_file("/nonexistent/x", 10, &s, NULL), -ENOENT);
        assert_int_equal(read_file(dir, 10, &s, NULL), -EISDIR);
        assert_null(s);
}

static void test_read_big_and_proc(void **state)
{
        _cleanup_free_ char *p = path_of("big"), *s = NULL, *self = NULL;
        size_t len = 0;
        FILE *f = fopen(p, "w");

        (void) state;
        assert_non_null(f);
        for (int i = 0; i < 100000; i++)
                fputs("0123456789", f);
        fclose(f);
        assert_int_equal(read_file(p, 1u << 20, &s, &len), 0);
        assert_int_equal(len, 1000000);
        assert_int_equal(strlen(s), 1000000);
        /* /proc files report size 0 */
        assert_int_equal(read_file("/proc/self/status", 1u << 20, &self, NULL), 0);
        assert_non_null(strstr(self, "Pid:"));
}

static void test_read_file_at(void **state)
{
        _cleanup_free_ char *p = path_of("at"), *s = NULL;
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        (void) state;
        assert_true(dfd >= 0);
        put(p, "x");
        assert_int_equal(read_file_at(dfd, "at", 10, &s, NULL), 0);
        assert_string_equal(s, "x");
        assert_int_equal(write_file_at(dfd, "at", "yz"), 0);
        free(s);
        s = NULL;
        assert_int_equal(read_file_at(dfd, "at", 10, &s, NULL), 0);
        assert_string_equal(s, "yz");
        assert_int_equal(write_file_at(dfd, "missing", "1"), -ENOENT);
        close(dfd);
}

static void test_read_line_u64(void **state)
{
        _cleanup_free_ char *p = path_of("line"), *s = NULL;
        uint64_t v = 0;

        (void) state;
        put(p, "first line\nsecond\n");
        assert_int_equal(read_line(p, &s), 0);
        assert_string_equal(s, "first line");
        free(s);
        s = NULL;
        put(p, "no newline");
        assert_int_equal(read_line(p, &s), 0);
        assert_string_equal(s, "no newline");
        free(s);
        s = NULL;
        put(p, "");
        assert_int_equal(read_line(p, &s), 0);
        assert_string_equal(s, "");

        put(p, "12345\n");
        assert_int_equal(read_u64_file(p, &v), 0);
        assert_int_equal(v, 12345);
        put(p, "  77  \n8\n");
        assert_int_equal(read_u64_file(p, &v), 0);
        assert_int_equal(v, 77);
        put(p, "max\n");
        assert_int_equal(read_u64_file(p, &v), -EINVAL);
        assert_int_equal(read_u64_file("/nonexistent", &v), -ENOENT);
}

static void test_write_file(void **state)
{
        _cleanup_free_ char *p = path_of("w"), *s = NULL;

        (void) state;
        /* no O_CREAT: knobs must exist */
        assert_int_equal(write_file(p, "abc"), -ENOENT);
        put(p, "a much longer previous content");
        assert_int_equal(write_file(p, "abc"), 0);
        assert_int_equal(read_file(p, 100, &s, NULL), 0);
        assert_string_equal(s, "abc");
        /* errors of the write itself come back (like EINVAL from a cgroup knob) */
        assert_int_equal(write_file("/proc/self/oom_score_adj", "garbage"), -EINVAL);
}

static void test_write_file_atomic(void **state)
{
        _cleanup_free_ char *p = path_of("atomic"), *tmp = path_of("atomic.tmp"), *s = NULL;
        _cleanup_free_ char *sub = path_of("nodir/x");
        struct stat st;
        mode_t old = umask(077);

        (void) state;
        assert_int_equal(write_file_atomic(p, "one", 3, 0644), 0);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0644);
        assert_int_equal(read_file(p, 100, &s, NULL), 0);
        assert_string_equal(s, "one");
        free(s);
        s = NULL;
        assert_int_equal(access(tmp, F_OK), -1);

        /* a stale tmp file with another mode does not matter */
        put(tmp, "stale stale stale");
        chmod(tmp, 0600);
        assert_int_equal(write_file_atomic(p, "tw\0o", 4, 0640), 0);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0640);
        assert_int_equal(read_file(p, 100, &s, NULL), 0);
        assert_memory_equal(s, "tw\0o", 4);
        assert_int_equal(access(tmp, F_OK), -1);

        assert_int_equal(write_file_atomic(sub, "x", 1, 0644), -ENOENT);
        assert_int_equal(write_file_atomic(p, "", 0, 0600), 0);
        umask(old);
}

static void test_mkdir_p(void **state)
{
        _cleanup_free_ char *p = path_of("a/b/c/d"), *f = path_of("file"), *under = path_of("file/x");
        _cleanup_free_ char *slash = path_of("e//f/");
        struct stat st;

        (void) state;
        assert_int_equal(mkdir_p(p, 0755), 0);
        assert_int_equal(stat(p, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(mkdir_p(p, 0755), 0); /* existing is fine */
        assert_int_equal(mkdir_p(slash, 0755), 0);
        put(f, "x");
        assert_int_equal(mkdir_p(f, 0755), -ENOTDIR);
        assert_int_equal(mkdir_p(under, 0755), -ENOTDIR);
        assert_int_equal(mkdir_p("", 0755), -EINVAL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_read_file),         cmocka_unit_test(test_read_big_and_proc),
                cmocka_unit_test(test_read_file_at),      cmocka_unit_test(test_read_line_u64),
                cmocka_unit_test(test_write_file),        cmocka_unit_test(test_write_file_atomic),
                cmocka_unit_test(test_mkdir_p),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
