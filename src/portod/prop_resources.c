/* Resource properties (manual: Memory, CPU, Disk IO, CGROUPS, thread_limit):
 * limits kept in the container and written to its cgroups at start
 * (ct_resources.c) or at once when the cgroups exist, and the statistics
 * read from the cgroups. */
#include <inttypes.h>
#include <stdio.h>
#include "prop.h"
#include "basic/fileio.h"
#include "basic/parse.h"
#include "shared/cgroup.h"

int prop_cg_failed(struct prop_ctx *x, const char *what, int r)
{
        return perror_set_errno(x->e, EERROR_UNKNOWN, r, "%s: cannot read the cgroup of %s", what, x->ct->name);
}

/* A kernel refusal of a feature as the client sees it. */
int prop_cg_refused(struct prop_ctx *x, const char *what, enum cg_feature f, int r)
{
        switch (r) {
        case -EOPNOTSUPP:
                return perror_set(x->e, EERROR_NOT_SUPPORTED, r, "%s: %s", what, cg_feature_reason(f));
        case -EBUSY:
                return perror_set(x->e, EERROR_RESOURCE_NOT_AVAILABLE, r,
                                  "%s: the kernel refused: usage of %s is above the value", what, x->ct->name);
        case -EINVAL:
                return perror_set(x->e, EERROR_INVALID_VALUE, r, "%s: the kernel refused the value", what);
        default:
                return perror_set_errno(x->e, EERROR_UNKNOWN, r, "%s: cannot apply to %s", what, x->ct->name);
        }
}

int prop_not_supported(struct prop_ctx *x, const char *what, enum cg_feature f)
{
        return perror_set(x->e, EERROR_NOT_SUPPORTED, -EOPNOTSUPP, "%s: %s", what, cg_feature_reason(f));
}

/* The container's cgroups exist (running, paused, dead...). */
bool prop_cgroups_exist(const struct container *ct)
{
        return !ct_is_root(ct) && ct->state != CT_STOPPED && ct->state != CT_STARTING;
}

/* Live change of a limit of controller c: 1 = write it to the cgroup now,
 * 0 = only keep it (applied at start), < 0 = refused (no cgroup of its
 * own: cgroups cannot be added to a running container). */
int prop_live(struct prop_ctx *x, const char *what, enum cg_controller c)
{
        if (ct_is_root(x->ct))
                return perror_set(x->e, EERROR_PERMISSION, -EPERM, "%s cannot be set for the root container", what);
        if (!prop_cgroups_exist(x->ct))
                return 0;
        if (ct_cg_mask(x->ct) & (1u << c))
                return 1;
        return perror_set(x->e, EERROR_INVALID_STATE, -EBUSY,
                          "%s: %s has no %s cgroup of its own; set it while stopped", what, x->ct->name,
                          cg_controller_to_string(c));
}

const char *prop_rel_for(const struct prop_ctx *x, enum cg_controller c)
{
        return ct_cg_rel_for(x->ct, c);
}

/* ---- memory ---- */

static int get_memory_limit(struct prop_ctx *x, struct strbuf *out)
{
        if (ct_is_root(x->ct))
                return pv_format_u64(out, host_memory_total());
        return pv_format_u64(out, x->persist ? x->ct->memory_limit : ct_memory_limit(x->ct));
}

static int set_memory_limit(struct prop_ctx *x, const char *value)
{
        bool reset = isempty(value);
        uint64_t v = 0;
        int r;

        if (!reset && (r = pv_parse_size("memory_limit", value, UINT64_MAX, &v, x->e)) < 0)
                return r;
        r = prop_live(x, "memory_limit", CG_MEMORY);
        if (r > 0) {
                /* back to the default: the first level has one */
                uint64_t eff = reset && x->ct->level == 1 ? ct_memory_limit_default() : v;
                r = cg_set_memory_limit(x->ct->name, eff);
                if (r < 0)
                        return prop_cg_refused(x, "memory_limit", CG_FEAT_MEMORY_LIMIT, r);
        }
        if (r < 0)
                return r;
        x->ct->memory_limit = v;
        return reset ? 1 : 0;
}

