/* Internal interfaces of the daemon's infrastructure half (main.c, config.c,
 * loop.c, master.c, worker.c, client.c, rpc.c, arena.c). The container
 * engine sees only daemon.h. */
#pragma once

#include <sys/signalfd.h>
#include <protobuf-c/protobuf-c.h>
#include "basic/macros.h"
#include "daemon.h"

/* ---- Command line and configuration (config.c) ------------------------ */

/* What the command line says; NULL/false = not given. */
struct portod_options {
        const char *socket_path;
        const char *state_dir;
        const char *run_dir;
        const char *cgroup_prefix;
        const char *place;
        const char *log_path;
        const char *config_path;
        const char *portoinit_path;
        bool stdlog, verbose, debug, norespawn, discard;
};

/* Daemon-side settings of config.proto that only the infrastructure uses. */
struct portod_infra_config {
        uint64_t client_idle_timeout_ms;
        uint64_t stop_timeout_ms;       /* how long `portod stop` waits */
        uint64_t start_timeout_ms;      /* how long `portod start` waits */
        uint64_t worker_respawn_delay_ms;
};
extern struct portod_infra_config infra_config;

/* defaults <- config files <- options. On failure prints nothing, fills e. */
int config_load(const struct portod_options *o, struct perror *e);
/* Log the effective configuration (one line per setting). */
void config_log(void);
void config_free(void);
/* The options again as arguments, for the worker's command line. */
char **options_argv(const struct portod_options *o);
/* Ask the daemon at socket_path for its version: 0 = it answers;
 * -ENOENT/-ECONNREFUSED = nobody there; other = something odd. */
int portod_probe(const char *socket_path, int timeout_ms, char **ret_version);

/* Paths inside run_dir: "portod.pid", "portoloop.pid", ... (malloc'ed). */
char *run_path(const char *name);

/* ---- Event loop (loop.c, see daemon.h for io and timers) --------------- */

typedef void (*loop_signal_fn)(const struct signalfd_siginfo *si, void *userdata);

int loop_init(void);
/* Block sig and deliver it through the loop's signalfd. */
int loop_add_signal(int sig, loop_signal_fn fn, void *userdata);
/* Run until loop_exit(); returns its code. */
int loop_run(void);
void loop_exit(int code);
void loop_done(void);

/* ---- Processes (master.c, worker.c) ----------------------------------- */

/* Messages on the SOCK_SEQPACKET channel between master and worker. */
enum chan_type {
        CHAN_EXITED = 1,   /* master -> worker: pid exited with status */
        CHAN_ACK = 2,      /* worker -> master: status of pid processed */
        CHAN_STOP = 3,     /* master -> worker: stop all containers, exit */
        CHAN_SHUTDOWN = 4, /* master -> worker: exit, leave containers */
};
struct chan_msg {
        int32_t type;
        int32_t pid;
        int32_t status;
};

/* Raise our RLIMIT_NOFILE soft limit to the hard one (master and worker at
 * start: they hold a socket per client and fds per container) and log the
 * values. */
void raise_nofile_limit(void);
/* The master process; returns the exit code of `portod daemon`. */
int master_main(const struct portod_options *o);
/* Set in the environment of a master re-executing itself (`portod upgrade`):
 * "LISTEN_FD,LOCK_FD,STATE_FD"; the new master adopts them. The statistics
 * page goes in PORTOD_STATS_ENV (system.h), apart, so that a master of an
 * older version, which knows only three fds, still accepts the upgrade. */
#define PORTOD_UPGRADE_ENV "PORTOD_UPGRADE"
/* The worker (exec'ed by the master with --worker LISTEN_FD,CHANNEL_FD). */
int worker_main(int listen_fd, int chan_fd);

/* ---- Clients (client.c) ----------------------------------------------- */

struct arena;

int clients_init(int listen_fd);
/* Stop accepting new connections (`portod stop`). */
void clients_stop_accepting(void);
/* Close every connection (worker exit). */
void clients_close_all(void);

/* Used by rpc.c */
struct arena *client_arena(struct client *c);
/* Frame and queue msg on the connection; never blocks. */
int client_queue_message(struct client *c, const ProtobufCMessage *msg);
/* c is now handling req (until client_request_done). */
void client_attach_request(struct client *c, struct request *req);
/* The request of c finished (reply queued or dropped). */
void client_request_done(struct client *c);
bool client_is_closing(const struct client *c);

/* ---- Requests (rpc.c) ------------------------------------------------- */

int rpc_init(void);
/* Handle one request frame of c (client identified). Negative = protocol
 * violation: close the connection without a reply. */
int rpc_handle(struct client *c, const uint8_t *buf, size_t len);
/* The connection of a parked request closed after ct_client_gone(). */
void rpc_drop(struct request *req);

/* ---- Request arena (arena.c) ------------------------------------------ */

struct arena *arena_new(void);
struct arena *arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t size);        /* not zeroed */
/* Keep one chunk, drop the rest; all pointers become invalid. */
void arena_reset(struct arena *a);
/* protobuf-c allocator backed by the arena (free is a no-op). */
void arena_protobuf_allocator(struct arena *a, ProtobufCAllocator *ret);
