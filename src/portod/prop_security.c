/* Security properties (manual "Security"): capabilities and their derived
 * sets, task_cred and owner_cred, devices, enable_porto and
 * porto_namespace. Rules shared with the start live in ct_security.c
 * (capability context, effective device rules) and ct_porto_ns.c
 * (namespaces, client access). */
#include <stdio.h>
#include <grp.h>
#include <pwd.h>
#include "prop.h"
#include "basic/log.h"
#include "basic/name.h"
#include "shared/caps.h"
#include "shared/cgroup.h"
#include "shared/devices.h"

static bool client_super(const struct prop_ctx *x)
{
        return !x->req || !x->req->client || client_is_super(x->req->client);
}

/* ---- capabilities ---- */

static int format_caps(struct strbuf *out, uint64_t set)
{
        _cleanup_free_ char *s = caps_format(set);

        return s ? strbuf_append(out, s) : -ENOMEM;
}

static int get_capabilities(struct prop_ctx *x, struct strbuf *out)
{
        uint64_t allowed, ambient;

        if (prop_name_is_set(x->ct, "capabilities"))
                return format_caps(out, x->ct->cap_limit);
        ct_caps_allowed(x->ct, &allowed, &ambient);
        return format_caps(out, allowed);
}

/* What `capabilities` may hold: for a root owner the parent's bounding set,
 * for others what the rules give without the property. */
static uint64_t caps_ceiling(struct container *ct)
{
        uint64_t allowed, ambient, saved = ct->cap_limit;
        const struct prop *p = prop_find("capabilities");
        bool was_set = prop_is_set(ct, p);

        if (ct->owner_uid == 0) {
                ct_caps_allowed(ct->parent, &allowed, &ambient);
                return allowed;
        }
        prop_mark(ct, p, false);
        ct_caps_allowed(ct, &allowed, &ambient);
        prop_mark(ct, p, was_set);
        ct->cap_limit = saved;
        return allowed;
}

static int set_capabilities(struct prop_ctx *x, const char *value)
{
        uint64_t set;
        int r;

        if (!*value) {
                x->ct->cap_limit = 0;
                return 1;
        }
        r = caps_parse(value, &set, x->e);
        if (r < 0)
                return r;
        if (x->req) {
                r = caps_check_subset("capabilities", set, caps_ceiling(x->ct), x->e);
                if (r < 0)
                        return r;
        }
        x->ct->cap_limit = set;
        return 0;
}

static int get_capabilities_allowed(struct prop_ctx *x, struct strbuf *out)
{
        uint64_t allowed, ambient;

        ct_caps_allowed(x->ct, &allowed, &ambient);
        return format_caps(out, allowed);
}

static int get_capabilities_ambient_allowed(struct prop_ctx *x, struct strbuf *out)
{
        uint64_t allowed, ambient;

        ct_caps_allowed(x->ct, &allowed, &ambient);
        return format_caps(out, ambient);
}

static int get_capabilities_ambient(struct prop_ctx *x, struct strbuf *out)
{
        return format_caps(out, x->ct->cap_ambient);
}

static int set_capabilities_ambient(struct prop_ctx *x, const char *value)
{
        uint64_t set, allowed, ambient;
        int r;

        r = caps_parse(value, &set, x->e);
        if (r < 0)
                return r;
        /* A record is restored before the properties the rules look at. */
        if (x->req) {
                ct_caps_allowed(x->ct, &allowed, &ambient);
                r = caps_check_subset("capabilities_ambient", set, ambient, x->e);
                if (r < 0)
                        return r;
        }
        x->ct->cap_ambient = set;
        return set ? 0 : 1;
}

/* ---- task_cred, owner_cred: "uid gid groups..." ---- */

static int format_cred(struct strbuf *out, uid_t uid, gid_t gid, const gid_t *groups, size_t n)
{
        int r = strbuf_printf(out, "%u %u", (unsigned) uid, (unsigned) gid);

        for (size_t i = 0; r >= 0 && i < n; i++)
                r = strbuf_printf(out, " %u", (unsigned) groups[i]);
        return r;
}

/* Supplementary groups of a user from the user database. */
static size_t user_groups(uid_t uid, gid_t gid, gid_t *buf, size_t len)
{
        struct passwd pw, *res = NULL;
        char tmp[2048];
        int n = (int) len;

        if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) != 0 || !res ||
            getgrouplist(res->pw_name, gid, buf, &n) < 0)
                return 0;
        return (size_t) n;
}