static int get_memory_limit_total(struct prop_ctx *x, struct strbuf *out)
{
        uint64_t total = 0;

        for (const struct container *c = x->ct; c && !ct_is_root(c); c = c->parent) {
                uint64_t l = ct_memory_limit(c);
                if (l && (!total || l < total))
                        total = l;
        }
        return pv_format_u64(out, total ? total : host_memory_total());
}

/* Offstream memory knobs: NotSupported where the kernel lacks them. */
struct mem_knob {
        const char *name;
        enum cg_feature feature;
        bool is_bool;
};

static const struct mem_knob mem_knobs[] = {
        { "anon_limit", CG_FEAT_ANON_LIMIT, false },
        { "anon_only", CG_FEAT_ANON_ONLY, true },
        { "dirty_limit", CG_FEAT_DIRTY_LIMIT, false },
        { "recharge_on_pgfault", CG_FEAT_RECHARGE_ON_PGFAULT, true },
};

static int mem_knob_write(const char *rel, enum cg_feature f, uint64_t v)
{
        switch (f) {
        case CG_FEAT_ANON_LIMIT:
                return cg_set_anon_limit(rel, v);
        case CG_FEAT_ANON_ONLY:
                return cg_set_anon_only(rel, v);
        case CG_FEAT_DIRTY_LIMIT:
                return cg_set_dirty_limit(rel, v);
        case CG_FEAT_RECHARGE_ON_PGFAULT:
                return cg_set_recharge_on_pgfault(rel, v);
        default:
                return -EOPNOTSUPP;
        }
}

static int mem_knob_read(const char *rel, enum cg_feature f, uint64_t *ret)
{
        bool b = false;
        int r;

        switch (f) {
        case CG_FEAT_ANON_LIMIT:
                return cg_get_anon_limit(rel, ret);
        case CG_FEAT_DIRTY_LIMIT:
                return cg_get_dirty_limit(rel, ret);
        case CG_FEAT_ANON_ONLY:
                r = cg_get_anon_only(rel, &b);
                break;
        case CG_FEAT_RECHARGE_ON_PGFAULT:
                r = cg_get_recharge_on_pgfault(rel, &b);
                break;
        default:
                return -EOPNOTSUPP;
        }
        if (r >= 0)
                *ret = b;
        return r;
}

/* The value lives in the kernel knob only: readable while the cgroup
 * exists, kept for the next start in no other place (the feature is
 * absent on every kernel this runs on so far). */
static int get_mem_knob(struct prop_ctx *x, struct strbuf *out, const struct mem_knob *k)
{
        uint64_t v = 0;
        int r;

        if (!cg_has_feature(k->feature))
                return prop_not_supported(x, k->name, k->feature);
        if (prop_cgroups_exist(x->ct) || ct_is_root(x->ct)) {
                r = mem_knob_read(prop_rel_for(x, CG_MEMORY), k->feature, &v);
                if (r < 0)
                        return prop_cg_refused(x, k->name, k->feature, r);
        }
        return k->is_bool ? pv_format_bool(out, v) : pv_format_u64(out, v);
}

static int set_mem_knob(struct prop_ctx *x, const char *value, const struct mem_knob *k)
{
        uint64_t v;
        bool b;
        int r;

        if (!cg_has_feature(k->feature))
                return prop_not_supported(x, k->name, k->feature);
        if (k->is_bool) {
                r = pv_parse_bool(k->name, value, &b, x->e);
                v = b;
        } else
                r = pv_parse_size(k->name, value, UINT64_MAX, &v, x->e);
        if (r < 0)
                return r;
        r = prop_live(x, k->name, CG_MEMORY);
        if (r <= 0)
                return r < 0 ? r : perror_set(x->e, EERROR_INVALID_STATE, -EBUSY,
                                              "%s: can be set only while the container runs", k->name);
        r = mem_knob_write(x->ct->name, k->feature, v);
        return r < 0 ? prop_cg_refused(x, k->name, k->feature, r) : 0;
}

#define MEM_KNOB(fn, i) \
        static int get_##fn(struct prop_ctx *x, struct strbuf *out) { return get_mem_knob(x, out, &mem_knobs[i]); } \
        static int set_##fn(struct prop_ctx *x, const char *v) { return set_mem_knob(x, v, &mem_knobs[i]); }
