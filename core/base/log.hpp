// Diagnostics on stderr, separate from output. Every line passes through
// redact() (core/base/secrets.hpp); still, pass URLs through redact_url()
// first, so that a key never even reaches a message.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace thd {

enum class Verbosity { quiet = 0, normal = 1, verbose = 2, debug = 3 };

void set_verbosity(Verbosity v);
Verbosity verbosity();

// A progress line is drawn on stderr (run, on a terminal): the next log line
// erases it first (and clears this), so no warning is glued to its end.
void set_status_line(bool drawn);

void log_warning(std::string_view message);  // shown unless --quiet
void log_info(std::string_view message);     // shown with -v
void log_debug(std::string_view message);    // shown with -vv

// Everything else the tool prints to the terminal (tables, summaries, plans,
// documents on stdout) goes through these: redacted, then written. The log
// lines above are also escaped with printable(); what comes here is escaped
// by its caller where it holds names (it may hold our own "\r\033[K").
void write_terminal(std::FILE* to, std::string_view text);
// A JSON document from JsonWriter, whose strings are redacted already: written
// as is (redacting the rendered text could cut into a number).
void write_terminal_json(std::FILE* to, std::string_view json);
[[gnu::format(printf, 2, 3)]] void print(std::FILE* to, const char* format, ...);

// "https://user:key@host/path?apikey=SECRET&x=1" -> "https://<redacted>@host/path?<redacted>"
std::string redact_url(std::string_view url);

}  // namespace thd
