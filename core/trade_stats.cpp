#include "core/trade_stats.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <utility>

#include "core/base/error.hpp"
#include "core/base/text.hpp"
#include "core/inventory.hpp"

namespace thd {
namespace {

[[gnu::noinline]] std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Spaces and tabs off both ends. Most cells have neither end at or below
// ' ' (so neither a space nor a tab): they are returned after two compares.
[[gnu::always_inline]] inline std::string_view trim_cell(std::string_view s) {
  if (s.empty() ||
      (static_cast<unsigned char>(s.front()) > ' ' && static_cast<unsigned char>(s.back()) > ' '))
    return s;
  return trim_spaces(s);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

struct UsedNumbers {
  std::optional<double> avg_exit_price, unrealized;
  std::optional<Num> pnl, ret, duration;
  // Checked here, converted for a closed row only.
  std::string_view mfe, mae, eff;
};

// is_valid_ticker(t), and its upper-cased key when it is.
bool ticker_key(std::string_view t, TickerKey& k) {
  static_assert(k_max_ticker_bytes <= sizeof k.w);
  if (t.empty() || t.size() > k_max_ticker_bytes) return false;
  char* out = reinterpret_cast<char*>(k.w.data());
  bool has_alnum = false;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
      has_alnum = true;
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      has_alnum = true;
    } else if (c != '.' && c != '-' && c != '^' && c != '=') {
      return false;
    }
    out[i] = c;
  }
  k.len = static_cast<std::uint32_t>(t.size());
  return has_alnum;
}

std::uint64_t hash_of(const TickerKey& k) {
  std::uint64_t h =
      (k.w[0] * 0x9E3779B97F4A7C15) ^ (k.w[1] * 0xC2B2AE3D27D4EB4F) ^ (k.w[2] * 0x165667B19E3779F9) ^ k.len;
  return h ^ (h >> 29) ^ (h >> 47);
}

std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(std::min<size_t>(s.size(), 40) + 5);
  out += '\'';
  out.append(s.substr(0, 40));
  if (s.size() > 40) out += "...";
  out += '\'';
  return out;
}

}  // namespace

bool listed_before(const ActivePosition& a, const ActivePosition& b) {
  return a.entry_date != b.entry_date ? a.entry_date > b.entry_date : a.line < b.line;
}

std::optional<double> Outcomes::win_rate() const {
  std::uint64_t n = wins + losses + breakevens;
  if (n == 0) return std::nullopt;
  return static_cast<double>(wins) / static_cast<double>(n);
}

namespace {

[[gnu::noinline]] std::optional<Date> exact_trade_timestamp(std::string_view s) {
  auto date = parse_iso_date(s.substr(0, 10));
  if (!date) return std::nullopt;
  if (s.size() == 10) return date;
  if (s.size() != 19 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') return std::nullopt;
  for (size_t i : {11, 12, 14, 15, 17, 18})
    if (!is_digit(s[i])) return std::nullopt;
  int hh = (s[11] - '0') * 10 + (s[12] - '0');
  int mm = (s[14] - '0') * 10 + (s[15] - '0');
  int ss = (s[17] - '0') * 10 + (s[18] - '0');
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  return date;
}

// The two-digit number at s[i], or more than 99 when either byte is no digit.
[[gnu::always_inline]] inline unsigned two_digits(std::string_view s, size_t i) {
  const unsigned hi = static_cast<unsigned char>(s[i]) - '0', lo = static_cast<unsigned char>(s[i + 1]) - '0';
  return hi > 9 || lo > 9 ? 100 : hi * 10 + lo;
}

// parse_trade_timestamp, inline for "YYYY-MM-DD" and "YYYY-MM-DD[ T]HH:MM:SS"
// on a day every year has (February 29 and any other shape take the exact
// path, which gives the same answer).
[[gnu::always_inline]] inline std::optional<Date> trade_date(std::string_view s) {
  if ((s.size() == 10 || s.size() == 19) && s[4] == '-' && s[7] == '-') {
    const unsigned century = two_digits(s, 0), year = two_digits(s, 2), month = two_digits(s, 5),
                   day = two_digits(s, 8);
    static constexpr unsigned k_days[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool plain = century <= 99 && year <= 99 && century + year > 0 && month >= 1 && month <= 12 && day >= 1 &&
                 day <= k_days[month];
    if (s.size() == 19)
      plain = plain && (s[10] == ' ' || s[10] == 'T') && s[13] == ':' && s[16] == ':' &&
              two_digits(s, 11) <= 23 && two_digits(s, 14) <= 59 && two_digits(s, 17) <= 59;
    if (plain) [[likely]]
      return Date{static_cast<int>(century * 100 + year), static_cast<int>(month), static_cast<int>(day)};
  }
  return exact_trade_timestamp(s);
}

enum class NumberShape { invalid, plain, needs_range_check };

// [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
NumberShape number_shape(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return NumberShape::invalid;
  bool exponent = false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    exponent = true;
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return NumberShape::invalid;
  }
  if (i != s.size()) return NumberShape::invalid;
  // Only an exponent or a very long integer part can leave the double range.
  return exponent || int_digits > 300 ? NumberShape::needs_range_check : NumberShape::plain;
}

}  // namespace

[[gnu::always_inline]] inline std::pair<std::uint32_t, bool> TickerIndex::find_or_add(const TickerKey& k,
                                                                                      std::uint32_t place) {
  if ((m_size + 1) * 2 > m_slots.size()) reserve(std::max<size_t>(m_size + 1, m_slots.size()));
  const size_t mask = m_slots.size() - 1;
  for (size_t i = hash_of(k) & mask;; i = (i + 1) & mask) {
    Slot& s = m_slots[i];
    if (s.place == k_free) {
      s.key = k, s.place = place;
      ++m_size;
      return {place, true};
    }
    if (s.key == k) return {s.place, false};
  }
}

void TickerIndex::reserve(size_t n) {
  size_t want = 16;
  while (want < n * 2) want *= 2;
  if (want <= m_slots.size()) return;
  std::vector<Slot> old = std::exchange(m_slots, std::vector<Slot>(want));
  const size_t mask = want - 1;
  for (const Slot& s : old) {
    if (s.place == k_free) continue;
    size_t i = hash_of(s.key) & mask;
    while (m_slots[i].place != k_free) i = (i + 1) & mask;
    m_slots[i] = s;
  }
}

namespace {

[[gnu::noinline]] bool exact_is_trade_number(std::string_view s) {
  NumberShape shape = number_shape(s);
  if (shape == NumberShape::plain) return true;
  return shape == NumberShape::needs_range_check && parse_trade_number(s).has_value();
}

// is_trade_number(s), quicker for the cells most files hold: up to 32 bytes
// of [+-]? digits [. digits] with a digit. Anything else goes the long way.
// True when the 5 to 8 bytes at p are [+-]? then digits and at most one
// '.', with a digit: the cells the loop below accepts, eight bytes at once
// (two overlapping 4-byte loads: no byte outside [p, p + n) is read).
[[gnu::always_inline]] inline bool plain_number_word(const char* p, size_t n) {
  std::uint32_t a, b;
  std::memcpy(&a, p, 4);
  std::memcpy(&b, p + n - 4, 4);
  const std::uint64_t w = a | (std::uint64_t{b} << (8 * (n - 4)));  // the n bytes, zero above
  constexpr std::uint64_t ones = 0x0101010101010101, high = ones * 0x80, low7 = ones * 0x7F;
  const std::uint64_t lanes = n == 8 ? high : high & ((std::uint64_t{1} << (8 * n)) - 1);
  // The high bit of each byte: '0' <= byte <= '9' (no carry crosses a byte: t <= 0x7F).
  const std::uint64_t t = w & low7;
  const std::uint64_t digit = (t + ones * (0x80 - '0')) & ~(t + ones * (0x80 - '9' - 1)) & ~w & high;
  const std::uint64_t x = w ^ (ones * '.');
  const std::uint64_t dot = ~(((x & low7) + low7) | x | low7);  // byte == '.'
  const std::uint64_t c0 = w & 0xFF;
  const std::uint64_t sign = c0 == '+' || c0 == '-' ? 0x80 : 0;
  return digit != 0 && (digit | dot | sign) == lanes && (dot & (dot - 1)) == 0;
}

[[gnu::always_inline]] inline bool quick_trade_number(std::string_view s) {
  if constexpr (std::endian::native == std::endian::little)
    if (s.size() - 5 < 4) return plain_number_word(s.data(), s.size()) || exact_is_trade_number(s);
  if (s.size() > 32) return exact_is_trade_number(s);
  const char* p = s.data();
  const char* const e = p + s.size();
  if (p < e && (*p == '+' || *p == '-')) ++p;
  bool digit = false;
  while (p < e && static_cast<unsigned char>(*p - '0') < 10) ++p, digit = true;
  if (p < e && *p == '.') {
    ++p;
    while (p < e && static_cast<unsigned char>(*p - '0') < 10) ++p, digit = true;
  }
  if (p == e) return digit;
  return exact_is_trade_number(s);  // an exponent, or not a number
}

// iequals(v, lower) for a lower-case literal, inline.
inline bool is_word(std::string_view v, std::string_view lower) {
  if (v.size() != lower.size()) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

bool pending_before(Date a_date, std::uint64_t a_line, Date b_date, std::uint64_t b_line) {
  return a_date != b_date ? a_date > b_date : a_line < b_line;
}

}  // namespace

namespace {

// The whole grammar: [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
[[gnu::noinline]] std::optional<double> exact_trade_number(std::string_view s) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  size_t int_digits = 0, frac_digits = 0;
  std::uint64_t mantissa = 0;  // exact while there are at most 19 digits
  while (i < s.size() && is_digit(s[i])) mantissa = mantissa * 10 + (s[i++] - '0'), ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) mantissa = mantissa * 10 + (s[i++] - '0'), ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return std::nullopt;
  bool exponent = false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    exponent = true;
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  // Most cells: an integer below 2^53 over a power of ten up to 1e22, both
  // exact, so one division rounds correctly: the value from_chars gives.
  static constexpr double k_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (!exponent && int_digits + frac_digits <= 19 && frac_digits <= 22 &&
      mantissa <= (std::uint64_t{1} << 53)) {
    const double v = static_cast<double>(mantissa) / k_pow10[frac_digits];
    return negative ? -v : v;
  }
  std::string_view body = s.substr(s[0] == '+' || s[0] == '-' ? 1 : 0);
  double v = 0;
  auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec == std::errc::result_out_of_range) return std::nullopt;
  if (ec != std::errc() || p != body.data() + body.size()) return std::nullopt;
  return negative ? -v : v;
}

