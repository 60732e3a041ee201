/* Parsers and printers of the resource properties of the manual's Memory,
 * CPU and Disk IO sections. Pure functions: no kernel access (the host's
 * CPU count is a parameter), so every one is unit-tested and fuzzable.
 * Sizes (memory_limit, hugetlb_limit, ...) use parse_size() of parse.h.
 *
 * Conventions as in parse.h: 0 or a negative errno, -EINVAL for malformed
 * text, -ERANGE for a well-formed value out of its range, -ENOMEM; outputs
 * written only on success. Scalars (cpu power, weight, period) take no
 * surrounding blanks (the daemon trims property values); list forms allow
 * blanks around their items. Every printer's output parses back to the same
 * value. */
#pragma once

#include "macros.h"

#define RES_NSEC_PER_SEC 1000000000ULL

/* ---- CPU power: cpu_limit, cpu_guarantee --------------------------------
 *
 * The manual: "Syntax: 0.0..100.0 (in %) | <cores>c (in cores)". So a plain
 * number is a percentage of the whole host (100 = every CPU), "<N>c" is N
 * cores (fractional allowed, "2.5c"), and, as the original also accepts,
 * "<N>ns" is raw power. Power is in nanoseconds of CPU time per second
 * (1 core = RES_NSEC_PER_SEC), the unit the original keeps internally and
 * the kernel's quota/period ratio needs. 0 means "unlimited" for cpu_limit
 * and "none" for cpu_guarantee.
 * -EINVAL: empty, negative, unknown unit, blanks, exponents; -ERANGE: above
 * 100% or above ncpus cores. ncpus must be > 0. */
int res_parse_cpu_power(const char *s, unsigned ncpus, uint64_t *ret);
/* "2.5c", "0c", "0.333333333c": cores with up to 9 decimals, no trailing
 * zeros, so the text parses back to exactly the same power (the original
 * prints "%gc", which agrees for every value with up to 6 digits). buf must
 * hold RES_CPU_POWER_STRLEN bytes. */
#define RES_CPU_POWER_STRLEN 32
char *res_format_cpu_power(char *buf, size_t len, uint64_t power);

/* cpu_period: 1ms..1s, default 100ms. A plain number is nanoseconds (the
 * manual's unit); suffixes ns, us, ms, s; fractions allowed ("0.5s").
 * -ERANGE outside 1ms..1s. Printed as plain nanoseconds. */
#define RES_CPU_PERIOD_MIN 1000000ULL
#define RES_CPU_PERIOD_MAX 1000000000ULL
#define RES_CPU_PERIOD_DEFAULT 100000000ULL
int res_parse_cpu_period(const char *s, uint64_t *ret_ns);

/* cpu_weight and io_weight: 0.01..100, default 1. Plain decimal. */
#define RES_WEIGHT_MIN 0.01
#define RES_WEIGHT_MAX 100.0
int res_parse_weight(const char *s, double *ret);
/* "%.15g": "1", "0.5", "12.34". buf >= RES_WEIGHT_STRLEN. */
#define RES_WEIGHT_STRLEN 32
char *res_format_weight(char *buf, size_t len, double weight);

/* ---- cpu_policy --------------------------------------------------------- */

enum res_cpu_policy {
        RES_CPU_POLICY_NORMAL,
        RES_CPU_POLICY_HIGH,
        RES_CPU_POLICY_RT,
        RES_CPU_POLICY_BATCH,
        RES_CPU_POLICY_IDLE,
        RES_CPU_POLICY_ISO,
        RES_CPU_POLICY_MAX,
};

struct res_cpu_policy_info {
        const char *name;
        int sched_policy;       /* SCHED_*; -1: not in mainline kernels (iso) */
        int sched_priority;     /* for SCHED_RR, else 0 */
        int nice;
        unsigned shares_mul;    /* cpu.shares *= shares_mul / shares_div */
        unsigned shares_div;
};

/* NULL for an out-of-range value. */
const struct res_cpu_policy_info *res_cpu_policy_info(enum res_cpu_policy p);
const char *res_cpu_policy_to_string(enum res_cpu_policy p);
/* Any name of the manual's table, iso included; -EINVAL otherwise. */
int res_cpu_policy_from_string(const char *s, enum res_cpu_policy *ret);
/* The property setter's parse: as from_string, but -EOPNOTSUPP for "iso"
 * (SCHED_ISO is an offstream kernel feature no mainline kernel has). */
int res_parse_cpu_policy(const char *s, enum res_cpu_policy *ret);

/* cpu.shares for a container (blkio.weight-like scale of the v1 kernel:
 * 1024 = one default task group): 1024 * (1 + guarantee in cores) * weight,
 * times 16 for "high", divided by 16 for "idle" (the manual's table).
 * Not clamped: the cgroup module clamps to what the kernel accepts. */
