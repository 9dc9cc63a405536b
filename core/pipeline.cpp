#include "core/pipeline.hpp"

#include <algorithm>
#include <cstdio>

#include "cache/backends.hpp"
#include "cache/redis_team.hpp"
#include "core/base/error.hpp"
#include "core/base/interrupt.hpp"
#include "core/base/log.hpp"
#include "core/base/resource_guard.hpp"
#include "core/base/service_ids.hpp"
#include "core/base/text.hpp"
#include "core/needs.hpp"
#include "core/phase0.hpp"
#include "core/planner.hpp"
#include "core/portfolio.hpp"
#include "core/trade_stats.hpp"
#include "services/network_state.hpp"
#include "services/network_step.hpp"
#include "services/providers/registry.hpp"

namespace thd {
namespace {

// A service left out by --services: its status, and in a missing figure's cause the same words as a
// need whose every provider was left out ("excluded by --services").
constexpr std::string_view k_not_in_services = "disabled (not in --services)";

// Milliseconds between laps, on the clock's monotonic time.
class Stopwatch {
 public:
  explicit Stopwatch(const Clock& clock) : m_clock(clock), m_last(clock.monotonic()) {}
  std::int64_t lap() {
    const double now = m_clock.monotonic();
    auto ms = static_cast<std::int64_t>((now - m_last) * 1000.0);
    m_last = now;
    return ms;
  }

