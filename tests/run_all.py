#!/usr/bin/python3
"""Run every test suite and print one summary line.

Invoked by `make test` as

    /usr/bin/python3 tests/run_all.py --build build --asan-build build-asan

Suites, in order:
  1. C unit and kernel-interface tests of the normal build (meson suites
     `unit` and `kernel`);
  2. the C unit tests again in an ASan+UBSan build (configured and built
     here if needed);
  3. pytest over tests/python_unit and tests/integration (those that exist);
  4. the libFuzzer target of the request path (tests/fuzz/fuzz_rpc.c) for
     $PORTO_FUZZ_SECONDS (default 60) from its seed corpus, when clang is
     installed (new inputs go to a temporary directory, never to the seed
     corpus; a crash input is left in tests/fuzz/out/).

The last line printed is exactly `N passed, M failed` (plus `, K skipped`
when something was skipped). The exit status is non-zero when anything
failed or a suite could not run; a suite that crashes or cannot be parsed
counts as one failure, never as zero tests.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


class Result:
    def __init__(self, name, passed=0, failed=0, skipped=0, note=""):
        self.name = name
        self.passed = passed
        self.failed = failed
        self.skipped = skipped
        self.note = note

    def line(self):
        s = "%-26s %4d passed, %4d failed, %4d skipped" % (self.name, self.passed, self.failed,
                                                           self.skipped)
        return s + ("  (%s)" % self.note if self.note else "")


def run_tee(argv, env=None, cwd=None):
    """Run a command, echo its output as it comes, return (rc, output)."""
    print("+ " + " ".join(str(a) for a in argv), flush=True)
    try:
        proc = subprocess.Popen([str(a) for a in argv], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, cwd=cwd, text=True, errors="replace", bufsize=1)
    except OSError as exc:
        print("cannot run %s: %s" % (argv[0], exc), flush=True)
        return 127, ""
    out = []
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        out.append(line)
    return proc.wait(), "".join(out)


# ---------------------------------------------------------------------------
# meson

MESON_KEYS = {
    "Ok": "passed", "Expected Fail": "passed",
    "Fail": "failed", "Unexpected Pass": "failed", "Timeout": "failed",
    "Skipped": "skipped",
}


def parse_meson_summary(text):
    """Counts from meson test's summary block, or None if there is none."""
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    found = False
    for key, bucket in MESON_KEYS.items():
        m = re.search(r"^%s:\s+(\d+)\s*$" % re.escape(key), text, re.M)
        if m:
            found = True
            counts[bucket] += int(m.group(1))
    return counts if found else None


def meson_suite(name, build, suites, env=None):
    if not (Path(build) / "build.ninja").exists():
        return Result(name, failed=1, note="%s is not configured (run `make build`)" % build)
    argv = ["meson", "test", "-C", build, "--print-errorlogs"]
    for s in suites:
        argv += ["--suite", s]
    rc, out = run_tee(argv, env=env)
    counts = parse_meson_summary(out)
    if counts is None:
        if rc == 0 and re.search(r"No (suitable )?tests defined", out):
            return Result(name, note="no tests defined")
        return Result(name, failed=1, note="meson test exited %d without a summary" % rc)
    res = Result(name, **counts)
    if rc != 0 and res.failed == 0:
        res.failed = 1
        res.note = "meson test exited %d" % rc
    return res


