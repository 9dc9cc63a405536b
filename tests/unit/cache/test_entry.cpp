#include <doctest/doctest.h>

#include "cache/entry.hpp"
#include "cache/md5.hpp"
#include "tests/unit/support.hpp"

using namespace thd;

namespace {

constexpr UnixTime k_now = 1795348800;  // 2026-11-22T12:00:00Z

std::string entry(std::string_view service, std::string_view key, std::string_view created,
                  std::string_view ttl = "900", std::string_view data = R"({"x":1})") {
  return "{\"service\":\"" + std::string(service) + "\",\"key\":\"" + std::string(key) +
         "\",\"created_at\":\"" + std::string(created) + "\",\"ttl_seconds\":" + std::string(ttl) +
         ",\"data\":" + std::string(data) + "}";
}

EntryCheck check(const std::string& content, std::string_view dir = "fmp",
                 std::string name = cache_file_name("fmp", "profile:AAPL")) {
  EntryReader reader;
  return reader.check(content, dir, name, k_now, WantData::yes);
}

}  // namespace

TEST_CASE("fresh and expired by created_at + ttl against the clock") {
  // 11:50 + 900 s = 12:05 > 12:00
  auto fresh = check(entry("fmp", "profile:AAPL", "2026-11-22T11:50:00Z"));
  CHECK(fresh.state == EntryState::fresh);
  CHECK(fresh.key == "profile:AAPL");
  CHECK(fresh.ttl_seconds == 900);
  CHECK(fresh.data == R"({"x":1})");
  // 11:00 + 900 s = 11:15 < 12:00
  CHECK(check(entry("fmp", "profile:AAPL", "2026-11-22T11:00:00Z")).state == EntryState::expired);
  // 11:45 + 900 s = 12:00 exactly: no longer in the future, so expired
  CHECK(check(entry("fmp", "profile:AAPL", "2026-11-22T11:45:00Z")).state == EntryState::expired);
  CHECK(check(entry("fmp", "profile:AAPL", "2026-11-22T11:45:01Z")).state == EntryState::fresh);
}

TEST_CASE("a moved clock turns a fresh entry into an expired one") {
  EntryReader reader;
  std::string content = entry("fmp", "profile:AAPL", "2026-11-22T11:50:00Z");
  std::string name = cache_file_name("fmp", "profile:AAPL");
  CHECK(reader.check(content, "fmp", name, k_now, WantData::no).state == EntryState::fresh);
  CHECK(reader.check(content, "fmp", name, k_now + 299, WantData::no).state == EntryState::fresh);
  CHECK(reader.check(content, "fmp", name, k_now + 300, WantData::no).state == EntryState::expired);
}

TEST_CASE("every corrupt kind of SPEC 5.2") {
  SUBCASE("not JSON") {
    CHECK(check("{\"service\":\"fmp\",").reason == CorruptReason::not_json);
    CHECK(check("").reason == CorruptReason::not_json);
  }
  SUBCASE("not an object") {
    CHECK(check("[1,2]").reason == CorruptReason::bad_field_type);
  }
  SUBCASE("each of the five fields missing") {
    const char* without[] = {
        R"({"key":"profile:AAPL","created_at":"2026-11-22T11:50:00Z","ttl_seconds":900,"data":1})",
        R"({"service":"fmp","created_at":"2026-11-22T11:50:00Z","ttl_seconds":900,"data":1})",
        R"({"service":"fmp","key":"profile:AAPL","ttl_seconds":900,"data":1})",
        R"({"service":"fmp","key":"profile:AAPL","created_at":"2026-11-22T11:50:00Z","data":1})",
        R"({"service":"fmp","key":"profile:AAPL","created_at":"2026-11-22T11:50:00Z","ttl_seconds":900})",
    };
    for (const char* c : without) {
      auto r = check(c);
      CHECK(r.state == EntryState::corrupt);
      CHECK(r.reason == CorruptReason::missing_field);
    }
  }
  SUBCASE("wrong types") {
    CHECK(check(entry("fmp", "profile:AAPL", "2026-11-22T11:50:00Z", "\"900\"")).reason ==
          CorruptReason::bad_field_type);
    CHECK(check(entry("fmp", "profile:AAPL", "2026-11-22T11:50:00Z", "900.5")).reason ==
          CorruptReason::bad_field_type);
  }
  SUBCASE("service differs from its directory") {
    auto r = check(entry("yahoo_finance", "profile:AAPL", "2026-11-22T11:50:00Z"), "fmp",
                   cache_file_name("yahoo_finance", "profile:AAPL"));
    CHECK(r.reason == CorruptReason::service_mismatch);
  }
  SUBCASE("file name is not md5(service_key)") {
    // md5(key) alone, the old writer's bug
    auto r =
        check(entry("fmp", "profile:AAPL", "2026-11-22T11:50:00Z"), "fmp", md5_hex("profile:AAPL") + ".json");
    CHECK(r.reason == CorruptReason::name_mismatch);
    CHECK(check(entry("fmp", "profile:MSFT", "2026-11-22T11:50:00Z")).reason == CorruptReason::name_mismatch);
  }
  SUBCASE("created_at in the future beyond 5 minutes of skew") {
    CHECK(check(entry("fmp", "profile:AAPL", "2026-11-22T12:05:01Z")).reason ==
          CorruptReason::future_created_at);
    CHECK(check(entry("fmp", "profile:AAPL", "2026-11-22T12:05:00Z")).state == EntryState::fresh);
  }
  SUBCASE("created_at not a time") {
    CHECK(check(entry("fmp", "profile:AAPL", "yesterday")).reason == CorruptReason::bad_created_at);
    CHECK(check(entry("fmp", "profile:AAPL", "2026-02-30T10:00:00Z")).reason ==
          CorruptReason::bad_created_at);
  }
  SUBCASE("ttl_seconds not positive") {
    CHECK(check(entry("fmp", "profile:AAPL", "2026-11-22T11:50:00Z", "0")).reason == CorruptReason::bad_ttl);
    CHECK(check(entry("fmp", "profile:AAPL", "2026-11-22T11:50:00Z", "-60")).reason ==
          CorruptReason::bad_ttl);
  }
}

