/* Container records: <state_dir>/kvs/<id>, "key=value" lines (backslash
 * escapes for newline and backslash), replaced atomically on every change.
 * Keys starting with '_' are runtime state; the others are properties set
 * explicitly (prop.h PROP_PERSIST), restored through the property table.
 *
 * Records are replaced by write-to-temp + rename WITHOUT fsync: they
 * describe live processes, which do not survive a reboot anyway, and rename
 * is atomic against a crash of the daemon itself. fsync would cost several
 * ms per change on a disk-backed state directory (two per write). The id
 * counter is written with write_file_atomic (fsync) since it must never go
 * back, and only once per ID_RESERVE ids.
 *
 * Ids come from a counter reserved in blocks in <state_dir>/ct_next_id, so
 * an id is never reused while the state directory lives.
 *
 * Restore (the straightforward version): records are loaded parents first;
 * a container recorded as running is re-attached if its main pid is alive,
 * not a zombie, started at the recorded time and still in its freezer
 * cgroup. Otherwise its exit status is awaited from the master (which keeps
 * statuses while no worker runs) for RESTORE_STATUS_WAIT_MS; if none comes
 * (the master was down too) the status is taken from portoinit's status
 * file for an isolated container, else it is CT_EXIT_STATUS_LOST, and a
 * warning is logged. A live main process that is no longer the master's
 * child is watched with a pidfd (see watch_orphan).
 *
 * A record that cannot be read back (no _name/_id, or truncated: every
 * record ends with "_end=1") or whose container cannot be inserted is moved
 * to <state_dir>/broken/ with an error in the log; the others are restored. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "container.h"
#include "prop.h"
#include "system.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/name.h"
#include "basic/parse.h"
#include "basic/timeutil.h"
#include "shared/cgroup.h"

#define ID_RESERVE 1000
#define RESTORE_STATUS_WAIT_MS 3000
#define RECORD_MAX (1u << 20)

static char *kvs_dir, *status_dir, *id_path;
static uint64_t id_next, id_reserved;

static int reserve_ids(uint64_t upto)
{
        char buf[32];
        int r;

        snprintf(buf, sizeof(buf), "%" PRIu64 "\n", upto);
        r = write_file_atomic(id_path, buf, strlen(buf), 0600);
        if (r < 0)
                return log_warning_errno(r, "cannot write %s: %m", id_path);
        id_reserved = upto;
        return 0;
}

int persist_init(void)
{
        uint64_t v = 0;
        int r;

        kvs_dir = strdup_printf("%s/kvs", config->state_dir);
        status_dir = strdup_printf("%s/status", config->state_dir);
        id_path = strdup_printf("%s/ct_next_id", config->state_dir);
        if (!kvs_dir || !status_dir || !id_path)
                return -ENOMEM;
        r = mkdir_p(kvs_dir, 0700);
        if (r < 0)
                return log_error_errno(r, "cannot create %s: %m", kvs_dir);
        r = mkdir_p(status_dir, 0700);
        if (r < 0)
                return log_error_errno(r, "cannot create %s: %m", status_dir);
        if (read_u64_file(id_path, &v) < 0)
                v = 0;
        id_next = MAX(v, (uint64_t)2);
        id_reserved = id_next;
        return 0;
}

uint64_t persist_alloc_id(void)
{
        uint64_t id = MAX(id_next, ct_next_id_peek());

        id_next = id + 1;
        if (id_next > id_reserved)
                reserve_ids(id_next + ID_RESERVE);
        return id;
}

char *ct_status_path(const struct container *ct)
{
        return strdup_printf("%s/%" PRIu64, status_dir, ct->id);
}

static char *record_path(const struct container *ct)
{
        return strdup_printf("%s/%" PRIu64, kvs_dir, ct->id);
}

static int put_escaped(struct strbuf *b, const char *key, const char *value)
{
        int r = strbuf_printf(b, "%s=", key);

        for (const char *p = value; r >= 0 && *p; p++) {
                if (*p == '\n')
                        r = strbuf_append(b, "\\n");
                else if (*p == '\\')
                        r = strbuf_append(b, "\\\\");
                else
                        r = strbuf_append_n(b, p, 1);
        }
        return r < 0 ? r : strbuf_append(b, "\n");
}

static int put_u64(struct strbuf *b, const char *key, uint64_t v)
{
        return strbuf_printf(b, "%s=%" PRIu64 "\n", key, v);
}

static int serialize(struct container *ct, struct strbuf *b)
{
        size_t n;
        const struct prop *const *props = prop_all(&n);
        struct strbuf val = STRBUF_INIT;
        struct perror e = { 0 };
        int r = 0;

        r = put_escaped(b, "_name", ct->name);
        if (r >= 0) r = put_u64(b, "_id", ct->id);
        if (r >= 0) r = put_escaped(b, "_state", ct_state_to_string(ct->state));
        if (r >= 0) r = put_u64(b, "_owner_uid", ct->owner_uid);
        if (r >= 0) r = put_u64(b, "_owner_gid", ct->owner_gid);
        if (r >= 0) r = put_u64(b, "_creation_time", ct->creation_time_ms);
        if (r >= 0) r = put_u64(b, "_start_time", ct->start_time_ms);
        if (r >= 0) r = put_u64(b, "_death_time", ct->death_time_ms);
        if (r >= 0) r = put_u64(b, "_change_time", ct->change_time_ms);
        if (r >= 0) r = put_u64(b, "_root_pid", ct->task_pid > 0 ? (uint64_t)ct->task_pid : 0);
        if (r >= 0) r = put_u64(b, "_cmd_pid", ct->cmd_pid > 0 ? (uint64_t)ct->cmd_pid : 0);
        if (r >= 0) r = put_u64(b, "_root_starttime", ct->task_starttime);
        if (r >= 0) r = put_u64(b, "_exit_status", (uint32_t)ct->exit_status);
        if (r >= 0) r = put_u64(b, "_oom_killed", ct->oom_killed);
        if (r >= 0) r = put_u64(b, "_oom_kills_base", ct->oom_kills_base);
        if (r >= 0) r = put_u64(b, "_is_meta", ct->is_meta);
        if (r >= 0) r = put_u64(b, "_task_isolated", ct->task_isolated);
        if (r >= 0) r = put_escaped(b, "_paused_from", ct_state_to_string(ct->paused_from));
        if (r >= 0) r = put_u64(b, "_respawn_count", ct->respawn_count);
        if (r >= 0) r = put_u64(b, "_stdout_offset", ct->stream[CT_STDOUT].offset);
        if (r >= 0) r = put_u64(b, "_stdout_base", ct->stream[CT_STDOUT].base);
        if (r >= 0) r = put_u64(b, "_stderr_offset", ct->stream[CT_STDERR].offset);
        if (r >= 0) r = put_u64(b, "_stderr_base", ct->stream[CT_STDERR].base);
        if (r >= 0 && ct->start_error)
                r = put_escaped(b, "_start_error", ct->start_error);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                const struct prop *p = props[i];
                struct prop_ctx x = { .ct = ct, .persist = true, .e = &e };

                if (!(p->flags & PROP_PERSIST) || !prop_is_set(ct, p))
                        continue;
                strbuf_reset(&val);
                r = p->get(&x, &val);
                if (r >= 0)
                        r = put_escaped(b, p->name, val.s ? val.s : "");
        }
        strbuf_free(&val);
        /* last line: a record without it was cut short (see load_record) */
        return r < 0 ? r : put_u64(b, "_end", 1);
}

