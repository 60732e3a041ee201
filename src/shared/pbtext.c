/* Protobuf text format reader over protobuf-c descriptors (see pbtext.h).
 *
 * A recursive-descent parser over a one-token lookahead lexer. Values are
 * parsed into a union first and stored afterwards, so a field never holds a
 * half-built value. pbtext_merge() parses twice: into a scratch message to
 * validate, then into the caller's message, which therefore stays untouched
 * on a syntax or schema error. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "basic/fileio.h"
#include "basic/strutil.h"
#include "pbtext.h"

#define PBTEXT_DEPTH_MAX 64
#define PBTEXT_FILE_MAX (16u << 20)
#define SHOW_MAX 40

#define FIELD_PTR(msg, off) ((void *) ((char *) (msg) + (off)))

enum tok_type { TOK_EOF, TOK_IDENT, TOK_NUMBER, TOK_STRING, TOK_PUNCT };

struct token {
        enum tok_type type;
        const char *start;
        size_t len;
};

struct parser {
        const char *text;
        const char *pos;    /* next byte for the lexer */
        struct token tok;   /* current token */
        const char *source; /* file name for messages, or NULL */
        struct perror *e;
        unsigned depth;
};

union value {
        int32_t i32;
        uint32_t u32;
        int64_t i64;
        uint64_t u64;
        float f;
        double d;
        protobuf_c_boolean b;
        int en;
        char *s;
        ProtobufCBinaryData bin;
        ProtobufCMessage *m;
};

/* ---- errors ---- */

static int parse_error(struct parser *p, const char *at, const char *fmt, ...) _printf_(3, 4);
static int parse_error(struct parser *p, const char *at, const char *fmt, ...)
{
        unsigned line = 1, col = 1;
        char what[PERROR_MSG_MAX];
        va_list ap;

        for (const char *c = p->text; c < at && *c; c++) {
                if (*c == '\n') {
                        line++;
                        col = 1;
                } else
                        col++;
        }
        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);
        if (p->source)
                return perror_set(p->e, EERROR_INVALID_VALUE, -EINVAL, "%s:%u:%u: %s", p->source,
                                  line, col, what);
        return perror_set(p->e, EERROR_INVALID_VALUE, -EINVAL, "%u:%u: %s", line, col, what);
}

static int nomem(struct parser *p)
{
        return perror_set(p->e, EERROR_UNKNOWN, -ENOMEM, "out of memory while reading the text");
}

/* The current token, quoted, printable ASCII only (it ends up in messages). */
static const char *tok_describe(const struct token *t, char buf[SHOW_MAX * 4 + 8])
{
        size_t o = 0;

        if (t->type == TOK_EOF)
                return "end of input";
        buf[o++] = '"';
        for (size_t i = 0; i < t->len && i < SHOW_MAX; i++) {
                unsigned char c = (unsigned char) t->start[i];

                if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
                        buf[o++] = (char) c;
                else
                        o += (size_t) sprintf(buf + o, "\\x%02x", c);
        }
        if (t->len > SHOW_MAX)
                o += (size_t) sprintf(buf + o, "...");
        buf[o++] = '"';
        buf[o] = 0;
        return buf;
}

static int expected(struct parser *p, const char *what)
{
        char buf[SHOW_MAX * 4 + 8];

        return parse_error(p, p->tok.start, "expected %s, got %s", what, tok_describe(&p->tok, buf));
}

/* ---- lexer ---- */

static bool is_digit(char c)
{
        return c >= '0' && c <= '9';
}

