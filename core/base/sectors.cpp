#include "core/base/sectors.hpp"

#include <string>

#include "core/base/text.hpp"

namespace thd {

std::optional<std::string_view> canonical_sector(std::string_view name) {
  // Fold case and treat spaces, hyphens and '&' like the underscores of file names.
  std::string folded;
  for (char c : trim(name)) {
    if (c == ' ' || c == '-' || c == '&') {
      if (!folded.empty() && folded.back() != '_') folded.push_back('_');
    } else {
      folded.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
  }
  while (!folded.empty() && folded.back() == '_') folded.pop_back();
  struct Alias {
    std::string_view alias;
    std::string_view sector;
  };
  static constexpr Alias k_aliases[] = {
      {"technology", "technology"},
      {"tech", "technology"},
      {"information_technology", "technology"},
      {"healthcare", "healthcare"},
      {"health_care", "healthcare"},
      {"health", "healthcare"},
      {"financials", "financials"},
      {"financial", "financials"},
      {"finance", "financials"},
      {"financial_services", "financials"},
      {"industrials", "industrials"},
      {"industrial", "industrials"},
      {"communication_services", "communication_services"},
      {"communication", "communication_services"},
      {"communications", "communication_services"},
      {"telecom", "communication_services"},
      {"telecommunications", "communication_services"},
      {"consumer_discretionary", "consumer_discretionary"},
      {"consumer_cyclical", "consumer_discretionary"},
      {"consumer_staples", "consumer_staples"},
      {"consumer_defensive", "consumer_staples"},
      {"energy", "energy"},
      {"materials", "materials"},
      {"basic_materials", "materials"},
      {"utilities", "utilities"},
      {"real_estate", "real_estate"},
      {"realestate", "real_estate"},
  };
  for (const Alias& a : k_aliases)
    if (a.alias == folded) return a.sector;
  return std::nullopt;
}

}  // namespace thd
