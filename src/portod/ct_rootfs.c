/* The filesystem and namespaces of a container at start (manual,
 * "Filesystem", "Network", virt_mode): which mount namespace the container
 * starts in, its root, binds, symlinks, /etc files and device nodes
 * (rootfs.h does the mounting in the starter), net=none, the cgroup
 * namespace, the virt_mode=os defaults, and live symlink changes.
 *
 * Where a child starts: in the mount namespace of its nearest running
 * ancestor that has one (so it sees that ancestor's root and binds); roots
 * of meta ancestors without a task are joined into the path instead. */
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "container.h"
#include "prop.h"
#include "spawn.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "shared/devices.h"
#include "shared/ns.h"
#include "shared/rootfs.h"

#define NGROUPS_MAX_OWNER 256

struct ct_rootfs_holder {
        struct rootfs_config cfg;
        struct dev_set devices;
        struct mnt_bind *binds;
        size_t n_binds;
        struct rootfs_symlink *symlinks;
        char *root, *base, *resolv_conf, *etc_hosts, *cwd, *systemd_cgroup;
        char **cgroup_procs;
        char **sysfs_rw;
        const char *hostname;   /* own, or of a meta ancestor: /etc/hostname in a root */
        uid_t uid;              /* the owner, for may_use */
        gid_t groups[NGROUPS_MAX_OWNER];
        int n_groups;
};

bool ct_has_chroot(const struct container *ct)
{
        return ct && ct->root && !streq(ct->root, "/");
}

bool ct_in_chroot(const struct container *ct)
{
        for (; ct; ct = ct->parent)
                if (ct_has_chroot(ct))
                        return true;
        return false;
}

/* Join b below a (both normalized absolute). */
static char *path_join(const char *a, const char *b)
{
        if (streq(a, "/"))
                return strdup(b);
        if (streq(b, "/"))
                return strdup(a);
        return strdup_printf("%s%s", a, b);
}

char *ct_root_host_path(const struct container *ct)
{
        char *path = strdup("/");

        for (; path && ct; ct = ct->parent) {
                char *n;

                if (!ct_has_chroot(ct))
                        continue;
                n = path_join(ct->root, path);
                free(path);
                path = n;
        }
        return path;
}

enum ct_net ct_net(const struct container *ct)
{
        if (ct->net_set)
                return ct->net;
        return ct->virt_mode == VIRT_OS ? CT_NET_NONE : CT_NET_INHERITED;
}

const char *ct_command(const struct container *ct)
{
        if (!isempty(ct->command) || ct->command_argv)
                return ct->command;
        return ct->virt_mode == VIRT_OS ? "/sbin/init" : ct->command;
}

bool ct_os_root_user(const struct container *ct)
{
        return ct->virt_mode == VIRT_OS && !prop_name_is_set(ct, "user");
}

/* ---- the systemd cgroup of virt_mode=os (manual "CGROUPS") ---- */

/* <mount of name=systemd><own cgroup there>/<prefix>; NULL: no such
 * hierarchy (cgroup v2 hosts, hosts without systemd). Looked up once. */
static const char *systemd_top(void)
{
        static char *top;
        static bool looked;
        _cleanup_free_ char *info = NULL, *cg = NULL;
        char *mnt = NULL, *own = NULL;

        if (looked)
                return top;
        looked = true;
        if (read_file("/proc/self/mountinfo", 4 << 20, &info, NULL) < 0 ||
            read_file("/proc/self/cgroup", 1 << 20, &cg, NULL) < 0)
                return NULL;
        for (char *line = strtok(info, "\n"); line && !mnt; line = strtok(NULL, "\n")) {
                char point[4096], opts[1024];

                if (strstr(line, " - cgroup ") && strstr(line, "name=systemd") &&
                    sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1 &&
                    sscanf(strstr(line, " - cgroup ") + 10, "%*s %1023s", opts) == 1 && strstr(opts, "name=systemd"))
                        mnt = strdup(point);
        }
        own = strstr(cg, ":name=systemd:");
        if (mnt && own) {
                own += strlen(":name=systemd:");
                own[strcspn(own, "\n")] = 0;
                top = strdup_printf("%s%s/%s", mnt, streq(own, "/") ? "" : own, config->cgroup_prefix);
        }
        free(mnt);
        return top;
}

