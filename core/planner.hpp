// Serving needs (SPEC §4.3): a fresh local file, a fresh cache entry, the
// network down the provider chain, a stale cache entry, or nothing, marked
// missing with the reason. The network step comes with the engine (issue 4-5);
// until then and with --offline, needs are served from the cache alone.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cache/store.hpp"
#include "cache/ttl.hpp"
#include "core/clock.hpp"
#include "core/needs.hpp"
#include "services/records.hpp"

namespace thd {

enum class SourceKind { local, cache, network, stale_cache, missing };
std::string_view source_kind_name(SourceKind k);

struct Provenance {
  SourceKind source = SourceKind::missing;
  std::string service;
  std::optional<UnixTime> fetched_at;
  std::optional<std::int64_t> age_seconds;
  std::string reason;  // why missing (or why stale)
};

struct Served {
  Need need;
  RecordKind record_kind = RecordKind::market;
  Record record;
  Provenance provenance;
};

struct ServeOptions {
  bool offline = true;
  std::set<std::string> services;  // empty: every service
};

// What the network step brings back for one need.
struct Fetched {
  std::string service;
  RecordKind kind = RecordKind::market;
  Record record;
  std::string key;  // the cache key it is stored under
};

// The network step, implemented over the engine in services/. fetch() goes
// down the need's chain (enabled providers only); `done` gets the record or
// the reason nothing came back. run() drives every fetch to its end.
class NeedFetcher {
 public:
  using Done = std::function<void(std::optional<Fetched>, std::string reason)>;
  virtual ~NeedFetcher() = default;
  virtual void fetch(const Need& need, Done done) = 0;
  virtual void run() = 0;
};

// Local/fresh cache first, then `fetcher` (null: offline), then an expired
// entry, then missing with the reason. Fetched records are stored in the
// cache with the TTL of their kind.
std::vector<Served> serve_needs(const std::vector<Need>& needs, CacheStore& cache, const Clock& clock,
                                const ServeOptions& options, NeedFetcher* fetcher, const TtlTable& ttls);

// For --dry-run: where each need would come from, without any network call.
struct PlannedNeed {
  const Need* need;
  std::string
      plan;  // "fresh cache (fmp)", "network: yahoo_finance -> fmp; stale cache (fmp) as fallback", ...
  SourceKind expected;
};
std::vector<PlannedNeed> plan_sources(const std::vector<Need>& needs, CacheStore& cache, const Clock& clock,
                                      const ServeOptions& options, const std::set<std::string>& enabled);

}  // namespace thd
