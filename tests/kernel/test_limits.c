/* Resource limits and statistics of src/shared/cgroup_limits.c on the real
 * kernel, as root, in the private prefix porto-test-limits-<pid>.
 *
 *   kernel_limits        the host's hierarchies (v1 here)
 *   kernel_limits v2     in a private mount namespace where only the cgroup2
 *                        mount is left: detection, -EOPNOTSUPP for the
 *                        controllers v1 holds, and what v2 has (hugetlb,
 *                        core cpu.stat).
 *
 * Safety: every workload child is attached to its cgroup (by the parent)
 * before it does anything, dies with the test (PR_SET_PDEATHSIG) and has an
 * alarm; forks are counted and capped. Each test's teardown kills and
 * removes its cgroups, also after a failed assertion. */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kernel.h"
#include "shared/cgroup.h"

#define CT "t"
#define MB (1024ULL * 1024)
#define NS_PER_SEC 1000000000ULL
#define CHILD_ALARM_S 15
#define MAX_KIDS 8

static char prefix[64];
static bool v2_mode;
static char v2_subtree_before[512]; /* unified root's subtree_control */
static char v2_own[256];            /* private v2 cgroup, if we had to move */
static char tmpdir[64];

static pid_t kids[MAX_KIDS];
static int kid_done[MAX_KIDS] = { -1, -1, -1, -1, -1, -1, -1, -1 };

/* ---- cgroups and children ---------------------------------------------- */

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
        for (int i = 0; i < 50 && rmdir(dir) < 0 && errno == EBUSY; i++)
                kt_msleep(10);
}

static void create_all(const char *rel)
{
        for (unsigned c = 0; c < CG_CONTROLLER_MAX; c++)
                if (cg_supported(c))
                        assert_int_equal(cg_create(c, rel), 0);
}

static void kill_kids(void)
{
        for (int i = 0; i < MAX_KIDS; i++) {
                if (kids[i] > 0)
                        kt_kill_wait(kids[i]);
                kids[i] = 0;
                if (kid_done[i] >= 0)
                        close(kid_done[i]);
                kid_done[i] = -1;
        }
}

/* Kill whatever is in CT and remove it everywhere. */
/* A sibling of our root in the cpu hierarchy: another daemon's root. */
static void rt_sibling_path(char *buf, size_t size)
{
        char *root = NULL, *slash;

        buf[0] = 0;
        if (cg_path(CG_CPU, "", &root) < 0)
                return;
        slash = strrchr(root, '/');
        if (slash)
                snprintf(buf, size, "%.*s/%s-sib", (int) (slash - root), root, prefix);
        free(root);
}

static int ct_teardown(void **state)
{
        char sib[4096];

        (void) state;
        rt_sibling_path(sib, sizeof(sib));
        if (sib[0])
                (void) rmdir(sib);
        if (cg_exists(CG_FREEZER, CT))
                (void) cg_kill_all(CT, SIGKILL);
        kill_kids();
        kt_msleep(10);
        kt_reap_all();
        for (unsigned c = 0; c < CG_CONTROLLER_MAX; c++) {
                char *path = NULL;

                if (cg_path(c, CT, &path) < 0)
                        continue;
                rmdir_tree(path);
                free(path);
        }
        return 0;
}

typedef int (*work_fn)(int done_fd, void *arg);

/* Fork a child that waits until it has joined CT in every controller, then
 * runs fn (whose return is its exit code). fn writes to done_fd to tell
 * the test it reached the state to measure. Returns the kid slot. */
static int spawn_in_ct(work_fn fn, void *arg)
{
        int go[2], done[2], slot = -1;
        pid_t parent = getpid(), pid;

        for (int i = 0; i < MAX_KIDS; i++)
                if (kids[i] == 0) {
                        slot = i;
                        break;
                }
        assert_true(slot >= 0);
        assert_int_equal(pipe2(go, O_CLOEXEC), 0);
        assert_int_equal(pipe2(done, O_CLOEXEC), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                char c;

                prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (getppid() != parent)
                        _exit(99);
                alarm(CHILD_ALARM_S);
                close(go[1]);
                close(done[0]);
                if (read(go[0], &c, 1) != 1)
                        _exit(98);
                _exit(fn(done[1], arg));
        }
        close(go[0]);
        close(done[1]);
        kids[slot] = pid;
        kid_done[slot] = done[0];
        for (unsigned c = 0; c < CG_CONTROLLER_MAX; c++)
                if (cg_supported(c))
                        assert_int_equal(cg_attach(c, CT, pid), 0);
        assert_int_equal(write(go[1], "g", 1), 1);
        close(go[1]);
        return slot;
}

/* Wait (bounded) for the kid to report; returns the byte it wrote. */
static char wait_done(int slot)
{
        struct pollfd p = { .fd = kid_done[slot], .events = POLLIN };
        char c = 0;

        assert_int_equal(poll(&p, 1, 10000), 1);
        assert_int_equal(read(kid_done[slot], &c, 1), 1);
        return c;
}

static int wait_kid(int slot)
{
        int status = kt_wait(kids[slot]);

        kids[slot] = 0;
        return status;
}

/* Wait to be killed (the test measures meanwhile). */
static _Noreturn void park(void)
{
        for (;;)
                pause();
}

static void report(int done_fd, char c)
{
        if (write(done_fd, &c, 1) != 1)
                _exit(97);
}

/* ---- workloads (run in the child: no cmocka here) ------------------------ */

static int work_touch(int done_fd, void *arg)
{
        size_t bytes = *(size_t *) arg;
        char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        char path[128];
        int fd;

        if (p == MAP_FAILED)
                return 2;
        /* Small pages, so that every page is a fault of its own. */
        (void) madvise(p, bytes, MADV_NOHUGEPAGE);
        for (size_t i = 0; i < bytes; i += 4096)
                p[i] = 1;
        /* Page cache: 8M written to a file. */
        snprintf(path, sizeof(path), "%s/cache", tmpdir);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
                return 3;
        for (int i = 0; i < 8; i++)
                if (write(fd, p, MB) != (ssize_t) MB)
                        return 4;
        close(fd);
        report(done_fd, 'd');
        park();
}

/* Allocate until killed, at most 512M (so a limit that does not work
 * still ends). */
