/* wait and AsyncWait (spec/protocol.md 10.11), events, and the per-client
 * state of the engine (waiters, parked stop, weak containers). */
#include <inttypes.h>
#include "container.h"
#include "basic/log.h"
#include "basic/pattern.h"
#include "basic/timeutil.h"

struct waiter {
        struct ct_client *cl;
        bool async;
        char **names;           /* resolved full names */
        char **patterns;        /* patterns over relative names */
        char **labels;          /* label patterns */
        struct loop_timer *timer;
        struct request *req;    /* sync: the parked wait */
        struct waiter *prev, *next;
};

struct ct_client {
        struct client *c;
        struct waiter *sync;
        struct waiter *async;
        struct stop_op *parked_stop;
        struct request *parked_req;
        struct container **weak;
        size_t n_weak;
};

static struct waiter *waiters;

struct ct_client *ct_client_get(struct client *c)
{
        struct ct_client *cl = c->engine;

        if (!cl) {
                cl = calloc(1, sizeof(*cl));
                if (!cl)
                        return NULL;
                cl->c = c;
                c->engine = cl;
        }
        return cl;
}

static void waiter_free(struct waiter *w)
{
        if (!w)
                return;
        if (w->prev)
                w->prev->next = w->next;
        else if (waiters == w)
                waiters = w->next;
        if (w->next)
                w->next->prev = w->prev;
        if (w->timer)
                loop_timer_cancel(w->timer);
        if (w->cl) {
                if (w->cl->sync == w)
                        w->cl->sync = NULL;
                if (w->cl->async == w)
                        w->cl->async = NULL;
        }
        strv_free(w->names);
        strv_free(w->patterns);
        strv_free(w->labels);
        free(w);
}

static void waiter_link(struct waiter *w)
{
        w->prev = NULL;
        w->next = waiters;
        if (waiters)
                waiters->prev = w;
        waiters = w;
}

static bool is_pseudo_label(const char *label)
{
        return streq(label, "exit_code") || streq(label, "start_error");
}

static bool label_matches(char *const *patterns, const char *label)
{
        for (char *const *p = patterns; p && *p; p++)
                if (pattern_match(*p, label))
                        return true;
        return false;
}

static bool waiter_matches(const struct waiter *w, const struct container *ct, const char *rel)
{
        if (strv_contains(w->names, ct->name))
                return true;
        /* "/porto/..." names are outside the client's porto namespace */
        if (ct_is_root(ct) || rel[0] == '/')
                return false;
        for (char *const *p = w->patterns; p && *p; p++)
                if (pattern_match(*p, rel))
                        return true;
        return false;
}

static void fill_event(Rpc__TContainerWaitResponse *ev, const char *name, const char *state,
                       const char *label, const char *value)
{
        rpc__tcontainer_wait_response__init(ev);
        ev->name = (char *)name;
        ev->state = (char *)state;
        ev->has_when = true;
        ev->when = now_realtime_ms() / 1000;
        ev->label = (char *)label;
        ev->value = isempty(value) ? NULL : (char *)value;
}

static void send_event(struct waiter *w, const char *name, const char *state, const char *label,
                       const char *value)
{
        Rpc__TContainerWaitResponse ev;
        int r;

        fill_event(&ev, name, state, label, value);
        r = client_send_event(w->cl->c, &ev);
        if (r < 0)
                log_debug_errno(r, "cannot queue a wait event: %m");
}

static char *dup_or_null(struct request *req, const char *s)
{
        return s ? req_strdup(req, s) : NULL;
}

/* Reply to a parked sync wait and drop the waiter. */
static void sync_reply(struct waiter *w, const char *name, const char *state, const char *label,
                       const char *value)
{
        struct request *req = w->req;
        Rpc__TContainerWaitResponse *ev = req_alloc(req, sizeof(*ev));

        if (ev) {
                fill_event(ev, req_strdup(req, name), state, dup_or_null(req, label), dup_or_null(req, value));
                if (!ev->name)
                        ev = NULL;
        }
        if (ev)
                req->rsp->wait = ev;
        else
                perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        w->req = NULL;
        if (w->cl->parked_req == req)
                w->cl->parked_req = NULL;
        waiter_free(w);
        rpc_complete(req);
}

void waiter_event_state(struct container *ct, const char *state, const char *label, const char *value)
{
        bool user_label = label && !is_pseudo_label(label);
        struct waiter *w, *next;

        for (w = waiters; w; w = next) {
                const char *rel;

                next = w->next;
                rel = w->req ? ct_client_name(w->req, ct) : ct_is_root(ct) ? "/" : ct->name;
                if (!rel || !waiter_matches(w, ct, rel))
                        continue;
                if (user_label && !label_matches(w->labels, label))
                        continue;
                if (!w->async) {
                        if (ct->state != CT_DESTROYED && !streq(state, "destroyed") && !ct_is_finished(ct))
                                continue;
                        sync_reply(w, rel, state, label, value);
                        continue;
                }
                send_event(w, rel, state, label, value);
        }
}

