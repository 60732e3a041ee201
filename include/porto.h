/* libporto: C client library of the Porto container manager.
 *
 * Talks the wire protocol of spec/protocol.md over the daemon's Unix socket:
 * varint-framed protobuf messages, one request and one reply at a time,
 * asynchronous wait events interleaved.
 *
 * Conventions
 * -----------
 * - Every call returns 0 on success or an EError code (enum porto_error):
 *   the daemon's code, or a client-side one (PORTO_ERROR_SOCKET_*) for
 *   transport failures. The last error's code and message stay in the
 *   connection until the next call: porto_error(), porto_error_string().
 * - Out parameters (ret_*) are written only on success. Results are
 *   malloc'ed and owned by the caller, who frees them with the free function
 *   named next to each call. Free functions accept NULL.
 * - Strings passed in are copied or only read during the call.
 * - A connection is not thread-safe; use one per thread.
 * - No call raises SIGPIPE (sends use MSG_NOSIGNAL).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PORTO_SOCKET_PATH "/run/portod.socket"
#define PORTO_SOCKET_ENV "PORTO_SOCKET"
/* Seconds allowed for one call (connect + send + receive) by default. */
#define PORTO_DEFAULT_TIMEOUT 300
/* Extra seconds for disk operations (volumes, layers, storages). */
#define PORTO_DISK_TIMEOUT 900
/* Daemon's default stop grace period, milliseconds. */
#define PORTO_DEFAULT_STOP_TIMEOUT_MS 30000

/* Values of rpc.EError (spec/protocol.md 2). */
enum porto_error {
        PORTO_ERROR_SUCCESS = 0,
        PORTO_ERROR_UNKNOWN = 1,
        PORTO_ERROR_INVALID_METHOD = 2,
        PORTO_ERROR_CONTAINER_ALREADY_EXISTS = 3,
        PORTO_ERROR_CONTAINER_DOES_NOT_EXIST = 4,
        PORTO_ERROR_INVALID_PROPERTY = 5,
        PORTO_ERROR_INVALID_DATA = 6,
        PORTO_ERROR_INVALID_VALUE = 7,
        PORTO_ERROR_INVALID_STATE = 8,
        PORTO_ERROR_NOT_SUPPORTED = 9,
        PORTO_ERROR_RESOURCE_NOT_AVAILABLE = 10,
        PORTO_ERROR_PERMISSION = 11,
        PORTO_ERROR_VOLUME_ALREADY_EXISTS = 12,
        PORTO_ERROR_VOLUME_NOT_FOUND = 13,
        PORTO_ERROR_NO_SPACE = 14,
        PORTO_ERROR_BUSY = 15,
        PORTO_ERROR_VOLUME_ALREADY_LINKED = 16,
        PORTO_ERROR_VOLUME_NOT_LINKED = 17,
        PORTO_ERROR_LAYER_ALREADY_EXISTS = 18,
        PORTO_ERROR_LAYER_NOT_FOUND = 19,
        PORTO_ERROR_NO_VALUE = 20,
        PORTO_ERROR_VOLUME_NOT_READY = 21,
        PORTO_ERROR_INVALID_COMMAND = 22,
        PORTO_ERROR_LOST_ERROR = 23,
        PORTO_ERROR_DEVICE_NOT_FOUND = 24,
        PORTO_ERROR_INVALID_PATH = 25,
        PORTO_ERROR_INVALID_NETWORK_ADDRESS = 26,
        PORTO_ERROR_PORTO_FROZEN = 27,
        PORTO_ERROR_LABEL_NOT_FOUND = 28,
        PORTO_ERROR_INVALID_LABEL = 29,
        PORTO_ERROR_NOT_FOUND = 404,
        PORTO_ERROR_SOCKET_ERROR = 502,       /* connection broke */
        PORTO_ERROR_SOCKET_UNAVAILABLE = 503, /* socket file missing */
        PORTO_ERROR_SOCKET_TIMEOUT = 504,     /* no answer in time */
        PORTO_ERROR_TAINT = 666,
        PORTO_ERROR_QUEUED = 1000,
};

/* "ContainerDoesNotExist" etc.; NULL for numbers that are not in EError. */
const char *porto_error_name(int code);

/* ---- Connection ------------------------------------------------------ */

struct porto_conn;

/* Create a connection object for socket_path (NULL: $PORTO_SOCKET, else
 * PORTO_SOCKET_PATH). The socket is connected lazily by the first call, so
 * this only fails on out-of-memory (PORTO_ERROR_UNKNOWN). Use
 * porto_connect_now() to find out at once whether the daemon answers. */
