"""inventory: local research files, cache health, statistics and coverage (SPEC 2, 4.1, 5)."""

import datetime
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import (DAY, HOUR, NOW, NOW_ISO, SERVICES, ThdTestCase, clean_env, file_size, iso,  # noqa: E402
                     md5_name, write_entry, write_file)

TODAY = datetime.date(2026, 11, 22)  # the date of NOW_ISO


def age(yyyymmdd):
    return (TODAY - datetime.datetime.strptime(yyyymmdd, "%Y%m%d").date()).days


# name -> content; the figures each test expects are derived from these.
FUNDAMENTALS = {
    # Two files for AAPL: the newer date wins even though the older one is touched last.
    "AAPL_20261101.md": "# Apple\nRecommendation: BUY\n",
    "AAPL_20261115.md": ("# Apple Inc.\n\n### Recommendation: HOLD | Conviction: 0.9/1.0\n\n"
                         "**Fair Value Range:** $190 - $230 (Current: $212.41)\n"),
    "MSFT_20261022.md": "Recommendation: SELL\n",  # 31 days old: stale
    "NVDA_20261023.md": "Recommendation: BUY\n",  # exactly 30 days: not stale
    "TSLA_20261120.md": "# Tesla\n\nNo verdict yet.\n",  # no recommendation
    "BRK.B_20261110.md": "**Recommendation: BUY**\n",
    # Badly named: listed as ignored.
    "notes.md": "scratch\n",
    "AAPL_2026-11-01.md": "Recommendation: BUY\n",
    "README.txt": "not an analysis\n",
}
IGNORED_FUNDAMENTALS = {"notes.md", "AAPL_2026-11-01.md", "README.txt"}
STALE_FILE_DATE = "20261022"

SECTORS = {
    "finance_20261120.md": ("financials", "finance"),
    "industrial_20261101.md": ("industrials", "industrial"),
    "tech_20261015.md": ("technology", "tech"),
    "energy_20261121.md": ("energy", None),
}
UNKNOWN_SECTOR = "crypto assets_20261120.md"  # a space: neither a sector nor a theme name
THEME = ("quantum_computing_20250805.md", "quantum_computing")  # not one of the 11: a theme
ALL_SECTORS = {"technology", "healthcare", "financials", "industrials", "communication_services",
               "consumer_discretionary", "consumer_staples", "energy", "materials", "utilities",
               "real_estate"}

# service -> list of (kind, key, created_at, ttl); kind: fresh, expired, or corrupt.
CACHE = {
    "yahoo_finance": [
        ("fresh", "chart:AAPL:1y:1d", NOW - 300, 900),
        ("fresh", "quote:AAPL", NOW - 100, 900),
        ("expired", "chart:MSFT:1y:1d", NOW - 2 * HOUR, 900),
        ("corrupt", "quote:TSLA", None, None),  # truncated JSON
    ],
    "fmp": [
        ("fresh", "profile:AAPL", NOW - DAY, 7 * DAY),
        ("expired", "profile:MSFT", NOW - 8 * DAY, 7 * DAY),
        ("expired", "quote:MSFT", NOW - HOUR, 900),
    ],
    "fred_economic": [
        ("corrupt", "series:FEDFUNDS", NOW - 60, 0),  # ttl_seconds 0
    ],
    "coingecko": [
        ("fresh", "price:bitcoin", NOW - 60, 900),
    ],
}
STATS = {"fmp": {"hits": 6, "misses": 2}, "yahoo_finance": {"hits": 3, "misses": 1}}


def write_stats(cache_dir, services):
    body = {"version": 1, "updated_at": iso(NOW - HOUR), "services": {}}
    for name, counts in services.items():
        full = {"hits": 0, "misses": 0, "stale_served": 0, "stores": 0, "evictions": 0, "corruptions": 0}
        full.update(counts)
        body["services"][name] = full
    write_file(os.path.join(cache_dir, ".meta", "stats.json"), json.dumps(body, indent=1))


VARIANTS = os.path.join(os.environ.get("THD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")),
                        "tests", "fixtures", "analysis_variants")


