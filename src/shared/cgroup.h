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
/* The cgroup.procs file a new task of the cgroup joins: the cgroup's own,
 * or on v2 its task leaf once its tasks had to make room for children
 * ("no internal processes"). malloc'ed. */
int cg_procs_path(enum cg_controller c, const char *rel, char **ret);
/* Move a process (all threads) into the cgroup (cg_procs_path). */
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

/* ==== Resource limits, guarantees and statistics (cgroup_limits.c) ========
 *
 * Semantic calls for the properties of the manual's Memory, CPU, Disk IO and
 * CGROUPS sections; the knob names and the v1/v2 difference stay inside.
 * Units: bytes, nanoseconds, CPU power in ns of CPU time per second
 * (1 core = 1e9, see basic/resparse.h).
 *
 * LIMITS: 0 means "unlimited" for every limit below (as the properties
 * say: memory_limit=0, cpu_limit=0, io_limit 0, thread_limit 0); getters
 * return 0 for the kernel's "max"/-1. Guarantees: 0 = none.
 *
 * Errors besides those of the kernel write (-EINVAL: value refused, -EBUSY:
 * memory limit below usage that cannot be reclaimed, ...):
 *   -EOPNOTSUPP  the controller is not available or the kernel lacks the
 *                knob (offstream features, v1-only or v2-only knobs);
 *                cg_feature_reason() has a sentence for the client;
 *   -ENOENT      the cgroup does not exist;
 *   -ENODATA     the knob exists but lacks the wanted field (old kernel). */

enum cg_feature {
        CG_FEAT_MEMORY_LIMIT,           /* memory_limit */
        CG_FEAT_MEMORY_GUARANTEE,       /* memory_guarantee (v1: offstream) */
        CG_FEAT_MEMSW_LIMIT,            /* memory+swap limit (v1 only) */
        CG_FEAT_MEMORY_SOFT_LIMIT,      /* pressurize_on_death */
        CG_FEAT_ANON_LIMIT,             /* anon_limit (offstream) */
        CG_FEAT_ANON_ONLY,              /* anon_only (offstream) */
        CG_FEAT_ANON_MAX_USAGE,         /* anon_max_usage, max_rss (offstream) */
        CG_FEAT_DIRTY_LIMIT,            /* dirty_limit (offstream) */
        CG_FEAT_RECHARGE_ON_PGFAULT,    /* recharge_on_pgfault (offstream) */
        CG_FEAT_MEMORY_MAX_USAGE,       /* peak memory_usage */
        CG_FEAT_OOM_EVENTS,             /* OOM notification and kill count */
        CG_FEAT_CPU_SHARES,             /* cpu_weight, cpu_guarantee, cpu_policy */
        CG_FEAT_CPU_LIMIT,              /* cpu_limit, cpu_period (CFS bandwidth) */
        CG_FEAT_CPU_RT,                 /* RT group scheduling (cpu_limit for rt) */
        CG_FEAT_CPU_USAGE_SPLIT,        /* cpu_usage_system */
        CG_FEAT_CPU_WAIT,               /* cpu_wait */
        CG_FEAT_CPU_THROTTLED,          /* cpu_throttled */
        CG_FEAT_CPUSET,                 /* cpu_set */
        CG_FEAT_PIDS_LIMIT,             /* thread_limit */
        CG_FEAT_IO_STAT,                /* io_read, io_write, io_ops */
        CG_FEAT_IO_TIME,                /* io_time */
        CG_FEAT_IO_LIMIT,               /* io_limit, io_ops_limit per disk */
        CG_FEAT_IO_WEIGHT,              /* io_policy, io_weight */
        CG_FEAT_HUGETLB,                /* hugetlb_limit, hugetlb_usage (2MB pages) */
        CG_FEAT_IO_FS_LIMIT,            /* io_limit/io_ops_limit "fs" (offstream) */
        CG_FEAT_MAX,
};

/* Probes our root cgroup ("") for the knob; needs cg_init(). */
bool cg_has_feature(enum cg_feature f);
/* Why a feature is missing, for NotSupported replies, e.g.
 * "memory.low_limit_in_bytes is an offstream kernel feature this kernel
 * lacks". Static string; never NULL. */
