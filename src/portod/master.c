/* The master: small and long-lived. It owns the listening socket, is the
 * child subreaper (main processes of containers are re-parented to it when
 * their starter exits), reaps every child and forwards exit statuses to the
 * worker, keeping each one until the worker acknowledged it, so a worker
 * crash or restart loses nothing. It (re)starts the worker and turns
 * signals into daemon-wide actions:
 *   SIGINT  - stop: the worker stops all containers, then everything exits
 *   SIGTERM - exit, leaving containers running
 *   SIGHUP  - reload: the worker exits leaving containers running and a
 *             new one is executed from the binary on disk, which restores
 *             them (records + the exit statuses kept here)
 *   SIGUSR1 - reopen the log, also in the worker
 *   SIGUSR2 - upgrade: like reload, but the master re-executes itself
 *             first, keeping its pid (so its children), the socket, the
 *             lock and the unacknowledged exit statuses */
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/strutil.h"
#include "basic/timeutil.h"
#include "portod.h"
#include "system.h"
#include "version.h"

struct pending_exit {
        pid_t pid;
        int status;
        bool sent;      /* to the current worker */
};

enum master_state { RUNNING, STOPPING, SHUTTING_DOWN };

static struct {
        const struct portod_options *opts;
        char exe[PATH_MAX];     /* binary of the next worker */
        char start_exe[PATH_MAX]; /* path the master was started from */
        int listen_fd;
        dev_t sock_dev;
        ino_t sock_ino;
        int lock_fd;            /* portoloop.pid, flock'ed while we live */
        pid_t worker;
        int chan_fd;
        bool chan_wants_out;
        struct loop_timer *respawn;
        bool reloading;         /* the worker exits for a reload: replace it at once */
        bool upgrading;         /* ... and the master re-executes itself before */
        struct loop_timer *reload_kill; /* SIGKILL a worker that ignores the reload */
        int stats_fd;           /* the shared statistics page (system.h), or -1 */
        enum master_state state;
        int control;            /* CHAN_STOP/CHAN_SHUTDOWN to deliver, or 0 */
        bool control_sent;
        struct pending_exit *pending;
        size_t n_pending, cap_pending;
        int exit_code;
} M = { .listen_fd = -1, .lock_fd = -1, .chan_fd = -1, .stats_fd = -1 };

static void spawn_worker(void);
static void upgrade_exec(void);

/* ---- channel to the worker --------------------------------------------- */

static void chan_close(void)
{
        if (M.chan_fd < 0)
                return;
        loop_del_io(M.chan_fd);
        M.chan_fd = safe_close(M.chan_fd);
        M.chan_wants_out = false;
}

