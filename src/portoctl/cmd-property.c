/* Property commands: get, pget, dget, set (spec/portoctl.md section 6). */
#include "portoctl.h"
#include "basic/strutil.h"

static int get_option(int opt, const char *arg _unused_, void *userdata)
{
        unsigned *flags = userdata;

        switch (opt) {
        case 'n':
                *flags |= PORTO_GET_NONBLOCK;
                return 0;
        case 's':
                *flags |= PORTO_GET_SYNC;
                return 0;
        case 'r':
                *flags |= PORTO_GET_REAL;
                return 0;
        default:
                return EXIT_FAILURE;
        }
}

static int cmp_container_name(const void *a, const void *b)
{
        const struct porto_container_values *const *x = a, *const *y = b;

        return strcmp((*x)->name, (*y)->name);
}

static int cmp_string(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Entries of a get reply in alphabetical order of container name. */
static const struct porto_container_values **sorted_entries(const struct porto_get_result *res)
{
        const struct porto_container_values **v = calloc(res->n_containers + 1, sizeof(*v));

        if (!v)
                return NULL;
        for (size_t i = 0; i < res->n_containers; i++)
                v[i] = &res->containers[i];
        qsort(v, res->n_containers, sizeof(*v), cmp_container_name);
        return v;
}

static void print_value_error(const char *container, bool multi, const struct porto_value *v)
{
        const char *name = porto_error_name(v->error);

        fprintf(stderr, "Can't get %s%s%s: ", multi ? container : "", multi ? " " : "", v->property);
        if (name)
                fprintf(stderr, "%s:(%s)\n", name, v->error_msg);
        else
                fprintf(stderr, "%d:(%s)\n", v->error, v->error_msg);
}

/* Explicit properties: raw values, empty ones too, every failure reported. */
static int print_explicit(const struct porto_container_values *c, size_t n_props, bool multi)
{
        int ret = EXIT_SUCCESS;

        for (size_t j = 0; j < c->n_values; j++) {
                const struct porto_value *v = &c->values[j];

                if (v->error) {
                        print_value_error(c->name, multi, v);
                        ret = EXIT_FAILURE;
                } else if (n_props == 1) {
                        printf("%s\n", v->value);
                } else {
                        printf("%s = %s\n", v->property, v->value);
                }
        }
        return ret;
}

/* All properties: human values, empty and failed ones skipped, except a
 * failed `state`, which means the container itself is in trouble. */
static int print_all(const struct porto_container_values *c, bool multi)
{
        bool multiline = multiline_mode();
        int ret = EXIT_SUCCESS;

        for (size_t j = 0; j < c->n_values; j++) {
                const struct porto_value *v = &c->values[j];
                _cleanup_free_ char *human = NULL;

                if (v->error) {
                        if (streq(v->property, "state")) {
                                print_value_error(c->name, multi, v);
                                ret = EXIT_FAILURE;
                        }
                        continue;
                }
                if (isempty(v->value))
                        continue;
                human = human_value(v->property, v->value, multiline);
                printf("%s = %s\n", v->property, human ? human : v->value);
        }
        return ret;
}

/* Every property name the daemon knows, sorted. */
static int all_properties(char ***ret)
{
        struct porto_property *list = NULL;
        char **props;
        size_t n = 0;

        if (porto_property_list(api(), &list, &n) != 0) {
                print_api_error("Can't list properties");
                return -1;
        }
        props = calloc(n + 1, sizeof(char *));
        if (!props) {
                porto_property_list_free(list, n);
                return -1;
        }
        for (size_t i = 0; i < n; i++)
                props[i] = TAKE_PTR(list[i].name);
        porto_property_list_free(list, n);
        qsort(props, n, sizeof(char *), cmp_string);
        *ret = props;
        return 0;
}

/* Split containers and properties at "--" (section 6.1). getopt swallows
 * a "--" that directly follows the options: then every argument is a
 * property and *ret_names stays NULL ("***"). Without "--" the first
 * argument is the container. The vectors point into argv, which is
 * NULL-terminated, so *ret_props needs no copy. */
static int get_arguments(int argc, char **argv, int first, char ***ret_names, char ***ret_props)
{
        int dash = first;

        if (first > 1 && streq(argv[first - 1], "--")) {
                *ret_props = argv + first;
                return 0;
        }
        if (first >= argc) {
                command_usage(command_find("get"));
                return -EINVAL;
        }
        while (dash < argc && !streq(argv[dash], "--"))
                dash++;
        if (dash == argc)
                dash = first + 1;
        *ret_names = calloc((size_t) (dash - first) + 1, sizeof(char *));
        if (!*ret_names)
                return -ENOMEM;
        for (int i = first; i < dash; i++)
                (*ret_names)[i - first] = argv[i];
        *ret_props = argv + (dash < argc && streq(argv[dash], "--") ? dash + 1 : dash);
        return 0;
}

/* Containers in name order, a "name:" header each when there are several. */
static int print_get_result(const struct porto_get_result *res, size_t n_props)
{
        const struct porto_container_values **entries = sorted_entries(res);
        bool multi = res->n_containers > 1;
        int ret = EXIT_SUCCESS;

        if (!entries)
                return EXIT_FAILURE;
        for (size_t i = 0; i < res->n_containers; i++) {
                int r;

                if (multi)
                        printf("%s:\n", entries[i]->name);
                r = n_props ? print_explicit(entries[i], n_props, multi) : print_all(entries[i], multi);
                if (r != EXIT_SUCCESS)
                        ret = r;
                if (multi)
                        printf("\n");
        }
        free(entries);
        return ret;
}

int cmd_get(int argc, char **argv)
{
        static const char *const all[] = { "***", NULL };
        _cleanup_strv_free_ char **listed = NULL;
        _cleanup_free_ char **names = NULL;
        struct porto_get_result *res = NULL;
        char **props = NULL;
        unsigned flags = 0;
        size_t n_props;
        int first, ret;

        first = cmd_getopt(argc, argv, "nsr", 0, get_option, &flags);
        if (first < 0)
                return -first;
        if (get_arguments(argc, argv, first, &names, &props) < 0)
                return EXIT_FAILURE;
        n_props = strv_length(props);
        if (n_props == 0) {
                if (all_properties(&listed) < 0)
                        return EXIT_FAILURE;
                props = listed;
        }

        if (porto_get(api(), names ? (const char *const *) names : all, (const char *const *) props, flags,
                      &res) != 0)
                return print_api_error("Can't get properties");
        ret = print_get_result(res, n_props);
        porto_get_result_free(res);
        return ret;
}

struct pget_opts {
        unsigned flags;
        bool keys;
};

static int pget_option(int opt, const char *arg _unused_, void *userdata)
{
        struct pget_opts *o = userdata;

        switch (opt) {
        case 's':
                o->flags |= PORTO_GET_SYNC;
                return 0;
        case 'k':
                o->keys = true;
                return 0;
        default:
                return EXIT_FAILURE;
        }
}

/* pget and dget: one getProperty per property, stop at the first failure. */
int cmd_pget(int argc, char **argv)
{
        struct pget_opts o = {};
        int first = cmd_getopt(argc, argv, "sk", 2, pget_option, &o);

        if (first < 0)
                return -first;
        for (int i = first + 1; i < argc; i++) {
                _cleanup_free_ char *value = NULL;

                if (porto_get_property_flags(api(), argv[first], argv[i], o.flags, &value) != 0)
                        return print_api_errorf("Can't get %s", argv[i]);
                if (o.keys)
                        printf("%s = %s\n", argv[i], value);
                else
                        printf("%s\n", value);
        }
        return EXIT_SUCCESS;
}

/* The value is every argument after the property, joined with spaces. */
int cmd_set(int argc _unused_, char **argv)
{
        _cleanup_free_ char *value = strv_join(argv + 3, " ");

        if (!value) {
                fprintf(stderr, "out of memory\n");
                return EXIT_FAILURE;
        }
        if (porto_set_property(api(), argv[1], argv[2], value) != 0)
                return print_api_error("Can't set property");
        return EXIT_SUCCESS;
}
