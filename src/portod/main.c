/* portod [options] [command]: the command line and the commands that
 * control a running daemon (start, stop, kill, restart, status, reopenlog).
 * `portod` alone runs the daemon in the foreground. */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
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
#include "system.h"
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

/* One request to the daemon at socket_path, its reply in *ret (free with
 * rpc__tcontainer_response__free_unpacked). */
static int call_daemon(const char *socket_path, const Rpc__TContainerRequest *req, int timeout_ms,
                       Rpc__TContainerResponse **ret)
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

        size_t plen = rpc__tcontainer_request__get_packed_size(req);
        _cleanup_free_ uint8_t *out = malloc(FRAME_HEADER_MAX + plen);
        if (!out)
                return -ENOMEM;
        size_t hlen = frame_encode_header((uint32_t)plen, out);
        rpc__tcontainer_request__pack(req, out + hlen);
        if (send(fd, out, hlen + plen, MSG_NOSIGNAL) != (ssize_t)(hlen + plen))
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
        if (r <= 0 || len > FRAME_DEFAULT_MAX_LEN)
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
        *ret = rsp;
        return 0;
}

int portod_probe(const char *socket_path, int timeout_ms, char **ret_version)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TVersionRequest v = RPC__TVERSION_REQUEST__INIT;
        Rpc__TContainerResponse *rsp = NULL;

        req.version = &v;
        int r = call_daemon(socket_path, &req, timeout_ms, &rsp);
        if (r < 0)
                return r;
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

/* ---- process setup ----------------------------------------------------- */

void raise_nofile_limit(void)
{
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
                log_warning_errno(-errno, "getrlimit(RLIMIT_NOFILE): %m");
                return;
        }
        rlim_t old = rl.rlim_cur;
        if (rl.rlim_cur == rl.rlim_max) {
                log_info("open files limit (RLIMIT_NOFILE): soft %llu = hard", (unsigned long long)rl.rlim_cur);
                return;
        }
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
                log_warning_errno(-errno, "cannot raise the open files limit (RLIMIT_NOFILE) from %llu to %llu: %m",
                                  (unsigned long long)old, (unsigned long long)rl.rlim_max);
                return;
        }
        log_info("open files limit (RLIMIT_NOFILE): soft raised from %llu to the hard %llu",
                 (unsigned long long)old, (unsigned long long)rl.rlim_max);
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
        /* An upgrading master holds the socket itself: no probe. */
        if ((!getenv(PORTOD_UPGRADE_ENV) && refuse_if_running() < 0) || open_log() < 0)
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

/* Signal the master; done when a new worker answers. */
static int reload_with(int sig)
{
        pid_t master, old = 0;
        if (read_pid("portoloop.pid", &master) < 0) {
                fprintf(stderr, "portod: not running\n");
                return 1;
        }
        (void)read_pid("portod.pid", &old);
        if (kill(master, sig) < 0) {
                fprintf(stderr, "portod: cannot signal master %d: %s\n", (int)master, strerror(errno));
                return 1;
        }
        const char *log = config->log_path ? config->log_path : "the daemon's stderr";
        uint64_t deadline = now_monotonic_ms() + infra_config.start_timeout_ms;
        for (;;) {
                pid_t now = 0;
                if (read_pid("portod.pid", &now) >= 0 && now != old &&
                    portod_probe(config->socket_path, 1000, NULL) >= 0)
                        return 0;
                if (process_gone(master)) {
                        fprintf(stderr, "portod: the master exited during the reload; see %s\n", log);
                        return 1;
                }
                if (now_monotonic_ms() > deadline) {
                        fprintf(stderr, "portod: no new worker answers %" PRIu64 " s after the reload; see %s\n",
                                infra_config.start_timeout_ms / 1000, log);
                        return 1;
                }
                usleep(20000);
        }
}

static int cmd_reload(void)
{
        return reload_with(SIGHUP);
}

static int cmd_upgrade(void)
{
        return reload_with(SIGUSR2);
}

static int cmd_version(void)
{
        _cleanup_free_ char *running = NULL;
        printf("%s %s\n", PORTO_VERSION, PORTO_REVISION);
        if (portod_probe(config->socket_path, 1000, &running) >= 0)
                printf("running: %s\n", running);
        return 0;
}

/* ---- system properties (GetSystem/SetSystem) and the stored state ----- */

static char **cmd_args;        /* the command's arguments (struct command.nargs) */

#define FIELD_PTR(m, off) ((const void *)((const char *)(m) + (off)))

static const char *eerror_name(int code)
{
        const char *n = eerror_to_string(code);
        return n ? n : "Unknown";
}

