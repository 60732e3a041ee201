/* Capabilities: names, property text, the manual's rules, application. */
#include <ctype.h>
#include <linux/capability.h>
#include <stdio.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "basic/fileio.h"
#include "basic/parse.h"
#include "basic/strutil.h"
#include "shared/caps.h"

/* capabilities(7) order; the index is the capability number. */
static const char *const cap_names[] = {
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
        "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
        "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
        "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
        "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
        "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

int caps_from_name(const char *name, unsigned *ret_cap)
{
        const char *n = name;

        if (strncasecmp(n, "CAP_", 4) == 0)
                n += 4;
        for (unsigned c = 0; c < ELEMENTSOF(cap_names); c++)
                if (strcasecmp(n, cap_names[c]) == 0) {
                        *ret_cap = c;
                        return 0;
                }
        return -EINVAL;
}

const char *caps_to_name(unsigned cap)
{
        return cap < ELEMENTSOF(cap_names) ? cap_names[cap] : NULL;
}

unsigned caps_last_cap(void)
{
        static unsigned cached;
        unsigned last = ELEMENTSOF(cap_names) - 1;
        uint64_t v;

        if (cached)
                return cached;
        /* Old kernels know fewer capabilities than our table. */
        if (read_u64_file("/proc/sys/kernel/cap_last_cap", &v) >= 0 && v < last)
                last = (unsigned) v;
        cached = last;
        return last;
}

uint64_t caps_all(void)
{
        unsigned last = caps_last_cap();

        return last >= 63 ? UINT64_MAX : CAPS_BIT(last + 1) - 1;
}

uint64_t caps_host(void)
{
        unsigned last = caps_last_cap();
        uint64_t set = 0;

        for (unsigned c = 0; c <= last; c++) {
                int b = prctl(PR_CAPBSET_READ, c, 0, 0, 0);

                if (b < 0)
                        return caps_all();
                if (b > 0)
                        set |= CAPS_BIT(c);
        }
        return set;
}

int caps_parse(const char *text, uint64_t *ret, struct perror *e)
{
        _cleanup_strv_free_ char **items = NULL;
        uint64_t set = 0;
        int r;

        r = split_escaped(text, ';', &items);
        if (r < 0)
                return perror_set(e, EERROR_UNKNOWN, r, "out of memory");
        for (char **i = items; *i; i++) {
                unsigned c;

                if (caps_from_name(*i, &c) < 0)
                        return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                          "unknown capability \"%s\" (use names such as NET_ADMIN; see capabilities(7))",
                                          *i);
                if (c > caps_last_cap())
                        return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                          "capability %s is not supported by this kernel", cap_names[c]);
                set |= CAPS_BIT(c);
        }
        *ret = set;
        return 0;
}

char *caps_format(uint64_t set)
{
        struct strbuf b = STRBUF_INIT;

        for (unsigned c = 0; c < 64; c++) {
                char num[8];
                const char *n;

                if (!(set & CAPS_BIT(c)))
                        continue;
                n = caps_to_name(c);
                if (!n) {
                        snprintf(num, sizeof(num), "%u", c);
                        n = num;
                }
                if ((b.len > 0 && strbuf_append(&b, ";") < 0) || strbuf_append(&b, n) < 0) {
                        strbuf_free(&b);
                        return NULL;
                }
        }
        return strbuf_steal(&b);
}

void caps_format_hex(uint64_t set, char buf[static 17])
{
        snprintf(buf, 17, "%016llx", (unsigned long long) set);
}

/* ---- the manual's rules ---------------------------------------------------- */

#define B(c) CAPS_BIT(CAP_##c)

uint64_t caps_group_memcg(void)
{
        return B(IPC_LOCK);
}

uint64_t caps_group_pidns(void)
{
        return B(KILL) | B(SYS_PTRACE);
}

uint64_t caps_group_netns(void)
{
        return B(NET_ADMIN);
}

uint64_t caps_group_always(void)
{
        return B(NET_BIND_SERVICE) | B(NET_RAW);
}

uint64_t caps_group_chroot(void)
{
        return B(SETPCAP) | B(SETFCAP) | B(CHOWN) | B(FOWNER) | B(DAC_OVERRIDE) | B(FSETID) | B(SETGID) |
               B(SETUID) | B(SYS_CHROOT) | B(MKNOD) | B(AUDIT_WRITE);
}

uint64_t caps_group_suid(void)
{
        return B(LINUX_IMMUTABLE) | B(SYS_ADMIN) | B(SYS_NICE) | B(SYS_RESOURCE) | B(SYS_BOOT);
}

uint64_t caps_default(void)
{
        return (caps_group_memcg() | caps_group_pidns() | caps_group_netns() | caps_group_always() |
                caps_group_chroot() | caps_group_suid()) & caps_all();
}

#undef B

