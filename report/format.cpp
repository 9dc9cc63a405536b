#include "report/format.hpp"

#include <charconv>
#include <cmath>

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

}  // namespace

std::string decimal(double value, int places, bool group) {
  if (!std::isfinite(value)) return "-";
  // The shortest fixed-notation decimal that reads back as `value` (a double's
  // longest is 1074 fraction digits and 309 integer ones).
  char buf[1400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  if (ec != std::errc()) return "-";
  std::string_view text(buf, static_cast<size_t>(end - buf));
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  const size_t dot = text.find('.');
  std::string whole(text.substr(0, dot));
  std::string frac(dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1));
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

std::string money(double value) {
  std::string d = decimal(value, 2);
  if (!d.empty() && d.front() == '-') return "-$" + d.substr(1);
  return "$" + d;
}

std::string percent(double ratio, int places) {
  return decimal(ratio * 100, places) + "%";
}

std::string signed_percent(double ratio, int places) {
  std::string d = decimal(ratio * 100, places);
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

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\0': out += "\xEF\xBF\xBD"; break;  // U+FFFD: a NUL is not allowed in HTML text
      default: out += c;
    }
  }
  return out;
}

std::string markdown_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
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
      case '[':
      case ']':
      case '|':
      case '#':
      case '!':
      case '$':  // GitHub reads $...$ as math
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

size_t display_width(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

std::string clip(std::string_view s, size_t width) {
  if (display_width(s) <= width) return std::string(s);
  if (width == 0) return {};
  size_t shown = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (shown == width - 1) break;
    ++shown;
  }
  return std::string(s.substr(0, i)) + "\u2026";
}

std::string coord(double v) {
  std::string d = decimal(v, 2, false);
  if (d.find('.') != std::string::npos) {
    while (d.back() == '0') d.pop_back();
    if (d.back() == '.') d.pop_back();
  }
  return d;
}

}  // namespace thd::report
