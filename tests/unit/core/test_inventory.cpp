#include <doctest/doctest.h>

#include "core/inventory.hpp"
#include "tests/unit/support.hpp"

using namespace thd;

namespace {
constexpr UnixTime k_now = 1795348800;  // 2026-11-22T12:00:00Z

void fundamental(const test::TempDir& d, const std::string& name, const std::string& body = "") {
  test::write_file(d / ("outputs/fundamental_analysis/" + name), body);
}
void sector(const test::TempDir& d, const std::string& name) {
  test::write_file(d / ("outputs/sector_analysis/" + name), "# sector\n");
}
bool has_ignored(const std::vector<IgnoredFile>& v, const std::string& file) {
  for (const auto& f : v)
    if (f.file == file) return true;
  return false;
}
}  // namespace

TEST_CASE("newest file per ticker by the date in its name, not by mtime") {
  test::TempDir d;
  fundamental(d, "AAPL_20261001.md", "Recommendation: SELL\n");
  fundamental(d, "AAPL_20261118.md", "**Recommendation: BUY | Conviction: 0.9/1.0**\n");
  fundamental(d, "aapl_20261117.md", "Recommendation: HOLD\n");
  // The oldest-dated file is the most recently modified one.
  test::set_mtime(d / "outputs/fundamental_analysis/AAPL_20261118.md", k_now - 86400 * 30);
  test::set_mtime(d / "outputs/fundamental_analysis/AAPL_20261001.md", k_now);
  auto inv = scan_local_inventory(d.path(), k_now, {});
  REQUIRE(inv);
  REQUIRE(inv->by_ticker.size() == 1);
  const TickerAnalysis* a = inv->find_ticker("aapl");
  REQUIRE(a);
  CHECK(a->file == "AAPL_20261118.md");
  CHECK(a->files == 3);
  CHECK(a->age_days == 4);
  CHECK(a->facts.recommendation == "BUY");
  CHECK(a->facts.conviction == doctest::Approx(0.9));
  CHECK(inv->fundamental_files == 3);
}

TEST_CASE("staleness: older than --stale-days, from the date in the name") {
  test::TempDir d;
  fundamental(d, "KO_20261022.md");   // 31 days before 2026-11-22
  fundamental(d, "PEP_20261023.md");  // 30 days: not older than 30
  auto inv = scan_local_inventory(d.path(), k_now, {30});
  REQUIRE(inv);
  CHECK(inv->find_ticker("KO")->age_days == 31);
  CHECK(inv->find_ticker("KO")->stale);
  CHECK(inv->find_ticker("PEP")->age_days == 30);
  CHECK_FALSE(inv->find_ticker("PEP")->stale);
  auto lenient = scan_local_inventory(d.path(), k_now, {31});
  CHECK_FALSE(lenient->find_ticker("KO")->stale);
}

TEST_CASE("tickers with dots and dashes match each other and case-insensitively") {
  test::TempDir d;
  fundamental(d, "BRK.B_20261120.md");
  fundamental(d, "btc-usd_20261119.md");
  auto inv = scan_local_inventory(d.path(), k_now, {});
  REQUIRE(inv);
  CHECK(inv->find_ticker("BRK.B"));
  CHECK(inv->find_ticker("brk-b"));
  CHECK(inv->find_ticker("BTC-USD"));
  CHECK_FALSE(inv->find_ticker("BRK"));
}

TEST_CASE("malformed names are listed as ignored, never fatal") {
  test::TempDir d;
  fundamental(d, "MSFT_20261112.md");
  fundamental(d, "notes.md");
  fundamental(d, "MSFT_2026-11-03.md");
  fundamental(d, "MSFT_20261331.md");
  fundamental(d, "A B_20261101.md");
  fundamental(d, "NVDA_20261119.txt");
  std::filesystem::create_directories(d / "outputs/fundamental_analysis/archive");
  sector(d, "README.txt");
  sector(d, "crypto assets_20261101.md");  // a space: neither a sector nor a theme name
  sector(d, "crypto_20261101.md");         // a theme, not ignored
  auto inv = scan_local_inventory(d.path(), k_now, {});
  REQUIRE(inv);
  CHECK(inv->by_ticker.size() == 1);
  CHECK(inv->fundamental_files == 1);
  CHECK(inv->fundamental_ignored.size() == 6);
  for (const char* f : {"notes.md", "MSFT_2026-11-03.md", "MSFT_20261331.md", "A B_20261101.md",
                        "NVDA_20261119.txt", "archive"})
    CHECK_MESSAGE(has_ignored(inv->fundamental_ignored, f), f);
  CHECK(inv->sector_ignored.size() == 2);
  CHECK(has_ignored(inv->sector_ignored, "README.txt"));
  CHECK(has_ignored(inv->sector_ignored, "crypto assets_20261101.md"));
  CHECK(inv->by_theme.count("crypto") == 1);
}

TEST_CASE("sector files under aliases, newest per canonical sector") {
  test::TempDir d;
  sector(d, "finance_20261112.md");
  sector(d, "industrial_20261108.md");
  sector(d, "Technology_20261001.md");
  sector(d, "tech_20261115.md");
  sector(d, "consumer_staples_20261020.md");
  auto inv = scan_local_inventory(d.path(), k_now, {});
  REQUIRE(inv);
  CHECK(inv->by_sector.size() == 4);
  CHECK(inv->by_sector.at("financials").file == "finance_20261112.md");
  CHECK(inv->by_sector.at("financials").alias == "finance");
  CHECK(inv->by_sector.at("industrials").alias == "industrial");
  CHECK(inv->by_sector.at("technology").file == "tech_20261115.md");
  CHECK(inv->by_sector.at("technology").files == 2);
  CHECK(inv->by_sector.at("consumer_staples").age_days == 33);
  CHECK(inv->by_sector.at("consumer_staples").stale);
  CHECK(inv->by_sector.at("consumer_staples").alias.empty());
}

