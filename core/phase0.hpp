// Phase 0 as a whole: local research files, cache health, persisted cache
// statistics and, when tickers are given, coverage. Shared by `inventory`
// and by `run` (its local_data_inventory section).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cache/redis_storage.hpp"
#include "cache/scan.hpp"
#include "cache/stats.hpp"
#include "core/base/clock.hpp"
#include "core/base/json_writer.hpp"
#include "core/config.hpp"
#include "core/inventory.hpp"

namespace thd {

struct CoverageRequest {
  std::string source;  // "portfolio" or "tickers"
  std::string portfolio;
  std::string file;
  std::vector<std::string> tickers;
  std::vector<std::string> notes;  // about reading the portfolio (a duplicate column): warnings
};

struct Phase0 {
  UnixTime now = 0;
  std::filesystem::path data_dir;
  std::int64_t stale_days = 30;
  LocalInventory local;
  CacheScan cache;
  StatCounters stats;
  std::string stats_error;
  std::optional<CoverageRequest> coverage_request;
  std::optional<Coverage> coverage;
  std::optional<RemoteHealth> remote;  // inventory with a remote tier set
  std::vector<std::string> warnings;
};

// A run's lookups below this say nothing about the cache.
inline constexpr std::uint64_t k_miss_ratio_min_lookups = 10;

// What a run's miss-ratio warning weighs: its own lookups (the session's
// hits and misses), the misses among them that met an entry the cache held
// but could not use (Storage::unusable_misses, one per need), and the corrupt
// entries Phase 0 already warned about.
struct RunLookups {
  const StatCounters& stats;
  std::uint64_t unusable_misses = 0;
  std::uint64_t corrupt_reported = 0;  // Phase0::cache.total.corrupt
};

// "cache miss ratio is 80% (over 50%) across 20 <scope> lookups: 16 found an
// entry that could not be used ..." when at least k_miss_ratio_min_lookups
// lookups, over half of them misses, and most misses on entries the cache
// held but could not use (corrupt, unreadable). Misses of a cold cache and of
// expired entries are not the cache's fault and never warn (docs/CACHE.md).
// Nor does a run whose unusable entries Phase 0 already reported (its "N
// corrupt cache entries" line): one warning for one cause.
std::optional<std::string> miss_ratio_warning(const RunLookups& run, std::string_view scope);

// Throws FatalError(input) for unreadable directories.
Phase0 run_phase0(const Config& config, const Clock& clock, std::optional<CoverageRequest> coverage_request);

void write_phase0_json(JsonWriter& w, const Phase0& p);
// The facts of a local analysis as fields of the current object: the same keys
// in the inventory's by_ticker and the discovery document's fundamentals.
void write_fundamental_facts(JsonWriter& w, const FundamentalFacts& f);

}  // namespace thd
