/* Container commands: create, destroy, start, stop, restart, kill, pause,
 * resume, respawn, gc (spec/portoctl.md sections 5 and 12). */
#include "portoctl.h"
#include "basic/parse.h"
#include "basic/strutil.h"

/* One call per argument; stops at the first failure. */
static int for_each_name(int argc, char **argv, int (*call)(struct porto_conn *, const char *), const char *context)
{
        for (int i = 1; i < argc; i++)
                if (call(api(), argv[i]) != 0)
                        return print_api_error(context);
        return EXIT_SUCCESS;
}

int cmd_create(int argc, char **argv)
{
        return for_each_name(argc, argv, porto_create, "Can't create container");
}

int cmd_start(int argc, char **argv)
{
        return for_each_name(argc, argv, porto_start, "Can't start container");
}

int cmd_pause(int argc, char **argv)
{
        return for_each_name(argc, argv, porto_pause, "Can't pause container");
}

int cmd_resume(int argc, char **argv)
{
        return for_each_name(argc, argv, porto_resume, "Can't resume container");
}

int cmd_respawn(int argc, char **argv)
{
        return for_each_name(argc, argv, porto_respawn, "Can't respawn container");
}

/* Continues after failures; the status is the last failure's code. */
int cmd_destroy(int argc, char **argv)
{
        int ret = EXIT_SUCCESS;

        for (int i = 1; i < argc; i++)
                if (porto_destroy(api(), argv[i]) != 0)
                        ret = print_api_error("Can't destroy container");
        return ret;
}

static int stop_option(int opt, const char *arg, void *userdata)
{
        int *timeout_ms = userdata;
        uint32_t seconds;

        if (opt != 'T')
                return EXIT_FAILURE;
        if (parse_u32(arg, &seconds) < 0 || seconds > UINT32_MAX / 1000) {
                fprintf(stderr, "Invalid timeout: %s\n", arg);
                return EXIT_FAILURE;
        }
        *timeout_ms = (int) MIN((uint64_t) seconds * 1000, (uint64_t) INT32_MAX);
        return 0;
}

int cmd_stop(int argc, char **argv)
{
        int timeout_ms = -1;
        int first = cmd_getopt(argc, argv, "T:", 1, stop_option, &timeout_ms);

        if (first < 0)
                return -first;
        for (int i = first; i < argc; i++)
                if (porto_stop(api(), argv[i], timeout_ms) != 0)
                        return print_api_error("Can't stop container");
        return EXIT_SUCCESS;
}

int cmd_restart(int argc, char **argv)
{
        for (int i = 1; i < argc; i++) {
                if (porto_stop(api(), argv[i], -1) != 0)
                        return print_api_error("Can't stop container");
                if (porto_start(api(), argv[i]) != 0)
                        return print_api_error("Can't start container");
        }
        return EXIT_SUCCESS;
}

int cmd_kill(int argc, char **argv)
{
        int sig = SIGTERM;

        if (argc > 2 && signal_parse(argv[2], &sig) < 0) {
                fprintf(stderr, "Invalid signal: %s\n", argv[2]);
                return EXIT_FAILURE;
        }
        if (porto_kill(api(), argv[1], sig) != 0)
                return print_api_error("Can't send signal to container");
        return EXIT_SUCCESS;
}

/* Destroy every dead container. */
int cmd_gc(int argc _unused_, char **argv _unused_)
{
        _cleanup_strv_free_ char **names = NULL;

        if (porto_list(api(), NULL, &names) != 0)
                return print_api_error("Can't list containers");
        for (size_t i = 0; names[i]; i++) {
                _cleanup_free_ char *state = NULL;

                /* Destroying a parent takes its children along: those
                 * are gone by the time we get to them. */
                if (porto_get_property(api(), names[i], "state", &state) != 0) {
                        if (porto_error(api(), NULL, NULL) != PORTO_ERROR_CONTAINER_DOES_NOT_EXIST)
                                print_api_errorf("Can't get state of %s", names[i]);
                        continue;
                }
                if (!streq(state, "dead"))
                        continue;
                if (porto_destroy(api(), names[i]) != 0 &&
                    porto_error(api(), NULL, NULL) != PORTO_ERROR_CONTAINER_DOES_NOT_EXIST)
                        return print_api_errorf("Can't destroy %s", names[i]);
        }
        return EXIT_SUCCESS;
}