static int record_write(const char *path, const char *data, size_t len)
{
        _cleanup_free_ char *tmp = strdup_printf("%s.tmp", path);
        _cleanup_close_ int fd = -EBADF;
        size_t done = 0;

        if (!tmp)
                return -ENOMEM;
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600);
        if (fd < 0)
                return -errno;
        while (done < len) {
                ssize_t n = write(fd, data + done, len - done);
                if (n < 0) {
                        int r = errno == EINTR ? 0 : -errno;
                        if (r == 0)
                                continue;
                        unlink(tmp);
                        return r;
                }
                done += n;
        }
        if (rename(tmp, path) < 0) {
                int r = -errno;
                unlink(tmp);
                return r;
        }
        return 0;
}

void ct_save(struct container *ct)
{
        _cleanup_free_ char *path = NULL;
        struct strbuf b = STRBUF_INIT;
        int r;

        if (ct_is_root(ct) || !kvs_dir || ct->destroying)
                return;
        path = record_path(ct);
        if (!path) {
                log_error("%s: cannot save the record: out of memory", ct->name);
                return;
        }
        r = serialize(ct, &b);
        if (r >= 0)
                r = record_write(path, b.s ? b.s : "", b.len);
        if (r < 0)
                log_error_errno(r, "%s: cannot save the record %s: %m", ct->name, path);
        strbuf_free(&b);
}

