"""Restore after damage (issue 5): corrupt or truncated container records,
and a crash of the whole daemon (master and worker killed with SIGKILL).

Each test runs private daemons (test_engine_extra.private)."""

import os
import signal
import time

import porto
import pytest

from . import util
from .test_engine_extra import connect, private, sigterm_master  # noqa: F401 - `private` is a fixture
from .util import pid_alive, wait_for, wait_state

OK = 0
LOST_CODE = "-127"      # exit_code when the real status was lost (prop_state.c)
LOST_STATUS = "-1"      # exit_status then


def records(d):
    kvs = os.path.join(d.state_dir, "kvs")
    out = {}
    for f in os.listdir(kvs):
        with open(os.path.join(kvs, f)) as fh:
            for line in fh:
                if line.startswith("_name="):
                    out[line[6:].rstrip("\n")] = os.path.join(kvs, f)
    return out


def crash(d):
    """SIGKILL master and worker, as a power-cut of the daemon alone."""
    worker = d.worker_pid()
    os.kill(d.proc.pid, signal.SIGKILL)
    if worker:
        try:
            os.kill(worker, signal.SIGKILL)
        except ProcessLookupError:
            pass
    d.proc.wait(10)
    d.proc = None
    if worker:
        wait_for(lambda: not pid_alive(worker), 10, msg="worker gone")


def snap(d, names, props=("state", "root_pid", "start_time[raw]", "stdout")):
    rsp = util.raw_call(d.socket, "get", name=names, variable=list(props))
    assert rsp.error == OK, rsp.errorMsg
    return {ct.name: {kv.variable: kv.value for kv in ct.keyval} for ct in rsp.get.list}


# ---------------------------------------------------------------------------
# Corrupt and truncated records

