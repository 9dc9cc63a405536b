#include "core/base/ttl.hpp"

namespace thd {

std::optional<DataKind> data_kind_by_name(std::string_view name) {
  for (const auto& info : k_data_kinds)
    if (info.name == name) return info.kind;
  return std::nullopt;
}

std::optional<DataKind> data_kind_of_key(std::string_view key) {
  std::string_view head = key.substr(0, key.find(':'));
  struct Prefix {
    std::string_view prefix;
    DataKind kind;
  };
  static constexpr Prefix k_prefixes[] = {
      {"quote", DataKind::quote},
      {"chart", DataKind::history},
      {"profile", DataKind::profile},
      {"fundamentals", DataKind::fundamentals},
      {"overview", DataKind::fundamentals},
      {"series", DataKind::series},
      {"imf", DataKind::imf},
      {"submissions", DataKind::sec},
      {"company_tickers", DataKind::sec},
      {"price", DataKind::crypto},
  };
  for (const Prefix& p : k_prefixes)
    if (p.prefix == head) return p.kind;
  return std::nullopt;
}

std::int64_t TtlTable::ttl(std::string_view service, DataKind kind) const {
  if (auto it = m_by_service.find({std::string(service), kind}); it != m_by_service.end()) return it->second;
  if (auto it = m_by_kind.find(kind); it != m_by_kind.end()) return it->second;
  return k_data_kinds[static_cast<size_t>(kind)].default_ttl_seconds;
}

void TtlTable::set(DataKind kind, std::int64_t seconds) {
  m_by_kind[kind] = seconds;
}

void TtlTable::set(std::string_view service, DataKind kind, std::int64_t seconds) {
  m_by_service[{std::string(service), kind}] = seconds;
}

}  // namespace thd
