/* The container engine: the tree of containers, their states and the
 * operations on them. Everything here runs on the worker's event loop thread;
 * there are no locks. Files of the engine:
 *   container.c   tree, names, ids, states, events of state changes
 *   ct_start.c    start: environment, argv, std streams, spawn
 *   ct_stop.c     stop/kill/pause/resume/destroy/death/respawn/aging
 *   prop*.c       the property table (prop.h)
 *   stdio.c       internal stdout/stderr storage and rotation
 *   waiter.c      wait/AsyncWait and events
 *   labels.c      labels and the label calls
 *   persist.c     records in <state_dir>/kvs
 *   auth.c        client container, credentials, permissions
 *   rpc_container.c  the rpc_* handlers of daemon.h */
#pragma once

#include <sys/types.h>
#include "basic/error.h"
#include "basic/resparse.h"
#include "basic/strutil.h"
#include "shared/mount.h"
#include "daemon.h"
#include "propval.h"

enum ct_state {
        CT_STOPPED,
        CT_STARTING,
        CT_RUNNING,
        CT_STOPPING,
        CT_PAUSED,
        CT_DEAD,
        CT_META,
        CT_RESPAWNING,
        CT_DESTROYED,   /* only in events */
        CT_STATE_MAX,
};

enum virt_mode {
        VIRT_APP,
        VIRT_OS,
        VIRT_HOST,
        VIRT_JOB,
        VIRT_MODE_MAX,
};

enum { CT_STDIN, CT_STDOUT, CT_STDERR };

/* The `net` property; the rest of the manual's options come with networking. */
enum ct_net {
        CT_NET_INHERITED,
        CT_NET_NONE,
};

/* One `symlink` entry: <path>: <target>. */
struct ct_symlink {
        char *path;
        char *target;
};

#define PROP_SET_WORDS 4        /* bitmap of explicitly set properties */

/* Bookkeeping of an internal (rotated) stdout/stderr file. Offsets count
 * bytes since the start of the stream. */
struct ct_stream {
        uint64_t offset;        /* first byte still kept */
        uint64_t base;          /* stream offset of file position 0 */
};

struct stop_op;
struct ct_client;
struct loop_timer;

struct container {
        char *name;                     /* full name "a/b"; "/" for the root */
        const char *short_name;         /* last component */
        uint64_t id;
        unsigned level;
        struct container *parent;
        struct container **children;    /* sorted by name */
        size_t n_children, children_cap;

        enum ct_state state;
        enum ct_state paused_from;      /* running or meta, while paused */
        bool is_meta;                   /* started without a command */

        /* ---- configuration (prop_*.c) ---- */
        uint64_t prop_set[PROP_SET_WORDS];
        char *command;
        char **command_argv;            /* NULL unless set */
        char **env;                     /* "K=V" as set by the user */
        char **env_secret;
        uid_t user;
        gid_t group;
        uid_t owner_uid;
        gid_t owner_gid;
        mode_t umask;
        struct ct_ulimit *ulimits;      /* explicit ones, sorted by resource */
        size_t n_ulimits;
        char *cwd;                      /* NULL = default */
        char *std_path[3];              /* NULL = default */
        uint64_t stdout_limit;
        enum virt_mode virt_mode;
        bool isolate;
        char *hostname;
        char *private_value;
        struct ct_label *labels;        /* sorted by name */
        size_t n_labels;
        bool weak;
        bool respawn;
        uint64_t respawn_count;
        int64_t max_respawns;           /* -1 = unlimited */
        uint64_t respawn_delay_ns;
        uint64_t aging_time_s;

        /* ---- filesystem and namespaces (issue 4) ---- */
        char *root;                     /* in the parent's root; NULL = "/" (prop_fs.c) */
        bool root_readonly;
        struct mnt_bind_list binds;
        struct ct_symlink *symlinks;    /* sorted by path */
        size_t n_symlinks;
        char *resolv_conf;              /* NULL = "default"; "keep"; or the options */
        char *etc_hosts;                /* NULL = keep the root's */
        enum ct_net net;
        bool net_set;                   /* net explicitly set (else virt_mode decides) */

