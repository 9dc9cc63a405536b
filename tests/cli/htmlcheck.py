"""Validates an HTML report against the contract of issue 13 (docs: the report's HTML contract).

Standard library only (html.parser). `check(text)` returns a `Result` (its `problems`, empty when the
page passes; the headline's `figures`, name -> data-value; the `sections` in order); `assert_valid`
raises with every problem. As a program: `htmlcheck.py FILE...` prints the problems, exits 1 on any.

What it checks:
- well-formed: `<!DOCTYPE html>` first, every element closed and properly nested (void elements
  need no end tag and may not have one; `<x/>` only inside `<svg>`), no duplicate attribute or id;
- exactly one `<meta http-equiv="Content-Security-Policy">`, in `<head>` before any `<style>`, whose
  `default-src` is `'none'` and whose other fetch directives allow nothing but `'unsafe-inline'`
  (styles); no `<meta http-equiv="refresh">`;
- no `<script>` and nothing else that loads or runs a document (`iframe frame object embed base
  link`), no `on*=` attribute, no URL but a fragment (`#id`) in any `src`, `href` (xlink too),
  `srcset`, `action`, `formaction`, `poster`, `data`, `background`, no `@import` and no `url(...)`
  but `url(#id)` in a `<style>` or a `style=` attribute;
- `<html lang="en">`; `<title>` is `Discovery: <portfolio> (<run date>)`;
- every `<svg>` has `role="img"` and a non-empty `<title>` as its first child element;
- the sections of the contract, each once and in order, each `<section id=...>` with an `<h2>`,
  then `<footer id="provenance">`;
- in `headline`, every figure of the contract once, with a `data-value` that is a JSON number or
  `null`;
- the four chart figures, each with an `<svg>` or text saying why it has none;
- every `badge` carries one `src-<source>` class, source one of local cache network stale missing.
"""

import html.parser
import re
import sys

SECTIONS = ["headline", "charts", "open-positions", "ticker-performance", "strategy-performance",
            "market-context", "research-coverage", "data-quality"]
FIGURES = ["total_trades", "win_rate", "profit_factor", "expectancy", "total_pnl", "max_drawdown", "coverage"]
CHARTS = ["chart-equity", "chart-returns", "chart-strategies", "chart-fair-value"]
SOURCES = {"local", "cache", "network", "stale", "missing"}

# Where each headline figure's value lives in the discovery document (contract-13.md, section 2).
FIGURE_PATHS = {
    "total_trades": ("portfolio_summary", "total_trades"),
    "win_rate": ("performance_metrics", "win_rate"),
    "profit_factor": ("performance_metrics", "profit_factor"),
    "expectancy": ("performance_metrics", "expectancy"),
    "total_pnl": ("performance_metrics", "total_pnl"),
    "max_drawdown": ("trade_analysis", "drawdown", "max"),
    "coverage": ("fundamental_integration", "coverage", "ratio"),
}

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FORBIDDEN_ELEMENTS = {"script", "iframe", "frame", "object", "embed", "base", "link", "applet"}
URL_ATTRIBUTES = {"src", "href", "xlink:href", "srcset", "action", "formaction", "poster", "data", "background",
                  "ping", "manifest", "cite", "longdesc", "usemap"}
JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?\Z")
CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)


def figure_value(doc, name):
    """The JSON value a headline figure shows, read from the discovery document."""
    value = doc
    for key in FIGURE_PATHS[name]:
        value = value[key]
    return value


class Result:
    def __init__(self):
        self.problems = []
        self.figures = {}   # headline figure name -> data-value (text)
        self.sections = []  # ids of every <section>, in order
        self.title = None


class _Element:
    def __init__(self, tag, attrs, line):
        self.tag = tag
        self.attrs = attrs
        self.line = line
        self.children = 0      # child elements seen so far
        self.text = []         # text directly inside (titles)
        self.has_svg = False   # figures: an <svg> somewhere inside
        self.has_text = False  # figures: visible text somewhere inside
        self.has_h2 = False    # sections


