/* Client connections of the worker (spec/protocol.md 1.2 - 1.8).
 *
 * Each connection reads one request frame, stops reading while the request
 * is handled or parked, queues the reply and reads the next request only
 * when the reply has left. Output is one byte queue to which whole frames
 * are appended, so events and replies never interleave. Nothing here blocks,
 * and a connection is never freed under a caller's feet: closing is marked
 * and done from the loop (conn_kick), where no engine code is on the stack. */
#include <grp.h>
#include <malloc.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "basic/fileio.h"
#include "basic/frame.h"
#include "basic/log.h"
#include "portod.h"
#include "system.h"

#define READ_CHUNK 4096
#define OUT_KEEP_MAX (1u << 20)  /* keep output buffers up to this when idle */
#define ACCEPT_RETRY_MS 100
#define TRIM_DELAY_MS 1000      /* after the last client left */

struct conn {
        struct client c;        /* first: the engine and rpc.c see only this */
        struct conn *prev, *next;
        struct arena *arena;
        struct request *req;    /* being handled or parked */
        uint8_t *in;
        size_t in_len, in_cap;
        uint8_t *out;
        size_t out_len, out_pos, out_cap;
        uint64_t last_active_ms;
        uint32_t mask;          /* registered epoll events */
        struct loop_timer *kick;
        pid_t ident_pid;        /* pid/uid/gid last identified */
        uid_t ident_uid;
        gid_t ident_gid;
        uint64_t ident_gen;     /* ct_client_generation() when c.ct was found */
        bool closing;           /* close at the next kick */
        bool rdhup;             /* peer shut down its sending side */
        bool eof;               /* read returned 0 */
        bool in_progress;       /* conn_progress() is on the stack */
};

static struct {
        int listen_fd;
        bool accepting;
        struct loop_timer *accept_retry;
        struct loop_timer *trim;
        struct conn *head;
        size_t n;
        bool have_porto_gid;
        gid_t porto_gid;
} S = { .listen_fd = -1 };

size_t clients_count(void)
{
        return S.n;
}

static struct conn *to_conn(struct client *c)
{
        return (struct conn *)c;
}

static void conn_progress(struct conn *cn);

/* ---- lifetime ---------------------------------------------------------- */

/* A burst of clients leaves free memory spread over the heap, where glibc
 * keeps it (only the top is trimmed by free()). Once every client is gone
 * for a while, hand it back: a daemon that lives for months should not keep
 * the RSS of its busiest minute. At most once per TRIM_DELAY_MS. */
static void trim_fn(void *userdata _unused_)
{
        S.trim = NULL;
        if (S.n == 0)
                malloc_trim(0);
}

static void trim_later(void)
{
        if (!S.trim)
                S.trim = loop_timer_add(TRIM_DELAY_MS, trim_fn, NULL);
}

static void conn_close(struct conn *cn)
{
        loop_del_io(cn->c.fd);
        if (cn->prev)
                cn->prev->next = cn->next;
        else
                S.head = cn->next;
        if (cn->next)
                cn->next->prev = cn->prev;
        S.n--;

        /* The engine drops waiters and cancels a parked request first. */
        ct_client_gone(&cn->c);
        if (cn->req)
                rpc_drop(cn->req);
        loop_timer_cancel(cn->kick);
        log_debug("client %s[%d] fd %d closed", cn->c.comm, (int)cn->c.pid, cn->c.fd);
        safe_close(cn->c.fd);
        arena_free(cn->arena);
        free(cn->in);
        free(cn->out);
        free(cn);
        if (S.n == 0)
                trim_later();
}

static void kick_fn(void *userdata)
{
        struct conn *cn = userdata;
        cn->kick = NULL;
        conn_progress(cn);
}

/* Re-run the state machine from the loop. */
static void conn_kick(struct conn *cn)
{
        if (cn->kick || cn->in_progress)
                return;
        cn->kick = loop_timer_add(0, kick_fn, cn);
        if (!cn->kick)
                log_error("client %s[%d]: cannot schedule: out of memory", cn->c.comm, (int)cn->c.pid);
}

