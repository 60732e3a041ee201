/* The container RPC handlers of daemon.h (spec/protocol.md 10.4-10.10,
 * 10.19 locateProcess, 10.21) and the engine's init. wait/AsyncWait live in
 * waiter.c, the label calls in labels.c. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include "container.h"
#include "prop.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/name.h"
#include "basic/pattern.h"
#include "basic/timeutil.h"
#include "shared/cgroup.h"

/* One buffer for property values, reused by every request: values are
 * copied into the request arena. */
static struct strbuf valbuf = STRBUF_INIT;

static void valbuf_trim(void)
{
        if (valbuf.cap > (1u << 20)) {
                strbuf_free(&valbuf);
                valbuf = (struct strbuf)STRBUF_INIT;
        }
}

static enum rpc_result oom(struct request *req)
{
        perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        return RPC_DONE;
}

static enum rpc_result done(struct request *req, int r)
{
        if (r < 0 && req->err.code == EERROR_SUCCESS)
                perror_set_errno(&req->err, EERROR_UNKNOWN, r, "internal error");
        return RPC_DONE;
}

/* ---- create / destroy ---- */

static enum rpc_result do_create(struct request *req, const char *name, bool weak)
{
        struct client *c = req->client;
        const char *full, *slash;
        struct container *parent, *ct;
        uid_t uid = 0;
        gid_t gid = 0;
        bool super = !c || client_is_super(c);
        size_t limit = config->max_containers + (super ? 100 : 0);
        int r;

        r = ct_resolve_name(req, name, &full, &req->err);
        if (r < 0)
                return done(req, r);
        if (streq(full, "/"))
                return perror_set(&req->err, EERROR_CONTAINER_ALREADY_EXISTS, -EEXIST,
                                  "container / already exists"), RPC_DONE;
        r = ct_name_check(full, super ? CT_NAME_MAX_SUPERUSER : CT_NAME_MAX, &req->err);
        if (r < 0)
                return done(req, r);
        slash = strrchr(full, '/');
        if (slash) {
                char *pn = req_alloc(req, slash - full + 1);
                if (!pn)
                        return oom(req);
                memcpy(pn, full, slash - full);
                parent = ct_find(pn);
                if (!parent)
                        return perror_set(&req->err, EERROR_CONTAINER_DOES_NOT_EXIST, -ENOENT,
                                          "parent container %s not found", pn), RPC_DONE;
                r = ct_check_create(req, parent, full, &req->err);
                if (r < 0)
                        return done(req, r);
        } else if ((r = ct_check_create(req, NULL, full, &req->err)) < 0) {
                return done(req, r);
        }
        if (ct_find(full))
                return perror_set(&req->err, EERROR_CONTAINER_ALREADY_EXISTS, -EEXIST,
                                  "container %s already exists", name), RPC_DONE;
        if (ct_count() >= limit)
                return perror_set(&req->err, EERROR_RESOURCE_NOT_AVAILABLE, -EUSERS,
                                  "too many containers: the limit is %zu", limit), RPC_DONE;
        if (c)
                client_cred(c, &uid, &gid);
        r = ct_insert(full, 0, uid, gid, &ct, &req->err);
        if (r < 0)
                return done(req, r);
        /* inside its own subtree a container's client keeps its task
         * credentials (10.4); elsewhere the owner's apply */
        if (c && c->ct && !ct_is_root(c->ct) && ct_is_ancestor(c->ct, ct)) {
                ct->user = c->uid;
                ct->group = c->gid;
                prop_mark(ct, prop_find("user"), true);
                prop_mark(ct, prop_find("group"), true);
        }
        if (weak) {
                struct ct_client *cl = c ? ct_client_get(c) : NULL;
                ct->weak = true;
                prop_mark(ct, prop_find("weak"), true);
                if (cl)
                        ct_client_add_weak(cl, ct);
        }
        ct_save(ct);
        waiter_event(ct, NULL, NULL);
        return RPC_DONE;
}

enum rpc_result rpc_create(struct request *req)
{
        return do_create(req, req->msg->create->name, false);
}

enum rpc_result rpc_create_weak(struct request *req)
{
        return do_create(req, req->msg->createweak->name, true);
}

/* Look up a container the client wants to change. */
static int lookup_write(struct request *req, const char *name, struct container **ret)
{
        int r = ct_lookup(req, name, ret, &req->err);
        if (r < 0)
                return r;
        return ct_check_write(req, *ret, &req->err);
}

enum rpc_result rpc_destroy(struct request *req)
{
        struct container *ct;
        int r = lookup_write(req, req->msg->destroy->name, &ct);

        if (r < 0)
                return done(req, r);
        ct_destroy(ct);
        return RPC_DONE;
}

/* ---- list ---- */

