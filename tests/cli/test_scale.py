"""Issue 11: the fetch plan as a user meets it. Needs go to the network in
priority order, a budget is spent on what matters first, runs make progress
(what one run could not fetch, the next does, and nothing a quota paid for
is asked twice), and a long run says where it is. Every claim is checked
with the fake's own counts (/__stats)."""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import FakeServicesTestCase, clean_env  # noqa: E402

KEYS = {"FMP_API_KEY": "fmpkey-1111", "ALPHA_VANTAGE_API_KEY": "avkey-1111", "FRED_API_KEY": "fredkey-1111",
        "COINGECKO_API_KEY": "cgdemo-1111"}
CONTACT = {"SEC_EDGAR_USER_AGENT": "thd-tests tests@example.com"}
# The sample portfolio (data/README.md): 16 open tickers (BTC-USD the one coin) + 3 benchmarks + VIX = 20
# market needs; 4 FRED series, 2 IMF indicators, 1 coin; 24 profiles; 8 fundamentals.
MARKET, MACRO, CRYPTO, PROFILES, FUNDAMENTALS = 20, 6, 1, 24, 8


def by_source(doc):
    return doc["discovery_metadata"]["needs"]["by_source"]


class Plan(FakeServicesTestCase):
    def env(self, **extra):
        return clean_env(**{**KEYS, **self.service_urls(), **CONTACT, **extra})

    def run_sample(self, *args, **kw):
        return self.thd_json("--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio",
                             "live_signals", "--output", "-", *args, env=kw.get("env") or self.env(), timeout=120)

    def test_a_tiny_budget_goes_to_open_positions_then_benchmarks_macro_crypto_and_only_then_profiles(self):
        budget = MARKET + MACRO + CRYPTO + 3  # three calls left for the 24 profiles
        doc, r = self.run_sample("--max-api-calls", str(budget))
        st = self.server.stats()
        self.assertEqual(st["requests_total"], budget)
        self.assertEqual(st["requests"].get("fred_economic", 0), 4)
        self.assertEqual(st["requests"].get("imf_data", 0), 2)
        self.assertEqual(st["requests"].get("coingecko", 0), 1)
        self.assertEqual(doc["market_context"]["economic_indicators"]["FEDFUNDS"]["provenance"]["source"], "network")
        self.assertEqual(doc["tickers"]["AAPL"]["market"]["provenance"]["source"], "network")
        profiles = [v["profile"]["provenance"] for t, v in doc["tickers"].items() if t != "BTC-USD"]
        served = [p for p in profiles if p["source"] == "network"]
        self.assertEqual(len(served), 3)
        missing = [p for p in profiles if p["source"] == "missing"]
        self.assertEqual(len(missing), PROFILES - 3)
        for p in missing:
            self.assertIn("--max-api-calls %d all planned for needs ahead" % budget, p["reason"])
        for t, v in doc["tickers"].items():
            if "fundamentals" in v and v["fundamentals"]["provenance"]["source"] != "local":
                self.assertEqual(v["fundamentals"]["provenance"]["source"], "missing", t)

    def test_a_budget_capped_run_does_not_wait_for_rate_limits_it_will_not_use(self):
        # Alpha Vantage alone (1 call per 1.15 s), 5 calls allowed: the plan sends 5, the rest is
        # missing at once, with no wait; five calls take about 4 x 1.15 s.
        doc, r = self.run_sample("--max-api-calls", "5", "--services", "alpha_vantage", "-v")
        st = self.server.stats()
        self.assertEqual(st["requests"].get("alpha_vantage", 0), 5)
        self.assertLess(doc["discovery_metadata"]["duration_ms"]["phase2_market"], 8000)
        self.assertNotIn("budget_spent", str(doc["discovery_metadata"]["api_calls"].get("failed", {})))


class Progress(FakeServicesTestCase):
    realistic = True

    def env(self, **extra):
        return clean_env(**{**KEYS, **self.service_urls(), **CONTACT, **extra})

    def run_sample(self, *args):
        return self.thd_json("--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio",
                             "live_signals", "--output", "-", *args, env=self.env(), timeout=180)

    def test_three_runs_on_a_small_budget_raise_coverage_and_never_pay_twice_for_one_need(self):
        missing = []
        for _ in range(4):
            doc, _ = self.run_sample("--max-api-calls", "25")
            missing.append(by_source(doc)["missing"])
        # Each run serves what the one before could not; the fourth has nothing left to fetch.
        self.assertTrue(all(a > b for a, b in zip(missing, missing[1:3])), missing)
        self.assertEqual(missing[3], 0, missing)
        st = self.server.stats()  # one fake day: the four runs' requests together
        # A quota provider is never asked the same thing twice in the day: a figure it served is
        # cached, a "not on your plan" remembered.
        for service in ("fmp", "alpha_vantage"):
            paths = [re.sub(r"apikey=[^&]*", "", p) for p in st["paths"].get(service, [])]
            self.assertEqual(len(paths), len(set(paths)), (service, paths))
        self.assertEqual(st["refusals"].get("fmp", {}).get("daily_cap", 0), 0)

    def test_without_a_terminal_verbose_prints_a_progress_line_every_10_seconds(self):
        # A global pace of 20 a minute (a burst of 10, then one call per 3 s): 16 calls take ~18 s.
        doc, r = self.run_sample("--max-api-calls", "16", "--max-calls-per-minute", "20", "-v")
        lines = [l for l in r.stderr.splitlines() if "progress: [" in l]
        self.assertGreaterEqual(len(lines), 1, r.stderr)
        self.assertLessEqual(len(lines), 2, r.stderr)
        line = lines[0]
        # The 59 needs that went to the network (43 of them left missing by the budget at once), the calls
        # made, the time left, the wait and its cause, and Yahoo's calls made of the 16 planned.
        self.assertRegex(line, r"progress: \[\d+/59 needs\] \d+ calls · eta \d+ s · next yahoo_finance call in "
                               r"\d+\.\d s \(--max-calls-per-minute\) · yahoo_finance \d+/16$")


if __name__ == "__main__":
    unittest.main()