constexpr double k_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,
                              1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19};

// parse_trade_number, inline for the cells most files hold: [-] digits
// [. digits], 1 to 19 digits, the integer of its digits at most 2^53. That
// integer and 10^(decimals) are exact doubles, so one division rounds
// correctly: the value from_chars gives. Anything else (a '+', an exponent,
// more digits, not a number) takes the exact path.
struct PlainDecimal {
  std::uint64_t mantissa = 0;  // the integer of its digits
  size_t decimals = 0;
  bool negative = false;
  double value() const {
    const double v = static_cast<double>(mantissa) / k_pow10[decimals];
    return negative ? -v : v;
  }
};

// True when `s` is such a cell, read into `out`.
[[gnu::always_inline]] inline bool plain_decimal(std::string_view s, PlainDecimal& out) {
  const char* p = s.data();
  const char* const e = p + s.size();
  out.negative = p < e && *p == '-';
  p += out.negative;
  const char* const first = p;
  std::uint64_t mantissa = 0;
  unsigned d;
  while (p < e && (d = static_cast<unsigned char>(*p) - '0') < 10) mantissa = mantissa * 10 + d, ++p;
  const char* const point = p;
  size_t decimals = 0;
  if (p < e && *p == '.') {
    ++p;
    while (p < e && (d = static_cast<unsigned char>(*p) - '0') < 10) mantissa = mantissa * 10 + d, ++p;
    decimals = static_cast<size_t>(p - point) - 1;
  }
  const size_t digits = static_cast<size_t>(point - first) + decimals;
  out.mantissa = mantissa, out.decimals = decimals;
  return p == e && digits - 1 < 19 && mantissa <= (std::uint64_t{1} << 53);
}

[[gnu::always_inline]] inline std::optional<double> trade_number(std::string_view s) {
  PlainDecimal d;
  if (plain_decimal(s, d)) [[likely]]
    return d.value();
  return exact_trade_number(s);
}

constexpr std::uint64_t k_pow10_int[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
constexpr std::uint64_t k_exact_limit = std::uint64_t{1} << 53;  // |scaled| below this
// The mantissas of d decimals whose scaled value mantissa * 10^(8 - d) is below 2^53.
constexpr auto k_exact_mantissa = [] {
  std::array<std::uint64_t, 9> m{};
  for (size_t d = 0; d <= 8; ++d) m[d] = (k_exact_limit - 1) / k_pow10_int[8 - d];
  return m;
}();

// A cell's value as a Num (docs/STATISTICS.md, "Exact sums"), inline for the
// cells trade_number converts inline: `mantissa` / 10^`decimals` is the cell.
// A decimal of at most 15 significant digits is the shortest decimal of its
// double (DBL_DIG), so its digits decide; longer ones ask to_chars.
[[gnu::always_inline]] inline Num num_of_decimal(double v, std::uint64_t mantissa, size_t decimals) {
  Num n;
  n.value = v;
  if (mantissa >= 1'000'000'000'000'000) [[unlikely]]
    return num_of(v);
  while (decimals > 8 && mantissa % 10 == 0) [[unlikely]] mantissa /= 10, --decimals;
  if (decimals <= 8) {
    if (mantissa <= k_exact_mantissa[decimals]) {  // a table: no division per cell
      const auto scaled = static_cast<std::int64_t>(mantissa * k_pow10_int[8 - decimals]);
      n.scaled = v < 0 ? -scaled : scaled;
      n.exact = true;
    }
  }
  return n;
}

// trade_number(s) as a Num.
[[gnu::always_inline]] inline std::optional<Num> trade_num(std::string_view s) {
  PlainDecimal d;
  if (plain_decimal(s, d)) [[likely]]
    return num_of_decimal(d.value(), d.mantissa, d.decimals);
  const std::optional<double> v = exact_trade_number(s);
  if (!v) return std::nullopt;
  return num_of(*v);
}

}  // namespace

Num num_of(double v) {
  Num n;
  n.value = v;
  if (!std::isfinite(v)) return n;
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);  // the shortest decimal that reads back as v
  std::uint64_t mantissa = 0;
  int digits = 0, exponent = 0;  // value = mantissa * 10^exponent
  const char* p = buf;
  if (p < r.ptr && *p == '-') ++p;
  bool fraction = false;
  for (; p < r.ptr && *p != 'e'; ++p) {
    if (*p == '.') {
      fraction = true;
      continue;
    }
    if (mantissa == 0 && *p == '0') {
      if (fraction) --exponent;
      continue;
    }
    if (++digits > 17) return n;
    mantissa = mantissa * 10 + static_cast<std::uint64_t>(*p - '0');
    if (fraction) --exponent;
  }
  if (p < r.ptr && *p == 'e') {
    int x = 0;
    std::from_chars(p + 1 + (p[1] == '+'), r.ptr, x);
    exponent += x;
  }
  if (mantissa == 0) {
    n.exact = true;
    return n;
  }
  while (exponent < -8 && mantissa % 10 == 0) mantissa /= 10, ++exponent;
  if (exponent < -8 || exponent > 8) return n;
  Int128 scaled = mantissa;  // mantissa * 10^(exponent + 8), exponent + 8 in [0, 16]
  for (int i = 0; i < exponent + 8; ++i) scaled *= 10;
  if (scaled >= static_cast<Int128>(k_exact_limit)) return n;
  n.scaled = static_cast<std::int64_t>(v < 0 ? -scaled : scaled);
  n.exact = true;
  return n;
}

