#include "core/needs.hpp"

#include <algorithm>

#include "core/inventory.hpp"
#include "services/providers/registry.hpp"

namespace thd {

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

std::vector<Need> plan_needs(const NeedsInput& input) {
  // A malformed symbol is never sent to a provider (it is a data-quality issue already).
  NeedsInput in = input;
  for (auto* list : {&in.traded_tickers, &in.open_tickers})
    std::erase_if(*list, [](const std::string& t) { return !is_valid_ticker(t); });
  std::vector<Need> needs;
  auto add = [&](NeedKind kind, std::string subject, NeedPriority priority) {
    needs.push_back(make_need(kind, std::move(subject)));
    needs.back().priority = priority;
  };
  const std::set<std::string> open(in.open_tickers.begin(), in.open_tickers.end());
  std::set<std::string> market_done;
  auto add_market = [&](const std::string& symbol, NeedPriority priority) {
    if (market_done.insert(symbol).second) add(NeedKind::market, symbol, priority);
  };
  for (const std::string& t : in.full_market_data ? in.traded_tickers : in.open_tickers)
    add_market(t, open.count(t) ? NeedPriority::open_position : NeedPriority::other);
  for (std::string_view b : k_benchmarks) add_market(std::string(b), NeedPriority::benchmark);

  add(NeedKind::vix, "VIX", NeedPriority::benchmark);

  for (const std::string& t : in.traded_tickers) {
    if (is_crypto_ticker(t)) continue;  // no company behind it
    add(NeedKind::profile, t, NeedPriority::profile);
  }
  for (const std::string& t : in.traded_tickers) {
    if (is_crypto_ticker(t) || in.locally_covered.count(t)) continue;
    add(NeedKind::fundamentals, t, NeedPriority::fundamentals);
  }
  for (std::string_view s : k_fred_series) add(NeedKind::series, std::string(s), NeedPriority::macro);
  for (std::string_view i : k_imf_indicators) add(NeedKind::imf, std::string(i), NeedPriority::macro);
  std::set<std::string_view> coins;
  for (const std::string& t : in.traded_tickers) {
    auto id = coingecko_id(t);
    if (id && coins.insert(*id).second) add(NeedKind::crypto, std::string(*id), NeedPriority::crypto);
  }
  return needs;
}

}  // namespace thd
