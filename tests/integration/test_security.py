"""Security of issue 4 (porto.md "Security"): capabilities and credentials,
devices, ulimit, porto inside containers. Real processes: the sets are read
back from /proc/<pid>/status of the command, device access is tried from
inside, nested porto runs the real portoctl against our daemon."""

import os
import pwd
import resource
import stat

import pytest

from .test_engine_extra import private  # noqa: F401 - fixture
from .test_isolation_fs import no_leaks  # noqa: F401 - fixture
from .util import CAP_SYS_RESOURCE, PORTOCTL_BIN, cgroup_mount, have_cap, make, sh, wait_for

M = 1 << 20

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
    # without chroot: ambient only for the groups whose requirements hold;
    # the bounding set keeps the chroot and suid groups (for suid binaries)
    assert mask(ambient) == mask("KILL;NET_BIND_SERVICE;NET_RAW;SYS_PTRACE")
    assert mask(allowed) & mask("SYS_ADMIN;SYS_NICE;CHOWN;SETUID") == mask("SYS_ADMIN;SYS_NICE;CHOWN;SETUID")
    assert not mask(allowed) & mask("SYS_RAWIO;SYS_MODULE")
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


def test_capability_requirements_follow_properties(portod):
    """A non-root owner's ambient capabilities follow isolate (KILL,
    SYS_PTRACE) and net (NET_ADMIN); what the rules deny is Permission, what
    they allow reaches the process."""
    c = portod.conn()
    make(c, "sec-req", owner_cred="nobody nogroup")
    amb = mask(c.GetProperty("sec-req", "capabilities_ambient_allowed"))
    assert amb & mask("KILL;SYS_PTRACE") == mask("KILL;SYS_PTRACE") and not amb & mask("NET_ADMIN")
    c.SetProperty("sec-req", "isolate", "false")
    amb = mask(c.GetProperty("sec-req", "capabilities_ambient_allowed"))
    assert not amb & mask("KILL;SYS_PTRACE")
    with pytest.raises(portod.exc.Permission):
        c.SetProperty("sec-req", "capabilities_ambient", "KILL")
    with pytest.raises(portod.exc.Permission):
        c.SetProperty("sec-req", "capabilities_ambient", "NET_ADMIN")
    c.SetProperty("sec-req", "isolate", "true")
    c.SetProperty("sec-req", "net", "none")
    assert mask(c.GetProperty("sec-req", "capabilities_ambient_allowed")) & mask("NET_ADMIN")
    c.SetProperty("sec-req", "capabilities_ambient", "NET_ADMIN;KILL")
    caps = status_caps(c, "sec-req")
    assert caps["CapAmb"] == caps["CapEff"] == mask("NET_ADMIN;KILL")
    # a rule that stops holding after the set: the start refuses
    c.Stop("sec-req")
    c.SetProperty("sec-req", "net", "inherited")
    c.SetProperty("sec-req", "command", "true")
    with pytest.raises(portod.exc.Permission):
        c.Start("sec-req")
    assert c.GetProperty("sec-req", "state") == "stopped"


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


def test_virt_mode_host_within_parent(portod):
    """virt_mode=host lifts a container's own restrictions, never its
    parent's: a first level gets the daemon's bounding set, a child of a
    restricted parent the parent's."""
    c = portod.conn()
    make(c, "sec-host", virt_mode="host")
    assert status_caps(c, "sec-host")["CapBnd"] == host_bounding()
    make(c, "sec-host2", capabilities="CHOWN;KILL")
    make(c, "sec-host2/h", virt_mode="host")
    caps = status_caps(c, "sec-host2/h")
    assert caps["CapBnd"] == caps["CapEff"] == mask("CHOWN;KILL")


def test_virt_mode_host_devices_are_the_parents(portod):
    """virt_mode=host has no device rules of its own: a first-level one may
    open any device, one below a restricted parent only what the parent
    may; its devices change only while stopped."""
    c = portod.conn()
    d = node_dir(portod, "sec-hdev")
    make(c, "sec-hdev", cwd=d, virt_mode="host")
    out = output(c, "sec-hdev", OPEN_BOTH)
    assert "null=ok" in out and "tun=ok" in out, out
    assert "a *:* rwm" in devices_list(portod, "sec-hdev")
    make(c, "sec-hdev2", devices="/dev/zero -")
    make(c, "sec-hdev2/h", cwd=d, virt_mode="host")
    out = output(c, "sec-hdev2/h", sh("for n in ./null ./tun /dev/zero; do if ( : < $n ); then echo $n=ok; "
                                      "else echo $n=denied; fi; done 2>&1"))
    assert "./null=ok" in out and "./tun=denied" in out and "/dev/zero=denied" in out, out
    # explicit rules apply as anywhere, set before the start only
    make(c, "sec-hdev3", cwd=d, virt_mode="host", devices="/dev/net/tun -")
    out = output(c, "sec-hdev3", OPEN_BOTH)
    assert "null=ok" in out and "tun=denied" in out, out
    make(c, "sec-hdev4", virt_mode="host", command="sleep 1000")
    c.Start("sec-hdev4")
    with pytest.raises(portod.exc.InvalidState):
        c.SetProperty("sec-hdev4", "devices", "/dev/net/tun -")
    assert c.GetProperty("sec-hdev4", "devices") == ""
    assert "a *:* rwm" in devices_list(portod, "sec-hdev4")


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


# --- devices -----------------------------------------------------------------

def devices_list(portod, name):
    d = os.path.join(cgroup_mount("devices"), portod.prefix, name)
    with open(os.path.join(d, "devices.list")) as f:
        return set(f.read().split("\n")) - {""}


def node_dir(portod, name):
    """A directory the container's user can reach, with a copy of /dev/null
    (allowed by default) and /dev/net/tun (denied by default; opening it needs
    no capability) made by mknod."""
    d = os.path.join(portod.tmp, name.replace("/", "_"))
    os.makedirs(d, exist_ok=True)
    for n, dev in (("null", os.makedev(1, 3)), ("tun", os.makedev(10, 200))):
        p = os.path.join(d, n)
        if not os.path.exists(p):
            os.mknod(p, stat.S_IFCHR | 0o666, dev)
    return d


OPEN_BOTH = sh("for n in null tun; do if ( : < ./$n ); then echo $n=ok; else echo $n=denied; fi; done 2>&1")


