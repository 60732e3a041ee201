/* The container tree: lookup by full name, the sorted list used by list/get,
 * ids, names as clients see them, and state changes with their events. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "container.h"
#include "prop.h"
#include "basic/hashmap.h"
#include "basic/log.h"
#include "basic/name.h"
#include "basic/timeutil.h"
#include "shared/cgroup.h"

struct container *ct_root;
static struct hashmap *by_name;
static struct container **all;  /* sorted by full name, root excluded */
static size_t n_all, cap_all;
static uint64_t generation = 1;

static const char *const state_names[CT_STATE_MAX] = {
        [CT_STOPPED] = "stopped",
        [CT_STARTING] = "starting",
        [CT_RUNNING] = "running",
        [CT_STOPPING] = "stopping",
        [CT_PAUSED] = "paused",
        [CT_DEAD] = "dead",
        [CT_META] = "meta",
        [CT_RESPAWNING] = "respawning",
        [CT_DESTROYED] = "destroyed",
};

static const char *const virt_mode_names[VIRT_MODE_MAX] = {
        [VIRT_APP] = "app",
        [VIRT_OS] = "os",
        [VIRT_HOST] = "host",
        [VIRT_JOB] = "job",
};

const char *ct_state_to_string(enum ct_state s)
{
        return s < CT_STATE_MAX ? state_names[s] : "unknown";
}

int ct_state_from_string(const char *s, enum ct_state *ret)
{
        for (int i = 0; i < CT_STATE_MAX; i++)
                if (streq(s, state_names[i])) {
                        *ret = i;
                        return 0;
                }
        return -EINVAL;
}

const char *virt_mode_to_string(enum virt_mode m)
{
        return m < VIRT_MODE_MAX ? virt_mode_names[m] : "unknown";
}

int virt_mode_from_string(const char *s, enum virt_mode *ret)
{
        for (int i = 0; i < VIRT_MODE_MAX; i++)
                if (streq(s, virt_mode_names[i])) {
                        *ret = i;
                        return 0;
                }
        return -EINVAL;
}

static void ct_set_defaults(struct container *ct)
{
        ct->state = CT_STOPPED;
        ct->umask = 0002;
        ct->isolate = true;
        ct->stdout_limit = config->stdout_limit;
        ct->max_respawns = -1;
        ct->respawn_delay_ns = config->respawn_delay_ns;
        ct->aging_time_s = config->aging_time_s;
        ct->virt_mode = VIRT_APP;
        ct->cpu_period = RES_CPU_PERIOD_DEFAULT;
        ct->cpu_weight = 1.0;
        ct->cpu_policy = RES_CPU_POLICY_NORMAL;
        ct->io_policy = RES_IO_POLICY_NONE;
        ct->io_weight = 1.0;
        ct->oom_is_fatal = true;
        ct->oom_fd = -EBADF;
        ct->enable_porto = PORTO_ACCESS_FULL;
        ct->user = ct->owner_uid;
        ct->group = ct->owner_gid;
        ct->creation_time_ms = ct->change_time_ms = now_realtime_ms();
}

int ct_tree_init(void)
{
        struct container *root;

        by_name = hashmap_new();
        if (!by_name)
                return -ENOMEM;
        root = calloc(1, sizeof(*root));
        if (!root)
                return -ENOMEM;
        root->name = strdup("/");
        if (!root->name) {
                free(root);
                return -ENOMEM;
        }
        root->short_name = root->name;
        root->id = 1;
        ct_set_defaults(root);
        root->state = CT_META;
        root->is_meta = true;
        ct_root = root;
        return hashmap_put(by_name, root->name, root);
}

uint64_t ct_generation(void)
{
        return generation;
}

struct container *ct_find(const char *full_name)
{
        return hashmap_get(by_name, full_name);
}

struct container *const *ct_list_all(size_t *ret_n)
{
        *ret_n = n_all;
        return all;
}

size_t ct_count(void)
{
        return n_all;
}

bool ct_is_ancestor(const struct container *anc, const struct container *ct)
{
        for (const struct container *p = ct->parent; p; p = p->parent)
                if (p == anc)
                        return true;
        return false;
}

unsigned ct_cg_mask(const struct container *ct)
{
        if (ct_is_root(ct))
                return cg_supported_mask();
        /* while cgroups exist the mask is the one they were made with */
        if (ct->cg_started)
                return ct->cg_started;
        return ct_cg_config_mask(ct);
}

