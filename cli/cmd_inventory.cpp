#include <cstdio>

#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "core/base/date.hpp"
#include "core/base/error.hpp"
#include "core/base/log.hpp"
#include "core/base/service_ids.hpp"
#include "core/base/text.hpp"
#include "core/phase0.hpp"
#include "core/portfolio.hpp"

namespace thd::cli {
namespace {

constexpr size_t k_indent = 2;  // the tables sit under their section's title

std::string opt_text(const std::optional<double>& v, const char* fmt = "%.2f") {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, *v);
  return buf;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "-" : out;
}

void print_table(const Phase0& p) {
  const LocalInventory& inv = p.local;
  print(stdout, "Fundamental analyses  %s\n", printable(inv.fundamental_dir.string()).c_str());
  print(stdout, "  %llu files, %zu tickers (stale after %lld days)\n",
        static_cast<unsigned long long>(inv.fundamental_files), inv.by_ticker.size(),
        static_cast<long long>(p.stale_days));
  if (!inv.by_ticker.empty()) {
    Table table({{"TICKER", 10},
                 {"DATE", 10},
                 {"AGE", 5, Align::right},
                 {"STALE", 5, Align::left, 2},
                 {"REC", 4},
                 {"CONV", 6, Align::right},
                 {"FAIR VALUE", 21, Align::right},
                 {"", 0, Align::left, 0}},  // a note right after the fair value
                k_indent);
    for (const auto& [key, t] : inv.by_ticker) {
      std::string fair = t.facts.fair_value_low
                             ? opt_text(t.facts.fair_value_low) + " - " + opt_text(t.facts.fair_value_high)
                             : "-";
      if (t.facts.fair_value_low && t.facts.currency) fair = *t.facts.currency + " " + fair;
      // The label as written when it is not the normalised word itself ("STRONG BUY").
      std::string note = t.read_error.empty() ? "" : "  (unreadable)";
      if (t.facts.recommendation_label && t.facts.recommendation_label != t.facts.recommendation)
        note += "  (as '" + printable(*t.facts.recommendation_label) + "')";
      if (!t.facts.notes.empty()) note += "  (" + printable(t.facts.notes.front()) + ")";
      table.add_row({printable(to_upper(t.ticker)), format_date(t.date), std::to_string(t.age_days) + "d",
                     t.stale ? "yes" : "no", t.facts.recommendation.value_or("-"),
                     opt_text(t.facts.conviction), fair, note});
    }
    table.print();
  }
  for (const IgnoredFile& f : inv.fundamental_ignored)
    print(stdout, "  ignored: %s (%s)\n", printable(f.file).c_str(), printable(f.reason).c_str());

  print(stdout, "\nSector analyses  %s\n  %llu files, %zu of 11 sectors\n",
        printable(inv.sector_dir.string()).c_str(), static_cast<unsigned long long>(inv.sector_files),
        inv.by_sector.size());
  Table sectors({{"", 24}, {"", 10}, {"", 5, Align::right}, {"", 0}}, k_indent);
  for (const auto& [name, s] : inv.by_sector)
    sectors.add_row(
        {name, format_date(s.date), std::to_string(s.age_days) + "d",
         std::string(s.stale ? "stale " : "") + (s.alias.empty() ? "" : "(as '" + s.alias + "')")});
  sectors.print();
  if (!inv.by_theme.empty()) {
    print(stdout, "  themes (%llu file%s):\n", static_cast<unsigned long long>(inv.theme_files),
          inv.theme_files == 1 ? "" : "s");
    Table themes({{"", 24}, {"", 10}, {"", 5, Align::right}, {"", 0}}, k_indent);
    for (const auto& [name, s] : inv.by_theme)
      themes.add_row(
          {printable(name), format_date(s.date), std::to_string(s.age_days) + "d", s.stale ? "stale" : ""});
    themes.print();
  }
  for (const IgnoredFile& f : inv.sector_ignored)
    print(stdout, "  ignored: %s (%s)\n", printable(f.file).c_str(), printable(f.reason).c_str());

  const CacheScan& c = p.cache;
  print(stdout, "\nCache  %s%s\n", printable(c.dir.string()).c_str(),
        c.exists ? "" : " (does not exist yet)");
  print(
      stdout,
      "  %llu entries, %s (%s on disk): %llu fresh, %llu expired, %llu corrupt; %zu legacy, %zu temporary\n",
      static_cast<unsigned long long>(c.total.files), format_bytes(c.total.bytes).c_str(),
      format_bytes(c.total.disk).c_str(), static_cast<unsigned long long>(c.total.fresh),
      static_cast<unsigned long long>(c.total.expired), static_cast<unsigned long long>(c.total.corrupt),
      c.legacy.size(), c.temporary.size());
  Table services({{"SERVICE", 14},
                  {"ENTRIES", 8, Align::right},
                  {"BYTES", 10, Align::right},
                  {"DISK", 10, Align::right},
                  {"FRESH", 7, Align::right},
                  {"EXPIRED", 8, Align::right},
                  {"CORRUPT", 8, Align::right},
                  {"HITS", 7, Align::right},
                  {"MISSES", 7, Align::right}},
                 k_indent);
  for (size_t i = 0; i < k_service_names.size(); ++i) {
    const CacheCounts& s = c.by_service[i];
    services.add_row({std::string(k_service_names[i]), std::to_string(s.files), format_bytes(s.bytes),
                      format_bytes(s.disk), std::to_string(s.fresh), std::to_string(s.expired),
                      std::to_string(s.corrupt), std::to_string(p.stats.get(k_service_names[i], Stat::hits)),
                      std::to_string(p.stats.get(k_service_names[i], Stat::misses))});
  }
  services.print();
  double ratio = p.stats.hit_ratio();
  // The cumulative ratio, shown and never warned about: each run warns on its own lookups.
  if (ratio < 0)
    print(stdout, "  hit ratio: - (no lookups recorded)\n");
  else
    print(stdout,
          "  hit ratio: %s of %llu lookups recorded (cumulative; `cache-optimize --zero-stats` resets)\n",
          format_percent(ratio).c_str(),
          static_cast<unsigned long long>(p.stats.total(Stat::hits) + p.stats.total(Stat::misses)));

  if (p.remote) {
    print(stdout, "\nRemote cache  %s\n", printable(p.remote->url).c_str());
    for (const RemoteHealth::Shard& sh : p.remote->shards) {
      if (!sh.reachable) {
        print(stdout, "  %s: not reachable\n", printable(sh.url).c_str());
        continue;
      }
      std::string memory = sh.memory_bytes ? format_bytes(*sh.memory_bytes) : "-";
      if (sh.max_memory_bytes && *sh.max_memory_bytes > 0)
        memory += " of " + format_bytes(*sh.max_memory_bytes);
      print(stdout, "  %s: reachable, %llu entries%s, %llu other keys; memory %s, eviction %s\n",
            printable(sh.url).c_str(), static_cast<unsigned long long>(sh.entries), sh.truncated ? "+" : "",
            static_cast<unsigned long long>(sh.other_keys), memory.c_str(),
            sh.policy.empty() ? "-" : printable(sh.policy).c_str());
    }
  }

  if (p.coverage) {
    const Coverage& cov = *p.coverage;
    print(stdout, "\nCoverage");
    if (!p.coverage_request->portfolio.empty())
      print(stdout, "  %s (%s)", printable(p.coverage_request->portfolio).c_str(),
            printable(p.coverage_request->file).c_str());
    print(stdout, "\n  %zu of %zu tickers have a local fundamental analysis (%s)\n", cov.covered.size(),
          cov.tickers.size(), cov.ratio ? format_percent(*cov.ratio).c_str() : "-");
    print(stdout, "  missing: %s\n  stale:   %s\n", printable(join(cov.missing)).c_str(),
          printable(join(cov.stale)).c_str());
  }
}

}  // namespace

