// ASCII helpers, number/duration/size parsing and UTF-8 sequence checks.
#include "core/base/text.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace thd {

TEST_CASE("text: case conversion is ASCII only") {
  CHECK(to_upper("brk.b-Usd 1") == "BRK.B-USD 1");
  CHECK(to_lower("BRK.B-Usd 1") == "brk.b-usd 1");
  // Non-ASCII bytes are left alone (no locale).
  CHECK(to_upper("na\xC3\xAFve") == "NA\xC3\xAFVE");
  CHECK(to_lower("\xC3\x89T\xC3\x89") == "\xC3\x89t\xC3\x89");
  CHECK(to_upper("") == "");
}

TEST_CASE("text: trim") {
  CHECK(trim("  a b \t\r\n") == "a b");
  CHECK(trim("\r") == "");
  CHECK(trim("   ") == "");
  CHECK(trim("") == "");
  CHECK(trim("x") == "x");
  CHECK(trim("\f\vx\v") == "x");
}

TEST_CASE("text: iequals and istarts_with") {
  CHECK(iequals("Ticker", "TICKER"));
  CHECK(iequals("", ""));
  CHECK_FALSE(iequals("Ticker", "Tickers"));
  CHECK_FALSE(iequals("Ticker", "Tickex"));
  // '[' (0x5B) and '{' (0x7B) differ by 0x20 like letters, but are not letters.
  CHECK_FALSE(iequals("[", "{"));
  CHECK_FALSE(iequals("@", "`"));
  CHECK(istarts_with("Recommendation: BUY", "recommendation"));
  CHECK(istarts_with("abc", ""));
  CHECK_FALSE(istarts_with("Rec", "Recommendation"));
  CHECK_FALSE(istarts_with("Xecommendation", "recommendation"));
}

TEST_CASE("text: split keeps empty fields") {
  CHECK(split("a,,b", ',') == std::vector<std::string>{"a", "", "b"});
  CHECK(split("a,b,", ',') == std::vector<std::string>{"a", "b", ""});
  CHECK(split(",", ',') == std::vector<std::string>{"", ""});
  CHECK(split("", ',') == std::vector<std::string>{""});
  CHECK(split("abc", ',') == std::vector<std::string>{"abc"});
}

TEST_CASE("text: utf8_sequence_length") {
  CHECK(utf8_sequence_length("A", 0) == 1);
  CHECK(utf8_sequence_length("\xC3\xA9", 0) == 2);          // é U+00E9
  CHECK(utf8_sequence_length("a\xE2\x82\xAC", 1) == 3);     // € U+20AC
  CHECK(utf8_sequence_length("\xF0\x9F\x98\x80", 0) == 4);  // U+1F600
  CHECK(utf8_sequence_length("\xF4\x8F\xBF\xBF", 0) == 4);  // U+10FFFF, the last
  CHECK(utf8_sequence_length("\xED\x9F\xBF", 0) == 3);      // U+D7FF, below surrogates
  CHECK(utf8_sequence_length("\xEE\x80\x80", 0) == 3);      // U+E000, above surrogates
  // Invalid: lone continuation, bad lead bytes, truncation, overlong, surrogates, > U+10FFFF.
  CHECK(utf8_sequence_length("\x80", 0) == 0);
  CHECK(utf8_sequence_length("\xBF", 0) == 0);
  CHECK(utf8_sequence_length("\xFF", 0) == 0);
  CHECK(utf8_sequence_length("\xF5\x80\x80\x80", 0) == 0);
  CHECK(utf8_sequence_length("\xC3", 0) == 0);
  CHECK(utf8_sequence_length("\xE2\x82", 0) == 0);
  CHECK(utf8_sequence_length("\xF0\x9F\x98", 0) == 0);
  CHECK(utf8_sequence_length("\xC3\x41", 0) == 0);
  CHECK(utf8_sequence_length("\xE2\x82\x41", 0) == 0);
  CHECK(utf8_sequence_length("\xC0\xAF", 0) == 0);  // overlong '/'
  CHECK(utf8_sequence_length("\xC1\xBF", 0) == 0);
  CHECK(utf8_sequence_length("\xE0\x80\xAF", 0) == 0);      // overlong
  CHECK(utf8_sequence_length("\xF0\x80\x80\xAF", 0) == 0);  // overlong
  CHECK(utf8_sequence_length("\xED\xA0\x80", 0) == 0);      // U+D800
  CHECK(utf8_sequence_length("\xED\xBF\xBF", 0) == 0);      // U+DFFF
  CHECK(utf8_sequence_length("\xF4\x90\x80\x80", 0) == 0);  // U+110000
}

