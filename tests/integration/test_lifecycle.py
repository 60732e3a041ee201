"""Operations and state transitions (porto.md CONTAINERS: States,
Operations; protocol.md 10.4, 10.5, 10.10)."""

import os
import signal
import time

import pytest

from .util import cgroup_dir, make, pid_alive, run_dead, sh, start, wait_for, wait_state

SLEEP = "sleep 1000"


def test_create_is_stopped(portod):
    c = portod.conn()
    ct = c.Create("lc-new")
    assert str(ct) == "lc-new"
    assert c.GetProperty("lc-new", "state") == "stopped"
    assert "lc-new" in c.List()


def test_create_twice(portod):
    c = portod.conn()
    c.Create("lc-twice")
    with pytest.raises(portod.exc.ContainerAlreadyExists):
        c.Create("lc-twice")


def test_create_without_parent(portod):
    c = portod.conn()
    with pytest.raises(portod.exc.ContainerDoesNotExist):
        c.Create("lc-noparent/child")


def test_start_running_stop(portod):
    c = portod.conn()
    start(c, "lc-run", command=SLEEP)
    assert c.GetProperty("lc-run", "state") == "running"
    pid = int(c.GetProperty("lc-run", "root_pid"))
    assert pid > 0 and pid_alive(pid)
    c.Stop("lc-run")
    assert c.GetProperty("lc-run", "state") == "stopped"
    wait_for(lambda: not pid_alive(pid), 5, msg="main process gone after stop")


def test_stop_stopped_succeeds(portod):
    c = portod.conn()
    c.Create("lc-stopstopped")
    c.Stop("lc-stopstopped")
    assert c.GetProperty("lc-stopstopped", "state") == "stopped"


def test_start_twice_invalid_state(portod):
    c = portod.conn()
    start(c, "lc-start2", command=SLEEP)
    with pytest.raises(portod.exc.InvalidState):
        c.Start("lc-start2")


def test_start_dead_invalid_state(portod):
    c = portod.conn()
    run_dead(c, "lc-startdead", command="true")
    with pytest.raises(portod.exc.InvalidState):
        c.Start("lc-startdead")


def test_death_exit_zero(portod):
    c = portod.conn()
    run_dead(c, "lc-true", command="true")
    assert c.GetProperty("lc-true", "exit_code") == "0"
    assert c.GetProperty("lc-true", "exit_status") == "0"
    assert c.GetProperty("lc-true", "oom_killed") is False
    assert c.GetProperty("lc-true", "core_dumped") is False


def test_death_exit_code(portod):
    c = portod.conn()
    run_dead(c, "lc-exit3", command=sh("exit 3"))
    assert c.GetProperty("lc-exit3", "exit_code") == "3"
    assert c.GetProperty("lc-exit3", "exit_status") == str(3 << 8)


def test_stop_dead(portod):
    c = portod.conn()
    run_dead(c, "lc-stopdead", command="false")
    c.Stop("lc-stopdead")
    assert c.GetProperty("lc-stopdead", "state") == "stopped"
    with pytest.raises(portod.exc.InvalidState):
        c.GetProperty("lc-stopdead", "exit_code")


def test_dead_restart_via_stop_start(portod):
    c = portod.conn()
    run_dead(c, "lc-restart", command=sh("echo run"))
    c.Stop("lc-restart")
    c.Start("lc-restart")
    c.WaitContainers(["lc-restart"], timeout=10)
    assert c.GetProperty("lc-restart", "state") == "dead"
    assert c.GetProperty("lc-restart", "exit_code") == "0"


def test_kill_sigkill(portod):
    c = portod.conn()
    start(c, "lc-kill9", command=SLEEP)
    c.Kill("lc-kill9", int(signal.SIGKILL))
    c.WaitContainers(["lc-kill9"], timeout=10)
    assert c.GetProperty("lc-kill9", "state") == "dead"
    assert c.GetProperty("lc-kill9", "exit_code") == "-9"
    assert c.GetProperty("lc-kill9", "exit_status") == "9"