static int work_hog(int done_fd, void *arg)
{
        (void) done_fd;
        (void) arg;
        for (int i = 0; i < 512; i++) {
                char *p = mmap(NULL, MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

                if (p == MAP_FAILED)
                        return 2;
                for (size_t o = 0; o < MB; o += 4096)
                        p[o] = 1;
        }
        return 3;
}

static uint64_t mono_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * NS_PER_SEC + (uint64_t) ts.tv_nsec;
}

static int work_spin(int done_fd, void *arg)
{
        uint64_t end = mono_ns() + *(uint64_t *) arg;
        volatile uint64_t x = 0;

        while (mono_ns() < end)
                x++;
        report(done_fd, 'd');
        park();
}

static int work_sleep(int done_fd, void *arg)
{
        (void) arg;
        report(done_fd, 'd');
        park();
}

/* Fork up to 10 sleeping grandchildren; report how many forks worked. */
static int work_forker(int done_fd, void *arg)
{
        pid_t me = getpid();
        int ok = 0;

        (void) arg;
        for (int i = 0; i < 10; i++) {
                pid_t pid = fork();

                if (pid == 0) {
                        prctl(PR_SET_PDEATHSIG, SIGKILL);
                        if (getppid() != me)
                                _exit(0);
                        alarm(CHILD_ALARM_S);
                        park();
                }
                if (pid > 0)
                        ok++;
                else if (errno != EAGAIN)
                        return 2;
        }
        report(done_fd, (char) ('0' + ok));
        park();
}

/* O_DIRECT write and read of 4M, so that the block layer sees the io as
 * this task's (v1 charges buffered writeback to the root). */
static int work_io(int done_fd, void *arg)
{
        char path[128];
        void *buf;
        int fd;

        (void) arg;
        if (posix_memalign(&buf, 4096, MB))
                return 2;
        memset(buf, 'x', MB);
        snprintf(path, sizeof(path), "%s/direct", tmpdir);
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_DIRECT | O_CLOEXEC, 0600);
        if (fd < 0) {
                report(done_fd, 'n'); /* no O_DIRECT here */
                park();
        }
        for (int i = 0; i < 4; i++)
                if (write(fd, buf, MB) != (ssize_t) MB)
                        return 3;
        if (fsync(fd) < 0 || lseek(fd, 0, SEEK_SET) != 0)
                return 4;
        for (int i = 0; i < 4; i++)
                if (read(fd, buf, MB) != (ssize_t) MB)
                        return 5;
        close(fd);
        report(done_fd, 'd');
        park();
}

/* ---- tests ------------------------------------------------------------ */

static void test_features(void **state)
{
        static const char *const names[CG_FEAT_MAX] = {
                "memory_limit", "memory_guarantee", "memsw_limit", "memory_soft_limit", "anon_limit",
                "anon_only", "anon_max_usage", "dirty_limit", "recharge_on_pgfault", "memory_max_usage",
                "oom_events", "cpu_shares", "cpu_limit", "cpu_rt", "cpu_usage_split", "cpu_wait",
                "cpu_throttled", "cpuset", "pids_limit", "io_stat", "io_time", "io_limit", "io_weight",
                "hugetlb", "io_fs_limit",
        };

        (void) state;
        assert_int_equal(cg_is_v2(), v2_mode);
        for (unsigned f = 0; f < CG_FEAT_MAX; f++) {
                bool has = cg_has_feature(f);

                fprintf(stderr, "  %-20s %s%s%s\n", names[f], has ? "yes" : "no", has ? "" : ": ",
                        has ? "" : cg_feature_reason(f));
                assert_non_null(cg_feature_reason(f));
        }
        assert_false(cg_has_feature(CG_FEAT_MAX));
        assert_non_null(cg_feature_reason(CG_FEAT_MAX));
        /* Mainline kernels have these whenever the controller is there. */
        assert_int_equal(cg_has_feature(CG_FEAT_MEMORY_LIMIT), cg_supported(CG_MEMORY));
        assert_int_equal(cg_has_feature(CG_FEAT_OOM_EVENTS), cg_supported(CG_MEMORY));
        assert_int_equal(cg_has_feature(CG_FEAT_CPUSET), cg_supported(CG_CPUSET));
        assert_int_equal(cg_has_feature(CG_FEAT_PIDS_LIMIT), cg_supported(CG_PIDS));
        assert_int_equal(cg_has_feature(CG_FEAT_HUGETLB), cg_supported(CG_HUGETLB));
        assert_int_equal(cg_has_feature(CG_FEAT_CPU_SHARES), cg_supported(CG_CPU));
        if (cg_supported(CG_CPUACCT))
                assert_true(cg_has_feature(CG_FEAT_CPU_USAGE_SPLIT));
        if (!cg_supported(CG_MEMORY))
                assert_non_null(strstr(cg_feature_reason(CG_FEAT_MEMORY_LIMIT), "controller is not available"));
        if (v2_mode) {
                assert_false(cg_has_feature(CG_FEAT_ANON_LIMIT));
                assert_false(cg_has_feature(CG_FEAT_CPU_RT));
                assert_false(cg_has_feature(CG_FEAT_MEMSW_LIMIT));
        }
}

static void expect_unsupported_memory(void)
{
        uint64_t v;
        int fd;

        assert_int_equal(cg_set_memory_limit(CT, 64 * MB), -EOPNOTSUPP);
        assert_int_equal(cg_get_memory_limit(CT, &v), -EOPNOTSUPP);
        assert_int_equal(cg_memory_oom_event_open(CT, &fd), -EOPNOTSUPP);
        assert_int_equal(cg_memory_stat(CT, &(struct cg_memory_stat) {}), -EOPNOTSUPP);
}

