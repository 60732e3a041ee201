/* Mounts and paths inside a container root.
 *
 * Paths inside a root are resolved with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS): ".." and absolute symlinks stop at the root, and
 * /proc magic links are refused. Mounts are attached to O_PATH fds so
 * resolved (move_mount, or /proc/self/fd/N for filesystems), never to
 * concatenated strings.
 *
 * Also the `bind` property (manual, "Filesystem"):
 *
 *     <source> <target> [flag,flag...]; ...
 *
 * flags: ro rw rec dev nodev suid nosuid exec noexec private unbindable
 * shared slave noatime nodiratime relatime strictatime. Without a
 * propagation flag a bind is slave-shared: mounts propagate from the host
 * into the container, never back.
 *
 * Return 0 or a negative errno. */
#pragma once

#include <sys/types.h>
#include "basic/error.h"

/* ---- paths ----------------------------------------------------------------- */

/* Collapse "//" and "/./" and drop a trailing '/' ("/a//b/." -> "/a/b").
 * -EINVAL for empty paths and for ".." components (never allowed in
 * container paths), -ENAMETOOLONG beyond PATH_MAX. Relative stays relative. */
int mnt_path_normalize(const char *path, char **ret);
/* path (normalized, absolute) is dir itself or below it. */
bool mnt_path_is_under(const char *path, const char *dir);
/* Normalized absolute path; relative paths start at base (absolute; NULL = "/"). */
int mnt_path_absolute(const char *path, const char *base, char **ret);

/* ---- inside a root --------------------------------------------------------- */

/* openat2(root_fd, path, flags | O_CLOEXEC) resolved in the root. */
int mnt_open_in_root(int root_fd, const char *path, int flags, int *ret_fd);
/* openat2 below dir_fd with no symlinks at all: for porto's own mount
 * points (/dev, /proc, /sys, /run), which must be real directories. */
int mnt_open_beneath(int dir_fd, const char *path, int flags, int *ret_fd);
/* mkdir -p inside the root (symlinks followed, within the root). Returns an
 * O_PATH fd of the directory. -ENOTDIR if a component is not a directory,
 * -ELOOP if one is a symlink to a missing place. */
int mnt_mkdir_in_root(int root_fd, const char *path, mode_t mode, int *ret_fd);
/* Parents as above, then an empty regular file if nothing is there yet.
 * Returns an O_PATH fd of whatever the path now names. */
int mnt_touch_in_root(int root_fd, const char *path, mode_t mode, int *ret_fd);
/* The path of fd as seen from root_fd ("/" for the root itself); -EXDEV if
 * fd is not below root_fd in the current mount namespace. */
int mnt_path_in_root(int root_fd, int fd, char **ret);

#define MNT_FD_PATH_MAX 32
/* "/proc/self/fd/N" into buf; returns buf. */
char *mnt_fd_path(int fd, char buf[static MNT_FD_PATH_MAX]);

/* ---- mounting -------------------------------------------------------------- */

/* mount(2) of a filesystem on the directory target_fd. */
int mnt_mount_fs(int target_fd, const char *fstype, const char *source, unsigned long flags, const char *data);
/* Bind source_fd onto target_fd: a detached copy (the whole subtree with
 * recursive) gets attr_set/attr_clr (MOUNT_ATTR_*) and the propagation
 * (MS_PRIVATE/MS_SLAVE/MS_UNBINDABLE, MS_SLAVE|MS_SHARED for slave-shared,
 * 0 to leave it) before it is attached, so it never shows writable or
 * shared with the host for an instant. */
int mnt_bind(int source_fd, int target_fd, bool recursive, uint64_t attr_set, uint64_t attr_clr,
             unsigned long propagation);
/* Set/clear MOUNT_ATTR_* on the mount whose root is fd (and below it). */
int mnt_setattr(int fd, bool recursive, uint64_t attr_set, uint64_t attr_clr);
/* Make the whole mount tree of the namespace a slave of the parent's: the
 * first thing after unshare(CLONE_NEWNS), so nothing ever propagates back. */
int mnt_make_rslave(void);
/* Unmount what is mounted on the path fd names (MNT_DETACH). */
int mnt_umount_fd(int fd);

/* ---- the bind property ----------------------------------------------------- */

enum mnt_bind_flag {
        MNT_BIND_RO,
        MNT_BIND_RW,
        MNT_BIND_REC,
        MNT_BIND_DEV,
        MNT_BIND_NODEV,
        MNT_BIND_SUID,
        MNT_BIND_NOSUID,
        MNT_BIND_EXEC,
        MNT_BIND_NOEXEC,
        MNT_BIND_PRIVATE,
        MNT_BIND_UNBINDABLE,
        MNT_BIND_SHARED,
        MNT_BIND_SLAVE,
        MNT_BIND_NOATIME,
        MNT_BIND_NODIRATIME,
        MNT_BIND_RELATIME,
        MNT_BIND_STRICTATIME,
        MNT_BIND_FLAG_MAX,
};

#define MNT_BIND_F(f) (1u << (f))

const char *mnt_bind_flag_to_string(enum mnt_bind_flag f);
int mnt_bind_flag_from_string(const char *s, enum mnt_bind_flag *ret);
/* -EINVAL (and e filled) if flags holds an opposite pair (ro,rw) or two
 * propagation or atime modes. */
int mnt_bind_flags_check(unsigned flags, struct perror *e);

struct mnt_bind {
        char *source;   /* normalized; absolute or relative (to the client's cwd) */
        char *target;   /* normalized; absolute or relative (to the container's cwd) */
        unsigned flags; /* MNT_BIND_F(...) */
};

struct mnt_bind_list {
        struct mnt_bind *v;
        size_t n;
};

void mnt_bind_list_done(struct mnt_bind_list *l);
/* Parse property text (InvalidValue naming the bad item). */
int mnt_bind_parse(const char *text, struct mnt_bind_list *ret, struct perror *e);
/* One bind from its parts (TContainerBindMount); flags as words. */
int mnt_bind_make(const char *source, const char *target, char *const *flags, size_t n_flags,
                  struct mnt_bind *ret, struct perror *e);
void mnt_bind_done(struct mnt_bind *b);
/* Property text ("a b ro,rec; c d"); NULL on ENOMEM. */
char *mnt_bind_format(const struct mnt_bind_list *l);
/* "ro,rec" ("" for none); NULL on ENOMEM. */
char *mnt_bind_flags_format(unsigned flags);
/* What a bind's flags mean for mnt_bind(); root_readonly makes binds
 * without "rw" read-only. */
void mnt_bind_flags_to_attrs(unsigned flags, bool root_readonly, uint64_t *ret_set, uint64_t *ret_clr,
                             unsigned long *ret_propagation);