def test_kill_sigterm(portod):
    c = portod.conn()
    start(c, "lc-kill15", command=SLEEP)
    c.Kill("lc-kill15", int(signal.SIGTERM))
    c.WaitContainers(["lc-kill15"], timeout=10)
    assert c.GetProperty("lc-kill15", "exit_code") == "-15"


def test_kill_delivers_signal_to_main_process(portod):
    c = portod.conn()
    start(c, "lc-killusr", command=sh('trap "exit 7" USR1; while :; do sleep 0.05; done'))
    time.sleep(0.3)  # let the shell install its trap
    c.Kill("lc-killusr", int(signal.SIGUSR1))
    c.WaitContainers(["lc-killusr"], timeout=10)
    assert c.GetProperty("lc-killusr", "exit_code") == "7"


def test_kill_invalid_states(portod):
    c = portod.conn()
    c.Create("lc-killst")
    with pytest.raises(portod.exc.InvalidState):
        c.Kill("lc-killst", int(signal.SIGTERM))
    c.Start("lc-killst")   # no command: meta
    assert c.GetProperty("lc-killst", "state") == "meta"
    with pytest.raises(portod.exc.InvalidState):
        c.Kill("lc-killst", int(signal.SIGTERM))


def test_kill_nonexistent(portod):
    c = portod.conn()
    with pytest.raises(portod.exc.ContainerDoesNotExist):
        c.Kill("lc-nonexistent", int(signal.SIGTERM))


def test_stop_grace_then_sigkill(portod):
    c = portod.conn()
    start(c, "lc-grace", command=sh('trap "" TERM; sleep 1000'))
    time.sleep(0.3)
    t0 = time.monotonic()
    c.Stop("lc-grace", timeout=1)
    elapsed = time.monotonic() - t0
    assert c.GetProperty("lc-grace", "state") == "stopped"
    assert 0.8 <= elapsed < 10, "stop with a 1 s grace took %.2fs" % elapsed


def test_stop_timeout_zero_is_immediate(portod):
    c = portod.conn()
    start(c, "lc-grace0", command=sh('trap "" TERM; sleep 1000'))
    time.sleep(0.2)
    t0 = time.monotonic()
    c.Stop("lc-grace0", timeout=0)
    assert time.monotonic() - t0 < 3
    assert c.GetProperty("lc-grace0", "state") == "stopped"


def test_meta_container(portod):
    c = portod.conn()
    c.Create("lc-meta")
    c.Start("lc-meta")
    assert c.GetProperty("lc-meta", "state") == "meta"
    c.Stop("lc-meta")
    assert c.GetProperty("lc-meta", "state") == "stopped"


def test_parent_started_as_meta(portod):
    c = portod.conn()
    c.Create("lc-pm")
    c.Create("lc-pm/mid")
    make(c, "lc-pm/mid/leaf", command=SLEEP)
    c.Start("lc-pm/mid/leaf")
    assert c.GetProperty("lc-pm/mid/leaf", "state") == "running"
    assert c.GetProperty("lc-pm/mid", "state") == "meta"
    assert c.GetProperty("lc-pm", "state") == "meta"


def test_stop_parent_stops_subtree(portod):
    c = portod.conn()
    c.Create("lc-sp")
    start(c, "lc-sp/a", command=SLEEP)
    start(c, "lc-sp/b", command=SLEEP)
    pids = [int(c.GetProperty("lc-sp/" + n, "root_pid")) for n in ("a", "b")]
    c.Stop("lc-sp")
    for n in ("lc-sp", "lc-sp/a", "lc-sp/b"):
        assert c.GetProperty(n, "state") == "stopped", n
    for pid in pids:
        wait_for(lambda: not pid_alive(pid), 5, msg="pid %d gone" % pid)


def test_destroy_subtree(portod):
    c = portod.conn()
    c.Create("lc-ds")
    start(c, "lc-ds/a", command=SLEEP)
    c.Create("lc-ds/a/b")
    c.Create("lc-ds/c")
    pid = int(c.GetProperty("lc-ds/a", "root_pid"))
    c.Destroy("lc-ds")
    names = c.List()
    assert not [n for n in names if n == "lc-ds" or n.startswith("lc-ds/")]
    with pytest.raises(portod.exc.ContainerDoesNotExist):
        c.GetProperty("lc-ds/a", "state")
    wait_for(lambda: not pid_alive(pid), 5, msg="processes of destroyed container gone")


