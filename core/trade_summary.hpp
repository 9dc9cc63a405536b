// Phase 1's result as a value: the six trade sections of the discovery
// document (SPEC §4.5), every figure computed, ready for any renderer.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/base/date.hpp"
#include "core/base/json_writer.hpp"

namespace thd {

struct TradeSummary {
  struct Portfolio {
    std::uint64_t total_trades = 0, closed_trades = 0, active_trades = 0, unique_tickers = 0;
    std::optional<std::string> first_entry_date, last_entry_date;
  } portfolio;

  struct Strategy {
    std::string name;
    std::uint64_t total = 0, closed = 0, active = 0;
  };
  std::vector<Strategy> strategies;  // by name

  struct Ticker {
    std::string ticker;
    std::uint64_t trades = 0, closed = 0, active = 0, wins = 0, losses = 0, breakevens = 0;
    std::optional<double> total_return, total_pnl;  // null: the sum overflowed
    std::optional<double> win_rate;
  };
  std::vector<Ticker> tickers;  // by ticker

  struct Trade {
    std::string uuid;  // empty: none in the file
    std::string ticker;
    double value = 0;
  };
  struct Metrics {
    std::uint64_t closed_trades = 0, wins = 0, losses = 0, breakevens = 0;
    std::optional<double> win_rate, average_win_return, average_loss_return, profit_factor, expectancy;
    std::optional<double> total_pnl = 0;  // null: the sum overflowed
    std::optional<Trade> best_trade, worst_trade;
    std::optional<double> average_duration_days;
  } metrics;

  struct Position {
    std::string uuid, ticker, strategy, entry_date;
    std::int64_t days_held = 0;
    std::optional<double> current_unrealized_return;
  };
  std::vector<Position> active_positions;  // newest entry first

  struct Issue {
    std::uint64_t line = 0;
    std::string column;  // empty: the row as a whole
    std::string issue;
  };
  struct Quality {
    std::uint64_t rows_read = 0, rows_excluded = 0, rows_with_issues = 0, issues_total = 0;
    std::vector<Issue> issues;
    std::vector<std::pair<std::string, std::optional<double>>> completeness;  // header order
    std::uint64_t active_positions_listed = 0;
  } quality;
};

// The six sections as members of the current JSON object.
void write_trade_summary_json(JsonWriter& w, const TradeSummary& s);

}  // namespace thd
