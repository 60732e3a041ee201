/* Mounts and in-root paths; the bind property (see mount.h). */
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "basic/strutil.h"
#include "shared/fields.h"
#include "shared/mount.h"

/* ---- paths ----------------------------------------------------------------- */

int mnt_path_normalize(const char *path, char **ret)
{
        size_t n;
        char *out, *o;

        if (isempty(path))
                return -EINVAL;
        n = strlen(path);
        if (n >= PATH_MAX)
                return -ENAMETOOLONG;
        out = malloc(n + 2);
        if (!out)
                return -ENOMEM;
        o = out;
        if (path[0] == '/')
                *o++ = '/';
        for (const char *p = path; *p;) {
                const char *end;
                size_t len;

                while (*p == '/')
                        p++;
                if (!*p)
                        break;
                end = strchrnul(p, '/');
                len = (size_t) (end - p);
                if (len == 2 && p[0] == '.' && p[1] == '.') {
                        free(out);
                        return -EINVAL;
                }
                if (!(len == 1 && p[0] == '.')) {
                        if (o > out && o[-1] != '/')
                                *o++ = '/';
                        memcpy(o, p, len);
                        o += len;
                }
                p = end;
        }
        if (o == out)
                *o++ = '.';
        *o = 0;
        *ret = out;
        return 0;
}

bool mnt_path_is_under(const char *path, const char *dir)
{
        size_t n = strlen(dir);

        if (streq(dir, "/"))
                return path[0] == '/';
        return strncmp(path, dir, n) == 0 && (path[n] == 0 || path[n] == '/');
}

int mnt_path_absolute(const char *path, const char *base, char **ret)
{
        _cleanup_free_ char *joined = NULL;

        if (isempty(path))
                return -EINVAL;
        if (path[0] == '/')
                return mnt_path_normalize(path, ret);
        if (!base)
                base = "/";
        if (base[0] != '/')
                return -EINVAL;
        joined = strdup_printf("%s/%s", base, path);
        if (!joined)
                return -ENOMEM;
        return mnt_path_normalize(joined, ret);
}

/* ---- inside a root --------------------------------------------------------- */

char *mnt_fd_path(int fd, char buf[static MNT_FD_PATH_MAX])
{
        snprintf(buf, MNT_FD_PATH_MAX, "/proc/self/fd/%d", fd);
        return buf;
}

