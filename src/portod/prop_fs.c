/* Properties of the container's filesystem and namespaces (manual,
 * "Filesystem" and "Network"): root, root_readonly, root_path, bind,
 * symlink, resolv_conf, etc_hosts, net. What they do at start is in
 * ct_rootfs.c. */
#include <stdio.h>
#include <sys/stat.h>
#include "prop.h"
#include "basic/fileio.h"
#include "shared/mount.h"

/* ---- who may use a host path ---- */

/* Manual: "Setting bind, root ... requires write permissions to the
 * target". A host path is fine for the superuser and for a client that
 * owns it or may write (read, for read-only binds) it by its mode bits. */
static int check_client_path(struct prop_ctx *x, const char *what, const char *path, bool write)
{
        unsigned bit = write ? 2 : 4;
        struct stat st;
        uid_t uid;
        gid_t gid;

        if (!x->req || !x->req->client || client_is_super(x->req->client))
                return 0;
        client_cred(x->req->client, &uid, &gid);
        if (stat(path, &st) < 0)
                return perror_set_errno(x->e, EERROR_INVALID_VALUE, -errno, "%s: cannot stat \"%s\"", what, path);
        if (st.st_uid == uid || (st.st_mode & bit) ||
            ((st.st_mode & (bit << 3)) && (st.st_gid == gid || user_in_group(uid, st.st_gid))))
                return 0;
        return perror_set(x->e, EERROR_PERMISSION, -EPERM, "%s: \"%s\" is not %s for user %u", what, path,
                          write ? "writable" : "readable", (unsigned) uid);
}

/* ---- root, root_readonly, root_path ---- */

static int get_root(struct prop_ctx *x, struct strbuf *out)
{
        return strbuf_append(out, x->ct->root ? x->ct->root : "/");
}

static int set_root(struct prop_ctx *x, const char *value)
{
        _cleanup_free_ char *norm = NULL;
        int r;

        if (!*value || streq(value, "/")) {
                free(x->ct->root);
                x->ct->root = NULL;
                return 1;
        }
        if (value[0] != '/')
                return pv_invalid(x->e, "root", value, "is not an absolute path");
        r = mnt_path_normalize(value, &norm);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return pv_invalid(x->e, "root", value, "must not contain \"..\" and must fit PATH_MAX");
        /* A root of a child lies in its parent's root: check the host path
         * only at the top level (the parent's owner checked its own). */
        if (!ct_has_chroot(x->ct->parent) && !streq(norm, "/")) {
                r = check_client_path(x, "root", norm, true);
                if (r < 0)
                        return r;
        }
        free(x->ct->root);
        x->ct->root = streq(norm, "/") ? NULL : TAKE_PTR(norm);
        return x->ct->root ? 0 : 1;
}

static int get_root_readonly(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_bool(out, x->ct->root_readonly);
}

static int set_root_readonly(struct prop_ctx *x, const char *value)
{
        int r = pv_parse_bool("root_readonly", value, &x->ct->root_readonly, x->e);
        return r < 0 ? r : 0;
}

/* The root as the client sees it: the host path below the client
 * container's own root. */
static int get_root_path(struct prop_ctx *x, struct strbuf *out)
{
        _cleanup_free_ char *host = ct_root_host_path(x->ct), *client_root = NULL;
        struct container *cc = x->req && x->req->client ? x->req->client->ct : NULL;
        const char *p;

        if (!host)
                return -ENOMEM;
        if (!cc || ct_is_root(cc))
                return strbuf_append(out, host);
        client_root = ct_root_host_path(cc);
        if (!client_root)
                return -ENOMEM;
        if (streq(client_root, "/"))
                return strbuf_append(out, host);
        if (!mnt_path_is_under(host, client_root))
                return perror_set(x->e, EERROR_PERMISSION, -EPERM, "root_path: %s is outside the client's root",
                                  x->ct->name);
        p = host + strlen(client_root);
        return strbuf_append(out, *p ? p : "/");
}

/* ---- bind ---- */

static int get_bind(struct prop_ctx *x, struct strbuf *out)
{
        _cleanup_free_ char *s = mnt_bind_format(&x->ct->binds);
        return s ? strbuf_append(out, s) : -ENOMEM;
}

