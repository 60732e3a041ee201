/* libFuzzer target for the container property parsers of src/shared: bind
 * (mount.c), devices (devices.c), capabilities (caps.c). The first byte
 * picks the parser, the rest is the text. Whatever parses must format and
 * parse back to the same text. Build (not in the Makefile's TARGETS yet):
 *
 *   clang -std=gnu17 -g -O1 -D_GNU_SOURCE -I../.. -I../../src \
 *         -fsanitize=fuzzer,address,undefined -o out/fuzz_props fuzz_props.c \
 *         ../../src/basic/[a-z]*.c (all of them) and ../../src/shared/ fields.c,
 *         mount.c, devices.c, caps.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/caps.h"
#include "shared/devices.h"
#include "shared/mount.h"

static void check_bind(const char *text)
{
        struct mnt_bind_list l, l2;
        struct perror e;
        char *f, *f2;

        if (mnt_bind_parse(text, &l, &e) < 0)
                return;
        f = mnt_bind_format(&l);
        if (!f || mnt_bind_parse(f, &l2, &e) < 0)
                abort();
        f2 = mnt_bind_format(&l2);
        if (!f2 || strcmp(f, f2))
                abort();
        free(f);
        free(f2);
        mnt_bind_list_done(&l);
        mnt_bind_list_done(&l2);
}

static void check_devices(const char *text)
{
        char *fuse[] = { (char *) "/dev/fuse rw" };
        const struct dev_preset presets[] = { { "fuse", fuse, 1 } };
        struct dev_set s, s2;
        struct perror e;
        char *f, *f2;

        if (dev_parse(text, presets, 1, &s, &e) < 0)
                return;
        f = dev_format(&s);
        if (!f || dev_parse(f, presets, 1, &s2, &e) < 0)
                abort();
        f2 = dev_format(&s2);
        if (!f2 || strcmp(f, f2))
                abort();
        free(f);
        free(f2);
        dev_set_done(&s);
        dev_set_done(&s2);
}

static void check_caps(const char *text)
{
        struct perror e;
        uint64_t set, set2;
        char *f;

        if (caps_parse(text, &set, &e) < 0)
                return;
        f = caps_format(set);
        if (!f || caps_parse(f, &set2, &e) < 0 || set != set2)
                abort();
        free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text;

        if (size < 1 || size > 4096)
                return 0;
        text = strndup((const char *) data + 1, size - 1);
        if (!text)
                return 0;
        switch (data[0] % 3) {
        case 0:
                check_bind(text);
                break;
        case 1:
                check_devices(text);
                break;
        default:
                check_caps(text);
                break;
        }
        free(text);
        return 0;
}
