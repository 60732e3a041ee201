/* src/basic/pattern.c: name patterns (spec 10.2). */
#include "unit.h"

#include "basic/pattern.h"

static void test_match(void **state)
{
        static const struct {
                const char *pattern, *name;
                bool match;
        } cases[] = {
                { "***", "a", true },
                { "***", "a/b/c", true },
                { "***", "", true },
                { "a/***", "a/b", true },
                { "a/***", "a/b/c", true },
                { "a/***", "a", false },
                { "a/***", "ab", false },
                { "a***", "a", true },
                { "a***", "abc/d", true },
                { "a***", "b", false },
                { "*", "a", true },
                { "*", "a/b", false },
                { "*/*", "a/b", true },
                { "*/*", "a", false },
                { "*/*", "a/b/c", false },
                { "a?c", "abc", true },
                { "a?c", "a/c", false },
                { "a[0-9]", "a5", true },
                { "a[0-9]", "ax", false },
                { "a", "a", true },
                { "a", "ab", false },
                { "a/*", "a/b", true },
                { "a/*", "a/b/c", false },
                { "**", "a/b", false },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                if (pattern_match(cases[i].pattern, cases[i].name) != cases[i].match)
                        fail_msg("pattern_match(\"%s\", \"%s\") != %d", cases[i].pattern,
                                 cases[i].name, cases[i].match);
}

static void test_is_glob(void **state)
{
        (void) state;
        assert_true(pattern_is_glob("*"));
        assert_true(pattern_is_glob("a?"));
        assert_true(pattern_is_glob("a/***"));
        assert_false(pattern_is_glob("a/b"));
        assert_false(pattern_is_glob("a[1]"));
        assert_false(pattern_is_glob(""));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_match),
                cmocka_unit_test(test_is_glob),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
