/* libFuzzer target: the text parsers of src/basic (parse_size and friends,
 * split_escaped/join_escaped, pattern_match, container name and label
 * checks). The first input byte selects the parser, the rest is the text.
 * Build and run: see tests/fuzz/Makefile. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basic/name.h"
#include "basic/parse.h"
#include "basic/pattern.h"
#include "basic/strutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Client-visible messages must stay printable ASCII (protobuf strings). */
static void check_perror(int r, const struct perror *e, int code)
{
        if (r == 0)
                return;
        assert(r == -EINVAL);
        assert(e->code == code);
        for (const char *c = e->msg; *c; c++)
                assert(*c >= 0x20 && *c < 0x7f);
}

static void fuzz_numbers(const char *s)
{
        uint64_t u, u2;
        int64_t i;
        uint32_t u32;
        unsigned mode;
        bool b;
        int sig, r;
        char buf[32];

        r = parse_size(s, &u);
        assert(r == 0 || r == -EINVAL || r == -ERANGE);
        if (r == 0) {
                /* The human form parses back to a value of the same magnitude. */
                format_size(buf, sizeof(buf), u);
                assert(parse_size(buf, &u2) == 0 || u > UINT64_MAX / 2);
        }
        r = parse_u64(s, &u);
        assert(r == 0 || r == -EINVAL || r == -ERANGE);
        r = parse_i64(s, &i);
        assert(r == 0 || r == -EINVAL || r == -ERANGE);
        r = parse_u32(s, &u32);
        assert(r == 0 || r == -EINVAL || r == -ERANGE);
        r = parse_bool(s, &b);
        assert(r == 0 || r == -EINVAL);
        r = parse_mode(s, &mode);
        assert(r < 0 || mode <= 07777);
        r = parse_signal(s, &sig);
        assert(r < 0 || (sig >= 1 && sig <= 64));
}

static bool strv_equal(char **a, char **b)
{
        size_t n = strv_length(a);

        if (n != strv_length(b))
                return false;
        for (size_t i = 0; i < n; i++)
                if (strcmp(a[i], b[i]) != 0)
                        return false;
        return true;
}

static void fuzz_split(const char *s, char sep)
{
        char **v = NULL, **w = NULL, *j;

        if (split_escaped(s, sep, &v) < 0)
                return;
        for (size_t i = 0; v[i]; i++)
                assert(v[i][0]); /* empty items are dropped */
        j = join_escaped(v, sep);
        if (j && split_escaped(j, sep, &w) == 0) {
                /* Trimming may differ for items with escaped edge blanks;
                 * otherwise the round trip is exact. */
                bool blank_edges = false;

                for (size_t i = 0; v[i]; i++) {
                        size_t n = strlen(v[i]);
                        if (strchr(" \t\n\r", v[i][0]) || strchr(" \t\n\r", v[i][n - 1]))
                                blank_edges = true;
                }
                assert(blank_edges || strv_equal(v, w));
        }
        strv_free(w);
        free(j);
        strv_free(v);
}

static void fuzz_pattern(const char *s)
{
        const char *nl = strchr(s, '\n');
        char *pattern;

        if (!nl)
                return;
        pattern = strndup(s, (size_t) (nl - s));
        if (!pattern)
                return;
        (void) pattern_match(pattern, nl + 1);
        (void) pattern_is_glob(pattern);
        /* "***" matches everything */
        assert(pattern_match("***", nl + 1));
        free(pattern);
}

static void fuzz_names(const char *s)
{
        struct perror e;

        perror_clear(&e);
        check_perror(ct_name_check(s, CT_NAME_MAX, &e), &e, EERROR_INVALID_VALUE);
        if (ct_name_check(s, CT_NAME_MAX_SUPERUSER, NULL) == 0)
                assert(ct_name_level(s) >= 1 && ct_name_level(s) <= CT_LEVEL_MAX);
        check_perror(label_name_check(s, &e), &e, EERROR_INVALID_LABEL);
        check_perror(label_value_check(s, &e), &e, EERROR_INVALID_LABEL);
        (void) label_name_like(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s;

        if (size < 1)
                return 0;
        s = strndup((const char *) data + 1, size - 1);
        if (!s)
                return 0;
        switch (data[0] % 5) {
        case 0:
                fuzz_numbers(s);
                break;
        case 1:
                fuzz_split(s, ';');
                break;
        case 2:
                fuzz_split(s, data[0] & 0x80 ? ' ' : ',');
                break;
        case 3:
                fuzz_pattern(s);
                break;
        default:
                fuzz_names(s);
                break;
        }
        free(s);
        return 0;
}
