/* Pure parsers and printers of property values (propval.h). */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "propval.h"
#include "basic/name.h"
#include "basic/parse.h"
#include "basic/timeutil.h"

/* ---- scalars ------------------------------------------------------------ */

int pv_invalid(struct perror *e, const char *name, const char *value, const char *reason)
{
        return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "%s: \"%s\" %s", name, value, reason);
}

int pv_format_bool(struct strbuf *out, bool v)
{
        return strbuf_append(out, v ? "true" : "false");
}

int pv_format_u64(struct strbuf *out, uint64_t v)
{
        return strbuf_printf(out, "%" PRIu64, v);
}

int pv_format_i64(struct strbuf *out, int64_t v)
{
        return strbuf_printf(out, "%" PRIi64, v);
}

int pv_format_umask(struct strbuf *out, unsigned mask)
{
        return strbuf_printf(out, "%04o", mask);
}

int pv_parse_bool(const char *name, const char *value, bool *ret, struct perror *e)
{
        if (parse_bool(value, ret) < 0)
                return pv_invalid(e, name, value, "is not a boolean (true or false)");
        return 0;
}

int pv_parse_uint(const char *name, const char *value, uint64_t *ret, struct perror *e)
{
        if (parse_u64(value, ret) < 0)
                return pv_invalid(e, name, value, "is not a non-negative integer");
        return 0;
}

int pv_parse_int_min(const char *name, const char *value, int64_t min, int64_t *ret, struct perror *e)
{
        char reason[96];
        int64_t v;

        if (parse_i64(value, &v) < 0 || v < min) {
                if (min == -1)
                        snprintf(reason, sizeof(reason), "is not an integer >= -1 (-1 = unlimited)");
                else
                        snprintf(reason, sizeof(reason), "is not an integer >= %" PRIi64, min);
                return pv_invalid(e, name, value, reason);
        }
        *ret = v;
        return 0;
}

int pv_parse_size(const char *name, const char *value, uint64_t max, uint64_t *ret, struct perror *e)
{
        char reason[96];
        uint64_t v;

        if (parse_size(value, &v) < 0)
                return pv_invalid(e, name, value, "is not a size (use 8M, 1.5G, ...)");
        if (v > max) {
                snprintf(reason, sizeof(reason), "is above the maximum %" PRIu64, max);
                return pv_invalid(e, name, value, reason);
        }
        *ret = v;
        return 0;
}

int pv_parse_umask(const char *name, const char *value, unsigned *ret, struct perror *e)
{
        unsigned m;

        if (parse_mode(value, &m) < 0 || m > 0777)
                return pv_invalid(e, name, value, "is not an octal mode");
        *ret = m;
        return 0;
}

int pv_parse_duration_ns(const char *s, uint64_t default_unit_ns, uint64_t *ret)
{
        static const struct {
                const char *suffix;
                uint64_t ns;
        } units[] = {
                { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000ULL },
                { "m", 60000000000ULL }, { "h", 3600000000000ULL }, { "d", 86400000000000ULL },
        };
        char num[32];
        const char *p = s;
        uint64_t v, unit = default_unit_ns;

        while (*p >= '0' && *p <= '9')
                p++;
        if (p == s || (size_t)(p - s) >= sizeof(num))
                return p == s ? -EINVAL : -ERANGE;
        memcpy(num, s, p - s);
        num[p - s] = 0;
        if (parse_u64(num, &v) < 0)
                return -ERANGE;         /* only digits: too many of them */
        while (*p == ' ')
                p++;
        if (*p) {
                size_t i;
                for (i = 0; i < ELEMENTSOF(units); i++)
                        if (streq(p, units[i].suffix))
                                break;
                if (i == ELEMENTSOF(units))
                        return -EINVAL;
                unit = units[i].ns;
        }
        if (unit && v > UINT64_MAX / unit)
                return -ERANGE;
        *ret = v * unit;
        return 0;
}

/* ---- ulimit ------------------------------------------------------------- */

