// The seven services of SPEC §7 as data: name (also the cache
// subdirectory), default base URL, the environment variable of its key.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace thd {

enum class KeyRequirement { none, optional, required };

struct ServiceInfo {
  std::string_view name;
  std::string_view default_base_url;
  std::string_view key_env;  // empty when the service takes no key
  KeyRequirement key;
  std::string_view description;
  double per_minute;  // the provider's rate limit (SPEC §6)
  int per_day;        // 0: no daily quota
};

inline constexpr std::array<ServiceInfo, 7> k_services{{
    {"yahoo_finance", "https://query1.finance.yahoo.com", "", KeyRequirement::none,
     "quotes and daily history", 100, 0},
    {"fmp", "https://financialmodelingprep.com", "FMP_API_KEY", KeyRequirement::required,
     "profiles, quotes, fundamentals", 250, 0},
    {"alpha_vantage", "https://www.alphavantage.co", "ALPHA_VANTAGE_API_KEY", KeyRequirement::required,
     "overview and global quote", 5, 25},
    {"fred_economic", "https://api.stlouisfed.org", "FRED_API_KEY", KeyRequirement::required,
     "economic series", 120, 0},
    {"sec_edgar", "https://data.sec.gov", "", KeyRequirement::none, "company submissions (SIC -> sector)",
     600, 0},
    {"coingecko", "https://api.coingecko.com", "COINGECKO_API_KEY", KeyRequirement::optional, "crypto prices",
     30, 0},
    {"imf_data", "https://www.imf.org", "", KeyRequirement::none, "IMF DataMapper indicators", 60, 0},
}};

inline std::optional<size_t> service_index(std::string_view name) {
  for (size_t i = 0; i < k_services.size(); ++i)
    if (k_services[i].name == name) return i;
  return std::nullopt;
}

}  // namespace thd