enum rpc_result rpc_list(struct request *req)
{
        const Rpc__TContainerListRequest *m = req->msg->list;
        Rpc__TContainerListResponse *rsp;
        size_t n_all, n = 0;
        struct container *const *all = ct_list_all(&n_all);
        const char *mask = m->mask ? m->mask : "***";

        rsp = req_alloc(req, sizeof(*rsp));
        if (!rsp)
                return oom(req);
        rpc__tcontainer_list_response__init(rsp);
        rsp->name = req_alloc(req, (n_all + 1) * sizeof(char *));
        if (!rsp->name)
                return oom(req);
        for (size_t i = 0; i < n_all; i++) {
                const char *rel = ct_client_name(req, all[i]);
                if (!rel)
                        return oom(req);
                if (m->has_changed_since && all[i]->change_time_ms / 1000 < m->changed_since)
                        continue;
                if (!ct_client_sees(req, all[i], true))
                        continue;
                if (!pattern_match(mask, rel))
                        continue;
                rsp->name[n++] = (char *)rel;
        }
        rsp->n_name = n;
        req->rsp->list = rsp;
        return RPC_DONE;
}

/* ---- properties ---- */

static char *get_one(struct request *req, const char *name, const char *property, bool real)
{
        struct container *ct;
        char *v;

        if (ct_lookup(req, name, &ct, &req->err) < 0)
                return NULL;
        if (prop_get(req, ct, property, real, &valbuf, &req->err) < 0) {
                if (req->err.code == EERROR_SUCCESS)
                        perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                valbuf_trim();
                return NULL;
        }
        v = req_strdup(req, valbuf.s ? valbuf.s : "");
        valbuf_trim();
        if (!v)
                oom(req);
        return v;
}

enum rpc_result rpc_get_property(struct request *req)
{
        const Rpc__TContainerGetPropertyRequest *m = req->msg->getproperty;
        Rpc__TContainerGetPropertyResponse *rsp;
        char *v = get_one(req, m->name, m->property, m->has_real && m->real);

        if (!v)
                return RPC_DONE;
        rsp = req_alloc(req, sizeof(*rsp));
        if (!rsp)
                return oom(req);
        rpc__tcontainer_get_property_response__init(rsp);
        rsp->value = v;
        req->rsp->getproperty = rsp;
        return RPC_DONE;
}

enum rpc_result rpc_get_data(struct request *req)
{
        const Rpc__TContainerGetDataRequest *m = req->msg->getdata;
        Rpc__TContainerGetDataResponse *rsp;
        char *v = get_one(req, m->name, m->data, m->has_real && m->real);

        if (!v)
                return RPC_DONE;
        rsp = req_alloc(req, sizeof(*rsp));
        if (!rsp)
                return oom(req);
        rpc__tcontainer_get_data_response__init(rsp);
        rsp->value = v;
        req->rsp->getdata = rsp;
        return RPC_DONE;
}

enum rpc_result rpc_set_property(struct request *req)
{
        const Rpc__TContainerSetPropertyRequest *m = req->msg->setproperty;
        struct container *ct;
        int r = lookup_write(req, m->name, &ct);

        if (r < 0)
                return done(req, r);
        return done(req, prop_set(req, ct, m->property, m->value, &req->err));
}

/* ---- get (10.9) ---- */

typedef Rpc__TContainerGetResponse__TContainerGetListResponse get_entry;
typedef Rpc__TContainerGetResponse__TContainerGetValueResponse get_value;

struct entries {
        get_entry **v;
        size_t n, cap;
};

static get_entry *entry_add(struct request *req, struct entries *es, const char *name)
{
        get_entry *en;

        if (es->n == es->cap) {
                size_t ncap = es->cap ? es->cap * 2 : 16;
                get_entry **nv = req_alloc(req, ncap * sizeof(*nv));
                if (!nv)
                        return NULL;
                if (es->n)
                        memcpy(nv, es->v, es->n * sizeof(*nv));
                es->v = nv;
                es->cap = ncap;
        }
        en = req_alloc(req, sizeof(*en));
        if (!en)
                return NULL;
        rpc__tcontainer_get_response__tcontainer_get_list_response__init(en);
        en->name = (char *)name;
        es->v[es->n++] = en;
        return en;
}

