"""Labels: properties, rules, FindLabel, SetLabel CAS, IncLabel
(porto.md Labels; protocol.md 10.3, 10.12)."""

import pytest

from .test_engine_extra import connect, kill_worker, private  # noqa: F401 - `private` is a fixture
from .util import parse_map, start

SLEEP = "sleep 1000"


def test_label_via_properties(portod):
    c = portod.conn()
    c.Create("lb-prop")
    c.SetProperty("lb-prop", "TEST.a", "1")
    assert c.GetProperty("lb-prop", "TEST.a") == "1"
    assert c.GetProperty("lb-prop", "labels[TEST.a]") == "1"
    assert parse_map(c.GetProperty("lb-prop", "labels")) == {"TEST.a": "1"}
    c.SetProperty("lb-prop", "labels[TEST.b]", "two")
    assert c.GetLabel("lb-prop", "TEST.b") == "two"
    assert parse_map(c.GetProperty("lb-prop", "labels")) == {"TEST.a": "1", "TEST.b": "two"}


def test_labels_property_merges(portod):
    c = portod.conn()
    c.Create("lb-merge")
    c.SetProperty("lb-merge", "labels", "TEST.a: 1; TEST.b: 2")
    c.SetProperty("lb-merge", "labels", "TEST.c: 3; TEST.a: 10")
    assert parse_map(c.GetProperty("lb-merge", "labels")) == {"TEST.a": "10", "TEST.b": "2", "TEST.c": "3"}
    c.SetProperty("lb-merge", "labels", "TEST.b: ")   # empty value removes
    assert parse_map(c.GetProperty("lb-merge", "labels")) == {"TEST.a": "10", "TEST.c": "3"}


def test_empty_value_removes(portod):
    c = portod.conn()
    c.Create("lb-rm")
    c.SetProperty("lb-rm", "TEST.x", "1")
    c.SetProperty("lb-rm", "TEST.x", "")
    with pytest.raises(portod.exc.LabelNotFound):
        c.GetProperty("lb-rm", "TEST.x")
    c.SetLabel("lb-rm", "TEST.y", "1")
    c.SetLabel("lb-rm", "TEST.y", "")
    with pytest.raises(portod.exc.LabelNotFound):
        c.GetLabel("lb-rm", "TEST.y")


def test_missing_label(portod):
    c = portod.conn()
    c.Create("lb-miss")
    with pytest.raises(portod.exc.LabelNotFound):
        c.GetProperty("lb-miss", "TEST.none")
    with pytest.raises(portod.exc.LabelNotFound):
        c.GetProperty("lb-miss", "labels[TEST.none]")


def test_labels_dynamic_on_running(portod):
    c = portod.conn()
    start(c, "lb-run", command=SLEEP)
    c.SetProperty("lb-run", "TEST.r", "yes")
    assert c.GetLabel("lb-run", "TEST.r") == "yes"


def test_inherited_label_lookup(portod):
    c = portod.conn()
    c.Create("lb-inh")
    c.Create("lb-inh/child")
    c.SetLabel("lb-inh", "TEST.up", "parent-value")
    assert c.GetProperty("lb-inh/child", ".TEST.up") == "parent-value"
    assert c.GetProperty("lb-inh/child", "labels[.TEST.up]") == "parent-value"
    with pytest.raises(portod.exc.LabelNotFound):
        c.GetProperty("lb-inh/child", "TEST.up")
    c.SetLabel("lb-inh/child", "TEST.up", "own")
    assert c.GetProperty("lb-inh/child", ".TEST.up") == "own"


@pytest.mark.parametrize("label", [
    "T.a",                       # prefix too short
    "ABCDEFGHIJKLMNOPQ.a",       # prefix 17 chars
    "PORTO.a",                   # reserved
    "PORTOX.a",                  # reserved prefix family
    "TEST.a b",                  # space
    "TEST.a/b",                  # slash
    "TEST." + "x" * 124,         # 129 chars
    "Test.a",                    # lower case in prefix
    "TEST.a#b",                  # bad char
])
def test_invalid_label_names(portod, label):
    c = portod.conn()
    c.Create("lb-inv")
    with pytest.raises(portod.exc.InvalidLabel):
        c.SetLabel("lb-inv", label, "1")


@pytest.mark.parametrize("value", ["a b", "a/b", "x" * 257, "semi;colon"])
def test_invalid_label_values(portod, value):
    c = portod.conn()
    c.Create("lb-invv")
    with pytest.raises(portod.exc.InvalidLabel):
        c.SetLabel("lb-invv", "TEST.v", value)
    with pytest.raises(portod.exc.InvalidLabel):
        c.SetProperty("lb-invv", "TEST.v", value)


