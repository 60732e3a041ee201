"""Namespaces without a root and nested ones, /sys/kernel/tracing,
device_sysfs, and the issue's headline: an os container with its own init,
entered with `portoctl shell` and `portoctl exec` (porto.md "Context":
isolate, virt_mode; "Filesystem": root; "Security": devices).
"""

import os
import pty
import re
import select
import signal
import time

import pytest

from . import util
from .test_engine_extra import private  # noqa: F401 - fixture
from .test_isolation_fs import BUSYBOX, make_rootfs, mountinfo, no_leaks, out_of, rootfs  # noqa: F401
from .util import sh, start, wait_for

pytestmark = pytest.mark.skipif(not os.path.exists(BUSYBOX), reason="busybox-static is not installed")

HOST_BUSYBOX = BUSYBOX


def host_mnt_ns():
    return os.readlink("/proc/self/ns/mnt")


def ns_pids(pid):
    """NSpid of a host pid: its pid in every pid namespace, outermost first."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("NSpid:"):
                return [int(x) for x in line.split()[1:]]
    return []


def mount_line(out, point):
    """The /proc/self/mountinfo line (as printed inside) of a mount point."""
    lines = [l for l in out.splitlines() if len(l.split()) > 5 and l.split()[4] == point]
    return lines[-1] if lines else None


def mount_opts(line):
    return set(line.split()[5].split(","))


# ---- 1. isolate without a root: an own /proc ------------------------------------------------

def test_isolate_without_root_has_own_proc(portod, no_leaks):
    c = portod.conn()
    host_before = mountinfo()
    start(c, "ns-proc", command=sh("sleep 1000"))
    pid = int(c.GetProperty("ns-proc", "root_pid"))
    mnt = os.readlink("/proc/%d/ns/mnt" % pid)
    assert mnt != host_mnt_ns()
    # a cgroup namespace only with a root (README): here the host's
    assert os.readlink("/proc/%d/ns/cgroup" % pid) == os.readlink("/proc/self/ns/cgroup")
    assert mountinfo() == host_before, "the container's /proc showed up on the host"
    c.Destroy("ns-proc")

    script = ("tr '\\0' ' ' < /proc/1/cmdline; echo; %s ps -o pid,comm | tail -n +2 | wc -l; "
              "ls /proc | grep -c '^[0-9]'" % HOST_BUSYBOX)
    out = out_of(c, "ns-proc2", sh(script))
    lines = out.splitlines()
    assert "portoinit" in lines[0], out
    # portoinit, sh, ps/ls and the rest of the pipeline: a handful, not the host's
    assert int(lines[1]) <= 6, out
    assert int(lines[2]) <= 6, out
    host_pids = len([p for p in os.listdir("/proc") if p.isdigit()])
    assert host_pids > 10
    # no chroot: /proc/sys as writable as the host's (a sysctl read back as is)
    out = out_of(c, "ns-proc4", sh("v=$(cat /proc/sys/kernel/printk_ratelimit); "
                                   "echo $v > /proc/sys/kernel/printk_ratelimit && echo rw"))
    assert out == "rw\n"

    # isolate=false keeps the host's pid namespace and /proc
    out = out_of(c, "ns-proc3", sh("tr '\\0' ' ' < /proc/1/cmdline; echo; readlink /proc/self/ns/mnt"),
                 isolate="false")
    lines = out.splitlines()
    assert lines[0].split()[0] == open("/proc/1/cmdline").read().split("\0")[0]
    assert lines[1] == host_mnt_ns()


def test_isolate_without_root_keeps_host_mounts_visible(portod, no_leaks, tmp_path):
    """The own mount namespace is a slave of the host's: the host's files
    and later host mounts are seen; nothing propagates back."""
    c = portod.conn()
    (tmp_path / "f").write_text("host file\n")
    out = out_of(c, "ns-view", sh("cat %s/f; mkdir -p %s/d; touch %s/d/made" % (tmp_path, tmp_path, tmp_path)))
    assert out == "host file\n"
    assert (tmp_path / "d" / "made").exists()


# ---- 2. net=none without a root: an own /sys ------------------------------------------------

def test_net_none_without_root_sees_own_sys(portod, no_leaks):
    c = portod.conn()
    host_net = sorted(os.listdir("/sys/class/net"))
    assert len(host_net) > 1, "this test needs a host with a network device besides lo"
    host_cg = sorted(os.listdir("/sys/fs/cgroup"))
    script = ("ls /sys/class/net; echo --; grep ' /sys ' /proc/self/mountinfo | tail -n 1; echo --; "
              "ls /sys/fs/cgroup; echo --; echo 1 > /sys/kernel/uevent_helper 2>/dev/null || echo sys-ro")
    for isolate in ("true", "false"):
        out = out_of(c, "ns-sys-" + isolate, sh(script), net="none", isolate=isolate)
        parts = out.split("--\n")
        assert parts[0].split() == ["lo"], out
        assert "ro" in mount_opts(parts[1].strip()), out
        assert parts[2].split() == host_cg, out     # the cgroup mounts are still there
        assert "sys-ro" in parts[3]
    assert sorted(os.listdir("/sys/class/net")) == host_net


def test_net_none_sys_of_running_container(portod, no_leaks):
    """A child without isolation joins the namespaces of its running
    net=none parent and sees the same /sys."""
    c = portod.conn()
    start(c, "ns-sysp", command="/bin/sleep 1000", net="none")
    out = out_of(c, "ns-sysp/c", sh("ls /sys/class/net"), isolate="false")
    assert out.split() == ["lo"]
    out = out_of(c, "ns-sysp/d", sh("ls /sys/class/net"))
    assert out.split() == ["lo"]


# ---- 3. nested pid namespaces -----------------------------------------------------------------

def test_nested_pid_namespace_without_root(portod, no_leaks):
    c = portod.conn()
    start(c, "ns-par", command="/bin/sleep 1000")
    ppid = int(c.GetProperty("ns-par", "root_pid"))
    start(c, "ns-par/kid", command="/bin/sleep 1000")
    kid = int(c.GetProperty("ns-par/kid", "root_pid"))
    # host, parent, child: the child's namespace is nested in the parent's
    levels = ns_pids(kid)
    assert len(levels) == len(ns_pids(ppid)) + 1 == 3, (levels, ns_pids(ppid))
    in_parent = levels[1]
    # the parent's pid namespace (seen through its /proc) has the child's process
    out = out_of(c, "ns-par/look", sh("tr '\\0' ' ' < /proc/%d/cmdline" % in_parent), isolate="false")
    assert out.startswith("/bin/sleep 1000"), out
    # the child sees itself under its own init
    out = out_of(c, "ns-par/kid2", sh("echo $$; tr '\\0' ' ' < /proc/1/cmdline; echo; ls /proc | grep -c '^[0-9]'"))
    lines = out.splitlines()
    assert int(lines[0]) < 5 and "portoinit" in lines[1] and int(lines[2]) <= 5, out
    # own hostname, bad commands reported as for any other container
    out = out_of(c, "ns-par/named", "/bin/hostname", hostname="kid")
    assert out == "kid\n"
    c.Create("ns-par/bad")
    c.SetProperty("ns-par/bad", "command", "/no/such/binary")
    with pytest.raises(portod.exc.InvalidCommand):
        c.Start("ns-par/bad")
    # exit status and stop pass through the nested namespace
    out = out_of(c, "ns-par/kid3", sh("exit 7"))
    assert c.GetProperty("ns-par/kid3", "exit_code") == "7"
    c.Kill("ns-par/kid", 9)
    wait_for(lambda: c.GetProperty("ns-par/kid", "state") == "dead", 10, msg="kid dead")
    assert c.GetProperty("ns-par/kid", "exit_code") == "-9"
    # stopping the parent takes its nested children along
    start(c, "ns-par/kid4", command="/bin/sleep 1000")
    kid4 = int(c.GetProperty("ns-par/kid4", "root_pid"))
    c.Stop("ns-par", timeout=10)
    assert not os.path.exists("/proc/%d" % kid4) or "zombie" in open("/proc/%d/status" % kid4).read()


def test_nested_pid_namespace_deeper(portod, no_leaks):
    c = portod.conn()
    start(c, "ns-a", command="/bin/sleep 1000")
    start(c, "ns-a/b", command="/bin/sleep 1000")
    out = out_of(c, "ns-a/b/c", sh("echo $$; tr '\\0' ' ' < /proc/1/cmdline"))
    assert int(out.split()[0]) < 5 and "portoinit" in out
    start(c, "ns-a/b/d", command="/bin/sleep 1000")
    assert len(ns_pids(int(c.GetProperty("ns-a/b/d", "root_pid")))) == 4


def test_nested_pid_namespace_in_os_container(portod, rootfs, no_leaks):
    with open(os.path.join(rootfs, "sbin/init"), "w") as f:
        f.write(INIT)
    os.chmod(os.path.join(rootfs, "sbin/init"), 0o755)
    os.symlink("busybox", os.path.join(rootfs, "bin/ps"))
    c = portod.conn()
    start(c, "ns-vm", root=rootfs, virt_mode="os", hostname="nvm")
    wait_for(lambda: os.path.exists(os.path.join(rootfs, "tmp/booted")), 10, msg="init ran")
    start(c, "ns-vm/svc", command="/bin/sleep 999")
    svc = int(c.GetProperty("ns-vm/svc", "root_pid"))
    assert len(ns_pids(svc)) == 3
    # ps in the vm (its pid namespace) lists the service
    r = portod.portoctl("exec", "ns-vm/ps", "isolate=false", "command=/bin/ps -o pid,args")
    assert r.returncode == 0, r.stderr
    assert "sleep 999" in r.stdout, r.stdout
    assert re.search(r"^\s*1\s.*/bin/sh /sbin/init", r.stdout, re.M), r.stdout
    # its /proc/sys is read-only as in the vm itself
    r = portod.portoctl("exec", "ns-vm/sys", "command=/bin/sh -c 'echo 1 > /proc/sys/vm/drop_caches || echo ro'")
    assert "ro" in r.stdout.split(), (r.stdout, r.stderr)


def test_nested_pid_namespace_survives_worker_restart(private):
    """The nested child's main process is the master's like any other: a
    new worker restores it and sees it die, during the outage or after."""
    from .test_engine_extra import connect, kill_worker
    d = private()
    c = connect(d)
    start(c, "np", command="/bin/sleep 1000")
    start(c, "np/a", command="/bin/sleep 1000")
    start(c, "np/b", command="/bin/sleep 1000")
    a_cmd = ns_pids(int(c.GetProperty("np/a", "root_pid")))
    b_cmd = ns_pids(int(c.GetProperty("np/b", "root_pid")))
    assert len(a_cmd) == len(b_cmd) == 3
    c.disconnect()
    kill_worker(d, before_kill=lambda: os.kill(a_cmd[0], 9))
    c = connect(d)
    wait_for(lambda: c.GetProperty("np/a", "state") == "dead", 10, msg="a dead")
    assert c.GetProperty("np/a", "exit_code") == "-9"
    assert c.GetProperty("np/b", "state") == "running"
    assert int(c.GetProperty("np/b", "root_pid")) == b_cmd[0]
    os.kill(b_cmd[0], 9)
    wait_for(lambda: c.GetProperty("np/b", "state") == "dead", 10, msg="b dead")
    assert c.GetProperty("np/b", "exit_code") == "-9"
    c.Destroy("np")
    c.disconnect()


# ---- 3b. meta containers keep their namespaces with portoinit --hold --------------------------

def ns_of(pid, kind):
    return os.readlink("/proc/%d/ns/%s" % (pid, kind))


def cmdline(pid):
    with open("/proc/%d/cmdline" % pid) as f:
        return f.read().split("\0")


def test_isolated_meta_holds_pid_namespace(portod, no_leaks):
    """An isolated meta (the default) is pid 1 of its own pid namespace:
    its isolate=false children share it and cannot see the host's
    processes; an isolated child nests below it."""
    c = portod.conn()
    c.Create("ns-m")
    c.Start("ns-m")
    assert c.GetProperty("ns-m", "state") == "meta"
    holder = int(c.GetProperty("ns-m", "root_pid"))
    assert cmdline(holder)[:2] == ["portoinit", "--hold"]
    assert ns_pids(holder)[-1] == 1
    start(c, "ns-m/a", command="/bin/sleep 1000", isolate="false")
    start(c, "ns-m/b", command="/bin/sleep 1000", isolate="false")
    a = int(c.GetProperty("ns-m/a", "root_pid"))
    b = int(c.GetProperty("ns-m/b", "root_pid"))
    for kind in ("pid", "ipc", "uts", "mnt"):
        assert ns_of(a, kind) == ns_of(b, kind) == ns_of(holder, kind) != ns_of(os.getpid(), kind), kind
    # inside: pid 1 is the holder, the siblings see each other, not the daemon
    in_a = ns_pids(a)[-1]
    out = out_of(c, "ns-m/look", sh("tr '\\0' ' ' < /proc/1/cmdline; echo; "
                                    "tr '\\0' ' ' < /proc/%d/cmdline; echo; "
                                    "ls /proc | grep -c '^[0-9]'; "
                                    "test -e /proc/%d && echo daemon-visible || echo daemon-hidden"
                                    % (in_a, portod.daemon.proc.pid)), isolate="false")
    lines = out.splitlines()
    assert lines[0].startswith("portoinit --hold"), out
    assert lines[1].startswith("/bin/sleep 1000"), out
    assert int(lines[2]) <= 8, out
    # pid numbers overlap between namespaces: compare the process itself
    assert lines[3] == "daemon-hidden" or portod.daemon.proc.pid <= 8, out
    start(c, "ns-m/iso", command="/bin/sleep 1000")
    iso = int(c.GetProperty("ns-m/iso", "root_pid"))
    assert len(ns_pids(iso)) == len(ns_pids(holder)) + 1
    # stop: children first, then the holder; quickly, not after stop_timeout
    t0 = time.monotonic()
    c.Stop("ns-m", timeout=30)
    assert time.monotonic() - t0 < 5
    for pid in (holder, a, b, iso):
        assert not util.pid_alive(pid), pid
    assert c.GetProperty("ns-m/a", "state") == "stopped"
    c.Destroy("ns-m")


def test_meta_namespaces_nest(portod, no_leaks):
    """Metas below a running container and below other metas: each level
    is a pid namespace nested in the one above."""
    c = portod.conn()
    start(c, "ns-run", command="/bin/sleep 1000")
    c.Create("ns-run/m1")
    c.Create("ns-run/m1/m2")
    start(c, "ns-run/m1/m2/k", command="/bin/sleep 1000", isolate="false")
    assert c.GetProperty("ns-run/m1", "state") == c.GetProperty("ns-run/m1/m2", "state") == "meta"
    run = int(c.GetProperty("ns-run", "root_pid"))
    m1 = int(c.GetProperty("ns-run/m1", "root_pid"))
    m2 = int(c.GetProperty("ns-run/m1/m2", "root_pid"))
    k = int(c.GetProperty("ns-run/m1/m2/k", "root_pid"))
    assert len(ns_pids(m1)) == len(ns_pids(run)) + 1
    assert len(ns_pids(m2)) == len(ns_pids(m1)) + 1
    assert ns_of(k, "pid") == ns_of(m2, "pid")
    c.Stop("ns-run", timeout=30)
    for pid in (run, m1, m2, k):
        assert not util.pid_alive(pid), pid
    c.Destroy("ns-run")


def test_meta_without_isolation_has_no_task(portod, no_leaks):
    """isolate=false and nothing else of its own: no task, children in the
    parent's (here the host's) namespaces, as before."""
    c = portod.conn()
    start(c, "ns-flat", isolate="false")
    assert c.GetProperty("ns-flat", "state") == "meta"
    with pytest.raises(portod.exc.InvalidState):
        c.GetProperty("ns-flat", "root_pid")
    start(c, "ns-flat/a", command="/bin/sleep 1000", isolate="false")
    a = int(c.GetProperty("ns-flat/a", "root_pid"))
    assert ns_of(a, "pid") == ns_of(os.getpid(), "pid")
    assert ns_of(a, "mnt") == ns_of(os.getpid(), "mnt")
    c.Destroy("ns-flat")


def test_meta_net_none_shared_by_children(portod, no_leaks):
    """A meta with net=none, even without isolation, keeps one empty
    network namespace: its children share it."""
    c = portod.conn()
    start(c, "ns-mnet", isolate="false", net="none")
    holder = int(c.GetProperty("ns-mnet", "root_pid"))
    start(c, "ns-mnet/a", command="/bin/sleep 1000", isolate="false")
    start(c, "ns-mnet/b", command="/bin/sleep 1000")
    a = int(c.GetProperty("ns-mnet/a", "root_pid"))
    b = int(c.GetProperty("ns-mnet/b", "root_pid"))
    assert ns_of(a, "net") == ns_of(b, "net") == ns_of(holder, "net") != ns_of(os.getpid(), "net")
    assert ns_of(holder, "pid") == ns_of(os.getpid(), "pid")
    c.Destroy("ns-mnet")


def test_meta_task_death_kills_children(portod, no_leaks):
    """The holder is the meta's main process: if it dies the meta is dead
    and its children die with it."""
    c = portod.conn()
    start(c, "ns-md")
    start(c, "ns-md/a", command="/bin/sleep 1000", isolate="false")
    a = int(c.GetProperty("ns-md/a", "root_pid"))
    os.kill(int(c.GetProperty("ns-md", "root_pid")), signal.SIGKILL)
    wait_for(lambda: c.GetProperty("ns-md", "state") == "dead", 10, msg="meta dead")
    assert c.GetProperty("ns-md", "exit_code") == "-9"
    assert c.GetProperty("ns-md/a", "state") == "dead"
    wait_for(lambda: not util.pid_alive(a), 5, msg="child killed")
    c.Destroy("ns-md")


def test_meta_task_survives_worker_restart(private):
    from .test_engine_extra import connect, kill_worker
    d = private()
    c = connect(d)
    start(c, "mr")
    start(c, "mr/a", command="/bin/sleep 1000", isolate="false")
    holder = int(c.GetProperty("mr", "root_pid"))
    c.disconnect()
    kill_worker(d)
    c = connect(d)
    assert c.GetProperty("mr", "state") == "meta"
    assert int(c.GetProperty("mr", "root_pid")) == holder
    # a child started after the restart still lands in the meta's namespaces
    start(c, "mr/b", command="/bin/sleep 1000", isolate="false")
    b = int(c.GetProperty("mr/b", "root_pid"))
    assert ns_of(b, "pid") == ns_of(holder, "pid")
    c.Stop("mr", timeout=30)
    assert not util.pid_alive(holder)
    c.Destroy("mr")
    c.disconnect()


# ---- 4. /sys/kernel/tracing in a root -------------------------------------------------------

def kernel_has_tracefs():
    with open("/proc/filesystems") as f:
        return any(line.split()[-1] == "tracefs" for line in f if line.strip())


def test_tracefs_in_root(portod, rootfs, no_leaks):
    if not kernel_has_tracefs() or not os.path.isdir("/sys/kernel/tracing"):
        pytest.skip("kernel without tracefs")
    c = portod.conn()
    out = out_of(c, "ns-trace", sh("cat /proc/self/mountinfo; echo --; ls /sys/kernel/tracing | head -n 50; "
                                   "echo --; echo x > /sys/kernel/tracing/trace_marker 2>/dev/null || echo ro"),
                 root=rootfs)
    info, listing, write = out.split("--\n")
    line = mount_line(info, "/sys/kernel/tracing")
    assert line and " - tracefs " in line, info
    assert {"ro", "nosuid", "nodev", "noexec"} <= mount_opts(line)
    assert "trace" in listing.split() or "trace_marker" in listing.split(), listing
    assert "ro" in write


# ---- 5. device_sysfs -----------------------------------------------------------------------------

def pick_loop():
    """A loop device node with a sysfs queue directory; None if there is none."""
    for n in range(7, -1, -1):
        node, q = "/dev/loop%d" % n, "/sys/devices/virtual/block/loop%d/queue" % n
        if os.path.exists(node) and os.path.isdir(q) and os.path.exists(q + "/read_ahead_kb"):
            return n
    return None


def test_device_sysfs(private, rootfs, tmp_path):
    from .test_engine_extra import connect
    n = pick_loop()
    if n is None:
        pytest.skip("no loop device with a sysfs queue")
    q = "/sys/devices/virtual/block/loop%d/queue" % n
    # a path missing in a container's /sys is left out, the rest granted
    cfg = ('container { device_sysfs { device: "/dev/loop%d" sysfs: "/sys/devices/virtual/net/no-such-dev" '
           'sysfs: "%s" } }' % (n, q))
    d = private(cfg)
    c = connect(d)
    # writes the value it read back: harmless, but only where writable
    script = ("cat /proc/self/mountinfo; echo --; v=$(cat /sys/block/loop{n}/queue/read_ahead_kb); "
              "echo $v > /sys/block/loop{n}/queue/read_ahead_kb 2>/dev/null && echo wrote || echo refused; "
              "echo 1 > /sys/block/loop{n}/uevent 2>/dev/null || echo uevent-ro").format(n=n)
    before = mountinfo()
    cases = [("granted-root", dict(root=rootfs, devices="/dev/loop%d rw" % n), True),
             ("readonly-node", dict(root=rootfs, devices="/dev/loop%d r" % n), False),
             ("denied-root", dict(root=rootfs, devices="/dev/loop%d -" % n), False),
             ("plain-root", dict(root=rootfs), False),
             ("granted-netnone", dict(net="none", devices="/dev/loop%d rw" % n), True),
             ("plain-netnone", dict(net="none"), False)]
    for name, props, granted in cases:
        util.run_dead(c, name, 15, command=sh(script), **props)
        out = c.GetProperty(name, "stdout")
        assert c.GetProperty(name, "exit_code") == "0", (name, out, c.GetProperty(name, "stderr"))
        info, result = out.split("--\n")
        line = mount_line(info, q)
        if granted:
            assert line and "rw" in mount_opts(line), (name, info)
            assert "wrote" in result, (name, result)
        else:
            assert line is None, (name, line)
            assert "refused" in result, (name, result)
        assert "uevent-ro" in result, (name, result)
        assert "ro" in mount_opts(mount_line(info, "/sys")), name
        c.Destroy(name)
    assert mountinfo() == before
    c.disconnect()


@pytest.mark.parametrize("entry", ['device: "/dev/loop0" sysfs: "/etc/passwd"',
                                   'device: "/dev/loop0" sysfs: "/sys/../etc"',
                                   'device: "loop0" sysfs: "/sys/block"',
                                   'device: "/dev/loop0" sysfs: "/sys"'])
def test_device_sysfs_bad_config(private, entry):
    with pytest.raises(Exception) as ei:
        private("container { device_sysfs { %s } }" % entry)
    assert "device_sysfs" in str(ei.value)


# ---- 6. the headline: an os container, shell and exec ---------------------------------------

INIT = """#!/bin/sh
trap 'exit 0' PWR
echo booted > /tmp/booted
while true; do sleep 0.1; done
"""


def pty_run(args, env, send, timeout=20):
    """Run args on a new pty, type send once the child has started, return
    everything it printed and its exit status."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execve(args[0], args, env)
        finally:
            os._exit(127)
    out = b""
    sent = False
    deadline = time.monotonic() + timeout
    status = None
    try:
        while time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    data = b""
                if not data:
                    break
                out += data
            if not sent and (b"#" in out or b"$" in out or time.monotonic() > deadline - timeout + 3):
                os.write(fd, send)
                sent = True
            got, st = os.waitpid(pid, os.WNOHANG)
            if got == pid:
                status = st
                break
        # drain what is left
        while True:
            r, _, _ = select.select([fd], [], [], 0.2)
            if not r:
                break
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            out += data
    finally:
        if status is None:
            try:
                got, status = os.waitpid(pid, os.WNOHANG)
                if got != pid:
                    os.kill(pid, 9)
                    _, status = os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        os.close(fd)
    return out.decode(errors="replace"), status


