"""wait and AsyncWait (protocol.md 10.11, python-api.md 4.5)."""

import threading
import time

import pytest

from .util import make, run_dead, sh, start, wait_for

SLEEP = "sleep 1000"


def test_wait_dead(portod):
    c = portod.conn()
    start(c, "wt-dead", command=sh("sleep 0.3"))
    t0 = time.monotonic()
    assert c.WaitContainers(["wt-dead"], timeout=10) == "wt-dead"
    assert time.monotonic() - t0 >= 0.2
    assert c.GetProperty("wt-dead", "state") == "dead"


def test_wait_already_finished(portod):
    c = portod.conn()
    c.Create("wt-stopped")
    t0 = time.monotonic()
    assert c.WaitContainers(["wt-stopped"], timeout=10) == "wt-stopped"
    run_dead(c, "wt-d2", command="true")
    assert c.WaitContainers(["wt-d2"], timeout=10) == "wt-d2"
    assert time.monotonic() - t0 < 5


def test_wait_timeout(portod):
    c = portod.conn()
    start(c, "wt-to", command=SLEEP)
    t0 = time.monotonic()
    with pytest.raises(portod.exc.WaitContainerTimeout):
        c.WaitContainers(["wt-to"], timeout=0.5)
    assert 0.4 <= time.monotonic() - t0 < 5


def test_wait_timeout_zero(portod):
    c = portod.conn()
    start(c, "wt-to0", command=SLEEP)
    t0 = time.monotonic()
    with pytest.raises(portod.exc.WaitContainerTimeout):
        c.WaitContainers(["wt-to0"], timeout=0)
    assert time.monotonic() - t0 < 2


def test_legacy_wait_returns_empty_on_timeout(portod):
    c = portod.conn()
    start(c, "wt-legacy", command=SLEEP)
    assert c.Wait(["wt-legacy"], timeout=200) == ""


def test_wait_nonexistent(portod):
    c = portod.conn()
    with pytest.raises(portod.exc.ContainerDoesNotExist):
        c.WaitContainers(["wt-none"], timeout=1)


def test_wait_first_of_many(portod):
    c = portod.conn()
    start(c, "wt-a", command=SLEEP)
    start(c, "wt-b", command=sh("sleep 0.3"))
    assert c.WaitContainers(["wt-a", "wt-b"], timeout=10) == "wt-b"


def test_wait_wildcard(portod):
    c = portod.conn()
    start(c, "wt-w1", command=SLEEP)
    start(c, "wt-w2", command=sh("sleep 0.3"))
    start(c, "wt-other", command="true")
    c.WaitContainers(["wt-other"], timeout=10)
    assert c.WaitContainers(["wt-w*"], timeout=10) == "wt-w2"


def test_wait_wildcard_does_not_cross_slash(portod):
    c = portod.conn()
    c.Create("wt-p")
    c.Start("wt-p")
    start(c, "wt-p/child", command="true")
    c.WaitContainers(["wt-p/child"], timeout=10)
    # wt-p is meta with no running children: finished for a sync waiter
    assert c.WaitContainers(["wt-p*"], timeout=5) == "wt-p"
    c.Stop("wt-p/child")
    assert c.WaitContainers(["wt-p/*"], timeout=5) == "wt-p/child"


def test_wait_triple_star(portod):
    c = portod.conn()
    c.Create("wt-t")
    c.Start("wt-t")
    start(c, "wt-t/deep", command=SLEEP)
    start(c, "wt-t/deep2", command=sh("sleep 0.3"))
    assert c.WaitContainers(["wt-t/***"], timeout=10) == "wt-t/deep2"


def test_wait_meta_until_children_finish(portod):
    c = portod.conn()
    c.Create("wt-meta")
    start(c, "wt-meta/ch", command=sh("sleep 0.5"))
    assert c.GetProperty("wt-meta", "state") == "meta"
    t0 = time.monotonic()
    assert c.WaitContainers(["wt-meta"], timeout=10) == "wt-meta"
    assert time.monotonic() - t0 >= 0.3
    assert c.GetProperty("wt-meta/ch", "state") == "dead"


def test_wait_in_thread_while_other_client_works(portod):
    """A parked sync wait does not block other clients."""
    c = portod.conn()
    start(c, "wt-par", command=SLEEP)
    result = {}

    def waiter():
        w = portod.conn()
        try:
            result["name"] = w.WaitContainers(["wt-par"], timeout=10)
        except Exception as exc:  # noqa: BLE001
            result["exc"] = exc
    th = threading.Thread(target=waiter)
    th.start()
    time.sleep(0.3)
    other = portod.conn()
    assert other.GetProperty("wt-par", "state") == "running"
    other.Kill("wt-par", 9)
    th.join(10)
    assert result.get("name") == "wt-par", result


