/* libFuzzer target: frame_decode_header (spec/protocol.md 1.2).
 * Build and run: see tests/fuzz/Makefile. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basic/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        uint8_t enc[FRAME_HEADER_MAX];
        uint32_t len = 0, len2 = 0;
        size_t hl = 0, hl2 = 0, n;
        int r;

        r = frame_decode_header(data, size, &len, &hl);
        assert(r == 1 || r == 0 || r == -EBADMSG);
        if (r == 0)
                assert(size < FRAME_HEADER_MAX);
        if (r != 1)
                return 0;
        assert(hl >= 1 && hl <= FRAME_HEADER_MAX && hl <= size);
        /* Re-encoding gives the minimal form, which decodes to the same value. */
        n = frame_encode_header(len, enc);
        assert(n >= 1 && n <= hl);
        assert(frame_decode_header(enc, n, &len2, &hl2) == 1);
        assert(len2 == len && hl2 == n);
        return 0;
}
