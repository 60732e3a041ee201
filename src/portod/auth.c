/* Who a client is and what it may touch (spec/protocol.md 1.5): the client
 * container from the freezer cgroup, effective credentials, ownership. */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include "container.h"
#include "basic/parse.h"
#include "shared/cgroup.h"

/* Clients inside a container must find it alive. */
static bool alive(const struct container *ct)
{
        switch (ct->state) {
        case CT_RUNNING:
        case CT_STARTING:
        case CT_STOPPING:
        case CT_META:
                return true;
        default:
                return false;
        }
}

struct container *ct_client_container(pid_t pid)
{
        _cleanup_free_ char *rel = NULL;
        struct container *ct = NULL;
        int r;

        if (!ct_root)
                return NULL;
        r = cg_pid_cgroup(CG_FREEZER, pid, &rel);
        if (r == -ENOENT)
                return ct_root;         /* outside our root: a host process */
        if (r < 0)
                return NULL;
        if (isempty(rel))
                return ct_root;
        /* nested cgroups a container made itself belong to it */
        while (!(ct = ct_find(rel))) {
                char *slash = strrchr(rel, '/');
                if (!slash)
                        return NULL;
                *slash = 0;
        }
        return alive(ct) ? ct : NULL;
}

uint64_t ct_client_generation(void)
{
        return ct_generation();
}

bool ct_client_container_valid(const struct container *ct, uint64_t gen)
{
        /* The root lives as long as the worker; any other ct is
         * dereferenced only if nothing was freed since gen. */
        if (ct && ct == ct_root)
                return true;
        return ct && gen == ct_generation() && alive(ct);
}

void client_cred(const struct client *c, uid_t *ret_uid, gid_t *ret_gid)
{
        if (!c->ct || ct_is_root(c->ct)) {
                *ret_uid = c->uid;
                *ret_gid = c->gid;
        } else {
                /* inside a container the client acts as the container's owner */
                *ret_uid = c->ct->owner_uid;
                *ret_gid = c->ct->owner_gid;
        }
}

bool client_is_super(const struct client *c)
{
        uid_t uid;
        gid_t gid;

        client_cred(c, &uid, &gid);
        return uid == 0 && !c->read_only;
}

/* The group rules of "control" (1.5) ask the user database, which may be
 * slow (NSS modules) and is asked again for every request: remember each
 * (owner, client) answer for a while. A changed group membership takes
 * effect within GRANT_TTL_MS. */
#define GRANT_TTL_MS 5000
#define GRANT_CACHE_SIZE 64

struct grant {
        uid_t owner, client;
        bool allowed;
        uint64_t expires_ms;    /* 0 = free slot */
};

static struct grant grants[GRANT_CACHE_SIZE];
static unsigned grant_next;

static bool group_gid(const char *name, gid_t *ret)
{
        struct group gr, *res = NULL;
        char tmp[4096];

        if (getgrnam_r(name, &gr, tmp, sizeof(tmp), &res) != 0 || !res)
                return false;
        *ret = res->gr_gid;
        return true;
}

static bool user_in_group_named(uid_t uid, const char *group)
{
        gid_t gid;

        return group_gid(group, &gid) && user_in_group(uid, gid);
}

/* The owner is a member of `porto-containers` or of
 * `<client-user>-containers`. */
static bool owner_grants_lookup(uid_t owner, uid_t client)
{
        struct passwd pw, *res = NULL;
        char tmp[2048], group[300];

        if (user_in_group_named(owner, "porto-containers"))
                return true;
        if (getpwuid_r(client, &pw, tmp, sizeof(tmp), &res) != 0 || !res)
                return false;
        snprintf(group, sizeof(group), "%s-containers", res->pw_name);
        return user_in_group_named(owner, group);
}

static bool owner_grants(uid_t owner, uid_t client)
{
        uint64_t now = loop_now_ms();
        struct grant *g;

        for (size_t i = 0; i < ELEMENTSOF(grants); i++) {
                g = &grants[i];
                if (g->expires_ms > now && g->owner == owner && g->client == client)
                        return g->allowed;
        }
        g = &grants[grant_next++ % ELEMENTSOF(grants)];
        *g = (struct grant) {
                .owner = owner,
                .client = client,
                .allowed = owner_grants_lookup(owner, client),
                .expires_ms = now + GRANT_TTL_MS,
        };
        return g->allowed;
}