static void test_memory_limits(void **state)
{
        uint64_t v = 0;
        bool b;

        (void) state;
        create_all(CT);
        if (!cg_supported(CG_MEMORY)) {
                expect_unsupported_memory();
                return;
        }
        assert_int_equal(cg_set_memory_limit(CT, 64 * MB), 0);
        assert_int_equal(cg_get_memory_limit(CT, &v), 0);
        assert_true(v == 64 * MB);
        /* The kernel keeps whole pages. */
        assert_int_equal(cg_set_memory_limit(CT, 1024 * MB + 1), 0);
        assert_int_equal(cg_get_memory_limit(CT, &v), 0);
        assert_true(v == 1024 * MB);
        assert_int_equal(cg_set_memory_limit(CT, 0), 0);
        assert_int_equal(cg_get_memory_limit(CT, &v), 0);
        assert_true(v == 0);
        assert_int_equal(cg_set_memory_limit(CT, UINT64_MAX), 0);
        assert_int_equal(cg_get_memory_limit(CT, &v), 0);
        assert_true(v == 0);

        if (cg_has_feature(CG_FEAT_MEMSW_LIMIT)) {
                /* memsw below an unlimited memory limit: refused */
                assert_int_equal(cg_set_memsw_limit(CT, 128 * MB), -EINVAL);
                assert_int_equal(cg_set_memory_limit(CT, 64 * MB), 0);
                assert_int_equal(cg_set_memsw_limit(CT, 128 * MB), 0);
                assert_int_equal(cg_get_memsw_limit(CT, &v), 0);
                assert_true(v == 128 * MB);
                /* memory limit above memory+swap: refused, as documented */
                assert_int_equal(cg_set_memory_limit(CT, 256 * MB), -EINVAL);
                assert_int_equal(cg_set_memsw_limit(CT, 0), 0);
                assert_int_equal(cg_set_memory_limit(CT, 256 * MB), 0);
        } else
                assert_int_equal(cg_set_memsw_limit(CT, 128 * MB), -EOPNOTSUPP);

        assert_int_equal(cg_set_memory_soft_limit(CT, 32 * MB), 0);
        assert_int_equal(cg_get_memory_soft_limit(CT, &v), 0);
        assert_true(v == 32 * MB);
        assert_int_equal(cg_set_memory_soft_limit(CT, 0), 0);
        assert_int_equal(cg_get_memory_soft_limit(CT, &v), 0);
        assert_true(v == 0);

        if (cg_has_feature(CG_FEAT_MEMORY_GUARANTEE)) {
                assert_int_equal(cg_set_memory_guarantee(CT, 16 * MB), 0);
                assert_int_equal(cg_get_memory_guarantee(CT, &v), 0);
                assert_true(v == 16 * MB);
        } else {
                assert_int_equal(cg_set_memory_guarantee(CT, 16 * MB), -EOPNOTSUPP);
                assert_int_equal(cg_get_memory_guarantee(CT, &v), -EOPNOTSUPP);
        }
        /* Offstream knobs: a round trip where they exist, else NotSupported. */
        if (cg_has_feature(CG_FEAT_ANON_LIMIT)) {
                assert_int_equal(cg_set_anon_limit(CT, 48 * MB), 0);
                assert_int_equal(cg_get_anon_limit(CT, &v), 0);
                assert_true(v == 48 * MB);
        } else
                assert_int_equal(cg_set_anon_limit(CT, 48 * MB), -EOPNOTSUPP);
        if (cg_has_feature(CG_FEAT_DIRTY_LIMIT)) {
                assert_int_equal(cg_set_dirty_limit(CT, 8 * MB), 0);
                assert_int_equal(cg_get_dirty_limit(CT, &v), 0);
                assert_true(v == 8 * MB);
        } else
                assert_int_equal(cg_set_dirty_limit(CT, 8 * MB), -EOPNOTSUPP);
        if (cg_has_feature(CG_FEAT_RECHARGE_ON_PGFAULT)) {
                assert_int_equal(cg_set_recharge_on_pgfault(CT, true), 0);
                assert_int_equal(cg_get_recharge_on_pgfault(CT, &b), 0);
                assert_true(b);
        } else
                assert_int_equal(cg_set_recharge_on_pgfault(CT, true), -EOPNOTSUPP);
        if (cg_has_feature(CG_FEAT_ANON_ONLY)) {
                assert_int_equal(cg_set_anon_only(CT, true), 0);
                assert_int_equal(cg_get_anon_only(CT, &b), 0);
                assert_true(b);
        } else
                assert_int_equal(cg_get_anon_only(CT, &b), -EOPNOTSUPP);
        if (!cg_has_feature(CG_FEAT_ANON_MAX_USAGE))
                assert_int_equal(cg_anon_max_usage(CT, &v), -EOPNOTSUPP);

        /* A missing cgroup is not a missing feature. */
        assert_int_equal(cg_set_memory_limit("nope", 64 * MB), -ENOENT);
        assert_int_equal(cg_get_memory_limit("nope", &v), -ENOENT);
        assert_int_equal(cg_set_memory_guarantee("nope", 1), -ENOENT);
        assert_int_equal(cg_set_memory_limit("../x", 64 * MB), -EINVAL);
}

static void test_memory_stats(void **state)
{
        size_t bytes = 48 * MB;
        struct cg_memory_stat st;
        uint64_t peak, peak2;
        int slot;

        (void) state;
        create_all(CT);
        if (!cg_supported(CG_MEMORY)) {
                expect_unsupported_memory();
                return;
        }
        slot = spawn_in_ct(work_touch, &bytes);
        assert_int_equal(wait_done(slot), 'd');
        assert_int_equal(cg_memory_stat(CT, &st), 0);
        fprintf(stderr, "  usage %llu anon %llu cache %llu minor %llu major %llu\n",
                (unsigned long long) st.usage, (unsigned long long) st.anon, (unsigned long long) st.cache,
                (unsigned long long) st.minor_faults, (unsigned long long) st.major_faults);
        assert_true(st.usage >= 48 * MB);
        assert_true(st.anon >= 44 * MB);
        assert_true(st.cache >= 4 * MB);
        assert_true(st.usage >= st.anon);
        assert_true(st.minor_faults >= 48 * MB / 4096 - 64);
        assert_int_equal(cg_memory_max_usage(CT, &peak), 0);
        assert_true(peak >= st.usage - 4 * MB);
        if (!v2_mode) {
                kt_kill_wait(kids[slot]);
                kids[slot] = 0;
                assert_int_equal(cg_memory_reset_max_usage(CT), 0);
                assert_int_equal(cg_memory_max_usage(CT, &peak2), 0);
                assert_true(peak2 < peak);
        }
}

