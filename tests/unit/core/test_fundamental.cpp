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
  FundamentalScanner scanner;
  for (std::string_view l : lines) scanner.scan_line(l);
  return scanner.finish();
}

// The fixture files of tests/fixtures/analysis_variants (hand-written, one per variant).
std::filesystem::path variant(const std::string& name) {
  return std::filesystem::path(THD_SOURCE_DIR) /
         "tests/fixtures/analysis_variants/outputs/fundamental_analysis" / name;
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
  CHECK(empty(scan({"Recommendation: BUYING opportunity"})));  // a word that starts like BUY is not BUY
  CHECK(empty(scan({"Recommendation: BUY/HOLD"})));            // two verdicts are none
  CHECK(empty(scan({"Our Recommendation: BUY"})));
  CHECK(empty(scan({"Recommendation BUY"})));
  CHECK(empty(scan({"Fair Value Range: TBD"})));
  CHECK(empty(scan({"Fair value is hard to estimate: $190 - $230"})));
  CHECK(empty(scan({"Conviction level: high"})));
  CHECK(scan({"Our Recommendation: BUY"}).notes.empty());  // not the label: not even a note
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

namespace thd {

TEST_CASE("fundamental: qualified verdicts map to BUY, HOLD or SELL and keep their label") {
  struct Case {
    const char* line;
    const char* recommendation;
    const char* label;
  };
  for (const Case& c : {Case{"Recommendation: STRONG BUY", "BUY", "STRONG BUY"},
                        Case{"Recommendation: Speculative Buy", "BUY", "SPECULATIVE BUY"},
                        Case{"Recommendation: accumulate", "BUY", "ACCUMULATE"},
                        Case{"Recommendation: Outperform (raised)", "BUY", "OUTPERFORM"},
                        Case{"Recommendation: Overweight", "BUY", "OVERWEIGHT"},
                        Case{"Recommendation: Strong-Sell", "SELL", "STRONG SELL"},
                        Case{"Recommendation: REDUCE", "SELL", "REDUCE"},
                        Case{"Recommendation: Underperform", "SELL", "UNDERPERFORM"},
                        Case{"Recommendation: Underweight", "SELL", "UNDERWEIGHT"},
                        Case{"Recommendation: Neutral", "HOLD", "NEUTRAL"},
                        Case{"Recommendation: Market Perform", "HOLD", "MARKET PERFORM"},
                        Case{"Recommendation: Equal-weight", "HOLD", "EQUAL WEIGHT"},
                        Case{"Recommendation: BUY", "BUY", "BUY"},
                        Case{"Recommendation: BUY - margins expand", "BUY", "BUY"}}) {
    INFO(c.line);
    auto f = scan({c.line});
    CHECK(f.recommendation == c.recommendation);
    CHECK(f.recommendation_label == c.label);
    CHECK(f.notes.empty());
  }
  // The conviction after the bar still counts with a qualified verdict.
  auto f = scan({"**Recommendation: STRONG BUY | Conviction: 0.8/1.0**"});
  CHECK(f.recommendation == "BUY");
  CHECK(f.recommendation_label == "STRONG BUY");
  REQUIRE(f.conviction.has_value());
  CHECK(*f.conviction == doctest::Approx(0.8));
}

TEST_CASE("fundamental: an unknown verdict is null with its label and a note, never a guess") {
  auto f = scan({"Recommendation: CAUTIOUSLY OPTIMISTIC | Conviction: 0.4/1.0"});
  CHECK_FALSE(f.recommendation.has_value());
  CHECK(f.recommendation_label == "CAUTIOUSLY OPTIMISTIC");
  REQUIRE(f.notes.size() == 1);
  CHECK(f.notes[0].find("'CAUTIOUSLY OPTIMISTIC'") != std::string::npos);
  CHECK(f.notes[0].find("left null") != std::string::npos);
  REQUIRE(f.conviction.has_value());
  CHECK(*f.conviction == doctest::Approx(0.4));
  // "STRONG" alone, or a word that merely begins like a verdict, is not one.
  CHECK_FALSE(scan({"Recommendation: STRONG"}).recommendation.has_value());
  CHECK(scan({"Recommendation: BUYING opportunity"}).recommendation_label == "BUYING OPPORTUNITY");
  // A known verdict later in the file wins, and the note goes.
  auto g = scan({"Recommendation: [pending]", "Recommendation: SELL"});
  CHECK(g.recommendation == "SELL");
  CHECK(g.recommendation_label == "SELL");
  CHECK(g.notes.empty());
}

TEST_CASE("fundamental: the verdict on the line after a Recommendation heading") {
  auto f = scan({"### Recommendation", "", "**BUY** with $32-36 target price range", "### Risks"});
  CHECK(f.recommendation == "BUY");
  CHECK(f.recommendation_label == "BUY");
  // No Fair Value Range line: the target range is the fair value.
  REQUIRE(f.fair_value_low.has_value());
  CHECK(*f.fair_value_low == doctest::Approx(32.0));
  REQUIRE(f.fair_value_high.has_value());
  CHECK(*f.fair_value_high == doctest::Approx(36.0));
  CHECK(f.currency == "USD");
  CHECK(f.fair_value_source == "recommendation_target");
  CHECK(f.notes.empty());

  // A Fair Value Range line, before or after, wins over the target.
  for (bool before : {true, false}) {
    INFO("fair value line before the heading: " << before);
    auto g =
        before
            ? scan({"Fair Value Range: $30 - $34", "## Investment Recommendation", "**HOLD**, $40-45 target"})
            : scan(
                  {"## Investment Recommendation", "**HOLD**, $40-45 target", "Fair Value Range: $30 - $34"});
    CHECK(g.recommendation == "HOLD");
    CHECK(*g.fair_value_low == doctest::Approx(30.0));
    CHECK(*g.fair_value_high == doctest::Approx(34.0));
    CHECK(g.fair_value_source == "fair_value_range");
  }
  // A Fair Value Range line without amounts still exists: no target, a note.
  auto h = scan({"### Recommendation", "**SELL** with a $10-12 target", "Fair Value Range: overvalued"});
  CHECK(h.recommendation == "SELL");
  CHECK_FALSE(h.fair_value_low.has_value());
  CHECK_FALSE(h.currency.has_value());
  REQUIRE(h.notes.size() == 1);

  // A bold label with the verdict below it.
  CHECK(scan({"**Recommendation:**", "Strong Buy"}).recommendation_label == "STRONG BUY");
  // Numbers without a currency are no target ("12-month", "3-5 years").
  auto k = scan({"### Recommendation", "BUY on a 3-5 year view"});
  CHECK(k.recommendation == "BUY");
  CHECK_FALSE(k.fair_value_low.has_value());
  // Prose after the heading: a note, no recommendation, no label.
  auto p = scan({"### Recommendation", "We like the franchise but wait for a better price."});
  CHECK_FALSE(p.recommendation.has_value());
  CHECK_FALSE(p.recommendation_label.has_value());
  REQUIRE(p.notes.size() == 1);
  CHECK(p.notes[0].find("Recommendation heading") != std::string::npos);
  // A heading that only mentions the word is not the verdict's heading.
  CHECK(scan({"### Recommendation history", "BUY"}).notes.empty());
  CHECK_FALSE(scan({"### Recommendation history", "BUY"}).recommendation.has_value());
}

TEST_CASE("fundamental: currencies, codes and thousands separators") {
  struct Case {
    const char* line;
    double low, high;
    const char* currency;
  };
  for (const Case& c : {Case{"Fair Value Range: AUD $238.90 - AUD $252.80", 238.90, 252.80, "AUD"},
                        Case{"Fair Value Range: \xE2\x82\xAC"
                             "120 - \xE2\x82\xAC"
                             "140",
                             120, 140, "EUR"},
                        Case{"Fair Value Range: \xC2\xA3"
                             "2.40 to \xC2\xA3"
                             "2.85",
                             2.40, 2.85, "GBP"},
                        Case{"Fair Value Range: \xC2\xA5"
                             "3,000 - \xC2\xA5"
                             "3,400",
                             3000, 3400, "JPY"},
                        Case{"Fair Value Range: $1,185.50 - $1,320", 1185.50, 1320, "USD"},
                        Case{"Fair Value Range: 120 EUR - 140 EUR", 120, 140, "EUR"},
                        Case{"Fair Value Range: CAD 45 - 52", 45, 52, "CAD"},
                        Case{"Fair Value Range: HK$310 - HK$350", 310, 350, "HKD"},
                        Case{"Fair Value Range: 120 - 140 CHF", 120, 140, "CHF"}}) {
    INFO(c.line);
    auto f = scan({c.line});
    REQUIRE(f.fair_value_low.has_value());
    CHECK(*f.fair_value_low == doctest::Approx(c.low));
    CHECK(*f.fair_value_high == doctest::Approx(c.high));
    CHECK(f.currency == c.currency);
    CHECK(f.fair_value_source == "fair_value_range");
  }
  // No symbol and no code: the currency is unknown, not assumed.
  auto plain = scan({"Fair Value Range: 190 - 230"});
  CHECK(*plain.fair_value_low == doctest::Approx(190.0));
  CHECK_FALSE(plain.currency.has_value());
  // Two currencies are not one range.
  auto mixed =
      scan({"Fair Value Range: $100 - \xE2\x82\xAC"
            "120"});
  CHECK_FALSE(mixed.fair_value_low.has_value());
  REQUIRE(mixed.notes.size() == 1);
  CHECK(mixed.notes[0].find("no low - high range") != std::string::npos);
  // The current price with a code.
  auto cur = scan({"Fair Value Range: AUD $238.90 - AUD $252.80 (Current: AUD $245.10)"});
  REQUIRE(cur.current_price.has_value());
  CHECK(*cur.current_price == doctest::Approx(245.10));
}

TEST_CASE("fundamental: a Fair Value Range line without numbers is a null fair value with a note") {
  auto f = scan({"**Fair Value Range:** Analysis indicates overvaluation"});
  CHECK_FALSE(f.fair_value_low.has_value());
  CHECK_FALSE(f.fair_value_high.has_value());
  CHECK_FALSE(f.fair_value_source.has_value());
  REQUIRE(f.notes.size() == 1);
  CHECK(f.notes[0] ==
        "Fair Value Range line 'Analysis indicates overvaluation' has no amounts; fair value left null");
  // A later line with amounts replaces it, and the note goes.
  auto g = scan({"Fair Value Range: TBD", "Fair Value Range: $5 - $7"});
  CHECK(*g.fair_value_low == doctest::Approx(5.0));
  CHECK(g.notes.empty());
}

TEST_CASE("fundamental: the hand-written variant files") {
  auto nvda = read_fundamental_file(variant("NVDA_20261118.md"));
  REQUIRE(nvda.has_value());
  CHECK(nvda->recommendation == "BUY");
  CHECK(nvda->recommendation_label == "STRONG BUY");
  CHECK(*nvda->conviction == doctest::Approx(0.8));
  CHECK(*nvda->fair_value_low == doctest::Approx(1185.50));
  CHECK(*nvda->fair_value_high == doctest::Approx(1320.0));
  CHECK(*nvda->current_price == doctest::Approx(1101.25));
  CHECK(nvda->currency == "USD");

  auto pltr = read_fundamental_file(variant("PLTR_20261117.md"));
  REQUIRE(pltr.has_value());
  CHECK(pltr->recommendation == "BUY");
  CHECK(pltr->recommendation_label == "SPECULATIVE BUY");
  CHECK(*pltr->conviction == doctest::Approx(0.6));
  CHECK_FALSE(pltr->fair_value_low.has_value());
  CHECK(pltr->notes.empty());

  auto asml = read_fundamental_file(variant("ASML_20261116.md"));
  REQUIRE(asml.has_value());
  CHECK(asml->recommendation == "SELL");
  CHECK(asml->recommendation_label == "STRONG SELL");
  CHECK(*asml->fair_value_low == doctest::Approx(120.0));
  CHECK(*asml->fair_value_high == doctest::Approx(140.0));
  CHECK(*asml->current_price == doctest::Approx(151.30));
  CHECK(asml->currency == "EUR");

  auto barc = read_fundamental_file(variant("BARC.L_20261115.md"));
  REQUIRE(barc.has_value());
  CHECK(barc->recommendation == "BUY");
  CHECK(barc->recommendation_label == "ACCUMULATE");
  CHECK(*barc->conviction == doctest::Approx(0.7));
  CHECK(*barc->fair_value_low == doctest::Approx(2.40));
  CHECK(*barc->fair_value_high == doctest::Approx(2.85));
  CHECK(barc->currency == "GBP");

  auto gme = read_fundamental_file(variant("GME_20261114.md"));
  REQUIRE(gme.has_value());
  CHECK(gme->recommendation == "SELL");
  CHECK(gme->recommendation_label == "REDUCE");
  CHECK_FALSE(gme->fair_value_low.has_value());
  REQUIRE(gme->notes.size() == 1);
  CHECK(gme->notes[0].find("'Analysis indicates overvaluation' has no amounts") != std::string::npos);

  auto sofi = read_fundamental_file(variant("SOFI_20261113.md"));
  REQUIRE(sofi.has_value());
  CHECK(sofi->recommendation == "BUY");
  CHECK(sofi->recommendation_label == "BUY");
  CHECK(*sofi->fair_value_low == doctest::Approx(32.0));
  CHECK(*sofi->fair_value_high == doctest::Approx(36.0));
  CHECK(sofi->currency == "USD");
  CHECK(sofi->fair_value_source == "recommendation_target");

  auto csl = read_fundamental_file(variant("CSL.AX_20261112.md"));
  REQUIRE(csl.has_value());
  CHECK(csl->recommendation == "HOLD");
  CHECK(*csl->fair_value_low == doctest::Approx(238.90));
  CHECK(*csl->fair_value_high == doctest::Approx(252.80));
  CHECK(*csl->current_price == doctest::Approx(245.10));
  CHECK(csl->currency == "AUD");

  auto rivn = read_fundamental_file(variant("RIVN_20261111.md"));
  REQUIRE(rivn.has_value());
  CHECK_FALSE(rivn->recommendation.has_value());
  CHECK(rivn->recommendation_label == "CAUTIOUSLY OPTIMISTIC");
  CHECK(*rivn->conviction == doctest::Approx(0.4));
  CHECK(*rivn->fair_value_low == doctest::Approx(9.0));
  CHECK(*rivn->fair_value_high == doctest::Approx(14.0));
  REQUIRE(rivn->notes.size() == 1);
}

}  // namespace thd
