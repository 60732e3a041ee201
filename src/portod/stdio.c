/* Internal stdout/stderr storage: files "stdout"/"stderr" in the default
 * working directory, written by the container through O_APPEND fds, kept
 * below stdout_limit by dropping the head (fallocate COLLAPSE_RANGE, else
 * PUNCH_HOLE, else copy-truncate). Reads follow spec/protocol.md 10.7:
 * offsets count from the start of the stream, including dropped bytes. */
#include <fcntl.h>
#include <inttypes.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <sys/stat.h>
#include "container.h"
#include "prop.h"
#include "system.h"
#include "basic/log.h"

#define STDIO_READ_MAX (16u << 20)
#define ROTATE_PERIOD_MS 5000

static const char *const stream_names[3] = { "stdin", "stdout", "stderr" };

bool ct_stream_internal(const struct container *ct, int stream)
{
        /* virt_mode=os: stdout and stderr default to /dev/null */
        return stream != CT_STDIN && !ct->std_path[stream] && ct->virt_mode != VIRT_OS;
}

int ct_stream_path(const struct container *ct, int stream, char **ret)
{
        char buf[4096];
        const char *p = ct->std_path[stream];
        char *s;

        if (!p) {
                if (stream == CT_STDIN || ct->virt_mode == VIRT_OS)
                        s = strdup("/dev/null");
                else
                        s = strdup_printf("%s/porto/%s/%s", config->place, ct->name, stream_names[stream]);
        } else if (p[0] == '/')
                s = strdup(p);
        else
                s = strdup_printf("%s/%s", ct_cwd(ct, buf, sizeof(buf)), p);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/* Open <default cwd>/<stream> without following a symlink the container
 * user may have planted there. */
static int open_internal(const struct container *ct, int stream, int flags, mode_t mode)
{
        _cleanup_free_ char *dir = ct_default_cwd(ct);
        _cleanup_close_ int dfd = -EBADF;
        int fd;

        if (!dir)
                return -ENOMEM;
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return -errno;
        fd = openat(dfd, stream_names[stream], flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);
        return fd < 0 ? -errno : fd;
}

int ct_stream_open(struct container *ct, int stream, int *ret_fd, struct perror *e)
{
        int fd = open_internal(ct, stream, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0660);

        if (fd < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, fd, "cannot create the %s file of %s",
                                        stream_names[stream], ct->name);
        if (fchown(fd, ct->user, ct->group) < 0)
                log_debug("%s: cannot chown %s: %m", ct->name, stream_names[stream]);
        ct->stream[stream].offset = 0;
        ct->stream[stream].base = 0;
        *ret_fd = fd;
        return 0;
}

/* Copy the kept tail to the head of the file (no fallocate at all): what
 * the container writes meanwhile may be lost. */
static int copy_truncate(struct container *ct, int fd, uint64_t from, uint64_t size)
{
        _cleanup_free_ char *buf = malloc(size - from + 1);
        ssize_t n;

        if (!buf)
                return -ENOMEM;
        n = pread(fd, buf, size - from, from);
        if (n < 0 || ftruncate(fd, 0) < 0)
                return -errno;
        if (n > 0 && pwrite(fd, buf, n, 0) != n)
                log_warning("%s: copy-truncate of the output lost data", ct->name);
        return 0;
}

/* Keep at most stdout_limit bytes: whole blocks of the head go with
 * COLLAPSE_RANGE (the file shrinks, base moves), the rest of the excess is
 * punched (file positions stay). Offsets are logical, so the stream
 * arithmetic holds whichever of the two worked. */
static void rotate_fd(struct container *ct, int stream, int fd)
{
        struct ct_stream *st = &ct->stream[stream];
        struct stat sb;
        uint64_t size, start, end, cut, blk, collapse;
        bool collapsed = false;

        if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
                return;
        size = sb.st_size;
        start = MAX(st->offset, st->base);
        end = st->base + size;
        if (end <= start || end - start <= ct->stdout_limit)
                return;
        cut = end - ct->stdout_limit - st->base;        /* new first kept byte, file position */
        blk = sb.st_blksize > 0 ? (uint64_t)sb.st_blksize : 4096;
        collapse = cut / blk * blk;
        if (collapse >= size)
                collapse = collapse >= blk ? collapse - blk : 0;
        if (collapse > 0) {
                if (fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, collapse) == 0) {
                        st->base += collapse;
                        cut -= collapse;
                        collapsed = true;
                } else if (errno != EOPNOTSUPP && errno != EINVAL) {
                        sys_stats->stream_rotate_errors++;
                        return;         /* e.g. a racing write: next time */
                }
        }
        if (cut > 0 && fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, cut) < 0 && !collapsed &&
            (errno == EOPNOTSUPP || errno == EINVAL)) {
                /* neither works on this filesystem: rewrite the file */
                if (copy_truncate(ct, fd, cut, size) < 0) {
                        sys_stats->stream_rotate_errors++;
                        return;
                }
                st->base += cut;
                cut = 0;
        }
        st->offset = st->base + cut;
        sys_stats->stream_rotate_bytes += st->offset - start;
        log_debug("%s: %s rotated, offset %" PRIu64, ct->name, stream_names[stream], st->offset);
        ct_save(ct);
}

