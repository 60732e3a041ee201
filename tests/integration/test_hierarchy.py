"""Issue 3, the hierarchy of resources: what a child may have against its
parent (porto.md Memory, CPU), the *_total properties over the tree, the
memory guarantee overcommit rule and the cpu_set forms."""

import os

import pytest

from .test_engine_extra import private  # noqa: F401 - fixture
from .util import getp, knob, make, proc_status, start

SLEEP = "sleep 1000"
M = 1 << 20






def quota(c, name):
    q = int(knob(c, name, "cpu", "cpu.cfs_quota_us"))
    return q / int(knob(c, name, "cpu", "cpu.cfs_period_us")) if q > 0 else 0


def test_child_cpu_limit_bounded_by_parent(portod):
    c = portod.conn()
    start(c, "hc", command=SLEEP, cpu_limit="0.5c")
    start(c, "hc/a", command=SLEEP, cpu_limit="1c")
    # the child keeps its value but the kernel gets the parent's bound
    assert getp(c, "hc/a", "cpu_limit") == "1c"
    assert quota(c, "hc/a") == pytest.approx(0.5)
    # raising the parent lets the child have its own again, live
    c.SetProperty("hc", "cpu_limit", "1.5c")
    assert quota(c, "hc") == pytest.approx(1.5)
    assert quota(c, "hc/a") == pytest.approx(1.0)
    # lowering the parent below the child bounds the child first
    c.SetProperty("hc", "cpu_limit", "0.25c")
    assert quota(c, "hc") == pytest.approx(0.25)
    assert quota(c, "hc/a") == pytest.approx(0.25)
    c.SetProperty("hc", "cpu_limit", "0")
    assert quota(c, "hc") == 0
    assert quota(c, "hc/a") == pytest.approx(1.0)
    # a grandchild under a child without a cpu cgroup of its own
    make(c, "hc/a/m")
    start(c, "hc/a/m/g", command=SLEEP, cpu_limit="0.3c")
    assert quota(c, "hc/a/m/g") == pytest.approx(0.3)


def test_started_parent_lacks_controller(portod):
    c = portod.conn()
    make(c, "hpc")
    start(c, "hpc/a", command=SLEEP)
    assert "pids" not in getp(c, "hpc/a", "controllers")
    make(c, "hpc/a/b", command=SLEEP, thread_limit="100")
    with pytest.raises(portod.exc.InvalidState):
        c.Start("hpc/a/b")
    c.Stop("hpc/a")
    c.Start("hpc/a/b")
    assert "pids" in getp(c, "hpc/a", "controllers")
    assert knob(c, "hpc/a/b", "pids", "pids.max") == "100"


# --- memory_guarantee --------------------------------------------------------

def host_total():
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def test_memory_guarantee_total_over_the_tree(portod):
    c = portod.conn()
    root_before = int(c.GetProperty("/", "memory_guarantee_total"))
    make(c, "hg", memory_guarantee="64M")
    make(c, "hg/a", command=SLEEP, memory_guarantee="48M")
    make(c, "hg/b", command=SLEEP, memory_guarantee="32M")
    assert getp(c, "hg", "memory_guarantee") == str(64 * M)
    assert getp(c, "hg", "memory_guarantee_total") == str(64 * M)
    c.Start("hg/a")
    c.Start("hg/b")
    # max(own, sum of the children that are not stopped)
    assert getp(c, "hg", "memory_guarantee_total") == str(80 * M)
    assert int(c.GetProperty("/", "memory_guarantee_total")) == root_before + 80 * M
    c.Stop("hg/b")
    assert getp(c, "hg", "memory_guarantee_total") == str(64 * M)
    c.Stop("hg")
    assert int(c.GetProperty("/", "memory_guarantee_total")) == root_before


