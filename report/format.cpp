#include "report/format.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>
#include <vector>

namespace thd::report {
namespace {

// Adds one unit in the last place of a string of decimal digits; true when it carried out of the first.
bool increment(std::string& digits) {
  for (size_t i = digits.size(); i-- > 0;) {
    if (digits[i] != '9') {
      ++digits[i];
      return false;
    }
    digits[i] = '0';
  }
  return true;
}

std::string grouped(const std::string& digits) {
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Rounds the decimal `whole`.`frac` half away from zero to `places` decimals.
std::string rounded(bool negative, std::string whole, std::string frac, int places, bool group) {
  const size_t first = whole.find_first_not_of('0');
  whole = first == std::string::npos ? "0" : whole.substr(first);
  const size_t keep = static_cast<size_t>(places < 0 ? 0 : places);
  bool round_up = frac.size() > keep && frac[keep] >= '5';
  frac.resize(keep, '0');
  if (round_up && increment(frac) && increment(whole)) whole.insert(whole.begin(), '1');
  const bool zero =
      whole.find_first_not_of('0') == std::string::npos && frac.find_first_not_of('0') == std::string::npos;
  std::string out = negative && !zero ? "-" : "";
  out += group ? grouped(whole) : whole;
  if (keep > 0) out += "." + frac;
  return out;
}

// The shortest decimal that reads back as `value`, its point moved `shift`
// places to the right, rounded: the percentage of 0.2875 is 28.75 exactly,
// where the double 0.2875 * 100 is 28.749999999999996.
std::string decimal_shifted(double value, size_t shift, int places, bool group) {
  if (!std::isfinite(value)) return "-";
  char buf[1400];
  if (std::fabs(value) >= 9007199254740992.0) {
    // From 2^53 on a double is an integer: its shortest digits, then zeros
    // (never the binary value's exact digits); beyond 10^21 as d.ddde+N.
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    if (ec != std::errc()) return "-";
    std::string_view text(buf, static_cast<size_t>(end - buf));
    const bool negative = text.front() == '-';
    if (negative) text.remove_prefix(1);
    const size_t e = text.find('e');
    int exponent = 0;
    std::from_chars(text.data() + e + (text[e + 1] == '+' ? 2 : 1), text.data() + text.size(), exponent);
    exponent += static_cast<int>(shift);
    std::string digits;
    for (char c : text.substr(0, e))
      if (c != '.') digits += c;
    if (exponent > 21) {
      std::string out = negative ? "-" : "";
      out += digits.substr(0, 1);
      if (digits.size() > 1) out += "." + digits.substr(1);
      return out + "e" + std::to_string(exponent);
    }
    digits.resize(static_cast<size_t>(exponent) + 1, '0');
    return rounded(negative, digits, "", places, group);
  }
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  if (ec != std::errc()) return "-";
  std::string_view text(buf, static_cast<size_t>(end - buf));
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  const size_t dot = text.find('.');
  std::string whole(text.substr(0, dot));
  std::string frac(dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1));
  if (shift > 0) {
    if (frac.size() < shift) frac.resize(shift, '0');
    whole += frac.substr(0, shift);
    frac.erase(0, shift);
  }
  return rounded(negative, whole, frac, places, group);
}

}  // namespace

std::string decimal(double value, int places, bool group) {
  return decimal_shifted(value, 0, places, group);
}

std::string money(double value) {
  std::string d = decimal(value, 2);
  if (!d.empty() && d.front() == '-') return "-$" + d.substr(1);
  return "$" + d;
}

std::string percent(double ratio, int places) {
  return decimal_shifted(ratio, 2, places, true) + "%";
}

std::string signed_percent(double ratio, int places) {
  std::string d = decimal_shifted(ratio, 2, places, true);
  if (d.front() != '-' && d.find_first_not_of("0.,") != std::string::npos) d.insert(d.begin(), '+');
  return d + "%";
}

std::string count(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e18) return decimal(value, 0);
  return decimal(value, 2);
}

std::string money_short(double value) {
  const double a = std::fabs(value);
  const char* suffix = a >= 1e12 ? "T" : a >= 1e9 ? "B" : a >= 1e6 ? "M" : nullptr;
  if (!suffix) return money(value);
  const double scale = a >= 1e12 ? 1e12 : a >= 1e9 ? 1e9 : 1e6;
  return money(value / scale) + suffix;
}

