// What the machines of a team share through the remote tier (docs/CACHE.md,
// "What a team shares"): each provider's quota count per period, its pace,
// its circuit breaker, and the fetches in flight. The engine and the
// fetcher ask before each call; an answer of nullopt (or `unknown`) means
// the tier cannot say (down, skipped for the run), and the caller goes by
// its own state, as if the machine were alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace thd {

struct TeamBreaker {
  double open_seconds = 0;  // how long it stays open from now
  std::string why;          // what opened it, as the machine that opened it said
};

class Team {
 public:
  virtual ~Team() = default;
  // "the team's tier at redis://host:6379"
  virtual std::string describe() const = 0;

  // One call of `service` in quota period `period` (`limit` calls in it):
  // true when the team's count had room (and now counts it), false when the
  // team has spent the period's quota. The count is kept `keep_seconds`.
  virtual std::optional<bool> take(std::string_view service, std::string_view period, int limit,
                                   std::int64_t keep_seconds) = 0;
  // The team's count in the period.
  virtual std::optional<long long> used(std::string_view service, std::string_view period) = 0;
  // The provider said the quota is spent: the team's count goes to `limit`.
  virtual void spent(std::string_view service, std::string_view period, int limit,
                     std::int64_t keep_seconds) = 0;

  // The team's pace for `service`: one call every `interval` seconds, with
  // `burst` calls at once at most. 0: a slot is taken now; else the seconds
  // until one may be.
  virtual std::optional<double> pace(std::string_view service, double interval, int burst) = 0;

  // The team's breaker: nullopt when closed (or unknown).
  virtual std::optional<TeamBreaker> breaker(std::string_view service) = 0;
  virtual void open_breaker(std::string_view service, double seconds, std::string_view why) = 0;
  // Half-open: the one probe of the team, held `seconds` at most. False: another machine probes.
  virtual std::optional<bool> take_probe(std::string_view service, double seconds) = 0;
  // The probe answered: the breaker closed for every machine.
  virtual void close_breaker(std::string_view service) = 0;

  // Single flight: whose fetch of (service, key) this is. `mine`: this
  // machine holds it for `seconds` and fetches; `theirs`: another machine
  // does, wait for its entry; `unknown`: fetch as if alone.
  enum class Claim { mine, theirs, unknown };
  virtual Claim claim(std::string_view service, std::string_view key, double seconds) = 0;
  // The claims this machine holds, held `seconds` more (a fetch still queued).
  virtual void extend_claims(double seconds) = 0;
  // For each (service, key), whether another machine still holds its claim;
  // nullopt: the tier cannot say.
  virtual std::optional<std::vector<bool>> claimed(
      const std::vector<std::pair<std::string, std::string>>& flights) = 0;
  virtual void release(std::string_view service, std::string_view key) = 0;
};

}  // namespace thd
