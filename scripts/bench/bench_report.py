#!/usr/bin/env python3
"""Issue 13 benchmark: `report` on a 2,000-ticker discovery document.

The document is made by the real binary: a trade history of N tickers (each
one open position and two closed trades, three strategies, the 27 columns of
SPEC section 4.2) run with --offline on the bundled local analyses, so every
ticker has its market, profile and fundamentals objects (missing, each with
its reason, where no local file serves it: the longest text a badge carries).
Then `report` renders it in each format to a file (--output, the atomic
write included), --runs times per format; per format the median wall time
and the largest peak RSS (the child's ru_maxrss, from wait4), against the
issue's budget of 100 ms and 30 MB.

usage: bench_report.py [--bin PATH] [--tickers 2000] [--runs 11] [--keep DIR]

Exits 1 when a run fails or a median / peak is over the budget. Python 3
standard library only.
"""
import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUDGET_MS, BUDGET_MB = 100, 30
HEADER = ("Position_UUID,Ticker,Strategy_Type,Short_Window,Long_Window,Signal_Window,Entry_Timestamp,"
          "Exit_Timestamp,Avg_Entry_Price,Avg_Exit_Price,Position_Size,Direction,PnL,Return,Duration_Days,"
          "Trade_Type,Status,Max_Favourable_Excursion,Max_Adverse_Excursion,MFE_MAE_Ratio,Exit_Efficiency,"
          "Days_Since_Entry,Current_Unrealized_PnL,Current_Excursion_Status,Exit_Efficiency_Fixed,"
          "Trade_Quality,X_Status")
STRATEGIES = (("SMA", 20, 50), ("EMA", 9, 21), ("MACD", 12, 26))


def ticker(i):
    """T0000-style symbols after the bundled sample's 25 (so that 17 of them have a local analysis)."""
    sample = ["AAPL", "AMT", "AMZN", "BAC", "BRK.B", "BTC-USD", "CAT", "COST", "CVX", "DIS", "GOOGL", "HD", "HON",
              "JNJ", "JPM", "KO", "LIN", "META", "MSFT", "NEE", "NVDA", "PG", "TSLA", "UNH", "XOM"]
    if i < len(sample):
        return sample[i]
    letters = ""
    n = i
    for _ in range(4):
        letters += chr(ord("A") + n % 26)
        n //= 26
    return "Z" + letters


def write_csv(path, n):
    end = datetime.date(2026, 11, 20)
    with open(path, "w") as f:
        f.write(HEADER + "\n")
        for i in range(n):
            t = ticker(i)
            for k in range(3):  # two closed trades, then the open position
                strat, short, long_ = STRATEGIES[(i + k) % 3]
                entry = end - datetime.timedelta(days=30 + (i * 7 + k * 101) % 600)
                price = 20 + (i * 37 + k * 11) % 480 + 0.25
                size = 1 + (i * 13 + k) % 200
                mfe, mae = 0.01 + (i % 17) / 100, 0.01 + (i % 7) / 100
                if k < 2:
                    ret = ((i * 31 + k * 17) % 61 - 20) / 100
                    exit_ = entry + datetime.timedelta(days=5 + (i + k) % 40)
                    row = [entry.isoformat(), exit_.isoformat(), "%.2f" % price, "%.2f" % (price * (1 + ret)),
                           str(size), "Long", "%.2f" % (price * ret * size), "%.4f" % ret,
                           str((exit_ - entry).days), "Long", "Closed", "%.4f" % mfe, "%.4f" % mae,
                           "%.4f" % (mfe / mae), "%.4f" % min(1, max(0, ret / mfe)), "", "", "", "", "Good", ""]
                else:
                    row = [entry.isoformat(), "", "%.2f" % price, "", str(size), "Long", "", "", "", "Long",
                           "Open", "%.4f" % mfe, "%.4f" % mae, "%.4f" % (mfe / mae), "", str((end - entry).days),
                           "%.4f" % (mfe - mae), "Favorable", "", "Good", "Pending"]
                uuid = "%s_%s_%d_%d_%s" % (t, strat, short, long_, entry)
                f.write(",".join([uuid, t, strat, str(short), str(long_), ""] + row) + "\n")


def timed(argv, env):
    """(seconds, peak RSS in MB) of one run of argv, its own process."""
    start = time.perf_counter()
    p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (p.returncode, " ".join(argv), p.stderr.read().decode()))
    p.stderr.close()
    return seconds, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build-release", "trade-history-discover"))
    ap.add_argument("--tickers", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--keep", help="make the document here and keep it")
    a = ap.parse_args()
    work = a.keep or tempfile.mkdtemp(prefix="thd-bench-report-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("THD_")}
    env["THD_NOW"] = "2026-11-22T12:00:00Z"
    try:
        data = os.path.join(work, "data")
        shutil.rmtree(data, ignore_errors=True)
        shutil.copytree(os.path.join(ROOT, "data", "outputs"), os.path.join(data, "outputs"),
                        ignore=shutil.ignore_patterns("trade_history"))
        os.makedirs(os.path.join(data, "raw", "trade_history"))
        write_csv(os.path.join(data, "raw", "trade_history", "bench.csv"), a.tickers)
        doc = os.path.join(work, "bench.json")
        subprocess.run([a.bin, "--data-dir", data, "--cache-dir", os.path.join(work, "cache"), "-q", "run",
                        "--portfolio", "bench", "--offline", "--output", doc], env=env, check=True)
        print("document: %d tickers, %d trades, %.1f MB (%s)" % (
            a.tickers, 3 * a.tickers, os.path.getsize(doc) / 1e6, doc))
        print("%-9s %10s %10s %12s %8s" % ("format", "median ms", "min ms", "peak RSS MB", "out MB"))
        over = False
        for fmt in ("table", "markdown", "html"):
            out = os.path.join(work, "report." + {"table": "txt", "markdown": "md", "html": "html"}[fmt])
            argv = [a.bin, "-q", "report", doc, "--format", fmt, "--output", out]
            timed(argv, env)  # warm the page cache
            runs = [timed(argv, env) for _ in range(a.runs)]
            median_ms = statistics.median(s for s, _ in runs) * 1000
            peak = max(m for _, m in runs)
            over |= median_ms > BUDGET_MS or peak > BUDGET_MB
            print("%-9s %10.1f %10.1f %12.1f %8.2f" % (fmt, median_ms, min(s for s, _ in runs) * 1000, peak,
                                                      os.path.getsize(out) / 1e6))
        print("machine: %d cores, %s; %d runs per format; budget %d ms, %d MB" % (
            os.cpu_count(), os.uname().release, a.runs, BUDGET_MS, BUDGET_MB))
        return 1 if over else 0
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
