/* porto-bench: figures of the client path against a running portod.
 *
 *   porto-bench [-s SOCKET] [-n N] [-c CONTAINERS] [-p PORTOCTL]
 *
 * Prints, one per line:
 *   - `portoctl exec` latency: median of N runs of the portoctl binary
 *     (`exec <name> command=true`, streams to /dev/null), milliseconds;
 *   - create/start/wait/destroy cycles per second through libporto
 *     (command=true), N cycles;
 *   - the same for an isolated meta container (start/stop instead of
 *     wait: its namespace holder comes and goes), N cycles;
 *   - `get` of 5 properties over CONTAINERS (default 1000) stopped
 *     containers, median of N calls, milliseconds.
 * A benchmark, not a test: it never fails on time, only on errors. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "porto.h"
#include "basic/parse.h"

#ifndef PORTOCTL_PATH
#define PORTOCTL_PATH "portoctl"
#endif

static const char *socket_path;
static const char *portoctl = PORTOCTL_PATH;

static double now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1000.0 + (double) ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *) a, y = *(const double *) b;

        return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
        qsort(v, (size_t) n, sizeof(double), cmp_double);
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die_api(struct porto_conn *conn, const char *what)
{
        fprintf(stderr, "porto-bench: %s: %s\n", what, porto_error_string(conn));
        exit(EXIT_FAILURE);
}

/* Run portoctl exec once; returns its wall time in ms, or < 0 on failure. */
static double portoctl_exec_once(int i)
{
        char name[64];
        double start = now_ms();
        pid_t pid;
        int status;

        snprintf(name, sizeof(name), "bench-exec-%d-%d", (int) getpid(), i);
        pid = fork();
        if (pid < 0)
                return -1;
        if (pid == 0) {
                int null = open("/dev/null", O_RDWR | O_CLOEXEC);

                if (null >= 0) {
                        dup2(null, STDIN_FILENO);
                        dup2(null, STDOUT_FILENO);
                }
                if (socket_path)
                        setenv(PORTO_SOCKET_ENV, socket_path, 1);
                execlp(portoctl, portoctl, "exec", name, "command=true", (char *) NULL);
                _exit(127);
        }
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                fprintf(stderr, "porto-bench: %s exec failed (status 0x%x)\n", portoctl, status);
                return -1;
        }
        return now_ms() - start;
}

static void bench_exec(int n)
{
        double *t = calloc((size_t) n, sizeof(double));

        if (!t)
                exit(EXIT_FAILURE);
        for (int i = 0; i < n; i++) {
                t[i] = portoctl_exec_once(i);
                if (t[i] < 0)
                        exit(EXIT_FAILURE);
        }
        printf("portoctl exec latency: median %.2f ms (N=%d)\n", median(t, n), n);
        free(t);
}

static void bench_cycles(struct porto_conn *conn, int n)
{
        char name[64];
        double start = now_ms(), elapsed;

        for (int i = 0; i < n; i++) {
                const char *const names[] = { name, NULL };
                struct porto_event *e = NULL;

                snprintf(name, sizeof(name), "bench-cycle-%d-%d", (int) getpid(), i);
                if (porto_create(conn, name) != 0)
                        die_api(conn, "create");
                if (porto_set_property(conn, name, "command", "true") != 0)
                        die_api(conn, "set command");
                if (porto_start(conn, name) != 0)
                        die_api(conn, "start");
                if (porto_wait(conn, names, NULL, 60000, &e) != 0)
                        die_api(conn, "wait");
                porto_event_free(e);
                if (porto_destroy(conn, name) != 0)
                        die_api(conn, "destroy");
        }
        elapsed = now_ms() - start;
        printf("create/start/wait/destroy: %.1f cycles/s (N=%d, %.2f ms per cycle)\n", n * 1000.0 / elapsed, n,
               elapsed / n);
}

