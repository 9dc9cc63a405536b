"""The bundled sample data (data/), against the figures data/README.md states for it."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import ThdTestCase  # noqa: E402

DATA = os.path.join(os.environ.get("THD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")), "data")


class SampleData(ThdTestCase):
    def inventory(self, *args):
        # The cache goes to a temporary directory: the sample tree stays untouched.
        doc, _ = self.thd_json("--data-dir", DATA, "--cache-dir", os.path.join(self.tmp, "cache"), "inventory",
                               "--report", "json", *args)
        return doc

    def test_fundamental_files(self):
        fa = self.inventory()["fundamental_analysis"]
        self.assertEqual(fa["files"], 18)
        self.assertEqual(fa["tickers"], 17)
        self.assertEqual(sorted(f["file"] for f in fa["ignored"]), ["MSFT_2026-11-03.md", "notes.md"])
        aapl = fa["by_ticker"]["AAPL"]
        self.assertEqual((aapl["file"], aapl["files"], aapl["age_days"], aapl["stale"]),
                         ("AAPL_20261118.md", 2, 4, False))
        self.assertEqual((aapl["recommendation"], aapl["conviction"]), ("BUY", 0.85))
        self.assertEqual((aapl["fair_value_low"], aapl["fair_value_high"], aapl["current_price"]),
                         (265, 305, 271.46))
        self.assertEqual((fa["by_ticker"]["KO"]["age_days"], fa["by_ticker"]["KO"]["stale"]), (63, True))
        self.assertIsNone(fa["by_ticker"]["XOM"]["recommendation"])
        self.assertEqual(fa["by_ticker"]["COST"]["fair_value_low"], 1020)
        self.assertEqual(fa["by_ticker"]["COST"]["current_price"], 1101.5)
        self.assertEqual(fa["by_ticker"]["NEE"]["file"], "nee_20261113.md")
        self.assertIsNone(fa["by_ticker"]["BTC-USD"]["fair_value_low"])
        self.assertEqual(fa["stale"], 1)

    def test_sector_files(self):
        sa = self.inventory()["sector_analysis"]
        self.assertEqual(len(sa["sectors"]), 11)
        self.assertEqual(sa["missing"], [])
        self.assertEqual(sa["sectors"]["financials"]["alias"], "finance")
        self.assertEqual(sa["sectors"]["industrials"]["alias"], "industrial")
        self.assertEqual(sa["sectors"]["communication_services"]["alias"], "communication")
        self.assertEqual(sa["sectors"]["technology"]["file"], "technology_20261115.md")
        self.assertEqual((sa["sectors"]["consumer_staples"]["age_days"], sa["sectors"]["consumer_staples"]["stale"]),
                         (33, True))
        self.assertEqual([f["file"] for f in sa["ignored"]], ["README.txt"])
        self.assertEqual(sa["files"], 12)
        self.assertEqual(sa["theme_files"], 1)
        self.assertEqual(sa["themes"], {"quantum_computing": {"file": "quantum_computing_20261103.md",
                                                              "date": "2026-11-03", "age_days": 19,
                                                              "stale": False, "files": 1}})

    def test_coverage_of_live_signals(self):
        cov = self.inventory("--portfolio", "live_signals")["coverage"]
        self.assertTrue(cov["file"].endswith("live_signals_20261120.csv"))
        self.assertEqual(cov["tickers"], 25)
        self.assertEqual(cov["covered"], 17)
        self.assertEqual(sorted(cov["missing"]), ["AMT", "BAC", "CVX", "DIS", "HON", "LIN", "PG", "UNH"])
        self.assertEqual(cov["stale"], ["KO"])
        self.assertAlmostEqual(cov["ratio"], 17 / 25)

    def test_portfolio_resolution(self):
        cases = {"live_signals": "live_signals_20261120.csv", "live_signals_20261001": "live_signals_20261001.csv",
                 "paper_trades": "paper_trades.csv"}
        for name, file in cases.items():
            self.assertTrue(self.inventory("--portfolio", name)["coverage"]["file"].endswith(file), name)
        r = self.thd("--data-dir", DATA, "inventory", "--portfolio", "live_signal")
        self.assert_error(r, 3, "live_signal", "available: live_signals, paper_trades")


if __name__ == "__main__":
    unittest.main()
