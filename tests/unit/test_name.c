/* src/basic/name.c: container names (spec 10.1) and labels (spec 10.3). */
#include "unit.h"

#include "basic/name.h"
#include "basic/strutil.h"

static char *repeat(char c, size_t n)
{
        char *s = malloc(n + 1);

        assert_non_null(s);
        memset(s, c, n);
        s[n] = 0;
        return s;
}

static void name_ok(const char *name)
{
        struct perror e;

        perror_clear(&e);
        if (ct_name_check(name, CT_NAME_MAX, &e) != 0)
                fail_msg("\"%s\" rejected: %s", name, e.msg);
}

/* Rejected with InvalidValue and a message containing what. */
static void name_bad(const char *name, size_t max, const char *what)
{
        struct perror e;

        perror_clear(&e);
        assert_int_equal(ct_name_check(name, max, &e), -EINVAL);
        assert_int_equal(e.code, EERROR_INVALID_VALUE);
        if (!strstr(e.msg, what))
                fail_msg("\"%.40s\": message \"%s\" lacks \"%s\"", name, e.msg, what);
}

static void test_valid_names(void **state)
{
        _cleanup_free_ char *c128 = repeat('a', 128);
        char deep[64] = "";

        (void) state;
        name_ok("a");
        name_ok("a/b/c");
        name_ok("A-Z_a-z_0-9@:.");
        name_ok("a.b");
        name_ok("..");
        name_ok("selfie/self2");
        name_ok(c128);
        for (int i = 0; i < 16; i++)
                strcat(deep, i ? "/x" : "x");
        name_ok(deep);
        assert_int_equal(ct_name_level(deep), 16);
        assert_int_equal(ct_name_check("a", 1, NULL), 0);
}

static void test_invalid_names(void **state)
{
        _cleanup_free_ char *c129 = repeat('a', 129), *long201 = NULL, *long221 = NULL;
        _cleanup_free_ char *comp = NULL;
        char deep[64] = "";

        (void) state;
        name_bad("", CT_NAME_MAX, "empty");
        name_bad("/a", CT_NAME_MAX, "starts with '/'");
        name_bad("/", CT_NAME_MAX, "starts with '/'");
        name_bad("a/", CT_NAME_MAX, "ends with '/'");
        name_bad("a//b", CT_NAME_MAX, "empty component");
        name_bad("self", CT_NAME_MAX, "\"self\" is reserved");
        name_bad("a/self", CT_NAME_MAX, "\"self\" is reserved");
        name_bad(".", CT_NAME_MAX, "\".\" is reserved");
        name_bad("a/./b", CT_NAME_MAX, "\".\" is reserved");
        name_bad("a b", CT_NAME_MAX, "invalid character ' ' in container name");
        name_bad("a*", CT_NAME_MAX, "invalid character '*' in container name");
        name_bad("a\nb", CT_NAME_MAX, "invalid character '\\x0a' in container name");
        name_bad("\xd0\xb0", CT_NAME_MAX, "invalid character '\\xd0'");
        name_bad(c129, CT_NAME_MAX, "container name component \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is longer than 128");

        comp = repeat('b', 100);
        long201 = malloc(202);
        snprintf(long201, 202, "%s/%s", comp, comp); /* 201 bytes */
        name_bad(long201, CT_NAME_MAX, "is longer than 200");
        assert_int_equal(ct_name_check(long201, CT_NAME_MAX_SUPERUSER, NULL), 0);
        long221 = malloc(222);
        snprintf(long221, 222, "%s/%s/%.19s", comp, comp, comp);
        assert_int_equal(strlen(long221), 221);
        name_bad(long221, CT_NAME_MAX_SUPERUSER, "is longer than 220");

        for (int i = 0; i < 17; i++)
                strcat(deep, i ? "/x" : "x");
        name_bad(deep, CT_NAME_MAX, "deeper than 16 levels");
        assert_int_equal(ct_name_check("", CT_NAME_MAX, NULL), -EINVAL);
}

static void test_level(void **state)
{
        (void) state;
        assert_int_equal(ct_name_level("/"), 0);
        assert_int_equal(ct_name_level(""), 0);
        assert_int_equal(ct_name_level("a"), 1);
        assert_int_equal(ct_name_level("a/b"), 2);
        assert_int_equal(ct_name_level("a/b/c"), 3);
}

