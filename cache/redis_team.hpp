// What a team shares, in the remote tier (core/base/team.hpp), each under
// thd:v1: and each changed atomically by one command or a Lua script:
//   quota:<service>:<period>  the calls counted in the period (never past the limit)
//   pace:<service>            the next call's theoretical time (GCRA, the server's clock)
//   breaker:<service>         present while open: what opened it; expires when it closes
//   probe:<service>           the one half-open probe of the team
//   flight:<service>:<md5>    the machine fetching that entry (single flight)
// In read-only mode nothing is written: counts and breakers are read only.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "cache/redis_client.hpp"
#include "core/base/team.hpp"

namespace thd {

std::string redis_quota_key(std::string_view service, std::string_view period);

class RedisTeam final : public Team {
 public:
  explicit RedisTeam(std::shared_ptr<RedisTier> tier);
  ~RedisTeam() override;  // gives back the claims still held
  std::string describe() const override { return "the team's tier at " + m_tier->spec().shown; }
  std::optional<bool> take(std::string_view service, std::string_view period, int limit,
                           std::int64_t keep_seconds) override;
  std::optional<long long> used(std::string_view service, std::string_view period) override;
  void spent(std::string_view service, std::string_view period, int limit,
             std::int64_t keep_seconds) override;
  std::optional<double> pace(std::string_view service, double interval, int burst) override;
  std::optional<TeamBreaker> breaker(std::string_view service) override;
  void open_breaker(std::string_view service, double seconds, std::string_view why) override;
  std::optional<bool> take_probe(std::string_view service, double seconds) override;
  void close_breaker(std::string_view service) override;
  Claim claim(std::string_view service, std::string_view key, double seconds) override;
  void extend_claims(double seconds) override;
  std::optional<std::vector<bool>> claimed(
      const std::vector<std::pair<std::string, std::string>>& flights) override;
  void release(std::string_view service, std::string_view key) override;

 private:
  // A shard to write to, if the tier may be written and the shard is in use.
  std::optional<size_t> writable(const std::string& key) const;
  void release_probe(std::string_view service);
  void note_refusal(size_t shard, const std::string& error);  // a write refused: full, read-only, ACL

  std::shared_ptr<RedisTier> m_tier;
  std::string m_token;                     // this run, in the keys it holds
  std::map<std::string, size_t> m_claims;  // flight keys held -> their shard
  std::set<std::string> m_left;            // flight keys found held by another machine (counted once)
};

}  // namespace thd
