/* libFuzzer target: the resource property parsers of src/basic/resparse.c
 * (cpu power, period, weight, policies, cpu lists, cpu_set, io limit maps).
 * Every accepted value must print and parse back to the same value. The
 * first input byte selects the parser (and the host CPU count), the rest is
 * the text. Build like the other targets (tests/fuzz/Makefile): clang
 * -fsanitize=fuzzer,address,undefined with -D_GNU_SOURCE -I. -Isrc, this
 * file and every .c file of src/basic. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basic/resparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_cpu_power(const char *s, unsigned ncpus)
{
        char buf[RES_CPU_POWER_STRLEN];
        uint64_t v, v2;
        int r;

        r = res_parse_cpu_power(s, ncpus, &v);
        assert(r == 0 || r == -EINVAL || r == -ERANGE);
        if (r < 0)
                return;
        assert(v <= (uint64_t) ncpus * RES_NSEC_PER_SEC);
        res_format_cpu_power(buf, sizeof(buf), v);
        assert(res_parse_cpu_power(buf, ncpus, &v2) == 0 && v2 == v);
}

static void fuzz_scalars(const char *s)
{
        char buf[RES_WEIGHT_STRLEN];
        enum res_cpu_policy cp;
        enum res_io_policy ip;
        double w, w2;
        uint64_t ns;
        int r;

        r = res_parse_cpu_period(s, &ns);
        assert(r == 0 || r == -EINVAL || r == -ERANGE);
        assert(r < 0 || (ns >= RES_CPU_PERIOD_MIN && ns <= RES_CPU_PERIOD_MAX));
        r = res_parse_weight(s, &w);
        assert(r == 0 || r == -EINVAL || r == -ERANGE);
        if (r == 0) {
                assert(w >= RES_WEIGHT_MIN && w <= RES_WEIGHT_MAX);
                res_format_weight(buf, sizeof(buf), w);
                assert(res_parse_weight(buf, &w2) == 0 && w2 == w);
        }
        r = res_parse_cpu_policy(s, &cp);
        assert(r == -EINVAL || r == -EOPNOTSUPP || (r == 0 && !strcmp(res_cpu_policy_to_string(cp), s)));
        r = res_io_policy_from_string(s, &ip);
        assert(r == -EINVAL || (r == 0 && !strcmp(res_io_policy_to_string(ip), s)));
}

static void fuzz_cpus(const char *s)
{
        struct res_cpumask m, m2;
        struct res_cpuset cs, cs2;
        char *out;
        int r;

        r = res_cpumask_parse(s, &m);
        assert(r == 0 || r == -EINVAL || r == -ERANGE);
        if (r == 0) {
                out = res_cpumask_format(&m);
                assert(out && res_cpumask_parse(out, &m2) == 0 && res_cpumask_equal(&m, &m2));
                free(out);
        }
        r = res_parse_cpuset(s, &cs);
        assert(r == 0 || r == -EINVAL || r == -ERANGE || r == -ENOMEM);
        if (r == 0) {
                out = res_format_cpuset(&cs);
                assert(out && res_parse_cpuset(out, &cs2) == 0);
                assert(cs2.policy == cs.policy && cs2.arg == cs.arg && res_cpumask_equal(&cs.cpus, &cs2.cpus));
                free(out);
        }
}

static void fuzz_io(const char *s)
{
        struct res_io_limits l = {}, l2 = {};
        struct res_io_limit e;
        char *out, *out2;
        int r;

        r = res_parse_io_key(s, &e);
        assert(r == 0 || r == -EINVAL || r == -ENOMEM);
        if (r == 0) {
                struct res_io_limit e2;

                assert(res_parse_io_key(e.key, &e2) == 0 && !strcmp(e.key, e2.key) && e.type == e2.type &&
                       e.dir == e2.dir);
                res_io_limit_done(&e2);
                res_io_limit_done(&e);
        }
        r = res_parse_io_limits(s, &l);
        assert(r == 0 || r == -EINVAL || r == -ERANGE || r == -ENOMEM);
        if (r < 0)
                return;
        out = res_format_io_limits(&l);
        assert(out && res_parse_io_limits(out, &l2) == 0);
        out2 = res_format_io_limits(&l2);
        assert(out2 && !strcmp(out, out2) && l.n == l2.n);
        free(out);
        free(out2);
        res_io_limits_done(&l);
        res_io_limits_done(&l2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s;

        if (size < 1)
                return 0;
        s = malloc(size);
        if (!s)
                return 0;
        memcpy(s, data + 1, size - 1);
        s[size - 1] = 0;
        switch (data[0] % 4) {
        case 0:
                fuzz_cpu_power(s, 1 + data[0] / 4);
                break;
        case 1:
                fuzz_scalars(s);
                break;
        case 2:
                fuzz_cpus(s);
                break;
        default:
                fuzz_io(s);
                break;
        }
        free(s);
        return 0;
}
