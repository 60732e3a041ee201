/* src/shared/pbtext.c: protobuf text format reader. Schema: test_pbtext.proto. */
#include <math.h>

#include "unit.h"

#include "basic/fileio.h"
#include "basic/strutil.h"
#include "shared/pbtext.h"
#include "test_pbtext.pb-c.h"

static Pbt__All *new_all(void)
{
        Pbt__All *m = malloc(sizeof(*m));

        assert_non_null(m);
        pbt__all__init(m);
        return m;
}

/* Parse text into a fresh heap message, which must succeed. */
static Pbt__All *parse_ok(const char *text)
{
        Pbt__All *m = new_all();
        struct perror e;

        perror_clear(&e);
        if (pbtext_merge(&m->base, text, &e) != 0)
                fail_msg("pbtext_merge(\"%s\") failed: %s", text, e.msg);
        return m;
}

static void free_all(Pbt__All *m)
{
        protobuf_c_message_free_unpacked(&m->base, NULL);
}

/* Parsing must fail with InvalidValue and a message containing what. */
static void parse_bad(const char *text, const char *what)
{
        Pbt__All *m = new_all();
        struct perror e;
        int r;

        perror_clear(&e);
        r = pbtext_merge(&m->base, text, &e);
        if (r != -EINVAL)
                fail_msg("pbtext_merge(\"%s\") = %d, expected -EINVAL", text, r);
        assert_int_equal(e.code, EERROR_INVALID_VALUE);
        if (!strstr(e.msg, what))
                fail_msg("pbtext_merge(\"%s\"): message \"%s\" lacks \"%s\"", text, e.msg, what);
        free_all(m);
}

static void test_scalars(void **state)
{
        Pbt__All *m = parse_ok("i32: -5 s32: -6 sf32: -7 i64: -8 s64: -9 sf64: -10 "
                               "u32: 11 f32: 12 u64: 13 f64: 14 fl: 1.5 db: -2.25 b: true "
                               "color: BLUE str: \"hello\" raw: \"a\\000b\" req: 1");

        (void) state;
        assert_true(m->has_i32 && m->i32 == -5);
        assert_true(m->has_s32 && m->s32 == -6);
        assert_true(m->has_sf32 && m->sf32 == -7);
        assert_true(m->has_i64 && m->i64 == -8);
        assert_true(m->has_s64 && m->s64 == -9);
        assert_true(m->has_sf64 && m->sf64 == -10);
        assert_true(m->has_u32 && m->u32 == 11);
        assert_true(m->has_f32 && m->f32 == 12);
        assert_true(m->has_u64 && m->u64 == 13);
        assert_true(m->has_f64 && m->f64 == 14);
        assert_true(m->has_fl && m->fl == 1.5f);
        assert_true(m->has_db && m->db == -2.25);
        assert_true(m->has_b && m->b);
        assert_true(m->has_color && m->color == PBT__COLOR__BLUE);
        assert_string_equal(m->str, "hello");
        assert_true(m->has_raw);
        assert_int_equal(m->raw.len, 3);
        assert_memory_equal(m->raw.data, "a\0b", 3);
        assert_int_equal(m->req, 1);
        /* untouched fields keep their defaults */
        assert_string_equal(m->with_default, "dflt");
        assert_false(m->has_num_default);
        assert_int_equal(m->num_default, 42);
        assert_null(m->env);
        free_all(m);
}

static void test_syntax_forms(void **state)
{
        static const char *const forms[] = {
                "env { name: \"A\" value: \"B\" }",
                "env: { name: \"A\" value: \"B\" }",
                "env < name: \"A\" value: \"B\" >",
                "env: < name: \"A\", value: \"B\"; >",
                "env{name:'A';value:'B'}",
                "# leading comment\nenv { # inside\n name: \"A\" # after\n value: 'B' } # end",
                "env { name: \"A\" value: \"\" 'B' \"\" }",
                "env { name: \"A\" } env { value: \"B\" }",
                "\n\t env\r\n{\fname\v:\"A\"\nvalue : \"B\"\n}\n",
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(forms); i++) {
                Pbt__All *m = parse_ok(forms[i]);

                assert_non_null(m->env);
                assert_string_equal(m->env->name, "A");
                assert_string_equal(m->env->value, "B");
                free_all(m);
        }
}

