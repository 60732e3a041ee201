/* src/shared/cgroup.c on the real kernel, as root.
 *
 *   kernel_cgroup        the host's hierarchies (v1 here)
 *   kernel_cgroup v2     the same tests in a private mount namespace where
 *                        only the cgroup2 mount is left, in a private own
 *                        cgroup: cg_init must choose the unified mode. */
#include <dirent.h>
#include <pthread.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kernel.h"
#include "shared/cgroup.h"

static char prefix[64];
static bool v2_mode;
static char v2_own[256]; /* our own v2 cgroup in v2 mode */

/* ---- fixtures ----------------------------------------------------------- */

static void rmdir_tree(const char *dir)
{
        DIR *d = opendir(dir);
        struct dirent *de;

        if (!d)
                return;
        while ((de = readdir(d))) {
                char sub[4096];

                if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
                rmdir_tree(sub);
        }
        closedir(d);
        (void) rmdir(dir);
}

static void cleanup_all(void)
{
        for (unsigned c = 0; c < CG_CONTROLLER_MAX; c++) {
                char *root = NULL;

                if (cg_path(c, "", &root) < 0)
                        continue;
                rmdir_tree(root);
                free(root);
        }
}

static int group_setup(void **state)
{
        (void) state;
        if (!kt_is_root()) {
                fprintf(stderr, "kernel tests need root\n");
                return -1;
        }
        snprintf(prefix, sizeof(prefix), KT_PREFIX_FMT, (int) getpid());
        int r = cg_init(prefix);
        if (r < 0) {
                fprintf(stderr, "cg_init(%s): %s\n", prefix, strerror(-r));
                return -1;
        }
        return 0;
}

static int group_teardown(void **state)
{
        (void) state;
        if (cg_supported(CG_FREEZER))
                (void) cg_kill_all("", SIGKILL);
        kt_msleep(20);
        kt_reap_all();
        cleanup_all();
        return 0;
}

/* Each test leaves the root empty: kill and remove what it made. */
static int test_teardown(void **state)
{
        (void) state;
        if (cg_supported(CG_FREEZER)) {
                (void) cg_thaw("");
                (void) cg_kill_all("", SIGKILL);
        }
        kt_msleep(10);
        kt_reap_all();
        for (unsigned c = 0; c < CG_CONTROLLER_MAX; c++) {
                char *root = NULL;

                if (cg_path(c, "", &root) < 0)
                        continue;
                /* children only: the root stays for the next test */
                DIR *d = opendir(root);
                struct dirent *de;

                while (d && (de = readdir(d))) {
                        char sub[4096];

                        if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                                continue;
                        snprintf(sub, sizeof(sub), "%s/%s", root, de->d_name);
                        rmdir_tree(sub);
                }
                if (d)
                        closedir(d);
                free(root);
        }
        return 0;
}

static void create_all(const char *rel)
{
        for (unsigned c = 0; c < CG_CONTROLLER_MAX; c++)
                if (cg_supported(c))
                        assert_int_equal(cg_create(c, rel), 0);
}

static void attach_all(const char *rel, pid_t pid)
{
        for (unsigned c = 0; c < CG_CONTROLLER_MAX; c++)
                if (cg_supported(c))
                        assert_int_equal(cg_attach(c, rel, pid), 0);
}

/* The first line of the process's /proc/PID/cgroup for that controller. */
static char *own_line(pid_t pid, const char *controller)
{
        char path[64], line[4096];
        char *res = NULL;
        FILE *f;

        snprintf(path, sizeof(path), "/proc/%d/cgroup", (int) pid);
        f = fopen(path, "re");
        assert_non_null(f);
        while (fgets(line, sizeof(line), f)) {
                char *list = strchr(line, ':') + 1, *p = strchr(list, ':');

                *p++ = 0;
                p[strcspn(p, "\n")] = 0;
                if (v2_mode ? (*list == 0) : (strstr(list, controller) != NULL)) {
                        res = strdup(p);
                        break;
                }
        }
        fclose(f);
        assert_non_null(res);
        return res;
}

