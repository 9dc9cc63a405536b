"""The HTML report's validator (tests/cli/htmlcheck.py) on hand-written pages: one that follows the
contract of issue 13 passes; each page that breaks one rule fails, naming that rule. The browser
suite (test_report_browser.py) runs the validator on the real reports."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import htmlcheck  # noqa: E402

CSP = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"

# A small page that follows the contract (contract-13.md, section 2); not the renderer's output.
GOOD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
""" + CSP + """
<meta name="viewport" content="width=device-width">
<title>Discovery: live_signals (2026-11-22)</title>
<style>
body { font: 14px sans-serif; background: #fff; color: #111; }
.g { fill: url(#shade); }
@media (prefers-color-scheme: dark) { body { background: #111; color: #eee; } }
@media print { body { background: #fff; } }
</style>
</head>
<body>
<h1>live_signals &amp; co</h1>
<section id="headline"><h2>Headline</h2>
<dl>
<div><dt>Trades</dt><dd data-figure="total_trades" data-value="42">42</dd></div>
<div><dt>Win rate</dt><dd data-figure="win_rate" data-value="0.7222222222222222">72.2%</dd></div>
<div><dt>Profit factor</dt><dd data-figure="profit_factor" data-value="3.6">3.60</dd></div>
<div><dt>Expectancy</dt><dd data-figure="expectancy" data-value="0.0533">5.33%</dd></div>
<div><dt>Total PnL</dt><dd data-figure="total_pnl" data-value="52018.19">$52,018.19</dd></div>
<div><dt>Max drawdown</dt><dd data-figure="max_drawdown" data-value="1350.7">$1,350.70</dd></div>
<div><dt>Coverage</dt><dd data-figure="coverage" data-value="null" title="no research files">missing: no research files</dd></div>
</dl>
</section>
<section id="charts"><h2>Charts</h2>
<figure id="chart-equity"><svg role="img" viewBox="0 0 100 50" width="400" height="200"><title>Equity curve</title>
<defs><linearGradient id="shade"><stop offset="0" stop-color="#c00"/></linearGradient></defs>
<polyline points="0,50 50,20 100,10" fill="none" stroke="#06c"/><rect class="g" x="0" y="0" width="10" height="10"/></svg>
<figcaption>Cumulative PnL</figcaption></figure>
<figure id="chart-returns"><svg role="img" viewBox="0 0 10 10"><title>Returns</title><rect width="5" height="5"/></svg></figure>
<figure id="chart-strategies"><svg role="img" viewBox="0 0 10 10"><title>Strategies</title><rect width="5" height="5"/></svg></figure>
<figure id="chart-fair-value"><p>No open position has a fair-value range.</p></figure>
</section>
<section id="open-positions"><h2>Open positions</h2>
<table><thead><tr><th>Ticker</th><th>Price</th></tr></thead>
<tbody><tr><td>&lt;img src=x onerror=alert(1)&gt;</td><td>12.5 <span class="badge src-cache" title="cached 2 h ago">cache 2 h</span></td></tr></tbody></table>
</section>
<section id="ticker-performance"><h2>Per ticker</h2><p>x</p></section>
<section id="strategy-performance"><h2>Per strategy</h2><p>&lt;script&gt;</p></section>
<section id="market-context"><h2>Market</h2><p>VIX <span class="badge src-missing" title="offline">missing: offline</span></p></section>
<section id="research-coverage"><h2>Research</h2><br><hr></section>
<section id="data-quality"><h2>Data quality</h2><p>none</p></section>
<footer id="provenance"><p>Generated 2026-11-22 <a href="#headline">top</a></p></footer>
</body>
</html>
"""


def bad(old, new, count=1):
    """GOOD with `old` replaced by `new` (`old` must occur)."""
    assert old in GOOD, old
    return GOOD.replace(old, new, count)