static const struct {
        const char *name;
        int resource;
} rlimit_names[PV_RLIMIT_COUNT] = {
        { "as", RLIMIT_AS },
        { "core", RLIMIT_CORE },
        { "cpu", RLIMIT_CPU },
        { "data", RLIMIT_DATA },
        { "fsize", RLIMIT_FSIZE },
        { "locks", RLIMIT_LOCKS },
        { "memlock", RLIMIT_MEMLOCK },
        { "msgqueue", RLIMIT_MSGQUEUE },
        { "nice", RLIMIT_NICE },
        { "nofile", RLIMIT_NOFILE },
        { "nproc", RLIMIT_NPROC },
        { "rss", RLIMIT_RSS },
        { "rtprio", RLIMIT_RTPRIO },
        { "rttime", RLIMIT_RTTIME },
        { "sigpending", RLIMIT_SIGPENDING },
        { "stack", RLIMIT_STACK },
};

int pv_rlimit_at(size_t i)
{
        return i < ELEMENTSOF(rlimit_names) ? rlimit_names[i].resource : -1;
}

const char *pv_rlimit_name(int resource)
{
        for (size_t i = 0; i < ELEMENTSOF(rlimit_names); i++)
                if (rlimit_names[i].resource == resource)
                        return rlimit_names[i].name;
        return NULL;
}

int pv_rlimit_from_name(const char *name, int *ret)
{
        for (size_t i = 0; i < ELEMENTSOF(rlimit_names); i++)
                if (streq(rlimit_names[i].name, name)) {
                        *ret = rlimit_names[i].resource;
                        return 0;
                }
        return -EINVAL;
}

int pv_parse_rlim(const char *s, uint64_t *ret)
{
        static const char *const unlimited[] = { "unlimited", "unlim", "inf", "infinity", "-1" };

        for (size_t i = 0; i < ELEMENTSOF(unlimited); i++)
                if (streq(s, unlimited[i])) {
                        *ret = RLIM_INFINITY;
                        return 0;
                }
        return parse_size(s, ret);
}

int pv_format_rlim(struct strbuf *out, uint64_t v)
{
        if (v == RLIM_INFINITY)
                return strbuf_append(out, "unlimited");
        return pv_format_u64(out, v);
}

/* One "type: [soft] hard" item. */
static int parse_ulimit_item(const char *item, struct ct_ulimit *ret, struct perror *e)
{
        _cleanup_free_ char *k = NULL, *v = NULL;
        _cleanup_strv_free_ char **vals = NULL;
        struct ct_ulimit u;
        size_t n;
        int r;

        r = split_pair(item, ':', &k, &v);
        if (r == -ENOMEM)
                return r;
        if (r < 0 || pv_rlimit_from_name(k, &u.resource) < 0)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "ulimit: \"%s\" is not \"<type>: [soft] hard\" with a known type", item);
        r = split_escaped(v, ' ', &vals);
        if (r < 0)
                return r;
        n = strv_length(vals);
        if (n < 1 || n > 2 || pv_parse_rlim(vals[0], &u.soft) < 0 || pv_parse_rlim(vals[n - 1], &u.hard) < 0)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "ulimit: \"%s\": limits must be numbers (8K, 1M) or unlimited", item);
        if (u.soft > u.hard)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "ulimit: %s: soft limit is above the hard limit", k);
        *ret = u;
        return 0;
}

int pv_parse_ulimits(const char *value, struct ct_ulimit **ret, size_t *ret_n, struct perror *e)
{
        _cleanup_strv_free_ char **items = NULL;
        _cleanup_free_ struct ct_ulimit *list = NULL;
        size_t n = 0;
        int r;

        r = split_escaped(value, ';', &items);
        if (r < 0)
                return r;
        list = calloc(strv_length(items) + 1, sizeof(*list));
        if (!list)
                return -ENOMEM;
        for (char **it = items; *it; it++) {
                struct ct_ulimit u;
                size_t j;

                r = parse_ulimit_item(*it, &u, e);
                if (r < 0)
                        return r;
                for (j = 0; j < n; j++)
                        if (list[j].resource == u.resource)
                                break;
                list[j] = u;
                if (j == n)
                        n++;
        }
        *ret = TAKE_PTR(list);
        *ret_n = n;
        return 0;
}

int pv_format_ulimit_value(struct strbuf *out, const struct ct_ulimit *u)
{
        int r = pv_format_rlim(out, u->soft);

        if (r >= 0)
                r = strbuf_append(out, " ");
        if (r >= 0)
                r = pv_format_rlim(out, u->hard);
        return r;
}

