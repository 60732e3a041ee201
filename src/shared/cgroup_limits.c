/* Resource limits, guarantees and statistics of cgroups (see cgroup.h).
 *
 * One table names every knob we use, per cgroup version, with fallbacks in
 * order of preference (recursive stats before local ones, CFQ weight before
 * BFQ's...). A call resolves its knob in the cgroup; when none of the names
 * exists there while the cgroup does, the kernel lacks the feature:
 * -EOPNOTSUPP. Text formats are parsed in cgroup_fmt.c. */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <dirent.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "basic/fileio.h"
#include "basic/parse.h"
#include "basic/strutil.h"
#include "shared/cgroup.h"
#include "shared/cgroup_fmt.h"

#define KNOB_FILE_MAX (4u << 20)
#define CPU_QUOTA_MIN_US UINT64_C(1000)
#define V1_SHARES_MIN UINT64_C(2)
#define V1_SHARES_MAX UINT64_C(262144)
#define NSEC_PER_SEC UINT64_C(1000000000)
#define NSEC_PER_USEC UINT64_C(1000)

enum knob {
        K_MEM_LIMIT,
        K_MEM_GUARANTEE,
        K_MEMSW_LIMIT,
        K_MEM_SOFT_LIMIT,
        K_ANON_LIMIT,
        K_ANON_ONLY,
        K_ANON_USAGE,
        K_ANON_MAX_USAGE,
        K_DIRTY_LIMIT,
        K_RECHARGE,
        K_MEM_USAGE,
        K_MEM_MAX_USAGE,
        K_MEM_STAT,
        K_MEM_SWAP_CURRENT,
        K_MEM_OOM,
        K_CPU_SHARES,
        K_CPU_QUOTA,
        K_CPU_PERIOD,
        K_CPU_RT_RUNTIME,
        K_CPU_RT_PERIOD,
        K_CPU_STAT,
        K_CPUACCT_USER,
        K_CPUACCT_SYSTEM,
        K_CPUACCT_STAT,
        K_CPUACCT_WAIT,
        K_CPUSET_CPUS,
        K_CPUSET_MEMS,
        K_CPUSET_EFF_CPUS,
        K_CPUSET_EFF_MEMS,
        K_PIDS_MAX,
        K_PIDS_CURRENT,
        K_IO_BYTES,
        K_IO_OPS,
        K_IO_TIME,
        K_IO_READ_BPS,
        K_IO_WRITE_BPS,
        K_IO_READ_IOPS,
        K_IO_WRITE_IOPS,
        K_IO_WEIGHT_CFQ,
        K_IO_WEIGHT_BFQ,
        K_IO_WEIGHT_V2,
        K_HUGETLB_LIMIT,
        K_HUGETLB_USAGE,
        K_IO_FS_BPS,
        K_IO_FS_IOPS,
        K_MAX,
};

#define NAMES_MAX 4

struct knob_info {
        enum cg_controller ctl;
        const char *v1[NAMES_MAX];      /* candidates, first existing wins */
        const char *v2[NAMES_MAX];
};

static const struct knob_info knobs[K_MAX] = {
        [K_MEM_LIMIT] = { CG_MEMORY, { "memory.limit_in_bytes" }, { "memory.max" } },
        [K_MEM_GUARANTEE] = { CG_MEMORY, { "memory.low_limit_in_bytes" }, { "memory.low" } },
        [K_MEMSW_LIMIT] = { CG_MEMORY, { "memory.memsw.limit_in_bytes" }, {} },
        [K_MEM_SOFT_LIMIT] = { CG_MEMORY, { "memory.soft_limit_in_bytes" }, { "memory.high" } },
        [K_ANON_LIMIT] = { CG_MEMORY, { "memory.anon.limit" }, {} },
        [K_ANON_ONLY] = { CG_MEMORY, { "memory.anon.only" }, {} },
        [K_ANON_USAGE] = { CG_MEMORY, { "memory.anon.usage" }, {} },
        [K_ANON_MAX_USAGE] = { CG_MEMORY, { "memory.anon.max_usage" }, {} },
        [K_DIRTY_LIMIT] = { CG_MEMORY, { "memory.dirty_limit_in_bytes" }, {} },
        [K_RECHARGE] = { CG_MEMORY, { "memory.recharge_on_pgfault" }, {} },
        [K_MEM_USAGE] = { CG_MEMORY, { "memory.usage_in_bytes" }, { "memory.current" } },
        [K_MEM_MAX_USAGE] = { CG_MEMORY, { "memory.max_usage_in_bytes" }, { "memory.peak" } },
        [K_MEM_STAT] = { CG_MEMORY, { "memory.stat" }, { "memory.stat" } },
        [K_MEM_SWAP_CURRENT] = { CG_MEMORY, {}, { "memory.swap.current" } },
        [K_MEM_OOM] = { CG_MEMORY, { "memory.oom_control" }, { "memory.events" } },
        [K_CPU_SHARES] = { CG_CPU, { "cpu.shares" }, { "cpu.weight" } },
        [K_CPU_QUOTA] = { CG_CPU, { "cpu.cfs_quota_us" }, { "cpu.max" } },
        [K_CPU_PERIOD] = { CG_CPU, { "cpu.cfs_period_us" }, { "cpu.max" } },
        [K_CPU_RT_RUNTIME] = { CG_CPU, { "cpu.rt_runtime_us" }, {} },
        [K_CPU_RT_PERIOD] = { CG_CPU, { "cpu.rt_period_us" }, {} },
        [K_CPU_STAT] = { CG_CPU, { "cpu.stat" }, { "cpu.stat" } },
        [K_CPUACCT_USER] = { CG_CPUACCT, { "cpuacct.usage_user" }, { "cpu.stat" } },
        [K_CPUACCT_SYSTEM] = { CG_CPUACCT, { "cpuacct.usage_sys" }, { "cpu.stat" } },
        [K_CPUACCT_STAT] = { CG_CPUACCT, { "cpuacct.stat" }, { "cpu.stat" } },
        [K_CPUACCT_WAIT] = { CG_CPUACCT, { "cpuacct.wait" }, {} },
        [K_CPUSET_CPUS] = { CG_CPUSET, { "cpuset.cpus" }, { "cpuset.cpus" } },
        [K_CPUSET_MEMS] = { CG_CPUSET, { "cpuset.mems" }, { "cpuset.mems" } },
        [K_CPUSET_EFF_CPUS] = { CG_CPUSET, { "cpuset.effective_cpus" }, { "cpuset.cpus.effective" } },
        [K_CPUSET_EFF_MEMS] = { CG_CPUSET, { "cpuset.effective_mems" }, { "cpuset.mems.effective" } },
        [K_PIDS_MAX] = { CG_PIDS, { "pids.max" }, { "pids.max" } },
        [K_PIDS_CURRENT] = { CG_PIDS, { "pids.current" }, { "pids.current" } },
        [K_IO_BYTES] = { CG_BLKIO,
                         { "blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_service_bytes",
                           "blkio.bfq.io_service_bytes_recursive", "blkio.bfq.io_service_bytes" },
                         { "io.stat" } },
        [K_IO_OPS] = { CG_BLKIO,
                       { "blkio.throttle.io_serviced_recursive", "blkio.throttle.io_serviced",
                         "blkio.bfq.io_serviced_recursive", "blkio.bfq.io_serviced" },
                       { "io.stat" } },
        [K_IO_TIME] = { CG_BLKIO,
                        { "blkio.io_service_time_recursive", "blkio.bfq.io_service_time_recursive" },
                        {} },
        [K_IO_READ_BPS] = { CG_BLKIO, { "blkio.throttle.read_bps_device" }, { "io.max" } },
        [K_IO_WRITE_BPS] = { CG_BLKIO, { "blkio.throttle.write_bps_device" }, { "io.max" } },
        [K_IO_READ_IOPS] = { CG_BLKIO, { "blkio.throttle.read_iops_device" }, { "io.max" } },
        [K_IO_WRITE_IOPS] = { CG_BLKIO, { "blkio.throttle.write_iops_device" }, { "io.max" } },
        [K_IO_WEIGHT_CFQ] = { CG_BLKIO, { "blkio.weight" }, {} },
        [K_IO_WEIGHT_BFQ] = { CG_BLKIO, { "blkio.bfq.weight" }, { "io.bfq.weight" } },
        [K_IO_WEIGHT_V2] = { CG_BLKIO, {}, { "io.weight" } },
        [K_HUGETLB_LIMIT] = { CG_HUGETLB, { "hugetlb.2MB.limit_in_bytes" }, { "hugetlb.2MB.max" } },
        [K_HUGETLB_USAGE] = { CG_HUGETLB, { "hugetlb.2MB.usage_in_bytes" }, { "hugetlb.2MB.current" } },
        [K_IO_FS_BPS] = { CG_MEMORY, { "memory.fs_bps_limit" }, {} },
        [K_IO_FS_IOPS] = { CG_MEMORY, { "memory.fs_iops_limit" }, {} },
};

