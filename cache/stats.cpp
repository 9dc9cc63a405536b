#include "cache/stats.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "core/base/atomic_file.hpp"
#include "core/base/date.hpp"
#include "core/base/file_lock.hpp"

namespace thd {

std::filesystem::path stats_path(const std::filesystem::path& cache_dir) {
  return cache_dir / ".meta" / "stats.json";
}

namespace {

constexpr const char* k_stats_name = "stats.json";

// stats.json in the open .meta directory, never through a link; absent is empty.
Result<StatCounters> load_at(int metafd, const std::filesystem::path& path) {
  struct stat st {};
  if (::fstatat(metafd, k_stats_name, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
    return StatCounters{};
  auto text = read_file_at(metafd, k_stats_name, path, 1 << 20);
  if (!text) return fail(text.error());
  auto stats = StatCounters::from_json(*text);
  if (!stats) return fail(path.string() + ": " + stats.error().message);
  return stats;
}

}  // namespace

Result<StatCounters> load_stats(const std::filesystem::path& cache_dir) {
  struct stat st {};
  if (::lstat((cache_dir / ".meta").c_str(), &st) != 0 && errno == ENOENT) return StatCounters{};
  auto meta = open_dir_beneath(cache_dir, ".meta", false);
  if (!meta) return fail(meta.error());
  return load_at(meta->get(), stats_path(cache_dir));
}

Result<void> merge_stats(const std::filesystem::path& cache_dir, const StatCounters& delta, UnixTime now,
                         std::string* notice) {
  const auto path = stats_path(cache_dir);
  auto lock = FileLock::acquire_beneath(cache_dir, ".meta/stats.lock");
  if (!lock) return fail(lock.error());
  // Read, set aside and replaced in .meta opened beneath the root after the
  // lock: a .meta swapped for a link while this waited is refused here.
  auto meta = open_dir_beneath(cache_dir, ".meta", false);
  if (!meta) return fail(meta.error());
  // A damaged stats file must not block the run: it is kept aside for a
  // person to look at, and counting starts again from this delta.
  auto loaded = load_at(meta->get(), path);
  std::string damaged;
  if (!loaded) {
    auto aside = path;
    aside += ".damaged";
    const std::string aside_name = aside.filename().string();
    const bool kept = ::renameat(meta->get(), k_stats_name, meta->get(), aside_name.c_str()) == 0;
    damaged = loaded.error().message + (kept ? " (kept as " + aside.string() + ")" : "");
  }
  StatCounters total = loaded ? std::move(*loaded) : StatCounters{};
  total.merge(delta);
  auto written = write_file_atomic_beneath(cache_dir, ".meta/stats.json", total.to_json(now));
  if (notice && !damaged.empty()) *notice = "cache statistics restarted: " + damaged;
  return written;
}

bool stats_recorded(const std::filesystem::path& cache_dir) {
  struct stat st {};
  return !(::lstat(stats_path(cache_dir).c_str(), &st) != 0 && errno == ENOENT);
}

Result<bool> zero_stats(const std::filesystem::path& cache_dir, UnixTime now) {
  if (!stats_recorded(cache_dir)) return false;
  auto lock = FileLock::acquire_beneath(cache_dir, ".meta/stats.lock");
  if (!lock) return fail(lock.error());
  auto written = write_file_atomic_beneath(cache_dir, ".meta/stats.json", StatCounters{}.to_json(now));
  if (!written) return fail(written.error());
  return true;
}

}  // namespace thd
