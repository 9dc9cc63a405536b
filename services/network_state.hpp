// What the network remembers between runs, in <cache-dir>/.meta/network.json:
// open circuit breakers with their expiry, and daily quotas used (SPEC §6).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "core/base/clock.hpp"
#include "core/base/error.hpp"

namespace thd {

struct QuotaUse {
  std::string date;  // YYYY-MM-DD (UTC) the count belongs to
  int used = 0;
};

struct NetworkState {
  std::map<std::string, UnixTime> open_until;  // breakers open until then
  std::map<std::string, QuotaUse> quota;
};

std::filesystem::path network_state_path(const std::filesystem::path& cache_dir);
// A missing or unreadable file is an empty state (it only saves calls).
NetworkState load_network_state(const std::filesystem::path& cache_dir);
// A saved breaker never outlives one cool-down from now: an `open_until` far
// ahead (a hand-edited file, a clock stepped back) is brought to now +
// cooldown, and one already past is dropped.
void clamp_breakers(NetworkState& state, UnixTime now, double cooldown_seconds);

struct NetworkStateUpdate {
  std::map<std::string, std::optional<UnixTime>> breakers;  // nullopt: closed now
  std::map<std::string, QuotaUse> quota_added;              // calls made today by this run
  bool clear_breakers = false;                              // --reset-breakers: every saved breaker goes
};
// Read-modify-write under a lock, so concurrent runs add up their quotas.
Result<void> save_network_state(const std::filesystem::path& cache_dir, const NetworkStateUpdate& update);

}  // namespace thd
