// serve_needs and plan_sources over an in-memory cache and a scripted
// network (SPEC §4.3): fresh cache, network (and the fetched record cached
// with its kind's TTL), stale cache, missing with the reason; one hit or miss
// per need. No disk, no HTTP.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cache/memory_storage.hpp"
#include "core/phase0.hpp"
#include "core/planner.hpp"
#include "services/providers/registry.hpp"

using namespace thd;

namespace {

constexpr UnixTime k_now = 1795348800;  // 2026-11-22T12:00:00Z

// A network whose answers are written by the test: fetch() records the need,
// run() answers every recorded need from the script, in the order asked.
class ScriptedFetcher final : public NeedFetcher {
 public:
  void script(NeedKind kind, const std::string& subject, FetchOutcome answer) {
    m_script.insert_or_assign(label(kind, subject), std::move(answer));
  }
  void fetch(const Need& need, Done done) override {
    asked.push_back(label(need.kind, need.subject));
    m_pending.emplace_back(asked.back(), std::move(done));
  }
  void run() override {
    ++runs;
    auto pending = std::move(m_pending);
    m_pending.clear();
    for (auto& [what, done] : pending) {
      auto it = m_script.find(what);
      done(it != m_script.end()
               ? it->second
               : FetchOutcome{std::nullopt, {{"test", FailureKind::other, "not scripted: " + what}}});
    }
  }

  std::vector<std::string> asked;  // "market:AAPL", in the order fetch() was called
  int runs = 0;