void waiter_event(struct container *ct, const char *label, const char *value)
{
        if (!waiters)
                return;
        waiter_event_state(ct, ct_state_to_string(ct->state), label, value);
}

/* ---- requests ---- */

static int parse_names(struct request *req, const Rpc__TContainerWaitRequest *m, struct waiter *w,
                       bool keep_missing)
{
        for (size_t i = 0; i < m->n_name; i++) {
                const char *name = m->name[i], *full;
                int r;

                if (pattern_is_glob(name)) {
                        r = strv_push(&w->patterns, name);
                        if (r < 0)
                                return r;
                        continue;
                }
                r = ct_resolve_name(req, name, &full, &req->err);
                if (r >= 0 && !keep_missing && !ct_find(full))
                        r = perror_set(&req->err, EERROR_CONTAINER_DOES_NOT_EXIST, -ENOENT,
                                       "container %s not found", name);
                if (r < 0) {
                        Rpc__TContainerWaitResponse *ev = req_alloc(req, sizeof(*ev));
                        if (ev) {
                                rpc__tcontainer_wait_response__init(ev);
                                ev->name = (char *)name;
                                req->rsp->wait = ev;
                        }
                        return r;
                }
                r = strv_push(&w->names, full);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < m->n_label; i++) {
                int r = strv_push(&w->labels, m->label[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* First label of ct matching the waiter's label patterns. */
static const struct ct_label *first_label(const struct waiter *w, const struct container *ct)
{
        for (size_t i = 0; i < ct->n_labels; i++)
                if (label_matches(w->labels, ct->labels[i].name))
                        return &ct->labels[i];
        return NULL;
}

/* A container that satisfies a sync wait right now. */
static bool sync_ready(struct request *req, struct waiter *w, const char *name, struct container *ct)
{
        const struct ct_label *l = NULL;
        Rpc__TContainerWaitResponse *ev;

        if (!ct_is_finished(ct))
                return false;
        if (w->labels && !(l = first_label(w, ct)))
                return false;
        ev = req_alloc(req, sizeof(*ev));
        if (!ev) {
                perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                return true;
        }
        fill_event(ev, name, ct_state_to_string(ct->state), l ? l->name : NULL, l ? l->value : NULL);
        req->rsp->wait = ev;
        return true;
}

static void sync_timeout(void *userdata)
{
        struct waiter *w = userdata;

        w->timer = NULL;
        sync_reply(w, "", "timeout", NULL, NULL);
}

static void reply_timeout(struct request *req)
{
        Rpc__TContainerWaitResponse *ev = req_alloc(req, sizeof(*ev));

        if (!ev) {
                perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                return;
        }
        fill_event(ev, "", "timeout", NULL, NULL);
        req->rsp->wait = ev;
}

enum rpc_result rpc_wait(struct request *req)
{
        const Rpc__TContainerWaitRequest *m = req->msg->wait;
        struct ct_client *cl = ct_client_get(req->client);
        struct waiter *w;
        size_t n_all;
        struct container *const *all;
        int r;

        if (m->n_name == 0) {
                perror_set(&req->err, EERROR_INVALID_VALUE, -EINVAL, "wait: no container names given");
                return RPC_DONE;
        }
        w = calloc(1, sizeof(*w));
        if (!cl || !w) {
                free(w);
                perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                return RPC_DONE;
        }
        w->cl = cl;
        r = parse_names(req, m, w, false);
        if (r < 0) {
                if (req->err.code == EERROR_SUCCESS)
                        perror_set(&req->err, EERROR_UNKNOWN, r, "out of memory");
                waiter_free(w);
                return RPC_DONE;
        }

        /* explicit names first (echoing the client's string), then patterns */
        for (size_t i = 0, k = 0; i < m->n_name; i++) {
                if (pattern_is_glob(m->name[i]))
                        continue;
                if (sync_ready(req, w, m->name[i], ct_find(w->names[k++]))) {
                        waiter_free(w);
                        return RPC_DONE;
                }
        }
        all = ct_list_all(&n_all);
        for (size_t i = 0; w->patterns && i < n_all; i++) {
                const char *rel = ct_client_name(req, all[i]);
                if (waiter_matches(w, all[i], rel) && sync_ready(req, w, rel, all[i])) {
                        waiter_free(w);
                        return RPC_DONE;
                }
        }
        if (m->has_timeout_ms && m->timeout_ms == 0) {
                waiter_free(w);
                reply_timeout(req);
                return RPC_DONE;
        }
        if (m->has_timeout_ms) {
                w->timer = loop_timer_add(m->timeout_ms, sync_timeout, w);
                if (!w->timer) {
                        waiter_free(w);
                        perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                        return RPC_DONE;
                }
        }
        w->req = req;
        cl->sync = w;
        cl->parked_req = req;
        waiter_link(w);
        return RPC_PARKED;
}

static void async_snapshot_one(struct waiter *w, const char *rel, struct container *ct)
{
        if (!w->labels) {
                send_event(w, rel, ct_state_to_string(ct->state), NULL, NULL);
                return;
        }
        for (size_t i = 0; i < ct->n_labels; i++)
                if (label_matches(w->labels, ct->labels[i].name))
                        send_event(w, rel, ct_state_to_string(ct->state), ct->labels[i].name,
                                   ct->labels[i].value);
}

static void async_snapshot(struct request *req, struct waiter *w)
{
        size_t n_all;
        struct container *const *all;

        for (char **n = w->names; n && *n; n++) {
                struct container *ct = ct_find(*n);
                if (ct)
                        async_snapshot_one(w, ct_client_name(req, ct), ct);
        }
        if (!w->patterns)
                return;
        all = ct_list_all(&n_all);
        for (size_t i = 0; i < n_all; i++) {
                const char *rel = ct_client_name(req, all[i]);
                if (strv_contains(w->names, all[i]->name))
                        continue;
                if (waiter_matches(w, all[i], rel))
                        async_snapshot_one(w, rel, all[i]);
        }
}

static void async_timeout(void *userdata)
{
        struct waiter *w = userdata;

        w->timer = NULL;
        send_event(w, "", "timeout", NULL, NULL);
        waiter_free(w);
}

enum rpc_result rpc_async_wait(struct request *req)
{
        const Rpc__TContainerWaitRequest *m = req->msg->asyncwait;
        struct ct_client *cl = ct_client_get(req->client);
        struct waiter *w;
        bool snapshot_only = m->has_timeout_ms && m->timeout_ms == 0;
        int r;

        if (!cl) {
                perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                return RPC_DONE;
        }
        if (!snapshot_only) {
                waiter_free(cl->async);
                if (m->n_name == 0)
                        return RPC_DONE;        /* subscription cancelled */
        }
        w = calloc(1, sizeof(*w));
        if (!w) {
                perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                return RPC_DONE;
        }
        w->cl = cl;
        w->async = true;
        r = parse_names(req, m, w, true);
        if (r < 0) {
                req->rsp->wait = NULL;
                if (req->err.code == EERROR_SUCCESS)
                        perror_set(&req->err, EERROR_UNKNOWN, r, "out of memory");
                w->cl = NULL;
                waiter_free(w);
                return RPC_DONE;
        }
        async_snapshot(req, w);
        if (snapshot_only) {
                send_event(w, "", "timeout", NULL, NULL);
                w->cl = NULL;
                waiter_free(w);
                return RPC_DONE;
        }
        if (m->has_timeout_ms) {
                w->timer = loop_timer_add(m->timeout_ms, async_timeout, w);
                if (!w->timer) {
                        w->cl = NULL;
                        waiter_free(w);
                        perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                        return RPC_DONE;
                }
        }
        cl->async = w;
        waiter_link(w);
        return RPC_DONE;
}

/* ---- client lifetime ---- */

void ct_client_set_parked_stop(struct request *req, struct stop_op *op)
{
        struct ct_client *cl = req && req->client ? ct_client_get(req->client) : NULL;

        if (!cl)
                return;
        cl->parked_stop = op;
        cl->parked_req = op ? req : NULL;
}

void ct_client_add_weak(struct ct_client *cl, struct container *ct)
{
        struct container **n = realloc(cl->weak, (cl->n_weak + 1) * sizeof(*n));

        if (!n) {
                log_error("%s: out of memory, the container will not be destroyed with its client", ct->name);
                return;
        }
        cl->weak = n;
        cl->weak[cl->n_weak++] = ct;
        ct->weak_owner = cl;
}

void ct_client_drop_weak(struct container *ct)
{
        struct ct_client *cl = ct->weak_owner;

        if (!cl)
                return;
        for (size_t i = 0; i < cl->n_weak; i++)
                if (cl->weak[i] == ct) {
                        cl->weak[i] = cl->weak[--cl->n_weak];
                        break;
                }
        ct->weak_owner = NULL;
}

void ct_client_gone(struct client *c)
{
        struct ct_client *cl = c->engine;

        if (!cl)
                return;
        if (cl->sync) {
                cl->sync->req = NULL;   /* rpc.c drops it */
                waiter_free(cl->sync);
        }
        waiter_free(cl->async);
        if (cl->parked_stop && cl->parked_req)
                ct_stop_op_client_gone(cl->parked_stop, cl->parked_req);
        cl->parked_stop = NULL;
        cl->parked_req = NULL;

        /* weak containers die with their connection, unless weak was cleared */
        while (cl->n_weak > 0) {
                struct container *ct = cl->weak[cl->n_weak - 1];
                ct_client_drop_weak(ct);
                if (ct->weak) {
                        log_info("%s: weak container's client is gone, destroying", ct->name);
                        ct_destroy(ct);         /* may drop more entries of cl->weak */
                }
        }
        free(cl->weak);
        free(cl);
        c->engine = NULL;
}