static void test_oom(void **state)
{
        struct pollfd p = { .events = POLLIN };
        uint64_t kills0 = 0, kills = 0;
        int slot, status, fd = -1;

        (void) state;
        create_all(CT);
        if (!cg_supported(CG_MEMORY)) {
                expect_unsupported_memory();
                return;
        }
        assert_int_equal(cg_set_memory_limit(CT, 32 * MB), 0);
        if (cg_has_feature(CG_FEAT_MEMSW_LIMIT))
                assert_int_equal(cg_set_memsw_limit(CT, 32 * MB), 0);
        assert_int_equal(cg_memory_oom_kills(CT, &kills0), 0);
        assert_int_equal(cg_memory_oom_event_open(CT, &fd), 0);
        assert_true(fd >= 0);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        assert_int_equal(cg_memory_oom_event_drain(fd), 0); /* nothing yet */

        slot = spawn_in_ct(work_hog, NULL);
        status = wait_kid(slot);
        p.fd = fd;
        assert_int_equal(poll(&p, 1, 5000), 1);
        assert_true(cg_memory_oom_event_drain(fd) > 0);
        assert_int_equal(cg_memory_oom_event_drain(fd), 0);
        close(fd);
        assert_true(WIFSIGNALED(status));
        assert_int_equal(WTERMSIG(status), SIGKILL);
        assert_int_equal(cg_memory_oom_kills(CT, &kills), 0);
        assert_true(kills >= kills0 + 1);
        assert_int_equal(cg_memory_oom_event_drain(-1), -EBADF);
}

static void test_cpu_limits(void **state)
{
        uint64_t v = 0, power = 0, period = 0, rt = 0, rtp = 0;

        (void) state;
        create_all(CT);
        if (!cg_supported(CG_CPU)) {
                assert_int_equal(cg_set_cpu_shares(CT, 2048), -EOPNOTSUPP);
                assert_int_equal(cg_set_cpu_limit(CT, NS_PER_SEC, 100000000), -EOPNOTSUPP);
                assert_int_equal(cg_get_cpu_rt(CT, &rt, &rtp), -EOPNOTSUPP);
                return;
        }
        assert_int_equal(cg_set_cpu_shares(CT, 2048), 0);
        assert_int_equal(cg_get_cpu_shares(CT, &v), 0);
        if (v2_mode) /* through cpu.weight: one weight step */
                assert_true(v <= 2048 && v >= 2048 - 27);
        else
                assert_true(v == 2048);
        assert_int_equal(cg_set_cpu_shares(CT, 1), 0);
        assert_int_equal(cg_get_cpu_shares(CT, &v), 0);
        assert_true(v == 2);
        assert_int_equal(cg_set_cpu_shares(CT, 1ULL << 40), 0);
        assert_int_equal(cg_get_cpu_shares(CT, &v), 0);
        assert_true(v == 262144);

        assert_int_equal(cg_set_cpu_limit(CT, NS_PER_SEC / 2, 100000000), 0);
        assert_int_equal(cg_get_cpu_limit(CT, &power, &period), 0);
        assert_true(power == NS_PER_SEC / 2 && period == 100000000);
        assert_int_equal(cg_set_cpu_limit(CT, 3 * NS_PER_SEC / 2, 10000000), 0);
        assert_int_equal(cg_get_cpu_limit(CT, &power, &period), 0);
        assert_true(power == 3 * NS_PER_SEC / 2 && period == 10000000);
        /* Tiny power: the kernel's 1ms minimum quota. */
        assert_int_equal(cg_set_cpu_limit(CT, 1, 100000000), 0);
        assert_int_equal(cg_get_cpu_limit(CT, &power, &period), 0);
        assert_true(power == NS_PER_SEC / 100);
        assert_int_equal(cg_set_cpu_limit(CT, 0, 50000000), 0);
        assert_int_equal(cg_get_cpu_limit(CT, &power, &period), 0);
        assert_true(power == 0 && period == 50000000);
        assert_int_equal(cg_set_cpu_limit(CT, NS_PER_SEC, 0), -ERANGE);
        assert_int_equal(cg_set_cpu_limit(CT, NS_PER_SEC, 2 * NS_PER_SEC), -ERANGE);
        assert_int_equal(cg_set_cpu_limit("nope", NS_PER_SEC, 100000000), -ENOENT);

        if (!cg_has_feature(CG_FEAT_CPU_RT)) {
                assert_int_equal(cg_set_cpu_rt(CT, 1000000, NS_PER_SEC), -EOPNOTSUPP);
                assert_int_equal(cg_cpu_rt_budget(NS_PER_SEC, &rt), -EOPNOTSUPP);
                return;
        }
        /* The budget of our root fits, 1ms more does not (unless another
         * process changed the host meanwhile); our own runtime is free. */
        assert_int_equal(cg_cpu_rt_budget(NS_PER_SEC, &rt), 0);
        if (rt >= 2000000) {
                uint64_t again;

                assert_int_equal(cg_set_cpu_rt("", rt, NS_PER_SEC), 0);
                assert_int_equal(cg_cpu_rt_budget(NS_PER_SEC, &again), 0);
                assert_true(again == rt);
                assert_true(cg_set_cpu_rt("", rt + 1000000, NS_PER_SEC) < 0);
                assert_int_equal(cg_set_cpu_rt("", 0, NS_PER_SEC), 0);
        }
        assert_int_equal(cg_cpu_rt_budget(0, &rtp), -ERANGE);
        /* what a sibling of our root holds is not ours */
        if (rt >= 200000000) {
                char sib[4096], knob[4200];
                uint64_t again;
                FILE *f;

                rt_sibling_path(sib, sizeof(sib));
                assert_true(sib[0] && mkdir(sib, 0755) == 0);
                snprintf(knob, sizeof(knob), "%s/cpu.rt_runtime_us", sib);
                f = fopen(knob, "w");
                assert_non_null(f);
                assert_true(fprintf(f, "100000\n") > 0);
                assert_int_equal(fclose(f), 0);
                assert_int_equal(cg_cpu_rt_budget(NS_PER_SEC, &again), 0);
                assert_true(again + 100000000 <= rt + 1000 && again + 100000000 + 1000 >= rt);
                assert_int_equal(rmdir(sib), 0);
        }
        /* New v1 cgroups have no RT time; children share the parent's. */
        assert_int_equal(cg_get_cpu_rt(CT, &rt, &rtp), 0);
        assert_true(rt == 0);
        assert_int_equal(cg_set_cpu_rt("", 10000000, NS_PER_SEC), 0);
        assert_int_equal(cg_set_cpu_rt(CT, 5000000, NS_PER_SEC), 0);
        assert_int_equal(cg_get_cpu_rt(CT, &rt, &rtp), 0);
        assert_true(rt == 5000000 && rtp == NS_PER_SEC);
        assert_true(cg_set_cpu_rt(CT, 20000000, NS_PER_SEC) < 0);
        assert_int_equal(cg_set_cpu_rt(CT, 1000000, 500000000), 0);
        assert_int_equal(cg_get_cpu_rt(CT, &rt, &rtp), 0);
        assert_true(rt == 1000000 && rtp == 500000000);
        assert_int_equal(cg_set_cpu_rt(CT, 2 * NS_PER_SEC, NS_PER_SEC), -ERANGE);
        assert_int_equal(cg_set_cpu_rt(CT, 0, NS_PER_SEC), 0);
        assert_int_equal(cg_set_cpu_rt("", 0, NS_PER_SEC), 0);
}

