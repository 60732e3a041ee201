/* Cgroups v1 and v2 behind one interface (see cgroup.h).
 *
 * v1: every controller lives in the hierarchy whose super options name it
 * (possibly co-mounted, "cpu,cpuacct"); named hierarchies (name=systemd) are
 * ignored. v2 is used only on a pure unified host: when no controller of ours
 * is mounted as v1. There all controllers share one directory, controllers
 * come from cgroup.controllers and must be enabled in cgroup.subtree_control
 * of every parent, and freezer/cpu accounting are core files. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/strutil.h"
#include "shared/cgroup.h"

#define SMALL_FILE_MAX (1u << 20)
#define BIG_FILE_MAX (64u << 20)        /* cgroup.procs of a huge cgroup, mountinfo */
#define FREEZE_TIMEOUT_MS 5000
#define REMOVE_TIMEOUT_MS 500
#define KILL_ROUNDS_NO_FREEZER 16

struct controller_info {
        const char *name;       /* v1 controller, also our public name */
        const char *v2_name;    /* v2 controller to enable; NULL: core files */
        bool v2;                /* usable on v2 at all */
};

static const struct controller_info controllers[CG_CONTROLLER_MAX] = {
        [CG_FREEZER] = { "freezer", NULL, true },      /* cgroup.freeze */
        [CG_MEMORY] = { "memory", "memory", true },
        [CG_CPU] = { "cpu", "cpu", true },
        [CG_CPUACCT] = { "cpuacct", NULL, true },      /* cpu.stat usage_usec */
        [CG_CPUSET] = { "cpuset", "cpuset", true },
        [CG_DEVICES] = { "devices", NULL, false },     /* eBPF on v2, not a cgroup file */
        [CG_BLKIO] = { "blkio", "io", true },
        [CG_PIDS] = { "pids", "pids", true },
        [CG_HUGETLB] = { "hugetlb", "hugetlb", true },
        [CG_NET_CLS] = { "net_cls", NULL, false },
};

/* One mounted hierarchy (v1: possibly several co-mounted controllers). */
struct hierarchy {
        char *mount;            /* mount point */
        char *mount_root;       /* what of the hierarchy is mounted there */
        char *own;              /* our cgroup as /proc/self/cgroup shows it */
        char *dir;              /* absolute directory of our root */
        char *kpath;            /* our root as /proc/PID/cgroup shows it */
        unsigned mask;          /* controllers bound to it */
};

static struct {
        bool v2;
        struct hierarchy hier[CG_CONTROLLER_MAX];
        size_t n_hier;
        struct hierarchy *of[CG_CONTROLLER_MAX]; /* NULL: not supported */
} cg;

const char *cg_controller_to_string(enum cg_controller c)
{
        if ((unsigned) c >= CG_CONTROLLER_MAX)
                return NULL;
        return controllers[c].name;
}

int cg_controller_from_string(const char *s, enum cg_controller *ret)
{
        if (!s)
                return -EINVAL;
        for (unsigned i = 0; i < CG_CONTROLLER_MAX; i++)
                if (streq(controllers[i].name, s)) {
                        *ret = (enum cg_controller) i;
                        return 0;
                }
        return -EINVAL;
}

static void msleep(unsigned ms)
{
        struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000L };

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

static uint64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/* ---- discovery ---------------------------------------------------------- */

static void hierarchy_done(struct hierarchy *h)
{
        free(h->mount);
        free(h->mount_root);
        free(h->own);
        free(h->dir);
        free(h->kpath);
        *h = (struct hierarchy) {};
}

static void cg_reset(void)
{
        for (size_t i = 0; i < cg.n_hier; i++)
                hierarchy_done(&cg.hier[i]);
        memset(&cg, 0, sizeof(cg));
}

/* mountinfo escapes blanks and backslashes as \NNN (octal). In place. */
static void unescape_octal(char *s)
{
        char *w = s;

        for (char *p = s; *p; p++) {
                if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
                    p[3] >= '0' && p[3] <= '7') {
                        *w++ = (char) ((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
                        p += 3;
                } else
                        *w++ = *p;
        }
        *w = 0;
}

/* Mask of our controllers named in a comma separated option list. */
static unsigned controllers_in_list(const char *list)
{
        _cleanup_free_ char *copy = strdup(list);
        unsigned mask = 0;
        char *save = NULL;

        if (!copy)
                return 0;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                enum cg_controller c;

                if (cg_controller_from_string(t, &c) >= 0)
                        mask |= 1u << c;
        }
        return mask;
}

static int hierarchy_add(const char *mount, const char *root, unsigned mask)
{
        struct hierarchy *h;

        /* The same hierarchy may be mounted twice: the first mount wins. */
        for (unsigned i = 0; i < CG_CONTROLLER_MAX; i++)
                if ((mask & (1u << i)) && cg.of[i])
                        return 0;
        if (cg.n_hier >= ELEMENTSOF(cg.hier))
                return 0;
        h = &cg.hier[cg.n_hier];
        h->mount = strdup(mount);
        h->mount_root = strdup(root);
        if (!h->mount || !h->mount_root) {
                hierarchy_done(h);
                return -ENOMEM;
        }
        h->mask = mask;
        cg.n_hier++;
        for (unsigned i = 0; i < CG_CONTROLLER_MAX; i++)
                if (mask & (1u << i))
                        cg.of[i] = h;
        return 0;
}

