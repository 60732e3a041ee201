"""Container roots, binds, symlinks, /etc files, net=none, virt_mode=os
(porto.md "Filesystem", "Network", "Context": virt_mode, isolate).

A minimal root filesystem is built per test from Debian's busybox-static
(/bin/busybox): a static binary plus applet symlinks, so chroot tests need
no network and no debootstrap.
"""

import os
import shutil
import stat
import time

import pytest

from .test_engine_extra import private  # noqa: F401 - fixture
from .util import run_dead, sh, start, wait_for

BUSYBOX = "/bin/busybox"
APPLETS = ["sh", "ls", "cat", "echo", "hostname", "readlink", "touch", "sleep", "mkdir", "tr",
           "id", "test", "grep", "stat", "true", "false", "wc", "head", "sed", "rm", "ln"]

pytestmark = pytest.mark.skipif(not os.path.exists(BUSYBOX), reason="busybox-static is not installed")


def make_rootfs(base, name="root"):
    root = os.path.join(base, name)
    for d in ("bin", "sbin", "etc", "dev", "proc", "sys", "run/lock", "run/user", "tmp", "mnt"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy(BUSYBOX, os.path.join(root, "bin/busybox"))
    for a in APPLETS:
        os.symlink("busybox", os.path.join(root, "bin", a))
    for f, text in (("etc/hostname", "original\n"), ("etc/resolv.conf", "nameserver 9.9.9.9\n"),
                    ("etc/hosts", "127.0.0.1 localhost\n"), ("etc/marker", "in-root\n")):
        with open(os.path.join(root, f), "w") as fh:
            fh.write(text)
    os.chmod(root, 0o755)
    return root


@pytest.fixture
def rootfs(tmp_path):
    root = make_rootfs(str(tmp_path))
    yield root
    shutil.rmtree(str(tmp_path), ignore_errors=True)


def mountinfo():
    with open("/proc/self/mountinfo") as f:
        return sorted(line.split()[4] for line in f)


@pytest.fixture
def no_leaks():
    """Nothing may stay mounted in the test's (the host's) namespace."""
    before = mountinfo()
    yield
    after = mountinfo()
    assert after == before, "mounts changed on the host: +%s -%s" % (
        sorted(set(after) - set(before)), sorted(set(before) - set(after)))


def out_of(c, name, command, timeout=15, **props):
    run_dead(c, name, timeout, command=command, **props)
    return c.GetProperty(name, "stdout")


# ---- root ----------------------------------------------------------------------------------

def test_chroot_sees_its_root(portod, rootfs, no_leaks):
    c = portod.conn()
    out = out_of(c, "fs-chroot", sh("cat /etc/marker; pwd"), root=rootfs)
    assert out == "in-root\n/\n"
    assert c.GetProperty("fs-chroot", "root") == rootfs
    assert c.GetProperty("fs-chroot", "root_path") == rootfs
    assert c.GetProperty("fs-chroot", "cwd") == "/"
    assert c.GetProperty("fs-chroot", "exit_code") == "0"


ESCAPE_C = r"""
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
/* The classic chroot escape: chroot below the cwd, climb, chroot there. */
int main(void)
{
        int fd = open("/", O_RDONLY);
        mkdir("/tmp/jail", 0755);
        if (fd < 0 || chroot("/tmp/jail") < 0 || fchdir(fd) < 0)
                return perror("setup"), 2;
        for (int i = 0; i < 64; i++)
                chdir("..");
        if (chroot(".") < 0)
                return perror("chroot"), 3;
        execl("/bin/cat", "cat", "/etc/marker", (char *) 0);
        return perror("exec"), 4;
}
"""


def test_root_is_pivoted_not_chrooted(portod, rootfs, no_leaks, tmp_path):
    """pivot_root: the container's root is its mount namespace's root, so
    even root with CAP_SYS_CHROOT climbing out of a nested chroot stays in
    it (a plain chroot would land on the host's /)."""
    import subprocess
    gcc = shutil.which("gcc") or shutil.which("cc")
    if not gcc:
        pytest.skip("no C compiler for the escape program")
    (tmp_path / "esc.c").write_text(ESCAPE_C)
    r = subprocess.run([gcc, "-static", "-O2", "-o", os.path.join(rootfs, "bin/escape"), str(tmp_path / "esc.c")],
                       capture_output=True, text=True)
    if r.returncode:
        pytest.skip("cannot build a static program: " + r.stderr[-200:])
    c = portod.conn()
    out = out_of(c, "fs-escape-root", "/bin/escape", root=rootfs)
    assert out == "in-root\n", (out, c.GetProperty("fs-escape-root", "stderr"))


def test_stdout_path_in_root(portod, rootfs, no_leaks):
    c = portod.conn()
    out = out_of(c, "fs-stdout", sh("echo inside"), root=rootfs, stdout_path="/tmp/out")
    assert out == "inside\n"
    assert open(os.path.join(rootfs, "tmp/out")).read() == "inside\n"
    # a symlink planted in the root cannot make the daemon read host files
    os.unlink(os.path.join(rootfs, "tmp/out"))
    os.symlink("/etc/passwd", os.path.join(rootfs, "tmp/out"))
    with pytest.raises(portod.exc.InvalidData):   # <root>/etc/passwd does not exist
        c.GetProperty("fs-stdout", "stdout")


def test_root_must_exist_and_be_absolute(portod, rootfs, no_leaks):
    c = portod.conn()
    c.Create("fs-badroot")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("fs-badroot", "root", "relative/path")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("fs-badroot", "root", rootfs + "/../..")
    c.SetProperty("fs-badroot", "root", rootfs + "-missing")
    c.SetProperty("fs-badroot", "command", "/bin/true")
    with pytest.raises(portod.exc.InvalidValue):
        c.Start("fs-badroot")
    assert c.GetProperty("fs-badroot", "state") == "stopped"


def test_dev_has_only_permitted_nodes(portod, rootfs, no_leaks):
    c = portod.conn()
    out = out_of(c, "fs-dev", sh("ls /dev; ls /dev/pts; stat -c %F /dev/null"), root=rootfs)
    lines = out.split()
    nodes = set(lines[:-3])
    assert {"null", "zero", "full", "random", "urandom", "tty", "ptmx", "pts", "shm"} <= nodes
    assert not any(n.startswith(("sd", "vd", "nvme", "mem", "kmsg", "loop")) for n in nodes), nodes
    assert "ptmx" in lines
    assert out.strip().endswith("character special file")
    # a node the container does not get cannot be opened: it is not there
    out = out_of(c, "fs-dev2", sh("cat /dev/kmsg 2>&1; echo rc=$?"), root=rootfs)
    assert "rc=1" in out


def test_proc_sys_run_mounted(portod, rootfs, no_leaks):
    c = portod.conn()
    script = ("grep -E ' /(proc|sys|run|dev|dev/pts|dev/shm|dev/hugepages) ' /proc/self/mounts | sed 's/ /|/g'; "
              "ls -d /run/lock /run/user; echo x > /sys/x 2>/dev/null || echo sys-ro")
    out = out_of(c, "fs-mounts", sh(script), root=rootfs)
    mounts = {line.split("|")[1]: line.split("|") for line in out.splitlines() if "|" in line}
    assert mounts["/proc"][2] == "proc"
    assert mounts["/sys"][2] == "sysfs" and mounts["/sys"][3].startswith("ro")
    assert mounts["/run"][2] == "tmpfs"
    assert mounts["/dev"][2] == "tmpfs"
    assert mounts["/dev/pts"][2] == "devpts"
    assert mounts["/dev/shm"][2] == "tmpfs"
    with open("/proc/filesystems") as f:
        if any(line.split()[-1] == "hugetlbfs" for line in f if line.strip()):
            assert mounts["/dev/hugepages"][2] == "hugetlbfs"
    assert "/run/lock" in out and "/run/user" in out
    assert "sys-ro" in out
    # porto's socket is bound into the root
    out = out_of(c, "fs-sock", "/bin/stat -c %F /run/portod.socket", root=rootfs)
    assert out == "socket\n"
    # ... unless the container may not use porto
    out = out_of(c, "fs-nosock", sh("test -e /run/portod.socket && echo there || echo none"), root=rootfs,
                 enable_porto="false")
    assert out == "none\n"
    # ... here or above
    c.Create("fs-nosockp")
    c.SetProperty("fs-nosockp", "enable_porto", "none")
    out = out_of(c, "fs-nosockp/c", sh("test -e /run/portod.socket && echo there || echo none"), root=rootfs)
    assert out == "none\n"
    for ep in ("read-only", "read-isolate", "isolate", "child-only"):
        out = out_of(c, "fs-sock-" + ep, "/bin/stat -c %F /run/portod.socket", root=rootfs, enable_porto=ep)
        assert out == "socket\n", ep


def test_root_readonly(portod, rootfs, no_leaks, tmp_path):
    c = portod.conn()
    data = str(tmp_path / "rw")
    os.mkdir(data)
    out = out_of(c, "fs-ro", sh("touch /newfile 2>&1; echo rc=$?; touch /mnt/rw/ok && echo rw-ok"),
                 root=rootfs, root_readonly="true", bind="%s /mnt/rw rw" % data)
    assert "Read-only file system" in out and "rc=1" in out
    assert "rw-ok" in out
    assert not os.path.exists(os.path.join(rootfs, "newfile"))
    assert os.path.exists(os.path.join(data, "ok"))


def test_isolate_hostname_and_pid_namespace(portod, rootfs, no_leaks):
    c = portod.conn()
    out = out_of(c, "fs-uts", sh("hostname; cat /etc/hostname; tr '\\0' ' ' < /proc/1/cmdline; echo; echo $$"),
                 root=rootfs, hostname="box")
    lines = out.splitlines()
    assert lines[0] == "box"
    assert lines[1] == "box"
    assert "portoinit" in lines[2]
    assert int(lines[3]) < 10
    # the host's /etc/hostname of the root is untouched
    assert open(os.path.join(rootfs, "etc/hostname")).read() == "original\n"


@pytest.mark.parametrize("mode", [dict(isolate="false"), dict(virt_mode="job")])
def test_hostname_needs_isolation(portod, rootfs, no_leaks, mode):
    """Without isolate the uts namespace is the parent's: a hostname there
    is refused at start rather than silently dropped (or set on the host)."""
    import socket
    host = socket.gethostname()
    c = portod.conn()
    c.Create("fs-hnp")
    c.Start("fs-hnp")
    c.Create("fs-hnp/c")
    for k, v in dict(mode, command="/bin/hostname", hostname="nope").items():
        c.SetProperty("fs-hnp/c", k, v)
    with pytest.raises(portod.exc.InvalidValue) as ei:
        c.Start("fs-hnp/c")
    assert "isolate" in str(ei.value)
    assert c.GetProperty("fs-hnp/c", "state") == "stopped"
    assert socket.gethostname() == host


def test_hostname_of_meta_ancestor(portod, rootfs, no_leaks):
    """A meta container has no task to hold its uts namespace: its
    children get its hostname in one of their own (isolated or not), in a
    root on /etc/hostname too; a child's own hostname wins. A meta without
    isolation cannot have one either."""
    import socket
    host = socket.gethostname()
    c = portod.conn()
    c.Create("fs-hnm")
    c.SetProperty("fs-hnm", "hostname", "metahost")
    c.Start("fs-hnm")
    assert out_of(c, "fs-hnm/iso", "/bin/hostname") == "metahost\n"
    assert out_of(c, "fs-hnm/shared", "/bin/hostname", isolate="false") == "metahost\n"
    c.Create("fs-hnm/mid")      # a meta in between, without a hostname
    assert out_of(c, "fs-hnm/mid/deep", "/bin/hostname") == "metahost\n"
    assert out_of(c, "fs-hnm/own", "/bin/hostname", hostname="own") == "own\n"
    c.Create("fs-hnr")
    c.SetProperty("fs-hnr", "hostname", "roothost")
    c.SetProperty("fs-hnr", "root", rootfs)
    assert out_of(c, "fs-hnr/c", sh("hostname; cat /etc/hostname"), isolate="false") == "roothost\nroothost\n"
    c.Create("fs-hnx")
    c.SetProperty("fs-hnx", "isolate", "false")
    c.SetProperty("fs-hnx", "hostname", "nope")
    with pytest.raises(portod.exc.InvalidValue):
        c.Start("fs-hnx")
    assert socket.gethostname() == host


def test_cgroup_namespace(portod, rootfs, no_leaks):
    if not os.path.exists("/proc/self/ns/cgroup"):
        pytest.skip("kernel without cgroup namespaces")
    c = portod.conn()
    out = out_of(c, "fs-cgns", sh("grep freezer /proc/self/cgroup"), root=rootfs)
    assert out.strip().endswith(":/"), out


# ---- bind ----------------------------------------------------------------------------------

def test_bind_ro_is_read_only(portod, rootfs, no_leaks, tmp_path):
    c = portod.conn()
    data = tmp_path / "data"
    data.mkdir()
    (data / "f").write_text("host-data\n")
    out = out_of(c, "fs-bindro", sh("cat /mnt/data/f; echo x > /mnt/data/g; echo rc=$?"),
                 root=rootfs, bind="%s /mnt/data ro" % data)
    assert "host-data" in out and "rc=1" in out
    assert not (data / "g").exists()
    assert c.GetProperty("fs-bindro", "bind") == "%s /mnt/data ro" % data


def test_bind_flags_roundtrip_and_file_bind(portod, rootfs, no_leaks, tmp_path):
    c = portod.conn()
    f = tmp_path / "file"
    f.write_text("one file\n")
    value = "%s /etc/extra ro,nosuid,nodev,noexec,private" % f
    out = out_of(c, "fs-bindfile", sh("cat /etc/extra; grep ' /etc/extra ' /proc/self/mounts"),
                 root=rootfs, bind=value)
    assert "one file" in out
    opts = out.splitlines()[1].split()[3].split(",")
    assert {"ro", "nosuid", "nodev", "noexec"} <= set(opts)
    assert c.GetProperty("fs-bindfile", "bind") == "%s /etc/extra ro,nodev,nosuid,noexec,private" % f


def test_bind_every_flag_applied(portod, rootfs, no_leaks, tmp_path):
    """Every flag of the manual reaches the mount (as mountinfo inside
    shows it). The source is a bind of a running parent (nosuid, nodev,
    noexec, noatime, a submount): a child's binds come from the parent's
    namespace, so dev/suid/exec and the atime flags have something to
    change, and rec something to carry."""
    c = portod.conn()
    src, sub = tmp_path / "src", tmp_path / "subsrc"
    (src / "sub").mkdir(parents=True)
    sub.mkdir()
    (sub / "f").write_text("sub\n")
    start(c, "fs-bflags", command="/bin/sleep 1000", root=rootfs,
          bind="%s /mnt/x nosuid,nodev,noexec,noatime; %s /mnt/x/sub" % (src, sub))
    binds = {"dflt": "", "open": "dev,suid,exec,relatime", "ro": "ro", "rw": "rw", "rec": "rec",
             "nodir": "nodiratime", "priv": "private", "unb": "unbindable", "slave": "slave"}
    value = "; ".join("/mnt/x /b/%s %s" % (k, v) for k, v in binds.items())
    out = out_of(c, "fs-bflags/c", sh("cat /proc/self/mountinfo; echo --; cat /b/rec/sub/f; ls /b/dflt/sub | wc -l"),
                 bind=value)
    info, rest = out.split("--\n")
    mounts = {}
    for line in info.splitlines():
        f = line.split()
        if f[4].startswith("/b/"):
            tags = f[6:f.index("-")]
            mounts[f[4][3:]] = (set(f[5].split(",")), {t.split(":")[0] for t in tags})
    locked = {"nosuid", "nodev", "noexec", "noatime"}
    opts, tags = mounts["dflt"]
    assert locked <= opts and "rw" in opts, mounts["dflt"]
    assert tags == {"shared", "master"}, tags          # slave-shared by default
    opts, _ = mounts["open"]
    assert not opts & locked and "relatime" in opts, opts
    assert "ro" in mounts["ro"][0] and "rw" in mounts["rw"][0]
    assert "nodiratime" in mounts["nodir"][0]
    assert mounts["priv"][1] == set(), mounts["priv"]
    assert mounts["unb"][1] == {"unbindable"}, mounts["unb"]
    assert mounts["slave"][1] == {"master"}, mounts["slave"]
    # rec carries the submount along, a plain bind does not
    assert "rec/sub" in mounts and "dflt/sub" not in mounts, sorted(mounts)
    assert rest.split() == ["sub", "0"], rest


def test_bind_without_root(portod, no_leaks, tmp_path):
    c = portod.conn()
    src = tmp_path / "src"
    dst = tmp_path / "dst"
    src.mkdir()
    dst.mkdir()
    (src / "f").write_text("bound\n")
    out = out_of(c, "fs-bindhost", sh("cat %s/f" % dst), bind="%s %s ro" % (src, dst))
    assert out == "bound\n"
    assert not (dst / "f").exists()     # the host never sees the bind


def test_child_binds_invisible_to_parent(portod, rootfs, no_leaks):
    """A bind makes a mount namespace of its own (isolate=false too): the
    running parent does not see its children's binds."""
    c = portod.conn()
    start(c, "fs-bpar", command="/bin/sleep 1000", root=rootfs)
    start(c, "fs-bpar/k", command="/bin/sleep 1000", isolate="false", bind="/bin /mnt/kb ro")
    pids = {n: int(c.GetProperty(n, "root_pid")) for n in ("fs-bpar", "fs-bpar/k")}

    def binds(pid):
        with open("/proc/%d/mountinfo" % pid) as f:
            return [line.split()[4] for line in f if line.split()[4].startswith("/mnt/")]
    assert binds(pids["fs-bpar/k"]) == ["/mnt/kb"]
    assert binds(pids["fs-bpar"]) == []
    assert os.readlink("/proc/%d/ns/mnt" % pids["fs-bpar"]) != os.readlink("/proc/%d/ns/mnt" % pids["fs-bpar/k"])


@pytest.mark.parametrize("value", ["/a/../etc /mnt", "/tmp /mnt/../../etc", "/tmp /mnt bogus", "/tmp", "/tmp /mnt ro,rw"])
def test_bind_bad_syntax(portod, value):
    c = portod.conn()
    c.Create("fs-bindbad")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("fs-bindbad", "bind", value)
    assert c.GetProperty("fs-bindbad", "bind") == ""


@pytest.mark.parametrize("target", ["/proc/x", "/sys/kernel", "/proc", "/"])
def test_bind_over_proc_sys_refused(portod, rootfs, no_leaks, tmp_path, target):
    c = portod.conn()
    c.Create("fs-bindproc")
    c.SetProperty("fs-bindproc", "root", rootfs)
    c.SetProperty("fs-bindproc", "command", "/bin/true")
    c.SetProperty("fs-bindproc", "bind", "%s %s" % (tmp_path, target))
    with pytest.raises(portod.exc.InvalidValue) as ei:
        c.Start("fs-bindproc")
    assert "/proc" in str(ei.value) or "root" in str(ei.value)
    assert c.GetProperty("fs-bindproc", "state") == "stopped"


@pytest.mark.parametrize("target", ["/proc/sys", "/sys/kernel", "/proc", "/sys", "/", "link"])
def test_bind_over_proc_sys_refused_without_root(portod, no_leaks, tmp_path, target):
    """Without a root the binds go to the host's tree (in a mount namespace
    of the container's own): /proc, /sys and / are refused the same way,
    also through a symlink."""
    c = portod.conn()
    (tmp_path / "src").mkdir()
    if target == "link":
        target = str(tmp_path / "link")
        os.symlink("/proc/sys", target)
    c.Create("fs-bindproc2")
    c.SetProperty("fs-bindproc2", "command", "/bin/true")
    c.SetProperty("fs-bindproc2", "bind", "%s %s" % (tmp_path / "src", target))
    with pytest.raises(portod.exc.InvalidValue) as ei:
        c.Start("fs-bindproc2")
    assert "/proc" in str(ei.value) or "root" in str(ei.value)
    assert c.GetProperty("fs-bindproc2", "state") == "stopped"


def test_bind_through_symlink_out_of_root(portod, rootfs, no_leaks, tmp_path):
    """Absolute symlinks in the root resolve inside it, never on the host."""
    c = portod.conn()
    os.symlink("/etc", os.path.join(rootfs, "evil"))
    os.symlink("../../../../../../../../etc", os.path.join(rootfs, "evil2"))
    name = "porto-it-escape-%d" % os.getpid()
    src = tmp_path / "s"
    src.mkdir()
    out = out_of(c, "fs-escape", sh("ls -d /etc/%s /etc/%s-2" % (name, name)), root=rootfs,
                 bind="%s /evil/%s; %s /evil2/%s-2" % (src, name, src, name))
    assert "/etc/%s" % name in out
    assert not os.path.exists("/etc/" + name)
    assert not os.path.exists("/etc/%s-2" % name)
    assert os.path.isdir(os.path.join(rootfs, "etc", name))


def test_bind_through_symlink_into_proc(portod, rootfs, no_leaks, tmp_path):
    c = portod.conn()
    os.symlink("/proc/sys", os.path.join(rootfs, "p"))
    c.Create("fs-intoproc")
    c.SetProperty("fs-intoproc", "root", rootfs)
    c.SetProperty("fs-intoproc", "command", "/bin/true")
    c.SetProperty("fs-intoproc", "bind", "%s /p/kernel" % tmp_path)
    with pytest.raises(portod.exc.InvalidValue):
        c.Start("fs-intoproc")


def test_bind_missing_source(portod, rootfs, no_leaks, tmp_path):
    c = portod.conn()
    c.Create("fs-nosrc")
    c.SetProperty("fs-nosrc", "root", rootfs)
    c.SetProperty("fs-nosrc", "command", "/bin/true")
    c.SetProperty("fs-nosrc", "bind", "%s/none /mnt/x" % tmp_path)
    with pytest.raises(portod.exc.InvalidValue):
        c.Start("fs-nosrc")


# ---- symlink ------------------------------------------------------------------------------

def test_symlink_at_start_and_live(portod, rootfs, no_leaks):
    c = portod.conn()
    start(c, "fs-link", command="/bin/sleep 1000", root=rootfs,
          symlink="/a/b/hn: /etc/hostname; /m: /etc/marker")
    assert os.readlink(os.path.join(rootfs, "a/b/hn")) == "../../etc/hostname"
    assert os.readlink(os.path.join(rootfs, "m")) == "etc/marker"
    # live changes: replace one, add one, remove one
    c.SetProperty("fs-link", "symlink[/m]", "/etc/hosts")
    assert os.readlink(os.path.join(rootfs, "m")) == "etc/hosts"
    c.SetProperty("fs-link", "symlink[/x/y]", "/bin")
    assert os.readlink(os.path.join(rootfs, "x/y")) == "../bin"
    c.SetProperty("fs-link", "symlink[/a/b/hn]", "")
    assert not os.path.lexists(os.path.join(rootfs, "a/b/hn"))
    assert c.GetProperty("fs-link", "symlink") == "/m: /etc/hosts; /x/y: /bin"
    assert c.GetProperty("fs-link", "symlink[/x/y]") == "/bin"
    c.SetProperty("fs-link", "symlink", "/m: /etc/marker")
    assert not os.path.lexists(os.path.join(rootfs, "x/y"))
    assert os.readlink(os.path.join(rootfs, "m")) == "etc/marker"


def test_symlink_bad_values(portod, rootfs):
    c = portod.conn()
    c.Create("fs-linkbad")
    for v in ("/a: /../etc", "/../a: /b", "no-colon", ": /x"):
        with pytest.raises(portod.exc.InvalidValue):
            c.SetProperty("fs-linkbad", "symlink", v)
    assert c.GetProperty("fs-linkbad", "symlink") == ""


def test_symlink_over_a_file_refused_live(portod, rootfs, no_leaks):
    c = portod.conn()
    start(c, "fs-linkfile", command="/bin/sleep 1000", root=rootfs)
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("fs-linkfile", "symlink[/etc/marker]", "/etc/hosts")
    assert open(os.path.join(rootfs, "etc/marker")).read() == "in-root\n"
    assert c.GetProperty("fs-linkfile", "symlink") == ""


def test_symlink_on_porto_tmpfs_with_root_readonly(portod, rootfs, no_leaks):
    """root_readonly makes links in the root before it turns read-only;
    those in /dev and /run belong on porto's tmpfs there, not under it."""
    c = portod.conn()
    out = out_of(c, "fs-linkro", sh("readlink /run/r; readlink /dev/d; readlink /tmp/t"), root=rootfs, root_readonly="true",
                 symlink="/run/r: /bin; /dev/d: /bin; /tmp/t: /bin")
    assert out.split() == ["../bin", "../bin", "../bin"], (out, c.GetProperty("fs-linkro", "stderr"))
    assert os.readlink(os.path.join(rootfs, "tmp/t")) == "../bin"
    assert not os.path.lexists(os.path.join(rootfs, "run/r"))    # nothing hidden under the tmpfs
    assert not os.path.lexists(os.path.join(rootfs, "dev/d"))


@pytest.mark.parametrize("link", ["/proc/x", "/proc/sys/x", "/sys/x", "/p/x"])
def test_symlink_into_proc_sys_refused(portod, rootfs, no_leaks, link):
    """As bind targets: porto mounts /proc and /sys, a link there would be
    written into the root's own directory under them (or fail live)."""
    os.symlink("/proc/sys", os.path.join(rootfs, "p"))
    c = portod.conn()
    c.Create("fs-linkproc")
    c.SetProperty("fs-linkproc", "root", rootfs)
    c.SetProperty("fs-linkproc", "command", "/bin/sleep 1000")
    c.SetProperty("fs-linkproc", "symlink", "%s: /bin" % link)
    with pytest.raises(portod.exc.InvalidValue) as ei:
        c.Start("fs-linkproc")
    # /p leads to the root's (still empty) /proc/sys: a dangling link
    assert "/proc" in str(ei.value) or "/sys" in str(ei.value), ei.value
    assert c.GetProperty("fs-linkproc", "state") == "stopped"
    assert os.listdir(os.path.join(rootfs, "proc")) == [] and os.listdir(os.path.join(rootfs, "sys")) == []
    # live, in the running container's /proc and /sys
    c.SetProperty("fs-linkproc", "symlink", "")
    c.Start("fs-linkproc")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("fs-linkproc", "symlink[%s]" % link, "/bin")
    # devpts takes no links either
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("fs-linkproc", "symlink[/dev/pts/x]", "/bin")
    assert c.GetProperty("fs-linkproc", "symlink") == ""
    assert c.GetProperty("fs-linkproc", "state") == "running"


def test_relative_paths_start_from_cwd(portod, rootfs, no_leaks, tmp_path):
    """symlink and bind paths without a leading slash are taken from cwd."""
    c = portod.conn()
    os.makedirs(os.path.join(rootfs, "work"))
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "f").write_text("bound\n")
    out = out_of(c, "fs-rel", sh("readlink /work/l; readlink /work/sub/l2; cat /work/data/f"), root=rootfs, cwd="/work",
                 symlink="l: /etc/marker; sub/l2: x", bind="%s data ro" % (tmp_path / "src"))
    assert out.split() == ["../etc/marker", "../x", "bound"], (out, c.GetProperty("fs-rel", "stderr"))


