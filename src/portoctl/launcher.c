/* Launchers: run, exec, shell (spec/portoctl.md section 9). One procedure:
 * create, forward the terminal or the std streams, set properties, start,
 * optionally attach and wait, clean up on any failure. */
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>

#include "portoctl.h"
#include "basic/name.h"
#include "basic/parse.h"
#include "basic/strutil.h"

#define CTRL_X 0x18

/* The first of SIGINT/SIGTERM/SIGHUP that arrived while launching. */
static volatile sig_atomic_t interrupted_signal;
static volatile sig_atomic_t window_changed;
static int signal_pipe[2] = { -1, -1 };

struct kv {
        char *key;
        char *value;
};

struct launcher {
        const char *name;
        bool weak;
        bool forward_streams;
        bool forward_tty;
        bool wait_exit;
        bool keep;
        bool destroy_on_interrupt; /* after a successful start */
        char **layers;

        struct kv *props; /* sorted: step 4 applies them by key; last one wins */
        size_t n_props;
        char **env;
        char *virt_mode;
        char *place;

        bool created;
        int pty_master;
        int pty_slave;
};

static void launcher_done(struct launcher *l)
{
        for (size_t i = 0; i < l->n_props; i++) {
                free(l->props[i].key);
                free(l->props[i].value);
        }
        free(l->props);
        strv_free(l->env);
        strv_free(l->layers);
        free(l->virt_mode);
        free(l->place);
        safe_close(l->pty_master);
        safe_close(l->pty_slave);
}

/* ---- arguments ---------------------------------------------------------------- */

/* Copies are made before the table changes: on -ENOMEM it is as it was. */
static int set_prop(struct launcher *l, const char *key, const char *value)
{
        _cleanup_free_ char *k = NULL, *v = strdup(value);
        struct kv *p;
        size_t i;

        if (!v)
                return -ENOMEM;
        for (i = 0; i < l->n_props; i++) {
                int c = strcmp(l->props[i].key, key);

                if (c == 0) {
                        free(l->props[i].value);
                        l->props[i].value = TAKE_PTR(v);
                        return 0;
                }
                if (c > 0)
                        break;
        }
        k = strdup(key);
        if (!k)
                return -ENOMEM;
        p = realloc(l->props, (l->n_props + 1) * sizeof(*p));
        if (!p)
                return -ENOMEM;
        l->props = p;
        memmove(p + i + 1, p + i, (l->n_props - i) * sizeof(*p));
        p[i].key = TAKE_PTR(k);
        p[i].value = TAKE_PTR(v);
        l->n_props++;
        return 0;
}

static int replace_str(char **dst, const char *value)
{
        char *v = strdup(value);

        if (!v)
                return -ENOMEM;
        free(*dst);
        *dst = v;
        return 0;
}

/* "key=value": env accumulates, virt_mode is applied last. */
static int add_argument(struct launcher *l, const char *arg)
{
        _cleanup_free_ char *key = NULL;
        const char *eq = strchr(arg, '=');

        if (!eq) {
                fprintf(stderr, "Cannot set property: %s: expected <property>=<value>\n", arg);
                return -EINVAL;
        }
        key = strndup(arg, (size_t) (eq - arg));
        if (!key)
                return -ENOMEM;
        if (streq(key, "env"))
                return strv_push(&l->env, eq + 1);
        if (streq(key, "virt_mode"))
                return replace_str(&l->virt_mode, eq + 1);
        if (streq(key, "place") && replace_str(&l->place, eq + 1) < 0)
                return -ENOMEM;
        return set_prop(l, key, eq + 1);
}

static const char *prop_value(const struct launcher *l, const char *key)
{
        for (size_t i = 0; i < l->n_props; i++)
                if (streq(l->props[i].key, key))
                        return l->props[i].value;
        return NULL;
}

/* Volumes (section 9 step 2) come with a later version of the daemon. */
static bool needs_volume(const struct launcher *l)
{
        static const char *const volume_props[] = { "space_limit", "backend", "storage", "layers" };

        if (l->layers)
                return true;
        for (size_t i = 0; i < ELEMENTSOF(volume_props); i++)
                if (prop_value(l, volume_props[i]))
                        return true;
        return false;
}

/* ---- signals ---------------------------------------------------------------- */

static void on_signal(int sig)
{
        int saved = errno;

        if (sig == SIGWINCH)
                window_changed = 1;
        else if (!interrupted_signal)
                interrupted_signal = sig;
        if (signal_pipe[1] >= 0)
                (void) !write(signal_pipe[1], "", 1);
        errno = saved;
}

