"""Connection methods: the request each one sends and what it returns."""

import signal

import pytest

import porto
from porto import exceptions, rpc_pb2
from porto.api import (Container, Layer, MetaStorage, Property, Storage,
                       Volume, VolumeLink)

from fakeportod import FakePortod, method_of


def fields(msg):
    """Present fields of a message as {name: value} (sub-messages as dicts)."""
    return porto.api._decode_message(msg)


# ---- containers ----

def test_list(server, conn):
    server.responses["list"] = lambda q, r: r.list.name.extend(["a", "a/b"])
    assert conn.List() == ["a", "a/b"]
    assert fields(server.last()) == {"list": {}}
    cts = conn.ListContainers("a*")
    assert [c.name for c in cts] == ["a", "a/b"] and all(type(c) is Container for c in cts)
    assert fields(server.last()) == {"list": {"mask": "a*"}}


def test_create_destroy_find(server, conn):
    ct = conn.Create("a")
    assert type(ct) is Container and ct.name == "a" and ct.conn is conn
    assert fields(server.last()) == {"create": {"name": "a"}}
    conn.Create("b", weak=True)
    assert fields(server.last()) == {"createWeak": {"name": "b"}}
    conn.CreateWeakContainer("c")
    assert fields(server.last()) == {"createWeak": {"name": "c"}}
    conn.Destroy(ct)
    assert fields(server.last()) == {"destroy": {"name": "a"}}
    conn.Destroy("x")
    assert fields(server.last()) == {"destroy": {"name": "x"}}
    server.responses["getProperty"] = lambda q, r: setattr(r.getProperty, "value", "stopped")
    assert conn.Find("a").name == "a"
    assert fields(server.last()) == {"getProperty": {"name": "a", "property": "state",
                                                     "sync": False}}


def test_find_missing(tmp_path):
    srv = FakePortod(str(tmp_path / "s"), lambda ctx, q: ctx.reply(
        error=rpc_pb2.ContainerDoesNotExist, msg="container x not found"))
    try:
        with pytest.raises(exceptions.ContainerDoesNotExist):
            porto.Connection(socket_path=srv.path).Find("x")
    finally:
        srv.stop()


def test_start_stop_kill_pause_resume(server, conn):
    conn.Start("a")
    assert fields(server.last()) == {"start": {"name": "a"}}
    conn.Stop("a")
    assert fields(server.last()) == {"stop": {"name": "a"}}
    conn.Stop("a", 5)
    assert fields(server.last()) == {"stop": {"name": "a", "timeout_ms": 5000}}
    conn.Stop("a", 0.25)  # float: failed in the original (quirk 11.6)
    assert server.last().stop.timeout_ms == 250
    conn.Stop("a", -1)
    assert not server.last().stop.HasField("timeout_ms")
    conn.Kill("a", 9)
    assert fields(server.last()) == {"kill": {"name": "a", "sig": 9}}
    conn.Kill("a", signal.SIGTERM)
    assert server.last().kill.sig == 15
    conn.Pause("a")
    assert fields(server.last()) == {"pause": {"name": "a"}}
    conn.Resume("a")
    assert fields(server.last()) == {"resume": {"name": "a"}}


def test_run_sequence(server, conn):
    def create_volume(q, r):
        r.volume.path = "/place/porto_volumes/1/volume"

    server.responses["createVolume"] = create_volume
    ct = conn.Run("a", command="sleep 1", memory_limit=1 << 20, isolate=False,
                  private_value="pv", root_volume={"backend": "plain"}, weak=False)
    assert ct.name == "a"
    reqs = [fields(r) for _, r in server.requests]
    assert reqs == [
        {"createWeak": {"name": "a"}},
        {"setProperty": {"name": "a", "property": "command", "value": "sleep 1"}},
        {"setProperty": {"name": "a", "property": "memory_limit", "value": "1048576"}},
        {"setProperty": {"name": "a", "property": "isolate", "value": "false"}},
        {"setProperty": {"name": "a", "property": "private", "value": "pv"}},
        {"createVolume": {"properties": [{"name": "containers", "value": "a"},
                                         {"name": "backend", "value": "plain"}]}},
        {"setProperty": {"name": "a", "property": "root",
                         "value": "/place/porto_volumes/1/volume"}},
        {"start": {"name": "a"}},
        {"setProperty": {"name": "a", "property": "weak", "value": "false"}},
    ]


def test_run_waits(server, conn):
    server.responses["wait"] = lambda q, r: setattr(r.wait, "name", "a")
    conn.Run("a", wait=2)
    assert server.methods() == ["createWeak", "start", "wait"]
    assert server.last().wait.timeout_ms == 2000


