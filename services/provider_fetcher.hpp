// The network step of the planner over the engine: each need goes down its
// provider chain (enabled services only), one request at a time, each
// provider's answer parsed by its adapter; an error in disguise is a failure
// that moves on to the next provider and is never cached.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "core/planner.hpp"
#include "services/http_engine.hpp"

namespace thd {

struct ProviderSettings {
  std::map<std::string, std::string> base_urls;  // per service, no trailing slash
  std::map<std::string, std::string> keys;       // per service, from the environment; never logged
  std::set<std::string> enabled;
  std::string sec_tickers_url;  // THD_SEC_EDGAR_TICKERS_URL
  std::string sec_user_agent;   // SEC_EDGAR_USER_AGENT
  Date today;
};

class ProviderFetcher final : public NeedFetcher {
 public:
  ProviderFetcher(HttpEngine& engine, ProviderSettings settings, CacheStore& cache, const TtlTable& ttls);
  void fetch(const Need& need, Done done) override;
  void run() override;

 private:
  struct Attempt;
  void try_from(std::shared_ptr<Attempt> attempt, size_t index);
  void fetch_sec_profile(std::shared_ptr<Attempt> attempt, size_t index);
  // One request for provider `index` of the attempt's chain, read by `parse`;
  // on failure the chain moves on.
  void submit_parsed(std::shared_ptr<Attempt> attempt, size_t index, std::string url,
                     std::vector<std::string> headers, std::function<Result<Record>(std::string_view)> parse);

  HttpEngine& m_engine;
  ProviderSettings m_settings;
  CacheStore& m_cache;
  const TtlTable& m_ttls;
  std::optional<std::string> m_sec_tickers;  // company_tickers.json, once per run
  bool m_sec_fetching = false;
  std::vector<std::function<void(const std::string* error)>> m_sec_waiters;
};

// "BRK.B" -> "BRK-B", "^VIX" -> "%5EVIX": Yahoo's spelling, URL-safe.
std::string yahoo_symbol(std::string_view ticker);

}  // namespace thd
