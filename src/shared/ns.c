/* Namespaces (see ns.h). */
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>

#include "shared/ns.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct ns_info {
        const char *name;
        int flag;
};

static const struct ns_info ns_infos[NS_TYPE_MAX] = {
        [NS_USER] = { "user", CLONE_NEWUSER },
        [NS_MNT] = { "mnt", CLONE_NEWNS },
        [NS_PID] = { "pid", CLONE_NEWPID },
        [NS_NET] = { "net", CLONE_NEWNET },
        [NS_IPC] = { "ipc", CLONE_NEWIPC },
        [NS_UTS] = { "uts", CLONE_NEWUTS },
        [NS_CGROUP] = { "cgroup", CLONE_NEWCGROUP },
        [NS_TIME] = { "time", CLONE_NEWTIME },
};

/* setns order: the user namespace grants the rights for the others, and
 * entering the mount namespace changes root and cwd, so it goes last. */
static const enum ns_type ns_enter_order[NS_TYPE_MAX] = {
        NS_USER, NS_CGROUP, NS_IPC, NS_UTS, NS_NET, NS_PID, NS_TIME, NS_MNT,
};

const char *ns_type_to_string(enum ns_type t)
{
        return (unsigned) t < NS_TYPE_MAX ? ns_infos[t].name : NULL;
}

int ns_type_from_string(const char *s, enum ns_type *ret)
{
        for (unsigned t = 0; t < NS_TYPE_MAX; t++)
                if (streq(s, ns_infos[t].name)) {
                        *ret = (enum ns_type) t;
                        return 0;
                }
        return -EINVAL;
}

int ns_clone_flag(enum ns_type t)
{
        return (unsigned) t < NS_TYPE_MAX ? ns_infos[t].flag : 0;
}

static void ns_path(pid_t pid, enum ns_type t, char buf[static 64])
{
        if (pid > 0)
                snprintf(buf, 64, "/proc/%d/ns/%s", (int) pid, ns_infos[t].name);
        else
                snprintf(buf, 64, "/proc/self/ns/%s", ns_infos[t].name);
}

int ns_open(pid_t pid, enum ns_type t, int *ret_fd)
{
        char path[64];
        int fd;

        if ((unsigned) t >= NS_TYPE_MAX)
                return -EINVAL;
        ns_path(pid, t, path);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

int ns_enter(int fd, enum ns_type t)
{
        if ((unsigned) t >= NS_TYPE_MAX)
                return -EINVAL;
        if (setns(fd, ns_infos[t].flag) < 0)
                return -errno;
        return 0;
}

int ns_id(pid_t pid, enum ns_type t, uint64_t *ret)
{
        char path[64];
        struct stat st;

        if ((unsigned) t >= NS_TYPE_MAX)
                return -EINVAL;
        ns_path(pid, t, path);
        if (stat(path, &st) < 0)
                return -errno;
        *ret = (uint64_t) st.st_ino;
        return 0;
}

int ns_same(pid_t a, pid_t b, enum ns_type t)
{
        uint64_t ia, ib;
        int r;

        r = ns_id(a, t, &ia);
        if (r < 0)
                return r;
        r = ns_id(b, t, &ib);
        if (r < 0)
                return r;
        return ia == ib;
}

int ns_open_root(pid_t pid, int *ret_fd)
{
        char path[64];
        int fd;

        snprintf(path, sizeof(path), "/proc/%d/root", (int) pid);
        fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

void ns_set_init(struct ns_set *s)
{
        for (unsigned t = 0; t < NS_TYPE_MAX; t++)
                s->fd[t] = -EBADF;
}

void ns_set_close(struct ns_set *s)
{
        for (unsigned t = 0; t < NS_TYPE_MAX; t++)
                s->fd[t] = safe_close(s->fd[t]);
}

int ns_set_open(struct ns_set *s, pid_t pid, unsigned mask)
{
        struct ns_set n;

        ns_set_init(&n);
        for (unsigned t = 0; t < NS_TYPE_MAX; t++) {
                int r;

                if (!(mask & (1u << t)))
                        continue;
                r = ns_open(pid, (enum ns_type) t, &n.fd[t]);
                if (r == -ENOENT && pid <= 0)
                        continue; /* the kernel lacks this kind */
                if (r < 0) {
                        ns_set_close(&n);
                        return r;
                }
        }
        *s = n;
        return 0;
}

int ns_set_enter(const struct ns_set *s)
{
        for (unsigned i = 0; i < NS_TYPE_MAX; i++) {
                enum ns_type t = ns_enter_order[i];
                int r;

                if (s->fd[t] < 0)
                        continue;
                r = ns_enter(s->fd[t], t);
                if (r < 0)
                        return r;
        }
        return 0;
}

int ns_loopback_up(void)
{
        struct ifreq ifr = { 0 };
        int fd, r = 0;

        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        strcpy(ifr.ifr_name, "lo");
        if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
                r = -errno;
        else if (!(ifr.ifr_flags & IFF_UP)) {
                ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
                if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
                        r = -errno;
        }
        close(fd);
        return r;
}