def test_default_devices_deny_and_allow(portod):
    c = portod.conn()
    d = node_dir(portod, "sec-dev1")
    make(c, "sec-dev1", cwd=d)
    out = output(c, "sec-dev1", OPEN_BOTH)
    assert "null=ok" in out and "tun=denied" in out and "Operation not permitted" in out


def test_devices_grant_reaches_cgroup_and_process(portod):
    c = portod.conn()
    d = node_dir(portod, "sec-dev2")
    make(c, "sec-dev2", cwd=d, devices="/dev/net/tun r")
    assert c.GetProperty("sec-dev2", "devices") == "/dev/net/tun r"
    out = output(c, "sec-dev2", OPEN_BOTH)
    assert "null=ok" in out and "tun=ok" in out


def test_devices_live_change(portod):
    c = portod.conn()
    make(c, "sec-dev3", command="sleep 1000")
    c.Start("sec-dev3")
    rules = devices_list(portod, "sec-dev3")
    assert "c 1:3 rw" in rules and "c 10:200 r" not in rules and "a *:* rwm" not in rules
    c.SetProperty("sec-dev3", "devices", "/dev/net/tun r")
    assert "c 10:200 r" in devices_list(portod, "sec-dev3")
    c.SetProperty("sec-dev3", "devices", "/dev/zero -")
    rules = devices_list(portod, "sec-dev3")
    assert "c 10:200 r" not in rules and "c 1:5 rw" not in rules and "c 1:3 rw" in rules


@pytest.mark.parametrize("bad", ["/etc/passwd rw", "/dev/null rwx", "/dev/null", "/dev/../etc/shadow r",
                                 "/dev/null rw /dev/pts/0", "/dev/null r-", "/dev/null rw /dev/x 99999",
                                 "/dev/null rw /dev/x 0666 no-such-user-xyz", "preset no-such-preset",
                                 "/dev/null rw relative", "/dev/null rr", "/dev/null rw /dev/nul\x01",
                                 "/dev/null rw /dev/x\x7f"])
def test_devices_absurd_specs(portod, bad):
    c = portod.conn()
    make(c, "sec-dev4", devices="/dev/zero r")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("sec-dev4", "devices", bad)
    assert c.GetProperty("sec-dev4", "devices") == "/dev/zero r"


def test_devices_missing_node(portod):
    c = portod.conn()
    make(c, "sec-dev5")
    with pytest.raises(portod.exc.DeviceNotFound):
        c.SetProperty("sec-dev5", "devices", "/dev/no-such-node-xyz rw")
    c.SetProperty("sec-dev5", "devices", "/dev/no-such-node-xyz rw?")
    c.SetProperty("sec-dev5", "devices", "/dev/null rw")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("sec-dev5", "devices", "/dev/shm rw")


def test_devices_child_never_exceeds_parent(portod):
    c = portod.conn()
    d = node_dir(portod, "sec-dev6")
    make(c, "sec-dev6")
    make(c, "sec-dev6/ch", cwd=d)
    with pytest.raises(portod.exc.Permission):
        c.SetProperty("sec-dev6/ch", "devices", "/dev/net/tun r")
    c.SetProperty("sec-dev6", "devices", "/dev/net/tun r")
    c.SetProperty("sec-dev6/ch", "devices", "/dev/net/tun r")
    with pytest.raises(portod.exc.Permission):
        c.SetProperty("sec-dev6/ch", "devices", "/dev/net/tun rw")
    out = output(c, "sec-dev6/ch", OPEN_BOTH)
    assert "tun=ok" in out
    assert "c 10:200 r" in devices_list(portod, "sec-dev6/ch")


def test_devices_child_inherits_parent_grant(portod, tmp_path, no_leaks):
    """A child without devices of its own gets its parent's extra grant: in
    a devices cgroup of its own and as a node in its root's /dev."""
    from .test_isolation_fs import make_rootfs
    c = portod.conn()
    d = node_dir(portod, "sec-dev10")
    make(c, "sec-dev10", devices="/dev/net/tun r")
    make(c, "sec-dev10/ch", cwd=d, controllers="devices")
    out = output(c, "sec-dev10/ch", OPEN_BOTH)
    assert "null=ok" in out and "tun=ok" in out, out
    assert "c 10:200 r" in devices_list(portod, "sec-dev10/ch")
    make(c, "sec-dev10/rt", root=make_rootfs(str(tmp_path)))
    out = output(c, "sec-dev10/rt", sh("stat -c %t:%T /dev/net/tun && ( : < /dev/net/tun ) && echo tun=ok"))
    assert out.split() == ["a:c8", "tun=ok"], out


def test_devices_m_permits_mknod(portod):
    """m in a rule lets the container make the node (mknod), without it the
    kernel refuses."""
    c = portod.conn()
    d = os.path.join(portod.tmp, "sec-mknod")
    os.makedirs(d)
    make(c, "sec-mk", cwd=d, devices="/dev/null rwm", command="sleep 1000")
    c.Start("sec-mk")
    assert "c 1:3 rwm" in devices_list(portod, "sec-mk")
    c.Stop("sec-mk")
    out = output(c, "sec-mk", sh("mknod ./n c 1 3 && echo made"))
    assert "made" in out and os.stat(os.path.join(d, "n")).st_rdev == os.makedev(1, 3), out
    make(c, "sec-mk2", cwd=d)
    out = output(c, "sec-mk2", sh("mknod ./n2 c 1 3 2>&1; echo rc=$?"))
    assert "rc=0" not in out and "Operation not permitted" in out and not os.path.exists(os.path.join(d, "n2")), out


def test_devices_controller_off(portod):
    c = portod.conn()
    d = node_dir(portod, "sec-dev7")
    make(c, "sec-dev7", cwd=d)
    make(c, "sec-dev7b", devices="/dev/zero r")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("sec-dev7b", "controllers[devices]", "false")
    c.SetProperty("sec-dev7", "controllers[devices]", "false")
    with pytest.raises(portod.exc.Permission):
        c.SetProperty("sec-dev7", "devices", "/dev/net/tun r")
    out = output(c, "sec-dev7", OPEN_BOTH)
    assert "tun=ok" in out


