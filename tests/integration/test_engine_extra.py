"""Container engine behaviour that needs a daemon of its own (stop, restart,
worker crash) or other credentials than root's.

Each test here starts a private portod (util.Daemon) with its own socket,
state dir and cgroup prefix, so that it may stop or kill it freely; the
session daemon of conftest.py is not used."""

import json
import os
import shutil
import signal
import sys
import tempfile
import time

import pytest

from . import util
from .util import Daemon, cgroup_roots, pid_alive, wait_for, wait_state

_seq = [0]


@pytest.fixture
def private():
    """Factory of private daemons; everything they leave is removed (and
    reported as a failure) at the end of the test."""
    made = []

    def make(config_text="", cls=Daemon, **kwargs):
        _seq[0] += 1
        tmp = tempfile.mkdtemp(prefix="porto-eng-")
        prefix = "porto-eng-%d-%d" % (os.getpid(), _seq[0])
        d = cls(tmp, prefix, config_text, **kwargs)
        made.append(d)
        d.start()
        return d

    yield make
    leaks = []
    keep = os.environ.get("PORTO_IT_KEEP_LOGS")
    for d in made:
        if d.alive():
            d.destroy_all()
            d.stop()
        leaks += d.leftovers()
        if keep:    # as conftest.py does: sanitizer reports of an ASan build
            os.makedirs(keep, exist_ok=True)
            for path in (d.out, d.log):
                if os.path.exists(path):
                    shutil.copy(path, os.path.join(keep, "%s-%s" % (d.prefix, os.path.basename(path))))
        if not leaks:
            shutil.rmtree(str(d.tmp), ignore_errors=True)
    assert not leaks, "private portod leaked:\n  " + "\n  ".join(leaks)


def connect(d, **kwargs):
    import porto
    return porto.Connection(socket_path=d.socket, timeout=20, **kwargs)


CONTROLLERS = {"freezer", "memory", "cpu", "cpuacct", "cpuset", "devices", "blkio", "pids",
               "hugetlb", "net_cls"}


def daemon_roots(prefix):
    """[(label, <own>/<prefix> dir)] of the hierarchies portod uses: those
    of its controllers (not name=systemd, nor the hybrid layout's empty
    unified one)."""
    return [(label, top) for label, top in cgroup_roots(prefix)
            if CONTROLLERS & set(label.split(","))]


def freezer_pids(prefix, name):
    for label, top in cgroup_roots(prefix):
        if "freezer" in label.split(","):
            with open(os.path.join(top, name, "cgroup.procs")) as f:
                return [int(x) for x in f.read().split()]
    return []


def sigterm_master(d):
    """`portod` without stopping containers: SIGTERM to the master."""
    os.kill(d.proc.pid, signal.SIGTERM)
    d.proc.wait(20)
    worker = d.worker_pid()
    if worker:
        wait_for(lambda: not pid_alive(worker), 10, msg="worker exit after SIGTERM")
    d.proc = None


# ---------------------------------------------------------------------------
# 1. `portod stop` leaves nothing behind

def test_sigint_removes_root_cgroups(private):
    d = private()
    c = connect(d)
    c.Create("a")
    c.SetProperty("a", "command", "sleep 1000")
    c.Start("a")
    c.Create("a/b")
    c.SetProperty("a/b", "command", "sleep 1000")
    c.Start("a/b")
    c.Create("m")           # meta container with a running child
    c.Create("m/x")
    c.SetProperty("m/x", "command", "sleep 1000")
    c.Start("m/x")
    pids = [int(c.GetProperty(n, "root_pid")) for n in ("a", "a/b", "m/x")]
    pids += freezer_pids(d.prefix, "a")
    c.disconnect()
    roots = daemon_roots(d.prefix)
    assert roots and all(os.path.isdir(top) for _, top in roots), roots

    problems = d.stop()
    assert not problems, problems
    left = [top for _, top in roots if os.path.exists(top)]
    assert not left, "root cgroups left after SIGINT: %s\n%s" % (left, d.read_logs()[-3000:])
    alive = [p for p in pids if pid_alive(p)]
    assert not alive, "container processes survived `portod stop`: %s" % alive


