/* Request decoding, dispatch and the reply envelope (spec/protocol.md 1.8
 * - 1.11, 3). One table row per method of TContainerRequest: its field
 * name, read or write (1.10), the handler (NULL = not supported by this
 * version, with the message to show) and the fields worth logging. */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>
#include "basic/log.h"
#include "basic/timeutil.h"
#include "portod.h"
#include "system.h"
#include "version.h"

#define R false
#define W true

struct rpc_method {
        const char *name;
        bool write;
        rpc_handler_fn handler;
        const char *unsupported;
        const char *args[3];
};

static enum rpc_result rpc_version(struct request *req);

#define NO_VOLUMES "volumes are not supported by this version yet"
#define NO_LAYERS "layers are not supported by this version yet"
#define NO_STORAGE "storages are not supported by this version yet"
#define NO_META "meta-storages are not supported by this version yet"
#define NO_SPEC "spec-based calls are not supported by this version yet; use create/setProperty/start"

static const struct rpc_method methods[] = {
        { "create", W, rpc_create, NULL, { "name" } },
        { "destroy", W, rpc_destroy, NULL, { "name" } },
        { "list", R, rpc_list, NULL, { "mask" } },
        { "getProperty", R, rpc_get_property, NULL, { "name", "property" } },
        { "setProperty", W, rpc_set_property, NULL, { "name", "property" } },
        { "getData", R, rpc_get_data, NULL, { "name", "data" } },
        { "start", W, rpc_start, NULL, { "name" } },
        { "stop", W, rpc_stop, NULL, { "name", "timeout_ms" } },
        { "pause", W, rpc_pause, NULL, { "name" } },
        { "resume", W, rpc_resume, NULL, { "name" } },
        { "propertyList", R, rpc_property_list, NULL, { NULL } },
        { "dataList", R, rpc_data_list, NULL, { NULL } },
        { "kill", W, rpc_kill, NULL, { "name", "sig" } },
        { "version", R, rpc_version, NULL, { NULL } },
        { "get", R, rpc_get, NULL, { "name", "variable" } },
        { "wait", R, rpc_wait, NULL, { "name", "label", "timeout_ms" } },
        { "createWeak", W, rpc_create_weak, NULL, { "name" } },
        { "Respawn", W, rpc_respawn, NULL, { "name" } },
        { "AsyncWait", R, rpc_async_wait, NULL, { "name", "label", "timeout_ms" } },
        { "FindLabel", R, rpc_find_label, NULL, { "mask", "label" } },
        { "SetLabel", W, rpc_set_label, NULL, { "name", "label" } },
        { "IncLabel", W, rpc_inc_label, NULL, { "name", "label" } },
        { "locateProcess", R, rpc_locate_process, NULL, { "pid", "comm" } },

        { "CreateFromSpec", W, NULL, NO_SPEC, { NULL } },
        { "UpdateFromSpec", W, NULL, NO_SPEC, { NULL } },
        { "ListContainersBy", R, NULL, NO_SPEC, { NULL } },
        { "listVolumeProperties", R, NULL, NO_VOLUMES, { NULL } },
        { "createVolume", W, NULL, NO_VOLUMES, { "path" } },
        { "linkVolume", W, NULL, NO_VOLUMES, { "path", "container" } },
        { "LinkVolumeTarget", W, NULL, NO_VOLUMES, { "path", "container" } },
        { "unlinkVolume", W, NULL, NO_VOLUMES, { "path", "container" } },
        { "UnlinkVolumeTarget", W, NULL, NO_VOLUMES, { "path", "container" } },
        { "listVolumes", R, NULL, NO_VOLUMES, { "path" } },
        { "tuneVolume", W, NULL, NO_VOLUMES, { "path" } },
        { "NewVolume", W, NULL, NO_VOLUMES, { NULL } },
        { "GetVolume", R, NULL, NO_VOLUMES, { "container" } },
        { "importLayer", W, NULL, NO_LAYERS, { "layer" } },
        { "removeLayer", W, NULL, NO_LAYERS, { "layer" } },
        { "listLayers", R, NULL, NO_LAYERS, { NULL } },
        { "exportLayer", W, NULL, NO_LAYERS, { "volume" } },
        { "getlayerprivate", R, NULL, NO_LAYERS, { "layer" } },
        { "setlayerprivate", W, NULL, NO_LAYERS, { "layer" } },
        { "listStorage", R, NULL, NO_STORAGE, { NULL } },
        { "removeStorage", W, NULL, NO_STORAGE, { "name" } },
        { "importStorage", W, NULL, NO_STORAGE, { "name" } },
        { "exportStorage", W, NULL, NO_STORAGE, { "name" } },
        { "CreateMetaStorage", W, NULL, NO_META, { "name" } },
        { "ResizeMetaStorage", W, NULL, NO_META, { "name" } },
        { "RemoveMetaStorage", W, NULL, NO_META, { "name" } },
        { "SetSymlink", W, NULL, "symlinks are not supported by this version yet", { "container", "symlink" } },
        { "convertPath", R, NULL, "path conversion is not supported by this version yet", { "path" } },
        { "attachProcess", W, NULL, "attaching processes is not supported by this version yet", { "name", "pid" } },
        { "AttachThread", W, NULL, "attaching threads is not supported by this version yet", { "name", "pid" } },
        { "GetSystem", R, rpc_get_system, NULL, { NULL } },
        { "SetSystem", W, rpc_set_system, NULL, { NULL } },
};

