// The team's shared quota counts in the remote tier (core/base/team.hpp):
// one counter per provider and period, thd:v1:quota:<service>:<period>,
// taken atomically (a Lua script: never past the limit, whatever the number
// of machines), kept a few days past its period.
#pragma once

#include <memory>
#include <string>

#include "cache/redis_client.hpp"
#include "core/base/team.hpp"

namespace thd {

std::string redis_quota_key(std::string_view service, std::string_view period);

class RedisTeam final : public TeamQuotas {
 public:
  explicit RedisTeam(std::shared_ptr<RedisTier> tier) : m_tier(std::move(tier)) {}
  std::string describe() const override { return "the team's count at " + m_tier->spec().shown; }
  std::optional<bool> take(std::string_view service, std::string_view period, int limit,
                           std::int64_t keep_seconds) override;
  std::optional<long long> used(std::string_view service, std::string_view period) override;
  void spent(std::string_view service, std::string_view period, int limit,
             std::int64_t keep_seconds) override;

 private:
  std::shared_ptr<RedisTier> m_tier;
};

}  // namespace thd
