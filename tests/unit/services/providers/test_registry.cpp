// The provider table and the chains of SPEC §7: names, chains, cache keys,
// the requests each provider builds (URLs, keys, headers), and that a
// request's parser refuses an error in disguise.
#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/base/service_ids.hpp"
#include "services/providers/registry.hpp"

using namespace thd;

namespace {

const std::string k_base = "http://127.0.0.1:9/x";

RequestContext context(std::string key = "K3Y", std::map<std::string, std::string> env = {}) {
  RequestContext c;
  c.base_url = k_base;
  c.key = std::move(key);
  c.today = Date{2026, 11, 22};
  c.env = [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return c;
}

const Provider& provider(std::string_view name) {
  const Provider* p = find_provider(name);
  REQUIRE_MESSAGE(p, name);
  return *p;
}

// The request `service` builds for a need, with the need's source for that service.
Result<ProviderRequest> request_of(std::string_view service, const Need& need, const RequestContext& c) {
  for (const NeedSource& src : need.chain)
    if (src.service == service) return provider(service).request(need, src, c);
  FAIL("no source for " << service);
  return fail("unreachable");
}

std::vector<std::string> services_of(const Need& need) {
  std::vector<std::string> out;
  for (const NeedSource& s : need.chain) out.emplace_back(s.service);
  return out;
}

std::vector<std::string> strings(std::span<const std::string_view> names) {
  return {names.begin(), names.end()};
}

// "a=1&b=2" after the '?' -> {a: 1, b: 2}.
std::map<std::string, std::string> query_of(const std::string& url) {
  std::map<std::string, std::string> out;
  const auto q = url.find('?');
  if (q == std::string::npos) return out;
  std::string rest = url.substr(q + 1);
  size_t i = 0;
  while (i <= rest.size()) {
    size_t amp = rest.find('&', i);
    if (amp == std::string::npos) amp = rest.size();
    std::string pair = rest.substr(i, amp - i);
    size_t eq = pair.find('=');
    out[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
    i = amp + 1;
  }
  return out;
}

std::string path_of(const std::string& url) {
  return url.substr(0, url.find('?'));
}

const char* const k_company_tickers =
    R"({"0":{"cik_str":320193,"ticker":"AAPL","title":"Apple Inc."},)"
    R"("1":{"cik_str":1067983,"ticker":"BRK-B","title":"BERKSHIRE HATHAWAY INC"}})";

}  // namespace

TEST_CASE("the provider table is in the order of k_service_names, one provider each") {
  auto all = all_providers();
  REQUIRE(all.size() == k_service_names.size());
  for (size_t i = 0; i < all.size(); ++i) {
    REQUIRE(all[i]);
    CHECK(all[i]->info().name == k_service_names[i]);
    CHECK(find_provider(k_service_names[i]) == all[i]);
  }
  CHECK(find_provider("redis") == nullptr);
  CHECK(find_provider("") == nullptr);
}

TEST_CASE("each provider's base URL and key as in SPEC §7") {
  struct Row {
    std::string_view name, base_url, key_env;
    KeyRequirement key;
  };
  const Row rows[] = {
      {"yahoo_finance", "https://query1.finance.yahoo.com", "", KeyRequirement::none},
      {"fmp", "https://financialmodelingprep.com", "FMP_API_KEY", KeyRequirement::required},
      {"alpha_vantage", "https://www.alphavantage.co", "ALPHA_VANTAGE_API_KEY", KeyRequirement::required},
      {"fred_economic", "https://api.stlouisfed.org", "FRED_API_KEY", KeyRequirement::required},
      {"sec_edgar", "https://data.sec.gov", "", KeyRequirement::none},
      {"coingecko", "https://api.coingecko.com", "COINGECKO_API_KEY", KeyRequirement::optional},
      {"imf_data", "https://www.imf.org", "", KeyRequirement::none},
  };
  for (const Row& r : rows) {
    CAPTURE(r.name);
    const ProviderInfo& info = provider(r.name).info();
    CHECK(info.default_base_url == r.base_url);
    CHECK(info.key_env == r.key_env);
    CHECK(info.key == r.key);
  }
}

TEST_CASE("chain_of: the provider chains of SPEC §7, first to last") {
  using V = std::vector<std::string>;
  CHECK(strings(chain_of(NeedKind::market)) == V{"yahoo_finance", "fmp", "alpha_vantage"});
  CHECK(strings(chain_of(NeedKind::vix)) == V{"yahoo_finance", "fred_economic"});
  CHECK(strings(chain_of(NeedKind::profile)) == V{"fmp", "alpha_vantage", "sec_edgar"});
  CHECK(strings(chain_of(NeedKind::fundamentals)) == V{"fmp", "alpha_vantage"});
  CHECK(strings(chain_of(NeedKind::series)) == V{"fred_economic"});
  CHECK(strings(chain_of(NeedKind::imf)) == V{"imf_data"});
  CHECK(strings(chain_of(NeedKind::crypto)) == V{"coingecko"});
}

TEST_CASE("make_need: every provider of the chain with its cache key, record kind and data kind") {
  struct Want {
    std::string_view service;
    std::string key;
    RecordKind record;
    DataKind data;
  };
  struct Case {
    NeedKind kind;
    std::string subject;
    std::vector<Want> chain;
  };
  const Case cases[] = {
      {NeedKind::market,
       "AAPL",
       {{"yahoo_finance", "chart:AAPL:1y:1d", RecordKind::market, DataKind::history},
        {"fmp", "quote:AAPL", RecordKind::market, DataKind::quote},
        {"alpha_vantage", "quote:AAPL", RecordKind::market, DataKind::quote}}},
      {NeedKind::vix,
       "VIX",
       {{"yahoo_finance", "chart:^VIX:1y:1d", RecordKind::market, DataKind::history},
        {"fred_economic", "series:VIXCLS", RecordKind::series, DataKind::series}}},
      {NeedKind::profile,
       "X",
       {{"fmp", "profile:X", RecordKind::profile, DataKind::profile},
        {"alpha_vantage", "profile:X", RecordKind::profile, DataKind::profile},
        {"sec_edgar", "profile:X", RecordKind::profile, DataKind::profile}}},
      {NeedKind::fundamentals,
       "X",
       {{"fmp", "fundamentals:X", RecordKind::fundamentals, DataKind::fundamentals},
        {"alpha_vantage", "fundamentals:X", RecordKind::fundamentals, DataKind::fundamentals}}},
      {NeedKind::series,
       "FEDFUNDS",
       {{"fred_economic", "series:FEDFUNDS", RecordKind::series, DataKind::series}}},
      {NeedKind::imf, "NGDP_RPCH", {{"imf_data", "imf:v2:NGDP_RPCH:USA", RecordKind::imf, DataKind::imf}}},
      {NeedKind::crypto, "bitcoin", {{"coingecko", "price:bitcoin", RecordKind::crypto, DataKind::crypto}}},
  };
  for (const Case& c : cases) {
    CAPTURE(need_kind_name(c.kind));
    Need need = make_need(c.kind, c.subject);
    CHECK(need.kind == c.kind);
    CHECK(need.subject == c.subject);
    REQUIRE(need.chain.size() == c.chain.size());
    for (size_t i = 0; i < c.chain.size(); ++i) {
      CAPTURE(i);
      CHECK(need.chain[i].service == c.chain[i].service);
      CHECK(need.chain[i].key == c.chain[i].key);
      CHECK(need.chain[i].record == c.chain[i].record);
      CHECK(need.chain[i].data == c.chain[i].data);
      // The key's first segment names the same kind (legacy entries get their TTL from it).
      CHECK(data_kind_of_key(need.chain[i].key) == c.chain[i].data);
    }
  }
}

TEST_CASE("Yahoo Finance: the v8 chart of a year of daily bars, symbols spelled Yahoo's way") {
  const auto c = context();
  auto brk = request_of("yahoo_finance", make_need(NeedKind::market, "BRK.B"), c);
  REQUIRE(brk);
  CHECK(brk->url == k_base + "/v8/finance/chart/BRK-B?range=1y&interval=1d");
  // Yahoo refuses clients that do not look like a browser: a browser's User-Agent, unless the user sets one.
  REQUIRE_FALSE(brk->headers.empty());
  CHECK(brk->headers[0].starts_with("User-Agent: Mozilla/5.0 "));
  auto own = c;
  own.user_agent = "MyDesk/1.0 (ops@example.com)";
  auto mine = request_of("yahoo_finance", make_need(NeedKind::market, "BRK.B"), own);
  REQUIRE(mine);
  CHECK(mine->headers[0] == "User-Agent: MyDesk/1.0 (ops@example.com)");
  // With a session, the crumb goes along, URL-encoded.
  const std::string crumb = "a/b+c";
  auto with_crumb = c;
  with_crumb.session = &crumb;
  auto crumbed = request_of("yahoo_finance", make_need(NeedKind::market, "AAPL"), with_crumb);
  REQUIRE(crumbed);
  CHECK(crumbed->url == k_base + "/v8/finance/chart/AAPL?range=1y&interval=1d&crumb=a%2Fb%2Bc");
  auto vix = request_of("yahoo_finance", make_need(NeedKind::vix, "VIX"), c);
  REQUIRE(vix);
  CHECK(vix->url == k_base + "/v8/finance/chart/%5EVIX?range=1y&interval=1d");
  CHECK(vix->url.find("K3Y") == std::string::npos);  // Yahoo takes no key

  auto err = brk->parse(R"({"chart":{"result":null,"error":{"code":"Not Found","description":"No data"}}})");
  CHECK_FALSE(err);
}

TEST_CASE("FMP: /stable/quote, /stable/profile and /stable/ratios-ttm with symbol and apikey") {
  const auto c = context();
  struct Row {
    NeedKind kind;
    std::string path;
  };
  for (const Row& r : {Row{NeedKind::market, "/stable/quote"}, Row{NeedKind::profile, "/stable/profile"},
                       Row{NeedKind::fundamentals, "/stable/ratios-ttm"}}) {
    CAPTURE(r.path);
    auto req = request_of("fmp", make_need(r.kind, "AAPL"), c);
    REQUIRE(req);
    CHECK(path_of(req->url) == k_base + r.path);
    auto q = query_of(req->url);
    CHECK(q.size() == 2);
    CHECK(q["symbol"] == "AAPL");
    CHECK(q["apikey"] == "K3Y");
    CHECK(req->headers.empty());
  }
  // fmp is in no VIX chain: asked anyway, it refuses.
  Need vix = make_need(NeedKind::vix, "VIX");
  CHECK_FALSE(provider("fmp").request(vix, vix.chain.front(), c));
}

TEST_CASE("FMP's parsers: an error body is an error, an empty list is no_data, a quote is a record") {
  const auto c = context();
  auto quote = request_of("fmp", make_need(NeedKind::market, "AAPL"), c);
  REQUIRE(quote);
  auto error = quote->parse(R"({"Error Message":"x"})");
  REQUIRE_FALSE(error);
  CHECK(error.error().kind != FailureKind::no_data);
  CHECK(error.error().message.find('x') != std::string::npos);

  auto empty = quote->parse("[]");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().kind == FailureKind::no_data);

  auto ok = quote->parse(R"([{"symbol":"AAPL","price":190.5,"previousClose":189.0,"yearHigh":199.62,)"
                         R"("yearLow":164.08}])");
  REQUIRE(ok);
  REQUIRE(std::holds_alternative<MarketRecord>(*ok));
  CHECK(std::get<MarketRecord>(*ok).price == 190.5);
  CHECK(std::get<MarketRecord>(*ok).fifty_two_week_low == 164.08);

  auto profile = request_of("fmp", make_need(NeedKind::profile, "AAPL"), c);
  REQUIRE(profile);
  // (FMP's "symbol" echo is required.)
  auto p = profile->parse(
      R"([{"symbol":"AAPL","companyName":"Apple Inc.","sector":"Technology","industry":"Consumer )"
      R"(Electronics","marketCap":3.0e12}])");
  REQUIRE(p);
  REQUIRE(std::holds_alternative<ProfileRecord>(*p));
  CHECK(std::get<ProfileRecord>(*p).name == "Apple Inc.");
  CHECK(profile->parse("[]").error().kind == FailureKind::no_data);
}