def test_sigterm_keeps_root_cgroups_and_containers(private):
    d = private()
    c = connect(d)
    c.Create("a")
    c.SetProperty("a", "command", "sleep 1000")
    c.Start("a")
    pid = int(c.GetProperty("a", "root_pid"))
    c.disconnect()
    roots = daemon_roots(d.prefix)

    sigterm_master(d)
    assert pid_alive(pid), "SIGTERM must leave containers running"
    gone = [top for _, top in roots if not os.path.isdir(top)]
    assert not gone, "SIGTERM removed root cgroups: %s" % gone

    # The next daemon finds the container running, and a stop then cleans up.
    d.start()
    c = connect(d)
    assert c.GetProperty("a", "state") == "running"
    assert int(c.GetProperty("a", "root_pid")) == pid
    c.disconnect()
    assert not d.stop()
    assert not pid_alive(pid)
    assert not [top for _, top in roots if os.path.exists(top)]


# ---------------------------------------------------------------------------
# 2. Client identification is cached per connection (protocol.md 1.5)

INSIDE_SCRIPT = r'''
import sys
sys.path.insert(0, %(python)r)
import porto
a = porto.Connection(socket_path=%(socket)r)
b = porto.Connection(socket_path=%(socket)r)
print(a.GetProperty("self", "absolute_name"))
# other containers come and go (each one freed changes what a cached
# identification may rely on) between requests of connection a
for i in range(5):
    b.Create("self/tmp%%d" %% i)
    print(a.GetProperty("self/tmp%%d" %% i, "absolute_name"))
    b.Destroy("self/tmp%%d" %% i)
    print(a.GetProperty("self", "absolute_name"))
a.Create("self/kid")
print(a.GetProperty("self/kid", "absolute_name"))
'''


def test_identification_survives_other_containers_freed(portod):
    c = portod.conn()
    script = os.path.join(portod.tmp, "inside_ident.py")
    with open(script, "w") as f:
        f.write(INSIDE_SCRIPT % {"python": str(util.PYTHON_DIR), "socket": portod.socket})
    os.chmod(script, 0o644)
    c.Create("ident")
    c.SetProperty("ident", "command", "%s %s" % (sys.executable, script))
    c.Start("ident")
    c.WaitContainers(["ident"], timeout=30)
    assert c.GetProperty("ident", "exit_code") == "0", c.GetProperty("ident", "stderr")
    want = ["/porto/ident"]
    for i in range(5):
        want += ["/porto/ident/tmp%d" % i, "/porto/ident"]
    want += ["/porto/ident/kid"]
    assert c.GetProperty("ident", "stdout").split() == want
    assert "ident/kid" in c.List()


FD_PASS_SCRIPT = r'''
import socket, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(%(porto)r)
t = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
t.connect(%(back)r)
socket.send_fds(t, [b"x"], [s.fileno()])
time.sleep(1000)
'''


