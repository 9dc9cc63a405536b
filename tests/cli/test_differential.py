"""Differential test: `run --offline` against scripts/bench/reference_stats.py, an
independent Python implementation of docs/STATISTICS.md, on generated CSVs with
random content (clean and messy). Every number agrees to 1e-9; every count, line
and column exactly. Issue texts are free-form and not compared."""

import json
import math
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import ThdTestCase  # noqa: E402

SOURCE = os.environ.get("THD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BENCH = os.path.join(SOURCE, "scripts", "bench")
SECTIONS = ["portfolio_summary", "strategy_distribution", "ticker_performance", "performance_metrics",
            "active_positions", "data_quality_assessment"]
ONLY_OURS = {"issues_listed", "active_positions_listed"}  # extra counters the reference does not print


def differences(ours, ref, path=""):
    out = []
    if isinstance(ours, dict) and isinstance(ref, dict):
        for k in sorted(set(ours) | set(ref)):
            if k in ONLY_OURS:
                continue
            if k not in ours or k not in ref:
                out.append("%s/%s only in %s" % (path, k, "ours" if k in ours else "reference"))
            elif not (k == "issue" and path.startswith("/data_quality_assessment/issues")):
                out += differences(ours[k], ref[k], path + "/" + k)
    elif isinstance(ours, list) and isinstance(ref, list):
        if len(ours) != len(ref):
            out.append("%s: %d items vs %d" % (path, len(ours), len(ref)))
        for i, (a, b) in enumerate(zip(ours, ref)):
            out += differences(a, b, "%s[%d]" % (path, i))
    elif isinstance(ours, bool) or isinstance(ref, bool) or not isinstance(ours, (int, float)) \
            or not isinstance(ref, (int, float)):
        if ours != ref:
            out.append("%s: %r vs %r" % (path, ours, ref))
    elif not math.isclose(ours, ref, rel_tol=1e-9, abs_tol=1e-9):
        out.append("%s: %r vs %r" % (path, ours, ref))
    return out


class Differential(ThdTestCase):
    def compare(self, csv_path, today="2026-11-22"):
        data = os.path.dirname(os.path.dirname(os.path.dirname(csv_path)))
        name = os.path.basename(csv_path)[:-4]
        ours, _ = self.thd_json("--data-dir", data, "--cache-dir", os.path.join(self.tmp, "cache"), "-q", "run",
                                "--portfolio", name, "--offline", "--output", "-")
        ref = subprocess.run([sys.executable, os.path.join(BENCH, "reference_stats.py"), csv_path, "--today", today,
                              "--order-by", "date"], stdout=subprocess.PIPE, check=True, text=True)
        ref = json.loads(ref.stdout)
        diffs = []
        for section in SECTIONS:
            diffs += differences(ours[section], ref[section], "/" + section)
        self.assertEqual(diffs[:20], [], "%d differences on %s" % (len(diffs), csv_path))
        return ours

    def generate(self, rows, seed, messy, tickers=200):
        path = os.path.join(self.tmp, "data", "raw", "trade_history", "gen%d.csv" % seed)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        argv = [sys.executable, os.path.join(BENCH, "gen_trades.py"), "--rows", str(rows), "--seed", str(seed),
                "--tickers", str(tickers), "--out", path]
        if messy:
            argv.append("--messy")
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return path

    def test_clean_generated_files(self):
        for seed in (1, 2):
            ours = self.compare(self.generate(3000, seed, messy=False))
            self.assertEqual(ours["data_quality_assessment"]["issues_total"], 0)

    def test_messy_generated_files(self):
        for seed in (11, 12, 13, 14, 15):
            ours = self.compare(self.generate(2500, seed, messy=True, tickers=40))
            self.assertGreater(ours["data_quality_assessment"]["issues_total"], 0)

    def test_more_than_a_thousand_open_positions(self):
        ours = self.compare(self.generate(6000, 21, messy=False, tickers=50))
        self.assertGreater(ours["portfolio_summary"]["active_trades"], 1000)
        self.assertEqual(len(ours["active_positions"]), 1000)

    def test_bundled_sample(self):
        self.compare(os.path.join(SOURCE, "data", "raw", "trade_history", "live_signals_20261120.csv"))


if __name__ == "__main__":
    unittest.main()
