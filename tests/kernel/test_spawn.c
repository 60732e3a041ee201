/* src/portod/spawn.c and portoinit on the real kernel, as root.
 *
 * The test process plays the master: it is a subreaper, so main processes
 * come to it when their starter exits, and it reaps them itself. Where the
 * distinction matters, a forked "worker" calls spawn_start(). PORTOINIT
 * (set by meson) is the portoinit binary. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "kernel.h"
#include "portod/spawn.h"
#include "shared/cgroup.h"

static char tmpdir[64];
static char prefix[64];
static const char *portoinit;
static char *base_env[] = { (char *) "PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *) "HOME=/", NULL };

/* ---- helpers -------------------------------------------------------------- */

static void config_init(struct spawn_config *cfg, char **argv)
{
        *cfg = (struct spawn_config) {
                .name = "test",
                .argv = argv,
                .env = base_env,
                .uid = 0,
                .gid = 0,
                .umask = 0,
                .cwd = tmpdir,
                .std_fd = { -1, -1, -1 },
                .portoinit = portoinit,
                .status_fd = -1,
                .new_session = true,
        };
}

static char *tmp_path(const char *name)
{
        char *p = NULL;

        assert_true(asprintf(&p, "%s/%s", tmpdir, name) > 0);
        return p;
}

static char *read_all(const char *path)
{
        char *buf = calloc(1, 65536);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n;

        assert_true(fd >= 0);
        n = read(fd, buf, 65535);
        assert_true(n >= 0);
        close(fd);
        return buf;
}

static char *read_tmp(const char *name)
{
        char *p = tmp_path(name), *s = read_all(p);

        free(p);
        return s;
}

/* Start, expect success, wait for the exit and return the wait status. */
static int run(const struct spawn_config *cfg)
{
        struct perror e = {};
        pid_t pid = 0;
        int r = spawn_start(cfg, &pid, &e);

        if (r < 0)
                fprintf(stderr, "spawn_start: %d %s\n", e.code, e.msg);
        assert_int_equal(r, 0);
        assert_true(pid > 0);
        return kt_wait(pid);
}

static int run_sh(const char *script, const char *out)
{
        char *argv[] = { (char *) "sh", (char *) "-c", (char *) script, NULL };
        struct spawn_config cfg;

        config_init(&cfg, argv);
        cfg.std_path[1] = out;
        cfg.std_path[2] = out;
        return run(&cfg);
}

/* Start that must fail; returns the EError. */
static int run_fail(const struct spawn_config *cfg, const char *msg_part)
{
        struct perror e = {};
        pid_t pid = -1;
        int r = spawn_start(cfg, &pid, &e);

        assert_true(r < 0);
        assert_int_equal(pid, -1); /* untouched on failure */
        if (msg_part && !strstr(e.msg, msg_part)) {
                fprintf(stderr, "message \"%s\" lacks \"%s\"\n", e.msg, msg_part);
                fail();
        }
        kt_msleep(20);
        kt_reap_all();
        return e.code;
}

/* Sorted list of a process's open fds, "0 1 2". */
static char *fd_list(pid_t pid)
{
        char path[64], *res = calloc(1, 1024);
        int fds[256], n = 0;
        struct dirent *de;
        DIR *d;

        snprintf(path, sizeof(path), "/proc/%d/fd", (int) pid);
        d = opendir(path);
        assert_non_null(d);
        while ((de = readdir(d)) && n < 256)
                if (de->d_name[0] != '.')
                        fds[n++] = atoi(de->d_name);
        closedir(d);
        for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                        if (fds[j] < fds[i]) {
                                int t = fds[i];
                                fds[i] = fds[j];
                                fds[j] = t;
                        }
        for (int i = 0; i < n; i++)
                snprintf(res + strlen(res), 1024 - strlen(res), "%s%d", i ? " " : "", fds[i]);
        return res;
}

/* A freshly exec'ed program opens files for a moment (the dynamic loader
 * maps libc through fd 3): a leak is what stays. */
static char *settled_fd_list(pid_t pid)
{
        char *s = fd_list(pid);

        for (int i = 0; i < 100 && strcmp(s, "0 1 2") != 0; i++) {
                free(s);
                kt_msleep(10);
                s = fd_list(pid);
        }
        return s;
}