static void conn_fail(struct conn *cn)
{
        cn->closing = true;
        conn_kick(cn);
}

static bool out_pending(const struct conn *cn)
{
        return cn->out_pos < cn->out_len;
}

static void conn_update_mask(struct conn *cn)
{
        uint32_t mask = 0;
        if (!cn->eof && !cn->rdhup)
                mask |= EPOLLRDHUP;
        if (!cn->eof && !cn->req && !out_pending(cn))
                mask |= EPOLLIN;
        if (out_pending(cn))
                mask |= EPOLLOUT;
        if (mask == cn->mask)
                return;
        int r = loop_mod_io(cn->c.fd, mask);
        if (r < 0) {
                log_error_errno(r, "client fd %d: epoll: %m", cn->c.fd);
                conn_fail(cn);
                return;
        }
        cn->mask = mask;
}

/* ---- identification (1.5) ---------------------------------------------- */

static bool in_porto_group(pid_t pid, gid_t gid)
{
        if (!S.have_porto_gid)
                return false;
        if (gid == S.porto_gid)
                return true;

        char path[64];
        _cleanup_free_ char *status = NULL;
        snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
        if (read_file(path, 1u << 16, &status, NULL) < 0)
                return false;
        const char *g = strstr(status, "\nGroups:");
        if (!g)
                return false;
        g += strlen("\nGroups:");
        while (*g && *g != '\n') {
                char *end;
                unsigned long v = strtoul(g, &end, 10);
                if (end == g)
                        break;
                if ((gid_t)v == S.porto_gid)
                        return true;
                g = end;
        }
        return false;
}

static void read_comm(pid_t pid, char comm[17])
{
        char path[64];
        _cleanup_free_ char *s = NULL;

        snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
        if (read_line(path, &s) < 0) {
                snprintf(comm, 17, "?");
                return;
        }
        snprintf(comm, 17, "%s", s);
}

/* Who is on the other side, now. -ESRCH: unknown or dead container. */
static int conn_identify(struct conn *cn)
{
        struct client *c = &cn->c;
        struct ucred uc;
        socklen_t len = sizeof(uc);

        if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0)
                return -errno;
        if (uc.pid <= 0)
                return -ESRCH;
        bool same = uc.pid == cn->ident_pid && uc.uid == cn->ident_uid && uc.gid == cn->ident_gid;
        /* Same peer, container still there and alive: no /proc reading. */
        if (same && ct_client_container_valid(c->ct, cn->ident_gen))
                return 0;
        c->pid = uc.pid;
        c->uid = uc.uid;
        c->gid = uc.gid;
        if (!same) {
                read_comm(uc.pid, c->comm);
                /* Host view; the engine refines access for clients inside
                 * containers (owner credentials, enable_porto). */
                c->superuser = uc.uid == 0;
                c->read_only = uc.uid != 0 && !in_porto_group(uc.pid, uc.gid);
                cn->ident_pid = uc.pid;
                cn->ident_uid = uc.uid;
                cn->ident_gid = uc.gid;
        }
        cn->ident_gen = ct_client_generation();
        c->ct = ct_client_container(uc.pid);
        if (!c->ct)
                return -ESRCH;
        return 0;
}

/* ---- output ------------------------------------------------------------ */

static void conn_flush(struct conn *cn)
{
        while (out_pending(cn)) {
                ssize_t n = send(cn->c.fd, cn->out + cn->out_pos, cn->out_len - cn->out_pos,
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN)
                                break;
                        log_debug("client %s[%d]: send: %m", cn->c.comm, (int)cn->c.pid);
                        conn_fail(cn);
                        return;
                }
                cn->out_pos += (size_t)n;
        }
        if (!out_pending(cn)) {
                cn->out_pos = cn->out_len = 0;
                if (cn->out_cap > OUT_KEEP_MAX) {
                        free(cn->out);
                        cn->out = NULL;
                        cn->out_cap = 0;
                }
                /* Reading may resume now. */
                if (!cn->req)
                        conn_kick(cn);
        }
        if (!cn->in_progress)
                conn_update_mask(cn);
}

