// What the machines of a team share through the remote tier (docs/CACHE.md,
// "Shared quotas"): each provider's quota count per period, so that four
// machines together never make more calls than the plan allows. The engine
// asks before each call; an answer of nullopt means the tier cannot say
// (down, skipped for the run) and the engine goes by its own count, as if
// the machine were alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace thd {

class TeamQuotas {
 public:
  virtual ~TeamQuotas() = default;
  // "the team's count at redis://host:6379"
  virtual std::string describe() const = 0;
  // One call of `service` in quota period `period` (`limit` calls in it):
  // true when the team's count had room (and now counts it), false when the
  // team has spent the period's quota. The count is kept `keep_seconds`.
  virtual std::optional<bool> take(std::string_view service, std::string_view period, int limit,
                                   std::int64_t keep_seconds) = 0;
  // The team's count in the period (at most the limit).
  virtual std::optional<long long> used(std::string_view service, std::string_view period) = 0;
  // The provider said the quota is spent: the team's count goes to `limit`.
  virtual void spent(std::string_view service, std::string_view period, int limit,
                     std::int64_t keep_seconds) = 0;
};

}  // namespace thd