# ---- /etc files ------------------------------------------------------------------------------

def test_resolv_conf_and_etc_hosts(portod, rootfs, no_leaks):
    c = portod.conn()
    out = out_of(c, "fs-resolv", sh("cat /etc/resolv.conf; echo --; cat /etc/hosts"), root=rootfs,
                 resolv_conf="nameserver 1.2.3.4;search example.org", etc_hosts="10.0.0.1 db\n")
    assert out == "nameserver 1.2.3.4\nsearch example.org\n--\n10.0.0.1 db\n"
    assert open(os.path.join(rootfs, "etc/resolv.conf")).read() == "nameserver 9.9.9.9\n"
    out = out_of(c, "fs-keep", "/bin/cat /etc/resolv.conf", root=rootfs, resolv_conf="keep")
    assert out == "nameserver 9.9.9.9\n"
    # default: the host's file (no default_resolv_conf in the test config)
    out = out_of(c, "fs-default", "/bin/cat /etc/resolv.conf", root=rootfs)
    host = open("/etc/resolv.conf").read() if os.path.exists("/etc/resolv.conf") else "nameserver 9.9.9.9\n"
    assert out == host


def test_default_resolv_conf_from_config(private, rootfs, no_leaks):
    """resolv_conf=default takes portod.conf's default_resolv_conf when it
    is set; keep and an own value still win."""
    from .test_engine_extra import connect
    d = private('container { default_resolv_conf: "nameserver 5.6.7.8;search cfg.example" }')
    c = connect(d)
    assert out_of(c, "dflt", "/bin/cat /etc/resolv.conf", root=rootfs) == "nameserver 5.6.7.8\nsearch cfg.example\n"
    assert out_of(c, "named", "/bin/cat /etc/resolv.conf", root=rootfs, resolv_conf="default") == \
        "nameserver 5.6.7.8\nsearch cfg.example\n"
    assert out_of(c, "keep", "/bin/cat /etc/resolv.conf", root=rootfs, resolv_conf="keep") == "nameserver 9.9.9.9\n"
    assert out_of(c, "own", "/bin/cat /etc/resolv.conf", root=rootfs, resolv_conf="nameserver 1.1.1.1") == \
        "nameserver 1.1.1.1\n"
    for n in ("dflt", "named", "keep", "own"):
        c.Destroy(n)
    c.disconnect()


