// Issue 9, item 3: an answer without the fields is not data. Through each
// provider's request() (the parser the engine runs), per provider: an empty
// object, an error object with HTTP 200, the wrong shape and another
// symbol's record are bad_body (not cached, the chain moves on); an honest
// "nothing for this symbol" stays no_data; a valid answer is still a record.
// Review of issue 9: where the real provider always echoes the symbol (FMP,
// Alpha Vantage, Yahoo) an answer without the echo is bad_body, and no_data
// is kept for the documented empty shapes only: a record whose required
// field is absent is a shape we do not know (bad_body), one whose required
// fields are all there with "no value" spellings is "nothing known" (no_data).
#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <string>

#include "services/providers/registry.hpp"

using namespace thd;

namespace {

const std::string k_company_tickers =
    R"({"0":{"cik_str":320193,"ticker":"AAPL","title":"Apple Inc."},)"
    R"("1":{"cik_str":789019,"ticker":"MSFT","title":"MICROSOFT CORP"},)"
    R"("2":{"cik_str":1067983,"ticker":"BRK-B","title":"BERKSHIRE HATHAWAY INC"}})";

// What `service`'s parser makes of `body` for the need (kind, subject).
Result<Record> answer(std::string_view service, NeedKind kind, const std::string& subject,
                      std::string_view body) {
  RequestContext c;
  c.base_url = "http://127.0.0.1:9";
  c.key = "K3Y";
  c.today = Date{2026, 11, 22};
  c.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  c.shared = &k_company_tickers;
  Need need = make_need(kind, subject);
  const Provider* p = find_provider(service);
  REQUIRE(p);
  for (const NeedSource& src : need.chain)
    if (src.service == service) {
      auto req = p->request(need, src, c);
      REQUIRE_MESSAGE(req, req.error().message);
      return req->parse(body);
    }
  FAIL("no source for " << service);
  return fail("unreachable");
}

// The answer is bad_body and its message holds `needle`.
void check_bad(const Result<Record>& r, std::string_view needle) {
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == FailureKind::bad_body);
  CHECK_MESSAGE(r.error().message.find(needle) != std::string::npos, r.error().message);
}

// The answer is a refusal of `kind` (a spent quota, a rejected key) and its message holds `needle`.
void check_refused(const Result<Record>& r, FailureKind kind, std::string_view needle) {
  REQUIRE_FALSE(r);
  CHECK_MESSAGE(r.error().kind == kind, r.error().message);
  CHECK_MESSAGE(r.error().message.find(needle) != std::string::npos, r.error().message);
}

void check_no_data(const Result<Record>& r) {
  REQUIRE_FALSE(r);
  CHECK_MESSAGE(r.error().kind == FailureKind::no_data, r.error().message);
}

std::string yahoo_chart(std::string_view symbol) {
  return R"({"chart":{"result":[{"meta":{"currency":"USD","symbol":")" + std::string(symbol) +
         R"(","gmtoffset":-18000},"timestamp":[1767623400,1767709800],)"
         R"("indicators":{"quote":[{"close":[10.0,11.0]}]}}],"error":null}})";
}

}  // namespace