static void test_cpu_usage(void **state)
{
        uint64_t spin = 400000000, usage = 0, user = 0, sys = 0, wait = 0;
        struct cg_cpu_throttling th;
        bool limited = cg_supported(CG_CPU) && cg_has_feature(CG_FEAT_CPU_LIMIT);
        int slot;

        (void) state;
        create_all(CT);
        if (!cg_supported(CG_CPUACCT))
                return;
        if (limited) {
                assert_int_equal(cg_set_cpu_limit(CT, NS_PER_SEC / 2, 100000000), 0);
                /* Reach the quota even on a loaded test machine. */
                assert_int_equal(cg_set_cpu_shares(CT, 262144), 0);
        }
        slot = spawn_in_ct(work_spin, &spin);
        assert_int_equal(wait_done(slot), 'd');
        assert_int_equal(cg_cpu_usage(CT, &usage), 0);
        assert_int_equal(cg_cpu_usage_split(CT, &user, &sys), 0);
        fprintf(stderr, "  usage %.3fs user %.3fs system %.3fs\n", usage / 1e9, user / 1e9, sys / 1e9);
        assert_true(usage >= 50000000);
        assert_true(user + sys >= 20000000);
        if (limited) {
                /* 0.5 core for 0.4s: about 0.2s, certainly below 0.35s */
                assert_true(usage <= 350000000);
                assert_int_equal(cg_cpu_throttling(CT, &th), 0);
                fprintf(stderr, "  periods %llu throttled %llu for %.3fs\n", (unsigned long long) th.nr_periods,
                        (unsigned long long) th.nr_throttled, th.throttled_ns / 1e9);
                assert_true(th.nr_periods >= 2);
                assert_true(th.nr_throttled >= 1);
                assert_true(th.throttled_ns > 0);
        } else
                assert_int_equal(cg_cpu_throttling(CT, &th), -EOPNOTSUPP);
        if (cg_has_feature(CG_FEAT_CPU_WAIT))
                assert_int_equal(cg_cpu_wait(CT, &wait), 0);
        else
                assert_int_equal(cg_cpu_wait(CT, &wait), -EOPNOTSUPP);
}

static void test_cpuset(void **state)
{
        char *root = NULL, *s = NULL;
        cpu_set_t set;
        int slot, r;

        (void) state;
        create_all(CT);
        if (!cg_supported(CG_CPUSET)) {
                assert_int_equal(cg_set_cpuset_cpus(CT, "0"), -EOPNOTSUPP);
                return;
        }
        assert_int_equal(cg_get_cpuset_cpus("", true, &root), 0);
        assert_int_equal(cg_get_cpuset_cpus(CT, false, &s), 0);
        assert_string_equal(s, root); /* cg_create copied it */
        free(s);
        assert_int_equal(cg_set_cpuset_mems(CT, "0"), 0);
        assert_int_equal(cg_get_cpuset_mems(CT, false, &s), 0);
        assert_string_equal(s, "0");
        free(s);
        assert_int_equal(cg_get_cpuset_mems(CT, true, &s), 0);
        assert_string_equal(s, "0");
        free(s);
        assert_true(cg_set_cpuset_cpus(CT, "99999") < 0);

        if (sysconf(_SC_NPROCESSORS_ONLN) >= 2 && !strcmp(root, "0-1")) {
                assert_int_equal(cg_set_cpuset_cpus(CT, "1"), 0);
                assert_int_equal(cg_get_cpuset_cpus(CT, false, &s), 0);
                assert_string_equal(s, "1");
                free(s);
                assert_int_equal(cg_get_cpuset_cpus(CT, true, &s), 0);
                assert_string_equal(s, "1");
                free(s);
                slot = spawn_in_ct(work_sleep, NULL);
                assert_int_equal(wait_done(slot), 'd');
                CPU_ZERO(&set);
                assert_int_equal(sched_getaffinity(kids[slot], sizeof(set), &set), 0);
                assert_int_equal(CPU_COUNT(&set), 1);
                assert_true(CPU_ISSET(1, &set));

                /* v1: a parent cannot shrink below what a child holds. */
                if (!v2_mode) {
                        assert_int_equal(cg_set_cpuset_cpus(CT, ""), 0);
                        assert_int_equal(cg_create(CG_CPUSET, CT "/sub"), 0);
                        assert_int_equal(cg_set_cpuset_cpus(CT "/sub", "0-1"), 0);
                        r = cg_set_cpuset_cpus(CT, "1");
                        assert_true(r == -EBUSY || r == -EINVAL);
                        assert_int_equal(cg_set_cpuset_cpus(CT "/sub", "1"), 0);
                        assert_int_equal(cg_set_cpuset_cpus(CT, "1"), 0);
                }
        }
        /* Back to inherit. */
        assert_int_equal(cg_set_cpuset_cpus(CT "/sub", NULL), cg_exists(CG_CPUSET, CT "/sub") ? 0 : -ENOENT);
        assert_int_equal(cg_set_cpuset_cpus(CT, NULL), 0);
        assert_int_equal(cg_get_cpuset_cpus(CT, true, &s), 0);
        assert_string_equal(s, root);
        free(s);
        free(root);
}

