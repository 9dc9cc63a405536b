#include <doctest/doctest.h>

#include "core/base/sectors.hpp"

using namespace thd;

TEST_CASE("sector aliases of SPEC 4.1, case-insensitive") {
  CHECK(canonical_sector("financials") == "financials");
  CHECK(canonical_sector("Finance") == "financials");
  CHECK(canonical_sector("FINANCIAL") == "financials");
  CHECK(canonical_sector("industrial") == "industrials");
  CHECK(canonical_sector("communication") == "communication_services");
  CHECK(canonical_sector("telecom") == "communication_services");
  CHECK(canonical_sector("tech") == "technology");
  CHECK(canonical_sector("health_care") == "healthcare");
  CHECK(canonical_sector("consumer_discretionary") == "consumer_discretionary");
  CHECK(canonical_sector("consumer_staples") == "consumer_staples");
  CHECK(canonical_sector("energy") == "energy");
  CHECK(canonical_sector("materials") == "materials");
  CHECK(canonical_sector("utilities") == "utilities");
  CHECK(canonical_sector("real_estate") == "real_estate");
}

TEST_CASE("provider spellings map to the canonical names") {
  CHECK(canonical_sector("Financial Services") == "financials");
  CHECK(canonical_sector("Consumer Cyclical") == "consumer_discretionary");
  CHECK(canonical_sector("Consumer Defensive") == "consumer_staples");
  CHECK(canonical_sector("Basic Materials") == "materials");
  CHECK(canonical_sector("Real Estate") == "real_estate");
  CHECK(canonical_sector("Communication Services") == "communication_services");
}

TEST_CASE("unknown sectors are not guessed") {
  CHECK_FALSE(canonical_sector("crypto"));
  CHECK_FALSE(canonical_sector(""));
  CHECK_FALSE(canonical_sector("fin"));
}
