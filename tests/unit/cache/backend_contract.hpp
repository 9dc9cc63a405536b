// The StorageBackend contract (core/base/storage.hpp), one body for every
// backend: tests/unit/cache/test_memory_storage.cpp and test_backends.cpp
// run it on MemoryStorage and FileStorage.
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <tuple>

#include "core/base/storage.hpp"

namespace thd::test {

inline constexpr UnixTime k_contract_now = 1795348800;  // 2026-11-22T12:00:00Z

// Every entry enumerate() lists, by (service, key).
inline std::map<std::pair<std::string, std::string>, StoredEntry> listed(StorageBackend& b) {
  std::map<std::pair<std::string, std::string>, StoredEntry> out;
  auto r = b.enumerate([&](const StoredEntry& e) { out[{e.service, e.key}] = e; });
  CHECK_MESSAGE(r, (r ? std::string() : r.error().message));
  return out;
}

// get: absent, then fresh while now - created_at < ttl, expired from then on.
inline void check_get_and_ttl_boundary(StorageBackend& b) {
  const UnixTime t0 = k_contract_now;
  CHECK(b.get("fmp", "quote:AAPL", t0).status == LookupStatus::absent);
  REQUIRE(b.put("fmp", "quote:AAPL", t0, 900, R"({"price":190.5})"));

  Lookup fresh = b.get("fmp", "quote:AAPL", t0);
  CHECK(fresh.status == LookupStatus::fresh);
  CHECK(fresh.data == R"({"price":190.5})");
  CHECK(fresh.created_at == t0);
  CHECK(fresh.ttl_seconds == 900);
  CHECK(fresh.reason == CorruptReason::none);

  CHECK(b.get("fmp", "quote:AAPL", t0 + 899).status == LookupStatus::fresh);
  Lookup expired = b.get("fmp", "quote:AAPL", t0 + 900);
  CHECK(expired.status == LookupStatus::expired);
  CHECK(expired.data == R"({"price":190.5})");  // still there, as stale data
  CHECK(expired.created_at == t0);
  CHECK(b.get("fmp", "quote:AAPL", t0 + 86400).status == LookupStatus::expired);

  // Same key, another service; same service, another key: neither is this entry.
  CHECK(b.get("alpha_vantage", "quote:AAPL", t0).status == LookupStatus::absent);
  CHECK(b.get("fmp", "quote:MSFT", t0).status == LookupStatus::absent);
}

// An entry dated more than the allowed clock skew (300 s) after `now` is
// corrupt, as SPEC §5.2 says; within the skew it is fresh.
inline void check_future_entries(StorageBackend& b) {
  const UnixTime t0 = k_contract_now;
  REQUIRE(b.put("fmp", "quote:SOON", t0 + 300, 900, "{}"));
  REQUIRE(b.put("fmp", "quote:LATER", t0 + 301, 900, "{}"));
  CHECK(b.get("fmp", "quote:SOON", t0).status == LookupStatus::fresh);
  Lookup later = b.get("fmp", "quote:LATER", t0);
  CHECK(later.status == LookupStatus::corrupt);
  CHECK(later.reason == CorruptReason::future_created_at);
}

// put replaces an entry whole: data, created_at and ttl.
inline void check_put_replaces(StorageBackend& b) {
  const UnixTime t0 = k_contract_now;
  REQUIRE(b.put("yahoo_finance", "chart:AAPL:1y:1d", t0, 900, R"({"price":1})"));
  REQUIRE(b.put("yahoo_finance", "chart:AAPL:1y:1d", t0 + 1000, 60, R"({"price":2})"));
  Lookup l = b.get("yahoo_finance", "chart:AAPL:1y:1d", t0 + 1000);
  CHECK(l.status == LookupStatus::fresh);
  CHECK(l.data == R"({"price":2})");
  CHECK(l.created_at == t0 + 1000);
  CHECK(l.ttl_seconds == 60);
  CHECK(b.get("yahoo_finance", "chart:AAPL:1y:1d", t0 + 1060).status == LookupStatus::expired);
  CHECK(listed(b).size() == 1);
}

// touch and get move the last access that enumerate reports; remove is true once.
inline void check_touch_remove_enumerate(StorageBackend& b) {
  const UnixTime t0 = k_contract_now;
  REQUIRE(b.put("fmp", "profile:AAPL", t0, 7 * 86400, R"({"name":"Apple Inc."})"));
  REQUIRE(b.put("fmp", "profile:MSFT", t0 - 10, 86400, R"({"name":"Microsoft"})"));
  REQUIRE(b.put("coingecko", "price:bitcoin", t0 - 2000, 900, R"({"usd":64000})"));

  auto all = listed(b);
  REQUIRE(all.size() == 3);
  const StoredEntry& btc = all.at({"coingecko", "price:bitcoin"});
  CHECK(btc.created_at == t0 - 2000);  // expired entries are listed too
  CHECK(btc.ttl_seconds == 900);
  CHECK(btc.bytes > 0);
  CHECK(all.at({"fmp", "profile:MSFT"}).ttl_seconds == 86400);
  CHECK(all.at({"fmp", "profile:AAPL"}).created_at == t0);

  REQUIRE(b.touch("fmp", "profile:AAPL", t0 + 5000));
  CHECK(listed(b).at({"fmp", "profile:AAPL"}).last_access == t0 + 5000);
  CHECK(b.get("fmp", "profile:MSFT", t0 + 6000).status == LookupStatus::fresh);
  CHECK(listed(b).at({"fmp", "profile:MSFT"}).last_access == t0 + 6000);
  CHECK_FALSE(b.touch("fmp", "profile:NVDA", t0));

  auto removed = b.remove("fmp", "profile:AAPL");
  REQUIRE(removed);
  CHECK(*removed);
  auto again = b.remove("fmp", "profile:AAPL");
  REQUIRE(again);
  CHECK_FALSE(*again);
  CHECK(b.get("fmp", "profile:AAPL", t0).status == LookupStatus::absent);
  auto left = listed(b);
  CHECK(left.size() == 2);
  CHECK(left.count({"fmp", "profile:AAPL"}) == 0);
  CHECK(left.count({"fmp", "profile:MSFT"}) == 1);
  CHECK(left.count({"coingecko", "price:bitcoin"}) == 1);
}

// add_stats adds up; load_stats gives the sum.
inline void check_stats_add_up(StorageBackend& b) {
  auto empty = b.load_stats();
  REQUIRE(empty);
  CHECK(empty->empty());

  StatCounters first, second;
  first.add("fmp", Stat::hits, 3);
  first.add("fmp", Stat::misses, 1);
  first.add("yahoo_finance", Stat::stores, 2);
  second.add("fmp", Stat::hits, 4);
  second.add("coingecko", Stat::corruptions, 1);
  std::string notice;
  REQUIRE(b.add_stats(first, k_contract_now, &notice));
  REQUIRE(b.add_stats(second, k_contract_now + 60, &notice));
  CHECK(notice.empty());

  auto total = b.load_stats();
  REQUIRE(total);
  CHECK(total->get("fmp", Stat::hits) == 7);
  CHECK(total->get("fmp", Stat::misses) == 1);
  CHECK(total->get("yahoo_finance", Stat::stores) == 2);
  CHECK(total->get("coingecko", Stat::corruptions) == 1);
  CHECK(total->total(Stat::hits) == 7);
  CHECK(total->total(Stat::evictions) == 0);
}

}  // namespace thd::test
