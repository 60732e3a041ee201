"""Wire-level behaviour (protocol.md 1.2-1.9, 11): framing, the reply
envelope, malformed input. Uses a raw socket, not the Python package."""

import time

from .util import EError, frame, request, varint

SUCCESS = EError.Value("Success")


def code(name):
    return EError.Value(name)


def assert_alive(pd):
    rsp = pd.raw_call("version")
    assert rsp.error == SUCCESS, rsp
    assert rsp.version.tag


def test_version_bytes_and_envelope(portod):
    with portod.raw() as rc:
        rc.send_bytes(b"\x02\x72\x00")  # protocol.md 11: the minimal request
        rsp = rc.recv()
    assert rsp.HasField("error") and rsp.error == SUCCESS
    assert rsp.HasField("errorMsg") and rsp.errorMsg == ""
    assert rsp.HasField("timestamp")
    assert abs(rsp.timestamp - time.time()) < 60
    assert rsp.version.tag
    assert rsp.version.HasField("revision")
    assert not rsp.HasField("AsyncWait")


def test_error_reply_envelope(portod):
    rsp = portod.raw_call("getProperty", name="proto-nonexistent", property="state")
    assert rsp.HasField("error") and rsp.error == code("ContainerDoesNotExist")
    assert rsp.HasField("errorMsg") and rsp.errorMsg != ""
    assert rsp.HasField("timestamp")


def test_success_reply_without_payload_has_envelope(portod):
    rsp = portod.raw_call("create", name="proto-env")
    assert rsp.HasField("error") and rsp.error == SUCCESS
    assert rsp.HasField("errorMsg") and rsp.errorMsg == ""
    rsp = portod.raw_call("destroy", name="proto-env")
    assert rsp.HasField("error") and rsp.error == SUCCESS
    assert rsp.HasField("errorMsg")


def test_empty_request_is_invalid_method(portod):
    with portod.raw() as rc:
        rc.send_bytes(b"\x00")  # zero-length payload: legal frame, no method
        rsp = rc.recv()
        assert rsp.error == code("InvalidMethod")
        assert rsp.HasField("errorMsg")
        # the connection stays usable
        assert rc.call(request("version")).error == SUCCESS


def test_unknown_top_level_method(portod):
    # field 999, empty length-delimited: no known method at all
    payload = varint((999 << 3) | 2) + b"\x00"
    with portod.raw() as rc:
        rc.send_bytes(frame(payload))
        rsp = rc.recv()
        assert rsp.error in (code("InvalidMethod"), code("NotSupported")), rsp
        assert rc.call(request("version")).error == SUCCESS


def test_unknown_top_level_field_next_to_known_method_is_ignored(portod):
    payload = request("version").SerializeToString() + varint((999 << 3) | 2) + b"\x00"
    with portod.raw() as rc:
        rc.send_bytes(frame(payload))
        rsp = rc.recv()
    assert rsp.error == SUCCESS, rsp
    assert rsp.version.tag


def test_two_methods_invalid_method(portod):
    req = request("version")
    req.list.SetInParent()
    with portod.raw() as rc:
        rsp = rc.call(req)
        assert rsp.error == code("InvalidMethod"), rsp
        assert rc.call(request("version")).error == SUCCESS


def test_unknown_field_inside_method_invalid_method(portod):
    inner = varint((99 << 3) | 0) + b"\x01"   # version { 99: 1 }
    payload = b"\x72" + varint(len(inner)) + inner
    with portod.raw() as rc:
        rc.send_bytes(frame(payload))
        rsp = rc.recv()
        assert rsp.error == code("InvalidMethod"), rsp
        assert rc.call(request("version")).error == SUCCESS


def test_unknown_field_inside_list_invalid_method(portod):
    inner = varint((77 << 3) | 2) + b"\x01x"
    payload = b"\x1a" + varint(len(inner)) + inner   # list (3) { 77: "x" }
    with portod.raw() as rc:
        rc.send_bytes(frame(payload))
        rsp = rc.recv()
    assert rsp.error == code("InvalidMethod"), rsp


