#!/usr/bin/env python3
"""Issue 5 benchmark: `run` on the sample portfolio against the fake services
with 50 ms injected latency per request.

Targets: cold run <= 1.2 x ceil(requests / max_concurrent) x 50 ms plus the
offline run's time; warm run <= 30 ms wall and <= 20 MB peak RSS; a
2,000-ticker portfolio's warm run <= 300 ms. Also: requests a cold run makes
next to a naive client's (7 services x every ticker). Peak RSS is the tool's
own (discovery_metadata.peak_rss_mb, VmHWM).

usage: bench_run.py [--bin PATH] [--runs 5]
"""
import argparse
import hashlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "cli"))
from fakeserver import FakeServer  # noqa: E402

SERVICES = ["yahoo_finance", "fmp", "alpha_vantage", "fred_economic", "sec_edgar", "coingecko", "imf_data"]


def env_for(server):
    env = {k: v for k, v in os.environ.items() if not k.startswith("THD_")}
    env.update(THD_NOW="2026-11-22T12:00:00Z", FMP_API_KEY="bench", ALPHA_VANTAGE_API_KEY="bench",
               FRED_API_KEY="bench", SEC_EDGAR_USER_AGENT="bench bench@example.com",
               THD_SEC_EDGAR_TICKERS_URL=server.url("sec_edgar", "/files/company_tickers.json"))
    for s in SERVICES:
        env["THD_%s_BASE_URL" % s.upper()] = server.url(s, "")
    return env


def run(binary, data, cache, portfolio, env, *extra):
    start = time.perf_counter()
    r = subprocess.run([binary, "--data-dir", data, "--cache-dir", cache, "-q", "run", "--portfolio", portfolio,
                        "--output", "-", "--no-progress", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env)
    wall = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(r.stderr.decode())
    return wall, json.loads(r.stdout)


def md5_name(service, key):
    return hashlib.md5(("%s_%s" % (service, key)).encode()).hexdigest() + ".json"


def write_entry(cache, service, key, data):
    d = os.path.join(cache, service)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, md5_name(service, key)), "w") as f:
        json.dump({"service": service, "key": key, "created_at": "2026-11-22T11:59:00Z", "ttl_seconds": 86400,
                   "data": data}, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build-release", "trade-history-discover"))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="thd-bench-run-")
    server = FakeServer(latency_ms=50)
    try:
        data = os.path.join(work, "data")
        for part in ("raw", "outputs"):  # the bundled inputs, not what a demo run left in data/outputs/trade_history
            shutil.copytree(os.path.join(ROOT, "data", part), os.path.join(data, part),
                            ignore=shutil.ignore_patterns("trade_history" if part == "outputs" else "-"))
        env = env_for(server)
        offline = statistics.median(run(args.bin, data, os.path.join(work, "empty"), "live_signals", env,
                                        "--offline")[0] for _ in range(args.runs))
        colds, requests = [], None
        for i in range(args.runs):
            cache = os.path.join(work, "cold%d" % i)
            server.reset()
            wall, doc = run(args.bin, data, cache, "live_signals", env)
            colds.append(wall)
            requests = server.stats()["requests_total"]
        tickers = doc["portfolio_summary"]["unique_tickers"]
        warm_cache = os.path.join(work, "cold0")
        warms, rss = [], []
        for _ in range(args.runs):
            server.reset()
            wall, doc = run(args.bin, data, warm_cache, "live_signals", env)
            assert server.stats()["requests_total"] == 0
            warms.append(wall)
            rss.append(doc["discovery_metadata"]["peak_rss_mb"])

        # A 2,000-ticker portfolio with every need already in the cache.
        big = os.path.join(work, "big")
        os.makedirs(os.path.join(big, "raw", "trade_history"))
        subprocess.check_call([sys.executable, os.path.join(HERE, "gen_trades.py"), "--rows", "20000", "--tickers",
                               "2000", "--seed", "3", "--out", os.path.join(big, "raw", "trade_history", "big.csv")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        big_cache = os.path.join(big, "cache")
        _, plan_doc = run(args.bin, big, big_cache, "big", env, "--offline")
        market = {"price": 10.0, "previous_close": 9.5, "fifty_two_week_high": 12.0, "fifty_two_week_low": 8.0,
                  "ytd_return": 0.1, "volatility": 0.2, "currency": "USD"}
        for t, v in plan_doc["tickers"].items():
            if v["market"]["provenance"]["reason"] and "not requested" not in v["market"]["provenance"]["reason"]:
                write_entry(big_cache, "yahoo_finance", "chart:%s:1y:1d" % t, market)
            if "crypto" not in (v["profile"]["provenance"]["reason"] or ""):
                write_entry(big_cache, "fmp", "profile:%s" % t,
                            {"name": t, "sector": "technology", "industry": "x", "market_cap": 1.0})
            if v["fundamentals"]["provenance"]["source"] == "missing" and "crypto" not in (
                    v["fundamentals"]["provenance"]["reason"] or ""):
                write_entry(big_cache, "fmp", "fundamentals:%s" % t, {"pe_ratio": 10.0, "eps": 1.0,
                                                                      "analyst_target": None})
        for b in ("SPY", "QQQ", "VTI", "^VIX"):
            write_entry(big_cache, "yahoo_finance", "chart:%s:1y:1d" % b, market)
        for s in ("FEDFUNDS", "DGS10", "UNRATE", "CPIAUCSL"):
            write_entry(big_cache, "fred_economic", "series:%s" % s, {"value": 1.0, "date": "2026-10-01"})
        for i in ("NGDP_RPCH", "PCPIPCH"):
            write_entry(big_cache, "imf_data", "imf:v2:%s:USA" % i,
                        {"value": 1.0, "year": 2025, "current_year": {"year": 2026, "value": 1.1, "projection": True}})
        for c in plan_doc["market_context"]["crypto"]:
            write_entry(big_cache, "coingecko", "price:%s" % c, {"usd": 1.0, "change_24h": 0.0, "market_cap": 1.0})
        big_warm = []
        for _ in range(args.runs):
            server.reset()
            wall, bdoc = run(args.bin, big, big_cache, "big", env)
            big_warm.append(wall)
        big_requests = server.stats()["requests_total"]
        big_needs = bdoc["discovery_metadata"]["needs"]
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    cold = statistics.median(colds)
    bound = 1.2 * math.ceil(requests / 5) * 0.050 + offline
    print("machine: %d cores, %s, %s; 50 ms latency per request, max 5 in flight, %d runs each" % (
        os.cpu_count(), os.uname().machine, os.uname().release, args.runs))
    print("sample portfolio: %d tickers; cold run makes %d requests (a naive client: 7 x %d = %d)" % (
        tickers, requests, tickers, 7 * tickers))
    print("offline run:   median %.3f s" % offline)
    print("cold run:      median %.3f s   target <= 1.2 x ceil(%d/5) x 50 ms + offline = %.3f s" % (
        cold, requests, bound))
    print("warm run:      median %.4f s   target <= 0.030 s; peak RSS %.1f MB (target <= 20)" % (
        statistics.median(warms), max(rss)))
    print("2,000 tickers: median %.4f s   target <= 0.300 s; %d requests; needs %s" % (
        statistics.median(big_warm), big_requests, big_needs["by_source"]))


if __name__ == "__main__":
    main()
