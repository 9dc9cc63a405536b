// A backend in memory: for unit tests of everything above the seam (the
// planner, the network step), with no disk. Same contract as the file backend.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "core/base/storage.hpp"

namespace thd {

class MemoryStorage final : public StorageBackend {
 public:
  std::string describe() const override { return "memory"; }
  Lookup get(std::string_view service, std::string_view key, UnixTime now) override;
  Result<void> put(std::string_view service, std::string_view key, UnixTime created_at,
                   std::int64_t ttl_seconds, std::string_view data_json) override;
  Result<void> touch(std::string_view service, std::string_view key, UnixTime now) override;
  Result<bool> remove(std::string_view service, std::string_view key) override;
  Result<void> enumerate(const std::function<void(const StoredEntry&)>& each) override;
  Result<void> add_stats(const StatCounters& delta, UnixTime now, std::string* notice) override;
  Result<StatCounters> load_stats() override { return m_stats; }

  // For tests: an entry that reads as corrupt.
  void put_corrupt(std::string_view service, std::string_view key, CorruptReason reason);
  size_t size() const { return m_entries.size(); }

 private:
  struct Entry {
    std::string data;
    UnixTime created_at = 0;
    std::int64_t ttl_seconds = 0;
    UnixTime last_access = 0;
    CorruptReason corrupt = CorruptReason::none;
  };
  using Key = std::pair<std::string, std::string>;
  std::map<Key, Entry> m_entries;
  StatCounters m_stats;
};

}  // namespace thd
