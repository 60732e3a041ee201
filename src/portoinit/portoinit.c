/* portoinit: pid 1 of an isolated container.
 *
 *   portoinit [--status-fd N] [--error-fd M] -- command [args...]
 *   portoinit --hold [--error-fd M]
 *
 * Runs the command as its child, forwards every signal it gets to it, reaps
 * every zombie of the namespace and, when the command exits, writes the
 * command's raw wait status as decimal text to the status fd (an exit code
 * alone cannot say "killed by signal N") and exits with the command's exit
 * code, or 128 + signal. If the command cannot be exec'ed, the reason goes
 * to the error fd (struct spawn_report, see report.h) for the daemon.
 *
 * With --hold it is the task of a meta container: it runs nothing, only
 * keeps the container's namespaces alive for its children, reaps the
 * orphans that come to it and ignores every signal it can. It ends when
 * the daemon kills it (SIGKILL), after the children have stopped.
 *
 * Static and tiny; it allocates nothing. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "basic/error.h"
#include "portoinit/report.h"

#define EXIT_USAGE 2
#define EXIT_EXEC_FAILED 127

static int error_fd = -1;

static void report(int code, int err, const char *what, const char *arg)
{
        struct spawn_report rep = { .kind = SPAWN_REPORT_ERROR, .eerror = code, .err = err };
        ssize_t n;

        snprintf(rep.msg, sizeof(rep.msg), "%s \"%s\": %s", what, arg, strerror(err));
        if (error_fd < 0) {
                fprintf(stderr, "portoinit: %s\n", rep.msg);
                return;
        }
        do
                n = write(error_fd, &rep, sizeof(rep));
        while (n < 0 && errno == EINTR);
}

static int parse_fd(const char *s)
{
        char *end;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || end == s || *end || v < 0 || v > 1 << 30)
                return -1;
        /* Must be open; it stays out of the command. */
        if (fcntl((int) v, F_SETFD, FD_CLOEXEC) < 0)
                return -1;
        return (int) v;
}

_Noreturn static void usage(void)
{
        fprintf(stderr, "usage: portoinit [--status-fd N] [--error-fd N] -- command [args...]\n"
                        "       portoinit --hold [--error-fd N]\n");
        exit(EXIT_USAGE);
}

static void noop(int sig)
{
        (void) sig;
}

/* A handled signal is never dropped by the kernel on its way to pid 1. */
static void catch_all(void)
{
        struct sigaction sa = { .sa_handler = noop };

        sigfillset(&sa.sa_mask);
        for (int sig = 1; sig < NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                        (void) sigaction(sig, &sa, NULL);
}

static pid_t start(char **cmd)
{
        pid_t pid = fork();
        sigset_t none;

        if (pid != 0)
                return pid;
        /* exec resets the caught signals to default; the mask is ours to
         * clear (we were started with every signal blocked). */
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execvp(cmd[0], cmd);
        {
                int err = errno;

                report(err == ENOMEM || err == EAGAIN ? EERROR_RESOURCE_NOT_AVAILABLE : EERROR_INVALID_COMMAND, err,
                       "cannot exec", cmd[0]);
        }
        _exit(EXIT_EXEC_FAILED);
}

static void write_status(int fd, int status)
{
        char buf[16];
        int len = snprintf(buf, sizeof(buf), "%d", status);
        ssize_t n;

        do
                n = write(fd, buf, (size_t) len);
        while (n < 0 && errno == EINTR);
}

/* Forward signals and reap zombies until the command exits; its status. */
static int supervise(pid_t cmd, const sigset_t *all)
{
        for (;;) {
                siginfo_t si;
                int sig = sigwaitinfo(all, &si), status;
                pid_t pid;

                if (sig < 0)
                        continue;
                if (sig != SIGCHLD) {
                        kill(cmd, sig);
                        continue;
                }
                while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
                        if (pid == cmd)
                                return status;
        }
}

/* --hold: reap whatever comes, never exit on a signal. */
_Noreturn static void hold(const sigset_t *all)
{
        for (;;) {
                siginfo_t si;

                if (sigwaitinfo(all, &si) == SIGCHLD)
                        while (waitpid(-1, NULL, WNOHANG) > 0)
                                ;
        }
}

int main(int argc, char **argv)
{
        int status_fd = -1, status, i;
        bool holding = false;
        sigset_t all;
        pid_t cmd;

        for (i = 1; i < argc; i++) {
                int *target;

                if (strcmp(argv[i], "--") == 0) {
                        i++;
                        break;
                }
                if (strcmp(argv[i], "--hold") == 0) {
                        holding = true;
                        continue;
                }
                if (strcmp(argv[i], "--status-fd") == 0)
                        target = &status_fd;
                else if (strcmp(argv[i], "--error-fd") == 0)
                        target = &error_fd;
                else
                        usage();
                if (++i >= argc)
                        usage();
                *target = parse_fd(argv[i]);
                if (*target < 0) {
                        fprintf(stderr, "portoinit: bad fd \"%s\"\n", argv[i]);
                        exit(EXIT_USAGE);
                }
        }
        /* A command with --hold, or none without it. */
        if (holding != (i >= argc) || (holding && status_fd >= 0))
                usage();

        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, NULL);
        catch_all();
        /* Outside a pid namespace (tests), orphans must still come to us. */
        if (getpid() != 1)
                (void) prctl(PR_SET_CHILD_SUBREAPER, 1);
        if (holding) {
                /* Holding: end of file for the daemon. */
                if (error_fd >= 0)
                        close(error_fd);
                hold(&all);
        }

        cmd = start(argv + i);
        if (cmd < 0) {
                report(EERROR_RESOURCE_NOT_AVAILABLE, errno, "cannot fork", argv[i]);
                return EXIT_EXEC_FAILED;
        }
        /* The command runs (or reported): end of file for the daemon. */
        if (error_fd >= 0)
                close(error_fd);

        status = supervise(cmd, &all);
        if (status_fd >= 0)
                write_status(status_fd, status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return WEXITSTATUS(status);
}
