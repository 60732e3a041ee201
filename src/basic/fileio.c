/* Small whole-file helpers. */
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fileio.h"
#include "parse.h"
#include "strutil.h"

static int read_fd(int fd, size_t max, char **ret, size_t *ret_len)
{
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0;

        for (;;) {
                ssize_t n;

                if (len + 1 >= cap) {
                        size_t ncap = cap ? cap * 2 : 4096;
                        char *nb;

                        if (max < SIZE_MAX - 2 && ncap > max + 2)
                                ncap = max + 2; /* one byte more than max detects EFBIG */
                        if (ncap <= len + 1)
                                return -EFBIG;
                        nb = realloc(buf, ncap);
                        if (!nb)
                                return -ENOMEM;
                        buf = nb;
                        cap = ncap;
                }
                n = read(fd, buf + len, cap - len - 1);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
                if (len > max)
                        return -EFBIG;
        }
        if (!buf) {
                buf = malloc(1);
                if (!buf)
                        return -ENOMEM;
        }
        buf[len] = 0;
        *ret = TAKE_PTR(buf);
        if (ret_len)
                *ret_len = len;
        return 0;
}

int read_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len)
{
        _cleanup_close_ int fd = -EBADF;

        fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        return read_fd(fd, max, ret, ret_len);
}

int read_file(const char *path, size_t max, char **ret, size_t *ret_len)
{
        return read_file_at(AT_FDCWD, path, max, ret, ret_len);
}

#define LINE_MAX_BYTES (1u << 20)

int read_line(const char *path, char **ret)
{
        _cleanup_close_ int fd = -EBADF;
        struct strbuf b = STRBUF_INIT;
        char chunk[4096];

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        for (;;) {
                ssize_t n = read(fd, chunk, sizeof(chunk));
                char *nl;

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        strbuf_free(&b);
                        return -errno;
                }
                if (n == 0)
                        break;
                nl = memchr(chunk, '\n', (size_t) n);
                if (strbuf_append_n(&b, chunk, nl ? (size_t) (nl - chunk) : (size_t) n) < 0) {
                        strbuf_free(&b);
                        return -ENOMEM;
                }
                if (nl)
                        break;
                if (b.len > LINE_MAX_BYTES) {
                        strbuf_free(&b);
                        return -EFBIG;
                }
        }
        *ret = strbuf_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

int read_u64_file(const char *path, uint64_t *ret)
{
        _cleanup_free_ char *line = NULL;
        int r;

        r = read_line(path, &line);
        if (r < 0)
                return r;
        return parse_u64(strstrip(line), ret);
}

static int write_all(int fd, const void *data, size_t len)
{
        const char *p = data;

        while (len > 0) {
                ssize_t n = write(fd, p, len);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        return -EIO;
                p += n;
                len -= (size_t) n;
        }
        return 0;
}

int write_file_at(int dirfd, const char *path, const char *s)
{
        _cleanup_close_ int fd = -EBADF;
        size_t len = strlen(s);
        ssize_t n;

        fd = openat(dirfd, path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        /* Kernel knobs take the value in one write; a short write is an error. */
        do
                n = write(fd, s, len);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if ((size_t) n != len)
                return -EIO;
        return 0;
}

int write_file(const char *path, const char *s)
{
        return write_file_at(AT_FDCWD, path, s);
}

static int fsync_parent(const char *path)
{
        _cleanup_free_ char *copy = strdup(path);
        _cleanup_close_ int fd = -EBADF;

        if (!copy)
                return -ENOMEM;
        fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fsync(fd) < 0)
                return -errno;
        return 0;
}

int write_file_atomic(const char *path, const void *data, size_t len, unsigned mode)
{
        _cleanup_free_ char *tmp = strdup_printf("%s.tmp", path);
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (!tmp)
                return -ENOMEM;
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, mode);
        if (fd < 0)
                return -errno;
        /* A stale tmp file may have another mode; umask must not apply either. */
        if (fchmod(fd, mode) < 0) {
                r = -errno;
                goto fail;
        }
        r = write_all(fd, data, len);
        if (r < 0)
                goto fail;
        if (fsync(fd) < 0) {
                r = -errno;
                goto fail;
        }
        if (rename(tmp, path) < 0) {
                r = -errno;
                goto fail;
        }
        return fsync_parent(path);
fail:
        unlink(tmp);
        return r;
}

int mkdir_p(const char *path, unsigned mode)
{
        _cleanup_free_ char *p = NULL;
        struct stat st;

        if (isempty(path))
                return -EINVAL;
        p = strdup(path);
        if (!p)
                return -ENOMEM;
        for (char *s = p + 1;; s++) {
                char c = *s;

                if (c != '/' && c)
                        continue;
                *s = 0;
                if (mkdir(p, mode) < 0 && errno != EEXIST)
                        return -errno;
                *s = c;
                if (!c)
                        break;
        }
        if (stat(path, &st) < 0)
                return -errno;
        return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}
