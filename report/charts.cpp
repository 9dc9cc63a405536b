// The four charts: SVG when the document has their data, else a sentence saying why.
#include <algorithm>
#include <cmath>
#include <tuple>

#include "core/base/date.hpp"
#include "report/format.hpp"
#include "report/sections.hpp"
#include "report/svg.hpp"

namespace thd::report {
namespace {

double day_number(const std::string& date) {
  auto d = parse_iso_date(date);
  return d ? static_cast<double>(days_from_civil(*d)) : 0;
}

std::string text_at(double x, double y, std::string_view text, const char* anchor = "start",
                    const char* cls = "axis") {
  return "<text class=\"" + std::string(cls) + "\" x=\"" + coord(x) + "\" y=\"" + coord(y) +
         "\" text-anchor=\"" + anchor + "\">" + html_escape(text) + "</text>";
}

std::string rect(double x, double y, double w, double h, const char* cls, std::string_view tip = {}) {
  std::string out = "<rect class=\"" + std::string(cls) + "\" x=\"" + coord(x) + "\" y=\"" + coord(y) +
                    "\" width=\"" + coord(std::max(w, 0.0)) + "\" height=\"" + coord(std::max(h, 0.0)) + "\"";
  if (tip.empty()) return out + "/>";
  return out + "><title>" + html_escape(tip) + "</title></rect>";
}

std::string line(double x1, double y1, double x2, double y2, const char* cls) {
  return "<line class=\"" + std::string(cls) + "\" x1=\"" + coord(x1) + "\" y1=\"" + coord(y1) + "\" x2=\"" +
         coord(x2) + "\" y2=\"" + coord(y2) + "\"/>";
}

ChartBlock no_data(std::string id, std::string title, std::string why) {
  return ChartBlock{std::move(id), std::move(title), std::move(why), ""};
}

}  // namespace

double LinearScale::operator()(double v) const {
  if (d1 == d0 || !std::isfinite(v) || !std::isfinite(d0) || !std::isfinite(d1)) return (r0 + r1) / 2;
  // Halved first and divided before multiplied: no overflow near the largest doubles (9e305).
  const double span = d1 / 2 - d0 / 2;
  const double t = (v / 2 - d0 / 2) / span;
  const double out = r0 + t * (r1 - r0);
  return std::isfinite(out) ? out : (r0 + r1) / 2;
}

std::string svg_open(std::string_view title, double width, double height) {
  // No xmlns: inline in HTML the parser puts <svg> in its namespace, and the page names no URL at all.
  return "<svg role=\"img\" viewBox=\"0 0 " + coord(width) + " " + coord(height) + "\" width=\"" +
         coord(width) + "\" height=\"" + coord(height) + "\"><title>" + html_escape(title) + "</title>";
}

std::string equity_svg(const std::vector<TradeAnalysis::Point>& points, std::string_view title) {
  double lo = 0, hi = 0;
  for (const auto& p : points) lo = std::min(lo, p.cumulative), hi = std::max(hi, p.cumulative);
  const double first = day_number(points.front().date), last = day_number(points.back().date);
  const LinearScale x{first, last, k_margin_left, k_chart_width - k_margin_right};
  const LinearScale y{lo, hi, k_chart_height - k_margin_bottom, k_margin_top};
  // The curve starts at 0 on the first exit date; the peak includes that start.
  std::string curve = "M" + coord(x(first)) + "," + coord(y(0));
  std::string peak_path, back;
  double peak = 0;
  std::vector<std::pair<double, double>> peaks;
  for (const auto& p : points) {
    const double px = x(day_number(p.date));
    curve += " L" + coord(px) + "," + coord(y(p.cumulative));
    peak = std::max(peak, p.cumulative);
    peaks.emplace_back(px, y(peak));
  }
  // The shaded area: along the running peak forward, back along the curve.
  std::string area = "M" + coord(x(first)) + "," + coord(y(0));
  for (const auto& [px, py] : peaks) area += " L" + coord(px) + "," + coord(py);
  for (size_t i = points.size(); i-- > 0;)
    area += " L" + coord(peaks[i].first) + "," + coord(y(points[i].cumulative));
  area += " Z";
  std::string svg = svg_open(title, k_chart_width, k_chart_height);
  svg += line(k_margin_left, y(0), k_chart_width - k_margin_right, y(0), "zero");
  svg += "<path class=\"drawdown\" d=\"" + area + "\"/>";
  svg += "<path class=\"curve\" d=\"" + curve + "\"/>";
  // An axis label within 12 px of the zero line's "$0" would overprint it: left out.
  if (std::fabs(y(hi) - y(0)) >= 12) svg += text_at(k_margin_left - 6, y(hi) + 4, money_short(hi), "end");
  if (lo < 0 && std::fabs(y(lo) - y(0)) >= 12)
    svg += text_at(k_margin_left - 6, y(lo) + 4, money_short(lo), "end");
  svg += text_at(k_margin_left - 6, y(0) + 4, "$0", "end");
  svg += text_at(k_margin_left, k_chart_height - 8, points.front().date);
  svg += text_at(k_chart_width - k_margin_right, k_chart_height - 8, points.back().date, "end");
  return svg + "</svg>";
}

ChartBlock equity_chart(const ReportModel& m) {
  const char* title = "Equity curve: cumulative PnL of closed trades by exit date, drawdown shaded";
  if (!m.analysis || !m.analysis->equity_present)
    return no_data("chart-equity", title,
                   std::string("Equity curve: ") + k_not_in_document +
                       " (written before the trade analysis of issue 13).");
  const TradeAnalysis& a = *m.analysis;
  if (a.points.empty())
    return no_data("chart-equity", title, "Equity curve: no closed trade with an exit date and a PnL.");
  std::string summary = "Equity curve: " + std::to_string(a.points.size()) + " exit dates from " +
                        a.points.front().date + " to " + a.points.back().date + ", ending at " +
                        money(a.points.back().cumulative);
  if (a.max_drawdown.has()) summary += "; max drawdown " + money(*a.max_drawdown);
  if (a.downsampled && a.points_total.has())
    summary += " (" + count(*a.points_total) + " dates, every k-th drawn)";
  return ChartBlock{"chart-equity", title, summary + ".", equity_svg(a.points, summary)};
}

ChartBlock returns_chart(const ReportModel& m) {
  const char* title = "Distribution of trade returns: wins, losses and breakevens";
  if (!m.analysis || !m.analysis->distribution_present)
    return no_data("chart-returns", title, std::string("Return distribution: ") + k_not_in_document + ".");
  const TradeAnalysis& a = *m.analysis;
  const double width = a.bin_width.has() && *a.bin_width > 0 ? *a.bin_width : 0.05;
  if (a.bins.empty())
    return no_data("chart-returns", title, "Return distribution: no closed trade with a return.");
  // A bin's index from its lower edge (the open low end: from its upper one), within the
  // document's [-40, 39] (docs/STATISTICS.md), so that no edge makes the chart unbounded.
  const auto index = [width](const TradeAnalysis::Bin& b) {
    const double edge = b.from.has() ? *b.from / width : b.to.has() ? *b.to / width - 1 : 0;
    return std::lround(std::clamp(std::isfinite(edge) ? edge : 0.0, -40.0, 39.0));
  };
  long first = index(a.bins.front()), last = first;
  double tallest = 0, wins = 0, losses = 0, breakevens = 0;
  for (const auto& b : a.bins) {
    first = std::min(first, index(b)), last = std::max(last, index(b));
    tallest = std::max(tallest, b.wins + b.losses + b.breakevens);
    wins += b.wins, losses += b.losses, breakevens += b.breakevens;
  }
  const LinearScale x{static_cast<double>(first), static_cast<double>(last + 1), k_margin_left,
                      k_chart_width - k_margin_right};
  const LinearScale y{0, tallest, k_chart_height - k_margin_bottom, k_margin_top};
  const auto counted = [](double n, const char* one, const char* many) {
    return count(n) + " " + (n == 1 ? one : many);
  };
  const std::string summary = "Return distribution: " + counted(wins, "win", "wins") + ", " +
                              counted(losses, "loss", "losses") + " and " +
                              counted(breakevens, "breakeven", "breakevens") + " in bins of " +
                              percent(width, 0) + ", from " + percent(static_cast<double>(first) * width, 0) +
                              " to " + percent(static_cast<double>(last + 1) * width, 0) + ".";
  std::string svg = svg_open(summary, k_chart_width, k_chart_height);
  const double bar = x(1) - x(0);
  for (const auto& b : a.bins) {
    const double left = x(static_cast<double>(index(b))) + 1;
    double base = 0;
    const std::string range = (b.from.has() ? percent(*b.from, 0) : std::string("below")) + " to " +
                              (b.to.has() ? percent(*b.to, 0) : std::string("above"));
    for (const auto& [n, cls, what] :
         {std::tuple{b.wins, "win", "wins"}, std::tuple{b.losses, "loss", "losses"},
          std::tuple{b.breakevens, "even", "breakevens"}}) {
      if (n <= 0) continue;
      svg +=
          rect(left, y(base + n), bar - 2, y(base) - y(base + n), cls, range + ": " + count(n) + " " + what);
      base += n;
    }
  }
  svg += line(k_margin_left, y(0), k_chart_width - k_margin_right, y(0), "zero");
  if (first <= 0 && last >= 0) svg += line(x(0), k_margin_top, x(0), y(0), "zero");
  svg += text_at(k_margin_left - 6, y(tallest) + 4, count(tallest) + " trades", "end");
  svg += text_at(k_margin_left, k_chart_height - 8, percent(static_cast<double>(first) * width, 0));
  svg += text_at(k_chart_width - k_margin_right, k_chart_height - 8,
                 percent(static_cast<double>(last + 1) * width, 0), "end");
  return ChartBlock{"chart-returns", title, summary, svg + "</svg>"};
}

ChartBlock strategy_chart(const ReportModel& m) {
  const char* title = "Performance per strategy";
  if (m.strategies.empty())
    return no_data("chart-strategies", title, "Strategies: no trades in the document.");
  bool pnl = false;
  for (const Strategy& s : m.strategies) pnl |= s.performance && s.total_pnl.has();
  constexpr size_t k_max_bars = 40;
  const size_t shown = std::min(m.strategies.size(), k_max_bars);
  const double row = 22, height = k_margin_top + row * static_cast<double>(shown) + k_margin_bottom;
  double lo = 0, hi = 0;
  for (size_t i = 0; i < shown; ++i) {
    const Strategy& s = m.strategies[i];
    const double v = pnl ? s.total_pnl.value.value_or(0) : s.total.value.value_or(0);
    lo = std::min(lo, v), hi = std::max(hi, v);
  }
  const double left = 160;
  const LinearScale x{lo, hi, left, k_chart_width - k_margin_right - 80};
  std::string summary =
      pnl ? "Total PnL per strategy"
          : std::string("Trades per strategy (PnL per strategy: ") + k_not_in_document + ")";
  if (shown < m.strategies.size())
    summary += "; the first " + std::to_string(shown) + " of " + std::to_string(m.strategies.size());
  std::string svg = svg_open(summary, k_chart_width, height);
  for (size_t i = 0; i < shown; ++i) {
    const Strategy& s = m.strategies[i];
    const double v = pnl ? s.total_pnl.value.value_or(0) : s.total.value.value_or(0);
    const double top = k_margin_top + row * static_cast<double>(i);
    const std::string label = clip(s.name, 22);
    svg += text_at(left - 6, top + 15, label, "end", "label");
    const double x0 = x(std::min(0.0, v)), x1 = x(std::max(0.0, v));
    const std::string shown_value = pnl ? (s.total_pnl.has() ? money(v) : "n/a") : count(v) + " trades";
    svg += rect(x0, top + 3, x1 - x0, row - 6, pnl && v < 0 ? "loss" : "win", s.name + ": " + shown_value);
    svg += text_at(x1 + 4, top + 15, shown_value, "start", "label");
  }
  svg += line(x(0), k_margin_top, x(0), height - k_margin_bottom, "zero");
  return ChartBlock{"chart-strategies", title, summary + ".", svg + "</svg>"};
}

ChartBlock fair_value_chart(const ReportModel& m) {
  const char* title = "Open positions: price against the local fair-value range";
  struct Row {
    std::string ticker;
    double price, low, high;
  };
  std::vector<Row> rows;
  std::vector<std::string> without;
  for (const OpenPosition& p : m.open_positions) {
    const Ticker* t = m.find_ticker(p.ticker);
    if (t && t->market.price.has() && t->fundamentals.fair_value_low.has() &&
        t->fundamentals.fair_value_high.has())
      rows.push_back(
          {p.ticker, *t->market.price, *t->fundamentals.fair_value_low, *t->fundamentals.fair_value_high});
    else
      without.push_back(p.ticker);
  }
  std::string rest;
  for (const std::string& t : without) rest += (rest.empty() ? "" : ", ") + t;
  if (rows.empty())
    return no_data("chart-fair-value", title,
                   m.open_positions.empty() ? "Fair value: no open positions."
                                            : "Fair value: no open position has both a price and a local "
                                              "fair-value range (" +
                                                  rest + ").");
  constexpr size_t k_max_rows = 60;
  if (rows.size() > k_max_rows) rows.resize(k_max_rows);
  const double row = 24, height = k_margin_top + row * static_cast<double>(rows.size()) + k_margin_bottom;
  std::string summary = "Price against the local fair-value range for " + std::to_string(rows.size()) +
                        " open positions (each row on its own scale)";
  if (!rest.empty()) summary += "; without a price or a range: " + rest;
  std::string svg = svg_open(summary, k_chart_width, height);
  // The label right of each row ("288.28 vs 265–305") has 232 px: 36 characters at 11 px.
  const double left = 90, right = k_chart_width - 240;
  const auto short_number = [](double v) {
    std::string d = decimal(v, 2);
    if (d.size() > 3 && d.compare(d.size() - 3, 3, ".00") == 0) d.resize(d.size() - 3);
    return d;
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    const double top = k_margin_top + row * static_cast<double>(i);
    const double lo = std::min(r.low, r.price), hi = std::max(r.high, r.price), pad = (hi - lo) * 0.1 + 1e-9;
    const LinearScale x{lo - pad, hi + pad, left, right};
    svg += text_at(left - 6, top + 16, clip(r.ticker, 12), "end", "label");
    svg += rect(x(r.low), top + 6, x(r.high) - x(r.low), row - 12, "range",
                r.ticker + " fair value " + decimal(r.low, 2) + " – " + decimal(r.high, 2));
    const char* cls = r.price < r.low ? "win" : r.price > r.high ? "loss" : "price";
    svg += "<circle class=\"" + std::string(cls) + "\" cx=\"" + coord(x(r.price)) + "\" cy=\"" +
           coord(top + row / 2) + "\" r=\"5\"><title>" +
           html_escape(r.ticker + " price " + decimal(r.price, 2)) + "</title></circle>";
    svg +=
        text_at(right + 8, top + 16,
                clip(short_number(r.price) + " vs " + short_number(r.low) + "–" + short_number(r.high), 36),
                "start", "label");
  }
  return ChartBlock{"chart-fair-value", title, summary + ".", svg + "</svg>"};
}

}  // namespace thd::report
