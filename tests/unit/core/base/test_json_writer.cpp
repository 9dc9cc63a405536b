// The JSON writer must always produce valid JSON: escaped control characters,
// valid UTF-8 (U+FFFD for bad bytes), null for non-finite numbers. The checks
// decode the output with a small independent decoder instead of trusting the
// writer's own escaping choices.
#include "core/base/json_writer.hpp"
#include "core/base/secrets.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <random>
#include <regex>
#include <string>

namespace thd {
namespace {

const std::string k_fffd = "\xEF\xBF\xBD";

// Independent strict UTF-8 validator (RFC 3629 table).
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  while (i < s.size()) {
    unsigned c = b(i);
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c <= 0x7F) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c == 0xE0) {
      n = 3, lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      n = 3;
    } else if (c == 0xED) {
      n = 3, hi = 0x9F;
    } else if (c == 0xF0) {
      n = 4, lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      n = 4;
    } else if (c == 0xF4) {
      n = 4, hi = 0x8F;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    if (b(i + 1) < lo || b(i + 1) > hi) return false;
    for (size_t k = 2; k < n; ++k)
      if (b(i + k) < 0x80 || b(i + k) > 0xBF) return false;
    i += n;
  }
  return true;
}

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes one JSON string literal (RFC 8259 §7) that must span all of `lit`.
// nullopt when it is not a valid JSON string.
std::optional<std::string> decode_json_string(std::string_view lit) {
  if (lit.size() < 2 || lit.front() != '"' || lit.back() != '"') return std::nullopt;
  if (!valid_utf8(lit)) return std::nullopt;
  std::string out;
  size_t i = 1;
  const size_t end = lit.size() - 1;
  auto hex4 = [&](size_t at) -> std::optional<unsigned> {
    if (at + 4 > end) return std::nullopt;
    unsigned v = 0;
    for (size_t k = at; k < at + 4; ++k) {
      char c = lit[k];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<unsigned>(c - 'A' + 10);
      else
        return std::nullopt;
    }
    return v;
  };
  while (i < end) {
    unsigned char c = static_cast<unsigned char>(lit[i]);
    if (c < 0x20) return std::nullopt;  // raw control character
    if (c == '"') return std::nullopt;  // unescaped quote inside
    if (c != '\\') {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    if (i + 1 >= end) return std::nullopt;
    char e = lit[i + 1];
    i += 2;
    switch (e) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '/': out.push_back('/'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        auto v = hex4(i);
        if (!v) return std::nullopt;
        i += 4;
        unsigned cp = *v;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (i + 6 > end || lit[i] != '\\' || lit[i + 1] != 'u') return std::nullopt;
          auto lo = hex4(i + 2);
          if (!lo || *lo < 0xDC00 || *lo > 0xDFFF) return std::nullopt;
          i += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (*lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return std::nullopt;
        }
        append_utf8(out, cp);
        break;
      }
      default: return std::nullopt;
    }
  }
  return out;
}

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

// RFC 8259 number grammar.
bool is_json_number(const std::string& s) {
  static const std::regex k_number(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?)");
  return std::regex_match(s, k_number);
}

}  // namespace

TEST_CASE("json_writer: compact structure") {
  JsonWriter w(false);
  w.begin_object()
      .field("a", 1)
      .key("b")
      .begin_array()
      .value(true)
      .null()
      .value("x")
      .value(false)
      .end_array()
      .key("c")
      .begin_object()
      .end_object()
      .field("d", std::optional<double>{})
      .field("e", 2.5)
      .field("f", std::optional<std::string>{"y"})
      .end_object();
  CHECK(w.str() == R"({"a":1,"b":[true,null,"x",false],"c":{},"d":null,"e":2.5,"f":"y"})");
}

TEST_CASE("json_writer: top-level array, nested containers, raw") {
  JsonWriter w(false);
  w.begin_array()
      .value(1)
      .value(-2)
      .raw(R"({"x":[1,2]})")
      .begin_array()
      .begin_array()
      .end_array()
      .end_array()
      .value("s")
      .end_array();
  CHECK(w.str() == R"([1,-2,{"x":[1,2]},[[]],"s"])");
  std::string taken = w.take();
  CHECK(taken == R"([1,-2,{"x":[1,2]},[[]],"s"])");
}

