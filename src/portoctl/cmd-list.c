/* Listing commands: list and sort (spec/portoctl.md section 7). */
#include <inttypes.h>

#include "portoctl.h"
#include "basic/parse.h"
#include "basic/strutil.h"

struct list_opts {
        bool names_only;
        bool forest;
        bool running;
        bool top_level;
        const char *label;
};

static int list_option(int opt, const char *arg, void *userdata)
{
        struct list_opts *o = userdata;

        switch (opt) {
        case '1':
                o->names_only = true;
                return 0;
        case 'f':
                o->forest = true;
                return 0;
        case 'r':
                o->running = true;
                return 0;
        case 't':
                o->top_level = true;
                return 0;
        case 'L':
                o->label = arg;
                return 0;
        default:
                return EXIT_FAILURE;
        }
}

/* Names carrying label[=value], in FindLabel order, without repeats. */
static int names_by_label(const char *spec, char ***ret)
{
        _cleanup_free_ char *label = strdup(spec);
        struct porto_label *list = NULL;
        char *value, **names;
        size_t n = 0, k = 0;

        if (!label)
                return -ENOMEM;
        value = strchr(label, '=');
        if (value)
                *value++ = 0;
        if (porto_find_label(api(), NULL, label, NULL, value, &list, &n) != 0)
                return -EIO;
        names = calloc(n + 1, sizeof(char *));
        if (!names) {
                porto_label_list_free(list, n);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                if (k > 0 && streq(names[k - 1], list[i].name))
                        continue;
                names[k++] = TAKE_PTR(list[i].name);
        }
        porto_label_list_free(list, n);
        *ret = names;
        return 0;
}

/* Forest view: "a/b" -> " \_ b", "a/b/c" -> "    \_ c". */
static char *display_name(const char *name, bool forest)
{
        const char *last = strrchr(name, '/');
        unsigned level = 1;

        if (!forest || !last)
                return strdup(name);
        for (const char *p = name; *p; p++)
                level += *p == '/';
        return strdup_printf("%*s\\_ %s", (int) (1 + 3 * (level - 2)), "", last + 1);
}

struct row {
        char *name;
        char *state;
        char *time; /* NULL: not shown */
};

/* State column: the value, "busy", or the error text. */
static char *state_text(const struct porto_value *v)
{
        if (!v)
                return strdup("");
        if (!v->error)
                return strdup(v->value);
        if (v->error == PORTO_ERROR_BUSY)
                return strdup("busy");
        return strdup(v->error_msg);
}

static char *time_text(const char *state, const struct porto_value *v)
{
        char buf[FMT_BUF];
        uint64_t seconds;

        if (!v || v->error || !(streq(state, "running") || streq(state, "meta") || streq(state, "dead")))
                return NULL;
        if (parse_u64(v->value, &seconds) < 0)
                return NULL;
        return strdup(fmt_duration(buf, seconds > UINT64_MAX / 1000 ? UINT64_MAX : seconds * 1000));
}

int cmd_list(int argc, char **argv)
{
        static const char *const props[] = { "state", "time", NULL };
        _cleanup_(porto_strv_freep) char **names = NULL;
        struct porto_get_result *res = NULL;
        struct list_opts o = {};
        struct row *rows;
        size_t n = 0, n_rows = 0, width = 8;
        int first;

        first = cmd_getopt(argc, argv, "1frtL:", 0, list_option, &o);
        if (first < 0)
                return -first;

        if (o.label) {
                int r = names_by_label(o.label, &names);

                if (r == -EIO)
                        return print_api_error("Can't find containers by label");
                if (r < 0)
                        return EXIT_FAILURE;
        } else if (porto_list(api(), first < argc ? argv[first] : NULL, &names) != 0) {
                return print_api_error("Can't list containers");
        }
        while (names[n])
                n++;
        if (n == 0)
                return EXIT_SUCCESS;

        if (porto_get(api(), (const char *const *) names, props, 0, &res) != 0)
                return print_api_error("Can't get containers state");

        rows = calloc(n, sizeof(*rows));
        if (!rows) {
                porto_get_result_free(res);
                return EXIT_FAILURE;
        }
        for (size_t i = 0; i < n; i++) {
                const struct porto_value *st = porto_get_result_find(res, names[i], "state");
                const struct porto_value *tm = porto_get_result_find(res, names[i], "time");
                struct row *row = &rows[n_rows];

                if (streq(names[i], "/"))
                        continue;
                /* Vanished between list and get. */
                if (st && st->error == PORTO_ERROR_CONTAINER_DOES_NOT_EXIST)
                        continue;
                if (o.running && !(st && !st->error && streq(st->value, "running")))
                        continue;
                if (o.top_level && strchr(names[i], '/'))
                        continue;
                row->name = display_name(names[i], o.forest);
                row->state = state_text(st);
                if (!row->name || !row->state) {
                        free(row->name);
                        free(row->state);
                        continue;
                }
                row->time = time_text(row->state, tm);
                width = MAX(width, strlen(row->name));
                n_rows++;
        }
        porto_get_result_free(res);

        for (size_t i = 0; i < n_rows; i++) {
                if (o.names_only)
                        printf("%s\n", rows[i].name);
                else if (rows[i].time)
                        printf("%-*s%10s%12s\n", (int) width + 2, rows[i].name, rows[i].state, rows[i].time);
                else
                        printf("%-*s%10s\n", (int) width + 2, rows[i].name, rows[i].state);
                free(rows[i].name);
                free(rows[i].state);
                free(rows[i].time);
        }
        free(rows);
        return EXIT_SUCCESS;
}