def test_oversized_length_closes_connection(portod):
    with portod.raw() as rc:
        rc.send_bytes(varint(32 * 1024 * 1024 + 1))
        assert rc.is_closed_by_peer(5.0), "daemon must close on declared length > max_msg_len"
    assert_alive(portod)


def test_huge_varint_closes_connection(portod):
    with portod.raw() as rc:
        rc.send_bytes(b"\xff" * 10 + b"\x01")
        assert rc.is_closed_by_peer(5.0)
    assert_alive(portod)


def test_unparsable_payload_closes_connection(portod):
    with portod.raw() as rc:
        rc.send_bytes(frame(b"\xff\xff\xff\xff"))
        assert rc.is_closed_by_peer(5.0)
    assert_alive(portod)


def test_missing_required_field_closes_connection(portod):
    with portod.raw() as rc:
        rc.send_bytes(frame(b"\x0a\x00"))   # create {} without the required name
        assert rc.is_closed_by_peer(5.0)
    assert_alive(portod)


def test_frame_split_byte_by_byte(portod):
    data = frame(request("getProperty", name="/", property="absolute_name").SerializeToString())
    with portod.raw() as rc:
        for b in data:
            rc.send_bytes(bytes([b]))
            time.sleep(0.005)
        rsp = rc.recv()
    assert rsp.error == SUCCESS, rsp
    assert rsp.getProperty.value == "/"


def test_pipelined_requests_answered_in_order(portod):
    reqs = [request("version"),
            request("getProperty", name="proto-none", property="state"),
            request("list"),
            request("create", name="proto-pipe"),
            request("getProperty", name="proto-pipe", property="state")]
    with portod.raw() as rc:
        rc.send_bytes(b"".join(frame(r.SerializeToString()) for r in reqs))
        rsps = [rc.recv() for _ in reqs]
    assert rsps[0].error == SUCCESS and rsps[0].version.tag
    assert rsps[1].error == code("ContainerDoesNotExist")
    assert rsps[2].error == SUCCESS and rsps[2].HasField("list")
    assert rsps[3].error == SUCCESS
    assert rsps[4].error == SUCCESS and rsps[4].getProperty.value == "stopped"


def test_get_value_error_field_absent_on_success(portod):
    portod.raw_call("create", name="proto-get")
    rsp = portod.raw_call("get", name=["proto-get", "proto-missing"], variable=["state", "no_such_property"])
    assert rsp.error == SUCCESS
    entries = {e.name: e for e in rsp.get.list}
    assert set(entries) == {"proto-get", "proto-missing"}
    ok = entries["proto-get"]
    assert ok.HasField("change_time")
    kv = {k.variable: k for k in ok.keyval}
    assert [k.variable for k in ok.keyval] == ["state", "no_such_property"]
    assert not kv["state"].HasField("error"), "error must be absent on success"
    assert kv["state"].value == "stopped"
    assert kv["no_such_property"].error == code("InvalidProperty")
    assert kv["no_such_property"].errorMsg
    assert not kv["no_such_property"].HasField("value")
    missing = entries["proto-missing"]
    assert not missing.HasField("change_time")
    assert [k.error for k in missing.keyval] == [code("ContainerDoesNotExist")] * 2


def test_property_list_via_raw(portod):
    rsp = portod.raw_call("propertyList")
    assert rsp.error == SUCCESS
    names = [e.name for e in rsp.propertyList.list]
    assert names == sorted(names)
    assert len(names) > 30
    for e in rsp.propertyList.list:
        assert e.desc.strip(), "property %s has no help text" % e.name
    ro = {e.name: e.read_only for e in rsp.propertyList.list}
    for p in ("state", "root_pid", "exit_code", "id", "absolute_name", "parent", "level"):
        assert ro.get(p) is True, p
    for p in ("command", "env", "user", "private", "respawn"):
        assert ro.get(p) is False, p
    for e in rsp.propertyList.list:
        if e.read_only:
            assert e.desc.rstrip().endswith("(ro)") or "(ro)" in e.desc, e


