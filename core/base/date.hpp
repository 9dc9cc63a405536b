// Calendar dates and ISO 8601 timestamps, UTC only, no locale.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/clock.hpp"

namespace thd {

struct Date {
  int year = 1970;
  int month = 1;
  int day = 1;
  auto operator<=>(const Date&) const = default;
};

bool is_valid_date(int year, int month, int day);
// Days since 1970-01-01 (negative before it).
std::int64_t days_from_civil(const Date& d);
Date civil_from_days(std::int64_t days);
Date date_of(UnixTime t);

// "20261122" -> Date; nullopt for anything else, including impossible dates.
std::optional<Date> parse_yyyymmdd(std::string_view s);
// "2026-11-22" -> Date.
std::optional<Date> parse_iso_date(std::string_view s);
// "2026-11-22T10:00:00Z", with optional fraction and "+HH:MM"/"-HH:MM"
// offset; without a zone the time is taken as UTC.
std::optional<UnixTime> parse_iso8601(std::string_view s);

std::string format_date(const Date& d);          // 2026-11-22
std::string format_compact_date(const Date& d);  // 20261122
std::string format_iso8601(UnixTime t);          // 2026-11-22T10:00:00Z

// Whole days from `d` to the UTC date of `now` (negative if d is later).
std::int64_t age_in_days(const Date& d, UnixTime now);

}  // namespace thd
