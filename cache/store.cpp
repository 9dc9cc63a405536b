#include "cache/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "cache/md5.hpp"
#include "core/atomic_file.hpp"

namespace thd {

std::string_view lookup_status_name(LookupStatus s) {
  switch (s) {
    case LookupStatus::fresh: return "fresh";
    case LookupStatus::expired: return "expired";
    case LookupStatus::absent: return "absent";
    case LookupStatus::corrupt: return "corrupt";
  }
  return "absent";
}

CacheStore::CacheStore(std::filesystem::path root, const Clock& clock)
    : m_root(std::move(root)), m_clock(clock) {}

std::filesystem::path CacheStore::path_for(std::string_view service, std::string_view key) const {
  return m_root / service / cache_file_name(service, key);
}

Lookup CacheStore::get(std::string_view service, std::string_view key, CountLookup count) {
  const bool counting = count == CountLookup::yes;
  Lookup out;
  const auto path = path_for(service, key);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (counting) m_stats.add(service, Stat::misses);
    return out;
  }
  const UnixTime now = m_clock.now();
  EntryCheck check = m_reader.check_file(path, service, path.filename().string(), now, WantData::yes);
  if (check.state == EntryState::corrupt || check.key != key) {
    out.status = LookupStatus::corrupt;
    out.reason = check.state == EntryState::corrupt ? check.reason : CorruptReason::name_mismatch;
    if (counting) m_stats.add(service, Stat::misses);
    m_stats.add(service, Stat::corruptions);
    return out;
  }
  out.status = check.state == EntryState::fresh ? LookupStatus::fresh : LookupStatus::expired;
  out.data = std::move(check.data);
  out.created_at = check.created_at;
  out.ttl_seconds = check.ttl_seconds;
  if (counting) m_stats.add(service, out.status == LookupStatus::fresh ? Stat::hits : Stat::misses);
  const struct timespec times[2] = {{0, UTIME_OMIT}, {now, 0}};
  ::utimensat(AT_FDCWD, path.c_str(), times, 0);  // best effort: LRU order only
  return out;
}

Result<void> CacheStore::put(std::string_view service, std::string_view key, std::int64_t ttl_seconds,
                             std::string_view data_json) {
  if (ttl_seconds <= 0) return fail("cache ttl for " + std::string(service) + " must be positive");
  {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(data_json);
    if (parser.parse(padded).error())
      return fail("refusing to cache invalid JSON for " + std::string(service) + " " + std::string(key));
  }
  const auto path = path_for(service, key);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return fail("cannot create cache directory " + path.parent_path().string() + ": " + ec.message());
  auto written =
      write_file_atomic(path, serialize_entry(service, key, m_clock.now(), ttl_seconds, data_json));
  if (written) m_stats.add(service, Stat::stores);
  return written;
}

void CacheStore::note_stale_served(std::string_view service) {
  m_stats.add(service, Stat::stale_served);
}

Result<void> CacheStore::flush_stats() {
  if (m_stats.empty()) return {};
  std::string notice;
  auto merged = merge_stats(m_root, m_stats, m_clock.now(), &notice);
  if (merged) m_stats = StatCounters{};
  if (!notice.empty()) m_notices.push_back(std::move(notice));
  return merged;
}

}  // namespace thd