        /* ---- resources (prop_resources.c, ct_resources.c) ---- */
        uint64_t memory_limit;          /* bytes, 0 = unlimited (level 1: default when unset) */
        uint64_t memory_guarantee;      /* bytes, 0 = none; accounted even without a kernel knob */
        uint64_t thread_limit;          /* 0 = unlimited (level 1: default when unset) */
        uint64_t hugetlb_limit;         /* bytes of 2MB pages, 0 = unlimited */
        uint64_t cpu_limit;             /* power (ns per s), 0 = unlimited */
        uint64_t cpu_guarantee;         /* power, 0 = none */
        uint64_t cpu_period;            /* ns */
        double cpu_weight;
        enum res_cpu_policy cpu_policy;
        struct res_cpuset *cpu_set;     /* NULL = inherit */
        struct res_io_limits io_limit, io_ops_limit;
        enum res_io_policy io_policy;
        double io_weight;
        int oom_score_adj;              /* -1000..1000 */
        bool oom_is_fatal;              /* an OOM kill anywhere kills the container */
        bool pressurize_on_death;       /* tiny soft memory limit while dead */
        unsigned cg_requested;          /* controllers[name]=true */
        unsigned cg_disabled;           /* controllers[name]=false */
        unsigned cg_started;            /* mask the cgroups were created with, 0 = none */

        /* ---- security and porto namespaces (issue 4) ---- */
        uint64_t cap_limit;             /* `capabilities` (bounding limit), when set */
        uint64_t cap_ambient;           /* `capabilities_ambient` */
        gid_t *task_groups;             /* task_cred groups; NULL: the user's groups */
        size_t n_task_groups;
        bool has_task_groups;
        struct dev_set *devices;        /* `devices` as set; NULL = none */
        struct dev_set *devices_applied; /* rules in its own devices cgroup; NULL = none */
        int enable_porto;               /* enum porto_access (daemon.h) */
        char *porto_namespace;          /* NULL = "" */

        /* ---- runtime ---- */
        pid_t task_pid;                 /* main process while it lives (portoinit with isolate) */
        pid_t cmd_pid;                  /* the command: task_pid, or portoinit's child (root_pid) */
        uint64_t task_starttime;        /* /proc/PID/stat starttime, against pid reuse */
        pid_t lost_pid;                 /* killed main process whose exit is still due */
        bool task_exited;               /* main process gone during stopping */
        bool task_isolated;             /* started with portoinit (status file) */
        int exit_status;
        bool oom_killed;
        int oom_fd;                     /* OOM event fd of the memory cgroup, -1 = none */
        uint64_t oom_kills_base;        /* oom kill count of the cgroup at start */
        struct loop_timer *oom_timer;   /* re-check after an OOM event */
        unsigned oom_rechecks;
        char *start_error;
        struct ct_stream stream[3];
        uint64_t creation_time_ms;      /* realtime */
        uint64_t start_time_ms;
        uint64_t death_time_ms;
        uint64_t change_time_ms;

        /* ---- engine bookkeeping ---- */
        struct stop_op *stop_op;        /* stop in progress rooted here */
        struct loop_timer *respawn_timer;
        struct loop_timer *aging_timer;
        struct loop_timer *restore_timer;  /* waiting for a restored task's exit status */
        struct ct_client *weak_owner;   /* connection of createWeak */
        bool restored_pending;          /* restored as running; exit status awaited */
        bool destroying;                /* no more records */
};

extern struct container *ct_root;

/* The main process is gone or abandoned; its exit report may still come. */
static inline void ct_task_forget(struct container *ct)
{
        if (ct->task_pid > 0)
                ct->lost_pid = ct->task_pid;
        ct->task_pid = 0;
        ct->cmd_pid = 0;
}

/* virt_mode=job runs as a process group in the parent: never isolated. */
static inline bool ct_isolated(const struct container *ct)
{
        return ct->isolate && ct->virt_mode != VIRT_JOB;
}

/* Where signals for the main process go: the command itself. */
static inline pid_t ct_signal_pid(const struct container *ct)
{
        return ct->cmd_pid > 0 ? ct->cmd_pid : ct->task_pid;
}

/* exit_status of a container whose main process ended while no master
 * could reap it (the whole daemon was down, or it had been re-parented away
 * from a previous master) and no status file tells the real one. No wait(2)
 * status is ever -1; exit_code reports it as CT_EXIT_CODE_LOST, outside the
 * ranges of exit codes (0..255), signals (-64..-1) and OOM (-99). */
#define CT_EXIT_STATUS_LOST (-1)
#define CT_EXIT_CODE_LOST (-127)

/* ---- container.c: tree, names, states ---- */

