/* src/basic/frame.c: varint length prefix (spec 1.2). */
#include "unit.h"

#include "basic/frame.h"

static void test_roundtrip(void **state)
{
        static const uint32_t values[] = { 0, 1, 127, 128, 300, 16383, 16384, 2097151, 2097152,
                                           268435455, 268435456, FRAME_DEFAULT_MAX_LEN, UINT32_MAX };
        static const size_t lens[] = { 1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 4, 5 };

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(values); i++) {
                uint8_t buf[FRAME_HEADER_MAX];
                uint32_t v = 0;
                size_t n = frame_encode_header(values[i], buf), hl = 0;

                assert_int_equal(n, lens[i]);
                assert_int_equal(frame_decode_header(buf, n, &v, &hl), 1);
                assert_int_equal(v, values[i]);
                assert_int_equal(hl, n);
                /* every prefix is incomplete */
                for (size_t k = 0; k < n; k++)
                        assert_int_equal(frame_decode_header(buf, k, &v, &hl), 0);
        }
}

static void test_known_bytes(void **state)
{
        const uint8_t b300[] = { 0xac, 0x02, 0xff };
        uint32_t v;
        size_t hl;

        (void) state;
        assert_int_equal(frame_decode_header(b300, sizeof(b300), &v, &hl), 1);
        assert_int_equal(v, 300);
        assert_int_equal(hl, 2);
}

static void test_bad(void **state)
{
        const uint8_t six[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 };
        const uint8_t big[] = { 0xff, 0xff, 0xff, 0xff, 0x1f }; /* 2^35 - 1 */
        const uint8_t max[] = { 0xff, 0xff, 0xff, 0xff, 0x0f }; /* 2^32 - 1 */
        const uint8_t padded[] = { 0x80, 0x80, 0x80, 0x80, 0x00 }; /* 0 in 5 bytes */
        uint32_t v = 42;
        size_t hl = 42;

        (void) state;
        assert_int_equal(frame_decode_header(six, sizeof(six), &v, &hl), -EBADMSG);
        assert_int_equal(frame_decode_header(six, 5, &v, &hl), -EBADMSG);
        assert_int_equal(frame_decode_header(six, 4, &v, &hl), 0);
        assert_int_equal(frame_decode_header(big, sizeof(big), &v, &hl), -EBADMSG);
        assert_int_equal(v, 42);
        assert_int_equal(hl, 42);
        assert_int_equal(frame_decode_header(max, sizeof(max), &v, &hl), 1);
        assert_int_equal(v, UINT32_MAX);
        assert_int_equal(frame_decode_header(padded, sizeof(padded), &v, &hl), 1);
        assert_int_equal(v, 0);
        assert_int_equal(hl, 5);
        assert_int_equal(frame_decode_header(six, 0, &v, &hl), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_roundtrip),
                cmocka_unit_test(test_known_bytes),
                cmocka_unit_test(test_bad),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
