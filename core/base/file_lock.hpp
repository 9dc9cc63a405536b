// An exclusive flock(2) on a lock file, held for the object's lifetime.
// Serializes read-modify-write of the small files under <cache>/.meta.
#pragma once

#include <filesystem>
#include <utility>

#include "core/base/error.hpp"
#include "core/base/unique_fd.hpp"

namespace thd {

class FileLock {
 public:
  // The lock file root/rel inside the cache, created if needed (directories
  // as open_dir_beneath, atomic_file.hpp; the file opened O_NOFOLLOW, a link
  // refused); waits for the lock.
  static Result<FileLock> acquire_beneath(const std::filesystem::path& root,
                                          const std::filesystem::path& rel);
  FileLock(FileLock&&) noexcept = default;
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;

 private:
  explicit FileLock(UniqueFd fd) : m_fd(std::move(fd)) {}
  UniqueFd m_fd;  // closing it releases the lock
};

}  // namespace thd
