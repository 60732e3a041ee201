"""Daemon-wide calls and commands (protocol.md 1.10, 10.20; issue 5):
GetSystem/SetSystem, the frozen daemon, and the `portod` control commands
get/set/freeze/unfreeze/dump/reload."""

import os
import pwd
import signal
import subprocess
import time

from . import util
from .test_engine_extra import (  # noqa: F401 - `private` is a fixture
    GroupsDaemon, as_user, connect, daemon_roots, free_gids, kill_worker, private, sigterm_master,
    start_rotated)
from .util import EError, rpc_pb2, wait_for, wait_state

OK = EError.Value("Success")


def get_system(sock):
    rsp = util.raw_call(sock, "GetSystem")
    assert rsp.error == OK, rsp.errorMsg
    assert rsp.HasField("GetSystem")
    return rsp.GetSystem


def required_fields(msg_type):
    return [f.name for f in msg_type.DESCRIPTOR.fields if f.label == f.LABEL_REQUIRED]


# ---------------------------------------------------------------------------
# GetSystem

def test_get_system_fills_every_required_field(portod):
    rsp = util.raw_call(portod.socket, "GetSystem")
    assert rsp.error == OK, rsp.errorMsg
    s = rsp.GetSystem
    assert s.IsInitialized(), s.FindInitializationErrors()
    missing = [f for f in required_fields(rpc_pb2.TGetSystemResponse) if not s.HasField(f)]
    assert not missing
    assert not s.UnknownFields() if hasattr(s, "UnknownFields") else True
    # Re-parse the bytes of the payload alone: fixed64 counters decode only
    # with wire type 1.
    again = rpc_pb2.TGetSystemResponse()
    again.ParseFromString(s.SerializeToString())
    assert again.IsInitialized()

    ver = util.raw_call(portod.socket, "version").version
    assert s.porto_version == ver.tag and s.porto_revision == ver.revision
    assert s.kernel_version == os.uname().release
    assert s.porto_starts >= 1
    assert s.master_uptime >= s.porto_uptime
    assert s.container_limit > 0 and s.client_max > 0
    assert s.client_count >= 1 and s.client_connected >= s.client_count
    assert s.request_threads == 1
    assert s.request_queued == 1          # this very request
    assert s.request_completed > 0
    assert not s.HasField("frozen")       # 10.20: not reported
    assert s.volume_count == 0 and s.layer_import == 0


def test_get_system_counts_containers_and_requests(portod):
    c = portod.conn()
    before = get_system(portod.socket)
    c.Create("sys-a")
    c.Create("sys-b")
    c.SetProperty("sys-a", "command", "sleep 100")
    c.Start("sys-a")
    c.SetProperty("sys-b", "command", "/nonexistent/binary")
    try:
        c.Start("sys-b")
    except Exception:  # noqa: BLE001 - the start must fail
        pass
    r = util.raw_call(portod.socket, "setProperty", name="sys-b", property="aging_time", value="lots")
    assert r.error == EError.Value("InvalidValue")
    r = util.raw_call(portod.socket, "getProperty", name="sys-nope", property="state")
    assert r.error == EError.Value("ContainerDoesNotExist")
    after = get_system(portod.socket)

    assert after.container_count == before.container_count + 2
    assert after.container_running == before.container_running + 1
    assert after.container_created == before.container_created + 2
    assert after.container_started == before.container_started + 1
    assert after.container_start_failed == before.container_start_failed + 1
    assert after.fail_invalid_value == before.fail_invalid_value + 1
    assert after.request_failed >= before.request_failed + 3
    assert after.request_completed >= before.request_completed + 8
    assert after.client_connected > before.client_connected


def test_porto_starts_counts_worker_restarts(private):
    d = private()
    s = get_system(d.socket)
    assert s.porto_starts == 1
    time.sleep(1.1)
    kill_worker(d)
    s2 = get_system(d.socket)
    assert s2.porto_starts == 2
    assert s2.master_uptime >= 1 and s2.porto_uptime <= s2.master_uptime