/* One mountinfo line: "id parent maj:min root mountpoint opts [optional...]
 * - fstype source superopts". Records cgroup mounts; v2 goes to *v2. */
static int parse_mount_line(char *line, struct hierarchy *v2)
{
        char *fields[6], *sep, *save = NULL, *fstype, *superopts;
        size_t n = 0;

        sep = strstr(line, " - ");
        if (!sep)
                return 0;
        *sep = 0;
        for (char *t = strtok_r(line, " ", &save); t && n < ELEMENTSOF(fields); t = strtok_r(NULL, " ", &save))
                fields[n++] = t;
        if (n < 6)
                return 0;
        save = NULL;
        fstype = strtok_r(sep + 3, " ", &save);
        (void) strtok_r(NULL, " ", &save); /* source */
        superopts = strtok_r(NULL, " \n", &save);
        if (!fstype)
                return 0;
        unescape_octal(fields[3]);
        unescape_octal(fields[4]);

        if (streq(fstype, "cgroup2")) {
                if (v2->mount)
                        return 0;
                v2->mount = strdup(fields[4]);
                v2->mount_root = strdup(fields[3]);
                return v2->mount && v2->mount_root ? 0 : -ENOMEM;
        }
        if (streq(fstype, "cgroup") && superopts) {
                unsigned mask = controllers_in_list(superopts);

                if (mask) /* named hierarchies carry none of ours */
                        return hierarchy_add(fields[4], fields[3], mask);
        }
        return 0;
}

static int parse_mountinfo(struct hierarchy *v2)
{
        _cleanup_free_ char *buf = NULL;
        char *save = NULL;
        int r;

        r = read_file("/proc/self/mountinfo", BIG_FILE_MAX, &buf, NULL);
        if (r < 0)
                return r;
        for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                r = parse_mount_line(l, v2);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* "id:controllers:path" lines; v2 is "0::path". */
static int parse_own_cgroups(void)
{
        _cleanup_free_ char *buf = NULL;
        char *save = NULL;
        int r;

        r = read_file("/proc/self/cgroup", SMALL_FILE_MAX, &buf, NULL);
        if (r < 0)
                return r;
        for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char *list = strchr(l, ':'), *path;
                unsigned mask;

                if (!list)
                        continue;
                list++;
                path = strchr(list, ':');
                if (!path)
                        continue;
                *path++ = 0;
                if (cg.v2) {
                        if (*list || !streq(l, "0:") || cg.n_hier != 1)
                                continue;
                        mask = ~0u;
                } else
                        mask = controllers_in_list(list);
                for (size_t i = 0; i < cg.n_hier; i++)
                        if ((cg.hier[i].mask & mask) && !cg.hier[i].own) {
                                cg.hier[i].own = strdup(path);
                                if (!cg.hier[i].own)
                                        return -ENOMEM;
                        }
        }
        return 0;
}

/* Join path parts with single slashes; empty parts are skipped. */
static char *path_join3(const char *a, const char *b, const char *c)
{
        struct strbuf sb = STRBUF_INIT;
        const char *parts[] = { a, b, c };
        int r = 0;

        for (size_t i = 0; i < ELEMENTSOF(parts) && r >= 0; i++) {
                const char *p = parts[i];

                if (isempty(p))
                        continue;
                while (sb.len > 0 && sb.s[sb.len - 1] == '/' && *p == '/')
                        p++;
                if (sb.len > 0 && sb.s[sb.len - 1] != '/' && *p != '/')
                        r = strbuf_append(&sb, "/");
                if (r >= 0)
                        r = strbuf_append(&sb, p);
        }
        if (r < 0) {
                strbuf_free(&sb);
                return NULL;
        }
        return strbuf_steal(&sb);
}

/* A relative cgroup name: "" or "a/b", no empty, "." or ".." components. */
static bool rel_valid(const char *rel)
{
        if (!rel || !*rel)
                return true;
        for (const char *p = rel;;) {
                size_t n = strcspn(p, "/");

                if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                        return false;
                if (!p[n])
                        return true;
                p += n + 1;
        }
}

/* v2 "no internal processes": controllers cannot be enabled for the
 * children of a (non-root) cgroup that holds processes, so the daemon's
 * processes move from its own cgroup into this leaf beside the containers'
 * root. A later cg_init (worker, restart) finds itself in the leaf and
 * takes its parent as the own cgroup again. */
#define V2_LEAF "portod-leaf"

