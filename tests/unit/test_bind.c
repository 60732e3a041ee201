/* src/shared/mount.c: the bind property, paths; src/shared/fields.c. */
#include <limits.h>
#include <sys/mount.h>

#include "unit.h"
#include "shared/fields.h"
#include "shared/mount.h"

static struct mnt_bind_list parse_ok(const char *text)
{
        struct mnt_bind_list l = { NULL, 0 };
        struct perror e = { 0 };

        if (mnt_bind_parse(text, &l, &e) < 0)
                fail_msg("\"%s\": %s", text, e.msg);
        return l;
}

static void parse_bad(const char *text, const char *msg_part)
{
        struct mnt_bind_list l = { (struct mnt_bind *) 0x1, 7 };
        struct perror e = { 0 };

        assert_true(mnt_bind_parse(text, &l, &e) < 0);
        assert_int_equal(e.code, EERROR_INVALID_VALUE);
        if (!strstr(e.msg, msg_part))
                fail_msg("\"%s\": message \"%s\" lacks \"%s\"", text, e.msg, msg_part);
        /* Output untouched on failure. */
        assert_ptr_equal(l.v, (struct mnt_bind *) 0x1);
        assert_int_equal(l.n, 7);
}

static void test_fields(void **state)
{
        struct field_rows r;

        (void) state;
        assert_int_equal(fields_split("a b;c", &r), 0);
        assert_int_equal(r.n, 2);
        assert_string_equal(r.rows[0][0], "a");
        assert_string_equal(r.rows[0][1], "b");
        assert_null(r.rows[0][2]);
        assert_string_equal(r.rows[1][0], "c");
        field_rows_done(&r);

        assert_int_equal(fields_split("", &r), 0);
        assert_int_equal(r.n, 0);
        field_rows_done(&r);
        assert_int_equal(fields_split(NULL, &r), 0);
        assert_int_equal(r.n, 0);
        field_rows_done(&r);
        assert_int_equal(fields_split(" ;; \t; ", &r), 0);
        assert_int_equal(r.n, 0);
        field_rows_done(&r);

        /* Escapes; a trailing backslash stays literal. */
        assert_int_equal(fields_split("a\\ b c\\;d\\\\ e\\", &r), 0);
        assert_int_equal(r.n, 1);
        assert_string_equal(r.rows[0][0], "a b");
        assert_string_equal(r.rows[0][1], "c;d\\");
        assert_string_equal(r.rows[0][2], "e\\");
        field_rows_done(&r);
}

static void test_path_normalize(void **state)
{
        static const struct {
                const char *in, *out;
        } ok[] = {
                { "/", "/" },           { "//", "/" },    { "/a//b/./", "/a/b" }, { "/a/.", "/a" },
                { ".", "." },           { "./", "." },    { "a/./b", "a/b" },     { "a", "a" },
                { "/a...b/..c", "/a...b/..c" }, { "/.x/x.", "/.x/x." },
        };
        static const char *const bad[] = { "", "..", "/..", "/a/../b", "a/..", "../a", "/a/b/.." };
        char big[PATH_MAX + 8];
        char *out;

        (void) state;
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
                assert_int_equal(mnt_path_normalize(ok[i].in, &out), 0);
                assert_string_equal(out, ok[i].out);
                free(out);
        }
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_int_equal(mnt_path_normalize(bad[i], &out), -EINVAL);
        assert_int_equal(mnt_path_normalize(NULL, &out), -EINVAL);
        memset(big, 'a', sizeof(big) - 1);
        big[0] = '/';
        big[sizeof(big) - 1] = 0;
        assert_int_equal(mnt_path_normalize(big, &out), -ENAMETOOLONG);

        assert_true(mnt_path_is_under("/proc", "/proc"));
        assert_true(mnt_path_is_under("/proc/sys", "/proc"));
        assert_false(mnt_path_is_under("/procx", "/proc"));
        assert_false(mnt_path_is_under("/pro", "/proc"));
        assert_true(mnt_path_is_under("/anything", "/"));

        assert_int_equal(mnt_path_absolute("x/y", "/home/u", &out), 0);
        assert_string_equal(out, "/home/u/x/y");
        free(out);
        assert_int_equal(mnt_path_absolute("/x", "/home/u", &out), 0);
        assert_string_equal(out, "/x");
        free(out);
        assert_int_equal(mnt_path_absolute("x", NULL, &out), 0);
        assert_string_equal(out, "/x");
        free(out);
        assert_int_equal(mnt_path_absolute("../x", "/home", &out), -EINVAL);
        assert_int_equal(mnt_path_absolute("x", "relative", &out), -EINVAL);
}

