/* Start of a container: ancestors first, cgroups, working directory, the
 * environment, argv (wordexp(3) with the container's environment), std
 * streams and the spawn of the main process (spawn.h). */
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <wordexp.h>
#include "container.h"
#include "prop.h"
#include "spawn.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/timeutil.h"
#include "shared/cgroup.h"

extern char **environ;

const char *host_hostname(void)
{
        static char name[256];

        if (!name[0] && gethostname(name, sizeof(name) - 1) < 0)
                strcpy(name, "localhost");
        return name;
}

/* Replace or append "K=V" in an env vector. */
static int env_put(char ***env, const char *kv)
{
        const char *eq = strchr(kv, '=');
        size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);

        for (char **p = *env; p && *p; p++)
                if (strncmp(*p, kv, klen) == 0 && (*p)[klen] == '=') {
                        char *n = strdup(kv);
                        if (!n)
                                return -ENOMEM;
                        free(*p);
                        *p = n;
                        return 0;
                }
        return strv_push(env, kv);
}

static int env_put_pair(char ***env, const char *k, const char *v)
{
        _cleanup_free_ char *kv = strdup_printf("%s=%s", k, v);
        return kv ? env_put(env, kv) : -ENOMEM;
}

static int env_put_parents(char ***env, const struct container *ct)
{
        int r;

        if (!ct || ct_is_root(ct))
                return 0;
        if (!ct_isolated(ct)) {
                r = env_put_parents(env, ct->parent);
                if (r < 0)
                        return r;
        }
        for (char **p = ct->env; p && *p; p++) {
                r = env_put(env, *p);
                if (r < 0)
                        return r;
        }
        return 0;
}

int ct_build_env(const struct container *ct, char ***ret)
{
        _cleanup_strv_free_ char **env = NULL;
        char cwdbuf[4096], user[64], owner[64];
        const char *cwd = ct_cwd(ct, cwdbuf, sizeof(cwdbuf));
        int r;

        uid_to_name(ct_os_root_user(ct) ? 0 : ct->user, user, sizeof(user));
        uid_to_name(ct->owner_uid, owner, sizeof(owner));
        if ((r = env_put_pair(&env, "container", "lxc")) < 0 ||
            (r = env_put_pair(&env, "PORTO_NAME", ct->name)) < 0 ||
            (r = env_put_pair(&env, "PORTO_HOST", host_hostname())) < 0 ||
            (r = env_put_pair(&env, "PORTO_USER", owner)) < 0 ||
            (r = env_put_pair(&env, "HOME", cwd)) < 0 ||
            (r = env_put_pair(&env, "USER", user)) < 0 ||
            (r = env_put_pair(&env, "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")) < 0)
                return r;
        for (char **p = config->extra_env; p && *p; p++)
                if ((r = env_put(&env, *p)) < 0)
                        return r;
        /* a non-isolated container inherits its parents' environment */
        if (!ct_isolated(ct) && (r = env_put_parents(&env, ct->parent)) < 0)
                return r;
        for (char **p = ct->env; p && *p; p++)
                if ((r = env_put(&env, *p)) < 0)
                        return r;
        for (char **p = ct->env_secret; p && *p; p++)
                if ((r = env_put(&env, *p)) < 0)
                        return r;
        if (!env && (r = strv_push(&env, "container=lxc")) < 0)
                return r;
        *ret = TAKE_PTR(env);
        return 0;
}

static const char *wordexp_error(int r)
{
        switch (r) {
        case WRDE_BADCHAR:
                return "contains an unquoted special character (one of |&;<>(){} or newline)";
        case WRDE_CMDSUB:
                return "command substitution $(...) or `...` is not allowed";
        case WRDE_SYNTAX:
                return "has a shell syntax error (unbalanced quotes?)";
        case WRDE_NOSPACE:
                return "is too large";
        default:
                return "cannot be parsed";
        }
}

static int build_argv(const struct container *ct, char **env, char ***ret, struct perror *e)
{
        wordexp_t we;
        char **saved;
        int r;

        if (ct->command_argv) {
                *ret = strv_copy(ct->command_argv);
                return *ret ? 0 : -ENOMEM;
        }
        /* wordexp reads variables from environ: expand with the container's */
        saved = environ;
        environ = env;
        r = wordexp(ct_command(ct), &we, WRDE_NOCMD);
        environ = saved;
        if (r != 0) {
                if (r == WRDE_NOSPACE)
                        wordfree(&we);
                return perror_set(e, EERROR_INVALID_COMMAND, -EINVAL, "command \"%s\" %s",
                                  ct_command(ct), wordexp_error(r));
        }
        if (we.we_wordc == 0) {
                wordfree(&we);
                return perror_set(e, EERROR_INVALID_COMMAND, -EINVAL, "command \"%s\" is empty after expansion",
                                  ct_command(ct));
        }
        *ret = strv_copy(we.we_wordv);
        wordfree(&we);
        return *ret ? 0 : -ENOMEM;
}

