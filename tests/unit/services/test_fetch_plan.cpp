#include "services/fetch_plan.hpp"

#include <doctest/doctest.h>

namespace thd {
namespace {

PlanCandidate cand(std::string service, std::string absent = "", std::string group = "") {
  PlanCandidate c;
  c.service = std::move(service);
  c.absent = std::move(absent);
  c.group = std::move(group);
  if (!c.absent.empty()) c.absent_kind = FailureKind::not_on_plan;
  return c;
}

PlanNeed need(int priority, std::vector<PlanCandidate> candidates) {
  return PlanNeed{priority, std::move(candidates)};
}

// The free plans as the providers' modules say them.
std::map<std::string, PlanProvider> free_plans(int fmp_left = 250, int av_left = 25) {
  std::map<std::string, PlanProvider> p;
  p["yahoo_finance"].per_minute = 100;
  p["sec_edgar"].per_second = 10;
  p["fred_economic"].per_minute = 120;
  p["fred_economic"].per_second = 2;
  p["fmp"].per_minute = 250;
  p["fmp"].calls_left = fmp_left;
  p["fmp"].quota_text = "250/day plan";
  p["alpha_vantage"].per_second = 1;
  p["alpha_vantage"].calls_left = av_left;
  p["alpha_vantage"].quota_text = "25/day plan";
  p["alpha_vantage"].scarce = true;
  return p;
}

PlanNeed market() {
  return need(0, {cand("yahoo_finance"), cand("fmp"), cand("alpha_vantage")});
}
PlanNeed fundamentals(bool fmp_serves, std::string av_group = "") {
  return need(5, {cand("fmp", fmp_serves ? "" : "not on your plan (HTTP 402)"),
                  cand("alpha_vantage", "", std::move(av_group))});
}
PlanNeed profile() {
  return need(4, {cand("fmp"), cand("alpha_vantage"), cand("sec_edgar")});
}

std::string service_of(const std::vector<PlanNeed>& needs, const FetchPlan& plan, size_t i) {
  const auto& a = plan.needs[i];
  return a.assigned ? needs[i].candidates[*a.assigned].service : std::string("missing");
}

}  // namespace

TEST_CASE("fetch plan: Alpha Vantage with 3 calls left serves only the needs no one else can") {
  std::vector<PlanNeed> needs;
  for (int i = 0; i < 5; ++i) needs.push_back(market());             // 0-4: Yahoo serves them
  for (int i = 0; i < 2; ++i) needs.push_back(fundamentals(true));   // 5-6: FMP serves them
  for (int i = 0; i < 4; ++i) needs.push_back(fundamentals(false));  // 7-10: only Alpha Vantage
  for (int i = 0; i < 3; ++i) needs.push_back(profile());            // 11-13: SEC, not FMP or AV
  FetchPlan plan = plan_fetches(needs, free_plans(250, 3), {});
  for (size_t i = 0; i < 5; ++i) CHECK(service_of(needs, plan, i) == "yahoo_finance");
  CHECK(service_of(needs, plan, 5) == "fmp");
  CHECK(service_of(needs, plan, 6) == "fmp");
  CHECK(service_of(needs, plan, 7) == "alpha_vantage");
  CHECK(service_of(needs, plan, 8) == "alpha_vantage");
  CHECK(service_of(needs, plan, 9) == "alpha_vantage");
  CHECK(service_of(needs, plan, 10) == "missing");
  for (size_t i = 11; i < 14; ++i) CHECK(service_of(needs, plan, i) == "fmp");  // its quota covers them
  CHECK(plan.providers["alpha_vantage"].calls == 3);
  CHECK(plan.providers["fmp"].calls == 5);
  CHECK(plan.left_missing == 1);
  // Why the fourth is missing: each provider of its chain, in the provider's words.
  REQUIRE(plan.needs[10].why.size() == 2);
  CHECK(plan.needs[10].why[0].service == "fmp");
  CHECK(plan.needs[10].why[0].kind == FailureKind::not_on_plan);
  CHECK(plan.needs[10].why[1].message == "25/day plan, 3 left, all planned for needs ahead");
  CHECK(plan.needs[10].why[1].kind == FailureKind::quota_exhausted);
  // A market need keeps FMP and Alpha Vantage behind Yahoo as fallbacks, the scarce one last.
  CHECK(plan.needs[0].order == std::vector<size_t>{0, 1, 2});
  // A profile: FMP, then SEC, Alpha Vantage last.
  CHECK(plan.needs[11].order == std::vector<size_t>{0, 2, 1});
}

TEST_CASE(
    "fetch plan: when FMP's calls left cannot cover its needs, SEC takes the profiles, the lowest first") {
  std::vector<PlanNeed> needs;
  for (int i = 0; i < 3; ++i) needs.push_back(fundamentals(true));  // 0-2: only FMP (and AV)
  for (int i = 0; i < 3; ++i) needs.push_back(profile());           // 3-5: FMP or SEC
  needs[5].priority = 3;                                            // a profile ahead of the others
  // FMP has 4 calls left for 6 needs: two profiles go to SEC, the two lowest in priority.
  FetchPlan plan = plan_fetches(needs, free_plans(4, 25), {});
  for (size_t i = 0; i < 3; ++i) CHECK(service_of(needs, plan, i) == "fmp");
  CHECK(service_of(needs, plan, 5) == "fmp");
  CHECK(service_of(needs, plan, 3) == "sec_edgar");
  CHECK(service_of(needs, plan, 4) == "sec_edgar");
  CHECK(plan.needs[3].order == std::vector<size_t>{2, 0, 1});
  CHECK(plan.providers["fmp"].calls == 4);
  CHECK(plan.left_missing == 0);
}

TEST_CASE("fetch plan: with none left, a quota says so") {
  std::vector<PlanNeed> needs{fundamentals(false)};
  FetchPlan plan = plan_fetches(needs, free_plans(250, 0), {});
  REQUIRE_FALSE(plan.needs[0].assigned);
  CHECK(plan.needs[0].why[1].message == "25/day plan, none left");
}

TEST_CASE("fetch plan: under a tiny budget, macro goes before profiles, whatever the given order") {
  std::vector<PlanNeed> needs;
  needs.push_back(profile());                         // 0
  needs.push_back(profile());                         // 1
  needs.push_back(need(2, {cand("fred_economic")}));  // 2: macro
  needs.push_back(need(2, {cand("fred_economic")}));  // 3: macro
  FetchPlan plan = plan_fetches(needs, free_plans(), {.budget = 3, .latency = 0.3, .slots = 5});
  CHECK(plan.sequence == std::vector<size_t>{2, 3, 0, 1});
  CHECK(service_of(needs, plan, 2) == "fred_economic");
  CHECK(service_of(needs, plan, 3) == "fred_economic");
  CHECK(service_of(needs, plan, 0) == "fmp");
  CHECK(service_of(needs, plan, 1) == "missing");
  CHECK(plan.calls == 3);
  REQUIRE_FALSE(plan.needs[1].why.empty());
  CHECK(plan.needs[1].why[0].kind == FailureKind::budget_spent);
  CHECK(plan.needs[1].why[0].message == "--max-api-calls 3 all planned for needs ahead");
}

TEST_CASE("fetch plan: needs that share one answer share one call") {
  // Alpha Vantage's OVERVIEW serves a ticker's profile and its fundamentals.
  std::vector<PlanNeed> needs{fundamentals(false, "OVERVIEW:IBM"), fundamentals(false, "OVERVIEW:IBM"),
                              fundamentals(false, "OVERVIEW:ACME")};
  FetchPlan plan = plan_fetches(needs, free_plans(250, 2), {});
  CHECK(service_of(needs, plan, 0) == "alpha_vantage");
  CHECK(service_of(needs, plan, 1) == "alpha_vantage");
  CHECK(service_of(needs, plan, 2) == "alpha_vantage");
  CHECK(plan.providers["alpha_vantage"].calls == 2);
  CHECK(plan.providers["alpha_vantage"].needs == 3);
}

TEST_CASE("fetch plan: a provider that cannot be called is passed over, with its reason") {
  auto providers = free_plans();
  providers["yahoo_finance"].unavailable = "circuit open until 12:01:00 UTC (failures of an earlier run)";
  providers["yahoo_finance"].unavailable_kind = FailureKind::circuit_open;
  std::vector<PlanNeed> needs{market()};
  FetchPlan plan = plan_fetches(needs, providers, {});
  CHECK(service_of(needs, plan, 0) == "fmp");
  CHECK(plan.needs[0].order.front() == 1);  // FMP first, the others after it
}

TEST_CASE(
    "fetch plan: a provider without a quota gets no more than its run cap; the rest falls to the next") {
  auto providers = free_plans();
  providers["yahoo_finance"].run_cap = 2;
  providers["yahoo_finance"].run_cap_text = "30 min at 100/min";
  std::vector<PlanNeed> needs{market(), market(), market()};
  FetchPlan plan = plan_fetches(needs, providers, {});
  CHECK(service_of(needs, plan, 0) == "yahoo_finance");
  CHECK(service_of(needs, plan, 1) == "yahoo_finance");
  CHECK(service_of(needs, plan, 2) == "fmp");
}

TEST_CASE("pace_seconds: the least time under a provider's rules, worked out by hand") {
  // 100/min with a burst of 50: the 261st call starts (261 - 50) x 0.6 s in.
  CHECK(pace_seconds(100, 0, 261) == doctest::Approx(126.6));
  CHECK(pace_seconds(100, 0, 50) == doctest::Approx(0));
  // 10 per 1.15 s: 25 calls are 3 windows, the last starting 2 x 1.15 s in.
  CHECK(pace_seconds(0, 10, 25) == doctest::Approx(2.3));
  CHECK(pace_seconds(0, 10, 10) == doctest::Approx(0));
  // Alpha Vantage, 1 per 1.15 s: 25 calls, the last 24 x 1.15 s in.
  CHECK(pace_seconds(0, 1, 25) == doctest::Approx(27.6));
  // FRED, 2/s and 120/min: 4 calls; the window (1.15 s) is slower than the bucket (1.0 s).
  CHECK(pace_seconds(120, 2, 4) == doctest::Approx(1.15));
  CHECK(pace_seconds(120, 2, 0) == 0);
}

TEST_CASE("fetch plan: the estimate is the slowest provider's pace, or the calls over the slots") {
  std::vector<PlanNeed> needs;
  for (int i = 0; i < 60; ++i) needs.push_back(market());
  FetchPlan plan = plan_fetches(needs, free_plans(), {.budget = std::nullopt, .latency = 0.1, .slots = 5});
  // Yahoo: (60 - 50) x 0.6 = 6 s, plus the last call's latency.
  CHECK(plan.seconds == doctest::Approx(6.1));
  // Slow answers: 60 x 1 s over 5 slots = 12 s.
  plan = plan_fetches(needs, free_plans(), {.budget = std::nullopt, .latency = 1.0, .slots = 5});
  CHECK(plan.seconds == doctest::Approx(12.0));
}

}  // namespace thd
