// The shared Redis tier's connection (docs/CACHE.md, "The shared tier"):
// the `remote_cache` setting read into shards and attributes, one hiredis
// connection per shard made when first needed, every operation bounded by
// the tier's timeouts, and the tier's own breaker: a shard that fails
// repeatedly (or refuses our password, or does not speak Redis) is skipped
// for the rest of the run. Nothing here fails a run: a failure is counted by
// kind and said once, as a notice. Keys are spread over the shards by
// rendezvous hashing (consistent: a shard's removal moves only its keys).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/error.hpp"

struct redisContext;

namespace thd {

struct RedisEndpoint {
  std::string host;  // empty for a socket
  int port = 6379;
  std::string socket;  // redis+unix: the path
  std::string user, password;
  int db = 0;
  std::string shown;  // the URL with its credentials redacted
};

struct RemoteSpec {
  std::vector<RedisEndpoint> shards;
  bool read_only = false;
  double connect_timeout = 0.1;           // seconds
  double operation_timeout = 0.5;         // seconds
  std::int64_t stale_window = 7 * 86400;  // an entry stays this long after it expires, to serve as stale
  std::string shown;                      // the whole setting, credentials redacted
};

// "redis://[[user]:password@]host[:port][/db]" or
// "redis+unix://[[user]:password@]/path/to.sock[?db=N]", several separated by
// spaces (shards), each optionally followed by "|attribute" parts that apply
// to the whole tier: read-only, connect-timeout=<ms>, operation-timeout=<ms>,
// stale-window=<duration>. Empty or "none": no remote tier (nullopt).
Result<std::optional<RemoteSpec>> parse_remote_cache(std::string_view text);
// The setting as written, each URL's credentials redacted (for error messages).
std::string redact_remote_cache(std::string_view text);

// What a refused write (a full server, a read-only replica, an ACL) means
// for the run, said once whichever write met it first.
inline constexpr const char* k_refused_writes =
    "; new entries stay local, and the team's counts, breakers and claims there are only read";

// What went wrong with the tier, by kind (discovery_metadata.remote.errors).
enum class RemoteError : std::uint8_t { unreachable, timeout, auth, protocol, full, server, corrupt, count_ };
std::string_view remote_error_name(RemoteError e);

struct RedisReply {
  enum class Type : std::uint8_t { nil, string, integer, status, error, array };
  Type type = Type::nil;
  long long integer = 0;
  std::string str;  // string, status and error replies
  std::vector<RedisReply> elements;
};

class RedisTier {
 public:
  explicit RedisTier(RemoteSpec spec);
  ~RedisTier();
  RedisTier(const RedisTier&) = delete;
  RedisTier& operator=(const RedisTier&) = delete;

  const RemoteSpec& spec() const { return m_spec; }
  size_t shards() const { return m_shards.size(); }
  // The shard that holds `key` (rendezvous hashing).
  size_t shard_for(std::string_view key) const;
  // False once the shard was given up for the run (its breaker), or never worked.
  bool usable(size_t shard) const;
  bool any_usable() const;
  // "up", "degraded" (some shards given up), "down" (all), "unused" (never asked).
  std::string state() const;

  using Argv = std::vector<std::string>;
  // Every command of `commands` sent at once to the shard, the replies in
  // order (a Redis error reply is a reply, not a failure). Fails when the
  // shard is skipped, unreachable, slow past the timeouts or not Redis; the
  // failure is counted and said once.
  Result<std::vector<RedisReply>> pipeline(size_t shard, const std::vector<Argv>& commands);
  Result<RedisReply> command(size_t shard, const Argv& argv);

  // A server that refuses to store (maxmemory with noeviction), a value that
  // is not an entry: counted and said once, the shard stays in use.
  void note(RemoteError kind, size_t shard, const std::string& what);
  std::array<std::uint64_t, static_cast<size_t>(RemoteError::count_)> errors() const { return m_errors; }
  // What went wrong since the last call, each kind of trouble said once per shard.
  std::vector<std::string> take_notices();
  // The team's decisions made through the tier ("quota taken", "quota refused", ...).
  void count_decision(const std::string& what) { ++m_decisions[what]; }
  const std::map<std::string, std::uint64_t>& decisions() const { return m_decisions; }

 private:
  struct Shard;
  bool connect(Shard& s);
  void failed(Shard& s, RemoteError kind, const std::string& what, bool give_up);

  RemoteSpec m_spec;
  std::vector<std::unique_ptr<Shard>> m_shards;
  std::array<std::uint64_t, static_cast<size_t>(RemoteError::count_)> m_errors{};
  std::vector<std::string> m_notices;
  std::map<std::string, std::uint64_t> m_decisions;
};

}  // namespace thd
