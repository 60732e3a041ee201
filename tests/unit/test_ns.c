/* src/shared/ns.c: names, fds and identity of namespaces. */
#include <fcntl.h>
#include <sched.h>

#include "unit.h"
#include "shared/ns.h"

static void test_names(void **state)
{
        enum ns_type t;

        (void) state;
        for (unsigned i = 0; i < NS_TYPE_MAX; i++) {
                assert_int_equal(ns_type_from_string(ns_type_to_string((enum ns_type) i), &t), 0);
                assert_int_equal(t, i);
                assert_true(ns_clone_flag((enum ns_type) i) != 0);
        }
        assert_int_equal(ns_clone_flag(NS_MNT), CLONE_NEWNS);
        assert_int_equal(ns_clone_flag(NS_NET), CLONE_NEWNET);
        assert_int_equal(ns_type_from_string("nope", &t), -EINVAL);
        assert_null(ns_type_to_string(NS_TYPE_MAX));
        assert_int_equal(ns_clone_flag(NS_TYPE_MAX), 0);
}

static void test_self(void **state)
{
        struct ns_set s;
        uint64_t a, b;
        int fd = -1;

        (void) state;
        assert_int_equal(ns_open(0, NS_MNT, &fd), 0);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        close(fd);
        assert_int_equal(ns_id(0, NS_NET, &a), 0);
        assert_int_equal(ns_id(getpid(), NS_NET, &b), 0);
        assert_int_equal(a, b);
        assert_int_equal(ns_same(0, getpid(), NS_UTS), 1);
        assert_true(ns_same(0, 999999999, NS_UTS) < 0);
        assert_int_equal(ns_open_root(getpid(), &fd), 0);
        close(fd);
        assert_int_equal(ns_open(0, NS_TYPE_MAX, &fd), -EINVAL);

        ns_set_init(&s);
        assert_int_equal(ns_set_open(&s, 0, (1u << NS_MNT) | (1u << NS_UTS)), 0);
        assert_true(s.fd[NS_MNT] >= 0 && s.fd[NS_UTS] >= 0);
        assert_true(s.fd[NS_NET] < 0);
        ns_set_close(&s);
        assert_true(s.fd[NS_MNT] < 0);
        assert_true(ns_set_open(&s, 999999999, 1u << NS_MNT) < 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_self),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