TEST_CASE("Alpha Vantage: GLOBAL_QUOTE for quotes, OVERVIEW for profiles and fundamentals") {
  const auto c = context();
  struct Row {
    NeedKind kind;
    std::string function;
  };
  for (const Row& r : {Row{NeedKind::market, "GLOBAL_QUOTE"}, Row{NeedKind::profile, "OVERVIEW"},
                       Row{NeedKind::fundamentals, "OVERVIEW"}}) {
    CAPTURE(need_kind_name(r.kind));
    auto req = request_of("alpha_vantage", make_need(r.kind, "IBM"), c);
    REQUIRE(req);
    CHECK(path_of(req->url) == k_base + "/query");
    auto q = query_of(req->url);
    CHECK(q["function"] == r.function);
    CHECK(q["symbol"] == "IBM");
    CHECK(q["apikey"] == "K3Y");
  }
  auto quote = request_of("alpha_vantage", make_need(NeedKind::market, "IBM"), c);
  REQUIRE(quote);
  auto limited =
      quote->parse(R"({"Information":"We have detected your API key and our standard rate limit"})");
  REQUIRE_FALSE(limited);
  CHECK(limited.error().kind != FailureKind::no_data);
  auto empty = quote->parse(R"({"Global Quote":{}})");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().kind == FailureKind::no_data);
  auto overview = request_of("alpha_vantage", make_need(NeedKind::fundamentals, "IBM"), c);
  REQUIRE(overview);
  CHECK(overview->parse("{}").error().kind == FailureKind::no_data);
}

