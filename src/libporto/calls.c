/* Typed calls of libporto: build one request each, convert the reply into
 * plain C structures (spec/protocol.md 5, 10). */
#include <stdio.h>

#include "libporto-internal.h"
#include "basic/strutil.h"

/* protobuf-c wants char * in requests it only reads. */
#define RW(s) ((char *) (s))

static int oom(struct porto_conn *conn)
{
        return lp_set_error(conn, PORTO_ERROR_UNKNOWN, "out of memory");
}

/* Reply payload missing although the call succeeded: a daemon bug, but the
 * caller must get an error, never a crash. */
static int missing_payload(struct porto_conn *conn, Rpc__TContainerResponse *rsp, const char *what)
{
        porto_response_free(rsp);
        return lp_set_error(conn, PORTO_ERROR_UNKNOWN, "daemon reply has no %s payload", what);
}

/* The exchange of a call that converts its reply: unlike porto_call(), the
 * reply is handed out only on success. */
static int call_reply(struct porto_conn *conn, const Rpc__TContainerRequest *req, int extra_timeout,
                      Rpc__TContainerResponse **ret)
{
        Rpc__TContainerResponse *rsp = NULL;
        int r = porto_call_timeout(conn, req, extra_timeout, &rsp);

        if (r != 0) {
                porto_response_free(rsp);
                return r;
        }
        *ret = rsp;
        return 0;
}

/* ---- container lifecycle ------------------------------------------- */

static int call_create(struct porto_conn *conn, const char *name, bool weak)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerCreateRequest c = RPC__TCONTAINER_CREATE_REQUEST__INIT;

        c.name = RW(name);
        if (weak)
                req.createweak = &c;
        else
                req.create = &c;
        return porto_call(conn, &req, NULL);
}

int porto_create(struct porto_conn *conn, const char *name)
{
        return call_create(conn, name, false);
}

int porto_create_weak(struct porto_conn *conn, const char *name)
{
        return call_create(conn, name, true);
}

int porto_destroy(struct porto_conn *conn, const char *name)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerDestroyRequest d = RPC__TCONTAINER_DESTROY_REQUEST__INIT;

        d.name = RW(name);
        req.destroy = &d;
        return porto_call(conn, &req, NULL);
}

int porto_start(struct porto_conn *conn, const char *name)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerStartRequest s = RPC__TCONTAINER_START_REQUEST__INIT;

        s.name = RW(name);
        req.start = &s;
        return porto_call(conn, &req, NULL);
}

int porto_stop(struct porto_conn *conn, const char *name, int timeout_ms)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerStopRequest s = RPC__TCONTAINER_STOP_REQUEST__INIT;
        int grace_ms = timeout_ms < 0 ? PORTO_DEFAULT_STOP_TIMEOUT_MS : timeout_ms;

        s.name = RW(name);
        if (timeout_ms >= 0) {
                s.has_timeout_ms = true;
                s.timeout_ms = (uint32_t) timeout_ms;
        }
        req.stop = &s;
        return porto_call_timeout(conn, &req, (grace_ms + 999) / 1000, NULL);
}

int porto_kill(struct porto_conn *conn, const char *name, int sig)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerKillRequest k = RPC__TCONTAINER_KILL_REQUEST__INIT;

        k.name = RW(name);
        k.sig = sig;
        req.kill = &k;
        return porto_call(conn, &req, NULL);
}

int porto_pause(struct porto_conn *conn, const char *name)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerPauseRequest p = RPC__TCONTAINER_PAUSE_REQUEST__INIT;

        p.name = RW(name);
        req.pause = &p;
        return porto_call(conn, &req, NULL);
}

int porto_resume(struct porto_conn *conn, const char *name)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerResumeRequest p = RPC__TCONTAINER_RESUME_REQUEST__INIT;

        p.name = RW(name);
        req.resume = &p;
        return porto_call(conn, &req, NULL);
}

int porto_respawn(struct porto_conn *conn, const char *name)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerRespawnRequest p = RPC__TCONTAINER_RESPAWN_REQUEST__INIT;

        p.name = RW(name);
        req.respawn = &p;
        return porto_call(conn, &req, NULL);
}

/* ---- list -------------------------------------------------------------- */

int porto_list(struct porto_conn *conn, const char *mask, char ***ret_names)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerListRequest l = RPC__TCONTAINER_LIST_REQUEST__INIT;
        Rpc__TContainerResponse *rsp = NULL;
        char **names;
        int r;

        l.mask = RW(mask);
        req.list = &l;
        r = call_reply(conn, &req, 0, &rsp);
        if (r != 0)
                return r;
        if (!rsp->list)
                return missing_payload(conn, rsp, "list");
        r = lp_strv_from_counted(rsp->list->name, rsp->list->n_name, &names);
        porto_response_free(rsp);
        if (r < 0)
                return oom(conn);
        *ret_names = names;
        return 0;
}

