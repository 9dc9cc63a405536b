#include "core/base/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "core/base/atomic_file.hpp"

namespace thd {

Result<FileLock> FileLock::acquire(const std::filesystem::path& lock_path) {
  std::error_code ec;
  std::filesystem::create_directories(lock_path.parent_path(), ec);
  if (ec) return fail("cannot create " + lock_path.parent_path().string() + ": " + ec.message());
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return fail("cannot open " + lock_path.string() + ": " + errno_text(errno));
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      int err = errno;
      ::close(fd);
      return fail("cannot lock " + lock_path.string() + ": " + errno_text(err));
    }
  }
  return FileLock(fd);
}

FileLock::~FileLock() {
  if (m_fd >= 0) ::close(m_fd);  // closing releases the lock
}

}  // namespace thd
