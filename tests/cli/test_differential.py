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
            "strategy_performance", "trade_analysis", "active_positions", "data_quality_assessment"]
ONLY_OURS = {"issues_listed", "active_positions_listed"}  # extra counters the reference does not print


def differences(ours, ref, path="", exact=False):
    out = []
    if isinstance(ours, dict) and isinstance(ref, dict):
        for k in sorted(set(ours) | set(ref)):
            if k in ONLY_OURS:
                continue
            if k not in ours or k not in ref:
                out.append("%s/%s only in %s" % (path, k, "ours" if k in ours else "reference"))
            elif not (k == "issue" and path.startswith("/data_quality_assessment/issues")):
                out += differences(ours[k], ref[k], path + "/" + k, exact)
    elif isinstance(ours, list) and isinstance(ref, list):
        if len(ours) != len(ref):
            out.append("%s: %d items vs %d" % (path, len(ours), len(ref)))
        for i, (a, b) in enumerate(zip(ours, ref)):
            out += differences(a, b, "%s[%d]" % (path, i), exact)
    elif isinstance(ours, bool) or isinstance(ref, bool) or not isinstance(ours, (int, float)) \
            or not isinstance(ref, (int, float)):
        if ours != ref:
            out.append("%s: %r vs %r" % (path, ours, ref))
    elif exact and ours != ref:
        out.append("%s: %r vs %r (not the same double)" % (path, ours, ref))
    elif not math.isclose(ours, ref, rel_tol=1e-9, abs_tol=1e-9):
        out.append("%s: %r vs %r" % (path, ours, ref))
    return out


