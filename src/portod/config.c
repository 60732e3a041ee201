/* Daemon configuration: hard-coded defaults <- /etc/portod.conf <-
 * /etc/portod.conf.d/<name>.conf (sorted), or only --config FILE <- the command
 * line. Files are protobuf text format of config.proto, read with
 * pbtext_merge(); later files merge over earlier ones (repeated fields
 * append, scalars replace). The result is struct portod_config (daemon.h),
 * read-only after start. Master and worker both load it, so a worker
 * restarted by the master sees the same settings. */
#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/strutil.h"
#include "config.pb-c.h"
#include "portod.h"
#include "shared/devices.h"
#include "shared/pbtext.h"

#define CONFIG_FILE "/etc/portod.conf"
#define CONFIG_DIR "/etc/portod.conf.d"
#define CONFIG_MAX_SIZE (4u << 20)
#define SUN_PATH_MAX 107

static struct portod_config the_config;
struct portod_config *config = &the_config;
struct portod_infra_config infra_config;

/* The merged message (malloc'ed by pbtext, see pbtext.h); kept until
 * config_free() for the warnings of config_log(). */
static Cfg__TConfig *cfg_msg;

static int merge_file(Cfg__TConfig *msg, const char *path, bool must_exist, struct perror *e)
{
        _cleanup_free_ char *text = NULL;

        int r = read_file(path, CONFIG_MAX_SIZE, &text, NULL);
        if (r == -ENOENT && !must_exist)
                return 0;
        if (r < 0)
                return perror_set_errno(e, EERROR_INVALID_VALUE, r, "config %s: cannot read", path);

        struct perror pe;
        perror_clear(&pe);
        r = pbtext_merge(&msg->base, text, &pe);
        if (r < 0)
                return perror_set(e, EERROR_INVALID_VALUE, r, "config %s: %s", path, pe.msg);
        return 0;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static int merge_dir(Cfg__TConfig *msg, const char *dir, struct perror *e)
{
        _cleanup_strv_free_ char **names = NULL;
        DIR *d = opendir(dir);
        if (!d) {
                if (errno == ENOENT)
                        return 0;
                return perror_set_errno(e, EERROR_INVALID_VALUE, -errno, "config %s: cannot open", dir);
        }
        int r = 0;
        for (struct dirent *de; (de = readdir(d));) {
                if (de->d_name[0] == '.' || !endswith(de->d_name, ".conf"))
                        continue;
                r = strv_push(&names, de->d_name);
                if (r < 0)
                        break;
        }
        closedir(d);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "config %s", dir);
        if (!names)
                return 0;
        qsort(names, strv_length(names), sizeof(char *), cmp_str);
        for (char **n = names; *n; n++) {
                _cleanup_free_ char *path = strdup_printf("%s/%s", dir, *n);
                if (!path)
                        return perror_set_errno(e, EERROR_UNKNOWN, -ENOMEM, "config");
                r = merge_file(msg, path, true, e);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int set_str(char **field, const char *opt, const char *file, const char *def)
{
        const char *v = opt ? opt : file ? file : def;
        char *s = v ? strdup(v) : NULL;
        if (v && !s)
                return -ENOMEM;
        free(*field);
        *field = s;
        return 0;
}

static bool exe_dir(char *buf, size_t size)
{
        ssize_t n = readlink("/proc/self/exe", buf, size - 1);
        if (n <= 0)
                return false;
        buf[n] = 0;
        char *slash = strrchr(buf, '/');
        if (!slash)
                return false;
        *slash = 0;
        return true;
}

/* --portoinit, else installed beside us, else the build tree. */
static char *resolve_portoinit(const char *opt)
{
        char dir[PATH_MAX];

        if (opt)
                return strdup(opt);
        if (!exe_dir(dir, sizeof(dir)))
                return strdup("/usr/libexec/porto/portoinit");
        static const char *const candidates[] = {
                "/../libexec/porto/portoinit",     /* installed */
                "/../portoinit/portoinit",         /* build tree */
        };
        char first[PATH_MAX + 64] = "";
        for (size_t i = 0; i < ELEMENTSOF(candidates); i++) {
                char path[PATH_MAX + 64];
                snprintf(path, sizeof(path), "%s%s", dir, candidates[i]);
                char real[PATH_MAX];
                if (realpath(path, real) && access(real, X_OK) == 0)
                        return strdup(real);
                if (i == 0)
                        snprintf(first, sizeof(first), "%s", path);
        }
        return strdup(first);
}

static bool valid_prefix(const char *s)
{
        if (isempty(s) || streq(s, ".") || streq(s, ".."))
                return false;
        for (; *s; s++)
                if (!(('a' <= *s && *s <= 'z') || ('A' <= *s && *s <= 'Z') ||
                      ('0' <= *s && *s <= '9') || strchr("_-.@:", *s)))
                        return false;
        return true;
}

static int check_config(struct perror *e)
{
        const struct {
                const char *what;
                const char *path;
        } paths[] = {
                { "--socket", config->socket_path },
                { "--state-dir", config->state_dir },
                { "--run-dir", config->run_dir },
                { "--place", config->place },
        };
        for (size_t i = 0; i < ELEMENTSOF(paths); i++)
                if (paths[i].path[0] != '/')
                        return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                          "%s: \"%s\" is not an absolute path", paths[i].what, paths[i].path);
        if (strlen(config->socket_path) > SUN_PATH_MAX)
                return perror_set(e, EERROR_INVALID_VALUE, -ENAMETOOLONG,
                                  "--socket: \"%s\" is longer than %d bytes", config->socket_path, SUN_PATH_MAX);
        if (!valid_prefix(config->cgroup_prefix))
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "--cgroup-prefix: \"%s\" must be one cgroup name of [A-Za-z0-9_.@:-]",
                                  config->cgroup_prefix);
        if (config->max_msg_len == 0 || config->max_clients == 0)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "daemon.max_msg_len and daemon.max_clients must be positive");
        return 0;
}

