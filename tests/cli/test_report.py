"""`report` (issue 13, docs/REPORT.md): the sample run against the fake services,
then its report in each format. Figures are compared with the JSON document the
same run wrote (the report must show the document's numbers, formatted), the
HTML against the contract the browser tests rely on; input strings are inert;
a missing figure shows its reason; a figure an older document does not have
says so; bad input is one line and a documented exit code; no network."""

import copy
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import unittest
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import (BIN, SERVICES, SOURCE, FakeServicesTestCase, PortfolioTestCase, clean_env,  # noqa: E402
                     write_file)

KEYS = {"FMP_API_KEY": "MARKERfmp7731", "ALPHA_VANTAGE_API_KEY": "MARKERav8842", "FRED_API_KEY": "MARKERfred9953"}
SECTIONS = ["headline", "charts", "open-positions", "ticker-performance", "strategy-performance", "market-context",
            "research-coverage", "data-quality"]
CHARTS = ["chart-equity", "chart-returns", "chart-strategies", "chart-fair-value"]
CSP = "default-src 'none'; style-src 'unsafe-inline'"


def money(x):
    """$52,018.19 from the shortest decimal of x, rounded half away from zero (docs/REPORT.md)."""
    d = Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return ("-$" if d < 0 else "$") + "{:,.2f}".format(abs(d))


