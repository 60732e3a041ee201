"""Resource limits and statistics of issue 3 (porto.md Memory, CPU, Disk IO,
CGROUPS, thread_limit): limits hold under real load, live changes reach the
cgroup, bad values are refused without changing anything."""

import os
import time

import pytest

from .test_engine_extra import private  # noqa: F401 - fixture
from .util import getp, knob, CAP_SYS_RESOURCE, have_cap, cgroup_dir, make, proc_status, run_dead, sh, start, wait_for, wait_state

SLEEP = "sleep 1000"
M = 1 << 20




# --- memory ------------------------------------------------------------------

def test_memory_limit_suffixes_and_bytes(portod):
    c = portod.conn()
    make(portod.conn(), "rs-ml")
    for value, expect in (("64M", 64 * M), ("1.5G", 1536 * M), ("100000", 100000), ("0", 0)):
        c.SetProperty("rs-ml", "memory_limit", value)
        assert getp(c, "rs-ml", "memory_limit") == str(expect)


@pytest.mark.parametrize("bad", ["-1", "garbage", "10Q", "1e3", "99999999999999999999999", "1M1"])
def test_memory_limit_bad_values(portod, bad):
    c = portod.conn()
    make(c, "rs-mlbad", memory_limit="32M")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("rs-mlbad", "memory_limit", bad)
    assert getp(c, "rs-mlbad", "memory_limit") == str(32 * M)


def test_memory_limit_applied_at_start_and_live(portod):
    c = portod.conn()
    start(c, "rs-mlive", command=SLEEP, memory_limit="64M")
    assert int(knob(c, "rs-mlive", "memory", "memory.limit_in_bytes")) == 64 * M
    assert int(c.GetProperty("rs-mlive", "memory.limit_in_bytes")) == 64 * M
    c.SetProperty("rs-mlive", "memory_limit", "128M")
    assert int(knob(c, "rs-mlive", "memory", "memory.limit_in_bytes")) == 128 * M
    assert getp(c, "rs-mlive", "memory_limit") == str(128 * M)
    # a child's limit on top of the parent's: memory_limit_total is the minimum
    start(c, "rs-mlive/ch", command=SLEEP, memory_limit="256M")
    assert getp(c, "rs-mlive/ch", "memory_limit_total") == str(128 * M)
    c.SetProperty("rs-mlive/ch", "memory_limit", "16M")
    assert getp(c, "rs-mlive/ch", "memory_limit_total") == str(16 * M)


