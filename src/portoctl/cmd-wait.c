/* wait: synchronous and asynchronous (spec/portoctl.md section 8). */
#include "portoctl.h"
#include "basic/parse.h"
#include "basic/strutil.h"

struct wait_opts {
        bool async;
        int timeout_ms; /* -1: none */
        char **labels;
};

static int wait_option(int opt, const char *arg, void *userdata)
{
        struct wait_opts *o = userdata;
        uint32_t v;

        switch (opt) {
        case 'A':
                o->async = true;
                return 0;
        case 'T':
                if (parse_u32(arg, &v) < 0 || v > INT32_MAX / 1000) {
                        fprintf(stderr, "Invalid timeout: %s\n", arg);
                        return EXIT_FAILURE;
                }
                o->timeout_ms = (int) v * 1000;
                return 0;
        case 't':
                /* Milliseconds, rounded up to whole seconds. */
                if (parse_u32(arg, &v) < 0 || v > INT32_MAX - 1000) {
                        fprintf(stderr, "Invalid timeout: %s\n", arg);
                        return EXIT_FAILURE;
                }
                o->timeout_ms = (int) ((v + 999) / 1000 * 1000);
                return 0;
        case 'L':
                if (strv_push(&o->labels, arg) < 0)
                        return EXIT_FAILURE;
                return 0;
        default:
                return EXIT_FAILURE;
        }
}

static int wait_sync(char **names, const struct wait_opts *o)
{
        struct porto_event *e = NULL;

        if (porto_wait(api(), (const char *const *) names, (const char *const *) o->labels, o->timeout_ms, &e) != 0)
                return print_api_error("Can't wait for containers");
        if (streq(e->state, "timeout") && isempty(e->name))
                fprintf(stderr, "timeout\n");
        else
                printf("%s\n", e->name);
        porto_event_free(e);
        return EXIT_SUCCESS;
}

static void print_event(const struct porto_event *e)
{
        char buf[FMT_BUF];

        printf("%s %s\t%s", fmt_time(buf, (time_t) e->when), e->state, e->name);
        if (e->label)
                printf("\t%s = %s", e->label, e->value ? e->value : "");
        printf("\n");
}

static int wait_async(char **names, const struct wait_opts *o)
{
        static const char *const all[] = { "***", NULL };

        if (porto_async_wait(api(), names[0] ? (const char *const *) names : all, (const char *const *) o->labels,
                             o->timeout_ms) != 0)
                return print_api_error("Can't subscribe to events");
        for (;;) {
                struct porto_event *e = NULL;
                bool timeout;

                /* The connection ending is a normal end of the stream. */
                if (porto_recv_event(api(), -1, &e) != 0)
                        return EXIT_SUCCESS;
                timeout = streq(e->state, "timeout") && isempty(e->name);
                if (!timeout)
                        print_event(e);
                porto_event_free(e);
                if (timeout)
                        return EXIT_SUCCESS;
        }
}

int cmd_wait(int argc, char **argv)
{
        struct wait_opts o = { .timeout_ms = -1 };
        int first, ret;

        first = cmd_getopt(argc, argv, "AT:t:L:", 0, wait_option, &o);
        if (first < 0) {
                strv_free(o.labels);
                return -first;
        }
        if (o.async) {
                ret = wait_async(argv + first, &o);
        } else if (first >= argc) {
                command_usage(command_find("wait"));
                ret = EXIT_FAILURE;
        } else {
                ret = wait_sync(argv + first, &o);
        }
        strv_free(o.labels);
        return ret;
}
