/* Everything that ends or suspends a container: stop (parked until the
 * subtree is empty: SIGTERM, grace, SIGKILL), kill, pause/resume, death of
 * the main process, respawn, aging and destroy. */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include "container.h"
#include "prop.h"
#include "system.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/timeutil.h"
#include "shared/cgroup.h"

#define KILL_WAIT_MS 5000       /* after SIGKILL: wait for the tasks to go */

struct stop_op {
        struct container *ct;
        uint64_t deadline_ms;   /* monotonic end of the grace period */
        uint64_t kill_deadline_ms;
        bool killed;
        unsigned polls;
        struct loop_timer *timer;
        struct request **reqs;
        size_t n_reqs;
};

/* Exit statuses of main processes we no longer track (their container was
 * destroyed): still ours, so the master may forget them. */
static pid_t forgotten[256];
static size_t forgotten_next;

static void forget_pid(pid_t pid)
{
        if (pid <= 0)
                return;
        forgotten[forgotten_next++ % ELEMENTSOF(forgotten)] = pid;
}

static bool is_forgotten(pid_t pid)
{
        for (size_t i = 0; i < ELEMENTSOF(forgotten); i++)
                if (forgotten[i] == pid) {
                        forgotten[i] = 0;
                        return true;
                }
        return false;
}

/* Calls fn on the subtree, children before parents. */
static void for_subtree_post(struct container *ct, void (*fn)(struct container *, void *), void *data)
{
        /* iterate by index from the end: fn may not remove children */
        for (size_t i = ct->n_children; i > 0; i--)
                for_subtree_post(ct->children[i - 1], fn, data);
        fn(ct, data);
}

static struct stop_op *find_stop_op(struct container *ct)
{
        for (struct container *p = ct; p; p = p->parent)
                if (p->stop_op)
                        return p->stop_op;
        return NULL;
}

static void cancel_timer(struct loop_timer **t)
{
        if (*t) {
                loop_timer_cancel(*t);
                *t = NULL;
        }
}

/* The container's tasks are gone (or about to): drop cgroups, keep the pid
 * of a main process whose exit was not reported yet. */
void ct_release(struct container *ct)
{
        ct_task_forget(ct);
        ct_cgroups_remove(ct);
}

static int op_add_req(struct stop_op *op, struct request *req)
{
        struct request **n;

        if (!req)
                return 0;
        n = realloc(op->reqs, (op->n_reqs + 1) * sizeof(*n));
        if (!n)
                return -ENOMEM;
        op->reqs = n;
        op->reqs[op->n_reqs++] = req;
        ct_client_set_parked_stop(req, op);
        return 0;
}

static void op_free(struct stop_op *op)
{
        cancel_timer(&op->timer);
        if (op->ct && op->ct->stop_op == op)
                op->ct->stop_op = NULL;
        free(op->reqs);
        free(op);
}

static void op_complete(struct stop_op *op)
{
        struct request **reqs = op->reqs;
        size_t n = op->n_reqs;

        op->reqs = NULL;
        op->n_reqs = 0;
        op_free(op);
        for (size_t i = 0; i < n; i++) {
                ct_client_set_parked_stop(reqs[i], NULL);
                rpc_complete(reqs[i]);
        }
        free(reqs);
}

void ct_stop_op_client_gone(struct stop_op *op, struct request *req)
{
        for (size_t i = 0; i < op->n_reqs; i++)
                if (op->reqs[i] == req) {
                        op->reqs[i] = op->reqs[--op->n_reqs];
                        return;
                }
}

static void mark_stopped(struct container *ct, void *data _unused_)
{
        if (ct->state == CT_STOPPED)
                return;
        cancel_timer(&ct->respawn_timer);
        cancel_timer(&ct->aging_timer);
        cancel_timer(&ct->restore_timer);
        ct->restored_pending = false;
        ct_release(ct);
        ct_set_state(ct, CT_STOPPED);
}

static void op_finish(struct stop_op *op)
{
        struct container *ct = op->ct;

        log_debug("%s: stopped", ct->name);
        for_subtree_post(ct, mark_stopped, NULL);
        op_complete(op);
}

