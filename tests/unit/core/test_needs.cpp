// plan_needs (SPEC §4.3): market data for open positions and the benchmarks,
// the VIX, profiles for traded tickers, fundamentals where no local analysis
// exists, the FRED series, the IMF indicators and one crypto need per coin.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/needs.hpp"

using namespace thd;

namespace {

using KindSubject = std::pair<NeedKind, std::string>;

std::vector<KindSubject> summary(const std::vector<Need>& needs) {
  std::vector<KindSubject> out;
  for (const Need& n : needs) out.emplace_back(n.kind, n.subject);
  return out;
}

size_t count_kind(const std::vector<Need>& needs, NeedKind kind) {
  size_t n = 0;
  for (const Need& need : needs) n += need.kind == kind;
  return n;
}

// The needs every run has: the benchmarks, the VIX, 4 FRED series, 2 IMF indicators.
std::vector<KindSubject> fixed_tail() {
  return {{NeedKind::series, "FEDFUNDS"}, {NeedKind::series, "DGS10"},  {NeedKind::series, "UNRATE"},
          {NeedKind::series, "CPIAUCSL"}, {NeedKind::imf, "NGDP_RPCH"}, {NeedKind::imf, "PCPIPCH"}};
}

}  // namespace

TEST_CASE("no trades at all: the benchmarks, the VIX, the FRED series and the IMF indicators") {
  auto needs = plan_needs({});
  std::vector<KindSubject> want{{NeedKind::market, "SPY"},
                                {NeedKind::market, "QQQ"},
                                {NeedKind::market, "VTI"},
                                {NeedKind::vix, "VIX"}};
  for (auto& n : fixed_tail()) want.push_back(n);
  CHECK(summary(needs) == want);  // 3 + 1 + 4 + 2 = 10
  CHECK(needs.size() == 10);
}

TEST_CASE("a portfolio: open positions and benchmarks deduplicated, profiles, fundamentals, crypto") {
  NeedsInput in;
  in.traded_tickers = {"AAPL", "MSFT", "SPY", "BTC-USD", "ETH-USD", "KO"};
  in.open_tickers = {"AAPL", "SPY", "BTC-USD"};
  in.locally_covered = {"MSFT", "KO"};
  auto needs = plan_needs(in);

  // market: AAPL, SPY, BTC-USD (open), then QQQ, VTI (SPY is already there) = 5
  // vix: 1
  // profile: every traded non-crypto ticker: AAPL, MSFT, SPY, KO = 4
  // fundamentals: those without a local analysis: AAPL, SPY = 2
  // series 4, imf 2, crypto: bitcoin, ethereum = 2       total 20
  std::vector<KindSubject> want{
      {NeedKind::market, "AAPL"},  {NeedKind::market, "SPY"},        {NeedKind::market, "BTC-USD"},
      {NeedKind::market, "QQQ"},   {NeedKind::market, "VTI"},        {NeedKind::vix, "VIX"},
      {NeedKind::profile, "AAPL"}, {NeedKind::profile, "MSFT"},      {NeedKind::profile, "SPY"},
      {NeedKind::profile, "KO"},   {NeedKind::fundamentals, "AAPL"}, {NeedKind::fundamentals, "SPY"},
  };
  for (auto& n : fixed_tail()) want.push_back(n);
  want.push_back({NeedKind::crypto, "bitcoin"});
  want.push_back({NeedKind::crypto, "ethereum"});
  CHECK(summary(needs) == want);
  CHECK(needs.size() == 20);
  CHECK(count_kind(needs, NeedKind::vix) == 1);

  // Each need carries its chain of cache keys.
  for (const Need& n : needs) CHECK_FALSE(n.chain.empty());
  CHECK(needs[0].chain.front().key == "chart:AAPL:1y:1d");
  CHECK(needs.back().chain.front().key == "price:ethereum");
}

TEST_CASE("--full-market-data: market data for every traded ticker, not only the open ones") {
  NeedsInput in;
  in.traded_tickers = {"AAPL", "MSFT", "QQQ"};
  in.open_tickers = {"MSFT"};
  in.full_market_data = true;
  auto needs = plan_needs(in);
  std::vector<std::string> market;
  for (const Need& n : needs)
    if (n.kind == NeedKind::market) market.push_back(n.subject);
  // Traded first-seen order, then the benchmarks not already there.
  CHECK(market == std::vector<std::string>{"AAPL", "MSFT", "QQQ", "SPY", "VTI"});

  in.full_market_data = false;
  market.clear();
  for (const Need& n : plan_needs(in))
    if (n.kind == NeedKind::market) market.push_back(n.subject);
  CHECK(market == std::vector<std::string>{"MSFT", "SPY", "QQQ", "VTI"});
}

TEST_CASE("invalid tickers are never planned") {
  NeedsInput in;
  in.traded_tickers = {"AAPL", "BAD TICKER", "", "$$$", "../etc"};
  in.open_tickers = {"AAPL", "BAD TICKER", "A;B"};
  auto needs = plan_needs(in);
  for (const Need& n : needs) {
    CAPTURE(n.subject);
    CHECK(n.subject != "BAD TICKER");
    CHECK(n.subject != "");
    CHECK(n.subject != "$$$");
    CHECK(n.subject != "../etc");
    CHECK(n.subject != "A;B");
  }
  // AAPL: 1 market + 1 profile + 1 fundamentals on top of the 10 fixed needs.
  CHECK(needs.size() == 13);
  CHECK(count_kind(needs, NeedKind::market) == 4);
  CHECK(count_kind(needs, NeedKind::profile) == 1);
  CHECK(count_kind(needs, NeedKind::fundamentals) == 1);
}

TEST_CASE("crypto tickers: a CoinGecko need per coin, no profile, no fundamentals") {
  CHECK(coingecko_id("BTC-USD") == "bitcoin");
  CHECK(coingecko_id("ETH-USD") == "ethereum");
  CHECK_FALSE(coingecko_id("BTC"));
  CHECK_FALSE(coingecko_id("AAPL"));
  CHECK(is_crypto_ticker("SOL-USD"));
  CHECK_FALSE(is_crypto_ticker("SOL"));

  NeedsInput in;
  in.traded_tickers = {"SOL-USD", "DOGE-USD"};
  auto needs = plan_needs(in);
  CHECK(count_kind(needs, NeedKind::profile) == 0);
  CHECK(count_kind(needs, NeedKind::fundamentals) == 0);
  CHECK(count_kind(needs, NeedKind::crypto) == 2);
  CHECK(needs.size() == 12);  // 10 fixed + 2 coins
  CHECK(needs[needs.size() - 2].subject == "solana");
  CHECK(needs.back().subject == "dogecoin");
}