def test_data_list(portod):
    rsp = portod.raw_call("dataList")
    assert rsp.error == SUCCESS
    names = [e.name for e in rsp.dataList.list]
    assert "state" in names and "exit_code" in names
    assert "command" not in names
    assert all(e.desc for e in rsp.dataList.list)


def test_get_data_alias(portod):
    portod.raw_call("create", name="proto-gd")
    rsp = portod.raw_call("getData", name="proto-gd", data="state")
    assert rsp.error == SUCCESS
    assert rsp.getData.value == "stopped"


def test_wait_without_names_invalid_value(portod):
    rsp = portod.raw_call("wait", timeout_ms=100)
    assert rsp.error == code("InvalidValue"), rsp


def test_wait_reply_uses_wait_field(portod):
    portod.raw_call("create", name="proto-w")
    rsp = portod.raw_call("wait", name=["proto-w"], timeout_ms=1000)
    assert rsp.error == SUCCESS
    assert rsp.HasField("wait") and not rsp.HasField("AsyncWait")
    assert rsp.wait.name == "proto-w"
    assert rsp.wait.state == "stopped"
    assert abs(rsp.wait.when - time.time()) < 60


def test_wait_nonexistent_names_the_offender(portod):
    portod.raw_call("create", name="proto-w2")
    rsp = portod.raw_call("wait", name=["proto-w2", "proto-w-none"], timeout_ms=100)
    assert rsp.error == code("ContainerDoesNotExist")
    assert rsp.wait.name == "proto-w-none"


def test_async_wait_snapshot_before_reply_and_one_shot(portod):
    portod.raw_call("create", name="proto-aw")
    with portod.raw() as rc:
        rc.send(request("AsyncWait", name=["proto-aw"], timeout_ms=0))
        frames = []
        while True:
            rsp = rc.recv()
            frames.append(rsp)
            if not rsp.HasField("AsyncWait"):
                break
            if len(frames) > 10:
                break
        reply = frames[-1]
        events = [f for f in frames[:-1]]
        assert reply.error == SUCCESS and not reply.HasField("AsyncWait")
        assert events, "snapshot event must precede the reply"
        ev = events[0]
        assert ev.AsyncWait.name == "proto-aw" and ev.AsyncWait.state == "stopped"
        assert ev.error == SUCCESS
        assert not ev.HasField("errorMsg") and not ev.HasField("timestamp")
        # timeout_ms = 0: a timeout event follows right away (maybe already
        # before the reply), and no subscription stays.
        states = [e.AsyncWait.state for e in events]
        if "timeout" not in states:
            ev2 = rc.recv()
            assert ev2.AsyncWait.state == "timeout" and ev2.AsyncWait.name == ""
        # No subscription: changes produce no more events.
        late = []
        assert rc.call(request("setProperty", name="proto-aw", property="private", value="x"),
                       events=late).error == SUCCESS
        assert rc.call(request("destroy", name="proto-aw"), events=late).error == SUCCESS
        assert rc.call(request("version"), events=late).version.tag
        assert late == [], "events after a one-shot AsyncWait: %s" % late


def test_async_wait_events_arrive_unsolicited(portod):
    """A subscriber that sends nothing still receives events (1.4)."""
    with portod.raw() as rc:
        rsp = rc.call(request("AsyncWait", name=["proto-aw2"]))
        assert rsp.error == SUCCESS
        portod.raw_call("create", name="proto-aw2")
        rc.sock.settimeout(5)
        ev = rc.recv()
        assert ev.HasField("AsyncWait")
        assert ev.AsyncWait.name == "proto-aw2" and ev.AsyncWait.state == "stopped"
        portod.raw_call("destroy", name="proto-aw2")
        ev = rc.recv()
        assert ev.AsyncWait.name == "proto-aw2" and ev.AsyncWait.state == "destroyed"
