/* Text formats of cgroup knobs (see cgroup_fmt.h). */
#include <sys/sysmacros.h>

#include "basic/parse.h"
#include "basic/strutil.h"
#include "shared/cgroup_fmt.h"

#define SHARES_MIN 2ULL
#define SHARES_MAX 262144ULL
#define WEIGHT_MIN 1ULL
#define WEIGHT_MAX 10000ULL

/* Split a copy of buf into lines; returns the copy (free it) or NULL. */
static char *lines_first(const char *buf, char **save, char **ret_line)
{
        char *copy = strdup(buf ? buf : "");

        if (copy)
                *ret_line = strtok_r(copy, "\n", save);
        return copy;
}

int cgf_keyed(const char *buf, const char *key, uint64_t *ret)
{
        size_t klen = strlen(key);

        /* No copy: memory.stat is scanned for a dozen keys per read. */
        for (const char *l = buf; l && *l;) {
                const char *nl = strchr(l, '\n');
                size_t len = nl ? (size_t) (nl - l) : strlen(l);

                if (len > klen && strncmp(l, key, klen) == 0 && l[klen] == ' ') {
                        char num[32];
                        size_t vlen = len - klen - 1;

                        if (vlen >= sizeof(num))
                                return -EBADMSG;
                        memcpy(num, l + klen + 1, vlen);
                        num[vlen] = 0;
                        return parse_u64(num, ret) < 0 ? -EBADMSG : 0;
                }
                l = nl ? nl + 1 : NULL;
        }
        return -ENODATA;
}

int cgf_parse_limit(const char *s, uint64_t *ret)
{
        _cleanup_free_ char *copy = NULL;
        char *t;
        uint64_t v;

        if (!s)
                return -EINVAL;
        copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        t = strstrip(copy);
        if (streq(t, "max") || streq(t, "-1")) {
                *ret = 0;
                return 0;
        }
        if (parse_u64(t, &v) < 0)
                return -EBADMSG;
        *ret = v >= CGF_V1_UNLIMITED ? 0 : v;
        return 0;
}

static int parse_digits_u32(const char **p, unsigned *ret)
{
        const char *s = *p;
        uint64_t v = 0;

        if (*s < '0' || *s > '9')
                return -EBADMSG;
        for (; *s >= '0' && *s <= '9'; s++) {
                v = v * 10 + (uint64_t) (*s - '0');
                if (v > UINT32_MAX)
                        return -EBADMSG;
        }
        *p = s;
        *ret = (unsigned) v;
        return 0;
}

int cgf_parse_devnum(const char **p, dev_t *ret)
{
        const char *s = *p;
        unsigned maj, min;

        if (parse_digits_u32(&s, &maj) < 0 || *s++ != ':' || parse_digits_u32(&s, &min) < 0)
                return -EBADMSG;
        *p = s;
        *ret = makedev(maj, min);
        return 0;
}

/* Entry for dev in a growable array of elements of size sz whose first
 * member is a dev_t; appended zeroed if absent. */
static void *entry_for(void **v, size_t *n, size_t sz, dev_t dev)
{
        char *base = *v, *nv;

        for (size_t i = 0; i < *n; i++)
                if (*(dev_t *) (void *) (base + i * sz) == dev)
                        return base + i * sz;
        nv = realloc(base, (*n + 1) * sz);
        if (!nv)
                return NULL;
        memset(nv + *n * sz, 0, sz);
        *(dev_t *) (void *) (nv + *n * sz) = dev;
        *v = nv;
        return nv + (*n)++ * sz;
}

/* "8:0 Read 4096": device, operation word, value. */
static int parse_rwstat_line(char *l, dev_t *ret_dev, char **ret_op, uint64_t *ret_v)
{
        const char *p = l;
        char *op, *val;

        if (cgf_parse_devnum(&p, ret_dev) < 0 || *p != ' ')
                return -EBADMSG;
        op = (char *) p + 1;
        val = strchr(op, ' ');
        if (!val)
                return -EBADMSG;
        *val++ = 0;
        if (parse_u64(strstrip(val), ret_v) < 0)
                return -EBADMSG;
        *ret_op = op;
        return 0;
}

