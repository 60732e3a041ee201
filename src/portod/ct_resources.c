/* Resource limits of a container applied to its cgroups: which controllers
 * it gets (manual "CGROUPS"), the limits written at start, the scheduler
 * policy of its tasks and the OOM watch of its memory cgroup. The property
 * side (parsing, live changes) is in prop_resources.c. */
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/epoll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <unistd.h>
#include "container.h"
#include "prop.h"
#include "system.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "shared/cgroup.h"

uint64_t host_memory_total(void)
{
        struct sysinfo si;

        if (sysinfo(&si) < 0)
                return 0;
        return (uint64_t)si.totalram * si.mem_unit;
}

unsigned host_ncpus(void)
{
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        return n > 0 ? (unsigned)n : 1;
}

#define BIT(c) (1u << (c))

/* Controllers implied by explicitly configured limits (deeper levels). */
static unsigned implied_mask(const struct container *ct)
{
        unsigned m = 0;

        if (ct->cpu_limit || ct->cpu_guarantee || ct->cpu_policy != RES_CPU_POLICY_NORMAL ||
            ct->cpu_weight != 1.0 || ct->cpu_period != RES_CPU_PERIOD_DEFAULT)
                m |= BIT(CG_CPU);
        if (ct->cpu_set)
                m |= BIT(CG_CPUSET);
        if (ct_devices_wanted(ct))
                m |= BIT(CG_DEVICES);
        if (ct->thread_limit)
                m |= BIT(CG_PIDS);
        if (ct->hugetlb_limit)
                m |= BIT(CG_HUGETLB);
        if (ct->io_limit.n || ct->io_ops_limit.n || ct->io_policy != RES_IO_POLICY_NONE || ct->io_weight != 1.0)
                m |= BIT(CG_BLKIO);
        return m;
}

/* A sibling reserving cpus takes them from the others' sets, which needs
 * a cpuset cgroup of their own (those started before keep the parent's). */
static bool sibling_reserves(const struct container *ct)
{
        const struct container *p = ct->parent;

        for (size_t i = 0; p && i < p->n_children; i++)
                if (p->children[i] != ct && ct_cpuset_reserves(p->children[i]))
                        return true;
        return false;
}

/* Controllers of the container's own configuration (deeper levels). */
static unsigned own_config_mask(const struct container *ct)
{
        unsigned m = BIT(CG_FREEZER) | BIT(CG_MEMORY) | BIT(CG_CPUACCT) | implied_mask(ct) | ct->cg_requested;

        return sibling_reserves(ct) ? m | BIT(CG_CPUSET) : m;
}

/* A cgroup needs its parent's in the same hierarchy: what the subtree
 * below needs, the container needs too. */
static unsigned subtree_config_mask(const struct container *ct)
{
        unsigned m = 0;

        for (size_t i = 0; i < ct->n_children; i++)
                m |= own_config_mask(ct->children[i]) | subtree_config_mask(ct->children[i]);
        return m;
}

unsigned ct_cg_config_mask(const struct container *ct)
{
        unsigned m;

        /* v2: a task is in one cgroup of the single hierarchy, which has
         * every enabled controller: sharing the parent's is impossible */
        if (ct_is_root(ct) || cg_is_v2())
                return cg_supported_mask();
        m = ct->level == 1 ? cg_supported_mask() : own_config_mask(ct) | subtree_config_mask(ct);
        /* the freezer manages the container: never disabled */
        m &= ~(ct->cg_disabled & ~BIT(CG_FREEZER));
        return m & cg_supported_mask();
}

void ct_cg_restore_started(struct container *ct)
{
        unsigned m = 0;

        for (int c = 0; c < CG_CONTROLLER_MAX; c++)
                if (cg_supported(c) && cg_exists(c, ct->name))
                        m |= BIT(c);
        ct->cg_started = m;
}

