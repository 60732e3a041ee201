/* Connection core of libporto: connect, frame, send, receive, errors,
 * events (spec/protocol.md 1.2-1.4, 1.7). */
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "libporto-internal.h"
#include "basic/error.h"
#include "basic/frame.h"
#include "basic/strutil.h"

/* Replies larger than this are refused (the daemon has no limit, but
 * nothing legitimate comes close; protocol.md 1.2 suggests < 64 MiB). */
#define REPLY_MAX_LEN (512u << 20)
/* While an interrupt check is installed, block at most this long at once,
 * so a signal that slipped in just before poll() is noticed soon. */
#define INTERRUPT_POLL_MS 200

#define NO_DEADLINE UINT64_MAX

static uint64_t monotonic_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

const char *porto_error_name(int code)
{
        return eerror_to_string(code);
}

/* ---- errors ---------------------------------------------------------- */

static void clear_error(struct porto_conn *conn)
{
        conn->err_code = PORTO_ERROR_SUCCESS;
        free(conn->err_msg);
        conn->err_msg = NULL;
}

int lp_set_error(struct porto_conn *conn, int code, const char *fmt, ...)
{
        va_list ap;
        char *msg = NULL;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        free(conn->err_msg);
        conn->err_msg = msg;
        conn->err_code = code;
        return code;
}

int porto_error(const struct porto_conn *conn, int *ret_code, const char **ret_msg)
{
        if (ret_code)
                *ret_code = conn->err_code;
        if (ret_msg)
                *ret_msg = conn->err_msg ? conn->err_msg : "";
        return conn->err_code;
}

const char *porto_error_string(struct porto_conn *conn)
{
        const char *name = porto_error_name(conn->err_code);
        const char *msg = conn->err_msg ? conn->err_msg : "";
        char *s;
        int r;

        if (name)
                r = asprintf(&s, "%s:(%s)", name, msg);
        else
                r = asprintf(&s, "%d:(%s)", conn->err_code, msg);
        if (r < 0)
                return "Unknown:(out of memory)";
        free(conn->err_str);
        conn->err_str = s;
        return s;
}

/* Transport failures as the C++ client classifies them (protocol.md 1.7). */
static int errno_to_eerror(int err)
{
        switch (err) {
        case ENOENT:
                return PORTO_ERROR_SOCKET_UNAVAILABLE;
        case EAGAIN:
        case ETIMEDOUT:
                return PORTO_ERROR_SOCKET_TIMEOUT;
        case EIO:
        case EPIPE:
        case ECONNRESET:
        case ENOTCONN:
                return PORTO_ERROR_SOCKET_ERROR;
        default:
                return PORTO_ERROR_UNKNOWN;
        }
}

static int set_socket_error(struct porto_conn *conn, int err, const char *what)
{
        return lp_set_error(conn, errno_to_eerror(err), "%s: %s", what, strerror(err));
}

/* ---- connection object ----------------------------------------------- */

int porto_connect(const char *socket_path, struct porto_conn **ret)
{
        struct porto_conn *conn;
        const char *path = socket_path;

        if (!path)
                path = getenv(PORTO_SOCKET_ENV);
        if (isempty(path))
                path = PORTO_SOCKET_PATH;

        conn = calloc(1, sizeof(*conn));
        if (!conn)
                return PORTO_ERROR_UNKNOWN;
        conn->path = strdup(path);
        if (!conn->path) {
                free(conn);
                return PORTO_ERROR_UNKNOWN;
        }
        conn->fd = -1;
        conn->timeout_s = PORTO_DEFAULT_TIMEOUT;
        *ret = conn;
        return PORTO_ERROR_SUCCESS;
}

void porto_close(struct porto_conn *conn)
{
        if (!conn)
                return;
        safe_close(conn->fd);
        conn->fd = -1;
        /* A partial frame of the old stream is garbage for the next one. */
        conn->rlen = 0;
}

static void async_forget(struct porto_conn *conn)
{
        strv_free(conn->async_names);
        strv_free(conn->async_labels);
        conn->async_names = NULL;
        conn->async_labels = NULL;
        conn->async_active = false;
}