# ---- net ---------------------------------------------------------------------------------

def test_net_none_and_inherited(portod, rootfs, no_leaks):
    c = portod.conn()
    out = out_of(c, "fs-netnone", sh("tail -n +3 /proc/net/dev | wc -l; grep -c lo: /proc/net/dev"),
                 net="none")
    assert out.split() == ["1", "1"]
    assert c.GetProperty("fs-netnone", "net") == "none"
    host_ifs = len(open("/proc/net/dev").read().splitlines()) - 2
    out = out_of(c, "fs-netinh", sh("tail -n +3 /proc/net/dev | wc -l"), net="inherited")
    assert int(out) == host_ifs


def test_net_none_of_parents(portod, rootfs, no_leaks):
    c = portod.conn()
    c.Create("fs-nnmeta")
    c.SetProperty("fs-nnmeta", "net", "none")
    out = out_of(c, "fs-nnmeta/c", sh("tail -n +3 /proc/net/dev | wc -l"))
    assert out.strip() == "1"
    # a running parent's namespace is shared by its children
    start(c, "fs-nnrun", command="/bin/sleep 1000", net="none")
    pid = int(c.GetProperty("fs-nnrun", "root_pid"))
    out = out_of(c, "fs-nnrun/c", sh("readlink /proc/self/ns/net"), isolate="false")
    assert out.strip() == os.readlink("/proc/%d/ns/net" % pid)


