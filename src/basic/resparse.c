/* Resource property parsers and printers (see resparse.h).
 *
 * Decimal numbers are parsed as fixed point with 9 decimals rather than with
 * strtod: exact (the printers' output round-trips bit for bit), locale-free,
 * and without strtod's extras (hex, exponents, inf, leading blanks). */
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>

#include "parse.h"
#include "resparse.h"
#include "strutil.h"

#define FIXED_ONE 1000000000ULL /* fixed-point 1.0 */
#define FIXED_DIGITS 9

static bool is_digit(char c)
{
        return c >= '0' && c <= '9';
}

static bool is_blank(char c)
{
        return c == ' ' || c == '\t' || c == '\n';
}

/* "12", "12.5", ".5", "12." at *p, as value * 10^9 (digits past the 9th
 * decimal round to nearest). Advances *p past the number. */
static int parse_fixed(const char **p, uint64_t *ret)
{
        const char *s = *p;
        uint64_t whole = 0, frac = 0;
        size_t ndig = 0, nfrac = 0;
        bool overflow = false;

        for (; is_digit(*s); s++, ndig++) {
                unsigned d = (unsigned) (*s - '0');

                if (whole > (UINT64_MAX - d) / 10)
                        overflow = true;
                else
                        whole = whole * 10 + d;
        }
        if (*s == '.') {
                s++;
                for (; is_digit(*s); s++, nfrac++)
                        if (nfrac < FIXED_DIGITS)
                                frac = frac * 10 + (uint64_t) (*s - '0');
                        else if (nfrac == FIXED_DIGITS && *s >= '5')
                                frac++; /* round; may carry into whole below */
        }
        if (ndig + nfrac == 0)
                return -EINVAL;
        for (size_t i = nfrac; i < FIXED_DIGITS; i++)
                frac *= 10;
        *p = s;
        if (overflow || whole > (UINT64_MAX - frac) / FIXED_ONE)
                return -ERANGE;
        *ret = whole * FIXED_ONE + frac;
        return 0;
}

/* "<int>[.<frac>]" of a fixed-point value, trailing zeros dropped. */
static char *format_fixed(char *buf, size_t len, uint64_t v, const char *suffix)
{
        uint64_t whole = v / FIXED_ONE, frac = v % FIXED_ONE;
        int digits = FIXED_DIGITS;

        if (frac == 0) {
                snprintf(buf, len, "%" PRIu64 "%s", whole, suffix);
                return buf;
        }
        while (frac % 10 == 0) {
                frac /= 10;
                digits--;
        }
        snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64 "%s", whole, digits, frac, suffix);
        return buf;
}

/* ---- CPU power, period, weights ----------------------------------------- */

int res_parse_cpu_power(const char *s, unsigned ncpus, uint64_t *ret)
{
        uint64_t v, max = (uint64_t) ncpus * RES_NSEC_PER_SEC, power;
        const char *p = s;
        int r;

        if (!s || ncpus == 0)
                return -EINVAL;
        r = parse_fixed(&p, &v);
        if (r == -ERANGE && (streq(p, "") || streq(p, "c") || streq(p, "ns")))
                return -ERANGE;
        if (r < 0)
                return -EINVAL;
        if (streq(p, "")) {
                /* Percent of the host: 100% = ncpus cores. */
                if (v > 100 * FIXED_ONE)
                        return -ERANGE;
                power = (uint64_t) ((unsigned __int128) v * ncpus / 100);
        } else if (streq(p, "c")) {
                power = v;
        } else if (streq(p, "ns")) {
                if (v % FIXED_ONE)
                        return -EINVAL; /* no fractions of a nanosecond */
                power = v / FIXED_ONE;
        } else
                return -EINVAL;
        if (power > max)
                return -ERANGE;
        *ret = power;
        return 0;
}

char *res_format_cpu_power(char *buf, size_t len, uint64_t power)
{
        return format_fixed(buf, len, power, "c");
}

