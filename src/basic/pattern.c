/* Container name patterns (spec/protocol.md 10.2). */
#include <fnmatch.h>

#include "pattern.h"

bool pattern_match(const char *pattern, const char *name)
{
        size_t n = strlen(pattern);

        if (n >= 3 && streq(pattern + n - 3, "***"))
                return strncmp(name, pattern, n - 3) == 0;
        return fnmatch(pattern, name, FNM_PATHNAME) == 0;
}

bool pattern_is_glob(const char *s)
{
        return strpbrk(s, "*?") != NULL;
}
