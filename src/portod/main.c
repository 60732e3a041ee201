/* portod [options] [command]: the command line and the commands that
 * control a running daemon (start, stop, kill, restart, status, reopenlog).
 * `portod` alone runs the daemon in the foreground. */
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include "basic/fileio.h"
#include "basic/frame.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/strutil.h"
#include "basic/timeutil.h"
#include "portod.h"
#include "version.h"

static struct portod_options opts;

/* ---- talking to a running daemon -------------------------------------- */

static int recv_all(int fd, void *buf, size_t n)
{
        for (size_t done = 0; done < n;) {
                ssize_t k = recv(fd, (char *)buf + done, n - done, 0);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        return -ECONNRESET;
                done += (size_t)k;
        }
        return 0;
}

int portod_probe(const char *socket_path, int timeout_ms, char **ret_version)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (strlen(socket_path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, socket_path);

        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                return -errno;

        static const uint8_t version_req[] = { 0x02, 0x72, 0x00 }; /* spec 11 */
        if (send(fd, version_req, sizeof(version_req), MSG_NOSIGNAL) != (ssize_t)sizeof(version_req))
                return errno ? -errno : -EIO;

        uint8_t hdr[FRAME_HEADER_MAX];
        uint32_t len = 0;
        size_t hl = 0;
        int r = 0;
        for (size_t i = 0; i < sizeof(hdr) && r == 0; i++) {
                int k = recv_all(fd, hdr + i, 1);
                if (k < 0)
                        return k;
                r = frame_decode_header(hdr, i + 1, &len, &hl);
        }
        if (r <= 0 || len > (1u << 20))
                return -EBADMSG;
        _cleanup_free_ uint8_t *buf = malloc(len ? len : 1);
        if (!buf)
                return -ENOMEM;
        r = recv_all(fd, buf, len);
        if (r < 0)
                return r;
        Rpc__TContainerResponse *rsp = rpc__tcontainer_response__unpack(NULL, len, buf);
        if (!rsp)
                return -EBADMSG;
        r = 0;
        if (!rsp->has_error || rsp->error != RPC__EERROR__Success || !rsp->version)
                r = -EPROTO;
        else if (ret_version) {
                *ret_version = strdup_printf("%s %s", rsp->version->tag, rsp->version->revision);
                if (!*ret_version)
                        r = -ENOMEM;
        }
        rpc__tcontainer_response__free_unpacked(rsp, NULL);
        return r;
}

/* ---- pid files --------------------------------------------------------- */

/* A live (not zombie) process of ours named in run_dir/name. */
static int read_pid(const char *name, pid_t *ret)
{
        _cleanup_free_ char *path = run_path(name);
        _cleanup_free_ char *line = NULL;
        int pid;

        if (!path)
                return -ENOMEM;
        int r = read_line(path, &line);
        if (r < 0)
                return r;
        if (parse_int(strstrip(line), &pid) < 0 || pid <= 0)
                return -EINVAL;

        char proc[64];
        _cleanup_free_ char *stat = NULL, *comm = NULL;
        snprintf(proc, sizeof(proc), "/proc/%d/stat", pid);
        if (read_line(proc, &stat) < 0)
                return -ESRCH;
        const char *paren = strrchr(stat, ')');
        if (!paren || paren[1] != ' ' || paren[2] == 'Z' || paren[2] == 'X')
                return -ESRCH;
        /* Pid files outlive crashes; do not signal a stranger that got the
         * pid since. Our processes are "portod" and "portod-worker". */
        snprintf(proc, sizeof(proc), "/proc/%d/comm", pid);
        if (read_line(proc, &comm) < 0 || !startswith(comm, "portod"))
                return -ESRCH;
        *ret = pid;
        return 0;
}