void ct_stream_rotate(struct container *ct, int stream)
{
        _cleanup_close_ int fd = -EBADF;

        if (!ct_stream_internal(ct, stream))
                return;
        fd = open_internal(ct, stream, O_RDWR, 0);
        if (fd < 0)
                return;
        rotate_fd(ct, stream, fd);
}

/* A non-internal file is read as root: only if the container's user or
 * owner could read it, or the owner is root. */
static bool may_read(const struct container *ct, const struct stat *sb)
{
        if (ct->owner_uid == 0)
                return true;
        if (sb->st_uid == ct->user || sb->st_uid == ct->owner_uid)
                return sb->st_mode & S_IRUSR;
        return sb->st_mode & S_IROTH;
}

int ct_stream_read(struct container *ct, int stream, const char *index, struct strbuf *out, struct perror *e)
{
        const char *name = stream_names[stream];
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;
        bool internal = ct_stream_internal(ct, stream);
        struct pv_range range;
        uint64_t cap, end, kept, start, count;
        struct ct_stream none = { 0 };
        const struct ct_stream *st = internal ? &ct->stream[stream] : &none;
        struct stat sb;
        int r;

        if (pv_parse_range(index, &range) < 0)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "%s[%s]: expected [offset][:length] in bytes", name, index);
        if (internal) {
                fd = open_internal(ct, stream, O_RDWR, 0);
                if (fd >= 0)
                        rotate_fd(ct, stream, fd);
        } else {
                r = ct_stream_path(ct, stream, &path);
                if (r < 0)
                        return r;
                if (ct_in_chroot(ct) && ct->std_path[stream])
                        r = ct_open_in_root(ct, ct->std_path[stream], O_RDONLY | O_NOCTTY | O_NONBLOCK, &fd);
                else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
                        fd = -errno;
                if (r < 0)
                        fd = r;
        }
        if (fd < 0)
                return perror_set_errno(e, EERROR_INVALID_DATA, fd, "%s: cannot open the file", name);
        if (fstat(fd, &sb) < 0)
                return perror_set_errno(e, EERROR_INVALID_DATA, -errno, "%s: cannot stat the file", name);
        if (!S_ISREG(sb.st_mode))
                return perror_set(e, EERROR_INVALID_DATA, -EINVAL, "%s: %s is not a regular file", name,
                                  path ? path : name);
        if (!internal && !may_read(ct, &sb))
                return perror_set(e, EERROR_PERMISSION, -EACCES, "%s: %s is not readable for the container owner",
                                  name, path);

        cap = MIN(ct->stdout_limit, (uint64_t)STDIO_READ_MAX);
        end = st->base + (uint64_t)sb.st_size;
        kept = MAX(st->offset, st->base);
        count = range.has_len ? MIN(range.len, cap) : cap;
        if (range.has_off) {
                if (range.off < kept)
                        return perror_set(e, EERROR_INVALID_DATA, -ERANGE,
                                          "%s: offset %" PRIu64 " was already rotated away, data starts at %" PRIu64,
                                          name, range.off, kept);
                start = range.off;
        } else {
                start = end - MIN(count, end - kept);
        }
        if (start >= end)
                return 0;
        count = MIN(count, end - start);
        if (out->cap - out->len <= count) {
                char *n = realloc(out->s, out->len + count + 1);
                if (!n)
                        return -ENOMEM;
                out->s = n;
                out->cap = out->len + count + 1;
        }
        while (count > 0) {
                ssize_t n = pread(fd, out->s + out->len, count, start - st->base);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return perror_set_errno(e, EERROR_INVALID_DATA, -errno, "%s: cannot read", name);
                }
                if (n == 0)
                        break;
                out->len += n;
                start += n;
                count -= n;
        }
        out->s[out->len] = 0;
        return 0;
}

static void rotate_all(void *userdata _unused_)
{
        size_t n;
        struct container *const *all = ct_list_all(&n);

        for (size_t i = 0; i < n; i++) {
                struct container *ct = all[i];
                if (ct->state != CT_RUNNING && ct->state != CT_PAUSED && ct->state != CT_STOPPING)
                        continue;
                ct_stream_rotate(ct, CT_STDOUT);
                ct_stream_rotate(ct, CT_STDERR);
        }
        stdio_timer_start();
}

void stdio_timer_start(void)
{
        if (!loop_timer_add(ROTATE_PERIOD_MS, rotate_all, NULL))
                log_error("cannot schedule stdout rotation");
}
