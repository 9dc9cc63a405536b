#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/table.hpp"
#include "core/base/error.hpp"
#include "core/base/log.hpp"
#include "core/base/text.hpp"
#include "core/config.hpp"
#include "core/pipeline.hpp"
#include "core/portfolio.hpp"

namespace thd::cli {
namespace {

void print_config(const Config& config) {
  Table t({{"SETTING", 42}, {"VALUE", 40}, {"ORIGIN", 0}});
  if (config.config_file) t.add_row({"config_file", config.config_file->string()});
  for (const ShownSetting& s : config.shown) {
    std::string origin(origin_name(s.origin));
    if (!s.where.empty() && s.origin != Origin::built_in) origin += " (" + s.where + ")";
    t.add_row({s.name, s.value, origin});
  }
  t.print();
}

// What the run did, on stderr: where the document went, phases, needs, services, why figures are missing.
void print_summary(const RunOutcome& r) {
  std::string where = r.output.empty() ? "stdout" : r.output.string();
  std::string coverage = r.coverage ? format_percent(*r.coverage) : "-";
  std::fprintf(
      stderr,
      "trade-history-discover: wrote %s\n"
      "  phases: inventory %lld ms, trades %lld ms, market %lld ms, integration %lld ms; total %lld ms\n"
      "  %llu trades, %llu open tickers, %llu data-quality issues; local coverage %s\n"
      "  market needs %llu: %llu stale, %llu missing; cache hit ratio %s\n",
      where.c_str(), static_cast<long long>(r.times.phase0_inventory),
      static_cast<long long>(r.times.phase1_trades), static_cast<long long>(r.times.phase2_market),
      static_cast<long long>(r.times.phase3_integration), static_cast<long long>(r.times.total),
      static_cast<unsigned long long>(r.trades), static_cast<unsigned long long>(r.open_positions),
      static_cast<unsigned long long>(r.issues), coverage.c_str(), static_cast<unsigned long long>(r.needs),
      static_cast<unsigned long long>(r.needs_stale), static_cast<unsigned long long>(r.needs_missing),
      format_percent(r.hit_ratio).c_str());
  for (const ServiceState& st : r.services) {
    auto used = r.usage.services.find(st.name);
    if (used == r.usage.services.end()) {
      if (!st.enabled) std::fprintf(stderr, "  %s: %s\n", st.name.c_str(), st.status.c_str());
      continue;
    }
    std::fprintf(stderr, "  %s: %llu calls, %llu failed, circuit %s\n", st.name.c_str(),
                 static_cast<unsigned long long>(used->second.calls),
                 static_cast<unsigned long long>(used->second.failures), used->second.circuit.c_str());
  }
  size_t shown = 0;
  for (const auto& [reason, n] : r.missing_by_reason) {
    if (++shown > 8) break;
    std::fprintf(stderr, "  missing %llu: %s\n", static_cast<unsigned long long>(n),
                 printable(reason.substr(0, 300)).c_str());
  }
}

}  // namespace

CLI::App* setup_run(CLI::App& app, RunOptions& options, SettingBindings& bindings) {
  CLI::App* sub = app.add_subcommand("run", "Run the discovery pipeline for one portfolio");
  sub->add_option("--portfolio", options.portfolio,
                  "portfolio name (newest <name>_<YYYYMMDD>.csv by the date in the name, else "
                  "<name>.csv) or an exact dated name")
      ->type_name("NAME");
  sub->add_option("--output", options.output,
                  "output file, '-' for stdout [default: <data-dir>/outputs/trade_history/discovery/"
                  "<portfolio>_<YYYYMMDD>.json]")
      ->type_name("FILE");
  for (const char* name : {"run.max_concurrent", "run.pool_size", "run.max_calls_per_minute",
                           "run.max_api_calls", "run.timeout", "run.slow_call", "run.max_rss_mb",
                           "run.offline", "run.services", "run.full_market_data", "stale_days"})
    bindings.bind(*sub, name);
  sub->add_flag("--dry-run", options.dry_run,
                "print the plan (local file, fresh cache, stale cache or network per need) and exit "
                "without network calls");
  sub->add_flag("--no-progress", options.no_progress, "no progress display (it is only shown on a terminal)");
  sub->add_flag("--show-config", options.show_config,
                "print every setting with its value and origin, then exit");
  return sub;
}

int run_run(const RunOptions& options, Context& context) {
  if (options.show_config) {
    print_config(context.config);
    return 0;
  }
  if (options.portfolio.empty()) throw FatalError(ExitCode::usage, "run: --portfolio NAME is required");
  if (options.dry_run) {
    DryRunPlan plan = plan_pipeline(context.config, *context.clock, {options.portfolio});
    std::printf("Plan for %s (no network call made)\n", plan.portfolio_file.c_str());
    Table t({{"", 28}, {"", 0}}, 2);
    for (const DryRunLine& l : plan.lines) t.add_row({printable(l.need), l.plan});
    t.add_row({"fundamentals", "local analysis (" + std::to_string(plan.local_fundamentals) + " tickers)"});
    t.print();
    std::printf("Summary:");
    for (const auto& [source, n] : plan.by_source)
      std::printf(" %s %llu;", source.c_str(), static_cast<unsigned long long>(n));
    std::printf("\nServices:");
    for (const ServiceState& s : plan.services) std::printf(" %s %s;", s.name.c_str(), s.status.c_str());
    std::printf("\n");
    return 0;
  }
  // Progress only for people: on a terminal, not with --no-progress, NO_COLOR or -q.
  const bool progress = !options.no_progress && ::isatty(STDERR_FILENO) && !std::getenv("NO_COLOR") &&
                        verbosity() >= Verbosity::normal;
  RunEvents events;
  if (progress) {
    events.network_progress = [](std::uint64_t done, std::uint64_t made) {
      std::fprintf(stderr, "\r  fetching market data: %llu requests done, %llu attempts  ",
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(made));
    };
    events.network_done = [] { std::fprintf(stderr, "\r\033[K"); };  // clear the progress line
  }
  events.publish = [&](const Discovery& d) {
    const std::filesystem::path target =
        options.output.empty()
            ? default_output_path(context.config, d.portfolio.name, d.metadata.generated_at)
            : std::filesystem::path(options.output);
    return write_output(target, render_discovery_json(d));
  };
  RunOutcome r = run_pipeline(context.config, *context.clock, {options.portfolio}, events);
  for (const std::string& w : r.warnings) log_warning(w);
  if (verbosity() >= Verbosity::normal) print_summary(r);
  return 0;
}

}  // namespace thd::cli
