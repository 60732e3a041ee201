"""Read-only properties (porto.md CONTAINERS: State; protocol.md 10.7)."""

import os
import re
import time

import pytest

from .util import (cgroup_dir, cgroup_roots, make, parse_map, pid_alive, run_dead, sh,
                   start, wait_for)

SLEEP = "sleep 1000"
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def test_id_unique(portod):
    c = portod.conn()
    c.Create("st-id1")
    c.Create("st-id2")
    a = c.GetProperty("st-id1", "id")
    b = c.GetProperty("st-id2", "id")
    assert a.isdigit() and b.isdigit() and a != b


def test_level(portod):
    c = portod.conn()
    c.Create("st-lv")
    c.Create("st-lv/a")
    c.Create("st-lv/a/b")
    assert c.GetProperty("/", "level") == "0"
    assert c.GetProperty("st-lv", "level") == "1"
    assert c.GetProperty("st-lv/a", "level") == "2"
    assert c.GetProperty("st-lv/a/b", "level") == "3"


def test_names_parent_namespace(portod):
    c = portod.conn()
    c.Create("st-nm")
    c.Create("st-nm/ch")
    assert c.GetProperty("/", "absolute_name") == "/"
    assert c.GetProperty("st-nm", "absolute_name") == "/porto/st-nm"
    assert c.GetProperty("st-nm/ch", "absolute_name") == "/porto/st-nm/ch"
    assert c.GetProperty("st-nm", "parent") == "/"
    assert c.GetProperty("st-nm/ch", "parent") == "/porto/st-nm"
    assert c.GetProperty("st-nm", "absolute_namespace") == "/porto/"


def test_state_values(portod):
    c = portod.conn()
    c.Create("st-state")
    assert c.GetProperty("st-state", "state") == "stopped"


def test_dead_only_properties(portod):
    c = portod.conn()
    start(c, "st-deadonly", command=SLEEP)
    for prop in ("exit_code", "exit_status", "death_time", "time[dead]"):
        with pytest.raises(portod.exc.InvalidState):
            c.GetProperty("st-deadonly", prop)
    c.Create("st-deadonly2")
    for prop in ("exit_code", "exit_status"):
        with pytest.raises(portod.exc.InvalidState):
            c.GetProperty("st-deadonly2", prop)


def test_runtime_only_properties_stopped(portod):
    c = portod.conn()
    c.Create("st-rt")
    for prop in ("root_pid", "process_count", "thread_count", "memory_usage", "cpu_usage"):
        with pytest.raises(portod.exc.InvalidState):
            c.GetProperty("st-rt", prop)


def test_root_pid_is_main_process(portod):
    c = portod.conn()
    start(c, "st-pid", command="sleep 997")
    pid = int(c.GetProperty("st-pid", "root_pid"))
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        assert f.read().split(b"\0")[:2] == [b"sleep", b"997"]


def test_start_error(portod):
    c = portod.conn()
    make(c, "st-se", command="/nonexistent/program")
    with pytest.raises(portod.exc.PortoException):
        c.Start("st-se")
    err = c.GetProperty("st-se", "start_error")
    assert err
    c.SetProperty("st-se", "command", "true")
    c.Start("st-se")


def test_times(portod):
    c = portod.conn()
    now = time.time()
    c.Create("st-time")
    ct = c.GetProperty("st-time", "creation_time")
    assert TIME_RE.match(ct), ct
    raw = int(c.GetProperty("st-time", "creation_time[raw]"))
    assert abs(raw - now) < 10
    assert time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(raw)) == ct
    assert int(c.GetProperty("st-time", "change_time[raw]")) >= raw
    assert TIME_RE.match(c.GetProperty("st-time", "change_time"))
    c.SetProperty("st-time", "command", sh("sleep 1.2"))
    c.Start("st-time")
    st = int(c.GetProperty("st-time", "start_time[raw]"))
    assert abs(st - time.time()) < 10 and st >= raw
    assert TIME_RE.match(c.GetProperty("st-time", "start_time"))
    c.WaitContainers(["st-time"], timeout=10)
    dt = int(c.GetProperty("st-time", "death_time[raw]"))
    assert st <= dt <= time.time() + 1
    assert TIME_RE.match(c.GetProperty("st-time", "death_time"))
    assert int(c.GetProperty("st-time", "time")) in (1, 2)
    time.sleep(1.1)
    assert int(c.GetProperty("st-time", "time[dead]")) >= 1


def test_time_running_grows(portod):
    c = portod.conn()
    start(c, "st-trun", command=SLEEP)
    t0 = int(c.GetProperty("st-trun", "time"))
    assert t0 >= 0
    wait_for(lambda: int(c.GetProperty("st-trun", "time")) >= t0 + 1, 5, msg="time grows")


def test_process_and_thread_count(portod):
    c = portod.conn()
    start(c, "st-pc", command=sh("sleep 1000 & sleep 1000 & wait"))
    wait_for(lambda: int(c.GetProperty("st-pc", "process_count")) >= 3, 5,
             msg="process_count >= 3")
    assert int(c.GetProperty("st-pc", "thread_count")) >= 3