/* Relative sources are relative to the client's cwd (manual: "binds
 * directories or files from parent container mount namespace"). */
static int absolute_source(struct prop_ctx *x, struct mnt_bind *b)
{
        _cleanup_free_ char *abs = NULL;
        char link[64], cwd[4096];
        ssize_t n;
        int r;

        if (b->source[0] == '/')
                return 0;
        if (!x->req || !x->req->client)
                return pv_invalid(x->e, "bind", b->source, "is a relative source without a client cwd");
        snprintf(link, sizeof(link), "/proc/%d/cwd", (int) x->req->client->pid);
        n = readlink(link, cwd, sizeof(cwd) - 1);
        if (n <= 0)
                return perror_set_errno(x->e, EERROR_INVALID_VALUE, n < 0 ? -errno : -EINVAL,
                                        "bind: cannot find the client's cwd for \"%s\"", b->source);
        cwd[n] = 0;
        r = mnt_path_absolute(b->source, cwd, &abs);
        if (r < 0)
                return r == -ENOMEM ? r : pv_invalid(x->e, "bind", b->source, "is not a valid path");
        free(b->source);
        b->source = TAKE_PTR(abs);
        return 0;
}

static int set_bind(struct prop_ctx *x, const char *value)
{
        struct mnt_bind_list l = { 0 };
        int r;

        r = mnt_bind_parse(value, &l, x->e);
        if (r < 0)
                return r;
        for (size_t i = 0; i < l.n && r >= 0; i++) {
                r = absolute_source(x, &l.v[i]);
                if (r >= 0 && !ct_has_chroot(x->ct->parent))
                        r = check_client_path(x, "bind", l.v[i].source,
                                              !(l.v[i].flags & MNT_BIND_F(MNT_BIND_RO)));
        }
        if (r < 0) {
                mnt_bind_list_done(&l);
                return r;
        }
        mnt_bind_list_done(&x->ct->binds);
        x->ct->binds = l;
        return l.n ? 0 : 1;
}

/* ---- symlink ---- */

static void symlinks_free(struct ct_symlink *v, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(v[i].path);
                free(v[i].target);
        }
        free(v);
}

static int symlink_cmp(const void *a, const void *b)
{
        return strcmp(((const struct ct_symlink *) a)->path, ((const struct ct_symlink *) b)->path);
}

static int format_symlink(struct strbuf *out, const struct ct_symlink *s)
{
        return strbuf_printf(out, "%s: %s", s->path, s->target);
}