def test_memory_guarantee_overcommit_refused(portod):
    c = portod.conn()
    too_much = host_total()        # above total - reserve whatever the reserve
    start(c, "hgo", command=SLEEP, memory_guarantee="16M")
    with pytest.raises(portod.exc.ResourceNotAvailable):
        c.SetProperty("hgo", "memory_guarantee", str(too_much))
    assert getp(c, "hgo", "memory_guarantee") == str(16 * M)
    # lowering is always fine
    c.SetProperty("hgo", "memory_guarantee", "8M")
    # a stopped container keeps it; its start is what is refused
    make(c, "hgo2", command=SLEEP, memory_guarantee=str(too_much))
    with pytest.raises(portod.exc.ResourceNotAvailable):
        c.Start("hgo2")
    assert getp(c, "hgo2", "state") == "stopped"
    c.SetProperty("hgo2", "memory_guarantee", "0")
    c.Start("hgo2")


def test_memory_guarantee_reserve_from_config(private):
    from .test_engine_extra import connect
    total = host_total()
    d = private("daemon { memory_guarantee_reserve: %d }" % (total - 256 * M))
    c = connect(d)
    try:
        start(c, "r1", command=SLEEP, memory_guarantee="128M")
        make(c, "r2", command=SLEEP, memory_guarantee="160M")
        import porto
        with pytest.raises(porto.exceptions.ResourceNotAvailable):
            c.Start("r2")
        c.SetProperty("r2", "memory_guarantee", "64M")
        c.Start("r2")
        assert int(c.GetProperty("/", "memory_guarantee_total")) == 192 * M
    finally:
        c.disconnect()


@pytest.mark.parametrize("bad", ["-1", "x", "1Q", "99999999999999999999999", "1.5.5M"])
def test_memory_guarantee_bad_values(portod, bad):
    c = portod.conn()
    make(c, "hgb", memory_guarantee="1M")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("hgb", "memory_guarantee", bad)
    assert getp(c, "hgb", "memory_guarantee") == str(M)


# --- cpu_set forms -----------------------------------------------------------

def cpus_of(c, name):
    pid = int(c.GetProperty(name, "root_pid"))
    return proc_status(pid)["Cpus_allowed_list"]


def cpu_list(s):
    out = set()
    for part in s.split(","):
        if "-" in part:
            a, b = part.split("-")
            out |= set(range(int(a), int(b) + 1))
        elif part:
            out.add(int(part))
    return out


def all_cpus(c):
    return cpu_list(getp(c, "/", "cpu_set_affinity"))


two_cpus = pytest.mark.skipif(os.cpu_count() < 2, reason="needs 2 cpus")


@two_cpus
@pytest.mark.parametrize("form", ["threads 1", "cores 1"])
def test_cpu_set_threads_and_cores_take_cpus_from_siblings(portod, form):
    c = portod.conn()
    host = all_cpus(c)
    start(c, "hs-b", command=SLEEP)
    assert cpu_list(cpus_of(c, "hs-b")) == host
    start(c, "hs-a", command=SLEEP, cpu_set=form)
    mine = cpu_list(cpus_of(c, "hs-a"))
    assert len(mine) == 1 and mine <= host
    assert cpu_list(getp(c, "hs-a", "cpu_set_affinity")) == mine
    # the sibling that inherits loses the reserved cpu, live
    assert cpu_list(cpus_of(c, "hs-b")) == host - mine
    # and gets it back when the owner stops
    c.Stop("hs-a")
    assert cpu_list(cpus_of(c, "hs-b")) == host


@two_cpus
def test_cpu_set_reserve_uses_the_rest(portod):
    c = portod.conn()
    host = all_cpus(c)
    start(c, "hr-b", command=SLEEP)
    start(c, "hr-a", command=SLEEP, cpu_set="reserve 1")
    # its own cpu plus everything nobody reserved
    assert cpu_list(cpus_of(c, "hr-a")) == host
    assert len(cpu_list(cpus_of(c, "hr-b"))) == len(host) - 1
    # live change back to inherit gives the cpu back
    c.SetProperty("hr-a", "cpu_set", "")
    assert cpu_list(cpus_of(c, "hr-b")) == host


