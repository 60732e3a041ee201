/* Start of a container's main process (see spawn.h).
 *
 *   worker ──fork──> starter: joins cgroups, [unshares pid/ipc/uts]
 *                      └─fork──> main: session, hostname, rlimits, umask,
 *                                credentials, cwd, std streams, fds, exec
 *                                (isolate: exec portoinit, which forks and
 *                                execs the command)
 *
 * The starter reports the main pid and exits, so main is re-parented to the
 * master (the subreaper) and outlives the worker. Every step reports failure
 * over one close-on-exec pipe (portoinit inherits a copy to report the
 * command's exec); end of file means the command runs.
 *
 * Both children are forks of the single-threaded worker, so they may
 * allocate; they never return into the worker's code: every path ends in
 * exec or _exit. */
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "basic/log.h"
#include "basic/timeutil.h"
#include "portod/spawn.h"
#include "shared/caps.h"
#include "portoinit/report.h"
#include "shared/ns.h"
#include "shared/rootfs.h"

/* Exit code of a child that reported a failure. */
#define SPAWN_FAIL_EXIT 127
/* A start that neither execs nor fails within this time is stuck (a hung
 * file system under cwd, say); the worker must not wait forever. */
#define SPAWN_TIMEOUT_MS 60000

extern char **environ;

struct errno_code {
        int err;
        int code;
};

/* errno of a failed step -> EError, where the errno says more than the step. */
static const struct errno_code errno_codes[] = {
        { EPERM, EERROR_PERMISSION },
        { EACCES, EERROR_PERMISSION },
        { ENOMEM, EERROR_RESOURCE_NOT_AVAILABLE },
        { EAGAIN, EERROR_RESOURCE_NOT_AVAILABLE },
        { ENOSPC, EERROR_RESOURCE_NOT_AVAILABLE },
        { EUSERS, EERROR_RESOURCE_NOT_AVAILABLE },
        { EMFILE, EERROR_RESOURCE_NOT_AVAILABLE },
        { ENFILE, EERROR_RESOURCE_NOT_AVAILABLE },
};

static int errno_to_eerror(int err, int fallback)
{
        for (size_t i = 0; i < ELEMENTSOF(errno_codes); i++)
                if (errno_codes[i].err == err)
                        return errno_codes[i].code;
        return fallback;
}

static void report_write(int fd, const struct spawn_report *rep)
{
        ssize_t n;

        do
                n = write(fd, rep, sizeof(*rep));
        while (n < 0 && errno == EINTR);
}

/* Report a failed step (err: positive errno, 0 for none) and die. */
_Noreturn _printf_(4, 5) static void fail(int fd, int code, int err, const char *fmt, ...)
{
        struct spawn_report rep = { .kind = SPAWN_REPORT_ERROR, .eerror = code, .err = err };
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(rep.msg, sizeof(rep.msg), fmt, ap);
        va_end(ap);
        if (err && n >= 0 && (size_t) n < sizeof(rep.msg))
                snprintf(rep.msg + n, sizeof(rep.msg) - (size_t) n, ": %s", strerror(err));
        report_write(fd, &rep);
        _exit(SPAWN_FAIL_EXIT);
}

/* Report a failure some layer described in e, and die. */
_Noreturn static void fail_perror(int fd, const struct perror *e)
{
        fail(fd, e->code ? e->code : EERROR_UNKNOWN, 0, "%s", e->msg[0] ? e->msg : "container setup failed");
}

/* With isolate, pid 1 is portoinit, except in virt_mode=os where the
 * command is the init itself; a meta container's holder is portoinit. */
static bool uses_portoinit(const struct spawn_config *cfg)
{
        return cfg->hold || (cfg->isolate && !cfg->command_is_init);
}

/* ---- the main process ----------------------------------------------------- */

static void set_session(const struct spawn_config *cfg, int fd)
{
        if (cfg->new_session) {
                if (setsid() < 0)
                        fail(fd, EERROR_UNKNOWN, errno, "cannot create a session");
        } else if (setpgid(0, 0) < 0)
                fail(fd, EERROR_UNKNOWN, errno, "cannot create a process group");
}