@pytest.mark.parametrize("state", ["stopped", "running", "meta", "dead", "paused"])
def test_destroy_in_any_state(portod, state):
    c = portod.conn()
    name = "lc-destroy-" + state
    if state == "stopped":
        c.Create(name)
    elif state == "running":
        start(c, name, command=SLEEP)
    elif state == "meta":
        c.Create(name)
        c.Start(name)
    elif state == "dead":
        run_dead(c, name, command="true")
    elif state == "paused":
        start(c, name, command=SLEEP)
        c.Pause(name)
    assert c.GetProperty(name, "state") == state
    c.Destroy(name)
    assert name not in c.List()


def test_destroy_nonexistent(portod):
    c = portod.conn()
    with pytest.raises(portod.exc.ContainerDoesNotExist):
        c.Destroy("lc-never-was")


def test_destroy_root_not_allowed(portod):
    c = portod.conn()
    with pytest.raises(portod.exc.Permission):
        c.Destroy("/")


def test_death_of_parent_kills_subtree(portod):
    c = portod.conn()
    start(c, "lc-dp", command=sh("sleep 1"))
    start(c, "lc-dp/child", command=SLEEP)
    child_pid = int(c.GetProperty("lc-dp/child", "root_pid"))
    assert c.GetProperty("lc-dp/child", "state") == "running"
    c.WaitContainers(["lc-dp"], timeout=10)
    assert c.GetProperty("lc-dp", "state") == "dead"
    wait_state(c, "lc-dp/child", "dead", timeout=5)
    wait_for(lambda: not pid_alive(child_pid), 5, msg="child process killed")


def test_pause_resume_running(portod):
    c = portod.conn()
    start(c, "lc-pause", command=SLEEP)
    c.Pause("lc-pause")
    assert c.GetProperty("lc-pause", "state") == "paused"
    frz = cgroup_dir("freezer", c.GetProperty("lc-pause", "cgroups[freezer]"))
    with open(os.path.join(frz, "freezer.state")) as f:
        assert f.read().strip() == "FROZEN"
    with pytest.raises(portod.exc.InvalidState):
        c.Pause("lc-pause")
    with pytest.raises(portod.exc.InvalidState):
        c.Kill("lc-pause", int(signal.SIGTERM))
    c.Resume("lc-pause")
    assert c.GetProperty("lc-pause", "state") == "running"
    with open(os.path.join(frz, "freezer.state")) as f:
        assert f.read().strip() == "THAWED"
    with pytest.raises(portod.exc.InvalidState):
        c.Resume("lc-pause")


def test_pause_meta_subtree(portod):
    c = portod.conn()
    c.Create("lc-pt")
    start(c, "lc-pt/run", command=SLEEP)
    c.Create("lc-pt/meta")
    c.Start("lc-pt/meta")
    c.Pause("lc-pt")
    assert c.GetProperty("lc-pt", "state") == "paused"
    assert c.GetProperty("lc-pt/run", "state") == "paused"
    assert c.GetProperty("lc-pt/meta", "state") == "paused"
    with pytest.raises(portod.exc.InvalidState):
        c.Resume("lc-pt/run")   # the ancestor is paused
    c.Resume("lc-pt")
    assert c.GetProperty("lc-pt", "state") == "meta"
    assert c.GetProperty("lc-pt/run", "state") == "running"
    assert c.GetProperty("lc-pt/meta", "state") == "meta"


def test_pause_invalid_states(portod):
    c = portod.conn()
    c.Create("lc-pst")
    with pytest.raises(portod.exc.InvalidState):
        c.Pause("lc-pst")
    with pytest.raises(portod.exc.InvalidState):
        c.Resume("lc-pst")
    run_dead(c, "lc-pst2", command="true")
    with pytest.raises(portod.exc.InvalidState):
        c.Pause("lc-pst2")


