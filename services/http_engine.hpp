// The network engine (SPEC §6): one curl multi handle, our own queue feeding
// it only when a slot is free (so queue time never counts against a
// transfer's timeout), connection reuse, per-service token buckets, daily
// quotas, circuit breakers, retries with full-jitter backoff and Retry-After,
// a run-wide attempt budget, and a typed outcome for every request.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.hpp"
#include "core/base/error.hpp"
#include "core/base/team.hpp"
#include "services/limits.hpp"
#include "services/providers/provider.hpp"

namespace thd {

enum class Outcome : std::uint8_t {
  ok,
  http_status,  // an HTTP error status (429 and 5xx were retried first)
  timeout,
  connect_error,  // DNS, connect, reset, truncated body
  too_large,      // body over the cap
  bad_body,       // 2xx whose body the request's validator refused
  no_data,        // 2xx saying the provider has nothing for this request (not a failure of the service)
  circuit_open,   // never sent: the service's breaker is open
  rate_limited,   // never sent: the service's daily quota is used up
  budget_spent,   // never sent: --max-api-calls reached
  refused,        // never sent: plain HTTP to a host that is not loopback
  cancelled,
  // A redirect not followed: curl's (to a scheme other than https, or more
  // than 3), or a keyed request's to another host. Permanent: one attempt,
  // not a breaker failure, never cached.
  redirect_refused,
  tls_failed,  // the server's certificate did not verify; permanent like redirect_refused
  // The provider's own readings of an answer (services/providers/provider.hpp, Verdict):
  not_on_plan,      // the key's plan does not include it: permanent, not a breaker failure
  key_rejected,     // the key was refused: every request of the service stops for the run
  quota_spent,      // the plan's quota is spent (said by the provider, or counted): none sent until it resets
  throttled,        // the provider said "slow down": not retried, the breaker opened for its pause
  session_expired,  // the provider wants a session first (Yahoo's crumb): the fetcher makes one
  count_
};
std::string_view outcome_name(Outcome o);

struct BodyProblem {
  std::string message;
  // none: the body is not what was asked for (bad_body); no_data: an answer,
  // just an empty one; the others as for an error status (Alpha Vantage says
  // "quota spent" with HTTP 200).
  Verdict verdict = Verdict::none;
  double backoff = 0;
};

struct HttpRequest {
  HttpRequest() = default;
  HttpRequest(std::string service_, std::string url_, std::vector<std::string> headers_ = {},
              std::function<std::optional<BodyProblem>(std::string_view body)> validate_ = nullptr)
      : service(std::move(service_)),
        url(std::move(url_)),
        headers(std::move(headers_)),
        validate(std::move(validate_)) {}

