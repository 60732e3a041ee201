/* src/basic/error.c: EError names and values, perror setters. */
#include "unit.h"

#include "basic/error.h"
#include "rpc.pb-c.h"

struct pair {
        int value;
        int rpc;
        const char *name;
};
#define P(ours, theirs) { EERROR_##ours, RPC__EERROR__##theirs, #theirs }

static const struct pair pairs[] = {
        P(SUCCESS, Success),
        P(UNKNOWN, Unknown),
        P(INVALID_METHOD, InvalidMethod),
        P(CONTAINER_ALREADY_EXISTS, ContainerAlreadyExists),
        P(CONTAINER_DOES_NOT_EXIST, ContainerDoesNotExist),
        P(INVALID_PROPERTY, InvalidProperty),
        P(INVALID_DATA, InvalidData),
        P(INVALID_VALUE, InvalidValue),
        P(INVALID_STATE, InvalidState),
        P(NOT_SUPPORTED, NotSupported),
        P(RESOURCE_NOT_AVAILABLE, ResourceNotAvailable),
        P(PERMISSION, Permission),
        P(VOLUME_ALREADY_EXISTS, VolumeAlreadyExists),
        P(VOLUME_NOT_FOUND, VolumeNotFound),
        P(NO_SPACE, NoSpace),
        P(BUSY, Busy),
        P(VOLUME_ALREADY_LINKED, VolumeAlreadyLinked),
        P(VOLUME_NOT_LINKED, VolumeNotLinked),
        P(LAYER_ALREADY_EXISTS, LayerAlreadyExists),
        P(LAYER_NOT_FOUND, LayerNotFound),
        P(NO_VALUE, NoValue),
        P(VOLUME_NOT_READY, VolumeNotReady),
        P(INVALID_COMMAND, InvalidCommand),
        P(LOST_ERROR, LostError),
        P(DEVICE_NOT_FOUND, DeviceNotFound),
        P(INVALID_PATH, InvalidPath),
        P(INVALID_NETWORK_ADDRESS, InvalidNetworkAddress),
        P(PORTO_FROZEN, PortoFrozen),
        P(LABEL_NOT_FOUND, LabelNotFound),
        P(INVALID_LABEL, InvalidLabel),
        P(NOT_FOUND, NotFound),
        P(SOCKET_ERROR, SocketError),
        P(SOCKET_UNAVAILABLE, SocketUnavailable),
        P(SOCKET_TIMEOUT, SocketTimeout),
        P(TAINT, Taint),
        P(QUEUED, Queued),
};

/* Every enum eerror value equals the generated rpc value of the same name. */
static void test_values_match_rpc(void **state)
{
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(pairs); i++) {
                assert_int_equal(pairs[i].value, pairs[i].rpc);
                assert_string_equal(eerror_to_string(pairs[i].value), pairs[i].name);
        }
}

/* And the schema has no value we do not know: names come from the descriptor. */
static void test_names_match_descriptor(void **state)
{
        const ProtobufCEnumDescriptor *d = &rpc__eerror__descriptor;

        (void) state;
        assert_int_equal(d->n_values, ELEMENTSOF(pairs));
        for (unsigned i = 0; i < d->n_values; i++) {
                int code = -1;

                assert_non_null(eerror_to_string(d->values[i].value));
                assert_string_equal(eerror_to_string(d->values[i].value), d->values[i].name);
                assert_int_equal(eerror_from_string(d->values[i].name, &code), 0);
                assert_int_equal(code, d->values[i].value);
        }
}

static void test_unknown(void **state)
{
        int code = 77;

        (void) state;
        assert_null(eerror_to_string(30));
        assert_null(eerror_to_string(-1));
        assert_int_equal(eerror_from_string("invalidvalue", &code), -EINVAL);
        assert_int_equal(eerror_from_string("", &code), -EINVAL);
        assert_int_equal(eerror_from_string(NULL, &code), -EINVAL);
        assert_int_equal(code, 77);
}

static void test_perror_set(void **state)
{
        struct perror e;

        (void) state;
        perror_clear(&e);
        assert_int_equal(e.code, EERROR_SUCCESS);
        assert_int_equal(perror_set(&e, EERROR_INVALID_VALUE, -ERANGE, "bad %s %d", "x", 5), -ERANGE);
        assert_int_equal(e.code, EERROR_INVALID_VALUE);
        assert_int_equal(e.err, -ERANGE);
        assert_string_equal(e.msg, "bad x 5");

        /* err >= 0 gives -EINVAL to the caller and no errno in e */
        assert_int_equal(perror_set(&e, EERROR_BUSY, 0, "busy"), -EINVAL);
        assert_int_equal(e.err, 0);
        assert_int_equal(e.code, EERROR_BUSY);

        /* NULL is fine */
        assert_int_equal(perror_set(NULL, EERROR_BUSY, -EAGAIN, "x"), -EAGAIN);
        assert_int_equal(perror_set_errno(NULL, EERROR_BUSY, -EAGAIN, "x"), -EAGAIN);
}

static void test_perror_set_errno(void **state)
{
        struct perror e;

        (void) state;
        errno = 0;
        assert_int_equal(perror_set_errno(&e, EERROR_UNKNOWN, -ENOENT, "cannot open %s", "/x"), -ENOENT);
        assert_string_equal(e.msg, "cannot open /x: No such file or directory");
        assert_int_equal(e.err, -ENOENT);
        assert_int_equal(errno, 0); /* errno is preserved */
}

static void test_perror_truncation(void **state)
{
        struct perror e;
        char big[3000];

        (void) state;
        memset(big, 'a', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        perror_set(&e, EERROR_UNKNOWN, -EIO, "%s", big);
        assert_int_equal(strlen(e.msg), PERROR_MSG_MAX - 1);
        perror_set_errno(&e, EERROR_UNKNOWN, -EIO, "%s", big);
        assert_int_equal(strlen(e.msg), PERROR_MSG_MAX - 1);
        /* the suffix is cut, not written out of bounds */
        perror_set_errno(&e, EERROR_UNKNOWN, -EIO, "%.*s", PERROR_MSG_MAX - 4, big);
        assert_int_equal(strlen(e.msg), PERROR_MSG_MAX - 1);
        assert_memory_equal(e.msg + PERROR_MSG_MAX - 4, ": I", 3);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_values_match_rpc),
                cmocka_unit_test(test_names_match_descriptor),
                cmocka_unit_test(test_unknown),
                cmocka_unit_test(test_perror_set),
                cmocka_unit_test(test_perror_set_errno),
                cmocka_unit_test(test_perror_truncation),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