void ct_record_remove(struct container *ct)
{
        _cleanup_free_ char *path = record_path(ct);

        if (path && unlink(path) < 0 && errno != ENOENT)
                log_warning_errno(-errno, "%s: cannot remove %s: %m", ct->name, path);
}

/* ---- restore ---- */

struct record {
        char *file;
        char **keys;    /* "key=value", unescaped */
        const char *name;
        unsigned level;
        uint64_t id;
};

static void unescape(char *s)
{
        char *w = s;

        for (char *p = s; *p; p++) {
                if (*p == '\\' && p[1]) {
                        p++;
                        *w++ = *p == 'n' ? '\n' : *p;
                } else
                        *w++ = *p;
        }
        *w = 0;
}

static const char *rec_get(const struct record *rec, const char *key)
{
        size_t n = strlen(key);

        for (char **k = rec->keys; k && *k; k++)
                if (strncmp(*k, key, n) == 0 && (*k)[n] == '=')
                        return *k + n + 1;
        return NULL;
}

static uint64_t rec_u64(const struct record *rec, const char *key)
{
        const char *v = rec_get(rec, key);
        uint64_t x = 0;

        if (v)
                parse_u64(v, &x);
        return x;
}

static int load_record(int dfd, const char *file, struct record *rec)
{
        _cleanup_free_ char *data = NULL;
        struct perror e = { 0 };
        char *line, *save = NULL;
        int r;

        *rec = (struct record){ 0 };
        r = read_file_at(dfd, file, RECORD_MAX, &data, NULL);
        if (r < 0)
                return r;
        for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                if (!strchr(line, '='))
                        continue;
                unescape(line);
                r = strv_push(&rec->keys, line);
                if (r < 0)
                        return r;
        }
        rec->name = rec_get(rec, "_name");
        rec->id = rec_u64(rec, "_id");
        if (!rec->name || !rec->id || ct_name_check(rec->name, CT_NAME_MAX_SUPERUSER, &e) < 0)
                return -EBADMSG;
        if (!streq_ptr(rec_get(rec, "_end"), "1"))
                return -ENODATA;        /* truncated */
        rec->level = ct_name_level(rec->name);
        rec->file = strdup(file);
        return rec->file ? 0 : -ENOMEM;
}

static int rec_cmp(const void *a, const void *b)
{
        const struct record *ra = a, *rb = b;

        if (ra->level != rb->level)
                return ra->level < rb->level ? -1 : 1;
        return strcmp(ra->name, rb->name);
}

/* State letter and parent of a process from /proc/PID/stat; false if gone. */
static bool pid_stat(pid_t pid, char *state, pid_t *ppid)
{
        char path[64], buf[512];
        _cleanup_close_ int fd = -EBADF;
        ssize_t n;
        char *p;
        int pp;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        n = read(fd, buf, sizeof(buf) - 1);
        if (n <= 0)
                return false;
        buf[n] = 0;
        p = strrchr(buf, ')');
        if (!p || sscanf(p + 1, " %c %d", state, &pp) != 2)
                return false;
        *ppid = pp;
        return true;
}

static bool pid_is_zombie(pid_t pid)
{
        char st;
        pid_t ppid;

        return !pid_stat(pid, &st, &ppid) || st == 'Z' || st == 'X';
}

bool ct_pid_running(pid_t pid)
{
        return pid > 0 && !pid_is_zombie(pid);
}

