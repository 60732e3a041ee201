/* src/shared/devices.c: the devices property, cgroup rules, checks. */
#include <sys/stat.h>

#include "unit.h"
#include "basic/strutil.h"
#include "shared/devices.h"

static struct dev_set parse_ok(const char *text)
{
        struct dev_set s = { NULL, 0 };
        struct perror e = { 0 };

        if (dev_parse(text, NULL, 0, &s, &e) < 0)
                fail_msg("\"%s\": %s", text, e.msg);
        return s;
}

static void parse_bad(const char *text, const char *msg_part)
{
        struct dev_set s = { (struct dev_rule *) 0x1, 3 };
        struct perror e = { 0 };

        if (dev_parse(text, NULL, 0, &s, &e) >= 0)
                fail_msg("\"%s\" parsed", text);
        assert_int_equal(e.code, EERROR_INVALID_VALUE);
        if (!strstr(e.msg, msg_part))
                fail_msg("\"%s\": message \"%s\" lacks \"%s\"", text, e.msg, msg_part);
        assert_ptr_equal(s.rules, (struct dev_rule *) 0x1);
        assert_int_equal(s.n, 3);
}

static void check_format(const char *in, const char *out)
{
        struct dev_set s = parse_ok(in), s2;
        char *f = dev_format(&s), *f2;

        assert_non_null(f);
        if (strcmp(f, out))
                fail_msg("\"%s\" formats as \"%s\", expected \"%s\"", in, f, out);
        s2 = parse_ok(f);
        f2 = dev_format(&s2);
        assert_string_equal(f, f2);
        free(f);
        free(f2);
        dev_set_done(&s);
        dev_set_done(&s2);
}

static void test_parse(void **state)
{
        struct dev_set s;
        struct dev_rule *d;

        (void) state;
        s = parse_ok("/dev/null rw");
        assert_int_equal(s.n, 1);
        d = &s.rules[0];
        assert_string_equal(d->device, "/dev/null");
        assert_null(d->path);
        assert_string_equal(dev_rule_path(d), "/dev/null");
        assert_int_equal(d->access, DEV_ACC_READ | DEV_ACC_WRITE);
        assert_false(d->wildcard);
        assert_false(d->optional);
        assert_false(d->has_mode);
        dev_set_done(&s);

        s = parse_ok("/dev/fuse rwm /dev/fuse2 0660 root 0; /dev/tty -; /dev/pts/* rw; /dev/sda r*?");
        assert_int_equal(s.n, 4);
        d = &s.rules[0];
        assert_string_equal(d->path, "/dev/fuse2");
        assert_int_equal(d->access, DEV_ACC_ALL);
        assert_true(d->has_mode && d->has_user && d->has_group);
        assert_int_equal(d->mode, 0660);
        assert_int_equal(d->uid, 0);
        assert_int_equal(d->gid, 0);
        assert_int_equal(s.rules[1].access, 0);
        assert_true(s.rules[2].wildcard);
        assert_true(s.rules[3].wildcard);
        assert_true(s.rules[3].optional);
        assert_int_equal(s.rules[3].access, DEV_ACC_READ);
        dev_set_done(&s);

        s = parse_ok("  ;; ");
        assert_int_equal(s.n, 0);
        dev_set_done(&s);
}

static void test_parse_errors(void **state)
{
        (void) state;
        parse_bad("/dev/null", "expected <device> <access>");
        parse_bad("/dev/null rw /dev/x 0666 root root extra", "expected");
        parse_bad("/dev/null rwx", "bad access");
        parse_bad("/dev/null rr", "repeats");
        parse_bad("/dev/null r-", "mixes");
        parse_bad("/etc/passwd rw", "not in /dev");
        parse_bad("/dev rw", "not in /dev");
        parse_bad("/dev/../etc/shadow rw", "normalized absolute");
        parse_bad("/dev//null rw", "normalized absolute");
        parse_bad("dev/null rw", "normalized absolute");
        parse_bad("/dev/null rw /etc/x", "not in /dev");
        parse_bad("/dev/null rw /dev/./x", "normalized");
        parse_bad("/dev/null rw /dev/x 0999", "bad mode");
        parse_bad("/dev/null rw /dev/x abc", "bad mode");
        parse_bad("/dev/null rw /dev/x 04755", "bad mode");
        parse_bad("/dev/null rw /dev/x 0666 no_such_user_xyz", "unknown user");
        parse_bad("/dev/null rw /dev/x 0666 root no_such_group_xyz", "unknown group");
        parse_bad("/dev/null rw /dev/x 0666 4294967295", "unknown user");
        parse_bad("/dev/pts/0 rw", "reserved");
        parse_bad("/dev/null rw /dev/shm/x", "reserved");
        parse_bad("/dev/null rw /dev/fd", "reserved");
        parse_bad("/dev/pts/* rw /dev/other", "wildcard");
        parse_bad("/dev/* rw", "not in /dev");
        parse_bad("preset", "preset <name>");
        parse_bad("preset none", "unknown preset");
}

