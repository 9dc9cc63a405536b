#include "core/base/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "core/base/atomic_file.hpp"
#include "core/base/interrupt.hpp"

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
  // Once the run is interrupted, a lock another run holds is not waited for:
  // the run saves what it can and ends (a signal ends a wait with EINTR).
  while (true) {
    const bool interrupted = interrupt_signal() != 0;
    if (::flock(fd.get(), interrupted ? LOCK_EX | LOCK_NB : LOCK_EX) == 0) break;
    if (errno == EINTR) continue;
    if (interrupted && errno == EWOULDBLOCK)
      return fail("interrupted: " + (root / rel).string() + " is held by another run; not waited for");
    return fail("cannot lock " + (root / rel).string() + ": " + errno_text(errno));
  }
  return FileLock(std::move(fd));
}

}  // namespace thd
