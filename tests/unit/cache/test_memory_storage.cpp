// MemoryStorage: the StorageBackend contract (tests/unit/cache/backend_contract.hpp)
// and what it adds for tests (put_corrupt, size).
#include <doctest/doctest.h>

#include "cache/memory_storage.hpp"
#include "tests/unit/cache/backend_contract.hpp"

using namespace thd;

TEST_CASE("memory backend: get is absent, fresh while now - created_at < ttl, then expired") {
  MemoryStorage m;
  test::check_get_and_ttl_boundary(m);
}

TEST_CASE("memory backend: an entry from beyond the clock skew is corrupt") {
  MemoryStorage m;
  test::check_future_entries(m);
}

TEST_CASE("memory backend: put replaces an entry") {
  MemoryStorage m;
  test::check_put_replaces(m);
  CHECK(m.size() == 1);
}

TEST_CASE("memory backend: touch, remove and enumerate") {
  MemoryStorage m;
  test::check_touch_remove_enumerate(m);
}

TEST_CASE("memory backend: statistics add up") {
  MemoryStorage m;
  test::check_stats_add_up(m);
}

TEST_CASE("memory backend: a corrupt entry reads as corrupt, is not listed, and can be removed") {
  MemoryStorage m;
  const UnixTime now = test::k_contract_now;
  REQUIRE(m.put("fmp", "quote:AAPL", now, 900, R"({"price":1})"));
  m.put_corrupt("fmp", "profile:AAPL", CorruptReason::name_mismatch);
  CHECK(m.size() == 2);

  Lookup l = m.get("fmp", "profile:AAPL", now);
  CHECK(l.status == LookupStatus::corrupt);
  CHECK(l.reason == CorruptReason::name_mismatch);
  CHECK(l.data.empty());
  CHECK_FALSE(l.ttl_seconds > 0);

  auto all = test::listed(m);
  CHECK(all.size() == 1);
  CHECK(all.count({"fmp", "quote:AAPL"}) == 1);

  // A put over a corrupt entry replaces it with a good one.
  REQUIRE(m.put("fmp", "profile:AAPL", now, 60, R"({"name":"Apple Inc."})"));
  CHECK(m.get("fmp", "profile:AAPL", now).status == LookupStatus::fresh);
  m.put_corrupt("fmp", "profile:AAPL", CorruptReason::bad_ttl);
  auto removed = m.remove("fmp", "profile:AAPL");
  REQUIRE(removed);
  CHECK(*removed);
  CHECK(m.size() == 1);
}

TEST_CASE("memory backend: describe() and a Storage over it count lookups") {
  FakeClock clock(test::k_contract_now);
  Storage store(std::make_unique<MemoryStorage>(), clock);
  CHECK(store.backend().describe() == "memory");
  REQUIRE(store.put("fmp", "quote:AAPL", 900, R"({"price":1})"));
  CHECK_FALSE(store.put("fmp", "quote:MSFT", 900, "{not json"));
  CHECK_FALSE(store.put("fmp", "quote:MSFT", 0, "{}"));
  CHECK(store.get("fmp", "quote:AAPL").status == LookupStatus::fresh);
  CHECK(store.get("fmp", "quote:MSFT").status == LookupStatus::absent);
  CHECK(store.get("fmp", "quote:MSFT", Storage::CountLookup::no).status == LookupStatus::absent);
  CHECK(store.session_stats().get("fmp", Stat::stores) == 1);
  CHECK(store.session_stats().get("fmp", Stat::hits) == 1);
  CHECK(store.session_stats().get("fmp", Stat::misses) == 1);

  REQUIRE(store.flush_stats());
  CHECK(store.session_stats().empty());
  auto persisted = store.backend().load_stats();
  REQUIRE(persisted);
  CHECK(persisted->get("fmp", Stat::hits) == 1);
  CHECK(persisted->get("fmp", Stat::stores) == 1);
}
