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

/* Names to list: those carrying the -L label, or those matching mask.
 * EXIT_SUCCESS, or the exit status of a failure already reported. */
static int list_names(const struct list_opts *o, const char *mask, char ***ret)
{
        if (o->label) {
                int r = names_by_label(o->label, ret);

                if (r == -EIO)
                        return print_api_error("Can't find containers by label");
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        }
        if (porto_list(api(), mask, ret) != 0)
                return print_api_error("Can't list containers");
        return EXIT_SUCCESS;
}

static bool row_wanted(const struct list_opts *o, const char *name, const struct porto_value *state)
{
        if (streq(name, "/"))
                return false;
        /* Vanished between list and get. */
        if (state && state->error == PORTO_ERROR_CONTAINER_DOES_NOT_EXIST)
                return false;
        if (o->running && !(state && !state->error && streq(state->value, "running")))
                return false;
        return !(o->top_level && strchr(name, '/'));
}

/* One row per wanted name into rows (room for all names); returns the
 * count. A row that cannot be allocated is left out. */
static size_t fill_rows(const struct list_opts *o, char **names, const struct porto_get_result *res,
                        struct row *rows)
{
        size_t n = 0;

        for (size_t i = 0; names[i]; i++) {
                const struct porto_value *st = porto_get_result_find(res, names[i], "state");
                char *name, *state;

                if (!row_wanted(o, names[i], st))
                        continue;
                name = display_name(names[i], o->forest);
                state = state_text(st);
                if (!name || !state) {
                        free(name);
                        free(state);
                        continue;
                }
                rows[n].name = name;
                rows[n].state = state;
                rows[n].time = time_text(state, porto_get_result_find(res, names[i], "time"));
                n++;
        }
        return n;
}

static void print_rows(const struct list_opts *o, const struct row *rows, size_t n)
{
        size_t width = 8;

        for (size_t i = 0; i < n; i++)
                width = MAX(width, strlen(rows[i].name));
        for (size_t i = 0; i < n; i++) {
                if (o->names_only)
                        printf("%s\n", rows[i].name);
                else if (rows[i].time)
                        printf("%-*s%10s%12s\n", (int) width + 2, rows[i].name, rows[i].state, rows[i].time);
                else
                        printf("%-*s%10s\n", (int) width + 2, rows[i].name, rows[i].state);
        }
}

static void rows_free(struct row *rows, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(rows[i].name);
                free(rows[i].state);
                free(rows[i].time);
        }
        free(rows);
}

int cmd_list(int argc, char **argv)
{
        static const char *const props[] = { "state", "time", NULL };
        _cleanup_strv_free_ char **names = NULL;
        struct porto_get_result *res = NULL;
        struct list_opts o = {};
        struct row *rows;
        size_t n_rows;
        int first, r;

        first = cmd_getopt(argc, argv, "1frtL:", 0, list_option, &o);
        if (first < 0)
                return -first;
        r = list_names(&o, first < argc ? argv[first] : NULL, &names);
        if (r != EXIT_SUCCESS)
                return r;
        if (!names[0])
                return EXIT_SUCCESS;

        if (porto_get(api(), (const char *const *) names, props, 0, &res) != 0)
                return print_api_error("Can't get containers state");
        rows = calloc(strv_length(names), sizeof(*rows));
        if (!rows) {
                porto_get_result_free(res);
                return EXIT_FAILURE;
        }
        n_rows = fill_rows(&o, names, res, rows);
        porto_get_result_free(res);
        print_rows(&o, rows, n_rows);
        rows_free(rows, n_rows);
        return EXIT_SUCCESS;
}

/* ---- sort ------------------------------------------------------------------ */

struct sort_row {
        const struct porto_container_values *c;
        char **cells; /* human values, one per property; NULL on ENOMEM */
};

struct sort_table {
        const char *const *props;
        size_t n_props;
        struct sort_row *rows;
        size_t n_rows;
        size_t *widths; /* one per property */
        size_t name_width;
};

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
static int cmp_rows(const void *pa, const void *pb, void *userdata)
{
        const struct sort_row *a = pa, *b = pb;
        const size_t *n_props = userdata;

        for (size_t i = 0; i < *n_props; i++) {
                int r = cmp_values(raw_value(a->c, i), raw_value(b->c, i));

                if (r)
                        return -r;
        }
        return -strcmp(a->c->name, b->c->name);
}

