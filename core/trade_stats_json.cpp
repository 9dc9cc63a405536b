// TradeStats as the six sections of the discovery document (SPEC §4.5).
#include <algorithm>

#include "core/trade_stats.hpp"

namespace thd {

namespace {

std::optional<double> mean(double sum, std::uint64_t n) {
  if (n == 0) return std::nullopt;
  return sum / static_cast<double>(n);
}

void write_trade(JsonWriter& w, std::string_view key, const std::optional<TradeRef>& t) {
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

std::optional<std::string> date_text(const std::optional<Date>& d) {
  if (!d) return std::nullopt;
  return format_date(*d);
}

}  // namespace

void TradeStats::write_json(JsonWriter& w) const {
  w.key("portfolio_summary").begin_object();
  w.field("total_trades", total_trades()).field("closed_trades", m_closed).field("active_trades", m_active);
  w.field("unique_tickers", static_cast<std::uint64_t>(m_tickers.size()));
  w.field("first_entry_date", date_text(m_first_entry)).field("last_entry_date", date_text(m_last_entry));
  w.end_object();

  w.key("strategy_distribution").begin_object();
  for (const auto& [name, c] : m_strategies) {
    w.key(name).begin_object().field("total", c.total).field("closed", c.closed).field("active", c.active);
    w.end_object();
  }
  w.end_object();

  w.key("ticker_performance").begin_object();
  std::vector<std::string> sorted = m_ticker_order;
  std::sort(sorted.begin(), sorted.end());
  for (const std::string& t : sorted) {
    const TickerPerformance& p = m_tickers.at(t);
    w.key(t).begin_object();
    w.field("trades", p.trades).field("closed", p.closed).field("active", p.active);
    w.field("wins", p.outcomes.wins).field("losses", p.outcomes.losses);
    w.field("breakevens", p.outcomes.breakevens);
    w.field("total_return", p.total_return).field("total_pnl", p.total_pnl);
    w.field("win_rate", p.outcomes.win_rate());
    w.end_object();
  }
  w.end_object();

  w.key("performance_metrics").begin_object();
  w.field("closed_trades", m_closed);
  w.field("win_rate", m_outcomes.win_rate());
  w.field("wins", m_outcomes.wins).field("losses", m_outcomes.losses);
  w.field("breakevens", m_outcomes.breakevens);
  w.field("average_win_return", mean(m_win_return_sum, m_win_returns));
  w.field("average_loss_return", mean(m_loss_return_sum, m_loss_returns));
  std::optional<double> profit_factor;
  if (m_loss_pnls > 0 && m_loss_pnl != 0) profit_factor = m_win_pnl / -m_loss_pnl;
  w.field("profit_factor", profit_factor);
  w.field("expectancy", mean(m_return_sum, m_returns));
  w.field("total_pnl", m_total_pnl);
  write_trade(w, "best_trade", m_best);
  write_trade(w, "worst_trade", m_worst);
  w.field("average_duration_days", mean(m_duration_sum, m_durations));
  w.end_object();

  std::vector<ActivePosition> active = m_active_positions;
  std::sort(active.begin(), active.end(), listed_before);
  w.key("active_positions").begin_array();
  for (const ActivePosition& p : active) {
    w.begin_object();
    if (p.uuid.empty())
      w.key("uuid").null();
    else
      w.field("uuid", p.uuid);
    w.field("ticker", p.ticker).field("strategy", p.strategy).field("entry_date", format_date(p.entry_date));
    w.field("days_held", p.days_held).field("current_unrealized_return", p.current_unrealized_return);
    w.end_object();
  }
  w.end_array();

  w.key("data_quality_assessment").begin_object();
  w.field("rows_read", m_rows_read).field("rows_excluded", m_rows_excluded);
  w.field("rows_with_issues", m_rows_with_issues).field("issues_total", m_issues_total);
  w.field("issues_listed", static_cast<std::uint64_t>(m_issues.size()));
  w.key("issues").begin_array();
  for (const DataIssue& i : m_issues) {
    w.begin_object().field("line", i.line);
    if (i.column.empty())
      w.key("column").null();
    else
      w.field("column", i.column);
    w.field("issue", i.issue).end_object();
  }
  w.end_array();
  w.key("completeness").begin_object();
  for (size_t i = 0; i < m_header.size(); ++i) {
    std::optional<double> c;
    if (m_well_formed_rows) c = static_cast<double>(m_filled[i]) / static_cast<double>(m_well_formed_rows);
    w.field(m_header[i], c);
  }
  w.end_object();
  w.field("active_positions_listed", static_cast<std::uint64_t>(m_active_positions.size()));
  w.end_object();
}

}  // namespace thd
