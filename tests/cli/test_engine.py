"""The network engine (services/http_engine) through thd_fetch, against the
fake services on loopback: concurrency, connection reuse, breakers, retries,
Retry-After, timeouts, bad bodies, the body cap, the budget, rate limits,
persisted state, the RSS guard. Counts are the server's own."""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakeserver import FakeServer, make_certificate  # noqa: E402

FETCH = os.environ.get("THD_FETCH") or os.path.join(os.path.dirname(__file__), "..", "..", "build", "thd_fetch")
CHART = "/v8/finance/chart/AAPL?range=1y&interval=1d"
PROFILE = "/stable/profile?symbol=AAPL&apikey=TESTKEY"


class EngineTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = FakeServer()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.server.reset()
        self._tmp = tempfile.TemporaryDirectory(prefix="thd-engine-")
        self.addCleanup(self._tmp.cleanup)
        self.tmp = self._tmp.name

    def fetch(self, lines, *args, expect=0):
        urls = os.path.join(self.tmp, "urls.txt")
        with open(urls, "w") as f:
            f.write("\n".join(lines) + "\n")
        start = time.monotonic()
        r = subprocess.run([FETCH, urls, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=120)
        wall = time.monotonic() - start
        self.assertEqual(r.returncode, expect, r.stderr)
        return (json.loads(r.stdout) if expect == 0 else None), wall, r

    def lines(self, service, path, n):
        return ["%s %s" % (service, self.server.url(service, path))] * n

    def test_at_most_max_concurrent_in_flight(self):
        self.server.fault(service="yahoo_finance", mode="latency", delay_ms=150)
        doc, _, _ = self.fetch(self.lines("yahoo_finance", CHART, 12), "--max-concurrent", 3, "--pool-size", 5)
        self.assertEqual(self.server.stats()["max_in_flight"], 3)
        self.assertEqual(doc["max_in_flight"], 3)
        self.assertEqual(doc["services"]["yahoo_finance"]["outcomes"], {"ok": 12})

    def test_fifty_requests_reuse_at_most_pool_size_connections(self):
        doc, _, _ = self.fetch(self.lines("yahoo_finance", CHART, 50), "--max-concurrent", 5, "--pool-size", 5)
        stats = self.server.stats()
        self.assertEqual(stats["requests"]["yahoo_finance"], 50)
        self.assertLessEqual(stats["connections"], 5)
        self.assertEqual(doc["connections"], stats["connections"])

    def test_three_failures_open_the_breaker_and_nothing_more_is_sent(self):
        self.server.fault(service="fmp", mode="status", status=500)
        doc, _, _ = self.fetch(self.lines("fmp", PROFILE, 10), "--max-concurrent", 1)
        self.assertEqual(self.server.stats()["requests"]["fmp"], 3)
        fmp = doc["services"]["fmp"]
        self.assertEqual(fmp["breaker"], "open")
        self.assertEqual(fmp["attempts"], 3)
        self.assertEqual(sum(fmp["outcomes"].values()), 10)
        self.assertGreaterEqual(fmp["outcomes"].get("circuit_open", 0), 7)

    def test_a_slow_call_opens_the_breaker(self):
        self.server.fault(service="fmp", mode="latency", delay_ms=1200)
        doc, _, _ = self.fetch(self.lines("fmp", PROFILE, 4), "--max-concurrent", 1, "--slow-call", 1)
        self.assertEqual(self.server.stats()["requests"]["fmp"], 1)
        self.assertEqual(doc["services"]["fmp"]["breaker"], "open")
        self.assertEqual(doc["results"][0]["outcome"], "ok")  # the slow answer itself is served
        self.assertEqual([r["outcome"] for r in doc["results"][1:]], ["circuit_open"] * 3)

    def test_retry_after_is_honoured(self):
        self.server.fault(service="fmp", mode="retry_after", retry_after=2, count=1)
        doc, wall, _ = self.fetch(self.lines("fmp", PROFILE, 1))
        self.assertEqual(doc["results"][0]["outcome"], "ok")
        self.assertEqual(doc["results"][0]["attempts"], 2)
        self.assertGreaterEqual(wall, 2.0)
        self.assertEqual(self.server.stats()["requests"]["fmp"], 2)

    def test_a_hang_is_cut_at_the_timeout(self):
        self.server.fault(service="fmp", mode="hang")
        doc, wall, _ = self.fetch(self.lines("fmp", PROFILE, 1), "--timeout", 1)
        r = doc["results"][0]
        self.assertEqual(r["outcome"], "timeout")
        self.assertEqual(r["attempts"], 3)
        self.assertLess(wall, 3 * 1 + 2 * 1.0 + 2)  # three 1 s attempts, two backoffs under 1 s, slack

    def test_malformed_and_truncated_bodies_are_failures(self):
        self.server.fault(service="fmp", mode="malformed")
        doc, _, _ = self.fetch(self.lines("fmp", PROFILE, 1), "--validate-json")
        self.assertEqual(doc["results"][0]["outcome"], "bad_body")
        self.assertEqual(doc["results"][0]["attempts"], 1)  # not retried
        self.server.reset()
        self.server.fault(service="fmp", mode="truncated")
        doc, _, _ = self.fetch(self.lines("fmp", PROFILE, 1), "--validate-json")
        self.assertEqual(doc["results"][0]["outcome"], "connect_error")
        self.assertEqual(doc["results"][0]["bytes"], 0)  # nothing half-read is handed on

    def test_a_body_over_the_cap_is_a_failure(self):
        doc, _, _ = self.fetch(self.lines("yahoo_finance", CHART, 1), "--max-body", 1000)
        self.assertEqual(doc["results"][0]["outcome"], "too_large")
        self.assertEqual(doc["results"][0]["attempts"], 1)

    def test_the_budget_stops_new_attempts(self):
        doc, _, _ = self.fetch(self.lines("yahoo_finance", CHART, 10), "--max-api-calls", 4)
        self.assertEqual(self.server.stats()["requests"]["yahoo_finance"], 4)
        self.assertEqual(doc["services"]["yahoo_finance"]["outcomes"], {"ok": 4, "budget_spent": 6})
        self.assertEqual(doc["attempts_left"], 0)

    def test_rate_limit_spaces_calls_without_blocking_other_services(self):
        # 60/min: a burst of 30 (half a minute's allowance), then one a second.
        lines = self.lines("fmp", PROFILE, 32) + self.lines("yahoo_finance", CHART, 5)
        doc, wall, _ = self.fetch(lines, "--limit", "fmp=60")
        self.assertEqual(doc["services"]["fmp"]["outcomes"], {"ok": 32})
        self.assertGreaterEqual(wall, 1.5)
        self.assertLess(wall, 5)
        ys = [r for r in doc["results"] if r["service"] == "yahoo_finance"]
        self.assertTrue(all(r["outcome"] == "ok" for r in ys))

    def test_a_daily_quota_persists_across_runs(self):
        state = os.path.join(self.tmp, "cache")
        lines = self.lines("alpha_vantage", "/query?function=GLOBAL_QUOTE&symbol=AAPL&apikey=K", 5)
        doc, _, _ = self.fetch(lines, "--limit", "alpha_vantage=600/3", "--state-dir", state)
        self.assertEqual(doc["services"]["alpha_vantage"]["outcomes"], {"ok": 3, "quota_spent": 2})
        doc, _, _ = self.fetch(lines, "--limit", "alpha_vantage=600/3", "--state-dir", state)
        self.assertEqual(doc["services"]["alpha_vantage"]["outcomes"], {"quota_spent": 5})
        self.assertEqual(self.server.stats()["requests"]["alpha_vantage"], 3)

    def test_a_persisted_open_breaker_is_honoured_and_expires(self):
        state = os.path.join(self.tmp, "cache")
        self.server.fault(service="fmp", mode="status", status=503)
        self.fetch(self.lines("fmp", PROFILE, 3), "--max-concurrent", 1, "--state-dir", state, "--cooldown", 2)
        with open(os.path.join(state, ".meta", "network.json")) as f:
            self.assertIn("fmp", json.load(f)["breakers"])
        self.server.reset()
        doc, _, _ = self.fetch(self.lines("fmp", PROFILE, 2), "--state-dir", state)
        self.assertEqual(doc["services"]["fmp"]["outcomes"], {"circuit_open": 2})
        self.assertEqual(self.server.stats()["requests"]["fmp"], 0)
        time.sleep(2.2)
        doc, _, _ = self.fetch(self.lines("fmp", PROFILE, 2), "--max-concurrent", 1, "--state-dir", state)
        self.assertEqual(doc["services"]["fmp"]["outcomes"], {"ok": 2})
        with open(os.path.join(state, ".meta", "network.json")) as f:
            self.assertNotIn("fmp", json.load(f)["breakers"])

    def test_plain_http_only_to_loopback(self):
        doc, _, _ = self.fetch(["fmp http://example.com/stable/profile?symbol=A&apikey=K"])
        self.assertEqual(doc["results"][0]["outcome"], "refused")
        self.assertEqual(doc["results"][0]["attempts"], 0)

    def test_the_rss_guard_cancels_everything(self):
        self.server.fault(service="fmp", mode="latency", delay_ms=2000)
        _, wall, r = self.fetch(self.lines("fmp", PROFILE, 3), "--max-rss-mb", 1, expect=4)
        self.assertIn("over --max-rss-mb 1", r.stderr)
        self.assertLess(wall, 1.5)  # cut within a tick, not after the 2 s answers


class EngineTlsAndRedirectTest(unittest.TestCase):
    """Redirects and TLS (docs/NETWORK.md): a key never follows a redirect to
    another host (another loopback port stands for it); a refused redirect and
    a certificate that does not verify are permanent: one attempt, named, not
    a breaker failure."""

    @classmethod
    def setUpClass(cls):
        cls._certs = tempfile.TemporaryDirectory(prefix="thd-certs-")
        cls.cert = make_certificate(cls._certs.name)
        if cls.cert is None:
            raise unittest.SkipTest("no openssl to make a test certificate")
        cls.a = FakeServer(tls=cls.cert)  # the provider
        cls.b = FakeServer(tls=cls.cert)  # "another host"
        cls.plain = FakeServer()

    @classmethod
    def tearDownClass(cls):
        for s in (cls.a, cls.b, cls.plain):
            s.stop()
        cls._certs.cleanup()

    def setUp(self):
        for s in (self.a, self.b, self.plain):
            s.reset()
        self._tmp = tempfile.TemporaryDirectory(prefix="thd-engine-")
        self.addCleanup(self._tmp.cleanup)
        self.tmp = self._tmp.name

    def fetch(self, lines, *args):
        urls = os.path.join(self.tmp, "urls.txt")
        with open(urls, "w") as f:
            f.write("\n".join(lines) + "\n")
        r = subprocess.run([FETCH, urls, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_a_certificate_that_does_not_verify_is_one_attempt_named_and_not_a_breaker_failure(self):
        # No --ca-bundle: the self-signed certificate is not trusted.
        line = "fmp %s" % self.a.url("fmp", PROFILE)
        doc = self.fetch([line] * 4, "--max-concurrent", 1)
        for r in doc["results"]:
            self.assertEqual(r["outcome"], "tls_failed", r)
            self.assertEqual(r["attempts"], 1, r)
            self.assertIn("TLS certificate verification failed", r["error"])
        fmp = doc["services"]["fmp"]
        self.assertEqual(fmp["attempts"], 4)  # one each: no retry, and no breaker opened by them
        self.assertEqual(fmp["breaker"], "closed")
        self.assertEqual(self.a.stats()["requests"]["fmp"], 0)  # nothing was sent over it

    def test_a_trusted_certificate_is_served(self):
        doc = self.fetch(["fmp %s" % self.a.url("fmp", PROFILE)], "--ca-bundle", self.cert[0])
        self.assertEqual(doc["results"][0]["outcome"], "ok")

    def test_a_redirect_curl_refuses_is_one_attempt_named_and_not_a_breaker_failure(self):
        # Unkeyed requests follow redirects, but only to https: this one goes to http.
        self.plain.fault(service="yahoo_finance", mode="redirect", location="http://127.0.0.1:%d" % self.b.port)
        doc = self.fetch(["yahoo_finance %s" % self.plain.url("yahoo_finance", CHART)] * 4, "--max-concurrent", 1)
        for r in doc["results"]:
            self.assertEqual(r["outcome"], "redirect_refused", r)
            self.assertEqual(r["attempts"], 1, r)
            self.assertIn("redirect refused", r["error"])
        self.assertEqual(doc["services"]["yahoo_finance"]["breaker"], "closed")
        self.assertEqual(self.plain.stats()["requests"]["yahoo_finance"], 4)

    def test_a_keyed_request_is_never_redirected_to_another_host(self):
        self.a.fault(service="all", mode="redirect", location=self.b.base)
        lines = ["coingecko %s" % self.a.url("coingecko", "/api/v3/simple/price?ids=bitcoin&vs_currencies=usd"),
                 "fmp %s" % self.a.url("fmp", "/stable/profile?symbol=AAPL&apikey=KEYINQUERY77")]
        doc = self.fetch(lines, "--ca-bundle", self.cert[0], "--keyed", "--header", "x-cg-demo-api-key: KEYINHEADER88")
        for r in doc["results"]:
            self.assertEqual(r["outcome"], "redirect_refused", r)
            self.assertEqual(r["attempts"], 1, r)
            self.assertIn("redirected to another host", r["error"])
            self.assertIn("not followed", r["error"])
        b = self.b.stats()
        self.assertEqual(b["requests_total"], 0)
        self.assertEqual(b["keys_seen"]["coingecko"] + b["keys_seen"]["fmp"], [])

    def test_a_keyed_request_follows_a_redirect_to_its_own_host(self):
        self.a.fault(service="fmp", mode="redirect", location=self.a.base, count=1)
        doc = self.fetch(["fmp %s" % self.a.url("fmp", PROFILE)], "--ca-bundle", self.cert[0], "--keyed")
        r = doc["results"][0]
        self.assertEqual(r["outcome"], "ok", r)
        self.assertEqual(r["attempts"], 2)  # the 302 and the request it pointed to
        self.assertEqual(self.a.stats()["requests"]["fmp"], 2)

    def test_an_unkeyed_request_may_follow_an_https_redirect_to_another_host(self):
        self.a.fault(service="yahoo_finance", mode="redirect", location=self.b.base)
        doc = self.fetch(["yahoo_finance %s" % self.a.url("yahoo_finance", CHART)], "--ca-bundle", self.cert[0])
        self.assertEqual(doc["results"][0]["outcome"], "ok", doc["results"][0])
        self.assertEqual(self.b.stats()["requests"]["yahoo_finance"], 1)


if __name__ == "__main__":
    unittest.main()
