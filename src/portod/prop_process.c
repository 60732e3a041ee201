/* Properties of the main process: command, argv, environment, credentials,
 * umask, ulimit, cwd, std streams, virt_mode, isolate, hostname. */
#include <ctype.h>
#include <stdio.h>
#include <sys/resource.h>
#include "prop.h"
#include "spawn.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/parse.h"

/* ---- command, command_argv ---- */

static int get_command(struct prop_ctx *x, struct strbuf *out)
{
        const char *cmd = ct_command(x->ct); /* virt_mode=os: /sbin/init by default */

        return strbuf_append(out, cmd ? cmd : "");
}

static void forget_prop(struct container *ct, const char *name)
{
        const struct prop *p = prop_find(name);
        if (p)
                prop_mark(ct, p, false);
}

static int set_command(struct prop_ctx *x, const char *value)
{
        char *v = strdup(value);

        if (!v)
                return -ENOMEM;
        free(x->ct->command);
        x->ct->command = v;
        strv_free(x->ct->command_argv);
        x->ct->command_argv = NULL;
        forget_prop(x->ct, "command_argv");
        return *v ? 0 : 1;
}

static int get_command_argv(struct prop_ctx *x, struct strbuf *out)
{
        char **argv = x->ct->command_argv;

        if (x->index) {
                size_t i;
                int r = pv_parse_argv_index(x->index, &i);
                if (r == -EINVAL)
                        return perror_set(x->e, EERROR_INVALID_VALUE, -EINVAL,
                                          "command_argv[%s]: index is not a number", x->index);
                if (r < 0 || i >= strv_length(argv))
                        return perror_set(x->e, EERROR_INVALID_VALUE, -ERANGE,
                                          "command_argv[%s]: index out of range (%zu arguments)", x->index,
                                          strv_length(argv));
                return strbuf_append(out, argv[i]);
        }
        return pv_format_argv(out, argv);
}

static int apply_argv(struct container *ct, char **argv)
{
        char *cmd = NULL;

        if (argv && !(cmd = pv_quote_argv(argv))) {
                strv_free(argv);
                return -ENOMEM;
        }
        strv_free(ct->command_argv);
        ct->command_argv = argv;
        free(ct->command);
        ct->command = cmd;
        forget_prop(ct, "command");
        return argv ? 0 : 1;
}

static int set_command_argv(struct prop_ctx *x, const char *value)
{
        _cleanup_strv_free_ char **argv = NULL;
        int r;

        if (x->index) {
                size_t i;
                if (pv_parse_argv_index(x->index, &i) < 0)
                        return perror_set(x->e, EERROR_INVALID_VALUE, -EINVAL,
                                          "command_argv[%s]: index is not a number up to %d", x->index,
                                          PV_ARGV_INDEX_MAX);
                argv = strv_copy(x->ct->command_argv);
                if (!argv && x->ct->command_argv)
                        return -ENOMEM;
                r = pv_argv_set(&argv, i, value);
                if (r < 0)
                        return r;
                return apply_argv(x->ct, TAKE_PTR(argv));
        }
        r = pv_parse_argv(value, &argv);
        if (r < 0)
                return r;
        return apply_argv(x->ct, TAKE_PTR(argv));
}

/* ---- env, env_secret ---- */

static int set_env_common(struct prop_ctx *x, const char *name, char ***field, const char *value)
{
        _cleanup_strv_free_ char **env = NULL;
        int r;

        if (x->index) {
                if (!pv_env_name_valid(x->index))
                        return perror_set(x->e, EERROR_INVALID_VALUE, -EINVAL, "%s[%s]: invalid variable name",
                                          name, x->index);
                env = strv_copy(*field);
                if (!env && *field)
                        return -ENOMEM;
                r = pv_env_set(&env, x->index, value);
                if (r < 0)
                        return r;
        } else {
                r = pv_parse_env(name, value, &env, x->e);
                if (r < 0)
                        return r;
        }
        strv_free(*field);
        *field = TAKE_PTR(env);
        return *field && **field ? 0 : 1;
}

static int get_env(struct prop_ctx *x, struct strbuf *out)
{
        if (x->index) {
                _cleanup_strv_free_ char **env = NULL;
                char **p;
                int r = ct_build_env(x->ct, &env);
                if (r < 0)
                        return r;
                p = pv_env_find(env, x->index);
                if (!p)
                        return perror_set(x->e, EERROR_INVALID_VALUE, -ENOENT, "env: variable %s is not set",
                                          x->index);
                return strbuf_append(out, strchr(*p, '=') + 1);
        }
        return pv_format_env(out, x->ct->env);
}