static bool process_gone(pid_t pid)
{
        char proc[64];
        _cleanup_free_ char *stat = NULL;
        snprintf(proc, sizeof(proc), "/proc/%d/stat", (int)pid);
        if (read_line(proc, &stat) < 0)
                return true;
        const char *paren = strrchr(stat, ')');
        return !paren || paren[1] != ' ' || paren[2] == 'Z' || paren[2] == 'X';
}

static bool wait_gone(pid_t pid, uint64_t timeout_ms)
{
        uint64_t deadline = now_monotonic_ms() + timeout_ms;
        while (!process_gone(pid)) {
                if (now_monotonic_ms() > deadline)
                        return false;
                usleep(20000);
        }
        return true;
}

/* ---- commands ---------------------------------------------------------- */

static int open_log(void)
{
        int r = log_open(config->log_path);
        if (r < 0) {
                fprintf(stderr, "portod: cannot open log %s: %s\n", config->log_path, strerror(-r));
                return r;
        }
        log_set_level(config->debug ? LOG_DEBUG : LOG_INFO);
        return 0;
}

static int refuse_if_running(void)
{
        _cleanup_free_ char *version = NULL;
        int r = portod_probe(config->socket_path, 5000, &version);
        if (r >= 0) {
                fprintf(stderr, "portod: already running on %s (version %s)\n", config->socket_path, version);
                return -EEXIST;
        }
        return 0;
}

static int cmd_daemon(void)
{
        if (refuse_if_running() < 0 || open_log() < 0)
                return 1;
        return master_main(&opts);
}

static int cmd_start(void)
{
        if (refuse_if_running() < 0)
                return 1;

        int pfd[2];
        if (pipe2(pfd, O_CLOEXEC) < 0) {
                perror("portod: pipe");
                return 1;
        }
        pid_t child = fork();
        if (child < 0) {
                perror("portod: fork");
                return 1;
        }
        if (child == 0) {
                /* Double fork: the daemon is no child of the caller and has
                 * no controlling terminal. */
                safe_close(pfd[0]);
                if (setsid() < 0)
                        _exit(1);
                pid_t daemon = fork();
                if (daemon < 0)
                        _exit(1);
                if (daemon > 0)
                        _exit(0);
                pid_t self = getpid();
                if (write(pfd[1], &self, sizeof(self)) != (ssize_t)sizeof(self))
                        _exit(1);
                safe_close(pfd[1]);
                if (chdir("/") < 0)
                        _exit(1);
                if (!opts.stdlog) {
                        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
                        if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
                                _exit(1);
                        if (null > 2)
                                safe_close(null);
                }
                if (open_log() < 0)
                        _exit(1);
                _exit(master_main(&opts));
        }
        safe_close(pfd[1]);
        int st;
        while (waitpid(child, &st, 0) < 0 && errno == EINTR)
                ;
        pid_t daemon = 0;
        ssize_t n = read(pfd[0], &daemon, sizeof(daemon));
        safe_close(pfd[0]);
        if (n != (ssize_t)sizeof(daemon) || daemon <= 0) {
                fprintf(stderr, "portod: cannot start the daemon\n");
                return 1;
        }

        uint64_t deadline = now_monotonic_ms() + infra_config.start_timeout_ms;
        for (;;) {
                _cleanup_free_ char *version = NULL;
                if (portod_probe(config->socket_path, 1000, &version) >= 0)
                        return 0;
                if (process_gone(daemon)) {
                        fprintf(stderr, "portod: the daemon exited during start; see %s\n",
                                config->log_path ? config->log_path : "its stderr");
                        return 1;
                }
                if (now_monotonic_ms() > deadline) {
                        fprintf(stderr, "portod: the daemon (pid %d) does not answer on %s after %" PRIu64 " s\n",
                                (int)daemon, config->socket_path, infra_config.start_timeout_ms / 1000);
                        return 1;
                }
                usleep(50000);
        }
}