bool owner_controlled_by(uid_t owner, uid_t client)
{
        return owner == client || owner_grants(owner, client);
}

/* ns: also the porto namespace rule (not for the parent of a new
 * container, whose own name is checked instead). */
static int check_write(struct request *req, struct container *ct, bool ns, struct perror *e)
{
        const struct client *c = req->client;
        char cname[64], oname[64];
        uid_t uid;
        gid_t gid;

        if (ct_is_root(ct))
                return perror_set(e, EERROR_PERMISSION, -EPERM, "the root container is not writable");
        if (!c)
                return 0;
        if (c->read_only)
                return perror_set(e, EERROR_PERMISSION, -EPERM, "Write access denied");
        if (ns && ct_porto_check_write(req, ct->name, e) < 0)
                return -EPERM;
        if (client_is_super(c))
                return 0;
        client_cred(c, &uid, &gid);
        if (owner_controlled_by(ct->owner_uid, uid))
                return 0;
        uid_to_name(uid, cname, sizeof(cname));
        uid_to_name(ct->owner_uid, oname, sizeof(oname));
        return perror_set(e, EERROR_PERMISSION, -EPERM,
                          "Permission denied: container %s belongs to %s, client acts as %s "
                          "(and %s is in neither porto-containers nor %s-containers)",
                          ct->name, oname, cname, oname, cname);
}

int ct_check_create(struct request *req, struct container *parent, const char *full_name, struct perror *e)
{
        int r = ct_porto_check_write(req, full_name, e);

        if (r < 0 || !parent)
                return r;
        /* The namespace allows the new name: the parent itself may lie
         * outside it (enable_porto=isolate creates children of self). */
        return check_write(req, parent, false, e);
}

int ct_check_write(struct request *req, struct container *ct, struct perror *e)
{
        return check_write(req, ct, true, e);
}

/* getpw*_r with a stack buffer: no static state shared between calls. */
char *uid_to_name(uid_t uid, char *buf, size_t len)
{
        struct passwd pw, *res = NULL;
        char tmp[2048];

        if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) == 0 && res)
                snprintf(buf, len, "%s", res->pw_name);
        else
                snprintf(buf, len, "%u", (unsigned)uid);
        return buf;
}

char *gid_to_name(gid_t gid, char *buf, size_t len)
{
        struct group gr, *res = NULL;
        char tmp[4096];

        if (getgrgid_r(gid, &gr, tmp, sizeof(tmp), &res) == 0 && res)
                snprintf(buf, len, "%s", res->gr_name);
        else
                snprintf(buf, len, "%u", (unsigned)gid);
        return buf;
}

int user_parse(const char *s, uid_t *ret)
{
        struct passwd pw, *res = NULL;
        char tmp[2048];
        uint32_t v;

        if (getpwnam_r(s, &pw, tmp, sizeof(tmp), &res) == 0 && res) {
                *ret = res->pw_uid;
                return 0;
        }
        if (parse_u32(s, &v) == 0 && v != (uint32_t)-1) {
                *ret = v;
                return 0;
        }
        return -ENOENT;
}

int group_parse(const char *s, gid_t *ret)
{
        struct group gr, *res = NULL;
        char tmp[4096];
        uint32_t v;

        if (getgrnam_r(s, &gr, tmp, sizeof(tmp), &res) == 0 && res) {
                *ret = res->gr_gid;
                return 0;
        }
        if (parse_u32(s, &v) == 0 && v != (uint32_t)-1) {
                *ret = v;
                return 0;
        }
        return -ENOENT;
}

bool user_in_group(uid_t uid, gid_t gid)
{
        struct passwd pw, *res = NULL;
        char tmp[2048];
        gid_t stack[256];
        _cleanup_free_ gid_t *heap = NULL;
        gid_t *groups = stack;
        int n = ELEMENTSOF(stack);

        if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) != 0 || !res)
                return false;
        if (res->pw_gid == gid)
                return true;
        if (getgrouplist(res->pw_name, res->pw_gid, groups, &n) < 0) {
                /* more groups than fit: n now says how many */
                if (n <= (int)ELEMENTSOF(stack) || n > 65536)
                        return false;
                heap = calloc((size_t)n, sizeof(gid_t));
                if (!heap)
                        return false;
                groups = heap;
                if (getgrouplist(res->pw_name, res->pw_gid, groups, &n) < 0)
                        return false;
        }
        for (int i = 0; i < n; i++)
                if (groups[i] == gid)
                        return true;
        return false;
}
