#include "services/fetch_plan.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

namespace thd {
namespace {

// 0: no quota (call it first); 1: a quota; 2: scarce (last, for what only it serves).
int cost_class(const PlanProvider& p) {
  if (p.scarce) return 2;
  return p.calls_left ? 1 : 0;
}

void add_reason(std::vector<ProviderFailure>& why, const std::string& service, FailureKind kind,
                std::string text, bool by_plan = false, bool held_ahead = false) {
  for (const ProviderFailure& f : why)
    if (f.service == service) return;
  why.push_back({service, kind, std::move(text), by_plan, held_ahead});
}

}  // namespace

double pace_seconds(double per_minute, int per_second, int calls, double window) {
  if (calls <= 0) return 0;
  double t = 0;
  if (per_second > 0)
    t = std::max(t, std::ceil(static_cast<double>(calls) / per_second - 1e-9) * window - window);
  if (per_minute > 0) {
    const double burst = per_second > 0 ? per_second : std::max(1.0, per_minute / 2.0);
    t = std::max(t, std::max(0.0, calls - burst) * 60.0 / per_minute);
  }
  return t;
}

double estimate_seconds(const std::map<std::string, ProviderLoad>& providers,
                        const std::map<std::string, PlanProvider>& paces, double latency, int slots,
                        int per_minute) {
  double slowest = 0;
  int calls = 0;
  for (const auto& [service, load] : providers) {
    calls += load.calls;
    double t = load.seconds;
    // One call at a time (a per-second rule of 1): each also takes its latency.
    if (auto p = paces.find(service); p != paces.end() && p->second.per_second == 1)
      t = std::max(t, load.calls * latency);
    slowest = std::max(slowest, t + (load.calls > 0 ? latency : 0));
  }
  slowest = std::max(slowest, calls * latency / std::max(1, slots));
  if (per_minute > 0) slowest = std::max(slowest, pace_seconds(per_minute, 0, calls) + latency);
  return slowest;
}

FetchPlan plan_fetches(const std::vector<PlanNeed>& needs,
                       const std::map<std::string, PlanProvider>& providers, const PlanLimits& limits) {
  FetchPlan plan;
  plan.needs.resize(needs.size());
  plan.sequence.resize(needs.size());
  std::iota(plan.sequence.begin(), plan.sequence.end(), size_t{0});
  std::stable_sort(plan.sequence.begin(), plan.sequence.end(),
                   [&](size_t a, size_t b) { return needs[a].priority < needs[b].priority; });
  for (const auto& [service, p] : providers) plan.providers[service].calls_left = p.calls_left;

  auto class_of = [&](const PlanNeed& need, size_t c) {
    auto p = providers.find(need.candidates[c].service);
    return p == providers.end() ? 3 : cost_class(p->second);
  };
  auto available = [&](const PlanNeed& need, size_t c) {
    auto p = providers.find(need.candidates[c].service);
    return p != providers.end() && p->second.unavailable.empty() && need.candidates[c].absent.empty();
  };
  // The order a need's providers are tried in: the chain's (its preference
  // for the data), a scarce provider last...
  std::vector<std::vector<size_t>> orders(needs.size());
  for (size_t i = 0; i < needs.size(); ++i) {
    orders[i].resize(needs[i].candidates.size());
    std::iota(orders[i].begin(), orders[i].end(), size_t{0});
    std::stable_sort(orders[i].begin(), orders[i].end(), [&](size_t x, size_t y) {
      return (class_of(needs[i], x) == 2) < (class_of(needs[i], y) == 2);
    });
  }
  auto first_available = [&](size_t i) -> std::optional<size_t> {
    for (size_t c : orders[i])
      if (available(needs[i], c)) return c;
    return std::nullopt;
  };
  // ...unless a provider with a quota is wanted by more needs than it has
  // calls left: then the needs that a provider without a quota also serves
  // go to that one first (SEC for FMP's profiles), the lowest in priority
  // first, until the rest fits.
  std::map<std::string, int> demand;
  for (size_t i = 0; i < needs.size(); ++i)
    if (auto c = first_available(i)) ++demand[needs[i].candidates[*c].service];
  for (auto& [service, wanted] : demand) {
    auto p = providers.find(service);
    if (p == providers.end() || !p->second.calls_left) continue;
    for (auto it = plan.sequence.rbegin(); it != plan.sequence.rend() && wanted > *p->second.calls_left;
         ++it) {
      const size_t i = *it;
      auto c = first_available(i);
      if (!c || needs[i].candidates[*c].service != service) continue;
      std::vector<size_t> cheap = orders[i];
      std::stable_sort(cheap.begin(), cheap.end(),
                       [&](size_t x, size_t y) { return class_of(needs[i], x) < class_of(needs[i], y); });
      auto alt = std::find_if(cheap.begin(), cheap.end(), [&](size_t x) { return available(needs[i], x); });
      if (alt == cheap.end() || class_of(needs[i], *alt) != 0) continue;
      orders[i] = std::move(cheap);
      --wanted;
    }
  }

  // The calls the run may make: --max-api-calls, else what --max-calls-per-minute allows in the horizon.
  std::optional<int> budget = limits.budget;
  std::string budget_text =
      budget ? "--max-api-calls " + std::to_string(*budget) + " all planned for needs ahead" : std::string();
  if (!limits.budget_text.empty()) budget_text = limits.budget_text;
  if (!budget && limits.per_minute > 0) {
    budget =
        static_cast<int>(std::max(1.0, limits.per_minute / 2.0) + limits.horizon * limits.per_minute / 60.0);
    budget_text = std::to_string(*budget) + " calls planned, what --max-calls-per-minute " +
                  std::to_string(limits.per_minute) + " allows in " +
                  std::to_string(static_cast<int>(limits.horizon / 60)) + " min; the rest in the next run";
  }
  plan.budget = budget;
  std::map<std::string, std::set<std::string>> groups;  // per service, the shared calls planned
  for (size_t index : plan.sequence) {
    const PlanNeed& need = needs[index];
    FetchAssignment& a = plan.needs[index];
    a.order = std::move(orders[index]);
    for (size_t c : a.order) {
      const PlanCandidate& cand = need.candidates[c];
      auto p = providers.find(cand.service);
      if (p == providers.end()) continue;
      const PlanProvider& provider = p->second;
      ProviderLoad& load = plan.providers[cand.service];
      if (!provider.unavailable.empty()) {
        // Not sent (a breaker, a spent quota, a rejected key); a disabled service is asked nothing.
        add_reason(a.why, cand.service, provider.unavailable_kind, provider.unavailable,
                   provider.unavailable_kind != FailureKind::disabled);
        continue;
      }
      if (!cand.absent.empty()) {
        add_reason(a.why, cand.service, cand.absent_kind, cand.absent);
        continue;
      }
      if (!cand.group.empty() && groups[cand.service].count(cand.group)) {  // a call already planned
        a.assigned = c;
        ++load.needs;
        break;
      }
      // Its first call brings its setup calls along.
      const int setup = load.calls == 0 ? provider.setup_calls : 0;
      if (provider.calls_left && load.calls + setup >= *provider.calls_left) {
        add_reason(a.why, cand.service, FailureKind::quota_exhausted,
                   provider.quota_text + ", " +
                       (*provider.calls_left == 0
                            ? std::string("none left")
                            : std::to_string(*provider.calls_left) + " left, all planned for needs ahead"),
                   true, *provider.calls_left > 0);
        continue;
      }
      if (provider.run_cap && load.calls + setup >= *provider.run_cap) {
        add_reason(a.why, cand.service, FailureKind::rate_limited,
                   std::to_string(*provider.run_cap) + " calls planned, what " + provider.run_cap_text +
                       " allows; the rest in the next run",
                   true);
        continue;
      }
      if (budget && plan.calls + setup >= *budget) {
        add_reason(a.why, cand.service, FailureKind::budget_spent, budget_text, true);
        continue;
      }
      a.assigned = c;
      load.calls += 1 + setup;
      load.setup += setup;
      ++load.needs;
      plan.calls += 1 + setup;
      if (!cand.group.empty()) groups[cand.service].insert(cand.group);
      break;
    }
    if (a.assigned) {
      // The assigned provider first; the others stay behind it as fallbacks.
      std::stable_partition(a.order.begin(), a.order.end(), [&](size_t c) { return c == *a.assigned; });
      a.why.clear();
    } else {
      ++plan.left_missing;
    }
  }
  for (auto& [service, load] : plan.providers) {
    auto p = providers.find(service);
    if (p != providers.end())
      load.seconds = pace_seconds(p->second.per_minute, p->second.per_second, load.calls);
  }
  plan.seconds = estimate_seconds(plan.providers, providers, limits.latency, limits.slots, limits.per_minute);
  return plan;
}

}  // namespace thd
