/* Property table machinery: one sorted table built from the area tables,
 * name parsing (labels, raw cgroup knobs, name[index]) and the access rules
 * of getProperty/setProperty (spec/protocol.md 10.7, 10.8). */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include "prop.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/name.h"
#include "shared/cgroup.h"

static const struct prop **props;
static size_t n_props;

static int prop_cmp(const void *a, const void *b)
{
        const struct prop *const *pa = a, *const *pb = b;
        return strcmp((*pa)->name, (*pb)->name);
}

int prop_init(void)
{
        struct {
                struct prop *table;
                size_t n;
        } areas[] = {
                { prop_core_table, prop_core_count },
                { prop_process_table, prop_process_count },
                { prop_state_table, prop_state_count },
                { prop_resources_table, prop_resources_count },
                { prop_cpu_io_table, prop_cpu_io_count },
                { prop_fs_table, prop_fs_count },
                { prop_security_table, prop_security_count },
        };
        size_t total = 0, k = 0;

        if (props)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(areas); i++)
                total += areas[i].n;
        if (total > PROP_SET_WORDS * 64)
                return log_error_errno(-E2BIG, "property table too large (%zu)", total);
        props = calloc(total, sizeof(*props));
        if (!props)
                return -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(areas); i++)
                for (size_t j = 0; j < areas[i].n; j++) {
                        areas[i].table[j].bit = k;
                        props[k++] = &areas[i].table[j];
                }
        n_props = total;
        qsort(props, n_props, sizeof(*props), prop_cmp);
        for (size_t i = 1; i < n_props; i++)
                if (streq(props[i - 1]->name, props[i]->name))
                        return log_error_errno(-EEXIST, "property %s defined twice", props[i]->name);
        return 0;
}

const struct prop *prop_find(const char *name)
{
        size_t lo = 0, hi = n_props;

        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                int c = strcmp(name, props[mid]->name);
                if (c == 0)
                        return props[mid];
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return NULL;
}

const struct prop *const *prop_all(size_t *ret_n)
{
        *ret_n = n_props;
        return props;
}

void prop_mark(struct container *ct, const struct prop *p, bool set)
{
        uint64_t bit;

        if (!p)
                return;
        bit = UINT64_C(1) << (p->bit % 64);
        if (set)
                ct->prop_set[p->bit / 64] |= bit;
        else
                ct->prop_set[p->bit / 64] &= ~bit;
}

bool prop_name_is_set(const struct container *ct, const char *name)
{
        const struct prop *p = prop_find(name);
        return p && prop_is_set(ct, p);
}

/* "name[index]" → name, index; index NULL when there is none. Returns
 * -EINVAL for an empty index. Writes into buf. */
static int split_index(const char *property, char *buf, size_t len, const char **ret_index)
{
        const char *open;
        size_t n = strlen(property);

        if (n >= len)
                return -ENAMETOOLONG;
        memcpy(buf, property, n + 1);
        *ret_index = NULL;
        if (n == 0 || property[n - 1] != ']')
                return 0;
        open = strchr(property, '[');
        if (!open)
                return 0;
        buf[open - property] = 0;
        buf[n - 1] = 0;
        *ret_index = buf + (open - property) + 1;
        if (!**ret_index)
                return -EINVAL;
        return 0;
}

/* Rule 2 of 10.7: "FOO.bar" or ".FOO.bar" (upper-case prefix) is a label. */
static bool is_label_name(const char *name)
{
        const char *dot = strchr(name, '.');

        if (!dot)
                return false;
        if (dot == name)
                return true;
        for (const char *p = name; p < dot; p++)
                if (!isupper((unsigned char)*p))
                        return false;
        return true;
}

static bool state_runtime(enum ct_state s)
{
        return s != CT_STOPPED && s != CT_STARTING;
}

static bool state_dead(enum ct_state s)
{
        return s == CT_DEAD || s == CT_RESPAWNING;
}