/* The only child of pid (portoinit's command). */
static pid_t child_of(pid_t pid)
{
        char path[96];
        char *s;
        pid_t c;

        snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int) pid, (int) pid);
        for (int i = 0; i < 200; i++) {
                s = read_all(path);
                c = atoi(s);
                free(s);
                if (c > 0)
                        return c;
                kt_msleep(5);
        }
        fail();
        return -1;
}

static void wait_file(const char *name)
{
        char *p = tmp_path(name);

        for (int i = 0; i < 500 && access(p, F_OK) < 0; i++)
                kt_msleep(10);
        assert_int_equal(access(p, F_OK), 0);
        free(p);
}

/* ---- fixtures ------------------------------------------------------------- */

static int group_setup(void **state)
{
        (void) state;
        if (!kt_is_root()) {
                fprintf(stderr, "kernel tests need root\n");
                return -1;
        }
        portoinit = getenv("PORTOINIT");
        if (!portoinit || access(portoinit, X_OK) < 0) {
                fprintf(stderr, "PORTOINIT must name the portoinit binary\n");
                return -1;
        }
        if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
                return -1;
        snprintf(prefix, sizeof(prefix), KT_PREFIX_FMT, (int) getpid());
        if (cg_init(prefix) < 0)
                return -1;
        strcpy(tmpdir, "/tmp/porto-test-spawn-XXXXXX");
        if (!mkdtemp(tmpdir))
                return -1;
        /* Tests switch to an unprivileged user that writes here too. */
        chmod(tmpdir, 0777);
        return 0;
}

static int group_teardown(void **state)
{
        char cmd[128];

        (void) state;
        kt_reap_all();
        (void) cg_kill_all("", SIGKILL);
        for (unsigned c = 0; c < CG_CONTROLLER_MAX; c++) {
                (void) cg_remove(c, "ct");
                (void) cg_remove(c, "");
        }
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        return system(cmd) == 0 ? 0 : -1;
}

static int test_teardown(void **state)
{
        (void) state;
        (void) cg_kill_all("", SIGKILL);
        kt_msleep(10);
        kt_reap_all();
        return 0;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_std_paths(void **state)
{
        char *argv[] = { (char *) "sh", (char *) "-c", (char *) "echo hello; echo oops >&2; cat", NULL };
        struct spawn_config cfg;
        struct stat st;
        char *s, *p;
        int fd;

        (void) state;
        p = tmp_path("in");
        fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        assert_int_equal(write(fd, "input\n", 6), 6);
        close(fd);
        free(p);

        config_init(&cfg, argv);
        cfg.std_path[0] = "in";         /* relative to cwd */
        cfg.std_path[1] = "out";
        p = tmp_path("err");
        cfg.std_path[2] = p;            /* absolute */
        assert_int_equal(run(&cfg), 0);
        s = read_tmp("out");
        assert_string_equal(s, "hello\ninput\n");
        free(s);
        s = read_tmp("err");
        assert_string_equal(s, "oops\n");
        free(s);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0660);

        /* Appended, not truncated. */
        assert_int_equal(run(&cfg), 0);
        s = read_tmp("out");
        assert_string_equal(s, "hello\ninput\nhello\ninput\n");
        free(s);
        free(p);

        /* No path, no fd: /dev/null. */
        config_init(&cfg, argv);
        assert_int_equal(run(&cfg), 0);
}

static void test_std_fds(void **state)
{
        char *argv[] = { (char *) "sh", (char *) "-c", (char *) "echo via-pipe; echo to-err >&2", NULL };
        struct spawn_config cfg;
        int pfd[2];
        char buf[64] = {};

        (void) state;
        assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
        config_init(&cfg, argv);
        cfg.std_fd[1] = pfd[1];
        cfg.std_fd[2] = pfd[1];
        assert_int_equal(run(&cfg), 0);
        close(pfd[1]);
        assert_true(read(pfd[0], buf, sizeof(buf) - 1) > 0);
        assert_string_equal(buf, "via-pipe\nto-err\n");
        close(pfd[0]);

        /* fds 0..2 of the worker passed crosswise must not clobber each
         * other: a worker child with pipes on 1 and 2 checks it. */
        int a[2], b[2];
        pid_t worker;

        assert_int_equal(pipe(a), 0);
        assert_int_equal(pipe(b), 0);
        worker = fork();
        assert_true(worker >= 0);
        if (worker == 0) {
                char bufa[64] = {}, bufb[64] = {};
                pid_t pid;

                if (dup2(a[1], 1) < 0 || dup2(b[1], 2) < 0)
                        _exit(10);
                close(a[1]);
                close(b[1]);
                config_init(&cfg, argv);
                cfg.std_fd[1] = 2;
                cfg.std_fd[2] = 1;
                if (spawn_start(&cfg, &pid, NULL) < 0)
                        _exit(11);
                close(1);
                close(2);
                if (read(a[0], bufa, sizeof(bufa) - 1) < 0 || read(b[0], bufb, sizeof(bufb) - 1) < 0)
                        _exit(12);
                _exit(strcmp(bufa, "to-err\n") == 0 && strcmp(bufb, "via-pipe\n") == 0 ? 0 : 13);
        }
        close(a[0]);
        close(a[1]);
        close(b[0]);
        close(b[1]);
        assert_int_equal(kt_wait(worker), 0);
        kt_msleep(20);
        kt_reap_all();

        config_init(&cfg, argv);
        cfg.std_fd[1] = 1000; /* not open */
        assert_int_equal(run_fail(&cfg, "bad stdout fd"), EERROR_UNKNOWN);
}

