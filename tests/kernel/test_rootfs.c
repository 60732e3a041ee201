/* src/shared/rootfs.c, mount.c, devices.c, caps.c on the real kernel, as
 * root.
 *
 * A minimal root is built from Debian's busybox-static in a temp dir. Each
 * test forks a child A that calls rootfs_prepare() (new mount namespace),
 * joins a devices cgroup of the private prefix porto-test-rootfs-<pid>,
 * unshares pid/uts/ipc and forks B, pid 1 of the new pid namespace, which
 * calls rootfs_enter() and checks from inside. B reports over a pipe:
 * "FAIL ..." lines are failures. /proc/self/mountinfo of this process must
 * be identical before and after every test: nothing may leak to the host's
 * mount namespace. */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include "kernel.h"
#include "basic/fileio.h"
#include "basic/strutil.h"
#include "shared/caps.h"
#include "shared/cgroup.h"
#include "shared/devices.h"
#include "shared/ns.h"
#include "shared/rootfs.h"

#define BUSYBOX "/bin/busybox"
#define CHILD_TIMEOUT_S 10

static char tmpdir[64];
static char root[128];
static char prefix[64];
static char *mountinfo_before;
static char **host_mounts; /* mount points of this namespace */
static struct dev_set defaults;
static bool have_busybox;

/* ---- small helpers ---------------------------------------------------------- */

static char *path_of(const char *base, const char *rel)
{
        char *p = NULL;

        assert_true(asprintf(&p, "%s/%s", base, rel) > 0);
        return p;
}

static void put_file(const char *base, const char *rel, const char *content, mode_t mode)
{
        char *p = path_of(base, rel);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, content, strlen(content)), (ssize_t) strlen(content));
        close(fd);
        assert_int_equal(chmod(p, mode), 0);
        free(p);
}

static void put_dir(const char *base, const char *rel, mode_t mode)
{
        char *p = path_of(base, rel);

        assert_int_equal(mkdir_p(p, 0755), 0);
        assert_int_equal(chmod(p, mode), 0);
        free(p);
}

static void put_link(const char *base, const char *rel, const char *target)
{
        char *p = path_of(base, rel);

        (void) unlink(p);
        assert_int_equal(symlink(target, p), 0);
        free(p);
}

static char *slurp(const char *path)
{
        char *s = NULL;

        if (read_file(path, 1 << 20, &s, NULL) < 0)
                return NULL;
        return s;
}

static void copy_file(const char *from, const char *to, mode_t mode)
{
        char buf[65536];
        int in = open(from, O_RDONLY | O_CLOEXEC), out;
        ssize_t n;

        assert_true(in >= 0);
        out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        assert_true(out >= 0);
        while ((n = read(in, buf, sizeof(buf))) > 0)
                assert_int_equal(write(out, buf, (size_t) n), n);
        assert_int_equal(n, 0);
        close(in);
        close(out);
}

/* Mount points (field 5) of a mountinfo text. */
static char **mount_points(const char *info)
{
        _cleanup_strv_free_ char **lines = NULL;
        char **v = NULL;

        assert_int_equal(split_escaped(info, '\n', &lines), 0);
        for (char **l = lines; *l; l++) {
                char mp[4096];

                if (sscanf(*l, "%*s %*s %*s %*s %4095s", mp) == 1)
                        assert_int_equal(strv_push(&v, mp), 0);
        }
        if (!v)
                v = calloc(1, sizeof(char *));
        return v;
}

static bool fs_has(const char *fs)
{
        char *list = slurp("/proc/filesystems"), needle[64];
        bool r;

        snprintf(needle, sizeof(needle), "\t%s\n", fs);
        r = list && strstr(list, needle);
        free(list);
        return r;
}

/* ---- the root --------------------------------------------------------------- */

static const char *const applets[] = { "sh", "cat", "ls", "hostname", "tr", "echo", "readlink", "id", "sort" };

static void build_root(void)
{
        char *bb;

        snprintf(root, sizeof(root), "%s/root", tmpdir);
        put_dir(root, "bin", 0755);
        bb = path_of(root, "bin/busybox");
        copy_file(BUSYBOX, bb, 0755);
        free(bb);
        for (size_t i = 0; i < ELEMENTSOF(applets); i++) {
                char rel[64];

                snprintf(rel, sizeof(rel), "bin/%s", applets[i]);
                put_link(root, rel, "busybox");
        }
        put_dir(root, "etc", 0755);
        put_file(root, "etc/hostname", "old\n", 0644);
        put_file(root, "etc/resolv.conf", "nameserver 9.9.9.9\n", 0644);
        put_file(root, "etc/hosts", "127.0.0.1 old\n", 0644);
        put_file(root, "etc/passwd", "root:x:0:0:in-container:/:/bin/sh\n", 0644);
        put_dir(root, "run/lock/sub", 0755);
        put_dir(root, "run/sshd", 0711);
        put_file(root, "run/stale", "x", 0644);
        put_dir(root, "tmp", 01777);
        /* Hostile symlinks. */
        put_link(root, "escape", "/etc");
        put_link(root, "dangling", "/etc/no-such-dir");
        put_link(root, "magic", "/proc/self/root/etc");
        put_link(root, "procsys", "/proc/sys");
        put_link(root, "sysl", "/sys/kernel");
        put_link(root, "dotdot", "../../../../../..");
        put_link(root, "procl", "/proc");

        put_dir(tmpdir, "src-ro", 0755);
        put_file(tmpdir, "src-ro/file", "ro-data", 0644);
        put_dir(tmpdir, "src-rw", 0755);
        put_file(tmpdir, "src-file", "file-data", 0644);
        put_dir(tmpdir, "hostmnt", 0755);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
        (void) st;
        (void) ftw;
        if (flag == FTW_DP)
                return rmdir(p) < 0 ? 0 : 0;
        return unlink(p) < 0 ? 0 : 0;
}

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

/* ---- running a container ---------------------------------------------------- */

