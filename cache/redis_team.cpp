#include "cache/redis_team.hpp"

namespace thd {

std::string redis_quota_key(std::string_view service, std::string_view period) {
  return "thd:v1:quota:" + std::string(service) + ":" + std::string(period);
}

namespace {

// KEYS[1] the count, ARGV[1] the limit, ARGV[2] seconds to keep it: the new
// count, or -1 when the limit is reached (nothing counted).
constexpr const char* k_take = R"lua(
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return -1 end
n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return n
)lua";

// The count raised to the limit (never lowered), kept as long.
constexpr const char* k_spent = R"lua(
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 1
)lua";

}  // namespace

std::optional<bool> RedisTeam::take(std::string_view service, std::string_view period, int limit,
                                    std::int64_t keep_seconds) {
  const std::string key = redis_quota_key(service, period);
  const size_t shard = m_tier->shard_for(key);
  if (!m_tier->usable(shard)) return std::nullopt;
  if (m_tier->spec().read_only) {  // the team's count is read, never written
    auto n = used(service, period);
    if (!n) return std::nullopt;
    m_tier->count_decision(std::string(service) + (*n >= limit ? " refused" : " allowed (read-only)"));
    return *n < limit;
  }
  auto r =
      m_tier->command(shard, {"EVAL", k_take, "1", key, std::to_string(limit), std::to_string(keep_seconds)});
  if (!r || r->type != RedisReply::Type::integer) {
    if (r && r->type == RedisReply::Type::error)
      m_tier->note(RemoteError::server, shard, "refused a quota count (" + r->str + ")");
    return std::nullopt;
  }
  const bool taken = r->integer >= 0;
  m_tier->count_decision(std::string(service) + " " + (taken ? "taken" : "refused"));
  return taken;
}

std::optional<long long> RedisTeam::used(std::string_view service, std::string_view period) {
  const std::string key = redis_quota_key(service, period);
  const size_t shard = m_tier->shard_for(key);
  if (!m_tier->usable(shard)) return std::nullopt;
  auto r = m_tier->command(shard, {"GET", key});
  if (!r) return std::nullopt;
  if (r->type == RedisReply::Type::nil) return 0;
  if (r->type != RedisReply::Type::string) return std::nullopt;
  try {
    return std::stoll(r->str);
  } catch (...) {
    return std::nullopt;
  }
}

void RedisTeam::spent(std::string_view service, std::string_view period, int limit,
                      std::int64_t keep_seconds) {
  const std::string key = redis_quota_key(service, period);
  const size_t shard = m_tier->shard_for(key);
  if (!m_tier->usable(shard) || m_tier->spec().read_only) return;
  if (m_tier->command(shard,
                      {"EVAL", k_spent, "1", key, std::to_string(limit), std::to_string(keep_seconds)}))
    m_tier->count_decision(std::string(service) + " spent");
}

}  // namespace thd
