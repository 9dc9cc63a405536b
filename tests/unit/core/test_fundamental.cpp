// Recommendation, conviction and fair value lines of a fundamental analysis
// (SPEC §4.1), in the markdown variants people actually write.
#include "core/fundamental.hpp"

#include <doctest/doctest.h>

#include <string>

#include "../support.hpp"

namespace thd {
namespace {

using thd::test::TempDir;
using thd::test::write_file;

FundamentalFacts scan(std::initializer_list<std::string_view> lines) {
  FundamentalFacts f;
  for (std::string_view l : lines) scan_fundamental_line(l, f);
  return f;
}

bool empty(const FundamentalFacts& f) {
  return !f.recommendation && !f.conviction && !f.fair_value_low && !f.fair_value_high && !f.current_price;
}

// ~40 KB of ordinary markdown that mentions the words without being the lines.
std::string filler(size_t bytes) {
  std::string out;
  int n = 0;
  while (out.size() < bytes) {
    out +=
        "| Metric " + std::to_string(n) + " | value | the fair value and the recommendation come later |\n";
    ++n;
  }
  return out;
}

}  // namespace

TEST_CASE("fundamental: bold recommendation with conviction") {
  auto f = scan({"**Recommendation: BUY | Conviction: 0.9/1.0**"});
  CHECK(f.recommendation == "BUY");
  REQUIRE(f.conviction.has_value());
  CHECK(*f.conviction == doctest::Approx(0.9));
  CHECK_FALSE(f.fair_value_low.has_value());
  CHECK_FALSE(f.complete());
}

TEST_CASE("fundamental: heading recommendation") {
  auto f = scan({"### Recommendation: HOLD"});
  CHECK(f.recommendation == "HOLD");
  CHECK_FALSE(f.conviction.has_value());
}

TEST_CASE("fundamental: list item with bold labels") {
  auto f = scan({"- **Recommendation**: SELL | **Conviction**: 0.6/1.0"});
  CHECK(f.recommendation == "SELL");
  REQUIRE(f.conviction.has_value());
  CHECK(*f.conviction == doctest::Approx(0.6));
}

TEST_CASE("fundamental: lower-case recommendation word is normalised") {
  CHECK(scan({"Recommendation: buy"}).recommendation == "BUY");
  CHECK(scan({"Recommendation: Hold"}).recommendation == "HOLD");
  CHECK(scan({"recommendation: sell"}).recommendation == "SELL");
}

TEST_CASE("fundamental: conviction on its own line") {
  auto f = scan({"Recommendation: BUY", "Conviction: 8/10"});
  CHECK(f.recommendation == "BUY");
  REQUIRE(f.conviction.has_value());
  CHECK(*f.conviction == doctest::Approx(0.8));
  CHECK(*scan({"**Conviction:** 0.75"}).conviction == doctest::Approx(0.75));
  // Out of range: 12/10 is not a conviction.
  CHECK_FALSE(scan({"Conviction: 12/10"}).conviction.has_value());
}

TEST_CASE("fundamental: fair value range with current price") {
  auto f = scan({"**Fair Value Range: $190 - $230 (Current: $212.41)**"});
  REQUIRE(f.fair_value_low.has_value());
  REQUIRE(f.fair_value_high.has_value());
  REQUIRE(f.current_price.has_value());
  CHECK(*f.fair_value_low == doctest::Approx(190.0));
  CHECK(*f.fair_value_high == doctest::Approx(230.0));
  CHECK(*f.current_price == doctest::Approx(212.41));
  CHECK_FALSE(f.recommendation.has_value());
}

TEST_CASE("fundamental: thousands separators") {
  auto f = scan({"Fair Value Range: $1,020 - $1,180 (Current: $1,101.50)"});
  REQUIRE(f.fair_value_low.has_value());
  REQUIRE(f.fair_value_high.has_value());
  REQUIRE(f.current_price.has_value());
  CHECK(*f.fair_value_low == doctest::Approx(1020.0));
  CHECK(*f.fair_value_high == doctest::Approx(1180.0));
  CHECK(*f.current_price == doctest::Approx(1101.5));
}

TEST_CASE("fundamental: en dash between the amounts") {
  auto f = scan({"Fair Value Range: $190 \xE2\x80\x93 $230 (Current: $212.41)"});
  REQUIRE(f.fair_value_low.has_value());
  REQUIRE(f.fair_value_high.has_value());
  CHECK(*f.fair_value_low == doctest::Approx(190.0));
  CHECK(*f.fair_value_high == doctest::Approx(230.0));
  REQUIRE(f.current_price.has_value());
  CHECK(*f.current_price == doctest::Approx(212.41));
  // Without spaces around the en dash.
  auto g = scan({"Fair Value Range: $88.5\xE2\x80\x93$97"});
  REQUIRE(g.fair_value_low.has_value());
  CHECK(*g.fair_value_low == doctest::Approx(88.5));
  CHECK(*g.fair_value_high == doctest::Approx(97.0));
  CHECK_FALSE(g.current_price.has_value());
}

TEST_CASE("fundamental: lines that must not match") {
  CHECK(empty(scan({"Recommendation rationale: BUY because margins expand"})));
  CHECK(empty(scan({"Recommendation: STRONG BUY"})));
  CHECK(empty(scan({"Recommendation: BUYING opportunity"})));
  CHECK(empty(scan({"Our Recommendation: BUY"})));
  CHECK(empty(scan({"Recommendation BUY"})));
  CHECK(empty(scan({"Fair Value Range: TBD"})));
  CHECK(empty(scan({"Fair value is hard to estimate: $190 - $230"})));
  CHECK(empty(scan({"Conviction level: high"})));
  // A rationale line does not block the real line that follows.
  auto f = scan({"Recommendation rationale: see below", "**Recommendation: SELL | Conviction: 0.7/1.0**"});
  CHECK(f.recommendation == "SELL");
  REQUIRE(f.conviction.has_value());
  CHECK(*f.conviction == doctest::Approx(0.7));
}

TEST_CASE("fundamental: a file where the facts come after 40 KB of text") {
  TempDir dir;
  std::string text = "# AAPL fundamental analysis\n\n" + filler(40 * 1024) +
                     "\n## Verdict\n\n"
                     "Recommendation rationale: services growth\n"
                     "**Recommendation: BUY | Conviction: 0.9/1.0**\n"
                     "**Fair Value Range: $190 - $230 (Current: $212.41)**\n"
                     "\nMore text.\n";
  REQUIRE(text.size() > 40 * 1024);
  write_file(dir / "AAPL_20261122.md", text);
  auto r = read_fundamental_file(dir / "AAPL_20261122.md");
  REQUIRE(r.has_value());
  CHECK(r->recommendation == "BUY");
  REQUIRE(r->conviction.has_value());
  CHECK(*r->conviction == doctest::Approx(0.9));
  REQUIRE(r->fair_value_low.has_value());
  CHECK(*r->fair_value_low == doctest::Approx(190.0));
  CHECK(*r->fair_value_high == doctest::Approx(230.0));
  REQUIRE(r->current_price.has_value());
  CHECK(*r->current_price == doctest::Approx(212.41));
  CHECK(r->complete());
}

TEST_CASE("fundamental: CRLF file, facts on separate lines, last line without newline") {
  TempDir dir;
  write_file(dir / "MSFT_20261122.md",
             "# MSFT\r\n\r\n### Recommendation: HOLD\r\nConviction: 8/10\r\n"
             "Fair Value Range: $1,020 - $1,180 (Current: $1,101.50)");
  auto r = read_fundamental_file(dir / "MSFT_20261122.md");
  REQUIRE(r.has_value());
  CHECK(r->recommendation == "HOLD");
  REQUIRE(r->conviction.has_value());
  CHECK(*r->conviction == doctest::Approx(0.8));
  REQUIRE(r->fair_value_low.has_value());
  CHECK(*r->fair_value_low == doctest::Approx(1020.0));
  CHECK(*r->fair_value_high == doctest::Approx(1180.0));
  REQUIRE(r->current_price.has_value());
  CHECK(*r->current_price == doctest::Approx(1101.5));
}

TEST_CASE("fundamental: a file with none of the lines") {
  TempDir dir;
  write_file(dir / "NONE_20261122.md", "# Notes\n\nRecommendation rationale: none yet\n" + filler(20000));
  auto r = read_fundamental_file(dir / "NONE_20261122.md");
  REQUIRE(r.has_value());
  CHECK(empty(*r));
  CHECK_FALSE(r->complete());
  write_file(dir / "EMPTY_20261122.md", "");
  auto e = read_fundamental_file(dir / "EMPTY_20261122.md");
  REQUIRE(e.has_value());
  CHECK(empty(*e));
}

TEST_CASE("fundamental: text inside a very long line never matches, wherever the line is cut") {
  // The label sits in the middle of one long line, so the line does not start
  // with it. Filler lengths around common buffer sizes.
  TempDir dir;
  for (size_t n : {size_t{4095}, size_t{4096}, size_t{4097}, size_t{8192}, size_t{16383}, size_t{16384},
                   size_t{16385}, size_t{32768}, size_t{65536}}) {
    INFO("filler bytes before the label: " << n);
    write_file(dir / "LONG_20261122.md", std::string(n, 'x') + "Recommendation: SELL\nmore\n");
    auto r = read_fundamental_file(dir / "LONG_20261122.md");
    REQUIRE(r.has_value());
    CHECK_FALSE(r->recommendation.has_value());
  }
}

TEST_CASE("fundamental: a missing file is an error naming it") {
  TempDir dir;
  auto r = read_fundamental_file(dir / "GONE_20261122.md");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message.find("GONE_20261122.md") != std::string::npos);
}

