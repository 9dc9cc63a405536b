// Small text helpers shared by the parsers: ASCII case, trimming, numbers,
// durations and sizes as users write them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/error.hpp"

namespace thd {

std::string to_upper(std::string_view s);
std::string to_lower(std::string_view s);
std::string_view trim(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
std::vector<std::string> split(std::string_view s, char sep);

// Edit distance (insertions, deletions, substitutions, and the swap of two
// neighbours), ASCII case ignored.
size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `typed` for a "did you mean" (git's rule of thumb:
// within a third of the longer word, at least 1, plus a typed prefix of
// a longer candidate); nullopt when none is close, or two tie.
std::optional<std::string> closest_match(std::string_view typed, const std::vector<std::string>& candidates);

// Length of the valid UTF-8 sequence starting at s[i], 0 if invalid.
size_t utf8_sequence_length(std::string_view s, size_t i);

std::optional<std::int64_t> parse_int(std::string_view s);
std::optional<double> parse_double(std::string_view s);

// The one duration parser (CLI, environment, config): "30s", "15m" (or
// "15min"), "2h", "7d", "2w", any case, a fraction allowed ("1.5h"), spaces
// around the unit allowed. A bare number is seconds only where the setting
// says it is in seconds (BareNumber::seconds: --timeout, [ttl]); elsewhere
// only a bare 0 is accepted (zero in any unit). Negative, junk and more than
// 100 years are refused, with a message saying which (for after "'7': ").
enum class BareNumber { seconds, needs_unit };
Result<double> parse_duration_seconds(std::string_view s, BareNumber bare);
// The same, rounded down to whole seconds; nullopt on any error.
std::optional<std::int64_t> parse_duration(std::string_view s, BareNumber bare = BareNumber::seconds);
// "500MB", "1GiB", "1048576", "10k" -> bytes (kB/MB/GB are powers of 1000,
// KiB/MiB/GiB and the bare K/M/G are powers of 1024).
std::optional<std::uint64_t> parse_size(std::string_view s);
std::string format_bytes(std::uint64_t bytes);
// 0.6812 -> "68.1%"; negative -> "-" (no value).
std::string format_percent(double ratio);
// Percent-encodes every byte but RFC 3986's unreserved ones (A-Z a-z 0-9 - . _ ~).
std::string url_encode(std::string_view text);
// %XX sequences decoded; anything else, a malformed % included, kept as written.
std::string url_decode(std::string_view text);
// For terminals, the one escaping function for every name that comes from a
// file or the filesystem: control bytes (C0, DEL, C1) and bytes that are not
// valid UTF-8 become \xNN (ESC -> \x1B), so a file name cannot move the
// cursor, clear the screen or retitle the window. Valid UTF-8 is kept.
std::string printable(std::string_view s);

}  // namespace thd
