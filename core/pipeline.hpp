// `run` (SPEC §4): Phase 0 inventory, Phase 1 trade statistics, Phase 2
// market context, Phase 3 integration, then the document, written atomically.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "core/base/clock.hpp"
#include "core/config.hpp"
#include "core/discovery.hpp"

namespace thd {

struct RunRequest {
  std::string portfolio;
  std::string output;     // empty: the default path; "-": stdout
  bool progress = false;  // a one-line progress display on stderr
};

struct RunOutcome {
  std::filesystem::path output;  // empty when written to stdout
  std::uint64_t trades = 0, open_positions = 0, issues = 0;
  std::uint64_t needs = 0, needs_missing = 0, needs_stale = 0;
  std::optional<double> coverage;
  PhaseTimes times;
  std::map<std::string, std::uint64_t> missing_by_reason;  // for the summary on stderr
  std::vector<std::string> service_lines;                  // "fmp: 32 calls, 0 failed, circuit closed"
  double hit_ratio = -1;
  std::vector<std::string> warnings;
};

// The services and why each is or is not used in this run.
std::vector<ServiceState> service_states(const Config& config, const EnvLookup& env);

std::filesystem::path default_output_path(const Config& config, const std::string& portfolio, UnixTime now);

RunOutcome run_pipeline(const Config& config, Clock& clock, const RunRequest& request);

// --dry-run: phases 0 and 1, then where each need would come from; no
// network call, nothing written (the cache's hit statistics included).
struct DryRunLine {
  std::string need;  // "market AAPL"
  std::string plan;
  SourceKind expected;
};
struct DryRunPlan {
  std::string portfolio_file;
  std::vector<DryRunLine> lines;
  std::map<std::string, std::uint64_t> by_source;  // local, cache, network, stale_cache, missing
  std::vector<ServiceState> services;
  std::uint64_t local_fundamentals = 0;  // needs served by local files (no fundamentals need planned)
};
DryRunPlan plan_pipeline(const Config& config, const Clock& clock, const RunRequest& request);

}  // namespace thd
