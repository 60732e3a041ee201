/* String helpers: trimming, string vectors, escaped lists, buffers. */
#include <stdio.h>

#include "strutil.h"

static bool is_blank(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char *strstrip(char *s)
{
        size_t n;

        while (is_blank(*s))
                s++;
        n = strlen(s);
        while (n > 0 && is_blank(s[n - 1]))
                n--;
        s[n] = 0;
        return s;
}

void strv_free(char **v)
{
        if (!v)
                return;
        for (char **p = v; *p; p++)
                free(*p);
        free(v);
}

size_t strv_length(char *const *v)
{
        size_t n = 0;

        if (v)
                while (v[n])
                        n++;
        return n;
}

int strv_consume(char ***v, char *s)
{
        size_t n = strv_length(*v);
        char **nv;

        if (!s)
                return -ENOMEM;
        nv = realloc(*v, (n + 2) * sizeof(char *));
        if (!nv) {
                free(s);
                return -ENOMEM;
        }
        nv[n] = s;
        nv[n + 1] = NULL;
        *v = nv;
        return 0;
}

int strv_push(char ***v, const char *s)
{
        char *c = strdup(s);

        if (!c)
                return -ENOMEM;
        return strv_consume(v, c);
}

char **strv_copy(char *const *v)
{
        size_t n = strv_length(v);
        char **c = calloc(n + 1, sizeof(char *));

        if (!c)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                c[i] = strdup(v[i]);
                if (!c[i]) {
                        strv_free(c);
                        return NULL;
                }
        }
        return c;
}

bool strv_contains(char *const *v, const char *s)
{
        if (v)
                for (; *v; v++)
                        if (streq(*v, s))
                                return true;
        return false;
}

char *strv_join(char *const *v, const char *sep)
{
        struct strbuf b = STRBUF_INIT;

        if (v)
                for (size_t i = 0; v[i]; i++)
                        if ((i > 0 && strbuf_append(&b, sep) < 0) || strbuf_append(&b, v[i]) < 0) {
                                strbuf_free(&b);
                                return NULL;
                        }
        return strbuf_steal(&b);
}

/* Unescape s[0..n) into a new trimmed string. */
static char *unescape_item(const char *s, size_t n, char sep)
{
        char *item = malloc(n + 1), *o = item;

        if (!item)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '\\' && i + 1 < n && (s[i + 1] == sep || s[i + 1] == '\\'))
                        i++;
                *o++ = s[i];
        }
        *o = 0;
        /* Trim without moving the allocation start. */
        {
                char *t = strstrip(item);

                if (t != item)
                        memmove(item, t, strlen(t) + 1);
        }
        return item;
}

int split_escaped(const char *s, char sep, char ***ret)
{
        _cleanup_strv_free_ char **v = calloc(1, sizeof(char *));
        const char *start = s;

        if (!v)
                return -ENOMEM;
        if (s)
                for (const char *p = s;; p++) {
                        if (*p == '\\' && p[1]) {
                                p++;
                                continue;
                        }
                        if (*p == sep || !*p) {
                                char *item = unescape_item(start, (size_t) (p - start), sep);

                                if (!item)
                                        return -ENOMEM;
                                if (*item) {
                                        if (strv_consume(&v, item) < 0)
                                                return -ENOMEM;
                                } else
                                        free(item);
                                if (!*p)
                                        break;
                                start = p + 1;
                        }
                }
        *ret = TAKE_PTR(v);
        return 0;
}

char *join_escaped(char *const *v, char sep)
{
        struct strbuf b = STRBUF_INIT;
        char sepstr[3] = { sep, ' ', 0 };

        if (v)
                for (size_t i = 0; v[i]; i++) {
                        if (i > 0 && strbuf_append(&b, sepstr) < 0)
                                goto fail;
                        for (const char *p = v[i]; *p; p++) {
                                if ((*p == sep || *p == '\\') && strbuf_append_n(&b, "\\", 1) < 0)
                                        goto fail;
                                if (strbuf_append_n(&b, p, 1) < 0)
                                        goto fail;
                        }
                }
        return strbuf_steal(&b);
fail:
        strbuf_free(&b);
        return NULL;
}

int split_pair(const char *s, char sep, char **ret_key, char **ret_value)
{
        _cleanup_free_ char *key = NULL, *value = NULL;
        const char *p = strchr(s, sep);
        char *t;

        if (!p)
                return -EINVAL;
        key = strndup(s, (size_t) (p - s));
        value = strdup(p + 1);
        if (!key || !value)
                return -ENOMEM;
        t = strstrip(key);
        memmove(key, t, strlen(t) + 1);
        if (!*key)
                return -EINVAL;
        t = strstrip(value);
        memmove(value, t, strlen(t) + 1);
        *ret_key = TAKE_PTR(key);
        *ret_value = TAKE_PTR(value);
        return 0;
}

static int strbuf_reserve(struct strbuf *b, size_t extra)
{
        size_t need, cap;
        char *s;

        if (extra > SIZE_MAX - b->len - 1)
                return -ENOMEM;
        need = b->len + extra + 1;
        if (need <= b->cap)
                return 0;
        cap = b->cap ? b->cap : 64;
        while (cap < need)
                cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        s = realloc(b->s, cap);
        if (!s)
                return -ENOMEM;
        b->s = s;
        b->cap = cap;
        return 0;
}

int strbuf_append_n(struct strbuf *b, const char *s, size_t n)
{
        if (strbuf_reserve(b, n) < 0)
                return -ENOMEM;
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = 0;
        return 0;
}

int strbuf_append(struct strbuf *b, const char *s)
{
        return strbuf_append_n(b, s, strlen(s));
}

/* The header has no format attribute here; add it for -Wformat-nonliteral. */
int strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap) _printf_(2, 0);
int strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap)
{
        va_list aq;
        int n;

        va_copy(aq, ap);
        n = vsnprintf(NULL, 0, fmt, aq);
        va_end(aq);
        if (n < 0)
                return -EINVAL;
        if (strbuf_reserve(b, (size_t) n) < 0)
                return -ENOMEM;
        vsnprintf(b->s + b->len, (size_t) n + 1, fmt, ap);
        b->len += (size_t) n;
        return 0;
}

int strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = strbuf_vprintf(b, fmt, ap);
        va_end(ap);
        return r;
}

char *strbuf_steal(struct strbuf *b)
{
        char *s = b->s;

        if (!s)
                s = strdup("");
        b->s = NULL;
        b->len = b->cap = 0;
        return s;
}

void strbuf_free(struct strbuf *b)
{
        free(b->s);
        b->s = NULL;
        b->len = b->cap = 0;
}

char *strdup_printf(const char *fmt, ...)
{
        va_list ap;
        char *s;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&s, fmt, ap);
        va_end(ap);
        return r < 0 ? NULL : s;
}
