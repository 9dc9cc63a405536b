#include "cache/file_storage.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include "cache/md5.hpp"
#include "cache/stats.hpp"
#include "core/base/atomic_file.hpp"
#include "core/base/dir_list.hpp"
#include "core/base/service_ids.hpp"

namespace thd {

std::filesystem::path FileStorage::path_for(std::string_view service, std::string_view key) const {
  return m_root / service / cache_file_name(service, key);
}

Lookup FileStorage::get(std::string_view service, std::string_view key, UnixTime now) {
  Lookup out;
  const auto path = path_for(service, key);
  // Read in the service directory opened beneath the root: never through a link.
  auto dir = open_dir_beneath(m_root, std::string(service), false);
  if (!dir) return out;
  const std::string name = path.filename().string();
  struct stat st {};
  if (::fstatat(dir->get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return out;
  EntryCheck check = m_reader.check_file_at(dir->get(), service, name, now, WantData::yes);
  if (check.state == EntryState::corrupt || check.key != key) {
    out.status = LookupStatus::corrupt;
    out.reason = check.state == EntryState::corrupt ? check.reason : CorruptReason::name_mismatch;
    return out;
  }
  out.status = check.state == EntryState::fresh ? LookupStatus::fresh : LookupStatus::expired;
  out.data = std::move(check.data);
  out.created_at = check.created_at;
  out.ttl_seconds = check.ttl_seconds;
  (void)touch(service, key, now);  // best effort: LRU order only
  return out;
}

LookupStatus FileStorage::status(std::string_view service, std::string_view key, UnixTime now) {
  auto dir = open_dir_beneath(m_root, std::string(service), false);
  if (!dir) return LookupStatus::absent;
  const std::string name = cache_file_name(service, key);
  struct stat st {};
  if (::fstatat(dir->get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return LookupStatus::absent;
  EntryCheck check = m_reader.check_file_at(dir->get(), service, name, now, WantData::no);
  if (check.state == EntryState::corrupt || check.key != key) return LookupStatus::corrupt;
  return check.state == EntryState::fresh ? LookupStatus::fresh : LookupStatus::expired;
}

Result<void> FileStorage::put(std::string_view service, std::string_view key, UnixTime created_at,
                              std::int64_t ttl_seconds, std::string_view data_json) {
  // Never through a symbolic link: the service directory and the entry are checked on the way.
  return write_file_atomic_beneath(m_root, std::filesystem::path(service) / cache_file_name(service, key),
                                   serialize_entry(service, key, created_at, ttl_seconds, data_json));
}

Result<void> FileStorage::put_copy(std::string_view service, std::string_view key, UnixTime created_at,
                                   std::int64_t ttl_seconds, std::string_view data_json) {
  return write_file_atomic_beneath(m_root, std::filesystem::path(service) / cache_file_name(service, key),
                                   serialize_entry(service, key, created_at, ttl_seconds, data_json),
                                   Sync::no);
}

Result<void> FileStorage::touch(std::string_view service, std::string_view key, UnixTime now) {
  const auto path = path_for(service, key);
  auto dir = open_dir_beneath(m_root, std::string(service), false);
  if (!dir) return fail(dir.error());
  const struct timespec times[2] = {{0, UTIME_OMIT}, {now, 0}};
  const std::string name = path.filename().string();
  if (::utimensat(dir->get(), name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
    return fail("cannot touch " + path.string() + ": " + std::strerror(errno));
  return {};
}

Result<bool> FileStorage::remove(std::string_view service, std::string_view key) {
  const auto path = path_for(service, key);
  auto dir = open_dir_beneath(m_root, std::string(service), false);
  if (!dir) {
    struct stat st {};
    if (::lstat((m_root / service).c_str(), &st) != 0 && errno == ENOENT) return false;
    return fail(dir.error());
  }
  if (::unlinkat(dir->get(), path.filename().c_str(), 0) == 0) return true;
  if (errno == ENOENT) return false;
  return fail("cannot remove " + path.string() + ": " + std::strerror(errno));
}

Result<void> FileStorage::enumerate(const std::function<void(const StoredEntry&)>& each) {
  for (std::string_view service : k_service_names) {
    const auto dir = m_root / service;
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 && errno == ENOENT) continue;     // never stored: nothing to list
    auto dirfd = open_dir_beneath(m_root, std::string(service), false);  // a link is refused
    if (!dirfd) return fail(dirfd.error());
    auto items = list_directory_at(dirfd->get(), dir);
    if (!items) return fail(items.error());
    for (const DirEntry& item : *items) {
      if (item.type != EntryType::file) continue;  // symlinks and the rest are not ours
      FileStat fs;
      // Freshness is the caller's to judge (created_at + ttl); "now" is far
      // ahead so that no entry is taken for one from the future.
      constexpr UnixTime k_far_future = std::numeric_limits<UnixTime>::max() / 4;
      EntryCheck c =
          m_reader.check_file_at(dirfd->get(), service, item.name, k_far_future, WantData::no, &fs);
      if (c.state == EntryState::corrupt) continue;
      each({std::string(service), std::move(c.key), c.created_at, c.ttl_seconds, fs.bytes, fs.mtime});
    }
  }
  return {};
}

Result<void> FileStorage::add_stats(const StatCounters& delta, UnixTime now, std::string* notice) {
  return merge_stats(m_root, delta, now, notice);
}

Result<StatCounters> FileStorage::load_stats() {
  return thd::load_stats(m_root);
}

}  // namespace thd
