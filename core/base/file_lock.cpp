#include "core/base/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "core/base/atomic_file.hpp"

namespace thd {

Result<FileLock> FileLock::acquire(const std::filesystem::path& lock_path) {
  std::error_code ec;
  std::filesystem::create_directories(lock_path.parent_path(), ec);
  if (ec) return fail("cannot create " + lock_path.parent_path().string() + ": " + ec.message());
  UniqueFd fd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) return fail("cannot open " + lock_path.string() + ": " + errno_text(errno));
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return fail("cannot lock " + lock_path.string() + ": " + errno_text(errno));
  }
  return FileLock(std::move(fd));
}

}  // namespace thd
