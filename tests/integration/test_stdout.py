"""Internal stdout/stderr storage: reads with offset/length, offsets,
rotation at stdout_limit (porto.md stdout, stdout_path, stdout_limit;
protocol.md 10.7)."""

import pytest

from .util import run_dead, sh, start, wait_for


def seq_text(n):
    return "".join("%d\n" % i for i in range(1, n + 1))


def test_stdout_stderr_basic(portod):
    c = portod.conn()
    run_dead(c, "so-basic", command=sh("echo hello; echo oops >&2"))
    assert c.GetProperty("so-basic", "stdout") == "hello\n"
    assert c.GetProperty("so-basic", "stderr") == "oops\n"
    assert c.GetProperty("so-basic", "stdout_offset") == "0"
    assert c.GetProperty("so-basic", "stderr_offset") == "0"


def test_stdout_ranges(portod):
    c = portod.conn()
    run_dead(c, "so-rng", command="printf 0123456789")
    g = lambda p: c.GetProperty("so-rng", p)  # noqa: E731
    assert g("stdout") == "0123456789"
    assert g("stdout[:3]") == "789"          # last 3 bytes
    assert g("stdout[2:]") == "23456789"      # from offset 2
    assert g("stdout[2:3]") == "234"          # 3 bytes from offset 2
    assert g("stdout[0:10]") == "0123456789"
    assert g("stdout[:100]") == "0123456789"
    assert g("stdout[9:5]") == "9"


def test_stderr_ranges(portod):
    c = portod.conn()
    run_dead(c, "so-erng", command=sh("printf abcdef >&2"))
    assert c.GetProperty("so-erng", "stderr[:2]") == "ef"
    assert c.GetProperty("so-erng", "stderr[1:2]") == "bc"


def test_stdout_while_running(portod):
    c = portod.conn()
    start(c, "so-live", command=sh("echo first; sleep 1000"))
    wait_for(lambda: c.GetProperty("so-live", "stdout") == "first\n", 5, msg="live stdout")


def test_stdout_empty(portod):
    c = portod.conn()
    run_dead(c, "so-empty", command="true")
    assert c.GetProperty("so-empty", "stdout") == ""
    assert c.GetProperty("so-empty", "stderr") == ""


def test_stdout_kept_after_stop_start_cycle(portod):
    c = portod.conn()
    run_dead(c, "so-cycle", command="echo again")
    c.Stop("so-cycle")
    c.Start("so-cycle")
    c.WaitContainers(["so-cycle"], timeout=10)
    assert c.GetProperty("so-cycle", "stdout").endswith("again\n")


def test_stdout_binaryish_and_large(portod):
    c = portod.conn()
    run_dead(c, "so-large", command=sh("seq 1 20000"))
    expected = seq_text(20000)
    assert c.GetProperty("so-large", "stdout") == expected
    assert c.GetProperty("so-large", "stdout[:6]") == expected[-6:]


def settled_rotation(c, name, stream, total, limit, timeout=20):
    """Wait until the writer is done and rotation has settled: the offset
    is stable, non-zero, and offset + kept bytes == bytes written, with no
    more than `limit` kept. Returns (offset, kept text)."""
    last = {}

    def check():
        off1 = int(c.GetProperty(name, stream + "_offset"))
        data = c.GetProperty(name, stream)
        off2 = int(c.GetProperty(name, stream + "_offset"))
        last.update(offset=off2, kept=len(data))
        if off1 != off2 or off1 == 0 or len(data) > limit:
            return None
        if off1 + len(data) != total:
            return None
        return off1, data
    try:
        return wait_for(check, timeout, interval=0.2, msg="%s rotation to settle" % stream)
    except AssertionError as exc:
        raise AssertionError("%s; last %s_offset %s, kept %s bytes, written %d, limit %d"
                             % (exc, stream, last.get("offset"), last.get("kept"), total, limit))


def test_stdout_rotation(portod):
    c = portod.conn()
    limit = 65536
    n = 60000                      # ~349 KB of output, far over the limit
    expected = seq_text(n)
    start(c, "so-rot", stdout_limit=limit, command=sh("seq 1 %d; sleep 1000" % n))
    off, data = settled_rotation(c, "so-rot", "stdout", len(expected), limit)
    assert data == expected[off:]
    # indexed reads count from the start of the stream
    assert c.GetProperty("so-rot", "stdout[%d:20]" % off) == expected[off:off + 20]
    mid = off + 1000
    assert c.GetProperty("so-rot", "stdout[%d:50]" % mid) == expected[mid:mid + 50]
    assert c.GetProperty("so-rot", "stdout[:10]") == expected[-10:]
    with pytest.raises(portod.exc.InvalidData):
        c.GetProperty("so-rot", "stdout[0:10]")


def test_stderr_rotation(portod):
    c = portod.conn()
    n = 60000
    expected = seq_text(n)
    start(c, "so-erot", stdout_limit=65536, command=sh("seq 1 %d >&2; sleep 1000" % n))
    off, data = settled_rotation(c, "so-erot", "stderr", len(expected), 65536)
    assert data == expected[off:]
    assert c.GetProperty("so-erot", "stdout_offset") == "0"


def test_custom_stdout_path_not_internal(portod, tmp_path):
    c = portod.conn()
    out = tmp_path / "o"
    run_dead(c, "so-path", command="echo custom", stdout_path=str(out))
    assert out.read_text() == "custom\n"
    assert c.GetProperty("so-path", "stdout") == "custom\n"