static void test_format(void **state)
{
        (void) state;
        check_format("/dev/null rw", "/dev/null rw");
        check_format("/dev/null  rw ; /dev/zero r", "/dev/null rw; /dev/zero r");
        check_format("/dev/tty -", "/dev/tty -");
        check_format("/dev/pts/* rw", "/dev/pts/* rw");
        check_format("/dev/sda ?*wr", "/dev/sda rw*?");
        check_format("/dev/fuse rwm /dev/fuse 0660", "/dev/fuse rwm /dev/fuse 0660");
        check_format("/dev/fuse rw /dev/f2", "/dev/fuse rw /dev/f2");
        check_format("/dev/fuse rw /dev/f2 666 root root", "/dev/fuse rw /dev/f2 0666 root root");
        check_format("/dev/a\\ b rw", "/dev/a\\ b rw");
        check_format("", "");
}

static void test_presets(void **state)
{
        char *fuse[] = { (char *) "/dev/fuse rw", (char *) "/dev/net/tun rw; /dev/kvm rw?" };
        char *nested[] = { (char *) "preset fuse" };
        const struct dev_preset presets[] = {
                { "fuse", fuse, 2 },
                { "nested", nested, 1 },
        };
        struct dev_set s;
        struct perror e;

        (void) state;
        assert_int_equal(dev_parse("preset fuse; /dev/null r", presets, 2, &s, &e), 0);
        assert_int_equal(s.n, 4);
        assert_string_equal(s.rules[0].device, "/dev/fuse");
        assert_string_equal(s.rules[2].device, "/dev/kvm");
        assert_true(s.rules[2].optional);
        assert_string_equal(s.rules[3].device, "/dev/null");
        dev_set_done(&s);
        /* Presets do not nest. */
        assert_true(dev_parse("preset nested", presets, 2, &s, &e) < 0);
        assert_non_null(strstr(e.msg, "unknown preset"));
        assert_true(dev_parse("preset other", presets, 2, &s, &e) < 0);
        assert_true(dev_parse("preset fuse extra", presets, 2, &s, &e) < 0);
}

static void test_defaults_merge(void **state)
{
        struct dev_set s, o;
        char *f;

        (void) state;
        assert_int_equal(dev_defaults(&s), 0);
        assert_int_equal(s.n, 9);
        f = dev_format(&s);
        assert_string_equal(f, "/dev/null rw; /dev/zero rw; /dev/full rw; /dev/random rw; /dev/urandom rw; "
                               "/dev/tty rw; /dev/null rw /dev/console; /dev/ptmx rw; /dev/pts/* rw");
        free(f);

        o = parse_ok("/dev/tty -; /dev/fuse rw; /dev/zero r");
        assert_int_equal(dev_merge(&s, &o), 0);
        assert_int_equal(s.n, 10);
        f = dev_format(&s);
        assert_string_equal(f, "/dev/null rw; /dev/zero r; /dev/full rw; /dev/random rw; /dev/urandom rw; "
                               "/dev/tty -; /dev/null rw /dev/console; /dev/ptmx rw; /dev/pts/* rw; /dev/fuse rw");
        free(f);
        dev_set_done(&o);
        dev_set_done(&s);
}

