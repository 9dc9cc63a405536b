#include "cache/redis_team.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <random>

#include "cache/redis_storage.hpp"

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

// KEYS[1] the theoretical arrival time (ms, the server's clock), ARGV[1]
// the interval (ms), ARGV[2] the burst: 0 when a slot is taken, else the
// milliseconds until one may be (GCRA: at most `burst` at once, then one per
// interval, however many machines ask).
constexpr const char* k_pace = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = interval * (tonumber(ARGV[2]) - 1)
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
if now < tat - tolerance then return tat - tolerance - now end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil(tolerance + interval) + 1000)
return 0
)lua";

// KEYS[1] a key this run holds, ARGV[1] its token: deleted (or, with
// ARGV[2], held ARGV[2] ms more) only if it is still ours.
constexpr const char* k_release = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('DEL', KEYS[1])
)lua";

std::string millis(double seconds) {
  return std::to_string(std::max<long long>(1, std::llround(seconds * 1000)));
}

std::string key_of(std::string_view what, std::string_view service) {
  return "thd:v1:" + std::string(what) + ":" + std::string(service);
}

}  // namespace

RedisTeam::RedisTeam(std::shared_ptr<RedisTier> tier) : m_tier(std::move(tier)) {
  std::random_device rd;
  char host[64] = {};
  (void)::gethostname(host, sizeof host - 1);
  m_token = std::string(host) + ":" + std::to_string(::getpid()) + ":" + std::to_string(rd());
}

RedisTeam::~RedisTeam() {
  while (!m_claims.empty()) {
    const std::string key = m_claims.begin()->first;
    const size_t shard = m_claims.begin()->second;
    m_claims.erase(m_claims.begin());
    if (m_tier->usable(shard)) (void)m_tier->command(shard, {"EVAL", k_release, "1", key, m_token});
  }
}

std::optional<size_t> RedisTeam::writable(const std::string& key) const {
  if (m_tier->spec().read_only) return std::nullopt;
  const size_t shard = m_tier->shard_for(key);
  if (!m_tier->usable(shard)) return std::nullopt;
  return shard;
}

std::optional<double> RedisTeam::pace(std::string_view service, double interval, int burst) {
  const std::string key = key_of("pace", service);
  const auto shard = writable(key);
  if (!shard) return std::nullopt;
  auto r = m_tier->command(*shard,
                           {"EVAL", k_pace, "1", key, millis(interval), std::to_string(std::max(1, burst))});
  if (!r || r->type != RedisReply::Type::integer) return std::nullopt;
  return static_cast<double>(r->integer) / 1000.0;
}

std::optional<TeamBreaker> RedisTeam::breaker(std::string_view service) {
  const std::string key = key_of("breaker", service);
  const size_t shard = m_tier->shard_for(key);
  if (!m_tier->usable(shard)) return std::nullopt;
  auto r = m_tier->pipeline(shard, {{"GET", key}, {"PTTL", key}});
  if (!r || (*r)[0].type != RedisReply::Type::string || (*r)[1].type != RedisReply::Type::integer ||
      (*r)[1].integer <= 0)
    return std::nullopt;
  return TeamBreaker{static_cast<double>((*r)[1].integer) / 1000.0, (*r)[0].str};
}

// The team's probe lock of `service`, given back if this run holds it (on its own shard).
void RedisTeam::release_probe(std::string_view service) {
  const std::string probe = key_of("probe", service);
  if (const auto shard = writable(probe))
    (void)m_tier->command(*shard, {"EVAL", k_release, "1", probe, m_token});
}

void RedisTeam::open_breaker(std::string_view service, double seconds, std::string_view why) {
  const std::string key = key_of("breaker", service);
  const auto shard = writable(key);
  if (!shard) return;
  auto r = m_tier->command(*shard, {"SET", key, std::string(why), "PX", millis(seconds)});
  if (r && r->type == RedisReply::Type::status)
    m_tier->count_decision(std::string(service) + " breaker opened");
  else if (r && r->type == RedisReply::Type::error)
    note_refusal(*shard, r->str);
  release_probe(service);
}

