/* Whole-file helpers for small files (cgroup knobs, /proc entries, state
 * records). All fds are O_CLOEXEC. */
#pragma once

#include "macros.h"

/* Read a whole file (up to max bytes; -EFBIG beyond) into a NUL-terminated
 * malloc'ed string. ret_len may be NULL. */
int read_file(const char *path, size_t max, char **ret, size_t *ret_len);
/* Same relative to a directory fd. */
int read_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len);
/* Read the first line, without the newline. */
int read_line(const char *path, char **ret);
int read_u64_file(const char *path, uint64_t *ret);
/* open(O_WRONLY|O_TRUNC) (no O_CREAT) + one write: for cgroup and proc knobs. */
int write_file(const char *path, const char *s);
int write_file_at(int dirfd, const char *path, const char *s);
/* Atomic replace: write path.tmp, fsync, rename over path. mode for new file. */
int write_file_atomic(const char *path, const void *data, size_t len, unsigned mode);
/* mkdir -p with mode; existing directories are fine. */
int mkdir_p(const char *path, unsigned mode);