class AnalysisVariantsTest(ThdTestCase):
    """The hand-written analyses of tests/fixtures/analysis_variants, one per variant real files show."""

    def test_facts_of_each_variant(self):
        doc, _ = self.thd_json("inventory", "--data-dir", VARIANTS, "--cache-dir", os.path.join(self.tmp, "cache"),
                               "--report", "json")
        f = doc["fundamental_analysis"]["by_ticker"]
        keys = ("recommendation", "recommendation_label", "conviction", "fair_value_low", "fair_value_high",
                "currency", "fair_value_source", "current_price")
        expected = {
            "NVDA": ("BUY", "STRONG BUY", 0.8, 1185.5, 1320, "USD", "fair_value_range", 1101.25),
            "PLTR": ("BUY", "SPECULATIVE BUY", 0.6, None, None, None, None, None),
            "ASML": ("SELL", "STRONG SELL", None, 120, 140, "EUR", "fair_value_range", 151.3),
            "BARC.L": ("BUY", "ACCUMULATE", 0.7, 2.4, 2.85, "GBP", "fair_value_range", None),
            "GME": ("SELL", "REDUCE", None, None, None, None, None, None),
            "SOFI": ("BUY", "BUY", None, 32, 36, "USD", "recommendation_target", None),
            "CSL.AX": ("HOLD", "HOLD", 0.5, 238.9, 252.8, "AUD", "fair_value_range", 245.1),
            "RIVN": (None, "CAUTIOUSLY OPTIMISTIC", 0.4, 9, 14, "USD", "fair_value_range", None),
        }
        self.assertEqual(set(f), set(expected))
        for ticker, values in expected.items():
            got = tuple(f[ticker][k] for k in keys)
            self.assertEqual(len(got), len(values))
            for k, g, e in zip(keys, got, values):
                if isinstance(e, float):
                    self.assertAlmostEqual(g, e, msg="%s %s" % (ticker, k))
                else:
                    self.assertEqual(g, e, "%s %s" % (ticker, k))
        self.assertEqual(f["GME"]["notes"],
                         ["Fair Value Range line 'Analysis indicates overvaluation' has no amounts; "
                          "fair value left null"])
        self.assertEqual(len(f["RIVN"]["notes"]), 1)
        self.assertIn("'CAUTIOUSLY OPTIMISTIC'", f["RIVN"]["notes"][0])
        for ticker in ("NVDA", "PLTR", "ASML", "BARC.L", "SOFI", "CSL.AX"):
            self.assertEqual(f[ticker]["notes"], [], ticker)
        self.assertEqual(doc["fundamental_analysis"]["ignored"], [])

        s = doc["sector_analysis"]
        self.assertEqual((s["files"], list(s["sectors"])), (1, ["technology"]))
        self.assertEqual(s["theme_files"], 2)
        self.assertEqual(s["themes"], {"quantum_computing": {"file": "Quantum_Computing_20261105.md",
                                                             "date": "2026-11-05", "age_days": 17,
                                                             "stale": False, "files": 2}})
        self.assertEqual(s["ignored"], [])

    def test_table_shows_label_currency_and_themes(self):
        r = self.thd("inventory", "--data-dir", VARIANTS, "--cache-dir", os.path.join(self.tmp, "cache"))
        self.assert_ok(r)
        nvda = next(line for line in r.stdout.splitlines() if line.strip().startswith("NVDA"))
        self.assertIn("USD 1185.50 - 1320.00", nvda)
        self.assertIn("(as 'STRONG BUY')", nvda)
        self.assertIn("quantum_computing", r.stdout)


