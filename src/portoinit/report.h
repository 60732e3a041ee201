/* What the container starter (src/portod/spawn.c) and portoinit send back to
 * the worker over the start pipe. One record per write: it is smaller than
 * PIPE_BUF, so the kernel never interleaves records of different writers.
 * End of file on the pipe means the command was exec'ed (every write end is
 * close-on-exec or closed by then). */
#pragma once

#include <stdint.h>

enum spawn_report_kind {
        SPAWN_REPORT_PID = 1,   /* the starter forked the main process: pid */
        SPAWN_REPORT_ERROR = 2, /* a step failed: eerror, err, msg */
};

#define SPAWN_REPORT_MSG_MAX 512

struct spawn_report {
        int32_t kind;
        int32_t eerror;         /* enum eerror */
        int32_t err;            /* positive errno, or 0 */
        int32_t pid;            /* SPAWN_REPORT_PID: as the host sees it */
        char msg[SPAWN_REPORT_MSG_MAX];
};

_Static_assert(sizeof(struct spawn_report) <= 4096, "a report must be one atomic pipe write");
