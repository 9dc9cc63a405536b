// Breakers and quotas remembered between runs in <cache>/.meta/network.json
// (SPEC §6): saved and loaded back, quotas of concurrent runs added up, a
// closed breaker forgotten, a missing or damaged file an empty state.
#include <doctest/doctest.h>

#include "services/network_state.hpp"
#include "tests/unit/support.hpp"

using namespace thd;

namespace {
constexpr UnixTime k_now = 1795348800;  // 2026-11-22T12:00:00Z
}  // namespace

TEST_CASE("network state: breakers and quotas round-trip through the file") {
  test::TempDir cache;
  NetworkStateUpdate u;
  u.breakers["fmp"] = k_now + 60;
  u.breakers["alpha_vantage"] = k_now + 3600;
  u.quota_added["alpha_vantage"] = {"2026-11-22", 3};
  u.quota_added["fmp"] = {"2026-11-22", 17};
  REQUIRE(save_network_state(cache.path(), u));
  CHECK(network_state_path(cache.path()) == cache / ".meta/network.json");
  CHECK(std::filesystem::is_regular_file(cache / ".meta/network.json"));

  NetworkState s = load_network_state(cache.path());
  CHECK(s.open_until.size() == 2);
  CHECK(s.open_until.at("fmp") == k_now + 60);
  CHECK(s.open_until.at("alpha_vantage") == k_now + 3600);
  CHECK(s.quota.size() == 2);
  CHECK(s.quota.at("alpha_vantage").date == "2026-11-22");
  CHECK(s.quota.at("alpha_vantage").used == 3);
  CHECK(s.quota.at("fmp").used == 17);
}

TEST_CASE("network state: quotas of two runs on the same day add up; a new day starts again") {
  test::TempDir cache;
  NetworkStateUpdate first, second, next_day;
  first.quota_added["alpha_vantage"] = {"2026-11-22", 3};
  second.quota_added["alpha_vantage"] = {"2026-11-22", 4};
  second.quota_added["coingecko"] = {"2026-11-22", 1};
  REQUIRE(save_network_state(cache.path(), first));
  REQUIRE(save_network_state(cache.path(), second));
  NetworkState s = load_network_state(cache.path());
  CHECK(s.quota.at("alpha_vantage").used == 7);
  CHECK(s.quota.at("coingecko").used == 1);

  next_day.quota_added["alpha_vantage"] = {"2026-11-23", 2};
  REQUIRE(save_network_state(cache.path(), next_day));
  s = load_network_state(cache.path());
  CHECK(s.quota.at("alpha_vantage").date == "2026-11-23");
  CHECK(s.quota.at("alpha_vantage").used == 2);
  CHECK(s.quota.at("coingecko").used == 1);  // untouched by a run that did not call it
}

TEST_CASE("network state: a closed breaker (nullopt) is removed, the others are kept") {
  test::TempDir cache;
  NetworkStateUpdate open;
  open.breakers["fmp"] = k_now + 60;
  open.breakers["yahoo_finance"] = k_now + 120;
  REQUIRE(save_network_state(cache.path(), open));

  NetworkStateUpdate close;
  close.breakers["fmp"] = std::nullopt;
  close.breakers["imf_data"] = std::nullopt;  // never open: nothing to remove
  REQUIRE(save_network_state(cache.path(), close));
  NetworkState s = load_network_state(cache.path());
  CHECK(s.open_until.count("fmp") == 0);
  CHECK(s.open_until.count("imf_data") == 0);
  REQUIRE(s.open_until.count("yahoo_finance") == 1);
  CHECK(s.open_until.at("yahoo_finance") == k_now + 120);
}

