/* The event loop of master and worker: epoll for fds, one signalfd for
 * signals, one timerfd armed for the earliest entry of a binary heap of
 * one-shot timers. Single-threaded; callbacks run to completion. */
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include "basic/log.h"
#include "portod.h"

struct io_slot {
        loop_io_fn fn;
        void *userdata;
        uint32_t gen;   /* detects events for an fd deleted and reused
                         * within one epoll_wait batch */
        bool used;
};

struct loop_timer {
        uint64_t deadline_ms;
        uint64_t seq;           /* FIFO order among equal deadlines */
        loop_timer_fn fn;
        void *userdata;
        size_t idx;             /* position in the heap */
};

struct signal_slot {
        loop_signal_fn fn;
        void *userdata;
};

static struct {
        int epfd, sigfd, tfd;
        sigset_t sigmask;
        struct io_slot *io;
        size_t n_io;
        struct loop_timer **heap;
        size_t n_heap, cap_heap;
        uint64_t timer_seq;
        uint64_t now_ms;
        struct signal_slot signals[_NSIG];
        bool exiting;
        int exit_code;
} L = { .epfd = -1, .sigfd = -1, .tfd = -1 };

#define TAG_SIGNAL UINT64_MAX
#define TAG_TIMER (UINT64_MAX - 1)

static uint64_t monotonic_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t loop_now_ms(void)
{
        if (!L.now_ms)
                L.now_ms = monotonic_ms();
        return L.now_ms;
}

int loop_init(void)
{
        L.epfd = epoll_create1(EPOLL_CLOEXEC);
        if (L.epfd < 0)
                return -errno;
        sigemptyset(&L.sigmask);
        L.sigfd = signalfd(-1, &L.sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
        if (L.sigfd < 0)
                return -errno;
        L.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (L.tfd < 0)
                return -errno;
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = TAG_SIGNAL };
        if (epoll_ctl(L.epfd, EPOLL_CTL_ADD, L.sigfd, &ev) < 0)
                return -errno;
        ev.data.u64 = TAG_TIMER;
        if (epoll_ctl(L.epfd, EPOLL_CTL_ADD, L.tfd, &ev) < 0)
                return -errno;
        L.now_ms = monotonic_ms();
        return 0;
}

void loop_done(void)
{
        while (L.n_heap)
                loop_timer_cancel(L.heap[0]);
        free(L.heap);
        free(L.io);
        L.epfd = safe_close(L.epfd);
        L.sigfd = safe_close(L.sigfd);
        L.tfd = safe_close(L.tfd);
        /* Signals stay blocked: one that is pending must not kill us on
         * the way out. Whoever forks a child resets its mask. */
        memset(&L, 0, sizeof(L));
        L.epfd = L.sigfd = L.tfd = -1;
}

/* ---- fds --------------------------------------------------------------- */