def test_run_destroys_on_failure(tmp_path):
    def handler(ctx, q):
        if method_of(q) == "start":
            ctx.reply(error=rpc_pb2.InvalidCommand, msg="bad command")
        elif method_of(q) == "destroy":
            ctx.reply(error=rpc_pb2.ContainerDoesNotExist, msg="gone")
        else:
            ctx.reply()

    srv = FakePortod(str(tmp_path / "s"), handler)
    try:
        c = porto.Connection(socket_path=srv.path)
        with pytest.raises(exceptions.InvalidCommand, match="bad command"):
            c.Run("a", command="x")
        assert srv.methods() == ["createWeak", "setProperty", "start", "destroy"]
    finally:
        srv.stop()


def test_specs(server, conn):
    def list_by(q, r):
        for f in q.ListContainersBy.filters:
            ct = r.ListContainersBy.containers.add()
            ct.spec.name = f.name
            ct.status.state = "running"

    server.responses["ListContainersBy"] = list_by
    specs = conn.GetContainersSpecs(["a", "b"])
    assert [s.spec.name for s in specs] == ["a", "b"]
    assert fields(server.last()) == {"ListContainersBy": {"filters": [{"name": "a"},
                                                                      {"name": "b"}]}}
    ct = Container(conn, "a")
    assert ct.Dump().status.state == "running"

    server.responses["ListContainersBy"] = None
    with pytest.raises(exceptions.ContainerDoesNotExist):
        ct.Dump()

    spec = rpc_pb2.TContainerSpec(name="other", command="true", memory_limit=5)
    ct.LoadSpec(spec)
    assert fields(server.last()) == {"UpdateFromSpec": {"container": {
        "name": "a", "command": "true", "memory_limit": 5}}}
    assert spec.name == "other"  # caller's message untouched
    conn.SetSpec(spec)
    assert server.last().UpdateFromSpec.container.name == "other"

    ct2 = conn.CreateSpec(spec, start=True)
    assert ct2.name == "other"
    assert fields(server.last()) == {"CreateFromSpec": {
        "container": {"name": "other", "command": "true", "memory_limit": 5},
        "start": True}}
    # volume= works (quirk 11.4): a TVolumeSpec, a dict or a list of them
    conn.CreateSpec(spec, volume=rpc_pb2.TVolumeSpec(backend="plain"))
    assert fields(server.last().CreateFromSpec)["volumes"] == [{"backend": "plain"}]
    conn.CreateSpec(spec, volume=[{"backend": "bind"}, {"path": "/x"}])
    assert fields(server.last().CreateFromSpec)["volumes"] == [{"backend": "bind"},
                                                               {"path": "/x"}]


# ---- properties ----

def test_get_set_property(server, conn):
    values = {"a": "true", "b": "false", "c": "1", "d": "True"}
    server.responses["getProperty"] = lambda q, r: setattr(
        r.getProperty, "value", values[q.getProperty.property])
    assert conn.GetProperty("x", "a") is True
    assert conn.GetProperty("x", "b") is False
    assert conn.GetProperty("x", "c") == "1"
    assert conn.GetProperty("x", "d") == "True"
    conn.GetProperty("x", "a", sync=True)
    assert fields(server.last()) == {"getProperty": {"name": "x", "property": "a",
                                                     "sync": True}}
    server.responses["getData"] = lambda q, r: setattr(r.getData, "value", "false")
    assert conn.GetData("x", "d") is False
    assert fields(server.last()) == {"getData": {"name": "x", "data": "d", "sync": False}}

    for value, wire in [(True, "true"), (False, "false"), (None, ""), (12, "12"),
                        ("s", "s"), (1.5, "1.5")]:
        conn.SetProperty("x", "p", value)
        assert fields(server.last()) == {"setProperty": {"name": "x", "property": "p",
                                                         "value": wire}}
    conn.Set("x", a=1, b=True)
    assert [fields(r)["setProperty"]["value"] for r in server.all("setProperty")[-2:]] == \
        ["1", "true"]