static void test_exit_status(void **state)
{
        int st;

        (void) state;
        st = run_sh("exit 3", NULL);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 3);
        st = run_sh("kill -9 $$", NULL);
        assert_true(WIFSIGNALED(st));
        assert_int_equal(WTERMSIG(st), SIGKILL);
        st = run_sh("true", NULL);
        assert_int_equal(st, 0);
}

static void test_exec_errors(void **state)
{
        char *missing[] = { (char *) "/nonexistent/foo", NULL };
        char *nopath[] = { (char *) "porto-no-such-command", (char *) "arg", NULL };
        char *noexec[] = { (char *) "./plain-file", NULL };
        char *empty[] = { NULL };
        char *empty_str[] = { (char *) "", NULL };
        char *ok[] = { (char *) "true", NULL };
        struct spawn_config cfg;
        char *p;
        int fd;

        (void) state;
        config_init(&cfg, missing);
        assert_int_equal(run_fail(&cfg, "cannot exec \"/nonexistent/foo\": No such file or directory"),
                         EERROR_INVALID_COMMAND);
        config_init(&cfg, nopath);
        assert_int_equal(run_fail(&cfg, "cannot exec \"porto-no-such-command\": No such file or directory"),
                         EERROR_INVALID_COMMAND);

        p = tmp_path("plain-file");
        fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        close(fd);
        free(p);
        config_init(&cfg, noexec);
        assert_int_equal(run_fail(&cfg, "Permission denied"), EERROR_INVALID_COMMAND);

        config_init(&cfg, empty);
        assert_int_equal(run_fail(&cfg, "empty command"), EERROR_INVALID_COMMAND);
        config_init(&cfg, empty_str);
        assert_int_equal(run_fail(&cfg, "empty command"), EERROR_INVALID_COMMAND);
        config_init(&cfg, NULL);
        assert_int_equal(run_fail(&cfg, "empty command"), EERROR_INVALID_COMMAND);

        /* Bad cwd and std paths. */
        config_init(&cfg, ok);
        cfg.cwd = "/nonexistent-dir";
        assert_int_equal(run_fail(&cfg, "cannot change directory to \"/nonexistent-dir\""), EERROR_INVALID_PATH);
        config_init(&cfg, ok);
        cfg.std_path[1] = "no-dir/out";
        assert_int_equal(run_fail(&cfg, "cannot open stdout \"no-dir/out\""), EERROR_INVALID_PATH);
        config_init(&cfg, ok);
        cfg.std_path[0] = "missing-input";
        assert_int_equal(run_fail(&cfg, "cannot open stdin"), EERROR_INVALID_PATH);

        /* A FIFO without a reader must not hang the start. */
        p = tmp_path("fifo");
        assert_int_equal(mkfifo(p, 0666), 0);
        config_init(&cfg, ok);
        cfg.std_path[1] = p;
        assert_int_equal(run_fail(&cfg, "cannot open stdout"), EERROR_UNKNOWN);
        free(p);

        /* Bad cgroup. */
        char *bad_cg[] = { (char *) "/sys/fs/cgroup/no-such/cgroup.procs", NULL };
        config_init(&cfg, ok);
        cfg.cgroup_procs = bad_cg;
        assert_int_equal(run_fail(&cfg, "cannot join cgroup /sys/fs/cgroup/no-such/cgroup.procs"), EERROR_UNKNOWN);

        /* Isolated: the failure comes from portoinit's child. */
        config_init(&cfg, missing);
        cfg.isolate = true;
        assert_int_equal(run_fail(&cfg, "cannot exec \"/nonexistent/foo\": No such file or directory"),
                         EERROR_INVALID_COMMAND);
        config_init(&cfg, ok);
        cfg.isolate = true;
        cfg.portoinit = "/nonexistent/portoinit";
        assert_int_equal(run_fail(&cfg, "cannot exec portoinit"), EERROR_UNKNOWN);
        config_init(&cfg, ok);
        cfg.isolate = true;
        cfg.portoinit = NULL;
        assert_int_equal(run_fail(&cfg, "portoinit"), EERROR_UNKNOWN);
}