@two_cpus
def test_cpu_set_overcommit_refused_nothing_changed(portod):
    c = portod.conn()
    host = all_cpus(c)
    start(c, "ho-b", command=SLEEP)
    start(c, "ho-a", command=SLEEP, cpu_set="threads 1")
    before_a, before_b = cpus_of(c, "ho-a"), cpus_of(c, "ho-b")
    # all cpus for a would leave none to b
    with pytest.raises(portod.exc.ResourceNotAvailable):
        c.SetProperty("ho-a", "cpu_set", "threads %d" % len(host))
    assert getp(c, "ho-a", "cpu_set") == "threads 1"
    assert (cpus_of(c, "ho-a"), cpus_of(c, "ho-b")) == (before_a, before_b)
    # a start that does not fit is refused too
    make(c, "ho-c", command=SLEEP, cpu_set="threads %d" % len(host))
    with pytest.raises(portod.exc.ResourceNotAvailable):
        c.Start("ho-c")
    assert getp(c, "ho-c", "state") == "stopped"
    assert (cpus_of(c, "ho-a"), cpus_of(c, "ho-b")) == (before_a, before_b)


def test_cpu_set_node(portod):
    c = portod.conn()
    host = all_cpus(c)
    start(c, "hn", command=SLEEP, cpu_set="node 0")
    assert getp(c, "hn", "cpu_set") == "node 0"
    node0 = cpu_list(open("/sys/devices/system/node/node0/cpulist").read().strip()) \
        if os.path.exists("/sys/devices/system/node/node0") else host
    assert cpu_list(cpus_of(c, "hn")) == node0 & host
    assert knob(c, "hn", "cpuset", "cpuset.mems") == "0"
    # back to the parent's nodes and cpus, live
    c.SetProperty("hn", "cpu_set", "")
    assert knob(c, "hn", "cpuset", "cpuset.mems") == c.GetProperty("/", "cpuset.mems")
    assert cpu_list(cpus_of(c, "hn")) == host


@two_cpus
def test_cpu_set_child_within_parent(portod):
    c = portod.conn()
    start(c, "hp", command=SLEEP, cpu_set="threads 1")
    mine = cpu_list(cpus_of(c, "hp"))
    # an inheriting child gets the parent's set; a list outside it is refused
    start(c, "hp/in", command=SLEEP, cpu_set="")
    assert cpu_list(cpus_of(c, "hp/in")) == mine
    other = sorted(all_cpus(c) - mine)[0]
    make(c, "hp/out", command=SLEEP, cpu_set=str(other))
    with pytest.raises(portod.exc.ResourceNotAvailable):
        c.Start("hp/out")
    # threads inside the parent's set (hp/in has no cpuset cgroup of its
    # own: it shares the parent's and keeps it)
    start(c, "hp/t", command=SLEEP, cpu_set="threads 1")
    assert cpu_list(cpus_of(c, "hp/t")) == mine


# --- io_limit[key], io_ops_limit[key] ----------------------------------------

def test_io_limit_indexed(portod):
    from .test_resources import root_disk
    disk, devno = root_disk()
    c = portod.conn()
    start(c, "hio", command=SLEEP, io_limit="%s r: 10M" % disk)
    assert getp(c, "hio", "io_limit[%s r]" % disk) == str(10 * M)
    assert getp(c, "hio", "io_limit[%s  r]" % disk) == str(10 * M)    # normalized key
    assert getp(c, "hio", "io_limit[%s w]" % disk) == "0"
    c.SetProperty("hio", "io_limit[%s w]" % disk, "5M")
    assert getp(c, "hio", "io_limit") == "%s r: %d; %s w: %d" % (disk, 10 * M, disk, 5 * M)
    assert knob(c, "hio", "blkio", "blkio.throttle.write_bps_device") == "%s %d" % (devno, 5 * M)
    assert knob(c, "hio", "blkio", "blkio.throttle.read_bps_device") == "%s %d" % (devno, 10 * M)
    c.SetProperty("hio", "io_limit[%s r]" % disk, "0")
    assert getp(c, "hio", "io_limit") == "%s w: %d" % (disk, 5 * M)
    assert knob(c, "hio", "blkio", "blkio.throttle.read_bps_device") == ""
    c.SetProperty("hio", "io_ops_limit[%s]" % disk, "200")
    assert getp(c, "hio", "io_ops_limit[%s]" % disk) == "200"
    assert knob(c, "hio", "blkio", "blkio.throttle.write_iops_device") == "%s 200" % devno
    for key, value in (("nosuchdisk", "1M"), ("%s q" % disk, "1M"), (disk, "-1"), (disk, "1Q")):
        with pytest.raises(portod.exc.InvalidValue):
            c.SetProperty("hio", "io_limit[%s]" % key, value)
    assert getp(c, "hio", "io_limit") == "%s w: %d" % (disk, 5 * M)
    with pytest.raises(portod.exc.InvalidValue):
        c.GetProperty("hio", "io_limit[%s q]" % disk)


