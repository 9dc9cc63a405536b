// make_network_step: the engine, the provider chains and their parsers,
// wired from the run's settings.
#include "services/network_step.hpp"

#include <algorithm>
#include <limits>

#include "core/base/secrets.hpp"
#include "services/http_engine.hpp"
#include "services/network_state.hpp"
#include "services/provider_fetcher.hpp"
#include "services/providers/registry.hpp"

namespace thd {
namespace {

class EngineStep final : public NetworkStep {
 public:
  EngineStep(const NetworkSetup& s, EngineOptions engine, std::map<std::string, ServiceLimit> limits,
             ProviderSettings settings)
      : m_engine(with_saves(std::move(engine)), std::move(limits), s.clock),
        m_fetcher(m_engine, std::move(settings), s.cache, s.ttls, s.clock),
        m_enabled(s.enabled),
        m_state_dir(s.engine.state_dir),
        m_clock(s.clock),
        m_slots(std::max(1, std::min(s.engine.max_concurrent, s.engine.pool_size))),
        m_per_minute(s.engine.max_calls_per_minute) {}

  void fetch(const Need& need, Done done) override { m_fetcher.fetch(need, std::move(done)); }
  void run() override {
    m_fetcher.run();
    m_cancelled = m_fetcher.cancelled();
  }
  bool cancelled() const override { return m_cancelled; }
  const FetchPlan& plan() override { return m_fetcher.plan(); }
  const std::map<std::string, PlanProvider>& plan_providers() const override {
    return m_fetcher.plan_providers();
  }

  NetworkProgress progress() const override {
    NetworkProgress p;
    p.needs_total = m_fetcher.needs_total();
    p.needs_done = m_fetcher.needs_done();
    p.needs_failed = m_fetcher.needs_failed();
    for (const auto& [name, c] : m_engine.counters()) p.calls += c.attempts;
    p.services = m_fetcher.service_progress();
    const EngineProgress e = m_engine.progress();
    for (const auto& [service, c] : m_engine.counters())
      p.services[service].made = static_cast<int>(c.attempts);
    p.waits = m_engine.waits();
    // Each provider's calls left at its pace (as planned from the run's
    // start), or all calls left at the latency seen so far over the slots.
    if (e.answered == 0 || p.needs_done >= p.needs_total) return p;
    const double latency = e.busy_seconds / static_cast<double>(e.answered);
    const auto& providers = m_fetcher.plan_providers();
    double eta = 0;
    int left_total = 0;
    for (const auto& [service, sp] : p.services) {
      // In the engine's queue, and planned but not begun yet (waiting for a session, a gate) and still
      // wanted (a need served another way, or whose call its plan refused, gives its call back).
      auto queued = e.queued.find(service);
      const int left = (queued == e.queued.end() ? 0 : static_cast<int>(queued->second)) + sp.held;
      left_total += left;
      auto pace = providers.find(service);
      if (pace == providers.end() || left == 0) continue;
      const PlanProvider& pp = pace->second;
      double t = pace_seconds(pp.per_minute, pp.per_second, sp.made + left) -
                 pace_seconds(pp.per_minute, pp.per_second, sp.made);
      if (pp.per_second == 1) t = std::max(t, left * latency);
      eta = std::max(eta, t + latency);
    }
    eta = std::max(eta, left_total * latency / std::max(1, m_slots));
    if (m_per_minute > 0) eta = std::max(eta, left_total * 60.0 / m_per_minute);  // --max-calls-per-minute
    if (left_total == 0) eta = latency;                                           // what is in flight
    p.eta_seconds = eta;
    return p;
  }

  NetworkUsage usage() const override {
    NetworkUsage u;
    u.connections = m_engine.connections();
    for (const auto& [name, c] : m_engine.counters()) {
      ServiceUsage& s = u.services[name];
      s.calls = c.attempts;
      s.failures = c.failures();
      s.ok = c.outcomes[static_cast<size_t>(Outcome::ok)];
      std::uint64_t commonest = 0;
      for (size_t i = 1; i < c.unsent.size(); ++i) {
        s.not_sent += c.unsent[i];
        if (c.unsent[i] > commonest) {
          commonest = c.unsent[i];
          s.not_sent_cause = std::string(outcome_name(static_cast<Outcome>(i)));
          std::replace(s.not_sent_cause.begin(), s.not_sent_cause.end(), '_', ' ');
        }
      }
      s.circuit = std::string(breaker_state_name(m_engine.breaker_state(name)));
      s.stopped = c.stopped;
      u.attempts += c.attempts;
      u.succeeded += c.outcomes[static_cast<size_t>(Outcome::ok)];
      for (size_t i = 1; i < c.outcomes.size(); ++i)
        if (c.outcomes[i]) u.failed[std::string(outcome_name(static_cast<Outcome>(i)))] += c.outcomes[i];
    }
    // Requests the run's plan did not send (its quota, pace or budget): not sent all the same.
    for (const auto& [name, causes] : m_fetcher.plan_unsent()) {
      ServiceUsage& s = u.services[name];
      std::uint64_t commonest = 0;
      for (const auto& [cause, n] : causes) {
        s.not_sent += n;
        commonest = std::max(commonest, n);
      }
      if (s.not_sent_cause.empty() || commonest * 2 > s.not_sent)  // the plan's refusals are the most
        for (const auto& [cause, n] : causes)
          if (n == commonest) {
            s.not_sent_cause = cause;
            break;
          }
      if (s.circuit.empty()) s.circuit = std::string(breaker_state_name(m_engine.breaker_state(name)));
    }
    // A service the plan passed over without a call: its breaker, and why it stopped
    // (a quota an earlier run spent, in the provider's saved words).
    for (const auto& [name, p] : m_fetcher.plan_providers()) {
      if (!m_enabled.count(name) || p.unavailable.empty()) continue;
      if (auto seen = u.services.find(name); seen != u.services.end() && seen->second.calls > 0) continue;
      ServiceUsage& s = u.services[name];
      s.circuit = std::string(breaker_state_name(m_engine.breaker_state(name)));
      if (p.unavailable_kind == FailureKind::quota_exhausted ||
          p.unavailable_kind == FailureKind::auth_rejected)
        s.stopped = p.unavailable;
    }
    return u;
  }

