/* Varint length prefix of every wire frame (spec/protocol.md 1.2). */
#include "frame.h"

int frame_decode_header(const uint8_t *buf, size_t n, uint32_t *ret_len, size_t *ret_header_len)
{
        uint64_t v = 0;

        for (size_t i = 0; i < FRAME_HEADER_MAX; i++) {
                if (i >= n)
                        return 0;
                v |= (uint64_t) (buf[i] & 0x7f) << (7 * i);
                if (!(buf[i] & 0x80)) {
                        if (v > UINT32_MAX)
                                return -EBADMSG;
                        *ret_len = (uint32_t) v;
                        *ret_header_len = i + 1;
                        return 1;
                }
        }
        return -EBADMSG;
}

size_t frame_encode_header(uint32_t len, uint8_t out[FRAME_HEADER_MAX])
{
        size_t i = 0;

        while (len >= 0x80) {
                out[i++] = (uint8_t) (len | 0x80);
                len >>= 7;
        }
        out[i++] = (uint8_t) len;
        return i;
}