/* ---- properties -------------------------------------------------------- */

int porto_get_property_flags(struct porto_conn *conn, const char *name, const char *property, unsigned flags,
                             char **ret_value)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerGetPropertyRequest g = RPC__TCONTAINER_GET_PROPERTY_REQUEST__INIT;
        Rpc__TContainerResponse *rsp = NULL;
        char *value;
        int r;

        g.name = RW(name);
        g.property = RW(property);
        if (flags & PORTO_GET_SYNC) {
                g.has_sync = true;
                g.sync = true;
        }
        if (flags & PORTO_GET_REAL) {
                g.has_real = true;
                g.real = true;
        }
        req.getproperty = &g;
        r = call_reply(conn, &req, 0, &rsp);
        if (r != 0)
                return r;
        if (!rsp->getproperty)
                return missing_payload(conn, rsp, "getProperty");
        value = lp_strdup_or_empty(rsp->getproperty->value);
        porto_response_free(rsp);
        if (!value)
                return oom(conn);
        *ret_value = value;
        return 0;
}

int porto_get_property(struct porto_conn *conn, const char *name, const char *property, char **ret_value)
{
        return porto_get_property_flags(conn, name, property, 0, ret_value);
}

int porto_set_property(struct porto_conn *conn, const char *name, const char *property, const char *value)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerSetPropertyRequest s = RPC__TCONTAINER_SET_PROPERTY_REQUEST__INIT;

        s.name = RW(name);
        s.property = RW(property);
        s.value = RW(value);
        req.setproperty = &s;
        return porto_call(conn, &req, NULL);
}

void porto_get_result_free(struct porto_get_result *r)
{
        if (!r)
                return;
        for (size_t i = 0; i < r->n_containers; i++) {
                struct porto_container_values *c = &r->containers[i];

                for (size_t j = 0; j < c->n_values; j++) {
                        free(c->values[j].property);
                        free(c->values[j].error_msg);
                        free(c->values[j].value);
                }
                free(c->values);
                free(c->name);
        }
        free(r->containers);
        free(r);
}

static int convert_value(struct porto_value *v, const Rpc__TContainerGetResponse__TContainerGetValueResponse *kv)
{
        /* The mere presence of `error` marks a failure (protocol.md 10.9). */
        v->error = kv->has_error ? (int) kv->error : 0;
        if (kv->has_error && v->error == 0)
                v->error = PORTO_ERROR_UNKNOWN;
        v->property = lp_strdup_or_empty(kv->variable);
        v->error_msg = strdup(v->error && kv->errormsg ? kv->errormsg : "");
        v->value = strdup(!v->error && kv->value ? kv->value : "");
        return v->property && v->error_msg && v->value ? 0 : -ENOMEM;
}

static int convert_get(const Rpc__TContainerGetResponse *g, struct porto_get_result **ret)
{
        struct porto_get_result *res = calloc(1, sizeof(*res));

        if (!res)
                return -ENOMEM;
        res->containers = calloc(g->n_list ? g->n_list : 1, sizeof(*res->containers));
        if (!res->containers) {
                free(res);
                return -ENOMEM;
        }
        for (size_t i = 0; i < g->n_list; i++) {
                const Rpc__TContainerGetResponse__TContainerGetListResponse *l = g->list[i];
                struct porto_container_values *c = &res->containers[i];

                res->n_containers = i + 1;
                c->name = lp_strdup_or_empty(l->name);
                c->change_time = l->has_change_time ? l->change_time : 0;
                c->no_changes = l->has_no_changes && l->no_changes;
                c->values = calloc(l->n_keyval ? l->n_keyval : 1, sizeof(*c->values));
                if (!c->name || !c->values)
                        goto fail;
                for (size_t j = 0; j < l->n_keyval; j++) {
                        c->n_values = j + 1;
                        if (convert_value(&c->values[j], l->keyval[j]) < 0)
                                goto fail;
                }
        }
        *ret = res;
        return 0;
fail:
        porto_get_result_free(res);
        return -ENOMEM;
}