struct run {
        const struct rootfs_config *cfg;
        const char *hostname;
        bool join_cgroup;
        bool new_net;                 /* A: a network namespace before rootfs_prepare() */
        void (*after_prepare)(void);  /* in A */
        void (*inside)(void);         /* in B after rootfs_enter; may exec */
        void (*at_ready)(pid_t pid);  /* in the parent, when B says READY */
};

struct result {
        int status;
        char *out;
};

/* In the children. */
static const char *contain_dir; /* new mounts must be below it */
static bool contain_sys;        /* or below /sys (a fresh /sys with writable paths) */
static int out_fd = -1;
static int go_fd = -1;
static int failures;

#define CHECK(cond, ...)                                                                    \
        do {                                                                                \
                int saved_ = errno;                                                         \
                if (!(cond)) {                                                              \
                        failures++;                                                         \
                        dprintf(out_fd, "FAIL line %d: ", __LINE__);                        \
                        dprintf(out_fd, __VA_ARGS__);                                       \
                        dprintf(out_fd, " [errno: %s]\n", strerror(saved_));                \
                }                                                                           \
        } while (0)

/* In A: every mount of the new namespace is the host's or below the root. */
static void check_contained(void)
{
        char *info = slurp("/proc/self/mountinfo");
        char **mps;

        CHECK(info != NULL, "cannot read mountinfo");
        if (!info)
                return;
        mps = mount_points(info);
        for (char **m = mps; *m; m++)
                CHECK(strv_contains(host_mounts, *m) || strncmp(*m, contain_dir, strlen(contain_dir)) == 0 ||
                              (contain_sys && strncmp(*m, "/sys/", 5) == 0),
                      "mount on %s outside %s", *m, contain_dir);
        strv_free(mps);
        free(info);
}

static _Noreturn void run_b(const struct run *r, struct rootfs *rf)
{
        struct perror e = { 0 };

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        alarm(CHILD_TIMEOUT_S);
        if (r->hostname && sethostname(r->hostname, strlen(r->hostname)) < 0)
                CHECK(false, "sethostname");
        if (rootfs_enter(rf, &e) < 0) {
                dprintf(out_fd, "ENTER-ERROR %d %s\n", e.code, e.msg);
                _exit(3);
        }
        if (r->at_ready) {
                char c;

                dprintf(out_fd, "READY\n");
                CHECK(read(go_fd, &c, 1) == 1, "no go from the parent");
        }
        if (r->inside)
                r->inside();
        _exit(failures ? 1 : 0);
}

