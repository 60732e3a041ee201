/* Resource properties of the CPU and Disk IO sections of the manual:
 * cpu_limit, cpu_guarantee, cpu_period, cpu_weight, cpu_policy, cpu_set,
 * their statistics and totals, io limits, policy, weight and statistics.
 * Same pattern as prop_resources.c (memory, threads, cgroups), whose
 * helpers (prop.h, "resource helpers") they share. */
#include <inttypes.h>
#include <stdio.h>
#include "prop.h"
#include "shared/cgroup.h"

/* ---- cpu ---- */

static int format_power(struct strbuf *out, uint64_t power)
{
        char buf[RES_CPU_POWER_STRLEN];
        return strbuf_append(out, res_format_cpu_power(buf, sizeof(buf), power));
}

static int parse_power(struct prop_ctx *x, const char *name, const char *value, uint64_t *ret)
{
        int r;

        if (isempty(value))
                value = "0";
        r = res_parse_cpu_power(value, host_ncpus(), ret);
        if (r == -ERANGE)
                return pv_invalid(x->e, name, value, "is above the host's cpu power (100% or the cpu count in cores)");
        if (r < 0)
                return r == -ENOMEM ? r : pv_invalid(x->e, name, value, "is not a cpu power (50 in %, 1.5c in cores)");
        return 0;
}

/* The new limit and period go to the container's cgroup and, as a bound,
 * to its descendants'; a refusal restores the old values everywhere. */
static int write_cpu_limit(struct prop_ctx *x, uint64_t power, uint64_t period)
{
        struct container *ct = x->ct;
        uint64_t old_power = ct->cpu_limit, old_period = ct->cpu_period;
        int r = prop_live(x, "cpu_limit", CG_CPU);

        if (r <= 0)
                return r;
        ct->cpu_limit = power;
        ct->cpu_period = period;
        r = ct_apply_cpu_limit_tree(ct);
        if (r < 0) {
                ct->cpu_limit = old_power;
                ct->cpu_period = old_period;
                (void) ct_apply_cpu_limit_tree(ct);
                return prop_cg_refused(x, "cpu_limit", CG_FEAT_CPU_LIMIT, r);
        }
        /* the rt runtime of limited rt containers follows their limit */
        ct_rt_sync();
        return 1;
}

static int write_cpu_shares(struct prop_ctx *x, const char *what, enum res_cpu_policy p, double weight,
                            uint64_t guarantee)
{
        int r = prop_live(x, what, CG_CPU);
        if (r <= 0)
                return r;
        r = cg_set_cpu_shares(x->ct->name, res_cpu_shares(p, weight, guarantee));
        return r < 0 ? prop_cg_refused(x, what, CG_FEAT_CPU_SHARES, r) : 1;
}

static int get_cpu_limit(struct prop_ctx *x, struct strbuf *out)
{
        if (ct_is_root(x->ct))
                return strbuf_printf(out, "%uc", host_ncpus());
        return format_power(out, x->ct->cpu_limit);
}

static int set_cpu_limit(struct prop_ctx *x, const char *value)
{
        uint64_t v;
        int r = parse_power(x, "cpu_limit", value, &v);

        if (r >= 0)
                r = write_cpu_limit(x, v, x->ct->cpu_period);
        if (r < 0)
                return r;
        x->ct->cpu_limit = v;
        return isempty(value) ? 1 : 0;
}

static int get_cpu_guarantee(struct prop_ctx *x, struct strbuf *out)
{
        return format_power(out, x->ct->cpu_guarantee);
}

static int set_cpu_guarantee(struct prop_ctx *x, const char *value)
{
        uint64_t v;
        int r = parse_power(x, "cpu_guarantee", value, &v);

        if (r >= 0)
                r = write_cpu_shares(x, "cpu_guarantee", x->ct->cpu_policy, x->ct->cpu_weight, v);
        if (r < 0)
                return r;
        x->ct->cpu_guarantee = v;
        return isempty(value) ? 1 : 0;
}

static int get_cpu_period(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_u64(out, x->ct->cpu_period);
}

