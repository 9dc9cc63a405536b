// report/render_text: tables fitted into 100 columns, badges shared in a header, missing reasons as notes.
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
  // (Built whole: GCC 12 warns a false stringop-overflow on assigning a short literal to the member.)
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

TEST_CASE("render_text: a wide table drops its droppable columns, then clips its widest text column") {
  TableBlock t{"", {"Name", "Drop", "Note", "N"}, {false, false, false, true}, {}, "", {1}};
  std::vector<Cell> row;
  row.push_back(cell("a"));
  row.push_back(cell(std::string(30, 'd')));
  row.push_back(cell(std::string(100, 'x')));
  row.push_back(cell("123,456.78"));
  t.rows.push_back(std::move(row));
  const std::string out = render_text(one_table(t));
  CHECK(widest_line(out) == 100);
  CHECK(out.find("DROP") == std::string::npos);        // left out first
  CHECK(out.find("123,456.78") != std::string::npos);  // numbers are never cut
  CHECK(out.find(std::string(82, 'x')) == std::string::npos);
  CHECK(out.find(std::string(81, 'x') + "\u2026") !=
        std::string::npos);                                    // 100 - 2 - 4 - 1 - 1 - 10 = 82 columns
  CHECK(out.find("x\u2026 123,456.78") != std::string::npos);  // the note clipped with an ellipsis
}

TEST_CASE("render_text: one badge for a whole column goes to its header; a missing one is a numbered note") {
  TableBlock t{"", {"Ticker", "Price"}, {false, true}, {}, "", {}};
  t.rows.push_back({Cell{"AAPL", {}, ""}, Cell{"288.28", Badge{"network", "now", ""}, ""}});
  t.rows.push_back({Cell{"MSFT", {}, ""}, Cell{"205.39", Badge{"network", "now", ""}, ""}});
  t.rows.push_back(
      {Cell{"<x>", {}, ""}, Cell{"missing", Badge{"missing", "", "offline and not in the cache"}, ""}});
  const std::string out = render_text(one_table(t));
  CHECK(out.find("  TICKER PRICE [net now]\n") != std::string::npos);
  CHECK(out.find("  AAPL            288.28\n") != std::string::npos);
  CHECK(out.find("  <x>        missing [1]\n") != std::string::npos);
  CHECK(out.find("  [1] missing: offline and not in the cache\n") != std::string::npos);
}