/* ---- knob access ---------------------------------------------------------- */

static int path_join(const char *dir, const char *name, char **ret)
{
        char *p = strdup_printf("%s/%s", dir, name);

        if (!p)
                return -ENOMEM;
        *ret = p;
        return 0;
}

/* -ENOENT if the cgroup directory is missing, else -EOPNOTSUPP. */
static int missing_knob(const char *dir)
{
        struct stat st;

        if (stat(dir, &st) < 0)
                return errno == ENOENT ? -ENOENT : -errno;
        return -EOPNOTSUPP;
}

/* Path of the first existing candidate of knob k in the cgroup. */
static int knob_resolve(enum knob k, const char *rel, char **ret)
{
        const char *const *names = cg_is_v2() ? knobs[k].v2 : knobs[k].v1;
        _cleanup_free_ char *dir = NULL;
        int r;

        if (!names[0])
                return -EOPNOTSUPP;
        r = cg_path(knobs[k].ctl, rel, &dir);
        if (r < 0)
                return r;
        for (size_t i = 0; i < NAMES_MAX && names[i]; i++) {
                _cleanup_free_ char *p = NULL;

                r = path_join(dir, names[i], &p);
                if (r < 0)
                        return r;
                if (access(p, F_OK) == 0) {
                        *ret = TAKE_PTR(p);
                        return 0;
                }
        }
        return missing_knob(dir);
}

static bool knob_exists(enum knob k, const char *rel)
{
        _cleanup_free_ char *p = NULL;

        return knob_resolve(k, rel, &p) >= 0;
}

static int knob_read(enum knob k, const char *rel, char **ret)
{
        _cleanup_free_ char *p = NULL;
        int r;

        r = knob_resolve(k, rel, &p);
        if (r < 0)
                return r;
        return read_file(p, KNOB_FILE_MAX, ret, NULL);
}

static int knob_write(enum knob k, const char *rel, const char *value)
{
        _cleanup_free_ char *p = NULL;
        int r;

        r = knob_resolve(k, rel, &p);
        if (r < 0)
                return r;
        return write_file(p, value);
}

static int knob_write_u64(enum knob k, const char *rel, uint64_t v)
{
        char buf[32];

        snprintf(buf, sizeof(buf), "%" PRIu64, v);
        return knob_write(k, rel, buf);
}

static int knob_read_u64(enum knob k, const char *rel, uint64_t *ret)
{
        _cleanup_free_ char *s = NULL;
        uint64_t v;
        int r;

        r = knob_read(k, rel, &s);
        if (r < 0)
                return r;
        if (parse_u64(strstrip(s), &v) < 0)
                return -EBADMSG;
        *ret = v;
        return 0;
}

/* A limit, 0 = unlimited: "-1" on v1 (every v1 limit knob takes it; pids
 * takes "max" on both). */
static int knob_write_limit(enum knob k, const char *rel, uint64_t v)
{
        if (v == 0 || v >= CGF_V1_UNLIMITED)
                return knob_write(k, rel, cg_is_v2() || k == K_PIDS_MAX ? "max" : "-1");
        return knob_write_u64(k, rel, v);
}

static int knob_read_limit(enum knob k, const char *rel, uint64_t *ret)
{
        _cleanup_free_ char *s = NULL;
        int r;

        r = knob_read(k, rel, &s);
        if (r < 0)
                return r;
        return cgf_parse_limit(s, ret);
}

static int knob_read_keyed(enum knob k, const char *rel, const char *key, uint64_t *ret)
{
        _cleanup_free_ char *s = NULL;
        int r;

        r = knob_read(k, rel, &s);
        if (r < 0)
                return r;
        return cgf_keyed(s, key, ret);
}

static int knob_read_bool(enum knob k, const char *rel, bool *ret)
{
        uint64_t v;
        int r;

        r = knob_read_u64(k, rel, &v);
        if (r < 0)
                return r;
        *ret = v != 0;
        return 0;
}

/* ---- features ---------------------------------------------------------------- */

struct feature_info {
        enum knob probe;        /* its knob in our root */
        const char *why_v1;
        const char *why_v2;
};