def test_net_other_options_not_supported(portod):
    c = portod.conn()
    c.Create("fs-netl3")
    for v in ("L3 eth0", "NAT", "macvlan eth0 eth0", "none; ip link"):
        with pytest.raises(portod.exc.NotSupported):
            c.SetProperty("fs-netl3", "net", v)
    assert c.GetProperty("fs-netl3", "net") == "inherited"


# ---- virt_mode=os ------------------------------------------------------------------------

INIT = """#!/bin/sh
trap 'echo pwr > /run/pwr; exit 0' PWR
echo booted > /tmp/booted
while true; do sleep 0.1; done
"""


def test_os_mode_boot(portod, rootfs, no_leaks):
    with open(os.path.join(rootfs, "sbin/init"), "w") as f:
        f.write(INIT)
    os.chmod(os.path.join(rootfs, "sbin/init"), 0o755)
    c = portod.conn()
    start(c, "fs-vm", root=rootfs, virt_mode="os", hostname="vm")
    assert c.GetProperty("fs-vm", "command") == "/sbin/init"
    assert c.GetProperty("fs-vm", "stdout_path") == "/dev/null"
    assert c.GetProperty("fs-vm", "net") == "none"
    assert c.GetProperty("fs-vm", "cwd") == "/"
    assert c.GetProperty("fs-vm", "user") == "root"
    assert c.GetProperty("fs-vm", "group") == "root"
    wait_for(lambda: os.path.exists(os.path.join(rootfs, "tmp/booted")), 10, msg="init ran")
    pid = int(c.GetProperty("fs-vm", "root_pid"))
    assert open("/proc/%d/cmdline" % pid).read().split("\0")[:2] == ["/bin/sh", "/sbin/init"]
    status = open("/proc/%d/status" % pid).read()
    assert "\nUid:\t0\t" in status
    assert "NSpid:" in status and status.split("NSpid:")[1].split("\n")[0].split()[-1] == "1"

    # a command inside: the exec container joins the vm's namespaces
    # (isolate=false: its pid namespace too, so pid 1 is the vm's init)
    r = portod.portoctl("exec", "fs-vm/x", "isolate=false",
                        "command=/bin/sh -c 'hostname; tr \"\\0\" \" \" < /proc/1/cmdline; echo; "
                        "tail -n +3 /proc/net/dev | wc -l; cat /etc/marker; id -u'")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "vm"
    assert lines[1].startswith("/bin/sh /sbin/init")
    assert lines[2].strip() == "1"
    assert lines[3] == "in-root"
    # an isolated one: own pid namespace and /proc, same root, hostname, net
    r = portod.portoctl("exec", "fs-vm/y",
                        "command=/bin/sh -c 'hostname; tr \"\\0\" \" \" < /proc/1/cmdline; echo; "
                        "tail -n +3 /proc/net/dev | wc -l; cat /etc/marker'")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "vm"
    assert "portoinit" in lines[1]
    assert lines[2].strip() == "1"
    assert lines[3] == "in-root"

    t = time.monotonic()
    c.Stop("fs-vm", timeout=10)
    assert time.monotonic() - t < 8, "init did not stop on SIGPWR"
    assert not os.path.exists(os.path.join(rootfs, "run/pwr"))  # /run was a tmpfs in the vm


