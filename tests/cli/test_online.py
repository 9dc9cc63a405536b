"""`run` against the fake services (SPEC §4.3-§4.5, §7): the requests the plan
predicts, figures that match the fake's documented formulas (worked out here,
not read back from the tool), warm runs, stale data with the network down,
provider fallbacks, disabled services, secrets, errors in disguise, --dry-run."""

import hashlib
import math
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import SERVICES, FakeServicesTestCase, clean_env  # noqa: E402

KEYS = {"FMP_API_KEY": "MARKERfmp7731", "ALPHA_VANTAGE_API_KEY": "MARKERav8842", "FRED_API_KEY": "MARKERfred9953",
        "COINGECKO_API_KEY": "MARKERcg1064"}

# The sample portfolio (data/README.md): 16 open tickers, 25 tickers,
# 17 with a local analysis; BTC-USD is the one crypto ticker.
OPEN = ["CAT", "BAC", "UNH", "TSLA", "NVDA", "MSFT", "AMT", "CVX", "HD", "LIN", "COST", "AAPL", "BRK.B", "GOOGL",
        "BTC-USD", "META"]
UNCOVERED = ["AMT", "BAC", "CVX", "DIS", "HON", "LIN", "PG", "UNH"]


# --- the fake's value formulas (scripts/fake_services.py header), computed independently ---
def n(sym, i):
    d = hashlib.md5(sym.upper().replace(".", "-").encode()).hexdigest()
    return int(d[6 * i:6 * i + 6], 16)


def price(sym):
    base, span = {"^VIX": (10, 3000), "BTC-USD": (20000, 8000000)}.get(sym, (50, 45000))
    return round(base + (n(sym, 0) % span) / 100, 2)


def close(sym, k):
    p = price(sym)
    phase, amp, trend = n(sym, 1) % 60, 0.05 + (n(sym, 2) % 11) / 100, ((n(sym, 3) % 41) - 20) / 100
    f = 1 + trend * (k - 251) / 251 + amp * (math.sin((k + phase) / 7.0) - math.sin((251 + phase) / 7.0))
    return round(p * f, 2)


def fred(base, slope, amp, dec, i):
    return round(base + slope * i + amp * math.sin(i / 3.0), dec)