static int set_cpu_period(struct prop_ctx *x, const char *value)
{
        uint64_t v;
        int r = res_parse_cpu_period(value, &v);

        if (r < 0)
                return pv_invalid(x->e, "cpu_period", value, "is not a period of 1ms..1s (100ms, 50000000)");
        r = write_cpu_limit(x, x->ct->cpu_limit, v);
        if (r < 0)
                return r;
        x->ct->cpu_period = v;
        return 0;
}

static int get_cpu_weight(struct prop_ctx *x, struct strbuf *out)
{
        char buf[RES_WEIGHT_STRLEN];
        return strbuf_append(out, res_format_weight(buf, sizeof(buf), x->ct->cpu_weight));
}

static int set_cpu_weight(struct prop_ctx *x, const char *value)
{
        double v, old;
        int r = res_parse_weight(value, &v);

        if (r < 0)
                return pv_invalid(x->e, "cpu_weight", value, "is not a weight of 0.01..100");
        r = write_cpu_shares(x, "cpu_weight", x->ct->cpu_policy, v, x->ct->cpu_guarantee);
        if (r < 0)
                return r;
        old = x->ct->cpu_weight;
        x->ct->cpu_weight = v;
        /* the weight also sets the nice of the tasks */
        if (r > 0 && (x->ct->state == CT_RUNNING || x->ct->state == CT_PAUSED) &&
            (r = ct_apply_cpu_policy(x->ct, x->ct->cpu_policy)) < 0) {
                x->ct->cpu_weight = old;
                (void) write_cpu_shares(x, "cpu_weight", x->ct->cpu_policy, old, x->ct->cpu_guarantee);
                (void) ct_apply_cpu_policy(x->ct, x->ct->cpu_policy);
                return perror_set_errno(x->e, EERROR_UNKNOWN, r, "cpu_weight: cannot apply the nice to the tasks");
        }
        return 0;
}

static int get_cpu_policy(struct prop_ctx *x, struct strbuf *out)
{
        return strbuf_append(out, res_cpu_policy_to_string(x->ct->cpu_policy));
}

static int set_cpu_policy(struct prop_ctx *x, const char *value)
{
        enum res_cpu_policy p;
        int r = res_parse_cpu_policy(value, &p);

        if (r == -EOPNOTSUPP)
                return perror_set(x->e, EERROR_NOT_SUPPORTED, r,
                                  "cpu_policy: %s needs SCHED_ISO, an offstream kernel feature this kernel lacks",
                                  value);
        if (r < 0)
                return pv_invalid(x->e, "cpu_policy", value, "is not one of normal, high, rt, batch, idle, iso");
        r = write_cpu_shares(x, "cpu_policy", p, x->ct->cpu_weight, x->ct->cpu_guarantee);
        if (r > 0 && (x->ct->state == CT_RUNNING || x->ct->state == CT_PAUSED) &&
            (r = ct_change_cpu_policy(x->ct, p)) < 0)
                return perror_set_errno(x->e, EERROR_UNKNOWN, r, "cpu_policy: cannot apply %s to the tasks", value);
        if (r < 0)
                return r;
        x->ct->cpu_policy = p;
        return 0;
}

static int get_cpu_usage_system(struct prop_ctx *x, struct strbuf *out)
{
        uint64_t user, sys;
        int r = cg_cpu_usage_split(prop_rel_for(x, CG_CPUACCT), &user, &sys);
        return r < 0 ? prop_cg_refused(x, "cpu_usage_system", CG_FEAT_CPU_USAGE_SPLIT, r) : pv_format_u64(out, sys);
}

static int get_cpu_throttled(struct prop_ctx *x, struct strbuf *out)
{
        struct cg_cpu_throttling t;
        int r = cg_cpu_throttling(prop_rel_for(x, CG_CPU), &t);
        return r < 0 ? prop_cg_refused(x, "cpu_throttled", CG_FEAT_CPU_THROTTLED, r) : pv_format_u64(out, t.throttled_ns);
}

static int get_cpu_wait(struct prop_ctx *x, struct strbuf *out)
{
        uint64_t v;
        int r;

        if (!cg_has_feature(CG_FEAT_CPU_WAIT))
                return prop_not_supported(x, "cpu_wait", CG_FEAT_CPU_WAIT);
        r = cg_cpu_wait(prop_rel_for(x, CG_CPUACCT), &v);
        return r < 0 ? prop_cg_refused(x, "cpu_wait", CG_FEAT_CPU_WAIT, r) : pv_format_u64(out, v);
}

