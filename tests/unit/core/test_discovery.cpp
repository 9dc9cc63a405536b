// Phase 3 (the Discovery value) from hand-made inputs, then its JSON. Every
// expected figure is worked out here from the inputs.
#include <doctest/doctest.h>
#include <simdjson.h>

#include "core/discovery.hpp"
#include "core/trade_stats.hpp"
#include "tests/unit/support.hpp"

using namespace thd;

namespace {

constexpr UnixTime k_now = 1795348800;  // 2026-11-22T12:00:00Z

TickerAnalysis analysis(std::string ticker, std::string rec, std::int64_t age_days, bool stale) {
  TickerAnalysis a;
  a.ticker = ticker;
  a.file = ticker + "_20261101.md";
  a.date = {2026, 11, 1};
  a.age_days = age_days;
  a.stale = stale;
  a.files = 1;
  a.facts.recommendation = std::move(rec);
  return a;
}

Served served(NeedKind kind, std::string subject, Record record, SourceKind source, std::string service) {
  Need need{kind, std::move(subject), {}};
  RecordKind rk = static_cast<RecordKind>(record.index());
  return {need, rk, std::move(record), {source, std::move(service), k_now - 60, 60, ""}};
}

struct Fixture {
  test::TempDir dir;
  Config config;
  PortfolioFile portfolio{"p", "", Date{2026, 11, 20}};
  TradeStats trades{Date{2026, 11, 22}};
  Phase0 phase0;
  std::vector<Served> needs;
  std::vector<ServiceState> services{{"fmp", true, "enabled"}, {"alpha_vantage", false, "disabled (no key)"}};
  StatCounters lookups;

  Fixture() {
    config.offline = false;
    portfolio.path = dir / "p_20261120.csv";
    // AAPL open, MSFT and JPM closed, BTC-USD open.
    test::write_file(portfolio.path,
                     "Position_UUID,Ticker,Strategy_Type,Entry_Timestamp,Exit_Timestamp,PnL,Return,Status\n"
                     "A1,AAPL,SMA,2026-10-01,,,,Open\n"
                     "A2,MSFT,SMA,2026-01-02,2026-02-01,100,0.10,Closed\n"
                     "A3,JPM,EMA,2026-03-02,2026-04-01,-50,-0.05,Closed\n"
                     "A4,BTC-USD,SMA,2026-11-01,,,,Open\n");
    read_trade_history(portfolio.path, trades);
    phase0.now = k_now;
    phase0.local.by_ticker[ticker_match_key("AAPL")] = analysis("AAPL", "BUY", 21, false);
    phase0.local.by_ticker[ticker_match_key("MSFT")] = analysis("MSFT", "HOLD", 45, true);
    SectorAnalysis tech;
    tech.sector = "technology";
    tech.file = "technology_20261110.md";
    tech.date = {2026, 11, 10};
    tech.age_days = 12;
    phase0.local.by_sector["technology"] = tech;
    SectorAnalysis energy;  // a sector file no ticker of the portfolio is in
    energy.sector = "energy";
    energy.file = "energy_20261001.md";
    energy.date = {2026, 10, 1};
    energy.age_days = 52;
    energy.stale = true;
    phase0.local.by_sector["energy"] = energy;

    MarketRecord aapl;
    aapl.price = 190.5;
    needs.push_back(served(NeedKind::market, "AAPL", aapl, SourceKind::network, "yahoo_finance"));
    MarketRecord spy;
    spy.price = 600;
    needs.push_back(served(NeedKind::market, "SPY", spy, SourceKind::cache, "yahoo_finance"));
    SeriesRecord vix;
    vix.value = 25;
    needs.push_back(served(NeedKind::vix, "VIX", vix, SourceKind::stale_cache, "fred_economic"));
    ProfileRecord p_aapl, p_msft, p_jpm;
    p_aapl.sector = "technology";
    p_msft.sector = "Information Technology";  // a provider's spelling: canonical is technology
    p_jpm.sector = "Not a sector";             // unknown: unclassified
    needs.push_back(served(NeedKind::profile, "AAPL", p_aapl, SourceKind::network, "fmp"));
    needs.push_back(served(NeedKind::profile, "MSFT", p_msft, SourceKind::network, "fmp"));
    needs.push_back(served(NeedKind::profile, "JPM", p_jpm, SourceKind::network, "fmp"));
    FundamentalsRecord f_jpm;
    f_jpm.pe_ratio = 12.5;
    needs.push_back(served(NeedKind::fundamentals, "JPM", f_jpm, SourceKind::network, "fmp"));
    Served missing = served(NeedKind::crypto, "bitcoin", CryptoRecord{}, SourceKind::missing, "");
    missing.provenance.reason = "coingecko: HTTP 500";
    needs.push_back(missing);

    lookups.add("fmp", Stat::hits, 3);
    lookups.add("yahoo_finance", Stat::misses, 1);
    lookups.add("fmp", Stat::stores, 2);
  }

