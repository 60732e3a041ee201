/* Property values as text: the parsers and printers of the value syntaxes
 * of the manual, as pure functions (no container, no daemon state, no
 * I/O), used by prop_*.c, stdio.c and records, and unit-tested on their own
 * (tests/unit/test_propval.c).
 *
 * Parsers write their outputs only on success and return 0 or a negative
 * errno. Those taking a struct perror fill it (EERROR_INVALID_VALUE, the
 * property named) for the client; -ENOMEM leaves it untouched. Printers
 * append to a strbuf and return 0 or -ENOMEM. Values reach the parsers
 * trimmed (prop_set strips blanks). */
#pragma once

#include <stdint.h>
#include "basic/error.h"
#include "basic/strutil.h"

/* ---- scalars ------------------------------------------------------------ */

/* `name: "value" reason`, EERROR_INVALID_VALUE, -EINVAL. */
int pv_invalid(struct perror *e, const char *name, const char *value, const char *reason);

int pv_format_bool(struct strbuf *out, bool v);         /* true|false */
int pv_format_u64(struct strbuf *out, uint64_t v);
int pv_format_i64(struct strbuf *out, int64_t v);
int pv_format_umask(struct strbuf *out, unsigned mask); /* 0002 */

/* true|false (and the original's 1/0, yes/no, on/off). */
int pv_parse_bool(const char *name, const char *value, bool *ret, struct perror *e);
/* Non-negative decimal integer. */
int pv_parse_uint(const char *name, const char *value, uint64_t *ret, struct perror *e);
/* Decimal integer >= min; min = -1 documents "-1 = unlimited". */
int pv_parse_int_min(const char *name, const char *value, int64_t min, int64_t *ret, struct perror *e);
/* Bytes: "8M", "1.5G", "100", at most max. */
int pv_parse_size(const char *name, const char *value, uint64_t max, uint64_t *ret, struct perror *e);
/* Octal mode up to 0777. */
int pv_parse_umask(const char *name, const char *value, unsigned *ret, struct perror *e);
/* "1s", "500ms", "100" (a bare number counts in default_unit_ns). Units
 * ns us ms s m h d. -EINVAL garbage, -ERANGE overflow; no perror. */
int pv_parse_duration_ns(const char *s, uint64_t default_unit_ns, uint64_t *ret);

/* ---- ulimit: "core: 0 unlimited; nofile: 8K 1M" ------------------------- */

struct ct_ulimit {
        int resource;           /* RLIMIT_* */
        uint64_t soft, hard;    /* RLIM_INFINITY = unlimited */
};

#define PV_RLIMIT_COUNT 16
/* The ulimit types in name order: resource of the i-th (i < PV_RLIMIT_COUNT). */
int pv_rlimit_at(size_t i);
/* "nofile" for RLIMIT_NOFILE; NULL for an unknown resource. */
const char *pv_rlimit_name(int resource);
/* -EINVAL for an unknown name. */
int pv_rlimit_from_name(const char *name, int *ret);
/* A number or size (8K, 1M) or unlimited|unlim|inf|infinity|-1. */
int pv_parse_rlim(const char *s, uint64_t *ret);
int pv_format_rlim(struct strbuf *out, uint64_t v);     /* number or "unlimited" */
/* "<type>: [soft] hard; ...": one value sets both; soft <= hard; a type
 * given twice keeps its place and takes the later limits. *ret is
 * malloc'ed (never NULL on success, even for n = 0). No clamping to what
 * the system grants: that is the caller's business. */
int pv_parse_ulimits(const char *value, struct ct_ulimit **ret, size_t *ret_n, struct perror *e);
/* "soft hard" of one limit. */
int pv_format_ulimit_value(struct strbuf *out, const struct ct_ulimit *u);
/* "type: soft hard; ..." in the given order. */
int pv_format_ulimits(struct strbuf *out, const struct ct_ulimit *u, size_t n);

/* ---- env: "A=1; B=2\; x" ------------------------------------------------- */

/* Items "NAME=value" separated by ';' ("\;" and "\\" escape); each needs a
 * non-empty NAME. "" gives an empty vector. */
int pv_parse_env(const char *name, const char *value, char ***ret, struct perror *e);
/* The inverse ("A=1; B=2\; x"). */
int pv_format_env(struct strbuf *out, char *const *env);
/* Names only: "A=<secret>; B=<secret>". */
int pv_format_env_secret(struct strbuf *out, char *const *env);
/* A variable name for env[NAME]: non-empty, no '=' or ';'. */
bool pv_env_name_valid(const char *name);
/* The "NAME=..." entry, NULL if absent. */
char **pv_env_find(char *const *env, const char *name);
/* Replace or append NAME=value. */
int pv_env_set(char ***env, const char *name, const char *value);

/* ---- command_argv: tab separated; command_argv[i] ----------------------- */

#define PV_ARGV_INDEX_MAX 4096
/* Split at tabs, empty arguments kept; "" gives *ret = NULL (no argv). */
int pv_parse_argv(const char *value, char ***ret);
/* Tab-joined; nothing for NULL. */
int pv_format_argv(struct strbuf *out, char *const *argv);
/* Index of command_argv[i]: -EINVAL not a number, -ERANGE above
 * PV_ARGV_INDEX_MAX. */
int pv_parse_argv_index(const char *index, size_t *ret);
/* Set argument i of *argv (a copy is not made: *argv is changed in
 * place), padding with empty arguments. */
int pv_argv_set(char ***argv, size_t i, const char *value);
/* The `command` text of an argv: 'word' 'it'\''s' (NULL on ENOMEM). */
char *pv_quote_argv(char *const *argv);

/* ---- stdout/stderr range: "[offset][:length]" ---------------------------- */

struct pv_range {
        bool has_off, has_len;
        uint64_t off, len;
};
/* NULL or "" or ":" mean the whole (kept) text. */
int pv_parse_range(const char *index, struct pv_range *ret);
int pv_format_range(struct strbuf *out, const struct pv_range *r);

/* ---- times: creation_time etc. ------------------------------------------ */

/* index NULL: "YYYY-MM-DD hh:mm:ss" in local time; "raw": seconds since
 * the epoch; another index: -EINVAL. ms is realtime in milliseconds. */
int pv_format_time(struct strbuf *out, uint64_t ms, const char *index);

/* ---- labels: "A.b: 1; C.d: 2" -------------------------------------------- */

struct ct_label {
        char *name;
        char *value;
};

/* Pairs "NAME: value" separated by ';'; names and values checked with the
 * label rules (basic/name.h), an empty value means "remove". Both may
 * contain ':': the separator is the first ':' followed by a blank or the
 * end, else the first ':', so formatted text parses back. *ret_names
 * and *ret_values have the same length (NULL for an empty list). */
int pv_parse_labels(const char *value, char ***ret_names, char ***ret_values, struct perror *e);
int pv_format_labels(struct strbuf *out, const struct ct_label *labels, size_t n);
