"""Secrets (issue 9, items 1 and 2; docs/NETWORK.md, Secrets): every API key
and every password in a configured URL is a unique marker; the tool is driven
through every error path the fake services can inject (their answers echo the
key the way FRED, Alpha Vantage and CoinGecko do), and no marker may appear
on stdout, stderr, or in any file under the data and cache directories. A key
never follows a redirect to another host (another loopback port)."""

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakeserver import FakeServer, make_certificate  # noqa: E402
from thdtest import SERVICES, FakeServicesTestCase, clean_env  # noqa: E402

KEYED = ["fmp", "alpha_vantage", "fred_economic", "coingecko"]
KEYS = {"FMP_API_KEY": "MARKERfmpQ7731", "ALPHA_VANTAGE_API_KEY": "MARKERavQ8842",
        "FRED_API_KEY": "MARKERfredQ9953", "COINGECKO_API_KEY": "MARKERcgQ1064"}
PASSWORD = "MARKERpwQ5511"  # the password of the base URLs of the unkeyed services
MARKERS = list(KEYS.values()) + [PASSWORD]

# Every fault the fake services can inject (scripts/fake_services.py), with the
# variants that reach different code: a provider's error text as an HTTP error,
# as an error in disguise (200), and as data.
FAULTS = [
    {"mode": "echo_key"},
    {"mode": "echo_key", "status": 200},
    {"mode": "echo_key", "variant": "data"},
    {"mode": "status", "status": 500},
    {"mode": "status", "status": 401},
    {"mode": "retry_after", "retry_after": 1},
    {"mode": "malformed"},
    {"mode": "truncated"},
    {"mode": "reset"},
    {"mode": "quota"},
    {"mode": "quota", "variant": "Note"},
    {"mode": "slow", "delay_ms": 50},
    {"mode": "hang"},
]


