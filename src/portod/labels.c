/* Container labels (manual "Labels", spec/protocol.md 10.3, 10.12): a
 * sorted array per container, and the FindLabel/SetLabel/IncLabel calls. */
#include <inttypes.h>
#include <stdio.h>
#include "container.h"
#include "prop.h"
#include "basic/name.h"
#include "basic/parse.h"
#include "basic/pattern.h"

static size_t label_pos(const struct container *ct, const char *name, bool *ret_found)
{
        size_t lo = 0, hi = ct->n_labels;

        *ret_found = false;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                int c = strcmp(name, ct->labels[mid].name);
                if (c == 0) {
                        *ret_found = true;
                        return mid;
                }
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return lo;
}

const char *ct_label_get(const struct container *ct, const char *name)
{
        bool found;
        size_t pos = label_pos(ct, name, &found);
        return found ? ct->labels[pos].value : NULL;
}

const char *ct_label_find(const struct container *ct, const char *name)
{
        if (name[0] != '.')
                return ct_label_get(ct, name);
        for (; ct; ct = ct->parent) {
                const char *v = ct_label_get(ct, name + 1);
                if (v)
                        return v;
        }
        return NULL;
}

void ct_labels_free(struct container *ct)
{
        for (size_t i = 0; i < ct->n_labels; i++) {
                free(ct->labels[i].name);
                free(ct->labels[i].value);
        }
        free(ct->labels);
        ct->labels = NULL;
        ct->n_labels = 0;
}

static int check_label(const char *name, const char *value, struct perror *e)
{
        int r = label_name_check(name, e);
        if (r < 0)
                return r;
        return value ? label_value_check(value, e) : 0;
}

/* Store without checks; value NULL or "" removes. */
static int label_store(struct container *ct, const char *name, const char *value, struct perror *e)
{
        bool found;
        size_t pos = label_pos(ct, name, &found);

        if (isempty(value)) {
                if (!found)
                        return 0;
                free(ct->labels[pos].name);
                free(ct->labels[pos].value);
                memmove(ct->labels + pos, ct->labels + pos + 1, (ct->n_labels - pos - 1) * sizeof(*ct->labels));
                ct->n_labels--;
                return 0;
        }
        if (found) {
                char *v = strdup(value);
                if (!v)
                        return -ENOMEM;
                free(ct->labels[pos].value);
                ct->labels[pos].value = v;
                return 0;
        }
        if (ct->n_labels >= LABELS_PER_CONTAINER_MAX)
                return perror_set(e, EERROR_RESOURCE_NOT_AVAILABLE, -E2BIG,
                                  "%s: too many labels (at most %d)", ct->name, LABELS_PER_CONTAINER_MAX);
        struct ct_label *n = realloc(ct->labels, (ct->n_labels + 1) * sizeof(*n));
        if (!n)
                return -ENOMEM;
        ct->labels = n;
        struct ct_label l = { strdup(name), strdup(value) };
        if (!l.name || !l.value) {
                free(l.name);
                free(l.value);
                return -ENOMEM;
        }
        memmove(ct->labels + pos + 1, ct->labels + pos, (ct->n_labels - pos) * sizeof(*ct->labels));
        ct->labels[pos] = l;
        ct->n_labels++;
        return 0;
}

int ct_label_set(struct container *ct, const char *name, const char *value, bool notify, struct perror *e)
{
        int r = check_label(name, value, e);

        if (r < 0)
                return r;
        r = label_store(ct, name, value, e);
        if (r < 0)
                return r;
        prop_mark(ct, prop_find("labels"), ct->n_labels > 0);
        if (notify)
                waiter_event(ct, name, value);
        return 0;
}

/* ---- RPC ---- */

enum rpc_result rpc_find_label(struct request *req)
{
        const Rpc__TFindLabelRequest *m = req->msg->findlabel;
        Rpc__TFindLabelResponse *rsp;
        Rpc__TFindLabelResponse__TFindLabelEntry **list = NULL;
        size_t n_all, n = 0, cap = 0;
        struct container *const *all = ct_list_all(&n_all);
        bool glob = pattern_is_glob(m->label);
        enum ct_state state = CT_STATE_MAX;

        if (!glob && check_label(m->label[0] == '.' ? m->label + 1 : m->label, m->value, &req->err) < 0)
                return RPC_DONE;
        if (m->state && ct_state_from_string(m->state, &state) < 0) {
                perror_set(&req->err, EERROR_INVALID_VALUE, -EINVAL, "unknown state \"%s\"", m->state);
                return RPC_DONE;
        }
        rsp = req_alloc(req, sizeof(*rsp));
        if (!rsp)
                goto oom;
        rpc__tfind_label_response__init(rsp);