int pv_format_ulimits(struct strbuf *out, const struct ct_ulimit *u, size_t n)
{
        int r = 0;

        for (size_t i = 0; r >= 0 && i < n; i++) {
                const char *name = pv_rlimit_name(u[i].resource);

                r = strbuf_printf(out, "%s%s: ", i ? "; " : "", name ? name : "?");
                if (r >= 0)
                        r = pv_format_ulimit_value(out, &u[i]);
        }
        return r;
}

/* ---- env ---------------------------------------------------------------- */

int pv_parse_env(const char *name, const char *value, char ***ret, struct perror *e)
{
        _cleanup_strv_free_ char **items = NULL;
        int r = split_escaped(value, ';', &items);

        if (r < 0)
                return r;
        for (char **it = items; *it; it++) {
                const char *eq = strchr(*it, '=');
                if (!eq || eq == *it)
                        return pv_invalid(e, name, *it, "is not NAME=value");
        }
        *ret = TAKE_PTR(items);
        return 0;
}

int pv_format_env(struct strbuf *out, char *const *env)
{
        _cleanup_free_ char *s = join_escaped(env, ';');

        return s ? strbuf_append(out, s) : -ENOMEM;
}

int pv_format_env_secret(struct strbuf *out, char *const *env)
{
        int r = 0;

        for (char *const *p = env; r >= 0 && p && *p; p++) {
                const char *eq = strchr(*p, '=');
                int len = eq ? (int)(eq - *p) : (int)strlen(*p);

                r = strbuf_printf(out, "%s%.*s=<secret>", p == env ? "" : "; ", len, *p);
        }
        return r;
}

bool pv_env_name_valid(const char *name)
{
        return name && *name && !strchr(name, '=') && !strchr(name, ';');
}

char **pv_env_find(char *const *env, const char *name)
{
        size_t n = strlen(name);

        for (char *const *p = env; p && *p; p++)
                if (strncmp(*p, name, n) == 0 && (*p)[n] == '=')
                        return (char **)p;
        return NULL;
}

int pv_env_set(char ***env, const char *name, const char *value)
{
        char *kv = strdup_printf("%s=%s", name, value);
        char **p;

        if (!kv)
                return -ENOMEM;
        p = pv_env_find(*env, name);
        if (p) {
                free(*p);
                *p = kv;
                return 0;
        }
        return strv_consume(env, kv);
}

/* ---- command_argv ------------------------------------------------------- */

int pv_parse_argv(const char *value, char ***ret)
{
        _cleanup_strv_free_ char **argv = NULL;

        if (!*value) {
                *ret = NULL;
                return 0;
        }
        for (const char *p = value;;) {
                const char *tab = strchrnul(p, '\t');
                int r = strv_consume(&argv, strndup(p, tab - p));

                if (r < 0)
                        return r;
                if (!*tab)
                        break;
                p = tab + 1;
        }
        *ret = TAKE_PTR(argv);
        return 0;
}

int pv_format_argv(struct strbuf *out, char *const *argv)
{
        int r = 0;

        for (char *const *a = argv; r >= 0 && a && *a; a++)
                r = strbuf_printf(out, "%s%s", a == argv ? "" : "\t", *a);
        return r;
}

int pv_parse_argv_index(const char *index, size_t *ret)
{
        uint64_t i;
        int r = parse_u64(index, &i);

        if (r < 0)
                return r;
        if (i > PV_ARGV_INDEX_MAX)
                return -ERANGE;
        *ret = (size_t)i;
        return 0;
}

int pv_argv_set(char ***argv, size_t i, const char *value)
{
        char *v;
        int r;

        if (i > PV_ARGV_INDEX_MAX)
                return -ERANGE;
        while (strv_length(*argv) <= i)
                if ((r = strv_push(argv, "")) < 0)
                        return r;
        v = strdup(value);
        if (!v)
                return -ENOMEM;
        free((*argv)[i]);
        (*argv)[i] = v;
        return 0;
}

char *pv_quote_argv(char *const *argv)
{
        struct strbuf b = STRBUF_INIT;
        int r = 0;

        for (char *const *a = argv; r >= 0 && a && *a; a++) {
                if (a != argv)
                        r = strbuf_append(&b, " ");
                if (r >= 0)
                        r = strbuf_append(&b, "'");
                for (const char *p = *a; r >= 0 && *p; p++)
                        r = *p == '\'' ? strbuf_append(&b, "'\\''") : strbuf_append_n(&b, p, 1);
                if (r >= 0)
                        r = strbuf_append(&b, "'");
        }
        if (r < 0) {
                strbuf_free(&b);
                return NULL;
        }
        return strbuf_steal(&b);
}