class Secrets(FakeServicesTestCase):
    def setUp(self):
        super().setUp()
        self.outputs = []  # (what, text)

    def env(self, base=None, passwords=True, **extra):
        base = base or self.server.base
        host = base.split("://", 1)[1]
        scheme = base.split("://", 1)[0]
        urls = {}
        for s in SERVICES:
            # The unkeyed services' URLs carry a password (user info), as a proxy's or a Redis URL would.
            auth = "" if s in KEYED or not passwords else "thd:%s@" % PASSWORD
            urls["THD_%s_BASE_URL" % s.upper()] = "%s://%s%s/%s" % (scheme, auth, host, s)
        urls["THD_SEC_EDGAR_TICKERS_URL"] = "%s://%s%s/sec_edgar/files/company_tickers.json" % (
            scheme, "thd:%s@" % PASSWORD if passwords else "", host)
        return clean_env(**{**KEYS, **urls, "SEC_EDGAR_USER_AGENT": "thd-tests tests@example.com", **extra})

    def thd_logged(self, what, *args, env=None, expect=0):
        r = self.thd(*args, env=env or self.env(), timeout=120)
        self.outputs.append((what + " stdout", r.stdout))
        self.outputs.append((what + " stderr", r.stderr))
        if expect is not None:
            self.assertEqual(r.returncode, expect, self.describe(r))
        return r

    def assert_no_marker_anywhere(self, *roots):
        for marker in MARKERS:
            for what, text in self.outputs:
                self.assertNotIn(marker, text, "%s holds a secret:\n%s" % (what, text[-3000:]))
            for root in roots:
                for d, _, files in os.walk(root):
                    for name in files:
                        path = os.path.join(d, name)
                        with open(path, "rb") as f:
                            self.assertNotIn(marker.encode(), f.read(), "%s holds a secret" % path)

    def test_no_secret_reaches_any_output_or_file_on_any_error_path(self):
        caches = []
        for i, fault in enumerate(FAULTS):
            self.server.reset()
            self.server.fault(service="all", **fault)
            cache = os.path.join(self.tmp, "cache%d" % i)
            caches.append(cache)
            out = os.path.join(self.data, "outputs", "trade_history", "discovery", "run%d.json" % i)
            self.thd_logged("run %s" % fault, "--data-dir", self.data, "--cache-dir", cache, "-vv", "run",
                            "--portfolio", "live_signals", "--output", out, "--timeout", "1", "--no-progress")
            self.thd_logged("run to stdout %s" % fault, "--data-dir", self.data, "--cache-dir", cache, "run",
                            "--portfolio", "live_signals", "--output", "-", "--timeout", "1")
            self.thd_logged("inventory %s" % fault, "--data-dir", self.data, "--cache-dir", cache, "inventory",
                            "--portfolio", "live_signals")
            self.thd_logged("inventory json %s" % fault, "--data-dir", self.data, "--cache-dir", cache, "inventory",
                            "--report", "json")
            # The echoing answers did reach the tool: the test tests something.
            if fault["mode"] == "echo_key":
                seen = self.server.stats()["keys_seen"]
                self.assertTrue(any(seen[s] for s in KEYED), seen)
        cache = os.path.join(self.tmp, "cache-plain")
        self.server.reset()
        self.thd_logged("show-config", "--data-dir", self.data, "--cache-dir", cache, "run", "--show-config")
        self.thd_logged("dry run", "--data-dir", self.data, "--cache-dir", cache, "-vv", "run", "--portfolio",
                        "live_signals", "--dry-run")
        self.thd_logged("cache-optimize", "--data-dir", self.data, "--cache-dir", caches[2], "-v", "cache-optimize",
                        "--cleanup", "--dry-run")
        # The final error line: a secret pasted where it does not belong is not repeated.
        self.thd_logged("bad setting", "--data-dir", self.data, "--cache-dir", cache, "run", "--portfolio",
                        "live_signals", env=self.env(THD_MAX_CONCURRENT=KEYS["FMP_API_KEY"]), expect=2)
        self.thd_logged("bad base URL", "--data-dir", self.data, "--cache-dir", cache, "run", "--portfolio",
                        "live_signals", env=self.env(THD_FMP_BASE_URL="ftp://u:%s@127.0.0.1/x" % PASSWORD),
                        expect=2)
        self.assert_no_marker_anywhere(self.data, *caches, cache)
        # Redacted, not dropped: the echoing provider's words are still there around it.
        stderr = "".join(text for what, text in self.outputs if what.startswith("run {'mode': 'echo_key'}"))
        self.assertIn("<redacted>", stderr)

    def test_a_key_pasted_as_an_argument_is_not_repeated_by_the_parse_error(self):
        # The command-line parser quotes what it did not expect: the secrets are registered before it runs.
        r = self.thd("--data-dir", self.data, "run", "--portfolio", "live_signals", KEYS["FMP_API_KEY"],
                     env=self.env())
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("<redacted>", r.stderr)
        for marker in MARKERS:
            self.assertNotIn(marker, r.stdout + r.stderr)

    def test_a_password_with_an_at_sign_is_shown_by_no_setting(self):
        # user info ends at the authority's last '@': "pa@MARKER..." must not leak its tail. No other URL
        # carries the marker, so nothing else would redact it.
        env = self.env(passwords=False)
        env["THD_FMP_BASE_URL"] = "https://u:pa@%s@127.0.0.1:9/fmp" % PASSWORD
        r = self.thd("--data-dir", self.data, "run", "--show-config", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("https://<redacted>@127.0.0.1:9/fmp", r.stdout)
        self.assertNotIn(PASSWORD, r.stdout + r.stderr)

    def test_a_bad_base_url_never_quotes_a_password_holding_slash_hash_or_missing_slashes(self):
        # A password with an unencoded '/' or '#', or a URL with one slash after the scheme: the error
        # line shows the URL redacted up to its last '@', and never a "port" read from the user info.
        cases = ["https://alice:%s/3xyz@api.example.com/fmp" % PASSWORD,
                 "https://alice:%s#pass@api.example.com/fmp" % PASSWORD,
                 "http:/user:%s@127.0.0.1/fmp" % PASSWORD]
        for url in cases:
            env = self.env(passwords=False)
            env["THD_FMP_BASE_URL"] = url
            r = self.thd("--data-dir", self.data, "run", "--portfolio", "live_signals", env=env)
            self.assertEqual(r.returncode, 2, url + ": " + r.stderr)
            self.assertIn("THD_FMP_BASE_URL", r.stderr)
            self.assertNotIn(PASSWORD, r.stdout + r.stderr, url)
            self.assertNotIn("3xyz", r.stderr, url)
            # the same URL from the config file
            conf = os.path.join(self.tmp, "thd.toml")
            with open(conf, "w") as f:
                f.write('[services.fmp]\nbase_url = "%s"\n' % url)
            env = self.env(passwords=False)
            env.pop("THD_FMP_BASE_URL")
            r = self.thd("--data-dir", self.data, "--config", conf, "run", "--portfolio", "live_signals", env=env)
            self.assertEqual(r.returncode, 2, url + ": " + r.stderr)
            self.assertIn("base_url", r.stderr)
            self.assertNotIn(PASSWORD, r.stdout + r.stderr, url)

    def test_a_secret_made_of_digits_never_cuts_into_a_number(self):
        # The sample's win rate is 26 / 36 = 0.7222222222222222 (as JSON writes it): a URL password "72222222"
        # must be redacted in strings only, never inside the document's numbers (valid JSON, figures intact).
        env = self.env()
        env["THD_FMP_BASE_URL"] = "https://u:72222222@127.0.0.1:9/fmp"
        r = self.thd("--data-dir", self.data, "--cache-dir", os.path.join(self.tmp, "c"), "run", "--portfolio",
                     "live_signals", "--offline", "--output", "-", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"win_rate": 0.7222222222222222', r.stdout)
        doc = json.loads(r.stdout)
        self.assertEqual(doc["performance_metrics"]["win_rate"], 26 / 36)
        # 36 closed PnL cells of cents: their exact sum, no float noise.
        self.assertIn('"total_pnl": 52018.19,', r.stdout)
        self.assertNotIn("72222222", r.stderr)

    def test_a_password_of_digits_does_not_cut_into_a_providers_answer(self):
        # Yahoo's chart answers hold the timestamp of 2026-11-20 14:30 UTC (scripts/fake_services.py); a
        # password made of its first 8 digits must not make those answers invalid JSON.
        import calendar
        digits = str(calendar.timegm((2026, 11, 20, 14, 30, 0)))[:8]
        env = self.env(passwords=False)
        env["THD_YAHOO_FINANCE_BASE_URL"] = env["THD_YAHOO_FINANCE_BASE_URL"].replace(
            "://", "://u:%s@" % digits)
        r = self.thd("--data-dir", self.data, "--cache-dir", os.path.join(self.tmp, "c"), "run", "--portfolio",
                     "live_signals", "--services", "yahoo_finance", "--output", "-", "--no-progress", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(self.server.stats()["requests"]["yahoo_finance"], 0)
        doc = json.loads(r.stdout)
        self.assertEqual(doc["tickers"]["AAPL"]["market"]["provenance"]["source"], "network", r.stderr)
        self.assertNotIn(digits, r.stderr)

    def test_a_common_word_password_leaves_the_document_whole(self):
        # "metadata" (8 letters) is in the document's keys: keys are structure, never redacted; the
        # document still validates and the cache written with it is read back on the next run.
        env = self.env(passwords=False)
        env["THD_FMP_BASE_URL"] = "https://u:metadata@127.0.0.1:9/fmp"
        cache = os.path.join(self.tmp, "c")
        doc, r = self.thd_json("--data-dir", self.data, "--cache-dir", cache, "run", "--portfolio", "live_signals",
                               "--services", "yahoo_finance", "--output", "-", "--no-progress", env=env)
        self.assertIn("discovery_metadata", doc)
        self.assertNotIn("<redacted>", json.dumps(list(doc.keys())))
        doc2, r2 = self.thd_json("--data-dir", self.data, "--cache-dir", cache, "run", "--portfolio",
                                 "live_signals", "--services", "yahoo_finance", "--output", "-", "--no-progress",
                                 env=env)
        self.assertNotIn("corrupt", r2.stderr)
        self.assertEqual(doc2["tickers"]["AAPL"]["market"]["provenance"]["source"], "cache", r2.stderr)

    def test_a_key_is_never_redirected_to_another_host(self):
        certs = tempfile.TemporaryDirectory(prefix="thd-certs-")
        self.addCleanup(certs.cleanup)
        cert = make_certificate(certs.name)
        if cert is None:
            self.skipTest("no openssl to make a test certificate")
        a, b = FakeServer(tls=cert), FakeServer(tls=cert)  # the providers, and "another host"
        self.addCleanup(a.stop)
        self.addCleanup(b.stop)
        a.fault(service="all", mode="redirect", location=b.base)
        cache = os.path.join(self.tmp, "cache")
        r = self.thd_logged("redirected run", "--data-dir", self.data, "--cache-dir", cache, "-v", "run",
                            "--portfolio", "live_signals", "--output", "-", env=self.env(base=a.base, passwords=False,
                                                                                        THD_CA_BUNDLE=cert[0]))
        seen = b.stats()
        for s in KEYED:
            self.assertEqual(seen["requests"][s], 0, s)
            self.assertEqual(seen["keys_seen"][s], [], s)
            self.assertFalse(os.path.isdir(os.path.join(cache, s)) and os.listdir(os.path.join(cache, s)), s)
        self.assertGreater(a.stats()["requests"]["fmp"], 0)
        doc = json.loads(r.stdout)
        self.assertIn("redirected to another host", json.dumps(doc))
        self.assertIn("redirected to another host", r.stderr)
        # Unkeyed requests (no key, no password in their URL) may follow an https redirect: yahoo's quotes
        # came from the other port.
        self.assertGreater(seen["requests"]["yahoo_finance"], 0)
        self.assertEqual(doc["tickers"]["AAPL"]["market"]["provenance"]["source"], "network")
        self.assert_no_marker_anywhere(self.data, cache)


if __name__ == "__main__":
    unittest.main()