/* Groups whose requirements hold: allowed in a chroot, ambient anywhere. */
static uint64_t caps_met(const struct caps_context *ctx)
{
        uint64_t met = caps_group_always();

        if (ctx->isolate)
                met |= caps_group_pidns();
        if (ctx->memory_limit)
                met |= caps_group_memcg();
        if (ctx->net_isolate && !ctx->ip_limit)
                met |= caps_group_netns();
        if (ctx->chroot)
                met |= caps_group_chroot();
        return met;
}

void caps_compute(const struct caps_context *ctx, uint64_t *ret_allowed, uint64_t *ret_ambient_allowed)
{
        uint64_t allowed, ambient;

        if (ctx->owner_root) {
                allowed = ctx->has_limit ? ctx->limit : caps_default();
                allowed &= ctx->parent_allowed & caps_all();
                *ret_allowed = allowed;
                *ret_ambient_allowed = allowed;
                return;
        }
        ambient = caps_met(ctx);
        /* Outside a chroot the rest only works through suid binaries, which
         * the host's administrator installed. */
        allowed = ctx->chroot ? ambient : caps_default();
        if (ctx->has_limit)
                allowed &= ctx->limit;
        allowed &= ctx->parent_allowed & caps_all();
        *ret_allowed = allowed;
        *ret_ambient_allowed = ambient & allowed;
}

int caps_check_subset(const char *what, uint64_t want, uint64_t allowed, struct perror *e)
{
        _cleanup_free_ char *extra = NULL, *ok = NULL;

        if (!(want & ~allowed))
                return 0;
        extra = caps_format(want & ~allowed);
        ok = caps_format(allowed);
        return perror_set(e, EERROR_PERMISSION, -EPERM, "%s: %s not allowed here (allowed: %s)", what,
                          extra ? extra : "?", ok ? (*ok ? ok : "none") : "?");
}

/* ---- in the container's process ------------------------------------------ */

static int capget_sets(uint64_t *p, uint64_t *eff, uint64_t *inh)
{
        struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
        struct __user_cap_data_struct d[2];

        if (syscall(SYS_capget, &h, d) < 0)
                return -errno;
        *p = d[0].permitted | (uint64_t) d[1].permitted << 32;
        *eff = d[0].effective | (uint64_t) d[1].effective << 32;
        *inh = d[0].inheritable | (uint64_t) d[1].inheritable << 32;
        return 0;
}

static int capset_sets(uint64_t p, uint64_t eff, uint64_t inh)
{
        struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
        struct __user_cap_data_struct d[2] = {
                { (uint32_t) eff, (uint32_t) p, (uint32_t) inh },
                { (uint32_t) (eff >> 32), (uint32_t) (p >> 32), (uint32_t) (inh >> 32) },
        };

        if (syscall(SYS_capset, &h, d) < 0)
                return -errno;
        return 0;
}

int caps_get(struct caps_state *ret)
{
        struct caps_state s = { 0 };
        unsigned last = caps_last_cap();
        int r;

        r = capget_sets(&s.permitted, &s.effective, &s.inheritable);
        if (r < 0)
                return r;
        for (unsigned c = 0; c <= last; c++) {
                int b = prctl(PR_CAPBSET_READ, c, 0, 0, 0);
                int a = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0);

                if (b > 0)
                        s.bounding |= CAPS_BIT(c);
                if (a > 0)
                        s.ambient |= CAPS_BIT(c);
        }
        *ret = s;
        return 0;
}

int caps_keep_across_setuid(void)
{
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return -errno;
        return 0;
}

static int drop_bounding(uint64_t keep, uint64_t current)
{
        unsigned last = caps_last_cap();

        for (unsigned c = 0; c <= last; c++)
                if ((current & CAPS_BIT(c)) && !(keep & CAPS_BIT(c)) &&
                    prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
                        return -errno;
        return 0;
}

static int raise_ambient(uint64_t ambient)
{
        unsigned last = caps_last_cap();

        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && ambient)
                return -errno;
        for (unsigned c = 0; c <= last; c++)
                if ((ambient & CAPS_BIT(c)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
                        return -errno;
        return 0;
}

int caps_apply(uint64_t bounding, uint64_t ambient)
{
        struct caps_state cur;
        uint64_t p;
        int r;

        if (ambient & ~bounding)
                return -EINVAL;
        r = caps_get(&cur);
        if (r < 0)
                return r;
        /* Ambient capabilities can only come from the permitted set. */
        if (ambient & ~cur.permitted)
                return -EPERM;
        /* After a setuid with keep-caps the effective set is empty, and
         * dropping from the bounding set needs SETPCAP in it. */
        r = capset_sets(cur.permitted, cur.permitted, cur.inheritable);
        if (r < 0)
                return r;
        r = drop_bounding(bounding, cur.bounding);
        if (r < 0)
                return r;
        p = geteuid() == 0 ? cur.permitted & bounding : ambient;
        r = capset_sets(p, p, ambient);
        if (r < 0)
                return r;
        r = raise_ambient(ambient);
        if (r < 0)
                return r;
        if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
                return -errno;
        return 0;
}