def test_headline_os_container_shell_and_exec(portod, rootfs, no_leaks):
    with open(os.path.join(rootfs, "sbin/init"), "w") as f:
        f.write(INIT)
    os.chmod(os.path.join(rootfs, "sbin/init"), 0o755)
    r = portod.portoctl("run", "vm", "root=" + rootfs, "virt_mode=os", "hostname=vm")
    assert r.returncode == 0, r.stderr
    c = portod.conn()
    try:
        wait_for(lambda: os.path.exists(os.path.join(rootfs, "tmp/booted")), 10, msg="init ran")
        assert c.GetProperty("vm", "state") == "running"
        pid = int(c.GetProperty("vm", "root_pid"))
        assert ns_pids(pid)[-1] == 1

        env = dict(os.environ, PORTO_SOCKET=portod.socket, TERM="dumb")
        out, status = pty_run([str(util.PORTOCTL_BIN), "shell", "vm", "/bin/sh"], env,
                              b"hostname; tr '\\0' ' ' < /proc/1/cmdline; echo; exit\n")
        assert status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, (status, out)
        lines = [l.strip() for l in out.replace("\r", "").splitlines()]
        assert "vm" in lines, out
        assert any(l.startswith("/bin/sh /sbin/init") for l in lines), out
        # the shell container is gone
        assert not [n for n in c.List() if n.startswith("vm/shell")]

        r = portod.portoctl("exec", "vm/cmd",
                            "command=/bin/sh -c 'hostname; tr \"\\0\" \" \" < /proc/1/cmdline; echo; cat /etc/marker'",
                            "isolate=false")
        assert r.returncode == 0, r.stderr
        assert r.stdout.splitlines()[:3] == ["vm", "/bin/sh /sbin/init ", "in-root"], r.stdout
    finally:
        c.Destroy("vm")
