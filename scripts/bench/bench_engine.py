#!/usr/bin/env python3
"""Issue 4 benchmark: 500 URLs from the fake services with 20 ms injected
latency at max_concurrent 5, the engine (thd_fetch) side by side with
`curl --parallel --parallel-max 5` over the same URL list. Connections are the
fake server's own count; CPU time and peak RSS are each client's (os.wait4).

Targets: wall within 1.15x of curl's, <= 5 TCP connections, engine CPU time
<= 5% of wall, peak RSS <= 20 MB.

usage: bench_engine.py [--fetch PATH] [--runs 5] [--urls 500] [--latency-ms 20]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "cli"))
from fakeserver import FakeServer  # noqa: E402

PATHS = [
    ("yahoo_finance", "/v8/finance/chart/{s}?range=1y&interval=1d"),
    ("fmp", "/stable/profile?symbol={s}&apikey=BENCH"),
    ("fmp", "/stable/quote?symbol={s}&apikey=BENCH"),
    ("alpha_vantage", "/query?function=OVERVIEW&symbol={s}&apikey=BENCH"),
    ("fred_economic", "/fred/series/observations?series_id=FEDFUNDS&api_key=BENCH&file_type=json"),
    ("imf_data", "/external/datamapper/api/v1/NGDP_RPCH/USA"),
]
SYMBOLS = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "JPM", "BAC", "XOM", "CVX", "JNJ", "UNH", "PG", "KO"]


def timed(argv):
    """Wall, CPU (user+sys) and, for thd_fetch, its own peak RSS (VmHWM, printed in its report:
    wait4's ru_maxrss would include this Python process, which forked it)."""
    start = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    p.stdout.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("%s failed: %s" % (argv[0], err))
    rss = json.loads(out)["peak_rss_mb"] if argv[0].endswith("thd_fetch") else float("nan")
    return wall, ru.ru_utime + ru.ru_stime, rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fetch", default=os.path.join(ROOT, "build-release", "thd_fetch"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--urls", type=int, default=500)
    ap.add_argument("--latency-ms", type=int, default=20)
    args = ap.parse_args()
    if not os.path.exists(args.fetch):
        subprocess.check_call(["cmake", "-S", ROOT, "-B", os.path.join(ROOT, "build-release"), "-G", "Ninja",
                               "-DCMAKE_BUILD_TYPE=Release"], stdout=subprocess.DEVNULL)
        subprocess.check_call(["cmake", "--build", os.path.join(ROOT, "build-release"), "--target", "thd_fetch"],
                              stdout=subprocess.DEVNULL)
    server = FakeServer(latency_ms=args.latency_ms)
    work = tempfile.mkdtemp(prefix="thd-bench-engine-")
    try:
        lines, curl_cfg = [], []
        for i in range(args.urls):
            service, path = PATHS[i % len(PATHS)]
            url = server.url(service, path.format(s=SYMBOLS[i % len(SYMBOLS)]))
            lines.append("%s %s" % (service, url))
            curl_cfg.append('url = "%s"\noutput = "/dev/null"\n' % url)
        url_file = os.path.join(work, "urls.txt")
        cfg_file = os.path.join(work, "curl.cfg")
        with open(url_file, "w") as f:
            f.write("\n".join(lines) + "\n")
        with open(cfg_file, "w") as f:
            f.write("".join(curl_cfg))
        ours_argv = [args.fetch, url_file, "--max-concurrent", "5", "--pool-size", "5", "--max-api-calls",
                     str(args.urls * 3)]
        curl_argv = ["curl", "-s", "--parallel", "--parallel-max", "5", "-H", "User-Agent: bench", "-K", cfg_file]
        results = {"engine (thd_fetch)": [], "curl --parallel": []}
        for _ in range(args.runs):
            for name, argv in (("engine (thd_fetch)", ours_argv), ("curl --parallel", curl_argv)):
                server.reset()
                wall, cpu, rss = timed(argv)
                stats = server.stats()
                assert stats["requests_total"] == args.urls, stats["requests_total"]
                results[name].append((wall, cpu, rss, stats["connections"]))
    finally:
        server.stop()
    print("machine: %d cores, %s, %s; %d URLs, %d ms latency, max 5 in flight, %d runs" % (
        os.cpu_count(), os.uname().machine, os.uname().release, args.urls, args.latency_ms, args.runs))
    print("%-20s %12s %10s %10s %12s %12s" % ("client", "median wall", "CPU s", "CPU/wall", "peak RSS", "connections"))
    # curl's peak RSS is not shown: measuring it from here would report this Python process
    for name, rs in results.items():
        wall = statistics.median(r[0] for r in rs)
        cpu = statistics.median(r[1] for r in rs)
        print("%-20s %11.3fs %10.3f %9.1f%% %10.1fMB %12d" % (name, wall, cpu, 100 * cpu / wall,
                                                             max(r[2] for r in rs), max(r[3] for r in rs)))
    ours = statistics.median(r[0] for r in results["engine (thd_fetch)"])
    curl = statistics.median(r[0] for r in results["curl --parallel"])
    print("engine / curl wall: %.3f" % (ours / curl))


if __name__ == "__main__":
    main()