/* The example from the brief, with the portod.conf-like shape. */
static void test_config_like(void **state)
{
        Pbt__All *m = parse_ok("u32: 100\n"
                               "renv { name: \"A\" value: \"B\" }\n"
                               "renv { name: \"PATH\" value: \"/bin:/usr/bin\" }\n"
                               "str: \"core: 0 unlimited; \"\n"
                               "     \"nofile: 8K 1M\"\n");

        (void) state;
        assert_int_equal(m->u32, 100);
        assert_int_equal(m->n_renv, 2);
        assert_string_equal(m->renv[0]->name, "A");
        assert_string_equal(m->renv[1]->value, "/bin:/usr/bin");
        assert_string_equal(m->str, "core: 0 unlimited; nofile: 8K 1M");
        free_all(m);
}

static void test_strings(void **state)
{
        static const struct {
                const char *text, *value;
        } cases[] = {
                { "str: \"\"", "" },
                { "str: ''", "" },
                { "str: \"it's\"", "it's" },
                { "str: 'say \"hi\"'", "say \"hi\"" },
                { "str: \"\\n\\t\\r\\a\\b\\f\\v\\\\\\'\\\"\\?\"", "\n\t\r\a\b\f\v\\'\"?" },
                { "str: \"\\101\\x42\\x43d\\7\"", "ABCd\a" },
                { "str: \"\\x4\"", "\x04" },
                { "str: \"\\u00e9\\U0001F600\"", "\xc3\xa9\xf0\x9f\x98\x80" },
                { "str: \"\\u20AC\"", "\xe2\x82\xac" },
                { "str: \"a\" \"b\" 'c'", "abc" },
                { "str: \"a\"\n# comment\n\"b\"", "ab" },
                { "str: \"caf\xc3\xa9\"", "caf\xc3\xa9" },
                { "str: \"#not a comment\"", "#not a comment" },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                Pbt__All *m = parse_ok(cases[i].text);

                assert_string_equal(m->str, cases[i].value);
                free_all(m);
        }
}

static void test_integers(void **state)
{
        Pbt__All *m;

        (void) state;
        m = parse_ok("i32: 0x7fffffff u32: 0xFFFFFFFF i64: -9223372036854775808 "
                     "u64: 18446744073709551615 s32: -2147483648 f32: 017 sf64: -0x10 f64: 0");
        assert_int_equal(m->i32, INT32_MAX);
        assert_true(m->u32 == UINT32_MAX);
        assert_true(m->i64 == INT64_MIN);
        assert_true(m->u64 == UINT64_MAX);
        assert_int_equal(m->s32, INT32_MIN);
        assert_int_equal(m->f32, 15);
        assert_int_equal(m->sf64, -16);
        assert_true(m->has_f64);
        free_all(m);
        m = parse_ok("u32: -0 i32: - 3");
        assert_int_equal(m->u32, 0);
        assert_int_equal(m->i32, -3);
        free_all(m);

        parse_bad("i32: 2147483648", "out of range for field \"i32\"");
        parse_bad("i32: -2147483649", "out of range");
        parse_bad("u32: 4294967296", "out of range");
        parse_bad("u32: -1", "out of range for field \"u32\"");
        parse_bad("u64: -1", "out of range");
        parse_bad("u64: 18446744073709551616", "out of range");
        parse_bad("i64: 9223372036854775808", "out of range");
        parse_bad("sf32: 99999999999999999999999999", "out of range");
        parse_bad("i32: 1.5", "expected an integer for field \"i32\", got \"1.5\"");
        parse_bad("i32: 1e3", "expected an integer");
        parse_bad("i32: 08", "expected an integer");
        parse_bad("i32: 0x", "expected an integer");
        parse_bad("i32: 12abc", "expected an integer");
        parse_bad("i32: abc", "expected an integer for field \"i32\", got \"abc\"");
        parse_bad("i32: \"1\"", "expected an integer");
        parse_bad("i32: --1", "expected an integer");
        parse_bad("i32:", "expected an integer for field \"i32\", got end of input");
}

