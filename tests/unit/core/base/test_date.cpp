// Calendar arithmetic and ISO 8601 parsing. Every day count and epoch second
// below was checked independently with Python's datetime/calendar.timegm and
// GNU `date -u -d`.
#include "core/base/date.hpp"

#include <doctest/doctest.h>

namespace thd {
namespace {

constexpr std::int64_t k_day = 86400;

}  // namespace

TEST_CASE("date: is_valid_date knows month lengths and leap years") {
  CHECK(is_valid_date(2024, 2, 29));  // divisible by 4
  CHECK_FALSE(is_valid_date(2023, 2, 29));
  CHECK_FALSE(is_valid_date(2025, 2, 30));
  CHECK_FALSE(is_valid_date(1900, 2, 29));  // century, not divisible by 400
  CHECK(is_valid_date(2000, 2, 29));        // divisible by 400
  CHECK_FALSE(is_valid_date(2025, 4, 31));
  CHECK(is_valid_date(2025, 12, 31));
  CHECK(is_valid_date(2025, 1, 31));
  CHECK_FALSE(is_valid_date(2025, 13, 1));
  CHECK_FALSE(is_valid_date(2025, 0, 10));
  CHECK_FALSE(is_valid_date(2025, 1, 0));
  CHECK_FALSE(is_valid_date(2025, 6, 31));
  CHECK_FALSE(is_valid_date(2025, -1, 1));
}

TEST_CASE("date: days_from_civil matches known day counts") {
  CHECK(days_from_civil({1970, 1, 1}) == 0);
  CHECK(days_from_civil({2026, 11, 22}) == 20779);
  CHECK(days_from_civil({2026, 11, 1}) == 20758);
  CHECK(days_from_civil({2000, 3, 1}) == 11017);
  CHECK(days_from_civil({2024, 2, 29}) == 19782);
  CHECK(days_from_civil({1969, 12, 31}) == -1);
  CHECK(days_from_civil({1900, 1, 1}) == -25567);
  CHECK(days_from_civil({1, 1, 1}) == -719162);
  CHECK(days_from_civil({9999, 12, 31}) == 2932896);
}

TEST_CASE("date: civil_from_days inverts days_from_civil") {
  CHECK(civil_from_days(20779) == Date{2026, 11, 22});
  CHECK(civil_from_days(0) == Date{1970, 1, 1});
  CHECK(civil_from_days(-1) == Date{1969, 12, 31});
  CHECK(civil_from_days(19782) == Date{2024, 2, 29});
  CHECK(civil_from_days(19783) == Date{2024, 3, 1});
  CHECK(civil_from_days(-719162) == Date{1, 1, 1});

  // Every day from 1899 to 2101: valid, consecutive, round-trips.
  Date prev = civil_from_days(-25568);
  CHECK(prev == Date{1899, 12, 31});
  for (std::int64_t n = -25567; n <= 47846; ++n) {
    Date d = civil_from_days(n);
    REQUIRE(is_valid_date(d.year, d.month, d.day));
    REQUIRE(days_from_civil(d) == n);
    REQUIRE(prev < d);
    bool next_day = d.day == prev.day + 1 && d.month == prev.month && d.year == prev.year;
    bool next_month = d.day == 1 && ((d.month == prev.month + 1 && d.year == prev.year) ||
                                     (d.month == 1 && prev.month == 12 && d.year == prev.year + 1));
    REQUIRE((next_day || next_month));
    prev = d;
  }
  CHECK(prev == Date{2100, 12, 31});  // 47846 = days to 2100-12-31
}

TEST_CASE("date: date_of floors negative times") {
  CHECK(date_of(0) == Date{1970, 1, 1});
  CHECK(date_of(k_day - 1) == Date{1970, 1, 1});
  CHECK(date_of(k_day) == Date{1970, 1, 2});
  CHECK(date_of(-1) == Date{1969, 12, 31});
  CHECK(date_of(-k_day) == Date{1969, 12, 31});
  CHECK(date_of(-k_day - 1) == Date{1969, 12, 30});
  CHECK(date_of(1795341600) == Date{2026, 11, 22});  // 2026-11-22T10:00:00Z
  CHECK(date_of(1700000000) == Date{2023, 11, 14});  // 2023-11-14T22:13:20Z
}

TEST_CASE("date: parse_yyyymmdd accepts only real dates of exactly 8 digits") {
  CHECK(parse_yyyymmdd("20261122") == Date{2026, 11, 22});
  CHECK(parse_yyyymmdd("20240229") == Date{2024, 2, 29});
  CHECK_FALSE(parse_yyyymmdd("20230229").has_value());
  CHECK_FALSE(parse_yyyymmdd("20250230").has_value());
  CHECK_FALSE(parse_yyyymmdd("20251301").has_value());
  CHECK_FALSE(parse_yyyymmdd("20250100").has_value());
  CHECK_FALSE(parse_yyyymmdd("00000101").has_value());  // no year 0
  CHECK_FALSE(parse_yyyymmdd("2026112").has_value());
  CHECK_FALSE(parse_yyyymmdd("202611220").has_value());
  CHECK_FALSE(parse_yyyymmdd("2026-1122").has_value());
  CHECK_FALSE(parse_yyyymmdd("2026112a").has_value());
  CHECK_FALSE(parse_yyyymmdd("+2026112").has_value());
  CHECK_FALSE(parse_yyyymmdd(" 2026112").has_value());
  CHECK_FALSE(parse_yyyymmdd("").has_value());
}

TEST_CASE("date: parse_iso_date") {
  CHECK(parse_iso_date("2026-11-22") == Date{2026, 11, 22});
  CHECK(parse_iso_date("2024-02-29") == Date{2024, 2, 29});
  CHECK_FALSE(parse_iso_date("2023-02-29").has_value());
  CHECK_FALSE(parse_iso_date("2025-02-30").has_value());
  CHECK_FALSE(parse_iso_date("2025-04-31").has_value());
  CHECK_FALSE(parse_iso_date("2026/11/22").has_value());
  CHECK_FALSE(parse_iso_date("2026-1-22").has_value());
  CHECK_FALSE(parse_iso_date("2026-11-2").has_value());
  CHECK_FALSE(parse_iso_date(" 2026-11-22").has_value());
  CHECK_FALSE(parse_iso_date("2026-11-22 ").has_value());
  CHECK_FALSE(parse_iso_date("20261122").has_value());
  CHECK_FALSE(parse_iso_date("").has_value());
}

TEST_CASE("date: parse_iso8601 with zones, fractions and without zone") {
  const std::int64_t midnight = 20779 * k_day;  // 2026-11-22T00:00:00Z = 1795305600
  REQUIRE(midnight == 1795305600);
  CHECK(parse_iso8601("2026-11-22T10:00:00Z") == 1795341600);
  CHECK(parse_iso8601("2026-11-22T10:00:00z") == 1795341600);
  CHECK(parse_iso8601("2026-11-22T10:00:00") == 1795341600);       // no zone = UTC
  CHECK(parse_iso8601("2026-11-22 10:00:00") == 1795341600);       // CSV style
  CHECK(parse_iso8601("2026-11-22T10:00:00.123Z") == 1795341600);  // fraction dropped
  CHECK(parse_iso8601("2026-11-22T10:00:00.5") == 1795341600);
  CHECK(parse_iso8601("2026-11-22T10:00:00+02:00") == 1795334400);  // 08:00Z
  CHECK(parse_iso8601("2026-11-22T10:00:00-05:30") == 1795361400);  // 15:30Z
  CHECK(parse_iso8601("2026-11-22") == midnight);
  CHECK(parse_iso8601("2026-11-22T23:59:59Z") == midnight + k_day - 1);
  CHECK(parse_iso8601("2023-11-14T22:13:20Z") == 1700000000);
  CHECK(parse_iso8601("1969-12-31T23:59:59Z") == -1);
  // An offset can move the instant across midnight into the previous day.
  CHECK(parse_iso8601("2026-11-22T01:00:00+02:00") == midnight - 3600);
}

TEST_CASE("date: parse_iso8601 rejects malformed and impossible timestamps") {
  for (const char* bad :
       {"2026-11-22T24:00:00Z", "2026-11-22T10:60:00Z", "2026-11-22T10:00:61Z", "2025-02-30T00:00:00Z",
        "2023-02-29", "2026-11-22T", "2026-11-22T10:00", "2026-11-22X10:00:00Z", "2026-11-22T10:00:00Zjunk",
        "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00+2:00", "2026-11-22T10:00:00+02", "2026-11-22T10:00:00 ",
        "2026-11-22T1a:00:00Z", "", "garbage", "2026-11-22T10:00:00+25:00"}) {
    INFO("input: '" << bad << "'");
    CHECK_FALSE(parse_iso8601(bad).has_value());
  }
}

TEST_CASE("date: formatting") {
  CHECK(format_date({2026, 11, 22}) == "2026-11-22");
  CHECK(format_date({987, 1, 5}) == "0987-01-05");
  CHECK(format_compact_date({2026, 11, 22}) == "20261122");
  CHECK(format_compact_date({2026, 1, 2}) == "20260102");
  CHECK(format_iso8601(0) == "1970-01-01T00:00:00Z");
  CHECK(format_iso8601(1795341600) == "2026-11-22T10:00:00Z");
  CHECK(format_iso8601(1700000000) == "2023-11-14T22:13:20Z");
  CHECK(format_iso8601(-1) == "1969-12-31T23:59:59Z");
  CHECK(format_iso8601(4102444799) == "2099-12-31T23:59:59Z");
  // Round trip through the parser.
  for (std::int64_t t :
       {std::int64_t{0}, std::int64_t{1795341600}, std::int64_t{-1}, std::int64_t{951782400}}) {
    CHECK(parse_iso8601(format_iso8601(t)) == t);
  }
}

TEST_CASE("date: age_in_days counts whole UTC days") {
  const std::int64_t t = 1795341600;  // 2026-11-22T10:00:00Z
  CHECK(age_in_days({2026, 11, 22}, t) == 0);
  CHECK(age_in_days({2026, 11, 21}, t) == 1);
  CHECK(age_in_days({2026, 11, 1}, t) == 21);
  CHECK(age_in_days({2026, 10, 23}, t) == 30);
  CHECK(age_in_days({2025, 11, 22}, t) == 365);
  CHECK(age_in_days({2026, 11, 25}, t) == -3);
  // The last second of the day is still the same day.
  CHECK(age_in_days({2026, 11, 21}, 1795305600 + 86399) == 1);
  CHECK(age_in_days({2026, 11, 21}, 1795305600 + 86400) == 2);
}

}  // namespace thd