static void set_limits(const struct spawn_config *cfg, int fd)
{
        for (size_t i = 0; i < cfg->n_rlimits; i++) {
                const struct spawn_rlimit *l = &cfg->rlimits[i];

                if (setrlimit(l->resource, &l->limit) < 0)
                        fail(fd, errno_to_eerror(errno, EERROR_INVALID_VALUE), errno,
                             "cannot set ulimit %d to %llu %llu", l->resource,
                             (unsigned long long) l->limit.rlim_cur, (unsigned long long) l->limit.rlim_max);
        }
        umask(cfg->umask & 0777);
}

static void set_credentials(const struct spawn_config *cfg, int fd)
{
        /* Only a privileged daemon may (and must) replace the groups. */
        if (geteuid() == 0 && setgroups(cfg->n_groups, cfg->n_groups ? cfg->groups : NULL) < 0)
                fail(fd, errno_to_eerror(errno, EERROR_UNKNOWN), errno, "cannot set supplementary groups");
        if (setresgid(cfg->gid, cfg->gid, cfg->gid) < 0)
                fail(fd, errno_to_eerror(errno, EERROR_UNKNOWN), errno, "cannot set group %u", (unsigned) cfg->gid);
        if (setresuid(cfg->uid, cfg->uid, cfg->uid) < 0)
                fail(fd, errno_to_eerror(errno, EERROR_UNKNOWN), errno, "cannot set user %u", (unsigned) cfg->uid);
}

/* Capabilities around the switch of credentials: keep the permitted set
 * across setresuid() (before), then bounding and ambient sets (after). */
static void caps_before_credentials(const struct spawn_config *cfg, int fd)
{
        int r;

        if (!cfg->set_caps || geteuid() != 0)
                return;
        r = caps_keep_across_setuid();
        if (r < 0)
                fail(fd, EERROR_UNKNOWN, -r, "cannot keep capabilities across setuid");
}

static void caps_after_credentials(const struct spawn_config *cfg, int fd)
{
        int r;

        if (!cfg->set_caps)
                return;
        r = caps_apply(cfg->cap_bounding, cfg->cap_ambient);
        if (r < 0)
                fail(fd, errno_to_eerror(-r, EERROR_UNKNOWN), -r,
                     "cannot set capabilities (bounding %#llx, ambient %#llx)",
                     (unsigned long long) cfg->cap_bounding, (unsigned long long) cfg->cap_ambient);
}

static int path_error_code(int err)
{
        switch (err) {
        case ENOENT:
        case ENOTDIR:
        case ELOOP:
        case ENAMETOOLONG:
                return EERROR_INVALID_PATH;
        default:
                return errno_to_eerror(err, EERROR_UNKNOWN);
        }
}

/* An fd >= 3, close-on-exec, so that setting up 0..2 cannot clobber it. */
static int fd_above_std(int fd, int report_fd, const char *what)
{
        int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);

        if (nfd < 0)
                fail(report_fd, EERROR_UNKNOWN, errno, "bad %s fd %d", what, fd);
        return nfd;
}

static const char *const std_names[3] = { "stdin", "stdout", "stderr" };

static void set_std_streams(const struct spawn_config *cfg, int fd)
{
        int src[3];

        for (int i = 0; i < 3; i++) {
                const char *path = cfg->std_path[i] ? cfg->std_path[i] : "/dev/null";
                int flags = i == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_APPEND;
                int f;

                if (cfg->std_fd[i] >= 0) {
                        src[i] = fd_above_std(cfg->std_fd[i], fd, std_names[i]);
                        continue;
                }
                /* Non-blocking open: a FIFO without a reader fails (ENXIO)
                 * instead of hanging the start. */
                f = open(path, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0660);
                if (f < 0)
                        fail(fd, path_error_code(errno), errno, "cannot open %s \"%s\"", std_names[i], path);
                if (fcntl(f, F_SETFL, flags & O_APPEND) < 0)
                        fail(fd, EERROR_UNKNOWN, errno, "cannot set up %s", std_names[i]);
                src[i] = f < 3 ? fd_above_std(f, fd, std_names[i]) : f;
        }
        for (int i = 0; i < 3; i++)
                if (dup2(src[i], i) < 0)
                        fail(fd, EERROR_UNKNOWN, errno, "cannot set up %s", std_names[i]);
        /* A terminal on stdin (portoctl exec/shell hand over a pty) becomes
         * the controlling terminal of the new session, so ^C reaches the
         * command as SIGINT. Best effort: a terminal that is already some
         * other session's is left as a plain stream. */
        if (cfg->new_session && isatty(STDIN_FILENO))
                (void) ioctl(STDIN_FILENO, TIOCSCTTY, 0);
}