  std::vector<std::string> finish() override {
    std::vector<std::string> warnings;
    if (auto saved = m_engine.save_state(); !saved)
      warnings.push_back("breaker and quota state not saved: " + saved.error().message);
    if (auto saved = save_learned_absences(); !saved)
      warnings.push_back("answers without data not remembered: " + saved.error().message);
    return warnings;
  }

 private:
  // The absences the run learned, saved as it goes (at most every 30 s, from
  // the engine's tick), when the tick stops the run, and at its end: an
  // interrupted run keeps them too.
  EngineOptions with_saves(EngineOptions o) {
    o.tick = [this, inner = std::move(o.tick)] {
      const bool go_on = inner ? inner() : true;
      // At most every 30 s (the file is read and written whole: 50,000
      // absences take ~0.3 s), and at once when the run is being stopped.
      if (!go_on || m_clock.monotonic() - m_last_absence_save >= 30.0) (void)save_learned_absences();
      return go_on;
    };
    return o;
  }
  Result<void> save_learned_absences() {
    if (m_state_dir.empty() || m_fetcher.absences_version() == m_saved_version) return {};
    m_last_absence_save = m_clock.monotonic();
    auto saved = save_absences(m_state_dir, m_fetcher.absences_learned(), m_clock.now());
    if (saved) m_saved_version = m_fetcher.absences_version();
    return saved;
  }

  HttpEngine m_engine;
  ProviderFetcher m_fetcher;
  std::set<std::string> m_enabled;
  std::filesystem::path m_state_dir;
  const Clock& m_clock;
  int m_slots;
  int m_per_minute;  // --max-calls-per-minute, 0: none
  bool m_cancelled = false;
  std::uint64_t m_saved_version = 0;
  double m_last_absence_save = -1e9;
};

}  // namespace

std::vector<std::string> register_run_secrets(const EnvLookup& env) {
  std::vector<std::string> warnings;
  const std::string too_short = " is shorter than " + std::to_string(k_min_secret_length) +
                                " characters: it cannot be redacted from providers' text";
  for (const Provider* provider : all_providers()) {
    for (std::string_view env_name : {provider->info().key_env, provider->info().paid_key_env}) {
      const std::string name(env_name);
      if (name.empty()) continue;
      if (auto key = env(name); key && !register_secret(*key)) warnings.push_back(name + too_short);
    }
  }
  if (!register_environment_url_secrets())
    warnings.push_back("a password in a THD_* URL variable" + too_short);
  return warnings;
}

std::unique_ptr<NetworkStep> make_network_step(const NetworkSetup& s) {
  std::map<std::string, ServiceLimit> limits;
  ProviderSettings p;
  auto setting = [](const std::map<std::string, int>& m, const std::string& name, int fallback) {
    auto it = m.find(name);
    return it == m.end() ? fallback : it->second;
  };
  for (const Provider* provider : all_providers()) {
    const ProviderInfo& info = provider->info();
    const std::string name(info.name);
    limits[name] = {info.per_minute, setting(s.daily_quota, name, info.per_day), info.per_second,
                    setting(s.monthly_quota, name, info.per_month), setting(s.quota_reset_minutes, name, 0)};
    if (!info.key_env.empty())
      if (auto key = s.env(std::string(info.key_env))) p.keys[name] = *key;
  }
  p.base_urls = s.base_urls;
  p.enabled = s.enabled;
  p.env = s.env;
  p.today = s.today;
  p.absence_ttl = s.absence_ttl;
  p.user_agents = s.user_agents;
  p.disabled = s.disabled;
  p.symbols = s.symbols;
  p.budget = s.budget;
  p.horizon_seconds = s.horizon_seconds;
  p.latency = s.latency;
  p.slots = std::max(1, std::min(s.engine.max_concurrent, s.engine.pool_size));
  p.per_minute = s.engine.max_calls_per_minute;
  if (s.needs)
    for (const Need& need : *s.needs)
      for (const NeedSource& src : need.chain) p.subjects[std::string(src.service)].push_back(need.subject);
  for (auto& [service, subjects] : p.subjects) {
    std::sort(subjects.begin(), subjects.end());
    subjects.erase(std::unique(subjects.begin(), subjects.end()), subjects.end());
  }
  if (!s.engine.state_dir.empty()) p.absent = load_absences(s.engine.state_dir);
  EngineOptions engine = s.engine;
  // Auto: the plan and the providers' quotas bound the calls, not one number.
  engine.max_api_calls = s.budget ? *s.budget : std::numeric_limits<int>::max() / 2;
  if (auto ca = s.env("THD_CA_BUNDLE"); ca && !ca->empty()) engine.ca_bundle = *ca;
  return std::make_unique<EngineStep>(s, std::move(engine), std::move(limits), std::move(p));
}

}  // namespace thd