TEST_CASE("missing directories are empty, not errors") {
  test::TempDir d;
  auto inv = scan_local_inventory(d.path(), k_now, {});
  REQUIRE(inv);
  CHECK_FALSE(inv->fundamental_dir_exists);
  CHECK_FALSE(inv->sector_dir_exists);
  CHECK(inv->by_ticker.empty());
}

TEST_CASE("coverage: covered, missing, stale, ratio; duplicates counted once") {
  test::TempDir d;
  fundamental(d, "AAPL_20261118.md");
  fundamental(d, "KO_20260920.md");
  fundamental(d, "BRK-B_20261101.md");
  auto inv = scan_local_inventory(d.path(), k_now, {});
  REQUIRE(inv);
  Coverage c = compute_coverage(*inv, {"AAPL", "KO", "MSFT", "aapl", "BRK.B", " ", "TSLA"});
  CHECK(c.tickers == std::vector<std::string>{"AAPL", "KO", "MSFT", "BRK.B", "TSLA"});
  CHECK(c.covered == std::vector<std::string>{"AAPL", "KO", "BRK.B"});
  CHECK(c.missing == std::vector<std::string>{"MSFT", "TSLA"});
  CHECK(c.stale == std::vector<std::string>{"KO"});
  REQUIRE(c.ratio);
  CHECK(*c.ratio == doctest::Approx(0.6));
  CHECK_FALSE(compute_coverage(*inv, {}).ratio);
}

TEST_CASE("a symbol: 1 to 20 bytes of [A-Za-z0-9.^=-], one a letter or digit") {
  CHECK(is_valid_ticker("AAPL"));
  CHECK(is_valid_ticker("BRK.B"));
  CHECK(is_valid_ticker("^VIX"));
  CHECK(is_valid_ticker("EURUSD=X"));
  CHECK(is_valid_ticker("BTC-USD"));
  CHECK(is_valid_ticker(std::string(20, 'A')));
  CHECK_FALSE(is_valid_ticker(std::string(21, 'A')));
  CHECK_FALSE(is_valid_ticker(""));
  CHECK_FALSE(is_valid_ticker("A B"));
  CHECK_FALSE(
      is_valid_ticker("A\xff"
                      "B"));
  CHECK_FALSE(is_valid_ticker("A/B"));
  CHECK_FALSE(is_valid_ticker("--"));
}

TEST_CASE("sector files for themes that are not one of the 11 sectors are listed as themes") {
  test::TempDir d;
  sector(d, "technology_20261110.md");
  sector(d, "quantum_computing_20250805.md");
  sector(d, "Quantum_Computing_20261105.md");  // the same theme, newer
  sector(d, "ai-infrastructure_20261120.md");
  auto inv = scan_local_inventory(d.path(), k_now, {30});
  REQUIRE(inv);
  CHECK(inv->sector_files == 1);
  CHECK(inv->by_sector.size() == 1);
  CHECK(inv->theme_files == 3);
  REQUIRE(inv->by_theme.size() == 2);
  const SectorAnalysis& q = inv->by_theme.at("quantum_computing");
  CHECK(q.file == "Quantum_Computing_20261105.md");
  CHECK(q.files == 2);
  CHECK(q.age_days == 17);  // 2026-11-05 to 2026-11-22
  CHECK_FALSE(q.stale);
  CHECK(q.alias.empty());
  CHECK(inv->by_theme.at("ai-infrastructure").age_days == 2);
  CHECK(inv->sector_ignored.empty());
}

TEST_CASE("the hand-written variant files: facts per ticker, themes beside sectors") {
  std::filesystem::path data = std::filesystem::path(THD_SOURCE_DIR) / "tests/fixtures/analysis_variants";
  auto inv = scan_local_inventory(data, k_now, {30});
  REQUIRE(inv);
  CHECK(inv->by_ticker.size() == 8);
  CHECK(inv->fundamental_ignored.empty());
  const TickerAnalysis* csl = inv->find_ticker("csl.ax");
  REQUIRE(csl);
  CHECK(csl->age_days == 10);
  CHECK(csl->facts.recommendation == "HOLD");
  CHECK(csl->facts.currency == "AUD");
  CHECK(*csl->facts.fair_value_low == doctest::Approx(238.90));
  const TickerAnalysis* gme = inv->find_ticker("GME");
  REQUIRE(gme);
  CHECK(gme->facts.recommendation_label == "REDUCE");
  CHECK_FALSE(gme->facts.fair_value_low.has_value());
  CHECK(gme->facts.notes.size() == 1);
  CHECK(inv->find_ticker("SOFI")->facts.fair_value_source == "recommendation_target");
  CHECK_FALSE(inv->find_ticker("RIVN")->facts.recommendation.has_value());
  CHECK(inv->sector_files == 1);
  CHECK(inv->by_sector.count("technology") == 1);
  CHECK(inv->theme_files == 2);
  REQUIRE(inv->by_theme.count("quantum_computing") == 1);
  CHECK(inv->by_theme.at("quantum_computing").file == "Quantum_Computing_20261105.md");
  CHECK(inv->sector_ignored.empty());
}
