// Serving needs (SPEC §4.3): a fresh local file, a fresh cache entry, the
// network down the provider chain, a stale cache entry, or nothing, marked
// missing with the reason. The network step comes with the engine (issue 4-5);
// until then and with --offline, needs are served from the cache alone.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cache/store.hpp"
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

std::vector<Served> serve_from_cache(const std::vector<Need>& needs, CacheStore& cache, const Clock& clock,
                                     const ServeOptions& options);

}  // namespace thd
