/* Reader of the protobuf text format, driven by protobuf-c descriptors (used
 * for /etc/portod.conf):
 *
 *     # comment
 *     daemon { max_clients: 100 }
 *     container: { extra_env { name: "A" value: 'B' } default_ulimit: "core: 0 " "unlimited" }
 *     log < verbose: true >;
 *     list: [1, 0x10, -3]
 *
 * Supported: `field: value`, `field { ... }`, `field: { ... }`, `field < ... >`,
 * list syntax `field: [v, v]` for repeated fields, `#` comments, strings in
 * "..." or '...' with C escapes (\n \t \" \\ \ooo \xHH \uHHHH ...), adjacent
 * string concatenation, integers (decimal, 0x hex, 0 octal, negative), floats
 * (1.5, 1e3, .5, 2f, inf, nan), bools (true/false/True/False/t/f/1/0), enums
 * by name or number, optional ',' or ';' after each field. Extensions and
 * Any expansions ("[type.url]") are not supported.
 *
 * Merge semantics are those of protobuf text parsing: scalars overwrite,
 * repeated fields append, sub-messages merge into the existing ones.
 *
 * Memory: strings, bytes, repeated arrays and sub-messages are allocated with
 * malloc, the protobuf-c default allocator, so a heap message can be released
 * with protobuf_c_message_free_unpacked(msg, NULL) and any message (also one
 * on the stack) with pbtext_clear(). The message must own what it points to
 * (heap data from a previous merge or unpack, or the descriptor defaults):
 * a string literal assigned by hand would be freed when overwritten. */
#pragma once

#include <protobuf-c/protobuf-c.h>

#include "basic/error.h"

/* Merge text into msg (initialised). On error msg is left unchanged (the
 * text is checked before anything is applied; only -ENOMEM can leave it
 * half-merged, still consistent and freeable) and e gets InvalidValue with
 * "line:column: what was expected" in its message. */
int pbtext_merge(ProtobufCMessage *msg, const char *text, struct perror *e);

/* Read a file (at most 16 MiB) and merge it; errors read
 * "path:line:column: ...". */
int pbtext_merge_file(ProtobufCMessage *msg, const char *path, struct perror *e);

/* Free everything msg owns and re-initialise it; msg itself is not freed. */
void pbtext_clear(ProtobufCMessage *msg);