def log_size_and_lines(d):
    with open(d.log, "rb") as f:
        data = f.read()
    return len(data), data.count(b"\n")


class FileLogDaemon(util.Daemon):
    """Logs to its --log file (not stderr): log_open counts opens."""
    def argv(self):
        return [a for a in super().argv() if a != "--stdlog"]


def test_log_counters_match_the_log_file(private):
    """log_lines/log_bytes count what master and workers wrote to the log
    (the file is new: it holds exactly that), across a worker restart."""
    d = private(cls=FileLogDaemon)
    util.raw_call(d.socket, "create", name="logcount")

    def settled():
        s = get_system(d.socket)
        return (s.log_bytes, s.log_lines) == log_size_and_lines(d) and s
    s = wait_for(settled, 10, msg="log counters equal to the log file")
    assert s.log_lines > 2 and s.log_open >= 2          # master and worker opened it
    assert s.log_lines_lost == 0 and s.log_bytes_lost == 0
    kill_worker(d)
    s2 = wait_for(settled, 10, msg="log counters equal to the log file after a worker restart")
    assert s2.log_lines > s.log_lines and s2.log_open > s.log_open


def test_counters_survive_worker_restart(private):
    d = private()
    c = util.raw_call
    assert c(d.socket, "create", name="keep-a").error == OK
    assert c(d.socket, "getProperty", name="nope", property="state").error != OK
    before = get_system(d.socket)
    assert before.container_created == 1
    kill_worker(d)
    after = get_system(d.socket)
    assert after.porto_starts == 2
    assert after.container_created == 1
    assert after.request_failed >= before.request_failed
    assert after.request_completed > before.request_completed
    assert after.client_connected > before.client_connected
    assert after.request_queued == 1                    # only this request


def test_oom_and_aging_counters(private):
    d = private()
    c = connect(d)
    c.Create("oom")
    c.SetProperty("oom", "memory_limit", "64M")
    c.SetProperty("oom", "command", "/usr/bin/python3 -c 'b = bytearray(200 << 20); import time; time.sleep(5)'")
    c.Start("oom")
    c.WaitContainers(["oom"], timeout=30)
    assert c.GetProperty("oom", "oom_killed") is True
    s = get_system(d.socket)
    assert s.container_oom == 1 and s.container_buried == 0
    c.Create("aged")
    c.SetProperty("aged", "command", "true")
    c.SetProperty("aged", "aging_time", "1")
    c.Start("aged")
    wait_for(lambda: "aged" not in c.List(), 15, msg="aged container destroyed")
    s = get_system(d.socket)
    assert s.container_buried == 1 and s.container_oom == 1
    c.Destroy("oom")                                    # by hand: not buried
    s = get_system(d.socket)
    assert s.container_buried == 1
    c.disconnect()
    kill_worker(d)
    s = get_system(d.socket)
    assert (s.container_oom, s.container_buried) == (1, 1)


def test_stream_rotation_counted(private):
    d = private()
    c = connect(d)
    start_rotated(c, "rot")
    offset = int(c.GetProperty("rot", "stdout_offset"))
    s = get_system(d.socket)
    assert s.stream_rotate_bytes == offset and s.stream_rotate_errors == 0
    c.disconnect()


def nofile_limits(pid):
    with open("/proc/%d/limits" % pid) as f:
        for line in f:
            if line.startswith("Max open files"):
                soft, hard = line.split()[3:5]
                return int(soft), int(hard)
    raise AssertionError("no Max open files in /proc/%d/limits" % pid)


