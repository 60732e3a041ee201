#!/usr/bin/python3
"""Write the seed corpus of fuzz_rpc to tests/fuzz/corpus/rpc: sequences of
valid request frames (varint length + serialized TContainerRequest), as the
Python API would send them. Re-run after rpc.proto changes:

    /usr/bin/python3 tests/fuzz/gen_rpc_corpus.py

Files named crash-* in that directory are regression inputs kept from
fuzzer findings; this script never touches them."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from integration.util import frame, request as req  # noqa: E402

OUT = os.path.join(HERE, "corpus", "rpc")


def frames(*reqs):
    return b"".join(frame(r.SerializeToString()) for r in reqs)


PROPS = [("command", "sleep 1"), ("env", "A=1; B=2"), ("memory_limit", "64M"), ("cpu_limit", "1.5c"),
         ("labels", "TEST.a: 1"), ("respawn", "true"), ("max_respawns", "3"), ("aging_time", "60"),
         ("ulimit", "nofile: 100 200"), ("bind", "/tmp /tmp ro"), ("devices", "/dev/null rw"),
         ("capabilities", "NET_ADMIN"), ("io_limit", "/ r: 1M"), ("cpu_set", "0"), ("user", "nobody"),
         ("weak", "true"), ("stdout_limit", "1M"), ("isolate", "false"), ("virt_mode", "job"),
         ("controllers[memory]", "true"), ("cwd", "/"), ("private", "x"), ("umask", "0022"),
         ("hostname", "h"), ("root", "/"), ("net", "inherited"), ("oom_score_adj", "10"),
         ("thread_limit", "10"), ("io_weight", "2"), ("cpu_policy", "idle")]
GETS = ["state", "stdout", "stdout[:10]", "exit_code", "labels", "TEST.a", "memory_usage", "cgroups",
        "env[A]", "ulimit[nofile]", "controllers", "absolute_name", "root_pid", "parent", "id"]

SEEDS = {
    "version": frames(req("version")),
    "list": frames(req("list", mask="***")),
    "plist": frames(req("propertyList")),
    "dlist": frames(req("dataList")),
    "getsystem": frames(req("GetSystem")),
    "setsystem": frames(req("SetSystem", frozen=True), req("create", name="f"),
                        req("SetSystem", frozen=False)),
    "lifecycle": frames(req("create", name="a"), req("setProperty", name="a", property="command",
                                                    value="echo hi"),
                        req("start", name="a"), req("getProperty", name="a", property="state"),
                        req("stop", name="a", timeout_ms=10), req("destroy", name="a")),
    "tree": frames(req("create", name="a"), req("create", name="a/b"), req("create", name="a/b/c"),
                   req("list", mask="a/***"), req("get", name=["a", "a/b", "a/b/c"], variable=GETS),
                   req("destroy", name="a")),
    "weak": frames(req("createWeak", name="w"), req("list")),
    "labels": frames(req("create", name="l"), req("SetLabel", name="l", label="TEST.x", value="1"),
                     req("IncLabel", name="l", label="TEST.n", add=5),
                     req("FindLabel", mask="***", label="TEST.*"),
                     req("SetLabel", name="l", label="TEST.x", value="2", prev_value="1")),
    "wait": frames(req("create", name="w1"), req("wait", name=["w1", "nope*"], timeout_ms=0)),
    "wait-park": frames(req("create", name="w2"), req("wait", name=["w2"], label=["TEST.x"])),
    "asyncwait": frames(req("AsyncWait", name=["***"], label=["TEST.*"]), req("create", name="aw"),
                        req("SetLabel", name="aw", label="TEST.y", value="z"), req("destroy", name="aw")),
    "kill": frames(req("create", name="k"), req("kill", name="k", sig=9), req("pause", name="k"),
                   req("resume", name="k"), req("Respawn", name="k")),
    "locate": frames(req("locateProcess", pid=1, comm="init")),
    "getdata": frames(req("getData", name="/", data="state")),
    "volume": frames(req("createVolume", path="/tmp/x")),
    "self": frames(req("getProperty", name="self", property="absolute_name"),
                   req("create", name="self/x"), req("getProperty", name="/porto/x", property="state")),
}
for i, (k, v) in enumerate(PROPS):
    SEEDS["prop-%02d" % i] = frames(req("create", name="p"), req("setProperty", name="p", property=k, value=v),
                                    req("getProperty", name="p", property=k.split("[")[0]),
                                    req("get", name=["p"], variable=[k]))


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        if old.startswith("seed-"):
            os.unlink(os.path.join(OUT, old))
    for name, data in sorted(SEEDS.items()):
        with open(os.path.join(OUT, "seed-%s" % name), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(SEEDS), OUT))


if __name__ == "__main__":
    main()
