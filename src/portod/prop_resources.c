/* Resource usage and cgroups: memory_usage, cpu_usage, process_count,
 * thread_count, controllers, cgroups. */
#include <inttypes.h>
#include "prop.h"
#include "shared/cgroup.h"

static int cg_failed(struct prop_ctx *x, const char *what, int r)
{
        return perror_set_errno(x->e, EERROR_UNKNOWN, r, "%s: cannot read the cgroup of %s", what, x->ct->name);
}

static int get_memory_usage(struct prop_ctx *x, struct strbuf *out)
{
        uint64_t v;
        int r = cg_memory_usage(ct_cg_rel(x->ct), &v);
        return r < 0 ? cg_failed(x, "memory_usage", r) : pv_format_u64(out, v);
}

static int get_cpu_usage(struct prop_ctx *x, struct strbuf *out)
{
        uint64_t v;
        int r = cg_cpu_usage(ct_cg_rel(x->ct), &v);
        return r < 0 ? cg_failed(x, "cpu_usage", r) : pv_format_u64(out, v);
}

static int get_count(struct prop_ctx *x, struct strbuf *out, bool threads)
{
        uint64_t v;
        int r = cg_count_tasks(CG_FREEZER, ct_cg_rel(x->ct), threads, &v);
        return r < 0 ? cg_failed(x, threads ? "thread_count" : "process_count", r) : pv_format_u64(out, v);
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
                return r < 0 ? cg_failed(x, "cgroups", r) : strbuf_append(out, path);
        }
        for (int i = 0; r >= 0 && i < CG_CONTROLLER_MAX; i++) {
                _cleanup_free_ char *path = NULL;
                if (!cg_supported(i))
                        continue;
                r = cg_kernel_path(i, ct_cg_rel_for(x->ct, i), &path);
                if (r < 0)
                        return cg_failed(x, "cgroups", r);
                r = strbuf_printf(out, "%s%s: %s", first ? "" : "; ", cg_controller_to_string(i), path);
                first = false;
        }
        return r;
}

struct prop prop_resources_table[] = {
        { "memory_usage", "current memory usage in bytes", PROP_RO | PROP_RUNTIME, get_memory_usage, NULL, 0 },
        { "cpu_usage", "consumed cpu time in nanoseconds", PROP_RO | PROP_RUNTIME, get_cpu_usage, NULL, 0 },
        { "process_count", "current process count", PROP_RO | PROP_RUNTIME, get_process_count, NULL, 0 },
        { "thread_count", "current thread count", PROP_RO | PROP_RUNTIME, get_thread_count, NULL, 0 },
        { "controllers", "enabled cgroup controllers; controllers[name]", PROP_RO | PROP_INDEXED,
          get_controllers, NULL, 0 },
        { "cgroups", "cgroup paths: <name>: <path>; cgroups[name]", PROP_RO | PROP_INDEXED, get_cgroups, NULL, 0 },
};
const size_t prop_resources_count = ELEMENTSOF(prop_resources_table);