int cgf_parse_blkio_rwstat(const char *buf, bool ops, struct cg_io_stat **v, size_t *n)
{
        _cleanup_free_ char *copy = NULL;
        char *save = NULL, *l = NULL;

        copy = lines_first(buf, &save, &l);
        if (!copy)
                return -ENOMEM;
        for (; l; l = strtok_r(NULL, "\n", &save)) {
                struct cg_io_stat *e;
                uint64_t val;
                dev_t dev;
                char *op;

                if (startswith(l, "Total "))
                        continue;
                if (parse_rwstat_line(l, &dev, &op, &val) < 0)
                        return -EBADMSG;
                if (!streq(op, "Read") && !streq(op, "Write"))
                        continue;
                e = entry_for((void **) v, n, sizeof(**v), dev);
                if (!e)
                        return -ENOMEM;
                if (streq(op, "Read"))
                        *(ops ? &e->read_ops : &e->read_bytes) += val;
                else
                        *(ops ? &e->write_ops : &e->write_bytes) += val;
        }
        return 0;
}

int cgf_parse_blkio_time(const char *buf, struct cg_io_time **v, size_t *n)
{
        _cleanup_free_ char *copy = NULL;
        char *save = NULL, *l = NULL;

        copy = lines_first(buf, &save, &l);
        if (!copy)
                return -ENOMEM;
        for (; l; l = strtok_r(NULL, "\n", &save)) {
                struct cg_io_time *e;
                uint64_t val;
                dev_t dev;
                char *op;

                if (startswith(l, "Total "))
                        continue;
                if (parse_rwstat_line(l, &dev, &op, &val) < 0)
                        return -EBADMSG;
                if (!streq(op, "Total"))
                        continue;
                e = entry_for((void **) v, n, sizeof(**v), dev);
                if (!e)
                        return -ENOMEM;
                e->ns += val;
        }
        return 0;
}

/* "key=value" words after the device of an io.stat/io.max line. */
typedef int (*kv_fn)(void *entry, const char *key, const char *value);

