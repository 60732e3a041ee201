"""Helpers shared by the integration tests.

Everything here talks to the daemon either through the `porto` Python
package (the API under test) or through a tiny raw client built directly on
`rpc_pb2`, so that the fixtures keep working (and can clean up) even when
the Python package is broken.
"""

import errno
import importlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PORTO_BUILD", REPO / "build")).resolve()
PORTOD_BIN = BUILD / "src" / "portod" / "portod"
PORTOCTL_BIN = BUILD / "src" / "portoctl" / "portoctl"
PYTHON_DIR = REPO / "python"

if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))


def _load_rpc_pb2():
    """rpc_pb2 without depending on porto/api.py being importable."""
    try:
        return importlib.import_module("porto.rpc_pb2")
    except ImportError:
        for mod in [m for m in sys.modules if m == "porto" or m.startswith("porto.")]:
            del sys.modules[mod]
        sys.path.insert(0, str(PYTHON_DIR / "porto"))
        return importlib.import_module("rpc_pb2")


rpc_pb2 = _load_rpc_pb2()
EError = rpc_pb2.EError


class TestTimeout(BaseException):
    """Raised by the per-test alarm. A BaseException so that client code
    catching Exception/OSError (reconnect loops) cannot swallow it."""


# ---------------------------------------------------------------------------
# Framing (protocol.md 1.2)

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def frame(payload):
    return varint(len(payload)) + payload


class ConnectionClosed(Exception):
    pass


class RawConn:
    """Minimal blocking client speaking the wire protocol directly."""

    def __init__(self, path, timeout=10.0):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send_bytes(self, data):
        self.sock.sendall(data)

    def send(self, req):
        self.sock.sendall(frame(req.SerializeToString()))

    def _recv_exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionClosed("peer closed after %d of %d bytes" % (len(buf), n))
            buf += chunk
        return bytes(buf)

    def recv_frame(self):
        shift = 0
        length = 0
        while True:
            b = self._recv_exact(1)[0]
            length |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
            if shift > 35:
                raise ValueError("bad varint from daemon")
        return self._recv_exact(length)

    def recv(self):
        rsp = rpc_pb2.TContainerResponse()
        rsp.ParseFromString(self.recv_frame())
        return rsp

    def recv_reply(self, events=None):
        """Next reply; AsyncWait event frames are collected into `events`."""
        while True:
            rsp = self.recv()
            if rsp.HasField("AsyncWait"):
                if events is not None:
                    events.append(rsp.AsyncWait)
                continue
            return rsp

    def call(self, req, events=None):
        self.send(req)
        return self.recv_reply(events)

    def is_closed_by_peer(self, timeout=5.0):
        """True if the daemon closes the connection (EOF/reset) in time
        without sending anything; False if it sends data or stays open."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1)
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True
        return data == b""


def request(method, **fields):
    """Build a TContainerRequest with `method` set, filled from fields."""
    req = rpc_pb2.TContainerRequest()
    sub = getattr(req, method)
    sub.SetInParent()
    for key, value in fields.items():
        attr = getattr(sub, key)
        if isinstance(value, (list, tuple)):
            attr.extend(value)
        else:
            setattr(sub, key, value)
    return req


def raw_call(path, method, **fields):
    with RawConn(path) as rc:
        return rc.call(request(method, **fields))


# ---------------------------------------------------------------------------
# Polling

def wait_for(pred, timeout=10.0, interval=0.05, msg="condition"):
    """Poll pred() until it returns a truthy value; return it or fail."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = pred()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - remembered for the message
            last_exc = exc
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.1fs waiting for %s (last error: %r)"
                                 % (timeout, msg, last_exc))
        time.sleep(interval)


def state_of(conn, name):
    return conn.GetProperty(name, "state")


def wait_state(conn, name, states, timeout=10.0):
    if isinstance(states, str):
        states = (states,)
    seen = []

    def check():
        st = conn.GetProperty(name, "state")
        seen.append(st)
        return st in states
    try:
        wait_for(check, timeout, msg="%s to reach %s" % (name, states))
    except AssertionError as exc:
        raise AssertionError("%s (last states %s)" % (exc, seen[-3:])) from None
    return conn.GetProperty(name, "state")


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still "exists"; treat it as gone.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def proc_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def parse_map(value):
    """'a: 1; b: 2' -> {'a': '1', 'b': '2'} (tolerant of spacing)."""
    out = {}
    for item in value.split(";"):
        item = item.strip()
        if not item:
            continue
        k, _, v = item.partition(":")
        out[k.strip()] = v.strip()
    return out


def parse_env(value):
    """'A=1; B=2' -> {'A': '1', 'B': '2'}."""
    out = {}
    for item in value.split(";"):
        item = item.strip()
        if not item:
            continue
        k, _, v = item.partition("=")
        out[k.strip()] = v
    return out


