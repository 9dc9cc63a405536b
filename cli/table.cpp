#include "cli/table.hpp"

#include <stdexcept>
#include <utility>

#include "core/base/log.hpp"
#include "core/base/text.hpp"

namespace thd::cli {

Table::Table(std::vector<Column> columns, size_t indent) : m_columns(std::move(columns)), m_indent(indent) {}

Table& Table::add_row(std::vector<std::string> cells) {
  if (cells.size() > m_columns.size())
    throw std::logic_error("table row of " + std::to_string(cells.size()) + " cells for " +
                           std::to_string(m_columns.size()) + " columns");
  // Cells come from files and the filesystem (tickers, file names): escaped for the terminal.
  for (std::string& cell : cells) cell = printable(cell);
  m_rows.push_back(std::move(cells));
  return *this;
}

void Table::render_line(const std::vector<std::string>& cells, std::string& out) const {
  out.append(m_indent, ' ');
  for (size_t i = 0; i < cells.size(); ++i) {
    const Column& c = m_columns[i];
    const std::string& cell = cells[i];
    if (i > 0) out.append(c.gap, ' ');
    size_t pad = cell.size() < c.width ? c.width - cell.size() : 0;
    if (c.align == Align::right) out.append(pad, ' ');
    out += cell;
    if (c.align == Align::left) out.append(pad, ' ');
  }
  out += '\n';
}

std::string Table::render() const {
  std::string out;
  std::vector<std::string> headers;
  bool any_header = false;
  for (const Column& c : m_columns) {
    headers.push_back(c.header);
    any_header |= !c.header.empty();
  }
  if (any_header) render_line(headers, out);
  for (const auto& row : m_rows) render_line(row, out);
  return out;
}

void Table::print(std::FILE* out) const {
  write_terminal(out, render());
}

}  // namespace thd::cli
