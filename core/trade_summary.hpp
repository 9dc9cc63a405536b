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
    std::optional<double> average_win_duration_days, average_loss_duration_days;
  } metrics;

  struct StrategyPerformance {
    std::string name;
    std::uint64_t closed_trades = 0, wins = 0, losses = 0, breakevens = 0;
    std::optional<double> win_rate, profit_factor, expectancy, total_pnl, average_duration_days;
  };
  std::vector<StrategyPerformance> strategy_performance;  // by name

  // docs/STATISTICS.md, "Trade analysis".
  struct Analysis {
    std::uint64_t exit_trades = 0, without_exit_date = 0;
    struct Point {
      std::string date;
      double cumulative = 0;
    };
    std::uint64_t curve_trades = 0, points_total = 0;
    bool downsampled = false;
    std::vector<Point> points;
    struct Drawdown {
      std::optional<double> max, max_relative, current;
      std::optional<std::string> max_relative_reason, peak_date, trough_date, recovery_date;
      std::int64_t longest_days = 0;
      std::optional<std::string> longest_start, longest_end;
      std::optional<bool> longest_recovered;
    } drawdown;
    std::uint64_t longest_winning = 0, longest_losing = 0, current_length = 0;
    std::optional<std::string> current_kind;  // "win", "loss"; null after a breakeven or without trades
    std::uint64_t excursion_trades = 0, winners_with_mfe = 0, winners_gave_back_half = 0;
    std::optional<double> average_mfe, average_mae, average_exit_efficiency, gave_back_half_share;
    struct Month {
      std::string month;
      std::optional<double> pnl;
      std::uint64_t trades = 0;
    };
    std::vector<Month> monthly_pnl;
    std::uint64_t sqn_trades = 0;
    std::optional<double> sqn, mean_return, stdev_return;
    std::optional<std::string> sqn_reason;
    struct Bin {
      std::optional<double> from, to;
      std::uint64_t wins = 0, losses = 0, breakevens = 0;
    };
    std::uint64_t binned_trades = 0;
    std::vector<Bin> bins;
  } analysis;

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