/* Mark every fd above 2 close-on-exec, except keep[] (sorted, -1 = none). */
static int cloexec_others(const int keep[2])
{
        unsigned from = 3;

        for (int i = 0; i < 2; i++) {
                if (keep[i] < (int) from)
                        continue;
                if ((unsigned) keep[i] > from && close_range(from, (unsigned) keep[i] - 1, CLOSE_RANGE_CLOEXEC) < 0)
                        return -errno;
                from = (unsigned) keep[i] + 1;
        }
        if (close_range(from, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
                return -errno;
        return 0;
}

/* Kernels before 5.11 lack CLOSE_RANGE_CLOEXEC: walk /proc/self/fd. */
static int cloexec_others_slow(const int keep[2])
{
        DIR *d = opendir("/proc/self/fd");
        struct dirent *de;

        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                char *end;
                long f = strtol(de->d_name, &end, 10);

                if (*end || end == de->d_name || f < 3 || f == dirfd(d) || f == keep[0] || f == keep[1])
                        continue;
                (void) fcntl((int) f, F_SETFD, FD_CLOEXEC);
        }
        closedir(d);
        return 0;
}

/* Keep fd across exec at a number >= 3. */
static int inherit_fd(int f, int report_fd, const char *what)
{
        int nfd = fcntl(f, F_DUPFD, 3);

        if (nfd < 0)
                fail(report_fd, EERROR_UNKNOWN, errno, "bad %s fd %d", what, f);
        return nfd;
}

/* Every disposition back to default, including the two real-time signals
 * glibc reserves for itself (sigaction() refuses them): an ignored signal
 * 32 inherited from whoever started portod must not reach containers. The
 * raw syscall takes the kernel's layout of struct sigaction. */
static void reset_signals(void)
{
        struct {
                void (*handler)(int);
                unsigned long flags;
                void (*restorer)(void);
                uint64_t mask;
        } sa = { .handler = SIG_DFL };

        for (int sig = 1; sig < _NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                        (void) syscall(SYS_rt_sigaction, sig, &sa, NULL, sizeof(sa.mask));
}

static void unblock_signals(void)
{
        sigset_t none;

        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
}

static _Noreturn void exec_command(const struct spawn_config *cfg, int fd)
{
        int keep[2] = { -1, -1 };
        int err, code;

        if (cloexec_others(keep) < 0 && cloexec_others_slow(keep) < 0)
                fail(fd, EERROR_UNKNOWN, errno, "cannot close inherited fds");
        /* execvpe() looks PATH up in environ, not in its envp. */
        environ = cfg->env;
        unblock_signals();
        execvpe(cfg->argv[0], cfg->argv, cfg->env);
        err = errno;
        /* A missing or non-executable file is a bad command, whatever the
         * errno says; only a lack of resources is not. */
        code = errno_to_eerror(err, EERROR_INVALID_COMMAND);
        if (code != EERROR_RESOURCE_NOT_AVAILABLE)
                code = EERROR_INVALID_COMMAND;
        fail(fd, code, err, "cannot exec \"%s\"", cfg->argv[0]);
}

/* Opened while still privileged: the daemon may live where the container's
 * user cannot look up paths. */
static int open_portoinit(const struct spawn_config *cfg, int fd)
{
        int f = open(cfg->portoinit, O_PATH | O_CLOEXEC);

        if (f < 0)
                fail(fd, errno_to_eerror(errno, EERROR_UNKNOWN), errno, "cannot exec portoinit \"%s\"",
                     cfg->portoinit);
        return f;
}

/* pid 1 of the new pid namespace: portoinit --status-fd N --error-fd M -- argv,
 * or portoinit --hold --error-fd M for a meta container.
 * The signal mask stays full across this exec; portoinit clears it for the
 * command, so no signal can kill pid 1 before it handles them. */
static _Noreturn void exec_portoinit(const struct spawn_config *cfg, int fd, int init_fd)
{
        size_t argc = 0, n = 0;
        char status_buf[16], error_buf[16];
        int keep[2], status_fd = -1, error_fd;
        char **args;

        while (!cfg->hold && cfg->argv[argc])
                argc++;
        args = calloc(argc + 8, sizeof(char *));
        if (!args)
                fail(fd, EERROR_RESOURCE_NOT_AVAILABLE, ENOMEM, "cannot start portoinit");
        args[n++] = (char *) "portoinit";
        if (cfg->hold)
                args[n++] = (char *) "--hold";
        if (cfg->status_fd >= 0) {
                status_fd = inherit_fd(cfg->status_fd, fd, "status");
                snprintf(status_buf, sizeof(status_buf), "%d", status_fd);
                args[n++] = (char *) "--status-fd";
                args[n++] = status_buf;
        }
        /* A copy of the report pipe that survives exec: portoinit reports
         * whether it could exec the command. */
        error_fd = inherit_fd(fd, fd, "report");
        snprintf(error_buf, sizeof(error_buf), "%d", error_fd);
        args[n++] = (char *) "--error-fd";
        args[n++] = error_buf;
        if (!cfg->hold) {
                args[n++] = (char *) "--";
                memcpy(args + n, cfg->argv, (argc + 1) * sizeof(char *));
        }

        keep[0] = status_fd < error_fd ? status_fd : error_fd;
        keep[1] = status_fd < error_fd ? error_fd : status_fd;
        if (cloexec_others(keep) < 0 && cloexec_others_slow(keep) < 0)
                fail(fd, EERROR_UNKNOWN, errno, "cannot close inherited fds");
        environ = cfg->env;
        execveat(init_fd, "", args, cfg->env, AT_EMPTY_PATH);
        fail(fd, errno_to_eerror(errno, EERROR_UNKNOWN), errno, "cannot exec portoinit \"%s\"", cfg->portoinit);
}

/* A new login session for an os container: its init starts fresh audit
 * sessions. Best effort, kernels without audit lack the file. */
static void reset_loginuid(void)
{
        int f = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);

        if (f < 0)
                return;
        (void) !write(f, "4294967295", 10);
        close(f);
}

static _Noreturn void run_main(const struct spawn_config *cfg, int fd, struct rootfs *rf, int init_fd)
{
        struct perror e = { 0 };

        set_session(cfg, fd);
        /* /proc of the new pid namespace, then pivot_root: as pid 1. */
        if (rf && rootfs_enter(rf, &e) < 0)
                fail_perror(fd, &e);
        if ((cfg->isolate || cfg->new_uts) && !isempty(cfg->hostname) &&
            sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
                fail(fd, errno_to_eerror(errno, EERROR_INVALID_VALUE), errno,
                     "cannot set hostname \"%s\"", cfg->hostname);
        if (cfg->reset_loginuid)
                reset_loginuid();
        /* Raising hard limits needs privileges we are about to drop. */
        set_limits(cfg, fd);
        caps_before_credentials(cfg, fd);
        set_credentials(cfg, fd);
        caps_after_credentials(cfg, fd);
        /* As the user: cwd and std paths must be accessible to it. */
        if (!isempty(cfg->cwd) && chdir(cfg->cwd) < 0)
                fail(fd, path_error_code(errno), errno, "cannot change directory to \"%s\"", cfg->cwd);
        set_std_streams(cfg, fd);
        if (uses_portoinit(cfg))
                exec_portoinit(cfg, fd, init_fd);
        exec_command(cfg, fd);
}

/* ---- the starter ---------------------------------------------------------- */

/* The cgroup.procs files, opened while the host's /sys/fs/cgroup is still
 * in view (a parent's mount namespace may not show it). */
static int *open_cgroups(const struct spawn_config *cfg, int fd)
{
        size_t n = 0;
        int *fds;

        while (cfg->cgroup_procs && cfg->cgroup_procs[n])
                n++;
        fds = calloc(n + 1, sizeof(int));
        if (!fds)
                fail(fd, EERROR_RESOURCE_NOT_AVAILABLE, ENOMEM, "cannot join cgroups");
        for (size_t i = 0; i < n; i++) {
                fds[i] = open(cfg->cgroup_procs[i], O_WRONLY | O_CLOEXEC);
                if (fds[i] < 0)
                        fail(fd, errno_to_eerror(errno, EERROR_UNKNOWN), errno, "cannot join cgroup %s",
                             cfg->cgroup_procs[i]);
        }
        fds[n] = -1;
        return fds;
}

static void join_cgroups(const struct spawn_config *cfg, const int *cg_fds, int fd)
{
        char pid[16];

        snprintf(pid, sizeof(pid), "%d", (int) getpid());
        for (size_t i = 0; cg_fds[i] >= 0; i++) {
                if (write(cg_fds[i], pid, strlen(pid)) < 0)
                        fail(fd, errno_to_eerror(errno, EERROR_UNKNOWN), errno, "cannot join cgroup %s",
                             cfg->cgroup_procs[i]);
                close(cg_fds[i]);
        }
}

#define PARENT_NS_MASK                                                                                   \
        (1u << NS_MNT | 1u << NS_PID | 1u << NS_NET | 1u << NS_IPC | 1u << NS_UTS | 1u << NS_CGROUP)

/* An isolated container below a parent with a pid namespace of its own:
 * its pid namespace is nested in the parent's (see spawn_nested()). */
static bool nested_pidns(const struct spawn_config *cfg)
{
        return cfg->isolate && cfg->parent_ns_pid > 0 && ns_same(cfg->parent_ns_pid, 0, NS_PID) == 0;
}

/* Namespaces of a parent, an own network namespace, the container's
 * filesystem: all before joining the cgroups (device nodes are made while
 * the devices cgroup still allows it), the network namespace before /sys
 * is mounted (sysfs shows the mounter's network namespace). */
static struct rootfs *enter_filesystem(const struct spawn_config *cfg, bool nested, int fd)
{
        struct perror e = { 0 };
        struct rootfs *rf = NULL;
        int r;

        if (cfg->parent_ns_pid > 0) {
                struct ns_set ns;

                ns_set_init(&ns);
                /* The parent's pid namespace only for children: an isolated
                 * container in the same one as ours unshares its own. */
                r = ns_set_open(&ns, cfg->parent_ns_pid,
                                PARENT_NS_MASK & ~(cfg->isolate && !nested ? 1u << NS_PID : 0));
                if (r >= 0)
                        r = ns_set_enter(&ns);
                ns_set_close(&ns);
                if (r < 0)
                        fail(fd, EERROR_UNKNOWN, -r, "cannot enter the namespaces of the parent container");
        }
        if (cfg->new_net) {
                if (unshare(CLONE_NEWNET) < 0)
                        fail(fd, errno_to_eerror(errno, EERROR_UNKNOWN), errno, "cannot create a network namespace");
                r = ns_loopback_up();
                if (r < 0)
                        fail(fd, EERROR_UNKNOWN, -r, "cannot bring up lo in the network namespace");
        }
        if (cfg->rootfs && rootfs_prepare(cfg->rootfs, &rf, &e) < 0)
                fail_perror(fd, &e);
        return rf;
}

static void unshare_isolated(int fd)
{
        if (unshare(CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS) < 0)
                fail(fd, errno_to_eerror(errno, EERROR_UNKNOWN), errno, "cannot create namespaces");
}

/* The main process's pid as the starter sees it: it sends one message, the
 * kernel attaches its pid translated into the receiver's pid namespace.
 * 0: it died before sending. */
static pid_t receive_pid(int sock)
{
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(struct ucred))];
        } ctl;
        char byte;
        struct iovec iov = { &byte, 1 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &ctl, .msg_controllen = sizeof(ctl) };
        struct cmsghdr *c;
        struct ucred cred;
        ssize_t n;

        do
                n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n <= 0)
                return 0;
        for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
                        memcpy(&cred, CMSG_DATA(c), sizeof(cred));
                        return cred.pid;
                }
        return 0;
}