# ---------------------------------------------------------------------------
# Cgroups (cgroup v1 hierarchies plus v2, as listed in /proc/self/cgroup)

def cgroup_roots(prefix, pid="self"):
    """[(hierarchy label, absolute dir of <own cgroup>/<prefix>)]."""
    mounts = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            lparts = left.split()
            rparts = right.split()
            if len(lparts) < 5 or len(rparts) < 3:
                continue
            fstype = rparts[0]
            if fstype not in ("cgroup", "cgroup2"):
                continue
            mounts.append((fstype, set(rparts[2].split(",")), lparts[3], lparts[4]))
    out = []
    with open("/proc/%s/cgroup" % pid) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            _, ctrls, path = line.split(":", 2)
            want = set(c for c in ctrls.split(",") if c)
            for fstype, opts, root, mnt in mounts:
                if (not want and fstype == "cgroup2") or (want and fstype == "cgroup" and want <= opts):
                    rel = path
                    if root != "/" and rel.startswith(root):
                        rel = rel[len(root):]
                    out.append((ctrls or "unified", os.path.normpath(mnt + "/" + rel.lstrip("/") + "/" + prefix)))
                    break
    return out


def cleanup_cgroup_tree(top):
    """Remove `top` and everything below it, deepest first. Kills tasks
    only if some remain. Returns a list of human-readable leak reports."""
    leaks = []
    if not os.path.isdir(top):
        return leaks
    dirs = []
    for dirpath, dirnames, _ in os.walk(top):
        dirs.append(dirpath)
    dirs.sort(key=lambda d: d.count("/"), reverse=True)
    for d in dirs:
        if d != top:
            leaks.append("cgroup dir left: %s" % d)
        for attempt in range(50):
            try:
                os.rmdir(d)
                break
            except FileNotFoundError:
                break
            except OSError as exc:
                if exc.errno != errno.EBUSY:
                    leaks.append("cannot rmdir %s: %s" % (d, exc))
                    break
                pids = _cgroup_pids(d)
                if attempt == 0 and pids:
                    leaks.append("tasks left in %s: %s" % (d, pids))
                _thaw(d)
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                time.sleep(0.1)
        else:
            leaks.append("cgroup %s stays busy" % d)
    return leaks


def _cgroup_pids(d):
    try:
        with open(os.path.join(d, "cgroup.procs")) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def _thaw(d):
    path = os.path.join(d, "freezer.state")
    if os.path.exists(path):
        try:
            with open(path, "w") as f:
                f.write("THAWED")
        except OSError:
            pass


def mounts_under(path):
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            mnt = line.split()[4]
            if mnt == path or mnt.startswith(path.rstrip("/") + "/"):
                out.append(mnt)
    return out


# ---------------------------------------------------------------------------
# A private daemon