static int get_task_cred(struct prop_ctx *x, struct strbuf *out)
{
        const struct container *ct = x->ct;
        gid_t groups[256];
        size_t n;

        if (ct->has_task_groups)
                return format_cred(out, ct->user, ct->group, ct->task_groups, ct->n_task_groups);
        n = user_groups(ct->user, ct->group, groups, ELEMENTSOF(groups));
        return format_cred(out, ct->user, ct->group, groups, n);
}

/* Set through the `user`/`group` rows: one place for their permission rules. */
static int set_via(struct prop_ctx *x, const char *name, const char *value)
{
        const struct prop *p = prop_find(name);
        struct prop_ctx sub = *x;
        int r;

        sub.index = NULL;
        r = p->set(&sub, value);
        if (r >= 0)
                prop_mark(x->ct, p, true);
        return r;
}

static int parse_groups(struct prop_ctx *x, char **items, gid_t **ret, size_t *ret_n)
{
        size_t n = strv_length(items);
        _cleanup_free_ gid_t *g = calloc(n + 1, sizeof(gid_t));
        uid_t cu = 0;
        gid_t cg = 0;

        if (!g)
                return -ENOMEM;
        if (!client_super(x))
                client_cred(x->req->client, &cu, &cg);
        for (size_t i = 0; i < n; i++) {
                if (group_parse(items[i], &g[i]) < 0)
                        return pv_invalid(x->e, "task_cred", items[i], "is not a known group name or gid");
                if (!client_super(x) && g[i] != cg && g[i] != x->ct->owner_gid && !user_in_group(cu, g[i]))
                        return perror_set(x->e, EERROR_PERMISSION, -EPERM,
                                          "task_cred: you are not a member of group %s", items[i]);
        }
        *ret = TAKE_PTR(g);
        *ret_n = n;
        return 0;
}

static int set_task_cred(struct prop_ctx *x, const char *value)
{
        struct container *ct = x->ct;
        _cleanup_strv_free_ char **items = NULL;
        _cleanup_free_ gid_t *groups = NULL;
        uid_t old_user = ct->user;
        gid_t old_group = ct->group;
        size_t n = 0;
        int r;

        r = split_escaped(value, ' ', &items);
        if (r < 0)
                return r;
        if (strv_length(items) < 2)
                return pv_invalid(x->e, "task_cred", value, "is not \"<user> <group> [groups...]\"");
        r = parse_groups(x, items + 2, &groups, &n);
        if (r < 0)
                return r;
        r = set_via(x, "user", items[0]);
        if (r >= 0)
                r = set_via(x, "group", items[1]);
        if (r < 0) {
                ct->user = old_user;
                ct->group = old_group;
                return r;
        }
        free(ct->task_groups);
        ct->task_groups = TAKE_PTR(groups);
        ct->n_task_groups = n;
        ct->has_task_groups = true;
        return 0;
}

/* ---- owner_user, owner_group, owner_cred ----
 * The owner decides what the container's tasks and the requests from
 * inside it may do (auth.c), so a non-root client hands a container only
 * to a user whose containers it controls anyway (itself, porto-containers,
 * <client>-containers: protocol.md 5.2) and to a group it or the owner
 * belongs to. Stopped containers only: the running tasks keep the
 * credentials they started with. */

static int check_owner_user(struct prop_ctx *x, const char *what, uid_t uid, const char *value)
{
        uid_t cu;
        gid_t cg;

        if (client_super(x))
                return 0;
        client_cred(x->req->client, &cu, &cg);
        if (owner_controlled_by(uid, cu))
                return 0;
        return perror_set(x->e, EERROR_PERMISSION, -EPERM,
                          "%s: you may give a container only to a user whose containers you control "
                          "(yourself, members of porto-containers or of <you>-containers), not to %s",
                          what, value);
}

static int check_owner_group(struct prop_ctx *x, const char *what, uid_t owner, gid_t gid, const char *value)
{
        uid_t cu;
        gid_t cg;

        if (client_super(x))
                return 0;
        client_cred(x->req->client, &cu, &cg);
        if (gid == cg || user_in_group(cu, gid) || user_in_group(owner, gid))
                return 0;
        return perror_set(x->e, EERROR_PERMISSION, -EPERM,
                          "%s: neither you nor the owner is a member of group %s", what, value);
}

/* The task credentials follow the owner unless they were set. */
static void set_owner(struct container *ct, uid_t uid, gid_t gid)
{
        if (!prop_name_is_set(ct, "user"))
                ct->user = uid;
        if (!prop_name_is_set(ct, "group"))
                ct->group = gid;
        ct->owner_uid = uid;
        ct->owner_gid = gid;
}