double scaled_to_double(Int128 scaled) {
  const Int128 limit = static_cast<Int128>(k_exact_limit);
  if (scaled > -limit && scaled < limit)  // both exact: one division rounds correctly
    return static_cast<double>(static_cast<std::int64_t>(scaled)) / 1e8;
  // Its decimal text, read back by from_chars (correctly rounded).
  const bool negative = scaled < 0;
  UInt128 u = negative ? static_cast<UInt128>(-(scaled + 1)) + 1 : static_cast<UInt128>(scaled);
  char buf[48];
  char* end = buf + sizeof buf;
  char* q = end;
  int n = 0;
  while (u != 0 || n < 9) {
    *--q = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
    if (++n == 8) *--q = '.';
  }
  double v = 0;
  std::from_chars(q, end, v);
  return negative ? -v : v;
}

void Sum::add_slow(double v, std::uint64_t line) {
  if (exact_only) {
    exact_only = false;
    sum = scaled_to_double(exact);
    comp = 0;
  }
  neumaier_add(sum, comp, v);
  if (overflow_line == 0 && !std::isfinite(sum + comp)) overflow_line = line;
}

void SquareSum::add_bits(bool is_exact, std::int64_t bits) {
  Num n;
  n.exact = is_exact;
  if (is_exact)
    n.scaled = bits, n.value = static_cast<double>(bits) / 1e8;
  else
    n.value = std::bit_cast<double>(bits);
  add(n);
}

void SquareSum::add(const Num& term) {
  if (exact_only) {
    Int128 next = 0;
    if (term.exact && !__builtin_add_overflow(exact, Int128{term.scaled} * term.scaled, &next)) {
      exact = next;
      linear += term.scaled;
      ++count;
      return;
    }
    m2 = spread();
    mean = count == 0 ? 0 : scaled_to_double(linear) / static_cast<double>(count);
    exact_only = false;
  }
  // Welford: no cancellation between Σr² and (Σr)² / N.
  ++count;
  const double delta = term.value - mean;
  mean += delta / static_cast<double>(count);
  m2 += delta * (term.value - mean);
}

double SquareSum::spread() const {
  if (!exact_only) return m2;
  if (count == 0) return 0;
  // N·Σs² − (Σs)² exactly when both stay below 2^127 (checked by division,
  // not a 128-bit __builtin_mul_overflow), then / N / 10^16.
  const Int128 max = static_cast<Int128>((UInt128{1} << 127) - 1);
  constexpr UInt128 k_max_root = 13043817825332782212u;  // floor(sqrt(2^127 - 1))
  const UInt128 abs_b = linear < 0 ? -static_cast<UInt128>(linear) : static_cast<UInt128>(linear);
  const auto k = static_cast<double>(count);
  if (exact <= max / static_cast<Int128>(count) && abs_b <= k_max_root)
    return static_cast<double>(static_cast<Int128>(count) * exact - linear * linear) / k / 1e16;
  // Beyond that, still exact: with (q, r) = divmod(Σs, N) (truncated, r of the
  // sign of Σs), (Σs)²/N = q·Σs + q·r + r²/N, so M2·10^16 = Σs² − q·Σs − q·r
  // − r²/N. Σs² − q·Σs is exact (0 ≤ q·Σs ≤ (Σs)²/N ≤ Σs² < 2^127), 0 ≤ q·r ≤
  // |Σs|, and with (u, v) = divmod(r², N) only v/N < 1 is rounded: no
  // cancellation of Σs² against (Σs)²/N.
  const auto n = static_cast<Int128>(count);
  const Int128 q = linear / n, r = linear % n;
  const UInt128 r_abs = r < 0 ? -static_cast<UInt128>(r) : static_cast<UInt128>(r);  // < N < 2^64
  const UInt128 rr = r_abs * r_abs;
  const Int128 whole = exact - q * linear - q * r - static_cast<Int128>(rr / count);
  return std::max(0.0, static_cast<double>(whole) - static_cast<double>(rr % count) / k) / 1e16;
}

Streak Streak::of(std::int8_t kind) {
  Streak s;
  s.n = 1;
  s.first = s.last = kind;
  s.prefix = s.suffix = 1;
  s.max_win = kind > 0 ? 1 : 0;
  s.max_loss = kind < 0 ? 1 : 0;
  return s;
}

[[gnu::hot]] Streak Streak::combine(const Streak& a, const Streak& b) {
  if (a.n == 0) return b;
  if (b.n == 0) return a;
  Streak s;
  s.n = a.n + b.n;
  s.first = a.first, s.last = b.last;
  s.max_win = std::max(a.max_win, b.max_win);
  s.max_loss = std::max(a.max_loss, b.max_loss);
  if (a.last == b.first) {
    if (a.last > 0) s.max_win = std::max(s.max_win, a.suffix + b.prefix);
    if (a.last < 0) s.max_loss = std::max(s.max_loss, a.suffix + b.prefix);
  }
  s.prefix = a.prefix == a.n && a.first == b.first ? a.n + b.prefix : a.prefix;
  s.suffix = b.suffix == b.n && b.last == a.last ? b.n + a.suffix : b.suffix;
  return s;
}

std::optional<double> parse_trade_number(std::string_view s) {
  return trade_number(s);
}

bool is_trade_number(std::string_view s) {
  return quick_trade_number(s);
}

std::optional<Date> parse_trade_timestamp(std::string_view s) {
  return trade_date(s);
}

TradeStats::TradeStats(Date run_date, TradeStatsLimits limits) : m_run_date(run_date), m_limits(limits) {
  m_col.fill(-1);
}