def test_connection_of_dead_container_is_closed(portod):
    """A connection made inside a container stays that container's; once
    the container is no longer alive (its identification cache is stale),
    the next request finds no live container and the daemon closes the
    connection without a reply."""
    import socket
    from .util import RawConn, request
    back_path = os.path.join(portod.tmp, "fdpass.sock")
    back = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    back.bind(back_path)
    os.chmod(back_path, 0o666)
    back.listen(1)
    back.settimeout(20)
    script = os.path.join(portod.tmp, "fdpass.py")
    with open(script, "w") as f:
        f.write(FD_PASS_SCRIPT % {"porto": portod.socket, "back": back_path})
    c = portod.conn()
    c.Create("fdp")
    c.SetProperty("fdp", "command", "%s %s" % (sys.executable, script))
    c.Start("fdp")
    peer, _ = back.accept()
    _, fds, _, _ = socket.recv_fds(peer, 1, 1)
    peer.close()
    back.close()
    assert len(fds) == 1
    rc = RawConn.__new__(RawConn)
    rc.path = portod.socket
    rc.sock = socket.socket(fileno=fds[0])
    rc.sock.settimeout(10)
    try:
        rsp = rc.call(request("getProperty", name="self", property="absolute_name"))
        assert rsp.error == 0 and rsp.getProperty.value == "/porto/fdp"
        rsp = rc.call(request("getProperty", name="self", property="absolute_name"))
        assert rsp.getProperty.value == "/porto/fdp"
        c.Kill("fdp", 9)
        wait_state(c, "fdp", "dead")
        rc.send(request("getProperty", name="self", property="absolute_name"))
        assert rc.is_closed_by_peer(), "request from a dead container was served"
    finally:
        rc.close()


# ---------------------------------------------------------------------------
# 3. Who may change what (protocol.md 1.5)

def as_user(uid, gid, groups, fn):
    """Run fn() in a forked child with the given credentials; returns what
    it returns (JSON-able), or raises with the child's exception."""
    import porto  # noqa: F401 - imported before the fork, the child may not read it
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            signal.alarm(0)
            os.setgroups(groups)
            os.setgid(gid)
            os.setuid(uid)
            data = json.dumps({"result": fn()})
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            data = json.dumps({"exception": repr(exc)})
        try:
            os.write(w, data.encode())
        finally:
            os._exit(0)
    os.close(w)
    out = b""
    with os.fdopen(r, "rb") as f:
        out = f.read()
    os.waitpid(pid, 0)
    res = json.loads(out.decode() or '{"exception": "child wrote nothing"}')
    if "exception" in res:
        raise AssertionError("child as uid %d failed: %s" % (uid, res["exception"]))
    return res["result"]


def attempt(fn, *args):
    """'ok', or 'ErrorClass: message' of a porto error."""
    try:
        fn(*args)
        return "ok"
    except Exception as exc:  # noqa: BLE001 - porto.exceptions.*
        return "%s: %s" % (type(exc).__name__, exc)


NOBODY = 65534


def test_unprivileged_client_is_read_only(portod):
    """A non-root client outside group `porto` may read but not write."""
    c = portod.conn()
    c.Create("perm-ro")
    c.SetProperty("perm-ro", "command", "sleep 5")
    sock = portod.socket

    def child():
        import porto
        n = porto.Connection(socket_path=sock)
        return {"list": "perm-ro" in n.List(),
                "state": n.GetProperty("perm-ro", "state"),
                "get": n.Get(["perm-ro"], ["command"])["perm-ro"]["command"],
                "create": attempt(n.Create, "perm-ro2"),
                "set": attempt(n.SetProperty, "perm-ro", "command", "false"),
                "destroy": attempt(n.Destroy, "perm-ro")}

    got = as_user(NOBODY, NOBODY, [], child)
    assert got["list"] and got["state"] == "stopped" and got["get"] == "sleep 5"
    for op in ("create", "set", "destroy"):
        assert got[op].startswith("Permission:") and "Write access denied" in got[op], got
    assert "perm-ro2" not in c.List()
    assert c.GetProperty("perm-ro", "command") == "sleep 5"


class GroupsDaemon(Daemon):
    """A daemon that sees its own /etc/group (a bind mount in a private
    mount namespace): group rules are tested without touching the
    system's user database."""

    def __init__(self, tmpdir, prefix, config_text="", extra_groups=""):
        super().__init__(tmpdir, prefix, config_text)
        self.group_file = str(self.tmp / "group")
        with open("/etc/group") as f:
            real = f.read()
        with open(self.group_file, "w") as f:
            f.write(real.rstrip("\n") + "\n" + extra_groups)
        os.chmod(self.group_file, 0o644)

    def argv(self):
        return ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                'mount --bind "$0" /etc/group && exec "$@"', self.group_file] + super().argv()