/* Send req; print the daemon's error if any. 0 = Success, *ret set. */
static int call_checked(const Rpc__TContainerRequest *req, Rpc__TContainerResponse **ret)
{
        Rpc__TContainerResponse *rsp = NULL;
        int r = call_daemon(config->socket_path, req, 30000, &rsp);
        if (r < 0) {
                fprintf(stderr, "portod: cannot talk to the daemon on %s: %s\n", config->socket_path,
                        strerror(-r));
                return r;
        }
        if (!rsp->has_error || rsp->error != RPC__EERROR__Success) {
                fprintf(stderr, "portod: %s: %s\n", eerror_name(rsp->has_error ? (int)rsp->error : EERROR_LOST_ERROR),
                        rsp->errormsg ? rsp->errormsg : "");
                rpc__tcontainer_response__free_unpacked(rsp, NULL);
                return -EPROTO;
        }
        *ret = rsp;
        return 0;
}

static void print_field(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
        const void *v = FIELD_PTR(m, f->offset);
        if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_STRING &&
            !*(const protobuf_c_boolean *)FIELD_PTR(m, f->quantifier_offset))
                return;
        switch (f->type) {
        case PROTOBUF_C_TYPE_STRING:
                if (*(const char *const *)v)
                        printf("%s: %s\n", f->name, *(const char *const *)v);
                break;
        case PROTOBUF_C_TYPE_BOOL:
                printf("%s: %s\n", f->name, *(const protobuf_c_boolean *)v ? "true" : "false");
                break;
        case PROTOBUF_C_TYPE_FIXED64:
        case PROTOBUF_C_TYPE_UINT64:
                printf("%s: %" PRIu64 "\n", f->name, *(const uint64_t *)v);
                break;
        default:
                break;
        }
}

static int cmd_get(void)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TGetSystemRequest g = RPC__TGET_SYSTEM_REQUEST__INIT;
        Rpc__TContainerResponse *rsp = NULL;

        req.getsystem = &g;
        if (call_checked(&req, &rsp) < 0)
                return 1;
        int r = 0;
        if (rsp->getsystem) {
                const ProtobufCMessage *m = &rsp->getsystem->base;
                for (unsigned i = 0; i < m->descriptor->n_fields; i++)
                        print_field(m, &m->descriptor->fields[i]);
        } else {
                fprintf(stderr, "portod: the daemon sent no GetSystem payload\n");
                r = 1;
        }
        rpc__tcontainer_response__free_unpacked(rsp, NULL);
        return r;
}

static int set_system(Rpc__TSetSystemRequest *s)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerResponse *rsp = NULL;

        req.setsystem = s;
        if (call_checked(&req, &rsp) < 0)
                return 1;
        rpc__tcontainer_response__free_unpacked(rsp, NULL);
        return 0;
}

static int cmd_set(void)
{
        Rpc__TSetSystemRequest s = RPC__TSET_SYSTEM_REQUEST__INIT;
        const char *key = cmd_args[0], *val = cmd_args[1];
        bool b;

        if (parse_bool(val, &b) < 0) {
                fprintf(stderr, "portod: set %s: \"%s\" is not a boolean (true/false)\n", key, val);
                return 2;
        }
        if (streq(key, "verbose"))
                s.has_verbose = true, s.verbose = b;
        else if (streq(key, "debug"))
                s.has_debug = true, s.debug = b;
        else if (streq(key, "frozen"))
                s.has_frozen = true, s.frozen = b;
        else {
                fprintf(stderr, "portod: set: unknown key \"%s\" (verbose, debug, frozen)\n", key);
                return 2;
        }
        return set_system(&s);
}

static int cmd_freeze_to(bool frozen)
{
        Rpc__TSetSystemRequest s = RPC__TSET_SYSTEM_REQUEST__INIT;
        s.has_frozen = true;
        s.frozen = frozen;
        return set_system(&s);
}

static int cmd_freeze(void)
{
        return cmd_freeze_to(true);
}

static int cmd_unfreeze(void)
{
        return cmd_freeze_to(false);
}

static int cmp_record_names(const void *a, const void *b)
{
        const char *x = *(const char *const *)a, *y = *(const char *const *)b;
        size_t lx = strlen(x), ly = strlen(y);
        return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x, y);
}

/* The "_name=" line of a record, for the block header. */
static const char *record_name(const char *text)
{
        static char name[256];
        const char *p = text;
        while (p && *p) {
                if (startswith(p, "_name=")) {
                        size_t n = strcspn(p + 6, "\n");
                        snprintf(name, sizeof(name), "%.*s", (int)MIN(n, sizeof(name) - 1), p + 6);
                        return name;
                }
                p = strchr(p, '\n');
                p = p ? p + 1 : NULL;
        }
        return "?";
}

/* Records are "key=value" text lines (persist.c); printed as stored, one
 * block per container, in id order. Works with or without a daemon. */
static int dump_record(int dfd, const char *file)
{
        _cleanup_free_ char *text = NULL;
        int r = read_file_at(dfd, file, 1u << 20, &text, NULL);
        if (r < 0) {
                fprintf(stderr, "portod: cannot read %s/kvs/%s: %s\n", config->state_dir, file, strerror(-r));
                return r;
        }
        printf("container %s (kvs/%s)\n", record_name(text), file);
        for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                printf("  %s\n", line);
        return 0;
}

