#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>

#include "cache/file_storage.hpp"
#include "cache/md5.hpp"
#include "cache/optimize.hpp"
#include "cache/stats.hpp"
#include "tests/unit/support.hpp"

using namespace thd;

namespace {
constexpr UnixTime k_now = 1795348800;  // 2026-11-22T12:00:00Z

std::filesystem::path put(const test::TempDir& d, const char* service, const std::string& key,
                          UnixTime created, std::int64_t ttl, const std::string& data = "{}") {
  auto path = d / (std::string(service) + "/" + cache_file_name(service, key));
  test::write_file(path, serialize_entry(service, key, created, ttl, data));
  return path;
}
}  // namespace

TEST_CASE("--max-size evicts least recently used first, by last access") {
  test::TempDir d;
  FakeClock clock(k_now);
  auto a = put(d, "fmp", "profile:A", k_now - 60, 86400);
  auto b = put(d, "fmp", "profile:B", k_now - 60, 86400);
  auto c = put(d, "fmp", "profile:C", k_now - 60, 86400);
  test::set_mtime(a, k_now - 3 * 86400);
  test::set_mtime(b, k_now - 1 * 86400);
  test::set_mtime(c, k_now - 2 * 86400);
  // A read of A makes it the most recently used.
  Storage store(std::make_unique<FileStorage>(d.path()), clock);
  const FileStorage files(d.path());
  REQUIRE(store.get("fmp", "profile:A").status == LookupStatus::fresh);
  const auto size = std::filesystem::file_size(a);  // the three have the same size
  REQUIRE(std::filesystem::file_size(b) == size);

  OptimizeOptions o;
  o.cleanup = Cleanup::yes;
  o.max_size = 2 * size;
  auto r = optimize_cache(d.path(), clock, TtlTable{}, o);
  REQUIRE(r);
  CHECK(r->by_service.at("fmp").evicted == 1);
  CHECK(std::filesystem::exists(a));
  CHECK(std::filesystem::exists(b));
  CHECK_FALSE(std::filesystem::exists(c));  // least recently used
  CHECK(load_stats(d.path())->get("fmp", Stat::evictions) == 1);
}

TEST_CASE("--evict-older-than removes entries not used for that long") {
  test::TempDir d;
  FakeClock clock(k_now);
  auto a = put(d, "coingecko", "price:bitcoin", k_now - 60, 900);
  auto b = put(d, "coingecko", "price:ethereum", k_now - 60, 900);
  test::set_mtime(a, k_now - 8 * 86400);
  test::set_mtime(b, k_now - 6 * 86400);
  OptimizeOptions o;
  o.cleanup = Cleanup::yes;
  o.evict_older_than = 7 * 86400;
  auto r = optimize_cache(d.path(), clock, TtlTable{}, o);
  REQUIRE(r);
  CHECK_FALSE(std::filesystem::exists(a));
  CHECK(std::filesystem::exists(b));
  CHECK(r->by_service.at("coingecko").evicted == 1);
}

TEST_CASE("a legacy entry superseded by a newer new-layout entry is dropped, not migrated") {
  test::TempDir d;
  FakeClock clock(k_now);
  auto current = put(d, "fmp", "profile:AAPL", k_now - 60, 86400, R"({"v":"new"})");
  test::write_file(
      d / "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json",
      R"({"timestamp":"2026-11-22T11:00:00Z","service":"fmp","key":"profile:AAPL","ttl_seconds":86400,"data":{"v":"old"}})");
  test::write_file(
      d / "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.json",
      R"({"timestamp":"2026-11-22T11:00:00Z","service":"fmp","key":"profile:MSFT","ttl_seconds":86400,"data":{"v":"legacy"}})");
  OptimizeOptions o;
  o.cleanup = Cleanup::yes;
  auto r = optimize_cache(d.path(), clock, TtlTable{}, o);
  REQUIRE(r);
  CHECK_FALSE(std::filesystem::exists(d / "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json"));
  CHECK_FALSE(std::filesystem::exists(d / "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.json"));
  Storage store(std::make_unique<FileStorage>(d.path()), clock);
  const FileStorage files(d.path());
  CHECK(store.get("fmp", "profile:AAPL").data == R"({"v":"new"})");
  Lookup migrated = store.get("fmp", "profile:MSFT");
  CHECK(migrated.status == LookupStatus::fresh);
  CHECK(migrated.data == R"({"v":"legacy"})");
  CHECK(migrated.created_at == k_now - 3600);
  CHECK(r->by_service.at("fmp").migrated == 1);
  CHECK(r->legacy_migratable == 2);
}