int res_parse_cpu_period(const char *s, uint64_t *ret_ns)
{
        static const struct {
                const char *suffix;
                uint64_t ns;
        } units[] = {
                { "", 1 }, { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
        };
        const char *p = s;
        uint64_t v;
        int r;

        if (!s)
                return -EINVAL;
        r = parse_fixed(&p, &v);
        for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                unsigned __int128 ns;

                if (!streq(p, units[i].suffix))
                        continue;
                if (r < 0)
                        return r;
                ns = (unsigned __int128) v * units[i].ns / FIXED_ONE;
                if (ns < RES_CPU_PERIOD_MIN || ns > RES_CPU_PERIOD_MAX)
                        return -ERANGE;
                *ret_ns = (uint64_t) ns;
                return 0;
        }
        return -EINVAL;
}

int res_parse_weight(const char *s, double *ret)
{
        const char *p = s;
        uint64_t v;
        int r;

        if (!s)
                return -EINVAL;
        r = parse_fixed(&p, &v);
        if (r < 0)
                return *p ? -EINVAL : r;
        if (*p)
                return -EINVAL;
        if (v < FIXED_ONE / 100 || v > 100 * FIXED_ONE)
                return -ERANGE;
        *ret = (double) v / (double) FIXED_ONE;
        return 0;
}

char *res_format_weight(char *buf, size_t len, double weight)
{
        snprintf(buf, len, "%.15g", weight);
        return buf;
}

/* ---- cpu_policy, io_policy ---------------------------------------------- */

static const struct res_cpu_policy_info cpu_policies[RES_CPU_POLICY_MAX] = {
        [RES_CPU_POLICY_NORMAL] = { "normal", SCHED_OTHER, 0, 0, 1, 1 },
        [RES_CPU_POLICY_HIGH] = { "high", SCHED_OTHER, 0, -10, 16, 1 },
        [RES_CPU_POLICY_RT] = { "rt", SCHED_RR, 10, -20, 1, 1 },
        [RES_CPU_POLICY_BATCH] = { "batch", SCHED_BATCH, 0, 0, 1, 1 },
        [RES_CPU_POLICY_IDLE] = { "idle", SCHED_IDLE, 0, 0, 1, 16 },
        [RES_CPU_POLICY_ISO] = { "iso", -1, 0, 0, 1, 1 },
};

const struct res_cpu_policy_info *res_cpu_policy_info(enum res_cpu_policy p)
{
        return (unsigned) p < RES_CPU_POLICY_MAX ? &cpu_policies[p] : NULL;
}

const char *res_cpu_policy_to_string(enum res_cpu_policy p)
{
        return (unsigned) p < RES_CPU_POLICY_MAX ? cpu_policies[p].name : NULL;
}

int res_cpu_policy_from_string(const char *s, enum res_cpu_policy *ret)
{
        for (unsigned i = 0; s && i < RES_CPU_POLICY_MAX; i++)
                if (streq(s, cpu_policies[i].name)) {
                        *ret = (enum res_cpu_policy) i;
                        return 0;
                }
        return -EINVAL;
}

int res_parse_cpu_policy(const char *s, enum res_cpu_policy *ret)
{
        enum res_cpu_policy p;
        int r;

        r = res_cpu_policy_from_string(s, &p);
        if (r < 0)
                return r;
        if (cpu_policies[p].sched_policy < 0)
                return -EOPNOTSUPP;
        *ret = p;
        return 0;
}

uint64_t res_cpu_shares(enum res_cpu_policy policy, double weight, uint64_t guarantee_power)
{
        const struct res_cpu_policy_info *info = res_cpu_policy_info(policy);
        long double shares;

        if (!info)
                info = &cpu_policies[RES_CPU_POLICY_NORMAL];
        if (!(weight > 0))
                weight = 1;
        shares = 1024.0L * (1.0L + (long double) guarantee_power / RES_NSEC_PER_SEC) * weight;
        shares = shares * info->shares_mul / info->shares_div;
        if (shares >= (long double) UINT64_MAX)
                return UINT64_MAX;
        return shares < 1 ? 1 : (uint64_t) (shares + 0.5L);
}