        for (size_t i = 0; i < n_all; i++) {
                struct container *ct = all[i];
                const char *rel = ct_client_name(req, ct);

                /* "/porto/..." is outside the client's porto namespace */
                if (rel[0] == '/' || (m->mask && !pattern_match(m->mask, rel)))
                        continue;
                if (m->state && ct->state != state)
                        continue;
                for (size_t j = 0; j < (glob ? ct->n_labels : 1); j++) {
                        const char *label = glob ? ct->labels[j].name : m->label;
                        const char *value = glob ? ct->labels[j].value : ct_label_find(ct, m->label);
                        Rpc__TFindLabelResponse__TFindLabelEntry *en;

                        if (!value || (glob && !pattern_match(m->label, label)))
                                continue;
                        if (m->value && !streq(m->value, value))
                                continue;
                        if (n == cap) {
                                size_t ncap = cap ? cap * 2 : 16;
                                void *nl = req_alloc(req, ncap * sizeof(*list));
                                if (!nl)
                                        goto oom;
                                if (n)
                                        memcpy(nl, list, n * sizeof(*list));
                                list = nl;
                                cap = ncap;
                        }
                        en = req_alloc(req, sizeof(*en));
                        if (!en)
                                goto oom;
                        rpc__tfind_label_response__tfind_label_entry__init(en);
                        en->name = (char *)rel;
                        en->state = (char *)ct_state_to_string(ct->state);
                        en->label = (char *)label;
                        en->value = req_strdup(req, value);
                        if (!en->name || !en->value)
                                goto oom;
                        list[n++] = en;
                }
        }
        rsp->n_list = n;
        rsp->list = list;
        req->rsp->findlabel = rsp;
        return RPC_DONE;
oom:
        perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        return RPC_DONE;
}

enum rpc_result rpc_set_label(struct request *req)
{
        const Rpc__TSetLabelRequest *m = req->msg->setlabel;
        Rpc__TSetLabelResponse *rsp;
        struct container *ct;
        const char *cur;

        rsp = req_alloc(req, sizeof(*rsp));
        if (!rsp) {
                perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                return RPC_DONE;
        }
        rpc__tset_label_response__init(rsp);
        req->rsp->setlabel = rsp;       /* present even on failure */

        if (ct_lookup(req, m->name, &ct, &req->err) < 0)
                return RPC_DONE;
        if (check_label(m->label, m->value, &req->err) < 0)
                return RPC_DONE;
        if (ct_check_write(req, ct, &req->err) < 0)
                return RPC_DONE;
        cur = ct_label_get(ct, m->label);
        if (cur)
                rsp->prev_value = req_strdup(req, cur);
        rsp->state = (char *)ct_state_to_string(ct->state);
        if (m->prev_value) {
                if (!cur && *m->prev_value) {
                        perror_set(&req->err, EERROR_LABEL_NOT_FOUND, -ENOENT, "label %s is not set", m->label);
                        return RPC_DONE;
                }
                if (!streq(cur ? cur : "", m->prev_value)) {
                        perror_set(&req->err, EERROR_BUSY, -EBUSY, "label %s is \"%s\", not \"%s\"",
                                   m->label, cur ? cur : "", m->prev_value);
                        return RPC_DONE;
                }
        }
        if (m->state && !streq(m->state, ct_state_to_string(ct->state))) {
                perror_set(&req->err, EERROR_INVALID_STATE, -EINVAL, "container %s is %s, not %s",
                           m->name, ct_state_to_string(ct->state), m->state);
                return RPC_DONE;
        }
        if (ct_label_set(ct, m->label, m->value, true, &req->err) < 0)
                return RPC_DONE;
        ct_touch(ct);
        ct_save(ct);
        return RPC_DONE;
}

enum rpc_result rpc_inc_label(struct request *req)
{
        const Rpc__TIncLabelRequest *m = req->msg->inclabel;
        Rpc__TIncLabelResponse *rsp;
        struct container *ct;
        int64_t add = m->has_add ? m->add : 1, cur = 0, res;
        const char *v;
        char buf[32];

        rsp = req_alloc(req, sizeof(*rsp));
        if (!rsp) {
                perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                return RPC_DONE;
        }
        rpc__tinc_label_response__init(rsp);
        req->rsp->inclabel = rsp;       /* present even on failure */

        if (ct_lookup(req, m->name, &ct, &req->err) < 0)
                return RPC_DONE;
        if (check_label(m->label, NULL, &req->err) < 0)
                return RPC_DONE;
        if (ct_check_write(req, ct, &req->err) < 0)
                return RPC_DONE;
        v = ct_label_get(ct, m->label);
        if (!v) {
                if (add == 0) {
                        perror_set(&req->err, EERROR_LABEL_NOT_FOUND, -ENOENT, "label %s is not set", m->label);
                        return RPC_DONE;
                }
        } else if (parse_i64(v, &cur) < 0) {
                perror_set(&req->err, EERROR_INVALID_VALUE, -EINVAL, "label %s: \"%s\" is not an integer",
                           m->label, v);
                return RPC_DONE;
        }
        rsp->result = cur;
        if (__builtin_add_overflow(cur, add, &res)) {
                perror_set(&req->err, EERROR_INVALID_VALUE, -ERANGE, "label %s: %" PRIi64 " + %" PRIi64 " overflows",
                           m->label, cur, add);
                return RPC_DONE;
        }
        snprintf(buf, sizeof(buf), "%" PRIi64, res);
        if (ct_label_set(ct, m->label, buf, true, &req->err) < 0)
                return RPC_DONE;
        rsp->result = res;
        ct_touch(ct);
        ct_save(ct);
        return RPC_DONE;
}
