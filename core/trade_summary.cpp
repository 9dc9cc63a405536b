// TradeStats -> TradeSummary (the figures), and its JSON (rendering only).
#include "core/trade_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/trade_stats.hpp"

namespace thd {

namespace {

// Figures from sums that left the double range are null, each with an issue
// naming its column and the row at which its sum overflowed
// (docs/STATISTICS.md, "Overflow").
class Figures {
 public:
  std::optional<double> sum(const Sum& s, Col column, const std::string& figure) {
    if (s.overflow_line == 0) return s.value();
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

double as_double(Int128 v) {
  return scaled_to_double(v);
}
double as_double(double v) {
  return v;
}

// The equity curve's drawdown figures (docs/STATISTICS.md, "Drawdown"), on
// exact cumulative sums (Int128 at scale 1e8) or on doubles.
// Returns the first curve index whose drawdown or ratio to the peak is not
// finite (doubles only), or -1.
template <class T>
std::ptrdiff_t drawdown_of(const std::vector<std::int64_t>& days, const std::vector<T>& cum,
                           TradeSummary::Analysis& a) {
  auto& dd = a.drawdown;
  const size_t n = cum.size();
  T peak = 0, max_dd = 0, max_peak = 0;
  std::ptrdiff_t peak_i = -1, max_i = -1, max_peak_i = -1;
  std::ptrdiff_t level_i = -1;  // the last date with c == P: where an under-water period starts
  std::optional<double> max_rel;
  std::ptrdiff_t beyond_i = -1;
  bool under = false;
  std::int64_t start = 0;
  bool have_longest = false;
  auto period = [&](std::int64_t from, std::int64_t to, bool recovered) {
    if (have_longest && to - from <= dd.longest_days) return;
    have_longest = true;
    dd.longest_days = to - from;
    dd.longest_start = format_date(civil_from_days(from));
    dd.longest_end = format_date(civil_from_days(to));
    dd.longest_recovered = recovered;
  };
  for (size_t i = 0; i < n; ++i) {
    const T c = cum[i];
    if (!(c < peak)) {
      if (under) period(start, days[i], true);
      under = false;
      if (peak < c) peak = c, peak_i = static_cast<std::ptrdiff_t>(i);
      level_i = static_cast<std::ptrdiff_t>(i);
    } else if (!under) {
      under = true;
      start = level_i >= 0 ? days[static_cast<size_t>(level_i)] : days[0];
    }
    const T d = peak - c;
    if (max_dd < d) max_dd = d, max_i = static_cast<std::ptrdiff_t>(i), max_peak_i = peak_i, max_peak = peak;
    if (0 < peak) {
      // d = P − c can overflow a double (1e308 down to −1.5e308) while d / P
      // is small: then 1 − c / P, which stays finite.
      const double dd_i = as_double(d);
      const double rel = std::isfinite(dd_i) ? dd_i / as_double(peak) : 1 - as_double(c) / as_double(peak);
      if (!max_rel || rel > *max_rel) max_rel = rel;
      if (beyond_i < 0 && !std::isfinite(rel)) beyond_i = static_cast<std::ptrdiff_t>(i);
    }
    if (beyond_i < 0 && !std::isfinite(as_double(d))) beyond_i = static_cast<std::ptrdiff_t>(i);
  }
  if (under) period(start, days[n - 1], false);
  dd.max = as_double(max_dd);
  dd.current = as_double(peak - cum[n - 1]);
  dd.max_relative = max_rel;
  if (!max_rel) dd.max_relative_reason = "the cumulative PnL never rose above 0";
  if (max_i >= 0) {
    if (max_peak_i >= 0) dd.peak_date = format_date(civil_from_days(days[static_cast<size_t>(max_peak_i)]));
    dd.trough_date = format_date(civil_from_days(days[static_cast<size_t>(max_i)]));
    for (size_t j = static_cast<size_t>(max_i) + 1; j < n; ++j)
      if (!(cum[j] < max_peak)) {
        dd.recovery_date = format_date(civil_from_days(days[j]));
        break;
      }
  }
  // The points: every date, or every k-th with the last and the peak and trough kept.
  a.points_total = n;
  const size_t k = n > 2000 ? (n + 1999) / 2000 : 1;
  a.downsampled = k > 1;
  for (size_t i = 0; i < n; ++i)
    if (i % k == 0 || i == n - 1 || static_cast<std::ptrdiff_t>(i) == max_i ||
        static_cast<std::ptrdiff_t>(i) == max_peak_i)
      a.points.push_back({format_date(civil_from_days(days[i])), as_double(cum[i])});
  return beyond_i;
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

  m.average_win_duration_days =
      figures.mean(m_win_duration_sum, m_win_durations, Col::duration_days, "average_win_duration_days");
  m.average_loss_duration_days =
      figures.mean(m_loss_duration_sum, m_loss_durations, Col::duration_days, "average_loss_duration_days");

  for (const auto& [name, c] : m_strategies) {
    TradeSummary::StrategyPerformance sp;
    const std::string figure = "strategy_performance." + name + ".";
    sp.name = name;
    sp.closed_trades = c.closed;
    sp.wins = c.outcomes.wins, sp.losses = c.outcomes.losses, sp.breakevens = c.outcomes.breakevens;
    sp.win_rate = c.outcomes.win_rate();
    if (c.loss_pnls > 0) {
      auto wins = figures.sum(c.win_pnl, Col::pnl, figure + "profit_factor (wins)");
      auto losses = figures.sum(c.loss_pnl, Col::pnl, figure + "profit_factor (losses)");
      if (wins && losses && *losses != 0) {
        sp.profit_factor = *wins / std::abs(*losses);
        if (!std::isfinite(*sp.profit_factor)) {
          sp.profit_factor.reset();
          figures.overflow(
              c.last_pnl_line, Col::pnl,
              figure + "profit_factor: the ratio of the PnL sums is beyond the range of a double; null");
        }
      }
    }
    sp.expectancy = figures.mean(c.return_sum, c.returns, Col::return_, figure + "expectancy");
    sp.total_pnl = figures.sum(c.total_pnl, Col::pnl, figure + "total_pnl");
    sp.average_duration_days =
        figures.mean(c.duration_sum, c.durations, Col::duration_days, figure + "average_duration_days");
    s.strategy_performance.push_back(std::move(sp));
  }

  TradeSummary::Analysis& a = s.analysis;
  a.exit_trades = m_with_exit, a.without_exit_date = m_without_exit;
  {
    std::vector<std::pair<std::int64_t, const DayStats*>> days;
    days.reserve(m_day_stats.size());
    for (const DayStats& d : m_day_stats) days.emplace_back(d.days, &d);  // in date order, as the keys
    std::sort(days.begin(), days.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    Streak streak;
    std::vector<std::int64_t> curve_days;
    std::vector<std::uint64_t> curve_lines;  // each curve date's last row with a PnL
    bool exact = true;
    for (const auto& [day, d] : days) {
      streak = Streak::combine(streak, d->streak);
      if (d->pnl_trades == 0) continue;
      a.curve_trades += d->pnl_trades;
      curve_days.push_back(day);
      curve_lines.push_back(d->last_pnl_line);
      exact = exact && d->pnl.exact_only;
    }
    a.longest_winning = streak.max_win, a.longest_losing = streak.max_loss;
    if (streak.n > 0 && streak.last != 0) {
      a.current_kind = streak.last > 0 ? "win" : "loss";
      a.current_length = streak.suffix;
    }
    if (curve_days.empty()) {
      a.drawdown.max_relative_reason = "no closed trade with an exit date and a PnL";
    } else if (exact) {
      std::vector<Int128> cum;
      Int128 c = 0;
      for (const auto& [day, d] : days)
        if (d->pnl_trades) cum.push_back(c += d->pnl.exact);
      drawdown_of(curve_days, cum, a);
    } else {
      // Neumaier over the days' figures in date order.
      std::vector<double> cum;
      double sum = 0, comp = 0;
      bool finite = true;
      for (const auto& [day, d] : days) {
        if (!d->pnl_trades) continue;
        neumaier_add(sum, comp, d->pnl.value());
        cum.push_back(sum + comp);
        finite = finite && std::isfinite(cum.back());
      }
      if (finite) {
        const std::ptrdiff_t beyond_i = drawdown_of(curve_days, cum, a);
        // A drawdown between finite cumulative values can still leave the
        // double range (1.7e308 down to -1.7e308): null, with a reason and an issue.
        auto& dd = a.drawdown;
        bool beyond = false;
        for (std::optional<double>* f : {&dd.max, &dd.current, &dd.max_relative})
          if (*f && !std::isfinite(**f)) f->reset(), beyond = true;
        if (beyond) {
          if (!dd.max_relative) dd.max_relative_reason = "the drawdown is beyond the range of a double";
          // The last row of the first date where it is not finite (not the
          // file's last PnL row, which may be on no curve date).
          const std::uint64_t line =
              beyond_i >= 0 ? curve_lines[static_cast<size_t>(beyond_i)] : m_last_pnl_line;
          figures.overflow(line, Col::pnl,
                           "trade_analysis.drawdown: the drawdown is beyond the range of a double "
                           "(about 1.8e308); null");
        }
      } else {
        a.points_total = cum.size();
        a.drawdown.max_relative_reason = "the cumulative PnL is beyond the range of a double";
        figures.overflow(m_last_pnl_line, Col::pnl,
                         "trade_analysis.equity_curve: the cumulative PnL is beyond the range of a double; "
                         "the curve and its drawdown are null");
      }
    }
  }
  a.excursion_trades = m_excursion_trades;
  a.average_mfe =
      figures.mean(m_mfe_sum, m_mfes, Col::max_favourable_excursion, "trade_analysis.excursions.average_mfe");
  a.average_mae =
      figures.mean(m_mae_sum, m_maes, Col::max_adverse_excursion, "trade_analysis.excursions.average_mae");
  a.average_exit_efficiency = figures.mean(m_eff_sum, m_effs, Col::exit_efficiency,
                                           "trade_analysis.excursions.average_exit_efficiency");
  a.winners_with_mfe = m_winners_with_mfe, a.winners_gave_back_half = m_gave_back_half;
  if (m_winners_with_mfe)
    a.gave_back_half_share = static_cast<double>(m_gave_back_half) / static_cast<double>(m_winners_with_mfe);
  {
    std::vector<std::uint64_t> month_trades(m_month_stats.size());
    for (const DayStats& d : m_day_stats) month_trades[d.month] += d.pnl_trades;
    for (const auto& [key, place] : m_month_index) {
      if (month_trades[place] == 0) continue;  // only days with outcomes and no PnL
      char text[16];
      std::snprintf(text, sizeof text, "%04d-%02d", static_cast<int>(key / 12),
                    static_cast<int>(key % 12) + 1);
      a.monthly_pnl.push_back(
          {text,
           figures.sum(m_month_stats[place].pnl, Col::pnl, std::string("trade_analysis.monthly_pnl.") + text),
           month_trades[place]});
    }
  }
  // SQN (docs/STATISTICS.md, "SQN").
  a.sqn_trades = m_returns;
  a.mean_return = m.expectancy;
  if (m_returns >= 2 && m.expectancy) {
    const auto n = static_cast<double>(m_returns);
    std::optional<double> stdev;
    const Int128 b = m_return_sum.exact, a2 = m_return_squares.exact;  // sum of s, of s^2
    const UInt128 abs_b = b < 0 ? -static_cast<UInt128>(b) : static_cast<UInt128>(b);
    // N * a2 and b * b below 2^127, checked without __builtin_mul_overflow on
    // 128 bits (clang would call compiler-rt's __muloti4, which libgcc lacks).
    const Int128 max = static_cast<Int128>((UInt128{1} << 127) - 1);
    constexpr UInt128 k_max_root = 13043817825332782212u;  // floor(sqrt(2^127 - 1))
    if (m_return_sum.exact_only && m_return_squares.exact_only &&
        a2 <= max / static_cast<Int128>(m_returns) && abs_b <= k_max_root) {
      const Int128 na = static_cast<Int128>(m_returns) * a2, bb = b * b;
      stdev = std::sqrt(static_cast<double>(na - bb) / (n * (n - 1))) / 1e8;
    } else {
      // Welford's M2 in file order; not finite (NaN or infinite) when the squares overflow.
      const double var = m_return_squares.spread() / (n - 1);
      if (std::isfinite(var)) stdev = std::sqrt(std::max(0.0, var));
    }
    a.stdev_return = stdev;
    if (!stdev)
      a.sqn_reason = "the squares of the Returns are beyond the range of a double";
    else if (*stdev == 0)
      a.sqn_reason = "the Returns do not vary (their standard deviation is 0)";
    else
      a.sqn = std::sqrt(n) * *m.expectancy / *stdev;
  } else {
    a.sqn_reason = m_returns < 2 ? "fewer than 2 closed trades with a Return"
                                 : "the mean Return is beyond the range of a double";
  }
  a.binned_trades = m_binned;
  for (size_t i = 0; i < m_bins.size(); ++i) {
    const Bin& b = m_bins[i];
    if (b.wins + b.losses + b.breakevens == 0) continue;
    const int lo = static_cast<int>(i) - 40;
    TradeSummary::Analysis::Bin out;
    if (lo > -40) out.from = lo / 20.0;
    if (lo < 39) out.to = (lo + 1) / 20.0;
    out.wins = b.wins, out.losses = b.losses, out.breakevens = b.breakevens;
    a.bins.push_back(out);
  }

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
  w.field("average_win_duration_days", m.average_win_duration_days);
  w.field("average_loss_duration_days", m.average_loss_duration_days);
  w.end_object();

  w.key("strategy_performance").begin_object();
  for (const auto& p : s.strategy_performance) {
    w.key(p.name).begin_object();
    w.field("closed_trades", p.closed_trades).field("wins", p.wins).field("losses", p.losses);
    w.field("breakevens", p.breakevens).field("win_rate", p.win_rate).field("profit_factor", p.profit_factor);
    w.field("expectancy", p.expectancy).field("total_pnl", p.total_pnl);
    w.field("average_duration_days", p.average_duration_days);
    w.end_object();
  }
  w.end_object();

  const TradeSummary::Analysis& a = s.analysis;
  w.key("trade_analysis").begin_object();
  w.key("exit_order").begin_object();
  w.field("trades", a.exit_trades).field("without_exit_date", a.without_exit_date).end_object();
  w.key("equity_curve").begin_object();
  w.field("trades", a.curve_trades).field("points_total", a.points_total).field("downsampled", a.downsampled);
  w.key("points").begin_array();
  for (const auto& p : a.points) w.begin_array().value(p.date).value(p.cumulative).end_array();
  w.end_array().end_object();
  const auto& dd = a.drawdown;
  w.key("drawdown").begin_object();
  w.field("max", dd.max)
      .field("max_relative", dd.max_relative)
      .field("max_relative_reason", dd.max_relative_reason);
  w.field("peak_date", dd.peak_date)
      .field("trough_date", dd.trough_date)
      .field("recovery_date", dd.recovery_date);
  w.field("longest_days", dd.longest_days).field("longest_start", dd.longest_start);
  w.field("longest_end", dd.longest_end).field("longest_recovered", dd.longest_recovered);
  w.field("current", dd.current).end_object();
  w.key("streaks").begin_object();
  w.field("longest_winning", a.longest_winning).field("longest_losing", a.longest_losing);
  w.field("current_kind", a.current_kind).field("current_length", a.current_length).end_object();
  w.key("excursions").begin_object();
  w.field("trades", a.excursion_trades)
      .field("average_mfe", a.average_mfe)
      .field("average_mae", a.average_mae);
  w.field("average_exit_efficiency", a.average_exit_efficiency).field("winners_with_mfe", a.winners_with_mfe);
  w.field("winners_gave_back_half", a.winners_gave_back_half);
  w.field("gave_back_half_share", a.gave_back_half_share).end_object();
  w.key("monthly_pnl").begin_array();
  for (const auto& mo : a.monthly_pnl)
    w.begin_object().field("month", mo.month).field("pnl", mo.pnl).field("trades", mo.trades).end_object();
  w.end_array();
  w.key("sqn").begin_object();
  w.field("value", a.sqn).field("trades", a.sqn_trades).field("mean_return", a.mean_return);
  w.field("stdev_return", a.stdev_return).field("reason", a.sqn_reason).end_object();
  w.key("return_distribution").begin_object();
  w.field("bin_width", 0.05).field("trades", a.binned_trades);
  w.key("bins").begin_array();
  for (const auto& b : a.bins) {
    w.begin_object().field("from", b.from).field("to", b.to).field("wins", b.wins);
    w.field("losses", b.losses).field("breakevens", b.breakevens).end_object();
  }
  w.end_array().end_object();
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