static void test_floats(void **state)
{
        static const struct {
                const char *text;
                double value;
        } cases[] = {
                { "db: 1.5", 1.5 },  { "db: -1.5", -1.5 }, { "db: 1e3", 1000 },  { "db: 1E-2", 0.01 },
                { "db: .5", 0.5 },   { "db: 2f", 2 },      { "db: 2.5F", 2.5 },  { "db: 7", 7 },
                { "db: 0x10", 16 },  { "db: 1.e2", 100 },  { "db: 1e+2", 100 }, { "db: -0", -0.0 },
        };
        Pbt__All *m;

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                m = parse_ok(cases[i].text);
                if (m->db != cases[i].value)
                        fail_msg("%s -> %g", cases[i].text, m->db);
                free_all(m);
        }
        m = parse_ok("db: -inf fl: infinity");
        assert_true(isinf(m->db) && m->db < 0);
        assert_true(isinf(m->fl) && m->fl > 0);
        free_all(m);
        m = parse_ok("db: nan fl: 0.1");
        assert_true(isnan(m->db));
        assert_true(m->fl == 0.1f);
        free_all(m);
        parse_bad("db: 1.2.3", "expected a number for field \"db\"");
        parse_bad("db: 1e", "expected a number");
        parse_bad("db: x", "expected a number");
        parse_bad("db: \"1\"", "expected a number");
        parse_bad("db: 0x1.8p1", "expected a number");
}

static void test_bools(void **state)
{
        static const struct {
                const char *text;
                bool value;
        } cases[] = {
                { "b: true", true },   { "b: True", true },   { "b: t", true },  { "b: 1", true },
                { "b: false", false }, { "b: False", false }, { "b: f", false }, { "b: 0", false },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                Pbt__All *m = parse_ok(cases[i].text);

                assert_true(m->has_b);
                assert_int_equal(!!m->b, cases[i].value);
                free_all(m);
        }
        parse_bad("b: yes", "expected true or false for field \"b\", got \"yes\"");
        parse_bad("b: 2", "expected true or false");
        parse_bad("b: TRUE", "expected true or false");
        parse_bad("b: \"true\"", "expected true or false");
}

static void test_enums(void **state)
{
        Pbt__All *m;

        (void) state;
        m = parse_ok("color: GREEN rcolor: RED rcolor: 2 rcolor: -5 rcolor: MINUS");
        assert_int_equal(m->color, PBT__COLOR__GREEN);
        assert_int_equal(m->n_rcolor, 4);
        assert_int_equal(m->rcolor[0], PBT__COLOR__RED);
        assert_int_equal(m->rcolor[1], PBT__COLOR__BLUE);
        assert_int_equal(m->rcolor[2], PBT__COLOR__MINUS);
        assert_int_equal(m->rcolor[3], PBT__COLOR__MINUS);
        free_all(m);
        parse_bad("color: PURPLE", "unknown value \"PURPLE\" for field \"color\" (enum pbt.Color)");
        parse_bad("color: green", "unknown value");
        parse_bad("color: 3", "unknown value \"3\"");
        parse_bad("color: -1", "unknown value -\"1\"");
        parse_bad("color: 99999999999", "unknown value");
        parse_bad("color: \"RED\"", "expected a value of pbt.Color");
}

static void test_repeated_and_lists(void **state)
{
        Pbt__All *m;

        (void) state;
        m = parse_ok("ri: 1 ri: 2 ri: [3, 4, 0x5] ri: [] rs: [\"a\", 'b' \"c\"] rs: \"d\" "
                     "renv: [{ name: \"x\" }, < name: \"y\" >] renv { name: \"z\" } "
                     "rraw: [\"\\001\", \"\"] rdb: [1, 2.5, -inf]");
        assert_int_equal(m->n_ri, 5);
        for (int i = 0; i < 5; i++)
                assert_int_equal(m->ri[i], i + 1);
        assert_int_equal(m->n_rs, 3);
        assert_string_equal(m->rs[0], "a");
        assert_string_equal(m->rs[1], "bc");
        assert_string_equal(m->rs[2], "d");
        assert_int_equal(m->n_renv, 3);
        assert_string_equal(m->renv[0]->name, "x");
        assert_string_equal(m->renv[1]->name, "y");
        assert_string_equal(m->renv[2]->name, "z");
        assert_null(m->renv[2]->value);
        assert_int_equal(m->n_rraw, 2);
        assert_int_equal(m->rraw[0].len, 1);
        assert_int_equal(m->rraw[0].data[0], 1);
        assert_int_equal(m->rraw[1].len, 0);
        assert_int_equal(m->n_rdb, 3);
        assert_true(m->rdb[1] == 2.5);
        free_all(m);

        parse_bad("i32: [1]", "field \"i32\" is not repeated");
        parse_bad("ri: [1 2]", "expected ',' or ']', got \"2\"");
        parse_bad("ri: [1,]", "expected an integer");
        parse_bad("ri: [1", "expected ',' or ']', got end of input");
        parse_bad("renv: [name: \"x\"]", "expected '{' or '<' to open message field \"renv\"");
}

