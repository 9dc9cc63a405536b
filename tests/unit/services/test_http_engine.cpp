#include <doctest/doctest.h>

#include <algorithm>

#include "services/http_engine.hpp"
#include "services/network_state.hpp"
#include "tests/unit/support.hpp"

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

TEST_CASE("a run that goes past the provider's reset time counts its calls in the new period") {
  test::TempDir state;
  FakeClock clock(1795391999);  // 2026-11-22T23:59:59Z
  EngineOptions o;
  o.max_attempts = 1;  // connection refused: one attempt, no backoff to wait for
  o.state_dir = state.path();
  HttpEngine engine(o, {{"fmp", ServiceLimit{0, 250, 0, 0, 0}}}, clock);
  std::vector<HttpResult> results;
  auto done = [&](HttpResult&& r) { results.push_back(std::move(r)); };
  engine.submit({"fmp", "http://127.0.0.1:1/a"}, done);  // port 1: refused at once, still a call made
  CHECK(engine.run());
  clock.advance(2);  // 2026-11-23T00:00:01Z: FMP's day (reset 00:00 UTC) is a new one
  engine.submit({"fmp", "http://127.0.0.1:1/b"}, done);
  CHECK(engine.run());
  REQUIRE(results.size() == 2);
  CHECK(results[1].attempts == 1);
  REQUIRE(engine.save_state());
  // The file keeps the newest period: the new day, with the one call made in it (not two).
  const QuotaUse q = load_network_state(state.path()).quota.at("fmp");
  CHECK(q.date == "2026-11-23");
  CHECK(q.used == 1);
}

TEST_CASE("a request the budget has left to a call still waiting waits for it, not refused before") {
  // One request per 1.15 s and a budget of 2: the second waits for its turn
  // and holds the last of the budget; the third waits for it (the held call
  // may yet not go: review 2, finding 3), and is refused once it went.
  SystemClock clock;
  EngineOptions o;
  o.max_attempts = 1;  // port 1: connection refused at once, one attempt
  o.max_api_calls = 2;
  HttpEngine engine(o, {{"svc", ServiceLimit{0, 0, 1, 0, 0}}}, clock);
  const double start = clock.monotonic();
  std::vector<std::pair<Outcome, double>> results;  // outcome, seconds after the start
  for (const char* path : {"/a", "/b", "/c"})
    engine.submit({"svc", std::string("http://127.0.0.1:1") + path},
                  [&](HttpResult&& r) { results.emplace_back(r.outcome, clock.monotonic() - start); });
  CHECK(engine.run());
  REQUIRE(results.size() == 3);
  // The held call goes at its turn; the refusal comes then (the two in either order), not before.
  CHECK(results[0].first == Outcome::connect_error);
  CHECK(results[0].second < 0.5);
  CHECK(std::count_if(results.begin(), results.end(),
                      [](auto& r) { return r.first == Outcome::budget_spent; }) == 1);
  for (size_t i = 1; i < 3; ++i) {
    CHECK(results[i].second >= 1.1);
    CHECK(results[i].second < 3);  // not a pace of its own: at once with the held call
  }
}

TEST_CASE("a request its quota has left to a call still waiting is not refused as quota spent before it") {
  SystemClock clock;
  EngineOptions o;
  o.max_attempts = 1;
  HttpEngine engine(o, {{"svc", ServiceLimit{0, 2, 1, 0, 0}}}, clock);  // 2 calls a day, 1 per 1.15 s
  const double start = clock.monotonic();
  std::vector<std::pair<Outcome, double>> results;
  for (const char* path : {"/a", "/b", "/c"})
    engine.submit({"svc", std::string("http://127.0.0.1:1") + path},
                  [&](HttpResult&& r) { results.emplace_back(r.outcome, clock.monotonic() - start); });
  CHECK(engine.run());
  REQUIRE(results.size() == 3);
  // Both calls of the day made: spent now, truly, and said only then.
  CHECK(std::count_if(results.begin(), results.end(),
                      [](auto& r) { return r.first == Outcome::quota_spent; }) == 1);
  for (size_t i = 1; i < 3; ++i) CHECK(results[i].second >= 1.1);
}