static void op_poll(void *userdata);

static void op_schedule(struct stop_op *op)
{
        static const uint64_t steps[] = { 1, 2, 5, 10, 20, 50 };
        uint64_t delay = steps[MIN(op->polls, ELEMENTSOF(steps) - 1)];
        uint64_t now = loop_now_ms();

        op->polls++;
        if (!op->killed && op->deadline_ms > now)
                delay = MIN(delay, op->deadline_ms - now);
        op->timer = loop_timer_add(delay, op_poll, op);
        if (!op->timer)
                log_error("%s: cannot add a stop timer", op->ct->name);
}

static void op_kill(struct stop_op *op)
{
        int r = cg_kill_all(op->ct->name, SIGKILL);

        if (r < 0)
                log_warning_errno(r, "%s: cannot kill the tasks: %m", op->ct->name);
        op->killed = true;
        op->polls = 0;
        op->kill_deadline_ms = loop_now_ms() + KILL_WAIT_MS;
}

/* A meta container's task (portoinit --hold) ignores SIGTERM and goes
 * last: its pid namespace dies with it, so it is killed once nothing is
 * left below it. */
static void kill_idle_meta_task(struct container *ct, void *data _unused_)
{
        if (!ct->is_meta || ct->task_pid <= 0 || ct->state != CT_STOPPING)
                return;
        for (size_t i = 0; i < ct->n_children; i++)
                if (!cg_is_empty(CG_FREEZER, ct->children[i]->name))
                        return;
        kill(ct->task_pid, SIGKILL);
}

/* Decide what to do next; returns true if the op finished (and is freed). */
static bool op_check(struct stop_op *op)
{
        uint64_t now = loop_now_ms();

        cancel_timer(&op->timer);
        for_subtree_post(op->ct, kill_idle_meta_task, NULL);
        if (cg_is_empty(CG_FREEZER, op->ct->name)) {
                op_finish(op);
                return true;
        }
        if (!op->killed && now >= op->deadline_ms)
                op_kill(op);
        else if (op->killed && now >= op->kill_deadline_ms) {
                log_warning("%s: tasks survived SIGKILL for %d ms, giving up", op->ct->name, KILL_WAIT_MS);
                op_finish(op);
                return true;
        }
        op_schedule(op);
        return false;
}

static void op_poll(void *userdata)
{
        struct stop_op *op = userdata;

        op->timer = NULL;
        op_check(op);
}

static void term_one(struct container *ct, void *data)
{
        struct stop_op *op = data;

        /* a stop started below is merged into this one */
        if (ct->stop_op && ct->stop_op != op) {
                struct stop_op *sub = ct->stop_op;
                for (size_t i = 0; i < sub->n_reqs; i++)
                        if (op_add_req(op, sub->reqs[i]) < 0) {
                                ct_client_set_parked_stop(sub->reqs[i], NULL);
                                rpc_complete(sub->reqs[i]);
                        }
                sub->n_reqs = 0;
                op_free(sub);
        }
        cancel_timer(&ct->respawn_timer);
        if (ct->state == CT_STOPPED)
                return;
        if (ct->task_pid > 0 && !op->killed && (ct->state == CT_RUNNING || ct->state == CT_PAUSED))
                kill(ct_signal_pid(ct), ct->virt_mode == VIRT_OS && ct_isolated(ct) ? SIGPWR : SIGTERM);
        ct_set_state(ct, CT_STOPPING);
}

static bool ancestor_paused(const struct container *ct)
{
        for (const struct container *p = ct->parent; p; p = p->parent)
                if (p->state == CT_PAUSED)
                        return true;
        return false;
}

