"""Fixtures: one private portod per session, per-test cleanup and timeout.

The daemon binary comes from `make build` (directory $PORTO_BUILD, default
<repo>/build); nothing is built here. The daemon never touches the system
socket: everything lives in a temporary directory T and a cgroup prefix
porto-it-<pid>.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from . import util
from .util import Daemon, RawConn, TestTimeout, raw_call

TEST_TIMEOUT = int(os.environ.get("PORTO_IT_TEST_TIMEOUT", "60"))


class Porto:
    """What tests get from the `portod` fixture."""

    def __init__(self, daemon):
        self.daemon = daemon
        self.socket = daemon.socket
        self.tmp = str(daemon.tmp)
        self.place = daemon.place
        self.prefix = daemon.prefix
        self._conns = []
        self.errors = None

    # porto.Connection factory (the API under test)
    def conn(self, timeout=20, **kwargs):
        import porto  # imported lazily: a broken package fails tests, not collection
        c = porto.Connection(socket_path=self.socket, timeout=timeout, **kwargs)
        self._conns.append(c)
        return c

    @property
    def exc(self):
        import porto.exceptions
        return porto.exceptions

    def raw(self, timeout=10.0):
        return RawConn(self.socket, timeout)

    def raw_call(self, method, **fields):
        return raw_call(self.socket, method, **fields)

    def portoctl(self, *args, timeout=30, input=None):
        """Run portoctl with PORTO_SOCKET pointing at our daemon."""
        if not util.PORTOCTL_BIN.exists():
            pytest.fail("%s not built" % util.PORTOCTL_BIN)
        env = dict(os.environ, PORTO_SOCKET=self.socket)
        stdin = subprocess.DEVNULL if input is None else None
        return subprocess.run([str(util.PORTOCTL_BIN)] + [str(a) for a in args],
                              env=env, input=input, stdin=stdin, capture_output=True,
                              text=True, timeout=timeout, cwd=self.tmp)

    def close_conns(self):
        for c in self._conns:
            try:
                c.disconnect()
            except Exception:  # noqa: BLE001 - best effort cleanup
                pass
        self._conns = []

    def cwd_of(self, name):
        """Default cwd of a container per the manual: <place>/porto/<name>."""
        return os.path.join(self.place, "porto", name)

    def list_names(self):
        rsp = raw_call(self.socket, "list", mask="***")
        return set(rsp.list.name)


def start_daemon(prefix_suffix="", config_text=""):
    tmp = tempfile.mkdtemp(prefix="porto-it-")
    prefix = "porto-it-%d%s" % (os.getpid(), prefix_suffix)
    d = Daemon(tmp, prefix, config_text)
    try:
        d.start()
    except Exception:
        d.kill()
        d.leftovers()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return d


def finish_daemon(d):
    problems = d.destroy_all()
    problems += d.stop()
    leaks = d.leftovers()
    keep = os.environ.get("PORTO_IT_KEEP_LOGS")
    if keep:   # e.g. to look for sanitizer reports of an ASan-built daemon
        os.makedirs(keep, exist_ok=True)
        for path in (d.out, d.log):
            if os.path.exists(path):
                shutil.copy(path, os.path.join(keep, "%s-%s" % (d.prefix, os.path.basename(path))))
    if not leaks:
        shutil.rmtree(str(d.tmp), ignore_errors=True)
    return problems, leaks


@pytest.fixture(scope="session")
def portod_session():
    holder = {"daemon": start_daemon(), "leaks": [], "problems": []}
    yield holder
    problems, leaks = finish_daemon(holder["daemon"])
    leaks = holder["leaks"] + leaks
    problems = holder["problems"] + problems
    if leaks:
        raise AssertionError("portod LEAKED resources (cleaned up now, tmp kept at %s):\n  %s"
                             % (holder["daemon"].tmp, "\n  ".join(leaks)))
    if problems:
        raise AssertionError("portod shutdown problems:\n  " + "\n  ".join(problems))


@pytest.fixture
def portod(portod_session):
    """The session daemon, restarted first if an earlier test killed it."""
    d = portod_session["daemon"]
    if not d.alive():
        problems, leaks = finish_daemon(d)
        portod_session["problems"] += ["(daemon that died) " + p for p in problems]
        portod_session["leaks"] += ["(daemon that died) " + p for p in leaks]
        d = portod_session["daemon"] = start_daemon("-r%d" % int(time.time() * 1000 % 100000))
    return Porto(d)


def _alarm(signum, frame):
    raise TestTimeout("test exceeded %ds (PORTO_IT_TEST_TIMEOUT)" % TEST_TIMEOUT)


@pytest.fixture(autouse=True)
def _per_test(request):
    """Per-test timeout; destroys the containers a test created; fails the
    test if the daemon (master or worker) died while it ran."""
    if "portod" not in request.fixturenames:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(TEST_TIMEOUT)
        yield
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        return
    pd = request.getfixturevalue("portod")
    d = pd.daemon
    before = pd.list_names()
    worker = d.worker_pid()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TEST_TIMEOUT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    pd.close_conns()
    crash = None
    if not d.alive():
        crash = "portod master died during this test (exit %s)\n%s" % (
            d.proc.returncode if d.proc else "?", d.log_tail())
    else:
        now_worker = d.worker_pid()
        if worker and now_worker and now_worker != worker:
            crash = "portod worker restarted during this test (pid %d -> %d): it crashed?\n%s" % (
                worker, now_worker, d.log_tail(25))
    cleanup_error = None
    if d.alive():
        signal.alarm(30)
        try:
            new = pd.list_names() - before
            for name in sorted(new, key=lambda n: n.count("/")):
                raw_call(pd.socket, "destroy", name=name)
        except (OSError, util.ConnectionClosed, TestTimeout) as exc:
            cleanup_error = "cleanup after test failed, daemon not answering: %r\n%s" % (
                exc, d.log_tail())
        finally:
            signal.alarm(0)
    if crash:
        pytest.fail(crash)
    if cleanup_error:
        pytest.fail(cleanup_error)