# --- raw knobs, cgroups[name], controllers[name] -----------------------------

def test_raw_knob_properties(portod):
    c = portod.conn()
    start(c, "hk", command=SLEEP, cpu_limit="1c")
    assert "total_rss" in c.GetProperty("hk", "memory.stat") or "rss" in c.GetProperty("hk", "memory.stat")
    assert int(c.GetProperty("hk", "cpu.cfs_quota_us")) == int(knob(c, "hk", "cpu", "cpu.cfs_period_us"))
    assert int(c.GetProperty("hk", "pids.current")) >= 1
    assert c.GetProperty("hk", "root_pid") in c.GetProperty("hk", "cgroup.procs").split()
    # a child without a cpu cgroup of its own reads its parent's
    start(c, "hk/ch", command=SLEEP)
    assert c.GetProperty("hk/ch", "cpu.cfs_quota_us") == c.GetProperty("hk", "cpu.cfs_quota_us")
    for bad in ("memory.nosuch", "nosuchctl.stat", "memory.../memory.stat", "memory./etc/passwd",
                "memory.stat/../x"):
        with pytest.raises(portod.exc.InvalidProperty):
            c.GetProperty("hk", bad)
    make(c, "hk2")
    with pytest.raises(portod.exc.InvalidState):
        c.GetProperty("hk2", "memory.stat")


def test_cgroups_and_controllers_indexed(portod):
    c = portod.conn()
    start(c, "hcg", command=SLEEP)
    path = c.GetProperty("hcg", "cgroups[memory]")
    assert path.endswith("/hcg")
    assert "memory: " + path in c.GetProperty("hcg", "cgroups")
    assert getp(c, "hcg", "controllers[memory]") == "true"
    make(c, "hcg/a")
    assert getp(c, "hcg/a", "controllers[cpu]") == "false"
    with pytest.raises(portod.exc.InvalidValue):
        c.GetProperty("hcg", "cgroups[nosuch]")
    with pytest.raises(portod.exc.InvalidValue):
        c.GetProperty("hcg", "controllers[nosuch]")


# --- bad values: every resource property, nothing changed --------------------

BIG = "99999999999999999999999"
BAD_VALUES = [
    ("memory_limit", "64M", ["-1", "x", "10Q", BIG, "1.5.5M", "64 M M"]),
    ("memory_guarantee", "1M", ["-1", "x", "10Q", BIG]),
    ("thread_limit", "500", ["-1", "x", "1.5", BIG, "10K0"]),
    ("cpu_limit", "0.5c", ["-1", "x", "101", "1.5x", BIG, "-0.5c", "%dc" % (os.cpu_count() + 1)]),
    ("cpu_guarantee", "0.5c", ["-1", "x", "101", "1.5x", BIG]),
    ("cpu_period", "50000000", ["0", "-1", "2s", "x", BIG, "10q"]),
    ("cpu_weight", "2", ["0", "-1", "101", "x", BIG]),
    ("cpu_policy", "batch", ["fast", "RT", "normal2", "-1"]),
    ("cpu_set", "0", ["abc", "-1", "3-1", "99999", "node -1", "threads 0", "threads 99999", "bogus 1"]),
    ("io_policy", "batch", ["fast", "none2", "-1", "RT"]),
    ("oom_score_adj", "100", ["-1001", "1001", "x", BIG, "1.5"]),
    ("oom_is_fatal", "false", ["maybe", "2", "-1"]),
    ("pressurize_on_death", "false", ["maybe", "2"]),
    ("io_limit", None, ["nosuchdisk: 1M", "/: -1", "/: 1Q", "/ q: 1M", "/nonexistent: 1M", "/: " + BIG]),
    ("io_ops_limit", None, ["nosuchdisk: 100", "/: -1", "/: x", "/ q: 1"]),
    ("io_weight", None, ["0", "-1", "101", "x", BIG]),
    ("cpu_set", None, ["node", "reserve x", "cores 1.5", "0-1-2"]),
]