def test_devices_controller_off_needs_no_root(portod, tmp_path, no_leaks):
    """controllers[devices]=false: a first level in a root is refused at the
    start; a second level only loses its own cgroup (the parent's rules
    still hold); a child of a first level without device control may not
    set devices."""
    from .test_isolation_fs import make_rootfs
    c = portod.conn()
    make(c, "sec-dvo1", root=make_rootfs(str(tmp_path)), command="/bin/true")
    c.SetProperty("sec-dvo1", "controllers[devices]", "false")
    with pytest.raises(portod.exc.InvalidValue) as ei:
        c.Start("sec-dvo1")
    assert "controllers[devices]=false" in str(ei.value)
    assert c.GetProperty("sec-dvo1", "state") == "stopped"
    d = node_dir(portod, "sec-dvo2")
    make(c, "sec-dvo2")
    make(c, "sec-dvo2/ch", cwd=d)
    c.SetProperty("sec-dvo2/ch", "controllers[devices]", "false")
    out = output(c, "sec-dvo2/ch", OPEN_BOTH[:-1] + "; grep :devices: /proc/self/cgroup'")
    assert "null=ok" in out and "tun=denied" in out, out
    assert out.rstrip().endswith("/%s/sec-dvo2" % portod.prefix), out    # the parent's cgroup
    assert not os.path.exists(os.path.join(cgroup_mount("devices"), portod.prefix, "sec-dvo2/ch"))
    make(c, "sec-dvo3")
    c.SetProperty("sec-dvo3", "controllers[devices]", "false")
    make(c, "sec-dvo3/ch")
    with pytest.raises(portod.exc.Permission):
        c.SetProperty("sec-dvo3/ch", "devices", "/dev/zero r")
    assert c.GetProperty("sec-dvo3/ch", "devices") == ""


# --- ulimit ------------------------------------------------------------------

LIMIT_ROWS = {  # ulimit type -> (RLIMIT_*, row of /proc/PID/limits)
    "as": (resource.RLIMIT_AS, "Max address space"), "core": (resource.RLIMIT_CORE, "Max core file size"),
    "cpu": (resource.RLIMIT_CPU, "Max cpu time"), "data": (resource.RLIMIT_DATA, "Max data size"),
    "fsize": (resource.RLIMIT_FSIZE, "Max file size"), "locks": (getattr(resource, "RLIMIT_LOCKS", 10), "Max file locks"),
    "memlock": (resource.RLIMIT_MEMLOCK, "Max locked memory"),
    "msgqueue": (resource.RLIMIT_MSGQUEUE, "Max msgqueue size"), "nice": (resource.RLIMIT_NICE, "Max nice priority"),
    "nofile": (resource.RLIMIT_NOFILE, "Max open files"), "nproc": (resource.RLIMIT_NPROC, "Max processes"),
    "rss": (resource.RLIMIT_RSS, "Max resident set"), "rtprio": (resource.RLIMIT_RTPRIO, "Max realtime priority"),
    "rttime": (resource.RLIMIT_RTTIME, "Max realtime timeout"),
    "sigpending": (resource.RLIMIT_SIGPENDING, "Max pending signals"), "stack": (resource.RLIMIT_STACK, "Max stack size"),
}


def proc_limits(text):
    rows = {}
    for line in text.splitlines()[1:]:
        for row in (r for _, r in LIMIT_ROWS.values()):
            if line.startswith(row):
                parts = line[len(row):].split()
                rows[row] = (parts[0], parts[1])
    return rows


def test_ulimit_every_type(portod):
    c = portod.conn()
    make(c, "sec-ul1")
    want = {}
    values = {"as": 8 << 30, "data": 8 << 30, "stack": 16 * M, "rss": 1 << 30, "memlock": 64 << 10,
              "fsize": 1 << 30, "msgqueue": 819200, "core": 1 << 20, "cpu": 1000, "locks": 100, "nice": 10,
              "nofile": 256, "nproc": 1000, "rtprio": 2, "rttime": 1000000, "sigpending": 100}
    for name, (res, row) in LIMIT_ROWS.items():
        own = resource.getrlimit(res)[1]
        hard = values[name] if own == resource.RLIM_INFINITY else min(own, values[name])
        soft = hard // 2
        c.SetProperty("sec-ul1", "ulimit[%s]" % name, "%d %d" % (soft, hard))
        want[row] = (str(soft), str(hard))
    got = proc_limits(output(c, "sec-ul1", "cat /proc/self/limits"))
    for row, v in want.items():
        assert got[row] == v, row


def test_ulimit_hard_above_daemon_refused(portod):
    own = resource.getrlimit(resource.RLIMIT_MEMLOCK)[1]
    if own == resource.RLIM_INFINITY or have_cap(CAP_SYS_RESOURCE):
        pytest.skip("the daemon can raise hard limits here")
    c = portod.conn()
    make(c, "sec-ul2", ulimit="nofile: 100 200")
    with pytest.raises(portod.exc.InvalidValue) as ei:
        c.SetProperty("sec-ul2", "ulimit", "memlock: unlimited unlimited; nofile: 10 20")
    assert "CAP_SYS_RESOURCE" in str(ei.value)
    assert c.GetProperty("sec-ul2", "ulimit[nofile]") == "100 200"


def test_memlock_default_from_memory_limit(portod):
    c = portod.conn()
    make(c, "sec-ul3")
    assert c.GetProperty("sec-ul3", "ulimit[memlock]") == ""
    c.SetProperty("sec-ul3", "memory_limit", "256M")
    hard = resource.getrlimit(resource.RLIMIT_MEMLOCK)[1]
    soft = 256 * M - 16 * M
    if hard != resource.RLIM_INFINITY and not have_cap(CAP_SYS_RESOURCE):
        soft = min(soft, hard)
    else:
        hard = "unlimited"
    assert c.GetProperty("sec-ul3", "ulimit[memlock]").split()[0] == str(soft)
    got = proc_limits(output(c, "sec-ul3", "cat /proc/self/limits"))
    assert got["Max locked memory"] == (str(soft), str(hard))