static int chan_send(const struct chan_msg *m)
{
        if (send(M.chan_fd, m, sizeof(*m), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
                return -errno;
        return 0;
}

/* Send what the current worker has not seen yet, in order: exit statuses
 * first (the worker should know who died before it stops the rest), then
 * the stop/shutdown command. */
static void chan_flush(void)
{
        int r = 0;
        if (M.chan_fd < 0)
                return;
        for (size_t i = 0; i < M.n_pending && r >= 0; i++) {
                struct pending_exit *p = &M.pending[i];
                if (p->sent)
                        continue;
                r = chan_send(&(struct chan_msg){ .type = CHAN_EXITED, .pid = p->pid, .status = p->status });
                if (r >= 0)
                        p->sent = true;
        }
        if (r >= 0 && M.control && !M.control_sent) {
                r = chan_send(&(struct chan_msg){ .type = M.control });
                if (r >= 0)
                        M.control_sent = true;
        }
        if (r < 0 && r != -EAGAIN) {
                log_warning_errno(r, "cannot write to worker %d: %m", (int)M.worker);
                chan_close();
                return;
        }
        bool want_out = r == -EAGAIN;
        if (want_out != M.chan_wants_out &&
            loop_mod_io(M.chan_fd, EPOLLIN | (want_out ? EPOLLOUT : 0)) >= 0)
                M.chan_wants_out = want_out;
}

static void pending_ack(pid_t pid)
{
        for (size_t i = 0; i < M.n_pending; i++)
                if (M.pending[i].pid == pid) {
                        memmove(&M.pending[i], &M.pending[i + 1], (M.n_pending - i - 1) * sizeof(*M.pending));
                        M.n_pending--;
                        return;
                }
}

static void pending_add(pid_t pid, int status)
{
        if (M.n_pending == M.cap_pending) {
                size_t n = M.cap_pending ? M.cap_pending * 2 : 64;
                struct pending_exit *p = realloc(M.pending, n * sizeof(*p));
                if (!p) {
                        log_error("out of memory: exit status of pid %d lost", (int)pid);
                        return;
                }
                M.pending = p;
                M.cap_pending = n;
        }
        M.pending[M.n_pending++] = (struct pending_exit){ .pid = pid, .status = status };
        chan_flush();
}

static void chan_io(int fd, uint32_t events, void *userdata _unused_)
{
        if (events & EPOLLOUT)
                chan_flush();
        for (;;) {
                struct chan_msg m;
                ssize_t n = recv(fd, &m, sizeof(m), MSG_DONTWAIT);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return;
                if (n <= 0) {
                        /* The worker is exiting; SIGCHLD tells the rest. */
                        chan_close();
                        return;
                }
                if (n == (ssize_t)sizeof(m) && m.type == CHAN_ACK)
                        pending_ack(m.pid);
                else
                        log_warning("worker sent an unknown message (%zd bytes)", n);
        }
}

/* ---- worker process ---------------------------------------------------- */

static void describe_status(int status, char *buf, size_t size)
{
        if (WIFEXITED(status))
                snprintf(buf, size, "exited with code %d", WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
                snprintf(buf, size, "killed by signal %d (%s)%s", WTERMSIG(status), strsignal(WTERMSIG(status)),
                         WCOREDUMP(status) ? ", core dumped" : "");
        else
                snprintf(buf, size, "status 0x%x", (unsigned)status);
}

static void respawn_fn(void *userdata _unused_)
{
        M.respawn = NULL;
        spawn_worker();
}

static void worker_exited(int status)
{
        char what[128];
        describe_status(status, what, sizeof(what));
        M.worker = 0;
        chan_close();
        loop_timer_cancel(M.reload_kill);
        M.reload_kill = NULL;

        if (M.state != RUNNING) {
                log_info("worker %s; master exits", what);
                M.exit_code = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
                loop_exit(M.exit_code);
                return;
        }
        if (M.upgrading) {
                M.reloading = M.upgrading = false;
                log_info("worker %s; upgrade: master re-executes %s", what, M.exe);
                upgrade_exec();
                /* Still here: the exec failed; carry on as we are. */
                spawn_worker();
                return;
        }
        if (M.reloading) {
                M.reloading = false;
                log_info("worker %s; reload: executing %s", what, M.exe);
                spawn_worker();
                return;
        }
        if (config->norespawn) {
                log_error("worker %s; --norespawn given, master exits", what);
                loop_exit(1);
                return;
        }
        log_error("worker %s; restarting it in %" PRIu64 " ms", what, infra_config.worker_respawn_delay_ms);
        M.respawn = loop_timer_add(infra_config.worker_respawn_delay_ms, respawn_fn, NULL);
        if (!M.respawn)
                spawn_worker();
}

static char **worker_argv(int chan_fd)
{
        _cleanup_strv_free_ char **argv = NULL;
        char fds[32], info[64];

        snprintf(fds, sizeof(fds), "%d,%d", M.listen_fd, chan_fd);
        /* Counted before the fork: this worker is start number N. */
        snprintf(info, sizeof(info), "%" PRIu64 ",%" PRIu64, sys_stats->porto_starts + 1,
                 sys_stats->master_start_ms);
        if (strv_push(&argv, M.exe) < 0 || strv_push(&argv, "--worker") < 0 || strv_push(&argv, fds) < 0 ||
            strv_push(&argv, "--master-info") < 0 || strv_push(&argv, info) < 0)
                return NULL;
        _cleanup_strv_free_ char **opts = options_argv(M.opts);
        if (!opts)
                return NULL;
        for (char **o = opts; *o; o++)
                if (strv_push(&argv, *o) < 0)
                        return NULL;
        return TAKE_PTR(argv);
}

static void spawn_worker(void)
{
        _cleanup_strv_free_ char **argv = NULL;
        int sv[2];

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0) {
                log_error_errno(-errno, "cannot create worker channel: %m");
                goto retry;
        }
        argv = worker_argv(sv[1]);
        if (!argv) {
                log_error("cannot start worker: out of memory");
                safe_close(sv[0]);
                safe_close(sv[1]);
                goto retry;
        }
        sys_stats->porto_starts++;     /* before the worker can ask */
        pid_t pid = fork();
        if (pid < 0) {
                sys_stats->porto_starts--;
                log_error_errno(-errno, "cannot fork worker: %m");
                safe_close(sv[0]);
                safe_close(sv[1]);
                goto retry;
        }
        if (pid == 0) {
                /* The worker inherits exactly these fds. */
                sigset_t all;
                char stats_fd[16];
                sigfillset(&all);
                sigprocmask(SIG_UNBLOCK, &all, NULL);
                if (fcntl(M.listen_fd, F_SETFD, 0) < 0 || fcntl(sv[1], F_SETFD, 0) < 0)
                        _exit(126);
                snprintf(stats_fd, sizeof(stats_fd), "%d", M.stats_fd);
                if (M.stats_fd >= 0 &&
                    (fcntl(M.stats_fd, F_SETFD, 0) < 0 || setenv(PORTOD_STATS_ENV, stats_fd, 1) < 0))
                        _exit(126);
                execv(M.exe, argv);
                log_error_errno(-errno, "cannot execute worker %s: %m", M.exe);
                _exit(127);
        }
        safe_close(sv[1]);
        M.worker = pid;
        M.chan_fd = sv[0];
        if (loop_add_io(M.chan_fd, EPOLLIN, chan_io, NULL) < 0) {
                log_error("cannot watch worker channel");
                M.chan_fd = safe_close(M.chan_fd);
        }
        log_info("worker %d started%s", (int)pid, sys_stats->porto_starts > 1 ? " (restart)" : "");
        /* A new worker has seen nothing: resend all unacknowledged. */
        for (size_t i = 0; i < M.n_pending; i++)
                M.pending[i].sent = false;
        M.control_sent = false;
        chan_flush();
        return;
retry:
        if (M.state == RUNNING || M.state == STOPPING)
                M.respawn = loop_timer_add(infra_config.worker_respawn_delay_ms, respawn_fn, NULL);
        else
                loop_exit(1);
}

/* ---- signals ----------------------------------------------------------- */

static void on_sigchld(const struct signalfd_siginfo *si _unused_, void *ud _unused_)
{
        for (;;) {
                int status;
                pid_t pid = waitpid(-1, &status, WNOHANG);
                if (pid < 0 && errno == EINTR)
                        continue;
                if (pid <= 0)
                        return;
                if (pid == M.worker) {
                        worker_exited(status);
                        continue;
                }
                if (config->debug) {
                        char what[128];
                        describe_status(status, what, sizeof(what));
                        log_debug("pid %d %s; forwarding to the worker", (int)pid, what);
                }
                pending_add(pid, status);
        }
}

/* Deliver a stop/shutdown command, starting a worker if none runs (only a
 * worker can stop containers). */
static void send_control(int type)
{
        M.control = type;
        M.control_sent = false;
        if (M.worker) {
                chan_flush();
                return;
        }
        if (type == CHAN_SHUTDOWN) {
                loop_exit(0);
                return;
        }
        loop_timer_cancel(M.respawn);
        M.respawn = NULL;
        spawn_worker();
}

static void on_sigint(const struct signalfd_siginfo *si, void *ud _unused_)
{
        if (M.state == STOPPING) {
                log_info("SIGINT from pid %u: already stopping", si->ssi_pid);
                return;
        }
        log_info("SIGINT from pid %u: stopping all containers and exiting", si->ssi_pid);
        M.state = STOPPING;
        send_control(CHAN_STOP);
}

static void on_sigterm(const struct signalfd_siginfo *si, void *ud _unused_)
{
        log_info("SIGTERM from pid %u: exiting, containers stay", si->ssi_pid);
        M.state = SHUTTING_DOWN;
        send_control(CHAN_SHUTDOWN);
        /* A worker busy stopping containers does not read the channel. */
        if (M.worker)
                kill(M.worker, SIGTERM);
}

/* The binary at the path we were started from, as it is now: a package
 * update replaces the file (a new inode), the path stays. */
static int resolve_exe(void)
{
        char buf[PATH_MAX];
        if (!realpath(M.start_exe, buf))
                return log_error_errno(-errno, "reload: cannot resolve %s: %m", M.start_exe);
        if (access(buf, X_OK) < 0)
                return log_error_errno(-errno, "reload: %s is not executable: %m", buf);
        snprintf(M.exe, sizeof(M.exe), "%s", buf);
        return 0;
}

static void reload_kill_fn(void *userdata _unused_)
{
        M.reload_kill = NULL;
        if (!M.worker)
                return;
        log_error("reload: worker %d still runs %" PRIu64 " ms after SIGTERM; killing it", (int)M.worker,
                  infra_config.stop_timeout_ms);
        kill(M.worker, SIGKILL);
}

static void start_reload(const struct signalfd_siginfo *si, bool upgrade)
{
        const char *what = upgrade ? "upgrade" : "reload";
        if (M.state != RUNNING) {
                log_info("%s requested by pid %u: ignored while the daemon exits", what, si->ssi_pid);
                return;
        }
        if (resolve_exe() < 0)
                return;         /* everything stays as it is */
        log_info("%s requested by pid %u: next %s from %s", what, si->ssi_pid,
                 upgrade ? "master and worker" : "worker", M.exe);
        if (!M.worker) {
                loop_timer_cancel(M.respawn);
                M.respawn = NULL;
                if (upgrade)
                        upgrade_exec();
                spawn_worker();
                return;
        }
        M.upgrading = M.upgrading || upgrade;
        if (M.reloading)
                return;         /* the worker is already on its way out */
        M.reloading = true;
        kill(M.worker, SIGTERM);
        M.reload_kill = loop_timer_add(infra_config.stop_timeout_ms, reload_kill_fn, NULL);
}

static void on_sighup(const struct signalfd_siginfo *si, void *ud _unused_)
{
        start_reload(si, false);
}

static void on_sigusr2(const struct signalfd_siginfo *si, void *ud _unused_)
{
        start_reload(si, true);
}

static void on_sigusr1(const struct signalfd_siginfo *si _unused_, void *ud _unused_)
{
        int r = log_open(config->log_path);
        if (r < 0)
                log_error_errno(r, "cannot reopen log %s: %m", config->log_path);
        else
                log_info("log reopened");
        if (M.worker)
                kill(M.worker, SIGUSR1);
}

/* ---- socket and run files ---------------------------------------------- */

static int listen_socket(void)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", config->socket_path);

        _cleanup_free_ char *dir = strdup(config->socket_path);
        if (!dir)
                return -ENOMEM;
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
                *slash = 0;
                (void)mkdir_p(dir, 0755);
        }
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return log_error_errno(-errno, "socket: %m");
        /* The caller made sure no daemon answers there: a stale file. */
        if (unlink(config->socket_path) < 0 && errno != ENOENT)
                return log_error_errno(-errno, "cannot remove stale socket %s: %m", config->socket_path);
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                return log_error_errno(-errno, "cannot bind %s: %m", config->socket_path);
        if (chmod(config->socket_path, 0666) < 0)
                return log_error_errno(-errno, "chmod %s: %m", config->socket_path);
        struct group *g = getgrnam("porto");
        if (g && chown(config->socket_path, (uid_t)-1, g->gr_gid) < 0)
                log_warning_errno(-errno, "cannot give %s to group porto: %m", config->socket_path);
        if (listen(fd, (int)MIN(config->max_clients, (uint32_t)INT_MAX)) < 0)
                return log_error_errno(-errno, "listen %s: %m", config->socket_path);
        struct stat st;
        if (stat(config->socket_path, &st) == 0) {
                M.sock_dev = st.st_dev;
                M.sock_ino = st.st_ino;
        }
        M.listen_fd = TAKE_FD(fd);
        return 0;
}

