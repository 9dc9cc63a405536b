// TTLs (SPEC §5.5): the defaults per data kind, overrides per kind and per
// service, service over kind over default; kinds by name and by cache key.
#include <doctest/doctest.h>

#include "core/base/ttl.hpp"

using namespace thd;

TEST_CASE("TTL defaults per data kind, as SPEC §5.5 states them") {
  const TtlTable t;
  CHECK(t.ttl("yahoo_finance", DataKind::quote) == 900);
  CHECK(t.ttl("yahoo_finance", DataKind::history) == 900);
  CHECK(t.ttl("fmp", DataKind::profile) == 7 * 24 * 3600);
  CHECK(t.ttl("fmp", DataKind::fundamentals) == 24 * 3600);
  CHECK(t.ttl("fred_economic", DataKind::series) == 7200);
  CHECK(t.ttl("imf_data", DataKind::imf) == 24 * 3600);
  CHECK(t.ttl("sec_edgar", DataKind::sec) == 7 * 24 * 3600);
  CHECK(t.ttl("coingecko", DataKind::crypto) == 900);
  // The default does not depend on the service.
  CHECK(t.ttl("alpha_vantage", DataKind::profile) == 7 * 24 * 3600);
}

TEST_CASE("TTL overrides: per kind for every service, per service for one; service wins") {
  TtlTable t;
  t.set(DataKind::quote, 300);
  CHECK(t.ttl("fmp", DataKind::quote) == 300);
  CHECK(t.ttl("alpha_vantage", DataKind::quote) == 300);
  CHECK(t.ttl("fmp", DataKind::history) == 900);  // another kind keeps its default

  t.set("fmp", DataKind::quote, 60);
  CHECK(t.ttl("fmp", DataKind::quote) == 60);
  CHECK(t.ttl("alpha_vantage", DataKind::quote) == 300);
  CHECK(t.ttl("fmp", DataKind::profile) == 7 * 24 * 3600);  // only that kind of that service

  // The order of the calls does not matter: a per-kind value set later does
  // not hide the per-service one.
  t.set(DataKind::quote, 1200);
  CHECK(t.ttl("fmp", DataKind::quote) == 60);
  CHECK(t.ttl("yahoo_finance", DataKind::quote) == 1200);

  // A per-service value for a kind with no per-kind override.
  t.set("coingecko", DataKind::crypto, 120);
  CHECK(t.ttl("coingecko", DataKind::crypto) == 120);
  CHECK(t.ttl("fmp", DataKind::crypto) == 900);

  // Setting again replaces.
  t.set("fmp", DataKind::quote, 30);
  CHECK(t.ttl("fmp", DataKind::quote) == 30);
}

TEST_CASE("data_kind_by_name: every kind by its name, nothing else") {
  CHECK(data_kind_by_name("quote") == DataKind::quote);
  CHECK(data_kind_by_name("history") == DataKind::history);
  CHECK(data_kind_by_name("profile") == DataKind::profile);
  CHECK(data_kind_by_name("fundamentals") == DataKind::fundamentals);
  CHECK(data_kind_by_name("series") == DataKind::series);
  CHECK(data_kind_by_name("imf") == DataKind::imf);
  CHECK(data_kind_by_name("sec") == DataKind::sec);
  CHECK(data_kind_by_name("crypto") == DataKind::crypto);
  CHECK_FALSE(data_kind_by_name("Quote"));
  CHECK_FALSE(data_kind_by_name("quotes"));
  CHECK_FALSE(data_kind_by_name(""));
  CHECK_FALSE(data_kind_by_name("count_"));
  for (const DataKindInfo& info : k_data_kinds) CHECK(data_kind_by_name(info.name) == info.kind);
}

TEST_CASE("data_kind_of_key: the kind named by a cache key's first segment") {
  CHECK(data_kind_of_key("chart:AAPL:1y:1d") == DataKind::history);
  CHECK(data_kind_of_key("quote:AAPL") == DataKind::quote);
  CHECK(data_kind_of_key("profile:BRK.B") == DataKind::profile);
  CHECK(data_kind_of_key("fundamentals:AAPL") == DataKind::fundamentals);
  CHECK(data_kind_of_key("overview:AAPL") == DataKind::fundamentals);
  CHECK(data_kind_of_key("series:VIXCLS") == DataKind::series);
  CHECK(data_kind_of_key("imf:NGDP_RPCH:USA") == DataKind::imf);
  CHECK(data_kind_of_key("submissions:CIK0000320193") == DataKind::sec);
  CHECK(data_kind_of_key("company_tickers") == DataKind::sec);
  CHECK(data_kind_of_key("price:bitcoin") == DataKind::crypto);
  CHECK_FALSE(data_kind_of_key("bogus:AAPL"));
  CHECK_FALSE(data_kind_of_key(""));
  CHECK_FALSE(data_kind_of_key(":AAPL"));
  CHECK_FALSE(data_kind_of_key("QUOTE:AAPL"));
}