/* Once in a parent's pid namespace for its children, the starter cannot
 * unshare a new one (EINVAL). So: fork an intermediate into the parent's
 * namespace, which unshares and clones the main process as the starter's
 * child (CLONE_PARENT), and exits. The main process is pid 1 of a pid
 * namespace nested in the parent's, re-parented to the master like any
 * other when the starter exits. Its pid in our namespace comes over a
 * socket (SCM_CREDENTIALS). */
static pid_t spawn_nested(const struct spawn_config *cfg, int fd, struct rootfs *rf, int init_fd)
{
        int sv[2], one = 1;
        pid_t mid, pid;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
            setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
                fail(fd, EERROR_UNKNOWN, errno, "cannot create a socket for the main pid");
        mid = fork();
        if (mid < 0)
                fail(fd, EERROR_RESOURCE_NOT_AVAILABLE, errno, "cannot fork the main process");
        if (mid == 0) {
                close(sv[0]);
                unshare_isolated(fd);
                pid = (pid_t) syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
                if (pid < 0)
                        fail(fd, EERROR_RESOURCE_NOT_AVAILABLE, errno, "cannot fork the main process");
                if (pid > 0)
                        _exit(0);
                if (send(sv[1], "p", 1, 0) != 1)
                        fail(fd, EERROR_UNKNOWN, errno, "cannot report the main pid");
                close(sv[1]);
                run_main(cfg, fd, rf, init_fd);
        }
        close(sv[1]);
        pid = receive_pid(sv[0]);
        close(sv[0]);
        while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
                ;
        /* No pid: the intermediate or the main process reported why. */
        if (pid <= 0)
                _exit(SPAWN_FAIL_EXIT);
        return pid;
}

