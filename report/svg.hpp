// The charts' geometry: a linear scale from data to pixels, and the SVG of
// each chart (inline, no script; colours from the page's CSS classes, so
// that dark mode and print restyle them).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "report/model.hpp"

namespace thd::report {

// Maps [d0, d1] onto [r0, r1]; an empty domain (d0 == d1) maps to the middle of the range.
struct LinearScale {
  double d0, d1, r0, r1;
  double operator()(double v) const;
};

// Every chart is this size (viewBox), with these margins for its axes' labels.
inline constexpr double k_chart_width = 640, k_chart_height = 240;
inline constexpr double k_margin_left = 72, k_margin_right = 16, k_margin_top = 12, k_margin_bottom = 28;

// An <svg role="img"> whose first child is <title>`title`</title> (escaped).
std::string svg_open(std::string_view title, double width, double height);

// The equity curve (cumulative PnL by exit date, from 0 before the first)
// with the drawdown (running peak - curve) shaded under the peak line.
// `points` must not be empty.
std::string equity_svg(const std::vector<TradeAnalysis::Point>& points, std::string_view title);

}  // namespace thd::report
