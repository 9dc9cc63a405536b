// The remote_cache setting as read (expected values written by hand from
// the grammar in docs/CACHE.md), and the spread of keys over shards. The
// tier against a real server: tests/cli/test_remote.py.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "cache/redis_client.hpp"
#include "cache/redis_storage.hpp"
#include "cache/redis_team.hpp"

using namespace thd;

namespace {

RemoteSpec parsed(std::string_view text) {
  auto spec = parse_remote_cache(text);
  REQUIRE_MESSAGE(spec, (spec ? "" : spec.error().message));
  REQUIRE(*spec);
  return **spec;
}

std::string error_of(std::string_view text) {
  auto spec = parse_remote_cache(text);
  REQUIRE_FALSE(spec);
  return spec.error().message;
}

}  // namespace

TEST_CASE("remote_cache: none, empty and one plain URL with the defaults") {
  for (const char* none : {"", "  ", "none", "NONE"}) {
    auto spec = parse_remote_cache(none);
    REQUIRE(spec);
    CHECK_FALSE(*spec);
  }
  RemoteSpec s = parsed("redis://cache.example");
  REQUIRE(s.shards.size() == 1);
  CHECK(s.shards[0].host == "cache.example");
  CHECK(s.shards[0].port == 6379);
  CHECK(s.shards[0].db == 0);
  CHECK(s.shards[0].password.empty());
  CHECK(s.connect_timeout == doctest::Approx(0.1));
  CHECK(s.operation_timeout == doctest::Approx(0.5));
  CHECK(s.stale_window == 7 * 86400);
  CHECK_FALSE(s.read_only);
  CHECK(s.shown == "redis://cache.example:6379");
}

TEST_CASE("remote_cache: credentials, port, database; the password decoded and never shown") {
  RemoteSpec s = parsed("redis://team:p%40ss%3Aword@10.0.0.5:6380/2");
  CHECK(s.shards[0].user == "team");
  CHECK(s.shards[0].password == "p@ss:word");
  CHECK(s.shards[0].host == "10.0.0.5");
  CHECK(s.shards[0].port == 6380);
  CHECK(s.shards[0].db == 2);
  CHECK(s.shown == "redis://<redacted>@10.0.0.5:6380/2");
  // ccache's forms: ":password@" and a bare "password@".
  CHECK(parsed("redis://:secret-0417@h").shards[0].password == "secret-0417");
  CHECK(parsed("redis://:secret-0417@h").shards[0].user.empty());
  CHECK(parsed("redis://secret-0417@h").shards[0].password == "secret-0417");
  // IPv6 in brackets.
  RemoteSpec v6 = parsed("redis://[::1]:7000");
  CHECK(v6.shards[0].host == "::1");
  CHECK(v6.shards[0].port == 7000);
  CHECK(v6.shown == "redis://[::1]:7000");
}

TEST_CASE("remote_cache: a password may hold spaces, '/', '|', ',' and '@'; errors never show it") {
  RemoteSpec s = parsed("redis://:a long pass/word|x,y@10.0.0.5:6380|read-only redis://:p@ss w0rd@h2");
  REQUIRE(s.shards.size() == 2);
  CHECK(s.shards[0].password == "a long pass/word|x,y");
  CHECK(s.shards[0].host == "10.0.0.5");
  CHECK(s.shards[0].port == 6380);
  CHECK(s.read_only);
  CHECK(s.shards[1].password == "p@ss w0rd");  // up to the last '@' before the host
  CHECK(s.shards[1].host == "h2");
  CHECK(s.shown == "redis://<redacted>@10.0.0.5:6380 redis://<redacted>@h2:6379|read-only");
  for (const char* bad : {"redis://:Ab3/xY z+Q9|secret,pw@h:99999", "redis://:Ab3/xY z+Q9|secret,pw@",
                          "redis://:Ab3/xY z+Q9|secret,pw@h|nonsense", "rediss://:Ab3/xY z+Q9|secret,pw@h"}) {
    CAPTURE(bad);
    const std::string e = error_of(bad);
    CHECK(e.find("secret") == std::string::npos);
    CHECK(e.find("Ab3") == std::string::npos);
    CHECK(redact_remote_cache(bad).find("secret") == std::string::npos);
  }
}

TEST_CASE("remote_cache: a local socket, with a database and a password") {
  RemoteSpec s = parsed("redis+unix://:pw-0417-long@/run/redis/redis.sock?db=4");
  CHECK(s.shards[0].socket == "/run/redis/redis.sock");
  CHECK(s.shards[0].host.empty());
  CHECK(s.shards[0].db == 4);
  CHECK(s.shards[0].password == "pw-0417-long");
  CHECK(s.shown == "redis+unix://<redacted>@/run/redis/redis.sock?db=4");
  CHECK(parsed("redis+unix:///tmp/r.sock").shown == "redis+unix:///tmp/r.sock");
}

TEST_CASE("remote_cache: shards and attributes, for the whole tier") {
  RemoteSpec s = parsed(
      "redis://a:6379 redis://b:6380|read-only|connect-timeout=250 |operation-timeout=1500|stale-window=2d");
  REQUIRE(s.shards.size() == 2);
  CHECK(s.shards[1].host == "b");
  CHECK(s.read_only);
  CHECK(s.connect_timeout == doctest::Approx(0.25));
  CHECK(s.operation_timeout == doctest::Approx(1.5));
  CHECK(s.stale_window == 2 * 86400);
  CHECK(s.shown == "redis://a:6379 redis://b:6380|read-only");
  CHECK(parsed("redis://a,redis://b").shards.size() == 2);  // commas separate too
}

