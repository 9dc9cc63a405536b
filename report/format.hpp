// How the report writes numbers, ages and input strings: no float noise
// (rounding starts from the shortest decimal that reads back as the double,
// so 1.005 is 1.01 and 52018.189999999995 is 52,018.19), and one escaping
// function per output format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace thd::report {

// `value` rounded half away from zero to `places` decimals, from its shortest
// round-trip decimal; `group` puts a comma every three integer digits.
// Never "-0.00": a value that rounds to zero has no sign. From 2^53 on the
// shortest digits then zeros ("1,000,000,000,000,000,000,000" for 1e21),
// beyond 10^21 scientific ("1e308", "-9.5e300").
std::string decimal(double value, int places, bool group = true);
// 52018.19 -> "$52,018.19"; -1350.7 -> "-$1,350.70".
std::string money(double value);
// 0.7222 -> "72.2%" (`places` decimals of the percentage), rounded from the
// ratio's shortest decimal with its point moved: 0.2875 -> "28.8%".
std::string percent(double ratio, int places = 1);
// 0.0233 -> "+2.33%", -0.0182 -> "-1.82%", 0 -> "0.00%".
std::string signed_percent(double ratio, int places = 2);
// 52 -> "52", 1913760513000 -> "1,913,760,513,000" (a whole number as one, else decimal(v, 2)).
std::string count(double value);
// 2.4e12 -> "$2.40T", 3.2e9 -> "$3.20B", 5e6 -> "$5.00M", below a million as money().
std::string money_short(double value);
// Seconds since a figure was fetched: "now", "42 s", "5 min", "3 h", "4 d".
std::string age_text(std::int64_t seconds);

// For HTML text and attribute values: & < > " ' as entities; a control
// character (C0 but tab, line feed and carriage return, DEL, C1) as U+FFFD.
std::string html_escape(std::string_view s);
// For a Markdown table cell or line: HTML's five as entities (raw HTML in
// Markdown is live in most renderers), Markdown's punctuation (~ included)
// backslashed, line breaks as spaces, other control characters as U+FFFD,
// a bare URL broken ("https\\://", "www\\.") so no renderer links it.
std::string markdown_escape(std::string_view s);

// Columns on a terminal: a code point is one, East Asian wide and fullwidth
// characters and emoji two, combining marks and zero-width ones none.
size_t display_width(std::string_view s);
// At most `width` columns, the last one "…" when cut; never inside a UTF-8 sequence.
std::string clip(std::string_view s, size_t width);
// `s` cut into pieces of at most `width` columns (a word too long for a line).
std::vector<std::string> break_word(std::string_view s, size_t width);

// An SVG coordinate: at most two decimals, no trailing zeros ("12.5", "-3", "0").
std::string coord(double v);

}  // namespace thd::report
