"""Settable properties of issue 2: set, get, effect on the process, bad
values (porto.md CONTAINERS: Context, Security, Filesystem, State;
protocol.md 10.7, 10.8)."""

import os
import pwd
import resource
import socket

import pytest

from .util import (CAP_SYS_RESOURCE, have_cap, make, parse_env, parse_map, pid_alive, proc_status, run_dead,
                   sh, start, stdout_of, wait_for)

SLEEP = "sleep 1000"


def limits_of(text):
    """Parse /proc/self/limits output into {name: (soft, hard)}."""
    out = {}
    for line in text.splitlines()[1:]:
        parts = line.split()
        if len(parts) < 3:
            continue
        # "Max open files            8192                 1048576              files"
        name_end = 0
        for i, p in enumerate(parts):
            if p.isdigit() or p == "unlimited":
                name_end = i
                break
        out[" ".join(parts[:name_end])] = (parts[name_end], parts[name_end + 1])
    return out


# --- generic rules -----------------------------------------------------------

def test_unknown_property(portod):
    c = portod.conn()
    c.Create("pr-unk")
    with pytest.raises(portod.exc.InvalidProperty):
        c.GetProperty("pr-unk", "no_such_property")
    with pytest.raises(portod.exc.InvalidProperty):
        c.SetProperty("pr-unk", "no_such_property", "1")


def test_empty_index_invalid_property(portod):
    c = portod.conn()
    c.Create("pr-idx")
    for prop in ("env[]", "ulimit[]", "labels[]", "command_argv[]"):
        with pytest.raises(portod.exc.InvalidProperty):
            c.GetProperty("pr-idx", prop)
        with pytest.raises(portod.exc.InvalidProperty):
            c.SetProperty("pr-idx", prop, "x")


@pytest.mark.parametrize("prop", ["state", "id", "level", "root_pid", "exit_code", "absolute_name",
                                  "parent", "creation_time", "absolute_namespace", "stdout_offset",
                                  "process_count", "cgroups", "time", "capabilities_allowed",
                                  "capabilities_ambient_allowed"])
def test_read_only_set_invalid_value(portod, prop):
    c = portod.conn()
    c.Create("pr-ro")
    with pytest.raises(portod.exc.InvalidValue):   # CHOWN: a value `capabilities` accepts
        c.SetProperty("pr-ro", prop, "CHOWN" if prop.startswith("capabilities") else "1")


def test_non_dynamic_while_running(portod):
    c = portod.conn()
    start(c, "pr-nd", command=SLEEP)
    for prop, value in (("command", "sleep 5"), ("isolate", "false"), ("user", "nobody"),
                        ("cwd", "/"), ("stdout_path", "/dev/null"), ("virt_mode", "job"),
                        ("owner_user", "nobody"), ("owner_group", "nogroup"), ("owner_cred", "nobody nogroup")):
        with pytest.raises(portod.exc.InvalidState):
            c.SetProperty("pr-nd", prop, value)
    assert c.GetProperty("pr-nd", "command") == SLEEP


def test_dynamic_while_running(portod):
    c = portod.conn()
    start(c, "pr-dyn", command=SLEEP)
    c.SetProperty("pr-dyn", "private", "changed")
    assert c.GetProperty("pr-dyn", "private") == "changed"
    c.SetProperty("pr-dyn", "respawn", True)
    assert c.GetProperty("pr-dyn", "respawn") is True
    c.SetProperty("pr-dyn", "max_respawns", "3")
    c.SetProperty("pr-dyn", "aging_time", "100")
    assert c.GetProperty("pr-dyn", "aging_time") == "100"


def test_value_trimmed(portod):
    c = portod.conn()
    c.Create("pr-trim")
    c.SetProperty("pr-trim", "private", "  padded  ")
    assert c.GetProperty("pr-trim", "private") == "padded"


def test_root_not_writable(portod):
    c = portod.conn()
    with pytest.raises(portod.exc.Permission):
        c.SetProperty("/", "private", "x")


# --- command / command_argv ------------------------------------------------

def test_command_roundtrip_and_output(portod):
    c = portod.conn()
    assert stdout_of(c, "pr-cmd", command="echo hello world") == "hello world\n"
    assert c.GetProperty("pr-cmd", "command") == "echo hello world"