int ct_cg_check_parent(const struct container *ct, struct perror *e)
{
        const struct container *p = ct->parent;
        unsigned missing;

        if (!p || ct_is_root(p))
                return 0;
        missing = ct_cg_config_mask(ct) & ~ct_cg_mask(p);
        for (int c = 0; c < CG_CONTROLLER_MAX; c++)
                if (missing & BIT(c))
                        return perror_set(e, EERROR_INVALID_STATE, -EBUSY,
                                          "%s needs a %s cgroup, which its parent %s lacks (%s): stop the parent "
                                          "or set controllers[%s]=true on it before its start",
                                          ct->name, cg_controller_to_string(c), p->name,
                                          p->cg_disabled & BIT(c) ? "disabled there" : "it started without",
                                          cg_controller_to_string(c));
        return 0;
}

static bool has_own(const struct container *ct, enum cg_controller c)
{
        return !ct_is_root(ct) && (ct_cg_mask(ct) & BIT(c));
}

/* The manual: first-level default max(Total - margin, Total * 3/4), the
 * margin (2G) from the config. */
uint64_t ct_memory_limit_default(void)
{
        uint64_t total = host_memory_total();
        uint64_t margin = config->memory_limit_margin;
        uint64_t a = total > margin ? total - margin : 0;
        return MAX(a, total / 4 * 3);
}

uint64_t ct_memory_guarantee_total(const struct container *ct)
{
        uint64_t sum = 0;

        for (size_t i = 0; i < ct->n_children; i++)
                if (ct->children[i]->state != CT_STOPPED)
                        sum += ct_memory_guarantee_total(ct->children[i]);
        return MAX(ct_is_root(ct) ? 0 : ct->memory_guarantee, sum);
}

/* "Hugetlb:" of /proc/meminfo: memory in huge pages of every size. */
uint64_t host_hugetlb_total(void)
{
        _cleanup_free_ char *data = NULL;
        unsigned long long kb;
        const char *line;

        if (read_file("/proc/meminfo", 65536, &data, NULL) < 0 || !(line = strstr(data, "\nHugetlb:")))
                return 0;
        return sscanf(line, "\nHugetlb: %llu kB", &kb) == 1 ? (uint64_t)kb * 1024 : 0;
}

uint64_t ct_memory_guarantee_available(void)
{
        uint64_t total = host_memory_total(), taken = host_hugetlb_total() + config->memory_guarantee_reserve;
        return total > taken ? total - taken : 0;
}

int ct_memory_overcommit_check(const struct container *ct, const struct request *req, struct perror *e)
{
        uint64_t total, avail;

        if (ct->level != 1 || !req || !req->client || req->client->superuser)
                return 0;
        total = ct_memory_guarantee_total(ct_root);
        avail = ct_memory_guarantee_available();
        if (total <= avail)
                return 0;
        return perror_set(e, EERROR_RESOURCE_NOT_AVAILABLE, -ENOSPC,
                          "memory guarantees are overcommitted (%" PRIu64 " bytes of %" PRIu64 " available): "
                          "only the super-user may start first-level containers now, %s is one", total, avail,
                          ct->name);
}

int ct_memory_guarantee_check(struct container *ct, uint64_t want, struct perror *e)
{
        uint64_t old = ct->memory_guarantee, total, avail = ct_memory_guarantee_available();
        enum ct_state old_state = ct->state;

        if (!want)
                return 0;
        /* the tree as it would be: this container counted with want */
        ct->memory_guarantee = want;
        if (ct->state == CT_STOPPED)
                ct->state = CT_STARTING;
        total = ct_memory_guarantee_total(ct_root);
        ct->memory_guarantee = old;
        ct->state = old_state;
        if (total <= avail)
                return 0;
        return perror_set(e, EERROR_RESOURCE_NOT_AVAILABLE, -ENOSPC,
                          "memory_guarantee: overcommit: %s would bring the guarantees to %" PRIu64
                          " bytes, %" PRIu64 " are available (host memory - hugetlb - reserve %" PRIu64 ")",
                          ct->name, total, avail, config->memory_guarantee_reserve);
}

uint64_t ct_memory_limit(const struct container *ct)
{
        if (ct->memory_limit || ct->level != 1 || prop_name_is_set(ct, "memory_limit"))
                return ct->memory_limit;
        return ct_memory_limit_default();
}

uint64_t ct_thread_limit(const struct container *ct)
{
        if (ct->thread_limit || ct->level != 1 || prop_name_is_set(ct, "thread_limit"))
                return ct->thread_limit;
        return CT_FIRST_LEVEL_THREAD_LIMIT;
}

