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

int ct_check_write(struct request *req, struct container *ct, struct perror *e)
{
        const struct client *c = req->client;
        uid_t uid;
        gid_t gid;

        if (ct_is_root(ct))
                return perror_set(e, EERROR_PERMISSION, -EPERM, "the root container is not writable");
        if (!c)
                return 0;
        if (c->read_only)
                return perror_set(e, EERROR_PERMISSION, -EPERM, "Write access denied");
        /* scopes narrower than the whole tree come with enable_porto (later) */
        if (client_is_super(c))
                return 0;
        client_cred(c, &uid, &gid);
        if (uid == ct->owner_uid)
                return 0;
        return perror_set(e, EERROR_PERMISSION, -EPERM,
                          "Permission denied: container %s belongs to uid %u, client is uid %u",
                          ct->name, (unsigned)ct->owner_uid, (unsigned)uid);
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
        gid_t groups[256];
        int n = ELEMENTSOF(groups);

        if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) != 0 || !res)
                return false;
        if (res->pw_gid == gid)
                return true;
        if (getgrouplist(res->pw_name, res->pw_gid, groups, &n) < 0)
                return false;
        for (int i = 0; i < n; i++)
                if (groups[i] == gid)
                        return true;
        return false;
}
