#include "cache/memory_storage.hpp"

#include "cache/entry.hpp"

namespace thd {

Lookup MemoryStorage::get(std::string_view service, std::string_view key, UnixTime now) {
  Lookup out;
  auto it = m_entries.find({std::string(service), std::string(key)});
  if (it == m_entries.end()) return out;
  Entry& e = it->second;
  if (e.corrupt != CorruptReason::none) {
    out.status = LookupStatus::corrupt;
    out.reason = e.corrupt;
    return out;
  }
  // The file backend's rules: an entry from the future (beyond the clock
  // skew allowed) is corrupt; fresh while now < created_at + ttl.
  if (e.created_at - now > k_clock_skew_seconds) {
    out.status = LookupStatus::corrupt;
    out.reason = CorruptReason::future_created_at;
    return out;
  }
  out.status = now - e.created_at < e.ttl_seconds ? LookupStatus::fresh : LookupStatus::expired;
  out.data = e.data;
  out.created_at = e.created_at;
  out.ttl_seconds = e.ttl_seconds;
  e.last_access = now;
  return out;
}

Result<void> MemoryStorage::put(std::string_view service, std::string_view key, UnixTime created_at,
                                std::int64_t ttl_seconds, std::string_view data_json) {
  m_entries[{std::string(service), std::string(key)}] =
      Entry{std::string(data_json), created_at, ttl_seconds, created_at, CorruptReason::none};
  return {};
}

Result<void> MemoryStorage::touch(std::string_view service, std::string_view key, UnixTime now) {
  auto it = m_entries.find({std::string(service), std::string(key)});
  if (it == m_entries.end()) return fail("no entry " + std::string(service) + " " + std::string(key));
  it->second.last_access = now;
  return {};
}

Result<bool> MemoryStorage::remove(std::string_view service, std::string_view key) {
  return m_entries.erase({std::string(service), std::string(key)}) > 0;
}

Result<void> MemoryStorage::enumerate(const std::function<void(const StoredEntry&)>& each) {
  for (const auto& [k, e] : m_entries)
    if (e.corrupt == CorruptReason::none)
      each({k.first, k.second, e.created_at, e.ttl_seconds, e.data.size(), e.last_access});
  return {};
}

Result<void> MemoryStorage::add_stats(const StatCounters& delta, UnixTime, std::string*) {
  m_stats.merge(delta);
  return {};
}

void MemoryStorage::put_corrupt(std::string_view service, std::string_view key, CorruptReason reason) {
  m_entries[{std::string(service), std::string(key)}] = Entry{"", 0, 0, 0, reason};
}

}  // namespace thd