static void test_env_and_path(void **state)
{
        char *env[] = { NULL, (char *) "FOO=bar baz", NULL };
        char *argv[] = { (char *) "myprog", (char *) "arg1", NULL };
        struct spawn_config cfg;
        char *p, *s;
        int fd;

        (void) state;
        /* A command found through the container's PATH, not ours. */
        assert_true(asprintf(&env[0], "PATH=/nonexistent:%s", tmpdir) > 0);
        p = tmp_path("myprog");
        fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
        const char script[] = "#!/bin/sh\necho \"$0 $1 $FOO\"; /usr/bin/env | /usr/bin/sort\n";
        assert_int_equal(write(fd, script, sizeof(script) - 1), (ssize_t) sizeof(script) - 1);
        close(fd);
        free(p);

        config_init(&cfg, argv);
        cfg.env = env;
        cfg.std_path[1] = "env-out";
        assert_int_equal(run(&cfg), 0);
        s = read_tmp("env-out");
        assert_true(strstr(s, "myprog arg1 bar baz\n") != NULL);
        assert_true(strstr(s, "\nFOO=bar baz\n") != NULL);
        /* nothing of ours leaks in */
        assert_null(strstr(s, "PORTOINIT="));
        free(s);
        free(env[0]);
}

static void test_cgroups(void **state)
{
        char *argv[] = { (char *) "sleep", (char *) "100", NULL };
        char *procs[4] = {};
        struct spawn_config cfg;
        struct perror e = {};
        pid_t pid;
        char *rel;

        (void) state;
        assert_int_equal(cg_create(CG_FREEZER, "ct"), 0);
        assert_int_equal(cg_create(CG_MEMORY, "ct"), 0);
        assert_int_equal(cg_path(CG_FREEZER, "ct", &procs[0]), 0);
        assert_int_equal(cg_path(CG_MEMORY, "ct", &procs[1]), 0);
        for (int i = 0; i < 2; i++) {
                char *f = NULL;

                assert_true(asprintf(&f, "%s/cgroup.procs", procs[i]) > 0);
                free(procs[i]);
                procs[i] = f;
        }

        for (int isolate = 0; isolate < 2; isolate++) {
                config_init(&cfg, argv);
                cfg.cgroup_procs = procs;
                cfg.isolate = isolate;
                assert_int_equal(spawn_start(&cfg, &pid, &e), 0);
                assert_int_equal(cg_pid_cgroup(CG_FREEZER, pid, &rel), 0);
                assert_string_equal(rel, "ct");
                free(rel);
                assert_int_equal(cg_pid_cgroup(CG_MEMORY, pid, &rel), 0);
                assert_string_equal(rel, "ct");
                free(rel);
                if (isolate) {
                        pid_t cmd = child_of(pid);

                        assert_int_equal(cg_pid_cgroup(CG_FREEZER, cmd, &rel), 0);
                        assert_string_equal(rel, "ct");
                        free(rel);
                }
                /* The starter is gone: only main (and its child) remain. */
                uint64_t n;
                assert_int_equal(cg_count_tasks(CG_FREEZER, "ct", false, &n), 0);
                assert_int_equal(n, isolate ? 2 : 1);
                assert_int_equal(cg_kill_all("ct", SIGKILL), 0);
                assert_true(WIFSIGNALED(kt_wait(pid)));
        }
        free(procs[0]);
        free(procs[1]);
        (void) cg_remove(CG_FREEZER, "ct");
        (void) cg_remove(CG_MEMORY, "ct");
}

/* A worker process (not a subreaper) starts the container and exits; the
 * main process must come to us, the "master". */