Result<void> TradeStats::header(const CsvRecord& record) {
  HeaderColumns h = read_header(record.fields);
  std::vector<std::pair<std::string, std::string>> notes;  // column used, note
  for (const HeaderColumns::Duplicate& d : h.duplicates) notes.emplace_back(h.names[d.first], h.note(d));
  m_col = h.col;
  m_field_count = record.fields.size();
  m_header = std::move(h.names);
  m_header_duplicate = std::move(h.duplicate);
  m_plan.assign(m_field_count, CellStep{});
  for (const ColumnInfo& info : k_trade_columns) {
    const int i = m_col[static_cast<size_t>(info.id)];
    if (i < 0) continue;
    const Cell cell = cell_of(info);
    // Every column a statistic reads has its step: a new one needs one too.
    if (info.type != ColType::text && cell == Cell::other)
      return fail("internal: no step for a known column");
    if (info.used_in_statistics && cell == Cell::number) return fail("internal: no slot for a used number");
    m_plan[static_cast<size_t>(i)] = {cell, info.id};
  }
  m_spec_order = m_field_count == k_trade_columns.size();
  for (size_t i = 0; m_spec_order && i < m_field_count; ++i)
    m_spec_order = m_plan[i].col == k_trade_columns[i].id && !m_header_duplicate[i];
  m_known_in_order.clear();
  for (size_t i = 0; i < m_header.size(); ++i)
    for (const ColumnInfo& info : k_trade_columns)
      if (m_col[static_cast<size_t>(info.id)] == static_cast<int>(i)) m_known_in_order.push_back(info.id);
  for (const ColumnInfo& info : k_trade_columns)
    if (info.required && m_col[static_cast<size_t>(info.id)] < 0)
      return fail("required column '" + std::string(info.name) + "' is missing from the header");
  for (auto& [column, note] : notes) issue(record.line, std::move(column), std::move(note));
  m_filled.assign(m_field_count, 0);
  return {};
}

void TradeStats::issue(std::uint64_t line, std::string column, std::string text) {
  ++m_issues_total;
  m_row_has_issue = true;
  if (m_issues.size() < m_limits.max_issues) m_issues.push_back({line, std::move(column), std::move(text)});
}

void TradeStats::issue(std::uint64_t line, Col column, std::string text) {
  issue(line, std::string(column_info(column).name), std::move(text));
}

void TradeStats::bad_cell(std::uint64_t line, Col column, std::string_view cell, std::string_view what) {
  issue(line, column, quoted(cell) + std::string(what));
}

void TradeStats::row_too_long(std::uint64_t line) {
  ++m_rows_read;
  ++m_rows_excluded;
  ++m_rows_with_issues;
  m_row_has_issue = false;
  issue(line, "", "row longer than the 1 MiB limit; skipped");
}

void TradeStats::row_too_wide(std::uint64_t line) {
  ++m_rows_read;
  ++m_rows_excluded;
  ++m_rows_with_issues;
  m_row_has_issue = false;
  issue(
      line, "",
      "row has more than " + std::to_string(CsvReader::k_default_max_fields) + " fields, the limit; skipped");
}

void TradeStats::add_active(ActivePosition position) {
  // A max-heap on "listed later": its top is the position to drop first.
  auto later = [](const ActivePosition& a, const ActivePosition& b) { return listed_before(a, b); };
  if (m_active_positions.size() < m_limits.max_active_positions) {
    m_active_positions.push_back(std::move(position));
    std::push_heap(m_active_positions.begin(), m_active_positions.end(), later);
  } else if (!m_active_positions.empty() && listed_before(position, m_active_positions.front())) {
    std::pop_heap(m_active_positions.begin(), m_active_positions.end(), later);
    m_active_positions.back() = std::move(position);
    std::push_heap(m_active_positions.begin(), m_active_positions.end(), later);
  }
}

[[gnu::always_inline]] inline TickerPerformance& TradeStats::ticker_of(const TickerKey& key) {
  if (m_is_part) {
    auto [place, added] = m_ticker_index.find_or_add(key, static_cast<std::uint32_t>(m_part_tickers.size()));
    if (added) {
      m_part_tickers.emplace_back().order = place;
      m_part_keys.push_back(key);
    }
    return m_part_tickers[place];
  }
  auto [place, added] = m_ticker_index.find_or_add(key, static_cast<std::uint32_t>(m_ticker_order.size()));
  if (added) {
    auto [it, inserted] = m_tickers.try_emplace(std::string(key.view()));
    it->second.order = place;
    m_ticker_order.push_back(it->first);
    m_ticker_at.push_back(&it->second);
  }
  return *m_ticker_at[place];
}

StrategyCounts& TradeStats::strategy_of(std::string_view name, std::string_view& key) {
  for (const StrategyHit& h : m_strategy_hits) {
    if (h.key.size() != name.size()) continue;
    size_t i = 0;
    while (i < name.size() && h.key[i] == name[i]) ++i;
    if (i == name.size()) {
      key = h.key;
      return *h.counts;
    }
  }
  auto sit = m_strategies.find(name);
  if (sit == m_strategies.end()) sit = m_strategies.emplace(std::string(name), StrategyCounts{}).first;
  if (m_strategy_hits.size() < 8) m_strategy_hits.push_back({sit->first, &sit->second});
  key = sit->first;
  return sit->second;
}

namespace {

// floor(Return / 0.05) + 40, clamped to [0, 79] (docs/STATISTICS.md, "Trade analysis").
size_t bin_of(const Num& r) {
  std::int64_t i = 0;
  if (r.exact) {
    constexpr std::int64_t width = 5'000'000;  // 0.05 at scale 1e8
    i = r.scaled / width;
    if (r.scaled % width != 0 && r.scaled < 0) --i;  // floor
  } else {
    const double q = std::floor(r.value / 0.05);
    i = q < -40 ? -40 : q > 39 ? 39 : static_cast<std::int64_t>(q);
  }
  return static_cast<size_t>(std::clamp<std::int64_t>(i, -40, 39) + 40);
}

// Return < MFE / 2, exactly on the decimals when both are.
bool gave_back_half(const Num& ret, const Num& mfe) {
  if (ret.exact && mfe.exact) return Int128{ret.scaled} * 2 < Int128{mfe.scaled};
  return ret.value < mfe.value / 2;
}

}  // namespace

// What a row's cells say, gathered in header order by cell<>().
struct TradeStats::RowCells {
  UsedNumbers numbers;
  std::optional<Date> entry, exit;
  bool excluded = false;
  State state = State::invalid;
  std::string_view uuid, strategy_name;
  TickerKey key;
  std::uint64_t line = 0;
};