/* ---- tests -------------------------------------------------------------- */

static void test_names(void **state)
{
        enum cg_controller c;

        (void) state;
        for (unsigned i = 0; i < CG_CONTROLLER_MAX; i++) {
                assert_non_null(cg_controller_to_string(i));
                assert_int_equal(cg_controller_from_string(cg_controller_to_string(i), &c), 0);
                assert_int_equal(c, i);
        }
        assert_string_equal(cg_controller_to_string(CG_CPUACCT), "cpuacct");
        assert_null(cg_controller_to_string(CG_CONTROLLER_MAX));
        assert_int_equal(cg_controller_from_string("name=systemd", &c), -EINVAL);
        assert_int_equal(cg_controller_from_string("", &c), -EINVAL);
        assert_int_equal(cg_controller_from_string(NULL, &c), -EINVAL);
}

static void test_init(void **state)
{
        char *path = NULL, *kpath = NULL, *own = NULL, *expect = NULL;
        struct stat st;

        (void) state;
        assert_int_equal(cg_is_v2(), v2_mode);
        assert_true(cg_supported(CG_FREEZER));
        assert_true(cg_supported(CG_CPUACCT));
        assert_true(cg_supported_mask() & (1u << CG_FREEZER));
        assert_false(cg_supported(CG_CONTROLLER_MAX));
        if (!v2_mode) {
                /* this host mounts them all as v1 */
                assert_true(cg_supported(CG_MEMORY));
                assert_true(cg_supported(CG_CPU));
                assert_true(cg_supported(CG_CPUSET));
                assert_true(cg_supported(CG_PIDS));
        } else
                assert_false(cg_supported(CG_DEVICES));

        assert_int_equal(cg_path(CG_FREEZER, "", &path), 0);
        assert_int_equal(stat(path, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_true(strstr(path, prefix) != NULL);

        /* The kernel path is the own cgroup plus the prefix. */
        assert_int_equal(cg_kernel_path(CG_FREEZER, "a/b", &kpath), 0);
        own = own_line(getpid(), "freezer");
        /* v2 with controllers to enable: we live in the leaf beside the root */
        if (v2_mode && strlen(own) > strlen("/portod-leaf") &&
            !strcmp(own + strlen(own) - strlen("/portod-leaf"), "/portod-leaf"))
                own[strlen(own) - strlen("/portod-leaf")] = 0;
        assert_true(asprintf(&expect, "%s/%s/a/b", strcmp(own, "/") ? own : "", prefix) > 0);
        assert_string_equal(kpath, expect);
        free(path);
        free(kpath);
        free(own);
        free(expect);

        /* Memory may live in another cgroup than the freezer here. */
        if (cg_supported(CG_MEMORY)) {
                assert_int_equal(cg_kernel_path(CG_MEMORY, "", &kpath), 0);
                own = own_line(getpid(), "memory");
                assert_true(asprintf(&expect, "%s/%s", strcmp(own, "/") ? own : "", prefix) > 0);
                assert_string_equal(kpath, expect);
                free(kpath);
                free(own);
                free(expect);
        }

        /* A second init is allowed and finds the same root. */
        assert_int_equal(cg_init(prefix), 0);
        assert_int_equal(cg_init(""), -EINVAL);
        assert_int_equal(cg_init("../x"), -EINVAL);
        assert_int_equal(cg_init(prefix), 0);
}

/* A prefix of several levels: every level is created (and usable). */
static void test_nested_prefix(void **state)
{
        char nested[128], *kpath = NULL, *rel = NULL;
        pid_t p;

        (void) state;
        snprintf(nested, sizeof(nested), "%s/inner/most", prefix);
        assert_int_equal(cg_init(nested), 0);
        assert_int_equal(cg_kernel_path(CG_FREEZER, "x", &kpath), 0);
        assert_true(strstr(kpath, "/inner/most/x") != NULL);
        free(kpath);
        create_all("x");
        p = kt_sleeper();
        attach_all("x", p);
        assert_int_equal(cg_pid_cgroup(CG_FREEZER, p, &rel), 0);
        assert_string_equal(rel, "x");
        free(rel);
        kt_kill_wait(p);
        for (unsigned c = 0; c < CG_CONTROLLER_MAX; c++)
                if (cg_supported(c)) {
                        assert_int_equal(cg_remove(c, "x"), 0);
                        assert_int_equal(cg_remove(c, ""), 0);
                }
        assert_int_equal(cg_init(prefix), 0);
        for (unsigned c = 0; c < CG_CONTROLLER_MAX; c++)
                if (cg_supported(c)) {
                        assert_int_equal(cg_remove(c, "inner"), 0);
                        assert_false(cg_exists(c, "inner"));
                }
}

static void test_create_remove(void **state)
{
        char *path = NULL;

        (void) state;
        assert_int_equal(cg_create(CG_FREEZER, "a"), 0);
        assert_int_equal(cg_create(CG_FREEZER, "a"), 0); /* exists: fine */
        assert_int_equal(cg_create(CG_FREEZER, "a/b"), 0);
        assert_true(cg_exists(CG_FREEZER, "a"));
        assert_true(cg_exists(CG_FREEZER, "a/b"));
        assert_true(cg_exists(CG_FREEZER, ""));
        assert_false(cg_exists(CG_FREEZER, "c"));
        assert_int_equal(cg_create(CG_FREEZER, "c/d"), -ENOENT);

        /* Nothing outside the root can be named. */
        const char *bad[] = { "..", "/a", "a//b", "a/", ".", "a/../..", "a/./b", "../" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                assert_int_equal(cg_create(CG_FREEZER, bad[i]), -EINVAL);
                assert_int_equal(cg_path(CG_FREEZER, bad[i], &path), -EINVAL);
                assert_int_equal(cg_remove(CG_FREEZER, bad[i]), -EINVAL);
                assert_false(cg_exists(CG_FREEZER, bad[i]));
        }
        assert_int_equal(cg_path(CG_CONTROLLER_MAX, "a", &path), -EINVAL);

        assert_int_equal(cg_remove(CG_FREEZER, "a"), -EBUSY); /* has a child */
        assert_int_equal(cg_remove(CG_FREEZER, "a/b"), 0);
        assert_int_equal(cg_remove(CG_FREEZER, "a"), 0);
        assert_int_equal(cg_remove(CG_FREEZER, "a"), 0); /* missing: fine */
        assert_false(cg_exists(CG_FREEZER, "a"));

        if (!v2_mode) {
                /* An unsupported controller says so. */
                assert_int_equal(cg_create(CG_HUGETLB, "x"), cg_supported(CG_HUGETLB) ? 0 : -EOPNOTSUPP);
        }
}

static void test_attach_pids(void **state)
{
        pid_t p1, p2, *pids = NULL;
        uint64_t count;
        size_t n;
        char *rel = NULL;

        (void) state;
        create_all("a");
        create_all("a/b");
        p1 = kt_sleeper();
        p2 = kt_sleeper();
        attach_all("a", p1);
        attach_all("a/b", p2);

        for (unsigned c = 0; c < CG_CONTROLLER_MAX; c++) {
                if (!cg_supported(c))
                        continue;
                assert_int_equal(cg_get_pids(c, "a", false, &pids, &n), 0);
                assert_int_equal(n, 1);
                assert_int_equal(pids[0], p1);
                free(pids);
                assert_int_equal(cg_get_pids(c, "a/b", true, &pids, &n), 0);
                assert_int_equal(n, 1);
                assert_int_equal(pids[0], p2);
                free(pids);
                assert_int_equal(cg_get_pids(c, "", false, &pids, &n), 0);
                assert_int_equal(n, 0);
                free(pids);

                assert_int_equal(cg_count_tasks(c, "a", false, &count), 0);
                assert_int_equal(count, 2);
                assert_int_equal(cg_count_tasks(c, "", true, &count), 0);
                assert_int_equal(count, 2);
                assert_int_equal(cg_count_tasks(c, "a/b", false, &count), 0);
                assert_int_equal(count, 1);
                assert_int_equal(cg_count_tasks(c, "nope", false, &count), -ENOENT);
                assert_false(cg_is_empty(c, "a"));
                assert_false(cg_is_empty(c, ""));

                assert_int_equal(cg_pid_cgroup(c, p2, &rel), 0);
                assert_string_equal(rel, "a/b");
                free(rel);
                assert_int_equal(cg_pid_cgroup(c, p1, &rel), 0);
                assert_string_equal(rel, "a");
                free(rel);
                /* we live outside the root */
                assert_int_equal(cg_pid_cgroup(c, getpid(), &rel), -ENOENT);
        }

        /* The root itself is "". */
        attach_all("", p1);
        assert_int_equal(cg_pid_cgroup(CG_FREEZER, p1, &rel), 0);
        assert_string_equal(rel, "");
        free(rel);

        assert_int_equal(cg_attach(CG_FREEZER, "a", 0), -EINVAL);
        assert_int_equal(cg_attach(CG_FREEZER, "nope", p1), -ENOENT);

        kt_kill_wait(p1);
        kt_kill_wait(p2);
        assert_int_equal(cg_pid_cgroup(CG_FREEZER, p1, &rel), -ESRCH);
        assert_true(cg_is_empty(CG_FREEZER, "a"));
        assert_true(cg_is_empty(CG_FREEZER, "nope"));
        assert_int_equal(cg_count_tasks(CG_FREEZER, "", false, &count), 0);
        assert_int_equal(count, 0);
}

static void *idle_thread(void *arg)
{
        (void) arg;
        for (;;)
                pause();
        return NULL;
}

static void test_threads(void **state)
{
        int pfd[2];
        pid_t p, *pids = NULL;
        size_t n;
        uint64_t count;
        char c;

        (void) state;
        create_all("t");
        create_all("t/u");
        assert_int_equal(pipe(pfd), 0);
        p = fork();
        assert_true(p >= 0);
        if (p == 0) {
                pthread_t t;

                prctl(PR_SET_PDEATHSIG, SIGKILL);
                close(pfd[0]);
                if (pthread_create(&t, NULL, idle_thread, NULL) != 0 || write(pfd[1], "x", 1) != 1)
                        _exit(1);
                for (;;)
                        pause();
        }
        close(pfd[1]);
        assert_int_equal(read(pfd[0], &c, 1), 1);
        close(pfd[0]);
        /* Attaching moves every thread. */
        attach_all("t/u", p);
        assert_int_equal(cg_get_pids(CG_FREEZER, "t/u", true, &pids, &n), 0);
        assert_int_equal(n, 2);
        assert_true(pids[0] == p || pids[1] == p);
        free(pids);
        assert_int_equal(cg_get_pids(CG_FREEZER, "t/u", false, &pids, &n), 0);
        assert_int_equal(n, 1);
        free(pids);
        assert_int_equal(cg_count_tasks(CG_FREEZER, "t", true, &count), 0);
        assert_int_equal(count, 2);
        assert_int_equal(cg_count_tasks(CG_FREEZER, "t", false, &count), 0);
        assert_int_equal(count, 1);
        kt_kill_wait(p);
}

static void test_freeze(void **state)
{
        pid_t p;
        int status;

        (void) state;
        create_all("f");
        create_all("f/g");
        p = kt_catcher();
        attach_all("f/g", p);

        assert_false(cg_is_frozen("f"));
        assert_int_equal(cg_freeze("f"), 0);
        assert_true(cg_is_frozen("f"));
        assert_true(cg_is_frozen("f/g")); /* by its parent */
        assert_int_equal(cg_freeze("f"), 0); /* again: fine */

        /* A frozen task does not handle SIGTERM until thawed. */
        kill(p, SIGTERM);
        kt_msleep(50);
        assert_int_equal(waitpid(p, NULL, WNOHANG), 0);

        /* The child cannot thaw while its parent holds it. */
        assert_int_equal(cg_thaw("f/g"), -EBUSY);
        assert_int_equal(cg_thaw("f"), 0);
        assert_false(cg_is_frozen("f"));
        assert_false(cg_is_frozen("f/g"));
        status = kt_wait(p);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 42);

        /* Freezing an empty cgroup works too. */
        assert_int_equal(cg_freeze("f/g"), 0);
        assert_true(cg_is_frozen("f/g"));
        assert_false(cg_is_frozen("f"));
        assert_int_equal(cg_thaw("f/g"), 0);
        assert_int_equal(cg_freeze("nope"), -ENOENT);
}

/* A chain of processes where the newest keeps forking: the kind that
 * escapes a naive kill loop. It waits for "go" (after it was attached, so no
 * fork escapes into our own cgroup), dies with its parent and stops after
 * FORK_CHAIN_MAX generations whatever happens. */
#define FORK_CHAIN_MAX 2000

static pid_t forker(int *ret_go)
{
        int go[2];
        pid_t p;
        char c;

        assert_int_equal(pipe(go), 0);
        p = fork();
        assert_true(p >= 0);
        if (p == 0) {
                close(go[1]);
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (read(go[0], &c, 1) != 1)
                        _exit(1);
                close(go[0]);
                for (int gen = 0; gen < FORK_CHAIN_MAX; gen++) {
                        pid_t parent = getpid();
                        pid_t child = fork();

                        if (child != 0)
                                break;
                        /* the new child goes on forking */
                        prctl(PR_SET_PDEATHSIG, SIGKILL);
                        if (getppid() != parent)
                                _exit(0);
                        kt_msleep(1);
                }
                for (;;)
                        pause();
        }
        close(go[0]);
        *ret_go = go[1];
        return p;
}

static void test_kill_all(void **state)
{
        pid_t p1, p2, p3;
        uint64_t count = 0;
        int go;

        (void) state;
        create_all("k");
        create_all("k/sub");
        p1 = kt_sleeper();
        p2 = kt_sleeper();
        attach_all("k", p1);
        attach_all("k/sub", p2);
        p3 = forker(&go);
        attach_all("k/sub", p3);
        assert_int_equal(write(go, "x", 1), 1);
        close(go);
        /* let it spawn a chain */
        kt_msleep(30);
        assert_int_equal(cg_count_tasks(CG_FREEZER, "k", false, &count), 0);
        assert_true(count >= 3);

        assert_int_equal(cg_kill_all("k", SIGKILL), 0);
        assert_true(WIFSIGNALED(kt_wait(p1)));
        assert_true(WIFSIGNALED(kt_wait(p2)));
        assert_true(WIFSIGNALED(kt_wait(p3)));
        for (int i = 0; i < 100 && !cg_is_empty(CG_FREEZER, "k"); i++)
                kt_msleep(10);
        assert_true(cg_is_empty(CG_FREEZER, "k"));
        assert_false(cg_is_frozen("k"));
        assert_int_equal(cg_remove(CG_FREEZER, "k/sub"), 0);
        assert_int_equal(cg_remove(CG_FREEZER, "k"), 0);

        /* Other signals, and a paused cgroup stays paused. */
        create_all("t");
        p1 = kt_sleeper();
        attach_all("t", p1);
        assert_int_equal(cg_kill_all("t", SIGTERM), 0);
        assert_true(WIFSIGNALED(kt_wait(p1)));

        p1 = kt_catcher();
        attach_all("t", p1);
        assert_int_equal(cg_freeze("t"), 0);
        assert_int_equal(cg_kill_all("t", SIGTERM), 0);
        assert_true(cg_is_frozen("t"));
        kt_msleep(20);
        assert_int_equal(waitpid(p1, NULL, WNOHANG), 0);
        assert_int_equal(cg_thaw("t"), 0);
        assert_int_equal(WEXITSTATUS(kt_wait(p1)), 42);

        /* SIGKILL into a paused cgroup with a frozen child kills all. */
        create_all("t/u");
        p1 = kt_sleeper();
        p2 = kt_sleeper();
        attach_all("t", p1);
        attach_all("t/u", p2);
        assert_int_equal(cg_freeze("t/u"), 0);
        assert_int_equal(cg_freeze("t"), 0);
        assert_int_equal(cg_kill_all("t", SIGKILL), 0);
        assert_true(WIFSIGNALED(kt_wait(p1)));
        assert_true(WIFSIGNALED(kt_wait(p2)));
        assert_false(cg_is_frozen("t"));

        assert_int_equal(cg_kill_all("nope", SIGKILL), -ENOENT);
        assert_int_equal(cg_kill_all("t", 0), -EINVAL);
        assert_int_equal(cg_kill_all("t", 1000), -EINVAL);
}

static void test_remove_busy(void **state)
{
        pid_t p;

        (void) state;
        create_all("r");
        p = kt_sleeper();
        attach_all("r", p);
        assert_int_equal(cg_remove(CG_FREEZER, "r"), -EBUSY);
        assert_true(cg_exists(CG_FREEZER, "r"));
        kt_kill_wait(p);
        for (unsigned c = 0; c < CG_CONTROLLER_MAX; c++)
                if (cg_supported(c))
                        assert_int_equal(cg_remove(c, "r"), 0);
        assert_false(cg_exists(CG_FREEZER, "r"));
}

/* Run fn in a child inside cgroup rel; wait until it says it is done. */
static pid_t run_in(const char *rel, void (*fn)(void), int *ret_done_fd)
{
        int go[2], done[2];
        pid_t p;
        char c = 'x';

        assert_int_equal(pipe(go), 0);
        assert_int_equal(pipe(done), 0);
        p = fork();
        assert_true(p >= 0);
        if (p == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                close(go[1]);
                close(done[0]);
                if (read(go[0], &c, 1) != 1)
                        _exit(1);
                fn();
                if (write(done[1], &c, 1) != 1)
                        _exit(1);
                for (;;)
                        pause();
        }
        close(go[0]);
        close(done[1]);
        attach_all(rel, p);
        assert_int_equal(write(go[1], &c, 1), 1);
        close(go[1]);
        *ret_done_fd = done[0];
        return p;
}

static void touch_memory(void)
{
        size_t len = 64u << 20;
        char *m = malloc(len);

        if (!m)
                _exit(1);
        for (size_t i = 0; i < len; i += 4096)
                m[i] = 1;
        /* keep it */
        __asm__ volatile("" : : "r"(m) : "memory");
}

static void burn_cpu(void)
{
        struct timespec a, b;
        volatile uint64_t x = 0;

        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
        do {
                for (int i = 0; i < 100000; i++)
                        x += (uint64_t) i;
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
        } while ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) < 300000000L);
        (void) x;
}