class Daemon:
    """One private portod: own socket, state dir, run dir, place, cgroups."""

    def __init__(self, tmpdir, prefix, config_text=""):
        self.tmp = Path(tmpdir)
        self.prefix = prefix
        self.socket = str(self.tmp / "portod.socket")
        self.state_dir = str(self.tmp / "state")
        self.run_dir = str(self.tmp / "run")
        self.place = str(self.tmp / "place")
        self.log = str(self.tmp / "portod.log")
        self.out = str(self.tmp / "portod.out")
        self.config = str(self.tmp / "portod.conf")
        self.proc = None
        self.config_text = config_text
        os.makedirs(self.run_dir, exist_ok=True)
        os.makedirs(self.place, exist_ok=True)
        for d in (self.tmp, self.place):
            os.chmod(d, 0o755)
        with open(self.config, "w") as f:
            f.write(config_text)

    def argv(self):
        return [str(PORTOD_BIN), "daemon", "--stdlog",
                "--socket", self.socket, "--state-dir", self.state_dir,
                "--run-dir", self.run_dir, "--cgroup-prefix", self.prefix,
                "--place", self.place, "--log", self.log, "--config", self.config]

    def start(self, timeout=20.0):
        if not PORTOD_BIN.exists():
            raise RuntimeError("%s not built (run `make build`, or set PORTO_BUILD)" % PORTOD_BIN)
        out = open(self.out, "ab")
        self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     close_fds=True)
        out.close()
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("portod exited with %s during startup\n%s"
                                   % (self.proc.returncode, self.log_tail()))
            try:
                rsp = raw_call(self.socket, "version")
                if rsp.error == EError.Value("Success"):
                    return
                last = "version error %d %s" % (rsp.error, rsp.errorMsg)
            except (OSError, ConnectionClosed) as exc:
                last = exc
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("portod did not answer `version` within %.0fs (%r)\n%s"
                           % (timeout, last, self.log_tail()))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def worker_pid(self):
        """Pid of the worker as written in <run-dir>/portod.pid, or None."""
        try:
            with open(os.path.join(self.run_dir, "portod.pid")) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def log_tail(self, n=40):
        out = []
        for path in (self.out, self.log):
            try:
                with open(path, errors="replace") as f:
                    lines = [x for x in f.readlines() if "INF config:" not in x][-n:]
                out.append("---- %s (last %d lines)\n%s" % (path, len(lines), "".join(lines)))
            except OSError:
                pass
        return "\n".join(out)

    def read_logs(self):
        text = ""
        for path in (self.out, self.log):
            try:
                with open(path, errors="replace") as f:
                    text += f.read()
            except OSError:
                pass
        return text

    def destroy_all(self):
        """Destroy every container (top-level ones; subtrees go with them)."""
        problems = []
        try:
            rsp = raw_call(self.socket, "list", mask="***")
        except (OSError, ConnectionClosed) as exc:
            return ["list failed: %r" % exc]
        names = [n for n in rsp.list.name if n != "/"]
        for name in sorted(names, key=lambda n: n.count("/")):
            try:
                r = raw_call(self.socket, "destroy", name=name)
            except (OSError, ConnectionClosed) as exc:
                problems.append("destroy %s: %r" % (name, exc))
                continue
            if r.error not in (0, EError.Value("ContainerDoesNotExist")):
                problems.append("destroy %s: %s %s" % (name, EError.Name(r.error), r.errorMsg))
        return problems

    def stop(self, timeout=15.0):
        """SIGINT to the pid we started, SIGKILL after the timeout.
        Returns a list of problems (empty when it went cleanly)."""
        problems = []
        if self.proc is None:
            return problems
        worker = self.worker_pid()
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGINT)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                problems.append("portod did not exit within %.0fs of SIGINT" % timeout)
                self.kill()
        if worker and worker != self.proc.pid and pid_alive(worker):
            try:
                wait_for(lambda: not pid_alive(worker), 5.0, msg="worker exit")
            except AssertionError:
                problems.append("portod worker %d survived the master" % worker)
                try:
                    os.kill(worker, signal.SIGKILL)
                except OSError:
                    pass
        self.proc = None
        return problems

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(10)

    def leftovers(self):
        """Remove and report cgroups/mounts left behind by the daemon."""
        leaks = []
        for label, top in cgroup_roots(self.prefix):
            for leak in cleanup_cgroup_tree(top):
                leaks.append("[%s] %s" % (label, leak))
        for mnt in sorted(mounts_under(str(self.tmp)), key=len, reverse=True):
            leaks.append("mount left: %s" % mnt)
            subprocess.run(["umount", "-l", mnt], check=False)
        return leaks


# ---------------------------------------------------------------------------
# Container shortcuts over the porto Python API

def make(conn, name, **props):
    """Create `name` and set properties in the given order."""
    conn.Create(name)
    for key, value in props.items():
        conn.SetProperty(name, key, value)
    return name


def start(conn, name, **props):
    make(conn, name, **props)
    conn.Start(name)
    return name


def run_dead(conn, name, timeout=10.0, **props):
    """Create, start and wait until the container is dead."""
    start(conn, name, **props)
    conn.WaitContainers([name], timeout=timeout)
    st = conn.GetProperty(name, "state")
    assert st == "dead", "%s: state %s after wait" % (name, st)
    return name


def stdout_of(conn, name, timeout=10.0, **props):
    run_dead(conn, name, timeout, **props)
    return conn.GetProperty(name, "stdout")


def sh(script):
    """A command line running `script` with /bin/sh (single-quoted)."""
    return "/bin/sh -c '%s'" % script.replace("'", "'\\''")


def cgroup_mount(ctrl):
    """Mount point of the v1 hierarchy holding controller `ctrl`."""
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            rparts = right.split()
            if len(rparts) >= 3 and rparts[0] == "cgroup" and ctrl in rparts[2].split(","):
                return left.split()[4]
    return None


def cgroup_dir(ctrl, path):
    """Directory of a cgroup given as the `cgroups[ctrl]` property value,
    which is either a path inside the hierarchy or already a full path."""
    mnt = cgroup_mount(ctrl)
    if mnt and path.startswith(mnt + "/"):
        return path
    if mnt:
        return os.path.normpath(mnt + "/" + path.lstrip("/"))
    return path


def have_cap(bit):
    """True if this process has capability `bit` in its effective set."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) >> bit & 1)
    return False


CAP_SYS_RESOURCE = 24


def getp(conn, name, prop):
    """Property as text (the API converts some values to bool/int)."""
    return str(conn.GetProperty(name, prop)).lower()


def knob(conn, name, ctrl, filename):
    """A file of the container's cgroup in controller ctrl."""
    d = cgroup_dir(ctrl, conn.GetProperty(name, "cgroups[%s]" % ctrl))
    with open(os.path.join(d, filename)) as f:
        return f.read().strip()