static int check_interrupted(void *userdata _unused_)
{
        return interrupted_signal != 0;
}

/* No SA_RESTART: blocking calls must return so the flag is seen. */
static void install_signals(void)
{
        static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };
        struct sigaction sa = { .sa_handler = on_signal };

        if (signal_pipe[0] < 0 && pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
                signal_pipe[0] = signal_pipe[1] = -1;
        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < ELEMENTSOF(sigs); i++)
                sigaction(sigs[i], &sa, NULL);
        porto_set_interrupt_check(api(), check_interrupted, NULL);
}

/* ---- terminal ---------------------------------------------------------------- */

static struct termios saved_termios;
static bool termios_saved;

static void restore_terminal(void)
{
        if (termios_saved) {
                tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
                termios_saved = false;
        }
}

static void raw_terminal(void)
{
        struct termios t;

        if (tcgetattr(STDIN_FILENO, &saved_termios) < 0)
                return;
        termios_saved = true;
        atexit(restore_terminal);
        t = saved_termios;
        cfmakeraw(&t);
        tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

static void copy_window_size(int to)
{
        struct winsize ws;

        if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
                ioctl(to, TIOCSWINSZ, &ws);
}

static int open_pty(struct launcher *l)
{
        char path[64];
        int r;

        l->pty_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (l->pty_master < 0)
                return -errno;
        if (grantpt(l->pty_master) < 0 || unlockpt(l->pty_master) < 0)
                return -errno;
        r = ptsname_r(l->pty_master, path, sizeof(path));
        if (r != 0)
                return -r;
        l->pty_slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (l->pty_slave < 0)
                return -errno;
        copy_window_size(l->pty_slave);
        return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, buf, len);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN) {
                                struct pollfd p = { .fd = fd, .events = POLLOUT };
                                poll(&p, 1, 1000);
                                continue;
                        }
                        return -errno;
                }
                buf += n;
                len -= (size_t) n;
        }
        return 0;
}

enum tty_result { TTY_EOF, TTY_DETACHED, TTY_INTERRUPTED };

/* Whether the user typed ^X^X; *ctrl_x carries a ^X that ended the
 * previous chunk of keystrokes. */
static bool detach_typed(const char *buf, size_t n, bool *ctrl_x)
{
        for (size_t i = 0; i < n; i++) {
                if (buf[i] == CTRL_X && *ctrl_x)
                        return true;
                *ctrl_x = buf[i] == CTRL_X;
        }
        return false;
}

/* Copy keystrokes to the container and its output to stdout until the
 * output ends (every slave closed), the user types ^X^X, or a signal. */
static enum tty_result forward_terminal(struct launcher *l)
{
        bool stdin_open = true, ctrl_x = false;
        char buf[16384];

