/* Core properties: identity, ownership, labels, private text, weak,
 * respawn and aging. */
#include "prop.h"
#include "basic/name.h"

static int get_id(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_u64(out, x->ct->id);
}

static int get_level(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_u64(out, x->ct->level);
}

static int get_state(struct prop_ctx *x, struct strbuf *out)
{
        return strbuf_append(out, ct_state_to_string(x->ct->state));
}

static int get_absolute_name(struct prop_ctx *x, struct strbuf *out)
{
        if (ct_is_root(x->ct))
                return strbuf_append(out, "/");
        return strbuf_printf(out, "/porto/%s", x->ct->name);
}

static int get_absolute_namespace(struct prop_ctx *x, struct strbuf *out)
{
        char ns[CT_NAME_MAX_SUPERUSER * 2 + 2];
        int r = ct_porto_namespace(x->ct, false, ns, sizeof(ns));

        return r < 0 ? r : strbuf_printf(out, "/porto/%s", ns);
}

static int get_parent(struct prop_ctx *x, struct strbuf *out)
{
        const struct container *p = x->ct->parent;

        if (!p)
                return 0;
        if (ct_is_root(p))
                return strbuf_append(out, "/");
        return strbuf_printf(out, "/porto/%s", p->name);
}

/* ---- private ---- */

#define PRIVATE_MAX 4096

static int get_private(struct prop_ctx *x, struct strbuf *out)
{
        return strbuf_append(out, x->ct->private_value ? x->ct->private_value : "");
}

static int set_private(struct prop_ctx *x, const char *value)
{
        char *v;

        if (strlen(value) > PRIVATE_MAX)
                return perror_set(x->e, EERROR_INVALID_VALUE, -E2BIG,
                                  "private: value is %zu bytes, at most %d allowed", strlen(value), PRIVATE_MAX);
        v = strdup(value);
        if (!v)
                return -ENOMEM;
        free(x->ct->private_value);
        x->ct->private_value = v;
        return *v ? 0 : 1;
}

/* ---- labels ---- */

static int get_labels(struct prop_ctx *x, struct strbuf *out)
{
        const struct container *ct = x->ct;

        if (x->index) {
                const char *v = ct_label_find(ct, x->index);
                if (!v)
                        return perror_set(x->e, EERROR_LABEL_NOT_FOUND, -ENOENT, "label %s is not set", x->index);
                return strbuf_append(out, v);
        }
        return pv_format_labels(out, ct->labels, ct->n_labels);
}

static int set_labels(struct prop_ctx *x, const char *value)
{
        struct container *ct = x->ct;
        _cleanup_strv_free_ char **names = NULL, **values = NULL;
        size_t count = ct->n_labels;
        int r;

        if (x->index) {
                r = ct_label_set(ct, x->index, value, x->req != NULL, x->e);
                if (r < 0)
                        return r;
                return ct->n_labels ? 0 : 1;
        }
        /* check everything first: a failed set changes nothing */
        r = pv_parse_labels(value, &names, &values, x->e);
        if (r < 0)
                return r;
        for (size_t i = 0; names && names[i]; i++) {
                bool exists = ct_label_get(ct, names[i]) != NULL;

                for (size_t j = 0; j < i; j++)
                        if (streq(names[j], names[i]))
                                exists = true;
                if (*values[i] && !exists)
                        count++;
        }
        if (count > LABELS_PER_CONTAINER_MAX)
                return perror_set(x->e, EERROR_RESOURCE_NOT_AVAILABLE, -E2BIG,
                                  "%s: too many labels (at most %d)", ct->name, LABELS_PER_CONTAINER_MAX);
        for (size_t i = 0; names && names[i]; i++) {
                r = ct_label_set(ct, names[i], values[i], x->req != NULL, x->e);
                if (r < 0)
                        return r;
        }
        return ct->n_labels ? 0 : 1;
}

/* ---- weak, respawn, aging ---- */

static int get_weak(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_bool(out, x->ct->weak);
}

