/* The worker: all the logic, one event loop. It is exec'ed by the master
 * with the listening socket and a SOCK_SEQPACKET channel; it serves
 * clients, receives exit statuses of container processes from the master
 * (acknowledging each), and exits when the master says so or goes away. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/strutil.h"
#include "portod.h"
#include "shared/cgroup.h"
#include "version.h"

static struct {
        int listen_fd;
        int chan_fd;
} W = { -1, -1 };

static void chan_send_ack(pid_t pid)
{
        struct chan_msg m = { .type = CHAN_ACK, .pid = pid };
        for (int tries = 0; tries < 2; tries++) {
                if (send(W.chan_fd, &m, sizeof(m), MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)sizeof(m))
                        return;
                if (errno != EAGAIN && errno != EINTR)
                        break;
                /* The master reads at once; wait a little for room. */
                struct pollfd p = { .fd = W.chan_fd, .events = POLLOUT };
                (void)poll(&p, 1, 1000);
        }
        /* Not fatal: the master resends it to the next worker. */
        log_warning_errno(-errno, "cannot acknowledge exit of pid %d to the master: %m", (int)pid);
}

/* Cgroups below the root that no container owns any more (those of a
 * record that could not be restored), deepest first. Their tasks were
 * killed by ct_stop_all(). */
static void remove_strays(enum cg_controller c, const char *rel)
{
        _cleanup_free_ char *path = NULL;
        DIR *d;

        if (cg_path(c, rel, &path) < 0 || !(d = opendir(path)))
                return;
        for (struct dirent *de; (de = readdir(d));) {
                _cleanup_free_ char *sub = NULL;
                int r;

                if (de->d_type != DT_DIR || de->d_name[0] == '.')
                        continue;
                sub = *rel ? strdup_printf("%s/%s", rel, de->d_name) : strdup(de->d_name);
                if (!sub)
                        break;
                remove_strays(c, sub);
                r = cg_remove(c, sub);
                if (r < 0)
                        log_warning_errno(r, "cannot remove the stray %s cgroup %s: %m",
                                          cg_controller_to_string(c), sub);
                else
                        log_info("removed the stray %s cgroup %s", cg_controller_to_string(c), sub);
        }
        closedir(d);
}

/* `portod stop` leaves nothing behind: the root <own>/<prefix> goes too,
 * in every controller (co-mounted ones share a directory: the second
 * removal finds it gone, which is fine). A cgroup that still holds tasks
 * is left and reported. */
static void remove_root_cgroups(void)
{
        for (int c = 0; c < CG_CONTROLLER_MAX; c++) {
                _cleanup_free_ char *path = NULL;
                int r;

                if (!cg_supported(c) || !cg_exists(c, ""))
                        continue;
                (void)cg_path(c, "", &path);
                if (!cg_is_empty(c, "")) {
                        log_warning("cannot remove the %s root cgroup %s: tasks remain",
                                    cg_controller_to_string(c), path ? path : "?");
                        continue;
                }
                remove_strays(c, "");
                r = cg_remove(c, "");
                if (r < 0)
                        log_warning_errno(r, "cannot remove the %s root cgroup %s: %m",
                                          cg_controller_to_string(c), path ? path : "?");
        }
}

static void stop_all(void)
{
        log_info("stopping all containers");
        clients_stop_accepting();
        ct_stop_all();
        log_info("all containers stopped");
        remove_root_cgroups();
        loop_exit(0);
}

static void chan_io(int fd, uint32_t events _unused_, void *userdata _unused_)
{
        for (;;) {
                struct chan_msg m;
                ssize_t n = recv(fd, &m, sizeof(m), MSG_DONTWAIT);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return;
                if (n <= 0) {
                        log_error("master is gone; worker exits, containers stay");
                        loop_del_io(fd);
                        loop_exit(1);
                        return;
                }
                if (n != (ssize_t)sizeof(m)) {
                        log_warning("master sent a %zd byte message; ignored", n);
                        continue;
                }
                switch (m.type) {
                case CHAN_EXITED: {
                        bool ours = ct_process_exited(m.pid, m.status);
                        log_debug("pid %d exited (status 0x%x)%s", m.pid, (unsigned)m.status,
                                  ours ? "" : ", not a container process");
                        chan_send_ack(m.pid);
                        break;
                }
                case CHAN_STOP:
                        stop_all();
                        return;
                case CHAN_SHUTDOWN:
                        log_info("shutdown requested; containers stay");
                        loop_exit(0);
                        return;
                default:
                        log_warning("master sent unknown message type %d", m.type);
                }
        }
}

