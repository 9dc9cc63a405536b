"""The fake services of scripts/fake_services.py: shapes, values, errors, stats, faults.

Every expected figure is computed here from the formulas documented at the top
of scripts/fake_services.py (the module is not imported).
"""

import calendar
import datetime
import hashlib
import http.client
import http.cookiejar
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "scripts", "fake_services.py")
PYTHON = sys.executable or "/usr/bin/python3"

SERVICES = ["yahoo_finance", "fmp", "alpha_vantage", "fred_economic", "sec_edgar", "coingecko", "imf_data"]
END = datetime.date(2026, 11, 20)
NULL_DAYS = (100, 200)
UA = {"User-Agent": "thd-tests tests@example.com"}


# --- the documented formulas -------------------------------------------------

def n(sym):
    d = hashlib.md5(sym.encode()).hexdigest()
    return [int(d[6 * i:6 * i + 6], 16) for i in range(5)]


def price(sym):
    base, span = {"^VIX": (10, 3000), "BTC-USD": (20000, 8000000), "ETH-USD": (1000, 400000)}.get(sym, (50, 45000))
    return round(base + (n(sym)[0] % span) / 100, 2)


def weekdays_back(count, end=END):
    out, d = [], end
    while len(out) < count:
        if d.weekday() < 5:
            out.append(d)
        d -= datetime.timedelta(days=1)
    return out[::-1]


def f(sym, k):
    v = n(sym)
    phase, amp, trend = v[1] % 60, 0.05 + (v[2] % 11) / 100, ((v[3] % 41) - 20) / 100
    return 1 + trend * (k - 251) / 251 + amp * (math.sin((k + phase) / 7.0) - math.sin((251 + phase) / 7.0))


def history(sym):
    P, v = price(sym), n(sym)
    close, high, low, vol = [], [], [], []
    for k in range(252):
        if k in NULL_DAYS:
            close.append(None), high.append(None), low.append(None), vol.append(None)
            continue
        c = round(P * f(sym, k), 2)
        close.append(c)
        high.append(round(c * 1.01, 2))
        low.append(round(c * 0.985, 2))
        vol.append(1000000 + v[4] % 9000000 + 1000 * k)
    return close, high, low, vol


def figures(sym):
    close, high, low, vol = history(sym)
    v, P = n(sym), price(sym)
    pe = 8 + (v[2] % 4200) / 100
    target = round(P * (0.9 + (v[4] % 40) / 100), 2)
    shares = 100000000 + (v[1] % 9900) * 1000000
    return {"P": P, "prev": close[250], "pe": pe, "eps": round(P / pe, 2), "target": target,
            "target_high": round(target * 1.2, 2), "target_low": round(target * 0.8, 2),
            "year_high": max(x for x in high if x is not None), "year_low": min(x for x in low if x is not None),
            "shares": shares, "market_cap": round(P * shares), "beta": round(0.5 + (v[3] % 150) / 100, 2),
            "volume": vol[-1]}


def fred_value(i, base, slope, amp, dec):
    return "%.*f" % (dec, round(base + slope * i + amp * math.sin(i / 3.0), dec))


# --- server process helpers -------------------------------------------------