int porto_connect(const char *socket_path, struct porto_conn **ret);
/* Connect if not connected yet; 0 or the EError of the failure
 * (SocketUnavailable if the socket file is missing, Unknown for other
 * connect errors such as a refused connection). */
int porto_connect_now(struct porto_conn *conn);
/* Close the socket and free everything; returns NULL. */
struct porto_conn *porto_disconnect(struct porto_conn *conn);
/* Close the socket only; the next call reconnects. */
void porto_close(struct porto_conn *conn);
/* The connected socket, or -1. For poll() before porto_recv_event(). */
int porto_fd(const struct porto_conn *conn);

/* Time limit of one call in seconds; <= 0 = no limit. Default 300. */
void porto_set_timeout(struct porto_conn *conn, int seconds);
int porto_get_timeout(const struct porto_conn *conn);

/* Optional hook polled while a call blocks (and when a system call is
 * interrupted by a signal): if it returns non-zero, the call is abandoned
 * with PORTO_ERROR_UNKNOWN ("Interrupted") and the socket is closed, because
 * the reply would still arrive later. Used by portoctl for Ctrl-C. */
void porto_set_interrupt_check(struct porto_conn *conn, int (*check)(void *userdata), void *userdata);

/* ---- Errors ---------------------------------------------------------- */

/* Code and message of the last call (message "" on success). The message
 * pointer stays valid until the next call on conn. Returns the code. */
int porto_error(const struct porto_conn *conn, int *ret_code, const char **ret_msg);
/* "ErrorName:(message)" of the last call, as portoctl prints it. Valid until
 * the next call on conn. */
const char *porto_error_string(struct porto_conn *conn);

/* ---- Generic call ---------------------------------------------------- */

struct Rpc__TContainerRequest;
struct Rpc__TContainerResponse;

/* Send any request (built with protobuf-c from rpc.proto) and return the
 * reply. Events arriving before the reply are handled as described at
 * porto_set_event_callback(). Returns the reply's error code, or a client
 * side code. Exception to the ret_ rule: *ret is set whenever a reply was
 * received, also when it carries an error (some payloads survive errors:
 * wait, SetLabel, IncLabel); free it with porto_response_free(). */
int porto_call(struct porto_conn *conn, const struct Rpc__TContainerRequest *req,
               struct Rpc__TContainerResponse **ret);
/* Same with extra_timeout seconds added to the connection's timeout
 * (disk operations, stop, wait); extra_timeout < 0 = wait without limit. */
int porto_call_timeout(struct porto_conn *conn, const struct Rpc__TContainerRequest *req,
                       int extra_timeout, struct Rpc__TContainerResponse **ret);
void porto_response_free(struct Rpc__TContainerResponse *rsp);

/* ---- Containers ------------------------------------------------------ */

int porto_create(struct porto_conn *conn, const char *name);
/* Destroyed by the daemon when this connection closes. */
int porto_create_weak(struct porto_conn *conn, const char *name);
int porto_destroy(struct porto_conn *conn, const char *name);
int porto_start(struct porto_conn *conn, const char *name);
/* timeout_ms: grace period before SIGKILL; < 0 = daemon default (30 s).
 * The receive timeout is extended by the grace period. */
int porto_stop(struct porto_conn *conn, const char *name, int timeout_ms);
int porto_kill(struct porto_conn *conn, const char *name, int sig);
int porto_pause(struct porto_conn *conn, const char *name);
int porto_resume(struct porto_conn *conn, const char *name);
int porto_respawn(struct porto_conn *conn, const char *name);

/* NULL-terminated vector of malloc'ed strings; free with porto_strv_free(). */
void porto_strv_free(char **v);

/* Names matching mask (NULL = "***": all), sorted by the daemon. */
int porto_list(struct porto_conn *conn, const char *mask, char ***ret_names);

/* ---- Properties ------------------------------------------------------ */

enum {
        PORTO_GET_SYNC = 1 << 0,     /* refresh cached counters first */
        PORTO_GET_REAL = 1 << 1,     /* fail unless supported and set */
        PORTO_GET_NONBLOCK = 1 << 2, /* get only; accepted, unused by the daemon */
};

/* *ret_value: malloc'ed; free(). */
int porto_get_property(struct porto_conn *conn, const char *name, const char *property, char **ret_value);
int porto_get_property_flags(struct porto_conn *conn, const char *name, const char *property,
                             unsigned flags, char **ret_value);
int porto_set_property(struct porto_conn *conn, const char *name, const char *property, const char *value);