static int out_reserve(struct conn *cn, size_t n)
{
        if (cn->out_pos > 0 && cn->out_cap - cn->out_len < n) {
                memmove(cn->out, cn->out + cn->out_pos, cn->out_len - cn->out_pos);
                cn->out_len -= cn->out_pos;
                cn->out_pos = 0;
        }
        if (cn->out_cap - cn->out_len >= n)
                return 0;
        size_t cap = MAX(cn->out_cap * 2, cn->out_len + n);
        cap = MAX(cap, (size_t)READ_CHUNK);
        uint8_t *p = realloc(cn->out, cap);
        if (!p)
                return -ENOMEM;
        cn->out = p;
        cn->out_cap = cap;
        return 0;
}

int client_queue_message(struct client *c, const ProtobufCMessage *msg)
{
        struct conn *cn = to_conn(c);
        if (cn->closing)
                return -EPIPE;

        size_t size = protobuf_c_message_get_packed_size(msg);
        if (size > UINT32_MAX)
                return -EMSGSIZE;
        int r = out_reserve(cn, FRAME_HEADER_MAX + size);
        if (r < 0)
                return r;
        size_t hl = frame_encode_header((uint32_t)size, cn->out + cn->out_len);
        size_t packed = protobuf_c_message_pack(msg, cn->out + cn->out_len + hl);
        if (packed != size)
                return -EIO;
        cn->out_len += hl + size;
        conn_flush(cn);
        return 0;
}

int client_send_event(struct client *c, const Rpc__TContainerWaitResponse *ev)
{
        Rpc__TContainerResponse rsp = RPC__TCONTAINER_RESPONSE__INIT;

        /* Events carry only error = Success and AsyncWait (1.4). */
        rsp.has_error = true;
        rsp.error = RPC__EERROR__Success;
        rsp.asyncwait = (Rpc__TContainerWaitResponse *)ev;
        return client_queue_message(c, &rsp.base);
}

/* ---- requests ---------------------------------------------------------- */

struct arena *client_arena(struct client *c)
{
        struct conn *cn = to_conn(c);
        if (!cn->arena)
                cn->arena = arena_new();
        return cn->arena;
}

bool client_is_closing(const struct client *c)
{
        return ((const struct conn *)c)->closing;
}

void client_attach_request(struct client *c, struct request *req)
{
        to_conn(c)->req = req;
}

void client_request_done(struct client *c)
{
        struct conn *cn = to_conn(c);
        cn->req = NULL;
        cn->last_active_ms = loop_now_ms();
        if (cn->arena)
                arena_reset(cn->arena);
        conn_kick(cn);
}

/* If a whole frame is buffered, handle it. Returns true if one was. */
static bool conn_handle_frame(struct conn *cn)
{
        uint32_t len;
        size_t hl;
        int r = frame_decode_header(cn->in, cn->in_len, &len, &hl);
        if (r <= 0)
                return false;   /* errors were caught while reading */
        if (cn->in_len - hl < len)
                return false;

        r = conn_identify(cn);
        if (r < 0) {
                log_info("client fd %d pid %d: cannot identify (%s), closing", cn->c.fd, (int)cn->c.pid,
                         r == -ESRCH ? "no live container" : strerror(-r));
                cn->closing = true;
                return false;
        }
        r = rpc_handle(&cn->c, cn->in + hl, len);
        /* rpc_handle copied what it needs: drop the frame now. */
        memmove(cn->in, cn->in + hl + len, cn->in_len - hl - len);
        cn->in_len -= hl + len;
        if (r < 0)
                cn->closing = true;
        return true;
}

static void conn_progress(struct conn *cn)
{
        if (cn->closing) {
                conn_close(cn);
                return;
        }
        cn->in_progress = true;
        while (!cn->closing && !cn->req && !out_pending(cn) && conn_handle_frame(cn))
                ;
        cn->in_progress = false;

        if (cn->closing || (cn->eof && !cn->req && !out_pending(cn))) {
                loop_timer_cancel(cn->kick);
                cn->kick = NULL;
                conn_close(cn);
                return;
        }
        if (!cn->req && !out_pending(cn) && cn->in_len == 0 && cn->in_cap > READ_CHUNK) {
                free(cn->in);
                cn->in = NULL;
                cn->in_cap = 0;
        }
        conn_update_mask(cn);
}