static const struct feature_info features[CG_FEAT_MAX] = {
        [CG_FEAT_MEMORY_LIMIT] = { K_MEM_LIMIT, "memory.limit_in_bytes is missing", "memory.max is missing" },
        [CG_FEAT_MEMORY_GUARANTEE] = { K_MEM_GUARANTEE,
                "memory_guarantee needs memory.low_limit_in_bytes, an offstream kernel feature this kernel lacks",
                "memory.low is missing" },
        [CG_FEAT_MEMSW_LIMIT] = { K_MEMSW_LIMIT,
                "memory.memsw.limit_in_bytes is missing (no swap accounting in this kernel)",
                "cgroup v2 has no memory+swap limit (only memory.swap.max)" },
        [CG_FEAT_MEMORY_SOFT_LIMIT] = { K_MEM_SOFT_LIMIT, "memory.soft_limit_in_bytes is missing",
                "memory.high is missing" },
        [CG_FEAT_ANON_LIMIT] = { K_ANON_LIMIT,
                "anon_limit needs memory.anon.limit, an offstream kernel feature this kernel lacks",
                "anon_limit is an offstream cgroup v1 feature, absent on cgroup v2" },
        [CG_FEAT_ANON_ONLY] = { K_ANON_ONLY,
                "anon_only needs memory.anon.only, an offstream kernel feature this kernel lacks",
                "anon_only is an offstream cgroup v1 feature, absent on cgroup v2" },
        [CG_FEAT_ANON_MAX_USAGE] = { K_ANON_MAX_USAGE,
                "anon_max_usage needs memory.anon.max_usage, an offstream kernel feature this kernel lacks",
                "anon_max_usage is an offstream cgroup v1 feature, absent on cgroup v2" },
        [CG_FEAT_DIRTY_LIMIT] = { K_DIRTY_LIMIT,
                "dirty_limit needs memory.dirty_limit_in_bytes, an offstream kernel feature this kernel lacks",
                "dirty_limit is an offstream cgroup v1 feature, absent on cgroup v2" },
        [CG_FEAT_RECHARGE_ON_PGFAULT] = { K_RECHARGE,
                "recharge_on_pgfault needs memory.recharge_on_pgfault, an offstream kernel feature this kernel lacks",
                "recharge_on_pgfault is an offstream cgroup v1 feature, absent on cgroup v2" },
        [CG_FEAT_MEMORY_MAX_USAGE] = { K_MEM_MAX_USAGE, "memory.max_usage_in_bytes is missing",
                "memory.peak is missing (kernel older than 5.19)" },
        [CG_FEAT_OOM_EVENTS] = { K_MEM_OOM, "memory.oom_control is missing", "memory.events is missing" },
        [CG_FEAT_CPU_SHARES] = { K_CPU_SHARES, "cpu.shares is missing", "cpu.weight is missing" },
        [CG_FEAT_CPU_LIMIT] = { K_CPU_QUOTA, "cpu.cfs_quota_us is missing (kernel without CONFIG_CFS_BANDWIDTH)",
                "cpu.max is missing (kernel without CONFIG_CFS_BANDWIDTH)" },
        [CG_FEAT_CPU_RT] = { K_CPU_RT_RUNTIME, "cpu.rt_runtime_us is missing (kernel without CONFIG_RT_GROUP_SCHED)",
                "cgroup v2 has no RT group scheduling" },
        [CG_FEAT_CPU_USAGE_SPLIT] = { K_CPUACCT_STAT, "cpuacct.stat is missing", "cpu.stat is missing" },
        [CG_FEAT_CPU_WAIT] = { K_CPUACCT_WAIT,
                "cpu_wait needs cpuacct.wait (an offstream kernel feature) or wait_sum in cpu.stat "
                "(kernel.sched_schedstats); this kernel has neither",
                "cgroup v2 does not account cpu wait time" },
        [CG_FEAT_CPU_THROTTLED] = { K_CPU_STAT, "cpu.stat is missing", "cpu.stat lacks throttling (cpu controller off)" },
        [CG_FEAT_CPUSET] = { K_CPUSET_CPUS, "cpuset.cpus is missing", "cpuset.cpus is missing" },
        [CG_FEAT_PIDS_LIMIT] = { K_PIDS_MAX, "pids.max is missing", "pids.max is missing" },
        [CG_FEAT_IO_STAT] = { K_IO_BYTES, "blkio has no io_service_bytes statistics", "io.stat is missing" },
        [CG_FEAT_IO_TIME] = { K_IO_TIME,
                "io_time needs blkio.io_service_time (CFQ, or BFQ with CONFIG_BFQ_CGROUP_DEBUG); this kernel lacks it",
                "cgroup v2 does not account io time" },
        [CG_FEAT_IO_LIMIT] = { K_IO_READ_BPS,
                "blkio.throttle is missing (kernel without CONFIG_BLK_DEV_THROTTLING)",
                "io.max is missing (kernel without CONFIG_BLK_DEV_THROTTLING)" },
        [CG_FEAT_IO_WEIGHT] = { K_IO_WEIGHT_BFQ,
                "no blkio weight knob: neither CFQ (blkio.weight) nor BFQ (blkio.bfq.weight) is available",
                "no io weight knob: neither io.weight nor io.bfq.weight is available" },
        [CG_FEAT_HUGETLB] = { K_HUGETLB_LIMIT, "hugetlb.2MB.limit_in_bytes is missing", "hugetlb.2MB.max is missing" },
        [CG_FEAT_IO_FS_LIMIT] = { K_IO_FS_BPS,
                "io limits for \"fs\" need memory.fs_bps_limit, an offstream kernel feature this kernel lacks",
                "io limits for \"fs\" are an offstream cgroup v1 feature, absent on cgroup v2" },
};

static const char *const controller_missing[CG_CONTROLLER_MAX] = {
        [CG_FREEZER] = "the freezer cgroup controller is not available",
        [CG_MEMORY] = "the memory cgroup controller is not available",
        [CG_CPU] = "the cpu cgroup controller is not available",
        [CG_CPUACCT] = "the cpuacct cgroup controller is not available",
        [CG_CPUSET] = "the cpuset cgroup controller is not available",
        [CG_DEVICES] = "the devices cgroup controller is not available",
        [CG_BLKIO] = "the blkio (io) cgroup controller is not available",
        [CG_PIDS] = "the pids cgroup controller is not available",
        [CG_HUGETLB] = "the hugetlb cgroup controller is not available",
        [CG_NET_CLS] = "the net_cls cgroup controller is not available",
};

static bool cpu_stat_has(const char *rel, const char *key)
{
        uint64_t v;

        return knob_read_keyed(K_CPU_STAT, rel, key, &v) >= 0;
}

bool cg_has_feature(enum cg_feature f)
{
        if ((unsigned) f >= CG_FEAT_MAX)
                return false;
        switch (f) {
        case CG_FEAT_CPU_USAGE_SPLIT:
                return knob_exists(K_CPUACCT_USER, "") || knob_exists(K_CPUACCT_STAT, "");
        case CG_FEAT_CPU_WAIT:
                return knob_exists(K_CPUACCT_WAIT, "") || (!cg_is_v2() && cpu_stat_has("", "wait_sum"));
        case CG_FEAT_CPU_THROTTLED:
                return cpu_stat_has("", "nr_throttled");
        case CG_FEAT_IO_WEIGHT:
                return knob_exists(K_IO_WEIGHT_CFQ, "") || knob_exists(K_IO_WEIGHT_BFQ, "") ||
                       knob_exists(K_IO_WEIGHT_V2, "");
        default:
                return knob_exists(features[f].probe, "");
        }
}

const char *cg_feature_reason(enum cg_feature f)
{
        enum cg_controller c;

        if ((unsigned) f >= CG_FEAT_MAX)
                return "unknown feature";
        c = knobs[features[f].probe].ctl;
        if (!cg_supported(c))
                return controller_missing[c];
        return cg_is_v2() ? features[f].why_v2 : features[f].why_v1;
}

/* ---- memory ------------------------------------------------------------------ */

int cg_set_memory_limit(const char *rel, uint64_t bytes)
{
        return knob_write_limit(K_MEM_LIMIT, rel, bytes);
}

int cg_get_memory_limit(const char *rel, uint64_t *ret)
{
        return knob_read_limit(K_MEM_LIMIT, rel, ret);
}

int cg_set_memory_guarantee(const char *rel, uint64_t bytes)
{
        return knob_write_u64(K_MEM_GUARANTEE, rel, bytes);
}

int cg_get_memory_guarantee(const char *rel, uint64_t *ret)
{
        _cleanup_free_ char *s = NULL;
        uint64_t v;
        char *t;
        int r;

        r = knob_read(K_MEM_GUARANTEE, rel, &s);
        if (r < 0)
                return r;
        t = strstrip(s);
        if (streq(t, "max")) /* v2: protect everything */
                v = UINT64_MAX;
        else if (parse_u64(t, &v) < 0)
                return -EBADMSG;
        *ret = v;
        return 0;
}