static char *systemd_cgroup_dir(const struct container *ct)
{
        const char *top = systemd_top();

        return top ? strdup_printf("%s/%s", top, ct->name) : NULL;
}

/* "if /sbin/init is a symlink to systemd": looked up inside the root. */
static bool init_is_systemd(const struct rootfs_config *cfg)
{
        _cleanup_close_ int base_fd = -EBADF, root_fd = -EBADF, sbin = -EBADF;
        char target[4096];
        const char *base;
        ssize_t n;

        if (cfg->root_base) {
                base_fd = open(cfg->root_base, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (base_fd < 0 || mnt_open_in_root(base_fd, cfg->root ? cfg->root : "/", O_PATH | O_DIRECTORY,
                                                    &root_fd) < 0)
                        return false;
        } else
                root_fd = open(cfg->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0 || mnt_open_in_root(root_fd, "/sbin", O_PATH | O_DIRECTORY, &sbin) < 0)
                return false;
        n = readlinkat(sbin, "init", target, sizeof(target) - 1);
        if (n <= 0)
                return false;
        target[n] = 0;
        base = strrchr(target, '/');
        return streq(base ? base + 1 : target, "systemd");
}

static int setup_systemd(struct ct_rootfs_holder *h, const struct container *ct, char **procs, struct perror *e)
{
        int r;

        if (!systemd_top() || !init_is_systemd(&h->cfg))
                return 0;
        h->systemd_cgroup = systemd_cgroup_dir(ct);
        if (!h->systemd_cgroup)
                return -ENOMEM;
        r = mkdir_p(h->systemd_cgroup, 0755);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot create the systemd cgroup %s",
                                        h->systemd_cgroup);
        h->cgroup_procs = strv_copy(procs);
        if (!h->cgroup_procs || strv_consume(&h->cgroup_procs, strdup_printf("%s/cgroup.procs", h->systemd_cgroup)) < 0)
                return -ENOMEM;
        h->cfg.systemd_cgroup = h->systemd_cgroup;
        return 0;
}

/* rmdir deepest first: systemd makes its own cgroups below ours. */
static void rmdir_tree(int parent, const char *name, unsigned depth)
{
        int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct dirent *de;
        DIR *d;

        if (fd < 0)
                return;
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return;
        }
        while (depth < 32 && (de = readdir(d)))
                if (de->d_type == DT_DIR && !streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        rmdir_tree(dirfd(d), de->d_name, depth + 1);
        closedir(d);
        if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
                log_warning_errno(-errno, "cannot remove systemd cgroup %s: %m", name);
}

void ct_systemd_cgroup_remove(const struct container *ct)
{
        _cleanup_free_ char *dir = NULL;

        if (!systemd_top() || ct_is_root(ct))
                return;
        dir = systemd_cgroup_dir(ct);
        if (dir && access(dir, F_OK) == 0)
                rmdir_tree(AT_FDCWD, dir, 0);
}

/* ---- what the owner may mount ---- */

/* Manual: root and bind need the owner's write access (read for ro binds).
 * The groups are looked up here: the starter may already see another
 * root's /etc/group. */
static int owner_creds(struct ct_rootfs_holder *h, const struct container *ct)
{
        char name[64];

        h->uid = ct->owner_uid;
        h->groups[0] = ct->owner_gid;
        h->n_groups = 1;
        if (uid_to_name(ct->owner_uid, name, sizeof(name)) && getpwuid(ct->owner_uid)) {
                h->n_groups = NGROUPS_MAX_OWNER;
                if (getgrouplist(name, ct->owner_gid, h->groups, &h->n_groups) < 0)
                        h->n_groups = 1;
        }
        return 0;
}