static int create_cgroups(struct container *ct, struct perror *e)
{
        /* a respawn keeps the cgroups it has and may need more */
        unsigned mask = ct->cg_started | ct_cg_config_mask(ct);
        int r = ct_cg_check_parent(ct, e);

        if (r < 0)
                return r;
        ct->cg_started = mask;

        for (int c = 0; c < CG_CONTROLLER_MAX; c++) {
                if (!(mask & (1u << c)))
                        continue;
                r = cg_create(c, ct_cg_rel(ct));
                if (r < 0)
                        return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot create %s cgroup of %s",
                                                cg_controller_to_string(c), ct->name);
        }
        return 0;
}

void ct_cgroups_remove(struct container *ct)
{
        unsigned mask;

        if (ct_is_root(ct))
                return;
        ct_oom_watch_stop(ct);
        ct_systemd_cgroup_remove(ct);
        mask = ct_cg_mask(ct);
        ct_rt_release(ct);
        for (int c = 0; c < CG_CONTROLLER_MAX; c++) {
                int r;

                if (!(mask & (1u << c)) || !cg_exists(c, ct->name))
                        continue;
                r = cg_remove(c, ct->name);
                if (r < 0)
                        log_warning_errno(r, "%s: cannot remove %s cgroup: %m", ct->name,
                                          cg_controller_to_string(c));
        }
        ct->cg_started = 0;
        /* its reserved cpus go back to the siblings */
        if ((mask & (1u << CG_CPUSET)) && ct_cpuset_reserves(ct)) {
                struct perror pe = { 0 };
                if (ct_cpuset_distribute(ct, &pe) < 0)
                        log_warning("%s: cannot give back the cpus: %s", ct->name, pe.msg);
        }
        /* rt runtime and memory pressure of the others follow */
        ct_resources_released(ct, mask);
}

/* The main process joins the container's cgroup in every controller, or
 * the nearest ancestor's where it has none. */
static int cgroup_procs(const struct container *ct, char ***ret, struct perror *e)
{
        _cleanup_strv_free_ char **v = NULL;
        unsigned supported = cg_supported_mask();

        for (int c = 0; c < CG_CONTROLLER_MAX; c++) {
                _cleanup_free_ char *path = NULL;
                int r;

                if (!(supported & (1u << c)))
                        continue;
                r = cg_procs_path(c, ct_cg_rel_for(ct, c), &path);
                if (r < 0)
                        return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot find %s cgroup",
                                                cg_controller_to_string(c));
                /* v2: one hierarchy, every controller names the same file */
                if (strv_contains(v, path))
                        continue;
                r = strv_consume(&v, TAKE_PTR(path));
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(v);
        return 0;
}

