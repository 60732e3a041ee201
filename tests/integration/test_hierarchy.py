"""Issue 3, the hierarchy of resources: what a child may have against its
parent (porto.md Memory, CPU), the *_total properties over the tree, the
memory guarantee overcommit rule and the cpu_set forms."""

import os

import pytest

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