def test_memlock_minimal_and_margin_from_config(private):
    """portod.conf memlock_margin and memlock_minimal, each seen on its own:
    the values stay below any hard limit (this VM's is 8K), so neither is
    hidden by the clamp."""
    from .test_engine_extra import connect
    margin = 256 * M - 6144
    d = private("container { memlock_minimal: 4096 memlock_margin: %d }" % margin)
    c = connect(d)
    make(c, "ml-margin", memory_limit="256M")     # 256M - margin = 6144 > minimal
    make(c, "ml-minimal", memory_limit="128M")    # below the margin: the minimal
    make(c, "ml-minimal/kid")                     # the parent's limit counts
    for name, soft in (("ml-margin", 6144), ("ml-minimal/kid", 4096)):
        assert c.GetProperty(name, "ulimit[memlock]").split()[0] == str(soft), name
        got = proc_limits(output(c, name, "cat /proc/self/limits"))
        assert got["Max locked memory"][0] == str(soft), name
    c.disconnect()


# --- porto inside containers -------------------------------------------------

def inside(portod, c, name, script, **props):
    """Run `script` with $P = our portoctl talking to our daemon from inside
    the container `name`; returns its stdout+stderr."""
    make(c, name, env="PORTO_SOCKET=%s; P=%s" % (portod.socket, PORTOCTL_BIN), **props)
    return output(c, name, sh("exec 2>&1; " + script), timeout=30)


def test_enable_porto_isolate_creates_child(portod):
    c = portod.conn()
    make(c, "sec-sib")
    out = inside(portod, c, "sec-np1", "$P create child && $P set child command true && echo created; "
                 "$P list; echo ---; $P get sec-sib state; $P get /porto/sec-sib state; echo sib=$?; "
                 "$P get self absolute_name; "
                 "$P get . absolute_name; $P get child absolute_namespace", enable_porto="isolate")
    assert "created" in out, out
    listed, _, rest = out.partition("---")
    assert "child" in listed.split() and "sec-sib" not in listed and "sec-np1" not in listed.split()
    assert "ContainerDoesNotExist" in rest      # relative names are in the namespace
    assert "sib=0" not in rest and "Permission" in rest
    assert "/porto/sec-np1\n/porto/sec-np1\n/porto/sec-np1/" in rest
    assert "sec-np1/child" in c.List()
    assert c.GetProperty("sec-np1/child", "parent") == "/porto/sec-np1"
    assert c.GetProperty("sec-np1/child", "owner_user") == "root"


def test_enable_porto_isolate_dotdot_names(portod):
    """".." in names from inside an isolated container: its parent stays
    readable, nothing outside its subtree is reached or created."""
    c = portod.conn()
    make(c, "sec-dd")
    make(c, "sec-dd/sib")
    out = inside(portod, c, "sec-dd/in", "$P create child; $P get self/.. absolute_name; echo up=$?; "
                 "$P get self/../sib state; echo sib=$?; $P create self/../evil; echo evil=$?; "
                 "$P get child/../../sib state; echo sib2=$?; $P create child/../../evil2; echo evil2=$?; "
                 "$P destroy self/../sib; echo destroy=$?; $P get self/../../.. state; echo above=$?",
                 enable_porto="isolate")
    assert "/porto/sec-dd\nup=0" in out, out
    for key in ("sib", "evil", "sib2", "evil2", "destroy"):
        assert "%s=0" % key not in out, (key, out)
    assert out.count("Permission:") == 5 and "InvalidValue" in out and "above=0" not in out, out
    names = c.List()
    assert "sec-dd/sib" in names and "sec-dd/in/child" in names
    assert not [n for n in names if "evil" in n], names


def test_isolation_binds_children_and_self(portod):
    """A child of an isolated container set back to full access stays in
    the parent's namespace (where it may change itself); the isolated
    container itself is out of reach."""
    c = portod.conn()
    make(c, "sec-iso-sib")
    make(c, "sec-iso", enable_porto="isolate")
    out = inside(portod, c, "sec-iso/a", "$P list; echo ---; $P create /porto/sec-iso-evil; echo rc=$?; "
                 "$P set self enable_porto full; echo self=$?; $P set /porto/sec-iso private x; echo parent=$?",
                 enable_porto="full")
    listed, _, rest = out.partition("---")
    assert "sec-iso-sib" not in listed and "a" in listed.split(), out
    assert "rc=0" not in rest and "parent=0" not in rest and "Permission" in rest and "self=0" in rest, out
    assert "sec-iso-evil" not in c.List() and c.GetProperty("sec-iso", "private") == ""
    assert c.GetProperty("sec-iso/a", "enable_porto") in (True, "true")


def test_enable_porto_live_change(portod):
    """enable_porto changes while the container runs: its next request
    already meets the new level."""
    c = portod.conn()
    fifo = os.path.join(portod.tmp, "sec-np8.fifo")
    os.mkfifo(fifo)
    make(c, "sec-np8", env="PORTO_SOCKET=%s; P=%s" % (portod.socket, PORTOCTL_BIN), enable_porto="read-only",
         command=sh("exec 2>&1; $P list >/dev/null; echo a=$?; read x < %s; $P list; echo b=$?" % fifo))
    c.Start("sec-np8")
    wait_for(lambda: "a=" in c.GetProperty("sec-np8", "stdout"), timeout=15, msg="first request")
    c.SetProperty("sec-np8", "enable_porto", "false")

    def release():
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:         # the reader is not there yet
            return False
        os.write(fd, b"go\n")
        os.close(fd)
        return True
    wait_for(release, timeout=15, msg="the container reading the fifo")
    c.WaitContainers(["sec-np8"], timeout=15)
    out = c.GetProperty("sec-np8", "stdout")
    assert "a=0" in out and "b=0" not in out and "disabled" in out, out


def test_enable_porto_false_refused(portod):
    c = portod.conn()
    out = inside(portod, c, "sec-np2", "$P list; echo rc=$?", enable_porto="false")
    assert "Permission" in out and "rc=0" not in out


def test_enable_porto_read_only(portod):
    c = portod.conn()
    make(c, "sec-np3-other")
    out = inside(portod, c, "sec-np3", "$P list; $P create sub; echo rc=$?", enable_porto="read-only")
    assert "sec-np3-other" in out and "Permission" in out and "rc=0" not in out
    assert "sec-np3/sub" not in c.List()