TEST_CASE("analysis and dry run change nothing but report the same plan as cleanup") {
  test::TempDir d;
  FakeClock clock(k_now);
  put(d, "fmp", "profile:A", k_now - 60, 86400);
  auto expired = put(d, "fmp", "profile:B", k_now - 7200, 900);
  test::write_file(d / "fmp/0123456789abcdef0123456789abcdef.json", "{");
  test::write_file(d / "cccccccccccccccccccccccccccccccc.json",
                   R"({"timestamp":"2026-11-22T11:59:00Z","data":1})");

  OptimizeOptions dry;
  dry.cleanup = Cleanup::yes;
  dry.dry_run = DryRun::yes;
  auto planned = optimize_cache(d.path(), clock, TtlTable{}, dry);
  REQUIRE(planned);
  CHECK_FALSE(planned->applied);
  CHECK(std::filesystem::exists(expired));
  CHECK(std::filesystem::exists(d / "cccccccccccccccccccccccccccccccc.json"));
  CHECK_FALSE(std::filesystem::exists(d / "yahoo_finance"));  // not created in a dry run

  OptimizeOptions real;
  real.cleanup = Cleanup::yes;
  auto done = optimize_cache(d.path(), clock, TtlTable{}, real);
  REQUIRE(done);
  CHECK(done->applied);
  CHECK(done->actions.size() == planned->actions.size());
  CHECK(done->files_after == planned->files_after);
  CHECK(done->bytes_after == planned->bytes_after);
  CHECK(done->files_before == 4);
  CHECK(done->files_after == 1);
  CHECK(done->by_service.at("fmp").deleted == 2);
  CHECK(done->by_service.at("unattributed").deleted == 1);
  for (std::string_view s : k_service_names) CHECK(std::filesystem::is_directory(d / std::string(s)));
}

TEST_CASE(
    "a service directory swapped for a link between the scan and the cleanup: nothing outside is removed") {
  test::TempDir d;
  const auto cache = d / "cache", outside = d / "outside";
  FakeClock clock(k_now);
  const std::string service = "yahoo_finance";
  auto expired = cache / service / cache_file_name(service, "quote:OLD");
  test::write_file(expired, serialize_entry(service, "quote:OLD", k_now - 10 * 86400, 3600, "{}"));
  auto temp = cache / service / ".x.json.tmp.999999.abcdef";
  test::write_file(temp, "partial");
  test::set_mtime(temp, k_now - 2 * 3600);
  std::filesystem::create_directories(outside);

  OptimizeOptions o;
  o.cleanup = Cleanup::yes;
  o.after_scan = [&] {
    // The same files (hard links: the same inodes) behind a link where the directory was.
    std::filesystem::rename(cache / service, d / "moved");
    for (const auto& f : std::filesystem::directory_iterator(d / "moved"))
      std::filesystem::create_hard_link(f.path(), outside / f.path().filename());
    std::filesystem::create_directory_symlink(outside, cache / service);
  };
  auto r = optimize_cache(cache, clock, TtlTable{}, o);
  REQUIRE(r);
  CHECK(std::filesystem::exists(outside / expired.filename()));
  CHECK(std::filesystem::exists(outside / temp.filename()));
  CHECK(std::filesystem::exists(d / "moved" / expired.filename()));
  CHECK(r->by_service[service].deleted == 0);
  CHECK(r->temporary_removed == 0);
  const std::string warning = (cache / service).string() + " is a symbolic link inside the cache";
  CHECK(std::count_if(r->errors.begin(), r->errors.end(),
                      [&](const std::string& e) { return e.find(warning) != std::string::npos; }) == 1);
}