/* ---- orphans: main processes that are not the master's children ----
 * After the whole daemon (master too) was killed, the running main
 * processes were re-parented to init: no master will ever reap them and
 * report their status. A pidfd tells when such a process ends; its status
 * then comes from portoinit's status file (isolated containers) or is lost
 * (CT_EXIT_STATUS_LOST). */

static void orphan_exited(int fd, uint32_t events _unused_, void *userdata)
{
        pid_t pid = (pid_t)(intptr_t)userdata;

        loop_del_io(fd);
        close(fd);
        log_info("pid %d, not a child of the master, has ended", (int)pid);
        ct_process_exited(pid, CT_EXIT_STATUS_LOST);
}

static void watch_orphan(struct container *ct, pid_t pid)
{
        char st;
        pid_t ppid;
        int fd;

        if (!pid_stat(pid, &st, &ppid) || ppid == getppid())
                return;
        fd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0) {
                log_warning_errno(-errno, "%s: pid %d is not the master's child and cannot be watched "
                                  "(pidfd_open: %m); its exit will go unnoticed", ct->name, (int)pid);
                return;
        }
        if (loop_add_io(fd, EPOLLIN, orphan_exited, (void *)(intptr_t)pid) < 0) {
                close(fd);
                log_warning("%s: cannot watch pid %d; its exit will go unnoticed", ct->name, (int)pid);
                return;
        }
        log_info("%s: pid %d was re-parented away from the master (to %d); watching it, its exit "
                 "status %s", ct->name, (int)pid, (int)ppid,
                 ct->task_isolated ? "comes from portoinit's status file" : "will be lost");
}

/* Main process of a restored running container still there? */
static bool task_alive(const struct container *ct, pid_t pid, uint64_t starttime)
{
        _cleanup_free_ char *rel = NULL;

        if (pid <= 0 || kill(pid, 0) < 0 || pid_is_zombie(pid))
                return false;
        if (starttime && ct_pid_starttime(pid) != starttime)
                return false;
        return cg_pid_cgroup(CG_FREEZER, pid, &rel) == 0 && streq(rel, ct->name);
}

static void status_lost(void *userdata)
{
        struct container *ct = userdata;

        ct->restore_timer = NULL;
        if (!ct->restored_pending)
                return;
        log_warning("%s: pid %d ended while no master could reap it; exit status %s", ct->name,
                    (int)ct->task_pid, ct->task_isolated ? "from portoinit's status file, if any" :
                    "lost (exit_status -1, exit_code -127)");
        /* handles the status file, and the STOPPING state */
        if (!ct_process_exited(ct->task_pid, CT_EXIT_STATUS_LOST)) {
                ct->restored_pending = false;
                ct_died(ct, CT_EXIT_STATUS_LOST);
        }
}

static void reattach(struct container *ct, const struct record *rec, enum ct_state state)
{
        pid_t pid = rec_u64(rec, "_root_pid");
        uint64_t starttime = rec_u64(rec, "_root_starttime");

        switch (state) {
        case CT_STOPPED:
                ct->state = CT_STOPPED;
                return;
        case CT_DEAD:
                ct->state = CT_DEAD;
                ct_schedule_aging(ct);
                return;
        case CT_META:
        case CT_PAUSED:
                ct->state = state;
                /* a meta container without a task has nothing to re-attach */
                if (ct->is_meta && pid <= 0)
                        return;
                break;
        case CT_RESPAWNING:
                ct->state = CT_DEAD;
                ct_set_state(ct, CT_RESPAWNING);
                {
                        struct perror e = { 0 };
                        ct_respawn(ct, NULL, &e);
                }
                return;
        case CT_STOPPING: {
                struct perror e = { 0 };
                ct->state = CT_RUNNING;
                ct->task_pid = pid;
                if (task_alive(ct, pid, starttime))
                        watch_orphan(ct, pid);
                ct_stop(ct, 0, NULL, &e);
                return;
        }
        default:
                ct->state = CT_RUNNING;
                break;
        }
        ct->task_pid = pid;
        ct->cmd_pid = rec_u64(rec, "_cmd_pid");
        ct->task_starttime = starttime;
        if (task_alive(ct, pid, starttime)) {
                log_info("%s: re-attached to pid %d", ct->name, (int)pid);
                ct_oom_watch_open(ct);
                watch_orphan(ct, pid);
                return;
        }
        /* gone while no worker ran: the master should tell us its status */
        ct->restored_pending = true;
        ct->restore_timer = loop_timer_add(RESTORE_STATUS_WAIT_MS, status_lost, ct);
        if (!ct->restore_timer)
                status_lost(ct);
}