template <TradeStats::Cell C>
[[gnu::always_inline]] inline void TradeStats::cell(RowCells& r, std::string_view v, Col col) {
  const std::uint64_t line = r.line;
  std::optional<double>* slot = nullptr;
  if constexpr (C == Cell::other) {
    return;
  } else if constexpr (C == Cell::uuid) {
    r.uuid = v;
    return;
  } else if constexpr (C == Cell::strategy) {
    r.strategy_name = v;
    return;
  } else if constexpr (C == Cell::number) {
    if (!v.empty() && !quick_trade_number(v)) [[unlikely]]
      bad_cell(line, col, v, " is not a number");
    return;
  } else if constexpr (C == Cell::entry || C == Cell::exit) {
    constexpr bool required = C == Cell::entry;  // column_info(col).required
    if (v.empty()) {
      if (required) {
        issue(line, col, "missing; row skipped");
        r.excluded = true;
      }
      return;
    }
    auto d = trade_date(v);
    if (!d) {
      issue(line, col,
            quoted(v) + " is not a date (YYYY-MM-DD[ HH:MM:SS])" + (required ? "; row skipped" : ""));
      r.excluded |= required;
    }
    (required ? r.entry : r.exit) = d;
    return;
  } else if constexpr (C == Cell::ticker) {
    if (v.empty()) {
      issue(line, col, "missing; row skipped");
      r.excluded = true;
    } else if (!ticker_key(v, r.key)) {
      // Never a key or a need: two such names can be one JSON key once written.
      issue(line, col, quoted(v) + " is not a valid symbol (1 to 20 of A-Z a-z 0-9 . ^ = -); row skipped");
      r.excluded = true;
    }
    return;
  } else if constexpr (C == Cell::status) {
    if (is_word(v, "closed"))
      r.state = State::closed;
    else if (is_word(v, "open") || is_word(v, "active"))
      r.state = State::open;
    else {
      issue(line, col,
            v.empty() ? "missing; row skipped" : quoted(v) + " is not Closed, Open or Active; row skipped");
      r.excluded = true;
    }
    return;
  } else if constexpr (C == Cell::avg_exit_price || C == Cell::unrealized) {
    // A number a statistic reads as a double.
    if constexpr (C == Cell::avg_exit_price) slot = &r.numbers.avg_exit_price;
    if constexpr (C == Cell::unrealized) slot = &r.numbers.unrealized;
    if (v.empty()) return;
    *slot = trade_number(v);
    if (!*slot) [[unlikely]]
      bad_cell(line, col, v, " is not a number");
  } else if constexpr (C == Cell::mfe || C == Cell::mae || C == Cell::exit_efficiency) {
    // An excursion: checked as any number, converted by row() for a closed trade.
    if (v.empty()) return;
    if (!quick_trade_number(v)) [[unlikely]] {
      bad_cell(line, col, v, " is not a number");
      return;
    }
    if constexpr (C == Cell::mfe) r.numbers.mfe = v;
    if constexpr (C == Cell::mae) r.numbers.mae = v;
    if constexpr (C == Cell::exit_efficiency) r.numbers.eff = v;
  } else {
    // A number a statistic sums: its exact decimal too.
    std::optional<Num>* num = nullptr;
    if constexpr (C == Cell::pnl) num = &r.numbers.pnl;
    if constexpr (C == Cell::ret) num = &r.numbers.ret;
    if constexpr (C == Cell::duration) num = &r.numbers.duration;
    if (v.empty()) return;
    *num = trade_num(v);
    if (!*num) [[unlikely]]
      bad_cell(line, col, v, " is not a number");
  }
}

template <Col K>
[[gnu::always_inline]] inline bool TradeStats::spec_cell(std::string_view field, RowCells& r) {
  const std::string_view v = trim_cell(field);
  cell<cell_of(k_trade_columns[static_cast<size_t>(K)])>(r, v, K);
  return !v.empty();
}

namespace {

// The header as SPEC §4.2 lists it, every column once, in k_trade_columns'
// order: its plan is known when compiling.
constexpr auto k_spec_order = [] {
  std::array<Col, static_cast<size_t>(Col::count_)> cols{};
  for (size_t i = 0; i < cols.size(); ++i) cols[i] = k_trade_columns[i].id;
  return cols;
}();

}  // namespace

