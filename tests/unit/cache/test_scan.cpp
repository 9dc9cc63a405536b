// scan_cache (SPEC §5.2, §5.3): every entry of the service directories
// validated and counted, legacy files of the flat layout, leftover temporary
// files, and whatever else is there listed as unknown, never touched.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "cache/md5.hpp"
#include "cache/scan.hpp"
#include "core/base/date.hpp"
#include "tests/unit/support.hpp"

using namespace thd;

namespace {

constexpr UnixTime k_now = 1795348800;  // 2026-11-22T12:00:00Z

// An entry file's content, written by hand in the SPEC §5.1 format.
std::string entry(const std::string& service, const std::string& key, const std::string& created_at,
                  long long ttl, const std::string& data = R"({"price":1})") {
  return R"({"service":")" + service + R"(","key":")" + key + R"(","created_at":")" + created_at +
         R"(","ttl_seconds":)" + std::to_string(ttl) + R"(,"data":)" + data + "}";
}

// Writes `content` and returns its size.
std::uint64_t put(const test::TempDir& d, const std::string& rel, const std::string& content) {
  test::write_file(d / rel, content);
  return content.size();
}

const EntryRef* find_entry(const CacheScan& s, const std::string& name) {
  for (const EntryRef& e : s.entries)
    if (e.name == name) return &e;
  return nullptr;
}

// File names: md5sum of "<service>_<key>", computed outside the project.
const std::string k_yahoo_aapl = "75d2c3fa9917f888e77bc19a15d732ff.json";  // yahoo_finance_chart:AAPL:1y:1d
const std::string k_fmp_quote_aapl = "f14e2d32987317fe3ec6c5a90333bff7.json";    // fmp_quote:AAPL
const std::string k_fmp_quote_msft = "f346b3bcbb151665b463f3240798c7b6.json";    // fmp_quote:MSFT
const std::string k_fmp_profile_msft = "8dbc6ee07b1f243169c6b605ac5d9eca.json";  // fmp_profile:MSFT
const std::string k_fred_fedfunds = "27faf183ae0d5198f7cd7c6c140a668d.json";  // fred_economic_series:FEDFUNDS

}  // namespace

TEST_CASE("scan: valid, expired, corrupt, temporary, legacy and unknown files, each counted once") {
  test::TempDir d;
  std::uint64_t entry_bytes = 0, fmp_bytes = 0, temp_bytes = 0;
  // fresh: created 100 s ago, ttl 900
  entry_bytes += put(d, "yahoo_finance/" + k_yahoo_aapl,
                     entry("yahoo_finance", "chart:AAPL:1y:1d", "2026-11-22T11:58:20Z", 900));
  // expired: created 1000 s ago, ttl 900
  fmp_bytes += put(d, "fmp/" + k_fmp_quote_aapl, entry("fmp", "quote:AAPL", "2026-11-22T11:43:20Z", 900));
  // corrupt: not JSON
  fmp_bytes += put(d, "fmp/" + k_fmp_quote_msft, R"({"service":"fmp","key":)");
  // corrupt: a valid entry under another key's file name
  fmp_bytes += put(d, "fmp/" + k_fmp_profile_msft, entry("fmp", "quote:MSFT", "2026-11-22T11:58:20Z", 900));
  entry_bytes += fmp_bytes;
  // corrupt: in fred_economic's directory, but says it is fmp's
  entry_bytes += put(d, "fred_economic/" + k_fred_fedfunds,
                     entry("fmp", "series:FEDFUNDS", "2026-11-22T11:58:20Z", 7200));
  // temporary files of interrupted writes, in a service directory and in .meta
  temp_bytes += put(d, "fmp/." + k_fmp_quote_aapl + ".tmp.1234.abcdef", "{\"partial");
  temp_bytes += put(d, ".meta/.stats.json.tmp.99.ff", "{");
  put(d, ".meta/stats.json", R"({"version":1,"services":{}})");  // ours, not an entry, not unknown
  // legacy flat layout: an md5-named file directly under the cache directory
  put(d, "0123456789abcdef0123456789abcdef.json", R"({"timestamp":"2026-11-22T11:00:00Z","data":{}})");
  // not ours
  put(d, "notes.txt", "hello");
  put(d, "fmp/readme.txt", "hello");
  std::filesystem::create_directories(d / "other_dir");
  std::filesystem::create_directories(d / "fmp/sub");

  auto scanned = scan_cache(d.path(), k_now, TtlTable{}, KeepEntries::yes);
  REQUIRE(scanned);
  const CacheScan& s = *scanned;
  CHECK(s.exists);
  CHECK(s.dir == d.path());

  CHECK(s.total.files == 5);
  CHECK(s.total.fresh == 1);
  CHECK(s.total.expired == 1);
  CHECK(s.total.corrupt == 3);
  CHECK(s.total.bytes == entry_bytes);

  const CacheCounts& yahoo = s.by_service[0];
  CHECK(yahoo.files == 1);
  CHECK(yahoo.fresh == 1);
  const CacheCounts& fmp = s.by_service[1];
  CHECK(fmp.files == 3);
  CHECK(fmp.expired == 1);
  CHECK(fmp.corrupt == 2);
  CHECK(fmp.fresh == 0);
  CHECK(fmp.bytes == fmp_bytes);
  const CacheCounts& fred = s.by_service[3];
  CHECK(fred.files == 1);
  CHECK(fred.corrupt == 1);

  REQUIRE(s.entries.size() == 5);
  REQUIRE(find_entry(s, k_fmp_quote_msft));
  CHECK(find_entry(s, k_fmp_quote_msft)->state == EntryState::corrupt);
  CHECK(find_entry(s, k_fmp_quote_msft)->reason == CorruptReason::not_json);
  REQUIRE(find_entry(s, k_fmp_profile_msft));
  CHECK(find_entry(s, k_fmp_profile_msft)->reason == CorruptReason::name_mismatch);
  REQUIRE(find_entry(s, k_fred_fedfunds));
  CHECK(find_entry(s, k_fred_fedfunds)->reason == CorruptReason::service_mismatch);
  CHECK(find_entry(s, k_fred_fedfunds)->service == 3);
  REQUIRE(find_entry(s, k_yahoo_aapl));
  CHECK(find_entry(s, k_yahoo_aapl)->state == EntryState::fresh);
  CHECK(find_entry(s, k_fmp_quote_aapl)->state == EntryState::expired);

  CHECK(s.temporary.size() == 2);
  CHECK(s.temporary_bytes == temp_bytes);

  REQUIRE(s.legacy.size() == 1);
  CHECK(s.legacy[0].name == "0123456789abcdef0123456789abcdef.json");
  CHECK(s.legacy[0].check.kind == LegacyKind::unattributable);

  CHECK(s.unknown == std::vector<std::string>{"fmp/readme.txt", "fmp/sub/", "notes.txt", "other_dir/"});
  CHECK(s.missing_service_dirs ==
        std::vector<std::string>{"alpha_vantage", "sec_edgar", "coingecko", "imf_data"});

  // Nothing was touched.
  CHECK(std::filesystem::exists(d / "notes.txt"));
  CHECK(std::filesystem::exists(d / ("fmp/." + k_fmp_quote_aapl + ".tmp.1234.abcdef")));

  // Without KeepEntries, the same counts and no list.
  auto counts_only = scan_cache(d.path(), k_now, TtlTable{}, KeepEntries::no);
  REQUIRE(counts_only);
  CHECK(counts_only->entries.empty());
  CHECK(counts_only->total.files == 5);
  CHECK(counts_only->total.corrupt == 3);
}