/* Remove our socket, unless another daemon has replaced it meanwhile. */
static void unlink_socket(void)
{
        struct stat st;
        if (M.sock_ino && stat(config->socket_path, &st) == 0 && st.st_dev == M.sock_dev &&
            st.st_ino == M.sock_ino)
                unlink(config->socket_path);
}

/* portoloop.pid doubles as the master lock: one master per run dir. */
static int lock_pid_file(void)
{
        _cleanup_free_ char *path = run_path("portoloop.pid");
        if (!path)
                return -ENOMEM;
        _cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return log_error_errno(-errno, "cannot open %s: %m", path);
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                if (errno == EWOULDBLOCK) {
                        log_error("another portod master holds %s; not starting", path);
                        return -EBUSY;
                }
                return log_error_errno(-errno, "cannot lock %s: %m", path);
        }
        M.lock_fd = TAKE_FD(fd);
        return 0;
}

static int write_pid_file(void)
{
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
        if (ftruncate(M.lock_fd, 0) < 0 || pwrite(M.lock_fd, buf, (size_t)n, 0) != n)
                return log_error_errno(-errno, "cannot write portoloop.pid: %m");
        return 0;
}

static void write_run_files(void)
{
        _cleanup_free_ char *link = run_path("portod");
        _cleanup_free_ char *tmp = run_path("portod.tmp");
        _cleanup_free_ char *ver = run_path("portod.version");
        _cleanup_free_ char *text = strdup_printf("%s %s\n", PORTO_VERSION, PORTO_REVISION);
        if (!link || !tmp || !ver || !text)
                return;
        (void)unlink(tmp);
        if (symlink(M.exe, tmp) < 0 || rename(tmp, link) < 0) {
                log_warning_errno(-errno, "cannot create %s: %m", link);
                (void)unlink(tmp);
        }
        int r = write_file_atomic(ver, text, strlen(text), 0644);
        if (r < 0)
                log_warning_errno(r, "cannot write %s: %m", ver);
}

