/* Text formats of cgroup knobs (v1 and v2), parsed without the kernel so
 * that the v2 ones are unit-tested on v1 hosts too. Internal to the cgroup
 * module (cgroup_limits.c); the rest of the code uses cgroup.h.
 * 0 or -errno; -EBADMSG for text the kernel would not produce. Scalar
 * outputs are written only on success; the array parsers add to the arrays as
 * they go, so on failure the caller frees what is there. */
#pragma once

#include "shared/cgroup.h"

/* v1 prints "unlimited" as LONG_MAX rounded down to a page: anything
 * from here up means no limit (64K pages included). */
#define CGF_V1_UNLIMITED ((uint64_t) INT64_MAX - 65535)

/* "key value" lines (memory.stat, cpu.stat, memory.events, ...).
 * -ENODATA if the key is absent. */
int cgf_keyed(const char *buf, const char *key, uint64_t *ret);
/* A limit knob: a number, "-1" or >= CGF_V1_UNLIMITED (v1), "max" (v2)
 * -> 0 for unlimited. One trailing newline allowed. */
int cgf_parse_limit(const char *s, uint64_t *ret);
/* "maj:min" at *p; advances *p. */
int cgf_parse_devnum(const char **p, dev_t *ret);

/* v1 blkio rwstat ("8:0 Read 4096" ... "Total N"): adds the Read/Write
 * values of each device to bytes (ops=false) or ops (ops=true) of the
 * entries of *v (found by dev or appended). */
int cgf_parse_blkio_rwstat(const char *buf, bool ops, struct cg_io_stat **v, size_t *n);
/* v1 rwstat of times: the "Total" line of each device. */
int cgf_parse_blkio_time(const char *buf, struct cg_io_time **v, size_t *n);
/* v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0". */
int cgf_parse_io_stat(const char *buf, struct cg_io_stat **v, size_t *n);

/* Fields of struct cg_io_limit. */
enum cgf_io_limit_field {
        CGF_READ_BPS,
        CGF_WRITE_BPS,
        CGF_READ_IOPS,
        CGF_WRITE_IOPS,
        CGF_IO_LIMIT_FIELD_MAX,
};
/* v1 blkio.throttle.<field>_device: "8:0 1048576" lines. */
int cgf_parse_blkio_throttle(const char *buf, enum cgf_io_limit_field field, struct cg_io_limit **v, size_t *n);
/* v2 io.max: "8:0 rbps=max wbps=1048576 riops=max wiops=max". */
int cgf_parse_io_max(const char *buf, struct cg_io_limit **v, size_t *n);

/* v2 cpu.max "max 100000" / "50000 100000": quota 0 = unlimited. */
int cgf_parse_cpu_max(const char *s, uint64_t *ret_quota_us, uint64_t *ret_period_us);
/* Weight knobs: a plain number (v1) or the "default N" line (v2 io.weight,
 * io.bfq.weight). */
int cgf_parse_weight(const char *buf, uint64_t *ret);

/* cpu.shares (2..262144) <-> v2 cpu.weight (1..10000), clamped. */
uint64_t cgf_shares_to_weight(uint64_t shares);
uint64_t cgf_weight_to_shares(uint64_t weight);