TEST_CASE("yahoo_finance: chart answers without a price or about another symbol are bad_body") {
  auto ask = [](std::string_view body, std::string subject = "AAPL") {
    return answer("yahoo_finance", NeedKind::market, subject, body);
  };
  check_bad(ask("{}"), "Yahoo Finance");
  check_bad(ask(R"({"chart":{"result":null,"error":{"code":"Not Found","description":"No data found"}}})"),
            "No data found");
  check_bad(ask("[1,2,3]"), "Yahoo Finance");
  check_bad(ask(R"({"chart":{"result":[{"meta":{"symbol":"AAPL"},"timestamp":[1767623400],)"
                R"("indicators":{"quote":[{"close":["x"]}]}}],"error":null}})"),
            "close");
  // Was "no daily bars" for [{}]: the missing echo is now found first.
  check_bad(ask(R"({"chart":{"result":[{"meta":{"symbol":"AAPL"}}],"error":null}})"), "no daily bars");
  check_bad(ask(R"({"chart":{"result":[{}],"error":null}})"), "does not say which symbol");
  // A real chart always has meta.symbol: without it (no meta, no symbol, null,
  // empty) the answer could be about anything, and is not taken.
  std::string no_meta = yahoo_chart("AAPL");
  no_meta.replace(no_meta.find(R"("meta")"), no_meta.find(R"("timestamp")") - no_meta.find(R"("meta")"), "");
  REQUIRE(no_meta.find("meta") == std::string::npos);
  check_bad(ask(no_meta), "does not say which symbol it is about");
  std::string no_symbol = yahoo_chart("AAPL");
  no_symbol.replace(no_symbol.find(R"("symbol":"AAPL",)"), std::string(R"("symbol":"AAPL",)").size(), "");
  check_bad(ask(no_symbol), "does not say which symbol it is about");
  check_bad(answer("yahoo_finance", NeedKind::vix, "VIX", no_symbol),
            "does not say which symbol it is about");
  check_bad(ask(yahoo_chart("")), "does not say which symbol it is about");
  std::string null_symbol = yahoo_chart("AAPL");
  null_symbol.replace(null_symbol.find(R"("AAPL")"), 6, "null");
  check_bad(ask(null_symbol), "does not say which symbol it is about");
  check_bad(ask(yahoo_chart("MSFT")), "about MSFT, not AAPL");
  check_bad(answer("yahoo_finance", NeedKind::vix, "VIX", yahoo_chart("AAPL")), "about AAPL, not ^VIX");

  auto ok = ask(yahoo_chart("AAPL"));
  REQUIRE(ok);
  CHECK(std::get<MarketRecord>(*ok).price == 11.0);
  CHECK(ask(yahoo_chart("aapl")));            // case-insensitive
  CHECK(ask(yahoo_chart("BRK-B"), "BRK.B"));  // Yahoo's spelling of BRK.B
  CHECK(answer("yahoo_finance", NeedKind::vix, "VIX", yahoo_chart("^VIX")));
}