class InventoryTest(ThdTestCase):
    def setUp(self):
        super().setUp()
        self.data = os.path.join(self.tmp, "data")
        self.cache = os.path.join(self.data, "cache")
        fdir = os.path.join(self.data, "outputs", "fundamental_analysis")
        for name, content in FUNDAMENTALS.items():
            write_file(os.path.join(fdir, name), content, mtime=NOW - 5 * DAY)
        os.utime(os.path.join(fdir, "AAPL_20261101.md"), (NOW - HOUR, NOW - HOUR))
        sdir = os.path.join(self.data, "outputs", "sector_analysis")
        for name in list(SECTORS) + [UNKNOWN_SECTOR, THEME[0]]:
            write_file(os.path.join(sdir, name), "# sector\n")
        self.entry_bytes = {}  # service -> [sizes]
        for service, entries in CACHE.items():
            for kind, key, created, ttl in entries:
                if kind == "corrupt" and ttl is None:
                    path = os.path.join(self.cache, service, md5_name(service, key))
                    write_file(path, '{"service": "%s", "key": "%s", "created_at": "%s", "ttl_sec'
                               % (service, key, NOW_ISO))
                else:
                    path = write_entry(self.cache, service, key, created, ttl)
                self.entry_bytes.setdefault(service, []).append(file_size(path))
        # Legacy flat-layout files and a temporary file: not entries.
        write_file(os.path.join(self.cache, "0123456789abcdef0123456789abcdef.json"),
                   json.dumps({"timestamp": iso(NOW - 60), "data": {"x": 1}}))
        write_file(os.path.join(self.cache, "fedcba9876543210fedcba9876543210.json"),
                   json.dumps({"timestamp": iso(NOW - 60), "service": "fmp", "ttl_seconds": 900,
                               "key": "quote:IBM", "data": {"x": 2}}))
        write_file(os.path.join(self.cache, "yahoo_finance", ".abc.json.tmp.4242.beef"), "{", mtime=NOW - 60)
        write_stats(self.cache, STATS)

    def inventory(self, *args, **kw):
        doc, r = self.thd_json("inventory", "--data-dir", self.data, "--report", "json", *args, **kw)
        return doc, r

    def test_fundamental_files(self):
        doc, _ = self.inventory()
        self.assertEqual(doc["stale_days"], 30)
        f = doc["fundamental_analysis"]
        valid = [n for n in FUNDAMENTALS if n not in IGNORED_FUNDAMENTALS]
        self.assertEqual(f["files"], len(valid))
        self.assertEqual(f["tickers"], 5)
        self.assertEqual(f["stale"], 1)
        self.assertEqual(set(f["by_ticker"]), {"AAPL", "MSFT", "NVDA", "TSLA", "BRK.B"})

        aapl = f["by_ticker"]["AAPL"]
        self.assertEqual(aapl["file"], "AAPL_20261115.md")
        self.assertEqual(aapl["date"], "2026-11-15")
        self.assertEqual(aapl["age_days"], age("20261115"))
        self.assertEqual(aapl["files"], 2)
        self.assertEqual(aapl["recommendation"], "HOLD")
        self.assertAlmostEqual(aapl["conviction"], 0.9)
        self.assertEqual(aapl["fair_value_low"], 190)
        self.assertEqual(aapl["fair_value_high"], 230)
        self.assertAlmostEqual(aapl["current_price"], 212.41)
        self.assertFalse(aapl["stale"])

        msft = f["by_ticker"]["MSFT"]
        self.assertEqual(msft["age_days"], 31)
        self.assertEqual(msft["age_days"], age(STALE_FILE_DATE))
        self.assertTrue(msft["stale"])
        self.assertEqual(msft["recommendation"], "SELL")
        nvda = f["by_ticker"]["NVDA"]
        self.assertEqual(nvda["age_days"], 30)
        self.assertFalse(nvda["stale"])
        self.assertIsNone(f["by_ticker"]["TSLA"]["recommendation"])
        self.assertIsNone(f["by_ticker"]["TSLA"]["conviction"])
        self.assertIsNone(f["by_ticker"]["TSLA"]["fair_value_low"])
        self.assertEqual(f["by_ticker"]["BRK.B"]["file"], "BRK.B_20261110.md")
        self.assertEqual(f["by_ticker"]["BRK.B"]["recommendation"], "BUY")
        self.assertEqual({i["file"] for i in f["ignored"]}, IGNORED_FUNDAMENTALS)

    def test_sector_files(self):
        doc, _ = self.inventory()
        s = doc["sector_analysis"]
        self.assertEqual(s["files"], len(SECTORS))
        expected = {sector: alias for sector, alias in SECTORS.values()}
        self.assertEqual(set(s["sectors"]), set(expected))
        for name, (sector, alias) in SECTORS.items():
            got = s["sectors"][sector]
            self.assertEqual(got["file"], name)
            self.assertEqual(got["alias"], alias)
            date = name.rsplit("_", 1)[1][:8]
            self.assertEqual(got["age_days"], age(date))
            self.assertEqual(got["stale"], age(date) > 30, name)
        self.assertEqual(set(s["missing"]), ALL_SECTORS - set(expected))
        self.assertEqual([i["file"] for i in s["ignored"]], [UNKNOWN_SECTOR])
        self.assertEqual(s["theme_files"], 1)
        self.assertEqual(s["themes"], {THEME[1]: {"file": THEME[0], "date": "2025-08-05",
                                                  "age_days": age("20250805"), "stale": True, "files": 1}})

    def test_cache_health_and_statistics(self):
        doc, r = self.inventory()
        c = doc["cache"]
        self.assertTrue(c["exists"])
        kinds = [e[0] for entries in CACHE.values() for e in entries]
        self.assertEqual(c["files"], len(kinds))
        self.assertEqual(c["bytes"], sum(sum(v) for v in self.entry_bytes.values()))
        self.assertEqual(c["fresh"], kinds.count("fresh"))
        self.assertEqual(c["expired"], kinds.count("expired"))
        self.assertEqual(c["corrupt"], kinds.count("corrupt"))
        self.assertEqual(c["legacy"], 2)
        self.assertEqual(c["temporary"], 1)
        self.assertEqual(set(c["by_service"]), set(SERVICES))
        for service in SERVICES:
            got = c["by_service"][service]
            entries = CACHE.get(service, [])
            want = [e[0] for e in entries]
            self.assertEqual(got["files"], len(entries), service)
            self.assertEqual(got["bytes"], sum(self.entry_bytes.get(service, [])), service)
            self.assertEqual(got["fresh"], want.count("fresh"), service)
            self.assertEqual(got["expired"], want.count("expired"), service)
            self.assertEqual(got["corrupt"], want.count("corrupt"), service)
            self.assertEqual(got["hits"], STATS.get(service, {}).get("hits", 0), service)
            self.assertEqual(got["misses"], STATS.get(service, {}).get("misses", 0), service)
        hits = sum(s["hits"] for s in STATS.values())
        misses = sum(s["misses"] for s in STATS.values())
        self.assertAlmostEqual(c["hit_ratio"], hits / (hits + misses))
        self.assertEqual(c["stats"]["hits"], hits)
        self.assertEqual(c["stats"]["misses"], misses)
        # 75% hits: no miss-ratio warning.
        self.assertNotIn("miss", r.stderr.lower())

    def test_miss_ratio_over_half_is_shown_not_warned(self):
        # The recorded ratio is cumulative: inventory shows it and never warns
        # on it (issue 14: a warning about old runs nagged forever).
        write_stats(self.cache, {"fmp": {"hits": 1, "misses": 2}, "coingecko": {"misses": 1}})
        doc, r = self.inventory()
        self.assertAlmostEqual(doc["cache"]["hit_ratio"], 1 / 4)
        self.assertNotIn("miss ratio", r.stderr.lower(), r.stderr)
        table = self.thd("inventory", "--data-dir", self.data)
        self.assert_ok(table)
        self.assertIn("hit ratio: 25.0% of 4 lookups recorded (cumulative", table.stdout)
        self.assertNotIn("miss ratio", table.stderr.lower(), table.stderr)

    def test_miss_ratio_of_exactly_half_does_not_warn(self):
        write_stats(self.cache, {"fmp": {"hits": 2, "misses": 2}})
        doc, r = self.inventory()
        self.assertAlmostEqual(doc["cache"]["hit_ratio"], 0.5)
        self.assertNotIn("miss", r.stderr.lower())

    def test_no_statistics_file(self):
        os.remove(os.path.join(self.cache, ".meta", "stats.json"))
        doc, _ = self.inventory()
        self.assertIsNone(doc["cache"]["hit_ratio"])

    def write_portfolio(self):
        tdir = os.path.join(self.data, "raw", "trade_history")
        # BOM, CRLF, Ticker as the first column (a BOM left in would hide it),
        # quoted fields with commas, doubled quotes and a newline; AAPL twice.
        rows = ("\ufeffTicker,Strategy_Type,Status,Entry_Timestamp,Position_UUID\r\n"
                'AAPL,"SMA, fast",Open,2026-11-01,AAPL_SMA_1\r\n'
                '"MSFT","EMA ""x""",Closed,2026-10-01,u2\r\n'
                '"BRK-B",SMA,Open,2026-11-02,u3\r\n'
                'XOM,"multi\nline",Closed,2026-09-01,u4\r\n'
                "AAPL,SMA,Closed,2026-08-01,u5\r\n")
        write_file(os.path.join(tdir, "live_signals_20261120.csv"), rows, mtime=NOW - 2 * DAY)
        # Older by the date in its name but touched later: must not be chosen.
        write_file(os.path.join(tdir, "live_signals_20261001.csv"),
                   "Ticker,Status,Entry_Timestamp\nZZZZ,Open,2026-10-01\n", mtime=NOW - HOUR)

    def test_coverage_of_a_portfolio(self):
        self.write_portfolio()
        doc, _ = self.inventory("--portfolio", "live_signals")
        cov = doc["coverage"]
        self.assertEqual(cov["source"], "portfolio")
        self.assertEqual(cov["portfolio"], "live_signals")
        self.assertTrue(cov["file"].endswith("live_signals_20261120.csv"), cov["file"])
        self.assertEqual(cov["tickers"], 4)
        self.assertEqual(cov["covered"], 3)
        self.assertEqual(sorted(cov["covered_tickers"]), ["AAPL", "BRK-B", "MSFT"])
        self.assertEqual(cov["missing"], ["XOM"])
        self.assertEqual(cov["stale"], ["MSFT"])
        self.assertAlmostEqual(cov["ratio"], 3 / 4)

    def test_coverage_of_tickers(self):
        doc, _ = self.inventory("--tickers", "aapl,brk-b,NVDA,ZZZ,msft")
        cov = doc["coverage"]
        self.assertEqual(cov["source"], "tickers")
        self.assertEqual(cov["tickers"], 5)
        self.assertEqual(cov["covered"], 4)
        self.assertEqual(sorted(t.upper() for t in cov["covered_tickers"]), ["AAPL", "BRK-B", "MSFT", "NVDA"])
        self.assertEqual([t.upper() for t in cov["missing"]], ["ZZZ"])
        self.assertEqual([t.upper() for t in cov["stale"]], ["MSFT"])
        self.assertAlmostEqual(cov["ratio"], 4 / 5)

    def test_stale_days_option(self):
        doc, _ = self.inventory("--stale-days", "100", "--tickers", "MSFT,NVDA")
        self.assertEqual(doc["stale_days"], 100)
        self.assertEqual(doc["fundamental_analysis"]["stale"], 0)
        self.assertFalse(doc["fundamental_analysis"]["by_ticker"]["MSFT"]["stale"])
        self.assertFalse(doc["sector_analysis"]["sectors"]["technology"]["stale"])
        self.assertEqual(doc["coverage"]["stale"], [])
        self.assertAlmostEqual(doc["coverage"]["ratio"], 1.0)
        # and a smaller threshold makes the 30-day-old file stale too
        doc, _ = self.inventory("--stale-days", "29")
        self.assertEqual(doc["fundamental_analysis"]["stale"], 2)
        self.assertTrue(doc["fundamental_analysis"]["by_ticker"]["NVDA"]["stale"])

    def test_stale_days_from_environment(self):
        doc, _ = self.inventory(env=clean_env(THD_STALE_DAYS="100"))
        self.assertEqual(doc["stale_days"], 100)
        self.assertEqual(doc["fundamental_analysis"]["stale"], 0)

    def test_table_report(self):
        self.write_portfolio()
        r = self.thd("inventory", "--data-dir", self.data, "--portfolio", "live_signals")
        self.assert_ok(r)
        for ticker in ["AAPL", "MSFT", "NVDA", "TSLA", "BRK.B"]:
            self.assertIn(ticker, r.stdout)
        self.assertIn("XOM", r.stdout)  # the missing ticker of the coverage
        r2 = self.thd("inventory", "--data-dir", self.data, "--report", "table")
        self.assert_ok(r2)
        self.assertIn("AAPL", r2.stdout)

    def test_missing_directories_are_empty_not_fatal(self):
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty)
        doc, _ = self.thd_json("inventory", "--data-dir", empty, "--report", "json")
        self.assertFalse(doc["fundamental_analysis"]["exists"])
        self.assertEqual(doc["fundamental_analysis"]["files"], 0)
        self.assertFalse(doc["sector_analysis"]["exists"])
        self.assertFalse(doc["cache"]["exists"])
        self.assertEqual(doc["cache"]["files"], 0)

    def test_cache_dir_option(self):
        other = os.path.join(self.tmp, "other-cache")
        write_entry(other, "imf_data", "imf:NGDP_RPCH:USA", NOW - 60, DAY)
        doc, _ = self.inventory("--cache-dir", other)
        self.assertEqual(doc["cache"]["files"], 1)
        self.assertEqual(doc["cache"]["fresh"], 1)
        self.assertEqual(doc["cache"]["by_service"]["imf_data"]["fresh"], 1)
        self.assertIsNone(doc["cache"]["hit_ratio"])


if __name__ == "__main__":
    unittest.main()