/* Rule 3 of 10.7: "<controller>.<knob>" read through the cgroup module,
 * which refuses names with '/' or "..". "cgroup.*" files are read in the
 * freezer cgroup, the one every container has. */
static int get_cgroup_knob(struct container *ct, const char *property, struct strbuf *out,
                           struct perror *e)
{
        _cleanup_free_ char *data = NULL;
        const char *dot = strchr(property, '.');
        char controller[32];
        enum cg_controller c;
        size_t len;
        int r;

        if ((size_t)(dot - property) >= sizeof(controller))
                return perror_set(e, EERROR_INVALID_PROPERTY, -EINVAL, "unknown property \"%s\"", property);
        memcpy(controller, property, dot - property);
        controller[dot - property] = 0;
        if (streq(controller, "cgroup"))
                c = CG_FREEZER;
        else if (cg_controller_from_string(controller, &c) < 0)
                return perror_set(e, EERROR_INVALID_PROPERTY, -EINVAL,
                                  "unknown property \"%s\": no property and no cgroup controller \"%s\"",
                                  property, controller);
        if (!cg_supported(c))
                return perror_set(e, EERROR_INVALID_PROPERTY, -EOPNOTSUPP,
                                  "%s: controller %s is not available on this host", property, controller);
        if (!ct_is_root(ct) && !state_runtime(ct->state))
                return perror_set(e, EERROR_INVALID_STATE, -EINVAL,
                                  "%s: not available in state %s", property, ct_state_to_string(ct->state));
        /* a container without a cgroup of its own in c shares its parent's */
        r = cg_read_knob(ct_cg_rel_for(ct, c), property, &data);
        if (r == -EINVAL || r == -EOPNOTSUPP || r == -EISDIR)
                return perror_set(e, EERROR_INVALID_PROPERTY, r, "unknown property \"%s\": %s", property,
                                  r == -EINVAL ? "not a cgroup file name" : "the cgroup has no such file");
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "%s: cannot read", property);
        len = strlen(data);
        while (len > 0 && data[len - 1] == '\n')
                len--;
        return strbuf_append_n(out, data, len);
}

int prop_get(struct request *req, struct container *ct, const char *property, bool real,
             struct strbuf *out, struct perror *e)
{
        char name[256];
        const char *index;
        const struct prop *p;
        struct prop_ctx x = { .req = req, .ct = ct, .e = e };
        int r;

        strbuf_reset(out);
        r = split_index(property, name, sizeof(name), &index);
        if (r < 0)
                return perror_set(e, EERROR_INVALID_PROPERTY, r, "invalid property name \"%s\"", property);

        if (!index && is_label_name(name)) {
                const char *v = ct_label_find(ct, name);
                if (!v)
                        return perror_set(e, EERROR_LABEL_NOT_FOUND, -ENOENT, "label %s is not set", name);
                return strbuf_append(out, v);
        }
        p = prop_find(name);
        if (!p) {
                if (!index && strchr(name, '.'))
                        return get_cgroup_knob(ct, name, out, e);
                return perror_set(e, EERROR_INVALID_PROPERTY, -EINVAL, "unknown property \"%s\"", name);
        }
        if (index && !(p->flags & PROP_INDEXED))
                return perror_set(e, EERROR_INVALID_PROPERTY, -EINVAL, "property %s has no index", name);
        if (!p->get)
                return perror_set(e, EERROR_NOT_SUPPORTED, -EOPNOTSUPP, "property %s cannot be read", name);
        if ((p->flags & PROP_RUNTIME) && !state_runtime(ct->state))
                return perror_set(e, EERROR_INVALID_STATE, -EINVAL, "%s is not available in state %s",
                                  name, ct_state_to_string(ct->state));
        if ((p->flags & PROP_DEAD) && !state_dead(ct->state))
                return perror_set(e, EERROR_INVALID_STATE, -EINVAL, "%s is available only in state dead, not %s",
                                  name, ct_state_to_string(ct->state));
        if (real && (p->flags & PROP_PERSIST) && !prop_is_set(ct, p))
                return perror_set(e, EERROR_NO_VALUE, -ENODATA, "%s is not set", name);
        x.index = index;
        r = p->get(&x, out);
        if (r < 0 && e->code == EERROR_SUCCESS)
                perror_set_errno(e, EERROR_UNKNOWN, r, "%s: cannot read", name);
        return r;
}