/* Merging: scalars overwrite, repeated append, sub-messages merge. */
static void test_merge(void **state)
{
        Pbt__All *m = new_all();
        struct perror e;

        (void) state;
        assert_int_equal(pbtext_merge(&m->base, "i32: 1 str: \"one\" ri: 1 env { name: \"n\" } "
                                                "with_default: \"mine\" raw: \"x\"",
                                      &e),
                         0);
        assert_int_equal(pbtext_merge(&m->base, "i32: 2 str: \"two\" ri: 2 env { value: \"v\" } "
                                                "str: \"three\" raw: \"yy\"",
                                      &e),
                         0);
        assert_int_equal(m->i32, 2);
        assert_string_equal(m->str, "three");
        assert_int_equal(m->n_ri, 2);
        assert_string_equal(m->env->name, "n");
        assert_string_equal(m->env->value, "v");
        assert_string_equal(m->with_default, "mine");
        assert_int_equal(m->raw.len, 2);
        /* empty text changes nothing */
        assert_int_equal(pbtext_merge(&m->base, "", &e), 0);
        assert_int_equal(pbtext_merge(&m->base, "  # only a comment", &e), 0);
        assert_int_equal(m->i32, 2);
        free_all(m);
}

/* Oneof: setting a member replaces (and frees) the other one. */
static void test_oneof(void **state)
{
        Pbt__All *m = new_all();
        struct perror e;

        (void) state;
        assert_int_equal(pbtext_merge(&m->base, "one_str: \"s\"", &e), 0);
        assert_int_equal(m->choice_case, PBT__ALL__CHOICE_ONE_STR);
        assert_string_equal(m->one_str, "s");
        assert_int_equal(pbtext_merge(&m->base, "one_num: 7", &e), 0);
        assert_int_equal(m->choice_case, PBT__ALL__CHOICE_ONE_NUM);
        assert_int_equal(m->one_num, 7);
        assert_int_equal(pbtext_merge(&m->base, "one_env { name: \"a\" } one_env { value: \"b\" }", &e), 0);
        assert_int_equal(m->choice_case, PBT__ALL__CHOICE_ONE_ENV);
        assert_string_equal(m->one_env->name, "a");
        assert_string_equal(m->one_env->value, "b");
        assert_int_equal(pbtext_merge(&m->base, "one_str: \"t\" one_str: \"u\"", &e), 0);
        assert_int_equal(m->choice_case, PBT__ALL__CHOICE_ONE_STR);
        assert_string_equal(m->one_str, "u");
        assert_int_equal(pbtext_merge(&m->base, "one_env { }", &e), 0);
        assert_int_equal(m->choice_case, PBT__ALL__CHOICE_ONE_ENV);
        assert_non_null(m->one_env);
        assert_null(m->one_env->name);
        free_all(m);
}

/* The parsed message is a proper protobuf-c message: it packs and unpacks. */
static void test_pack_roundtrip(void **state)
{
        Pbt__All *m = parse_ok("i32: -1 u64: 5 str: \"x\" env { name: \"n\" } ri: [1, 2] rs: \"q\" "
                               "renv { value: \"w\" } one_num: 3 node { v: 1 child { v: 2 } } req: 9 "
                               "raw: \"\\377\" color: BLUE db: 0.5");
        size_t len = protobuf_c_message_get_packed_size(&m->base);
        uint8_t *buf = malloc(len ? len : 1);
        Pbt__All *u;

        (void) state;
        assert_non_null(buf);
        assert_int_equal(protobuf_c_message_pack(&m->base, buf), len);
        u = pbt__all__unpack(NULL, len, buf);
        assert_non_null(u);
        assert_int_equal(u->i32, -1);
        assert_int_equal(u->u64, 5);
        assert_string_equal(u->str, "x");
        assert_string_equal(u->env->name, "n");
        assert_int_equal(u->n_ri, 2);
        assert_string_equal(u->renv[0]->value, "w");
        assert_int_equal(u->choice_case, PBT__ALL__CHOICE_ONE_NUM);
        assert_int_equal(u->node->child->v, 2);
        assert_int_equal(u->req, 9);
        assert_int_equal(u->raw.data[0], 0xff);
        assert_true(u->db == 0.5);
        pbt__all__free_unpacked(u, NULL);
        free(buf);
        free_all(m);
}