def test_get_multi(server, conn):
    def get(q, r):
        for name in q.get.name:
            entry = r.get.list.add(name=name)
            for var in q.get.variable:
                kv = entry.keyval.add(variable=var)
                if name == "missing":
                    kv.error = rpc_pb2.ContainerDoesNotExist
                    kv.errorMsg = "container missing not found"
                elif var == "weak":
                    kv.value = "true"
                else:
                    kv.value = name + "." + var

    server.responses["get"] = get
    res = conn.Get(["a", "missing"], ["state", "weak"])
    assert res["a"] == {"state": "a.state", "weak": True}
    err = res["missing"]["state"]
    assert type(err) is exceptions.ContainerDoesNotExist
    assert err.message == "container missing not found"
    assert fields(server.last()) == {"get": {"name": ["a", "missing"],
                                             "variable": ["state", "weak"], "sync": False}}
    conn.Get(["a"], ["state"], nonblock=True, sync=True)
    assert fields(server.last()) == {"get": {"name": ["a"], "variable": ["state"],
                                             "nonblock": True, "sync": True}}
    # a present error field counts as failure even when it says Success
    server.responses["get"] = lambda q, r: r.get.list.add(name="a").keyval.add(
        variable="x", error=rpc_pb2.Success, value="v")
    assert type(conn.Get(["a"], ["x"])["a"]["x"]) is exceptions.Success
    ct = Container(conn, "a")
    server.responses["get"] = get
    assert ct.Get(["state"]) == {"state": "a.state"}


def test_property_lists(server, conn):
    def plist(q, r):
        r.propertyList.list.add(name="command", desc="cmd", read_only=False, dynamic=False)
        r.propertyList.list.add(name="state", desc="st", read_only=True, dynamic=True)

    server.responses["propertyList"] = plist
    server.responses["dataList"] = lambda q, r: r.dataList.list.add(name="state", desc="st")
    server.responses["listVolumeProperties"] = lambda q, r: \
        r.volumePropertyList.properties.add(name="backend", desc="b")
    props = conn.ContainerProperties()
    assert list(props) == ["command", "state"]
    p = props["state"]
    assert type(p) is Property and (p.name, p.desc, p.read_only, p.dynamic) == \
        ("state", "st", True, True)
    assert str(p) == "state" and "st" in repr(p)
    assert conn.Plist() == ["command", "state"]
    assert conn.Dlist() == ["state"]
    assert conn.Vlist() == ["backend"]
    vp = conn.VolumeProperties()["backend"]
    assert (vp.name, vp.desc, vp.read_only, vp.dynamic) == ("backend", "b", False, False)


# ---- waiting ----

def test_wait_containers(server, conn):
    server.responses["wait"] = lambda q, r: setattr(r.wait, "name", q.wait.name[0])
    assert conn.WaitContainers(["a", Container(conn, "b")]) == "a"
    assert fields(server.last()) == {"wait": {"name": ["a", "b"]}}
    conn.WaitContainers(["a"], timeout=1.5)
    assert server.last().wait.timeout_ms == 1500
    conn.WaitContainers(["a"], timeout=-1)
    assert not server.last().wait.HasField("timeout_ms")
    # labels work (quirk 11.3)
    conn.WaitContainers(["a"], labels=["FOO.*"])
    assert list(server.last().wait.label) == ["FOO.*"]
    assert Container(conn, "a").WaitContainer(3) == "a"
    assert server.last().wait.timeout_ms == 3000


def test_wait_timeouts(server, conn):
    server.responses["wait"] = lambda q, r: (setattr(r.wait, "name", ""),
                                             setattr(r.wait, "state", "timeout"))
    with pytest.raises(exceptions.WaitContainerTimeout, match="Timeout 0.1 exceeded"):
        conn.WaitContainers(["a"], timeout=0.1)
    # legacy Wait: milliseconds, "" on timeout, timeout_s wins
    assert conn.Wait(["a"], timeout=250) == ""
    assert server.last().wait.timeout_ms == 250
    assert conn.Wait(["a"], timeout=250, timeout_s=2) == ""
    assert server.last().wait.timeout_ms == 2000
    assert Container(conn, "a").Wait(timeout=10) == ""
    assert server.last().wait.timeout_ms == 10
    with pytest.raises(exceptions.WaitContainerTimeout):
        conn.WaitLabels(["a"], ["FOO.x"], timeout=0)


def test_wait_labels(server, conn):
    def wait(q, r):
        r.wait.name, r.wait.state, r.wait.when = "a", "running", 42
        r.wait.label, r.wait.value = "FOO.x", "1"

    server.responses["wait"] = wait
    assert conn.WaitLabels(["a"], ["FOO.*"], timeout=1) == {
        "when": 42, "name": "a", "state": "running", "label": "FOO.x", "value": "1"}
    assert fields(server.last()) == {"wait": {"name": ["a"], "label": ["FOO.*"],
                                              "timeout_ms": 1000}}


def test_async_wait_request(server, conn):
    conn.AsyncWait(["a"], lambda **kw: None)
    assert fields(server.last()) == {"AsyncWait": {"name": ["a"]}}
    conn.AsyncWait(["a"], lambda **kw: None, timeout=2, labels=["X.y"])
    assert fields(server.last()) == {"AsyncWait": {"name": ["a"], "timeout_ms": 2000,
                                                   "label": ["X.y"]}}