static int owner_may_use(int fd, bool write, void *userdata)
{
        const struct ct_rootfs_holder *h = userdata;
        unsigned bit = write ? 2 : 4;
        struct stat st;

        if (fstat(fd, &st) < 0)
                return -errno;
        if (st.st_uid == h->uid || (st.st_mode & bit))
                return 0;
        for (int i = 0; i < h->n_groups; i++)
                if (st.st_gid == h->groups[i] && (st.st_mode & (bit << 3)))
                        return 0;
        return -EPERM;
}

/* ---- where the container starts ---- */

/* What meta ancestors without a task give a child. Since meta containers
 * with namespaces of their own keep them with a task (ct_meta_keeps_ns),
 * only metas started by an older portod, still running after an upgrade,
 * come here with a root, net=none or a hostname. */
struct meta_ns {
        bool net_none;          /* one has net=none: an empty network namespace */
        const char *hostname;   /* the nearest isolated one's hostname: an own uts namespace */
};

/* The process whose namespaces a child enters (0: the daemon's), the
 * roots of meta ancestors in between, joined ("/" for none), and what
 * those meta ancestors give it. */
static int find_mount_parent(const struct container *ct, pid_t *ret_pid, char **ret_prefix, struct meta_ns *ret_meta)
{
        char *prefix = strdup("/");

        *ret_pid = 0;
        *ret_meta = (struct meta_ns) { false, NULL };
        for (const struct container *a = ct->parent; prefix && a && !ct_is_root(a); a = a->parent) {
                char *n;

                /* The nearest ancestor with a task: its namespaces are those
                 * of every ancestor above (it started in them). */
                if (a->task_pid > 0) {
                        if (ns_same(a->task_pid, 0, NS_MNT) == 0 || ns_same(a->task_pid, 0, NS_PID) == 0 ||
                            ns_same(a->task_pid, 0, NS_NET) == 0)
                                *ret_pid = a->task_pid;
                        break;
                }
                /* A meta ancestor without network: no task holds a
                 * namespace for it, the child gets an empty one. */
                if (ct_net(a) == CT_NET_NONE)
                        ret_meta->net_none = true;
                if (!ret_meta->hostname && ct_isolated(a) && !isempty(a->hostname))
                        ret_meta->hostname = a->hostname;
                if (!ct_has_chroot(a))
                        continue;
                n = path_join(a->root, prefix);
                free(prefix);
                prefix = n;
        }
        if (!prefix)
                return -ENOMEM;
        *ret_prefix = prefix;
        return 0;
}

static bool needs_rootfs(const struct container *ct, const char *prefix)
{
        return ct_has_chroot(ct) || !streq(prefix, "/") || ct->binds.n || ct->root_readonly || ct->n_symlinks;
}

bool ct_meta_keeps_ns(const struct container *ct)
{
        return ct_isolated(ct) || ct_net(ct) == CT_NET_NONE || needs_rootfs(ct, "/");
}

/* resolv_conf: default (portod.conf, else the host's file), keep, or text. */
static int resolv_conf_content(const struct container *ct, char **ret, struct perror *e)
{
        int r;

        *ret = NULL;
        if (ct->resolv_conf && streq(ct->resolv_conf, "keep"))
                return 0;
        if (ct->resolv_conf || config->default_resolv_conf)
                r = rootfs_resolv_conf_text(ct->resolv_conf ? ct->resolv_conf : config->default_resolv_conf, ret);
        else {
                r = read_file("/etc/resolv.conf", 1 << 20, ret, NULL);
                if (r == -ENOENT)
                        return 0;
        }
        return r < 0 ? perror_set_errno(e, EERROR_UNKNOWN, r, "resolv_conf: cannot build the file") : 0;
}

