"""Issue 9, item 3: an answer without the fields is not data. A provider that
answers HTTP 200 with `[{}]`, with an error object, or with another symbol's
record (the fake's empty_record, error_200 and other_symbol faults) is
refused: nothing of it is cached, the next provider of the chain answers,
and the document names that provider as the source."""

import hashlib
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import FakeServicesTestCase, clean_env  # noqa: E402

KEYS = {"FMP_API_KEY": "k-fmp", "ALPHA_VANTAGE_API_KEY": "k-av", "FRED_API_KEY": "k-fred"}
HEADER = ("Position_UUID,Ticker,Strategy_Type,Entry_Timestamp,Exit_Timestamp,PnL,Return,Duration_Days,"
          "Status,Current_Unrealized_PnL\n")
# One open position and the fake's name for it (scripts/fake_services.py UNIVERSE). One only: Alpha
# Vantage's rate limit (5 a minute, a burst of 2.5) takes its profile and fundamentals at once, where a
# third call would wait past 10 s and go on to SEC.
NAMES = {"JPM": "JPMorgan Chase & Co."}


def price(sym):
    """The fake's documented price: 50 + (n(0) % 45000) / 100, n(0) from md5 of the symbol."""
    n0 = int(hashlib.md5(sym.encode()).hexdigest()[0:6], 16)
    return round(50 + (n0 % 45000) / 100, 2)


class WrongAnswers(FakeServicesTestCase):
    copy_outputs = False

    def setUp(self):
        super().setUp()
        rows = "".join("u%d,%s,SMA,2026-01-02,,,,,Open,1\n" % (i, t) for i, t in enumerate(NAMES))
        with open(os.path.join(self.data, "raw", "trade_history", "few.csv"), "w") as f:
            f.write(HEADER + rows)
        self.cache = os.path.join(self.tmp, "cache")

    def run_few(self, sec=True):
        contact = "thd-tests tests@example.com" if sec else None  # no contact: SEC is disabled
        env = clean_env(**{**KEYS, **self.service_urls(), "SEC_EDGAR_USER_AGENT": contact})
        doc, _ = self.thd_json("--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio", "few",
                               "--output", "-", env=env)
        return doc

    def cached_keys(self, service):
        """The keys of the cache entries stored under `service`."""
        d = os.path.join(self.cache, service)
        keys = []
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if name.endswith(".json"):
                with open(os.path.join(d, name)) as f:
                    keys.append(json.load(f)["key"])
        return keys

    def check_fmp_refused(self, **fault):
        self.server.fault(service="fmp", **fault)
        doc = self.run_few(sec=False)  # SEC would come before Alpha Vantage (25 a day): off, to see the latter
        self.assertGreater(self.server.stats()["requests"]["fmp"], 0)
        self.assertEqual(self.cached_keys("fmp"), [])  # nothing of FMP's answers is kept
        for ticker, name in NAMES.items():
            p = doc["tickers"][ticker]["profile"]
            self.assertEqual(p["provenance"]["service"], "alpha_vantage", ticker)  # the next in the chain
            self.assertEqual(p["provenance"]["source"], "network", ticker)
            self.assertEqual(p["name"], name)
        self.assertIn("profile:JPM", self.cached_keys("alpha_vantage"))
        return doc

    def test_fmp_empty_record_is_not_a_profile(self):
        self.check_fmp_refused(mode="empty_record")

    def test_fmp_error_object_with_http_200_is_not_a_profile(self):
        # FMP's list shape with the error inside it: [{"Error Message": ...}].
        self.check_fmp_refused(mode="error_200", variant="list")

    def test_fmp_answer_about_another_symbol_is_not_this_symbols_profile(self):
        doc = self.check_fmp_refused(mode="other_symbol", variant="MSFT")
        self.assertNotIn("Microsoft", json.dumps(doc))

    def test_yahoo_answer_about_another_symbol_is_not_this_symbols_quote(self):
        self.server.fault(service="yahoo_finance", mode="other_symbol", variant="MSFT")
        doc = self.run_few()
        self.assertGreater(self.server.stats()["requests"]["yahoo_finance"], 0)
        self.assertEqual(self.cached_keys("yahoo_finance"), [])
        for ticker in NAMES:
            m = doc["tickers"][ticker]["market"]
            self.assertEqual((m["provenance"]["service"], m["provenance"]["source"]), ("fmp", "network"), ticker)
            self.assertEqual(m["price"], price(ticker))
        self.assertNotEqual(doc["tickers"]["JPM"]["market"]["price"], price("MSFT"))
        self.assertIn("quote:JPM", self.cached_keys("fmp"))


if __name__ == "__main__":
    unittest.main()
