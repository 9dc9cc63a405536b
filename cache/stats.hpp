// The file backend's statistics file, <cache>/.meta/stats.json (SPEC §5.4),
// merged under a lock so that concurrent runs lose no counts.
#pragma once

#include <filesystem>
#include <string>

#include "core/base/clock.hpp"
#include "core/base/error.hpp"
#include "core/base/stat_counters.hpp"

namespace thd {

std::filesystem::path stats_path(const std::filesystem::path& cache_dir);
// Missing file -> empty counters.
Result<StatCounters> load_stats(const std::filesystem::path& cache_dir);
// Adds `delta` to the persisted counters under an exclusive lock, so that
// concurrent runs lose no counts; the file is replaced atomically. A damaged
// file is renamed to stats.json.damaged and `*notice` says so.
Result<void> merge_stats(const std::filesystem::path& cache_dir, const StatCounters& delta, UnixTime now,
                         std::string* notice = nullptr);
// Resets the persisted counters (ccache -z) under the same lock as
// merge_stats, replacing the file atomically: a run merging at the same time
// lands wholly before (and is zeroed) or wholly after (and is kept). True
// when zeroed; false, with nothing done and nothing created, when the cache
// has no statistics file (no statistics recorded yet).
Result<bool> zero_stats(const std::filesystem::path& cache_dir, UnixTime now);
// Whether the cache has a statistics file (what zero_stats would zero).
bool stats_recorded(const std::filesystem::path& cache_dir);

}  // namespace thd