static int apply_failed(struct container *ct, const char *what, int r, struct perror *e)
{
        return perror_set_errno(e, r == -EOPNOTSUPP ? EERROR_NOT_SUPPORTED : EERROR_UNKNOWN, r,
                                "%s: cannot apply %s", ct->name, what);
}

int ct_io_key_disk(const struct container *ct, const struct res_io_limit *key, dev_t *ret)
{
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (key->type == RES_IO_TARGET_DISK)
                return cg_io_disk_by_name(key->target, ret);
        if (key->target[0] != '.')
                return cg_io_disk_of_path(key->target, ret);
        /* the manual: "." and "./x" are paths in the container's root (as
         * it sees it while running: its binds and volumes count) */
        r = ct_open_in_root(ct, key->target[1] ? key->target + 1 : "/", O_PATH | O_CLOEXEC, &fd);
        return r < 0 ? r : cg_io_disk_of_fd(fd, ret);
}

static const enum cg_io_dir io_dirs[RES_IO_DIR_MAX] = {
        [RES_IO_RW] = CG_IO_RW,
        [RES_IO_READ] = CG_IO_READ,
        [RES_IO_WRITE] = CG_IO_WRITE,
};

static int io_write_one(struct container *ct, const struct res_io_limit *l, bool ops, uint64_t value,
                        struct perror *e)
{
        const char *prop = ops ? "io_ops_limit" : "io_limit";
        dev_t dev;
        int r;

        if (l->type == RES_IO_TARGET_FS)
                r = cg_set_io_fs_limit(ct->name, ops, value);
        else {
                r = ct_io_key_disk(ct, l, &dev);
                if (r < 0)
                        return perror_set_errno(e, EERROR_INVALID_VALUE, r, "%s: \"%s\": no such disk", prop,
                                                l->target);
                r = cg_set_io_limit(ct->name, dev, ops, io_dirs[l->dir], value);
        }
        if (r == -EOPNOTSUPP)
                return perror_set(e, EERROR_NOT_SUPPORTED, r, "%s: %s", prop,
                                  cg_feature_reason(l->type == RES_IO_TARGET_FS ? CG_FEAT_IO_FS_LIMIT
                                                                                : CG_FEAT_IO_LIMIT));
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "%s: cannot apply \"%s\"", prop, l->key);
        return 0;
}

int ct_apply_io_limits(struct container *ct, const struct res_io_limits *l, bool ops,
                       const struct res_io_limits *old, struct perror *e)
{
        int r;

        for (size_t i = 0; old && i < old->n; i++) {
                bool kept = false;
                for (size_t j = 0; j < l->n && !kept; j++)
                        kept = streq(l->v[j].key, old->v[i].key);
                if (!kept && (r = io_write_one(ct, &old->v[i], ops, 0, e)) < 0)
                        return r;
        }
        for (size_t i = 0; i < l->n; i++)
                if ((r = io_write_one(ct, &l->v[i], ops, l->v[i].value, e)) < 0)
                        return r;
        return 0;
}

#define OOM_RECHECK_MS 20
#define OOM_RECHECKS 100

static void oom_recheck(void *userdata);

void ct_count_oom(struct container *ct)
{
        if (!ct->oom_killed)
                sys_stats->container_oom++;
        ct->oom_killed = true;
}

/* The v1 notification comes when the cgroup hits OOM, before the kill is
 * counted: look again for a while. */
static void oom_check(struct container *ct)
{
        if (ct->oom_killed)
                return;
        if (!ct_oom_happened(ct)) {
                if (!ct->oom_timer && ct->oom_rechecks < OOM_RECHECKS && ct->oom_fd >= 0) {
                        ct->oom_rechecks++;
                        ct->oom_timer = loop_timer_add(OOM_RECHECK_MS, oom_recheck, ct);
                }
                return;
        }
        /* oom_is_fatal (the default): the whole container goes */
        if (!ct->oom_is_fatal) {
                log_info("%s: OOM kill in the memory cgroup (oom_is_fatal=false)", ct->name);
                return;
        }
        log_info("%s: OOM kill in the memory cgroup, killing the container", ct->name);
        ct_count_oom(ct);
        if (ct->state == CT_RUNNING || ct->state == CT_META) {
                int r = cg_kill_all(ct->name, SIGKILL);
                if (r < 0)
                        log_warning_errno(r, "%s: cannot kill after OOM: %m", ct->name);
        }
}

