// The HTML format: one self-contained page (docs/REPORT.md, "HTML"): inline
// CSS and SVG, no script, a Content-Security-Policy that forbids every
// fetch; light, dark (prefers-color-scheme) and print styles. Every string
// from the document goes through html_escape.
#include "report/format.hpp"
#include "report/render.hpp"

namespace thd::report {
namespace {

constexpr const char* k_style = R"CSS(
:root { --bg: #ffffff; --fg: #1c2128; --muted: #5b6470; --rule: #d5dae0; --panel: #f4f6f8;
  --win: #1a7f37; --loss: #c62828; --even: #8c959f; --range: #9ec5fe; --accent: #0b5cad; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0f1419; --fg: #e6edf3; --muted: #9aa7b4; --rule: #30363d; --panel: #161b22;
    --win: #3fb950; --loss: #f85149; --even: #8b949e; --range: #1f4f8f; --accent: #58a6ff; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 1.5rem; background: var(--bg); color: var(--fg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid var(--rule); padding-bottom: .25rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
.sub { color: var(--muted); margin: 0; overflow-wrap: anywhere; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: .6rem; }
.figure { background: var(--panel); border: 1px solid var(--rule); border-radius: 6px; padding: .6rem .8rem; }
.figure .label { display: block; color: var(--muted); font-size: .8rem; }
.figure .value { display: block; font-size: 1.35rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.figure .note { display: block; color: var(--muted); font-size: .75rem; }
section { overflow-x: auto; }  /* a wide table scrolls inside its section, not the page */
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .88rem; }
th, td { padding: .25rem .5rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .4rem 0 1rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; font-size: .72rem; line-height: 1.3; padding: 0 .35rem; margin-left: .3rem;
  border-radius: 999px; border: 1px solid currentColor; white-space: nowrap; font-weight: 500; }
.src-local { color: var(--accent); }
.src-cache { color: var(--win); }
.src-network { color: var(--muted); }
.src-stale { color: #b26a00; }
.src-missing { color: var(--loss); white-space: normal; }
.na { color: var(--muted); }
figure { margin: 1rem 0; }
figcaption { color: var(--muted); font-size: .85rem; }
svg { max-width: 100%; height: auto; display: block; }
svg text { fill: var(--fg); font-size: 11px; }
svg .axis { fill: var(--muted); }
svg .curve { fill: none; stroke: var(--accent); stroke-width: 2; }
svg .drawdown { fill: var(--loss); fill-opacity: .25; stroke: none; }
svg .zero { stroke: var(--rule); stroke-width: 1; }
svg .win { fill: var(--win); }
svg .loss { fill: var(--loss); }
svg .even { fill: var(--even); }
svg .range { fill: var(--range); }
svg .price { fill: var(--fg); }
.nodata { color: var(--muted); font-style: italic; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .85rem; }
@media print {
  :root { --bg: #ffffff; --fg: #000000; --muted: #444444; --rule: #bbbbbb; --panel: #ffffff; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  section, figure, table { break-inside: avoid-page; }
  tr { break-inside: avoid; }
  .badge { border-color: #777777; }
}
)CSS";

std::string badge_html(const Badge& b) {
  const std::string cls = "badge src-" + b.source;
  if (b.source == "missing")
    return "<span class=\"" + cls + "\" title=\"" + html_escape(b.reason) +
           "\">missing: " + html_escape(b.reason) + "</span>";
  std::string title = b.source + (b.age.empty() ? "" : ", fetched " + b.age + " before the document");
  if (!b.reason.empty()) title += ": " + b.reason;
  return "<span class=\"" + cls + "\" title=\"" + html_escape(title) + "\">" + html_escape(b.source) +
         (b.age.empty() ? "" : " " + html_escape(b.age)) + "</span>";
}

std::string cell_html(const Cell& c) {
  std::string out;
  const bool only_badge = c.badge && c.badge->source == "missing" && c.text == "missing";
  if (!only_badge && !c.text.empty()) {
    if (c.title.empty())
      out += html_escape(c.text);
    else
      out += "<span class=\"na\" title=\"" + html_escape(c.title) + "\">" + html_escape(c.text) +
             (c.text == "n/a" ? ": " + html_escape(c.title) : "") + "</span>";
  }
  if (c.badge) out += badge_html(*c.badge);
  return out;
}

void render_table(std::string& out, const TableBlock& t) {
  if (t.rows.empty()) {
    if (!t.caption.empty()) out += "<h3>" + html_escape(t.caption) + "</h3>\n";
    out += "<p class=\"nodata\">" + html_escape(t.empty) + "</p>\n";
    return;
  }
  out += "<table>";
  if (!t.caption.empty()) out += "<caption>" + html_escape(t.caption) + "</caption>";
  out += "\n<thead><tr>";
  for (size_t i = 0; i < t.headers.size(); ++i)
    out += std::string(t.numeric[i] ? "<th scope=\"col\" class=\"num\">" : "<th scope=\"col\">") +
           html_escape(t.headers[i]) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i)
      out += std::string(i < t.numeric.size() && t.numeric[i] ? "<td class=\"num\">" : "<td>") +
             cell_html(row[i]) + "</td>";
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
}

void render_facts(std::string& out, const FactsBlock& f) {
  if (!f.caption.empty()) out += "<h3>" + html_escape(f.caption) + "</h3>\n";
  out += "<dl class=\"facts\">\n";
  for (const Fact& fact : f.facts)
    out += "<dt>" + html_escape(fact.label) + "</dt><dd>" + cell_html(fact.value) + "</dd>\n";
  out += "</dl>\n";
}

void render_section_body(std::string& out, const Section& s) {
  if (!s.headline.empty()) {
    out += "<div class=\"figures\">\n";
    for (const Headline& h : s.headline) {
      out += "<div class=\"figure\" data-figure=\"" + html_escape(h.name) + "\" data-value=\"" +
             html_escape(h.json) + "\"><span class=\"label\">" + html_escape(h.label) +
             "</span><span class=\"value\">" + html_escape(h.text) + "</span>";
      if (!h.note.empty()) out += "<span class=\"note\">" + html_escape(h.note) + "</span>";
      out += "</div>\n";
    }
    out += "</div>\n";
  }
  for (const Block& b : s.blocks) {
    if (const auto* t = std::get_if<TableBlock>(&b)) {
      render_table(out, *t);
    } else if (const auto* f = std::get_if<FactsBlock>(&b)) {
      render_facts(out, *f);
    } else if (const auto* p = std::get_if<ParagraphBlock>(&b)) {
      out += "<p>" + html_escape(p->text) + "</p>\n";
    } else if (const auto* c = std::get_if<ChartBlock>(&b)) {
      out += "<figure id=\"" + html_escape(c->id) + "\">\n";
      if (c->svg.empty())  // no data: the reason, and no empty chart
        out += "<p class=\"nodata\">" + html_escape(c->summary) + "</p>\n";
      else  // built by report/charts.cpp, every string in it escaped
        out += c->svg + "\n<figcaption>" + html_escape(c->summary) + "</figcaption>\n";
      out += "</figure>\n";
    }
  }
}

}  // namespace

std::string render_html(const ReportView& view) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'\"/>\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
      "<meta name=\"color-scheme\" content=\"light dark\"/>\n<title>" +
      html_escape(view.title) + "</title>\n<style>" + k_style + "</style>\n</head>\n<body>\n<header>\n<h1>" +
      html_escape(view.title) + "</h1>\n</header>\n<main>\n";
  for (const Section& s : view.sections) {
    out += "<section id=\"" + html_escape(s.id) + "\">\n<h2>" + html_escape(s.title) + "</h2>\n";
    render_section_body(out, s);
    out += "</section>\n";
  }
  out += "</main>\n<footer id=\"" + html_escape(view.footer.id) + "\">\n<h2>" +
         html_escape(view.footer.title) + "</h2>\n";
  render_section_body(out, view.footer);
  out += "</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace thd::report