TEST_CASE("network state: a missing or damaged file loads as an empty state") {
  test::TempDir cache;
  NetworkState missing = load_network_state(cache.path());
  CHECK(missing.open_until.empty());
  CHECK(missing.quota.empty());

  test::write_file(cache / ".meta/network.json", "{\"breakers\": {\"fmp\": ");
  NetworkState garbage = load_network_state(cache.path());
  CHECK(garbage.open_until.empty());
  CHECK(garbage.quota.empty());

  test::write_file(cache / ".meta/network.json", "[1, 2, 3]");
  CHECK(load_network_state(cache.path()).open_until.empty());

  // Entries of the wrong shape are skipped one by one.
  test::write_file(cache / ".meta/network.json",
                   R"({"version":1,"breakers":{"fmp":{"open_until":"not a time"},)"
                   R"("sec_edgar":{"open_until":"2026-11-22T12:05:00Z"}},)"
                   R"("quota":{"fmp":{"date":"2026-11-22","used":"five"},)"
                   R"("coingecko":{"date":"2026-11-22","used":5}}})");
  NetworkState mixed = load_network_state(cache.path());
  CHECK(mixed.open_until.size() == 1);
  CHECK(mixed.open_until.at("sec_edgar") == k_now + 300);
  CHECK(mixed.quota.size() == 1);
  CHECK(mixed.quota.at("coingecko").used == 5);

  // A save over a damaged file starts from empty and succeeds.
  test::write_file(cache / ".meta/network.json", "garbage");
  NetworkStateUpdate u;
  u.quota_added["fmp"] = {"2026-11-22", 1};
  REQUIRE(save_network_state(cache.path(), u));
  CHECK(load_network_state(cache.path()).quota.at("fmp").used == 1);
}

// A run that started before midnight and saves last (its calls dated
// yesterday) must not wipe the count that runs of today already saved, or the
// daily quota could be overrun.
TEST_CASE("network state: a late save of yesterday's calls keeps today's count") {
  test::TempDir cache;
  NetworkStateUpdate today, yesterday;
  today.quota_added["alpha_vantage"] = {"2026-11-23", 5};
  yesterday.quota_added["alpha_vantage"] = {"2026-11-22", 2};
  REQUIRE(save_network_state(cache.path(), today));
  REQUIRE(save_network_state(cache.path(), yesterday));
  NetworkState s = load_network_state(cache.path());
  CHECK(s.quota.at("alpha_vantage").date == "2026-11-23");
  CHECK(s.quota.at("alpha_vantage").used == 5);
}

TEST_CASE("network state: a saved breaker never holds longer than one cool-down from now") {
  NetworkState s;
  s.open_until["yahoo_finance"] = k_now + 10 * 365 * 86400;  // a hand-edited file, or a clock stepped back
  s.open_until["fmp"] = k_now + 30;                          // within the cool-down: kept as it is
  s.open_until["coingecko"] = k_now - 1;                     // already closed: forgotten
  clamp_breakers(s, k_now, 60);
  CHECK(s.open_until.size() == 2);
  CHECK(s.open_until.at("yahoo_finance") == k_now + 60);
  CHECK(s.open_until.at("fmp") == k_now + 30);
}

TEST_CASE("network state: clear_breakers (--reset-breakers) forgets every breaker, keeps the quotas") {
  test::TempDir cache;
  NetworkStateUpdate u;
  u.breakers["fmp"] = k_now + 60;
  u.breakers["yahoo_finance"] = k_now + 600;
  u.quota_added["fmp"] = {"2026-11-22", 5};
  REQUIRE(save_network_state(cache.path(), u));
  NetworkStateUpdate reset;
  reset.clear_breakers = true;
  REQUIRE(save_network_state(cache.path(), reset));
  NetworkState s = load_network_state(cache.path());
  CHECK(s.open_until.empty());
  CHECK(s.quota.at("fmp").used == 5);
}

TEST_CASE("network state: a symlinked .meta/ or lock file is refused, nothing written at the target") {
  test::TempDir cache, elsewhere;
  std::filesystem::create_symlink(elsewhere.path(), cache / ".meta");
  NetworkStateUpdate u;
  u.quota_added["fmp"] = {"2026-11-22", 1};
  auto saved = save_network_state(cache.path(), u);
  REQUIRE_FALSE(saved);
  CHECK(saved.error().message.find((cache / ".meta").string() + " is a symbolic link") != std::string::npos);
  CHECK(std::filesystem::is_empty(elsewhere.path()));

  test::TempDir cache2;
  std::filesystem::create_directories(cache2 / ".meta");
  std::filesystem::create_symlink(elsewhere / "victim", cache2 / ".meta/network.lock");
  saved = save_network_state(cache2.path(), u);
  REQUIRE_FALSE(saved);
  CHECK(saved.error().message.find("network.lock is a symbolic link") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(elsewhere / "victim"));
  CHECK_FALSE(std::filesystem::exists(cache2 / ".meta/network.json"));
}