TEST_CASE("serialize_entry writes what the validator accepts") {
  std::string s = serialize_entry("fmp", "profile:AAPL", k_now - 60, 604800, R"([{"symbol":"AAPL"}])");
  CHECK(
      s ==
      R"({"service":"fmp","key":"profile:AAPL","created_at":"2026-11-22T11:59:00Z","ttl_seconds":604800,"data":[{"symbol":"AAPL"}]})");
  auto r = check(s);
  CHECK(r.state == EntryState::fresh);
  CHECK(r.data == R"([{"symbol":"AAPL"}])");
}

TEST_CASE("legacy entries: migratable, expired, unattributable, corrupt") {
  test::TempDir dir;
  TtlTable ttls;
  EntryReader reader;
  auto legacy = [&](const std::string& content) {
    test::write_file(dir / "old.json", content);
    return reader.check_legacy(dir / "old.json", k_now, ttls);
  };
  SUBCASE("service, key and ttl: migratable while fresh") {
    auto r = legacy(
        R"({"timestamp":"2026-11-22T11:30:00","service":"fmp","ttl_seconds":3600,"key":"profile:AAPL","data":{"a":1}})");
    CHECK(r.kind == LegacyKind::migratable);
    CHECK(r.service == "fmp");
    CHECK(r.key == "profile:AAPL");
    CHECK(r.timestamp == k_now - 1800);  // a naive timestamp is UTC
    CHECK(r.ttl_seconds == 3600);
    CHECK(r.data == R"({"a":1})");
  }
  SUBCASE("no ttl: the default of the key's kind (profile: 7 days)") {
    auto r = legacy(R"({"timestamp":"2026-11-20T12:00:00Z","service":"fmp","key":"profile:AAPL","data":{}})");
    CHECK(r.kind == LegacyKind::migratable);
    CHECK(r.ttl_seconds == 7 * 86400);
  }
  SUBCASE("expired") {
    auto r = legacy(
        R"({"timestamp":"2026-11-22T10:00:00Z","service":"yahoo_finance","ttl_seconds":900,"key":"chart:AAPL:1y:1d","data":{}})");
    CHECK(r.kind == LegacyKind::expired);
  }
  SUBCASE("the first old format carries neither service nor key") {
    CHECK(legacy(R"({"timestamp":"2026-11-22T11:59:00Z","data":{"a":1}})").kind ==
          LegacyKind::unattributable);
  }
  SUBCASE("the second old format carries a service but no key") {
    auto r = legacy(R"({"timestamp":"2026-11-22T11:59:00Z","service":"fmp","ttl_seconds":900,"data":{}})");
    CHECK(r.kind == LegacyKind::unattributable);
    CHECK(r.service == "fmp");
  }
  SUBCASE("an unknown service cannot be attributed") {
    CHECK(
        legacy(
            R"({"timestamp":"2026-11-22T11:59:00Z","service":"bloomberg","key":"x","ttl_seconds":9,"data":{}})")
            .kind == LegacyKind::unattributable);
  }
  SUBCASE("garbage") {
    CHECK(legacy("not json").kind == LegacyKind::corrupt);
    CHECK(legacy(R"({"data":{}})").kind == LegacyKind::corrupt);
  }
}