class _Checker(html.parser.HTMLParser):
    def __init__(self, result):
        super().__init__(convert_charrefs=True)
        self.r = result
        self.stack = []
        self.ids = set()
        self.csp = 0
        self.seen_style = False
        self.seen_doctype = False
        self.seen_anything = False
        self.footer_after_sections = False
        self.figures = {}  # <figure id> -> (has an <svg>, has text)

    def problem(self, message):
        self.r.problems.append("line %d: %s" % (self.getpos()[0], message))

    def inside(self, tag):
        return any(e.tag == tag for e in self.stack)

    def enclosing(self, tag, **attrs):
        for e in reversed(self.stack):
            if e.tag == tag and all(e.attrs.get(k) == v for k, v in attrs.items()):
                return e
        return None

    # --- the parser's callbacks ---

    def handle_decl(self, decl):
        if not self.seen_anything and decl.lower() == "doctype html":
            self.seen_doctype = True
        else:
            self.problem("unexpected declaration <!%s>" % decl)
        self.seen_anything = True

    def handle_pi(self, data):
        self.problem("processing instruction <?%s>" % data)

    def unknown_decl(self, data):
        self.problem("unknown declaration %r" % data[:40])

    def handle_starttag(self, tag, attrs):
        self.start(tag, attrs, selfclosing=False)

    def handle_startendtag(self, tag, attrs):
        self.start(tag, attrs, selfclosing=True)

    def start(self, tag, attrs, selfclosing):
        if not self.seen_anything:
            self.problem("the page does not start with <!DOCTYPE html>")
        self.seen_anything = True
        names = [k for k, _ in attrs]
        for k in set(names):
            if names.count(k) > 1:
                self.problem("<%s> has the attribute %r twice" % (tag, k))
        a = {k: (v if v is not None else "") for k, v in attrs}
        if self.stack:
            parent = self.stack[-1]
            parent.children += 1
            if parent.tag == "svg" and parent.children == 1 and tag != "title":
                self.problem("<svg> whose first child element is <%s>, not <title>" % tag)
        self.check_attributes(tag, a)
        self.check_element(tag, a)
        if tag in VOID:
            return
        if selfclosing:
            if tag == "svg":
                self.problem("<svg/> without a <title>")
                return
            if self.inside("svg"):
                return  # XML-style empty element inside inline SVG (foreign content)
            self.problem("<%s/>: not a void element, the slash does not close it" % tag)
        self.stack.append(_Element(tag, a, self.getpos()[0]))

    def check_attributes(self, tag, a):
        for k, v in a.items():
            if k.startswith("on"):
                self.problem("<%s> has an event handler attribute %s=" % (tag, k))
            if k in URL_ATTRIBUTES or k.endswith(":href"):
                urls = [u.strip().split()[0] for u in v.split(",") if u.strip()] if k == "srcset" else [v.strip()]
                for u in urls:
                    if not u.startswith("#"):
                        self.problem("<%s %s=%r>: not a fragment of this page (an external or relative URL)"
                                     % (tag, k, v[:80]))
            if k == "style":
                self.check_css(v, "<%s style=>" % tag)
        if "id" in a:
            if a["id"] in self.ids:
                self.problem("id %r used twice" % a["id"])
            self.ids.add(a["id"])

    def check_element(self, tag, a):
        if tag in FORBIDDEN_ELEMENTS:
            self.problem("<%s> element" % tag)
        if tag == "html" and a.get("lang") != "en":
            self.problem('<html> without lang="en"')
        if tag == "style":
            self.seen_style = True
        if tag == "meta":
            equiv = a.get("http-equiv", "").lower()
            if equiv == "refresh":
                self.problem("<meta http-equiv=refresh>")
            if equiv == "content-security-policy":
                self.csp += 1
                if not self.inside("head"):
                    self.problem("the Content-Security-Policy <meta> is not in <head>")
                if self.seen_style:
                    self.problem("the Content-Security-Policy <meta> comes after a <style>")
                self.check_csp(a.get("content", ""))
        if tag == "svg" and a.get("role") != "img":
            self.problem('<svg> without role="img"')
        if tag == "svg":
            for e in self.stack:
                if e.tag == "figure":
                    e.has_svg = True
        if tag == "section":
            self.r.sections.append(a.get("id", ""))
            if self.enclosing("section"):
                self.problem("<section id=%r> inside another section" % a.get("id", ""))
        if tag == "h2":
            section = self.enclosing("section")
            if section:
                section.has_h2 = True
        if tag == "footer" and a.get("id") == "provenance":
            self.footer_after_sections = self.r.sections[-1:] == SECTIONS[-1:]
        if "data-figure" in a:
            name = a["data-figure"]
            if not self.enclosing("section", id="headline"):
                self.problem("data-figure=%r outside the headline section" % name)
            elif name in self.r.figures:
                self.problem("data-figure=%r twice" % name)
            elif "data-value" not in a:
                self.problem("data-figure=%r without data-value" % name)
            else:
                value = a["data-value"]
                if value != "null" and not JSON_NUMBER.match(value):
                    self.problem("data-figure=%r: data-value=%r is neither a JSON number nor null" % (name, value))
                self.r.figures[name] = value
        classes = a.get("class", "").split()
        if "badge" in classes:
            sources = [c[4:] for c in classes if c.startswith("src-")]
            if len(sources) != 1 or sources[0] not in SOURCES:
                self.problem("badge with class=%r: needs one src-<source>, source one of %s"
                             % (a.get("class"), " ".join(sorted(SOURCES))))

    def check_csp(self, content):
        directives = {}
        for part in content.split(";"):
            words = part.split()
            if words:
                directives[words[0].lower()] = words[1:]
        if directives.get("default-src") != ["'none'"]:
            self.problem("Content-Security-Policy %r: default-src is not exactly 'none'" % content)
        for name, sources in directives.items():
            if name == "default-src" or not name.endswith("-src") and name not in ("base-uri", "form-action"):
                continue
            allowed = {"'none'", "'unsafe-inline'"} if name.startswith("style-src") else {"'none'"}
            for s in sources:
                if s.lower() not in allowed:
                    self.problem("Content-Security-Policy %r: %s allows %s" % (content, name, s))

    def check_css(self, css, where):
        if re.search(r"@import", css, re.I):
            self.problem("%s: @import" % where)
        for m in CSS_URL.finditer(css):
            if not m.group(2).strip().startswith("#"):
                self.problem("%s: url(%s) is not a fragment of this page" % (where, m.group(2)[:80]))
        if re.search(r"(expression\s*\(|javascript:)", css, re.I):
            self.problem("%s: script in CSS" % where)

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problem("</%s>: a void element has no end tag" % tag)
            return
        if not self.stack:
            self.problem("</%s> closes nothing" % tag)
            return
        top = self.stack[-1]
        if top.tag != tag:
            if any(e.tag == tag for e in self.stack):
                self.problem("</%s> closes <%s> (line %d) before <%s> (line %d): improper nesting"
                             % (tag, tag, [e for e in self.stack if e.tag == tag][-1].line, top.tag, top.line))
                while self.stack and self.stack[-1].tag != tag:
                    self.stack.pop()
                self.stack.pop()
            else:
                self.problem("</%s> closes nothing (innermost open: <%s>, line %d)" % (tag, top.tag, top.line))
            return
        self.stack.pop()
        text = "".join(top.text).strip()
        if tag == "title":
            if self.stack and self.stack[-1].tag == "svg" and not text:
                self.problem("<svg> with an empty <title>")
            if self.stack and self.stack[-1].tag == "head":
                self.r.title = text
        if tag == "style":
            self.check_css("".join(top.text), "<style>")
        if tag == "svg" and top.children == 0:
            self.problem("<svg> (line %d) without a <title>" % top.line)
        if tag == "figure" and "id" in top.attrs:
            self.figures[top.attrs["id"]] = (top.has_svg, top.has_text)
        if tag == "section" and not top.has_h2:
            self.problem("<section id=%r> without an <h2>" % top.attrs.get("id", ""))

    def handle_data(self, data):
        if self.stack:
            self.stack[-1].text.append(data)
            if data.strip():
                for e in self.stack:
                    if e.tag == "figure":
                        e.has_text = True
        elif data.strip():
            self.problem("text outside <html>: %r" % data.strip()[:40])

    def finish(self):
        self.close()
        for e in self.stack:
            self.problem("<%s> opened on line %d is never closed" % (e.tag, e.line))


