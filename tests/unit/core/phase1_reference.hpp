// Phase 1 as it was before the parallel reading (commit 77dc5b4): one
// CsvReader, every row counted in file order on one TradeStats. The unit
// tests and the CSV fuzzer hold read_trade_history to it, figure for figure:
// its document, or its error, byte for byte.
#pragma once

#include <filesystem>
#include <string>

#include "core/base/error.hpp"
#include "core/base/json_writer.hpp"
#include "core/csv_reader.hpp"
#include "core/trade_stats.hpp"

namespace thd::test {

inline std::string trade_sections_json(const TradeStats& stats) {
  JsonWriter w;
  w.begin_object();
  write_trade_summary_json(w, stats.summary());
  w.end_object();
  return w.take();
}

inline std::string phase1_reference(const std::filesystem::path& csv, Date run_date, size_t read_size,
                                    size_t max_record = CsvReader::k_default_max_record,
                                    TradeStatsLimits limits = {}) {
  auto error = [&](std::uint64_t line, const std::string& what) {
    return "error: " + csv.string() + ":" + std::to_string(line) + ": " + what;
  };
  auto opened = CsvReader::open(csv, read_size, max_record);
  if (!opened) return "error: " + opened.error().message;
  CsvReader& reader = **opened;
  TradeStats stats(run_date, limits);
  CsvRecord record;
  bool have_header = false;
  while (true) {
    switch (reader.next(record)) {
      case CsvStatus::record:
        if (have_header) {
          stats.row(record);
        } else {
          if (auto ok = stats.header(record); !ok) return error(record.line, ok.error().message);
          have_header = true;
        }
        break;
      case CsvStatus::record_too_long:
        if (!have_header) return error(reader.error_line(), "header longer than the 1 MiB limit");
        stats.row_too_long(reader.error_line());
        break;
      case CsvStatus::too_many_fields:
        if (!have_header)
          return error(reader.error_line(), "header has more than " +
                                                std::to_string(CsvReader::k_default_max_fields) +
                                                " columns, the limit");
        stats.row_too_wide(reader.error_line());
        break;
      case CsvStatus::io_error: return "error: " + reader.error_text();
      case CsvStatus::unterminated_quote:
        return error(reader.error_line(), "unterminated quoted field: the quote opened here never closes");
      case CsvStatus::end:
        if (!have_header)
          return error(1,
                       "no header line; expected a trade-history CSV with Ticker, Status and "
                       "Entry_Timestamp columns");
        return trade_sections_json(stats);
    }
  }
}

// read_trade_history's document, or its error as phase1_reference writes it.
inline std::string phase1_json(const std::filesystem::path& csv, Date run_date,
                               const TradeHistoryReading& how, TradeStatsLimits limits = {}) {
  TradeStats stats(run_date, limits);
  try {
    read_trade_history(csv, stats, how);
  } catch (const FatalError& e) {
    return std::string("error: ") + e.what();
  }
  return trade_sections_json(stats);
}

}  // namespace thd::test