static int get_symlink(struct prop_ctx *x, struct strbuf *out)
{
        const struct container *ct = x->ct;

        for (size_t i = 0; i < ct->n_symlinks; i++) {
                if (x->index && !streq(x->index, ct->symlinks[i].path))
                        continue;
                if (x->index)
                        return strbuf_append(out, ct->symlinks[i].target);
                if ((i && strbuf_append(out, "; ") < 0) || format_symlink(out, &ct->symlinks[i]) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int check_symlink_path(struct prop_ctx *x, const char *what, const char *p)
{
        _cleanup_free_ char *norm = NULL;
        int r = mnt_path_normalize(p, &norm);

        if (r == -ENOMEM)
                return r;
        if (r < 0 || strchr(p, ';') || strlen(p) >= 4000)
                return pv_invalid(x->e, "symlink", p,
                                  streq(what, "path") ? "is not a valid symlink path (no \"..\")"
                                                      : "is not a valid symlink target (no \"..\")");
        if (streq(norm, "/") && streq(what, "path"))
                return pv_invalid(x->e, "symlink", p, "cannot replace the root");
        return 0;
}

/* Add, replace (target non-empty) or drop one entry of a list. */
static int symlink_list_put(struct ct_symlink **v, size_t *n, const char *path, const char *target)
{
        struct ct_symlink *nv;

        for (size_t i = 0; i < *n; i++) {
                char *t;

                if (!streq((*v)[i].path, path))
                        continue;
                if (!*target) {
                        free((*v)[i].path);
                        free((*v)[i].target);
                        memmove(&(*v)[i], &(*v)[i + 1], (*n - i - 1) * sizeof(**v));
                        (*n)--;
                        return 0;
                }
                if (!(t = strdup(target)))
                        return -ENOMEM;
                free((*v)[i].target);
                (*v)[i].target = t;
                return 0;
        }
        if (!*target)
                return 0;
        nv = realloc(*v, (*n + 1) * sizeof(**v));
        if (!nv)
                return -ENOMEM;
        *v = nv;
        nv[*n] = (struct ct_symlink) { strdup(path), strdup(target) };
        if (!nv[*n].path || !nv[*n].target) {
                free(nv[*n].path);
                free(nv[*n].target);
                return -ENOMEM;
        }
        (*n)++;
        qsort(*v, *n, sizeof(**v), symlink_cmp);
        return 0;
}

static int parse_symlinks(struct prop_ctx *x, const char *value, struct ct_symlink **ret, size_t *ret_n)
{
        _cleanup_strv_free_ char **items = NULL;
        struct ct_symlink *v = NULL;
        size_t n = 0;
        int r;

        r = split_escaped(value, ';', &items);
        if (r < 0)
                return r;
        for (char **i = items; *i && r >= 0; i++) {
                _cleanup_free_ char *path = NULL, *target = NULL;

                if (!strchr(*i, ':')) {
                        r = pv_invalid(x->e, "symlink", *i, "is not \"<symlink>: <target>\"");
                        break;
                }
                r = split_pair(*i, ':', &path, &target);
                if (r == -EINVAL)
                        r = pv_invalid(x->e, "symlink", *i, "is not \"<symlink>: <target>\"");
                if (r >= 0 && isempty(path))
                        r = pv_invalid(x->e, "symlink", *i, "has an empty symlink path");
                if (r >= 0)
                        r = check_symlink_path(x, "path", path);
                if (r >= 0 && *target)
                        r = check_symlink_path(x, "target", target);
                if (r >= 0)
                        r = symlink_list_put(&v, &n, path, target);
        }
        if (r < 0) {
                symlinks_free(v, n);
                return r;
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

/* A copy of the current list with one entry changed (symlink[path]). */
static int copy_with(struct prop_ctx *x, const char *target, struct ct_symlink **ret, size_t *ret_n)
{
        struct ct_symlink *v = NULL;
        size_t n = 0;
        int r = check_symlink_path(x, "path", x->index);

        if (r >= 0 && *target)
                r = check_symlink_path(x, "target", target);
        for (size_t i = 0; r >= 0 && i < x->ct->n_symlinks; i++)
                r = symlink_list_put(&v, &n, x->ct->symlinks[i].path, x->ct->symlinks[i].target);
        if (r >= 0)
                r = symlink_list_put(&v, &n, x->index, target);
        if (r < 0) {
                symlinks_free(v, n);
                return r;
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

/* Symlinks may change at runtime: the running container's root follows. */
static int set_symlink(struct prop_ctx *x, const char *value)
{
        struct container *ct = x->ct;
        struct ct_symlink *v = NULL, *old;
        size_t n = 0, n_old;
        int r;

        r = x->index ? copy_with(x, value, &v, &n) : parse_symlinks(x, value, &v, &n);
        if (r < 0)
                return r;
        old = ct->symlinks;
        n_old = ct->n_symlinks;
        ct->symlinks = v;
        ct->n_symlinks = n;
        if (x->req && ct->task_pid > 0) {
                r = ct_symlinks_apply(ct, old, n_old, x->e);
                if (r < 0) {
                        /* Nothing changed in the config; the root may be half done. */
                        ct->symlinks = old;
                        ct->n_symlinks = n_old;
                        symlinks_free(v, n);
                        return r;
                }
        }
        symlinks_free(old, n_old);
        return n ? 0 : 1;
}

/* ---- resolv_conf, etc_hosts ---- */

static int get_resolv_conf(struct prop_ctx *x, struct strbuf *out)
{
        return strbuf_append(out, x->ct->resolv_conf ? x->ct->resolv_conf : "");
}

static int set_text_field(char **field, const char *value, bool is_default)
{
        char *v = NULL;

        if (!is_default && !(v = strdup(value)))
                return -ENOMEM;
        free(*field);
        *field = v;
        return v ? 0 : 1;
}

static int set_resolv_conf(struct prop_ctx *x, const char *value)
{
        if (strlen(value) > 65536)
                return pv_invalid(x->e, "resolv_conf", "...", "is longer than 64K");
        return set_text_field(&x->ct->resolv_conf, value, !*value || streq(value, "default"));
}

static int get_etc_hosts(struct prop_ctx *x, struct strbuf *out)
{
        return strbuf_append(out, x->ct->etc_hosts ? x->ct->etc_hosts : "");
}

static int set_etc_hosts(struct prop_ctx *x, const char *value)
{
        if (strlen(value) > 1 << 20)
                return pv_invalid(x->e, "etc_hosts", "...", "is longer than 1M");
        return set_text_field(&x->ct->etc_hosts, value, !*value);
}

/* ---- net ---- */

static int get_net(struct prop_ctx *x, struct strbuf *out)
{
        return strbuf_append(out, ct_net(x->ct) == CT_NET_NONE ? "none" : "inherited");
}

static int set_net(struct prop_ctx *x, const char *value)
{
        _cleanup_strv_free_ char **items = NULL;
        enum ct_net net = CT_NET_INHERITED;
        int r;

        r = split_escaped(value, ';', &items);
        if (r < 0)
                return r;
        if (!items[0]) {
                x->ct->net = CT_NET_INHERITED;
                x->ct->net_set = false;
                return 1;
        }
        if (items[1])
                return perror_set(x->e, EERROR_NOT_SUPPORTED, -EOPNOTSUPP,
                                  "net: \"%s\": only one of none or inherited is supported (no network configuration yet)",
                                  value);
        if (streq(items[0], "none"))
                net = CT_NET_NONE;
        else if (!streq(items[0], "inherited"))
                return perror_set(x->e, EERROR_NOT_SUPPORTED, -EOPNOTSUPP,
                                  "net: \"%s\": this version supports only none and inherited; L3, NAT, macvlan, "
                                  "veth and the other network options come with networking support",
                                  items[0]);
        x->ct->net = net;
        x->ct->net_set = true;
        return 0;
}

struct prop prop_fs_table[] = {
        { "root", "container root path in the parent's root, default / (pivot_root into it; porto mounts /dev, "
                  "/dev/pts, /dev/hugepages, /proc, /run, /sys, /sys/kernel/tracing)", PROP_PERSIST,
          get_root, set_root, 0 },
        { "root_readonly", "make the root and binds without \"rw\" read-only", PROP_PERSIST, get_root_readonly,
          set_root_readonly, 0 },
        { "root_path", "container root path in the client's namespace", PROP_RO, get_root_path, NULL, 0 },
        { "bind", "bind mounts: <source> <target> [ro|rw|rec|dev|nodev|suid|nosuid|exec|noexec|private|"
                  "unbindable|shared|slave|noatime|nodiratime|relatime|strictatime],...; ...",
          PROP_PERSIST, get_bind, set_bind, 0 },
        { "symlink", "symlinks in the root: <symlink>: <target>; ... (symlink[path]; changes live; "
                     "not in /proc or /sys)",
          PROP_PERSIST | PROP_DYNAMIC | PROP_INDEXED, get_symlink, set_symlink, 0 },
        { "resolv_conf", "/etc/resolv.conf: default|keep|<option>;... (\"nameserver 1.1.1.1;search x\")",
          PROP_PERSIST, get_resolv_conf, set_resolv_conf, 0 },
        { "etc_hosts", "override the /etc/hosts content in the root", PROP_PERSIST, get_etc_hosts, set_etc_hosts,
          0 },
        { "net", "network namespace: inherited (default) | none (own namespace with lo and its own read-only "
                 "/sys; default for virt_mode=os)", PROP_PERSIST,
          get_net, set_net, 0 },
};
const size_t prop_fs_count = ELEMENTSOF(prop_fs_table);

void ct_fs_free(struct container *ct)
{
        free(ct->root);
        ct->root = NULL;
        mnt_bind_list_done(&ct->binds);
        symlinks_free(ct->symlinks, ct->n_symlinks);
        ct->symlinks = NULL;
        ct->n_symlinks = 0;
        free(ct->resolv_conf);
        ct->resolv_conf = NULL;
        free(ct->etc_hosts);
        ct->etc_hosts = NULL;
}