TEST_CASE("a service directory replaced by another since the scan: nothing removed in it") {
  test::TempDir d;
  FakeClock clock(k_now);
  auto expired = put(d, "fmp", "profile:OLD", k_now - 10 * 86400, 3600);
  OptimizeOptions o;
  o.cleanup = Cleanup::yes;
  o.after_scan = [&] {
    // A new directory holding the same file (a hard link: the same inode).
    std::filesystem::rename(d / "fmp", d / "fmp.old");
    std::filesystem::create_directory(d / "fmp");
    std::filesystem::create_hard_link(d / "fmp.old" / expired.filename(), expired);
  };
  auto r = optimize_cache(d.path(), clock, TtlTable{}, o);
  REQUIRE(r);
  CHECK(std::filesystem::exists(expired));
  CHECK(r->by_service["fmp"].deleted == 0);
  REQUIRE(r->errors.size() == 1);
  CHECK(r->errors[0] == (d / "fmp").string() + " was replaced since the scan; nothing removed in it");
}

TEST_CASE("actions name the entry's service and key, and how long ago it expired; sizes on disk too") {
  test::TempDir d;
  FakeClock clock(k_now);
  // Expired 3 days and 2 hours ago (created 3d 2h 15m ago, 15-minute TTL); another 5 hours ago.
  put(d, "fmp", "quote:AAPL", k_now - (3 * 86400 + 2 * 3600 + 900), 900);
  put(d, "yahoo_finance", "chart:MSFT:1y:1d", k_now - (5 * 3600 + 900), 900);
  test::write_file(d / "fmp/0123456789abcdef0123456789abcdef.json", "{");
  test::write_file(
      d / "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.json",
      R"({"timestamp":"2026-11-22T11:00:00Z","service":"fmp","key":"profile:MSFT","ttl_seconds":86400,"data":{}})");
  OptimizeOptions dry;
  dry.cleanup = Cleanup::yes;
  dry.dry_run = DryRun::yes;
  auto r = optimize_cache(d.path(), clock, TtlTable{}, dry);
  REQUIRE(r);
  auto find = [&](const std::string& path) -> const OptimizeAction* {
    for (const OptimizeAction& a : r->actions)
      if (a.path == path && a.action != "migrate") return &a;
    return nullptr;
  };
  const OptimizeAction* aapl = find("fmp/" + cache_file_name("fmp", "quote:AAPL"));
  REQUIRE(aapl);
  CHECK(aapl->service == "fmp");
  CHECK(aapl->key == "quote:AAPL");
  CHECK(aapl->reason == "expired 3d ago");
  const OptimizeAction* msft = find("yahoo_finance/" + cache_file_name("yahoo_finance", "chart:MSFT:1y:1d"));
  REQUIRE(msft);
  CHECK(msft->key == "chart:MSFT:1y:1d");
  CHECK(msft->reason == "expired 5h ago");
  const OptimizeAction* broken = find("fmp/0123456789abcdef0123456789abcdef.json");
  REQUIRE(broken);
  CHECK(broken->service == "fmp");
  CHECK(broken->key.empty());  // not JSON: no key to tell
  CHECK(broken->reason == "corrupt: not valid JSON");
  const OptimizeAction* legacy = find("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.json");
  REQUIRE(legacy);
  CHECK(legacy->service == "fmp");
  CHECK(legacy->key == "profile:MSFT");

  std::uint64_t disk = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(d.path())) {
    struct stat st {};
    if (entry.is_regular_file() && ::lstat(entry.path().c_str(), &st) == 0)
      disk += static_cast<std::uint64_t>(st.st_blocks) * 512;
  }
  CHECK(r->disk_before == disk);
  CHECK(r->disk_before >= r->bytes_before);
  CHECK(r->by_service.at("fmp").disk > 0);
}