/* ---- sort ------------------------------------------------------------------ */

struct sort_ctx {
        const struct porto_container_values *c;
        char **cells; /* human values, one per property */
};

static size_t sort_nprops;

/* Signed 64-bit comparison when both parse, else strings. */
static int cmp_values(const char *a, const char *b)
{
        int64_t x, y;

        if (parse_i64(a, &x) == 0 && parse_i64(b, &y) == 0)
                return x < y ? -1 : x > y;
        return strcmp(a, b);
}

static const char *raw_value(const struct porto_container_values *c, size_t i)
{
        return i < c->n_values && !c->values[i].error ? c->values[i].value : "";
}

/* Descending by the properties in order, then by name descending. */
static int cmp_rows(const void *pa, const void *pb)
{
        const struct sort_ctx *a = pa, *b = pb;

        for (size_t i = 0; i < sort_nprops; i++) {
                int r = cmp_values(raw_value(a->c, i), raw_value(b->c, i));

                if (r)
                        return -r;
        }
        return -strcmp(a->c->name, b->c->name);
}

int cmd_sort(int argc, char **argv)
{
        static const char *const default_props[] = { "state", "time", NULL };
        static const char *const all[] = { "***", NULL };
        _cleanup_free_ const char **names = NULL;
        const char *const *props = default_props;
        struct porto_get_result *res = NULL;
        struct sort_ctx *rows;
        size_t *widths, name_width = 16;
        int dash = 1;

        while (dash < argc && !streq(argv[dash], "--"))
                dash++;
        if (dash < argc) {
                names = calloc((size_t) dash, sizeof(char *));
                if (!names)
                        return EXIT_FAILURE;
                for (int i = 1; i < dash; i++)
                        names[i - 1] = argv[i];
                if (dash + 1 < argc)
                        props = (const char *const *) argv + dash + 1;
        } else if (argc > 1) {
                props = (const char *const *) argv + 1;
        }

        if (porto_get(api(), names ? names : all, props, PORTO_GET_SYNC, &res) != 0) {
                print_api_error("Can't get properties");
                return EXIT_FAILURE;
        }
        sort_nprops = 0;
        while (props[sort_nprops])
                sort_nprops++;

        rows = calloc(res->n_containers + 1, sizeof(*rows));
        widths = calloc(sort_nprops + 1, sizeof(size_t));
        if (!rows || !widths) {
                free(rows);
                free(widths);
                porto_get_result_free(res);
                return EXIT_FAILURE;
        }
        for (size_t j = 0; j < sort_nprops; j++)
                widths[j] = MAX((size_t) 8, strlen(props[j]));
        for (size_t i = 0; i < res->n_containers; i++) {
                rows[i].c = &res->containers[i];
                rows[i].cells = calloc(sort_nprops + 1, sizeof(char *));
                name_width = MAX(name_width, strlen(rows[i].c->name));
                for (size_t j = 0; rows[i].cells && j < sort_nprops; j++) {
                        rows[i].cells[j] = human_value(props[j], raw_value(rows[i].c, j), false);
                        if (rows[i].cells[j])
                                widths[j] = MAX(widths[j], strlen(rows[i].cells[j]));
                }
        }
        qsort(rows, res->n_containers, sizeof(*rows), cmp_rows);

        printf("%-*s ", (int) name_width, "container");
        for (size_t j = 0; j < sort_nprops; j++)
                printf("%*s ", (int) widths[j], props[j]);
        printf("\n");
        for (size_t i = 0; i < res->n_containers; i++) {
                printf("%-*s ", (int) name_width, rows[i].c->name);
                for (size_t j = 0; j < sort_nprops; j++) {
                        const char *cell = rows[i].cells && rows[i].cells[j] ? rows[i].cells[j] : "";

                        printf("%*s ", (int) widths[j], cell);
                }
                printf("\n");
                for (size_t j = 0; rows[i].cells && j < sort_nprops; j++)
                        free(rows[i].cells[j]);
                free(rows[i].cells);
        }
        free(rows);
        free(widths);
        porto_get_result_free(res);
        return EXIT_SUCCESS;
}
