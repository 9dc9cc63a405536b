#include "cache/optimize.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "cache/md5.hpp"
#include "core/base/atomic_file.hpp"
#include "core/base/file_lock.hpp"

namespace thd {
namespace {

constexpr std::string_view k_unattributed = "unattributed";

class Plan {
 public:
  Plan(const std::filesystem::path& dir, bool apply, OptimizeReport& report, const CacheScan& scan)
      : m_dir(dir), m_apply(apply), m_report(report), m_scan(scan) {}

  // Removes `rel` (relative to the cache dir) only when it is still the
  // regular file the scan saw (`inode`; a run may have replaced it), with
  // unlinkat in its directory opened beneath the cache root: a directory
  // swapped for a link, or for another directory, since the scan is left
  // alone with an error naming it.
  bool remove(OptimizeAction action, std::uint64_t inode) {
    const std::string rel = action.path;
    m_report.actions.push_back(std::move(action));
    if (!m_apply) return true;
    const std::filesystem::path relp(rel);
    const int dirfd = dir_fd(relp.parent_path().string());
    if (dirfd < 0) return false;
    const std::string name = relp.filename().string();
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
      return false;                                                // gone: not ours to count
    if (!S_ISREG(st.st_mode) || st.st_ino != inode) return false;  // replaced meanwhile: keep it
    if (::unlinkat(dirfd, name.c_str(), 0) != 0) {
      if (errno != ENOENT)
        m_report.errors.push_back("cannot delete " + (m_dir / rel).string() + ": " + errno_text(errno));
      return false;
    }
    return true;
  }

  // `*inode` and `*disk` are the written file's, for a later eviction of it
  // and the report (a dry run leaves them alone).
  bool write(OptimizeAction action, std::string_view content, std::uint64_t* inode, std::uint64_t* disk) {
    const std::string rel = action.path;
    m_report.actions.push_back(std::move(action));
    if (!m_apply) return true;
    auto written = write_file_atomic_beneath(m_dir, rel, content);
    if (!written) {
      m_report.errors.push_back(written.error().message);
      return false;
    }
    const std::filesystem::path relp(rel);
    struct stat st {};
    const int dirfd = dir_fd(relp.parent_path().string());
    if (dirfd >= 0 && ::fstatat(dirfd, relp.filename().c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      *inode = static_cast<std::uint64_t>(st.st_ino);
      *disk = static_cast<std::uint64_t>(st.st_blocks) * 512;
    }
    return true;
  }

  void create_dir(const std::string& rel) {
    m_report.actions.push_back({"create-dir", rel + "/", "missing service directory", rel, ""});
    if (!m_apply) return;
    if (auto made = open_dir_beneath(m_dir, rel, true); !made)
      m_report.errors.push_back(made.error().message);
  }

 private:
  // The directory `rel` ("" for the root), opened once beneath the root and
  // checked against the scan; -1 (and one error) when it cannot be used.
  int dir_fd(const std::string& rel) {
    auto [it, added] = m_dirs.try_emplace(rel);
    if (!added) return it->second.get();
    const std::filesystem::path shown = rel.empty() ? m_dir : m_dir / rel;
    auto fd = open_dir_beneath(m_dir, rel, false);
    if (!fd) {
      m_report.errors.push_back(fd.error().message + "; nothing removed in it");
      return -1;
    }
    DirId expected;  // zero: not there at the scan (created since), nothing scanned in it
    if (rel == ".meta")
      expected = m_scan.meta_dir;
    else if (auto idx = service_index(rel))
      expected = m_scan.service_dirs[*idx];
    struct stat st {};
    if (expected != DirId{} &&
        (::fstat(fd->get(), &st) != 0 ||
         expected != DirId{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)})) {
      m_report.errors.push_back(shown.string() + " was replaced since the scan; nothing removed in it");
      return -1;
    }
    it->second = std::move(*fd);
    return it->second.get();
  }

  const std::filesystem::path& m_dir;
  bool m_apply;
  OptimizeReport& m_report;
  const CacheScan& m_scan;
  std::map<std::string, UniqueFd> m_dirs;
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

// A whole number of the largest unit that fits, rounded down: "3d", "5h", "12m", "40s".
std::string age_text(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds >= 86400) return std::to_string(seconds / 86400) + "d";
  if (seconds >= 3600) return std::to_string(seconds / 3600) + "h";
  if (seconds >= 60) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

// What a dry run projects a written file to occupy: whole 4 KiB blocks.
std::uint64_t projected_disk(std::uint64_t bytes) {
  return (bytes + 4095) / 4096 * 4096;
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
    t.disk = c.disk;
    t.fresh = c.fresh;
    t.expired = c.expired;
    t.corrupt = c.corrupt;
    t.valid = c.fresh + c.expired;
  }
  report.files_before = scan.total.files + scan.legacy.size() + scan.temporary.size();
  report.bytes_before = scan.total.bytes + scan.legacy_bytes + scan.temporary_bytes;
  report.disk_before = scan.total.disk + scan.legacy_disk + scan.temporary_disk;
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