int porto_get(struct porto_conn *conn, const char *const *names, const char *const *properties, unsigned flags,
              struct porto_get_result **ret)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerGetRequest g = RPC__TCONTAINER_GET_REQUEST__INIT;
        Rpc__TContainerResponse *rsp = NULL;
        int r;

        g.n_name = strv_length((char *const *) names);
        g.name = (char **) names;
        g.n_variable = strv_length((char *const *) properties);
        g.variable = (char **) properties;
        if (flags & PORTO_GET_SYNC) {
                g.has_sync = true;
                g.sync = true;
        }
        if (flags & PORTO_GET_REAL) {
                g.has_real = true;
                g.real = true;
        }
        if (flags & PORTO_GET_NONBLOCK) {
                g.has_nonblock = true;
                g.nonblock = true;
        }
        req.get = &g;
        r = call_reply(conn, &req, 0, &rsp);
        if (r != 0)
                return r;
        if (!rsp->get)
                return missing_payload(conn, rsp, "get");
        r = convert_get(rsp->get, ret);
        porto_response_free(rsp);
        return r < 0 ? oom(conn) : 0;
}

const struct porto_value *porto_get_result_find(const struct porto_get_result *r, const char *name,
                                                const char *property)
{
        if (!r)
                return NULL;
        for (size_t i = 0; i < r->n_containers; i++) {
                const struct porto_container_values *c = &r->containers[i];

                if (strcmp(c->name, name) != 0)
                        continue;
                for (size_t j = 0; j < c->n_values; j++)
                        if (strcmp(c->values[j].property, property) == 0)
                                return &c->values[j];
        }
        return NULL;
}

void porto_property_list_free(struct porto_property *list, size_t n)
{
        if (!list)
                return;
        for (size_t i = 0; i < n; i++) {
                free(list[i].name);
                free(list[i].desc);
        }
        free(list);
}

static int convert_properties(const Rpc__TContainerPropertyListResponse *pl, struct porto_property **ret)
{
        struct porto_property *list = calloc(pl->n_list ? pl->n_list : 1, sizeof(*list));

        if (!list)
                return -ENOMEM;
        for (size_t i = 0; i < pl->n_list; i++) {
                const Rpc__TContainerPropertyListResponse__TContainerPropertyListEntry *e = pl->list[i];

                list[i].name = lp_strdup_or_empty(e->name);
                list[i].desc = lp_strdup_or_empty(e->desc);
                list[i].read_only = e->has_read_only && e->read_only;
                list[i].dynamic = e->has_dynamic && e->dynamic;
                if (!list[i].name || !list[i].desc) {
                        porto_property_list_free(list, i + 1);
                        return -ENOMEM;
                }
        }
        *ret = list;
        return 0;
}

int porto_property_list(struct porto_conn *conn, struct porto_property **ret_list, size_t *ret_n)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerPropertyListRequest p = RPC__TCONTAINER_PROPERTY_LIST_REQUEST__INIT;
        Rpc__TContainerResponse *rsp = NULL;
        struct porto_property *list;
        size_t n;
        int r;

        req.propertylist = &p;
        r = call_reply(conn, &req, 0, &rsp);
        if (r != 0)
                return r;
        if (!rsp->propertylist)
                return missing_payload(conn, rsp, "propertyList");
        n = rsp->propertylist->n_list;
        r = convert_properties(rsp->propertylist, &list);
        porto_response_free(rsp);
        if (r < 0)
                return oom(conn);
        *ret_list = list;
        *ret_n = n;
        return 0;
}

/* ---- wait ---------------------------------------------------------------- */

static void fill_wait(Rpc__TContainerWaitRequest *w, const char *const *names, const char *const *labels,
                      int timeout_ms)
{
        w->n_name = strv_length((char *const *) names);
        w->name = (char **) names;
        w->n_label = strv_length((char *const *) labels);
        w->label = (char **) labels;
        if (timeout_ms >= 0) {
                w->has_timeout_ms = true;
                w->timeout_ms = (uint32_t) timeout_ms;
        }
}

int porto_wait(struct porto_conn *conn, const char *const *names, const char *const *labels, int timeout_ms,
               struct porto_event **ret)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerWaitRequest w = RPC__TCONTAINER_WAIT_REQUEST__INIT;
        Rpc__TContainerResponse *rsp = NULL;
        struct porto_event *e;
        int r;

        fill_wait(&w, names, labels, timeout_ms);
        req.wait = &w;
        r = call_reply(conn, &req, timeout_ms < 0 ? -1 : (timeout_ms + 999) / 1000, &rsp);
        if (r != 0)
                return r;
        if (!rsp->wait)
                return missing_payload(conn, rsp, "wait");
        e = lp_event_from_wait(rsp->wait);
        porto_response_free(rsp);
        if (!e)
                return oom(conn);
        *ret = e;
        return 0;
}