def test_enable_porto_read_isolate_and_child_only(portod):
    c = portod.conn()
    make(c, "sec-np4")
    make(c, "sec-np4/a")
    out = inside(portod, c, "sec-np4/in", "$P list; echo ---; $P create x; echo rc=$?; "
                 "$P get /porto/sec-np4 state; echo parent=$?; $P get / state; echo root=$?; "
                 "$P get /porto/sec-np4/a state; echo sibling=$?",
                 enable_porto="read-isolate")
    listed, _, rest = out.partition("---")
    assert "sec-np4/a" not in listed and "a" not in listed.split() and "Permission" in rest
    # its parents and "/" stay readable, their other children do not
    assert "parent=0" in rest and "root=0" in rest and "sibling=0" not in rest, rest
    make(c, "sec-np5")
    out = inside(portod, c, "sec-np5/in", "$P list; echo ---; $P create /porto/sec-np5/y; echo y=$?; "
                 "$P create /porto/sec-np5/in/z; echo z=$?", enable_porto="child-only")
    listed, _, rest = out.partition("---")
    assert "sec-np4/a" in listed.split()     # reads everything
    assert "y=0" not in rest and "z=0" in rest
    assert "sec-np5/in/z" in c.List() and "sec-np5/y" not in c.List()


def test_porto_namespace_prefix(portod):
    c = portod.conn()
    make(c, "sec-np6")
    make(c, "sec-np6/pfx-a")
    make(c, "sec-np6/other")
    c.SetProperty("sec-np6", "enable_porto", "isolate")
    make(c, "sec-np6/in", porto_namespace="pfx-")
    assert c.GetProperty("sec-np6/in", "absolute_namespace") == "/porto/sec-np6/pfx-"
    c.SetProperty("sec-np6/in", "env", "PORTO_SOCKET=%s; P=%s" % (portod.socket, PORTOCTL_BIN))
    out = output(c, "sec-np6/in", sh("exec 2>&1; $P list; echo ---; $P get other state; echo rc=$?"))
    listed, _, rest = out.partition("---")
    assert "a" in listed.split() and "other" not in listed and "pfx-a" not in listed and "rc=0" not in rest
    for bad in ("/abs", "a//b", "x y", "a/../b", "..", "./x", "a/."):
        with pytest.raises(portod.exc.InvalidValue):
            c.SetProperty("sec-np6/in", "porto_namespace", bad)
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("sec-np6", "enable_porto", "maybe")


DEV_CONFIG = """
container {
    extra_devices: "/dev/net/tun r"
    device_preset { preset: "fuse" device: "/dev/fuse rw" device: "/dev/loop-control rw?" }
}
"""


def test_devices_config_presets_extra_and_restored_live_change(private):
    from .test_engine_extra import connect, kill_worker
    d = private(DEV_CONFIG)
    c = connect(d)
    tmp = os.path.join(str(d.tmp), "nodes")
    os.makedirs(tmp)
    os.mknod(os.path.join(tmp, "tun"), stat.S_IFCHR | 0o666, os.makedev(10, 200))
    make(c, "dv", cwd=tmp, command=sh("( : < ./tun ) && echo tun=ok; exec sleep 1000"), devices="preset fuse")
    assert c.GetProperty("dv", "devices").startswith("/dev/fuse rw; /dev/loop-control rw")
    c.Start("dv")
    rules_dir = os.path.join(cgroup_mount("devices"), d.prefix, "dv")

    def rules():
        with open(os.path.join(rules_dir, "devices.list")) as f:
            return set(f.read().split("\n"))
    assert "c 10:229 rw" in rules() and "c 10:200 r" in rules()
    kill_worker(d)
    c = connect(d)
    c.SetProperty("dv", "devices", "/dev/fuse -")
    assert "c 10:229 rw" not in rules() and "c 10:200 r" in rules()
    assert "tun=ok" in c.GetProperty("dv", "stdout")
    c.Destroy("dv")


def test_devices_deep_child_gets_own_cgroup(portod):
    c = portod.conn()
    d = node_dir(portod, "sec-dev8")
    make(c, "sec-dev8", devices="/dev/net/tun r")
    make(c, "sec-dev8/mid")
    make(c, "sec-dev8/mid/leaf", cwd=d, devices="/dev/net/tun -")
    out = output(c, "sec-dev8/mid/leaf", OPEN_BOTH)
    assert "null=ok" in out and "tun=denied" in out
    assert "c 10:200 r" not in devices_list(portod, "sec-dev8/mid/leaf")
    c.Destroy("sec-dev8")
    assert not os.path.exists(os.path.join(cgroup_mount("devices"), portod.prefix, "sec-dev8"))


def test_devices_below_running_parent_without_cgroup(portod):
    c = portod.conn()
    make(c, "sec-dev9")
    make(c, "sec-dev9/mid")
    c.Start("sec-dev9/mid")     # meta, no devices cgroup of its own
    make(c, "sec-dev9/mid/leaf")
    with pytest.raises(portod.exc.InvalidState):
        c.SetProperty("sec-dev9/mid/leaf", "devices", "/dev/zero r")
    assert c.GetProperty("sec-dev9/mid/leaf", "devices") == ""


def test_requests_from_inside_act_as_owner(portod):
    c = portod.conn()
    make(c, "sec-np7")
    # the task stays root; the owner decides
    out = inside(portod, c, "sec-np7/in", "$P list; echo ---; $P create /porto/sec-np7/x; echo rc=$?; "
                 "$P get self owner_user", owner_cred="nobody nogroup", user="root", group="root")
    listed, _, rest = out.partition("---")
    assert "sec-np7/in" in listed
    # nobody is neither root nor in group porto: read-only
    assert "Permission" in rest and "rc=0" not in rest and "nobody" in rest
    assert "sec-np7/x" not in c.List()


# --- non-root clients: ownership, a chroot of their own, nested porto ---------

def users_daemon(private):
    """A daemon whose /etc/group makes nobody a porto user (write access)
    and a member of `ownergrp`, and bin's containers everybody's
    (porto-containers); the system's user database is untouched."""
    from .test_engine_extra import GroupsDaemon, free_gids
    g_porto, g_own, g_pc = free_gids(3)
    d = private(cls=GroupsDaemon, extra_groups="porto:x:%d:nobody\nownergrp:x:%d:nobody\n"
                "porto-containers:x:%d:bin\n" % (g_porto, g_own, g_pc))
    return d, g_porto, g_own


def as_nobody(d, g_porto, fn):
    """fn(connection) run by a client with nobody's credentials."""
    from .test_engine_extra import as_user
    sock = d.socket
    uid = pwd.getpwnam("nobody").pw_uid

    def run():
        import porto
        return fn(porto.Connection(socket_path=sock, timeout=30))
    return as_user(uid, uid, [g_porto], run)