#define NICE_MIN (-20)
#define NICE_MAX 19
#define SQRT_1_1 1.0488088481701515469914535136799L

int res_cpu_nice(enum res_cpu_policy policy, double weight)
{
        const struct res_cpu_policy_info *info = res_cpu_policy_info(policy);
        long double w = weight > 0 ? weight : 1;
        int nice = info ? info->nice : 0;

        /* round(log_1.1(w)) steps without libm: w within 1.1^(+-1/2) of 1
         * after them; bounded by the nice range */
        for (int i = 0; i <= NICE_MAX - NICE_MIN && w >= SQRT_1_1; i++, nice--)
                w /= 1.1L;
        for (int i = 0; i <= NICE_MAX - NICE_MIN && w < 1 / SQRT_1_1; i++, nice++)
                w *= 1.1L;
        return nice < NICE_MIN ? NICE_MIN : nice > NICE_MAX ? NICE_MAX : nice;
}

static const struct res_io_policy_info io_policies[RES_IO_POLICY_MAX] = {
        [RES_IO_POLICY_NONE] = { "none", RES_IOPRIO_CLASS_NONE, 0, 500 },
        [RES_IO_POLICY_RT] = { "rt", RES_IOPRIO_CLASS_RT, 4, 1000 },
        [RES_IO_POLICY_HIGH] = { "high", RES_IOPRIO_CLASS_BE, 0, 1000 },
        [RES_IO_POLICY_NORMAL] = { "normal", RES_IOPRIO_CLASS_BE, 4, 500 },
        [RES_IO_POLICY_BATCH] = { "batch", RES_IOPRIO_CLASS_BE, 7, 10 },
        [RES_IO_POLICY_IDLE] = { "idle", RES_IOPRIO_CLASS_IDLE, 0, 10 },
};

const struct res_io_policy_info *res_io_policy_info(enum res_io_policy p)
{
        return (unsigned) p < RES_IO_POLICY_MAX ? &io_policies[p] : NULL;
}

const char *res_io_policy_to_string(enum res_io_policy p)
{
        return (unsigned) p < RES_IO_POLICY_MAX ? io_policies[p].name : NULL;
}

int res_io_policy_from_string(const char *s, enum res_io_policy *ret)
{
        for (unsigned i = 0; s && i < RES_IO_POLICY_MAX; i++)
                if (streq(s, io_policies[i].name)) {
                        *ret = (enum res_io_policy) i;
                        return 0;
                }
        return -EINVAL;
}

int res_io_policy_ioprio(enum res_io_policy p)
{
        const struct res_io_policy_info *info = res_io_policy_info(p);

        if (!info || info->ioprio_class == RES_IOPRIO_CLASS_NONE)
                return 0;
        return RES_IOPRIO_VALUE(info->ioprio_class, info->ioprio_data);
}

uint64_t res_blkio_weight(enum res_io_policy p, double io_weight)
{
        const struct res_io_policy_info *info = res_io_policy_info(p);
        long double w;

        if (!info)
                info = &io_policies[RES_IO_POLICY_NONE];
        if (!(io_weight > 0))
                io_weight = 1;
        w = (long double) info->blkio_weight * io_weight + 0.5L;
        if (w >= (long double) UINT64_MAX)
                return UINT64_MAX;
        return w < 1 ? 1 : (uint64_t) w;
}

/* ---- CPU masks ----------------------------------------------------------- */

unsigned res_cpumask_count(const struct res_cpumask *m)
{
        unsigned n = 0;

        for (size_t i = 0; i < ELEMENTSOF(m->bits); i++)
                n += (unsigned) __builtin_popcountll(m->bits[i]);
        return n;
}