TEST_CASE("text: parse_int") {
  CHECK(parse_int("42") == 42);
  CHECK(parse_int("-7") == -7);
  CHECK(parse_int("+5") == 5);
  CHECK(parse_int(" 12 ") == 12);
  CHECK(parse_int("0") == 0);
  CHECK(parse_int("9223372036854775807") == INT64_MAX);
  CHECK(parse_int("-9223372036854775808") == INT64_MIN);
  CHECK_FALSE(parse_int("9223372036854775808").has_value());
  CHECK_FALSE(parse_int("1.5").has_value());
  CHECK_FALSE(parse_int("12abc").has_value());
  CHECK_FALSE(parse_int("").has_value());
  CHECK_FALSE(parse_int("   ").has_value());
  CHECK_FALSE(parse_int("+").has_value());
  CHECK_FALSE(parse_int("-").has_value());
  CHECK_FALSE(parse_int("1 2").has_value());
}

TEST_CASE("text: parse_double") {
  CHECK(parse_double("3.25") == 3.25);
  CHECK(parse_double("-0.25") == -0.25);
  CHECK(parse_double("+0.5") == 0.5);
  CHECK(parse_double(" 2.5 ") == 2.5);
  CHECK(parse_double("1e3") == 1000.0);
  CHECK(parse_double("7") == 7.0);
  CHECK_FALSE(parse_double("nan").has_value());
  CHECK_FALSE(parse_double("NaN").has_value());
  CHECK_FALSE(parse_double("inf").has_value());
  CHECK_FALSE(parse_double("-inf").has_value());
  CHECK_FALSE(parse_double("infinity").has_value());
  CHECK_FALSE(parse_double("1e400").has_value());  // out of range
  CHECK_FALSE(parse_double("abc").has_value());
  CHECK_FALSE(parse_double("1,5").has_value());
  CHECK_FALSE(parse_double("1.2.3").has_value());
  CHECK_FALSE(parse_double("0x10").has_value());
  CHECK_FALSE(parse_double("").has_value());
  CHECK_FALSE(parse_double("5%").has_value());
}

TEST_CASE("text: parse_duration") {
  CHECK(parse_duration("90") == 90);
  CHECK(parse_duration("90s") == 90);
  CHECK(parse_duration("15m") == 15 * 60);
  CHECK(parse_duration("12h") == 12 * 3600);
  CHECK(parse_duration("7d") == 7 * 86400);  // 604800
  CHECK(parse_duration("7d") == 604800);
  CHECK(parse_duration("2w") == 14 * 86400);
  CHECK(parse_duration("1.5h") == 5400);
  CHECK(parse_duration("0") == 0);
  for (const char* bad : {"abc", "-5", "-5m", "", "d", "5x", "7dd", "5 parsecs", "m15", "inf", "nan"}) {
    INFO("input: '" << bad << "'");
    CHECK_FALSE(parse_duration(bad).has_value());
  }
}

