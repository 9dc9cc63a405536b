// The discovery document as a value (SPEC §4.5): Phase 3 builds it from the
// earlier phases, and renderers (JSON today; table, Markdown, HTML later)
// only render it. Nothing is computed inside a renderer.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/base/clock.hpp"
#include "core/base/date.hpp"
#include "core/base/fetcher.hpp"
#include "core/base/stat_counters.hpp"
#include "core/config.hpp"
#include "core/fundamental.hpp"
#include "core/inventory.hpp"
#include "core/phase0.hpp"
#include "core/planner.hpp"
#include "core/portfolio.hpp"
#include "core/trade_summary.hpp"

namespace thd {

class TradeStats;

struct PhaseTimes {
  std::int64_t phase0_inventory = 0, phase1_trades = 0, phase2_market = 0, phase3_integration = 0, total = 0;
};

struct ServiceState {
  std::string name;
  bool enabled = false;
  std::string status;  // "enabled", "disabled (offline)", "disabled (no key)", ...
};

// A local analysis file: which, how old.
struct LocalFile {
  std::string file;
  Date date;
  std::int64_t age_days = 0;
  bool stale = false;
};

struct Discovery {
  struct Portfolio {
    std::string name, file;
    std::optional<Date> file_date;
  } portfolio;

  TradeSummary trades;

  // A record with its provenance; a need not served is all nulls with the reason.
  using Figure = std::pair<std::string, Served>;  // subject, served
  struct Vix {
    std::optional<double> value;
    std::optional<std::string> regime;  // low (< 20), elevated (< 30), high
    Provenance provenance;
  };
  struct Market {
    std::vector<Figure> benchmarks;  // SPY, QQQ, VTI
    Vix vix;
    std::vector<Figure> economic;  // FRED series
    std::vector<Figure> imf;       // IMF indicators
    std::vector<Figure> crypto;    // by coin id
  } market;

  struct Fundamentals {
    FundamentalFacts facts;  // from the local analysis
    std::optional<LocalFile> local;
    FundamentalsRecord figures;  // from a provider
    Provenance provenance;
  };
  struct Ticker {
    std::string ticker;
    Served market, profile;
    Fundamentals fundamentals;
  };
  std::vector<Ticker> tickers;  // sorted

  struct Integration {
    Coverage coverage;
    std::map<std::string, std::uint64_t> recommendations;  // BUY, HOLD, SELL, none
    std::optional<double> average_analysis_age_days;
    std::uint64_t stale_analyses = 0;
  } integration;

  struct Sector {
    std::string name;
    std::vector<std::string> tickers;
    std::optional<LocalFile> analysis;
  };
  struct Sectors {
    std::vector<Sector> by_sector;  // by name
    std::vector<std::string> unclassified;
    std::vector<std::pair<std::string, std::optional<LocalFile>>> themes;  // local theme files, by name
  } sectors;

  Phase0 inventory;  // local_data_inventory

  struct ServiceRow {
    std::string name;
    bool enabled = false;
    std::string status;
    std::uint64_t calls = 0, failures = 0;
    std::optional<std::string> circuit;
    std::optional<double> per_minute;
    std::optional<int> per_day, per_second, per_month;
    std::optional<std::string> stopped;  // why the service stopped for the run, in the provider's words
  };
  struct Metadata {
    UnixTime generated_at = 0;
    std::string tool_version, data_source, mode;
    PhaseTimes times;
    NetworkUsage api;  // all zero offline: no transfer is made
    std::uint64_t cache_hits = 0, cache_misses = 0, cache_stale_served = 0, cache_stores = 0;
    std::optional<double> cache_hit_ratio;
    std::uint64_t needs_total = 0;
    std::map<std::string, std::uint64_t> needs_by_source;
    double peak_rss_mb = 0;
    std::vector<ServiceRow> services;
    std::optional<RemoteReport> remote;  // the shared tier's figures, when one is set
  } metadata;
};

struct DiscoveryInputs {
  const Config& config;
  UnixTime now;
  const PortfolioFile& portfolio;
  Phase0 phase0;
  const TradeStats& trades;
  const std::vector<Served>& served;
  const std::vector<ServiceState>& services;
  const StatCounters& cache_stats;  // this run's lookups
  const NetworkUsage* network;      // null when offline
};

// Phase 3: the integration of local research with the market context, and
// the document's every figure. Times and peak RSS are the caller's to set.
Discovery build_discovery(DiscoveryInputs in);

// The document as JSON (schemas/discovery.schema.json), rendering only.
std::string render_discovery_json(const Discovery& d);

}  // namespace thd
