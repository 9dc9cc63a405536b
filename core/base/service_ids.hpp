// The services' identities (SPEC §7): each name is also the service's cache
// directory and its key in the statistics. Everything else about a service
// (URLs, keys, limits, requests, parsers) is its provider module's
// (services/providers/).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace thd {

inline constexpr std::array<std::string_view, 7> k_service_names{
    "yahoo_finance", "fmp", "alpha_vantage", "fred_economic", "sec_edgar", "coingecko", "imf_data",
};

inline std::optional<size_t> service_index(std::string_view name) {
  for (size_t i = 0; i < k_service_names.size(); ++i)
    if (k_service_names[i] == name) return i;
  return std::nullopt;
}

}  // namespace thd