/* ---- cpu_set ---- */

static int get_cpu_set(struct prop_ctx *x, struct strbuf *out)
{
        _cleanup_free_ char *s = NULL;

        if (!x->ct->cpu_set)
                return 0;
        s = res_format_cpuset(x->ct->cpu_set);
        return s ? strbuf_append(out, s) : -ENOMEM;
}

/* What can be checked without the tree: the cpus and nodes exist, the
 * counts fit in the host. */
static int check_cpu_set(struct prop_ctx *x, const char *value, const struct res_cpuset *cs)
{
        struct res_cpumask online, node;
        _cleanup_free_ char *all = NULL;

        if (cg_get_cpuset_cpus("", true, &all) < 0 || res_cpumask_parse(all, &online) < 0)
                return 0;       /* the kernel will tell */
        switch (cs->policy) {
        case RES_CPUSET_SET:
                if (!res_cpumask_subset(&cs->cpus, &online))
                        return pv_invalid(x->e, "cpu_set", value, "names cpus the host does not have");
                return 0;
        case RES_CPUSET_NODE:
                if (ct_cpuset_node_cpus(cs->arg, &node) < 0)
                        return pv_invalid(x->e, "cpu_set", value, "names a NUMA node the host does not have");
                return 0;
        case RES_CPUSET_RESERVE:
        case RES_CPUSET_THREADS:
        case RES_CPUSET_CORES:
                if (cs->arg > res_cpumask_count(&online))
                        return pv_invalid(x->e, "cpu_set", value, "asks for more cpus than the host has");
                return 0;
        default:
                return 0;
        }
}

static int set_cpu_set(struct prop_ctx *x, const char *value)
{
        _cleanup_free_ struct res_cpuset *cs = malloc(sizeof(*cs));
        _cleanup_free_ struct res_cpuset *old = NULL;
        int r;

        if (!cs)
                return -ENOMEM;
        r = res_parse_cpuset(value, cs);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return pv_invalid(x->e, "cpu_set", value, "is not a cpu list (0-3,5), node N, reserve N, threads N "
                                  "or cores N");
        if ((r = check_cpu_set(x, value, cs)) < 0)
                return r;
        r = cs->policy != RES_CPUSET_INHERIT || x->ct->cpu_set ? prop_live(x, "cpu_set", CG_CPUSET) : 0;
        if (r < 0)
                return r;
        old = x->ct->cpu_set;
        x->ct->cpu_set = cs->policy == RES_CPUSET_INHERIT ? NULL : TAKE_PTR(cs);
        /* live: the siblings' sets may change too; a refusal restores all */
        if (r > 0 && (r = ct_cpuset_distribute(x->ct, x->e)) < 0) {
                struct perror ignore = { 0 };
                free(x->ct->cpu_set);
                x->ct->cpu_set = TAKE_PTR(old);
                (void) ct_cpuset_distribute(x->ct, &ignore);
                return r;
        }
        return x->ct->cpu_set ? 0 : 1;
}

static int get_cpu_set_affinity(struct prop_ctx *x, struct strbuf *out)
{
        _cleanup_free_ char *s = NULL;
        int r = cg_get_cpuset_cpus(prop_rel_for(x, CG_CPUSET), true, &s);
        return r < 0 ? prop_cg_refused(x, "cpu_set_affinity", CG_FEAT_CPUSET, r) : strbuf_append(out, s);
}

/* ---- totals ---- */

static bool counts_in_total(const struct container *ct)
{
        return ct->state == CT_RUNNING || ct->state == CT_META || ct->state == CT_PAUSED ||
               ct->state == CT_STARTING;
}

/* max(cpu_guarantee, sum over running children); the root: the sum. */
static uint64_t cpu_guarantee_total(const struct container *ct)
{
        uint64_t sum = 0;

        for (size_t i = 0; i < ct->n_children; i++)
                if (counts_in_total(ct->children[i]))
                        sum += cpu_guarantee_total(ct->children[i]);
        return MAX(ct_is_root(ct) ? 0 : ct->cpu_guarantee, sum);
}

