/* The seam between the worker's infrastructure (event loop, clients,
 * request dispatch, master link, config: loop.c, client.c, rpc.c, master.c,
 * worker.c, config.c, main.c) and the container engine (container tree,
 * properties, waiters, labels, persistence: container*.c, prop_*.c,
 * rpc_container.c ...). Each side implements its half; neither reaches into
 * the other's structures beyond what is declared here. */
#pragma once

#include <sys/types.h>
#include "basic/error.h"
#include "rpc.pb-c.h"

/* ---- Configuration (config.c; read-only after start) ------------------ */

struct portod_config {
        char *socket_path;      /* /run/portod.socket */
        char *state_dir;        /* /run/porto: records in kvs/ (containers), pkvs/ (volumes) */
        char *run_dir;          /* /run: portod.pid, portoloop.pid, portod, portod.version */
        char *cgroup_prefix;    /* porto */
        char *place;            /* /place */
        char *log_path;         /* /var/log/portod.log, NULL = stderr (--stdlog) */
        char *portoinit_path;   /* resolved path of the portoinit binary */
        bool verbose, debug, norespawn, discard;

        uint32_t max_msg_len;           /* daemon.max_msg_len, 32 MiB */
        uint32_t max_clients;           /* 1000 */
        uint32_t max_clients_in_container; /* 500 */
        uint32_t max_containers;        /* container.max_total, 3000 */
        uint64_t stop_timeout_ms;       /* default stop grace, 30000 */
        uint64_t stdout_limit;          /* default stdout_limit, 8 MiB */
        uint64_t stdout_limit_max;      /* 1 GiB */
        uint64_t aging_time_s;          /* default aging_time, 86400 */
        uint64_t respawn_delay_ns;      /* default respawn_delay, 1 s */
        char *default_ulimit;           /* "core: 0 unlimited; nofile: 8K 1M" */
        char **extra_env;               /* "NAME=VALUE" from container.extra_env */
        uint64_t memory_guarantee_reserve; /* daemon.memory_guarantee_reserve, 2 GiB */
        uint64_t memory_limit_margin;   /* container.memory_limit_margin, 2 GiB */
        char *default_resolv_conf;      /* container.default_resolv_conf; NULL: the host's file */
        /* ---- security and porto namespaces (issue 4) ---- */
        uint64_t memlock_minimal;       /* container.memlock_minimal, 8 MiB */
        uint64_t memlock_margin;        /* container.memlock_margin, 16 MiB */
        char *extra_devices;            /* container.extra_devices, "" = none */
        struct dev_preset *device_presets; /* container.device_preset (shared/devices.h) */
        size_t n_device_presets;
        struct dev_sysfs *device_sysfs; /* container.device_sysfs */
        size_t n_device_sysfs;
};

/* container.device_sysfs: /sys paths left writable in the root of a
 * container that may write to the device. Strings belong to the loaded
 * config message. */
struct dev_sysfs {
        const char *device;
        char *const *sysfs;
        size_t n_sysfs;
};

extern struct portod_config *config;

/* ---- Event loop (loop.c) ---------------------------------------------- */

typedef void (*loop_io_fn)(int fd, uint32_t epoll_events, void *userdata);
typedef void (*loop_timer_fn)(void *userdata);
struct loop_timer;

int loop_add_io(int fd, uint32_t epoll_events, loop_io_fn fn, void *userdata);
int loop_mod_io(int fd, uint32_t epoll_events);
void loop_del_io(int fd);
/* One-shot timer; the handle is invalid after it fired or was cancelled. */
struct loop_timer *loop_timer_add(uint64_t delay_ms, loop_timer_fn fn, void *userdata);
void loop_timer_cancel(struct loop_timer *t);
/* Monotonic ms, cached per loop iteration. */
uint64_t loop_now_ms(void);

/* ---- Clients and requests (client.c, rpc.c) --------------------------- */

struct container;

/* enable_porto levels (issue 4), ordered by growing access: a client's
 * level is the lowest of its container and the container's ancestors. */
enum porto_access {
        PORTO_ACCESS_NONE,              /* false, none */
        PORTO_ACCESS_READ_ISOLATE,      /* read-isolate */
        PORTO_ACCESS_READ_ONLY,         /* read-only */
        PORTO_ACCESS_ISOLATE,           /* isolate */
        PORTO_ACCESS_CHILD_ONLY,        /* child-only */
        PORTO_ACCESS_FULL,              /* true, full (default) */
};

