// missing_cause (core/pipeline.hpp): a missing need's reason reduced to a short cause for the run's summary.
#include <doctest/doctest.h>

#include "core/pipeline.hpp"

using thd::missing_cause;

TEST_CASE("missing_cause: the run's own reasons") {
  CHECK(missing_cause("offline and not in the cache") == "offline");
  CHECK(missing_cause("offline and not in the cache; fmp: no data") == "offline");
  CHECK(missing_cause("every provider excluded by --services") == "excluded by --services");
  CHECK(missing_cause("no provider answered") == "no provider answered");
}

TEST_CASE("missing_cause: providers of the same kind named together, kinds in chain order") {
  CHECK(missing_cause("fmp: no data for QQQ; alpha_vantage: no data") == "no data (fmp, alpha_vantage)");
  CHECK(missing_cause("fmp: circuit open after repeated failures; not sent; alpha_vantage: daily quota of 25 "
                      "calls used; not sent") == "circuit open (fmp), quota spent (alpha_vantage)");
  CHECK(missing_cause("yahoo_finance: Couldn't connect to server; fmp: HTTP 500; alpha_vantage: 25/day plan: "
                      "spent") ==
        "connection failed (yahoo_finance), HTTP error (fmp), quota spent (alpha_vantage)");
  CHECK(missing_cause("fred_economic: timeout after 30 s") == "timeout (fred_economic)");
  CHECK(missing_cause("fmp: disabled (no key: set FMP_API_KEY)") == "disabled (fmp)");
  CHECK(missing_cause("fmp: --max-api-calls budget spent; not sent") == "budget spent (fmp)");
}

TEST_CASE("missing_cause: a text that names no provider is classified whole") {
  CHECK(missing_cause("something odd happened") == "failed");
  CHECK(missing_cause("") == "unknown");
}

// The failures as the engine and the plan make them (services/fetch_plan.cpp): the cause comes from their
// kinds, whatever their words say.
#include "services/fetch_plan.hpp"

namespace {

std::vector<thd::PlanNeed> needs_of(int n, const std::string& service) {
  std::vector<thd::PlanNeed> needs;
  for (int i = 0; i < n; ++i) needs.push_back({i, {{service, "", "", thd::FailureKind::no_data}}});
  return needs;
}

}  // namespace

TEST_CASE("missing_cause: the plan's refusals, with the plan's own words") {
  using namespace thd;
  SUBCASE("--max-api-calls 5: the budget, not a failure") {
    std::map<std::string, PlanProvider> providers{{"fmp", PlanProvider{}}};
    PlanLimits limits;
    limits.budget = 5;
    const FetchPlan plan = plan_fetches(needs_of(8, "fmp"), providers, limits);
    REQUIRE(plan.left_missing == 3);
    const auto& why = plan.needs[plan.sequence.back()].why;
    REQUIRE(why.size() == 1);
    CHECK(why[0].message == "--max-api-calls 5 all planned for needs ahead");
    CHECK(why[0].by_plan);
    CHECK(missing_cause(why) == "budget spent (fmp)");
  }
  SUBCASE("a quota with calls left, all planned for needs ahead: not spent") {
    PlanProvider av;
    av.calls_left = 5;
    av.quota_text = "25/day plan";
    std::map<std::string, PlanProvider> providers{{"alpha_vantage", av}};
    const FetchPlan plan = plan_fetches(needs_of(7, "alpha_vantage"), providers, PlanLimits{});
    REQUIRE(plan.left_missing == 2);
    const auto& why = plan.needs[plan.sequence.back()].why;
    REQUIRE(why.size() == 1);
    CHECK(why[0].message == "25/day plan, 5 left, all planned for needs ahead");
    CHECK(missing_cause(why) == "quota: planned for needs ahead (alpha_vantage)");
  }
  SUBCASE("a quota with none left: spent") {
    PlanProvider av;
    av.calls_left = 0;
    av.quota_text = "25/day plan";
    std::map<std::string, PlanProvider> providers{{"alpha_vantage", av}};
    const FetchPlan plan = plan_fetches(needs_of(1, "alpha_vantage"), providers, PlanLimits{});
    CHECK(missing_cause(plan.needs[0].why) == "quota spent (alpha_vantage)");
  }
}

TEST_CASE("missing_cause: the engine's failures by their kinds") {
  using namespace thd;
  // The engine's words for a timeout (services/http_engine.cpp) name no "timeout".
  CHECK(
      missing_cause(std::vector<ProviderFailure>{
          {"yahoo_finance", FailureKind::timeout, "no complete answer within 1 s"},
          {"fmp", FailureKind::timeout, "no complete answer within 1 s"},
          {"alpha_vantage", FailureKind::circuit_open, "circuit open after repeated failures; not sent"}}) ==
      "timeout (yahoo_finance, fmp), circuit open (alpha_vantage)");
  CHECK(missing_cause(std::vector<ProviderFailure>{
            {"fmp", FailureKind::transport, "Couldn't connect to server"},
            {"alpha_vantage", FailureKind::rate_limited, "throttled (HTTP 429): paused for 1 s"}}) ==
        "connection failed (fmp), rate limited (alpha_vantage)");
  CHECK(missing_cause(std::vector<ProviderFailure>{}) == "no enabled provider for it");
}

TEST_CASE("missing_cause: a provider left out by --services, said as when all are") {
  using namespace thd;
  CHECK(missing_cause(
            std::vector<ProviderFailure>{{"yahoo_finance", FailureKind::no_data, "no data for XYZ"},
                                         {"fmp", FailureKind::disabled, "disabled (not in --services)"}}) ==
        "no data (yahoo_finance), excluded by --services (fmp)");
  CHECK(missing_cause(std::vector<ProviderFailure>{
            {"fmp", FailureKind::disabled, "disabled (no key: set FMP_API_KEY)"}}) == "disabled (fmp)");
}