def test_command_default_empty(portod):
    c = portod.conn()
    c.Create("pr-cmd0")
    assert c.GetProperty("pr-cmd0", "command") == ""


def test_command_env_expansion(portod):
    c = portod.conn()
    out = stdout_of(c, "pr-cmdexp", command="echo $PORTO_NAME ${FOO}", env="FOO=bar")
    assert out == "pr-cmdexp bar\n"


def test_command_quoting(portod):
    c = portod.conn()
    out = stdout_of(c, "pr-cmdq", command="""printf '%s|' "a b" 'c d' e""")
    assert out == "a b|c d|e|"


def test_command_not_found(portod):
    c = portod.conn()
    make(c, "pr-cmdnf", command="/nonexistent/binary --flag")
    with pytest.raises(portod.exc.InvalidCommand):
        c.Start("pr-cmdnf")
    assert c.GetProperty("pr-cmdnf", "state") == "stopped"
    assert c.GetProperty("pr-cmdnf", "start_error") != ""


def test_command_unparsable(portod):
    c = portod.conn()
    make(c, "pr-cmdbad", command="echo 'unbalanced")
    with pytest.raises(portod.exc.PortoException):
        c.Start("pr-cmdbad")
    assert c.GetProperty("pr-cmdbad", "state") == "stopped"
    assert c.GetProperty("pr-cmdbad", "start_error") != ""


def test_command_argv(portod):
    c = portod.conn()
    make(c, "pr-argv")
    c.SetProperty("pr-argv", "command_argv", "printf\t%s|\ta b\tc'd")
    assert c.GetProperty("pr-argv", "command_argv") == "printf\t%s|\ta b\tc'd"
    assert c.GetProperty("pr-argv", "command_argv[0]") == "printf"
    assert c.GetProperty("pr-argv", "command_argv[2]") == "a b"
    # command becomes the quoted form (porto.md: '${ARGV/\'/\'\\\'\'}')
    assert c.GetProperty("pr-argv", "command") == "'printf' '%s|' 'a b' 'c'\\''d'"
    c.Start("pr-argv")
    c.WaitContainers(["pr-argv"], timeout=10)
    assert c.GetProperty("pr-argv", "stdout") == "a b|c'd|"


def test_command_argv_index_set(portod):
    c = portod.conn()
    make(c, "pr-argvi")
    c.SetProperty("pr-argvi", "command_argv", "echo\tone\ttwo")
    c.SetProperty("pr-argvi", "command_argv[2]", "three")
    assert c.GetProperty("pr-argvi", "command_argv") == "echo\tone\tthree"
    c.Start("pr-argvi")
    c.WaitContainers(["pr-argvi"], timeout=10)
    assert c.GetProperty("pr-argvi", "stdout") == "one three\n"


def test_command_argv_overrides_command(portod):
    c = portod.conn()
    make(c, "pr-argvo", command="echo from-command")
    c.SetProperty("pr-argvo", "command_argv", "echo\tfrom-argv")
    c.Start("pr-argvo")
    c.WaitContainers(["pr-argvo"], timeout=10)
    assert c.GetProperty("pr-argvo", "stdout") == "from-argv\n"


def test_command_argv_bad_index(portod):
    c = portod.conn()
    make(c, "pr-argvb")
    c.SetProperty("pr-argvb", "command_argv", "echo\tx")
    with pytest.raises((portod.exc.InvalidValue, portod.exc.InvalidProperty)):
        c.GetProperty("pr-argvb", "command_argv[abc]")


# --- env / env_secret -----------------------------------------------------

def test_env_set_get(portod):
    c = portod.conn()
    c.Create("pr-env")
    c.SetProperty("pr-env", "env", "A=1; B=two words")
    env = parse_env(c.GetProperty("pr-env", "env"))
    assert env.get("A") == "1" and env.get("B") == "two words"
    assert c.GetProperty("pr-env", "env[A]") == "1"
    c.SetProperty("pr-env", "env[C]", "3")
    assert c.GetProperty("pr-env", "env[C]") == "3"
    assert parse_env(c.GetProperty("pr-env", "env")).get("A") == "1"
    c.SetProperty("pr-env", "command", sh('echo "$A|$B|$C"'))
    c.Start("pr-env")
    c.WaitContainers(["pr-env"], timeout=10)
    assert c.GetProperty("pr-env", "stdout") == "1|two words|3\n"