static void test_parse_basic(void **state)
{
        struct mnt_bind_list l;
        char *s;

        (void) state;
        l = parse_ok("/a /b");
        assert_int_equal(l.n, 1);
        assert_string_equal(l.v[0].source, "/a");
        assert_string_equal(l.v[0].target, "/b");
        assert_int_equal(l.v[0].flags, 0);
        mnt_bind_list_done(&l);

        l = parse_ok("/src/dir  /mnt/x ro,rec ; /c /d;");
        assert_int_equal(l.n, 2);
        assert_int_equal(l.v[0].flags, MNT_BIND_F(MNT_BIND_RO) | MNT_BIND_F(MNT_BIND_REC));
        assert_string_equal(l.v[1].source, "/c");
        s = mnt_bind_format(&l);
        assert_string_equal(s, "/src/dir /mnt/x ro,rec; /c /d");
        free(s);
        mnt_bind_list_done(&l);

        l = parse_ok("");
        assert_int_equal(l.n, 0);
        s = mnt_bind_format(&l);
        assert_string_equal(s, "");
        free(s);
        mnt_bind_list_done(&l);

        /* Normalized; relative paths stay relative. */
        l = parse_ok("/a//b/./ c/ ");
        assert_string_equal(l.v[0].source, "/a/b");
        assert_string_equal(l.v[0].target, "c");
        mnt_bind_list_done(&l);
}

static void test_parse_escapes(void **state)
{
        struct mnt_bind_list l, l2;
        char *s;

        (void) state;
        l = parse_ok("/a\\ b /c\\;d ro");
        assert_string_equal(l.v[0].source, "/a b");
        assert_string_equal(l.v[0].target, "/c;d");
        s = mnt_bind_format(&l);
        assert_string_equal(s, "/a\\ b /c\\;d ro");
        l2 = parse_ok(s);
        assert_string_equal(l2.v[0].source, "/a b");
        assert_string_equal(l2.v[0].target, "/c;d");
        free(s);
        mnt_bind_list_done(&l);
        mnt_bind_list_done(&l2);
}

static void test_all_flags(void **state)
{
        (void) state;
        for (unsigned f = 0; f < MNT_BIND_FLAG_MAX; f++) {
                const char *name = mnt_bind_flag_to_string((enum mnt_bind_flag) f);
                enum mnt_bind_flag back;
                struct mnt_bind_list l;
                char text[64], *s;

                assert_non_null(name);
                assert_int_equal(mnt_bind_flag_from_string(name, &back), 0);
                assert_int_equal(back, f);
                snprintf(text, sizeof(text), "/s /t %s", name);
                l = parse_ok(text);
                assert_int_equal(l.v[0].flags, MNT_BIND_F(f));
                s = mnt_bind_format(&l);
                assert_string_equal(s, text);
                free(s);
                mnt_bind_list_done(&l);
        }
        assert_null(mnt_bind_flag_to_string(MNT_BIND_FLAG_MAX));
}

static void test_parse_errors(void **state)
{
        (void) state;
        parse_bad("/a", "expected <source> <target>");
        parse_bad("/a /b ro extra", "expected <source> <target>");
        parse_bad("/a /b rox", "unknown flag \"rox\"");
        parse_bad("/a /b RO", "unknown flag");
        parse_bad("/a /b ro,rw", "conflict");
        parse_bad("/a /b rw,ro", "conflict");
        parse_bad("/a /b dev,nodev", "conflict");
        parse_bad("/a /b private,shared", "conflict");
        parse_bad("/a /b slave,unbindable", "conflict");
        parse_bad("/a /b noatime,relatime", "conflict");
        parse_bad("/a/../etc /b", "\"..\"");
        parse_bad("/a /b/../../etc", "\"..\"");
        parse_bad("/ok /x; .. /y", "\"..\"");
        parse_bad("/ok /x; /y ../../etc/shadow", "\"..\"");
}

