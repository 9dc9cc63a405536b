#!/usr/bin/env python3
"""Issue 10 benchmark: the sample portfolio on "free keys" against the fake
services in realistic mode (the free plans' limits and refusals:
scripts/fake_services.py --realistic), with 50 ms injected latency, for one
or two binaries side by side (a build before issue 10 and this one), plus
this binary against the plain (kind) fake for the cost of the pacing.

For each: a cold run (empty cache, fresh fake counters) and a second run on
the same cache the same day; wall time (median of --runs), requests per
provider, the fake's refusals, and the needs left missing.

usage: bench_providers.py --bin NEW [--old OLD] [--runs 3]
"""
import argparse
import json
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
sys.path.insert(0, HERE)
from bench_run import SERVICES, env_for  # noqa: E402  (keys, THD_NOW, base URLs at the fake)
from fakeserver import FakeServer  # noqa: E402


def run(binary, data, cache, env):
    start = time.perf_counter()
    r = subprocess.run([binary, "--data-dir", data, "--cache-dir", cache, "-q", "run", "--portfolio", "live_signals",
                        "--output", "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(r.stderr.decode())
    return wall, json.loads(r.stdout)


def scenario(server, binary, data, realistic, runs):
    colds, seconds, last = [], [], None
    for _ in range(runs):
        server.reset()
        server._post("/__realism", {"enabled": realistic})
        cache = tempfile.mkdtemp(prefix="thd-bench-cache-")
        try:
            wall, doc = run(binary, data, cache, env_for(server))
            st = server.stats()
            wall2, doc2 = run(binary, data, cache, env_for(server))
            st2 = server.stats()
        finally:
            shutil.rmtree(cache)
        colds.append(wall)
        seconds.append(wall2)
        last = (doc, st, doc2, st2)
    doc, st, doc2, st2 = last
    requests = {s: st["requests"].get(s, 0) for s in SERVICES}
    requests2 = {s: st2["requests"].get(s, 0) - requests[s] for s in SERVICES}
    refusals = {s: sum(v.values()) for s, v in st.get("refusals", {}).items() if s in SERVICES and v}
    return {
        "cold_s": statistics.median(colds),
        "second_s": statistics.median(seconds),
        "requests": requests,
        "requests_second_run": requests2,
        "refusals": refusals,
        "needs": doc["discovery_metadata"]["needs"]["total"],
        "missing": doc["discovery_metadata"]["needs"]["by_source"]["missing"],
        "missing_second_run": doc2["discovery_metadata"]["needs"]["by_source"]["missing"],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build-release", "trade-history-discover"))
    ap.add_argument("--old", help="a build from before issue 10, run side by side")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    data = tempfile.mkdtemp(prefix="thd-bench-data-")
    for part in ("raw", "outputs"):
        shutil.copytree(os.path.join(ROOT, "data", part), os.path.join(data, part),
                        ignore=shutil.ignore_patterns("trade_history" if part == "outputs" else "-"))
    server = FakeServer(latency_ms=50)
    try:
        rows = []
        # Interleaved: each binary's scenarios one after the other, so noise falls on both.
        for label, binary, realistic in [("new, realistic fake", a.bin, True), ("old, realistic fake", a.old, True),
                                         ("new, plain fake", a.bin, False), ("old, plain fake", a.old, False)]:
            if binary:
                rows.append((label, scenario(server, binary, data, realistic, a.runs)))
    finally:
        server.stop()
        shutil.rmtree(data)
    print("%-22s %8s %8s %6s %8s %9s  %s" % ("", "cold s", "2nd s", "needs", "missing", "2nd miss", "requests (refused)"))
    for label, r in rows:
        reqs = ", ".join("%s %d%s" % (s, n, " (%d)" % r["refusals"][s] if r["refusals"].get(s) else "")
                         for s, n in r["requests"].items() if n)
        print("%-22s %8.2f %8.2f %6d %8d %9d  %s" % (label, r["cold_s"], r["second_s"], r["needs"], r["missing"],
                                                   r["missing_second_run"], reqs))
        second = ", ".join("%s %d" % (s, n) for s, n in r["requests_second_run"].items() if n) or "none"
        print("%-22s second run's requests: %s" % ("", second))
    print(json.dumps(rows, indent=1), file=sys.stderr)


if __name__ == "__main__":
    main()
