#include "cache/scan.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "core/base/atomic_file.hpp"
#include "core/base/dir_list.hpp"
#include "core/base/unique_fd.hpp"

namespace thd {

void CacheCounts::add(const CacheCounts& o) {
  files += o.files;
  bytes += o.bytes;
  disk += o.disk;
  fresh += o.fresh;
  expired += o.expired;
  corrupt += o.corrupt;
}

namespace {

// A regular file `name` in the open directory `dirfd`, never through a link.
bool stat_at(int dirfd, const std::string& name, std::uint64_t& bytes, std::int64_t& mtime,
             std::uint64_t& inode, std::uint64_t& disk) {
  struct stat st {};
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) return false;
  bytes = static_cast<std::uint64_t>(st.st_size);
  disk = static_cast<std::uint64_t>(st.st_blocks) * 512;
  mtime = st.st_mtim.tv_sec;
  inode = static_cast<std::uint64_t>(st.st_ino);
  return true;
}

DirId dir_id(int dirfd) {
  struct stat st {};
  if (::fstat(dirfd, &st) != 0) return {};
  return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The old flat layout named files md5hex(...) + ".json".
bool is_md5_json_name(std::string_view name) {
  if (name.size() != 37 || !ends_with(name, ".json")) return false;
  for (char c : name.substr(0, 32))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

void add_temporary(CacheScan& scan, int dirfd, std::filesystem::path path) {
  TempRef t{std::move(path)};
  if (stat_at(dirfd, t.path.filename().string(), t.bytes, t.mtime, t.inode, t.disk)) {
    scan.temporary_bytes += t.bytes;
    scan.temporary_disk += t.disk;
    scan.temporary.push_back(std::move(t));
  }
}

struct Work {
  std::uint8_t service;
  std::string name;
};

struct WorkerResult {
  std::array<CacheCounts, k_service_names.size()> counts{};
  std::vector<EntryRef> entries;
};

using ServiceFds = std::array<int, k_service_names.size()>;

void validate_range(const ServiceFds& dirfds, const std::vector<Work>& work, std::atomic<size_t>& next,
                    UnixTime now, KeepEntries keep, WorkerResult& out) {
  EntryReader reader;
  constexpr size_t k_batch = 64;
  while (true) {
    size_t begin = next.fetch_add(k_batch);
    if (begin >= work.size()) break;
    size_t end = std::min(work.size(), begin + k_batch);
    for (size_t i = begin; i < end; ++i) {
      const Work& w = work[i];
      std::string_view service = k_service_names[w.service];
      const int dirfd = dirfds[w.service];
      EntryRef ref;
      ref.name = w.name;
      ref.service = w.service;
      FileStat fs;
      EntryCheck check = reader.check_file_at(dirfd, service, w.name, now, WantData::no, &fs);
      if (check.reason == CorruptReason::unreadable) {
        struct stat st {};
        if (::fstatat(dirfd, w.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
          continue;  // removed since listed
      }
      ref.bytes = fs.bytes;
      ref.mtime = fs.mtime;
      ref.inode = fs.inode;
      ref.disk = fs.disk;
      ref.state = check.state;
      ref.reason = check.reason;
      ref.created_at = check.created_at;
      ref.ttl_seconds = check.ttl_seconds;
      if (keep == KeepEntries::yes) ref.key = std::move(check.key);
      CacheCounts& c = out.counts[w.service];
      ++c.files;
      c.bytes += ref.bytes;
      c.disk += ref.disk;
      (check.state == EntryState::fresh     ? c.fresh
       : check.state == EntryState::expired ? c.expired
                                            : c.corrupt)++;
      if (keep == KeepEntries::yes) out.entries.push_back(std::move(ref));
    }
  }
}

}  // namespace

Result<CacheScan> scan_cache(const std::filesystem::path& dir, UnixTime now, const TtlTable& ttls,
                             KeepEntries keep, unsigned threads) {
  CacheScan scan;
  scan.dir = dir;
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      for (std::string_view s : k_service_names) scan.missing_service_dirs.emplace_back(s);
      return scan;
    }
    return fail("cannot access cache directory " + dir.string() + ": " + errno_text(errno));
  }
  if (!S_ISDIR(st.st_mode)) return fail("cache directory " + dir.string() + " is not a directory");
  scan.exists = true;
  auto rootfd = open_dir_beneath(dir, "", false);  // the root itself may be a link
  if (!rootfd) return fail(rootfd.error());
  auto root = list_directory_at(rootfd->get(), dir);
  if (!root) return fail(root.error());

  std::vector<Work> work;
  std::array<bool, k_service_names.size()> present{};
  std::array<UniqueFd, k_service_names.size()> service_fds;
  EntryReader legacy_reader;
  for (const DirEntry& item : *root) {
    // Symlinks are never followed: the cache only holds what it wrote itself.
    if (item.type == EntryType::symlink || item.type == EntryType::other) {
      scan.unknown.push_back(item.name + (item.type == EntryType::symlink ? " (symlink)" : " (not a file)"));
    } else if (item.type == EntryType::directory) {
      auto idx = service_index(item.name);
      if (!idx && item.name != ".meta") {
        scan.unknown.push_back(item.name + "/");
        continue;
      }
      // Opened beneath the root, O_NOFOLLOW, and read through that descriptor:
      // a directory swapped for a link since the listing is refused here.
      auto sub = open_dir_beneath(dir, item.name, false);
      if (!sub) {
        struct stat lst {};
        if (::fstatat(rootfd->get(), item.name.c_str(), &lst, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone
        if (S_ISLNK(lst.st_mode)) {
          scan.unknown.push_back(item.name + " (symlink)");
          continue;
        }
        if (!idx) continue;  // an unreadable .meta holds no entries
        return fail(sub.error());
      }
      if (item.name == ".meta") {
        scan.meta_dir = dir_id(sub->get());
        auto meta = list_directory_at(sub->get(), dir / item.name);
        if (meta)
          for (const DirEntry& f : *meta)
            if (f.type == EntryType::file && is_temp_name(f.name))
              add_temporary(scan, sub->get(), dir / item.name / f.name);
        continue;
      }
      present[*idx] = true;
      scan.service_dirs[*idx] = dir_id(sub->get());
      auto files = list_directory_at(sub->get(), dir / item.name);
      if (!files) return fail(files.error());
      for (const DirEntry& f : *files) {
        std::string rel = item.name + "/" + f.name;
        if (f.type == EntryType::directory)
          scan.unknown.push_back(rel + "/");
        else if (f.type != EntryType::file)
          scan.unknown.push_back(rel + " (symlink or special file)");
        else if (is_temp_name(f.name))
          add_temporary(scan, sub->get(), dir / rel);
        else if (ends_with(f.name, ".json"))
          work.push_back({static_cast<std::uint8_t>(*idx), f.name});
        else
          scan.unknown.push_back(rel);
      }
      service_fds[*idx] = std::move(*sub);
    } else if (is_temp_name(item.name)) {
      add_temporary(scan, rootfd->get(), dir / item.name);
    } else if (is_md5_json_name(item.name)) {
      LegacyRef ref;
      ref.name = item.name;
      std::int64_t mtime = 0;
      if (!stat_at(rootfd->get(), item.name, ref.bytes, mtime, ref.inode, ref.disk)) continue;
      ref.check = legacy_reader.check_legacy(dir / item.name, now, ttls);
      ref.check.data.clear();
      scan.legacy_bytes += ref.bytes;
      scan.legacy_disk += ref.disk;
      scan.legacy.push_back(std::move(ref));
    } else {
      scan.unknown.push_back(item.name);  // package.json and friends are not ours
    }
  }
  for (size_t i = 0; i < k_service_names.size(); ++i)
    if (!present[i]) scan.missing_service_dirs.emplace_back(k_service_names[i]);

  if (threads == 0) threads = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  if (work.size() < 512) threads = 1;
  ServiceFds dirfds{};
  for (size_t i = 0; i < k_service_names.size(); ++i) dirfds[i] = service_fds[i].get();
  std::vector<WorkerResult> results(threads);
  std::atomic<size_t> next{0};
  if (threads == 1) {
    validate_range(dirfds, work, next, now, keep, results[0]);
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back(validate_range, std::cref(dirfds), std::cref(work), std::ref(next), now, keep,
                        std::ref(results[t]));
    for (auto& t : pool) t.join();
  }
  for (WorkerResult& r : results) {
    for (size_t i = 0; i < k_service_names.size(); ++i) {
      scan.by_service[i].add(r.counts[i]);
      scan.total.add(r.counts[i]);
    }
    if (keep == KeepEntries::yes) {
      scan.entries.insert(scan.entries.end(), std::make_move_iterator(r.entries.begin()),
                          std::make_move_iterator(r.entries.end()));
    }
  }
  std::sort(scan.unknown.begin(), scan.unknown.end());
  return scan;
}

}  // namespace thd
