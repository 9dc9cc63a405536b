// Time to live per data kind (SPEC §5.5), overridable per kind and per
// service+kind. A provider says the kind of each key it caches (NeedSource::data).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace thd {

enum class DataKind { quote, history, profile, fundamentals, series, imf, sec, crypto, count_ };

struct DataKindInfo {
  DataKind kind;
  std::string_view name;
  std::int64_t default_ttl_seconds;
  std::string_view description;
};

inline constexpr std::array<DataKindInfo, static_cast<size_t>(DataKind::count_)> k_data_kinds{{
    {DataKind::quote, "quote", 900, "quotes"},
    {DataKind::history, "history", 900, "daily price history"},
    {DataKind::profile, "profile", 7 * 86400, "company profiles"},
    {DataKind::fundamentals, "fundamentals", 86400, "fundamentals (P/E, EPS, targets)"},
    {DataKind::series, "series", 7200, "FRED series"},
    {DataKind::imf, "imf", 86400, "IMF indicators"},
    {DataKind::sec, "sec", 7 * 86400, "SEC company data"},
    {DataKind::crypto, "crypto", 900, "crypto prices"},
}};

std::optional<DataKind> data_kind_by_name(std::string_view name);
// The kind of a legacy entry's key (SPEC §5.3: the old flat layout carries no
// TTL), from its first ':'-separated segment; the cache's migration only.
std::optional<DataKind> data_kind_of_key(std::string_view key);

class TtlTable {
 public:
  std::int64_t ttl(std::string_view service, DataKind kind) const;
  void set(DataKind kind, std::int64_t seconds);
  void set(std::string_view service, DataKind kind, std::int64_t seconds);

 private:
  std::map<DataKind, std::int64_t> m_by_kind;
  std::map<std::pair<std::string, DataKind>, std::int64_t> m_by_service;
};

}  // namespace thd