int ct_stop(struct container *ct, uint64_t timeout_ms, struct request *req, struct perror *e)
{
        struct stop_op *op;
        int r;

        if (ct_is_root(ct))
                return perror_set(e, EERROR_PERMISSION, -EPERM, "the root container cannot be stopped");
        if (ct->state == CT_STOPPED)
                return 0;
        if (ct->state == CT_STOPPING && (op = find_stop_op(ct))) {
                r = op_add_req(op, req);
                if (r < 0)
                        return r;
                return req ? 1 : 0;
        }
        if (ancestor_paused(ct))
                return perror_set(e, EERROR_INVALID_STATE, -EINVAL, "cannot stop %s: a parent is paused", ct->name);

        op = calloc(1, sizeof(*op));
        if (!op)
                return -ENOMEM;
        op->ct = ct;
        op->deadline_ms = loop_now_ms() + timeout_ms;
        ct->stop_op = op;

        /* frozen tasks cannot act on SIGTERM: thaw first */
        if (ct->state == CT_PAUSED) {
                r = cg_thaw(ct->name);
                if (r < 0)
                        log_warning_errno(r, "%s: cannot thaw: %m", ct->name);
        }
        if (timeout_ms == 0)
                op->killed = true;      /* no SIGTERM */
        for_subtree_post(ct, term_one, op);
        if (timeout_ms == 0)
                op_kill(op);

        if (op_check(op))
                return 0;       /* done already: the caller replies */
        r = op_add_req(op, req);
        if (r < 0)
                return r;       /* the stop goes on without this client */
        return req ? 1 : 0;
}

int ct_kill(struct container *ct, int sig, struct perror *e)
{
        if (ct->state != CT_RUNNING)
                return perror_set(e, EERROR_INVALID_STATE, -EINVAL, "cannot kill %s: it is %s, not running",
                                  ct->name, ct_state_to_string(ct->state));
        if (sig <= 0 || sig >= NSIG)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "invalid signal %d", sig);
        if (ct->task_pid <= 0)
                return 0;
        if (kill(ct_signal_pid(ct), sig) < 0 && errno != ESRCH)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "cannot send signal %d to %s", sig, ct->name);
        return 0;
}

static void pause_one(struct container *ct, void *data _unused_)
{
        if (ct->state != CT_RUNNING && ct->state != CT_META)
                return;
        ct->paused_from = ct->state;
        ct_set_state(ct, CT_PAUSED);
}

int ct_pause(struct container *ct, struct perror *e)
{
        int r;

        if (ct_is_root(ct))
                return perror_set(e, EERROR_PERMISSION, -EPERM, "the root container cannot be paused");
        if (ct->state != CT_RUNNING && ct->state != CT_META)
                return perror_set(e, EERROR_INVALID_STATE, -EINVAL, "cannot pause %s: it is %s",
                                  ct->name, ct_state_to_string(ct->state));
        r = cg_freeze(ct->name);
        if (r < 0) {
                cg_thaw(ct->name);
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot freeze %s", ct->name);
        }
        for_subtree_post(ct, pause_one, NULL);
        return 0;
}

static void resume_one(struct container *ct, void *data)
{
        struct container *top = data;

        if (ct->state != CT_PAUSED)
                return;
        if (ct != top) {
                int r = cg_thaw(ct->name);
                if (r < 0)
                        log_warning_errno(r, "%s: cannot thaw: %m", ct->name);
        }
        ct_set_state(ct, ct->paused_from == CT_META ? CT_META : CT_RUNNING);
}

int ct_resume(struct container *ct, struct perror *e)
{
        int r;

        if (ct->state != CT_PAUSED)
                return perror_set(e, EERROR_INVALID_STATE, -EINVAL, "cannot resume %s: it is %s, not paused",
                                  ct->name, ct_state_to_string(ct->state));
        if (ancestor_paused(ct))
                return perror_set(e, EERROR_INVALID_STATE, -EINVAL, "cannot resume %s: a parent is paused",
                                  ct->name);
        r = cg_thaw(ct->name);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot thaw %s", ct->name);
        for_subtree_post(ct, resume_one, ct);
        /* the main process may have been reported dead while frozen (SIGKILL) */
        return 0;
}

/* ---- aging ---- */

