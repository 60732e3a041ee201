/* src/basic/strutil.c: trimming, strv, escaped lists, strbuf. */
#include "unit.h"

#include "basic/strutil.h"

static void test_strstrip(void **state)
{
        char a[] = "  \t hello world \n ", b[] = "", c[] = "   ", d[] = "x";

        (void) state;
        assert_string_equal(strstrip(a), "hello world");
        assert_string_equal(strstrip(b), "");
        assert_string_equal(strstrip(c), "");
        assert_string_equal(strstrip(d), "x");
}

static void test_strv(void **state)
{
        _cleanup_strv_free_ char **v = NULL, **c = NULL;
        _cleanup_free_ char *j = NULL, *e = NULL;

        (void) state;
        assert_int_equal(strv_length(v), 0);
        assert_false(strv_contains(v, "a"));
        assert_int_equal(strv_push(&v, "a"), 0);
        assert_int_equal(strv_push(&v, "b"), 0);
        assert_int_equal(strv_consume(&v, strdup("c")), 0);
        assert_int_equal(strv_length(v), 3);
        assert_true(strv_contains(v, "b"));
        assert_false(strv_contains(v, "d"));
        c = strv_copy(v);
        assert_non_null(c);
        assert_int_equal(strv_length(c), 3);
        assert_ptr_not_equal(c[0], v[0]);
        j = strv_join(c, ", ");
        assert_string_equal(j, "a, b, c");
        e = strv_join(NULL, ",");
        assert_string_equal(e, "");
        assert_int_equal(strv_consume(&v, NULL), -ENOMEM);
        assert_int_equal(strv_length(v), 3);
        strv_free(NULL);
}

static void check_split(const char *s, char sep, const char *const *want)
{
        _cleanup_strv_free_ char **v = NULL;
        size_t n = 0;

        assert_int_equal(split_escaped(s, sep, &v), 0);
        assert_non_null(v);
        while (want[n])
                n++;
        if (strv_length(v) != n)
                fail_msg("split_escaped(\"%s\"): %zu items, expected %zu", s, strv_length(v), n);
        for (size_t i = 0; i < n; i++)
                assert_string_equal(v[i], want[i]);
}

static void test_split_escaped(void **state)
{
        (void) state;
        check_split("", ';', (const char *[]){ NULL });
        check_split(NULL, ';', (const char *[]){ NULL });
        check_split("  ;  ; ", ';', (const char *[]){ NULL });
        check_split("a", ';', (const char *[]){ "a", NULL });
        check_split("k: v; k2: v2", ';', (const char *[]){ "k: v", "k2: v2", NULL });
        check_split("A=1; B=2\\; still B", ';', (const char *[]){ "A=1", "B=2; still B", NULL });
        check_split("a\\\\; b", ';', (const char *[]){ "a\\", "b", NULL });
        check_split("a\\x;b", ';', (const char *[]){ "a\\x", "b", NULL });
        check_split("trailing\\", ';', (const char *[]){ "trailing\\", NULL });
        check_split(";;a;;b;;", ';', (const char *[]){ "a", "b", NULL });
        check_split("a b  c", ' ', (const char *[]){ "a", "b", "c", NULL });
        check_split("x,y\\,z", ',', (const char *[]){ "x", "y,z", NULL });
}

static void test_join_escaped(void **state)
{
        char *items[] = { "A=1", "B=2; still B", "back\\slash", NULL };
        _cleanup_free_ char *s = NULL, *empty = NULL;
        _cleanup_strv_free_ char **back = NULL;

        (void) state;
        s = join_escaped(items, ';');
        assert_string_equal(s, "A=1; B=2\\; still B; back\\\\slash");
        assert_int_equal(split_escaped(s, ';', &back), 0);
        assert_int_equal(strv_length(back), 3);
        for (size_t i = 0; i < 3; i++)
                assert_string_equal(back[i], items[i]);
        empty = join_escaped(NULL, ';');
        assert_string_equal(empty, "");
}

static void test_split_pair(void **state)
{
        char *k = NULL, *v = NULL;

        (void) state;
        assert_int_equal(split_pair(" core : 0 unlimited ", ':', &k, &v), 0);
        assert_string_equal(k, "core");
        assert_string_equal(v, "0 unlimited");
        free(k);
        free(v);
        assert_int_equal(split_pair("a: b: c", ':', &k, &v), 0);
        assert_string_equal(k, "a");
        assert_string_equal(v, "b: c");
        free(k);
        free(v);
        assert_int_equal(split_pair("a:", ':', &k, &v), 0);
        assert_string_equal(v, "");
        free(k);
        free(v);
        k = v = NULL;
        assert_int_equal(split_pair("novalue", ':', &k, &v), -EINVAL);
        assert_int_equal(split_pair(" : x", ':', &k, &v), -EINVAL);
        assert_null(k);
        assert_null(v);
}

static void test_strbuf(void **state)
{
        struct strbuf b = STRBUF_INIT;
        _cleanup_free_ char *s = NULL, *e = NULL;

        (void) state;
        e = strbuf_steal(&b);
        assert_string_equal(e, "");
        assert_int_equal(strbuf_append(&b, "abc"), 0);
        assert_int_equal(strbuf_append_n(&b, "defgh", 2), 0);
        assert_int_equal(strbuf_printf(&b, "-%d-%s", 42, "x"), 0);
        assert_int_equal(b.len, strlen("abcde-42-x"));
        for (int i = 0; i < 1000; i++)
                assert_int_equal(strbuf_append(&b, "0123456789"), 0);
        assert_int_equal(b.len, 10 + 10000);
        assert_memory_equal(b.s, "abcde-42-x0123", 14);
        s = strbuf_steal(&b);
        assert_null(b.s);
        assert_int_equal(b.len, 0);
        assert_int_equal(strlen(s), 10010);
        strbuf_free(&b);
        assert_int_equal(strbuf_append(&b, "x"), 0);
        strbuf_free(&b);
        assert_null(b.s);
}

static void test_strdup_printf(void **state)
{
        _cleanup_free_ char *s = strdup_printf("%s/%d", "a", 5);

        (void) state;
        assert_string_equal(s, "a/5");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_strstrip),      cmocka_unit_test(test_strv),
                cmocka_unit_test(test_split_escaped), cmocka_unit_test(test_join_escaped),
                cmocka_unit_test(test_split_pair),    cmocka_unit_test(test_strbuf),
                cmocka_unit_test(test_strdup_printf),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