def test_wait_labels_immediate(portod):
    c = portod.conn()
    c.Create("wt-lab")
    c.SetLabel("wt-lab", "TEST.k", "v1")
    res = c.WaitLabels(["wt-lab"], ["TEST.*"], timeout=5)
    assert res["name"] == "wt-lab"
    assert res["label"] == "TEST.k" and res["value"] == "v1"
    assert res["state"] == "stopped"


def test_wait_labels_event(portod):
    c = portod.conn()
    c.Create("wt-lab2")
    result = {}

    def waiter():
        w = portod.conn()
        try:
            result["res"] = w.WaitLabels(["wt-lab2"], ["TEST.go"], timeout=10)
        except Exception as exc:  # noqa: BLE001
            result["exc"] = exc
    th = threading.Thread(target=waiter)
    th.start()
    time.sleep(0.3)
    c.SetLabel("wt-lab2", "OTHER.x", "1")   # does not match the pattern
    c.SetLabel("wt-lab2", "TEST.go", "yes")
    th.join(10)
    res = result.get("res")
    assert res, result
    assert res["label"] == "TEST.go" and res["value"] == "yes"


def test_wait_labels_timeout(portod):
    c = portod.conn()
    c.Create("wt-lab3")
    with pytest.raises(portod.exc.WaitContainerTimeout):
        c.WaitLabels(["wt-lab3"], ["TEST.*"], timeout=0.3)


def test_portoctl_wait(portod):
    c = portod.conn()
    start(c, "wt-ctl", command=sh("sleep 0.3"))
    r = portod.portoctl("wait", "wt-ctl")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "wt-ctl"
    start(c, "wt-ctl2", command=SLEEP)
    r = portod.portoctl("wait", "-T", "1", "wt-ctl2")
    assert r.returncode == 0
    assert "timeout" in r.stderr


# --- AsyncWait -------------------------------------------------------------

class Events:
    def __init__(self):
        self.items = []

    def __call__(self, **kw):
        self.items.append(kw)

    def states(self, name=None):
        return [e["state"] for e in self.items if name is None or e.get("name") == name]

    def pump(self, conn, pred, timeout=10.0, msg="events"):
        """Events arrive only while a call is in progress: poll."""
        def check():
            conn.Version()
            return pred(self)
        return wait_for(check, timeout, interval=0.05, msg="%s (got %s)" % (msg, self.items))


def is_subsequence(sub, seq):
    it = iter(seq)
    return all(x in it for x in sub)


def test_async_wait_lifecycle(portod):
    c = portod.conn()
    ev = Events()
    c.AsyncWait(["aw-life"], ev)
    actor = portod.conn()
    make(actor, "aw-life", command=sh("sleep 0.2"))
    actor.Start("aw-life")
    actor.WaitContainers(["aw-life"], timeout=10)
    actor.Destroy("aw-life")
    ev.pump(c, lambda e: "destroyed" in e.states("aw-life"), msg="destroyed event")
    states = ev.states("aw-life")
    assert is_subsequence(["stopped", "running", "dead", "destroyed"], states), states
    dead = [e for e in ev.items if e["state"] == "dead"][0]
    assert dead.get("label") == "exit_code" and dead.get("value") == "0"
    assert abs(dead["when"] - time.time()) < 60


def test_async_wait_snapshot(portod):
    c = portod.conn()
    start(c, "aw-snap", command=SLEEP)
    c.Create("aw-snap2")
    ev = Events()
    c.AsyncWait(["aw-snap", "aw-snap2", "aw-snap-missing"], ev)
    # snapshot events precede the reply, so they are here already
    got = {e["name"]: e["state"] for e in ev.items}
    assert got.get("aw-snap") == "running"
    assert got.get("aw-snap2") == "stopped"
    assert "aw-snap-missing" not in got
    # a missing name is accepted and matches when the container appears
    portod.conn().Create("aw-snap-missing")
    ev.pump(c, lambda e: "stopped" in e.states("aw-snap-missing"), msg="late container")


def test_async_wait_patterns(portod):
    c = portod.conn()
    ev = Events()
    c.AsyncWait(["aw-p*"], ev)
    actor = portod.conn()
    actor.Create("aw-p1")
    actor.Create("aw-p1/child")      # '*' does not match '/'
    actor.Create("aw-q")             # does not match
    ev.pump(c, lambda e: "aw-p1" in [x["name"] for x in e.items], msg="aw-p1 event")
    time.sleep(0.2)
    c.Version()
    names = {e["name"] for e in ev.items}
    assert "aw-p1/child" not in names and "aw-q" not in names, names