struct porto_conn *porto_disconnect(struct porto_conn *conn)
{
        struct porto_event_node *n;

        if (!conn)
                return NULL;
        porto_close(conn);
        while ((n = conn->queue_head)) {
                conn->queue_head = n->next;
                porto_event_free(n->event);
                free(n);
        }
        async_forget(conn);
        free(conn->rbuf);
        free(conn->err_msg);
        free(conn->err_str);
        free(conn->path);
        free(conn);
        return NULL;
}

int porto_fd(const struct porto_conn *conn)
{
        return conn->fd;
}

void porto_set_timeout(struct porto_conn *conn, int seconds)
{
        conn->timeout_s = seconds;
}

int porto_get_timeout(const struct porto_conn *conn)
{
        return conn->timeout_s;
}

void porto_set_interrupt_check(struct porto_conn *conn, int (*check)(void *userdata), void *userdata)
{
        conn->interrupt_check = check;
        conn->interrupt_data = userdata;
}

void porto_set_event_callback(struct porto_conn *conn, porto_event_cb cb, void *userdata)
{
        conn->event_cb = cb;
        conn->event_cb_data = userdata;
}

/* ---- deadlines and waiting ------------------------------------------- */

/* extra_s < 0: no limit; conn timeout <= 0: no limit. */
static uint64_t deadline_after(const struct porto_conn *conn, int extra_s)
{
        if (extra_s < 0 || conn->timeout_s <= 0)
                return NO_DEADLINE;
        return monotonic_ms() + ((uint64_t) conn->timeout_s + (uint64_t) extra_s) * 1000;
}

static bool interrupted(struct porto_conn *conn)
{
        return conn->interrupt_check && conn->interrupt_check(conn->interrupt_data);
}

static int fail_interrupted(struct porto_conn *conn)
{
        return lp_set_error(conn, PORTO_ERROR_UNKNOWN, "Interrupted");
}

/* Wait until fd is ready for events or the deadline passes. Returns 0, or
 * an EError already recorded in conn. A timeout or an interruption leaves
 * the socket open: only the caller knows whether the stream is still in
 * step (porto_recv_event) or not (a call whose reply is outstanding). */
static int wait_fd(struct porto_conn *conn, short events, uint64_t deadline, const char *what)
{
        for (;;) {
                struct pollfd pfd = { .fd = conn->fd, .events = events };
                int slice = -1, r;

                if (interrupted(conn))
                        return fail_interrupted(conn);
                if (deadline != NO_DEADLINE) {
                        uint64_t now = monotonic_ms();

                        if (now >= deadline)
                                return lp_set_error(conn, PORTO_ERROR_SOCKET_TIMEOUT, "%s: timed out", what);
                        slice = (int) MIN(deadline - now, (uint64_t) INT32_MAX);
                }
                if (conn->interrupt_check && (slice < 0 || slice > INTERRUPT_POLL_MS))
                        slice = INTERRUPT_POLL_MS;

                r = poll(&pfd, 1, slice);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        int err = errno;
                        porto_close(conn);
                        return set_socket_error(conn, err, what);
                }
                if (r > 0)
                        return 0;
        }
}

/* ---- connect --------------------------------------------------------- */

