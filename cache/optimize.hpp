// cache-optimize (SPEC §2): analyse, and with cleanup delete expired and
// corrupt entries, old temporary files and dead legacy files, migrate live
// legacy files, then evict by age and by size, least recently used first.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cache/scan.hpp"
#include "cache/stats.hpp"
#include "core/base/clock.hpp"
#include "core/base/error.hpp"
#include "core/base/ttl.hpp"

namespace thd {

enum class DryRun { no, yes };
enum class Cleanup { no, yes };

struct OptimizeOptions {
  Cleanup cleanup = Cleanup::no;
  DryRun dry_run = DryRun::no;
  std::optional<std::uint64_t> max_size;         // bytes
  std::optional<std::int64_t> evict_older_than;  // seconds since last access
  std::int64_t temp_grace_seconds = 3600;        // younger temp files may be in use
  std::function<void()> after_scan;              // tests only: between the scan and the first change
};

// bytes: logical sizes (st_size); disk: disk usage (st_blocks * 512).
struct ServiceTally {
  std::uint64_t files = 0, bytes = 0, disk = 0, valid = 0, fresh = 0, expired = 0, corrupt = 0;
  std::uint64_t legacy = 0, migrated = 0, deleted = 0, evicted = 0;
};

struct OptimizeAction {
  std::string action;   // delete, evict, migrate, remove-temp, create-dir
  std::string path;     // relative to the cache directory
  std::string reason;   // "expired 3d ago", "not used for 9d", "corrupt: not valid JSON"
  std::string service;  // the entry's service; empty for temporary files and unattributed legacy files
  std::string key;      // the entry's key as stored in it; empty when it carries none or is unreadable
};

struct OptimizeReport {
  std::filesystem::path dir;
  bool exists = false;
  bool applied = false;  // true when files were changed
  std::uint64_t files_before = 0, bytes_before = 0, files_after = 0, bytes_after = 0;
  std::uint64_t disk_before = 0, disk_after = 0;
  // The seven, plus "unattributed" legacy; shown in k_service_names order, then "unattributed".
  std::map<std::string, ServiceTally, std::less<>> by_service;
  std::uint64_t legacy_total = 0, legacy_migratable = 0, legacy_expired = 0, legacy_unattributable = 0,
                legacy_corrupt = 0;
  std::uint64_t temporary = 0, temporary_removed = 0;
  std::vector<OptimizeAction> actions;
  std::vector<std::string> unknown;
  std::vector<std::string> errors;   // actions that failed (the rest went on)
  std::vector<std::string> notices;  // worth a warning, not a failure
  StatCounters stats;                // persisted statistics after the run
};

Result<OptimizeReport> optimize_cache(const std::filesystem::path& dir, const Clock& clock,
                                      const TtlTable& ttls, const OptimizeOptions& options);

}  // namespace thd
