/* portoctl: dispatch, global options, the listing and help
 * (spec/portoctl.md sections 1-3, 13). */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/ioctl.h>

#include "portoctl.h"
#include "rpc.pb-c.h"
#include "basic/parse.h"
#include "basic/strutil.h"
#include "version.h"

static struct porto_conn *conn;
static int rpc_timeout = PORTO_DEFAULT_TIMEOUT;

struct porto_conn *api(void)
{
        return conn;
}

int print_api_error(const char *context)
{
        int code = porto_error(conn, NULL, NULL);

        fprintf(stderr, "%s: %s\n", context, porto_error_string(conn));
        return code ? code : EXIT_FAILURE;
}

int print_api_errorf(const char *fmt, ...)
{
        _cleanup_free_ char *ctx = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&ctx, fmt, ap) < 0)
                ctx = NULL;
        va_end(ap);
        return print_api_error(ctx ? ctx : "Error");
}

/* ---- commands not in this version ---------------------------------------- */

static int cmd_unsupported(int argc _unused_, char **argv)
{
        fprintf(stderr, "%s: not supported by this version yet\n", argv[0]);
        return EXIT_FAILURE;
}

static int cmd_help(int argc, char **argv);

/* ---- the table ----------------------------------------------------------- */

static const char help_get[] =
        "    -n              non-blocking: do not wait for busy containers\n"
        "    -s              sync: refresh cached counters first\n"
        "    -r              real: fail unless the property is supported and set\n"
        "\n"
        "    Without properties all properties are shown in human readable form.\n"
        "    Arguments before \"--\" are containers or patterns, after it properties;\n"
        "    without \"--\" the first argument is the container.\n";

static const char help_run[] =
        "    -L layer|dir|tarball        add lower layer (-L top ... -L bottom)\n"
        "    -W                          wait until container exits\n"
        "\n"
        "    properties are given as key=value\n";

static const char help_exec[] =
        "    -C          keep the container (do not destroy it at exit)\n"
        "    -T          do not forward the terminal (streams are still passed)\n"
        "    -L layer|dir|tarball        add lower layer (-L top ... -L bottom)\n"
        "\n"
        "    Type ^X^X to detach. Exit status is the command's exit code,\n"
        "    or 128 + signal number if it was killed by a signal.\n";

static const char help_stop[] =
        "    -T <seconds>    stop timeout (grace period before SIGKILL)\n";

static const char help_wait[] =
        "    -T <seconds>    timeout\n"
        "    -t <milliseconds> timeout\n"
        "    -L <label>      wait for label changes (pattern, repeatable)\n"
        "    -A              asynchronous: print events until timeout\n";

static const char help_list[] =
        "    -1              list only names\n"
        "    -f              forest view\n"
        "    -r              only running containers\n"
        "    -t              only top-level containers\n"
        "    -L label[=value] only containers with this label\n"
        "\n"
        "    pattern: *** - all (default), * - first level, foo*/bar* - by names\n";

static const char help_convert[] =
        "    -s <container>  source container (default self)\n"
        "    -d <container>  destination container (default self)\n";

static const char help_vcreate[] =
        "    -A              choose path automatically\n"
        "    property=value  volume properties, see listing\n";

static const char help_vlink[] =
        "    -R              mark link as required\n"
        "    target          mount the volume at this path inside the container\n"
        "    ro|rw           read-only or read-write link\n";

static const char help_vunlink[] =
        "    -A              unlink from all containers (destroys the volume)\n"
        "    -S              strict: non-lazy unmount, fail if busy\n";

static const char help_vlist[] =
        "    -1              list only paths\n"
        "    -i              inode figures instead of space\n"
        "    -v              verbose: all properties\n"
        "    -c <ct>         only volumes visible to this container\n";

static const char help_layer[] =
        "    -P <place>      place for layers\n"
        "    -S <private>    set private value\n"
        "    -I <layer> <tarball>  import layer from tarball\n"
        "    -M <layer> <tarball>  merge tarball into existing or new layer\n"
        "    -R <layer> [layer...] remove layer\n"
        "    -F [days]       remove layers unused for that many days\n"
        "    -L              list layers\n"
        "    -E <volume> <tarball> export upper layer into tarball\n"
        "    -Q <volume> <squashfs> export upper layer into squashfs\n"
        "    -c <compression> archive format\n"
        "    -G <layer>      print private value\n"
        "    -v              verbose\n";

