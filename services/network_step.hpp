// The network as the planner sees it: a NeedFetcher that goes down a need's
// provider chain, plus what it did. Built here over the engine; core/ uses
// the interface, and its tests put a scripted fetcher in its place.
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
#include "core/base/need.hpp"
#include "core/base/records.hpp"
#include "core/base/storage.hpp"
#include "core/base/ttl.hpp"
#include "services/http_engine.hpp"

namespace thd {

// What the network step brings back for one need.
struct Fetched {
  std::string service;
  RecordKind kind = RecordKind::market;
  Record record;
  std::string key;                  // the cache key it is stored under
  DataKind data = DataKind::quote;  // whose TTL it is stored with
};

// fetch() goes down the need's chain (enabled providers only); `done` gets
// the record, or an error whose kind and message say why nothing came back.
// run() drives every fetch to its end.
class NeedFetcher {
 public:
  using Done = std::function<void(Result<Fetched>)>;
  virtual ~NeedFetcher() = default;
  virtual void fetch(const Need& need, Done done) = 0;
  virtual void run() = 0;
};

struct ServiceUsage {
  std::uint64_t calls = 0, failures = 0;  // attempts sent; requests that failed
  std::string circuit;                    // closed, open, half_open
};

struct NetworkUsage {
  std::uint64_t attempts = 0, succeeded = 0, connections = 0;
  std::map<std::string, std::uint64_t> failed;  // by outcome
  std::map<std::string, ServiceUsage> services;
};

class NetworkStep : public NeedFetcher {
 public:
  virtual NetworkUsage usage() const = 0;
  virtual bool cancelled() const = 0;  // the tick (RSS guard) stopped it
  // Requests finished and requests made so far, for a progress line.
  virtual std::pair<std::uint64_t, std::uint64_t> progress() const = 0;
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
};

std::unique_ptr<NetworkStep> make_network_step(const NetworkSetup& setup);

}  // namespace thd