static _Noreturn void run_a(const struct run *r)
{
        struct rootfs *rf = NULL;
        struct perror e = { 0 };
        int status;
        pid_t b;

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        alarm(CHILD_TIMEOUT_S);
        if (r->new_net && unshare(CLONE_NEWNET) < 0)
                CHECK(false, "unshare net");
        if (rootfs_prepare(r->cfg, &rf, &e) < 0) {
                dprintf(out_fd, "PREPARE-ERROR %d %s\n", e.code, e.msg);
                check_contained();
                _exit(2);
        }
        check_contained();
        if (r->after_prepare)
                r->after_prepare();
        if (r->join_cgroup && cg_attach(CG_DEVICES, "ct", getpid()) < 0)
                CHECK(false, "cannot join the devices cgroup");
        if (unshare(CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC) < 0)
                CHECK(false, "unshare");
        b = fork();
        if (b < 0)
                _exit(4);
        if (b == 0)
                run_b(r, rf);
        dprintf(out_fd, "BPID %d\n", (int) b);
        while (waitpid(b, &status, 0) < 0 && errno == EINTR)
                ;
        if (failures)
                _exit(1);
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* Read what the children say; call at_ready at "READY". */
static char *collect(int fd, int go, const struct run *r)
{
        struct strbuf b = STRBUF_INIT;
        pid_t bpid = 0;
        char buf[4096];
        ssize_t n;

        while ((n = read(fd, buf, sizeof(buf))) != 0) {
                const char *bp;

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                assert_int_equal(strbuf_append_n(&b, buf, (size_t) n), 0);
                bp = strstr(b.s, "BPID ");
                if (bp && !bpid)
                        bpid = atoi(bp + 5);
                if (r->at_ready && go >= 0 && strstr(b.s, "READY\n")) {
                        assert_true(bpid > 0);
                        r->at_ready(bpid);
                        assert_int_equal(write(go, "g", 1), 1);
                        close(go);
                        go = -1;
                }
        }
        if (go >= 0)
                close(go);
        return strbuf_steal(&b);
}

static struct result run_ct(const struct run *r)
{
        int out[2], go[2];
        struct result res;
        pid_t a;

        contain_dir = r->cfg->root && strcmp(r->cfg->root, "/") ? r->cfg->root : tmpdir;
        contain_sys = r->cfg->new_sys;
        assert_int_equal(pipe2(out, O_CLOEXEC), 0);
        assert_int_equal(pipe2(go, O_CLOEXEC), 0);
        a = fork();
        assert_true(a >= 0);
        if (a == 0) {
                close(out[0]);
                close(go[1]);
                out_fd = out[1];
                go_fd = go[0];
                run_a(r);
        }
        close(out[1]);
        close(go[0]);
        res.out = collect(out[0], go[1], r);
        close(out[0]);
        res.status = kt_wait(a);
        return res;
}

static void expect_ok(struct result *res)
{
        if (!WIFEXITED(res->status) || WEXITSTATUS(res->status) != 0 || strstr(res->out, "FAIL") ||
            strstr(res->out, "ERROR"))
                fail_msg("container failed (status 0x%x):\n%s", res->status, res->out);
}

static int deny_all(int fd, bool write, void *userdata)
{
        (void) fd;
        (void) write;
        (void) userdata;
        return -EPERM;
}

static void expect_prepare_error(const struct rootfs_config *cfg, int code, const char *msg_part)
{
        struct run r = { .cfg = cfg };
        struct result res = run_ct(&r);
        char want[32];

        snprintf(want, sizeof(want), "PREPARE-ERROR %d ", code);
        if (!strstr(res.out, want) || !strstr(res.out, msg_part) || strstr(res.out, "FAIL"))
                fail_msg("expected error %d with \"%s\", got:\n%s", code, msg_part, res.out);
        printf("  ok: %s", strstr(res.out, "PREPARE-ERROR"));
        free(res.out);
}

/* ---- fixtures --------------------------------------------------------------- */

static int group_setup(void **state)
{
        struct perror e;
        char *ct = NULL;

        (void) state;
        if (!kt_is_root()) {
                fprintf(stderr, "kernel tests need root\n");
                return -1;
        }
        have_busybox = access(BUSYBOX, X_OK) == 0;
        if (!have_busybox) {
                fprintf(stderr, "%s missing: apt-get install busybox-static\n", BUSYBOX);
                return -1;
        }
        snprintf(tmpdir, sizeof(tmpdir), "/tmp/porto-rootfs-XXXXXX");
        if (!mkdtemp(tmpdir))
                return -1;
        build_root();
        snprintf(prefix, sizeof(prefix), "porto-test-rootfs-%d", (int) getpid());
        if (cg_init(prefix) < 0 || !cg_supported(CG_DEVICES) || cg_create(CG_DEVICES, "ct") < 0) {
                fprintf(stderr, "no v1 devices cgroup\n");
                return -1;
        }
        if (dev_defaults(&defaults) < 0 || dev_resolve(&defaults, &e) < 0)
                return -1;
        if (cg_path(CG_DEVICES, "ct", &ct) < 0 || dev_cgroup_apply(ct, &defaults, &e) < 0) {
                fprintf(stderr, "devices cgroup: %s\n", e.msg);
                free(ct);
                return -1;
        }
        free(ct);
        return 0;
}

static bool mounted_under(const char *dir)
{
        char *info = slurp("/proc/self/mountinfo");
        char **mps = mount_points(info ? info : "");
        bool found = false;

        for (char **m = mps; *m; m++)
                found = found || strncmp(*m, dir, strlen(dir)) == 0;
        strv_free(mps);
        free(info);
        return found;
}

static int group_teardown(void **state)
{
        (void) state;
        kt_reap_all();
        dev_set_done(&defaults);
        (void) cg_remove(CG_DEVICES, "ct/child");
        (void) cg_remove(CG_DEVICES, "ct");
        for (unsigned c = 0; c < CG_CONTROLLER_MAX; c++) {
                char *dir = NULL;

                if (cg_path(c, "", &dir) >= 0)
                        rmdir_tree(dir);
                free(dir);
        }
        /* Never rm -rf through a mount: that would delete host files. */
        if (tmpdir[0] && !mounted_under(tmpdir))
                nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
        strv_free(host_mounts);
        return 0;
}

static int test_setup(void **state)
{
        (void) state;
        free(mountinfo_before);
        mountinfo_before = slurp("/proc/self/mountinfo");
        assert_non_null(mountinfo_before);
        strv_free(host_mounts);
        host_mounts = mount_points(mountinfo_before);
        return 0;
}

static int test_teardown(void **state)
{
        char *after = slurp("/proc/self/mountinfo");

        (void) state;
        kt_reap_all();
        assert_non_null(after);
        if (strcmp(after, mountinfo_before))
                fail_msg("mountinfo changed:\n--- before\n%s--- after\n%s", mountinfo_before, after);
        free(after);
        free(mountinfo_before);
        mountinfo_before = NULL;
        return 0;
}

/* ---- the basic container ---------------------------------------------------- */

static const char *const expected_dev[] = {
        "console", "fd", "full", "hugepages", "null", "ptmx", "pts", "random",
        "shm", "stderr", "stdin", "stdout", "tty", "urandom", "zero",
};

static void check_dev_listing(void)
{
        DIR *d = opendir("/dev");
        struct dirent *de;
        size_t n = 0;

        CHECK(d != NULL, "opendir /dev");
        if (!d)
                return;
        while ((de = readdir(d))) {
                bool known = false;

                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || !strcmp(de->d_name, "denied"))
                        continue;
                for (size_t i = 0; i < ELEMENTSOF(expected_dev); i++)
                        known = known || !strcmp(de->d_name, expected_dev[i]);
                if (!strcmp(de->d_name, "hugepages"))
                        known = known && fs_has("hugetlbfs");
                CHECK(known, "unexpected /dev/%s", de->d_name);
                n++;
        }
        closedir(d);
        CHECK(n == ELEMENTSOF(expected_dev) - (fs_has("hugetlbfs") ? 0 : 1), "%zu entries in /dev", n);
}

static void check_devices(void)
{
        char c, pts[64];
        struct stat st;
        int fd, pt;

        check_dev_listing();
        fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        CHECK(fd >= 0, "open /dev/null");
        close(fd);
        fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
        CHECK(fd >= 0 && read(fd, &c, 1) == 1 && c == 0, "read /dev/zero");
        close(fd);
        CHECK(stat("/dev/console", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3),
              "/dev/console is /dev/null");
        CHECK(stat("/dev/null", &st) == 0 && (st.st_mode & 0777) == 0666 && st.st_uid == 0, "/dev/null mode");
        /* A node that exists but the cgroup denies. */
        errno = 0;
        fd = open("/dev/denied", O_RDONLY | O_CLOEXEC);
        CHECK(fd < 0 && errno == EPERM, "denied device opened");
        if (fd >= 0)
                close(fd);
        /* No mknod without 'm'. */
        CHECK(mknod("/dev/newnull", S_IFCHR | 0666, makedev(1, 3)) < 0 && errno == EPERM, "mknod allowed");
        /* A private pty instance. */
        pt = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        CHECK(pt >= 0, "posix_openpt");
        if (pt >= 0) {
                CHECK(grantpt(pt) == 0 && unlockpt(pt) == 0 && ptsname_r(pt, pts, sizeof(pts)) == 0, "ptsname");
                CHECK(!strcmp(pts, "/dev/pts/0"), "first pty is %s", pts);
                fd = open(pts, O_RDWR | O_NOCTTY | O_CLOEXEC);
                CHECK(fd >= 0, "open %s", pts);
                close(fd);
                close(pt);
        }
        CHECK(readlink("/dev/fd", pts, sizeof(pts)) > 0, "/dev/fd link");
}