/* "[container|pattern... --] [property...]": *ret_names stays NULL for
 * "all containers"; the properties default to state and time. */
static int sort_arguments(int argc, char **argv, const char ***ret_names, const char *const **ret_props)
{
        static const char *const default_props[] = { "state", "time", NULL };
        int dash = 1;

        *ret_props = default_props;
        while (dash < argc && !streq(argv[dash], "--"))
                dash++;
        if (dash == argc) {
                if (argc > 1)
                        *ret_props = (const char *const *) argv + 1;
                return 0;
        }
        *ret_names = calloc((size_t) dash, sizeof(char *));
        if (!*ret_names)
                return -ENOMEM;
        for (int i = 1; i < dash; i++)
                (*ret_names)[i - 1] = argv[i];
        if (dash + 1 < argc)
                *ret_props = (const char *const *) argv + dash + 1;
        return 0;
}

/* Rows in display order with their human cells and the column widths. */
static int sort_table_build(struct sort_table *t, const struct porto_get_result *res)
{
        t->rows = calloc(res->n_containers + 1, sizeof(*t->rows));
        t->widths = calloc(t->n_props + 1, sizeof(size_t));
        if (!t->rows || !t->widths)
                return -ENOMEM;
        t->n_rows = res->n_containers;
        t->name_width = 16;
        for (size_t j = 0; j < t->n_props; j++)
                t->widths[j] = MAX((size_t) 8, strlen(t->props[j]));
        for (size_t i = 0; i < t->n_rows; i++) {
                struct sort_row *row = &t->rows[i];

                row->c = &res->containers[i];
                row->cells = calloc(t->n_props + 1, sizeof(char *));
                t->name_width = MAX(t->name_width, strlen(row->c->name));
                for (size_t j = 0; row->cells && j < t->n_props; j++) {
                        row->cells[j] = human_value(t->props[j], raw_value(row->c, j), false);
                        if (row->cells[j])
                                t->widths[j] = MAX(t->widths[j], strlen(row->cells[j]));
                }
        }
        qsort_r(t->rows, t->n_rows, sizeof(*t->rows), cmp_rows, &t->n_props);
        return 0;
}

static void sort_table_print(const struct sort_table *t)
{
        printf("%-*s ", (int) t->name_width, "container");
        for (size_t j = 0; j < t->n_props; j++)
                printf("%*s ", (int) t->widths[j], t->props[j]);
        printf("\n");
        for (size_t i = 0; i < t->n_rows; i++) {
                const struct sort_row *row = &t->rows[i];

                printf("%-*s ", (int) t->name_width, row->c->name);
                for (size_t j = 0; j < t->n_props; j++)
                        printf("%*s ", (int) t->widths[j], row->cells && row->cells[j] ? row->cells[j] : "");
                printf("\n");
        }
}

static void sort_table_free(struct sort_table *t)
{
        for (size_t i = 0; t->rows && i < t->n_rows; i++) {
                /* Not a vector: a cell that failed to allocate is NULL. */
                for (size_t j = 0; t->rows[i].cells && j < t->n_props; j++)
                        free(t->rows[i].cells[j]);
                free(t->rows[i].cells);
        }
        free(t->rows);
        free(t->widths);
}

int cmd_sort(int argc, char **argv)
{
        static const char *const all[] = { "***", NULL };
        _cleanup_free_ const char **names = NULL;
        struct porto_get_result *res = NULL;
        struct sort_table t = {};
        int r;

        if (sort_arguments(argc, argv, &names, &t.props) < 0)
                return EXIT_FAILURE;
        if (porto_get(api(), names ? names : all, t.props, PORTO_GET_SYNC, &res) != 0) {
                print_api_error("Can't get properties");
                return EXIT_FAILURE;
        }
        t.n_props = strv_length((char *const *) t.props);
        r = sort_table_build(&t, res);
        if (r == 0)
                sort_table_print(&t);
        sort_table_free(&t);
        porto_get_result_free(res);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