def free_gids(n, start=42000):
    used = set()
    with open("/etc/group") as f:
        for line in f:
            parts = line.split(":")
            if len(parts) > 2 and parts[2].isdigit():
                used.add(int(parts[2]))
    out = []
    g = start
    while len(out) < n:
        if g not in used:
            out.append(g)
        g += 1
    return out


def test_control_by_owner_and_groups(private):
    """Control (1.5): super-user; effective uid == owner; owner in
    porto-containers; owner in <client-user>-containers."""
    import pwd
    for user in ("daemon", "bin", "sys", "nobody"):
        pwd.getpwnam(user)      # Debian's base users
    g_porto, g_pc, g_nc = free_gids(3)
    d = private(cls=GroupsDaemon, extra_groups=(
        "porto:x:%d:\n"
        "porto-containers:x:%d:daemon\n"      # daemon's containers: anyone's
        "nobody-containers:x:%d:bin\n"        # bin's containers: also nobody's
        % (g_porto, g_pc, g_nc)))
    sock = d.socket
    uid = {u: pwd.getpwnam(u).pw_uid for u in ("daemon", "bin", "sys", "nobody")}

    def create(name):
        def fn():
            import porto
            n = porto.Connection(socket_path=sock)
            n.Create(name)
            return n.GetProperty(name, "owner_user")
        return fn

    c = connect(d)
    c.Create("r")                          # owned by root
    for user, name in (("nobody", "nb"), ("daemon", "dm"), ("bin", "bn"), ("sys", "sy")):
        owner = as_user(uid[user], uid[user], [g_porto], create(name))
        assert owner == user

    def try_set(names):
        def fn():
            import porto
            n = porto.Connection(socket_path=sock)
            return {name: attempt(n.SetProperty, name, "command", "sleep 1") for name in names}
        return fn

    names = ["r", "nb", "dm", "bn", "sy"]
    got = as_user(uid["nobody"], uid["nobody"], [g_porto], try_set(names))
    assert got["nb"] == "ok"               # own container
    assert got["dm"] == "ok"               # owner daemon is in porto-containers
    assert got["bn"] == "ok"               # owner bin is in nobody-containers
    assert got["r"].startswith("Permission:"), got
    assert got["sy"].startswith("Permission:"), got
    assert "porto-containers" in got["sy"] and "nobody-containers" in got["sy"], got

    got = as_user(uid["sys"], uid["sys"], [g_porto], try_set(names))
    assert got["sy"] == "ok" and got["dm"] == "ok"
    for name in ("r", "nb", "bn"):         # bin is not in sys-containers
        assert got[name].startswith("Permission:"), got

    # root controls containers of other owners
    c.SetProperty("nb", "command", "true")
    c.Start("nb")
    c.WaitContainers(["nb"], timeout=10)
    assert c.GetProperty("nb", "exit_code") == "0"
    c.SetLabel("nb", "TEST.x", "1")
    c.Destroy("nb")
    c.Destroy("bn")
    assert "nb" not in c.List() and "bn" not in c.List()
    c.disconnect()


# ---------------------------------------------------------------------------
# 5. Persistence: the worker killed with SIGKILL (the master respawns it)

PERSIST_PROPS = [
    "state", "id", "level", "owner_user", "owner_group", "command", "command_argv", "env",
    "env_secret", "user", "group", "umask", "ulimit", "cwd", "stdin_path", "stdout_path",
    "stderr_path", "stdout_limit", "virt_mode", "isolate", "hostname", "private", "labels",
    "weak", "respawn", "respawn_count", "max_respawns", "respawn_delay", "aging_time",
    "root_pid", "exit_code", "exit_status", "oom_killed", "core_dumped", "start_error",
    "stdout", "stderr", "stdout_offset", "stderr_offset", "stdout[:5]",
    "creation_time[raw]", "start_time[raw]", "death_time[raw]", "change_time[raw]",
    "controllers", "cgroups", "absolute_name", "parent",
]


