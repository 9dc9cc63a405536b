#include "core/base/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <thread>
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
  // Once the run is interrupted (a signal ends a blocking wait with EINTR),
  // a lock another run holds is tried for two more seconds only: these locks
  // are held for milliseconds, so the run still saves its state under
  // ordinary contention, and a run that holds one for long cannot keep an
  // interrupted run from ending.
  std::optional<std::chrono::steady_clock::time_point> give_up;
  while (true) {
    const bool interrupted = interrupt_signal() != 0;
    if (::flock(fd.get(), interrupted ? LOCK_EX | LOCK_NB : LOCK_EX) == 0) break;
    if (errno == EINTR) continue;
    if (!interrupted || errno != EWOULDBLOCK)
      return fail("cannot lock " + (root / rel).string() + ": " + errno_text(errno));
    const auto now = std::chrono::steady_clock::now();
    if (!give_up) give_up = now + std::chrono::seconds(2);
    if (now >= *give_up)
      return fail("interrupted: " + (root / rel).string() + " is held by another run; not waited for");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return FileLock(std::move(fd));
}

}  // namespace thd