int ct_tree_init(void);
struct container *ct_find(const char *full_name);
/* Containers except the root, sorted by full name. */
struct container *const *ct_list_all(size_t *ret_n);
size_t ct_count(void);
static inline bool ct_is_root(const struct container *ct) { return ct->parent == NULL; }
/* Relative cgroup path: "" for the root, the full name otherwise. */
static inline const char *ct_cg_rel(const struct container *ct) { return ct_is_root(ct) ? "" : ct->name; }
bool ct_is_ancestor(const struct container *anc, const struct container *ct);
/* Controllers with a cgroup of the container's own (1 << enum cg_controller):
 * all supported ones for first-level containers (manual "CGROUPS"), freezer,
 * memory and cpuacct below. */
unsigned ct_cg_mask(const struct container *ct);
/* Cgroup (relative path) the container's tasks use in controller c: its own
 * or the nearest ancestor's. */
const char *ct_cg_rel_for(const struct container *ct, int controller);
/* Insert a new stopped container (id 0 = allocate a fresh one). */
int ct_insert(const char *name, uint64_t id, uid_t owner_uid, gid_t owner_gid,
              struct container **ret, struct perror *e);
/* Unlink from the tree and free (no side effects on the system). */
void ct_remove_free(struct container *ct);
uint64_t ct_next_id_peek(void);
/* Changes whenever a container is freed: pointers kept from an older
 * generation may dangle. */
uint64_t ct_generation(void);
void ct_id_seen(uint64_t id);

const char *ct_state_to_string(enum ct_state s);
int ct_state_from_string(const char *s, enum ct_state *ret);
const char *virt_mode_to_string(enum virt_mode m);
int virt_mode_from_string(const char *s, enum virt_mode *ret);

/* Change state: change_time, record, events (with the pseudo label
 * exit_code for dead/respawning), the meta parent's "finished" event. */
void ct_set_state(struct container *ct, enum ct_state state);
/* Same with an explicit pseudo label for the event (start_error). */
void ct_set_state_event(struct container *ct, enum ct_state state, const char *label, const char *value);
void ct_touch(struct container *ct);
/* A sync waiter accepts it: stopped, dead, respawning, meta w/o running children. */
bool ct_is_finished(const struct container *ct);
bool ct_has_running_children(const struct container *ct);
/* running/meta/paused/stopping/starting: cgroups exist, runtime data valid. */
bool ct_is_active(const struct container *ct);
int ct_exit_code(const struct container *ct);

/* Name resolution of 10.1; writes the full name ("/" for root) into an
 * arena string. */
int ct_resolve_name(struct request *req, const char *name, const char **ret_full, struct perror *e);
/* Resolve and look up an existing container. */
int ct_lookup(struct request *req, const char *name, struct container **ret, struct perror *e);
/* Name of ct as the client sees it. */
const char *ct_client_name(struct request *req, const struct container *ct);
/* "/porto/a/b", "/" for the root. */
char *ct_absolute_name(const struct container *ct);

/* Helpers shared by the engine files. */
int rm_rf(const char *path);
char *ct_default_cwd(const struct container *ct);
const char *ct_cwd(const struct container *ct, char *buf, size_t len);

/* ---- ct_resources.c ---- */
/* Controllers a container with this configuration gets (no runtime state). */
unsigned ct_cg_config_mask(const struct container *ct);
/* The parent has a cgroup in every controller the container would get
 * (a running parent cannot get new ones): InvalidState otherwise. */
int ct_cg_check_parent(const struct container *ct, struct perror *e);
/* After a restart: the cgroups a restored live container has (cg_started
 * is not in the record; the kernel knows). */
void ct_cg_restore_started(struct container *ct);
/* Write every limit of the configuration into the fresh cgroups. */
int ct_resources_apply(struct container *ct, struct perror *e);
/* After the spawn: scheduler policy of the tasks, the OOM watch. */
void ct_resources_started(struct container *ct);
/* Watch OOM events of a running container (also a re-attached one). */
void ct_oom_watch_open(struct container *ct);
/* Stop watching OOM events (before the memory cgroup goes). */
void ct_oom_watch_stop(struct container *ct);
/* pressurize_on_death of ct, its descendants and its ancestors: a tiny
 * soft limit while dead or a hollow meta (no live child), none otherwise.
 * Call after a death or start (the parents may have become hollow or not,
 * the children died with it). */