static int set_env(struct prop_ctx *x, const char *value)
{
        return set_env_common(x, "env", &x->ct->env, value);
}

static int get_env_secret(struct prop_ctx *x, struct strbuf *out)
{
        char **env = x->ct->env_secret;

        if (x->persist)
                return pv_format_env(out, env);
        if (x->index) {
                if (!pv_env_find(env, x->index))
                        return perror_set(x->e, EERROR_INVALID_VALUE, -ENOENT,
                                          "env_secret: variable %s is not set", x->index);
                return strbuf_append(out, "<secret>");
        }
        return pv_format_env_secret(out, env);
}

static int set_env_secret(struct prop_ctx *x, const char *value)
{
        return set_env_common(x, "env_secret", &x->ct->env_secret, value);
}

/* ---- user, group ---- */

static int get_user(struct prop_ctx *x, struct strbuf *out)
{
        char buf[64];
        /* virt_mode=os: root unless user is set */
        return strbuf_append(out, uid_to_name(ct_os_root_user(x->ct) ? 0 : x->ct->user, buf, sizeof(buf)));
}

static int set_user(struct prop_ctx *x, const char *value)
{
        uid_t uid;

        if (user_parse(value, &uid) < 0)
                return pv_invalid(x->e, "user", value, "is not a known user name or uid");
        if (x->req && x->req->client && !client_is_super(x->req->client)) {
                uid_t cu;
                gid_t cg;
                client_cred(x->req->client, &cu, &cg);
                if (uid != cu && uid != x->ct->owner_uid)
                        return perror_set(x->e, EERROR_PERMISSION, -EPERM,
                                          "user: only root may run containers as another user (%s)", value);
        }
        x->ct->user = uid;
        return 0;
}

static int get_group(struct prop_ctx *x, struct strbuf *out)
{
        char buf[64];
        return strbuf_append(out, gid_to_name(ct_os_root_user(x->ct) ? 0 : x->ct->group, buf, sizeof(buf)));
}

static int set_group(struct prop_ctx *x, const char *value)
{
        gid_t gid;

        if (group_parse(value, &gid) < 0)
                return pv_invalid(x->e, "group", value, "is not a known group name or gid");
        if (x->req && x->req->client && !client_is_super(x->req->client)) {
                uid_t cu;
                gid_t cg;
                client_cred(x->req->client, &cu, &cg);
                if (gid != cg && gid != x->ct->owner_gid && !user_in_group(cu, gid))
                        return perror_set(x->e, EERROR_PERMISSION, -EPERM,
                                          "group: you are not a member of group %s", value);
        }
        x->ct->group = gid;
        return 0;
}

/* ---- umask ---- */

static int get_umask(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_umask(out, x->ct->umask);
}

static int set_umask(struct prop_ctx *x, const char *value)
{
        unsigned m;
        int r = pv_parse_umask("umask", value, &m, x->e);

        if (r < 0)
                return r;
        x->ct->umask = m;
        return 0;
}

/* ---- ulimit ---- */

/* Without CAP_SYS_RESOURCE nobody may raise a hard limit above the
 * daemon's own. */
static bool have_sys_resource(void)
{
        static int cached = -1;
        _cleanup_free_ char *data = NULL;
        const char *p;
        unsigned long long caps;

        if (cached >= 0)
                return cached;
        cached = 0;
        if (read_file("/proc/self/status", 1 << 16, &data, NULL) >= 0 && (p = strstr(data, "CapEff:")) &&
            sscanf(p + 7, "%llx", &caps) == 1)
                cached = !!(caps & (1ULL << 24)); /* CAP_SYS_RESOURCE */
        return cached;
}

static uint64_t daemon_hard_limit(int resource)
{
        struct rlimit rl;

        if (have_sys_resource() || getrlimit(resource, &rl) < 0)
                return RLIM_INFINITY;
        return rl.rlim_max;
}

/* Parse "type: [soft] hard; ..." and hold the hard limits to what the
 * daemon can grant. explicit: refuse a hard limit above it; default: clamp
 * it with a log line. */
static int parse_ulimits(const char *value, bool explicit_, struct ct_ulimit **ret, size_t *ret_n,
                         struct perror *e)
{
        _cleanup_free_ struct ct_ulimit *list = NULL;
        size_t n;
        int r;

        r = pv_parse_ulimits(value, &list, &n, e);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                struct ct_ulimit *u = &list[i];
                uint64_t lim = daemon_hard_limit(u->resource);
                _cleanup_(strbuf_free) struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

