#include "core/base/storage.hpp"

#include <simdjson.h>

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

std::string_view corrupt_reason_text(CorruptReason r) {
  switch (r) {
    case CorruptReason::none: return "";
    case CorruptReason::unreadable: return "unreadable";
    case CorruptReason::too_large: return "larger than the entry size limit";
    case CorruptReason::not_json: return "not valid JSON";
    case CorruptReason::missing_field: return "a required field is missing";
    case CorruptReason::bad_field_type: return "a field has the wrong type";
    case CorruptReason::service_mismatch: return "service does not match its directory";
    case CorruptReason::name_mismatch: return "file name is not md5(service_key)";
    case CorruptReason::bad_created_at: return "created_at is not an ISO 8601 time";
    case CorruptReason::future_created_at: return "created_at is in the future";
    case CorruptReason::bad_ttl: return "ttl_seconds is not positive";
  }
  return "";
}
Storage::Storage(std::unique_ptr<StorageBackend> backend, const Clock& clock)
    : m_backend(std::move(backend)), m_clock(clock) {}

Lookup Storage::get(std::string_view service, std::string_view key, CountLookup count) {
  Lookup out = m_backend->get(service, key, m_clock.now());
  if (out.status == LookupStatus::corrupt) m_stats.add(service, Stat::corruptions);
  if (count == CountLookup::yes)
    m_stats.add(service, out.status == LookupStatus::fresh ? Stat::hits : Stat::misses);
  return out;
}

Result<void> Storage::put(std::string_view service, std::string_view key, std::int64_t ttl_seconds,
                          std::string_view data_json) {
  if (ttl_seconds <= 0) return fail("cache ttl for " + std::string(service) + " must be positive");
  {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(data_json);
    if (parser.parse(padded).error())
      return fail("refusing to cache invalid JSON for " + std::string(service) + " " + std::string(key));
  }
  auto written = m_backend->put(service, key, m_clock.now(), ttl_seconds, data_json);
  if (written) m_stats.add(service, Stat::stores);
  return written;
}

void Storage::prefetch(const std::vector<StorageKey>& keys) {
  m_backend->prefetch(keys, m_clock.now());
}

std::optional<RemoteReport> Storage::remote_report() const {
  auto report = m_backend->remote_report();
  if (report) report->stale_served = m_remote_stale;
  return report;
}

Result<void> Storage::flush_stats() {
  for (std::string& n : m_backend->take_notices()) m_notices.push_back(std::move(n));
  if (m_stats.empty()) return {};
  std::string notice;
  auto merged = m_backend->add_stats(m_stats, m_clock.now(), &notice);
  if (merged) m_stats = StatCounters{};
  if (!notice.empty()) m_notices.push_back(std::move(notice));
  return merged;
}

}  // namespace thd
