"""_RPC behaviour: framing, events, reconnect/resend, deadlines, errors."""

import os
import socket
import threading
import time

import pytest

import porto
from porto import exceptions, rpc_pb2

from fakeportod import FakePortod, frame, method_of


def version_reply(request, response):
    response.version.tag = "5.3.0"
    response.version.revision = "abc"


# ---- framing ----

def test_basic_call_and_lazy_connect(server, conn):
    server.responses["version"] = version_reply
    assert not conn.connected() and conn.nr_connects() == 0
    assert conn.Version() == ("5.3.0", "abc")
    assert conn.connected() and conn.nr_connects() == 1
    assert conn.Version() == ("5.3.0", "abc")
    assert conn.nr_connects() == 1 and server.connections == 1


def test_multibyte_varint_both_ways(server, conn):
    big = "x" * 70000  # 3-byte varint
    server.responses["getProperty"] = lambda q, r: setattr(
        r.getProperty, "value", q.getProperty.property * 2)
    assert conn.GetProperty("a", big) == big * 2
    assert server.last().getProperty.property == big


def test_reply_split_into_single_bytes(tmp_path):
    def handler(ctx, request):
        rsp = rpc_pb2.TContainerResponse(error=0, errorMsg="")
        rsp.getProperty.value = "v" * 300
        ctx.reply(rsp, chunk=1)

    srv = FakePortod(str(tmp_path / "s"), handler)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=5)
        assert c.GetProperty("a", "b") == "v" * 300
    finally:
        srv.stop()


def test_empty_payload_frame_is_legal(tmp_path):
    # A zero-length frame parses as an empty TContainerResponse whose error
    # defaults to LostError.
    def handler(ctx, request):
        ctx.send_raw(b"\x00")

    srv = FakePortod(str(tmp_path / "s"), handler)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=5)
        with pytest.raises(exceptions.LostError):
            c.Destroy("a")
    finally:
        srv.stop()


def test_garbage_varint_is_protocol_error(tmp_path):
    def handler(ctx, request):
        ctx.send_raw(b"\xff" * 6)

    srv = FakePortod(str(tmp_path / "s"), handler)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=5)
        with pytest.raises(exceptions.SocketError) as ei:
            c.Destroy("a")
        assert "protocol" in str(ei.value)
        assert not c.connected()
        assert srv.connections == 1  # not resent
    finally:
        srv.stop()


def test_unparsable_payload_is_protocol_error(tmp_path):
    def handler(ctx, request):
        ctx.send_raw(b"\x03\x0a\xff\xff")

    srv = FakePortod(str(tmp_path / "s"), handler)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=5)
        with pytest.raises(exceptions.SocketError):
            c.Destroy("a")
    finally:
        srv.stop()


# ---- errors ----

def test_error_reply_raises_mapped_exception(tmp_path):
    def handler(ctx, request):
        ctx.reply(error=rpc_pb2.ContainerDoesNotExist, msg="container a not found")

    srv = FakePortod(str(tmp_path / "s"), handler)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=5)
        with pytest.raises(exceptions.ContainerDoesNotExist) as ei:
            c.Start("a")
        assert ei.value.message == "container a not found"
        assert str(ei.value) == "ContainerDoesNotExist: container a not found"
        assert c.connected()  # an error reply keeps the connection
    finally:
        srv.stop()


def test_missing_error_field_is_lost_error(tmp_path):
    def handler(ctx, request):
        ctx.send_raw(frame(rpc_pb2.TContainerResponse(errorMsg="")))

    srv = FakePortod(str(tmp_path / "s"), handler)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=5)
        with pytest.raises(exceptions.LostError):
            c.Start("a")
    finally:
        srv.stop()


# ---- events ----

def test_events_before_reply_are_dispatched(tmp_path):
    def handler(ctx, request):
        if method_of(request) == "AsyncWait":
            data = ctx.event("a", "stopped") + ctx.event(
                "a", "dead", label="exit_code", value="0")
            ctx.send_raw(data + frame(rpc_pb2.TContainerResponse(error=0, errorMsg="")))
        else:
            # event and reply in one send
            rsp = rpc_pb2.TContainerResponse(error=0, errorMsg="")
            rsp.getProperty.value = "running"
            ctx.send_raw(ctx.event("b", "running", when=5) + frame(rsp))

    srv = FakePortod(str(tmp_path / "s"), handler)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=5)
        seen = []
        assert c.AsyncWait(["a", "b"], lambda **kw: seen.append(kw), timeout=3) is None
        assert seen == [
            {"name": "a", "state": "stopped", "when": 1700000000},
            {"name": "a", "state": "dead", "when": 1700000000,
             "label": "exit_code", "value": "0"},
        ]
        req = srv.last("AsyncWait").AsyncWait
        assert list(req.name) == ["a", "b"] and req.timeout_ms == 3000
        assert c.GetProperty("b", "state") == "running"
        assert seen[-1] == {"name": "b", "state": "running", "when": 5}
    finally:
        srv.stop()


