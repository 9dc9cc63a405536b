// The Markdown format: headings, pipe tables, lists; every input string
// through markdown_escape (raw HTML in Markdown is live in most renderers).
#include "report/format.hpp"
#include "report/render.hpp"

namespace thd::report {
namespace {

std::string badge_text(const Badge& b, std::vector<std::string>& notes) {
  if (b.source == "missing") {
    size_t n = 0;
    while (n < notes.size() && notes[n] != b.reason) ++n;
    if (n == notes.size()) notes.push_back(b.reason);
    return "missing \\[" + std::to_string(n + 1) + "\\]";
  }
  return "_(" + b.source + (b.age.empty() ? "" : ", " + b.age) + ")_";
}

std::string cell_text(const Cell& c, std::vector<std::string>& notes) {
  std::string text = markdown_escape(c.text);
  if (c.text == "n/a" && !c.title.empty()) text += " (" + markdown_escape(c.title) + ")";
  if (!c.badge) return text.empty() ? "-" : text;
  const std::string badge = badge_text(*c.badge, notes);
  if (text.empty() || c.text == "missing") return badge;
  return text + " " + badge;
}

void flush(std::string& out, std::vector<std::string>& notes) {
  if (notes.empty()) return;
  out += "\n";
  for (size_t i = 0; i < notes.size(); ++i)
    out += "\\[" + std::to_string(i + 1) + "\\] missing: " + markdown_escape(notes[i]) + "  \n";
  notes.clear();
}

void render_table(std::string& out, const TableBlock& t) {
  if (!t.caption.empty()) out += "\n**" + markdown_escape(t.caption) + "**\n";
  if (t.rows.empty()) {
    out += "\n" + markdown_escape(t.empty) + "\n";
    return;
  }
  std::vector<std::string> notes;
  out += "\n|";
  for (const std::string& h : t.headers) out += " " + markdown_escape(h) + " |";
  out += "\n|";
  for (bool numeric : t.numeric) out += numeric ? " ---: |" : " --- |";
  out += "\n";
  for (const auto& row : t.rows) {
    out += "|";
    for (const Cell& c : row) out += " " + cell_text(c, notes) + " |";
    out += "\n";
  }
  flush(out, notes);
}

void render_facts(std::string& out, const FactsBlock& f) {
  if (!f.caption.empty()) out += "\n### " + markdown_escape(f.caption) + "\n";
  out += "\n";
  std::vector<std::string> notes;
  for (const Fact& fact : f.facts)
    out += "- **" + markdown_escape(fact.label) + ":** " + cell_text(fact.value, notes) + "\n";
  flush(out, notes);
}

}  // namespace

std::string render_markdown(const ReportView& view) {
  std::string out = "# " + markdown_escape(view.title) + "\n";
  std::vector<const Section*> sections;
  for (const Section& s : view.sections) sections.push_back(&s);
  sections.push_back(&view.footer);
  for (const Section* s : sections) {
    out += "\n## " + markdown_escape(s->title) + "\n";
    if (!s->headline.empty()) {
      out += "\n| Figure | Value |\n| --- | ---: |\n";
      for (const Headline& h : s->headline)
        out += "| " + markdown_escape(h.label) + " | " + markdown_escape(h.text) +
               (h.note.empty() ? "" : " (" + markdown_escape(h.note) + ")") + " |\n";
    }
    for (const Block& b : s->blocks) {
      if (const auto* t = std::get_if<TableBlock>(&b))
        render_table(out, *t);
      else if (const auto* f = std::get_if<FactsBlock>(&b))
        render_facts(out, *f);
      else if (const auto* p = std::get_if<ParagraphBlock>(&b))
        out += "\n" + markdown_escape(p->text) + "\n";
      else if (const auto* c = std::get_if<ChartBlock>(&b))
        out += "\n" + markdown_escape(c->summary) + "\n";
    }
  }
  return out;
}

}  // namespace thd::report