const char *ct_cg_rel_for(const struct container *ct, int controller)
{
        for (; !ct_is_root(ct); ct = ct->parent)
                if (ct_cg_mask(ct) & (1u << controller))
                        return ct->name;
        return "";
}

/* Binary search in a sorted array of containers by key(name). */
static size_t all_pos(const char *name, bool *ret_found)
{
        size_t lo = 0, hi = n_all;

        *ret_found = false;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                int c = strcmp(name, all[mid]->name);
                if (c == 0) {
                        *ret_found = true;
                        return mid;
                }
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return lo;
}

static size_t child_pos(const struct container *parent, const char *short_name, bool *ret_found)
{
        size_t lo = 0, hi = parent->n_children;

        *ret_found = false;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                int c = strcmp(short_name, parent->children[mid]->short_name);
                if (c == 0) {
                        *ret_found = true;
                        return mid;
                }
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return lo;
}

static int insert_ptr(struct container ***arr, size_t *n, size_t *cap, size_t pos, struct container *ct)
{
        if (*n == *cap) {
                size_t ncap = *cap ? *cap * 2 : 8;
                struct container **na = realloc(*arr, ncap * sizeof(*na));
                if (!na)
                        return -ENOMEM;
                *arr = na;
                *cap = ncap;
        }
        memmove(*arr + pos + 1, *arr + pos, (*n - pos) * sizeof(**arr));
        (*arr)[pos] = ct;
        (*n)++;
        return 0;
}

static void remove_ptr(struct container **arr, size_t *n, size_t pos)
{
        memmove(arr + pos, arr + pos + 1, (*n - pos - 1) * sizeof(*arr));
        (*n)--;
}

int ct_insert(const char *name, uint64_t id, uid_t owner_uid, gid_t owner_gid,
              struct container **ret, struct perror *e)
{
        _cleanup_free_ char *parent_name = NULL;
        struct container *parent, *ct;
        const char *slash = strrchr(name, '/');
        size_t pos_all, pos_child;
        bool found;
        int r;

        if (slash) {
                parent_name = strndup(name, slash - name);
                if (!parent_name)
                        return -ENOMEM;
                parent = ct_find(parent_name);
        } else
                parent = ct_root;
        if (!parent)
                return perror_set(e, EERROR_CONTAINER_DOES_NOT_EXIST, -ENOENT,
                                  "parent container %s not found", parent_name);
        if (ct_find(name))
                return perror_set(e, EERROR_CONTAINER_ALREADY_EXISTS, -EEXIST,
                                  "container %s already exists", name);

        ct = calloc(1, sizeof(*ct));
        if (!ct)
                return -ENOMEM;
        ct->name = strdup(name);
        if (!ct->name) {
                free(ct);
                return -ENOMEM;
        }
        ct->short_name = slash ? ct->name + (slash - name) + 1 : ct->name;
        ct->parent = parent;
        ct->level = parent->level + 1;
        ct->owner_uid = owner_uid;
        ct->owner_gid = owner_gid;
        ct_set_defaults(ct);

        pos_all = all_pos(ct->name, &found);
        pos_child = child_pos(parent, ct->short_name, &found);
        r = hashmap_put(by_name, ct->name, ct);
        if (r < 0)
                goto fail;
        r = insert_ptr(&all, &n_all, &cap_all, pos_all, ct);
        if (r < 0) {
                hashmap_remove(by_name, ct->name);
                goto fail;
        }
        r = insert_ptr(&parent->children, &parent->n_children, &parent->children_cap, pos_child, ct);
        if (r < 0) {
                hashmap_remove(by_name, ct->name);
                remove_ptr(all, &n_all, pos_all);
                goto fail;
        }
        ct->id = id ? id : persist_alloc_id();
        ct_id_seen(ct->id);
        *ret = ct;
        return 0;
fail:
        free(ct->name);
        free(ct);
        return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot create container %s", name);
}

void ct_remove_free(struct container *ct)
{
        bool found;
        size_t pos;

        if (!ct || ct_is_root(ct))
                return;
        generation++;
        pos = all_pos(ct->name, &found);
        if (found)
                remove_ptr(all, &n_all, pos);
        pos = child_pos(ct->parent, ct->short_name, &found);
        if (found)
                remove_ptr(ct->parent->children, &ct->parent->n_children, pos);
        hashmap_remove(by_name, ct->name);

        free(ct->children);
        free(ct->command);
        strv_free(ct->command_argv);
        strv_free(ct->env);
        strv_free(ct->env_secret);
        free(ct->ulimits);
        free(ct->cwd);
        for (int i = 0; i < 3; i++)
                free(ct->std_path[i]);
        free(ct->hostname);
        free(ct->private_value);
        ct_labels_free(ct);
        ct_resources_free(ct);
        ct_fs_free(ct);
        ct_security_free(ct);
        free(ct->start_error);
        free(ct->name);
        free(ct);
}