uint64_t res_cpu_shares(enum res_cpu_policy policy, double weight, uint64_t guarantee_power);
/* Nice of the tasks: the policy's, and the manual's "+10% cpu_weight is
 * -1 nice": minus round(log(weight) / log(1.1)), clamped to -20..19. */
int res_cpu_nice(enum res_cpu_policy policy, double weight);

/* ---- io_policy ---------------------------------------------------------- */

enum res_io_policy {
        RES_IO_POLICY_NONE,
        RES_IO_POLICY_RT,
        RES_IO_POLICY_HIGH,
        RES_IO_POLICY_NORMAL,
        RES_IO_POLICY_BATCH,
        RES_IO_POLICY_IDLE,
        RES_IO_POLICY_MAX,
};

/* ioprio_set(2) classes. */
#define RES_IOPRIO_CLASS_NONE 0
#define RES_IOPRIO_CLASS_RT 1
#define RES_IOPRIO_CLASS_BE 2
#define RES_IOPRIO_CLASS_IDLE 3
#define RES_IOPRIO_VALUE(class, data) (((class) << 13) | (data))

struct res_io_policy_info {
        const char *name;
        int ioprio_class;       /* RES_IOPRIO_CLASS_*; NONE: derived from cpu_policy (nice) */
        int ioprio_data;        /* 0..7 */
        unsigned blkio_weight;  /* v1 blkio.weight scale 10..1000 */
};

const struct res_io_policy_info *res_io_policy_info(enum res_io_policy p);
const char *res_io_policy_to_string(enum res_io_policy p);
int res_io_policy_from_string(const char *s, enum res_io_policy *ret);
/* ioprio value for ioprio_set(IOPRIO_WHO_PROCESS, ...); 0 for "none". */
int res_io_policy_ioprio(enum res_io_policy p);
/* Policy weight times io_weight, rounded, at least 1 (blkio.weight scale;
 * the cgroup module clamps to the kernel's range). */
uint64_t res_blkio_weight(enum res_io_policy p, double io_weight);

/* ---- CPU masks and cpu_set ---------------------------------------------- */

#define RES_CPUS_MAX 8192       /* NR_CPUS of the biggest kernel configs */
#define RES_NODES_MAX 1024      /* MAX_NUMNODES likewise */

struct res_cpumask {
        uint64_t bits[RES_CPUS_MAX / 64];
};