static void oom_recheck(void *userdata)
{
        struct container *ct = userdata;

        ct->oom_timer = NULL;
        oom_check(ct);
}

static void oom_event(int fd, uint32_t events _unused_, void *userdata)
{
        struct container *ct = userdata;

        cg_memory_oom_event_drain(fd);
        ct->oom_rechecks = 0;
        oom_check(ct);
}

void ct_oom_watch_open(struct container *ct)
{
        int fd, r;

        if (ct->oom_fd >= 0 || !has_own(ct, CG_MEMORY) || !cg_has_feature(CG_FEAT_OOM_EVENTS))
                return;
        r = cg_memory_oom_event_open(ct->name, &fd);
        if (r < 0) {
                log_warning_errno(r, "%s: cannot watch OOM events: %m", ct->name);
                return;
        }
        r = loop_add_io(fd, EPOLLIN, oom_event, ct);
        if (r < 0) {
                log_warning_errno(r, "%s: cannot watch OOM events: %m", ct->name);
                close(fd);
                return;
        }
        ct->oom_fd = fd;
        /* re-attached: an OOM while no worker watched */
        if (ct_oom_happened(ct))
                oom_check(ct);
}

/* At start: kills from now on count (a respawn keeps the cgroup). */
static void oom_watch_start(struct container *ct)
{
        ct->oom_kills_base = 0;
        if (has_own(ct, CG_MEMORY) && cg_has_feature(CG_FEAT_OOM_EVENTS))
                cg_memory_oom_kills(ct->name, &ct->oom_kills_base);
        ct_oom_watch_open(ct);
}

void ct_oom_watch_stop(struct container *ct)
{
        if (ct->oom_timer) {
                loop_timer_cancel(ct->oom_timer);
                ct->oom_timer = NULL;
        }
        if (ct->oom_fd < 0)
                return;
        loop_del_io(ct->oom_fd);
        ct->oom_fd = safe_close(ct->oom_fd);
}

bool ct_oom_happened(struct container *ct)
{
        uint64_t n;

        if (!has_own(ct, CG_MEMORY) || cg_memory_oom_kills(ct->name, &n) < 0)
                return false;
        return n > ct->oom_kills_base;
}

static int apply_memory(struct container *ct, struct perror *e)
{
        uint64_t limit = ct_memory_limit(ct);
        int r;

        r = ct_memory_guarantee_check(ct, ct->memory_guarantee, e);
        if (r < 0)
                return r;
        if (!has_own(ct, CG_MEMORY))
                return 0;
        r = cg_set_memory_limit(ct->name, limit);
        if (r < 0)
                return apply_failed(ct, "memory_limit", r, e);
        /* a respawn keeps the cgroup: undo pressurize_on_death */
        if (cg_has_feature(CG_FEAT_MEMORY_SOFT_LIMIT) && (r = cg_set_memory_soft_limit(ct->name, 0)) < 0)
                return apply_failed(ct, "pressurize_on_death", r, e);
        if (cg_has_feature(CG_FEAT_MEMORY_GUARANTEE) && (r = cg_set_memory_guarantee(ct->name, ct->memory_guarantee)) < 0)
                return apply_failed(ct, "memory_guarantee", r, e);
        oom_watch_start(ct);
        return 0;
}

uint64_t ct_cpu_limit_bound(const struct container *ct)
{
        uint64_t bound = 0;

        for (; ct && !ct_is_root(ct); ct = ct->parent)
                if (ct->cpu_limit && (!bound || ct->cpu_limit < bound))
                        bound = ct->cpu_limit;
        return bound;
}

static bool cpu_cgroup_live(const struct container *ct)
{
        return !ct_is_root(ct) && (ct->cg_started & BIT(CG_CPU));
}

/* One pass over the live cpu cgroups of the subtree: top-down (a raised
 * bound must reach the parent before the children) or bottom-up (a lowered
 * one the children first). The first error is kept, the walk goes on. */
