"""Issue 10: the providers as they really behave on free keys. The fake runs in
realistic mode (scripts/fake_services.py: FMP's 250 a day and 87 free
symbols, Alpha Vantage's 25 a day at one a second, SEC's 10 a second and its
contact rule, Yahoo's browser check and crumb, FRED's 2 a second, CoinGecko's
ids and Pro root URL), and every claim is checked with the fake's own counts
(/__stats: requests, status_counts, refusals, max_per_second, by_subject)."""

import json
import os
import shutil
import sys
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import FakeServicesTestCase, clean_env  # noqa: E402

KEYS = {"FMP_API_KEY": "fmpkey-0417", "ALPHA_VANTAGE_API_KEY": "avkey-0417", "FRED_API_KEY": "fredkey-0417",
        "COINGECKO_API_KEY": "cgdemo-0417"}
CONTACT = {"SEC_EDGAR_USER_AGENT": "thd-tests tests@example.com"}
HEADER = ("Position_UUID,Ticker,Strategy_Type,Entry_Timestamp,Exit_Timestamp,PnL,Return,Duration_Days,"
          "Status,Current_Unrealized_PnL\n")

# The sample portfolio (data/README.md): 16 open tickers (BTC-USD the one
# coin), 25 tickers, 24 of them stocks; 8 without a local analysis, whose
# fundamentals are fetched. Of those 8, FMP's free plan serves BAC, CVX, DIS
# and UNH (scripts/fake_services.py FMP_FREE_SYMBOLS); AMT, HON, LIN and PG
# answer 402 there.
OPEN = ["CAT", "BAC", "UNH", "TSLA", "NVDA", "MSFT", "AMT", "CVX", "HD", "LIN", "COST", "AAPL", "BRK.B", "GOOGL",
        "BTC-USD", "META"]
UNCOVERED = ["AMT", "BAC", "CVX", "DIS", "HON", "LIN", "PG", "UNH"]
NOT_ON_FMP_FREE = ["AMT", "HON", "LIN", "PG"]


