/* Strict parsers for the text values of properties and options. Every
 * parser rejects empty input, trailing garbage and overflow with -EINVAL
 * (-ERANGE for overflow) and writes its output only on success. Leading and
 * trailing blanks are NOT skipped: callers trim first (see strutil.h). */
#pragma once

#include "macros.h"

int parse_u64(const char *s, uint64_t *ret);
int parse_i64(const char *s, int64_t *ret);
int parse_u32(const char *s, uint32_t *ret);
int parse_int(const char *s, int *ret);
/* "true"/"false" (also "1"/"0", "yes"/"no", "on"/"off" as the original does). */
int parse_bool(const char *s, bool *ret);

/* Size in bytes: decimal or floating-point number with an optional 1024-based
 * suffix B|K|M|G|T|P|E (case-insensitive, optional trailing "b"/"B" as in
 * "64Mb" is NOT accepted), optional blank between number and suffix.
 * "64M" -> 67108864, "1.5G" -> 1610612736, "0" -> 0.
 * -EINVAL: empty, negative, unknown suffix, garbage; -ERANGE: above UINT64_MAX. */
int parse_size(const char *s, uint64_t *ret);

/* Octal mode such as "0002" or "022" (at most 07777). */
int parse_mode(const char *s, unsigned *ret);

/* Signal number or name: "9", "SIGKILL", "KILL". */
int parse_signal(const char *s, int *ret);

/* Formats: the daemon prints numbers plainly (sizes in bytes, no suffix). */
/* Human size for portoctl output: "64M", "1.5G", "512". buf >= 32 bytes. */
char *format_size(char *buf, size_t len, uint64_t bytes);
