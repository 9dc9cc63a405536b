// Phase 2 needs (SPEC §4.3): what market context the run wants, each with
// its provider chain (SPEC §7) and the cache key under every provider.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/need.hpp"

namespace thd {

struct NeedsInput {
  std::vector<std::string> traded_tickers;  // upper-case, first-seen order
  std::vector<std::string> open_tickers;
  std::set<std::string> locally_covered;  // tickers with a local fundamental file
  bool full_market_data = false;
};

inline constexpr std::string_view k_benchmarks[] = {"SPY", "QQQ", "VTI"};
inline constexpr std::string_view k_fred_series[] = {"FEDFUNDS", "DGS10", "UNRATE", "CPIAUCSL"};
// IMF DataMapper: real GDP growth, inflation (average consumer prices).
inline constexpr std::string_view k_imf_indicators[] = {"NGDP_RPCH", "PCPIPCH"};

// "BTC-USD" -> "bitcoin"; nullopt for a ticker that is not a known crypto pair.
std::optional<std::string_view> coingecko_id(std::string_view ticker);
bool is_crypto_ticker(std::string_view ticker);

// De-duplicated: a ticker that is both a position and a benchmark is one need.
std::vector<Need> plan_needs(const NeedsInput& input);

}  // namespace thd