static int make_default_cwd(struct container *ct, struct perror *e)
{
        _cleanup_free_ char *dir = ct_default_cwd(ct);
        int r;

        if (!dir)
                return -ENOMEM;
        r = mkdir_p(dir, 0755);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot create working directory %s", dir);
        if (chown(dir, ct->user, ct->group) < 0 || chmod(dir, 0775) < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot set owner of %s", dir);
        return 0;
}

/* Access mode of the client's fd from /proc/PID/fdinfo/N, for kernels
 * without pidfd_getfd(). */
static int client_fd_accmode(pid_t pid, const char *n, int *ret)
{
        char path[64];
        _cleanup_free_ char *info = NULL;
        const char *flags;
        unsigned long v;

        snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", (int)pid, n);
        if (read_file(path, 4096, &info, NULL) < 0)
                return -ENOENT;
        flags = strstr(info, "flags:");
        if (!flags || sscanf(flags + 6, "%lo", &v) != 1)
                return -EINVAL;
        *ret = (int)(v & O_ACCMODE);
        return 0;
}

/* stdin/stdout/stderr given as "/dev/fd/N": the client's own fd N. Take
 * that very open file (pidfd_getfd), so the command shares its offset and
 * access mode; reopening /proc/PID/fd/N as root would start at offset 0
 * and could open for writing a file the client only had open for reading.
 * Old kernels: reopen, but only in a mode the client's fd already has. */
static int open_client_fd(struct request *req, const char *path, int stream, int *ret_fd, struct perror *e)
{
        const char *n = startswith(path, "/dev/fd/");
        int want = stream == CT_STDIN ? O_RDONLY : O_WRONLY;
        _cleanup_close_ int pidfd = -EBADF;
        int fd, mode, num;
        char proc[64];

        if (!req || !req->client)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "%s: no client to take the fd from", path);
        /* Only a plain fd number: "/dev/fd/../../etc/shadow" must not let a
         * client make the daemon open files on its behalf. */
        if (isempty(n) || strspn(n, "0123456789") != strlen(n) || parse_int(n, &num) < 0)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "%s: not a file descriptor path", path);

        pidfd = (int)syscall(SYS_pidfd_open, req->client->pid, 0);
        fd = pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pidfd, num, 0);
        if (fd >= 0) {
                mode = fcntl(fd, F_GETFL) & O_ACCMODE;
        } else if (errno == ENOSYS) {
                if (client_fd_accmode(req->client->pid, n, &mode) < 0)
                        return perror_set(e, EERROR_INVALID_VALUE, -EBADF, "%s: the client has no such fd", path);
                if (mode == want || mode == O_RDWR) {
                        snprintf(proc, sizeof(proc), "/proc/%d/fd/%s", (int)req->client->pid, n);
                        fd = open(proc, want | (want == O_WRONLY ? O_APPEND : 0) | O_NOCTTY | O_CLOEXEC);
                        if (fd < 0)
                                return perror_set_errno(e, EERROR_INVALID_VALUE, -errno, "cannot open %s of the client", path);
                }
        } else {
                return perror_set_errno(e, EERROR_INVALID_VALUE, -errno, "cannot take %s from the client", path);
        }
        if (mode != want && mode != O_RDWR) {
                safe_close(fd);
                return perror_set(e, EERROR_INVALID_VALUE, -EBADF, "%s: the client's fd is not open for %s",
                                  path, want == O_RDONLY ? "reading" : "writing");
        }
        *ret_fd = fd; /* pidfd_getfd() sets close-on-exec */
        return 0;
}

static void close_fds(int *fds, size_t n)
{
        for (size_t i = 0; i < n; i++)
                fds[i] = safe_close(fds[i]);
}

static int read_starttime(pid_t pid, uint64_t *ret)
{
        char path[64], buf[1024];
        _cleanup_close_ int fd = -EBADF;
        ssize_t n;
        char *p;
        unsigned long long v;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        n = read(fd, buf, sizeof(buf) - 1);
        if (n <= 0)
                return n < 0 ? -errno : -EIO;
        buf[n] = 0;
        p = strrchr(buf, ')');
        if (!p)
                return -EIO;
        /* after "comm)": state is field 3; starttime is field 22 */
        p++;
        for (int field = 2; field < 21 && p; field++)
                p = strchr(p + 1, ' ');
        if (!p || sscanf(p, " %llu", &v) != 1)
                return -EIO;
        *ret = v;
        return 0;
}

/* With isolate the main process is portoinit; root_pid is its child, the
 * command (exec'ed by the time spawn_start returns). */
static pid_t find_command_pid(pid_t init)
{
        _cleanup_free_ char *data = NULL;
        char path[96];
        int pid;

        snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)init, (int)init);
        if (read_file(path, 4096, &data, NULL) < 0 || sscanf(data, "%d", &pid) != 1 || pid <= 0)
                return init;
        return pid;
}

uint64_t ct_pid_starttime(pid_t pid)
{
        uint64_t v = 0;
        read_starttime(pid, &v);
        return v;
}

/* virt_mode=os runs as root by default (manual "Context"); outside a
 * chroot that is the host's root, which only root's containers may use. */
static int os_user(const struct container *ct, struct spawn_config *cfg, struct perror *e)
{
        if (!ct_os_root_user(ct))
                return 0;
        if (ct->owner_uid != 0 && !ct_in_chroot(ct))
                return perror_set(e, EERROR_PERMISSION, -EPERM,
                                  "virt_mode=os runs as root: without a root (chroot) only containers of root may "
                                  "do that; set root or user");
        cfg->uid = 0;
        cfg->gid = 0;
        cfg->groups = NULL;
        cfg->n_groups = 0;
        return 0;
}

