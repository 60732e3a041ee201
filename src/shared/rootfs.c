/* A container's filesystem: mount namespace, root, porto's mounts, binds,
 * symlinks, /etc files (see rootfs.h).
 *
 * Order matters:
 *   1. in the new mount namespace, open every bind source while the
 *      host's view is still intact;
 *   2. with root_readonly, create what must exist in the root (mount points,
 *      bind targets, symlinks) through the original, writable mount;
 *   3. bind the root onto itself (pivot_root needs a mount point) and make
 *      it read-only if asked;
 *   4. porto's mounts: /dev, /run, /sys;
 *   5. /etc files, staged on a tmpfs over the not yet mounted /proc;
 *   6. the user's binds, which may land on /dev or /run;
 *   7. symlinks (without root_readonly: after the binds, so they can point
 *      into them);
 *   enter: /proc, pivot_root. */
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/strutil.h"
#include "shared/rootfs.h"

#define MIB (UINT64_C(1) << 20)
#define RUN_COPY_DEPTH 8
#define RUN_COPY_DIRS 1024

struct rootfs {
        const struct rootfs_config *cfg;
        int root_fd; /* the new root's top mount, or "/" */
        bool chroot;
};

struct bind_src {
        int fd;
        bool dir;
};

/* Container paths porto owns: no bind may land in them. */
static const char *const forbidden_targets[] = { "/proc", "/sys" };

/* Read-only parts of /proc (writes there reach the host kernel). */
static const char *const proc_readonly[] = { "sys", "sysrq-trigger", "irq", "bus", "fs" };

static bool is_chroot(const struct rootfs_config *cfg)
{
        return (!isempty(cfg->root) && !streq(cfg->root, "/")) ||
               (!isempty(cfg->root_base) && !streq(cfg->root_base, "/"));
}

static const char *root_name(const struct rootfs_config *cfg)
{
        return !isempty(cfg->root) ? cfg->root : cfg->root_base ? cfg->root_base : "/";
}

static int check_use(const struct rootfs_config *cfg, int fd, bool write, const char *what, const char *path,
                     struct perror *e)
{
        if (!cfg->may_use || cfg->may_use(fd, write, cfg->may_use_data) == 0)
                return 0;
        return perror_set(e, EERROR_PERMISSION, -EPERM, "%s \"%s\" is not %s for the container's owner", what, path,
                          write ? "writable" : "readable");
}

/* root_base, or -EBADF when there is none. */
static int open_base(const struct rootfs_config *cfg, int *ret, struct perror *e)
{
        *ret = -EBADF;
        if (isempty(cfg->root_base))
                return 0;
        *ret = open(cfg->root_base, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (*ret < 0)
                return perror_set_errno(e, errno == ENOENT || errno == ENOTDIR ? EERROR_INVALID_VALUE : EERROR_UNKNOWN,
                                        -errno, "cannot open the parent's root \"%s\"", cfg->root_base);
        return 0;
}

/* A host path, or one inside root_base (base_fd >= 0). */
static int open_user_path(int base_fd, const char *path, int flags, int *ret)
{
        if (base_fd >= 0)
                return mnt_open_in_root(base_fd, path, flags, ret);
        *ret = open(path, flags | O_CLOEXEC);
        return *ret < 0 ? -errno : 0;
}

static bool is_forbidden(const char *path)
{
        for (size_t i = 0; i < ELEMENTSOF(forbidden_targets); i++)
                if (mnt_path_is_under(path, forbidden_targets[i]))
                        return true;
        return false;
}

struct rootfs *rootfs_free(struct rootfs *rf)
{
        if (!rf)
                return NULL;
        safe_close(rf->root_fd);
        free(rf);
        return NULL;
}

/* ---- bind sources ---------------------------------------------------------- */

static void close_sources(struct bind_src *s, size_t n)
{
        if (!s)
                return;
        for (size_t i = 0; i < n; i++)
                safe_close(s[i].fd);
        free(s);
}

static int open_source(const struct rootfs_config *cfg, int base_fd, const struct mnt_bind *b, struct bind_src *ret,
                       struct perror *e)
{
        _cleanup_free_ char *norm = NULL;
        struct stat st;
        int fd, r;

        if (b->source[0] != '/')
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "bind: source \"%s\" must be an absolute path",
                                  b->source);
        if (mnt_path_normalize(b->source, &norm) < 0)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "bind: source \"%s\": \"..\" is not allowed in bind paths", b->source);
        r = open_user_path(base_fd, b->source, O_PATH, &fd);
        if (r < 0)
                return perror_set_errno(e, r == -ENOENT || r == -ELOOP ? EERROR_INVALID_VALUE : EERROR_UNKNOWN, r,
                                        "bind: cannot open source \"%s\"", b->source);
        r = check_use(cfg, fd, !(b->flags & MNT_BIND_F(MNT_BIND_RO)), "bind: source", b->source, e);
        if (r >= 0 && fstat(fd, &st) < 0)
                r = perror_set_errno(e, EERROR_UNKNOWN, -errno, "bind: cannot stat source \"%s\"", b->source);
        if (r < 0) {
                close(fd);
                return r;
        }
        *ret = (struct bind_src) { fd, S_ISDIR(st.st_mode) };
        return 0;
}

static int open_sources(const struct rootfs_config *cfg, struct bind_src **ret, struct perror *e)
{
        struct bind_src *s = calloc(cfg->n_binds + 1, sizeof(*s));
        _cleanup_close_ int base = -EBADF;
        int r;

        if (!s)
                return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        r = cfg->n_binds ? open_base(cfg, &base, e) : 0;
        if (r < 0) {
                free(s);
                return r;
        }
        for (size_t i = 0; i < cfg->n_binds; i++) {
                r = open_source(cfg, base, &cfg->binds[i], &s[i], e);

                if (r < 0) {
                        close_sources(s, i);
                        return r;
                }
        }
        *ret = s;
        return 0;
}