/* On error the message is not touched at all. */
static void test_error_leaves_message(void **state)
{
        Pbt__All *m = parse_ok("i32: 1 str: \"keep\" ri: 1");
        struct perror e;

        (void) state;
        assert_int_equal(pbtext_merge(&m->base, "i32: 2 str: \"new\" ri: 2 env { name: \"x\" } bogus: 1", &e),
                         -EINVAL);
        assert_int_equal(m->i32, 1);
        assert_string_equal(m->str, "keep");
        assert_int_equal(m->n_ri, 1);
        assert_null(m->env);
        free_all(m);
}

static void test_errors(void **state)
{
        (void) state;
        parse_bad("bogus: 1", "1:1: unknown field \"bogus\" in pbt.All");
        parse_bad("i32: 1\n  bogus: 1", "2:3: unknown field \"bogus\"");
        parse_bad("env { nme: \"x\" }", "1:7: unknown field \"nme\" in pbt.Env");
        parse_bad("i32 1", "1:5: expected ':' after field \"i32\", got \"1\"");
        parse_bad("str \"x\"", "expected ':' after field \"str\"");
        parse_bad("env: 1", "expected '{' or '<' to open message field \"env\", got \"1\"");
        parse_bad("env", "expected '{' or '<' to open message field \"env\", got end of input");
        parse_bad("env {", "1:6: expected a field name or '}', got end of input");
        parse_bad("env { name: \"x\"", "expected a field name or '}'");
        parse_bad("env < name: \"x\" }", "expected a field name or '>', got \"}\"");
        parse_bad("env { name: \"x\" >", "expected a field name or '}', got \">\"");
        parse_bad("}", "1:1: expected a field name, got \"}\"");
        parse_bad("1: 2", "expected a field name, got \"1\"");
        parse_bad("str: \"abc", "1:6: unterminated string");
        parse_bad("str: 'abc\"", "unterminated string");
        parse_bad("str: \"ab\nc\"", "unterminated string");
        parse_bad("str: \"abc\\", "unterminated string");
        parse_bad("str: \"\\q\"", "1:7: invalid escape sequence \\q");
        parse_bad("str: \"\\x\"", "\\x must be followed by hex digits");
        parse_bad("str: \"\\u12\"", "\\u needs 4 hex digits");
        parse_bad("str: \"\\UFFFFFFFF\"", "is not a Unicode code point");
        parse_bad("str: \"\\uD800\"", "is not a Unicode code point");
        parse_bad("str: \"\\400\"", "octal escape \\400 is above \\377");
        parse_bad("str: \"a\\000b\"", "string for field \"str\" contains a NUL byte");
        parse_bad("str: x", "expected a string, got \"x\"");
        parse_bad("str: 1", "expected a string");
        parse_bad("i32: 1 @", "1:8: unexpected character '@'");
        parse_bad("i32: 1 \x01", "unexpected byte 0x01");
        parse_bad("i32: 1 \xff", "unexpected byte 0xff");
        parse_bad("[ext.field]: 1", "expected a field name, got \"[\"");
        parse_bad("str: \"\x01\x02\x7f\" x", "unknown field \"x\"");
        parse_bad("a_very_long_field_name_that_goes_on_and_on_and_on_and_on_and_on: 1",
                  "unknown field \"a_very_long_field_name_that_goes_on_and_");
}

static void test_error_messages_printable(void **state)
{
        Pbt__All *m = new_all();
        struct perror e;

        (void) state;
        assert_int_equal(pbtext_merge(&m->base, "i32: \"\xff\x01\"", &e), -EINVAL);
        assert_non_null(strstr(e.msg, "\\xff\\x01"));
        for (const char *c = e.msg; *c; c++)
                assert_true(*c >= 0x20 && *c < 0x7f);
        free_all(m);
}

