/* Wire framing (spec/protocol.md 1.2): a protobuf base-128 varint length
 * (1..5 bytes, must fit 32 bits) followed by that many payload bytes. */
#pragma once

#include "macros.h"

#define FRAME_HEADER_MAX 5
#define FRAME_DEFAULT_MAX_LEN (32u << 20)

/* Decode the length prefix at buf[0..n).
 * Returns 1 and sets *ret_len, *ret_header_len when complete; 0 when more
 * bytes are needed; -EBADMSG when the varint is longer than 5 bytes or does
 * not fit 32 bits. Does not check any maximum: the caller compares *ret_len
 * with its own limit. */
int frame_decode_header(const uint8_t *buf, size_t n, uint32_t *ret_len, size_t *ret_header_len);
/* Encode len into out (FRAME_HEADER_MAX bytes); returns the header length. */
size_t frame_encode_header(uint32_t len, uint8_t out[FRAME_HEADER_MAX]);