@pytest.mark.parametrize("prop,good,bad", [(p, g, b) for p, g, bs in BAD_VALUES for b in bs])
def test_bad_values_change_nothing(portod, prop, good, bad):
    c = portod.conn()
    start(c, "hbad", command=SLEEP)
    if good is not None:
        c.SetProperty("hbad", prop, good)
    before = str(c.GetProperty("hbad", prop))
    mem = knob(c, "hbad", "memory", "memory.limit_in_bytes")
    cpu = (knob(c, "hbad", "cpu", "cpu.cfs_quota_us"), knob(c, "hbad", "cpu", "cpu.shares"))
    cpus = knob(c, "hbad", "cpuset", "cpuset.cpus")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("hbad", prop, bad)
    assert str(c.GetProperty("hbad", prop)) == before
    assert knob(c, "hbad", "memory", "memory.limit_in_bytes") == mem
    assert (knob(c, "hbad", "cpu", "cpu.cfs_quota_us"), knob(c, "hbad", "cpu", "cpu.shares")) == cpu
    assert knob(c, "hbad", "cpuset", "cpuset.cpus") == cpus


# --- statistics: pause stops them, work makes them grow ----------------------

BUSY = "/bin/sh -c 'while :; do :; done'"


def test_pause_resume_cpu_usage(portod):
    import time
    c = portod.conn()
    start(c, "hpause", command=BUSY, cpu_limit="0.5c")
    time.sleep(0.3)
    c.Pause("hpause")
    time.sleep(0.1)
    a = int(c.GetProperty("hpause", "cpu_usage"))
    time.sleep(0.6)
    # frozen: no growth at all beyond noise
    assert int(c.GetProperty("hpause", "cpu_usage")) - a < 10 ** 7
    c.Resume("hpause")
    b = int(c.GetProperty("hpause", "cpu_usage"))
    from .util import wait_for
    wait_for(lambda: int(c.GetProperty("hpause", "cpu_usage")) - b > 5 * 10 ** 7, timeout=15,
             msg="cpu_usage grows after resume")


def test_stats_grow_with_work(portod):
    from .util import sh, wait_for
    c = portod.conn()
    start(c, "hst", command=sh("sleep 0.3; i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; "
                               "/usr/bin/python3 -c 'b = bytearray(24 << 20); import time; time.sleep(100)'"))
    cpu0 = int(c.GetProperty("hst", "cpu_usage"))
    faults0 = int(c.GetProperty("hst", "minor_faults"))
    wait_for(lambda: int(c.GetProperty("hst", "anon_usage")) >= 24 * M, timeout=30, msg="anon_usage")
    assert int(c.GetProperty("hst", "cpu_usage")) > cpu0 + 10 ** 7
    assert int(c.GetProperty("hst", "minor_faults")) > faults0 + 1000
    assert int(c.GetProperty("hst", "memory_usage")) >= 24 * M
    assert int(c.GetProperty("hst", "process_count")) >= 1


# --- memory odds and ends ----------------------------------------------------

def test_root_hugetlb_limit_is_the_total(portod):
    c = portod.conn()
    kb = 0
    for line in open("/proc/meminfo"):
        if line.startswith("Hugetlb:"):
            kb = int(line.split()[1])
    assert int(c.GetProperty("/", "hugetlb_limit")) == kb * 1024