def test_os_mode_stop_sends_sigpwr(portod, rootfs, no_leaks, tmp_path):
    with open(os.path.join(rootfs, "sbin/init"), "w") as f:
        f.write(INIT.replace("/run/pwr", "/mnt/out/pwr"))
    os.chmod(os.path.join(rootfs, "sbin/init"), 0o755)
    out = tmp_path / "out"
    out.mkdir()
    c = portod.conn()
    start(c, "fs-vm2", root=rootfs, virt_mode="os", bind="%s /mnt/out" % out)
    wait_for(lambda: os.path.exists(os.path.join(rootfs, "tmp/booted")), 10, msg="init ran")
    c.Stop("fs-vm2", timeout=10)
    assert (out / "pwr").read_text() == "pwr\n"


def test_os_mode_loginuid_and_std_streams(private, rootfs, no_leaks):
    """virt_mode=os resets the loginuid (an app container keeps the
    daemon's) and its init's stdout/stderr are /dev/null."""
    from .test_engine_extra import connect
    from .util import Daemon

    class LoginDaemon(Daemon):
        def argv(self):
            return ["/bin/sh", "-c", 'echo 4321 > /proc/self/loginuid && exec "$@"', "sh"] + super().argv()

    if not os.path.exists("/proc/self/loginuid"):
        pytest.skip("kernel without audit loginuid")
    with open(os.path.join(rootfs, "sbin/init"), "w") as f:
        f.write(INIT)
    os.chmod(os.path.join(rootfs, "sbin/init"), 0o755)
    d = private(cls=LoginDaemon)
    c = connect(d)
    start(c, "app", command="/bin/sleep 1000")
    start(c, "vm", root=rootfs, virt_mode="os")
    app, vm = (int(c.GetProperty(n, "root_pid")) for n in ("app", "vm"))
    assert open("/proc/%d/loginuid" % app).read() == "4321"
    assert open("/proc/%d/loginuid" % vm).read() == "4294967295"
    assert c.GetProperty("vm", "stderr_path") == "/dev/null"
    for fd in (1, 2):
        st = os.stat("/proc/%d/fd/%d" % (vm, fd))
        assert stat.S_ISCHR(st.st_mode) and os.major(st.st_rdev) == 1 and os.minor(st.st_rdev) == 3
    c.Destroy("vm")
    c.Destroy("app")
    c.disconnect()