static int hierarchy_set_root(struct hierarchy *h, const char *prefix)
{
        const char *below = h->own;

        if (!h->own)
                return -ENOENT;
        if (cg.v2 && endswith(h->own, "/" V2_LEAF)) {
                size_t n = strlen(h->own) - strlen("/" V2_LEAF);
                h->own[n ? n : 1] = 0;
        }
        /* The mount may show only a subtree of the hierarchy (a container's
         * view): our cgroup must be inside it. */
        if (!streq(h->mount_root, "/")) {
                below = startswith(h->own, h->mount_root);
                if (!below || (*below && *below != '/'))
                        return -ENOENT;
        }
        h->dir = path_join3(h->mount, below, prefix);
        h->kpath = path_join3(h->own, prefix, NULL);
        if (!h->dir || !h->kpath)
                return -ENOMEM;
        return 0;
}

/* Words of a v2 controller list file ("cpu io memory"). */
static bool word_in_file(const char *path, const char *word)
{
        _cleanup_free_ char *buf = NULL;
        char *save = NULL;

        if (read_file(path, SMALL_FILE_MAX, &buf, NULL) < 0)
                return false;
        for (char *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
                if (streq(t, word))
                        return true;
        return false;
}

/* v2: let the children of dir have every controller we use that dir has.
 * Fails (EBUSY) where dir itself holds processes (the return value says
 * so); the children then lack those controllers, which cg_supported()/knob
 * writes reveal. */
static bool v2_enable_subtree(const char *dir)
{
        _cleanup_free_ char *avail = path_join3(dir, "cgroup.controllers", NULL);
        _cleanup_free_ char *subtree = path_join3(dir, "cgroup.subtree_control", NULL);
        bool busy = false;

        if (!avail || !subtree)
                return false;
        for (unsigned i = 0; i < CG_CONTROLLER_MAX; i++) {
                const char *name = controllers[i].v2_name;
                char buf[32];
                int r;

                if (!name || !word_in_file(avail, name) || word_in_file(subtree, name))
                        continue;
                snprintf(buf, sizeof(buf), "+%s", name);
                r = write_file(subtree, buf);
                if (r < 0)
                        log_debug_errno(r, "cgroup: cannot enable %s in %s: %m", name, dir);
                busy |= r == -EBUSY;
        }
        return busy;
}

/* Move every process of dir into its child cgroup `leaf` (V2_LEAF,
 * V2_TASK_LEAF). A few rounds: processes may fork meanwhile. */
static int v2_move_tasks(const char *dir, const char *leafname)
{
        _cleanup_free_ char *leaf = path_join3(dir, leafname, NULL);
        _cleanup_free_ char *from = path_join3(dir, "cgroup.procs", NULL);
        _cleanup_free_ char *to = path_join3(dir, leafname, "cgroup.procs");

        if (!leaf || !from || !to)
                return -ENOMEM;
        if (mkdir(leaf, 0755) < 0 && errno != EEXIST)
                return -errno;
        for (int round = 0; round < 5; round++) {
                _cleanup_free_ char *procs = NULL;
                char *save = NULL;
                bool moved = false;
                int r = read_file(from, 1 << 20, &procs, NULL);

                if (r < 0)
                        return r;
                for (char *t = strtok_r(procs, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
                        r = write_file(to, t);
                        if (r < 0 && r != -ESRCH)
                                return r;
                        moved = true;
                }
                if (!moved)
                        return 0;
        }
        return -EBUSY;
}

/* v1 cpuset: a new cgroup has empty cpus/mems and refuses tasks until they
 * are copied from the parent. */
static int cpuset_inherit(const char *dir)
{
        static const char *const knobs[] = { "cpuset.cpus", "cpuset.mems" };

        for (size_t i = 0; i < ELEMENTSOF(knobs); i++) {
                _cleanup_free_ char *path = path_join3(dir, knobs[i], NULL);
                _cleanup_free_ char *val = NULL, *pval = NULL, *ppath = NULL;
                int r;

                if (!path)
                        return -ENOMEM;
                r = read_line(path, &val);
                if (r < 0)
                        return r;
                if (!isempty(strstrip(val)))
                        continue;
                ppath = path_join3(dir, "..", knobs[i]);
                if (!ppath)
                        return -ENOMEM;
                r = read_line(ppath, &pval);
                if (r < 0)
                        return r;
                r = write_file(path, strstrip(pval));
                if (r < 0)
                        return r;
        }
        return 0;
}

/* mkdir every component of prefix below the own cgroup. */
static int create_root(struct hierarchy *h, const char *prefix)
{
        _cleanup_free_ char *p = strdup(h->dir);
        size_t base;

        if (!p)
                return -ENOMEM;
        base = strlen(h->dir) - strlen(prefix);
        for (char *s = p + base;; s++) {
                char c = *s;

                if (c && c != '/')
                        continue;
                *s = 0;
                if (cg.v2) {
                        char *slash = strrchr(p, '/');

                        *slash = 0;
                        /* only our own cgroup can hold processes here */
                        if (v2_enable_subtree(p) && (size_t) (slash - p) == base - 1) {
                                int r = v2_move_tasks(p, V2_LEAF);
                                if (r < 0)
                                        log_debug_errno(r, "cgroup: cannot move out of %s: %m", p);
                                else
                                        (void) v2_enable_subtree(p);
                        }
                        *slash = '/';
                }
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return -errno;
                if (!cg.v2 && (h->mask & (1u << CG_CPUSET))) {
                        int r = cpuset_inherit(p);

                        if (r < 0)
                                return r;
                }
                *s = c;
                if (!c)
                        return 0;
        }
}

static int init_v1(const char *prefix)
{
        int r;

        for (size_t i = 0; i < cg.n_hier; i++) {
                struct hierarchy *h = &cg.hier[i];

                r = hierarchy_set_root(h, prefix);
                if (r >= 0)
                        r = create_root(h, prefix);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        /* Unusable here (outside our view, read-only):
                         * its controllers are simply not supported. */
                        log_debug_errno(r, "cgroup: hierarchy %s unusable: %m", h->mount);
                        for (unsigned c = 0; c < CG_CONTROLLER_MAX; c++)
                                if (cg.of[c] == h)
                                        cg.of[c] = NULL;
                }
        }
        return 0;
}

static int init_v2(const char *prefix)
{
        struct hierarchy *h = &cg.hier[0];
        _cleanup_free_ char *avail = NULL, *freeze = NULL;
        int r;

        r = hierarchy_set_root(h, prefix);
        if (r < 0)
                return r;
        r = create_root(h, prefix);
        if (r < 0)
                return r;
        avail = path_join3(h->dir, "cgroup.controllers", NULL);
        freeze = path_join3(h->dir, "cgroup.freeze", NULL);
        if (!avail || !freeze)
                return -ENOMEM;
        for (unsigned i = 0; i < CG_CONTROLLER_MAX; i++) {
                bool ok;

                if (!controllers[i].v2)
                        ok = false;
                else if (controllers[i].v2_name)
                        ok = word_in_file(avail, controllers[i].v2_name);
                else if (i == CG_FREEZER)
                        ok = access(freeze, F_OK) == 0;
                else
                        ok = true;
                cg.of[i] = ok ? h : NULL;
        }
        return 0;
}

int cg_init(const char *prefix)
{
        struct hierarchy v2 = {};
        bool any_v1 = false;
        int r;

        if (isempty(prefix) || !rel_valid(prefix))
                return -EINVAL;
        cg_reset();
        r = parse_mountinfo(&v2);
        if (r < 0)
                goto fail;
        for (unsigned i = 0; i < CG_CONTROLLER_MAX; i++)
                any_v1 |= cg.of[i] != NULL;
        if (!any_v1) {
                if (!v2.mount) {
                        r = -ENOENT;
                        goto fail;
                }
                cg.v2 = true;
                cg.hier[0] = v2;
                cg.hier[0].mask = (1u << CG_CONTROLLER_MAX) - 1;
                v2 = (struct hierarchy) {};
                cg.n_hier = 1;
        }
        r = parse_own_cgroups();
        if (r < 0)
                goto fail;
        r = cg.v2 ? init_v2(prefix) : init_v1(prefix);
        if (r < 0)
                goto fail;
        if (cg_supported_mask() == 0) {
                r = -ENOENT;
                goto fail;
        }
        hierarchy_done(&v2);
        return 0;
fail:
        hierarchy_done(&v2);
        cg_reset();
        return r;
}

bool cg_is_v2(void)
{
        return cg.v2;
}

bool cg_supported(enum cg_controller c)
{
        return (unsigned) c < CG_CONTROLLER_MAX && cg.of[c];
}

unsigned cg_supported_mask(void)
{
        unsigned mask = 0;

        for (unsigned i = 0; i < CG_CONTROLLER_MAX; i++)
                if (cg.of[i])
                        mask |= 1u << i;
        return mask;
}

/* ---- paths -------------------------------------------------------------- */

static int hier_of(enum cg_controller c, const char *rel, struct hierarchy **ret)
{
        if ((unsigned) c >= CG_CONTROLLER_MAX || !rel_valid(rel))
                return -EINVAL;
        if (!cg.of[c])
                return -EOPNOTSUPP;
        *ret = cg.of[c];
        return 0;
}

int cg_path(enum cg_controller c, const char *rel, char **ret)
{
        struct hierarchy *h;
        char *p;
        int r;

        r = hier_of(c, rel, &h);
        if (r < 0)
                return r;
        p = path_join3(h->dir, rel, NULL);
        if (!p)
                return -ENOMEM;
        *ret = p;
        return 0;
}

/* Path of a file in the cgroup. */
static int knob_path(enum cg_controller c, const char *rel, const char *knob, char **ret)
{
        struct hierarchy *h;
        char *p;
        int r;

        r = hier_of(c, rel, &h);
        if (r < 0)
                return r;
        p = path_join3(h->dir, rel, knob);
        if (!p)
                return -ENOMEM;
        *ret = p;
        return 0;
}

int cg_kernel_path(enum cg_controller c, const char *rel, char **ret)
{
        struct hierarchy *h;
        char *p;
        int r;

        r = hier_of(c, rel, &h);
        if (r < 0)
                return r;
        p = path_join3(h->kpath, rel, NULL);
        if (!p)
                return -ENOMEM;
        *ret = p;
        return 0;
}

/* ---- create, remove, attach ---------------------------------------------- */

/* v2 "no internal processes" inside our tree: a container whose cgroup
 * holds tasks (its own, started before its children) cannot hand
 * controllers to a child cgroup. Its tasks then move into this leaf of its
 * cgroup, and new tasks of it join there (cg_procs_path). Container names
 * cannot contain '+', so the leaf never meets a child container. Limits
 * set on the container's cgroup still cover the leaf (hierarchical). */
#define V2_TASK_LEAF "+self"

/* dir/V2_TASK_LEAF when it exists (v2), else NULL. malloc'ed. */
static char *task_leaf(const char *dir)
{
        _cleanup_free_ char *leaf = NULL;
        struct stat st;

        if (!cg.v2)
                return NULL;
        leaf = path_join3(dir, V2_TASK_LEAF, NULL);
        if (!leaf || stat(leaf, &st) < 0 || !S_ISDIR(st.st_mode))
                return NULL;
        return TAKE_PTR(leaf);
}

/* Enable the controllers of parent for its children, moving the tasks of
 * parent into its task leaf first if they are in the way (not for our
 * root: that is done in cg_init, see V2_LEAF). */
static void v2_prepare_parent(const char *parent, bool is_root)
{
        int r;

        if (!v2_enable_subtree(parent) || is_root)
                return;
        r = v2_move_tasks(parent, V2_TASK_LEAF);
        if (r < 0)
                log_debug_errno(r, "cgroup: cannot move the tasks of %s into its leaf: %m", parent);
        else
                (void) v2_enable_subtree(parent);
}

int cg_create(enum cg_controller c, const char *rel)
{
        _cleanup_free_ char *path = NULL;
        int r;

        r = cg_path(c, rel, &path);
        if (r < 0)
                return r;
        if (cg.v2 && !isempty(rel)) {
                _cleanup_free_ char *parent = strdup(path);

                if (!parent)
                        return -ENOMEM;
                *strrchr(parent, '/') = 0;
                v2_prepare_parent(parent, !strchr(rel, '/'));
        }
        if (mkdir(path, 0755) < 0) {
                if (errno != EEXIST)
                        return -errno;
                return 0;
        }
        if (!cg.v2 && (cg.of[c]->mask & (1u << CG_CPUSET))) {
                r = cpuset_inherit(path);
                if (r < 0) {
                        (void) rmdir(path);
                        return r;
                }
        }
        return 0;
}

int cg_remove(enum cg_controller c, const char *rel)
{
        _cleanup_free_ char *path = NULL;
        uint64_t deadline;
        unsigned delay = 1;
        int r;

        r = cg_path(c, rel, &path);
        if (r < 0)
                return r;
        /* Killed tasks leave the cgroup a moment after they die. */
        deadline = now_ms() + REMOVE_TIMEOUT_MS;
        for (;;) {
                _cleanup_free_ char *leaf = task_leaf(path);

                if ((!leaf || rmdir(leaf) >= 0) && (rmdir(path) >= 0 || errno == ENOENT))
                        return 0;
                if (errno != EBUSY || now_ms() >= deadline)
                        return -errno;
                msleep(delay);
                delay = MIN(delay * 2, 50u);
        }
}

bool cg_exists(enum cg_controller c, const char *rel)
{
        _cleanup_free_ char *path = NULL;
        struct stat st;

        if (cg_path(c, rel, &path) < 0)
                return false;
        return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int cg_procs_path(enum cg_controller c, const char *rel, char **ret)
{
        _cleanup_free_ char *dir = NULL, *leaf = NULL;
        int r = cg_path(c, rel, &dir);

        if (r < 0)
                return r;
        leaf = task_leaf(dir);
        *ret = path_join3(leaf ? leaf : dir, "cgroup.procs", NULL);
        return *ret ? 0 : -ENOMEM;
}

int cg_attach(enum cg_controller c, const char *rel, pid_t pid)
{
        _cleanup_free_ char *path = NULL;
        char buf[32];
        int r;

        if (pid <= 0)
                return -EINVAL;
        r = cg_procs_path(c, rel, &path);
        if (r < 0)
                return r;
        snprintf(buf, sizeof(buf), "%d", (int) pid);
        return write_file(path, buf);
}

/* ---- listing tasks ----------------------------------------------------- */

static const char *pids_file(bool threads)
{
        if (!threads)
                return "cgroup.procs";
        return cg.v2 ? "cgroup.threads" : "tasks";
}

/* Parse a list of decimal pids, one a line. ret may be NULL (count only). */
static int parse_pids(char *buf, pid_t **ret, size_t *ret_n)
{
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0, cap = 0;
        char *save = NULL;

        for (char *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
                uint64_t v;

                if (parse_u64(t, &v) < 0 || v == 0 || v > INT32_MAX)
                        return -EBADMSG;
                if (ret && n == cap) {
                        size_t ncap = cap ? cap * 2 : 64;
                        pid_t *np = realloc(pids, ncap * sizeof(pid_t));

                        if (!np)
                                return -ENOMEM;
                        pids = np;
                        cap = ncap;
                }
                if (ret)
                        pids[n] = (pid_t) v;
                n++;
        }
        if (ret) {
                if (!pids) {
                        pids = malloc(sizeof(pid_t));
                        if (!pids)
                                return -ENOMEM;
                }
                *ret = TAKE_PTR(pids);
        }
        *ret_n = n;
        return 0;
}

static int read_pids_at(const char *dir, bool threads, pid_t **ret, size_t *ret_n)
{
        _cleanup_free_ char *path = path_join3(dir, pids_file(threads), NULL);
        _cleanup_free_ char *buf = NULL;
        int r;

        if (!path)
                return -ENOMEM;
        r = read_file(path, BIG_FILE_MAX, &buf, NULL);
        if (r < 0)
                return r;
        return parse_pids(buf, ret, ret_n);
}

int cg_get_pids(enum cg_controller c, const char *rel, bool threads, pid_t **ret, size_t *ret_n)
{
        _cleanup_free_ char *path = NULL, *leaf = NULL;
        _cleanup_free_ pid_t *more = NULL;
        pid_t *all;
        size_t n_more = 0;
        int r;

        r = cg_path(c, rel, &path);
        if (r < 0)
                return r;
        r = read_pids_at(path, threads, ret, ret_n);
        /* v2: the container's own tasks may be in its task leaf */
        if (r < 0 || !(leaf = task_leaf(path)) || read_pids_at(leaf, threads, &more, &n_more) < 0 || !n_more)
                return r;
        all = realloc(*ret, (*ret_n + n_more) * sizeof(pid_t));
        if (!all) {
                free(*ret);
                *ret = NULL;
                return -ENOMEM;
        }
        memcpy(all + *ret_n, more, n_more * sizeof(pid_t));
        *ret = all;
        *ret_n += n_more;
        return 0;
}

typedef int (*walk_fn)(const char *dir, void *userdata);

/* Pre-order walk of a cgroup subtree. Child cgroups that vanish meanwhile
 * are skipped; the top one must exist. */
static int walk(const char *dir, walk_fn fn, void *userdata, unsigned depth)
{
        DIR *d;
        struct dirent *de;
        int r;

        if (depth > 256)
                return -ELOOP;
        r = fn(dir, userdata);
        if (r < 0)
                return r;
        d = opendir(dir);
        if (!d)
                return errno == ENOENT && depth > 0 ? 0 : -errno;
        while ((de = readdir(d))) {
                char *sub;

                if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                sub = path_join3(dir, de->d_name, NULL);
                if (!sub) {
                        r = -ENOMEM;
                        break;
                }
                r = walk(sub, fn, userdata, depth + 1);
                free(sub);
                if (r < 0)
                        break;
        }
        closedir(d);
        return r < 0 ? r : 0;
}

struct count_ctx {
        bool threads;
        bool stop_at_first;
        uint64_t n;
};

static int count_one(const char *dir, void *userdata)
{
        struct count_ctx *ctx = userdata;
        size_t n;
        int r;

        if (ctx->stop_at_first && ctx->n > 0)
                return -ECANCELED;
        r = read_pids_at(dir, ctx->threads, NULL, &n);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        ctx->n += n;
        return 0;
}

int cg_count_tasks(enum cg_controller c, const char *rel, bool threads, uint64_t *ret)
{
        _cleanup_free_ char *path = NULL;
        struct count_ctx ctx = { .threads = threads };
        int r;

        r = cg_path(c, rel, &path);
        if (r < 0)
                return r;
        if (access(path, F_OK) < 0)
                return -errno;
        r = walk(path, count_one, &ctx, 0);
        if (r < 0)
                return r;
        *ret = ctx.n;
        return 0;
}

/* v2 keeps "populated" in cgroup.events; "key value" lines. */
static int read_keyed(const char *path, const char *key, uint64_t *ret)
{
        _cleanup_free_ char *buf = NULL;
        char *save = NULL;
        size_t klen = strlen(key);
        int r;

        r = read_file(path, SMALL_FILE_MAX, &buf, NULL);
        if (r < 0)
                return r;
        for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                if (strncmp(l, key, klen) == 0 && l[klen] == ' ')
                        return parse_u64(strstrip(l + klen + 1), ret);
        return -ENODATA;
}

bool cg_is_empty(enum cg_controller c, const char *rel)
{
        _cleanup_free_ char *path = NULL;
        struct count_ctx ctx = { .stop_at_first = true };
        int r;

        if (cg.v2) {
                uint64_t populated;

                if (knob_path(c, rel, "cgroup.events", &path) < 0)
                        return false;
                r = read_keyed(path, "populated", &populated);
                if (r == -ENOENT)
                        return true;
                return r >= 0 && populated == 0;
        }
        if (cg_path(c, rel, &path) < 0)
                return false;
        r = walk(path, count_one, &ctx, 0);
        if (r == -ENOENT)
                return true;
        return (r >= 0 || r == -ECANCELED) && ctx.n == 0;
}

int cg_pid_cgroup(enum cg_controller c, pid_t pid, char **ret)
{
        _cleanup_free_ char *buf = NULL;
        char file[64], *save = NULL;
        struct hierarchy *h;
        int r;

        r = hier_of(c, NULL, &h);
        if (r < 0)
                return r;
        if (pid <= 0)
                return -EINVAL;
        snprintf(file, sizeof(file), "/proc/%d/cgroup", (int) pid);
        r = read_file(file, SMALL_FILE_MAX, &buf, NULL);
        if (r == -ENOENT)
                return -ESRCH;
        if (r < 0)
                return r;
        for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char *list = strchr(l, ':'), *path;
                const char *below;
                char *res;

                if (!list)
                        continue;
                list++;
                path = strchr(list, ':');
                if (!path)
                        continue;
                *path++ = 0;
                if (cg.v2 ? (*list || !streq(l, "0:")) : !(controllers_in_list(list) & (1u << c)))
                        continue;
                below = startswith(path, h->kpath);
                if (!below || (*below && *below != '/'))
                        return -ENOENT;
                /* a task in a container's task leaf is the container's */
                if (cg.v2 && endswith(below, "/" V2_TASK_LEAF))
                        path[strlen(path) - strlen("/" V2_TASK_LEAF)] = 0;
                res = strdup(*below ? below + 1 : "");
                if (!res)
                        return -ENOMEM;
                *ret = res;
                return 0;
        }
        return -ENOENT;
}

/* ---- freezer ------------------------------------------------------------- */

static bool freezer_reached(const char *rel, bool frozen)
{
        _cleanup_free_ char *path = NULL, *state = NULL;
        uint64_t v;

        if (cg.v2) {
                if (knob_path(CG_FREEZER, rel, "cgroup.events", &path) < 0)
                        return false;
                return read_keyed(path, "frozen", &v) >= 0 && (v != 0) == frozen;
        }
        if (knob_path(CG_FREEZER, rel, "freezer.state", &path) < 0 || read_line(path, &state) < 0)
                return false;
        return streq(strstrip(state), frozen ? "FROZEN" : "THAWED");
}

static int freezer_request(const char *rel, bool frozen)
{
        _cleanup_free_ char *path = NULL;
        int r;

        r = knob_path(CG_FREEZER, rel, cg.v2 ? "cgroup.freeze" : "freezer.state", &path);
        if (r < 0)
                return r;
        if (cg.v2)
                return write_file(path, frozen ? "1" : "0");
        return write_file(path, frozen ? "FROZEN" : "THAWED");
}

/* True if a cgroup above rel (within our root) holds it frozen. */
static bool frozen_by_ancestor(const char *rel)
{
        _cleanup_free_ char *path = NULL, *parent = NULL;
        uint64_t v;

        if (isempty(rel))
                return false;
        if (!cg.v2) {
                if (knob_path(CG_FREEZER, rel, "freezer.parent_freezing", &path) < 0)
                        return false;
                return read_u64_file(path, &v) >= 0 && v != 0;
        }
        parent = strdup(rel);
        if (!parent)
                return false;
        for (;;) {
                char *slash = strrchr(parent, '/');

                if (slash)
                        *slash = 0;
                else
                        *parent = 0;
                free(path);
                path = NULL;
                if (knob_path(CG_FREEZER, parent, "cgroup.freeze", &path) >= 0 &&
                    read_u64_file(path, &v) >= 0 && v != 0)
                        return true;
                if (!*parent)
                        return false;
        }
}

static int freezer_set(const char *rel, bool frozen)
{
        uint64_t deadline = now_ms() + FREEZE_TIMEOUT_MS;
        unsigned delay = 1, tick = 0;
        int r;

        if (!frozen && frozen_by_ancestor(rel))
                return -EBUSY;
        r = freezer_request(rel, frozen);
        if (r < 0)
                return r;
        while (!freezer_reached(rel, frozen)) {
                if (now_ms() >= deadline)
                        return -ETIMEDOUT;
                msleep(delay);
                delay = MIN(delay * 2, 50u);
                /* v1 gives up on tasks that were busy; asking again retries. */
                if (!cg.v2 && frozen && ++tick % 4 == 0)
                        (void) freezer_request(rel, frozen);
        }
        return 0;
}

int cg_freeze(const char *rel)
{
        return freezer_set(rel, true);
}

int cg_thaw(const char *rel)
{
        return freezer_set(rel, false);
}

bool cg_is_frozen(const char *rel)
{
        _cleanup_free_ char *path = NULL, *state = NULL;
        uint64_t v;

        /* Frozen or freezing, by itself or by an ancestor. */
        if (cg.v2) {
                if (knob_path(CG_FREEZER, rel, "cgroup.freeze", &path) >= 0 &&
                    read_u64_file(path, &v) >= 0 && v != 0)
                        return true;
                return freezer_reached(rel, true);
        }
        if (knob_path(CG_FREEZER, rel, "freezer.state", &path) < 0 || read_line(path, &state) < 0)
                return false;
        return !streq(strstrip(state), "THAWED");
}

/* Self-frozen: the cgroup itself (not an ancestor) was asked to freeze. */
static bool self_frozen(const char *dir)
{
        _cleanup_free_ char *path = path_join3(dir, cg.v2 ? "cgroup.freeze" : "freezer.self_freezing", NULL);
        uint64_t v;

        return path && read_u64_file(path, &v) >= 0 && v != 0;
}

static int signal_one(const char *dir, void *userdata)
{
        _cleanup_free_ pid_t *pids = NULL;
        int sig = *(int *) userdata;
        size_t n;
        int r;

        r = read_pids_at(dir, false, &pids, &n);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (kill(pids[i], sig) < 0 && errno != ESRCH)
                        log_debug_errno(-errno, "cgroup: kill %d: %m", (int) pids[i]);
        return 0;
}

static int thaw_one(const char *dir, void *userdata)
{
        _cleanup_free_ char *path = path_join3(dir, cg.v2 ? "cgroup.freeze" : "freezer.state", NULL);

        (void) userdata;
        if (!path)
                return -ENOMEM;
        if (self_frozen(dir))
                (void) write_file(path, cg.v2 ? "0" : "THAWED");
        return 0;
}

/* v2 cgroup.kill (5.14+) kills the subtree atomically, forks included. */
static int kill_v2(const char *rel)
{
        _cleanup_free_ char *path = NULL;
        int r;

        r = knob_path(CG_FREEZER, rel, "cgroup.kill", &path);
        if (r < 0)
                return r;
        if (access(path, F_OK) < 0)
                return -errno;
        return write_file(path, "1");
}

/* Without a freezer: signal until nothing is left, a bounded number of times. */
static int kill_loop(const char *dir, int sig)
{
        struct count_ctx ctx = { .stop_at_first = true };
        int r;

        for (unsigned i = 0; i < KILL_ROUNDS_NO_FREEZER; i++) {
                r = walk(dir, signal_one, &sig, 0);
                if (r < 0)
                        return r;
                if (sig != SIGKILL)
                        return 0;
                msleep(i < 4 ? 1 : 10);
                ctx.n = 0;
                r = walk(dir, count_one, &ctx, 0);
                if (r < 0 && r != -ECANCELED)
                        return r;
                if (ctx.n == 0)
                        return 0;
        }
        return -EBUSY;
}

int cg_kill_all(const char *rel, int sig)
{
        _cleanup_free_ char *dir = NULL;
        bool was_frozen;
        int r, rt;

        if (sig <= 0 || sig >= NSIG)
                return -EINVAL;
        /* Tasks in the freezer subtree; the freezer tracks all of them. */
        r = cg_path(CG_FREEZER, rel, &dir);
        if (r == -EOPNOTSUPP)
                r = cg_path(CG_PIDS, rel, &dir);
        if (r < 0)
                return r;
        if (access(dir, F_OK) < 0)
                return -errno;
        if (!cg_supported(CG_FREEZER))
                return kill_loop(dir, sig);
        if (cg.v2 && sig == SIGKILL && kill_v2(rel) >= 0) {
                /* Dead is not paused: leave nothing frozen behind. */
                (void) walk(dir, thaw_one, NULL, 0);
                rt = cg_thaw(rel);
                return rt == -EBUSY ? 0 : rt;
        }

        /* Frozen tasks cannot fork, so nothing escapes between reading
         * cgroup.procs and kill(). */
        was_frozen = self_frozen(dir);
        r = cg_freeze(rel);
        if (r < 0 && r != -ETIMEDOUT)
                return r;
        r = walk(dir, signal_one, &sig, 0);
        if (sig == SIGKILL) {
                /* Killed tasks die only once thawed, also in frozen children. */
                (void) walk(dir, thaw_one, NULL, 0);
        } else if (was_frozen)
                return r;
        rt = cg_thaw(rel);
        if (r < 0)
                return r;
        return rt == -EBUSY ? 0 : rt;
}

/* ---- statistics ---------------------------------------------------------- */

int cg_memory_usage(const char *rel, uint64_t *ret_bytes)
{
        _cleanup_free_ char *path = NULL;
        uint64_t v;
        int r;

        r = knob_path(CG_MEMORY, rel, cg.v2 ? "memory.current" : "memory.usage_in_bytes", &path);
        if (r < 0)
                return r;
        r = read_u64_file(path, &v);
        if (r < 0)
                return r;
        *ret_bytes = v;
        return 0;
}

int cg_cpu_usage(const char *rel, uint64_t *ret_ns)
{
        _cleanup_free_ char *path = NULL;
        uint64_t v;
        int r;

        r = knob_path(CG_CPUACCT, rel, cg.v2 ? "cpu.stat" : "cpuacct.usage", &path);
        if (r < 0)
                return r;
        if (!cg.v2) {
                r = read_u64_file(path, &v);
                if (r < 0)
                        return r;
                *ret_ns = v;
                return 0;
        }
        r = read_keyed(path, "usage_usec", &v);
        if (r < 0)
                return r;
        if (v > UINT64_MAX / 1000)
                return -ERANGE;
        *ret_ns = v * 1000;
        return 0;
}