def test_callback_may_use_the_connection(tmp_path):
    def handler(ctx, request):
        m = method_of(request)
        rsp = rpc_pb2.TContainerResponse(error=0, errorMsg="")
        if m == "AsyncWait":
            ctx.send_raw(ctx.event("a", "dead") + frame(rsp))
        else:
            rsp.getProperty.value = "7"
            ctx.reply(rsp)

    srv = FakePortod(str(tmp_path / "s"), handler)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=5)
        got = []
        c.AsyncWait(["a"], lambda name, **kw: got.append(c.GetProperty(name, "exit_code")))
        assert got == ["7"]
    finally:
        srv.stop()


def test_callback_exception_keeps_stream_in_sync(tmp_path):
    def handler(ctx, request):
        rsp = rpc_pb2.TContainerResponse(error=0, errorMsg="")
        rsp.getProperty.value = request.getProperty.property
        if request.getProperty.property == "first":
            ctx.send_raw(ctx.event("a", "dead") + ctx.event("b", "dead") + frame(rsp))
        else:
            ctx.reply(rsp)

    srv = FakePortod(str(tmp_path / "s"), handler)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=5)
        seen = []

        def cb(name, **kw):
            seen.append(name)
            raise RuntimeError("callback failed for " + name)

        c.rpc.async_wait_callback = cb
        with pytest.raises(RuntimeError, match="for a"):
            c.GetProperty("x", "first")
        assert seen == ["a", "b"]  # every event delivered
        assert c.GetProperty("x", "second") == "second"
    finally:
        srv.stop()


def test_events_without_callback_are_skipped(tmp_path):
    def handler(ctx, request):
        rsp = rpc_pb2.TContainerResponse(error=0, errorMsg="")
        rsp.getProperty.value = "ok"
        ctx.send_raw(ctx.event("a", "dead") + frame(rsp))

    srv = FakePortod(str(tmp_path / "s"), handler)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=5)
        assert c.GetProperty("a", "state") == "ok"
    finally:
        srv.stop()


def test_failed_async_wait_restores_previous_subscription(server, conn):
    cb1 = lambda **kw: None  # noqa: E731
    conn.AsyncWait(["a"], cb1)
    server.responses["AsyncWait"] = lambda q, r: setattr(r, "error", rpc_pb2.Permission)
    with pytest.raises(exceptions.Permission):
        conn.AsyncWait(["b"], lambda **kw: None)
    assert conn.rpc.async_wait_callback is cb1
    assert list(conn.rpc.async_wait_request.AsyncWait.name) == ["a"]


# ---- reconnect and resend ----

def test_resend_after_connection_drop(tmp_path):
    state = {"n": 0}

    def handler(ctx, request):
        state["n"] += 1
        if state["n"] == 1:
            ctx.close()  # request read, connection dropped before the reply
            return
        ctx.reply()

    srv = FakePortod(str(tmp_path / "s"), handler)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=5, reconnect_interval=0.01)
        c.Create("a")
        assert [n for n, _ in srv.requests] == [1, 2]
        assert srv.requests[0][1] == srv.requests[1][1]
        assert c.nr_connects() == 2
    finally:
        srv.stop()