def test_os_mode_missing_init(portod, rootfs, no_leaks):
    c = portod.conn()
    c.Create("fs-noinit")
    c.SetProperty("fs-noinit", "root", rootfs)
    c.SetProperty("fs-noinit", "virt_mode", "os")
    with pytest.raises(portod.exc.InvalidCommand):
        c.Start("fs-noinit")


# ---- children, shells ------------------------------------------------------------------------

def test_child_of_meta_with_root(portod, rootfs, no_leaks):
    c = portod.conn()
    c.Create("fs-meta")
    c.SetProperty("fs-meta", "root", rootfs)
    out = out_of(c, "fs-meta/child", "/bin/cat /etc/marker")
    assert out == "in-root\n"
    assert c.GetProperty("fs-meta/child", "root_path") == rootfs


def test_child_root_symlink_stays_in_meta_root(portod, rootfs, no_leaks):
    os.symlink("/etc", os.path.join(rootfs, "evil"))
    os.makedirs(os.path.join(rootfs, "etc/bin"))
    shutil.copy(BUSYBOX, os.path.join(rootfs, "etc/bin/cat"))
    c = portod.conn()
    c.Create("fs-meta2")
    c.SetProperty("fs-meta2", "root", rootfs)
    # /evil is <root>/etc inside the meta's root, not the host's /etc
    out = out_of(c, "fs-meta2/child", "/bin/cat /hostname", root="/evil")
    assert out == "original\n"


