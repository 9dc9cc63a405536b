// What the network remembers between runs, in <cache-dir>/.meta/network.json:
// open circuit breakers with their expiry, and quotas used (SPEC §6); and in
// <cache-dir>/.meta/absent.json, the answers that there is nothing to fetch.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "core/base/clock.hpp"
#include "core/base/error.hpp"

namespace thd {

struct QuotaUse {
  std::string date;  // the quota period the count belongs to: YYYY-MM-DD, or YYYY-MM for a monthly quota
  int used = 0;
  bool spent = false;  // the provider said the quota is spent (whatever our count)
};

// A provider's answer that there is nothing to fetch for a cache key ("no
// data for this symbol", "not on your plan"), remembered so that the next
// runs do not spend a call on it again until `until`.
struct Absence {
  UnixTime asked = 0;
  UnixTime until = 0;
  FailureKind kind = FailureKind::no_data;  // no_data or not_on_plan
  std::string why;                          // the provider's words, redacted
};
using Absences = std::map<std::string, std::map<std::string, Absence>>;  // service -> cache key -> absence

struct NetworkState {
  std::map<std::string, UnixTime> open_until;  // breakers open until then
  std::map<std::string, UnixTime> opened_at;   // and since when, where saved (a provider's pause is longer)
  std::map<std::string, QuotaUse> quota;
};
// The most absences kept: the newest win (a 2,000-ticker portfolio has 6,000 needs).
inline constexpr size_t k_max_absences = 50000;

std::filesystem::path network_state_path(const std::filesystem::path& cache_dir);
// A missing or unreadable file is an empty state (it only saves calls).
NetworkState load_network_state(const std::filesystem::path& cache_dir);
// A saved breaker never outlives its own hold from now: one cool-down, or the
// pause a provider asked for (open_until - opened_at, at most
// k_longest_hold). An `open_until` further ahead (a hand-edited file, a clock
// stepped back) is brought to now + that hold, and one already past is dropped.
inline constexpr double k_longest_hold = 900;
void clamp_breakers(NetworkState& state, UnixTime now, double cooldown_seconds);

struct NetworkStateUpdate {
  std::map<std::string, std::optional<UnixTime>> breakers;  // nullopt: closed now
  std::map<std::string, UnixTime> opened_at;                // of the breakers saved open
  std::map<std::string, QuotaUse> quota_added;              // calls made today by this run
  bool clear_breakers = false;                              // --reset-breakers: every saved breaker goes
};

// The absences, in their own file (<cache-dir>/.meta/absent.json, its own
// lock): they can be many (a 2,000-ticker portfolio), and the quota counts,
// saved as calls happen, stay a small file. A missing or unreadable file is
// none (they only save calls).
std::filesystem::path absences_path(const std::filesystem::path& cache_dir);
Absences load_absences(const std::filesystem::path& cache_dir);
// Adds `added` under a lock (concurrent runs add up), drops what ended
// before `now`, keeps the newest k_max_absences.
Result<void> save_absences(const std::filesystem::path& cache_dir, const Absences& added, UnixTime now);
// Read-modify-write under a lock, so concurrent runs add up their quotas.
Result<void> save_network_state(const std::filesystem::path& cache_dir, const NetworkStateUpdate& update);

}  // namespace thd
