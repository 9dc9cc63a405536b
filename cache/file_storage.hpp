// The file backend (SPEC §5): <cache-dir>/<service>/<md5hex(service_key)>.json,
// each entry validated when read and replaced atomically when written;
// statistics in <cache-dir>/.meta/stats.json.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "cache/entry.hpp"
#include "core/base/storage.hpp"

namespace thd {

class FileStorage final : public StorageBackend {
 public:
  explicit FileStorage(std::filesystem::path root) : m_root(std::move(root)) {}

  const std::filesystem::path& root() const { return m_root; }
  std::filesystem::path path_for(std::string_view service, std::string_view key) const;

  std::string describe() const override { return "files under " + m_root.string(); }
  Lookup get(std::string_view service, std::string_view key, UnixTime now) override;
  LookupStatus status(std::string_view service, std::string_view key, UnixTime now) override;
  Result<void> put(std::string_view service, std::string_view key, UnixTime created_at,
                   std::int64_t ttl_seconds, std::string_view data_json) override;
  // Without fsync: validated when read, and read again from the far tier if lost.
  Result<void> put_copy(std::string_view service, std::string_view key, UnixTime created_at,
                        std::int64_t ttl_seconds, std::string_view data_json) override;
  Result<void> touch(std::string_view service, std::string_view key, UnixTime now) override;
  Result<bool> remove(std::string_view service, std::string_view key) override;
  Result<void> enumerate(const std::function<void(const StoredEntry&)>& each) override;
  Result<void> add_stats(const StatCounters& delta, UnixTime now, std::string* notice) override;
  Result<StatCounters> load_stats() override;

 private:
  std::filesystem::path m_root;
  EntryReader m_reader;
};

}  // namespace thd