static void remove_run_files(void)
{
        static const char *const names[] = { "portod.pid", "portod", "portod.version", "portoloop.pid" };
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                _cleanup_free_ char *p = run_path(names[i]);
                if (p)
                        (void)unlink(p);
        }
}

/* ---- upgrade: the master re-executes itself ---------------------------- */

struct saved_exit {
        int32_t pid;
        int32_t status;
};

/* The unacknowledged exit statuses, in a memfd the new master reads. */
static int save_pending(void)
{
        _cleanup_close_ int fd = memfd_create("portod-upgrade", 0);
        if (fd < 0)
                return -errno;
        for (size_t i = 0; i < M.n_pending; i++) {
                struct saved_exit e = { M.pending[i].pid, M.pending[i].status };
                if (write(fd, &e, sizeof(e)) != (ssize_t)sizeof(e))
                        return errno ? -errno : -EIO;
        }
        if (lseek(fd, 0, SEEK_SET) < 0)
                return -errno;
        return TAKE_FD(fd);
}

static void upgrade_exec(void)
{
        _cleanup_strv_free_ char **argv = NULL, **opts = options_argv(M.opts);
        char env[64], stats_env[16];

        int state_fd = save_pending();
        if (state_fd < 0) {
                log_error_errno(state_fd, "upgrade: cannot save exit statuses: %m; master stays");
                return;
        }
        if (!opts || strv_push(&argv, M.exe) < 0 || strv_push(&argv, "daemon") < 0) {
                log_error("upgrade: out of memory; master stays");
                goto out;
        }
        for (char **o = opts; *o; o++)
                if (strv_push(&argv, *o) < 0)
                        goto out;
        snprintf(env, sizeof(env), "%d,%d,%d", M.listen_fd, M.lock_fd, state_fd);
        snprintf(stats_env, sizeof(stats_env), "%d", M.stats_fd);
        if (fcntl(M.listen_fd, F_SETFD, 0) < 0 || fcntl(M.lock_fd, F_SETFD, 0) < 0 ||
            setenv(PORTOD_UPGRADE_ENV, env, 1) < 0 ||
            (M.stats_fd >= 0 && (fcntl(M.stats_fd, F_SETFD, 0) < 0 || setenv(PORTOD_STATS_ENV, stats_env, 1) < 0))) {
                log_error_errno(-errno, "upgrade: cannot pass file descriptors: %m; master stays");
                goto out;
        }
        log_info("upgrade: master %d executes %s with %zu pending exit statuses", (int)getpid(), M.exe,
                 M.n_pending);
        /* Signals stay blocked across exec: they wait for the new loop. */
        execv(M.exe, argv);
        log_error_errno(-errno, "upgrade: cannot execute %s: %m; master stays", M.exe);
out:
        (void)unsetenv(PORTOD_UPGRADE_ENV);
        (void)unsetenv(PORTOD_STATS_ENV);
        (void)fcntl(M.listen_fd, F_SETFD, FD_CLOEXEC);
        (void)fcntl(M.lock_fd, F_SETFD, FD_CLOEXEC);
        if (M.stats_fd >= 0)
                (void)fcntl(M.stats_fd, F_SETFD, FD_CLOEXEC);
        safe_close(state_fd);
}