def snapshot(d, props=PERSIST_PROPS):
    """{name: {property: (error, value)}} of every container, through the
    raw protocol (no value conversions)."""
    names = [n for n in util.raw_call(d.socket, "list", mask="***").list.name if n != "/"]
    rsp = util.raw_call(d.socket, "get", name=names, variable=props)
    assert rsp.error == 0, rsp.errorMsg
    out = {}
    for ct in rsp.get.list:
        out[ct.name] = {kv.variable: (kv.error, kv.value) if kv.HasField("error") else (0, kv.value)
                        for kv in ct.keyval}
    return out


def kill_worker(d, before_kill=None):
    """SIGKILL the worker; wait for the master to run a new one that
    answers. before_kill() runs while the old worker is stopped (SIGSTOP),
    so whatever it causes happens during the outage."""
    old = d.worker_pid()
    assert old and old != d.proc.pid
    if before_kill:
        os.kill(old, signal.SIGSTOP)
        try:
            before_kill()
        finally:
            os.kill(old, signal.SIGKILL)
    else:
        os.kill(old, signal.SIGKILL)
    wait_for(lambda: not pid_alive(old), 10, msg="old worker gone")
    new = wait_for(lambda: (d.worker_pid() or old) != old and d.worker_pid(), 20, msg="new worker")

    def answers():
        return util.raw_call(d.socket, "version").error == 0
    wait_for(answers, 20, msg="new worker answering")
    assert d.alive(), "the master died with its worker"
    return new


def start_rotated(c, name):
    """A running container whose stdout (300 KB, then "end") went past its
    64K stdout_limit: rotated, stdout_offset > 0."""
    c.Create(name)
    c.SetProperty(name, "stdout_limit", "64K")
    c.SetProperty(name, "command", util.sh("head -c 300000 /dev/zero | tr '\\0' x; echo; echo end; "
                                           "echo err >&2; exec sleep 1000"))
    c.Start(name)
    wait_for(lambda: "end" in c.GetProperty(name, "stdout"), 10, msg="%s output" % name)
    wait_for(lambda: int(c.GetProperty(name, "stdout_offset")) > 0, 10, msg="stdout rotation")


def diff(before, after):
    out = []
    for name in sorted(set(before) | set(after)):
        if name not in before or name not in after:
            out.append("%s: %s" % (name, "appeared" if name not in before else "vanished"))
            continue
        for prop in sorted(set(before[name]) | set(after[name])):
            if before[name].get(prop) != after[name].get(prop):
                out.append("%s %s: %r -> %r" % (name, prop, before[name].get(prop), after[name].get(prop)))
    return out