/* A hostname lives in the container's own uts namespace, which only
 * isolate gives: without it, it would be the parent's (the host's). */
static int check_hostname(const struct container *ct, struct perror *e)
{
        if (isempty(ct->hostname) || ct_isolated(ct))
                return 0;
        return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                          "hostname \"%s\" needs isolate=true (and virt_mode other than job): without isolation "
                          "the container shares its parent's uts namespace",
                          ct->hostname);
}

/* The command's std streams: the client's fds, the internal files, or
 * paths opened in the starter (/dev/null without any). */
static int open_streams(struct container *ct, struct request *req, int fds[3], struct spawn_config *cfg,
                        struct perror *e)
{
        int r;

        for (int s = 0; s < 3; s++) {
                const char *path = ct->std_path[s];

                if (path && startswith(path, "/dev/fd/")) {
                        r = open_client_fd(req, path, s, &fds[s], e);
                        if (r < 0)
                                return r;
                } else if (!path && ct_stream_internal(ct, s)) {
                        r = ct_stream_open(ct, s, &fds[s], e);
                        if (r < 0)
                                return r;
                }
                cfg->std_fd[s] = fds[s] >= 0 ? fds[s] : -1;
                cfg->std_path[s] = fds[s] >= 0 ? NULL : (path ? path : "/dev/null");
        }
        return 0;
}

