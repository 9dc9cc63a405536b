#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "cache/stats.hpp"
#include "core/base/file_lock.hpp"
#include "tests/unit/support.hpp"

using namespace thd;

namespace {

// Waits for each forked child: every one ended by exit(0).
void check_children_succeeded(const std::vector<pid_t>& pids) {
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
}

}  // namespace

TEST_CASE("stats round-trip through JSON") {
  StatCounters s;
  s.add("fmp", Stat::hits, 3);
  s.add("fmp", Stat::misses);
  s.add("yahoo_finance", Stat::evictions, 7);
  auto back = StatCounters::from_json(s.to_json(0));
  REQUIRE(back);
  CHECK(back->get("fmp", Stat::hits) == 3);
  CHECK(back->get("fmp", Stat::misses) == 1);
  CHECK(back->get("yahoo_finance", Stat::evictions) == 7);
  CHECK(back->total(Stat::hits) == 3);
  CHECK(back->hit_ratio() == doctest::Approx(0.75));
  CHECK_FALSE(StatCounters::from_json("[]"));
  CHECK_FALSE(StatCounters::from_json(R"({"services":{"fmp":{"hits":-1}}})"));
}

TEST_CASE("no lookups: no hit ratio") {
  CHECK(StatCounters{}.hit_ratio() < 0);
}

TEST_CASE("two concurrent writers lose no counts") {
  test::TempDir dir;
  constexpr int k_writers = 2, k_rounds = 100;
  pid_t pids[k_writers];
  for (int w = 0; w < k_writers; ++w) {
    pids[w] = ::fork();
    REQUIRE(pids[w] >= 0);
    if (pids[w] == 0) {
      StatCounters delta;
      delta.add("fmp", Stat::hits);
      delta.add(w == 0 ? "yahoo_finance" : "coingecko", Stat::stores, 2);
      bool ok = true;
      for (int i = 0; i < k_rounds; ++i) ok &= merge_stats(dir.path(), delta, 0).has_value();
      ::_exit(ok ? 0 : 1);
    }
  }
  check_children_succeeded(std::vector<pid_t>(std::begin(pids), std::end(pids)));
  auto stats = load_stats(dir.path());
  REQUIRE(stats);
  CHECK(stats->get("fmp", Stat::hits) == k_writers * k_rounds);
  CHECK(stats->get("yahoo_finance", Stat::stores) == 2 * k_rounds);
  CHECK(stats->get("coingecko", Stat::stores) == 2 * k_rounds);
}

TEST_CASE("a damaged stats file does not stop the next merge") {
  test::TempDir dir;
  test::write_file(stats_path(dir.path()), "{garbage");
  CHECK_FALSE(load_stats(dir.path()));
  StatCounters delta;
  delta.add("fmp", Stat::misses, 4);
  REQUIRE(merge_stats(dir.path(), delta, 0));
  CHECK(load_stats(dir.path())->get("fmp", Stat::misses) == 4);
}

TEST_CASE("a .meta swapped for a link while a merge waits for the lock: nothing outside is renamed") {
  test::TempDir d;
  const auto cache = d / "cache", outside = d / "outside";
  test::write_file(stats_path(cache), "{garbage");
  test::write_file(outside / "stats.json", "{not ours either");
  std::optional<FileLock> held;
  auto lock = FileLock::acquire_beneath(cache, ".meta/stats.lock");
  REQUIRE(lock);
  held.emplace(std::move(*lock));
  StatCounters delta;
  delta.add("fmp", Stat::misses, 1);
  Result<void> merged;
  std::thread merger([&] { merged = merge_stats(cache, delta, 0); });
  // The merger has opened .meta and waits on the lock; then .meta becomes a link.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::filesystem::rename(cache / ".meta", cache / "meta.old");
  std::filesystem::create_directory_symlink(outside, cache / ".meta");
  held.reset();
  merger.join();
  CHECK(std::filesystem::exists(outside / "stats.json"));
  CHECK_FALSE(std::filesystem::exists(outside / "stats.json.damaged"));
  REQUIRE_FALSE(merged);
  CHECK(merged.error().message.find((cache / ".meta").string() + " is a symbolic link inside the cache") !=
        std::string::npos);
}

TEST_CASE("zero_stats resets the counters; with no statistics file it creates nothing") {
  test::TempDir dir;
  auto none = zero_stats(dir.path(), 0);
  REQUIRE(none);
  CHECK_FALSE(*none);  // nothing recorded yet: nothing zeroed
  CHECK_FALSE(stats_recorded(dir.path()));
  CHECK_FALSE(std::filesystem::exists(dir.path() / ".meta"));
  StatCounters delta;
  delta.add("fmp", Stat::hits, 3);
  delta.add("imf_data", Stat::misses, 2);
  REQUIRE(merge_stats(dir.path(), delta, 0));
  CHECK(stats_recorded(dir.path()));
  auto done = zero_stats(dir.path(), 0);
  REQUIRE(done);
  CHECK(*done);
  auto zeroed = load_stats(dir.path());
  REQUIRE(zeroed);
  CHECK(zeroed->empty());
  CHECK(zeroed->hit_ratio() < 0);
  // Counting goes on from zero.
  REQUIRE(merge_stats(dir.path(), delta, 0));
  CHECK(load_stats(dir.path())->get("fmp", Stat::hits) == 3);
}

TEST_CASE(
    "merges and zeroings at the same time: the file is always whole, a merge after the last zero is kept") {
  test::TempDir dir;
  constexpr int k_rounds = 100;
  pid_t merger = ::fork();
  REQUIRE(merger >= 0);
  if (merger == 0) {
    StatCounters delta;
    delta.add("fmp", Stat::hits);
    bool ok = true;
    for (int i = 0; i < k_rounds; ++i) ok &= merge_stats(dir.path(), delta, 0).has_value();
    ::_exit(ok ? 0 : 1);
  }
  pid_t zeroer = ::fork();
  REQUIRE(zeroer >= 0);
  if (zeroer == 0) {
    bool ok = true;
    for (int i = 0; i < k_rounds; ++i) {
      ok &= zero_stats(dir.path(), 0).has_value();
      ok &= load_stats(dir.path()).has_value();  // never a torn file
    }
    ::_exit(ok ? 0 : 1);
  }
  check_children_succeeded({merger, zeroer});
  auto stats = load_stats(dir.path());
  REQUIRE(stats);
  CHECK(stats->get("fmp", Stat::hits) <= k_rounds);
  CHECK_FALSE(std::filesystem::exists(stats_path(dir.path()).string() + ".damaged"));
  StatCounters one;
  one.add("fmp", Stat::hits);
  REQUIRE(zero_stats(dir.path(), 0));
  REQUIRE(merge_stats(dir.path(), one, 0));
  CHECK(load_stats(dir.path())->get("fmp", Stat::hits) == 1);
}
