// A small streaming JSON writer: always valid output (escapes control
// characters, replaces invalid UTF-8, writes non-finite numbers as null).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace thd {

class JsonWriter {
 public:
  explicit JsonWriter(bool pretty = true) : m_pretty(pretty) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(double d);
  JsonWriter& value(std::int64_t i);
  JsonWriter& value(std::uint64_t u);
  JsonWriter& value(int i) { return value(static_cast<std::int64_t>(i)); }
  JsonWriter& null();
  // Inserts an already serialized JSON value verbatim.
  JsonWriter& raw(std::string_view json);

  template <class T>
  JsonWriter& value(const std::optional<T>& v) {
    return v ? value(*v) : null();
  }
  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  const std::string& str() const { return m_out; }
  std::string take() { return std::move(m_out); }

 private:
  void before_value();
  JsonWriter& close(char bracket);
  void newline();

  std::string m_out;
  // One entry per open container: number of elements written so far.
  std::vector<int> m_counts;
  bool m_after_key = false;
  bool m_pretty;
};

// Appends `s` as a JSON string literal (quotes included).
void append_json_string(std::string& out, std::string_view s);
// Shortest representation that round-trips; "null" for NaN/inf.
std::string format_double(double d);

}  // namespace thd
