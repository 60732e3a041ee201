/* Logging for the daemon and tools. basic/ and shared/ log at debug level at
 * most; the daemon logs once, where an error is handled. */
#pragma once

#include <syslog.h>
#include "macros.h"

/* Open (or reopen, for `portod reopenlog`) the log file; NULL or "-" logs to
 * stderr. Returns 0 or -errno (the previous target stays on failure). */
int log_open(const char *path);
void log_close(void);
void log_set_level(int level); /* LOG_ERR .. LOG_DEBUG */
int log_get_level(void);
/* Prefix written after the timestamp on every line, e.g. "portod-master". */
void log_set_ident(const char *ident);
/* Debug per subsystem: comma separated list, "all" for everything. */
void log_set_debug_subsystems(const char *list);
bool log_debug_enabled(const char *subsystem);

void log_write(int level, const char *fmt, ...) _printf_(2, 3);
/* Logs with errno = -err so that "%m" prints it; returns err. */
int log_write_errno(int level, int err, const char *fmt, ...) _printf_(3, 4);

/* What the logger did (GetSystem). Updated with atomic adds, so several
 * processes may share one set in shared memory. */
struct log_counters {
        uint64_t errors;        /* error lines, written or not (level filter) */
        uint64_t warnings;
        uint64_t lines;         /* lines written */
        uint64_t bytes;
        uint64_t lines_lost;    /* lines whose write failed or was short */
        uint64_t bytes_lost;
        uint64_t opens;         /* successful log_open() of a file */
};

/* Count into c from now on (e.g. memory shared with a restarted worker);
 * what was counted so far is added to c. c must outlive the logger. */
void log_use_counters(struct log_counters *c);
const struct log_counters *log_counters(void);

/* Counters of errors and warnings logged since start (GetSystem). */
uint64_t log_error_count(void);
uint64_t log_warning_count(void);

#define log_error(...) log_write(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_write(LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_write(LOG_INFO, __VA_ARGS__)
#define log_debug(...)                                          \
        do {                                                    \
                if (log_get_level() >= LOG_DEBUG)               \
                        log_write(LOG_DEBUG, __VA_ARGS__);      \
        } while (0)
#define log_error_errno(err, ...) log_write_errno(LOG_ERR, err, __VA_ARGS__)
#define log_warning_errno(err, ...) log_write_errno(LOG_WARNING, err, __VA_ARGS__)
#define log_debug_errno(err, ...) log_write_errno(LOG_DEBUG, err, __VA_ARGS__)