static bool fd_valid(int fd)
{
        return fd >= 0 && fcntl(fd, F_GETFD) >= 0;
}

/* The new master after an upgrade: take over what the old one left. */
static int adopt_upgrade(const char *env)
{
        int listen_fd, lock_fd, state_fd;
        char extra;
        if (sscanf(env, "%d,%d,%d%c", &listen_fd, &lock_fd, &state_fd, &extra) != 3 || !fd_valid(listen_fd) ||
            !fd_valid(lock_fd) || !fd_valid(state_fd))
                return log_error_errno(-EINVAL, "upgrade: bad %s=\"%s\"", PORTOD_UPGRADE_ENV, env);
        M.listen_fd = listen_fd;
        M.lock_fd = lock_fd;
        (void)fcntl(M.listen_fd, F_SETFD, FD_CLOEXEC);
        (void)fcntl(M.lock_fd, F_SETFD, FD_CLOEXEC);
        struct stat st;
        if (stat(config->socket_path, &st) == 0) {
                M.sock_dev = st.st_dev;
                M.sock_ino = st.st_ino;
        }
        struct saved_exit e;
        ssize_t n;
        while ((n = read(state_fd, &e, sizeof(e))) == (ssize_t)sizeof(e))
                pending_add(e.pid, e.status);
        if (n != 0)
                log_error("upgrade: exit statuses after %zu are lost (read: %s)", M.n_pending,
                          n < 0 ? strerror(errno) : "short record");
        safe_close(state_fd);
        log_info("upgrade: master %d adopted socket fd %d and %zu pending exit statuses", (int)getpid(),
                 M.listen_fd, M.n_pending);
        return 0;
}