/* A meta container with isolate (the default) starts portoinit --hold to
 * keep its namespaces; stop kills it once its (here: no) children are gone. */
static void bench_meta_cycles(struct porto_conn *conn, int n)
{
        char name[64];
        double start = now_ms(), elapsed;

        for (int i = 0; i < n; i++) {
                snprintf(name, sizeof(name), "bench-meta-%d-%d", (int) getpid(), i);
                if (porto_create(conn, name) != 0)
                        die_api(conn, "create");
                if (porto_start(conn, name) != 0)
                        die_api(conn, "start meta");
                if (porto_stop(conn, name, 30000) != 0)
                        die_api(conn, "stop meta");
                if (porto_destroy(conn, name) != 0)
                        die_api(conn, "destroy");
        }
        elapsed = now_ms() - start;
        printf("meta create/start/stop/destroy: %.1f cycles/s (N=%d, %.2f ms per cycle)\n", n * 1000.0 / elapsed,
               n, elapsed / n);
}

static void bench_get(struct porto_conn *conn, int n, int count)
{
        static const char *const props[] = { "state", "command", "cwd", "respawn_count", "owner_user", NULL };
        char **names = calloc((size_t) count + 1, sizeof(char *));
        double *t = calloc((size_t) n, sizeof(double));
        size_t values = 0, errors = 0;

        if (!names || !t)
                exit(EXIT_FAILURE);
        for (int i = 0; i < count; i++) {
                if (asprintf(&names[i], "bench-get-%d-%d", (int) getpid(), i) < 0)
                        exit(EXIT_FAILURE);
                if (porto_create(conn, names[i]) != 0)
                        die_api(conn, "create");
        }
        for (int i = 0; i < n; i++) {
                struct porto_get_result *res = NULL;
                double start = now_ms();

                if (porto_get(conn, (const char *const *) names, props, 0, &res) != 0)
                        die_api(conn, "get");
                t[i] = now_ms() - start;
                if (i == 0)
                        for (size_t c = 0; c < res->n_containers; c++)
                                for (size_t v = 0; v < res->containers[c].n_values; v++) {
                                        values++;
                                        errors += res->containers[c].values[v].error != 0;
                                }
                porto_get_result_free(res);
        }
        for (int i = 0; i < count; i++) {
                if (porto_destroy(conn, names[i]) != 0)
                        die_api(conn, "destroy");
                free(names[i]);
        }
        printf("get 5 properties x %d containers: median %.2f ms (N=%d, %zu values, %zu failed)\n", count,
               median(t, n), n, values, errors);
        free(names);
        free(t);
}

static void usage(void)
{
        printf("Usage: porto-bench [-s socket] [-n N] [-c containers] [-p portoctl]\n");
}

int main(int argc, char **argv)
{
        struct porto_conn *conn = NULL;
        int n = 20, count = 1000, opt;

        while ((opt = getopt(argc, argv, "s:n:c:p:h")) != -1) {
                switch (opt) {
                case 's':
                        socket_path = optarg;
                        break;
                case 'n':
                        if (parse_int(optarg, &n) < 0)
                                n = 0; /* refused below */
                        break;
                case 'c':
                        if (parse_int(optarg, &count) < 0)
                                count = 0;
                        break;
                case 'p':
                        portoctl = optarg;
                        break;
                case 'h':
                        usage();
                        return EXIT_SUCCESS;
                default:
                        usage();
                        return EXIT_FAILURE;
                }
        }
        if (n < 1 || count < 1) {
                usage();
                return EXIT_FAILURE;
        }
        if (porto_connect(socket_path, &conn) != 0 || porto_connect_now(conn) != 0) {
                if (conn)
                        die_api(conn, "connect");
                return EXIT_FAILURE;
        }
        bench_exec(n);
        bench_cycles(conn, n);
        bench_meta_cycles(conn, n);
        bench_get(conn, n, count);
        porto_disconnect(conn);
        return EXIT_SUCCESS;
}
