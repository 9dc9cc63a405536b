// Phase 0 as a whole: local research files, cache health, persisted cache
// statistics and, when tickers are given, coverage. Shared by `inventory`
// and by `run` (its local_data_inventory section).
#pragma once

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

// "cache miss ratio is 75% (over 50%) across 20 ... lookups" when over 50%.
std::optional<std::string> miss_ratio_warning(const StatCounters& stats, std::string_view scope);

enum class MissRatioWarning { persisted, none };

// Throws FatalError(input) for unreadable directories. `inventory` warns on
// the persisted miss ratio; `run` warns on its own lookups instead.
Phase0 run_phase0(const Config& config, const Clock& clock, std::optional<CoverageRequest> coverage_request,
                  MissRatioWarning miss_ratio = MissRatioWarning::persisted);

void write_phase0_json(JsonWriter& w, const Phase0& p);
// The facts of a local analysis as fields of the current object: the same keys
// in the inventory's by_ticker and the discovery document's fundamentals.
void write_fundamental_facts(JsonWriter& w, const FundamentalFacts& f);

}  // namespace thd