static _Noreturn void run_starter(const struct spawn_config *cfg, int fd)
{
        struct spawn_report rep = { .kind = SPAWN_REPORT_PID };
        struct rootfs *rf;
        int init_fd = -1, *cg_fds;
        bool nested;
        pid_t pid;

        reset_signals();
        /* Opened while the host's filesystem is still in view. */
        if (uses_portoinit(cfg))
                init_fd = open_portoinit(cfg, fd);
        cg_fds = open_cgroups(cfg, fd);
        nested = nested_pidns(cfg);
        rf = enter_filesystem(cfg, nested, fd);
        join_cgroups(cfg, cg_fds, fd);
        if (cfg->new_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
                fail(fd, errno_to_eerror(errno, EERROR_UNKNOWN), errno, "cannot create a cgroup namespace");
        if (nested)
                pid = spawn_nested(cfg, fd, rf, init_fd);
        else {
                if (cfg->isolate)
                        unshare_isolated(fd);
                else if (cfg->new_uts && unshare(CLONE_NEWUTS) < 0)
                        fail(fd, errno_to_eerror(errno, EERROR_UNKNOWN), errno, "cannot create a uts namespace");
                pid = fork();
                if (pid < 0)
                        fail(fd, EERROR_RESOURCE_NOT_AVAILABLE, errno, "cannot fork the main process");
                if (pid == 0)
                        run_main(cfg, fd, rf, init_fd);
        }
        rep.pid = pid;
        report_write(fd, &rep);
        _exit(0);
}

/* ---- the worker side ------------------------------------------------------ */

/* Read one whole report; 0 at end of file. -ETIMEDOUT past deadline. */
static int report_read(int fd, struct spawn_report *rep, uint64_t deadline_ms)
{
        size_t got = 0;

        while (got < sizeof(*rep)) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                uint64_t now = now_monotonic_ms();
                ssize_t n;
                int r;

                if (now >= deadline_ms)
                        return -ETIMEDOUT;
                r = poll(&p, 1, (int) MIN(deadline_ms - now, (uint64_t) INT32_MAX));
                if (r < 0 && errno != EINTR)
                        return -errno;
                if (r <= 0)
                        continue;
                n = read(fd, (char *) rep + got, sizeof(*rep) - got);
                if (n < 0) {
                        if (errno == EINTR || errno == EAGAIN)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        return got == 0 ? 0 : -EBADMSG;
                got += (size_t) n;
        }
        return 1;
}

static void reap(pid_t pid, bool wait_forever)
{
        for (int i = 0; i < 100; i++) {
                pid_t r = waitpid(pid, NULL, wait_forever ? 0 : WNOHANG);

                if (r == pid || (r < 0 && errno != EINTR))
                        return;
                if (r == 0)
                        usleep(10000);
        }
}

static int check_config(const struct spawn_config *cfg, struct perror *e)
{
        if (!cfg->hold && (!cfg->argv || isempty(cfg->argv[0])))
                return perror_set(e, EERROR_INVALID_COMMAND, -EINVAL, "empty command");
        if (uses_portoinit(cfg) && isempty(cfg->portoinit))
                return perror_set(e, EERROR_UNKNOWN, -EINVAL,
                                  "no portoinit binary for an isolated or meta container");
        return 0;
}

int spawn_start(const struct spawn_config *cfg, pid_t *ret_pid, struct perror *e)
{
        struct spawn_report rep, err_rep = { .kind = 0 };
        sigset_t all, old;
        pid_t starter, main_pid = 0;
        uint64_t deadline;
        int pipefd[2], r;

        r = check_config(cfg, e);
        if (r < 0)
                return r;
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return perror_set_errno(e, EERROR_RESOURCE_NOT_AVAILABLE, -errno, "cannot create a pipe");

        /* No worker signal handler may run in the child before it resets
         * them. */
        sigfillset(&all);
        sigprocmask(SIG_SETMASK, &all, &old);
        starter = fork();
        if (starter == 0) {
                close(pipefd[0]);
                run_starter(cfg, pipefd[1]);
        }
        r = -errno;
        sigprocmask(SIG_SETMASK, &old, NULL);
        close(pipefd[1]);
        if (starter < 0) {
                close(pipefd[0]);
                return perror_set_errno(e, EERROR_RESOURCE_NOT_AVAILABLE, r, "cannot fork the container starter");
        }

        deadline = now_monotonic_ms() + SPAWN_TIMEOUT_MS;
        while ((r = report_read(pipefd[0], &rep, deadline)) > 0) {
                if (rep.kind == SPAWN_REPORT_PID && rep.pid > 0)
                        main_pid = rep.pid;
                else if (rep.kind == SPAWN_REPORT_ERROR && err_rep.kind == 0)
                        err_rep = rep;
        }
        close(pipefd[0]);
        if (r == -ETIMEDOUT) {
                /* Stuck before exec (in D state, maybe): give up on it. */
                if (main_pid > 0)
                        kill(main_pid, SIGKILL);
                kill(starter, SIGKILL);
                reap(starter, false);
                return perror_set(e, EERROR_UNKNOWN, -ETIMEDOUT,
                                  "the container did not start within %d s", SPAWN_TIMEOUT_MS / 1000);
        }
        reap(starter, true);
        if (err_rep.kind) {
                err_rep.msg[sizeof(err_rep.msg) - 1] = 0;
                log_debug("spawn %s: %s", cfg->name ? cfg->name : "", err_rep.msg);
                return perror_set(e, err_rep.eerror, err_rep.err > 0 ? -err_rep.err : -EINVAL, "%s", err_rep.msg);
        }
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot read the container start report");
        if (main_pid <= 0)
                return perror_set(e, EERROR_UNKNOWN, -ECHILD, "the container starter died without a report");
        *ret_pid = main_pid;
        return 0;
}