static void test_reparent(void **state)
{
        char *argv[] = { (char *) "sleep", (char *) "100", NULL };
        int pfd[2];
        pid_t worker, pid = 0;
        char *s;

        (void) state;
        for (int mode = 0; mode < 3; mode++) {
                assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
                worker = fork();
                assert_true(worker >= 0);
                if (worker == 0) {
                        struct spawn_config cfg;
                        struct perror e = {};

                        prctl(PR_SET_CHILD_SUBREAPER, 0);
                        config_init(&cfg, argv);
                        cfg.isolate = mode == 2;
                        cfg.new_session = mode != 1;
                        if (spawn_start(&cfg, &pid, &e) < 0)
                                _exit(1);
                        if (write(pfd[1], &pid, sizeof(pid)) != sizeof(pid))
                                _exit(1);
                        _exit(0);
                }
                close(pfd[1]);
                assert_int_equal(read(pfd[0], &pid, sizeof(pid)), sizeof(pid));
                close(pfd[0]);
                assert_int_equal(kt_wait(worker), 0);

                /* The worker is dead, main lives on as our child. */
                assert_int_equal(kill(pid, 0), 0);
                s = kt_proc_status(pid, "PPid");
                assert_int_equal(atoi(s), getpid());
                free(s);
                if (mode == 1) {
                        /* job mode: own process group in our session */
                        assert_int_equal(getpgid(pid), pid);
                        assert_int_equal(getsid(pid), getsid(0));
                } else
                        assert_int_equal(getsid(pid), pid);
                kill(pid, SIGKILL);
                assert_true(WIFSIGNALED(kt_wait(pid)));
        }
}

static void test_credentials(void **state)
{
        char *argv[] = { (char *) "sh", (char *) "-c",
                         (char *) "id -u; id -g; id -G; umask; ulimit -n; ulimit -Hn; pwd", NULL };
        const gid_t groups[] = { 65534, 100 };
        const struct spawn_rlimit limits[] = {
                { RLIMIT_NOFILE, { 123, 456 } },
                { RLIMIT_CORE, { 0, 0 } },
        };
        struct spawn_config cfg;
        char *s, *p, *expect = NULL;

        (void) state;
        config_init(&cfg, argv);
        cfg.uid = 65534;
        cfg.gid = 65534;
        cfg.groups = groups;
        cfg.n_groups = 2;
        cfg.umask = 027;
        cfg.rlimits = limits;
        cfg.n_rlimits = 2;
        cfg.std_path[1] = "cred-out";
        assert_int_equal(run(&cfg), 0);
        s = read_tmp("cred-out");
        assert_true(asprintf(&expect, "65534\n65534\n65534 100\n0027\n123\n456\n%s\n", tmpdir) > 0);
        assert_string_equal(s, expect);
        free(s);
        free(expect);

        /* The file was created by the user, with 0660 & ~umask. */
        struct stat st;
        p = tmp_path("cred-out");
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_uid, 65534);
        assert_int_equal(st.st_mode & 0777, 0640);
        free(p);

        /* A directory the user cannot enter. */
        char *ok[] = { (char *) "true", NULL };
        p = tmp_path("private");
        assert_int_equal(mkdir(p, 0700), 0);
        config_init(&cfg, ok);
        cfg.uid = 65534;
        cfg.gid = 65534;
        cfg.cwd = p;
        assert_int_equal(run_fail(&cfg, "/private\": Permission denied"), EERROR_PERMISSION);
        free(p);

        /* Isolated as the user, with portoinit where the user cannot look. */
        char *hidden = tmp_path("hidden"), cmd[1024];
        assert_int_equal(mkdir(hidden, 0700), 0);
        snprintf(cmd, sizeof(cmd), "cp '%s' '%s/portoinit'", portoinit, hidden);
        assert_int_equal(system(cmd), 0);
        snprintf(cmd, sizeof(cmd), "%s/portoinit", hidden);
        config_init(&cfg, argv);
        cfg.isolate = true;
        cfg.portoinit = cmd;
        cfg.uid = 65534;
        cfg.gid = 65534;
        cfg.std_path[1] = "cred-iso";
        assert_int_equal(run(&cfg), 0);
        s = read_tmp("cred-iso");
        assert_true(asprintf(&expect, "65534\n65534\n65534\n0000\n%s\n", tmpdir) > 0);
        assert_true(strncmp(s, expect, 20) == 0); /* ids and umask */
        free(expect);
        free(s);
        free(hidden);

        /* Raising a hard limit beyond the system maximum fails. */
        const struct spawn_rlimit bad[] = { { RLIMIT_NOFILE, { 1u << 30, 1u << 30 } } };
        config_init(&cfg, ok);
        cfg.rlimits = bad;
        cfg.n_rlimits = 1;
        assert_int_equal(run_fail(&cfg, "cannot set ulimit"), EERROR_PERMISSION);
}