def test_owner_user_and_group_rules(private):
    """Root gives a container to anyone; others only to users whose
    containers they control (themselves, porto-containers) and to a group
    they (or the owner) belong to; stopped containers only; the task
    credentials follow the owner unless set."""
    from .test_engine_extra import attempt, connect, kill_worker
    d, g_porto, g_own = users_daemon(private)
    tries = (("to_root", "owner_user", "root"), ("to_daemon", "owner_user", "daemon"),
             ("grp_root", "owner_group", "root"), ("cred_root", "owner_cred", "root root"),
             ("cred_grp_root", "owner_cred", "nobody root"), ("bad_user", "owner_user", "no-such-user-xyz"),
             ("bad_grp", "owner_group", "no-such-group-xyz"), ("bad_cred", "owner_cred", "nobody"),
             ("host_mode", "virt_mode", "host"), ("user_root", "user", "root"), ("group_root", "group", "root"),
             ("task_groups_root", "task_cred", "nobody nogroup 0"), ("task_root", "task_cred", "root nogroup"),
             ("to_bin", "owner_user", "bin"), ("bin_got", "command", "true"),
             ("self", "owner_user", "nobody"), ("grp_own", "owner_group", "ownergrp"))

    def phase1(n):
        n.Create("ow")
        got = {"created": [n.GetProperty("ow", p) for p in ("owner_user", "owner_group")]}
        for key, prop, value in tries:
            got[key] = attempt(n.SetProperty, "ow", prop, value)
            got[key + "_owner"] = n.GetProperty("ow", "owner_user")
        got["after"] = [n.GetProperty("ow", p) for p in ("owner_user", "owner_group", "user", "group")]
        got["cred"] = n.GetProperty("ow", "owner_cred")
        n.SetProperty("ow", "command", "sh -c 'id -u; id -g; echo $PORTO_USER $USER'")
        n.Start("ow")
        n.WaitContainers(["ow"], timeout=15)
        got["ids"] = n.GetProperty("ow", "stdout").split()
        got["not_stopped"] = attempt(n.SetProperty, "ow", "owner_group", "nogroup")
        return got

    got = as_nobody(d, g_porto, phase1)
    assert got["created"] == ["nobody", "nogroup"], got
    for key in ("to_root", "to_daemon", "grp_root", "cred_root", "cred_grp_root", "host_mode", "user_root",
                "group_root", "task_groups_root", "task_root"):
        assert got[key].startswith("Permission:"), (key, got)
    for key in ("bad_user", "bad_grp", "bad_cred"):
        assert got[key].startswith("InvalidValue:"), (key, got)
    assert got["self"] == "ok" and got["grp_own"] == "ok" and got["to_bin"] == "ok" and got["bin_got"] == "ok", got
    assert got["to_bin_owner"] == "bin" and got["to_daemon_owner"] == "nobody", got
    assert got["after"] == ["nobody", "ownergrp", "nobody", "ownergrp"], got
    assert got["cred"].split()[:2] == ["65534", str(g_own)], got
    assert got["ids"] == ["65534", str(g_own), "nobody", "nobody"], got
    assert got["not_stopped"].startswith("InvalidState:"), got

    c = connect(d)
    c.Stop("ow")
    c.SetProperty("ow", "user", "nobody")               # set: stays with the task
    c.SetProperty("ow", "owner_user", "daemon")         # root keeps the group
    want = ["daemon", "ownergrp", "nobody", "ownergrp"]
    assert [c.GetProperty("ow", p) for p in ("owner_user", "owner_group", "user", "group")] == want
    kill_worker(d)                                      # the record keeps it
    c = connect(d)
    assert [c.GetProperty("ow", p) for p in ("owner_user", "owner_group", "user", "group")] == want
    assert as_nobody(d, g_porto, lambda n: attempt(n.SetProperty, "ow", "command", "true")).startswith(
        "Permission:")
    c.SetProperty("ow", "owner_cred", "nobody nogroup")
    assert c.GetProperty("ow", "owner_group") == "nogroup" and c.GetProperty("ow", "group") == "nogroup"
    assert as_nobody(d, g_porto, lambda n: attempt(n.SetProperty, "ow", "command", "true")) == "ok"
    c.Destroy("ow")


