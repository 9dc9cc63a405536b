// The discovery document (SPEC §4.5, schemas/discovery.schema.json).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/base/stat_counters.hpp"
#include "core/config.hpp"
#include "core/phase0.hpp"
#include "core/planner.hpp"
#include "core/portfolio.hpp"
#include "core/trade_stats.hpp"
#include "services/network_step.hpp"

namespace thd {

struct PhaseTimes {
  std::int64_t phase0_inventory = 0, phase1_trades = 0, phase2_market = 0, phase3_integration = 0, total = 0;
};

struct ServiceState {
  std::string name;
  bool enabled = false;
  std::string status;  // "enabled", "disabled (offline)", "disabled (no key)", ...
};

struct DiscoveryInputs {
  const Config& config;
  UnixTime now;
  const PortfolioFile& portfolio;
  const Phase0& phase0;
  const TradeStats& trades;
  const std::vector<Served>& served;
  const std::vector<ServiceState>& services;
  const StatCounters& cache_stats;  // this run's lookups
  const NetworkUsage* network;      // null when offline
  PhaseTimes times;
  double peak_rss_mb = 0;
};

// `finish` runs after every other section is written and before the
// metadata, to fill in the phase times and peak RSS.
std::string build_discovery_json(DiscoveryInputs& in, const std::function<void(DiscoveryInputs&)>& finish);

}  // namespace thd
