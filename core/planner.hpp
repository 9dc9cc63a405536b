// Serving needs (SPEC §4.3): a fresh local file, a fresh cache entry, the
// network down the provider chain, a stale cache entry, or nothing, marked
// missing with the reason. With --offline, needs are served from the cache alone.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/base/clock.hpp"
#include "core/base/fetcher.hpp"
#include "core/base/need.hpp"
#include "core/base/records.hpp"
#include "core/base/storage.hpp"
#include "core/base/team.hpp"
#include "core/base/ttl.hpp"

namespace thd {

enum class SourceKind { local, cache, network, stale_cache, missing };
std::string_view source_kind_name(SourceKind k);

struct Provenance {
  SourceKind source = SourceKind::missing;
  std::string service;
  std::optional<UnixTime> fetched_at;
  std::optional<std::int64_t> age_seconds;
  std::string reason;   // why missing (or why stale)
  bool remote = false;  // cache or stale_cache: the team's shared tier served it
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
  // The team's shared tier: a need another machine is fetching is waited
  // for (single flight) and taken from the shared cache; null: alone.
  Team* team = nullptr;
  double flight_hold = 30;    // seconds a claim holds unless extended (the engine's tick extends them)
  double flight_wait = 1800;  // the longest a need waits for another machine's fetch
};

// The name under which machines claim a need's fetch: "quote:AAPL".
std::string flight_name(const Need& need);

// Local/fresh cache first, then `fetcher` (null: offline), then an expired
// entry, then missing with the reason. Fetched records are stored in the
// cache with the TTL of their kind.
std::vector<Served> serve_needs(const std::vector<Need>& needs, Storage& cache, const Clock& clock,
                                const ServeOptions& options, NeedFetcher* fetcher, const TtlTable& ttls);

// For --dry-run: where each need would come from, without any network call.
struct PlannedNeed {
  const Need* need;
  std::string
      plan;  // "fresh cache (fmp)", "network: yahoo_finance -> fmp; stale cache (fmp) as fallback", ...
  SourceKind expected;
};
std::vector<PlannedNeed> plan_sources(const std::vector<Need>& needs, Storage& cache, const Clock& clock,
                                      const ServeOptions& options, const std::set<std::string>& enabled);

}  // namespace thd