static void test_memory_usage(void **state)
{
        uint64_t before, after;
        int done;
        char c;
        pid_t p;

        (void) state;
        if (!cg_supported(CG_MEMORY)) {
                assert_int_equal(cg_memory_usage("", &before), -EOPNOTSUPP);
                fprintf(stderr, "skip: no memory controller in this hierarchy\n");
                skip();
        }
        create_all("m");
        assert_int_equal(cg_memory_usage("m", &before), 0);
        p = run_in("m", touch_memory, &done);
        assert_int_equal(read(done, &c, 1), 1);
        close(done);
        assert_int_equal(cg_memory_usage("m", &after), 0);
        assert_true(after >= before + (60u << 20));
        assert_int_equal(cg_memory_usage("", &after), 0); /* hierarchical */
        assert_true(after >= (60u << 20));
        kt_kill_wait(p);
        assert_int_equal(cg_memory_usage("nope", &after), -ENOENT);
}

static void test_cpu_usage(void **state)
{
        uint64_t before, after;
        int done;
        char c;
        pid_t p;

        (void) state;
        create_all("c");
        assert_int_equal(cg_cpu_usage("c", &before), 0);
        p = run_in("c", burn_cpu, &done);
        assert_int_equal(read(done, &c, 1), 1);
        close(done);
        assert_int_equal(cg_cpu_usage("c", &after), 0);
        assert_true(after >= before + 250000000ull);
        assert_true(after < before + 60000000000ull);
        assert_int_equal(cg_cpu_usage("", &after), 0);
        assert_true(after >= 250000000ull);
        kt_kill_wait(p);
        assert_int_equal(cg_cpu_usage("nope", &after), -ENOENT);
}