static inline void res_cpumask_zero(struct res_cpumask *m) { memset(m, 0, sizeof(*m)); }
static inline void res_cpumask_set(struct res_cpumask *m, unsigned cpu)
{
        if (cpu < RES_CPUS_MAX)
                m->bits[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}
static inline void res_cpumask_clear(struct res_cpumask *m, unsigned cpu)
{
        if (cpu < RES_CPUS_MAX)
                m->bits[cpu / 64] &= ~(UINT64_C(1) << (cpu % 64));
}
static inline bool res_cpumask_test(const struct res_cpumask *m, unsigned cpu)
{
        return cpu < RES_CPUS_MAX && (m->bits[cpu / 64] >> (cpu % 64)) & 1;
}
unsigned res_cpumask_count(const struct res_cpumask *m);
bool res_cpumask_is_empty(const struct res_cpumask *m);
bool res_cpumask_equal(const struct res_cpumask *a, const struct res_cpumask *b);
/* True if every CPU of a is in b. */
bool res_cpumask_subset(const struct res_cpumask *a, const struct res_cpumask *b);
void res_cpumask_and(struct res_cpumask *dst, const struct res_cpumask *src);
void res_cpumask_or(struct res_cpumask *dst, const struct res_cpumask *src);
void res_cpumask_andnot(struct res_cpumask *dst, const struct res_cpumask *src);

/* Kernel list format "0-3,5,8-11" (also cpuset.mems). "" is the empty set;
 * blanks around items and a final newline (as the kernel prints it) are
 * allowed. -EINVAL: garbage, reversed range "3-1"; -ERANGE: a number
 * >= RES_CPUS_MAX. */
int res_cpumask_parse(const char *s, struct res_cpumask *ret);
/* Canonical list ("0-3,5"; "" when empty), malloc'ed; NULL on ENOMEM. */
char *res_cpumask_format(const struct res_cpumask *m);

enum res_cpuset_policy {
        RES_CPUSET_INHERIT,     /* "" : all CPUs of the parent */
        RES_CPUSET_SET,         /* "0-3,5" : exactly these */
        RES_CPUSET_NODE,        /* "node N" : CPUs and memory of NUMA node N */
        RES_CPUSET_RESERVE,     /* "reserve N" : own N CPUs, use the rest too */
        RES_CPUSET_THREADS,     /* "threads N" : own N CPUs, use only them */
        RES_CPUSET_CORES,       /* "cores N" : N physical cores, one thread each */
        RES_CPUSET_POLICY_MAX,
};

struct res_cpuset {
        enum res_cpuset_policy policy;
        uint32_t arg;                   /* node number or count */
        struct res_cpumask cpus;        /* RES_CPUSET_SET only */
};

/* Picking cpus for cpu_set "threads N"/"reserve N" and "cores N" out of the
 * vacant ones. core_first[cpu] is the first cpu of cpu's core (its thread
 * siblings), RES_CPUS_MAX entries; online says which cpus exist.
 * threads: N cpus, whole cores first (a core split between containers
 * shares its caches), lowest numbers first. cores: N cores all of whose
 * threads are vacant; *reserve gets every thread, *use the first of each.
 * -ENOSPC if they are not there; outputs are written anyway. */
int res_cpus_pick_threads(const struct res_cpumask *vacant, const struct res_cpumask *online,
                          const uint16_t *core_first, unsigned n, struct res_cpumask *ret);
int res_cpus_pick_cores(const struct res_cpumask *vacant, const struct res_cpumask *online,
                        const uint16_t *core_first, unsigned n, struct res_cpumask *ret_reserve,
                        struct res_cpumask *ret_use);

/* Wire names of TContainerCpuSet.policy: inherit, set, node, reserve,
 * threads, cores. */
const char *res_cpuset_policy_to_string(enum res_cpuset_policy p);
int res_cpuset_policy_from_string(const char *s, enum res_cpuset_policy *ret);
/* The cpu_set property: "" or "inherit" -> inherit; a CPU list -> set (an
 * explicitly empty set is impossible: "" means inherit); "node N" (N <
 * RES_NODES_MAX); "reserve N", "threads N", "cores N" (1 <= N <
 * RES_CPUS_MAX). Words separated by blanks. */
int res_parse_cpuset(const char *s, struct res_cpuset *ret);
/* Inverse: "" for inherit, the canonical list, "node 1", "threads 4".
 * malloc'ed; NULL on ENOMEM or an invalid policy. */
char *res_format_cpuset(const struct res_cpuset *cs);

/* ---- io_limit, io_ops_limit --------------------------------------------
 *
 * "fs|<path>|<disk> [r|w]: <value>; ..." (manual, Disk IO). Keys:
 *   fs            the filesystem-level limit (offstream kernel feature)
 *   /abs/path     the disk under that host path; ./rel or . : inside the
 *                 container's root (the daemon resolves both)
 *   <disk>        a disk name as in /sys/class/block ("sda", "md0",
 *                 "nvme0n1", "dm-0"), or "<major>:<minor>"
 * followed by an optional " r" (reads only) or " w" (writes only); without
 * it the limit applies to both directions. Values are sizes (parse_size:
 * "10M") for io_limit, and the same syntax for io_ops_limit (plain counts
 * are the usual form). 0 removes a limit. A later duplicate key replaces
 * an earlier one. Items are separated by ';' ("\;" escapes it in a path);
 * the value is after the LAST ':' so that paths may contain ':'. */

enum res_io_target {
        RES_IO_TARGET_FS,
        RES_IO_TARGET_PATH,
        RES_IO_TARGET_DISK,
        RES_IO_TARGET_MAX,
};

enum res_io_dir {
        RES_IO_RW,
        RES_IO_READ,
        RES_IO_WRITE,
        RES_IO_DIR_MAX,
};

struct res_io_limit {
        char *key;      /* normalized map key: target + optional " r"/" w" */
        char *target;   /* "fs", the path or the disk name */
        enum res_io_target type;
        enum res_io_dir dir;
        uint64_t value;
};

struct res_io_limits {
        struct res_io_limit *v;
        size_t n;
};

void res_io_limits_done(struct res_io_limits *l);
static inline void res_io_limits_donep(struct res_io_limits *l) { res_io_limits_done(l); }
#define _cleanup_io_limits_ _cleanup_(res_io_limits_donep)

/* One key ("sda r", "/place w", "fs"): the key alone, as in io_limit[key]
 * and TUintMap keys. Blanks around the key and between target and
 * direction are allowed. ret->key/target are malloc'ed (ret->value = 0). */
int res_parse_io_key(const char *key, struct res_io_limit *ret);
void res_io_limit_done(struct res_io_limit *e);
/* The whole property. "" is the empty map. */
int res_parse_io_limits(const char *s, struct res_io_limits *ret);
/* Insert or replace the entry with the same key; takes ownership of *e
 * (also on failure), leaving *e empty. */
int res_io_limits_put(struct res_io_limits *l, struct res_io_limit *e);
/* Remove the entry with this normalized key; -ENOENT if absent. */
int res_io_limits_remove(struct res_io_limits *l, const char *key);
/* "fs: 1048576; sda r: 20971520" (values in plain numbers, keys escaped);
 * "" for the empty map. malloc'ed; NULL on ENOMEM. */
char *res_format_io_limits(const struct res_io_limits *l);