/* Read what the current frame still needs; checks the declared length. */
static void conn_read(struct conn *cn)
{
        size_t need = READ_CHUNK;
        uint32_t len;
        size_t hl;
        int r = frame_decode_header(cn->in, cn->in_len, &len, &hl);
        if (r < 0) {
                log_info("client %s[%d]: bad frame header, closing", cn->c.comm, (int)cn->c.pid);
                cn->closing = true;
                return;
        }
        if (r > 0) {
                if (len > config->max_msg_len) {
                        log_info("client %s[%d]: request of %u bytes exceeds max_msg_len %u, closing",
                                 cn->c.comm, (int)cn->c.pid, len, config->max_msg_len);
                        cn->closing = true;
                        return;
                }
                if (cn->in_len >= hl + len)
                        return;
                need = MAX(need, hl + len);
        }
        if (cn->in_cap < need) {
                uint8_t *p = realloc(cn->in, need);
                if (!p) {
                        log_error("client %s[%d]: no memory for a %zu byte request", cn->c.comm,
                                  (int)cn->c.pid, need);
                        cn->closing = true;
                        return;
                }
                cn->in = p;
                cn->in_cap = need;
        }
        if (cn->in_len >= cn->in_cap)
                return;
        ssize_t n = recv(cn->c.fd, cn->in + cn->in_len, cn->in_cap - cn->in_len, MSG_DONTWAIT);
        if (n < 0) {
                if (errno == EAGAIN || errno == EINTR)
                        return;
                log_debug("client %s[%d]: recv: %m", cn->c.comm, (int)cn->c.pid);
                cn->closing = true;
                return;
        }
        if (n == 0) {
                cn->eof = true;
                if (cn->in_len)
                        log_info("client %s[%d]: closed in the middle of a request", cn->c.comm,
                                 (int)cn->c.pid);
                return;
        }
        cn->in_len += (size_t)n;
        cn->last_active_ms = loop_now_ms();
        /* The header may have just arrived: check it before reading on. */
        r = frame_decode_header(cn->in, cn->in_len, &len, &hl);
        if (r < 0 || (r > 0 && len > config->max_msg_len)) {
                log_info("client %s[%d]: bad frame header or request over max_msg_len %u, closing",
                         cn->c.comm, (int)cn->c.pid, config->max_msg_len);
                cn->closing = true;
        }
}

static void conn_io(int fd _unused_, uint32_t events, void *userdata)
{
        struct conn *cn = userdata;

        if ((events & EPOLLERR) || ((events & EPOLLHUP) && cn->req)) {
                /* The peer is gone: a parked request is cancelled. */
                cn->closing = true;
        } else {
                if (events & EPOLLOUT)
                        conn_flush(cn);
                /* After a hang-up, still take a request the peer sent in
                 * full before closing: it runs, its reply is dropped
                 * (1.8). The read then hits EOF and the connection closes. */
                if ((events & (EPOLLIN | EPOLLHUP)) && !cn->closing && !cn->req && !out_pending(cn))
                        conn_read(cn);
                if (events & (EPOLLRDHUP | EPOLLHUP))
                        cn->rdhup = true;
        }
        conn_progress(cn);
}

/* ---- accept and limits (1.6) ------------------------------------------- */

static bool idle_victim(const struct conn *cn, uint64_t now)
{
        return !cn->req && !out_pending(cn) && cn->in_len == 0 && !cn->closing &&
               now - cn->last_active_ms > infra_config.client_idle_timeout_ms;
}