static void aging_fire(void *userdata)
{
        struct container *ct = userdata;

        ct->aging_timer = NULL;
        if (ct->state != CT_DEAD)
                return;
        log_info("%s: dead for aging_time %" PRIu64 " s, destroying", ct->name, ct->aging_time_s);
        sys_stats->container_buried++;
        ct_destroy(ct);
}

void ct_schedule_aging(struct container *ct)
{
        uint64_t now = now_realtime_ms(), age, limit, delay;

        cancel_timer(&ct->aging_timer);
        if (ct->state != CT_DEAD)
                return;
        /* One reading of the clock: two could go backwards between them
         * (a realtime step), making a fresh death look a whole age old. */
        age = now - MIN(ct->death_time_ms, now);
        limit = ct->aging_time_s > UINT64_MAX / 1000 ? UINT64_MAX : ct->aging_time_s * 1000;
        delay = limit > age ? limit - age : 0;
        ct->aging_timer = loop_timer_add(delay, aging_fire, ct);
}

/* ---- death and respawn ---- */

static bool respawn_allowed(const struct container *ct)
{
        return ct->max_respawns < 0 || ct->respawn_count < (uint64_t)ct->max_respawns;
}

static bool parent_alive(const struct container *ct)
{
        const struct container *p = ct->parent;
        return !p || ct_is_root(p) || p->state == CT_RUNNING || p->state == CT_META;
}

static int do_respawn(struct container *ct, struct request *req, struct perror *e)
{
        int r;

        cancel_timer(&ct->respawn_timer);
        cancel_timer(&ct->aging_timer);
        if (!cg_is_empty(CG_FREEZER, ct->name))
                cg_kill_all(ct->name, SIGKILL);
        /* cgroups stay: children that died with us still have theirs inside */
        ct_task_forget(ct);
        /* straight to stopped: waiters see starting/running next */
        ct->state = CT_STOPPED;
        ct->respawn_count++;
        r = ct_start(ct, req, e);
        if (r < 0)
                log_warning("%s: respawn failed: %s", ct->name, e->msg);
        return r;
}

static void respawn_fire(void *userdata)
{
        struct container *ct = userdata;
        struct perror e = { 0 };

        ct->respawn_timer = NULL;
        if (ct->state != CT_RESPAWNING)
                return;
        if (!parent_alive(ct)) {
                /* the parent restarts later and kicks us (ct_start_children_respawn) */
                if (ct->parent->state != CT_RESPAWNING && ct->parent->state != CT_STARTING)
                        ct_set_state(ct, CT_DEAD), ct_schedule_aging(ct);
                return;
        }
        do_respawn(ct, NULL, &e);
}

static void schedule_respawn(struct container *ct)
{
        uint64_t ms = ct->respawn_delay_ns / 1000000;

        cancel_timer(&ct->respawn_timer);
        ct_set_state(ct, CT_RESPAWNING);
        ct->respawn_timer = loop_timer_add(ms, respawn_fire, ct);
}

/* After a start: children that died with their parent and want a respawn. */
void ct_start_children_respawn(struct container *ct)
{
        for (size_t i = 0; i < ct->n_children; i++) {
                struct container *c = ct->children[i];
                if ((c->state == CT_DEAD || c->state == CT_RESPAWNING) && c->respawn && respawn_allowed(c) &&
                    !c->respawn_timer)
                        schedule_respawn(c);
        }
}

static void die_with_parent(struct container *ct, void *data)
{
        struct container *top = data;

        if (ct == top || !ct_is_active(ct))
                return;
        ct_task_forget(ct);
        ct->exit_status = SIGKILL;
        ct->death_time_ms = now_realtime_ms();
        ct_set_state(ct, CT_DEAD);
        ct_schedule_aging(ct);
}

