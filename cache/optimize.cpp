#include "cache/optimize.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "cache/md5.hpp"
#include "core/base/atomic_file.hpp"
#include "core/base/file_lock.hpp"

namespace thd {
namespace {

constexpr std::string_view k_unattributed = "unattributed";

class Plan {
 public:
  Plan(const std::filesystem::path& dir, bool apply, OptimizeReport& report)
      : m_dir(dir), m_apply(apply), m_report(report) {}

  // Removes `rel` (relative to the cache dir); with `inode` set, only when
  // the file is still the one we looked at (a run may have replaced it).
  bool remove(std::string_view action, const std::string& rel, std::string reason, std::uint64_t inode = 0) {
    m_report.actions.push_back({std::string(action), rel, std::move(reason)});
    if (!m_apply) return true;
    const auto path = m_dir / rel;
    if (inode) {
      struct stat st {};
      if (::lstat(path.c_str(), &st) != 0) return false;  // gone already: not ours to count
      if (st.st_ino != inode) return false;               // replaced meanwhile: keep it
    }
    if (::unlink(path.c_str()) != 0) {
      if (errno != ENOENT)
        m_report.errors.push_back("cannot delete " + path.string() + ": " + errno_text(errno));
      return false;
    }
    return true;
  }

  bool write(const std::string& rel, std::string_view content, std::string reason) {
    m_report.actions.push_back({"migrate", rel, std::move(reason)});
    if (!m_apply) return true;
    auto written = write_file_atomic_beneath(m_dir, rel, content);
    if (!written) m_report.errors.push_back(written.error().message);
    return written.has_value();
  }

  void create_dir(const std::string& rel) {
    m_report.actions.push_back({"create-dir", rel + "/", "missing service directory"});
    if (!m_apply) return;
    if (auto made = open_dir_beneath(m_dir, rel, true); !made)
      m_report.errors.push_back(made.error().message);
  }