/* Reply payloads that stay in failed replies (spec 1.9), if complete. */
static const char *const kept_on_error[] = { "wait", "SetLabel", "IncLabel", "GetVolume", "SetSystem" };

/* What rpc.c keeps beside the engine's view of a request. */
struct rpc_request {
        struct request req;
        const struct rpc_method *method;        /* NULL: none or several */
        const ProtobufCMessage *sub;            /* the method's message */
        const char *field;                      /* its field name */
};

/* methods by field index of the TContainerRequest descriptor */
static const struct rpc_method **by_field;

int rpc_init(void)
{
        const ProtobufCMessageDescriptor *d = &rpc__tcontainer_request__descriptor;

        by_field = calloc(d->n_fields, sizeof(*by_field));
        if (!by_field)
                return -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(methods); i++) {
                const ProtobufCFieldDescriptor *f =
                        protobuf_c_message_descriptor_get_field_by_name(d, methods[i].name);
                if (!f) {
                        log_error("rpc: method %s is not in rpc.proto", methods[i].name);
                        continue;
                }
                by_field[f - d->fields] = &methods[i];
        }
        for (unsigned i = 0; i < d->n_fields; i++)
                if (!by_field[i])
                        log_warning("rpc: request field %s has no method; answered NotSupported",
                                    d->fields[i].name);
        return 0;
}

static enum rpc_result rpc_version(struct request *req)
{
        Rpc__TVersionResponse *v = req_alloc(req, sizeof(*v));
        if (!v) {
                perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                return RPC_DONE;
        }
        rpc__tversion_response__init(v);
        v->tag = (char *)PORTO_VERSION;
        v->revision = (char *)PORTO_REVISION;
        req->rsp->version = v;
        return RPC_DONE;
}

/* ---- logging ----------------------------------------------------------- */

#define FIELD_AT(m, off) ((const void *)((const char *)(m) + (off)))

/* Append " value" of a scalar field: strings quoted only when they hold
 * blanks, repeated strings as "first (+N)". */
static void format_arg(char *buf, size_t size, const ProtobufCMessage *m, const char *name)
{
        const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name);
        size_t len = strlen(buf);
        if (!f || len >= size - 1)
                return;
        char *p = buf + len;
        size_t left = size - len;
        const void *v = FIELD_AT(m, f->offset);

        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
                size_t n = *(const size_t *)FIELD_AT(m, f->quantifier_offset);
                if (n == 0 || f->type != PROTOBUF_C_TYPE_STRING)
                        return;
                const char *const *s = *(const char *const *const *)v;
                if (n == 1)
                        snprintf(p, left, " %.100s", s[0]);
                else
                        snprintf(p, left, " %.100s (+%zu)", s[0], n - 1);
                return;
        }
        if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_STRING &&
            !*(const protobuf_c_boolean *)FIELD_AT(m, f->quantifier_offset))
                return;
        switch (f->type) {
        case PROTOBUF_C_TYPE_STRING:
                if (*(const char *const *)v)
                        snprintf(p, left, " %.100s", *(const char *const *)v);
                break;
        case PROTOBUF_C_TYPE_INT32:
                snprintf(p, left, " %s=%d", name, *(const int32_t *)v);
                break;
        case PROTOBUF_C_TYPE_UINT32:
                snprintf(p, left, " %s=%u", name, *(const uint32_t *)v);
                break;
        case PROTOBUF_C_TYPE_UINT64:
                snprintf(p, left, " %s=%" PRIu64, name, *(const uint64_t *)v);
                break;
        default:
                break;
        }
}