/* ---- main -------------------------------------------------------------- */

/* The statistics page: the old master's after an upgrade, else a new one
 * (master_uptime then counts from now). */
static void master_stats(void)
{
        int fd = system_stats_env_fd();
        if (fd >= 0) {
                int r = system_stats_attach(fd, true);
                if (r >= 0) {
                        M.stats_fd = r;
                        log_info("upgrade: master %d keeps the statistics (%" PRIu64 " workers started)",
                                 (int)getpid(), sys_stats->porto_starts);
                        return;
                }
                log_warning_errno(r, "upgrade: cannot use the old master's statistics (%m); counting from 0");
        }
        int r = system_stats_create();
        if (r < 0)
                log_warning_errno(r, "cannot create the shared statistics page (%m); "
                                     "statistics restart from 0 with each worker");
        M.stats_fd = r < 0 ? -1 : r;
}

int master_main(const struct portod_options *o)
{
        _cleanup_free_ char *running = NULL;   /* before any goto (cleanup) */
        int r;

        M.opts = o;
        M.exit_code = 1;
        master_stats();
        log_set_ident("portod-master");
        raise_nofile_limit();
        ssize_t n = readlink("/proc/self/exe", M.exe, sizeof(M.exe) - 1);
        if (n <= 0)
                return log_error_errno(-errno, "cannot resolve /proc/self/exe: %m"), 1;
        M.exe[n] = 0;
        snprintf(M.start_exe, sizeof(M.start_exe), "%s", M.exe);

        const char *upgrade = getenv(PORTOD_UPGRADE_ENV);
        if (upgrade) {
                _cleanup_free_ char *env = strdup(upgrade);
                (void)unsetenv(PORTOD_UPGRADE_ENV);     /* not for workers */
                if (!env || adopt_upgrade(env) < 0)
                        return 1;
                goto adopted;
        }
        r = mkdir_p(config->run_dir, 0755);
        if (r < 0)
                return log_error_errno(r, "cannot create run dir %s: %m", config->run_dir), 1;
        if (lock_pid_file() < 0)
                return 1;
        r = portod_probe(config->socket_path, 5000, &running);
        if (r >= 0) {
                log_error("another portod (version %s) answers on %s; not starting", running,
                          config->socket_path);
                goto out_unlock;
        }
        if (r != -ENOENT && r != -ECONNREFUSED) {
                log_error_errno(r, "%s exists but does not answer properly (%m); not starting. "
                                   "Stop the daemon behind it or remove the file.", config->socket_path);
                goto out_unlock;
        }
adopted:
        if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
                log_error_errno(-errno, "PR_SET_CHILD_SUBREAPER: %m");
                goto out_unlock;
        }
        if (write_pid_file() < 0 || (!upgrade && listen_socket() < 0))
                goto out_socket;
        write_run_files();

        r = loop_init();
        if (r < 0) {
                log_error_errno(r, "event loop: %m");
                goto out_socket;
        }
        signal(SIGPIPE, SIG_IGN);
        if (loop_add_signal(SIGCHLD, on_sigchld, NULL) < 0 || loop_add_signal(SIGINT, on_sigint, NULL) < 0 ||
            loop_add_signal(SIGTERM, on_sigterm, NULL) < 0 || loop_add_signal(SIGHUP, on_sighup, NULL) < 0 ||
            loop_add_signal(SIGUSR1, on_sigusr1, NULL) < 0 || loop_add_signal(SIGUSR2, on_sigusr2, NULL) < 0) {
                log_error_errno(-errno, "signals: %m");
                goto out_loop;
        }
        log_info("portod %s (%s) master %d started on %s", PORTO_VERSION, PORTO_REVISION, (int)getpid(),
                 config->socket_path);
        spawn_worker();
        M.exit_code = loop_run();
        if (M.n_pending)
                log_info("%zu exit statuses were not delivered to a worker", M.n_pending);
        log_info("master exits (code %d)", M.exit_code);
out_loop:
        chan_close();
        loop_done();
        free(M.pending);
out_socket:
        unlink_socket();
        remove_run_files();
        M.listen_fd = safe_close(M.listen_fd);
        M.lock_fd = safe_close(M.lock_fd);
        M.stats_fd = safe_close(M.stats_fd);
        return M.exit_code;
out_unlock:
        M.lock_fd = safe_close(M.lock_fd);
        return 1;
}