static void test_pids(void **state)
{
        uint64_t v = 9, cur = 0;
        int slot;

        (void) state;
        create_all(CT);
        if (!cg_supported(CG_PIDS)) {
                assert_int_equal(cg_set_pids_limit(CT, 4), -EOPNOTSUPP);
                return;
        }
        assert_int_equal(cg_get_pids_limit(CT, &v), 0);
        assert_true(v == 0);
        assert_int_equal(cg_set_pids_limit(CT, 100), 0);
        assert_int_equal(cg_get_pids_limit(CT, &v), 0);
        assert_true(v == 100);
        assert_int_equal(cg_set_pids_limit(CT, 0), 0);
        assert_int_equal(cg_get_pids_limit(CT, &v), 0);
        assert_true(v == 0);

        /* 4 tasks: the forker and 3 children; the other forks fail. */
        assert_int_equal(cg_set_pids_limit(CT, 4), 0);
        slot = spawn_in_ct(work_forker, NULL);
        assert_int_equal(wait_done(slot), '3');
        assert_int_equal(cg_pids_current(CT, &cur), 0);
        assert_true(cur == 4);
}

static void test_io(void **state)
{
        struct cg_io_limit *lim = NULL;
        struct cg_io_stat *st = NULL;
        char *name = NULL;
        size_t n = 0;
        uint64_t w = 0;
        dev_t dev, dev2;
        bool found = false;
        int slot, r;
        char c;

        (void) state;
        create_all(CT);
        r = cg_io_disk_of_path(tmpdir, &dev);
        if (r == -ENODEV) {
                fprintf(stderr, "  %s has no block device: io limits not tested\n", tmpdir);
                return;
        }
        assert_int_equal(r, 0);
        assert_int_equal(cg_io_disk_name(dev, &name), 0);
        assert_int_equal(cg_io_disk_by_name(name, &dev2), 0);
        assert_true(dev == dev2);
        {
                char num[32];

                snprintf(num, sizeof(num), "%u:%u", major(dev), minor(dev));
                assert_int_equal(cg_io_disk_by_name(num, &dev2), 0);
                assert_true(dev == dev2);
        }
        fprintf(stderr, "  %s is on %s (%u:%u)\n", tmpdir, name, major(dev), minor(dev));
        free(name);
        assert_int_equal(cg_io_disk_by_name("porto-no-such-disk", &dev2), -ENODEV);
        assert_int_equal(cg_io_disk_by_name("../vda", &dev2), -EINVAL);
        assert_int_equal(cg_io_disk_by_name("", &dev2), -EINVAL);
        assert_int_equal(cg_io_disk_of_path("/proc", &dev2), -ENODEV);
        {
                int fd = open(tmpdir, O_PATH | O_CLOEXEC);

                assert_true(fd >= 0);
                assert_int_equal(cg_io_disk_of_fd(fd, &dev2), 0);
                assert_true(dev == dev2);
                close(fd);
                fd = open("/proc", O_PATH | O_CLOEXEC);
                assert_int_equal(cg_io_disk_of_fd(fd, &dev2), -ENODEV);
                close(fd);
        }

        if (!cg_supported(CG_BLKIO)) {
                assert_int_equal(cg_set_io_limit(CT, dev, false, CG_IO_READ, MB), -EOPNOTSUPP);
                return;
        }
        assert_int_equal(cg_set_io_limit(CT, dev, false, CG_IO_READ, 10 * MB), 0);
        assert_int_equal(cg_set_io_limit(CT, dev, true, CG_IO_WRITE, 100), 0);
        assert_int_equal(cg_get_io_limits(CT, &lim, &n), 0);
        for (size_t i = 0; i < n; i++)
                if (lim[i].dev == dev) {
                        found = true;
                        assert_true(lim[i].read_bps == 10 * MB && lim[i].write_bps == 0);
                        assert_true(lim[i].read_iops == 0 && lim[i].write_iops == 100);
                }
        assert_true(found);
        free(lim);
        lim = NULL;
        assert_int_equal(cg_set_io_limit(CT, dev, false, CG_IO_RW, 0), 0);
        assert_int_equal(cg_set_io_limit(CT, dev, true, CG_IO_RW, 0), 0);
        assert_int_equal(cg_get_io_limits(CT, &lim, &n), 0);
        for (size_t i = 0; i < n; i++)
                assert_true(lim[i].dev != dev || (!lim[i].read_bps && !lim[i].write_bps && !lim[i].read_iops &&
                                                  !lim[i].write_iops));
        free(lim);
        assert_int_equal(cg_set_io_limit(CT, dev, false, 0, 1), -EINVAL);
        assert_int_equal(cg_set_io_limit(CT, dev, false, 7, 1), -EINVAL);

        if (cg_has_feature(CG_FEAT_IO_WEIGHT)) {
                assert_int_equal(cg_set_io_weight(CT, 500), 0);
                assert_int_equal(cg_get_io_weight(CT, &w), 0);
                assert_true(w == 500);
                assert_int_equal(cg_set_io_weight(CT, 1000), 0);
                assert_int_equal(cg_get_io_weight(CT, &w), 0);
                assert_true(w == 1000);
        } else
                assert_int_equal(cg_set_io_weight(CT, 500), -EOPNOTSUPP);
        if (!cg_has_feature(CG_FEAT_IO_FS_LIMIT))
                assert_int_equal(cg_set_io_fs_limit(CT, false, MB), -EOPNOTSUPP);
        if (!cg_has_feature(CG_FEAT_IO_TIME)) {
                struct cg_io_time *t = NULL;

                assert_int_equal(cg_io_time(CT, &t, &n), -EOPNOTSUPP);
        }

        /* Statistics: 4M written and read with O_DIRECT by a task inside. */
        slot = spawn_in_ct(work_io, NULL);
        c = wait_done(slot);
        if (c == 'n') {
                fprintf(stderr, "  no O_DIRECT on %s: io statistics not tested\n", tmpdir);
                return;
        }
        assert_int_equal(c, 'd');
        assert_int_equal(cg_io_stat(CT, &st, &n), 0);
        found = false;
        for (size_t i = 0; i < n; i++)
                if (st[i].dev == dev) {
                        found = true;
                        fprintf(stderr, "  read %llu (%llu ops) write %llu (%llu ops)\n",
                                (unsigned long long) st[i].read_bytes, (unsigned long long) st[i].read_ops,
                                (unsigned long long) st[i].write_bytes, (unsigned long long) st[i].write_ops);
                        assert_true(st[i].write_bytes >= 4 * MB);
                        assert_true(st[i].read_bytes >= 4 * MB);
                        assert_true(st[i].write_ops >= 1 && st[i].read_ops >= 1);
                }
        free(st);
        assert_true(found);
}