def test_anon_max_usage_reset(portod):
    c = portod.conn()
    start(c, "hamx", command=SLEEP)
    try:
        int(c.GetProperty("hamx", "anon_max_usage"))
    except portod.exc.NotSupported as exc:
        assert "offstream" in str(exc) or "lacks" in str(exc)
        with pytest.raises(portod.exc.NotSupported):
            c.SetProperty("hamx", "anon_max_usage", "")
        with pytest.raises(portod.exc.NotSupported):
            c.SetProperty("hamx", "max_rss", "")
        return
    c.SetProperty("hamx", "anon_max_usage", "")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("hamx", "anon_max_usage", "5")


@two_cpus
def test_worker_restart_keeps_the_distribution(private):
    from .test_engine_extra import connect, kill_worker
    d = private()
    c = connect(d)
    try:
        host = all_cpus(c)
        start(c, "b", command=SLEEP)
        start(c, "a", command=SLEEP, cpu_set="threads 1", cpu_limit="0.5c", memory_guarantee="8M")
        start(c, "a/k", command=SLEEP, cpu_limit="1c")
        mine = cpu_list(cpus_of(c, "a"))
        c.disconnect()
        kill_worker(d)
        c = connect(d)
        # the restored containers still take part: a new sibling gets the rest
        start(c, "n", command=SLEEP)
        assert cpu_list(cpus_of(c, "n")) == host - mine
        assert cpu_list(cpus_of(c, "b")) == host - mine
        # and the cpu bound still reaches the restored child
        c.SetProperty("a", "cpu_limit", "0.25c")
        assert quota(c, "a/k") == pytest.approx(0.25)
        assert int(c.GetProperty("/", "memory_guarantee_total")) == 8 * M
        c.Stop("a")
        assert cpu_list(cpus_of(c, "b")) == host
    finally:
        c.disconnect()


def test_under_overcommit_only_root_starts_first_level(private):
    """The manual: under overcommit porto starts only containers without a
    guarantee, and a non-root user only sub-containers."""
    import pwd
    from .test_engine_extra import GroupsDaemon, as_user, attempt, connect, free_gids, kill_worker
    total = host_total()
    g_porto, = free_gids(1)
    d = private(cls=GroupsDaemon, extra_groups="porto:x:%d:\n" % g_porto,
                config_text="daemon { memory_guarantee_reserve: %d }" % (total - 256 * M))
    sock = d.socket
    nobody = pwd.getpwnam("nobody").pw_uid

    def as_nobody(*steps):
        def fn():
            import porto
            n = porto.Connection(socket_path=sock)
            out = []
            for step in steps:
                out.append(attempt(getattr(n, step[0]), *step[1:]))
            return out
        return as_user(nobody, nobody, [g_porto], fn)

    c = connect(d)
    try:
        start(c, "g", command=SLEEP, memory_guarantee="200M")
        assert as_nobody(("Create", "u"), ("Start", "u")) == ["ok", "ok"]
        # a bigger reserve: the running guarantees are now above what is left
        with open(d.config, "w") as f:
            f.write("daemon { memory_guarantee_reserve: %d }" % (total - 64 * M))
        c.disconnect()
        kill_worker(d)
        c = connect(d)
        start(c, "free", command=SLEEP)                 # root, no guarantee: fine
        make(c, "g2", command=SLEEP, memory_guarantee="1M")
        import porto
        with pytest.raises(porto.exceptions.ResourceNotAvailable):
            c.Start("g2")
        got = as_nobody(("Create", "u2"), ("SetProperty", "u2", "command", SLEEP), ("Start", "u2"),
                        ("Create", "u/s"), ("SetProperty", "u/s", "command", SLEEP), ("Start", "u/s"))
        assert got[:2] == ["ok", "ok"] and got[3:] == ["ok", "ok", "ok"], got
        assert got[2].startswith("ResourceNotAvailable") and "overcommit" in got[2], got
    finally:
        c.disconnect()