void TradeStats::row(std::span<const std::string_view> fields, std::uint64_t line) {
  ++m_rows_read;
  m_row_has_issue = false;
  if (fields.size() != m_field_count) {
    issue(line, "",
          "expected " + std::to_string(m_field_count) + " fields, found " + std::to_string(fields.size()) +
              "; row skipped");
    ++m_rows_excluded;
    ++m_rows_with_issues;
    return;
  }
  ++m_well_formed_rows;

  RowCells r;  // only what the statistics read: this runs per row
  r.line = line;
  // Cells in header order, so that issues come in the file's column order.
  std::uint64_t* const filled = m_filled.data();
  if (m_spec_order) {
    // The same steps with no dispatch: each column's step is known here.
    [&]<size_t... I>(std::index_sequence<I...>) {
      ((filled[I] += spec_cell<k_spec_order[I]>(fields[I], r)), ...);
    }
    (std::make_index_sequence<k_spec_order.size()>{});
  } else {
    const CellStep* const plan = m_plan.data();
    for (size_t i = 0; i < m_field_count; ++i) {
      const std::string_view v = trim_cell(fields[i]);
      filled[i] += !v.empty();
      const CellStep step = plan[i];
      switch (step.cell) {
        case Cell::other: cell<Cell::other>(r, v, step.col); break;
        case Cell::number: cell<Cell::number>(r, v, step.col); break;
        case Cell::avg_exit_price: cell<Cell::avg_exit_price>(r, v, step.col); break;
        case Cell::pnl: cell<Cell::pnl>(r, v, step.col); break;
        case Cell::ret: cell<Cell::ret>(r, v, step.col); break;
        case Cell::duration: cell<Cell::duration>(r, v, step.col); break;
        case Cell::unrealized: cell<Cell::unrealized>(r, v, step.col); break;
        case Cell::mfe: cell<Cell::mfe>(r, v, step.col); break;
        case Cell::mae: cell<Cell::mae>(r, v, step.col); break;
        case Cell::exit_efficiency: cell<Cell::exit_efficiency>(r, v, step.col); break;
        case Cell::entry: cell<Cell::entry>(r, v, step.col); break;
        case Cell::exit: cell<Cell::exit>(r, v, step.col); break;
        case Cell::ticker: cell<Cell::ticker>(r, v, step.col); break;
        case Cell::status: cell<Cell::status>(r, v, step.col); break;
        case Cell::uuid: cell<Cell::uuid>(r, v, step.col); break;
        case Cell::strategy: cell<Cell::strategy>(r, v, step.col); break;
      }
    }
  }
  const bool excluded = r.excluded;
  const State state = r.state;
  const UsedNumbers& numbers = r.numbers;
  const std::optional<Date>& entry = r.entry;
  const std::optional<Date>& exit = r.exit;
  const TickerKey& key = r.key;
  const std::string_view uuid = r.uuid;
  std::string_view strategy_name = r.strategy_name;
  if (excluded) {
    ++m_rows_excluded;
    ++m_rows_with_issues;
    return;
  }

  const auto& ret = numbers.ret;
  const auto& pnl = numbers.pnl;
  if (state == State::closed && !ret && !pnl) issue(line, "", "Closed row without Return or PnL");
  if (state == State::open && (exit || numbers.avg_exit_price)) issue(line, "", "Open row with an exit");
  if (m_row_has_issue) ++m_rows_with_issues;

  TickerPerformance& tp = ticker_of(key);
  ++tp.trades;
  if (strategy_name.empty()) strategy_name = "unspecified";
  // Keyed as the document writes it: names that differ only in bytes that
  // are not UTF-8 are one strategy, never two entries under one JSON key.
  for (char c : strategy_name) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      m_strategy_written = as_written(strategy_name);
      strategy_name = m_strategy_written;
      break;
    }
  }
  std::string_view strategy_key;  // the map's: it outlives the row
  StrategyCounts& sc = strategy_of(strategy_name, strategy_key);
  ++sc.total;
  if (!m_first_entry || *entry < *m_first_entry) m_first_entry = entry;
  if (!m_last_entry || *entry > *m_last_entry) m_last_entry = entry;

  if (state == State::open) {
    ++m_active;
    ++tp.active;
    ++sc.active;
    if (!tp.active_seen) {
      if (!m_is_part) m_open_ticker.emplace_back(key.view());
      m_open_order.push_back(tp.order);
    }
    tp.active_seen = true;
    if (m_is_part) {
      // Listed with views of the row (see part()): merge() builds the strings
      // of those the whole file's list keeps.
      auto later = [](const PendingActive& a, const PendingActive& b) {
        return pending_before(a.entry_date, a.line, b.entry_date, b.line);
      };
      if (m_active_floor && !pending_before(*entry, line, m_active_floor->entry_date, m_active_floor->line))
        return;
      auto& heap = m_pending_active;
      const bool room = heap.size() < m_limits.max_active_positions;
      if (!room &&
          (heap.empty() || !pending_before(*entry, line, heap.front().entry_date, heap.front().line)))
        return;
      PendingActive p;
      p.entry_date = *entry;
      p.line = line;
      p.days_held = days_from_civil(m_run_date) - days_from_civil(*entry);
      p.unrealized = numbers.unrealized;
      p.uuid = uuid;
      p.strategy = strategy_key;
      p.ticker = tp.order;
      if (room) {
        heap.push_back(p);
      } else {
        std::pop_heap(heap.begin(), heap.end(), later);
        heap.back() = p;
      }
      std::push_heap(heap.begin(), heap.end(), later);
      return;
    }
    // Build the strings only for a position the capped list will keep.
    ActivePosition probe;
    probe.entry_date = *entry;
    probe.line = line;
    if ((!m_active_floor || listed_before(probe, *m_active_floor)) &&
        (m_active_positions.size() < m_limits.max_active_positions ||
         (!m_active_positions.empty() && listed_before(probe, m_active_positions.front())))) {
      probe.uuid = std::string(uuid);
      probe.ticker = std::string(key.view());
      probe.strategy = std::string(strategy_name);
      probe.days_held = days_from_civil(m_run_date) - days_from_civil(*entry);
      probe.current_unrealized_return = numbers.unrealized;
      add_active(std::move(probe));
    }
    return;
  }

  ++m_closed;
  ++tp.closed;
  ++sc.closed;
  SumTerms terms;
  terms.line = line;
  terms.ticker = tp.order;
  terms.strategy = &sc;
  const std::optional<double> outcome = ret   ? std::optional<double>(ret->value)
                                        : pnl ? std::optional<double>(pnl->value)
                                              : std::nullopt;
  const auto& duration = numbers.duration;
  if (outcome) {
    Outcomes& o = m_outcomes;
    if (*outcome > 0) {
      ++o.wins, ++tp.outcomes.wins, ++sc.outcomes.wins;
      terms.outcome = 1;
      if (ret) ++m_win_returns;
      if (pnl) m_last_pnl_line = line, sc.last_pnl_line = line;
      if (duration) ++m_win_durations;
    } else if (*outcome < 0) {
      ++o.losses, ++tp.outcomes.losses, ++sc.outcomes.losses;
      terms.outcome = -1;
      if (ret) ++m_loss_returns;
      if (pnl) ++m_loss_pnls, ++sc.loss_pnls, m_last_pnl_line = line, sc.last_pnl_line = line;
      if (duration) ++m_loss_durations;
    } else {
      ++o.breakevens, ++tp.outcomes.breakevens, ++sc.outcomes.breakevens;
    }
  }
  if (ret) {
    terms.set(t_ret, *ret);
    ++m_returns, ++sc.returns;
    m_last_return_line = line;
    const double rv = ret->value;
    if (!m_best || rv > m_best->value) m_best = TradeRef{std::string(uuid), std::string(key.view()), rv};
    if (!m_worst || rv < m_worst->value) m_worst = TradeRef{std::string(uuid), std::string(key.view()), rv};
    Bin& b = m_bins[bin_of(*ret)];
    ++m_binned;
    ++(terms.outcome > 0 ? b.wins : terms.outcome < 0 ? b.losses : b.breakevens);
  }
  if (pnl) terms.set(t_pnl, *pnl);
  if (duration) terms.set(t_duration, *duration), ++m_durations, ++sc.durations;
  if (!numbers.mfe.empty() || !numbers.mae.empty() || !numbers.eff.empty()) {
    // Valid numbers (checked by cell<>()): the conversion cannot fail.
    const std::optional<Num> mfe = numbers.mfe.empty() ? std::nullopt : trade_num(numbers.mfe);
    ++m_excursion_trades;
    if (mfe) terms.set(t_mfe, *mfe), ++m_mfes;
    if (!numbers.mae.empty()) terms.set(t_mae, *trade_num(numbers.mae)), ++m_maes;
    if (!numbers.eff.empty()) terms.set(t_eff, *trade_num(numbers.eff)), ++m_effs;
    if (terms.outcome > 0 && mfe && ret && mfe->value > 0) {
      ++m_winners_with_mfe;
      if (gave_back_half(*ret, *mfe)) ++m_gave_back_half;
    }
  }
  if (!exit) {
    ++m_without_exit;
  } else {
    ++m_with_exit;
    if (pnl || outcome) {
      // A key in date order, cheaper than days_from_civil: the whole file's
      // days get their day number once each (add_day).
      const std::uint32_t d = day_of(std::int64_t{exit->year} * 512 + exit->month * 32 + exit->day);
      DayStats& ds = m_day_stats[d];
      if (outcome) ds.streak.append(terms.outcome);
      if (pnl) ++ds.pnl_trades, terms.day = d, ds.last_pnl_line = line;
    }
  }
  // A part adds its own sums too (in parallel): merge() takes them when every
  // term was exact, and adds the listed terms in file order otherwise.
  if (m_is_part) {
    m_sum_terms.push_back(terms);
    m_part_inexact |= terms.exact != terms.has;
  } else if (terms.exact != terms.has) {
    m_seen_inexact = true;  // the whole's sums left exact_only: merge() must replay the parts' terms
  }
  add_sums(tp, terms, terms.day == k_no_day ? nullptr : &m_day_stats[terms.day]);
}

std::uint32_t TradeStats::day_of(std::int64_t day) {
  if (!m_day_sparse) {
    const std::int64_t off = day - m_day_base;
    if (off >= 0 && off < static_cast<std::int64_t>(m_day_dense.size())) [[likely]] {
      std::uint32_t& slot = m_day_dense[static_cast<size_t>(off)];
      if (slot == 0) slot = add_day(day) + 1;
      return slot - 1;
    }
    // Widen the window (with room on both sides), or leave it for the hash.
    const std::int64_t lo = m_day_dense.empty() ? day - 64 : std::min(m_day_base, day - 64);
    const std::int64_t hi =
        m_day_dense.empty() ? day + 64
                            : std::max(m_day_base + static_cast<std::int64_t>(m_day_dense.size()), day + 64);
    if (hi - lo <= k_dense_days) {
      std::vector<std::uint32_t> dense(static_cast<size_t>(hi - lo), 0);
      for (std::uint32_t k = 0; k < m_day_stats.size(); ++k)
        dense[static_cast<size_t>(m_day_stats[k].key - lo)] = k + 1;
      m_day_dense = std::move(dense);
      m_day_base = lo;
      return day_of(day);
    }
    m_day_sparse = true;
    for (std::uint32_t k = 0; k < m_day_stats.size(); ++k) m_day_hash.emplace(m_day_stats[k].key, k);
    m_day_dense = {};
  }
  auto [it, added] = m_day_hash.try_emplace(day, 0);
  if (added) it->second = add_day(day);
  return it->second;
}