static int fill_entry(struct request *req, get_entry *en, struct container *ct, const struct perror *lookup_err)
{
        const Rpc__TContainerGetRequest *m = req->msg->get;
        bool real = m->has_real && m->real;

        if (ct) {
                en->has_change_time = true;
                en->change_time = ct->change_time_ms / 1000;
                if (m->has_changed_since && en->change_time < m->changed_since) {
                        en->has_no_changes = true;
                        en->no_changes = true;
                        return 0;
                }
        }
        en->keyval = req_alloc(req, (m->n_variable + 1) * sizeof(*en->keyval));
        if (!en->keyval)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_variable; i++) {
                get_value *kv = req_alloc(req, sizeof(*kv));
                struct perror e = { 0 };

                if (!kv)
                        return -ENOMEM;
                rpc__tcontainer_get_response__tcontainer_get_value_response__init(kv);
                kv->variable = m->variable[i];
                if (!ct)
                        e = *lookup_err;
                else if (prop_get(req, ct, m->variable[i], real, &valbuf, &e) >= 0) {
                        kv->value = req_strdup(req, valbuf.s ? valbuf.s : "");
                        if (!kv->value)
                                return -ENOMEM;
                } else if (e.code == EERROR_SUCCESS)
                        perror_set(&e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                if (e.code != EERROR_SUCCESS) {
                        /* error only on failure: its mere presence means failure */
                        kv->has_error = true;
                        kv->error = (Rpc__EError)e.code;
                        kv->errormsg = req_strdup(req, e.msg);
                        if (!kv->errormsg)
                                return -ENOMEM;
                }
                en->keyval[en->n_keyval++] = kv;
        }
        valbuf_trim();
        return 0;
}

enum rpc_result rpc_get(struct request *req)
{
        const Rpc__TContainerGetRequest *m = req->msg->get;
        Rpc__TContainerGetResponse *rsp;
        struct entries es = { 0 };
        size_t n_all;
        struct container *const *all = ct_list_all(&n_all);

        rsp = req_alloc(req, sizeof(*rsp));
        if (!rsp)
                return oom(req);
        rpc__tcontainer_get_response__init(rsp);

        for (size_t i = 0; i < m->n_name; i++) {
                struct perror e = { 0 };
                struct container *ct = NULL;
                get_entry *en;

                if (pattern_is_glob(m->name[i]))
                        continue;
                ct_lookup(req, m->name[i], &ct, &e);
                en = entry_add(req, &es, m->name[i]);
                if (!en || fill_entry(req, en, ct, &e) < 0)
                        return oom(req);
        }
        for (size_t i = 0; i < m->n_name; i++) {
                if (!pattern_is_glob(m->name[i]))
                        continue;
                for (size_t j = 0; j < n_all; j++) {
                        const char *rel = ct_client_name(req, all[j]);
                        get_entry *en;

                        if (!rel)
                                return oom(req);
                        /* "/porto/..." is outside the client's namespace */
                        if (rel[0] == '/' || !pattern_match(m->name[i], rel))
                                continue;
                        en = entry_add(req, &es, rel);
                        if (!en || fill_entry(req, en, all[j], NULL) < 0)
                                return oom(req);
                }
        }
        rsp->list = es.v;
        rsp->n_list = es.n;
        req->rsp->get = rsp;
        return RPC_DONE;
}

/* ---- start / stop / pause / resume / kill / respawn ---- */

enum rpc_result rpc_start(struct request *req)
{
        struct container *ct;
        int r = lookup_write(req, req->msg->start->name, &ct);

        if (r < 0)
                return done(req, r);
        return done(req, ct_start(ct, req, &req->err));
}

enum rpc_result rpc_stop(struct request *req)
{
        const Rpc__TContainerStopRequest *m = req->msg->stop;
        struct container *ct;
        uint64_t timeout = m->has_timeout_ms ? m->timeout_ms : config->stop_timeout_ms;
        int r = lookup_write(req, m->name, &ct);

        if (r < 0)
                return done(req, r);
        r = ct_stop(ct, timeout, req, &req->err);
        if (r > 0)
                return RPC_PARKED;
        return done(req, r);
}

enum rpc_result rpc_pause(struct request *req)
{
        struct container *ct;
        int r = lookup_write(req, req->msg->pause->name, &ct);

        if (r < 0)
                return done(req, r);
        return done(req, ct_pause(ct, &req->err));
}

enum rpc_result rpc_resume(struct request *req)
{
        struct container *ct;
        int r = lookup_write(req, req->msg->resume->name, &ct);

        if (r < 0)
                return done(req, r);
        return done(req, ct_resume(ct, &req->err));
}

enum rpc_result rpc_kill(struct request *req)
{
        struct container *ct;
        int r = lookup_write(req, req->msg->kill->name, &ct);

        if (r < 0)
                return done(req, r);
        return done(req, ct_kill(ct, req->msg->kill->sig, &req->err));
}

enum rpc_result rpc_respawn(struct request *req)
{
        struct container *ct;
        int r = lookup_write(req, req->msg->respawn->name, &ct);

        if (r < 0)
                return done(req, r);
        return done(req, ct_respawn(ct, req, &req->err));
}

/* ---- propertyList / dataList: built once ---- */

