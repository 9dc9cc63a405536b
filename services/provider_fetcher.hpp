// The network step of the planner over the engine: each need goes down its
// provider chain (enabled services only, a scarce provider last), one
// request at a time, each provider's answer read by its parser; an error in
// disguise is a failure that moves on to the next provider and is never
// cached. Identical requests of providers whose answers serve several needs
// are made once a run; a provider's session (Yahoo's crumb) is made once, when
// an answer asks for it; "no data" and "not on your plan" answers are
// remembered for a while and not asked again. Nothing here knows a provider
// by name: the registry says what each one does.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/base/clock.hpp"
#include "core/base/date.hpp"
#include "core/base/env.hpp"
#include "core/base/storage.hpp"
#include "core/base/symbols.hpp"
#include "core/base/ttl.hpp"
#include "services/http_engine.hpp"
#include "services/network_state.hpp"
#include "services/network_step.hpp"
#include "services/providers/provider.hpp"

namespace thd {

struct ProviderSettings {
  std::map<std::string, std::string> base_urls;  // per service, no trailing slash
  std::map<std::string, std::string> keys;       // per service, from the environment; never logged
  std::set<std::string> enabled;
  EnvLookup env;  // providers' own settings (SEC's contact and tickers URL)
  Date today;
  // Per service, every subject the run's needs may ask it for (sorted, unique).
  std::map<std::string, std::vector<std::string>> subjects;
  // Answers remembered from earlier runs ("no data", "not on your plan"),
  // and how long a new one is remembered.
  Absences absent;
  std::int64_t absence_ttl = 86400;
  std::map<std::string, std::string> user_agents;  // per service, the user's
  std::map<std::string, std::string> disabled;     // per service not enabled: why ("disabled (no key: ...)")
  SymbolOverrides symbols;
};

class ProviderFetcher final : public NeedFetcher {
 public:
  ProviderFetcher(HttpEngine& engine, ProviderSettings settings, Storage& cache, const TtlTable& ttls,
                  const Clock& clock);
  void fetch(const Need& need, Done done) override;
  void run() override;
  // The absences this run learned, to be saved (network_state.hpp).
  const Absences& absences_learned() const { return m_learned; }
  std::uint64_t absences_version() const { return m_learned_version; }  // grows with each one learned

 private:
  struct Attempt;
  // A provider's shared document: fetched once per run however many needs wait for it.
  struct Shared {
    std::optional<std::string> body;
    bool fetching = false;
    std::vector<std::function<void(const Error*)>> waiters;
  };
  // One answer that several needs share (by URL).
  struct Answer {
    bool done = false;
    HttpResult result;
    std::vector<std::function<void(const HttpResult&)>> waiters;
  };
  // A provider's session: made at most once a run.
  struct Session {
    enum class State { none, making, made, failed } state = State::none;
    std::string token;
    std::string error;
    std::vector<std::function<void()>> waiters;
  };
  // A provider with a session sends one request first: if it asks for a
  // session, the session is made before the others go (with it); if not, they go.
  struct Gate {
    bool open = false;
    bool probe_out = false;
    std::vector<std::function<void()>> waiting;
  };
  void open_gate(const std::string& service);
  void try_from(std::shared_ptr<Attempt> attempt, size_t step);
  void submit(std::shared_ptr<Attempt> attempt, size_t step, const Provider& provider);
  void answered(std::shared_ptr<Attempt> attempt, size_t step, const Provider& provider,
                const ProviderRequest& built, const HttpResult& result, const Result<Record>* parsed);
  void with_shared(const Provider& provider, const SharedDocument& doc,
                   std::function<void(const Error*)> then);
  void make_session(const Provider& provider, std::function<void()> then);
  void session_step(const std::string& service, std::shared_ptr<SessionSetup> setup, size_t index);
  void remember_absence(const std::string& service, const std::string& key, FailureKind kind,
                        const std::string& why);
  const Absence* known_absent(const std::string& service, const std::string& key) const;
  RequestContext context_for(const Provider& provider) const;

  HttpEngine& m_engine;
  ProviderSettings m_settings;
  Storage& m_cache;
  const TtlTable& m_ttls;
  const Clock& m_clock;
  std::map<std::string, Shared, std::less<>> m_shared;
  std::map<std::string, Answer> m_answers;  // by URL, for providers with shared answers
  std::map<std::string, Session> m_sessions;
  std::map<std::string, Gate> m_gates;
  Absences m_learned;
  std::uint64_t m_learned_version = 0;
};

}  // namespace thd