def test_label_limits_ok(portod):
    c = portod.conn()
    c.Create("lb-lim")
    name = "TEST." + "x" * 123         # exactly 128
    c.SetLabel("lb-lim", name, "v" * 256)
    assert c.GetLabel("lb-lim", name) == "v" * 256
    c.SetLabel("lb-lim", "ABCDEFGHIJKLMNOP.a", "Y")    # 16-char prefix
    c.SetLabel("lb-lim", "AB.a", "N")                  # 2-char prefix
    c.SetLabel("lb-lim", "TEST.all_chars-@:.ok", "aZ09_-@:.")
    assert c.GetLabel("lb-lim", "TEST.all_chars-@:.ok") == "aZ09_-@:."


def test_label_count_cap(portod):
    c = portod.conn()
    c.Create("lb-cap")
    c.SetProperty("lb-cap", "labels", "; ".join("TEST.l%d: %d" % (i, i) for i in range(100)))
    assert len(parse_map(c.GetProperty("lb-cap", "labels"))) == 100
    with pytest.raises(portod.exc.ResourceNotAvailable):
        c.SetLabel("lb-cap", "TEST.extra", "1")
    with pytest.raises(portod.exc.ResourceNotAvailable):
        c.SetProperty("lb-cap", "TEST.extra", "1")
    with pytest.raises(portod.exc.ResourceNotAvailable):
        c.IncLabel("lb-cap", "TEST.extra")
    # changing an existing label is still fine
    c.SetLabel("lb-cap", "TEST.l5", "changed")
    c.SetLabel("lb-cap", "TEST.l6", "")
    c.SetLabel("lb-cap", "TEST.extra", "1")


def test_find_label(portod):
    c = portod.conn()
    c.Create("lb-f1")
    start(c, "lb-f2", command=SLEEP)
    c.Create("lb-f1/sub")
    c.SetLabel("lb-f1", "FIND.key", "a")
    c.SetLabel("lb-f2", "FIND.key", "b")
    c.SetLabel("lb-f1/sub", "FIND.other", "c")
    res = c.FindLabel("FIND.key")
    got = sorted((r["name"], r["state"], r["label"], r["value"]) for r in res)
    assert got == [("lb-f1", "stopped", "FIND.key", "a"), ("lb-f2", "running", "FIND.key", "b")]
    assert [r["name"] for r in c.FindLabel("FIND.key", value="b")] == ["lb-f2"]
    assert [r["name"] for r in c.FindLabel("FIND.key", state="stopped")] == ["lb-f1"]
    assert [r["name"] for r in c.FindLabel("FIND.key", mask="lb-f2")] == ["lb-f2"]
    wild = sorted((r["name"], r["label"]) for r in c.FindLabel("FIND.*"))
    assert wild == [("lb-f1", "FIND.key"), ("lb-f1/sub", "FIND.other"), ("lb-f2", "FIND.key")]
    assert c.FindLabel("FIND.none") == []


def test_find_label_inherited(portod):
    c = portod.conn()
    c.Create("lb-fi")
    c.Create("lb-fi/ch")
    c.SetLabel("lb-fi", "FINH.k", "v")
    names = sorted(r["name"] for r in c.FindLabel(".FINH.k", mask="lb-fi***"))
    assert names == ["lb-fi", "lb-fi/ch"]


def test_set_label_cas(portod):
    c = portod.conn()
    c.Create("lb-cas")
    # prev_value "" = label must be absent
    c.SetLabel("lb-cas", "TEST.lock", "owner1", prev_value="")
    with pytest.raises(portod.exc.Busy):
        c.SetLabel("lb-cas", "TEST.lock", "owner2", prev_value="")
    with pytest.raises(portod.exc.Busy):
        c.SetLabel("lb-cas", "TEST.lock", "owner2", prev_value="wrong")
    assert c.GetLabel("lb-cas", "TEST.lock") == "owner1"
    c.SetLabel("lb-cas", "TEST.lock", "owner2", prev_value="owner1")
    assert c.GetLabel("lb-cas", "TEST.lock") == "owner2"
    with pytest.raises(portod.exc.LabelNotFound):
        c.SetLabel("lb-cas", "TEST.absent", "x", prev_value="something")


def test_set_label_reply(portod):
    c = portod.conn()
    c.Create("lb-rep")
    r = c.Call("SetLabel", name="lb-rep", label="TEST.k", value="1")
    assert "prev_value" not in (r or {})
    assert (r or {}).get("state") == "stopped"
    r = c.Call("SetLabel", name="lb-rep", label="TEST.k", value="2")
    assert r["prev_value"] == "1"