static int do_connect(struct porto_conn *conn, uint64_t deadline)
{
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        size_t path_len = strlen(conn->path);
        char what[sizeof(addr.sun_path) + 16];

        snprintf(what, sizeof(what), "connect(%s)", conn->path);
        if (path_len >= sizeof(addr.sun_path))
                return lp_set_error(conn, PORTO_ERROR_UNKNOWN, "%s: socket path too long", what);
        memcpy(addr.sun_path, conn->path, path_len + 1);

        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return set_socket_error(conn, errno, "socket");

        /* A blocking connect bounded by SO_SNDTIMEO: a full listen backlog
         * makes it wait, which is what we want up to the deadline. */
        for (;;) {
                if (deadline != NO_DEADLINE) {
                        uint64_t now = monotonic_ms(), left;
                        struct timeval tv;

                        if (now >= deadline)
                                return lp_set_error(conn, PORTO_ERROR_SOCKET_TIMEOUT, "%s: timed out", what);
                        left = deadline - now;
                        tv.tv_sec = (time_t) (left / 1000);
                        tv.tv_usec = (suseconds_t) (left % 1000) * 1000;
                        (void) setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
                }
                if (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) == 0)
                        break;
                if (errno == EINTR) {
                        if (interrupted(conn))
                                return fail_interrupted(conn);
                        continue;
                }
                if (errno == EINPROGRESS)
                        errno = EAGAIN;
                return set_socket_error(conn, errno, what);
        }

        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
                return set_socket_error(conn, errno, "fcntl");
        conn->fd = TAKE_FD(fd);
        conn->rlen = 0;
        return PORTO_ERROR_SUCCESS;
}

/* ---- framing ---------------------------------------------------------- */

/* send() or recv() on the non-blocking socket failed with errno: 0 to try
 * again (interrupted, or ready after waiting), else the EError, recorded. A
 * hard error closes the socket; a timeout leaves that to the caller
 * (wait_fd). */
static int io_retry(struct porto_conn *conn, short events, uint64_t deadline, const char *what)
{
        int err = errno;

        if (err == EINTR)
                return 0;
        if (err == EAGAIN)
                return wait_fd(conn, events, deadline, what);
        porto_close(conn);
        return set_socket_error(conn, err, what);
}

static int send_all(struct porto_conn *conn, const uint8_t *buf, size_t len, uint64_t deadline, int *ret_errno)
{
        size_t off = 0;

        *ret_errno = 0;
        while (off < len) {
                ssize_t n = send(conn->fd, buf + off, len - off, MSG_NOSIGNAL);
                int r;

                if (n >= 0) {
                        off += (size_t) n;
                        continue;
                }
                /* Only an untouched stream may be resent on another
                 * connection: report the error only if nothing went out. */
                if (off == 0 && errno != EINTR && errno != EAGAIN)
                        *ret_errno = errno;
                r = io_retry(conn, POLLOUT, deadline, "send");
                if (r != 0)
                        return r;
        }
        return PORTO_ERROR_SUCCESS;
}

static int pack_request(struct porto_conn *conn, const Rpc__TContainerRequest *req, uint8_t **ret_buf,
                        size_t *ret_len)
{
        size_t len = rpc__tcontainer_request__get_packed_size(req);
        uint8_t hdr[FRAME_HEADER_MAX];
        size_t hlen;
        uint8_t *buf;

        if (len > UINT32_MAX)
                return lp_set_error(conn, PORTO_ERROR_INVALID_VALUE, "request too large");
        hlen = frame_encode_header((uint32_t) len, hdr);
        buf = malloc(hlen + len + 1);
        if (!buf)
                return lp_set_error(conn, PORTO_ERROR_UNKNOWN, "out of memory");
        memcpy(buf, hdr, hlen);
        rpc__tcontainer_request__pack(req, buf + hlen);
        *ret_buf = buf;
        *ret_len = hlen + len;
        return PORTO_ERROR_SUCCESS;
}

static int rbuf_reserve(struct porto_conn *conn, size_t need)
{
        uint8_t *p;
        size_t cap;

        if (conn->rcap >= need)
                return 0;
        cap = MAX(need, MAX(conn->rcap * 2, (size_t) 4096));
        p = realloc(conn->rbuf, cap);
        if (!p)
                return -ENOMEM;
        conn->rbuf = p;
        conn->rcap = cap;
        return 0;
}

/* Take one complete frame from rbuf. Returns an EError (0 on success) and
 * *ret: the message, or NULL when more bytes are needed. (EErrors are
 * positive, so "need more" cannot be a return value of its own.) */