  std::string service;
  std::string url;
  std::vector<std::string> headers;
  // Checks a 2xx body (for example that it is JSON and not an error in
  // disguise); an error text makes the attempt a failure that is not retried.
  std::function<std::optional<BodyProblem>(std::string_view body)> validate;
  // The request carries a key (in its URL or a header): it is never sent to
  // any host but its own, so a redirect is followed only to the same scheme,
  // host and port. A URL with user info, or one or a header holding a
  // registered secret (core/base/secrets.hpp), counts as keyed too.
  bool keyed = false;
  // Reads an answer with an error status (a provider's 402, 429 "Limit
  // Reach", 401 "Invalid API KEY"); empty: 429 and 5xx are retried.
  std::function<Reading(long status, std::string_view body)> read_error;
  bool cookies = false;  // send and keep the run's cookies (one jar per engine)
  // Any HTTP status is an answer (a consent page that sets its cookie with a 404); 5xx and 429 are still
  // retried.
  bool any_status = false;
  // Asked when the request's turn comes, before it is sent: a reason not to
  // send it after all (the provider's plan has since refused its like), and
  // it ends as not_on_plan without a call.
  std::function<std::optional<std::string>()> not_wanted;
  // Lower goes first: a request waits behind those with a lower number, so
  // that a budget runs out on the last in priority, not the last submitted.
  size_t priority = static_cast<size_t>(-1);
};

// Body and error pass through redact() (core/base/secrets.hpp) before the
// validator sees them: nothing a provider says can carry a key on.
struct HttpResult {
  Outcome outcome = Outcome::cancelled;
  long status = 0;
  std::string body;
  std::string error;  // for people; never contains the URL's query string
  int attempts = 0;
  double elapsed = 0;  // seconds, last attempt
};

struct ServiceLimit {
  double per_minute = 0;  // 0: no limit
  int per_day = 0;        // 0: no daily quota
  int per_second = 0;     // at most this many in any second (with a margin for the way there); 0: no rule
  int per_month = 0;      // a monthly quota (instead of per_day); 0: none
  int reset_minutes = 0;  // the provider's day starts at this time of day, UTC (minutes after midnight)
};
// The quota period a call made at `now` counts in: "2026-11-30" for a daily
// quota, "2026-11" for a monthly one, shifted by the provider's reset time.
std::string quota_period(const ServiceLimit& limit, UnixTime now);

struct EngineOptions {
  int max_concurrent = 5;
  int pool_size = 5;
  double timeout = 30;          // per attempt, from when the transfer starts
  double connect_timeout = 10;  // capped by timeout
  size_t max_body = 8u << 20;
  double slow_call = 10;
  int max_api_calls = 100;  // attempts, retries included
  int max_calls_per_minute = 0;
  int max_attempts = 3;
  double retry_base = 0.5, retry_cap = 8;
  double max_retry_after = 30;
  // A request that would wait longer than this for its rate limit fails at
  // once as rate_limited, so that a provider chain moves on (alpha_vantage's
  // 5 a minute would otherwise hold a run for minutes).
  double max_rate_wait = 10;
  double breaker_cooldown = 60;
  std::filesystem::path state_dir;     // where breakers and quotas persist; empty: nowhere
  bool ignore_saved_breakers = false;  // run --dry-run --reset-breakers: plan as if they were reset
  // A PEM file of the certificate authorities to trust instead of the
  // system's (THD_CA_BUNDLE: a company proxy, or the tests' own servers).
  // Empty: the system's. Verification itself is never turned off.
  std::string ca_bundle;
  // Called at least every 250 ms while the engine runs; returning false
  // cancels every transfer (the RSS guard).
  std::function<bool()> tick;
  // The team's shared quota counts (the remote tier); null: this machine's count alone.
  Team* team = nullptr;
};

struct ServiceCounters {
  std::uint64_t attempts = 0, retries = 0, connections = 0;
  std::array<std::uint64_t, static_cast<size_t>(Outcome::count_)> outcomes{};  // final, per request
  std::array<std::uint64_t, static_cast<size_t>(Outcome::count_)> unsent{};    // of those, never sent
  std::uint64_t failures() const;
  // Why the service stopped for the run, when it did ("API key rejected
  // (HTTP 401): Invalid API KEY", "daily quota of 250 calls spent"); empty otherwise.
  std::string stopped;
};

// What a service can take in this run, as the engine knows it before any
// call (its quota period's count, a spent quota, a rejected key, a breaker
// an earlier run left open).
struct ServiceStanding {
  std::optional<int> calls_left;  // its quota left in the period; nullopt: no quota
  std::string quota_text;         // "250/day plan", "10000/month plan"
  std::string unavailable;        // why no call can go now; empty: calls can
  Outcome blocked = Outcome::ok;  // what a call would get instead (quota_spent, circuit_open, key_rejected)
};

// A service whose next request waits: for how long and why ("rate limit 1/s").
struct EngineWait {
  std::string service;
  double seconds = 0;
  std::string cause;
  size_t waiting = 0;  // its requests waiting with a cause
};

struct EngineProgress {
  size_t waiting = 0, in_flight = 0;
  std::map<std::string, size_t> queued;  // per service: requests waiting or in flight
  std::uint64_t answered = 0;            // transfers finished (each attempt)
  double busy_seconds = 0;               // their time from start to answer, summed
};

class HttpEngine {
 public:
  using Done = std::function<void(HttpResult&&)>;

  // `clock` gives intervals, the wall time that breakers and quotas are
  // saved with, and the retries' jitter.
  HttpEngine(EngineOptions options, std::map<std::string, ServiceLimit> limits, Clock& clock);
  ~HttpEngine();
  HttpEngine(const HttpEngine&) = delete;
  HttpEngine& operator=(const HttpEngine&) = delete;

  void submit(HttpRequest request, Done done);
  // Runs until every request is done; false when tick() cancelled the run.
  bool run();

  const std::map<std::string, ServiceCounters>& counters() const;
  BreakerState breaker_state(const std::string& service) const;
  std::uint64_t connections() const;  // new TCP/TLS connections made
  int max_in_flight() const;
  int attempts_left() const;
  ServiceStanding standing(const std::string& service);
  std::vector<EngineWait> waits() const;
  EngineProgress progress() const;
  // Persists open breakers and the daily quota used (SPEC §6).
  Result<void> save_state();

 private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

// Only loopback hosts may be reached over plain HTTP.
bool plain_http_allowed(std::string_view url);
// "https://api.example.com:443": scheme, host and port (the scheme's default
// when none is given), lower case; empty when the URL cannot be read.
std::string url_origin(std::string_view url);
// Why `url` cannot be a service's base URL ("the port is empty", "no host"),
// read with libcurl's URL parser plus what it lets through (an empty or zero
// port, "http:///x", spaces); nullopt when it can. For a check at start.
std::optional<std::string> base_url_problem(std::string_view url);

}  // namespace thd