static int cpu_limit_pass(struct container *ct, bool top_down)
{
        int r = 0, k;

        if (top_down && cpu_cgroup_live(ct))
                r = cg_set_cpu_limit(ct->name, ct_cpu_limit_bound(ct), ct->cpu_period);
        for (size_t i = 0; i < ct->n_children; i++)
                if ((k = cpu_limit_pass(ct->children[i], top_down)) < 0 && r >= 0)
                        r = k;
        if (!top_down && cpu_cgroup_live(ct) &&
            (k = cg_set_cpu_limit(ct->name, ct_cpu_limit_bound(ct), ct->cpu_period)) < 0 && r >= 0)
                r = k;
        return r;
}

int ct_apply_cpu_limit_tree(struct container *ct)
{
        /* v1 refuses a child quota above its parent's (-EINVAL): top-down
         * settles every raised bound, bottom-up then every lowered one */
        (void) cpu_limit_pass(ct, true);
        return cpu_limit_pass(ct, false);
}

/* ---- RT runtime: cpu_policy=rt where the kernel has RT group scheduling ----
 *
 * There the kernel refuses SCHED_RR in a cpu cgroup without rt runtime, and
 * the runtimes of a cgroup's children must fit in its own (no overcommit).
 * Scheme: the budget is what our root cgroup may hold (cg_cpu_rt_budget:
 * its parent's runtime minus what other daemons hold; 950ms of 1s on a
 * default host). Every live rt container gets a share of it: with a
 * cpu_limit (its own or an ancestor's) that fraction of the host's cpus,
 * as original Porto did (1c of 2 cpus: half the period), scaled down if
 * those do not fit together; the ones without a limit share equally what
 * is left (one alone gets the whole budget). Each cpu cgroup from our root
 * down holds its own share plus its children's; stopped, dead, meta and
 * non-rt containers hold nothing. The plan is recomputed when an rt
 * container starts, dies or stops and on live cpu_policy/cpu_limit
 * changes: shrinks are written bottom-up first, then growths top-down, so
 * every write fits. A container left without a share (budget taken) runs
 * with nice -20 only, with a warning. */

#define RT_MIN_US UINT64_C(1000)

struct rt_plan {
        uint64_t period_us;
        uint64_t budget_us;
        uint64_t limited_us;    /* sum of the wanted shares of limited containers */
        unsigned n_free;        /* rt containers without a cpu limit */
};

static bool rt_holder(const struct container *ct)
{
        return ct->cpu_policy == RES_CPU_POLICY_RT && !ct->is_meta && cpu_cgroup_live(ct) &&
               (ct->state == CT_STARTING || ct->state == CT_RUNNING || ct->state == CT_PAUSED);
}

/* 0: no cpu limit applies. */
static uint64_t rt_wanted_us(const struct container *ct, const struct rt_plan *p)
{
        uint64_t bound = ct_cpu_limit_bound(ct), all = (uint64_t)host_ncpus() * UINT64_C(1000000000), us;

        if (!bound)
                return 0;
        us = (uint64_t)((unsigned __int128)MIN(bound, all) * p->period_us / all);
        return MAX(us, RT_MIN_US);
}

static void rt_plan_count(const struct container *ct, struct rt_plan *p)
{
        if (rt_holder(ct)) {
                uint64_t want = rt_wanted_us(ct, p);
                if (want)
                        p->limited_us += want;
                else
                        p->n_free++;
        }
        for (size_t i = 0; i < ct->n_children; i++)
                rt_plan_count(ct->children[i], p);
}

static uint64_t rt_share_us(const struct container *ct, const struct rt_plan *p)
{
        uint64_t want;

        if (!rt_holder(ct))
                return 0;
        want = rt_wanted_us(ct, p);
        if (!want)
                return (p->budget_us - MIN(p->limited_us, p->budget_us)) / p->n_free;
        if (p->limited_us > p->budget_us)
                want = (uint64_t)((unsigned __int128)want * p->budget_us / p->limited_us);
        return want;
}

static uint64_t rt_target_us(const struct container *ct, const struct rt_plan *p)
{
        uint64_t sum = rt_share_us(ct, p);

        for (size_t i = 0; i < ct->n_children; i++)
                if (cpu_cgroup_live(ct->children[i]))
                        sum += rt_target_us(ct->children[i], p);
        return sum;
}