/* Where portoinit writes the command's wait status. */
static int open_status_file(struct container *ct, int *ret_fd, struct perror *e)
{
        _cleanup_free_ char *path = ct_status_path(ct);

        if (!path)
                return -ENOMEM;
        *ret_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (*ret_fd < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot create %s", path);
        return 0;
}

/* The command, or for a meta container its holder (portoinit --hold, no
 * command, no streams, no environment). */
static int spawn_main(struct container *ct, struct request *req, struct perror *e)
{
        static char *no_env[] = { NULL };
        _cleanup_strv_free_ char **env = NULL, **argv = NULL, **procs = NULL;
        _cleanup_free_ struct spawn_rlimit *rl = NULL;
        gid_t groups[256];
        int n_groups = 0;
        int fds[4] = { -EBADF, -EBADF, -EBADF, -EBADF };
        char cwdbuf[4096], uname[64];
        struct spawn_config cfg = { .std_fd = { -1, -1, -1 }, .status_fd = -1 };
        struct ct_rootfs_holder *fs = NULL;
        bool hold = ct->is_meta;
        size_t n_rl = 0;
        pid_t pid;
        int r;

        if (!hold) {
                r = ct_build_env(ct, &env);
                if (r < 0)
                        return r;
                r = build_argv(ct, env, &argv, e);
                if (r < 0)
                        return r;
        }
        r = ct_rlimits(ct, &rl, &n_rl);
        if (r < 0)
                return perror_set_errno(e, EERROR_INVALID_VALUE, r, "ulimit: cannot be applied");
        r = cgroup_procs(ct, &procs, e);
        if (r < 0)
                return r;
        /* the default cwd also keeps the internal stdout/stderr */
        r = make_default_cwd(ct, e);
        if (r < 0)
                return r;

        if (hold)
                cfg.std_path[0] = cfg.std_path[1] = cfg.std_path[2] = "/dev/null";
        else if ((r = open_streams(ct, req, fds, &cfg, e)) < 0)
                goto out;
        /* virt_mode=os: the command is pid 1 itself, no status file */
        if (ct_isolated(ct) && ct->virt_mode != VIRT_OS && !hold) {
                r = open_status_file(ct, &fds[3], e);
                if (r < 0)
                        goto out;
                cfg.status_fd = fds[3];
        }

        if (uid_to_name(ct->user, uname, sizeof(uname)) && getpwuid(ct->user)) {
                n_groups = ELEMENTSOF(groups);
                if (getgrouplist(uname, ct->group, groups, &n_groups) < 0)
                        n_groups = 0;
        }

        cfg.name = ct->name;
        cfg.argv = argv;
        cfg.env = hold ? no_env : env;
        cfg.hold = hold;
        cfg.uid = ct->user;
        cfg.gid = ct->group;
        cfg.groups = n_groups > 0 ? groups : NULL;
        cfg.n_groups = n_groups > 0 ? (size_t)n_groups : 0;
        cfg.umask = ct->umask;
        cfg.rlimits = rl;
        cfg.n_rlimits = n_rl;
        cfg.cwd = ct_cwd(ct, cwdbuf, sizeof(cwdbuf));
        cfg.cgroup_procs = procs;
        cfg.isolate = ct_isolated(ct);
        cfg.hostname = cfg.isolate ? ct->hostname : NULL;
        cfg.portoinit = config->portoinit_path;
        cfg.new_session = ct->virt_mode != VIRT_JOB;
        r = os_user(ct, &cfg, e);
        if (r >= 0)
                r = ct_security_spawn(ct, &cfg, e);
        if (r >= 0)
                r = ct_rootfs_spawn_config(ct, &cfg, &fs, e);
        if (r < 0)
                goto out;

        r = spawn_start(&cfg, &pid, e);
        if (r < 0) {
                if (e->code == EERROR_SUCCESS)
                        perror_set_errno(e, EERROR_UNKNOWN, r, "cannot start %s", ct->name);
                goto out;
        }
        ct->task_pid = pid;
        /* portoinit between us and the command: its child is the command,
         * its status file the command's status. */
        ct->task_isolated = cfg.isolate && !cfg.command_is_init && !hold;
        ct->cmd_pid = hold ? 0 : ct->task_isolated ? find_command_pid(pid) : pid;
        ct->task_starttime = ct_pid_starttime(pid);
        ct->task_exited = false;
        r = 0;
out:
        ct_rootfs_holder_free(fs);
        close_fds(fds, ELEMENTSOF(fds));
        return r;
}

static int start_parent(struct container *ct, struct request *req, struct perror *e)
{
        struct container *p = ct->parent;

        if (!p || ct_is_root(p))
                return 0;
        switch (p->state) {
        case CT_RUNNING:
        case CT_META:
                return 0;
        case CT_STOPPED:
                return ct_start(p, req, e);
        default:
                return perror_set(e, EERROR_INVALID_STATE, -EINVAL, "cannot start %s: parent %s is %s",
                                  ct->name, p->name, ct_state_to_string(p->state));
        }
}

static void start_failed(struct container *ct, struct perror *e)
{
        if (ct->task_pid > 0) {
                cg_kill_all(ct->name, SIGKILL);
                ct_task_forget(ct);
        }
        ct_cgroups_remove(ct);
        free(ct->start_error);
        ct->start_error = strdup(e->msg[0] ? e->msg : "start failed");
        log_warning("%s: start failed: %s", ct->name, e->msg);
        ct_set_state_event(ct, CT_STOPPED, "start_error", ct->start_error ? ct->start_error : "");
}

int ct_start(struct container *ct, struct request *req, struct perror *e)
{
        int r;

        if (ct_is_root(ct))
                return perror_set(e, EERROR_PERMISSION, -EPERM, "the root container cannot be started");
        if (ct->state != CT_STOPPED)
                return perror_set(e, EERROR_INVALID_STATE, -EINVAL, "cannot start %s: it is %s, not stopped",
                                  ct->name, ct_state_to_string(ct->state));
        r = check_hostname(ct, e);
        if (r >= 0)
                r = start_parent(ct, req, e);
        if (r >= 0)
                r = ct_memory_overcommit_check(ct, req, e);
        if (r < 0)
                return r;

        ct->exit_status = 0;
        ct->oom_killed = false;
        ct->death_time_ms = 0;
        ct->lost_pid = 0;
        ct->start_time_ms = now_realtime_ms();
        ct_set_state(ct, CT_STARTING);

        r = create_cgroups(ct, e);
        if (r >= 0)
                r = ct_resources_apply(ct, e);
        if (r >= 0)
                r = ct_devices_apply(ct, e);
        if (r >= 0) {
                ct->is_meta = !ct->command_argv && isempty(ct_command(ct));
                if (!ct->is_meta || ct_meta_keeps_ns(ct))
                        r = spawn_main(ct, req, e);
        }
        if (r < 0) {
                if (e->code == EERROR_SUCCESS)
                        perror_set_errno(e, EERROR_UNKNOWN, r, "cannot start %s", ct->name);
                start_failed(ct, e);
                return r;
        }
        free(ct->start_error);
        ct->start_error = NULL;
        ct_resources_started(ct);
        log_info("%s: started%s, pid %d", ct->name, ct->is_meta ? " as meta" : "", (int)ct_signal_pid(ct));
        ct_set_state(ct, ct->is_meta ? CT_META : CT_RUNNING);
        ct_start_children_respawn(ct);
        return 0;
}