def test_start_under_paused_parent_invalid(portod):
    c = portod.conn()
    c.Create("lc-pp")
    start(c, "lc-pp/a", command=SLEEP)
    make(c, "lc-pp/b", command=SLEEP)
    c.Pause("lc-pp")
    with pytest.raises(portod.exc.InvalidState):
        c.Start("lc-pp/b")
    with pytest.raises(portod.exc.InvalidState):
        c.Stop("lc-pp/a")   # a paused parent
    c.Resume("lc-pp")


def test_respawn_rpc(portod):
    c = portod.conn()
    run_dead(c, "lc-resp", command="true")
    assert c.GetProperty("lc-resp", "respawn_count") == "0"
    c.Call("Respawn", name="lc-resp")
    wait_state(c, "lc-resp", "dead")
    assert c.GetProperty("lc-resp", "respawn_count") == "1"


def test_respawn_rpc_invalid_state(portod):
    c = portod.conn()
    start(c, "lc-resp2", command=SLEEP)
    with pytest.raises(portod.exc.InvalidState):
        c.Call("Respawn", name="lc-resp2")
    c.Create("lc-resp3")
    with pytest.raises(portod.exc.InvalidState):
        c.Call("Respawn", name="lc-resp3")


def test_respawn_rpc_max_respawns(portod):
    c = portod.conn()
    run_dead(c, "lc-resp4", command="true", max_respawns=1)
    c.Call("Respawn", name="lc-resp4")
    wait_state(c, "lc-resp4", "dead")
    with pytest.raises(portod.exc.ResourceNotAvailable):
        c.Call("Respawn", name="lc-resp4")


def test_auto_respawn(portod):
    c = portod.conn()
    start(c, "lc-auto", command="true", respawn=True, max_respawns=2,
          respawn_delay=100000000)  # 0.1 s in ns
    wait_for(lambda: c.GetProperty("lc-auto", "respawn_count") == "2"
             and c.GetProperty("lc-auto", "state") == "dead", 10,
             msg="two automatic respawns then dead")
    time.sleep(0.5)
    assert c.GetProperty("lc-auto", "state") == "dead"
    assert c.GetProperty("lc-auto", "respawn_count") == "2"


def test_respawning_state_visible(portod):
    c = portod.conn()
    start(c, "lc-respst", command="true", respawn=True, max_respawns=1)  # default delay 1 s
    seen = set()

    def done():
        st = c.GetProperty("lc-respst", "state")
        seen.add(st)
        return st == "dead" and c.GetProperty("lc-respst", "respawn_count") == "1"
    wait_for(done, 10, interval=0.02, msg="respawn cycle")
    assert "respawning" in seen, seen


def test_respawn_count_reset(portod):
    c = portod.conn()
    run_dead(c, "lc-rc", command="true")
    c.Call("Respawn", name="lc-rc")
    wait_state(c, "lc-rc", "dead")
    assert c.GetProperty("lc-rc", "respawn_count") == "1"
    c.SetProperty("lc-rc", "respawn_count", "0")
    assert c.GetProperty("lc-rc", "respawn_count") == "0"


def test_many_cycles_no_leak(portod):
    """Start/stop cycles leave no processes and keep the daemon healthy."""
    c = portod.conn()
    make(c, "lc-cycle", command=SLEEP)
    for _ in range(10):
        c.Start("lc-cycle")
        pid = int(c.GetProperty("lc-cycle", "root_pid"))
        c.Stop("lc-cycle", timeout=0)
        wait_for(lambda: not pid_alive(pid), 5, msg="pid %d gone" % pid)
    assert c.GetProperty("lc-cycle", "state") == "stopped"


def test_respawn_rpc_needs_live_parent(portod):
    c = portod.conn()
    start(c, "lc-rp", command=sh("sleep 0.3"))
    start(c, "lc-rp/ch", command="true")
    c.WaitContainers(["lc-rp"], timeout=10)
    wait_state(c, "lc-rp/ch", "dead")
    with pytest.raises(portod.exc.InvalidState):
        c.Call("Respawn", name="lc-rp/ch")   # the parent is dead