static int prop_apply(struct prop_ctx *x, const struct prop *p, const char *value)
{
        int r = p->set(x, value);

        if (r < 0) {
                if (x->e->code == EERROR_SUCCESS)
                        perror_set_errno(x->e, EERROR_UNKNOWN, r, "%s: cannot set", p->name);
                return r;
        }
        prop_mark(x->ct, p, r == 0);
        return 0;
}

/* Old names still sent by clients (10.8); value maps: "0" -> first, else second. */
static const struct {
        const char *legacy, *name, *if_zero, *otherwise;
} legacy_names[] = {
        { "cpu.smart", "cpu_policy", "normal", "rt" },
        { "memory.limit_in_bytes", "memory_limit", NULL, NULL },
        { "memory.low_limit_in_bytes", "memory_guarantee", NULL, NULL },
        { "memory.recharge_on_pgfault", "recharge_on_pgfault", "false", "true" },
};

static void translate_legacy(const char **property, const char **value)
{
        for (size_t i = 0; i < ELEMENTSOF(legacy_names); i++) {
                if (!streq(*property, legacy_names[i].legacy))
                        continue;
                *property = legacy_names[i].name;
                if (legacy_names[i].if_zero)
                        *value = streq(*value, "0") ? legacy_names[i].if_zero : legacy_names[i].otherwise;
                return;
        }
}

int prop_set(struct request *req, struct container *ct, const char *property, const char *value,
             struct perror *e)
{
        _cleanup_free_ char *v = strdup(value ? value : "");
        char name[256];
        const char *index, *trimmed;
        const struct prop *p;
        struct prop_ctx x = { .req = req, .ct = ct, .e = e };
        int r;

        if (!v)
                return -ENOMEM;
        trimmed = strstrip(v);
        translate_legacy(&property, &trimmed);
        r = split_index(property, name, sizeof(name), &index);
        if (r < 0)
                return perror_set(e, EERROR_INVALID_PROPERTY, r, "invalid property name \"%s\"", property);

        p = prop_find(name);
        if (!p && !index && is_label_name(name)) {
                r = ct_label_set(ct, name, trimmed, true, e);
                if (r < 0)
                        return r;
                ct_touch(ct);
                ct_save(ct);
                return 0;
        }
        if (!p)
                return perror_set(e, EERROR_INVALID_PROPERTY, -EINVAL, "unknown property \"%s\"", name);
        if (index && !(p->flags & PROP_INDEXED))
                return perror_set(e, EERROR_INVALID_PROPERTY, -EINVAL, "property %s has no index", name);
        if ((p->flags & PROP_RO) || !p->set)
                return perror_set(e, EERROR_INVALID_VALUE, -EPERM, "property %s is read-only", name);
        if (!(p->flags & PROP_DYNAMIC) && ct->state != CT_STOPPED)
                return perror_set(e, EERROR_INVALID_STATE, -EBUSY,
                                  "property %s can be changed only in state stopped, not %s",
                                  name, ct_state_to_string(ct->state));
        x.index = index;
        r = prop_apply(&x, p, trimmed);
        if (r < 0)
                return r;
        ct_touch(ct);
        ct_save(ct);
        return 0;
}

int prop_restore(struct container *ct, const char *name, const char *value, struct perror *e)
{
        struct prop_ctx x = { .ct = ct, .e = e };
        const struct prop *p = prop_find(name);

        if (!p || !p->set || !(p->flags & PROP_PERSIST))
                return perror_set(e, EERROR_INVALID_PROPERTY, -EINVAL, "unknown property \"%s\"", name);
        return prop_apply(&x, p, value);
}