static Rpc__TContainerPropertyListResponse plist = RPC__TCONTAINER_PROPERTY_LIST_RESPONSE__INIT;
static Rpc__TContainerDataListResponse dlist = RPC__TCONTAINER_DATA_LIST_RESPONSE__INIT;

static int build_lists(void)
{
        size_t n;
        const struct prop *const *props = prop_all(&n);

        plist.list = calloc(n + 1, sizeof(*plist.list));
        dlist.list = calloc(n + 1, sizeof(*dlist.list));
        if (!plist.list || !dlist.list)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const struct prop *p = props[i];
                Rpc__TContainerPropertyListResponse__TContainerPropertyListEntry *pe;
                Rpc__TContainerDataListResponse__TContainerDataListEntry *de;
                bool ro = p->flags & PROP_RO, dyn = p->flags & PROP_DYNAMIC;

                if (p->flags & PROP_HIDDEN)
                        continue;
                pe = calloc(1, sizeof(*pe));
                if (!pe)
                        return -ENOMEM;
                rpc__tcontainer_property_list_response__tcontainer_property_list_entry__init(pe);
                pe->name = (char *)p->name;
                pe->desc = strdup_printf("%s%s%s", p->help, ro ? " (ro)" : "", dyn ? " (dynamic)" : "");
                if (!pe->desc)
                        return -ENOMEM;
                pe->has_read_only = pe->has_dynamic = true;
                pe->read_only = ro;
                pe->dynamic = dyn;
                plist.list[plist.n_list++] = pe;
                if (!ro)
                        continue;
                de = calloc(1, sizeof(*de));
                if (!de)
                        return -ENOMEM;
                rpc__tcontainer_data_list_response__tcontainer_data_list_entry__init(de);
                de->name = (char *)p->name;
                de->desc = (char *)p->help;
                dlist.list[dlist.n_list++] = de;
        }
        return 0;
}

enum rpc_result rpc_property_list(struct request *req)
{
        req->rsp->propertylist = &plist;
        return RPC_DONE;
}

enum rpc_result rpc_data_list(struct request *req)
{
        req->rsp->datalist = &dlist;
        return RPC_DONE;
}

/* ---- locateProcess ---- */

enum rpc_result rpc_locate_process(struct request *req)
{
        const Rpc__TLocateProcessRequest *m = req->msg->locateprocess;
        Rpc__TLocateProcessResponse *rsp;
        _cleanup_free_ char *comm = NULL, *rel = NULL;
        char path[64];
        struct container *ct = NULL;
        int r;

        if (m->pid == 0 || m->pid > INT32_MAX)
                return perror_set(&req->err, EERROR_INVALID_VALUE, -EINVAL, "invalid pid %u", m->pid), RPC_DONE;
        snprintf(path, sizeof(path), "/proc/%u/comm", m->pid);
        if (read_line(path, &comm) < 0)
                return perror_set(&req->err, EERROR_INVALID_VALUE, -ESRCH, "no process with pid %u", m->pid),
                       RPC_DONE;
        if (!isempty(m->comm) && !streq(m->comm, comm))
                return perror_set(&req->err, EERROR_INVALID_VALUE, -ESRCH, "pid %u is %s, not %s", m->pid, comm,
                                  m->comm), RPC_DONE;
        r = cg_pid_cgroup(CG_FREEZER, m->pid, &rel);
        if (r == -ENOENT || (r >= 0 && isempty(rel)))
                ct = ct_root;
        else if (r >= 0)
                while (!(ct = ct_find(rel))) {
                        char *slash = strrchr(rel, '/');
                        if (!slash)
                                break;
                        *slash = 0;
                }
        if (!ct)
                return perror_set(&req->err, EERROR_INVALID_VALUE, -ESRCH, "pid %u is not in any container",
                                  m->pid), RPC_DONE;
        rsp = req_alloc(req, sizeof(*rsp));
        if (!rsp)
                return oom(req);
        rpc__tlocate_process_response__init(rsp);
        if (ct_is_root(ct))
                rsp->name = "/";
        else if (req->client && ct == req->client->ct)
                rsp->name = "self";
        else
                rsp->name = (char *)ct_client_name(req, ct);
        if (!rsp->name)
                return oom(req);
        req->rsp->locateprocess = rsp;
        return RPC_DONE;
}

/* ---- init ---- */

int ct_engine_init(void)
{
        int r;

        r = prop_init();
        if (r < 0)
                return r;
        r = ct_tree_init();
        if (r < 0)
                return r;
        ct_root->start_time_ms = now_realtime_ms();
        r = build_lists();
        if (r < 0)
                return r;
        r = persist_init();
        if (r < 0)
                return r;
        r = persist_restore();
        if (r < 0)
                return r;
        stdio_timer_start();
        return 0;
}
