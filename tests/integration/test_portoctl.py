"""portoctl: the README quick start and the container commands of issue 2
(seeds/README.md RUNNING; portoctl.md 1-9)."""

from .util import wait_for


def ok(r):
    assert r.returncode == 0, "exit %d\nstdout: %s\nstderr: %s" % (r.returncode, r.stdout, r.stderr)
    return r.stdout


def test_quick_start(portod):
    p = portod.portoctl
    ok(p("run", "my_container", "command=echo \"Hello, world!\""))
    ok(p("wait", "my_container"))
    # the value ("Hello, world!\n") plus the line end portoctl adds
    assert ok(p("get", "my_container", "stdout")).rstrip("\n") == "Hello, world!"
    assert ok(p("get", "my_container", "exit_status")).strip() == "0"
    ok(p("destroy", "my_container"))
    assert "my_container" not in portod.list_names()


def test_quick_start_exec(portod):
    r = portod.portoctl("exec", "my_container", "command=echo \"Hello, world!\"")
    assert ok(r) == "Hello, world!\n"
    assert "my_container" not in portod.list_names()


def test_exec_exit_code(portod):
    r = portod.portoctl("exec", "ctl-exec3", "command=/bin/sh -c 'exit 3'")
    assert r.returncode == 3
    r = portod.portoctl("exec", "ctl-exec9", "command=/bin/sh -c 'kill -9 $$'")
    assert r.returncode == 128 + 9


def test_exec_needs_command(portod):
    r = portod.portoctl("exec", "ctl-nocmd", "command=")
    assert r.returncode == 1
    assert "ctl-nocmd" not in portod.list_names()


def test_basic_commands(portod):
    p = portod.portoctl
    c = portod.conn()
    ok(p("create", "ctl-a"))
    assert c.GetProperty("ctl-a", "state") == "stopped"
    ok(p("set", "ctl-a", "command", "sleep", "1000"))
    assert c.GetProperty("ctl-a", "command") == "sleep 1000"
    ok(p("start", "ctl-a"))
    assert ok(p("get", "ctl-a", "state")).strip() == "running"
    ok(p("pause", "ctl-a"))
    assert c.GetProperty("ctl-a", "state") == "paused"
    ok(p("resume", "ctl-a"))
    assert c.GetProperty("ctl-a", "state") == "running"
    ok(p("kill", "ctl-a", "SIGKILL"))
    c.WaitContainers(["ctl-a"], timeout=10)
    assert ok(p("get", "ctl-a", "exit_code")).strip() == "-9"
    ok(p("restart", "ctl-a"))
    assert c.GetProperty("ctl-a", "state") == "running"
    ok(p("stop", "-T", "1", "ctl-a"))
    assert c.GetProperty("ctl-a", "state") == "stopped"
    ok(p("destroy", "ctl-a"))
    assert "ctl-a" not in portod.list_names()


def test_respawn_command(portod):
    p = portod.portoctl
    c = portod.conn()
    ok(p("run", "ctl-resp", "command=true"))
    c.WaitContainers(["ctl-resp"], timeout=10)
    ok(p("respawn", "ctl-resp"))
    wait_for(lambda: c.GetProperty("ctl-resp", "respawn_count") == "1", 10, msg="respawned")


def test_error_exit_codes(portod):
    p = portod.portoctl
    ok(p("create", "ctl-err"))
    r = p("create", "ctl-err")
    assert r.returncode == 3, r            # ContainerAlreadyExists
    assert "ContainerAlreadyExists" in r.stderr
    r = p("start", "ctl-nonexistent")
    assert r.returncode == 4, r            # ContainerDoesNotExist
    r = p("set", "ctl-err", "no_such_prop", "1")
    assert r.returncode == 5, r            # InvalidProperty
    r = p("create", "bad name")
    assert r.returncode == 7, r            # InvalidValue
    r = p("kill", "ctl-err")
    assert r.returncode == 8, r            # InvalidState


def test_get_multi(portod):
    p = portod.portoctl
    ok(p("create", "ctl-g"))
    ok(p("set", "ctl-g", "private", "hello"))
    out = ok(p("get", "ctl-g", "state", "private"))
    assert out.splitlines() == ["state = stopped", "private = hello"]
    out = ok(p("get", "ctl-g"))
    assert "state = stopped" in out.splitlines()


def test_list(portod):
    p = portod.portoctl
    ok(p("create", "ctl-l1"))
    ok(p("create", "ctl-l1/sub"))
    ok(p("run", "ctl-l2", "command=sleep 1000"))
    out = ok(p("list", "-1", "ctl-l*"))
    assert out.split() == ["ctl-l1", "ctl-l2"]
    out = ok(p("list", "ctl-l***"))
    lines = [line.split() for line in out.splitlines() if line.strip()]
    by_name = {line[0]: line for line in lines}
    assert by_name["ctl-l1"][1] == "stopped"
    assert by_name["ctl-l2"][1] == "running"
    assert "ctl-l1/sub" in by_name


def test_no_args_listing(portod):
    r = portod.portoctl()
    assert r.returncode == 1
    assert "Container properties:" in r.stdout
    assert "command" in r.stdout


def test_version(portod):
    r = portod.portoctl("-v")
    assert r.returncode == 0, r.stderr
    assert "client:" in r.stdout and "server:" in r.stdout
