/* String-keyed hash map: open addressing, linear probing, tombstones.
 * Removal only marks a slot, and the table is never rebuilt on removal, so
 * an iteration (a slot index) stays valid while entries are removed. */
#include "hashmap.h"

#define HASHMAP_MIN_CAP 16

struct slot {
        const char *key; /* NULL: empty or tombstone */
        void *value;
        uint64_t hash;
        bool tombstone;
};

struct hashmap {
        struct slot *slots;
        size_t cap;  /* power of two */
        size_t size; /* live entries */
        size_t used; /* live entries + tombstones */
};

/* FNV-1a, folded so that the low bits depend on every byte. */
static uint64_t hash_string(const char *s)
{
        uint64_t h = UINT64_C(14695981039346656037);

        for (; *s; s++) {
                h ^= (unsigned char) *s;
                h *= UINT64_C(1099511628211);
        }
        return h ^ (h >> 32);
}

struct hashmap *hashmap_new(void)
{
        struct hashmap *h = calloc(1, sizeof(*h));

        if (!h)
                return NULL;
        h->slots = calloc(HASHMAP_MIN_CAP, sizeof(struct slot));
        if (!h->slots) {
                free(h);
                return NULL;
        }
        h->cap = HASHMAP_MIN_CAP;
        return h;
}

void hashmap_free(struct hashmap *h)
{
        if (!h)
                return;
        free(h->slots);
        free(h);
}

/* Slot holding key, or NULL. */
static struct slot *find(const struct hashmap *h, const char *key, uint64_t hash)
{
        size_t mask = h->cap - 1;

        for (size_t i = hash & mask, n = 0; n < h->cap; i = (i + 1) & mask, n++) {
                struct slot *s = &h->slots[i];

                if (!s->key && !s->tombstone)
                        return NULL;
                if (s->key && s->hash == hash && streq(s->key, key))
                        return s;
        }
        return NULL;
}

static void insert_slot(struct slot *slots, size_t cap, const char *key, void *value, uint64_t hash)
{
        size_t mask = cap - 1, i = hash & mask;

        while (slots[i].key)
                i = (i + 1) & mask;
        slots[i] = (struct slot){ .key = key, .value = value, .hash = hash };
}

static int rehash(struct hashmap *h, size_t cap)
{
        struct slot *slots = calloc(cap, sizeof(struct slot));

        if (!slots)
                return -ENOMEM;
        for (size_t i = 0; i < h->cap; i++)
                if (h->slots[i].key)
                        insert_slot(slots, cap, h->slots[i].key, h->slots[i].value,
                                    h->slots[i].hash);
        free(h->slots);
        h->slots = slots;
        h->cap = cap;
        h->used = h->size;
        return 0;
}

int hashmap_put(struct hashmap *h, const char *key, void *value)
{
        uint64_t hash = hash_string(key);
        size_t mask, i;
        int r;

        if (find(h, key, hash))
                return -EEXIST;
        /* Keep the load (tombstones included) under 3/4. */
        if ((h->used + 1) * 4 > h->cap * 3) {
                size_t cap = h->cap;

                while ((h->size + 1) * 2 > cap) {
                        if (cap > SIZE_MAX / 2 / sizeof(struct slot))
                                return -ENOMEM;
                        cap *= 2;
                }
                r = rehash(h, cap);
                if (r < 0)
                        return r;
        }
        mask = h->cap - 1;
        for (i = hash & mask; h->slots[i].key; i = (i + 1) & mask)
                ;
        if (!h->slots[i].tombstone)
                h->used++;
        h->slots[i] = (struct slot){ .key = key, .value = value, .hash = hash };
        h->size++;
        return 0;
}

void *hashmap_get(const struct hashmap *h, const char *key)
{
        struct slot *s;

        if (!h)
                return NULL;
        s = find(h, key, hash_string(key));
        return s ? s->value : NULL;
}

void *hashmap_remove(struct hashmap *h, const char *key)
{
        struct slot *s;
        void *value;

        if (!h)
                return NULL;
        s = find(h, key, hash_string(key));
        if (!s)
                return NULL;
        value = s->value;
        *s = (struct slot){ .tombstone = true };
        h->size--;
        return value;
}

size_t hashmap_size(const struct hashmap *h)
{
        return h ? h->size : 0;
}

bool hashmap_iterate(const struct hashmap *h, size_t *iter, const char **ret_key, void **ret_value)
{
        if (!h)
                return false;
        for (size_t i = *iter; i < h->cap; i++)
                if (h->slots[i].key) {
                        if (ret_key)
                                *ret_key = h->slots[i].key;
                        if (ret_value)
                                *ret_value = h->slots[i].value;
                        *iter = i + 1;
                        return true;
                }
        *iter = h->cap;
        return false;
}