TEST_CASE("text: parse_size") {
  CHECK(parse_size("500MB") == 500'000'000ULL);
  CHECK(parse_size("1GiB") == 1'073'741'824ULL);
  CHECK(parse_size("1048576") == 1'048'576ULL);
  CHECK(parse_size("10k") == 10'240ULL);
  CHECK(parse_size("10K") == 10'240ULL);
  CHECK(parse_size("1kB") == 1'000ULL);
  CHECK(parse_size("3KiB") == 3'072ULL);
  CHECK(parse_size("2M") == 2'097'152ULL);
  CHECK(parse_size("2MiB") == 2'097'152ULL);
  CHECK(parse_size("1G") == 1'073'741'824ULL);
  CHECK(parse_size("2GB") == 2'000'000'000ULL);
  CHECK(parse_size("1.5GiB") == 1'610'612'736ULL);
  CHECK(parse_size("0") == 0ULL);
  for (const char* bad : {"abc", "-5", "-5MB", "", "MB", "5XB", "5 parsecs", "nan", "99999999999TB"}) {
    INFO("input: '" << bad << "'");
    CHECK_FALSE(parse_size(bad).has_value());
  }
}

TEST_CASE("text: format_bytes is human readable") {
  CHECK(format_bytes(0).find('0') != std::string::npos);
  CHECK(format_bytes(512).find("512") != std::string::npos);
  CHECK(format_bytes(512).find("KiB") == std::string::npos);
  const std::string kib = format_bytes(1536);
  CHECK(kib.find("1.5") != std::string::npos);
  CHECK(kib.find("KiB") != std::string::npos);
  const std::string gib = format_bytes(1'073'741'824ULL);
  CHECK(gib.find("1") != std::string::npos);
  CHECK(gib.find("GiB") != std::string::npos);
  const std::string mib = format_bytes(500'000'000ULL);  // 476.8 MiB
  CHECK(mib.find("476") != std::string::npos);
  CHECK(mib.find("MiB") != std::string::npos);
}

// Issue 9, item 13: names from files reach the terminal escaped.
TEST_CASE("text: printable escapes control bytes and invalid UTF-8 as \\xNN, keeps valid UTF-8") {
  CHECK(printable("live_signals.csv") == "live_signals.csv");
  CHECK(printable("evil\x1b[2J.csv") == "evil\\x1B[2J.csv");
  CHECK(printable("a\nb\rc\td\x7f") == "a\\x0Ab\\x0Dc\\x09d\\x7F");
  CHECK(printable(std::string("nul\0x", 5)) == "nul\\x00x");
  CHECK(printable("A\xff"
                  "B") == "A\\xFFB");
  CHECK(printable("caf\xc3\xa9 \xe2\x82\xac") == "caf\xc3\xa9 \xe2\x82\xac");  // café €
  CHECK(printable("\xc2\x9b"
                  "2J") == "\\xC2\\x9B2J");                    // C1 CSI
  CHECK(printable("\xe2\x82") == "\\xE2\\x82");                // cut sequence
  CHECK(printable(printable("x\x1b")) == printable("x\x1b"));  // idempotent
}

TEST_CASE("text: edit_distance counts by hand") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("run", "run") == 0);
  CHECK(edit_distance("runn", "run") == 1);        // one deletion
  CHECK(edit_distance("rnu", "run") == 1);         // one swap of neighbours
  CHECK(edit_distance("kitten", "sitting") == 3);  // k->s, e->i, +g
  CHECK(edit_distance("RUN", "run") == 0);         // ASCII case ignored
  CHECK(edit_distance("", "abc") == 3);
}

TEST_CASE("text: closest_match suggests one close candidate, or none") {
  const std::vector<std::string> commands = {"run", "inventory", "cache-optimize", "report", "help", "init"};
  CHECK(closest_match("runn", commands) == std::optional<std::string>("run"));
  CHECK(closest_match("invetory", commands) == std::optional<std::string>("inventory"));
  CHECK(closest_match("cache", commands) == std::optional<std::string>("cache-optimize"));  // a prefix
  CHECK(closest_match("reprot", commands) == std::optional<std::string>("report"));
  CHECK_FALSE(closest_match("xyzzy", commands).has_value());
  CHECK_FALSE(closest_match("run", commands).has_value());  // the word itself is not a suggestion
  // "hel" is a prefix of "help" alone.
  CHECK(closest_match("hel", commands) == std::optional<std::string>("help"));
  // Two candidates at the same distance: no guess.
  CHECK_FALSE(closest_match("ab", {"ac", "ad"}).has_value());
  // A difference of case alone: that candidate, before any other close one.
  CHECK(closest_match("RUN", commands) == std::optional<std::string>("run"));
  CHECK(closest_match("Help", commands) == std::optional<std::string>("help"));
  CHECK(closest_match("--Report", {"--report", "--reports"}) == std::optional<std::string>("--report"));
  CHECK(closest_match("ab", {"AB", "ac"}) == std::optional<std::string>("AB"));
}

TEST_CASE("text: parse_duration_seconds, the one duration parser (issue 14)") {
  using B = BareNumber;
  // Units, any case, with fractions.
  CHECK(*parse_duration_seconds("30s", B::needs_unit) == 30.0);
  CHECK(*parse_duration_seconds("15m", B::needs_unit) == 900.0);
  CHECK(*parse_duration_seconds("15min", B::needs_unit) == 900.0);
  CHECK(*parse_duration_seconds("2h", B::needs_unit) == 7200.0);
  CHECK(*parse_duration_seconds("7d", B::needs_unit) == 604800.0);
  CHECK(*parse_duration_seconds("1w", B::needs_unit) == 604800.0);
  CHECK(*parse_duration_seconds("2H", B::needs_unit) == 7200.0);
  CHECK(*parse_duration_seconds("7D", B::needs_unit) == 604800.0);
  CHECK(*parse_duration_seconds("30S", B::needs_unit) == 30.0);
  CHECK(*parse_duration_seconds("1.5h", B::needs_unit) == 5400.0);
  CHECK(*parse_duration_seconds("0.5s", B::needs_unit) == 0.5);
  CHECK(*parse_duration_seconds("2.5m", B::needs_unit) == 150.0);
  CHECK(*parse_duration_seconds(" 12h ", B::needs_unit) == 43200.0);
  CHECK(*parse_duration_seconds("90 m", B::needs_unit) == 5400.0);
  // A bare number: seconds only where the setting is in seconds; 0 everywhere.
  CHECK(*parse_duration_seconds("30", B::seconds) == 30.0);
  CHECK(*parse_duration_seconds("0.25", B::seconds) == 0.25);
  CHECK(*parse_duration_seconds("0", B::needs_unit) == 0.0);
  CHECK(*parse_duration_seconds("0", B::seconds) == 0.0);
  auto bare = parse_duration_seconds("7", B::needs_unit);
  REQUIRE_FALSE(bare.has_value());
  CHECK(bare.error().message == "a duration needs a unit (7d? 7h?): e.g. 7d, 12h, 90m");
  // The suggestion is the number, not the text as typed; no parentheses inside parentheses.
  CHECK(parse_duration_seconds("5.", B::needs_unit).error().message ==
        "a duration needs a unit (5d? 5h?): e.g. 7d, 12h, 90m");
  CHECK(parse_duration_seconds("1e3", B::seconds).error().message ==
        "unknown unit 'e3': use s, m, h, d or w, e.g. 30s, 15m, 2h, 7d");
  // Negative, junk, overflow: refused, each with its own reason.
  auto negative = parse_duration_seconds("-5m", B::seconds);
  REQUIRE_FALSE(negative.has_value());
  CHECK(negative.error().message.find("negative") != std::string::npos);
  auto unit = parse_duration_seconds("5y", B::seconds);
  REQUIRE_FALSE(unit.has_value());
  CHECK(unit.error().message.find("unknown unit 'y'") != std::string::npos);
  auto huge = parse_duration_seconds("99999999999999w", B::seconds);
  REQUIRE_FALSE(huge.has_value());
  CHECK(huge.error().message.find("too long") != std::string::npos);
  CHECK(parse_duration_seconds("36600d", B::seconds).has_value());  // 100 years: the limit
  CHECK_FALSE(parse_duration_seconds("36601d", B::seconds).has_value());
  for (const char* junk : {"", "   ", "abc", "d", "m15", "7dd", "1h30m", "1.2.3h", "inf", "nan", "1e3s",
                           "0x10s", "five minutes", "+-1s", "7d!", "--7"}) {
    INFO("input: '" << junk << "'");
    CHECK_FALSE(parse_duration_seconds(junk, B::seconds).has_value());
    CHECK_FALSE(parse_duration_seconds(junk, B::needs_unit).has_value());
  }
  // Whole seconds, rounded down; nullopt where the parser refuses.
  CHECK(parse_duration("1.5s") == 1);
  CHECK(parse_duration("7", B::needs_unit) == std::nullopt);
  CHECK(parse_duration("7", B::seconds) == 7);
}

}  // namespace thd