bool res_cpumask_is_empty(const struct res_cpumask *m)
{
        for (size_t i = 0; i < ELEMENTSOF(m->bits); i++)
                if (m->bits[i])
                        return false;
        return true;
}

bool res_cpumask_equal(const struct res_cpumask *a, const struct res_cpumask *b)
{
        return memcmp(a->bits, b->bits, sizeof(a->bits)) == 0;
}

bool res_cpumask_subset(const struct res_cpumask *a, const struct res_cpumask *b)
{
        for (size_t i = 0; i < ELEMENTSOF(a->bits); i++)
                if (a->bits[i] & ~b->bits[i])
                        return false;
        return true;
}

void res_cpumask_and(struct res_cpumask *dst, const struct res_cpumask *src)
{
        for (size_t i = 0; i < ELEMENTSOF(dst->bits); i++)
                dst->bits[i] &= src->bits[i];
}

void res_cpumask_or(struct res_cpumask *dst, const struct res_cpumask *src)
{
        for (size_t i = 0; i < ELEMENTSOF(dst->bits); i++)
                dst->bits[i] |= src->bits[i];
}

void res_cpumask_andnot(struct res_cpumask *dst, const struct res_cpumask *src)
{
        for (size_t i = 0; i < ELEMENTSOF(dst->bits); i++)
                dst->bits[i] &= ~src->bits[i];
}

/* A CPU number at *p, < RES_CPUS_MAX. */
static int parse_cpu_number(const char **p, unsigned *ret)
{
        const char *s = *p;
        unsigned v = 0;

        if (!is_digit(*s))
                return -EINVAL;
        for (; is_digit(*s); s++) {
                v = v * 10 + (unsigned) (*s - '0');
                if (v >= RES_CPUS_MAX) {
                        while (is_digit(*s))
                                s++;
                        *p = s;
                        return -ERANGE;
                }
        }
        *p = s;
        *ret = v;
        return 0;
}

/* One item of a list: "N" or "N-M" with blanks around. */
static int parse_cpu_range(const char *item, size_t len, struct res_cpumask *m)
{
        const char *p = item, *end = item + len;
        unsigned lo, hi;
        int r;

        while (p < end && is_blank(*p))
                p++;
        while (end > p && is_blank(end[-1]))
                end--;
        if (p == end)
                return -EINVAL;
        r = parse_cpu_number(&p, &lo);
        if (r == -ERANGE && p == end)
                return r;
        if (r < 0)
                return -EINVAL;
        hi = lo;
        if (p < end && *p == '-') {
                p++;
                r = parse_cpu_number(&p, &hi);
                if (r == -ERANGE && p == end)
                        return r;
                if (r < 0)
                        return -EINVAL;
        }
        if (p != end || hi < lo)
                return -EINVAL;
        for (unsigned c = lo; c <= hi; c++)
                res_cpumask_set(m, c);
        return 0;
}

int res_cpumask_parse(const char *s, struct res_cpumask *ret)
{
        struct res_cpumask m;
        const char *p = s;

        if (!s)
                return -EINVAL;
        res_cpumask_zero(&m);
        while (is_blank(*p))
                p++;
        if (*p) {
                for (;;) {
                        size_t n = strcspn(p, ",");
                        int r = parse_cpu_range(p, n, &m);

                        if (r < 0)
                                return r;
                        if (!p[n])
                                break;
                        p += n + 1;
                }
        }
        *ret = m;
        return 0;
}

char *res_cpumask_format(const struct res_cpumask *m)
{
        struct strbuf b = STRBUF_INIT;

        for (unsigned c = 0; c < RES_CPUS_MAX; c++) {
                unsigned hi = c;
                int r;

                if (!res_cpumask_test(m, c))
                        continue;
                while (hi + 1 < RES_CPUS_MAX && res_cpumask_test(m, hi + 1))
                        hi++;
                if (hi == c)
                        r = strbuf_printf(&b, "%s%u", b.len ? "," : "", c);
                else
                        r = strbuf_printf(&b, "%s%u-%u", b.len ? "," : "", c, hi);
                if (r < 0) {
                        strbuf_free(&b);
                        return NULL;
                }
                c = hi;
        }
        return strbuf_steal(&b);
}