def test_resubscribe_after_reconnect(tmp_path):
    state = {"drop": False}

    def handler(ctx, request):
        m = method_of(request)
        if m == "destroy" and state["drop"]:
            state["drop"] = False
            ctx.close()
            return
        rsp = rpc_pb2.TContainerResponse(error=0, errorMsg="")
        if m == "AsyncWait":
            ctx.send_raw(ctx.event("a", "running", when=ctx.number) + frame(rsp))
        else:
            ctx.reply(rsp)

    srv = FakePortod(str(tmp_path / "s"), handler)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=5, reconnect_interval=0.01)
        seen = []
        c.AsyncWait(["a", "b/***"], lambda **kw: seen.append(kw), timeout=10,
                    labels=["FOO.*"])
        state["drop"] = True
        c.Destroy("x")
        methods = [(n, method_of(r)) for n, r in srv.requests]
        assert methods == [(1, "AsyncWait"), (1, "destroy"), (2, "AsyncWait"), (2, "destroy")]
        again = srv.requests[2][1].AsyncWait
        assert list(again.name) == ["a", "b/***"] and again.timeout_ms == 10000
        # labels are re-sent too (the original lost them, quirk 11.9)
        assert list(again.label) == ["FOO.*"]
        assert [e["when"] for e in seen] == [1, 2]
    finally:
        srv.stop()


def test_snapshot_async_wait_is_not_resubscribed(server, conn):
    conn.AsyncWait(["a"], lambda **kw: None)
    conn.AsyncWait(["b"], lambda **kw: None, timeout=0)
    assert list(conn.rpc.async_wait_request.AsyncWait.name) == ["a"]
    conn.AsyncWait([], lambda **kw: None)
    assert conn.rpc.async_wait_request is None
    conn.disconnect()
    conn.Destroy("x")
    assert server.methods()[-1] == "destroy" and server.methods()[-2] == "AsyncWait"


def test_failed_resubscription_raises(tmp_path):
    def handler(ctx, request):
        if ctx.number > 1 and method_of(request) == "AsyncWait":
            ctx.reply(error=rpc_pb2.Permission, msg="no")
            return
        ctx.reply()

    srv = FakePortod(str(tmp_path / "s"), handler)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=5)
        c.AsyncWait(["a"], lambda **kw: None)
        c.disconnect()
        with pytest.raises(exceptions.Permission):
            c.Destroy("x")
        assert "destroy" not in [method_of(r) for _, r in srv.requests]
    finally:
        srv.stop()


def test_reconnect_after_daemon_restart(tmp_path):
    path = str(tmp_path / "s")
    srv = FakePortod(path)
    c = porto.Connection(socket_path=path, timeout=5, reconnect_interval=0.05)
    c.Destroy("a")
    srv.stop()
    restarted = []

    def restart():
        time.sleep(0.3)
        restarted.append(FakePortod(path))

    t = threading.Thread(target=restart)
    t.start()
    try:
        start = time.monotonic()
        c.Destroy("b")  # socket gone for 0.3 s: retried until it is back
        assert time.monotonic() - start >= 0.25
        assert method_of(restarted[0].requests[0][1]) == "destroy"
    finally:
        t.join()
        restarted[0].stop()


def test_reconnect_interval_spacing(server):
    c = porto.Connection(socket_path=server.path, timeout=5, reconnect_interval=0.2)
    c.Destroy("a")
    c.disconnect()
    start = time.monotonic()
    c.Destroy("b")
    assert time.monotonic() - start >= 0.15


def test_no_auto_reconnect(server):
    c = porto.Connection(socket_path=server.path, timeout=5, auto_reconnect=False)
    with pytest.raises(exceptions.SocketError, match="not connected"):
        c.Destroy("a")
    c.Connect()
    c.Destroy("a")
    server.stop()
    with pytest.raises(exceptions.SocketError, match="Socket error"):
        c.Destroy("b")
    assert not c.connected()


def test_other_pid(server, conn):
    conn.Destroy("a")
    conn.rpc.sock_pid = os.getpid() + 100000  # as if connected before fork()
    conn.Destroy("b")
    assert server.connections == 2
    c = porto.Connection(socket_path=server.path, timeout=5, auto_reconnect=False)
    c.connect()
    c.rpc.sock_pid = 1
    with pytest.raises(exceptions.SocketError, match="other pid 1"):
        c.Destroy("c")


def test_fork_child_reconnects(server, conn):
    server.responses["version"] = version_reply
    conn.Version()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            ok = conn.Version() == ("5.3.0", "abc") and conn.nr_connects() == 2
        except BaseException:
            ok = False
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert conn.Version() == ("5.3.0", "abc")
    assert server.connections == 2


# ---- connect / TryConnect ----

def test_connect_missing_socket_times_out(tmp_path):
    c = porto.Connection(socket_path=str(tmp_path / "none"), timeout=0.3,
                         reconnect_interval=0.05)
    start = time.monotonic()
    with pytest.raises(exceptions.SocketTimeout) as ei:
        c.connect()
    assert 0.25 <= time.monotonic() - start < 2
    assert "No such file" in str(ei.value)
    assert c.nr_connects() > 1