# --- limits of the parent hold for the child ---------------------------------

def test_memory_limit_total_over_three_levels(portod):
    c = portod.conn()
    make(c, "hm")                                   # first level: the default
    default = int(c.GetProperty("hm", "memory_limit"))
    make(c, "hm/a", memory_limit="512M")
    make(c, "hm/a/b", memory_limit="1G")
    make(c, "hm/a/b/c")
    assert int(c.GetProperty("hm", "memory_limit_total")) == default
    assert getp(c, "hm/a", "memory_limit_total") == str(512 * M)
    assert getp(c, "hm/a/b", "memory_limit_total") == str(512 * M)
    assert getp(c, "hm/a/b/c", "memory_limit_total") == str(512 * M)
    c.SetProperty("hm/a/b", "memory_limit", "256M")
    assert getp(c, "hm/a/b/c", "memory_limit_total") == str(256 * M)
    assert int(c.GetProperty("/", "memory_limit_total")) == host_total() or \
        abs(int(c.GetProperty("/", "memory_limit_total")) - host_total()) < 64 * M


# 40 forks, each child sleeping; refusals counted (a shell would die at the
# first one). Bounded by the count and by the parent's limit.
FORK40 = """/usr/bin/python3 -c '
import os, sys, time
refused = 0
for i in range(40):
    try:
        pid = os.fork()
    except OSError:
        refused += 1
        continue
    if pid == 0:
        time.sleep(100)
        os._exit(0)
print("done", "refused" if refused else "all", refused, flush=True)
time.sleep(100)
'"""


def test_parent_thread_limit_holds_for_a_child_with_a_bigger_one(portod):
    c = portod.conn()
    make(c, "ht", thread_limit="20")
    # 40 background sleeps asked for; the parent's 20 stop them (bounded)
    start(c, "ht/k", thread_limit="1000", command=FORK40)
    from .util import wait_for
    wait_for(lambda: "done" in c.GetProperty("ht/k", "stdout"), timeout=20, msg="forks tried")
    n = int(c.GetProperty("ht/k", "thread_count"))
    assert 10 <= n <= 20, n
    assert "refused" in c.GetProperty("ht/k", "stdout")
    assert getp(c, "ht/k", "thread_limit") == "1000"


@two_cpus
def test_deeper_siblings_of_a_reservation_get_their_own_cpuset(portod):
    c = portod.conn()
    host = all_cpus(c)
    make(c, "hd")
    make(c, "hd/t", command=SLEEP, cpu_set="threads 1")
    make(c, "hd/in", command=SLEEP)
    # no limit of its own, but a sibling reserves: it gets a cpuset cgroup
    assert "cpuset" in getp(c, "hd/in", "controllers")
    c.Start("hd/t")
    c.Start("hd/in")
    mine = cpu_list(cpus_of(c, "hd/t"))
    assert len(mine) == 1
    assert cpu_list(cpus_of(c, "hd/in")) == host - mine
    c.Stop("hd/t")
    assert cpu_list(cpus_of(c, "hd/in")) == host


# --- io_limit on a loop-device filesystem ------------------------------------

@pytest.fixture
def loop_fs(tmp_path):
    """A 64M ext4 on a loop device mounted under tmp_path; removed after."""
    import subprocess
    img, mnt = tmp_path / "img", tmp_path / "mnt"
    mnt.mkdir()
    with open(img, "wb") as f:
        f.truncate(64 * M)
    subprocess.run(["mkfs.ext4", "-q", "-F", str(img)], check=True, capture_output=True)
    dev = subprocess.run(["losetup", "-f", "--show", str(img)], check=True, capture_output=True,
                         text=True).stdout.strip()
    try:
        subprocess.run(["mount", dev, str(mnt)], check=True, capture_output=True)
        try:
            yield str(mnt), os.path.basename(dev)
        finally:
            subprocess.run(["umount", str(mnt)], check=False)
    finally:
        subprocess.run(["losetup", "-d", dev], check=False)
        img.unlink()


