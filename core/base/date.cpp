#include "core/base/date.hpp"

#include <charconv>
#include <cstdio>

namespace thd {
namespace {

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : k_days[m - 1];
}

// Parses exactly `width` ASCII digits.
std::optional<int> digits(std::string_view s, size_t pos, size_t width) {
  if (pos + width > s.size()) return std::nullopt;
  int value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

bool is_valid_date(int year, int month, int day) {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= days_in_month(year, month);
}

// Howard Hinnant's days_from_civil / civil_from_days.
std::int64_t days_from_civil(const Date& d) {
  std::int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (d.month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
  return Date{y, m, d};
}

Date date_of(UnixTime t) {
  std::int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  return civil_from_days(days);
}

std::optional<Date> parse_yyyymmdd(std::string_view s) {
  if (s.size() != 8) return std::nullopt;
  auto y = digits(s, 0, 4), m = digits(s, 4, 2), d = digits(s, 6, 2);
  if (!y || !m || !d || !is_valid_date(*y, *m, *d)) return std::nullopt;
  return Date{*y, *m, *d};
}

std::optional<Date> parse_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
  if (!y || !m || !d || !is_valid_date(*y, *m, *d)) return std::nullopt;
  return Date{*y, *m, *d};
}

std::optional<UnixTime> parse_iso8601(std::string_view s) {
  auto date = parse_iso_date(s.substr(0, 10));
  if (!date) return std::nullopt;
  if (s.size() == 10) return days_from_civil(*date) * 86400;
  if (s[10] != 'T' && s[10] != ' ') return std::nullopt;
  auto hh = digits(s, 11, 2), mm = digits(s, 14, 2), ss = digits(s, 17, 2);
  if (!hh || !mm || !ss || s.size() < 19 || s[13] != ':' || s[16] != ':') return std::nullopt;
  if (*hh > 23 || *mm > 59 || *ss > 60) return std::nullopt;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  std::int64_t offset = 0;
  if (pos < s.size()) {
    char zone = s[pos];
    if (zone == 'Z' || zone == 'z') {
      ++pos;
    } else if (zone == '+' || zone == '-') {
      auto oh = digits(s, pos + 1, 2);
      auto om = digits(s, pos + 4, 2);
      if (!oh || !om || s[pos + 3] != ':' || *oh > 23 || *om > 59) return std::nullopt;
      offset = (*oh * 3600 + *om * 60) * (zone == '+' ? 1 : -1);
      pos += 6;
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;
  return days_from_civil(*date) * 86400 + *hh * 3600 + *mm * 60 + *ss - offset;
}

std::string format_date(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string format_compact_date(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", d.year, d.month, d.day);
  return buf;
}

std::string format_iso8601(UnixTime t) {
  Date d = date_of(t);
  std::int64_t secs = t - days_from_civil(d) * 86400;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month, d.day,
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  return buf;
}

std::int64_t age_in_days(const Date& d, UnixTime now) {
  return days_from_civil(date_of(now)) - days_from_civil(d);
}

}  // namespace thd
