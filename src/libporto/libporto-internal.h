/* Shared between the connection core (client.c) and the typed calls
 * (calls.c). Not installed.
 *
 * Internal functions are prefixed lp_, never porto_: the version script
 * (libporto.sym) exports every porto_* symbol of the shared library. */
#pragma once

#include "porto.h"
#include "rpc.pb-c.h"
#include "basic/macros.h"

struct porto_event_node {
        struct porto_event *event;
        struct porto_event_node *next;
};

struct porto_conn {
        char *path;
        int fd;
        int timeout_s;

        int err_code;
        char *err_msg;
        char *err_str;

        /* Received bytes not yet consumed: frames may arrive split or
         * several at once (spec/protocol.md 1.2). */
        uint8_t *rbuf;
        size_t rlen;
        size_t rcap;

        porto_event_cb event_cb;
        void *event_cb_data;
        struct porto_event_node *queue_head;
        struct porto_event_node *queue_tail;

        int (*interrupt_check)(void *userdata);
        void *interrupt_data;

        /* The live AsyncWait subscription, re-sent after a reconnect. */
        bool async_active;
        char **async_names;
        char **async_labels;
        bool async_has_timeout;
        uint32_t async_timeout_ms;
};

/* Record an error (code, printf message) in conn; returns code. */
int lp_set_error(struct porto_conn *conn, int code, const char *fmt, ...) _printf_(3, 4);

/* Convert a wait payload into a malloc'ed event; NULL on ENOMEM. */
struct porto_event *lp_event_from_wait(const Rpc__TContainerWaitResponse *w);

/* Copy a protobuf-c repeated string field (counted, not NULL-terminated)
 * into a NULL-terminated vector; NULL entries become "". 0 or -ENOMEM. */
int lp_strv_from_counted(char *const *v, size_t n, char ***ret);

/* protobuf-c leaves absent strings NULL; the API hands out "" instead. */
static inline char *lp_strdup_or_empty(const char *s)
{
        return strdup(s ? s : "");
}
