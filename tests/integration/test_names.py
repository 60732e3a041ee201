"""Container names, special names, list masks, a 200-container hierarchy
(porto.md Name; protocol.md 10.1, 10.2, 10.6)."""

import time

import pytest

from .util import pid_alive, sh, wait_for


def test_allowed_characters(portod):
    c = portod.conn()
    name = "nm-Az09_-@:.x"
    c.Create(name)
    assert c.GetProperty(name, "state") == "stopped"
    assert name in c.List()


@pytest.mark.parametrize("bad", [
    "nm bad", "nm*bad", "nm?bad", "nm#bad", "nm$bad", "nm\tbad", "nm,bad", "nm;bad",
    "nm\u00e9", "nm-trailing/", "nm//double", "", "nm'quote", "nm[x]",
])
def test_bad_names(portod, bad):
    c = portod.conn()
    with pytest.raises(portod.exc.InvalidValue):
        c.Create(bad)


@pytest.mark.parametrize("comp", ["self", "."])
def test_reserved_components(portod, comp):
    c = portod.conn()
    c.Create("nm-res")
    with pytest.raises(portod.exc.InvalidValue):
        c.Create("nm-res/" + comp)


def test_component_length(portod):
    c = portod.conn()
    ok = "c" * 128
    c.Create(ok)
    assert ok in c.List()
    with pytest.raises(portod.exc.InvalidValue):
        c.Create("d" * 129)


def test_total_length_superuser(portod):
    """200 characters for users, 220 for the super-user (we are root)."""
    c = portod.conn()
    parent = "e" * 128
    c.Create(parent)
    c.Create(parent + "/" + "f" * 91)                 # 220
    with pytest.raises(portod.exc.InvalidValue):
        c.Create(parent + "/" + "g" * 92)             # 221


def test_nesting_16_levels(portod):
    c = portod.conn()
    name = ""
    for i in range(1, 17):
        name = (name + "/" if name else "") + "l%d" % i
        c.Create(name)
    assert c.GetProperty(name, "level") == "16"
    with pytest.raises(portod.exc.InvalidValue):
        c.Create(name + "/l17")


def test_absolute_names(portod):
    c = portod.conn()
    c.Create("nm-abs")
    assert c.GetProperty("/porto/nm-abs", "state") == "stopped"
    c.Create("/porto/nm-abs2")
    assert "nm-abs2" in c.List()
    c.Create("/porto/nm-abs/kid")
    assert "nm-abs/kid" in c.List()
    assert c.GetProperty("nm-abs/kid", "absolute_name") == "/porto/nm-abs/kid"
    c.Destroy("/porto/nm-abs2")
    assert "nm-abs2" not in c.List()


def test_root_self_dot(portod):
    c = portod.conn()
    assert c.GetProperty("/", "absolute_name") == "/"
    assert c.GetProperty("self", "absolute_name") == "/"
    assert c.GetProperty(".", "absolute_name") == "/"
    c.Create("self/nm-selfkid")
    assert "nm-selfkid" in c.List()
    assert c.GetProperty("self/nm-selfkid", "state") == "stopped"


def test_list_masks(portod):
    c = portod.conn()
    for n in ("nm-a", "nm-a/b", "nm-a/b/c", "nm-c"):
        c.Create(n)

    def mine(mask):
        return [n for n in c.List(mask) if n.startswith("nm-")]
    assert mine("nm-*") == ["nm-a", "nm-c"]
    assert mine("nm-a/***") == ["nm-a/b", "nm-a/b/c"]
    assert mine("nm-a*") == ["nm-a"]
    assert mine("nm-a/*") == ["nm-a/b"]
    assert mine("nm-?") == ["nm-a", "nm-c"]
    assert mine("***") == ["nm-a", "nm-a/b", "nm-a/b/c", "nm-c"]
    assert [n for n in c.List() if n.startswith("nm-")] == ["nm-a", "nm-a/b", "nm-a/b/c", "nm-c"]
    assert "/" not in c.List()


def test_list_sorted(portod):
    c = portod.conn()
    for n in ("nm-s-b", "nm-s-a", "nm-s-a/z", "nm-s-a/y"):
        c.Create(n)
    got = [n for n in c.List() if n.startswith("nm-s-")]
    assert got == ["nm-s-a", "nm-s-a/y", "nm-s-a/z", "nm-s-b"]


def test_list_containers_objects(portod):
    c = portod.conn()
    c.Create("nm-obj")
    objs = [o for o in c.ListContainers() if str(o) == "nm-obj"]
    assert len(objs) == 1
    assert objs[0].GetProperty("state") == "stopped"


def test_find(portod):
    c = portod.conn()
    c.Create("nm-find")
    assert str(c.Find("nm-find")) == "nm-find"
    with pytest.raises(portod.exc.ContainerDoesNotExist):
        c.Find("nm-find-none")


def test_200_containers_hierarchy(portod):
    c = portod.conn()
    t0 = time.monotonic()
    names = []
    for i in range(10):
        top = "nm-h%d" % i
        c.Create(top)
        names.append(top)
        for j in range(19):
            child = "%s/w%d" % (top, j)
            c.Create(child)
            c.SetProperty(child, "command", "sleep 1000")
            names.append(child)
    assert len(names) == 200
    for n in names:
        if "/" in n:
            c.Start(n)
    mine = [n for n in c.List("nm-h***") if n.startswith("nm-h")]
    assert sorted(mine) == sorted(names)
    states = c.Get(["nm-h*/*"], ["state", "root_pid"])
    assert len(states) == 190
    pids = []
    for n, vals in states.items():
        assert vals["state"] == "running", (n, vals)
        pids.append(int(vals["root_pid"]))
    for i in range(10):
        assert c.GetProperty("nm-h%d" % i, "state") == "meta"
    for i in range(10):
        c.Destroy("nm-h%d" % i)
    assert [n for n in c.List() if n.startswith("nm-h")] == []
    wait_for(lambda: not [p for p in pids if pid_alive(p)], 15, msg="all 190 processes gone")
    assert time.monotonic() - t0 < 120


def test_wide_flat_list(portod):
    c = portod.conn()
    for i in range(50):
        c.Create("nm-flat%02d" % i)
    got = [n for n in c.List("nm-flat*")]
    assert got == ["nm-flat%02d" % i for i in range(50)]


def test_self_and_dot_from_inside_container(portod):
    """A client inside a container: `self` is its container, `.` the root
    of its (empty) namespace, `self/x` creates a child (protocol.md 10.1)."""
    from . import util
    c = portod.conn()
    ctl = str(util.PORTOCTL_BIN)
    script = ("%s get self absolute_name; %s get . absolute_name; "
              "%s create self/kid && %s get self/kid absolute_name") % (ctl, ctl, ctl, ctl)
    c.Create("nm-inside")
    # (LeakSanitizer of an ASan-built portoctl cannot work in a new pid
    # namespace that still sees the host /proc)
    c.SetProperty("nm-inside", "env", "PORTO_SOCKET=%s; ASAN_OPTIONS=detect_leaks=0" % portod.socket)
    c.SetProperty("nm-inside", "command", sh(script))
    c.Start("nm-inside")
    c.WaitContainers(["nm-inside"], timeout=20)
    assert c.GetProperty("nm-inside", "stderr") == ""
    assert c.GetProperty("nm-inside", "stdout").split() == ["/porto/nm-inside", "/", "/porto/nm-inside/kid"]
    assert c.GetProperty("nm-inside", "exit_code") == "0"
    assert "nm-inside/kid" in c.List()
