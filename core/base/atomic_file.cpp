#include "core/base/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>
#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>

#include "core/base/unique_fd.hpp"

namespace thd {

std::string errno_text(int err) {
  return std::strerror(err);
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

namespace {

std::string temp_name_for(const std::string& name) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".tmp.%d.%06llx", static_cast<int>(::getpid()),
                static_cast<unsigned long long>(rng() & 0xFFFFFF));
  return "." + name + suffix;
}

bool is_symlink_at(int dirfd, const char* name) {
  struct stat st {};
  return ::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

// The temporary file in `dirfd`, fsynced, renamed over `name`. `path` is
// root/rel for messages.
Result<void> write_in_dir(int dirfd, const std::filesystem::path& path, const std::string& name,
                          std::string_view content, bool refuse_link, Sync sync = Sync::yes) {
  const std::string tmp = temp_name_for(name);
  UniqueFd fd(::openat(dirfd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd) {
    int err = errno;
    return fail("cannot write " + path.string() + ": cannot create a temporary file in " +
                path.parent_path().string() + "/: " + errno_text(err));
  }
  auto abandon = [&](const std::string& what, int err) {
    fd.reset();
    ::unlinkat(dirfd, tmp.c_str(), 0);
    return fail(what + " " + path.string() + (err ? ": " + errno_text(err) : std::string()));
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
  if (sync == Sync::yes && ::fsync(fd.get()) != 0) return abandon("cannot sync", errno);
  // close() can be the first to report a failed write: checked before the rename.
  if (int err = fd.close(); err != 0) return abandon("cannot write", err);
  if (refuse_link && is_symlink_at(dirfd, name.c_str())) {
    ::unlinkat(dirfd, tmp.c_str(), 0);
    return fail(symlink_refused(path));
  }
  if (::renameat(dirfd, tmp.c_str(), dirfd, name.c_str()) != 0) {
    int err = errno;
    ::unlinkat(dirfd, tmp.c_str(), 0);
    return fail("cannot rename into " + path.string() + ": " + errno_text(err));
  }
  return {};
}

}  // namespace

std::filesystem::path temp_path_for(const std::filesystem::path& path) {
  return path.parent_path() / temp_name_for(path.filename().string());
}

std::string symlink_refused(const std::filesystem::path& path) {
  return path.string() +
         " is a symbolic link inside the cache; refused, nothing is written through it (remove the link)";
}

namespace {

// A temporary file of a document this tool writes: ".<name>.tmp.<pid>.<6 hex>"
// exactly as temp_name_for() makes it, <name> ending in one of the tool's
// output extensions. Nothing else in a user's folder is ever a candidate.
bool is_document_temp_name(std::string_view name) {
  if (!is_temp_name(name)) return false;
  const size_t hex_dot = name.rfind('.');
  if (name.size() - hex_dot - 1 != 6) return false;
  const std::string_view target = name.substr(1, name.rfind(".tmp.", hex_dot) - 1);
  for (std::string_view ext : {".json", ".md", ".html"})
    if (target.size() > ext.size() && target.ends_with(ext)) return true;
  return false;
}

}  // namespace

std::vector<StaleTemp> sweep_stale_temps(const std::filesystem::path& dir, std::int64_t max_age_seconds,
                                         bool remove) {
  std::vector<StaleTemp> out;
  UniqueFd dirfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dirfd) return out;
  DIR* d = ::fdopendir(::dup(dirfd.get()));
  if (!d) return out;
  const std::time_t now = std::time(nullptr);
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d))
    if (is_document_temp_name(e->d_name)) names.emplace_back(e->d_name);
  ::closedir(d);
  for (const std::string& name : names) {
    struct stat st {};
    if (::fstatat(dirfd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) continue;
    if (st.st_uid != ::geteuid()) continue;  // another user's: not ours to judge
    // ".<name>.tmp.<pid>.<hex>": the pid sits between the last two dots.
    const size_t hex_dot = name.rfind('.');
    const size_t pid_dot = name.rfind('.', hex_dot - 1);
    const long pid = std::strtol(name.c_str() + pid_dot + 1, nullptr, 10);
    // This process has written nothing here yet (the sweep comes first): a
    // temp with its pid is an earlier process's (in a container the tool is
    // often pid 1 every time), judged by its age like any dead writer's.
    const bool alive = pid > 0 && pid <= 0x3fffffff && pid != ::getpid() &&
                       (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
    const std::int64_t age = static_cast<std::int64_t>(now) - static_cast<std::int64_t>(st.st_mtime);
    // Both: a pid that looks dead may be a live writer in another pid
    // namespace or on another host sharing the folder (its file keeps
    // changing), and a writer stopped with Ctrl-Z for hours is still alive.
    if (alive || age <= max_age_seconds) continue;
    StaleTemp t{dir / name, static_cast<std::uint64_t>(st.st_size),
                "its writer (pid " + std::to_string(pid) + ") is gone and it has not changed for over " +
                    std::to_string(max_age_seconds / 60) + " minutes",
                false};
    if (remove) {
      struct stat again {};
      // Still the file we looked at: an inode, size and mtime that moved mean a writer is at it.
      if (::fstatat(dirfd.get(), name.c_str(), &again, AT_SYMLINK_NOFOLLOW) == 0 &&
          again.st_ino == st.st_ino && again.st_size == st.st_size && again.st_mtime == st.st_mtime)
        t.removed = ::unlinkat(dirfd.get(), name.c_str(), 0) == 0;
    }
    out.push_back(std::move(t));
  }
  return out;
}

Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  const std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  UniqueFd dirfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dirfd)
    return fail("cannot write " + path.string() + ": cannot create a temporary file in " + dir.string() +
                "/: " + errno_text(errno));
  return write_in_dir(dirfd.get(), path, path.filename().string(), content, false);
}