                if (u->hard <= lim)
                        continue;
                if (pv_format_rlim(&a, u->hard) < 0 || pv_format_rlim(&b, lim) < 0)
                        return -ENOMEM;
                if (explicit_)
                        return perror_set(e, EERROR_INVALID_VALUE, -EPERM,
                                          "ulimit: %s hard limit %s is above the daemon's own hard limit %s "
                                          "(portod lacks CAP_SYS_RESOURCE)", pv_rlimit_name(u->resource), a.s, b.s);
                log_warning("default ulimit %s: hard limit %s clamped to the daemon's %s",
                            pv_rlimit_name(u->resource), a.s, b.s);
                u->hard = lim;
                u->soft = MIN(u->soft, lim);
        }
        *ret = TAKE_PTR(list);
        *ret_n = n;
        return 0;
}

static struct ct_ulimit *default_ulimits;
static size_t n_default_ulimits;
static bool defaults_parsed;

static void load_default_ulimits(void)
{
        struct perror e = { 0 };

        if (defaults_parsed)
                return;
        defaults_parsed = true;
        if (parse_ulimits(config->default_ulimit ? config->default_ulimit : "", false, &default_ulimits,
                          &n_default_ulimits, &e) < 0)
                log_error("config: default_ulimit \"%s\" is invalid, ignored: %s", config->default_ulimit, e.msg);
}

/* The manual: with a memory_limit here or above, the default memlock is
 * max(memory_limit_total - memlock_margin, memlock_minimal) with an
 * unlimited hard limit, held to what the daemon can grant. */
static bool memlock_default(const struct container *ct, struct ct_ulimit *ret)
{
        static bool logged;
        uint64_t total = 0, soft, hard = daemon_hard_limit(RLIMIT_MEMLOCK);

        for (const struct container *c = ct; c && !ct_is_root(c); c = c->parent)
                if (c->memory_limit && (!total || c->memory_limit < total))
                        total = c->memory_limit;
        if (!total)
                return false;
        soft = total > config->memlock_margin ? total - config->memlock_margin : 0;
        soft = MAX(soft, config->memlock_minimal);
        if (hard != RLIM_INFINITY && !logged) {
                logged = true;
                log_info("default ulimit memlock: hard limit unlimited clamped to the daemon's %llu "
                         "(portod lacks CAP_SYS_RESOURCE)", (unsigned long long)hard);
        }
        *ret = (struct ct_ulimit) { .resource = RLIMIT_MEMLOCK, .soft = MIN(soft, hard), .hard = hard };
        return true;
}

/* Defaults overridden by explicit ones, ordered by name. */
static size_t merged_ulimits(const struct container *ct, struct ct_ulimit *out)
{
        struct ct_ulimit memlock;
        size_t n = 0;

        load_default_ulimits();
        for (size_t i = 0; i < PV_RLIMIT_COUNT; i++) {
                int res = pv_rlimit_at(i);
                const struct ct_ulimit *u = NULL;

                for (size_t j = 0; j < ct->n_ulimits && !u; j++)
                        if (ct->ulimits[j].resource == res)
                                u = &ct->ulimits[j];
                if (!u && res == RLIMIT_MEMLOCK && memlock_default(ct, &memlock))
                        u = &memlock;
                for (size_t j = 0; j < n_default_ulimits && !u; j++)
                        if (default_ulimits[j].resource == res)
                                u = &default_ulimits[j];
                if (u)
                        out[n++] = *u;
        }
        return n;
}

int ct_rlimits(const struct container *ct, struct spawn_rlimit **ret, size_t *ret_n)
{
        struct ct_ulimit list[PV_RLIMIT_COUNT];
        size_t n = merged_ulimits(ct, list);
        struct spawn_rlimit *rl = calloc(n + 1, sizeof(*rl));

        if (!rl)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                rl[i].resource = list[i].resource;
                rl[i].limit.rlim_cur = list[i].soft;
                rl[i].limit.rlim_max = list[i].hard;
        }
        *ret = rl;
        *ret_n = n;
        return 0;
}

static int get_ulimit(struct prop_ctx *x, struct strbuf *out)
{
        struct ct_ulimit list[PV_RLIMIT_COUNT];
        size_t n;
        int res;

        if (x->persist)
                return pv_format_ulimits(out, x->ct->ulimits, x->ct->n_ulimits);
        n = merged_ulimits(x->ct, list);
        if (x->index) {
                if (pv_rlimit_from_name(x->index, &res) < 0)
                        return perror_set(x->e, EERROR_INVALID_VALUE, -EINVAL, "ulimit[%s]: unknown limit type",
                                          x->index);
                for (size_t i = 0; i < n; i++)
                        if (list[i].resource == res)
                                return pv_format_ulimit_value(out, &list[i]);
                return 0;
        }
        return pv_format_ulimits(out, list, n);
}