static int frame_take(struct porto_conn *conn, Rpc__TContainerResponse **ret)
{
        Rpc__TContainerResponse *rsp;
        uint32_t len;
        size_t hlen;
        int r;

        *ret = NULL;
        r = frame_decode_header(conn->rbuf, conn->rlen, &len, &hlen);
        if (r < 0 || (r > 0 && len > REPLY_MAX_LEN)) {
                porto_close(conn);
                return lp_set_error(conn, PORTO_ERROR_SOCKET_ERROR, "recv: malformed frame from the daemon");
        }
        if (r == 0 || conn->rlen < hlen + len) {
                if (rbuf_reserve(conn, r == 0 ? FRAME_HEADER_MAX : hlen + len) < 0) {
                        porto_close(conn);
                        return lp_set_error(conn, PORTO_ERROR_UNKNOWN, "recv: out of memory");
                }
                return PORTO_ERROR_SUCCESS;
        }

        rsp = rpc__tcontainer_response__unpack(NULL, len, conn->rbuf + hlen);
        conn->rlen -= hlen + len;
        memmove(conn->rbuf, conn->rbuf + hlen + len, conn->rlen);
        if (!rsp) {
                porto_close(conn);
                return lp_set_error(conn, PORTO_ERROR_SOCKET_ERROR, "recv: cannot parse the daemon's message");
        }
        *ret = rsp;
        return PORTO_ERROR_SUCCESS;
}

/* Read the next frame, whatever it is. */
static int recv_frame(struct porto_conn *conn, uint64_t deadline, Rpc__TContainerResponse **ret)
{
        for (;;) {
                ssize_t n;
                int r;

                r = frame_take(conn, ret);
                if (r != 0 || *ret)
                        return r;

                n = recv(conn->fd, conn->rbuf + conn->rlen, conn->rcap - conn->rlen, 0);
                if (n > 0) {
                        conn->rlen += (size_t) n;
                        continue;
                }
                if (n == 0) {
                        porto_close(conn);
                        return lp_set_error(conn, PORTO_ERROR_SOCKET_ERROR,
                                            "recv: connection closed by the daemon");
                }
                r = io_retry(conn, POLLIN, deadline, "recv");
                if (r != 0)
                        return r;
        }
}

/* ---- events ---------------------------------------------------------- */

void porto_event_free(struct porto_event *e)
{
        if (!e)
                return;
        free(e->name);
        free(e->state);
        free(e->label);
        free(e->value);
        free(e);
}

/* NULL stays NULL (label and value of an event are optional), but a
 * failed copy is reported through *oom. */
static char *strdup_or_null(const char *s, bool *oom)
{
        char *d;

        if (!s)
                return NULL;
        d = strdup(s);
        if (!d)
                *oom = true;
        return d;
}

struct porto_event *lp_event_from_wait(const Rpc__TContainerWaitResponse *w)
{
        struct porto_event *e = calloc(1, sizeof(*e));
        bool oom = false;

        if (!e)
                return NULL;
        e->name = lp_strdup_or_empty(w->name);
        e->state = lp_strdup_or_empty(w->state);
        e->label = strdup_or_null(w->label, &oom);
        e->value = strdup_or_null(w->value, &oom);
        e->when = w->has_when ? w->when : 0;
        if (oom || !e->name || !e->state) {
                porto_event_free(e);
                return NULL;
        }
        return e;
}

/* An event frame: hand it to the callback or queue it. Lost only on ENOMEM. */
static void dispatch_event(struct porto_conn *conn, const Rpc__TContainerWaitResponse *w)
{
        struct porto_event *e = lp_event_from_wait(w);
        struct porto_event_node *n;

        if (!e)
                return;
        if (conn->event_cb) {
                conn->event_cb(conn, e, conn->event_cb_data);
                porto_event_free(e);
                return;
        }
        n = calloc(1, sizeof(*n));
        if (!n) {
                porto_event_free(e);
                return;
        }
        n->event = e;
        if (conn->queue_tail)
                conn->queue_tail->next = n;
        else
                conn->queue_head = n;
        conn->queue_tail = n;
}