def test_daemon_raises_its_open_files_soft_limit(private):
    """Started with a low soft RLIMIT_NOFILE, master and worker raise it to
    the hard limit (they serve many clients and containers) and say so."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    low = min(soft, 512)
    assert hard > low, "the hard limit leaves nothing to raise"
    resource.setrlimit(resource.RLIMIT_NOFILE, (low, hard))
    try:
        d = private()                                   # inherits the low soft limit
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert nofile_limits(d.proc.pid) == (hard, hard)
    assert nofile_limits(d.worker_pid()) == (hard, hard)
    assert "soft raised from %d to the hard %d" % (low, hard) in d.read_logs(), d.log_tail()
    kill_worker(d)                                      # a restarted worker too
    assert nofile_limits(d.worker_pid()) == (hard, hard)


# ---------------------------------------------------------------------------
# SetSystem

def set_system(sock, **fields):
    return util.raw_call(sock, "SetSystem", **fields)


def test_set_system_switches_logging(private):
    d = private()
    s = get_system(d.socket)
    assert not s.verbose and not s.debug
    r = set_system(d.socket, debug=True)
    assert r.error == OK and r.HasField("SetSystem")
    s = get_system(d.socket)
    assert s.verbose and s.debug                  # debug implies verbose
    util.raw_call(d.socket, "list", mask="marker-verbose-*")
    wait_for(lambda: "marker-verbose-*" in d.read_logs(), 5, msg="read request logged when verbose")
    assert set_system(d.socket, verbose=False).error == OK
    s = get_system(d.socket)
    assert not s.verbose and not s.debug          # verbose off clears debug
    util.raw_call(d.socket, "list", mask="marker-quiet-*")
    time.sleep(0.3)
    assert "marker-quiet-*" not in d.read_logs()
    assert set_system(d.socket, verbose=True).error == OK
    s = get_system(d.socket)
    assert s.verbose and not s.debug


def porto_user_daemon(private):
    g_porto, = free_gids(1)
    d = private(cls=GroupsDaemon, extra_groups="porto:x:%d:\n" % g_porto)
    return d, pwd.getpwnam("daemon").pw_uid, g_porto


def test_set_system_is_for_the_super_user(private):
    d, uid, gid = porto_user_daemon(private)
    sock = d.socket

    def child():
        r = util.raw_call(sock, "SetSystem", frozen=True)
        return [EError.Name(r.error), r.errorMsg, r.HasField("SetSystem")]

    name, msg, has_payload = as_user(uid, uid, [gid], child)
    assert name == "Permission" and "super-user" in msg
    assert has_payload                            # kept on error (1.9)
    # nothing changed
    def create():
        return EError.Name(util.raw_call(sock, "create", name="su-check").error)
    assert as_user(uid, uid, [gid], create) == "Success"


def test_frozen_daemon_refuses_changes_but_serves_reads(private):
    d, uid, gid = porto_user_daemon(private)
    sock = d.socket
    c = util.raw_call
    assert c(sock, "create", name="fz").error == OK
    assert set_system(sock, frozen=True).error == OK

    def child():
        out = {}
        out["create"] = EError.Name(c(sock, "create", name="fz-user").error)
        out["destroy"] = EError.Name(c(sock, "destroy", name="fz").error)
        out["list"] = list(c(sock, "list", mask="***").list.name)
        out["get"] = EError.Name(c(sock, "getProperty", name="fz", property="state").error)
        out["system"] = EError.Name(c(sock, "GetSystem").error)
        out["version"] = EError.Name(c(sock, "version").error)
        return out

    got = as_user(uid, uid, [gid], child)
    assert got["create"] == "PortoFrozen" and got["destroy"] == "PortoFrozen", got
    assert "fz" in got["list"] and got["get"] == "Success"
    assert got["system"] == "Success" and got["version"] == "Success"
    # the super-user still may change things
    assert c(sock, "create", name="fz-root").error == OK
    assert set_system(sock, frozen=False).error == OK
    got = as_user(uid, uid, [gid], child)
    assert got["create"] == "Success", got


# ---------------------------------------------------------------------------
# portod get/set/freeze/unfreeze/dump

def portod_cmd(d, *args, timeout=60):
    argv = [str(util.PORTOD_BIN)] + list(args) + [
        "--socket", d.socket, "--state-dir", d.state_dir, "--run-dir", d.run_dir,
        "--cgroup-prefix", d.prefix, "--place", d.place, "--log", d.log, "--config", d.config]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def parse_get(out):
    vals = {}
    for line in out.splitlines():
        k, _, v = line.partition(": ")
        vals[k] = v
    return vals


def test_portod_get_prints_system_values(private):
    d = private()
    r = portod_cmd(d, "get")
    assert r.returncode == 0, r.stderr
    vals = parse_get(r.stdout)
    for name in required_fields(rpc_pb2.TGetSystemResponse):
        assert name in vals, name
    assert vals["kernel_version"] == os.uname().release
    assert vals["porto_starts"] == "1" and vals["verbose"] == "false"
    assert vals["container_count"] == "0"


def test_portod_set_freeze_unfreeze(private):
    d, uid, gid = porto_user_daemon(private)
    sock = d.socket
    r = portod_cmd(d, "set", "debug", "true")
    assert r.returncode == 0, r.stderr
    s = get_system(sock)
    assert s.debug and s.verbose
    assert portod_cmd(d, "set", "verbose", "false").returncode == 0
    assert not get_system(sock).debug
    bad = portod_cmd(d, "set", "colour", "true")
    assert bad.returncode == 2 and "unknown key" in bad.stderr
    bad = portod_cmd(d, "set", "debug", "perhaps")
    assert bad.returncode == 2 and "boolean" in bad.stderr
    assert portod_cmd(d, "set", "debug").returncode == 2

    def create(name):
        def fn():
            return EError.Name(util.raw_call(sock, "create", name=name).error)
        return fn

    assert portod_cmd(d, "freeze").returncode == 0
    assert as_user(uid, uid, [gid], create("cmd-a")) == "PortoFrozen"
    assert portod_cmd(d, "set", "frozen", "false").returncode == 0
    assert as_user(uid, uid, [gid], create("cmd-b")) == "Success"
    assert portod_cmd(d, "set", "frozen", "true").returncode == 0
    assert as_user(uid, uid, [gid], create("cmd-c")) == "PortoFrozen"
    assert portod_cmd(d, "unfreeze").returncode == 0
    assert as_user(uid, uid, [gid], create("cmd-d")) == "Success"


def test_portod_set_needs_a_running_daemon(private):
    d = private()
    d.destroy_all()
    d.stop()
    r = portod_cmd(d, "get")
    assert r.returncode == 1 and "cannot talk to the daemon" in r.stderr


def test_portod_dump_prints_stored_containers(private):
    d = private()
    c = util.raw_call
    assert c(d.socket, "create", name="dump-a").error == OK
    assert c(d.socket, "create", name="dump-a/b").error == OK
    assert c(d.socket, "setProperty", name="dump-a", property="command",
             value="echo two\\nlines").error == OK
    r = portod_cmd(d, "dump")
    assert r.returncode == 0, r.stderr
    blocks = {}
    cur = None
    for line in r.stdout.splitlines():
        if line.startswith("container "):
            cur = line.split()[1]
            blocks[cur] = []
        else:
            assert line.startswith("  ") and "=" in line, line
            blocks[cur].append(line.strip())
    assert set(blocks) == {"dump-a", "dump-a/b"}
    assert "_name=dump-a" in blocks["dump-a"]
    assert any(x.startswith("command=") for x in blocks["dump-a"])
    files = sorted(os.listdir(os.path.join(d.state_dir, "kvs")))
    assert len([f for f in files if not f.startswith(".")]) == 2


# ---------------------------------------------------------------------------
# portod reload (and SIGHUP to the master)

def proc_exe_ino(pid):
    return os.stat("/proc/%d/exe" % pid).st_ino


def wait_new_worker(d, old):
    new = wait_for(lambda: (d.worker_pid() or old) != old and d.worker_pid(), 20, msg="new worker")
    wait_for(lambda: util.raw_call(d.socket, "version").error == 0, 20, msg="new worker answering")
    return new


def running_snapshot(d, names):
    rsp = util.raw_call(d.socket, "get", name=names, variable=["state", "root_pid", "start_time[raw]"])
    assert rsp.error == OK, rsp.errorMsg
    return {ct.name: {kv.variable: kv.value for kv in ct.keyval} for ct in rsp.get.list}


TRAP = "trap 'exit 7' TERM; echo ready; while :; do sleep 0.1; done"


def test_reload_keeps_running_containers(private):
    d = private()
    names = ["rl-%d" % i for i in range(10)]
    c = util.raw_call
    for n in names:
        assert c(d.socket, "create", name=n).error == OK
        assert c(d.socket, "setProperty", name=n, property="command",
                 value="sh -c 'echo hello-%s; exec sleep 1000'" % n).error == OK
        assert c(d.socket, "start", name=n).error == OK
    assert c(d.socket, "create", name="rl-exit").error == OK
    assert c(d.socket, "setProperty", name="rl-exit", property="command",
             value="sh -c \"%s\"" % TRAP).error == OK
    assert c(d.socket, "start", name="rl-exit").error == OK
    wait_for(lambda: "ready" in c(d.socket, "getProperty", name="rl-exit", property="stdout").getProperty.value,
             10, msg="trap installed")
    before = running_snapshot(d, names)
    assert all(v["state"] == "running" for v in before.values()), before
    exit_pid = int(c(d.socket, "getProperty", name="rl-exit", property="root_pid").getProperty.value)

    import porto
    conn = porto.Connection(socket_path=d.socket, timeout=20)
    assert conn.GetProperty("rl-0", "state") == "running"

    # The container exits while the worker is held and the reload is under way.
    old = d.worker_pid()
    os.kill(old, signal.SIGSTOP)
    try:
        os.kill(exit_pid, signal.SIGTERM)
        reload = subprocess.Popen([str(util.PORTOD_BIN), "reload", "--run-dir", d.run_dir,
                                   "--socket", d.socket, "--config", d.config, "--log", d.log],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.3)
    finally:
        os.kill(old, signal.SIGCONT)
    out, err = reload.communicate(timeout=60)
    assert reload.returncode == 0, err
    assert not util.pid_alive(old)
    new = d.worker_pid()
    assert new != old and util.pid_alive(new)
    assert d.alive()

    after = running_snapshot(d, names)
    assert after == before
    for n in names:
        assert util.pid_alive(int(after[n]["root_pid"]))
        out = c(d.socket, "getProperty", name=n, property="stdout").getProperty.value
        assert out == "hello-%s\n" % n
    wait_state(conn_retry(conn, d), "rl-exit", "dead")
    assert c(d.socket, "getProperty", name="rl-exit", property="exit_code").getProperty.value == "7"
    s = get_system(d.socket)
    assert s.porto_starts == 2 and s.container_running == 10


def conn_retry(conn, d):
    """The old connection works again after at most one reconnect."""
    try:
        conn.List()
    except Exception:  # noqa: BLE001 - the worker it talked to is gone
        conn.Connect()
        conn.List()
    return conn


def test_sighup_reloads_from_the_binary_on_disk(private, tmp_path):
    exe = tmp_path / "portod"
    subprocess.run(["cp", str(util.PORTOD_BIN), str(exe)], check=True)

    class CopyDaemon(util.Daemon):
        def argv(self):
            return [str(exe)] + super().argv()[1:] + [
                "--portoinit", str(util.BUILD / "src" / "portoinit" / "portoinit")]

    d = private(cls=CopyDaemon)
    c = util.raw_call
    assert c(d.socket, "create", name="hup").error == OK
    assert c(d.socket, "setProperty", name="hup", property="command", value="sleep 1000").error == OK
    assert c(d.socket, "start", name="hup").error == OK
    pid = c(d.socket, "getProperty", name="hup", property="root_pid").getProperty.value
    old = d.worker_pid()
    assert proc_exe_ino(old) == os.stat(str(exe)).st_ino
    # a package update: a new file renamed over the old path
    subprocess.run(["cp", str(util.PORTOD_BIN), str(exe) + ".new"], check=True)
    os.rename(str(exe) + ".new", str(exe))
    os.kill(d.proc.pid, signal.SIGHUP)
    new = wait_new_worker(d, old)
    assert proc_exe_ino(new) == os.stat(str(exe)).st_ino
    assert c(d.socket, "getProperty", name="hup", property="root_pid").getProperty.value == pid
    assert c(d.socket, "getProperty", name="hup", property="state").getProperty.value == "running"
    assert "reload" in d.read_logs()


# ---------------------------------------------------------------------------
# portod upgrade: the master re-executes itself too

def test_upgrade_keeps_containers_and_pending_exit_statuses(private, tmp_path):
    exe = tmp_path / "portod"
    subprocess.run(["cp", str(util.PORTOD_BIN), str(exe)], check=True)

    class CopyDaemon(util.Daemon):
        def argv(self):
            return [str(exe)] + super().argv()[1:] + [
                "--portoinit", str(util.BUILD / "src" / "portoinit" / "portoinit")]

    d = private(cls=CopyDaemon)
    c = util.raw_call
    names = ["up-%d" % i for i in range(5)]
    for n in names:
        assert c(d.socket, "create", name=n).error == OK
        assert c(d.socket, "setProperty", name=n, property="command",
                 value="sh -c 'echo hi-%s; exec sleep 1000'" % n).error == OK
        assert c(d.socket, "start", name=n).error == OK
    assert c(d.socket, "create", name="up-exit").error == OK
    assert c(d.socket, "setProperty", name="up-exit", property="command",
             value="sh -c \"%s\"" % TRAP).error == OK
    assert c(d.socket, "start", name="up-exit").error == OK
    wait_for(lambda: "ready" in c(d.socket, "getProperty", name="up-exit", property="stdout").getProperty.value,
             10, msg="trap installed")
    exit_pid = int(c(d.socket, "getProperty", name="up-exit", property="root_pid").getProperty.value)
    before = running_snapshot(d, names)
    master = d.proc.pid
    old_master_ino = proc_exe_ino(master)

    subprocess.run(["cp", str(util.PORTOD_BIN), str(exe) + ".new"], check=True)
    os.rename(str(exe) + ".new", str(exe))
    # The container exits while the worker is stopped; the worker then dies
    # without acknowledging it, so its status must cross the master's exec.
    old = d.worker_pid()
    os.kill(old, signal.SIGSTOP)
    os.kill(exit_pid, signal.SIGTERM)
    wait_for(lambda: not util.pid_alive(exit_pid), 10, msg="container process reaped by the master")
    os.kill(master, signal.SIGUSR2)
    time.sleep(0.2)
    os.kill(old, signal.SIGKILL)
    wait_new_worker(d, old)

    assert d.alive() and d.proc.pid == master
    wait_for(lambda: proc_exe_ino(master) != old_master_ino, 10, msg="master re-executed")
    assert proc_exe_ino(master) == os.stat(str(exe)).st_ino
    with open(os.path.join(d.run_dir, "portoloop.pid")) as f:
        assert int(f.read()) == master
    assert running_snapshot(d, names) == before
    for n in names:
        assert c(d.socket, "getProperty", name=n, property="stdout").getProperty.value == "hi-%s\n" % n
    wait_for(lambda: c(d.socket, "getProperty", name="up-exit", property="state").getProperty.value == "dead",
             10, msg="up-exit dead")
    assert c(d.socket, "getProperty", name="up-exit", property="exit_code").getProperty.value == "7"
    logs = d.read_logs()
    assert "adopted socket" in logs and "1 pending exit statuses" in logs, d.log_tail()


def test_portod_upgrade_command(private):
    d = private()
    c = util.raw_call
    assert c(d.socket, "create", name="upc").error == OK
    assert c(d.socket, "setProperty", name="upc", property="command", value="sleep 1000").error == OK
    assert c(d.socket, "start", name="upc").error == OK
    pid = c(d.socket, "getProperty", name="upc", property="root_pid").getProperty.value
    old = d.worker_pid()
    r = portod_cmd(d, "upgrade")
    assert r.returncode == 0, r.stderr
    assert d.worker_pid() != old and d.alive()
    assert "adopted socket" in d.read_logs()
    assert c(d.socket, "getProperty", name="upc", property="root_pid").getProperty.value == pid


def test_upgrade_keeps_master_uptime_and_counters(private):
    """The master re-executed by `portod upgrade` keeps the statistics page:
    porto_starts goes on counting, master_uptime runs from the first start."""
    d = private()
    c = util.raw_call
    assert c(d.socket, "create", name="upc").error == OK
    time.sleep(2.2)
    kill_worker(d)
    before = get_system(d.socket)
    assert before.porto_starts == 2 and before.master_uptime >= 2
    old = d.worker_pid()
    r = portod_cmd(d, "upgrade")
    assert r.returncode == 0, r.stderr
    assert d.worker_pid() != old and d.alive()
    s = get_system(d.socket)
    assert s.porto_starts == 3
    assert s.master_uptime >= before.master_uptime >= 2
    assert s.porto_uptime < 2 <= s.master_uptime
    assert s.container_created == 1 and s.request_completed > before.request_completed
    assert s.log_lines > before.log_lines
    assert "keeps the statistics (3 workers started)" not in d.read_logs()
    assert "keeps the statistics (2 workers started)" in d.read_logs(), d.log_tail()
    r = portod_cmd(d, "upgrade")
    assert r.returncode == 0, r.stderr
    assert get_system(d.socket).porto_starts == 4


def test_frozen_survives_reload_and_upgrade(private):
    d, uid, gid = porto_user_daemon(private)
    sock = d.socket

    def create(name):
        def fn():
            return EError.Name(util.raw_call(sock, "create", name=name).error)
        return fn

    assert portod_cmd(d, "freeze").returncode == 0
    r = portod_cmd(d, "reload")
    assert r.returncode == 0, r.stderr
    assert as_user(uid, uid, [gid], create("fr-a")) == "PortoFrozen"
    r = portod_cmd(d, "upgrade")
    assert r.returncode == 0, r.stderr
    assert as_user(uid, uid, [gid], create("fr-b")) == "PortoFrozen"
    assert portod_cmd(d, "unfreeze").returncode == 0
    assert portod_cmd(d, "reload").returncode == 0
    assert as_user(uid, uid, [gid], create("fr-c")) == "Success"


def test_portod_status_running_and_stopped(private):
    d = private()
    r = portod_cmd(d, "status")
    assert (r.returncode, r.stdout) == (0, "running\n"), r
    sigterm_master(d)
    r = portod_cmd(d, "status")
    assert (r.returncode, r.stdout) == (1, "stopped\n"), r


def test_discard_forgets_containers_and_kills_what_they_ran(private):
    """`portod --discard` starts clean: the saved containers are gone, their
    processes killed and their cgroups removed, not left running unmanaged."""
    d = private()
    c = connect(d)
    util.start(c, "keep", command="sleep 1000")
    util.start(c, "keep/kid", command="sleep 1000")
    pids = [int(c.GetProperty(n, "root_pid")) for n in ("keep", "keep/kid")]
    c.disconnect()
    sigterm_master(d)
    assert all(util.pid_alive(p) for p in pids)

    plain_argv = d.argv
    d.argv = lambda: plain_argv() + ["--discard"]
    d.start()
    c = connect(d)
    assert c.List() == []
    c.disconnect()
    wait_for(lambda: not any(util.pid_alive(p) for p in pids), 10, msg="discarded processes killed")
    left = [top for _, top in daemon_roots(d.prefix) if os.path.exists(os.path.join(top, "keep"))]
    assert not left, left
    assert os.listdir(os.path.join(d.state_dir, "kvs")) == []
