#include "cache/layered_storage.hpp"

#include <set>
#include <utility>

namespace thd {

Lookup LayeredStorage::get(std::string_view service, std::string_view key, UnixTime now) {
  Lookup near = m_near->get(service, key, now);
  if (near.status == LookupStatus::fresh) return near;
  Lookup far = m_far->get(service, key, now);
  if (far.status == LookupStatus::fresh) {
    // Copied near, so that the next run finds it without the far backend.
    if (m_copy_near) (void)m_near->put_copy(service, key, far.created_at, far.ttl_seconds, far.data);
    return far;
  }
  // Neither is fresh: the newer expired entry, else what the near one said.
  if (far.status == LookupStatus::expired &&
      (near.status != LookupStatus::expired || far.created_at > near.created_at))
    return far;
  return near;
}

void LayeredStorage::prefetch(const std::vector<StorageKey>& keys, UnixTime now) {
  std::vector<StorageKey> wanted;
  for (const StorageKey& k : keys)
    if (m_near->status(k.service, k.key, now) != LookupStatus::fresh) wanted.push_back(k);
  m_far->prefetch(wanted, now);
}

Result<void> LayeredStorage::put(std::string_view service, std::string_view key, UnixTime created_at,
                                 std::int64_t ttl_seconds, std::string_view data_json) {
  auto written = m_near->put(service, key, created_at, ttl_seconds, data_json);
  if (auto far = m_far->put(service, key, created_at, ttl_seconds, data_json); !far) note(far.error());
  return written;
}

Result<void> LayeredStorage::touch(std::string_view service, std::string_view key, UnixTime now) {
  auto touched = m_near->touch(service, key, now);
  (void)m_far->touch(service, key, now);  // the far entry may not exist: not a failure
  return touched;
}

Result<bool> LayeredStorage::remove(std::string_view service, std::string_view key) {
  auto near = m_near->remove(service, key);
  auto far = m_far->remove(service, key);
  if (!near) return near;
  if (!far) {
    note(far.error());
    return *near;
  }
  return *near || *far;
}

Result<void> LayeredStorage::enumerate(const std::function<void(const StoredEntry&)>& each) {
  std::set<std::pair<std::string, std::string>> seen;
  auto listed = m_near->enumerate([&](const StoredEntry& e) {
    seen.emplace(e.service, e.key);
    each(e);
  });
  if (!listed) return listed;
  return m_far->enumerate([&](const StoredEntry& e) {
    if (!seen.count({e.service, e.key})) each(e);
  });
}

}  // namespace thd
