/* Porto inside containers (manual "Security": enable_porto,
 * porto_namespace): what a client in a container may do, which containers
 * it sees and under which names.
 *
 * A client's container comes from its freezer cgroup (auth.c). Its access
 * is the lowest enable_porto of that container and its ancestors. Its
 * namespace walks up from its container: the first ancestor-or-self with
 * enable_porto=isolate or read-isolate (for writes also child-only) makes
 * "<its name>/", prefixed to the porto_namespace of every container below
 * it down to the client's; without one, the porto_namespace prefixes of
 * the whole chain. Names the client sends are relative to its namespace,
 * names it gets back are stripped of it; containers outside it are hidden
 * except "/", the client's own container and its ancestors. */
#include <grp.h>
#include <stdio.h>
#include "container.h"
#include "basic/name.h"

#define NS_MAX (CT_NAME_MAX_SUPERUSER * 2 + 2)

static bool isolating(const struct container *ct, bool write)
{
        return ct->enable_porto == PORTO_ACCESS_ISOLATE || ct->enable_porto == PORTO_ACCESS_READ_ISOLATE ||
               (write && ct->enable_porto == PORTO_ACCESS_CHILD_ONLY);
}

static int append(char *buf, size_t len, size_t *pos, const char *s)
{
        size_t n = strlen(s);

        if (*pos + n >= len)
                return -ENAMETOOLONG;
        memcpy(buf + *pos, s, n + 1);
        *pos += n;
        return 0;
}

int ct_porto_namespace(const struct container *ct, bool write, char *buf, size_t len)
{
        const struct container *chain[CT_LEVEL_MAX + 2], *iso = NULL;
        size_t n = 0, pos = 0;
        int r = 0;

        if (len == 0)
                return -ENAMETOOLONG;
        buf[0] = 0;
        for (const struct container *c = ct; c && !ct_is_root(c) && n < ELEMENTSOF(chain); c = c->parent) {
                if (isolating(c, write)) {
                        iso = c;
                        break;
                }
                chain[n++] = c;
        }
        if (iso) {
                r = append(buf, len, &pos, iso->name);
                if (r >= 0)
                        r = append(buf, len, &pos, "/");
        }
        while (r >= 0 && n-- > 0)
                if (chain[n]->porto_namespace)
                        r = append(buf, len, &pos, chain[n]->porto_namespace);
        return r;
}

/* ---- the client's view, cached per request burst ---- */

static uint64_t ns_epoch = 1;

void ct_porto_ns_changed(void)
{
        ns_epoch++;
}

static struct client *client_in_ct(struct request *req)
{
        struct client *c = req ? req->client : NULL;

        return c && c->ct && !ct_is_root(c->ct) ? c : NULL;
}

/* The client's read namespace ("" for host clients). Cached: list walks
 * every container and asks for each. */
const char *ct_client_namespace(struct request *req)
{
        static char ns[NS_MAX];
        static const struct container *for_ct;
        static uint64_t for_gen, for_epoch;
        struct client *c = client_in_ct(req);

        if (!c)
                return "";
        if (c->ct == for_ct && for_gen == ct_generation() && for_epoch == ns_epoch)
                return ns;
        if (ct_porto_namespace(c->ct, false, ns, sizeof(ns)) < 0)
                ns[0] = 0;
        for_ct = c->ct;
        for_gen = ct_generation();
        for_epoch = ns_epoch;
        return ns;
}

bool ct_client_sees(struct request *req, const struct container *ct, bool listing)
{
        struct client *c = client_in_ct(req);
        const char *ns = ct_client_namespace(req);

        if (!c || !*ns)
                return true;
        if (ct_is_root(ct))
                return !listing;
        if (startswith(ct->name, ns))
                return true;
        return !listing && (ct == c->ct || ct_is_ancestor(ct, c->ct));
}

int ct_porto_check_write(struct request *req, const char *full_name, struct perror *e)
{
        struct client *c = client_in_ct(req);
        char wns[NS_MAX];

        if (!c)
                return 0;
        if (ct_porto_namespace(c->ct, true, wns, sizeof(wns)) < 0)
                return perror_set(e, EERROR_PERMISSION, -EPERM, "porto namespace too long");
        if (!*wns || (startswith(full_name, wns) && !streq(full_name, wns)))
                return 0;
        return perror_set(e, EERROR_PERMISSION, -EPERM,
                          "container /porto/%s is out of the porto namespace /porto/%s of %s (enable_porto, "
                          "porto_namespace)",
                          full_name, wns, c->ct->name);
}

/* ---- access ---- */

static int access_of(const struct container *ct)
{
        int a = PORTO_ACCESS_FULL;

        for (; ct && !ct_is_root(ct); ct = ct->parent)
                a = MIN(a, ct->enable_porto);
        return a;
}

/* Members of group "porto" have write access (manual "Security"). The
 * answer for the last owner is kept a few seconds: every request asks. */
static bool porto_user(uid_t uid, gid_t gid)
{
        static bool looked_up, have, last_answer;
        static gid_t porto_gid;
        static uid_t last_uid;
        static gid_t last_gid;
        static uint64_t last_until;

        if (uid == 0)
                return true;
        if (uid == last_uid && gid == last_gid && loop_now_ms() < last_until)
                return last_answer;
        if (!looked_up) {
                struct group gr, *res = NULL;
                char tmp[4096];

                looked_up = true;
                if (getgrnam_r("porto", &gr, tmp, sizeof(tmp), &res) == 0 && res) {
                        have = true;
                        porto_gid = res->gr_gid;
                }
        }
        last_uid = uid;
        last_gid = gid;
        last_until = loop_now_ms() + 5000;
        last_answer = have && (gid == porto_gid || user_in_group(uid, porto_gid));
        return last_answer;
}

void ct_client_refine(struct client *c)
{
        const struct container *ct = c->ct;

        if (!ct || ct_is_root(ct)) {
                c->access = PORTO_ACCESS_FULL;
                return;
        }
        /* Inside a container the client acts as the container's owner. */
        c->access = access_of(ct);
        c->read_only = c->access <= PORTO_ACCESS_READ_ONLY || !porto_user(ct->owner_uid, ct->owner_gid);
        c->superuser = ct->owner_uid == 0 && c->access == PORTO_ACCESS_FULL;
}

bool ct_porto_enabled(const struct container *ct)
{
        return access_of(ct) != PORTO_ACCESS_NONE;
}

const char *ct_porto_socket_path(void)
{
        return config->socket_path;
}