static uint64_t effective_cpu_limit(const struct container *ct)
{
        uint64_t host = (uint64_t)host_ncpus() * RES_NSEC_PER_SEC;
        return ct->cpu_limit ? MIN(ct->cpu_limit, host) : host;
}

/* sum of min(cpu_limit, cpu_limit_total) over running/meta children plus
 * the own cpu_limit while running; the root: the host's commitment. */
static uint64_t cpu_limit_total(const struct container *ct)
{
        uint64_t sum = 0;

        for (size_t i = 0; i < ct->n_children; i++) {
                const struct container *ch = ct->children[i];
                if (counts_in_total(ch))
                        sum += MIN(effective_cpu_limit(ch), cpu_limit_total(ch));
        }
        if (!ct_is_root(ct) && ct->state == CT_RUNNING)
                sum += effective_cpu_limit(ct);
        return sum;
}

static int get_cpu_guarantee_total(struct prop_ctx *x, struct strbuf *out)
{
        return format_power(out, cpu_guarantee_total(x->ct));
}

static int get_cpu_limit_total(struct prop_ctx *x, struct strbuf *out)
{
        return format_power(out, cpu_limit_total(x->ct));
}

/* ---- io ---- */

/* The key of io_limit[key]: the normalized form ("sda  r" -> "sda r"). */
static int parse_io_index(struct prop_ctx *x, const char *name, struct res_io_limit *ret)
{
        int r = res_parse_io_key(x->index, ret);

        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return perror_set(x->e, EERROR_INVALID_VALUE, r, "%s[%s]: not \"<disk>|<path>|fs [r|w]\"", name,
                                  x->index);
        return 0;
}

/* io_limit[key]: the value of that key, 0 when it has no limit. */
static int get_io_limits(struct prop_ctx *x, struct strbuf *out, bool ops)
{
        const struct res_io_limits *cur = ops ? &x->ct->io_ops_limit : &x->ct->io_limit;
        _cleanup_free_ char *s = NULL;
        struct res_io_limit key = { 0 };
        uint64_t v = 0;
        int r;

        if (x->index) {
                r = parse_io_index(x, ops ? "io_ops_limit" : "io_limit", &key);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < cur->n; i++)
                        if (streq(cur->v[i].key, key.key))
                                v = cur->v[i].value;
                res_io_limit_done(&key);
                return pv_format_u64(out, v);
        }
        s = res_format_io_limits(cur);
        return s ? strbuf_append(out, s) : -ENOMEM;
}

/* io_limit[key]=value: the current map with that key replaced (0 or ""
 * removes it). */
static int io_limits_with_index(struct prop_ctx *x, const char *name, const char *value,
                                const struct res_io_limits *cur, struct res_io_limits *ret)
{
        struct res_io_limit e = { 0 };
        uint64_t v = 0;
        int r = parse_io_index(x, name, &e);

        if (r < 0)
                return r;
        if (!isempty(value) && (r = pv_parse_size(name, value, UINT64_MAX, &v, x->e)) < 0) {
                res_io_limit_done(&e);
                return r;
        }
        for (size_t i = 0; i < cur->n; i++) {
                struct res_io_limit c = cur->v[i];
                c.key = strdup(c.key);
                c.target = strdup(c.target);
                if (!c.key || !c.target || (r = res_io_limits_put(ret, &c)) < 0) {
                        res_io_limit_done(&c);
                        res_io_limit_done(&e);
                        return -ENOMEM;
                }
        }
        if (!v) {
                (void) res_io_limits_remove(ret, e.key);
                res_io_limit_done(&e);
                return 0;
        }
        e.value = v;
        return res_io_limits_put(ret, &e);
}