def test_controllers_and_cgroups(portod):
    c = portod.conn()
    start(c, "st-cg", command=SLEEP)
    ctrls = [x.strip() for x in c.GetProperty("st-cg", "controllers").split(";") if x.strip()]
    assert "freezer" in ctrls
    # first level containers get all controllers
    for ctl in ("memory", "cpu", "cpuacct"):
        assert ctl in ctrls, ctrls
    assert c.GetProperty("st-cg", "controllers[freezer]") is True
    cgs = parse_map(c.GetProperty("st-cg", "cgroups"))
    assert "freezer" in cgs
    frz = cgroup_dir("freezer", c.GetProperty("st-cg", "cgroups[freezer]"))
    assert os.path.isdir(frz)
    roots = dict(cgroup_roots(portod.prefix))
    assert frz.startswith(roots["freezer"] + "/"), (frz, roots["freezer"])
    pid = c.GetProperty("st-cg", "root_pid")
    with open(os.path.join(frz, "cgroup.procs")) as f:
        assert pid in f.read().split()


def test_nested_controllers(portod):
    c = portod.conn()
    c.Create("st-cgp")
    start(c, "st-cgp/ch", command=SLEEP)
    ctrls = [x.strip() for x in c.GetProperty("st-cgp/ch", "controllers").split(";") if x.strip()]
    assert "freezer" in ctrls
    frz = cgroup_dir("freezer", c.GetProperty("st-cgp/ch", "cgroups[freezer]"))
    pfrz = cgroup_dir("freezer", c.GetProperty("st-cgp", "cgroups[freezer]"))
    assert frz.startswith(pfrz + "/")


def test_cgroups_removed_after_destroy(portod):
    c = portod.conn()
    start(c, "st-cgrm", command=SLEEP)
    dirs = []
    for ctl, path in parse_map(c.GetProperty("st-cgrm", "cgroups")).items():
        first = ctl.split(",")[0]
        d = cgroup_dir(first, path)
        if os.path.isdir(d) and "st-cgrm" in d:
            dirs.append(d)
    assert dirs
    c.Destroy("st-cgrm")
    for d in dirs:
        wait_for(lambda: not os.path.exists(d), 5, msg="%s removed" % d)


def test_owner(portod):
    c = portod.conn()
    c.Create("st-own")
    assert c.GetProperty("st-own", "owner_user") == "root"
    assert c.GetProperty("st-own", "owner_group") == "root"


def test_memory_and_cpu_usage(portod):
    c = portod.conn()
    start(c, "st-use", command=sh("i=0; while [ $i -lt 100000000 ]; do i=$((i+1)); done"))
    wait_for(lambda: int(c.GetProperty("st-use", "cpu_usage")) > 50 * 1000 * 1000, 10,
             msg="cpu_usage > 50ms")
    assert int(c.GetProperty("st-use", "memory_usage")) > 0


def test_oom_and_core_flags_default(portod):
    c = portod.conn()
    run_dead(c, "st-flags", command="true")
    assert c.GetProperty("st-flags", "oom_killed") is False
    assert c.GetProperty("st-flags", "core_dumped") is False


def test_get_on_root(portod):
    c = portod.conn()
    assert c.GetProperty("/", "absolute_name") == "/"
    assert c.GetProperty("/", "level") == "0"
    assert c.GetProperty("/", "state") == "meta"


def test_multi_get(portod):
    c = portod.conn()
    start(c, "st-mg", command=SLEEP)
    c.Create("st-mg2")
    res = c.Get(["st-mg", "st-mg2", "st-mg-none"], ["state", "command", "no_such_prop"])
    assert res["st-mg"]["state"] == "running"
    assert res["st-mg"]["command"] == SLEEP
    assert isinstance(res["st-mg"]["no_such_prop"], portod.exc.InvalidProperty)
    assert res["st-mg2"]["state"] == "stopped"
    assert isinstance(res["st-mg-none"]["state"], portod.exc.ContainerDoesNotExist)


def test_multi_get_patterns(portod):
    c = portod.conn()
    for n in ("st-pat-a", "st-pat-b", "st-pat-a/x"):
        c.Create(n)
    res = c.Get(["st-pat-*"], ["state"])
    assert set(res) == {"st-pat-a", "st-pat-b"}
    res = c.Get(["st-pat-a/***"], ["state"])
    assert set(res) == {"st-pat-a/x"}
    res = c.Get(["***"], ["state"])
    assert {"st-pat-a", "st-pat-b", "st-pat-a/x"} <= set(res)
    assert "/" not in res


def test_dead_container_keeps_cgroup_readings(portod):
    c = portod.conn()
    run_dead(c, "st-deadcg", command="true")
    # exit information and time stay readable while dead
    assert c.GetProperty("st-deadcg", "exit_code") == "0"
    assert int(c.GetProperty("st-deadcg", "time")) >= 0
    root_pid_ok = True
    try:
        pid = int(c.GetProperty("st-deadcg", "root_pid"))
        root_pid_ok = pid == 0 or not pid_alive(pid)
    except portod.exc.PortoException:
        pass
    assert root_pid_ok