static void test_cpuset_attach(void **state)
{
        pid_t p;

        (void) state;
        if (!cg_supported(CG_CPUSET)) {
                fprintf(stderr, "skip: no cpuset controller in this hierarchy\n");
                skip();
        }
        /* A fresh v1 cpuset has no cpus until given its parent's. */
        assert_int_equal(cg_create(CG_CPUSET, "s"), 0);
        assert_int_equal(cg_create(CG_CPUSET, "s/t"), 0);
        p = kt_sleeper();
        assert_int_equal(cg_attach(CG_CPUSET, "s/t", p), 0);
        kt_kill_wait(p);
}

/* ---- unified-only mode ---------------------------------------------------- */

static bool v2_root_hugetlb_enabled; /* we enabled hugetlb in the unified root */
static int write_str(const char *path, const char *s);
static const char *unified_mount(void);

static bool file_has_word(const char *path, const char *word)
{
        char buf[512] = "";
        FILE *f = fopen(path, "re");
        bool found = false;

        if (!f)
                return false;
        if (fgets(buf, sizeof(buf), f))
                for (char *save = NULL, *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
                        found |= !strcmp(t, word);
        fclose(f);
        return found;
}

/* v2 with a controller available in our own (non-root) cgroup, which holds
 * our process: cg_init moves us into the leaf beside the containers' root
 * so that the controller can be enabled for them; a later cg_init finds
 * the same root. Last test: it leaves us in the leaf. */
static void test_v2_leaf_move(void **state)
{
        char path[512], *own = NULL, *kpath = NULL, *again = NULL, *expect = NULL;

        (void) state;
        if (!v2_mode) {
                fprintf(stderr, "skip: v2 mode only\n");
                skip();
        }
        /* a controller for our own cgroup, if the unified hierarchy has
         * one (the root may enable it with processes); undone in leave_v2 */
        {
                const char *unified = unified_mount();
                char ctl[300], sub[300];
                snprintf(ctl, sizeof(ctl), "%s/cgroup.controllers", unified);
                snprintf(sub, sizeof(sub), "%s/cgroup.subtree_control", unified);
                if (file_has_word(ctl, "hugetlb") && !file_has_word(sub, "hugetlb"))
                        v2_root_hugetlb_enabled = write_str(sub, "+hugetlb") == 0;
        }
        snprintf(path, sizeof(path), "%s/cgroup.controllers", v2_own);
        if (!file_has_word(path, "hugetlb")) {
                fprintf(stderr, "skip: no v2 controller available below the unified root\n");
                skip();
        }
        assert_int_equal(cg_init(prefix), 0);
        own = own_line(getpid(), "");
        assert_true(strlen(own) > strlen("/portod-leaf"));
        assert_string_equal(own + strlen(own) - strlen("/portod-leaf"), "/portod-leaf");
        assert_true(cg_supported(CG_HUGETLB));
        assert_int_equal(cg_kernel_path(CG_FREEZER, "", &kpath), 0);
        own[strlen(own) - strlen("/portod-leaf")] = 0;
        assert_true(asprintf(&expect, "%s/%s", own, prefix) > 0);
        assert_string_equal(kpath, expect);
        /* from inside the leaf: the same root */
        assert_int_equal(cg_init(prefix), 0);
        assert_int_equal(cg_kernel_path(CG_FREEZER, "", &again), 0);
        assert_string_equal(again, kpath);
        assert_true(cg_supported(CG_HUGETLB));
        /* the containers get it */
        assert_int_equal(cg_create(CG_HUGETLB, "hl"), 0);
        assert_int_equal(cg_set_hugetlb_limit("hl", 4 << 20), 0);
        assert_int_equal(cg_remove(CG_HUGETLB, "hl"), 0);
        free(own);
        free(kpath);
        free(again);
        free(expect);
}

static int write_str(const char *path, const char *s)
{
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = write(fd, s, strlen(s));
        n = n < 0 ? -errno : 0;
        close(fd);
        return (int) n;
}

static const char *unified_mount(void)
{
        static const char *const candidates[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
        struct stat st;

        for (size_t i = 0; i < 2; i++) {
                char p[256];

                snprintf(p, sizeof(p), "%s/cgroup.procs", candidates[i]);
                if (stat(p, &st) == 0) {
                        snprintf(p, sizeof(p), "%s/cgroup.subtree_control", candidates[i]);
                        if (stat(p, &st) == 0)
                                return candidates[i];
                }
        }
        return NULL;
}

/* Leave only the cgroup2 mount visible (in our private mount namespace) and
 * move into a private own v2 cgroup. */
static int enter_v2(void)
{
        const char *unified = unified_mount();
        char pid[16];
        FILE *f;
        char line[4096];

        if (!unified) {
                fprintf(stderr, "no cgroup2 mount\n");
                return -1;
        }
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
                perror("mount namespace");
                return -1;
        }
        f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return -1;
        while (fgets(line, sizeof(line), f)) {
                char *sep = strstr(line, " - cgroup ");
                char mnt[4096];

                if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
                        continue;
                if (umount2(mnt, MNT_DETACH) < 0)
                        perror(mnt);
        }
        fclose(f);

        snprintf(v2_own, sizeof(v2_own), "%s/porto-test-kernel-own-%d", unified, (int) getpid());
        if (mkdir(v2_own, 0755) < 0)
                return -1;
        snprintf(pid, sizeof(pid), "%d", (int) getpid());
        char procs[300];
        snprintf(procs, sizeof(procs), "%s/cgroup.procs", v2_own);
        if (write_str(procs, pid) < 0)
                return -1;
        return 0;
}

static void leave_v2(void)
{
        const char *unified = unified_mount();
        char procs[300], pid[16];

        if (!unified || !*v2_own)
                return;
        snprintf(procs, sizeof(procs), "%s/cgroup.procs", unified);
        snprintf(pid, sizeof(pid), "%d", (int) getpid());
        (void) write_str(procs, pid);
        /* Anything left there is ours and must not outlive us. */
        snprintf(procs, sizeof(procs), "%s/cgroup.kill", v2_own);
        (void) write_str(procs, "1");
        for (int i = 0; i < 100; i++) {
                rmdir_tree(v2_own);
                if (access(v2_own, F_OK) < 0)
                        break;
                kt_msleep(10);
        }
        if (v2_root_hugetlb_enabled) {
                snprintf(procs, sizeof(procs), "%s/cgroup.subtree_control", unified);
                (void) write_str(procs, "-hugetlb");
        }
}

int main(int argc, char **argv)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_names),
                cmocka_unit_test_teardown(test_init, test_teardown),
                cmocka_unit_test_teardown(test_nested_prefix, test_teardown),
                cmocka_unit_test_teardown(test_create_remove, test_teardown),
                cmocka_unit_test_teardown(test_attach_pids, test_teardown),
                cmocka_unit_test_teardown(test_threads, test_teardown),
                cmocka_unit_test_teardown(test_freeze, test_teardown),
                cmocka_unit_test_teardown(test_kill_all, test_teardown),
                cmocka_unit_test_teardown(test_remove_busy, test_teardown),
                cmocka_unit_test_teardown(test_memory_usage, test_teardown),
                cmocka_unit_test_teardown(test_cpu_usage, test_teardown),
                cmocka_unit_test_teardown(test_cpuset_attach, test_teardown),
                cmocka_unit_test_teardown(test_v2_leaf_move, test_teardown),
        };
        int r;

        if (!kt_is_root()) {
                fprintf(stderr, "skip: kernel tests need root\n");
                return 77;
        }
        if (argc > 1 && !strcmp(argv[1], "v2")) {
                v2_mode = true;
                if (!kt_is_root() || enter_v2() < 0) {
                        leave_v2();
                        return 1;
                }
                r = cmocka_run_group_tests_name("cgroup-v2", tests, group_setup, group_teardown);
                leave_v2();
                return r;
        }
        return cmocka_run_group_tests_name("cgroup", tests, group_setup, group_teardown);
}