def test_broken_records_are_moved_aside_and_the_rest_restored(private):
    d = private()
    c = connect(d)
    c.Create("ok-run")
    c.SetProperty("ok-run", "command", util.sh("echo alive; exec sleep 1000"))
    c.Start("ok-run")
    c.Create("ok-stopped")
    c.SetLabel("ok-stopped", "TEST.k", "v")
    c.Create("trunc")
    c.SetProperty("trunc", "command", "true")
    c.Create("trunc/kid")            # its parent's record is broken: goes too
    c.Create("garbage")
    c.Create("trunc-run")
    c.SetProperty("trunc-run", "command", "sleep 1000")
    c.Start("trunc-run")
    run_pid = int(c.GetProperty("trunc-run", "root_pid"))
    wait_for(lambda: "alive" in c.GetProperty("ok-run", "stdout"), 10, msg="output")
    pid = int(c.GetProperty("ok-run", "root_pid"))
    c.disconnect()
    recs = records(d)
    sigterm_master(d)                         # leave containers running

    for name in ("trunc", "trunc-run"):
        with open(recs[name]) as f:
            text = f.read()
        with open(recs[name], "w") as f:
            f.write(text[:len(text) // 2])       # cut mid-record
    with open(recs["garbage"], "wb") as f:
        f.write(os.urandom(300).replace(b"\n", b"x"))
    with open(os.path.join(d.state_dir, "kvs", "77777"), "w") as f:
        f.write("")                           # empty

    d.start()
    c = connect(d)
    names = c.List()
    assert "ok-run" in names and "ok-stopped" in names, names
    assert "trunc" not in names and "trunc/kid" not in names and "garbage" not in names, names
    assert c.GetProperty("ok-run", "state") == "running"
    assert int(c.GetProperty("ok-run", "root_pid")) == pid
    assert c.GetProperty("ok-run", "stdout") == "alive\n"
    assert c.GetLabel("ok-stopped", "TEST.k") == "v"
    logs = d.read_logs()
    assert "cannot restore container trunc from record" in logs and "truncated" in logs, d.log_tail()
    assert "no valid _name and _id" in logs, d.log_tail()
    assert "cannot restore trunc/kid" in logs, d.log_tail()
    # the processes of a lost record are left alone, and said to be unmanaged
    assert "trunc-run: its cgroups still hold processes" in logs, d.log_tail()
    assert pid_alive(run_pid)
    broken = os.path.join(d.state_dir, "broken")
    moved = sorted(os.listdir(broken))
    expect = sorted(os.path.basename(recs[n]) for n in ("trunc", "trunc/kid", "garbage", "trunc-run")) + ["77777"]
    assert moved == sorted(expect), moved
    assert not set(moved) & set(os.listdir(os.path.join(d.state_dir, "kvs")))
    sysinfo = util.raw_call(d.socket, "GetSystem").GetSystem
    assert sysinfo.container_lost == len(expect)    # GetSystem counts them
    # the names are free again, and a restart does not retry the broken ones
    c.Create("trunc")
    c.disconnect()
    sigterm_master(d)
    size = len(d.read_logs())
    d.start()
    assert "cannot restore" not in d.read_logs()[size:]
    assert sorted(os.listdir(broken)) == sorted(expect)
    assert not d.stop()                       # `portod stop` ends them too
    assert not pid_alive(run_pid)


# ---------------------------------------------------------------------------
# The whole daemon killed

def test_whole_daemon_crash_keeps_containers(private):
    d = private()
    c = connect(d)
    go = os.path.join(str(d.tmp), "go")
    wait_go = "while [ ! -e %s ]; do sleep 0.02; done" % go
    for name, iso in (("run-iso", "true"), ("run-plain", "false"), ("stop-plain", "false")):
        c.Create(name)
        c.SetProperty(name, "isolate", iso)
        c.SetProperty(name, "command", util.sh("echo out-%s; exec sleep 1000" % name))
        c.Start(name)
    for name, iso in (("die-iso", "true"), ("die-plain", "false")):
        c.Create(name)
        c.SetProperty(name, "isolate", iso)
        c.SetProperty(name, "command", util.sh("%s; echo bye; exit 5" % wait_go))
        c.Start(name)
    running = ["run-iso", "run-plain", "stop-plain"]
    wait_for(lambda: all(c.GetProperty(n, "stdout") for n in running), 10, msg="output")
    before = snap(d, running)
    dying = {n: int(c.GetProperty(n, "root_pid")) for n in ("die-iso", "die-plain")}
    c.disconnect()
    time.sleep(1.1)      # a wrongly refreshed start_time would show

    crash(d)
    open(go, "w").close()                 # they exit while no daemon runs
    wait_for(lambda: not any(pid_alive(p) for p in dying.values()), 10, msg="exits during the outage")
    d.start()

    assert snap(d, running) == before
    c = connect(d)
    wait_state(c, "die-iso", "dead")
    wait_state(c, "die-plain", "dead")
    # portoinit wrote the real status of the isolated one to its status file
    assert c.GetProperty("die-iso", "exit_code") == "5"
    assert c.GetProperty("die-iso", "stdout") == "bye\n"
    # nobody could reap the other one: documented "lost" values
    assert c.GetProperty("die-plain", "exit_code") == LOST_CODE
    assert c.GetProperty("die-plain", "exit_status") == LOST_STATUS
    assert c.GetProperty("die-plain", "stdout") == "bye\n"
    assert "ended while no master could reap it" in d.read_logs()

    # The survivors are no children of the new master: their end is still seen.
    os.kill(int(before["run-iso"]["root_pid"]), signal.SIGKILL)
    os.kill(int(before["run-plain"]["root_pid"]), signal.SIGKILL)
    wait_state(c, "run-iso", "dead")
    wait_state(c, "run-plain", "dead")
    assert c.GetProperty("run-iso", "exit_code") == "-9"
    assert c.GetProperty("run-plain", "exit_code") == LOST_CODE
    c.Stop("stop-plain", timeout=10)
    assert c.GetProperty("stop-plain", "state") == "stopped"
    assert not pid_alive(int(before["stop-plain"]["root_pid"]))
    c.disconnect()


# ---------------------------------------------------------------------------
# 100 running containers through a reload and a worker SIGKILL

def test_hundred_containers_survive_reload_and_worker_kill(private):
    from .test_engine_extra import kill_worker
    from .test_system import portod_cmd
    d = private()
    c = connect(d)
    names = ["h%03d" % i for i in range(100)]
    t0 = time.monotonic()
    for n in names:
        c.Create(n)
        c.SetProperty(n, "command", util.sh("echo hi-%s; exec sleep 1000" % n))
        c.Start(n)
    go = [os.path.join(str(d.tmp), "go%d" % i) for i in range(2)]
    for i in range(2):
        c.Create("ex%d" % i)
        c.SetProperty("ex%d" % i, "command",
                      util.sh("while [ ! -e %s ]; do sleep 0.02; done; exit %d" % (go[i], 40 + i)))
        c.Start("ex%d" % i)
    wait_for(lambda: all(v["stdout"] for v in snap(d, names).values()), 20, msg="all output")
    before = snap(d, names)
    assert all(v["state"] == "running" for v in before.values())
    assert time.monotonic() - t0 < 60, "100 starts took %.0fs" % (time.monotonic() - t0)
    c.disconnect()

    # 1. portod reload, ex0 exits while the worker is stopped before it
    old = d.worker_pid()
    os.kill(old, signal.SIGSTOP)
    open(go[0], "w").close()
    os.kill(old, signal.SIGCONT)
    t0 = time.monotonic()
    r = portod_cmd(d, "reload")
    assert r.returncode == 0, r.stderr
    reload_s = time.monotonic() - t0
    assert d.worker_pid() != old
    assert snap(d, names) == before
    assert reload_s < 30, reload_s

    # 2. worker SIGKILL, ex1 exits during the outage
    def outage():
        open(go[1], "w").close()
        time.sleep(0.5)
    kill_worker(d, outage)
    after = snap(d, names)
    assert after == before
    for n in names[::10]:
        assert pid_alive(int(after[n]["root_pid"]))
        assert after[n]["stdout"] == "hi-%s\n" % n
    c = connect(d)
    for i in range(2):
        wait_state(c, "ex%d" % i, "dead")
        assert c.GetProperty("ex%d" % i, "exit_code") == str(40 + i)
    c.disconnect()


# ---------------------------------------------------------------------------
# `portod stop` is bounded by what the containers do, not by stop_timeout

def test_stop_does_not_wait_for_orphans_or_paused_children(private):
    """Two things used to hold `portod stop` for the whole stop_timeout
    (30 s): a shell killed by SIGTERM whose child stays in the cgroup, and
    a paused container below a running one (thawing the parent in the v1
    freezer leaves a self-frozen child frozen)."""
    d = private()
    c = connect(d)
    c.Create("orphans")
    c.SetProperty("orphans", "command", util.sh("sleep 1000 & sleep 1000 & wait"))
    c.Start("orphans")
    c.Create("outer")
    c.SetProperty("outer", "command", "sleep 1000")
    c.Start("outer")
    c.Create("outer/inner")
    c.SetProperty("outer/inner", "command", "sleep 1000")
    c.Start("outer/inner")
    c.Pause("outer/inner")
    assert c.GetProperty("outer/inner", "state") == "paused"
    assert c.GetProperty("outer", "state") == "running"
    from .test_engine_extra import freezer_pids
    wait_for(lambda: len(freezer_pids(d.prefix, "orphans")) >= 3, 10, msg="both sleeps started")
    c.disconnect()
    t0 = time.monotonic()
    problems = d.stop(timeout=40)
    took = time.monotonic() - t0
    assert not problems, problems
    print("portod stop took %.2fs" % took)
    assert took < 15, "portod stop took %.1fs" % took


# ---------------------------------------------------------------------------
# A meta container started by an older portod (no namespace holder)

def test_meta_without_holder_from_older_portod(private, tmp_path):
    """Older builds kept no task for a meta; after an upgrade such a meta is
    restored without one and its new children still get its root and
    hostname (joined as before). Simulated: the holder dies and its pid
    leaves the record while no daemon runs."""
    from .test_isolation_fs import BUSYBOX, make_rootfs
    if not os.path.exists(BUSYBOX):
        pytest.skip("busybox-static is not installed")
    root = make_rootfs(str(tmp_path))
    d = private()
    c = connect(d)
    c.Create("old")
    c.SetProperty("old", "root", root)
    c.SetProperty("old", "hostname", "oldmeta")
    c.Start("old")
    holder = int(c.GetProperty("old", "root_pid"))
    c.disconnect()
    crash(d)
    os.kill(holder, signal.SIGKILL)
    wait_for(lambda: not pid_alive(holder), 10, msg="holder gone")
    path = records(d)["old"]
    with open(path) as f:
        lines = [l for l in f if not l.startswith(("_root_pid=", "_root_starttime="))]
    with open(path, "w") as f:
        f.writelines(lines)
    d.start()
    c = connect(d)
    assert c.GetProperty("old", "state") == "meta"
    with pytest.raises(porto.exceptions.InvalidState):
        c.GetProperty("old", "root_pid")
    c.Create("old/c")
    c.SetProperty("old/c", "command", "/bin/sh -c 'cat /etc/marker; hostname'")
    c.Start("old/c")
    c.WaitContainers(["old/c"], timeout=15)
    assert c.GetProperty("old/c", "stdout") == "in-root\noldmeta\n"
    c.Destroy("old")
    c.disconnect()

