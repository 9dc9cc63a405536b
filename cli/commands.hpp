// One setup_<cmd> / run_<cmd> pair per subcommand, CLI11-example style.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "cache/redis_storage.hpp"
#include "cli/app.hpp"
#include "report/render.hpp"

namespace thd::cli {

struct RunOptions {
  std::string portfolio;
  std::string csv;  // --csv FILE
  std::string output;
  bool dry_run = false;
  bool no_progress = false;
  bool reset_breakers = false;
  bool strict = false;  // exit 5 when the run served none of its market needs
  std::string report;   // html or markdown: the report beside the document too; json: --dry-run's plan
};
CLI::App* setup_run(CLI::App& app, RunOptions& options, SettingBindings& bindings);
int run_run(const RunOptions& options, Context& context);

struct InventoryOptions {
  std::string portfolio;
  std::string tickers;
  std::string report = "table";
};
CLI::App* setup_inventory(CLI::App& app, InventoryOptions& options, SettingBindings& bindings);
int run_inventory(const InventoryOptions& options, Context& context);

// What cache-optimize --remote found in the team's tier.
struct RemoteSurvey {
  std::string url, state;
  RedisStorage::Survey survey;
  std::vector<std::string> notices;
};

struct CacheOptimizeOptions {
  bool remote = false;
  bool cleanup = false;
  bool dry_run = false;
  bool zero_stats = false;  // ccache -z: reset the cumulative statistics
  std::string max_size;
  std::string evict_older_than;
  bool max_size_given = false, evict_older_than_given = false;  // an empty value is still given
  std::string report = "table";
  // Filled by run_cache_optimize: the discovery folder's stale temporary files.
  std::filesystem::path output_dir;
  std::uint64_t output_temps = 0, output_temps_removed = 0;
  bool stats_zeroed = false;                 // --zero-stats done (false with --dry-run)
  std::optional<RemoteSurvey> remote_found;  // with --remote
};
struct ReportOptions {
  std::string file;
  std::string portfolio;
  std::string format;  // empty: from --output's extension, else table
  std::string output;
};
CLI::App* setup_report(CLI::App& app, ReportOptions& options);
int run_report(const ReportOptions& options, Context& context);
// Renders `json` (the document just written to `json_file`) as `format` beside it: same stem, .html or .md.
std::filesystem::path write_report_beside(const std::filesystem::path& json_file, const std::string& json,
                                          report::ReportFormat format);

// --show-config (global): the settings and their origins, the API keys found
// (names only), the resolved directories; format "table" or "json".
int run_show_config(const Context& context, const std::string& format);

// `init`: creates the data directory's layout (SPEC §3) with a README.md;
// never overwrites a file; says what it created.
CLI::App* setup_init(CLI::App& app);
int run_init(Context& context);

CLI::App* setup_cache_optimize(CLI::App& app, CacheOptimizeOptions& options);
int run_cache_optimize(const CacheOptimizeOptions& options, Context& context);

}  // namespace thd::cli