 private:
  const std::filesystem::path& m_dir;
  bool m_apply;
  OptimizeReport& m_report;
};

// Legacy files are counted under their service when they name one we know.
std::string legacy_owner(const LegacyCheck& c) {
  bool attributed =
      (c.kind == LegacyKind::migratable || c.kind == LegacyKind::expired) && service_index(c.service);
  return attributed ? c.service : std::string(k_unattributed);
}

std::string entry_rel(const EntryRef& e) {
  return std::string(k_service_names[e.service]) + "/" + e.name;
}

std::string days_text(std::int64_t seconds) {
  return std::to_string(seconds / 86400) + "d" + (seconds % 86400 ? "+" : "");
}

}  // namespace

Result<OptimizeReport> optimize_cache(const std::filesystem::path& dir, const Clock& clock,
                                      const TtlTable& ttls, const OptimizeOptions& options) {
  const UnixTime now = clock.now();
  const bool apply = options.cleanup == Cleanup::yes && options.dry_run == DryRun::no;
  std::optional<FileLock> lock;  // a second cleanup waits for the first
  if (apply) {
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
      std::filesystem::create_directories(dir, ec);
      if (ec) return fail("cannot create cache directory " + dir.string() + ": " + ec.message());
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
      return fail("cache directory " + dir.string() + " is not writable: " + errno_text(errno) +
                  "; fix its permissions or pass another --cache-dir");
    auto locked = FileLock::acquire_beneath(dir, ".meta/cleanup.lock");  // before the scan: no stale plan
    if (!locked) return fail(locked.error());
    lock.emplace(std::move(*locked));
  }
  auto scanned = scan_cache(dir, now, ttls, KeepEntries::yes);
  if (!scanned) return fail(scanned.error());
  CacheScan& scan = *scanned;

  OptimizeReport report;
  report.dir = dir;
  report.exists = scan.exists;
  report.unknown = scan.unknown;
  report.applied = apply && scan.exists;
  for (std::string_view s : k_service_names) report.by_service[std::string(s)];

  for (size_t i = 0; i < k_service_names.size(); ++i) {
    const CacheCounts& c = scan.by_service[i];
    ServiceTally& t = report.by_service[std::string(k_service_names[i])];
    t.files = c.files;
    t.bytes = c.bytes;
    t.fresh = c.fresh;
    t.expired = c.expired;
    t.corrupt = c.corrupt;
    t.valid = c.fresh + c.expired;
  }
  report.files_before = scan.total.files + scan.legacy.size() + scan.temporary.size();
  report.bytes_before = scan.total.bytes + scan.legacy_bytes + scan.temporary_bytes;
  report.temporary = scan.temporary.size();
  report.legacy_total = scan.legacy.size();
  for (const LegacyRef& l : scan.legacy) {
    ++report.by_service[legacy_owner(l.check)].legacy;
    switch (l.check.kind) {
      case LegacyKind::migratable: ++report.legacy_migratable; break;
      case LegacyKind::expired: ++report.legacy_expired; break;
      case LegacyKind::unattributable: ++report.legacy_unattributable; break;
      case LegacyKind::corrupt: ++report.legacy_corrupt; break;
    }
  }

  std::uint64_t files_after = report.files_before, bytes_after = report.bytes_before;
  auto account_removed = [&](std::uint64_t bytes) {
    --files_after;
    bytes_after -= bytes;
  };

  if (report.applied) {
    // Refuse up front rather than fail on every file.
    std::vector<std::filesystem::path> dirs;
    for (std::string_view s : k_service_names)
      if (std::filesystem::is_directory(dir / s)) dirs.push_back(dir / s);
    for (const auto& d : dirs)
      if (::access(d.c_str(), W_OK | X_OK) != 0)
        return fail("cache directory " + d.string() + " is not writable: " + errno_text(errno) +
                    "; fix its permissions or pass another --cache-dir");
  }

  if (options.cleanup == Cleanup::yes && scan.exists) {
    Plan plan(dir, report.applied, report);
    for (const std::string& name : scan.missing_service_dirs) plan.create_dir(name);

    for (const TempRef& t : scan.temporary) {
      if (now - t.mtime < options.temp_grace_seconds) continue;  // a writer may still own it
      auto rel = std::filesystem::relative(t.path, dir).string();
      std::string reason =
          "temporary file older than " + std::to_string(options.temp_grace_seconds / 60) + " minutes";
      if (plan.remove("remove-temp", rel, std::move(reason))) {
        ++report.temporary_removed;
        account_removed(t.bytes);
      }
    }

    for (const EntryRef& e : scan.entries) {
      if (e.state == EntryState::fresh) continue;
      if (e.reason == CorruptReason::unreadable) {
        // Probably permissions in a shared cache: report, never destroy.
        report.unknown.push_back(entry_rel(e) + " (unreadable, left alone)");
        continue;
      }
      std::string reason = e.state == EntryState::expired
                               ? "expired"
                               : "corrupt: " + std::string(corrupt_reason_text(e.reason));
      if (plan.remove("delete", entry_rel(e), std::move(reason), e.inode)) {
        ++report.by_service[std::string(k_service_names[e.service])].deleted;
        account_removed(e.bytes);
      }
    }

    EntryReader reader;
    std::vector<EntryRef> migrated;
    for (const LegacyRef& l : scan.legacy) {
      const std::string owner = legacy_owner(l.check);
      if (l.check.kind == LegacyKind::migratable) {
        // Re-read for the data: scans keep no payloads in memory.
        LegacyCheck full = reader.check_legacy(dir / l.name, now, ttls);
        if (full.kind == LegacyKind::migratable) {
          std::string name = cache_file_name(full.service, full.key);
          std::string rel = full.service + "/" + name;
          // A newer entry under the new layout wins over the legacy copy.
          EntryCheck existing = reader.check_file(dir / rel, full.service, name, now, WantData::no);
          bool superseded = existing.state != EntryState::corrupt && existing.created_at >= full.timestamp;
          std::string content =
              serialize_entry(full.service, full.key, full.timestamp, full.ttl_seconds, full.data);
          if (superseded || plan.write(rel, content, "legacy " + l.name + " (key " + full.key + ")")) {
            if (!superseded) {
              ++report.by_service[owner].migrated;
              ++files_after;
              bytes_after += content.size();
              migrated.push_back({name, static_cast<std::uint8_t>(*service_index(full.service)),
                                  EntryState::fresh, CorruptReason::none, now, content.size(), 0});
            }
            if (plan.remove("delete", l.name,
                            superseded ? "legacy, superseded by a newer entry" : "legacy, migrated")) {
              if (superseded) ++report.by_service[owner].deleted;
              account_removed(l.bytes);
            }
          }
          continue;
        }
      }
      std::string reason = "legacy, " + std::string(legacy_kind_name(l.check.kind)) +
                           (l.check.reason.empty() ? "" : ": " + l.check.reason);
      if (plan.remove("delete", l.name, std::move(reason))) {
        ++report.by_service[owner].deleted;
        account_removed(l.bytes);
      }
    }

    // Eviction candidates: what is still valid, least recently used first;
    // entries too old for --evict-older-than are a prefix of that order.
    std::vector<EntryRef> live;
    for (EntryRef& e : scan.entries)
      if (e.state == EntryState::fresh) live.push_back(std::move(e));
    live.insert(live.end(), migrated.begin(), migrated.end());
    std::sort(live.begin(), live.end(), [](const EntryRef& a, const EntryRef& b) {
      return a.mtime != b.mtime ? a.mtime < b.mtime : a.name < b.name;
    });
    std::uint64_t live_bytes = 0;
    for (const EntryRef& e : live) live_bytes += e.bytes;
    for (const EntryRef& e : live) {
      std::string reason;
      if (options.evict_older_than && now - e.mtime > *options.evict_older_than)
        reason = "not used for " + days_text(now - e.mtime);
      else if (options.max_size && live_bytes > *options.max_size)
        reason = "over --max-size, least recently used";
      else
        break;
      if (plan.remove("evict", entry_rel(e), std::move(reason), e.inode)) {
        ++report.by_service[std::string(k_service_names[e.service])].evicted;
        live_bytes -= e.bytes;
        account_removed(e.bytes);
      }
    }
  }
  report.files_after = files_after;
  report.bytes_after = bytes_after;

  if (report.applied) {
    StatCounters evictions;
    for (const auto& [name, tally] : report.by_service)
      if (tally.evicted) evictions.add(name, Stat::evictions, tally.evicted);
    if (!evictions.empty()) {
      std::string notice;
      auto merged = merge_stats(dir, evictions, now, &notice);
      if (!merged) report.errors.push_back(merged.error().message);
      if (!notice.empty()) report.notices.push_back(notice);
    }
  }
  if (scan.exists) {
    auto stats = load_stats(dir);
    if (stats)
      report.stats = std::move(*stats);
    else
      report.errors.push_back(stats.error().message);
  }
  return report;
}

}  // namespace thd