static void test_attrs(void **state)
{
        unsigned long prop;
        uint64_t set, clr;

        (void) state;
        mnt_bind_flags_to_attrs(0, false, &set, &clr, &prop);
        assert_int_equal(set, 0);
        assert_int_equal(clr, 0);
        assert_int_equal(prop, MS_SLAVE | MS_SHARED);

        mnt_bind_flags_to_attrs(MNT_BIND_F(MNT_BIND_RO) | MNT_BIND_F(MNT_BIND_NOSUID) | MNT_BIND_F(MNT_BIND_PRIVATE),
                                false, &set, &clr, &prop);
        assert_int_equal(set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID);
        assert_int_equal(prop, MS_PRIVATE);

        /* root_readonly: binds are read-only unless "rw". */
        mnt_bind_flags_to_attrs(0, true, &set, &clr, &prop);
        assert_true(set & MOUNT_ATTR_RDONLY);
        mnt_bind_flags_to_attrs(MNT_BIND_F(MNT_BIND_RW), true, &set, &clr, &prop);
        assert_false(set & MOUNT_ATTR_RDONLY);
        assert_true(clr & MOUNT_ATTR_RDONLY);

        mnt_bind_flags_to_attrs(MNT_BIND_F(MNT_BIND_NOATIME) | MNT_BIND_F(MNT_BIND_DEV) | MNT_BIND_F(MNT_BIND_SLAVE),
                                false, &set, &clr, &prop);
        assert_int_equal(set, MOUNT_ATTR_NOATIME);
        assert_int_equal(clr, MOUNT_ATTR__ATIME | MOUNT_ATTR_NODEV);
        assert_int_equal(prop, MS_SLAVE);

        mnt_bind_flags_to_attrs(MNT_BIND_F(MNT_BIND_UNBINDABLE), false, &set, &clr, &prop);
        assert_int_equal(prop, MS_UNBINDABLE);
}

static void test_make(void **state)
{
        char *flags[] = { (char *) "ro", (char *) "rec" };
        char *badf[] = { (char *) "ro", (char *) "rw" };
        struct mnt_bind b;
        struct perror e;

        (void) state;
        assert_int_equal(mnt_bind_make("/a", "/b", flags, 2, &b, &e), 0);
        assert_int_equal(b.flags, MNT_BIND_F(MNT_BIND_RO) | MNT_BIND_F(MNT_BIND_REC));
        mnt_bind_done(&b);
        assert_true(mnt_bind_make("/a", "/b", badf, 2, &b, &e) < 0);
        assert_true(mnt_bind_make("", "/b", NULL, 0, &b, &e) < 0);
        assert_true(mnt_bind_make("/a", "/../b", NULL, 0, &b, &e) < 0);
}

/* Random input never crashes; what parses formats and parses back equal. */
static void test_garbage(void **state)
{
        static const char alphabet[] = "/ab.;, \\\trorecwxnosuid-";
        unsigned seed = 12345, parsed = 0;

        (void) state;
        for (int i = 0; i < 20000; i++) {
                char text[48];
                size_t n = (size_t) (rand_r(&seed) % (int) sizeof(text));
                struct mnt_bind_list l, l2;
                struct perror e;
                char *s;

                for (size_t j = 0; j < n; j++)
                        text[j] = alphabet[rand_r(&seed) % (int) (sizeof(alphabet) - 1)];
                text[n] = 0;
                if (mnt_bind_parse(text, &l, &e) < 0)
                        continue;
                parsed++;
                s = mnt_bind_format(&l);
                assert_non_null(s);
                if (mnt_bind_parse(s, &l2, &e) < 0)
                        fail_msg("\"%s\" -> \"%s\": %s", text, s, e.msg);
                assert_int_equal(l.n, l2.n);
                for (size_t k = 0; k < l.n; k++) {
                        assert_string_equal(l.v[k].source, l2.v[k].source);
                        assert_string_equal(l.v[k].target, l2.v[k].target);
                        assert_int_equal(l.v[k].flags, l2.v[k].flags);
                }
                free(s);
                mnt_bind_list_done(&l);
                mnt_bind_list_done(&l2);
        }
        assert_true(parsed > 100);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_fields),       cmocka_unit_test(test_path_normalize),
                cmocka_unit_test(test_parse_basic),  cmocka_unit_test(test_parse_escapes),
                cmocka_unit_test(test_all_flags),    cmocka_unit_test(test_parse_errors),
                cmocka_unit_test(test_attrs),        cmocka_unit_test(test_make),
                cmocka_unit_test(test_garbage),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
