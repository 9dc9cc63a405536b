// Fixed-width text tables, printf("%-14s %8s") style, for the commands'
// table reports: each cell padded with spaces to its column's width (a longer
// value is never cut: it pushes the rest of its line right), columns apart by
// one space. For example, "  %-42s %-40s %s\n" is
//
//   Table t({{"SETTING", 42}, {"VALUE", 40}, {"ORIGIN", 0}}, 2);
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

namespace thd::cli {

enum class Align { left, right };

struct Column {
  std::string header;
  size_t width = 0;  // 0: never padded (a last column)
  Align align = Align::left;
  size_t gap = 1;  // spaces before the column; none before the first
};

class Table {
 public:
  // `indent`: spaces before every line.
  explicit Table(std::vector<Column> columns, size_t indent = 0);

  // A row may have fewer cells than there are columns: its line ends after
  // its last cell, unpadded columns and all. More cells is a logic_error.
  Table& add_row(std::vector<std::string> cells);

  // The header line (none when every header is empty), then one per row.
  std::string render() const;
  void print(std::FILE* out = stdout) const;

 private:
  void render_line(const std::vector<std::string>& cells, std::string& out) const;

  std::vector<Column> m_columns;
  size_t m_indent;
  std::vector<std::vector<std::string>> m_rows;
};

}  // namespace thd::cli
