/* Errors that travel to the client: an EError code, an errno and a message a
 * person can act on. Values of enum eerror are the wire values of rpc.EError
 * (spec/protocol.md section 2); basic/ must not depend on the generated
 * protobuf code, so they are repeated here and checked against it in a unit
 * test. */
#pragma once

#include "macros.h"

enum eerror {
        EERROR_SUCCESS = 0,
        EERROR_UNKNOWN = 1,
        EERROR_INVALID_METHOD = 2,
        EERROR_CONTAINER_ALREADY_EXISTS = 3,
        EERROR_CONTAINER_DOES_NOT_EXIST = 4,
        EERROR_INVALID_PROPERTY = 5,
        EERROR_INVALID_DATA = 6,
        EERROR_INVALID_VALUE = 7,
        EERROR_INVALID_STATE = 8,
        EERROR_NOT_SUPPORTED = 9,
        EERROR_RESOURCE_NOT_AVAILABLE = 10,
        EERROR_PERMISSION = 11,
        EERROR_VOLUME_ALREADY_EXISTS = 12,
        EERROR_VOLUME_NOT_FOUND = 13,
        EERROR_NO_SPACE = 14,
        EERROR_BUSY = 15,
        EERROR_VOLUME_ALREADY_LINKED = 16,
        EERROR_VOLUME_NOT_LINKED = 17,
        EERROR_LAYER_ALREADY_EXISTS = 18,
        EERROR_LAYER_NOT_FOUND = 19,
        EERROR_NO_VALUE = 20,
        EERROR_VOLUME_NOT_READY = 21,
        EERROR_INVALID_COMMAND = 22,
        EERROR_LOST_ERROR = 23,
        EERROR_DEVICE_NOT_FOUND = 24,
        EERROR_INVALID_PATH = 25,
        EERROR_INVALID_NETWORK_ADDRESS = 26,
        EERROR_PORTO_FROZEN = 27,
        EERROR_LABEL_NOT_FOUND = 28,
        EERROR_INVALID_LABEL = 29,
        EERROR_NOT_FOUND = 404,
        EERROR_SOCKET_ERROR = 502,
        EERROR_SOCKET_UNAVAILABLE = 503,
        EERROR_SOCKET_TIMEOUT = 504,
        EERROR_TAINT = 666,
        EERROR_QUEUED = 1000,
};

#define PERROR_MSG_MAX 1024

struct perror {
        int code;  /* enum eerror */
        int err;   /* negative errno, or 0 */
        char msg[PERROR_MSG_MAX];
};

/* Fill e (which may be NULL) and return a negative errno: err if it is < 0,
 * else -EINVAL, so callers can write `return perror_set(e, ...);`. */
int perror_set(struct perror *e, int code, int err, const char *fmt, ...) _printf_(4, 5);
/* Same, appending ": <strerror(-err)>" to the message. */
int perror_set_errno(struct perror *e, int code, int err, const char *fmt, ...) _printf_(4, 5);
static inline void perror_clear(struct perror *e) { e->code = EERROR_SUCCESS; e->err = 0; e->msg[0] = 0; }

/* "InvalidValue" etc., as named in rpc.EError; NULL for unknown numbers. */
const char *eerror_to_string(int code);
/* -EINVAL if unknown. */
int eerror_from_string(const char *name, int *ret_code);