class Online(FakeServicesTestCase):
    def env(self, down=False, **extra):
        urls = self.service_urls("http://127.0.0.1:1" if down else None)  # port 1: connection refused at once
        # clean_env applies `extra` last: a value overrides, None removes.
        return clean_env(**{**KEYS, **urls, "SEC_EDGAR_USER_AGENT": "thd-tests tests@example.com", **extra})

    def run_online(self, *args, env=None):
        doc, r = self.thd_json("--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio",
                               "live_signals", "--output", "-", *args, env=env or self.env())
        return doc, r

    def requests(self):
        return self.server.stats()["requests"]

    def test_cold_run_makes_exactly_the_planned_requests_and_gets_the_fakes_figures(self):
        doc, _ = self.run_online()
        got = {s: self.requests()[s] for s in SERVICES}
        # yahoo: the 16 open tickers (BTC-USD included) + 3 benchmarks + VIX;
        # fmp: profiles of the 24 non-crypto tickers + fundamentals of the 8 without a local analysis;
        # fred: 4 series; imf: 2 indicators; coingecko: bitcoin.
        self.assertEqual(got, {"yahoo_finance": len(OPEN) + 3 + 1, "fmp": 24 + len(UNCOVERED), "alpha_vantage": 0,
                               "fred_economic": 4, "sec_edgar": 0, "coingecko": 1, "imf_data": 2})
        self.assertEqual(doc["discovery_metadata"]["api_calls"]["attempts"], sum(got.values()))
        m = doc["tickers"]["AAPL"]["market"]
        self.assertEqual(m["price"], price("AAPL"))
        self.assertEqual(m["previous_close"], close("AAPL", 250))
        self.assertEqual(m["provenance"]["source"], "network")
        self.assertEqual(m["provenance"]["service"], "yahoo_finance")
        closes = [close("AAPL", k) for k in range(252) if k not in (100, 200)]
        self.assertEqual(m["fifty_two_week_high"], max(closes))
        self.assertEqual(m["fifty_two_week_low"], min(closes))
        # YTD: from the last close of 2025 (k = 251 - 232 = 19)
        self.assertAlmostEqual(m["ytd_return"], price("AAPL") / close("AAPL", 19) - 1, places=12)
        logs = [math.log(b / a) for a, b in zip(closes, closes[1:])]
        mean = sum(logs) / len(logs)
        sd = math.sqrt(sum((x - mean) ** 2 for x in logs) / (len(logs) - 1))
        self.assertAlmostEqual(m["volatility"], sd * math.sqrt(252), places=9)
        p = doc["tickers"]["JPM"]["profile"]
        self.assertEqual(p["market_cap"], round(price("JPM") * (100000000 + (n("JPM", 1) % 9900) * 1000000)))
        self.assertEqual(p["provenance"]["service"], "fmp")
        self.assertIn("JPM", doc["sector_context"]["by_sector"]["financials"]["tickers"])
        f = doc["tickers"]["UNH"]["fundamentals"]
        pe = 8 + (n("UNH", 2) % 4200) / 100
        self.assertAlmostEqual(f["pe_ratio"], pe, places=6)
        self.assertEqual(f["provenance"]["source"], "network")
        self.assertEqual(doc["tickers"]["AAPL"]["fundamentals"]["provenance"]["source"], "local")
        ec = doc["market_context"]["economic_indicators"]
        self.assertEqual((ec["FEDFUNDS"]["value"], ec["FEDFUNDS"]["date"]), (fred(4.0, -0.02, 0.30, 2, 23), "2026-10-01"))
        # Today (THD_NOW) is in 2026: 2025 is the latest actual, 2026 a projection, marked.
        # NGDP_RPCH(y) = round(2.0 + sin((y - 2000) / 2), 3): sin(12.5) = -0.06632, sin(13) = 0.42017.
        imf = doc["market_context"]["imf"]["NGDP_RPCH"]
        self.assertEqual((imf["value"], imf["year"]), (1.934, 2025))
        self.assertEqual(imf["current_year"], {"year": 2026, "value": 2.42, "projection": True})
        self.assertEqual(doc["market_context"]["crypto"]["bitcoin"]["usd"], price("BTC-USD"))
        vix = doc["market_context"]["volatility"]["VIX"]
        self.assertEqual(vix["value"], price("^VIX"))
        self.assertEqual(vix["regime"], "low" if price("^VIX") < 20 else "elevated" if price("^VIX") < 30 else "high")
        self.assertEqual(doc["market_context"]["benchmarks"]["SPY"]["price"], price("SPY"))

    def test_warm_run_makes_no_request_and_serves_everything_from_the_cache(self):
        self.run_online()
        self.server.reset()
        doc, _ = self.run_online()
        self.assertEqual(self.server.stats()["requests_total"], 0)
        by_source = doc["discovery_metadata"]["needs"]["by_source"]
        self.assertEqual(by_source["cache"], doc["discovery_metadata"]["needs"]["total"])
        for t, v in doc["tickers"].items():
            if t in OPEN:
                self.assertEqual(v["market"]["provenance"]["source"], "cache", t)
        self.assertEqual(doc["tickers"]["AAPL"]["market"]["price"], price("AAPL"))

    def test_expired_cache_with_the_network_down_is_served_stale(self):
        self.run_online()
        later = self.env(down=True, THD_NOW="2026-11-22T14:00:01Z")  # quotes (900 s) and FRED (7200 s) expired
        doc, r = self.run_online(env=later)
        m = doc["tickers"]["AAPL"]["market"]
        self.assertEqual((m["provenance"]["source"], m["price"]), ("stale_cache", price("AAPL")))
        self.assertEqual(m["provenance"]["age_seconds"], 2 * 3600 + 1)
        self.assertEqual(doc["market_context"]["economic_indicators"]["FEDFUNDS"]["provenance"]["source"],
                         "stale_cache")
        self.assertEqual(doc["tickers"]["JPM"]["profile"]["provenance"]["source"], "cache")  # 7 days: still fresh

    def test_fmp_failing_falls_back_to_sec_and_keeps_alpha_vantage_for_what_only_it_serves(self):
        self.server.fault(service="fmp", mode="status", status=500)
        doc, _ = self.run_online()
        # Profiles: SEC (no quota) before Alpha Vantage (25 a day), which is
        # kept for the fundamentals that nobody else serves once FMP fails.
        services = {v["profile"]["provenance"]["service"] for t, v in doc["tickers"].items() if t != "BTC-USD"}
        self.assertEqual(services, {"sec_edgar"})
        fundamentals = {v["fundamentals"]["provenance"]["service"] for v in doc["tickers"].values()
                        if v["fundamentals"]["provenance"]["source"] == "network"}
        self.assertEqual(fundamentals, {"alpha_vantage"})
        # At most its 25 a day, and never twice for one ticker.
        stats = self.server.stats()
        self.assertLessEqual(stats["requests"]["alpha_vantage"], 25)
        self.assertTrue(all(n == 1 for n in stats["by_subject"]["alpha_vantage"].values()),
                        stats["by_subject"]["alpha_vantage"])
        self.assertEqual(doc["discovery_metadata"]["services"]["fmp"]["circuit"], "open")
        # 3 failures open it; what was already in flight then (at most 4 more of the 5 slots) still lands,
        # and nothing after: far fewer than the 32 fmp needs.
        self.assertLessEqual(self.requests()["fmp"], 3 + 4)

    def test_a_missing_key_disables_its_service(self):
        doc, _ = self.run_online(env=self.env(FMP_API_KEY=None))
        self.assertEqual(self.requests()["fmp"], 0)
        st = doc["discovery_metadata"]["services"]["fmp"]
        self.assertFalse(st["enabled"])
        self.assertIn("no key", st["status"])
        self.assertIn(doc["tickers"]["JPM"]["profile"]["provenance"]["service"], ("alpha_vantage", "sec_edgar"))
        self.assertIsNotNone(doc["tickers"]["JPM"]["profile"]["name"])

    def test_keys_never_leave_the_process(self):
        r = self.thd("--data-dir", self.data, "--cache-dir", self.cache, "-v", "-v", "run", "--portfolio",
                     "live_signals", env=self.env())
        self.assert_ok(r)
        self.server.fault(service="fmp", mode="status", status=500)
        r2 = self.thd("--data-dir", self.data, "--cache-dir", self.cache + "2", "-vv", "run", "--portfolio",
                      "live_signals", env=self.env())
        for marker in KEYS.values():
            self.assertNotIn(marker, r.stdout + r.stderr + r2.stdout + r2.stderr)
            for root in (self.data, self.cache, self.cache + "2"):
                for d, _, files in os.walk(root):
                    for name in files:
                        with open(os.path.join(d, name), "rb") as f:
                            self.assertNotIn(marker.encode(), f.read(), os.path.join(d, name))

    def test_alpha_vantage_information_is_not_cached_or_served(self):
        self.server.fault(service="alpha_vantage", mode="quota")
        doc, _ = self.run_online(env=self.env(FMP_API_KEY=None))
        self.assertGreater(self.requests()["alpha_vantage"], 0)
        self.assertFalse(os.listdir(os.path.join(self.cache, "alpha_vantage"))
                         if os.path.isdir(os.path.join(self.cache, "alpha_vantage")) else [])
        services = {v["profile"]["provenance"]["service"] for t, v in doc["tickers"].items() if t != "BTC-USD"}
        self.assertNotIn("alpha_vantage", services)

    def test_unknown_symbols_are_answers_not_failures(self):
        # FMP answers [] for symbols it does not know: no breaker opens, the known ones are served.
        header = ("Position_UUID,Ticker,Strategy_Type,Entry_Timestamp,Exit_Timestamp,PnL,Return,Duration_Days,"
                  "Status,Current_Unrealized_PnL\n")
        rows = "".join("u%d,%s,SMA,2026-01-02,2026-02-02,10,0.1,31,Closed,\n" % (i, t)
                       for i, t in enumerate(["ZZQA", "ZZQB", "ZZQC", "ZZQD", "ZZQE", "JPM", "KO"]))
        with open(os.path.join(self.data, "raw", "trade_history", "odd.csv"), "w") as f:
            f.write(header + rows)
        doc, _ = self.thd_json("--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio", "odd",
                               "--output", "-", env=self.env())
        self.assertEqual(doc["discovery_metadata"]["services"]["fmp"]["circuit"], "closed")
        self.assertEqual(doc["tickers"]["JPM"]["profile"]["provenance"]["service"], "fmp")
        self.assertEqual(doc["tickers"]["ZZQA"]["profile"]["provenance"]["source"], "missing")
        self.assertIn("no data", doc["tickers"]["ZZQA"]["profile"]["provenance"]["reason"])

    def test_dry_run_plans_without_a_request(self):
        r = self.thd("--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio", "live_signals",
                     "--dry-run", env=self.env())
        self.assert_ok(r)
        self.assertEqual(self.server.stats()["requests_total"], 0)
        self.assertIn("market AAPL", r.stdout)
        # Each need's provider from the plan, the others behind it; the calls per provider and their standing.
        self.assertRegex(r.stdout, r"market AAPL +network: yahoo_finance \(then fmp -> alpha_vantage\)")
        self.assertRegex(r.stdout, r"profile AAPL +network: fmp \(then sec_edgar -> alpha_vantage\)")
        # 59 needs, and the 3 calls Yahoo's session takes should it ask for one (cookie, crumb, the retry).
        self.assertRegex(r.stdout, r"Network plan: 62 calls, about \d+ s \(budget: auto")
        self.assertRegex(r.stdout, r"yahoo_finance +23 calls, 20 needs \(3 calls of setup\) +no quota")
        self.assertRegex(r.stdout, r"fmp +32 calls, 32 needs +250/day plan, 250 left today")
        self.assertRegex(r.stdout, r"alpha_vantage +0 calls, 0 needs +25/day plan, 25 left today")
        self.assertFalse(os.path.exists(os.path.join(self.data, "outputs", "trade_history")))


if __name__ == "__main__":
    unittest.main()