def pct(x, places=1):
    d = (Decimal(repr(x)) * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return "{:,.{}f}%".format(d, places)


def columns(line):
    """Terminal columns: East Asian wide/fullwidth characters and emoji 2, combining marks 0."""
    n = 0
    for ch in line:
        if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\ufe0f":
            continue
        n += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return n


class Page(HTMLParser):
    """The parts of the HTML the tests read: elements with attributes, in order, and the text of each."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, attrs dict, depth)
        self.stack = []
        self.texts = {}  # index of element -> its text
        self.script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a, len(self.stack)))
        if tag == "script":
            self.script = True
        if tag not in ("meta", "link", "br", "img", "input"):
            self.stack.append(len(self.elements) - 1)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), len(self.stack)))

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for i in self.stack:
            self.texts[i] = self.texts.get(i, "") + data

    def find(self, tag=None, **attrs):
        out = []
        for i, (t, a, _) in enumerate(self.elements):
            if (tag is None or t == tag) and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                out.append(i)
        return out

    def text(self, i):
        return " ".join(self.texts.get(i, "").split())


class SampleReport(FakeServicesTestCase):
    """One sample run (fake services) with --report html for the class; each test renders from its document."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._class_tmp = tempfile.TemporaryDirectory(prefix="thd-report-")
        root = os.path.realpath(cls._class_tmp.name)
        cls.sample_data = os.path.join(root, "data")
        for part in ("raw", "outputs"):
            shutil.copytree(os.path.join(SOURCE, "data", part), os.path.join(cls.sample_data, part),
                            ignore=shutil.ignore_patterns("trade_history" if part == "outputs" else "-"))
        cls.server.reset()
        urls = {"THD_%s_BASE_URL" % s.upper(): "%s/%s" % (cls.server.base, s) for s in SERVICES}
        urls["THD_SEC_EDGAR_TICKERS_URL"] = "%s/sec_edgar/files/company_tickers.json" % cls.server.base
        cls.env = clean_env(**KEYS, **urls, SEC_EDGAR_USER_AGENT="thd-tests tests@example.com")
        cls.cache_dir = os.path.join(root, "cache")
        cls.run_result = subprocess.run(
            [BIN, "--data-dir", cls.sample_data, "--cache-dir", cls.cache_dir, "run", "--portfolio",
             "live_signals", "--report", "html"], env=cls.env, cwd=root, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, timeout=120)
        cls.json_path = os.path.join(cls.sample_data, "outputs", "trade_history", "discovery",
                                     "live_signals_20261122.json")
        with open(cls.json_path) as f:
            cls.doc = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls._class_tmp.cleanup()
        super().tearDownClass()

    def report(self, *args, env=None):
        r = self.thd("--data-dir", self.sample_data, "report", *args, env=env or self.env)
        self.assert_ok(r)
        return r.stdout

    def html(self, *args):
        text = self.report(self.json_path, "--format", "html", *args)
        return text, Page(text)

    # --- run --report html ---------------------------------------------------------------------

    def test_run_report_html_writes_the_page_beside_the_document_and_prints_its_path(self):
        r = self.run_result
        self.assertEqual(r.returncode, 0, r.stderr)
        page = self.json_path[:-len(".json")] + ".html"
        self.assertEqual(r.stdout.strip().splitlines()[-1], page)
        self.assertIn("report: " + page, r.stderr)
        with open(page) as f:
            written = f.read()
        self.assertTrue(written.startswith("<!DOCTYPE html>"))
        # The page run wrote is the page report renders from the same document.
        self.assertEqual(written, self.report(self.json_path, "--format", "html"))

    def test_run_report_markdown_and_a_bad_report_format(self):
        out = os.path.join(self.tmp, "doc.json")
        r = self.thd("--data-dir", self.sample_data, "--cache-dir", os.path.join(self.tmp, "c"), "run",
                     "--portfolio", "live_signals", "--offline", "--output", out, "--report", "markdown")
        self.assert_ok(r)
        self.assertEqual(r.stdout.strip(), os.path.join(self.tmp, "doc.md"))
        with open(os.path.join(self.tmp, "doc.md")) as f:
            self.assertTrue(f.read().startswith("# Discovery: live\\_signals (2026-11-22)"))
        r = self.thd("run", "--portfolio", "live_signals", "--report", "pdf")
        self.assert_error(r, 2, "--report")
        r = self.thd("--data-dir", self.sample_data, "run", "--portfolio", "live_signals", "--offline", "--output",
                     "-", "--report", "html")
        self.assert_error(r, 2, "--report", "--output -")
        r = self.thd("--data-dir", self.sample_data, "run", "--portfolio", "live_signals", "--offline", "--output",
                     os.path.join(self.tmp, "doc.md"), "--report", "markdown")
        self.assert_error(r, 2, "would replace the document")

    # --- the HTML contract ---------------------------------------------------------------------

    def test_html_is_one_self_contained_page_with_the_contracts_structure(self):
        text, page = self.html()
        self.assertTrue(text.startswith("<!DOCTYPE html>\n<html lang=\"en\">"))
        self.assertFalse(page.script)
        self.assertNotIn("<script", text.lower())
        csp = [page.elements[i][1]["content"] for i in page.find("meta", http_equiv="Content-Security-Policy")]
        self.assertEqual(csp, [CSP])
        for forbidden in ("<link", "<img", "<iframe", "url(", "@import", "http://", "https://", "src=", "href="):
            self.assertNotIn(forbidden, text, forbidden)
        styles = page.find("style")
        self.assertEqual(len(styles), 1)
        self.assertIn("@media (prefers-color-scheme: dark)", page.text(styles[0]))
        self.assertIn("@media print", page.text(styles[0]))
        self.assertEqual(page.text(page.find("title")[0]), "Discovery: live_signals (2026-11-22)")
        sections = [page.elements[i][1].get("id") for i in page.find("section")]
        self.assertEqual(sections, SECTIONS)
        for i in page.find("section"):
            self.assertEqual(page.elements[i + 1][0], "h2", page.elements[i][1])
        footer = page.find("footer", id="provenance")
        self.assertEqual(len(footer), 1)
        self.assertGreater(footer[0], page.find("section", id="data-quality")[0])
        self.assertIn(self.json_path, page.text(footer[0]))

    def test_every_chart_has_an_svg_with_a_title_first_or_says_why_not(self):
        _, page = self.html()
        for chart in CHARTS:
            found = page.find("figure", id=chart)
            self.assertEqual(len(found), 1, chart)
            i = found[0]
            svg = i + 1 if page.elements[i + 1][0] == "svg" else None
            if svg is None:
                self.assertTrue(page.text(i), chart + ": no svg and no reason")
                continue
            self.assertEqual(page.elements[svg][1].get("role"), "img")
            self.assertEqual(page.elements[svg + 1][0], "title", chart)
            self.assertTrue(page.text(svg + 1))
        for i in page.find("svg"):
            self.assertEqual(page.elements[i + 1][0], "title")

    def test_headline_figures_are_the_documents_numbers(self):
        _, page = self.html()
        d = self.doc
        pm = d["performance_metrics"]
        expected = {"total_trades": d["portfolio_summary"]["total_trades"], "win_rate": pm["win_rate"],
                    "profit_factor": pm["profit_factor"], "expectancy": pm["expectancy"],
                    "total_pnl": pm["total_pnl"],
                    "max_drawdown": d.get("trade_analysis", {}).get("drawdown", {}).get("max"),
                    "coverage": d["fundamental_integration"]["coverage"]["ratio"]}
        figures = {page.elements[i][1]["data-figure"]: i for i in page.find(None) if "data-figure" in page.elements[i][1]}
        self.assertEqual(sorted(figures), sorted(expected))
        for name, value in expected.items():
            raw = page.elements[figures[name]][1]["data-value"]
            self.assertEqual(json.loads(raw), value, name)
        self.assertIn(money(pm["total_pnl"]), page.text(figures["total_pnl"]))
        self.assertIn(pct(pm["win_rate"]), page.text(figures["win_rate"]))
        self.assertIn(pct(d["fundamental_integration"]["coverage"]["ratio"]), page.text(figures["coverage"]))
        self.assertIn(str(d["portfolio_summary"]["total_trades"]), page.text(figures["total_trades"]))

    def test_tables_show_the_documents_figures(self):
        text, _ = self.html()
        rows = {}
        for tr in re.findall(r"<tr>(.*?)</tr>", text, re.S):
            cells = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split())
                     for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
            if cells:
                rows.setdefault(cells[0], []).append(cells)
        for ticker, p in self.doc["ticker_performance"].items():
            row = next(r for r in rows[ticker] if len(r) == 10 and r[1] == str(p["trades"]))
            self.assertEqual(row[8], money(p["total_pnl"]), ticker)
            self.assertEqual(row[6], pct(p["win_rate"]), ticker)
        for position in self.doc["active_positions"]:
            row = next(r for r in rows[position["ticker"]] if len(r) == 10 and r[1] == position["strategy"])
            market = self.doc["tickers"][position["ticker"]]["market"]
            self.assertEqual(row[5], "{:,.2f} network now".format(Decimal(repr(market["price"]))), row)
            self.assertEqual(row[3], str(position["days_held"]))

    def test_provenance_badges_carry_source_and_age(self):
        text, page = self.html()
        badges = [page.elements[i][1]["class"] for i in page.find("span") if "badge" in page.elements[i][1].get("class", "")]
        self.assertTrue(badges)
        for cls in badges:
            self.assertRegex(cls, r"^badge src-(local|cache|network|stale|missing)$")
        self.assertIn("src-local", " ".join(badges))
        # BTC-USD has no company profile: its sector is missing, and says why.
        self.assertRegex(text, r'<span class="badge src-missing" title="not requested: crypto has no company '
                               r'profile">missing: not requested: crypto has no company profile</span>')

    def test_a_day_later_offline_the_badges_say_cache_and_stale_with_their_age(self):
        # The same cache a day later, offline: quotes (TTL 900 s) are served stale, profiles (7 days) from the cache.
        out = os.path.join(self.tmp, "later.json")
        cache = os.path.join(self.tmp, "cache-copy")
        shutil.copytree(self.cache_dir, cache)
        env = dict(self.env, THD_NOW="2026-11-23T12:00:00Z")
        self.assert_ok(self.thd("--data-dir", self.sample_data, "--cache-dir", cache, "run", "--portfolio",
                                "live_signals", "--offline", "--output", out, env=env))
        with open(out) as f:
            doc = json.load(f)
        self.assertEqual(doc["tickers"]["AAPL"]["market"]["provenance"]["source"], "stale_cache")
        self.assertEqual(doc["tickers"]["AAPL"]["profile"]["provenance"]["source"], "cache")
        text = self.report(out, "--format", "html", env=env)
        price = "{:,.2f}".format(Decimal(repr(doc["tickers"]["AAPL"]["market"]["price"])))
        self.assertRegex(text, re.escape(price) + r'<span class="badge src-stale" title="stale, fetched 1 d before '
                                                  r'the document[^"]*">stale 1 d</span>')
        self.assertRegex(text, r'technology<span class="badge src-cache" title="cache, fetched 1 d before the '
                               r'document">cache 1 d</span>')
        self.assertIn("[stale 1 d]", self.report(out, env=env))

    def test_table_fits_100_columns_and_markdown_escapes(self):
        table = self.report(self.json_path)
        for line in table.splitlines():
            self.assertLessEqual(len(line), 100, line)
        pm = self.doc["performance_metrics"]
        self.assertIn(money(pm["total_pnl"]), table)
        self.assertIn(pct(pm["win_rate"]), table)
        md = self.report(self.json_path, "--format", "markdown")
        self.assertTrue(md.startswith("# Discovery: live\\_signals (2026-11-22)\n"))
        self.assertIn("| Total PnL | " + money(pm["total_pnl"]).replace("$", "\\$") + " |", md)
        for title in ("## Headline", "## Charts", "## Open positions", "## Per-ticker performance",
                      "## Per-strategy performance", "## Market context", "## Research coverage", "## Data quality",
                      "## Where every figure came from"):
            self.assertIn("\n" + title + "\n", md)
        self.assertLess(md.index("## Headline"), md.index("## Data quality"))

    def test_format_from_the_output_name_and_the_file_replaced_whole(self):
        md = os.path.join(self.tmp, "out", "r.md")
        page = os.path.join(self.tmp, "r.html")
        r = self.thd("report", self.json_path, "--output", md, env=self.env)
        self.assert_ok(r)
        self.assertIn("wrote " + md, r.stderr)
        with open(md) as f:
            self.assertTrue(f.read().startswith("# Discovery"))
        self.assert_ok(self.thd("report", self.json_path, "--output", page, env=self.env))
        with open(page) as f:
            self.assertTrue(f.read().startswith("<!DOCTYPE html>"))
        with open(page) as f:
            before = f.read()
        r = self.thd("report", os.path.join(self.tmp, "nope.json"), "--output", page, env=self.env)
        self.assert_error(r, 3, "nope.json", "does not exist")
        with open(page) as f:
            self.assertEqual(f.read(), before)  # an error leaves the earlier file intact
        self.assertEqual(sorted(f for f in os.listdir(self.tmp) if f != "data"), ["out", "r.html"])
        r = self.thd("report", self.json_path, "--output", self.tmp, env=self.env)
        self.assert_error(r, 2, "not a regular file")

    def test_report_makes_no_network_call(self):
        self.server.reset()
        for fmt in ("table", "markdown", "html"):
            self.report(self.json_path, "--format", fmt)
        self.report("--portfolio", "live_signals")
        self.assertEqual(self.server.stats()["requests_total"], 0)

    # --- older and newer documents ---------------------------------------------------------------

    def write_doc(self, doc, name="doc.json"):
        return write_file(os.path.join(self.tmp, name), json.dumps(doc, indent=1))

    def test_a_document_without_the_new_statistics_says_so_instead_of_failing(self):
        old = copy.deepcopy(self.doc)
        for key in ("trade_analysis", "strategy_performance"):
            old.pop(key, None)
        for key in ("average_win_duration_days", "average_loss_duration_days"):
            old["performance_metrics"].pop(key, None)
        path = self.write_doc(old)
        text, page = self.html_of(path)
        dd = next(i for i in page.find("div") if page.elements[i][1].get("data-figure") == "max_drawdown")
        self.assertEqual(page.elements[dd][1]["data-value"], "null")
        self.assertIn("not in this document", page.text(dd))
        equity = page.find("figure", id="chart-equity")[0]
        self.assertNotEqual(page.elements[equity + 1][0], "svg")
        self.assertIn("not in this document", page.text(equity))
        self.assertIn("not in this document", self.report(path))
        self.assertIn("not in this document", self.report(path, "--format", "markdown"))

    def html_of(self, path):
        text = self.report(path, "--format", "html")
        return text, Page(text)

    def test_the_new_statistics_are_rendered(self):
        new = copy.deepcopy(self.doc)
        new["trade_analysis"] = {
            "exit_order": {"trades": 3, "without_exit_date": 0},
            "equity_curve": {"trades": 3, "points_total": 3, "downsampled": False,
                             "points": [["2025-02-24", 996.45], ["2025-03-10", -341.65], ["2025-04-21", 2000]]},
            "drawdown": {"max": 1338.1, "max_relative": 1.3429, "max_relative_reason": None,
                         "peak_date": "2025-02-24", "trough_date": "2025-03-10", "recovery_date": "2025-04-21",
                         "longest_days": 56, "longest_start": "2025-02-24", "longest_end": "2025-04-21",
                         "longest_recovered": True, "current": 0},
            "streaks": {"longest_winning": 7, "longest_losing": 3, "current_kind": "win", "current_length": 2},
            "excursions": {"trades": 36, "average_mfe": 0.12, "average_mae": 0.04, "average_exit_efficiency": 0.61,
                           "winners_with_mfe": 26, "winners_gave_back_half": 5, "gave_back_half_share": 0.1923},
            "monthly_pnl": [{"month": "2025-02", "pnl": 996.45, "trades": 1},
                            {"month": "2025-03", "pnl": -1338.1, "trades": 1}],
            "sqn": {"value": 2.41, "trades": 36, "mean_return": 0.1196, "stdev_return": 0.17, "reason": None},
            "return_distribution": {"bin_width": 0.05, "trades": 3, "bins": [
                {"from": -0.2, "to": -0.15, "wins": 0, "losses": 1, "breakevens": 0},
                {"from": 0.1, "to": 0.15, "wins": 2, "losses": 0, "breakevens": 0}]}}
        new["strategy_performance"] = {name: {"closed_trades": 1, "wins": 1, "losses": 0, "breakevens": 0,
                                              "win_rate": 1, "profit_factor": None, "expectancy": 0.1,
                                              "total_pnl": 1234.5 if name != "SMA" else -99.995,
                                              "average_duration_days": 10}
                                       for name in self.doc["strategy_distribution"]}
        path = self.write_doc(new)
        text, page = self.html_of(path)
        dd = next(i for i in page.find("div") if page.elements[i][1].get("data-figure") == "max_drawdown")
        self.assertEqual(page.elements[dd][1]["data-value"], "1338.1")
        self.assertIn("$1,338.10", page.text(dd))
        for chart in ("chart-equity", "chart-returns", "chart-strategies"):
            self.assertEqual(page.elements[page.find("figure", id=chart)[0] + 1][0], "svg", chart)
        self.assertIn('class="drawdown"', text)
        self.assertIn('class="win"', text)
        self.assertIn('class="loss"', text)
        self.assertIn("-$1,338.10", text)  # March's PnL
        self.assertIn("-$100.00", text)  # -99.995 rounded half away from zero: SMA's total PnL
        self.assertIn("2.41 (N = 36)", text)
        self.assertIn("Return distribution: 2 wins, 1 loss and 0 breakevens in bins of 5%", text)
        self.assertIn("19.2% (5 of 26)", text)
        table = self.report(path)
        self.assertIn("Max drawdown              $1,338.10", table)
        for line in table.splitlines():
            self.assertLessEqual(len(line), 100, line)

    def test_a_current_losing_streak_reads_losses(self):
        for kind, length, words in (("loss", 3, "3 losses"), ("loss", 1, "1 loss"), ("win", 2, "2 wins"),
                                    ("win", 1, "1 win")):
            with self.subTest(kind=kind, length=length):
                new = copy.deepcopy(self.doc)
                new["trade_analysis"] = {"streaks": {"longest_winning": 7, "longest_losing": 3,
                                                     "current_kind": kind, "current_length": length}}
                path = self.write_doc(new)
                for fmt in ("table", "markdown", "html"):
                    text = self.report(path, "--format", fmt)
                    self.assertIn(words, text)
                    self.assertNotIn("losss", text)

    def hostile_documents(self):
        """The review's documents (issue 13), made from the sample's: stale badges in every number
        column, a provider's 400-character refusal, a hostile portfolio name, wide strategy names,
        a one-megabyte word and long paths."""
        docs = {}
        stale = copy.deepcopy(self.doc)
        for i, ticker in enumerate(stale["tickers"].values()):
            for part in ticker.values():
                if i % 2 and isinstance(part, dict) and isinstance(part.get("provenance"), dict) and \
                        part["provenance"].get("source") in ("network", "cache"):
                    part["provenance"].update(source="stale_cache", age_seconds=2419200 + i * 86400,
                                              reason="offline; expired cache entry")
        docs["mixed"] = stale
        quota = copy.deepcopy(self.doc)
        refusal = ("fmp: daily quota spent (HTTP 429: Limit Reach . Please upgrade your plan or visit our "
                   "documentation for more details at); it resets at 00:00 UTC; not sent; alpha_vantage: daily "
                   "quota spent (HTTP 200: Alpha Vantage: Thank you for using Alpha Vantage! Our standard API rate "
                   "limit is 25 requests per day. Please subscribe to any of the premium plans at to instantly "
                   "remove all...); it resets at 00:00 UTC; not sent")
        for ticker in quota["tickers"].values():
            for part in ticker.values():
                if isinstance(part, dict) and isinstance(part.get("provenance"), dict):
                    part["provenance"].update(source="missing", service=None, fetched_at=None, age_seconds=None,
                                              reason=refusal)
        docs["quota"] = quota
        strings = copy.deepcopy(self.doc)
        hostile = "<img src=x onerror=alert(1)>\"'&|`*_[x](http://e.example/)\n# head\r\n\x1b]0;pwned\x07\x1b[31mRED"
        strings["portfolio"]["name"] = hostile
        strings["portfolio"]["file"] = "/" + "long-directory-name/" * 12 + "x.csv"
        strings["discovery_metadata"]["data_source"] = strings["portfolio"]["file"]
        strings["discovery_metadata"]["tool_version"] = hostile
        docs["strings"] = strings
        wide = copy.deepcopy(self.doc)
        name = "\u682a\u5f0f\u4f1a\u793e\u30c8\u30e8\u30bf\u81ea\u52d5\u8eca\U0001f4c8\U0001f4c8" * 3
        old = next(iter(wide["strategy_distribution"]))
        wide["strategy_distribution"][name] = wide["strategy_distribution"].pop(old)
        for p in wide["active_positions"]:
            p["strategy"] = name[:12]
        docs["wide"] = wide
        big = copy.deepcopy(self.doc)
        big["portfolio"]["file"] = "/" + "A" * 200000 + ".csv"
        docs["mb"] = big
        return docs

    def test_every_line_of_the_table_fits_100_columns_for_hostile_documents(self):
        for name, doc in self.hostile_documents().items():
            with self.subTest(doc=name):
                path = self.write_doc(doc, name + ".json")
                text = self.report(path)
                wide = [(columns(line), line[:120]) for line in text.splitlines() if columns(line) > 100]
                self.assertEqual(wide, [])
        stale = self.report(self.write_doc(self.hostile_documents()["mixed"], "m.json"))
        self.assertRegex(stale, r"\d [\\[](stale|net)")  # the number whole, its badge (clipped or not) after it

    def test_provider_fundamentals_and_profiles_are_shown_with_their_sources(self):
        doc = copy.deepcopy(self.doc)
        tickers = sorted(doc["tickers"])
        served, refused = tickers[0], tickers[1]
        net = {"source": "network", "service": "fmp", "fetched_at": "2026-11-22T12:00:00Z", "age_seconds": 0,
               "reason": None}
        doc["tickers"][served]["fundamentals"] = {"file": None, "pe_ratio": 27.94, "eps": 3.47,
                                                  "analyst_target": 120.08, "provenance": net}
        doc["tickers"][served]["profile"] = {"name": "Served Corp", "sector": "technology",
                                             "industry": "Widgets & Co", "market_cap": 200168280000,
                                             "provenance": net}
        reason = "fmp: daily quota spent (HTTP 429); it resets at 00:00 UTC"
        doc["tickers"][refused]["fundamentals"] = {
            "file": None, "pe_ratio": None, "eps": None, "analyst_target": None,
            "provenance": {"source": "missing", "service": None, "fetched_at": None, "age_seconds": None,
                           "reason": reason}}
        path = self.write_doc(doc)
        table = self.report(path)
        block = table[table.index("Company profiles and provider fundamentals"):]
        row = next(line for line in block.splitlines() if line.strip().startswith(served + " "))
        for figure in ("Served Corp", "$200.17B", "27.94", "3.47", "120.08"):
            self.assertIn(figure, row)
        row = next(line for line in block.splitlines() if line.strip().startswith(refused + " "))
        self.assertIn("missing [", row)
        self.assertNotIn("none", row)
        self.assertIn("missing: " + reason, block)
        md = self.report(path, "--format", "markdown")
        self.assertIn("| 27.94 _(network, now)_ | 3.47 | 120.08 |", md)
        self.assertIn("Widgets &amp; Co", md)
        text, page = self.html_of(path)
        self.assertIn("27.94", text)
        self.assertIn("Served Corp", text)
        self.assertIn('title="%s">missing: %s</span>' % (reason, reason), text)

    def test_the_fair_value_labels_fit_the_chart(self):
        text = self.report(self.json_path, "--format", "html")
        chart = text[text.index('id="chart-fair-value"'):]
        chart = chart[:chart.index("</svg>")]
        labels = re.findall(r'<text class="label" x="([\d.]+)" y="[\d.]+" text-anchor="start">([^<]*)</text>', chart)
        self.assertTrue(labels)
        for x, label in labels:
            # 11 px digits are at most 6.5 px wide
            self.assertLessEqual(float(x) + 6.5 * len(html.unescape(label)), 640, label)
        self.assertIn(" vs 1,020–1,180</text>", chart)  # COST's whole range, no ".00"

    # --- --portfolio and errors ----------------------------------------------------------------

    def test_portfolio_picks_the_newest_document_by_the_date_in_its_name(self):
        data = os.path.join(self.tmp, "d")
        folder = os.path.join(data, "outputs", "trade_history", "discovery")
        for date, mtime in (("20261101", 3000000000), ("20261120", 1000000000), ("20261105", 2000000000)):
            doc = copy.deepcopy(self.doc)
            doc["discovery_metadata"]["run_date"] = date[:4] + "-" + date[4:6] + "-" + date[6:]
            write_file(os.path.join(folder, "pf_%s.json" % date), json.dumps(doc), mtime=mtime)
        write_file(os.path.join(folder, "pf_other_20261130.json"), json.dumps(self.doc))
        write_file(os.path.join(folder, "pf.json"), "not even json")
        r = self.thd("--data-dir", data, "report", "--portfolio", "pf", "--format", "html", env=self.env)
        self.assert_ok(r)
        self.assertIn("<title>Discovery: live_signals (2026-11-20)</title>", r.stdout)
        r = self.thd("--data-dir", data, "report", "--portfolio", "nope", env=self.env)
        self.assert_error(r, 3, "no discovery document of portfolio 'nope'", folder, "pf, pf_other")
        r = self.thd("--data-dir", os.path.join(self.tmp, "empty"), "report", "--portfolio", "pf", env=self.env)
        self.assert_error(r, 3, "does not exist", "run --portfolio pf")
        r = self.thd("--data-dir", data, "report", "--portfolio", "../pf", env=self.env)
        self.assert_error(r, 2, "not a portfolio name")

    def test_bad_input_is_one_line_and_an_exit_code(self):
        not_json = write_file(os.path.join(self.tmp, "bad.json"), "{\"portfolio\": ")
        inventory = write_file(os.path.join(self.tmp, "inv.json"), json.dumps({"fundamental_analysis": {}}))
        array = write_file(os.path.join(self.tmp, "array.json"), "[1, 2]")
        cases = [
            (("report", not_json), 3, ["bad.json", "is not valid JSON"]),
            (("report", inventory), 3, ["inv.json", "is not a discovery document"]),
            (("report", array), 3, ["array.json", "is not a discovery document"]),
            (("report", os.path.join(self.tmp, "missing.json")), 3, ["missing.json", "does not exist"]),
            (("report", self.tmp), 3, ["is a directory"]),
            (("report",), 2, ["FILE.json", "--portfolio"]),
            (("report", self.json_path, "--portfolio", "live_signals"), 2, ["--portfolio"]),
            (("report", self.json_path, "--format", "pdf"), 2, ["--format"]),
        ]
        for args, code, needles in cases:
            with self.subTest(args=args):
                self.assert_error(self.thd(*args, env=self.env), code, *needles)


    def test_the_output_is_never_the_document_being_read(self):
        folder = os.path.join(self.tmp, "d", "outputs", "trade_history", "discovery")
        doc = write_file(os.path.join(folder, "pf_20261122.json"), json.dumps(self.doc))
        link = os.path.join(self.tmp, "link.json")
        os.symlink(doc, link)
        with open(doc) as f:
            before = f.read()
        cases = [
            ("report", doc, "--output", doc),
            ("report", doc, "--output", link),
            ("report", link, "--output", doc),
            ("report", "./pf_20261122.json", "--output", "pf_20261122.json", "--format", "html"),
            ("report", "pf_20261122.json", "--output", os.path.join(folder, "..", "discovery", "pf_20261122.json")),
            ("--data-dir", os.path.join(self.tmp, "d"), "report", "--portfolio", "pf", "--output", doc),
        ]
        for args in cases:
            with self.subTest(args=args):
                r = self.thd(*args, env=self.env, cwd=folder)
                self.assert_error(r, 2, "--output", "is the document being read")
                with open(doc) as f:
                    self.assertEqual(f.read(), before)
                self.assertTrue(os.path.islink(link))

    def test_only_a_regular_file_of_bounded_size_is_read(self):
        fifo = os.path.join(self.tmp, "fifo.json")
        os.mkfifo(fifo)
        big = os.path.join(self.tmp, "big.json")
        with open(big, "w") as f:
            f.truncate((256 << 20) + 1)  # sparse
        for path, needle in (("/dev/zero", "not a regular file"), (fifo, "not a regular file"),
                             (big, "larger than 256 MiB")):
            with self.subTest(path=path):
                self.assert_error(self.thd("report", path, env=self.env, timeout=20), 3, path, needle)

    def test_portfolio_passes_over_what_is_not_a_readable_regular_file(self):
        data = os.path.join(self.tmp, "d")
        folder = os.path.join(data, "outputs", "trade_history", "discovery")
        doc = copy.deepcopy(self.doc)
        doc["discovery_metadata"]["run_date"] = "2026-11-05"
        write_file(os.path.join(folder, "pf_20261105.json"), json.dumps(doc))
        os.symlink(os.path.join(folder, "gone.json"), os.path.join(folder, "pf_20261130.json"))
        os.makedirs(os.path.join(folder, "pf_20261129.json"))
        os.mkfifo(os.path.join(folder, "pf_20261128.json"))
        r = self.thd("--data-dir", data, "report", "--portfolio", "pf", "--format", "html", env=self.env,
                     timeout=20)
        self.assert_ok(r)
        self.assertIn("<title>Discovery: live_signals (2026-11-05)</title>", r.stdout)