std::string age_text(std::int64_t seconds) {
  if (seconds < 1) return "now";
  if (seconds < 60) return std::to_string(seconds) + " s";
  if (seconds < 3600) return std::to_string(seconds / 60) + " min";
  if (seconds < 86400) return std::to_string(seconds / 3600) + " h";
  return std::to_string(seconds / 86400) + " d";
}

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the control character at s[i] (C0 but tab, line feed and
// carriage return; DEL; C1 as its two UTF-8 bytes), 0 when s[i] starts none.
size_t control_at(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return 1;
  if (c == 0xC2 && i + 1 < s.size()) {
    const auto next = static_cast<unsigned char>(s[i + 1]);
    if (next >= 0x80 && next <= 0x9F) return 2;
  }
  return 0;
}

// `out` ends with `word` (ASCII, any case).
bool ends_with_word(std::string_view out, std::string_view word) {
  if (out.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    char c = out[out.size() - word.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != word[i]) return false;
  }
  return true;
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (const size_t n = control_at(s, i)) {  // not allowed in HTML text: NUL, other C0, DEL, C1
      out += replacement;
      i += n - 1;
      continue;
    }
    const char c = s[i];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string markdown_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (const size_t n = control_at(s, i)) {
      out += replacement;
      i += n - 1;
      continue;
    }
    const char c = s[i];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\n':
      case '\r': out += ' '; break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '~':  // strikethrough
      case '[':
      case ']':
      case '|':
      case '#':
      case '!':
      case '$':  // GitHub reads $...$ as math
        out += '\\';
        out += c;
        break;
      case ':':  // "https://x" is a bare autolink in GitHub's Markdown; "https\://x" is text
      case '.':  // and so is "www.x"; "www\.x" is text
        if (c == ':' ? ends_with_word(out, "http") || ends_with_word(out, "https") ||
                           ends_with_word(out, "ftp") || ends_with_word(out, "mailto")
                     : ends_with_word(out, "www"))
          out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// The code point at s[i] and its length in bytes (a stray byte is itself).
std::pair<char32_t, size_t> code_point(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (n == 1 || i + n > s.size()) return {c, 1};
  char32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return {cp, n};
}

// Terminal columns of one code point (a small wcwidth): combining marks and
// zero-width characters 0; East Asian wide and fullwidth, and emoji, 2.
size_t columns_of(char32_t cp) {
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
      (cp >= 0x20D0 && cp <= 0x20FF) || cp == 0x2060 || cp == 0xFEFF || (cp >= 0xE0100 && cp <= 0xE01EF))
    return 0;
  if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
      (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
      (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
      (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x1F680 && cp <= 0x1F6FF) ||
      (cp >= 0x1FA70 && cp <= 0x1FAFF) ||
      (cp >= 0x2600 && cp <= 0x26FF &&
       (cp == 0x2614 || cp == 0x2615 || (cp >= 0x2648 && cp <= 0x2653) || cp == 0x267F || cp == 0x2693 ||
        cp == 0x26A1 || cp == 0x26AA || cp == 0x26AB || cp == 0x26BD || cp == 0x26BE || cp == 0x26C4 ||
        cp == 0x26C5 || cp == 0x26CE || cp == 0x26D4 || cp == 0x26EA || cp == 0x26F2 || cp == 0x26F3 ||
        cp == 0x26F5 || cp == 0x26FA || cp == 0x26FD)) ||
      cp == 0x231A || cp == 0x231B || cp == 0x23F0 || cp == 0x23F3 || cp == 0x2705 || cp == 0x274C ||
      cp == 0x2B50 || cp == 0x2B55 || (cp >= 0x1F1E6 && cp <= 0x1F1FF) || (cp >= 0x20000 && cp <= 0x2FFFD) ||
      (cp >= 0x30000 && cp <= 0x3FFFD))
    return 2;
  return 1;
}

}  // namespace

size_t display_width(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    const auto [cp, len] = code_point(s, i);
    n += columns_of(cp);
    i += len;
  }
  return n;
}

std::string clip(std::string_view s, size_t width) {
  if (display_width(s) <= width) return std::string(s);
  if (width == 0) return {};
  size_t shown = 0, i = 0;
  while (i < s.size()) {
    const auto [cp, len] = code_point(s, i);
    const size_t w = columns_of(cp);
    if (shown + w > width - 1) break;
    shown += w;
    i += len;
  }
  return std::string(s.substr(0, i)) + "\u2026";
}

std::vector<std::string> break_word(std::string_view s, size_t width) {
  std::vector<std::string> parts(1);
  size_t shown = 0;
  for (size_t i = 0; i < s.size();) {
    const auto [cp, len] = code_point(s, i);
    const size_t w = columns_of(cp);
    if (shown + w > width && !parts.back().empty()) {
      parts.emplace_back();
      shown = 0;
    }
    parts.back().append(s.substr(i, len));
    shown += w;
    i += len;
  }
  return parts;
}

std::string coord(double v) {
  if (!std::isfinite(v)) return "0";  // never "-", "inf" or "nan" in an attribute
  v = std::clamp(v, -1e6, 1e6);       // far outside any chart either way
  std::string d = decimal(v, 2, false);
  if (d.find('.') != std::string::npos) {
    while (d.back() == '0') d.pop_back();
    if (d.back() == '.') d.pop_back();
  }
  return d;
}

}  // namespace thd::report