/* ids: never reused within a daemon lifetime (persist.c keeps the counter). */
static uint64_t max_id_seen = 1;

void ct_id_seen(uint64_t id)
{
        if (id > max_id_seen)
                max_id_seen = id;
}

uint64_t ct_next_id_peek(void)
{
        return max_id_seen + 1;
}

void ct_touch(struct container *ct)
{
        ct->change_time_ms = now_realtime_ms();
}

bool ct_is_active(const struct container *ct)
{
        switch (ct->state) {
        case CT_STARTING:
        case CT_RUNNING:
        case CT_META:
        case CT_STOPPING:
        case CT_PAUSED:
                return true;
        default:
                return false;
        }
}

bool ct_has_running_children(const struct container *ct)
{
        for (size_t i = 0; i < ct->n_children; i++)
                if (ct_is_active(ct->children[i]))
                        return true;
        return false;
}

bool ct_is_finished(const struct container *ct)
{
        switch (ct->state) {
        case CT_STOPPED:
        case CT_DEAD:
        case CT_RESPAWNING:
                return true;
        case CT_META:
                return !ct_has_running_children(ct);
        default:
                return false;
        }
}

int ct_exit_code(const struct container *ct)
{
        if (ct->oom_killed)
                return -99;
        if (ct->exit_status == CT_EXIT_STATUS_LOST)
                return CT_EXIT_CODE_LOST;
        if (WIFEXITED(ct->exit_status))
                return WEXITSTATUS(ct->exit_status);
        if (WIFSIGNALED(ct->exit_status))
                return -WTERMSIG(ct->exit_status);
        return 0;
}

void ct_set_state(struct container *ct, enum ct_state state)
{
        char code[16];

        if (state == CT_DEAD || state == CT_RESPAWNING) {
                snprintf(code, sizeof(code), "%d", ct_exit_code(ct));
                ct_set_state_event(ct, state, "exit_code", code);
        } else
                ct_set_state_event(ct, state, NULL, NULL);
}

void ct_set_state_event(struct container *ct, enum ct_state state, const char *label, const char *value)
{
        enum ct_state old = ct->state;

        if (old == state)
                return;
        ct->state = state;
        ct_touch(ct);
        log_debug("%s: %s -> %s", ct->name, ct_state_to_string(old), ct_state_to_string(state));
        if (state != CT_STARTING && state != CT_STOPPING)
                ct_save(ct);
        waiter_event(ct, label, value);

        /* A meta parent whose last running child finished is "finished" too. */
        if (ct->parent && ct->parent->state == CT_META && !ct_is_root(ct->parent)) {
                bool was = old == CT_STARTING || old == CT_RUNNING || old == CT_META ||
                           old == CT_STOPPING || old == CT_PAUSED;
                if (was && !ct_is_active(ct) && !ct_has_running_children(ct->parent))
                        waiter_event(ct->parent, NULL, NULL);
        }
}

/* ---- names (10.1) ---- */

/* The client's porto namespace (ct_porto_ns.c). */
static const char *client_namespace(struct request *req)
{
        return ct_client_namespace(req);
}

static int normalize(struct request *req, const char *name, const char **ret, struct perror *e)
{
        char buf[CT_NAME_MAX_SUPERUSER * 2 + 64];
        const char *p = name;
        size_t len = 0;

        if (!strstr(name, "..")) {
                *ret = name;
                return 0;
        }
        /* resolve ".." components ("self/..") */
        while (*p) {
                const char *end = strchrnul(p, '/');
                size_t n = end - p;

                if (n == 2 && p[0] == '.' && p[1] == '.') {
                        if (len == 0)
                                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                                  "invalid container name \"%s\": goes above the root", name);
                        while (len > 0 && buf[len - 1] != '/')
                                len--;
                        if (len > 0)
                                len--;
                } else {
                        if (len + n + 2 >= sizeof(buf))
                                return perror_set(e, EERROR_INVALID_VALUE, -ENAMETOOLONG,
                                                  "container name too long");
                        if (len > 0)
                                buf[len++] = '/';
                        memcpy(buf + len, p, n);
                        len += n;
                }
                p = *end ? end + 1 : end;
        }
        buf[len] = 0;
        *ret = len ? req_strdup(req, buf) : "/";
        return *ret ? 0 : -ENOMEM;
}

