/* Line-oriented log: "YYYY-mm-dd HH:MM:SS.mmm ident[pid]: LEVEL message".
 * Each line is formatted in a stack buffer and written with one write(2) on
 * an O_APPEND descriptor, so lines from several processes or threads do not
 * interleave and logging never allocates. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include "log.h"

#define LOG_LINE_MAX 4096

static int log_fd = -EBADF; /* < 0: stderr */
static int log_level = LOG_INFO;
static char log_ident[64];
static char log_debug_list[256];
static struct log_counters log_own;
static struct log_counters *log_cnt = &log_own;

static const char *const level_names[] = {
        [LOG_EMERG] = "EMERG", [LOG_ALERT] = "ALERT", [LOG_CRIT] = "CRIT",
        [LOG_ERR] = "ERR",     [LOG_WARNING] = "WRN", [LOG_NOTICE] = "NOTICE",
        [LOG_INFO] = "INF",    [LOG_DEBUG] = "DBG",
};

static void count(uint64_t *c, uint64_t n)
{
        __atomic_add_fetch(c, n, __ATOMIC_RELAXED);
}

void log_use_counters(struct log_counters *c)
{
        if (c == log_cnt)
                return;
        uint64_t *from = (uint64_t *)log_cnt, *to = (uint64_t *)c;
        for (size_t i = 0; i < sizeof(*c) / sizeof(uint64_t); i++)
                count(&to[i], __atomic_exchange_n(&from[i], 0, __ATOMIC_RELAXED));
        __atomic_store_n(&log_cnt, c, __ATOMIC_RELEASE);
}

const struct log_counters *log_counters(void)
{
        return __atomic_load_n(&log_cnt, __ATOMIC_ACQUIRE);
}

int log_open(const char *path)
{
        int fd, cur;

        if (!path || streq(path, "-")) {
                log_close();
                return 0;
        }
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644);
        if (fd < 0)
                return -errno;

        cur = __atomic_load_n(&log_fd, __ATOMIC_ACQUIRE);
        if (cur >= 0) {
                /* Swap the file under the same descriptor number so that a
                 * concurrent writer never sees a closed fd. */
                if (dup3(fd, cur, O_CLOEXEC) < 0) {
                        int r = -errno;

                        close(fd);
                        return r;
                }
                close(fd);
                count(&log_cnt->opens, 1);
                return 0;
        }
        __atomic_store_n(&log_fd, fd, __ATOMIC_RELEASE);
        count(&log_cnt->opens, 1);
        return 0;
}

void log_close(void)
{
        int fd = __atomic_exchange_n(&log_fd, -EBADF, __ATOMIC_ACQ_REL);

        if (fd >= 0)
                close(fd);
}

void log_set_level(int level)
{
        if (level < LOG_EMERG)
                level = LOG_EMERG;
        if (level > LOG_DEBUG)
                level = LOG_DEBUG;
        __atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
}

int log_get_level(void)
{
        return __atomic_load_n(&log_level, __ATOMIC_RELAXED);
}

void log_set_ident(const char *ident)
{
        snprintf(log_ident, sizeof(log_ident), "%s", ident ? ident : "");
}

void log_set_debug_subsystems(const char *list)
{
        snprintf(log_debug_list, sizeof(log_debug_list), "%s", list ? list : "");
}

static bool list_contains(const char *list, const char *word)
{
        size_t n = strlen(word);

        for (const char *p = list; *p;) {
                size_t len = strcspn(p, ",");

                if (len == n && strncmp(p, word, n) == 0)
                        return true;
                p += len;
                if (*p == ',')
                        p++;
        }
        return false;
}

/* A subsystem named in the list (or "all") is enabled regardless of the
 * level; with no list, debug level enables every subsystem. */
bool log_debug_enabled(const char *subsystem)
{
        if (log_debug_list[0]) {
                if (list_contains(log_debug_list, "all"))
                        return true;
                return subsystem && list_contains(log_debug_list, subsystem);
        }
        return log_get_level() >= LOG_DEBUG;
}

uint64_t log_error_count(void)
{
        return __atomic_load_n(&log_counters()->errors, __ATOMIC_RELAXED);
}

uint64_t log_warning_count(void)
{
        return __atomic_load_n(&log_counters()->warnings, __ATOMIC_RELAXED);
}

static size_t format_prefix(char *buf, size_t len, int level)
{
        struct timespec ts;
        struct tm tm;
        size_t n;
        int r;

        clock_gettime(CLOCK_REALTIME, &ts);
        if (!localtime_r(&ts.tv_sec, &tm))
                memset(&tm, 0, sizeof(tm));
        n = strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
        r = snprintf(buf + n, len - n, ".%03ld %s[%d]: %s ", ts.tv_nsec / 1000000L,
                     log_ident[0] ? log_ident : program_invocation_short_name, (int) getpid(),
                     level_names[level]);
        if (r < 0)
                return n;
        return MIN(n + (size_t) r, len - 1);
}

static void log_writev(int level, int err, const char *fmt, va_list ap) _printf_(3, 0);
static void log_writev(int level, int err, const char *fmt, va_list ap)
{
        char buf[LOG_LINE_MAX];
        size_t n;
        int r, fd;

        if (level < LOG_EMERG || level > LOG_DEBUG)
                level = LOG_ERR;
        struct log_counters *cnt = __atomic_load_n(&log_cnt, __ATOMIC_ACQUIRE);
        if (level <= LOG_ERR)
                count(&cnt->errors, 1);
        else if (level == LOG_WARNING)
                count(&cnt->warnings, 1);
        if (level > log_get_level())
                return;

        n = format_prefix(buf, sizeof(buf) - 1, level);
        errno = err;
        r = vsnprintf(buf + n, sizeof(buf) - 1 - n, fmt, ap);
        if (r > 0)
                n = MIN(n + (size_t) r, sizeof(buf) - 2);
        buf[n++] = '\n';

        fd = __atomic_load_n(&log_fd, __ATOMIC_ACQUIRE);
        /* Nothing more sensible can be done about a failed log write than
         * counting it. */
        ssize_t w = write(fd >= 0 ? fd : STDERR_FILENO, buf, n);
        if (w == (ssize_t) n) {
                count(&cnt->lines, 1);
                count(&cnt->bytes, n);
        } else {
                count(&cnt->lines_lost, 1);
                count(&cnt->bytes_lost, w < 0 ? n : n - (size_t) w);
        }
}

void log_write(int level, const char *fmt, ...)
{
        int saved = errno;
        va_list ap;

        va_start(ap, fmt);
        log_writev(level, saved, fmt, ap);
        va_end(ap);
        errno = saved;
}

int log_write_errno(int level, int err, const char *fmt, ...)
{
        int saved = errno;
        va_list ap;

        va_start(ap, fmt);
        log_writev(level, err < 0 ? -err : err, fmt, ap);
        va_end(ap);
        errno = saved;
        return err;
}
