// The eleven canonical sectors and the names people and providers give them.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace thd {

inline constexpr std::array<std::string_view, 11> k_sectors{"technology",
                                                            "healthcare",
                                                            "financials",
                                                            "industrials",
                                                            "communication_services",
                                                            "consumer_discretionary",
                                                            "consumer_staples",
                                                            "energy",
                                                            "materials",
                                                            "utilities",
                                                            "real_estate"};

// Case-insensitive; accepts aliases (finance, tech, telecom, health_care, ...)
// and provider spellings ("Financial Services", "Consumer Cyclical").
std::optional<std::string_view> canonical_sector(std::string_view name);

}  // namespace thd