static const char help_storage[] =
        "    -P <place>      place\n"
        "    -L              list storages\n"
        "    -R <storage>    remove storage (with -M: meta-storage)\n"
        "    -F [days]       remove storages unused for that many days\n"
        "    -S <private>    private value\n"
        "    -I <storage> <archive> import storage\n"
        "    -E <storage> <archive> export storage\n"
        "    -c <compression> archive format\n"
        "    -M <name>       meta-storage: create, -R remove, -r resize\n"
        "    -Q <space_limit> meta-storage space quota\n"
        "    -q <inode_limit> meta-storage inode quota\n";

static const char help_build[] =
        "    -l layer|dir|tarball  layer for bootstrap container\n"
        "    -L layer|dir|tarball  lower layer of the build volume\n"
        "    -o layer.tar          export result as overlay layer tarball\n"
        "    -O image.img          export result as filesystem image\n"
        "    -Q image.squashfs     export result as squashfs\n"
        "    -c compression        archive compression\n"
        "    -B script             bootstrap script (outside)\n"
        "    -b script             second bootstrap script (inside)\n"
        "    -S script             script run inside the started OS\n"
        "    -s script             script run inside after the OS stopped\n"
        "    -M                    merge all layers\n"
        "    -k                    keep volume and containers\n";

/* Alphabetical: the listing is printed in table order. */
static const struct command commands[] = {
        { "attach", 2, "[-t] <container> <pid> [comm]", "move process or thread into container", NULL, cmd_attach, 0 },
        { "build", 0,
          "[-k] [-M] [-l|-L layer]... [-o layer.tar] [-O image.img] [-Q image.squashfs] [-B|-b script] [-S|-s script]... [properties]...",
          "build container image", help_build, cmd_unsupported, 0 },
        { "convert", 1, "[-s container] [-d container] <path>", "convert path between containers", help_convert, cmd_convert, 0 },
        { "create", 1, "<container1> [container2...]", "create container", NULL, cmd_create, 0 },
        { "destroy", 1, "<container1> [container2...]", "destroy container", NULL, cmd_destroy, 0 },
        { "dget", 2, "[-s] [-k] <container> <property>...", "get raw container property", NULL, cmd_pget, 0 },
        { "exec", 2, "[-C] [-T] [-L layer]... <container> command=<command> [properties]",
          "execute and wait for command in container", help_exec, cmd_exec, 0 },
        { "find", 1, "<pid> [comm]", "find container for given process id", NULL, cmd_find, 0 },
        { "gc", 0, "", "remove all dead containers", NULL, cmd_gc, 0 },
        { "get", 1, "[-n] [-s] [-r] [container|pattern]... [--] [property]...", "get container property", help_get, cmd_get, 0 },
        { "help", 1, "[command]", "print help message for command", NULL, cmd_help, 0 },
        { "kill", 1, "<container> [signal]", "send signal to container", NULL, cmd_kill, 0 },
        { "layer", 0, "[-P <place>] [-S <private>] -I|-M|-R|-L|-F|-E|-G <layer> [tarball]", "manage overlayfs layers",
          help_layer, cmd_unsupported, 0 },
        { "list", 0, "[-1] [-f] [-r] [-t] [-L label[=value]] [pattern]", "list created containers", help_list, cmd_list, 0 },
        { "pause", 1, "<container> [name...]", "pause container", NULL, cmd_pause, 0 },
        { "pget", 2, "[-s] [-k] <container> <property> [property...]", "get raw container property", NULL, cmd_pget, 0 },
        { "raw", 1, "<request>", "send raw protobuf message", NULL, cmd_raw, 0 },
        { "respawn", 1, "<container1> [container2...]", "respawn container", NULL, cmd_respawn, 0 },
        { "restart", 1, "<container1> [container2...]", "restart container", NULL, cmd_restart, 0 },
        { "resume", 1, "<container1> [container2...]", "resume container", NULL, cmd_resume, 0 },
        { "run", 2, "[-L layer] [-W] ... <container> [properties]", "create and start container with given properties",
          help_run, cmd_run, 0 },
        { "set", 3, "<container> <property>", "set container property", NULL, cmd_set, 0 },
        { "shell", 1, "[-u <user>] [-g <group>] <container> [command] [argument]...", "start shell in container", NULL,
          cmd_shell, 0 },
        { "sort", 0, "[container|pattern... --] [property...]", "print containers sorted by resource usage", NULL, cmd_sort,
          0 },
        { "start", 1, "<container1> [container2...]", "start container", NULL, cmd_start, 0 },
        { "stop", 1, "[-T <seconds>] <container1> [container2...]", "stop container", help_stop, cmd_stop, 0 },
        { "storage", 0, "[-P <place>] [-M] -L|-R|-F [meta/][storage]", "manage persistent storages", help_storage,
          cmd_unsupported, 0 },
        { "top", 0, "", "top-like tool for container monitoring", NULL, cmd_unsupported, CMD_HIDDEN },
        { "vcreate", 1, "-A|<path> [property=value...]", "create volume", help_vcreate, cmd_unsupported, 0 },
        { "vlink", 1, "[-R] <path> [container] [target] [ro|rw]", "link volume to container", help_vlink,
          cmd_unsupported, 0 },
        { "vlist", 0, "[-1|-i|-v] [-c <ct>] [volume]...", "list volumes", help_vlist, cmd_unsupported, 0 },
        { "vtune", 1, "<path> [property=value...]", "tune volume", NULL, cmd_unsupported, 0 },
        { "vunlink", 1, "[-A] [-S] <path> [<container>|self|***] [<target>|***]", "unlink volume from container",
          help_vunlink, cmd_unsupported, 0 },
        { "wait", 0, "[-A] [-T <seconds>] <container|wildcard> ...", "wait for listed containers", help_wait, cmd_wait, 0 },
};