/* container.device_preset: the strings stay in cfg_msg (kept until
 * config_free()); each device line is checked here, once. */
static int apply_device_presets(const Cfg__TContainerCfg *c, struct perror *e)
{
        size_t n = c ? c->n_device_preset : 0;

        free(config->device_presets);
        config->device_presets = calloc(n + 1, sizeof(*config->device_presets));
        config->n_device_presets = 0;
        if (!config->device_presets)
                return perror_set_errno(e, EERROR_UNKNOWN, -ENOMEM, "config");
        for (size_t i = 0; i < n; i++) {
                const Cfg__TDevicePreset *p = c->device_preset[i];

                if (isempty(p->preset))
                        return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "container.device_preset: no name");
                for (size_t j = 0; j < p->n_device; j++) {
                        struct dev_set s = { NULL, 0 };
                        struct perror pe;
                        int r;

                        perror_clear(&pe);
                        r = dev_parse(p->device[j], NULL, 0, &s, &pe);
                        dev_set_done(&s);
                        if (r < 0)
                                return perror_set(e, EERROR_INVALID_VALUE, r, "container.device_preset %s: %s",
                                                  p->preset, pe.msg);
                }
                config->device_presets[config->n_device_presets++] = (struct dev_preset) {
                        .name = p->preset, .devices = p->device, .n_devices = p->n_device,
                };
        }
        return 0;
}

static bool sysfs_path_ok(const char *p)
{
        return startswith(p, "/sys/") && !strstr(p, "/../") && !endswith(p, "/..");
}

/* container.device_sysfs: checked here, used by the start (ct_security.c). */
static int apply_device_sysfs(const Cfg__TContainerCfg *c, struct perror *e)
{
        size_t n = c ? c->n_device_sysfs : 0;

        free(config->device_sysfs);
        config->device_sysfs = calloc(n + 1, sizeof(*config->device_sysfs));
        config->n_device_sysfs = 0;
        if (!config->device_sysfs)
                return perror_set_errno(e, EERROR_UNKNOWN, -ENOMEM, "config");
        for (size_t i = 0; i < n; i++) {
                const Cfg__TDeviceSysfs *d = c->device_sysfs[i];

                if (isempty(d->device) || !startswith(d->device, "/dev/"))
                        return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                          "container.device_sysfs: device \"%s\" is not a /dev path",
                                          d->device ? d->device : "");
                for (size_t j = 0; j < d->n_sysfs; j++)
                        if (!sysfs_path_ok(d->sysfs[j]))
                                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                                  "container.device_sysfs %s: \"%s\" is not a path below /sys",
                                                  d->device, d->sysfs[j]);
                config->device_sysfs[config->n_device_sysfs++] = (struct dev_sysfs) {
                        .device = d->device, .sysfs = d->sysfs, .n_sysfs = d->n_sysfs,
                };
        }
        return 0;
}

#define OPT_U64(sec, field, def) ((sec) && (sec)->has_##field ? (sec)->field : (def))

