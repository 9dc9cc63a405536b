// Cache statistics per service (SPEC §5.4): one numbered enum plus one
// table of metadata that drives JSON, printing and merging (ccache-style).
// Every storage backend counts with these; cache/stats.hpp persists them.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/base/clock.hpp"
#include "core/base/error.hpp"

namespace thd {

enum class Stat : std::uint8_t { hits, misses, stale_served, stores, evictions, corruptions, count_ };

struct StatInfo {
  Stat id;
  std::string_view name;
  std::string_view description;
};

inline constexpr std::array<StatInfo, static_cast<size_t>(Stat::count_)> k_stat_table{{
    {Stat::hits, "hits", "lookups answered by a fresh entry"},
    {Stat::misses, "misses", "lookups with no fresh entry (absent, expired or corrupt)"},
    {Stat::stale_served, "stale_served", "expired entries served because the network failed"},
    {Stat::stores, "stores", "entries written"},
    {Stat::evictions, "evictions", "entries evicted by size or age"},
    {Stat::corruptions, "corruptions", "corrupt entries met by a lookup"},
}};

using StatArray = std::array<std::uint64_t, static_cast<size_t>(Stat::count_)>;

class StatCounters {
 public:
  void add(std::string_view service, Stat s, std::uint64_t n = 1);
  std::uint64_t get(std::string_view service, Stat s) const;
  std::uint64_t total(Stat s) const;
  void merge(const StatCounters& other);
  bool empty() const;
  const std::map<std::string, StatArray, std::less<>>& by_service() const { return m_counts; }

  // hits / (hits + misses), or negative when there were no lookups.
  double hit_ratio() const;

  std::string to_json(UnixTime updated_at) const;
  static Result<StatCounters> from_json(std::string_view json);

 private:
  std::map<std::string, StatArray, std::less<>> m_counts;
};

}  // namespace thd