static void test_resolve(void **state)
{
        struct dev_set s;
        struct perror e;
        struct stat st;
        char **rules;

        (void) state;
        s = parse_ok("/dev/null rw; /dev/no_such_dev_xyz rw?; /dev/pts/* rw; /dev/null r /dev/console");
        assert_int_equal(dev_resolve(&s, &e), 0);
        assert_true(s.rules[0].present);
        assert_int_equal(s.rules[0].type, 'c');
        assert_int_equal(s.rules[0].major, 1);
        assert_int_equal(s.rules[0].minor, 3);
        assert_false(s.rules[1].present);
        assert_int_equal(s.rules[2].major, 136);
        assert_int_equal(dev_cgroup_rules(&s, &rules), 0);
        assert_string_equal(rules[0], "c 1:3 rw");
        assert_string_equal(rules[1], "c 136:* rw");
        assert_string_equal(rules[2], "c 1:3 r");
        assert_null(rules[3]);
        strv_free(rules);
        dev_set_done(&s);

        s = parse_ok("/dev/no_such_dev_xyz rw");
        assert_true(dev_resolve(&s, &e) < 0);
        assert_int_equal(e.code, EERROR_DEVICE_NOT_FOUND);
        dev_set_done(&s);

        /* A directory below /dev is not a device. */
        if (stat("/dev/net", &st) == 0 && S_ISDIR(st.st_mode)) {
                s = parse_ok("/dev/net rw");
                assert_true(dev_resolve(&s, &e) < 0);
                assert_int_equal(e.code, EERROR_INVALID_VALUE);
                assert_non_null(strstr(e.msg, "not a device"));
                dev_set_done(&s);
        }
}

/* A resolved rule without touching the host. */
static struct dev_rule fake(char type, unsigned major, unsigned minor, bool wild, unsigned acc)
{
        return (struct dev_rule) { .device = (char *) "/dev/fake", .access = acc, .wildcard = wild, .resolved = true,
                                   .present = true, .type = type, .major = major, .minor = minor, .host_mode = 0660,
                                   .host_uid = 1000, .host_gid = 1000 };
}

static void test_may_write(void **state)
{
        struct dev_rule rules[] = {
                fake('c', 1, 3, false, DEV_ACC_READ),
                fake('b', 7, 0, true, DEV_ACC_WRITE),
                fake('c', 10, 200, false, 0),                 /* "-" */
                fake('c', 10, 229, false, DEV_ACC_MKNOD),     /* mknod only */
                fake('c', 5, 1, false, DEV_ACC_ALL),
        };
        struct dev_set s = { rules, ELEMENTSOF(rules) };

        (void) state;
        assert_false(dev_set_may_write(&s, 'c', 1, 3));          /* read only */
        rules[0].access |= DEV_ACC_WRITE;
        assert_true(dev_set_may_write(&s, 'c', 1, 3));
        assert_false(dev_set_may_write(&s, 'b', 1, 3));           /* type matters */
        assert_false(dev_set_may_write(&s, 'c', 1, 5));
        assert_true(dev_set_may_write(&s, 'b', 7, 12));           /* every minor */
        assert_false(dev_set_may_write(&s, 'c', 7, 12));
        assert_false(dev_set_may_write(&s, 'c', 10, 200));
        assert_false(dev_set_may_write(&s, 'c', 10, 229));
        rules[4].present = false;                              /* optional, missing */
        assert_false(dev_set_may_write(&s, 'c', 5, 1));
        rules[4].present = true;
        rules[4].resolved = false;
        assert_false(dev_set_may_write(&s, 'c', 5, 1));
}