  std::uint64_t files_after = report.files_before, bytes_after = report.bytes_before,
                disk_after = report.disk_before;
  auto account_removed = [&](std::uint64_t bytes, std::uint64_t disk) {
    --files_after;
    bytes_after -= bytes;
    disk_after -= disk;
  };

  if (report.applied) {
    // Refuse up front rather than fail on every file.
    std::vector<std::filesystem::path> dirs;
    for (size_t i = 0; i < k_service_names.size(); ++i)
      if (scan.service_dirs[i] != DirId{}) dirs.push_back(dir / k_service_names[i]);
    for (const auto& d : dirs)
      if (::access(d.c_str(), W_OK | X_OK) != 0)
        return fail("cache directory " + d.string() + " is not writable: " + errno_text(errno) +
                    "; fix its permissions or pass another --cache-dir");
  }

  if (options.cleanup == Cleanup::yes && scan.exists) {
    if (options.after_scan) options.after_scan();
    Plan plan(dir, report.applied, report, scan);
    for (const std::string& name : scan.missing_service_dirs) plan.create_dir(name);

    for (const TempRef& t : scan.temporary) {
      if (now - t.mtime < options.temp_grace_seconds) continue;  // a writer may still own it
      auto rel = std::filesystem::relative(t.path, dir).string();
      std::string reason =
          "temporary file older than " + std::to_string(options.temp_grace_seconds / 60) + " minutes";
      if (plan.remove({"remove-temp", rel, std::move(reason), "", ""}, t.inode)) {
        ++report.temporary_removed;
        account_removed(t.bytes, t.disk);
      }
    }

    // In the services' order everywhere (k_service_names), then by key: a list people can read.
    std::sort(scan.entries.begin(), scan.entries.end(), [](const EntryRef& a, const EntryRef& b) {
      return std::tie(a.service, a.key, a.name) < std::tie(b.service, b.key, b.name);
    });
    for (const EntryRef& e : scan.entries) {
      if (e.state == EntryState::fresh) continue;
      if (e.reason == CorruptReason::unreadable) {
        // Probably permissions in a shared cache: report, never destroy.
        report.unknown.push_back(entry_rel(e) + " (unreadable, left alone)");
        continue;
      }
      std::string reason = e.state == EntryState::expired
                               ? "expired " + age_text(now - e.created_at - e.ttl_seconds) + " ago"
                               : "corrupt: " + std::string(corrupt_reason_text(e.reason));
      const std::string service(k_service_names[e.service]);
      if (plan.remove({"delete", entry_rel(e), std::move(reason), service, e.key}, e.inode)) {
        ++report.by_service[service].deleted;
        account_removed(e.bytes, e.disk);
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
          auto service_dir = open_dir_beneath(dir, full.service, false);  // never through a link
          EntryCheck existing =
              service_dir ? reader.check_file_at(service_dir->get(), full.service, name, now, WantData::no)
                          : EntryCheck{};
          bool superseded = existing.state != EntryState::corrupt && existing.created_at >= full.timestamp;
          std::string content =
              serialize_entry(full.service, full.key, full.timestamp, full.ttl_seconds, full.data);
          std::uint64_t inode = 0, disk = projected_disk(content.size());
          if (superseded || plan.write({"migrate", rel, "from legacy file " + l.name, full.service, full.key},
                                       content, &inode, &disk)) {
            if (!superseded) {
              ++report.by_service[owner].migrated;
              ++files_after;
              bytes_after += content.size();
              disk_after += disk;
              EntryRef written;
              written.name = name;
              written.service = static_cast<std::uint8_t>(*service_index(full.service));
              written.state = EntryState::fresh;
              written.mtime = now;
              written.bytes = content.size();
              written.inode = inode;
              written.disk = disk;
              written.key = full.key;
              migrated.push_back(std::move(written));
            }
            if (plan.remove({"delete", l.name,
                             superseded ? "legacy, superseded by a newer entry" : "legacy, migrated",
                             full.service, full.key},
                            l.inode)) {
              if (superseded) ++report.by_service[owner].deleted;
              account_removed(l.bytes, l.disk);
            }
          }
          continue;
        }
      }
      std::string reason = "legacy, " + std::string(legacy_kind_name(l.check.kind)) +
                           (l.check.reason.empty() ? "" : ": " + l.check.reason);
      const bool attributed = owner != k_unattributed;
      if (plan.remove({"delete", l.name, std::move(reason), attributed ? l.check.service : "",
                       attributed ? l.check.key : ""},
                      l.inode)) {
        ++report.by_service[owner].deleted;
        account_removed(l.bytes, l.disk);
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
        reason = "not used for " + age_text(now - e.mtime);
      else if (options.max_size && live_bytes > *options.max_size)
        reason = "over --max-size, least recently used";
      else
        break;
      const std::string service(k_service_names[e.service]);
      if (plan.remove({"evict", entry_rel(e), std::move(reason), service, e.key}, e.inode)) {
        ++report.by_service[service].evicted;
        live_bytes -= e.bytes;
        account_removed(e.bytes, e.disk);
      }
    }
  }
  report.files_after = files_after;
  report.bytes_after = bytes_after;
  report.disk_after = disk_after;

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
