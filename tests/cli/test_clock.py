"""THD_NOW pins the one clock (issue 8): what a run saves (breakers and daily
quotas in <cache>/.meta/network.json) is dated by it, and compared with it, so
a breaker opened at T is still open for a run at T+30 s and closed for a run
at T+120 s whatever the real time, and a quota counts against THD_NOW's day."""

import calendar
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import FakeServicesTestCase, clean_env, iso, parse_iso  # noqa: E402

T = calendar.timegm(time.strptime("2030-01-15T09:00:00Z", "%Y-%m-%dT%H:%M:%SZ"))  # not the real time


class PinnedClock(FakeServicesTestCase):
    copy_outputs = False

    def run_at(self, t, down=False, **extra):
        env = self.service_urls("http://127.0.0.1:1" if down else None)  # port 1: refused at once
        env.update(FMP_API_KEY="fmp-key", ALPHA_VANTAGE_API_KEY="av-key", FRED_API_KEY="fred-key", THD_NOW=iso(t),
                   SEC_EDGAR_USER_AGENT="thd-tests tests@example.com", **extra)
        doc, _ = self.thd_json("--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio",
                               "live_signals", "--output", "-", env=clean_env(**env))
        return doc

    def network_state(self):
        with open(os.path.join(self.cache, ".meta", "network.json")) as f:
            return json.load(f)

    def test_breakers_are_saved_and_compared_with_thd_now(self):
        self.run_at(T, down=True)
        state = self.network_state()
        until = parse_iso(state["breakers"]["yahoo_finance"]["open_until"])
        # Opened during the run at T with a 60 s cool-down: T + 60 less the seconds the run took, rounded up.
        self.assertTrue(T + 45 <= until <= T + 61, (iso(T), state))
        # Calls made count against THD_NOW's day.
        self.assertEqual(state["quota"]["yahoo_finance"]["date"], "2030-01-15")

        self.server.reset()
        doc = self.run_at(T + 30)  # the services are back, but the breakers are still open at T+30
        self.assertEqual(self.server.stats()["requests_total"], 0)
        self.assertEqual(doc["discovery_metadata"]["services"]["yahoo_finance"]["circuit"], "open")

        self.server.reset()
        doc = self.run_at(T + 120)  # closed at T+120, however little real time went by
        self.assertGreater(self.server.stats()["requests"]["yahoo_finance"], 0)
        self.assertEqual(doc["discovery_metadata"]["services"]["yahoo_finance"]["circuit"], "closed")
        self.assertEqual(doc["tickers"]["AAPL"]["market"]["provenance"]["source"], "network")


if __name__ == "__main__":
    unittest.main()
