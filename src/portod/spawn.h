/* Start of a container's main process.
 *
 * spawn_start() runs in the worker. It forks a short-lived starter that joins
 * the cgroups, creates the namespaces, sets credentials, rlimits, umask,
 * cwd and std streams, then forks the main process and exits, so that the
 * main process is re-parented to the master (PR_SET_CHILD_SUBREAPER) and
 * survives worker restarts. With isolate, the main process is our portoinit
 * (pid 1 of the new pid namespace), which runs the command as its child,
 * forwards signals, reaps zombies and writes the command's raw wait status
 * to status_fd before it exits (an exit code alone cannot say "killed by
 * signal N"). With hold, the main process is portoinit --hold, which only
 * keeps the namespaces for a meta container's children. Errors anywhere in
 * the starter or before exec come back over a pipe as (EError, errno,
 * message) and are returned in e. spawn_start()
 * returns only after the command was exec'ed (or failed), with the main
 * process pid as the host sees it. */
#pragma once

#include <sys/resource.h>
#include <sys/types.h>
#include "basic/error.h"

struct spawn_rlimit {
        int resource; /* RLIMIT_* */
        struct rlimit limit;
};

struct spawn_config {
        const char *name;           /* container name, for messages */
        char **argv;                /* NULL-terminated, already parsed */
        char **env;                 /* NULL-terminated "K=V" */
        uid_t uid;
        gid_t gid;
        const gid_t *groups;        /* supplementary groups */
        size_t n_groups;
        mode_t umask;
        const struct spawn_rlimit *rlimits;
        size_t n_rlimits;
        const char *cwd;            /* absolute; created by the daemon */
        /* Std streams: an fd opened by the daemon (>= 0, used as is), else a
         * path opened in the starter after switching credentials (stdin
         * O_RDONLY; stdout/stderr O_WRONLY|O_CREAT|O_APPEND, 0660), relative
         * paths are relative to cwd. Neither: /dev/null. */
        int std_fd[3];
        const char *std_path[3];
        /* cgroup.procs (v1: tasks-less "cgroup.procs") files the main process
         * joins before exec; NULL-terminated absolute paths. */
        char **cgroup_procs;
        bool isolate;               /* new pid, ipc, uts namespaces + portoinit */
        const char *hostname;       /* with isolate or new_uts; NULL keeps the parent's */
        const char *portoinit;      /* absolute path of the portoinit binary */
        int status_fd;              /* with isolate: where portoinit writes the status */
        bool new_session;           /* setsid() (app); false for job mode (setpgid) */
        bool hold;                  /* a meta container's task: portoinit --hold in the container's
                                     * namespaces, no command (argv unused) */

        /* ---- filesystem and namespaces (issue 4) ---- */
        pid_t parent_ns_pid;        /* > 0: start in this process's namespaces (a parent container's
                                     * mnt, pid, net, ipc, uts, cgroup) */
        const struct rootfs_config *rootfs; /* NULL: no mount namespace of its own */
        bool new_net;               /* net=none: an empty network namespace with lo up */
        bool new_uts;               /* without isolate: an own uts namespace for hostname */
        bool new_cgroupns;          /* cgroup namespace rooted at the joined cgroups */
        bool command_is_init;       /* virt_mode=os: the command itself is pid 1, no portoinit */
        bool reset_loginuid;        /* virt_mode=os: a fresh login session */
        /* ---- security and porto namespaces (issue 4) ---- */
        bool set_caps;              /* apply the two sets below (not virt_mode=host) */
        uint64_t cap_bounding;      /* capabilities_allowed */
        uint64_t cap_ambient;       /* capabilities_ambient, within cap_bounding */
};

/* Returns 0 and the main pid, or a negative errno with e filled
 * (InvalidCommand for exec failures such as ENOENT, the EError the
 * starter reported otherwise). */
int spawn_start(const struct spawn_config *cfg, pid_t *ret_pid, struct perror *e);