TEST_CASE("FRED: series observations by series_id with api_key; VIXCLS for the VIX") {
  const auto c = context();
  auto vix = request_of("fred_economic", make_need(NeedKind::vix, "VIX"), c);
  REQUIRE(vix);
  CHECK(path_of(vix->url) == k_base + "/fred/series/observations");
  auto q = query_of(vix->url);
  CHECK(q["series_id"] == "VIXCLS");
  CHECK(q["api_key"] == "K3Y");
  CHECK(q["file_type"] == "json");
  auto fedfunds = request_of("fred_economic", make_need(NeedKind::series, "FEDFUNDS"), c);
  REQUIRE(fedfunds);
  CHECK(query_of(fedfunds->url)["series_id"] == "FEDFUNDS");
  auto err = fedfunds->parse(R"({"error_code":400,"error_message":"Bad Request. The value for variable )"
                             R"(api_key is not registered."})");
  CHECK_FALSE(err);
}

TEST_CASE("IMF DataMapper: /external/datamapper/api/v1/{INDICATOR}/USA, no key") {
  auto req = request_of("imf_data", make_need(NeedKind::imf, "NGDP_RPCH"), context());
  REQUIRE(req);
  CHECK(req->url == k_base + "/external/datamapper/api/v1/NGDP_RPCH/USA");
  CHECK(req->headers.empty());
  // Today is in 2026: 2025 is the latest actual, 2026 a projection kept apart, 2027 ignored.
  auto ok = req->parse(R"({"values":{"NGDP_RPCH":{"USA":{"2025":2.0,"2026":1.8,"2027":2.1}}}})");
  REQUIRE(ok);
  CHECK(std::get<ImfRecord>(*ok).year == 2025);
  CHECK(std::get<ImfRecord>(*ok).value == 2.0);
  CHECK(std::get<ImfRecord>(*ok).projection_year == 2026);
  CHECK(std::get<ImfRecord>(*ok).projection_value == 1.8);
  // Nothing for the indicator is no_data; another indicator's values answer another question (bad_body).
  auto none = req->parse(R"({"values":{}})");
  REQUIRE_FALSE(none);
  CHECK(none.error().kind == FailureKind::no_data);
  auto other = req->parse(R"({"values":{"PCPIPCH":{"USA":{"2025":2.9}}}})");
  REQUIRE_FALSE(other);
  CHECK(other.error().kind == FailureKind::bad_body);
}

