"""The HTML report in a real browser (issue 13, "Tested in a real browser"): Debian's chromium,
headless, renders the report of the sample run (`live_signals` against the fake services).

- `--dump-dom` finds every section of the contract and every headline figure, whose `data-value`
  is the number exactly as the discovery document writes it;
- `--screenshot` gives a PNG of the window's size that is not blank (decoded here: zlib and the
  PNG filters, standard library only);
- the page makes no network request: every chromium here runs behind a proxy on loopback that
  records each request and answers 502 (`--proxy-server`, and `--proxy-bypass-list=<-loopback>`
  so that loopback addresses go through it too); a page of this test's own with an image on
  127.0.0.2 is the positive control (the recorder sees it). Nothing leaves 127.0.0.0/8;
- a ticker `<img src=x onerror=alert(1)>` and a strategy `<script>...` show as text and run
  nothing;
- tests/cli/htmlcheck.py validates every report (well-formed, CSP, no script, titled SVGs, ...);
- nice to have: the dark colour scheme (`--force-dark-mode`) darkens the page; the print
  stylesheet gives a PDF.

Chromium starts in about 1.5 s here; the suite launches it 6 times and reuses each dump for
several checks (docs/CI.md). The contract the report follows: the HTML contract of issue 13
(the sections, `data-figure`/`data-value`, the chart ids, the badges).
"""

import os
import re
import shutil
import signal
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import html.parser
import pathlib
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import htmlcheck  # noqa: E402
from thdtest import BIN, SERVICES, SOURCE, clean_env, strict_loads  # noqa: E402

RUN_DATE = "20261122"           # thdtest.NOW_ISO
RUN_DAY = "2026-11-22"
CHROMIUM_TIMEOUT = 60           # seconds per launch; the whole process group is killed after it
WINDOW = (1280, 2000)

KEYS = {"FMP_API_KEY": "MARKERfmp7731", "ALPHA_VANTAGE_API_KEY": "MARKERav8842", "FRED_API_KEY": "MARKERfred9953",
        "COINGECKO_API_KEY": "MARKERcg1064"}

# Chromium's own background services, which it calls whatever the page: the component updater (an
# on-demand install of the optimization guide's model manifest, even with --disable-component-update),
# its clock check and a preconnect to the sign-in origin. They reach the recorder (502) and are counted
# apart; any other request fails the test. The flags below silence the rest (the clock check:
# NetworkTimeServiceQuerying); with chromium 156 the first two hosts were still asked in every launch.
BACKGROUND_HOSTS = {"update.googleapis.com", "accounts.google.com", "clients2.google.com",
                    "clients2.googleusercontent.com", "redirector.gvt1.com", "edgedl.me.gvt1.com",
                    "optimizationguide-pa.googleapis.com", "content-autofill.googleapis.com"}

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu",
    # fewer background requests and no first-run work
    "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--no-pings", "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,OptimizationGuideModelDownloading,"
    "OptimizationHintsFetching,OptimizationGuideOnDeviceModel,MediaRouter,Translate",
    # the same rendering on every machine
    "--force-color-profile=srgb", "--hide-scrollbars", "--force-device-scale-factor=1",
]


class Recorder:
    """A proxy on 127.0.0.1 that records every request line (CONNECT, GET, ...) and answers 502."""

    def __init__(self):
        requests, lock = [], threading.Lock()

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                try:
                    line = self.rfile.readline(65536).decode("latin-1").strip()
                    while True:
                        header = self.rfile.readline(65536)
                        if not header or header in (b"\r\n", b"\n"):
                            break
                    with lock:
                        requests.append(line)
                    self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._requests, self._lock = requests, lock
        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def take(self):
        """The request lines recorded since the last take()."""
        with self._lock:
            out = list(self._requests)
            del self._requests[:]
        return out

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def request_host(line):
    """`CONNECT host:443 HTTP/1.1` or `GET http://host:port/path HTTP/1.1` -> host."""
    parts = line.split()
    if len(parts) < 2:
        return None
    target = parts[1]
    if "://" in target:
        target = target.split("://", 1)[1].split("/", 1)[0]
    return target.rsplit(":", 1)[0] if re.search(r":\d+$", target) else target


