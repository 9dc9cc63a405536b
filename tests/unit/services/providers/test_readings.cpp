// Issue 10: how each provider's error answers are read (their real bodies,
// docs/PROVIDERS.md), and the texts people then see.
#include <doctest/doctest.h>

#include "core/pipeline.hpp"
#include "services/http_engine.hpp"
#include "services/providers/adapter_json.hpp"
#include "services/providers/adapters.hpp"

using namespace thd;

TEST_CASE("error_text: the provider's words from JSON, plain text or HTML") {
  using adapter_json::error_text;
  CHECK(error_text(R"({"Error Message":"Invalid API KEY. Feel free to create a Free API Key"})") ==
        "Invalid API KEY. Feel free to create a Free API Key");
  CHECK(error_text(R"([{"Error Message":"Limit Reach . Please upgrade your plan"}])") ==
        "Limit Reach . Please upgrade your plan");
  CHECK(error_text(R"({"error_code":400,"error_message":"Bad Request.  The series does not exist."})") ==
        "Bad Request. The series does not exist.");
  CHECK(error_text(R"({"status":{"error_code":10002,"error_message":"API Key Missing"}})") ==
        "API Key Missing");
  CHECK(
      error_text(R"({"chart":{"result":null,"error":{"code":"Not Found","description":"No data found"}}})") ==
      "No data found");
  CHECK(error_text("Edge: Too Many Requests") == "Edge: Too Many Requests");
  CHECK(error_text("<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head></html>") ==
        "SEC.gov | Request Rate Threshold Exceeded");
  CHECK(error_text(R"({"something":"else"})").empty());
  CHECK(error_text("").empty());
}

TEST_CASE("FMP: 401 a rejected key, 402 not on the plan, 429 Limit Reach a spent day, another 429 a retry") {
  CHECK(read_fmp_error(401, R"({"Error Message":"Invalid API KEY."})").verdict == Verdict::key_rejected);
  auto plan = read_fmp_error(402,
                             "Premium Query Parameter: 'Special Endpoint : This value set for 'symbol' is "
                             "not available under your current subscription");
  CHECK(plan.verdict == Verdict::not_on_plan);
  CHECK(plan.message.starts_with("Premium Query Parameter"));
  CHECK(read_fmp_error(429, R"({"Error Message":"Limit Reach . Please upgrade your plan"})").verdict ==
        Verdict::quota_spent);
  CHECK(read_fmp_error(429, "Too Many Requests").verdict == Verdict::none);
  CHECK(read_fmp_error(500, "").verdict == Verdict::none);
}

TEST_CASE("Yahoo: a crumb or cookie refusal asks for a session; another 429 throttles; 404 no data") {
  const char* crumb =
      R"({"finance":{"result":null,"error":{"code":"Unauthorized","description":"Invalid Crumb"}}})";
  CHECK(read_yahoo_error(401, crumb).verdict == Verdict::session);
  CHECK(read_yahoo_error(429, "Invalid Cookie").verdict == Verdict::session);
  auto slow = read_yahoo_error(429, "Edge: Too Many Requests");
  CHECK(slow.verdict == Verdict::throttled);
  CHECK(slow.backoff == 60);
  CHECK(read_yahoo_error(404, R"({"chart":{"result":null,"error":{"code":"Not Found","description":"x"}}})")
            .verdict == Verdict::no_data);
  CHECK(read_yahoo_error(500, "").verdict == Verdict::none);
  auto token = read_yahoo_crumb("Xq2wNf8pB1k\n");
  REQUIRE(token);
  CHECK(*token == "Xq2wNf8pB1k");
  CHECK_FALSE(read_yahoo_crumb("<html>Too Many Requests</html>"));
  CHECK_FALSE(read_yahoo_crumb(""));
  CHECK_FALSE(read_yahoo_crumb(R"({"finance":null})"));
}

