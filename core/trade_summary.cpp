// TradeStats -> TradeSummary (the figures), and its JSON (rendering only).
#include "core/trade_summary.hpp"

#include <algorithm>
#include <cmath>

#include "core/trade_stats.hpp"

namespace thd {

namespace {

// Figures from sums that left the double range are null, each with an issue
// naming its column and the row at which its sum overflowed
// (docs/STATISTICS.md, "Overflow").
class Figures {
 public:
  std::optional<double> sum(const Sum& s, Col column, const std::string& figure) {
    if (s.overflow_line == 0) return s.value;
    overflow(s.overflow_line, column,
             figure + ": the sum of " + std::string(column_info(column).name) +
                 " is beyond the range of a double (about 1.8e308); null");
    return std::nullopt;
  }
  std::optional<double> mean(const Sum& s, std::uint64_t n, Col column, const std::string& figure) {
    if (n == 0) return std::nullopt;
    auto total = sum(s, column, figure);
    if (!total) return std::nullopt;
    return *total / static_cast<double>(n);
  }
  void overflow(std::uint64_t line, Col column, std::string text) {
    issues.push_back({line, std::string(column_info(column).name), std::move(text)});
  }
  std::vector<TradeSummary::Issue> issues;
};

std::optional<std::string> date_text(const std::optional<Date>& d) {
  if (!d) return std::nullopt;
  return format_date(*d);
}

std::optional<TradeSummary::Trade> trade_of(const std::optional<TradeRef>& t) {
  if (!t) return std::nullopt;
  return TradeSummary::Trade{t->uuid, t->ticker, t->value};
}

void write_trade(JsonWriter& w, std::string_view key, const std::optional<TradeSummary::Trade>& t) {
  w.key(key);
  if (!t) {
    w.null();
    return;
  }
  w.begin_object();
  if (t->uuid.empty())
    w.key("uuid").null();
  else
    w.field("uuid", t->uuid);
  w.field("ticker", t->ticker).field("return", t->value).end_object();
}

}  // namespace

TradeSummary TradeStats::summary() const {
  TradeSummary s;
  s.portfolio = {total_trades(),
                 m_closed,
                 m_active,
                 static_cast<std::uint64_t>(m_tickers.size()),
                 date_text(m_first_entry),
                 date_text(m_last_entry)};
  for (const auto& [name, c] : m_strategies) s.strategies.push_back({name, c.total, c.closed, c.active});

  Figures figures;
  TradeSummary::Metrics& m = s.metrics;
  m.closed_trades = m_closed;
  m.win_rate = m_outcomes.win_rate();
  m.wins = m_outcomes.wins, m.losses = m_outcomes.losses, m.breakevens = m_outcomes.breakevens;
  m.average_win_return = figures.mean(m_win_return_sum, m_win_returns, Col::return_, "average_win_return");
  m.average_loss_return =
      figures.mean(m_loss_return_sum, m_loss_returns, Col::return_, "average_loss_return");
  if (m_loss_pnls > 0) {
    auto wins = figures.sum(m_win_pnl, Col::pnl, "profit_factor (wins)");
    auto losses = figures.sum(m_loss_pnl, Col::pnl, "profit_factor (losses)");
    if (wins && losses && *losses != 0) {
      m.profit_factor = *wins / std::abs(*losses);
      if (!std::isfinite(*m.profit_factor)) {
        m.profit_factor.reset();
        figures.overflow(m_last_pnl_line, Col::pnl,
                         "profit_factor: the ratio of the PnL sums is beyond the range of a double; null");
      }
    }
  }
  m.expectancy = figures.mean(m_return_sum, m_returns, Col::return_, "expectancy");
  m.total_pnl = figures.sum(m_total_pnl, Col::pnl, "total_pnl");
  m.best_trade = trade_of(m_best);
  m.worst_trade = trade_of(m_worst);
  m.average_duration_days =
      figures.mean(m_duration_sum, m_durations, Col::duration_days, "average_duration_days");

  std::vector<std::string> sorted = m_ticker_order;
  std::sort(sorted.begin(), sorted.end());
  for (const std::string& t : sorted) {
    const TickerPerformance& p = m_tickers.at(t);
    s.tickers.push_back(
        {t, p.trades, p.closed, p.active, p.outcomes.wins, p.outcomes.losses, p.outcomes.breakevens,
         figures.sum(p.total_return, Col::return_, "ticker_performance." + t + ".total_return"),
         figures.sum(p.total_pnl, Col::pnl, "ticker_performance." + t + ".total_pnl"),
         p.outcomes.win_rate()});
  }

  std::vector<ActivePosition> active = m_active_positions;
  std::sort(active.begin(), active.end(), listed_before);
  for (const ActivePosition& p : active)
    s.active_positions.push_back(
        {p.uuid, p.ticker, p.strategy, format_date(p.entry_date), p.days_held, p.current_unrealized_return});

  TradeSummary::Quality& q = s.quality;
  q.rows_read = m_rows_read, q.rows_excluded = m_rows_excluded;
  q.rows_with_issues = m_rows_with_issues, q.issues_total = m_issues_total + figures.issues.size();
  // Figure issues are always listed: they take the place of the last row
  // issues when the list would be longer than its limit.
  const size_t figure_slots = std::min(figures.issues.size(), m_limits.max_issues);
  const size_t row_slots = std::min(m_issues.size(), m_limits.max_issues - figure_slots);
  for (size_t i = 0; i < row_slots; ++i)
    q.issues.push_back({m_issues[i].line, m_issues[i].column, m_issues[i].issue});
  for (size_t i = 0; i < figure_slots; ++i) q.issues.push_back(std::move(figures.issues[i]));
  for (size_t i = 0; i < m_header.size(); ++i) {
    if (m_header_duplicate[i]) continue;  // its name is the earlier column's: one key
    std::optional<double> c;
    if (m_well_formed_rows) c = static_cast<double>(m_filled[i]) / static_cast<double>(m_well_formed_rows);
    q.completeness.emplace_back(m_header[i], c);
  }
  q.active_positions_listed = m_active_positions.size();
  return s;
}

void write_trade_summary_json(JsonWriter& w, const TradeSummary& s) {
  w.key("portfolio_summary").begin_object();
  w.field("total_trades", s.portfolio.total_trades).field("closed_trades", s.portfolio.closed_trades);
  w.field("active_trades", s.portfolio.active_trades).field("unique_tickers", s.portfolio.unique_tickers);
  w.field("first_entry_date", s.portfolio.first_entry_date)
      .field("last_entry_date", s.portfolio.last_entry_date);
  w.end_object();

  w.key("strategy_distribution").begin_object();
  for (const auto& c : s.strategies) {
    w.key(c.name).begin_object().field("total", c.total).field("closed", c.closed).field("active", c.active);
    w.end_object();
  }
  w.end_object();

  w.key("ticker_performance").begin_object();
  for (const auto& p : s.tickers) {
    w.key(p.ticker).begin_object();
    w.field("trades", p.trades).field("closed", p.closed).field("active", p.active);
    w.field("wins", p.wins).field("losses", p.losses).field("breakevens", p.breakevens);
    w.field("total_return", p.total_return).field("total_pnl", p.total_pnl);
    w.field("win_rate", p.win_rate);
    w.end_object();
  }
  w.end_object();

  const TradeSummary::Metrics& m = s.metrics;
  w.key("performance_metrics").begin_object();
  w.field("closed_trades", m.closed_trades);
  w.field("win_rate", m.win_rate);
  w.field("wins", m.wins).field("losses", m.losses).field("breakevens", m.breakevens);
  w.field("average_win_return", m.average_win_return).field("average_loss_return", m.average_loss_return);
  w.field("profit_factor", m.profit_factor).field("expectancy", m.expectancy);
  w.field("total_pnl", m.total_pnl);
  write_trade(w, "best_trade", m.best_trade);
  write_trade(w, "worst_trade", m.worst_trade);
  w.field("average_duration_days", m.average_duration_days);
  w.end_object();

  w.key("active_positions").begin_array();
  for (const auto& p : s.active_positions) {
    w.begin_object();
    if (p.uuid.empty())
      w.key("uuid").null();
    else
      w.field("uuid", p.uuid);
    w.field("ticker", p.ticker).field("strategy", p.strategy).field("entry_date", p.entry_date);
    w.field("days_held", p.days_held).field("current_unrealized_return", p.current_unrealized_return);
    w.end_object();
  }
  w.end_array();

  const TradeSummary::Quality& q = s.quality;
  w.key("data_quality_assessment").begin_object();
  w.field("rows_read", q.rows_read).field("rows_excluded", q.rows_excluded);
  w.field("rows_with_issues", q.rows_with_issues).field("issues_total", q.issues_total);
  w.field("issues_listed", static_cast<std::uint64_t>(q.issues.size()));
  w.key("issues").begin_array();
  for (const auto& i : q.issues) {
    w.begin_object().field("line", i.line);
    if (i.column.empty())
      w.key("column").null();
    else
      w.field("column", i.column);
    w.field("issue", i.issue).end_object();
  }
  w.end_array();
  w.key("completeness").begin_object();
  for (const auto& [column, c] : q.completeness) w.field(column, c);
  w.end_object();
  w.field("active_positions_listed", q.active_positions_listed);
  w.end_object();
}

}  // namespace thd