TEST_CASE("scan: fresh while now - created_at < ttl; created_at up to 5 minutes ahead is tolerated") {
  test::TempDir d;
  auto at = [](UnixTime t) { return format_iso8601(t); };
  auto write = [&](const std::string& key, UnixTime created, long long ttl) {
    test::write_file(d / "fred_economic" / cache_file_name("fred_economic", key),
                     entry("fred_economic", key, at(created), ttl));
  };
  write("series:A", k_now - 899, 900);  // 1 s left: fresh
  write("series:B", k_now - 900, 900);  // exactly its ttl: expired
  write("series:C", k_now + 300, 900);  // at the skew limit: valid, fresh
  write("series:D", k_now + 301, 900);  // beyond it: corrupt
  write("series:E", k_now, 0);          // ttl not positive: corrupt
  auto s = scan_cache(d.path(), k_now, TtlTable{}, KeepEntries::yes);
  REQUIRE(s);
  auto state = [&](const std::string& key) {
    const EntryRef* e = find_entry(*s, cache_file_name("fred_economic", key));
    REQUIRE(e);
    return e->state;
  };
  CHECK(state("series:A") == EntryState::fresh);
  CHECK(state("series:B") == EntryState::expired);
  CHECK(state("series:C") == EntryState::fresh);
  CHECK(state("series:D") == EntryState::corrupt);
  CHECK(find_entry(*s, cache_file_name("fred_economic", "series:D"))->reason ==
        CorruptReason::future_created_at);
  CHECK(find_entry(*s, cache_file_name("fred_economic", "series:E"))->reason == CorruptReason::bad_ttl);
  CHECK(s->by_service[3].fresh == 2);
  CHECK(s->by_service[3].expired == 1);
  CHECK(s->by_service[3].corrupt == 2);
}

TEST_CASE("scan: a missing directory is an empty scan; a file in its place is an error") {
  test::TempDir d;
  auto missing = scan_cache(d / "nope", k_now, TtlTable{}, KeepEntries::no);
  REQUIRE(missing);
  CHECK_FALSE(missing->exists);
  CHECK(missing->total.files == 0);
  CHECK(missing->missing_service_dirs.size() == 7);

  test::write_file(d / "file", "x");
  CHECK_FALSE(scan_cache(d / "file", k_now, TtlTable{}, KeepEntries::no));

  auto empty = scan_cache(d.path(), k_now, TtlTable{}, KeepEntries::no);
  REQUIRE(empty);
  CHECK(empty->exists);
  CHECK(empty->total.files == 0);
  CHECK(empty->unknown == std::vector<std::string>{"file"});
}

TEST_CASE("scan: many entries validated by several threads add up to the same counts") {
  test::TempDir d;
  // 600 entries (over the 512 that start threads): every third one expired.
  for (int i = 0; i < 600; ++i) {
    const std::string key = "price:coin" + std::to_string(i);
    const UnixTime created = i % 3 == 0 ? k_now - 2000 : k_now - 10;
    test::write_file(d / "coingecko" / cache_file_name("coingecko", key),
                     entry("coingecko", key, format_iso8601(created), 900));
  }
  for (unsigned threads : {1u, 4u}) {
    CAPTURE(threads);
    auto s = scan_cache(d.path(), k_now, TtlTable{}, KeepEntries::yes, threads);
    REQUIRE(s);
    CHECK(s->total.files == 600);
    CHECK(s->total.expired == 200);
    CHECK(s->total.fresh == 400);
    CHECK(s->total.corrupt == 0);
    CHECK(s->by_service[5].files == 600);
    CHECK(s->entries.size() == 600);
  }
}