/* Shrink pass (grow=false, children first) or grow pass (parents first)
 * over our root and the live cpu cgroups below. A cgroup without runtime
 * has none below; one whose target is 0 needs none below. */
static int rt_pass(struct container *ct, const struct rt_plan *p, bool grow)
{
        uint64_t cur, period, target = rt_target_us(ct, p) * 1000;
        const char *rel = ct_cg_rel(ct);
        int r = cg_get_cpu_rt(rel, &cur, &period), k;

        if (r < 0)
                return r;
        if (grow && target > cur && (r = cg_set_cpu_rt(rel, target, p->period_us * 1000)) < 0)
                return r;
        if (grow ? target == 0 : cur == 0)
                return 0;
        for (size_t i = 0; i < ct->n_children; i++)
                if (cpu_cgroup_live(ct->children[i]) && (k = rt_pass(ct->children[i], p, grow)) < 0 && r >= 0)
                        r = k;
        if (!grow && target < cur && (k = cg_set_cpu_rt(rel, target, p->period_us * 1000)) < 0 && r >= 0)
                r = k;
        return r;
}

void ct_rt_sync(void)
{
        struct rt_plan p = {};
        uint64_t cur, period, budget;
        int r;

        if (!cg_has_feature(CG_FEAT_CPU_RT))
                return;
        r = cg_get_cpu_rt("", &cur, &period);
        if (r < 0) {
                log_warning_errno(r, "cannot read the rt runtime of the daemon's cgroup: %m");
                return;
        }
        p.period_us = period / 1000;
        rt_plan_count(ct_root, &p);
        /* the common case, no rt anywhere: one read */
        if (!p.limited_us && !p.n_free && !cur)
                return;
        r = cg_cpu_rt_budget(period, &budget);
        if (r < 0) {
                log_warning_errno(r, "cannot read the rt runtime budget: %m");
                return;
        }
        p.budget_us = budget / 1000;
        r = rt_pass(ct_root, &p, false);
        if (r < 0)
                log_warning_errno(r, "cannot release rt runtime: %m");
        r = rt_pass(ct_root, &p, true);
        if (r < 0)
                log_warning_errno(r, "cannot grant rt runtime (%" PRIu64 "us of %" PRIu64 "us free): %m",
                                  p.budget_us, p.period_us);
}

void ct_rt_release(struct container *ct)
{
        uint64_t cur, period;
        int r;

        if (!cpu_cgroup_live(ct) || !cg_has_feature(CG_FEAT_CPU_RT) || cg_get_cpu_rt(ct->name, &cur, &period) < 0 ||
            !cur)
                return;
        for (size_t i = 0; i < ct->n_children; i++)
                ct_rt_release(ct->children[i]);
        r = cg_set_cpu_rt(ct->name, 0, period);
        if (r < 0)
                log_warning_errno(r, "%s: cannot release rt runtime: %m", ct->name);
}

int ct_change_cpu_policy(struct container *ct, enum res_cpu_policy p)
{
        enum res_cpu_policy old = ct->cpu_policy;
        int r;

        /* runtime before SCHED_RR; SCHED_RR gone before its runtime (the
         * kernel keeps the runtime of a cgroup with rt tasks) */
        ct->cpu_policy = p;
        if (p == RES_CPU_POLICY_RT)
                ct_rt_sync();
        r = ct_apply_cpu_policy(ct, p);
        if (r < 0) {
                ct->cpu_policy = old;
                (void) ct_apply_cpu_policy(ct, old);
        }
        if (old == RES_CPU_POLICY_RT || r < 0)
                ct_rt_sync();
        return r;
}

static int apply_cpu(struct container *ct, struct perror *e)
{
        int r;

        if (!has_own(ct, CG_CPU))
                return 0;
        r = cg_set_cpu_shares(ct->name, res_cpu_shares(ct->cpu_policy, ct->cpu_weight, ct->cpu_guarantee));
        if (r < 0 && r != -EOPNOTSUPP)
                return apply_failed(ct, "cpu_guarantee", r, e);
        if (ct->cpu_limit || cg_has_feature(CG_FEAT_CPU_LIMIT)) {
                r = cg_set_cpu_limit(ct->name, ct_cpu_limit_bound(ct), ct->cpu_period);
                if (r < 0)
                        return apply_failed(ct, "cpu_limit", r, e);
        }
        return 0;
}

