// The terminal format: sections as titled blocks, tables in fixed-width
// columns (cli/table's style: padded cells, one space apart) fitted into 100
// columns by clipping the widest text columns; badges as "[net 5 min]",
// missing figures as "missing [n]" with the reasons under their table.
#include "core/base/text.hpp"
#include "report/format.hpp"
#include "report/render.hpp"

namespace thd::report {
namespace {

constexpr size_t k_width = 100;
constexpr size_t k_indent = 2;

std::string short_source(const std::string& source) {
  if (source == "network") return "net";
  if (source == "local") return "loc";
  return source;
}

// Reasons of missing figures, numbered in order of first use, printed after a block.
class Footnotes {
 public:
  size_t number(const std::string& reason) {
    for (size_t i = 0; i < m_reasons.size(); ++i)
      if (m_reasons[i] == reason) return i + 1;
    m_reasons.push_back(reason);
    return m_reasons.size();
  }
  void flush(std::string& out);

 private:
  std::vector<std::string> m_reasons;
};

std::string badge_text(const Badge& b) {
  return "[" + short_source(b.source) + (b.age.empty() ? "" : " " + b.age) + "]";
}

// A cell as its text and the badge after it: a badge is cut before the text is.
struct TextCell {
  std::string main;
  std::string badge;
  std::string full() const { return main.empty() || badge.empty() ? main + badge : main + " " + badge; }
  // At most `width` columns: the badge clipped first, then the whole.
  std::string fitted(size_t width) const {
    const std::string whole = full();
    if (display_width(whole) <= width) return whole;
    const size_t w = display_width(main);
    if (!badge.empty() && !main.empty() && w + 3 <= width) return main + " " + clip(badge, width - w - 1);
    if (!badge.empty() && w <= width) return main;
    return clip(whole, width);
  }
};

// `shared_badge`: the column's header carries it, the cell does not repeat it.
TextCell cell_parts(const Cell& c, Footnotes& notes, bool shared_badge = false) {
  std::string text = printable(c.text);
  if (!c.badge) return {text, ""};
  if (c.badge->source == "missing") {
    const std::string mark = "[" + std::to_string(notes.number(c.badge->reason)) + "]";
    return {text.empty() || text == "missing" ? "missing " + mark : text + " " + mark, ""};
  }
  if (shared_badge) return {text.empty() ? "-" : text, ""};
  return {text, badge_text(*c.badge)};
}

std::string cell_text(const Cell& c, Footnotes& notes, bool shared_badge = false) {
  return cell_parts(c, notes, shared_badge).full();
}

// The badge every badged cell of column `i` has (missing ones aside), or "".
std::string common_badge(const TableBlock& t, size_t i) {
  std::string common;
  for (const auto& row : t.rows) {
    if (i >= row.size() || !row[i].badge) return "";
    if (row[i].badge->source == "missing") continue;
    const std::string b = badge_text(*row[i].badge);
    if (!common.empty() && b != common) return "";
    common = b;
  }
  return common;
}

// Words onto lines of at most 100 columns after `indent` spaces (`hang`
// more on the lines after the first); a word longer than a line is cut.
void wrap(std::string& out, const std::string& text, size_t indent, size_t hang = 0) {
  std::string line;
  size_t lead = indent;
  const auto emit = [&] {
    out += std::string(lead, ' ') + line + "\n";
    line.clear();
    lead = indent + hang;
  };
  for (const std::string& whole : split(text, ' ')) {
    const size_t room = k_width > indent + hang ? k_width - indent - hang : 1;
    for (const std::string& word :
         display_width(whole) > room ? break_word(whole, room) : std::vector<std::string>{whole}) {
      if (!line.empty() && lead + display_width(line) + 1 + display_width(word) > k_width) emit();
      line += (line.empty() ? "" : " ") + word;
    }
  }
  if (!line.empty()) emit();
}

void Footnotes::flush(std::string& out) {
  for (size_t i = 0; i < m_reasons.size(); ++i) {
    const std::string mark = "[" + std::to_string(i + 1) + "] ";
    wrap(out, mark + "missing: " + printable(m_reasons[i]), k_indent, mark.size());
  }
  m_reasons.clear();
}

void render_table(std::string& out, const TableBlock& t) {
  if (!t.caption.empty()) out += std::string(k_indent, ' ') + printable(t.caption) + "\n";
  if (t.rows.empty()) {
    wrap(out, printable(t.empty), k_indent * 2);
    return;
  }
  Footnotes notes;
  const size_t columns = t.headers.size();
  std::vector<std::vector<TextCell>> rows;
  rows.emplace_back();
  std::vector<bool> shared(columns, false);
  for (size_t i = 0; i < columns; ++i) {
    const std::string common = common_badge(t, i);
    shared[i] = !common.empty();
    rows.back().push_back({to_upper(t.headers[i]), common});
  }
  for (const auto& r : t.rows) {
    rows.emplace_back();
    for (size_t i = 0; i < r.size(); ++i)
      rows.back().push_back(cell_parts(r[i], notes, i < columns && shared[i]));
  }
  std::vector<size_t> widths(columns, 0);
  std::vector<size_t> core(columns, 0);  // the widest text without its badge
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < columns; ++i) {
      widths[i] = std::max(widths[i], display_width(r[i].full()));
      core[i] = std::max(core[i], display_width(r[i].main));
    }
  std::vector<bool> shown(columns, true);
  const auto total = [&] {
    size_t n = k_indent;
    for (size_t i = 0; i < columns; ++i)
      if (shown[i]) n += widths[i] + (n > k_indent ? 1 : 0);
    return n;
  };
  for (size_t drop : t.droppable)
    if (total() > k_width && drop < columns) shown[drop] = false;
  // Then narrow the widest column, one column at a time: first text columns
  // down to 8 (or their header), then badges in number columns (the number
  // itself is never cut), then, when nothing else is left, anything down to 3.
  const auto narrow = [&](auto floor_of) {
    while (total() > k_width) {
      size_t widest = columns;
      for (size_t i = 0; i < columns; ++i)
        if (shown[i] && widths[i] > floor_of(i) && (widest == columns || widths[i] > widths[widest]))
          widest = i;
      if (widest == columns) return;
      --widths[widest];
    }
  };
  narrow([&](size_t i) {
    return t.numeric[i] ? widths[i] : std::max<size_t>(8, display_width(rows[0][i].main));
  });
  narrow([&](size_t i) { return t.numeric[i] ? std::max<size_t>(core[i], 1) : widths[i]; });
  narrow([&](size_t) { return size_t{3}; });
  for (const auto& r : rows) {
    std::string line(k_indent, ' ');
    bool first = true;
    for (size_t i = 0; i < columns; ++i) {
      if (!shown[i]) continue;
      const std::string cell = i < r.size() ? r[i].fitted(widths[i]) : "";
      const size_t pad = widths[i] - std::min(widths[i], display_width(cell));
      if (!first) line += ' ';
      first = false;
      if (t.numeric[i]) line.append(pad, ' ');
      line += cell;
      if (!t.numeric[i] && i + 1 < columns) line.append(pad, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  notes.flush(out);
}

void render_facts(std::string& out, const FactsBlock& f) {
  size_t indent = k_indent;
  if (!f.caption.empty()) {
    out += std::string(k_indent, ' ') + printable(f.caption) + "\n";
    indent += 2;
  }
  size_t label_width = 0;
  for (const Fact& fact : f.facts) label_width = std::max(label_width, display_width(fact.label));
  label_width = std::min<size_t>(label_width, 48);
  Footnotes notes;
  for (const Fact& fact : f.facts) {
    std::string label = printable(fact.label);
    label.append(label_width > display_width(label) ? label_width - display_width(label) : 0, ' ');
    std::string value = cell_text(fact.value, notes);
    if (fact.value.text == "n/a" && !fact.value.title.empty())
      value += " (" + printable(fact.value.title) + ")";
    wrap(out, label + "  " + value, indent);
  }
  notes.flush(out);
}

}  // namespace

std::string render_text(const ReportView& view) {
  std::string out;
  wrap(out, printable(view.title), 0);
  size_t title_width = 0;
  for (const std::string& line : split(out, '\n')) title_width = std::max(title_width, display_width(line));
  out += std::string(title_width, '=') + "\n";
  out +=
      "Badges: [loc 4 d] a local file's figure and its age; [cache 2 h], [net now] fetched by the run;\n"
      "[stale 3 d] an expired cache entry; missing [n]: the reason is under the table.\n";
  std::vector<const Section*> sections;
  for (const Section& s : view.sections) sections.push_back(&s);
  sections.push_back(&view.footer);
  for (const Section* s : sections) {
    out += "\n" + to_upper(s->title) + "\n";
    if (!s->headline.empty()) {
      FactsBlock figures{"", {}};
      for (const Headline& h : s->headline) {
        Cell c{h.text, std::nullopt, ""};
        if (!h.note.empty()) c.text += " (" + h.note + ")";
        figures.facts.push_back({h.label, c});
      }
      render_facts(out, figures);
    }
    for (const Block& b : s->blocks) {
      if (const auto* t = std::get_if<TableBlock>(&b)) {
        out += "\n";
        render_table(out, *t);
      } else if (const auto* f = std::get_if<FactsBlock>(&b)) {
        out += "\n";
        render_facts(out, *f);
      } else if (const auto* p = std::get_if<ParagraphBlock>(&b)) {
        wrap(out, printable(p->text), k_indent);
      } else if (const auto* c = std::get_if<ChartBlock>(&b)) {
        wrap(out, printable(c->summary), k_indent);
      }
    }
  }
  return out;
}

}  // namespace thd::report