static int set_io_limits(struct prop_ctx *x, const char *value, bool ops)
{
        const char *name = ops ? "io_ops_limit" : "io_limit";
        struct res_io_limits *cur = ops ? &x->ct->io_ops_limit : &x->ct->io_limit;
        _cleanup_io_limits_ struct res_io_limits l = { 0 };
        int r = x->index ? io_limits_with_index(x, name, value, cur, &l) : res_parse_io_limits(value, &l);

        if (r < 0 && x->index)
                return r;
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return pv_invalid(x->e, name, value, "is not \"<disk>|<path>|fs [r|w]: <value>; ...\"");
        for (size_t i = 0; i < l.n; i++) {
                dev_t dev;
                if (l.v[i].type == RES_IO_TARGET_FS) {
                        if (!cg_has_feature(CG_FEAT_IO_FS_LIMIT))
                                return prop_not_supported(x, name, CG_FEAT_IO_FS_LIMIT);
                } else if (ct_io_key_disk(x->ct, &l.v[i], &dev) < 0)
                        return perror_set(x->e, EERROR_INVALID_VALUE, -ENODEV,
                                          "%s: \"%s\" is not a disk nor a path on one", name, l.v[i].target);
        }
        r = prop_live(x, name, CG_BLKIO);
        if (r > 0)
                r = ct_apply_io_limits(x->ct, &l, ops, cur, x->e);
        if (r < 0)
                return r;
        res_io_limits_done(cur);
        *cur = l;
        l = (struct res_io_limits) { 0 };
        return cur->n ? 0 : 1;
}

static int get_io_limit(struct prop_ctx *x, struct strbuf *out) { return get_io_limits(x, out, false); }
static int set_io_limit(struct prop_ctx *x, const char *v) { return set_io_limits(x, v, false); }
static int get_io_ops_limit(struct prop_ctx *x, struct strbuf *out) { return get_io_limits(x, out, true); }
static int set_io_ops_limit(struct prop_ctx *x, const char *v) { return set_io_limits(x, v, true); }

enum io_field { IO_READ, IO_WRITE, IO_OPS };

static uint64_t io_value(const struct cg_io_stat *s, enum io_field f)
{
        return f == IO_READ ? s->read_bytes : f == IO_WRITE ? s->write_bytes : s->read_ops + s->write_ops;
}

/* The disk an index names: "sda", "8:0", "/path", "./path". */
static int io_index_disk(struct prop_ctx *x, const char *name, dev_t *ret)
{
        struct res_io_limit key = { 0 };
        int r = res_parse_io_key(x->index, &key);

        if (r == -ENOMEM)
                return r;
        if (r >= 0 && key.type == RES_IO_TARGET_FS)
                r = prop_not_supported(x, name, CG_FEAT_IO_FS_LIMIT);
        else if (r < 0 || key.dir != RES_IO_RW || ct_io_key_disk(x->ct, &key, ret) < 0)
                r = perror_set(x->e, EERROR_INVALID_VALUE, -ENODEV, "%s[%s]: not a disk nor a path on one",
                               name, x->index);
        res_io_limit_done(&key);
        return r;
}

/* Per-disk values (cg_io_time's shape serves every io statistic): all of
 * them and "hw", their total; or the one of the index (disk, path, hw). */
static int format_io_values(struct prop_ctx *x, struct strbuf *out, dev_t dev, const struct cg_io_time *v,
                            size_t n)
{
        bool want_hw = x->index && streq(x->index, "hw");
        uint64_t total = 0;
        int r;

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *disk = NULL;
                total += v[i].ns;
                if (x->index) {
                        if (!want_hw && v[i].dev == dev)
                                return pv_format_u64(out, v[i].ns);
                        continue;
                }
                if (cg_io_disk_name(v[i].dev, &disk) < 0)
                        continue;
                r = strbuf_printf(out, "%s: %" PRIu64 "; ", disk, v[i].ns);
                if (r < 0)
                        return r;
        }
        if (x->index)
                return pv_format_u64(out, want_hw ? total : 0);
        return strbuf_printf(out, "hw: %" PRIu64, total);
}

/* The disk of the index, unless there is none or it is "hw". */
static int io_index(struct prop_ctx *x, const char *name, dev_t *ret)
{
        *ret = 0;
        if (!x->index || streq(x->index, "hw"))
                return 0;
        return io_index_disk(x, name, ret);
}