def test_io_limit_throttles_dd_on_a_loop_device(portod, loop_fs):
    from .util import run_dead, sh
    mnt, disk = loop_fs
    c = portod.conn()
    dd = sh("s=$(date +%%s%%N); dd if=/dev/zero of=%s/f bs=1M count=6 oflag=direct 2>/dev/null; "
            "e=$(date +%%s%%N); echo $(( (e - s) / 1000000 ))" % mnt)
    # the path form: the disk under the mount point is the loop device
    run_dead(c, "hloop", timeout=40, io_limit="%s w: 2M" % mnt, command=dd)
    ms = int(c.GetProperty("hloop", "stdout"))
    assert ms >= 1500, ms          # 6M at 2M/s: about 3s, the first second's budget aside
    assert getp(c, "hloop", "io_limit[%s w]" % mnt) == str(2 * M)
    assert int(c.GetProperty("hloop", "io_write[%s]" % disk)) >= 6 * M
    assert int(c.GetProperty("hloop", "io_write[%s]" % mnt)) >= 6 * M
    # unlimited, the same write is much faster
    run_dead(c, "hloop2", timeout=40, command=dd)
    assert int(c.GetProperty("hloop2", "stdout")) < ms


def test_io_dot_path_resolves_in_the_container_root(portod, loop_fs):
    """The manual: "." and "./x" keys are paths in the container's root,
    absolute ones are host paths."""
    from .test_resources import root_disk
    mnt, disk = loop_fs
    host_disk, host_devno = root_disk()
    os.makedirs(os.path.join(mnt, "sub"))
    st = os.stat(mnt)
    devno = "%d:%d" % (os.major(st.st_dev), os.minor(st.st_dev))
    c = portod.conn()
    make(c, "hdot", root=mnt)
    c.Start("hdot")    # meta: no command, its root is the loop filesystem
    c.SetProperty("hdot", "io_limit", ". w: 1M")
    assert knob(c, "hdot", "blkio", "blkio.throttle.write_bps_device") == "%s %d" % (devno, M)
    c.SetProperty("hdot", "io_ops_limit", "./sub r: 10")
    assert knob(c, "hdot", "blkio", "blkio.throttle.read_iops_device") == "%s 10" % devno
    assert int(c.GetProperty("hdot", "io_write[.]")) >= 0
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("hdot", "io_limit", "./nosuch w: 1M")
    # an absolute path stays a host path; without a root "." is the host's
    c.SetProperty("hdot", "io_limit", "/ w: 2M")
    assert knob(c, "hdot", "blkio", "blkio.throttle.write_bps_device") == "%s %d" % (host_devno, 2 * M)
    start(c, "hdot2", command=SLEEP, io_limit=". r: 3M")
    assert knob(c, "hdot2", "blkio", "blkio.throttle.read_bps_device") == "%s %d" % (host_devno, 3 * M)


@pytest.mark.skipif(not os.path.exists("/bin/busybox"), reason="busybox-static is not installed")
def test_io_dot_path_of_a_running_container_sees_its_binds(portod, loop_fs, tmp_path):
    """While it runs, "./x" is resolved in the container's own view: a
    bind of the loop filesystem inside it counts (the host path under
    its root is an empty directory on another disk)."""
    from .test_isolation_fs import make_rootfs
    mnt, disk = loop_fs
    st = os.stat(mnt)
    devno = "%d:%d" % (os.major(st.st_dev), os.minor(st.st_dev))
    import shutil
    root = make_rootfs(str(tmp_path))
    c = portod.conn()
    try:
        start(c, "hdotb", command="/bin/sleep 1000", root=root, bind="%s /mnt" % mnt)
        c.SetProperty("hdotb", "io_limit", "./mnt w: 1M")
        assert knob(c, "hdotb", "blkio", "blkio.throttle.write_bps_device") == "%s %d" % (devno, M)
        assert int(c.GetProperty("hdotb", "io_write[./mnt]")) >= 0
    finally:
        c.Destroy("hdotb")
        shutil.rmtree(root, ignore_errors=True)