const struct command *command_find(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (streq(commands[i].name, name))
                        return &commands[i];
        return NULL;
}

void command_usage(const struct command *cmd)
{
        printf("Usage: portoctl %s %s\n\n%s\n\n%s", cmd->name, cmd->usage, cmd->desc, cmd->help ? cmd->help : "");
}

/* ---- listing (section 3) ------------------------------------------------- */

static int terminal_width(void)
{
        struct winsize ws;

        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
                return ws.ws_col;
        return 80;
}

static size_t name_column(size_t longest)
{
        return MAX(longest, (size_t) 8) + 2;
}

/* "  name<pad>desc", descriptions cut into pieces that fit the terminal. */
static void print_entry(const char *name, const char *desc, size_t column)
{
        int avail = terminal_width() - (int) column - 4;
        size_t piece = avail > 8 ? (size_t) avail : 8;
        size_t len = strlen(desc), off = 0;

        printf("  %-*s", (int) column, name);
        do {
                size_t n = MIN(piece, len - off);

                if (off > 0)
                        printf("  %*s", (int) column, "");
                printf("%.*s\n", (int) n, desc + off);
                off += n;
        } while (off < len);
}

static void print_commands(void)
{
        size_t longest = 0;

        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (!(commands[i].flags & CMD_HIDDEN))
                        longest = MAX(longest, strlen(commands[i].name));
        printf("Commands:\n");
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (!(commands[i].flags & CMD_HIDDEN))
                        print_entry(commands[i].name, commands[i].desc, name_column(longest));
        printf("\n");
}

static void print_volume_properties(void)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TVolumePropertyListRequest v = RPC__TVOLUME_PROPERTY_LIST_REQUEST__INIT;
        Rpc__TContainerResponse *rsp = NULL;

        printf("Volume properties:\n");
        fflush(stdout);
        req.listvolumeproperties = &v;
        if (porto_call(api(), &req, &rsp) != 0) {
                print_api_error("Unavailable");
        } else if (!rsp->volumepropertylist) {
                fprintf(stderr, "Unavailable: empty reply\n");
        } else {
                const Rpc__TVolumePropertyListResponse *l = rsp->volumepropertylist;
                size_t longest = 0;

                for (size_t i = 0; i < l->n_properties; i++)
                        longest = MAX(longest, strlen(l->properties[i]->name));
                for (size_t i = 0; i < l->n_properties; i++)
                        print_entry(l->properties[i]->name, l->properties[i]->desc ? l->properties[i]->desc : "",
                                    name_column(longest));
        }
        porto_response_free(rsp);
        printf("\n");
}

static void print_container_properties(void)
{
        struct porto_property *list = NULL;
        size_t n = 0;

        printf("Container properties:\n");
        fflush(stdout);
        if (porto_property_list(api(), &list, &n) != 0) {
                print_api_error("Unavailable");
        } else {
                size_t longest = 0;

                for (size_t i = 0; i < n; i++)
                        longest = MAX(longest, strlen(list[i].name));
                for (size_t i = 0; i < n; i++)
                        print_entry(list[i].name, list[i].desc, name_column(longest));
        }
        porto_property_list_free(list, n);
        printf("\n");
}

void print_listing(void)
{
        printf("Usage: portoctl [option]... <command> [argument]...\n"
               "\n"
               "Options:\n"
               "  -t, --timeout=<seconds>    rpc timeout (%d seconds)\n"
               "  -h, --help\n"
               "  -v, --version\n"
               "\n",
               rpc_timeout);
        print_commands();
        print_volume_properties();
        print_container_properties();
        fflush(stdout);
}