def test_env_missing_index(portod):
    c = portod.conn()
    c.Create("pr-envm")
    c.SetProperty("pr-envm", "env", "A=1")
    with pytest.raises(portod.exc.PortoException):
        c.GetProperty("pr-envm", "env[NOPE]")


def test_default_environment(portod):
    c = portod.conn()
    out = stdout_of(c, "pr-defenv", command="env")
    env = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    cwd = c.GetProperty("pr-defenv", "cwd")
    assert env.get("container") == "lxc"
    assert env.get("PORTO_NAME") == "pr-defenv"
    assert env.get("PORTO_HOST") == socket.gethostname()
    assert env.get("PORTO_USER") == "root"
    assert env.get("USER") == "root"
    assert env.get("HOME") == cwd
    assert env.get("PATH") == "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def test_env_user_of_nobody(portod):
    c = portod.conn()
    out = stdout_of(c, "pr-envusr", command="env", user="nobody", group="nogroup")
    env = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    assert env.get("USER") == "nobody"
    assert env.get("PORTO_USER") == "root"


def test_env_inherited_without_isolate(portod):
    c = portod.conn()
    make(c, "pr-envp", env="PARENT_VAR=pv")
    make(c, "pr-envp/child", isolate=False, command=sh('echo "$PARENT_VAR"'))
    c.Start("pr-envp/child")
    c.WaitContainers(["pr-envp/child"], timeout=10)
    assert c.GetProperty("pr-envp/child", "stdout") == "pv\n"


def test_env_secret(portod):
    c = portod.conn()
    secret = "s3cr3t-value-4711"
    make(c, "pr-sec", command=sh('echo "$TOKEN"'))
    c.SetProperty("pr-sec", "env_secret", "TOKEN=" + secret)
    shown = c.GetProperty("pr-sec", "env_secret")
    assert secret not in shown
    assert "TOKEN" in shown and "<secret>" in shown
    assert secret not in c.GetProperty("pr-sec", "env")
    c.Start("pr-sec")
    c.WaitContainers(["pr-sec"], timeout=10)
    assert c.GetProperty("pr-sec", "stdout") == secret + "\n"
    assert secret not in portod.daemon.read_logs(), "secret leaked into the daemon log"


# --- user / group / umask / ulimit ------------------------------------------

def test_user_group_defaults(portod):
    c = portod.conn()
    c.Create("pr-ug0")
    assert c.GetProperty("pr-ug0", "user") == "root"
    assert c.GetProperty("pr-ug0", "group") == "root"
    assert c.GetProperty("pr-ug0", "owner_user") == "root"
    assert c.GetProperty("pr-ug0", "owner_group") == "root"


def test_user_group(portod):
    c = portod.conn()
    out = stdout_of(c, "pr-ug", command=sh("id -u; id -g"), user="nobody", group="nogroup")
    nobody = pwd.getpwnam("nobody")
    assert out.split() == [str(nobody.pw_uid), str(nobody.pw_gid)]
    assert c.GetProperty("pr-ug", "user") == "nobody"
    assert c.GetProperty("pr-ug", "group") == "nogroup"


def test_user_numeric(portod):
    c = portod.conn()
    out = stdout_of(c, "pr-ugn", command=sh("id -u"), user="65534", group="65534")
    assert out.strip() == "65534"


def test_user_bad(portod):
    c = portod.conn()
    c.Create("pr-ubad")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("pr-ubad", "user", "no_such_user_xyz")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("pr-ubad", "group", "no_such_group_xyz")


def test_umask(portod):
    c = portod.conn()
    c.Create("pr-um0")
    assert int(c.GetProperty("pr-um0", "umask"), 8) == 0o002
    assert stdout_of(c, "pr-um1", command=sh("umask")).strip() == "0002"
    out = stdout_of(c, "pr-um2", command=sh("umask"), umask="0077")
    assert out.strip() == "0077"
    assert int(c.GetProperty("pr-um2", "umask"), 8) == 0o077


