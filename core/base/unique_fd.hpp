// Sole owner of a file descriptor: closes it when it goes out of scope, so
// that no early return can leak one. Move-only; -1 means "none".
#pragma once

#include <unistd.h>

#include <cerrno>
#include <utility>

namespace thd {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : m_fd(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : m_fd(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const noexcept { return m_fd; }
  explicit operator bool() const noexcept { return m_fd >= 0; }

  // Gives the descriptor up without closing it; the caller owns it now.
  [[nodiscard]] int release() noexcept { return std::exchange(m_fd, -1); }

  // Closes the descriptor held (if any) and owns `fd` instead. A close error
  // is ignored here, and errno is left as it was: on an error path the
  // caller's errno is the one worth reporting.
  void reset(int fd = -1) noexcept {
    int old = std::exchange(m_fd, fd);
    if (old < 0) return;
    int saved = errno;
    ::close(old);
    errno = saved;
  }

  // For a descriptor written to: close(2) may be the first to report that
  // the data did not reach the file. Returns 0, or close's errno (EBADF when
  // nothing is held). The descriptor is gone either way: never retried.
  [[nodiscard]] int close() noexcept {
    if (::close(release()) == 0) return 0;
    return errno;
  }

 private:
  int m_fd = -1;
};

}  // namespace thd
