// The shared remote tier as a storage backend (ccache's redis storage): each
// entry under thd:v1:<service>:<md5hex> in the same format as an entry file,
// validated the same way when read (a value that is not an entry is never
// served, is counted, and is deleted unless the tier is read-only), kept by
// Redis for the entry's TTL plus the stale window. A run's lookups are read
// in batches (MGET per shard) by prefetch(). Every failure of the server is
// the tier's (counted, said once, the shard skipped after repeated ones):
// nothing here fails a run.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cache/entry.hpp"
#include "cache/redis_client.hpp"
#include "core/base/storage.hpp"

namespace thd {

// "thd:v1:<service>:<md5hex(service_key)>"
std::string redis_entry_key(std::string_view service, std::string_view key);
inline constexpr std::string_view k_redis_prefix = "thd:v1:";

// The remote tier's health, per shard (inventory): whether it answers, the
// entries under our prefix (SCAN, at most RedisStorage::k_max_scanned keys,
// values not read), the memory Redis uses and its eviction policy.
struct RemoteHealth {
  struct Shard {
    std::string url;  // redacted
    bool reachable = false;
    std::string error;  // why not, when not
    std::uint64_t entries = 0, other_keys = 0;
    bool truncated = false;
    std::optional<std::uint64_t> memory_bytes, max_memory_bytes;
    std::string policy;
  };
  std::string url;
  std::vector<Shard> shards;
};
RemoteHealth check_remote(RedisTier& tier);

class RedisStorage final : public StorageBackend {
 public:
  explicit RedisStorage(std::shared_ptr<RedisTier> tier) : m_tier(std::move(tier)) {}

  std::string describe() const override { return "the shared cache at " + m_tier->spec().shown; }
  Lookup get(std::string_view service, std::string_view key, UnixTime now) override;
  void prefetch(const std::vector<StorageKey>& keys, UnixTime now) override;
  // Not stored in read-only mode; a server that refuses (full) keeps nothing.
  Result<void> put(std::string_view service, std::string_view key, UnixTime created_at,
                   std::int64_t ttl_seconds, std::string_view data_json) override;
  // Redis keeps its own access order (maxmemory-policy allkeys-lru): nothing to do.
  Result<void> touch(std::string_view, std::string_view, UnixTime) override { return {}; }
  Result<bool> remove(std::string_view service, std::string_view key) override;
  // SCAN over every shard (at most `k_max_scanned` keys): the valid entries.
  Result<void> enumerate(const std::function<void(const StoredEntry&)>& each) override;
  // Statistics stay with the machine's own cache.
  Result<void> add_stats(const StatCounters&, UnixTime, std::string*) override { return {}; }
  Result<StatCounters> load_stats() override { return StatCounters{}; }
  std::vector<std::string> take_notices() override { return m_tier->take_notices(); }
  std::optional<RemoteReport> remote_report() const override;

  RedisTier& tier() { return *m_tier; }

  // What a bounded walk of the remote found (cache-optimize --remote, inventory).
  struct Survey {
    std::uint64_t keys = 0, entries = 0, corrupt = 0, deleted = 0, bytes = 0;
    bool truncated = false;  // stopped at k_max_scanned
  };
  static constexpr std::uint64_t k_max_scanned = 1'000'000;
  // Every key under our prefix checked; with `cleanup`, the corrupt ones deleted (unless read-only).
  Survey survey(UnixTime now, bool cleanup, const std::function<void(const StoredEntry&)>& each = {});

 private:
  Lookup read_value(std::string_view service, std::string_view key, const std::string& rkey,
                    const RedisReply& value, UnixTime now);
  void drop_corrupt(size_t shard, const std::string& rkey, std::string_view why);

  std::shared_ptr<RedisTier> m_tier;
  EntryReader m_reader;
  std::unordered_map<std::string, RedisReply> m_prefetched;  // by Redis key, taken by get()
  std::uint64_t m_hits = 0, m_misses = 0, m_stores = 0, m_corrupt = 0;
};

}  // namespace thd
