"""Hostile and vanishing clients: the daemon lives on and answers the next
client (protocol.md 1.8)."""

import os
import random
import socket
import time

from .util import RawConn, frame, request, start, varint


def assert_alive(pd):
    rsp = pd.raw_call("version")
    assert rsp.error == 0 and rsp.version.tag


def test_random_garbage(portod):
    rng = random.Random(4242)
    for i in range(60):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(portod.socket)
        try:
            s.sendall(data)
        except OSError:
            pass
        if i % 2:
            time.sleep(0.01)
        s.close()
    assert_alive(portod)


def test_garbage_framed(portod):
    """Well-framed payloads with random bytes: parse errors close the
    connection, parsable ones get a reply; never a crash."""
    rng = random.Random(777)
    for _ in range(100):
        payload = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 64)))
        with RawConn(portod.socket, timeout=0.5) as rc:
            rc.send_bytes(frame(payload))
            try:
                rc.recv()
            except Exception:  # noqa: BLE001 - closing is fine too
                pass
    assert_alive(portod)


def test_mutated_valid_requests(portod):
    rng = random.Random(99)
    bases = [request("create", name="rb-mut").SerializeToString(),
             request("setProperty", name="rb-mut", property="command", value="true").SerializeToString(),
             request("get", name=["rb-mut", "***"], variable=["state", "stdout[:10]"]).SerializeToString(),
             request("wait", name=["rb-mut"], timeout_ms=10).SerializeToString(),
             request("SetLabel", name="rb-mut", label="TEST.a", value="1").SerializeToString()]
    for _ in range(200):
        data = bytearray(rng.choice(bases))
        for _ in range(rng.randrange(1, 4)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        with RawConn(portod.socket, timeout=0.5) as rc:
            rc.send_bytes(frame(bytes(data)))
            try:
                rc.recv()
            except Exception:  # noqa: BLE001
                pass
    assert_alive(portod)
    # clean up whatever the mutations created (names may be garbage too)
    for n in portod.list_names():
        if n != "/":
            portod.raw_call("destroy", name=n)


def test_disconnect_mid_frame(portod):
    data = frame(request("create", name="rb-half").SerializeToString())
    for cut in (1, 2, 5, len(data) - 1):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(portod.socket)
        s.sendall(data[:cut])
        s.close()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(portod.socket)
    s.sendall(varint(1000) + b"\x00" * 10)   # promises more than it sends
    s.close()
    assert_alive(portod)
    assert "rb-half" not in portod.list_names()


def test_disconnect_right_after_request(portod):
    """A client that writes a request and closes at once: whatever the
    daemon decides about that request, it must stay healthy."""
    for i in range(20):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(portod.socket)
        s.sendall(frame(request("create", name="rb-noreply%d" % i).SerializeToString()))
        s.close()
    assert_alive(portod)


def test_disconnect_while_request_handled(portod):
    """Peer closes while its request is being handled (a stop waiting out
    its grace period): the request still completes (protocol.md 1.8)."""
    c = portod.conn()
    start(c, "rb-stop", command="/bin/sh -c 'trap \"\" TERM; sleep 1000'")
    time.sleep(0.3)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(portod.socket)
    s.sendall(frame(request("stop", name="rb-stop", timeout_ms=1000).SerializeToString()))
    time.sleep(0.2)
    s.close()
    deadline = time.monotonic() + 10
    while c.GetProperty("rb-stop", "state") != "stopped" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert c.GetProperty("rb-stop", "state") == "stopped"
    assert_alive(portod)


def test_disconnect_during_sync_wait(portod):
    c = portod.conn()
    start(c, "rb-wait", command="sleep 1000")
    for _ in range(5):
        rc = RawConn(portod.socket)
        rc.send(request("wait", name=["rb-wait"]))
        time.sleep(0.05)
        rc.close()
    c.Kill("rb-wait", 9)       # would complete the (gone) waiters
    c.WaitContainers(["rb-wait"], timeout=10)
    assert_alive(portod)


def test_disconnect_with_async_subscription(portod):
    c = portod.conn()
    rc = RawConn(portod.socket)
    assert rc.call(request("AsyncWait", name=["***"])).error == 0
    rc.close()
    for i in range(5):
        c.Create("rb-async%d" % i)   # events for a closed subscriber
    assert_alive(portod)


def test_slow_reader_with_many_events(portod):
    """A subscriber that never reads while many events are produced."""
    c = portod.conn()
    rc = RawConn(portod.socket)
    assert rc.call(request("AsyncWait", name=["***"])).error == 0
    t0 = time.monotonic()
    for i in range(100):
        c.Create("rb-ev%d" % i)
        c.SetProperty("rb-ev%d" % i, "private", "x" * 1000)
        c.Destroy("rb-ev%d" % i)
    assert time.monotonic() - t0 < 30, "a non-reading subscriber must not stall the daemon"
    rc.close()
    assert_alive(portod)


def test_many_connections(portod):
    socks = []
    try:
        for _ in range(100):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(portod.socket)
            socks.append(s)
        for s in socks[::10]:
            s.settimeout(5)
            s.sendall(frame(request("version").SerializeToString()))
        for s in socks[::10]:
            assert s.recv(1)
    finally:
        for s in socks:
            s.close()
    assert_alive(portod)


def test_client_from_forked_process(portod):
    c = portod.conn()
    c.Version()
    pid = os.fork()
    if pid == 0:
        try:
            ok = c.GetProperty("/", "absolute_name") == "/"
            os._exit(0 if ok else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert c.GetProperty("/", "absolute_name") == "/"


def test_large_legal_frame(portod):
    """An 8 MiB request (below max_msg_len) is read and answered."""
    portod.raw_call("create", name="rb-big")
    with RawConn(portod.socket, timeout=20) as rc:
        rsp = rc.call(request("setProperty", name="rb-big", property="private",
                              value="x" * (8 << 20)))
        assert rsp.error == 7, rsp.errorMsg     # InvalidValue: private is 4096 bytes max
        assert rc.call(request("version")).error == 0


def test_concurrent_clients(portod):
    """Several clients hammering the daemon at once."""
    import threading
    errors = []

    def worker(k):
        try:
            c = portod.conn()
            for i in range(15):
                name = "rb-conc%d-%d" % (k, i)
                c.Create(name)
                c.SetProperty(name, "command", "true")
                c.Start(name)
                c.WaitContainers([name], timeout=10)
                assert c.GetProperty(name, "exit_code") == "0"
                c.Destroy(name)
        except BaseException as exc:  # noqa: BLE001
            errors.append((k, repr(exc)))
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(50)
    assert not errors, errors
    assert not [n for n in portod.list_names() if n.startswith("rb-conc")]