static int get_io_stat(struct prop_ctx *x, struct strbuf *out, const char *name, enum io_field f)
{
        _cleanup_free_ struct cg_io_stat *st = NULL;
        _cleanup_free_ struct cg_io_time *v = NULL;
        size_t n = 0;
        dev_t dev;
        int r = io_index(x, name, &dev);

        if (r < 0)
                return r;
        r = cg_io_stat(prop_rel_for(x, CG_BLKIO), &st, &n);
        if (r < 0)
                return prop_cg_refused(x, name, CG_FEAT_IO_STAT, r);
        if (n && !(v = calloc(n, sizeof(*v))))
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                v[i] = (struct cg_io_time) { .dev = st[i].dev, .ns = io_value(&st[i], f) };
        return format_io_values(x, out, dev, v, n);
}

static int get_io_read(struct prop_ctx *x, struct strbuf *out) { return get_io_stat(x, out, "io_read", IO_READ); }
static int get_io_write(struct prop_ctx *x, struct strbuf *out) { return get_io_stat(x, out, "io_write", IO_WRITE); }
static int get_io_ops(struct prop_ctx *x, struct strbuf *out) { return get_io_stat(x, out, "io_ops", IO_OPS); }


/* ---- io_policy, io_weight ---- */

static int get_io_policy(struct prop_ctx *x, struct strbuf *out)
{
        return strbuf_append(out, res_io_policy_to_string(x->ct->io_policy));
}

static int write_io_weight(struct prop_ctx *x, const char *what, enum res_io_policy p, double w)
{
        int r;

        if (!cg_has_feature(CG_FEAT_IO_WEIGHT))
                return 0;
        r = prop_live(x, what, CG_BLKIO);
        if (r <= 0)
                return r;
        r = cg_set_io_weight(x->ct->name, res_blkio_weight(p, w));
        return r < 0 ? prop_cg_refused(x, what, CG_FEAT_IO_WEIGHT, r) : 1;
}

static int set_io_policy(struct prop_ctx *x, const char *value)
{
        enum res_io_policy p;
        int r;

        if (res_io_policy_from_string(value, &p) < 0)
                return pv_invalid(x->e, "io_policy", value, "is not one of none, rt, high, normal, batch, idle");
        if (ct_is_root(x->ct))
                return perror_set(x->e, EERROR_PERMISSION, -EPERM, "io_policy cannot be set for the root container");
        r = write_io_weight(x, "io_policy", p, x->ct->io_weight);
        if (r < 0)
                return r;
        if (x->ct->state == CT_RUNNING || x->ct->state == CT_PAUSED) {
                r = ct_apply_ioprio(x->ct, p);
                if (r < 0)
                        return perror_set_errno(x->e, EERROR_UNKNOWN, r, "io_policy: cannot apply %s to the tasks",
                                                value);
        }
        x->ct->io_policy = p;
        return 0;
}

static int get_io_weight(struct prop_ctx *x, struct strbuf *out)
{
        char buf[RES_WEIGHT_STRLEN];
        return strbuf_append(out, res_format_weight(buf, sizeof(buf), x->ct->io_weight));
}

static int set_io_weight(struct prop_ctx *x, const char *value)
{
        double v;
        int r = res_parse_weight(value, &v);

        if (r < 0)
                return pv_invalid(x->e, "io_weight", value, "is not a weight of 0.01..100");
        if (!cg_has_feature(CG_FEAT_IO_WEIGHT) && v != 1.0)
                return prop_not_supported(x, "io_weight", CG_FEAT_IO_WEIGHT);
        r = write_io_weight(x, "io_weight", x->ct->io_policy, v);
        if (r < 0)
                return r;
        x->ct->io_weight = v;
        return 0;
}

static int get_io_time(struct prop_ctx *x, struct strbuf *out)
{
        _cleanup_free_ struct cg_io_time *t = NULL;
        size_t n = 0;
        dev_t dev;
        int r = io_index(x, "io_time", &dev);

        if (r < 0)
                return r;
        r = cg_io_time(prop_rel_for(x, CG_BLKIO), &t, &n);
        if (r < 0)
                return prop_cg_refused(x, "io_time", CG_FEAT_IO_TIME, r);
        return format_io_values(x, out, dev, t, n);
}

#define RT (PROP_RO | PROP_RUNTIME)
#define CFG (PROP_PERSIST | PROP_DYNAMIC)