class FreePlans(FakeServicesTestCase):
    realistic = True

    def env(self, **extra):
        return clean_env(**{**KEYS, **self.service_urls(), **CONTACT, **extra})

    def run_sample(self, *args, env=None, cache=None, portfolio="live_signals"):
        doc, r = self.thd_json("--data-dir", self.data, "--cache-dir", cache or self.cache, "run", "--portfolio",
                               portfolio, "--output", "-", *args, env=env or self.env(), timeout=120)
        return doc, r

    def stats(self):
        return self.server.stats()

    def network_json(self, cache=None):
        with open(os.path.join(cache or self.cache, ".meta", "network.json")) as f:
            return json.load(f)

    def write_portfolio(self, name, tickers):
        rows = "".join("u%d,%s,SMA,2026-01-02,,,,,Open,1\n" % (i, t) for i, t in enumerate(tickers))
        with open(os.path.join(self.data, "raw", "trade_history", name + ".csv"), "w") as f:
            f.write(HEADER + rows)

    def cached_keys(self, service, cache=None):
        """The keys of the cache entries stored under `service`."""
        d = os.path.join(cache or self.cache, service)
        keys = []
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if name.endswith(".json"):
                with open(os.path.join(d, name)) as f:
                    keys.append(json.load(f)["key"])
        return sorted(keys)

    def assert_no_refusal(self, stats, *services):
        for s in services:
            self.assertEqual(stats["refusals"].get(s, {}), {}, s)

    # --- the sample portfolio on free keys -------------------------------------------------------

    def test_the_sample_portfolio_on_free_keys_gets_what_free_plans_serve_within_every_limit(self):
        doc, _ = self.run_sample()
        st = self.stats()
        # Nothing a free plan refuses by rule: the right client, the right pace, a contact.
        self.assert_no_refusal(st, "yahoo_finance", "alpha_vantage", "sec_edgar", "fred_economic", "coingecko",
                               "imf_data")
        # FMP refuses only what its free plan does not include, and each (symbol, endpoint) once:
        # profiles of the symbols outside its 87, and the fundamentals of AMT, HON, LIN and PG.
        self.assertEqual(set(st["refusals"]["fmp"]), {"not_on_plan"})
        self.assertLessEqual(max(st["by_subject"]["fmp"].values()), 2)
        # Within every per-second limit, and Alpha Vantage never twice for one ticker.
        self.assertLessEqual(st["max_per_second"].get("sec_edgar", 0), 10)
        self.assertLessEqual(st["max_per_second"].get("alpha_vantage", 0), 1)
        self.assertLessEqual(st["max_per_second"].get("fred_economic", 0), 2)
        self.assertEqual(set(st["by_subject"]["alpha_vantage"]), set(NOT_ON_FMP_FREE))
        self.assertTrue(all(n == 1 for n in st["by_subject"]["alpha_vantage"].values()), st["by_subject"])
        # Every need a free plan serves is served: prices, profiles, fundamentals, context.
        t = doc["tickers"]
        for ticker in OPEN:
            self.assertEqual(t[ticker]["market"]["provenance"]["source"], "network", ticker)
        for ticker, v in t.items():
            if ticker != "BTC-USD":
                self.assertEqual(v["profile"]["provenance"]["source"], "network", ticker)
        for ticker in UNCOVERED:
            f = t[ticker]["fundamentals"]["provenance"]
            self.assertEqual(f["service"], "alpha_vantage" if ticker in NOT_ON_FMP_FREE else "fmp", ticker)
        for ticker in NOT_ON_FMP_FREE:
            self.assertEqual(t[ticker]["profile"]["provenance"]["service"], "sec_edgar", ticker)
        missing = doc["discovery_metadata"]["needs"]["by_source"]["missing"]
        self.assertEqual(missing, 0, json.dumps(doc["discovery_metadata"]["needs"]))

        # The next run with the SEC profiles gone from the cache asks SEC again, and FMP nothing it
        # refused: "not on your plan" is remembered for a day. What was not sent because the plan's
        # refusal was inferred is not remembered: the next run learns it again from one refusal (and
        # what was on its way with it, 5 in flight at most).
        refused = {s for s, n in st["by_subject"]["fmp"].items()}
        shutil.rmtree(os.path.join(self.cache, "sec_edgar"))
        self.server.reset()
        self.set_realism()
        doc2, _ = self.run_sample()
        st2 = self.stats()
        self.assertLessEqual(st2["requests"].get("fmp", 0), 5, st2["by_subject"].get("fmp"))
        self.assertFalse(set(st2["by_subject"].get("fmp", {})) & refused - set(OPEN) - {"SPY", "QQQ", "VTI"},
                         (st2["by_subject"].get("fmp"), refused))
        self.assertGreater(st2["requests"]["sec_edgar"], 0)
        for ticker in ("CAT", "HD"):  # outside FMP's 87, with a local analysis: SEC, again
            p = doc2["tickers"][ticker]["profile"]["provenance"]
            self.assertEqual((p["source"], p["service"]), ("network", "sec_edgar"), ticker)
        # The OVERVIEW that brought AMT's fundamentals was cached as its profile too: no call at all.
        p = doc2["tickers"]["AMT"]["profile"]["provenance"]
        self.assertEqual((p["source"], p["service"]), ("cache", "alpha_vantage"))
        self.assertEqual(st2["requests"].get("alpha_vantage", 0), 0)
        with open(os.path.join(self.cache, ".meta", "absent.json")) as f:
            absent = json.load(f)["absent"]["fmp"]
        # What FMP refused, in its own words (what was inferred and not sent is not remembered).
        self.assertTrue(absent)
        for key, a in absent.items():
            self.assertEqual(a["kind"], "not_on_plan", key)
            self.assertIn("Premium Query Parameter", a["why"], key)

    def test_not_on_your_plan_is_said_in_the_reason_and_not_asked_again(self):
        # Nobody else serves fundamentals: Alpha Vantage without a key.
        env = self.env(ALPHA_VANTAGE_API_KEY=None)
        doc, _ = self.run_sample(env=env)
        for ticker in NOT_ON_FMP_FREE:
            f = doc["tickers"][ticker]["fundamentals"]["provenance"]
            self.assertEqual(f["source"], "missing", ticker)
            self.assertRegex(f["reason"], r"fmp: not on your plan( \(HTTP 402\): Premium Query Parameter|: its plan "
                                          r"refused other symbols here .* is not one of the 87 symbols)")
        asked = self.stats()["by_subject"]["fmp"]
        self.server.reset()
        self.set_realism()
        doc2, _ = self.run_sample(env=env)
        # The rest is cached; what FMP refused is remembered, what was inferred is learned again
        # from one refusal (and what was on its way with it).
        self.assertLessEqual(self.stats()["requests"].get("fmp", 0), 5)
        for ticker in NOT_ON_FMP_FREE:
            f = doc2["tickers"][ticker]["fundamentals"]["provenance"]
            self.assertEqual(f["source"], "missing", ticker)
            self.assertRegex(f["reason"], r"fmp: not on your plan( for %s \(asked | \(HTTP 402\)|: its plan refused)"
                             % ticker)
        self.assertTrue(asked)

    # --- Yahoo -------------------------------------------------------------------------------------

    def test_yahoo_crumb_is_made_once_when_yahoo_asks_for_it(self):
        self.set_realism(yahoo_crumb=True)
        doc, r = self.run_sample("-vv")
        st = self.stats()
        # The first chart goes alone and is refused; the cookie, the crumb, then every chart with it.
        self.assertEqual(st["refusals"]["yahoo_finance"], {"crumb": 1})
        paths = st["paths"]["yahoo_finance"]
        self.assertEqual(sum(1 for p in paths if p == "/yahoo_finance/fc"), 1)
        self.assertEqual(sum(1 for p in paths if p == "/yahoo_finance/v1/test/getcrumb"), 1)
        self.assertTrue(all("&crumb=" in p for p in paths[3:]), paths)
        self.assertEqual(doc["discovery_metadata"]["services"]["yahoo_finance"]["failures"], 1)  # the first
        # The crumb is a credential: in no log line (-vv), no output, no file.
        crumb = paths[3].split("&crumb=")[1].split("&")[0]
        self.assertGreaterEqual(len(crumb), 8)
        self.assertNotIn(crumb, r.stdout + r.stderr)
        for root in (self.data, self.cache):
            for d, _, files in os.walk(root):
                for name in files:
                    with open(os.path.join(d, name), "rb") as f:
                        self.assertNotIn(crumb.encode(), f.read(), os.path.join(d, name))
        for ticker in OPEN:
            m = doc["tickers"][ticker]["market"]["provenance"]
            self.assertEqual((m["source"], m["service"]), ("network", "yahoo_finance"), ticker)

    def test_a_client_yahoo_does_not_take_for_a_browser_costs_one_call_and_opens_the_breaker(self):
        with open(os.path.join(self.tmp, "thd.toml"), "w") as f:
            f.write('[services.yahoo_finance]\nuser_agent = "curl/8.5.0"\n')
        self.write_portfolio("few", ["AAPL", "CAT"])
        doc, r = self.run_sample("--config", os.path.join(self.tmp, "thd.toml"), portfolio="few")
        st = self.stats()
        self.assertEqual(st["requests"]["yahoo_finance"], 1)  # not retried, not 20 times
        self.assertEqual(st["refusals"]["yahoo_finance"], {"not_browser": 1})
        y = doc["discovery_metadata"]["services"]["yahoo_finance"]
        self.assertEqual(y["circuit"], "open")
        # FMP serves the quotes its free plan includes.
        self.assertEqual(doc["tickers"]["AAPL"]["market"]["provenance"]["service"], "fmp")
        self.assertIn("yahoo_finance: stopped: throttled (HTTP 429): Edge: Too Many Requests; paused for 60 s",
                      r.stderr)
        self.assertIn("throttled (HTTP 429)", y["stopped"])

    def test_an_answer_that_echoes_the_crumb_does_not_carry_it_on(self):
        # Yahoo's answer to the first chart after the handshake repeats the crumb it was given.
        self.set_realism(yahoo_crumb=True)
        self.server.fault(service="yahoo_finance", mode="echo_key", match="crumb=", count=1)
        doc, r = self.run_sample("-vv")
        st = self.stats()
        crumbs = [k for k in st["keys_seen"]["yahoo_finance"]]
        self.assertTrue(crumbs)
        self.assertEqual(st["faults_applied"]["yahoo_finance"], 1)
        out = r.stdout + r.stderr + json.dumps(self.network_json())
        for crumb in crumbs:
            self.assertNotIn(crumb, out)
        self.assertIn("unknown credentials <redacted>", r.stderr)

    # --- FMP ---------------------------------------------------------------------------------------

    def test_fmp_limit_reach_marks_the_day_spent_and_the_next_run_does_not_call(self):
        self.set_realism(fmp_daily_cap=3)
        doc, r = self.run_sample()
        st = self.stats()
        self.assertGreaterEqual(st["status_counts"]["fmp"].get("429", 0), 1)
        # The 429 stops FMP at once: at most what was in flight with it (5 slots).
        self.assertLessEqual(st["requests"]["fmp"], 3 + 5)
        self.assertIn("fmp: stopped: daily quota spent (HTTP 429: Limit Reach", r.stderr)
        q = self.network_json()["quota"]["fmp"]
        self.assertTrue(q["spent"])
        self.assertEqual(doc["discovery_metadata"]["services"]["fmp"]["stopped"][:18], "daily quota spent ")
        self.server.reset()
        self.set_realism(fmp_daily_cap=3)
        for service in ("sec_edgar", "alpha_vantage"):  # so that needs go down to FMP again
            shutil.rmtree(os.path.join(self.cache, service), ignore_errors=True)
        doc2, r2 = self.run_sample()
        self.assertEqual(self.stats()["requests"].get("fmp", 0), 0, r2.stderr)
        # The next run says why, though it made no call: the saved word of the provider.
        self.assertIn("fmp: stopped: daily quota spent (the provider said so earlier); it resets at 00:00 UTC",
                      r2.stderr)
        self.assertIn("the provider said so earlier", doc2["discovery_metadata"]["services"]["fmp"]["stopped"])

    # --- keys --------------------------------------------------------------------------------------

    def test_a_rejected_key_stops_its_service_after_one_call_and_says_why(self):
        self.set_realism(fmp_invalid_keys=[KEYS["FMP_API_KEY"]], fred_invalid_keys=[KEYS["FRED_API_KEY"]],
                         av_invalid_keys=[KEYS["ALPHA_VANTAGE_API_KEY"]])
        doc, r = self.run_sample()
        st = self.stats()
        self.assertEqual(st["requests"]["fmp"], 1)
        self.assertEqual(st["requests"]["fred_economic"], 1)
        self.assertEqual(st["requests"]["alpha_vantage"], 1)
        self.assertIn("fmp: stopped: API key rejected (HTTP 401): Invalid API KEY", r.stderr)
        self.assertIn("fred_economic: stopped: API key rejected (HTTP 400): Bad Request. The value for variable "
                      "api_key is not registered", r.stderr)
        self.assertIn("alpha_vantage: stopped: API key rejected (HTTP 200): Alpha Vantage: the parameter apikey "
                      "is invalid or missing", r.stderr)
        for service in ("fmp", "fred_economic", "alpha_vantage"):
            self.assertEqual(doc["discovery_metadata"]["services"][service]["circuit"], "open", service)
        out = r.stdout + r.stderr + json.dumps(self.network_json())
        for key in KEYS.values():
            self.assertNotIn(key, out)

    # --- Alpha Vantage -----------------------------------------------------------------------------

    def test_one_alpha_vantage_overview_serves_profile_and_fundamentals(self):
        # Only Alpha Vantage serves profiles and fundamentals: no FMP key, no SEC contact.
        env = self.env(FMP_API_KEY=None, SEC_EDGAR_USER_AGENT=None)
        # AMT and HON have no local analysis (profile and fundamentals), CAT has one (profile).
        self.write_portfolio("few", ["AMT", "HON", "CAT"])
        doc, _ = self.run_sample(env=env, portfolio="few")
        st = self.stats()
        # 3 profiles and 2 fundamentals: 3 OVERVIEWs, one a ticker, one a second.
        self.assertEqual(st["requests"]["alpha_vantage"], 3)
        self.assertEqual(st["by_subject"]["alpha_vantage"], {"AMT": 1, "HON": 1, "CAT": 1})
        self.assertEqual(st["max_per_second"]["alpha_vantage"], 1)
        self.assert_no_refusal(st, "alpha_vantage")
        for ticker in ("AMT", "HON"):
            self.assertEqual(doc["tickers"][ticker]["fundamentals"]["provenance"]["service"], "alpha_vantage")
        # Both were cached: CAT's fundamentals too, for a later run that needs them.
        self.assertEqual(self.cached_keys("alpha_vantage"), sorted(
            "%s:%s" % (kind, t) for kind in ("profile", "fundamentals") for t in ("AMT", "HON", "CAT")))
        self.assertIn("disabled (no contact: set SEC_EDGAR_USER_AGENT=", doc["discovery_metadata"]["services"]
                      ["sec_edgar"]["status"])
        self.server.reset()
        self.set_realism()
        self.run_sample(env=env, portfolio="few")
        self.assertEqual(self.stats()["requests"].get("alpha_vantage", 0), 0)

    def test_alpha_vantage_daily_limit_text_is_a_spent_quota_not_data(self):
        self.set_realism(av_daily_cap=2)
        env = self.env(FMP_API_KEY=None, SEC_EDGAR_USER_AGENT=None)
        self.write_portfolio("few", ["AMT", "HON", "CAT"])
        doc, r = self.run_sample(env=env, portfolio="few")
        st = self.stats()
        # Two answers, then the daily-limit text: spent, and no call after it.
        self.assertEqual(st["requests"]["alpha_vantage"], 3)
        self.assertIn("alpha_vantage: stopped: daily quota spent", r.stderr)
        self.assertTrue(self.network_json()["quota"]["alpha_vantage"]["spent"])
        self.assertEqual(len(self.cached_keys("alpha_vantage")), 4)  # 2 OVERVIEWs: 2 profiles + 2 fundamentals
        self.assertNotIn("Information", json.dumps(doc))  # the limit text is not data

    # --- SEC ---------------------------------------------------------------------------------------

    def test_sec_without_a_contact_is_disabled_and_never_called(self):
        doc, r = self.run_sample(env=self.env(FMP_API_KEY=None, ALPHA_VANTAGE_API_KEY=None,
                                              SEC_EDGAR_USER_AGENT="trade-history-discover"))
        self.assertEqual(self.stats()["requests"].get("sec_edgar", 0), 0)
        status = 'disabled (no contact: set SEC_EDGAR_USER_AGENT="Name email@example.com")'
        self.assertEqual(doc["discovery_metadata"]["services"]["sec_edgar"]["status"], status)
        # A profile nobody could serve says why SEC did not: the same words.
        self.assertIn("sec_edgar: " + status, doc["tickers"]["CAT"]["profile"]["provenance"]["reason"])

    def test_sec_rate_threshold_pauses_sec_instead_of_asking_again(self):
        self.set_realism(sec_per_second=3, sec_block_seconds=30)
        doc, r = self.run_sample(env=self.env(FMP_API_KEY=None, ALPHA_VANTAGE_API_KEY=None))
        st = self.stats()
        self.assertGreaterEqual(st["refusals"]["sec_edgar"].get("rate_threshold", 0), 1)
        # Refused once, it stops: what was in flight (5 slots) at most, never the 24 profiles.
        self.assertLessEqual(st["requests"]["sec_edgar"], 3 + 1 + 5)
        self.assertEqual(doc["discovery_metadata"]["services"]["sec_edgar"]["circuit"], "open")
        until = self.network_json()["breakers"]["sec_edgar"]["open_until"]
        self.assertGreaterEqual(until, "2026-11-22T12:09:00Z")  # ten minutes (THD_NOW is 12:00:00)

    # --- CoinGecko ---------------------------------------------------------------------------------

    def test_coingecko_prices_every_coin_in_one_call(self):
        self.write_portfolio("coins", ["BTC-USD", "ETH-USD", "SOL-USD", "AAPL"])
        doc, _ = self.run_sample(portfolio="coins")
        st = self.stats()
        self.assertEqual(st["requests"]["coingecko"], 1)
        self.assertEqual(set(st["by_subject"]["coingecko"]), {"bitcoin", "ethereum", "solana"})
        crypto = doc["market_context"]["crypto"]
        served = json.dumps(crypto)
        self.assertIn("bitcoin", served)
        self.assertIn("ethereum", served)

    def test_a_coingecko_pro_key_goes_to_the_pro_root_url(self):
        self.write_portfolio("coins", ["BTC-USD", "ETH-USD"])
        pro = "CG-pro-0417abcd"
        env = self.env(COINGECKO_API_KEY=None, COINGECKO_PRO_API_KEY=pro,
                       THD_COINGECKO_BASE_URL=self.server.base + "/coingecko_pro")
        doc, r = self.run_sample(portfolio="coins", env=env)
        st = self.stats()
        self.assertEqual(st["requests"]["coingecko"], 1)
        self.assertEqual(st["refusals"].get("coingecko", {}), {})
        self.assertIn(pro, st["keys_seen"]["coingecko"])
        self.assertNotIn(pro, r.stdout + r.stderr)
        # The same key at the public root URL: CoinGecko's "change your root URL", said, once.
        self.server.reset()
        self.set_realism()
        env = self.env(COINGECKO_API_KEY=None, COINGECKO_PRO_API_KEY=pro)
        _, r = self.run_sample(portfolio="coins", env=env, cache=self.cache + "2")
        self.assertEqual(self.stats()["requests"]["coingecko"], 1)
        self.assertIn("coingecko: stopped: API key rejected (HTTP 400): If you are using Pro API key", r.stderr)
        # An answer that repeats the Pro key (CoinGecko's 401 quotes the key it refused) does not carry it on.
        self.server.reset()
        self.set_realism()
        self.server.fault(service="coingecko", mode="echo_key")
        env = self.env(COINGECKO_API_KEY=None, COINGECKO_PRO_API_KEY=pro,
                       THD_COINGECKO_BASE_URL=self.server.base + "/coingecko_pro")
        doc, r = self.run_sample("-vv", portfolio="coins", env=env, cache=self.cache + "3")
        self.assertEqual(self.stats()["faults_applied"]["coingecko"], 1)
        self.assertIn("coingecko: stopped: API key rejected (HTTP 401): API Key '<redacted>'", r.stderr)
        self.assertNotIn(pro, r.stdout + r.stderr + json.dumps(doc) + json.dumps(self.network_json(self.cache + "3")))

    def serve(self, body):
        """Our own loopback server answering `body` to every GET; returns its URL and the paths it saw."""
        seen = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        own = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=own.serve_forever, daemon=True).start()
        self.addCleanup(own.server_close)
        self.addCleanup(own.shutdown)
        return "http://127.0.0.1:%d" % own.server_address[1], seen

    def test_one_coins_bad_entry_does_not_cost_the_others_of_the_same_answer(self):
        # CoinGecko answers every coin at once; one entry is not a price, the other is: either way round
        # (the first need's parser reads the answer for the service).
        self.write_portfolio("coins", ["BTC-USD", "ETH-USD"])
        for bad, good in (("bitcoin", "ethereum"), ("ethereum", "bitcoin")):
            body = json.dumps({bad: {"usd": "n/a"}, good: {"usd": 3012.5, "usd_24h_change": 1.25}}).encode()
            url, seen = self.serve(body)
            doc, _ = self.run_sample(portfolio="coins", env=self.env(THD_COINGECKO_BASE_URL=url),
                                     cache=self.cache + bad)
            self.assertEqual(len(seen), 1)
            self.assertIn("ids=bitcoin,ethereum&", seen[0])
            crypto = doc["market_context"]["crypto"]
            self.assertEqual(crypto[good]["provenance"]["source"], "network", bad)
            self.assertEqual(crypto[good]["usd"], 3012.5)
            self.assertEqual(crypto[bad]["provenance"]["source"], "missing", bad)
            self.assertIn("usd", crypto[bad]["provenance"]["reason"])
            self.assertEqual(doc["discovery_metadata"]["services"]["coingecko"]["failures"], 0)

    def test_an_error_object_for_every_coin_is_a_failed_call(self):
        # {"error": ...} with HTTP 200 answers no coin: one call, counted as failed (the breaker sees it).
        self.write_portfolio("coins", ["BTC-USD", "ETH-USD"])
        self.server.fault(service="coingecko", mode="error_200")
        doc, r = self.run_sample(portfolio="coins")
        self.assertEqual(self.stats()["requests"]["coingecko"], 1)
        self.assertEqual(doc["discovery_metadata"]["services"]["coingecko"]["failures"], 1)
        for coin in ("bitcoin", "ethereum"):
            self.assertEqual(doc["market_context"]["crypto"][coin]["provenance"]["source"], "missing", coin)

if __name__ == "__main__":
    unittest.main()
