// One cache entry file: its format (SPEC §5.1) and its validation (§5.2),
// and the two legacy formats of the old flat layout (§5.3).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.hpp"
#include "core/base/storage.hpp"
#include "core/base/ttl.hpp"

namespace thd {

enum class EntryState : std::uint8_t { fresh, expired, corrupt };

std::string_view entry_state_name(EntryState s);

// created_at may be this far in the future before an entry counts as corrupt.
inline constexpr std::int64_t k_clock_skew_seconds = 300;
// Entries are at most a capped response plus the envelope.
inline constexpr size_t k_max_entry_bytes = 16u << 20;

struct EntryCheck {
  EntryState state = EntryState::corrupt;
  CorruptReason reason = CorruptReason::none;
  std::string key;  // as written in the entry, once it parsed (also for most corrupt entries)
  UnixTime created_at = 0;
  std::int64_t ttl_seconds = 0;
  std::string data;  // minified `data`, only when asked for and not corrupt
};

enum class WantData { no, yes };

struct FileStat {
  std::uint64_t bytes = 0;  // logical size (st_size)
  std::int64_t mtime = 0;
  std::uint64_t inode = 0;
  std::uint64_t disk = 0;  // disk usage (st_blocks * 512)
};

enum class LegacyKind : std::uint8_t { migratable, expired, unattributable, corrupt };
std::string_view legacy_kind_name(LegacyKind k);

struct LegacyCheck {
  LegacyKind kind = LegacyKind::corrupt;
  std::string service;  // empty when the entry carries none
  std::string key;      // empty when the entry carries none
  UnixTime timestamp = 0;
  std::int64_t ttl_seconds = 0;
  std::string data;  // minified `data` when migratable
  std::string reason;
};

// Reads and checks entry files, reusing one parser and one buffer.
class EntryReader {
 public:
  // `file_name` is the entry's file name, e.g. "75d2...732ff.json".
  EntryCheck check_file(const std::filesystem::path& path, std::string_view dir_service,
                        std::string_view file_name, UnixTime now, WantData want, FileStat* stat = nullptr);
  // The same for the file `file_name` in an open directory (open_dir_beneath):
  // no path is resolved again, so a directory swapped for a link is not followed.
  EntryCheck check_file_at(int dirfd, std::string_view dir_service, const std::string& file_name,
                           UnixTime now, WantData want, FileStat* stat = nullptr);
  EntryCheck check(std::string_view content, std::string_view dir_service, std::string_view file_name,
                   UnixTime now, WantData want);
  // `ttls` gives a TTL to entries of the format without ttl_seconds.
  LegacyCheck check_legacy(const std::filesystem::path& path, UnixTime now, const TtlTable& ttls);

 private:
  bool load(int dirfd, const char* path, FileStat* stat, CorruptReason& reason);
  EntryCheck check_loaded(size_t len, std::string_view dir_service, std::string_view file_name, UnixTime now,
                          WantData want);

  simdjson::dom::parser m_parser;
  std::vector<char> m_buffer;
  size_t m_loaded = 0;
};

// The serialized entry: {"service", "key", "created_at", "ttl_seconds", "data"}.
std::string serialize_entry(std::string_view service, std::string_view key, UnixTime created_at,
                            std::int64_t ttl_seconds, std::string_view data_json);

}  // namespace thd
