/* Name patterns (manual "Properties"; spec/protocol.md 10.2): "***" matches
 * everything, "prefix***" matches names starting with prefix, anything else
 * is fnmatch(3) with FNM_PATHNAME ('*' and '?' do not match '/'). */
#pragma once

#include "macros.h"

bool pattern_match(const char *pattern, const char *name);
/* True if the string contains '*' or '?' (how get/wait tell a pattern). */
bool pattern_is_glob(const char *s);