MEM_KNOB(anon_limit, 0)
MEM_KNOB(anon_only, 1)
MEM_KNOB(dirty_limit, 2)
MEM_KNOB(recharge_on_pgfault, 3)

/* memory_guarantee: kept and accounted (overcommit rule, totals) on every
 * kernel; the reclaim protection itself needs the kernel knob (v2
 * memory.low, offstream v1 memory.low_limit_in_bytes), written when there
 * is one. Mainline v1 has nothing equivalent (the soft limit would make
 * the container the first one reclaimed, the opposite). */
static int get_memory_guarantee(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_u64(out, x->ct->memory_guarantee);
}

static int set_memory_guarantee(struct prop_ctx *x, const char *value)
{
        bool reset = isempty(value);
        uint64_t v = 0;
        int r;

        if (!reset && (r = pv_parse_size("memory_guarantee", value, UINT64_MAX, &v, x->e)) < 0)
                return r;
        if (ct_is_root(x->ct))
                return perror_set(x->e, EERROR_PERMISSION, -EPERM, "memory_guarantee cannot be set for the root container");
        /* a record being restored was checked when it was set */
        if (x->req && x->ct->state != CT_STOPPED && v > x->ct->memory_guarantee &&
            (r = ct_memory_guarantee_check(x->ct, v, x->e)) < 0)
                return r;
        if (cg_has_feature(CG_FEAT_MEMORY_GUARANTEE) && prop_cgroups_exist(x->ct) &&
            (ct_cg_mask(x->ct) & (1u << CG_MEMORY)) && (r = cg_set_memory_guarantee(x->ct->name, v)) < 0)
                return prop_cg_refused(x, "memory_guarantee", CG_FEAT_MEMORY_GUARANTEE, r);
        x->ct->memory_guarantee = v;
        return reset ? 1 : 0;
}

static int memory_stat(struct prop_ctx *x, const char *what, struct cg_memory_stat *st)
{
        int r = cg_memory_stat(prop_rel_for(x, CG_MEMORY), st);
        return r < 0 ? prop_cg_failed(x, what, r) : 0;
}

