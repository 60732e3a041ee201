#!/usr/bin/python3
"""Run the benchmarks against a private portod and print their figures:
porto-bench (bench_ops.c), then reload time with --reload running
containers and the worker RSS with 0 and --stopped stopped containers
(daemon_bench.py).

    make bench            (or: /usr/bin/python3 bench/run.py --build build)

A benchmark, not a test: it prints numbers and never fails on a timing.
The daemon is the same private one the integration tests use (own socket,
state dir, cgroup prefix under a temp dir), started and cleaned up here.
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(REPO / "build"))
    ap.add_argument("-n", type=int, default=50, help="runs per figure")
    ap.add_argument("-c", type=int, default=1000, help="containers for the multi-get")
    ap.add_argument("--reload", type=int, default=1000, metavar="N",
                    help="running containers for the reload figure (0 = skip)")
    ap.add_argument("--stopped", type=int, default=10000, metavar="M",
                    help="stopped containers for the RSS figure (0 = skip)")
    args = ap.parse_args()

    os.environ["PORTO_BUILD"] = str(Path(args.build).resolve())
    sys.path.insert(0, str(REPO / "tests" / "integration"))
    import util  # noqa: E402  (needs PORTO_BUILD set first)

    build = Path(args.build)
    bench = build / "src" / "portoctl" / "porto-bench"
    portoctl = build / "src" / "portoctl" / "portoctl"
    with tempfile.TemporaryDirectory(prefix="porto-bench.") as tmp:
        daemon = util.Daemon(tmp, "porto-bench-%d" % os.getpid())
        daemon.start()
        try:
            rc = subprocess.call([str(bench), "-s", daemon.socket, "-n", str(args.n),
                                  "-c", str(args.c), "-p", str(portoctl)])
        finally:
            daemon.destroy_all()
            problems = daemon.stop() + daemon.leftovers()
            for p in problems:
                print("bench cleanup: %s" % p, file=sys.stderr)
    sys.path.insert(0, str(REPO / "bench"))
    import daemon_bench  # noqa: E402
    daemon_bench.run(util, args.reload, args.stopped)
    return rc


if __name__ == "__main__":
    sys.exit(main())
