/* Request arena: a bump allocator in chunks. Everything a request needs
 * (the unpacked request, the reply and its strings) comes from here and is
 * released at once after the reply was packed, so handlers never free reply
 * parts and building a big `get` reply costs no malloc per field. */
#include <stdarg.h>
#include <stdio.h>
#include "portod.h"

#define ARENA_CHUNK (64u << 10)
#define ARENA_ALIGN _Alignof(max_align_t)

struct chunk {
        struct chunk *next;
        size_t size;    /* usable bytes in data */
        size_t used;
        _Alignas(max_align_t) unsigned char data[];
};

struct arena {
        struct chunk *head;     /* current chunk; older ones follow */
};

static struct chunk *chunk_new(size_t size)
{
        struct chunk *c = malloc(sizeof(*c) + size);
        if (!c)
                return NULL;
        c->next = NULL;
        c->size = size;
        c->used = 0;
        return c;
}

struct arena *arena_new(void)
{
        return calloc(1, sizeof(struct arena));
}

struct arena *arena_free(struct arena *a)
{
        if (!a)
                return NULL;
        for (struct chunk *c = a->head, *n; c; c = n) {
                n = c->next;
                free(c);
        }
        free(a);
        return NULL;
}

void *arena_alloc(struct arena *a, size_t size)
{
        size = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
        if (size == 0)
                size = ARENA_ALIGN;
        struct chunk *c = a->head;
        if (!c || c->size - c->used < size) {
                /* Big blocks get a chunk of their own behind the current
                 * one, so the free space of the current chunk stays usable. */
                bool big = size > ARENA_CHUNK / 4;
                struct chunk *n = chunk_new(big ? size : ARENA_CHUNK);
                if (!n)
                        return NULL;
                if (big && c) {
                        n->next = c->next;
                        c->next = n;
                        n->used = size;
                        return n->data;
                }
                n->next = c;
                a->head = c = n;
        }
        void *p = c->data + c->used;
        c->used += size;
        return p;
}

void arena_reset(struct arena *a)
{
        struct chunk *keep = NULL;
        for (struct chunk *c = a->head, *n; c; c = n) {
                n = c->next;
                /* Keep one standard chunk for the next request. */
                if (!keep && c->size == ARENA_CHUNK) {
                        keep = c;
                        continue;
                }
                free(c);
        }
        if (keep) {
                keep->next = NULL;
                keep->used = 0;
        }
        a->head = keep;
}

static void *pb_alloc(void *data, size_t size)
{
        return arena_alloc(data, size);
}

static void pb_free(void *data _unused_, void *ptr _unused_)
{
}

void arena_protobuf_allocator(struct arena *a, ProtobufCAllocator *ret)
{
        *ret = (ProtobufCAllocator){ .alloc = pb_alloc, .free = pb_free, .allocator_data = a };
}

/* ---- daemon.h helpers for handlers ------------------------------------ */

void *req_alloc(struct request *req, size_t size)
{
        void *p = arena_alloc(req->arena, size);
        if (p)
                memset(p, 0, size);
        return p;
}

/* NULL stays NULL, so optional reply fields can be copied blindly. */
char *req_strdup(struct request *req, const char *s)
{
        if (!s)
                return NULL;
        size_t n = strlen(s) + 1;
        char *p = arena_alloc(req->arena, n);
        if (p)
                memcpy(p, s, n);
        return p;
}

char *req_printf(struct request *req, const char *fmt, ...)
{
        char small[256];
        va_list ap;

        va_start(ap, fmt);
        int n = vsnprintf(small, sizeof(small), fmt, ap);
        va_end(ap);
        if (n < 0)
                return NULL;
        char *p = arena_alloc(req->arena, (size_t)n + 1);
        if (!p)
                return NULL;
        if ((size_t)n < sizeof(small)) {
                memcpy(p, small, (size_t)n + 1);
                return p;
        }
        va_start(ap, fmt);
        vsnprintf(p, (size_t)n + 1, fmt, ap);
        va_end(ap);
        return p;
}
