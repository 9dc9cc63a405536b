#include "core/base/json_writer.hpp"

#include <charconv>
#include <cmath>

#include "core/base/secrets.hpp"
#include "core/base/text.hpp"

namespace thd {
namespace {
void append_escaped(std::string& out, std::string_view s) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t len = utf8_sequence_length(s, i);
      if (len == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD for a byte that is not valid UTF-8
        ++i;
      } else {
        out.append(s.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(k_hex[c >> 4]);
          out.push_back(k_hex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}
}  // namespace

// Every string value of every JSON document the tool writes (the discovery
// document, reports on stdout, cache entries, statistics) passes here: a
// registered secret is redacted inside the string, before escaping, so a
// secret can never cut into a number or the document's structure. Keys are
// written by JsonWriter::key() without redaction: they are the structure.
void append_json_string(std::string& out, std::string_view s) {
  if (contains_secret(s))
    append_escaped(out, redact(s));
  else
    append_escaped(out, s);
}

std::string format_double(double d) {
  if (!std::isfinite(d)) return "null";
  if (d == 0) return "0";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  if (ec != std::errc()) return "null";
  std::string_view text(buf, static_cast<size_t>(end - buf));
  // A big integral value in fixed notation ("98765432109876543488") reads as
  // an integer beyond int64/uint64, which simdjson refuses: from 2^53 on
  // (where doubles are all integers) it is written in scientific notation,
  // still the shortest that reads back as `d`.
  if (std::fabs(d) >= 9007199254740992.0 && text.find_first_of(".eE") == std::string_view::npos) {
    auto sci = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    if (sci.ec != std::errc()) return "null";
    return std::string(buf, sci.ptr);
  }
  return std::string(text);
}

void JsonWriter::newline() {
  if (!m_pretty) return;
  m_out.push_back('\n');
  m_out.append(m_counts.size() * 2, ' ');
}

void JsonWriter::before_value() {
  if (m_after_key) {
    m_after_key = false;
    return;
  }
  if (!m_counts.empty()) {
    if (m_counts.back()++ > 0) m_out.push_back(',');
    newline();
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  m_out.push_back('{');
  m_counts.push_back(0);
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  bool empty = m_counts.back() == 0;
  m_counts.pop_back();
  if (!empty) newline();
  m_out.push_back(bracket);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  return close('}');
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  m_out.push_back('[');
  m_counts.push_back(0);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  return close(']');
}

JsonWriter& JsonWriter::key(std::string_view k) {
  before_value();
  append_escaped(m_out, k);  // keys are the document's structure (and tickers): never redacted
  m_out += m_pretty ? ": " : ":";
  m_after_key = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  before_value();
  append_json_string(m_out, s);
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  m_out += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::value(double d) {
  before_value();
  m_out += format_double(d);
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t i) {
  before_value();
  m_out += std::to_string(i);
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t u) {
  before_value();
  m_out += std::to_string(u);
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  m_out += "null";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  before_value();
  m_out += json;
  return *this;
}

}  // namespace thd