struct client {
        int fd;
        pid_t pid;              /* SO_PEERCRED, re-read per request */
        uid_t uid;
        gid_t gid;
        char comm[17];
        struct container *ct;   /* client container (root "/" for host processes) */
        bool superuser;         /* effective uid 0 with full access */
        bool read_only;
        int access;             /* enum porto_access, set with ct */
        void *engine;           /* per-client state of the container engine
                                 * (waiters, weak containers); owned by it */
        /* ...private fields of client.c follow in its own definition */
};

/* A request being handled. The reply is built in rsp; memory for it comes
 * from the request's arena (req_alloc/req_strdup), freed after sending, so
 * handlers do not free reply parts themselves. */
struct request {
        struct client *client;
        const Rpc__TContainerRequest *msg;
        Rpc__TContainerResponse *rsp;   /* error/errorMsg/timestamp set by rpc.c */
        struct perror err;              /* handler failure goes here */
        uint64_t start_ms;
        void *arena;
};

void *req_alloc(struct request *req, size_t size);   /* zeroed; NULL on ENOMEM */
char *req_strdup(struct request *req, const char *s);
char *req_printf(struct request *req, const char *fmt, ...) _printf_(2, 3);

/* Handlers return RPC_DONE (reply now: err.code decides success), or
 * RPC_PARKED (the engine keeps req and later calls rpc_complete(req); the
 * connection reads nothing else meanwhile). A parked request whose client
 * disconnects is cancelled through ct_client_gone(), which must drop every
 * reference to it; rpc.c then frees it. */
enum rpc_result { RPC_DONE, RPC_PARKED };
typedef enum rpc_result (*rpc_handler_fn)(struct request *req);

void rpc_complete(struct request *req);
/* Queue an unsolicited AsyncWait event frame on the client's connection (in
 * order, never interleaved with another frame). */
int client_send_event(struct client *c, const Rpc__TContainerWaitResponse *ev);

/* ---- Engine hooks (implemented by the container engine) ---------------- */

/* Per request, after identification: c->access from enable_porto of the
 * client's container and its ancestors; for clients inside containers
 * also read_only/superuser from the owner's credentials. */
void ct_client_refine(struct client *c);

/* Called once in the worker after config and cgroups are ready: restore
 * records from config->state_dir (or discard them) and re-attach. */
int ct_engine_init(void);
/* Map a client process to its container (freezer cgroup), NULL = closed. */
struct container *ct_client_container(pid_t pid);
/* Identification cache (protocol.md 1.5: repeated per request, skipped for
 * the same pid/uid/gid and a still-alive container). Remember
 * ct_client_generation() when identifying; ct_client_container_valid()
 * then says whether the container found is still usable as is: nothing
 * was freed since (so the pointer is valid) and it is alive. */
uint64_t ct_client_generation(void);
bool ct_client_container_valid(const struct container *ct, uint64_t generation);
/* Connection closed: drop waiters, cancel its parked request, destroy its
 * weak containers. */
void ct_client_gone(struct client *c);
/* A main process exited (forwarded by the master). Returns true if it was
 * one of ours (the master may forget it then). */
bool ct_process_exited(pid_t pid, int wait_status);
/* `portod stop`: stop every container (SIGTERM, grace, SIGKILL) and return
 * when all are stopped. */
void ct_stop_all(void);

/* The handlers of the container engine, for rpc.c's method table. */
enum rpc_result rpc_create(struct request *req);
enum rpc_result rpc_create_weak(struct request *req);
enum rpc_result rpc_destroy(struct request *req);
enum rpc_result rpc_list(struct request *req);
enum rpc_result rpc_get_property(struct request *req);
enum rpc_result rpc_get_data(struct request *req);
enum rpc_result rpc_set_property(struct request *req);
enum rpc_result rpc_get(struct request *req);
enum rpc_result rpc_start(struct request *req);
enum rpc_result rpc_stop(struct request *req);
enum rpc_result rpc_pause(struct request *req);
enum rpc_result rpc_resume(struct request *req);
enum rpc_result rpc_kill(struct request *req);
enum rpc_result rpc_respawn(struct request *req);
enum rpc_result rpc_wait(struct request *req);
enum rpc_result rpc_async_wait(struct request *req);
enum rpc_result rpc_property_list(struct request *req);
enum rpc_result rpc_data_list(struct request *req);
enum rpc_result rpc_find_label(struct request *req);
enum rpc_result rpc_set_label(struct request *req);
enum rpc_result rpc_inc_label(struct request *req);
enum rpc_result rpc_locate_process(struct request *req);