 private:
  const Clock& m_clock;
  double m_last;
};

// What Phase 2 is asked for, from Phase 1's tickers and Phase 0's analyses.
NeedsInput needs_input_for(const TradeStats& trades, const Phase0& phase0, const Config& config) {
  NeedsInput in;
  in.traded_tickers = trades.tickers();
  in.open_tickers = trades.open_tickers();
  in.full_market_data = config.full_market_data;
  for (const std::string& t : in.traded_tickers)
    if (phase0.local.find_ticker(t)) in.locally_covered.insert(t);
  return in;
}

// The one place where the configuration chooses the cache's backend:
// --cache-dir is a directory, always; with --remote-cache, the team's Redis
// tier behind it (local first, then remote), sharing `tier` with the team's
// quotas, breakers and fetches in flight.
Storage open_cache(const Config& config, const Clock& clock, std::shared_ptr<RedisTier>* tier = nullptr,
                   bool plan_only = false) {
  auto backend = open_run_cache(config.cache_dir, config.remote_cache, tier, plan_only);
  if (!backend) throw FatalError(ExitCode::usage, "--cache-dir: " + backend.error().message);
  return Storage(std::move(*backend), clock);
}

EngineOptions engine_options(const Config& c, std::function<bool()> tick, Team* team) {
  EngineOptions o;
  o.team = team;
  o.max_concurrent = c.max_concurrent;
  o.pool_size = c.pool_size;
  o.timeout = c.timeout_seconds;
  o.slow_call = c.slow_call_seconds;
  if (c.max_api_calls) o.max_api_calls = *c.max_api_calls;
  o.max_calls_per_minute = c.max_calls_per_minute;
  o.state_dir = c.cache_dir;
  o.tick = std::move(tick);
  return o;
}

// The network step's settings from the configuration (a run and a dry run alike).
NetworkSetup network_setup(const Config& config, EngineOptions engine, const EnvLookup& env, Storage& cache,
                           Clock& clock, const std::vector<Need>& needs,
                           const std::vector<ServiceState>& states) {
  std::set<std::string> enabled;
  for (const ServiceState& st : states)
    if (st.enabled) enabled.insert(st.name);
  NetworkSetup setup{.engine = std::move(engine),
                     .base_urls = config.base_urls,
                     .env = env,
                     .cache = cache,
                     .ttls = config.ttls,
                     .enabled = enabled,
                     .today = date_of(clock.now()),
                     .clock = clock,
                     .needs = &needs,
                     .absence_ttl = config.no_data_ttl_seconds,
                     .quota_reset_minutes = {},
                     .daily_quota = {},
                     .monthly_quota = {},
                     .user_agents = {},
                     .disabled = {},
                     .symbols = config.symbols,
                     .budget = config.max_api_calls,
                     .horizon_seconds = 1800,
                     .latency = 0.3};
  for (const ServiceState& st : states)
    if (!st.enabled) setup.disabled[st.name] = st.status;
  for (const auto& [service, o] : config.service_overrides) {
    if (o.user_agent) setup.user_agents[service] = *o.user_agent;
    if (o.daily_quota) setup.daily_quota[service] = *o.daily_quota;
    if (o.monthly_quota) setup.monthly_quota[service] = *o.monthly_quota;
    if (o.quota_reset_minutes) setup.quota_reset_minutes[service] = *o.quota_reset_minutes;
  }
  return setup;
}

// A provider's failure reduced to its kind, from its words (describe() in core/base/fetcher.cpp and the
// engine's and providers' messages).
std::string failure_class(std::string_view text) {
  const std::string t = to_lower(text);
  auto has = [&t](std::string_view w) { return t.find(w) != std::string::npos; };
  if (has("disabled")) return "disabled";
  if (has("circuit")) return "circuit open";
  if (has("budget")) return "budget spent";
  if (has("quota") || has("limit reach") || has("spent")) return "quota spent";
  if (has("key rejected") || has("api key") || has("key_rejected")) return "key rejected";
  if (has("not on your plan") || has("not on the plan") || has("not_on_plan") || has("plan does not"))
    return "not on the plan";
  if (has("no data") || has("no_data") || has("not found") || has("unknown symbol") || has("no answer for"))
    return "no data";
  if (has("rate limit") || has("rate_limited") || has("throttled")) return "rate limited";
  if (has("timeout") || has("timed out")) return "timeout";
  if (has("connect") || has("resolve") || has("reset") || has("transport") || has("refused"))
    return "connection failed";
  if (has("http ") || has("http_status")) return "HTTP error";
  if (has("cancel")) return "cancelled";
  return "failed";
}

// The network step as the planner sees it, keeping each need's failures as
// they came (their kinds), so that a missing figure's cause is read from
// them and not guessed from their words.
class KeptFailures final : public NeedFetcher {
 public:
  explicit KeptFailures(NeedFetcher& inner) : m_inner(inner) {}
  void fetch(const Need& need, Done done) override {
    m_inner.fetch(need, [this, key = key_of(need), done = std::move(done)](FetchOutcome outcome) {
      if (outcome.fetched)
        m_failures.erase(key);
      else
        m_failures[key] = outcome.failures;
      done(std::move(outcome));
    });
  }
  void run() override { m_inner.run(); }
  const std::vector<ProviderFailure>* failures(const Need& need) const {
    auto it = m_failures.find(key_of(need));
    return it == m_failures.end() ? nullptr : &it->second;
  }