static void test_subset(void **state)
{
        struct dev_rule p[] = {
                fake('c', 1, 3, false, DEV_ACC_READ | DEV_ACC_WRITE),
                fake('c', 136, 0, true, DEV_ACC_READ | DEV_ACC_WRITE),
                fake('c', 1, 3, false, DEV_ACC_MKNOD),
        };
        struct dev_set parent = { p, 3 };
        struct perror e;

        (void) state;
        {
                struct dev_rule c[] = { fake('c', 1, 3, false, DEV_ACC_ALL), fake('c', 136, 7, false, DEV_ACC_READ),
                                        fake('c', 136, 0, true, DEV_ACC_WRITE), fake('c', 10, 229, false, 0) };
                struct dev_set child = { c, 4 };

                /* rwm on 1:3 from two parent rules; a pty by the wildcard;
                 * no access needs nothing. */
                assert_int_equal(dev_check_subset(&child, &parent, &e), 0);
        }
        {
                struct dev_rule c[] = { fake('c', 10, 229, false, DEV_ACC_READ) };
                struct dev_set child = { c, 1 };

                assert_true(dev_check_subset(&child, &parent, &e) < 0);
                assert_int_equal(e.code, EERROR_PERMISSION);
        }
        {
                /* A wildcard is not covered by a single node. */
                struct dev_rule c[] = { fake('c', 1, 0, true, DEV_ACC_READ) };
                struct dev_set child = { c, 1 };

                assert_true(dev_check_subset(&child, &parent, &e) < 0);
        }
        {
                /* Block and char numbers differ. */
                struct dev_rule c[] = { fake('b', 1, 3, false, DEV_ACC_READ) };
                struct dev_set child = { c, 1 };

                assert_true(dev_check_subset(&child, &parent, &e) < 0);
        }
        {
                struct dev_rule c[] = { fake('c', 1, 3, false, DEV_ACC_READ) };
                struct dev_set child = { c, 1 };

                c[0].present = false; /* optional, missing */
                c[0].minor = 99;
                assert_int_equal(dev_check_subset(&child, &parent, &e), 0);
        }
}

static void test_owner_change(void **state)
{
        struct dev_rule r[] = { fake('c', 1, 3, false, DEV_ACC_READ) };
        struct dev_set s = { r, 1 };
        struct perror e;

        (void) state;
        assert_int_equal(dev_check_owner_change(&s, 2000, &e), 0);
        r[0].has_mode = true;
        r[0].mode = 0660; /* same as the host: no change */
        assert_int_equal(dev_check_owner_change(&s, 2000, &e), 0);
        r[0].mode = 0666;
        assert_true(dev_check_owner_change(&s, 2000, &e) < 0);
        assert_int_equal(e.code, EERROR_PERMISSION);
        assert_int_equal(dev_check_owner_change(&s, 1000, &e), 0);
        assert_int_equal(dev_check_owner_change(&s, 0, &e), 0);
        r[0].has_mode = false;
        r[0].has_user = true;
        r[0].uid = 5;
        assert_true(dev_check_owner_change(&s, 2000, &e) < 0);
}

static void test_garbage(void **state)
{
        static const char alphabet[] = "/devnul rwm-?*;\\ 0123456789";
        unsigned seed = 4242, parsed = 0;

        (void) state;
        for (int i = 0; i < 20000; i++) {
                char text[48];
                /* Half of them start like a device, so that some parse. */
                size_t start = i % 2 ? 5 : 0, n = start + (size_t) (rand_r(&seed) % (int) (sizeof(text) - 5));
                struct dev_set s, s2;
                struct perror e;
                char *f, *f2;

                memcpy(text, "/dev/", start);
                for (size_t j = start; j < n; j++)
                        text[j] = alphabet[rand_r(&seed) % (int) (sizeof(alphabet) - 1)];
                text[n] = 0;
                if (dev_parse(text, NULL, 0, &s, &e) < 0)
                        continue;
                parsed++;
                f = dev_format(&s);
                assert_non_null(f);
                if (dev_parse(f, NULL, 0, &s2, &e) < 0)
                        fail_msg("\"%s\" -> \"%s\": %s", text, f, e.msg);
                f2 = dev_format(&s2);
                assert_string_equal(f, f2);
                free(f);
                free(f2);
                dev_set_done(&s);
                dev_set_done(&s2);
        }
        assert_true(parsed > 100);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse),       cmocka_unit_test(test_parse_errors),
                cmocka_unit_test(test_format),      cmocka_unit_test(test_presets),
                cmocka_unit_test(test_defaults_merge), cmocka_unit_test(test_resolve),
                cmocka_unit_test(test_subset),      cmocka_unit_test(test_owner_change),
                cmocka_unit_test(test_garbage),     cmocka_unit_test(test_may_write),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
