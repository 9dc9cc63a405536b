// The cache store (SPEC §5): <cache-dir>/<service>/<md5hex(service_key)>.json.
// Lookups and writes count statistics in memory; flush_stats() persists them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cache/entry.hpp"
#include "cache/stats.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"

namespace thd {

enum class LookupStatus { fresh, expired, absent, corrupt };
std::string_view lookup_status_name(LookupStatus s);

struct Lookup {
  LookupStatus status = LookupStatus::absent;
  std::string data;  // minified JSON, for fresh and expired entries
  UnixTime created_at = 0;
  std::int64_t ttl_seconds = 0;
  CorruptReason reason = CorruptReason::none;
};

class CacheStore {
 public:
  CacheStore(std::filesystem::path root, const Clock& clock);

  const std::filesystem::path& root() const { return m_root; }
  std::filesystem::path path_for(std::string_view service, std::string_view key) const;

  // A fresh or expired entry refreshes its last-access time (the file's
  // mtime), which least-recently-used eviction sorts by.
  // CountLookup::no leaves the hit/miss count to the caller (the planner
  // counts one per need, not one per provider it looked at).
  enum class CountLookup { yes, no };
  Lookup get(std::string_view service, std::string_view key, CountLookup count = CountLookup::yes);
  void count(std::string_view service, Stat s) { m_stats.add(service, s); }
  // `data_json` must be valid JSON; it is written atomically.
  Result<void> put(std::string_view service, std::string_view key, std::int64_t ttl_seconds,
                   std::string_view data_json);
  // Records that an expired entry was served because the network failed.
  void note_stale_served(std::string_view service);

  const StatCounters& session_stats() const { return m_stats; }
  Result<void> flush_stats();
  // Things worth a warning that were not errors (a damaged stats file set aside).
  const std::vector<std::string>& notices() const { return m_notices; }

 private:
  std::filesystem::path m_root;
  const Clock& m_clock;
  EntryReader m_reader;
  StatCounters m_stats;
  std::vector<std::string> m_notices;
};

}  // namespace thd