static int parse_dev_kv_lines(const char *buf, void **v, size_t *n, size_t sz, kv_fn fn)
{
        _cleanup_free_ char *copy = NULL;
        char *save = NULL, *l = NULL;

        copy = lines_first(buf, &save, &l);
        if (!copy)
                return -ENOMEM;
        for (; l; l = strtok_r(NULL, "\n", &save)) {
                const char *p = l;
                char *wsave = NULL;
                void *e;
                dev_t dev;

                if (cgf_parse_devnum(&p, &dev) < 0 || (*p && *p != ' '))
                        return -EBADMSG;
                e = entry_for(v, n, sz, dev);
                if (!e)
                        return -ENOMEM;
                for (char *w = strtok_r((char *) p, " ", &wsave); w; w = strtok_r(NULL, " ", &wsave)) {
                        char *eq = strchr(w, '=');
                        int r;

                        if (!eq)
                                return -EBADMSG;
                        *eq = 0;
                        r = fn(e, w, eq + 1);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static int io_stat_kv(void *entry, const char *key, const char *value)
{
        static const struct {
                const char *key;
                size_t off;
        } fields[] = {
                { "rbytes", offsetof(struct cg_io_stat, read_bytes) },
                { "wbytes", offsetof(struct cg_io_stat, write_bytes) },
                { "rios", offsetof(struct cg_io_stat, read_ops) },
                { "wios", offsetof(struct cg_io_stat, write_ops) },
        };

        for (size_t i = 0; i < ELEMENTSOF(fields); i++)
                if (streq(key, fields[i].key)) {
                        uint64_t v;

                        if (parse_u64(value, &v) < 0)
                                return -EBADMSG;
                        *(uint64_t *) (void *) ((char *) entry + fields[i].off) = v;
                }
        return 0; /* dbytes, dios, cost.* ...: not ours */
}

int cgf_parse_io_stat(const char *buf, struct cg_io_stat **v, size_t *n)
{
        return parse_dev_kv_lines(buf, (void **) v, n, sizeof(**v), io_stat_kv);
}

static const size_t io_limit_offsets[CGF_IO_LIMIT_FIELD_MAX] = {
        [CGF_READ_BPS] = offsetof(struct cg_io_limit, read_bps),
        [CGF_WRITE_BPS] = offsetof(struct cg_io_limit, write_bps),
        [CGF_READ_IOPS] = offsetof(struct cg_io_limit, read_iops),
        [CGF_WRITE_IOPS] = offsetof(struct cg_io_limit, write_iops),
};

static uint64_t *io_limit_field(struct cg_io_limit *e, enum cgf_io_limit_field f)
{
        return (uint64_t *) (void *) ((char *) e + io_limit_offsets[f]);
}

int cgf_parse_blkio_throttle(const char *buf, enum cgf_io_limit_field field, struct cg_io_limit **v, size_t *n)
{
        _cleanup_free_ char *copy = NULL;
        char *save = NULL, *l = NULL;

        if ((unsigned) field >= CGF_IO_LIMIT_FIELD_MAX)
                return -EINVAL;
        copy = lines_first(buf, &save, &l);
        if (!copy)
                return -ENOMEM;
        for (; l; l = strtok_r(NULL, "\n", &save)) {
                struct cg_io_limit *e;
                const char *p = l;
                uint64_t val;
                dev_t dev;

                if (cgf_parse_devnum(&p, &dev) < 0 || *p != ' ' || parse_u64(p + 1, &val) < 0)
                        return -EBADMSG;
                e = entry_for((void **) v, n, sizeof(**v), dev);
                if (!e)
                        return -ENOMEM;
                *io_limit_field(e, field) = val;
        }
        return 0;
}

static int io_max_kv(void *entry, const char *key, const char *value)
{
        static const char *const keys[CGF_IO_LIMIT_FIELD_MAX] = {
                [CGF_READ_BPS] = "rbps", [CGF_WRITE_BPS] = "wbps",
                [CGF_READ_IOPS] = "riops", [CGF_WRITE_IOPS] = "wiops",
        };

        for (unsigned f = 0; f < CGF_IO_LIMIT_FIELD_MAX; f++)
                if (streq(key, keys[f])) {
                        uint64_t v = 0;

                        if (!streq(value, "max") && parse_u64(value, &v) < 0)
                                return -EBADMSG;
                        *io_limit_field(entry, f) = v;
                        return 0;
                }
        return -EBADMSG;
}

int cgf_parse_io_max(const char *buf, struct cg_io_limit **v, size_t *n)
{
        return parse_dev_kv_lines(buf, (void **) v, n, sizeof(**v), io_max_kv);
}

int cgf_parse_cpu_max(const char *s, uint64_t *ret_quota_us, uint64_t *ret_period_us)
{
        _cleanup_free_ char *copy = NULL;
        char *t, *sp;
        uint64_t quota = 0, period;

        if (!s)
                return -EINVAL;
        copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        t = strstrip(copy);
        sp = strchr(t, ' ');
        if (!sp)
                return -EBADMSG;
        *sp = 0;
        if (!streq(t, "max") && (parse_u64(t, &quota) < 0 || quota == 0))
                return -EBADMSG;
        if (parse_u64(sp + 1, &period) < 0 || period == 0)
                return -EBADMSG;
        *ret_quota_us = quota;
        *ret_period_us = period;
        return 0;
}

int cgf_parse_weight(const char *buf, uint64_t *ret)
{
        _cleanup_free_ char *copy = NULL;
        char *save = NULL, *l = NULL;

        copy = lines_first(buf, &save, &l);
        if (!copy)
                return -ENOMEM;
        for (; l; l = strtok_r(NULL, "\n", &save)) {
                const char *v = startswith(l, "default ");
                uint64_t w;

                if (!v && strchr(l, ':'))
                        continue; /* per-device override */
                if (parse_u64(strstrip((char *) (v ? v : l)), &w) < 0)
                        return -EBADMSG;
                *ret = w;
                return 0;
        }
        return -ENODATA;
}

uint64_t cgf_shares_to_weight(uint64_t shares)
{
        shares = MIN(MAX(shares, SHARES_MIN), SHARES_MAX);
        return WEIGHT_MIN + (shares - SHARES_MIN) * (WEIGHT_MAX - WEIGHT_MIN) / (SHARES_MAX - SHARES_MIN);
}

uint64_t cgf_weight_to_shares(uint64_t weight)
{
        weight = MIN(MAX(weight, WEIGHT_MIN), WEIGHT_MAX);
        return SHARES_MIN + (weight - WEIGHT_MIN) * (SHARES_MAX - SHARES_MIN) / (WEIGHT_MAX - WEIGHT_MIN);
}
