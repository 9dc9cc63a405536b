// A layered store over two in-memory backends: the planner's Storage is the
// same class whatever the layers, which is the point of the seam.
#include <doctest/doctest.h>

#include "cache/layered_storage.hpp"
#include "cache/memory_storage.hpp"

using namespace thd;

namespace {

constexpr UnixTime k_now = 1795348800;

struct Layers {
  MemoryStorage* near;
  MemoryStorage* far;
  std::unique_ptr<LayeredStorage> both;
  Layers() {
    auto n = std::make_unique<MemoryStorage>();
    auto f = std::make_unique<MemoryStorage>();
    near = n.get(), far = f.get();
    both = std::make_unique<LayeredStorage>(std::move(n), std::move(f));
  }
};

}  // namespace

TEST_CASE("layered: a fresh near entry is served without asking the far backend") {
  Layers l;
  REQUIRE(l.near->put("fmp", "profile:A", k_now, 900, R"({"v":"near"})"));
  REQUIRE(l.far->put("fmp", "profile:A", k_now, 900, R"({"v":"far"})"));
  Lookup got = l.both->get("fmp", "profile:A", k_now + 10);
  CHECK(got.status == LookupStatus::fresh);
  CHECK(got.data == R"({"v":"near"})");
}

TEST_CASE("layered: a fresh far entry is served and copied near with its own age and TTL") {
  Layers l;
  REQUIRE(l.far->put("fmp", "profile:A", k_now - 100, 900, R"({"v":"far"})"));
  Lookup got = l.both->get("fmp", "profile:A", k_now);
  CHECK(got.status == LookupStatus::fresh);
  CHECK(got.data == R"({"v":"far"})");
  Lookup near = l.near->get("fmp", "profile:A", k_now);
  CHECK(near.status == LookupStatus::fresh);
  CHECK(near.created_at == k_now - 100);  // not reset to now: it expires when the far one does
  CHECK(near.ttl_seconds == 900);
  CHECK(l.near->get("fmp", "profile:A", k_now + 800).status == LookupStatus::expired);
}

TEST_CASE("layered: neither fresh gives the newer expired entry, absent gives absent") {
  Layers l;
  REQUIRE(l.near->put("fmp", "quote:A", k_now - 5000, 900, R"({"v":"older"})"));
  REQUIRE(l.far->put("fmp", "quote:A", k_now - 2000, 900, R"({"v":"newer"})"));
  Lookup got = l.both->get("fmp", "quote:A", k_now);
  CHECK(got.status == LookupStatus::expired);
  CHECK(got.data == R"({"v":"newer"})");
  CHECK(l.both->get("fmp", "quote:B", k_now).status == LookupStatus::absent);
}

TEST_CASE("layered: a corrupt near entry does not hide a fresh far one") {
  Layers l;
  l.near->put_corrupt("fmp", "quote:A", CorruptReason::not_json);
  REQUIRE(l.far->put("fmp", "quote:A", k_now, 900, R"({"v":1})"));
  CHECK(l.both->get("fmp", "quote:A", k_now).status == LookupStatus::fresh);
}

TEST_CASE("layered: writes and removals reach both; enumerate lists each entry once") {
  Layers l;
  REQUIRE(l.both->put("fmp", "quote:A", k_now, 900, "{}"));
  CHECK(l.near->size() == 1);
  CHECK(l.far->size() == 1);
  REQUIRE(l.far->put("fmp", "quote:B", k_now, 900, "{}"));
  std::vector<std::string> keys;
  REQUIRE(l.both->enumerate([&](const StoredEntry& e) { keys.push_back(e.key); }));
  CHECK(keys == std::vector<std::string>{"quote:A", "quote:B"});
  auto removed = l.both->remove("fmp", "quote:B");
  REQUIRE(removed);
  CHECK(*removed);
  CHECK(l.far->size() == 1);
  CHECK(l.both->describe() == "memory, then memory");
}

TEST_CASE("layered under Storage: the run's counts and JSON checks are the same as for one backend") {
  auto layers =
      std::make_unique<LayeredStorage>(std::make_unique<MemoryStorage>(), std::make_unique<MemoryStorage>());
  FakeClock clock(k_now);
  Storage store(std::move(layers), clock);
  CHECK_FALSE(store.put("fmp", "quote:A", 900, "{not json"));
  REQUIRE(store.put("fmp", "quote:A", 900, R"({"price":1})"));
  CHECK(store.get("fmp", "quote:A").status == LookupStatus::fresh);
  CHECK(store.get("fmp", "quote:Z").status == LookupStatus::absent);
  CHECK(store.session_stats().get("fmp", Stat::hits) == 1);
  CHECK(store.session_stats().get("fmp", Stat::misses) == 1);
  CHECK(store.session_stats().get("fmp", Stat::stores) == 1);
}

namespace {

// A far backend that refuses every write, as a remote tier that is down.
class RefusingStorage final : public StorageBackend {
 public:
  std::string describe() const override { return "refusing"; }
  Lookup get(std::string_view, std::string_view, UnixTime) override { return {}; }
  Result<void> put(std::string_view, std::string_view, UnixTime, std::int64_t, std::string_view) override {
    return fail(FailureKind::transport, "connection refused");
  }
  Result<void> touch(std::string_view, std::string_view, UnixTime) override { return {}; }
  Result<bool> remove(std::string_view, std::string_view) override { return false; }
  Result<void> enumerate(const std::function<void(const StoredEntry&)>&) override { return {}; }
  Result<void> add_stats(const StatCounters&, UnixTime, std::string*) override { return {}; }
  Result<StatCounters> load_stats() override { return StatCounters{}; }
};

}  // namespace

TEST_CASE("layered: a far backend that fails does not fail the write, and the run is told once") {
  FakeClock clock(k_now);
  Storage store(std::make_unique<LayeredStorage>(std::make_unique<MemoryStorage>(),
                                                 std::make_unique<RefusingStorage>()),
                clock);
  REQUIRE(store.put("fmp", "quote:A", 900, "{}"));
  CHECK(store.get("fmp", "quote:A").status == LookupStatus::fresh);  // from the near backend
  REQUIRE(store.flush_stats());
  REQUIRE(store.notices().size() == 1);
  CHECK(store.notices()[0] == "refusing: connection refused");
}
