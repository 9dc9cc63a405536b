// What the report shows, in its order, as text already formatted: built
// once from the ReportModel (report/view.cpp) and rendered by the three
// formats (report/render_*.cpp). Strings here are unescaped: each renderer
// escapes for its own format.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "report/model.hpp"

namespace thd::report {

// Where a figure came from: source (local cache network stale missing), its age, a missing figure's reason.
struct Badge {
  std::string source;
  std::string age;
  std::string reason;
};

struct Cell {
  std::string text;
  std::optional<Badge> badge;
  std::string title;  // a longer explanation (HTML title)
};

struct TableBlock {
  std::string caption;
  std::vector<std::string> headers;
  std::vector<bool> numeric;  // right-aligned columns
  std::vector<std::vector<Cell>> rows;
  std::string empty;  // said instead of an empty table
  // Columns the terminal format leaves out, in this order, while the table is wider than 100 columns.
  std::vector<size_t> droppable;
};

// One line of facts: "label: text", with a badge or a reason.
struct Fact {
  std::string label;
  Cell value;
};
struct FactsBlock {
  std::string caption;
  std::vector<Fact> facts;
};

struct ParagraphBlock {
  std::string text;
};

// A chart: the HTML draws `svg` (built by report/charts.cpp); the text
// formats print `summary`; without data, `svg` is empty and `summary` says why.
struct ChartBlock {
  std::string id, title, summary, svg;
};

using Block = std::variant<TableBlock, FactsBlock, ParagraphBlock, ChartBlock>;

// A headline figure: the HTML's data-figure / data-value (the document's number exactly).
struct Headline {
  std::string name, label, text, json, note;
};

struct Section {
  std::string id, title;
  std::vector<Headline> headline;
  std::vector<Block> blocks;
};

struct ReportView {
  std::string title;  // Discovery: <portfolio> (<run date>)
  std::vector<Section> sections;
  Section footer;  // id "provenance"
};

ReportView build_view(const ReportModel& m);

// What a figure absent from an older document says.
inline constexpr const char* k_not_in_document = "not in this document";

}  // namespace thd::report