Result<UniqueFd> open_dir_beneath(const std::filesystem::path& root, const std::filesystem::path& rel,
                                  bool create) {
  UniqueFd fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));  // the root may be a link
  if (!fd && errno == ENOENT && create) {
    std::error_code ec;
    std::filesystem::create_directories(root, ec);
    if (ec) return fail("cannot create " + root.string() + ": " + ec.message());
    fd.reset(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  }
  if (!fd) return fail("cannot open " + root.string() + ": " + errno_text(errno));
  std::filesystem::path here = root;
  for (const auto& part : rel) {
    const std::string name = part.string();
    if (name.empty() || name == ".") continue;
    if (name == "..") return fail(root.string() + ": '..' in " + rel.string());
    here /= name;
    UniqueFd next(::openat(fd.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next && errno == ENOENT && create) {
      if (::mkdirat(fd.get(), name.c_str(), 0755) != 0 && errno != EEXIST)
        return fail("cannot create " + here.string() + ": " + errno_text(errno));
      next.reset(::openat(fd.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    }
    if (!next) {
      int err = errno;
      if (is_symlink_at(fd.get(), name.c_str())) return fail(symlink_refused(here));
      return fail("cannot open " + here.string() + ": " + errno_text(err));
    }
    fd = std::move(next);
  }
  return fd;
}

Result<void> write_file_atomic_beneath(const std::filesystem::path& root, const std::filesystem::path& rel,
                                       std::string_view content, Sync sync) {
  auto dir = open_dir_beneath(root, rel.parent_path(), true);
  if (!dir) return fail(dir.error());
  return write_in_dir(dir->get(), root / rel, rel.filename().string(), content, true, sync);
}

namespace {

Result<std::string> read_all(UniqueFd fd, const std::filesystem::path& path, size_t max_bytes) {
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

}  // namespace

Result<std::string> read_file(const std::filesystem::path& path, size_t max_bytes) {
  return read_all(UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)), path, max_bytes);
}

Result<std::string> read_file_at(int dirfd, const std::string& name, const std::filesystem::path& shown,
                                 size_t max_bytes) {
  UniqueFd fd(::openat(dirfd, name.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW));
  if (!fd && errno == ELOOP) return fail(symlink_refused(shown));
  return read_all(std::move(fd), shown, max_bytes);
}

}  // namespace thd
