// report/format: numbers without float noise, escaping per format. Every
// expected string is written out by hand.
#include "report/format.hpp"

#include <doctest/doctest.h>

using namespace thd::report;

TEST_CASE("decimal: rounds the shortest round-trip decimal half away from zero, grouped by thousands") {
  CHECK(decimal(52018.189999999995, 2) == "52,018.19");  // the sample's total PnL as a plain double sum
  CHECK(decimal(1.005, 2) == "1.01");                    // the double is 1.00499999999999989...: no noise
  CHECK(decimal(0.125, 2) == "0.13");
  CHECK(decimal(999.995, 2) == "1,000.00");  // the carry runs into a new digit and a new group
  CHECK(decimal(2.5, 0) == "3");
  CHECK(decimal(-2.5, 0) == "-3");
  CHECK(decimal(-1234567.891, 1) == "-1,234,567.9");
  CHECK(decimal(1e21, 0) == "1,000,000,000,000,000,000,000");
  CHECK(decimal(1234.5, 2, false) == "1234.50");
  CHECK(decimal(7, 0) == "7");
}

TEST_CASE("decimal: a value that rounds to zero has no sign") {
  CHECK(decimal(-0.001, 2) == "0.00");
  CHECK(decimal(-0.0, 2) == "0.00");
  CHECK(decimal(-0.4, 0) == "0");
}

TEST_CASE("money, percentages and counts") {
  CHECK(money(52018.189999999995) == "$52,018.19");
  CHECK(money(-1350.7) == "-$1,350.70");
  CHECK(money(0) == "$0.00");
  CHECK(money(-0.004) == "$0.00");
  CHECK(money(-99.995) == "-$100.00");
  CHECK(percent(0.7222222222222222) == "72.2%");
  CHECK(percent(0.68) == "68.0%");
  CHECK(percent(0.05, 0) == "5%");
  CHECK(signed_percent(0.0233) == "+2.33%");
  CHECK(signed_percent(-0.0182) == "-1.82%");
  CHECK(signed_percent(0) == "0.00%");
  CHECK(signed_percent(-0.00001) == "0.00%");
  CHECK(signed_percent(0.11955555555555557) == "+11.96%");
  CHECK(count(52) == "52");
  CHECK(count(1913760513000) == "1,913,760,513,000");
  CHECK(count(2.5) == "2.50");
  CHECK(money_short(2.4e12) == "$2.40T");
  CHECK(money_short(3.2e9) == "$3.20B");
  CHECK(money_short(5e6) == "$5.00M");
  CHECK(money_short(-1.5e6) == "-$1.50M");
  CHECK(money_short(999999.5) == "$999,999.50");
}

TEST_CASE("age_text: the largest whole unit") {
  CHECK(age_text(0) == "now");
  CHECK(age_text(42) == "42 s");
  CHECK(age_text(300) == "5 min");
  CHECK(age_text(10800) == "3 h");
  CHECK(age_text(388800) == "4 d");
}

TEST_CASE("percentages round the ratio's shortest decimal, not the double times 100") {
  CHECK(percent(0.2875) == "28.8%");  // 0.2875 * 100 is 28.749999999999996
  CHECK(percent(0.0185) == "1.9%");
  CHECK(percent(-0.2875) == "-28.8%");
  CHECK(percent(0.5) == "50.0%");
  CHECK(percent(1.5, 0) == "150%");
  CHECK(percent(0.001, 2) == "0.10%");
  CHECK(percent(0.00005, 2) == "0.01%");
  CHECK(percent(0) == "0.0%");
  CHECK(percent(12345.678) == "1,234,567.8%");
  CHECK(signed_percent(0.000145, 3) == "+0.015%");  // 0.000145 * 100 is 0.014499999999999999
  CHECK(signed_percent(-0.000145, 3) == "-0.015%");
}

TEST_CASE("decimal: from 2^53 on, the shortest digits, never the binary value's exact ones") {
  CHECK(decimal(1e308, 2) == "1e308");
  CHECK(decimal(-9.5e300, 0) == "-9.5e300");
  CHECK(decimal(98765432109876543488.0, 2) == "98,765,432,109,876,540,000.00");
  CHECK(decimal(9007199254740992.0, 0) == "9,007,199,254,740,992");
  CHECK(money(1e308) == "$1e308");
  CHECK(percent(1e300) == "1e302%");
  CHECK(count(1e308) == "1e308");
}

TEST_CASE("html_escape: the five characters, nothing else") {
  CHECK(html_escape("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;");
  CHECK(html_escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(html_escape("a&b\"c'd") == "a&amp;b&quot;c&#39;d");
  CHECK(html_escape("BRK.B – ü") == "BRK.B – ü");
}

TEST_CASE("markdown_escape: HTML as entities, Markdown punctuation backslashed, one line") {
  CHECK(markdown_escape("live_signals | $5 <b>") == "live\\_signals \\| \\$5 &lt;b&gt;");
  CHECK(markdown_escape("*[x](y)*\nz") == "\\*\\[x\\](y)\\* z");
  CHECK(markdown_escape("# `a`") == "\\# \\`a\\`");
}

TEST_CASE("escapers: control characters become U+FFFD, in every format") {
  const std::string fffd = "\xEF\xBF\xBD";
  static constexpr char raw[] =
      "a\0b\x1b[31mc\x7f"
      "d\xC2\x85"
      "e\xC2\x9F"
      "f\tg";
  const std::string_view hostile(raw, sizeof raw - 1);
  CHECK(html_escape(hostile) == "a" + fffd + "b" + fffd + "[31mc" + fffd + "d" + fffd + "e" + fffd + "f\tg");
  CHECK(markdown_escape(hostile) ==
        "a" + fffd + "b" + fffd + "\\[31mc" + fffd + "d" + fffd + "e" + fffd + "f\tg");
  CHECK(html_escape("l1\nl2") == "l1\nl2");                      // legal in HTML text
  CHECK(markdown_escape("l1\r\nl2") == "l1  l2");                // one line in a table cell
  CHECK(html_escape("\xC2\xA0\xC3\xBC") == "\xC2\xA0\xC3\xBC");  // U+00A0 and ü are not C1
}

TEST_CASE("markdown_escape: strikethrough and bare autolinks are text") {
  CHECK(markdown_escape("~~gone~~") == "\\~\\~gone\\~\\~");
  CHECK(markdown_escape("see https://evil.example/x") == "see https\\://evil.example/x");
  CHECK(markdown_escape("HTTP://A") == "HTTP\\://A");
  CHECK(markdown_escape("www.evil.example") == "www\\.evil.example");
  CHECK(markdown_escape("ratio: 2.5") == "ratio: 2.5");
}

TEST_CASE("coord: at most two decimals, no trailing zeros") {
  CHECK(coord(12.5) == "12.5");
  CHECK(coord(-3) == "-3");
  CHECK(coord(0) == "0");
  CHECK(coord(1.005) == "1.01");
  CHECK(coord(-0.001) == "0");
  CHECK(coord(348.333333) == "348.33");
}

TEST_CASE("clip and display_width count characters, not bytes") {
  CHECK(display_width("äöü") == 3);
  CHECK(clip("abcdef", 4) == "abc\u2026");
  CHECK(clip("äöüß", 3) == "äö\u2026");
  CHECK(clip("abc", 3) == "abc");
  CHECK(clip("abc", 0).empty());
}
