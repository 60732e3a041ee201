/* portoctl: shared declarations of the command modules (spec/portoctl.md). */
#pragma once

#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "porto.h"
#include "basic/macros.h"

/* ---- command table (main.c) -------------------------------------------- */

enum {
        CMD_HIDDEN = 1 << 0, /* not in the listing */
};

struct command {
        const char *name;
        int min_args;        /* positional arguments, spec section 13 */
        const char *usage;   /* exact usage line */
        const char *desc;    /* one-line description */
        const char *help;    /* extra help text, or NULL */
        /* argv[0] is the command name; returns the process exit status. */
        int (*run)(int argc, char **argv);
        unsigned flags;
};

const struct command *command_find(const char *name);
/* "Usage: portoctl <cmd> <usage>" block on stdout. */
void command_usage(const struct command *cmd);
/* The full listing of section 3 on stdout (queries the daemon). */
void print_listing(void);

/* getopt in "stop at the first non-option" mode over argv[0..argc), where
 * argv[0] is the command name; handle(opt, optarg, userdata) is called for
 * each option and returns 0, or an exit status to stop with. An unknown
 * option, or fewer than min_args positional arguments left, prints the
 * listing (spec section 1). Returns the index of the first positional
 * argument, or minus the exit status. */
int cmd_getopt(int argc, char **argv, const char *optstring, int min_args,
               int (*handle)(int opt, const char *arg, void *userdata), void *userdata);

/* ---- connection and errors --------------------------------------------- */

/* The process-wide connection (created in main with the -t timeout). */
struct porto_conn *api(void);
/* Print "<context>: <ErrorName>:(<message>)" for the last call on stderr
 * and return the exit status for it (the EError number). */
int print_api_error(const char *context);
/* Same with a printf-formatted context. */
int print_api_errorf(const char *fmt, ...) _printf_(1, 2);

/* ---- formatting (format.c, spec section 4) ------------------------------ */

#define FMT_BUF 64
char *fmt_duration(char buf[static FMT_BUF], uint64_t ms);
char *fmt_time(char buf[static FMT_BUF], time_t t);
/* Human form of a property value (malloc'ed; NULL on ENOMEM). */
char *human_value(const char *property, const char *value, bool multiline);
/* Multi-line mode: stdout is a terminal. */
bool multiline_mode(void);
/* "SIGKILL" etc. for a signal number; NULL if unknown. */
const char *signal_name(int sig);
/* Accepts the table names of section 5 and numbers; -EINVAL otherwise. */
int signal_parse(const char *s, int *ret);

/* ---- command implementations -------------------------------------------- */

int cmd_create(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_restart(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_respawn(int argc, char **argv);
int cmd_gc(int argc, char **argv);

int cmd_get(int argc, char **argv);
int cmd_pget(int argc, char **argv);
int cmd_set(int argc, char **argv);

int cmd_list(int argc, char **argv);
int cmd_sort(int argc, char **argv);

int cmd_wait(int argc, char **argv);

int cmd_run(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_shell(int argc, char **argv);

int cmd_find(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_attach(int argc, char **argv);
int cmd_raw(int argc, char **argv);
