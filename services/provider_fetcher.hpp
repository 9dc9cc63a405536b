// The network step of the planner over the engine: each need goes down its
// provider chain (enabled services only), one request at a time, each
// provider's answer read by its parser; an error in disguise is a failure
// that moves on to the next provider and is never cached. Nothing here
// knows a provider by name: the registry says what each one does.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/base/date.hpp"
#include "core/base/env.hpp"
#include "core/base/storage.hpp"
#include "core/base/ttl.hpp"
#include "services/http_engine.hpp"
#include "services/network_step.hpp"
#include "services/providers/provider.hpp"

namespace thd {

struct ProviderSettings {
  std::map<std::string, std::string> base_urls;  // per service, no trailing slash
  std::map<std::string, std::string> keys;       // per service, from the environment; never logged
  std::set<std::string> enabled;
  EnvLookup env;  // providers' own settings (SEC's contact and tickers URL)
  Date today;
};

class ProviderFetcher final : public NeedFetcher {
 public:
  ProviderFetcher(HttpEngine& engine, ProviderSettings settings, Storage& cache, const TtlTable& ttls);
  void fetch(const Need& need, Done done) override;
  void run() override;

 private:
  struct Attempt;
  // A provider's shared document: fetched once per run however many needs wait for it.
  struct Shared {
    std::optional<std::string> body;
    bool fetching = false;
    std::vector<std::function<void(const Error*)>> waiters;
  };
  void try_from(std::shared_ptr<Attempt> attempt, size_t index);
  void submit(std::shared_ptr<Attempt> attempt, size_t index, const Provider& provider);
  void with_shared(const Provider& provider, const SharedDocument& doc,
                   std::function<void(const Error*)> then);
  RequestContext context_for(const Provider& provider) const;

  HttpEngine& m_engine;
  ProviderSettings m_settings;
  Storage& m_cache;
  const TtlTable& m_ttls;
  std::map<std::string, Shared, std::less<>> m_shared;
};

}  // namespace thd