TEST_CASE("CoinGecko: the key goes in a header, never in the URL; no header without a key") {
  auto with_key = request_of("coingecko", make_need(NeedKind::crypto, "bitcoin"), context("K3Y"));
  REQUIRE(with_key);
  CHECK(with_key->url == k_base +
                             "/api/v3/simple/price?ids=bitcoin&vs_currencies=usd&include_24hr_change=true"
                             "&include_market_cap=true");
  CHECK(with_key->url.find("K3Y") == std::string::npos);
  CHECK(with_key->headers == std::vector<std::string>{"x-cg-demo-api-key: K3Y"});

  auto without = request_of("coingecko", make_need(NeedKind::crypto, "bitcoin"), context(""));
  REQUIRE(without);
  CHECK(without->url == with_key->url);
  CHECK(without->headers.empty());

  auto unknown = with_key->parse("{}");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().kind == FailureKind::no_data);
}

TEST_CASE(
    "SEC EDGAR: company_tickers.json as a shared document, its URL and User-Agent from the environment") {
  const Provider& sec = provider("sec_edgar");
  auto plain = sec.shared_document(context());
  REQUIRE(plain);
  CHECK(plain->name == "company_tickers.json");
  CHECK(plain->url == "https://www.sec.gov/files/company_tickers.json");
  CHECK(plain->data == DataKind::sec);
  CHECK(data_kind_of_key(plain->cache_key) == DataKind::sec);
  REQUIRE(plain->headers.size() == 1);
  CHECK(plain->headers[0].starts_with("User-Agent: "));

  auto set = sec.shared_document(context("", {{"THD_SEC_EDGAR_TICKERS_URL", "http://127.0.0.1:9/t.json"},
                                              {"SEC_EDGAR_USER_AGENT", "Jane Doe jane@example.com"}}));
  REQUIRE(set);
  CHECK(set->url == "http://127.0.0.1:9/t.json");
  CHECK(set->headers == std::vector<std::string>{"User-Agent: Jane Doe jane@example.com"});
  CHECK(set->validate(k_company_tickers));
  auto not_tickers = set->validate("[1,2]");
  REQUIRE_FALSE(not_tickers);
  CHECK(not_tickers.error().kind == FailureKind::bad_body);

  // No other provider shares a document.
  for (const Provider* p : all_providers())
    if (p->info().name != "sec_edgar") CHECK_FALSE(p->shared_document(context()));
}

