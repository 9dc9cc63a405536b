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