/* ---- bind targets ---------------------------------------------------------- */

static int target_path(const struct rootfs_config *cfg, const char *target, char **ret, struct perror *e)
{
        int r = mnt_path_absolute(target, cfg->cwd, ret);

        if (r == -ENOMEM)
                return perror_set(e, EERROR_UNKNOWN, r, "out of memory");
        if (r < 0)
                return perror_set(e, EERROR_INVALID_VALUE, r, "bind: target \"%s\": \"..\" is not allowed in bind paths",
                                  target);
        if (streq(*ret, "/"))
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "bind: cannot bind over the container root");
        if (is_forbidden(*ret))
                return perror_set(e, EERROR_INVALID_VALUE, -EPERM,
                                  "bind: target \"%s\" is inside /proc or /sys, which porto mounts itself", *ret);
        return 0;
}

static int target_error(const char *path, int r, struct perror *e)
{
        switch (r) {
        case -ELOOP:
                return perror_set(e, EERROR_INVALID_VALUE, r,
                                  "bind: target \"%s\": a symlink on the way leads to a missing place or a /proc "
                                  "magic link",
                                  path);
        case -ENOTDIR:
                return perror_set(e, EERROR_INVALID_VALUE, r, "bind: target \"%s\": a parent is not a directory", path);
        case -EROFS:
                return perror_set(e, EERROR_INVALID_VALUE, r,
                                  "bind: target \"%s\" does not exist and the root is read-only", path);
        default:
                return perror_set_errno(e, EERROR_UNKNOWN, r, "bind: cannot create target \"%s\"", path);
        }
}

/* Nothing may be created below /proc or /sys (a symlink such as
 * "x -> /proc/self/..." would lead there): look where the deepest existing
 * ancestor of path really is first. what: "bind: target", "symlink". */
static int check_ancestor(int root_fd, const char *what, const char *path, struct perror *e)
{
        _cleanup_free_ char *p = strdup(path), *real = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (!p)
                return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        while ((r = mnt_open_in_root(root_fd, p, O_PATH, &fd)) == -ENOENT) {
                char *slash = strrchr(p, '/');

                if (!slash)
                        break;
                *slash = 0;
        }
        if (r < 0)
                return 0; /* creating will report it */
        r = mnt_path_in_root(root_fd, fd, &real);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "%s: cannot locate \"%s\"", what, path);
        if (is_forbidden(real))
                return perror_set(e, EERROR_INVALID_VALUE, -EPERM, "%s \"%s\" leads into \"%s\": /proc and /sys are porto's",
                                  what, path, real);
        return 0;
}

/* Resolve (creating if missing) a target; ret: O_PATH fd. */
static int make_target(int root_fd, const char *path, bool dir, int *ret, struct perror *e)
{
        int r = check_ancestor(root_fd, "bind: target", path, e);

        if (r < 0)
                return r;
        /* Whatever is there already: check_target() judges its kind. */
        r = mnt_open_in_root(root_fd, path, O_PATH, ret);
        if (r != -ENOENT)
                return r < 0 ? target_error(path, r, e) : 0;
        r = dir ? mnt_mkdir_in_root(root_fd, path, 0755, ret) : mnt_touch_in_root(root_fd, path, 0644, ret);
        return r < 0 ? target_error(path, r, e) : 0;
}

/* The resolved target must match the source's kind and stay out of
 * /proc and /sys whatever symlinks led there. */
static int check_target(int root_fd, int fd, const char *path, bool dir, struct perror *e)
{
        _cleanup_free_ char *real = NULL;
        struct stat st;
        int r;

        if (fstat(fd, &st) < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "bind: cannot stat target \"%s\"", path);
        if (dir != !!S_ISDIR(st.st_mode))
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  dir ? "bind: source is a directory, target \"%s\" is not"
                                      : "bind: source is not a directory, target \"%s\" is",
                                  path);
        r = mnt_path_in_root(root_fd, fd, &real);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "bind: cannot locate target \"%s\"", path);
        if (streq(real, "/") || is_forbidden(real))
                return perror_set(e, EERROR_INVALID_VALUE, -EPERM,
                                  "bind: target \"%s\" resolves to \"%s\": not allowed (the root, /proc and /sys are "
                                  "porto's)",
                                  path, real);
        return 0;
}

static int do_bind(const struct rootfs *rf, const struct mnt_bind *b, const struct bind_src *src, struct perror *e)
{
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int tfd = -EBADF;
        unsigned long prop;
        uint64_t set, clr;
        int r;

        r = target_path(rf->cfg, b->target, &path, e);
        if (r < 0)
                return r;
        r = make_target(rf->root_fd, path, src->dir, &tfd, e);
        if (r < 0)
                return r;
        r = check_target(rf->root_fd, tfd, path, src->dir, e);
        if (r < 0)
                return r;
        mnt_bind_flags_to_attrs(b->flags, rf->cfg->root_readonly, &set, &clr, &prop);
        r = mnt_bind(src->fd, tfd, b->flags & MNT_BIND_F(MNT_BIND_REC), set, clr, prop);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "bind: cannot bind \"%s\" to \"%s\"", b->source, path);
        return 0;
}

static int do_binds(const struct rootfs *rf, const struct bind_src *srcs, struct perror *e)
{
        for (size_t i = 0; i < rf->cfg->n_binds; i++) {
                int r = do_bind(rf, &rf->cfg->binds[i], &srcs[i], e);

                if (r < 0)
                        return r;
        }
        return 0;
}

/* Paths on porto's tmpfs in a root: /dev and /run (by name). */
static bool on_porto_tmpfs(const char *path)
{
        return mnt_path_is_under(path, "/dev") || mnt_path_is_under(path, "/run");
}

enum symlink_pass {
        SYMLINKS_ALL,
        SYMLINKS_OFF_TMPFS, /* root_readonly: into the writable original first */
        SYMLINKS_ON_TMPFS,  /* ... then the rest once /dev and /run are there */
};

