/* Daemon-wide statistics and switches: GetSystem/SetSystem (spec 10.20),
 * the frozen switch (1.10).
 *
 * The counters live in one page of shared memory (a memfd) that the master
 * creates at its first start: every worker it starts maps it (fd number in
 * PORTOD_STATS_FD), so the counters survive worker restarts and reloads,
 * and a master re-executing itself for `portod upgrade` passes it on the
 * same way, so they survive upgrades too. The master counts the workers it
 * starts and its own log lines there, the worker everything else. Binaries
 * of other versions share the page: fields are only ever appended, and a
 * page without the magic is not used. Without the page (memfd failed, or
 * an older master) a worker counts in private memory from 0 and learns the
 * master's start time and worker count from --master-info. */
#pragma once

#include <stdint.h>
#include "basic/log.h"
#include "daemon.h"

#define SYSTEM_STATS_MAGIC UINT64_C(0x31737473706f7270) /* "prpstst1" */
#define SYSTEM_STATS_SIZE 4096
/* Environment of a worker or upgrading master: the page's fd number. */
#define PORTOD_STATS_ENV "PORTOD_STATS_FD"

struct system_stats {
        uint64_t magic;                 /* SYSTEM_STATS_MAGIC */
        uint64_t master_start_ms;       /* monotonic, first start of the master */
        uint64_t porto_starts;          /* workers started by the master(s) */
        struct log_counters log;        /* basic/log.c, master and worker */

        uint64_t client_connected;      /* client.c */
        uint64_t request_queued;        /* rpc.c: handed to a handler, not answered */
        uint64_t request_completed;
        uint64_t request_failed;
        uint64_t request_longer[4];     /* > 1 s, 3 s, 30 s, 5 min */
        uint64_t fail_system;           /* Unknown: errno-caused failures */
        uint64_t fail_invalid_value;
        uint64_t fail_invalid_command;
        uint64_t fail_invalid_netaddr;
        uint64_t container_created;     /* successful create/createWeak */
        uint64_t container_started;     /* successful start requests */
        uint64_t container_start_failed;
        uint64_t container_oom;         /* ct_resources.c, ct_stop.c: OOM kills */
        uint64_t container_buried;      /* ct_stop.c: destroyed by aging_time */
        uint64_t container_lost;        /* persist.c: records moved to broken/ */
        uint64_t stream_rotate_bytes;   /* stdio.c: bytes dropped by rotation */
        uint64_t stream_rotate_errors;
        /* append new counters here only */
};
_Static_assert(sizeof(struct system_stats) <= SYSTEM_STATS_SIZE, "stats page");

extern struct system_stats *sys_stats;
extern uint64_t sys_worker_start_ms;   /* monotonic */
extern bool sys_frozen;                /* SetSystem.frozen */

/* Master, first start: create the page (or count privately); returns its
 * fd or -errno. Sets master_start_ms. */
int system_stats_create(void);
/* Master after upgrade, or worker: use the page behind fd. Returns fd if
 * `keep`, else closes it and returns 0; -errno (fd closed): the private
 * counters stay in use. */
int system_stats_attach(int fd, bool keep);
/* The fd in PORTOD_STATS_ENV, removed from the environment; -1: none. */
int system_stats_env_fd(void);

/* Count one answered request of method `name` (NULL: none) ending with
 * error code `code` after `ms` milliseconds. */
void system_count_request(const char *name, int code, uint64_t ms);
/* Clients connected now (client.c). */
size_t clients_count(void);

/* In a starting worker: pick up the frozen switch from the state dir. */
void system_restore(void);

enum rpc_result rpc_get_system(struct request *req);
enum rpc_result rpc_set_system(struct request *req);
