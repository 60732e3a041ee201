/* String-keyed hash map of pointers (open addressing). Keys are NOT copied:
 * they must live as long as the entry (usually a field of the value). */
#pragma once

#include "macros.h"

struct hashmap;

struct hashmap *hashmap_new(void);
void hashmap_free(struct hashmap *h);
/* -EEXIST if present, -ENOMEM. */
int hashmap_put(struct hashmap *h, const char *key, void *value);
void *hashmap_get(const struct hashmap *h, const char *key);
/* Returns the removed value or NULL. */
void *hashmap_remove(struct hashmap *h, const char *key);
size_t hashmap_size(const struct hashmap *h);
/* Iteration: start with *iter = 0; returns false at the end. Removing the
 * current entry during iteration is allowed; inserting is not. */
bool hashmap_iterate(const struct hashmap *h, size_t *iter, const char **ret_key, void **ret_value);
