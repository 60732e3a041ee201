"""Defaults configurable in portod.conf (porto.md env: container.extra_env;
ulimit: container.default_ulimit). Runs its own private daemon."""

import pytest

from .conftest import Porto, finish_daemon, start_daemon
from .util import parse_env, stdout_of

CONFIG = """
container {
    extra_env {
        name: "IT_EXTRA"
        value: "from-config"
    }
    default_ulimit: "nofile: 1000 2000"
    max_total: 5
}
"""


@pytest.fixture(scope="module")
def portod_cfg():
    d = start_daemon("-cfg", CONFIG)
    pd = Porto(d)
    yield pd
    pd.close_conns()
    problems, leaks = finish_daemon(d)
    assert not leaks, "portod (config test) leaked:\n  " + "\n  ".join(leaks)
    assert not problems, problems


def test_extra_env(portod_cfg):
    c = portod_cfg.conn()
    out = stdout_of(c, "cfg-env", command="env")
    env = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    assert env.get("IT_EXTRA") == "from-config"
    assert env.get("container") == "lxc"
    # a container's own env overrides the configured default
    out = stdout_of(c, "cfg-env2", command="env", env="IT_EXTRA=own")
    env = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    assert env.get("IT_EXTRA") == "own"
    assert parse_env(c.GetProperty("cfg-env2", "env")).get("IT_EXTRA") == "own"
    c.Destroy("cfg-env")
    c.Destroy("cfg-env2")


def test_default_ulimit(portod_cfg):
    c = portod_cfg.conn()
    out = stdout_of(c, "cfg-ul", command="cat /proc/self/limits")
    line = [x for x in out.splitlines() if x.startswith("Max open files")][0]
    assert line.split()[3:5] == ["1000", "2000"]
    c.Destroy("cfg-ul")


def test_container_count_limit(portod_cfg):
    """container.max_total limits the number of containers; super-users
    get 100 more (protocol.md 10.4)."""
    c = portod_cfg.conn()
    created = 0
    with pytest.raises(portod_cfg.exc.ResourceNotAvailable):
        for i in range(200):
            c.Create("cfg-n%03d" % i)
            created += 1
    assert 100 <= created <= 112, created
    for i in range(created):
        c.Destroy("cfg-n%03d" % i)
    c.Create("cfg-after")          # room again
    c.Destroy("cfg-after")