# ---- labels ----

def test_labels(server, conn):
    server.responses["FindLabel"] = lambda q, r: r.FindLabel.list.add(
        name="a", state="running", label="FOO.x", value="1")
    assert conn.FindLabel("FOO.*") == [{"name": "a", "state": "running",
                                        "label": "FOO.x", "value": "1"}]
    assert fields(server.last()) == {"FindLabel": {"label": "FOO.*"}}
    conn.FindLabel("FOO.x", mask="a*", state="running", value="1")
    assert fields(server.last()) == {"FindLabel": {"label": "FOO.x", "mask": "a*",
                                                   "state": "running", "value": "1"}}
    server.responses["getProperty"] = lambda q, r: setattr(r.getProperty, "value", "true")
    assert conn.GetLabel(Container(conn, "a"), "FOO.x") is True
    assert fields(server.last())["getProperty"]["property"] == "FOO.x"
    conn.SetLabel("a", "FOO.x", "2")
    assert fields(server.last()) == {"SetLabel": {"name": "a", "label": "FOO.x",
                                                  "value": "2"}}
    conn.SetLabel(Container(conn, "a"), "FOO.x", "3", prev_value="2", state="running")
    assert fields(server.last()) == {"SetLabel": {"name": "a", "label": "FOO.x",
                                                  "value": "3", "prev_value": "2",
                                                  "state": "running"}}
    server.responses["IncLabel"] = lambda q, r: setattr(r.IncLabel, "result", 10 + q.IncLabel.add)
    assert conn.IncLabel("a", "FOO.n") == 11
    assert fields(server.last()) == {"IncLabel": {"name": "a", "label": "FOO.n", "add": 1}}
    assert Container(conn, "a").IncLabel("FOO.n", -5) == 5
    Container(conn, "a").SetLabel("FOO.y", "v")
    assert server.last().SetLabel.label == "FOO.y"


# ---- volumes ----

def volume_description(desc, path="/v"):
    desc.path = path
    desc.containers.extend(["a", "b"])
    for name, value in [("backend", "overlay"), ("place", "/place"),
                        ("layers", "l1;l2"), ("storage", "st"), ("read_only", "true"),
                        ("space_limit", "1024"), ("private", "pv"), ("state", "ready"),
                        ("owner_container", "a"), ("owner_user", "root"),
                        ("id", "7"), ("inode_used", "")]:
        desc.properties.add(name=name, value=value)
    desc.links.add(container="a", target="/mnt", read_only=True, required=False)
    desc.links.add(container="b")


def test_create_volume(server, conn):
    server.responses["createVolume"] = lambda q, r: volume_description(r.volume, "/auto")
    v = conn.CreateVolume(layers=["l1", Layer(conn, "l2")], storage=Storage(conn, "st", None),
                          private_value="pv", backend="overlay")
    assert type(v) is Volume and v.path == "/auto"
    assert fields(server.last()) == {"createVolume": {"properties": [
        {"name": "backend", "value": "overlay"}, {"name": "layers", "value": "l1;l2"},
        {"name": "storage", "value": "st"}, {"name": "private", "value": "pv"}]}}
    assert [c.name for c in v.containers] == ["a", "b"]
    assert v.place == "/place" and v.backend == "overlay" and v.read_only is True
    assert v.private == v.private_value == "pv" and v.state == "ready" and v.id == "7"
    assert [(l.name, l.place) for l in v.layers] == [("l1", "/place"), ("l2", "/place")]
    assert v.storage.name == "st" and v.storage.place == "/place"
    assert v.owner_container.name == "a" and v.owner_user == "root" and v.owner_group is None
    assert v.space_limit == 1024 and v.inode_limit is None and v.inode_used is None
    assert str(v) == "/auto" and repr(v) == "Volume `/auto`"

    conn.CreateVolume("/p", layers="a;b", timeout=5)
    assert fields(server.last()) == {"createVolume": {"path": "/p", "properties": [
        {"name": "layers", "value": "a;b"}]}}
    with pytest.raises(TypeError):
        conn.CreateVolume(space_limit=1)  # values must be strings


