#include "core/base/log.hpp"

#include <cstdio>

#include "core/base/secrets.hpp"

namespace thd {
namespace {
Verbosity g_verbosity = Verbosity::normal;

void emit(std::string_view prefix, std::string_view message) {
  // Every stderr line of ours passes here: no registered secret leaves.
  std::string line = "trade-history-discover: ";
  line.append(prefix).append(redact(message)).push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}
}  // namespace

void set_verbosity(Verbosity v) {
  g_verbosity = v;
}
Verbosity verbosity() {
  return g_verbosity;
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

std::string redact_url(std::string_view url) {
  std::string out(url.substr(0, url.find_first_of("?#")));
  if (out.size() < url.size()) out += "?<redacted>";
  // user:password@ (or a key in the user part) goes too
  size_t scheme = out.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t at = out.find('@', start);
  size_t slash = out.find('/', start);
  if (at != std::string::npos && (slash == std::string::npos || at < slash))
    out.replace(start, at - start + 1, "<redacted>@");
  return out;
}

}  // namespace thd
