// Whole-or-nothing file writes: a temporary file in the same directory,
// fsync, then rename over the target. Readers never see a torn file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/error.hpp"
#include "core/base/unique_fd.hpp"

namespace thd {

Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Inside a tree that must never be left through a symbolic link (the
// cache): `root` itself may be a link (a cache moved to another disk), but
// every directory below it is opened O_NOFOLLOW|O_DIRECTORY relative to its
// parent (created when missing and `create` is set), so a link to elsewhere
// is refused, never written through. `rel` is relative to root.
Result<UniqueFd> open_dir_beneath(const std::filesystem::path& root, const std::filesystem::path& rel,
                                  bool create);
// write_file_atomic for root/rel: the directories as open_dir_beneath, the
// temporary file created O_EXCL|O_NOFOLLOW, and a symbolic link where the
// file would go refused (not replaced: a person put it there). Sync::no
// skips the fsync (a copy of data kept elsewhere, validated when read: a
// copy lost to a power failure is read again from where it came).
enum class Sync { yes, no };
Result<void> write_file_atomic_beneath(const std::filesystem::path& root, const std::filesystem::path& rel,
                                       std::string_view content, Sync sync = Sync::yes);
// The error for a symbolic link met inside such a tree.
std::string symlink_refused(const std::filesystem::path& path);

// ".<name>.tmp.<pid>.<random hex>" next to `path`.
std::filesystem::path temp_path_for(const std::filesystem::path& path);
bool is_temp_name(std::string_view filename);

// Temporary files of this tool's documents directly in `dir` that their
// writer left behind (kill -9 during a write): named exactly as
// write_file_atomic names them (".<name>.json.tmp.<pid>.<6 hex>", also .md
// and .html), owned by this user, whose writer's pid is not alive here AND
// that have not changed for `max_age_seconds`. A file of any other shape or
// owner is never a candidate; a live writer's (or this process's) never.
// With `remove`, each is deleted (unless it changed meanwhile).
struct StaleTemp {
  std::filesystem::path path;
  std::uint64_t bytes = 0;
  std::string why;  // "its writer (pid 123) is gone and it has not changed for over 60 minutes"
  bool removed = false;
};
std::vector<StaleTemp> sweep_stale_temps(const std::filesystem::path& dir, std::int64_t max_age_seconds,
                                         bool remove);

// Reads a whole file; fails when it is larger than `max_bytes`.
Result<std::string> read_file(const std::filesystem::path& path, size_t max_bytes);
// The same for `name` in an open directory (open_dir_beneath), never
// through a link; `shown` is its path for messages.
Result<std::string> read_file_at(int dirfd, const std::string& name, const std::filesystem::path& shown,
                                 size_t max_bytes);

std::string errno_text(int err);

}  // namespace thd