TEST_CASE("SEC: the rate threshold pauses ten minutes; an undeclared tool is a refused client; 404 no data") {
  auto rate = read_sec_error(403, "<html><title>SEC.gov | Request Rate Threshold Exceeded</title></html>");
  CHECK(rate.verdict == Verdict::throttled);
  CHECK(rate.backoff == 600);
  CHECK(read_sec_error(429, "").verdict == Verdict::throttled);
  auto tool = read_sec_error(403, "<h1>Your Request Originates from an Undeclared Automated Tool</h1>");
  CHECK(tool.verdict == Verdict::key_rejected);
  CHECK(tool.message.find("SEC_EDGAR_USER_AGENT") != std::string::npos);
  CHECK(read_sec_error(404, "<Error><Code>NoSuchKey</Code></Error>").verdict == Verdict::no_data);
}

TEST_CASE("FRED: a key not registered stops FRED; an unknown series is no data; the rest keeps its words") {
  auto key =
      read_fred_error(400, R"({"error_code":400,"error_message":"Bad Request.  The value for variable )"
                           R"(api_key is not registered.  Read https://fred.stlouisfed.org/docs/api/)"
                           R"(api_key.html for more information."})");
  CHECK(key.verdict == Verdict::key_rejected);
  CHECK(key.message.starts_with("Bad Request. The value for variable api_key is not registered."));
  CHECK(key.message.find("https://") == std::string::npos);  // URLs are left out of provider texts
  CHECK(
      read_fred_error(400, R"({"error_code":400,"error_message":"Bad Request.  The series does not exist."})")
          .verdict == Verdict::no_data);
  auto other =
      read_fred_error(429, R"({"error_code":429,"error_message":"Too Many Requests.  Exceeded Rate Limit"})");
  CHECK(other.verdict == Verdict::none);
  CHECK(other.message == "Too Many Requests. Exceeded Rate Limit");
}

TEST_CASE("CoinGecko: a bad key or a Pro key at the public root URL is a rejected key") {
  CHECK(read_coingecko_error(401, R"({"status":{"error_code":10002,"error_message":"API Key Missing"}})")
            .verdict == Verdict::key_rejected);
  CHECK(read_coingecko_error(
            400, R"({"status":{"error_code":10010,"error_message":"If you are using Pro API key, )"
                 R"(please change your root URL from api.coingecko.com to pro-api.coingecko.com"}})")
            .verdict == Verdict::key_rejected);
  CHECK(read_coingecko_error(
            429, R"({"status":{"error_code":429,"error_message":"You've exceeded the Rate Limit."}})")
            .verdict == Verdict::none);
  // Several coins in one answer: one it does not list, while it lists others, is no data.
  const std::vector<std::string> asked{"bitcoin", "dogecoin"};
  auto r = parse_coingecko(R"({"bitcoin":{"usd":97234.12}})", "dogecoin", asked);
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == FailureKind::no_data);
  CHECK(parse_coingecko(R"({"bitcoin":{"usd":97234.12}})", "bitcoin", asked));
  // One asked for alone, and another answered: another coin's price, refused.
  auto wrong = parse_coingecko(R"({"ethereum":{"usd":3000}})", "dogecoin", asked);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().kind == FailureKind::bad_body);
}

TEST_CASE("quota periods: a provider's day starts at its reset time; a monthly quota counts by month") {
  const UnixTime t = 1795348800;  // 2026-11-22T12:00:00Z
  CHECK(quota_period({0, 25, 0, 0, 0}, t) == "2026-11-22");
  CHECK(quota_period({0, 25, 0, 0, 13 * 60}, t) == "2026-11-21");  // resets at 13:00 UTC: still yesterday's
  CHECK(quota_period({0, 25, 0, 0, 11 * 60}, t) == "2026-11-22");
  CHECK(quota_period({0, 0, 0, 10000, 0}, t) == "2026-11");
  CHECK(quota_period({0, 0, 0, 10000, 0}, 1793491200 - 1) == "2026-10");  // 2026-11-01T00:00:00Z minus 1 s
}

TEST_CASE("SEC's contact: an e-mail address somewhere in the User-Agent") {
  CHECK(names_contact("Acme Research ops@acme.example"));
  CHECK(names_contact("thd-tests tests@example.com"));
  CHECK(names_contact("Jane Doe <jane.doe@bank.co.uk>"));
  CHECK_FALSE(names_contact("trade-history-discover/1.0"));
  CHECK_FALSE(names_contact("name @example.com"));
  CHECK_FALSE(names_contact("me@localhost"));
  CHECK_FALSE(names_contact("me@example."));
  CHECK_FALSE(names_contact(""));
}