class HostileInput(PortfolioTestCase):
    """Strings from the CSV reach the report as text, never as markup."""

    CSV = ("Position_UUID,Ticker,Strategy_Type,Entry_Timestamp,Exit_Timestamp,PnL,Return,Status\n"
           "U1,AAPL,<script>alert(1)</script>,2025-01-02,2025-01-10,100,0.1,Closed\n"
           "U2,<img src=x onerror=alert(1)>,SMA,2025-01-03,2025-01-12,50,0.05,Closed\n"
           "U3,MSFT,\"<b onmouseover='x'>&amp;\",2025-02-01,,,,Open\n")

    def test_tickers_and_strategy_names_are_escaped_in_every_format(self):
        self.write_csv(self.CSV)
        out = os.path.join(self.tmp, "doc.json")
        r = self.thd("--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio", "pf", "--offline",
                     "--output", out, "--report", "html")
        self.assert_ok(r)
        with open(out) as f:
            doc = json.load(f)
        issues = json.dumps(doc["data_quality_assessment"]["issues"])
        self.assertIn("<img src=x onerror=alert(1)>", issues)  # the CSV row lands in the data-quality issues
        self.assertIn("<script>alert(1)</script>", doc["strategy_distribution"])
        with open(os.path.join(self.tmp, "doc.html")) as f:
            html = f.read()
        page = Page(html)
        self.assertFalse(page.script)
        self.assertEqual(page.find("img"), [])
        self.assertEqual(page.find("b"), [])
        self.assertNotIn("<script>", html)
        self.assertNotIn("<img", html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", html)
        self.assertIn("&lt;b onmouseover=&#39;x&#39;&gt;&amp;amp;", html)
        # Inert in the SVG too (the strategy bars), and the text reads as the CSV wrote it.
        strategy_chart = html[html.index('id="chart-strategies"'):html.index('id="chart-fair-value"')]
        self.assertIn("&lt;script&gt;", strategy_chart)
        self.assertIn("<script>alert(1)</script>", " ".join(page.text(i) for i in page.find("td")))
        md = self.thd("report", out, "--format", "markdown")
        self.assert_ok(md)
        self.assertNotIn("<script>", md.stdout)
        self.assertNotIn("<img", md.stdout)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", md.stdout)
        table = self.thd("report", out)
        self.assert_ok(table)
        self.assertIn("<script>alert(1)</script>", table.stdout)  # a terminal shows it as the text it is

    def test_run_report_that_cannot_be_written_keeps_the_document_and_says_so(self):
        # The report's path is taken by a directory: the run itself is complete, its document is
        # written and kept, and the one error line names the report (not --output, which was not
        # given) and says the document was written: exit 3 (an unwritable output), README.
        self.write_csv(self.CSV)
        out_dir = os.path.join(self.data, "outputs", "trade_history", "discovery")
        os.makedirs(os.path.join(out_dir, "pf_20261122.html"))
        r = self.thd("--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio", "pf", "--offline",
                     "--report", "html")
        doc = os.path.join(out_dir, "pf_20261122.json")
        self.assert_error(r, 3, "wrote " + doc + ", but not its report", "pf_20261122.html",
                          "not a regular file")
        self.assertNotIn("--output", r.stderr)
        with open(doc) as f:
            self.assertEqual(json.load(f)["portfolio"]["name"], "pf")

    def test_run_report_compares_the_reports_real_path_with_the_output(self):
        self.write_csv(self.CSV)
        base = ["--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio", "pf", "--offline"]
        htm = os.path.join(self.tmp, "doc.htm")
        self.assert_ok(self.thd(*base, "--output", htm, "--report", "html"))
        with open(htm) as f:
            self.assertIn("portfolio_summary", json.load(f))  # the document, not the page
        with open(os.path.join(self.tmp, "doc.html")) as f:
            self.assertTrue(f.read().startswith("<!DOCTYPE html>"))
        md = os.path.join(self.tmp, "doc.markdown")
        self.assert_ok(self.thd(*base, "--output", md, "--report", "markdown"))
        self.assertTrue(os.path.exists(os.path.join(self.tmp, "doc.md")))
        for out, fmt in (("x.html", "html"), ("x.md", "markdown")):
            with self.subTest(out=out):
                self.assert_error(self.thd(*base, "--output", os.path.join(self.tmp, out), "--report", fmt), 2,
                                  "would replace the document")

    def test_a_document_with_a_pnl_beyond_64_bits_is_readable_by_the_report(self):
        self.write_csv("Position_UUID,Ticker,Strategy_Type,Entry_Timestamp,Exit_Timestamp,PnL,Return,Status\n"
                       "U1,AAPL,SMA,2025-01-02,2025-01-10,98765432109876543488,0.1,Closed\n"
                       "U2,MSFT,SMA,2025-01-03,2025-01-12,-98765432109876543488,-0.05,Closed\n")
        out = os.path.join(self.tmp, "doc.json")
        r = self.thd("--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio", "pf", "--offline",
                     "--output", out, "--report", "html")
        self.assert_ok(r)
        with open(out) as f:
            text = f.read()
        self.assertNotIn("98765432109876543488", text)
        self.assertIn("9.876543210987654e+19", text)
        self.assertTrue(os.path.exists(os.path.join(self.tmp, "doc.html")))
        for fmt in ("table", "markdown", "html"):
            self.assert_ok(self.thd("report", out, "--format", fmt))

    def test_a_missing_market_figure_shows_its_reason(self):
        self.write_csv(self.CSV)
        out = os.path.join(self.tmp, "doc.json")
        self.assert_ok(self.thd("--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio", "pf",
                                "--offline", "--output", out))
        with open(out) as f:
            reason = json.load(f)["tickers"]["MSFT"]["market"]["provenance"]["reason"]
        self.assertTrue(reason)
        html = self.thd("report", out, "--format", "html").stdout
        escaped = reason.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
        self.assertIn('<span class="badge src-missing" title="%s">missing: %s</span>' % (escaped, escaped), html)
        table = self.thd("report", out).stdout
        self.assertIn("missing [1]", table)
        self.assertIn("[1] missing: " + reason, table)


if __name__ == "__main__":
    unittest.main()