def test_child_with_own_root_in_parent_root(portod, rootfs, no_leaks):
    inner = make_rootfs(rootfs, "inner")
    with open(os.path.join(inner, "etc/marker"), "w") as f:
        f.write("inner-root\n")
    c = portod.conn()
    start(c, "fs-outer", command="/bin/sleep 1000", root=rootfs)
    out = out_of(c, "fs-outer/in", sh("cat /etc/marker; stat -c %F /run/portod.socket"), root="/inner")
    assert out == "inner-root\nsocket\n"
    assert c.GetProperty("fs-outer/in", "root_path") == inner


def test_portoctl_exec_in_root(portod, rootfs, no_leaks):
    r = portod.portoctl("exec", "fs-exec", "root=" + rootfs, "command=/bin/sh -c 'echo $HOME; cat /etc/marker'")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "/\nin-root\n"


# ---- command expansion and environment ----------------------------------------------------

def test_command_wordexp(portod):
    c = portod.conn()
    out = out_of(c, "fs-wordexp", "/bin/echo $PORTO_NAME ${USER} \"a  b\" '$HOME'", env="X=1")
    assert out == "fs-wordexp root a  b $HOME\n"
    c.Create("fs-cmdsub")
    c.SetProperty("fs-cmdsub", "command", "/bin/echo $(id)")
    with pytest.raises(portod.exc.InvalidCommand):
        c.Start("fs-cmdsub")


def test_isolate_new_env(portod):
    c = portod.conn()
    c.Create("fs-envp")
    c.SetProperty("fs-envp", "env", "FROM_PARENT=1")
    out = out_of(c, "fs-envp/iso", sh("echo ${FROM_PARENT:-none}"))
    assert out == "none\n"
    out = out_of(c, "fs-envp/shared", sh("echo ${FROM_PARENT:-none}"), isolate="false")
    assert out == "1\n"


def test_properties_persist_in_list(portod):
    c = portod.conn()
    names = c.Plist()
    for p in ("root", "root_readonly", "root_path", "bind", "symlink", "resolv_conf", "etc_hosts", "net"):
        assert p in names


# ---- records -----------------------------------------------------------------------------

def test_properties_survive_worker_restart(private, rootfs, tmp_path):
    from .test_engine_extra import connect, kill_worker
    with open(os.path.join(rootfs, "sbin/init"), "w") as f:
        f.write(INIT)
    os.chmod(os.path.join(rootfs, "sbin/init"), 0o755)
    d = private()
    c = connect(d)
    props = {"root": rootfs, "root_readonly": "true", "bind": "%s /mnt/b ro,rec" % tmp_path,
             "symlink": "/l: /etc/marker", "resolv_conf": "nameserver 1.1.1.1", "etc_hosts": "1.2.3.4 h",
             "net": "none", "hostname": "rec"}
    start(c, "fs-rec", virt_mode="os", **props)
    wait_for(lambda: c.GetProperty("fs-rec", "state") == "running", 10, msg="running")
    c.disconnect()
    kill_worker(d)
    c = connect(d)
    for k, v in props.items():
        got = c.GetProperty("fs-rec", k)
        assert (got if not isinstance(got, bool) else str(got).lower()) == v, k
    assert c.GetProperty("fs-rec", "virt_mode") == "os"
    assert c.GetProperty("fs-rec", "state") == "running"
    # live symlink changes go through the restored task; the root is read-only
    import porto.exceptions
    with pytest.raises(porto.exceptions.InvalidValue):
        c.SetProperty("fs-rec", "symlink[/l2]", "/etc/hosts")
    assert c.GetProperty("fs-rec", "symlink") == "/l: /etc/marker"
    assert c.GetProperty("fs-rec", "state") == "running"
    c.Stop("fs-rec", timeout=10)
    c.Destroy("fs-rec")
    c.disconnect()


FAKE_SYSTEMD = """#!/bin/sh
trap 'exit 0' PWR
grep name=systemd /proc/self/cgroup > /tmp/cg
mkdir /sys/fs/cgroup/systemd/init.scope && echo $$ > /sys/fs/cgroup/systemd/init.scope/cgroup.procs \\
    && echo ok > /tmp/scope
while true; do sleep 0.1; done
"""


def systemd_hierarchy():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            if " - cgroup " in line and "name=systemd" in line.split(" - ")[1]:
                return line.split()[4]
    return None


