/* Container name and label validation (spec/protocol.md 10.1, 10.3).
 * Messages never echo bytes that failed the character check, so they are
 * always printable ASCII (safe for protobuf string fields). */
#include <stdio.h>

#include "name.h"

/* Shown part of a long or rejected name. */
#define SHOW 32

bool name_char_valid(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-' || c == '@' || c == ':' || c == '.';
}

/* "'x'" for printable characters, "'\x01'" otherwise. */
static const char *char_repr(char c, char buf[8])
{
        unsigned char u = (unsigned char) c;

        if (u >= 0x20 && u < 0x7f && u != '\'')
                snprintf(buf, 8, "'%c'", c);
        else
                snprintf(buf, 8, "'\\x%02x'", u);
        return buf;
}

/* First byte of s that is neither a name character nor (if allow_slash) '/'. */
static const char *find_invalid(const char *s, bool allow_slash)
{
        for (; *s; s++)
                if (!name_char_valid(*s) && !(allow_slash && *s == '/'))
                        return s;
        return NULL;
}

unsigned ct_name_level(const char *name)
{
        unsigned n = 1;

        if (isempty(name) || streq(name, "/"))
                return 0;
        for (; *name; name++)
                if (*name == '/')
                        n++;
        return n;
}

static int component_check(const char *comp, size_t len, const char *name, struct perror *e)
{
        if (len == 0)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "empty component in container name \"%.*s%s\"", SHOW, name,
                                  strlen(name) > SHOW ? "..." : "");
        if (len > CT_NAME_COMPONENT_MAX)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "container name component \"%.*s...\" is longer than %d", SHOW,
                                  comp, CT_NAME_COMPONENT_MAX);
        if ((len == 4 && strncmp(comp, "self", 4) == 0) || (len == 1 && comp[0] == '.'))
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "container name component \"%.*s\" is reserved", (int) len, comp);
        return 0;
}

int ct_name_check(const char *name, size_t max_len, struct perror *e)
{
        const char *bad, *comp;
        size_t len;
        char buf[8];
        unsigned level = 0;
        int r;

        if (isempty(name))
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "container name is empty");
        bad = find_invalid(name, true);
        if (bad)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "invalid character %s in container name", char_repr(*bad, buf));
        len = strlen(name);
        if (len > max_len)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "container name \"%.*s...\" is longer than %zu", SHOW, name,
                                  max_len);
        if (name[0] == '/')
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "container name \"%.*s%s\" starts with '/'", SHOW, name,
                                  len > SHOW ? "..." : "");
        if (name[len - 1] == '/')
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "container name \"%.*s%s\" ends with '/'", SHOW, name,
                                  len > SHOW ? "..." : "");
        for (comp = name;; comp += strcspn(comp, "/") + 1) {
                size_t n = strcspn(comp, "/");

                r = component_check(comp, n, name, e);
                if (r < 0)
                        return r;
                level++;
                if (!comp[n])
                        break;
        }
        if (level > CT_LEVEL_MAX)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "container name \"%.*s%s\" is deeper than %d levels", SHOW, name,
                                  len > SHOW ? "..." : "", CT_LEVEL_MAX);
        return 0;
}

int label_name_check(const char *label, struct perror *e)
{
        const char *bad, *dot;
        size_t len, prefix;
        char buf[8];

        if (isempty(label))
                return perror_set(e, EERROR_INVALID_LABEL, -EINVAL, "label name is empty");
        bad = find_invalid(label, false);
        if (bad)
                return perror_set(e, EERROR_INVALID_LABEL, -EINVAL,
                                  "invalid character %s in label name", char_repr(*bad, buf));
        len = strlen(label);
        if (len > LABEL_NAME_MAX)
                return perror_set(e, EERROR_INVALID_LABEL, -EINVAL,
                                  "label name \"%.*s...\" is longer than %d", SHOW, label,
                                  LABEL_NAME_MAX);
        dot = strchr(label, '.');
        prefix = dot ? (size_t) (dot - label) : len;
        for (size_t i = 0; i < prefix; i++)
                if (label[i] < 'A' || label[i] > 'Z')
                        return perror_set(e, EERROR_INVALID_LABEL, -EINVAL,
                                          "invalid label name \"%s\": the prefix before '.' must be "
                                          "upper-case letters A-Z",
                                          label);
        if (!dot || prefix < LABEL_PREFIX_MIN || prefix > LABEL_PREFIX_MAX)
                return perror_set(e, EERROR_INVALID_LABEL, -EINVAL,
                                  "invalid label name \"%s\": must be PREFIX.name with a prefix of "
                                  "%d..%d letters A-Z",
                                  label, LABEL_PREFIX_MIN, LABEL_PREFIX_MAX);
        if (startswith(label, "PORTO"))
                return perror_set(e, EERROR_INVALID_LABEL, -EINVAL,
                                  "invalid label name \"%s\": prefix PORTO is reserved", label);
        return 0;
}

int label_value_check(const char *value, struct perror *e)
{
        const char *bad;
        char buf[8];

        if (!value)
                return 0;
        bad = find_invalid(value, false);
        if (bad)
                return perror_set(e, EERROR_INVALID_LABEL, -EINVAL,
                                  "invalid character %s in label value", char_repr(*bad, buf));
        if (strlen(value) > LABEL_VALUE_MAX)
                return perror_set(e, EERROR_INVALID_LABEL, -EINVAL,
                                  "label value \"%.*s...\" is longer than %d", SHOW, value,
                                  LABEL_VALUE_MAX);
        return 0;
}

bool label_name_like(const char *name)
{
        const char *p = name;

        if (*p == '.')
                p++;
        if (*p < 'A' || *p > 'Z')
                return false;
        while (*p >= 'A' && *p <= 'Z')
                p++;
        return *p == '.';
}