static int cmd_stop(void)
{
        pid_t master;
        if (read_pid("portoloop.pid", &master) < 0) {
                if (portod_probe(config->socket_path, 1000, NULL) >= 0) {
                        fprintf(stderr, "portod: a daemon answers on %s but %s/portoloop.pid names no "
                                        "live master; use the --run-dir it was started with\n",
                                config->socket_path, config->run_dir);
                        return 1;
                }
                fprintf(stderr, "portod: not running\n");
                return 0;
        }
        if (kill(master, SIGINT) < 0) {
                fprintf(stderr, "portod: cannot signal master %d: %s\n", (int)master, strerror(errno));
                return 1;
        }
        if (!wait_gone(master, infra_config.stop_timeout_ms)) {
                fprintf(stderr, "portod: master %d still runs after %" PRIu64 " s; try `portod kill`\n",
                        (int)master, infra_config.stop_timeout_ms / 1000);
                return 1;
        }
        return 0;
}

static int cmd_kill(void)
{
        pid_t master = 0, worker = 0;
        bool any = false;

        if (read_pid("portoloop.pid", &master) >= 0 && kill(master, SIGKILL) == 0)
                any = true;
        if (read_pid("portod.pid", &worker) >= 0 && kill(worker, SIGKILL) == 0)
                any = true;
        if (master)
                wait_gone(master, 5000);
        if (worker)
                wait_gone(worker, 5000);
        if (!any) {
                fprintf(stderr, "portod: not running\n");
                return 0;
        }
        static const char *const names[] = { "portod.pid", "portoloop.pid" };
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                _cleanup_free_ char *p = run_path(names[i]);
                if (p)
                        (void)unlink(p);
        }
        if (portod_probe(config->socket_path, 1000, NULL) == -ECONNREFUSED)
                (void)unlink(config->socket_path);
        return 0;
}

static int cmd_restart(void)
{
        int r = cmd_stop();
        return r ? r : cmd_start();
}

static int cmd_status(void)
{
        int r = portod_probe(config->socket_path, 5000, NULL);
        if (r >= 0) {
                printf("running\n");
                return 0;
        }
        printf("%s\n", r == -ENOENT || r == -ECONNREFUSED ? "stopped" : "unknown");
        return 1;
}

static int cmd_reopenlog(void)
{
        pid_t master;
        if (read_pid("portoloop.pid", &master) < 0) {
                fprintf(stderr, "portod: not running\n");
                return 1;
        }
        if (kill(master, SIGUSR1) < 0) {
                fprintf(stderr, "portod: cannot signal master %d: %s\n", (int)master, strerror(errno));
                return 1;
        }
        return 0;
}

static int cmd_version(void)
{
        _cleanup_free_ char *running = NULL;
        printf("%s %s\n", PORTO_VERSION, PORTO_REVISION);
        if (portod_probe(config->socket_path, 1000, &running) >= 0)
                printf("running: %s\n", running);
        return 0;
}

static int cmd_help(void);

struct command {
        const char *name;
        int (*fn)(void);
        const char *help;
};

static const struct command commands[] = {
        { "daemon", cmd_daemon, "run in the foreground (default)" },
        { "start", cmd_start, "start in the background and wait until it answers" },
        { "stop", cmd_stop, "stop all containers and the daemon" },
        { "kill", cmd_kill, "kill the daemon at once (containers stay)" },
        { "restart", cmd_restart, "stop, then start" },
        { "status", cmd_status, "print running/stopped; exit 0 if running" },
        { "reopenlog", cmd_reopenlog, "reopen the log file (after rotation)" },
        { "version", cmd_version, "print the version (and the running daemon's)" },
        { "help", cmd_help, "print this help" },
        /* Later issues; named so that scripts get a clear answer. */
        { "reload", NULL, "re-execute the worker from the binary on disk" },
        { "upgrade", NULL, "replace the daemon binary without stopping containers" },
        { "dump", NULL, "dump the daemon state" },
        { "get", NULL, "read daemon properties" },
        { "set", NULL, "change daemon properties" },
        { "freeze", NULL, "freeze the daemon for changes" },
        { "unfreeze", NULL, "unfreeze the daemon" },
        { "core", NULL, "core dump helper" },
};

