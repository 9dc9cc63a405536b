// A discovery document as the report reads it (schemas/discovery.schema.json,
// docs/REPORT.md): every figure the report shows, each one either in the
// document (a value or null) or not in it at all (a document written before
// the field existed), which the report says instead of failing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/error.hpp"

namespace thd::report {

// A number of the document: absent (no such key), null, or a value.
struct Num {
  bool present = false;
  std::optional<double> value;

  bool has() const { return value.has_value(); }
  double operator*() const { return *value; }
  // The number as the document writes it (JsonWriter's shortest round-trip
  // form), "null" when null or absent.
  std::string json() const;
};

struct Provenance {
  bool present = false;
  std::string source;  // local cache network stale_cache missing
  std::string service, fetched_at, reason;
  std::optional<std::int64_t> age_seconds;
};

struct Market {
  Num price, previous_close, high_52w, low_52w, ytd_return, volatility;
  std::string currency;
  Provenance provenance;
};

struct Profile {
  std::string name, sector, industry;
  Num market_cap;
  Provenance provenance;
};

struct Fundamentals {
  std::string recommendation, file, date;
  Num conviction, fair_value_low, fair_value_high, age_days, pe_ratio, eps, analyst_target;
  std::string currency;
  bool stale = false;
  Provenance provenance;
};

struct Ticker {
  std::string ticker;
  Market market;
  Profile profile;
  Fundamentals fundamentals;
};

struct TickerPerformance {
  std::string ticker;
  Num trades, closed, active, wins, losses, breakevens, total_return, total_pnl, win_rate;
};

struct Strategy {
  std::string name;
  Num total, closed, active;
  // strategy_performance.<name>: absent from older documents.
  bool performance = false;
  Num closed_trades, wins, losses, win_rate, profit_factor, expectancy, total_pnl, average_duration_days;
};

struct OpenPosition {
  std::string uuid, ticker, strategy, entry_date;
  Num days_held, unrealized_return;
};

struct Issue {
  Num line;
  std::string column, issue;
};

struct Named {  // benchmarks, series, IMF indicators, coins
  std::string name;
  Market market;  // benchmarks
  Num value, usd, change_24h, year, current_year, current_value;
  bool projection = false;
  std::string date;
  Provenance provenance;
};

struct TradeAnalysis {
  struct Point {
    std::string date;
    double cumulative = 0;
  };
  struct Bin {
    Num from, to;
    double wins = 0, losses = 0, breakevens = 0;
  };
  struct Month {
    std::string month;
    Num pnl, trades;
  };
  bool equity_present = false;
  Num equity_trades, points_total;
  bool downsampled = false;
  std::vector<Point> points;
  bool drawdown_present = false;
  Num max_drawdown, max_relative, longest_days, current_drawdown;
  std::string max_relative_reason, peak_date, trough_date, recovery_date, longest_start, longest_end;
  bool streaks_present = false;
  Num longest_winning, longest_losing, current_length;
  std::string current_kind;
  bool excursions_present = false;
  Num excursion_trades, average_mfe, average_mae, average_exit_efficiency, gave_back_half_share,
      winners_gave_back_half, winners_with_mfe;
  std::vector<Month> monthly;
  bool monthly_present = false;
  bool sqn_present = false;
  Num sqn, sqn_trades;
  std::string sqn_reason;
  bool distribution_present = false;
  Num bin_width, distribution_trades;
  std::vector<Bin> bins;
};

struct ReportModel {
  std::string document;  // the input, as the report names it (a path)
  std::string portfolio, portfolio_file, generated_at, run_date, tool_version, data_source, mode;
  // portfolio_summary
  Num total_trades, closed_trades, active_trades, unique_tickers;
  std::string first_entry_date, last_entry_date;
  // performance_metrics
  Num win_rate, wins, losses, breakevens, average_win_return, average_loss_return, profit_factor, expectancy,
      total_pnl, average_duration_days, average_win_duration_days, average_loss_duration_days;
  std::vector<Strategy> strategies;
  std::vector<TickerPerformance> ticker_performance;
  std::vector<OpenPosition> open_positions;
  std::vector<Ticker> tickers;  // sorted by ticker
  const Ticker* find_ticker(std::string_view ticker) const;
  // market_context
  std::vector<Named> benchmarks, economic, imf, crypto;
  Num vix;
  std::string vix_regime;
  Provenance vix_provenance;
  // fundamental_integration and sector_context
  Num coverage_tickers, coverage_covered, coverage_ratio, average_analysis_age_days;
  std::vector<std::string> covered, missing, stale;
  std::vector<std::pair<std::string, double>> recommendations;
  struct Sector {
    std::string name, file, date;
    std::vector<std::string> tickers;
    Num age_days;
    bool stale = false;
  };
  std::vector<Sector> sectors, themes;
  std::vector<std::string> unclassified;
  // data_quality_assessment
  Num rows_read, rows_excluded, rows_with_issues, issues_total;
  std::vector<Issue> issues;
  // discovery_metadata
  Num api_attempts, api_succeeded, cache_hits, cache_misses, cache_stale_served, needs_total, total_ms;
  std::vector<std::pair<std::string, double>> needs_by_source;
  // trade_analysis (absent from documents before issue 13)
  std::optional<TradeAnalysis> analysis;
};

// Reads a discovery document. A failure (not JSON, not a discovery
// document) says what is wrong in one line; `shown` names the input. A
// `json` with simdjson's padding in its capacity (read_document's) is
// parsed where it is; another is copied once.
Result<ReportModel> read_report_model(const std::string& json, std::string_view shown);

}  // namespace thd::report