#define MEM_STAT(field) \
        static int get_##field(struct prop_ctx *x, struct strbuf *out) \
        { \
                struct cg_memory_stat st; \
                int r = memory_stat(x, #field, &st); \
                return r < 0 ? r : pv_format_u64(out, st.field); \
        }
MEM_STAT(minor_faults)
MEM_STAT(major_faults)

static int get_anon_usage(struct prop_ctx *x, struct strbuf *out)
{
        struct cg_memory_stat st;
        int r = memory_stat(x, "anon_usage", &st);
        return r < 0 ? r : pv_format_u64(out, st.anon);
}

static int get_cache_usage(struct prop_ctx *x, struct strbuf *out)
{
        struct cg_memory_stat st;
        int r = memory_stat(x, "cache_usage", &st);
        return r < 0 ? r : pv_format_u64(out, st.cache);
}

static int get_anon_max_usage(struct prop_ctx *x, struct strbuf *out)
{
        uint64_t v;
        int r;

        if (!cg_has_feature(CG_FEAT_ANON_MAX_USAGE))
                return prop_not_supported(x, "anon_max_usage", CG_FEAT_ANON_MAX_USAGE);
        r = cg_anon_max_usage(prop_rel_for(x, CG_MEMORY), &v);
        return r < 0 ? prop_cg_refused(x, "anon_max_usage", CG_FEAT_ANON_MAX_USAGE, r) : pv_format_u64(out, v);
}

/* "Set to empty for reset" (the manual). */
static int set_anon_max_usage(struct prop_ctx *x, const char *value)
{
        int r;

        if (!cg_has_feature(CG_FEAT_ANON_MAX_USAGE))
                return prop_not_supported(x, "anon_max_usage", CG_FEAT_ANON_MAX_USAGE);
        if (!isempty(value))
                return pv_invalid(x->e, "anon_max_usage", value, "can only be reset (set to empty)");
        if (!prop_cgroups_exist(x->ct) || !(ct_cg_mask(x->ct) & (1u << CG_MEMORY)))
                return perror_set(x->e, EERROR_INVALID_STATE, -EBUSY, "anon_max_usage: %s has no memory cgroup "
                                  "now", x->ct->name);
        r = cg_anon_reset_max_usage(x->ct->name);
        return r < 0 ? prop_cg_refused(x, "anon_max_usage", CG_FEAT_ANON_MAX_USAGE, r) : 1;
}

static int get_oom_kills(struct prop_ctx *x, struct strbuf *out)
{
        uint64_t v;
        int r;

        if (!cg_has_feature(CG_FEAT_OOM_EVENTS))
                return prop_not_supported(x, "oom_kills", CG_FEAT_OOM_EVENTS);
        r = cg_memory_oom_kills(prop_rel_for(x, CG_MEMORY), &v);
        return r < 0 ? prop_cg_failed(x, "oom_kills", r) : pv_format_u64(out, v);
}

static int get_memory_usage(struct prop_ctx *x, struct strbuf *out)
{
        uint64_t v;
        int r = cg_memory_usage(ct_cg_rel(x->ct), &v);
        return r < 0 ? prop_cg_failed(x, "memory_usage", r) : pv_format_u64(out, v);
}

static int get_cpu_usage(struct prop_ctx *x, struct strbuf *out)
{
        uint64_t v;
        int r = cg_cpu_usage(ct_cg_rel(x->ct), &v);
        return r < 0 ? prop_cg_failed(x, "cpu_usage", r) : pv_format_u64(out, v);
}

static int get_count(struct prop_ctx *x, struct strbuf *out, bool threads)
{
        uint64_t v;
        int r = cg_count_tasks(CG_FREEZER, ct_cg_rel(x->ct), threads, &v);
        return r < 0 ? prop_cg_failed(x, threads ? "thread_count" : "process_count", r) : pv_format_u64(out, v);
}

static int get_process_count(struct prop_ctx *x, struct strbuf *out)
{
        return get_count(x, out, false);
}

static int get_thread_count(struct prop_ctx *x, struct strbuf *out)
{
        return get_count(x, out, true);
}

static int index_controller(struct prop_ctx *x, const char *name, enum cg_controller *ret)
{
        if (cg_controller_from_string(x->index, ret) < 0)
                return perror_set(x->e, EERROR_INVALID_VALUE, -EINVAL, "%s[%s]: unknown controller", name, x->index);
        return 0;
}

static int get_controllers(struct prop_ctx *x, struct strbuf *out)
{
        enum cg_controller c;
        int r = 0;
        bool first = true;

        unsigned mask = ct_cg_mask(x->ct);

        if (x->index) {
                r = index_controller(x, "controllers", &c);
                return r < 0 ? r : pv_format_bool(out, mask & (1u << c));
        }
        for (int i = 0; r >= 0 && i < CG_CONTROLLER_MAX; i++) {
                if (!(mask & (1u << i)))
                        continue;
                r = strbuf_printf(out, "%s%s", first ? "" : ";", cg_controller_to_string(i));
                first = false;
        }
        return r;
}

static int set_controllers(struct prop_ctx *x, const char *value)
{
        _cleanup_strv_free_ char **names = NULL;
        enum cg_controller c;
        unsigned mask = 0;
        bool on;
        int r;

        if (ct_is_root(x->ct))
                return perror_set(x->e, EERROR_PERMISSION, -EPERM, "controllers of the root cannot change");
        if (x->index) {
                r = index_controller(x, "controllers", &c);
                if (r >= 0)
                        r = pv_parse_bool("controllers", value, &on, x->e);
                if (r < 0)
                        return r;
                if (!cg_supported(c))
                        return perror_set(x->e, EERROR_NOT_SUPPORTED, -EOPNOTSUPP,
                                          "controllers[%s]: the controller is not available on this host", x->index);
                if (c == CG_FREEZER && !on)
                        return pv_invalid(x->e, "controllers[freezer]", value, "freezer manages the container");
                /* the manual: device control goes off only with devices unchanged */
                if (c == CG_DEVICES && !on && x->ct->devices)
                        return pv_invalid(x->e, "controllers[devices]", value, "devices is set: clear it first");
                x->ct->cg_requested = on ? x->ct->cg_requested | (1u << c) : x->ct->cg_requested & ~(1u << c);
                x->ct->cg_disabled = on ? x->ct->cg_disabled & ~(1u << c) : x->ct->cg_disabled | (1u << c);
                return 0;
        }
        r = split_escaped(value, ';', &names);
        if (r < 0)
                return r;
        for (char **p = names; p && *p; p++) {
                const char *n = strstrip(*p);
                if (isempty(n))
                        continue;
                if (cg_controller_from_string(n, &c) < 0)
                        return pv_invalid(x->e, "controllers", value, "names an unknown controller");
                mask |= 1u << c;
        }
        /* the list is exact (records keep controllers[x]=false this way) */
        x->ct->cg_requested = mask;
        x->ct->cg_disabled = mask ? cg_supported_mask() & ~mask : 0;
        return mask ? 0 : 1;
}

static int get_cgroups(struct prop_ctx *x, struct strbuf *out)
{
        enum cg_controller c;
        bool first = true;
        int r = 0;

        if (x->index) {
                _cleanup_free_ char *path = NULL;
                r = index_controller(x, "cgroups", &c);
                if (r < 0)
                        return r;
                if (!cg_supported(c))
                        return perror_set(x->e, EERROR_INVALID_VALUE, -ENOENT,
                                          "cgroups[%s]: controller is not available", x->index);
                r = cg_kernel_path(c, ct_cg_rel_for(x->ct, c), &path);
                return r < 0 ? prop_cg_failed(x, "cgroups", r) : strbuf_append(out, path);
        }
        for (int i = 0; r >= 0 && i < CG_CONTROLLER_MAX; i++) {
                _cleanup_free_ char *path = NULL;
                if (!cg_supported(i))
                        continue;
                r = cg_kernel_path(i, ct_cg_rel_for(x->ct, i), &path);
                if (r < 0)
                        return prop_cg_failed(x, "cgroups", r);
                r = strbuf_printf(out, "%s%s: %s", first ? "" : "; ", cg_controller_to_string(i), path);
                first = false;
        }
        return r;
}


/* ---- thread_limit ---- */

static int get_thread_limit(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_u64(out, x->persist ? x->ct->thread_limit : ct_thread_limit(x->ct));
}

static int set_thread_limit(struct prop_ctx *x, const char *value)
{
        bool reset = isempty(value);
        uint64_t v = 0;
        int r;

        if (!reset && (r = pv_parse_uint("thread_limit", value, &v, x->e)) < 0)
                return r;
        r = prop_live(x, "thread_limit", CG_PIDS);
        if (r > 0) {
                uint64_t eff = reset && x->ct->level == 1 ? CT_FIRST_LEVEL_THREAD_LIMIT : v;
                r = cg_set_pids_limit(x->ct->name, eff);
                if (r < 0)
                        return prop_cg_refused(x, "thread_limit", CG_FEAT_PIDS_LIMIT, r);
        }
        if (r < 0)
                return r;
        x->ct->thread_limit = v;
        return reset ? 1 : 0;
}

/* ---- oom_score_adj ---- */

static int get_oom_score_adj(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_i64(out, x->ct->oom_score_adj);
}

static int set_oom_score_adj(struct prop_ctx *x, const char *value)
{
        int64_t v;
        int r = pv_parse_int_min("oom_score_adj", value, -1000, &v, x->e);

        if (r < 0)
                return r;
        if (v > 1000)
                return pv_invalid(x->e, "oom_score_adj", value, "is not in -1000..1000");
        if (ct_is_root(x->ct))
                return perror_set(x->e, EERROR_PERMISSION, -EPERM, "oom_score_adj cannot be set for the root container");
        if (x->ct->state == CT_RUNNING || x->ct->state == CT_PAUSED) {
                r = ct_apply_oom_score_adj(x->ct, (int)v);
                if (r == -EACCES)
                        return perror_set(x->e, EERROR_PERMISSION, r, "oom_score_adj: lowering it below what the "
                                          "tasks had needs CAP_SYS_RESOURCE, which portod lacks");
                if (r < 0)
                        return perror_set_errno(x->e, EERROR_UNKNOWN, r, "oom_score_adj: cannot apply");
        }
        x->ct->oom_score_adj = (int)v;
        return 0;
}

/* ---- hierarchical totals ---- */

static uint64_t oom_kills_subtree(const struct container *ct)
{
        uint64_t v = 0, sum = 0;

        for (size_t i = 0; i < ct->n_children; i++)
                sum += oom_kills_subtree(ct->children[i]);
        if (ct_is_root(ct) || ((ct_cg_mask(ct) & (1u << CG_MEMORY)) && prop_cgroups_exist(ct)))
                if (cg_memory_oom_kills(ct_cg_rel(ct), &v) >= 0)
                        sum += v;
        return sum;
}

static int get_oom_kills_total(struct prop_ctx *x, struct strbuf *out)
{
        if (!cg_has_feature(CG_FEAT_OOM_EVENTS))
                return prop_not_supported(x, "oom_kills_total", CG_FEAT_OOM_EVENTS);
        /* v1 counts per cgroup; v2 already counts the subtree */
        if (cg_is_v2()) {
                uint64_t v;
                int r = cg_memory_oom_kills(prop_rel_for(x, CG_MEMORY), &v);
                return r < 0 ? prop_cg_failed(x, "oom_kills_total", r) : pv_format_u64(out, v);
        }
        return pv_format_u64(out, oom_kills_subtree(x->ct));
}

/* ---- hugetlb ---- */

static int get_hugetlb_usage(struct prop_ctx *x, struct strbuf *out)
{
        uint64_t v;
        int r;

        if (!cg_has_feature(CG_FEAT_HUGETLB))
                return prop_not_supported(x, "hugetlb_usage", CG_FEAT_HUGETLB);
        r = cg_hugetlb_usage(prop_rel_for(x, CG_HUGETLB), &v);
        return r < 0 ? prop_cg_refused(x, "hugetlb_usage", CG_FEAT_HUGETLB, r) : pv_format_u64(out, v);
}

/* ---- oom_is_fatal, pressurize_on_death ---- */

static int get_oom_is_fatal(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_bool(out, x->ct->oom_is_fatal);
}

static int set_oom_is_fatal(struct prop_ctx *x, const char *value)
{
        return pv_parse_bool("oom_is_fatal", value, &x->ct->oom_is_fatal, x->e);
}

static int get_pressurize_on_death(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_bool(out, x->ct->pressurize_on_death);
}

static int set_pressurize_on_death(struct prop_ctx *x, const char *value)
{
        bool v;
        int r = pv_parse_bool("pressurize_on_death", value, &v, x->e);

        if (r < 0)
                return r;
        if (v && !cg_has_feature(CG_FEAT_MEMORY_SOFT_LIMIT))
                return prop_not_supported(x, "pressurize_on_death", CG_FEAT_MEMORY_SOFT_LIMIT);
        x->ct->pressurize_on_death = v;
        if (prop_cgroups_exist(x->ct) && (ct_cg_mask(x->ct) & (1u << CG_MEMORY))) {
                if (v)
                        ct_pressurize(x->ct);
                else
                        (void) cg_set_memory_soft_limit(x->ct->name, 0);
        }
        return 0;
}

static int get_memory_guarantee_total(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_u64(out, ct_memory_guarantee_total(x->ct));
}

static int get_anon_limit_total(struct prop_ctx *x, struct strbuf *out _unused_)
{
        return prop_not_supported(x, "anon_limit_total", CG_FEAT_ANON_LIMIT);
}

/* ---- virtual_memory: /proc/PID/status of the container's own processes ---- */

static const struct {
        const char *type;
        const char *field;      /* in /proc/PID/status, kB; NULL: count */
} vm_fields[] = {
        { "count", NULL },
        { "size", "VmSize:" },
        { "max_size", "VmPeak:" },
        { "used", "VmRSS:" },
        { "max_used", "VmHWM:" },
        { "anon", "RssAnon:" },
        { "file", "RssFile:" },
        { "shmem", "RssShmem:" },
        { "huge", "HugetlbPages:" },
        { "swap", "VmSwap:" },
        { "locked", "VmLck:" },
        { "data", "VmData:" },
        { "stack", "VmStk:" },
        { "code", "VmExe:" },
        { "table", "VmPTE:" },
};

static void vm_add_process(pid_t pid, uint64_t *sum)
{
        _cleanup_free_ char *data = NULL;
        char path[64];

        snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
        if (read_file(path, 16384, &data, NULL) < 0)
                return;         /* gone meanwhile */
        /* kernel threads have no Vm lines: they count but add nothing */
        sum[0]++;
        for (size_t i = 1; i < ELEMENTSOF(vm_fields); i++) {
                const char *line = strstr(data, vm_fields[i].field);
                unsigned long long kb;
                if (line && sscanf(line + strlen(vm_fields[i].field), " %llu", &kb) == 1)
                        sum[i] += kb * 1024;
        }
}

static int get_virtual_memory(struct prop_ctx *x, struct strbuf *out)
{
        _cleanup_free_ pid_t *pids = NULL;
        uint64_t sum[ELEMENTSOF(vm_fields)] = { 0 };
        size_t n = 0;
        int r = cg_get_pids(CG_FREEZER, ct_cg_rel(x->ct), false, &pids, &n);

        if (r < 0)
                return prop_cg_failed(x, "virtual_memory", r);
        for (size_t i = 0; i < n; i++)
                vm_add_process(pids[i], sum);
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(vm_fields); i++) {
                if (x->index && !streq(x->index, vm_fields[i].type))
                        continue;
                r = x->index ? pv_format_u64(out, sum[i])
                             : strbuf_printf(out, "%s%s: %" PRIu64, i ? "; " : "", vm_fields[i].type, sum[i]);
                if (x->index)
                        return r;
        }
        if (x->index)
                return perror_set(x->e, EERROR_INVALID_PROPERTY, -EINVAL, "virtual_memory[%s]: unknown type", x->index);
        return r;
}

