#!/usr/bin/env python3
"""Issue 2 benchmark: inventory and cache-optimize on 100,000 fundamental files
and a 100,000-entry cache (10% expired, 1% corrupt, 1% legacy).

Targets (2-core machine, medians of 5 runs): inventory --report json <= 1.0 s,
cache-optimize (analysis) <= 1.5 s, cache-optimize --cleanup <= 3 s, peak RSS
<= 64 MB each. Peak RSS is the child's own ru_maxrss (os.wait4).

usage: bench_foundation.py [--bin PATH] [--work DIR] [--runs 5]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NOW = "2026-11-22T12:00:00Z"


def timed(argv, env):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(argv)} exited {code}: {err}")
    return wall, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build-release", "trade-history-discover"))
    ap.add_argument("--work", default="/tmp/thd-bench-foundation")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    if not os.path.exists(args.bin):
        subprocess.check_call(["cmake", "-S", ROOT, "-B", os.path.join(ROOT, "build-release"), "-G", "Ninja",
                               "-DCMAKE_BUILD_TYPE=Release"], stdout=subprocess.DEVNULL)
        subprocess.check_call(["cmake", "--build", os.path.join(ROOT, "build-release"),
                               "--target", "trade-history-discover"], stdout=subprocess.DEVNULL)
    pristine = os.path.join(args.work, "pristine")
    if not os.path.isdir(os.path.join(pristine, "cache")):
        shutil.rmtree(pristine, ignore_errors=True)
        subprocess.check_call([sys.executable, os.path.join(HERE, "gen_inventory_data.py"), "--out", pristine,
                               "--now", NOW], stdout=subprocess.DEVNULL)
    env = {k: v for k, v in os.environ.items() if not k.startswith("THD_")}
    env["THD_NOW"] = NOW

    results = {}
    cases = [
        ("inventory --report json", lambda d: [args.bin, "--data-dir", d, "inventory", "--report", "json"], False),
        ("cache-optimize (analysis)", lambda d: [args.bin, "--data-dir", d, "cache-optimize", "--report", "json"], False),
        ("cache-optimize --cleanup", lambda d: [args.bin, "--data-dir", d, "cache-optimize", "--cleanup",
                                                "--report", "json"], True),
    ]
    scratch = os.path.join(args.work, "scratch")
    for name, argv, destructive in cases:
        runs = []
        for _ in range(args.runs):
            target = pristine
            if destructive:
                shutil.rmtree(scratch, ignore_errors=True)
                subprocess.check_call(["cp", "-a", pristine, scratch])
                target = scratch
            subprocess.call(["sync"])
            runs.append(timed(argv(target), env))
        results[name] = runs

    print(f"machine: {os.cpu_count()} cores, {os.uname().machine}, {os.uname().release}")
    print(f"{'command':32} {'median wall s':>14} {'min':>7} {'max':>7} {'median cpu s':>13} {'peak RSS MB':>12}")
    for name, runs in results.items():
        walls = [r[0] for r in runs]
        print(f"{name:32} {statistics.median(walls):14.3f} {min(walls):7.3f} {max(walls):7.3f} "
              f"{statistics.median(r[2] for r in runs):13.3f} {max(r[1] for r in runs):12.1f}")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