static int do_symlinks(int root_fd, const struct rootfs_config *cfg, enum symlink_pass pass, struct perror *e)
{
        for (size_t i = 0; i < cfg->n_symlinks; i++) {
                _cleanup_free_ char *abs = NULL;
                int r;

                if (pass != SYMLINKS_ALL) {
                        /* A bad path is reported by rootfs_symlink() in the first pass. */
                        bool tmpfs = mnt_path_absolute(cfg->symlinks[i].path, cfg->cwd, &abs) >= 0 &&
                                     on_porto_tmpfs(abs);

                        if (tmpfs != (pass == SYMLINKS_ON_TMPFS))
                                continue;
                }
                r = rootfs_symlink(root_fd, cfg->cwd, cfg->symlinks[i].path, cfg->symlinks[i].target, e);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* root_readonly: what must exist in the root, made through the original
 * (writable) mount before the read-only copy replaces it. Targets on
 * porto's tmpfs (/dev, /run) are made later, on the tmpfs. */
static int precreate_targets(int orig_fd, const struct rootfs_config *cfg, const struct bind_src *srcs,
                             struct perror *e)
{
        for (size_t i = 0; i < cfg->n_binds; i++) {
                _cleanup_free_ char *path = NULL;
                _cleanup_close_ int fd = -EBADF;
                int r;

                r = target_path(cfg, cfg->binds[i].target, &path, e);
                if (r < 0)
                        return r;
                if (on_porto_tmpfs(path))
                        continue;
                r = make_target(orig_fd, path, srcs[i].dir, &fd, e);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- porto's mounts -------------------------------------------------------- */

/* Mount a filesystem on root_fd/<dir> (a real directory, created if
 * missing) and return the new mount's root. */
static int mount_at(int root_fd, const char *dir, const char *fstype, const char *source, unsigned long flags,
                    const char *data, int *ret, struct perror *e)
{
        _cleanup_close_ int under = -EBADF;
        int r;

        if (mkdirat(root_fd, dir, 0755) < 0 && errno != EEXIST)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot create /%s in the container root", dir);
        r = mnt_open_beneath(root_fd, dir, O_PATH | O_DIRECTORY, &under);
        if (r < 0)
                return perror_set_errno(e, EERROR_INVALID_VALUE, r, "/%s in the container root must be a directory",
                                        dir);
        r = mnt_mount_fs(under, fstype, source, flags, data);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot mount %s on /%s", fstype, dir);
        r = mnt_open_beneath(root_fd, dir, O_PATH | O_DIRECTORY, ret);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot open /%s", dir);
        return 0;
}

static bool fs_supported(const char *fstype)
{
        _cleanup_free_ char *list = NULL, *needle = strdup_printf("\t%s\n", fstype);

        return needle && read_file("/proc/filesystems", 65536, &list, NULL) >= 0 && strstr(list, needle);
}

struct dev_link {
        const char *name, *target;
};

static const struct dev_link dev_links[] = {
        { "fd", "/proc/self/fd" },
        { "stdin", "/proc/self/fd/0" },
        { "stdout", "/proc/self/fd/1" },
        { "stderr", "/proc/self/fd/2" },
};

static int mount_dev_extras(int dev_fd, const struct rootfs_config *cfg, struct perror *e)
{
        _cleanup_free_ char *shm_opts = NULL;
        _cleanup_close_ int pts = -EBADF, shm = -EBADF, huge = -EBADF;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(dev_links); i++)
                if (symlinkat(dev_links[i].target, dev_fd, dev_links[i].name) < 0 && errno != EEXIST)
                        return perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot create /dev/%s", dev_links[i].name);
        /* A private pty instance: ptys of the host or of other containers
         * are not visible, /dev/ptmx is its "pts/ptmx". */
        r = mount_at(dev_fd, "pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
                     "newinstance,ptmxmode=0666,mode=0620,gid=5", &pts, e);
        if (r < 0)
                return r;
        shm_opts = cfg->shm_size ? strdup_printf("mode=1777,size=%llu", (unsigned long long) cfg->shm_size)
                                 : strdup("mode=1777");
        if (!shm_opts)
                return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        r = mount_at(dev_fd, "shm", "tmpfs", "shm", MS_NOSUID | MS_NODEV, shm_opts, &shm, e);
        if (r < 0)
                return r;
        if (cfg->hugepages && fs_supported("hugetlbfs")) {
                r = mount_at(dev_fd, "hugepages", "hugetlbfs", "hugetlbfs", MS_NOSUID | MS_NODEV, "mode=01777", &huge,
                             e);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int mount_dev(int root_fd, const struct rootfs_config *cfg, struct perror *e)
{
        _cleanup_free_ char *opts = NULL;
        _cleanup_close_ int dev = -EBADF;
        int r;

        opts = strdup_printf("mode=755,size=%llu", (unsigned long long) (cfg->dev_size ? cfg->dev_size : 32 * MIB));
        if (!opts)
                return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        /* Not nodev: the nodes are the point. The devices cgroup decides
         * what they may open. */
        r = mount_at(root_fd, "dev", "tmpfs", "dev", MS_NOSUID | MS_NOEXEC, opts, &dev, e);
        if (r < 0)
                return r;
        if (cfg->devices) {
                r = dev_make_nodes(dev, cfg->devices, e);
                if (r < 0)
                        return r;
        }
        return mount_dev_extras(dev, cfg, e);
}

/* mkdir -p of the directories below src in dst, with their owners and
 * modes; bounded, never following symlinks (the root may be hostile). */
static int copy_dirs(int src, int dst, unsigned depth, unsigned *budget)
{
        struct dirent *de;
        DIR *d;
        int fd, r = 0;

        fd = fcntl(src, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        while (r >= 0 && *budget > 0 && (de = readdir(d))) {
                _cleanup_close_ int sub_src = -EBADF, sub_dst = -EBADF;
                struct stat st;

                if (streq(de->d_name, ".") || streq(de->d_name, "..") ||
                    fstatat(src, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
                        continue;
                (*budget)--;
                if ((mkdirat(dst, de->d_name, st.st_mode & 07777) < 0 && errno != EEXIST) ||
                    fchownat(dst, de->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
                    fchmodat(dst, de->d_name, st.st_mode & 07777, 0) < 0) {
                        r = -errno;
                        break;
                }
                if (depth + 1 >= RUN_COPY_DEPTH)
                        continue;
                sub_src = openat(src, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                sub_dst = openat(dst, de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub_src >= 0 && sub_dst >= 0)
                        r = copy_dirs(sub_src, sub_dst, depth + 1, budget);
        }
        closedir(d);
        return r;
}

static int bind_socket(int run_fd, const char *socket, struct perror *e)
{
        _cleanup_close_ int src = -EBADF, dst = -EBADF;
        int r;

        src = open(socket, O_PATH | O_CLOEXEC);
        if (src < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot open porto socket %s", socket);
        r = mnt_touch_in_root(run_fd, "portod.socket", 0666, &dst);
        if (r >= 0)
                r = mnt_bind(src, dst, false, 0, 0, MS_PRIVATE);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot bind porto socket into /run");
        return 0;
}

static int mount_run(int root_fd, const struct rootfs_config *cfg, struct perror *e)
{
        _cleanup_free_ char *opts = NULL;
        _cleanup_close_ int under = -EBADF, run = -EBADF;
        unsigned budget = RUN_COPY_DIRS;
        int r;

        /* Opened before the tmpfs hides it. */
        if (mkdirat(root_fd, "run", 0755) < 0 && errno != EEXIST)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot create /run in the container root");
        r = mnt_open_beneath(root_fd, "run", O_RDONLY | O_DIRECTORY, &under);
        if (r < 0)
                return perror_set_errno(e, EERROR_INVALID_VALUE, r, "/run in the container root must be a directory");
        opts = strdup_printf("mode=755,size=%llu", (unsigned long long) (cfg->run_size ? cfg->run_size : 32 * MIB));
        if (!opts)
                return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        r = mount_at(root_fd, "run", "tmpfs", "run", MS_NOSUID | MS_NODEV, opts, &run, e);
        if (r < 0)
                return r;
        r = copy_dirs(under, run, 0, &budget);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot recreate the directories of /run");
        if (cfg->porto_socket)
                return bind_socket(run, cfg->porto_socket, e);
        return 0;
}

static int sysfs_writable(int root_fd, const char *path, struct perror *e)
{
        _cleanup_free_ char *real = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = mnt_open_in_root(root_fd, path, O_PATH, &fd);
        /* Not in this sysfs (a network device of another namespace, say):
         * nothing to grant. */
        if (r == -ENOENT) {
                log_debug("rootfs: device_sysfs: no %s in the container's /sys", path);
                return 0;
        }
        if (r < 0)
                return perror_set_errno(e, EERROR_INVALID_VALUE, r, "device_sysfs: cannot open %s", path);
        r = mnt_path_in_root(root_fd, fd, &real);
        if (r < 0 || !mnt_path_is_under(real, "/sys") || streq(real, "/sys"))
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "device_sysfs: %s is not below /sys", path);
        r = mnt_bind(fd, fd, false, 0, MOUNT_ATTR_RDONLY, 0);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "device_sysfs: cannot make %s writable", path);
        return 0;
}

/* systemd as init wants its own cgroup hierarchy: a tmpfs at
 * /sys/fs/cgroup with the container's name=systemd cgroup at "systemd". */
static int mount_systemd_cgroup(int sys_fd, const char *cgroup, struct perror *e)
{
        _cleanup_close_ int src = -EBADF, fs = -EBADF, cg = -EBADF, dst = -EBADF;
        int r;

        src = open(cgroup, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (src < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot open the systemd cgroup %s", cgroup);
        r = mnt_open_beneath(sys_fd, "fs/cgroup", O_PATH | O_DIRECTORY, &fs);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "no /sys/fs/cgroup in the container");
        r = mnt_mount_fs(fs, "tmpfs", "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755,size=64k");
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot mount a tmpfs on /sys/fs/cgroup");
        r = mnt_open_beneath(sys_fd, "fs/cgroup", O_PATH | O_DIRECTORY, &cg);
        if (r >= 0 && mkdirat(cg, "systemd", 0755) < 0)
                r = -errno;
        if (r >= 0)
                r = mnt_open_beneath(cg, "systemd", O_PATH | O_DIRECTORY, &dst);
        if (r >= 0)
                r = mnt_bind(src, dst, false, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
                             MOUNT_ATTR_RDONLY, MS_PRIVATE);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot bind the systemd cgroup");
        return 0;
}

/* Manual: porto mounts /sys/kernel/tracing. tracefs has one instance
 * for the whole kernel: read-only here, as is the rest of /sys. */
static int mount_tracefs(int sys_fd, struct perror *e)
{
        _cleanup_close_ int dir = -EBADF;
        int r;

        if (!fs_supported("tracefs")) {
                log_debug("rootfs: the kernel has no tracefs: no /sys/kernel/tracing");
                return 0;
        }
        r = mnt_open_beneath(sys_fd, "kernel/tracing", O_PATH | O_DIRECTORY, &dir);
        if (r == -ENOENT) {
                log_debug("rootfs: sysfs has no kernel/tracing: no /sys/kernel/tracing");
                return 0;
        }
        if (r >= 0)
                r = mnt_mount_fs(dir, "tracefs", "tracefs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot mount tracefs on /sys/kernel/tracing");
        return 0;
}

static int sysfs_rw_paths(int root_fd, const struct rootfs_config *cfg, struct perror *e)
{
        for (size_t i = 0; i < cfg->n_sysfs_rw; i++) {
                int r = sysfs_writable(root_fd, cfg->sysfs_rw[i], e);

                if (r < 0)
                        return r;
        }
        return 0;
}

static int mount_sys(int root_fd, const struct rootfs_config *cfg, struct perror *e)
{
        _cleanup_close_ int sys = -EBADF;
        int r;

        r = mount_at(root_fd, "sys", "sysfs", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, &sys, e);
        if (r >= 0)
                r = mount_tracefs(sys, e);
        if (r >= 0 && cfg->systemd_cgroup)
                r = mount_systemd_cgroup(sys, cfg->systemd_cgroup, e);
        if (r >= 0)
                r = sysfs_rw_paths(root_fd, cfg, e);
        return r;
}

/* ---- a fresh /sys without a root ------------------------------------------- */

struct sys_sub {
        char *path; /* mount point below /sys */
        int fd;     /* O_PATH, opened while still in view */
};

/* mountinfo escapes ' ', '\t', '\n' and '\\' as \ooo. */
static void unescape_octal(char *s)
{
        char *w = s;

        for (; *s; s++, w++) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
                    s[3] <= '7') {
                        *w = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                        s += 3;
                } else
                        *w = *s;
        }
        *w = 0;
}

static void sys_subs_free(struct sys_sub *v, size_t n)
{
        for (size_t i = 0; v && i < n; i++) {
                free(v[i].path);
                safe_close(v[i].fd);
        }
        free(v);
}

struct mountinfo_line {
        int id, parent;
        char point[4096];
};

static bool mountinfo_next(char **cursor, struct mountinfo_line *m)
{
        char *line;

        while ((line = strsep(cursor, "\n"))) {
                if (sscanf(line, "%d %d %*s %*s %4095s", &m->id, &m->parent, m->point) == 3) {
                        unescape_octal(m->point);
                        return true;
                }
        }
        return false;
}

/* The mounts right on top of the visible /sys (with theirs below them:
 * /sys/fs/cgroup and its hierarchies, say), opened before they are
 * hidden. */
static int open_sys_subs(struct sys_sub **ret, size_t *ret_n)
{
        _cleanup_free_ char *info = NULL, *copy = NULL;
        struct mountinfo_line m;
        struct sys_sub *v = NULL;
        size_t n = 0;
        char *cur;
        int sys_id = -1, r;

        r = read_file("/proc/self/mountinfo", 16 << 20, &info, NULL);
        if (r < 0)
                return r;
        copy = strdup(info);
        if (!copy)
                return -ENOMEM;
        for (cur = info; mountinfo_next(&cur, &m);)
                if (streq(m.point, "/sys"))
                        sys_id = m.id; /* the last one is on top */
        for (cur = copy; mountinfo_next(&cur, &m);) {
                struct sys_sub *nv;

                if (m.parent != sys_id || m.id == sys_id || !mnt_path_is_under(m.point, "/sys"))
                        continue;
                nv = realloc(v, (n + 1) * sizeof(*v));
                if (!nv) {
                        sys_subs_free(v, n);
                        return -ENOMEM;
                }
                v = nv;
                v[n].fd = open(m.point, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                v[n].path = strdup(m.point + strlen("/sys/"));
                if (v[n].fd < 0 || !v[n].path) {
                        r = v[n].fd < 0 ? -errno : -ENOMEM;
                        sys_subs_free(v, n + 1);
                        return r;
                }
                n++;
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

static int put_back_subs(int sys_fd, const struct sys_sub *subs, size_t n, struct perror *e)
{
        for (size_t i = 0; i < n; i++) {
                _cleanup_close_ int target = -EBADF;
                int r;

                r = mnt_open_beneath(sys_fd, subs[i].path, O_PATH, &target);
                if (r == -ENOENT) {
                        log_debug("rootfs: /sys/%s is not in the new sysfs, left out", subs[i].path);
                        continue;
                }
                if (r >= 0)
                        r = mnt_bind(subs[i].fd, target, true, 0, 0, 0);
                if (r < 0)
                        return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot put /sys/%s back", subs[i].path);
        }
        return 0;
}

/* A container in a network namespace of its own sees that namespace's
 * devices in /sys/class/net only through a sysfs mounted from inside it:
 * mount one read-only over /sys (as in a root), and put the mounts that
 * were below /sys (cgroups, ...) back on it. */
static int remount_sys(int root_fd, const struct rootfs_config *cfg, struct perror *e)
{
        _cleanup_close_ int under = -EBADF, sys = -EBADF;
        struct sys_sub *subs = NULL;
        size_t n = 0;
        int r;

        r = open_sys_subs(&subs, &n);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot list the mounts below /sys");
        r = mnt_open_beneath(root_fd, "sys", O_PATH | O_DIRECTORY, &under);
        if (r >= 0)
                r = mnt_mount_fs(under, "sysfs", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
        if (r >= 0)
                r = mnt_open_beneath(root_fd, "sys", O_PATH | O_DIRECTORY, &sys);
        if (r < 0)
                r = perror_set_errno(e, EERROR_UNKNOWN, r, "cannot mount the network namespace's sysfs on /sys");
        else
                r = put_back_subs(sys, subs, n, e);
        sys_subs_free(subs, n);
        return r < 0 ? r : sysfs_rw_paths(root_fd, cfg, e);
}

/* ---- /etc files ------------------------------------------------------------ */

struct etc_file {
        const char *path, *name;
        const char *content;
        bool newline; /* add one */
};

static int write_all(int fd, const char *s)
{
        size_t n = strlen(s);

        while (n > 0) {
                ssize_t w = write(fd, s, n);

                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                s += w;
                n -= (size_t) w;
        }
        return 0;
}

static int stage_file(int stage_fd, const struct etc_file *f, int *ret)
{
        _cleanup_close_ int fd = -EBADF;
        int r;

        fd = openat(stage_fd, f->name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        r = write_all(fd, f->content);
        if (r >= 0 && f->newline)
                r = write_all(fd, "\n");
        if (r >= 0 && fchmod(fd, 0644) < 0)
                r = -errno;
        if (r < 0)
                return r;
        fd = openat(stage_fd, f->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret = TAKE_FD(fd);
        return 0;
}

static int bind_etc_file(const struct rootfs *rf, int stage_fd, const struct etc_file *f, struct perror *e)
{
        _cleanup_close_ int target = -EBADF, src = -EBADF;
        _cleanup_free_ char *real = NULL;
        struct stat st;
        int r;

        r = mnt_open_in_root(rf->root_fd, f->path, O_PATH, &target);
        if (r == -ENOENT)
                return 0; /* nothing to override */
        if (r < 0)
                return perror_set_errno(e, EERROR_INVALID_VALUE, r, "cannot open %s in the container root", f->path);
        if (fstat(target, &st) < 0 || !S_ISREG(st.st_mode))
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "%s in the container root must be a regular file",
                                  f->path);
        r = mnt_path_in_root(rf->root_fd, target, &real);
        if (r < 0 || is_forbidden(real))
                return perror_set(e, EERROR_INVALID_VALUE, -EPERM, "%s in the container root points into /proc or /sys",
                                  f->path);
        r = stage_file(stage_fd, f, &src);
        if (r >= 0)
                r = mnt_bind(src, target, false, rf->cfg->root_readonly ? MOUNT_ATTR_RDONLY : 0, 0, MS_PRIVATE);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot set up %s", f->path);
        return 0;
}

/* The files are written to a small tmpfs mounted for a moment on /proc
 * (still empty: proc comes in rootfs_enter), bound over their targets, and
 * the tmpfs is detached again: the binds keep it alive, nothing is left in
 * the container's view but the files themselves. */
static int etc_files(const struct rootfs *rf, struct perror *e)
{
        const struct rootfs_config *cfg = rf->cfg;
        const struct etc_file files[] = {
                { "/etc/hostname", "hostname", cfg->hostname, true },
                { "/etc/resolv.conf", "resolv.conf", cfg->resolv_conf, false },
                { "/etc/hosts", "hosts", cfg->etc_hosts, false },
        };
        _cleanup_close_ int stage = -EBADF;
        int r = 0, r2;

        if (!cfg->hostname && !cfg->resolv_conf && !cfg->etc_hosts)
                return 0;
        r = mount_at(rf->root_fd, "proc", "tmpfs", "porto-etc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755,size=1m",
                     &stage, e);
        if (r < 0)
                return r;
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(files); i++)
                if (files[i].content)
                        r = bind_etc_file(rf, stage, &files[i], e);
        r2 = mnt_umount_fd(stage);
        if (r >= 0 && r2 < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r2, "cannot unmount the staging tmpfs");
        return r;
}

/* ---- prepare --------------------------------------------------------------- */

/* The root directory (resolved in root_base if there is one); check: ask
 * may_use() about it. */
static int open_root(const struct rootfs_config *cfg, bool check, int *ret, struct perror *e)
{
        _cleanup_close_ int base = -EBADF;
        int r;

        r = open_base(cfg, &base, e);
        if (r < 0)
                return r;
        r = open_user_path(base, base >= 0 && isempty(cfg->root) ? "/" : cfg->root, O_PATH | O_DIRECTORY, ret);
        if (r < 0)
                return perror_set_errno(e, r == -ENOENT || r == -ENOTDIR || r == -ELOOP ? EERROR_INVALID_VALUE
                                                                                         : EERROR_UNKNOWN,
                                        r, "cannot open root \"%s\"", root_name(cfg));
        if (check && (r = check_use(cfg, *ret, true, "root", root_name(cfg), e)) < 0)
                *ret = safe_close(*ret);
        return r;
}

/* Bind the root onto itself: pivot_root wants a mount point, and the copy
 * may be made read-only without touching the original. */
static int make_root_mount(struct rootfs *rf, struct perror *e)
{
        const struct rootfs_config *cfg = rf->cfg;
        _cleanup_close_ int orig = -EBADF;
        int r;

        r = open_root(cfg, true, &orig, e);
        if (r < 0)
                return r;
        r = mnt_bind(orig, orig, true, 0, 0, 0);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot bind the root \"%s\"", root_name(cfg));
        r = open_root(cfg, false, &rf->root_fd, e);
        if (r < 0)
                return r;
        if (cfg->root_readonly) {
                r = mnt_setattr(rf->root_fd, true, MOUNT_ATTR_RDONLY, 0);
                if (r < 0)
                        return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot make the root read-only");
        }
        return 0;
}

static int prepare_chroot(struct rootfs *rf, const struct bind_src *srcs, struct perror *e)
{
        const struct rootfs_config *cfg = rf->cfg;
        int r;

        if (cfg->root_readonly) {
                _cleanup_close_ int orig = -EBADF;

                r = open_root(cfg, true, &orig, e);
                if (r < 0)
                        return r;
                for (const char *const *d = (const char *const[]) { "dev", "proc", "sys", "run", NULL }; *d; d++)
                        if (mkdirat(orig, *d, 0755) < 0 && errno != EEXIST)
                                return perror_set_errno(e, EERROR_UNKNOWN, -errno,
                                                        "cannot create /%s in the container root", *d);
                r = precreate_targets(orig, cfg, srcs, e);
                if (r >= 0)
                        r = do_symlinks(orig, cfg, SYMLINKS_OFF_TMPFS, e);
                if (r < 0)
                        return r;
        }
        r = make_root_mount(rf, e);
        if (r >= 0)
                r = mount_dev(rf->root_fd, cfg, e);
        if (r >= 0)
                r = mount_run(rf->root_fd, cfg, e);
        if (r >= 0)
                r = mount_sys(rf->root_fd, cfg, e);
        if (r >= 0)
                r = etc_files(rf, e);
        if (r >= 0)
                r = do_binds(rf, srcs, e);
        if (r >= 0)
                r = do_symlinks(rf->root_fd, cfg, cfg->root_readonly ? SYMLINKS_ON_TMPFS : SYMLINKS_ALL, e);
        return r;
}

static int prepare_host(struct rootfs *rf, const struct bind_src *srcs, struct perror *e)
{
        const struct rootfs_config *cfg = rf->cfg;
        int r;

        rf->root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        r = rf->root_fd < 0 ? perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot open /") : 0;
        if (r < 0)
                return r;
        r = do_symlinks(rf->root_fd, cfg, SYMLINKS_ALL, e);
        if (r >= 0 && cfg->root_readonly) {
                r = precreate_targets(rf->root_fd, cfg, srcs, e);
                if (r < 0)
                        return r;
                r = mnt_setattr(rf->root_fd, true, MOUNT_ATTR_RDONLY, 0);
                if (r < 0)
                        return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot make the root read-only");
        }
        if (r >= 0 && cfg->new_sys)
                r = remount_sys(rf->root_fd, cfg, e);
        if (r >= 0)
                r = do_binds(rf, srcs, e);
        return r;
}

/* Paths are checked through /proc/self/fd. A starter that entered a parent
 * container's mount namespace sees the /proc of that container's pid
 * namespace, where it does not exist: mount one of its own over it, in the
 * new (private) mount namespace, for as long as rootfs_prepare() runs. */
static int own_proc(bool *mounted, struct perror *e)
{
        *mounted = false;
        if (access("/proc/self/fd", F_OK) == 0)
                return 0;
        if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot mount /proc for the starter");
        *mounted = true;
        return 0;
}

int rootfs_prepare(const struct rootfs_config *cfg, struct rootfs **ret, struct perror *e)
{
        struct bind_src *srcs = NULL;
        struct rootfs *rf;
        bool own = false;
        int r;

        rf = calloc(1, sizeof(*rf));
        if (!rf)
                return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        *rf = (struct rootfs) { .cfg = cfg, .root_fd = -EBADF, .chroot = is_chroot(cfg) };
        if (rf->chroot && ((!isempty(cfg->root) && cfg->root[0] != '/') ||
                           (!isempty(cfg->root_base) && cfg->root_base[0] != '/'))) {
                rootfs_free(rf);
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "root \"%s\" must be an absolute path",
                                  root_name(cfg));
        }
        if (unshare(CLONE_NEWNS) < 0)
                r = perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot create a mount namespace");
        else if ((r = mnt_make_rslave()) < 0)
                perror_set_errno(e, EERROR_UNKNOWN, r, "cannot make the mount namespace a slave");
        else if ((r = own_proc(&own, e)) < 0)
                ;
        /* Sources are host paths: open them in the new namespace (clones
         * can only be made of its own mounts) before anything moves. */
        else if ((r = open_sources(cfg, &srcs, e)) >= 0) {
                r = rf->chroot ? prepare_chroot(rf, srcs, e) : prepare_host(rf, srcs, e);
                close_sources(srcs, cfg->n_binds);
        }
        if (own && umount2("/proc", MNT_DETACH) < 0 && r >= 0)
                r = perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot unmount the starter's /proc");
        if (r < 0) {
                rootfs_free(rf);
                return r;
        }
        *ret = rf;
        return 0;
}

/* ---- enter ----------------------------------------------------------------- */

static int proc_protect(int proc_fd, bool net_rw, struct perror *e)
{
        _cleanup_close_ int net = -EBADF;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(proc_readonly); i++) {
                _cleanup_close_ int fd = openat(proc_fd, proc_readonly[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);

                if (fd < 0 && errno == ENOENT)
                        continue;
                if (fd < 0)
                        return perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot open /proc/%s", proc_readonly[i]);
                r = mnt_bind(fd, fd, false, MOUNT_ATTR_RDONLY, 0, 0);
                if (r < 0)
                        return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot make /proc/%s read-only",
                                                proc_readonly[i]);
        }
        if (!net_rw)
                return 0;
        /* Through the read-only bind just made: its own sysctls. */
        net = openat(proc_fd, "sys/net", O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (net < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot open /proc/sys/net");
        r = mnt_bind(net, net, false, 0, MOUNT_ATTR_RDONLY, 0);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot make /proc/sys/net writable");
        return 0;
}

static int mount_proc(const struct rootfs *rf, struct perror *e)
{
        _cleanup_close_ int proc = -EBADF;
        int r;

        r = mount_at(rf->root_fd, "proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, &proc, e);
        if (r < 0 || (!rf->chroot && rf->cfg->proc_full))
                return r;
        return proc_protect(proc, rf->cfg->proc_sys_net_rw, e);
}

static int pivot(int root_fd, struct perror *e)
{
        if (fchdir(root_fd) < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot enter the container root");
        /* The old root ends up stacked on "." and is detached right away. */
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "pivot_root failed");
        if (umount2(".", MNT_DETACH) < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot detach the old root");
        if (chdir("/") < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot change directory to /");
        return 0;
}

int rootfs_enter(struct rootfs *rf, struct perror *e)
{
        int r;

        if (!rf->chroot)
                return rf->cfg->new_proc ? mount_proc(rf, e) : 0;
        r = mount_proc(rf, e);
        if (r < 0)
                return r;
        return pivot(rf->root_fd, e);
}

int rootfs_setup(const struct rootfs_config *cfg, struct perror *e)
{
        struct rootfs *rf = NULL;
        int r;

        r = rootfs_prepare(cfg, &rf, e);
        if (r < 0)
                return r;
        r = rootfs_enter(rf, e);
        rootfs_free(rf);
        return r;
}

/* ---- symlinks -------------------------------------------------------------- */

/* Relative path from directory dir to target (both normalized absolute). */
static char *relative_path(const char *dir, const char *target)
{
        struct strbuf b = STRBUF_INIT;
        size_t common = 0;

        if (streq(dir, "/"))
                return strdup(target[1] ? target + 1 : ".");
        /* Longest common prefix ending at a component boundary. */
        for (size_t i = 0;; i++) {
                bool end_d = dir[i] == 0 || dir[i] == '/', end_t = target[i] == 0 || target[i] == '/';

                if (end_d && end_t)
                        common = i;
                if (!dir[i] || !target[i] || dir[i] != target[i])
                        break;
        }
        for (const char *p = dir + common; *p; p++)
                if (*p == '/' && strbuf_append(&b, b.len ? "/.." : "..") < 0)
                        goto fail;
        if (target[common] == '/')
                common++;
        if (target[common] && ((b.len && strbuf_append(&b, "/") < 0) || strbuf_append(&b, target + common) < 0))
                goto fail;
        if (!b.len && strbuf_append(&b, ".") < 0)
                goto fail;
        return strbuf_steal(&b);
fail:
        strbuf_free(&b);
        return NULL;
}

static int remove_symlink(int parent, const char *name, const char *path, struct perror *e)
{
        struct stat st;

        if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : perror_set_errno(e, EERROR_UNKNOWN, -errno, "symlink: cannot stat %s", path);
        if (!S_ISLNK(st.st_mode))
                return perror_set(e, EERROR_INVALID_VALUE, -EEXIST, "symlink: %s exists and is not a symlink", path);
        if (unlinkat(parent, name, 0) < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "symlink: cannot remove %s", path);
        return 0;
}

/* Create or atomically replace parent/name -> link. */
static int place_symlink(int parent, const char *name, const char *link, const char *path, struct perror *e)
{
        _cleanup_free_ char *tmp = NULL;
        char cur[4096];
        ssize_t n;

        n = readlinkat(parent, name, cur, sizeof(cur) - 1);
        if (n >= 0) {
                cur[n] = 0;
                if (streq(cur, link))
                        return 0;
        } else if (errno == EINVAL)
                return perror_set(e, EERROR_INVALID_VALUE, -EEXIST, "symlink: %s exists and is not a symlink", path);
        else if (errno != ENOENT)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "symlink: cannot read %s", path);
        tmp = strdup_printf(".%s.porto-%d", name, (int) getpid());
        if (!tmp)
                return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        (void) unlinkat(parent, tmp, 0);
        if (symlinkat(link, parent, tmp) < 0)
                /* The filesystem there refuses links (read-only, devpts):
                 * the path is the client's choice. */
                return perror_set_errno(e, errno == EROFS || errno == EPERM ? EERROR_INVALID_VALUE : EERROR_UNKNOWN,
                                        -errno, "symlink: cannot create %s", path);
        if (renameat(parent, tmp, parent, name) < 0) {
                int r = -errno;

                (void) unlinkat(parent, tmp, 0);
                return perror_set_errno(e, EERROR_UNKNOWN, r, "symlink: cannot create %s", path);
        }
        return 0;
}

int rootfs_symlink(int root_fd, const char *cwd, const char *path, const char *target, struct perror *e)
{
        _cleanup_free_ char *abs = NULL, *abs_target = NULL, *dir = NULL, *real_dir = NULL, *link = NULL;
        _cleanup_close_ int parent = -EBADF;
        const char *name;
        int r;

        if (mnt_path_absolute(path, cwd, &abs) < 0 || streq(abs, "/"))
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "symlink: bad path \"%s\"", path ? path : "");
        if (!isempty(target) && mnt_path_absolute(target, cwd, &abs_target) < 0)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "symlink: bad target \"%s\" (no \"..\")", target);
        name = strrchr(abs, '/') + 1;
        dir = strndup(abs, (size_t) (name - abs));
        if (!dir)
                return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        if (!abs_target) {
                r = mnt_open_in_root(root_fd, dir, O_PATH | O_DIRECTORY, &parent);
                if (r == -ENOENT)
                        return 0;
                if (r < 0)
                        return perror_set_errno(e, EERROR_INVALID_VALUE, r, "symlink: cannot open the directory of %s",
                                                abs);
                return remove_symlink(parent, name, abs, e);
        }
        /* As for bind targets: nothing in /proc or /sys, which porto
         * mounts over (at start it would land in the root's own /proc). */
        if (is_forbidden(abs))
                return perror_set(e, EERROR_INVALID_VALUE, -EPERM,
                                  "symlink: %s is inside /proc or /sys, which porto mounts itself", abs);
        r = check_ancestor(root_fd, "symlink", dir, e);
        if (r < 0)
                return r;
        r = mnt_mkdir_in_root(root_fd, dir, 0755, &parent);
        if (r == -ELOOP)
                return perror_set(e, EERROR_INVALID_VALUE, r,
                                  "symlink: %s: a symlink on the way leads to a missing place or a /proc magic link",
                                  abs);
        if (r < 0)
                return perror_set_errno(e, EERROR_INVALID_VALUE, r, "symlink: cannot create the directory of %s", abs);
        /* Relative to where the directory really is (symlinks on the way). */
        r = mnt_path_in_root(root_fd, parent, &real_dir);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "symlink: cannot locate the directory of %s", abs);
        link = relative_path(real_dir, abs_target);
        if (!link)
                return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        return place_symlink(parent, name, link, abs, e);
}

int rootfs_resolv_conf_text(const char *prop, char **ret)
{
        _cleanup_strv_free_ char **items = NULL;
        struct strbuf b = STRBUF_INIT;
        int r;

        r = split_escaped(prop, ';', &items);
        if (r < 0)
                return r;
        for (char **i = items; *i; i++)
                if (strbuf_append(&b, *i) < 0 || strbuf_append(&b, "\n") < 0) {
                        strbuf_free(&b);
                        return -ENOMEM;
                }
        *ret = strbuf_steal(&b);
        return 0;
}
