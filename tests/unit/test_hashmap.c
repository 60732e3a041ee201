/* src/basic/hashmap.c: put/get/remove, growth, iteration with removal. */
#include "unit.h"

#include "basic/hashmap.h"

#define N 5000

static char keys[N][16];

static void test_basic(void **state)
{
        struct hashmap *h = hashmap_new();
        int a = 1, b = 2;

        (void) state;
        assert_non_null(h);
        assert_int_equal(hashmap_size(h), 0);
        assert_null(hashmap_get(h, "x"));
        assert_int_equal(hashmap_put(h, "x", &a), 0);
        assert_int_equal(hashmap_put(h, "x", &b), -EEXIST);
        assert_int_equal(hashmap_put(h, "y", &b), 0);
        assert_ptr_equal(hashmap_get(h, "x"), &a);
        assert_ptr_equal(hashmap_get(h, "y"), &b);
        assert_int_equal(hashmap_size(h), 2);
        assert_ptr_equal(hashmap_remove(h, "x"), &a);
        assert_null(hashmap_remove(h, "x"));
        assert_null(hashmap_get(h, "x"));
        assert_int_equal(hashmap_size(h), 1);
        assert_int_equal(hashmap_put(h, "x", &b), 0);
        assert_ptr_equal(hashmap_get(h, "x"), &b);
        assert_int_equal(hashmap_put(h, "", &a), 0);
        assert_ptr_equal(hashmap_get(h, ""), &a);
        hashmap_free(h);
        hashmap_free(NULL);
        assert_null(hashmap_get(NULL, "x"));
        assert_int_equal(hashmap_size(NULL), 0);
}

static void test_many(void **state)
{
        struct hashmap *h = hashmap_new();

        (void) state;
        for (int i = 0; i < N; i++) {
                snprintf(keys[i], sizeof(keys[i]), "k%d", i);
                assert_int_equal(hashmap_put(h, keys[i], keys[i]), 0);
        }
        assert_int_equal(hashmap_size(h), N);
        for (int i = 0; i < N; i++)
                assert_ptr_equal(hashmap_get(h, keys[i]), keys[i]);
        /* Churn: remove and re-add many times so tombstones pile up. */
        for (int round = 0; round < 20; round++) {
                for (int i = round % 2; i < N; i += 2)
                        assert_ptr_equal(hashmap_remove(h, keys[i]), keys[i]);
                for (int i = round % 2; i < N; i += 2)
                        assert_int_equal(hashmap_put(h, keys[i], keys[i]), 0);
        }
        assert_int_equal(hashmap_size(h), N);
        for (int i = 0; i < N; i++)
                assert_ptr_equal(hashmap_get(h, keys[i]), keys[i]);
        assert_null(hashmap_get(h, "k5000"));
        hashmap_free(h);
}

static void test_iterate_remove(void **state)
{
        struct hashmap *h = hashmap_new();
        unsigned seen[N] = { 0 };
        const char *key;
        void *value;
        size_t iter = 0, count = 0;

        (void) state;
        for (int i = 0; i < N; i++) {
                snprintf(keys[i], sizeof(keys[i]), "k%d", i);
                assert_int_equal(hashmap_put(h, keys[i], keys[i]), 0);
        }
        /* Remove every odd entry while iterating: each entry is visited once. */
        while (hashmap_iterate(h, &iter, &key, &value)) {
                int i = atoi(key + 1);

                assert_ptr_equal(value, keys[i]);
                seen[i]++;
                count++;
                if (i % 2)
                        assert_ptr_equal(hashmap_remove(h, key), value);
        }
        assert_int_equal(count, N);
        for (int i = 0; i < N; i++)
                assert_int_equal(seen[i], 1);
        assert_int_equal(hashmap_size(h), N / 2);

        /* Remove everything during iteration. */
        iter = 0;
        count = 0;
        while (hashmap_iterate(h, &iter, &key, NULL)) {
                assert_non_null(hashmap_remove(h, key));
                count++;
        }
        assert_int_equal(count, N / 2);
        assert_int_equal(hashmap_size(h), 0);
        iter = 0;
        assert_false(hashmap_iterate(h, &iter, &key, &value));
        /* An exhausted iterator stays exhausted. */
        assert_false(hashmap_iterate(h, &iter, NULL, NULL));
        hashmap_free(h);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_basic),
                cmocka_unit_test(test_many),
                cmocka_unit_test(test_iterate_remove),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