struct prop prop_cpu_io_table[] = {
        { "cpu_usage_system", "consumed kernel cpu time in nanoseconds", RT, get_cpu_usage_system, NULL, 0 },
        { "cpu_wait", "time waiting for a cpu in nanoseconds (offstream kernel feature)", RT, get_cpu_wait, NULL, 0 },
        { "cpu_throttled", "time throttled by cpu_limit in nanoseconds", RT, get_cpu_throttled, NULL, 0 },
        { "cpu_limit", "cpu limit: 0..100 (% of the host) or <cores>c; 0 = unlimited; the root shows the cpu count; "
          "the kernel gets the least of it and the parents' (a child cannot exceed its parent)",
          CFG, get_cpu_limit, set_cpu_limit, 0 },
        { "cpu_guarantee", "cpu guarantee: 0..100 (% of the host) or <cores>c; raises cpu shares", CFG,
          get_cpu_guarantee, set_cpu_guarantee, 0 },
        { "cpu_period", "cpu limit accounting period: 1ms..1s, default 100ms [nanoseconds]", CFG,
          get_cpu_period, set_cpu_period, 0 },
        { "cpu_weight", "cpu weight 0.01..100, default 1: multiplies cpu shares; +10% is -1 nice", CFG,
          get_cpu_weight, set_cpu_weight, 0 },
        { "cpu_policy", "cpu scheduler policy: normal|high|rt|batch|idle|iso (rt: SCHED_RR prio 10, nice -20, with a share of the rt runtime where the kernel has RT group scheduling)", CFG, get_cpu_policy, set_cpu_policy, 0 },
        { "cpu_set", "cpu affinity: [N|N-M,]... | node N | reserve N (N own cpus and the rest) | threads N (only "
          "N own cpus) | cores N (N own cores, a thread of each); reserved cpus leave the siblings' sets; empty = "
          "the parent's unreserved cpus",
          CFG, get_cpu_set, set_cpu_set, 0 },
        { "cpu_set_affinity", "resulting cpu affinity: [N,N-M,]...", RT, get_cpu_set_affinity, NULL, 0 },
        { "io_limit", "io bandwidth limit: <disk>|<path>|fs [r|w]: <bytes/s>;...; a path is a host path, ./path one in the container root; io_limit[<key>] one key (0 = none)",
          CFG | PROP_INDEXED, get_io_limit, set_io_limit, 0 },
        { "io_ops_limit", "io operations limit: <disk>|<path>|fs [r|w]: <iops>;...; io_ops_limit[<key>] one key",
          CFG | PROP_INDEXED, get_io_ops_limit, set_io_ops_limit, 0 },
        { "io_read", "bytes read from disks: <disk>: <bytes>;... hw: total; io_read[disk|path|hw]",
          RT | PROP_INDEXED, get_io_read, NULL, 0 },
        { "io_write", "bytes written to disks: <disk>: <bytes>;... hw: total; io_write[disk|path|hw]",
          RT | PROP_INDEXED, get_io_write, NULL, 0 },
        { "io_ops", "disk operations: <disk>: <count>;... hw: total; io_ops[disk|path|hw]",
          RT | PROP_INDEXED, get_io_ops, NULL, 0 },
        { "io_policy", "io scheduler policy: none|rt|high|normal|batch|idle (ioprio, blkio weight)", CFG,
          get_io_policy, set_io_policy, 0 },
        { "io_weight", "io weight 0.01..100, default 1: multiplies the blkio weight", CFG,
          get_io_weight, set_io_weight, 0 },
        { "io_time", "total io time: <disk>: <nanoseconds>;... hw: total; io_time[disk|path|hw]",
          RT | PROP_INDEXED, get_io_time, NULL, 0 },
        { "cpu_guarantee_total", "max(cpu_guarantee, sum of running children's); the root: the total",
          PROP_RO, get_cpu_guarantee_total, NULL, 0 },
        { "cpu_limit_total", "cpu commitment: running children's limits plus its own while running",
          PROP_RO, get_cpu_limit_total, NULL, 0 },
};
const size_t prop_cpu_io_count = ELEMENTSOF(prop_cpu_io_table);