def test_set_label_state_condition(portod):
    c = portod.conn()
    c.Create("lb-st")
    c.SetLabel("lb-st", "TEST.s", "1", state="stopped")
    with pytest.raises(portod.exc.InvalidState):
        c.SetLabel("lb-st", "TEST.s", "2", state="running")
    assert c.GetLabel("lb-st", "TEST.s") == "1"


def test_set_label_nonexistent_container(portod):
    c = portod.conn()
    with pytest.raises(portod.exc.ContainerDoesNotExist):
        c.SetLabel("lb-none", "TEST.a", "1")


def test_inc_label(portod):
    c = portod.conn()
    c.Create("lb-inc")
    assert c.IncLabel("lb-inc", "TEST.n") == 1
    assert c.IncLabel("lb-inc", "TEST.n", 5) == 6
    assert c.IncLabel("lb-inc", "TEST.n", -10) == -4
    assert c.GetLabel("lb-inc", "TEST.n") == "-4"
    assert c.IncLabel("lb-inc", "TEST.n", 0) == -4


def test_inc_label_errors(portod):
    c = portod.conn()
    c.Create("lb-incerr")
    with pytest.raises(portod.exc.LabelNotFound):
        c.IncLabel("lb-incerr", "TEST.missing", 0)
    c.SetLabel("lb-incerr", "TEST.word", "abc")
    with pytest.raises(portod.exc.InvalidValue):
        c.IncLabel("lb-incerr", "TEST.word")
    c.SetLabel("lb-incerr", "TEST.big", str(2 ** 63 - 1))
    with pytest.raises(portod.exc.InvalidValue):
        c.IncLabel("lb-incerr", "TEST.big", 1)
    assert c.GetLabel("lb-incerr", "TEST.big") == str(2 ** 63 - 1)
    c.SetLabel("lb-incerr", "TEST.small", str(-2 ** 63))
    with pytest.raises(portod.exc.InvalidValue):
        c.IncLabel("lb-incerr", "TEST.small", -1)
    with pytest.raises(portod.exc.InvalidLabel):
        c.IncLabel("lb-incerr", "bad label")


def test_labels_listed_in_portoctl(portod):
    c = portod.conn()
    c.Create("lb-ctl")
    c.SetLabel("lb-ctl", "CTL.mark", "Y")
    r = portod.portoctl("list", "-1", "-L", "CTL.mark=Y")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["lb-ctl"]


def split_labels_text(text):
    """The `labels` text: items "NAME: value"; names and values may hold
    ':' but no blanks, so ": " separates."""
    out = {}
    for item in filter(None, (x.strip() for x in text.split(";"))):
        name, sep, value = item.partition(": ")
        assert sep, item
        out[name] = value
    return out


def test_labels_with_colons_round_trip(private):
    """':' is allowed in label names and values (protocol.md 10.3): the
    `labels` text reads back as it was set, through the property, a copy
    of the text into another container, and a worker restart."""
    d = private()
    c = connect(d)
    c.Create("lb-colon")
    c.SetLabel("lb-colon", "TEST.a:b", "c:d")
    c.SetLabel("lb-colon", "TEST.e", "f:")
    c.SetProperty("lb-colon", "TEST.g::", ":h")
    want = {"TEST.a:b": "c:d", "TEST.e": "f:", "TEST.g::": ":h"}
    text = c.GetProperty("lb-colon", "labels")
    assert split_labels_text(text) == want, text
    c.Create("lb-colon-copy")
    c.SetProperty("lb-colon-copy", "labels", text)
    assert c.GetProperty("lb-colon-copy", "labels") == text
    assert c.GetLabel("lb-colon-copy", "TEST.a:b") == "c:d"
    assert c.GetProperty("lb-colon-copy", "labels[TEST.g::]") == ":h"
    # the old short form without blanks still splits at the first ':'
    c.SetProperty("lb-colon-copy", "labels", "TEST.x:1:2")
    assert c.GetLabel("lb-colon-copy", "TEST.x") == "1:2"
    c.SetProperty("lb-colon-copy", "labels", "TEST.a:b: ")      # empty value removes
    assert "TEST.a:b" not in split_labels_text(c.GetProperty("lb-colon-copy", "labels"))
    c.disconnect()
    kill_worker(d)                                   # records hold the same text
    c = connect(d)
    assert split_labels_text(c.GetProperty("lb-colon", "labels")) == want
    c.disconnect()