class Validator(unittest.TestCase):
    def assert_rejected(self, page, *needles):
        r = htmlcheck.check(page)
        self.assertTrue(r.problems, "the page passed")
        text = "\n".join(r.problems)
        for needle in needles:
            self.assertIn(needle, text)
        return r

    def test_the_contract_page_passes_and_its_figures_are_read(self):
        r = htmlcheck.assert_valid(GOOD)
        self.assertEqual(r.sections, htmlcheck.SECTIONS)
        self.assertEqual(r.figures["total_pnl"], "52018.19")
        self.assertEqual(r.figures["coverage"], "null")
        self.assertEqual(sorted(r.figures), sorted(htmlcheck.FIGURES))
        self.assertEqual(r.title, "Discovery: live_signals (2026-11-22)")

    def test_a_script_is_rejected(self):
        self.assert_rejected(bad("</body>", "<script>document.title='x'</script></body>"), "<script> element")
        self.assert_rejected(bad('<svg role="img" viewBox="0 0 10 10"><title>Returns</title>',
                                 '<svg role="img" viewBox="0 0 10 10"><title>Returns</title><script>1</script>'),
                             "<script> element")

    def test_an_event_handler_attribute_is_rejected(self):
        self.assert_rejected(bad("<h1>", '<h1 onclick="x()">'), "event handler attribute onclick=")
        self.assert_rejected(bad('<rect width="5"', '<rect onload="x()" width="5"'), "onload=")

    def test_an_external_image_is_rejected(self):
        self.assert_rejected(bad("<h1>", '<img src="http://127.0.0.2:8081/x.png" alt=""><h1>'),
                             "<img src='http://127.0.0.2:8081/x.png'>")
        self.assert_rejected(bad("<h1>", '<img src="x.png" alt=""><h1>'), "not a fragment")  # relative: a fetch too
        self.assert_rejected(bad('<a href="#headline">', '<a href="//example.invalid/">'), "not a fragment")

    def test_external_urls_in_css_are_rejected(self):
        self.assert_rejected(bad("body { font", "@import 'x.css';\nbody { font"), "@import")
        self.assert_rejected(bad("fill: url(#shade)", "fill: url(http://127.0.0.2:8081/a.svg)"), "url(http")
        self.assert_rejected(bad("<h1>", '<h1 style="background: url(\'a.png\')">'), "url(a.png)")

    def test_the_csp_must_forbid_fetches_and_be_there_once(self):
        self.assert_rejected(bad(CSP, ""), "0 Content-Security-Policy")
        self.assert_rejected(bad(CSP, CSP + CSP), "2 Content-Security-Policy")
        self.assert_rejected(bad("default-src 'none'", "default-src 'self'"), "default-src is not exactly 'none'")
        self.assert_rejected(bad("style-src 'unsafe-inline'", "style-src 'unsafe-inline'; img-src *"), "img-src allows *")
        self.assert_rejected(bad(CSP, "").replace("</style>", "</style>" + CSP), "after a <style>")

    def test_an_svg_without_a_title_first_is_rejected(self):
        self.assert_rejected(bad("<title>Returns</title>", ""), "first child element is <rect>, not <title>")
        self.assert_rejected(bad('<svg role="img" viewBox="0 0 10 10"><title>Returns</title>',
                                 '<svg viewBox="0 0 10 10"><title>Returns</title>'), 'without role="img"')
        self.assert_rejected(bad("<title>Returns</title>", "<title> </title>"), "empty <title>")
        self.assert_rejected(bad("<title>Returns</title><rect width=\"5\" height=\"5\"/>", ""), "without a <title>")
        self.assert_rejected(bad('<p>No open position', '<svg role="img"/><p>No open position'), "<svg/> without")
        self.assert_rejected(bad("<title>Returns</title><rect width=\"5\" height=\"5\"/>",
                                 "<rect width=\"5\" height=\"5\"/><title>Returns</title>"), "not <title>")

    def test_a_missing_section_is_rejected(self):
        self.assert_rejected(bad('<section id="market-context"><h2>Market</h2><p>VIX <span class="badge src-missing" '
                                 'title="offline">missing: offline</span></p></section>', ""),
                             "no <section id='market-context'>")

    def test_sections_out_of_order_or_without_a_heading_are_rejected(self):
        ticker = '<section id="ticker-performance"><h2>Per ticker</h2><p>x</p></section>\n'
        strategy = '<section id="strategy-performance"><h2>Per strategy</h2><p>&lt;script&gt;</p></section>\n'
        self.assert_rejected(bad(ticker + strategy, strategy + ticker), "out of order")
        self.assert_rejected(bad("<h2>Per ticker</h2>", "<h3>Per ticker</h3>"), "without an <h2>")
        self.assert_rejected(bad('<footer id="provenance">', "<footer>"), 'no <footer id="provenance">')

    def test_a_missing_or_malformed_headline_figure_is_rejected(self):
        self.assert_rejected(bad(' data-figure="max_drawdown" data-value="1350.7"', ""),
                             "no data-figure='max_drawdown'")
        self.assert_rejected(bad('data-value="52018.19"', 'data-value="$52,018.19"'), "neither a JSON number nor null")
        self.assert_rejected(bad('data-value="52018.19"', ""), "without data-value")
        self.assert_rejected(bad('<p>x</p>', '<p data-figure="total_pnl" data-value="1">x</p>'), "outside the headline")

    def test_a_page_that_is_not_well_formed_is_rejected(self):
        self.assert_rejected(bad("<p>none</p>", "<p>none"), "closes <section>")            # unclosed <p>
        self.assert_rejected(bad("<p>none</p>", "<p><b>none</p></b>"), "improper nesting")  # crossed
        self.assert_rejected(bad("</body>", "</div></body>"), "</div> closes nothing")
        self.assert_rejected(bad("<br>", "<br></br>"), "void element has no end tag")
        self.assert_rejected(bad("<p>x</p>", "<p/>x"), "not a void element")
        self.assert_rejected(bad("</html>\n", ""), "<html> opened on line 2 is never closed")
        self.assert_rejected(bad("<!DOCTYPE html>\n", ""), "DOCTYPE")
        self.assert_rejected(bad('<h1>', '<h1 id="headline">'), "id 'headline' used twice")
        self.assert_rejected(bad('<h1>', '<h1 class="a" class="b">'), "attribute 'class' twice")

    def test_title_language_charts_and_badges(self):
        self.assert_rejected(bad("<title>Discovery: live_signals (2026-11-22)</title>", "<title>Report</title>"),
                             "<title> 'Report'")
        self.assert_rejected(bad('<html lang="en">', "<html>"), 'lang="en"')
        self.assert_rejected(bad('<figure id="chart-fair-value"><p>No open position has a fair-value range.</p>',
                                 '<figure id="chart-fair-value">'), "neither an <svg> nor text")
        self.assert_rejected(bad('<figure id="chart-returns">', '<figure id="chart-return">'),
                             "no <figure id='chart-returns'>")
        self.assert_rejected(bad('class="badge src-cache"', 'class="badge src-web"'), "src-<source>")

    def test_the_program_exits_1_on_a_bad_page(self):
        import subprocess
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            good, worse = os.path.join(d, "good.html"), os.path.join(d, "bad.html")
            with open(good, "w") as f:
                f.write(GOOD)
            with open(worse, "w") as f:
                f.write(bad("</body>", "<script></script></body>"))
            script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "htmlcheck.py")
            self.assertEqual(subprocess.run([sys.executable, script, good]).returncode, 0)
            r = subprocess.run([sys.executable, script, good, worse], stdout=subprocess.PIPE, text=True)
            self.assertEqual(r.returncode, 1)
            self.assertIn("bad.html: line", r.stdout)
            self.assertNotIn("good.html", r.stdout)


if __name__ == "__main__":
    unittest.main()