 private:
  static std::string key_of(const Need& need) { return flight_name(need); }
  NeedFetcher& m_inner;
  std::map<std::string, std::vector<ProviderFailure>> m_failures;
};

// Failure kinds in order of first appearance, each with its providers: "no data (fmp, alpha_vantage),
// timeout (yahoo_finance)".
class CauseKinds {
 public:
  void add(const std::string& kind, const std::string& service) {
    auto it =
        std::find_if(m_kinds.begin(), m_kinds.end(), [&kind](const auto& k) { return k.first == kind; });
    if (it == m_kinds.end()) it = m_kinds.insert(m_kinds.end(), {kind, {}});
    if (!service.empty() && std::find(it->second.begin(), it->second.end(), service) == it->second.end())
      it->second.push_back(service);
  }
  bool empty() const { return m_kinds.empty(); }
  std::string text() const {
    std::string out;
    for (const auto& [kind, services] : m_kinds) {
      out += (out.empty() ? "" : ", ") + kind;
      if (services.empty()) continue;
      out += " (";
      for (size_t i = 0; i < services.size(); ++i) out += (i ? ", " : "") + services[i];
      out += ")";
    }
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::vector<std::string>>> m_kinds;
};

}  // namespace

std::string missing_cause(const std::vector<ProviderFailure>& failures) {
  if (failures.empty()) return "no enabled provider for it";
  CauseKinds kinds;  // in chain order
  for (const ProviderFailure& f : failures)
    kinds.add(f.kind == FailureKind::disabled && f.message == k_not_in_services
                  ? std::string("excluded by --services")
                  : failure_cause(f),
              f.service);
  return kinds.text();
}

std::string missing_cause(const std::string& reason) {
  if (reason.rfind("offline", 0) == 0) return "offline";
  if (reason.rfind("every provider excluded", 0) == 0) return "excluded by --services";
  if (reason == "no provider answered" || reason == "no enabled provider for it") return reason;
  // "yahoo_finance: no data; fmp: HTTP 500 ...": the kinds in order, each with its providers.
  CauseKinds kinds;
  size_t from = 0;
  while (from < reason.size()) {
    size_t end = reason.find("; ", from);
    if (end == std::string::npos) end = reason.size();
    const std::string part = reason.substr(from, end - from);
    from = end + 2;
    const size_t colon = part.find(": ");
    std::string service = colon == std::string::npos ? "" : part.substr(0, colon);
    if (!service_index(service)) {
      // Not a provider's failure: a note on the previous one (a message with "; " in it), or a text alone.
      if (!kinds.empty()) continue;
      service.clear();
    }
    kinds.add(failure_class(service.empty() ? part : part.substr(colon + 2)), service);
  }
  return kinds.empty() ? "unknown" : kinds.text();
}

bool names_contact(std::string_view text) {
  // An e-mail address somewhere in it: something@something.tld.
  for (size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    if (at == 0 || text[at - 1] == ' ') continue;
    std::string_view domain = text.substr(at + 1);
    domain = domain.substr(0, domain.find_first_of(" >)\t"));
    const size_t dot = domain.rfind('.');
    if (dot != std::string_view::npos && dot > 0 && dot + 2 <= domain.size() - 0 && domain.size() - dot > 2)
      return true;
  }
  return false;
}

namespace {

bool contact_from_config(const Config& config, const ProviderInfo& info) {
  auto o = config.service_overrides.find(std::string(info.name));
  return o != config.service_overrides.end() && o->second.user_agent;
}

// The contact a service is called with: [services.<name>] user_agent, else its variable
// (SEC_EDGAR_USER_AGENT).
std::string contact_of(const Config& config, const EnvLookup& env, const ProviderInfo& info) {
  if (contact_from_config(config, info))
    return *config.service_overrides.at(std::string(info.name)).user_agent;
  return env(std::string(info.contact_env)).value_or("");
}

}  // namespace

std::vector<ServiceState> service_states(const Config& config, const EnvLookup& env) {
  std::vector<ServiceState> out;
  for (const Provider* provider : all_providers()) {
    const ProviderInfo& s = provider->info();
    ServiceState st{std::string(s.name), false, ""};
    bool listed = config.services.empty() ||
                  std::find(config.services.begin(), config.services.end(), s.name) != config.services.end();
    if (config.offline)
      st.status = "disabled (offline)";
    else if (!listed)
      st.status = std::string(k_not_in_services);
    else if (s.key == KeyRequirement::required && !env(std::string(s.key_env)).has_value())
      st.status = "disabled (no key: set " + std::string(s.key_env) + ")";
    else if (!s.contact_env.empty() && !names_contact(contact_of(config, env, s)))
      st.status =
          contact_from_config(config, s)
              ? "disabled (no contact: [services." + std::string(s.name) +
                    "] user_agent has no e-mail address; write \"Name email@example.com\")"
              : "disabled (no contact: set " + std::string(s.contact_env) + "=\"Name email@example.com\")";
    else {
      st.enabled = true;
      st.status = "enabled";
    }
    out.push_back(std::move(st));
  }
  return out;
}

namespace {
// --csv FILE, else the name resolved in the trade-history directory.
PortfolioFile run_portfolio(const Config& config, const RunRequest& request) {
  if (!request.csv.empty()) return portfolio_from_csv(request.csv);
  return resolve_portfolio_argument(config.data_dir, request.portfolio);
}
}  // namespace

std::filesystem::path default_output_path(const Config& config, const std::string& portfolio, UnixTime now) {
  return config.data_dir / "outputs" / "trade_history" / "discovery" /
         (portfolio + "_" + format_compact_date(date_of(now)) + ".json");
}

RunOutcome run_pipeline(const Config& config, Clock& clock, const RunRequest& request,
                        const RunEvents& events) {
  Stopwatch total(clock), phase(clock);
  RunOutcome outcome;
  RssGuard guard(config.max_rss_mb);  // sampled at every phase boundary; exit 4 writes no document
  const UnixTime now = clock.now();
  check_interrupted();
  const PortfolioFile file = run_portfolio(config, request);
  log_info("portfolio " + printable(file.name) + ": " + printable(file.path.string()));

  // Phase 0: local files and cache health, before anything else.
  Phase0 phase0 = run_phase0(config, clock, std::nullopt);
  outcome.times.phase0_inventory = phase.lap();
  guard.check("after phase 0");
  check_interrupted();
  log_info("phase 0: " + std::to_string(phase0.local.by_ticker.size()) + " analysed tickers, " +
           std::to_string(phase0.cache.total.files) + " cache entries (" +
           std::to_string(outcome.times.phase0_inventory) + " ms)");

  // Phase 1: the trade history, streamed.
  TradeStats trades(date_of(now));
  read_trade_history(file.path, trades, CsvReader::k_default_chunk, [&guard] {
    guard.check("while reading the trade history");
    check_interrupted();
  });
  outcome.times.phase1_trades = phase.lap();
  guard.check("after phase 1");
  check_interrupted();
  log_info("phase 1: " + std::to_string(trades.rows_read()) + " rows, " +
           std::to_string(trades.total_trades()) + " trades, " + std::to_string(trades.issues_total()) +
           " data-quality issues (" + std::to_string(outcome.times.phase1_trades) + " ms)");

  // Phase 2: market context, cache first.
  const NeedsInput needs_input = needs_input_for(trades, phase0, config);
  std::vector<Need> needs = plan_needs(needs_input);
  std::shared_ptr<RedisTier> tier;
  Storage cache = open_cache(config, clock, &tier);
  std::unique_ptr<Team> team = tier ? std::make_unique<RedisTeam>(tier) : nullptr;
  ServeOptions serve{.offline = config.offline,
                     .services = {config.services.begin(), config.services.end()},
                     .team = team.get()};
  const EnvLookup env = process_environment();
  outcome.services = service_states(config, env);
  std::unique_ptr<NetworkStep> network;
  bool network_saved = false;
  // From here on, every way out saves what the run learned: the lookups
  // counted (stats.json) and the calls made and breakers (network.json; the
  // engine also saves those as calls happen). Cache entries are stored as
  // they arrive and stay: they are valid.
  auto save_learned = [&]() -> std::vector<std::string> {
    std::vector<std::string> problems;
    if (network && !network_saved) {
      network_saved = true;
      for (std::string& w : network->finish()) problems.push_back(std::move(w));
    }
    if (auto flushed = cache.flush_stats(); !flushed)
      problems.push_back("cache statistics not saved: " + flushed.error().message);
    return problems;
  };
  try {
    if (!config.offline) {
      const EngineOptions engine = engine_options(config, nullptr, team.get());
      if (request.reset_breakers) {
        NetworkStateUpdate reset;
        reset.clear_breakers = true;
        if (auto done = save_network_state(config.cache_dir, reset); !done)
          outcome.warnings.push_back("--reset-breakers: " + done.error().message);
      }
      // The engine loads and clamps the saved breakers itself; here they are
      // only described. A breaker saved to close later than its hold from
      // now was clamped: when it opened is then not known.
      NetworkState saved = load_network_state(config.cache_dir);
      const std::map<std::string, UnixTime> as_saved = saved.open_until;
      clamp_breakers(saved, now, engine.breaker_cooldown);
      const auto cooldown = static_cast<UnixTime>(engine.breaker_cooldown + 0.999);
      for (const auto& [service, until] : saved.open_until) {
        std::optional<UnixTime> opened;
        if (auto o = saved.opened_at.find(service); o != saved.opened_at.end())
          opened = o->second;
        else if (as_saved.at(service) == until)
          opened = until - cooldown;
        outcome.inherited_breakers[service] = {opened, until};
      }
      // Held by the tick, which lives as long as the network step: not a local of this block.
      auto tick = [&guard, &network, &events, &team, &clock, &serve, &cache, total = needs.size(),
                   claims_extended = clock.monotonic()]() mutable {
        if (events.network_progress && network)
          events.network_progress(
              network->progress(),
              NeedTally{total, static_cast<size_t>(cache.session_stats().total(Stat::hits))});
        // The needs this machine is fetching stay claimed while it runs (single flight).
        if (team && clock.monotonic() - claims_extended > serve.flight_hold / 3) {
          claims_extended = clock.monotonic();
          team->extend_claims(serve.flight_hold);
        }
        return !guard.over() && interrupt_signal() == 0;
      };
      network = make_network_step(network_setup(config, engine_options(config, tick, team.get()), env, cache,
                                                clock, needs, outcome.services));
    }
    std::optional<KeptFailures> kept;
    if (network) kept.emplace(*network);
    std::vector<Served> served =
        serve_needs(needs, cache, clock, serve, kept ? &*kept : nullptr, config.ttls);
    if (network && events.network_done)
      events.network_done(
          network->progress(),
          NeedTally{needs.size(), static_cast<size_t>(cache.session_stats().total(Stat::hits))});
    if (network) {
      if (network->cancelled()) {
        check_interrupted();
        // The tick saw it; cancelling freed memory since, so report what it saw.
        char buf[200];
        std::snprintf(
            buf, sizeof buf,
            "resident memory %.1f MB is over --max-rss-mb %d (while fetching); no document was written",
            guard.last_mb(), guard.max_mb());
        throw FatalError(ExitCode::resource, buf);
      }
      outcome.usage = network->usage();
      network_saved = true;
      for (std::string& w : network->finish()) outcome.warnings.push_back(std::move(w));
    }
    outcome.times.phase2_market = phase.lap();
    guard.check("after phase 2");
    check_interrupted();
    for (const Served& s : served)
      log_debug(std::string(need_kind_name(s.need.kind)) + " " + printable(s.need.subject) + ": " +
                std::string(source_kind_name(s.provenance.source)) +
                (s.provenance.service.empty() ? "" : " from " + s.provenance.service) +
                (s.provenance.reason.empty() ? "" : " (" + printable(s.provenance.reason) + ")"));
    log_info("phase 2: " + std::to_string(served.size()) + " needs planned (" +
             std::to_string(outcome.times.phase2_market) + " ms)");

    // Phase 3: the discovery value.
    std::vector<std::string> phase0_warnings = phase0.warnings;
    const std::uint64_t phase0_corrupt = phase0.cache.total.corrupt;  // for the miss-ratio warning
    Discovery discovery =
        build_discovery({config, now, file, std::move(phase0), trades, served, outcome.services,
                         cache.session_stats(), network ? &outcome.usage : nullptr});
    outcome.times.phase3_integration = phase.lap();
    outcome.times.total = total.lap();
    discovery.metadata.times = outcome.times;
    discovery.metadata.peak_rss_mb = peak_resident_mb();
    discovery.metadata.remote = cache.remote_report();

    guard.check("before writing the document");
    check_interrupted();
    outcome.output = events.publish(discovery);
    const StatCounters run_lookups = cache.session_stats();  // flush_stats() empties it
    for (std::string& w : save_learned()) outcome.warnings.push_back(std::move(w));
    outcome.warnings.insert(outcome.warnings.end(), cache.notices().begin(), cache.notices().end());

    outcome.trades = trades.total_trades();
    outcome.open_positions = trades.open_tickers().size();
    outcome.issues = trades.issues_total();
    outcome.needs = served.size();
    std::map<std::string, size_t> group_of;  // cause -> index in missing_groups
    for (const Served& s : served) {
      const SourceKind source = s.provenance.source;
      outcome.needs_missing += source == SourceKind::missing;
      outcome.needs_stale += source == SourceKind::stale_cache;
      ++outcome.by_source[std::string(source_kind_name(source))];
      if (s.need.kind == NeedKind::market) {
        ++outcome.market_needs;
        outcome.market_served += source != SourceKind::missing;
      }
      if (source != SourceKind::missing) continue;
      ++outcome.missing_by_reason[s.provenance.reason];
      const std::vector<ProviderFailure>* failures = kept ? kept->failures(s.need) : nullptr;
      const std::string cause = failures ? missing_cause(*failures) : missing_cause(s.provenance.reason);
      auto [at, added] = group_of.try_emplace(cause, outcome.missing_groups.size());
      if (added) outcome.missing_groups.push_back({cause, {}, 0});
      MissingGroup& g = outcome.missing_groups[at->second];
      ++g.needs;
      if (std::find(g.subjects.begin(), g.subjects.end(), s.need.subject) == g.subjects.end())
        g.subjects.push_back(s.need.subject);
    }
    for (MissingGroup& g : outcome.missing_groups) std::sort(g.subjects.begin(), g.subjects.end());
    std::stable_sort(outcome.missing_groups.begin(), outcome.missing_groups.end(),
                     [](const MissingGroup& a, const MissingGroup& b) {
                       return a.needs != b.needs ? a.needs > b.needs : a.cause < b.cause;
                     });
    outcome.hit_ratio = run_lookups.hit_ratio();
    outcome.coverage = discovery.integration.coverage.ratio;
    outcome.warnings.insert(outcome.warnings.end(), phase0_warnings.begin(), phase0_warnings.end());
    if (auto w = miss_ratio_warning({run_lookups, cache.unusable_misses(), phase0_corrupt}, "of this run's"))
      outcome.warnings.push_back(*w);
    return outcome;
  } catch (const FatalError& e) {
    std::vector<std::string> problems = save_learned();
    std::string kept = "; cache entries already fetched were kept";
    if (problems.empty())
      kept +=
          network ? ", and the run's statistics and quota counts saved" : ", and the run's statistics saved";
    else
      for (const std::string& p : problems) kept += "; " + p;
    throw FatalError(e.code(), e.what() + kept);
  } catch (...) {
    (void)save_learned();
    throw;
  }
}

DryRunPlan plan_pipeline(const Config& config, Clock& clock, const RunRequest& request) {
  const PortfolioFile file = run_portfolio(config, request);
  const UnixTime now = clock.now();
  Phase0 phase0 = run_phase0(config, clock, std::nullopt);
  TradeStats trades(date_of(now));
  read_trade_history(file.path, trades);
  const NeedsInput needs_input = needs_input_for(trades, phase0, config);
  std::vector<Need> needs = plan_needs(needs_input);

  DryRunPlan plan;
  plan.portfolio_file = file.path.string();
  plan.services = service_states(config, process_environment());
  plan.local_fundamentals = needs_input.locally_covered.size();
  std::set<std::string> enabled;
  for (const ServiceState& st : plan.services)
    if (st.enabled) enabled.insert(st.name);
  for (SourceKind k : {SourceKind::local, SourceKind::cache, SourceKind::network, SourceKind::stale_cache,
                       SourceKind::missing})
    plan.by_source[std::string(source_kind_name(k))] = 0;
  plan.by_source["local"] = plan.local_fundamentals;
  std::shared_ptr<RedisTier> tier;
  // Its statistics are never flushed, nothing is copied or deleted: a plan is not a run.
  Storage cache = open_cache(config, clock, &tier, true);
  std::unique_ptr<Team> team = tier ? std::make_unique<RedisTeam>(tier) : nullptr;
  ServeOptions serve{config.offline, {config.services.begin(), config.services.end()}};
  std::vector<PlannedNeed> planned = plan_sources(needs, cache, clock, serve, enabled);
  // The needs that go to the network: the fetch plan says which provider
  // each gets, what is left missing and why (no call is made: nothing runs).
  std::unique_ptr<NetworkStep> network;
  std::vector<size_t> fetched;  // indexes into `planned`, in the order given to the plan
  if (!config.offline) {
    EngineOptions engine = engine_options(config, nullptr, team.get());
    engine.ignore_saved_breakers = request.reset_breakers;  // planned as the run would: nothing saved here
    network = make_network_step(
        network_setup(config, engine, process_environment(), cache, clock, needs, plan.services));
    for (size_t i = 0; i < planned.size(); ++i)
      if (planned[i].expected == SourceKind::network) {
        network->fetch(*planned[i].need, [](FetchOutcome) {});
        fetched.push_back(i);
      }
  }
  if (network && !fetched.empty()) {
    const FetchPlan& fp = network->plan();
    for (size_t k = 0; k < fetched.size(); ++k) {
      PlannedNeed& p = planned[fetched[k]];
      const FetchAssignment& a = fp.needs[k];
      const std::string stale = p.plan.find("; stale cache") != std::string::npos
                                    ? p.plan.substr(p.plan.find("; stale cache"))
                                    : std::string();
      if (a.assigned) {
        std::string then;
        for (size_t c : a.order)
          if (c != *a.assigned) then += (then.empty() ? "" : " -> ") + std::string(p.need->chain[c].service);
        p.plan = "network: " + std::string(p.need->chain[*a.assigned].service) +
                 (then.empty() ? "" : " (then " + then + ")") + stale;
      } else {
        p.expected = stale.empty() ? SourceKind::missing : SourceKind::stale_cache;
        p.plan = (stale.empty() ? "missing: " : "stale cache: ") + describe(a.why);
      }
    }
    plan.calls = fp.calls;
    plan.estimated_seconds = fp.seconds;
    plan.left_missing = fp.left_missing;
    for (const auto& [service, pp] : network->plan_providers()) {
      DryRunProvider d{service, 0, 0, 0, "", "", std::nullopt, "", ""};
      if (auto load = fp.providers.find(service); load != fp.providers.end()) {
        d.calls = load->second.calls;
        d.needs = load->second.needs;
        d.setup = load->second.setup;
      }
      d.quota = pp.quota_text;
      d.calls_left = pp.calls_left;
      d.period = pp.quota_text.find("/month") != std::string::npos ? "this month" : "today";
      d.unavailable = pp.unavailable;
      if (!pp.unavailable.empty())
        d.standing = pp.unavailable;
      else if (pp.calls_left)
        d.standing = pp.quota_text + ", " + std::to_string(*pp.calls_left) + " left " +
                     (pp.quota_text.find("/month") != std::string::npos ? "this month" : "today");
      else if (pp.run_cap)
        d.standing = "no quota; " + std::to_string(*pp.run_cap) + " calls at most in " + pp.run_cap_text;
      else
        d.standing = "no quota";
      plan.providers.push_back(std::move(d));
    }
  }
  plan.budget = config.max_api_calls;
  std::vector<const PlannedNeed*> ordered;
  for (const PlannedNeed& p : planned) ordered.push_back(&p);
  std::stable_sort(ordered.begin(), ordered.end(), [](const PlannedNeed* a, const PlannedNeed* b) {
    return a->need->kind != b->need->kind ? a->need->kind < b->need->kind
                                          : a->need->subject < b->need->subject;
  });
  for (const PlannedNeed* p : ordered) {
    const std::string kind(need_kind_name(p->need->kind));
    plan.lines.push_back({kind + " " + p->need->subject, kind, p->need->subject, p->plan, p->expected});
    ++plan.by_source[std::string(source_kind_name(p->expected))];
  }
  std::sort(plan.providers.begin(), plan.providers.end(),
            [](const DryRunProvider& a, const DryRunProvider& b) {
              return service_index(a.service).value_or(99) < service_index(b.service).value_or(99);
            });
  return plan;
}

}  // namespace thd