/* ---- option parsing shared by the commands -------------------------------- */

int cmd_getopt(int argc, char **argv, const char *optstring, int min_args,
               int (*handle)(int opt, const char *arg, void *userdata), void *userdata)
{
        char spec[64];
        int opt;

        /* "+": stop at the first non-option (options before arguments). */
        snprintf(spec, sizeof(spec), "+%s", optstring);
        optind = 0; /* full re-initialisation of getopt's state */
        while ((opt = getopt(argc, argv, spec)) != -1) {
                int r;

                if (opt == '?' || opt == ':') {
                        print_listing();
                        return -EXIT_FAILURE;
                }
                r = handle ? handle(opt, optarg, userdata) : 0;
                if (r != 0)
                        return -r;
        }
        if (argc - optind < min_args) {
                print_listing();
                return -EXIT_FAILURE;
        }
        return optind;
}

/* ---- help, version, external helpers --------------------------------------- */

/* Section 1: /usr/lib/porto/portoctl-X, then <argv0>-X in PATH. Returns only
 * if neither could be executed. */
static void exec_helper(const char *argv0, const char *name, int argc, char **argv)
{
        _cleanup_free_ char *sys = strdup_printf("/usr/lib/porto/portoctl-%s", name);
        _cleanup_free_ char *own = strdup_printf("%s-%s", argv0, name);
        _cleanup_free_ char **args = calloc((size_t) argc + 2, sizeof(char *));

        if (!sys || !own || !args)
                return;
        for (int i = 0; i < argc; i++)
                args[i + 1] = argv[i];
        args[0] = sys;
        execv(sys, args);
        args[0] = own;
        execvp(own, args);
}

static int cmd_help(int argc, char **argv)
{
        char *help_args[] = { (char *) "--help", NULL };
        const struct command *cmd;

        if (argc < 2) {
                command_usage(command_find("help"));
                return EXIT_FAILURE;
        }
        cmd = command_find(argv[1]);
        if (cmd) {
                command_usage(cmd);
                return EXIT_SUCCESS;
        }
        exec_helper(program_invocation_name, argv[1], 1, help_args);
        print_listing();
        return EXIT_FAILURE;
}

static int print_version(void)
{
        _cleanup_free_ char *tag = NULL, *rev = NULL;

        printf("client: %s %s\n", PORTO_VERSION, PORTO_REVISION);
        fflush(stdout);
        if (porto_version(api(), &tag, &rev) != 0) {
                print_api_error("Can't get server version");
                return EXIT_FAILURE;
        }
        printf("server: %s %s\n", tag, rev);
        return EXIT_SUCCESS;
}

static bool is_help_arg(const char *s)
{
        return streq(s, "-h") || streq(s, "--help") || streq(s, "help");
}

static int run_command(const struct command *cmd, int argc, char **argv)
{
        /* argv[0] is the command name; argc counts it. */
        if (argc - 1 < cmd->min_args || (argc > 1 && is_help_arg(argv[1]) && cmd->run != cmd_help)) {
                command_usage(cmd);
                return EXIT_FAILURE;
        }
        return cmd->run(argc, argv);
}

int main(int argc, char **argv)
{
        const struct command *cmd;
        int first = 1, r;

        setvbuf(stdout, NULL, _IOLBF, 0);
        signal(SIGPIPE, SIG_IGN);

        if (argc > 2 && (streq(argv[1], "-t") || streq(argv[1], "--timeout"))) {
                if (parse_int(argv[2], &rpc_timeout) < 0 || rpc_timeout < 0) {
                        fprintf(stderr, "Invalid timeout: %s\n", argv[2]);
                        return EXIT_FAILURE;
                }
                first = 3;
        }

        if (porto_connect(NULL, &conn) != 0) {
                fprintf(stderr, "out of memory\n");
                return EXIT_FAILURE;
        }
        porto_set_timeout(conn, rpc_timeout);

        if (argc <= first || streq(argv[first], "-h") || streq(argv[first], "--help")) {
                print_listing();
                r = EXIT_FAILURE;
        } else if (streq(argv[first], "-v") || streq(argv[first], "--version")) {
                r = print_version();
        } else if ((cmd = command_find(argv[first]))) {
                r = run_command(cmd, argc - first, argv + first);
        } else {
                conn = porto_disconnect(conn);
                exec_helper(argv[0], argv[first], argc - first - 1, argv + first + 1);
                fprintf(stderr, "Invalid command: %s\n", argv[first]);
                return EXIT_FAILURE;
        }
        fflush(stdout);
        conn = porto_disconnect(conn);
        return r;
}