/* ---- hugetlb_limit: kept and applied at start like the other limits ---- */

static int get_hugetlb_limit(struct prop_ctx *x, struct strbuf *out)
{
        /* the manual: the root shows the hugetlb total size */
        if (ct_is_root(x->ct))
                return pv_format_u64(out, host_hugetlb_total());
        if (!cg_has_feature(CG_FEAT_HUGETLB))
                return prop_not_supported(x, "hugetlb_limit", CG_FEAT_HUGETLB);
        return pv_format_u64(out, x->ct->hugetlb_limit);
}

static int set_hugetlb_limit(struct prop_ctx *x, const char *value)
{
        uint64_t v = 0;
        int r;

        if (!cg_has_feature(CG_FEAT_HUGETLB))
                return prop_not_supported(x, "hugetlb_limit", CG_FEAT_HUGETLB);
        if (!isempty(value) && (r = pv_parse_size("hugetlb_limit", value, UINT64_MAX, &v, x->e)) < 0)
                return r;
        r = prop_live(x, "hugetlb_limit", CG_HUGETLB);
        if (r > 0 && (r = cg_set_hugetlb_limit(x->ct->name, v)) < 0)
                return prop_cg_refused(x, "hugetlb_limit", CG_FEAT_HUGETLB, r);
        if (r < 0)
                return r;
        x->ct->hugetlb_limit = v;
        return v ? 0 : 1;
}

