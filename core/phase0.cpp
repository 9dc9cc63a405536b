#include "core/phase0.hpp"

#include <algorithm>
#include <future>

#include "core/base/date.hpp"
#include "core/base/sectors.hpp"
#include "core/base/service_ids.hpp"
#include "core/base/text.hpp"

namespace thd {

std::optional<std::string> miss_ratio_warning(const RunLookups& run, std::string_view scope) {
  const std::uint64_t hits = run.stats.total(Stat::hits), misses = run.stats.total(Stat::misses);
  const std::uint64_t lookups = hits + misses;
  // A cold cache (entries absent) and entries past their TTL are misses by
  // design: only misses on entries the cache held but could not use count
  // against it (docs/CACHE.md, "The miss-ratio warning").
  const std::uint64_t unusable = std::min(run.unusable_misses, misses);
  if (lookups < k_miss_ratio_min_lookups || misses * 2 <= lookups || unusable * 2 <= misses)
    return std::nullopt;
  // Phase 0's "N corrupt cache entries" line already names the cause and the
  // fix when the run met no more unusable entries than it counted.
  if (run.corrupt_reported > 0 && unusable <= run.corrupt_reported) return std::nullopt;
  char buf[400];
  std::snprintf(buf, sizeof buf,
                "cache miss ratio is %.0f%% (over 50%%) across %llu %.*s lookups: %llu found an entry "
                "that could not be used (corrupt, unreadable, or not the record expected); "
                "`cache-optimize --cleanup` removes corrupt ones, unreadable ones need their permissions "
                "fixed (`inventory` counts them)",
                static_cast<double>(misses) * 100.0 / static_cast<double>(lookups),
                static_cast<unsigned long long>(lookups), static_cast<int>(scope.size()), scope.data(),
                static_cast<unsigned long long>(unusable));
  return std::string(buf);
}

Phase0 run_phase0(const Config& config, const Clock& clock, std::optional<CoverageRequest> coverage_request) {
  Phase0 p;
  p.now = clock.now();
  p.data_dir = config.data_dir;
  p.stale_days = config.stale_days;
  std::error_code ec;
  if (!std::filesystem::is_directory(config.data_dir, ec))
    throw FatalError(ExitCode::input, "data directory " + config.data_dir.string() +
                                          " does not exist; pass --data-dir or set THD_DATA_DIR");
  // The two scans touch different trees: the local one runs beside the cache one.
  auto local_scan = std::async(
      std::launch::async, [&] { return scan_local_inventory(config.data_dir, p.now, {config.stale_days}); });
  auto cache = scan_cache(config.cache_dir, p.now, config.ttls, KeepEntries::no);
  auto local = local_scan.get();
  if (!local) throw FatalError(ExitCode::input, local.error().message);
  p.local = std::move(*local);
  if (!cache) throw FatalError(ExitCode::input, cache.error().message);
  p.cache = std::move(*cache);
  if (p.cache.exists) {
    auto stats = load_stats(config.cache_dir);
    if (stats)
      p.stats = std::move(*stats);
    else
      p.stats_error = stats.error().message;
  }
  if (coverage_request) {
    p.warnings.insert(p.warnings.end(), coverage_request->notes.begin(), coverage_request->notes.end());
    p.coverage = compute_coverage(p.local, coverage_request->tickers);
    p.coverage_request = std::move(coverage_request);
  }

  if (!p.local.fundamental_dir_exists)
    p.warnings.push_back("no fundamental analyses: " + p.local.fundamental_dir.string() + " does not exist");
  if (!p.local.sector_dir_exists)
    p.warnings.push_back("no sector analyses: " + p.local.sector_dir.string() + " does not exist");
  for (const auto& [key, t] : p.local.by_ticker)
    if (!t.read_error.empty())
      p.warnings.push_back("newest analysis of " + t.ticker + " unreadable: " + t.read_error);
  for (const auto& [key, t] : p.local.by_ticker)
    if (t.cut)
      p.warnings.push_back("analysis " + t.file +
                           " read only up to its first 1 MiB (the limit); facts not in it "
                           "are missing (recommendation, conviction, fair value)");
  if (p.cache.total.corrupt)
    p.warnings.push_back(std::to_string(p.cache.total.corrupt) +
                         " corrupt cache entries; `cache-optimize --cleanup` removes them");
  if (!p.cache.legacy.empty())
    p.warnings.push_back(std::to_string(p.cache.legacy.size()) +
                         " legacy cache files; `cache-optimize --cleanup` migrates or removes them");
  if (!p.stats_error.empty()) p.warnings.push_back("cache statistics unreadable: " + p.stats_error);
  return p;
}

namespace {

void write_ignored(JsonWriter& w, const std::vector<IgnoredFile>& ignored) {
  w.key("ignored").begin_array();
  for (const IgnoredFile& f : ignored)
    w.begin_object().field("file", f.file).field("reason", f.reason).end_object();
  w.end_array();
}

void write_strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& items) {
  w.key(key).begin_array();
  for (const auto& s : items) w.value(s);
  w.end_array();
}

void write_sector_file(JsonWriter& w, const SectorAnalysis& s) {
  w.field("file", s.file).field("date", format_date(s.date)).field("age_days", s.age_days);
  w.field("stale", s.stale).field("files", s.files);
}

}  // namespace

