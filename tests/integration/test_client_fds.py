"""std streams given as /dev/fd/N: the container gets the client's own fd N
(what `portoctl exec` relies on), never more than the client had."""

import os
import subprocess

import pytest

from .util import wait_state


def test_exec_output_shares_the_client_file_offset(portod):
    # The shell keeps writing to the same file after portoctl: with a
    # separately opened file the container's text would be overwritten.
    out = os.path.join(portod.tmp, "exec-out.txt")
    script = "echo before; %s exec fd-off command='echo inside'; echo after" % portod_ctl()
    env = dict(os.environ, PORTO_SOCKET=portod.socket)
    with open(out, "w") as f:
        subprocess.run(["/bin/sh", "-c", script], stdout=f, env=env, check=True, timeout=30)
    with open(out) as f:
        assert f.read() == "before\ninside\nafter\n"


def test_fd_open_read_only_cannot_become_stdout(portod):
    conn = portod.conn()
    ro = os.open("/etc/hostname", os.O_RDONLY)
    try:
        ct = conn.CreateWeakContainer("fd-ro")
        ct.SetProperty("command", "echo should-not-be-written")
        ct.SetProperty("stdout_path", "/dev/fd/%d" % ro)
        with pytest.raises(portod.exc.InvalidValue) as e:
            ct.Start()
        assert "not open for writing" in str(e.value)
        assert conn.GetProperty("fd-ro", "state") == "stopped"
    finally:
        os.close(ro)


@pytest.mark.parametrize("path", ["/dev/fd/../../../etc/passwd", "/dev/fd/", "/dev/fd/1x",
                                  "/dev/fd/99999999999"])
def test_fd_path_must_be_a_number(portod, path):
    conn = portod.conn()
    ct = conn.CreateWeakContainer("fd-bad")
    ct.SetProperty("command", "true")
    with pytest.raises(portod.exc.InvalidValue):  # refused when set, or at start
        ct.SetProperty("stdout_path", path)
        ct.Start()


def test_fd_stdin_from_the_client(portod):
    conn = portod.conn()
    r, w = os.pipe()
    try:
        os.write(w, b"from the client\n")
        os.close(w)
        w = -1
        ct = conn.CreateWeakContainer("fd-in")
        ct.SetProperty("command", "cat")
        ct.SetProperty("stdin_path", "/dev/fd/%d" % r)
        ct.Start()
        wait_state(conn, "fd-in", ("dead",))
        assert ct.GetProperty("stdout") == "from the client\n"
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)


def portod_ctl():
    from .util import PORTOCTL_BIN
    return str(PORTOCTL_BIN)