TEST_CASE("json_writer: pretty output matches the usual 2-space layout") {
  // Expected text is what Python's json.dumps(..., indent=2) prints for the same value.
  JsonWriter w;  // pretty by default
  w.begin_object()
      .field("a", 1)
      .key("b")
      .begin_array()
      .value(1)
      .value(2)
      .end_array()
      .key("c")
      .begin_array()
      .end_array()
      .key("d")
      .begin_object()
      .end_object()
      .key("e")
      .begin_object()
      .key("f")
      .null()
      .end_object()
      .end_object();
  CHECK(w.str() ==
        "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": [],\n  \"d\": {},\n  \"e\": {\n    \"f\": "
        "null\n  }\n}");
}

TEST_CASE("json_writer: integers at the limits") {
  JsonWriter w(false);
  w.begin_array()
      .value(std::numeric_limits<std::int64_t>::min())
      .value(std::numeric_limits<std::int64_t>::max())
      .value(std::numeric_limits<std::uint64_t>::max())
      .value(0)
      .end_array();
  CHECK(w.str() == "[-9223372036854775808,9223372036854775807,18446744073709551615,0]");
}

TEST_CASE("json_writer: non-finite numbers become null") {
  CHECK(format_double(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(format_double(std::numeric_limits<double>::infinity()) == "null");
  CHECK(format_double(-std::numeric_limits<double>::infinity()) == "null");
  JsonWriter w(false);
  w.begin_object()
      .field("nan", std::nan(""))
      .field("inf", HUGE_VAL)
      .field("ninf", -HUGE_VAL)
      .field("opt", std::optional<double>{std::numeric_limits<double>::quiet_NaN()})
      .end_object();
  CHECK(w.str() == R"({"nan":null,"inf":null,"ninf":null,"opt":null})");
}

TEST_CASE("json_writer: doubles are shortest round-trip and valid JSON numbers") {
  CHECK(format_double(0.1) == "0.1");
  CHECK(format_double(2.5) == "2.5");
  CHECK(format_double(-0.25) == "-0.25");
  CHECK(format_double(212.41) == "212.41");
  CHECK(format_double(0.1 + 0.2) == "0.30000000000000004");
  CHECK(format_double(0.0) == "0");
  for (double d : {0.0, -0.0, 1.0, 100.0, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, -123456.789, 0.26,
                   1e300, -1e-300, 123456789012345680.0}) {
    std::string s = format_double(d);
    INFO("d = " << d << " -> '" << s << "'");
    CHECK(is_json_number(s));
    CHECK(std::strtod(s.c_str(), nullptr) == d);
  }
}

TEST_CASE("json_writer: big integral doubles are scientific, so no reader sees an integer beyond 64 bits") {
  CHECK(format_double(9.876543210987654e19) == "9.876543210987654e+19");
  CHECK(format_double(-9.876543210987654e19) == "-9.876543210987654e+19");
  CHECK(format_double(9007199254740992.0) == "9.007199254740992e+15");
  CHECK(format_double(9007199254740991.0) == "9007199254740991");
  CHECK(format_double(123456789012345680.0).find('e') != std::string::npos);
  for (double d : {9.876543210987654e19, 1.8446744073709552e19, 1e19, 3e18, 9.223372036854776e18, 1e300}) {
    const std::string s = format_double(d);
    INFO("d = " << d << " -> '" << s << "'");
    CHECK(s.find_first_of(".e") != std::string::npos);
    CHECK(std::strtod(s.c_str(), nullptr) == d);
  }
}

TEST_CASE("json_writer: control characters and quotes are escaped") {
  const std::string input = std::string("a\"b\\c/\nd\re\tf\x01g\x1fh\x7fi\bj\fk") + '\0' + "end";
  std::string lit = json_string(input);
  INFO("literal: " << lit);
  for (char c : lit) CHECK(static_cast<unsigned char>(c) >= 0x20);
  auto decoded = decode_json_string(lit);
  REQUIRE(decoded.has_value());
  CHECK(*decoded == input);
  // Keys go through the same escaping.
  JsonWriter w(false);
  w.begin_object().field("k\"\n\x02", "v").end_object();
  const std::string& out = w.str();
  REQUIRE(out.size() > 4);
  std::string key_lit = out.substr(1, out.find(':') - 1);
  auto key = decode_json_string(key_lit);
  REQUIRE(key.has_value());
  CHECK(*key == "k\"\n\x02");
}

TEST_CASE("json_writer: valid UTF-8 passes through unchanged") {
  const std::string input = "na\xC3\xAFve \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF \xEF\xBF\xBF";
  CHECK(json_string(input) == "\"" + input + "\"");
}

TEST_CASE("json_writer: invalid UTF-8 becomes U+FFFD and the output stays valid") {
  struct Case {
    std::string in;
    std::string out;
  };
  // One U+FFFD per byte wherever no longer valid prefix exists (both the
  // per-byte and the "maximal subpart" conventions agree on these).
  const Case cases[] = {
      {"\xFF", k_fffd},
      {"\xFE\xFF", k_fffd + k_fffd},
      {"a\xC3(b", "a" + k_fffd + "(b"},
      {"\x80\x80", k_fffd + k_fffd},
      {"\xC0\xAF", k_fffd + k_fffd},                            // overlong '/'
      {"\xE0\x80\x80", k_fffd + k_fffd + k_fffd},               // overlong NUL
      {"\xED\xA0\x80", k_fffd + k_fffd + k_fffd},               // lone surrogate U+D800
      {"\xF4\x90\x80\x80", k_fffd + k_fffd + k_fffd + k_fffd},  // U+110000
      {"\xF5", k_fffd},
      {"x\xC3\xA9\xFFy", "x\xC3\xA9" + k_fffd + "y"},
  };
  for (const Case& c : cases) {
    std::string lit = json_string(c.in);
    INFO("literal: " << lit);
    CHECK(valid_utf8(lit));
    auto decoded = decode_json_string(lit);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == c.out);
  }
  // Truncated sequences at the end: replaced (how many U+FFFD is a matter of convention).
  for (std::string in : {std::string("ab\xE2\x82"), std::string("ab\xF0\x9F\x98"), std::string("ab\xC3")}) {
    std::string lit = json_string(in);
    INFO("literal: " << lit);
    CHECK(valid_utf8(lit));
    auto decoded = decode_json_string(lit);
    REQUIRE(decoded.has_value());
    CHECK(decoded->starts_with("ab" + k_fffd));
    std::string rest = decoded->substr(2);
    while (rest.starts_with(k_fffd)) rest.erase(0, 3);
    CHECK(rest.empty());
  }
}

TEST_CASE("json_writer: random bytes always give a valid JSON string") {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> len_dist(0, 24);
  std::uniform_int_distribution<int> byte_dist(0, 255);
  int valid_inputs = 0;
  for (int n = 0; n < 5000; ++n) {
    std::string in;
    int len = len_dist(rng);
    for (int k = 0; k < len; ++k) {
      // Bias towards the interesting ranges: controls, quotes, high bytes.
      int b = byte_dist(rng);
      if (n % 3 == 0 && b < 128) b = "\"\\\n\x01\xC3\xA9\xE2\x82\xAC"[b % 10] & 0xFF;
      in.push_back(static_cast<char>(b));
    }
    std::string lit = json_string(in);
    INFO("input bytes: " << in.size() << ", literal: " << lit);
    REQUIRE(valid_utf8(lit));
    auto decoded = decode_json_string(lit);
    REQUIRE(decoded.has_value());
    if (valid_utf8(in)) {
      ++valid_inputs;
      REQUIRE(*decoded == in);
    } else {
      REQUIRE(decoded->find(k_fffd) != std::string::npos);
    }
  }
  CHECK(valid_inputs > 100);  // the sample exercised the pass-through path too
}

TEST_CASE("a secret is redacted inside string values, never inside a number or a key") {
  clear_secrets();
  REQUIRE(register_secret("18999999"));
  JsonWriter w(false);
  w.begin_object().field("total_pnl", 52018.189999999995).field("note", "password 18999999 echoed");
  w.key("k18999999").value(std::int64_t{18999999});
  w.end_object();
  CHECK(w.str() ==
        R"({"total_pnl":52018.189999999995,"note":"password <redacted> echoed","k18999999":18999999})");
  clear_secrets();
}

}  // namespace thd