int loop_add_io(int fd, uint32_t epoll_events, loop_io_fn fn, void *userdata)
{
        if (fd < 0)
                return -EBADF;
        if ((size_t)fd >= L.n_io) {
                size_t n = MAX((size_t)fd + 1, L.n_io * 2);
                struct io_slot *io = realloc(L.io, n * sizeof(*io));
                if (!io)
                        return -ENOMEM;
                memset(io + L.n_io, 0, (n - L.n_io) * sizeof(*io));
                L.io = io;
                L.n_io = n;
        }
        struct io_slot *s = &L.io[fd];
        if (s->used)
                return -EEXIST;
        s->gen++;
        struct epoll_event ev = {
                .events = epoll_events,
                .data.u64 = (uint64_t)(uint32_t)fd | (uint64_t)s->gen << 32,
        };
        if (epoll_ctl(L.epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
                return -errno;
        s->fn = fn;
        s->userdata = userdata;
        s->used = true;
        return 0;
}

int loop_mod_io(int fd, uint32_t epoll_events)
{
        if (fd < 0 || (size_t)fd >= L.n_io || !L.io[fd].used)
                return -ENOENT;
        struct epoll_event ev = {
                .events = epoll_events,
                .data.u64 = (uint64_t)(uint32_t)fd | (uint64_t)L.io[fd].gen << 32,
        };
        if (epoll_ctl(L.epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
                return -errno;
        return 0;
}

void loop_del_io(int fd)
{
        if (fd < 0 || (size_t)fd >= L.n_io || !L.io[fd].used)
                return;
        epoll_ctl(L.epfd, EPOLL_CTL_DEL, fd, NULL);
        L.io[fd].used = false;
        L.io[fd].fn = NULL;
        L.io[fd].userdata = NULL;
}

/* ---- signals ----------------------------------------------------------- */

int loop_add_signal(int sig, loop_signal_fn fn, void *userdata)
{
        if (sig <= 0 || sig >= _NSIG)
                return -EINVAL;
        sigset_t one;
        sigemptyset(&one);
        sigaddset(&one, sig);
        if (sigprocmask(SIG_BLOCK, &one, NULL) < 0)
                return -errno;
        sigaddset(&L.sigmask, sig);
        if (signalfd(L.sigfd, &L.sigmask, SFD_NONBLOCK | SFD_CLOEXEC) < 0)
                return -errno;
        L.signals[sig] = (struct signal_slot){ fn, userdata };
        return 0;
}

static void dispatch_signals(void)
{
        struct signalfd_siginfo si;

        while (read(L.sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
                if (si.ssi_signo < _NSIG && L.signals[si.ssi_signo].fn)
                        L.signals[si.ssi_signo].fn(&si, L.signals[si.ssi_signo].userdata);
        }
}

/* ---- timers ------------------------------------------------------------ */

static bool timer_before(const struct loop_timer *a, const struct loop_timer *b)
{
        if (a->deadline_ms != b->deadline_ms)
                return a->deadline_ms < b->deadline_ms;
        return a->seq < b->seq;
}

static void heap_set(size_t i, struct loop_timer *t)
{
        L.heap[i] = t;
        t->idx = i;
}

static void heap_up(size_t i)
{
        struct loop_timer *t = L.heap[i];
        while (i > 0) {
                size_t p = (i - 1) / 2;
                if (!timer_before(t, L.heap[p]))
                        break;
                heap_set(i, L.heap[p]);
                i = p;
        }
        heap_set(i, t);
}

static void heap_down(size_t i)
{
        struct loop_timer *t = L.heap[i];
        for (;;) {
                size_t c = 2 * i + 1;
                if (c >= L.n_heap)
                        break;
                if (c + 1 < L.n_heap && timer_before(L.heap[c + 1], L.heap[c]))
                        c++;
                if (!timer_before(L.heap[c], t))
                        break;
                heap_set(i, L.heap[c]);
                i = c;
        }
        heap_set(i, t);
}

static void heap_remove(struct loop_timer *t)
{
        size_t i = t->idx;
        struct loop_timer *last = L.heap[--L.n_heap];
        if (last == t)
                return;
        heap_set(i, last);
        heap_up(i);
        heap_down(last->idx);
}

static void timerfd_arm(void)
{
        struct itimerspec its = { 0 };
        if (L.n_heap) {
                uint64_t d = L.heap[0]->deadline_ms;
                /* An all-zero it_value disarms: fire already-due timers
                 * after 1 ns instead. */
                its.it_value.tv_sec = (time_t)(d / 1000);
                its.it_value.tv_nsec = (long)(d % 1000) * 1000000 + 1;
        }
        if (timerfd_settime(L.tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
                log_error_errno(-errno, "timerfd_settime: %m");
}

struct loop_timer *loop_timer_add(uint64_t delay_ms, loop_timer_fn fn, void *userdata)
{
        if (L.n_heap == L.cap_heap) {
                size_t n = L.cap_heap ? L.cap_heap * 2 : 64;
                struct loop_timer **h = realloc(L.heap, n * sizeof(*h));
                if (!h)
                        return NULL;
                L.heap = h;
                L.cap_heap = n;
        }
        struct loop_timer *t = malloc(sizeof(*t));
        if (!t)
                return NULL;
        *t = (struct loop_timer){
                .deadline_ms = loop_now_ms() + delay_ms,
                .seq = ++L.timer_seq,
                .fn = fn,
                .userdata = userdata,
        };
        heap_set(L.n_heap++, t);
        heap_up(t->idx);
        if (L.heap[0] == t)
                timerfd_arm();
        return t;
}

void loop_timer_cancel(struct loop_timer *t)
{
        if (!t)
                return;
        bool first = L.heap[0] == t;
        heap_remove(t);
        free(t);
        if (first)
                timerfd_arm();
}

static void dispatch_timers(void)
{
        uint64_t expirations;
        if (read(L.tfd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
                log_error_errno(-errno, "timerfd read: %m");

        uint64_t now = monotonic_ms();
        /* Only timers due now; ones added by callbacks wait for the next
         * round, so a 0 ms timer re-adding itself cannot starve the loop. */
        uint64_t last_seq = L.timer_seq;
        while (L.n_heap && L.heap[0]->deadline_ms <= now && L.heap[0]->seq <= last_seq && !L.exiting) {
                struct loop_timer *t = L.heap[0];
                loop_timer_fn fn = t->fn;
                void *ud = t->userdata;
                heap_remove(t);
                free(t);
                fn(ud);
        }
        timerfd_arm();
}

/* ---- run --------------------------------------------------------------- */

void loop_exit(int code)
{
        L.exiting = true;
        L.exit_code = code;
}

int loop_run(void)
{
        struct epoll_event evs[64];

        while (!L.exiting) {
                int n = epoll_wait(L.epfd, evs, (int)ELEMENTSOF(evs), -1);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return log_error_errno(-errno, "epoll_wait: %m");
                }
                L.now_ms = monotonic_ms();
                for (int i = 0; i < n && !L.exiting; i++) {
                        uint64_t tag = evs[i].data.u64;
                        if (tag == TAG_SIGNAL) {
                                dispatch_signals();
                                continue;
                        }
                        if (tag == TAG_TIMER) {
                                dispatch_timers();
                                continue;
                        }
                        int fd = (int)(uint32_t)tag;
                        uint32_t gen = (uint32_t)(tag >> 32);
                        if ((size_t)fd >= L.n_io || !L.io[fd].used || L.io[fd].gen != gen)
                                continue;
                        L.io[fd].fn(fd, evs[i].events, L.io[fd].userdata);
                }
        }
        return L.exit_code;
}
