#include <doctest/doctest.h>
#include <sys/resource.h>

#include <csignal>

#include "cache/file_storage.hpp"
#include "cache/md5.hpp"
#include "cache/stats.hpp"
#include "tests/unit/support.hpp"

using namespace thd;

namespace {
constexpr UnixTime k_now = 1795348800;  // 2026-11-22T12:00:00Z

size_t files_in(const std::filesystem::path& dir) {
  size_t n = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) n += e.is_regular_file();
  return n;
}
}  // namespace

TEST_CASE("put then get: fresh, then expired when the clock moves past the ttl") {
  test::TempDir dir;
  FakeClock clock(k_now);
  Storage store(std::make_unique<FileStorage>(dir.path()), clock);
  const FileStorage files(dir.path());
  REQUIRE(store.put("yahoo_finance", "chart:AAPL:1y:1d", 900, R"({"chart":{"result":[]}})"));
  CHECK(std::filesystem::exists(dir / "yahoo_finance/75d2c3fa9917f888e77bc19a15d732ff.json"));

  Lookup hit = store.get("yahoo_finance", "chart:AAPL:1y:1d");
  CHECK(hit.status == LookupStatus::fresh);
  CHECK(hit.data == R"({"chart":{"result":[]}})");
  CHECK(hit.created_at == k_now);
  CHECK(hit.ttl_seconds == 900);

  clock.advance(900);
  CHECK(store.get("yahoo_finance", "chart:AAPL:1y:1d").status == LookupStatus::expired);
  CHECK(store.get("yahoo_finance", "chart:MSFT:1y:1d").status == LookupStatus::absent);

  const StatCounters& s = store.session_stats();
  CHECK(s.get("yahoo_finance", Stat::stores) == 1);
  CHECK(s.get("yahoo_finance", Stat::hits) == 1);
  CHECK(s.get("yahoo_finance", Stat::misses) == 2);
}

TEST_CASE("a corrupt entry is never served and is counted") {
  test::TempDir dir;
  FakeClock clock(k_now);
  Storage store(std::make_unique<FileStorage>(dir.path()), clock);
  const FileStorage files(dir.path());
  test::write_file(files.path_for("fmp", "profile:AAPL"), R"({"service":"fmp","key":"profile:AAPL",)");
  Lookup l = store.get("fmp", "profile:AAPL");
  CHECK(l.status == LookupStatus::corrupt);
  CHECK(l.data.empty());
  CHECK(store.session_stats().get("fmp", Stat::corruptions) == 1);
  CHECK(store.session_stats().get("fmp", Stat::misses) == 1);
}

TEST_CASE("invalid JSON and non-positive ttls are refused, nothing written") {
  test::TempDir dir;
  FakeClock clock(k_now);
  Storage store(std::make_unique<FileStorage>(dir.path()), clock);
  const FileStorage files(dir.path());
  CHECK_FALSE(store.put("fmp", "profile:AAPL", 900, "{not json"));
  CHECK_FALSE(store.put("fmp", "profile:AAPL", 0, "{}"));
  CHECK_FALSE(std::filesystem::exists(files.path_for("fmp", "profile:AAPL")));
}

TEST_CASE("a hit refreshes the entry's last access time (LRU order)") {
  test::TempDir dir;
  FakeClock clock(k_now);
  Storage store(std::make_unique<FileStorage>(dir.path()), clock);
  const FileStorage files(dir.path());
  REQUIRE(store.put("fmp", "profile:AAPL", 86400, "{}"));
  auto path = files.path_for("fmp", "profile:AAPL");
  test::set_mtime(path, k_now - 5 * 86400);
  clock.advance(60);
  CHECK(store.get("fmp", "profile:AAPL").status == LookupStatus::fresh);
  CHECK(test::mtime_of(path) == k_now + 60);
}

TEST_CASE("a write that fails halfway leaves the old entry intact and no temporary file") {
  test::TempDir dir;
  FakeClock clock(k_now);
  Storage store(std::make_unique<FileStorage>(dir.path()), clock);
  const FileStorage files(dir.path());
  REQUIRE(store.put("fmp", "profile:AAPL", 900, R"({"old":true})"));
  const auto path = files.path_for("fmp", "profile:AAPL");
  const std::string before = test::slurp(path);

  // A real failure: the kernel refuses to let the file grow past 512 bytes.
  std::string big = "{\"pad\":\"" + std::string(10000, 'x') + "\"}";
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit saved {};
  ::getrlimit(RLIMIT_FSIZE, &saved);
  struct rlimit small = saved;
  small.rlim_cur = 512;
  ::setrlimit(RLIMIT_FSIZE, &small);
  auto result = store.put("fmp", "profile:AAPL", 900, big);
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, old_handler);

  CHECK_FALSE(result);
  CHECK(test::slurp(path) == before);
  CHECK(files_in(dir / "fmp") == 1);  // no leftover temporary file
  CHECK(store.get("fmp", "profile:AAPL").data == R"({"old":true})");
}

TEST_CASE("flush_stats persists and adds up across stores") {
  test::TempDir dir;
  FakeClock clock(k_now);
  {
    Storage store(std::make_unique<FileStorage>(dir.path()), clock);
    const FileStorage files(dir.path());
    store.get("fmp", "profile:A");
    REQUIRE(store.put("fmp", "profile:A", 900, "{}"));
    store.get("fmp", "profile:A");
    REQUIRE(store.flush_stats());
    CHECK(store.session_stats().empty());
  }
  {
    Storage store(std::make_unique<FileStorage>(dir.path()), clock);
    const FileStorage files(dir.path());
    store.get("fmp", "profile:A");
    store.note_stale_served("fmp");
    REQUIRE(store.flush_stats());
  }
  auto stats = load_stats(dir.path());
  REQUIRE(stats);
  CHECK(stats->get("fmp", Stat::misses) == 1);
  CHECK(stats->get("fmp", Stat::hits) == 2);
  CHECK(stats->get("fmp", Stat::stores) == 1);
  CHECK(stats->get("fmp", Stat::stale_served) == 1);
  CHECK(stats->hit_ratio() == doctest::Approx(2.0 / 3.0));
}
