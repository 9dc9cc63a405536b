// report/render_text and report/format: every line within 100 terminal columns (badges in number
// columns cut, long reasons wrapped, long words broken, wide characters counted as two).
#include <doctest/doctest.h>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "report/format.hpp"
#include "report/render.hpp"

using namespace thd::report;

namespace {

ReportView one_table(TableBlock t) {
  std::vector<Section> sections;
  sections.push_back(Section{"s", "Section", {}, {std::move(t)}});
  return ReportView{"Report", std::move(sections), Section{"provenance", "Footer", {}, {}}};
}

Cell cell(std::string text, std::optional<Badge> badge = std::nullopt) {
  Cell c;
  c.text = std::move(text);
  c.badge = std::move(badge);
  return c;
}

size_t widest_line(const std::string& text) {
  std::istringstream in(text);
  size_t widest = 0;
  for (std::string line; std::getline(in, line);) widest = std::max(widest, display_width(line));
  return widest;
}

}  // namespace

TEST_CASE("render_text: badges in number columns are cut before the line passes 100 columns") {
  TableBlock t{"", {"Ticker", "A", "B", "C", "D", "E"}, {false, true, true, true, true, true}, {}, "", {}};
  for (const char* ticker : {"AAPL", "MSFT"}) {
    std::vector<Cell> row{cell(ticker)};
    for (int i = 0; i < 5; ++i)
      row.push_back(cell("96,168.87", Badge{i % 2 ? "stale" : "cache", std::string(ticker) + " 28 d", ""}));
    t.rows.push_back(std::move(row));
  }
  const std::string out = render_text(one_table(t));
  CHECK(widest_line(out) <= 100);
  CHECK(out.find("96,168.87 [") != std::string::npos);  // the number whole, its badge clipped
}

TEST_CASE("render_text: long reasons, words and titles are wrapped or broken at 100 columns") {
  TableBlock t{"", {"Ticker", "Price"}, {false, true}, {}, "", {}};
  std::string reason;
  for (int i = 0; i < 40; ++i) reason += "quota spent (HTTP 429) ";
  t.rows.push_back({Cell{"AAPL", {}, ""}, Cell{"missing", Badge{"missing", "", reason}, ""}});
  std::string path(300, 'p');
  path.front() = '/';
  t.rows.push_back({Cell{path, {}, ""}, Cell{"1", {}, ""}});
  std::string paragraph(250, 'q');
  paragraph.insert(0, "file /");
  std::vector<Block> blocks;
  blocks.emplace_back(std::move(t));
  blocks.emplace_back(ParagraphBlock{std::move(paragraph)});
  std::vector<Section> sections;
  sections.push_back(Section{"s", "Section", {}, std::move(blocks)});
  std::string title(121, 'T');
  title[60] = ' ';
  const ReportView view{title, std::move(sections), Section{"provenance", "Footer", {}, {}}};
  const std::string out = render_text(view);
  CHECK(widest_line(out) <= 100);
  CHECK(out.find("[1] missing: quota spent") != std::string::npos);
  CHECK(out.find(std::string(98, 'q')) != std::string::npos);  // broken, not dropped
}

TEST_CASE("display_width: wide characters and emoji take two columns") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("\xE6\xA0\xAA") == 2);          // 株
  CHECK(display_width("\xF0\x9F\x93\x88") == 2);      // 📈
  CHECK(display_width("\xEF\xBC\xA1") == 2);          // fullwidth A
  CHECK(display_width("e\xCC\x81") == 1);             // e + combining acute
  CHECK(display_width("\xC3\xBC\xE2\x80\x93") == 2);  // ü –
  CHECK(display_width(clip("\xE6\xA0\xAA\xE6\xA0\xAA\xE6\xA0\xAA", 4)) <= 4);
  for (const std::string& part : break_word("\xE6\xA0\xAA\xE6\xA0\xAA\xE6\xA0\xAA"
                                            "ab",
                                            3))
    CHECK(display_width(part) <= 3);
}
