#!/usr/bin/env python3
"""Phase 1 benchmark (issues 3 and 11): `run --offline` on generated trade
histories of 100k, 1M and 5M rows (27 columns, 2,000 tickers, 30% open).

Ours runs --runs times (median) on each scan path (AVX2, and the plain loop
forced by THD_CSV_SCALAR=1) and, given --old-bin, the binary of an older
commit beside it in the same run. Each run reports its wall time, Phase 1's
own time (from its -v log) and peak RSS (ru_maxrss of the child, os.wait4).
The yardsticks: Python's csv module doing the core statistics in one pass
(core_stats.py; with --full-reference also reference_stats.py, every rule)
and `wc -l`, the floor of reading the file at all. The trade sections of
every variant's document are compared: they must be identical.

Goals (issue 11): >= 15x Python's wall time and >= 600 MB/s, peak RSS
<= 32 MB and flat from 100k to 5M rows.

usage: bench_phase1.py [--bin PATH] [--old-bin PATH] [--work DIR] [--runs 5]
                       [--sizes 100000,1000000,5000000] [--full-reference]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TRADE_SECTIONS = ("portfolio_summary", "strategy_distribution", "ticker_performance", "performance_metrics",
                  "strategy_performance", "trade_analysis", "active_positions", "data_quality_assessment")


def timed(argv, env=None):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("%s failed: %s" % (" ".join(argv), err))
    return wall, usage.ru_maxrss / 1024.0, err


def same_trade_sections(paths):
    """In a child: a forked child's ru_maxrss starts at its parent's RSS, so
    this process never holds the documents."""
    code = ("import json,sys\nd=[{k: json.load(open(p)).get(k) for k in %r} for p in sys.argv[1:]]\n"
            "sys.exit(0 if all(x == d[0] for x in d) else 1)" % (TRADE_SECTIONS,))
    return subprocess.run([sys.executable, "-c", code] + paths).returncode == 0


def phase1_ms(log):
    m = re.search(r"phase 1: .*\((\d+) ms\)", log)
    return int(m.group(1)) if m else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build-release", "trade-history-discover"))
    ap.add_argument("--old-bin", help="an older build, measured side by side (e.g. commit 77dc5b4)")
    ap.add_argument("--work", default="/tmp/thd-bench-phase1")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="100000,1000000,5000000")
    ap.add_argument("--python-runs", type=int, default=1)
    ap.add_argument("--full-reference", action="store_true", help="also time reference_stats.py (every rule)")
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
    variants = [("ours", args.bin, {}), ("ours scalar", args.bin, {"THD_CSV_SCALAR": "1"})]
    if args.old_bin:
        variants.append(("old", args.old_bin, {}))

    results = []
    for rows in [int(s) for s in args.sizes.split(",")]:
        name = "bench%d" % rows
        csv = os.path.join(trades, name + ".csv")
        if not os.path.exists(csv):
            subprocess.check_call([sys.executable, os.path.join(HERE, "gen_trades.py"), "--rows", str(rows),
                                   "--tickers", "2000", "--open-fraction", "0.3", "--seed", "7", "--out", csv],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        mb = os.path.getsize(csv) / 1e6
        subprocess.run(["cat", csv], stdout=subprocess.DEVNULL)  # warm the page cache for everyone
        wc = statistics.median(timed(["wc", "-l", csv])[0] for _ in range(args.runs))
        outs = {}
        measured = {label: [] for label, _, _ in variants}
        for _ in range(args.runs):  # interleaved: the machine's noise falls on every variant alike
            for label, binary, extra in variants:
                out = os.path.join(args.work, "out-%s.json" % label.replace(" ", "-"))
                argv = [binary, "--data-dir", args.work, "--cache-dir", os.path.join(args.work, "cache"), "-v",
                        "run", "--portfolio", name, "--offline", "--output", out]
                wall, rss, log = timed(argv, dict(env, **extra))
                measured[label].append((wall, phase1_ms(log) / 1000.0, rss))
                outs[label] = out
        # Our variants (both scan paths) must agree figure for figure; an --old-bin of another commit may
        # differ where the statistics changed (issue 13: exact sums, new sections), so it is not compared.
        identical = same_trade_sections([outs[label] for label, _, _ in variants if label.startswith("ours")])
        py = statistics.median(timed([sys.executable, os.path.join(HERE, "core_stats.py"), csv])[0]
                               for _ in range(args.python_runs))
        full = None
        if args.full_reference:
            full = timed([sys.executable, os.path.join(HERE, "reference_stats.py"), csv, "--today", "2026-11-22"])[0]
        for label, _, _ in variants:
            runs = measured[label]
            results.append((rows, mb, wc, label, statistics.median(r[0] for r in runs),
                            statistics.median(r[1] for r in runs), max(r[2] for r in runs), py, full, identical))

    print("machine: %d cores, %s, %s; load average %.2f" % (os.cpu_count(), os.uname().machine, os.uname().release,
                                                             os.getloadavg()[0]))
    print("%9s %8s %8s %-12s %8s %8s %9s %9s %8s %9s %8s %8s %s" % (
        "rows", "file MB", "wc -l s", "variant", "wall s", "MB/s", "phase1 s", "ph1 MB/s", "RSS MB", "python s",
        "vs py", "vs wc", "same figures"))
    for rows, mb, wc, label, wall, p1, rss, py, full, identical in results:
        print("%9d %8.1f %8.3f %-12s %8.3f %8.0f %9.3f %9.0f %8.1f %9.2f %7.1fx %7.1fx %s%s" % (
            rows, mb, wc, label, wall, mb / wall, p1, mb / p1, rss, py, py / wall, wall / wc,
            ("yes" if identical else "NO") if label.startswith("ours") else "n/a", "" if full is None else "  (reference_stats.py %.2f s)" % full))


if __name__ == "__main__":
    main()