/* Even an inheriting container needs it: its siblings may reserve cpus. */
static int apply_cpuset(struct container *ct, struct perror *e)
{
        if (!has_own(ct, CG_CPUSET))
                return 0;
        return ct_cpuset_distribute(ct, e);
}

static int apply_pids(struct container *ct, struct perror *e)
{
        uint64_t limit = ct_thread_limit(ct);
        int r;

        if (!has_own(ct, CG_PIDS) || (!limit && !prop_name_is_set(ct, "thread_limit")))
                return 0;
        r = cg_set_pids_limit(ct->name, limit);
        return r < 0 ? apply_failed(ct, "thread_limit", r, e) : 0;
}

static int apply_hugetlb(struct container *ct, struct perror *e)
{
        int r;

        /* a respawn keeps the cgroup: write 0 too */
        if (!has_own(ct, CG_HUGETLB) || !cg_has_feature(CG_FEAT_HUGETLB))
                return 0;
        r = cg_set_hugetlb_limit(ct->name, ct->hugetlb_limit);
        return r < 0 ? apply_failed(ct, "hugetlb_limit", r, e) : 0;
}

static int apply_io(struct container *ct, struct perror *e)
{
        int r;

        if (!has_own(ct, CG_BLKIO))
                return 0;
        r = ct_apply_io_limits(ct, &ct->io_limit, false, NULL, e);
        if (r >= 0)
                r = ct_apply_io_limits(ct, &ct->io_ops_limit, true, NULL, e);
        /* the weight where the kernel has a knob for it (io_weight refuses
         * values otherwise; io_policy still sets the ioprio) */
        if (r >= 0 && cg_has_feature(CG_FEAT_IO_WEIGHT)) {
                r = cg_set_io_weight(ct->name, res_blkio_weight(ct->io_policy, ct->io_weight));
                if (r < 0)
                        return apply_failed(ct, "io_weight", r, e);
        }
        return r;
}

int ct_resources_apply(struct container *ct, struct perror *e)
{
        static int (*const steps[])(struct container *, struct perror *) = {
                apply_memory, apply_cpu, apply_cpuset, apply_pids, apply_io, apply_hugetlb,
        };

        for (size_t i = 0; i < ELEMENTSOF(steps); i++) {
                int r = steps[i](ct, e);
                if (r < 0)
                        return r;
        }
        return 0;
}

int ct_apply_cpu_policy(struct container *ct, enum res_cpu_policy p)
{
        const struct res_cpu_policy_info *info = res_cpu_policy_info(p);
        _cleanup_free_ pid_t *pids = NULL;
        int nice = res_cpu_nice(p, ct->cpu_weight);
        size_t n = 0;
        int r;

        if (!info || info->sched_policy < 0)
                return -EOPNOTSUPP;
        r = cg_get_pids(CG_FREEZER, ct->name, true, &pids, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                struct sched_param sp = { .sched_priority = info->sched_priority };
                struct sched_param none = { 0 };
                int k = sched_setscheduler(pids[i], info->sched_policy, &sp);

                /* With RT group scheduling a cgroup without rt runtime
                 * refuses SCHED_RR (EPERM): the budget is taken (see
                 * ct_rt_sync), rt then means nice -20 only. */
                if (k < 0 && errno == EPERM && info->sched_policy == SCHED_RR) {
                        if (i == 0)
                                log_warning("%s: no rt runtime left for SCHED_RR, using nice %d", ct->name,
                                            nice);
                        k = sched_setscheduler(pids[i], SCHED_OTHER, &none);
                }
                /* tasks may exit meanwhile: ESRCH is fine */
                if (k < 0 && errno != ESRCH)
                        r = -errno;
                if (setpriority(PRIO_PROCESS, pids[i], nice) < 0 && errno != ESRCH)
                        r = -errno;
        }
        return r;
}

#define IOPRIO_WHO_PROCESS 1