static void test_name_chars(void **state)
{
        (void) state;
        for (int c = 1; c < 256; c++) {
                bool want = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                            strchr("_-@:.", c);

                assert_int_equal(name_char_valid((char) c), want);
        }
}

static void label_ok(const char *label)
{
        struct perror e;

        perror_clear(&e);
        if (label_name_check(label, &e) != 0)
                fail_msg("label \"%s\" rejected: %s", label, e.msg);
}

static void label_bad(const char *label, const char *what)
{
        struct perror e;

        perror_clear(&e);
        assert_int_equal(label_name_check(label, &e), -EINVAL);
        assert_int_equal(e.code, EERROR_INVALID_LABEL);
        if (!strstr(e.msg, what))
                fail_msg("label \"%.40s\": message \"%s\" lacks \"%s\"", label, e.msg, what);
}

static void test_labels(void **state)
{
        _cleanup_free_ char *rest = repeat('x', 124), *long_ok = NULL, *long_bad = NULL;
        _cleanup_free_ char *v256 = repeat('v', 256), *v257 = repeat('v', 257);
        struct perror e;

        (void) state;
        label_ok("AB.x");
        label_ok("FOO.bar");
        label_ok("ABCDEFGHIJKLMNOP.x");
        label_ok("FOO.a-b_c@d:e.f0");
        label_ok("FOO.");
        label_ok("FOO.x.y");
        label_ok("POR.x");
        long_ok = strdup_printf("FOO.%s", rest); /* 128 */
        assert_int_equal(strlen(long_ok), 128);
        label_ok(long_ok);
        long_bad = strdup_printf("FOO.%sx", rest); /* 129 */
        label_bad(long_bad, "longer than 128");

        label_bad("", "empty");
        label_bad("A.x", "prefix of 2..16");
        label_bad("ABCDEFGHIJKLMNOPQ.x", "prefix of 2..16");
        label_bad("foo.bar", "upper-case");
        label_bad("FOo.bar", "upper-case");
        label_bad("F1.bar", "upper-case");
        label_bad("FOOBAR", "PREFIX.name");
        label_bad(".FOO.bar", "PREFIX.name");
        label_bad("PORTO.x", "PORTO is reserved");
        label_bad("PORTOX.x", "PORTO is reserved");
        label_bad("FOO.a b", "invalid character ' ' in label name");
        label_bad("FOO.a/b", "invalid character '/'");
        label_bad("FOO.\xff", "invalid character '\\xff'");

        assert_int_equal(label_value_check("", NULL), 0);
        assert_int_equal(label_value_check("value-1.2@x:y_z", NULL), 0);
        assert_int_equal(label_value_check(v256, NULL), 0);
        perror_clear(&e);
        assert_int_equal(label_value_check(v257, &e), -EINVAL);
        assert_int_equal(e.code, EERROR_INVALID_LABEL);
        assert_non_null(strstr(e.msg, "longer than 256"));
        assert_int_equal(label_value_check("a b", &e), -EINVAL);
        assert_int_equal(e.code, EERROR_INVALID_LABEL);
        assert_non_null(strstr(e.msg, "invalid character ' ' in label value"));
        assert_int_equal(label_value_check("a;b", NULL), -EINVAL);
}

static void test_label_like(void **state)
{
        (void) state;
        assert_true(label_name_like("FOO.bar"));
        assert_true(label_name_like(".FOO.bar"));
        assert_true(label_name_like("A.x"));
        assert_true(label_name_like("PORTO.x"));
        assert_false(label_name_like("memory.limit_in_bytes"));
        assert_false(label_name_like("command"));
        assert_false(label_name_like("FOO"));
        assert_false(label_name_like(".foo.bar"));
        assert_false(label_name_like("..FOO.x"));
        assert_false(label_name_like(""));
        assert_false(label_name_like("labels[FOO.x]"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_valid_names), cmocka_unit_test(test_invalid_names),
                cmocka_unit_test(test_level),       cmocka_unit_test(test_name_chars),
                cmocka_unit_test(test_labels),      cmocka_unit_test(test_label_like),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