int ct_resolve_name(struct request *req, const char *name, const char **ret_full, struct perror *e)
{
        const char *rest, *full;
        struct container *self;

        if (isempty(name))
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "empty container name");
        if (streq(name, "/") || streq(name, "/porto")) {
                *ret_full = "/";
                return 0;
        }
        if ((rest = startswith(name, "/porto/"))) {
                if (!*rest)
                        return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "invalid container name \"%s\"", name);
                return normalize(req, rest, ret_full, e);
        }
        if (name[0] == '/')
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "invalid container name \"%s\": absolute names start with /porto/", name);
        if (streq(name, ".")) {
                /* the container whose namespace the client is in */
                const char *ns = client_namespace(req), *slash = strrchr(ns, '/');

                *ret_full = slash ? req_printf(req, "%.*s", (int)(slash - ns), ns) : "/";
                return *ret_full ? 0 : -ENOMEM;
        }
        self = req->client && req->client->ct ? req->client->ct : ct_root;
        if (streq(name, "self")) {
                *ret_full = self->name;
                return 0;
        }
        if ((rest = startswith(name, "self/"))) {
                full = ct_is_root(self) ? req_strdup(req, rest) : req_printf(req, "%s/%s", self->name, rest);
                if (!full)
                        return -ENOMEM;
                return normalize(req, full, ret_full, e);
        }
        full = name;
        if (*client_namespace(req)) {
                full = req_printf(req, "%s%s", client_namespace(req), name);
                if (!full)
                        return -ENOMEM;
        }
        return normalize(req, full, ret_full, e);
}

int ct_lookup(struct request *req, const char *name, struct container **ret, struct perror *e)
{
        const char *full;
        struct container *ct;
        int r;

        r = ct_resolve_name(req, name, &full, e);
        if (r < 0)
                return r;
        ct = ct_find(full);
        if (!ct)
                return perror_set(e, EERROR_CONTAINER_DOES_NOT_EXIST, -ENOENT, "container %s not found", name);
        if (!ct_client_sees(req, ct, false))
                return perror_set(e, EERROR_PERMISSION, -EPERM,
                                  "container %s is out of your porto namespace (enable_porto, porto_namespace)",
                                  name);
        *ret = ct;
        return 0;
}

const char *ct_client_name(struct request *req, const struct container *ct)
{
        const char *ns = client_namespace(req);

        if (ct_is_root(ct))
                return "/";
        if (!*ns)
                return ct->name;
        if (startswith(ct->name, ns))
                return ct->name + strlen(ns);
        return req_printf(req, "/porto/%s", ct->name);
}

char *ct_absolute_name(const struct container *ct)
{
        if (ct_is_root(ct))
                return strdup("/");
        return strdup_printf("/porto/%s", ct->name);
}

char *ct_default_cwd(const struct container *ct)
{
        if (ct_is_root(ct))
                return strdup("/");
        return strdup_printf("%s/porto/%s", config->place, ct->name);
}

const char *ct_cwd(const struct container *ct, char *buf, size_t len)
{
        if (ct->cwd)
                return ct->cwd;
        /* Manual: '/' in a chroot and in virt_mode=os. */
        if (ct_is_root(ct) || ct_in_chroot(ct) || ct->virt_mode == VIRT_OS)
                return "/";
        snprintf(buf, len, "%s/porto/%s", config->place, ct->name);
        return buf;
}

/* ---- rm -rf without following symlinks ---- */

static int rm_rf_at(int parent_fd, const char *name, unsigned depth)
{
        _cleanup_close_ int fd = -EBADF;
        DIR *d;
        struct dirent *de;
        int r = 0;

        if (depth > 256)
                return -ELOOP;
        if (unlinkat(parent_fd, name, 0) == 0 || errno == ENOENT)
                return 0;
        if (errno != EISDIR && errno != EPERM)
                return -errno;
        fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        d = fdopendir(fd);
        if (!d)
                return -errno;
        fd = -EBADF;    /* owned by d now */
        while ((de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                int k = rm_rf_at(dirfd(d), de->d_name, depth + 1);
                if (k < 0 && r == 0)
                        r = k;
        }
        closedir(d);
        if (unlinkat(parent_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && r == 0)
                r = -errno;
        return r;
}

int rm_rf(const char *path)
{
        return rm_rf_at(AT_FDCWD, path, 0);
}