def test_connect_waits_for_socket(tmp_path):
    path = str(tmp_path / "s")
    c = porto.Connection(socket_path=path, timeout=5, reconnect_interval=0.02)
    srvs = []
    t = threading.Timer(0.2, lambda: srvs.append(FakePortod(path)))
    t.start()
    try:
        c.Connect(timeout=3)
        assert c.connected()
    finally:
        t.join()
        srvs[0].stop()


def test_try_connect_single_attempt(tmp_path):
    c = porto.Connection(socket_path=str(tmp_path / "none"), timeout=5)
    with pytest.raises(exceptions.SocketError, match="none"):
        c.TryConnect()
    assert c.nr_connects() == 1 and not c.connected()


def test_call_against_missing_socket_times_out(tmp_path):
    c = porto.Connection(socket_path=str(tmp_path / "none"), timeout=0.2,
                         reconnect_interval=0.01)
    with pytest.raises(exceptions.SocketTimeout):
        c.Destroy("a")


def test_disconnect(server, conn):
    conn.Destroy("a")
    conn.Disconnect()
    assert not conn.connected()
    conn.disconnect()  # twice is fine
    conn.Destroy("b")
    assert server.connections == 2


# ---- deadlines ----

def silent(ctx, request):
    pass  # never answers


def test_reply_timeout(tmp_path):
    srv = FakePortod(str(tmp_path / "s"), silent)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=0.3)
        start = time.monotonic()
        with pytest.raises(exceptions.SocketTimeout):
            c.Destroy("a")
        assert 0.25 <= time.monotonic() - start < 1.5
        assert not c.connected()
        assert len(srv.requests) == 1  # a timeout is final, no resend
    finally:
        srv.stop()


def test_call_timeout_extends_deadline(tmp_path):
    srv = FakePortod(str(tmp_path / "s"), silent)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=0.2)
        start = time.monotonic()
        with pytest.raises(exceptions.SocketTimeout):
            c.WaitContainers(["a"], timeout=0.3)
        assert 0.45 <= time.monotonic() - start < 1.5
        assert srv.last().wait.timeout_ms == 300
    finally:
        srv.stop()


def test_unlimited_call_timeout(tmp_path):
    def slow(ctx, request):
        time.sleep(0.4)
        ctx.reply()

    srv = FakePortod(str(tmp_path / "s"), slow)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=0.1)
        c.Start("a")  # Start waits for its reply without limit
        with pytest.raises(exceptions.SocketTimeout):
            c.Destroy("a")
    finally:
        srv.stop()


def test_no_deadline_at_all(tmp_path):
    def slow(ctx, request):
        time.sleep(0.2)
        ctx.reply()

    srv = FakePortod(str(tmp_path / "s"), slow)
    try:
        c = porto.Connection(socket_path=srv.path, timeout=None)
        c.Destroy("a")
        c2 = porto.Connection(socket_path=srv.path, timeout=-1)
        c2.Destroy("a")
    finally:
        srv.stop()


# ---- locking ----

def test_threads_share_a_connection(server, conn):
    server.responses["getProperty"] = lambda q, r: setattr(
        r.getProperty, "value", q.getProperty.name + ":" + q.getProperty.property)
    errors = []

    def worker(i):
        try:
            for j in range(30):
                assert conn.GetProperty("c%d" % i, "p%d" % j) == "c%d:p%d" % (i, j)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert server.connections == 1


def test_custom_constructors(server):
    made = []

    def sock_ctor(family, type_):
        made.append((family, type_))
        return socket.socket(family, type_)

    locks = []

    def lock_ctor():
        lk = threading.RLock()
        locks.append(lk)
        return lk

    c = porto.Connection(socket_path=server.path, socket_constructor=sock_ctor,
                         lock_constructor=lock_ctor)
    c.Destroy("a")
    assert made == [(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)]
    assert c.rpc.lock is locks[0]


def test_socket_path_from_environment(server, monkeypatch):
    monkeypatch.setenv("PORTO_SOCKET", server.path)
    c = porto.Connection()
    assert c.rpc.socket_path == server.path
    monkeypatch.delenv("PORTO_SOCKET")
    assert porto.Connection().rpc.socket_path == "/run/portod.socket"