@pytest.mark.parametrize("bad", ["abc", "0999", "-1"])
def test_umask_bad(portod, bad):
    c = portod.conn()
    c.Create("pr-umbad")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("pr-umbad", "umask", bad)


def expected_hard(default, res):
    """Without CAP_SYS_RESOURCE (as on some CI machines) nobody, the daemon
    included, can raise a hard limit above its own: expect the clamp."""
    if have_cap(CAP_SYS_RESOURCE):
        return default
    own = resource.getrlimit(res)[1]
    return default if own == resource.RLIM_INFINITY else min(default, own)


def test_ulimit_defaults(portod):
    c = portod.conn()
    out = stdout_of(c, "pr-ul0", command="cat /proc/self/limits")
    lim = limits_of(out)
    assert lim["Max core file size"] == ("0", "unlimited")
    assert lim["Max open files"] == ("8192", str(expected_hard(1048576, resource.RLIMIT_NOFILE)))
    ul = parse_map(c.GetProperty("pr-ul0", "ulimit"))
    assert ul.get("core") == "0 unlimited"
    assert ul.get("nofile", "").split()[0] in ("8192", "8K")


def test_ulimit_set(portod):
    c = portod.conn()
    make(c, "pr-ul", command="cat /proc/self/limits")
    c.SetProperty("pr-ul", "ulimit", "nofile: 1024 2048; nproc: 500 1000")
    assert c.GetProperty("pr-ul", "ulimit[nofile]") == "1024 2048"
    c.SetProperty("pr-ul", "ulimit[stack]", "4194304 8388608")
    assert c.GetProperty("pr-ul", "ulimit[stack]") == "4194304 8388608"
    c.SetProperty("pr-ul", "ulimit[core]", "unlimited unlimited")
    c.Start("pr-ul")
    c.WaitContainers(["pr-ul"], timeout=10)
    lim = limits_of(c.GetProperty("pr-ul", "stdout"))
    assert lim["Max open files"] == ("1024", "2048")
    assert lim["Max processes"] == ("500", "1000")
    assert lim["Max stack size"] == ("4194304", "8388608")
    assert lim["Max core file size"] == ("unlimited", "unlimited")


@pytest.mark.parametrize("bad", ["nofile: abc def", "no_such_limit: 1 2", "nofile"])
def test_ulimit_bad(portod, bad):
    c = portod.conn()
    c.Create("pr-ulbad")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("pr-ulbad", "ulimit", bad)


# --- cwd / std streams ------------------------------------------------------

def test_cwd_default(portod):
    c = portod.conn()
    out = stdout_of(c, "pr-cwd0", command="pwd")
    expected = portod.cwd_of("pr-cwd0")
    assert c.GetProperty("pr-cwd0", "cwd") == expected
    assert out.strip() == expected


def test_cwd_default_nested(portod):
    c = portod.conn()
    c.Create("pr-cwdp")
    out = stdout_of(c, "pr-cwdp/child", command="pwd")
    assert out.strip() == c.GetProperty("pr-cwdp/child", "cwd")
    assert out.strip().startswith(os.path.join(portod.place, "porto") + "/")


def test_cwd_default_removed_after_destroy(portod):
    c = portod.conn()
    run_dead(c, "pr-cwdrm", command="pwd")
    path = portod.cwd_of("pr-cwdrm")
    c.Destroy("pr-cwdrm")
    wait_for(lambda: not os.path.exists(path), 5, msg="%s removed" % path)


def test_cwd_set(portod, tmp_path):
    c = portod.conn()
    d = tmp_path / "work"
    d.mkdir()
    out = stdout_of(c, "pr-cwd", command="pwd", cwd=str(d))
    assert out.strip() == str(d)
    assert c.GetProperty("pr-cwd", "cwd") == str(d)


def test_cwd_nonexistent_start_fails(portod):
    c = portod.conn()
    make(c, "pr-cwdbad", command="pwd", cwd="/nonexistent/dir/for/porto")
    with pytest.raises(portod.exc.PortoException):
        c.Start("pr-cwdbad")
    assert c.GetProperty("pr-cwdbad", "state") == "stopped"


