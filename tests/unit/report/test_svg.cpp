// report/svg: the scale and the equity curve's geometry, against coordinates
// worked out by hand (chart 640 x 240; plot x 72..624, y 212..12).
#include "report/svg.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <string>

#include "report/format.hpp"

using namespace thd::report;

TEST_CASE("LinearScale maps the domain onto the range, reversed ranges included") {
  const LinearScale x{0, 10, 72, 624};
  CHECK(x(0) == 72);
  CHECK(x(10) == 624);
  CHECK(x(5) == 348);
  const LinearScale y{-50, 200, 212, 12};  // up is smaller in SVG
  CHECK(y(-50) == 212);
  CHECK(y(200) == 12);
  CHECK(y(0) == doctest::Approx(172));
  CHECK(y(100) == doctest::Approx(92));
  const LinearScale flat{3, 3, 0, 100};
  CHECK(flat(3) == 50);  // an empty domain: the middle of the range
}

TEST_CASE("equity_svg: the curve from 0, the drawdown between the running peak and the curve") {
  // Days 0, 2, 4: x = 72, 348, 624. Values 100, -50, 200 on [-50, 200]: y(v) = 212 - (v + 50) * 0.8,
  // so y(0) = 172, y(100) = 92, y(-50) = 212, y(200) = 12. Running peak: 100, 100, 200.
  const std::string svg =
      equity_svg({{"2025-01-01", 100}, {"2025-01-03", -50}, {"2025-01-05", 200}}, "a <b>");
  CHECK(svg.rfind("<svg role=\"img\" viewBox=\"0 0 640 240\" width=\"640\" height=\"240\">", 0) == 0);
  CHECK(svg.find("><title>a &lt;b&gt;</title>") != std::string::npos);  // the first child, escaped
  CHECK(svg.find("class=\"curve\" d=\"M72,172 L72,92 L348,212 L624,12\"") != std::string::npos);
  CHECK(svg.find("class=\"drawdown\" d=\"M72,172 L72,92 L348,92 L624,12 L624,12 L348,212 L72,92 Z\"") !=
        std::string::npos);
  CHECK(svg.find("<line class=\"zero\" x1=\"72\" y1=\"172\" x2=\"624\" y2=\"172\"/>") != std::string::npos);
  CHECK(svg.find(">$200.00</text>") != std::string::npos);
  CHECK(svg.find(">-$50.00</text>") != std::string::npos);
  CHECK(svg.substr(svg.size() - 6) == "</svg>");
}

TEST_CASE("equity_svg: one exit date is a point in the middle, not a division by zero") {
  const std::string svg = equity_svg({{"2025-01-01", 10}}, "t");
  // x domain empty: 348 (the middle); y domain [0, 10]: y(0) = 212, y(10) = 12.
  CHECK(svg.find("class=\"curve\" d=\"M348,212 L348,12\"") != std::string::npos);
}

TEST_CASE("LinearScale and coord: the largest doubles neither overflow nor write inf or nan") {
  const LinearScale y{-9e305, 9e305, 212, 12};
  CHECK(y(-9e305) == doctest::Approx(212));
  CHECK(y(9e305) == doctest::Approx(12));
  CHECK(y(0) == doctest::Approx(112));
  const LinearScale wide{-1.7e308, 1.7e308, 0, 100};
  CHECK(wide(0) == doctest::Approx(50));
  CHECK(wide(1.7e308) == doctest::Approx(100));
  CHECK(coord(std::numeric_limits<double>::quiet_NaN()) == "0");
  CHECK(coord(std::numeric_limits<double>::infinity()) == "0");
  CHECK(coord(1e300) == "1000000");
  const std::string svg = equity_svg({{"2025-01-01", 9e305}, {"2025-01-03", -9e305}}, "t");
  CHECK(svg.find("inf") == std::string::npos);
  CHECK(svg.find("nan") == std::string::npos);
  CHECK(svg.find("=\"-\"") == std::string::npos);
  CHECK(svg.find(",-") == std::string::npos);  // every y within the chart
}

TEST_CASE("equity_svg: the minimum's label is left out when it would overprint $0") {
  // [-1, 1000]: y(-1) is 0.2 px below y(0).
  const std::string svg = equity_svg({{"2025-01-01", 1000}, {"2025-01-03", -1}}, "t");
  CHECK(svg.find(">-$1.00</text>") == std::string::npos);
  CHECK(svg.find(">$0</text>") != std::string::npos);
  CHECK(svg.find(">$1,000.00</text>") != std::string::npos);
}