def split_requests(lines):
    """(requests the page could have made, Chromium's own background requests)."""
    page = [line for line in lines if request_host(line) not in BACKGROUND_HOSTS]
    return page, [line for line in lines if line not in page]


class Chromium:
    """chromium --headless behind the recorder, a fresh profile per launch, killed after the timeout."""

    def __init__(self, workdir, recorder):
        self.exe = shutil.which("chromium")
        self.workdir = workdir
        self.recorder = recorder
        self.launches = 0

    def run(self, url, *flags):
        """Runs chromium on `url`; returns (stdout bytes, request lines recorded during the launch)."""
        if not self.exe:
            raise AssertionError("chromium is not installed (scripts/lib/deps.sh installs it: ./scripts/test)")
        self.launches += 1
        profile = os.path.join(self.workdir, "profile-%d" % self.launches)
        argv = [self.exe] + CHROMIUM_FLAGS + [
            "--user-data-dir=" + profile,
            "--proxy-server=http://127.0.0.1:%d" % self.recorder.port,
            "--proxy-bypass-list=<-loopback>",
        ] + list(flags) + [url]
        self.recorder.take()
        # Its own session: the browser's helpers are in one process group, killed together.
        # HOME and the XDG directories in the temp dir too: nothing of chromium's (~/.pki, caches) outside it.
        home = os.path.join(self.workdir, "home")
        env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
                   XDG_CACHE_HOME=os.path.join(home, ".cache"), XDG_DATA_HOME=os.path.join(home, ".local", "share"))
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True, cwd=self.workdir, env=env)
        try:
            out, err = p.communicate(timeout=CHROMIUM_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            raise AssertionError("chromium did not finish in %d s: %s" % (CHROMIUM_TIMEOUT, " ".join(argv)))
        finally:
            try:
                os.killpg(p.pid, signal.SIGKILL)  # a helper left behind, if any
            except ProcessLookupError:
                pass
        # Its stderr is noise (D-Bus, the launcher script) and does not fail a test; its exit does.
        if p.returncode != 0:
            raise AssertionError("chromium exited %d: %s\nstderr (end):\n%s" % (
                p.returncode, " ".join(argv), err.decode(errors="replace")[-3000:]))
        time.sleep(0.2)  # the recorder's threads finish their lines
        return out, self.recorder.take()

    def dump_dom(self, path, *flags):
        out, requests = self.run(pathlib.Path(path).as_uri(), "--dump-dom", *flags)
        return out.decode("utf-8"), requests

    def screenshot(self, path, png, size, *flags):
        _, requests = self.run(pathlib.Path(path).as_uri(), "--screenshot=" + png,
                               "--window-size=%d,%d" % size, *flags)
        return requests


# --- reading what chromium wrote ---

class Dom(html.parser.HTMLParser):
    """The dumped DOM: every element as [tag, attributes, its text (all the text inside it), the tags
    of the elements inside it]."""

    VOID = htmlcheck.VOID

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements = []  # [tag, attrs, text parts]
        self.open = []
        self.feed(text)
        self.close()
        self.text = "".join(p for e in self.elements[:1] for p in e[2])

    def handle_starttag(self, tag, attrs):
        e = [tag, dict((k, v if v is not None else "") for k, v in attrs), [], []]
        for parent in self.open:
            parent[3].append(tag)
        self.elements.append(e)
        if tag not in self.VOID:
            self.open.append(e)

    def handle_startendtag(self, tag, attrs):
        for parent in self.open:
            parent[3].append(tag)
        self.elements.append([tag, dict((k, v if v is not None else "") for k, v in attrs), [], []])

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        for e in self.open:
            e[2].append(data)

    def find(self, tag=None, **attrs):
        return [e for e in self.elements if (tag is None or e[0] == tag)
                and all(e[1].get(k.replace("_", "-")) == v for k, v in attrs.items())]

    @staticmethod
    def text_of(e):
        return " ".join("".join(e[2]).split())


def read_png(path):
    """(width, height, colour type, the pixel rows unfiltered) of an 8-bit non-interlaced PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError("%s is not a PNG" % path)
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or interlace != 0 or ctype not in (2, 6):
        raise AssertionError("unexpected PNG format: depth %d, colour type %d, interlace %d" % (depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    if len(raw) != height * (stride + 1):
        raise AssertionError("PNG data of %d bytes for %dx%d" % (len(raw), width, height))
    low = int.from_bytes(b"\x7f" * stride, "little")
    high = int.from_bytes(b"\x80" * stride, "little")
    prev, rows = bytes(stride), []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], raw[start + 1:start + 1 + stride]
        if kind == 0:
            cur = line
        elif kind == 2:  # Up: (line + prev) mod 256 bytewise, all at once on one big integer
            a, b = int.from_bytes(line, "little"), int.from_bytes(prev, "little")
            cur = (((a & low) + (b & low)) ^ ((a ^ b) & high)).to_bytes(stride, "little")
        else:
            c = bytearray(line)
            if kind == 1:  # Sub
                for i in range(bpp, stride):
                    c[i] = (c[i] + c[i - bpp]) & 255
            elif kind == 3:  # Average
                for i in range(stride):
                    c[i] = (c[i] + (((c[i - bpp] if i >= bpp else 0) + prev[i]) >> 1)) & 255
            elif kind == 4:  # Paeth
                for i in range(stride):
                    a = c[i - bpp] if i >= bpp else 0
                    b = prev[i]
                    d = prev[i - bpp] if i >= bpp else 0
                    p = a + b - d
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - d)
                    c[i] = (c[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else d)) & 255
            else:
                raise AssertionError("PNG filter type %d" % kind)
            cur = bytes(c)
        rows.append(cur)
        prev = cur
    return width, height, bpp, rows


def colours(rows, bpp):
    found = set()
    for r in rows:
        found.update(zip(*(r[i::bpp] for i in range(3))))
    return found


def mean_luminance(rows, bpp):
    total = count = 0
    for r in rows:
        total += sum(r[0::bpp]) * 299 + sum(r[1::bpp]) * 587 + sum(r[2::bpp]) * 114
        count += len(r) // bpp
    return total / count / 1000


# --- the suite ---

class ReportInBrowser(unittest.TestCase):
    """One sample run, its report and a handful of chromium launches for the class; each test checks
    one promise on what they produced (computed once, on first use)."""

    maxDiff = None
    _cache = {}

    @classmethod
    def setUpClass(cls):
        cls.tmp = os.path.realpath(tempfile.mkdtemp(prefix="thd-browser-"))
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.recorder = Recorder()
        cls.addClassCleanup(cls.recorder.stop)
        cls.browser = Chromium(cls.tmp, cls.recorder)
        cls._cache = {}

    @classmethod
    def once(cls, key, make):
        """make() the first time (an exception too is kept and raised again for every test)."""
        if key not in cls._cache:
            try:
                cls._cache[key] = (True, make())
            except BaseException as e:  # noqa: B902: kept, raised again below
                cls._cache[key] = (False, e)
        ok, value = cls._cache[key]
        if not ok:
            raise value
        return value

    @classmethod
    def thd(cls, *args, env=None, cwd=None):
        r = subprocess.run([BIN] + [str(a) for a in args], env=env or clean_env(), cwd=cwd or cls.tmp,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
        if r.returncode != 0:
            raise AssertionError("command: %s\nexit: %d\nstdout:\n%s\nstderr:\n%s" % (
                " ".join(r.args), r.returncode, r.stdout[-3000:], r.stderr[-3000:]))
        return r

    # -- the sample run: fake services, `run --report html`, then `report --format html` --

    @classmethod
    def sample(cls):
        def make():
            from fakeserver import FakeServer
            server = FakeServer()
            try:
                data, cache = os.path.join(cls.tmp, "data"), os.path.join(cls.tmp, "cache")
                for part in ("raw", "outputs"):
                    shutil.copytree(os.path.join(SOURCE, "data", part), os.path.join(data, part),
                                    ignore=shutil.ignore_patterns("trade_history" if part == "outputs" else "-"))
                urls = {"THD_%s_BASE_URL" % s.upper(): "%s/%s" % (server.base, s) for s in SERVICES}
                urls["THD_SEC_EDGAR_TICKERS_URL"] = "%s/sec_edgar/files/company_tickers.json" % server.base
                env = clean_env(**KEYS, **urls, SEC_EDGAR_USER_AGENT="thd-tests tests@example.com")
                cls.thd("--data-dir", data, "--cache-dir", cache, "run", "--portfolio", "live_signals",
                        "--no-progress", env=env)
            finally:
                server.stop()
            stem = os.path.join(data, "outputs", "trade_history", "discovery", "live_signals_" + RUN_DATE)
            with open(stem + ".json", encoding="utf-8") as f:
                text = f.read()
            html_path = os.path.join(cls.tmp, "sample.html")
            cls.thd("report", stem + ".json", "--format", "html", "--output", html_path)
            return {
                "data": data, "cache": cache, "json": stem + ".json", "html": html_path,
                "doc": strict_loads(text),
                # every number as the document writes it: the text of its token
                "raw": strict_loads(text, parse_float=str, parse_int=str),
            }
        return cls.once("sample", make)

    @classmethod
    def sample_dump(cls):
        return cls.once("dump", lambda: cls.browser.dump_dom(cls.sample()["html"]))

    @classmethod
    def sample_screenshot(cls):
        def make():
            png = os.path.join(cls.tmp, "sample.png")
            requests = cls.browser.screenshot(cls.sample()["html"], png, WINDOW)
            return png, requests
        return cls.once("screenshot", make)

    @staticmethod
    def title_of(doc):
        """The contract's <title>: Discovery: <portfolio> (<run date>)."""
        return "Discovery: %s (%s)" % (doc["portfolio"]["name"], doc["discovery_metadata"]["run_date"])

    @classmethod
    def sample_pixels(cls):
        return cls.once("pixels", lambda: read_png(cls.sample_screenshot()[0]))

    # -- the checks --

    def test_htmlcheck_passes_on_the_report_of_the_sample(self):
        s = self.sample()
        with open(s["html"], encoding="utf-8") as f:
            r = htmlcheck.assert_valid(f.read(), s["html"])
        self.assertEqual(r.title, self.title_of(s["doc"]))

    def test_run_report_html_writes_a_valid_report_beside_the_document_and_says_where(self):
        # The sample's data again, offline now (its cache is warm): `run --report html`.
        s = self.sample()
        r = self.thd("--data-dir", s["data"], "--cache-dir", s["cache"], "run", "--portfolio", "live_signals",
                     "--offline", "--report", "html", "--no-progress")
        document, report = s["json"], s["json"][:-len(".json")] + ".html"
        self.assertTrue(os.path.isfile(document))
        self.assertTrue(os.path.isfile(report), "no report beside %s" % document)
        self.assertIn(report, r.stdout + r.stderr)
        with open(document, encoding="utf-8") as f:
            doc = strict_loads(f.read())
        with open(report, encoding="utf-8") as f:
            self.assertEqual(htmlcheck.assert_valid(f.read(), report).title, self.title_of(doc))

    def test_dump_dom_finds_every_section_in_order_and_the_charts(self):
        dom = Dom(self.sample_dump()[0])
        sections = [e[1].get("id") for e in dom.find("section")]
        self.assertEqual([s for s in sections if s in htmlcheck.SECTIONS], htmlcheck.SECTIONS)
        for sid in htmlcheck.SECTIONS:
            section = dom.find("section", id=sid)[0]
            self.assertTrue(Dom.text_of(section), "section %s is empty in the browser" % sid)
        self.assertEqual(len(dom.find("footer", id="provenance")), 1)
        titles = dom.find("title")
        self.assertEqual(Dom.text_of(titles[0]), self.title_of(self.sample()["doc"]))
        for chart in htmlcheck.CHARTS:
            figure = dom.find("figure", id=chart)
            self.assertEqual(len(figure), 1, chart)
            self.assertTrue("svg" in figure[0][3] or Dom.text_of(figure[0]), "%s is empty" % chart)
        for svg in dom.find("svg"):
            self.assertEqual(svg[1].get("role"), "img")
            self.assertEqual(svg[3][:1], ["title"])
        # the sample has closed trades with exit dates and returns: these two charts are drawn
        doc = self.sample()["doc"]
        if doc["trade_analysis"]["equity_curve"]["points"]:
            self.assertIn("svg", dom.find("figure", id="chart-equity")[0][3])
        if doc["trade_analysis"]["return_distribution"]["bins"]:
            self.assertIn("svg", dom.find("figure", id="chart-returns")[0][3])

    def test_dump_dom_headline_figures_carry_the_documents_numbers(self):
        s = self.sample()
        dom = Dom(self.sample_dump()[0])
        headline = dom.elements.index(dom.find("section", id="headline")[0])
        for name in htmlcheck.FIGURES:
            with self.subTest(figure=name):
                found = dom.find(data_figure=name)
                self.assertEqual(len(found), 1, "data-figure=%s in the browser's DOM" % name)
                self.assertGreater(dom.elements.index(found[0]), headline)
                raw = htmlcheck.figure_value(s["raw"], name)
                value = htmlcheck.figure_value(s["doc"], name)
                shown = found[0][1].get("data-value")
                # exactly as the document writes it, and the same number read back
                self.assertEqual(shown, "null" if raw is None else raw)
                self.assertEqual(strict_loads(shown), value)
                self.assertTrue(Dom.text_of(found[0]), "figure %s shows nothing" % name)

    def test_the_report_makes_no_network_request(self):
        for what, requests in (("--dump-dom", self.sample_dump()[1]), ("--screenshot", self.sample_screenshot()[1])):
            page, background = split_requests(requests)
            with self.subTest(launch=what):
                self.assertEqual(page, [], "the report made requests (%s); chromium's own: %s" % (what, background))

    def test_the_recorder_sees_a_page_that_does_fetch(self):
        # The positive control: the same chromium, flags and proxy on a page of our own whose image is
        # on a loopback address (127.0.0.2; not port 9: chromium refuses "unsafe" ports without asking).
        page = os.path.join(self.tmp, "control.html")
        with open(page, "w") as f:
            f.write('<!DOCTYPE html><html lang="en"><head><title>control</title></head><body>'
                    '<img src="http://127.0.0.2:8081/x.png" alt="x"></body></html>')
        _, requests = self.browser.dump_dom(page)
        seen, _ = split_requests(requests)
        self.assertIn("GET http://127.0.0.2:8081/x.png HTTP/1.1", seen)

    def test_screenshot_has_the_window_size_and_is_not_blank(self):
        width, height, bpp, rows = self.sample_pixels()
        self.assertEqual((width, height), WINDOW)
        found = colours(rows, bpp)
        # a blank page is one colour; text, tables and charts give hundreds (anti-aliasing)
        self.assertGreater(len(found), 16, "a nearly blank screenshot: %d colours" % len(found))
        self.assertFalse(all(len(set(r)) == 1 for r in rows[:800]), "the top of the page is one flat colour")

    def test_dark_colour_scheme_darkens_the_page(self):
        # --force-dark-mode sets prefers-color-scheme: dark for the page in this chromium (156); the
        # report's @media (prefers-color-scheme: dark) must then give a darker page.
        # light: the top 800 rows of the sample's screenshot (same width, same layout)
        dark = os.path.join(self.tmp, "dark.png")
        requests = self.browser.screenshot(self.sample()["html"], dark, (WINDOW[0], 800), "--force-dark-mode")
        self.assertEqual(split_requests(requests)[0], [])
        _, _, bpp, light_rows = self.sample_pixels()
        light_rows = light_rows[:800]
        _, _, _, dark_rows = read_png(dark)
        self.assertLess(mean_luminance(dark_rows, bpp), mean_luminance(light_rows, bpp) - 40,
                        "the dark scheme does not darken the report")

    def test_the_report_prints(self):
        # chromium's print path (the report's @media print): a PDF of at least one page, no request
        pdf = os.path.join(self.tmp, "sample.pdf")
        _, requests = self.browser.run(pathlib.Path(self.sample()["html"]).as_uri(), "--print-to-pdf=" + pdf,
                                       "--no-pdf-header-footer")
        self.assertEqual(split_requests(requests)[0], [])
        with open(pdf, "rb") as f:
            data = f.read()
        self.assertTrue(data.startswith(b"%PDF-"), data[:20])
        pages = re.search(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)|/Count\s+(\d+)", data, re.S)
        self.assertIsNotNone(pages, "no page count in the PDF")
        self.assertGreaterEqual(int(pages.group(1) or pages.group(2)), 1)

    def test_xss_strings_from_the_csv_are_inert_text(self):
        ticker = "<img src=x onerror=alert(1)>"
        strategy = "<script>document.title='pwned'</script>"
        data, cache = os.path.join(self.tmp, "xss-data"), os.path.join(self.tmp, "xss-cache")
        os.makedirs(os.path.join(data, "raw", "trade_history"))
        # The tool refuses the ticker (not a symbol: the row is skipped, and its data-quality issue
        # quotes it, line 2); the strategy is any text and names a strategy of two trades of MSFT.
        with open(os.path.join(data, "raw", "trade_history", "xss.csv"), "w") as f:
            f.write("Position_UUID,Ticker,Strategy_Type,Entry_Timestamp,Exit_Timestamp,PnL,Return,Duration_Days,Status\n"
                    "X1,%s,SMA,2025-01-10,2025-01-20,100,0.10,10,Closed\n"
                    "X2,MSFT,%s,2025-02-10,2025-02-20,-50,-0.05,10,Closed\n"
                    "X3,MSFT,%s,2026-11-01,,,,,Open\n"
                    "X4,AAPL,SMA,2025-03-01,2025-03-11,30,0.03,10,Closed\n"
                    % (ticker, strategy, strategy))
        self.thd("--data-dir", data, "--cache-dir", cache, "run", "--portfolio", "xss", "--offline", "--no-progress")
        doc_path = os.path.join(data, "outputs", "trade_history", "discovery", "xss_%s.json" % RUN_DATE)
        report = os.path.join(self.tmp, "xss.html")
        self.thd("report", doc_path, "--format", "html", "--output", report)
        text, requests = self.browser.dump_dom(report)
        self.assertEqual(split_requests(requests)[0], [])
        dom = Dom(text)
        # the strings are there, as text (the tool may spell the ticker in capitals)
        self.assertIn(ticker.casefold(), dom.text.casefold())
        self.assertIn(strategy, dom.text)
        # and nothing of them became an element or ran
        self.assertEqual(dom.find("script"), [])
        self.assertEqual([e for e in dom.elements if any(k.startswith("on") for k in e[1])], [])
        self.assertEqual([e for e in dom.find("img") if e[1].get("src", "").casefold() == "x"], [])
        # the title is the report's, as the document gives it: the script did not run
        with open(doc_path, encoding="utf-8") as f:
            doc = strict_loads(f.read())
        self.assertEqual((doc["portfolio"]["name"], doc["discovery_metadata"]["run_date"]), ("xss", RUN_DAY))
        self.assertEqual(Dom.text_of(dom.find("title")[0]), self.title_of(doc))
        with open(report, encoding="utf-8") as f:
            htmlcheck.assert_valid(f.read(), report)


if __name__ == "__main__":
    unittest.main()