static bool is_ident_start(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(char c)
{
        return is_ident_start(c) || is_digit(c);
}

static bool is_space(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void skip_blanks(struct parser *p)
{
        for (;;) {
                while (is_space(*p->pos))
                        p->pos++;
                if (*p->pos != '#')
                        return;
                while (*p->pos && *p->pos != '\n')
                        p->pos++;
        }
}

static void lex_number(struct parser *p)
{
        const char *s = p->pos;
        bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

        p->pos += hex ? 2 : 0;
        for (;;) {
                char c = *p->pos;

                bool exponent_sign = (c == '+' || c == '-') && !hex &&
                                     (p->pos[-1] == 'e' || p->pos[-1] == 'E');

                if (!is_ident_char(c) && c != '.' && !exponent_sign)
                        break;
                p->pos++;
        }
}

static int lex_string(struct parser *p)
{
        const char *s = p->pos;
        char quote = *s;

        for (p->pos++;; p->pos++) {
                char c = *p->pos;

                if (!c || c == '\n')
                        return parse_error(p, s, "unterminated string");
                if (c == '\\') {
                        if (!p->pos[1] || p->pos[1] == '\n')
                                return parse_error(p, s, "unterminated string");
                        p->pos++;
                } else if (c == quote) {
                        p->pos++;
                        return 0;
                }
        }
}

/* Move to the next token. */
static int advance(struct parser *p)
{
        const char *s;
        int r = 0;

        skip_blanks(p);
        s = p->pos;
        p->tok.start = s;
        if (!*s)
                p->tok.type = TOK_EOF;
        else if (is_ident_start(*s)) {
                while (is_ident_char(*p->pos))
                        p->pos++;
                p->tok.type = TOK_IDENT;
        } else if (is_digit(*s) || (*s == '.' && is_digit(s[1]))) {
                lex_number(p);
                p->tok.type = TOK_NUMBER;
        } else if (*s == '"' || *s == '\'') {
                r = lex_string(p);
                p->tok.type = TOK_STRING;
        } else if (strchr("{}<>[]:,;-", *s)) {
                p->pos++;
                p->tok.type = TOK_PUNCT;
        } else {
                unsigned char c = (unsigned char) *s;

                if (c >= 0x20 && c < 0x7f)
                        return parse_error(p, s, "unexpected character '%c'", c);
                return parse_error(p, s, "unexpected byte 0x%02x", c);
        }
        p->tok.len = (size_t) (p->pos - s);
        return r;
}

static bool tok_is(const struct parser *p, char punct)
{
        return p->tok.type == TOK_PUNCT && p->tok.start[0] == punct;
}

static bool tok_is_word(const struct parser *p, const char *word)
{
        return p->tok.type == TOK_IDENT && p->tok.len == strlen(word) &&
               strncmp(p->tok.start, word, p->tok.len) == 0;
}

/* ---- literals ---- */

static int hex_value(char c)
{
        if (is_digit(c))
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static int append_utf8(struct strbuf *b, uint32_t cp)
{
        char u[4];
        size_t n;

        if (cp < 0x80) {
                u[0] = (char) cp;
                n = 1;
        } else if (cp < 0x800) {
                u[0] = (char) (0xc0 | (cp >> 6));
                u[1] = (char) (0x80 | (cp & 0x3f));
                n = 2;
        } else if (cp < 0x10000) {
                u[0] = (char) (0xe0 | (cp >> 12));
                u[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
                u[2] = (char) (0x80 | (cp & 0x3f));
                n = 3;
        } else {
                u[0] = (char) (0xf0 | (cp >> 18));
                u[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
                u[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
                u[3] = (char) (0x80 | (cp & 0x3f));
                n = 4;
        }
        return strbuf_append_n(b, u, n);
}

static const struct {
        char esc, value;
} simple_escapes[] = {
        { 'n', '\n' }, { 't', '\t' }, { 'r', '\r' }, { 'a', '\a' },  { 'b', '\b' }, { 'f', '\f' },
        { 'v', '\v' }, { '\\', '\\' }, { '\'', '\'' }, { '"', '"' }, { '?', '?' },
};

/* Decode one escape at s (just after the backslash) into b; *len gets the
 * number of bytes consumed. */
static int decode_escape(struct parser *p, const char *s, struct strbuf *b, size_t *len)
{
        unsigned v = 0;
        size_t n = 0;

        for (size_t i = 0; i < ELEMENTSOF(simple_escapes); i++)
                if (*s == simple_escapes[i].esc) {
                        *len = 1;
                        return strbuf_append_n(b, &simple_escapes[i].value, 1) < 0 ? nomem(p) : 0;
                }
        if (*s >= '0' && *s <= '7') {
                for (; n < 3 && s[n] >= '0' && s[n] <= '7'; n++)
                        v = v * 8 + (unsigned) (s[n] - '0');
                if (v > 0xff)
                        return parse_error(p, s - 1, "octal escape \\%.3s is above \\377", s);
        } else if (*s == 'x' || *s == 'X') {
                for (n = 1; n < 3 && hex_value(s[n]) >= 0; n++)
                        v = v * 16 + (unsigned) hex_value(s[n]);
                if (n == 1)
                        return parse_error(p, s - 1, "\\x must be followed by hex digits");
        } else if (*s == 'u' || *s == 'U') {
                size_t want = *s == 'u' ? 4 : 8;

                for (n = 1; n <= want; n++) {
                        if (hex_value(s[n]) < 0)
                                return parse_error(p, s - 1, "\\%c needs %zu hex digits", *s, want);
                        v = v * 16 + (unsigned) hex_value(s[n]);
                }
                if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
                        return parse_error(p, s - 1, "\\%c%.*s is not a Unicode code point", *s,
                                           (int) want, s + 1);
                *len = n;
                return append_utf8(b, v) < 0 ? nomem(p) : 0;
        } else {
                unsigned char c = (unsigned char) *s;

                if (c >= 0x20 && c < 0x7f)
                        return parse_error(p, s - 1, "invalid escape sequence \\%c", c);
                return parse_error(p, s - 1, "invalid escape sequence \\ followed by byte 0x%02x", c);
        }
        *len = n;
        {
                char c = (char) v;

                return strbuf_append_n(b, &c, 1) < 0 ? nomem(p) : 0;
        }
}

static int decode_string(struct parser *p, const struct token *t, struct strbuf *b)
{
        const char *s = t->start + 1, *end = t->start + t->len - 1;

        while (s < end) {
                size_t run = 0, used = 0;
                int r;

                while (s + run < end && s[run] != '\\')
                        run++;
                if (run > 0 && strbuf_append_n(b, s, run) < 0)
                        return nomem(p);
                s += run;
                if (s >= end)
                        break;
                r = decode_escape(p, s + 1, b, &used);
                if (r < 0)
                        return r;
                s += 1 + used;
        }
        return 0;
}

/* One or more adjacent string literals, concatenated. */
static int parse_strings(struct parser *p, struct strbuf *b)
{
        int r;

        if (p->tok.type != TOK_STRING)
                return expected(p, "a string");
        /* An empty literal must still yield "" rather than NULL. */
        if (strbuf_append_n(b, "", 0) < 0)
                return nomem(p);
        do {
                r = decode_string(p, &p->tok, b);
                if (r < 0)
                        return r;
                r = advance(p);
                if (r < 0)
                        return r;
        } while (p->tok.type == TOK_STRING);
        return 0;
}

/* Integer literal: decimal, 0x hex or 0 octal. -EINVAL if the token is not
 * one (e.g. a float), -ERANGE above UINT64_MAX. */
static int token_to_u64(const struct token *t, uint64_t *ret)
{
        const char *s = t->start, *end = t->start + t->len;
        unsigned base = 10;
        uint64_t v = 0;

        if (t->type != TOK_NUMBER)
                return -EINVAL;
        if (t->len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
                base = 16;
                s += 2;
        } else if (t->len > 1 && s[0] == '0')
                base = 8;
        if (s >= end)
                return -EINVAL;
        for (; s < end; s++) {
                int d = hex_value(*s);

                if (d < 0 || (unsigned) d >= base)
                        return -EINVAL;
                if (v > (UINT64_MAX - (unsigned) d) / base)
                        return -ERANGE;
                v = v * base + (unsigned) d;
        }
        *ret = v;
        return 0;
}

/* ---- scalar values ---- */

/* Optional '-' before a number or inf/nan. */
static int parse_sign(struct parser *p, bool *neg)
{
        *neg = false;
        if (!tok_is(p, '-'))
                return 0;
        *neg = true;
        return advance(p);
}

static int parse_integer(struct parser *p, const ProtobufCFieldDescriptor *f, union value *v)
{
        char buf[SHOW_MAX * 4 + 8];
        const char *at = p->tok.start;
        bool neg, is_signed = false;
        uint64_t mag, max;
        int r;

        r = parse_sign(p, &neg);
        if (r < 0)
                return r;
        r = token_to_u64(&p->tok, &mag);
        if (r == -EINVAL)
                return parse_error(p, p->tok.start, "expected an integer for field \"%s\", got %s",
                                   f->name, tok_describe(&p->tok, buf));
        switch (f->type) {
        case PROTOBUF_C_TYPE_INT32:
        case PROTOBUF_C_TYPE_SINT32:
        case PROTOBUF_C_TYPE_SFIXED32:
                is_signed = true;
                max = neg ? UINT64_C(1) << 31 : INT32_MAX;
                break;
        case PROTOBUF_C_TYPE_INT64:
        case PROTOBUF_C_TYPE_SINT64:
        case PROTOBUF_C_TYPE_SFIXED64:
                is_signed = true;
                max = neg ? UINT64_C(1) << 63 : INT64_MAX;
                break;
        case PROTOBUF_C_TYPE_UINT32:
        case PROTOBUF_C_TYPE_FIXED32:
                max = neg ? 0 : UINT32_MAX;
                break;
        default:
                max = neg ? 0 : UINT64_MAX;
                break;
        }
        if (r == -ERANGE || mag > max)
                return parse_error(p, at, "value %s%s is out of range for field \"%s\"",
                                   neg ? "-" : "", tok_describe(&p->tok, buf), f->name);
        switch (f->type) {
        case PROTOBUF_C_TYPE_INT32:
        case PROTOBUF_C_TYPE_SINT32:
        case PROTOBUF_C_TYPE_SFIXED32:
                v->i32 = neg ? (int32_t) (0 - mag) : (int32_t) mag;
                break;
        case PROTOBUF_C_TYPE_UINT32:
        case PROTOBUF_C_TYPE_FIXED32:
                v->u32 = (uint32_t) mag;
                break;
        default:
                if (is_signed)
                        v->i64 = neg ? (int64_t) (0 - mag) : (int64_t) mag;
                else
                        v->u64 = mag;
                break;
        }
        return advance(p);
}

static int parse_floating(struct parser *p, const ProtobufCFieldDescriptor *f, union value *v)
{
        char buf[SHOW_MAX * 4 + 8];
        bool neg;
        double d;
        uint64_t mag;
        int r;

        r = parse_sign(p, &neg);
        if (r < 0)
                return r;
        if (tok_is_word(p, "inf") || tok_is_word(p, "infinity") || tok_is_word(p, "Infinity") ||
            tok_is_word(p, "INF"))
                d = INFINITY;
        else if (tok_is_word(p, "nan") || tok_is_word(p, "NaN") || tok_is_word(p, "NAN"))
                d = NAN;
        else if (token_to_u64(&p->tok, &mag) == 0)
                d = (double) mag;
        else if (p->tok.type == TOK_NUMBER && p->tok.len < 128) {
                char num[128], *end;
                size_t n = p->tok.len;

                memcpy(num, p->tok.start, n);
                /* Float suffix "1.5f", not for hex. */
                if (n > 1 && (num[n - 1] == 'f' || num[n - 1] == 'F') &&
                    !(num[0] == '0' && (num[1] == 'x' || num[1] == 'X')))
                        n--;
                num[n] = 0;
                errno = 0;
                d = strtod(num, &end);
                if (end != num + n || (num[0] == '0' && (num[1] == 'x' || num[1] == 'X')))
                        return parse_error(p, p->tok.start, "expected a number for field \"%s\", got %s",
                                           f->name, tok_describe(&p->tok, buf));
        } else
                return parse_error(p, p->tok.start, "expected a number for field \"%s\", got %s",
                                   f->name, tok_describe(&p->tok, buf));
        if (neg)
                d = -d;
        if (f->type == PROTOBUF_C_TYPE_FLOAT)
                v->f = (float) d;
        else
                v->d = d;
        return advance(p);
}

static int parse_boolean(struct parser *p, const ProtobufCFieldDescriptor *f, union value *v)
{
        static const struct {
                const char *word;
                bool value;
        } words[] = {
                { "true", true }, { "True", true },   { "t", true }, { "1", true },
                { "false", false }, { "False", false }, { "f", false }, { "0", false },
        };
        char buf[SHOW_MAX * 4 + 8];

        if (p->tok.type == TOK_IDENT || p->tok.type == TOK_NUMBER)
                for (size_t i = 0; i < ELEMENTSOF(words); i++)
                        if (p->tok.len == strlen(words[i].word) &&
                            strncmp(p->tok.start, words[i].word, p->tok.len) == 0) {
                                v->b = words[i].value;
                                return advance(p);
                        }
        return parse_error(p, p->tok.start, "expected true or false for field \"%s\", got %s",
                           f->name, tok_describe(&p->tok, buf));
}

static int parse_enum(struct parser *p, const ProtobufCFieldDescriptor *f, union value *v)
{
        const ProtobufCEnumDescriptor *ed = f->descriptor;
        const ProtobufCEnumValue *ev = NULL;
        char buf[SHOW_MAX * 4 + 8];
        const char *at = p->tok.start;
        bool neg;
        uint64_t mag;
        int r;

        if (p->tok.type == TOK_IDENT) {
                char name[128];

                if (p->tok.len < sizeof(name)) {
                        memcpy(name, p->tok.start, p->tok.len);
                        name[p->tok.len] = 0;
                        ev = protobuf_c_enum_descriptor_get_value_by_name(ed, name);
                }
        } else {
                r = parse_sign(p, &neg);
                if (r < 0)
                        return r;
                if (token_to_u64(&p->tok, &mag) == 0 && mag <= (neg ? UINT64_C(1) << 31 : INT32_MAX))
                        ev = protobuf_c_enum_descriptor_get_value(
                                ed, neg ? (int) (int64_t) (0 - mag) : (int) mag);
                else if (p->tok.type != TOK_NUMBER)
                        return parse_error(p, p->tok.start, "expected a value of %s for field \"%s\", got %s",
                                           ed->name, f->name, tok_describe(&p->tok, buf));
        }
        if (!ev)
                return parse_error(p, at, "unknown value %s%s for field \"%s\" (enum %s)",
                                   at != p->tok.start ? "-" : "", tok_describe(&p->tok, buf), f->name,
                                   ed->name);
        v->en = ev->value;
        return advance(p);
}

static int parse_text(struct parser *p, const ProtobufCFieldDescriptor *f, union value *v)
{
        struct strbuf b = STRBUF_INIT;
        const char *at = p->tok.start;
        int r;

        r = parse_strings(p, &b);
        if (r < 0) {
                strbuf_free(&b);
                return r;
        }
        if (f->type == PROTOBUF_C_TYPE_STRING) {
                if (b.len > 0 && memchr(b.s, 0, b.len)) {
                        strbuf_free(&b);
                        return parse_error(p, at, "string for field \"%s\" contains a NUL byte", f->name);
                }
                v->s = strbuf_steal(&b);
                return 0;
        }
        v->bin.len = b.len;
        v->bin.data = (uint8_t *) strbuf_steal(&b);
        return 0;
}

static int parse_scalar(struct parser *p, const ProtobufCFieldDescriptor *f, union value *v)
{
        switch (f->type) {
        case PROTOBUF_C_TYPE_FLOAT:
        case PROTOBUF_C_TYPE_DOUBLE:
                return parse_floating(p, f, v);
        case PROTOBUF_C_TYPE_BOOL:
                return parse_boolean(p, f, v);
        case PROTOBUF_C_TYPE_ENUM:
                return parse_enum(p, f, v);
        case PROTOBUF_C_TYPE_STRING:
        case PROTOBUF_C_TYPE_BYTES:
                return parse_text(p, f, v);
        case PROTOBUF_C_TYPE_MESSAGE:
                return -EINVAL; /* not reached: messages are parsed elsewhere */
        default:
                return parse_integer(p, f, v);
        }
}

/* ---- storage ---- */

static size_t value_size(ProtobufCType type)
{
        switch (type) {
        case PROTOBUF_C_TYPE_INT64:
        case PROTOBUF_C_TYPE_SINT64:
        case PROTOBUF_C_TYPE_SFIXED64:
        case PROTOBUF_C_TYPE_UINT64:
        case PROTOBUF_C_TYPE_FIXED64:
                return sizeof(uint64_t);
        case PROTOBUF_C_TYPE_FLOAT:
                return sizeof(float);
        case PROTOBUF_C_TYPE_DOUBLE:
                return sizeof(double);
        case PROTOBUF_C_TYPE_BOOL:
                return sizeof(protobuf_c_boolean);
        case PROTOBUF_C_TYPE_ENUM:
                return sizeof(int);
        case PROTOBUF_C_TYPE_STRING:
                return sizeof(char *);
        case PROTOBUF_C_TYPE_BYTES:
                return sizeof(ProtobufCBinaryData);
        case PROTOBUF_C_TYPE_MESSAGE:
                return sizeof(ProtobufCMessage *);
        default:
                return sizeof(uint32_t);
        }
}

/* Free what a singular field or one repeated element at slot owns. */
static void free_value(const ProtobufCFieldDescriptor *f, void *slot)
{
        switch (f->type) {
        case PROTOBUF_C_TYPE_STRING: {
                char *s = *(char **) slot;

                if (s && s != f->default_value && s != protobuf_c_empty_string)
                        free(s);
                break;
        }
        case PROTOBUF_C_TYPE_BYTES: {
                const ProtobufCBinaryData *def = f->default_value;
                uint8_t *data = ((ProtobufCBinaryData *) slot)->data;

                if (data && (!def || def->data != data))
                        free(data);
                break;
        }
        case PROTOBUF_C_TYPE_MESSAGE: {
                ProtobufCMessage *m = *(ProtobufCMessage **) slot;

                if (m && m != f->default_value)
                        protobuf_c_message_free_unpacked(m, NULL);
                break;
        }
        default:
                break;
        }
}

static void free_union(const ProtobufCFieldDescriptor *f, union value *v)
{
        free_value(f, v);
}

static ProtobufCMessage *new_message(const ProtobufCMessageDescriptor *d)
{
        ProtobufCMessage *m = malloc(d->sizeof_message);

        if (m)
                protobuf_c_message_init(d, m);
        return m;
}

static bool has_presence_flag(const ProtobufCFieldDescriptor *f)
{
        return f->label == PROTOBUF_C_LABEL_OPTIONAL && !(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
               f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE;
}

/* Mark a singular field present. Returns true if the slot holds no value
 * of this field (another oneof member was set: it is freed and the slot
 * must be treated as empty). */
static bool mark_present(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
                uint32_t *which = FIELD_PTR(msg, f->quantifier_offset);

                if (*which == f->id)
                        return false;
                if (*which) {
                        const ProtobufCFieldDescriptor *g =
                                protobuf_c_message_descriptor_get_field(msg->descriptor, *which);

                        if (g)
                                free_value(g, FIELD_PTR(msg, g->offset));
                }
                *which = f->id;
                return true;
        }
        if (has_presence_flag(f))
                *(protobuf_c_boolean *) FIELD_PTR(msg, f->quantifier_offset) = 1;
        return false;
}

/* Append one element (taking ownership on success). */
static int append_repeated(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f, const void *value)
{
        size_t *n = FIELD_PTR(msg, f->quantifier_offset);
        void **arr = FIELD_PTR(msg, f->offset);
        size_t sz = value_size(f->type);
        char *na;

        if (*n >= SIZE_MAX / sz - 1)
                return -ENOMEM;
        na = realloc(*arr, (*n + 1) * sz);
        if (!na)
                return -ENOMEM;
        memcpy(na + *n * sz, value, sz);
        *arr = na;
        (*n)++;
        return 0;
}

static void store_singular(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f, union value *v)
{
        void *slot = FIELD_PTR(msg, f->offset);

        if (!mark_present(msg, f))
                free_value(f, slot);
        memcpy(slot, v, value_size(f->type));
}

/* ---- messages ---- */

static int parse_fields(struct parser *p, ProtobufCMessage *msg, char close);

/* "{ ... }" or "< ... >" into msg. */
static int parse_body(struct parser *p, ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
        char close;
        int r;

        if (tok_is(p, '{'))
                close = '}';
        else if (tok_is(p, '<'))
                close = '>';
        else {
                char what[160];

                snprintf(what, sizeof(what), "'{' or '<' to open message field \"%s\"", f->name);
                return expected(p, what);
        }
        if (p->depth >= PBTEXT_DEPTH_MAX)
                return parse_error(p, p->tok.start, "messages nested deeper than %d", PBTEXT_DEPTH_MAX);
        r = advance(p);
        if (r < 0)
                return r;
        p->depth++;
        r = parse_fields(p, msg, close);
        p->depth--;
        return r;
}

static int parse_message_value(struct parser *p, ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
        ProtobufCMessage **slot, *sub;

        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
                sub = new_message(f->descriptor);
                if (!sub)
                        return nomem(p);
                if (append_repeated(msg, f, &sub) < 0) {
                        protobuf_c_message_free_unpacked(sub, NULL);
                        return nomem(p);
                }
                return parse_body(p, sub, f);
        }
        slot = FIELD_PTR(msg, f->offset);
        if (mark_present(msg, f))
                *slot = NULL;
        if (!*slot || *slot == f->default_value) {
                *slot = new_message(f->descriptor);
                if (!*slot)
                        return nomem(p);
        }
        return parse_body(p, *slot, f);
}

static int parse_value(struct parser *p, ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
        union value v;
        int r;

        if (f->type == PROTOBUF_C_TYPE_MESSAGE)
                return parse_message_value(p, msg, f);
        memset(&v, 0, sizeof(v));
        r = parse_scalar(p, f, &v);
        if (r < 0)
                return r;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
                if (append_repeated(msg, f, &v) < 0) {
                        free_union(f, &v);
                        return nomem(p);
                }
                return 0;
        }
        store_singular(msg, f, &v);
        return 0;
}

/* "[v, v, ...]" for a repeated field. */
static int parse_list(struct parser *p, ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
        int r;

        r = advance(p);
        if (r < 0)
                return r;
        if (tok_is(p, ']'))
                return advance(p);
        for (;;) {
                r = parse_value(p, msg, f);
                if (r < 0)
                        return r;
                if (tok_is(p, ']'))
                        return advance(p);
                if (!tok_is(p, ','))
                        return expected(p, "',' or ']'");
                r = advance(p);
                if (r < 0)
                        return r;
        }
}

static int parse_field(struct parser *p, ProtobufCMessage *msg)
{
        const ProtobufCMessageDescriptor *desc = msg->descriptor;
        const ProtobufCFieldDescriptor *f = NULL;
        bool colon = false;
        char name[128];
        int r;

        if (p->tok.type != TOK_IDENT)
                return expected(p, "a field name");
        if (p->tok.len < sizeof(name)) {
                memcpy(name, p->tok.start, p->tok.len);
                name[p->tok.len] = 0;
                f = protobuf_c_message_descriptor_get_field_by_name(desc, name);
        }
        if (!f)
                return parse_error(p, p->tok.start, "unknown field \"%.*s\" in %s",
                                   (int) MIN(p->tok.len, SHOW_MAX), p->tok.start, desc->name);
        r = advance(p);
        if (r < 0)
                return r;
        if (tok_is(p, ':')) {
                colon = true;
                r = advance(p);
                if (r < 0)
                        return r;
        }
        if (colon && tok_is(p, '[')) {
                if (f->label != PROTOBUF_C_LABEL_REPEATED)
                        return parse_error(p, p->tok.start, "field \"%s\" is not repeated: a list is not allowed",
                                           f->name);
                r = parse_list(p, msg, f);
        } else if (f->type != PROTOBUF_C_TYPE_MESSAGE && !colon) {
                char what[160];

                snprintf(what, sizeof(what), "':' after field \"%s\"", f->name);
                return expected(p, what);
        } else
                r = parse_value(p, msg, f);
        if (r < 0)
                return r;
        if (tok_is(p, ',') || tok_is(p, ';'))
                return advance(p);
        return 0;
}

static int parse_fields(struct parser *p, ProtobufCMessage *msg, char close)
{
        char what[64];

        if (close)
                snprintf(what, sizeof(what), "a field name or '%c'", close);
        else
                snprintf(what, sizeof(what), "a field name");
        for (;;) {
                int r;

                if (p->tok.type == TOK_EOF && !close)
                        return 0;
                if (close && tok_is(p, close))
                        return advance(p);
                if (p->tok.type != TOK_IDENT)
                        return expected(p, what);
                r = parse_field(p, msg);
                if (r < 0)
                        return r;
        }
}

static int parse_into(ProtobufCMessage *msg, const char *text, const char *source, struct perror *e)
{
        struct parser p = {
                .text = text,
                .pos = text,
                .source = source,
                .e = e,
        };
        int r;

        r = advance(&p);
        if (r < 0)
                return r;
        return parse_fields(&p, msg, 0);
}

static int merge(ProtobufCMessage *msg, const char *text, const char *source, struct perror *e)
{
        ProtobufCMessage *scratch;
        int r;

        if (!msg || !msg->descriptor || !text)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "no message or no text");
        /* Validate on a throw-away message so that msg is not changed by a
         * text with an error in it. */
        scratch = new_message(msg->descriptor);
        if (!scratch)
                return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        r = parse_into(scratch, text, source, e);
        protobuf_c_message_free_unpacked(scratch, NULL);
        if (r < 0)
                return r;
        return parse_into(msg, text, source, e);
}

int pbtext_merge(ProtobufCMessage *msg, const char *text, struct perror *e)
{
        return merge(msg, text, NULL, e);
}

int pbtext_merge_file(ProtobufCMessage *msg, const char *path, struct perror *e)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        r = read_file(path, PBTEXT_FILE_MAX, &text, &len);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cannot read %s", path);
        if (strlen(text) != len)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "%s: contains a NUL byte", path);
        return merge(msg, text, path, e);
}

void pbtext_clear(ProtobufCMessage *msg)
{
        const ProtobufCMessageDescriptor *desc;

        if (!msg || !msg->descriptor)
                return;
        desc = msg->descriptor;
        for (unsigned i = 0; i < desc->n_fields; i++) {
                const ProtobufCFieldDescriptor *f = &desc->fields[i];

                if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
                    *(uint32_t *) FIELD_PTR(msg, f->quantifier_offset) != f->id)
                        continue;
                if (f->label == PROTOBUF_C_LABEL_REPEATED) {
                        size_t n = *(size_t *) FIELD_PTR(msg, f->quantifier_offset);
                        char *arr = *(char **) FIELD_PTR(msg, f->offset);

                        if (!arr)
                                continue;
                        for (size_t j = 0; j < n; j++)
                                free_value(f, arr + j * value_size(f->type));
                        free(arr);
                } else
                        free_value(f, FIELD_PTR(msg, f->offset));
        }
        for (unsigned i = 0; i < msg->n_unknown_fields; i++)
                free(msg->unknown_fields[i].data);
        free(msg->unknown_fields);
        protobuf_c_message_init(desc, msg);
}
