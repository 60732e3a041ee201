/* Output formatting of portoctl (spec/portoctl.md section 4) and the
 * signal names of `kill` (section 5). */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

#include "portoctl.h"
#include "basic/parse.h"
#include "basic/strutil.h"

/* Not basic's format_size(): portoctl prints "512B" and "1024.0K" as the
 * original does (section 4), format_size() "512" and "1.0M". */
static char *fmt_size(char buf[static FMT_BUF], uint64_t bytes)
{
        static const char units[] = "BKMGTPE";
        unsigned i = 0;

        /* "0", not "0B": the original prints a bare zero. */
        if (bytes == 0) {
                snprintf(buf, FMT_BUF, "0");
                return buf;
        }
        while (i + 1 < sizeof(units) - 1 && bytes >= (UINT64_C(1) << (10 * (i + 1))))
                i++;
        if (bytes % (UINT64_C(1) << (10 * i)) == 0)
                snprintf(buf, FMT_BUF, "%" PRIu64 "%c", bytes >> (10 * i), units[i]);
        else
                snprintf(buf, FMT_BUF, "%.1f%c", (double) bytes / (double) (UINT64_C(1) << (10 * i)), units[i]);
        return buf;
}

char *fmt_duration(char buf[static FMT_BUF], uint64_t ms)
{
        uint64_t s = ms / 1000;

        if (ms < UINT64_C(60000))
                snprintf(buf, FMT_BUF, "%gs", (double) ms / 1000.0);
        else if (s < 86400)
                snprintf(buf, FMT_BUF, "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64, s / 3600, s / 60 % 60, s % 60);
        else
                snprintf(buf, FMT_BUF, "%" PRIu64 "d %2" PRIu64 ":%02" PRIu64, s / 86400, s / 3600 % 24, s / 60 % 60);
        return buf;
}

char *fmt_time(char buf[static FMT_BUF], time_t t)
{
        struct tm tm;

        if (!localtime_r(&t, &tm) || strftime(buf, FMT_BUF, "%Y-%m-%d %H:%M:%S", &tm) == 0)
                buf[0] = 0;
        return buf;
}

bool multiline_mode(void)
{
        return isatty(STDOUT_FILENO);
}

/* ---- signals -------------------------------------------------------------- */

/* Not basic's parse_signal(): `kill` takes exactly the names of section 5
 * ("SIG" prefix, case-sensitive) and any number, which the daemon judges. */
struct signal_entry {
        const char *name;
        int sig;
};

#define SIG(x) { "SIG" #x, SIG##x }
static const struct signal_entry signals[] = {
        SIG(HUP),  SIG(INT),    SIG(QUIT), SIG(ILL),    SIG(ABRT),   SIG(FPE),  SIG(KILL), SIG(SEGV),
        SIG(PIPE), SIG(ALRM),   SIG(TERM), SIG(USR1),   SIG(USR2),   SIG(CHLD), SIG(CONT), SIG(STOP),
        SIG(TSTP), SIG(TTIN),   SIG(TTOU), SIG(BUS),    SIG(POLL),   SIG(PROF), SIG(SYS),  SIG(TRAP),
        SIG(URG),  SIG(VTALRM), SIG(XCPU), SIG(XFSZ),   SIG(IOT),    SIG(STKFLT), SIG(IO), SIG(CLD),
        SIG(PWR),  SIG(WINCH),
#ifdef SIGEMT
        SIG(EMT),
#endif
#ifdef SIGINFO
        SIG(INFO),
#endif
#ifdef SIGLOST
        SIG(LOST),
#endif
};
#undef SIG

const char *signal_name(int sig)
{
        for (size_t i = 0; i < ELEMENTSOF(signals); i++)
                if (signals[i].sig == sig)
                        return signals[i].name;
        return NULL;
}

int signal_parse(const char *s, int *ret)
{
        int sig;

        for (size_t i = 0; i < ELEMENTSOF(signals); i++)
                if (streq(signals[i].name, s)) {
                        *ret = signals[i].sig;
                        return 0;
                }
        if (parse_int(s, &sig) < 0)
                return -EINVAL;
        *ret = sig;
        return 0;
}

/* ---- human property values -------------------------------------------------- */

enum human_kind {
        HUMAN_RAW,
        HUMAN_STREAM,
        HUMAN_LIST,
        HUMAN_BYTE_MAP,
        HUMAN_NS_MAP,
        HUMAN_SIZE,
        HUMAN_SECONDS,
        HUMAN_NANOSECONDS,
        HUMAN_EXIT_STATUS,
};

struct human_rule {
        const char *name;
        enum human_kind kind;
};

static const struct human_rule human_rules[] = {
        { "stdout", HUMAN_STREAM },
        { "stderr", HUMAN_STREAM },

        { "env", HUMAN_LIST },
        { "labels", HUMAN_LIST },
        { "net", HUMAN_LIST },
        { "ip", HUMAN_LIST },
        { "default_gw", HUMAN_LIST },
        { "devices", HUMAN_LIST },
        { "bind", HUMAN_LIST },
        { "symlink", HUMAN_LIST },
        { "ulimit", HUMAN_LIST },
        { "cgroups", HUMAN_LIST },
        { "controllers", HUMAN_LIST },
        { "resolv_conf", HUMAN_LIST },
        { "volumes_owned", HUMAN_LIST },
        { "volumes_linked", HUMAN_LIST },
        { "volumes_required", HUMAN_LIST },
        { "net_drops", HUMAN_LIST },
        { "net_overlimits", HUMAN_LIST },
        { "net_packets", HUMAN_LIST },
        { "net_rx_drops", HUMAN_LIST },
        { "net_rx_packets", HUMAN_LIST },
        { "net_tx_drops", HUMAN_LIST },
        { "net_tx_packets", HUMAN_LIST },
        { "net_class_id", HUMAN_LIST },
        { "io_ops_limit", HUMAN_LIST },
        { "io_ops", HUMAN_LIST },

        { "net_limit", HUMAN_BYTE_MAP },
        { "net_rx_limit", HUMAN_BYTE_MAP },
        { "net_guarantee", HUMAN_BYTE_MAP },
        { "net_bytes", HUMAN_BYTE_MAP },
        { "net_rx_bytes", HUMAN_BYTE_MAP },
        { "net_tx_bytes", HUMAN_BYTE_MAP },
        { "place_usage", HUMAN_BYTE_MAP },
        { "place_limit", HUMAN_BYTE_MAP },
        { "io_limit", HUMAN_BYTE_MAP },
        { "io_read", HUMAN_BYTE_MAP },
        { "io_write", HUMAN_BYTE_MAP },
        { "virtual_memory", HUMAN_BYTE_MAP },
        { "io_time", HUMAN_NS_MAP },

        { "memory_guarantee", HUMAN_SIZE },
        { "memory_limit", HUMAN_SIZE },
        { "memory_usage", HUMAN_SIZE },
        { "memory_limit_total", HUMAN_SIZE },
        { "memory_guarantee_total", HUMAN_SIZE },
        { "memory_reclaimed", HUMAN_SIZE },
        { "anon_usage", HUMAN_SIZE },
        { "anon_max_usage", HUMAN_SIZE },
        { "cache_usage", HUMAN_SIZE },
        { "anon_limit", HUMAN_SIZE },
        { "anon_limit_total", HUMAN_SIZE },
        { "max_rss", HUMAN_SIZE },
        { "stdout_limit", HUMAN_SIZE },
        { "hugetlb_limit", HUMAN_SIZE },
        { "hugetlb_usage", HUMAN_SIZE },

        { "time", HUMAN_SECONDS },
        { "aging_time", HUMAN_SECONDS },

        { "cpu_usage", HUMAN_NANOSECONDS },
        { "cpu_usage_system", HUMAN_NANOSECONDS },
        { "cpu_wait", HUMAN_NANOSECONDS },
        { "cpu_throttled", HUMAN_NANOSECONDS },
        { "cpu_period", HUMAN_NANOSECONDS },
        { "respawn_delay", HUMAN_NANOSECONDS },

        { "exit_status", HUMAN_EXIT_STATUS },
};

static enum human_kind human_kind_of(const char *property)
{
        size_t len = strcspn(property, "[");

        if (strncmp(property, "capabilities", strlen("capabilities")) == 0)
                return HUMAN_LIST;
        for (size_t i = 0; i < ELEMENTSOF(human_rules); i++)
                if (strlen(human_rules[i].name) == len && strncmp(human_rules[i].name, property, len) == 0)
                        return human_rules[i].kind;
        return HUMAN_RAW;
}

/* Insert `pad` after every ';'. */
static char *break_lines(const char *value, const char *pad)
{
        struct strbuf b = STRBUF_INIT;

        for (const char *p = value; *p; p++) {
                if (strbuf_append_n(&b, p, 1) < 0 || (*p == ';' && strbuf_append(&b, pad) < 0)) {
                        strbuf_free(&b);
                        return NULL;
                }
        }
        return strbuf_steal(&b);
}

static char *human_stream(const char *value)
{
        size_t len = strlen(value);

        if (len <= 4096)
                return strdup(value);
        return strdup_printf("%.2048s\n... skip %zu bytes ...\n%s", value, len - 4096, value + len - 2048);
}

static void format_number(struct strbuf *b, enum human_kind kind, uint64_t v)
{
        char buf[FMT_BUF];

        if (kind == HUMAN_NS_MAP)
                strbuf_append(b, fmt_duration(buf, v / 1000000));
        else
                strbuf_append(b, fmt_size(buf, v));
}

/* "key: value; ..." maps of byte counts (or nanoseconds); a plain number is
 * an indexed read of such a map. Non-numbers are kept as they are. */
static char *human_map(const char *value, enum human_kind kind, bool multiline)
{
        _cleanup_strv_free_ char **items = NULL;
        struct strbuf b = STRBUF_INIT;
        uint64_t v;

        if (parse_u64(value, &v) == 0) {
                format_number(&b, kind, v);
                return strbuf_steal(&b);
        }
        if (split_escaped(value, ';', &items) < 0)
                return NULL;
        for (size_t i = 0; items[i]; i++) {
                _cleanup_free_ char *key = NULL, *val = NULL;

                if (i > 0)
                        strbuf_append(&b, multiline ? ";\n       " : "; ");
                if (split_pair(items[i], ':', &key, &val) == 0 && parse_u64(val, &v) == 0) {
                        strbuf_printf(&b, "%s: ", key);
                        format_number(&b, kind, v);
                } else {
                        strbuf_append(&b, items[i]);
                }
        }
        return strbuf_steal(&b);
}

static char *human_exit_status(uint64_t v)
{
        int status = (int) v;

        if (WIFSIGNALED(status)) {
                int sig = WTERMSIG(status);

                return strdup_printf("exit signal: %d (%s)%s", sig, strsignal(sig),
                                     WCOREDUMP(status) ? " (Core dumped)" : "");
        }
        return strdup_printf("exit code: %d", WEXITSTATUS(status));
}

char *human_value(const char *property, const char *value, bool multiline)
{
        enum human_kind kind = human_kind_of(property);
        char buf[FMT_BUF];
        uint64_t v;

        switch (kind) {
        case HUMAN_STREAM:
                return human_stream(value);
        case HUMAN_LIST:
                return multiline ? break_lines(value, "\n      ") : strdup(value);
        case HUMAN_BYTE_MAP:
        case HUMAN_NS_MAP:
                return human_map(value, kind, multiline);
        default:
                break;
        }

        if (parse_u64(value, &v) < 0)
                return strdup(value);
        switch (kind) {
        case HUMAN_SIZE:
                return strdup(fmt_size(buf, v));
        case HUMAN_SECONDS:
                return strdup(fmt_duration(buf, v > UINT64_MAX / 1000 ? UINT64_MAX : v * 1000));
        case HUMAN_NANOSECONDS:
                return strdup(fmt_duration(buf, v / 1000000));
        case HUMAN_EXIT_STATUS:
                return human_exit_status(v);
        default:
                return strdup(value);
        }
}