int mnt_open_in_root(int root_fd, const char *path, int flags, int *ret_fd)
{
        struct open_how how = {
                .flags = (uint64_t) (flags | O_CLOEXEC),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        int fd;

        if (isempty(path))
                path = "/";
        fd = (int) syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

int mnt_open_beneath(int dir_fd, const char *path, int flags, int *ret_fd)
{
        struct open_how how = {
                .flags = (uint64_t) (flags | O_CLOEXEC),
                .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        int fd;

        while (*path == '/')
                path++;
        fd = (int) syscall(SYS_openat2, dir_fd, *path ? path : ".", &how, sizeof(how));
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

int mnt_mkdir_in_root(int root_fd, const char *path, mode_t mode, int *ret_fd)
{
        _cleanup_free_ char *norm = NULL;
        _cleanup_close_ int cur = -EBADF;
        int r;

        r = mnt_path_normalize(path, &norm);
        if (r < 0)
                return r;
        r = mnt_open_in_root(root_fd, "/", O_PATH | O_DIRECTORY, &cur);
        if (r < 0)
                return r;
        for (char *p = norm;;) {
                char *end, saved;
                int fd = -EBADF;

                while (*p == '/')
                        p++;
                if (!*p || streq(p, "."))
                        break;
                end = strchrnul(p, '/');
                saved = *end;
                *end = 0;
                /* Resolve the whole prefix from the root each time, so that
                 * symlinks on the way keep the root's meaning. */
                r = mnt_open_in_root(root_fd, norm, O_PATH | O_DIRECTORY, &fd);
                if (r == -ENOENT) {
                        if (mkdirat(cur, p, mode) < 0 && errno != EEXIST)
                                return -errno;
                        r = mnt_open_in_root(root_fd, norm, O_PATH | O_DIRECTORY, &fd);
                        /* Still missing: a symlink to nowhere. */
                        if (r == -ENOENT)
                                r = -ELOOP;
                }
                if (r < 0)
                        return r;
                safe_close(cur);
                cur = fd;
                *end = saved;
                p = end;
        }
        *ret_fd = TAKE_FD(cur);
        return 0;
}

int mnt_touch_in_root(int root_fd, const char *path, mode_t mode, int *ret_fd)
{
        _cleanup_free_ char *norm = NULL;
        _cleanup_close_ int parent = -EBADF;
        char *slash;
        int r, f;

        r = mnt_path_normalize(path, &norm);
        if (r < 0)
                return r;
        r = mnt_open_in_root(root_fd, norm, O_PATH, ret_fd);
        if (r != -ENOENT)
                return r;
        slash = strrchr(norm, '/');
        if (slash) {
                *slash = 0;
                r = mnt_mkdir_in_root(root_fd, *norm ? norm : "/", 0755, &parent);
                *slash = '/';
        } else
                r = mnt_open_in_root(root_fd, "/", O_PATH | O_DIRECTORY, &parent);
        if (r < 0)
                return r;
        f = openat(parent, slash ? slash + 1 : norm, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (f < 0)
                return errno == EEXIST ? -ELOOP : -errno;
        close(f);
        return mnt_open_in_root(root_fd, norm, O_PATH, ret_fd);
}

static int fd_readlink(int fd, char **ret)
{
        char link[MNT_FD_PATH_MAX], buf[PATH_MAX + 1];
        ssize_t n = readlink(mnt_fd_path(fd, link), buf, sizeof(buf) - 1);

        if (n < 0)
                return -errno;
        if ((size_t) n >= sizeof(buf) - 1)
                return -ENAMETOOLONG;
        buf[n] = 0;
        if (buf[0] != '/')
                return -EXDEV; /* "anon_inode:..." or unreachable */
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

int mnt_path_in_root(int root_fd, int fd, char **ret)
{
        _cleanup_free_ char *root = NULL, *path = NULL;
        const char *rest;
        int r;

        r = fd_readlink(root_fd, &root);
        if (r < 0)
                return r;
        r = fd_readlink(fd, &path);
        if (r < 0)
                return r;
        if (!mnt_path_is_under(path, root))
                return -EXDEV;
        rest = streq(root, "/") ? path : path + strlen(root);
        *ret = strdup(*rest ? rest : "/");
        return *ret ? 0 : -ENOMEM;
}

/* ---- mounting -------------------------------------------------------------- */

/* "mode=755,newinstance" -> fsconfig() calls. */
static int fs_configure(int fsfd, const char *source, const char *data)
{
        _cleanup_free_ char *copy = data ? strdup(data) : NULL;
        char *save = NULL;

        if (data && !copy)
                return -ENOMEM;
        if (source && fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
                return -errno;
        for (char *opt = copy ? strtok_r(copy, ",", &save) : NULL; opt; opt = strtok_r(NULL, ",", &save)) {
                char *eq = strchr(opt, '=');
                int r;

                if (eq) {
                        *eq = 0;
                        r = fsconfig(fsfd, FSCONFIG_SET_STRING, opt, eq + 1, 0);
                } else
                        r = fsconfig(fsfd, FSCONFIG_SET_FLAG, opt, NULL, 0);
                if (r < 0)
                        return -errno;
        }
        if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return -errno;
        return 0;
}

static unsigned mount_attrs(unsigned long flags)
{
        return (flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0) | (flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
               (flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0) | (flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0);
}

/* With the new mount API the target is the fd itself: no /proc/self/fd
 * path, which a starter inside another pid namespace's /proc cannot use. */
int mnt_mount_fs(int target_fd, const char *fstype, const char *source, unsigned long flags, const char *data)
{
        _cleanup_close_ int fsfd = -EBADF, mfd = -EBADF;
        char path[MNT_FD_PATH_MAX];
        int r;

        fsfd = fsopen(fstype, FSOPEN_CLOEXEC);
        if (fsfd < 0 && errno == ENOSYS) {
                if (mount(source, mnt_fd_path(target_fd, path), fstype, flags, data) < 0)
                        return -errno;
                return 0;
        }
        if (fsfd < 0)
                return -errno;
        r = fs_configure(fsfd, source, data);
        if (r < 0)
                return r;
        mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, mount_attrs(flags));
        if (mfd < 0)
                return -errno;
        if (move_mount(mfd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return -errno;
        return 0;
}

static int setattr_at(int fd, bool recursive, uint64_t set, uint64_t clr, uint64_t propagation)
{
        struct mount_attr attr = { .attr_set = set, .attr_clr = clr, .propagation = propagation };

        if (mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof(attr)) < 0)
                return -errno;
        return 0;
}

int mnt_setattr(int fd, bool recursive, uint64_t attr_set, uint64_t attr_clr)
{
        return setattr_at(fd, recursive, attr_set, attr_clr, 0);
}

static int set_propagation(int fd, bool recursive, unsigned long propagation)
{
        int r = 0;

        /* Slave first: a clone of a shared mount is the host's peer. */
        if (propagation & MS_SLAVE)
                r = setattr_at(fd, recursive, 0, 0, MS_SLAVE);
        if (r >= 0 && (propagation & MS_SHARED))
                r = setattr_at(fd, recursive, 0, 0, MS_SHARED);
        if (r >= 0 && (propagation & (MS_PRIVATE | MS_UNBINDABLE)))
                r = setattr_at(fd, recursive, 0, 0, propagation & (MS_PRIVATE | MS_UNBINDABLE));
        return r;
}

int mnt_bind(int source_fd, int target_fd, bool recursive, uint64_t attr_set, uint64_t attr_clr,
             unsigned long propagation)
{
        _cleanup_close_ int tree = -EBADF;
        int r;

        tree = open_tree(source_fd, "",
                         OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0));
        if (tree < 0)
                return -errno;
        if (attr_set || attr_clr) {
                r = setattr_at(tree, recursive, attr_set, attr_clr, 0);
                if (r < 0)
                        return r;
        }
        r = set_propagation(tree, recursive, propagation);
        if (r < 0)
                return r;
        if (move_mount(tree, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return -errno;
        return 0;
}

int mnt_make_rslave(void)
{
        if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
                return -errno;
        return 0;
}

int mnt_umount_fd(int fd)
{
        char path[MNT_FD_PATH_MAX];

        if (umount2(mnt_fd_path(fd, path), MNT_DETACH) < 0)
                return -errno;
        return 0;
}

/* ---- the bind property ----------------------------------------------------- */

static const char *const bind_flag_names[MNT_BIND_FLAG_MAX] = {
        [MNT_BIND_RO] = "ro",
        [MNT_BIND_RW] = "rw",
        [MNT_BIND_REC] = "rec",
        [MNT_BIND_DEV] = "dev",
        [MNT_BIND_NODEV] = "nodev",
        [MNT_BIND_SUID] = "suid",
        [MNT_BIND_NOSUID] = "nosuid",
        [MNT_BIND_EXEC] = "exec",
        [MNT_BIND_NOEXEC] = "noexec",
        [MNT_BIND_PRIVATE] = "private",
        [MNT_BIND_UNBINDABLE] = "unbindable",
        [MNT_BIND_SHARED] = "shared",
        [MNT_BIND_SLAVE] = "slave",
        [MNT_BIND_NOATIME] = "noatime",
        [MNT_BIND_NODIRATIME] = "nodiratime",
        [MNT_BIND_RELATIME] = "relatime",
        [MNT_BIND_STRICTATIME] = "strictatime",
};

#define F MNT_BIND_F
/* At most one flag of each group. */
static const unsigned bind_exclusive[] = {
        F(MNT_BIND_RO) | F(MNT_BIND_RW),
        F(MNT_BIND_DEV) | F(MNT_BIND_NODEV),
        F(MNT_BIND_SUID) | F(MNT_BIND_NOSUID),
        F(MNT_BIND_EXEC) | F(MNT_BIND_NOEXEC),
        F(MNT_BIND_PRIVATE) | F(MNT_BIND_UNBINDABLE) | F(MNT_BIND_SHARED) | F(MNT_BIND_SLAVE),
        F(MNT_BIND_NOATIME) | F(MNT_BIND_RELATIME) | F(MNT_BIND_STRICTATIME),
};

struct flag_attr {
        enum mnt_bind_flag flag;
        uint64_t set, clr;
};

/* ro and rw are handled apart (root_readonly). */
static const struct flag_attr bind_attrs[] = {
        { MNT_BIND_NODEV, MOUNT_ATTR_NODEV, 0 },
        { MNT_BIND_DEV, 0, MOUNT_ATTR_NODEV },
        { MNT_BIND_NOSUID, MOUNT_ATTR_NOSUID, 0 },
        { MNT_BIND_SUID, 0, MOUNT_ATTR_NOSUID },
        { MNT_BIND_NOEXEC, MOUNT_ATTR_NOEXEC, 0 },
        { MNT_BIND_EXEC, 0, MOUNT_ATTR_NOEXEC },
        { MNT_BIND_NOATIME, MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME },
        { MNT_BIND_RELATIME, MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME },
        { MNT_BIND_STRICTATIME, MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME },
        { MNT_BIND_NODIRATIME, MOUNT_ATTR_NODIRATIME, 0 },
};

struct flag_prop {
        enum mnt_bind_flag flag;
        unsigned long propagation;
};

static const struct flag_prop bind_props[] = {
        { MNT_BIND_PRIVATE, MS_PRIVATE },
        { MNT_BIND_UNBINDABLE, MS_UNBINDABLE },
        { MNT_BIND_SLAVE, MS_SLAVE },
        { MNT_BIND_SHARED, MS_SLAVE | MS_SHARED },
};

const char *mnt_bind_flag_to_string(enum mnt_bind_flag f)
{
        return (unsigned) f < MNT_BIND_FLAG_MAX ? bind_flag_names[f] : NULL;
}

int mnt_bind_flag_from_string(const char *s, enum mnt_bind_flag *ret)
{
        for (unsigned f = 0; f < MNT_BIND_FLAG_MAX; f++)
                if (streq(s, bind_flag_names[f])) {
                        *ret = (enum mnt_bind_flag) f;
                        return 0;
                }
        return -EINVAL;
}

int mnt_bind_flags_check(unsigned flags, struct perror *e)
{
        for (size_t i = 0; i < ELEMENTSOF(bind_exclusive); i++) {
                unsigned both = flags & bind_exclusive[i];

                if (__builtin_popcount(both) > 1) {
                        unsigned a = (unsigned) __builtin_ctz(both);
                        unsigned b = (unsigned) __builtin_ctz(both & ~F(a));

                        return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "bind: flags \"%s\" and \"%s\" conflict",
                                          bind_flag_names[a], bind_flag_names[b]);
                }
        }
        return 0;
}

void mnt_bind_flags_to_attrs(unsigned flags, bool root_readonly, uint64_t *ret_set, uint64_t *ret_clr,
                             unsigned long *ret_propagation)
{
        uint64_t set = 0, clr = 0;
        unsigned long prop = MS_SLAVE | MS_SHARED;

        if ((flags & F(MNT_BIND_RO)) || (root_readonly && !(flags & F(MNT_BIND_RW))))
                set |= MOUNT_ATTR_RDONLY;
        else if (flags & F(MNT_BIND_RW))
                clr |= MOUNT_ATTR_RDONLY;
        for (size_t i = 0; i < ELEMENTSOF(bind_attrs); i++)
                if (flags & F(bind_attrs[i].flag)) {
                        set |= bind_attrs[i].set;
                        clr |= bind_attrs[i].clr;
                }
        for (size_t i = 0; i < ELEMENTSOF(bind_props); i++)
                if (flags & F(bind_props[i].flag))
                        prop = bind_props[i].propagation;
        *ret_set = set;
        *ret_clr = clr;
        *ret_propagation = prop;
}

void mnt_bind_done(struct mnt_bind *b)
{
        free(b->source);
        free(b->target);
        b->source = b->target = NULL;
}

void mnt_bind_list_done(struct mnt_bind_list *l)
{
        for (size_t i = 0; i < l->n; i++)
                mnt_bind_done(&l->v[i]);
        free(l->v);
        l->v = NULL;
        l->n = 0;
}

static int bind_path(const char *what, const char *path, char **ret, struct perror *e)
{
        int r = mnt_path_normalize(path, ret);

        if (r == -ENOMEM)
                return perror_set(e, EERROR_UNKNOWN, r, "out of memory");
        if (r == -ENAMETOOLONG)
                return perror_set(e, EERROR_INVALID_VALUE, r, "bind: %s path is too long", what);
        if (r < 0)
                return perror_set(e, EERROR_INVALID_VALUE, r,
                                  "bind: %s \"%s\": \"..\" is not allowed in bind paths", what, path);
        return 0;
}

static int parse_flag_word(const char *word, unsigned *flags, struct perror *e)
{
        enum mnt_bind_flag f;

        if (mnt_bind_flag_from_string(word, &f) < 0)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "bind: unknown flag \"%s\" (known: ro rw rec dev nodev suid nosuid exec noexec "
                                  "private unbindable shared slave noatime nodiratime relatime strictatime)",
                                  word);
        *flags |= F(f);
        return 0;
}

int mnt_bind_make(const char *source, const char *target, char *const *flags, size_t n_flags,
                  struct mnt_bind *ret, struct perror *e)
{
        struct mnt_bind b = { NULL, NULL, 0 };
        int r;

        r = bind_path("source", source, &b.source, e);
        if (r >= 0)
                r = bind_path("target", target, &b.target, e);
        for (size_t i = 0; r >= 0 && i < n_flags; i++)
                r = parse_flag_word(flags[i], &b.flags, e);
        if (r >= 0)
                r = mnt_bind_flags_check(b.flags, e);
        if (r < 0) {
                mnt_bind_done(&b);
                return r;
        }
        *ret = b;
        return 0;
}

static int bind_from_row(char **row, struct mnt_bind *ret, struct perror *e)
{
        _cleanup_strv_free_ char **words = NULL;
        size_t n = strv_length(row);
        int r;

        if (n < 2 || n > 3)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "bind: \"%s%s%s\": expected <source> <target> [flag,...]", row[0],
                                  n > 1 ? " " : "", n > 1 ? row[1] : "");
        if (n == 3) {
                r = split_escaped(row[2], ',', &words);
                if (r < 0)
                        return perror_set(e, EERROR_UNKNOWN, r, "out of memory");
        }
        return mnt_bind_make(row[0], row[1], words, strv_length(words), ret, e);
}

int mnt_bind_parse(const char *text, struct mnt_bind_list *ret, struct perror *e)
{
        struct field_rows rows;
        struct mnt_bind_list l = { NULL, 0 };
        int r;

        r = fields_split(text, &rows);
        if (r < 0)
                return perror_set(e, EERROR_UNKNOWN, r, "out of memory");
        if (rows.n) {
                l.v = calloc(rows.n, sizeof(*l.v));
                if (!l.v) {
                        field_rows_done(&rows);
                        return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                }
        }
        for (size_t i = 0; i < rows.n; i++) {
                r = bind_from_row(rows.rows[i], &l.v[l.n], e);
                if (r < 0)
                        break;
                l.n++;
        }
        field_rows_done(&rows);
        if (r < 0) {
                mnt_bind_list_done(&l);
                return r;
        }
        *ret = l;
        return 0;
}

char *mnt_bind_flags_format(unsigned flags)
{
        struct strbuf b = STRBUF_INIT;

        for (unsigned f = 0; f < MNT_BIND_FLAG_MAX; f++)
                if ((flags & F(f)) &&
                    ((b.len && strbuf_append(&b, ",") < 0) || strbuf_append(&b, bind_flag_names[f]) < 0)) {
                        strbuf_free(&b);
                        return NULL;
                }
        return strbuf_steal(&b);
}

char *mnt_bind_format(const struct mnt_bind_list *l)
{
        struct strbuf b = STRBUF_INIT;

        for (size_t i = 0; i < l->n; i++) {
                _cleanup_free_ char *flags = mnt_bind_flags_format(l->v[i].flags);

                if (!flags || (i && strbuf_append(&b, "; ") < 0) ||
                    fields_append_escaped(&b, l->v[i].source) < 0 || strbuf_append(&b, " ") < 0 ||
                    fields_append_escaped(&b, l->v[i].target) < 0 ||
                    (*flags && (strbuf_append(&b, " ") < 0 || strbuf_append(&b, flags) < 0))) {
                        strbuf_free(&b);
                        return NULL;
                }
        }
        return strbuf_steal(&b);
}
#undef F
