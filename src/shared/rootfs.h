/* The filesystem of a container (manual, "Filesystem"): a private mount
 * namespace, the root with pivot_root, porto's mounts (/dev tmpfs with only
 * permitted nodes, /dev/pts, /dev/shm, /dev/hugepages, /proc, /run with the
 * underlying directory structure, /sys read-only, /sys/kernel/tracing),
 * binds, symlinks,
 * root_readonly and the /etc/hostname, /etc/resolv.conf, /etc/hosts files.
 *
 * Two steps, because /proc must be mounted from inside the container's pid
 * namespace while device nodes must be created before the process joins
 * the container's devices cgroup (which usually forbids mknod):
 *
 *     rootfs_prepare()   starter, before joining cgroups: unshare(CLONE_NEWNS)
 *                        and everything but /proc and pivot_root
 *     ...join cgroups, unshare pid/ipc/uts, fork...
 *     rootfs_enter()     main process (pid 1 of the new pid namespace):
 *                        /proc, pivot_root, chdir("/")
 *
 * rootfs_setup() does both in one process. Everything happens in the new
 * mount namespace, which is made a slave of the parent's first: nothing is
 * ever mounted in the caller's namespace. Errors come back in a perror
 * (InvalidValue for bad configuration, Unknown with errno for the kernel's
 * refusals). All calls are meant for a forked single-threaded child. */
#pragma once

#include "basic/error.h"
#include "shared/devices.h"
#include "shared/mount.h"

struct rootfs_symlink {
        const char *path;   /* symlink in the container; relative to cwd */
        const char *target; /* what it points to, in the container; "" or NULL removes */
};

struct rootfs_config {
        const char *root;      /* host path; NULL or "/" stays in the current root */
        const char *root_base; /* NULL or a directory in which root and bind sources are resolved
                                * (RESOLVE_IN_ROOT: symlinks cannot leave it); root NULL = base */
        /* Optional: may the container's owner use this root (write) or bind
         * source (write, read for "ro")? Asked on the opened fds, so what is
         * checked is what gets mounted. 0 = yes. */
        int (*may_use)(int fd, bool write, void *userdata);
        void *may_use_data;
        bool root_readonly;    /* every mount of the root read-only; binds without "rw" too */
        const char *cwd;       /* base of relative bind targets and symlinks; NULL = "/" */
        const struct mnt_bind *binds; /* sources absolute (host paths) */
        size_t n_binds;
        const struct rootfs_symlink *symlinks;
        size_t n_symlinks;
        /* With a root (chroot) only: */
        const struct dev_set *devices; /* resolved (dev_resolve); nodes for /dev */
        const char *hostname;          /* /etc/hostname content, a newline is added; NULL keeps */
        const char *resolv_conf;       /* /etc/resolv.conf content; NULL keeps */
        const char *etc_hosts;         /* /etc/hosts content; NULL keeps */
        const char *porto_socket;      /* host socket bound at /run/portod.socket; NULL: none */
        uint64_t dev_size;             /* tmpfs sizes in bytes; 0: 32M for /dev and /run, */
        uint64_t run_size;             /* the kernel's default (half of RAM) for /dev/shm */
        uint64_t shm_size;
        bool hugepages;                /* hugetlbfs at /dev/hugepages if the kernel has it */
        bool proc_sys_net_rw;          /* own network namespace: /proc/sys/net writable */
        char *const *sysfs_rw;         /* /sys paths left writable (device_sysfs) */
        size_t n_sysfs_rw;
        const char *systemd_cgroup;    /* host cgroup dir (name=systemd) bound at /sys/fs/cgroup/systemd,
                                        * under a tmpfs /sys/fs/cgroup; NULL: none */
        /* Without a root only: */
        bool new_proc;                 /* own pid namespace: a fresh /proc */
        bool proc_full;                /* that /proc as writable as the host's (no chroot anywhere
                                        * above); else /proc/sys & co read-only as in a root */
        bool new_sys;                  /* own network namespace: a fresh read-only /sys (its
                                        * /sys/class/net), the mounts below the old one put back */
};

struct rootfs;

/* cfg must stay valid until rootfs_enter(). */
int rootfs_prepare(const struct rootfs_config *cfg, struct rootfs **ret, struct perror *e);
int rootfs_enter(struct rootfs *rf, struct perror *e);
struct rootfs *rootfs_free(struct rootfs *rf);
int rootfs_setup(const struct rootfs_config *cfg, struct perror *e);

/* Create, replace or (empty target) remove one symlink below root_fd (the
 * container root; from outside, ns_open_root() of its task): both paths are
 * resolved in the root, relative ones from cwd; missing parent directories
 * are created; the link is relative, so that it also works from outside. A
 * non-symlink in the way is InvalidValue. */
int rootfs_symlink(int root_fd, const char *cwd, const char *path, const char *target, struct perror *e);

/* resolv_conf property text ("nameserver 1.1.1.1;search x") -> file content
 * (one option per line). */
int rootfs_resolv_conf_text(const char *prop, char **ret);
