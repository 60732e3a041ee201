"""Issue 3, the hierarchy of resources: what a child may have against its
parent (porto.md Memory, CPU), the *_total properties over the tree, the
memory guarantee overcommit rule and the cpu_set forms."""

import os

import pytest

from .test_engine_extra import private  # noqa: F401 - fixture
from .util import make, proc_status, start

SLEEP = "sleep 1000"
M = 1 << 20


def getp(conn, name, prop):
    return str(conn.GetProperty(name, prop)).lower()


def knob(conn, name, ctrl, filename):
    from .util import cgroup_dir
    d = cgroup_dir(ctrl, conn.GetProperty(name, "cgroups[%s]" % ctrl))
    with open(os.path.join(d, filename)) as f:
        return f.read().strip()




def quota(c, name):
    q = int(knob(c, name, "cpu", "cpu.cfs_quota_us"))
    return q / int(knob(c, name, "cpu", "cpu.cfs_period_us")) if q > 0 else 0


def test_child_cpu_limit_bounded_by_parent(portod):
    c = portod.conn()
    start(c, "hc", command=SLEEP, cpu_limit="0.5c")
    start(c, "hc/a", command=SLEEP, cpu_limit="1c")
    # the child keeps its value but the kernel gets the parent's bound
    assert getp(c, "hc/a", "cpu_limit") == "1c"
    assert quota(c, "hc/a") == pytest.approx(0.5)
    # raising the parent lets the child have its own again, live
    c.SetProperty("hc", "cpu_limit", "1.5c")
    assert quota(c, "hc") == pytest.approx(1.5)
    assert quota(c, "hc/a") == pytest.approx(1.0)
    # lowering the parent below the child bounds the child first
    c.SetProperty("hc", "cpu_limit", "0.25c")
    assert quota(c, "hc") == pytest.approx(0.25)
    assert quota(c, "hc/a") == pytest.approx(0.25)
    c.SetProperty("hc", "cpu_limit", "0")
    assert quota(c, "hc") == 0
    assert quota(c, "hc/a") == pytest.approx(1.0)
    # a grandchild under a child without a cpu cgroup of its own
    make(c, "hc/a/m")
    start(c, "hc/a/m/g", command=SLEEP, cpu_limit="0.3c")
    assert quota(c, "hc/a/m/g") == pytest.approx(0.3)


def test_started_parent_lacks_controller(portod):
    c = portod.conn()
    make(c, "hpc")
    start(c, "hpc/a", command=SLEEP)
    assert "pids" not in getp(c, "hpc/a", "controllers")
    make(c, "hpc/a/b", command=SLEEP, thread_limit="100")
    with pytest.raises(portod.exc.InvalidState):
        c.Start("hpc/a/b")
    c.Stop("hpc/a")
    c.Start("hpc/a/b")
    assert "pids" in getp(c, "hpc/a", "controllers")
    assert knob(c, "hpc/a/b", "pids", "pids.max") == "100"


# --- memory_guarantee --------------------------------------------------------

def host_total():
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def test_memory_guarantee_total_over_the_tree(portod):
    c = portod.conn()
    root_before = int(c.GetProperty("/", "memory_guarantee_total"))
    make(c, "hg", memory_guarantee="64M")
    make(c, "hg/a", command=SLEEP, memory_guarantee="48M")
    make(c, "hg/b", command=SLEEP, memory_guarantee="32M")
    assert getp(c, "hg", "memory_guarantee") == str(64 * M)
    assert getp(c, "hg", "memory_guarantee_total") == str(64 * M)
    c.Start("hg/a")
    c.Start("hg/b")
    # max(own, sum of the children that are not stopped)
    assert getp(c, "hg", "memory_guarantee_total") == str(80 * M)
    assert int(c.GetProperty("/", "memory_guarantee_total")) == root_before + 80 * M
    c.Stop("hg/b")
    assert getp(c, "hg", "memory_guarantee_total") == str(64 * M)
    c.Stop("hg")
    assert int(c.GetProperty("/", "memory_guarantee_total")) == root_before


def test_memory_guarantee_overcommit_refused(portod):
    c = portod.conn()
    too_much = host_total()        # above total - reserve whatever the reserve
    start(c, "hgo", command=SLEEP, memory_guarantee="16M")
    with pytest.raises(portod.exc.ResourceNotAvailable):
        c.SetProperty("hgo", "memory_guarantee", str(too_much))
    assert getp(c, "hgo", "memory_guarantee") == str(16 * M)
    # lowering is always fine
    c.SetProperty("hgo", "memory_guarantee", "8M")
    # a stopped container keeps it; its start is what is refused
    make(c, "hgo2", command=SLEEP, memory_guarantee=str(too_much))
    with pytest.raises(portod.exc.ResourceNotAvailable):
        c.Start("hgo2")
    assert getp(c, "hgo2", "state") == "stopped"
    c.SetProperty("hgo2", "memory_guarantee", "0")
    c.Start("hgo2")


def test_memory_guarantee_reserve_from_config(private):
    from .test_engine_extra import connect
    total = host_total()
    d = private("daemon { memory_guarantee_reserve: %d }" % (total - 256 * M))
    c = connect(d)
    try:
        start(c, "r1", command=SLEEP, memory_guarantee="128M")
        make(c, "r2", command=SLEEP, memory_guarantee="160M")
        import porto
        with pytest.raises(porto.exceptions.ResourceNotAvailable):
            c.Start("r2")
        c.SetProperty("r2", "memory_guarantee", "64M")
        c.Start("r2")
        assert int(c.GetProperty("/", "memory_guarantee_total")) == 192 * M
    finally:
        c.disconnect()


@pytest.mark.parametrize("bad", ["-1", "x", "1Q", "99999999999999999999999", "1.5.5M"])
def test_memory_guarantee_bad_values(portod, bad):
    c = portod.conn()
    make(c, "hgb", memory_guarantee="1M")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("hgb", "memory_guarantee", bad)
    assert getp(c, "hgb", "memory_guarantee") == str(M)