class Differential(ThdTestCase):
    def compare(self, csv_path, today="2026-11-22", exact=True):
        data = os.path.dirname(os.path.dirname(os.path.dirname(csv_path)))
        name = os.path.basename(csv_path)[:-4]
        ours, _ = self.thd_json("--data-dir", data, "--cache-dir", os.path.join(self.tmp, "cache"), "-q", "run",
                                "--portfolio", name, "--offline", "--output", "-")
        ref = subprocess.run([sys.executable, os.path.join(BENCH, "reference_stats.py"), csv_path, "--today", today,
                              "--order-by", "date"], stdout=subprocess.PIPE, check=True, text=True)
        ref = json.loads(ref.stdout)
        diffs = []
        for section in SECTIONS:
            # Every sum follows one rule (docs/STATISTICS.md, "Exact sums"): the same double, not a close one.
            diffs += differences(ours[section], ref[section], "/" + section, exact)
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

    def test_sums_with_terms_that_are_not_short_decimals(self):
        """Cells with more than 8 decimals, exponents, more than 15 digits, beyond 2^53 / 1e8: the sums that
        meet one fall back to Neumaier in file order (from the exact sum so far); the others stay exact."""
        import random
        rng = random.Random(5)
        path = os.path.join(self.tmp, "data", "raw", "trade_history", "inexact.csv")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        cells = ["0.05", "-0.05", "0.15", "0.1", "0.2", "-0.1999", "0", "1e-3", "2.5E-2", "0.123456789",
                 "0.1234567890123456789", "1.0000000000000002", "90071992.54740993", "123456789012.5", "-0.049999999",
                 "+0.3", ".25", "7.", "12345678901234567890", "3.999999999999999e1", "-2.05", "2.5"]
        lines = ["Ticker,Strategy_Type,Status,Entry_Timestamp,Exit_Timestamp,PnL,Return,Duration_Days,"
                 "Max_Favourable_Excursion,Max_Adverse_Excursion,Exit_Efficiency"]
        for i in range(400):
            exact_only = i < 150  # the first rows keep every sum exact: the fallback starts from their sum
            pick = (lambda: rng.choice(cells[:10])) if exact_only else (lambda: rng.choice(cells))
            day = "2025-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28))
            exit_day = "" if rng.random() < 0.05 else "2026-%02d-%02d" % (rng.randint(1, 3), rng.randint(1, 28))
            pnl = "" if rng.random() < 0.1 else rng.choice(["%.2f" % rng.uniform(-900, 900), pick()])
            lines.append(",".join([rng.choice(["AAA", "BBB", "CCC"]), rng.choice(["S1", "S2", ""]),
                                   "Closed" if rng.random() < 0.9 else "Open", day, exit_day if True else "",
                                   pnl, "" if rng.random() < 0.05 else pick(), str(rng.randint(1, 90)),
                                   pick(), pick(), "" if rng.random() < 0.3 else pick()]))
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        ours = self.compare(path)
        analysis = ours["trade_analysis"]
        self.assertGreater(analysis["equity_curve"]["points_total"], 30)
        self.assertGreater(analysis["excursions"]["winners_with_mfe"], 0)

    def test_inexact_term_in_the_first_chunk(self):
        """Row 1 (in the header's chunk, counted on the whole) has a PnL of 9 decimals; the 9,999 exact rows
        after it are counted on parts over several chunks: none may be dropped. 0.123456789 + 9999 * 1."""
        path = os.path.join(self.tmp, "data", "raw", "trade_history", "chunk.csv")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        lines = ["Ticker,Strategy_Type,Status,Entry_Timestamp,Exit_Timestamp,PnL,Return",
                 "AAA,S1,Closed,2025-01-01,2025-01-02,0.123456789,0.01"]
        lines += ["AAA,S1,Closed,2025-01-01,2025-01-%02d,1,0.01" % (2 + i % 20) for i in range(9999)]
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        ours = self.compare(path)
        self.assertAlmostEqual(ours["performance_metrics"]["total_pnl"], 9999.123456789, places=6)

    def test_returns_whose_bin_quotient_overflows(self):
        """Return / 0.05 is infinite for |Return| >= ~9e306: the end bins (index 39, -40), not an error."""
        path = os.path.join(self.tmp, "data", "raw", "trade_history", "huge.csv")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("Ticker,Status,Entry_Timestamp,Exit_Timestamp,PnL,Return\n"
                    "A,Closed,2025-01-01,2025-01-02,1,1e307\n"
                    "A,Closed,2025-01-01,2025-01-03,1,-1e307\n"
                    "A,Closed,2025-01-01,2025-01-04,1,0.07\n")
        ours = self.compare(path)
        bins = ours["trade_analysis"]["return_distribution"]["bins"]
        self.assertEqual([(b["from"], b["to"]) for b in bins], [(None, -1.95), (0.05, 0.1), (1.95, None)])

    def test_sqn_of_exact_returns_whose_n_times_sum_of_squares_passes_2_127(self):
        """1,500 Returns near 9e7 (s ~ 9e15 at scale 1e8): the sum of squares stays exact, N times it does not.
        The C++ M2 (divmod of the sum by N) against the reference's sum of (r - mean)^2 in Fractions."""
        os.makedirs(os.path.join(self.tmp, "data", "raw", "trade_history"), exist_ok=True)
        cases = {"bigeq": ["89999999.99999999"] * 1500,  # stdev 0, not 1.1688644757948559
                 "bigalt": ["89999999.99999997", "89999999.99999999"] * 750,
                 "bigodd": ["89999999.99999999"] * 1499 + ["89999999.99999997"]}
        for name, returns in cases.items():
            path = os.path.join(self.tmp, "data", "raw", "trade_history", name + ".csv")
            with open(path, "w") as f:
                f.write("Ticker,Status,Entry_Timestamp,Exit_Timestamp,PnL,Return\n")
                f.writelines("A,Closed,2025-01-01,2025-01-02,1,%s\n" % r for r in returns)
            ours = self.compare(path)
            if name == "bigeq":
                self.assertEqual(ours["trade_analysis"]["sqn"]["stdev_return"], 0.0)

    def test_drawdown_ratio_when_the_drawdown_overflows(self):
        """Cumulative 1e308, -0.5e308, -1.5e308, 0: the drawdown 2.5e308 overflows, max_relative 1 - c / P = 2.5."""
        path = os.path.join(self.tmp, "data", "raw", "trade_history", "ddov.csv")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("Ticker,Status,Entry_Timestamp,Exit_Timestamp,PnL\n"
                    "A,Closed,2025-01-01,2025-01-02,1e308\n"
                    "A,Closed,2025-01-01,2025-01-03,-1.5e308\n"
                    "A,Closed,2025-01-01,2025-01-04,-1.0e308\n"
                    "A,Closed,2025-01-01,2025-01-05,1.5e308\n")
        # The PnL sums overflow too (issues the reference does not model): only the drawdown is compared.
        ours, _ = self.thd_json("--data-dir", os.path.join(self.tmp, "data"), "--cache-dir",
                                os.path.join(self.tmp, "cache"), "-q", "run", "--portfolio", "ddov", "--offline",
                                "--output", "-")
        ref = subprocess.run([sys.executable, os.path.join(BENCH, "reference_stats.py"), path, "--today",
                              "2026-11-22", "--order-by", "date"], stdout=subprocess.PIPE, check=True, text=True)
        ref = json.loads(ref.stdout)
        self.assertEqual(ours["trade_analysis"]["drawdown"], ref["trade_analysis"]["drawdown"])
        self.assertAlmostEqual(ours["trade_analysis"]["drawdown"]["max_relative"], 2.5, places=12)

    def test_bundled_sample(self):
        self.compare(os.path.join(SOURCE, "data", "raw", "trade_history", "live_signals_20261120.csv"))


if __name__ == "__main__":
    unittest.main()
