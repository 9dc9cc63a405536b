"""Issue 11: the fetch plan as a user meets it. Needs go to the network in
priority order, a budget is spent on what matters first, runs make progress
(what one run could not fetch, the next does, and nothing a quota paid for
is asked twice), and a long run says where it is. Every claim is checked
with the fake's own counts (/__stats)."""

import os
import re
import shutil
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

    def test_a_budget_sends_what_it_allows_and_the_engine_refuses_nothing(self):
        # Alpha Vantage alone (1 call per 1.15 s), 5 calls allowed: the plan sends 5 and the rest is
        # missing at once with the plan's reason; nothing reaches the engine to be refused there (the
        # engine's own "no wait for a refused request" is unit-tested in test_http_engine.cpp).
        doc, r = self.run_sample("--max-api-calls", "5", "--services", "alpha_vantage", "-v")
        st = self.server.stats()
        self.assertEqual(st["requests"].get("alpha_vantage", 0), 5)
        self.assertNotIn("budget_spent", str(doc["discovery_metadata"]["api_calls"].get("failed", {})))

    def test_a_budget_too_small_for_a_providers_setup_ends_and_says_why(self):
        # SEC's tickers file and one profile need 2 calls; Yahoo alone gets its 3 calls' worth. Each
        # run ends (a budget that plans nothing is not planned again and again) within its budget.
        for services, budget, most in (("sec_edgar", 1, 1), ("yahoo_finance", 3, 3), ("sec_edgar", 2, 2)):
            self.server.reset()
            cache = os.path.join(self.cache, services + str(budget))
            doc, r = self.thd_json("--data-dir", self.data, "--cache-dir", cache, "run", "--portfolio",
                                   "live_signals", "--output", "-", "--services", services, "--max-api-calls",
                                   str(budget), env=self.env(), timeout=60)
            st = self.server.stats()
            self.assertLessEqual(st["requests_total"], most, (services, budget))
            served = by_source(doc)["network"]
            if services == "yahoo_finance":
                self.assertEqual(served, 3)  # no session asked for: nothing held back
            if (services, budget) == ("sec_edgar", 2):
                self.assertEqual(served, 1)  # the tickers file and one profile
            missing = [v["profile"]["provenance"]["reason"] for v in doc["tickers"].values()
                       if v.get("profile") and v["profile"]["provenance"]["source"] == "missing"
                       and not v["profile"]["provenance"]["reason"].startswith("not requested")]
            if services == "sec_edgar":
                self.assertTrue(all("--max-api-calls %d" % budget in m or "budget" in m for m in missing), missing)


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

    def test_a_session_the_budget_pays_for_comes_out_of_the_lowest_priority_needs(self):
        # Yahoo asks for its cookie and crumb: 2 calls and the retry of its first need, which the plan
        # holds for it; the open positions, benchmarks, VIX, macro and crypto are all served, and what
        # the budget cannot pay for is the profiles'.
        self.set_realism(yahoo_crumb=True)
        budget = MARKET + 3 + MACRO + CRYPTO + 3
        doc, r = self.run_sample("--max-api-calls", str(budget))
        st = self.server.stats()
        self.assertLessEqual(st["requests_total"], budget)
        t = doc["tickers"]
        for ticker, v in t.items():  # every open position's (the others' are not requested)
            p = v["market"]["provenance"]
            if not (p["reason"] or "").startswith("not requested"):
                self.assertEqual(p["source"], "network", (ticker, p))
        ctx = doc["market_context"]
        for b in ("SPY", "QQQ", "VTI"):
            self.assertEqual(ctx["benchmarks"][b]["provenance"]["source"], "network", b)
        self.assertEqual(ctx["volatility"]["VIX"]["provenance"]["source"], "network")
        for s in ("FEDFUNDS", "DGS10", "UNRATE", "CPIAUCSL"):
            self.assertEqual(ctx["economic_indicators"][s]["provenance"]["source"], "network", s)
        self.assertEqual(ctx["crypto"]["bitcoin"]["provenance"]["source"], "network")
        self.assertNotIn("budget_spent", doc["discovery_metadata"]["api_calls"]["failed"], r.stderr)

    def test_fmp_refusing_one_symbol_for_an_endpoint_is_not_asked_the_others_outside_its_free_list(self):
        # 12 open positions FMP's free plan does not serve (and the fake knows nobody serves): FMP's
        # first profile and first ratios answer 402; the other symbols are not asked of it, in this
        # run or the next.
        tickers = ["ZQ%s" % chr(65 + i) for i in range(12)]
        rows = "".join("u%d,%s,SMA,2026-01-02,,,,,Open,1\n" % (i, t) for i, t in enumerate(tickers))
        with open(os.path.join(self.data, "raw", "trade_history", "odd.csv"), "w") as f:
            f.write("Position_UUID,Ticker,Strategy_Type,Entry_Timestamp,Exit_Timestamp,PnL,Return,"
                    "Duration_Days,Status,Current_Unrealized_PnL\n" + rows)
        argv = ["--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio", "odd", "--output", "-"]
        doc, r = self.thd_json(*argv, env=self.env(), timeout=180)
        st = self.server.stats()
        fmp = st["status_counts"].get("fmp", {})
        # Per endpoint (quote as a market fallback, profile, ratios): the first 402, and what was on its
        # way with it (5 in flight at most); not 12 each.
        asked = {}
        for path in st["paths"].get("fmp", []):
            asked[path.split("?")[0]] = asked.get(path.split("?")[0], 0) + 1
        self.assertTrue(asked, st["paths"])
        for endpoint, n in asked.items():
            self.assertLessEqual(n, 5, (endpoint, st["paths"]["fmp"]))
        reasons = [v["fundamentals"]["provenance"]["reason"] for v in doc["tickers"].values()]
        inferred = [x for x in reasons if "not one of the 87 symbols of the free plan" in x]
        self.assertGreaterEqual(len(inferred), 12 - 5, reasons)
        # The next run, the same day: the 402s are remembered and not asked again; the inference is
        # learned again (a key may be another one tomorrow), from the first refusal of each endpoint. No
        # (endpoint, symbol) is asked twice in the day.
        doc, r = self.thd_json(*argv, env=self.env(), timeout=180)
        paths = [re.sub(r"apikey=[^&]*", "", p) for p in self.server.stats()["paths"]["fmp"]]
        self.assertEqual(len(paths), len(set(paths)), paths)
        asked = {}
        for path in paths:
            asked[path.split("?")[0]] = asked.get(path.split("?")[0], 0) + 1
        for endpoint, n in asked.items():
            self.assertLessEqual(n, 10, (endpoint, paths))  # at most 5 a run

    def test_without_a_terminal_verbose_prints_a_progress_line_every_10_seconds(self):
        # A global pace of 20 a minute (a burst of 10, then one call per 3 s): 16 calls take ~18 s.
        doc, r = self.run_sample("--max-api-calls", "16", "--max-calls-per-minute", "20", "-v")
        lines = [l for l in r.stderr.splitlines() if "progress: [" in l]
        self.assertGreaterEqual(len(lines), 1, r.stderr)
        self.assertLessEqual(len(lines), 2, r.stderr)
        line = lines[0]
        # The 59 needs that went to the network (43 of them left missing by the budget at once: failed),
        # where the done ones came from, Yahoo's calls made of the 16 planned, the time left, and the wait
        # with its cause.
        self.assertRegex(line, r"progress: \[ *\d+/59 needs\] \d+ network, 0 cache, 43 failed · "
                               r"yahoo_finance \d+/16 · eta \d+s · yahoo_finance: next call in \d+ s "
                               r"\(--max-calls-per-minute\)$")


if __name__ == "__main__":
    unittest.main()