static int set_weak(struct prop_ctx *x, const char *value)
{
        int r = pv_parse_bool("weak", value, &x->ct->weak, x->e);
        return r < 0 ? r : 0;
}

static int get_respawn(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_bool(out, x->ct->respawn);
}

static int set_respawn(struct prop_ctx *x, const char *value)
{
        int r = pv_parse_bool("respawn", value, &x->ct->respawn, x->e);
        return r < 0 ? r : 0;
}

static int get_respawn_count(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_u64(out, x->ct->respawn_count);
}

static int set_respawn_count(struct prop_ctx *x, const char *value)
{
        int r = pv_parse_uint("respawn_count", value, &x->ct->respawn_count, x->e);
        return r < 0 ? r : 0;
}

static int get_max_respawns(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_i64(out, x->ct->max_respawns);
}

static int set_max_respawns(struct prop_ctx *x, const char *value)
{
        int r = pv_parse_int_min("max_respawns", value, -1, &x->ct->max_respawns, x->e);
        return r < 0 ? r : 0;
}

static int get_respawn_delay(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_u64(out, x->ct->respawn_delay_ns);
}

static int set_respawn_delay(struct prop_ctx *x, const char *value)
{
        uint64_t v;

        if (pv_parse_duration_ns(value, 1, &v) < 0)
                return pv_invalid(x->e, "respawn_delay", value, "is not a delay in nanoseconds (or 1s, 500ms)");
        x->ct->respawn_delay_ns = v;
        return 0;
}

static int get_aging_time(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_u64(out, x->ct->aging_time_s);
}

static int set_aging_time(struct prop_ctx *x, const char *value)
{
        uint64_t v;

        if (pv_parse_duration_ns(value, 1000000000ULL, &v) < 0)
                return pv_invalid(x->e, "aging_time", value, "is not a time in seconds");
        x->ct->aging_time_s = v / 1000000000ULL;
        if (x->req)
                ct_schedule_aging(x->ct);
        return 0;
}

struct prop prop_core_table[] = {
        { "id", "container id", PROP_RO, get_id, NULL, 0 },
        { "level", "container level, 0 for root", PROP_RO, get_level, NULL, 0 },
        { "state", "container state", PROP_RO, get_state, NULL, 0 },
        { "absolute_name", "full container name including porto namespaces", PROP_RO, get_absolute_name, NULL, 0 },
        { "absolute_namespace", "full container namespace including parent namespaces", PROP_RO,
          get_absolute_namespace, NULL, 0 },
        { "parent", "parent container absolute name", PROP_RO, get_parent, NULL, 0 },
        { "private", "user-defined text, up to 4096 bytes", PROP_PERSIST | PROP_DYNAMIC, get_private, set_private, 0 },
        { "labels",
          "user-defined labels, syntax: <PREFIX.name>: <value>; ... "
          "(a name with ':' needs the blank after its separating ':')",
          PROP_PERSIST | PROP_DYNAMIC | PROP_INDEXED, get_labels, set_labels, 0 },
        { "weak", "destroy the container when its creator's connection closes",
          PROP_PERSIST | PROP_DYNAMIC, get_weak, set_weak, 0 },
        { "respawn", "restart the container automatically after death",
          PROP_PERSIST | PROP_DYNAMIC, get_respawn, set_respawn, 0 },
        { "respawn_count", "how many times the container was respawned", PROP_DYNAMIC,
          get_respawn_count, set_respawn_count, 0 },
        { "max_respawns", "limit for automatic respawns, -1 = unlimited", PROP_PERSIST | PROP_DYNAMIC,
          get_max_respawns, set_max_respawns, 0 },
        { "respawn_delay", "delay before an automatic respawn, nanoseconds", PROP_PERSIST | PROP_DYNAMIC,
          get_respawn_delay, set_respawn_delay, 0 },
        { "aging_time", "seconds before a dead container is destroyed", PROP_PERSIST | PROP_DYNAMIC,
          get_aging_time, set_aging_time, 0 },
};
const size_t prop_core_count = ELEMENTSOF(prop_core_table);