void ct_pressurize(struct container *ct);
/* After ct's cgroups (mask) went: rt runtime, the parents' pressure. */
void ct_resources_released(struct container *ct, unsigned mask);
/* Called when the main process died: did the kernel OOM-kill in the cgroup? */
bool ct_oom_happened(struct container *ct);
/* The container was killed by OOM: oom_killed, counted once (GetSystem). */
void ct_count_oom(struct container *ct);
/* Scheduler policy of every task of the container's own freezer cgroup. */
int ct_apply_cpu_policy(struct container *ct, enum res_cpu_policy p);
/* Live cpu_policy change of a running container: ct->cpu_policy and the
 * tasks, with the rt runtime granted or released around it. */
int ct_change_cpu_policy(struct container *ct, enum res_cpu_policy p);
/* Recompute the rt runtime of every live cpu cgroup (see ct_resources.c):
 * after an rt container started, died or stopped, or a cpu_limit changed. */
void ct_rt_sync(void);
/* Before the cpu cgroup of ct goes: zero its subtree's rt runtime (the
 * kernel counts a removed cgroup in its parent for a while). */
void ct_rt_release(struct container *ct);
/* ioprio (io_policy, or cpu_policy's nice for "none") of those tasks. */
int ct_apply_ioprio(struct container *ct, enum res_io_policy p);
int ct_apply_oom_score_adj(struct container *ct, int adj);
/* Effective memory_limit/thread_limit: the explicit value or the first-level default. */
uint64_t ct_memory_limit(const struct container *ct);
uint64_t ct_memory_limit_default(void);
/* The cpu limit the kernel gets: the least cpu_limit of the container and
 * its ancestors (a child cannot exceed its parent), 0 = none. */
uint64_t ct_cpu_limit_bound(const struct container *ct);
/* Rewrite the cpu limits of the live cgroups of the subtree after a
 * cpu_limit or cpu_period change of ct. */
int ct_apply_cpu_limit_tree(struct container *ct);
#define CT_FIRST_LEVEL_THREAD_LIMIT 10000
uint64_t ct_thread_limit(const struct container *ct);
/* Write io_limit (ops=false) or io_ops_limit to the blkio cgroup; entries
 * of old missing from l are reset first. */
int ct_apply_io_limits(struct container *ct, const struct res_io_limits *l, bool ops,
                       const struct res_io_limits *old, struct perror *e);
/* The disk of an io key (disk name, host path, "./path" in ct's root);
 * -ENODEV unknown. */
int ct_io_key_disk(const struct container *ct, const struct res_io_limit *key, dev_t *ret);
uint64_t host_memory_total(void);
/* Host memory in huge pages (bytes). */
uint64_t host_hugetlb_total(void);
/* ---- ct_cpuset.c ---- */
/* Recompute and write the cpu sets of the live cpuset cgroups around ct:
 * everything below ct's cpuset parent (after ct started, stopped or changed
 * cpu_set). ResourceNotAvailable when the reservations do not fit;
 * nothing is written then. */
int ct_cpuset_distribute(struct container *ct, struct perror *e);
/* Its cpu_set takes cpus from its siblings (reserve, threads, cores). */
bool ct_cpuset_reserves(const struct container *ct);
/* Cpus of NUMA node N (-ENODEV: no such node). */
int ct_cpuset_node_cpus(unsigned node, struct res_cpumask *ret);
/* memory_guarantee_total: max(memory_guarantee, sum over the children
 * that are not stopped); the root: the sum over the whole tree. */
uint64_t ct_memory_guarantee_total(const struct container *ct);
/* Host memory guarantees may take: total - hugetlb pages - the reserve of
 * the config (daemon.memory_guarantee_reserve). */
uint64_t ct_memory_guarantee_available(void);
/* The manual: under overcommit only the super-user starts first-level
 * containers (others only sub-containers); ResourceNotAvailable. */
int ct_memory_overcommit_check(const struct container *ct, const struct request *req, struct perror *e);
/* The overcommit rule for a container that is (about to be) not stopped
 * with guarantee `want` instead of its own: ResourceNotAvailable when the
 * tree's total would be above what is available (want 0 always passes:
 * the manual lets containers without a guarantee start under overcommit). */
int ct_memory_guarantee_check(struct container *ct, uint64_t want, struct perror *e);
unsigned host_ncpus(void);
void ct_resources_free(struct container *ct);