static void on_sigterm(const struct signalfd_siginfo *si, void *ud _unused_)
{
        log_info("SIGTERM from pid %u: worker exits, containers stay", si->ssi_pid);
        loop_exit(0);
}

static void on_sigusr1(const struct signalfd_siginfo *si _unused_, void *ud _unused_)
{
        int r = log_open(config->log_path);
        if (r < 0)
                log_error_errno(r, "cannot reopen log %s: %m", config->log_path);
        else
                log_info("log reopened");
}

/* SIGINT and SIGHUP belong to the master (a Ctrl-C on a foreground daemon
 * reaches both; the master coordinates the stop). */
static void on_ignored(const struct signalfd_siginfo *si, void *ud _unused_)
{
        log_debug("signal %u from pid %u ignored by the worker", si->ssi_signo, si->ssi_pid);
}

static int write_pid_file(void)
{
        _cleanup_free_ char *path = run_path("portod.pid");
        char buf[32];
        if (!path)
                return -ENOMEM;
        int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
        return write_file_atomic(path, buf, (size_t)n, 0644);
}

int worker_main(int listen_fd, int chan_fd)
{
        int r;

        W.listen_fd = listen_fd;
        W.chan_fd = chan_fd;
        log_set_ident("portod");
        (void)prctl(PR_SET_NAME, "portod-worker");
        raise_nofile_limit();   /* in case the master could not */
        /* Inherited without O_CLOEXEC from the master: containers must not
         * get them. */
        if (fcntl(listen_fd, F_SETFD, FD_CLOEXEC) < 0 || fcntl(chan_fd, F_SETFD, FD_CLOEXEC) < 0 ||
            fcntl(listen_fd, F_SETFL, O_NONBLOCK) < 0) {
                log_error_errno(-errno, "worker fds %d,%d: %m", listen_fd, chan_fd);
                return 1;
        }
        log_info("portod %s (%s) worker %d started", PORTO_VERSION, PORTO_REVISION, (int)getpid());
        config_log();
        r = write_pid_file();
        if (r < 0)
                log_warning_errno(r, "cannot write %s/portod.pid: %m", config->run_dir);

        r = loop_init();
        if (r < 0)
                return log_error_errno(r, "event loop: %m"), 1;
        signal(SIGPIPE, SIG_IGN);
        if (loop_add_signal(SIGTERM, on_sigterm, NULL) < 0 || loop_add_signal(SIGUSR1, on_sigusr1, NULL) < 0 ||
            loop_add_signal(SIGINT, on_ignored, NULL) < 0 || loop_add_signal(SIGHUP, on_ignored, NULL) < 0)
                return log_error_errno(-errno, "signals: %m"), 1;

        r = cg_init(config->cgroup_prefix);
        if (r < 0)
                return log_error_errno(r, "cgroups (prefix %s): %m", config->cgroup_prefix), 1;
        r = rpc_init();
        if (r < 0)
                return log_error_errno(r, "rpc: %m"), 1;
        r = ct_engine_init();
        if (r < 0)
                return log_error_errno(r, "cannot start the container engine: %m"), 1;

        r = loop_add_io(chan_fd, EPOLLIN, chan_io, NULL);
        if (r < 0)
                return log_error_errno(r, "master channel: %m"), 1;
        r = clients_init(listen_fd);
        if (r < 0)
                return log_error_errno(r, "listening socket: %m"), 1;
        log_info("worker ready on %s", config->socket_path);

        r = loop_run();
        clients_close_all();
        loop_done();
        log_info("worker exits (code %d)", r);
        return r;
}