void write_fundamental_facts(JsonWriter& w, const FundamentalFacts& f) {
  w.field("recommendation", f.recommendation).field("recommendation_label", f.recommendation_label);
  w.field("conviction", f.conviction);
  w.field("fair_value_low", f.fair_value_low).field("fair_value_high", f.fair_value_high);
  w.field("currency", f.currency).field("fair_value_source", f.fair_value_source);
  w.field("current_price", f.current_price);
  write_strings(w, "notes", f.notes);
}

void write_phase0_json(JsonWriter& w, const Phase0& p) {
  w.begin_object();
  w.field("generated_at", format_iso8601(p.now));
  w.field("data_dir", p.data_dir.string());
  w.field("stale_days", p.stale_days);

  const LocalInventory& inv = p.local;
  w.key("fundamental_analysis").begin_object();
  w.field("directory", inv.fundamental_dir.string()).field("exists", inv.fundamental_dir_exists);
  w.field("files", inv.fundamental_files).field("tickers", static_cast<std::uint64_t>(inv.by_ticker.size()));
  std::uint64_t stale = 0;
  for (const auto& [k, t] : inv.by_ticker) stale += t.stale;
  w.field("stale", stale);
  w.key("by_ticker").begin_object();
  for (const auto& [key, t] : inv.by_ticker) {
    w.key(to_upper(t.ticker)).begin_object();
    w.field("file", t.file).field("date", format_date(t.date)).field("age_days", t.age_days);
    w.field("stale", t.stale).field("files", t.files);
    write_fundamental_facts(w, t.facts);
    if (!t.read_error.empty()) w.field("error", t.read_error);
    w.end_object();
  }
  w.end_object();
  write_ignored(w, inv.fundamental_ignored);
  w.end_object();

  w.key("sector_analysis").begin_object();
  w.field("directory", inv.sector_dir.string()).field("exists", inv.sector_dir_exists);
  w.field("files", inv.sector_files);
  w.key("sectors").begin_object();
  for (const auto& [name, s] : inv.by_sector) {
    w.key(name).begin_object();
    write_sector_file(w, s);
    if (!s.alias.empty())
      w.field("alias", s.alias);
    else
      w.key("alias").null();
    w.end_object();
  }
  w.end_object();
  w.key("missing").begin_array();
  for (std::string_view s : k_sectors)
    if (!inv.by_sector.count(std::string(s))) w.value(s);
  w.end_array();
  w.field("theme_files", inv.theme_files);
  w.key("themes").begin_object();
  for (const auto& [name, s] : inv.by_theme) {
    w.key(name).begin_object();
    write_sector_file(w, s);
    w.end_object();
  }
  w.end_object();
  write_ignored(w, inv.sector_ignored);
  w.end_object();

  const CacheScan& c = p.cache;
  w.key("cache").begin_object();
  w.field("directory", c.dir.string()).field("exists", c.exists);
  w.field("files", c.total.files).field("bytes", c.total.bytes).field("disk_bytes", c.total.disk);
  w.field("fresh", c.total.fresh).field("expired", c.total.expired).field("corrupt", c.total.corrupt);
  w.field("legacy", static_cast<std::uint64_t>(c.legacy.size()));
  w.field("temporary", static_cast<std::uint64_t>(c.temporary.size()));
  w.key("by_service").begin_object();
  for (size_t i = 0; i < k_service_names.size(); ++i) {
    const CacheCounts& s = c.by_service[i];
    w.key(k_service_names[i]).begin_object();
    w.field("files", s.files).field("bytes", s.bytes).field("disk_bytes", s.disk).field("fresh", s.fresh);
    w.field("expired", s.expired).field("corrupt", s.corrupt);
    for (const StatInfo& info : k_stat_table) w.field(info.name, p.stats.get(k_service_names[i], info.id));
    w.end_object();
  }
  w.end_object();
  w.key("stats").begin_object();
  for (const StatInfo& info : k_stat_table) w.field(info.name, p.stats.total(info.id));
  w.end_object();
  double ratio = p.stats.hit_ratio();
  if (ratio >= 0)
    w.field("hit_ratio", ratio);
  else
    w.key("hit_ratio").null();
  write_strings(w, "unknown", c.unknown);
  w.end_object();

  if (p.coverage) {
    const Coverage& cov = *p.coverage;
    w.key("coverage").begin_object();
    w.field("source", p.coverage_request->source);
    if (!p.coverage_request->portfolio.empty()) {
      w.field("portfolio", p.coverage_request->portfolio).field("file", p.coverage_request->file);
    }
    w.field("tickers", static_cast<std::uint64_t>(cov.tickers.size()));
    w.field("covered", static_cast<std::uint64_t>(cov.covered.size()));
    w.field("ratio", cov.ratio);
    write_strings(w, "covered_tickers", cov.covered);
    write_strings(w, "missing", cov.missing);
    write_strings(w, "stale", cov.stale);
    w.end_object();
  }
  if (p.remote) {
    w.key("remote").begin_object();
    w.field("url", p.remote->url);
    w.key("shards").begin_array();
    for (const RemoteHealth::Shard& s : p.remote->shards) {
      w.begin_object().field("url", s.url).field("reachable", s.reachable);
      if (s.error.empty())
        w.key("error").null();
      else
        w.field("error", s.error);
      w.field("entries", s.entries).field("other_keys", s.other_keys).field("truncated", s.truncated);
      w.field("memory_bytes", s.memory_bytes).field("max_memory_bytes", s.max_memory_bytes);
      if (s.policy.empty())
        w.key("eviction_policy").null();
      else
        w.field("eviction_policy", s.policy);
      w.end_object();
    }
    w.end_array().end_object();
  }
  write_strings(w, "warnings", p.warnings);
  w.end_object();
}

}  // namespace thd