TEST_CASE("fundamental: a file read only up to 1 MiB with facts still missing says it was cut") {
  TempDir dir;
  const std::string prose(1000, 'x');
  std::string big;
  while (big.size() <= k_max_analysis_read) big += prose + "\n";
  write_file(dir / "BIG_20261122.md", big + "Recommendation: BUY\n");
  bool cut = false;
  auto r = read_fundamental_file(dir / "BIG_20261122.md", &cut);
  REQUIRE(r.has_value());
  CHECK(cut);
  CHECK_FALSE(r->recommendation.has_value());

  // The facts first: reading stops at them, nothing is cut.
  write_file(dir / "TOP_20261122.md",
             "Recommendation: BUY\nConviction: 0.8\nFair Value Range: $1 - $2\n" + big);
  r = read_fundamental_file(dir / "TOP_20261122.md", &cut);
  REQUIRE(r.has_value());
  CHECK_FALSE(cut);
  CHECK(r->recommendation == "BUY");

  // Small and incomplete: read to its end, not cut.
  write_file(dir / "SMALL_20261122.md", "Recommendation: SELL\n");
  r = read_fundamental_file(dir / "SMALL_20261122.md", &cut);
  REQUIRE(r.has_value());
  CHECK_FALSE(cut);
}

}  // namespace thd