static void test_signals_reset(void **state)
{
        sigset_t set, old;
        char *s;

        (void) state;
        /* The worker blocks and ignores signals; the container must not. */
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGUSR1);
        sigprocmask(SIG_BLOCK, &set, &old);
        signal(SIGINT, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        assert_int_equal(run_sh("grep -E '^Sig(Blk|Ign)' /proc/self/status", "sig-out"), 0);
        sigprocmask(SIG_SETMASK, &old, NULL);
        signal(SIGINT, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        s = read_tmp("sig-out");
        assert_string_equal(s, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
        free(s);

        /* Through portoinit, which starts with all signals blocked. */
        char *argv[] = { (char *) "sh", (char *) "-c", (char *) "grep -E '^Sig(Blk|Ign)' /proc/self/status", NULL };
        struct spawn_config cfg;
        config_init(&cfg, argv);
        cfg.isolate = true;
        cfg.std_path[1] = "sig-iso";
        assert_int_equal(run(&cfg), 0);
        s = read_tmp("sig-iso");
        assert_string_equal(s, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
        free(s);
}

static void test_no_fd_leaks(void **state)
{
        char *argv[] = { (char *) "sleep", (char *) "100", NULL };
        struct spawn_config cfg;
        struct perror e = {};
        int leak1, leak2[2], status[2];
        pid_t pid, cmd;
        char *s;

        (void) state;
        /* fds the worker forgot to mark close-on-exec */
        leak1 = open("/dev/null", O_RDONLY);
        assert_true(leak1 >= 0);
        assert_int_equal(pipe(leak2), 0);

        config_init(&cfg, argv);
        assert_int_equal(spawn_start(&cfg, &pid, &e), 0);
        s = settled_fd_list(pid);
        assert_string_equal(s, "0 1 2");
        free(s);
        kt_kill_wait(pid);

        assert_int_equal(pipe2(status, O_CLOEXEC), 0);
        config_init(&cfg, argv);
        cfg.isolate = true;
        cfg.status_fd = status[1];
        assert_int_equal(spawn_start(&cfg, &pid, &e), 0);
        /* portoinit keeps only the status fd (at a number of its own) */
        s = fd_list(pid);
        assert_int_equal(strncmp(s, "0 1 2 ", 6), 0);
        assert_true(atoi(s + 6) >= 3);
        assert_null(strchr(s + 6, ' '));
        free(s);
        cmd = child_of(pid);
        s = settled_fd_list(cmd);
        assert_string_equal(s, "0 1 2");
        free(s);
        kill(pid, SIGKILL);
        kt_wait(pid);
        close(status[0]);
        close(status[1]);
        close(leak1);
        close(leak2[0]);
        close(leak2[1]);
}

/* Read the decimal status portoinit wrote. */
static int read_status(int fd)
{
        char buf[32] = {};
        ssize_t n = read(fd, buf, sizeof(buf) - 1);

        assert_true(n > 0);
        return atoi(buf);
}

/* pid's NSpid: "pid\t1" when it is pid 1 of a namespace below ours, else
 * just "pid". */
static void assert_nspid(pid_t pid, bool own_ns)
{
        char *s = kt_proc_status(pid, "NSpid"), *expect = NULL;

        assert_non_null(s);
        assert_true(asprintf(&expect, own_ns ? "%d\t1" : "%d", (int) pid) > 0);
        assert_string_equal(s, expect);
        free(expect);
        free(s);
}

/* The hostname in pid's uts namespace. */
static char *uts_hostname(pid_t pid)
{
        char cmd[64], *buf = calloc(1, 256);
        FILE *f;

        snprintf(cmd, sizeof(cmd), "nsenter -t %d -u hostname", (int) pid);
        f = popen(cmd, "r");
        assert_non_null(f);
        assert_non_null(fgets(buf, 255, f));
        pclose(f);
        buf[strcspn(buf, "\n")] = 0;
        return buf;
}

static void test_isolate(void **state)
{
        char *argv[] = { (char *) "sh", (char *) "-c", (char *) "echo $$; hostname; exit 5", NULL };
        struct spawn_config cfg;
        struct perror e = {};
        int status[2], st;
        pid_t pid;
        char *s;

        (void) state;
        assert_int_equal(pipe2(status, O_CLOEXEC), 0);
        config_init(&cfg, argv);
        cfg.isolate = true;
        cfg.hostname = "porto-test-host";
        cfg.status_fd = status[1];
        cfg.std_path[1] = "iso-out";
        assert_int_equal(spawn_start(&cfg, &pid, &e), 0);
        /* main is pid 1 of a new pid namespace */
        assert_nspid(pid, true);

        st = kt_wait(pid);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 5);
        close(status[1]);
        assert_int_equal(read_status(status[0]), 5 << 8);
        close(status[0]);
        s = read_tmp("iso-out");
        assert_string_equal(s, "2\nporto-test-host\n");
        free(s);

        /* Our hostname is untouched. */
        char host[256];
        gethostname(host, sizeof(host));
        assert_string_not_equal(host, "porto-test-host");

        /* Killed by a signal: the status says so. */
        char *killer[] = { (char *) "sh", (char *) "-c", (char *) "kill -9 $$", NULL };
        assert_int_equal(pipe2(status, O_CLOEXEC), 0);
        config_init(&cfg, killer);
        cfg.isolate = true;
        cfg.status_fd = status[1];
        assert_int_equal(spawn_start(&cfg, &pid, &e), 0);
        st = kt_wait(pid);
        assert_int_equal(WEXITSTATUS(st), 128 + 9);
        close(status[1]);
        assert_int_equal(read_status(status[0]), 9);
        close(status[0]);

        /* No status fd: fine too. */
        config_init(&cfg, killer);
        cfg.isolate = true;
        assert_int_equal(spawn_start(&cfg, &pid, &e), 0);
        assert_int_equal(WEXITSTATUS(kt_wait(pid)), 137);
}

static void test_portoinit_signals(void **state)
{
        char *argv[] = { (char *) "sh", (char *) "-c",
                         (char *) "trap 'exit 7' TERM; trap 'echo usr1' USR1; touch ready; "
                                  "while :; do sleep 0.05; done",
                         NULL };
        struct spawn_config cfg;
        struct perror e = {};
        int status[2], st;
        pid_t pid;
        char *s;

        (void) state;
        assert_int_equal(pipe2(status, O_CLOEXEC), 0);
        config_init(&cfg, argv);
        cfg.isolate = true;
        cfg.status_fd = status[1];
        cfg.std_path[1] = "sig-fwd";
        assert_int_equal(spawn_start(&cfg, &pid, &e), 0);
        wait_file("ready");
        kill(pid, SIGUSR1);
        kt_msleep(200);
        kill(pid, SIGTERM);
        st = kt_wait(pid);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 7);
        close(status[1]);
        assert_int_equal(read_status(status[0]), 7 << 8);
        close(status[0]);
        s = read_tmp("sig-fwd");
        assert_string_equal(s, "usr1\n");
        free(s);
}

static void test_portoinit_reaps(void **state)
{
        /* The subshell's background sleep is orphaned inside the namespace:
         * portoinit must reap it when it exits. */
        char *argv[] = { (char *) "sh", (char *) "-c", (char *) "(sleep 0.05 &); exec sleep 100", NULL };
        struct spawn_config cfg;
        struct perror e = {};
        pid_t pid;
        char path[96], *s;

        (void) state;
        config_init(&cfg, argv);
        cfg.isolate = true;
        assert_int_equal(spawn_start(&cfg, &pid, &e), 0);
        kt_msleep(400);
        snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int) pid, (int) pid);
        s = read_all(path);
        /* one child left, the command: "pid " (no zombie beside it) */
        assert_true(atoi(s) > 0);
        assert_string_equal(strchr(s, ' '), " ");
        free(s);
        kill(pid, SIGKILL);
        kt_wait(pid);
}