std::uint32_t TradeStats::add_day(std::int64_t day) {
  const auto place = static_cast<std::uint32_t>(m_day_stats.size());
  DayStats& ds = m_day_stats.emplace_back();
  ds.key = day;
  if (!m_is_part) {
    // Its day number, and its month in the whole file's list.
    const Date date{static_cast<int>(day >> 9), static_cast<int>((day >> 5) & 15),
                    static_cast<int>(day & 31)};
    ds.days = days_from_civil(date);
    const std::int64_t month = std::int64_t{date.year} * 12 + date.month - 1;
    auto it = m_month_index.find(month);
    if (it == m_month_index.end()) {
      it = m_month_index.emplace(month, static_cast<std::uint32_t>(m_month_stats.size())).first;
      m_month_stats.emplace_back().key = month;
    }
    ds.month = it->second;
  }
  return place;
}

void TradeStats::add_sums(TickerPerformance& tp, const SumTerms& t, DayStats* day) {
  // Each sum in file order: a part lists its terms and merge() adds them here.
  // Only sums: every count was made by row().
  StrategyCounts& sc = *t.strategy;
  const std::uint64_t line = t.line;
  auto exact = [&](Term k) { return ((t.exact >> k) & 1u) != 0; };
  if (t.has_term(t_ret)) {
    const bool e = exact(t_ret);
    const std::int64_t b = t.bits[t_ret];
    if (t.outcome > 0) m_win_return_sum.add_bits(e, b, line);
    if (t.outcome < 0) m_loss_return_sum.add_bits(e, b, line);
    m_return_sum.add_bits(e, b, line);
    tp.total_return.add_bits(e, b, line);
    sc.return_sum.add_bits(e, b, line);
    m_return_squares.add_bits(e, b);
  }
  if (t.has_term(t_pnl)) {
    const bool e = exact(t_pnl);
    const std::int64_t b = t.bits[t_pnl];
    if (t.outcome > 0) m_win_pnl.add_bits(e, b, line), sc.win_pnl.add_bits(e, b, line);
    if (t.outcome < 0) m_loss_pnl.add_bits(e, b, line), sc.loss_pnl.add_bits(e, b, line);
    m_total_pnl.add_bits(e, b, line);
    tp.total_pnl.add_bits(e, b, line);
    sc.total_pnl.add_bits(e, b, line);
    if (day) {
      day->pnl.add_bits(e, b, line);
      if (!m_is_part) m_month_stats[day->month].pnl.add_bits(e, b, line);  // a part's months: merge()
    }
  }
  if (t.has_term(t_duration)) {
    const bool e = exact(t_duration);
    const std::int64_t b = t.bits[t_duration];
    if (t.outcome > 0) m_win_duration_sum.add_bits(e, b, line);
    if (t.outcome < 0) m_loss_duration_sum.add_bits(e, b, line);
    m_duration_sum.add_bits(e, b, line);
    sc.duration_sum.add_bits(e, b, line);
  }
  if (t.has_term(t_mfe)) m_mfe_sum.add_bits(exact(t_mfe), t.bits[t_mfe], line);
  if (t.has_term(t_mae)) m_mae_sum.add_bits(exact(t_mae), t.bits[t_mae], line);
  if (t.has_term(t_eff)) m_eff_sum.add_bits(exact(t_eff), t.bits[t_eff], line);
}

TradeStats TradeStats::part() const {
  TradeStats p(m_run_date, m_limits);
  p.m_col = m_col;
  p.m_header = m_header;
  p.m_header_duplicate = m_header_duplicate;
  p.m_known_in_order = m_known_in_order;
  p.m_plan = m_plan;
  p.m_spec_order = m_spec_order;
  // A chunk's rows meet most of the file's tickers: room for them at once.
  p.m_ticker_index.reserve(std::min<size_t>(m_ticker_order.size(), 4096));
  p.m_field_count = m_field_count;
  p.m_filled.assign(m_filled.size(), 0);
  p.m_is_part = true;
  if (!m_spare_terms.empty()) {
    p.m_sum_terms = std::move(m_spare_terms.back());
    m_spare_terms.pop_back();
    p.m_day_stats = std::move(m_spare_days.back());
    m_spare_days.pop_back();
  }
  if (!m_active_positions.empty() && m_active_positions.size() >= m_limits.max_active_positions) {
    p.m_active_floor.emplace();
    p.m_active_floor->entry_date = m_active_positions.front().entry_date;
    p.m_active_floor->line = m_active_positions.front().line;
  }
  return p;
}

