/* Strict parsers: whole string, no blanks, no signs where not meaningful. */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <strings.h>

#include "parse.h"

static bool is_digit(char c)
{
        return c >= '0' && c <= '9';
}

/* Parse the digits at *p into *ret, advancing *p. */
static int parse_digits(const char **p, uint64_t *ret)
{
        const char *s = *p;
        uint64_t v = 0;

        if (!is_digit(*s))
                return -EINVAL;
        for (; is_digit(*s); s++) {
                unsigned d = (unsigned) (*s - '0');

                if (v > (UINT64_MAX - d) / 10)
                        return -ERANGE;
                v = v * 10 + d;
        }
        *p = s;
        *ret = v;
        return 0;
}

int parse_u64(const char *s, uint64_t *ret)
{
        uint64_t v;
        int r;

        if (!s)
                return -EINVAL;
        r = parse_digits(&s, &v);
        if (r < 0)
                return r;
        if (*s)
                return -EINVAL;
        *ret = v;
        return 0;
}

int parse_i64(const char *s, int64_t *ret)
{
        bool neg = false;
        uint64_t v;
        int r;

        if (!s)
                return -EINVAL;
        if (*s == '-') {
                neg = true;
                s++;
        }
        r = parse_digits(&s, &v);
        if (r < 0)
                return r;
        if (*s)
                return -EINVAL;
        if (neg) {
                if (v > (uint64_t) INT64_MAX + 1)
                        return -ERANGE;
                *ret = v == (uint64_t) INT64_MAX + 1 ? INT64_MIN : -(int64_t) v;
        } else {
                if (v > INT64_MAX)
                        return -ERANGE;
                *ret = (int64_t) v;
        }
        return 0;
}

int parse_u32(const char *s, uint32_t *ret)
{
        uint64_t v;
        int r;

        r = parse_u64(s, &v);
        if (r < 0)
                return r;
        if (v > UINT32_MAX)
                return -ERANGE;
        *ret = (uint32_t) v;
        return 0;
}

int parse_int(const char *s, int *ret)
{
        int64_t v;
        int r;

        r = parse_i64(s, &v);
        if (r < 0)
                return r;
        if (v < INT_MIN || v > INT_MAX)
                return -ERANGE;
        *ret = (int) v;
        return 0;
}

int parse_bool(const char *s, bool *ret)
{
        static const struct {
                const char *name;
                bool value;
        } table[] = {
                { "true", true }, { "false", false }, { "1", true },  { "0", false },
                { "yes", true },  { "no", false },    { "on", true }, { "off", false },
        };

        if (!s)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(s, table[i].name)) {
                        *ret = table[i].value;
                        return 0;
                }
        return -EINVAL;
}

static const char size_suffixes[] = "BKMGTPE";

/* 1024^i for the suffix c, or 0 if c is not a suffix. */
static uint64_t size_multiplier(char c)
{
        const char *p;

        if (!c)
                return 0;
        p = strchr(size_suffixes, toupper((unsigned char) c));
        if (!p)
                return 0;
        return UINT64_C(1) << (10 * (p - size_suffixes));
}

int parse_size(const char *s, uint64_t *ret)
{
        const char *frac = NULL, *p;
        uint64_t whole = 0, mult = 1, bytes;
        size_t nfrac = 0;
        int r;

        if (!s)
                return -EINVAL;
        p = s;
        if (is_digit(*p)) {
                r = parse_digits(&p, &whole);
                /* Overflow of the number itself: still check the rest is
                 * well-formed so that garbage wins over range. */
                if (r == -ERANGE) {
                        while (is_digit(*p))
                                p++;
                } else if (r < 0)
                        return r;
        } else
                r = 0;
        if (*p == '.') {
                frac = ++p;
                while (is_digit(*p))
                        p++;
                nfrac = (size_t) (p - frac);
        }
        if (p == s || (frac && p == s + 1))
                return -EINVAL; /* no digits at all */
        while (*p == ' ' || *p == '\t')
                p++;
        if (*p) {
                mult = size_multiplier(*p);
                if (!mult || p[1])
                        return -EINVAL;
        } else if (p > s && (p[-1] == ' ' || p[-1] == '\t'))
                return -EINVAL; /* trailing blank without a suffix */
        if (r == -ERANGE)
                return -ERANGE;

        if (whole > UINT64_MAX / mult)
                return -ERANGE;
        bytes = whole * mult;
        if (nfrac > 0) {
                long double f = 0, scale = 1;
                uint64_t extra;

                /* At most 30 digits matter for a 64-bit result. */
                for (size_t i = 0; i < nfrac && i < 30; i++) {
                        scale /= 10;
                        f += (long double) (frac[i] - '0') * scale;
                }
                extra = (uint64_t) (f * (long double) mult);
                if (extra > UINT64_MAX - bytes)
                        return -ERANGE;
                bytes += extra;
        }
        *ret = bytes;
        return 0;
}

int parse_mode(const char *s, unsigned *ret)
{
        unsigned v = 0;

        if (isempty(s))
                return -EINVAL;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '7')
                        return -EINVAL;
                v = v * 8 + (unsigned) (*p - '0');
                if (v > 07777)
                        return -ERANGE;
        }
        *ret = v;
        return 0;
}

/* "RTMIN", "RTMIN+3", "RTMAX-1". */
static int parse_rt_signal(const char *s, int *ret)
{
        const char *rest;
        int base, sign, off = 0;

        if ((rest = startswith(s, "RTMIN"))) {
                base = SIGRTMIN;
                sign = 1;
        } else if ((rest = startswith(s, "RTMAX"))) {
                base = SIGRTMAX;
                sign = -1;
        } else
                return -EINVAL;
        if (*rest) {
                if (*rest != (sign > 0 ? '+' : '-') || parse_int(rest + 1, &off) < 0)
                        return -EINVAL;
                if (off < 0 || off > SIGRTMAX - SIGRTMIN)
                        return -EINVAL;
        }
        *ret = base + sign * off;
        return 0;
}

int parse_signal(const char *s, int *ret)
{
        const char *name;
        int sig;

        if (isempty(s))
                return -EINVAL;
        if (is_digit(*s)) {
                if (parse_int(s, &sig) < 0 || sig < 1 || sig >= NSIG)
                        return -EINVAL;
                *ret = sig;
                return 0;
        }
        name = startswith(s, "SIG") ?: s;
        for (sig = 1; sig < NSIG; sig++) {
                const char *abbrev = sigabbrev_np(sig);

                if (abbrev && streq(abbrev, name)) {
                        *ret = sig;
                        return 0;
                }
        }
        return parse_rt_signal(name, ret);
}

char *format_size(char *buf, size_t len, uint64_t bytes)
{
        size_t i = 0;
        uint64_t unit;
        double v;

        while (i + 1 < sizeof(size_suffixes) - 1 && bytes >= (UINT64_C(1) << (10 * (i + 1))))
                i++;
        if (i == 0) {
                snprintf(buf, len, "%" PRIu64, bytes);
                return buf;
        }
        unit = UINT64_C(1) << (10 * i);
        if (bytes % unit == 0) {
                snprintf(buf, len, "%" PRIu64 "%c", bytes / unit, size_suffixes[i]);
                return buf;
        }
        v = (double) bytes / (double) unit;
        /* 1048575 would print as "1024.0K": use the next unit instead. */
        if (v >= 1023.95 && i + 1 < sizeof(size_suffixes) - 1) {
                i++;
                v /= 1024;
        }
        snprintf(buf, len, "%.1f%c", v, size_suffixes[i]);
        return buf;
}
