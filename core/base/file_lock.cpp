#include "core/base/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "core/base/atomic_file.hpp"

namespace thd {

Result<FileLock> FileLock::acquire_beneath(const std::filesystem::path& root,
                                           const std::filesystem::path& rel) {
  auto dir = open_dir_beneath(root, rel.parent_path(), true);
  if (!dir) return fail(dir.error());
  const std::string name = rel.filename().string();
  UniqueFd fd(::openat(dir->get(), name.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd) {
    if (errno == ELOOP) return fail(symlink_refused(root / rel));
    return fail("cannot open " + (root / rel).string() + ": " + errno_text(errno));
  }
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return fail("cannot lock " + (root / rel).string() + ": " + errno_text(errno));
  }
  return FileLock(std::move(fd));
}

}  // namespace thd