static int restore_one(const struct record *rec)
{
        struct container *ct;
        struct perror e = { 0 };
        enum ct_state state = CT_STOPPED;
        const char *v;
        int r;

        r = ct_insert(rec->name, rec->id, rec_u64(rec, "_owner_uid"), rec_u64(rec, "_owner_gid"), &ct, &e);
        if (r < 0)
                return log_warning_errno(r, "record %s: cannot restore %s: %s", rec->file, rec->name, e.msg);
        ct->user = ct->owner_uid;
        ct->group = ct->owner_gid;
        for (char **k = rec->keys; k && *k; k++) {
                char *eq = strchr(*k, '=');
                _cleanup_free_ char *key = strndup(*k, eq - *k);

                if (!key)
                        return -ENOMEM;
                if (key[0] == '_')
                        continue;
                perror_clear(&e);
                if (prop_restore(ct, key, eq + 1, &e) < 0)
                        log_warning("%s: record: cannot restore %s=%s: %s", ct->name, key, eq + 1, e.msg);
        }
        ct->creation_time_ms = rec_u64(rec, "_creation_time");
        ct->start_time_ms = rec_u64(rec, "_start_time");
        ct->death_time_ms = rec_u64(rec, "_death_time");
        ct->exit_status = (int)(uint32_t)rec_u64(rec, "_exit_status");
        ct->oom_killed = rec_u64(rec, "_oom_killed");
        ct->oom_kills_base = rec_u64(rec, "_oom_kills_base");
        ct->is_meta = rec_u64(rec, "_is_meta");
        ct->task_isolated = rec_u64(rec, "_task_isolated");
        ct->respawn_count = rec_u64(rec, "_respawn_count");
        ct->stream[CT_STDOUT].offset = rec_u64(rec, "_stdout_offset");
        ct->stream[CT_STDOUT].base = rec_u64(rec, "_stdout_base");
        ct->stream[CT_STDERR].offset = rec_u64(rec, "_stderr_offset");
        ct->stream[CT_STDERR].base = rec_u64(rec, "_stderr_base");
        if ((v = rec_get(rec, "_start_error")) && *v)
                ct->start_error = strdup(v);
        if ((v = rec_get(rec, "_paused_from")))
                ct_state_from_string(v, &ct->paused_from);
        if ((v = rec_get(rec, "_state")))
                ct_state_from_string(v, &state);
        if (state != CT_STOPPED)
                ct_cg_restore_started(ct);
        reattach(ct, rec, state);
        ct->change_time_ms = rec_u64(rec, "_change_time");
        ct_save(ct);
        return 0;
}

/* A record that cannot be restored goes to <state_dir>/broken/<file>: not
 * retried at every start, not silently destroyed either (an admin may look
 * at it, or `portod --discard` the rest). */
static void move_aside(int dfd, const char *file)
{
        _cleanup_free_ char *dir = strdup_printf("%s/broken", config->state_dir);
        _cleanup_free_ char *to = NULL;
        int r;

        sys_stats->container_lost++;    /* GetSystem.container_lost */
        if (!dir || (r = mkdir_p(dir, 0700)) < 0 ||
            !(to = strdup_printf("%s/%s", dir, file)) || renameat(dfd, file, AT_FDCWD, to) < 0) {
                log_error("record %s/%s: cannot move it to %s (%m); removing it", kvs_dir, file,
                          dir ? dir : "broken/");
                unlinkat(dfd, file, 0);
                return;
        }
        log_warning("record %s/%s moved to %s", kvs_dir, file, to);
}

/* The processes of a container that is not restored are left alone (not
 * destroyed on a guess), but the admin must know they run unmanaged. */