static int cmd_help(void)
{
        printf("usage: portod [options] [command]\n\n"
               "Porto container manager daemon, version %s.\n\ncommands:\n",
               PORTO_VERSION);
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                printf("  %-10s %s%s\n", commands[i].name, commands[i].help,
                       commands[i].fn ? "" : " (not implemented yet)");
        printf("\noptions:\n"
               "  --socket PATH         API socket (default /run/portod.socket)\n"
               "  --state-dir DIR       container records in DIR/kvs (default /run/porto)\n"
               "  --run-dir DIR         pid files, portod symlink, portod.version (default /run)\n"
               "  --cgroup-prefix NAME  cgroup below the daemon's own (default porto)\n"
               "  --place DIR           default place (default /place)\n"
               "  --log FILE            log file (default /var/log/portod.log)\n"
               "  --config FILE         only this config file (default /etc/portod.conf and\n"
               "                        /etc/portod.conf.d/*.conf)\n"
               "  --portoinit PATH      init binary for isolated containers\n"
               "  --stdlog              log to stderr; `start` keeps std streams\n"
               "  --verbose             log every request\n"
               "  --debug               debug messages (implies --verbose)\n"
               "  --norespawn           do not restart a crashed worker: exit\n"
               "  --discard             forget saved containers at start\n"
               "  -h, --help            this help\n"
               "  -v, --version         print the version\n");
        return 0;
}

/* ---- options ----------------------------------------------------------- */

enum {
        OPT_SOCKET = 0x100,
        OPT_STATE_DIR,
        OPT_RUN_DIR,
        OPT_CGROUP_PREFIX,
        OPT_PLACE,
        OPT_LOG,
        OPT_CONFIG,
        OPT_PORTOINIT,
        OPT_STDLOG,
        OPT_VERBOSE,
        OPT_DEBUG,
        OPT_NORESPAWN,
        OPT_DISCARD,
        OPT_WORKER,
};

static const struct option long_options[] = {
        { "socket", required_argument, NULL, OPT_SOCKET },
        { "state-dir", required_argument, NULL, OPT_STATE_DIR },
        { "run-dir", required_argument, NULL, OPT_RUN_DIR },
        { "cgroup-prefix", required_argument, NULL, OPT_CGROUP_PREFIX },
        { "place", required_argument, NULL, OPT_PLACE },
        { "log", required_argument, NULL, OPT_LOG },
        { "config", required_argument, NULL, OPT_CONFIG },
        { "portoinit", required_argument, NULL, OPT_PORTOINIT },
        { "stdlog", no_argument, NULL, OPT_STDLOG },
        { "verbose", no_argument, NULL, OPT_VERBOSE },
        { "debug", no_argument, NULL, OPT_DEBUG },
        { "norespawn", no_argument, NULL, OPT_NORESPAWN },
        { "discard", no_argument, NULL, OPT_DISCARD },
        { "worker", required_argument, NULL, OPT_WORKER },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'v' },
        {},
};

char **options_argv(const struct portod_options *o)
{
        const struct {
                const char *name;
                const char *value;
        } strs[] = {
                { "--socket", o->socket_path }, { "--state-dir", o->state_dir },
                { "--run-dir", o->run_dir },    { "--cgroup-prefix", o->cgroup_prefix },
                { "--place", o->place },        { "--log", o->log_path },
                { "--config", o->config_path }, { "--portoinit", o->portoinit_path },
        };
        const struct {
                const char *name;
                bool value;
        } flags[] = {
                { "--stdlog", o->stdlog },       { "--verbose", o->verbose }, { "--debug", o->debug },
                { "--norespawn", o->norespawn }, { "--discard", o->discard },
        };
        _cleanup_strv_free_ char **v = calloc(1, sizeof(char *));
        if (!v)
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(strs); i++)
                if (strs[i].value && (strv_push(&v, strs[i].name) < 0 || strv_push(&v, strs[i].value) < 0))
                        return NULL;
        for (size_t i = 0; i < ELEMENTSOF(flags); i++)
                if (flags[i].value && strv_push(&v, flags[i].name) < 0)
                        return NULL;
        return TAKE_PTR(v);
}

