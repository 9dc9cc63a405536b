// Inventory of a cache directory: every entry validated (SPEC §5.2), legacy
// files of the flat layout (§5.3), leftover temporary files, and anything
// else that is not ours (reported, never touched).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cache/entry.hpp"
#include "core/base/clock.hpp"
#include "core/base/error.hpp"
#include "core/base/service_ids.hpp"
#include "core/base/ttl.hpp"

namespace thd {

struct CacheCounts {
  // bytes: logical (st_size); disk: what the files occupy (st_blocks * 512).
  std::uint64_t files = 0, bytes = 0, disk = 0, fresh = 0, expired = 0, corrupt = 0;
  void add(const CacheCounts& o);
};

struct EntryRef {
  std::string name;
  std::uint8_t service = 0;  // index into k_service_names
  EntryState state = EntryState::corrupt;
  CorruptReason reason = CorruptReason::none;
  std::int64_t mtime = 0;  // last access
  std::uint64_t bytes = 0;
  std::uint64_t inode = 0;
  std::uint64_t disk = 0;
  std::string key;  // as written in the entry; empty when it could not be read
  UnixTime created_at = 0;
  std::int64_t ttl_seconds = 0;  // 0 when not valid
};

struct LegacyRef {
  std::string name;
  std::uint64_t bytes = 0;
  std::uint64_t inode = 0;
  std::uint64_t disk = 0;
  LegacyCheck check;  // without data
};

struct TempRef {
  std::filesystem::path path;
  std::uint64_t bytes = 0;
  std::int64_t mtime = 0;
  std::uint64_t inode = 0;
  std::uint64_t disk = 0;
};

// A directory as the scan found it (st_dev, st_ino); all zero when it was not there.
struct DirId {
  std::uint64_t dev = 0, ino = 0;
  bool operator==(const DirId&) const = default;
};

struct CacheScan {
  std::filesystem::path dir;
  bool exists = false;
  CacheCounts total;  // entries in service directories
  std::array<CacheCounts, k_service_names.size()> by_service{};
  std::vector<EntryRef> entries;  // only with KeepEntries::yes
  std::vector<LegacyRef> legacy;
  std::uint64_t legacy_bytes = 0, legacy_disk = 0;
  std::vector<TempRef> temporary;
  std::uint64_t temporary_bytes = 0, temporary_disk = 0;
  std::vector<std::string> unknown;  // relative paths we leave alone
  std::vector<std::string> missing_service_dirs;
  // The directories listed: a cleanup removes only in these very directories
  // (a service directory swapped for another since the scan is left alone).
  std::array<DirId, k_service_names.size()> service_dirs{};
  DirId meta_dir;
};

enum class KeepEntries { no, yes };

// A missing directory is an empty scan (exists == false); an unreadable
// one is an error. Directories below `dir` are opened with open_dir_beneath
// and read through that descriptor: a symbolic link is reported, never
// followed, even one swapped in while the scan runs.
Result<CacheScan> scan_cache(const std::filesystem::path& dir, UnixTime now, const TtlTable& ttls,
                             KeepEntries keep, unsigned threads = 0);

}  // namespace thd
