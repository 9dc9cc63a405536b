#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
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
#include "core/base/json_writer.hpp"
#include "core/base/log.hpp"
#include "core/base/service_ids.hpp"
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

// Colour for the summary's status words: on a terminal (stderr), unless NO_COLOR is set to anything
// (no-color.org). Progress does not depend on it.
bool use_colour() {
  const char* no_colour = std::getenv("NO_COLOR");
  return ::isatty(STDERR_FILENO) && !(no_colour && *no_colour);
}

enum class Tone { good, warn, bad };

std::string paint(std::string_view word, Tone tone, bool colour) {
  if (!colour) return std::string(word);
  const char* code = tone == Tone::good ? "\033[32m" : tone == Tone::warn ? "\033[33m" : "\033[31m";
  return code + std::string(word) + "\033[0m";
}

// "1 call", "7 calls"
std::string count_of(std::uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// "3s", "2m07s", "1h03m": short, for the progress line.
std::string eta_text(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%llds", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, s % 3600 / 60);
  return buf;
}

// Characters on screen: "·" (two bytes) counted as one.
size_t shown_width(const std::string& text) {
  size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// "[ 34/59 needs] 12 network, 20 cache, 2 failed · yahoo_finance 8/12 · eta 3s · alpha_vantage: next call
// in 14 s (rate limit 5/min; 25/day plan)": every need of the run, where the settled ones came from (the
// cache at once, then the network: served, or failed, to be served stale or missing), the providers still
// calling (calls made of planned), the time left, and the longest wait and its cause. Within `columns`
// (0: no limit) the providers go first, the last one first, so the time left and the wait stay.
std::string progress_text(const NetworkProgress& p, const NeedTally& tally, int columns = 0) {
  // Before the network step every need was looked up: a fresh entry is served (cache), a need with no
  // provider to ask (--services, no key, offline services) waits for a stale entry or stays missing.
  const size_t before = tally.total > p.needs_total ? tally.total - p.needs_total : 0;
  const size_t cache = std::min(tally.cached, before);
  const size_t no_provider = before - cache;
  const size_t done = before + p.needs_done;
  const size_t network = p.needs_done - std::min(p.needs_done, p.needs_failed);
  const int width = static_cast<int>(std::to_string(tally.total).size());
  char head[64];
  std::snprintf(head, sizeof head, "[%*zu/%zu needs] ", width, done, tally.total);
  std::string out = head + std::to_string(network) + " network, " + std::to_string(cache) + " cache";
  if (no_provider) out += ", " + std::to_string(no_provider) + " no provider";
  if (p.needs_failed) out += ", " + std::to_string(p.needs_failed) + " failed";
  std::vector<std::string> services;
  for (const std::string_view name : k_service_names)
    if (auto sp = p.services.find(std::string(name));
        sp != p.services.end() && sp->second.planned > 0 && sp->second.made < sp->second.planned)
      services.push_back(" · " + sp->first + " " + std::to_string(sp->second.made) + "/" +
                         std::to_string(sp->second.planned));
  std::string eta, wait;
  if (p.eta_seconds >= 0)
    eta = " · eta " + (p.eta_seconds < 1 ? std::string("<1s") : eta_text(p.eta_seconds));
  const EngineWait* longest = nullptr;
  for (const EngineWait& w : p.waits)
    if (!longest || w.seconds > longest->seconds) longest = &w;
  if (longest && longest->seconds >= 0.5)
    wait = " · " + longest->service + ": next call in " + duration_text(longest->seconds) + " (" +
           longest->cause + ")";
  auto line = [&] {
    std::string l = out;
    for (const std::string& sv : services) l += sv;
    return l + eta + wait;
  };
  // Too wide: whole items go, never one cut in the middle: the wait, then the eta, then the
  // per-provider counts, the last first.
  auto too_wide = [&] { return columns > 0 && shown_width(line()) >= static_cast<size_t>(columns); };
  if (too_wide()) wait.clear();
  if (too_wide()) eta.clear();
  while (too_wide() && !services.empty()) services.pop_back();
  return line();
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

// "AAPL, MSFT, QQQ", or the first `most` and "and 12 more".
std::string subjects_text(const std::vector<std::string>& subjects, size_t most) {
  std::string out;
  for (size_t i = 0; i < subjects.size() && i < most; ++i) out += (i ? ", " : "") + printable(subjects[i]);
  if (subjects.size() > most) out += " and " + std::to_string(subjects.size() - most) + " more";
  return out;
}

constexpr size_t k_causes_shown = 8;

// What the run did, on stderr: where the document went, phases, needs, services (in k_service_names'
// order), the missing figures by cause with their tickers.
void print_summary(const RunOutcome& r) {
  const bool colour = use_colour();
  std::string where =
      r.output.empty()
          ? (stdout_reader_gone() ? "document written to standard output (its reader stopped early)"
                                  : "document written to standard output")
          : "wrote " + printable(r.output.string());
  std::string coverage = r.coverage ? format_percent(*r.coverage) : "-";
  auto from = [&r](const char* source) {
    auto it = r.by_source.find(source);
    return it == r.by_source.end() ? std::uint64_t{0} : it->second;
  };
  std::string needs_line =
      "  needs " + std::to_string(r.needs) + ": " + std::to_string(from("network")) + " network, " +
      std::to_string(from("cache")) + " cache, " +
      paint(std::to_string(r.needs_stale) + " stale", Tone::warn, colour && r.needs_stale) + ", " +
      paint(std::to_string(r.needs_missing) + " missing", Tone::bad, colour && r.needs_missing) +
      "; cache hit ratio " + format_percent(r.hit_ratio) + "\n";
  print(stderr,
        "trade-history-discover: %s\n"
        "  phases: inventory %lld ms, trades %lld ms, market %lld ms, integration %lld ms; total %lld ms\n"
        "  %s, %s, %s; local coverage %s\n",
        where.c_str(), static_cast<long long>(r.times.phase0_inventory),
        static_cast<long long>(r.times.phase1_trades), static_cast<long long>(r.times.phase2_market),
        static_cast<long long>(r.times.phase3_integration), static_cast<long long>(r.times.total),
        count_of(r.trades, "trade", "trades").c_str(),
        count_of(r.open_positions, "open ticker", "open tickers").c_str(),
        count_of(r.issues, "data-quality issue", "data-quality issues").c_str(), coverage.c_str());
  write_terminal(stderr, needs_line);
  std::vector<const ServiceState*> services;
  for (const ServiceState& st : r.services) services.push_back(&st);
  std::stable_sort(services.begin(), services.end(), [](const ServiceState* a, const ServiceState* b) {
    return service_index(a->name).value_or(99) < service_index(b->name).value_or(99);
  });
  for (const ServiceState* stp : services) {
    const ServiceState& st = *stp;
    auto used = r.usage.services.find(st.name);
    // A breaker an earlier run saved, still open: say so, when it closes, and how not to wait.
    if (auto inherited = r.inherited_breakers.find(st.name);
        st.enabled && inherited != r.inherited_breakers.end() &&
        (used == r.usage.services.end() || used->second.calls == 0)) {
      const InheritedBreaker& b = inherited->second;
      if (used == r.usage.services.end() || used->second.not_sent == 0) {  // nothing to do: nothing skipped
        print(stderr, "  %s: not called (breaker from an earlier run open until %s)\n", st.name.c_str(),
              clock_time(b.closes_at).c_str());
        continue;
      }
      const std::string opened = b.opened_at
                                     ? "opened by an earlier run at " + clock_time(*b.opened_at)
                                     : "saved by an earlier run (to close later than one cool-down: cut)";
      print(stderr, "  %s: %s, breaker %s, closes at %s (--reset-breakers to retry now)\n", st.name.c_str(),
            paint("skipped", Tone::warn, colour).c_str(), opened.c_str(), clock_time(b.closes_at).c_str());
      continue;
    }
    if (used == r.usage.services.end()) {
      // Disabled (and why), or enabled but given nothing to do (its needs served by the cache or others).
      print(stderr, "  %s: %s\n", st.name.c_str(), st.enabled ? "not called" : st.status.c_str());
      continue;
    }
    const ServiceUsage& u = used->second;
    // Calls are the requests sent, retries included; failed, those calls not answered well. A request
    // refused before any call (an open breaker, a spent quota or budget) is no call: counted apart.
    const std::uint64_t failed = u.calls > u.ok ? u.calls - u.ok : 0;
    std::string word;
    if (!u.stopped.empty())
      word = paint("stopped", Tone::bad, colour);
    else if (u.calls > 0 && failed == u.calls)
      word = paint("failed", Tone::bad, colour);
    else if (failed > 0 || u.not_sent > 0)
      word = paint("warnings", Tone::warn, colour);
    else if (u.calls > 0)
      word = paint("ok", Tone::good, colour);
    else
      word = "not called";
    std::string line = "  " + st.name + ": " + word + ", " + count_of(u.calls, "call", "calls") + ", " +
                       std::to_string(failed) + " failed";
    if (u.not_sent > 0)
      line += "; " + count_of(u.not_sent, "request", "requests") + " not sent (" + u.not_sent_cause + ")";
    std::string circuit = u.circuit;  // "half-open", as NETWORK.md says it
    std::replace(circuit.begin(), circuit.end(), '_', '-');
    line += "; circuit " + circuit + "\n";
    write_terminal(stderr, line);
    // Stopped for the run: the provider's words say why (a rejected key, a spent quota).
    if (!u.stopped.empty())
      print(stderr, "  %s: stopped: %s\n", st.name.c_str(), printable(u.stopped.substr(0, 300)).c_str());
  }
  // The missing figures by cause, with their tickers; every cause counted, none dropped in silence.
  // One cause left over is shown rather than summed up as "1 more".
  const size_t most = r.missing_groups.size() == k_causes_shown + 1 ? k_causes_shown + 1 : k_causes_shown;
  size_t shown = 0;
  for (const MissingGroup& g : r.missing_groups) {
    if (shown == most) break;
    ++shown;
    write_terminal(stderr, "  " + paint("missing", Tone::bad, colour) + " " + std::to_string(g.needs) + ", " +
                               printable(g.cause) + ": " + subjects_text(g.subjects, 8) + "\n");
  }
  if (r.missing_groups.size() > shown) {
    std::uint64_t rest = 0;
    for (size_t i = shown; i < r.missing_groups.size(); ++i) rest += r.missing_groups[i].needs;
    print(stderr, "  and %zu more causes (%s): see each figure's provenance.reason in the document\n",
          r.missing_groups.size() - shown, count_of(rest, "missing need", "missing needs").c_str());
  }
}

// "25/day plan" -> "25/day"
std::string quota_words(const std::string& quota) {
  const size_t plan = quota.rfind(" plan");
  return plan == std::string::npos ? quota : quota.substr(0, plan);
}

// "plans 41 network calls; budget 100; alpha_vantage would need 9 of its 25/day (3 left today)": the planned
// calls against --max-api-calls and each quota they draw on.
std::string budget_line(const DryRunPlan& plan) {
  std::string out =
      "plans " + count_of(static_cast<std::uint64_t>(plan.calls), "network call", "network calls") +
      "; budget " +
      (plan.budget ? std::to_string(*plan.budget) : std::string("auto (the providers' quotas and paces)"));
  for (const DryRunProvider& p : plan.providers) {
    if (p.calls == 0 || !p.calls_left || p.quota.empty()) continue;
    out += "; " + p.service + " would need " + std::to_string(p.calls) + " of its " + quota_words(p.quota) +
           " (" + std::to_string(*p.calls_left) + " left " + p.period + ")";
  }
  return out;
}

void print_plan(const DryRunPlan& plan) {
  print(stdout, "Plan for %s (no network call made)\n", printable(plan.portfolio_file).c_str());
  Table t({{"", 28}, {"", 0}}, 2);
  for (const DryRunLine& l : plan.lines) t.add_row({printable(l.need), printable(l.plan)});
  t.add_row({"fundamentals", "local analysis (" + std::to_string(plan.local_fundamentals) + " tickers)"});
  t.print();
  std::string sources;
  for (const char* source : {"local", "cache", "network", "stale_cache", "missing"}) {
    auto it = plan.by_source.find(source);
    sources += (sources.empty() ? "" : ", ") + std::to_string(it == plan.by_source.end() ? 0 : it->second) +
               " " + (std::string_view(source) == "stale_cache" ? "stale cache" : source);
  }
  print(stdout, "Sources: %s\n", sources.c_str());
  print(stdout, "Services:\n");
  Table services({{"", 16}, {"", 0}}, 2);
  for (const ServiceState& st : plan.services) services.add_row({st.name, printable(st.status)});
  services.print();
  if (!plan.providers.empty()) {
    print(stdout, "Network plan: %s, about %s%s\n",
          count_of(static_cast<std::uint64_t>(plan.calls), "call", "calls").c_str(),
          duration_text(plan.estimated_seconds).c_str(),
          plan.budget ? (" (--max-api-calls " + std::to_string(*plan.budget) + ")").c_str()
                      : " (budget: auto, from the providers' quotas and paces)");
    // The services the plan may call, in the one order; a disabled one is on the Services list above,
    // with why.
    Table providers({{"", 16}, {"", 40}, {"", 0}}, 2);
    for (const DryRunProvider& p : plan.providers) {
      const auto state = std::find_if(plan.services.begin(), plan.services.end(),
                                      [&p](const ServiceState& st) { return st.name == p.service; });
      if (state != plan.services.end() && !state->enabled) continue;
      providers.add_row(
          {p.service,
           count_of(static_cast<std::uint64_t>(p.calls), "call", "calls") + ", " +
               count_of(static_cast<std::uint64_t>(p.needs), "need", "needs") +
               (p.setup ? " (" + count_of(static_cast<std::uint64_t>(p.setup), "call", "calls") + " of setup)"
                        : ""),
           printable(p.standing)});
    }
    providers.print();
    print(stdout, "%s\n", budget_line(plan).c_str());
    if (plan.left_missing > 0)
      print(stdout, "%s left missing by the plan (their lines above say why)\n",
            count_of(static_cast<std::uint64_t>(plan.left_missing), "need", "needs").c_str());
  } else {
    print(stdout, "plans 0 network calls (no service is called in this run)\n");
  }
}

// The plan as one JSON object (schemas/run-plan.schema.json).
std::string plan_json(const DryRunPlan& plan) {
  JsonWriter w;
  w.begin_object();
  w.field("portfolio_file", plan.portfolio_file);
  w.key("needs").begin_array();
  for (const DryRunLine& l : plan.lines) {
    w.begin_object();
    w.field("kind", l.kind).field("subject", l.subject).field("source", source_kind_name(l.expected));
    w.field("plan", l.plan);
    w.end_object();
  }
  w.end_array();
  w.field("local_fundamentals", plan.local_fundamentals);
  w.key("by_source").begin_object();
  for (const char* source : {"local", "cache", "network", "stale_cache", "missing"}) {
    auto it = plan.by_source.find(source);
    w.field(source, it == plan.by_source.end() ? std::uint64_t{0} : it->second);
  }
  w.end_object();
  w.key("services").begin_array();
  for (const ServiceState& st : plan.services) {
    w.begin_object();
    w.field("name", st.name).field("enabled", st.enabled).field("status", st.status);
    w.end_object();
  }
  w.end_array();
  w.key("network").begin_object();
  w.field("calls", plan.calls).field("budget", plan.budget);
  w.field("estimated_seconds", plan.estimated_seconds).field("left_missing", plan.left_missing);
  w.key("providers").begin_array();
  for (const DryRunProvider& p : plan.providers) {
    w.begin_object();
    w.field("service", p.service).field("calls", p.calls).field("needs", p.needs).field("setup", p.setup);
    if (p.quota.empty())
      w.key("quota").null();
    else
      w.field("quota", quota_words(p.quota));
    w.field("calls_left", p.calls_left);
    if (p.calls_left)
      w.field("period", p.period);
    else
      w.key("period").null();
    if (p.unavailable.empty())
      w.key("unavailable").null();
    else
      w.field("unavailable", p.unavailable);
    w.field("standing", p.standing);
    w.end_object();
  }
  w.end_array();
  w.field("summary", budget_line(plan));
  w.end_object();
  w.end_object();
  return w.take();
}

}  // namespace

CLI::App* setup_run(CLI::App& app, RunOptions& options, SettingBindings& bindings) {
  CLI::App* sub = app.add_subcommand("run", "Run the discovery pipeline for one portfolio");
  sub->add_option("--portfolio", options.portfolio,
                  "portfolio name (newest <name>_<YYYYMMDD>.csv by the date in the name, else "
                  "<name>.csv) or an exact dated name; a path to a .csv file means --csv")
      ->type_name("NAME");
  sub->add_option("--csv", options.csv,
                  "run on this CSV file, anywhere; the portfolio name is its file name without .csv and "
                  "a trailing _<YYYYMMDD>")
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
                  "html|markdown: also write the report for people beside the document (same name, .html or "
                  ".md) and print its path; json: with --dry-run, the plan as JSON on stdout")
      ->check(CLI::IsMember({"html", "markdown", "json"}))
      ->type_name("FORMAT");
  sub->add_flag("--strict", options.strict,
                "exit 5 when the run served none of its market needs (from the cache, stale or the "
                "network); the document is still written");
  return sub;
}

int run_run(const RunOptions& options, Context& context) {
  // Exactly one of --portfolio NAME and --csv FILE; a path given to --portfolio is resolved with the data dir
  // (resolve_portfolio_argument).
  if (options.portfolio.empty() == options.csv.empty())
    throw FatalError(ExitCode::usage,
                     options.csv.empty()
                         ? "run: --portfolio NAME or --csv FILE is required"
                         : "run: --portfolio and --csv name the trades twice; give one of them");
  RunRequest request;
  if (!options.csv.empty())
    request.csv = options.csv;
  else
    request.portfolio = options.portfolio;
  request.reset_breakers = options.reset_breakers;
  const bool beside =
      !options.report.empty() && options.report != "json";  // a report file beside the document
  if (beside && options.output == "-")
    throw FatalError(ExitCode::usage,
                     "run: --report writes beside the document; it needs a file, not --output -");
  if (beside) {
    const auto format = *report::parse_report_format(options.report);  // CLI11 checked the name
    std::filesystem::path target = options.output;
    target.replace_extension(std::string(report::report_extension(format)));
    if (!options.output.empty() && same_file(options.output, target))
      throw FatalError(ExitCode::usage, "run: --output " + options.output + " and --report " +
                                            options.report + ": the report (same name, " +
                                            std::string(report::report_extension(format)) +
                                            ") would replace the document; name the document .json");
  }
  if (options.report == "json" && !options.dry_run)
    throw FatalError(
        ExitCode::usage,
        "run: --report json is the plan of --dry-run (or --show-config); a run writes its "
        "document as JSON already: use --report html or --report markdown for a report beside it");
  if (options.dry_run) {
    const DryRunPlan plan = plan_pipeline(context.config, *context.clock, request);
    if (options.report == "json")
      write_terminal_json(stdout, plan_json(plan) + '\n');
    else
      print_plan(plan);
    return 0;
  }
  // Progress only for people: on a terminal, not with --no-progress or -q. NO_COLOR takes the colour
  // away, not the progress.
  const bool progress = !options.no_progress && ::isatty(STDERR_FILENO) && verbosity() >= Verbosity::normal;
  RunEvents events;
  std::filesystem::path report_file;  // with --report: written by publish, beside the document
  if (progress) {
    // Redrawn 10 times a second at most (on the monotonic clock); the last state is always drawn.
    using Steady = std::chrono::steady_clock;
    auto last = std::make_shared<std::optional<Steady::time_point>>();
    auto draw = [](const NetworkProgress& p, const NeedTally& t) {
      print(stderr, "\r\033[K%s",
            fit_width(progress_text(p, t, terminal_columns()), terminal_columns()).c_str());
      std::fflush(stderr);
      set_status_line(true);
    };
    events.network_progress = [last, draw](const NetworkProgress& p, const NeedTally& t) {
      const Steady::time_point now = Steady::now();
      if (*last && now - **last < std::chrono::milliseconds(100)) return;
      *last = now;
      draw(p, t);
    };
    events.network_done = [draw](const NetworkProgress& p, const NeedTally& t) {
      draw(p, t);
      print(stderr, "\r\033[K");  // erased: the summary follows
      set_status_line(false);
    };
  } else if (verbosity() >= Verbosity::verbose) {
    // Without a terminal (a log, a cron job): one line every 10 s.
    auto last = std::make_shared<double>(-1);
    events.network_progress = [last, clock = context.clock.get()](const NetworkProgress& p,
                                                                  const NeedTally& t) {
      const double now = clock->monotonic();
      if (*last >= 0 && now - *last < 10) return;
      if (*last < 0) {  // the first call: the line comes 10 s in
        *last = now;
        return;
      }
      *last = now;
      log_info("progress: " + progress_text(p, t));
    };
  }
  events.publish = [&](const Discovery& d) {
    const std::filesystem::path target =
        options.output.empty()
            ? default_output_path(context.config, d.portfolio.name, d.metadata.generated_at)
            : std::filesystem::path(options.output);
    const std::string json = render_discovery_json(d);
    const std::filesystem::path written = write_output(target, json);
    if (beside && !written.empty())
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
    set_status_line(false);
    throw;
  }
  for (const std::string& w : r.warnings) log_warning(printable(w));
  // Nothing from anywhere: every market figure is missing. Said plainly; --strict makes it exit 5.
  const bool none_served = r.market_needs > 0 && r.market_served == 0;
  if (none_served)
    log_warning("none of the run's " + count_of(r.market_needs, "market need", "market needs") +
                " was served (not from the cache, a stale entry or the network): every market figure is "
                "missing; the summary says why" +
                (options.strict ? " (--strict: exit 5)" : ""));
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
  if (none_served && options.strict) return static_cast<int>(ExitCode::incomplete);
  return 0;
}

}  // namespace thd::cli