static void test_hugetlb(void **state)
{
        uint64_t v = 7;

        (void) state;
        create_all(CT);
        if (!cg_supported(CG_HUGETLB)) {
                assert_int_equal(cg_set_hugetlb_limit(CT, 4 * MB), -EOPNOTSUPP);
                assert_int_equal(cg_hugetlb_usage(CT, &v), -EOPNOTSUPP);
                assert_non_null(strstr(cg_feature_reason(CG_FEAT_HUGETLB), "hugetlb"));
                return;
        }
        assert_int_equal(cg_set_hugetlb_limit(CT, 4 * MB), 0);
        assert_int_equal(cg_get_hugetlb_limit(CT, &v), 0);
        assert_true(v == 4 * MB);
        assert_int_equal(cg_set_hugetlb_limit(CT, 0), 0);
        assert_int_equal(cg_get_hugetlb_limit(CT, &v), 0);
        assert_true(v == 0);
        assert_int_equal(cg_hugetlb_usage(CT, &v), 0);
        assert_true(v == 0);
}

/* v2 "no internal processes": a container cgroup with a task gets a child
 * cgroup; the task moves into the "+self" leaf, the child gets the
 * controllers, the task still counts as the container's. */
static void test_v2_task_leaf(void **state)
{
        pid_t a, b;
        pid_t *pids = NULL;
        size_t n = 0;
        char *rel = NULL, *procs = NULL;
        bool found_a = false, found_b = false;

        (void) state;
        if (!v2_mode || !cg_supported(CG_HUGETLB)) {
                fprintf(stderr, "skip: needs v2 with a controller (hugetlb)\n");
                skip();
        }
        create_all(CT);
        a = kt_sleeper();
        assert_int_equal(cg_attach(CG_FREEZER, CT, a), 0);
        assert_int_equal(cg_create(CG_HUGETLB, CT "/child"), 0);
        /* the child has the controller: the task made room */
        assert_int_equal(cg_set_hugetlb_limit(CT "/child", 4 * MB), 0);
        assert_int_equal(cg_pid_cgroup(CG_FREEZER, a, &rel), 0);
        assert_string_equal(rel, CT);
        /* new tasks of the container join the leaf */
        assert_int_equal(cg_procs_path(CG_FREEZER, CT, &procs), 0);
        assert_non_null(strstr(procs, "/" CT "/+self/cgroup.procs"));
        b = kt_sleeper();
        assert_int_equal(cg_attach(CG_FREEZER, CT, b), 0);
        assert_int_equal(cg_get_pids(CG_FREEZER, CT, false, &pids, &n), 0);
        for (size_t i = 0; i < n; i++) {
                found_a |= pids[i] == a;
                found_b |= pids[i] == b;
        }
        assert_true(found_a && found_b);
        assert_false(cg_is_empty(CG_FREEZER, CT));
        assert_int_equal(cg_kill_all(CT, SIGKILL), 0);
        kt_reap_all();
        assert_int_equal(cg_remove(CG_HUGETLB, CT "/child"), 0);
        assert_int_equal(cg_remove(CG_FREEZER, CT), 0);
        assert_false(cg_exists(CG_FREEZER, CT));
        free(pids);
        free(rel);
        free(procs);
}

static void test_raw_knob(void **state)
{
        static const char *const bad[] = {
                "", "..", "../memory.stat", "memory.stat/..", "memory/../x", "cpu..shares", "memory", "memory.",
                ".stat", "a/b", "memory.stat\n", "cgroup.procs/",
        };
        char *s = NULL;
        uint64_t v;

        (void) state;
        create_all(CT);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                int r = cg_read_knob(CT, bad[i], &s);

                if (r != -EINVAL)
                        fail_msg("\"%s\": %d", bad[i], r);
        }
        assert_int_equal(cg_read_knob(CT, NULL, &s), -EINVAL);
        assert_int_equal(cg_read_knob(CT, "cgroup.procs", &s), 0);
        assert_string_equal(s, "");
        free(s);
        assert_int_equal(cg_read_knob("nope", "cgroup.procs", &s), -ENOENT);
        if (!v2_mode)
                assert_int_equal(cg_read_knob(CT, "nosuch.knob", &s), -EINVAL);
        if (cg_supported(CG_MEMORY)) {
                assert_int_equal(cg_set_memory_limit(CT, 64 * MB), 0);
                assert_int_equal(cg_read_knob(CT, v2_mode ? "memory.max" : "memory.limit_in_bytes", &s), 0);
                assert_string_equal(s, "67108864\n");
                free(s);
                assert_int_equal(cg_read_knob(CT, "memory.nosuch", &s), -EOPNOTSUPP);
                /* A child cgroup named like a knob is not a knob. */
                assert_int_equal(cg_create(CG_MEMORY, CT "/memory.sub"), 0);
                assert_int_equal(cg_read_knob(CT, "memory.sub", &s), -EISDIR);
        } else
                assert_int_equal(cg_read_knob(CT, "memory.stat", &s), -EOPNOTSUPP);
        if (cg_supported(CG_CPUACCT)) {
                assert_int_equal(cg_read_knob(CT, v2_mode ? "cpu.stat" : "cpuacct.usage", &s), 0);
                free(s);
        }
        assert_int_equal(cg_get_memory_limit(CT, &v), cg_supported(CG_MEMORY) ? 0 : -EOPNOTSUPP);
}

/* ---- fixtures --------------------------------------------------------- */

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