std::optional<bool> RedisTeam::take_probe(std::string_view service, double seconds) {
  const std::string key = key_of("probe", service);
  const auto shard = writable(key);
  if (!shard) return std::nullopt;
  auto r = m_tier->command(*shard, {"SET", key, m_token, "NX", "PX", millis(seconds)});
  if (!r) return std::nullopt;
  if (r->type == RedisReply::Type::error) {  // refused (full, read-only replica, ACL): unknown, not "theirs"
    note_refusal(*shard, r->str);
    return std::nullopt;
  }
  const bool mine = r->type == RedisReply::Type::status;
  m_tier->count_decision(std::string(service) + (mine ? " probe taken" : " probe left to another machine"));
  return mine;
}

void RedisTeam::close_breaker(std::string_view service) {
  const std::string key = key_of("breaker", service);
  if (const auto shard = writable(key)) (void)m_tier->command(*shard, {"DEL", key});
  release_probe(service);
}

void RedisTeam::note_refusal(size_t shard, const std::string& error) {
  const bool full = error.starts_with("OOM");
  m_tier->note(full ? RemoteError::full : RemoteError::server, shard,
               (full ? "is full (" : "refused a write (") + error + ")" + k_refused_writes);
}

static std::string flight_key(std::string_view service, std::string_view key) {
  return "thd:v1:flight:" + redis_entry_key(service, key).substr(k_redis_prefix.size());
}

std::optional<std::vector<bool>> RedisTeam::claimed(
    const std::vector<std::pair<std::string, std::string>>& flights) {
  std::vector<bool> out(flights.size(), false);
  std::map<size_t, std::vector<size_t>> by_shard;
  std::vector<std::string> locks;
  for (size_t i = 0; i < flights.size(); ++i) {
    locks.push_back(flight_key(flights[i].first, flights[i].second));
    const size_t shard = m_tier->shard_for(locks.back());
    if (m_tier->usable(shard)) by_shard[shard].push_back(i);  // else: no one to wait for there
  }
  for (const auto& [shard, indexes] : by_shard) {
    std::vector<RedisTier::Argv> commands;
    for (size_t i : indexes) commands.push_back({"EXISTS", locks[i]});
    auto r = m_tier->pipeline(shard, commands);
    if (!r) continue;  // that shard's claims: not waited for
    for (size_t k = 0; k < indexes.size(); ++k)
      out[indexes[k]] = (*r)[k].type == RedisReply::Type::integer && (*r)[k].integer > 0;
  }
  return out;
}

Team::Claim RedisTeam::claim(std::string_view service, std::string_view key, double seconds) {
  const std::string lock = flight_key(service, key);
  const auto shard = writable(lock);
  if (!shard) return Claim::unknown;
  auto r = m_tier->command(*shard, {"SET", lock, m_token, "NX", "PX", millis(seconds)});
  if (!r) return Claim::unknown;
  if (r->type == RedisReply::Type::error) {
    note_refusal(*shard, r->str);
    return Claim::unknown;
  }
  if (r->type == RedisReply::Type::status) {
    m_claims[lock] = *shard;
    return Claim::mine;
  }
  if (m_left.insert(lock).second)
    m_tier->count_decision(std::string(service) + " fetch left to another machine");
  return Claim::theirs;
}

void RedisTeam::extend_claims(double seconds) {
  std::map<size_t, std::vector<RedisTier::Argv>> by_shard;
  for (const auto& [lock, shard] : m_claims)
    by_shard[shard].push_back({"EVAL", k_release, "1", lock, m_token, millis(seconds)});
  for (auto& [shard, commands] : by_shard)
    if (m_tier->usable(shard)) (void)m_tier->pipeline(shard, commands);
}

void RedisTeam::release(std::string_view service, std::string_view key) {
  const std::string lock = flight_key(service, key);
  auto it = m_claims.find(lock);
  if (it == m_claims.end()) return;
  const size_t shard = it->second;
  m_claims.erase(it);
  if (m_tier->usable(shard)) (void)m_tier->command(shard, {"EVAL", k_release, "1", lock, m_token});
}

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
  if (r && r->type == RedisReply::Type::error) {
    // A full server still answers reads: the team's count decides, without this call in it.
    note_refusal(shard, r->str);
    auto n = used(service, period);
    if (!n) return std::nullopt;
    m_tier->count_decision(std::string(service) + (*n >= limit ? " refused" : " allowed (not counted)"));
    return *n < limit;
  }
  if (!r || r->type != RedisReply::Type::integer) return std::nullopt;
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