def asan_suite(asan_build):
    build = Path(asan_build)
    if not (build / "build.ninja").exists():
        rc, _ = run_tee(["meson", "setup", str(build), "-Db_sanitize=address,undefined",
                         "-Db_lundef=false"], cwd=str(REPO))
        if rc != 0:
            return Result("unit (asan)", failed=1, note="meson setup of %s failed" % build)
    rc, _ = run_tee(["ninja", "-C", str(build)])
    if rc != 0:
        return Result("unit (asan)", failed=1, note="ASan build failed")
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1")
    env.setdefault("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
    return meson_suite("unit (asan)", str(build), ["unit"], env=env)


# ---------------------------------------------------------------------------
# pytest

PYTEST_WORDS = {
    "passed": "passed", "xpassed": "passed",
    "failed": "failed", "error": "failed", "errors": "failed",
    "skipped": "skipped", "xfailed": "skipped",
}


def parse_pytest_summary(text):
    """Counts from pytest's final summary line, or None."""
    for line in reversed(text.splitlines()):
        line = line.strip().strip("=").strip()
        if not re.search(r"\bin [\d.]+s\b", line):
            continue
        counts = {"passed": 0, "failed": 0, "skipped": 0}
        found = False
        for num, word in re.findall(r"(\d+) ([a-z]+)", line):
            bucket = PYTEST_WORDS.get(word)
            if bucket:
                counts[bucket] += int(num)
                found = True
        if found or "no tests ran" in line:
            return counts
    return None


def pytest_suite(build, python):
    dirs = []
    notes = []
    for d in ("tests/python_unit", "tests/integration"):
        if (REPO / d).is_dir() and any((REPO / d).glob("test_*.py")):
            dirs.append(d)
        else:
            notes.append("%s missing, skipped" % d)
    if not dirs:
        return Result("pytest", note="; ".join(notes))
    env = dict(os.environ, PORTO_BUILD=str(Path(build).resolve()))
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    rc, out = run_tee([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"] + dirs,
                      env=env, cwd=str(REPO))
    counts = parse_pytest_summary(out)
    if counts is None:
        return Result("pytest", failed=1, note="pytest exited %d without a summary" % rc)
    res = Result("pytest", note="; ".join(notes), **counts)
    if rc not in (0, 5) and res.failed == 0:
        res.failed = 1
        res.note = (res.note + "; " if res.note else "") + "pytest exited %d" % rc
    return res


# ---------------------------------------------------------------------------
# fuzzing

def fuzz_suite():
    import shutil
    import tempfile
    if not shutil.which("clang"):
        return Result("fuzz (rpc)", skipped=1, note="clang not installed")
    fuzz = REPO / "tests" / "fuzz"
    rc, _ = run_tee(["make", "-C", str(fuzz), "out/fuzz_rpc"])
    if rc != 0:
        return Result("fuzz (rpc)", failed=1, note="build of fuzz_rpc failed")
    seconds = int(os.environ.get("PORTO_FUZZ_SECONDS", "60"))
    work = tempfile.mkdtemp(prefix="fuzz-rpc-corpus-")
    try:
        rc, out = run_tee([str(fuzz / "out" / "fuzz_rpc"), "-max_total_time=%d" % seconds,
                           "-max_len=4096", "-print_final_stats=1",
                           "-artifact_prefix=%s/" % (fuzz / "out"), work, str(fuzz / "corpus" / "rpc")],
                          cwd=str(fuzz))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    m = re.search(r"^Done (\d+) runs", out, re.M)
    if rc != 0:
        return Result("fuzz (rpc)", failed=1, note="fuzzer exited %d: see the crash-* input in %s"
                      % (rc, fuzz / "out"))
    return Result("fuzz (rpc)", passed=1, note="%s runs in %ds" % (m.group(1) if m else "?", seconds))


# ---------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--asan-build", default="build-asan")
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--skip", action="append", default=[], choices=["meson", "asan", "pytest", "fuzz"],
                    help="skip a suite (for local iteration)")
    args = ap.parse_args()
    os.chdir(str(REPO))

    results = []
    t0 = time.monotonic()
    steps = [("meson", lambda: meson_suite("unit+kernel", args.build, ["unit", "kernel"])),
             ("asan", lambda: asan_suite(args.asan_build)),
             ("pytest", lambda: pytest_suite(args.build, args.python)),
             ("fuzz", fuzz_suite)]
    for key, fn in steps:
        if key in args.skip:
            continue
        print("\n==== suite: %s ====" % key, flush=True)
        try:
            results.append(fn())
        except Exception as exc:  # noqa: BLE001 - a crashing runner is a failed suite
            results.append(Result(key, failed=1, note="runner error: %r" % exc))

    print("\n==== summary (%.0fs) ====" % (time.monotonic() - t0))
    for r in results:
        print(r.line())
    passed = sum(r.passed for r in results)
    failed = sum(r.failed for r in results)
    skipped = sum(r.skipped for r in results)
    final = "%d passed, %d failed" % (passed, failed)
    if skipped:
        final += ", %d skipped" % skipped
    print(final, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
