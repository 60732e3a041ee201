/* GetSystem and SetSystem (spec 10.20), the request counters behind them
 * and the shared page that keeps the counters across worker restarts and
 * upgrades (system.h). Fields whose feature does not exist in this version
 * (volumes, layers, networks, taints, memory guarantees) are sent as 0:
 * they are required on the wire, and 0 is the truth for a daemon that has
 * none of these. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/timeutil.h"
#include "container.h"
#include "portod.h"
#include "system.h"
#include "version.h"

static struct system_stats own_stats = { .magic = SYSTEM_STATS_MAGIC };
struct system_stats *sys_stats = &own_stats;
uint64_t sys_worker_start_ms;
bool sys_frozen;

/* ---- the shared page --------------------------------------------------- */

static int use_page(int fd)
{
        void *p = mmap(NULL, SYSTEM_STATS_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED)
                return -errno;
        struct system_stats *s = p;
        if (s->magic != SYSTEM_STATS_MAGIC) {
                munmap(p, SYSTEM_STATS_SIZE);
                return -EPROTO;
        }
        sys_stats = s;
        log_use_counters(&s->log);
        return 0;
}

int system_stats_create(void)
{
        own_stats.master_start_ms = now_monotonic_ms();
        _cleanup_close_ int fd = memfd_create("portod-stats", MFD_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (ftruncate(fd, SYSTEM_STATS_SIZE) < 0 ||
            pwrite(fd, &own_stats, sizeof(own_stats), 0) != (ssize_t)sizeof(own_stats))
                return errno ? -errno : -EIO;
        int r = use_page(fd);
        return r < 0 ? r : TAKE_FD(fd);
}

int system_stats_attach(int fd, bool keep)
{
        int r = fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ? -errno : use_page(fd);
        if (!keep || r < 0)
                safe_close(fd);
        return r < 0 ? r : keep ? fd : 0;
}

int system_stats_env_fd(void)
{
        const char *env = getenv(PORTOD_STATS_ENV);
        int fd = -1;
        if (env && (parse_int(env, &fd) < 0 || fd < 0 || fcntl(fd, F_GETFD) < 0)) {
                log_warning("%s=\"%s\" is no open fd; statistics start from 0", PORTOD_STATS_ENV, env);
                fd = -1;
        }
        (void)unsetenv(PORTOD_STATS_ENV);       /* not for containers */
        return fd;
}

/* ---- counting ---------------------------------------------------------- */

#define STAT(field) offsetof(struct system_stats, field)
#define NO_STAT SIZE_MAX

static uint64_t *stat_at(size_t offset)
{
        return (uint64_t *)((char *)sys_stats + offset);
}

static const struct {
        const char *method;
        size_t ok, failed;
} method_counters[] = {
        { "create", STAT(container_created), NO_STAT },
        { "createWeak", STAT(container_created), NO_STAT },
        { "start", STAT(container_started), STAT(container_start_failed) },
};

static const struct {
        int code;
        size_t counter;
} error_counters[] = {
        { EERROR_UNKNOWN, STAT(fail_system) },
        { EERROR_INVALID_VALUE, STAT(fail_invalid_value) },
        { EERROR_INVALID_COMMAND, STAT(fail_invalid_command) },
        { EERROR_INVALID_NETWORK_ADDRESS, STAT(fail_invalid_netaddr) },
};

static const uint64_t longer_ms[] = { 1000, 3000, 30000, 300000 };

void system_count_request(const char *name, int code, uint64_t ms)
{
        sys_stats->request_completed++;
        if (code != EERROR_SUCCESS)
                sys_stats->request_failed++;
        for (size_t i = 0; i < ELEMENTSOF(longer_ms); i++)
                if (ms > longer_ms[i])
                        sys_stats->request_longer[i]++;
        for (size_t i = 0; i < ELEMENTSOF(error_counters); i++)
                if (code == error_counters[i].code)
                        (*stat_at(error_counters[i].counter))++;
        for (size_t i = 0; name && i < ELEMENTSOF(method_counters); i++) {
                if (!streq(name, method_counters[i].method))
                        continue;
                size_t c = code == EERROR_SUCCESS ? method_counters[i].ok : method_counters[i].failed;
                if (c != NO_STAT)
                        (*stat_at(c))++;
        }
}

static uint64_t seconds_since(uint64_t start_ms)
{
        uint64_t now = now_monotonic_ms();
        return start_ms && now > start_ms ? (now - start_ms) / 1000 : 0;
}

static void fill_containers(Rpc__TGetSystemResponse *s)
{
        size_t n;
        struct container *const *all = ct_list_all(&n);

        for (size_t i = 0; i < n; i++) {
                if (ct_is_root(all[i]))
                        continue;
                s->container_count++;
                if (all[i]->state == CT_RUNNING)
                        s->container_running++;
        }
        s->container_limit = config->max_containers;
        s->container_created = sys_stats->container_created;
        s->container_started = sys_stats->container_started;
        s->container_start_failed = sys_stats->container_start_failed;
        s->container_oom = sys_stats->container_oom;
        s->container_buried = sys_stats->container_buried;
        s->container_lost = sys_stats->container_lost;
}

static void fill_requests(Rpc__TGetSystemResponse *s)
{
        s->client_count = clients_count();
        s->client_max = config->max_clients;
        s->client_connected = sys_stats->client_connected;
        s->request_queued = sys_stats->request_queued;
        s->request_completed = sys_stats->request_completed;
        s->request_failed = sys_stats->request_failed;
        /* One event loop serves every request. */
        s->request_threads = 1;
        s->request_longer_1s = sys_stats->request_longer[0];
        s->request_longer_3s = sys_stats->request_longer[1];
        s->request_longer_30s = sys_stats->request_longer[2];
        s->request_longer_5m = sys_stats->request_longer[3];
        s->fail_system = sys_stats->fail_system;
        s->fail_invalid_value = sys_stats->fail_invalid_value;
        s->fail_invalid_command = sys_stats->fail_invalid_command;
        s->has_fail_invalid_netaddr = true;
        s->fail_invalid_netaddr = sys_stats->fail_invalid_netaddr;
        /* No memory guarantees, networks or taints in this version. */
        s->has_fail_memory_guarantee = true;
        s->has_taints = true;
        s->has_container_tainted = true;
        s->has_postfork_issues = true;
        s->has_network_count = s->has_network_created = true;
        s->has_network_problems = s->has_network_repairs = true;
}

enum rpc_result rpc_get_system(struct request *req)
{
        Rpc__TGetSystemResponse *s = req_alloc(req, sizeof(*s));
        struct utsname u;
        if (!s) {
                perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                return RPC_DONE;
        }
        rpc__tget_system_response__init(s);
        s->porto_version = (char *)PORTO_VERSION;
        s->porto_revision = (char *)PORTO_REVISION;
        s->kernel_version = req_strdup(req, uname(&u) == 0 ? u.release : "");
        if (!s->kernel_version) {
                perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                return RPC_DONE;
        }
        const struct log_counters *lc = log_counters();
        s->errors = lc->errors;
        s->warnings = lc->warnings;
        s->log_lines = lc->lines;
        s->log_bytes = lc->bytes;
        s->log_lines_lost = lc->lines_lost;
        s->log_bytes_lost = lc->bytes_lost;
        s->log_open = lc->opens;
        s->stream_rotate_bytes = sys_stats->stream_rotate_bytes;
        s->stream_rotate_errors = sys_stats->stream_rotate_errors;
        s->porto_starts = sys_stats->porto_starts;
        s->porto_uptime = seconds_since(sys_worker_start_ms);
        s->master_uptime = seconds_since(sys_stats->master_start_ms);
        s->verbose = config->verbose;
        s->debug = config->debug;
        /* Volumes and layers do not exist yet: their counters are 0. */
        fill_containers(s);
        fill_requests(s);
        req->rsp->getsystem = s;
        return RPC_DONE;
}

static void set_logging(bool verbose, bool debug)
{
        config->verbose = verbose;
        config->debug = debug;
        log_set_level(debug ? LOG_DEBUG : LOG_INFO);
}

/* The frozen switch is kept in <state-dir>/frozen so that it survives
 * reload and upgrade (an operator freezes, upgrades, then unfreezes) and
 * restarts; --discard forgets it with the containers. */
static char *frozen_path(void)
{
        return strdup_printf("%s/frozen", config->state_dir);
}

void system_restore(void)
{
        _cleanup_free_ char *path = frozen_path();
        if (!path)
                return;
        if (config->discard) {
                (void)unlink(path);
                return;
        }
        if (access(path, F_OK) == 0) {
                sys_frozen = true;
                log_info("system: the daemon stays frozen (%s)", path);
        }
}

static void save_frozen(bool frozen)
{
        _cleanup_free_ char *path = frozen_path();
        int r = path ? 0 : -ENOMEM;
        if (r == 0 && frozen)
                r = write_file_atomic(path, "1\n", 2, 0644);
        else if (r == 0 && unlink(path) < 0 && errno != ENOENT)
                r = -errno;
        if (r < 0)
                log_warning_errno(r, "system: cannot record the frozen switch in %s/frozen (%m); "
                                     "a restarted worker will not know it", config->state_dir);
}

enum rpc_result rpc_set_system(struct request *req)
{
        const Rpc__TSetSystemRequest *r = req->msg->setsystem;
        Rpc__TSetSystemResponse *s = req_alloc(req, sizeof(*s));
        if (!s) {
                perror_set(&req->err, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                return RPC_DONE;
        }
        rpc__tset_system_response__init(s);
        req->rsp->setsystem = s;        /* present even on failure (1.9) */
        if (!req->client->superuser) {
                perror_set(&req->err, EERROR_PERMISSION, -EPERM, "SetSystem is for the super-user only");
                return RPC_DONE;
        }
        bool verbose = config->verbose, debug = config->debug;
        if (r->has_verbose) {
                verbose = r->verbose;
                if (!verbose)
                        debug = false;
        }
        if (r->has_debug) {
                debug = r->debug;
                if (debug)
                        verbose = true;
        }
        if (verbose != config->verbose || debug != config->debug) {
                set_logging(verbose, debug);
                log_info("system: verbose %s, debug %s", verbose ? "on" : "off", debug ? "on" : "off");
        }
        if (r->has_frozen && r->frozen != sys_frozen) {
                sys_frozen = r->frozen;
                save_frozen(r->frozen);
                log_info("system: daemon %s", r->frozen ? "frozen: changes only by the super-user" : "unfrozen");
        }
        return RPC_DONE;
}