/* Read until the first frame that is not an event (protocol.md 1.4). */
static int recv_reply(struct porto_conn *conn, uint64_t deadline, Rpc__TContainerResponse **ret)
{
        for (;;) {
                Rpc__TContainerResponse *rsp = NULL;
                int r = recv_frame(conn, deadline, &rsp);

                if (r != 0)
                        return r;
                if (!rsp->asyncwait) {
                        *ret = rsp;
                        return PORTO_ERROR_SUCCESS;
                }
                dispatch_event(conn, rsp->asyncwait);
                rpc__tcontainer_response__free_unpacked(rsp, NULL);
        }
}

/* ---- calls ----------------------------------------------------------- */

static int reply_error(struct porto_conn *conn, const Rpc__TContainerResponse *rsp)
{
        int code = rsp->has_error ? (int) rsp->error : PORTO_ERROR_LOST_ERROR;

        if (code == PORTO_ERROR_SUCCESS) {
                clear_error(conn);
                return code;
        }
        return lp_set_error(conn, code, "%s", rsp->errormsg ? rsp->errormsg : "");
}

/* One request/reply exchange on the current socket; *ret_send_errno tells
 * whether the send failed before anything went out (resend is safe). */
static int exchange(struct porto_conn *conn, const uint8_t *buf, size_t len, uint64_t deadline,
                    Rpc__TContainerResponse **ret, int *ret_send_errno)
{
        int r;

        *ret_send_errno = 0;
        r = send_all(conn, buf, len, deadline, ret_send_errno);
        if (r != 0)
                return r;
        return recv_reply(conn, deadline, ret);
}

static void async_remember(struct porto_conn *conn, const Rpc__TContainerWaitRequest *w)
{
        char **names = NULL, **labels = NULL;

        if (w->has_timeout_ms && w->timeout_ms == 0)
                return; /* one-shot snapshot: the subscription is unchanged */
        async_forget(conn);
        if (w->n_name == 0)
                return;
        /* Out of memory: the subscription just cannot survive a reconnect. */
        if (lp_strv_from_counted(w->name, w->n_name, &names) < 0 ||
            lp_strv_from_counted(w->label, w->n_label, &labels) < 0) {
                strv_free(names);
                return;
        }
        conn->async_names = names;
        conn->async_labels = labels;
        conn->async_has_timeout = w->has_timeout_ms;
        conn->async_timeout_ms = w->timeout_ms;
        conn->async_active = true;
}

/* After a reconnect the new connection knows nothing of our subscription:
 * re-send it (names, labels and timeout) and swallow its reply. */
static void async_restore(struct porto_conn *conn, uint64_t deadline)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerWaitRequest w = RPC__TCONTAINER_WAIT_REQUEST__INIT;
        Rpc__TContainerResponse *rsp = NULL;
        _cleanup_free_ uint8_t *buf = NULL;
        size_t len;
        int send_errno;

        if (!conn->async_active)
                return;
        w.n_name = strv_length(conn->async_names);
        w.name = conn->async_names;
        w.n_label = strv_length(conn->async_labels);
        w.label = conn->async_labels;
        w.has_timeout_ms = conn->async_has_timeout;
        w.timeout_ms = conn->async_timeout_ms;
        req.asyncwait = &w;
        if (pack_request(conn, &req, &buf, &len) != 0)
                return;
        if (exchange(conn, buf, len, deadline, &rsp, &send_errno) == 0)
                rpc__tcontainer_response__free_unpacked(rsp, NULL);
        else
                porto_close(conn);
}

static int ensure_connected(struct porto_conn *conn, uint64_t deadline, bool restore)
{
        int r;

        if (conn->fd >= 0)
                return PORTO_ERROR_SUCCESS;
        r = do_connect(conn, deadline);
        if (r != 0)
                return r;
        if (restore)
                async_restore(conn, deadline);
        return conn->fd >= 0 ? PORTO_ERROR_SUCCESS : conn->err_code;
}

int porto_connect_now(struct porto_conn *conn)
{
        clear_error(conn);
        return ensure_connected(conn, deadline_after(conn, 0), true);
}