static void log_request(const struct rpc_request *rr, uint64_t ms)
{
        const struct request *req = &rr->req;
        const struct rpc_method *m = rr->method;
        const ProtobufCMessage *sub = rr->sub;
        int code = req->err.code;
        if (code == EERROR_SUCCESS && !config->verbose && (!m || !m->write))
                return;

        char args[512] = "";
        for (size_t i = 0; m && sub && i < ELEMENTSOF(m->args) && m->args[i]; i++)
                format_arg(args, sizeof(args), sub, m->args[i]);

        const struct client *c = req->client;
        const char *ename = eerror_to_string(code);
        log_write(code == EERROR_SUCCESS ? LOG_INFO : LOG_NOTICE,
                  "rpc %s[%d] uid %u: %s%s -> %s%s%s (%" PRIu64 " ms)",
                  c->comm, (int)c->pid, (unsigned)c->uid, rr->field, args,
                  ename ? ename : "Unknown", code ? ": " : "", code ? req->err.msg : "", ms);
}

/* ---- reply ------------------------------------------------------------- */

static bool kept(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(kept_on_error); i++)
                if (streq(name, kept_on_error[i]))
                        return true;
        return false;
}

/* On failure only complete payloads listed in kept_on_error survive. */
static void strip_payloads(Rpc__TContainerResponse *rsp)
{
        const ProtobufCMessageDescriptor *d = rsp->base.descriptor;
        for (unsigned i = 0; i < d->n_fields; i++) {
                const ProtobufCFieldDescriptor *f = &d->fields[i];
                if (f->type != PROTOBUF_C_TYPE_MESSAGE)
                        continue;
                ProtobufCMessage **p = (ProtobufCMessage **)((char *)rsp + f->offset);
                if (*p && (!kept(f->name) || !protobuf_c_message_check(*p)))
                        *p = NULL;
        }
}

static void finish(struct request *req)
{
        Rpc__TContainerResponse *rsp = req->rsp;
        struct client *c = req->client;
        const struct rpc_request *rr = (const struct rpc_request *)req;

        if (req->err.code == EERROR_QUEUED) {
                log_error("rpc %s: handler returned Queued; answered Unknown", rr->field);
                perror_set(&req->err, EERROR_UNKNOWN, -EINVAL, "internal error: request was not completed");
        }
        rsp->has_error = true;
        rsp->error = (Rpc__EError)req->err.code;
        rsp->errormsg = req->err.code == EERROR_SUCCESS ? (char *)"" : req->err.msg;
        if (req->err.code != EERROR_SUCCESS)
                strip_payloads(rsp);

        uint64_t ms = now_monotonic_ms() - req->start_ms;
        sys_stats->request_queued--;
        system_count_request(rr->method ? rr->method->name : NULL, req->err.code, ms);
        log_request(rr, ms);

        if (!client_is_closing(c)) {
                int r = client_queue_message(c, &rsp->base);
                if (r == -EMSGSIZE) {
                        /* Over 4 GiB: tell the client instead of choking. */
                        Rpc__TContainerResponse small = RPC__TCONTAINER_RESPONSE__INIT;
                        small.has_error = true;
                        small.error = RPC__EERROR__ResourceNotAvailable;
                        small.errormsg = (char *)"reply is larger than 4 GiB; ask for less at once";
                        small.has_timestamp = true;
                        small.timestamp = rsp->timestamp;
                        r = client_queue_message(c, &small.base);
                }
                if (r < 0)
                        log_error_errno(r, "rpc %s[%d]: cannot queue reply: %m", c->comm, (int)c->pid);
        }
        client_request_done(c);
}