def test_volume_handles(server, conn):
    server.responses["listVolumes"] = lambda q, r: volume_description(r.volumeList.volumes.add())
    v = conn.FindVolume("/v")
    assert fields(server.last()) == {"listVolumes": {"path": "/v"}}
    assert v.GetProperty("backend") == "overlay"
    assert v["space_limit"] == 1024
    assert v.GetProperties()["place"] == "/place"
    assert [c.name for c in v.GetContainers()] == ["a", "b"]
    assert [l.name for l in v.GetLayers()] == ["l1", "l2"]
    assert conn.GetVolumeProperties("/v")["layers"] == "l1;l2"

    bare = Volume(conn, "/v")
    assert not hasattr(bare, "properties")
    bare.Update()
    assert bare.backend == "overlay"

    vols = conn.ListVolumes()
    assert [x.path for x in vols] == ["/v"]
    assert fields(server.last()) == {"listVolumes": {}}
    conn.ListVolumes(container=Container(conn, "a"))  # a filter (quirk 11.5)
    assert fields(server.last()) == {"listVolumes": {"container": "a"}}

    links = conn.ListVolumeLinks(volume=v, container="a")
    assert fields(server.last()) == {"listVolumes": {"path": "/v", "container": "a"}}
    assert len(links) == 2 and type(links[0]) is VolumeLink
    l0 = links[0]
    assert (l0.volume.path, l0.container.name, l0.target, l0.read_only, l0.required) == \
        ("/v", "a", "/mnt", True, False)
    assert "/v" in repr(l0) and "/mnt" in repr(l0)
    Container(conn, "b").ListVolumeLinks()
    assert fields(server.last()) == {"listVolumes": {"container": "b"}}
    v.ListVolumeLinks()
    assert fields(server.last()) == {"listVolumes": {"path": "/v"}}

    l0.Unlink()
    assert fields(server.last()) == {"unlinkVolume": {"path": "/v", "container": "a"}}


def test_link_unlink_tune(server, conn):
    conn.LinkVolume("/v", "a")
    assert fields(server.last()) == {"linkVolume": {"path": "/v", "container": "a"}}
    conn.LinkVolume("/v", "a", target="/mnt", read_only=True)
    assert fields(server.last()) == {"LinkVolumeTarget": {
        "path": "/v", "container": "a", "target": "/mnt", "read_only": True}}
    conn.LinkVolume("/v", "a", required=True)
    assert fields(server.last()) == {"LinkVolumeTarget": {
        "path": "/v", "container": "a", "required": True}}
    v = Volume(conn, "/v")
    v.Link()  # no container: the daemon's default (quirk 11.7)
    assert fields(server.last()) == {"linkVolume": {"path": "/v"}}
    v.Link(Container(conn, "c"), target="/t")
    assert fields(server.last()) == {"LinkVolumeTarget": {"path": "/v", "container": "c",
                                                          "target": "/t"}}

    conn.UnlinkVolume("/v")
    assert fields(server.last()) == {"unlinkVolume": {"path": "/v"}}
    conn.UnlinkVolume("/v", "a", target="/mnt", strict=True)
    assert fields(server.last()) == {"UnlinkVolumeTarget": {
        "path": "/v", "container": "a", "target": "/mnt", "strict": True}}
    v.Unlink(Container(conn, "a"), strict=False)
    assert fields(server.last()) == {"unlinkVolume": {"path": "/v", "container": "a",
                                                      "strict": False}}
    conn.DestroyVolume(v)
    assert fields(server.last()) == {"unlinkVolume": {"path": "/v", "container": "***"}}
    conn.DestroyVolume("/w", strict=True)
    assert fields(server.last()) == {"unlinkVolume": {"path": "/w", "container": "***",
                                                      "strict": True}}
    v.Destroy()
    assert fields(server.last()) == {"unlinkVolume": {"path": "/v", "container": "***"}}

    conn.TuneVolume("/v", space_limit="1G")
    assert fields(server.last()) == {"tuneVolume": {"path": "/v", "properties": [
        {"name": "space_limit", "value": "1G"}]}}
    server.responses["listVolumes"] = lambda q, r: volume_description(r.volumeList.volumes.add())
    v["inode_limit"] = "100"
    assert server.methods()[-2:] == ["tuneVolume", "listVolumes"]
    assert fields(server.all("tuneVolume")[-1]) == {"tuneVolume": {
        "path": "/v", "properties": [{"name": "inode_limit", "value": "100"}]}}


