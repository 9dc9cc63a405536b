#!/usr/bin/env python3
"""Runs two builds of the tool on the same scenarios of the sample data and
diffs what they print, times and peak RSS left out: the check that a
refactor changed nothing a user can see (issue 8).

Scenarios: run --offline; run --dry-run (cold and warm); run online against
the fake services (cold, warm, no FMP key, --services fmp,sec_edgar without
its key, every service down); inventory and cache-optimize, json and table.
The network-down run's order of breaker trips can vary between runs of one
build (a need may reach SEC before or after its first fetch failed): run it
again before calling a difference there a change.

usage: compare_runs.py BIN_BEFORE BIN_AFTER
Exit 0 when every output is the same, 1 otherwise (the differences printed).
"""

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "cli"))
from fakeserver import FakeServer  # noqa: E402
from thdtest import clean_env  # noqa: E402

SERVICES = ["yahoo_finance", "fmp", "alpha_vantage", "fred_economic", "sec_edgar", "coingecko", "imf_data"]
KEYS = {"FMP_API_KEY": "k-fmp", "ALPHA_VANTAGE_API_KEY": "k-av", "FRED_API_KEY": "k-fred", "COINGECKO_API_KEY": "k-cg"}


def capture(binary, server):
    tmp = tempfile.mkdtemp(prefix="thd-compare-")
    try:
        data = os.path.join(tmp, "data")
        for part in ("raw", "outputs"):
            shutil.copytree(os.path.join(ROOT, "data", part), os.path.join(data, part),
                            ignore=shutil.ignore_patterns("trade_history" if part == "outputs" else "-"))

        def env(base=server.base, **extra):
            urls = {"THD_%s_BASE_URL" % s.upper(): "%s/%s" % (base, s) for s in SERVICES}
            urls["THD_SEC_EDGAR_TICKERS_URL"] = "%s/sec_edgar/files/company_tickers.json" % base
            return clean_env(**{**KEYS, **urls, "SEC_EDGAR_USER_AGENT": "compare compare@example.com", **extra})

        def normalize(text):
            try:
                doc = json.loads(text)
            except ValueError:
                return text
            meta = doc.get("discovery_metadata")
            if meta:
                meta["duration_ms"] = {k: 0 for k in meta["duration_ms"]}
                meta["peak_rss_mb"] = 0
            return json.dumps(doc, indent=1)

        out = {}

        def run(name, *args, cache="c1", e=None):
            server.reset()
            r = subprocess.run([binary, "--data-dir", data, "--cache-dir", os.path.join(tmp, cache)] + list(args),
                               env=e or env(), cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            out[name] = "exit %d\n--- stdout\n%s\n--- stderr\n%s" % (
                r.returncode, normalize(r.stdout), re.sub(r"\d+ ms", "N ms", r.stderr))
            out[name] = out[name].replace(tmp, "TMP")

        run_args = ("run", "--portfolio", "live_signals", "--output", "-")
        run("offline", *run_args, "--offline", cache="c0")
        run("dry_run_cold", "run", "--portfolio", "live_signals", "--dry-run")
        run("online_cold", *run_args)
        run("online_warm", *run_args)
        run("dry_run_warm", "run", "--portfolio", "live_signals", "--dry-run")
        run("inventory_json", "inventory", "--portfolio", "live_signals", "--report", "json")
        run("inventory_table", "inventory", "--portfolio", "live_signals")
        run("cache_optimize_json", "cache-optimize", "--report", "json")
        run("cache_optimize_table", "cache-optimize")
        run("no_fmp_key", *run_args, cache="c2", e=env(FMP_API_KEY=None))
        run("services_without_keys", *run_args, "--services", "fmp,sec_edgar", cache="c3", e=env(FMP_API_KEY=None))
        run("network_down", *run_args, cache="c4", e=env(base="http://127.0.0.1:1"))
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    before_bin, after_bin = (os.path.realpath(p) for p in sys.argv[1:])
    server = FakeServer()
    try:
        before, after = capture(before_bin, server), capture(after_bin, server)
    finally:
        server.stop()
    differ = 0
    for name in before:
        if before[name] == after[name]:
            print("same       %s" % name)
            continue
        differ += 1
        print("DIFFERENT  %s" % name)
        diff = difflib.unified_diff(before[name].splitlines(), after[name].splitlines(), "before", "after",
                                    lineterm="", n=1)
        for line in list(diff)[:40]:
            print("    " + line)
    print("%d of %d outputs differ" % (differ, len(before)))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
