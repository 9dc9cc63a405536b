// The run's fetch plan (issue 11): before any call, each need the cache could
// not serve gets a provider of its chain, knowing every provider's quota left
// in its period, its pace and whether it can be called at all, so that the
// run serves as many needs as the plans allow, in priority order. A need's
// providers are tried in its chain's order (its preference for the data),
// a scarce one (Alpha Vantage's 25 a day) last, so that its calls go to what
// only it serves; when a provider with a quota (FMP's 250 a day) is wanted by
// more needs than it has calls left, the needs that a provider without a
// quota also serves (SEC's profiles) go to that one first, the lowest in
// priority first. Plain arithmetic on the inputs: no clock, no network, no
// provider looked up.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/base/error.hpp"
#include "core/base/fetcher.hpp"

namespace thd {

struct PlanProvider {
  std::string unavailable =
      {};  // why it is not called this run (disabled, quota spent, paused); empty: it is
  FailureKind unavailable_kind = FailureKind::disabled;
  std::optional<int> calls_left;  // its quota left in the period; nullopt: no quota
  std::string quota_text = {};    // "250/day plan", for the reasons
  std::optional<int> run_cap;     // the calls its pace allows in the time a run is planned for; nullopt: none
  std::string run_cap_text = {};  // "30 min at 100/min"
  double per_minute = 0;          // its pace (0: no rule)
  int per_second = 0;
  bool scarce = false;
  // Calls it makes once before it serves a need: SEC's tickers file when not
  // cached, Yahoo's cookie and crumb should it ask for them. Counted against
  // the budget and its quota with its first need.
  int setup_calls = 0;
};

struct PlanCandidate {
  std::string service;
  std::string
      group;  // needs of one service with the same group share one call (a shared answer); empty: none
  std::string absent;  // remembered "no data" or "not on your plan": the words; empty: it may be asked
  FailureKind absent_kind = FailureKind::no_data;
};

struct PlanNeed {
  int priority = 0;                       // lower first
  std::vector<PlanCandidate> candidates;  // in the chain's order
};

struct FetchAssignment {
  std::vector<size_t> order;         // candidates to try, in this order (the assigned one first)
  std::optional<size_t> assigned;    // the candidate the plan counts on; nullopt: left missing
  std::vector<ProviderFailure> why;  // when left missing: each candidate's reason
};

struct ProviderLoad {
  int calls = 0;  // planned (a shared call once), its setup calls included
  int setup = 0;  // of which setup calls
  int needs = 0;  // needs assigned to it
  std::optional<int> calls_left;
  double seconds = 0;  // its pace's minimum time for `calls`
};

struct FetchPlan {
  std::vector<size_t> sequence;        // the needs' indexes in the order they go: priority, then given order
  std::vector<FetchAssignment> needs;  // per need, as given
  std::map<std::string, ProviderLoad> providers;
  int calls = 0;
  int left_missing = 0;
  double seconds = 0;         // estimated wall time
  std::optional<int> budget;  // the calls the run may make (--max-api-calls, or --max-calls-per-minute's)
};

// How far one service is in its plan, for a progress line.
struct ServiceProgress {
  int planned = 0;  // calls the plan gave it
  int handed = 0;   // calls handed to the engine (a shared answer once)
  int made = 0;     // attempts the engine made (retries and setup calls included)
  int held = 0;     // planned calls not begun yet and still wanted
};

struct PlanLimits {
  std::optional<int> budget;  // --max-api-calls; nullopt: none beyond the quotas
  std::string budget_text =
      {};                 // why a need is left out by the budget ("--max-api-calls 30 ..."); empty: said here
  int per_minute = 0;     // --max-calls-per-minute, all services together; 0: none
  double horizon = 1800;  // with no budget, the calls that pace allows in this many seconds
  double latency = 0.3;   // seconds a call takes, for the estimate
  int slots = 5;          // calls in flight at once
};

FetchPlan plan_fetches(const std::vector<PlanNeed>& needs,
                       const std::map<std::string, PlanProvider>& providers, const PlanLimits& limits);

// The least time `calls` calls take under a provider's pace: a per-minute
// rule with a burst of half a minute's allowance (or of its per-second
// count), a per-second rule as `per_second` calls in any `window` seconds.
double pace_seconds(double per_minute, int per_second, int calls, double window = 1.15);

// The whole run's estimate: the slowest provider's pace, or all calls at
// `latency` each over `slots`, whichever is longer; a provider's own calls
// take at least their latency one after another when it allows one at a time.
double estimate_seconds(const std::map<std::string, ProviderLoad>& providers,
                        const std::map<std::string, PlanProvider>& paces, double latency, int slots,
                        int per_minute = 0);

}  // namespace thd
