// An exclusive flock(2) on a lock file, held for the object's lifetime.
// Serializes read-modify-write of the small files under <cache>/.meta.
#pragma once

#include <filesystem>

#include "core/base/error.hpp"

namespace thd {

class FileLock {
 public:
  // Creates the lock file (and its directory) if needed; waits for the lock.
  static Result<FileLock> acquire(const std::filesystem::path& lock_path);
  FileLock(FileLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : m_fd(fd) {}
  int m_fd;
};

}  // namespace thd
