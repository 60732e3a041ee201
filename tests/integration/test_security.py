"""Security of issue 4 (porto.md "Security"): capabilities and credentials,
devices, ulimit, porto inside containers. Real processes: the sets are read
back from /proc/<pid>/status of the command, device access is tried from
inside, nested porto runs the real portoctl against our daemon."""

import os
import resource
import stat

import pytest

from .util import PORTOCTL_BIN, cgroup_mount, make, run_dead, sh, start, stdout_of, wait_state

CAPS = ["CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
        "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
        "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
        "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
        "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
        "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE"]


def mask(names):
    m = 0
    for n in filter(None, (x.strip() for x in names.split(";"))):
        m |= 1 << CAPS.index(n)
    return m


def output(conn, name, command, timeout=15):
    """Run the existing container `name` with `command`, return its stdout."""
    conn.SetProperty(name, "command", command)
    conn.Start(name)
    conn.WaitContainers([name], timeout=timeout)
    assert conn.GetProperty(name, "state") == "dead"
    return conn.GetProperty(name, "stdout")


def status_caps(conn, name):
    """CapBnd/CapAmb/CapEff of the command, from its own /proc status."""
    out = output(conn, name, "grep ^Cap /proc/self/status")
    caps = {}
    for line in out.splitlines():
        k, v = line.split(":")
        caps[k] = int(v.strip(), 16)
    return caps


def host_bounding():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapBnd:"):
                return int(line.split()[1], 16)
    return 0


# --- capabilities ------------------------------------------------------------

def test_root_owner_default_bounding_matches_allowed(portod):
    c = portod.conn()
    make(c, "sec-cap1")
    allowed = mask(c.GetProperty("sec-cap1", "capabilities_allowed"))
    caps = status_caps(c, "sec-cap1")
    assert caps["CapBnd"] == allowed
    # the manual's "not available by default" ones are not there
    for n in ("SYS_RAWIO", "SYS_MODULE", "SYS_TIME", "MAC_ADMIN"):
        assert not allowed & (1 << CAPS.index(n))
    assert allowed & (1 << CAPS.index("SYS_ADMIN"))
    assert allowed & ~host_bounding() == 0


def test_capabilities_limit_and_ambient_as_user(portod):
    c = portod.conn()
    make(c, "sec-cap2", user="nobody", group="nogroup",
         capabilities="NET_BIND_SERVICE;KILL;CHOWN", capabilities_ambient="NET_BIND_SERVICE")
    assert mask(c.GetProperty("sec-cap2", "capabilities_allowed")) == mask("NET_BIND_SERVICE;KILL;CHOWN")
    caps = status_caps(c, "sec-cap2")
    assert caps["CapBnd"] == mask("NET_BIND_SERVICE;KILL;CHOWN")
    assert caps["CapAmb"] == mask("NET_BIND_SERVICE")
    assert caps["CapEff"] == mask("NET_BIND_SERVICE")


def test_capabilities_bad_names(portod):
    c = portod.conn()
    make(c, "sec-cap3")
    for bad in ("NOPE", "CHOWN;;x y", "SYS_ADMIN;BOGUS"):
        with pytest.raises(portod.exc.InvalidValue):
            c.SetProperty("sec-cap3", "capabilities", bad)
    assert c.GetProperty("sec-cap3", "capabilities") == c.GetProperty("sec-cap3", "capabilities_allowed")


def test_non_root_owner_cannot_exceed(portod):
    c = portod.conn()
    make(c, "sec-cap4")
    c.SetProperty("sec-cap4", "owner_cred", "nobody nogroup")
    assert c.GetProperty("sec-cap4", "owner_user") == "nobody"
    assert c.GetProperty("sec-cap4", "user") == "nobody"
    allowed = c.GetProperty("sec-cap4", "capabilities_allowed")
    ambient = c.GetProperty("sec-cap4", "capabilities_ambient_allowed")
    # without chroot: ambient only for the groups whose requirements hold
    assert mask(ambient) == mask("KILL;NET_BIND_SERVICE;NET_RAW;SYS_PTRACE")
    with pytest.raises(portod.exc.Permission):
        c.SetProperty("sec-cap4", "capabilities", "SYS_RAWIO")
    with pytest.raises(portod.exc.Permission):
        c.SetProperty("sec-cap4", "capabilities_ambient", "SYS_ADMIN")
    # IPC_LOCK needs memory_limit
    with pytest.raises(portod.exc.Permission):
        c.SetProperty("sec-cap4", "capabilities_ambient", "IPC_LOCK")
    assert c.GetProperty("sec-cap4", "capabilities_ambient") == ""
    assert c.GetProperty("sec-cap4", "capabilities_allowed") == allowed
    c.SetProperty("sec-cap4", "memory_limit", "64M")
    c.SetProperty("sec-cap4", "capabilities_ambient", "IPC_LOCK")
    caps = status_caps(c, "sec-cap4")
    assert caps["CapAmb"] == mask("IPC_LOCK")
    assert caps["CapBnd"] == mask(c.GetProperty("sec-cap4", "capabilities_allowed"))


def test_child_within_parent_capabilities(portod):
    c = portod.conn()
    make(c, "sec-cap5", capabilities="CHOWN;KILL;SETUID;SETGID")
    make(c, "sec-cap5/ch")
    with pytest.raises(portod.exc.Permission):
        c.SetProperty("sec-cap5/ch", "capabilities", "SYS_ADMIN")
    assert mask(c.GetProperty("sec-cap5/ch", "capabilities_allowed")) == mask("CHOWN;KILL;SETUID;SETGID")
    c.SetProperty("sec-cap5/ch", "capabilities", "KILL")
    caps = status_caps(c, "sec-cap5/ch")
    assert caps["CapBnd"] == mask("KILL")


def test_task_cred(portod):
    c = portod.conn()
    make(c, "sec-cred")
    c.SetProperty("sec-cred", "task_cred", "nobody nogroup 0")
    assert c.GetProperty("sec-cred", "user") == "nobody"
    assert c.GetProperty("sec-cred", "task_cred") == "65534 65534 0"
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("sec-cred", "task_cred", "nosuchuser-xyz nogroup")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("sec-cred", "task_cred", "nobody")
    assert c.GetProperty("sec-cred", "user") == "nobody"
    out = output(c, "sec-cred", sh("id -u; id -g; id -G"))
    assert out.split() == ["65534", "65534", "65534", "0"]