int porto_call_timeout(struct porto_conn *conn, const Rpc__TContainerRequest *req, int extra_timeout,
                       Rpc__TContainerResponse **ret)
{
        uint64_t deadline = deadline_after(conn, extra_timeout);
        Rpc__TContainerResponse *rsp = NULL;
        _cleanup_free_ uint8_t *buf = NULL;
        bool fresh;
        size_t len;
        int r, send_errno;

        clear_error(conn);
        r = pack_request(conn, req, &buf, &len);
        if (r != 0)
                return r;

        fresh = conn->fd < 0;
        r = ensure_connected(conn, deadline, true);
        if (r != 0)
                return r;
        r = exchange(conn, buf, len, deadline, &rsp, &send_errno);
        /* The daemon closes idle connections when it restarts: one
         * reconnect and resend, as the C++ client does. */
        if (r != 0 && !fresh && (send_errno == EPIPE || send_errno == ECONNRESET || send_errno == ENOTCONN)) {
                r = ensure_connected(conn, deadline, true);
                if (r != 0)
                        return r;
                r = exchange(conn, buf, len, deadline, &rsp, &send_errno);
        }
        if (r != 0) {
                /* A reply may still be on its way: this stream is out of
                 * step for good. */
                porto_close(conn);
                return r;
        }

        r = reply_error(conn, rsp);
        if (r == PORTO_ERROR_SUCCESS && req->asyncwait)
                async_remember(conn, req->asyncwait);
        if (ret)
                *ret = rsp;
        else
                rpc__tcontainer_response__free_unpacked(rsp, NULL);
        return r;
}

int porto_call(struct porto_conn *conn, const Rpc__TContainerRequest *req, Rpc__TContainerResponse **ret)
{
        return porto_call_timeout(conn, req, 0, ret);
}

void porto_response_free(Rpc__TContainerResponse *rsp)
{
        if (rsp)
                rpc__tcontainer_response__free_unpacked(rsp, NULL);
}

int porto_recv_event(struct porto_conn *conn, int timeout_ms, struct porto_event **ret)
{
        uint64_t deadline = timeout_ms < 0 ? NO_DEADLINE : monotonic_ms() + (uint64_t) timeout_ms;
        struct porto_event_node *n;
        int r;

        clear_error(conn);
        n = conn->queue_head;
        if (n) {
                conn->queue_head = n->next;
                if (!conn->queue_head)
                        conn->queue_tail = NULL;
                *ret = n->event;
                free(n);
                return PORTO_ERROR_SUCCESS;
        }
        if (conn->fd < 0 && !conn->async_active)
                return lp_set_error(conn, PORTO_ERROR_SOCKET_ERROR, "recv: not subscribed to events");
        r = ensure_connected(conn, deadline, true);
        if (r != 0)
                return r;
        if (conn->queue_head) /* the restored subscription's snapshot */
                return porto_recv_event(conn, timeout_ms, ret);

        for (;;) {
                Rpc__TContainerResponse *rsp = NULL;
                struct porto_event *e;

                /* Timeouts leave the socket open: no reply is pending, so
                 * the stream stays in step and a partial frame stays in
                 * rbuf for the next read. */
                r = recv_frame(conn, deadline, &rsp);
                if (r != 0)
                        return r;
                if (!rsp->asyncwait) {
                        /* A stray reply: nothing is outstanding. */
                        rpc__tcontainer_response__free_unpacked(rsp, NULL);
                        continue;
                }
                e = lp_event_from_wait(rsp->asyncwait);
                rpc__tcontainer_response__free_unpacked(rsp, NULL);
                if (!e)
                        return lp_set_error(conn, PORTO_ERROR_UNKNOWN, "out of memory");
                *ret = e;
                return PORTO_ERROR_SUCCESS;
        }
}

/* ---- string vectors --------------------------------------------------- */

int lp_strv_from_counted(char *const *v, size_t n, char ***ret)
{
        char **d = calloc(n + 1, sizeof(char *));

        if (!d)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                d[i] = lp_strdup_or_empty(v[i]);
                if (!d[i]) {
                        strv_free(d);
                        return -ENOMEM;
                }
        }
        *ret = d;
        return 0;
}

void porto_strv_free(char **v)
{
        strv_free(v);
}
