/* Security of a container at start and at run time: the capability rules
 * applied to the container's configuration (shared/caps.c has the rules),
 * the effective device rules and its devices cgroup (shared/devices.c),
 * what the starter gets (spawn.h). */
#include <stdio.h>
#include "container.h"
#include "prop.h"
#include "spawn.h"
#include "basic/log.h"
#include "shared/caps.h"
#include "shared/cgroup.h"
#include "shared/devices.h"

/* ---- reading other areas' properties by name ----
 * root, net and ip_limit belong to the file system and network areas; read
 * them through the property table, so that this file neither depends on
 * their fields nor breaks while a property does not exist yet. */
static bool prop_text(const struct container *ct, const char *name, char *buf, size_t len)
{
        static struct strbuf b = STRBUF_INIT;
        struct perror e;

        perror_clear(&e);
        if (!prop_find(name) || prop_get(NULL, (struct container *) ct, name, false, &b, &e) < 0)
                return false;
        snprintf(buf, len, "%s", b.s ? b.s : "");
        return true;
}

static bool has_chroot(const struct container *ct)
{
        char v[4096];

        return prop_text(ct, "root", v, sizeof(v)) && *v && !streq(v, "/");
}

static bool has_netns(const struct container *ct)
{
        char v[4096];

        return prop_text(ct, "net", v, sizeof(v)) && *v && !startswith(v, "inherited") && !startswith(v, "host");
}

static bool has_ip_limit(const struct container *ct)
{
        char v[4096];

        return prop_text(ct, "ip_limit", v, sizeof(v)) && *v && !streq(v, "any");
}

/* ---- capabilities ---- */

static uint64_t host_caps(void)
{
        static uint64_t cached;
        static bool done;

        if (!done) {
                cached = caps_host();
                done = true;
        }
        return cached;
}

static void caps_context_of(const struct container *ct, struct caps_context *x)
{
        *x = (struct caps_context) {
                .owner_root = ct->owner_uid == 0,
                .has_limit = prop_name_is_set(ct, "capabilities"),
                .limit = ct->cap_limit,
        };
        for (const struct container *c = ct; c && !ct_is_root(c); c = c->parent) {
                x->chroot = x->chroot || has_chroot(c);
                x->isolate = x->isolate || ct_isolated(c);
                x->memory_limit = x->memory_limit || c->memory_limit;
                x->net_isolate = x->net_isolate || has_netns(c);
                x->ip_limit = x->ip_limit || has_ip_limit(c);
        }
}

void ct_caps_allowed(const struct container *ct, uint64_t *ret_allowed, uint64_t *ret_ambient_allowed)
{
        struct caps_context x;
        uint64_t pa, pamb;

        if (ct_is_root(ct)) {
                *ret_allowed = *ret_ambient_allowed = host_caps();
                return;
        }
        ct_caps_allowed(ct->parent, &pa, &pamb);
        caps_context_of(ct, &x);
        x.parent_allowed = pa;
        caps_compute(&x, ret_allowed, ret_ambient_allowed);
}

int ct_security_spawn(const struct container *ct, struct spawn_config *cfg, struct perror *e)
{
        uint64_t allowed, ambient;
        int r;

        if (ct->has_task_groups) {
                cfg->groups = ct->task_groups;
                cfg->n_groups = ct->n_task_groups;
        }
        /* An unprivileged daemon has nothing to hand out or drop. */
        if (geteuid() != 0)
                return 0;
        ct_caps_allowed(ct, &allowed, &ambient);
        /* virt_mode=host: no restrictions of its own, but never beyond the
         * parent's (a porto client inside a container could escape them). */
        if (ct->virt_mode == VIRT_HOST) {
                if (ct_is_root(ct->parent))
                        return 0;
                ct_caps_allowed(ct->parent, &allowed, &ambient);
                ambient = allowed;
        }
        r = caps_check_subset("capabilities_ambient", ct->cap_ambient, ambient, e);
        if (r < 0)
                return r;
        cfg->set_caps = true;
        cfg->cap_bounding = allowed;
        cfg->cap_ambient = ct->cap_ambient;
        return 0;
}

/* ---- devices ---- */