def test_stdin_default_dev_null(portod):
    c = portod.conn()
    c.Create("pr-in0")
    assert c.GetProperty("pr-in0", "stdin_path") == "/dev/null"
    assert stdout_of(c, "pr-in1", command="cat") == ""


def test_stdin_path(portod, tmp_path):
    c = portod.conn()
    f = tmp_path / "input.txt"
    f.write_text("line one\nline two\n")
    os.chmod(str(tmp_path), 0o755)
    assert stdout_of(c, "pr-in", command="cat", stdin_path=str(f)) == "line one\nline two\n"


def test_stdin_missing_start_fails(portod):
    c = portod.conn()
    make(c, "pr-inbad", command="cat", stdin_path="/nonexistent/input")
    with pytest.raises(portod.exc.PortoException):
        c.Start("pr-inbad")
    assert c.GetProperty("pr-inbad", "state") == "stopped"


def test_stdout_stderr_paths(portod, tmp_path):
    c = portod.conn()
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    run_dead(c, "pr-paths", command=sh("echo to-out; echo to-err >&2"),
             stdout_path=str(out), stderr_path=str(err))
    assert out.read_text() == "to-out\n"
    assert err.read_text() == "to-err\n"
    assert c.GetProperty("pr-paths", "stdout_path") == str(out)
    assert c.GetProperty("pr-paths", "stdout") == "to-out\n"
    assert c.GetProperty("pr-paths", "stderr") == "to-err\n"


def test_stdout_path_bad_dir_start_fails(portod):
    c = portod.conn()
    make(c, "pr-outbad", command="true", stdout_path="/nonexistent/dir/out")
    with pytest.raises(portod.exc.PortoException):
        c.Start("pr-outbad")
    assert c.GetProperty("pr-outbad", "state") == "stopped"


def test_stdout_limit(portod):
    c = portod.conn()
    c.Create("pr-sl")
    assert c.GetProperty("pr-sl", "stdout_limit") == str(8 << 20)
    c.SetProperty("pr-sl", "stdout_limit", "1M")
    assert c.GetProperty("pr-sl", "stdout_limit") == str(1 << 20)
    c.SetProperty("pr-sl", "stdout_limit", "65536")
    assert c.GetProperty("pr-sl", "stdout_limit") == "65536"
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("pr-sl", "stdout_limit", "lots")


# --- virt_mode / isolate ------------------------------------------------------

def test_virt_mode_default_and_bad(portod):
    c = portod.conn()
    c.Create("pr-vm")
    assert c.GetProperty("pr-vm", "virt_mode") == "app"
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("pr-vm", "virt_mode", "bogus")
    for mode in ("app", "job", "host"):
        c.SetProperty("pr-vm", "virt_mode", mode)
        assert c.GetProperty("pr-vm", "virt_mode") == mode


def test_virt_mode_job(portod):
    c = portod.conn()
    c.Create("pr-job")
    c.Start("pr-job")
    start(c, "pr-job/j", virt_mode="job", command=SLEEP)
    assert c.GetProperty("pr-job/j", "state") == "running"
    pid = int(c.GetProperty("pr-job/j", "root_pid"))
    with open("/proc/%d/stat" % pid) as f:
        pgrp = int(f.read().rsplit(")", 1)[1].split()[2])
    assert pgrp == pid, "job main process must lead its own process group"
    c.Stop("pr-job/j")
    assert c.GetProperty("pr-job/j", "state") == "stopped"
    wait_for(lambda: not pid_alive(pid), 5, msg="job process gone")
    run_dead(c, "pr-job/j2", virt_mode="job", command=sh("exit 5"))
    assert c.GetProperty("pr-job/j2", "exit_code") == "5"


def test_virt_mode_host(portod):
    c = portod.conn()
    assert stdout_of(c, "pr-host", virt_mode="host", command="echo host-mode") == "host-mode\n"


def ns_ids(pid):
    return {ns: os.readlink("/proc/%d/ns/%s" % (pid, ns)) for ns in ("pid", "ipc", "uts")}


