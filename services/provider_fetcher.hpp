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
#include "services/fetch_plan.hpp"
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
  // The plan's limits: --max-api-calls (nullopt: auto, from the providers'
  // limits), the time a run is planned for (a provider without a quota is
  // planned no more calls than its pace allows in it), a call's latency and
  // the calls in flight at once, for the estimate.
  std::optional<int> budget;
  double horizon_seconds = 1800;
  double latency = 0.3;
  int slots = 5;
  int per_minute = 0;  // --max-calls-per-minute, 0: none
};

class ProviderFetcher final : public NeedFetcher {
 public:
  ProviderFetcher(HttpEngine& engine, ProviderSettings settings, Storage& cache, const TtlTable& ttls,
                  const Clock& clock);
  // Takes the need; nothing is sent before run() (or plan()) has seen every need.
  void fetch(const Need& need, Done done) override;
  void run() override;
  bool cancelled() const { return m_cancelled; }  // the engine's tick stopped run()
  // The plan of the needs fetch() was given since the last dispatch (made
  // once; run() then follows it); plan().needs[i] is the i-th need given.
  const FetchPlan& plan();
  std::map<std::string, ServiceProgress> service_progress() const;
  size_t needs_total() const { return m_dispatched; }
  const std::map<std::string, PlanProvider>& plan_providers() const { return m_providers; }
  size_t needs_done() const { return m_completed; }
  size_t needs_failed() const { return m_failed; }
  // Per service, the requests the run's plan did not send (its quota, pace
  // or budget), by cause ("budget spent"): the engine never saw them.
  const std::map<std::string, std::map<std::string, std::uint64_t>>& plan_unsent() const {
    return m_plan_unsent;
  }  // of those done, the ones no provider served
  // The absences this run learned, to be saved (network_state.hpp).
  const Absences& absences_learned() const { return m_learned; }
  std::uint64_t absences_version() const { return m_learned_version; }  // grows with each one learned

 private:
  struct Attempt;
  // run(): plans the needs given so far and hands them to the engine, in the
  // plan's order; after the engine ran, whether another round has needs.
  void dispatch();
  bool next_round();
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
  // The ledger: whether a call to `service` for the need at `position` may
  // begin, leaving what is planned for the needs ahead of it; why not.
  std::optional<ProviderFailure> over_plan(const std::string& service, size_t position) const;
  void reserve(const std::string& service, size_t position);
  void unreserve(const std::string& service, size_t position);
  // A setup call (a shared document, a session step) begins; the provider needs no more of them.
  void setup_begun(const std::string& service);
  void setup_done(const std::string& service);
  void uncount(const std::string& service);  // a call counted at submit that the engine never sent
  void call_begun(const std::string& service, Attempt& attempt, const std::string& group);
  void complete(const std::shared_ptr<Attempt>& attempt, std::optional<Fetched> fetched);
  PlanProvider plan_provider(const Provider& provider);
  void try_from(std::shared_ptr<Attempt> attempt, size_t step);
  void submit(std::shared_ptr<Attempt> attempt, size_t step, const Provider& provider);
  void answered(std::shared_ptr<Attempt> attempt, size_t step, const Provider& provider,
                const ProviderRequest& built, const HttpResult& result, const Result<Record>* parsed);
  void with_shared(const Provider& provider, const SharedDocument& doc, size_t position,
                   std::function<void(const Error*)> then);
  void make_session(const Provider& provider, size_t position, std::function<void()> then);
  void session_step(const std::string& service, std::shared_ptr<SessionSetup> setup, size_t index,
                    size_t position);
  void remember_absence(const std::string& service, const std::string& key, FailureKind kind,
                        const std::string& why);
  const Absence* known_absent(const std::string& service, const std::string& key) const;
  std::string absence_text(const Absence& a, const Need& need) const;
  // A provider with a documented free-plan symbol list whose plan has refused
  // other symbols for this endpoint: why this symbol is not asked of it.
  std::optional<std::string> plan_refuses(const Provider& provider, const Need& need,
                                          const NeedSource& src) const;
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
  // service + "\n" + cache key prefix ("fundamentals") -> when its plan first refused a symbol
  std::map<std::string, UnixTime> m_restricted;
  std::set<std::string> m_unrestricted;  // endpoints that served a symbol outside the list: no inference

  std::vector<std::shared_ptr<Attempt>> m_pending;  // fetch()ed, in the order given
  std::optional<FetchPlan> m_plan;
  std::vector<PlanNeed> m_plan_needs;               // what it was made from
  std::map<std::string, PlanProvider> m_providers;  // as the plan saw them
  // The ledger. Positions are the needs' places in the plans' sequence
  // (lower goes first); a position is held once per call planned for it
  // and not begun yet (a provider's setup calls with its first need).
  std::map<std::string, std::multiset<size_t>> m_reserved;  // per service
  std::multiset<size_t> m_reserved_all;
  std::map<std::string, size_t> m_group_holder;  // service + "\n" + group -> the position holding its call
  std::map<std::string, std::pair<size_t, int>> m_setup;  // per service: holder, setup calls still held
  std::map<std::string, int> m_begun;                     // calls handed to the engine, setup calls included
  int m_begun_all = 0;
  std::optional<int> m_budget;  // the plan's: --max-api-calls, or what --max-calls-per-minute allows
  std::map<std::string, int> m_planned;
  size_t m_next_position = 0;
  bool m_dispatching = false;
  std::vector<std::shared_ptr<Attempt>> m_deferred;  // left out by the budget, for a later round
  std::optional<int> m_round_budget;                 // a later round's: what is left of the budget

  size_t m_dispatched = 0, m_completed = 0, m_failed = 0;
  std::map<std::string, std::map<std::string, std::uint64_t>> m_plan_unsent;
  bool m_cancelled = false;
};

}  // namespace thd