def test_new_style_volumes(server, conn):
    def new_volume(q, r):
        r.NewVolume.volume.CopyFrom(q.NewVolume.volume)
        r.NewVolume.volume.path = "/auto"
        r.NewVolume.volume.state = "ready"

    server.responses["NewVolume"] = new_volume
    spec = {"backend": "overlay", "layers": ["a", "b"], "space": {"limit": 1 << 20},
            "links": [{"container": "x", "target": "/t"}], "read_only": False,
            "directories": []}
    res = conn.NewVolume(spec)
    assert res == {"path": "/auto", "backend": "overlay", "state": "ready",
                   "layers": ["a", "b"], "read_only": False, "space": {"limit": 1 << 20},
                   "links": [{"container": "x", "target": "/t"}]}

    def get_volume(q, r):
        for p in q.GetVolume.path or ["/a", "/b"]:
            r.GetVolume.volume.add(path=p, backend="plain")

    server.responses["GetVolume"] = get_volume
    assert conn.GetVolume("/x", container="c") == {"path": "/x", "backend": "plain"}
    assert fields(server.last()) == {"GetVolume": {"container": "c", "path": ["/x"]}}
    assert [v["path"] for v in conn.GetVolumes()] == ["/a", "/b"]
    assert fields(server.last()) == {"GetVolume": {}}
    conn.GetVolumes(["/p", "/q"], container=Container(conn, "c"))
    assert fields(server.last()) == {"GetVolume": {"container": "c", "path": ["/p", "/q"]}}


# ---- layers ----

def test_layers(server, conn):
    def list_layers(q, r):
        for name in ["l1", "m/l2"]:
            r.layers.layer.append(name)
            r.layers.layers.add(name=name, owner_user="u", owner_group="g",
                                last_usage=5, private_value="p-" + name)

    server.responses["listLayers"] = list_layers
    layers = conn.ListLayers()
    assert [(l.name, l.owner_user, l.owner_group, l.last_usage, l.private_value)
            for l in layers] == [("l1", "u", "g", 5, "p-l1"), ("m/l2", "u", "g", 5, "p-m/l2")]
    assert fields(server.last()) == {"listLayers": {}}
    conn.ListLayers(place="/pl", mask="m/*")
    assert fields(server.last()) == {"listLayers": {"place": "/pl", "mask": "m/*"}}
    assert repr(layers[0]) == "Layer `l1` at `/place`" and str(layers[0]) == "l1"
    assert repr(Layer(conn, "x", "/pl")) == "Layer `x` at `/pl`"

    found = conn.FindLayer("m/l2", place="/pl")
    assert found.name == "m/l2" and found.private_value == "p-m/l2" and found.place == "/pl"
    with pytest.raises(exceptions.LayerNotFound, match="layer `nope` not found"):
        conn.FindLayer("nope")

    server.responses["listLayers"] = lambda q, r: r.layers.layer.extend(["old"])
    assert [(l.name, l.owner_user) for l in conn.ListLayers()] == [("old", None)]
    assert conn.FindLayer("old").name == "old"

    l = conn.ImportLayer("l", "/t.tgz")
    assert type(l) is Layer and l.name == "l" and l.place is None
    assert fields(server.last()) == {"importLayer": {"layer": "l", "tarball": "/t.tgz",
                                                     "merge": False}}
    conn.MergeLayer("l", "/t.tgz", place="/pl", private_value="pv", timeout=3)
    assert fields(server.last()) == {"importLayer": {
        "layer": "l", "tarball": "/t.tgz", "merge": True, "place": "/pl",
        "private_value": "pv"}}
    conn.RemoveLayer("l", place="/pl")
    assert fields(server.last()) == {"removeLayer": {"layer": "l", "place": "/pl"}}
    server.responses["getlayerprivate"] = lambda q, r: setattr(r.layer_private,
                                                               "private_value", "secret")
    assert conn.GetLayerPrivate("l") == "secret"
    assert fields(server.last()) == {"getlayerprivate": {"layer": "l"}}
    conn.SetLayerPrivate("l", "v", place="/pl")
    assert fields(server.last()) == {"setlayerprivate": {"layer": "l", "private_value": "v",
                                                         "place": "/pl"}}
    conn.ExportLayer("/vol", "/o.tgz", compress="gzip")
    assert fields(server.last()) == {"exportLayer": {"volume": "/vol", "tarball": "/o.tgz",
                                                     "compress": "gzip"}}
    conn.ReExportLayer("l", "/o.tgz", place="/pl")
    assert fields(server.last()) == {"exportLayer": {"volume": "", "tarball": "/o.tgz",
                                                     "layer": "l", "place": "/pl"}}

    h = Layer(conn, "l", "/pl")
    h.Merge("/m.tgz", private_value="x")
    assert server.last().importLayer.merge is True
    h.Remove()
    assert fields(server.last()) == {"removeLayer": {"layer": "l", "place": "/pl"}}
    h.Export("/e.tgz", compress="xz")
    assert fields(server.last()) == {"exportLayer": {"volume": "", "tarball": "/e.tgz",
                                                     "layer": "l", "place": "/pl",
                                                     "compress": "xz"}}
    assert h.GetPrivate() == "secret"
    h.SetPrivate("y")
    assert server.last().setlayerprivate.private_value == "y"
    Volume(conn, "/vol").Export("/e.tgz")
    assert fields(server.last()) == {"exportLayer": {"volume": "/vol", "tarball": "/e.tgz"}}


