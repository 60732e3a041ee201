/* src/basic/log.c: line format, levels, %m, counters, reopen. */
#include <fcntl.h>
#include <regex.h>
#include <sys/stat.h>
#include <syslog.h>

#include "unit.h"

#include "basic/fileio.h"
#include "basic/log.h"
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
        log_close();
        unit_rm_rf(dir);
        free(dir);
        return 0;
}

static char *slurp(const char *path)
{
        char *s = NULL;

        assert_int_equal(read_file(path, 1u << 20, &s, NULL), 0);
        return s;
}

static void assert_matches(const char *s, const char *re)
{
        regex_t r;

        assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NEWLINE), 0);
        if (regexec(&r, s, 0, NULL, 0) != 0)
                fail_msg("\"%s\" does not match /%s/", s, re);
        regfree(&r);
}

/* The descriptor open on path is O_APPEND and close-on-exec. */
static void assert_fd_flags(const char *path)
{
        bool found = false;

        for (int fd = 3; fd < 256; fd++) {
                char link[64], target[4096];
                ssize_t n;

                snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
                n = readlink(link, target, sizeof(target) - 1);
                if (n < 0)
                        continue;
                target[n] = 0;
                if (strcmp(target, path) != 0)
                        continue;
                found = true;
                assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
                assert_true(fcntl(fd, F_GETFL) & O_APPEND);
        }
        assert_true(found);
}

static void test_format(void **state)
{
        _cleanup_free_ char *p = strdup_printf("%s/format.log", dir), *s = NULL;
        struct stat st;

        (void) state;
        umask(022);
        assert_int_equal(log_open(p), 0);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0644);
        assert_true(S_ISREG(st.st_mode));
        assert_fd_flags(p);
        log_set_ident("portod-test");
        log_set_level(LOG_INFO);
        log_error("hello %d", 42);
        log_warning("warn");
        log_info("info");
        log_debug("hidden %d", 1);
        errno = ENOENT;
        log_error("errno kept: %m");
        assert_int_equal(errno, ENOENT);
        errno = 0;
        assert_int_equal(log_error_errno(-EPERM, "op failed: %m"), -EPERM);
        assert_int_equal(errno, 0);
        s = slurp(p);
        assert_matches(s, "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3} "
                          "portod-test\\[[0-9]+\\]: ERR hello 42$");
        assert_matches(s, "\\]: WRN warn$");
        assert_matches(s, "\\]: INF info$");
        assert_matches(s, "ERR errno kept: No such file or directory$");
        assert_matches(s, "ERR op failed: Operation not permitted$");
        assert_null(strstr(s, "hidden"));

        log_set_level(LOG_DEBUG);
        assert_int_equal(log_get_level(), LOG_DEBUG);
        log_debug("shown %d", 2);
        free(s);
        s = slurp(p);
        assert_matches(s, "\\]: DBG shown 2$");
        log_set_level(LOG_INFO);
}

static void test_counters(void **state)
{
        _cleanup_free_ char *p = strdup_printf("%s/count.log", dir);
        uint64_t e0, w0;

        (void) state;
        assert_int_equal(log_open(p), 0);
        e0 = log_error_count();
        w0 = log_warning_count();
        log_error("e");
        log_error_errno(-EIO, "e2");
        log_warning("w");
        log_info("i");
        assert_int_equal(log_error_count(), e0 + 2);
        assert_int_equal(log_warning_count(), w0 + 1);
}

static void test_long_line(void **state)
{
        _cleanup_free_ char *p = strdup_printf("%s/long.log", dir), *s = NULL;
        char big[10000];

        (void) state;
        unlink(p);
        assert_int_equal(log_open(p), 0);
        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        log_info("%s", big);
        log_info("after");
        s = slurp(p);
        /* truncated, still one line each */
        assert_true(strlen(s) < 4200);
        assert_matches(s, "x\n[0-9]{4}-.*INF after\n$");
}

static void test_reopen(void **state)
{
        _cleanup_free_ char *p = strdup_printf("%s/rot.log", dir), *old = strdup_printf("%s/rot.log.1", dir);
        _cleanup_free_ char *a = NULL, *b = NULL;
        _cleanup_free_ char *bad = strdup_printf("%s/nodir/x.log", dir);

        (void) state;
        assert_int_equal(log_open(p), 0);
        log_info("before rotation");
        assert_int_equal(rename(p, old), 0);
        log_info("still old");
        assert_int_equal(log_open(p), 0);
        log_info("after rotation");
        /* failure keeps the previous target */
        assert_true(log_open(bad) < 0);
        log_info("after failed reopen");
        a = slurp(old);
        b = slurp(p);
        assert_non_null(strstr(a, "before rotation"));
        assert_non_null(strstr(a, "still old"));
        assert_null(strstr(a, "after rotation"));
        assert_non_null(strstr(b, "after rotation"));
        assert_non_null(strstr(b, "after failed reopen"));
        assert_null(strstr(b, "before"));
}

static void test_stderr(void **state)
{
        _cleanup_free_ char *p = strdup_printf("%s/stderr.log", dir), *s = NULL;
        int saved = dup(STDERR_FILENO), fd;

        (void) state;
        fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        assert_true(fd >= 0 && saved >= 0);
        assert_int_equal(log_open("-"), 0);
        dup2(fd, STDERR_FILENO);
        log_info("to stderr");
        dup2(saved, STDERR_FILENO);
        close(saved);
        close(fd);
        s = slurp(p);
        assert_non_null(strstr(s, "INF to stderr"));
        assert_int_equal(log_open(NULL), 0);
}

static void test_debug_subsystems(void **state)
{
        (void) state;
        log_set_level(LOG_INFO);
        log_set_debug_subsystems("");
        assert_false(log_debug_enabled("cgroup"));
        log_set_level(LOG_DEBUG);
        assert_true(log_debug_enabled("cgroup"));
        log_set_level(LOG_INFO);
        log_set_debug_subsystems("cgroup,net");
        assert_true(log_debug_enabled("cgroup"));
        assert_true(log_debug_enabled("net"));
        assert_false(log_debug_enabled("ne"));
        assert_false(log_debug_enabled("rpc"));
        assert_false(log_debug_enabled("cgroup,net"));
        log_set_debug_subsystems("all");
        assert_true(log_debug_enabled("rpc"));
        log_set_debug_subsystems(NULL);
        assert_false(log_debug_enabled("rpc"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_format),      cmocka_unit_test(test_counters),
                cmocka_unit_test(test_long_line),   cmocka_unit_test(test_reopen),
                cmocka_unit_test(test_stderr),      cmocka_unit_test(test_debug_subsystems),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
