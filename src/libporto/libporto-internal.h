/* Shared between the connection core (client.c) and the typed calls
 * (calls.c). Not installed. */
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
int porto_set_error(struct porto_conn *conn, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void porto_clear_error(struct porto_conn *conn);

/* Reply-less convenience: send req, free the reply, return the code. */
int porto_call_simple(struct porto_conn *conn, const Rpc__TContainerRequest *req, int extra_timeout);

/* Convert a wait payload into a malloc'ed event; NULL on ENOMEM. */
struct porto_event *porto_event_from_wait(const Rpc__TContainerWaitResponse *w);

/* Length of a NULL-terminated vector (0 for NULL). */size_t porto_strv_len(const char *const *v);
