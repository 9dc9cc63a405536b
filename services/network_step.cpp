// make_network_step: the engine, the provider chains and their adapters,
// wired from the run's configuration.
#include "core/network_step.hpp"

#include "services/catalog.hpp"
#include "services/http_engine.hpp"
#include "services/provider_fetcher.hpp"

namespace thd {
namespace {

class EngineStep final : public NetworkStep {
 public:
  EngineStep(const NetworkSetup& s, EngineOptions options, std::map<std::string, ServiceLimit> limits,
             ProviderSettings settings)
      : m_engine(std::move(options), std::move(limits), m_time, m_random),
        m_fetcher(m_engine, std::move(settings), s.cache, s.config.ttls) {}

  void fetch(const Need& need, Done done) override { m_fetcher.fetch(need, std::move(done)); }
  void run() override { m_cancelled = !m_engine.run(); }
  bool cancelled() const override { return m_cancelled; }
  std::pair<std::uint64_t, std::uint64_t> progress() const override {
    std::uint64_t done = 0, made = 0;
    for (const auto& [name, c] : m_engine.counters()) {
      for (auto n : c.outcomes) done += n;
      made += c.attempts;
    }
    return {done, made};
  }

  NetworkUsage usage() const override {
    NetworkUsage u;
    u.connections = m_engine.connections();
    for (const auto& [name, c] : m_engine.counters()) {
      ServiceUsage& s = u.services[name];
      s.calls = c.attempts;
      s.failures = c.failures();
      s.circuit = std::string(breaker_state_name(m_engine.breaker_state(name)));
      u.attempts += c.attempts;
      u.succeeded += c.outcomes[static_cast<size_t>(Outcome::ok)];
      for (size_t i = 1; i < c.outcomes.size(); ++i)
        if (c.outcomes[i]) u.failed[std::string(outcome_name(static_cast<Outcome>(i)))] += c.outcomes[i];
    }
    return u;
  }

  std::vector<std::string> finish() override {
    std::vector<std::string> warnings;
    if (auto saved = m_engine.save_state(); !saved)
      warnings.push_back("breaker and quota state not saved: " + saved.error().message);
    return warnings;
  }

 private:
  SystemTimeSource m_time;
  SystemRandom m_random;
  HttpEngine m_engine;
  ProviderFetcher m_fetcher;
  bool m_cancelled = false;
};

}  // namespace

std::unique_ptr<NetworkStep> make_network_step(const NetworkSetup& s) {
  const Config& c = s.config;
  EngineOptions o;
  o.max_concurrent = c.max_concurrent;
  o.pool_size = c.pool_size;
  o.timeout = c.timeout_seconds;
  o.slow_call = c.slow_call_seconds;
  o.max_api_calls = c.max_api_calls;
  o.max_calls_per_minute = c.max_calls_per_minute;
  o.state_dir = c.cache_dir;
  o.tick = s.tick;
  std::map<std::string, ServiceLimit> limits;
  ProviderSettings p;
  for (const ServiceInfo& info : k_services) {
    limits[std::string(info.name)] = {info.per_minute, info.per_day};
    if (!info.key_env.empty())
      if (auto key = s.env(std::string(info.key_env))) p.keys[std::string(info.name)] = *key;
  }
  p.base_urls = c.base_urls;
  p.enabled = s.enabled;
  p.today = s.today;
  p.sec_tickers_url =
      s.env("THD_SEC_EDGAR_TICKERS_URL").value_or("https://www.sec.gov/files/company_tickers.json");
  // SEC asks every client to name itself with a contact (its fair access policy).
  p.sec_user_agent =
      s.env("SEC_EDGAR_USER_AGENT")
          .value_or("trade-history-discover/" THD_VERSION " (set SEC_EDGAR_USER_AGENT to 'name email')");
  return std::make_unique<EngineStep>(s, std::move(o), std::move(limits), std::move(p));
}

}  // namespace thd
