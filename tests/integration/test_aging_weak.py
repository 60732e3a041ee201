"""Aging of dead containers and weak containers (porto.md aging_time,
weak; protocol.md 10.4, 1.8)."""

import socket
import time

import pytest

from .util import make, request, run_dead, sh, start, wait_for

SLEEP = "sleep 1000"


def gone(conn, name):
    return name not in conn.List()


def test_aging_destroys_dead(portod):
    c = portod.conn()
    run_dead(c, "ag-dead", command="true", aging_time=1)
    wait_for(lambda: gone(c, "ag-dead"), 15, interval=0.2, msg="aged container destroyed")


def test_aging_keeps_running_and_stopped(portod):
    c = portod.conn()
    start(c, "ag-run", command=SLEEP, aging_time=1)
    make(c, "ag-stopped", aging_time=1)
    time.sleep(2.5)
    assert c.GetProperty("ag-run", "state") == "running"
    assert c.GetProperty("ag-stopped", "state") == "stopped"


def test_aging_default_keeps_dead(portod):
    c = portod.conn()
    run_dead(c, "ag-keep", command="true")
    time.sleep(2)
    assert c.GetProperty("ag-keep", "state") == "dead"


def test_aging_subtree_of_dead_parent(portod):
    c = portod.conn()
    start(c, "ag-p", command=sh("sleep 0.3"), aging_time=1)
    make(c, "ag-p/ch", command=SLEEP)
    c.Start("ag-p/ch")
    c.WaitContainers(["ag-p"], timeout=10)
    wait_for(lambda: gone(c, "ag-p") and gone(c, "ag-p/ch"), 15, interval=0.2,
             msg="aged parent removed with its subtree")


def test_weak_destroyed_on_disconnect(portod):
    observer = portod.conn()
    w = portod.conn()
    w.Create("wk-a", weak=True)
    assert w.GetProperty("wk-a", "weak") is True
    start(w, "wk-a/child", command=SLEEP)
    assert "wk-a" in observer.List()
    w.disconnect()
    wait_for(lambda: gone(observer, "wk-a") and gone(observer, "wk-a/child"), 10,
             msg="weak container destroyed after its client disconnected")


def test_weak_create_weak_container_method(portod):
    observer = portod.conn()
    w = portod.conn()
    w.CreateWeakContainer("wk-b")
    w.disconnect()
    wait_for(lambda: gone(observer, "wk-b"), 10, msg="weak container destroyed")


def test_weak_cleared_survives(portod):
    observer = portod.conn()
    w = portod.conn()
    w.Create("wk-c", weak=True)
    w.SetProperty("wk-c", "weak", False)
    assert w.GetProperty("wk-c", "weak") is False
    w.disconnect()
    time.sleep(0.5)
    observer.Version()
    assert "wk-c" in observer.List()


def test_weak_only_binds_creating_connection(portod):
    observer = portod.conn()
    w = portod.conn()
    w.Create("wk-d", weak=True)
    other = portod.conn()
    other.GetProperty("wk-d", "state")
    other.disconnect()                 # not the creator
    time.sleep(0.5)
    assert "wk-d" in observer.List()
    w.disconnect()
    wait_for(lambda: gone(observer, "wk-d"), 10, msg="weak container destroyed")


def test_non_weak_survives_disconnect(portod):
    observer = portod.conn()
    w = portod.conn()
    w.Create("wk-e")
    w.disconnect()
    time.sleep(0.5)
    assert "wk-e" in observer.List()


def test_run_is_weak_by_default(portod):
    observer = portod.conn()
    w = portod.conn()
    w.Run("wk-run", command=SLEEP)
    assert w.GetProperty("wk-run", "state") == "running"
    w.Run("wk-run2", weak=False, command=SLEEP)
    assert w.GetProperty("wk-run2", "weak") is False
    w.disconnect()
    wait_for(lambda: gone(observer, "wk-run"), 10, msg="Run() container destroyed")
    assert "wk-run2" in observer.List()


def test_run_failure_destroys(portod):
    c = portod.conn()
    with pytest.raises(portod.exc.InvalidValue):
        c.Run("wk-runbad", command="true", isolate="maybe")
    assert "wk-runbad" not in c.List()


def test_weak_destroyed_when_disconnecting_mid_request(portod):
    """Peer closes while its request is parked (a sync wait): the weak
    containers of that connection are destroyed, the daemon lives on."""
    observer = portod.conn()
    with portod.raw() as rc:
        assert rc.call(request("createWeak", name="wk-mid")).error == 0
        assert rc.call(request("setProperty", name="wk-mid", property="command",
                               value=SLEEP)).error == 0
        assert rc.call(request("start", name="wk-mid")).error == 0
        rc.send(request("wait", name=["wk-mid"]))
        time.sleep(0.2)
        rc.sock.shutdown(socket.SHUT_RDWR)
    wait_for(lambda: gone(observer, "wk-mid"), 10, msg="weak container destroyed")
    assert observer.Version()[0]