TEST_CASE("network state: a provider's pause survives to the next run, up to its own hold") {
  test::TempDir cache;
  NetworkStateUpdate u;
  u.breakers["sec_edgar"] = k_now + 600;  // SEC's 10 minutes, opened now
  u.opened_at["sec_edgar"] = k_now;
  u.breakers["fmp"] = k_now + 60;  // an ordinary breaker: no opened_at
  REQUIRE(save_network_state(cache.path(), u));
  NetworkState s = load_network_state(cache.path());
  REQUIRE(s.opened_at.count("sec_edgar") == 1);
  CHECK(s.opened_at.at("sec_edgar") == k_now);
  CHECK(s.opened_at.count("fmp") == 0);
  // Two minutes later, with a 60 s cool-down: SEC keeps its 10 minutes; FMP's has closed.
  clamp_breakers(s, k_now + 120, 60);
  CHECK(s.open_until.at("sec_edgar") == k_now + 600);
  CHECK(s.open_until.count("fmp") == 0);

  // A pause longer than k_longest_hold (900 s) is held 900 s at most; a hand-edited far
  // future without opened_at one cool-down.
  NetworkState far;
  far.open_until["sec_edgar"] = k_now + 86400;
  far.opened_at["sec_edgar"] = k_now;
  far.open_until["yahoo_finance"] = k_now + 86400;
  clamp_breakers(far, k_now, 60);
  CHECK(far.open_until.at("sec_edgar") == k_now + 900);
  CHECK(far.opened_at.count("sec_edgar") == 0);  // cut: when it opened no longer says its hold
  CHECK(far.open_until.at("yahoo_finance") == k_now + 60);
  // A closed breaker forgets when it opened too.
  NetworkStateUpdate closed;
  closed.breakers["sec_edgar"] = std::nullopt;
  REQUIRE(save_network_state(cache.path(), closed));
  CHECK(load_network_state(cache.path()).opened_at.count("sec_edgar") == 0);
}

TEST_CASE("absences: kept in their own file until they end, adding up across runs") {
  test::TempDir cache;
  Absences added;
  added["fmp"]["profile:HON"] = {k_now, k_now + 86400, FailureKind::not_on_plan, "Premium Query Parameter"};
  added["fmp"]["profile:OLD"] = {k_now - 90000, k_now - 3600, FailureKind::no_data, "gone"};
  REQUIRE(save_absences(cache.path(), added, k_now));
  CHECK(absences_path(cache.path()) == cache / ".meta/absent.json");
  Absences s = load_absences(cache.path());
  REQUIRE(s["fmp"].count("profile:HON") == 1);
  const Absence& a = s["fmp"]["profile:HON"];
  CHECK(a.kind == FailureKind::not_on_plan);
  CHECK(a.asked == k_now);
  CHECK(a.until == k_now + 86400);
  CHECK(a.why == "Premium Query Parameter");
  CHECK(s["fmp"].count("profile:OLD") == 0);  // ended before now: dropped
  // A second run's absences add up with the first's.
  Absences more;
  more["alpha_vantage"]["fundamentals:XYZ"] = {k_now + 10, k_now + 86410, FailureKind::no_data,
                                               "empty answer"};
  REQUIRE(save_absences(cache.path(), more, k_now + 10));
  Absences both = load_absences(cache.path());
  CHECK(both["fmp"].count("profile:HON") == 1);
  CHECK(both["alpha_vantage"].count("fundamentals:XYZ") == 1);
  // The quota file does not carry them.
  CHECK_FALSE(std::filesystem::exists(cache / ".meta/network.json"));
  // A quota marked spent stays spent for its period, and a new period starts unspent.
  NetworkStateUpdate q;
  q.quota_added["fmp"] = {"2026-11-22", 3, true};
  REQUIRE(save_network_state(cache.path(), q));
  CHECK(load_network_state(cache.path()).quota.at("fmp").spent);
  NetworkStateUpdate next;
  next.quota_added["fmp"] = {"2026-11-23", 1, false};
  REQUIRE(save_network_state(cache.path(), next));
  auto after = load_network_state(cache.path()).quota.at("fmp");
  CHECK(after.date == "2026-11-23");
  CHECK(after.used == 1);
  CHECK_FALSE(after.spent);
}
