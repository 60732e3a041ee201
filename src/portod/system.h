/* Daemon-wide statistics and switches: GetSystem/SetSystem (spec 10.20),
 * the frozen switch (1.10). Counters live in the worker and start at 0 with
 * each worker; what the master knows (its start time, how many workers it
 * started) reaches the worker on its command line (--master-info). */
#pragma once

#include <stdint.h>
#include "daemon.h"

struct system_stats {
        uint64_t master_start_ms;       /* monotonic, from the master */
        uint64_t worker_start_ms;       /* monotonic */
        uint64_t porto_starts;          /* workers started by this master */

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

        bool frozen;                    /* SetSystem.frozen */
};

extern struct system_stats sys_stats;

/* Count one answered request of method `name` (NULL: none) ending with
 * error code `code` after `ms` milliseconds. */
void system_count_request(const char *name, int code, uint64_t ms);
/* Clients connected now (client.c). */
size_t clients_count(void);

/* In a starting worker: pick up the frozen switch from the state dir. */
void system_restore(void);

enum rpc_result rpc_get_system(struct request *req);
enum rpc_result rpc_set_system(struct request *req);
