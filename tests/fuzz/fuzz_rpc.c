/* libFuzzer target for the request path of the worker: frame decoding,
 * TContainerRequest unpacking, the dispatcher of rpc.c and every handler of
 * the container engine, without sockets, cgroups or processes.
 *
 * The input is a sequence of frames (varint length + payload), each one a
 * request handled in turn by one client of the host, so that a create can
 * be followed by setProperty/get/list on the same container. Each input
 * runs twice: as the super-user, then as an ordinary member of group porto
 * (uid 65534: the owner and permission checks).
 *
 * The seam (a small fake client layer instead of client.c):
 *   - client_* functions below stand in for client.c: replies are packed
 *     (checking they serialize) and dropped;
 *   - ct_start is replaced (-Wl,--wrap=ct_start) by a refusal, so nothing
 *     is ever spawned; start/Respawn still run their checks up to there;
 *   - no cgroup is initialised: every controller is unsupported, as on a
 *     host without them; records go to a temporary state directory.
 * After each input the client disconnects (parked requests cancelled, weak
 * containers destroyed) and every container is destroyed, so each input
 * starts from the same empty daemon and a crash replays alone.
 *
 * Build and run: make -C tests/fuzz run-rpc (see the Makefile). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/frame.h"
#include "basic/log.h"
#include "portod/container.h"
#include "portod/portod.h"

#define MAX_REQUESTS 16
#define MAX_FRAME (1u << 20)

struct fake_client {
        struct client c;        /* first, as in client.c */
        struct arena *arena;
        struct request *req;
        bool parked;
};

static struct fake_client fc;

/* ---- the client layer rpc.c and the engine call (client.c) ------------- */

struct arena *client_arena(struct client *c)
{
        return ((struct fake_client *)c)->arena;
}

void client_attach_request(struct client *c, struct request *req)
{
        ((struct fake_client *)c)->req = req;
}

static void pack_check(const ProtobufCMessage *msg)
{
        size_t n = protobuf_c_message_get_packed_size(msg);
        uint8_t *buf = malloc(n ? n : 1);

        if (!buf)
                return;
        if (protobuf_c_message_pack(msg, buf) != n)
                abort();
        free(buf);
}

int client_queue_message(struct client *c _unused_, const ProtobufCMessage *msg)
{
        pack_check(msg);
        return 0;
}

int client_send_event(struct client *c _unused_, const Rpc__TContainerWaitResponse *ev)
{
        pack_check(&ev->base);
        return 0;
}

void client_request_done(struct client *c)
{
        struct fake_client *f = (struct fake_client *)c;

        f->req = NULL;
        f->parked = false;
        arena_reset(f->arena);
}

bool client_is_closing(const struct client *c _unused_)
{
        return false;
}

size_t clients_count(void)
{
        return 1;
}

/* ---- the seam: nothing is started ---------------------------------------- */

int __wrap_ct_start(struct container *ct _unused_, struct request *req _unused_, struct perror *e)
{
        return perror_set(e, EERROR_NOT_SUPPORTED, -ENOTSUP, "start is disabled in the fuzzer");
}

/* ---- setup ---------------------------------------------------------------- */

static char tmpdir[] = "/tmp/fuzz-rpc-XXXXXX";

static void cleanup(void)
{
        char cmd[64];

        snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
        if (system(cmd) != 0)
                fprintf(stderr, "fuzz_rpc: cannot remove %s\n", tmpdir);
}

int LLVMFuzzerInitialize(int *argc _unused_, char ***argv _unused_)
{
        struct portod_options o = { .stdlog = true };
        struct perror e = { 0 };
        char state[64], place[64], conf[64];
        FILE *f;

        if (!mkdtemp(tmpdir))
                abort();
        atexit(cleanup);
        snprintf(state, sizeof(state), "%s/state", tmpdir);
        snprintf(place, sizeof(place), "%s/place", tmpdir);
        snprintf(conf, sizeof(conf), "%s/portod.conf", tmpdir);
        f = fopen(conf, "w");
        if (!f)
                abort();
        fclose(f);
        o.state_dir = state;
        o.place = place;
        o.run_dir = tmpdir;
        o.config_path = conf;
        o.socket_path = "/nonexistent/fuzz.socket";
        o.cgroup_prefix = "porto-fuzz";
        o.portoinit_path = "/nonexistent/portoinit";
        if (config_load(&o, &e) < 0) {
                fprintf(stderr, "fuzz_rpc: config: %s\n", e.msg);
                abort();
        }
        log_set_level(getenv("FUZZ_RPC_LOG") ? LOG_DEBUG : LOG_CRIT);
        if (loop_init() < 0 || rpc_init() < 0 || ct_engine_init() < 0)
                abort();
        fc.c.fd = -1;
        fc.c.pid = getpid();
        strcpy(fc.c.comm, "fuzz");
        fc.c.ct = ct_root;
        fc.c.superuser = true;
        fc.arena = arena_new();
        if (!fc.arena)
                abort();
        return 0;
}

static void reset_daemon(void)
{
        size_t n;
        struct container *const *all;

        if (fc.req) {           /* parked: the connection goes away */
                ct_client_gone(&fc.c);
                rpc_drop(fc.req);
                client_request_done(&fc.c);
        }
        ct_client_gone(&fc.c);
        for (;;) {
                all = ct_list_all(&n);
                size_t i = 0;
                while (i < n && ct_is_root(all[i]))
                        i++;
                if (i == n)
                        break;
                ct_destroy(all[i]);
        }
}

static void run(const uint8_t *data, size_t size, bool super)
{
        size_t off = 0;

        fc.c.uid = fc.c.gid = super ? 0 : 65534;
        fc.c.superuser = super;
        for (int i = 0; i < MAX_REQUESTS && off < size && !fc.req; i++) {
                uint32_t len;
                size_t hl;
                int r = frame_decode_header(data + off, size - off, &len, &hl);

                if (r <= 0 || len > MAX_FRAME || hl + len > size - off)
                        break;
                if (rpc_handle(&fc.c, data + off + hl, len) < 0)
                        break;  /* malformed: the connection would close */
                off += hl + len;
        }
        reset_daemon();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        run(data, size, true);
        run(data, size, false);
        return 0;
}