void TradeStats::merge(TradeStats&& next) {
  m_rows_read += next.m_rows_read, m_rows_excluded += next.m_rows_excluded;
  m_rows_with_issues += next.m_rows_with_issues, m_issues_total += next.m_issues_total;
  for (DataIssue& i : next.m_issues) {
    if (m_issues.size() >= m_limits.max_issues) break;
    m_issues.push_back(std::move(i));
  }
  for (size_t i = 0; i < m_filled.size() && i < next.m_filled.size(); ++i) m_filled[i] += next.m_filled[i];
  m_well_formed_rows += next.m_well_formed_rows;
  m_closed += next.m_closed, m_active += next.m_active;
  if (next.m_first_entry && (!m_first_entry || *next.m_first_entry < *m_first_entry))
    m_first_entry = next.m_first_entry;
  if (next.m_last_entry && (!m_last_entry || *next.m_last_entry > *m_last_entry))
    m_last_entry = next.m_last_entry;
  m_outcomes.wins += next.m_outcomes.wins, m_outcomes.losses += next.m_outcomes.losses;
  m_outcomes.breakevens += next.m_outcomes.breakevens;
  m_win_returns += next.m_win_returns, m_loss_returns += next.m_loss_returns, m_returns += next.m_returns;
  m_loss_pnls += next.m_loss_pnls, m_durations += next.m_durations;
  if (next.m_last_pnl_line) m_last_pnl_line = next.m_last_pnl_line;
  if (next.m_last_return_line) m_last_return_line = next.m_last_return_line;
  m_win_durations += next.m_win_durations, m_loss_durations += next.m_loss_durations;
  m_with_exit += next.m_with_exit, m_without_exit += next.m_without_exit;
  m_mfes += next.m_mfes, m_maes += next.m_maes, m_effs += next.m_effs;
  m_excursion_trades += next.m_excursion_trades;
  m_winners_with_mfe += next.m_winners_with_mfe, m_gave_back_half += next.m_gave_back_half;
  m_binned += next.m_binned;
  for (size_t i = 0; i < m_bins.size(); ++i) {
    m_bins[i].wins += next.m_bins[i].wins, m_bins[i].losses += next.m_bins[i].losses;
    m_bins[i].breakevens += next.m_bins[i].breakevens;
  }
  // The first best (worst) of the file: a later one replaces it only when strictly better.
  if (next.m_best && (!m_best || next.m_best->value > m_best->value)) m_best = std::move(next.m_best);
  if (next.m_worst && (!m_worst || next.m_worst->value < m_worst->value)) m_worst = std::move(next.m_worst);

  // Tickers in first-seen order; `to` maps the part's places to ours.
  std::vector<TickerPerformance*> to(next.m_part_keys.size());
  for (size_t i = 0; i < next.m_part_keys.size(); ++i) {
    const TickerPerformance& n = next.m_part_tickers[i];
    TickerPerformance& tp = ticker_of(next.m_part_keys[i]);
    tp.trades += n.trades, tp.closed += n.closed, tp.active += n.active;
    tp.outcomes.wins += n.outcomes.wins, tp.outcomes.losses += n.outcomes.losses;
    tp.outcomes.breakevens += n.outcomes.breakevens;
    to[i] = &tp;
  }
  for (std::uint32_t i : next.m_open_order) {
    TickerPerformance& tp = *to[i];
    if (tp.active_seen) continue;
    tp.active_seen = true;
    m_open_ticker.push_back(m_ticker_order[tp.order]);
    m_open_order.push_back(tp.order);
  }
  for (auto& [name, c] : next.m_strategies) {
    StrategyCounts& sc = m_strategies[name];
    sc.total += c.total, sc.closed += c.closed, sc.active += c.active;
    sc.outcomes.wins += c.outcomes.wins, sc.outcomes.losses += c.outcomes.losses;
    sc.outcomes.breakevens += c.outcomes.breakevens;
    sc.loss_pnls += c.loss_pnls, sc.returns += c.returns, sc.durations += c.durations;
    if (c.last_pnl_line) sc.last_pnl_line = c.last_pnl_line;
    c.merged = &sc;
  }
  // The part's exit days: its outcomes follow ours in file order (the streak
  // monoid); its counts add.
  std::vector<std::uint32_t> to_day(next.m_day_stats.size());  // places: m_day_stats grows meanwhile
  for (size_t i = 0; i < next.m_day_stats.size(); ++i) {
    const DayStats& n = next.m_day_stats[i];
    to_day[i] = day_of(n.key);
    DayStats& d = m_day_stats[to_day[i]];
    d.streak = Streak::combine(d.streak, n.streak);
    d.pnl_trades += n.pnl_trades;
    d.last_pnl_line = std::max(d.last_pnl_line, n.last_pnl_line);
  }
  // Every term of the file so far and of the part exact: the part's sums are
  // exact integers, added in any order. Otherwise its terms, in file order.
  // Belt and braces beside m_seen_inexact: every sum of ours the part's sums
  // would be added to must still be an exact integer (a Neumaier sum's
  // value() ignores `exact`, so an integer added to it would be lost).
  bool ours_exact = m_win_return_sum.exact_only && m_loss_return_sum.exact_only && m_return_sum.exact_only &&
                    m_win_pnl.exact_only && m_loss_pnl.exact_only && m_total_pnl.exact_only &&
                    m_duration_sum.exact_only && m_win_duration_sum.exact_only &&
                    m_loss_duration_sum.exact_only && m_mfe_sum.exact_only && m_mae_sum.exact_only &&
                    m_eff_sum.exact_only;
  for (size_t i = 0; ours_exact && i < to.size(); ++i)
    ours_exact = to[i]->total_return.exact_only && to[i]->total_pnl.exact_only;
  for (auto it = next.m_strategies.begin(); ours_exact && it != next.m_strategies.end(); ++it) {
    const StrategyCounts& sc = *it->second.merged;
    ours_exact = sc.win_pnl.exact_only && sc.loss_pnl.exact_only && sc.total_pnl.exact_only &&
                 sc.return_sum.exact_only && sc.duration_sum.exact_only;
  }
  for (size_t i = 0; ours_exact && i < to_day.size(); ++i) {
    const DayStats& d = m_day_stats[to_day[i]];
    ours_exact = d.pnl.exact_only && m_month_stats[d.month].pnl.exact_only;
  }
  Int128 squares = 0;
  const bool exact = ours_exact && !m_seen_inexact && !next.m_part_inexact && m_return_squares.exact_only &&
                     next.m_return_squares.exact_only &&
                     !__builtin_add_overflow(m_return_squares.exact, next.m_return_squares.exact, &squares);
  if (exact) {
    m_return_squares.exact = squares;
    m_return_squares.linear += next.m_return_squares.linear;
    m_return_squares.count += next.m_return_squares.count;
    for (auto [ours, theirs] :
         std::initializer_list<std::pair<Sum*, const Sum*>>{{&m_win_return_sum, &next.m_win_return_sum},
                                                            {&m_loss_return_sum, &next.m_loss_return_sum},
                                                            {&m_return_sum, &next.m_return_sum},
                                                            {&m_win_pnl, &next.m_win_pnl},
                                                            {&m_loss_pnl, &next.m_loss_pnl},
                                                            {&m_total_pnl, &next.m_total_pnl},
                                                            {&m_duration_sum, &next.m_duration_sum},
                                                            {&m_win_duration_sum, &next.m_win_duration_sum},
                                                            {&m_loss_duration_sum, &next.m_loss_duration_sum},
                                                            {&m_mfe_sum, &next.m_mfe_sum},
                                                            {&m_mae_sum, &next.m_mae_sum},
                                                            {&m_eff_sum, &next.m_eff_sum}})
      ours->exact += theirs->exact;
    for (size_t i = 0; i < next.m_part_keys.size(); ++i) {
      to[i]->total_return.exact += next.m_part_tickers[i].total_return.exact;
      to[i]->total_pnl.exact += next.m_part_tickers[i].total_pnl.exact;
    }
    for (auto& [name, c] : next.m_strategies) {
      StrategyCounts& sc = *c.merged;
      for (auto [ours, theirs] :
           std::initializer_list<std::pair<Sum*, const Sum*>>{{&sc.win_pnl, &c.win_pnl},
                                                              {&sc.loss_pnl, &c.loss_pnl},
                                                              {&sc.total_pnl, &c.total_pnl},
                                                              {&sc.return_sum, &c.return_sum},
                                                              {&sc.duration_sum, &c.duration_sum}})
        ours->exact += theirs->exact;
    }
    for (size_t i = 0; i < next.m_day_stats.size(); ++i) {
      DayStats& d = m_day_stats[to_day[i]];
      d.pnl.exact += next.m_day_stats[i].pnl.exact;
      m_month_stats[d.month].pnl.exact += next.m_day_stats[i].pnl.exact;
    }
  } else {
    m_seen_inexact = true;
    for (SumTerms& t : next.m_sum_terms) {
      t.strategy = t.strategy->merged;
      add_sums(*to[t.ticker], t, t.day == k_no_day ? nullptr : &m_day_stats[to_day[t.day]]);
    }
  }
  if (m_spare_terms.size() < 16) {
    next.m_sum_terms.clear();
    m_spare_terms.push_back(std::move(next.m_sum_terms));
    next.m_day_stats.clear();
    m_spare_days.push_back(std::move(next.m_day_stats));
  }

  for (ActivePosition& p : next.m_active_positions) add_active(std::move(p));
  for (const PendingActive& p : next.m_pending_active) {
    ActivePosition probe;
    probe.entry_date = p.entry_date;
    probe.line = p.line;
    if (m_active_positions.size() >= m_limits.max_active_positions &&
        (m_active_positions.empty() || !listed_before(probe, m_active_positions.front())))
      continue;  // not kept: no strings built
    probe.uuid = std::string(p.uuid);
    probe.ticker = std::string(next.m_part_keys[p.ticker].view());
    probe.strategy = std::string(p.strategy);
    probe.days_held = p.days_held;
    probe.current_unrealized_return = p.unrealized;
    add_active(std::move(probe));
  }
}

std::vector<std::string> TradeStats::open_tickers() const {
  return m_open_ticker;
}

}  // namespace thd
