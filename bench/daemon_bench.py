"""Daemon-wide figures (issue 5), run by bench/run.py after porto-bench:

  * reload: `portod reload` with N running containers (default 1000): time
    of the command (old worker out, new one restored and answering) and
    until one `get` sees every container running with its old root_pid;
  * RSS of the worker with 0 and with M stopped containers (default
    10000), after the worker trimmed its heap (1 s without clients).

Printed figures only; nothing here fails on a number. Each figure uses its
own private daemon (util.Daemon), cleaned up afterwards."""

import os
import subprocess
import sys
import tempfile
import time


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _daemon(util, tmp, tag, config=""):
    d = util.Daemon(tmp, "porto-bench-%s-%d" % (tag, os.getpid()), config)
    d.start()
    return d


def _finish(d, conn, names):
    for n in names:
        try:
            conn.Destroy(n)
        except Exception:  # noqa: BLE001 - best effort, reported below
            pass
    conn.disconnect()
    problems = d.destroy_all() + d.stop() + d.leftovers()
    for p in problems:
        print("bench cleanup: %s" % p, file=sys.stderr)


def _snapshot(util, d, names):
    rsp = util.raw_call(d.socket, "get", name=names, variable=["state", "root_pid"])
    return {ct.name: tuple(kv.value for kv in ct.keyval) for ct in rsp.get.list}


def bench_reload(util, n):
    import porto
    with tempfile.TemporaryDirectory(prefix="porto-bench-reload.") as tmp:
        d = _daemon(util, tmp, "reload", "container { max_total: %d }\n" % (n + 100))
        c = porto.Connection(socket_path=d.socket, timeout=120)
        names = ["r%05d" % i for i in range(n)]
        started = []
        try:
            t0 = time.monotonic()
            for name in names:
                c.Create(name)
                started.append(name)
                c.SetProperty(name, "command", "sleep 1000000")
                c.Start(name)
            t_start = time.monotonic() - t0
            before = _snapshot(util, d, names)
            rss_before = rss_kb(d.worker_pid())
            c.disconnect()
            t0 = time.monotonic()
            r = subprocess.run([str(util.PORTOD_BIN), "reload", "--run-dir", d.run_dir, "--socket", d.socket,
                                "--config", d.config, "--log", d.log],
                               capture_output=True, text=True, timeout=600)
            t_cmd = time.monotonic() - t0
            after = None
            while time.monotonic() - t0 < 600:
                try:
                    after = _snapshot(util, d, names)
                    if after == before:
                        break
                except Exception:  # noqa: BLE001 - the new worker may not answer yet
                    pass
                time.sleep(0.01)
            t_all = time.monotonic() - t0
            same = after == before
            print("reload with %d running containers: %d starts in %.1fs (%.1f ms each); "
                  "`portod reload` %.2fs (exit %d), all back with the same root_pid after %.2fs%s; "
                  "worker RSS %d kB before, %d kB after"
                  % (n, n, t_start, t_start * 1000 / n, t_cmd, r.returncode, t_all,
                     "" if same else " (NOT all back!)", rss_before, rss_kb(d.worker_pid())))
            c.Connect()
        finally:
            _finish(d, c, started)


def bench_rss(util, m):
    import porto
    with tempfile.TemporaryDirectory(prefix="porto-bench-rss.") as tmp:
        d = _daemon(util, tmp, "rss", "container { max_total: %d }\n" % (m + 100))
        worker = d.worker_pid()
        time.sleep(1.5)
        rss0 = rss_kb(worker)
        c = porto.Connection(socket_path=d.socket, timeout=120)
        names = ["s%05d" % i for i in range(m)]
        made = []
        try:
            t0 = time.monotonic()
            for name in names:
                c.Create(name)
                made.append(name)
                c.SetProperty(name, "command", "sleep 1")
            t_create = time.monotonic() - t0
            c.disconnect()
            time.sleep(1.5)       # the worker trims its heap 1 s after the last client
            rss1 = rss_kb(worker)
            kvs = os.path.join(d.state_dir, "kvs")
            disk = sum(os.path.getsize(os.path.join(kvs, f)) for f in os.listdir(kvs))
            print("worker RSS: %d kB with 0 containers, %d kB with %d stopped ones (%.0f bytes each); "
                  "%d creates+sets in %.1fs; records %.1f MB on disk"
                  % (rss0, rss1, m, (rss1 - rss0) * 1024.0 / m, m, t_create, disk / 1e6))
            c.Connect()
        finally:
            _finish(d, c, made)


def run(util, reload_n, stopped_m):
    if reload_n:
        bench_reload(util, reload_n)
    if stopped_m:
        bench_rss(util, stopped_m)
