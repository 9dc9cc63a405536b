#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "cache/optimize.hpp"
#include "cache/redis_client.hpp"
#include "cache/redis_storage.hpp"
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "core/base/atomic_file.hpp"
#include "core/base/error.hpp"
#include "core/base/json_writer.hpp"
#include "core/base/log.hpp"
#include "core/base/service_ids.hpp"
#include "core/base/text.hpp"

namespace thd::cli {
namespace {

constexpr size_t k_indent = 2;  // the table sits under the cache's title

// Services in k_service_names order, then any other name the map holds
// (the "unattributed" legacy files, a service of an older version) in order.
template <class Map>
std::vector<std::string> in_service_order(const Map& by_service) {
  std::vector<std::string> names;
  for (std::string_view s : k_service_names)
    if (by_service.count(s)) names.emplace_back(s);
  for (const auto& [name, value] : by_service)
    if (!service_index(name)) names.push_back(name);
  return names;
}

// What an action is about, for people: "fmp quote:AAPL" when the entry
// carries its key, else the file (and its service) as found.
std::string action_line(const OptimizeAction& a) {
  if (!a.key.empty()) return a.service + " " + a.key + ", " + a.reason + " (" + a.path + ")";
  return a.path + ", " + a.reason;
}

void write_json(const OptimizeReport& r, const CacheOptimizeOptions& o) {
  JsonWriter w;
  w.begin_object();
  w.field("directory", r.dir.string()).field("exists", r.exists);
  w.field("mode", o.cleanup ? (o.dry_run ? "cleanup-dry-run" : "cleanup") : "analysis");
  w.field("applied", r.applied);
  w.field("stats_zeroed", o.stats_zeroed);
  w.key("before").begin_object().field("files", r.files_before).field("bytes", r.bytes_before);
  w.field("disk_bytes", r.disk_before).end_object();
  w.key("after").begin_object().field("files", r.files_after).field("bytes", r.bytes_after);
  w.field("disk_bytes", r.disk_after).end_object();
  w.key("by_service").begin_object();
  for (const std::string& name : in_service_order(r.by_service)) {
    const ServiceTally& t = r.by_service.at(name);
    w.key(name).begin_object();
    w.field("files", t.files).field("bytes", t.bytes).field("disk_bytes", t.disk);
    w.field("valid", t.valid).field("fresh", t.fresh);
    w.field("expired", t.expired).field("corrupt", t.corrupt).field("legacy", t.legacy);
    w.field("migrated", t.migrated).field("deleted", t.deleted).field("evicted", t.evicted);
    w.end_object();
  }
  w.end_object();
  w.key("legacy").begin_object();
  w.field("total", r.legacy_total)
      .field("migratable", r.legacy_migratable)
      .field("expired", r.legacy_expired);
  w.field("unattributable", r.legacy_unattributable).field("corrupt", r.legacy_corrupt);
  w.end_object();
  w.key("temporary")
      .begin_object()
      .field("files", r.temporary)
      .field("removed", r.temporary_removed)
      .field("in_outputs", o.output_temps)
      .field("in_outputs_removed", o.output_temps_removed)
      .end_object();
  w.key("stats").begin_object();
  for (const StatInfo& info : k_stat_table) w.field(info.name, r.stats.total(info.id));
  double ratio = r.stats.hit_ratio();
  if (ratio >= 0)
    w.field("hit_ratio", ratio);
  else
    w.key("hit_ratio").null();
  w.key("by_service").begin_object();
  for (const std::string& name : in_service_order(r.stats.by_service())) {
    const StatArray& counts = r.stats.by_service().at(name);
    w.key(name).begin_object();
    for (const StatInfo& info : k_stat_table) w.field(info.name, counts[static_cast<size_t>(info.id)]);
    w.end_object();
  }
  w.end_object().end_object();
  w.key("actions").begin_array();
  for (const OptimizeAction& a : r.actions) {
    w.begin_object().field("action", a.action).field("path", a.path).field("reason", a.reason);
    if (a.service.empty())
      w.key("service").null();
    else
      w.field("service", a.service);
    if (a.key.empty())
      w.key("key").null();
    else
      w.field("key", a.key);
    w.end_object();
  }
  w.end_array();
  w.key("unknown").begin_array();
  for (const auto& u : r.unknown) w.value(u);
  w.end_array();
  w.key("errors").begin_array();
  for (const auto& e : r.errors) w.value(e);
  w.end_array();
  if (o.remote_found) {
    const RedisStorage::Survey& v = o.remote_found->survey;
    w.key("remote").begin_object();
    w.field("url", o.remote_found->url).field("state", o.remote_found->state);
    w.field("keys", v.keys).field("entries", v.entries).field("bytes", v.bytes);
    w.field("corrupt", v.corrupt).field("deleted", v.deleted).field("truncated", v.truncated);
    w.end_object();
  }
  w.end_object();
  write_terminal_json(stdout, w.str() + '\n');
}

void print_table(const OptimizeReport& r, const CacheOptimizeOptions& o, bool stats_recorded) {
  const char* verb = r.applied ? "" : "would ";
  print(stdout, "Cache  %s%s\n", printable(r.dir.string()).c_str(), r.exists ? "" : " (does not exist)");
  print(stdout, "  mode: %s\n",
        o.cleanup ? (o.dry_run ? "cleanup, dry run (nothing changed)" : "cleanup")
                  : "analysis (nothing changed; --cleanup to act)");
  print(stdout, "  before: %llu files, %s (%s on disk)\n", static_cast<unsigned long long>(r.files_before),
        format_bytes(r.bytes_before).c_str(), format_bytes(r.disk_before).c_str());
  print(stdout, "  after:  %llu files, %s (%s on disk%s)\n", static_cast<unsigned long long>(r.files_after),
        format_bytes(r.bytes_after).c_str(), format_bytes(r.disk_after).c_str(),
        r.applied || !o.cleanup ? "" : "; projected");
  Table services({{"SERVICE", 14},
                  {"BYTES", 10, Align::right},  // format_bytes: at most "1023.9 KiB"
                  {"DISK", 10, Align::right},
                  {"FRESH", 7, Align::right},
                  {"EXPIRED", 8, Align::right},
                  {"CORRUPT", 8, Align::right},
                  {"LEGACY", 7, Align::right},
                  {"MIGRATED", 9, Align::right},
                  {"DELETED", 8, Align::right},
                  {"EVICTED", 8, Align::right}},
                 k_indent);
  for (const std::string& name : in_service_order(r.by_service)) {
    const ServiceTally& t = r.by_service.at(name);
    services.add_row({name, format_bytes(t.bytes), format_bytes(t.disk), std::to_string(t.fresh),
                      std::to_string(t.expired), std::to_string(t.corrupt), std::to_string(t.legacy),
                      std::to_string(t.migrated), std::to_string(t.deleted), std::to_string(t.evicted)});
  }
  services.print();
  print(stdout, "  legacy: %llu (%llu migratable, %llu expired, %llu unattributable, %llu corrupt)\n",
        static_cast<unsigned long long>(r.legacy_total), static_cast<unsigned long long>(r.legacy_migratable),
        static_cast<unsigned long long>(r.legacy_expired),
        static_cast<unsigned long long>(r.legacy_unattributable),
        static_cast<unsigned long long>(r.legacy_corrupt));
  print(stdout, "  temporary files: %llu (%llu %s)\n", static_cast<unsigned long long>(r.temporary),
        static_cast<unsigned long long>(r.temporary_removed), r.applied ? "removed" : "to remove");
  if (o.output_temps)
    print(stdout, "  temporary files left in %s by killed runs: %llu (%llu %s)\n",
          printable(o.output_dir.string()).c_str(), static_cast<unsigned long long>(o.output_temps),
          static_cast<unsigned long long>(o.output_temps_removed), r.applied ? "removed" : "to remove");
  if (o.zero_stats)
    print(stdout, !stats_recorded  ? "  no statistics recorded yet (nothing to zero)\n"
                  : o.stats_zeroed ? "  statistics zeroed\n"
                                   : "  statistics would be zeroed\n");
  double ratio = r.stats.hit_ratio();
  print(stdout,
        "  statistics: %llu hits, %llu misses, %llu stale served, %llu stores, %llu evictions, "
        "%llu corruptions; hit ratio %s\n",
        static_cast<unsigned long long>(r.stats.total(Stat::hits)),
        static_cast<unsigned long long>(r.stats.total(Stat::misses)),
        static_cast<unsigned long long>(r.stats.total(Stat::stale_served)),
        static_cast<unsigned long long>(r.stats.total(Stat::stores)),
        static_cast<unsigned long long>(r.stats.total(Stat::evictions)),
        static_cast<unsigned long long>(r.stats.total(Stat::corruptions)), format_percent(ratio).c_str());
  if (o.dry_run || verbosity() >= Verbosity::verbose) {
    for (const OptimizeAction& a : r.actions)
      print(stdout, "  %s%s %s\n", verb, a.action.c_str(), printable(action_line(a)).c_str());
  } else if (!r.actions.empty()) {
    print(stdout, "  %zu actions %s(--dry-run or -v lists them)\n", r.actions.size(),
          r.applied ? "taken " : "planned ");
  }
  for (const auto& u : r.unknown) print(stdout, "  left alone (not ours): %s\n", printable(u).c_str());
  if (o.remote_found) {
    const RedisStorage::Survey& v = o.remote_found->survey;
    print(stdout, "\nRemote cache  %s (%s)\n", printable(o.remote_found->url).c_str(),
          o.remote_found->state.c_str());
    print(stdout, "  %llu keys%s: %llu entries, %s; %llu corrupt (%llu %s)\n",
          static_cast<unsigned long long>(v.keys), v.truncated ? " (stopped at the scan's bound)" : "",
          static_cast<unsigned long long>(v.entries), format_bytes(v.bytes).c_str(),
          static_cast<unsigned long long>(v.corrupt), static_cast<unsigned long long>(v.deleted),
          r.applied ? "deleted" : "deleted with --cleanup");
    print(stdout, "  eviction is Redis's own (maxmemory-policy allkeys-lru; docs/CACHE.md)\n");
  }
}

}  // namespace

CLI::App* setup_cache_optimize(CLI::App& app, CacheOptimizeOptions& options) {
  CLI::App* sub = app.add_subcommand(
      "cache-optimize", "Analyse the cache; with --cleanup remove what can never be served and evict");
  sub->add_flag(
      "--remote", options.remote,
      "also analyse the shared remote tier (--remote-cache); with --cleanup, delete its corrupt entries");
  sub->add_flag("--cleanup", options.cleanup,
                "delete expired and corrupt entries, temporary files older than an hour and dead legacy "
                "files; migrate live legacy files; create missing service directories");
  sub->add_flag("--dry-run", options.dry_run,
                "with --cleanup or --zero-stats: list what would be done, change nothing");
  sub->add_flag("--zero-stats", options.zero_stats,
                "reset the statistics counters (hits, misses, ...) to zero, like ccache -z; alone or with "
                "--cleanup");
  sub->add_option("--max-size", options.max_size,
                  "with --cleanup: evict least recently used entries until their logical bytes (the BYTES "
                  "column, not DISK) fit (e.g. 500MB, 1GiB)")
      ->type_name("SIZE")
      ->each([&options](const std::string&) { options.max_size_given = true; });
  sub->add_option("--evict-older-than", options.evict_older_than,
                  "with --cleanup: evict entries not used for this long (e.g. 7d, 12h)")
      ->type_name("DURATION")
      ->each([&options](const std::string&) { options.evict_older_than_given = true; });
  sub->add_option("--report", options.report, "output format: table (for people) or json (stable)")
      ->check(CLI::IsMember({"table", "json"}))
      ->type_name("FORMAT");
  return sub;
}

int run_cache_optimize(const CacheOptimizeOptions& options, Context& context) {
  OptimizeOptions o;
  o.cleanup = options.cleanup ? Cleanup::yes : Cleanup::no;
  o.dry_run = options.dry_run ? DryRun::yes : DryRun::no;
  // Given empty ('--max-size ""'): an error, not the option left out.
  if (!options.max_size.empty() || options.max_size_given) {
    o.max_size = parse_size(options.max_size);
    if (!o.max_size)
      throw FatalError(ExitCode::usage,
                       "--max-size '" + options.max_size + "': not a size (e.g. 500MB, 1GiB, 1048576)");
  }
  if (!options.evict_older_than.empty() || options.evict_older_than_given) {
    auto secs = parse_duration_seconds(options.evict_older_than, BareNumber::needs_unit);
    if (!secs)
      throw FatalError(ExitCode::usage,
                       "--evict-older-than '" + options.evict_older_than + "': " + secs.error().message);
    o.evict_older_than = static_cast<std::int64_t>(*secs);
  }
  if (!options.cleanup && ((options.dry_run && !options.zero_stats) || o.max_size || o.evict_older_than))
    log_warning("--dry-run, --max-size and --evict-older-than act only with --cleanup; analysing only");
  CacheOptimizeOptions shown = options;
  // Zeroed first: the counters a --cleanup then adds (its evictions) are the first after the reset.
  const bool recorded = stats_recorded(context.config.cache_dir);
  if (options.zero_stats && !options.dry_run) {
    auto zeroed = zero_stats(context.config.cache_dir, context.clock->now());
    if (!zeroed) {
      // The permissions hint only where permissions are the cause: a refused
      // symbolic link or a file in the way already says what to do.
      const std::string& why = zeroed.error().message;
      const bool permissions = why.find(errno_text(EACCES)) != std::string::npos ||
                               why.find(errno_text(EPERM)) != std::string::npos;
      throw FatalError(ExitCode::input,
                       "--zero-stats: " + why + "; nothing was changed" +
                           (permissions ? " (check the cache directory's permissions)" : ""));
    }
    shown.stats_zeroed = *zeroed;
  }
  auto report = optimize_cache(context.config.cache_dir, *context.clock, context.config.ttls, o);
  if (!report) throw FatalError(ExitCode::input, report.error().message);
  // The discovery folder's temporary files that killed runs left (31-190 MB each): the same rule as a run's.
  shown.output_dir = context.config.data_dir / "outputs" / "trade_history" / "discovery";
  const bool apply = options.cleanup && !options.dry_run;
  for (const StaleTemp& t : sweep_stale_temps(shown.output_dir, 3600, apply)) {
    ++shown.output_temps;
    shown.output_temps_removed += t.removed;
    report->actions.push_back({"remove-temp", t.path.string(), t.why, "", ""});
  }
  // The team's tier (--remote): every key under our prefix checked; corrupt entries deleted with --cleanup.
  if (options.remote) {
    if (!context.config.remote_cache)
      throw FatalError(ExitCode::usage,
                       "--remote: no remote cache is set (--remote-cache, THD_REMOTE_CACHE)");
    auto tier = std::make_shared<RedisTier>(*context.config.remote_cache);
    RedisStorage remote(tier);
    const RedisStorage::Survey survey = remote.survey(context.clock->now(), apply);
    shown.remote_found = RemoteSurvey{tier->spec().shown, tier->state(), survey, tier->take_notices()};
    if (shown.remote_found->state == "down")
      report->errors.push_back("--remote: " + tier->spec().shown + " did not answer");
  }
  if (options.report == "json")
    write_json(*report, shown);
  else
    print_table(*report, shown, recorded);
  if (shown.remote_found)
    for (const auto& n : shown.remote_found->notices) log_warning(printable(n));
  for (const auto& e : report->errors) log_warning(printable(e));
  for (const auto& n : report->notices) log_warning(printable(n));
  if (!report->exists)
    log_warning("cache directory " + printable(context.config.cache_dir.string()) + " does not exist");
  return report->errors.empty() ? 0 : 1;
}

}  // namespace thd::cli