/* A meta container's holder: pid 1 that runs nothing and outlives every
 * signal but SIGKILL; without isolate a plain process that does the same. */
static void test_portoinit_hold(void **state)
{
        struct spawn_config cfg;
        struct perror e = {};
        pid_t pid;
        char *s;
        int st;

        (void) state;
        config_init(&cfg, NULL);
        cfg.hold = true;
        cfg.isolate = true;
        cfg.hostname = "porto-hold";
        assert_int_equal(spawn_start(&cfg, &pid, &e), 0);
        assert_nspid(pid, true);
        s = uts_hostname(pid);
        assert_string_equal(s, "porto-hold");
        free(s);
        kill(pid, SIGTERM);
        kill(pid, SIGINT);
        kill(pid, SIGHUP);
        kill(pid, SIGCHLD);
        kt_msleep(200);
        assert_int_equal(waitpid(pid, &st, WNOHANG), 0);
        s = kt_proc_status(pid, "State");
        assert_true(s[0] == 'S');
        free(s);
        kill(pid, SIGKILL);
        st = kt_wait(pid);
        assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

        /* Without isolate: not pid 1 of anything, same holding. */
        config_init(&cfg, NULL);
        cfg.hold = true;
        assert_int_equal(spawn_start(&cfg, &pid, &e), 0);
        assert_nspid(pid, false);
        kill(pid, SIGTERM);
        kt_msleep(100);
        assert_int_equal(waitpid(pid, &st, WNOHANG), 0);
        kill(pid, SIGKILL);
        kt_wait(pid);

        /* No command without hold. */
        config_init(&cfg, NULL);
        assert_int_equal(spawn_start(&cfg, &pid, &e), -EINVAL);
        assert_int_equal(e.code, EERROR_INVALID_COMMAND);
}