/* ---- prop_process.c ---- */
struct spawn_rlimit;
/* Effective rlimits: defaults from the config overridden by ulimit. */
int ct_rlimits(const struct container *ct, struct spawn_rlimit **ret, size_t *ret_n);

/* ---- ct_rootfs.c: filesystem and namespaces (issue 4) ---- */
struct spawn_config;
/* A chroot: root set to something else than "/". */
bool ct_has_chroot(const struct container *ct);
/* It or an ancestor has a chroot. */
bool ct_in_chroot(const struct container *ct);
/* Host path of the container's root: the roots of the ancestors joined
 * ("/" without any); NULL on ENOMEM. */
char *ct_root_host_path(const struct container *ct);
/* Effective net (explicit, or none for virt_mode=os). */
enum ct_net ct_net(const struct container *ct);
/* A meta container with namespaces of its own (isolate, net=none, a root,
 * binds...) keeps them for its children with a task: portoinit --hold. */
bool ct_meta_keeps_ns(const struct container *ct);
/* virt_mode=os defaults (manual "Context"): command, user, std streams. */
const char *ct_command(const struct container *ct);
bool ct_os_root_user(const struct container *ct);
/* Fill the filesystem/namespace part of a spawn config. *ret_holder keeps
 * what cfg points to; free it with ct_rootfs_holder_free() after the spawn. */
struct ct_rootfs_holder;
int ct_rootfs_spawn_config(struct container *ct, struct spawn_config *cfg, struct ct_rootfs_holder **ret_holder,
                           struct perror *e);
void ct_rootfs_holder_free(struct ct_rootfs_holder *h);
/* Apply the symlink list to the running container (live change):
 * old entries missing from the new list are removed. */
int ct_symlinks_apply(struct container *ct, const struct ct_symlink *old, size_t n_old, struct perror *e);
void ct_fs_free(struct container *ct);
/* Open a path as the container sees it (relative: from its cwd), resolved
 * in its root: symlinks cannot lead the daemon out of it. */
int ct_open_in_root(const struct container *ct, const char *path, int flags, int *ret_fd);
/* The name=systemd cgroup a virt_mode=os container with systemd got. */
void ct_systemd_cgroup_remove(const struct container *ct);

/* ---- prop_security.c, ct_security.c, ct_porto_ns.c (issue 4) ---- */
struct dev_set;
/* capabilities_allowed and capabilities_ambient_allowed of the container. */
void ct_caps_allowed(const struct container *ct, uint64_t *ret_allowed, uint64_t *ret_ambient_allowed);
/* Effective device rules of the container (resolved): the defaults, the
 * config's extra_devices, then the `devices` of its ancestors and its own.
 * This is also the list of nodes a container root's /dev may hold:
 * dev_make_nodes(dev_fd, set, e) creates them (ct_rootfs.c). */
int ct_devices_effective(const struct container *ct, struct dev_set *ret, struct perror *e);
/* At start, after the cgroups exist: devices cgroup rules. */
int ct_devices_apply(struct container *ct, struct perror *e);
/* Device control is off: controllers[devices]=false on the first-level
 * container above (or at) ct. */
bool ct_devices_off(const struct container *ct);
/* ct or a container below has `devices`: ct needs a devices cgroup of its
 * own (the hierarchy follows the names). */
bool ct_devices_wanted(const struct container *ct);
void ct_security_free(struct container *ct);
/* Capabilities (checked: capabilities_ambient within the allowed) and
 * task_cred groups for the starter. */
int ct_security_spawn(const struct container *ct, struct spawn_config *cfg, struct perror *e);
/* Whether processes of ct may talk to portod (enable_porto != none here
 * and in every ancestor): a container root then gets the socket bound in. */
bool ct_porto_enabled(const struct container *ct);
/* The daemon socket path on the host, to bind at the same path inside. */
const char *ct_porto_socket_path(void);
/* Porto namespace of ct ("" or "a/b/"), write: the one for write access;
 * -ENAMETOOLONG if it does not fit. */
int ct_porto_namespace(const struct container *ct, bool write, char *buf, size_t len);
/* enable_porto or porto_namespace changed somewhere: drop cached views. */
void ct_porto_ns_changed(void);
/* Namespace rule of a write by req's client to the container full_name
 * (existing or to be created): Permission error when it is out of the
 * client's write namespace. */
int ct_porto_check_write(struct request *req, const char *full_name, struct perror *e);
/* The client's read namespace, "" for host clients. */
const char *ct_client_namespace(struct request *req);
/* Reads: "/", the client's container, its ancestors and the containers in
 * its namespace (listing: only the latter). */
