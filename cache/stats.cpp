#include "cache/stats.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/base/atomic_file.hpp"
#include "core/base/date.hpp"
#include "core/base/file_lock.hpp"

namespace thd {

std::filesystem::path stats_path(const std::filesystem::path& cache_dir) {
  return cache_dir / ".meta" / "stats.json";
}

Result<StatCounters> load_stats(const std::filesystem::path& cache_dir) {
  std::error_code ec;
  const auto path = stats_path(cache_dir);
  if (!std::filesystem::exists(path, ec)) return StatCounters{};
  auto text = read_file(path, 1 << 20);
  if (!text) return fail(text.error());
  auto stats = StatCounters::from_json(*text);
  if (!stats) return fail(path.string() + ": " + stats.error().message);
  return stats;
}

Result<void> merge_stats(const std::filesystem::path& cache_dir, const StatCounters& delta, UnixTime now,
                         std::string* notice) {
  const auto path = stats_path(cache_dir);
  auto lock = FileLock::acquire_beneath(cache_dir, ".meta/stats.lock");
  if (!lock) return fail(lock.error());
  // A damaged stats file must not block the run: it is kept aside for a
  // person to look at, and counting starts again from this delta.
  auto loaded = load_stats(cache_dir);
  std::string damaged;
  if (!loaded) {
    auto aside = path;
    aside += ".damaged";
    std::error_code rename_error;
    std::filesystem::rename(path, aside, rename_error);
    damaged = loaded.error().message + (rename_error ? "" : " (kept as " + aside.string() + ")");
  }
  StatCounters total = loaded ? std::move(*loaded) : StatCounters{};
  total.merge(delta);
  auto written = write_file_atomic_beneath(cache_dir, ".meta/stats.json", total.to_json(now));
  if (notice && !damaged.empty()) *notice = "cache statistics restarted: " + damaged;
  return written;
}

}  // namespace thd