int porto_async_wait(struct porto_conn *conn, const char *const *names, const char *const *labels, int timeout_ms)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerWaitRequest w = RPC__TCONTAINER_WAIT_REQUEST__INIT;

        fill_wait(&w, names, labels, timeout_ms);
        req.asyncwait = &w;
        return porto_call(conn, &req, NULL);
}

/* ---- labels --------------------------------------------------------------- */

void porto_label_list_free(struct porto_label *list, size_t n)
{
        if (!list)
                return;
        for (size_t i = 0; i < n; i++) {
                free(list[i].name);
                free(list[i].state);
                free(list[i].label);
                free(list[i].value);
        }
        free(list);
}

static int convert_labels(const Rpc__TFindLabelResponse *fl, struct porto_label **ret)
{
        struct porto_label *list = calloc(fl->n_list ? fl->n_list : 1, sizeof(*list));

        if (!list)
                return -ENOMEM;
        for (size_t i = 0; i < fl->n_list; i++) {
                const Rpc__TFindLabelResponse__TFindLabelEntry *e = fl->list[i];

                list[i].name = lp_strdup_or_empty(e->name);
                list[i].state = lp_strdup_or_empty(e->state);
                list[i].label = lp_strdup_or_empty(e->label);
                list[i].value = lp_strdup_or_empty(e->value);
                if (!list[i].name || !list[i].state || !list[i].label || !list[i].value) {
                        porto_label_list_free(list, i + 1);
                        return -ENOMEM;
                }
        }
        *ret = list;
        return 0;
}

int porto_find_label(struct porto_conn *conn, const char *mask, const char *label, const char *state,
                     const char *value, struct porto_label **ret_list, size_t *ret_n)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TFindLabelRequest f = RPC__TFIND_LABEL_REQUEST__INIT;
        Rpc__TContainerResponse *rsp = NULL;
        struct porto_label *list;
        size_t n;
        int r;

        f.mask = RW(mask);
        f.label = RW(label);
        f.state = RW(state);
        f.value = RW(value);
        req.findlabel = &f;
        r = call_reply(conn, &req, 0, &rsp);
        if (r != 0)
                return r;
        if (!rsp->findlabel)
                return missing_payload(conn, rsp, "FindLabel");
        n = rsp->findlabel->n_list;
        r = convert_labels(rsp->findlabel, &list);
        porto_response_free(rsp);
        if (r < 0)
                return oom(conn);
        *ret_list = list;
        *ret_n = n;
        return 0;
}

int porto_set_label(struct porto_conn *conn, const char *name, const char *label, const char *value,
                    const char *prev_value, const char *state)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TSetLabelRequest s = RPC__TSET_LABEL_REQUEST__INIT;

        s.name = RW(name);
        s.label = RW(label);
        s.value = RW(value ? value : "");
        s.prev_value = RW(prev_value);
        s.state = RW(state);
        req.setlabel = &s;
        return porto_call(conn, &req, NULL);
}

int porto_inc_label(struct porto_conn *conn, const char *name, const char *label, int64_t add, int64_t *ret_result)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TIncLabelRequest i = RPC__TINC_LABEL_REQUEST__INIT;
        Rpc__TContainerResponse *rsp = NULL;
        int r;

        i.name = RW(name);
        i.label = RW(label);
        i.has_add = true;
        i.add = add;
        req.inclabel = &i;
        r = call_reply(conn, &req, 0, &rsp);
        if (r != 0)
                return r;
        if (!rsp->inclabel)
                return missing_payload(conn, rsp, "IncLabel");
        if (ret_result)
                *ret_result = rsp->inclabel->result;
        porto_response_free(rsp);
        return 0;
}

/* ---- daemon ---------------------------------------------------------------- */

int porto_version(struct porto_conn *conn, char **ret_tag, char **ret_revision)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TVersionRequest v = RPC__TVERSION_REQUEST__INIT;
        Rpc__TContainerResponse *rsp = NULL;
        char *tag, *rev;
        int r;

        req.version = &v;
        r = call_reply(conn, &req, 0, &rsp);
        if (r != 0)
                return r;
        if (!rsp->version)
                return missing_payload(conn, rsp, "version");
        tag = lp_strdup_or_empty(rsp->version->tag);
        rev = lp_strdup_or_empty(rsp->version->revision);
        porto_response_free(rsp);
        if (!tag || !rev) {
                free(tag);
                free(rev);
                return oom(conn);
        }
        *ret_tag = tag;
        *ret_revision = rev;
        return 0;
}
