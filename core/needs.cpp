#include "core/needs.hpp"

#include <algorithm>

#include "core/inventory.hpp"

namespace thd {

std::string_view need_kind_name(NeedKind k) {
  switch (k) {
    case NeedKind::market: return "market";
    case NeedKind::profile: return "profile";
    case NeedKind::fundamentals: return "fundamentals";
    case NeedKind::vix: return "vix";
    case NeedKind::series: return "series";
    case NeedKind::imf: return "imf";
    case NeedKind::crypto: return "crypto";
  }
  return "market";
}

std::optional<std::string_view> coingecko_id(std::string_view ticker) {
  struct Pair {
    std::string_view ticker, id;
  };
  static constexpr Pair k_pairs[] = {
      {"BTC-USD", "bitcoin"},     {"ETH-USD", "ethereum"},     {"SOL-USD", "solana"},
      {"XRP-USD", "ripple"},      {"ADA-USD", "cardano"},      {"DOGE-USD", "dogecoin"},
      {"BNB-USD", "binancecoin"}, {"AVAX-USD", "avalanche-2"}, {"DOT-USD", "polkadot"},
      {"LTC-USD", "litecoin"},    {"LINK-USD", "chainlink"},   {"MATIC-USD", "matic-network"},
  };
  for (const Pair& p : k_pairs)
    if (p.ticker == ticker) return p.id;
  return std::nullopt;
}

bool is_crypto_ticker(std::string_view ticker) {
  return coingecko_id(ticker).has_value();
}

namespace {

Need market_need(const std::string& symbol) {
  return {NeedKind::market,
          symbol,
          {{"yahoo_finance", "chart:" + symbol + ":1y:1d", RecordKind::market},
           {"fmp", "quote:" + symbol, RecordKind::market},
           {"alpha_vantage", "quote:" + symbol, RecordKind::market}}};
}

}  // namespace

std::vector<Need> plan_needs(const NeedsInput& input) {
  // A malformed symbol is never sent to a provider (it is a data-quality issue already).
  NeedsInput in = input;
  for (auto* list : {&in.traded_tickers, &in.open_tickers})
    std::erase_if(*list, [](const std::string& t) { return !is_valid_ticker(t); });
  std::vector<Need> needs;
  std::set<std::string> market_done;
  auto add_market = [&](const std::string& symbol) {
    if (market_done.insert(symbol).second) needs.push_back(market_need(symbol));
  };
  for (const std::string& t : in.full_market_data ? in.traded_tickers : in.open_tickers) add_market(t);
  for (std::string_view b : k_benchmarks) add_market(std::string(b));

  needs.push_back({NeedKind::vix,
                   "VIX",
                   {{"yahoo_finance", "chart:^VIX:1y:1d", RecordKind::market},
                    {"fred_economic", "series:VIXCLS", RecordKind::series}}});

  for (const std::string& t : in.traded_tickers) {
    if (is_crypto_ticker(t)) continue;  // no company behind it
    needs.push_back({NeedKind::profile,
                     t,
                     {{"fmp", "profile:" + t, RecordKind::profile},
                      {"alpha_vantage", "profile:" + t, RecordKind::profile},
                      {"sec_edgar", "profile:" + t, RecordKind::profile}}});
  }
  for (const std::string& t : in.traded_tickers) {
    if (is_crypto_ticker(t) || in.locally_covered.count(t)) continue;
    needs.push_back({NeedKind::fundamentals,
                     t,
                     {{"fmp", "fundamentals:" + t, RecordKind::fundamentals},
                      {"alpha_vantage", "fundamentals:" + t, RecordKind::fundamentals}}});
  }
  for (std::string_view s : k_fred_series)
    needs.push_back({NeedKind::series,
                     std::string(s),
                     {{"fred_economic", "series:" + std::string(s), RecordKind::series}}});
  for (std::string_view i : k_imf_indicators)
    needs.push_back(
        {NeedKind::imf,
         std::string(i),
         {{"imf_data", "imf:" + std::string(i) + ":" + std::string(k_imf_country), RecordKind::imf}}});
  std::set<std::string_view> coins;
  for (const std::string& t : in.traded_tickers) {
    auto id = coingecko_id(t);
    if (id && coins.insert(*id).second)
      needs.push_back({NeedKind::crypto,
                       std::string(*id),
                       {{"coingecko", "price:" + std::string(*id), RecordKind::crypto}}});
  }
  return needs;
}

}  // namespace thd
