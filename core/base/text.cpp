#include "core/base/text.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <limits>

namespace thd {

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: three rows of the Damerau-Levenshtein table.
  auto low = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  std::vector<size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = low(a[i - 1]) == low(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && low(a[i - 1]) == low(b[j - 2]) && low(a[i - 2]) == low(b[j - 1]))
        cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    before.swap(prev);
    prev.swap(cur);
  }
  return prev[b.size()];
}

std::optional<std::string> closest_match(std::string_view typed, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_distance = SIZE_MAX;
  bool tie = false;
  for (const std::string& c : candidates) {
    if (c.empty() || c == typed) continue;  // the word itself is not a suggestion
    // "RUN" for "run": a difference of case alone is the best suggestion there is.
    size_t d = iequals(c, typed) ? 0 : edit_distance(typed, c);
    const size_t allowed = std::max<size_t>(1, std::max(typed.size(), c.size()) / 3);
    // "ru" for "run", "cache" for "cache-optimize": a typed prefix counts as close.
    if (typed.size() >= 2 && istarts_with(c, typed)) d = std::min(d, allowed);
    if (d > allowed) continue;
    if (d < best_distance) {
      best = c;
      best_distance = d;
      tie = false;
    } else if (d == best_distance && c != *best) {
      tie = true;
    }
  }
  if (tie) return std::nullopt;
  return best;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    out.emplace_back(s.substr(start, pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t len;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF)
    len = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;  // no overlong forms
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  return len;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_double(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  if (v != v || v == std::numeric_limits<double>::infinity() || v == -std::numeric_limits<double>::infinity())
    return std::nullopt;
  return v;
}

namespace {

// Splits "15m" into 15 and "m".
bool split_number_unit(std::string_view s, double& number, std::string_view& unit) {
  s = trim(s);
  size_t i = 0;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
  if (i == 0) return false;
  auto n = parse_double(s.substr(0, i));
  if (!n || *n < 0) return false;
  number = *n;
  unit = trim(s.substr(i));
  return true;
}

}  // namespace

Result<double> parse_duration_seconds(std::string_view s, BareNumber bare) {
  constexpr std::string_view k_examples = "e.g. 30s, 15m, 2h, 7d";
  const std::string_view t = trim(s);
  if (t.empty()) return fail("empty; a duration is a number and a unit: " + std::string(k_examples));
  if (t[0] == '-') return fail("a duration cannot be negative");
  double n;
  std::string_view unit;
  if (!split_number_unit(t, n, unit)) return fail("not a duration (" + std::string(k_examples) + ")");
  double mult;
  if (unit.empty()) {
    if (bare == BareNumber::needs_unit && n != 0) {
      // The number as a number ("5." -> 5), not as typed.
      char num[32];
      std::snprintf(num, sizeof num, "%.6g", n);
      return fail("a duration needs a unit (" + std::string(num) + "d? " + num + "h?): e.g. 7d, 12h, 90m");
    }
    mult = 1;
  } else if (iequals(unit, "s") || iequals(unit, "sec"))
    mult = 1;
  else if (iequals(unit, "m") || iequals(unit, "min"))
    mult = 60;
  else if (iequals(unit, "h"))
    mult = 3600;
  else if (iequals(unit, "d"))
    mult = 86400;
  else if (iequals(unit, "w"))
    mult = 7 * 86400;
  else
    return fail("unknown unit '" + std::string(unit) + "': use s, m, h, d or w, " + std::string(k_examples));
  const double secs = n * mult;
  if (secs > 100.0 * 366 * 86400) return fail("too long (at most 100 years)");
  return secs;
}

std::optional<std::int64_t> parse_duration(std::string_view s, BareNumber bare) {
  auto secs = parse_duration_seconds(s, bare);
  if (!secs) return std::nullopt;
  return static_cast<std::int64_t>(*secs);
}

std::optional<std::uint64_t> parse_size(std::string_view s) {
  double n;
  std::string_view unit;
  if (!split_number_unit(s, n, unit)) return std::nullopt;
  struct Unit {
    const char* name;
    double mult;
  };
  static constexpr Unit k_units[] = {
      {"", 1},
      {"b", 1},
      {"k", 1024.0},
      {"kib", 1024.0},
      {"kb", 1e3},
      {"m", 1048576.0},
      {"mib", 1048576.0},
      {"mb", 1e6},
      {"g", 1073741824.0},
      {"gib", 1073741824.0},
      {"gb", 1e9},
      {"t", 1099511627776.0},
      {"tib", 1099511627776.0},
      {"tb", 1e12},
  };
  for (const Unit& u : k_units) {
    if (iequals(unit, u.name)) {
      double bytes = n * u.mult;
      if (bytes > 1.8e19) return std::nullopt;
      return static_cast<std::uint64_t>(bytes);
    }
  }
  return std::nullopt;
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* k_units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  else
    std::snprintf(buf, sizeof buf, "%.1f %s", v, k_units[u]);
  return buf;
}

std::string format_percent(double ratio) {
  if (ratio < 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", ratio * 100);
  return buf;
}

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      if (size_t n = utf8_sequence_length(s, i); n > 0) {
        // C1 controls (U+0080..U+009F, "\xC2\x80".."\xC2\x9F") act like ESC on some terminals.
        if (!(n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0)) {
          out.append(s.substr(i, n));
          i += n;
          continue;
        }
      }
    } else if (c >= 0x20 && c != 0x7f) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    char buf[5];
    std::snprintf(buf, sizeof buf, "\\x%02X", c);
    out += buf;
    ++i;
  }
  return out;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string url_encode(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

}  // namespace thd