/* Make room for a new connection of container ct; false = refuse it. */
static bool make_room(const struct conn *new_cn)
{
        unsigned extra = new_cn->c.superuser ? 100 : 0;
        size_t n_ct = 0;
        for (struct conn *cn = S.head; cn; cn = cn->next)
                if (cn->c.ct == new_cn->c.ct && !cn->closing)
                        n_ct++;
        bool over_total = S.n >= (size_t)config->max_clients + extra;
        bool over_ct = n_ct >= (size_t)config->max_clients_in_container + extra;
        if (!over_total && !over_ct)
                return true;

        uint64_t now = loop_now_ms();
        struct conn *victim = NULL;
        for (struct conn *cn = S.head; cn; cn = cn->next) {
                if (!idle_victim(cn, now) || (!over_total && cn->c.ct != new_cn->c.ct))
                        continue;
                if (!victim || cn->last_active_ms < victim->last_active_ms)
                        victim = cn;
        }
        if (!victim) {
                log_warning("client %s[%d]: too many connections (%s), refused", new_cn->c.comm,
                            (int)new_cn->c.pid, over_total ? "max_clients" : "max_clients_in_container");
                return false;
        }
        log_info("client %s[%d]: closing idle connection of %s[%d] to make room", new_cn->c.comm,
                 (int)new_cn->c.pid, victim->c.comm, (int)victim->c.pid);
        conn_close(victim);
        return true;
}

static void conn_new(int fd)
{
        struct conn *cn = calloc(1, sizeof(*cn));
        if (!cn) {
                log_error("accept: out of memory");
                safe_close(fd);
                return;
        }
        cn->c.fd = fd;
        cn->last_active_ms = loop_now_ms();
        int r = conn_identify(cn);
        if (r < 0) {
                log_info("client fd %d: cannot identify (%s), refused", fd,
                         r == -ESRCH ? "no live container" : strerror(-r));
                goto refuse;
        }
        if (!make_room(cn))
                goto refuse;
        cn->mask = EPOLLIN | EPOLLRDHUP;
        r = loop_add_io(fd, cn->mask, conn_io, cn);
        if (r < 0) {
                log_error_errno(r, "client fd %d: epoll: %m", fd);
                goto refuse;
        }
        cn->next = S.head;
        if (S.head)
                S.head->prev = cn;
        S.head = cn;
        S.n++;
        sys_stats->client_connected++;
        log_debug("client %s[%d] uid %u connected on fd %d", cn->c.comm, (int)cn->c.pid,
                  (unsigned)cn->c.uid, fd);
        return;
refuse:
        safe_close(fd);
        free(cn);
}

static void accept_io(int fd, uint32_t events, void *userdata);

static void accept_retry_fn(void *userdata _unused_)
{
        S.accept_retry = NULL;
        if (S.accepting && loop_add_io(S.listen_fd, EPOLLIN, accept_io, NULL) < 0)
                log_error("cannot resume accepting clients");
}

static void accept_io(int fd, uint32_t events _unused_, void *userdata _unused_)
{
        for (;;) {
                int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (cfd >= 0) {
                        conn_new(cfd);
                        continue;
                }
                if (errno == EAGAIN)
                        return;
                if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
                        continue;
                /* Out of fds or memory: pause accepting briefly instead of
                 * spinning on a listen socket that stays readable. */
                log_warning_errno(-errno, "accept: %m; pausing for %d ms", ACCEPT_RETRY_MS);
                loop_del_io(fd);
                if (!S.accept_retry)
                        S.accept_retry = loop_timer_add(ACCEPT_RETRY_MS, accept_retry_fn, NULL);
                return;
        }
}

int clients_init(int listen_fd)
{
        struct group *g = getgrnam("porto");
        if (g) {
                S.have_porto_gid = true;
                S.porto_gid = g->gr_gid;
        }
        S.listen_fd = listen_fd;
        S.accepting = true;
        return loop_add_io(listen_fd, EPOLLIN, accept_io, NULL);
}

void clients_stop_accepting(void)
{
        S.accepting = false;
        loop_del_io(S.listen_fd);
        loop_timer_cancel(S.accept_retry);
        S.accept_retry = NULL;
}

void clients_close_all(void)
{
        clients_stop_accepting();
        while (S.head)
                conn_close(S.head);
        loop_timer_cancel(S.trim);
        S.trim = NULL;
}
