#include "core/base/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "core/base/unique_fd.hpp"

namespace thd {

std::string errno_text(int err) {
  return std::strerror(err);
}

std::filesystem::path temp_path_for(const std::filesystem::path& path) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".tmp.%d.%06llx", static_cast<int>(::getpid()),
                static_cast<unsigned long long>(rng() & 0xFFFFFF));
  return path.parent_path() / ("." + path.filename().string() + suffix);
}

// ".<name>.tmp.<pid>.<hex>", the shape temp_path_for() makes.
bool is_temp_name(std::string_view name) {
  if (name.size() < 2 || name[0] != '.') return false;
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == name.size() || name.size() - dot - 1 > 16) return false;
  for (char c : name.substr(dot + 1))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  size_t pid_dot = name.rfind('.', dot - 1);
  if (pid_dot == std::string_view::npos || pid_dot + 1 == dot) return false;
  for (char c : name.substr(pid_dot + 1, dot - pid_dot - 1))
    if (c < '0' || c > '9') return false;
  return pid_dot >= 5 && name.substr(pid_dot - 4, 4) == ".tmp" && pid_dot - 4 > 1;
}

Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  const std::filesystem::path tmp = temp_path_for(path);
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd) {
    int err = errno;
    return fail("cannot write " + path.string() + ": cannot create a temporary file in " +
                tmp.parent_path().string() + "/: " + errno_text(err));
  }
  auto abandon = [&](const char* what, int err) {
    fd.reset();
    ::unlink(tmp.c_str());
    return fail(std::string(what) + " " + path.string() + ": " + errno_text(err));
  };
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return abandon("cannot write", errno);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return abandon("cannot sync", errno);
  // close() can be the first to report a failed write: checked before the rename.
  if (int err = fd.close(); err != 0) {
    ::unlink(tmp.c_str());
    return fail("cannot write " + path.string() + ": " + errno_text(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail("cannot rename into " + path.string() + ": " + errno_text(err));
  }
  return {};
}

Result<std::string> read_file(const std::filesystem::path& path, size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return fail("cannot open " + path.string() + ": " + errno_text(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return fail(path.string() + " is not a regular file");
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot read " + path.string() + ": " + errno_text(errno));
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes)
      return fail(path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace thd