static void test_depth(void **state)
{
        struct strbuf b = STRBUF_INIT;
        Pbt__All *m;
        char *text;

        (void) state;
        /* 60 levels is fine */
        assert_int_equal(strbuf_append(&b, "node "), 0);
        for (int i = 0; i < 60; i++)
                assert_int_equal(strbuf_append(&b, "{ child "), 0);
        assert_int_equal(strbuf_append(&b, "{ v: 1 }"), 0);
        for (int i = 0; i < 60; i++)
                assert_int_equal(strbuf_append(&b, " }"), 0);
        text = strbuf_steal(&b);
        m = parse_ok(text);
        free(text);
        {
                Pbt__Node *n = m->node;
                for (int i = 0; i < 60; i++)
                        n = n->child;
                assert_int_equal(n->v, 1);
        }
        free_all(m);
        /* 100000 levels is refused, not a stack overflow */
        assert_int_equal(strbuf_append(&b, "node "), 0);
        for (int i = 0; i < 100000; i++)
                assert_int_equal(strbuf_append(&b, "{ child "), 0);
        text = strbuf_steal(&b);
        parse_bad(text, "messages nested deeper than 64");
        free(text);
}

static void test_clear_stack_message(void **state)
{
        Pbt__All m = PBT__ALL__INIT;
        struct perror e;

        (void) state;
        assert_int_equal(pbtext_merge(&m.base, "str: \"x\" rs: [\"a\", \"b\"] renv {} env { name: \"n\" } "
                                               "rraw: \"r\" raw: \"q\" one_env { } with_default: \"w\"",
                                      &e),
                         0);
        pbtext_clear(&m.base);
        assert_null(m.str);
        assert_int_equal(m.n_rs, 0);
        assert_null(m.rs);
        assert_null(m.env);
        assert_string_equal(m.with_default, "dflt");
        assert_int_equal(m.choice_case, PBT__ALL__CHOICE__NOT_SET);
        /* clearing the default state is harmless */
        pbtext_clear(&m.base);
        pbtext_clear(NULL);
}

static void test_bad_arguments(void **state)
{
        Pbt__All m = PBT__ALL__INIT;
        struct perror e;

        (void) state;
        assert_int_equal(pbtext_merge(&m.base, NULL, &e), -EINVAL);
        assert_int_equal(pbtext_merge(NULL, "", &e), -EINVAL);
        assert_int_equal(pbtext_merge(&m.base, "bogus: 1", NULL), -EINVAL);
}

static void test_merge_file(void **state)
{
        _cleanup_free_ char *dir = unit_mkdtemp();
        _cleanup_free_ char *p = strdup_printf("%s/portod.conf", dir);
        _cleanup_free_ char *nul = strdup_printf("%s/nul.conf", dir);
        Pbt__All *m = new_all();
        struct perror e;

        (void) state;
        assert_int_equal(write_file_atomic(p, "u32: 100\nenv { name: \"A\" }\n", 27, 0644), 0);
        assert_int_equal(pbtext_merge_file(&m->base, p, &e), 0);
        assert_int_equal(m->u32, 100);
        assert_string_equal(m->env->name, "A");

        assert_int_equal(write_file_atomic(p, "u32: 1\nenv { name: 5 }\n", 23, 0644), 0);
        assert_int_equal(pbtext_merge_file(&m->base, p, &e), -EINVAL);
        {
                _cleanup_free_ char *want = strdup_printf("%s:2:13: expected a string, got \"5\"", p);
                assert_string_equal(e.msg, want);
        }
        assert_int_equal(m->u32, 100);

        assert_int_equal(write_file_atomic(nul, "u32: 1\0garbage", 14, 0644), 0);
        assert_int_equal(pbtext_merge_file(&m->base, nul, &e), -EINVAL);
        assert_non_null(strstr(e.msg, "contains a NUL byte"));

        unlink(p);
        assert_int_equal(pbtext_merge_file(&m->base, p, &e), -ENOENT);
        assert_non_null(strstr(e.msg, "No such file or directory"));
        free_all(m);
        unit_rm_rf(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_scalars),
                cmocka_unit_test(test_syntax_forms),
                cmocka_unit_test(test_config_like),
                cmocka_unit_test(test_strings),
                cmocka_unit_test(test_integers),
                cmocka_unit_test(test_floats),
                cmocka_unit_test(test_bools),
                cmocka_unit_test(test_enums),
                cmocka_unit_test(test_repeated_and_lists),
                cmocka_unit_test(test_merge),
                cmocka_unit_test(test_oneof),
                cmocka_unit_test(test_pack_roundtrip),
                cmocka_unit_test(test_error_leaves_message),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_error_messages_printable),
                cmocka_unit_test(test_depth),
                cmocka_unit_test(test_clear_stack_message),
                cmocka_unit_test(test_bad_arguments),
                cmocka_unit_test(test_merge_file),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