static int parse_worker_fds(const char *s, int *ret_listen, int *ret_chan)
{
        _cleanup_free_ char *a = NULL, *b = NULL;
        int l, c;
        if (split_pair(s, ',', &a, &b) < 0 || parse_int(a, &l) < 0 || parse_int(b, &c) < 0 || l < 0 || c < 0)
                return -EINVAL;
        *ret_listen = l;
        *ret_chan = c;
        return 0;
}

int main(int argc, char **argv)
{
        const char *worker_fds = NULL;
        int c;

        while ((c = getopt_long(argc, argv, "hv", long_options, NULL)) >= 0) {
                switch (c) {
                case OPT_SOCKET: opts.socket_path = optarg; break;
                case OPT_STATE_DIR: opts.state_dir = optarg; break;
                case OPT_RUN_DIR: opts.run_dir = optarg; break;
                case OPT_CGROUP_PREFIX: opts.cgroup_prefix = optarg; break;
                case OPT_PLACE: opts.place = optarg; break;
                case OPT_LOG: opts.log_path = optarg; break;
                case OPT_CONFIG: opts.config_path = optarg; break;
                case OPT_PORTOINIT: opts.portoinit_path = optarg; break;
                case OPT_STDLOG: opts.stdlog = true; break;
                case OPT_VERBOSE: opts.verbose = true; break;
                case OPT_DEBUG: opts.debug = true; break;
                case OPT_NORESPAWN: opts.norespawn = true; break;
                case OPT_DISCARD: opts.discard = true; break;
                case OPT_WORKER: worker_fds = optarg; break;
                case 'h': return cmd_help();
                case 'v': printf("%s %s\n", PORTO_VERSION, PORTO_REVISION); return 0;
                default:
                        fprintf(stderr, "Try 'portod --help'.\n");
                        return 2;
                }
        }
        const char *name = optind < argc ? argv[optind] : "daemon";
        if (optind + 1 < argc) {
                fprintf(stderr, "portod: unexpected argument \"%s\"; try 'portod --help'\n", argv[optind + 1]);
                return 2;
        }

        const struct command *cmd = NULL;
        for (size_t i = 0; i < ELEMENTSOF(commands) && !cmd; i++)
                if (streq(commands[i].name, name))
                        cmd = &commands[i];
        if (!worker_fds && !cmd) {
                fprintf(stderr, "portod: unknown command \"%s\"; try 'portod --help'\n", name);
                return 2;
        }
        if (cmd && cmd->fn == cmd_help)
                return cmd_help();
        if (cmd && !cmd->fn) {
                fprintf(stderr, "%s: not implemented yet in this version\n", name);
                return 1;
        }

        struct perror e;
        perror_clear(&e);
        if (config_load(&opts, &e) < 0) {
                fprintf(stderr, "portod: %s\n", e.msg);
                if (worker_fds && open_log() >= 0)
                        log_error("%s", e.msg);
                return 1;
        }

        int r;
        if (worker_fds) {
                int lfd, cfd;
                if (parse_worker_fds(worker_fds, &lfd, &cfd) < 0) {
                        fprintf(stderr, "portod: --worker wants LISTEN_FD,CHANNEL_FD\n");
                        return 2;
                }
                if (open_log() < 0)
                        return 1;
                r = worker_main(lfd, cfd);
        } else
                r = cmd->fn();
        config_free();
        log_close();
        return r;
}