/* ---- cpu_set ------------------------------------------------------------- */

/* All online threads of cpu's core. */
static void core_threads(unsigned cpu, const struct res_cpumask *online, const uint16_t *core_first,
                         struct res_cpumask *ret)
{
        res_cpumask_zero(ret);
        for (unsigned c = core_first[cpu]; c < RES_CPUS_MAX; c++)
                if (res_cpumask_test(online, c) && core_first[c] == core_first[cpu])
                        res_cpumask_set(ret, c);
}

static void take(struct res_cpumask *ret, struct res_cpumask *left, unsigned cpu, unsigned *n)
{
        res_cpumask_set(ret, cpu);
        res_cpumask_clear(left, cpu);
        (*n)--;
}

int res_cpus_pick_threads(const struct res_cpumask *vacant, const struct res_cpumask *online,
                          const uint16_t *core_first, unsigned n, struct res_cpumask *ret)
{
        struct res_cpumask left = *vacant, core;

        res_cpumask_zero(ret);
        if (res_cpumask_count(vacant) < n)
                return -ENOSPC;
        /* whole vacant cores that fit, then the threads of split cores */
        for (unsigned cpu = 0; cpu < RES_CPUS_MAX && n; cpu++) {
                if (!res_cpumask_test(&left, cpu) || core_first[cpu] != cpu)
                        continue;
                core_threads(cpu, online, core_first, &core);
                if (!res_cpumask_subset(&core, &left) || res_cpumask_count(&core) > n)
                        continue;
                for (unsigned c = cpu; c < RES_CPUS_MAX && n; c++)
                        if (res_cpumask_test(&core, c))
                                take(ret, &left, c, &n);
        }
        for (unsigned cpu = 0; cpu < RES_CPUS_MAX && n; cpu++)
                if (res_cpumask_test(&left, cpu))
                        take(ret, &left, cpu, &n);
        return 0;
}

int res_cpus_pick_cores(const struct res_cpumask *vacant, const struct res_cpumask *online,
                        const uint16_t *core_first, unsigned n, struct res_cpumask *ret_reserve,
                        struct res_cpumask *ret_use)
{
        struct res_cpumask core;

        res_cpumask_zero(ret_reserve);
        res_cpumask_zero(ret_use);
        for (unsigned cpu = 0; cpu < RES_CPUS_MAX && n; cpu++) {
                if (!res_cpumask_test(vacant, cpu) || core_first[cpu] != cpu)
                        continue;
                core_threads(cpu, online, core_first, &core);
                if (!res_cpumask_subset(&core, vacant))
                        continue;
                res_cpumask_or(ret_reserve, &core);
                res_cpumask_set(ret_use, cpu);
                n--;
        }
        return n ? -ENOSPC : 0;
}

static const char *const cpuset_policies[RES_CPUSET_POLICY_MAX] = {
        [RES_CPUSET_INHERIT] = "inherit", [RES_CPUSET_SET] = "set",
        [RES_CPUSET_NODE] = "node",       [RES_CPUSET_RESERVE] = "reserve",
        [RES_CPUSET_THREADS] = "threads", [RES_CPUSET_CORES] = "cores",
};

const char *res_cpuset_policy_to_string(enum res_cpuset_policy p)
{
        return (unsigned) p < RES_CPUSET_POLICY_MAX ? cpuset_policies[p] : NULL;
}

int res_cpuset_policy_from_string(const char *s, enum res_cpuset_policy *ret)
{
        for (unsigned i = 0; s && i < RES_CPUSET_POLICY_MAX; i++)
                if (streq(s, cpuset_policies[i])) {
                        *ret = (enum res_cpuset_policy) i;
                        return 0;
                }
        return -EINVAL;
}