static void warn_unmanaged(const char *name)
{
        if (cg_exists(CG_FREEZER, name) && !cg_is_empty(CG_FREEZER, name))
                log_warning("%s: its cgroups still hold processes; they keep running unmanaged until a "
                            "container of that name is destroyed or `portod stop`", name);
}

/* --discard: forget the records, kill what they ran, drop their cgroups. */
static void discard_one(const struct record *rec)
{
        _cleanup_free_ char *cwd = strdup_printf("%s/porto/%s", config->place, rec->name);
        _cleanup_free_ char *status = strdup_printf("%s/%" PRIu64, status_dir, rec->id);

        if (cg_exists(CG_FREEZER, rec->name) && !cg_is_empty(CG_FREEZER, rec->name))
                cg_kill_all(rec->name, SIGKILL);
        for (int c = 0; c < CG_CONTROLLER_MAX; c++)
                if (cg_supported(c) && cg_exists(c, rec->name))
                        cg_remove(c, rec->name);
        if (cwd)
                rm_rf(cwd);
        if (status)
                unlink(status);
}

/* The connections that owned weak containers died with the old worker. */
static void destroy_weak(void)
{
        size_t n, i = 0;
        struct container *const *all = ct_list_all(&n);

        while (i < n) {
                if (all[i]->weak) {
                        log_info("%s: weak container without its client after restart, destroying", all[i]->name);
                        ct_destroy(all[i]);
                        all = ct_list_all(&n);
                        continue;       /* the list shifted */
                }
                i++;
        }
}

int persist_restore(void)
{
        _cleanup_close_ int dfd = -EBADF;
        struct record *recs = NULL;
        size_t n = 0;
        DIR *d;
        struct dirent *de;

        dfd = open(kvs_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return log_error_errno(-errno, "cannot open %s: %m", kvs_dir);
        d = fdopendir(dup(dfd));
        if (!d)
                return log_error_errno(-errno, "cannot read %s: %m", kvs_dir);
        while ((de = readdir(d))) {
                struct record rec, *nr;
                int r;

                if (de->d_name[0] == '.')
                        continue;
                if (strchr(de->d_name, '.')) {
                        unlinkat(dfd, de->d_name, 0);   /* a temp file of an interrupted write */
                        continue;
                }
                r = load_record(dfd, de->d_name, &rec);
                if (r < 0) {
                        log_error("cannot restore container %s from record %s/%s: %s",
                                  rec.name ? rec.name : "(no valid name)", kvs_dir, de->d_name,
                                  r == -ENODATA ? "truncated (no _end line)" :
                                  r == -EBADMSG ? "no valid _name and _id" : strerror(-r));
                        if (r == -ENODATA)
                                warn_unmanaged(rec.name);
                        strv_free(rec.keys);
                        free(rec.file);
                        move_aside(dfd, de->d_name);
                        continue;
                }
                nr = realloc(recs, (n + 1) * sizeof(*recs));
                if (!nr) {
                        strv_free(rec.keys);
                        free(rec.file);
                        break;
                }
                recs = nr;
                recs[n++] = rec;
        }
        closedir(d);

        if (n)
                qsort(recs, n, sizeof(*recs), rec_cmp);
        for (size_t i = 0; i < n; i++)
                ct_id_seen(recs[i].id);
        if (config->discard) {
                for (size_t i = n; i > 0; i--) {
                        discard_one(&recs[i - 1]);
                        unlinkat(dfd, recs[i - 1].file, 0);
                }
                if (n)
                        log_info("discarded %zu container records", n);
        } else {
                for (size_t i = 0; i < n; i++)
                        if (restore_one(&recs[i]) < 0) {
                                warn_unmanaged(recs[i].name);
                                move_aside(dfd, recs[i].file);
                        }
                if (n)
                        log_info("restored %zu containers", ct_count());
                destroy_weak();
        }
        for (size_t i = 0; i < n; i++) {
                strv_free(recs[i].keys);
                free(recs[i].file);
        }
        free(recs);
        /* never hand out an id seen in a record again */
        if (ct_next_id_peek() > id_next)
                id_next = ct_next_id_peek();
        return 0;
}