        raw_terminal();
        for (;;) {
                struct pollfd p[3] = {
                        { .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
                        { .fd = l->pty_master, .events = POLLIN },
                        { .fd = signal_pipe[0], .events = POLLIN },
                };
                ssize_t n;

                if (interrupted_signal) {
                        restore_terminal();
                        return TTY_INTERRUPTED;
                }
                if (window_changed) {
                        window_changed = 0;
                        copy_window_size(l->pty_master);
                }
                if (poll(p, 3, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (p[2].revents)
                        while (read(signal_pipe[0], buf, sizeof(buf)) > 0)
                                ;
                if (p[1].revents) {
                        n = read(l->pty_master, buf, sizeof(buf));
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n <= 0) /* EIO: the last slave is closed */
                                break;
                        if (write_all(STDOUT_FILENO, buf, (size_t) n) < 0)
                                break;
                }
                if (p[0].revents) {
                        n = read(STDIN_FILENO, buf, sizeof(buf));
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n <= 0) {
                                stdin_open = false;
                                continue;
                        }
                        if (detach_typed(buf, (size_t) n, &ctrl_x)) {
                                restore_terminal();
                                fprintf(stderr, "<exit portoctl>\n");
                                return TTY_DETACHED;
                        }
                        if (write_all(l->pty_master, buf, (size_t) n) < 0)
                                break;
                }
        }
        restore_terminal();
        return TTY_EOF;
}

/* ---- the launch procedure ------------------------------------------------------ */

static int fail(struct launcher *l, const char *fmt, ...) _printf_(2, 3);
/* Step 8: undo and report. */
static int fail(struct launcher *l, const char *fmt, ...)
{
        va_list ap;

        fprintf(stderr, "Cannot start container: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\n");
        if (l->created) {
                /* Our connection may have been closed by an interruption. */
                porto_set_interrupt_check(api(), NULL, NULL);
                (void) porto_destroy(api(), l->name);
                l->created = false;
        }
        return EXIT_FAILURE;
}

static int set_or_fail(struct launcher *l, const char *prop, const char *value)
{
        if (porto_set_property(api(), l->name, prop, value) != 0)
                return fail(l, "%s", porto_error_string(api()));
        return 0;
}

static int apply_settings(struct launcher *l)
{
        int r;

        if (l->forward_tty) {
                char path[32];

                snprintf(path, sizeof(path), "/dev/fd/%d", l->pty_slave);
                if ((r = set_or_fail(l, "stdin_path", path)) || (r = set_or_fail(l, "stdout_path", path)) ||
                    (r = set_or_fail(l, "stderr_path", path)))
                        return r;
        } else if (l->forward_streams) {
                if ((r = set_or_fail(l, "stdin_path", "/dev/fd/0")) ||
                    (r = set_or_fail(l, "stdout_path", "/dev/fd/1")) ||
                    (r = set_or_fail(l, "stderr_path", "/dev/fd/2")))
                        return r;
        }
        for (size_t i = 0; i < l->n_props; i++)
                if ((r = set_or_fail(l, l->props[i].key, l->props[i].value)))
                        return r;
        if ((r = set_or_fail(l, "virt_mode", l->virt_mode ? l->virt_mode : "app")))
                return r;
        if (l->env) {
                _cleanup_free_ char *env = strv_join(l->env, ";");

                if (!env)
                        return fail(l, "out of memory");
                if ((r = set_or_fail(l, "env", env)))
                        return r;
        }
        return 0;
}

/* Exit status of the finished command (step 7). */
static int exit_status(struct launcher *l)
{
        static const char *const props[] = { "exit_status", "oom_killed", NULL };
        const char *const names[] = { l->name, NULL };
        const struct porto_value *st, *oom;
        struct porto_get_result *res = NULL;
        int status, ret;

        if (porto_get(api(), names, props, 0, &res) != 0)
                return print_api_error("Can't get exit status");
        st = porto_get_result_find(res, l->name, "exit_status");
        oom = porto_get_result_find(res, l->name, "oom_killed");
        if (!st || st->error || parse_int(st->value, &status) < 0) {
                fprintf(stderr, "Can't get exit status: %s\n", st && st->error ? st->error_msg : "no value");
                porto_get_result_free(res);
                return EXIT_FAILURE;
        }
        if (oom && !oom->error && streq(oom->value, "true")) {
                fprintf(stderr, "Container killed by OOM\n");
                ret = 128 + SIGKILL;
        } else if (WIFSIGNALED(status)) {
                int sig = WTERMSIG(status);
                const char *name = signal_name(sig);

                fprintf(stderr, "Container killed by signal %d (%s)\n", sig, name ? name : strsignal(sig));
                ret = 128 + sig;
        } else {
                ret = WEXITSTATUS(status);
                if (ret)
                        fprintf(stderr, "Container exited with code %d\n", ret);
        }
        porto_get_result_free(res);
        return ret;
}

/* Ctrl-C and friends: exec and shell take the container with them; run
 * only leaves (unless the start itself was interrupted). */
static int interrupted_exit(struct launcher *l, bool started)
{
        int sig = interrupted_signal;

        porto_set_interrupt_check(api(), NULL, NULL);
        if (l->created && (!started || l->destroy_on_interrupt))
                (void) porto_destroy(api(), l->name);
        l->created = false;
        return 128 + sig;
}

/* A terminal for the container, and our TERM in its environment. */
static int setup_terminal(struct launcher *l)
{
        const char *term = getenv("TERM");
        _cleanup_free_ char *term_env = strdup_printf("TERM=%s", isempty(term) ? "xterm" : term);
        char **env;
        int r;

        r = open_pty(l);
        if (r < 0)
                return fail(l, "cannot allocate a terminal: %s", strerror(-r));
        /* First, so an explicit env=TERM=... still wins. */
        env = calloc(strv_length(l->env) + 2, sizeof(char *));
        if (!term_env || !env) {
                free(env);
                return fail(l, "out of memory");
        }
        env[0] = TAKE_PTR(term_env);
        for (size_t i = 0; l->env && l->env[i]; i++)
                env[i + 1] = l->env[i];
        free(l->env);
        l->env = env;
        return 0;
}

/* Step 7: wait for the command to finish, take its exit status, clean up. */
static int wait_and_collect(struct launcher *l)
{
        const char *const names[] = { l->name, NULL };
        struct porto_event *e = NULL;
        int r;

        if (porto_wait(api(), names, NULL, -1, &e) != 0) {
                if (interrupted_signal)
                        return interrupted_exit(l, true);
                return print_api_error("Can't wait for container");
        }
        porto_event_free(e);
        porto_set_interrupt_check(api(), NULL, NULL);
        r = l->forward_streams ? exit_status(l) : EXIT_SUCCESS;
        if (!l->keep && porto_destroy(api(), l->name) != 0 &&
            porto_error(api(), NULL, NULL) != PORTO_ERROR_CONTAINER_DOES_NOT_EXIST)
                print_api_error("Can't destroy container");
        return r;
}

static int launch(struct launcher *l)
{
        enum tty_result tty = TTY_EOF;
        int r;

        if (needs_volume(l)) {
                fprintf(stderr, "Cannot start container: volumes are not supported by this version yet\n");
                return EXIT_FAILURE;
        }
        install_signals();

        if ((l->weak ? porto_create_weak : porto_create)(api(), l->name) != 0)
                return fail(l, "%s", porto_error_string(api()));
        l->created = true;

        if (l->forward_tty) {
                r = setup_terminal(l);
                if (r)
                        return r;
        }
        r = apply_settings(l);
        if (r)
                return r;
        if (porto_start(api(), l->name) != 0) {
                if (interrupted_signal)
                        return interrupted_exit(l, false);
                return fail(l, "%s", porto_error_string(api()));
        }
        /* The daemon opened its copy during start; ours would keep the
         * terminal alive after the container is gone. */
        l->pty_slave = safe_close(l->pty_slave);

        if (l->forward_tty)
                tty = forward_terminal(l);
        if (tty == TTY_INTERRUPTED || interrupted_signal)
                return interrupted_exit(l, true);
        if (tty == TTY_DETACHED || !l->wait_exit)
                return EXIT_SUCCESS;
        return wait_and_collect(l);
}

/* ---- run, exec --------------------------------------------------------------------- */

/* exec and shell: a weak container that lives as long as this command,
 * wired to our terminal (or std streams), its exit status becoming ours. */
static const struct launcher interactive_launcher = {
        .weak = true,
        .forward_streams = true,
        .forward_tty = true,
        .wait_exit = true,
        .destroy_on_interrupt = true,
        .pty_master = -1,
        .pty_slave = -1,
};

static int layer_option(struct launcher *l, const char *arg)
{
        return strv_push(&l->layers, arg) < 0 ? EXIT_FAILURE : 0;
}

static int run_option(int opt, const char *arg, void *userdata)
{
        struct launcher *l = userdata;

        switch (opt) {
        case 'L':
                return layer_option(l, arg);
        case 'W':
                l->wait_exit = true;
                return 0;
        default:
                return EXIT_FAILURE;
        }
}

static int exec_option(int opt, const char *arg, void *userdata)
{
        struct launcher *l = userdata;

        switch (opt) {
        case 'L':
                return layer_option(l, arg);
        case 'C':
                l->keep = true;
                l->weak = false;
                return 0;
        case 'T':
                l->forward_tty = false;
                return 0;
        default:
                return EXIT_FAILURE;
        }
}

static int add_arguments(struct launcher *l, int argc, char **argv, int first)
{
        for (int i = first; i < argc; i++)
                if (add_argument(l, argv[i]) < 0)
                        return -1;
        return 0;
}

int cmd_run(int argc, char **argv)
{
        struct launcher l = { .keep = true, .pty_master = -1, .pty_slave = -1 };
        int first, r;

        first = cmd_getopt(argc, argv, "L:W", 2, run_option, &l);
        if (first < 0) {
                launcher_done(&l);
                return -first;
        }
        l.name = argv[first];
        r = add_arguments(&l, argc, argv, first + 1) < 0 ? EXIT_FAILURE : launch(&l);
        launcher_done(&l);
        return r;
}

/* A command is mandatory: command=<non-empty> or command_argv... */
static int check_command(const struct launcher *l)
{
        const char *command = prop_value(l, "command");

        if (command && isempty(command)) {
                fprintf(stderr, "Exec with empty command is not supported\n");
                return -EINVAL;
        }
        if (command)
                return 0;
        for (size_t i = 0; i < l->n_props; i++)
                if (startswith(l->props[i].key, "command_argv"))
                        return 0;
        fprintf(stderr, "Exec needs a command: command=<command>\n");
        return -EINVAL;
}

int cmd_exec(int argc, char **argv)
{
        struct launcher l = interactive_launcher;
        int first, r;

        first = cmd_getopt(argc, argv, "CTL:", 2, exec_option, &l);
        if (first < 0) {
                launcher_done(&l);
                return -first;
        }
        l.name = argv[first];
        l.forward_tty = l.forward_tty && isatty(STDIN_FILENO);
        if (add_arguments(&l, argc, argv, first + 1) < 0 || check_command(&l) < 0)
                r = EXIT_FAILURE;
        else
                r = launch(&l);
        launcher_done(&l);
        return r;
}

/* ---- shell -------------------------------------------------------------------------- */

struct shell_opts {
        const char *user;
        const char *group;
};

static int shell_option(int opt, const char *arg, void *userdata)
{
        struct shell_opts *o = userdata;

        switch (opt) {
        case 'u':
                o->user = arg;
                return 0;
        case 'g':
                o->group = arg;
                return 0;
        default:
                return EXIT_FAILURE;
        }
}

static const char *shell_user(void)
{
        const char *u = getenv("SUDO_USER");

        if (isempty(u))
                u = getenv("USER");
        return isempty(u) ? "unknown" : u;
}

/* debian_chroot: names over 50 characters become first 24 + ".." + last 24. */
static char *chroot_label(const char *ct)
{
        size_t len = strlen(ct);

        if (len <= 50)
                return strdup(ct);
        return strdup_printf("%.24s..%s", ct, ct + len - 24);
}

static int shell_user_settings(struct launcher *l, const struct shell_opts *o)
{
        _cleanup_free_ char *group = NULL;

        if (!o->user)
                return o->group ? set_prop(l, "group", o->group) : 0;
        if (streq(o->user, "root")) {
                if (replace_str(&l->virt_mode, "os") < 0 || set_prop(l, "net", "inherited") < 0)
                        return -ENOMEM;
        } else if (set_prop(l, "user", o->user) < 0) {
                return -ENOMEM;
        }
        if (o->group) {
                group = strdup(o->group);
        } else {
                struct passwd *pw = getpwnam(o->user);
                struct group *gr = pw ? getgrgid(pw->pw_gid) : NULL;

                if (gr)
                        group = strdup(gr->gr_name);
        }
        if (!group || (streq(o->user, "root") && streq(group, "root")))
                return 0;
        return set_prop(l, "group", group);
}

static char *shell_name(const char *ct, const char *user)
{
        char *name = strdup_printf("%s/shell-%s-%d", ct, user, (int) getpid());

        /* A long user name must not make the name invalid: leave it out. */
        if (name && strlen(name) > CT_NAME_MAX) {
                free(name);
                name = strdup_printf("%s/shell-%d", ct, (int) getpid());
        }
        return name;
}

/* Tells the shell where it runs (Debian's prompt shows debian_chroot). */
static int shell_env(struct launcher *l, const char *ct, const char *user)
{
        _cleanup_free_ char *chroot = chroot_label(ct);

        if (!chroot)
                return -ENOMEM;
        if (strv_consume(&l->env, strdup_printf("debian_chroot=%s", chroot)) < 0 ||
            strv_consume(&l->env, strdup_printf("PORTO_SHELL_NAME=%s", ct)) < 0 ||
            strv_consume(&l->env, strdup_printf("PORTO_SHELL_USER=%s", user)) < 0)
                return -ENOMEM;
        return 0;
}

/* argv[0..argc): the command and its arguments, default /bin/bash. */
static int shell_settings(struct launcher *l, const char *ct, int argc, char **argv, const struct shell_opts *o)
{
        const char *user = shell_user();
        _cleanup_free_ char *command = argc > 0 ? strv_join(argv, " ") : strdup("/bin/bash");
        _cleanup_free_ char *private = strdup_printf("portoctl shell by %s", user);

        if (!command || !private)
                return -ENOMEM;
        if (set_prop(l, "command", command) < 0 || set_prop(l, "isolate", "false") < 0 ||
            set_prop(l, "private", private) < 0 || shell_env(l, ct, user) < 0)
                return -ENOMEM;
        return shell_user_settings(l, o);
}

int cmd_shell(int argc, char **argv)
{
        struct launcher l = interactive_launcher;
        struct shell_opts o = {};
        _cleanup_free_ char *name = NULL;
        int first, r;

        first = cmd_getopt(argc, argv, "u:g:", 1, shell_option, &o);
        if (first < 0)
                return -first;
        name = shell_name(argv[first], shell_user());
        if (!name || shell_settings(&l, argv[first], argc - first - 1, argv + first + 1, &o) < 0) {
                fprintf(stderr, "out of memory\n");
                launcher_done(&l);
                return EXIT_FAILURE;
        }
        l.name = name;
        l.forward_tty = isatty(STDIN_FILENO);
        r = launch(&l);
        launcher_done(&l);
        return r;
}