void ct_died(struct container *ct, int status)
{
        int r;

        ct->task_pid = 0;
        ct->cmd_pid = 0;
        ct->exit_status = status;
        ct->death_time_ms = now_realtime_ms();
        /* the OOM event may come after the exit report */
        if (!ct->oom_killed && (ct->oom_is_fatal || (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) &&
            ct_oom_happened(ct))
                ct_count_oom(ct);
        log_info("%s: main process exited, status %d (exit_code %d)", ct->name, status, ct_exit_code(ct));
        if (!cg_is_empty(CG_FREEZER, ct->name)) {
                r = cg_kill_all(ct->name, SIGKILL);
                if (r < 0)
                        log_warning_errno(r, "%s: cannot kill the remaining tasks: %m", ct->name);
        }
        for_subtree_post(ct, die_with_parent, ct);
        if (ct->respawn && respawn_allowed(ct) && parent_alive(ct)) {
                schedule_respawn(ct);
                return;
        }
        ct_set_state(ct, CT_DEAD);
        ct_pressurize(ct);
        /* the subtree's rt runtime goes back to the others */
        ct_rt_sync();
        ct_schedule_aging(ct);
}

int ct_respawn(struct container *ct, struct request *req, struct perror *e)
{
        const struct container *p = ct->parent;

        if (ct->state != CT_DEAD && ct->state != CT_RESPAWNING)
                return perror_set(e, EERROR_INVALID_STATE, -EINVAL, "cannot respawn %s: it is %s, not dead",
                                  ct->name, ct_state_to_string(ct->state));
        if (p && !ct_is_root(p) && p->state != CT_RUNNING && p->state != CT_META && p->state != CT_RESPAWNING)
                return perror_set(e, EERROR_INVALID_STATE, -EINVAL, "cannot respawn %s: parent %s is %s",
                                  ct->name, p->name, ct_state_to_string(p->state));
        if (!respawn_allowed(ct))
                return perror_set(e, EERROR_RESOURCE_NOT_AVAILABLE, -EUSERS,
                                  "cannot respawn %s: respawn_count %" PRIu64 " reached max_respawns %" PRIi64,
                                  ct->name, ct->respawn_count, ct->max_respawns);
        if (p && p->state == CT_RESPAWNING) {
                /* started together with the parent */
                schedule_respawn(ct);
                return 0;
        }
        return do_respawn(ct, req, e);
}

/* Status of an isolated container's command, written by portoinit. */
static bool read_status_file(struct container *ct, int *status)
{
        _cleanup_free_ char *path = ct_status_path(ct), *data = NULL;
        size_t len = 0;
        int v;

        /* decimal text (portoinit's write_status) */
        if (!path || read_file(path, 64, &data, &len) < 0 || len == 0)
                return false;
        if (sscanf(data, "%d", &v) == 1 && v >= 0) {
                *status = v;
                return true;
        }
        return false;
}

bool ct_process_exited(pid_t pid, int wait_status)
{
        size_t n;
        struct container *const *all = ct_list_all(&n);

        if (pid <= 0)
                return false;
        for (size_t i = 0; i < n; i++) {
                struct container *ct = all[i];
                int status = wait_status;

                if (ct->lost_pid == pid) {
                        ct->lost_pid = 0;
                        return true;
                }
                if (ct->task_pid != pid)
                        continue;
                if (ct->task_isolated)
                        read_status_file(ct, &status);
                ct->restored_pending = false;
                cancel_timer(&ct->restore_timer);
                if (ct->state == CT_STOPPING) {
                        struct stop_op *op = find_stop_op(ct);
                        ct->task_pid = 0;
                        ct->cmd_pid = 0;
                        ct->exit_status = status;
                        ct->task_exited = true;
                        if (op)
                                op_check(op);
                        return true;
                }
                ct_died(ct, status);
                return true;
        }
        return is_forgotten(pid);
}

/* ---- destroy ---- */

static void destroy_one(struct container *ct, void *data _unused_)
{
        _cleanup_free_ char *cwd = NULL, *status = NULL;

        ct->destroying = true;
        ct_record_remove(ct);
        if (ct->stop_op)
                op_complete(ct->stop_op);
        cancel_timer(&ct->respawn_timer);
        cancel_timer(&ct->aging_timer);
        cancel_timer(&ct->restore_timer);
        forget_pid(ct->task_pid);
        forget_pid(ct->lost_pid);
        ct->task_pid = ct->cmd_pid = ct->lost_pid = 0;
        if (ct->state != CT_STOPPED) {
                ct_cgroups_remove(ct);
                ct_set_state(ct, CT_STOPPED);
        }
        if ((cwd = ct_default_cwd(ct))) {
                int r = rm_rf(cwd);
                if (r < 0)
                        log_warning_errno(r, "%s: cannot remove %s: %m", ct->name, cwd);
        }
        if ((status = ct_status_path(ct)))
                unlink(status);
        ct_client_drop_weak(ct);
        waiter_event_state(ct, "destroyed", NULL, NULL);
        log_info("%s: destroyed", ct->name);
        ct_remove_free(ct);
}

void ct_destroy(struct container *ct)
{
        if (ct_is_root(ct))
                return;
        if (ct->state != CT_STOPPED && !cg_is_empty(CG_FREEZER, ct->name)) {
                int r = cg_kill_all(ct->name, SIGKILL);
                if (r < 0)
                        log_warning_errno(r, "%s: cannot kill the tasks: %m", ct->name);
        }
        /* children first; destroy_one unlinks ct from its parent */
        while (ct->n_children > 0)
                ct_destroy(ct->children[ct->n_children - 1]);
        destroy_one(ct, NULL);
}

/* ---- shutdown ---- */

/* Post-order, so a paused child is thawed before its parent: in the v1
 * freezer a thawed parent leaves a self-frozen child frozen, and frozen
 * tasks neither handle SIGTERM nor die. */
static void stop_all_term(struct container *ct, void *data _unused_)
{
        if (ct_is_root(ct))
                return;
        if (ct->state == CT_PAUSED)
                cg_thaw(ct->name);
        if (ct->task_pid > 0 && (ct->state == CT_RUNNING || ct->state == CT_PAUSED))
                kill(ct_signal_pid(ct), SIGTERM);
}

/* A container whose main process is gone has no one left to wait for:
 * what remains in its cgroup (children of a shell killed by SIGTERM, a
 * dead container's leftovers) is killed now instead of keeping the whole
 * shutdown waiting for stop_timeout. Meta containers wait for their
 * children. Counts the main processes still in their grace period. */
static void stop_all_reap(struct container *ct, void *data)
{
        size_t *n_alive = data;

        if (ct_is_root(ct) || ct->is_meta || ct->state == CT_STOPPED || ct->state == CT_META)
                return;
        if (ct->task_pid > 0 && ct_pid_running(ct->task_pid)) {
                (*n_alive)++;
                return;
        }
        if (!cg_is_empty(CG_FREEZER, ct->name))
                cg_kill_all(ct->name, SIGKILL);
}

static bool wait_empty(uint64_t ms, bool reap)
{
        uint64_t end = now_monotonic_ms() + ms;

        while (!cg_is_empty(CG_FREEZER, "")) {
                size_t n_alive = 0;

                if (now_monotonic_ms() >= end)
                        return false;
                usleep(10000);
                if (!reap)
                        continue;
                for_subtree_post(ct_root, stop_all_reap, &n_alive);
                /* Every main process is gone: what is left belongs to no
                 * container being stopped (cgroups of records that could
                 * not be restored, strays). */
                if (n_alive == 0)
                        cg_kill_all("", SIGKILL);
        }
        return true;
}

void ct_stop_all(void)
{
        size_t n;
        struct container *const *all;

        for_subtree_post(ct_root, stop_all_term, NULL);
        if (!wait_empty(config->stop_timeout_ms, true)) {
                log_warning("stop: tasks left after %" PRIu64 " ms, killing them", config->stop_timeout_ms);
                cg_kill_all("", SIGKILL);
                if (!wait_empty(KILL_WAIT_MS, false))
                        log_warning("stop: tasks survived SIGKILL");
        }
        all = ct_list_all(&n);
        for (size_t i = n; i > 0; i--) {
                struct container *ct = all[i - 1];
                if (ct->stop_op)
                        op_complete(ct->stop_op);
                mark_stopped(ct, NULL);
        }
}
