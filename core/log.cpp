#include "core/log.hpp"

#include <cstdio>

namespace thd {
namespace {
Verbosity g_verbosity = Verbosity::normal;

void emit(std::string_view prefix, std::string_view message) {
  std::string line = "trade-history-discover: ";
  line.append(prefix).append(message).push_back('\n');
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
  size_t q = url.find('?');
  if (q == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, q)) + "?<redacted>";
}

}  // namespace thd