def test_non_root_container_with_root(private, tmp_path):
    """A container of a non-root client in a busybox root of its own runs as
    that user, gets the chroot capabilities only as the rules say and no
    device or capability its parent lacks; root and bind need the owner's
    access even when root configured them."""
    from .test_engine_extra import attempt, connect
    from .test_isolation_fs import BUSYBOX, make_rootfs
    import porto.exceptions as porto_exc
    if not os.path.exists(BUSYBOX):
        pytest.skip("busybox-static is not installed")
    d, g_porto, _ = users_daemon(private)
    os.chmod(str(tmp_path), 0o755)
    root = make_rootfs(str(tmp_path))
    nobody = pwd.getpwnam("nobody").pw_uid
    os.chown(root, nobody, nobody)
    script = sh("id -u; cat /etc/marker; ls /dev; grep ^Cap /proc/self/status; stat -c console=%t:%T /dev/console")

    def phase(n):
        n.Create("nr")
        n.SetProperty("nr", "root", root)
        got = {"allowed": n.GetProperty("nr", "capabilities_allowed"),
               "ambient_allowed": n.GetProperty("nr", "capabilities_ambient_allowed")}
        for key, prop, value in (("cap_suid", "capabilities", "SYS_ADMIN"), ("cap_raw", "capabilities", "SYS_RAWIO"),
                                 ("dev_tun", "devices", "/dev/net/tun r"), ("dev_kmsg_w", "devices", "/dev/kmsg rw"),
                                 ("dev_mknod", "devices", "/dev/null rwm"),
                                 ("dev_mode", "devices", "/dev/kmsg r /dev/kmsg 0666"),
                                 ("dev_kmsg_r", "devices", "/dev/kmsg r"),
                                 ("ambient", "capabilities_ambient", "CHOWN;KILL"),
                                 ("limit", "capabilities", "CHOWN;KILL;SETUID;NET_BIND_SERVICE")):
            got[key] = attempt(n.SetProperty, "nr", prop, value)
        n.Create("nr/ch")
        got["child_cap"] = attempt(n.SetProperty, "nr/ch", "capabilities", "SETGID")
        got["child_dev"] = attempt(n.SetProperty, "nr/ch", "devices", "/dev/zero rw; /dev/kmsg rw")
        n.SetProperty("nr", "command", script)
        n.Start("nr")
        n.WaitContainers(["nr"], timeout=20)
        got["exit"] = n.GetProperty("nr", "exit_code")
        got["out"] = n.GetProperty("nr", "stdout")
        got["bnd"] = n.GetProperty("nr", "capabilities_allowed")
        n.Destroy("nr")
        # virt_mode=os: root inside its root, still only the chroot rules
        n.Create("nros")
        for prop, value in (("root", root), ("virt_mode", "os"),
                            ("command", sh("id -u > /tmp/os.out; grep ^CapBnd /proc/self/status >> /tmp/os.out"))):
            n.SetProperty("nros", prop, value)
        got["os_allowed"] = n.GetProperty("nros", "capabilities_allowed")
        n.Start("nros")
        n.WaitContainers(["nros"], timeout=20)
        got["os_exit"] = n.GetProperty("nros", "exit_code")
        n.Destroy("nros")
        return got

    got = as_nobody(d, g_porto, phase)
    allowed = mask(got["allowed"])
    assert allowed & mask("CHOWN;SETUID;SYS_CHROOT;KILL")             # chroot + isolate groups
    assert not allowed & mask("SYS_ADMIN;SYS_RAWIO;SYS_MODULE;NET_ADMIN")
    assert mask(got["ambient_allowed"]) == allowed                     # equal in a chroot
    for key in ("cap_suid", "cap_raw", "dev_tun", "dev_kmsg_w", "dev_mknod", "dev_mode", "child_cap", "child_dev"):
        assert got[key].startswith("Permission:"), (key, got)
    for key in ("dev_kmsg_r", "ambient", "limit"):
        assert got[key] == "ok", (key, got)
    assert got["exit"] == "0", got
    lines = got["out"].split("\n")
    assert lines[0] == "65534" and lines[1] == "in-root", got
    assert "kmsg" in lines and "net" not in lines and "mem" not in lines, got
    assert "console=1:3" in lines, got                                 # an alias of /dev/null
    caps = dict((k, int(v.strip(), 16)) for k, v in (ln.split(":") for ln in lines if ln.startswith("Cap")))
    assert caps["CapBnd"] == mask("CHOWN;KILL;SETUID;NET_BIND_SERVICE") == mask(got["bnd"])
    assert caps["CapAmb"] == caps["CapEff"] == mask("CHOWN;KILL")
    assert got["os_exit"] == "0", got
    with open(os.path.join(root, "tmp/os.out")) as f:
        uid, bnd = f.read().split("\n")[:2]
    # os mode means net=none: NET_ADMIN joins, nothing else
    assert uid == "0" and int(bnd.split()[1], 16) == mask(got["os_allowed"]) == allowed | mask("NET_ADMIN"), \
        (uid, bnd, got)
    assert not os.listdir(os.path.join(root, "dev"))                   # nothing left on the host side
    c = connect(d)
    assert "nr" not in c.List()
    # root configures it, the owner's access decides at the start
    theirs = make_rootfs(str(tmp_path), "roots")                       # root's, 0755
    make(c, "nr3", owner_cred="nobody nogroup", root=theirs, command="/bin/true")
    with pytest.raises(porto_exc.Permission):
        c.Start("nr3")
    c.SetProperty("nr3", "root", root)
    c.SetProperty("nr3", "bind", "%s /mnt" % os.path.join(theirs, "etc"))
    with pytest.raises(porto_exc.Permission):
        c.Start("nr3")
    c.SetProperty("nr3", "bind", "%s /mnt ro" % os.path.join(theirs, "etc"))
    c.Start("nr3")
    c.WaitContainers(["nr3"], timeout=15)
    assert c.GetProperty("nr3", "exit_code") == "0"
    c.Destroy("nr3")


def test_nested_porto_of_non_root_owner(private):
    """A non-root user's container with enable_porto=isolate runs the host's
    portoctl (no root of its own): `child` and `self/child2` become
    parent/child, owned by the parent's owner; the parent's siblings stay
    invisible; other levels refuse what they must."""
    from .test_engine_extra import connect
    d, g_porto, _ = users_daemon(private)
    c = connect(d)
    c.Create("sib")
    env = "PORTO_SOCKET=%s; P=%s" % (d.socket, PORTOCTL_BIN)
    script = sh("exec 2>&1; $P create child && echo c1; $P create self/child2 && echo c2; $P list; echo ---; "
                "$P get child owner_user; $P get /porto/sib state; echo sib=$?; $P get sib state; "
                "$P create /porto/outside; echo out=$?; $P set /porto/sib command true; echo set=$?")
    levels = {"np": "isolate", "np-ro": "read-only", "np-ri": "read-isolate", "np-co": "child-only",
              "np-no": "none", "np-fu": "full"}
    other = sh("exec 2>&1; $P list; echo list=$?; $P create x; echo x=$?; $P create self/y; echo y=$?")
    # full access: the requests act as nobody, who may not touch root's sib
    full = sh("exec 2>&1; $P create np-fu-x; echo x=$?; $P get np-fu-x owner_user; "
              "$P set sib command true; echo set=$?; $P destroy sib; echo destroy=$?")

    def phase(n):
        out = {}
        for name, level in levels.items():
            n.Create(name)
            n.SetProperty(name, "env", env)
            n.SetProperty(name, "enable_porto", level)
            n.SetProperty(name, "command", {"np": script, "np-fu": full}.get(name, other))
            if name == "np":    # requests act as owner_user:owner_group
                n.SetProperty(name, "owner_group", "ownergrp")
            n.Start(name)
            n.WaitContainers([name], timeout=30)
            out[name] = n.GetProperty(name, "stdout")
        out["owners"] = [n.GetProperty(x, p) for x in ("np/child", "np/child2") for p in ("owner_user", "owner_group")]
        return out

    got = as_nobody(d, g_porto, phase)
    out = got["np"]
    listed, _, rest = out.partition("---")
    assert "c1" in listed and "c2" in listed, out
    assert set(listed.split()) >= {"child", "child2"} and "sib" not in listed and "np" not in listed.split(), out
    assert rest.split("\n")[1] == "nobody", out
    assert "sib=0" not in rest and "ContainerDoesNotExist" in rest, out
    assert "out=0" not in rest and "set=0" not in rest and "Permission" in rest, out
    assert got["owners"] == ["nobody", "ownergrp", "nobody", "ownergrp"], got["owners"]
    names = c.List()
    assert "np/child" in names and "np/child2" in names and "outside" not in names
    assert c.GetProperty("sib", "command") == ""
    # read-only: sees all, writes nothing
    ro = got["np-ro"]
    assert "sib" in ro.split() and "list=0" in ro and "x=0" not in ro and "y=0" not in ro and "Permission" in ro
    # read-isolate: sees only its subtree, writes nothing
    ri = got["np-ri"]
    assert "sib" not in ri.split() and "list=0" in ri and "x=0" not in ri and "y=0" not in ri, ri
    # child-only: writes only below itself
    co = got["np-co"]
    assert "sib" in co.split() and "x=0" not in co and "y=0" in co and "Permission" in co, co
    # none: nothing at all
    no = got["np-no"]
    assert "list=0" not in no and "Permission" in no and "x=0" not in no and "y=0" not in no, no
    fu = got["np-fu"]
    assert "x=0" in fu and "nobody" in fu and "set=0" not in fu and "destroy=0" not in fu, fu
    assert "sib" in c.List() and c.GetProperty("np-fu-x", "owner_user") == "nobody"
    c.Destroy("np-fu-x")
    assert "np-co/y" in c.List()
    for n in ("np-ro/x", "np-ro/y", "np-ri/x", "np-ri/y", "np-co/x", "x", "np-no/x", "np-no/y"):
        assert n not in c.List(), n
    for name in list(levels) + ["sib"]:
        c.Destroy(name)