TEST_CASE("remote_cache: every bad form is one clear error, credentials never in it") {
  CHECK(error_of("rediss://:hunter2-long@h").find("TLS") != std::string::npos);
  CHECK(error_of("rediss://:hunter2-long@h").find("hunter2") == std::string::npos);
  CHECK(error_of("http://h").find("is not a redis:// or redis+unix:// URL") != std::string::npos);
  CHECK(error_of("redis://h:0").find("port") != std::string::npos);
  CHECK(error_of("redis://h:65536").find("port") != std::string::npos);
  CHECK(error_of("redis://h:x").find("port") != std::string::npos);
  CHECK(error_of("redis://h/x").find("database") != std::string::npos);
  CHECK(error_of("redis://").find("no host") != std::string::npos);
  CHECK(error_of("redis://[::1").find("unclosed") != std::string::npos);
  CHECK(error_of("redis+unix://host/sock").find("names a host") != std::string::npos);
  CHECK(error_of("redis+unix://").find("no socket path") != std::string::npos);
  CHECK(error_of("redis+unix:///s?x=1").find("?db=") != std::string::npos);
  CHECK(error_of("redis://h|write-only").find("unknown attribute 'write-only'") != std::string::npos);
  CHECK(error_of("redis://h|connect-timeout=0").find("milliseconds") != std::string::npos);
  CHECK(error_of("redis://h|connect-timeout=abc").find("milliseconds") != std::string::npos);
  CHECK(error_of("redis://h|stale-window=soon").find("duration") != std::string::npos);
  CHECK(error_of("|read-only").find("no redis:// URL") != std::string::npos);
  CHECK(error_of("redis://h redis://h:6379").find("named twice") != std::string::npos);
  const std::string e = error_of("redis://:pa55-word-0417@h:99999");
  CHECK(e.find("pa55") == std::string::npos);
  CHECK(e.find("<redacted>@h:99999") != std::string::npos);
}

TEST_CASE("redact_remote_cache: every URL's credentials, attributes kept") {
  CHECK(redact_remote_cache("redis://:a-secret-1@h1 redis://u:b-secret-2@h2|read-only") ==
        "redis://<redacted>@h1 redis://<redacted>@h2|read-only");
  CHECK(redact_remote_cache("redis://h") == "redis://h");
}

TEST_CASE("shards: keys spread evenly, and stopping one shard moves only its keys") {
  RedisTier three(parsed("redis://a redis://b redis://c"));
  RedisTier two(parsed("redis://a redis://c"));  // b gone
  std::map<size_t, int> per_shard;
  int moved_wrongly = 0;
  constexpr int k_keys = 3000;
  for (int i = 0; i < k_keys; ++i) {
    const std::string key = redis_entry_key("yahoo_finance", "quote:T" + std::to_string(i));
    const size_t s3 = three.shard_for(key);
    ++per_shard[s3];
    const size_t s2 = two.shard_for(key);  // 0 = a, 1 = c
    if (s3 == 0 && s2 != 0) ++moved_wrongly;
    if (s3 == 2 && s2 != 1) ++moved_wrongly;
  }
  CHECK(moved_wrongly == 0);  // a's and c's keys stay where they were
  REQUIRE(per_shard.size() == 3);
  for (const auto& entry : per_shard) {  // no structured binding: clang 14 cannot capture one (CAPTURE)
    const size_t shard = entry.first;
    const int n = entry.second;
    CAPTURE(shard);
    CHECK(n > k_keys / 3 - 150);  // within 15% of a third
    CHECK(n < k_keys / 3 + 150);
  }
  // The same key, the same shard, whatever the credentials.
  RedisTier with_password(parsed("redis://:some-long-pass@a redis://b redis://c"));
  for (int i = 0; i < 100; ++i) {
    const std::string key = "k" + std::to_string(i);
    CHECK(with_password.shard_for(key) == three.shard_for(key));
  }
}

TEST_CASE("keys: entries under thd:v1:<service>:<md5 of service_key>, quota counts apart") {
  // md5("fred_economic_series:FEDFUNDS"), computed with `printf %s ... | md5sum`.
  CHECK(redis_entry_key("fred_economic", "series:FEDFUNDS") ==
        "thd:v1:fred_economic:27faf183ae0d5198f7cd7c6c140a668d");
  CHECK(redis_quota_key("fmp", "2026-11-30") == "thd:v1:quota:fmp:2026-11-30");
}

TEST_CASE("a tier never asked is unused; a refused connection gives the shard up at once") {
  RedisTier tier(parsed("redis://127.0.0.1:1|connect-timeout=100"));
  CHECK(tier.state() == "unused");
  CHECK(tier.usable(0));
  auto r = tier.command(0, {"PING"});
  CHECK_FALSE(r);
  CHECK_FALSE(tier.usable(0));
  CHECK(tier.state() == "down");
  CHECK(tier.errors()[static_cast<size_t>(RemoteError::unreachable)] == 1);
  auto notices = tier.take_notices();
  REQUIRE(notices.size() == 1);
  CHECK(notices[0] ==
        "remote cache: redis://127.0.0.1:1 unreachable (connection refused); using the local cache only");
  CHECK_FALSE(tier.command(0, {"PING"}));  // skipped: no second attempt, no second error
  CHECK(tier.errors()[static_cast<size_t>(RemoteError::unreachable)] == 1);
  CHECK(tier.take_notices().empty());
}
