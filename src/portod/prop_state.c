/* Read-only state: exit status, start error, main pid, std stream reads,
 * times. */
#include <sys/wait.h>
#include "prop.h"
#include "basic/timeutil.h"

static int get_exit_code(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_i64(out, ct_exit_code(x->ct));
}

static int get_exit_status(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_i64(out, x->ct->exit_status);
}

static int get_start_error(struct prop_ctx *x, struct strbuf *out)
{
        return strbuf_append(out, x->ct->start_error ? x->ct->start_error : "");
}

static int get_oom_killed(struct prop_ctx *x, struct strbuf *out)
{
        return pv_format_bool(out, x->ct->oom_killed);
}

static int get_core_dumped(struct prop_ctx *x, struct strbuf *out)
{
        int s = x->ct->exit_status;
        return pv_format_bool(out, WIFSIGNALED(s) && WCOREDUMP(s));
}

static int get_root_pid(struct prop_ctx *x, struct strbuf *out)
{
        if (x->ct->task_pid <= 0)
                return perror_set(x->e, EERROR_INVALID_STATE, -ESRCH, "%s has no main process (state %s)",
                                  x->ct->name, ct_state_to_string(x->ct->state));
        return pv_format_i64(out, ct_signal_pid(x->ct));
}

static int get_stdout(struct prop_ctx *x, struct strbuf *out)
{
        return ct_stream_read(x->ct, CT_STDOUT, x->index, out, x->e);
}

static int get_stderr(struct prop_ctx *x, struct strbuf *out)
{
        return ct_stream_read(x->ct, CT_STDERR, x->index, out, x->e);
}

static int get_stdout_offset(struct prop_ctx *x, struct strbuf *out)
{
        if (!ct_stream_internal(x->ct, CT_STDOUT))
                return pv_format_u64(out, 0);
        ct_stream_rotate(x->ct, CT_STDOUT);
        return pv_format_u64(out, x->ct->stream[CT_STDOUT].offset);
}

static int get_stderr_offset(struct prop_ctx *x, struct strbuf *out)
{
        if (!ct_stream_internal(x->ct, CT_STDERR))
                return pv_format_u64(out, 0);
        ct_stream_rotate(x->ct, CT_STDERR);
        return pv_format_u64(out, x->ct->stream[CT_STDERR].offset);
}

static int bad_index(struct prop_ctx *x, const char *name, const char *allowed)
{
        return perror_set(x->e, EERROR_INVALID_PROPERTY, -EINVAL, "%s[%s]: unknown index, use %s[%s]",
                          name, x->index, name, allowed);
}

static int get_time(struct prop_ctx *x, struct strbuf *out)
{
        const struct container *ct = x->ct;
        uint64_t now = now_realtime_ms();

        if (x->index) {
                if (!streq(x->index, "dead"))
                        return bad_index(x, "time", "dead");
                if (ct->state != CT_DEAD && ct->state != CT_RESPAWNING)
                        return perror_set(x->e, EERROR_INVALID_STATE, -EINVAL,
                                          "time[dead] is available only in state dead, not %s",
                                          ct_state_to_string(ct->state));
                return pv_format_u64(out, (now - MIN(now, ct->death_time_ms)) / 1000);
        }
        if ((ct->state == CT_DEAD || ct->state == CT_RESPAWNING) && ct->death_time_ms)
                now = ct->death_time_ms;
        return pv_format_u64(out, (now - MIN(now, ct->start_time_ms)) / 1000);
}

static int out_time(struct prop_ctx *x, const char *name, uint64_t ms, struct strbuf *out)
{
        int r = pv_format_time(out, ms, x->index);

        return r == -EINVAL ? bad_index(x, name, "raw") : r;
}

static int get_creation_time(struct prop_ctx *x, struct strbuf *out)
{
        return out_time(x, "creation_time", x->ct->creation_time_ms, out);
}

static int get_start_time(struct prop_ctx *x, struct strbuf *out)
{
        return out_time(x, "start_time", x->ct->start_time_ms, out);
}

static int get_death_time(struct prop_ctx *x, struct strbuf *out)
{
        return out_time(x, "death_time", x->ct->death_time_ms, out);
}

static int get_change_time(struct prop_ctx *x, struct strbuf *out)
{
        return out_time(x, "change_time", x->ct->change_time_ms, out);
}

struct prop prop_state_table[] = {
        { "exit_code", "0: success, 1..255: error code, -64..-1: termination signal, -99: OOM, "
          "-127: lost (the main process ended while the whole daemon was down; exit_status is -1)",
          PROP_RO | PROP_DEAD, get_exit_code, NULL, 0 },
        { "exit_status", "exit status, see wait(2); -1 when it was lost (see exit_code)", PROP_RO | PROP_DEAD, get_exit_status, NULL, 0 },
        { "start_error", "last start error", PROP_RO, get_start_error, NULL, 0 },
        { "oom_killed", "true if the container was killed by OOM", PROP_RO | PROP_DEAD, get_oom_killed, NULL, 0 },
        { "core_dumped", "true if the main process dumped core", PROP_RO | PROP_DEAD, get_core_dumped, NULL, 0 },
        { "root_pid", "main process pid (of a meta: its namespace holder, portoinit --hold)",
          PROP_RO | PROP_RUNTIME, get_root_pid, NULL, 0 },
        { "stdout", "stdout text: stdout[[offset][:length]]", PROP_RO | PROP_RUNTIME | PROP_INDEXED,
          get_stdout, NULL, 0 },
        { "stderr", "stderr text: stderr[[offset][:length]]", PROP_RO | PROP_RUNTIME | PROP_INDEXED,
          get_stderr, NULL, 0 },
        { "stdout_offset", "offset of the stored stdout", PROP_RO | PROP_RUNTIME, get_stdout_offset, NULL, 0 },
        { "stderr_offset", "offset of the stored stderr", PROP_RO | PROP_RUNTIME, get_stderr_offset, NULL, 0 },
        { "time", "running time in seconds; time[dead]: seconds since death", PROP_RO | PROP_RUNTIME | PROP_INDEXED,
          get_time, NULL, 0 },
        { "creation_time", "creation time, YYYY-MM-DD hh:mm:ss; [raw]: seconds since the epoch",
          PROP_RO | PROP_INDEXED, get_creation_time, NULL, 0 },
        { "start_time", "start time, YYYY-MM-DD hh:mm:ss; [raw]: seconds since the epoch",
          PROP_RO | PROP_RUNTIME | PROP_INDEXED, get_start_time, NULL, 0 },
        { "death_time", "death time, YYYY-MM-DD hh:mm:ss; [raw]: seconds since the epoch",
          PROP_RO | PROP_DEAD | PROP_INDEXED, get_death_time, NULL, 0 },
        { "change_time", "last change time, YYYY-MM-DD hh:mm:ss; [raw]: seconds since the epoch",
          PROP_RO | PROP_INDEXED, get_change_time, NULL, 0 },
};
const size_t prop_state_count = ELEMENTSOF(prop_state_table);