def check(text):
    r = Result()
    c = _Checker(r)
    c.feed(text)
    c.finish()
    if not c.seen_doctype:
        r.problems.append("no <!DOCTYPE html> at the start")
    if c.csp != 1:
        r.problems.append("%d Content-Security-Policy <meta> elements (want exactly one)" % c.csp)
    if r.title is None or not re.match(r"Discovery: .+ \(\d{4}-\d{2}-\d{2}\)\Z", r.title, re.S):
        r.problems.append("<title> %r is not 'Discovery: <portfolio> (<run date>)'" % r.title)
    wanted = [s for s in r.sections if s in SECTIONS]
    for s in SECTIONS:
        if s not in r.sections:
            r.problems.append("no <section id=%r>" % s)
    if sorted(set(wanted)) != sorted(wanted):
        r.problems.append("a section appears twice: %s" % wanted)
    elif wanted != [s for s in SECTIONS if s in wanted]:
        r.problems.append("the sections are out of order: %s (want %s)" % (wanted, SECTIONS))
    if "provenance" not in c.ids:
        r.problems.append('no <footer id="provenance">')
    elif not c.footer_after_sections:
        r.problems.append('<footer id="provenance"> does not come after the last section (%s)' % SECTIONS[-1])
    for name in FIGURES:
        if name not in r.figures:
            r.problems.append("no data-figure=%r in the headline" % name)
    for chart in CHARTS:
        if chart not in c.figures:
            r.problems.append("no <figure id=%r>" % chart)
        elif not any(c.figures[chart]):
            r.problems.append("<figure id=%r> has neither an <svg> nor text saying why" % chart)
    return r


def assert_valid(text, what="report"):
    """Raises AssertionError naming every problem; returns the Result otherwise."""
    r = check(text)
    if r.problems:
        raise AssertionError("%s is not a valid HTML report (%d problems):\n  %s"
                             % (what, len(r.problems), "\n  ".join(r.problems[:40])))
    return r


def main(argv):
    bad = 0
    for path in argv[1:]:
        with open(path, encoding="utf-8") as f:
            r = check(f.read())
        for p in r.problems:
            print("%s: %s" % (path, p))
        bad += bool(r.problems)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