  Discovery build(const NetworkUsage* net = nullptr) {
    return build_discovery({config, k_now, portfolio, phase0, trades, needs, services, lookups, net});
  }
};

const Discovery::Ticker& ticker(const Discovery& d, std::string_view t) {
  for (const auto& x : d.tickers)
    if (x.ticker == t) return x;
  FAIL("no ticker " << t);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE(
    "discovery: tickers sorted, each with market, profile and fundamentals or the reason they are missing") {
  Fixture f;
  Discovery d = f.build();
  REQUIRE(d.tickers.size() == 4);
  CHECK(d.tickers[0].ticker == "AAPL");
  CHECK(d.tickers[1].ticker == "BTC-USD");
  CHECK(d.tickers[2].ticker == "JPM");
  CHECK(d.tickers[3].ticker == "MSFT");

  const auto& aapl = ticker(d, "AAPL");
  CHECK(std::get<MarketRecord>(aapl.market.record).price == 190.5);
  CHECK(aapl.market.provenance.source == SourceKind::network);
  // Local analysis: its facts, and "local" provenance dated by the file name.
  CHECK(aapl.fundamentals.facts.recommendation == "BUY");
  REQUIRE(aapl.fundamentals.local);
  CHECK(aapl.fundamentals.local->file == "AAPL_20261101.md");
  CHECK(aapl.fundamentals.provenance.source == SourceKind::local);
  const UnixTime nov1 = 1793491200;  // 2026-11-01T00:00:00Z
  CHECK(aapl.fundamentals.provenance.fetched_at == nov1);
  CHECK(aapl.fundamentals.provenance.age_seconds == k_now - nov1);

  const auto& jpm = ticker(d, "JPM");  // closed: no market need
  CHECK(jpm.market.provenance.source == SourceKind::missing);
  CHECK(jpm.market.provenance.reason == "not requested: no open position (--full-market-data requests it)");
  CHECK_FALSE(std::get<MarketRecord>(jpm.market.record).price);
  CHECK(jpm.fundamentals.figures.pe_ratio == 12.5);
  CHECK(jpm.fundamentals.provenance.service == "fmp");

  const auto& btc = ticker(d, "BTC-USD");
  CHECK(btc.profile.provenance.reason == "not requested: crypto has no company profile");
  CHECK(btc.fundamentals.provenance.reason == "no company fundamentals for crypto");

  CHECK(ticker(d, "MSFT").fundamentals.provenance.reason == "local analysis is stale");
}

TEST_CASE("discovery: market context, VIX regime, economic figures not planned") {
  Fixture f;
  Discovery d = f.build();
  REQUIRE(d.market.benchmarks.size() == 3);
  CHECK(d.market.benchmarks[0].first == "SPY");
  CHECK(std::get<MarketRecord>(d.market.benchmarks[0].second.record).price == 600);
  CHECK(d.market.benchmarks[1].first == "QQQ");
  CHECK(d.market.benchmarks[1].second.provenance.reason == "not planned");
  // 25 is in [20, 30): elevated.
  CHECK(d.market.vix.value == 25);
  CHECK(d.market.vix.regime == "elevated");
  CHECK(d.market.vix.provenance.source == SourceKind::stale_cache);
  REQUIRE(d.market.economic.size() == 4);
  CHECK(d.market.economic[0].first == "FEDFUNDS");
  CHECK(d.market.economic[0].second.provenance.source == SourceKind::missing);
  REQUIRE(d.market.crypto.size() == 1);
  CHECK(d.market.crypto[0].first == "bitcoin");
  CHECK(d.market.crypto[0].second.provenance.reason == "coingecko: HTTP 500");
}

TEST_CASE("discovery: integration counts recommendations and ages over the covered tickers") {
  Fixture f;
  Discovery d = f.build();
  const auto& in = d.integration;
  // Covered: AAPL (BUY, 21 days) and MSFT (HOLD, 45 days, stale); JPM and BTC-USD have no analysis.
  CHECK(in.coverage.covered.size() == 2);
  CHECK(in.coverage.ratio == doctest::Approx(2.0 / 4.0));
  CHECK(in.recommendations.at("BUY") == 1);
  CHECK(in.recommendations.at("HOLD") == 1);
  CHECK(in.recommendations.at("SELL") == 0);
  CHECK(in.recommendations.at("none") == 0);
  CHECK(in.average_analysis_age_days == doctest::Approx((21.0 + 45.0) / 2));
  CHECK(in.stale_analyses == 1);
}

TEST_CASE(
    "discovery: sectors group tickers by their profile's canonical sector, with the local sector files") {
  Fixture f;
  Discovery d = f.build();
  REQUIRE(d.sectors.by_sector.size() == 2);  // energy (a file, no ticker), technology
  CHECK(d.sectors.by_sector[0].name == "energy");
  CHECK(d.sectors.by_sector[0].tickers.empty());
  REQUIRE(d.sectors.by_sector[0].analysis);
  CHECK(d.sectors.by_sector[0].analysis->stale);
  CHECK(d.sectors.by_sector[1].name == "technology");
  CHECK(d.sectors.by_sector[1].tickers == std::vector<std::string>{"AAPL", "MSFT"});
  CHECK(d.sectors.by_sector[1].analysis->file == "technology_20261110.md");
  // JPM's sector is unknown; BTC-USD has no profile.
  CHECK(d.sectors.unclassified == std::vector<std::string>{"BTC-USD", "JPM"});
}

TEST_CASE("discovery: metadata counts needs by source, the run's lookups, services and their limits") {
  Fixture f;
  NetworkUsage net;
  net.attempts = 5;
  net.succeeded = 4;
  net.failed["http_status"] = 1;
  net.services["fmp"] = {5, 1, "closed", "", 4, 0, ""};
  Discovery d = f.build(&net);
  const auto& m = d.metadata;
  CHECK(m.mode == "online");
  CHECK(m.needs_total == 8);
  CHECK(m.needs_by_source.at("network") == 5);
  CHECK(m.needs_by_source.at("cache") == 1);
  CHECK(m.needs_by_source.at("stale_cache") == 1);
  CHECK(m.needs_by_source.at("missing") == 1);
  CHECK(m.needs_by_source.at("local") == 0);
  CHECK(m.cache_hits == 3);
  CHECK(m.cache_misses == 1);
  CHECK(m.cache_stores == 2);
  CHECK(m.cache_hit_ratio == doctest::Approx(0.75));
  CHECK(m.api.attempts == 5);
  REQUIRE(m.services.size() == 2);
  CHECK(m.services[0].name == "fmp");
  CHECK(m.services[0].calls == 5);
  CHECK(m.services[0].failures == 1);
  CHECK(m.services[0].circuit == "closed");
  CHECK(m.services[0].per_minute == 250);
  CHECK(m.services[0].per_day == 250);  // FMP's free plan: 250 calls a day
  // Disabled and never called: no circuit; Alpha Vantage's free plan is 25 a
  // day at one a second (no per-minute rule of its own).
  CHECK_FALSE(m.services[1].circuit);
  CHECK_FALSE(m.services[1].per_minute);
  CHECK(m.services[1].per_second == 1);
  CHECK(m.services[1].per_day == 25);
  CHECK_FALSE(m.services[1].stopped);
}

TEST_CASE("discovery JSON renders the value: section order, nulls with reasons, figures as given") {
  Fixture f;
  Discovery d = f.build();
  d.metadata.times.total = 1234;
  d.metadata.peak_rss_mb = 12.5;
  const std::string json = render_discovery_json(d);
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::object doc;
  REQUIRE_FALSE(parser.parse(padded).get_object().get(doc));
  std::vector<std::string_view> keys;
  for (auto field : doc) keys.push_back(field.key);
  CHECK(keys == std::vector<std::string_view>{
                    "portfolio", "portfolio_summary", "strategy_distribution", "ticker_performance",
                    "performance_metrics", "strategy_performance", "trade_analysis", "active_positions",
                    "data_quality_assessment", "market_context", "tickers", "fundamental_integration",
                    "sector_context", "local_data_inventory", "discovery_metadata"});
  CHECK(doc["portfolio"]["file_date"].get_string().value() == "2026-11-20");
  CHECK(doc["portfolio_summary"]["total_trades"].get_uint64().value() == 4);
  CHECK(doc["market_context"]["volatility"]["VIX"]["regime"].get_string().value() == "elevated");
  CHECK(doc["tickers"]["AAPL"]["market"]["price"].get_double().value() == 190.5);
  CHECK(doc["tickers"]["JPM"]["market"]["price"].is_null());
  CHECK(doc["tickers"]["JPM"]["market"]["provenance"]["source"].get_string().value() == "missing");
  CHECK(doc["tickers"]["AAPL"]["fundamentals"]["provenance"]["fetched_at"].get_string().value() ==
        "2026-11-01T00:00:00Z");
  CHECK(doc["fundamental_integration"]["average_analysis_age_days"].get_double().value() == 33.0);
  CHECK(doc["sector_context"]["by_sector"]["energy"]["stale"].get_bool().value());
  CHECK(doc["sector_context"]["unclassified_tickers"].get_array().size() == 2);
  CHECK(doc["discovery_metadata"]["duration_ms"]["total"].get_int64().value() == 1234);
  CHECK(doc["discovery_metadata"]["peak_rss_mb"].get_double().value() == 12.5);
  CHECK(doc["discovery_metadata"]["services"]["alpha_vantage"]["circuit"].is_null());
  CHECK(doc["discovery_metadata"]["services"]["alpha_vantage"]["rate_limit"]["per_day"].get_int64().value() ==
        25);
  CHECK(doc["discovery_metadata"]["cache"]["hit_ratio"].get_double().value() == 0.75);
}
