// Two backends as one, as ccache puts its local storage before its remote
// ones: a read tries the near backend first, then the far one, and copies a
// fresh entry found only far into the near one; a write goes to both. The
// far backend's failures never fail a run: they are kept as notices.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/base/storage.hpp"

namespace thd {

class LayeredStorage final : public StorageBackend {
 public:
  // `copy_near`: a fresh entry found only far is copied near (not for a plan, which writes nothing).
  LayeredStorage(std::unique_ptr<StorageBackend> near, std::unique_ptr<StorageBackend> far,
                 bool copy_near = true)
      : m_near(std::move(near)), m_far(std::move(far)), m_copy_near(copy_near) {}

  std::string describe() const override { return m_near->describe() + ", then " + m_far->describe(); }
  Lookup get(std::string_view service, std::string_view key, UnixTime now) override;
  // The far backend fetches, in its batches, what the near one does not have fresh.
  void prefetch(const std::vector<StorageKey>& keys, UnixTime now) override;
  Result<void> put(std::string_view service, std::string_view key, UnixTime created_at,
                   std::int64_t ttl_seconds, std::string_view data_json) override;
  Result<void> touch(std::string_view service, std::string_view key, UnixTime now) override;
  Result<bool> remove(std::string_view service, std::string_view key) override;
  // The near backend's entries, then the far one's that the near one lacks.
  Result<void> enumerate(const std::function<void(const StoredEntry&)>& each) override;
  // Statistics stay with the near backend (they describe this machine's runs).
  Result<void> add_stats(const StatCounters& delta, UnixTime now, std::string* notice) override {
    return m_near->add_stats(delta, now, notice);
  }
  Result<StatCounters> load_stats() override { return m_near->load_stats(); }

  // The far backend's failures since the last call, and its own notices.
  std::vector<std::string> take_notices() override {
    std::vector<std::string> out = m_near->take_notices();
    for (std::string& n : m_far->take_notices()) out.push_back(std::move(n));
    for (std::string& n : std::exchange(m_far_failures, {})) out.push_back(std::move(n));
    return out;
  }
  std::optional<RemoteReport> remote_report() const override {
    auto far = m_far->remote_report();
    return far ? far : m_near->remote_report();
  }

 private:
  void note(const Error& e) { m_far_failures.push_back(m_far->describe() + ": " + e.message); }

  std::unique_ptr<StorageBackend> m_near, m_far;
  bool m_copy_near = true;
  std::vector<std::string> m_far_failures;
};

}  // namespace thd
