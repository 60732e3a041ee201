/* Common helpers of the kernel tests: cmocka programs that run as root on the
 * real kernel, each in its own cgroup prefix porto-test-kernel-<pid>. */
#pragma once

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define KT_PREFIX_FMT "porto-test-kernel-%d"

static inline void kt_msleep(unsigned ms)
{
        struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000L };

        while (nanosleep(&ts, &ts) < 0)
                ;
}

/* A child that sleeps until killed. */
static inline pid_t kt_sleeper(void)
{
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                for (;;)
                        pause();
        }
        return pid;
}

static inline void kt_exit_42(int sig)
{
        (void) sig;
        _exit(42);
}

/* A child that exits 42 on SIGTERM: a handled signal waits for a frozen
 * task to thaw on v1 and v2 alike (v2 lets fatal ones through). */
static inline pid_t kt_catcher(void)
{
        int pfd[2];
        pid_t pid;
        char c;

        assert_int_equal(pipe(pfd), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                signal(SIGTERM, kt_exit_42);
                if (write(pfd[1], "x", 1) != 1)
                        _exit(1);
                for (;;)
                        pause();
        }
        close(pfd[1]);
        assert_int_equal(read(pfd[0], &c, 1), 1);
        close(pfd[0]);
        return pid;
}

static inline int kt_wait(pid_t pid)
{
        int status;
        pid_t r;

        do
                r = waitpid(pid, &status, 0);
        while (r < 0 && errno == EINTR);
        assert_int_equal(r, pid);
        return status;
}

static inline void kt_kill_wait(pid_t pid)
{
        kill(pid, SIGKILL);
        (void) kt_wait(pid);
}

/* Reap whatever children (and adopted orphans) have exited. */
static inline void kt_reap_all(void)
{
        while (waitpid(-1, NULL, WNOHANG) > 0)
                ;
}

/* Field of /proc/PID/status, e.g. "PPid"; malloc'ed, NULL if absent. */
static inline char *kt_proc_status(pid_t pid, const char *field)
{
        char path[64], line[512];
        size_t n = strlen(field);
        char *res = NULL;
        FILE *f;

        snprintf(path, sizeof(path), "/proc/%d/status", (int) pid);
        f = fopen(path, "re");
        if (!f)
                return NULL;
        while (fgets(line, sizeof(line), f))
                if (strncmp(line, field, n) == 0 && line[n] == ':') {
                        char *v = line + n + 1;

                        v += strspn(v, " \t");
                        v[strcspn(v, "\n")] = 0;
                        res = strdup(v);
                        break;
                }
        fclose(f);
        return res;
}

static inline bool kt_is_root(void)
{
        return geteuid() == 0;
}
