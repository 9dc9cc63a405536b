// One directory listing for every scan: names with their type, symlinks
// reported as such (the caller decides whether to follow them).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/error.hpp"

namespace thd {

enum class EntryType { file, directory, symlink, other };

struct DirEntry {
  std::string name;
  EntryType type;
};

// Fails (naming the directory) when it cannot be read; `*exists` tells a
// missing directory apart, which is then an empty listing.
Result<std::vector<DirEntry>> list_directory(const std::filesystem::path& dir, bool* exists = nullptr);
// The same for a directory already open (open_dir_beneath): what is listed
// is that directory, whatever its path names meanwhile. `shown` is its path
// for messages; `dirfd` stays open and unchanged.
Result<std::vector<DirEntry>> list_directory_at(int dirfd, const std::filesystem::path& shown);

// What a symlink points to: file, directory or other (dangling counts as other).
EntryType resolve_type(const std::filesystem::path& path);

}  // namespace thd
