/* src/shared/caps.c: names, property text, the manual's rules. */
#include <linux/capability.h>

#include "unit.h"
#include "shared/caps.h"

#define B(c) CAPS_BIT(CAP_##c)

static void test_names(void **state)
{
        unsigned c;

        (void) state;
        assert_int_equal(caps_from_name("CHOWN", &c), 0);
        assert_int_equal(c, CAP_CHOWN);
        assert_int_equal(caps_from_name("cap_sys_admin", &c), 0);
        assert_int_equal(c, CAP_SYS_ADMIN);
        assert_int_equal(caps_from_name("CAP_NET_ADMIN", &c), 0);
        assert_int_equal(c, CAP_NET_ADMIN);
        assert_int_equal(caps_from_name("CHECKPOINT_RESTORE", &c), 0);
        assert_int_equal(c, 40);
        assert_int_equal(caps_from_name("NOPE", &c), -EINVAL);
        assert_int_equal(caps_from_name("", &c), -EINVAL);
        assert_int_equal(caps_from_name("CAP_", &c), -EINVAL);
        assert_string_equal(caps_to_name(CAP_SYS_PTRACE), "SYS_PTRACE");
        assert_null(caps_to_name(64));
        /* Every name maps back to its number. */
        for (unsigned i = 0; caps_to_name(i); i++) {
                assert_int_equal(caps_from_name(caps_to_name(i), &c), 0);
                assert_int_equal(c, i);
        }
        assert_true(caps_last_cap() >= CAP_AUDIT_READ);
        assert_int_equal(caps_all() & B(CHOWN), B(CHOWN));
        assert_int_equal(caps_all() >> (caps_last_cap() + 1), 0);
}

static void test_parse_format(void **state)
{
        struct perror e;
        uint64_t set;
        char *s, hex[17];

        (void) state;
        assert_int_equal(caps_parse("CHOWN; KILL", &set, &e), 0);
        assert_int_equal(set, B(CHOWN) | B(KILL));
        assert_int_equal(caps_parse(" KILL ;;CHOWN;", &set, &e), 0);
        assert_int_equal(set, B(CHOWN) | B(KILL));
        assert_int_equal(caps_parse("", &set, &e), 0);
        assert_int_equal(set, 0);

        set = 77;
        assert_true(caps_parse("CHOWN;FOO", &set, &e) < 0);
        assert_int_equal(set, 77);
        assert_int_equal(e.code, EERROR_INVALID_VALUE);
        assert_non_null(strstr(e.msg, "\"FOO\""));
        assert_true(caps_parse("CHOWN KILL", &set, &e) < 0);

        s = caps_format(B(KILL) | B(CHOWN) | B(SYS_ADMIN));
        assert_string_equal(s, "CHOWN;KILL;SYS_ADMIN");
        free(s);
        s = caps_format(0);
        assert_string_equal(s, "");
        free(s);
        s = caps_format(CAPS_BIT(63));
        assert_string_equal(s, "63");
        free(s);

        s = caps_format(caps_all());
        assert_int_equal(caps_parse(s, &set, &e), 0);
        assert_int_equal(set, caps_all());
        free(s);

        caps_format_hex(B(CHOWN) | B(KILL), hex);
        assert_string_equal(hex, "0000000000000021");
        caps_format_hex(UINT64_MAX, hex);
        assert_string_equal(hex, "ffffffffffffffff");
}

static void test_groups(void **state)
{
        static const unsigned never[] = {
                CAP_SYS_RAWIO, CAP_SYS_TIME, CAP_SYS_MODULE, CAP_IPC_OWNER, CAP_DAC_READ_SEARCH, CAP_LEASE,
                CAP_SYSLOG, CAP_MAC_OVERRIDE, CAP_MAC_ADMIN, CAP_AUDIT_CONTROL, CAP_AUDIT_READ, CAP_NET_BROADCAST,
                CAP_SYS_PACCT, CAP_SYS_TTY_CONFIG, CAP_WAKE_ALARM, CAP_BLOCK_SUSPEND,
        };
        uint64_t groups[] = { caps_group_memcg(), caps_group_pidns(), caps_group_netns(),
                              caps_group_always(), caps_group_chroot(), caps_group_suid() };

        (void) state;
        /* The groups are disjoint. */
        for (size_t i = 0; i < 6; i++)
                for (size_t j = i + 1; j < 6; j++)
                        assert_int_equal(groups[i] & groups[j], 0);
        for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
                assert_int_equal(caps_default() & CAPS_BIT(never[i]), 0);
        assert_int_equal(caps_group_pidns(), B(KILL) | B(SYS_PTRACE));
        assert_int_equal(__builtin_popcountll(caps_group_chroot()), 11);
        assert_int_equal(__builtin_popcountll(caps_group_suid()), 5);
}

