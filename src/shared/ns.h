/* Namespaces: names, fds of a process's namespaces, setns. For work inside a
 * running container (symlinks, porto-in-porto) and for comparing a task's
 * namespaces with a container's. Return 0 or a negative errno. */
#pragma once

#include <sys/types.h>
#include "basic/macros.h"

enum ns_type {
        NS_USER,
        NS_MNT,
        NS_PID,
        NS_NET,
        NS_IPC,
        NS_UTS,
        NS_CGROUP,
        NS_TIME,
        NS_TYPE_MAX,
};

/* "mnt", "net", ... as in /proc/PID/ns. */
const char *ns_type_to_string(enum ns_type t);
int ns_type_from_string(const char *s, enum ns_type *ret);
/* CLONE_NEWNS, CLONE_NEWNET, ... */
int ns_clone_flag(enum ns_type t);

/* /proc/PID/ns/<type> (pid 0: ourselves), O_RDONLY|O_CLOEXEC. */
int ns_open(pid_t pid, enum ns_type t, int *ret_fd);
/* setns(fd, the type's flag). */
int ns_enter(int fd, enum ns_type t);
/* Inode of the namespace: equal inodes (same device) = same namespace. */
int ns_id(pid_t pid, enum ns_type t, uint64_t *ret);
/* 1 if a and b share the namespace, 0 if not. */
int ns_same(pid_t a, pid_t b, enum ns_type t);
/* /proc/PID/root as an O_PATH directory: the root of a container, for
 * mnt_open_in_root() from outside its mount namespace. */
int ns_open_root(pid_t pid, int *ret_fd);

/* A set of namespace fds, e.g. the daemon's own to come back to. */
struct ns_set {
        int fd[NS_TYPE_MAX]; /* -EBADF: not held */
};

void ns_set_init(struct ns_set *s);
/* Open the namespaces of pid in mask (1 << type); missing kinds (old
 * kernels) are skipped. On failure nothing stays open. */
int ns_set_open(struct ns_set *s, pid_t pid, unsigned mask);
/* Enter every held namespace, user first and mount last. */
int ns_set_enter(const struct ns_set *s);
void ns_set_close(struct ns_set *s);

/* Bring up "lo" of the current network namespace (a fresh one has it down). */
int ns_loopback_up(void);