#define RT (PROP_RO | PROP_RUNTIME)
#define CFG (PROP_PERSIST | PROP_DYNAMIC)

struct prop prop_resources_table[] = {
        { "memory_usage", "current memory usage in bytes", RT, get_memory_usage, NULL, 0 },
        { "anon_usage", "current anonymous memory usage in bytes (anon, shmem, swap)", RT, get_anon_usage, NULL, 0 },
        { "cache_usage", "current page cache usage in bytes", RT, get_cache_usage, NULL, 0 },
        { "anon_max_usage", "peak anon_usage in bytes, set to empty for reset (offstream kernel feature)",
          PROP_RUNTIME | PROP_DYNAMIC, get_anon_max_usage, set_anon_max_usage, 0 },
        { "max_rss", "alias of anon_max_usage (offstream kernel feature)", PROP_RUNTIME | PROP_DYNAMIC,
          get_anon_max_usage, set_anon_max_usage, 0 },
        { "minor_faults", "minor page faults (file cache hits)", RT, get_minor_faults, NULL, 0 },
        { "major_faults", "major page faults (reads from disk)", RT, get_major_faults, NULL, 0 },
        { "oom_kills", "OOM kills in the memory cgroup of the container", RT, get_oom_kills, NULL, 0 },
        { "memory_limit", "memory limit in bytes (8M, 1.5G); 0 = unlimited, first level default: "
          "max(total - 2G, total * 3/4)", CFG, get_memory_limit, set_memory_limit, 0 },
        { "memory_limit_total", "effective memory limit: minimum over the container and its parents",
          PROP_RO, get_memory_limit_total, NULL, 0 },
        { "memory_guarantee", "guarantee for memory_usage in bytes, default 0; the sum over the tree may not pass "
          "host memory - hugetlb - daemon.memory_guarantee_reserve (2G); reclaim protection needs memory.low "
          "(v2) or the offstream low_limit_in_bytes, else it is only accounted", CFG,
          get_memory_guarantee, set_memory_guarantee, 0 },
        { "anon_limit", "limit of anon_usage in bytes (offstream kernel feature)", PROP_DYNAMIC,
          get_anon_limit, set_anon_limit, 0 },
        { "anon_only", "keep only anonymous pages, cache goes to the parent (offstream kernel feature)",
          PROP_DYNAMIC, get_anon_only, set_anon_only, 0 },
        { "dirty_limit", "limit of dirty page cache in bytes (offstream kernel feature)", PROP_DYNAMIC,
          get_dirty_limit, set_dirty_limit, 0 },
        { "recharge_on_pgfault", "move cache pages to the container on minor faults (offstream kernel feature)",
          PROP_DYNAMIC, get_recharge_on_pgfault, set_recharge_on_pgfault, 0 },
        { "cpu_usage", "consumed cpu time in nanoseconds", RT, get_cpu_usage, NULL, 0 },
        { "thread_limit", "limit of threads (pids cgroup); 0 = unlimited, first level default 10000", CFG,
          get_thread_limit, set_thread_limit, 0 },
        { "oom_score_adj", "OOM score adjustment -1000..1000, default 0", CFG,
          get_oom_score_adj, set_oom_score_adj, 0 },
        { "oom_kills_total", "OOM kills in the container and its subcontainers", RT, get_oom_kills_total, NULL, 0 },
        { "hugetlb_usage", "hugetlb memory usage in bytes", RT, get_hugetlb_usage, NULL, 0 },
        { "oom_is_fatal", "kill the whole container on an OOM kill in it, default true", CFG,
          get_oom_is_fatal, set_oom_is_fatal, 0 },
        { "pressurize_on_death", "tiny soft memory limit while dead or a meta container without running children, default false", CFG,
          get_pressurize_on_death, set_pressurize_on_death, 0 },
        { "memory_guarantee_total", "max(memory_guarantee, sum of memory_guarantee_total of the children that are "
          "not stopped)", PROP_RO, get_memory_guarantee_total, NULL, 0 },
        { "anon_limit_total", "effective anon_limit over the parents (offstream kernel feature)", PROP_RO,
          get_anon_limit_total, NULL, 0 },
        { "virtual_memory", "sum over the container's own processes: <type>: <bytes>;... (count, size, "
          "max_size, used, max_used, anon, file, shmem, huge, swap, locked, data, stack, code, table)",
          RT | PROP_INDEXED, get_virtual_memory, NULL, 0 },
        { "hugetlb_limit", "hugetlb (2MB pages) limit in bytes, 0 = unlimited; the root shows the hugetlb "
          "total size", CFG,
          get_hugetlb_limit, set_hugetlb_limit, 0 },
        { "process_count", "current process count", RT, get_process_count, NULL, 0 },
        { "thread_count", "current thread count", RT, get_thread_count, NULL, 0 },
        { "controllers", "enabled cgroup controllers: name;...; controllers[name]=true|false",
          PROP_PERSIST | PROP_INDEXED, get_controllers, set_controllers, 0 },
        { "cgroups", "cgroup paths: <name>: <path>; cgroups[name]", PROP_RO | PROP_INDEXED, get_cgroups, NULL, 0 },
};
const size_t prop_resources_count = ELEMENTSOF(prop_resources_table);
