// The storage seam (ccache's storage/ split): what every cache backend
// offers (StorageBackend: get with fresh/expired/absent/corrupt, put, touch,
// remove, enumerate, persisted statistics), and the cache as the pipeline
// uses it (Storage: a backend plus this run's statistics). Backends live in
// cache/ (files, memory); the planner and the network step see only this.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.hpp"
#include "core/base/error.hpp"
#include "core/base/stat_counters.hpp"

namespace thd {

enum class LookupStatus { fresh, expired, absent, corrupt };
std::string_view lookup_status_name(LookupStatus s);

enum class CorruptReason : std::uint8_t {
  none,
  unreadable,
  too_large,
  not_json,
  missing_field,
  bad_field_type,
  service_mismatch,
  name_mismatch,
  bad_created_at,
  future_created_at,
  bad_ttl,
};
std::string_view corrupt_reason_text(CorruptReason r);

struct Lookup {
  LookupStatus status = LookupStatus::absent;
  std::string data;  // minified JSON, for fresh and expired entries
  UnixTime created_at = 0;
  std::int64_t ttl_seconds = 0;
  CorruptReason reason = CorruptReason::none;
  bool remote = false;  // served by the shared remote tier, not this machine's cache
};

struct StorageKey {
  std::string service, key;
};

// The shared remote tier's figures for this run (discovery_metadata.remote).
struct RemoteReport {
  std::string url;  // credentials redacted
  size_t shards = 0;
  std::string state;  // up, degraded (some shards skipped), down, unused
  bool read_only = false;
  std::uint64_t hits = 0, misses = 0, stores = 0, stale_served = 0, corrupt = 0;
  std::map<std::string, std::uint64_t> errors;  // by kind: unreachable, timeout, auth, ...
  std::map<std::string, std::uint64_t> quota;   // the team's decisions: taken, refused, ...
};

struct StoredEntry {
  std::string service, key;
  UnixTime created_at = 0;
  std::int64_t ttl_seconds = 0;
  std::uint64_t bytes = 0;
  UnixTime last_access = 0;
};

class StorageBackend {
 public:
  virtual ~StorageBackend() = default;
  // For people: "files under /home/me/.cache/thd".
  virtual std::string describe() const = 0;
  // The entry and whether it is fresh at `now`; a fresh or expired entry
  // has its last access refreshed (least-recently-used eviction sorts by it).
  virtual Lookup get(std::string_view service, std::string_view key, UnixTime now) = 0;
  // get()'s status alone (no data copied).
  virtual LookupStatus status(std::string_view service, std::string_view key, UnixTime now) {
    return get(service, key, now).status;
  }
  // The entries a run is about to ask for: a backend with round trips (a
  // remote tier) fetches them in a few batches, and get() answers from them.
  virtual void prefetch(const std::vector<StorageKey>& keys, UnixTime now) {
    (void)keys;
    (void)now;
  }
  // `data_json` is valid JSON (Storage checks); replaces any entry atomically.
  virtual Result<void> put(std::string_view service, std::string_view key, UnixTime created_at,
                           std::int64_t ttl_seconds, std::string_view data_json) = 0;
  // put() of a copy of an entry another backend holds (the remote tier's,
  // copied near): the backend may skip making it durable (no fsync), since
  // a copy lost to a crash is read again from the other backend.
  virtual Result<void> put_copy(std::string_view service, std::string_view key, UnixTime created_at,
                                std::int64_t ttl_seconds, std::string_view data_json) {
    return put(service, key, created_at, ttl_seconds, data_json);
  }
  virtual Result<void> touch(std::string_view service, std::string_view key, UnixTime now) = 0;
  // False when there was no such entry.
  virtual Result<bool> remove(std::string_view service, std::string_view key) = 0;
  // Every valid entry (corrupt ones are skipped), in no particular order.
  virtual Result<void> enumerate(const std::function<void(const StoredEntry&)>& each) = 0;
  // Adds a run's counts to the backend's persisted statistics; `notice`
  // says what was worth a warning without being an error.
  virtual Result<void> add_stats(const StatCounters& delta, UnixTime now, std::string* notice) = 0;
  virtual Result<StatCounters> load_stats() = 0;
  // What went wrong without failing anything (a remote tier that did not
  // answer), said once: the caller warns.
  virtual std::vector<std::string> take_notices() { return {}; }
  // The remote tier's figures, for a backend that has one.
  virtual std::optional<RemoteReport> remote_report() const { return std::nullopt; }
};

// The cache as a run uses it: one backend, and the run's statistics counted
// in memory until flush_stats().
class Storage {
 public:
  Storage(std::unique_ptr<StorageBackend> backend, const Clock& clock);

  // CountLookup::no leaves the hit/miss count to the caller (the planner
  // counts one per need, not one per provider it looked at).
  enum class CountLookup { yes, no };
  Lookup get(std::string_view service, std::string_view key, CountLookup count = CountLookup::yes);
  void count(std::string_view service, Stat s) { m_stats.add(service, s); }
  // A counted miss that met at least one entry it could not use (corrupt,
  // unreadable, or a record that does not parse): the planner counts one per
  // need, like the miss itself. This session only, never persisted: what the
  // run's miss-ratio warning weighs (core/phase0.hpp).
  void count_unusable_miss() { ++m_unusable_misses; }
  std::uint64_t unusable_misses() const { return m_unusable_misses; }
  // Refuses invalid JSON and a TTL that is not positive.
  Result<void> put(std::string_view service, std::string_view key, std::int64_t ttl_seconds,
                   std::string_view data_json);
  // Records that an expired entry was served because the network failed.
  void note_stale_served(std::string_view service, bool remote = false) {
    m_stats.add(service, Stat::stale_served);
    m_remote_stale += remote;
  }
  void prefetch(const std::vector<StorageKey>& keys);
  // The remote tier's figures (stale entries it served counted here), if there is one.
  std::optional<RemoteReport> remote_report() const;

  const StatCounters& session_stats() const { return m_stats; }
  Result<void> flush_stats();
  // Things worth a warning that were not errors (a damaged stats file set
  // aside, the backend's own notices), complete after flush_stats().
  const std::vector<std::string>& notices() const { return m_notices; }
  StorageBackend& backend() { return *m_backend; }

 private:
  std::unique_ptr<StorageBackend> m_backend;
  const Clock& m_clock;
  StatCounters m_stats;
  std::vector<std::string> m_notices;
  std::uint64_t m_remote_stale = 0;
  std::uint64_t m_unusable_misses = 0;
};

}  // namespace thd