static int read_str(const char *path, char *buf, size_t len)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = read(fd, buf, len - 1);
        close(fd);
        if (n < 0)
                return -errno;
        buf[n] = 0;
        buf[strcspn(buf, "\n")] = 0;
        return 0;
}

static const char *unified_mount(void)
{
        static const char *const candidates[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };

        for (size_t i = 0; i < ELEMENTSOF(candidates); i++) {
                char p[256];

                snprintf(p, sizeof(p), "%s/cgroup.subtree_control", candidates[i]);
                if (access(p, F_OK) == 0)
                        return candidates[i];
        }
        return NULL;
}

static bool in_unified_root(void)
{
        char *line = NULL;
        size_t cap = 0;
        bool root = false;
        FILE *f = fopen("/proc/self/cgroup", "re");

        if (!f)
                return false;
        while (getline(&line, &cap, f) > 0)
                if (!strcmp(line, "0::/\n"))
                        root = true;
        free(line);
        fclose(f);
        return root;
}

/* Only the cgroup2 mount stays visible (private mount namespace). We stay
 * in the unified root when we are there, so that cg_init can enable the
 * controllers v2 has (hugetlb here) for our subtree: a cgroup with
 * processes cannot. What it enables there is restored at exit. */
static int enter_v2(void)
{
        const char *unified = unified_mount();
        char line[4096], path[300], pid[16];
        FILE *f;

        if (!unified)
                return -1;
        snprintf(path, sizeof(path), "%s/cgroup.subtree_control", unified);
        if (read_str(path, v2_subtree_before, sizeof(v2_subtree_before)) < 0)
                return -1;
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return -1;
        f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return -1;
        while (fgets(line, sizeof(line), f)) {
                char mnt[4096];

                if (!strstr(line, " - cgroup ") || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
                        continue;
                (void) umount2(mnt, MNT_DETACH);
        }
        fclose(f);
        if (in_unified_root())
                return 0;
        snprintf(v2_own, sizeof(v2_own), "%s/porto-test-limits-own-%d", unified, (int) getpid());
        if (mkdir(v2_own, 0755) < 0)
                return -1;
        snprintf(path, sizeof(path), "%s/cgroup.procs", v2_own);
        snprintf(pid, sizeof(pid), "%d", (int) getpid());
        return write_str(path, pid) < 0 ? -1 : 0;
}

static void leave_v2(void)
{
        const char *unified = unified_mount();
        char path[300], now[512], pid[16];

        if (!unified)
                return;
        if (*v2_own) {
                snprintf(path, sizeof(path), "%s/cgroup.procs", unified);
                snprintf(pid, sizeof(pid), "%d", (int) getpid());
                (void) write_str(path, pid);
                snprintf(path, sizeof(path), "%s/cgroup.kill", v2_own);
                (void) write_str(path, "1");
                rmdir_tree(v2_own);
        }
        /* Disable again what cg_init enabled in the unified root. */
        snprintf(path, sizeof(path), "%s/cgroup.subtree_control", unified);
        if (read_str(path, now, sizeof(now)) < 0)
                return;
        for (char *save = NULL, *t = strtok_r(now, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
                char cmd[64];
                bool before = false;
                char copy[512];

                snprintf(copy, sizeof(copy), "%s", v2_subtree_before);
                for (char *s2 = NULL, *u = strtok_r(copy, " ", &s2); u; u = strtok_r(NULL, " ", &s2))
                        before |= !strcmp(u, t);
                if (before)
                        continue;
                snprintf(cmd, sizeof(cmd), "-%s", t);
                (void) write_str(path, cmd);
        }
}

static int group_setup(void **state)
{
        int r;

        (void) state;
        snprintf(prefix, sizeof(prefix), "porto-test-limits-%d", (int) getpid());
        snprintf(tmpdir, sizeof(tmpdir), "/var/tmp/porto-test-limits-%d", (int) getpid());
        if (mkdir(tmpdir, 0700) < 0) {
                perror(tmpdir);
                return -1;
        }
        r = cg_init(prefix);
        if (r < 0) {
                fprintf(stderr, "cg_init(%s): %s\n", prefix, strerror(-r));
                return -1;
        }
        return 0;
}

static int group_teardown(void **state)
{
        char path[128];

        (void) state;
        (void) ct_teardown(NULL);
        for (unsigned c = 0; c < CG_CONTROLLER_MAX; c++) {
                char *root = NULL;

                if (cg_path(c, "", &root) < 0)
                        continue;
                rmdir_tree(root);
                free(root);
        }
        snprintf(path, sizeof(path), "%s/cache", tmpdir);
        (void) unlink(path);
        snprintf(path, sizeof(path), "%s/direct", tmpdir);
        (void) unlink(path);
        (void) rmdir(tmpdir);
        return 0;
}

int main(int argc, char **argv)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_teardown(test_features, ct_teardown),
                cmocka_unit_test_teardown(test_memory_limits, ct_teardown),
                cmocka_unit_test_teardown(test_memory_stats, ct_teardown),
                cmocka_unit_test_teardown(test_oom, ct_teardown),
                cmocka_unit_test_teardown(test_cpu_limits, ct_teardown),
                cmocka_unit_test_teardown(test_cpu_usage, ct_teardown),
                cmocka_unit_test_teardown(test_cpuset, ct_teardown),
                cmocka_unit_test_teardown(test_pids, ct_teardown),
                cmocka_unit_test_teardown(test_io, ct_teardown),
                cmocka_unit_test_teardown(test_hugetlb, ct_teardown),
                cmocka_unit_test_teardown(test_raw_knob, ct_teardown),
                cmocka_unit_test_teardown(test_v2_task_leaf, ct_teardown),
        };
        int r;

        if (!kt_is_root()) {
                fprintf(stderr, "skip: kernel tests need root\n");
                return 77;
        }
        if (argc > 1 && !strcmp(argv[1], "v2")) {
                v2_mode = true;
                if (enter_v2() < 0) {
                        fprintf(stderr, "cannot enter the unified-only mode\n");
                        leave_v2();
                        return 1;
                }
                r = cmocka_run_group_tests_name("limits-v2", tests, group_setup, group_teardown);
                leave_v2();
                return r;
        }
        return cmocka_run_group_tests_name("limits", tests, group_setup, group_teardown);
}