static struct caps_context ctx_base(void)
{
        return (struct caps_context) { .parent_allowed = caps_all() };
}

static void test_rules_root(void **state)
{
        struct caps_context c = ctx_base();
        uint64_t a, amb;

        (void) state;
        c.owner_root = true;
        caps_compute(&c, &a, &amb);
        assert_int_equal(a, caps_default());
        assert_int_equal(amb, a);

        /* Explicit capabilities: anything, ignoring the rules... */
        c.has_limit = true;
        c.limit = B(SYS_RAWIO) | B(CHOWN);
        caps_compute(&c, &a, &amb);
        assert_int_equal(a, B(SYS_RAWIO) | B(CHOWN));
        assert_int_equal(amb, a);
        /* ...but never beyond the parent. */
        c.parent_allowed = B(CHOWN) | B(KILL);
        caps_compute(&c, &a, &amb);
        assert_int_equal(a, B(CHOWN));
}

static void test_rules_chroot(void **state)
{
        struct caps_context c = ctx_base();
        uint64_t a, amb;

        (void) state;
        c.chroot = true;
        caps_compute(&c, &a, &amb);
        assert_int_equal(a, caps_group_always() | caps_group_chroot());
        assert_int_equal(amb, a);

        c.isolate = true;
        c.memory_limit = true;
        c.net_isolate = true;
        caps_compute(&c, &a, &amb);
        assert_int_equal(a, caps_group_always() | caps_group_chroot() | B(KILL) | B(SYS_PTRACE) | B(IPC_LOCK) |
                                    B(NET_ADMIN));
        assert_int_equal(amb, a);
        assert_int_equal(a & caps_group_suid(), 0);

        /* ip_limit takes NET_ADMIN away. */
        c.ip_limit = true;
        caps_compute(&c, &a, &amb);
        assert_int_equal(a & B(NET_ADMIN), 0);

        /* capabilities narrows; parent narrows. */
        c.has_limit = true;
        c.limit = B(CHOWN) | B(SYS_ADMIN) | B(KILL);
        caps_compute(&c, &a, &amb);
        assert_int_equal(a, B(CHOWN) | B(KILL));
        assert_int_equal(amb, a);
        c.parent_allowed = B(KILL);
        caps_compute(&c, &a, &amb);
        assert_int_equal(a, B(KILL));
        assert_int_equal(amb, B(KILL));
}

static void test_rules_host(void **state)
{
        struct caps_context c = ctx_base();
        uint64_t a, amb;

        (void) state;
        /* Without chroot: everything in the bounding set (suid binaries),
         * only the met requirements as ambient. */
        caps_compute(&c, &a, &amb);
        assert_int_equal(a, caps_default());
        assert_int_equal(amb, caps_group_always());

        c.isolate = true;
        c.memory_limit = true;
        caps_compute(&c, &a, &amb);
        assert_int_equal(amb, caps_group_always() | B(KILL) | B(SYS_PTRACE) | B(IPC_LOCK));
        assert_int_equal(amb & (caps_group_chroot() | caps_group_suid()), 0);

        c.has_limit = true;
        c.limit = B(NET_RAW) | B(SYS_ADMIN);
        caps_compute(&c, &a, &amb);
        assert_int_equal(a, B(NET_RAW) | B(SYS_ADMIN));
        assert_int_equal(amb, B(NET_RAW));
}

static void test_check_subset(void **state)
{
        struct perror e;

        (void) state;
        assert_int_equal(caps_check_subset("capabilities_ambient", B(CHOWN), B(CHOWN) | B(KILL), &e), 0);
        assert_int_equal(caps_check_subset("capabilities_ambient", 0, 0, &e), 0);
        assert_true(caps_check_subset("capabilities_ambient", B(CHOWN) | B(SYS_ADMIN), B(CHOWN), &e) < 0);
        assert_int_equal(e.code, EERROR_PERMISSION);
        assert_non_null(strstr(e.msg, "SYS_ADMIN"));
        assert_null(strstr(e.msg, "CHOWN not"));
        assert_true(caps_check_subset("x", B(KILL), 0, &e) < 0);
        assert_non_null(strstr(e.msg, "none"));
}

static void test_get(void **state)
{
        struct caps_state s;

        (void) state;
        assert_int_equal(caps_get(&s), 0);
        assert_int_equal(s.effective & ~s.permitted, 0);
        assert_int_equal(s.ambient & ~s.permitted, 0);
        assert_true(s.bounding != 0);
        assert_int_equal(caps_apply(B(CHOWN), B(KILL)), -EINVAL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_names),       cmocka_unit_test(test_parse_format),
                cmocka_unit_test(test_groups),      cmocka_unit_test(test_rules_root),
                cmocka_unit_test(test_rules_chroot), cmocka_unit_test(test_rules_host),
                cmocka_unit_test(test_check_subset), cmocka_unit_test(test_get),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