def start_server(*extra):
    tmp = tempfile.mkdtemp(prefix="thd-fake-")
    port_file = os.path.join(tmp, "port")
    proc = subprocess.Popen([PYTHON, SCRIPT, "--port", "0", "--port-file", port_file] + list(extra),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 5
    while not os.path.exists(port_file):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("fake services did not start: %s" % proc.stderr.read().decode())
        time.sleep(0.02)
    with open(port_file) as fh:
        port = int(fh.read().strip())
    return proc, port, port_file


def stop_server(proc):
    """SIGTERM; the server must exit cleanly within 5 s."""
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError("fake services did not exit within 5 s of SIGTERM")
    proc.stderr.close()
    return rc


class FakeServicesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.proc, cls.port, cls.port_file = start_server()

    @classmethod
    def tearDownClass(cls):
        rc = stop_server(cls.proc)
        assert rc == 0, "exit status %r after SIGTERM" % rc
        assert not os.path.exists(cls.port_file), "port file left behind"

    def setUp(self):
        self.post("/__reset", {})

    # -- helpers --

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def get(self, path, headers=None, timeout=5):
        """(status, headers, body bytes) of one GET on a fresh connection."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers=headers or {})
            r = conn.getresponse()
            return r.status, r, r.read()
        finally:
            conn.close()

    def get_json(self, path, headers=None, status=200):
        st, _, body = self.get(path, headers)
        self.assertEqual(st, status, body[:300])
        return json.loads(body)

    def post(self, path, obj):
        req = urllib.request.Request(self.url(path), data=json.dumps(obj).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read())

    def fault(self, **spec):
        return self.post("/__fault", spec)

    def stats(self):
        with urllib.request.urlopen(self.url("/__stats"), timeout=5) as r:
            return json.loads(r.read())

    # -- happy paths --

    def test_yahoo_chart(self):
        doc = self.get_json("/yahoo_finance/v8/finance/chart/AAPL?range=1y&interval=1d")
        self.assertIsNone(doc["chart"]["error"])
        res = doc["chart"]["result"][0]
        close, high, low, vol = history("AAPL")
        q = res["indicators"]["quote"][0]
        self.assertEqual(q["close"], close)
        self.assertEqual(q["high"], high)
        self.assertEqual(q["volume"], vol)
        self.assertEqual(res["indicators"]["adjclose"][0]["adjclose"], close)
        self.assertEqual([i for i, c in enumerate(q["close"]) if c is None], [100, 200])
        days = weekdays_back(252)
        self.assertEqual(res["timestamp"], [calendar.timegm((d.year, d.month, d.day, 14, 30, 0)) for d in days])
        self.assertEqual(days[-1], END)
        meta = res["meta"]
        P = price("AAPL")
        self.assertEqual(close[-1], P)
        self.assertEqual(meta["symbol"], "AAPL")
        self.assertEqual(meta["currency"], "USD")
        self.assertEqual(meta["regularMarketPrice"], P)
        self.assertEqual(meta["chartPreviousClose"], round(P * f("AAPL", -1), 2))
        self.assertEqual(meta["fiftyTwoWeekHigh"], figures("AAPL")["year_high"])
        self.assertEqual(meta["fiftyTwoWeekLow"], figures("AAPL")["year_low"])
        self.assertNotIn("previousClose", meta)  # only for range=1d/5d, as on Yahoo
        # other ranges slice the same history; previousClose appears for 5d
        res5 = self.get_json("/yahoo_finance/v8/finance/chart/AAPL?range=5d&interval=1d")["chart"]["result"][0]
        self.assertEqual(res5["indicators"]["quote"][0]["close"], close[-5:])
        self.assertEqual(res5["meta"]["previousClose"], close[250])
        # ^VIX (URL-encoded), crypto and the BRK.B / BRK-B alias
        vix = self.get_json("/yahoo_finance/v8/finance/chart/%5EVIX?range=1y&interval=1d")["chart"]["result"][0]
        self.assertEqual(vix["meta"]["regularMarketPrice"], price("^VIX"))
        self.assertTrue(10 <= price("^VIX") < 40)
        a = self.get_json("/yahoo_finance/v8/finance/chart/BRK.B?range=1y&interval=1d")
        b = self.get_json("/yahoo_finance/v8/finance/chart/BRK-B?range=1y&interval=1d")
        self.assertEqual(a, b)
        self.assertEqual(a["chart"]["result"][0]["meta"]["regularMarketPrice"], price("BRK-B"))
        btc = self.get_json("/yahoo_finance/v8/finance/chart/BTC-USD?range=1y&interval=1d")["chart"]["result"][0]
        self.assertEqual(btc["meta"]["regularMarketPrice"], price("BTC-USD"))

    def test_universe_default(self):
        doc = self.get_json("/__universe")
        self.assertEqual((doc["extra"], doc["seed"], len(doc["symbols"])), (0, 0, 38))
        self.assertFalse(any(s["synthetic"] for s in doc["symbols"]))

    def test_yahoo_unknown_symbol(self):
        st, _, body = self.get("/yahoo_finance/v8/finance/chart/NOPE?range=1y&interval=1d")
        self.assertEqual(st, 404)
        self.assertEqual(json.loads(body), {"chart": {"result": None, "error": {
            "code": "Not Found", "description": "No data found, symbol may be delisted"}}})

    def test_fmp(self):
        fig = figures("MSFT")
        prof = self.get_json("/fmp/stable/profile?symbol=MSFT&apikey=MARKER")
        self.assertIsInstance(prof, list)
        self.assertEqual(len(prof), 1)
        p = prof[0]
        self.assertEqual((p["symbol"], p["companyName"], p["sector"], p["industry"]),
                         ("MSFT", "Microsoft Corporation", "Technology", "Software - Infrastructure"))
        self.assertEqual(p["price"], fig["P"])
        self.assertEqual(p["marketCap"], fig["market_cap"])
        self.assertEqual(p["beta"], fig["beta"])
        self.assertEqual(p["cik"], "0000789019")
        quote = self.get_json("/fmp/stable/quote?symbol=MSFT&apikey=MARKER")[0]
        self.assertEqual(quote["price"], fig["P"])
        self.assertEqual(quote["previousClose"], fig["prev"])
        self.assertEqual(quote["yearHigh"], fig["year_high"])
        self.assertEqual(quote["yearLow"], fig["year_low"])
        self.assertEqual(quote["change"], round(fig["P"] - fig["prev"], 2))
        ratios = self.get_json("/fmp/stable/ratios-ttm?symbol=MSFT&apikey=MARKER")[0]
        self.assertEqual(ratios["priceToEarningsRatioTTM"], fig["pe"])
        self.assertEqual(ratios["netIncomePerShareTTM"], fig["eps"])
        tgt = self.get_json("/fmp/stable/price-target-consensus?symbol=MSFT&apikey=MARKER")[0]
        self.assertEqual((tgt["targetConsensus"], tgt["targetMedian"], tgt["targetHigh"], tgt["targetLow"]),
                         (fig["target"], fig["target"], fig["target_high"], fig["target_low"]))
        # unknown symbol: an empty array; ETFs have no ratios
        self.assertEqual(self.get_json("/fmp/stable/profile?symbol=NOPE&apikey=MARKER"), [])
        self.assertEqual(self.get_json("/fmp/stable/ratios-ttm?symbol=SPY&apikey=MARKER"), [])
        # key missing or empty: 401 with FMP's message
        for path in ("/fmp/stable/profile?symbol=MSFT", "/fmp/stable/profile?symbol=MSFT&apikey="):
            err = self.get_json(path, status=401)
            self.assertTrue(err["Error Message"].startswith("Invalid API KEY."))

    def test_alpha_vantage(self):
        fig = figures("JPM")
        ov = self.get_json("/alpha_vantage/query?function=OVERVIEW&symbol=JPM&apikey=MARKER")
        self.assertEqual(ov["Symbol"], "JPM")
        self.assertEqual(ov["Sector"], "FINANCIAL SERVICES")
        self.assertEqual(ov["MarketCapitalization"], str(fig["market_cap"]))
        self.assertEqual(ov["PERatio"], "%.2f" % fig["pe"])
        self.assertEqual(ov["EPS"], "%.2f" % fig["eps"])
        self.assertEqual(ov["AnalystTargetPrice"], "%.2f" % fig["target"])
        self.assertEqual(ov["52WeekHigh"], "%.2f" % fig["year_high"])
        self.assertTrue(all(isinstance(v, str) for v in ov.values()))
        gq = self.get_json("/alpha_vantage/query?function=GLOBAL_QUOTE&symbol=JPM&apikey=MARKER")["Global Quote"]
        self.assertEqual(gq["01. symbol"], "JPM")
        self.assertEqual(gq["05. price"], "%.4f" % fig["P"])
        self.assertEqual(gq["08. previous close"], "%.4f" % fig["prev"])
        self.assertEqual(gq["07. latest trading day"], "2026-11-20")
        # unknown symbol, ETF overview, missing key
        self.assertEqual(self.get_json("/alpha_vantage/query?function=OVERVIEW&symbol=NOPE&apikey=MARKER"), {})
        self.assertEqual(self.get_json("/alpha_vantage/query?function=OVERVIEW&symbol=SPY&apikey=MARKER"), {})
        self.assertEqual(self.get_json("/alpha_vantage/query?function=GLOBAL_QUOTE&symbol=NOPE&apikey=MARKER"),
                         {"Global Quote": {}})
        err = self.get_json("/alpha_vantage/query?function=OVERVIEW&symbol=JPM")
        self.assertIn("apikey is invalid or missing", err["Error Message"])
        # the HTTP-200 rate-limit answers
        self.fault(service="alpha_vantage", mode="quota", count=1)
        info = self.get_json("/alpha_vantage/query?function=OVERVIEW&symbol=JPM&apikey=MARKER")
        self.assertTrue(info["Information"].startswith("Thank you for using Alpha Vantage!"))
        self.fault(service="alpha_vantage", mode="quota", variant="Note", count=1)
        self.assertIn("Note", self.get_json("/alpha_vantage/query?function=GLOBAL_QUOTE&symbol=JPM&apikey=MARKER"))
        self.assertEqual(self.get_json("/alpha_vantage/query?function=OVERVIEW&symbol=JPM&apikey=MARKER")["Symbol"], "JPM")

    def test_fred(self):
        doc = self.get_json("/fred_economic/fred/series/observations?series_id=FEDFUNDS&api_key=MARKER&file_type=json")
        obs = doc["observations"]
        self.assertEqual(len(obs), 24)
        self.assertEqual(doc["count"], 24)
        self.assertEqual((obs[0]["date"], obs[-1]["date"]), ("2024-11-01", "2026-10-01"))
        self.assertEqual([o["value"] for o in obs], [fred_value(i, 4.0, -0.02, 0.30, 2) for i in range(24)])
        self.assertEqual(set(obs[0]), {"realtime_start", "realtime_end", "date", "value"})
        vix = self.get_json("/fred_economic/fred/series/observations?series_id=VIXCLS&api_key=MARKER&file_type=json"
                            "&sort_order=desc&limit=5")["observations"]
        self.assertEqual(len(vix), 5)
        self.assertEqual(vix[0]["date"], "2026-11-20")
        self.assertEqual(vix[0]["value"], fred_value(59, 17.5, 0.0, 4.0, 2))
        dgs = self.get_json("/fred_economic/fred/series/observations?series_id=DGS10&api_key=MARKER&file_type=json")
        values = [o["value"] for o in dgs["observations"]]
        self.assertEqual([i for i, v in enumerate(values) if v == "."], [10, 40])
        self.assertEqual([o["date"] for o in dgs["observations"]], [d.isoformat() for d in weekdays_back(60)])
        for path in ("/fred_economic/fred/series/observations?series_id=FEDFUNDS&file_type=json",
                     "/fred_economic/fred/series/observations?series_id=FEDFUNDS&api_key=&file_type=json"):
            err = self.get_json(path, status=400)
            self.assertEqual(err["error_code"], 400)
            self.assertIn("api_key", err["error_message"])
        err = self.get_json("/fred_economic/fred/series/observations?series_id=NOPE&api_key=K&file_type=json", status=400)
        self.assertIn("series does not exist", err["error_message"])

    def test_sec_edgar(self):
        tickers = self.get_json("/sec_edgar/files/company_tickers.json", UA)
        rows = {r["ticker"]: r for r in tickers.values()}
        self.assertEqual(tickers["0"], {"cik_str": 320193, "ticker": "AAPL", "title": "Apple Inc."})
        self.assertEqual(rows["BRK-B"]["cik_str"], 1067983)
        sub = self.get_json("/sec_edgar/submissions/CIK0000320193.json", UA)
        self.assertEqual((sub["cik"], sub["name"], sub["sic"], sub["sicDescription"], sub["tickers"]),
                         ("320193", "Apple Inc.", "3571", "Electronic Computers", ["AAPL"]))
        self.assertIn("recent", sub["filings"])
        st, _, _ = self.get("/sec_edgar/submissions/CIK0000000001.json", UA)
        self.assertEqual(st, 404)
        # http.client sends no User-Agent unless told to
        for path in ("/sec_edgar/submissions/CIK0000320193.json", "/sec_edgar/files/company_tickers.json"):
            st, r, body = self.get(path)
            self.assertEqual(st, 403)
            self.assertIn(b"Undeclared Automated Tool", body)

    def test_coingecko(self):
        doc = self.get_json("/coingecko/api/v3/simple/price?ids=bitcoin,ethereum,nocoin&vs_currencies=usd"
                            "&include_24hr_change=true&include_market_cap=true")
        self.assertEqual(set(doc), {"bitcoin", "ethereum"})
        for cid, sym, supply in (("bitcoin", "BTC-USD", 19900000), ("ethereum", "ETH-USD", 120500000)):
            fig = figures(sym)
            self.assertEqual(doc[cid], {"usd": fig["P"], "usd_market_cap": round(fig["P"] * supply),
                                        "usd_24h_change": round((fig["P"] / fig["prev"] - 1) * 100, 6)})
        self.assertEqual(self.get_json("/coingecko/api/v3/simple/price?ids=nocoin&vs_currencies=usd"), {})
        plain = self.get_json("/coingecko/api/v3/simple/price?ids=bitcoin&vs_currencies=usd&x_cg_demo_api_key=K")
        self.assertEqual(plain, {"bitcoin": {"usd": price("BTC-USD")}})

    def test_imf(self):
        doc = self.get_json("/imf_data/external/datamapper/api/v1/NGDP_RPCH/USA")
        self.assertEqual(doc["api"], {"version": "1", "output-method": "json"})
        usa = doc["values"]["NGDP_RPCH"]["USA"]
        self.assertEqual(usa["2024"], round(2.0 + 1.0 * math.sin(24 / 2.0), 3))
        self.assertEqual(sorted(usa), [str(y) for y in range(2000, 2031)])
        cpi = self.get_json("/imf_data/external/datamapper/api/v1/PCPIPCH/USA?periods=2025")
        self.assertEqual(cpi["values"]["PCPIPCH"]["USA"], {"2025": round(2.5 + 1.5 * math.sin(25 / 3.0), 3)})
        self.assertNotIn("values", self.get_json("/imf_data/external/datamapper/api/v1/NOPE/USA"))

    # -- statistics --

    def test_stats_and_keep_alive(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        for i in range(10):
            conn.request("GET", "/imf_data/external/datamapper/api/v1/NGDP_RPCH/USA?i=%d" % i)
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            self.assertIsNotNone(r.getheader("Content-Length"))
            r.read()
        conn.close()
        self.get("/fmp/stable/quote?symbol=AAPL&apikey=K")
        s = self.stats()
        self.assertEqual(s["requests"]["imf_data"], 10)
        self.assertEqual(s["requests"]["fmp"], 1)
        self.assertEqual(s["requests_total"], 11)
        self.assertEqual(s["connections"], 2)
        self.assertEqual(s["paths"]["imf_data"][0], "/imf_data/external/datamapper/api/v1/NGDP_RPCH/USA?i=0")
        self.assertEqual(s["paths"]["fmp"], ["/fmp/stable/quote?symbol=AAPL&apikey=K"])
        self.assertEqual(set(SERVICES) - set(s["requests"]), set())
        self.post("/__reset", {})
        s = self.stats()
        self.assertEqual((s["requests_total"], s["connections"], s["max_in_flight"]), (0, 0, 0))

    def test_max_in_flight(self):
        self.fault(service="yahoo_finance", mode="latency", delay_ms=500)
        threads = [threading.Thread(target=self.get, args=("/yahoo_finance/v8/finance/chart/KO?range=1y&interval=1d",))
                   for _ in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        s = self.stats()
        self.assertEqual(s["max_in_flight"], 5)
        self.assertEqual(s["connections"], 5)
        self.assertEqual(s["faults_applied"]["yahoo_finance"], 5)

    # -- faults --

    def test_fault_status_with_count_and_match(self):
        self.fault(service="fmp", mode="status", status=503, count=2)
        codes = [self.get("/fmp/stable/quote?symbol=AAPL&apikey=K")[0] for _ in range(3)]
        self.assertEqual(codes, [503, 503, 200])
        self.fault(service="fmp", mode="status", match="/stable/profile")
        self.assertEqual(self.get("/fmp/stable/quote?symbol=AAPL&apikey=K")[0], 200)
        self.assertEqual(self.get("/fmp/stable/profile?symbol=AAPL&apikey=K")[0], 500)
        self.fault(service="fmp", mode="none")
        self.assertEqual(self.get("/fmp/stable/profile?symbol=AAPL&apikey=K")[0], 200)
        self.assertEqual(self.stats()["faults_applied"]["fmp"], 3)

    def test_fault_retry_after(self):
        self.fault(service="fred_economic", mode="retry_after", retry_after=2, count=1)
        st, r, _ = self.get("/fred_economic/fred/series/observations?series_id=UNRATE&api_key=K&file_type=json")
        self.assertEqual(st, 429)
        self.assertEqual(r.getheader("Retry-After"), "2")
        st, _, _ = self.get("/fred_economic/fred/series/observations?series_id=UNRATE&api_key=K&file_type=json")
        self.assertEqual(st, 200)

    def test_fault_hang(self):
        self.fault(service="coingecko", mode="hang", count=1)
        t0 = time.monotonic()
        with self.assertRaises((socket.timeout, TimeoutError)):
            self.get("/coingecko/api/v3/simple/price?ids=bitcoin&vs_currencies=usd", timeout=1)
        self.assertLess(time.monotonic() - t0, 3)
        self.assertEqual(self.get("/coingecko/api/v3/simple/price?ids=bitcoin&vs_currencies=usd")[0], 200)

    def test_fault_slow_and_latency(self):
        path = "/yahoo_finance/v8/finance/chart/PG?range=1y&interval=1d"
        expected = self.get(path)[2]
        self.fault(service="yahoo_finance", mode="slow", delay_ms=400, count=1)
        t0 = time.monotonic()
        st, _, body = self.get(path)
        self.assertGreaterEqual(time.monotonic() - t0, 0.35)
        self.assertEqual((st, body), (200, expected))
        self.fault(service="yahoo_finance", mode="latency", delay_ms=300, count=1)
        t0 = time.monotonic()
        st, _, body = self.get(path)
        self.assertGreaterEqual(time.monotonic() - t0, 0.28)
        self.assertEqual((st, body), (200, expected))

    def test_fault_malformed(self):
        self.fault(service="imf_data", mode="malformed", count=1)
        st, _, body = self.get("/imf_data/external/datamapper/api/v1/NGDP_RPCH/USA")
        self.assertEqual(st, 200)
        with self.assertRaises(ValueError):
            json.loads(body)

    def test_fault_truncated(self):
        self.fault(service="sec_edgar", mode="truncated", count=1)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        conn.request("GET", "/sec_edgar/files/company_tickers.json", headers=UA)
        r = conn.getresponse()
        declared = int(r.getheader("Content-Length"))
        with self.assertRaises(http.client.IncompleteRead) as cm:
            r.read()
        self.assertLess(len(cm.exception.partial), declared)
        conn.close()

    def test_fault_reset(self):
        self.fault(service="all", mode="reset", count=1)
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        s.sendall(b"GET /fmp/stable/quote?symbol=AAPL&apikey=K HTTP/1.1\r\nHost: x\r\n\r\n")
        with self.assertRaises(ConnectionResetError):
            while s.recv(4096):
                pass
        s.close()
        self.assertEqual(self.get("/fmp/stable/quote?symbol=AAPL&apikey=K")[0], 200)

    def test_fault_api_rejects_bad_specs(self):
        for spec in ({"service": "nope", "mode": "status"}, {"service": "fmp", "mode": "explode"},
                     {"service": "fmp", "mode": "status", "status": 42}):
            with self.assertRaises(urllib.error.HTTPError) as cm:
                self.fault(**spec)
            self.assertEqual(cm.exception.code, 400)
            cm.exception.close()


BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) thd-tests"}
FMP_402 = ("Premium Query Parameter: 'Special Endpoint : This value set for 'symbol' is not available under your "
           "current subscription please visit our subscription page to upgrade your plan at "
           "https://financialmodelingprep.com/")
AV_BURST_START = ("Thank you for using Alpha Vantage! Please consider spreading out your free API requests more "
                  "sparingly (1 request per second).")
AV_QUERY = "/alpha_vantage/query?function=GLOBAL_QUOTE&symbol=%s&apikey=%s"
FRED_QUERY = "/fred_economic/fred/series/observations?series_id=UNRATE&api_key=%s&file_type=json"
CG_PRICE = "/api/v3/simple/price?ids=bitcoin,ethereum&vs_currencies=usd"


class RealisticTest(FakeServicesTest):
    """Realistic mode (--realistic): the free plans' limits and refusals, as documented in the fake's docstring."""

    @classmethod
    def setUpClass(cls):
        cls.proc, cls.port, cls.port_file = start_server("--realistic")

    def setUp(self):
        self.post("/__reset", {})
        self.post("/__realism", {})  # the defaults of realistic mode

    def realism(self, **params):
        return self.post("/__realism", params)["realism"]

    def refusals(self, service):
        return self.stats()["refusals"][service]

    # The happy-path tests of the parent class do not apply here; these do.
    test_yahoo_chart = test_yahoo_unknown_symbol = test_fmp = test_alpha_vantage = test_fred = None
    test_sec_edgar = test_coingecko = test_imf = test_stats_and_keep_alive = test_max_in_flight = None
    test_fault_status_with_count_and_match = test_fault_retry_after = test_fault_hang = None
    test_fault_slow_and_latency = test_fault_malformed = test_fault_truncated = test_fault_reset = None
    test_fault_api_rejects_bad_specs = None

    def test_control_api(self):
        p = self.stats()["realism"]
        self.assertTrue(p["enabled"])
        self.assertEqual((p["fmp_daily_cap"], p["av_daily_cap"], p["av_per_second"], p["sec_per_second"],
                          p["sec_block_seconds"], p["fred_per_minute"], p["coingecko_monthly_cap"]),
                         (250, 25, 1, 10, 600, 120, 10000))
        self.assertIn("AAPL", p["fmp_symbols"])
        self.assertEqual(len(p["fmp_symbols"]), 87)
        for sym in ("QQQ", "VTI", "^VIX"):
            self.assertNotIn(sym, p["fmp_symbols"])
        for bad in ({"nope": 1}, {"fmp_daily_cap": "x"}, {"fmp_daily_cap": -1}, {"yahoo_crumb": 1},
                    {"fmp_symbols": "AAPL"}, {"av_daily_text": "other"}):
            with self.assertRaises(urllib.error.HTTPError) as cm:
                self.post("/__realism", bad)
            self.assertEqual(cm.exception.code, 400)
            cm.exception.close()
        self.assertEqual(self.realism(fmp_daily_cap=3)["fmp_daily_cap"], 3)
        self.assertEqual(self.realism()["fmp_daily_cap"], 250)  # {} restores the defaults
        # off: the fake is as lenient as ever; on again
        self.assertFalse(self.realism(enabled=False)["enabled"])
        self.assertEqual(self.get("/fmp/stable/quote?symbol=QQQ&apikey=K")[0], 200)
        self.assertEqual(self.get("/yahoo_finance/v8/finance/chart/AAPL?range=1y&interval=1d")[0], 200)
        self.assertFalse(self.realism()["enabled"])  # {} keeps the mode
        self.assertTrue(self.realism(enabled=True)["enabled"])
        self.assertEqual(self.get("/fmp/stable/quote?symbol=QQQ&apikey=K")[0], 402)
        # /__reset clears the counters, keeps mode and parameters
        self.post("/__reset", {})
        self.realism(fmp_daily_cap=1)
        self.assertEqual(self.get("/fmp/stable/quote?symbol=AAPL&apikey=K")[0], 200)
        self.assertEqual(self.get("/fmp/stable/quote?symbol=AAPL&apikey=K")[0], 429)
        self.post("/__reset", {})
        self.assertEqual(self.stats()["realism"]["fmp_daily_cap"], 1)
        self.assertEqual(self.get("/fmp/stable/quote?symbol=AAPL&apikey=K")[0], 200)

    def test_yahoo_not_a_browser(self):
        path = "/yahoo_finance/v8/finance/chart/AAPL?range=1y&interval=1d"
        for headers in (None, UA, {"User-Agent": "curl/8.0"}):
            st, r, body = self.get(path, headers)
            self.assertEqual((st, body), (429, b"Edge: Too Many Requests"))
            self.assertTrue(r.getheader("Content-Type").startswith("text/plain"))
        doc = self.get_json(path, BROWSER)
        self.assertEqual(doc["chart"]["result"][0]["meta"]["regularMarketPrice"], price("AAPL"))
        s = self.stats()
        self.assertEqual(s["refusals"]["yahoo_finance"], {"not_browser": 3})
        self.assertEqual(s["status_counts"]["yahoo_finance"], {"429": 3, "200": 1})
        self.realism(yahoo_per_minute=2)
        self.assertEqual([self.get(path, BROWSER)[0] for _ in range(3)], [200, 200, 429])
        self.assertEqual(self.refusals("yahoo_finance")["per_minute"], 1)

    def test_yahoo_cookie_and_crumb(self):
        self.realism(yahoo_crumb=True)
        base = self.url("/yahoo_finance")
        chart = base + "/v8/finance/chart/MSFT?range=1y&interval=1d"
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        plain = urllib.request.build_opener()

        def fetch(opener, url):
            req = urllib.request.Request(url, headers=BROWSER)
            try:
                with opener.open(req, timeout=5) as r:
                    return r.status, r.read()
            except urllib.error.HTTPError as e:
                with e:
                    return e.code, e.read()

        invalid_crumb = {"finance": {"result": None, "error": {"code": "Unauthorized", "description": "Invalid Crumb"}}}
        invalid_cookie = {"finance": {"result": None, "error": {"code": "Unauthorized", "description": "Invalid Cookie"}}}
        st, body = fetch(browser, chart)
        self.assertEqual((st, json.loads(body)), (401, invalid_crumb))
        st, body = fetch(browser, base + "/v1/test/getcrumb")
        self.assertEqual((st, json.loads(body)), (401, invalid_cookie))
        # fc.yahoo.com: 404, and the A3 cookie
        st, _ = fetch(browser, base + "/fc")
        self.assertEqual(st, 404)
        self.assertEqual([c.name for c in jar], ["A3"])
        st, crumb = fetch(browser, base + "/v1/test/getcrumb")
        self.assertEqual(st, 200)
        crumb = crumb.decode()
        self.assertTrue(crumb)
        self.assertEqual(fetch(browser, base + "/v1/test/getcrumb"), (200, crumb.encode()))  # the same crumb
        st, body = fetch(browser, chart + "&crumb=" + urllib.parse.quote(crumb))
        self.assertEqual(st, 200)
        self.assertEqual(json.loads(body)["chart"]["result"][0]["meta"]["symbol"], "MSFT")
        # the crumb without the cookie, the cookie with another crumb, no crumb: refused
        self.assertEqual(fetch(plain, chart + "&crumb=" + urllib.parse.quote(crumb))[0], 401)
        self.assertEqual(fetch(browser, chart + "&crumb=nope")[0], 401)
        self.assertEqual(fetch(browser, chart)[0], 401)
        refusals = self.refusals("yahoo_finance")
        self.assertEqual((refusals["crumb"], refusals["cookie"]), (4, 1))
        # the browser rule still comes first
        self.assertEqual(self.get("/yahoo_finance/fc")[0], 429)

    def test_fmp_free_plan(self):
        for sym in ("QQQ", "VTI", "%5EVIX", "CAT"):
            for endpoint in ("quote", "profile", "historical-price-eod/full"):
                st, r, body = self.get("/fmp/stable/%s?symbol=%s&apikey=K" % (endpoint, sym))
                self.assertEqual((st, body.decode()), (402, FMP_402))
                self.assertTrue(r.getheader("Content-Type").startswith("application/json"))  # as FMP labels it
        self.assertEqual(self.get_json("/fmp/stable/quote?symbol=AAPL&apikey=K")[0]["price"], price("AAPL"))
        self.assertEqual(self.get_json("/fmp/stable/quote?symbol=SPY&apikey=K")[0]["symbol"], "SPY")
        self.assertEqual(self.refusals("fmp"), {"not_on_plan": 12})
        self.realism(fmp_open_endpoints=["profile"])
        self.assertEqual(self.get_json("/fmp/stable/profile?symbol=QQQ&apikey=K")[0]["symbol"], "QQQ")
        self.assertEqual(self.get("/fmp/stable/quote?symbol=QQQ&apikey=K")[0], 402)
        self.realism(fmp_symbols=["QQQ"])
        self.assertEqual(self.get("/fmp/stable/quote?symbol=QQQ&apikey=K")[0], 200)
        self.assertEqual(self.get("/fmp/stable/quote?symbol=AAPL&apikey=K")[0], 402)

    def test_fmp_daily_cap_and_keys(self):
        self.realism(fmp_daily_cap=3, fmp_invalid_keys=["BAD"])
        err = self.get_json("/fmp/stable/quote?symbol=AAPL&apikey=BAD", status=401)
        self.assertTrue(err["Error Message"].startswith("Invalid API KEY."))
        self.assertNotIn("BAD", err["Error Message"])
        codes = [self.get("/fmp/stable/quote?symbol=%s&apikey=K" % s)[0] for s in ("AAPL", "QQQ", "MSFT", "AAPL")]
        self.assertEqual(codes, [200, 402, 200, 429])  # the refused 402 counted
        st, _, body = self.get("/fmp/stable/quote?symbol=AAPL&apikey=K")
        self.assertEqual((st, json.loads(body)), (429, {"Error Message": "Limit Reach . Please upgrade your plan or "
                                                        "visit our documentation for more details at "
                                                        "https://site.financialmodelingprep.com/"}))
        self.assertEqual(self.refusals("fmp"), {"invalid_key": 1, "not_on_plan": 1, "daily_cap": 2})
        self.assertEqual(self.stats()["status_counts"]["fmp"], {"401": 1, "200": 2, "402": 1, "429": 2})

    def test_alpha_vantage_burst_and_daily_cap(self):
        first = self.get_json(AV_QUERY % ("JPM", "SECRETKEY"))
        self.assertEqual(first["Global Quote"]["01. symbol"], "JPM")
        burst = self.get_json(AV_QUERY % ("KO", "SECRETKEY"))
        self.assertEqual(list(burst), ["Information"])
        self.assertTrue(burst["Information"].startswith(AV_BURST_START))
        time.sleep(1.05)
        self.assertIn("Global Quote", self.get_json(AV_QUERY % ("KO", "SECRETKEY")))
        # the daily cap: the three calls above count, refused one included
        self.realism(av_daily_cap=4, av_per_second=100)
        self.post("/__reset", {})
        for sym in ("JPM", "KO", "PG", "XOM"):
            self.assertIn("Global Quote", self.get_json(AV_QUERY % (sym, "SECRETKEY")))
        info = self.get_json(AV_QUERY % ("CVX", "SECRETKEY"))["Information"]
        self.assertEqual(info, "We have detected your API key as SECRETKEY and our standard API rate limit is 25 "
                               "requests per day. Please subscribe to any of the premium plans at "
                               "https://www.alphavantage.co/premium/ to instantly remove all daily rate limits.")
        self.realism(av_daily_cap=0, av_daily_text="thank_you")
        info = self.get_json(AV_QUERY % ("CVX", "SECRETKEY"))["Information"]
        self.assertTrue(info.startswith("Thank you for using Alpha Vantage! Our standard API rate limit is 25 "
                                        "requests per day."))
        self.assertNotIn("SECRETKEY", info)
        self.assertEqual(self.stats()["status_counts"]["alpha_vantage"], {"200": 6})  # always HTTP 200
        self.assertEqual(self.refusals("alpha_vantage"), {"daily_cap": 2})
        self.realism(av_invalid_keys=["BAD"])
        self.assertIn("apikey is invalid or missing", self.get_json(AV_QUERY % ("JPM", "BAD"))["Error Message"])

    def test_sec_contact_and_rate_threshold(self):
        tickers = "/sec_edgar/files/company_tickers.json"
        for ua in (None, {"User-Agent": "thd-tests"}, {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"},
                   {"User-Agent": "Example Co admin@example"}):
            st, _, body = self.get(tickers, ua)
            self.assertEqual(st, 403, ua)
            self.assertIn(b"Your Request Originates from an Undeclared Automated Tool", body)
        self.assertEqual(self.get(tickers, {"User-Agent": "Example Co admin@example.com"})[0], 200)
        self.assertEqual(self.refusals("sec_edgar"), {"no_contact": 4})
        self.post("/__reset", {})
        self.realism(sec_block_seconds=1.5)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        codes = []
        t0 = time.monotonic()
        for _ in range(12):
            conn.request("GET", "/sec_edgar/submissions/CIK0000320193.json", headers=UA)
            r = conn.getresponse()
            body = r.read()
            codes.append(r.status)
        conn.close()
        self.assertLess(time.monotonic() - t0, 1.0, "12 requests did not fit in one second")
        self.assertEqual(codes, [200] * 10 + [403, 403])
        self.assertIn(b"Request Rate Threshold Exceeded", body)
        self.assertIn(b"10 requests per second", body)
        st, _, body = self.get(tickers, UA)  # still blocked
        self.assertEqual(st, 403)
        self.assertIn(b"Request Rate Threshold Exceeded", body)
        s = self.stats()
        self.assertEqual(s["refusals"]["sec_edgar"], {"rate_threshold": 1, "blocked": 2})
        self.assertEqual(s["max_per_second"]["sec_edgar"], 13)
        time.sleep(1.6)
        self.assertEqual(self.get(tickers, UA)[0], 200)

    def test_fred_limits_and_keys(self):
        self.realism(fred_invalid_keys=["UNREGISTERED"])
        err = self.get_json(FRED_QUERY % "UNREGISTERED", status=400)
        self.assertEqual(err, {"error_code": 400, "error_message": "Bad Request.  The value for variable api_key is "
                               "not registered.  Read https://fred.stlouisfed.org/docs/api/api_key.html for more "
                               "information."})
        self.post("/__reset", {})
        codes = [self.get(FRED_QUERY % "K")[0] for _ in range(3)]
        self.assertEqual(codes, [200, 200, 429])  # 2 per second
        time.sleep(1.05)
        self.realism(fred_per_second=0, fred_per_minute=4)
        codes = [self.get(FRED_QUERY % "K")[0] for _ in range(2)]
        self.assertEqual(codes, [200, 429])  # the minute already held 3, the refused one included
        st, _, body = self.get(FRED_QUERY % "K")
        self.assertEqual(json.loads(body), {"error_code": 429,
                                            "error_message": "Too Many Requests.  Exceeded Rate Limit"})
        self.assertEqual(self.refusals("fred_economic"), {"burst": 1, "per_minute": 2})

    def test_coingecko_roots_keys_and_caps(self):
        pro = {"x-cg-pro-api-key": "CG-pro-key"}
        st, _, body = self.get("/coingecko" + CG_PRICE, pro)
        self.assertEqual((st, json.loads(body)["status"]["error_code"]), (400, 10010))
        self.assertIn("please change your root URL from api.coingecko.com to pro-api.coingecko.com",
                      json.loads(body)["status"]["error_message"])
        self.assertEqual(self.get("/coingecko" + CG_PRICE + "&x_cg_demo_api_key=CG-pro-abc")[0], 400)
        st, _, body = self.get("/coingecko_pro" + CG_PRICE)
        self.assertEqual((st, json.loads(body)["status"]["error_code"]), (401, 10002))
        st, _, body = self.get("/coingecko_pro" + CG_PRICE, {"x-cg-demo-api-key": "CG-demo"})
        self.assertEqual((st, json.loads(body)["status"]["error_code"]), (400, 10011))
        self.assertEqual(self.get("/coingecko_pro" + CG_PRICE, {"x-cg-pro-api-key": "CG-demo"})[0], 400)
        doc = self.get_json("/coingecko_pro" + CG_PRICE, pro)
        self.assertEqual(set(doc), {"bitcoin", "ethereum"})  # many ids in one call
        self.realism(coingecko_pro_keys=["plainkey"], coingecko_invalid_keys=["WRONG"])
        self.assertEqual(self.get("/coingecko_pro" + CG_PRICE, {"x-cg-pro-api-key": "plainkey"})[0], 200)
        st, _, body = self.get("/coingecko" + CG_PRICE, {"x-cg-demo-api-key": "WRONG"})
        self.assertEqual((st, json.loads(body)["status"]["error_code"]), (401, 10002))
        s = self.stats()
        self.assertEqual(s["requests"]["coingecko"], 8)
        self.assertEqual(s["refusals"]["coingecko"], {"wrong_root": 4, "missing_key": 1, "invalid_key": 1})
        self.assertEqual(s["by_subject"]["coingecko"], {"bitcoin": 8, "ethereum": 8})
        # the caps, public and pro alike
        self.realism(coingecko_monthly_cap=3)
        self.post("/__reset", {})
        codes = [self.get(root + CG_PRICE, hdr)[0] for root, hdr in
                 (("/coingecko", {}), ("/coingecko_pro", pro), ("/coingecko", {"x-cg-demo-api-key": "d"}),
                  ("/coingecko", {}))]
        self.assertEqual(codes, [200, 200, 200, 429])
        self.realism(coingecko_per_minute=1)
        self.post("/__reset", {})
        st, _, body = None, None, None
        self.assertEqual(self.get("/coingecko" + CG_PRICE)[0], 200)
        st, _, body = self.get("/coingecko" + CG_PRICE)
        self.assertEqual(st, 429)
        self.assertTrue(json.loads(body)["status"]["error_message"].startswith("You've exceeded the Rate Limit."))
        self.assertEqual(self.refusals("coingecko"), {"per_minute": 1})

    def test_stats_by_subject_and_max_per_second(self):
        self.realism(av_per_second=100)
        for sym in ("JPM", "BRK.B", "BRK-B"):
            self.get_json(AV_QUERY % (sym, "K"))
        self.get("/yahoo_finance/v8/finance/chart/%5EVIX?range=1y&interval=1d", BROWSER)
        self.get_json("/imf_data/external/datamapper/api/v1/NGDP_RPCH/USA")
        self.get_json("/sec_edgar/submissions/CIK0000320193.json", UA)
        s = self.stats()
        self.assertEqual(s["by_subject"]["alpha_vantage"], {"JPM": 1, "BRK-B": 2})
        self.assertEqual(s["by_subject"]["yahoo_finance"], {"^VIX": 1})
        self.assertEqual(s["by_subject"]["imf_data"], {"NGDP_RPCH/USA": 1})
        self.assertEqual(s["by_subject"]["sec_edgar"], {"CIK0000320193": 1})
        self.assertEqual(s["max_per_second"]["alpha_vantage"], 3)
        self.assertEqual(s["status_counts"]["imf_data"], {"200": 1})
        self.assertEqual(s["requests"]["alpha_vantage"], 3)  # existing keys unchanged
        self.post("/__reset", {})
        s = self.stats()
        self.assertEqual((s["by_subject"]["alpha_vantage"], s["max_per_second"]["alpha_vantage"],
                          s["status_counts"]["alpha_vantage"], s["refusals"]["alpha_vantage"]), ({}, 0, {}, {}))

    def test_faults_still_apply(self):
        self.fault(service="fmp", mode="status", status=503, count=1)
        self.assertEqual(self.get("/fmp/stable/quote?symbol=QQQ&apikey=K")[0], 402)  # refused first, fault kept
        self.assertEqual(self.get("/fmp/stable/quote?symbol=AAPL&apikey=K")[0], 503)
        self.assertEqual(self.get("/fmp/stable/quote?symbol=AAPL&apikey=K")[0], 200)
        self.fault(service="fred_economic", mode="echo_key", count=1)
        err = self.get_json(FRED_QUERY % "MYKEY", status=400)
        self.assertIn("'MYKEY' is not registered", err["error_message"])
        self.fault(service="yahoo_finance", mode="quota", count=1)
        self.assertEqual(self.get("/yahoo_finance/v8/finance/chart/AAPL?range=1y&interval=1d", BROWSER)[0], 429)
        self.fault(service="imf_data", mode="malformed", count=1)
        self.assertEqual(self.get("/imf_data/external/datamapper/api/v1/NGDP_RPCH/USA")[0], 200)


BASE_UNIVERSE = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "JPM", "BAC", "XOM", "CVX", "JNJ", "UNH", "PG", "KO",
                 "CAT", "HON", "NEE", "LIN", "AMT", "DIS", "TSLA", "HD", "BRK-B", "COST", "AMD", "AVGO", "MA", "NFLX",
                 "ORCL", "PEP", "V", "WMT", "SPY", "QQQ", "VTI", "^VIX", "BTC-USD", "ETH-USD"]
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"}


class UniverseTest(FakeServicesTest):
    """--universe N: synthetic US stocks and ETFs, served as the others (here in realistic mode)."""

    @classmethod
    def setUpClass(cls):
        cls.proc, cls.port, cls.port_file = start_server("--realistic", "--universe", "40", "--universe-seed", "7")

    def setUp(self):
        self.post("/__reset", {})
        self.post("/__realism", {"av_per_second": 100})
        self.post("/__universe", {"extra": 40, "seed": 7})

    def universe(self):
        return self.get_json("/__universe")

    def synthetic(self):
        return [s for s in self.universe()["symbols"] if s["synthetic"]]

    def refusals(self, service):
        return self.stats()["refusals"][service]

    def test_listing(self):
        doc = self.universe()
        self.assertEqual((doc["extra"], doc["seed"]), (40, 7))
        syms = doc["symbols"]
        self.assertEqual([s["symbol"] for s in syms[:38]], BASE_UNIVERSE)
        self.assertFalse(any(s["synthetic"] for s in syms[:38]))
        self.assertEqual(syms[0], {"symbol": "AAPL", "kind": "stock", "name": "Apple Inc.", "cik": 320193,
                                   "sic": "3571", "synthetic": False})
        extra = syms[38:]
        self.assertEqual(len(extra), 40)
        free = set(self.stats()["realism"]["fmp_symbols"])
        for i, s in enumerate(extra):
            self.assertTrue(s["synthetic"])
            self.assertRegex(s["symbol"], r"^[A-Z]{2,5}$")
            self.assertNotIn(s["symbol"], free)
            self.assertNotIn(s["symbol"], ("BTC", "ETH", "VIX"))
            self.assertEqual(s["kind"], "etf" if i % 20 == 19 else "stock")
            self.assertTrue(s["name"])
            if s["kind"] == "etf":
                self.assertEqual(s["sic"], "")
                self.assertTrue(s["name"].endswith(" ETF"))
            else:
                self.assertRegex(s["sic"], r"^[0-9]{4}$")
        self.assertEqual(len({s["symbol"] for s in syms}), 78)
        ciks = [s["cik"] for s in syms if s["cik"] is not None]
        self.assertEqual(len(ciks), len(set(ciks)))
        self.assertEqual(len(ciks), 75)
        # deterministic; a smaller N is a prefix; another seed, other symbols
        self.assertEqual(self.post("/__universe", {"extra": 40, "seed": 7}),
                         {"ok": True, "extra": 40, "seed": 7, "symbols": 78})
        self.assertEqual(self.synthetic(), extra)
        self.post("/__universe", {"extra": 10, "seed": 7})
        self.assertEqual(self.synthetic(), extra[:10])
        self.post("/__universe", {"extra": 10, "seed": 8})
        self.assertNotEqual([s["symbol"] for s in self.synthetic()], [s["symbol"] for s in extra[:10]])
        # /__reset keeps it; extra 0 removes it: then the provider's not-found answer
        self.post("/__universe", {"extra": 40, "seed": 7})
        self.post("/__reset", {})
        self.assertEqual(self.synthetic(), extra)
        path = "/yahoo_finance/v8/finance/chart/%s?range=1y&interval=1d" % extra[0]["symbol"]
        self.assertEqual(self.get(path, BROWSER)[0], 200)
        self.post("/__universe", {"extra": 0})
        self.assertEqual([s["symbol"] for s in self.universe()["symbols"]], BASE_UNIVERSE)
        self.assertEqual(self.get(path, BROWSER)[0], 404)
        for bad in ({"extra": -1}, {"extra": "3"}, {"extra": True}, {"extra": 100001}, {"extra": 3, "seed": -2},
                    {"extra": 3, "nope": 1}, [3]):
            with self.assertRaises(urllib.error.HTTPError) as cm:
                self.post("/__universe", bad)
            self.assertEqual(cm.exception.code, 400)
            cm.exception.close()

    def test_served_like_the_others(self):
        extra = self.synthetic()
        stock, etf = extra[0], extra[19]
        S, E = stock["symbol"], etf["symbol"]
        fig = figures(S)
        # Yahoo: every symbol, the same formulas
        res = self.get_json("/yahoo_finance/v8/finance/chart/%s?range=1y&interval=1d" % S, BROWSER)["chart"]["result"][0]
        self.assertEqual((res["meta"]["symbol"], res["meta"]["regularMarketPrice"], res["meta"]["longName"]),
                         (S, fig["P"], stock["name"]))
        self.assertEqual(res["indicators"]["quote"][0]["close"], history(S)[0])
        res = self.get_json("/yahoo_finance/v8/finance/chart/%s?range=1y&interval=1d" % E, BROWSER)["chart"]["result"][0]
        self.assertEqual((res["meta"]["instrumentType"], res["meta"]["regularMarketPrice"]), ("ETF", price(E)))
        # FMP's free plan: not on it
        for sym in (S, E):
            for endpoint in ("profile", "quote", "ratios-ttm"):
                self.assertEqual(self.get("/fmp/stable/%s?symbol=%s&apikey=K" % (endpoint, sym))[0], 402)
        self.assertEqual(self.get("/fmp/stable/profile?symbol=AAPL&apikey=K")[0], 200)
        self.assertEqual(self.refusals("fmp"), {"not_on_plan": 6})
        # Alpha Vantage: OVERVIEW for the stock, {} for the ETF; GLOBAL_QUOTE for both
        ov = self.get_json("/alpha_vantage/query?function=OVERVIEW&symbol=%s&apikey=K" % S)
        self.assertEqual((ov["Symbol"], ov["Name"], ov["CIK"], ov["AssetType"]),
                         (S, stock["name"], str(stock["cik"]), "Common Stock"))
        self.assertEqual((ov["PERatio"], ov["EPS"], ov["MarketCapitalization"]),
                         ("%.2f" % fig["pe"], "%.2f" % fig["eps"], str(fig["market_cap"])))
        self.assertTrue(ov["Sector"] and ov["Sector"] == ov["Sector"].upper())
        self.assertEqual(self.get_json("/alpha_vantage/query?function=OVERVIEW&symbol=%s&apikey=K" % E), {})
        gq = self.get_json("/alpha_vantage/query?function=GLOBAL_QUOTE&symbol=%s&apikey=K" % E)["Global Quote"]
        self.assertEqual((gq["01. symbol"], gq["05. price"]), (E, "%.4f" % price(E)))
        # SEC: listed, and their submissions served
        rows = {r["ticker"]: r for r in self.get_json("/sec_edgar/files/company_tickers.json", UA).values()}
        self.assertEqual(len(rows), 75)
        self.assertEqual(rows[S], {"cik_str": stock["cik"], "ticker": S, "title": stock["name"]})
        sub = self.get_json("/sec_edgar/submissions/CIK%010d.json" % stock["cik"], UA)
        self.assertEqual((sub["cik"], sub["name"], sub["sic"], sub["tickers"], sub["entityType"]),
                         (str(stock["cik"]), stock["name"], stock["sic"], [S], "operating"))
        self.assertTrue(sub["sicDescription"])
        sub = self.get_json("/sec_edgar/submissions/CIK%010d.json" % etf["cik"], UA)
        self.assertEqual((sub["sic"], sub["sicDescription"], sub["tickers"]), ("", "", [E]))
        # plain mode: FMP serves them as any stock / ETF
        self.post("/__realism", {"enabled": False})
        try:
            prof = self.get_json("/fmp/stable/profile?symbol=%s&apikey=K" % S)[0]
            self.assertEqual((prof["symbol"], prof["companyName"], prof["price"], prof["cik"], prof["isEtf"]),
                             (S, stock["name"], fig["P"], "%010d" % stock["cik"], False))
            self.assertEqual(prof["sector"].upper(), ov["Sector"])
            self.assertEqual(self.get_json("/fmp/stable/ratios-ttm?symbol=%s&apikey=K" % S)[0]
                             ["priceToEarningsRatioTTM"], fig["pe"])
            self.assertEqual(self.get_json("/fmp/stable/ratios-ttm?symbol=%s&apikey=K" % E), [])
            self.assertTrue(self.get_json("/fmp/stable/profile?symbol=%s&apikey=K" % E)[0]["isEtf"])
        finally:
            self.post("/__realism", {"enabled": True})


for _name in [n for n in vars(FakeServicesTest) if n.startswith("test_")]:
    setattr(UniverseTest, _name, None)  # the plain fake's tests; UniverseTest's own are below its name


class RealismToggleTest(unittest.TestCase):
    def test_non_realistic_server_turns_realism_on_and_serves_the_pro_root(self):
        proc, port, _ = start_server()
        try:
            def call(method, path, body=None, headers=None):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request(method, path, body=json.dumps(body).encode() if body is not None else None,
                             headers=headers or {})
                r = conn.getresponse()
                out = r.status, r.read()
                conn.close()
                return out
            self.assertFalse(json.loads(call("GET", "/__stats")[1])["realism"]["enabled"])
            self.assertEqual(call("GET", "/coingecko_pro" + CG_PRICE, headers={"x-cg-pro-api-key": "CG-pro-x"})[0], 200)
            self.assertEqual(call("GET", "/coingecko_pro" + CG_PRICE)[0], 401)
            self.assertEqual(call("GET", "/fmp/stable/quote?symbol=QQQ&apikey=K")[0], 200)
            st, body = call("POST", "/__realism", {"enabled": True, "fmp_daily_cap": 5})
            self.assertEqual((st, json.loads(body)["realism"]["fmp_daily_cap"]), (200, 5))
            self.assertEqual(call("GET", "/fmp/stable/quote?symbol=QQQ&apikey=K")[0], 402)
        finally:
            self.assertEqual(stop_server(proc), 0)


class LifecycleTest(unittest.TestCase):
    def test_sigterm_with_hung_connection_and_global_latency(self):
        proc, port, port_file = start_server("--latency-ms", "200")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            t0 = time.monotonic()
            conn.request("GET", "/imf_data/external/datamapper/api/v1/NGDP_RPCH/USA")
            self.assertEqual(conn.getresponse().read()[:10], b'{"values":')
            self.assertGreaterEqual(time.monotonic() - t0, 0.18)
            conn.close()
            req = urllib.request.Request("http://127.0.0.1:%d/__fault" % port, method="POST",
                                         data=json.dumps({"service": "fmp", "mode": "hang"}).encode())
            urllib.request.urlopen(req, timeout=5).close()
            hung = socket.create_connection(("127.0.0.1", port), timeout=5)
            hung.sendall(b"GET /fmp/stable/quote?symbol=AAPL&apikey=K HTTP/1.1\r\nHost: x\r\n\r\n")
            time.sleep(0.3)
        finally:
            t0 = time.monotonic()
            rc = stop_server(proc)
        self.assertEqual(rc, 0)
        self.assertLess(time.monotonic() - t0, 5)
        self.assertFalse(os.path.exists(port_file))
        hung.close()

    def test_refuses_non_loopback_host(self):
        r = subprocess.run([PYTHON, SCRIPT, "--host", "0.0.0.0", "--port", "0"],
                           capture_output=True, timeout=10)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"loopback", r.stderr)


if __name__ == "__main__":
    unittest.main()
