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
  std::string out(url.substr(0, url.find_first_of("?#")));
  if (out.size() < url.size()) out += "?<redacted>";
  // user:password@ (or a key in the user part) goes too
  size_t scheme = out.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  // The user info ends at the authority's last '@' (a password may hold an
  // unencoded '@'), as register_url_secrets() and curl read it.
  const size_t slash = out.find('/', start);
  const size_t at = out.rfind('@', slash == std::string::npos ? std::string::npos : slash);
  if (at != std::string::npos && at >= start) out.replace(start, at - start + 1, "<redacted>@");
  return out;
}

}  // namespace thd