TUN_SYSFS = "/sys/devices/virtual/misc/tun"
SYSFS_CONFIG = 'container { device_sysfs { device: "/dev/net/tun" sysfs: "%s" } }\n' % TUN_SYSFS


def test_device_sysfs_writable_with_the_device(private, tmp_path, no_leaks):
    """container.device_sysfs: in a root /sys is read-only except the listed
    nodes of a device the container may write to."""
    from .test_engine_extra import connect
    from .test_isolation_fs import BUSYBOX, make_rootfs
    if not os.path.exists(BUSYBOX) or not os.path.isdir(TUN_SYSFS):
        pytest.skip("needs busybox-static and %s" % TUN_SYSFS)
    d = private(SYSFS_CONFIG)
    c = connect(d)
    root = make_rootfs(str(tmp_path))
    script = sh("grep ' /sys' /proc/self/mounts")

    def sys_mounts(name, devices):
        make(c, name, root=root, devices=devices)
        out = output(c, name, script)
        return {f[1]: f[3].split(",")[0] for f in (line.split() for line in out.splitlines())}
    granted = sys_mounts("sf-rw", "/dev/net/tun rw")
    assert granted["/sys"] == "ro" and granted[TUN_SYSFS] == "rw", granted
    for name, devices in (("sf-r", "/dev/net/tun r"), ("sf-none", "")):
        got = sys_mounts(name, devices)
        assert got["/sys"] == "ro" and TUN_SYSFS not in got, (devices, got)


def test_devices_path_mode_owner_in_root(portod, tmp_path, no_leaks):
    """A granted device appears in a root's /dev at its path with the mode
    and owner the rule gives; a denied one ("-") is not made."""
    from .test_isolation_fs import BUSYBOX, make_rootfs
    if not os.path.exists(BUSYBOX):
        pytest.skip("busybox-static is not installed")
    c = portod.conn()
    root = make_rootfs(str(tmp_path))
    make(c, "sec-devroot", root=root, devices="/dev/null rw /dev/mynull 0600 nobody nogroup; /dev/zero -")
    out = output(c, "sec-devroot", sh("stat -c '%n %a %u %g %t:%T' /dev/mynull; ls /dev; "
                                      "echo x > /dev/mynull && echo wrote"))
    lines = out.split("\n")
    assert lines[0] == "/dev/mynull 600 65534 65534 1:3", out
    assert "zero" not in lines and "null" in lines and "wrote" in lines, out


def install_portoctl(root):
    """Our portoctl and the libraries ldd names, copied into a root."""
    import shutil
    import subprocess
    shutil.copy(str(PORTOCTL_BIN), os.path.join(root, "bin/portoctl"))
    out = subprocess.run(["ldd", str(PORTOCTL_BIN)], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        path = line.split("=>")[-1].split("(")[0].strip()
        if path.startswith("/"):
            real = os.path.join(root, path.lstrip("/"))
            os.makedirs(os.path.dirname(real), exist_ok=True)
            shutil.copy(path, real)


def test_nested_porto_in_a_root(portod, tmp_path, no_leaks):
    """In a root porto's socket is bound at /run/portod.socket: the
    container's own portoctl reaches it and creates parent/child; without
    porto access there is no socket."""
    from .test_isolation_fs import BUSYBOX, make_rootfs
    if not os.path.exists(BUSYBOX):
        pytest.skip("busybox-static is not installed")
    root = make_rootfs(str(tmp_path))
    install_portoctl(root)
    c = portod.conn()
    make(c, "sec-chp", root=root, enable_porto="isolate")
    out = output(c, "sec-chp", sh("exec 2>&1; portoctl create child && echo made; portoctl list; "
                                  "portoctl get self absolute_name"), timeout=30)
    assert "made" in out and "child" in out.split() and "/porto/sec-chp" in out, out
    assert "sec-chp/child" in c.List()
    # root_path is the path in the client's namespace: inside the root, "/"
    # is the client's own root and a child's root a path in it
    c.Stop("sec-chp")
    out = output(c, "sec-chp", sh("exec 2>&1; portoctl create rp; portoctl set rp root /mnt; "
                                  "portoctl get self root_path; portoctl get rp root_path"), timeout=30)
    assert out.split() == ["/", "/mnt"], out
    assert c.GetProperty("sec-chp/rp", "root_path") == os.path.join(root, "mnt")
    make(c, "sec-chp2", root=root, enable_porto="false")
    out = output(c, "sec-chp2", sh("exec 2>&1; ls /run/portod.socket; portoctl list; echo rc=$?"))
    assert "rc=0" not in out and "No such file" in out, out
