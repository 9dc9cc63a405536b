// The network step: the NeedFetcher of core/base/fetcher.hpp built over the
// engine and the provider registry, plus what it did (usage, progress).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/base/clock.hpp"
#include "core/base/date.hpp"
#include "core/base/env.hpp"
#include "core/base/error.hpp"
#include "core/base/fetcher.hpp"
#include "core/base/need.hpp"
#include "core/base/records.hpp"
#include "core/base/storage.hpp"
#include "core/base/symbols.hpp"
#include "core/base/ttl.hpp"
#include "services/fetch_plan.hpp"
#include "services/http_engine.hpp"

namespace thd {

// Where a run's network step is, for a progress line.
struct NetworkProgress {
  size_t needs_total = 0, needs_done = 0;  // the needs that went to the network
  size_t needs_failed = 0;                 // of those done, the ones no provider served
  std::uint64_t calls = 0;                 // attempts made
  std::map<std::string, ServiceProgress> services;
  std::vector<EngineWait> waits;  // services whose next call waits, and why
  double eta_seconds = -1;        // the time left, estimated; < 0: not known yet
};

class NetworkStep : public NeedFetcher {
 public:
  virtual NetworkUsage usage() const = 0;
  virtual bool cancelled() const = 0;  // the tick (RSS guard) stopped it
  virtual NetworkProgress progress() const = 0;
  // The plan of the needs given to fetch() so far (--dry-run prints it);
  // plan().needs[i] is the i-th need given.
  virtual const FetchPlan& plan() = 0;
  virtual const std::map<std::string, PlanProvider>& plan_providers() const = 0;
  // Persists breakers and quotas; returns warnings for people.
  virtual std::vector<std::string> finish() = 0;
};

struct NetworkSetup {
  EngineOptions engine;                          // the run's limits, state_dir and tick included
  std::map<std::string, std::string> base_urls;  // per service, no trailing slash
  EnvLookup env;                                 // API keys, SEC's contact and tickers URL
  Storage& cache;                                // for documents shared by many needs
  const TtlTable& ttls;
  std::set<std::string> enabled;  // services that may be called
  Date today;
  Clock& clock;
  const std::vector<Need>* needs = nullptr;  // the run's needs: which subjects each provider may be asked for
  std::int64_t absence_ttl = 86400;          // how long "no data" and "not on your plan" are remembered
  // Per service: its quota's reset time (minutes after midnight, UTC) and
  // the user's quotas instead of the free plans' (0: none).
  std::map<std::string, int> quota_reset_minutes;
  std::map<std::string, int> daily_quota, monthly_quota;
  std::map<std::string, std::string> user_agents;  // per service, the user's
  std::map<std::string, std::string> disabled;     // per service not enabled: its status, for reasons
  SymbolOverrides symbols;                         // the user's spellings per ticker and service
  // --max-api-calls; nullopt: auto (each provider's quota left, and for one
  // without a quota what its pace allows in `horizon_seconds`).
  std::optional<int> budget;
  double horizon_seconds = 1800;
  double latency = 0.3;  // a call's expected time, for the estimate (the last run's when known)
};

std::unique_ptr<NetworkStep> make_network_step(const NetworkSetup& setup);

// Registers the run's secrets with core/base/secrets.hpp, before anything
// else is read: every provider's key from `env`, and the credentials of every
// THD_* variable holding a URL. (The config file's URLs are registered once
// it is read.) Returns a warning for each value too short to be redacted from
// free text (it is still never written by the tool itself).
std::vector<std::string> register_run_secrets(const EnvLookup& env);

}  // namespace thd