const char *cg_feature_reason(enum cg_feature f);

/* ---- memory ---- */
int cg_set_memory_limit(const char *rel, uint64_t bytes);
int cg_get_memory_limit(const char *rel, uint64_t *ret);
/* v1 memory.low_limit_in_bytes (offstream), v2 memory.low. 0 = none; a
 * v2 "max" (protect everything) reads as UINT64_MAX. */
int cg_set_memory_guarantee(const char *rel, uint64_t bytes);
int cg_get_memory_guarantee(const char *rel, uint64_t *ret);
/* v1 memory.memsw: limit of memory + swap; must stay >= memory limit
 * (the kernel refuses, -EINVAL, otherwise: raise it before the memory
 * limit, lower it after). v2 limits swap separately: -EOPNOTSUPP. */
int cg_set_memsw_limit(const char *rel, uint64_t bytes);
int cg_get_memsw_limit(const char *rel, uint64_t *ret);
/* Soft limit (v1 soft_limit_in_bytes; v2 memory.high, which reclaims at
 * once): pressurize_on_death. */
int cg_set_memory_soft_limit(const char *rel, uint64_t bytes);
int cg_get_memory_soft_limit(const char *rel, uint64_t *ret);
int cg_set_anon_limit(const char *rel, uint64_t bytes);
int cg_get_anon_limit(const char *rel, uint64_t *ret);
int cg_set_anon_only(const char *rel, bool on);
int cg_get_anon_only(const char *rel, bool *ret);
/* Offstream dirty page limit; 0 = none. */
int cg_set_dirty_limit(const char *rel, uint64_t bytes);
int cg_get_dirty_limit(const char *rel, uint64_t *ret);
int cg_set_recharge_on_pgfault(const char *rel, bool on);
int cg_get_recharge_on_pgfault(const char *rel, bool *ret);

/* One read of memory.stat (hierarchical counters) and the usage. */
struct cg_memory_stat {
        uint64_t usage;         /* memory_usage */
        uint64_t anon;          /* anon_usage: anon LRU + unevictable + swap */
        uint64_t cache;         /* cache_usage: file LRU */
        uint64_t shmem;
        uint64_t mapped_file;
        uint64_t dirty;
        uint64_t writeback;
        uint64_t swap;
        uint64_t minor_faults;  /* pgfault - pgmajfault */
        uint64_t major_faults;
};
int cg_memory_stat(const char *rel, struct cg_memory_stat *ret);
/* Peak usage (v1 max_usage_in_bytes, v2 memory.peak) and its reset
 * (v2: -EOPNOTSUPP where memory.peak is not writable). */
int cg_memory_max_usage(const char *rel, uint64_t *ret);
int cg_memory_reset_max_usage(const char *rel);
/* Offstream anon peak (anon_max_usage); reset writes 0. */
int cg_anon_max_usage(const char *rel, uint64_t *ret);
int cg_anon_reset_max_usage(const char *rel);
/* OOM kills of tasks in the cgroup (v1 memory.oom_control oom_kill: this
 * cgroup only; v2 memory.events oom_kill: the subtree). */
int cg_memory_oom_kills(const char *rel, uint64_t *ret);
/* An fd (O_NONBLOCK|O_CLOEXEC) that becomes readable (EPOLLIN) on OOM in
 * the cgroup: v1 an eventfd registered through cgroup.event_control for
 * memory.oom_control, v2 an inotify watch on memory.events (which also
 * changes on other memory events). It also fires when the cgroup is
 * removed. Wake-ups are hints: compare cg_memory_oom_kills() before and
 * after. */
int cg_memory_oom_event_open(const char *rel, int *ret_fd);
/* Consume pending notifications; returns > 0 if there were any, 0 if not. */
int cg_memory_oom_event_drain(int fd);

/* ---- cpu ---- */
/* v1 cpu.shares (clamped to 2..262144); v2 cpu.weight converted as
 * systemd does (1 + (shares - 2) * 9999 / 262142, 1..10000); the getter
 * converts back (approximately, on v2). */