static void test_portoinit_usage(void **state)
{
        char cmd[512];

        (void) state;
        snprintf(cmd, sizeof(cmd), "%s 2>/dev/null", portoinit);
        assert_int_equal(WEXITSTATUS(system(cmd)), 2);
        snprintf(cmd, sizeof(cmd), "%s --status-fd x -- true 2>/dev/null", portoinit);
        assert_int_equal(WEXITSTATUS(system(cmd)), 2);
        snprintf(cmd, sizeof(cmd), "%s --status-fd 99 -- true 2>/dev/null", portoinit);
        assert_int_equal(WEXITSTATUS(system(cmd)), 2);
        snprintf(cmd, sizeof(cmd), "%s -- sh -c 'exit 4'", portoinit);
        assert_int_equal(WEXITSTATUS(system(cmd)), 4);
        snprintf(cmd, sizeof(cmd), "%s --status-fd 1 -- sh -c 'exit 4' > %s/st", portoinit, tmpdir);
        assert_int_equal(WEXITSTATUS(system(cmd)), 4);
        char *s = read_tmp("st");
        assert_string_equal(s, "1024");
        free(s);
        snprintf(cmd, sizeof(cmd), "%s --hold -- true 2>/dev/null", portoinit);
        assert_int_equal(WEXITSTATUS(system(cmd)), 2);
        snprintf(cmd, sizeof(cmd), "%s --hold --status-fd 1 2>/dev/null", portoinit);
        assert_int_equal(WEXITSTATUS(system(cmd)), 2);
        snprintf(cmd, sizeof(cmd), "%s -- /nonexistent 2>/dev/null", portoinit);
        assert_int_equal(WEXITSTATUS(system(cmd)), 127);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_teardown(test_std_paths, test_teardown),
                cmocka_unit_test_teardown(test_std_fds, test_teardown),
                cmocka_unit_test_teardown(test_exit_status, test_teardown),
                cmocka_unit_test_teardown(test_exec_errors, test_teardown),
                cmocka_unit_test_teardown(test_env_and_path, test_teardown),
                cmocka_unit_test_teardown(test_cgroups, test_teardown),
                cmocka_unit_test_teardown(test_reparent, test_teardown),
                cmocka_unit_test_teardown(test_credentials, test_teardown),
                cmocka_unit_test_teardown(test_signals_reset, test_teardown),
                cmocka_unit_test_teardown(test_no_fd_leaks, test_teardown),
                cmocka_unit_test_teardown(test_isolate, test_teardown),
                cmocka_unit_test_teardown(test_portoinit_signals, test_teardown),
                cmocka_unit_test_teardown(test_portoinit_reaps, test_teardown),
                cmocka_unit_test_teardown(test_portoinit_hold, test_teardown),
                cmocka_unit_test_teardown(test_portoinit_usage, test_teardown),
        };

        if (!kt_is_root()) {
                fprintf(stderr, "skip: kernel tests need root\n");
                return 77; /* meson: skipped */
        }
        return cmocka_run_group_tests_name("spawn", tests, group_setup, group_teardown);
}
