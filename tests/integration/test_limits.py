"""Daemon limits from the configuration (protocol.md 1.2, 1.6; issue 5):
daemon.max_clients, daemon.max_clients_in_container, client_idle_timeout,
daemon.max_msg_len. (container.max_total is in test_config.py.)

A connection over a client limit is accepted and closed at once, without a
reply (1.6), unless an idle one can be closed instead; a request over
max_msg_len closes its connection without a reply (1.2). Super-users get
100 more connections, so the clients here run as `nobody`."""

import socket

from . import util
from .test_engine_extra import as_user, private  # noqa: F401 - `private` is a fixture
from .util import ConnectionClosed, EError, RawConn, request

NOBODY = 65534


def limits_config(**daemon):
    return "daemon {\n%s}\n" % "".join("    %s: %d\n" % kv for kv in daemon.items())


def works(sock, rc=None):
    """True if a version call over rc (or a new connection) is answered."""
    try:
        own = rc is None
        rc = rc or RawConn(sock, 5.0)
        try:
            return rc.call(request("version")).error == 0
        finally:
            if own:
                rc.close()
    except (ConnectionClosed, OSError, socket.timeout):
        return False


def open_until_refused(sock, most=10):
    """Open connections (each answered once) until one is refused; returns
    (how many were served, whether the first ones still work)."""
    held = []
    try:
        for _ in range(most):
            rc = RawConn(sock, 5.0)
            if not works(sock, rc):
                rc.close()
                break
            held.append(rc)
        return len(held), all(works(sock, rc) for rc in held)
    finally:
        for rc in held:
            rc.close()


def test_max_clients_total(private):
    d = private(limits_config(max_clients=3, max_clients_in_container=50, client_idle_timeout=1000))
    sock = d.socket
    served, still = as_user(NOBODY, NOBODY, [], lambda: open_until_refused(sock))
    assert (served, still) == (3, True)
    # the refused one did not take a slot: after they closed, room again
    assert as_user(NOBODY, NOBODY, [], lambda: open_until_refused(sock))[0] == 3

    def with_three_held():
        held = [RawConn(sock, 5.0) for _ in range(3)]
        try:
            assert all(works(sock, rc) for rc in held)
            return works(sock)
        finally:
            for rc in held:
                rc.close()
    # nobody's 4th fails; a super-user has 100 more (1.6)
    assert as_user(NOBODY, NOBODY, [], with_three_held) is False
    assert works(sock)
    assert "too many connections (max_clients), refused" in d.read_logs()
    assert d.alive()


def test_max_clients_in_container(private):
    d = private(limits_config(max_clients=50, max_clients_in_container=2, client_idle_timeout=1000))
    sock = d.socket
    served, still = as_user(NOBODY, NOBODY, [], lambda: open_until_refused(sock))
    assert (served, still) == (2, True)
    assert "too many connections (max_clients_in_container), refused" in d.read_logs()
    assert works(sock) and d.alive()


def test_idle_connection_makes_room(private):
    d = private(limits_config(max_clients=2, client_idle_timeout=1))
    sock = d.socket

    def child():
        import time
        a, b = RawConn(sock, 5.0), RawConn(sock, 5.0)
        assert works(sock, a) and works(sock, b)
        time.sleep(0.6)
        assert works(sock, b)        # b active again, a stays idle
        time.sleep(0.8)              # a idle > 1 s, b not
        c = RawConn(sock, 5.0)
        got = {"new": works(sock, c), "a_closed": a.is_closed_by_peer(3.0), "b": works(sock, b)}
        for rc in (a, b, c):
            rc.close()
        return got

    assert as_user(NOBODY, NOBODY, [], child) == {"new": True, "a_closed": True, "b": True}
    assert "closing idle connection" in d.read_logs()


def test_max_msg_len_closes_the_connection(private):
    d = private(limits_config(max_msg_len=4096))
    ok = util.raw_call(d.socket, "create", name="m" * 100)
    assert ok.error == 0
    big = request("setProperty", name="m" * 100, property="private", value="x" * 5000)
    with RawConn(d.socket, 5.0) as rc:
        rc.send(big)
        assert rc.is_closed_by_peer(5.0), "a request over max_msg_len must close the connection"
    small = request("setProperty", name="m" * 100, property="private", value="y" * 3000)
    with RawConn(d.socket, 5.0) as rc:
        assert rc.call(small).error == 0
    rsp = util.raw_call(d.socket, "getProperty", name="m" * 100, property="private")
    assert rsp.getProperty.value == "y" * 3000
    assert "max_msg_len 4096, closing" in d.read_logs() or "exceeds max_msg_len 4096" in d.read_logs()
    assert EError.Name(util.raw_call(d.socket, "destroy", name="m" * 100).error) == "Success"