static int get_owner_user(struct prop_ctx *x, struct strbuf *out)
{
        char buf[64];

        return strbuf_append(out, uid_to_name(x->ct->owner_uid, buf, sizeof(buf)));
}

static gid_t primary_gid(uid_t uid, gid_t fallback)
{
        struct passwd pw, *res = NULL;
        char tmp[2048];

        if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) != 0 || !res)
                return fallback;
        return res->pw_gid;
}

/* The group stays when the new owner or the client is in it (or the client
 * is root), as in the original; else it becomes the new owner's own. */
static int set_owner_user(struct prop_ctx *x, const char *value)
{
        gid_t gid = x->ct->owner_gid, cg = gid;
        uid_t uid, cu = 0;
        int r;

        if (user_parse(value, &uid) < 0)
                return pv_invalid(x->e, "owner_user", value, "is not a known user name or uid");
        r = check_owner_user(x, "owner_user", uid, value);
        if (r < 0)
                return r;
        if (!client_super(x)) {
                client_cred(x->req->client, &cu, &cg);
                if (gid != cg && !user_in_group(uid, gid) && !user_in_group(cu, gid))
                        gid = primary_gid(uid, cg);
        }
        set_owner(x->ct, uid, gid);
        return 0;
}

static int get_owner_group(struct prop_ctx *x, struct strbuf *out)
{
        char buf[64];

        return strbuf_append(out, gid_to_name(x->ct->owner_gid, buf, sizeof(buf)));
}

static int set_owner_group(struct prop_ctx *x, const char *value)
{
        gid_t gid;
        int r;

        if (group_parse(value, &gid) < 0)
                return pv_invalid(x->e, "owner_group", value, "is not a known group name or gid");
        r = check_owner_group(x, "owner_group", x->ct->owner_uid, gid, value);
        if (r < 0)
                return r;
        set_owner(x->ct, x->ct->owner_uid, gid);
        return 0;
}

static int get_owner_cred(struct prop_ctx *x, struct strbuf *out)
{
        gid_t groups[256];
        size_t n = user_groups(x->ct->owner_uid, x->ct->owner_gid, groups, ELEMENTSOF(groups));

        return format_cred(out, x->ct->owner_uid, x->ct->owner_gid, groups, n);
}

/* "uid gid [groups...]": the supplementary groups come from the user
 * database (they are shown, not stored); listed ones must exist. */
static int set_owner_cred(struct prop_ctx *x, const char *value)
{
        _cleanup_strv_free_ char **items = NULL;
        uid_t uid;
        gid_t gid, other;
        int r;

        r = split_escaped(value, ' ', &items);
        if (r < 0)
                return r;
        if (strv_length(items) < 2)
                return pv_invalid(x->e, "owner_cred", value, "is not \"<user> <group> [groups...]\"");
        if (user_parse(items[0], &uid) < 0)
                return pv_invalid(x->e, "owner_cred", items[0], "is not a known user name or uid");
        if (group_parse(items[1], &gid) < 0)
                return pv_invalid(x->e, "owner_cred", items[1], "is not a known group name or gid");
        for (size_t i = 2; items[i]; i++)
                if (group_parse(items[i], &other) < 0)
                        return pv_invalid(x->e, "owner_cred", items[i], "is not a known group name or gid");
        r = check_owner_user(x, "owner_cred", uid, items[0]);
        if (r >= 0)
                r = check_owner_group(x, "owner_cred", uid, gid, items[1]);
        if (r < 0)
                return r;
        set_owner(x->ct, uid, gid);
        return 0;
}

/* ---- devices ---- */

static int get_devices(struct prop_ctx *x, struct strbuf *out)
{
        _cleanup_free_ char *s = NULL;

        if (!x->ct->devices)
                return 0;
        s = dev_format(x->ct->devices);
        return s ? strbuf_append(out, s) : -ENOMEM;
}