def test_first_level_default_memory_limit(portod):
    c = portod.conn()
    make(c, "rs-mdef")
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    v = int(c.GetProperty("rs-mdef", "memory_limit"))
    assert v == max(total - (2 << 30), total // 4 * 3) or abs(v - max(total - (2 << 30), total // 4 * 3)) < 64 * M
    make(c, "rs-mdef/ch")
    assert getp(c, "rs-mdef/ch", "memory_limit") == "0"


@pytest.mark.parametrize("margin", [1 << 30, 64 << 30])
def test_memory_limit_margin_from_config(private, margin):
    """container.memory_limit_margin: the first-level default is
    max(total - margin, total * 3/4), in the property and the kernel."""
    from .test_engine_extra import connect
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    want = max(total - margin, total // 4 * 3)
    d = private("container { memory_limit_margin: %d }" % margin)
    c = connect(d)
    try:
        start(c, "mm", command=SLEEP)
        assert abs(int(c.GetProperty("mm", "memory_limit")) - want) < 64 * M
        assert abs(int(knob(c, "mm", "memory", "memory.limit_in_bytes")) - want) < 64 * M
    finally:
        c.disconnect()


def test_oom_kill(portod):
    c = portod.conn()
    # 200M of distinct pages (bytearray touches them) under a 64M limit
    run_dead(c, "rs-oom", timeout=30, memory_limit="64M",
             command="/usr/bin/python3 -c 'b = bytearray(200 << 20); import time; time.sleep(5)'")
    assert getp(c, "rs-oom", "oom_killed") == "true"
    assert getp(c, "rs-oom", "exit_code") == "-99"
    assert int(c.GetProperty("rs-oom", "oom_kills")) >= 1


def test_no_oom_below_limit(portod):
    c = portod.conn()
    run_dead(c, "rs-nooom", timeout=30, memory_limit="128M",
             command="/usr/bin/python3 -c 'b = bytearray(16 << 20)'")
    assert getp(c, "rs-nooom", "oom_killed") == "false"
    assert getp(c, "rs-nooom", "exit_code") == "0"


@pytest.mark.parametrize("prop,value", [("anon_limit", "1G"),
                                        ("anon_only", "true"), ("dirty_limit", "1M"),
                                        ("recharge_on_pgfault", "true")])
def test_offstream_memory_not_supported(portod, prop, value):
    c = portod.conn()
    start(c, "rs-offs", command=SLEEP)
    with pytest.raises(portod.exc.NotSupported) as ei:
        c.SetProperty("rs-offs", prop, value)
    assert "offstream" in str(ei.value) or "lacks" in str(ei.value)
    with pytest.raises(portod.exc.NotSupported):
        c.GetProperty("rs-offs", prop)


def test_memory_statistics(portod):
    c = portod.conn()
    start(c, "rs-mstat", command=sh("head -c 50000000 /dev/zero > f; "
                                     "/usr/bin/python3 -c 'b = bytearray(32 << 20); import time; time.sleep(100)'"))
    wait_for(lambda: int(c.GetProperty("rs-mstat", "anon_usage")) >= 32 * M, timeout=10, msg="anon_usage")
    assert int(c.GetProperty("rs-mstat", "memory_usage")) >= 32 * M
    assert int(c.GetProperty("rs-mstat", "cache_usage")) >= 0
    assert int(c.GetProperty("rs-mstat", "minor_faults")) > 1000
    assert int(c.GetProperty("rs-mstat", "major_faults")) >= 0
    assert getp(c, "rs-mstat", "oom_kills") == "0"
    with pytest.raises(portod.exc.NotSupported):
        c.GetProperty("rs-mstat", "max_rss")


def test_anon_usage_counts_shmem(portod):
    """The manual: anon_usage counts pages without a disk behind them,
    tmpfs/shmem included (a memfd is shmem: nothing left behind); cache_usage
    does not."""
    c = portod.conn()
    start(c, "rs-shm", command="/usr/bin/python3 -c 'import os, time\n"
          "fd = os.memfd_create(\"x\")\n"
          "for _ in range(32): os.write(fd, bytes(1 << 20))\n"
          "print(\"written\", flush=True)\n"
          "time.sleep(100)'")
    wait_for(lambda: "written" in c.GetProperty("rs-shm", "stdout"), timeout=10, msg="memfd written")
    assert int(c.GetProperty("rs-shm", "anon_usage")) >= 32 * M
    assert int(c.GetProperty("rs-shm", "cache_usage")) < 16 * M
    assert int(c.GetProperty("rs-shm", "memory_usage")) >= 32 * M


MAJOR_FAULTS = ("/usr/bin/python3 -c 'import mmap, os\n"
                "fd = os.open(\"mf\", os.O_RDWR | os.O_CREAT | os.O_TRUNC)\n"
                "os.write(fd, os.urandom(8 << 20)); os.fsync(fd)\n"
                "os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)\n"
                "m = mmap.mmap(fd, 8 << 20, prot=mmap.PROT_READ)\n"
                "m.madvise(mmap.MADV_RANDOM)\n"
                "sum(m[i] for i in range(0, 8 << 20, 4096))\n"
                "os.unlink(\"mf\")'")


def test_major_faults_from_disk(portod):
    """Pages read from disk on a fault (the file dropped from the cache
    first, no readahead) count as major faults; cached ones do not."""
    c = portod.conn()
    run_dead(c, "rs-majf", timeout=30, command=MAJOR_FAULTS)
    assert getp(c, "rs-majf", "exit_code") == "0", c.GetProperty("rs-majf", "stderr")
    assert int(c.GetProperty("rs-majf", "major_faults")) >= 100
    run_dead(c, "rs-majf2", timeout=30, command=MAJOR_FAULTS.replace("os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)",
                                                                      "0"))
    assert int(c.GetProperty("rs-majf2", "major_faults")) < 100


def test_properties_listed_with_help(portod):
    rsp = portod.raw_call("propertyList")
    helps = {p.name: p.desc for p in rsp.propertyList.list}
    for p in ("memory_limit", "memory_limit_total", "anon_usage", "cache_usage", "oom_kills",
              "cpu_limit", "cpu_guarantee", "cpu_policy", "cpu_set", "thread_limit", "io_limit", "io_read"):
        assert helps.get(p), p


# --- cpu ---------------------------------------------------------------------

BUSY2 = sh("while :; do :; done & while :; do :; done")


def ncpus():
    return os.cpu_count()


def test_cpu_limit_forms(portod):
    c = portod.conn()
    make(c, "rs-cpuf")
    for value, expect in (("0.5c", "0.5c"), ("1c", "1c"), ("50", "%gc" % (ncpus() / 2)),
                          ("1.25c", "1.25c"), ("0", "0c")):
        c.SetProperty("rs-cpuf", "cpu_limit", value)
        assert getp(c, "rs-cpuf", "cpu_limit") == expect, value
    assert getp(c, "/", "cpu_limit") == "%dc" % ncpus()


@pytest.mark.parametrize("prop", ["cpu_limit", "cpu_guarantee"])
@pytest.mark.parametrize("bad", ["-1", "abc", "101", "%dc" % (os.cpu_count() + 1), "1.5x", "1e2", "-0.5c"])
def test_cpu_power_bad_values(portod, prop, bad):
    c = portod.conn()
    make(c, "rs-cpubad", **{prop: "0.5c"})
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("rs-cpubad", prop, bad)
    assert getp(c, "rs-cpubad", prop) == "0.5c"


@pytest.mark.parametrize("prop,bad", [("cpu_period", "0"), ("cpu_period", "2s"), ("cpu_period", "x"),
                                      ("cpu_weight", "0"), ("cpu_weight", "101"), ("cpu_weight", "-1"),
                                      ("cpu_policy", "fast"), ("cpu_policy", "")])
def test_cpu_bad_values(portod, prop, bad):
    c = portod.conn()
    make(c, "rs-cpubad2")
    before = getp(c, "rs-cpubad2", prop)
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("rs-cpubad2", prop, bad)
    assert getp(c, "rs-cpubad2", prop) == before


def test_cpu_policy_iso_not_supported(portod):
    c = portod.conn()
    make(c, "rs-iso")
    with pytest.raises(portod.exc.NotSupported):
        c.SetProperty("rs-iso", "cpu_policy", "iso")
    assert getp(c, "rs-iso", "cpu_policy") == "normal"


def cpu_rate(c, names, seconds=2.0):
    before = {n: int(c.GetProperty(n, "cpu_usage")) for n in names}
    t0 = time.monotonic()
    time.sleep(seconds)
    dt = time.monotonic() - t0
    return {n: (int(c.GetProperty(n, "cpu_usage")) - before[n]) / dt / 1e9 for n in names}


@pytest.mark.skipif(os.cpu_count() < 2, reason="needs 2 cpus")
def test_cpu_limit_holds(portod):
    c = portod.conn()
    start(c, "rs-half", command=BUSY2, cpu_limit="0.5c")
    start(c, "rs-one", command=BUSY2, cpu_limit="1c")
    time.sleep(0.3)
    # the limits are upper bounds: they hold in every window; the share
    # each gets below them depends on the host's other load, so the ratio
    # needs only one quiet window out of three
    rates = []
    for _ in range(5):
        rate = cpu_rate(c, ["rs-half", "rs-one"], seconds=1.5)
        rates.append(rate)
        assert 0.1 <= rate["rs-half"] <= 0.6, rates
        assert 0.1 <= rate["rs-one"] <= 1.1, rates
        if rate["rs-one"] > rate["rs-half"] * 1.3:
            break
    else:
        # other tests share the 2 cpus: only a busy host excuses it, and
        # then the kernel must at least hold the right quotas
        load = float(open("/proc/loadavg").read().split()[0])
        if load < os.cpu_count():
            pytest.fail("1c never got clearly more than 0.5c on a quiet host: %r" % rates)
        assert knob(c, "rs-half", "cpu", "cpu.cfs_quota_us") == "50000"
        assert knob(c, "rs-one", "cpu", "cpu.cfs_quota_us") == "100000"
    assert int(c.GetProperty("rs-half", "cpu_throttled")) > 0
    # live change: lift the limit of the first one
    c.SetProperty("rs-half", "cpu_limit", "0.2c")
    assert knob(c, "rs-half", "cpu", "cpu.cfs_quota_us") == "20000"
    time.sleep(0.3)
    rate = cpu_rate(c, ["rs-half"])
    assert rate["rs-half"] <= 0.3, rate


def test_cpu_knobs_applied(portod):
    c = portod.conn()
    start(c, "rs-cknob", command=SLEEP, cpu_limit="1c", cpu_period="50ms", cpu_guarantee="1c")
    assert knob(c, "rs-cknob", "cpu", "cpu.cfs_period_us") == "50000"
    assert knob(c, "rs-cknob", "cpu", "cpu.cfs_quota_us") == "50000"
    assert knob(c, "rs-cknob", "cpu", "cpu.shares") == "2048"
    c.SetProperty("rs-cknob", "cpu_weight", "2")
    assert knob(c, "rs-cknob", "cpu", "cpu.shares") == "4096"
    c.SetProperty("rs-cknob", "cpu_guarantee", "0.5c")        # live: 1024 * 1.5 * 2
    assert knob(c, "rs-cknob", "cpu", "cpu.shares") == "3072"
    c.SetProperty("rs-cknob", "cpu_period", "100ms")
    assert knob(c, "rs-cknob", "cpu", "cpu.cfs_period_us") == "100000"
    assert knob(c, "rs-cknob", "cpu", "cpu.cfs_quota_us") == "100000"
    assert getp(c, "rs-cknob", "cpu_period") == "100000000"


def test_cpu_policy_applied(portod):
    c = portod.conn()
    start(c, "rs-pol", command=SLEEP, cpu_policy="batch")
    pid = int(c.GetProperty("rs-pol", "root_pid"))
    assert os.sched_getscheduler(pid) == os.SCHED_BATCH
    c.SetProperty("rs-pol", "cpu_policy", "idle")
    assert os.sched_getscheduler(pid) == os.SCHED_IDLE
    assert int(knob(c, "rs-pol", "cpu", "cpu.shares")) == 64
    c.SetProperty("rs-pol", "cpu_policy", "normal")
    assert os.sched_getscheduler(pid) == os.SCHED_OTHER
    assert os.getpriority(os.PRIO_PROCESS, pid) == 0
    c.SetProperty("rs-pol", "cpu_policy", "high")
    assert os.getpriority(os.PRIO_PROCESS, pid) == -10
    assert int(knob(c, "rs-pol", "cpu", "cpu.shares")) == 1024 * 16
    # rt: SCHED_RR (the cgroup gets rt runtime where the kernel wants it)
    rt_top(c, "rs-pol")
    c.SetProperty("rs-pol", "cpu_policy", "rt")
    assert_rr(c, "rs-pol")
    assert getp(c, "rs-pol", "cpu_policy") == "rt"


def test_cpu_weight_sets_nice(portod):
    """The manual: +10% cpu_weight is -1 nice (on top of the policy's)."""
    c = portod.conn()
    start(c, "rs-wn", command=SLEEP, cpu_weight="2")
    pid = int(c.GetProperty("rs-wn", "root_pid"))
    assert os.getpriority(os.PRIO_PROCESS, pid) == -7          # round(log 2 / log 1.1)
    c.SetProperty("rs-wn", "cpu_weight", "0.5")
    assert os.getpriority(os.PRIO_PROCESS, pid) == 7
    c.SetProperty("rs-wn", "cpu_policy", "high")
    assert os.getpriority(os.PRIO_PROCESS, pid) == -3
    c.SetProperty("rs-wn", "cpu_weight", "1")
    assert os.getpriority(os.PRIO_PROCESS, pid) == -10
    c.SetProperty("rs-wn", "cpu_policy", "normal")
    assert os.getpriority(os.PRIO_PROCESS, pid) == 0


def rt_runtime(c, name):
    return int(knob(c, name, "cpu", "cpu.rt_runtime_us"))


def rt_top(c, name):
    """Our root cpu cgroup if the kernel has RT group scheduling, else None;
    skips when other daemons on the host hold the rt budget."""
    top = os.path.dirname(cgroup_dir("cpu", c.GetProperty(name, "cgroups[cpu]")))
    if not os.path.exists(os.path.join(top, "cpu.rt_runtime_us")):
        return None
    parent = os.path.dirname(top)
    rt = lambda d: int(open(os.path.join(d, "cpu.rt_runtime_us")).read())  # noqa: E731
    others = sum(rt(e.path) for e in os.scandir(parent) if e.is_dir() and e.path != top)
    if rt(parent) - others < 100000:
        pytest.skip("the host's rt runtime is held by other cgroups")
    return top


def assert_rr(c, name):
    pid = int(c.GetProperty(name, "root_pid"))
    assert os.sched_getscheduler(pid) == os.SCHED_RR, name
    assert os.sched_getparam(pid).sched_priority == 10, name
    assert os.getpriority(os.PRIO_PROCESS, pid) == -20, name


def test_cpu_policy_rt_runtime(portod):
    """cpu_policy=rt is real SCHED_RR: with RT group scheduling the cpu
    cgroups from the daemon's root down get rt runtime (shared by the rt
    containers, a limited one its cpu_limit's fraction), returned at stop."""
    c = portod.conn()
    make(c, "rs-rta", command=SLEEP, cpu_policy="rt")
    top = rt_top(c, "rs-rta")
    c.Start("rs-rta")
    assert_rr(c, "rs-rta")
    if not top:
        return  # no RT group scheduling: plain SCHED_RR, checked above

    def top_rt():
        with open(os.path.join(top, "cpu.rt_runtime_us")) as f:
            return int(f.read())

    a = rt_runtime(c, "rs-rta")
    assert a > 0 and top_rt() == a
    # a sibling: both SCHED_RR, equal shares that fit in the top
    start(c, "rs-rtb", command=SLEEP, cpu_policy="rt")
    assert_rr(c, "rs-rtb")
    assert_rr(c, "rs-rta")
    a, b = rt_runtime(c, "rs-rta"), rt_runtime(c, "rs-rtb")
    assert a > 0 and abs(a - b) <= 1 and top_rt() == a + b
    # nested under a normal parent: the chain carries it; a cpu_limit'ed
    # one gets that fraction of the host's cpus
    make(c, "rs-rtp")
    start(c, "rs-rtp/ch", command=SLEEP, cpu_policy="rt", cpu_limit="0.5c")
    assert_rr(c, "rs-rtp/ch")
    ch = rt_runtime(c, "rs-rtp/ch")
    assert 0 < ch <= 500000 // ncpus()
    assert rt_runtime(c, "rs-rtp") == ch
    assert top_rt() == rt_runtime(c, "rs-rta") + rt_runtime(c, "rs-rtb") + ch
    # stop returns it: the parents shrink, the others get more
    c.Stop("rs-rtp")
    c.Stop("rs-rta")
    assert rt_runtime(c, "rs-rtb") >= b
    assert top_rt() == rt_runtime(c, "rs-rtb")
    assert_rr(c, "rs-rtb")
    # live changes
    c.SetProperty("rs-rtb", "cpu_policy", "normal")
    pid = int(c.GetProperty("rs-rtb", "root_pid"))
    assert os.sched_getscheduler(pid) == os.SCHED_OTHER
    assert os.getpriority(os.PRIO_PROCESS, pid) == 0
    assert rt_runtime(c, "rs-rtb") == 0 and top_rt() == 0
    start(c, "rs-rtc", command=SLEEP)
    c.SetProperty("rs-rtc", "cpu_policy", "rt")
    assert_rr(c, "rs-rtc")
    assert rt_runtime(c, "rs-rtc") > 0
    c.SetProperty("rs-rtc", "cpu_limit", "0.5c")
    assert 0 < rt_runtime(c, "rs-rtc") <= 500000 // ncpus()
    c.SetProperty("rs-rtc", "cpu_limit", "0")
    assert rt_runtime(c, "rs-rtc") > 500000 // ncpus()
    # death releases it too
    c.Kill("rs-rtc", 9)
    wait_state(c, "rs-rtc", "dead")
    assert top_rt() == 0
    c.Stop("rs-rtc")
    assert top_rt() == 0


def test_cpu_policy_rt_after_worker_restart(private):
    """A restored rt container keeps its runtime and counts when the new
    worker shares the budget with the next one."""
    from .test_engine_extra import connect, kill_worker
    d = private()
    c = connect(d)
    make(c, "rta", command=SLEEP, cpu_policy="rt")
    try:
        top = rt_top(c, "rta")
    finally:
        c.disconnect()
    if not top:
        pytest.skip("no RT group scheduling")
    c = connect(d)
    c.Start("rta")
    before = rt_runtime(c, "rta")
    c.disconnect()
    kill_worker(d)
    c = connect(d)
    try:
        assert rt_runtime(c, "rta") == before
        start(c, "rtb", command=SLEEP, cpu_policy="rt")
        assert_rr(c, "rta")
        assert_rr(c, "rtb")
        a, b = rt_runtime(c, "rta"), rt_runtime(c, "rtb")
        assert 0 < a < before and abs(a - b) <= 1
    finally:
        c.disconnect()


def test_cpu_statistics(portod):
    c = portod.conn()
    start(c, "rs-cstat", command=sh("i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; cat /proc/self/status "
                                     ">/dev/null; sleep 100"))
    wait_for(lambda: int(c.GetProperty("rs-cstat", "cpu_usage")) > 10 ** 7, timeout=20, msg="cpu_usage")
    assert int(c.GetProperty("rs-cstat", "cpu_usage_system")) >= 0
    assert int(c.GetProperty("rs-cstat", "cpu_throttled")) == 0
    # kernel work (copying 1G from /dev/zero) shows in cpu_usage_system,
    # which is a part of cpu_usage
    run_dead(c, "rs-csys", timeout=60, command=sh("head -c 1000000000 /dev/zero > /dev/null"))
    system, total = int(c.GetProperty("rs-csys", "cpu_usage_system")), int(c.GetProperty("rs-csys", "cpu_usage"))
    assert 10 ** 7 <= system <= total * 1.05 + 10 ** 7, (system, total)
    try:
        int(c.GetProperty("rs-cstat", "cpu_wait"))
    except portod.exc.NotSupported:
        pass


def test_pause_stops_cpu_usage(portod):
    c = portod.conn()
    start(c, "rs-pcpu", command=BUSY2, cpu_limit="0.5c")
    time.sleep(0.3)
    c.Pause("rs-pcpu")
    time.sleep(0.1)
    a = int(c.GetProperty("rs-pcpu", "cpu_usage"))
    time.sleep(0.5)
    assert int(c.GetProperty("rs-pcpu", "cpu_usage")) - a < 10 ** 7
    c.Resume("rs-pcpu")


def test_deeper_container_cpu_cgroup_rule(portod):
    c = portod.conn()
    make(c, "rs-ctl")
    make(c, "rs-ctl/a")
    make(c, "rs-ctl/b", cpu_limit="0.5c")
    make(c, "rs-ctl/d")
    c.SetProperty("rs-ctl/d", "controllers[pids]", "true")
    ctl = lambda n: set(str(c.GetProperty(n, "controllers")).split(";"))  # noqa: E731
    assert {"memory", "cpu", "cpuset", "pids", "freezer"} <= ctl("rs-ctl")
    assert "cpu" not in ctl("rs-ctl/a") and "memory" in ctl("rs-ctl/a")
    assert "cpu" in ctl("rs-ctl/b")
    assert "pids" in ctl("rs-ctl/d") and "cpu" not in ctl("rs-ctl/d")
    assert getp(c, "rs-ctl/d", "controllers[pids]") == "true"
    c.SetProperty("rs-ctl/a", "command", SLEEP)
    c.Start("rs-ctl/a")
    # no cpu cgroup of its own: a running container cannot get one
    with pytest.raises(portod.exc.InvalidState):
        c.SetProperty("rs-ctl/a", "cpu_limit", "1c")
    assert getp(c, "rs-ctl/a", "cpu_limit") == "0c"
    c.SetProperty("rs-ctl/b", "command", SLEEP)
    c.Start("rs-ctl/b")
    assert knob(c, "rs-ctl/b", "cpu", "cpu.cfs_quota_us") == "50000"
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("rs-ctl/d", "controllers[nosuch]", "true")


# --- cpu_set -----------------------------------------------------------------

def test_cpu_set_pins(portod):
    c = portod.conn()
    start(c, "rs-pin", command=SLEEP, cpu_set="0")
    pid = int(c.GetProperty("rs-pin", "root_pid"))
    assert proc_status(pid)["Cpus_allowed_list"] == "0"
    assert getp(c, "rs-pin", "cpu_set") == "0"
    assert getp(c, "rs-pin", "cpu_set_affinity") == "0"
    if ncpus() >= 2:
        c.SetProperty("rs-pin", "cpu_set", "1")
        assert proc_status(pid)["Cpus_allowed_list"] == "1"
        assert getp(c, "rs-pin", "cpu_set_affinity") == "1"


def test_cpu_set_inherit(portod):
    c = portod.conn()
    start(c, "rs-inh", command=SLEEP, cpu_set="")
    pid = int(c.GetProperty("rs-inh", "root_pid"))
    assert proc_status(pid)["Cpus_allowed_list"] == getp(c, "/", "cpu_set_affinity")
    assert getp(c, "rs-inh", "cpu_set") == ""


@pytest.mark.parametrize("bad", ["abc", "0-", "3-1", "9999", "0,,x", "node", "threads x", "node 999",
                                 "threads 0", "threads 99999", "cores -1", "reserve 1.5", "bogus 1"])
def test_cpu_set_bad_values(portod, bad):
    c = portod.conn()
    make(c, "rs-csbad", cpu_set="0")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("rs-csbad", "cpu_set", bad)
    assert getp(c, "rs-csbad", "cpu_set") == "0"


# --- thread_limit ------------------------------------------------------------

def test_thread_limit_default_first_level(portod):
    c = portod.conn()
    start(c, "rs-tdef", command=SLEEP)
    assert getp(c, "rs-tdef", "thread_limit") == "10000"
    assert knob(c, "rs-tdef", "pids", "pids.max") == "10000"
    make(c, "rs-tdef/ch")
    assert getp(c, "rs-tdef/ch", "thread_limit") == "0"


def test_thread_limit_refuses_fork(portod):
    c = portod.conn()
    # at most 50 short sleeps; with 20 threads allowed some forks must fail
    script = ("n=0; for i in $(seq 50); do (sleep 2 &) 2>/dev/null && n=$((n+1)); done; "
              "echo started $n")
    run_dead(c, "rs-tl", timeout=30, thread_limit="20", command=sh(script), isolate="false")
    out = c.GetProperty("rs-tl", "stdout")
    n = int(out.split()[1])
    assert 10 <= n < 50, out


@pytest.mark.parametrize("bad", ["-1", "x", "1.5", "99999999999999999999999"])
def test_thread_limit_bad_values(portod, bad):
    c = portod.conn()
    make(c, "rs-tlbad", thread_limit="100")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("rs-tlbad", "thread_limit", bad)
    assert getp(c, "rs-tlbad", "thread_limit") == "100"


def test_thread_limit_live(portod):
    c = portod.conn()
    start(c, "rs-tll", command=SLEEP, thread_limit="100")
    assert knob(c, "rs-tll", "pids", "pids.max") == "100"
    c.SetProperty("rs-tll", "thread_limit", "50")
    assert knob(c, "rs-tll", "pids", "pids.max") == "50"
    c.SetProperty("rs-tll", "thread_limit", "0")
    assert knob(c, "rs-tll", "pids", "pids.max") == "max"


def test_process_and_thread_count_from_cgroups(portod):
    c = portod.conn()
    start(c, "rs-thr", command="/usr/bin/python3 -c 'import threading, time\n"
          "[threading.Thread(target=time.sleep, args=(100,), daemon=True).start() for _ in range(4)]\n"
          "time.sleep(100)'")
    wait_for(lambda: int(c.GetProperty("rs-thr", "thread_count")) >= 5, timeout=10, msg="thread_count")
    procs, threads = int(c.GetProperty("rs-thr", "process_count")), int(c.GetProperty("rs-thr", "thread_count"))
    assert procs >= 1 and threads - procs >= 4, (procs, threads)
    # a child's tasks count in the parent too
    start(c, "rs-thr/ch", command=SLEEP)
    wait_for(lambda: int(c.GetProperty("rs-thr", "process_count")) >= procs + 1, timeout=10,
             msg="process_count with the child")


# --- disk io -----------------------------------------------------------------

def root_disk():
    """Name of the whole disk under / (skip when / has no block device)."""
    st = os.stat("/")
    path = "/sys/dev/block/%d:%d" % (os.major(st.st_dev), os.minor(st.st_dev))
    if os.major(st.st_dev) == 0 or not os.path.exists(path):
        pytest.skip("/ is not on a block device")
    real = os.path.realpath(path)
    if os.path.exists(os.path.join(real, "partition")):
        real = os.path.dirname(real)
    return os.path.basename(real), "%d:%d" % tuple(int(x) for x in open(os.path.join(real, "dev")).read().split(":"))


DD_MS = sh("s=$(date +%s%N); dd if=/dev/zero of=ddfile bs=1M count=6 oflag=direct 2>/dev/null; "
           "e=$(date +%s%N); rm -f ddfile; echo $(( (e - s) / 1000000 ))")


def test_io_limit_throttles_dd(portod):
    disk, _ = root_disk()
    c = portod.conn()
    run_dead(c, "rs-io", timeout=40, io_limit="/ w: 2M", command=DD_MS)
    ms = int(c.GetProperty("rs-io", "stdout"))
    assert ms >= 1500, ms
    assert int(c.GetProperty("rs-io", "io_write[%s]" % disk)) >= 6 * M
    assert int(c.GetProperty("rs-io", "io_write[hw]")) >= 6 * M
    assert int(c.GetProperty("rs-io", "io_write[/]")) >= 6 * M
    assert int(c.GetProperty("rs-io", "io_ops[hw]")) > 0
    stat = {k.strip(): int(v) for k, v in
            (item.split(":") for item in str(c.GetProperty("rs-io", "io_write")).split(";") if item.strip())}
    assert stat["hw"] >= 6 * M and stat[disk] >= 6 * M
    int(c.GetProperty("rs-io", "io_read[hw]"))


def test_io_limits_live(portod):
    disk, devno = root_disk()
    c = portod.conn()
    start(c, "rs-iol", command=SLEEP, io_limit="%s r: 10M" % disk, io_ops_limit="%s: 100" % disk)
    assert knob(c, "rs-iol", "blkio", "blkio.throttle.read_bps_device") == "%s %d" % (devno, 10 * M)
    assert knob(c, "rs-iol", "blkio", "blkio.throttle.write_iops_device") == "%s 100" % devno
    assert knob(c, "rs-iol", "blkio", "blkio.throttle.read_iops_device") == "%s 100" % devno
    c.SetProperty("rs-iol", "io_limit", "%s w: 5M" % disk)
    assert knob(c, "rs-iol", "blkio", "blkio.throttle.read_bps_device") == ""
    assert knob(c, "rs-iol", "blkio", "blkio.throttle.write_bps_device") == "%s %d" % (devno, 5 * M)
    assert getp(c, "rs-iol", "io_limit") == "%s w: %d" % (disk, 5 * M)
    c.SetProperty("rs-iol", "io_limit", "")
    assert knob(c, "rs-iol", "blkio", "blkio.throttle.write_bps_device") == ""
    assert getp(c, "rs-iol", "io_limit") == ""
    # io_ops_limit r|w forms, live
    c.SetProperty("rs-iol", "io_ops_limit", "%s w: 30; / r: 40" % disk)
    assert knob(c, "rs-iol", "blkio", "blkio.throttle.write_iops_device") == "%s 30" % devno
    assert knob(c, "rs-iol", "blkio", "blkio.throttle.read_iops_device") == "%s 40" % devno


@pytest.mark.parametrize("prop", ["io_limit", "io_ops_limit"])
@pytest.mark.parametrize("bad", ["nosuchdisk: 1M", "DISK: x", "DISK q: 1M", "/nonexistent/dir: 1M", "/proc: 1M",
                                 "DISK: -1", "DISK 1M"])
def test_io_limit_bad_values(portod, prop, bad):
    disk, _ = root_disk()
    c = portod.conn()
    make(c, "rs-iobad", **{prop: "%s: 1000" % disk})
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("rs-iobad", prop, bad.replace("DISK", disk))
    assert getp(c, "rs-iobad", prop) == "%s: 1000" % disk


def test_io_time_forms(portod):
    """io_time: per disk, hw, [path] like io_read; NotSupported (with the
    reason) on kernels without a per-cgroup io time."""
    disk, _ = root_disk()
    c = portod.conn()
    start(c, "rs-iot", command=SLEEP)
    with pytest.raises(portod.exc.InvalidValue):
        c.GetProperty("rs-iot", "io_time[nosuchdisk]")
    try:
        full = str(c.GetProperty("rs-iot", "io_time"))
    except portod.exc.NotSupported as exc:
        assert "io_service_time" in str(exc)
        for index in ("hw", "/", disk):
            with pytest.raises(portod.exc.NotSupported):
                c.GetProperty("rs-iot", "io_time[%s]" % index)
        return
    assert "hw: " in full
    int(c.GetProperty("rs-iot", "io_time[hw]"))
    assert int(c.GetProperty("rs-iot", "io_time[/]")) == int(c.GetProperty("rs-iot", "io_time[%s]" % disk))


def test_io_fs_not_supported(portod):
    c = portod.conn()
    start(c, "rs-iofs", command=SLEEP)
    with pytest.raises(portod.exc.NotSupported):
        c.SetProperty("rs-iofs", "io_limit", "fs: 1M")
    with pytest.raises(portod.exc.NotSupported):
        c.SetProperty("rs-iofs", "io_ops_limit", "fs: 100")
    with pytest.raises(portod.exc.NotSupported):
        c.GetProperty("rs-iofs", "io_read[fs]")
    with pytest.raises(portod.exc.InvalidValue):
        c.GetProperty("rs-iofs", "io_read[nosuchdisk]")
    assert getp(c, "rs-iofs", "io_limit") == ""


# --- records: a worker restart keeps the resource configuration ---------------

RES_PROPS = ["memory_limit", "memory_limit_total", "cpu_limit", "cpu_guarantee", "cpu_period", "cpu_weight",
             "cpu_policy", "cpu_set", "thread_limit", "io_limit", "io_ops_limit", "controllers", "cgroups",
             "state"]


def test_worker_restart_keeps_resources(private):
    from .test_engine_extra import connect, diff, kill_worker, snapshot
    disk, devno = root_disk()
    d = private()
    c = connect(d)
    make(c, "res", command=SLEEP, memory_limit="100M", cpu_limit="0.5c", cpu_guarantee="0.25c",
         cpu_period="50ms", cpu_weight="2", cpu_policy="batch", cpu_set="0", thread_limit="77",
         io_limit="%s w: 3M" % disk, io_ops_limit="/ r: 50")
    c.Start("res")
    make(c, "res/kid", memory_limit="10M")
    c.SetProperty("res/kid", "controllers[pids]", "true")
    make(c, "stopped", cpu_limit="25", thread_limit="5")
    c.SetProperty("stopped", "controllers[devices]", "false")
    assert "devices" not in str(c.GetProperty("stopped", "controllers")).split(";")
    c.disconnect()
    before = snapshot(d, RES_PROPS)
    kill_worker(d)
    after = snapshot(d, RES_PROPS)
    assert not diff(before, after), "changed by a worker restart:\n  " + "\n  ".join(diff(before, after))
    c = connect(d)
    # live changes still reach the cgroups of the restored container
    c.SetProperty("res", "memory_limit", "90M")
    assert int(knob(c, "res", "memory", "memory.limit_in_bytes")) == 90 * M
    c.SetProperty("res", "thread_limit", "70")
    assert knob(c, "res", "pids", "pids.max") == "70"
    ctl = str(c.GetProperty("stopped", "controllers")).split(";")
    assert "devices" not in ctl and "cpu" in ctl and "freezer" in ctl
    c.disconnect()


# --- io_policy, io_weight, oom_score_adj, totals --------------------------------

def ioprio_of(pid):
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.syscall(252 if os.uname().machine == "x86_64" else 31, 1, pid)  # ioprio_get


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="syscall number")
def test_io_policy_sets_ioprio(portod):
    c = portod.conn()
    start(c, "rs-iop", command=SLEEP, io_policy="batch")
    pid = int(c.GetProperty("rs-iop", "root_pid"))
    assert ioprio_of(pid) == (2 << 13) | 7
    c.SetProperty("rs-iop", "io_policy", "idle")
    assert ioprio_of(pid) >> 13 == 3
    assert getp(c, "rs-iop", "io_policy") == "idle"
    # the manual's table, live: rt RT(4), high BE(0), normal BE(4), batch BE(7)
    for policy, prio in (("rt", (1 << 13) | 4), ("high", (2 << 13) | 0), ("normal", (2 << 13) | 4),
                         ("batch", (2 << 13) | 7)):
        c.SetProperty("rs-iop", "io_policy", policy)
        assert ioprio_of(pid) == prio, policy
    # none: no ioprio of its own, the kernel derives it from the nice
    # value (cpu_policy)
    c.SetProperty("rs-iop", "io_policy", "none")
    assert ioprio_of(pid) >> 13 in (0, 2)
    assert ioprio_of(pid) != (2 << 13) | 7
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("rs-iop", "io_policy", "fastest")
    assert getp(c, "rs-iop", "io_policy") == "none"


def test_io_weight(portod):
    c = portod.conn()
    make(c, "rs-iow")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("rs-iow", "io_weight", "0")
    try:
        c.SetProperty("rs-iow", "io_weight", "2")
        assert getp(c, "rs-iow", "io_weight") == "2"
    except portod.exc.NotSupported:
        assert getp(c, "rs-iow", "io_weight") == "1"


def test_oom_score_adj(portod):
    c = portod.conn()
    start(c, "rs-osa", command=SLEEP, oom_score_adj="500")
    pid = int(c.GetProperty("rs-osa", "root_pid"))
    assert open("/proc/%d/oom_score_adj" % pid).read().strip() == "500"
    c.SetProperty("rs-osa", "oom_score_adj", "600")
    assert open("/proc/%d/oom_score_adj" % pid).read().strip() == "600"
    for bad in ("1001", "-1001", "x"):
        with pytest.raises(portod.exc.InvalidValue):
            c.SetProperty("rs-osa", "oom_score_adj", bad)
    assert getp(c, "rs-osa", "oom_score_adj") == "600"
    if not have_cap(CAP_SYS_RESOURCE):
        with pytest.raises(portod.exc.PermissionError):
            c.SetProperty("rs-osa", "oom_score_adj", "-100")
        assert getp(c, "rs-osa", "oom_score_adj") == "600"


def test_cpu_totals(portod):
    c = portod.conn()
    make(c, "rs-tot", cpu_guarantee="0.5c")
    make(c, "rs-tot/a", command=SLEEP, cpu_guarantee="0.25c", cpu_limit="0.5c")
    make(c, "rs-tot/b", command=SLEEP, cpu_guarantee="0.5c", cpu_limit="0.25c")
    assert getp(c, "rs-tot", "cpu_guarantee_total") == "0.5c"
    c.Start("rs-tot/a")
    c.Start("rs-tot/b")
    assert getp(c, "rs-tot", "cpu_guarantee_total") == "0.75c"
    assert getp(c, "rs-tot", "cpu_limit_total") == "0.75c"
    assert getp(c, "rs-tot/a", "cpu_limit_total") == "0.5c"
    # the root: the host's totals, which these are part of
    cores = lambda p: float(getp(c, "/", p).rstrip("c"))  # noqa: E731
    g, lim = cores("cpu_guarantee_total"), cores("cpu_limit_total")
    assert g >= 0.75 and lim >= 0.75
    c.Stop("rs-tot")
    assert cores("cpu_guarantee_total") == pytest.approx(g - 0.75)
    assert cores("cpu_limit_total") == pytest.approx(lim - 0.75)


def test_oom_kills_total(portod):
    c = portod.conn()
    make(c, "rs-okt")
    run_dead(c, "rs-okt/x", timeout=30, memory_limit="32M",
             command="/usr/bin/python3 -c 'b = bytearray(100 << 20)'")
    assert getp(c, "rs-okt/x", "oom_killed") == "true"
    assert int(c.GetProperty("rs-okt", "oom_kills_total")) >= 1


def test_reset_to_defaults_live(portod):
    c = portod.conn()
    start(c, "rs-reset", command=SLEEP, memory_limit="64M", thread_limit="50", cpu_set="0")
    c.SetProperty("rs-reset", "memory_limit", "")
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert int(getp(c, "rs-reset", "memory_limit")) > total // 2
    assert int(knob(c, "rs-reset", "memory", "memory.limit_in_bytes")) > total // 2
    c.SetProperty("rs-reset", "thread_limit", "")
    assert getp(c, "rs-reset", "thread_limit") == "10000"
    assert knob(c, "rs-reset", "pids", "pids.max") == "10000"
    c.SetProperty("rs-reset", "cpu_set", "")
    pid = int(c.GetProperty("rs-reset", "root_pid"))
    assert proc_status(pid)["Cpus_allowed_list"] == getp(c, "/", "cpu_set_affinity")
    assert getp(c, "rs-reset", "cpu_set") == ""


def test_memory_limit_below_usage_refused(portod):
    c = portod.conn()
    start(c, "rs-mbusy", command="/usr/bin/python3 -c 'b = bytearray(64 << 20); import time; time.sleep(100)'",
          memory_limit="256M")
    wait_for(lambda: int(c.GetProperty("rs-mbusy", "anon_usage")) >= 64 * M, timeout=10, msg="usage")
    # no swap to push anon pages to: the kernel cannot reclaim below usage
    if os.path.exists("/proc/swaps") and len(open("/proc/swaps").read().splitlines()) > 1:
        pytest.skip("swap present: the kernel may push the pages out")
    with pytest.raises(portod.exc.ResourceNotAvailable):
        c.SetProperty("rs-mbusy", "memory_limit", "8M")
    assert getp(c, "rs-mbusy", "memory_limit") == str(256 * M)
    assert int(knob(c, "rs-mbusy", "memory", "memory.limit_in_bytes")) == 256 * M
    assert getp(c, "rs-mbusy", "state") == "running"


CHILD_OOM = sh("sleep %s; /usr/bin/python3 -c \"b = bytearray(200 << 20)\"; sleep 1000")


def test_oom_of_a_child_kills_the_container(portod):
    c = portod.conn()
    start(c, "rs-coom", memory_limit="64M", command=CHILD_OOM % "0")
    wait_state(c, "rs-coom", "dead", timeout=20)
    assert getp(c, "rs-coom", "oom_killed") == "true"
    assert getp(c, "rs-coom", "exit_code") == "-99"


def test_oom_watch_survives_worker_restart(private):
    from .test_engine_extra import connect, kill_worker
    d = private()
    c = connect(d)
    start(c, "w", memory_limit="64M", command=CHILD_OOM % "1")
    c.disconnect()
    # the OOM comes during the outage: the new worker must notice it too
    kill_worker(d, before_kill=lambda: time.sleep(2))
    c = connect(d)
    wait_state(c, "w", "dead", timeout=20)
    assert getp(c, "w", "oom_killed") == "true"
    assert getp(c, "w", "exit_code") == "-99"
    c.disconnect()


def test_oom_is_fatal_false_keeps_running(portod):
    c = portod.conn()
    start(c, "rs-nfatal", memory_limit="64M", oom_is_fatal="false",
          command=sh("/usr/bin/python3 -c \"b = bytearray(200 << 20)\"; echo survived; sleep 1000"))
    wait_for(lambda: "survived" in c.GetProperty("rs-nfatal", "stdout"), timeout=20, msg="shell survived")
    assert getp(c, "rs-nfatal", "state") == "running"
    assert int(c.GetProperty("rs-nfatal", "oom_kills")) >= 1
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("rs-nfatal", "oom_is_fatal", "maybe")


def test_pressurize_on_death(portod):
    c = portod.conn()
    try:
        make(c, "rs-press", pressurize_on_death="true", command="true")
    except portod.exc.NotSupported:
        pytest.skip("no soft memory limit")
    c.Start("rs-press")
    c.WaitContainers(["rs-press"], timeout=10)
    assert int(knob(c, "rs-press", "memory", "memory.soft_limit_in_bytes")) == M
    c.SetProperty("rs-press", "pressurize_on_death", "false")
    assert int(knob(c, "rs-press", "memory", "memory.soft_limit_in_bytes")) > 1 << 40
    # a hollow meta container (no running child) too
    soft = lambda n: int(knob(c, n, "memory", "memory.soft_limit_in_bytes"))  # noqa: E731
    make(c, "rs-pmeta", pressurize_on_death="true")
    start(c, "rs-pmeta/a", command=SLEEP)
    assert soft("rs-pmeta") > 1 << 40
    c.Stop("rs-pmeta/a")
    assert soft("rs-pmeta") == M
    c.Start("rs-pmeta/a")
    assert soft("rs-pmeta") > 1 << 40
    c.Kill("rs-pmeta/a", 9)
    wait_state(c, "rs-pmeta/a", "dead")
    assert soft("rs-pmeta") == M
    c.SetProperty("rs-pmeta", "pressurize_on_death", "false")
    assert soft("rs-pmeta") > 1 << 40
    c.SetProperty("rs-pmeta", "pressurize_on_death", "true")
    assert soft("rs-pmeta") == M
    # the children that die with a container get it too
    make(c, "rs-pdie", command=SLEEP)
    start(c, "rs-pdie/k", command=SLEEP, pressurize_on_death="true")
    c.Kill("rs-pdie", 9)
    wait_state(c, "rs-pdie", "dead")
    assert getp(c, "rs-pdie/k", "state") == "dead"
    assert soft("rs-pdie/k") == M


def test_offstream_totals_not_supported(portod):
    c = portod.conn()
    make(c, "rs-offt")
    for prop in ("anon_limit_total",):
        with pytest.raises(portod.exc.NotSupported):
            c.GetProperty("rs-offt", prop)


def test_virtual_memory(portod):
    c = portod.conn()
    start(c, "rs-vm", command="/usr/bin/python3 -c 'b = bytearray(32 << 20); import time; time.sleep(100)'",
          isolate="false")
    wait_for(lambda: int(c.GetProperty("rs-vm", "virtual_memory[anon]")) >= 32 * M, timeout=10, msg="anon")
    vm = {k.strip(): int(v) for k, v in
          (item.split(":") for item in str(c.GetProperty("rs-vm", "virtual_memory")).split(";"))}
    assert vm["count"] == 1
    assert vm["size"] >= vm["used"] >= 32 * M
    assert vm["max_used"] >= vm["used"]
    with pytest.raises(portod.exc.InvalidProperty):
        c.GetProperty("rs-vm", "virtual_memory[nosuch]")


def test_hugetlb(portod):
    c = portod.conn()
    start(c, "rs-huge", command=SLEEP)
    try:
        int(c.GetProperty("rs-huge", "hugetlb_usage"))
    except portod.exc.NotSupported:
        with pytest.raises(portod.exc.NotSupported):
            c.SetProperty("rs-huge", "hugetlb_limit", "4M")
        with pytest.raises(portod.exc.NotSupported):
            c.GetProperty("rs-huge", "hugetlb_limit")
        make(c, "rs-huge2")
        with pytest.raises(portod.exc.NotSupported):
            c.SetProperty("rs-huge2", "hugetlb_limit", "4M")
        return
    # kept while stopped, applied at start, live while running
    c.SetProperty("rs-huge", "hugetlb_limit", "4M")
    assert getp(c, "rs-huge", "hugetlb_limit") == str(4 * M)
    make(c, "rs-huge2", command=SLEEP, hugetlb_limit="8M")
    assert getp(c, "rs-huge2", "hugetlb_limit") == str(8 * M)
    c.Start("rs-huge2")
    assert "hugetlb" in getp(c, "rs-huge2", "controllers")
    with pytest.raises(portod.exc.InvalidValue):
        c.SetProperty("rs-huge2", "hugetlb_limit", "-1")
    assert getp(c, "rs-huge2", "hugetlb_limit") == str(8 * M)