/* "node 1", "threads 4": word, blanks, number; -ENOENT if the first word
 * is not a policy with an argument. */
static int parse_cpuset_policy(const char *s, struct res_cpuset *cs)
{
        size_t n = strcspn(s, " \t\n");
        _cleanup_free_ char *word = strndup(s, n);
        enum res_cpuset_policy p;
        const char *arg = s + n;
        uint32_t v;
        int r;

        if (!word)
                return -ENOMEM;
        if (res_cpuset_policy_from_string(word, &p) < 0 || p == RES_CPUSET_INHERIT || p == RES_CPUSET_SET)
                return -ENOENT;
        if (!is_blank(*arg))
                return -EINVAL;
        while (is_blank(*arg))
                arg++;
        r = parse_u32(arg, &v);
        if (r < 0)
                return r;
        if (p == RES_CPUSET_NODE ? v >= RES_NODES_MAX : v == 0 || v >= RES_CPUS_MAX)
                return -ERANGE;
        cs->policy = p;
        cs->arg = v;
        return 0;
}

int res_parse_cpuset(const char *s, struct res_cpuset *ret)
{
        _cleanup_free_ char *copy = NULL;
        struct res_cpuset cs = {};
        char *t;
        int r;

        if (!s)
                return -EINVAL;
        copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        t = strstrip(copy);
        if (streq(t, "") || streq(t, "inherit")) {
                cs.policy = RES_CPUSET_INHERIT;
        } else if (is_digit(*t)) {
                cs.policy = RES_CPUSET_SET;
                r = res_cpumask_parse(t, &cs.cpus);
                if (r < 0)
                        return r;
        } else {
                r = parse_cpuset_policy(t, &cs);
                if (r == -ENOENT)
                        return -EINVAL;
                if (r < 0)
                        return r;
        }
        *ret = cs;
        return 0;
}

char *res_format_cpuset(const struct res_cpuset *cs)
{
        switch (cs->policy) {
        case RES_CPUSET_INHERIT:
                return strdup("");
        case RES_CPUSET_SET:
                return res_cpumask_format(&cs->cpus);
        case RES_CPUSET_NODE:
        case RES_CPUSET_RESERVE:
        case RES_CPUSET_THREADS:
        case RES_CPUSET_CORES:
                return strdup_printf("%s %" PRIu32, cpuset_policies[cs->policy], cs->arg);
        case RES_CPUSET_POLICY_MAX:
                break;
        }
        return NULL;
}

/* ---- io limits ----------------------------------------------------------- */

void res_io_limit_done(struct res_io_limit *e)
{
        if (!e)
                return;
        free(e->key);
        free(e->target);
        *e = (struct res_io_limit) {};
}

void res_io_limits_done(struct res_io_limits *l)
{
        if (!l)
                return;
        for (size_t i = 0; i < l->n; i++)
                res_io_limit_done(&l->v[i]);
        free(l->v);
        *l = (struct res_io_limits) {};
}

static bool disk_char(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '_' ||
               c == '.' || c == '!' || c == '+';
}

/* "sda", "nvme0n1", "dm-0", "cciss!c0d0" (sysfs spelling of '/'), "8:0". */
static bool disk_name_valid(const char *s)
{
        const char *colon = strchr(s, ':');

        if (colon) {
                uint32_t maj, min;
                _cleanup_free_ char *m = strndup(s, (size_t) (colon - s));

                return m && parse_u32(m, &maj) >= 0 && parse_u32(colon + 1, &min) >= 0;
        }
        if (!*s || *s == '.' || strlen(s) > 255)
                return false;
        for (; *s; s++)
                if (!disk_char(*s))
                        return false;
        return true;
}

static int classify_io_target(const char *t, enum res_io_target *ret)
{
        if (streq(t, "fs"))
                *ret = RES_IO_TARGET_FS;
        else if ((t[0] == '/' || t[0] == '.') && !strchr(t, '\n'))
                *ret = RES_IO_TARGET_PATH;
        else if (disk_name_valid(t))
                *ret = RES_IO_TARGET_DISK;
        else
                return -EINVAL;
        return 0;
}