def test_async_wait_all(portod):
    c = portod.conn()
    ev = Events()
    c.AsyncWait(["***"], ev)
    actor = portod.conn()
    actor.Create("aw-all")
    actor.Create("aw-all/x")
    ev.pump(c, lambda e: {"aw-all", "aw-all/x"} <= {x["name"] for x in e.items}, msg="*** events")


def test_async_wait_labels(portod):
    c = portod.conn()
    actor = portod.conn()
    actor.Create("aw-lab")
    ev = Events()
    c.AsyncWait(["aw-lab"], ev, labels=["TEST.*"])
    actor.SetLabel("aw-lab", "TEST.a", "1")
    actor.SetLabel("aw-lab", "OTHER.b", "2")
    actor.IncLabel("aw-lab", "TEST.n", 5)
    ev.pump(c, lambda e: any(x.get("label") == "TEST.n" for x in e.items), msg="label events")
    labels = [(x.get("label"), x.get("value")) for x in ev.items if x.get("label")]
    assert ("TEST.a", "1") in labels
    assert ("TEST.n", "5") in labels
    assert not [lv for lv in labels if lv[0] == "OTHER.b"], labels


def test_async_wait_without_labels_ignores_label_events(portod):
    c = portod.conn()
    actor = portod.conn()
    actor.Create("aw-nolab")
    ev = Events()
    c.AsyncWait(["aw-nolab"], ev)
    actor.SetLabel("aw-nolab", "TEST.a", "1")
    actor.Destroy("aw-nolab")
    ev.pump(c, lambda e: "destroyed" in e.states("aw-nolab"), msg="destroyed")
    assert not [x for x in ev.items if x.get("label") == "TEST.a"], ev.items


def test_async_wait_timeout_event(portod):
    c = portod.conn()
    c.Create("aw-to")
    ev = Events()
    c.AsyncWait(["aw-to"], ev, timeout=0.3)
    ev.pump(c, lambda e: "timeout" in e.states(), timeout=5, msg="timeout event")
    to = [x for x in ev.items if x["state"] == "timeout"][0]
    assert to["name"] == ""


def test_async_wait_replace_and_cancel(portod):
    c = portod.conn()
    ev = Events()
    c.AsyncWait(["aw-r1"], ev)
    c.AsyncWait(["aw-r2"], ev)     # replaces the subscription
    actor = portod.conn()
    actor.Create("aw-r1")
    actor.Create("aw-r2")
    ev.pump(c, lambda e: "aw-r2" in [x["name"] for x in e.items], msg="aw-r2 event")
    c.Version()
    assert "aw-r1" not in [x["name"] for x in ev.items]


def test_async_wait_start_error_event(portod):
    c = portod.conn()
    actor = portod.conn()
    make(actor, "aw-se", command="/nonexistent/cmd")
    ev = Events()
    c.AsyncWait(["aw-se"], ev)
    with pytest.raises(portod.exc.PortoException):
        actor.Start("aw-se")
    ev.pump(c, lambda e: any(x.get("label") == "start_error" for x in e.items),
            msg="start_error pseudo-label event")


def test_wait_reply_names_as_sent(portod):
    """Explicit names come back as the client sent them, pattern matches as
    relative names (protocol.md 10.11 step 3)."""
    c = portod.conn()
    c.Create("wt-as-sent")
    assert c.WaitContainers(["/porto/wt-as-sent"], timeout=5) == "/porto/wt-as-sent"
    assert c.WaitContainers(["wt-as-sen?"], timeout=5) == "wt-as-sent"


def test_wait_returns_on_respawning(portod):
    c = portod.conn()
    start(c, "wt-resp", command="true", respawn=True, max_respawns=1,
          respawn_delay=2000000000)
    assert c.WaitContainers(["wt-resp"], timeout=10) == "wt-resp"
    assert c.GetProperty("wt-resp", "state") == "respawning"


def test_async_wait_cancel_with_no_names(portod):
    c = portod.conn()
    ev = Events()
    c.AsyncWait(["aw-cancel"], ev)
    c.AsyncWait([], ev)            # no names: cancels the subscription
    actor = portod.conn()
    actor.Create("aw-cancel")
    actor.Destroy("aw-cancel")
    time.sleep(0.3)
    c.Version()
    assert [e for e in ev.items if e.get("name") == "aw-cancel"] == []


def test_async_wait_respawning_carries_exit_code(portod):
    c = portod.conn()
    ev = Events()
    c.AsyncWait(["aw-resp"], ev)
    actor = portod.conn()
    start(actor, "aw-resp", command=sh("exit 4"), respawn=True, max_respawns=1,
          respawn_delay=100000000)
    ev.pump(c, lambda e: "respawning" in e.states("aw-resp"), msg="respawning event")
    resp = [e for e in ev.items if e["state"] == "respawning"][0]
    assert resp.get("label") == "exit_code" and resp.get("value") == "4"
