#include "services/network_state.hpp"

#include <simdjson.h>

#include <algorithm>

#include "core/base/atomic_file.hpp"
#include "core/base/date.hpp"
#include "core/base/file_lock.hpp"
#include "core/base/json_writer.hpp"

namespace thd {

std::filesystem::path network_state_path(const std::filesystem::path& cache_dir) {
  return cache_dir / ".meta" / "network.json";
}

NetworkState load_network_state(const std::filesystem::path& cache_dir) {
  NetworkState state;
  auto text = read_file(network_state_path(cache_dir), 1 << 20);
  if (!text) return state;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(*text);
  simdjson::dom::object root;
  if (parser.parse(padded).get_object().get(root)) return state;
  simdjson::dom::object breakers, quota;
  if (!root["breakers"].get_object().get(breakers)) {
    for (auto [service, value] : breakers) {
      std::string_view until;
      if (value["open_until"].get_string().get(until)) continue;
      if (auto t = parse_iso8601(until)) state.open_until[std::string(service)] = *t;
    }
  }
  if (!root["quota"].get_object().get(quota)) {
    for (auto [service, value] : quota) {
      std::string_view date;
      std::int64_t used = 0;
      if (value["date"].get_string().get(date) || value["used"].get_int64().get(used)) continue;
      state.quota[std::string(service)] = {std::string(date), static_cast<int>(used)};
    }
  }
  return state;
}

void clamp_breakers(NetworkState& state, UnixTime now, double cooldown_seconds) {
  const auto longest = static_cast<UnixTime>(cooldown_seconds + 0.999);
  for (auto it = state.open_until.begin(); it != state.open_until.end();) {
    if (it->second <= now) {
      it = state.open_until.erase(it);
      continue;
    }
    it->second = std::min(it->second, now + longest);
    ++it;
  }
}

Result<void> save_network_state(const std::filesystem::path& cache_dir, const NetworkStateUpdate& update) {
  auto lock = FileLock::acquire_beneath(cache_dir, ".meta/network.lock");
  if (!lock) return fail(lock.error());
  NetworkState state = load_network_state(cache_dir);
  if (update.clear_breakers) state.open_until.clear();
  for (const auto& [service, until] : update.breakers) {
    if (until)
      state.open_until[service] = *until;
    else
      state.open_until.erase(service);
  }
  for (const auto& [service, added] : update.quota_added) {
    QuotaUse& q = state.quota[service];
    // Dates are YYYY-MM-DD: a newer day starts from zero, and an older day's
    // calls (a run that began before midnight) no longer count against today.
    if (added.date < q.date) continue;
    if (added.date > q.date) q = {added.date, 0};
    q.used += added.used;
  }
  JsonWriter w;
  w.begin_object().field("version", 1).key("breakers").begin_object();
  for (const auto& [service, until] : state.open_until)
    w.key(service).begin_object().field("open_until", format_iso8601(until)).end_object();
  w.end_object().key("quota").begin_object();
  for (const auto& [service, q] : state.quota)
    w.key(service).begin_object().field("date", q.date).field("used", q.used).end_object();
  w.end_object().end_object();
  return write_file_atomic_beneath(cache_dir, ".meta/network.json", w.str() + "\n");
}

}  // namespace thd