static int cmd_dump(void)
{
        _cleanup_free_ char *dir = strdup_printf("%s/kvs", config->state_dir);
        _cleanup_strv_free_ char **files = NULL;
        if (!dir)
                return 1;
        DIR *d = opendir(dir);
        if (!d) {
                if (errno == ENOENT) {
                        printf("no stored state in %s\n", dir);
                        return 0;
                }
                fprintf(stderr, "portod: cannot open %s: %s\n", dir, strerror(errno));
                return 1;
        }
        for (struct dirent *de; (de = readdir(d));)
                if (de->d_name[0] != '.' && strv_push(&files, de->d_name) < 0) {
                        closedir(d);
                        return 1;
                }
        size_t n = strv_length(files);
        if (n)
                qsort(files, n, sizeof(*files), cmp_record_names);
        int failed = 0;
        for (size_t i = 0; i < n; i++)
                if (dump_record(dirfd(d), files[i]) < 0)
                        failed = 1;
        closedir(d);
        return failed;
}

static int cmd_help(void);

struct command {
        const char *name;
        int (*fn)(void);
        const char *help;
        unsigned nargs;
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
        { "reload", cmd_reload, "re-execute the worker from the binary on disk; containers stay" },
        { "upgrade", cmd_upgrade, "re-execute master and worker from the binary on disk; containers stay" },
        /* Later issues; named so that scripts get a clear answer. */
        { "dump", cmd_dump, "print the stored containers (<state-dir>/kvs), one block each" },
        { "get", cmd_get, "print the daemon's system properties (GetSystem)" },
        { "set", cmd_set, "<key> <bool>: set verbose, debug or frozen (SetSystem)", 2 },
        { "freeze", cmd_freeze, "refuse changes from all but the super-user (PortoFrozen)" },
        { "unfreeze", cmd_unfreeze, "accept changes again" },
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
        OPT_MASTER_INFO,
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
        { "master-info", required_argument, NULL, OPT_MASTER_INFO },
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

/* --master-info STARTS,START_MS: how many workers the master started (this
 * one included) and when the master started (CLOCK_MONOTONIC ms, which all
 * processes share). For GetSystem when the master passed no shared
 * statistics page; a bad value only loses statistics. */
static void parse_master_info(const char *s)
{
        _cleanup_free_ char *a = NULL, *b = NULL;
        uint64_t starts, start_ms;
        if (split_pair(s, ',', &a, &b) < 0 || parse_u64(a, &starts) < 0 || parse_u64(b, &start_ms) < 0) {
                log_warning("--master-info \"%s\" is not STARTS,START_MS; ignored", s);
                return;
        }
        sys_stats->porto_starts = starts;
        sys_stats->master_start_ms = start_ms;
}

/* The worker's statistics: the master's shared page, else private ones. */
static void worker_stats(const char *master_info)
{
        int fd = system_stats_env_fd();
        int r = fd >= 0 ? system_stats_attach(fd, false) : -ENOENT;
        if (r < 0 && fd >= 0)
                log_warning_errno(r, "cannot use the statistics page of the master (%m); counting from 0");
        if (r < 0 && master_info)
                parse_master_info(master_info);
        /* requests of a dead worker are not waiting any more */
        sys_stats->request_queued = 0;
}

int main(int argc, char **argv)
{
        const char *worker_fds = NULL, *master_info = NULL;
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
                case OPT_MASTER_INFO: master_info = optarg; break;
                case 'h': return cmd_help();
                case 'v': printf("%s %s\n", PORTO_VERSION, PORTO_REVISION); return 0;
                default:
                        fprintf(stderr, "Try 'portod --help'.\n");
                        return 2;
                }
        }
        const char *name = optind < argc ? argv[optind] : "daemon";
        const struct command *cmd = NULL;
        for (size_t i = 0; i < ELEMENTSOF(commands) && !cmd; i++)
                if (streq(commands[i].name, name))
                        cmd = &commands[i];
        if (!worker_fds && !cmd) {
                fprintf(stderr, "portod: unknown command \"%s\"; try 'portod --help'\n", name);
                return 2;
        }
        unsigned nargs = cmd ? cmd->nargs : 0;
        int given = argc - optind - 1;
        if (given > (int)nargs) {
                fprintf(stderr, "portod: unexpected argument \"%s\"; try 'portod --help'\n",
                        argv[optind + 1 + nargs]);
                return 2;
        }
        if (given >= 0 && given < (int)nargs) {
                fprintf(stderr, "portod: %s wants %u arguments; try 'portod --help'\n", name, nargs);
                return 2;
        }
        cmd_args = argv + optind + 1;
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
                sys_worker_start_ms = now_monotonic_ms();
                worker_stats(master_info);
                system_restore();
                r = worker_main(lfd, cfd);
        } else
                r = cmd->fn();
        config_free();
        log_close();
        return r;
}