/* ---- stdout/stderr range ------------------------------------------------ */

int pv_parse_range(const char *index, struct pv_range *ret)
{
        struct pv_range r = { 0 };
        const char *colon;
        char buf[32];

        if (!index) {
                *ret = r;
                return 0;
        }
        colon = strchr(index, ':');
        if (colon) {
                if (colon[1]) {
                        if (parse_u64(colon + 1, &r.len) < 0)
                                return -EINVAL;
                        r.has_len = true;
                }
        } else
                colon = index + strlen(index);
        if (colon > index) {
                if ((size_t)(colon - index) >= sizeof(buf))
                        return -EINVAL;
                memcpy(buf, index, colon - index);
                buf[colon - index] = 0;
                if (parse_u64(buf, &r.off) < 0)
                        return -EINVAL;
                r.has_off = true;
        }
        *ret = r;
        return 0;
}

int pv_format_range(struct strbuf *out, const struct pv_range *r)
{
        int ret = 0;

        if (r->has_off)
                ret = pv_format_u64(out, r->off);
        if (ret >= 0 && r->has_len)
                ret = strbuf_printf(out, ":%" PRIu64, r->len);
        return ret;
}

/* ---- times -------------------------------------------------------------- */

int pv_format_time(struct strbuf *out, uint64_t ms, const char *index)
{
        char buf[64];

        if (index) {
                if (!streq(index, "raw"))
                        return -EINVAL;
                return pv_format_u64(out, ms / 1000);
        }
        return strbuf_append(out, format_time(buf, sizeof(buf), (time_t)(ms / 1000)));
}

/* ---- labels ------------------------------------------------------------- */

/* Names and values may contain ':' but no blanks (label rules), so in
 * "NAME: value" the separator is the first ':' followed by a blank or the
 * end of the item ("NAME:" removes); without one it is the first ':'
 * ("NAME:value"). What pv_format_labels writes thus reads back the same. */
static int split_label_item(const char *s, char **ret_name, char **ret_value)
{
        const char *p;

        for (p = strchr(s, ':'); p; p = strchr(p + 1, ':'))
                if (!p[1] || isblank((unsigned char)p[1]))
                        break;
        if (!p)
                p = strchr(s, ':');
        if (!p)
                return -EINVAL;
        _cleanup_free_ char *name = strndup(s, (size_t)(p - s));
        _cleanup_free_ char *value = strdup(p + 1);
        if (!name || !value)
                return -ENOMEM;
        char *t = strstrip(name);
        memmove(name, t, strlen(t) + 1);
        t = strstrip(value);
        memmove(value, t, strlen(t) + 1);
        if (!*name)
                return -EINVAL;
        *ret_name = TAKE_PTR(name);
        *ret_value = TAKE_PTR(value);
        return 0;
}

int pv_parse_labels(const char *value, char ***ret_names, char ***ret_values, struct perror *e)
{
        _cleanup_strv_free_ char **items = NULL, **names = NULL, **values = NULL;
        int r;

        r = split_escaped(value, ';', &items);
        if (r < 0)
                return r;
        for (char **it = items; *it; it++) {
                char *k = NULL, *v = NULL;

                r = split_label_item(*it, &k, &v);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return pv_invalid(e, "labels", *it, "is not \"NAME: value\"");
                r = strv_consume(&names, k);
                if (r >= 0)
                        r = strv_consume(&values, v);
                else
                        free(v);
                if (r < 0)
                        return r;
                r = label_name_check(k, e);
                if (r >= 0)
                        r = label_value_check(v, e);
                if (r < 0)
                        return r;
        }
        *ret_names = TAKE_PTR(names);
        *ret_values = TAKE_PTR(values);
        return 0;
}

int pv_format_labels(struct strbuf *out, const struct ct_label *labels, size_t n)
{
        int r = 0;

        for (size_t i = 0; r >= 0 && i < n; i++)
                r = strbuf_printf(out, "%s%s: %s", i ? "; " : "", labels[i].name, labels[i].value);
        return r;
}
