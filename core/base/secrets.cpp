#include "core/base/secrets.hpp"

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <utility>
#include <vector>

#include "core/base/text.hpp"

extern char** environ;

namespace thd {
namespace {

std::shared_mutex g_mutex;
std::vector<std::string> g_secrets;  // longest first

std::string percent_encode(std::string_view s) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(k_hex[c >> 4]);
      out.push_back(k_hex[c & 15]);
    }
  }
  return out;
}

void add_locked(std::string value) {
  if (std::find(g_secrets.begin(), g_secrets.end(), value) != g_secrets.end()) return;
  g_secrets.push_back(std::move(value));
  std::stable_sort(g_secrets.begin(), g_secrets.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

}  // namespace

bool register_secret(std::string_view value) {
  if (value.empty()) return true;
  if (value.size() < k_min_secret_length) return false;
  std::unique_lock lock(g_mutex);
  add_locked(std::string(value));
  if (std::string encoded = percent_encode(value); encoded != value) add_locked(std::move(encoded));
  return true;
}

bool register_url_secrets(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return true;
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  size_t at = rest.rfind('@');
  if (at == std::string_view::npos) return true;
  std::string_view info = rest.substr(0, at);
  size_t colon = info.find(':');
  std::string_view secret = colon == std::string_view::npos ? info : info.substr(colon + 1);
  if (colon != std::string_view::npos && secret.empty()) return true;  // "user:@host": nothing secret
  bool ok = register_secret(secret);
  if (std::string decoded = url_decode(secret); decoded != secret) ok = register_secret(decoded) && ok;
  return ok;
}

bool register_environment_url_secrets() {
  bool ok = true;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos || !entry.starts_with("THD_")) continue;
    std::string_view value = entry.substr(eq + 1);
    if (value.find("://") != std::string_view::npos) ok = register_url_secrets(value) && ok;
  }
  return ok;
}

std::string redact(std::string_view text) {
  std::shared_lock lock(g_mutex);
  if (g_secrets.empty() || text.empty()) return std::string(text);
  // Every match of every secret, then the union of their spans: overlapping
  // or adjacent matches become one "<redacted>".
  std::vector<std::pair<size_t, size_t>> spans;  // [begin, end)
  for (const std::string& s : g_secrets)
    for (size_t at = text.find(s); at != std::string_view::npos; at = text.find(s, at + 1))
      spans.emplace_back(at, at + s.size());
  if (spans.empty()) return std::string(text);
  std::sort(spans.begin(), spans.end());
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (size_t i = 0; i < spans.size();) {
    size_t begin = spans[i].first, end = spans[i].second;
    for (++i; i < spans.size() && spans[i].first <= end; ++i) end = std::max(end, spans[i].second);
    out.append(text.substr(pos, begin - pos));
    out.append("<redacted>");
    pos = end;
  }
  out.append(text.substr(pos));
  return out;
}

bool contains_secret(std::string_view text) {
  std::shared_lock lock(g_mutex);
  for (const std::string& s : g_secrets)
    if (text.find(s) != std::string_view::npos) return true;
  return false;
}

void clear_secrets() {
  std::unique_lock lock(g_mutex);
  g_secrets.clear();
}

}  // namespace thd