def test_os_mode_systemd_cgroup(portod, rootfs, no_leaks):
    mnt = systemd_hierarchy()
    if not mnt:
        pytest.skip("no name=systemd cgroup hierarchy on this host")
    os.makedirs(os.path.join(rootfs, "lib/systemd"))
    with open(os.path.join(rootfs, "lib/systemd/systemd"), "w") as f:
        f.write(FAKE_SYSTEMD)
    os.chmod(os.path.join(rootfs, "lib/systemd/systemd"), 0o755)
    os.symlink("/lib/systemd/systemd", os.path.join(rootfs, "sbin/init"))
    c = portod.conn()
    start(c, "fs-sd", root=rootfs, virt_mode="os")
    wait_for(lambda: os.path.exists(os.path.join(rootfs, "tmp/scope")), 10, msg="systemd made its scope")
    pid = int(c.GetProperty("fs-sd", "root_pid"))
    own = [l.split(":", 2)[2].strip() for l in open("/proc/self/cgroup") if ":name=systemd:" in l][0]
    host_dir = os.path.normpath("%s/%s/%s/fs-sd" % (mnt, own, portod.prefix))
    assert os.path.isdir(host_dir + "/init.scope")
    assert str(pid) in open(host_dir + "/init.scope/cgroup.procs").read().split()
    if os.path.exists("/proc/self/ns/cgroup"):   # its own cgroup namespace
        assert open(os.path.join(rootfs, "tmp/cg")).read().strip().endswith(":name=systemd:/")
    c.Stop("fs-sd", timeout=10)
    assert not os.path.exists(host_dir)


def test_live_symlink_through_escaping_link(portod, rootfs, no_leaks):
    """symlink[...] paths are resolved in the root: a link in the root that
    points at the host's /etc leads to the root's /etc."""
    os.symlink("/etc", os.path.join(rootfs, "evil"))
    name = "porto-it-link-%d" % os.getpid()
    c = portod.conn()
    start(c, "fs-linkesc", command="/bin/sleep 1000", root=rootfs)
    c.SetProperty("fs-linkesc", "symlink[/evil/%s]" % name, "/bin/busybox")
    assert not os.path.lexists("/etc/" + name)
    assert os.readlink(os.path.join(rootfs, "etc", name)) == "../bin/busybox"
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("fs-linkesc", "symlink[/evil/../../x]", "/bin")


# ---- non-root clients ----------------------------------------------------------------------

def test_unprivileged_paths(private, tmp_path):
    """root and bind need the client's write (read for ro binds) access to
    the host path, checked when set and again at start on what is really
    mounted; virt_mode=os and host symlinks need a root."""
    from .test_engine_extra import GroupsDaemon, as_user, attempt, free_gids
    import pwd
    nobody = pwd.getpwnam("nobody").pw_uid
    (g_porto,) = free_gids(1)
    d = private(cls=GroupsDaemon, extra_groups="porto:x:%d:\n" % g_porto)
    sock = d.socket
    os.chmod(str(tmp_path), 0o755)
    mine = tmp_path / "mine"
    mine.mkdir()
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    readable = tmp_path / "readable"
    readable.mkdir(mode=0o755)
    swap = mine / "swap"
    make_rootfs(str(mine), "swap")
    bswap = mine / "bswap"
    bswap.mkdir()
    rootonly = tmp_path / "rootonly"
    rootonly.write_text("")
    rootonly.chmod(0o600)
    for p in (mine, swap, bswap):
        os.chown(str(p), nobody, nobody)

    def as_nobody(fn):
        def run():
            import porto
            return fn(porto.Connection(socket_path=sock))
        return as_user(nobody, nobody, [g_porto], run)

    def phase1(n):
        n.Create("u")
        n.SetProperty("u", "command", "/bin/true")
        got = {
            "root_closed": attempt(n.SetProperty, "u", "root", str(closed)),
            "root_mine": attempt(n.SetProperty, "u", "root", str(mine)),
            "bind_closed": attempt(n.SetProperty, "u", "bind", "%s /mnt" % closed),
            "bind_ro_readable": attempt(n.SetProperty, "u", "bind", "%s /mnt ro" % readable),
            "bind_rw_readable": attempt(n.SetProperty, "u", "bind", "%s /mnt" % readable),
        }
        n.SetProperty("u", "root", "/")
        n.SetProperty("u", "bind", "")
        n.SetProperty("u", "virt_mode", "os")
        got["os_without_root"] = attempt(n.Start, "u")
        n.SetProperty("u", "virt_mode", "app")
        n.SetProperty("u", "symlink", "/tmp/porto-it-x: /etc")
        got["host_symlink"] = attempt(n.Start, "u")
        n.SetProperty("u", "symlink", "")
        n.SetProperty("u", "stdout_path", str(rootonly))
        got["stdout_rootonly"] = attempt(n.Start, "u")
        got["stdout_state"] = n.GetProperty("u", "state")
        n.SetProperty("u", "stdout_path", "")
        n.SetProperty("u", "root", str(swap))
        return got

    got = as_nobody(phase1)
    # swapped for a symlink after the check: the start looks again
    os.rename(str(swap), str(swap) + ".old")
    os.symlink("/etc", str(swap))

    def phase2(n):
        r = attempt(n.Start, "u")
        n.SetProperty("u", "root", "/")
        n.SetProperty("u", "bind", "%s /mnt" % bswap)
        return r

    got["root_swapped"] = as_nobody(phase2)
    os.rename(str(bswap), str(bswap) + ".old")
    os.symlink("/etc", str(bswap))

    def phase3(n):
        r = attempt(n.Start, "u")
        n.Destroy("u")
        return r

    got["bind_swapped"] = as_nobody(phase3)
    assert got["root_closed"].startswith("Permission"), got
    assert got["root_mine"] == "ok", got
    assert got["bind_closed"].startswith("Permission"), got
    assert got["bind_ro_readable"] == "ok", got
    assert got["bind_rw_readable"].startswith("Permission"), got
    assert got["os_without_root"].startswith("Permission"), got
    assert got["host_symlink"].startswith("Permission"), got
    assert not os.path.lexists("/tmp/porto-it-x")
    # stdout_path is opened as the container's user: a root-only file fails the start
    assert got["stdout_rootonly"].startswith("Permission") and "stdout" in got["stdout_rootonly"], got
    assert got["stdout_state"] == "stopped" and rootonly.read_text() == "", got
    assert got["root_swapped"].startswith("Permission"), got
    assert got["bind_swapped"].startswith("Permission"), got