def test_worker_sigkill_restores_everything(private):
    d = private()
    c = connect(d)
    # running, with most configuration set
    c.Create("run")
    for k, v in (("command", "sleep 1000"), ("env", "A=1; B=2\\; x"), ("env_secret", "S=hidden"),
                 ("ulimit", "nofile: 1000 2000; core: 0"), ("umask", "0027"), ("private", "p-text"),
                 ("labels", "TEST.a: 1; TEST.b: two"), ("respawn", "false"), ("max_respawns", "3"),
                 ("respawn_delay", "2s"), ("aging_time", "3600"), ("stdout_limit", "1M"),
                 ("hostname", "h-run"), ("cwd", "/tmp"), ("user", "nobody"), ("group", "nogroup"),
                 ("capabilities", "CHOWN;KILL;NET_BIND_SERVICE"), ("capabilities_ambient", "NET_BIND_SERVICE"),
                 ("devices", "/dev/fuse rw"), ("enable_porto", "read-only"), ("porto_namespace", "x-")):
        c.SetProperty("run", k, v)
    c.Start("run")
    # output beyond stdout_limit: the stored text is rotated, offsets > 0
    start_rotated(c, "rot")
    # dead, with an exit code and output
    c.Create("dead")
    c.SetProperty("dead", "command", util.sh("echo out; echo err >&2; exit 3"))
    c.SetProperty("dead", "command_argv", "/bin/sh\t-c\techo out; echo err >&2; exit 3")
    c.Start("dead")
    c.WaitContainers(["dead"], timeout=10)
    # stopped, configured only
    c.Create("stopped")
    c.SetProperty("stopped", "command", "true")
    c.SetLabel("stopped", "TEST.x", "y")
    # meta with a running child, and a paused one
    c.Create("meta")
    c.Create("meta/kid")
    c.SetProperty("meta/kid", "command", "sleep 1000")
    c.Start("meta/kid")
    c.Create("paused")
    c.SetProperty("paused", "command", "sleep 1000")
    c.Start("paused")
    c.Pause("paused")
    c.disconnect()
    time.sleep(1.1)     # so that a wrongly refreshed time shows
    before = snapshot(d)
    assert before["dead"]["exit_code"] == (0, "3")
    assert before["paused"]["state"] == (0, "paused")

    kill_worker(d)
    after = snapshot(d)
    assert not diff(before, after), "changed by a worker restart:\n  " + "\n  ".join(diff(before, after))

    # the restored containers still work
    c = connect(d)
    c.Resume("paused")
    assert c.GetProperty("paused", "state") == "running"
    c.Kill("run", 9)
    wait_state(c, "run", "dead")
    assert c.GetProperty("run", "exit_code") == "-9"
    c.Stop("meta")
    assert c.GetProperty("meta/kid", "state") == "stopped"
    c.disconnect()


def test_exit_during_worker_outage_keeps_real_status(private):
    d = private()
    c = connect(d)
    go = os.path.join(str(d.tmp), "go")
    script = "while [ ! -e %s ]; do sleep 0.02; done; echo bye; exit 7" % go
    c.Create("ex")
    c.SetProperty("ex", "command", util.sh(script))
    c.Start("ex")
    c.Create("sig")
    c.SetProperty("sig", "command", "sleep 1000")
    c.SetProperty("sig", "isolate", "false")   # no portoinit between: the master's own child
    c.Start("sig")
    pid_ex = int(c.GetProperty("ex", "root_pid"))
    pid_sig = int(c.GetProperty("sig", "root_pid"))
    c.disconnect()

    def outage():
        open(go, "w").close()
        os.kill(pid_sig, signal.SIGKILL)
        wait_for(lambda: not pid_alive(pid_ex) and not pid_alive(pid_sig), 10,
                 msg="exits during the outage")
        time.sleep(0.2)     # the master reaps them and queues the statuses

    kill_worker(d, outage)
    c = connect(d)
    wait_state(c, "ex", "dead")
    wait_state(c, "sig", "dead")
    assert c.GetProperty("ex", "exit_code") == "7"
    assert c.GetProperty("ex", "exit_status") == str(7 << 8)
    assert c.GetProperty("ex", "stdout").strip() == "bye"
    assert c.GetProperty("sig", "exit_code") == "-9"
    assert c.GetProperty("sig", "exit_status") == "9"
    c.disconnect()


def test_weak_containers_go_with_the_worker(private):
    """Weak containers belong to a connection; a worker restart closes
    every connection, so they do not come back."""
    d = private()
    c = connect(d)
    c.CreateWeakContainer("weak")
    c.SetProperty("weak", "command", "sleep 1000")
    c.Start("weak")
    pid = int(c.GetProperty("weak", "root_pid"))
    c.Create("strong")
    kill_worker(d)
    c2 = connect(d)
    names = c2.List()
    assert "strong" in names and "weak" not in names, names
    wait_for(lambda: not pid_alive(pid), 10, msg="weak container's process killed")
    c2.disconnect()
