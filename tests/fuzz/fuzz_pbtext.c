/* libFuzzer target: the protobuf text reader (src/shared/pbtext.c) over the
 * schema of tests/unit/test_pbtext.proto. Build and run: see Makefile. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/pbtext.h"
#include "test_pbtext.pb-c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        Pbt__All *m = malloc(sizeof(*m));
        char *text = strndup((const char *) data, size);
        struct perror e;
        int r;

        if (!m || !text) {
                free(m);
                free(text);
                return 0;
        }
        pbt__all__init(m);
        r = pbtext_merge(&m->base, text, &e);
        assert(r == 0 || r == -EINVAL || r == -ENOMEM);
        if (r == 0) {
                /* Merging twice works and the result packs. */
                assert(pbtext_merge(&m->base, text, &e) == 0);
                size_t len = protobuf_c_message_get_packed_size(&m->base);
                uint8_t *buf = malloc(len + 1);
                if (buf) {
                        assert(protobuf_c_message_pack(&m->base, buf) == len);
                        free(buf);
                }
        } else
                for (const char *c = e.msg; *c; c++)
                        assert(*c >= 0x20 && *c < 0x7f);
        protobuf_c_message_free_unpacked(&m->base, NULL);
        free(text);
        return 0;
}
