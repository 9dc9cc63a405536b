#!/usr/bin/env python3
"""Issue 3 benchmark: `run --offline` on generated trade histories of 100k, 1M and
5M rows (27 columns, 2,000 tickers, 30% open), side by side with the Python
reference (scripts/bench/reference_stats.py) computing the same statistics and
with `wc -l` as the floor. Peak RSS is each child's own ru_maxrss (os.wait4).

Targets: >= 300 MB/s end to end on 1M rows; peak RSS <= 32 MB and flat from
100k to 5M rows; >= 15x faster than the Python reference.

usage: bench_phase1.py [--bin PATH] [--work DIR] [--runs 5] [--sizes 100000,1000000,5000000]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def timed(argv, env=None, stdout=subprocess.DEVNULL):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("%s failed: %s" % (" ".join(argv), err))
    return wall, usage.ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build-release", "trade-history-discover"))
    ap.add_argument("--work", default="/tmp/thd-bench-phase1")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="100000,1000000,5000000")
    ap.add_argument("--python-runs", type=int, default=1)
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        subprocess.check_call(["cmake", "-S", ROOT, "-B", os.path.join(ROOT, "build-release"), "-G", "Ninja",
                               "-DCMAKE_BUILD_TYPE=Release"], stdout=subprocess.DEVNULL)
        subprocess.check_call(["cmake", "--build", os.path.join(ROOT, "build-release"), "--target",
                               "trade-history-discover"], stdout=subprocess.DEVNULL)
    trades = os.path.join(args.work, "raw", "trade_history")
    os.makedirs(trades, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("THD_")}
    env["THD_NOW"] = "2026-11-22T12:00:00Z"
    rows_out = []
    for rows in [int(s) for s in args.sizes.split(",")]:
        name = "bench%d" % rows
        csv = os.path.join(trades, name + ".csv")
        if not os.path.exists(csv):
            subprocess.check_call([sys.executable, os.path.join(HERE, "gen_trades.py"), "--rows", str(rows),
                                   "--tickers", "2000", "--open-fraction", "0.3", "--seed", "7", "--out", csv],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        size_mb = os.path.getsize(csv) / 1e6
        subprocess.run(["cat", csv], stdout=subprocess.DEVNULL)  # warm the page cache for everyone
        wc = statistics.median(timed(["wc", "-l", csv])[0] for _ in range(args.runs))
        ours = [timed([args.bin, "--data-dir", args.work, "--cache-dir", os.path.join(args.work, "cache"), "-q",
                       "run", "--portfolio", name, "--offline", "--output", os.path.join(args.work, "out.json")],
                      env) for _ in range(args.runs)]
        py = [timed([sys.executable, os.path.join(HERE, "reference_stats.py"), csv, "--today", "2026-11-22"])
              for _ in range(args.python_runs)]
        ours_wall = statistics.median(r[0] for r in ours)
        py_wall = statistics.median(r[0] for r in py)
        rows_out.append((rows, size_mb, wc, ours_wall, max(r[1] for r in ours), py_wall, max(r[1] for r in py)))

    print("machine: %d cores, %s, %s" % (os.cpu_count(), os.uname().machine, os.uname().release))
    print("%9s %9s %9s %10s %9s %10s %11s %10s %9s" % ("rows", "file MB", "wc -l s", "ours s", "ours MB/s",
                                                        "ours RSS", "python s", "python RSS", "speedup"))
    for rows, mb, wc, ours, rss, py, py_rss in rows_out:
        print("%9d %9.1f %9.3f %10.3f %9.0f %8.1fMB %11.2f %8.1fMB %8.1fx" % (rows, mb, wc, ours, mb / ours, rss, py,
                                                                         py_rss, py / ours))


if __name__ == "__main__":
    main()