static int apply(const Cfg__TConfig *m, const struct portod_options *o, struct perror *e)
{
        const Cfg__TDaemonCfg *d = m->daemon;
        const Cfg__TContainerCfg *c = m->container;
        const Cfg__TLogCfg *l = m->log;
        int r = 0;

        r |= set_str(&config->socket_path, o->socket_path, NULL, "/run/portod.socket");
        r |= set_str(&config->state_dir, o->state_dir, NULL, "/run/porto");
        r |= set_str(&config->run_dir, o->run_dir, NULL, "/run");
        r |= set_str(&config->cgroup_prefix, o->cgroup_prefix, NULL, "porto");
        r |= set_str(&config->place, o->place, NULL, "/place");
        r |= set_str(&config->log_path, o->stdlog ? NULL : o->log_path,
                     o->stdlog ? NULL : l ? l->path : NULL, o->stdlog ? NULL : "/var/log/portod.log");
        r |= set_str(&config->default_ulimit, NULL, c ? c->default_ulimit : NULL,
                     "core: 0 unlimited; nofile: 8K 1M");
        r |= set_str(&config->default_resolv_conf, NULL, c ? c->default_resolv_conf : NULL, NULL);
        free(config->portoinit_path);
        config->portoinit_path = resolve_portoinit(o->portoinit_path);
        if (r < 0 || !config->portoinit_path)
                return perror_set_errno(e, EERROR_UNKNOWN, -ENOMEM, "config");

        config->debug = o->debug || (l && l->has_debug && l->debug);
        config->verbose = o->verbose || config->debug || (l && l->has_verbose && l->verbose);
        config->norespawn = o->norespawn;
        config->discard = o->discard;

        uint64_t max_msg_len = OPT_U64(d, max_msg_len, 32u << 20);
        if (max_msg_len > UINT32_MAX)
                return perror_set(e, EERROR_INVALID_VALUE, -ERANGE,
                                  "daemon.max_msg_len: %" PRIu64 " is above 4G-1", max_msg_len);
        config->max_msg_len = (uint32_t)max_msg_len;
        config->max_clients = OPT_U64(d, max_clients, 1000);
        config->max_clients_in_container = OPT_U64(d, max_clients_in_container, 500);
        config->max_containers = OPT_U64(c, max_total, 3000);
        config->stop_timeout_ms = OPT_U64(c, stop_timeout_ms, 30000);
        config->stdout_limit = OPT_U64(c, stdout_limit, 8u << 20);
        config->stdout_limit_max = OPT_U64(c, stdout_limit_max, 1u << 30);
        config->aging_time_s = OPT_U64(c, default_aging_time_s, 86400);
        config->respawn_delay_ns = OPT_U64(c, respawn_delay_ms, 1000) * 1000000;
        config->memory_guarantee_reserve = OPT_U64(d, memory_guarantee_reserve, UINT64_C(2) << 30);
        config->memory_limit_margin = OPT_U64(c, memory_limit_margin, UINT64_C(2) << 30);

        strv_free(config->extra_env);
        config->extra_env = calloc(1, sizeof(char *));
        if (!config->extra_env)
                return perror_set_errno(e, EERROR_UNKNOWN, -ENOMEM, "config");
        for (size_t i = 0; c && i < c->n_extra_env; i++) {
                const Cfg__TExtraEnv *ev = c->extra_env[i];
                if (isempty(ev->name) || strchr(ev->name, '='))
                        return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                          "container.extra_env: invalid variable name \"%s\"",
                                          ev->name ? ev->name : "");
                char *kv = strdup_printf("%s=%s", ev->name, ev->value ? ev->value : "");
                if (!kv || strv_consume(&config->extra_env, kv) < 0)
                        return perror_set_errno(e, EERROR_UNKNOWN, -ENOMEM, "config");
        }

        config->memlock_minimal = OPT_U64(c, memlock_minimal, 8u << 20);
        config->memlock_margin = OPT_U64(c, memlock_margin, 16u << 20);
        r = set_str(&config->extra_devices, NULL, c ? c->extra_devices : NULL, "");
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, -ENOMEM, "config");
        r = apply_device_presets(c, e);
        if (r >= 0)
                r = apply_device_sysfs(c, e);
        if (r < 0)
                return r;

        infra_config.client_idle_timeout_ms = OPT_U64(d, client_idle_timeout, 60) * 1000;
        infra_config.stop_timeout_ms = OPT_U64(d, portod_stop_timeout, 300) * 1000;
        infra_config.start_timeout_ms = OPT_U64(d, portod_start_timeout, 60) * 1000;
        infra_config.worker_respawn_delay_ms = OPT_U64(d, worker_respawn_delay_ms, 1000);
        return check_config(e);
}

