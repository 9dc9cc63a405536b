// `run` (SPEC §4): Phase 0 inventory, Phase 1 trade statistics, Phase 2
// market context, Phase 3 integration into the discovery value, which the
// caller publishes (renders and writes). The pipeline prints nothing: it
// reports progress through RunEvents and returns values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.hpp"
#include "core/config.hpp"
#include "core/discovery.hpp"
#include "services/network_step.hpp"

namespace thd {

struct RunRequest {
  std::string portfolio;
  bool reset_breakers = false;     // --reset-breakers: forget the breakers earlier runs saved
  std::filesystem::path csv = {};  // --csv FILE (or a path given to --portfolio): this file, not a name
};

// All the run's needs, for a progress line: those not given to the network
// (total - NetworkProgress::needs_total) were settled at once, from the cache.
struct NeedTally {
  size_t total = 0;
  size_t cached = 0;  // of them, served by the cache before the network step (this run's hits so far)
};

struct RunEvents {
  // While fetching, every 250 ms at most: needs done of the total, calls per
  // provider, the waits and their causes, the time left.
  std::function<void(const NetworkProgress&, const NeedTally&)> network_progress;
  // The network step is over, with its last state (a progress display draws
  // it, then clears its line).
  std::function<void(const NetworkProgress&, const NeedTally&)> network_done;
  // The document, once every figure is in: renders and writes it, and says
  // where (empty: standard output). Runs before the cache statistics are
  // saved; they are saved whether it succeeds or throws (the lookups happened).
  std::function<std::filesystem::path(const Discovery&)> publish;
};

// A circuit breaker an earlier run saved, open when this run began.
struct InheritedBreaker {
  std::optional<UnixTime> opened_at;  // its open_until minus the cool-down; none when it was clamped
  UnixTime closes_at = 0;             // at most now + cool-down
};

// The missing figures of one cause ("no data (fmp, alpha_vantage)",
// "offline"), with their subjects (tickers, series) sorted.
struct MissingGroup {
  std::string cause;
  std::vector<std::string> subjects;
  std::uint64_t needs = 0;  // needs missing for it (a ticker can miss its quote and its profile)
};
// The short cause of a missing need, from its reason: each provider's failure
// reduced to its kind, the providers of the same kind named together.
// A reason without the providers' failures (offline, every provider excluded):
// from its words.
std::string missing_cause(const std::string& reason);
// The providers' failures of a need (core/base/fetcher.hpp), each reduced to
// its kind's cause (failure_cause), those of the same cause named together.
std::string missing_cause(const std::vector<ProviderFailure>& failures);

struct RunOutcome {
  std::filesystem::path output;  // what publish returned
  std::uint64_t trades = 0, open_positions = 0, issues = 0;
  std::uint64_t needs = 0, needs_missing = 0, needs_stale = 0;
  std::optional<double> coverage;
  PhaseTimes times;
  std::map<std::string, std::uint64_t> missing_by_reason;
  std::vector<MissingGroup> missing_groups;        // the most needs first, then by cause
  std::map<std::string, std::uint64_t> by_source;  // needs per source: cache, network, stale_cache, missing
  std::uint64_t market_needs = 0, market_served = 0;  // market needs; served from the cache or the network
  std::vector<ServiceState> services;                 // why each is or is not used
  NetworkUsage usage;                                 // per service: calls, failures, circuit
  std::map<std::string, InheritedBreaker> inherited_breakers;
  double hit_ratio = -1;  // this run's lookups; negative without any
  std::vector<std::string> warnings;
};

// The services and why each is or is not used in this run.
// Whether a User-Agent names a contact: an e-mail address (name@host.tld) in it.
bool names_contact(std::string_view text);
std::vector<ServiceState> service_states(const Config& config, const EnvLookup& env);

std::filesystem::path default_output_path(const Config& config, const std::string& portfolio, UnixTime now);

// Every way out once the cache is open (a guard, a signal, an output that
// cannot be written) saves the run's cache statistics and the services'
// breakers and quotas first, and says so in the error.
RunOutcome run_pipeline(const Config& config, Clock& clock, const RunRequest& request,
                        const RunEvents& events);

// --dry-run: phases 0 and 1, then where each need would come from; no
// network call, nothing written (the cache's hit statistics included).
struct DryRunLine {
  std::string need;           // "market AAPL"
  std::string kind, subject;  // "market", "AAPL"
  std::string plan;
  SourceKind expected;
};
// A provider in the dry run's plan: "fmp: 12 calls for 12 needs (250/day plan, 212 left today)".
struct DryRunProvider {
  std::string service;
  int calls = 0, needs = 0;
  int setup = 0;         // of its calls, those it makes once (a shared document, a session if asked for)
  std::string standing;  // its quota left, its pace, or why it is not called
  std::string quota;     // "25/day plan"; empty: no quota
  std::optional<int> calls_left;  // of its quota, in this period (today, this month)
  std::string period;             // "today", "this month"
  std::string unavailable;        // why it cannot be called now; empty: it can
};
struct DryRunPlan {
  std::string portfolio_file;
  std::vector<DryRunLine> lines;  // by kind (the order of NeedKind), then subject
  std::vector<DryRunProvider> providers;
  int calls = 0;                                   // planned network calls
  std::optional<int> budget;                       // --max-api-calls; nullopt: auto
  double estimated_seconds = 0;                    // for the planned calls
  int left_missing = 0;                            // needs the plan cannot serve this run
  std::map<std::string, std::uint64_t> by_source;  // local, cache, network, stale_cache, missing
  std::vector<ServiceState> services;
  std::uint64_t local_fundamentals = 0;  // needs served by local files (no fundamentals need planned)
};
DryRunPlan plan_pipeline(const Config& config, Clock& clock, const RunRequest& request);

}  // namespace thd