bool ct_client_sees(struct request *req, const struct container *ct, bool listing);

/* ---- ct_start.c ---- */
int ct_start(struct container *ct, struct request *req, struct perror *e);
/* Full environment "K=V" vector of the container (defaults, config, user). */
int ct_build_env(const struct container *ct, char ***ret);
const char *host_hostname(void);
uint64_t ct_pid_starttime(pid_t pid);
/* The process exists and is not a zombie (persist.c). */
bool ct_pid_running(pid_t pid);

/* ---- ct_stop.c ---- */
/* Stop the subtree; parks req (may be NULL) until done. Returns 1 if parked. */
int ct_stop(struct container *ct, uint64_t timeout_ms, struct request *req, struct perror *e);
int ct_kill(struct container *ct, int sig, struct perror *e);
int ct_pause(struct container *ct, struct perror *e);
int ct_resume(struct container *ct, struct perror *e);
int ct_respawn(struct container *ct, struct request *req, struct perror *e);
/* Destroy the subtree deepest-first, no grace. */
void ct_destroy(struct container *ct);
/* Release runtime resources of a stopped-from-now container (cgroups). */
void ct_release(struct container *ct);
/* Aging timer after death or aging_time change. */
void ct_schedule_aging(struct container *ct);
/* Mark the container dead with raw wait status (also kills the rest). */
void ct_died(struct container *ct, int status);
void ct_stop_op_client_gone(struct stop_op *op, struct request *req);
void ct_cgroups_remove(struct container *ct);
void ct_start_children_respawn(struct container *ct);

/* ---- stdio.c ---- */
/* Path of the stream's file ("" when it goes to /dev/null or a pipe). */
int ct_stream_path(const struct container *ct, int stream, char **ret);
bool ct_stream_internal(const struct container *ct, int stream);
/* Open the internal files for a new start (truncating them). */
int ct_stream_open(struct container *ct, int stream, int *ret_fd, struct perror *e);
/* Read stdout/stderr per 10.7 index syntax. */
int ct_stream_read(struct container *ct, int stream, const char *index, struct strbuf *out, struct perror *e);
void ct_stream_rotate(struct container *ct, int stream);
void stdio_timer_start(void);

/* ---- labels.c ---- */
const char *ct_label_get(const struct container *ct, const char *name);
/* Set (value non-empty) or remove (empty/NULL); checks name/value/count. */
int ct_label_set(struct container *ct, const char *name, const char *value, bool notify, struct perror *e);
/* Label lookup with ancestors for ".NAME". */
const char *ct_label_find(const struct container *ct, const char *name);
void ct_labels_free(struct container *ct);

/* ---- waiter.c ---- */
/* Event for waiters: a state change (label NULL or pseudo), or a label change. */
void waiter_event(struct container *ct, const char *label, const char *value);
/* Same, with an explicit state string ("destroyed"). */
void waiter_event_state(struct container *ct, const char *state, const char *label, const char *value);
struct ct_client *ct_client_get(struct client *c);
void ct_client_add_weak(struct ct_client *cl, struct container *ct);
void ct_client_drop_weak(struct container *ct);
void ct_client_set_parked_stop(struct request *req, struct stop_op *op);

/* ---- persist.c ---- */
int persist_init(void);
void ct_save(struct container *ct);
void ct_record_remove(struct container *ct);
int persist_restore(void);
uint64_t persist_alloc_id(void);
char *ct_status_path(const struct container *ct);

/* ---- auth.c ---- */
void client_cred(const struct client *c, uid_t *ret_uid, gid_t *ret_gid);
bool client_is_super(const struct client *c);
/* The "control" rule for another owner (protocol.md 1.5): owner is in
 * group porto-containers or in <client user>-containers. */
bool owner_controlled_by(uid_t owner, uid_t client);
int ct_check_write(struct request *req, struct container *ct, struct perror *e);
/* Creating full_name under parent (NULL: first level). */
int ct_check_create(struct request *req, struct container *parent, const char *full_name, struct perror *e);
char *uid_to_name(uid_t uid, char *buf, size_t len);
char *gid_to_name(gid_t gid, char *buf, size_t len);
int user_parse(const char *s, uid_t *ret);
int group_parse(const char *s, gid_t *ret);
bool user_in_group(uid_t uid, gid_t gid);