def test_isolate_default_true(portod):
    c = portod.conn()
    start(c, "pr-iso", command=SLEEP)
    assert c.GetProperty("pr-iso", "isolate") is True
    pid = int(c.GetProperty("pr-iso", "root_pid"))
    mine = ns_ids(os.getpid())
    theirs = ns_ids(pid)
    for ns in ("pid", "ipc", "uts"):
        assert theirs[ns] != mine[ns], "isolate=true must give a new %s namespace" % ns
    # our init is pid 1 of the new pid namespace and the command is its child
    nspid = proc_status(pid)["NSpid"].split()
    assert len(nspid) >= 2 and nspid[-1] != "1", nspid

    def init_is_parent():
        ppid = int(proc_status(pid)["PPid"])
        return proc_status(ppid)["NSpid"].split()[-1] == "1"
    wait_for(init_is_parent, 5, msg="parent of the command is pid 1 of the namespace")


def test_isolate_false(portod):
    c = portod.conn()
    start(c, "pr-noiso", command=SLEEP, isolate=False)
    assert c.GetProperty("pr-noiso", "isolate") is False
    pid = int(c.GetProperty("pr-noiso", "root_pid"))
    assert ns_ids(pid) == ns_ids(os.getpid())


def test_isolate_zombies_reaped(portod):
    c = portod.conn()
    # the shell leaves orphans behind; init must reap them
    start(c, "pr-zomb", command=sh("(sleep 0.1 &) ; (sleep 0.1 &) ; sleep 1000"))
    pid = int(c.GetProperty("pr-zomb", "root_pid"))
    ppid = int(proc_status(pid)["PPid"])

    def no_zombies():
        kids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                st = proc_status(int(entry))
            except OSError:
                continue
            if st.get("PPid") == str(ppid) and st.get("State", "").startswith("Z"):
                kids.append(entry)
        return not kids
    wait_for(no_zombies, 5, msg="orphans reaped by the container init")


def test_isolate_bad(portod):
    c = portod.conn()
    c.Create("pr-isobad")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("pr-isobad", "isolate", "maybe")


# --- private / weak / respawn knobs / aging_time ------------------------------

def test_private(portod):
    c = portod.conn()
    c.Create("pr-priv")
    assert c.GetProperty("pr-priv", "private") == ""
    c.SetProperty("pr-priv", "private", "some text: with; chars")
    assert c.GetProperty("pr-priv", "private") == "some text: with; chars"
    c.SetProperty("pr-priv", "private", "x" * 4096)
    assert c.GetProperty("pr-priv", "private") == "x" * 4096
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("pr-priv", "private", "x" * 4097)


def test_bool_bad_values(portod):
    c = portod.conn()
    c.Create("pr-bool")
    for prop in ("weak", "respawn", "isolate"):
        with pytest.raises(portod.exc.InvalidValue):
            c.SetProperty("pr-bool", prop, "perhaps")


def test_respawn_knobs_defaults(portod):
    c = portod.conn()
    c.Create("pr-rk")
    assert c.GetProperty("pr-rk", "respawn") is False
    assert c.GetProperty("pr-rk", "respawn_count") == "0"
    assert c.GetProperty("pr-rk", "max_respawns") == "-1"
    assert c.GetProperty("pr-rk", "respawn_delay") == "1000000000"
    assert c.GetProperty("pr-rk", "aging_time") == "86400"
    assert c.GetProperty("pr-rk", "weak") is False


def test_respawn_knobs_set(portod):
    c = portod.conn()
    c.Create("pr-rks")
    c.SetProperty("pr-rks", "respawn", True)
    assert c.GetProperty("pr-rks", "respawn") is True
    c.SetProperty("pr-rks", "max_respawns", "5")
    assert c.GetProperty("pr-rks", "max_respawns") == "5"
    c.SetProperty("pr-rks", "respawn_delay", "250000000")
    assert c.GetProperty("pr-rks", "respawn_delay") == "250000000"
    c.SetProperty("pr-rks", "respawn_count", "7")
    assert c.GetProperty("pr-rks", "respawn_count") == "7"
    c.SetProperty("pr-rks", "aging_time", "3600")
    assert c.GetProperty("pr-rks", "aging_time") == "3600"


@pytest.mark.parametrize("prop", ["max_respawns", "respawn_delay", "respawn_count", "aging_time"])
def test_numeric_bad_values(portod, prop):
    c = portod.conn()
    c.Create("pr-num")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("pr-num", prop, "not-a-number")
