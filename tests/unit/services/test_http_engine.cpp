#include <doctest/doctest.h>

#include "services/http_engine.hpp"

using namespace thd;

TEST_CASE("plain HTTP only to loopback") {
  CHECK(plain_http_allowed("https://api.example.com/x?y"));
  CHECK(plain_http_allowed("http://127.0.0.1:8080/fmp"));
  CHECK(plain_http_allowed("http://localhost/fmp"));
  CHECK(plain_http_allowed("http://[::1]:99/x"));
  CHECK_FALSE(plain_http_allowed("http://example.com/x"));
  CHECK_FALSE(plain_http_allowed("http://127.0.0.1.evil.com/x"));
  CHECK_FALSE(plain_http_allowed("http://10.0.0.1/x"));
  CHECK_FALSE(plain_http_allowed("http://127.0.0.1@example.com/x"));
  CHECK(plain_http_allowed("HTTPS://api.example.com/x"));
  CHECK_FALSE(plain_http_allowed("HTTP://example.com/x"));
  CHECK_FALSE(plain_http_allowed("Http://example.com/x"));
  CHECK_FALSE(plain_http_allowed("example.com/x"));  // curl would take it as http
  CHECK_FALSE(plain_http_allowed("ftp://example.com/x"));
}

TEST_CASE("requests that may not be sent fail at once, typed, with no network") {
  FakeClock clock;
  EngineOptions o;
  o.max_api_calls = 0;
  HttpEngine engine(o, {}, clock);
  std::vector<HttpResult> results;
  engine.submit({"fmp", "http://example.com/x", {}, nullptr}, [&](HttpResult&& r) { results.push_back(r); });
  engine.submit({"fmp", "http://127.0.0.1:1/x", {}, nullptr}, [&](HttpResult&& r) { results.push_back(r); });
  CHECK(engine.run());
  REQUIRE(results.size() == 2);
  CHECK(results[0].outcome == Outcome::refused);
  CHECK(results[1].outcome == Outcome::budget_spent);
  CHECK(results[1].attempts == 0);
  CHECK(engine.counters().at("fmp").outcomes[static_cast<size_t>(Outcome::budget_spent)] == 1);
}