CLI::App* setup_inventory(CLI::App& app, InventoryOptions& options, SettingBindings& bindings) {
  CLI::App* sub = app.add_subcommand(
      "inventory", "Phase 0 inventory: local fundamental and sector files, cache health, coverage");
  auto* portfolio =
      sub->add_option("--portfolio", options.portfolio,
                      "coverage of this portfolio's tickers (name as in data/raw/trade_history)")
          ->type_name("NAME");
  auto* tickers = sub->add_option("--tickers", options.tickers, "coverage of these tickers (comma-separated)")
                      ->type_name("A,B,...");
  portfolio->excludes(tickers);
  sub->add_option("--report", options.report, "output format: table (for people) or json (stable)")
      ->check(CLI::IsMember({"table", "json"}))
      ->type_name("FORMAT");
  bindings.bind(*sub, "stale_days");
  return sub;
}

int run_inventory(const InventoryOptions& options, Context& context) {
  std::optional<CoverageRequest> request;
  if (!options.portfolio.empty()) {
    PortfolioFile file = resolve_portfolio(context.config.data_dir, options.portfolio);
    PortfolioTickers read = read_portfolio_tickers(file.path);
    request = CoverageRequest{"portfolio", file.name, file.path.string(), std::move(read.tickers),
                              std::move(read.notes)};
  } else if (!options.tickers.empty()) {
    CoverageRequest r{"tickers", "", "", {}, {}};
    for (const std::string& t : split(options.tickers, ',')) {
      std::string ticker(trim(t));
      if (ticker.empty()) continue;
      if (!is_valid_ticker(ticker))
        throw FatalError(ExitCode::usage, "--tickers: '" + ticker + "' is not a ticker symbol");
      r.tickers.push_back(ticker);
    }
    if (r.tickers.empty()) throw FatalError(ExitCode::usage, "--tickers: no ticker given");
    request = std::move(r);
  }
  Phase0 p = run_phase0(context.config, *context.clock, std::move(request));
  if (context.config.remote_cache) {  // the team's tier: whether it answers, what it holds
    RedisTier tier(*context.config.remote_cache);
    p.remote = check_remote(tier);
    for (const RemoteHealth::Shard& s : p.remote->shards)
      if (!s.reachable) p.warnings.push_back(s.error);
  }
  if (options.report == "json") {
    JsonWriter w;
    write_phase0_json(w, p);
    write_terminal_json(stdout, w.str() + '\n');
  } else {
    print_table(p);
  }
  for (const std::string& warning : p.warnings) log_warning(printable(warning));
  std::fflush(stdout);
  return 0;
}

}  // namespace thd::cli
