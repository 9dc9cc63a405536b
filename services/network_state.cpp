#include "services/network_state.hpp"

#include <simdjson.h>

#include <algorithm>
#include <vector>

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
  auto text = read_file(network_state_path(cache_dir), 64 << 20);
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
      std::string_view opened;
      if (!value["opened_at"].get_string().get(opened))
        if (auto t = parse_iso8601(opened)) state.opened_at[std::string(service)] = *t;
    }
  }
  if (!root["quota"].get_object().get(quota)) {
    for (auto [service, value] : quota) {
      std::string_view date;
      std::int64_t used = 0;
      bool spent = false;
      if (value["date"].get_string().get(date) || value["used"].get_int64().get(used)) continue;
      if (value["spent"].get_bool().get(spent)) spent = false;
      state.quota[std::string(service)] = {std::string(date), static_cast<int>(used), spent};
    }
  }
  return state;
}

void clamp_breakers(NetworkState& state, UnixTime now, double cooldown_seconds) {
  for (auto it = state.open_until.begin(); it != state.open_until.end();) {
    if (it->second <= now) {
      state.opened_at.erase(it->first);
      it = state.open_until.erase(it);
      continue;
    }
    double hold = cooldown_seconds;
    if (auto opened = state.opened_at.find(it->first); opened != state.opened_at.end()) {
      const double asked = static_cast<double>(it->second - opened->second);
      if (opened->second <= now && asked > hold) hold = std::min(asked, k_longest_hold);
    }
    const UnixTime longest = now + static_cast<UnixTime>(hold + 0.999);
    if (it->second > longest) {
      it->second = longest;
      state.opened_at.erase(it->first);  // cut: when it opened is no longer what the hold says
    }
    ++it;
  }
}

Result<void> save_network_state(const std::filesystem::path& cache_dir, const NetworkStateUpdate& update) {
  auto lock = FileLock::acquire_beneath(cache_dir, ".meta/network.lock");
  if (!lock) return fail(lock.error());
  NetworkState state = load_network_state(cache_dir);
  if (update.clear_breakers) state.open_until.clear(), state.opened_at.clear();
  for (const auto& [service, until] : update.breakers) {
    state.opened_at.erase(service);
    if (until) {
      state.open_until[service] = *until;
      if (auto o = update.opened_at.find(service); o != update.opened_at.end())
        state.opened_at[service] = o->second;
    } else {
      state.open_until.erase(service);
    }
  }
  for (const auto& [service, added] : update.quota_added) {
    QuotaUse& q = state.quota[service];
    // Dates are YYYY-MM-DD: a newer day starts from zero, and an older day's
    // calls (a run that began before midnight) no longer count against today.
    // (A service whose quota became monthly, or daily, starts again too.)
    if (added.date.size() == q.date.size() && added.date < q.date) continue;
    if (added.date != q.date) q = {added.date, 0, false};
    q.used += added.used;
    q.spent = q.spent || added.spent;
  }
  JsonWriter w;
  w.begin_object().field("version", 1).key("breakers").begin_object();
  for (const auto& [service, until] : state.open_until) {
    w.key(service).begin_object().field("open_until", format_iso8601(until));
    if (auto o = state.opened_at.find(service); o != state.opened_at.end())
      w.field("opened_at", format_iso8601(o->second));
    w.end_object();
  }
  w.end_object().key("quota").begin_object();
  for (const auto& [service, q] : state.quota)
    w.key(service)
        .begin_object()
        .field("date", q.date)
        .field("used", q.used)
        .field("spent", q.spent)
        .end_object();
  w.end_object().end_object();
  return write_file_atomic_beneath(cache_dir, ".meta/network.json", w.str() + "\n");
}

std::filesystem::path absences_path(const std::filesystem::path& cache_dir) {
  return cache_dir / ".meta" / "absent.json";
}

Absences load_absences(const std::filesystem::path& cache_dir) {
  Absences out;
  auto text = read_file(absences_path(cache_dir), 64 << 20);
  if (!text) return out;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(*text);
  simdjson::dom::object root, absent;
  if (parser.parse(padded).get_object().get(root) || root["absent"].get_object().get(absent)) return out;
  for (auto [service, keys] : absent) {
    simdjson::dom::object by_key;
    if (keys.get_object().get(by_key)) continue;
    for (auto [key, value] : by_key) {
      std::string_view asked, until, kind, why;
      if (value["asked"].get_string().get(asked) || value["until"].get_string().get(until) ||
          value["kind"].get_string().get(kind))
        continue;
      if (value["why"].get_string().get(why)) why = {};
      auto a = parse_iso8601(asked);
      auto u = parse_iso8601(until);
      if (!a || !u || (kind != "no_data" && kind != "not_on_plan")) continue;
      out[std::string(service)][std::string(key)] = {
          *a, *u, kind == "no_data" ? FailureKind::no_data : FailureKind::not_on_plan,
          std::string(why.substr(0, 300))};
    }
  }
  return out;
}

Result<void> save_absences(const std::filesystem::path& cache_dir, const Absences& added, UnixTime now) {
  auto lock = FileLock::acquire_beneath(cache_dir, ".meta/absent.lock");
  if (!lock) return fail(lock.error());
  Absences all = load_absences(cache_dir);
  for (const auto& [service, keys] : added)
    for (const auto& [key, absence] : keys) all[service][key] = absence;
  // Only what is still to be remembered, and at most k_max_absences of it, the newest.
  std::vector<UnixTime> asked;
  for (auto& [service, keys] : all) {
    std::erase_if(keys, [now](const auto& entry) { return entry.second.until <= now; });
    for (const auto& [key, a] : keys) asked.push_back(a.asked);
  }
  std::erase_if(all, [](const auto& entry) { return entry.second.empty(); });
  if (asked.size() > k_max_absences) {
    std::nth_element(asked.begin(), asked.end() - k_max_absences, asked.end());
    const UnixTime oldest_kept = *(asked.end() - k_max_absences);
    for (auto& [service, keys] : all)
      std::erase_if(keys, [oldest_kept](const auto& entry) { return entry.second.asked < oldest_kept; });
  }
  JsonWriter w;
  w.begin_object().field("version", 1).key("absent").begin_object();
  for (const auto& [service, keys] : all) {
    w.key(service).begin_object();
    for (const auto& [key, a] : keys)
      w.key(key)
          .begin_object()
          .field("asked", format_iso8601(a.asked))
          .field("until", format_iso8601(a.until))
          .field("kind", a.kind == FailureKind::no_data ? "no_data" : "not_on_plan")
          .field("why", a.why)
          .end_object();
    w.end_object();
  }
  w.end_object().end_object();
  return write_file_atomic_beneath(cache_dir, ".meta/absent.json", w.str() + "\n");
}

}  // namespace thd