/* A non-root client grants only what it may do with the host node. */
static int check_host_access(struct prop_ctx *x, const struct dev_set *s)
{
        uid_t uid;
        gid_t gid;

        if (client_super(x))
                return 0;
        client_cred(x->req->client, &uid, &gid);
        for (size_t i = 0; i < s->n; i++) {
                const struct dev_rule *d = &s->rules[i];
                unsigned shift = uid == d->host_uid ? 6 : (gid == d->host_gid || user_in_group(uid, d->host_gid)) ? 3 : 0;
                unsigned may = (d->host_mode >> shift) & 7;

                if (!d->present)
                        continue;
                if (d->access & DEV_ACC_MKNOD)
                        return perror_set(x->e, EERROR_PERMISSION, -EPERM,
                                          "devices: %s: only root may grant m (mknod)", d->device);
                if (((d->access & DEV_ACC_READ) && !(may & 4)) || ((d->access & DEV_ACC_WRITE) && !(may & 2)))
                        return perror_set(x->e, EERROR_PERMISSION, -EPERM,
                                          "devices: %s: you have no such access to the host device", d->device);
        }
        return 0;
}

/* The devices cgroup of ct goes below its parents' ones: a running
 * parent started without one cannot get it any more. */
static int check_parents_cgroup(struct prop_ctx *x)
{
        for (const struct container *p = x->ct->parent; p && !ct_is_root(p); p = p->parent)
                if (prop_cgroups_exist(p) && !(ct_cg_mask(p) & (1u << CG_DEVICES)))
                        return perror_set(x->e, EERROR_INVALID_STATE, -EBUSY,
                                          "devices: %s runs without a devices cgroup of its own; stop it first "
                                          "(or set devices on it)",
                                          p->name);
        return 0;
}

static int check_devices(struct prop_ctx *x, struct dev_set *s)
{
        struct container *ct = x->ct;
        struct dev_set parent = { NULL, 0 };
        uid_t uid = 0;
        gid_t gid;
        int r;

        if (s->n) {
                r = check_parents_cgroup(x);
                if (r < 0)
                        return r;
        }

        r = dev_resolve(s, x->e);
        if (r < 0)
                return r;
        if (!client_super(x))
                client_cred(x->req->client, &uid, &gid);
        r = dev_check_owner_change(s, uid, x->e);
        if (r < 0)
                return r;
        if (ct_is_root(ct->parent))
                return check_host_access(x, s);
        r = ct_devices_effective(ct->parent, &parent, x->e);
        if (r >= 0)
                r = dev_check_subset(s, &parent, x->e);
        dev_set_done(&parent);
        return r;
}

static void dev_set_free(struct dev_set *s)
{
        if (s) {
                dev_set_done(s);
                free(s);
        }
}

/* A container restored by a new worker has no record of its cgroup's
 * rules: they are the effective set of the current value. */
static void remember_applied(struct container *ct)
{
        struct dev_set *now = calloc(1, sizeof(*now));
        struct perror ignored;

        perror_clear(&ignored);
        if (now && ct_devices_effective(ct, now, &ignored) >= 0)
                ct->devices_applied = now;
        else
                free(now);
}

static int set_devices(struct prop_ctx *x, const char *value)
{
        struct container *ct = x->ct;
        struct dev_set *s = calloc(1, sizeof(*s)), *old = ct->devices;
        bool live = x->req && prop_cgroups_exist(ct);
        int r;

        if (!s)
                return -ENOMEM;
        r = dev_parse(value, config->device_presets, config->n_device_presets, s, x->e);
        if (r >= 0 && x->req && ct_devices_off(ct) && (s->n || old))
                r = perror_set(x->e, EERROR_PERMISSION, -EPERM,
                               "devices: device access control is off (controllers[devices]=false), devices "
                               "must stay unchanged");
        /* Rules applied over the parent's copy, or lifted again, would
         * not reach its children's cgroups. */
        if (r >= 0 && live && ct->virt_mode == VIRT_HOST)
                r = perror_set(x->e, EERROR_INVALID_STATE, -EBUSY,
                               "devices: of a virt_mode=host container change only while it is stopped");
        if (r >= 0 && x->req)
                r = check_devices(x, s);
        if (r < 0) {
                dev_set_free(s);
                return r;
        }
        if (!s->n) {
                dev_set_free(s);
                s = NULL;
        }
        if (live && !ct->devices_applied)
                remember_applied(ct);
        ct->devices = s;
        if (live && (r = ct_devices_apply(ct, x->e)) < 0) {
                ct->devices = old;
                dev_set_free(s);
                return r;
        }
        dev_set_free(old);
        return ct->devices ? 0 : 1;
}

/* ---- enable_porto, porto_namespace ---- */

static const struct {
        const char *name;
        int level;
} access_names[] = {
        { "true", PORTO_ACCESS_FULL },
        { "full", PORTO_ACCESS_FULL },
        { "false", PORTO_ACCESS_NONE },
        { "none", PORTO_ACCESS_NONE },
        { "read-isolate", PORTO_ACCESS_READ_ISOLATE },
        { "read-only", PORTO_ACCESS_READ_ONLY },
        { "isolate", PORTO_ACCESS_ISOLATE },
        { "child-only", PORTO_ACCESS_CHILD_ONLY },
};