int cg_set_cpu_shares(const char *rel, uint64_t shares);
int cg_get_cpu_shares(const char *rel, uint64_t *ret);
/* CFS bandwidth: quota = power * period / 1e9 (at least 1ms), power 0 =
 * unlimited; period 1ms..1s. v1 cfs_quota_us/cfs_period_us, v2 cpu.max. */
int cg_set_cpu_limit(const char *rel, uint64_t power, uint64_t period_ns);
int cg_get_cpu_limit(const char *rel, uint64_t *ret_power, uint64_t *ret_period_ns);
/* RT group scheduling (v1 with CONFIG_RT_GROUP_SCHED): runtime per period;
 * runtime UINT64_MAX = unlimited (-1). New v1 cgroups get runtime 0, so
 * SCHED_RR tasks cannot join until a runtime is set here, and runtimes of
 * children must fit in the parent's (-EINVAL/-EBUSY otherwise). */
int cg_set_cpu_rt(const char *rel, uint64_t runtime_ns, uint64_t period_ns);
int cg_get_cpu_rt(const char *rel, uint64_t *ret_runtime_ns, uint64_t *ret_period_ns);
/* The RT runtime per period_ns our root ("") may hold: what the parent of
 * our root has (read-only: it is not ours) minus what its other children
 * hold (other daemons), in the kernel's ratio arithmetic, so a runtime up
 * to this value written to "" fits. Our root's own runtime counts as
 * free. -EOPNOTSUPP without RT group scheduling. */
int cg_cpu_rt_budget(uint64_t period_ns, uint64_t *ret_runtime_ns);
/* cpu_usage_system and the user part (v1 cpuacct.usage_user/_sys, or
 * cpuacct.stat ticks on old kernels; v2 cpu.stat). */
int cg_cpu_usage_split(const char *rel, uint64_t *ret_user_ns, uint64_t *ret_system_ns);
/* cpu_wait: offstream cpuacct.wait, else the group's wait_sum of v1
 * cpu.stat (kernels with schedstats enabled). */
int cg_cpu_wait(const char *rel, uint64_t *ret_ns);
struct cg_cpu_throttling {
        uint64_t nr_periods;
        uint64_t nr_throttled;
        uint64_t throttled_ns;  /* cpu_throttled */
};
int cg_cpu_throttling(const char *rel, struct cg_cpu_throttling *ret);

/* ---- cpuset ---- */
/* Kernel list text ("0-3,5"). NULL or "" = inherit: v1 copies the
 * parent's current list (a v1 cpuset with empty cpus/mems refuses tasks;
 * cg_create() already copies them), v2 writes "" (follow the parent).
 * v1 refuses (-EBUSY/-EINVAL) to shrink a parent below what its children
 * use: shrink children first. */
int cg_set_cpuset_cpus(const char *rel, const char *list);
int cg_set_cpuset_mems(const char *rel, const char *list);
/* effective: what the kernel applies (v1 cpuset.effective_cpus, v2
 * cpuset.cpus.effective) rather than what was written. malloc'ed,
 * without the newline. */
int cg_get_cpuset_cpus(const char *rel, bool effective, char **ret);
int cg_get_cpuset_mems(const char *rel, bool effective, char **ret);

/* ---- pids ---- */
int cg_set_pids_limit(const char *rel, uint64_t max);
int cg_get_pids_limit(const char *rel, uint64_t *ret);
/* Tasks (threads) in the subtree as the pids controller counts them. */
int cg_pids_current(const char *rel, uint64_t *ret);

/* ---- block io ---- */
struct cg_io_stat {
        dev_t dev;              /* the disk (whole device) */
        uint64_t read_bytes;
        uint64_t write_bytes;
        uint64_t read_ops;
        uint64_t write_ops;
};
/* Per device, subtree totals (v1 blkio.throttle.io_service_bytes and
 * io_serviced, _recursive where present, else the bfq ones; v2 io.stat).
 * On v1 buffered writes are charged to the cgroup only when the task
 * itself writes back (O_DIRECT, fsync...): v1 has no cgroup writeback.
 * *ret malloc'ed (may be NULL when n is 0). */