int cg_set_memsw_limit(const char *rel, uint64_t bytes)
{
        return knob_write_limit(K_MEMSW_LIMIT, rel, bytes);
}

int cg_get_memsw_limit(const char *rel, uint64_t *ret)
{
        return knob_read_limit(K_MEMSW_LIMIT, rel, ret);
}

int cg_set_memory_soft_limit(const char *rel, uint64_t bytes)
{
        return knob_write_limit(K_MEM_SOFT_LIMIT, rel, bytes);
}

int cg_get_memory_soft_limit(const char *rel, uint64_t *ret)
{
        return knob_read_limit(K_MEM_SOFT_LIMIT, rel, ret);
}

int cg_set_anon_limit(const char *rel, uint64_t bytes)
{
        return knob_write_limit(K_ANON_LIMIT, rel, bytes);
}

int cg_get_anon_limit(const char *rel, uint64_t *ret)
{
        return knob_read_limit(K_ANON_LIMIT, rel, ret);
}

int cg_set_anon_only(const char *rel, bool on)
{
        return knob_write(K_ANON_ONLY, rel, on ? "1" : "0");
}

int cg_get_anon_only(const char *rel, bool *ret)
{
        return knob_read_bool(K_ANON_ONLY, rel, ret);
}

int cg_set_dirty_limit(const char *rel, uint64_t bytes)
{
        return knob_write_u64(K_DIRTY_LIMIT, rel, bytes);
}

int cg_get_dirty_limit(const char *rel, uint64_t *ret)
{
        return knob_read_limit(K_DIRTY_LIMIT, rel, ret);
}

int cg_set_recharge_on_pgfault(const char *rel, bool on)
{
        return knob_write(K_RECHARGE, rel, on ? "1" : "0");
}

int cg_get_recharge_on_pgfault(const char *rel, bool *ret)
{
        return knob_read_bool(K_RECHARGE, rel, ret);
}

/* memory.stat keys, hierarchical ones on v1 ("total_"). */
struct mem_stat_key {
        const char *v1;
        const char *v2;
};

enum {
        MS_ACTIVE_ANON,
        MS_INACTIVE_ANON,
        MS_ACTIVE_FILE,
        MS_INACTIVE_FILE,
        MS_UNEVICTABLE,
        MS_SHMEM,
        MS_MAPPED_FILE,
        MS_DIRTY,
        MS_WRITEBACK,
        MS_SWAP,
        MS_PGFAULT,
        MS_PGMAJFAULT,
        MS_MAX,
};

static const struct mem_stat_key mem_stat_keys[MS_MAX] = {
        [MS_ACTIVE_ANON] = { "total_active_anon", "active_anon" },
        [MS_INACTIVE_ANON] = { "total_inactive_anon", "inactive_anon" },
        [MS_ACTIVE_FILE] = { "total_active_file", "active_file" },
        [MS_INACTIVE_FILE] = { "total_inactive_file", "inactive_file" },
        [MS_UNEVICTABLE] = { "total_unevictable", "unevictable" },
        [MS_SHMEM] = { "total_shmem", "shmem" },
        [MS_MAPPED_FILE] = { "total_mapped_file", "file_mapped" },
        [MS_DIRTY] = { "total_dirty", "file_dirty" },
        [MS_WRITEBACK] = { "total_writeback", "file_writeback" },
        [MS_SWAP] = { "total_swap", NULL }, /* v2: memory.swap.current */
        [MS_PGFAULT] = { "total_pgfault", "pgfault" },
        [MS_PGMAJFAULT] = { "total_pgmajfault", "pgmajfault" },
};

/* Absent keys (older kernels, no swap accounting) count as 0. */
static int mem_stat_values(const char *rel, uint64_t v[MS_MAX])
{
        _cleanup_free_ char *buf = NULL;
        int r;

        r = knob_read(K_MEM_STAT, rel, &buf);
        if (r < 0)
                return r;
        for (unsigned i = 0; i < MS_MAX; i++) {
                const char *key = cg_is_v2() ? mem_stat_keys[i].v2 : mem_stat_keys[i].v1;

                v[i] = 0;
                if (key) {
                        r = cgf_keyed(buf, key, &v[i]);
                        if (r < 0 && r != -ENODATA)
                                return r;
                }
        }
        if (cg_is_v2() && knob_read_u64(K_MEM_SWAP_CURRENT, rel, &v[MS_SWAP]) < 0)
                v[MS_SWAP] = 0;
        return 0;
}

int cg_memory_stat(const char *rel, struct cg_memory_stat *ret)
{
        uint64_t v[MS_MAX], usage, anon;
        int r;

        r = mem_stat_values(rel, v);
        if (r < 0)
                return r;
        r = knob_read_u64(K_MEM_USAGE, rel, &usage);
        if (r < 0)
                return r;
        /* The offstream kernel counts anon pages exactly; else the anon LRU
         * (tmpfs/shmem included, as the manual says) and swapped-out pages. */
        if (knob_read_u64(K_ANON_USAGE, rel, &anon) < 0)
                anon = v[MS_ACTIVE_ANON] + v[MS_INACTIVE_ANON] + v[MS_UNEVICTABLE] + v[MS_SWAP];
        *ret = (struct cg_memory_stat) {
                .usage = usage,
                .anon = anon,
                .cache = v[MS_ACTIVE_FILE] + v[MS_INACTIVE_FILE],
                .shmem = v[MS_SHMEM],
                .mapped_file = v[MS_MAPPED_FILE],
                .dirty = v[MS_DIRTY],
                .writeback = v[MS_WRITEBACK],
                .swap = v[MS_SWAP],
                .minor_faults = v[MS_PGFAULT] >= v[MS_PGMAJFAULT] ? v[MS_PGFAULT] - v[MS_PGMAJFAULT] : 0,
                .major_faults = v[MS_PGMAJFAULT],
        };
        return 0;
}

int cg_memory_max_usage(const char *rel, uint64_t *ret)
{
        return knob_read_u64(K_MEM_MAX_USAGE, rel, ret);
}

int cg_memory_reset_max_usage(const char *rel)
{
        int r = knob_write(K_MEM_MAX_USAGE, rel, "0");

        /* memory.peak is read-only before Linux 6.12. */
        return cg_is_v2() && (r == -EACCES || r == -EINVAL) ? -EOPNOTSUPP : r;
}

int cg_anon_max_usage(const char *rel, uint64_t *ret)
{
        return knob_read_u64(K_ANON_MAX_USAGE, rel, ret);
}

int cg_anon_reset_max_usage(const char *rel)
{
        return knob_write(K_ANON_MAX_USAGE, rel, "0");
}

int cg_memory_oom_kills(const char *rel, uint64_t *ret)
{
        return knob_read_keyed(K_MEM_OOM, rel, "oom_kill", ret);
}