# ---- storages ----

def test_storages(server, conn):
    def list_storage(q, r):
        if q.listStorage.mask in ("", "s1", "m/*"):
            r.storageList.storages.add(name="s1", owner_user="u", owner_group="g",
                                       last_usage=3, private_value="ps")
        if q.listStorage.mask in ("", "m"):
            r.storageList.meta_storages.add(name="m", place="/pl", private_value="pm",
                                            space_limit=100, inode_limit=10,
                                            space_used=1, inode_used=2,
                                            space_available=99, inode_available=8,
                                            owner_user="u", owner_group="g", last_usage=4)

    server.responses["listStorage"] = list_storage
    sts = conn.ListStorages()
    assert [(s.name, s.private_value, s.owner_user, s.last_usage) for s in sts] == \
        [("s1", "ps", "u", 3)]
    assert fields(server.last()) == {"listStorage": {}}
    assert [s.name for s in conn.ListStorage(place="/pl")] == ["s1"]
    assert fields(server.last()) == {"listStorage": {"place": "/pl"}}
    assert repr(sts[0]) == "Storage `s1` at `/place`" and str(sts[0]) == "s1"

    st = conn.FindStorage("s1")
    assert st.private_value == "ps"
    assert fields(server.last()) == {"listStorage": {"mask": "s1"}}
    with pytest.raises(exceptions.VolumeNotFound, match="storage `zz` not found"):
        conn.FindStorage("zz")

    metas = conn.ListMetaStorages()
    assert [m.name for m in metas] == ["m"]
    m = conn.FindMetaStorage("m", place="/pl")
    assert (m.space_limit, m.inode_limit, m.space_used, m.inode_used, m.space_available,
            m.inode_available, m.private_value, m.last_usage) == (100, 10, 1, 2, 99, 8, "pm", 4)
    assert repr(m) == "MetaStorage `m` at `/pl`" and str(m) == "m"
    with pytest.raises(exceptions.VolumeNotFound, match="meta storage `q` not found"):
        conn.FindMetaStorage("q")

    conn.RemoveStorage("s1", place="/pl")
    assert fields(server.last()) == {"removeStorage": {"name": "s1", "place": "/pl"}}
    s = conn.ImportStorage("s2", "/t.tar", private_value="p")
    assert type(s) is Storage and s.name == "s2" and s.place is None
    assert fields(server.last()) == {"importStorage": {"name": "s2", "tarball": "/t.tar",
                                                       "private_value": "p"}}
    conn.ExportStorage("s1", "/o.tar", place="/pl")
    assert fields(server.last()) == {"exportStorage": {"name": "s1", "tarball": "/o.tar",
                                                       "place": "/pl"}}
    st.Import("/i.tar")
    assert [method_of(r) for _, r in server.requests[-2:]] == ["importStorage", "listStorage"]
    assert fields(server.all("importStorage")[-1]) == {"importStorage": {
        "name": "s1", "tarball": "/i.tar", "private_value": "ps"}}
    st.Export("/x.tar")
    assert server.last().exportStorage.name == "s1"
    st.Remove()
    assert fields(server.last()) == {"removeStorage": {"name": "s1"}}

    mm = conn.CreateMetaStorage("m", place="/pl", space_limit=100)
    assert type(mm) is MetaStorage
    assert fields(server.last()) == {"CreateMetaStorage": {"name": "m", "place": "/pl",
                                                           "space_limit": 100}}
    conn.ResizeMetaStorage("m", private_value="x", inode_limit=5)
    assert fields(server.last()) == {"ResizeMetaStorage": {"name": "m", "private_value": "x",
                                                           "inode_limit": 5}}
    conn.RemoveMetaStorage("m", place="/pl")
    assert fields(server.last()) == {"RemoveMetaStorage": {"name": "m", "place": "/pl"}}
    mm.Resize(space_limit=200)
    assert fields(server.all("ResizeMetaStorage")[-1]) == {"ResizeMetaStorage": {
        "name": "m", "place": "/pl", "space_limit": 200}}
    assert mm.space_limit == 100  # re-read after Resize
    mm.Remove()
    assert server.last().RemoveMetaStorage.name == "m"
    server.responses["listLayers"] = None
    mm.ListLayers()
    assert fields(server.last()) == {"listLayers": {"place": "/pl", "mask": "m/*"}}
    mm.ListStorages()
    assert fields(server.last()) == {"listStorage": {"place": "/pl", "mask": "m/*"}}
    with pytest.raises(exceptions.LayerNotFound):
        mm.FindLayer("x")
    assert fields(server.last()) == {"listLayers": {"place": "/pl", "mask": "m/x"}}
    with pytest.raises(exceptions.VolumeNotFound):
        mm.FindStorage("x")
    assert fields(server.last()) == {"listStorage": {"place": "/pl", "mask": "m/x"}}