int cg_io_stat(const char *rel, struct cg_io_stat **ret, size_t *ret_n);
/* Total io time per device (v1 CFQ/BFQ-debug io_service_time); v2 and
 * most kernels: -EOPNOTSUPP. */
struct cg_io_time {
        dev_t dev;
        uint64_t ns;
};
int cg_io_time(const char *rel, struct cg_io_time **ret, size_t *ret_n);

enum cg_io_dir {
        CG_IO_READ = 1,
        CG_IO_WRITE = 2,
        CG_IO_RW = 3,
};
/* Throttle of one disk: bytes/s (ops=false) or ops/s (ops=true) for the
 * given directions; 0 removes the limit. v1 blkio.throttle.*_device, v2
 * io.max. dev must be a whole disk (cg_io_disk_* below). */
int cg_set_io_limit(const char *rel, dev_t dev, bool ops, enum cg_io_dir dirs, uint64_t value);
struct cg_io_limit {
        dev_t dev;
        uint64_t read_bps, write_bps, read_iops, write_iops; /* 0: none */
};
/* Every disk with a limit. *ret malloc'ed (may be NULL when n is 0). */
int cg_get_io_limits(const char *rel, struct cg_io_limit **ret, size_t *ret_n);
/* The "fs" key of io_limit/io_ops_limit: filesystem-level bytes/s or
 * ops/s of the whole cgroup, 0 = none (offstream v1 memory.fs_bps_limit,
 * memory.fs_iops_limit). */
int cg_set_io_fs_limit(const char *rel, bool ops, uint64_t value);
int cg_get_io_fs_limit(const char *rel, bool ops, uint64_t *ret);
/* Weight on the v1 blkio.weight scale (10..1000, default 500; see
 * res_blkio_weight()). Written to every weight knob the kernel has: v1
 * blkio.weight (CFQ) as is, blkio.bfq.weight and v2 io.bfq.weight (1..1000,
 * default 100) and v2 io.weight (1..10000, default 100) as weight / 5, all
 * clamped. -EOPNOTSUPP if there is none. The getter reads the first one
 * back on the same scale. */
int cg_set_io_weight(const char *rel, uint64_t weight);
int cg_get_io_weight(const char *rel, uint64_t *ret);

/* Disks for io_limit keys and io stat names (sysfs, no cgroup needed). */
/* "sda", "nvme0n1", "8:0" -> its whole disk. -ENODEV: no such disk. */
int cg_io_disk_by_name(const char *name, dev_t *ret);
/* The whole disk holding a host path (partitions map to their disk).
 * -ENODEV for filesystems without a block device (tmpfs, overlay on
 * tmpfs, nfs). */
int cg_io_disk_of_path(const char *path, dev_t *ret);
/* The same for an open file (O_PATH is enough): paths resolved elsewhere,
 * e.g. in a container's root. */
int cg_io_disk_of_fd(int fd, dev_t *ret);
/* "vda" for 254:0; malloc'ed. */
int cg_io_disk_name(dev_t dev, char **ret);

/* ---- hugetlb (2MB pages) ---- */
int cg_set_hugetlb_limit(const char *rel, uint64_t bytes);
int cg_get_hugetlb_limit(const char *rel, uint64_t *ret);
int cg_hugetlb_usage(const char *rel, uint64_t *ret);

/* ---- raw knobs: the read-only "<controller>.<knob>" properties ---- */
/* name is a file of the cgroup such as "memory.stat", "cpu.shares",
 * "cgroup.procs"; the part before the first '.' picks the controller
 * ("io" is blkio on v2, "cgroup" any). Refuses (-EINVAL) names with '/'
 * or "..", unknown controllers; -EOPNOTSUPP if the knob does not exist;
 * -EISDIR/-EINVAL if it is not a regular file. Content as is (at most
 * 4 MiB), malloc'ed. */
int cg_read_knob(const char *rel, const char *name, char **ret);