int res_parse_io_key(const char *key, struct res_io_limit *ret)
{
        _cleanup_free_ char *copy = NULL;
        struct res_io_limit e = { .dir = RES_IO_RW };
        char *t;
        size_t n;
        int r;

        if (!key)
                return -EINVAL;
        copy = strdup(key);
        if (!copy)
                return -ENOMEM;
        t = strstrip(copy);
        n = strlen(t);
        /* "<target> r" / "<target> w": a lone direction letter after blanks. */
        if (n >= 3 && (t[n - 1] == 'r' || t[n - 1] == 'w') && is_blank(t[n - 2])) {
                e.dir = t[n - 1] == 'r' ? RES_IO_READ : RES_IO_WRITE;
                t[n - 2] = 0;
                t = strstrip(t);
        }
        if (!*t)
                return -EINVAL;
        r = classify_io_target(t, &e.type);
        if (r < 0)
                return r;
        e.target = strdup(t);
        e.key = e.dir == RES_IO_RW ? strdup(t) : strdup_printf("%s %c", t, e.dir == RES_IO_READ ? 'r' : 'w');
        if (!e.target || !e.key) {
                res_io_limit_done(&e);
                return -ENOMEM;
        }
        *ret = e;
        return 0;
}

int res_io_limits_put(struct res_io_limits *l, struct res_io_limit *e)
{
        struct res_io_limit *nv;

        for (size_t i = 0; i < l->n; i++)
                if (streq(l->v[i].key, e->key)) {
                        res_io_limit_done(&l->v[i]);
                        l->v[i] = *e;
                        *e = (struct res_io_limit) {};
                        return 0;
                }
        nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
        if (!nv) {
                res_io_limit_done(e);
                return -ENOMEM;
        }
        l->v = nv;
        l->v[l->n++] = *e;
        *e = (struct res_io_limit) {};
        return 0;
}

int res_io_limits_remove(struct res_io_limits *l, const char *key)
{
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->v[i].key, key)) {
                        res_io_limit_done(&l->v[i]);
                        memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(l->v[0]));
                        l->n--;
                        return 0;
                }
        return -ENOENT;
}

/* "key: value" with the value after the last ':'. */
static int parse_io_item(char *item, struct res_io_limit *ret)
{
        char *colon = strrchr(item, ':');
        struct res_io_limit e;
        uint64_t v;
        int r;

        if (!colon)
                return -EINVAL;
        *colon = 0;
        r = parse_size(strstrip(colon + 1), &v);
        if (r < 0)
                return r;
        r = res_parse_io_key(item, &e);
        if (r < 0)
                return r;
        e.value = v;
        *ret = e;
        return 0;
}

int res_parse_io_limits(const char *s, struct res_io_limits *ret)
{
        _cleanup_io_limits_ struct res_io_limits l = {};
        _cleanup_strv_free_ char **items = NULL;
        int r;

        if (!s)
                return -EINVAL;
        r = split_escaped(s, ';', &items);
        if (r < 0)
                return r;
        for (size_t i = 0; items[i]; i++) {
                struct res_io_limit e;

                r = parse_io_item(items[i], &e);
                if (r < 0)
                        return r;
                r = res_io_limits_put(&l, &e);
                if (r < 0)
                        return r;
        }
        *ret = l;
        l = (struct res_io_limits) {};
        return 0;
}

char *res_format_io_limits(const struct res_io_limits *l)
{
        _cleanup_strv_free_ char **items = calloc(l->n + 1, sizeof(char *));

        if (!items)
                return NULL;
        for (size_t i = 0; i < l->n; i++) {
                items[i] = strdup_printf("%s: %" PRIu64, l->v[i].key, l->v[i].value);
                if (!items[i])
                        return NULL;
        }
        return join_escaped(items, ';');
}