# ---- processes, paths, version, generic call ----

def test_misc_calls(server, conn):
    server.responses["convertPath"] = lambda q, r: setattr(r.convertPath, "path", "/conv")
    assert conn.ConvertPath("/p", "a", "b") == "/conv"
    assert fields(server.last()) == {"convertPath": {"path": "/p", "source": "a",
                                                     "destination": "b"}}
    conn.SetSymlink("a", "/l", "/t")
    assert fields(server.last()) == {"SetSymlink": {"container": "a", "symlink": "/l",
                                                    "target": "/t"}}
    Container(conn, "a").SetSymlink("/l", "")
    assert fields(server.last()) == {"SetSymlink": {"container": "a", "symlink": "/l",
                                                    "target": ""}}
    conn.AttachProcess("a/b", 123)
    assert fields(server.last()) == {"attachProcess": {"name": "a/b", "pid": 123, "comm": ""}}
    conn.AttachThread("a/b", 124, "sh")
    assert fields(server.last()) == {"AttachThread": {"name": "a/b", "pid": 124, "comm": "sh"}}
    server.responses["locateProcess"] = lambda q, r: setattr(r.locateProcess, "name", "a/b")
    ct = conn.LocateProcess(55)
    assert type(ct) is Container and ct.name == "a/b"
    assert fields(server.last()) == {"locateProcess": {"pid": 55, "comm": ""}}


def test_call_generic(server, conn):
    def get_system(q, r):
        r.GetSystem.porto_version = "5.3.0"
        r.GetSystem.frozen = False
        r.GetSystem.errors = 0

    server.responses["GetSystem"] = get_system
    server.responses["SetSystem"] = lambda q, r: r.SetSystem.SetInParent()
    assert conn.Call("GetSystem") == {"porto_version": "5.3.0", "errors": 0, "frozen": False}
    assert conn.Call("SetSystem", frozen=True) == {}
    assert fields(server.last()) == {"SetSystem": {"frozen": True}}
    assert conn.Call("Respawn", name="a") is None
    assert fields(server.last()) == {"Respawn": {"name": "a"}}
    conn.Call("ListContainersBy", filters=[{"name": "a", "labels": {"map": [
        {"key": "A.b", "val": "1"}]}}], field_options={"properties": ["state"]})
    assert fields(server.last()) == {"ListContainersBy": {
        "filters": [{"name": "a", "labels": {"map": [{"key": "A.b", "val": "1"}]}}],
        "field_options": {"properties": ["state"]}}}
    server.responses["listVolumes"] = lambda q, r: r.volumeList.volumes.add(path="/v")
    assert conn.Call("listVolumes", "volumeList") == {"volumes": [{"path": "/v"}]}
    assert conn.Call("propertyList") == {}


def test_container_handle(server, conn):
    ct = Container(conn, "a")
    assert str(ct) == "a" and repr(ct) == "Container `a`"
    assert (ct / "b").name == "a/b"
    assert (Container(conn, "/") / "b").name == "b"
    assert ct.__div__("c").name == "a/c"
    server.responses["getProperty"] = lambda q, r: setattr(r.getProperty, "value", "v")
    assert ct["command"] == "v"
    ct["command"] = "true"
    assert fields(server.last()) == {"setProperty": {"name": "a", "property": "command",
                                                     "value": "true"}}
    ct.Set(cwd="/")
    ct.SetProperty("x", False)
    assert server.last().setProperty.value == "false"
    assert ct.GetProperty("x", sync=True) == "v"
    assert server.last().getProperty.sync is True
    assert ct.GetLabel("A.b") == "v"
    server.responses["getData"] = lambda q, r: setattr(r.getData, "value", "d")
    assert ct.GetData("state") == "d"
    ct.Start()
    ct.Stop(1)
    assert server.last().stop.timeout_ms == 1000
    ct.Kill(9)
    ct.Pause()
    ct.Resume()
    ct.Destroy()
    assert server.methods()[-6:] == ["start", "stop", "kill", "pause", "resume", "destroy"]
    server.responses["propertyList"] = lambda q, r: r.propertyList.list.add(name="state",
                                                                           desc="")

    def get(q, r):
        e = r.get.list.add(name="a")
        e.keyval.add(variable="state", value="dead")

    server.responses["get"] = get
    assert ct.GetProperties() == {"state": "dead"}