static int merge_text(struct dev_set *s, const char *text, struct perror *e)
{
        struct dev_set add = { NULL, 0 };
        int r;

        if (isempty(text))
                return 0;
        r = dev_parse(text, config->device_presets, config->n_device_presets, &add, e);
        if (r >= 0 && dev_merge(s, &add) < 0)
                r = perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        dev_set_done(&add);
        return r;
}

static int merge_chain(const struct container *ct, struct dev_set *s)
{
        int r;

        if (!ct || ct_is_root(ct))
                return 0;
        r = merge_chain(ct->parent, s);
        if (r < 0 || !ct->devices)
                return r;
        return dev_merge(s, ct->devices);
}

int ct_devices_effective(const struct container *ct, struct dev_set *ret, struct perror *e)
{
        struct dev_set s = { NULL, 0 };
        int r;

        if (dev_defaults(&s) < 0)
                return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        r = merge_text(&s, config->extra_devices, e);
        if (r >= 0 && merge_chain(ct, &s) < 0)
                r = perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        if (r >= 0)
                r = dev_resolve(&s, e);
        if (r < 0) {
                dev_set_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}

/* The manual: only a first-level container turns device control off;
 * below it controllers[devices]=false just means no cgroup of its own. */
bool ct_devices_off(const struct container *ct)
{
        for (; ct && !ct_is_root(ct); ct = ct->parent)
                if (ct->level == 1)
                        return ct->cg_disabled & (1u << CG_DEVICES);
        return false;
}

bool ct_devices_wanted(const struct container *ct)
{
        if (ct->devices)
                return true;
        for (size_t i = 0; i < ct->n_children; i++)
                if (ct_devices_wanted(ct->children[i]))
                        return true;
        return false;
}

int ct_devices_apply(struct container *ct, struct perror *e)
{
        _cleanup_free_ char *path = NULL;
        struct dev_set *eff;
        int r;

        if (ct_devices_off(ct)) {
                if (has_chroot(ct) || ct->devices)
                        return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                          "controllers[devices]=false is only for containers without root and "
                                          "without devices");
                return 0;
        }
        /* virt_mode=host: no device rules of its own, never beyond the
         * parent's: a v1 devices cgroup starts with a copy of its parent's
         * list. */
        if (ct->virt_mode == VIRT_HOST && !ct->devices)
                return 0;
        if (!(ct_cg_mask(ct) & (1u << CG_DEVICES)) || ct_is_root(ct)) {
                if (ct->devices && ct->state == CT_STARTING)
                        return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                          "devices: %s has controllers[devices]=false, the rules cannot apply",
                                          ct->name);
                if (ct->devices)
                        return perror_set(e, EERROR_INVALID_STATE, -EBUSY,
                                          "devices: %s has no devices cgroup of its own while running; set "
                                          "devices before the start",
                                          ct->name);
                return 0;
        }
        eff = calloc(1, sizeof(*eff));
        if (!eff)
                return -ENOMEM;
        r = ct_devices_effective(ct, eff, e);
        if (r >= 0) {
                r = cg_path(CG_DEVICES, ct->name, &path);
                if (r < 0)
                        r = perror_set_errno(e, EERROR_UNKNOWN, r, "devices: no cgroup for %s", ct->name);
        }
        if (r >= 0)
                r = ct->devices_applied && ct->state != CT_STARTING
                            ? dev_cgroup_update(path, ct->devices_applied, eff, e)
                            : dev_cgroup_apply(path, eff, e);
        if (r < 0) {
                dev_set_done(eff);
                free(eff);
                return r;
        }
        if (ct->devices_applied) {
                dev_set_done(ct->devices_applied);
                free(ct->devices_applied);
        }
        ct->devices_applied = eff;
        return 0;
}

void ct_security_free(struct container *ct)
{
        struct dev_set *sets[] = { ct->devices, ct->devices_applied };

        for (size_t i = 0; i < ELEMENTSOF(sets); i++)
                if (sets[i]) {
                        dev_set_done(sets[i]);
                        free(sets[i]);
                }
        ct->devices = ct->devices_applied = NULL;
        free(ct->task_groups);
        ct->task_groups = NULL;
        free(ct->porto_namespace);
        ct->porto_namespace = NULL;
}