static int copy_binds(struct ct_rootfs_holder *h, const struct container *ct)
{
        h->binds = calloc(ct->binds.n + 1, sizeof(*h->binds));
        if (!h->binds)
                return -ENOMEM;
        for (size_t i = 0; i < ct->binds.n; i++) {
                const struct mnt_bind *b = &ct->binds.v[i];

                h->binds[i] = (struct mnt_bind) { strdup(b->source), strdup(b->target), b->flags };
                h->n_binds++;
                if (!h->binds[i].source || !h->binds[i].target)
                        return -ENOMEM;
        }
        h->cfg.binds = h->binds;
        h->cfg.n_binds = h->n_binds;
        return 0;
}

static int copy_symlinks(struct ct_rootfs_holder *h, const struct container *ct)
{
        h->symlinks = calloc(ct->n_symlinks + 1, sizeof(*h->symlinks));
        if (!h->symlinks)
                return -ENOMEM;
        for (size_t i = 0; i < ct->n_symlinks; i++)
                h->symlinks[i] = (struct rootfs_symlink) { ct->symlinks[i].path, ct->symlinks[i].target };
        h->cfg.symlinks = h->symlinks;
        h->cfg.n_symlinks = ct->n_symlinks;
        return 0;
}

/* Symlinks outside a chroot land in the host's filesystem: only for
 * containers of the superuser. */
static int check_host_symlinks(const struct container *ct, bool chroot, struct perror *e)
{
        if (chroot || !ct->n_symlinks || ct->owner_uid == 0)
                return 0;
        return perror_set(e, EERROR_PERMISSION, -EPERM,
                          "symlink: without a root the links would be made in the host's filesystem; "
                          "only containers of root may do that");
}

/* container.device_sysfs of portod.conf: the sysfs paths of a device the
 * container may write to (w in its devices, or every device where device
 * control is off) stay writable in its read-only /sys. */