static int oom_event_open_v1(const char *oom_control, int *ret_fd)
{
        _cleanup_close_ int efd = -EBADF, ofd = -EBADF;
        _cleanup_free_ char *dir = strdup(oom_control), *ctl = NULL;
        char buf[64];
        int r;

        if (!dir)
                return -ENOMEM;
        *strrchr(dir, '/') = 0;
        r = path_join(dir, "cgroup.event_control", &ctl);
        if (r < 0)
                return r;
        efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (efd < 0)
                return -errno;
        ofd = open(oom_control, O_RDONLY | O_CLOEXEC);
        if (ofd < 0)
                return -errno;
        /* The kernel keeps the registration until efd is closed or the
         * cgroup goes; ofd is only needed for the write. */
        snprintf(buf, sizeof(buf), "%d %d", efd, ofd);
        r = write_file(ctl, buf);
        if (r < 0)
                return r;
        *ret_fd = TAKE_FD(efd);
        return 0;
}

static int oom_event_open_v2(const char *events, int *ret_fd)
{
        _cleanup_close_ int fd = -EBADF;

        fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd < 0)
                return -errno;
        /* cgroup_file_notify() on memory.events is an IN_MODIFY. */
        if (inotify_add_watch(fd, events, IN_MODIFY) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int cg_memory_oom_event_open(const char *rel, int *ret_fd)
{
        _cleanup_free_ char *p = NULL;
        int r;

        r = knob_resolve(K_MEM_OOM, rel, &p);
        if (r < 0)
                return r;
        return cg_is_v2() ? oom_event_open_v2(p, ret_fd) : oom_event_open_v1(p, ret_fd);
}

int cg_memory_oom_event_drain(int fd)
{
        /* Large enough for inotify records; an eventfd returns its 8 bytes. */
        char buf[4096] __attribute__((aligned(8)));
        int got = 0;

        if (fd < 0)
                return -EBADF;
        for (;;) {
                ssize_t n = read(fd, buf, sizeof(buf));

                if (n > 0) {
                        got = 1;
                        continue;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno != EAGAIN)
                        return -errno;
                return got;
        }
}

/* ---- cpu ---------------------------------------------------------------------- */

int cg_set_cpu_shares(const char *rel, uint64_t shares)
{
        if (cg_is_v2())
                return knob_write_u64(K_CPU_SHARES, rel, cgf_shares_to_weight(shares));
        return knob_write_u64(K_CPU_SHARES, rel, MIN(MAX(shares, V1_SHARES_MIN), V1_SHARES_MAX));
}

int cg_get_cpu_shares(const char *rel, uint64_t *ret)
{
        uint64_t v;
        int r;

        r = knob_read_u64(K_CPU_SHARES, rel, &v);
        if (r < 0)
                return r;
        *ret = cg_is_v2() ? cgf_weight_to_shares(v) : v;
        return 0;
}

static int cpu_quota_us(uint64_t power, uint64_t period_us, uint64_t *ret)
{
        unsigned __int128 q = (unsigned __int128) power * period_us / NSEC_PER_SEC;

        if (q > INT64_MAX / NSEC_PER_USEC)
                return -ERANGE;
        *ret = MAX((uint64_t) q, CPU_QUOTA_MIN_US);
        return 0;
}

int cg_set_cpu_limit(const char *rel, uint64_t power, uint64_t period_ns)
{
        uint64_t period_us = period_ns / NSEC_PER_USEC, quota_us = 0;
        char buf[64];
        int r;

        if (period_us < 1000 || period_us > 1000000)
                return -ERANGE;
        if (power) {
                r = cpu_quota_us(power, period_us, &quota_us);
                if (r < 0)
                        return r;
        }
        if (cg_is_v2()) {
                if (power)
                        snprintf(buf, sizeof(buf), "%" PRIu64 " %" PRIu64, quota_us, period_us);
                else
                        snprintf(buf, sizeof(buf), "max %" PRIu64, period_us);
                return knob_write(K_CPU_QUOTA, rel, buf);
        }
        /* v1 checks each write against the other knob and the hierarchy:
         * drop the quota first so that no intermediate state is refused. */
        r = knob_write(K_CPU_QUOTA, rel, "-1");
        if (r < 0)
                return r;
        r = knob_write_u64(K_CPU_PERIOD, rel, period_us);
        if (r < 0)
                return r;
        return power ? knob_write_u64(K_CPU_QUOTA, rel, quota_us) : 0;
}

int cg_get_cpu_limit(const char *rel, uint64_t *ret_power, uint64_t *ret_period_ns)
{
        _cleanup_free_ char *s = NULL;
        uint64_t quota_us, period_us;
        int r;

        if (cg_is_v2()) {
                r = knob_read(K_CPU_QUOTA, rel, &s);
                if (r < 0)
                        return r;
                r = cgf_parse_cpu_max(s, &quota_us, &period_us);
        } else {
                r = knob_read_limit(K_CPU_QUOTA, rel, &quota_us);
                if (r >= 0)
                        r = knob_read_u64(K_CPU_PERIOD, rel, &period_us);
        }
        if (r < 0)
                return r;
        if (period_us == 0)
                return -EBADMSG;
        *ret_power = (uint64_t) ((unsigned __int128) quota_us * NSEC_PER_SEC / period_us);
        *ret_period_ns = period_us * NSEC_PER_USEC;
        return 0;
}

int cg_set_cpu_rt(const char *rel, uint64_t runtime_ns, uint64_t period_ns)
{
        uint64_t old_period_us, period_us = period_ns / NSEC_PER_USEC;
        char runtime[32];
        int r;

        if (period_us == 0 || period_us > INT32_MAX)
                return -ERANGE;
        if (runtime_ns == UINT64_MAX)
                snprintf(runtime, sizeof(runtime), "-1");
        else if (runtime_ns / NSEC_PER_USEC > period_us)
                return -ERANGE;
        else
                snprintf(runtime, sizeof(runtime), "%" PRIu64, runtime_ns / NSEC_PER_USEC);
        r = knob_read_u64(K_CPU_RT_PERIOD, rel, &old_period_us);
        if (r < 0)
                return r;
        if (old_period_us != period_us) {
                /* Zero runtime fits any period and any parent; it fails
                 * only while RT tasks are inside, then try directly. */
                (void) knob_write(K_CPU_RT_RUNTIME, rel, "0");
                r = knob_write_u64(K_CPU_RT_PERIOD, rel, period_us);
                if (r < 0)
                        return r;
        }
        return knob_write(K_CPU_RT_RUNTIME, rel, runtime);
}

int cg_get_cpu_rt(const char *rel, uint64_t *ret_runtime_ns, uint64_t *ret_period_ns)
{
        _cleanup_free_ char *s = NULL;
        uint64_t runtime_us = 0, period_us;
        char *t;
        int r;

        r = knob_read(K_CPU_RT_RUNTIME, rel, &s);
        if (r < 0)
                return r;
        t = strstrip(s);
        if (!streq(t, "-1") && parse_u64(t, &runtime_us) < 0)
                return -EBADMSG;
        r = knob_read_u64(K_CPU_RT_PERIOD, rel, &period_us);
        if (r < 0)
                return r;
        *ret_runtime_ns = streq(t, "-1") ? UINT64_MAX : runtime_us * NSEC_PER_USEC;
        *ret_period_ns = period_us * NSEC_PER_USEC;
        return 0;
}

/* The kernel's to_ratio(): runtime per period in 1/2^20 units. The
 * microsecond values give the same ratio as its nanoseconds. */
#define RT_BW_SHIFT 20
static uint64_t rt_ratio(const char *runtime, uint64_t period_us)
{
        uint64_t runtime_us;

        if (streq(runtime, "-1"))
                return UINT64_C(1) << RT_BW_SHIFT;
        if (period_us == 0 || parse_u64(runtime, &runtime_us) < 0)
                return 0;
        return (uint64_t) (((unsigned __int128) runtime_us << RT_BW_SHIFT) / period_us);
}

/* Ratio of the cgroup directory dir (0 if unreadable). */
static uint64_t rt_ratio_of_dir(int dirfd, const char *dir)
{
        _cleanup_free_ char *rt = NULL, *per = NULL;
        uint64_t period_us;
        char p[PATH_MAX];

        snprintf(p, sizeof(p), "%s/cpu.rt_runtime_us", dir);
        if (read_file_at(dirfd, p, 64, &rt, NULL) < 0)
                return 0;
        snprintf(p, sizeof(p), "%s/cpu.rt_period_us", dir);
        if (read_file_at(dirfd, p, 64, &per, NULL) < 0 || parse_u64(strstrip(per), &period_us) < 0)
                return 0;
        return rt_ratio(strstrip(rt), period_us);
}

int cg_cpu_rt_budget(uint64_t period_ns, uint64_t *ret_runtime_ns)
{
        _cleanup_free_ char *root = NULL;
        uint64_t total, used = 0;
        struct dirent *de;
        char *slash;
        DIR *d;
        int r;

        if (!cg_has_feature(CG_FEAT_CPU_RT))
                return -EOPNOTSUPP;
        if (period_ns < NSEC_PER_USEC)
                return -ERANGE;
        r = cg_path(CG_CPU, "", &root);
        if (r < 0)
                return r;
        slash = strrchr(root, '/');
        if (!slash || slash == root)
                return -EINVAL;
        *slash = 0;     /* root is now the parent, slash + 1 our name */
        total = rt_ratio_of_dir(AT_FDCWD, root);
        d = opendir(root);
        if (!d)
                return -errno;
        /* the siblings of our root: other daemons, other users */
        while ((de = readdir(d)))
                if (de->d_type == DT_DIR && de->d_name[0] != '.' && !streq(de->d_name, slash + 1))
                        used += rt_ratio_of_dir(dirfd(d), de->d_name);
        closedir(d);
        total = total > used ? total - used : 0;
        *ret_runtime_ns = (uint64_t) (((unsigned __int128) total * (period_ns / NSEC_PER_USEC)) >> RT_BW_SHIFT) *
                          NSEC_PER_USEC;
        return 0;
}

static int usage_split_v1_ticks(const char *rel, uint64_t *ret_user, uint64_t *ret_system)
{
        _cleanup_free_ char *s = NULL;
        long hz = sysconf(_SC_CLK_TCK);
        uint64_t user, sys;
        int r;

        if (hz <= 0)
                return -EINVAL;
        r = knob_read(K_CPUACCT_STAT, rel, &s);
        if (r < 0)
                return r;
        r = cgf_keyed(s, "user", &user);
        if (r >= 0)
                r = cgf_keyed(s, "system", &sys);
        if (r < 0)
                return r;
        *ret_user = user * (NSEC_PER_SEC / (uint64_t) hz);
        *ret_system = sys * (NSEC_PER_SEC / (uint64_t) hz);
        return 0;
}

int cg_cpu_usage_split(const char *rel, uint64_t *ret_user_ns, uint64_t *ret_system_ns)
{
        _cleanup_free_ char *s = NULL;
        uint64_t user, sys;
        int r;

        if (cg_is_v2()) {
                r = knob_read(K_CPUACCT_STAT, rel, &s);
                if (r < 0)
                        return r;
                r = cgf_keyed(s, "user_usec", &user);
                if (r >= 0)
                        r = cgf_keyed(s, "system_usec", &sys);
                if (r < 0)
                        return r;
                *ret_user_ns = user * NSEC_PER_USEC;
                *ret_system_ns = sys * NSEC_PER_USEC;
                return 0;
        }
        /* Nanoseconds where the kernel has them (4.7+), else USER_HZ ticks. */
        r = knob_read_u64(K_CPUACCT_USER, rel, &user);
        if (r == -EOPNOTSUPP)
                return usage_split_v1_ticks(rel, ret_user_ns, ret_system_ns);
        if (r >= 0)
                r = knob_read_u64(K_CPUACCT_SYSTEM, rel, &sys);
        if (r < 0)
                return r;
        *ret_user_ns = user;
        *ret_system_ns = sys;
        return 0;
}

int cg_cpu_wait(const char *rel, uint64_t *ret_ns)
{
        int r;

        r = knob_read_u64(K_CPUACCT_WAIT, rel, ret_ns);
        if (r != -EOPNOTSUPP || cg_is_v2())
                return r;
        /* The group's own wait time, kept by kernels with schedstats on. */
        r = knob_read_keyed(K_CPU_STAT, rel, "wait_sum", ret_ns);
        return r == -ENODATA ? -EOPNOTSUPP : r;
}

int cg_cpu_throttling(const char *rel, struct cg_cpu_throttling *ret)
{
        _cleanup_free_ char *s = NULL;
        struct cg_cpu_throttling t;
        uint64_t throttled;
        int r;

        r = knob_read(K_CPU_STAT, rel, &s);
        if (r < 0)
                return r;
        r = cgf_keyed(s, "nr_periods", &t.nr_periods);
        if (r >= 0)
                r = cgf_keyed(s, "nr_throttled", &t.nr_throttled);
        if (r >= 0)
                r = cgf_keyed(s, cg_is_v2() ? "throttled_usec" : "throttled_time", &throttled);
        if (r == -ENODATA)
                return -EOPNOTSUPP; /* v2 core cpu.stat without the cpu controller */
        if (r < 0)
                return r;
        t.throttled_ns = cg_is_v2() ? throttled * NSEC_PER_USEC : throttled;
        *ret = t;
        return 0;
}

/* ---- cpuset --------------------------------------------------------------------- */

static int cpuset_set(enum knob k, const char *rel, const char *list)
{
        _cleanup_free_ char *parent = NULL, *pval = NULL, *own = NULL;
        int r;

        if (!isempty(list))
                return knob_write(k, rel, list);
        if (cg_is_v2())
                return knob_write(k, rel, "\n"); /* empty: follow the parent */
        /* v1: an empty cpuset refuses tasks; copy the parent's. */
        r = knob_resolve(k, rel, &own);
        if (r < 0)
                return r;
        *strrchr(own, '/') = 0;
        parent = strdup_printf("%s/../%s", own, knobs[k].v1[0]);
        if (!parent)
                return -ENOMEM;
        r = read_file(parent, KNOB_FILE_MAX, &pval, NULL);
        if (r < 0)
                return r;
        return knob_write(k, rel, isempty(strstrip(pval)) ? "\n" : strstrip(pval));
}

static int cpuset_get(enum knob k, const char *rel, char **ret)
{
        _cleanup_free_ char *s = NULL;
        char *t;
        int r;

        r = knob_read(k, rel, &s);
        if (r < 0)
                return r;
        t = strstrip(s);
        memmove(s, t, strlen(t) + 1);
        *ret = TAKE_PTR(s);
        return 0;
}

int cg_set_cpuset_cpus(const char *rel, const char *list)
{
        return cpuset_set(K_CPUSET_CPUS, rel, list);
}

int cg_set_cpuset_mems(const char *rel, const char *list)
{
        return cpuset_set(K_CPUSET_MEMS, rel, list);
}

int cg_get_cpuset_cpus(const char *rel, bool effective, char **ret)
{
        return cpuset_get(effective ? K_CPUSET_EFF_CPUS : K_CPUSET_CPUS, rel, ret);
}

int cg_get_cpuset_mems(const char *rel, bool effective, char **ret)
{
        return cpuset_get(effective ? K_CPUSET_EFF_MEMS : K_CPUSET_MEMS, rel, ret);
}

/* ---- pids --------------------------------------------------------------------- */

int cg_set_pids_limit(const char *rel, uint64_t max)
{
        return knob_write_limit(K_PIDS_MAX, rel, max);
}

int cg_get_pids_limit(const char *rel, uint64_t *ret)
{
        return knob_read_limit(K_PIDS_MAX, rel, ret);
}

int cg_pids_current(const char *rel, uint64_t *ret)
{
        return knob_read_u64(K_PIDS_CURRENT, rel, ret);
}

/* ---- block io ---------------------------------------------------------------- */

int cg_io_stat(const char *rel, struct cg_io_stat **ret, size_t *ret_n)
{
        _cleanup_free_ char *bytes = NULL, *ops = NULL;
        _cleanup_free_ struct cg_io_stat *v = NULL;
        size_t n = 0;
        int r;

        r = knob_read(K_IO_BYTES, rel, &bytes);
        if (r < 0)
                return r;
        if (cg_is_v2())
                r = cgf_parse_io_stat(bytes, &v, &n);
        else {
                r = knob_read(K_IO_OPS, rel, &ops);
                if (r >= 0)
                        r = cgf_parse_blkio_rwstat(bytes, false, &v, &n);
                if (r >= 0)
                        r = cgf_parse_blkio_rwstat(ops, true, &v, &n);
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(v);
        *ret_n = n;
        return 0;
}

int cg_io_time(const char *rel, struct cg_io_time **ret, size_t *ret_n)
{
        _cleanup_free_ char *s = NULL;
        _cleanup_free_ struct cg_io_time *v = NULL;
        size_t n = 0;
        int r;

        r = knob_read(K_IO_TIME, rel, &s);
        if (r < 0)
                return r;
        r = cgf_parse_blkio_time(s, &v, &n);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(v);
        *ret_n = n;
        return 0;
}

static const enum knob io_limit_knobs[CGF_IO_LIMIT_FIELD_MAX] = {
        [CGF_READ_BPS] = K_IO_READ_BPS,
        [CGF_WRITE_BPS] = K_IO_WRITE_BPS,
        [CGF_READ_IOPS] = K_IO_READ_IOPS,
        [CGF_WRITE_IOPS] = K_IO_WRITE_IOPS,
};

static const char *const io_max_keys[CGF_IO_LIMIT_FIELD_MAX] = {
        [CGF_READ_BPS] = "rbps",
        [CGF_WRITE_BPS] = "wbps",
        [CGF_READ_IOPS] = "riops",
        [CGF_WRITE_IOPS] = "wiops",
};

static int io_limit_write(const char *rel, dev_t dev, enum cgf_io_limit_field f, uint64_t value)
{
        char buf[128];

        if (cg_is_v2()) {
                if (value)
                        snprintf(buf, sizeof(buf), "%u:%u %s=%" PRIu64, major(dev), minor(dev), io_max_keys[f], value);
                else
                        snprintf(buf, sizeof(buf), "%u:%u %s=max", major(dev), minor(dev), io_max_keys[f]);
        } else /* 0 deletes the rule */
                snprintf(buf, sizeof(buf), "%u:%u %" PRIu64, major(dev), minor(dev), value);
        return knob_write(io_limit_knobs[f], rel, buf);
}

int cg_set_io_limit(const char *rel, dev_t dev, bool ops, enum cg_io_dir dirs, uint64_t value)
{
        int r;

        if (!(dirs & CG_IO_RW) || (dirs & ~CG_IO_RW))
                return -EINVAL;
        if (dirs & CG_IO_READ) {
                r = io_limit_write(rel, dev, ops ? CGF_READ_IOPS : CGF_READ_BPS, value);
                if (r < 0)
                        return r;
        }
        if (dirs & CG_IO_WRITE)
                return io_limit_write(rel, dev, ops ? CGF_WRITE_IOPS : CGF_WRITE_BPS, value);
        return 0;
}

int cg_get_io_limits(const char *rel, struct cg_io_limit **ret, size_t *ret_n)
{
        _cleanup_free_ struct cg_io_limit *v = NULL;
        size_t n = 0;
        int r;

        for (unsigned f = 0; f < CGF_IO_LIMIT_FIELD_MAX; f++) {
                _cleanup_free_ char *s = NULL;

                r = knob_read(io_limit_knobs[f], rel, &s);
                if (r < 0)
                        return r;
                if (cg_is_v2()) /* one file has them all */
                        return cgf_parse_io_max(s, ret, ret_n);
                r = cgf_parse_blkio_throttle(s, (enum cgf_io_limit_field) f, &v, &n);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(v);
        *ret_n = n;
        return 0;
}

int cg_set_io_fs_limit(const char *rel, bool ops, uint64_t value)
{
        return knob_write_u64(ops ? K_IO_FS_IOPS : K_IO_FS_BPS, rel, value);
}

int cg_get_io_fs_limit(const char *rel, bool ops, uint64_t *ret)
{
        return knob_read_u64(ops ? K_IO_FS_IOPS : K_IO_FS_BPS, rel, ret);
}

/* A weight knob: its range and how our blkio.weight scale maps to it. */
struct io_weight_knob {
        enum knob knob;
        uint64_t min, max, div;
        bool v2_default;        /* written as "default N" */
};

static const struct io_weight_knob io_weight_knobs[] = {
        { K_IO_WEIGHT_CFQ, 10, 1000, 1, false },
        { K_IO_WEIGHT_BFQ, 1, 1000, 5, false },
        { K_IO_WEIGHT_V2, 1, 10000, 5, true },
};

int cg_set_io_weight(const char *rel, uint64_t weight)
{
        int r, ret = -EOPNOTSUPP;

        for (size_t i = 0; i < ELEMENTSOF(io_weight_knobs); i++) {
                const struct io_weight_knob *w = &io_weight_knobs[i];
                uint64_t v = MIN(MAX(weight / w->div, w->min), w->max);
                char buf[48];

                snprintf(buf, sizeof(buf), "%s%" PRIu64, w->v2_default ? "default " : "", v);
                r = knob_write(w->knob, rel, buf);
                if (r == -EOPNOTSUPP)
                        continue;
                if (r < 0)
                        return r;
                ret = 0;
        }
        return ret;
}

int cg_get_io_weight(const char *rel, uint64_t *ret)
{
        for (size_t i = 0; i < ELEMENTSOF(io_weight_knobs); i++) {
                _cleanup_free_ char *s = NULL;
                uint64_t v;
                int r;

                r = knob_read(io_weight_knobs[i].knob, rel, &s);
                if (r == -EOPNOTSUPP)
                        continue;
                if (r < 0)
                        return r;
                r = cgf_parse_weight(s, &v);
                if (r < 0)
                        return r;
                *ret = v * io_weight_knobs[i].div;
                return 0;
        }
        return -EOPNOTSUPP;
}

/* ---- disks ------------------------------------------------------------------------ */

static int read_devnum(const char *path, dev_t *ret)
{
        _cleanup_free_ char *s = NULL;
        const char *p;
        dev_t dev;
        int r;

        r = read_line(path, &s);
        if (r < 0)
                return r;
        p = strstrip(s);
        if (cgf_parse_devnum(&p, &dev) < 0 || *p)
                return -EBADMSG;
        *ret = dev;
        return 0;
}

/* The whole disk of a block device (a partition's parent). */
static int whole_disk(dev_t dev, dev_t *ret)
{
        _cleanup_free_ char *sys = strdup_printf("/sys/dev/block/%u:%u", major(dev), minor(dev));
        _cleanup_free_ char *part = NULL, *parent = NULL;

        if (!sys)
                return -ENOMEM;
        if (access(sys, F_OK) < 0)
                return -ENODEV;
        part = strdup_printf("%s/partition", sys);
        if (!part)
                return -ENOMEM;
        if (access(part, F_OK) < 0) {
                *ret = dev;
                return 0;
        }
        parent = strdup_printf("%s/../dev", sys);
        if (!parent)
                return -ENOMEM;
        return read_devnum(parent, ret);
}

int cg_io_disk_by_name(const char *name, dev_t *ret)
{
        _cleanup_free_ char *path = NULL;
        const char *p = name;
        dev_t dev;
        int r;

        if (isempty(name) || strchr(name, '/') || streq(name, ".") || streq(name, ".."))
                return -EINVAL;
        if (cgf_parse_devnum(&p, &dev) >= 0 && !*p)
                return whole_disk(dev, ret);
        path = strdup_printf("/sys/class/block/%s/dev", name);
        if (!path)
                return -ENOMEM;
        r = read_devnum(path, &dev);
        if (r == -ENOENT)
                return -ENODEV;
        if (r < 0)
                return r;
        return whole_disk(dev, ret);
}

int cg_io_disk_of_path(const char *path, dev_t *ret)
{
        struct stat st;

        if (isempty(path))
                return -EINVAL;
        if (stat(path, &st) < 0)
                return -errno;
        /* Major 0: an anonymous device (tmpfs, overlayfs, btrfs subvolume). */
        if (major(st.st_dev) == 0)
                return -ENODEV;
        return whole_disk(st.st_dev, ret);
}

int cg_io_disk_of_fd(int fd, dev_t *ret)
{
        struct stat st;

        if (fstat(fd, &st) < 0)
                return -errno;
        if (major(st.st_dev) == 0)
                return -ENODEV;
        return whole_disk(st.st_dev, ret);
}

int cg_io_disk_name(dev_t dev, char **ret)
{
        _cleanup_free_ char *sys = strdup_printf("/sys/dev/block/%u:%u", major(dev), minor(dev));
        char target[PATH_MAX], *base, *name;
        ssize_t n;

        if (!sys)
                return -ENOMEM;
        n = readlink(sys, target, sizeof(target) - 1);
        if (n < 0)
                return errno == ENOENT ? -ENODEV : -errno;
        target[n] = 0;
        base = strrchr(target, '/');
        name = strdup(base ? base + 1 : target);
        if (!name)
                return -ENOMEM;
        *ret = name;
        return 0;
}

/* ---- hugetlb ---------------------------------------------------------------------- */

int cg_set_hugetlb_limit(const char *rel, uint64_t bytes)
{
        return knob_write_limit(K_HUGETLB_LIMIT, rel, bytes);
}

int cg_get_hugetlb_limit(const char *rel, uint64_t *ret)
{
        return knob_read_limit(K_HUGETLB_LIMIT, rel, ret);
}

int cg_hugetlb_usage(const char *rel, uint64_t *ret)
{
        return knob_read_u64(K_HUGETLB_USAGE, rel, ret);
}

/* ---- raw knobs ---------------------------------------------------------------------- */

static const struct {
        const char *prefix;
        enum cg_controller ctl;
} knob_prefixes[] = {
        { "memory", CG_MEMORY }, { "cpu", CG_CPU },         { "cpuacct", CG_CPUACCT },
        { "cpuset", CG_CPUSET }, { "blkio", CG_BLKIO },     { "io", CG_BLKIO },
        { "pids", CG_PIDS },     { "hugetlb", CG_HUGETLB }, { "freezer", CG_FREEZER },
        { "devices", CG_DEVICES }, { "net_cls", CG_NET_CLS },
};

/* The hierarchy holding "<prefix>.*" files. On v2 every controller shares
 * one directory, and core files (cgroup.*, cpu.stat) exist without their
 * controller: any supported one will do. */
static int knob_controller(const char *name, enum cg_controller *ret)
{
        size_t n = strcspn(name, ".");

        if (n == 0 || !name[n] || !name[n + 1])
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(knob_prefixes); i++)
                if (strlen(knob_prefixes[i].prefix) == n && strncmp(name, knob_prefixes[i].prefix, n) == 0) {
                        if (cg_supported(knob_prefixes[i].ctl) || !cg_is_v2()) {
                                *ret = knob_prefixes[i].ctl;
                                return 0;
                        }
                        break;
                }
        if (!(n == 6 && strncmp(name, "cgroup", 6) == 0) && !cg_is_v2())
                return -EINVAL;
        for (unsigned c = 0; c < CG_CONTROLLER_MAX; c++)
                if (cg_supported(c)) {
                        *ret = (enum cg_controller) c;
                        return 0;
                }
        return -EOPNOTSUPP;
}

/* Read what the fd has (up to max bytes, -EFBIG beyond) into a string. */
static int read_fd_all(int fd, size_t max, char **ret)
{
        struct strbuf b = STRBUF_INIT;
        char chunk[4096];
        int r = 0;

        for (;;) {
                ssize_t n = read(fd, chunk, sizeof(chunk));

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        break;
                }
                if (n == 0)
                        break;
                if (b.len + (size_t) n > max) {
                        r = -EFBIG;
                        break;
                }
                r = strbuf_append_n(&b, chunk, (size_t) n);
                if (r < 0)
                        break;
        }
        if (r < 0) {
                strbuf_free(&b);
                return r;
        }
        *ret = strbuf_steal(&b);
        return 0;
}

static bool knob_name_valid(const char *name)
{
        if (isempty(name) || strchr(name, '/') || strstr(name, ".."))
                return false;
        for (const char *p = name; *p; p++)
                if ((unsigned char) *p < 0x20 || *p == 0x7f)
                        return false;
        return true;
}

int cg_read_knob(const char *rel, const char *name, char **ret)
{
        _cleanup_free_ char *dir = NULL, *path = NULL;
        _cleanup_close_ int fd = -EBADF;
        enum cg_controller c;
        struct stat st;
        int r;

        if (!knob_name_valid(name))
                return -EINVAL;
        r = knob_controller(name, &c);
        if (r < 0)
                return r;
        r = cg_path(c, rel, &dir);
        if (r < 0)
                return r;
        r = path_join(dir, name, &path);
        if (r < 0)
                return r;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
        if (fd < 0)
                return errno == ENOENT ? missing_knob(dir) : errno == ELOOP ? -EINVAL : -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -EINVAL;
        return read_fd_all(fd, KNOB_FILE_MAX, ret);
}