struct porto_value {
        char *property;  /* as requested */
        int error;       /* 0 or EError of this value */
        char *error_msg; /* "" when error == 0 */
        char *value;     /* "" when error != 0 */
};

struct porto_container_values {
        char *name;              /* as requested or matched */
        bool no_changes;
        uint64_t change_time;    /* 0 if the container does not exist */
        size_t n_values;
        struct porto_value *values; /* one per property, in request order */
};

struct porto_get_result {
        size_t n_containers;
        struct porto_container_values *containers;
};

/* Multi-get: names (or patterns) x properties, both NULL-terminated.
 * Per-value failures are inside the result; the call fails only when the
 * request as a whole does. Free with porto_get_result_free(). */
int porto_get(struct porto_conn *conn, const char *const *names, const char *const *properties,
              unsigned flags, struct porto_get_result **ret);
void porto_get_result_free(struct porto_get_result *r);
/* Convenience lookup in a result; NULL if absent. */
const struct porto_value *porto_get_result_find(const struct porto_get_result *r, const char *name,
                                                const char *property);

struct porto_property {
        char *name;
        char *desc;
        bool read_only;
        bool dynamic;
};

/* Supported properties, sorted by the daemon. Free with
 * porto_property_list_free(list, n). */
int porto_property_list(struct porto_conn *conn, struct porto_property **ret_list, size_t *ret_n);
void porto_property_list_free(struct porto_property *list, size_t n);

/* ---- Waiting and events ---------------------------------------------- */

/* A wait reply or an AsyncWait event. A timeout has name "" and state
 * "timeout". label/value are NULL when absent. */
struct porto_event {
        char *name;
        char *state;
        uint64_t when;
        char *label;
        char *value;
};
void porto_event_free(struct porto_event *e);

/* Block until one of names (NULL-terminated, patterns allowed) reaches a
 * finished state, or a label matching labels (NULL-terminated or NULL)
 * changes, or timeout_ms passes (< 0: no limit). The receive timeout is
 * extended accordingly. On timeout the call succeeds with state
 * "timeout". Free *ret with porto_event_free(). */
int porto_wait(struct porto_conn *conn, const char *const *names, const char *const *labels,
               int timeout_ms, struct porto_event **ret);

/* Events that arrive on the connection (after porto_async_wait) before a
 * reply are passed to cb if one is set, else queued for porto_recv_event().
 * The event is freed after cb returns. cb must not call into conn. */
typedef void (*porto_event_cb)(struct porto_conn *conn, const struct porto_event *event, void *userdata);
void porto_set_event_callback(struct porto_conn *conn, porto_event_cb cb, void *userdata);

/* Subscribe to state (and, with labels, label) events of names (patterns
 * allowed; NULL or empty cancels the subscription). timeout_ms < 0: no
 * timeout; 0: one-shot snapshot. The subscription is restored after an
 * automatic reconnect. */
int porto_async_wait(struct porto_conn *conn, const char *const *names, const char *const *labels,
                     int timeout_ms);
/* Next event: a queued one, or read from the socket, waiting up to
 * timeout_ms (< 0: forever); the event callback is not involved here.
 * PORTO_ERROR_SOCKET_TIMEOUT when none came (the connection stays usable);
 * PORTO_ERROR_SOCKET_ERROR when the daemon closed the connection. If the
 * socket had been closed, it reconnects and restores the subscription.
 * Free *ret with porto_event_free(). */
int porto_recv_event(struct porto_conn *conn, int timeout_ms, struct porto_event **ret);

/* ---- Labels ---------------------------------------------------------- */

struct porto_label {
        char *name;
        char *state;
        char *label;
        char *value;
};

/* mask/state/value may be NULL. Free with porto_label_list_free(list, n). */
int porto_find_label(struct porto_conn *conn, const char *mask, const char *label, const char *state,
                     const char *value, struct porto_label **ret_list, size_t *ret_n);
void porto_label_list_free(struct porto_label *list, size_t n);
/* Compare-and-set when prev_value != NULL ("" = label must be absent);
 * only in that state when state != NULL. value "" removes the label. */
int porto_set_label(struct porto_conn *conn, const char *name, const char *label, const char *value,
                    const char *prev_value, const char *state);
int porto_inc_label(struct porto_conn *conn, const char *name, const char *label, int64_t add,
                    int64_t *ret_result);

/* ---- Daemon ---------------------------------------------------------- */

/* Both malloc'ed; free(). */
int porto_version(struct porto_conn *conn, char **ret_tag, char **ret_revision);

#ifdef __cplusplus
}
#endif