TEST_CASE("SEC EDGAR: the submissions of the ticker's CIK, ten digits, from the shared document") {
  const std::string shared = k_company_tickers;
  auto c = context("", {{"SEC_EDGAR_USER_AGENT", "Jane Doe jane@example.com"}});
  c.shared = &shared;

  auto aapl = request_of("sec_edgar", make_need(NeedKind::profile, "AAPL"), c);
  REQUIRE(aapl);
  CHECK(aapl->url == k_base + "/submissions/CIK0000320193.json");
  CHECK(aapl->headers == std::vector<std::string>{"User-Agent: Jane Doe jane@example.com"});
  // SEC lists class B as BRK-B; brokers write BRK.B.
  auto brk = request_of("sec_edgar", make_need(NeedKind::profile, "BRK.B"), c);
  REQUIRE(brk);
  CHECK(brk->url == k_base + "/submissions/CIK0001067983.json");

  auto unlisted = request_of("sec_edgar", make_need(NeedKind::profile, "ZZZZ"), c);
  REQUIRE_FALSE(unlisted);
  CHECK(unlisted.error().kind == FailureKind::no_data);

  c.shared = nullptr;
  CHECK_FALSE(request_of("sec_edgar", make_need(NeedKind::profile, "AAPL"), c));

  auto parsed = aapl->parse(R"({"cik":"0000320193","name":"Apple Inc.","sic":"3571",)"
                            R"("sicDescription":"Electronic Computers"})");
  REQUIRE(parsed);
  CHECK(std::get<ProfileRecord>(*parsed).name == "Apple Inc.");
  CHECK(std::get<ProfileRecord>(*parsed).sector == "technology");  // SIC 3570-3579: computers
  CHECK_FALSE(aapl->parse(R"({"cik":"0000320193"})"));
}

TEST_CASE("every provider builds a request for each need kind it serves, under the base URL") {
  const std::string shared = k_company_tickers;
  auto c = context();
  c.shared = &shared;
  const std::pair<NeedKind, std::string> needs[] = {
      {NeedKind::market, "AAPL"},       {NeedKind::vix, "VIX"},      {NeedKind::profile, "AAPL"},
      {NeedKind::fundamentals, "AAPL"}, {NeedKind::series, "DGS10"}, {NeedKind::imf, "PCPIPCH"},
      {NeedKind::crypto, "ethereum"},
  };
  for (const auto& [kind, subject] : needs) {
    Need need = make_need(kind, subject);
    CHECK(services_of(need) == strings(chain_of(kind)));
    for (const NeedSource& src : need.chain) {
      CAPTURE(src.service);
      auto req = provider(src.service).request(need, src, c);
      REQUIRE(req);
      CHECK(req->url.starts_with(k_base + "/"));
      CHECK(req->parse);
      CHECK_FALSE(req->parse("not json"));
    }
  }
}