static int device_sysfs(struct ct_rootfs_holder *h, const struct container *ct, bool chroot)
{
        bool all = !chroot && ct_devices_off(ct);

        for (size_t i = 0; i < config->n_device_sysfs; i++) {
                const struct dev_sysfs *d = &config->device_sysfs[i];
                struct stat st;

                /* A device missing on this host grants nothing. */
                if (stat(d->device, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
                        continue;
                if (!all && !dev_set_may_write(&h->devices, S_ISCHR(st.st_mode) ? 'c' : 'b', major(st.st_rdev),
                                            minor(st.st_rdev)))
                        continue;
                for (size_t j = 0; j < d->n_sysfs; j++)
                        if (!strv_contains(h->sysfs_rw, d->sysfs[j]) && strv_push(&h->sysfs_rw, d->sysfs[j]) < 0)
                                return -ENOMEM;
        }
        h->cfg.sysfs_rw = h->sysfs_rw;
        h->cfg.n_sysfs_rw = strv_length(h->sysfs_rw);
        return 0;
}

/* The effective devices: nodes for /dev in a root, and what device_sysfs
 * grants wherever a fresh /sys is mounted. */
static int devices_and_sysfs(struct ct_rootfs_holder *h, struct container *ct, bool chroot, struct perror *e)
{
        int r;

        if (!chroot && !config->n_device_sysfs)
                return 0;
        r = ct_devices_effective(ct, &h->devices, e);
        if (r < 0)
                return r;
        if (chroot)
                h->cfg.devices = &h->devices;
        r = device_sysfs(h, ct, chroot);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "device_sysfs");
        return 0;
}

static int chroot_files(struct ct_rootfs_holder *h, struct container *ct, bool in_parent_ns, struct perror *e)
{
        int r;

        r = devices_and_sysfs(h, ct, true, e);
        if (r < 0)
                return r;
        h->cfg.hugepages = true;
        h->cfg.hostname = h->hostname;
        r = resolv_conf_content(ct, &h->resolv_conf, e);
        if (r < 0)
                return r;
        h->cfg.resolv_conf = h->resolv_conf;
        /* Manual: "If container should have access to porto then
         * /run/portod.socket is binded inside", if enable_porto lets it. */
        h->cfg.porto_socket = ct_porto_enabled(ct) ? ct_porto_socket_path() : NULL;
        /* Inside a parent's chroot the host path is out of sight; the
         * parent has the socket at the usual place. */
        if (h->cfg.porto_socket && in_parent_ns && ct_in_chroot(ct->parent))
                h->cfg.porto_socket = "/run/portod.socket";
        /* Property values come trimmed: the file ends with a newline. */
        if (ct->etc_hosts) {
                size_t n = strlen(ct->etc_hosts);

                h->etc_hosts = strdup_printf("%s%s", ct->etc_hosts, n && ct->etc_hosts[n - 1] == '\n' ? "" : "\n");
                if (!h->etc_hosts)
                        return -ENOMEM;
        }
        h->cfg.etc_hosts = h->etc_hosts;
        return 0;
}

static int fill_rootfs(struct ct_rootfs_holder *h, struct container *ct, const char *prefix, bool new_net,
                       bool in_parent_ns, struct perror *e)
{
        char cwdbuf[4096];
        bool chroot;
        int r;

        h->root = ct_has_chroot(ct) ? path_join(prefix, ct->root) : strdup(prefix);
        h->cwd = strdup(ct_cwd(ct, cwdbuf, sizeof(cwdbuf)));
        if (!h->root || !h->cwd)
                return -ENOMEM;
        chroot = !streq(h->root, "/");
        r = check_host_symlinks(ct, chroot, e);
        if (r < 0)
                return r;
        /* Paths of meta ancestors' roots: resolved inside them, never
         * through a symlink out of them. */
        if (!streq(prefix, "/") && !(h->base = strdup(prefix)))
                return -ENOMEM;
        h->cfg.root_base = h->base;
        h->cfg.root = ct_has_chroot(ct) ? ct->root : NULL;
        if (ct->owner_uid != 0 && !in_parent_ns) {
                r = owner_creds(h, ct);
                if (r < 0)
                        return r;
                h->cfg.may_use = owner_may_use;
                h->cfg.may_use_data = h;
        }
        h->cfg.root_readonly = ct->root_readonly;
        h->cfg.cwd = h->cwd;
        h->cfg.proc_sys_net_rw = new_net;
        h->cfg.new_proc = !chroot && ct_isolated(ct);
        h->cfg.proc_full = !ct_in_chroot(ct);
        h->cfg.new_sys = !chroot && new_net;
        if ((r = copy_binds(h, ct)) < 0 || (r = copy_symlinks(h, ct)) < 0)
                return r;
        if (chroot)
                return chroot_files(h, ct, in_parent_ns, e);
        return h->cfg.new_sys ? devices_and_sysfs(h, ct, false, e) : 0;
}

static bool kernel_has_cgroupns(void)
{
        return access("/proc/self/ns/cgroup", F_OK) == 0;
}

void ct_rootfs_holder_free(struct ct_rootfs_holder *h)
{
        if (!h)
                return;
        dev_set_done(&h->devices);
        for (size_t i = 0; i < h->n_binds; i++)
                mnt_bind_done(&h->binds[i]);
        free(h->binds);
        free(h->symlinks);
        free(h->root);
        free(h->base);
        free(h->resolv_conf);
        free(h->etc_hosts);
        free(h->cwd);
        free(h->systemd_cgroup);
        strv_free(h->cgroup_procs);
        strv_free(h->sysfs_rw);
        free(h);
}

int ct_rootfs_spawn_config(struct container *ct, struct spawn_config *cfg, struct ct_rootfs_holder **ret_holder,
                           struct perror *e)
{
        _cleanup_free_ char *prefix = NULL;
        struct ct_rootfs_holder *h;
        struct meta_ns meta;
        int r;

        *ret_holder = NULL;
        r = find_mount_parent(ct, &cfg->parent_ns_pid, &prefix, &meta);
        if (r < 0)
                return r;
        cfg->new_net = ct_net(ct) == CT_NET_NONE || meta.net_none;
        /* A meta ancestor's hostname: set in the child's own uts namespace
         * (a new one without isolate), as its task would have held it. */
        if (isempty(cfg->hostname) && meta.hostname) {
                cfg->hostname = meta.hostname;
                cfg->new_uts = !cfg->isolate;
        }
        cfg->command_is_init = ct->virt_mode == VIRT_OS && cfg->isolate;
        cfg->reset_loginuid = ct->virt_mode == VIRT_OS;
        /* A pid namespace of its own needs its own /proc, a network
         * namespace its own /sys: both a mount namespace. */
        if (!needs_rootfs(ct, prefix) && !cfg->isolate && !cfg->new_net)
                return 0;
        /* A cgroup namespace where the container has a world of its own. */
        cfg->new_cgroupns = cfg->isolate && ct_in_chroot(ct) && kernel_has_cgroupns();
        h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        h->hostname = isempty(cfg->hostname) ? NULL : cfg->hostname;
        r = fill_rootfs(h, ct, prefix, cfg->new_net, cfg->parent_ns_pid > 0, e);
        if (r < 0) {
                ct_rootfs_holder_free(h);
                return r;
        }
        /* A new systemd boots only in a root of its own. */
        if (ct->virt_mode == VIRT_OS && cfg->command_is_init && !cfg->parent_ns_pid &&
            (h->cfg.root || h->cfg.root_base)) {
                r = setup_systemd(h, ct, cfg->cgroup_procs, e);
                if (r < 0) {
                        ct_rootfs_holder_free(h);
                        return r;
                }
                if (h->cgroup_procs)
                        cfg->cgroup_procs = h->cgroup_procs;
        }
        cfg->rootfs = &h->cfg;
        *ret_holder = h;
        return 0;
}

/* ---- symlinks at runtime ---- */

static bool symlink_listed(const struct ct_symlink *v, size_t n, const char *path)
{
        for (size_t i = 0; i < n; i++)
                if (streq(v[i].path, path))
                        return true;
        return false;
}

int ct_symlinks_apply(struct container *ct, const struct ct_symlink *old, size_t n_old, struct perror *e)
{
        _cleanup_close_ int root = -EBADF;
        char cwdbuf[4096];
        const char *cwd = ct_cwd(ct, cwdbuf, sizeof(cwdbuf));
        int r;

        if (ct->task_pid <= 0)
                return 0;
        r = check_host_symlinks(ct, ct_in_chroot(ct), e);
        if (r < 0)
                return r;
        r = ns_open_root(ct->task_pid, &root);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "symlink: cannot open the root of %s", ct->name);
        for (size_t i = 0; i < n_old; i++) {
                if (symlink_listed(ct->symlinks, ct->n_symlinks, old[i].path))
                        continue;
                r = rootfs_symlink(root, cwd, old[i].path, "", e);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < ct->n_symlinks; i++) {
                r = rootfs_symlink(root, cwd, ct->symlinks[i].path, ct->symlinks[i].target, e);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- files of the container's view ---- */

int ct_open_in_root(const struct container *ct, const char *path, int flags, int *ret_fd)
{
        _cleanup_free_ char *host = NULL, *abs = NULL;
        _cleanup_close_ int root = -EBADF;
        char cwdbuf[4096];
        int r;

        r = mnt_path_absolute(path, ct_cwd(ct, cwdbuf, sizeof(cwdbuf)), &abs);
        if (r < 0)
                return r;
        /* While it runs, its own view (binds included); else the host path. */
        if (ct->task_pid <= 0 || ns_open_root(ct->task_pid, &root) < 0) {
                host = ct_root_host_path(ct);
                if (!host)
                        return -ENOMEM;
                root = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (root < 0)
                        return -errno;
        }
        return mnt_open_in_root(root, abs, flags, ret_fd);
}