int ct_apply_ioprio(struct container *ct, enum res_io_policy p)
{
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        int prio = res_io_policy_ioprio(p);
        int r = cg_get_pids(CG_FREEZER, ct->name, true, &pids, &n);

        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, pids[i], prio) < 0 && errno != ESRCH)
                        r = -errno;
        return r;
}

int ct_apply_oom_score_adj(struct container *ct, int adj)
{
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        int r = cg_get_pids(CG_FREEZER, ct->name, false, &pids, &n);

        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                char path[64], val[16];
                _cleanup_close_ int fd = -EBADF;
                snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pids[i]);
                snprintf(val, sizeof(val), "%d", adj);
                fd = open(path, O_WRONLY | O_CLOEXEC);
                if (fd < 0 || write(fd, val, strlen(val)) < 0) {
                        if (errno != ENOENT && errno != ESRCH)
                                r = -errno;
                }
        }
        return r;
}

void ct_resources_started(struct container *ct)
{
        int r;

        /* a hollow meta container; its parents are not hollow now */
        ct_pressurize(ct);
        if (ct->is_meta)
                return;
        if (ct->cpu_policy == RES_CPU_POLICY_RT)
                ct_rt_sync();
        if ((ct->cpu_policy != RES_CPU_POLICY_NORMAL || res_cpu_nice(ct->cpu_policy, ct->cpu_weight)) &&
            (r = ct_apply_cpu_policy(ct, ct->cpu_policy)) < 0)
                log_warning_errno(r, "%s: cannot apply cpu_policy %s: %m", ct->name,
                                  res_cpu_policy_to_string(ct->cpu_policy));
        if (ct->io_policy != RES_IO_POLICY_NONE && (r = ct_apply_ioprio(ct, ct->io_policy)) < 0)
                log_warning_errno(r, "%s: cannot apply io_policy %s: %m", ct->name,
                                  res_io_policy_to_string(ct->io_policy));
        if (ct->oom_score_adj && (r = ct_apply_oom_score_adj(ct, ct->oom_score_adj)) < 0)
                log_warning_errno(r, "%s: cannot apply oom_score_adj: %m", ct->name);
}

#define PRESSURIZE_SOFT_LIMIT (UINT64_C(1) << 20)

/* A child whose cgroups are gone is stopping or stopped. */
static bool has_live_child(const struct container *ct)
{
        for (size_t i = 0; i < ct->n_children; i++)
                if (ct_is_active(ct->children[i]) && ct->children[i]->cg_started)
                        return true;
        return false;
}

/* The manual: a tiny soft limit for dead and hollow meta containers (no
 * live child), none otherwise. */
static void pressure_update(struct container *ct)
{
        bool meta = ct->state == CT_META || (ct->state == CT_STARTING && ct->is_meta);
        bool on = ct->state == CT_DEAD || (meta && !has_live_child(ct));
        int r;

        if (!ct->pressurize_on_death || !has_own(ct, CG_MEMORY) || !cg_has_feature(CG_FEAT_MEMORY_SOFT_LIMIT))
                return;
        r = cg_set_memory_soft_limit(ct->name, on ? PRESSURIZE_SOFT_LIMIT : 0);
        if (r < 0)
                log_warning_errno(r, "%s: cannot apply pressurize_on_death: %m", ct->name);
}

static void pressure_ancestors(struct container *ct)
{
        for (; ct && !ct_is_root(ct); ct = ct->parent)
                pressure_update(ct);
}

static void pressure_subtree(struct container *ct)
{
        pressure_update(ct);
        for (size_t i = 0; i < ct->n_children; i++)
                pressure_subtree(ct->children[i]);
}

void ct_pressurize(struct container *ct)
{
        /* the subtree: its descendants died with it */
        pressure_subtree(ct);
        pressure_ancestors(ct->parent);
}

void ct_resources_released(struct container *ct, unsigned mask)
{
        /* its rt runtime goes back to the others: the parents shrink */
        if (mask & BIT(CG_CPU))
                ct_rt_sync();
        /* a meta parent may be hollow now */
        pressure_ancestors(ct->parent);
}

void ct_resources_free(struct container *ct)
{
        ct_oom_watch_stop(ct);
        free(ct->cpu_set);
        ct->cpu_set = NULL;
        res_io_limits_done(&ct->io_limit);
        res_io_limits_done(&ct->io_ops_limit);
}