static int set_ulimit(struct prop_ctx *x, const char *value)
{
        struct container *ct = x->ct;
        struct ct_ulimit *list = NULL;
        size_t n = 0;
        int r;

        if (x->index) {
                _cleanup_free_ char *item = NULL;
                int res;

                if (pv_rlimit_from_name(x->index, &res) < 0)
                        return perror_set(x->e, EERROR_INVALID_VALUE, -EINVAL, "ulimit[%s]: unknown limit type",
                                          x->index);
                list = calloc(ct->n_ulimits + 1, sizeof(*list));
                if (!list)
                        return -ENOMEM;
                for (size_t i = 0; i < ct->n_ulimits; i++)
                        if (ct->ulimits[i].resource != res)
                                list[n++] = ct->ulimits[i];
                if (*value) {
                        struct ct_ulimit *one = NULL;
                        size_t n_one = 0;
                        item = strdup_printf("%s: %s", x->index, value);
                        if (!item) {
                                free(list);
                                return -ENOMEM;
                        }
                        r = parse_ulimits(item, true, &one, &n_one, x->e);
                        if (r >= 0 && (n_one != 1 || one[0].resource != res))
                                r = pv_invalid(x->e, "ulimit", value, "is not \"[soft] hard\"");
                        if (r < 0) {
                                free(one);
                                free(list);
                                return r;
                        }
                        list[n++] = one[0];
                        free(one);
                }
        } else {
                r = parse_ulimits(value, true, &list, &n, x->e);
                if (r < 0)
                        return r;
        }
        free(ct->ulimits);
        ct->ulimits = list;
        ct->n_ulimits = n;
        return n ? 0 : 1;
}

/* ---- cwd, std streams ---- */

static int get_cwd(struct prop_ctx *x, struct strbuf *out)
{
        char buf[4096];
        return strbuf_append(out, ct_cwd(x->ct, buf, sizeof(buf)));
}

static int set_path_field(char **field, const char *value)
{
        char *v = NULL;

        if (*value && !(v = strdup(value)))
                return -ENOMEM;
        free(*field);
        *field = v;
        return v ? 0 : 1;
}

static int set_cwd(struct prop_ctx *x, const char *value)
{
        if (*value && value[0] != '/')
                return pv_invalid(x->e, "cwd", value, "is not an absolute path");
        if (strlen(value) >= 4000)
                return pv_invalid(x->e, "cwd", value, "is too long");
        return set_path_field(&x->ct->cwd, value);
}

static int get_std(struct prop_ctx *x, struct strbuf *out, int stream)
{
        _cleanup_free_ char *p = NULL;
        int r;

        if (x->ct->std_path[stream])
                return strbuf_append(out, x->ct->std_path[stream]);
        r = ct_stream_path(x->ct, stream, &p);
        return r < 0 ? r : strbuf_append(out, p);
}

static int set_std(struct prop_ctx *x, const char *name, const char *value, int stream)
{
        const char *fd = startswith(value, "/dev/fd/");
        uint32_t n;

        if (fd && parse_u32(fd, &n) < 0)
                return pv_invalid(x->e, name, value, "is not /dev/fd/<number>");
        if (strlen(value) >= 4000)
                return pv_invalid(x->e, name, value, "is too long");
        return set_path_field(&x->ct->std_path[stream], value);
}

static int get_stdin_path(struct prop_ctx *x, struct strbuf *out) { return get_std(x, out, CT_STDIN); }
static int get_stdout_path(struct prop_ctx *x, struct strbuf *out) { return get_std(x, out, CT_STDOUT); }
static int get_stderr_path(struct prop_ctx *x, struct strbuf *out) { return get_std(x, out, CT_STDERR); }
static int set_stdin_path(struct prop_ctx *x, const char *v) { return set_std(x, "stdin_path", v, CT_STDIN); }
static int set_stdout_path(struct prop_ctx *x, const char *v) { return set_std(x, "stdout_path", v, CT_STDOUT); }
static int set_stderr_path(struct prop_ctx *x, const char *v) { return set_std(x, "stderr_path", v, CT_STDERR); }

static int get_stdout_limit(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_u64(out, x->ct->stdout_limit);
}

static int set_stdout_limit(struct prop_ctx *x, const char *value)
{
        int r = pv_parse_size("stdout_limit", value, config->stdout_limit_max, &x->ct->stdout_limit, x->e);
        return r < 0 ? r : 0;
}

