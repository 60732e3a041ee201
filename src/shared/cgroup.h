/* Cgroups behind one interface, for v1 (one hierarchy per controller, or
 * co-mounted ones such as "cpu,cpuacct") and v2 (the unified hierarchy).
 * Only this module knows knob names and the v1/v2 difference; the daemon asks
 * it for "freeze", "memory usage", "cpu usage" and never writes a knob name.
 *
 * Every path handed to these functions is relative to the daemon's own root
 * in that controller: <mount>/<cgroup of the daemon at cg_init>/<prefix>.
 * "" is that root itself; "a/b" the cgroup of container a/b (the daemon
 * decides which container gets its own cgroup in which controller).
 * Nothing outside that root is ever created, moved, frozen or killed.
 *
 * Return 0 or a negative errno; log at debug level at most. */
#pragma once

#include <sys/types.h>
#include "basic/macros.h"

enum cg_controller {
        CG_FREEZER,
        CG_MEMORY,
        CG_CPU,
        CG_CPUACCT,
        CG_CPUSET,
        CG_DEVICES,
        CG_BLKIO,
        CG_PIDS,
        CG_HUGETLB,
        CG_NET_CLS,
        CG_CONTROLLER_MAX,
};

const char *cg_controller_to_string(enum cg_controller c);
/* -EINVAL for unknown names. */
int cg_controller_from_string(const char *s, enum cg_controller *ret);

/* Find the mounted hierarchies (/proc/self/mountinfo) and the daemon's own
 * cgroup in each (/proc/self/cgroup), then create the root <own>/<prefix>
 * in every available controller. prefix is e.g. "porto" or
 * "porto-test-1234". Call once per process, before anything else. */
int cg_init(const char *prefix);
bool cg_is_v2(void);
/* True if the controller is available (mounted on v1 / enabled on v2). */
bool cg_supported(enum cg_controller c);
/* Bit mask (1 << controller) of the supported controllers. */
unsigned cg_supported_mask(void);

/* Absolute path of the cgroup directory. */
int cg_path(enum cg_controller c, const char *rel, char **ret);
/* Path as the kernel shows it in /proc/PID/cgroup (for the `cgroups`
 * property), e.g. "/process_api/x/porto/a". */
int cg_kernel_path(enum cg_controller c, const char *rel, char **ret);
/* mkdir; an existing cgroup is fine. Parents must exist. */
int cg_create(enum cg_controller c, const char *rel);
/* rmdir; -EBUSY if tasks remain after a short retry; missing is fine. */
int cg_remove(enum cg_controller c, const char *rel);
bool cg_exists(enum cg_controller c, const char *rel);
/* Move a process (all threads) into the cgroup. */
int cg_attach(enum cg_controller c, const char *rel, pid_t pid);
/* Pids (threads=false: processes from cgroup.procs; true: tasks) in the
 * cgroup itself, not its children. *ret is malloc'ed. */
int cg_get_pids(enum cg_controller c, const char *rel, bool threads, pid_t **ret, size_t *ret_n);
/* Counts over the cgroup and all its descendants. */
int cg_count_tasks(enum cg_controller c, const char *rel, bool threads, uint64_t *ret);
/* True if there is no task in the cgroup or any descendant. */
bool cg_is_empty(enum cg_controller c, const char *rel);
/* Name of the cgroup (relative, as above) that holds pid in controller c;
 * -ENOENT if the pid lives outside the daemon's root. */
int cg_pid_cgroup(enum cg_controller c, pid_t pid, char **ret);

/* Freezer (v1 freezer.state, v2 cgroup.freeze). Waits until the kernel
 * reports the new state (bounded, -ETIMEDOUT). */
int cg_freeze(const char *rel);
int cg_thaw(const char *rel);
bool cg_is_frozen(const char *rel);
/* Reliable kill of everything in the subtree: freeze, signal every task,
 * thaw (v2: cgroup.kill where the kernel has it). */
int cg_kill_all(const char *rel, int sig);

/* Statistics. */
int cg_memory_usage(const char *rel, uint64_t *ret_bytes);
int cg_cpu_usage(const char *rel, uint64_t *ret_ns);