static void check_ro(const char *path)
{
        struct statvfs sv;

        CHECK(statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY), "%s is not read-only", path);
}

static void check_rw(const char *path)
{
        struct statvfs sv;

        CHECK(statvfs(path, &sv) == 0 && !(sv.f_flag & ST_RDONLY), "%s is read-only", path);
}

static bool file_is(const char *path, const char *content)
{
        char *s = slurp(path);
        bool r = s && !strcmp(s, content);

        free(s);
        return r;
}

static void check_fs(void)
{
        struct statfs sf;
        struct statvfs sv;
        struct stat st;
        char buf[256];
        ssize_t n;
        int fd;

        /* The root is the container's. */
        CHECK(access("/bin/busybox", X_OK) == 0, "no /bin/busybox");
        CHECK(access(tmpdir, F_OK) < 0, "the host's %s is visible", tmpdir);
        CHECK(getpid() == 1, "pid %d", (int) getpid());
        CHECK(gethostname(buf, sizeof(buf)) == 0 && !strcmp(buf, "vm"), "hostname");
        /* /proc is ours, /proc/sys read-only. */
        CHECK(statfs("/proc", &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC, "/proc");
        CHECK(access("/proc/2", F_OK) < 0, "host pids visible");
        check_ro("/proc/sys");
        if (access("/proc/sysrq-trigger", F_OK) == 0)
                check_ro("/proc/sysrq-trigger");
        errno = 0;
        fd = open("/proc/sys/kernel/hostname", O_WRONLY | O_CLOEXEC);
        CHECK(fd < 0 && errno == EROFS, "/proc/sys writable");
        if (fd >= 0)
                close(fd);
        /* /sys read-only. */
        CHECK(statfs("/sys", &sf) == 0 && sf.f_type == SYSFS_MAGIC, "/sys");
        check_ro("/sys");
        CHECK(access("/sys/fs/cgroup/devices", F_OK) < 0, "host cgroups under /sys");
        /* tracefs, read-only, where the kernel has it. */
        if (fs_has("tracefs") && access("/sys/kernel/tracing", F_OK) == 0) {
                CHECK(statfs("/sys/kernel/tracing", &sf) == 0 && sf.f_type == TRACEFS_MAGIC, "/sys/kernel/tracing");
                check_ro("/sys/kernel/tracing");
        }
        /* /dev, /dev/shm, /run are tmpfs; /run has the structure only. */
        CHECK(statfs("/dev", &sf) == 0 && sf.f_type == TMPFS_MAGIC, "/dev");
        CHECK(statfs("/dev/shm", &sf) == 0 && sf.f_type == TMPFS_MAGIC, "/dev/shm");
        CHECK(statfs("/run", &sf) == 0 && sf.f_type == TMPFS_MAGIC, "/run");
        CHECK(stat("/run/lock/sub", &st) == 0 && S_ISDIR(st.st_mode), "/run/lock/sub");
        CHECK(stat("/run/sshd", &st) == 0 && (st.st_mode & 07777) == 0711, "/run/sshd mode");
        CHECK(access("/run/stale", F_OK) < 0, "/run/stale copied");
        CHECK(statvfs("/dev/hugepages", &sv) == 0 || !fs_has("hugetlbfs"), "/dev/hugepages");
        /* The root is writable here. */
        fd = open("/tmp/x", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        CHECK(fd >= 0, "/tmp not writable");
        close(fd);
        /* /etc files. */
        CHECK(file_is("/etc/hostname", "vm\n"), "/etc/hostname");
        CHECK(file_is("/etc/resolv.conf", "nameserver 1.1.1.1\nsearch example.org\n"), "/etc/resolv.conf");
        CHECK(file_is("/etc/hosts", "127.0.0.1 localhost vm\n"), "/etc/hosts");
        /* Symlinks. */
        n = readlink("/data/link", buf, sizeof(buf) - 1);
        CHECK(n > 0 && (buf[n] = 0, !strcmp(buf, "../srv/target")), "/data/link");
}

static void check_binds(void)
{
        struct statvfs sv;
        int fd;

        CHECK(file_is("/mnt/ro/file", "ro-data"), "/mnt/ro/file");
        check_ro("/mnt/ro");
        errno = 0;
        fd = open("/mnt/ro/file", O_WRONLY | O_CLOEXEC);
        CHECK(fd < 0 && errno == EROFS, "ro bind writable");
        if (fd >= 0)
                close(fd);
        CHECK(mkdir("/mnt/ro/d", 0755) < 0 && errno == EROFS, "mkdir in ro bind");
        fd = open("/mnt/rw/new", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        CHECK(fd >= 0 && write(fd, "from-ct", 7) == 7, "rw bind");
        close(fd);
        CHECK(file_is("/mnt/file", "file-data"), "file bind");
        CHECK(statvfs("/mnt/file", &sv) == 0 && (sv.f_flag & ST_NOSUID) && (sv.f_flag & ST_NOEXEC) &&
                      (sv.f_flag & ST_NODEV) && !(sv.f_flag & ST_RDONLY),
              "file bind flags 0x%lx", sv.f_flag);
        CHECK(file_is("/run/extra/file", "ro-data"), "bind under /run");
        /* "/escape/passwd" resolved in the root: the root's own /etc. */
        CHECK(file_is("/etc/passwd", "file-data"), "bind through /escape");
        /* The runtime symlink made from outside. */
        CHECK(access("/late/link", X_OK) == 0, "runtime symlink");
}

static void inside_basic(void)
{
        check_fs();
        check_devices();
        check_binds();
}

static void after_prepare_basic(void)
{
        char *p = path_of(root, "dev/denied");

        /* Still in the host's devices cgroup: mknod works here. */
        CHECK(mknod(p, S_IFCHR | 0666, makedev(1, 11)) == 0, "mknod %s", p);
        free(p);
}

static void at_ready_basic(pid_t pid)
{
        struct perror e;
        int root_fd = -1;
        char buf[64];
        ssize_t n;

        /* As the daemon would for SetSymlink: from outside, in the root of
         * the container's task. */
        assert_int_equal(ns_open_root(pid, &root_fd), 0);
        if (rootfs_symlink(root_fd, "/", "/late/link", "/bin/busybox", &e) < 0)
                fail_msg("runtime symlink: %s", e.msg);
        close(root_fd);
        {
                char *p = path_of(root, "late/link");

                n = readlink(p, buf, sizeof(buf) - 1);
                free(p);
        }
        assert_true(n > 0);
        buf[n] = 0;
        assert_string_equal(buf, "../bin/busybox");
}

static void test_basic(void **state)
{
        struct mnt_bind binds[] = {
                { path_of(tmpdir, "src-ro"), (char *) "/mnt/ro", MNT_BIND_F(MNT_BIND_RO) },
                { path_of(tmpdir, "src-rw"), (char *) "mnt/rw", 0 }, /* relative to cwd "/" */
                { path_of(tmpdir, "src-file"), (char *) "/mnt/file",
                  MNT_BIND_F(MNT_BIND_NOSUID) | MNT_BIND_F(MNT_BIND_NOEXEC) | MNT_BIND_F(MNT_BIND_NODEV) },
                { path_of(tmpdir, "src-ro"), (char *) "/run/extra", MNT_BIND_F(MNT_BIND_RO) },
                { path_of(tmpdir, "src-file"), (char *) "/escape/passwd", MNT_BIND_F(MNT_BIND_RO) },
        };
        struct rootfs_symlink links[] = { { "/data/link", "/srv/target" } };
        char *resolv = NULL, *host_passwd = slurp("/etc/passwd"), *s;
        struct rootfs_config cfg = {
                .root = root,
                .binds = binds,
                .n_binds = ELEMENTSOF(binds),
                .symlinks = links,
                .n_symlinks = 1,
                .devices = &defaults,
                .hostname = "vm",
                .etc_hosts = "127.0.0.1 localhost vm\n",
                .hugepages = true,
        };
        struct run r = { .cfg = &cfg, .hostname = "vm", .join_cgroup = true, .after_prepare = after_prepare_basic,
                         .inside = inside_basic, .at_ready = at_ready_basic };
        struct result res;

        (void) state;
        assert_int_equal(rootfs_resolv_conf_text("nameserver 1.1.1.1; search example.org", &resolv), 0);
        cfg.resolv_conf = resolv;
        res = run_ct(&r);
        expect_ok(&res);
        free(res.out);
        /* What the container wrote through the rw bind is on the host. */
        s = path_of(tmpdir, "src-rw/new");
        assert_true(file_is(s, "from-ct"));
        free(s);
        /* The host's /etc and the root's files were not touched. */
        s = slurp("/etc/passwd");
        assert_string_equal(s, host_passwd);
        free(s);
        s = path_of(root, "etc/passwd");
        assert_true(file_is(s, "root:x:0:0:in-container:/:/bin/sh\n"));
        free(s);
        s = path_of(root, "etc/hostname");
        assert_true(file_is(s, "old\n"));
        free(s);
        s = path_of(root, "dev/denied");
        assert_int_equal(access(s, F_OK), -1); /* /dev was a tmpfs */
        free(s);
        free(host_passwd);
        free(resolv);
        for (size_t i = 0; i < ELEMENTSOF(binds); i++)
                free(binds[i].source);
}

/* ---- busybox as pid 1 ------------------------------------------------------- */

static void inside_busybox(void)
{
        char *argv[] = { (char *) "/bin/busybox", (char *) "sh", (char *) "-c",
                         (char *) "echo CMDLINE=$(tr '\\000' ' ' < /proc/1/cmdline); echo HOST=$(hostname); "
                                  "echo PID=$$; echo DEV=$(ls /dev | tr '\\n' ' '); echo ID=$(id -u)",
                         NULL };
        char *env[] = { (char *) "PATH=/bin", NULL };

        dup2(out_fd, 1);
        dup2(out_fd, 2);
        execve(argv[0], argv, env);
        CHECK(false, "exec busybox");
}

static void test_busybox(void **state)
{
        struct rootfs_config cfg = { .root = root, .devices = &defaults, .hostname = "vm" };
        struct run r = { .cfg = &cfg, .hostname = "vm", .join_cgroup = true, .inside = inside_busybox };
        const char *dev = "DEV=console fd full null ptmx pts random shm stderr stdin stdout tty urandom zero\n";
        const char *dev_huge = fs_has("hugetlbfs") ? "DEV=console fd full hugepages null ptmx pts random shm stderr "
                                                     "stdin stdout tty urandom zero\n"
                                                   : dev;
        struct result res;

        (void) state;
        res = run_ct(&r);
        expect_ok(&res);
        if (!strstr(res.out, "CMDLINE=/bin/busybox sh -c echo CMDLINE") || !strstr(res.out, "HOST=vm\n") ||
            !strstr(res.out, "PID=1\n") || !strstr(res.out, "ID=0\n") || !strstr(res.out, dev))
                fail_msg("unexpected output:\n%s", res.out);
        free(res.out);
        cfg.hugepages = true;
        res = run_ct(&r);
        expect_ok(&res);
        if (!strstr(res.out, dev_huge))
                fail_msg("unexpected /dev (want %s):\n%s", dev_huge, res.out);
        free(res.out);
}

/* ---- capabilities ----------------------------------------------------------- */

static uint64_t want_bound, want_ambient;
static uid_t cap_uid;

static void inside_caps(void)
{
        char *argv[] = { (char *) "/bin/busybox", (char *) "cat", (char *) "/proc/self/status", NULL };
        char *env[] = { (char *) "PATH=/bin", NULL };

        CHECK(setgroups(0, NULL) == 0, "setgroups");
        if (cap_uid) {
                CHECK(caps_keep_across_setuid() == 0, "keep caps");
                CHECK(setresgid(cap_uid, cap_uid, cap_uid) == 0, "setresgid");
                CHECK(setresuid(cap_uid, cap_uid, cap_uid) == 0, "setresuid");
        }
        CHECK(caps_apply(want_bound, want_ambient) == 0, "caps_apply");
        dup2(out_fd, 1);
        execve(argv[0], argv, env);
        CHECK(false, "exec busybox cat");
}

static uint64_t status_field(const char *out, const char *field)
{
        const char *p = strstr(out, field);

        assert_non_null(p);
        return strtoull(p + strlen(field), NULL, 16);
}

static void run_caps(uid_t uid, uint64_t bound, uint64_t ambient, uint64_t want_prm)
{
        struct rootfs_config cfg = { .root = root, .devices = &defaults };
        struct run r = { .cfg = &cfg, .join_cgroup = true, .inside = inside_caps };
        struct result res;

        cap_uid = uid;
        want_bound = bound;
        want_ambient = ambient;
        res = run_ct(&r);
        expect_ok(&res);
        assert_int_equal(status_field(res.out, "CapBnd:\t"), bound);
        assert_int_equal(status_field(res.out, "CapAmb:\t"), ambient);
        assert_int_equal(status_field(res.out, "CapPrm:\t"), want_prm);
        assert_int_equal(status_field(res.out, "CapEff:\t"), want_prm);
        assert_int_equal(status_field(res.out, "CapInh:\t"), ambient);
        free(res.out);
}

static void test_capabilities(void **state)
{
        /* The host: what this process has (a sandbox may lack some). */
        struct caps_context ctx = { .chroot = true, .isolate = true, .parent_allowed = caps_host() };
        uint64_t allowed, amb_allowed, ambient;
        struct perror e;

        (void) state;
        /* A user's container in a chroot with its own pid namespace. */
        caps_compute(&ctx, &allowed, &amb_allowed);
        assert_int_equal(caps_parse("NET_BIND_SERVICE; CHOWN; KILL", &ambient, &e), 0);
        assert_int_equal(caps_check_subset("capabilities_ambient", ambient, amb_allowed, &e), 0);
        run_caps(65534, allowed, ambient, ambient);
        /* Nothing ambient: an unprivileged user has nothing. */
        run_caps(65534, allowed, 0, 0);
        /* Root inside: everything in the bounding set. */
        ctx.owner_root = true;
        caps_compute(&ctx, &allowed, &amb_allowed);
        assert_int_equal(allowed, caps_default() & caps_host());
        run_caps(0, allowed, 0, allowed);
        /* SYS_ADMIN is never ambient for a user, outside a chroot. */
        ctx = (struct caps_context) { .parent_allowed = caps_all() };
        caps_compute(&ctx, &allowed, &amb_allowed);
        assert_true(caps_check_subset("capabilities_ambient", CAPS_BIT(CAP_SYS_ADMIN), amb_allowed, &e) < 0);
        assert_int_equal(e.code, EERROR_PERMISSION);
}

/* ---- root_readonly ---------------------------------------------------------- */

static void inside_readonly(void)
{
        int fd;

        check_ro("/");
        check_ro("/etc/hostname");
        errno = 0;
        fd = open("/tmp/y", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        CHECK(fd < 0 && errno == EROFS, "/tmp writable in a read-only root");
        if (fd >= 0)
                close(fd);
        check_rw("/dev");
        check_rw("/run");
        check_rw("/dev/shm");
        check_rw("/mnt/rw2");
        check_ro("/mnt/def");
        check_ro("/newdir/deep");
        fd = open("/mnt/rw2/z", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        CHECK(fd >= 0, "rw bind in a read-only root");
        close(fd);
        CHECK(file_is("/etc/hostname", "ro\n"), "hostname file");
        {
                char buf[64];
                ssize_t n = readlink("/made/link", buf, sizeof(buf) - 1);

                CHECK(n > 0, "symlink in a read-only root");
        }
}

static void test_root_readonly(void **state)
{
        struct mnt_bind binds[] = {
                { path_of(tmpdir, "src-rw"), (char *) "/mnt/rw2", MNT_BIND_F(MNT_BIND_RW) },
                { path_of(tmpdir, "src-rw"), (char *) "/mnt/def", 0 },
                { path_of(tmpdir, "src-ro"), (char *) "/newdir/deep", 0 },
                { path_of(tmpdir, "src-file"), (char *) "/run/file", 0 },
        };
        struct rootfs_symlink links[] = { { "/made/link", "/bin" } };
        struct rootfs_config cfg = { .root = root, .root_readonly = true, .devices = &defaults,
                                     .hostname = "ro", .binds = binds, .n_binds = ELEMENTSOF(binds),
                                     .symlinks = links, .n_symlinks = 1 };
        struct run r = { .cfg = &cfg, .join_cgroup = true, .inside = inside_readonly };
        struct result res;
        char *s;

        (void) state;
        res = run_ct(&r);
        expect_ok(&res);
        free(res.out);
        s = path_of(tmpdir, "src-rw/z");
        assert_int_equal(access(s, F_OK), 0);
        free(s);
        for (size_t i = 0; i < ELEMENTSOF(binds); i++)
                free(binds[i].source);
}

/* ---- no root: binds in the host's tree -------------------------------------- */

static char *hostmnt;

static void inside_host(void)
{
        char p[256];
        struct statfs sf;

        snprintf(p, sizeof(p), "%s/file", hostmnt);
        CHECK(file_is(p, "ro-data"), "bind in host root");
        check_ro(hostmnt);
        CHECK(statfs("/proc", &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC, "/proc");
        CHECK(access("/proc/2", F_OK) < 0, "fresh /proc shows host pids");
        check_ro("/proc/sys");
        CHECK(access(tmpdir, F_OK) == 0, "host root lost");
}

static void test_host_root(void **state)
{
        struct mnt_bind binds[] = { { path_of(tmpdir, "src-ro"), path_of(tmpdir, "hostmnt"), MNT_BIND_F(MNT_BIND_RO) } };
        struct rootfs_config cfg = { .root = "/", .binds = binds, .n_binds = 1, .new_proc = true };
        struct run r = { .cfg = &cfg, .inside = inside_host };
        struct result res;
        DIR *d;
        int entries = 0;

        (void) state;
        hostmnt = binds[0].target;
        res = run_ct(&r);
        expect_ok(&res);
        free(res.out);
        /* On the host the target stayed an empty directory. */
        d = opendir(hostmnt);
        assert_non_null(d);
        while (readdir(d))
                entries++;
        closedir(d);
        assert_int_equal(entries, 2);
        free(binds[0].source);
        free(binds[0].target);
}

/* ---- no root, own network namespace: a fresh /sys ----------------------------- */

static long host_cgroup_fs;

static void inside_host_net(void)
{
        struct statfs sf;
        struct dirent *de;
        DIR *d = opendir("/sys/class/net");
        int n = 0, lo = 0;

        CHECK(d != NULL, "no /sys/class/net");
        while (d && (de = readdir(d)))
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
                        n++;
                        lo += !strcmp(de->d_name, "lo");
                }
        if (d)
                closedir(d);
        CHECK(n == 1 && lo == 1, "/sys/class/net: %d entries, lo %d", n, lo);
        check_ro("/sys");
        check_rw("/sys/devices/virtual/net/lo");
        /* The host's mounts below /sys are back on the new one. */
        CHECK(statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == host_cgroup_fs, "/sys/fs/cgroup lost");
        CHECK(access(tmpdir, F_OK) == 0, "host root lost");
}

static void test_host_net_sys(void **state)
{
        char *rw[] = { (char *) "/sys/devices/virtual/net/lo" };
        struct rootfs_config cfg = { .root = "/", .new_sys = true, .sysfs_rw = rw, .n_sysfs_rw = 1 };
        struct run r = { .cfg = &cfg, .new_net = true, .inside = inside_host_net };
        struct result res;
        struct statfs sf;

        (void) state;
        assert_int_equal(statfs("/sys/fs/cgroup", &sf), 0);
        host_cgroup_fs = (long) sf.f_type;
        res = run_ct(&r);
        expect_ok(&res);
        free(res.out);
        /* A path missing in the new /sys (another namespace's device) is
         * left out; one leading out of /sys is an error. Nothing leaks. */
        rw[0] = (char *) "/sys/class/net/no-such-device";
        r.inside = NULL;
        res = run_ct(&r);
        expect_ok(&res);
        free(res.out);
        rw[0] = (char *) "/sys/class/net/lo/../../../../../tmp";
        res = run_ct(&r);
        if (!strstr(res.out, "PREPARE-ERROR") || !strstr(res.out, "device_sysfs") || strstr(res.out, "FAIL"))
                fail_msg("unexpected output:\n%s", res.out);
        free(res.out);
}

/* ---- hostile input ---------------------------------------------------------- */

static void hostile_bind(const char *source, const char *target, int code, const char *msg)
{
        struct mnt_bind b = { (char *) source, (char *) target, 0 };
        struct rootfs_config cfg = { .root = root, .binds = &b, .n_binds = 1 };

        expect_prepare_error(&cfg, code, msg);
}

static bool dir_empty(const char *rel)
{
        char *p = path_of(root, rel);
        DIR *d = opendir(p);
        struct dirent *de;
        int n = 0;

        free(p);
        if (!d)
                return false;
        while ((de = readdir(d)))
                n++;
        closedir(d);
        return n == 2;
}

static void test_hostile(void **state)
{
        char *src = path_of(tmpdir, "src-ro"), *file = path_of(tmpdir, "src-file");
        char *hn = path_of(root, "etc/hostname"), *hn_bak = path_of(root, "etc/hostname.bak");
        struct rootfs_config cfg = { .root = root, .hostname = "x" };

        (void) state;
        hostile_bind(src, "/proc/sys", EERROR_INVALID_VALUE, "inside /proc or /sys");
        hostile_bind(src, "/sys/kernel", EERROR_INVALID_VALUE, "inside /proc or /sys");
        hostile_bind(src, "/procl", EERROR_INVALID_VALUE, "leads into \"/proc\"");
        hostile_bind(src, "/procl/sys/new", EERROR_INVALID_VALUE, "leads into \"/proc\"");
        hostile_bind(src, "/sysl", EERROR_INVALID_VALUE, "leads into \"/sys/kernel\"");
        hostile_bind(src, "/procsys", EERROR_INVALID_VALUE, "symlink on the way");
        hostile_bind(src, "/dangling/x", EERROR_INVALID_VALUE, "symlink on the way");
        hostile_bind(src, "/magic/x", EERROR_INVALID_VALUE, "symlink on the way");
        hostile_bind(src, "/mnt/../../etc", EERROR_INVALID_VALUE, "\"..\"");
        hostile_bind(src, "/", EERROR_INVALID_VALUE, "container root");
        hostile_bind(src, "/dotdot", EERROR_INVALID_VALUE, "resolves to \"/\"");
        hostile_bind("/no/such/source", "/mnt/x", EERROR_INVALID_VALUE, "cannot open source");
        hostile_bind("relative/src", "/mnt/x", EERROR_INVALID_VALUE, "absolute");
        hostile_bind("/tmp/../etc", "/mnt/x", EERROR_INVALID_VALUE, "\"..\"");
        hostile_bind(src, "/bin/busybox", EERROR_INVALID_VALUE, "target \"/bin/busybox\" is not");
        hostile_bind(file, "/etc", EERROR_INVALID_VALUE, "target \"/etc\" is");
        /* Nothing was created in /proc, /sys or on the host. */
        assert_true(dir_empty("proc"));
        assert_true(dir_empty("sys"));
        assert_int_equal(access("/etc/no-such-dir", F_OK), -1);

        /* /etc/hostname must be a regular file. */
        assert_int_equal(rename(hn, hn_bak), 0);
        assert_int_equal(mkdir(hn, 0755), 0);
        expect_prepare_error(&cfg, EERROR_INVALID_VALUE, "must be a regular file");
        assert_int_equal(rmdir(hn), 0);
        assert_int_equal(symlink("/sys/kernel/uevent_seqnum", hn), 0);
        expect_prepare_error(&cfg, EERROR_INVALID_VALUE, "points into /proc or /sys");
        assert_int_equal(unlink(hn), 0);
        assert_int_equal(rename(hn_bak, hn), 0);

        /* A root that is not there, a relative one. */
        cfg = (struct rootfs_config) { .root = "/no/such/root" };
        expect_prepare_error(&cfg, EERROR_INVALID_VALUE, "cannot open root");
        cfg.root = "relative/root";
        expect_prepare_error(&cfg, EERROR_INVALID_VALUE, "absolute");
        /* root_base: a symlink to the host's /etc resolves inside the base
         * (where there is no etc), and may_use() is asked about the root
         * and the bind sources. */
        {
                char *esc = path_of(tmpdir, "esc");
                struct mnt_bind b = { src, (char *) "/mnt/x", MNT_BIND_F(MNT_BIND_RO) };

                assert_int_equal(symlink("/etc", esc), 0);
                cfg = (struct rootfs_config) { .root_base = tmpdir, .root = "/esc" };
                expect_prepare_error(&cfg, EERROR_INVALID_VALUE, "cannot open root");
                cfg = (struct rootfs_config) { .root = root, .may_use = deny_all };
                expect_prepare_error(&cfg, EERROR_PERMISSION, "is not writable");
                cfg = (struct rootfs_config) { .root = root, .binds = &b, .n_binds = 1, .may_use = deny_all };
                expect_prepare_error(&cfg, EERROR_PERMISSION, "is not readable");
                assert_int_equal(unlink(esc), 0);
                free(esc);
        }
        /* Symlinks: ".." and non-links in the way. */
        {
                struct rootfs_symlink l1 = { "/x/../../etc/l", "/bin" }, l2 = { "/etc/passwd", "/bin" };

                cfg = (struct rootfs_config) { .root = root, .symlinks = &l1, .n_symlinks = 1 };
                expect_prepare_error(&cfg, EERROR_INVALID_VALUE, "bad path");
                cfg.symlinks = &l2;
                expect_prepare_error(&cfg, EERROR_INVALID_VALUE, "not a symlink");
        }
        free(src);
        free(file);
        free(hn);
        free(hn_bak);
}

/* ---- devices: a child never exceeds its parent ------------------------------ */

static void test_devices_cgroup(void **state)
{
        struct dev_set child = { NULL, 0 }, more = { NULL, 0 }, narrower = { NULL, 0 };
        struct perror e;
        char *dir = NULL, *list = NULL;

        (void) state;
        assert_int_equal(dev_defaults(&child), 0);
        assert_int_equal(dev_parse("/dev/full rw; /dev/tty -; /dev/zero r", NULL, 0, &narrower, &e), 0);
        assert_int_equal(dev_merge(&child, &narrower), 0);
        assert_int_equal(dev_resolve(&child, &e), 0);
        assert_int_equal(dev_check_subset(&child, &defaults, &e), 0);
        assert_int_equal(cg_create(CG_DEVICES, "ct/child"), 0);
        assert_int_equal(cg_path(CG_DEVICES, "ct/child", &dir), 0);
        if (dev_cgroup_apply(dir, &child, &e) < 0)
                fail_msg("%s", e.msg);
        list = path_of(dir, "devices.list");
        {
                char *s = slurp(list);

                assert_non_null(s);
                assert_non_null(strstr(s, "c 1:5 r\n"));
                assert_null(strstr(s, "c 5:0 "));
                free(s);
        }
        /* More than the parent: refused by us and by the kernel. */
        assert_int_equal(dev_parse("/dev/loop-control rw?; /dev/null rwm", NULL, 0, &more, &e), 0);
        assert_int_equal(dev_resolve(&more, &e), 0);
        assert_true(dev_check_subset(&more, &defaults, &e) < 0);
        assert_int_equal(e.code, EERROR_PERMISSION);
        assert_true(dev_cgroup_update(dir, &child, &more, &e) < 0);
        assert_int_equal(e.code, EERROR_PERMISSION);
        assert_non_null(strstr(e.msg, "parent"));
        /* Narrowing at runtime works (from a known state again). */
        if (dev_cgroup_apply(dir, &child, &e) < 0)
                fail_msg("%s", e.msg);
        dev_set_done(&more);
        assert_int_equal(dev_parse("/dev/full r", NULL, 0, &more, &e), 0);
        assert_int_equal(dev_resolve(&more, &e), 0);
        if (dev_cgroup_update(dir, &child, &more, &e) < 0)
                fail_msg("%s", e.msg);
        {
                char *s = slurp(list);

                assert_non_null(strstr(s, "c 1:7 r\n"));
                assert_null(strstr(s, "c 1:3 "));
                free(s);
        }
        assert_int_equal(cg_remove(CG_DEVICES, "ct/child"), 0);
        dev_set_done(&child);
        dev_set_done(&more);
        dev_set_done(&narrower);
        free(dir);
        free(list);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_basic, test_setup, test_teardown),
                cmocka_unit_test_setup_teardown(test_busybox, test_setup, test_teardown),
                cmocka_unit_test_setup_teardown(test_capabilities, test_setup, test_teardown),
                cmocka_unit_test_setup_teardown(test_root_readonly, test_setup, test_teardown),
                cmocka_unit_test_setup_teardown(test_host_root, test_setup, test_teardown),
                cmocka_unit_test_setup_teardown(test_host_net_sys, test_setup, test_teardown),
                cmocka_unit_test_setup_teardown(test_hostile, test_setup, test_teardown),
                cmocka_unit_test_setup_teardown(test_devices_cgroup, test_setup, test_teardown),
        };

        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