int config_load(const struct portod_options *o, struct perror *e)
{
        Cfg__TConfig *msg = malloc(sizeof(*msg));
        if (!msg)
                return perror_set_errno(e, EERROR_UNKNOWN, -ENOMEM, "config");
        cfg__tconfig__init(msg);

        int r;
        if (o->config_path)
                r = merge_file(msg, o->config_path, true, e);
        else {
                r = merge_file(msg, CONFIG_FILE, false, e);
                if (r >= 0)
                        r = merge_dir(msg, CONFIG_DIR, e);
        }
        cfg_msg = msg;
        if (r < 0)
                return r;
        return apply(msg, o, e);
}

/* Sections of config.proto this version accepts but does not act on. */
static void warn_unused(void)
{
        static const char *const unused[] = {
                "anon_limit_margin", "ipc_sysctl",
                "net_sysctl",
        };
        if (!cfg_msg)
                return;
        if (cfg_msg->network || cfg_msg->volumes || cfg_msg->core)
                log_warning("config: sections network, volumes and core are not used by this version");
        if (cfg_msg->daemon && cfg_msg->daemon->sysfs_root)
                log_warning("config: daemon.sysfs_root is not used by this version");
        if (!cfg_msg->container)
                return;
        const ProtobufCMessage *c = &cfg_msg->container->base;
        for (size_t i = 0; i < ELEMENTSOF(unused); i++) {
                const ProtobufCFieldDescriptor *f =
                        protobuf_c_message_descriptor_get_field_by_name(c->descriptor, unused[i]);
                if (!f)
                        continue;
                const char *p = (const char *)c + f->offset;
                bool set;
                if (f->label == PROTOBUF_C_LABEL_REPEATED)
                        set = *(const size_t *)((const char *)c + f->quantifier_offset) > 0;
                else if (f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE)
                        set = *(void *const *)p != NULL;
                else
                        set = *(const protobuf_c_boolean *)((const char *)c + f->quantifier_offset);
                if (set)
                        log_warning("config: container.%s is not used by this version", unused[i]);
        }
}

void config_log(void)
{
        log_info("config: socket %s, state %s, run %s, cgroup prefix %s, place %s, log %s, portoinit %s",
                 config->socket_path, config->state_dir, config->run_dir, config->cgroup_prefix,
                 config->place, config->log_path ? config->log_path : "<stderr>", config->portoinit_path);
        log_info("config: daemon { max_clients: %u max_clients_in_container: %u max_msg_len: %u "
                 "client_idle_timeout: %" PRIu64 " portod_stop_timeout: %" PRIu64
                 " portod_start_timeout: %" PRIu64 " worker_respawn_delay_ms: %" PRIu64 " }",
                 config->max_clients, config->max_clients_in_container, config->max_msg_len,
                 infra_config.client_idle_timeout_ms / 1000, infra_config.stop_timeout_ms / 1000,
                 infra_config.start_timeout_ms / 1000, infra_config.worker_respawn_delay_ms);
        _cleanup_free_ char *env = strv_join(config->extra_env, "; ");
        log_info("config: container { max_total: %u default_ulimit: \"%s\" stdout_limit: %" PRIu64
                 " stdout_limit_max: %" PRIu64 " default_aging_time_s: %" PRIu64
                 " respawn_delay_ms: %" PRIu64 " stop_timeout_ms: %" PRIu64 " extra_env: \"%s\" memory_limit_margin: %" PRIu64 " }",
                 config->max_containers, config->default_ulimit, config->stdout_limit,
                 config->stdout_limit_max, config->aging_time_s, config->respawn_delay_ns / 1000000,
                 config->stop_timeout_ms, env ? env : "", config->memory_limit_margin);
        log_info("config: daemon { memory_guarantee_reserve: %" PRIu64 " }", config->memory_guarantee_reserve);
        log_info("config: log { verbose: %s debug: %s } norespawn: %s discard: %s",
                 config->verbose ? "true" : "false", config->debug ? "true" : "false",
                 config->norespawn ? "true" : "false", config->discard ? "true" : "false");
        warn_unused();
}

void config_free(void)
{
        free(config->socket_path);
        free(config->state_dir);
        free(config->run_dir);
        free(config->cgroup_prefix);
        free(config->place);
        free(config->log_path);
        free(config->portoinit_path);
        free(config->default_ulimit);
        strv_free(config->extra_env);
        free(config->extra_devices);
        free(config->device_presets);
        free(config->device_sysfs);
        memset(config, 0, sizeof(*config));
        if (cfg_msg)
                protobuf_c_message_free_unpacked(&cfg_msg->base, NULL);
        cfg_msg = NULL;
}

char *run_path(const char *name)
{
        return strdup_printf("%s/%s", config->run_dir, name);
}
