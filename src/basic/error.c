/* Client-visible errors: perror setters and EError names. */
#include <stdarg.h>
#include <stdio.h>

#include "error.h"

struct eerror_name {
        int code;
        const char *name;
};

/* Names exactly as in rpc.EError (proto/rpc.proto). */
static const struct eerror_name eerror_names[] = {
        { EERROR_SUCCESS, "Success" },
        { EERROR_UNKNOWN, "Unknown" },
        { EERROR_INVALID_METHOD, "InvalidMethod" },
        { EERROR_CONTAINER_ALREADY_EXISTS, "ContainerAlreadyExists" },
        { EERROR_CONTAINER_DOES_NOT_EXIST, "ContainerDoesNotExist" },
        { EERROR_INVALID_PROPERTY, "InvalidProperty" },
        { EERROR_INVALID_DATA, "InvalidData" },
        { EERROR_INVALID_VALUE, "InvalidValue" },
        { EERROR_INVALID_STATE, "InvalidState" },
        { EERROR_NOT_SUPPORTED, "NotSupported" },
        { EERROR_RESOURCE_NOT_AVAILABLE, "ResourceNotAvailable" },
        { EERROR_PERMISSION, "Permission" },
        { EERROR_VOLUME_ALREADY_EXISTS, "VolumeAlreadyExists" },
        { EERROR_VOLUME_NOT_FOUND, "VolumeNotFound" },
        { EERROR_NO_SPACE, "NoSpace" },
        { EERROR_BUSY, "Busy" },
        { EERROR_VOLUME_ALREADY_LINKED, "VolumeAlreadyLinked" },
        { EERROR_VOLUME_NOT_LINKED, "VolumeNotLinked" },
        { EERROR_LAYER_ALREADY_EXISTS, "LayerAlreadyExists" },
        { EERROR_LAYER_NOT_FOUND, "LayerNotFound" },
        { EERROR_NO_VALUE, "NoValue" },
        { EERROR_VOLUME_NOT_READY, "VolumeNotReady" },
        { EERROR_INVALID_COMMAND, "InvalidCommand" },
        { EERROR_LOST_ERROR, "LostError" },
        { EERROR_DEVICE_NOT_FOUND, "DeviceNotFound" },
        { EERROR_INVALID_PATH, "InvalidPath" },
        { EERROR_INVALID_NETWORK_ADDRESS, "InvalidNetworkAddress" },
        { EERROR_PORTO_FROZEN, "PortoFrozen" },
        { EERROR_LABEL_NOT_FOUND, "LabelNotFound" },
        { EERROR_INVALID_LABEL, "InvalidLabel" },
        { EERROR_NOT_FOUND, "NotFound" },
        { EERROR_SOCKET_ERROR, "SocketError" },
        { EERROR_SOCKET_UNAVAILABLE, "SocketUnavailable" },
        { EERROR_SOCKET_TIMEOUT, "SocketTimeout" },
        { EERROR_TAINT, "Taint" },
        { EERROR_QUEUED, "Queued" },
};

const char *eerror_to_string(int code)
{
        for (size_t i = 0; i < ELEMENTSOF(eerror_names); i++)
                if (eerror_names[i].code == code)
                        return eerror_names[i].name;
        return NULL;
}

int eerror_from_string(const char *name, int *ret_code)
{
        if (!name)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(eerror_names); i++)
                if (streq(eerror_names[i].name, name)) {
                        *ret_code = eerror_names[i].code;
                        return 0;
                }
        return -EINVAL;
}

static int perror_ret(int err)
{
        return err < 0 ? err : -EINVAL;
}

int perror_set(struct perror *e, int code, int err, const char *fmt, ...)
{
        if (e) {
                va_list ap;

                e->code = code;
                e->err = err < 0 ? err : 0;
                va_start(ap, fmt);
                vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
                va_end(ap);
        }
        return perror_ret(err);
}

int perror_set_errno(struct perror *e, int code, int err, const char *fmt, ...)
{
        if (e) {
                va_list ap;
                int n;

                e->code = code;
                e->err = err < 0 ? err : 0;
                va_start(ap, fmt);
                n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
                va_end(ap);
                if (n >= 0 && (size_t) n < sizeof(e->msg)) {
                        /* "%m" is thread-safe where strerror() is not. */
                        int saved = errno;

                        errno = err < 0 ? -err : EINVAL;
                        snprintf(e->msg + n, sizeof(e->msg) - (size_t) n, ": %m");
                        errno = saved;
                }
        }
        return perror_ret(err);
}