/* ---- virt_mode, isolate, hostname ---- */

static int get_virt_mode(struct prop_ctx *x, struct strbuf *out)
{
        return strbuf_append(out, virt_mode_to_string(x->ct->virt_mode));
}

static int set_virt_mode(struct prop_ctx *x, const char *value)
{
        enum virt_mode m;

        if (virt_mode_from_string(value, &m) < 0)
                return pv_invalid(x->e, "virt_mode", value, "is not one of app, os, job, host");
        /* host lifts the container's own security restrictions */
        if (m == VIRT_HOST && x->req && x->req->client && !client_is_super(x->req->client))
                return perror_set(x->e, EERROR_PERMISSION, -EPERM,
                                  "virt_mode: host (no security restrictions) needs root");
        x->ct->virt_mode = m;
        return 0;
}

static int get_isolate(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_bool(out, x->ct->isolate);
}

static int set_isolate(struct prop_ctx *x, const char *value)
{
        int r = pv_parse_bool("isolate", value, &x->ct->isolate, x->e);
        return r < 0 ? r : 0;
}

static int get_hostname(struct prop_ctx *x, struct strbuf *out)
{
        return strbuf_append(out, x->ct->hostname ? x->ct->hostname : "");
}

static int set_hostname(struct prop_ctx *x, const char *value)
{
        if (strlen(value) > 64)
                return pv_invalid(x->e, "hostname", value, "is longer than 64 characters");
        for (const char *p = value; *p; p++)
                if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '.' || *p == '_'))
                        return pv_invalid(x->e, "hostname", value, "may contain only letters, digits, '-', '_', '.'");
        return set_path_field(&x->ct->hostname, value);
}

struct prop prop_process_table[] = {
        { "command", "command line, $VARS are expanded with wordexp(3)", PROP_PERSIST,
          get_command, set_command, 0 },
        { "command_argv", "verbatim command line, tab separated; command_argv[i]",
          PROP_PERSIST | PROP_INDEXED, get_command_argv, set_command_argv, 0 },
        { "env", "environment of the main process: <variable>=<value>; ...", PROP_PERSIST | PROP_INDEXED,
          get_env, set_env, 0 },
        { "env_secret", "secret environment, values hidden: <variable>=<value>; ...",
          PROP_PERSIST | PROP_INDEXED, get_env_secret, set_env_secret, 0 },
        { "user", "user of the container processes", PROP_PERSIST, get_user, set_user, 0 },
        { "group", "group of the container processes", PROP_PERSIST, get_group, set_group, 0 },
        { "umask", "initial file creation mask", PROP_PERSIST, get_umask, set_umask, 0 },
        { "ulimit", "resource limits: <type>: [soft]|unlimited <hard>|unlimited; ... (memlock defaults "
          "from memory_limit)",
          PROP_PERSIST | PROP_INDEXED, get_ulimit, set_ulimit, 0 },
        { "cwd", "working directory", PROP_PERSIST, get_cwd, set_cwd, 0 },
        { "stdin_path", "stdin file, default /dev/null", PROP_PERSIST, get_stdin_path, set_stdin_path, 0 },
        { "stdout_path", "stdout file, default: internal rotated storage", PROP_PERSIST,
          get_stdout_path, set_stdout_path, 0 },
        { "stderr_path", "stderr file, default: internal rotated storage", PROP_PERSIST,
          get_stderr_path, set_stderr_path, 0 },
        { "stdout_limit", "limit of the internal stdout/stderr storage", PROP_PERSIST | PROP_DYNAMIC,
          get_stdout_limit, set_stdout_limit, 0 },
        { "virt_mode", "virtualization mode: app|os|job|host (os: command /sbin/init as pid 1, user root, std streams /dev/null, net none, cwd /, SIGPWR on stop; job: a process group in the parent's namespaces, never isolated, with cgroups of its own; host: no security restrictions of its own (capabilities and devices of the parent), root only)", PROP_PERSIST, get_virt_mode, set_virt_mode, 0 },
        { "isolate", "new pid/ipc/uts namespaces (nested in an isolated parent's), a fresh /proc and a new "
                      "environment (parents' env not inherited); a meta keeps them for its children with "
                      "portoinit --hold as pid 1", PROP_PERSIST, get_isolate, set_isolate, 0 },
        { "hostname", "hostname inside the container (needs isolate: refused at start without; a meta's goes to "
                      "its children); in a root also /etc/hostname", PROP_PERSIST,
          get_hostname, set_hostname, 0 },
};
const size_t prop_process_count = ELEMENTSOF(prop_process_table);
