/* String helpers: trimming, escaped list splitting, dynamic buffers. */
#pragma once

#include <stdarg.h>
#include "macros.h"

/* Trim blanks (space, tab, newline) in place; returns s moved past leading ones. */
char *strstrip(char *s);

/* NULL-terminated string vectors. */
typedef char **strv_t;
void strv_free(char **v);
static inline void strv_freep(char ***v) { strv_free(*v); }
#define _cleanup_strv_free_ _cleanup_(strv_freep)
size_t strv_length(char *const *v);
/* Append a copy of s; -ENOMEM on failure (v unchanged). */
int strv_push(char ***v, const char *s);
/* Append s, taking ownership (freed on failure). */
int strv_consume(char ***v, char *s);
char **strv_copy(char *const *v);
bool strv_contains(char *const *v, const char *s);
/* Join with separator; NULL on ENOMEM. */
char *strv_join(char *const *v, const char *sep);

/* Split "a; b\; c;d" on sep, honouring backslash-escaped separators ("\;"
 * becomes ";", "\\" becomes "\"), trimming blanks around each item and
 * dropping empty items. Returns an empty vector for an empty string. */
int split_escaped(const char *s, char sep, char ***ret);
/* The inverse: escape sep and backslash in each item and join with
 * "<sep> " ("a; b\; c"). */
char *join_escaped(char *const *v, char sep);

/* Split "key: value" (first ':'; both sides trimmed) into new strings. */
int split_pair(const char *s, char sep, char **ret_key, char **ret_value);

/* Growable string buffer. Functions return 0 or -ENOMEM; on -ENOMEM the
 * buffer keeps its previous content. */
struct strbuf {
        char *s;
        size_t len;
        size_t cap;
};
#define STRBUF_INIT { NULL, 0, 0 }
int strbuf_append(struct strbuf *b, const char *s);
int strbuf_append_n(struct strbuf *b, const char *s, size_t n);
int strbuf_printf(struct strbuf *b, const char *fmt, ...) _printf_(2, 3);
int strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap);
/* Returns the string (never NULL: "" for an empty buffer) and resets b. */
char *strbuf_steal(struct strbuf *b);
void strbuf_free(struct strbuf *b);

/* asprintf that returns NULL on failure. */
char *strdup_printf(const char *fmt, ...) _printf_(1, 2);