 private:
  static std::string label(NeedKind kind, const std::string& subject) {
    return std::string(need_kind_name(kind)) + ":" + subject;
  }
  std::map<std::string, FetchOutcome> m_script;
  std::vector<std::pair<std::string, Done>> m_pending;
};

MarketRecord market(double price) {
  MarketRecord r;
  r.price = price;
  return r;
}

ProfileRecord profile(const std::string& name) {
  ProfileRecord r;
  r.name = name;
  r.sector = "technology";
  return r;
}

// The network's answer when every provider of the chain failed, each as given.
FetchOutcome failed(std::vector<ProviderFailure> failures) {
  return {std::nullopt, std::move(failures)};
}

FetchOutcome fetched(std::string service, std::string key, Record record, RecordKind kind, DataKind data) {
  return {Fetched{std::move(service), kind, std::move(record), std::move(key), data}, {}};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::optional<double> price_of(const Served& s) {
  const auto* r = std::get_if<MarketRecord>(&s.record);
  return r ? r->price : std::nullopt;
}

// The cache of one test: a MemoryStorage behind a Storage, on a fake clock.
// Entries are seeded through the backend, so the run's statistics start at zero.
struct Cache {
  FakeClock clock{k_now};
  Storage store{std::make_unique<MemoryStorage>(), clock};
  TtlTable ttls;

  MemoryStorage& memory() { return static_cast<MemoryStorage&>(store.backend()); }
  void seed(std::string_view service, std::string_view key, UnixTime created_at, std::int64_t ttl,
            const Record& r) {
    REQUIRE(memory().put(service, key, created_at, ttl, record_to_json(r)));
  }
  std::vector<Served> serve(const std::vector<Need>& needs, NeedFetcher* fetcher, bool offline = false,
                            std::set<std::string> services = {}) {
    ServeOptions options;
    options.offline = offline;
    options.services = std::move(services);
    return serve_needs(needs, store, clock, options, fetcher, ttls);
  }
  std::uint64_t stat(std::string_view service, Stat s) const { return store.session_stats().get(service, s); }
};

}  // namespace

TEST_CASE("a fresh cache entry is served from the cache and the network is not asked") {
  Cache c;
  c.seed("yahoo_finance", "chart:AAPL:1y:1d", k_now - 100, 900, market(187.5));
  c.clock.advance(50);  // entry is 150 s old, well under its 900 s
  ScriptedFetcher net;
  auto served = c.serve({make_need(NeedKind::market, "AAPL")}, &net);
  REQUIRE(served.size() == 1);
  CHECK(served[0].provenance.source == SourceKind::cache);
  CHECK(served[0].provenance.service == "yahoo_finance");
  CHECK(served[0].provenance.fetched_at == k_now - 100);
  CHECK(served[0].provenance.age_seconds == 150);
  CHECK(served[0].provenance.reason.empty());
  CHECK(served[0].record_kind == RecordKind::market);
  CHECK(price_of(served[0]) == 187.5);
  CHECK(served[0].need.subject == "AAPL");
  CHECK(net.asked.empty());
  CHECK(c.stat("yahoo_finance", Stat::hits) == 1);
  CHECK(c.store.session_stats().total(Stat::misses) == 0);
}

TEST_CASE("a fresh entry of a later provider in the chain serves the need: one hit, no miss") {
  Cache c;
  // Market chain: yahoo_finance, fmp, alpha_vantage; only fmp has it.
  c.seed("fmp", "quote:MSFT", k_now, 900, market(410.0));
  ScriptedFetcher net;
  auto served = c.serve({make_need(NeedKind::market, "MSFT")}, &net);
  REQUIRE(served.size() == 1);
  CHECK(served[0].provenance.source == SourceKind::cache);
  CHECK(served[0].provenance.service == "fmp");
  CHECK(price_of(served[0]) == 410.0);
  CHECK(net.asked.empty());
  CHECK(c.stat("fmp", Stat::hits) == 1);
  CHECK(c.store.session_stats().total(Stat::hits) == 1);
  CHECK(c.store.session_stats().total(Stat::misses) == 0);
}

TEST_CASE("absent: fetched from the network, then cached with the TTL of its data kind") {
  Cache c;
  ScriptedFetcher net;
  net.script(NeedKind::market, "AAPL",
             fetched("fmp", "quote:AAPL", market(190.25), RecordKind::market, DataKind::quote));
  net.script(NeedKind::profile, "AAPL",
             fetched("fmp", "profile:AAPL", profile("Apple Inc."), RecordKind::profile, DataKind::profile));
  auto served = c.serve({make_need(NeedKind::market, "AAPL"), make_need(NeedKind::profile, "AAPL")}, &net);
  REQUIRE(served.size() == 2);
  CHECK(net.asked == std::vector<std::string>{"market:AAPL", "profile:AAPL"});
  CHECK(net.runs == 1);

  CHECK(served[0].provenance.source == SourceKind::network);
  CHECK(served[0].provenance.service == "fmp");
  CHECK(served[0].provenance.fetched_at == k_now);
  CHECK(served[0].provenance.age_seconds == 0);
  CHECK(price_of(served[0]) == 190.25);
  CHECK(served[1].provenance.source == SourceKind::network);
  CHECK(served[1].record_kind == RecordKind::profile);
  REQUIRE(std::holds_alternative<ProfileRecord>(served[1].record));
  CHECK(std::get<ProfileRecord>(served[1].record).name == "Apple Inc.");

  // Cached under the fetched key: quotes for 900 s, profiles for 7 days (SPEC §5.5).
  Lookup quote = c.store.get("fmp", "quote:AAPL");
  CHECK(quote.status == LookupStatus::fresh);
  CHECK(quote.created_at == k_now);
  CHECK(quote.ttl_seconds == 900);
  auto rec = record_from_json(RecordKind::market, quote.data);
  REQUIRE(rec);
  CHECK(std::get<MarketRecord>(*rec).price == 190.25);
  Lookup prof = c.store.get("fmp", "profile:AAPL");
  CHECK(prof.status == LookupStatus::fresh);
  CHECK(prof.ttl_seconds == 7 * 86400);
  CHECK(c.stat("fmp", Stat::stores) == 2);
}

TEST_CASE("the fetched record is cached with the TTL table's value, overrides included") {
  Cache c;
  c.ttls.set("fmp", DataKind::quote, 60);
  ScriptedFetcher net;
  net.script(NeedKind::market, "AAPL",
             fetched("fmp", "quote:AAPL", market(1.0), RecordKind::market, DataKind::quote));
  c.serve({make_need(NeedKind::market, "AAPL")}, &net);
  CHECK(c.store.get("fmp", "quote:AAPL").ttl_seconds == 60);
  c.clock.advance(60);
  CHECK(c.store.get("fmp", "quote:AAPL").status == LookupStatus::expired);
}

TEST_CASE("network fails and an expired entry exists: stale cache, with the failure as the reason") {
  Cache c;
  c.seed("fmp", "quote:AAPL", k_now - 1000, 900, market(180.0));  // expired 100 s ago
  ScriptedFetcher net;
  net.script(NeedKind::market, "AAPL",
             failed({{"yahoo_finance", FailureKind::timeout, "timed out after 30 s"}}));
  auto served = c.serve({make_need(NeedKind::market, "AAPL")}, &net);
  REQUIRE(served.size() == 1);
  CHECK(net.asked == std::vector<std::string>{"market:AAPL"});
  const Provenance& p = served[0].provenance;
  CHECK(p.source == SourceKind::stale_cache);
  CHECK(p.service == "fmp");
  CHECK(p.fetched_at == k_now - 1000);
  CHECK(p.age_seconds == 1000);
  CHECK_MESSAGE(contains(p.reason, "expired cache entry"), p.reason);
  CHECK_MESSAGE(contains(p.reason, "yahoo_finance: timed out after 30 s"), p.reason);
  CHECK(price_of(served[0]) == 180.0);
  CHECK(c.stat("fmp", Stat::stale_served) == 1);
  // The expired entry is not a hit; the need's one miss goes to the first provider looked at.
  CHECK(c.stat("yahoo_finance", Stat::misses) == 1);
  CHECK(c.store.session_stats().total(Stat::misses) == 1);
  CHECK(c.store.session_stats().total(Stat::hits) == 0);
}

TEST_CASE("two expired entries: the one of the provider first in the chain is served") {
  Cache c;
  c.seed("yahoo_finance", "chart:AAPL:1y:1d", k_now - 5000, 900, market(170.0));
  c.seed("alpha_vantage", "quote:AAPL", k_now - 1000, 900, market(175.0));
  auto served = c.serve({make_need(NeedKind::market, "AAPL")}, nullptr, true);
  CHECK(served[0].provenance.source == SourceKind::stale_cache);
  CHECK(served[0].provenance.service == "yahoo_finance");
  CHECK(served[0].provenance.age_seconds == 5000);
  CHECK(price_of(served[0]) == 170.0);
  CHECK(c.stat("yahoo_finance", Stat::stale_served) == 1);
  CHECK(c.stat("alpha_vantage", Stat::stale_served) == 0);
}

TEST_CASE("network fails and nothing is cached: missing, the failure's message as the reason") {
  Cache c;
  ScriptedFetcher net;
  net.script(NeedKind::series, "FEDFUNDS",
             failed({{"fred_economic", FailureKind::http_status, "HTTP 503 Service Unavailable"}}));
  auto served = c.serve({make_need(NeedKind::series, "FEDFUNDS")}, &net);
  REQUIRE(served.size() == 1);
  const Provenance& p = served[0].provenance;
  CHECK(p.source == SourceKind::missing);
  CHECK(p.reason == "fred_economic: HTTP 503 Service Unavailable");
  CHECK(p.service.empty());
  CHECK_FALSE(p.fetched_at.has_value());
  CHECK_FALSE(p.age_seconds.has_value());
  CHECK(served[0].record_kind == RecordKind::series);
  REQUIRE(std::holds_alternative<SeriesRecord>(served[0].record));
  CHECK_FALSE(std::get<SeriesRecord>(served[0].record).value.has_value());
  CHECK(c.stat("fred_economic", Stat::misses) == 1);
  CHECK(c.store.session_stats().total(Stat::stores) == 0);
}

TEST_CASE("offline: expired entries are served stale, absent ones are missing, the network is not asked") {
  Cache c;
  c.seed("coingecko", "price:bitcoin", k_now - 5000, 900, CryptoRecord{64000.0, -1.5, 1.2e12});
  const std::vector<Need> needs{make_need(NeedKind::crypto, "bitcoin"),
                                make_need(NeedKind::crypto, "ethereum")};

  SUBCASE("without a fetcher") {
    auto served = c.serve(needs, nullptr, true);
    REQUIRE(served.size() == 2);
    CHECK(served[0].provenance.source == SourceKind::stale_cache);
    CHECK(served[0].provenance.service == "coingecko");
    CHECK(served[0].provenance.age_seconds == 5000);
    CHECK_MESSAGE(contains(served[0].provenance.reason, "offline"), served[0].provenance.reason);
    CHECK_MESSAGE(contains(served[0].provenance.reason, "expired cache entry"), served[0].provenance.reason);
    CHECK(std::get<CryptoRecord>(served[0].record).usd == 64000.0);
    CHECK(served[1].provenance.source == SourceKind::missing);
    CHECK(served[1].provenance.reason == "offline and not in the cache");
  }
  SUBCASE("with a fetcher that must not be used") {
    ScriptedFetcher net;
    auto served = c.serve(needs, &net, true);
    CHECK(net.asked.empty());
    CHECK(net.runs == 0);
    CHECK(served[0].provenance.source == SourceKind::stale_cache);
    CHECK(served[1].provenance.source == SourceKind::missing);
  }
  CHECK(c.stat("coingecko", Stat::misses) == 2);
  CHECK(c.stat("coingecko", Stat::stale_served) == 1);
}

TEST_CASE("a corrupt entry is never served and is named in the reason") {
  Cache c;
  c.memory().put_corrupt("yahoo_finance", "chart:AAPL:1y:1d", CorruptReason::not_json);
  const std::vector<Need> needs{make_need(NeedKind::market, "AAPL")};

  SUBCASE("online, the network fails too") {
    ScriptedFetcher net;
    net.script(NeedKind::market, "AAPL",
               failed({{"yahoo_finance", FailureKind::transport, "connection refused"}}));
    auto served = c.serve(needs, &net);
    CHECK(net.asked.size() == 1);
    const std::string& why = served[0].provenance.reason;
    CHECK(served[0].provenance.source == SourceKind::missing);
    CHECK_MESSAGE(contains(why, "connection refused"), why);
    CHECK_MESSAGE(contains(why, "yahoo_finance cache entry corrupt"), why);
    CHECK_MESSAGE(contains(why, "not valid JSON"), why);
  }
  SUBCASE("offline") {
    auto served = c.serve(needs, nullptr, true);
    const std::string& why = served[0].provenance.reason;
    CHECK(served[0].provenance.source == SourceKind::missing);
    CHECK_MESSAGE(contains(why, "offline and not in the cache"), why);
    CHECK_MESSAGE(contains(why, "yahoo_finance cache entry corrupt (not valid JSON)"), why);
  }
  SUBCASE("a later provider's fresh entry serves it") {
    c.seed("alpha_vantage", "quote:AAPL", k_now, 900, market(200.0));
    auto served = c.serve(needs, nullptr, true);
    CHECK(served[0].provenance.source == SourceKind::cache);
    CHECK(served[0].provenance.service == "alpha_vantage");
    CHECK(price_of(served[0]) == 200.0);
  }
  CHECK(c.stat("yahoo_finance", Stat::corruptions) == 1);
}

TEST_CASE("an entry that is not a record of the need's kind is unusable, not served") {
  Cache c;
  REQUIRE(c.memory().put("yahoo_finance", "chart:AAPL:1y:1d", k_now, 900, R"({"price":"abc"})"));
  auto served = c.serve({make_need(NeedKind::market, "AAPL")}, nullptr, true);
  CHECK(served[0].provenance.source == SourceKind::missing);
  CHECK_MESSAGE(contains(served[0].provenance.reason, "yahoo_finance cache entry unusable"),
                served[0].provenance.reason);
}

TEST_CASE("--services: excluded providers are neither looked up nor fetched") {
  Cache c;
  c.seed("yahoo_finance", "chart:AAPL:1y:1d", k_now, 900, market(187.5));
  ScriptedFetcher net;

  SUBCASE("every provider of the chain excluded") {
    auto served = c.serve({make_need(NeedKind::market, "AAPL")}, &net, false, {"coingecko"});
    CHECK(served[0].provenance.source == SourceKind::missing);
    CHECK(served[0].provenance.reason == "every provider excluded by --services");
    CHECK(net.asked.empty());
    CHECK(c.store.session_stats().total(Stat::hits) == 0);
    CHECK(c.store.session_stats().total(Stat::misses) == 0);
  }
  SUBCASE("yahoo_finance excluded: its fresh entry is not used, fmp is looked at first") {
    net.script(NeedKind::market, "AAPL",
               fetched("fmp", "quote:AAPL", market(191.0), RecordKind::market, DataKind::quote));
    auto served = c.serve({make_need(NeedKind::market, "AAPL")}, &net, false, {"fmp", "alpha_vantage"});
    CHECK(net.asked.size() == 1);
    CHECK(served[0].provenance.source == SourceKind::network);
    CHECK(price_of(served[0]) == 191.0);
    CHECK(c.stat("fmp", Stat::misses) == 1);
    CHECK(c.stat("yahoo_finance", Stat::misses) == 0);
    CHECK(c.stat("yahoo_finance", Stat::hits) == 0);
  }
}

TEST_CASE("hits and misses: one per need, whatever the chain's length") {
  Cache c;
  c.seed("fred_economic", "series:VIXCLS", k_now, 7200, SeriesRecord{17.2, "2026-11-20"});
  c.seed("fmp", "profile:AAPL", k_now - 10 * 86400, 7 * 86400, profile("Apple Inc."));  // expired
  const std::vector<Need> needs{
      make_need(NeedKind::market, "AAPL"),    // nothing anywhere: a miss for yahoo_finance
      make_need(NeedKind::vix, "VIX"),        // fresh at fred_economic, second in the chain: a hit
      make_need(NeedKind::profile, "AAPL"),   // expired at fmp: a miss for fmp
      make_need(NeedKind::profile, "MSFT"),   // nothing: a miss for fmp
      make_need(NeedKind::imf, "NGDP_RPCH"),  // nothing: a miss for imf_data
  };
  auto served = c.serve(needs, nullptr, true);
  REQUIRE(served.size() == needs.size());
  for (size_t i = 0; i < needs.size(); ++i) CHECK(served[i].need.subject == needs[i].subject);
  const StatCounters& s = c.store.session_stats();
  CHECK(s.get("fred_economic", Stat::hits) == 1);
  CHECK(s.get("yahoo_finance", Stat::hits) == 0);
  CHECK(s.get("yahoo_finance", Stat::misses) == 1);
  CHECK(s.get("fmp", Stat::misses) == 2);
  CHECK(s.get("imf_data", Stat::misses) == 1);
  CHECK(s.get("alpha_vantage", Stat::misses) == 0);
  CHECK(s.get("sec_edgar", Stat::misses) == 0);
  CHECK(s.total(Stat::hits) + s.total(Stat::misses) == needs.size());
  CHECK(s.get("fmp", Stat::stale_served) == 1);
}

TEST_CASE("unusable misses: one per need that met a bad entry, not one per bad entry, cold misses not") {
  // The market chain looks at yahoo_finance, fmp and alpha_vantage (review 1-d, finding 2):
  // two tickers with all three entries corrupt, one with one corrupt entry and an
  // expired one, one with a bad record and a fresh later provider (a hit), three cold.
  Cache c;
  for (const char* t : {"AAPL", "MSFT"}) {
    c.memory().put_corrupt("yahoo_finance", std::string("chart:") + t + ":1y:1d", CorruptReason::not_json);
    c.memory().put_corrupt("fmp", std::string("quote:") + t, CorruptReason::not_json);
    c.memory().put_corrupt("alpha_vantage", std::string("quote:") + t, CorruptReason::not_json);
  }
  c.memory().put_corrupt("fmp", "quote:KO", CorruptReason::not_json);
  c.seed("alpha_vantage", "quote:KO", k_now - 2000, 900, market(60.0));  // expired
  REQUIRE(c.memory().put("yahoo_finance", "chart:PEP:1y:1d", k_now, 900, R"({"price":"abc"})"));
  c.seed("fmp", "quote:PEP", k_now, 900, market(170.0));
  std::vector<Need> needs;
  for (const char* t : {"AAPL", "MSFT", "KO", "PEP", "NVDA", "AMD", "INTC"})
    needs.push_back(make_need(NeedKind::market, t));
  auto served = c.serve(needs, nullptr, true);
  const StatCounters& s = c.store.session_stats();
  CHECK(s.total(Stat::hits) == 1);        // PEP, from fmp
  CHECK(s.total(Stat::misses) == 6);      // AAPL, MSFT, KO and the three cold ones
  CHECK(c.store.unusable_misses() == 3);  // AAPL, MSFT, KO: not 7 (the corrupt entries), not PEP (a hit)

  // The warning's rule on these counts: 3 of 6 misses is not most of them, and cold
  // misses never count: no warning, though 7 corrupt entries were met.
  CHECK_FALSE(miss_ratio_warning({s, c.store.unusable_misses(), 0}, "run"));
}

TEST_CASE("plan_sources: where each need would come from, without counting or fetching") {
  Cache c;
  c.seed("fmp", "profile:AAPL", k_now, 7 * 86400, profile("Apple Inc."));
  c.seed("fmp", "quote:MSFT", k_now - 1000, 900, market(400.0));  // expired
  const std::vector<Need> needs{make_need(NeedKind::profile, "AAPL"), make_need(NeedKind::market, "MSFT"),
                                make_need(NeedKind::market, "NVDA")};
  ServeOptions online;
  online.offline = false;
  ServeOptions offline;
  offline.offline = true;

  SUBCASE("online, yahoo_finance and fmp enabled") {
    auto plan = plan_sources(needs, c.store, c.clock, online, {"yahoo_finance", "fmp"});
    REQUIRE(plan.size() == 3);
    CHECK(plan[0].need == &needs[0]);
    CHECK(plan[0].expected == SourceKind::cache);
    CHECK(plan[0].plan == "fresh cache (fmp)");
    CHECK(plan[1].expected == SourceKind::network);
    CHECK(plan[1].plan == "network: yahoo_finance -> fmp; stale cache (fmp) if it fails");
    CHECK(plan[2].expected == SourceKind::network);
    CHECK(plan[2].plan == "network: yahoo_finance -> fmp");
  }
  SUBCASE("online, no provider of the chain enabled") {
    auto plan = plan_sources(needs, c.store, c.clock, online, {"coingecko"});
    CHECK(plan[0].expected == SourceKind::cache);
    CHECK(plan[1].expected == SourceKind::stale_cache);
    CHECK(plan[1].plan == "stale cache (fmp)");
    CHECK(plan[2].expected == SourceKind::missing);
    CHECK(plan[2].plan == "missing (no enabled provider)");
  }
  SUBCASE("offline") {
    auto plan = plan_sources(needs, c.store, c.clock, offline, {"yahoo_finance", "fmp", "alpha_vantage"});
    CHECK(plan[0].expected == SourceKind::cache);
    CHECK(plan[1].expected == SourceKind::stale_cache);
    CHECK(plan[2].expected == SourceKind::missing);
    CHECK(plan[2].plan == "missing (offline, not cached)");
  }
  SUBCASE("--services narrows both the cache and the chain") {
    ServeOptions only_av = online;
    only_av.services = {"alpha_vantage"};
    auto plan = plan_sources(needs, c.store, c.clock, only_av, {"yahoo_finance", "fmp", "alpha_vantage"});
    CHECK(plan[0].expected == SourceKind::network);
    CHECK(plan[0].plan == "network: alpha_vantage");
    CHECK(plan[1].plan == "network: alpha_vantage");
  }
  CHECK(c.store.session_stats().total(Stat::hits) == 0);
  CHECK(c.store.session_stats().total(Stat::misses) == 0);
}