TEST_CASE("fmp: [{}], error objects, wrong shapes and another symbol's record are bad_body") {
  struct Row {
    NeedKind kind;
    // valid: a record; empty: the record with its required fields present
    // but without a value (FMP's "nothing known"); field: the first required field.
    std::string valid, empty, what, field;
  };
  const Row rows[] = {
      {NeedKind::market, R"([{"symbol":"AAPL","price":232.14,"previousClose":233.48}])",
       R"([{"symbol":"AAPL","price":null,"previousClose":233.48}])", "price", "price"},
      {NeedKind::profile, R"([{"symbol":"AAPL","companyName":"Apple Inc.","sector":"Technology"}])",
       R"([{"symbol":"AAPL","companyName":null,"sector":"","industry":"Consumer Electronics"}])",
       "company name or sector", "companyName"},
      {NeedKind::fundamentals,
       R"([{"symbol":"AAPL","priceToEarningsRatioTTM":36.5,"netIncomePerShareTTM":6.1}])",
       R"([{"symbol":"AAPL","priceToEarningsRatioTTM":null,"netIncomePerShareTTM":null}])", "P/E or EPS",
       "priceToEarningsRatioTTM"},
  };
  for (const Row& row : rows) {
    CAPTURE(need_kind_name(row.kind));
    auto ask = [&](std::string_view body, std::string subject = "AAPL") {
      return answer("fmp", row.kind, subject, body);
    };
    // Empty object, in the list and alone. ([{}] was "no <field> in the
    // answer": the missing echo is now found first.)
    check_bad(ask("[{}]"), "FMP: the answer does not say which symbol it is about");
    check_bad(ask("{}"), "FMP");
    // Error objects with HTTP 200, alone and in the list: FMP's refusals
    // keep their meaning (a spent day, a rejected key, not on the plan).
    check_refused(ask(R"({"Error Message":"Limit Reach . Please upgrade your plan"})"),
                  FailureKind::quota_exhausted, "Limit Reach");
    check_refused(ask(R"([{"Error Message":"Invalid API KEY."}])"), FailureKind::auth_rejected,
                  "Invalid API KEY");
    check_refused(
        ask(R"({"Error Message":"Premium Query Parameter: 'Special Endpoint : This value set for 'symbol' is not available under your current subscription"})"),
        FailureKind::not_on_plan, "Premium Query Parameter");
    check_bad(ask(R"({"Error Message":"Something else went wrong"})"), "Something else");
    // Wrong shapes.
    check_bad(ask("[1]"), "FMP");
    check_bad(ask(R"("AAPL")"), "FMP");
    check_bad(ask(R"([{"symbol":["AAPL"],"price":1}])"), "symbol");
    // Another symbol's record.
    std::string msft = row.valid;
    msft.replace(msft.find("AAPL"), 4, "MSFT");
    check_bad(ask(msft), "about MSFT, not AAPL");
    // Every FMP record carries "symbol": a record without it (or with it
    // null or empty) could be about any symbol, and is not taken.
    std::string unnamed = row.valid;
    unnamed.replace(unnamed.find(R"("symbol":"AAPL",)"), std::string(R"("symbol":"AAPL",)").size(), "");
    check_bad(ask(unnamed), "FMP: the answer does not say which symbol it is about");
    std::string null_named = row.valid;
    null_named.replace(null_named.find(R"("AAPL")"), 6, "null");
    check_bad(ask(null_named), "does not say which symbol");
    std::string empty_named = row.valid;
    empty_named.replace(empty_named.find("AAPL"), 4, "");
    check_bad(ask(empty_named), "does not say which symbol");
    // Nothing for the symbol stays no_data: [] and a record that names it
    // with its required fields present but null or empty.
    check_no_data(ask("[]"));
    check_no_data(ask(row.empty));
    // A record that names it without the required fields was no_data: now a
    // shape we do not know (a renamed field), bad_body naming the field.
    check_bad(ask(R"([{"symbol":"AAPL"}])"),
              "FMP: no " + row.what + " in the answer (no \"" + row.field + "\"");
    check_bad(ask(R"([{"symbol":"AAPL","name":"Apple Inc.","changePercentage":1.2}])"), row.field);
    // Valid answers are still records; the symbol compared in FMP's spelling.
    CHECK(ask(row.valid));
    std::string lower = row.valid;
    lower.replace(lower.find("AAPL"), 4, "aapl");
    CHECK(ask(lower));
    std::string brk = row.valid;
    brk.replace(brk.find("AAPL"), 4, "BRK-B");
    CHECK(ask(brk, "BRK.B"));
  }
  check_bad(answer("fmp", NeedKind::market, "AAPL", R"([{"symbol":"AAPL","price":"n/a?"}])"), "price");
  auto ok = answer("fmp", NeedKind::market, "AAPL", rows[0].valid);
  REQUIRE(ok);
  CHECK(std::get<MarketRecord>(*ok).price == 232.14);
}

TEST_CASE("alpha_vantage: empty quotes, error objects, wrong shapes and another symbol are refused") {
  const std::string quote =
      R"({"Global Quote":{"01. symbol":"IBM","05. price":"250.4500","08. previous close":"249.0200"}})";
  const std::string overview =
      R"({"Symbol":"IBM","Name":"International Business Machines","Sector":"TECHNOLOGY","PERatio":"22.1",)"
      R"("EPS":"9.1","AnalystTargetPrice":"250"})";
  struct Row {
    NeedKind kind;
    std::string valid, symbol_field;
  };
  const Row rows[] = {{NeedKind::market, quote, "01. symbol"},
                      {NeedKind::profile, overview, "Symbol"},
                      {NeedKind::fundamentals, overview, "Symbol"}};
  for (const Row& row : rows) {
    CAPTURE(need_kind_name(row.kind));
    auto ask = [&](std::string_view body, std::string subject = "IBM") {
      return answer("alpha_vantage", row.kind, subject, body);
    };
    // {} is Alpha Vantage's own "unknown symbol": stays no_data.
    check_no_data(ask("{}"));
    // Its HTTP-200 refusals: the daily limit, the per-second limit (whose
    // text also names the daily one), a rejected key.
    check_refused(ask(R"({"Information":"Our standard API rate limit is 25 requests per day."})"),
                  FailureKind::quota_exhausted, "rate limit");
    check_refused(
        ask(R"({"Information":"Thank you for using Alpha Vantage! Please consider spreading out your free API requests more sparingly (1 request per second). You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to lift the free key rate limit (25 requests per day), raise the per-second burst limit, and enable all premium endpoints of our API."})"),
        FailureKind::rate_limited, "1 request per second");
    check_refused(
        ask(R"({"Error Message":"the parameter apikey is invalid or missing. Please claim your free API key on (https://www.alphavantage.co/support/#api-key)."})"),
        FailureKind::auth_rejected, "apikey is invalid");
    check_bad(ask(R"({"Error Message":"Invalid API call."})"), "Invalid API call");
    check_bad(ask("[]"), "Alpha Vantage");
    // Another symbol's record.
    std::string other = row.valid;
    other.replace(other.find("IBM"), 3, "MSFT");
    check_bad(ask(other), "about MSFT, not IBM");
    // A real GLOBAL_QUOTE / OVERVIEW always echoes the symbol: without it the
    // answer could be about any symbol, and is not taken.
    std::string unnamed = row.valid;
    const std::string echo = "\"" + row.symbol_field + "\":\"IBM\",";
    unnamed.replace(unnamed.find(echo), echo.size(), "");
    check_bad(ask(unnamed), "Alpha Vantage: the answer does not say which symbol it is about");
    std::string empty_named = row.valid;
    empty_named.replace(empty_named.find("IBM"), 3, "");
    check_bad(ask(empty_named), "does not say which symbol");
    CHECK(ask(row.valid));
    std::string brk = row.valid;
    brk.replace(brk.find("IBM"), 3, "BRK-B");
    CHECK(ask(brk, "BRK.B"));
  }
  auto ask_quote = [](std::string_view body) {
    return answer("alpha_vantage", NeedKind::market, "IBM", body);
  };
  // A quote without a price, or of the wrong shape. (Without "01. symbol"
  // this was "no price in the answer": the missing echo is now found first.)
  check_bad(ask_quote(R"({"Global Quote":{"02. open":"248.1"}})"), "does not say which symbol");
  check_bad(ask_quote(R"({"Global Quote":{"01. symbol":"IBM","02. open":"248.1"}})"),
            "no price in the answer (no \"05. price\" field)");
  check_bad(ask_quote(R"({"Global Quote":"IBM"})"), "Global Quote");
  check_bad(ask_quote(overview), "Global Quote");
  check_no_data(ask_quote(R"({"Global Quote":{}})"));
  check_no_data(ask_quote(R"({"Global Quote":{"01. symbol":"IBM","05. price":"None"}})"));
  // An overview of the wrong shape: neither a name nor a sector, nor a
  // figure. (Without "Symbol" these were "no company name or sector" / "no
  // P/E...": the missing echo is now found first.)
  check_bad(answer("alpha_vantage", NeedKind::profile, "IBM", R"({"foo":"bar"})"),
            "does not say which symbol");
  check_bad(answer("alpha_vantage", NeedKind::fundamentals, "IBM", R"({"foo":"bar"})"),
            "does not say which symbol");
  check_bad(answer("alpha_vantage", NeedKind::profile, "IBM", R"({"Symbol":"IBM","foo":"bar"})"),
            "no company name or sector in the answer (no \"Name\" field)");
  check_bad(answer("alpha_vantage", NeedKind::fundamentals, "IBM", R"({"Symbol":"IBM","foo":"bar"})"),
            "no P/E, EPS or analyst target in the answer (no \"PERatio\" field)");
  check_bad(answer("alpha_vantage", NeedKind::fundamentals, "IBM", R"({"Symbol":"IBM","PERatio":{"x":1}})"),
            "PERatio");
  // An overview that names IBM with every figure "None" (an ETF's overview):
  // nothing for it.
  check_no_data(
      answer("alpha_vantage", NeedKind::fundamentals, "IBM",
             R"({"Symbol":"IBM","Name":"IBM","PERatio":"None","EPS":"-","AnalystTargetPrice":"None"})"));
  check_no_data(
      answer("alpha_vantage", NeedKind::profile, "SPY",
             R"({"Symbol":"SPY","AssetType":"ETF","Name":"None","Sector":"None","PERatio":"None"})"));
  // This one was no_data, but AnalystTargetPrice is absent, not "None": a
  // shape we do not know (a renamed field would be no_data for every symbol).
  check_bad(answer("alpha_vantage", NeedKind::fundamentals, "IBM",
                   R"({"Symbol":"IBM","Name":"IBM","PERatio":"None","EPS":"-"})"),
            "no \"AnalystTargetPrice\" field");
  check_bad(answer("alpha_vantage", NeedKind::profile, "IBM", R"({"Symbol":"IBM","Name":"None"})"),
            "no \"Sector\" field");
}

TEST_CASE("sec_edgar: submissions of another CIK, without a name, or not the file are bad_body") {
  auto ask = [](std::string_view body, std::string subject = "AAPL") {
    return answer("sec_edgar", NeedKind::profile, subject, body);
  };
  check_bad(ask("{}"), "no company name");
  check_bad(ask(R"({"error":"Rate limited"})"), "SEC EDGAR");
  check_bad(ask("[]"), "SEC EDGAR");
  check_bad(ask(R"({"cik":"0000789019","name":"MICROSOFT CORP","sic":"7372"})"),
            "about CIK 789019, not 320193");
  check_bad(ask(R"({"cik":789019,"name":"MICROSOFT CORP"})"), "CIK 789019");
  check_bad(ask(R"({"cik":["x"],"name":"Apple Inc."})"), "cik");
  auto ok =
      ask(R"({"cik":"0000320193","name":"Apple Inc.","sic":"3571","sicDescription":"Electronic Computers"})");
  REQUIRE(ok);
  CHECK(std::get<ProfileRecord>(*ok).name == "Apple Inc.");
  CHECK(ask(R"({"cik":"1067983","name":"BERKSHIRE HATHAWAY INC"})", "BRK.B"));
  CHECK(ask(R"({"name":"Apple Inc."})"));  // no echo: nothing to compare

  // company_tickers.json: an object without a single ticker row is not the file.
  RequestContext context;
  context.today = Date{2026, 11, 22};
  context.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto doc = find_provider("sec_edgar")->shared_document(context);
  REQUIRE(doc);
  CHECK(doc->validate(k_company_tickers));
  for (std::string_view bad : {"{}", R"({"Error Message":"x"})", R"({"0":{"cik_str":1}})", "[]"}) {
    CAPTURE(bad);
    auto v = doc->validate(bad);
    REQUIRE_FALSE(v);
    CHECK(v.error().kind == FailureKind::bad_body);
  }
}

TEST_CASE("fred_economic: a series answer needs an observation with a value") {
  auto ask = [](std::string_view body) { return answer("fred_economic", NeedKind::series, "DGS10", body); };
  check_bad(ask("{}"), "no observations");
  check_bad(ask(R"({"error_code":400,"error_message":"Bad Request.  The series does not exist."})"),
            "does not exist");
  check_bad(ask(R"({"observations":{"date":"2026-11-20","value":"4.1"}})"), "no observations");
  check_bad(ask(R"({"observations":[{}]})"), "no observation with a value");
  check_bad(ask(R"({"observations":[{"date":"2026-11-20","value":"."}]})"), "no observation with a value");
  auto ok = ask(R"({"observations":[{"date":"2026-11-20","value":"4.08"}]})");
  REQUIRE(ok);
  CHECK(std::get<SeriesRecord>(*ok).value == 4.08);
}

TEST_CASE("imf_data: values of another indicator or country are bad_body, an empty level no_data") {
  auto ask = [](std::string_view body) { return answer("imf_data", NeedKind::imf, "NGDP_RPCH", body); };
  check_bad(ask("{}"), "no values");
  check_bad(ask(R"({"error":"Too Many Requests"})"), "no values");
  check_bad(ask(R"({"values":[1,2]})"), "no values");
  check_bad(ask(R"({"values":{"PCPIPCH":{"USA":{"2025":2.9}}}})"), "about PCPIPCH, not NGDP_RPCH");
  check_bad(ask(R"({"values":{"NGDP_RPCH":{"FRA":{"2025":1.1}}}})"), "about FRA, not USA");
  check_bad(ask(R"({"values":{"NGDP_RPCH":{"USA":[2.0]}}})"), "IMF");
  check_no_data(ask(R"({"values":{}})"));
  check_no_data(ask(R"({"values":{"NGDP_RPCH":{"USA":{}}}})"));
  // Today is 2026-11-22: 2025 is the latest actual, 2026 a projection.
  auto ok = ask(R"({"values":{"NGDP_RPCH":{"USA":{"2025":2.0,"2026":1.8}}}})");
  REQUIRE(ok);
  CHECK(std::get<ImfRecord>(*ok).value == 2.0);
  CHECK(std::get<ImfRecord>(*ok).year == 2025);
  CHECK(std::get<ImfRecord>(*ok).projection_value == 1.8);
  CHECK(std::get<ImfRecord>(*ok).projection_year == 2026);
  check_no_data(ask(R"({"values":{"NGDP_RPCH":{"USA":{"2026":1.8}}}})"));
}

TEST_CASE("coingecko: another coin's price, an error object or a coin without a price are refused") {
  auto ask = [](std::string_view body) { return answer("coingecko", NeedKind::crypto, "bitcoin", body); };
  check_no_data(ask("{}"));  // CoinGecko's own "unknown id"
  check_bad(ask(R"({"status":{"error_code":429,"error_message":"You've exceeded the Rate Limit."}})"),
            "exceeded the Rate Limit");
  check_bad(ask(R"({"error":"invalid vs_currency"})"), "invalid vs_currency");
  check_bad(ask("[]"), "CoinGecko");
  check_bad(ask(R"({"bitcoin":97000})"), "bitcoin");
  check_bad(ask(R"({"bitcoin":{"usd":"lots"}})"), "usd");
  check_bad(ask(R"({"ethereum":{"usd":3412.5}})"), "about ethereum, not bitcoin");
  // {"<id>":{}}: a known id without a price in that currency, CoinGecko's
  // empty level; "usd" present and null likewise.
  check_no_data(ask(R"({"bitcoin":{}})"));
  check_no_data(ask(R"({"bitcoin":{"usd":null,"usd_24h_change":null}})"));
  // Members but no "usd" at all: a shape we do not know (was no_data).
  check_bad(ask(R"({"bitcoin":{"usd_24h_change":-1.2,"usd_market_cap":1.9e12}})"), "no \"usd\" field");
  auto ok = ask(R"({"bitcoin":{"usd":97234.12,"usd_24h_change":-1.2}})");
  REQUIRE(ok);
  CHECK(std::get<CryptoRecord>(*ok).usd == 97234.12);
}

TEST_CASE("a profile with neither a company name nor a sector we can place is bad_body") {
  // Both name a sector, but not one of the eleven: the record would hold nothing and be cached for 7 days.
  check_bad(answer("fmp", NeedKind::profile, "AAPL",
                   R"([{"symbol":"AAPL","companyName":null,"sector":"Widgets"}])"),
            "is not a known sector");
  check_bad(answer("alpha_vantage", NeedKind::profile, "AAPL",
                   R"({"Symbol":"AAPL","Name":"None","Sector":"Widgets"})"),
            "is not a known sector");
  // A name alone is enough.
  CHECK(answer("fmp", NeedKind::profile, "AAPL",
               R"([{"symbol":"AAPL","companyName":"Apple Inc.","sector":"Widgets"}])"));
}
