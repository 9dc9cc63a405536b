#include "core/base/log.hpp"

#include <atomic>
#include <cstdarg>
#include <cstdio>

#include "core/base/secrets.hpp"
#include "core/base/text.hpp"

namespace thd {
namespace {
Verbosity g_verbosity = Verbosity::normal;
std::atomic<bool> g_status_line{false};

void emit(std::string_view prefix, std::string_view message) {
  // Every log line passes here: no registered secret leaves, and no byte
  // from a name or a provider's text can drive the terminal.
  std::string line = g_status_line.exchange(false) ? "\r\033[K" : "";  // erase a progress line first
  line += "trade-history-discover: ";
  line.append(prefix).append(printable(redact(message))).push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}
}  // namespace

void set_verbosity(Verbosity v) {
  g_verbosity = v;
}
Verbosity verbosity() {
  return g_verbosity;
}

void set_status_line(bool drawn) {
  g_status_line = drawn;
}

void log_warning(std::string_view message) {
  if (g_verbosity >= Verbosity::normal) emit("warning: ", message);
}
void log_info(std::string_view message) {
  if (g_verbosity >= Verbosity::verbose) emit("", message);
}
void log_debug(std::string_view message) {
  if (g_verbosity >= Verbosity::debug) emit("debug: ", message);
}

void write_terminal(std::FILE* to, std::string_view text) {
  const std::string clean = contains_secret(text) ? redact(text) : std::string(text);
  std::fwrite(clean.data(), 1, clean.size(), to);
}

void write_terminal_json(std::FILE* to, std::string_view json) {
  std::fwrite(json.data(), 1, json.size(), to);
}

void print(std::FILE* to, const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list again;
  va_copy(again, args);
  const int n = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  std::string text(n > 0 ? static_cast<size_t>(n) : 0, '\0');
  if (n > 0) std::vsnprintf(text.data(), text.size() + 1, format, again);
  va_end(again);
  write_terminal(to, text);
}

std::string redact_url(std::string_view url) {
  // Where the user info would start: after "scheme://", or after "scheme:" when the slashes are
  // missing or short ("http:/user:pw@host"), else at the start.
  size_t start = 0;
  if (size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    start = scheme + 3;
  } else if (size_t colon = url.find(':');
             colon != std::string_view::npos && colon > 0 &&
             url.substr(0, colon).find_first_not_of(
                 "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") ==
                 std::string_view::npos) {
    start = colon + 1;
    while (start < url.size() && url[start] == '/') ++start;
  }
  // A password may hold an unencoded '@', '/', '?' or '#': any '@' at all means everything from the
  // scheme to the string's LAST '@' may be user info, and goes before the query is cut.
  std::string out(url.substr(0, start));
  std::string_view rest = url.substr(start);
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    out += "<redacted>@";
    rest.remove_prefix(at + 1);
  }
  const size_t cut = rest.find_first_of("?#");
  out += rest.substr(0, cut);
  if (cut != std::string_view::npos) out += "?<redacted>";
  return out;
}

}  // namespace thd
