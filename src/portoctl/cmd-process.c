/* Processes and paths: find, attach, convert (spec/portoctl.md section 12). */
#include "portoctl.h"
#include "rpc.pb-c.h"
#include "basic/fileio.h"
#include "basic/parse.h"

/* The pid argument and the comm to check it against (default: the local
 * /proc/<pid>/comm). */
static int pid_and_comm(const char *pid_arg, const char *comm_arg, uint32_t *ret_pid, char **ret_comm)
{
        _cleanup_free_ char *path = NULL;
        char *comm = NULL;
        uint32_t pid;

        if (parse_u32(pid_arg, &pid) < 0 || pid == 0) {
                fprintf(stderr, "Can't parse pid %s\n", pid_arg);
                return -EINVAL;
        }
        if (comm_arg) {
                comm = strdup(comm_arg);
        } else {
                if (asprintf(&path, "/proc/%u/comm", pid) < 0)
                        return -ENOMEM;
                if (read_line(path, &comm) < 0)
                        comm = strdup(""); /* let the daemon judge the pid */
        }
        if (!comm)
                return -ENOMEM;
        *ret_pid = pid;
        *ret_comm = comm;
        return 0;
}

int cmd_find(int argc, char **argv)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TLocateProcessRequest loc = RPC__TLOCATE_PROCESS_REQUEST__INIT;
        Rpc__TContainerResponse *rsp = NULL;
        _cleanup_free_ char *comm = NULL;
        uint32_t pid;
        int r;

        if (pid_and_comm(argv[1], argc > 2 ? argv[2] : NULL, &pid, &comm) < 0)
                return EXIT_FAILURE;
        loc.pid = pid;
        loc.comm = comm;
        req.locateprocess = &loc;
        r = porto_call(api(), &req, &rsp);
        if (r != 0) {
                porto_response_free(rsp);
                return print_api_error("Can't locate process");
        }
        printf("%s\n", rsp->locateprocess && rsp->locateprocess->name ? rsp->locateprocess->name : "");
        porto_response_free(rsp);
        return EXIT_SUCCESS;
}

static int attach_option(int opt, const char *arg _unused_, void *userdata)
{
        bool *thread = userdata;

        if (opt != 't')
                return EXIT_FAILURE;
        *thread = true;
        return 0;
}

int cmd_attach(int argc, char **argv)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TAttachProcessRequest a = RPC__TATTACH_PROCESS_REQUEST__INIT;
        _cleanup_free_ char *comm = NULL;
        bool thread = false;
        uint32_t pid;
        int first;

        first = cmd_getopt(argc, argv, "t", 2, attach_option, &thread);
        if (first < 0)
                return -first;
        if (pid_and_comm(argv[first + 1], first + 2 < argc ? argv[first + 2] : NULL, &pid, &comm) < 0)
                return EXIT_FAILURE;
        a.name = argv[first];
        a.pid = pid;
        a.comm = comm;
        if (thread)
                req.attachthread = &a;
        else
                req.attachprocess = &a;
        if (porto_call(api(), &req, NULL) != 0)
                return print_api_error(thread ? "Can't attach thread" : "Can't attach process");
        return EXIT_SUCCESS;
}

struct convert_opts {
        const char *source;
        const char *destination;
};

static int convert_option(int opt, const char *arg, void *userdata)
{
        struct convert_opts *o = userdata;

        switch (opt) {
        case 's':
                o->source = arg;
                return 0;
        case 'd':
                o->destination = arg;
                return 0;
        default:
                return EXIT_FAILURE;
        }
}

int cmd_convert(int argc, char **argv)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TConvertPathRequest c = RPC__TCONVERT_PATH_REQUEST__INIT;
        Rpc__TContainerResponse *rsp = NULL;
        struct convert_opts o = {};
        int first;

        first = cmd_getopt(argc, argv, "s:d:", 1, convert_option, &o);
        if (first < 0)
                return -first;
        if (argc - first != 1) {
                fprintf(stderr, "convert: exactly one path is expected\n");
                return EXIT_FAILURE;
        }
        c.path = argv[first];
        c.source = (char *) o.source;
        c.destination = (char *) o.destination;
        req.convertpath = &c;
        if (porto_call(api(), &req, &rsp) != 0) {
                porto_response_free(rsp);
                return print_api_error("Can't convert path");
        }
        printf("%s\n", rsp->convertpath && rsp->convertpath->path ? rsp->convertpath->path : "");
        porto_response_free(rsp);
        return EXIT_SUCCESS;
}