void rpc_complete(struct request *req)
{
        finish(req);
}

void rpc_drop(struct request *req)
{
        sys_stats->request_queued--;
        log_info("rpc %s[%d]: client gone, reply dropped", req->client->comm, (int)req->client->pid);
}

/* ---- request ----------------------------------------------------------- */

static void count_methods(const Rpc__TContainerRequest *msg, unsigned *ret_n, unsigned *ret_idx)
{
        const ProtobufCMessageDescriptor *d = msg->base.descriptor;
        unsigned n = 0, idx = 0;

        for (unsigned i = 0; i < d->n_fields; i++)
                if (*(ProtobufCMessage *const *)((const char *)msg + d->fields[i].offset)) {
                        n++;
                        idx = i;
                }
        *ret_n = n;
        *ret_idx = idx;
}

int rpc_handle(struct client *c, const uint8_t *buf, size_t len)
{
        struct arena *a = client_arena(c);
        ProtobufCAllocator alloc;

        arena_protobuf_allocator(a, &alloc);
        struct rpc_request *rr = arena_alloc(a, sizeof(*rr));
        Rpc__TContainerResponse *rsp = arena_alloc(a, sizeof(*rsp));
        if (!rr || !rsp) {
                arena_reset(a);
                return log_error_errno(-ENOMEM, "rpc %s[%d]: out of memory", c->comm, (int)c->pid);
        }
        *rr = (struct rpc_request){ .field = "?" };
        struct request *req = &rr->req;
        *req = (struct request){ .client = c, .rsp = rsp, .arena = a, .start_ms = now_monotonic_ms() };
        rpc__tcontainer_response__init(rsp);
        rsp->has_timestamp = true;
        rsp->timestamp = (uint64_t)time(NULL);

        /* protobuf-c rejects missing required fields while unpacking. */
        req->msg = rpc__tcontainer_request__unpack(&alloc, len, buf);
        if (!req->msg) {
                arena_reset(a);
                log_info("rpc %s[%d]: malformed request of %zu bytes, closing the connection",
                            c->comm, (int)c->pid, len);
                return -EBADMSG;
        }
        client_attach_request(c, req);
        sys_stats->request_queued++;

        unsigned n, idx;
        count_methods(req->msg, &n, &idx);
        const struct rpc_method *m = NULL;
        const ProtobufCMessage *sub = NULL;
        if (n == 1) {
                const ProtobufCFieldDescriptor *f = &req->msg->base.descriptor->fields[idx];
                rr->method = m = by_field[idx];
                rr->sub = sub = *(ProtobufCMessage *const *)FIELD_AT(req->msg, f->offset);
                rr->field = f->name;
        }

        ct_client_refine(c);
        if (c->access == PORTO_ACCESS_NONE)
                perror_set(&req->err, EERROR_PERMISSION, -EPERM,
                           "porto is disabled in this container (enable_porto=false)");
        else if (n != 1)
                perror_set(&req->err, EERROR_INVALID_METHOD, -EINVAL, "Request has %u known methods", n);
        else if (sub->n_unknown_fields)
                perror_set(&req->err, EERROR_INVALID_METHOD, -EINVAL, "Request has %u unknown fields",
                           sub->n_unknown_fields);
        else if (!m)
                perror_set(&req->err, EERROR_NOT_SUPPORTED, -ENOTSUP, "%s: not supported by this version",
                           rr->field);
        else if (m->write && c->read_only)
                perror_set(&req->err, EERROR_PERMISSION, -EPERM, "Write access denied");
        else if (m->write && sys_frozen && !c->superuser)
                perror_set(&req->err, EERROR_PORTO_FROZEN, -EROFS,
                           "the daemon is frozen: changes are refused until a super-user unfreezes it");
        else if (!m->handler)
                perror_set(&req->err, EERROR_NOT_SUPPORTED, -ENOTSUP, "%s: %s", m->name, m->unsupported);
        else if (m->handler(req) == RPC_PARKED)
                return 0;
        finish(req);
        return 0;
}
