#include "core/base/dir_list.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>

#include "core/base/atomic_file.hpp"
#include "core/base/unique_fd.hpp"

namespace thd {

namespace {
EntryType type_of_mode(mode_t mode) {
  if (S_ISREG(mode)) return EntryType::file;
  if (S_ISDIR(mode)) return EntryType::directory;
  if (S_ISLNK(mode)) return EntryType::symlink;
  return EntryType::other;
}
}  // namespace

EntryType resolve_type(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return EntryType::other;
  return type_of_mode(st.st_mode);
}

Result<std::vector<DirEntry>> list_directory(const std::filesystem::path& dir, bool* exists) {
  if (exists) *exists = true;
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT && exists) {
      *exists = false;
      return std::vector<DirEntry>{};
    }
    return fail("cannot read directory " + dir.string() + ": " + errno_text(errno));
  }
  return list_directory_at(fd.get(), dir);
}

Result<std::vector<DirEntry>> list_directory_at(int dirfd, const std::filesystem::path& shown) {
  // fdopendir owns the descriptor it is given: a duplicate, read from the start.
  UniqueFd dup(::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  DIR* d = dup ? ::fdopendir(dup.get()) : nullptr;
  if (!d) return fail("cannot read directory " + shown.string() + ": " + errno_text(errno));
  (void)dup.release();
  std::vector<DirEntry> out;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    EntryType type;
    switch (e->d_type) {
      case DT_REG: type = EntryType::file; break;
      case DT_DIR: type = EntryType::directory; break;
      case DT_LNK: type = EntryType::symlink; break;
      case DT_UNKNOWN: {
        struct stat st {};
        type = ::fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? type_of_mode(st.st_mode)
                                                                          : EntryType::other;
        break;
      }
      default: type = EntryType::other;
    }
    out.push_back({std::string(name), type});
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return out;
}

}  // namespace thd
