"""Container engine behaviour that needs a daemon of its own (stop, restart,
worker crash) or other credentials than root's.

Each test here starts a private portod (util.Daemon) with its own socket,
state dir and cgroup prefix, so that it may stop or kill it freely; the
session daemon of conftest.py is not used."""

import os
import shutil
import signal
import subprocess
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

    def make(config_text=""):
        _seq[0] += 1
        tmp = tempfile.mkdtemp(prefix="porto-eng-")
        prefix = "porto-eng-%d-%d" % (os.getpid(), _seq[0])
        d = Daemon(tmp, prefix, config_text)
        made.append(d)
        d.start()
        return d

    yield make
    leaks = []
    for d in made:
        if d.alive():
            d.destroy_all()
            d.stop()
        leaks += d.leftovers()
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