static int get_enable_porto(struct prop_ctx *x, struct strbuf *out)
{
        for (size_t i = 0; i < ELEMENTSOF(access_names); i++)
                if (access_names[i].level == x->ct->enable_porto)
                        return strbuf_append(out, access_names[i].name);
        return strbuf_append(out, "true");
}

static int set_enable_porto(struct prop_ctx *x, const char *value)
{
        for (size_t i = 0; i < ELEMENTSOF(access_names); i++)
                if (streq(value, access_names[i].name)) {
                        x->ct->enable_porto = access_names[i].level;
                        ct_porto_ns_changed();
                        return access_names[i].level == PORTO_ACCESS_FULL ? 1 : 0;
                }
        return pv_invalid(x->e, "enable_porto", value,
                          "is not one of false, none, read-isolate, read-only, isolate, child-only, true, full");
}

static int get_porto_namespace(struct prop_ctx *x, struct strbuf *out)
{
        return strbuf_append(out, x->ct->porto_namespace ? x->ct->porto_namespace : "");
}

/* A "." or ".." component: names never have them, the prefix would hide
 * everything or suggest a way up. */
static bool has_dot_component(const char *value)
{
        for (const char *p = value; *p; p = strchrnul(p, '/'), p += *p == '/') {
                size_t len = strcspn(p, "/");

                if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
                        return true;
        }
        return false;
}

static int set_porto_namespace(struct prop_ctx *x, const char *value)
{
        char *v = NULL;

        if (strlen(value) > CT_NAME_MAX)
                return pv_invalid(x->e, "porto_namespace", value, "is too long");
        for (const char *p = value; *p; p++)
                if (!name_char_valid(*p) && *p != '/')
                        return pv_invalid(x->e, "porto_namespace", value, "has a character not allowed in names");
        if (*value == '/' || strstr(value, "//") || has_dot_component(value))
                return pv_invalid(x->e, "porto_namespace", value, "is not a relative name prefix");
        if (*value && !(v = strdup(value)))
                return -ENOMEM;
        free(x->ct->porto_namespace);
        x->ct->porto_namespace = v;
        ct_porto_ns_changed();
        return v ? 0 : 1;
}

struct prop prop_security_table[] = {
        { "capabilities", "limit of the bounding set: CAP;... (capabilities(7))", PROP_PERSIST,
          get_capabilities, set_capabilities, 0 },
        { "capabilities_allowed", "resulting bounding set of the container", PROP_RO,
          get_capabilities_allowed, NULL, 0 },
        { "capabilities_ambient", "ambient capabilities of the container's tasks: CAP;...", PROP_PERSIST,
          get_capabilities_ambient, set_capabilities_ambient, 0 },
        { "capabilities_ambient_allowed", "capabilities allowed as ambient", PROP_RO,
          get_capabilities_ambient_allowed, NULL, 0 },
        { "task_cred", "credentials of the container's tasks: uid gid groups...", PROP_PERSIST,
          get_task_cred, set_task_cred, 0 },
        { "owner_user", "container owner user, default: creator; others than root give it only to users they control",
          0, get_owner_user, set_owner_user, 0 },
        { "owner_group", "container owner group, default: creator's; others than root: a group they or the "
          "owner belong to", 0, get_owner_group, set_owner_group, 0 },
        { "owner_cred", "credentials of the container's owner: uid gid groups... (rules of owner_user/owner_group)",
          0, get_owner_cred, set_owner_cred, 0 },
        { "devices",
          "access to devices: <device> [r][w][m][-][?][*] [path] [mode] [user] [group] | preset <name>; ... "
          "(virt_mode=host: the parent's rules unless set, changed only while stopped)",
          PROP_PERSIST | PROP_DYNAMIC, get_devices, set_devices, 0 },
        { "enable_porto", "access to porto: false|none, read-isolate, read-only, isolate, child-only, true|full",
          PROP_PERSIST | PROP_DYNAMIC, get_enable_porto, set_enable_porto, 0 },
        { "porto_namespace", "name prefix of the containers shown inside (deprecated: enable_porto=isolate)",
          PROP_PERSIST | PROP_DYNAMIC, get_porto_namespace, set_porto_namespace, 0 },
};
const size_t prop_security_count = ELEMENTSOF(prop_security_table);
