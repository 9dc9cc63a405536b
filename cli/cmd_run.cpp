#include <sys/ioctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/table.hpp"
#include "core/base/date.hpp"
#include "core/base/error.hpp"
#include "core/base/interrupt.hpp"
#include "core/base/log.hpp"
#include "core/base/text.hpp"
#include "core/config.hpp"
#include "core/pipeline.hpp"
#include "core/portfolio.hpp"

namespace thd::cli {
namespace {

// "4 s", "2 min 7 s", "1 h 3 min"
std::string duration_text(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  if (s < 60) return std::to_string(s) + " s";
  if (s < 3600) return std::to_string(s / 60) + " min" + (s % 60 ? " " + std::to_string(s % 60) + " s" : "");
  return std::to_string(s / 3600) + " h" +
         (s % 3600 / 60 ? " " + std::to_string(s % 3600 / 60) + " min" : "");
}

// "[34/59 needs] 41 calls · eta 25 s · next alpha_vantage call in 0.8 s (rate limit 1/s) · yahoo_finance
// 30/40": what matters first, for a line cut at the terminal's width; the providers still calling, with their
// calls made of planned.
std::string progress_text(const NetworkProgress& p) {
  std::string out = "[" + std::to_string(p.needs_done) + "/" + std::to_string(p.needs_total) + " needs] " +
                    std::to_string(p.calls) + " calls";
  if (p.eta_seconds >= 0)
    out += " · eta " + (p.eta_seconds < 1 ? std::string("<1 s") : duration_text(p.eta_seconds));
  const EngineWait* longest = nullptr;
  for (const EngineWait& w : p.waits)
    if (!longest || w.seconds > longest->seconds) longest = &w;
  if (longest && longest->seconds >= 0.5) {
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f s", longest->seconds);
    out += " · next " + longest->service + " call in " +
           (longest->seconds < 60 ? std::string(secs) : duration_text(longest->seconds)) + " (" +
           longest->cause + ")";
  }
  for (const auto& [service, sp] : p.services)
    if (sp.planned > 0 && sp.made < sp.planned)
      out += " · " + service + " " + std::to_string(sp.made) + "/" + std::to_string(sp.planned);
  return out;
}

int terminal_columns() {
  winsize w{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
  return 100;
}

// At most `columns` - 1 characters on screen (a full line would wrap), "·" counted as one.
std::string fit_width(const std::string& text, int columns) {
  int shown = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // a continuation byte
    if (++shown >= columns) return text.substr(0, i);
  }
  return text;
}

// 22:45:10, in UTC like every time the tool shows.
std::string clock_time(UnixTime t) {
  return format_iso8601(t).substr(11, 8);
}

// What the run did, on stderr: where the document went, phases, needs, services, why figures are missing.
void print_summary(const RunOutcome& r) {
  std::string where = r.output.empty()
                          ? (stdout_reader_gone() ? "stdout (its reader stopped early)" : "stdout")
                          : printable(r.output.string());
  std::string coverage = r.coverage ? format_percent(*r.coverage) : "-";
  print(stderr,
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
    // A breaker an earlier run saved, still open: say so, when it closes, and how not to wait.
    if (auto inherited = r.inherited_breakers.find(st.name);
        st.enabled && inherited != r.inherited_breakers.end() &&
        (used == r.usage.services.end() || used->second.calls == 0)) {
      const InheritedBreaker& b = inherited->second;
      const std::string opened = b.opened_at
                                     ? "opened by an earlier run at " + clock_time(*b.opened_at)
                                     : "saved by an earlier run (to close later than one cool-down: cut)";
      print(stderr, "  %s: skipped, breaker %s, closes at %s (--reset-breakers to retry now)\n",
            st.name.c_str(), opened.c_str(), clock_time(b.closes_at).c_str());
      continue;
    }
    if (used == r.usage.services.end()) {
      if (!st.enabled) print(stderr, "  %s: %s\n", st.name.c_str(), st.status.c_str());
      continue;
    }
    print(stderr, "  %s: %llu calls, %llu failed, circuit %s\n", st.name.c_str(),
          static_cast<unsigned long long>(used->second.calls),
          static_cast<unsigned long long>(used->second.failures), used->second.circuit.c_str());
    // Stopped for the run: the provider's words say why (a rejected key, a spent quota).
    if (!used->second.stopped.empty())
      print(stderr, "  %s: stopped: %s\n", st.name.c_str(),
            printable(used->second.stopped.substr(0, 300)).c_str());
  }
  size_t shown = 0;
  for (const auto& [reason, n] : r.missing_by_reason) {
    if (++shown > 8) break;
    print(stderr, "  missing %llu: %s\n", static_cast<unsigned long long>(n),
          printable(reason.substr(0, 300)).c_str());
  }
}

}  // namespace

CLI::App* setup_run(CLI::App& app, RunOptions& options, SettingBindings& bindings) {
  CLI::App* sub = app.add_subcommand("run", "Run the discovery pipeline for one portfolio");
  sub->add_option("--portfolio", options.portfolio,
                  "portfolio name (newest <name>_<YYYYMMDD>.csv by the date in the name, else "
                  "<name>.csv) or an exact dated name; a path to a .csv file means --csv (this or --csv is "
                  "required)")
      ->type_name("NAME");
  sub->add_option("--csv", options.csv,
                  "run on this CSV file, anywhere; the portfolio name is its file name without .csv and "
                  "a trailing _<YYYYMMDD> (this or --portfolio is required)")
      ->type_name("FILE");
  sub->add_option("--output", options.output,
                  "output file, '-' for stdout [default: <data-dir>/outputs/trade_history/discovery/"
                  "<portfolio>_<YYYYMMDD>.json]")
      ->type_name("FILE");
  for (const char* name :
       {"run.max_concurrent", "run.pool_size", "run.max_calls_per_minute", "run.max_api_calls", "run.timeout",
        "run.slow_call", "run.max_rss_mb", "run.offline", "run.services", "run.full_market_data",
        "run.no_data_ttl", "stale_days"})
    bindings.bind(*sub, name);
  sub->add_flag("--dry-run", options.dry_run,
                "print the plan (local file, fresh cache, stale cache or network per need) and exit "
                "without network calls");
  sub->add_flag("--reset-breakers", options.reset_breakers,
                "forget the circuit breakers earlier runs saved (a breaker opened by a failing service "
                "otherwise holds for up to its cool-down) and retry every service now");
  sub->add_flag("--no-progress", options.no_progress, "no progress display (it is only shown on a terminal)");
  sub->add_option("--report", options.report,
                  "also write the report for people beside the document (same name, .html or .md) and print "
                  "its path")
      ->check(CLI::IsMember({"html", "markdown"}))
      ->type_name("FORMAT");
  return sub;
}

int run_run(const RunOptions& options, Context& context) {
  // Exactly one of --portfolio NAME and --csv FILE; a path given to --portfolio is a --csv.
  if (options.portfolio.empty() == options.csv.empty())
    throw FatalError(ExitCode::usage,
                     options.csv.empty()
                         ? "run: --portfolio NAME or --csv FILE is required"
                         : "run: --portfolio and --csv name the trades twice; give one of them");
  RunRequest request;
  if (!options.csv.empty())
    request.csv = options.csv;
  else if (is_portfolio_path(options.portfolio))
    request.csv = options.portfolio;
  else
    request.portfolio = options.portfolio;
  request.reset_breakers = options.reset_breakers;
  if (!options.report.empty() && options.output == "-")
    throw FatalError(ExitCode::usage,
                     "run: --report writes beside the document; it needs a file, not --output -");
  if (!options.report.empty()) {
    const auto format = *report::parse_report_format(options.report);  // CLI11 checked the name
    std::filesystem::path target = options.output;
    target.replace_extension(std::string(report::report_extension(format)));
    if (!options.output.empty() && same_file(options.output, target))
      throw FatalError(ExitCode::usage, "run: --output " + options.output + " and --report " +
                                            options.report + ": the report (same name, " +
                                            std::string(report::report_extension(format)) +
                                            ") would replace the document; name the document .json");
  }
  if (options.dry_run) {
    DryRunPlan plan = plan_pipeline(context.config, *context.clock, request);
    print(stdout, "Plan for %s (no network call made)\n", printable(plan.portfolio_file).c_str());
    Table t({{"", 28}, {"", 0}}, 2);
    for (const DryRunLine& l : plan.lines) t.add_row({printable(l.need), l.plan});
    t.add_row({"fundamentals", "local analysis (" + std::to_string(plan.local_fundamentals) + " tickers)"});
    t.print();
    print(stdout, "Summary:");
    for (const auto& [source, n] : plan.by_source)
      print(stdout, " %s %llu;", source.c_str(), static_cast<unsigned long long>(n));
    print(stdout, "\nServices:");
    for (const ServiceState& s : plan.services) print(stdout, " %s %s;", s.name.c_str(), s.status.c_str());
    print(stdout, "\n");
    if (!plan.providers.empty()) {
      print(stdout, "Network plan: %d calls, about %s%s\n", plan.calls,
            duration_text(plan.estimated_seconds).c_str(),
            plan.budget ? (" (--max-api-calls " + std::to_string(*plan.budget) + ")").c_str()
                        : " (budget: auto, from the providers' quotas and paces)");
      Table providers({{"", 16}, {"", 40}, {"", 0}}, 2);
      for (const DryRunProvider& p : plan.providers)
        providers.add_row({p.service,
                           std::to_string(p.calls) + " calls, " + std::to_string(p.needs) + " needs" +
                               (p.setup ? " (" + std::to_string(p.setup) + " calls of setup)" : ""),
                           printable(p.standing)});
      providers.print();
      if (plan.left_missing > 0)
        print(stdout, "%d needs left missing by the plan (their lines above say why)\n", plan.left_missing);
    }
    return 0;
  }
  // Progress only for people: on a terminal, not with --no-progress, NO_COLOR or -q.
  const bool progress = !options.no_progress && ::isatty(STDERR_FILENO) && !std::getenv("NO_COLOR") &&
                        verbosity() >= Verbosity::normal;
  RunEvents events;
  std::filesystem::path report_file;  // with --report: written by publish, beside the document
  if (progress) {
    events.network_progress = [](const NetworkProgress& p) {
      print(stderr, "\r\033[K%s", fit_width(progress_text(p), terminal_columns()).c_str());
    };
    events.network_done = [] { print(stderr, "\r\033[K"); };  // clear the progress line
  } else if (verbosity() >= Verbosity::verbose) {
    // Without a terminal (a log, a cron job): one line every 10 s.
    auto last = std::make_shared<double>(-1);
    events.network_progress = [last, clock = context.clock.get()](const NetworkProgress& p) {
      const double now = clock->monotonic();
      if (*last >= 0 && now - *last < 10) return;
      if (*last < 0) {  // the first call: the line comes 10 s in
        *last = now;
        return;
      }
      *last = now;
      log_info("progress: " + progress_text(p));
    };
  }
  events.publish = [&](const Discovery& d) {
    const std::filesystem::path target =
        options.output.empty()
            ? default_output_path(context.config, d.portfolio.name, d.metadata.generated_at)
            : std::filesystem::path(options.output);
    const std::string json = render_discovery_json(d);
    const std::filesystem::path written = write_output(target, json);
    if (!options.report.empty() && !written.empty())
      report_file = write_report_beside(written, json, *report::parse_report_format(options.report));
    return written;
  };
  // From here on Ctrl-C and SIGTERM stop the run cleanly (state saved, no
  // document, exit 130/143) instead of killing it.
  install_interrupt_handlers();
  RunOutcome r;
  try {
    r = run_pipeline(context.config, *context.clock, request, events);
  } catch (...) {
    if (progress) print(stderr, "\r\033[K");  // no half-drawn progress line above the error
    throw;
  }
  for (const std::string& w : r.warnings) log_warning(printable(w));
  if (verbosity() >= Verbosity::normal) print_summary(r);
  if (!report_file.empty()) {  // its path on stdout, for a script or a click in the terminal
    if (verbosity() >= Verbosity::normal)
      print(stderr, "  report: %s (open it in a browser or an editor)\n",
            printable(report_file.string()).c_str());
    print(stdout, "%s\n", report_file.string().c_str());
  }
  // A signal that came after the last look (while the document was written
  // or the state saved): the run is complete, but the user asked it to stop.
  if (interrupt_signal() != 0)
    throw FatalError(
        interrupt_signal() == SIGTERM ? ExitCode::terminated : ExitCode::interrupted,
        "interrupted after the document was written (the warnings above say what was not saved)");
  return 0;
}

}  // namespace thd::cli
