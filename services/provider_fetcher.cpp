#include "services/provider_fetcher.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "core/base/log.hpp"
#include "core/base/secrets.hpp"
#include "core/base/text.hpp"
#include "services/providers/adapter_json.hpp"
#include "services/providers/adapters.hpp"
#include "services/providers/registry.hpp"

namespace thd {

namespace {
constexpr size_t k_unplaced = static_cast<size_t>(-1);  // not dispatched yet
}  // namespace

struct ProviderFetcher::Attempt {
  Need need;
  Done done;
  std::vector<size_t> order;              // chain indexes in the order they are tried
  std::vector<ProviderFailure> failures;  // in the order tried
  bool session_tried = false;             // a session was made for this need once already
  bool probe = false;                     // this need's request is its provider's first (Gate)
  size_t position = k_unplaced;           // in the plans' sequence: lower goes first
  std::string holds;                      // the service whose planned call it holds a reservation of
  bool session_retry = false;             // its next call is the retry with a new session (a setup call)
  bool replanned = false;                 // left out by the budget once, and planned again
};

namespace {

FailureKind failure_of(Outcome o) {
  switch (o) {
    case Outcome::ok: return FailureKind::other;
    case Outcome::http_status: return FailureKind::http_status;
    case Outcome::timeout: return FailureKind::timeout;
    case Outcome::connect_error: return FailureKind::transport;
    case Outcome::too_large: return FailureKind::too_large;
    case Outcome::bad_body: return FailureKind::bad_body;
    case Outcome::no_data: return FailureKind::no_data;
    case Outcome::circuit_open: return FailureKind::circuit_open;
    case Outcome::rate_limited: return FailureKind::rate_limited;
    case Outcome::budget_spent: return FailureKind::budget_spent;
    case Outcome::refused: return FailureKind::refused;
    case Outcome::cancelled: return FailureKind::cancelled;
    case Outcome::redirect_refused: return FailureKind::refused;
    case Outcome::tls_failed: return FailureKind::transport;
    case Outcome::not_on_plan: return FailureKind::not_on_plan;
    case Outcome::key_rejected: return FailureKind::auth_rejected;
    case Outcome::quota_spent: return FailureKind::quota_exhausted;
    case Outcome::throttled: return FailureKind::rate_limited;
    case Outcome::session_expired: return FailureKind::http_status;
    case Outcome::count_: break;
  }
  return FailureKind::other;
}

std::string message_of(const HttpResult& r) {
  return r.error.empty() ? std::string(outcome_name(r.outcome)) : r.error;
}

// A parser's failure as the engine reads it: what an HTTP-200 error in
// disguise means for the service (Alpha Vantage's "25 requests per day").
BodyProblem problem_of(const Error& e, const ProviderInfo& info) {
  switch (e.kind) {
    case FailureKind::no_data: return {e.message, Verdict::no_data, 0};
    case FailureKind::not_on_plan: return {e.message, Verdict::not_on_plan, 0};
    case FailureKind::auth_rejected: return {e.message, Verdict::key_rejected, 0};
    case FailureKind::quota_exhausted: return {e.message, Verdict::quota_spent, 0};
    case FailureKind::rate_limited: {
      // Paced too fast after all: once more, a pace later (and a margin).
      const double pace = info.per_second > 0   ? 1.0 / info.per_second
                          : info.per_minute > 0 ? 60.0 / info.per_minute
                                                : 1.0;
      return {e.message, Verdict::retry_later, pace * 1.5};
    }
    default: return {e.message, Verdict::none, 0};
  }
}

// "3 h ago", "12 min ago", "just now"
std::string age_text(std::int64_t seconds) {
  if (seconds < 60) return "just now";
  if (seconds < 3600) return std::to_string(seconds / 60) + " min ago";
  if (seconds < 2 * 86400) return std::to_string(seconds / 3600) + " h ago";
  return std::to_string(seconds / 86400) + " days ago";
}

}  // namespace

namespace {

// "fundamentals:AMT" -> "fundamentals": the endpoint a cache key is for.
std::string key_prefix(const std::string& key) {
  return key.substr(0, key.find(':'));
}

}  // namespace

ProviderFetcher::ProviderFetcher(HttpEngine& engine, ProviderSettings settings, Storage& cache,
                                 const TtlTable& ttls, const Clock& clock)
    : m_engine(engine), m_settings(std::move(settings)), m_cache(cache), m_ttls(ttls), m_clock(clock) {}

std::optional<std::string> ProviderFetcher::plan_refuses(const Provider& provider, const Need& need,
                                                         const NeedSource& src) const {
  const ProviderInfo& info = provider.info();
  if (info.plan_symbols.empty()) return std::nullopt;
  const std::string endpoint = std::string(info.name) + "\n" + key_prefix(src.key);
  // Learned in this run only (the key may be another tomorrow): each run pays its plan's first refusal.
  auto r = m_restricted.find(endpoint);
  if (r == m_restricted.end() || m_unrestricted.count(endpoint)) return std::nullopt;
  const std::string symbol = to_upper(need.subject);
  if (std::find(info.plan_symbols.begin(), info.plan_symbols.end(), symbol) != info.plan_symbols.end())
    return std::nullopt;
  return "not on your plan: its plan refused other symbols here (first " +
         age_text(m_clock.now() - r->second) + "), and " + printable(need.subject) + " is not one of the " +
         std::to_string(info.plan_symbols.size()) + " symbols of the free plan (docs/PROVIDERS.md)";
}

void ProviderFetcher::fetch(const Need& need, Done done) {
  auto attempt = std::make_shared<Attempt>();
  attempt->need = need;
  attempt->done = std::move(done);
  m_pending.push_back(std::move(attempt));
  if (!m_dispatching) m_plan.reset();  // a need given from a callback waits for the next dispatch
}

void ProviderFetcher::run() {
  do {
    dispatch();
    if (!m_engine.run()) {  // the tick stopped it: no further round
      m_cancelled = true;
      return;
    }
  } while (next_round());
}

// "not on your plan for AMT (asked 3 h ago: not on your plan (HTTP 402): ...)"
std::string ProviderFetcher::absence_text(const Absence& a, const Need& need) const {
  return std::string(a.kind == FailureKind::not_on_plan ? "not on your plan" : "no data") + " for " +
         printable(need.subject) + " (asked " + age_text(m_clock.now() - a.asked) + ": " + a.why + ")";
}

bool ProviderFetcher::next_round() {
  // Nothing is in flight: what is still held for setup calls not made goes back.
  for (auto& [service, holder] : m_setup) setup_done(service);
  // Needs the budget left out wait for what is left of it once the others
  // are done (shared answers, needs served another way): planned once more
  // with that, else missing with their reasons.
  if (!m_deferred.empty()) {
    const int left = m_budget ? *m_budget - m_begun_all : 0;
    auto deferred = std::move(m_deferred);
    m_deferred.clear();
    for (auto& d : deferred) {
      if (left > 0 && !d->replanned) {
        d->replanned = true;
        d->failures.clear();
        m_pending.push_back(std::move(d));
      } else {
        complete(d, std::nullopt);
      }
    }
    if (!m_pending.empty()) m_round_budget = left;
    m_plan.reset();
  }
  return !m_pending.empty();
}

PlanProvider ProviderFetcher::plan_provider(const Provider& provider) {
  const ProviderInfo& info = provider.info();
  const std::string name(info.name);
  PlanProvider p;
  p.per_minute = info.per_minute;
  p.per_second = info.per_second;
  p.scarce = info.scarce;
  if (!m_settings.enabled.count(name)) {
    auto why = m_settings.disabled.find(name);
    p.unavailable = why == m_settings.disabled.end() ? "disabled" : why->second;
    return p;
  }
  // Calls it makes once before serving: its shared document when not in the
  // cache, its session's steps and the retry of the need that asked for it.
  const RequestContext context = context_for(provider);
  if (auto doc = provider.shared_document(context);
      doc && !m_shared.count(name) &&
      m_cache.get(name, doc->cache_key, Storage::CountLookup::no).status != LookupStatus::fresh)
    p.setup_calls += 1;
  // Should it ask for a session (Yahoo: cookie, crumb and the retry), held with its first need; given
  // back when its first answer does not ask, and then planned again for needs the budget left out.
  if (auto session = provider.session_setup(context); session && !m_sessions.count(name))
    p.setup_calls += static_cast<int>(session->urls.size()) + 1;

  ServiceStanding standing = m_engine.standing(name);
  p.calls_left = standing.calls_left;
  p.quota_text = standing.quota_text;
  if (!standing.unavailable.empty()) {
    p.unavailable = standing.unavailable;
    p.unavailable_kind = failure_of(standing.blocked);
  }
  // A provider without a quota: no more calls than its pace allows in the
  // time a run is planned for; the rest go to the next run.
  const double horizon = m_settings.horizon_seconds;
  if (!p.calls_left && horizon > 0 && (p.per_minute > 0 || p.per_second > 0)) {
    double cap = 1e9;
    std::string rate;
    if (p.per_second > 0) {
      cap = std::floor(horizon / 1.15 + 1) * p.per_second;
      rate = std::to_string(p.per_second) + "/s";
    }
    if (p.per_minute > 0) {
      const double burst = p.per_second > 0 ? p.per_second : std::max(1.0, p.per_minute / 2.0);
      cap = std::min(cap, burst + horizon * p.per_minute / 60.0);
      rate += (rate.empty() ? "" : " and ") + std::to_string(static_cast<int>(p.per_minute)) + "/min";
    }
    p.run_cap = static_cast<int>(cap);
    p.run_cap_text = std::to_string(static_cast<int>(horizon / 60)) + " min at " + rate;
  }
  return p;
}

const FetchPlan& ProviderFetcher::plan() {
  if (m_plan) return *m_plan;
  m_plan_needs.clear();
  if (!m_round_budget) m_providers.clear();  // as the engine stands now
  for (const auto& attempt : m_pending) {
    PlanNeed need;
    need.priority = static_cast<int>(attempt->need.priority);
    for (const NeedSource& src : attempt->need.chain) {
      PlanCandidate c;
      c.service = std::string(src.service);
      if (const Provider* p = find_provider(src.service)) {
        if (!m_providers.count(c.service)) m_providers[c.service] = plan_provider(*p);
        if (const Absence* a = known_absent(c.service, src.key)) {
          c.absent = absence_text(*a, attempt->need);
          c.absent_kind = a->kind;
        } else if (auto refused = plan_refuses(*p, attempt->need, src)) {
          c.absent = *refused;
          c.absent_kind = FailureKind::not_on_plan;
        } else if (p->info().shared_answers && m_providers[c.service].unavailable.empty()) {
          // Needs that ask the same URL share one call (Alpha Vantage's OVERVIEW, CoinGecko's batch).
          if (auto req = p->request(attempt->need, src, context_for(*p))) c.group = req->url;
        }
      }
      need.candidates.push_back(std::move(c));
    }
    m_plan_needs.push_back(std::move(need));
  }
  // A later round plans with what is left of each quota (the ledger keeps the first plan's view).
  std::map<std::string, PlanProvider> providers = m_providers;
  if (m_round_budget)
    for (auto& [service, p] : providers) {
      const auto b = m_begun.find(service);
      const int begun = b == m_begun.end() ? 0 : b->second;
      if (p.calls_left) p.calls_left = std::max(0, *p.calls_left - begun);
      if (p.run_cap) p.run_cap = std::max(0, *p.run_cap - begun);
      p.setup_calls = 0;
    }
  m_plan = plan_fetches(
      m_plan_needs, providers,
      PlanLimits{.budget = m_round_budget ? m_round_budget : m_settings.budget,
                 .budget_text = !m_round_budget ? std::string()
                                : m_settings.budget
                                    ? "--max-api-calls " + std::to_string(*m_settings.budget) +
                                          " all planned for needs ahead"
                                    : "budget of " + std::to_string(m_budget.value_or(0)) +
                                          " calls (what --max-calls-per-minute allows) all planned "
                                          "for needs ahead",
                 .per_minute = m_settings.per_minute,
                 .horizon = m_settings.horizon_seconds,
                 .latency = m_settings.latency,
                 .slots = m_settings.slots});
  return *m_plan;
}

std::map<std::string, ServiceProgress> ProviderFetcher::service_progress() const {
  std::map<std::string, ServiceProgress> out;
  for (const auto& [service, n] : m_planned)
    if (n > 0) out[service].planned = n;
  for (const auto& [service, n] : m_begun) out[service].handed = n;
  for (const auto& [service, held] : m_reserved) out[service].held = static_cast<int>(held.size());
  return out;
}

void ProviderFetcher::dispatch() {
  if (m_pending.empty()) return;
  const FetchPlan& fp = plan();
  m_dispatching = true;
  if (!m_round_budget) m_budget = fp.budget;  // the run's, from its first plan
  for (const auto& [service, load] : fp.providers) m_planned[service] += load.calls;
  for (const auto& a : m_pending) m_dispatched += a->position == k_unplaced;  // a later round's once
  auto pending = std::move(m_pending);
  m_pending.clear();
  const size_t first = m_next_position;  // a later batch's positions come after this one's
  m_next_position += fp.sequence.size();
  for (size_t k = 0; k < fp.sequence.size(); ++k) {
    const size_t i = fp.sequence[k], pos = first + k;
    const FetchAssignment& a = fp.needs[i];
    Attempt& attempt = *pending[i];
    attempt.position = pos;
    attempt.order = a.order;
    if (!a.assigned) continue;
    const PlanCandidate& c = m_plan_needs[i].candidates[*a.assigned];
    // A provider's setup calls are held with its first need.
    if (auto load = fp.providers.find(c.service);
        load != fp.providers.end() && load->second.setup > 0 && !m_setup.count(c.service)) {
      m_setup[c.service] = {pos, load->second.setup};
      for (int n = 0; n < load->second.setup; ++n) reserve(c.service, pos);
    }
    if (!c.group.empty() && !m_group_holder.try_emplace(c.service + "\n" + c.group, pos).second)
      continue;  // its call is held by a need ahead of it
    attempt.holds = c.service;
    reserve(c.service, pos);
  }
  for (size_t k = 0; k < fp.sequence.size(); ++k) {
    const size_t i = fp.sequence[k];
    auto attempt = pending[i];
    if (fp.needs[i].assigned) {
      try_from(attempt, 0);
    } else {
      attempt->failures = fp.needs[i].why;
      const bool budget =
          std::any_of(attempt->failures.begin(), attempt->failures.end(),
                      [](const ProviderFailure& f) { return f.kind == FailureKind::budget_spent; });
      if (budget && m_budget && !attempt->replanned)
        m_deferred.push_back(attempt);  // the budget may have room once the others are done
      else
        complete(attempt, std::nullopt);
    }
  }
  m_dispatching = false;
  m_plan_needs.clear();
}

void ProviderFetcher::reserve(const std::string& service, size_t position) {
  m_reserved[service].insert(position);
  m_reserved_all.insert(position);
}

void ProviderFetcher::unreserve(const std::string& service, size_t position) {
  auto r = m_reserved.find(service);
  if (r == m_reserved.end()) return;
  if (auto it = r->second.find(position); it != r->second.end()) {
    r->second.erase(it);
    if (auto all = m_reserved_all.find(position); all != m_reserved_all.end()) m_reserved_all.erase(all);
  }
}

std::optional<ProviderFailure> ProviderFetcher::over_plan(const std::string& service, size_t position) const {
  auto ahead = [position](const std::multiset<size_t>& reserved) {
    return static_cast<int>(std::distance(reserved.begin(), reserved.lower_bound(position)));
  };
  auto p = m_providers.find(service);
  if (p == m_providers.end()) return std::nullopt;
  const auto r = m_reserved.find(service);
  const int reserved_ahead = r == m_reserved.end() ? 0 : ahead(r->second);
  const auto b = m_begun.find(service);
  const int begun = b == m_begun.end() ? 0 : b->second;
  if (p->second.calls_left && begun + reserved_ahead >= *p->second.calls_left) {
    // Spent only when the engine counted them all made; else what is left is
    // held for needs ahead, or by calls handed over and still waiting to go
    // (they may yet not go: an open breaker refuses them).
    const std::optional<int> left_now = m_engine.standing(service).calls_left;
    const bool spent = reserved_ahead == 0 && left_now && *left_now == 0;
    const std::string held = reserved_ahead > 0 ? ": the calls left are held for needs ahead of this one"
                             : spent            ? ": spent"
                                                : ": the calls left are taken by calls waiting to go";
    return ProviderFailure{service, FailureKind::quota_exhausted, p->second.quota_text + held, true, !spent};
  }
  if (p->second.run_cap && begun + reserved_ahead >= *p->second.run_cap)
    return ProviderFailure{service, FailureKind::rate_limited,
                           std::to_string(*p->second.run_cap) + " calls planned, what " +
                               p->second.run_cap_text + " allows; the rest in the next run",
                           true};
  if (m_budget) {
    const int all_ahead = ahead(m_reserved_all);
    if (m_begun_all + all_ahead >= *m_budget)
      return ProviderFailure{
          service, FailureKind::budget_spent,
          "budget of " + std::to_string(*m_budget) + " calls" +
              (all_ahead > 0 ? ": the rest is held for needs ahead of this one" : " spent"),
          true};
  }
  return std::nullopt;
}

void ProviderFetcher::call_begun(const std::string& service, Attempt& attempt, const std::string& group) {
  ++m_begun[service];
  ++m_begun_all;
  size_t holder = attempt.position;
  if (!group.empty())
    if (auto h = m_group_holder.find(service + "\n" + group); h != m_group_holder.end()) holder = h->second;
  // The call held for it (or for its shared answer): released, since it is begun now.
  if (attempt.holds == service || holder != attempt.position) unreserve(service, holder);
  if (attempt.holds == service) attempt.holds.clear();
}

void ProviderFetcher::uncount(const std::string& service) {
  --m_begun[service];
  --m_begun_all;
  --m_planned[service];  // for progress: a call that will not be made
}

void ProviderFetcher::setup_begun(const std::string& service) {
  ++m_begun[service];
  ++m_begun_all;
  if (auto s = m_setup.find(service); s != m_setup.end() && s->second.second > 0) {
    --s->second.second;
    unreserve(service, s->second.first);
  }
}

void ProviderFetcher::setup_done(const std::string& service) {
  if (auto s = m_setup.find(service); s != m_setup.end())
    for (; s->second.second > 0; --s->second.second) {
      unreserve(service, s->second.first);
      --m_planned[service];  // not needed after all
    }
}

void ProviderFetcher::complete(const std::shared_ptr<Attempt>& attempt, std::optional<Fetched> fetched) {
  if (!attempt->holds.empty()) {  // its planned call never began: the need behind it may have it
    unreserve(attempt->holds, attempt->position);
    --m_planned[attempt->holds];
    attempt->holds.clear();
  }
  ++m_completed;
  m_failed += !fetched;
  if (!fetched)
    for (const ProviderFailure& f : attempt->failures)
      if (f.by_plan) ++m_plan_unsent[f.service][failure_cause(f)];
  attempt->done({std::move(fetched), std::move(attempt->failures)});
}

RequestContext ProviderFetcher::context_for(const Provider& provider) const {
  const std::string name(provider.info().name);
  RequestContext c;
  if (auto it = m_settings.base_urls.find(name); it != m_settings.base_urls.end()) c.base_url = it->second;
  if (auto it = m_settings.keys.find(name); it != m_settings.keys.end()) c.key = it->second;
  c.today = m_settings.today;
  c.env = m_settings.env;
  if (auto it = m_shared.find(name); it != m_shared.end() && it->second.body) c.shared = &*it->second.body;
  if (auto it = m_sessions.find(name); it != m_sessions.end() && it->second.state == Session::State::made)
    c.session = &it->second.token;
  if (auto it = m_settings.subjects.find(name); it != m_settings.subjects.end()) c.subjects = &it->second;
  if (auto it = m_settings.user_agents.find(name); it != m_settings.user_agents.end())
    c.user_agent = it->second;
  c.symbols = &m_settings.symbols;
  return c;
}

const Absence* ProviderFetcher::known_absent(const std::string& service, const std::string& key) const {
  // --no-data-ttl 0: nothing remembered is used either; and an answer is
  // never remembered for longer than the TTL from now (a clock stepped back).
  if (m_settings.absence_ttl <= 0) return nullptr;
  const UnixTime now = m_clock.now();
  for (const auto* source : {&m_learned, &m_settings.absent}) {
    auto s = source->find(service);
    if (s == source->end()) continue;
    auto k = s->second.find(key);
    if (k != s->second.end() && k->second.until > now && k->second.until <= now + m_settings.absence_ttl &&
        k->second.asked <= now)
      return &k->second;
  }
  return nullptr;
}

void ProviderFetcher::remember_absence(const std::string& service, const std::string& key, FailureKind kind,
                                       const std::string& why) {
  if (m_settings.absence_ttl <= 0) return;
  const UnixTime now = m_clock.now();
  m_learned[service][key] = {now, now + m_settings.absence_ttl, kind, why.substr(0, 300)};
  ++m_learned_version;
  if (kind == FailureKind::not_on_plan && !m_unrestricted.count(service + "\n" + key_prefix(key)))
    m_restricted.try_emplace(service + "\n" + key_prefix(key), now);
}

void ProviderFetcher::try_from(std::shared_ptr<Attempt> attempt, size_t step) {
  const Need& need = attempt->need;
  attempt->session_retry = false;  // a retry with a session is its provider's only
  for (; step < attempt->order.size(); ++step) {
    const NeedSource& src = need.chain[attempt->order[step]];
    const Provider* provider = find_provider(src.service);
    if (!provider) continue;
    const std::string service(src.service);
    if (!m_settings.enabled.count(service)) {
      auto why = m_settings.disabled.find(service);
      attempt->failures.push_back(
          {service, FailureKind::disabled, why == m_settings.disabled.end() ? "" : why->second});
      continue;
    }
    if (const Absence* a = known_absent(service, src.key)) {
      attempt->failures.push_back({service, a->kind, absence_text(*a, need)});
      continue;
    }
    if (auto refused = plan_refuses(*provider, need, src)) {
      attempt->failures.push_back({service, FailureKind::not_on_plan, *refused});
      continue;
    }
    if (auto doc = provider->shared_document(context_for(*provider))) {
      with_shared(*provider, *doc, attempt->position,
                  [this, attempt, step, provider, name = doc->name](const Error* error) {
                    if (error) {
                      attempt->failures.push_back(
                          {std::string(provider->info().name), error->kind, name + ": " + error->message});
                      try_from(attempt, step + 1);
                      return;
                    }
                    submit(attempt, step, *provider);
                  });
      return;
    }
    submit(attempt, step, *provider);
    return;
  }
  complete(attempt, std::nullopt);
}

void ProviderFetcher::open_gate(const std::string& service) {
  Gate& g = m_gates[service];
  g.open = true;
  auto waiting = std::move(g.waiting);
  g.waiting.clear();
  for (auto& w : waiting) w();
}

void ProviderFetcher::submit(std::shared_ptr<Attempt> attempt, size_t step, const Provider& provider) {
  const NeedSource& src = attempt->need.chain[attempt->order[step]];
  if (provider.session_setup(context_for(provider))) {
    const std::string service(src.service);
    Gate& g = m_gates[service];
    if (!g.open) {
      if (g.probe_out) {
        g.waiting.push_back([this, attempt, step, &provider] { submit(attempt, step, provider); });
        return;
      }
      g.probe_out = true;
      attempt->probe = true;
    }
    if (const Session& s = m_sessions[service]; s.state == Session::State::failed) {
      attempt->failures.push_back(
          {service, FailureKind::http_status, "no session could be made: " + s.error});
      if (std::exchange(attempt->probe, false)) open_gate(service);
      try_from(attempt, step + 1);
      return;
    }
  }
  const RequestContext context = context_for(provider);
  auto made = provider.request(attempt->need, src, context);
  if (!made) {
    attempt->failures.push_back({std::string(src.service), made.error().kind, made.error().message});
    if (std::exchange(attempt->probe, false))
      open_gate(std::string(src.service));  // no request: the next goes
    try_from(attempt, step + 1);
    return;
  }
  auto built = std::make_shared<ProviderRequest>(std::move(*made));
  const ProviderInfo& info = provider.info();
  HttpRequest request;
  request.service = std::string(src.service);
  request.url = built->url;
  request.headers = built->headers;
  request.keyed = !context.key.empty() || built->keyed;  // never sent to any host but the provider's
  // The user's User-Agent for the service ([services.<name>] user_agent), unless the provider set it.
  if (!context.user_agent.empty() &&
      std::none_of(request.headers.begin(), request.headers.end(),
                   [](const std::string& h) { return istarts_with(h, "User-Agent:"); }))
    request.headers.push_back("User-Agent: " + context.user_agent);
  request.read_error = built->read_error;
  request.cookies = info.cookies;
  request.priority = attempt->position;  // the engine's queue follows the plan's order
  // Its plan may refuse its like before its turn comes (FMP's first 402): then it is not sent.
  if (!info.plan_symbols.empty())
    request.not_wanted = [this, attempt, step, &provider] {
      return plan_refuses(provider, attempt->need, attempt->need.chain[attempt->order[step]]);
    };

  // A new call leaves what the plan keeps for the needs ahead of this one.
  if (std::exchange(attempt->session_retry, false)) {
    setup_begun(request.service);  // held with the provider's first need, as its session's last step
    setup_done(request.service);
  } else if (!info.shared_answers || !m_answers.count(built->url)) {
    if (auto over = over_plan(request.service, attempt->position)) {
      attempt->failures.push_back(std::move(*over));
      if (std::exchange(attempt->probe, false)) open_gate(request.service);
      try_from(attempt, step + 1);
      return;
    }
    call_begun(request.service, *attempt, info.shared_answers ? built->url : std::string());
  }

  if (info.shared_answers) {
    // One request for every need that asks the same: the engine keeps the
    // body of an answer that is a no_data for this need (another need of
    // the same answer may find its data in it).
    auto [it, first] = m_answers.try_emplace(built->url);
    Answer& answer = it->second;
    auto waiter = [this, attempt, step, &provider, built](const HttpResult& result) {
      if (result.outcome != Outcome::ok) {
        answered(attempt, step, provider, *built, result, nullptr);
        return;
      }
      auto parsed = built->parse(result.body);
      answered(attempt, step, provider, *built, result, &parsed);
    };
    if (answer.done) {
      waiter(answer.result);
      return;
    }
    answer.waiters.push_back(std::move(waiter));
    if (!first) return;
    // The first need's parser reads it for the service: a refusal (a spent
    // quota, a rejected key) or a body that is not JSON fails it for all;
    // what is wrong for this need only (a field of the fundamentals, one
    // coin) is each need's own parse below.
    request.validate = [parse = built->parse, &info](std::string_view body) -> std::optional<BodyProblem> {
      auto r = parse(body);
      if (r) return std::nullopt;
      BodyProblem problem = problem_of(r.error(), info);
      if (problem.verdict == Verdict::no_data) return std::nullopt;
      if (problem.verdict != Verdict::none) return problem;
      // bad_body: the whole answer's when it is not JSON or an error object
      // ({"error": ...}, {"status": {"error_message": ...}}); else one
      // need's (its coin's entry, its fields), which the others do not share.
      adapter_json::Doc doc;
      if (!adapter_json::parse(doc, body) || !adapter_json::error_text(body).empty()) return problem;
      return std::nullopt;
    };
    m_engine.submit(std::move(request),
                    [this, url = built->url, service = std::string(src.service)](HttpResult&& result) {
                      if (result.attempts == 0) uncount(service);  // refused before it was sent: no call
                      Answer& a = m_answers[url];
                      a.done = true;
                      a.result = std::move(result);
                      auto waiters = std::move(a.waiters);
                      a.waiters.clear();
                      for (auto& w : waiters) w(a.result);
                    });
    return;
  }

  // The parser is the validator: an error in disguise is a failure the engine
  // counts; "no data for this symbol" is an answer, not a failure of the service.
  auto parsed = std::make_shared<std::optional<Result<Record>>>();
  request.validate = [built, parsed, &info](std::string_view body) -> std::optional<BodyProblem> {
    auto r = built->parse(body);
    if (r) {
      *parsed = std::move(r);
      return std::nullopt;
    }
    return problem_of(r.error(), info);
  };
  m_engine.submit(std::move(request), [this, attempt, step, &provider, built, parsed](HttpResult&& result) {
    if (result.attempts == 0) uncount(std::string(provider.info().name));  // refused before it was sent
    answered(attempt, step, provider, *built, result, *parsed ? &**parsed : nullptr);
  });
}

void ProviderFetcher::answered(std::shared_ptr<Attempt> attempt, size_t step, const Provider& provider,
                               const ProviderRequest& built, const HttpResult& result,
                               const Result<Record>* parsed) {
  const NeedSource& source = attempt->need.chain[attempt->order[step]];
  const std::string service(source.service);
  // The provider's first answer opens its gate, unless it asks for a session: then the session does.
  const bool probe = std::exchange(attempt->probe, false);
  if (probe && result.outcome != Outcome::session_expired) {
    setup_done(service);  // no session asked for: what was held for it goes back
    open_gate(service);
  }
  if (result.outcome == Outcome::ok && parsed && *parsed) {
    // A symbol outside the free plan's list served: the key's plan is a larger one; infer nothing.
    if (const auto& list = provider.info().plan_symbols;
        !list.empty() && std::find(list.begin(), list.end(), to_upper(attempt->need.subject)) == list.end())
      m_unrestricted.insert(service + "\n" + key_prefix(source.key));
    // What the same answer also serves is cached too (one OVERVIEW: a profile and fundamentals).
    const RequestContext context = context_for(provider);
    for (NeedKind other : provider.same_answer(attempt->need.kind)) {
      auto src = provider.source_for(other, attempt->need.subject);
      if (!src) continue;
      Need sibling{other, attempt->need.subject, {}, attempt->need.priority};
      auto req = provider.request(sibling, *src, context);
      if (!req || req->url != built.url) continue;
      auto record = req->parse(result.body);
      if (!record) continue;
      if (auto stored =
              m_cache.put(service, src->key, m_ttls.ttl(service, src->data), record_to_json(*record));
          !stored)
        log_warning("not cached: " + stored.error().message);
    }
    complete(attempt, Fetched{service, source.record, **parsed, source.key, source.data});
    return;
  }
  if (result.outcome == Outcome::session_expired && !attempt->session_tried &&
      provider.session_setup(context_for(provider))) {
    attempt->session_tried = true;
    // A session costs calls (Yahoo: cookie, crumb, the retry): under a budget they come out of the needs
    // after this one (the engine's queue serves by priority), if the calls not yet made allow them.
    if (m_budget && m_sessions[service].state != Session::State::made) {
      const auto setup = provider.session_setup(context_for(provider));
      const int cost = static_cast<int>(setup->urls.size()) + 1;
      const int ahead = static_cast<int>(
          std::distance(m_reserved_all.begin(), m_reserved_all.lower_bound(attempt->position)));
      if (m_engine.attempts_left() - ahead < cost) {
        if (probe) open_gate(service);
        attempt->failures.push_back({service, FailureKind::budget_spent,
                                     "a session is needed, and the budget of " + std::to_string(*m_budget) +
                                         " calls has no room for its " + std::to_string(cost) + " calls"});
        try_from(attempt, step + 1);
        return;
      }
    }
    make_session(provider, attempt->position, [this, attempt, step, &provider, probe, service] {
      const Session& s = m_sessions[service];
      if (s.state != Session::State::made) {
        setup_done(service);
        if (probe) open_gate(service);
        attempt->failures.push_back(
            {std::string(provider.info().name), FailureKind::http_status, "session not made: " + s.error});
        try_from(attempt, step + 1);
        return;
      }
      // Its retry goes first, then the others, with the session.
      attempt->session_retry = true;
      if (!probe) {
        submit(attempt, step, provider);
        return;
      }
      Gate& g = m_gates[service];
      g.waiting.insert(g.waiting.begin(),
                       [this, attempt, step, &provider] { submit(attempt, step, provider); });
      open_gate(service);
    });
    return;
  }
  if (probe && result.outcome == Outcome::session_expired) {  // no session to make
    setup_done(service);
    open_gate(service);
  }
  FailureKind kind = failure_of(result.outcome);
  std::string message = message_of(result);
  if (result.outcome == Outcome::ok && parsed && !*parsed) {  // a shared answer without this need's data
    kind = parsed->error().kind;
    message = parsed->error().message;
  }
  // What the provider answered is remembered; a request never sent (its plan's refusal inferred) is not.
  if ((kind == FailureKind::no_data || kind == FailureKind::not_on_plan) && result.attempts > 0)
    remember_absence(service, source.key, kind, message);
  attempt->failures.push_back({service, kind, message});
  try_from(attempt, step + 1);
}

void ProviderFetcher::make_session(const Provider& provider, size_t position, std::function<void()> then) {
  const std::string service(provider.info().name);
  Session& s = m_sessions[service];
  if (s.state == Session::State::made || s.state == Session::State::failed) {
    then();
    return;
  }
  s.waiters.push_back(std::move(then));
  if (s.state == Session::State::making) return;
  s.state = Session::State::making;
  auto setup = provider.session_setup(context_for(provider));
  if (!setup || setup->urls.empty()) {
    s.state = Session::State::failed;
    s.error = "no session to make";
    auto waiters = std::move(s.waiters);
    for (auto& w : waiters) w();
    return;
  }
  log_info(service + ": making a session (cookie and crumb)");
  session_step(service, std::make_shared<SessionSetup>(std::move(*setup)), 0, position);
}

void ProviderFetcher::session_step(const std::string& service, std::shared_ptr<SessionSetup> setup,
                                   size_t index, size_t position) {
  HttpRequest request;
  request.service = service;
  request.url = setup->urls[index];
  request.headers = setup->headers;
  request.cookies = true;
  const bool last = index + 1 == setup->urls.size();
  // The steps before the last only set cookies: any answer will do (Yahoo's
  // consent host answers 404 with its cookie).
  request.any_status = !last;
  request.priority = position;  // the need that asked for it
  setup_begun(service);
  m_engine.submit(std::move(request), [this, service, setup, index, last, position](HttpResult&& result) {
    if (result.attempts == 0) uncount(service);  // refused before it was sent
    Session& s = m_sessions[service];
    if (!last) {
      if (result.outcome == Outcome::ok) {
        session_step(service, setup, index + 1, position);
        return;
      }
      s.state = Session::State::failed;
      s.error = message_of(result);
    } else if (result.outcome != Outcome::ok) {
      s.state = Session::State::failed;
      s.error = message_of(result);
    } else if (auto token = setup->token(result.body)) {
      s.state = Session::State::made;
      s.token = std::move(*token);
      register_secret(s.token);  // a session token is a credential: never written
    } else {
      s.state = Session::State::failed;
      s.error = token.error().message;
    }
    auto waiters = std::move(s.waiters);
    s.waiters.clear();
    for (auto& w : waiters) w();
  });
}

void ProviderFetcher::with_shared(const Provider& provider, const SharedDocument& doc, size_t position,
                                  std::function<void(const Error*)> then) {
  const std::string service(provider.info().name);
  Shared& shared = m_shared[service];
  if (shared.body) {
    then(nullptr);
    return;
  }
  // From the cache when fresh, else fetched once per run however many needs wait for it.
  if (!shared.fetching) {
    Lookup cached = m_cache.get(service, doc.cache_key);
    if (cached.status == LookupStatus::fresh) {
      shared.body = std::move(cached.data);
      setup_done(service);
      then(nullptr);
      return;
    }
  }
  if (!shared.fetching)
    if (auto over = over_plan(service, position)) {  // the call it takes is held for needs ahead
      const Error error{over->message, over->kind};
      then(&error);
      return;
    }
  shared.waiters.push_back(std::move(then));
  if (shared.fetching) return;
  shared.fetching = true;
  HttpRequest request;
  request.service = service;
  request.url = doc.url;
  request.headers = doc.headers;
  request.validate = [validate = doc.validate](std::string_view body) -> std::optional<BodyProblem> {
    if (auto ok = validate(body); !ok) return BodyProblem{ok.error().message, Verdict::none, 0};
    return std::nullopt;
  };
  request.read_error = doc.read_error;
  request.priority = position;
  setup_begun(service);
  m_engine.submit(
      std::move(request), [this, service, key = doc.cache_key, data = doc.data](HttpResult&& result) {
        if (result.attempts == 0) uncount(service);  // refused before it was sent
        Shared& s = m_shared[service];
        s.fetching = false;
        setup_done(service);
        std::optional<Error> error;
        if (result.outcome == Outcome::ok) {
          s.body = result.body;
          // Kept raw, so never cached with a secret the provider echoed (used for this run only;
          // what the parsers take from it is redacted).
          if (contains_secret(result.body))
            log_warning("not cached: " + service + "'s shared document holds one of the run's secrets");
          else if (auto stored = m_cache.put(service, key, m_ttls.ttl(service, data), result.body); !stored)
            log_warning("not cached: " + stored.error().message);
        } else {
          error = Error{message_of(result), failure_of(result.outcome)};
        }
        auto waiters = std::move(s.waiters);
        s.waiters.clear();
        for (auto& w : waiters) w(error ? &*error : nullptr);
      });
}

}  // namespace thd
