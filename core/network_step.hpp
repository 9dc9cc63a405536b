// The pipeline's view of the network: a NeedFetcher that also reports what
// it did. Declared here, built in services/ (core knows no HTTP).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/config.hpp"
#include "core/date.hpp"
#include "core/planner.hpp"

namespace thd {

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
  const Config& config;
  EnvLookup env;
  CacheStore& cache;
  std::set<std::string> enabled;  // services that may be called
  Date today;
  std::function<bool()> tick;  // false cancels everything
};

std::unique_ptr<NetworkStep> make_network_step(const NetworkSetup& setup);

}  // namespace thd
